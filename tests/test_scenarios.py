"""The scenarios under tests/scenarios/ are collected as test items by the package's pytest plugin
(interpreter/tools/pytest_plugin.py); here, that every requirement has scenarios that can fail."""

from pathlib import Path

import pytest

from interpreter.report.coverage import untested_by
from interpreter.tools import scenarios, tested

SCENARIOS = scenarios.discover(Path(__file__).parent / "scenarios")


def test_every_requirement_has_scenarios_that_can_fail(rules):
    """A requirement with a condition needs a passing scenario where it holds and one where it fails;
    one left to assessment, one showing who assesses; an exception, one where it decides and one where
    its requirement is decided without it; a paragraph encoded by definitions only, a scenario that
    checks one of their values. The same check as `ammr lint` (E601, E602) and `ammr test`."""
    reports = [scenarios.verify(rules, s) for s in SCENARIOS]
    untested = untested_by(rules, reports)
    assert not untested, "\n".join(f"{g.rule}: {g.missing}" for g in untested)


def test_a_rule_shown_only_holding_is_untested(rules):
    """The check can fail: leave out the scenarios where the minimum is not met."""
    only_met = [s for s in SCENARIOS if "art-012.yaml" in s.file and "short" not in s.name and "fall" not in s.name]
    reports = [scenarios.verify(rules, s) for s in only_met]
    found = {(g.rule, g.missing) for g in tested.gaps(rules, tested.exercise(rules, reports))}
    assert ("proposal_minimum_relocations", "no passing scenario where it fails (non_compliant)") in found
    assert not any(rule == "proposal_minimum_relocations" and "holds" in missing for rule, missing in found)
    assert ("proposal_no_need_for_solidarity",
            "no passing scenario where proposal_minimum_relocations, proposal_minimum_financial_contributions is "
            "decided without it") not in found


# ------------------------------------------------ the pytest plugin and `ammr test`

import subprocess  # noqa: E402
import sys  # noqa: E402

from interpreter import Failed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WRONG = """\
scenarios:
  - name: a proposal short of relocations
    documents:
      - {document: CommissionProposal, pool_year: 2026, adopted_on: 2025-10-01, relocations: 29999,
         financial_contributions: 600000000}
    expect:
      - {requirement: proposal_minimum_relocations, verdict: compliant, cites: Art 12(2)(b)}
      - {requirement: proposal_adopted_by_15_october, verdict: compliant}
  - name: a proposal in time
    documents:
      - {document: CommissionProposal, pool_year: 2026, adopted_on: 2025-10-01}
    expect:
      - {requirement: proposal_adopted_by_15_october, verdict: compliant, cites: Art 12(6)}
"""


def _pytest(*args, cwd=ROOT):
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd,
                          capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.slow
def test_plain_pytest_collects_every_scenario_exactly_once():
    code, out = _pytest("--collect-only", "-q")
    assert code == 0, out
    collected = [line for line in out.splitlines() if line.startswith("tests/scenarios/")]
    expected = [f"tests/scenarios/{Path(s.file).name}::{s.name}" for s in SCENARIOS]
    assert sorted(collected) == sorted(expected) and len(set(collected)) == len(collected)


@pytest.mark.slow
def test_a_failing_scenario_shows_expected_against_actual(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "wrong.yaml").write_text(WRONG)
    (tmp_path / "scenarios" / "not-scenarios.yaml").write_text("document: CommissionProposal\n")
    code, out = _pytest("-q", "scenarios", cwd=tmp_path)
    assert code == 1 and "1 failed, 1 passed" in out
    assert "FAILED scenarios/wrong.yaml::a proposal short of relocations" in out
    assert "proposal_minimum_relocations: expected compliant, got non_compliant" in out
    assert "--- expected\n    +++ actual" in out
    assert "-verdict: compliant\n    -cites: Art. 12(2)(b)\n    +verdict: non_compliant\n    +cites: Art. 12(2)(a)" in out
    assert "reason: proposal.relocations (29 999 persons) is at least minimum_relocations (30 000 persons): no" in out
    assert "Traceback" not in out


