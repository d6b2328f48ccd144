"""`ammr fmt`: one canonical layout. Each file under format/before/ must format to the file
of the same name under format/after/, which must not change when formatted again, and both
must say the same thing (the same syntax tree).

After an intended change of layout, regenerate and review the diff:
    AMMR_REGENERATE=1 pytest tests/test_format.py
"""

from pathlib import Path

import pytest

from interpreter import Failed
from interpreter.language.parse import parse_text
from interpreter.tools import files
from interpreter.tools.formatter import FormatError, format_text, without_spans

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).parent / "format"
BEFORE = sorted((HERE / "before").glob("*.rules"))


@pytest.mark.parametrize("path", BEFORE, ids=[p.stem for p in BEFORE])
def test_before_formats_to_after(path, golden):
    formatted = format_text(path.read_text(encoding="utf-8"), path.name)
    after = HERE / "after" / path.name
    golden(after, formatted)
    assert format_text(formatted, path.name) == formatted            # idempotent
    said = [without_spans(parse_text(p.read_text(), p.name).declarations) for p in (path, after)]
    assert said[0] == said[1]


def test_every_construct_of_the_grammar_round_trips():
    path = ROOT / "tests" / "language" / "good" / "every_construct.rules"
    before = parse_text(path.read_text(), path.name)
    formatted = format_text(before.source, path.name)
    assert without_spans(parse_text(formatted).declarations) == without_spans(before.declarations)
    kinds = {type(d).__name__ for d in before.declarations}
    assert kinds >= {"Authority", "Constant", "Parameter", "Structure", "Definition", "Requirement", "Exception_",
                     "Coverage"}


def test_the_shipped_rules_are_formatted():
    unformatted = [p.name for p in sorted((ROOT / "rules").glob("*.rules"))
                   if format_text(p.read_text(encoding="utf-8"), p.name) != p.read_text(encoding="utf-8")]
    assert not unformatted, f"run: ammr fmt rules/   (unformatted: {', '.join(unformatted)})"


def test_every_comment_is_kept_in_order_of_the_parts_it_belongs_to():
    text = (HERE / "before" / "comments.rules").read_text()
    formatted = format_text(text)
    kept = [line.split("#", 1)[1] for line in formatted.splitlines() if "#" in line]
    written = [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]
    assert sorted(kept) == sorted(written)
    assert "  cites Art 12(2)(a)  # on the same line as the citation" in formatted
    assert "  # above 'requires'\n  # beside its second line\n  requires p.relocations" in formatted
    assert "  priority 1  # beside the priority" in formatted
    assert formatted.endswith("  # below the last clause\n  # and another\n\n# at the end of the file\n")


def test_a_text_that_does_not_parse_is_a_positioned_error():
    with pytest.raises(Failed) as failure:
        format_text('requirement r "t"\n  cites\n', "broken.rules")
    assert failure.value.diagnostics[0].code == "E120"


def _copy(tmp_path, name):
    target = tmp_path / name
    target.write_text((HERE / "before" / name).read_text())
    return target


def test_cli_check_lists_files_and_changes_nothing(ammr, tmp_path):
    messy = _copy(tmp_path, "clause_order.rules")
    tidy = tmp_path / "tidy.rules"
    tidy.write_text((HERE / "after" / "fields.rules").read_text())
    before = messy.read_text()
    code, out, err = ammr("fmt", "--check", str(tmp_path))
    assert code == 1 and f"would reformat {messy}" in err and "tidy.rules" not in err
    assert "1 would be reformatted, 1 already formatted" in err
    assert messy.read_text() == before and out == ""
    code, out, _ = ammr("fmt", "--check", "--diff", str(messy))
    assert code == 1 and out.startswith(f"--- {messy} (as it is)\n+++ {messy} (formatted)\n")
    assert messy.read_text() == before


def test_cli_formats_in_place_and_then_has_nothing_to_do(ammr, tmp_path):
    messy = _copy(tmp_path, "long_expressions.rules")
    code, _, err = ammr("fmt", str(messy))
    assert code == 0 and f"reformatted {messy}" in err
    assert messy.read_text() == (HERE / "after" / "long_expressions.rules").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["long_expressions.rules"]       # no temporary file left
    code, _, err = ammr("fmt", "--check", str(messy))
    assert code == 0 and "0 would be reformatted, 1 already formatted" in err


def test_cli_leaves_a_broken_file_as_it_is(ammr, tmp_path):
    broken = tmp_path / "broken.rules"
    broken.write_text('requirement r "t"\n  cites\n')
    messy = _copy(tmp_path, "one_liners.rules")
    code, _, err = ammr("fmt", str(tmp_path))
    assert code == 3 and "error[E120]" in err and "1 with errors (left as they are)" in err
    assert broken.read_text() == 'requirement r "t"\n  cites\n'
    assert messy.read_text() == (HERE / "after" / "one_liners.rules").read_text()
    code, _, err = ammr("fmt", str(tmp_path / "missing.rules"))
    assert code == 2 and "no such file or folder" in err


def test_a_failed_write_leaves_the_file_whole(ammr, tmp_path, monkeypatch):
    messy = _copy(tmp_path, "literals.rules")
    before = messy.read_text()

    def fail(*_):
        raise OSError("disk full")
    monkeypatch.setattr(files.os, "replace", fail)
    code, _, err = ammr("fmt", str(messy))
    assert code == 2 and "disk full" in err and str(messy) in err      # the user's situation, not a bug
    assert messy.read_text() == before and [p.name for p in tmp_path.iterdir()] == ["literals.rules"]


def test_formatting_that_would_change_the_rules_is_refused(monkeypatch, ammr, tmp_path):
    from interpreter.tools import formatter as F
    messy = _copy(tmp_path, "literals.rules")
    before = messy.read_text()
    monkeypatch.setattr(F, "format_rule_file", lambda rule_file: "constant x = 1 cites Art 1\n")
    with pytest.raises(FormatError):
        format_text(before)
    code, _, err = ammr("fmt", str(messy))
    assert code == 70 and "formatting would change what the rules say" in err and messy.read_text() == before
