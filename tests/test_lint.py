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
    report = lint([path.relative_to(ROOT)], base)
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
    """No errors and no warnings: a warning weighed and accepted says why where it is raised."""
    report = lint()
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
    code, _, err = ammr("lint", "--rules", base, HERE / "good" / "W201_unused_constant.rules")
    assert code == 0 and "0 errors, 0 warnings" in err
    code, _, err = ammr("lint", "--rules", base, HERE / "bad" / "W201_unused_constant.rules")
    assert code == 0 and "warning[W201]" in err and "1 warning." in err
    code, _, _ = ammr("lint", "--strict", "--rules", base, HERE / "bad" / "W201_unused_constant.rules")
    assert code == 1
    code, out, _ = ammr("lint", "--format", "json", "--rules", base, HERE / "bad" / "E203_misspelt_name.rules")
    data = json.loads(out)
    assert code == 3 and data["schema"] == "ammr-lint/1" and data["errors"] == 1
    assert data["diagnostics"][0]["code"] == "E203" and "did you mean 'minimum_relocations'" in data["diagnostics"][0]["hint"]
    code, out, _ = ammr("lint", "--list")
    assert code == 0 and all(c in out for c in CHECKS)


def test_help_says_what_warnings_do(ammr):
    code, out, _ = ammr("lint", "--help")
    assert code == 0 and "warnings are printed but do not fail, unless --strict" in " ".join(out.split())
