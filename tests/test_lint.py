"""`ammr lint`: every check has a file that trips it (tests/lint/bad/) and the same file
corrected (tests/lint/good/), each with the exact output expected (.expected files beside
them). Each file is linted together with a small rule base that stays put (tests/lint/rules/),
as `ammr lint FILE --rules DIR` does (DIR: base.rules with the law text beside it): the shipped rules grow, and would change
the names a misspelling may have meant, or the requirements an exception competes with.

After an intended change of wording, regenerate and review the diff:
    AMMR_REGENERATE=1 pytest tests/test_lint.py
"""

import json
import shutil
from pathlib import Path

import pytest

from interpreter.tools.lint import CHECKS, lint

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).parent / "lint"
BAD = sorted((HERE / "bad").glob("*.rules"))
GOOD = sorted((HERE / "good").glob("*.rules"))


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """tests/lint/rules/ with the shipped law text copied beside it: a rule set's law text lies in its folder."""
    folder = tmp_path_factory.mktemp("lint-rules")
    shutil.copy(HERE / "rules" / "base.rules", folder)
    shutil.copytree(ROOT / "rules" / "law", folder / "law")
    return folder


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)          # messages name files relative to the working directory


def _rendered(path: Path, base: Path) -> tuple[str, set[str]]:
    # the scenario tests are run for the check that needs them (E601), which has its own scenarios
    scenarios = HERE / "scenario-tests" if path.name.startswith(("E601", "E602")) else None
    report = lint([path.relative_to(ROOT)], base, scenarios)
    assert all(d.span.file.endswith(path.name) for d in report.diagnostics), report.render()
    return (report.render() or "(no problems)") + "\n", {d.code for d in report.diagnostics}


def test_every_check_has_a_bad_and_a_good_file():
    for kind, files in (("bad", BAD), ("good", GOOD)):
        covered = {p.name[:4] for p in files}
        assert set(CHECKS) <= covered, f"checks without a {kind} file: {sorted(set(CHECKS) - covered)}"
        assert covered <= set(CHECKS), f"{kind} files for unknown codes: {sorted(covered - set(CHECKS))}"


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_file_is_reported_with_its_code(path, golden, base):
    rendered, codes = _rendered(path, base)
    assert path.name[:4] in codes, rendered
    golden(path.with_suffix(".expected"), rendered)


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_corrected_file_is_clean(path, golden, base):
    rendered, codes = _rendered(path, base)
    assert not codes, rendered
    golden(path.with_suffix(".expected"), rendered)


def test_the_shipped_rules_lint_clean():
    """No errors and no warnings: a warning weighed and accepted says why where it is raised. Every
    requirement and exception has a passing scenario where it holds and one where it fails."""
    report = lint(scenarios=ROOT / "tests" / "scenarios")
    assert not report.errors, report.render()
    assert not report.warnings, report.render()
    assert {Path(f).name for f in report.files} >= {"art-012.rules", "art-057.rules", "regulation.rules"}


def test_a_warning_weighed_and_accepted_is_silenced_where_it_is_raised(tmp_path, base):
    bad = (HERE / "bad" / "W201_unused_constant.rules").read_text()
    allowed = tmp_path / "allowed.rules"
    allowed.write_text(bad.replace("constant lint_ceiling",
                                   "# lint: allow W201 kept for the explanation of Art 12(3)\n"
                                   "# (a second line of comment)\nconstant lint_ceiling"))
    assert [d.code for d in lint([allowed], base).diagnostics] == []
    other_code = tmp_path / "other.rules"
    other_code.write_text(bad.replace("constant lint_ceiling", "# lint: allow W202\nconstant lint_ceiling"))
    assert [d.code for d in lint([other_code], base).diagnostics] == ["W201"]
    far = tmp_path / "far.rules"
    far.write_text("# lint: allow W201\n\n" + bad)
    assert [d.code for d in lint([far], base).diagnostics] == ["W201"]


def test_only_the_named_file_is_reported_and_a_folder_is_a_rule_set(tmp_path, base):
    report = lint([HERE / "bad" / "W201_unused_constant.rules"], base)
    assert [d.code for d in report.diagnostics] == ["W201"]
    assert report.files == ("tests/lint/bad/W201_unused_constant.rules",)
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "only.rules").write_text('constant c = 1\n')
    report = lint([folder])
    assert [d.code for d in report.errors] == ["E004"]          # a rule set of its own needs its act


