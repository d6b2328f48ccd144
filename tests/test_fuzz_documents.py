"""No document, however broken, gets anything but positioned errors from `ammr check` (hypothesis).

Generated documents (real field names and junk, values of every YAML kind, written as YAML
or JSON), the bundled example documents with tokens mutated, random bytes, and YAML's own
traps (alias bombs, aliases that contain themselves, deep nesting, huge numbers, tags) are
read, validated and checked against the shipped rules: each gives verdicts or a `Failed`
whose diagnostics are positioned. A traceback fails the test. The number of inputs per test
is AMMR_FUZZ_EXAMPLES (default 150); bench/fuzz.py runs a longer campaign.
"""

import json
import os
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_rules import mutated, watchdog, written

from interpreter import Failed, cli
from interpreter.report.render import render_check, render_json
from interpreter.report.view import view

pytestmark = pytest.mark.slow          # Hypothesis, or whole copies of the rules folder: see CONTRIBUTING.md

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("AMMR_FUZZ_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])
EXAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples" / "2026").glob("*.yaml"))]
TOKEN = re.compile(r"\w+|\s+|.", re.S)
CODES = ["DE", "FR", "EL", "GR", "DK", "XX"]
YAML_WORDS = [":", "-", "[", "{", "&a", "*a", "!!binary", "9" * 60, "1e999", "\n", "  ", "'", "undisclosed", "GR", "yes",
              "~", "<<"]


def check_file(rules, path: Path) -> None:
    with watchdog():
        _check_file(rules, path)


def _check_file(rules, path: Path) -> None:
    try:
        result = rules.check([path])
    except Failed as failure:
        assert failure.diagnostics
        for d in failure.diagnostics:
            assert re.fullmatch(r"[A-Z]\d{3}", d.code) and d.message and d.span.line >= 1 and d.span.column >= 1, d
        failure.render()
        return
    data = view(result, rules, traces=True)
    render_check(data)
    json.loads(render_json(data))


def check_text(rules, text: str | bytes, suffix: str = ".yaml") -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_file(rules, written(folder, f"fuzzed{suffix}", text))


def values(field_names):
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-10**50, 10**50),
                        st.floats(allow_nan=True), st.text(max_size=20), st.dates(),
                        st.sampled_from(["1/3", "25 %", "0.1", "1e999", "-5", "NaN", "2025-02-30", "EUR 5", "DE"]))
    keys = st.sampled_from(CODES + field_names) | st.text(max_size=8)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
                        max_leaves=12)


@st.composite
def documents(draw, rules):
    types = sorted(rules.program.documents)
    kind = draw(st.sampled_from(types + ["Unknown"]))
    fields = sorted({f for s in rules.program.structs.values() for f in s.fields})
    data = {"document": kind} if draw(st.integers(0, 9)) else {}
    data.update(draw(st.dictionaries(st.sampled_from(fields + ["data_years", "undisclosed", "note"]) | st.text(max_size=6),
                                     values(fields), max_size=8)))
    as_json = draw(st.booleans())
    text = json.dumps(data, default=str) if as_json else yaml.safe_dump(data, allow_unicode=True)
    return text, ".json" if as_json else ".yaml"


@SETTINGS
@given(st.data())
def test_generated_documents(rules, data):
    text, suffix = data.draw(documents(rules))
    check_text(rules, text, suffix)


@SETTINGS
@given(mutated(EXAMPLE_TEXTS, YAML_WORDS, TOKEN))
def test_mutated_example_documents(rules, text):
    check_text(rules, text)


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes(rules, data):
    check_text(rules, data)


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi")) + "document: CommissionProposal\n"
EXTREMES = {
    "a billion laughs": LAUGHS,
    "an alias that contains itself": "document: CommissionProposal\nrelocations: &a [*a]\n",
    "a mapping that contains itself": "&a document: CommissionProposal\nx: *a\n",
    "10 000 nested lists": "document: CommissionProposal\nrelocations: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "10 000 nested JSON objects": '{"document": "CommissionProposal", "x": ' + '{"a": ' * 10_000 + "1" + "}" * 10_001,
    "an integer of 5 000 digits": "document: CommissionProposal\nrelocations: " + "9" * 5000 + "\n",
    "an amount of 5 000 digits": "document: CommissionProposal\nfinancial_contributions: '" + "9" * 5000 + "'\n",
    "an exponent of a billion": "document: CommissionProposal\nfinancial_contributions: 1e999999999\n",
    "a tiny exponent": "document: CommissionProposal\nfinancial_contributions: 1e-999999999\n",
    "a share written with an exponent": "document: CommissionProposal\nindicative_financial_contributions: {DE: '1e99999999'}\n",
    "a date that is not one": "document: CommissionProposal\nadopted_on: 2025-02-30\n",
    "a Python object tag": "document: !!python/object/apply:os.system ['true']\n",
    "a binary tag": "document: CommissionProposal\nrelocations: !!binary aGVsbG8=\n",
    "a text of a million characters": "document: CommissionProposal\nnote: " + "a" * 1_000_000 + "\n",
    "NUL bytes": "document: CommissionProposal\nrelocations: 1\x00\n",
    "a byte order mark": "\ufeffdocument: CommissionProposal\nrelocations: 30000\n",
    "only a separator": "---\n",
    "an empty file": "",
    "many documents": "document: CommissionProposal\n---\n" * 2000,
    "not UTF-8": b"document: CommissionProposal\nnote: \xff\xfe\n",
}


@pytest.mark.parametrize("text", EXTREMES.values(), ids=EXTREMES.keys())
def test_extremes_through_the_command(text, capsys):
    with tempfile.TemporaryDirectory() as folder:
        path = written(folder, "extreme.yaml", text)
        code = cli.run(cli.main, ["check", str(path), "--format", "json"])
        out, err = capsys.readouterr()
    assert code in (0, 1, 2, 4, 5), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 2:
        errors = json.loads(out)["errors"]
        assert errors and all(e["line"] >= 1 and e["column"] >= 1 for e in errors)


def test_the_traps_are_named(capsys):
    with tempfile.TemporaryDirectory() as folder:
        found = {}
        for name in ("a billion laughs", "an alias that contains itself", "an exponent of a billion",
                     "an integer of 5 000 digits"):
            path = Path(folder) / "trap.yaml"
            path.write_text(EXTREMES[name], encoding="utf-8")
            cli.run(cli.main, ["check", str(path), "--format", "json"])
            found[name] = json.loads(capsys.readouterr().out)["errors"][0]
    assert found["a billion laughs"]["code"] == "D007"
    assert found["an alias that contains itself"]["code"] == "D008" and found["an alias that contains itself"]["line"] == 2
    assert "more than 40 digits" in found["an exponent of a billion"]["message"]
    assert found["an integer of 5 000 digits"]["code"] == "D009"


def test_a_document_without_surprises_still_checks(rules):
    doc = {"document": "CommissionProposal", "pool_year": 2026, "adopted_on": date(2025, 10, 1),
           "relocations": 30000, "financial_contributions": 600000000}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ok.yaml"
        path.write_text(yaml.safe_dump(doc))
        result = rules.check([path])
    assert result.outcome("proposal_minimum_relocations").verdict == "compliant"