@pytest.mark.slow
def test_a_malformed_scenario_file_is_a_positioned_collection_error(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "bad.yaml").write_text(WRONG.replace("      - {requirement: proposal_adopted_by_15_october, "
                                                                    "verdict: compliant}\n", "      - {verdict: x}\n"))
    code, out = _pytest("-q", "scenarios", cwd=tmp_path)
    assert code != 0 and "bad.yaml:2:1: error[S003]: scenario 'a proposal short of relocations': each expectation" in out


@pytest.mark.parametrize("text, code", [
    ("scenarios: [{name: a}]\n", "S003"),
    ("scenarios:\n  - {name: a, expect: [{requirement: r, verdict: compliant}]}\n"
     "  - {name: a, expect: [{requirement: r, verdict: compliant}]}\n", "S004"),
    ("scenarios: [\n", "S002"),
    ("just: text\n", "S003"),
])
def test_scenario_files_are_checked_before_they_run(tmp_path, text, code):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(Failed) as failure:
        scenarios.load(path)
    assert failure.value.diagnostics[0].code == code and failure.value.diagnostics[0].span.line >= 1


def test_ammr_test_runs_the_scenarios_for_legal_staff(ammr, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = ammr("test")
    assert code == 0 and f"{len(SCENARIOS)} scenarios: {len(SCENARIOS)} passed, 0 failed." in out
    assert "tests/scenarios/art-012.yaml\n  ✔ pass  the minimums exactly met, on the last day" in out
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(WRONG)
    code, out, _ = ammr("test", str(wrong))
    assert code == 1 and "2 scenarios: 1 passed, 1 failed." in out
    assert "  ✘ FAIL  a proposal short of relocations" in out and "-verdict: compliant" in out
    code, out, _ = ammr("test", str(wrong), "-k", "in time")
    assert code == 0 and "1 scenario: 1 passed, 0 failed." in out
    wrong.write_text("scenarios: [{name: a}]\n")
    code, _, err = ammr("test", str(wrong))
    assert code == 2 and "error[S003]" in err
    code, _, err = ammr("test", str(tmp_path / "missing"))
    assert code == 2 and "no such file or folder" in err


MISWRITTEN = """\
base: &proposal
  document: CommissionProposal
  pool_year: 2026
  adopted_on: 2025-10-15
  relocations: 30000
  classifed: true

scenarios:
  - name: a field misspelt, one of the base's, and a negative figure
    documents:
      - {<<: *proposal, relocations: -1}
      - document: CommissionProposal
        relocationz: 30000
    expect:
      - {requirement: proposal_minimum_relocations, verdict: compliant}
"""


def test_errors_in_a_scenarios_documents_point_at_the_yaml_line_and_column(rules, tmp_path):
    path = tmp_path / "miswritten.yaml"
    path.write_text(MISWRITTEN)
    [scenario] = scenarios.load(path)
    report = scenarios.verify(rules, scenario)
    text = report.render()
    assert not report.passed
    assert f"{path}:11:38: error[D022]: relocations: Input should be greater than or equal to 0" in text
    assert f"{path}:6:3: error[D020]: classifed: no such field in CommissionProposal" in text   # where the base says it
    assert f"{path}:13:9: error[D020]: relocationz: no such field in CommissionProposal" in text
    assert "   13 |         relocationz: 30000" in text and "#1:1:1" not in text


def test_a_value_yaml_cannot_read_is_a_positioned_error(tmp_path):
    path = tmp_path / "bad-date.yaml"
    path.write_text(MISWRITTEN.replace("adopted_on: 2025-10-15", "adopted_on: 2025-13-01"))
    with pytest.raises(Failed) as failure:
        scenarios.load(path)
    [d] = failure.value.diagnostics
    assert (d.code, d.span.line, d.span.column) == ("S002", 4, 15) and "2025-13-01" in d.message
