"""The holiday calendar's range: read from its rows, stated in the data README, made by the script."""

import re
from pathlib import Path

import pytest

from interpreter.tools.calendar_range import CalendarError, calendar_range

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "rules" / "data"
HEADER = "geo,date,name,source\n"


def _calendar(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "official-holidays.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_range_per_member_state(tmp_path):
    path = _calendar(tmp_path, "NL,2031-01-01,New Year's Day,x\nNL,2032-04-27,King's Day,x\n"
                               "NL,2033-12-25,Christmas Day,x\nAT,2030-01-01,New Year's Day,x\n")
    assert calendar_range(path) == {"AT": (2030, 2030), "NL": (2031, 2033)}


def test_a_missing_year_inside_the_range_is_refused(tmp_path):
    path = _calendar(tmp_path, "NL,2031-01-01,a,x\nNL,2034-01-01,b,x\n")
    with pytest.raises(CalendarError, match=r"official-holidays\.csv: no official holidays of NL in 2032, 2033"):
        calendar_range(path)


def test_a_bad_date_is_reported_with_its_line(tmp_path):
    path = _calendar(tmp_path, "NL,2031-01-01,a,x\nNL,2031-02-30,b,x\n")
    with pytest.raises(CalendarError, match=r"official-holidays\.csv:3: '2031-02-30' is not a date"):
        calendar_range(path)


def test_a_file_without_the_columns_is_refused(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("country,day\nNL,2031-01-01\n", encoding="utf-8")
    with pytest.raises(CalendarError, match=r"h\.csv:1: the header"):
        calendar_range(path)


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path):
    with pytest.raises(CalendarError, match="cannot read the holiday calendar"):
        calendar_range(tmp_path / "none.csv")


def _member_states() -> set[str]:
    text = (ROOT / "rules" / "regulation.rules").read_text(encoding="utf-8")
    return set(re.findall(r'^member state ([A-Z]{2}) "', text, flags=re.MULTILINE))


def test_the_shipped_calendar_covers_every_member_state_as_far_as_the_script_and_readme_say():
    script = (DATA / "generate_official_holidays.py").read_text(encoding="utf-8")
    first, stop = map(int, re.search(r"^YEARS = range\((\d{4}), (\d{4})\)", script, re.MULTILINE).groups())
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"\*\*Range\*\*: (\d{4}) to (\d{4}) for every Member State", readme).groups()

    ranges = calendar_range(DATA / "official-holidays.csv")

    assert set(ranges) == _member_states()
    assert set(ranges.values()) == {(first, stop - 1)}
    assert tuple(map(int, stated)) == (first, stop - 1)
