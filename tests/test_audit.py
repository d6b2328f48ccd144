"""The audit record of every result, ids that do not depend on how a path was typed, `ammr verify`,
the errors document of ammr-check/1, `ammr check -o`, the calendar that must not run out silently,
and shell completion."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from importlib import metadata
from pathlib import Path

import jsonschema
import pytest
import yaml

from interpreter import RuleSet
from interpreter.report.view import schema_path
from interpreter.tools.calendar_range import calendar_warnings

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = "tests/golden/cases/boundaries"
WHEN = "2026-05-04T03:02:01Z"


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("AMMR_CHECKED_AT", WHEN)
    monkeypatch.delenv("AMMR_RULES", raising=False)


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft202012Validator(json.loads(schema_path().read_text(encoding="utf-8")))


def _json(ammr, *args) -> tuple[int, dict]:
    code, out, err = ammr(*args, "--format", "json")
    return code, json.loads(out)


def _ids(data) -> list[str]:
    """Every id of a result: documents, outcomes, anchors, values, summary references, audit documents."""
    found = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key in ("id", "outcome_id", "anchor", "outcome", "outcome_id"):
            found.append(value)
    walk({k: v for k, v in data.items()})
    return found


# ------------------------------------------------------------------ ids

def test_the_same_documents_by_different_paths_give_the_same_ids(at_root, ammr, tmp_path):
    ways = [BOUNDARIES, f"./{BOUNDARIES}", str(ROOT / BOUNDARIES), os.path.relpath(ROOT / BOUNDARIES, tmp_path)]
    results = []
    for way in ways[:3]:
        results.append(_json(ammr, "explain", way)[1])
    os.chdir(tmp_path)                                   # the same files, from another folder
    results.append(_json(ammr, "explain", ways[3], "--rules", ROOT / "rules")[1])
    ids = [_ids(r) for r in results]
    assert len(ids[0]) > 100 and all(i == ids[0] for i in ids[1:])
    assert not any("boundaries" in i for i in ids[0])    # no path in any id
    labels = [r["documents"][0]["label"] for r in results]
    assert len(set(labels)) == 3 and labels[0] == labels[1] and labels[2] == str(ROOT / BOUNDARIES / "commission-proposal.yaml")


def test_a_document_is_named_by_its_declared_id_else_by_its_contents_hash(at_root, ammr, tmp_path):
    data = yaml.safe_load((ROOT / BOUNDARIES / "commission-proposal.yaml").read_text(encoding="utf-8"))
    # the same content in JSON, and in YAML with a comment: the same hash, computed here independently
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    (tmp_path / "as.json").write_text(json.dumps(data, default=str), encoding="utf-8")
    (tmp_path / "as.yaml").write_text("# a comment\n" + (ROOT / BOUNDARIES / "commission-proposal.yaml")
                                      .read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("as.json", "as.yaml"):
        _, result = _json(ammr, "check", tmp_path / name)
        assert result["audit"]["documents"][0]["sha256"] == digest
        assert result["documents"][0]["id"] == f"sha256:{digest[:16]}"
        assert all(o["outcome_id"].startswith(f"sha256:{digest[:16]}#") for o in result["outcomes"])
    (tmp_path / "named.yaml").write_text("id: COM(2025) 999\n" + (tmp_path / "as.yaml").read_text(), encoding="utf-8")
    _, result = _json(ammr, "check", tmp_path / "named.yaml")
    assert result["documents"][0]["id"] == "COM(2025) 999"
    assert "COM(2025) 999#proposal_minimum_relocations" in [o["outcome_id"] for o in result["outcomes"]]


def test_a_bad_or_repeated_declared_id_is_an_error(at_root, ammr, tmp_path):
    text = (ROOT / BOUNDARIES / "commission-proposal.yaml").read_text(encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("id: 'a#b'\n" + text, encoding="utf-8")
    code, _, err = ammr("check", tmp_path / "bad.yaml")
    assert code == 2 and "bad.yaml:1:5: error[D040]: a document's id is one line of text, without '#'" in err
    (tmp_path / "bad.yaml").unlink()
    (tmp_path / "one.yaml").write_text("id: X\n" + text, encoding="utf-8")
    (tmp_path / "two.yaml").write_text("id: X\n" + text.replace("29500", "29501"), encoding="utf-8")
    code, _, err = ammr("check", tmp_path)
    assert code == 2 and "error[D041]: 'X' is the id of" in err


def test_the_same_content_twice_gets_distinct_ids(at_root, ammr, tmp_path):
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(ROOT / BOUNDARIES / "commission-proposal.yaml", tmp_path / name)
    _, result = _json(ammr, "check", tmp_path)
    first, second = (d["id"] for d in result["documents"])
    assert second == f"{first}/2"
    ids = [o["outcome_id"] for o in result["outcomes"]]
    assert len(ids) == len(set(ids))


# ------------------------------------------------------------------ the audit record

def test_the_audit_record_names_everything_the_verdicts_depend_on(at_root, ammr, validator):
    code, result = _json(ammr, "check", BOUNDARIES, "--set", "date_of_application=2026-06-12",
                         "--data-year", "population=2023")
    assert code == 1 and not list(validator.iter_errors(result))
    audit = result["audit"]
    assert audit["tool"] == {"name": "ammr-rules", "version": metadata.version("ammr-rules")}
    assert audit["checked_at"] == WHEN
    # the rule set: every rule file, law text file and data file, each hashed, and one hash of the listing
    files = dict((f["path"], f["sha256"]) for f in audit["rules"]["files"])
    rules = ROOT / "rules"
    expected = [p.name for p in rules.glob("*.rules")] + [f"law/{p.name}" for p in (rules / "law").iterdir()] + \
        ["data/eurostat-population.csv", "data/eurostat-gdp.csv", "data/official-holidays.csv"]
    assert sorted(files) == sorted(expected)
    assert all(files[name] == hashlib.sha256((rules / name).read_bytes()).hexdigest() for name in files)
    listing = "".join(f"{files[name]}  {name}\n" for name in sorted(files))
    assert audit["rules"]["sha256"] == hashlib.sha256(listing.encode()).hexdigest()
    assert audit["rules"]["folder"] == "rules"
    assert audit["readings"] == {}
    assert audit["parameters"] == {"date_of_application": {"value": "2026-06-12", "set": True}}
    population = next(d for d in audit["data"] if d["dataset"] == "population")
    assert (population["year"], population["why"], population["file"]) == \
        (2023, "chosen for this check", "data/eurostat-population.csv")
    assert population["sha256"] == files["data/eurostat-population.csv"]
    assert population["published"].startswith("demo_pjan")
    assert audit["calendar"] == {"name": "official_holidays", "file": "data/official-holidays.csv",
                                 "sha256": files["data/official-holidays.csv"], "first_year": 2024, "last_year": 2040}
    assert [d["label"] for d in audit["documents"]] == [d["label"] for d in result["documents"]]
    assert audit["documents"][0]["path"] == f"{BOUNDARIES}/commission-proposal.yaml"


def test_a_parameter_not_set_is_recorded_with_the_rules_default(at_root, ammr):
    _, result = _json(ammr, "check", BOUNDARIES)
    assert result["audit"]["parameters"] == {"date_of_application": {"value": "2026-07-01", "set": False}}


def test_every_format_ends_with_the_audit_record(at_root, ammr):
    rules_hash = RuleSet.prepare(ROOT / "rules").fingerprint.sha256
    for args in (["check"], ["explain"], ["explain", "--format", "md"], ["explain", "--format", "html"]):
        code, out, _ = ammr(*args, BOUNDARIES)
        assert code == 1
        tail = out[out.rindex("Audit record") - 20:]
        assert WHEN in tail and rules_hash in tail and "ammr-rules" in tail, args
        assert "commission-proposal.yaml" in tail and "2024 to 2040" in tail, args


def test_the_time_of_the_check_is_now_in_utc_or_as_set(at_root, ammr, monkeypatch):
    monkeypatch.delenv("AMMR_CHECKED_AT")
    from datetime import UTC, datetime
    before = datetime.now(UTC).replace(microsecond=0)
    _, result = _json(ammr, "check", BOUNDARIES)
    moment = datetime.fromisoformat(result["audit"]["checked_at"].replace("Z", "+00:00"))
    assert before <= moment <= datetime.now(UTC)
    monkeypatch.setenv("AMMR_CHECKED_AT", "2026-05-04T05:02:01+02:00")
    assert _json(ammr, "check", BOUNDARIES)[1]["audit"]["checked_at"] == WHEN
    monkeypatch.setenv("AMMR_CHECKED_AT", "yesterday")
    code, out, err = ammr("check", BOUNDARIES)
    assert code == 2 and "AMMR_CHECKED_AT='yesterday' is not a time" in err and "Traceback" not in err


# ------------------------------------------------------------------ errors in the schema

def test_json_errors_are_the_schemas_errors_document(at_root, ammr, tmp_path, validator):
    bad = tmp_path / "bad.yaml"
    bad.write_text("document: CommissionProposal\nrelocations: many\n", encoding="utf-8")
    code, result = _json(ammr, "check", bad)
    assert code == 2 and result["exit_code"] == 2 and result["schema"] == "ammr-check/1"
    assert result["errors"][0]["file"] == str(bad) and result["errors"][0]["line"] == 2
    assert not list(validator.iter_errors(result))
    code, result = _json(ammr, "explain", BOUNDARIES, "--data-year", "weather=2024")
    assert code == 2 and result["errors"][0]["code"] == "U002" and "no dataset 'weather'" in result["errors"][0]["message"]
    assert not list(validator.iter_errors(result))
    (tmp_path / "rules").mkdir()
    code, result = _json(ammr, "check", BOUNDARIES, "--rules", tmp_path / "rules")
    assert code == 3 and result["exit_code"] == 3 and result["errors"][0]["code"] == "E003"
    assert not list(validator.iter_errors(result))
    # the schema tells the two apart: a result with errors, or errors with a verdict, is neither
    assert not validator.is_valid({**result, "overall": "compliant"})
    assert not validator.is_valid({**result, "exit_code": 1})


# ------------------------------------------------------------------ ammr check -o

def test_check_writes_its_output_to_a_file(at_root, ammr, tmp_path):
    code, out, err = ammr("check", BOUNDARIES, "--format", "json", "-o", tmp_path / "result.json")
    assert code == 1 and out == "" and f"wrote {tmp_path / 'result.json'}" in err
    assert json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))["overall"] == "non_compliant"
    code, _, _ = ammr("check", BOUNDARIES, "-o", tmp_path / "result.txt")
    assert code == 1 and "\x1b[" not in (tmp_path / "result.txt").read_text(encoding="utf-8")


# ------------------------------------------------------------------ ammr verify

@pytest.fixture
def stored(at_root, ammr, tmp_path) -> Path:
    shutil.copytree(ROOT / BOUNDARIES, tmp_path / "case")
    os.chdir(tmp_path)
    code, _, _ = ammr("check", "case", "--format", "json", "-o", "result.json", "--rules", ROOT / "rules")
    assert code == 1
    return tmp_path / "result.json"


def test_verify_confirms_a_stored_result(stored, ammr):
    code, out, err = ammr("verify", stored, "--rules", ROOT / "rules")
    assert code == 0, err
    count = len(json.loads(stored.read_text(encoding="utf-8"))["outcomes"])
    assert f"the same verdicts: all {count} verdicts of the record confirmed" in out and count > 20
    # the documents given again, by other paths: matched by their content
    shutil.move(stored.parent / "case", stored.parent / "moved")
    code, out, err = ammr("verify", stored, stored.parent / "moved", "--rules", ROOT / "rules")
    assert code == 0, err


def test_verify_lists_verdicts_that_differ(stored, ammr):
    record = json.loads(stored.read_text(encoding="utf-8"))
    late = next(o for o in record["outcomes"] if o["id"] == "proposal_adopted_by_15_october")
    late["verdict"] = "compliant"
    stored.write_text(json.dumps(record), encoding="utf-8")
    code, out, err = ammr("verify", stored, "--rules", ROOT / "rules")
    assert code == 1
    assert f"{late['outcome_id']} (Proposal adopted by 15 October): compliant in the record, non_compliant now" in out


def test_verify_cannot_when_an_input_or_the_rules_changed(stored, ammr, tmp_path):
    proposal = stored.parent / "case" / "commission-proposal.yaml"
    recorded = json.loads(stored.read_text(encoding="utf-8"))["audit"]
    before = next(d["sha256"] for d in recorded["documents"] if d["path"].endswith("commission-proposal.yaml"))
    proposal.write_text(proposal.read_text(encoding="utf-8").replace("29500", "30000"), encoding="utf-8")
    code, _, err = ammr("verify", stored, "--rules", ROOT / "rules")
    assert code == 2 and f"case/commission-proposal.yaml has changed: sha256 {before} in the record" in err
    proposal.write_text(proposal.read_text(encoding="utf-8").replace("30000", "29500"), encoding="utf-8")
    rules = tmp_path / "my-rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("__pycache__"))
    with (rules / "law" / "art-012.md").open("a", encoding="utf-8") as law:
        law.write("\n")
    code, _, err = ammr("verify", stored, "--rules", rules)
    assert code == 2 and f"the rules are not the record's: sha256 {recorded['rules']['sha256']}" in err
    assert "(law/art-012.md changed)" in err
    code, _, err = ammr("verify", stored, stored.parent / "case" / "pledge-netherlands.yaml", "--rules", ROOT / "rules")
    assert code == 2 and "no document given has the content of case/commission-proposal.yaml" in err


def test_verify_refuses_what_is_no_result(at_root, ammr, tmp_path):
    cases = {"not.json": "{", "other.json": '{"schema": "other"}',
             "errors.json": '{"schema": "ammr-check/1", "exit_code": 2, "errors": [{}]}',
             "cut.json": '{"schema": "ammr-check/1", "audit": {"rules": {}}, "outcomes": []}'}
    said = {"not.json": "is not JSON", "other.json": "is not a result of `ammr check --format json`",
            "errors.json": "records errors, not verdicts", "cut.json": "is not a whole result"}
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        code, _, err = ammr("verify", tmp_path / name)
        assert code == 2 and said[name] in err and "Traceback" not in err, (name, err)


# ------------------------------------------------------------------ the calendar does not run out silently

def test_rules_warns_when_the_calendar_ends_within_two_years(tmp_path, rules, ammr):
    spec = rules.program.calendar
    path = ROOT / "rules" / spec.decl.file
    assert calendar_warnings(path, "cal.csv", spec.decl.span, date(2038, 12, 30)) == []
    warned = calendar_warnings(path, "cal.csv", spec.decl.span, date(2039, 1, 1))
    assert [w.code for w in warned] == ["W700"] and "cal.csv ends in 2040 for every Member State" in warned[0].message
    assert warned[0].span.file.endswith("art-075.rules") and warned[0].severity == "warning"
    gap = tmp_path / "gap.csv"
    gap.write_text("geo,date,name,source\nNL,2031-01-01,a,x\nNL,2033-01-01,b,x\n", encoding="utf-8")
    assert [w.code for w in calendar_warnings(gap, "gap.csv", spec.decl.span, date(2030, 1, 1))] == ["W701"]
    code, out, err = ammr("rules")
    assert code == 0 and "W700" not in err


def test_a_time_limit_past_the_calendar_says_so_and_names_the_file(rules):
    from fractions import Fraction
    value = rules.value(rules.case(()), "time_limit_in_weeks", (date(2040, 12, 20), Fraction(4), "AT"))
    assert value.paths == {"no official holidays of AT are known for 2041: the time limit's last day cannot be fixed "
                           "(the calendar rules/data/official-holidays.csv has none)"}
    # within the calendar's last year, a time limit is answered (the year after is not needed)
    assert rules.value(rules.case(()), "time_limit_in_weeks", (date(2040, 11, 29), Fraction(4), "AT")) == \
        date(2040, 12, 27)


# ------------------------------------------------------------------ shell completion

def test_shell_completion_scripts_are_produced():
    for shell, expected in (("bash", "complete -o nosort -F _ammr_completion ammr"), ("zsh", "#compdef ammr"),
                            ("fish", "complete --no-files --command ammr")):
        made = subprocess.run([sys.executable, "-m", "interpreter"], capture_output=True, text=True,
                              env={**os.environ, "_AMMR_COMPLETE": f"{shell}_source"}, timeout=60)
        assert made.returncode == 0 and expected in made.stdout, (shell, made.stdout, made.stderr)
    completed = subprocess.run([sys.executable, "-m", "interpreter"], capture_output=True, text=True, timeout=60,
                               env={**os.environ, "_AMMR_COMPLETE": "bash_complete", "COMP_WORDS": "ammr ver",
                                    "COMP_CWORD": "1"})
    assert completed.stdout.split() == ["plain,verify"]


def test_a_result_stored_before_the_audit_record_still_renders(rules):
    """The portal keeps results whole and shows them again: one made before results had an audit
    record renders without that section."""
    from interpreter import explain, render
    data = explain(rules, rules.check([ROOT / BOUNDARIES]))
    assert all("Audit record" in render(data, f) for f in ("text", "md", "html", "check"))
    del data["audit"]
    assert not any("Audit record" in render(data, f) for f in ("text", "md", "html", "check"))


def test_a_check_on_supplied_reference_data_records_that_file_and_verify_uses_it(at_root, ammr, tmp_path,
                                                                                validator):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "examples" / "reference-data-2023", data)
    stored = tmp_path / "result.json"
    code, _, err = ammr("check", BOUNDARIES, "--data", data, "--format", "json", "-o", stored)
    assert code == 1, err
    record = json.loads(stored.read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(record))
    [supplied] = {d["file"] for d in record["audit"]["data"]}
    assert Path(supplied).parent == data and all(d.get("supplied") for d in record["audit"]["data"])
    assert {d["sha256"] for d in record["audit"]["data"]} == {hashlib.sha256(Path(supplied).read_bytes()).hexdigest()}
    code, out, err = ammr("verify", stored)
    assert code == 0 and "the same verdicts" in out, err
    # the same figures on the shipped data would not do: a changed file of reference data is named
    Path(supplied).write_text(Path(supplied).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    code, _, err = ammr("verify", stored)
    assert code == 2 and f"{supplied} has changed: sha256" in err
