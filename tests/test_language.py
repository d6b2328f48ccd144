"""The rule language, Catala-style: files under language/good must check, and every
file under language/bad must fail with exactly the messages in its .expected file.

After an intended change of wording, regenerate the expected files and review the diff:
    AMMR_REGENERATE=1 pytest tests/test_language.py
"""

from pathlib import Path

import pytest

from interpreter import Failed, RuleSet

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).parent / "language"
GOOD = sorted((HERE / "good").glob("*.rules"))
BAD = sorted((HERE / "bad").glob("*.rules"))


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)          # messages name files relative to the working directory


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_good_file_checks(path):
    rules = RuleSet.prepare(extra=[path.relative_to(ROOT)])
    assert any(r.decl.span.file.endswith(path.name) for r in rules.program.requirements)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_file_fails_with_expected_messages(path, golden):
    with pytest.raises(Failed) as failure:
        RuleSet.prepare(extra=[path.relative_to(ROOT)])
    rendered = failure.value.render() + "\n"
    assert all(d.span.file.endswith(path.name) for d in failure.value.diagnostics), rendered
    golden(path.with_suffix(".expected"), rendered)


def test_several_errors_are_reported_at_once():
    with pytest.raises(Failed) as failure:
        RuleSet.prepare(extra=[(HERE / "bad" / "several_errors.rules").relative_to(ROOT)])
    codes = [d.code for d in failure.value.diagnostics]
    assert codes == ["E401", "E301", "E205"]
    assert [d.span.line for d in failure.value.diagnostics] == [3, 8, 13]


def test_syntax_errors_in_two_declarations_are_both_reported():
    with pytest.raises(Failed) as failure:
        RuleSet.prepare(extra=[(HERE / "bad" / "syntax_two_broken_declarations.rules").relative_to(ROOT)])
    assert [d.span.line for d in failure.value.diagnostics] == [1, 6]