def test_cli_exit_codes_and_formats(ammr, base):
    flags = ("--rules", base, "--no-scenarios")          # the small rule base has no scenario tests of its own
    code, _, err = ammr("lint", *flags, HERE / "good" / "W201_unused_constant.rules")
    assert code == 0 and "0 errors, 0 warnings" in err
    code, _, err = ammr("lint", *flags, HERE / "bad" / "W201_unused_constant.rules")
    assert code == 0 and "warning[W201]" in err and "1 warning." in err
    code, _, _ = ammr("lint", "--strict", *flags, HERE / "bad" / "W201_unused_constant.rules")
    assert code == 1
    code, out, _ = ammr("lint", "--format", "json", *flags, HERE / "bad" / "E203_misspelt_name.rules")
    data = json.loads(out)
    assert code == 3 and data["schema"] == "ammr-lint/1" and data["errors"] == 1
    assert data["diagnostics"][0]["code"] == "E203" and "did you mean 'minimum_relocations'" in data["diagnostics"][0]["hint"]
    code, _, err = ammr("lint", "--rules", base, "--scenarios", HERE / "scenario-tests",
                        HERE / "bad" / "E601_untested_requirement.rules")
    assert code == 3 and "error[E601]: 'lint_untested': no passing scenario where it fails" in err
    code, out, _ = ammr("lint", "--list")
    assert code == 0 and all(c in out for c in CHECKS)
    assert "E403  a figure (30 000, EUR 600 million, 50 %, one week, 15 October)" in out


def test_help_says_what_warnings_do(ammr):
    code, out, _ = ammr("lint", "--help")
    assert code == 0 and "warnings are printed but do not fail, unless --strict" in " ".join(out.split())


@pytest.mark.slow
def test_a_changed_minimum_fails_lint_quoting_the_law_and_the_title(ammr, tmp_path):
    """Art 12(2)(a) says 30 000: a rule set where someone typed 35 000 does not lint."""
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    art12 = copy / "art-012.rules"
    text = art12.read_text(encoding="utf-8")
    assert "constant minimum_relocations = 30 000 persons" in text
    art12.write_text(text.replace("constant minimum_relocations = 30 000 persons",
                                  "constant minimum_relocations = 35 000 persons"), encoding="utf-8")
    code, _, err = ammr("lint", "--no-scenarios", "--rules", copy)
    assert code == 3, err
    said = " ".join(err.split())
    assert "error[E403]: 35 000 persons is not a figure of the provision cited: Art. 12(2)(a)" in said
    assert "which shall be at least: (a) 30 000 for relocations;" in said
    assert "error[E404]: the title “At least 30 000 relocations” says 30 000, but the rule says 35 000 persons " \
           "(minimum_relocations)" in said


@pytest.mark.slow
def test_a_requirement_without_scenarios_fails_lint_test_and_coverage(ammr, tmp_path):
    """A new requirement no scenario tests: `ammr rules` accepts it, `ammr lint`, `ammr test` and
    `ammr coverage --gaps` do not (not only pytest)."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "tests" / "scenarios", tmp_path / "tests" / "scenarios")
    with (tmp_path / "rules" / "art-012.rules").open("a", encoding="utf-8") as rules:
        rules.write('\nrequirement proposal_states_relocations "Relocations stated"\n  cites Art 12(2)(a)\n'
                    '  for proposal: CommissionProposal\n  requires proposal.relocations is given\n')
    rules = tmp_path / "rules"
    assert ammr("rules", "--rules", rules)[0] == 0
    code, _, err = ammr("lint", "--rules", rules)
    assert code == 3 and "error[E601]: 'proposal_states_relocations': no passing scenario where it holds (compliant)" \
        in err and "'proposal_states_relocations': no passing scenario where it fails (non_compliant)" in err, err
    code, out, err = ammr("test", "--rules", rules)
    assert code == 1 and "0 failed." in out and "2 untested:" in err and "error[E601]" in err, out + err
    code, out, _ = ammr("coverage", "--gaps", "--rules", rules)
    assert code == 1 and "untested: 'proposal_states_relocations': no passing scenario where it fails" in out
    assert "Art. 12(2)(a)" in out and "; 1 gap." in out


def test_a_missing_scenario_folder_is_an_error_that_says_where_it_looked(ammr, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    for command, option in (("coverage", "with --scenarios DIR"), ("lint", "with --scenarios DIR"), ("test", "as PATH")):
        code, out, err = ammr(command, "--rules", rules)
        assert code == 2, out + err
        said = " ".join(err.split())
        assert f"no scenario tests for the rules in {rules}: looked in {rules / 'scenarios'} and " \
               f"{tmp_path / 'tests' / 'scenarios'}" in said
        assert f"give the folder {option}" in said
