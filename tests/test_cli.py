"""The `ammr` command: outputs, exit codes, and no traceback whatever the input."""

import inspect
import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from interpreter import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "2026")


def ammr(capsys, *args):
    code = cli.run(cli.main, list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_check_the_bundled_example(capsys):
    code, out, err = ammr(capsys, "check", EXAMPLE, "--no-color")
    assert code == 1, err
    assert "✘ non_compliant" in out and "Art. 12(6), first sentence" in out and "27 days late" in out
    assert "✔ compliant" in out and "Art. 12(2)(a)" in out and "(30 000 persons)" in out
    assert "population: 2024" in out


def test_check_json_is_exact_and_complete(capsys):
    code, out, _ = ammr(capsys, "check", EXAMPLE, "--format", "json")
    data = json.loads(out)
    assert data["schema"] == "ammr-check/1" and data["overall"] == "non_compliant" and data["exit_code"] == code == 1
    late = next(o for o in data["outcomes"] if o["id"] == "proposal_adopted_by_15_october")
    assert late["verdict"] == "non_compliant"
    assert late["citations"][0]["full"] == "Article 12(6), first sentence"
    assert late["citations"][0]["url"] == "https://eur-lex.europa.eu/eli/reg/2024/1351/oj"
    assert late["citations"][0]["text"].startswith("The Commission shall adopt the proposal")

    def no_floats(value):
        assert not isinstance(value, float)
        for child in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
            no_floats(child)
    no_floats(data)


ALL = ["BE", "BG", "CZ", "DE", "EE", "IE", "EL", "ES", "FR", "HR", "IT", "CY", "LV", "LT", "LU", "HU", "MT",
       "NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI", "SE"]


def test_exit_codes_follow_the_worst_verdict(capsys, tmp_path):
    # a complete cycle in which every checkable requirement holds (tests/scenarios/cycle-compliant.yaml)
    import yaml

    from interpreter.tools.scenarios import load
    cycle = load(ROOT / "tests" / "scenarios" / "cycle-compliant.yaml")[0]
    folder = tmp_path / "cycle"
    folder.mkdir()
    for i, document in enumerate(cycle.documents):
        write(folder, f"{i}.yaml", yaml.safe_dump({**document, "data_years": cycle.data_years}))
    code, out, _ = ammr(capsys, "check", str(folder), "--no-color")
    assert code == 0 and "✘ non_compliant" not in out and "? insufficient_information" not in out
    missing = write(tmp_path, "b.yaml", "document: CouncilImplementingAct\npool_year: 2026\nadopted_on: 2025-12-01\n"
                    "reference_relocations: 21000\nreference_financial_contributions: 420000000\n"
                    "undisclosed: [pledges]\n")
    assert ammr(capsys, "check", missing)[0] == 4
    # the same cycle and a pledge with an alternative measure: only the objectivity of the
    # measure's value is left, to the Member State's assessment
    write(folder, "pledge.yaml", "document: MemberStatePledge\nmember_state: LU\npool_year: 2026\npledge:\n"
          "  alternative_measures: [{description: x, financial_value: 9000000}]\n")
    code, out, _ = ammr(capsys, "check", str(folder), "--no-color")
    assert code == 5 and "⚖ needs_assessment" in out and "Overall: ⚖ needs_assessment" in out


def test_a_bad_document_is_a_positioned_error(capsys, tmp_path):
    path = write(tmp_path, "bad.yaml", "document: CommissionProposal\nrelocations: many\n")
    code, out, err = ammr(capsys, "check", path)
    assert code == 2 and out == ""
    assert "bad.yaml:2:14: error[D022]: relocations" in err and "Traceback" not in err


def test_a_bad_rule_file_is_a_positioned_error(capsys, tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    for p in (ROOT / "rules").glob("*.rules"):
        (folder / p.name).write_text(p.read_text())
    shutil.copytree(ROOT / "rules" / "law", folder / "law")         # a link out of the folder would be refused
    shutil.copytree(ROOT / "rules" / "data", folder / "data")
    (folder / "extra.rules").write_text('constant wrong = 3 persons\n  cites Art 57(5)\n')
    code, out, err = ammr(capsys, "check", EXAMPLE, "--rules", str(folder))
    assert code == 3
    assert "extra.rules:2:9: error[E401]: Article 57 has no paragraph 5" in err and "did you mean Art. 57(4)" in err
    code, out, _ = ammr(capsys, "rules", "--rules", str(folder), "--format", "json")
    assert code == 3 and json.loads(out)["errors"][0]["code"] == "E401"


def test_rules_command(capsys):
    code, out, _ = ammr(capsys, "rules")
    assert code == 0 and "no errors" in out and "citations resolved" in out


def test_schema(capsys):
    code, out, _ = ammr(capsys, "schema", "MemberStatePledge")
    assert code == 0 and json.loads(out)["properties"]["member_state"]
    code, out, err = ammr(capsys, "schema", "MemberStatePledges")
    assert code == 2 and "did you mean 'MemberStatePledge'" in err
    code, out, _ = ammr(capsys, "schema")
    assert code == 0 and "CouncilImplementingAct" in out


def test_explain_quotes_the_law_and_writes_atomically(capsys, tmp_path):
    target = tmp_path / "explanation.txt"
    code, out, err = ammr(capsys, "explain", EXAMPLE, "-o", str(target),
                          "--requirement", "proposal_adopted_by_15_october")
    assert code == 1 and out == ""
    text = " ".join(target.read_text().split())
    assert "Article 12(6), first sentence" in text and "by 15 October each year" in text
    assert "Interpretation: 'By 15 October each year' is a fixed date" in text
    assert "proposal.adopted_on = 11 November 2025" in text
    assert "At least 30 000 relocations" not in text          # only the requirement asked for
    assert [p.name for p in tmp_path.iterdir()] == ["explanation.txt"]   # no temporary file left behind


def test_explain_unknown_requirement(capsys):
    code, _, err = ammr(capsys, "explain", EXAMPLE, "--requirement", "proposal_adopted_by_15_octobre")
    assert code == 2 and "did you mean 'proposal_adopted_by_15_october'" in err


def test_bad_data_year_option(capsys):
    code, _, err = ammr(capsys, "check", EXAMPLE, "--data-year", "population:2024")
    assert code == 2 and "DATASET=YEAR" in err


def test_an_internal_error_is_reported_without_traceback(capsys, monkeypatch):
    from interpreter import api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(api.RuleSet, "check", broken)
    code, out, err = ammr(capsys, "check", EXAMPLE)
    assert code == 70 and "internal error: RuntimeError: boom" in err and "Traceback" not in err


@pytest.mark.slow
def test_the_installed_command_runs_in_a_fresh_process():
    done = subprocess.run([sys.executable, "-m", "interpreter", "check", EXAMPLE, "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["overall"] == "non_compliant"


def test_the_command_table_says_what_each_command_says():
    """`ammr --help` lists the commands from cli.COMMANDS without importing them: each entry's help
    must be the first paragraph of the command's own."""
    for name, (_, _, short) in cli.COMMANDS.items():
        command = cli.main.get_command(click.Context(cli.main), name)
        assert command is not None and command.help is not None
        first = inspect.cleandoc(command.help).split("\n\n")[0]
        assert " ".join(short.split()) == " ".join(first.split()), name


def test_help_and_the_package_import_nothing_heavy():
    """`import interpreter` and `ammr --help` stay cheap: no command module, no Lark, pydantic or Jinja2."""
    probe = ("import sys, contextlib, io\n"
             "import interpreter\n"
             "from interpreter import cli\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    cli.run(cli.main, ['--help'])\n"
             "heavy = ('interpreter.cli.', 'interpreter.api', 'lark', 'pydantic', 'jinja2')\n"
             "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
             "print(interpreter.RuleSet.__name__)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    loaded, public = done.stdout.splitlines()
    assert loaded == "[]"
    assert public == "RuleSet"                   # and each name is there when first used
