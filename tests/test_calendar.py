"""The calendar of official holidays (Art 75(d)) is part of the rule set: declared in the rules,
checked and loaded with them, and handed to the evaluation, so `--rules DIR` uses DIR's calendar."""

import shutil
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from interpreter import Failed, Missing, RuleSet

pytestmark = pytest.mark.slow          # Hypothesis, or whole copies of the rules folder: see CONTRIBUTING.md

ROOT = Path(__file__).resolve().parent.parent
CHRISTMAS_2026 = "DE,2026-12-25"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    return folder


def _time_limit(rules: RuleSet, start: date, days: int, ms: str):
    return rules.value(rules.case(()), "time_limit_in_days", (start, Fraction(days), ms))


def test_the_shipped_calendar_moves_a_time_limit_past_christmas(rules):
    assert rules.holidays is not None and rules.program.calendar is not None
    assert rules.program.calendar.citations[0].citation.short() == "Art. 75, point (d)"
    # 25 and 26 December 2026 are holidays in Germany, 27 December a Sunday
    assert _time_limit(rules, date(2026, 12, 22), 3, "DE") == date(2026, 12, 28)


def test_another_rules_folder_brings_its_own_calendar(tmp_path):
    folder = _copy(tmp_path)
    holidays = folder / "data" / "official-holidays.csv"
    lines = holidays.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(CHRISTMAS_2026)]
    assert len(kept) == len(lines) - 1
    holidays.write_text("".join(kept), encoding="utf-8")
    rules = RuleSet.prepare(folder)
    assert _time_limit(rules, date(2026, 12, 22), 3, "DE") == date(2026, 12, 25)


def test_rules_without_a_calendar_leave_a_member_state_time_limit_unknown(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "art-075.rules").read_text(encoding="utf-8")
    start = text.index("calendar official_holidays")
    end = text.index("\n\n", start)
    (folder / "art-075.rules").write_text(text[:start] + text[end + 2:], encoding="utf-8")
    rules = RuleSet.prepare(folder)
    assert rules.holidays is None
    value = _time_limit(rules, date(2026, 12, 22), 3, "DE")
    assert isinstance(value, Missing) and "no calendar of official holidays" in " ".join(value.paths)


def _declare(tmp_path, declaration: str) -> Path:
    folder = _copy(tmp_path)
    with (folder / "art-075.rules").open("a", encoding="utf-8") as handle:
        handle.write("\n" + declaration + "\n")
    return folder


def test_a_second_calendar_is_a_positioned_error(tmp_path):
    folder = _declare(tmp_path, 'calendar other\n  file "data/official-holidays.csv"\n  cites Art 75 point (d)')
    with pytest.raises(Failed) as failure:
        RuleSet.prepare(folder)
    [d] = failure.value.diagnostics
    assert d.code == "E213" and d.span.file.endswith("art-075.rules") and "first declared at" in d.hint


@pytest.mark.parametrize("file, code", [("../outside.csv", "E708"), ("data/none.csv", "E705"),
                                        ("data/eurostat-gdp.csv", "E706")])
def test_a_calendar_file_outside_the_rules_missing_or_without_its_columns_is_an_error(tmp_path, file, code):
    folder = _copy(tmp_path)
    (tmp_path / "outside.csv").write_text("geo,date\nDE,2026-12-25\n", encoding="utf-8")
    path = folder / "art-075.rules"
    path.write_text(path.read_text(encoding="utf-8").replace('file "data/official-holidays.csv"', f'file "{file}"'),
                    encoding="utf-8")
    with pytest.raises(Failed) as failure:
        RuleSet.prepare(folder)
    assert [d.code for d in failure.value.diagnostics] == [code]


def test_a_calendar_row_with_a_bad_date_names_its_line(tmp_path):
    folder = _copy(tmp_path)
    holidays = folder / "data" / "official-holidays.csv"
    holidays.write_text("geo,date,name,source\nDE,2026-12-25,Christmas,x\nDE,25.12.2027,Christmas,x\n", encoding="utf-8")
    with pytest.raises(Failed) as failure:
        RuleSet.prepare(folder)
    [d] = failure.value.diagnostics
    assert d.code == "E707" and d.span.line == 3
