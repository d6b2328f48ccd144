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


def test_a_syntax_error_does_not_hide_the_other_declarations_errors():
    with pytest.raises(Failed) as failure:
        RuleSet.prepare(extra=[(HERE / "bad" / "syntax_error_and_other_errors.rules").relative_to(ROOT)])
    found = [(d.code, d.span.line) for d in failure.value.diagnostics]
    assert found == [("E126", 2), ("E114", 5), ("E113", 9), ("E113", 9), ("E126", 18)]


def test_a_duplicate_name_does_not_hide_the_declarations_other_errors():
    with pytest.raises(Failed) as failure:
        RuleSet.prepare(extra=[(HERE / "bad" / "duplicate_name_still_checked.rules").relative_to(ROOT)])
    found = [(d.code, d.span.line) for d in failure.value.diagnostics]
    assert found == [("E201", 2), ("E401", 3), ("E201", 5), ("E205", 8), ("E203", 8)]


def test_a_file_that_does_not_parse_still_gives_the_declarations_that_do():
    from interpreter.language.parse import parse_partial
    text = (HERE / "bad" / "syntax_error_and_other_errors.rules").read_text()
    parsed, errors = parse_partial(text, "x.rules")
    assert [d.name for d in parsed.declarations] == ["enough", "late"]
    assert [d.code for d in errors] == ["E126", "E114", "E113", "E113", "E126"]
