"""Art 75: how the periods of time the Regulation prescribes are calculated.

Pure functions over dates, used through the builtins `period_end`, `time_limit`,
`union_time_limit` and `date_before` (see library.py). Official holidays come from a
shipped, dated file (rules/data/official-holidays.csv), never from a library at run time,
so that a new release of a holiday library cannot change a verdict.
"""

from __future__ import annotations

import calendar
import csv
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

HOLIDAYS_FILE = "data/official-holidays.csv"


def period_end(start: date, length: Fraction, unit: str) -> date:
    """The last day of a period of `length` days, weeks or months from `start`.

    Art 75(a): the day of the event is not counted, so 1 day from Monday ends on Tuesday.
    Art 75(b): weeks and months end on the same weekday or the same date as the event.
    Art 75(c): a month without that date ends the period on its last day."""
    count = _whole(length, unit)
    if unit == "days":
        return start + timedelta(days=count)
    if unit == "weeks":
        return start + timedelta(weeks=count)
    return _add_months(start, count)


def _add_months(start: date, count: int) -> date:
    month = start.month - 1 + count
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def date_before(end: date, length: Fraction, unit: str) -> date:
    """The day `length` days, weeks or months before `end` ("at the latest two days before the
    transfer"); counting back months lands on the same date, or on the month's last day."""
    count = _whole(length, unit)
    if unit == "months":
        return _add_months(end, -count)
    return end - timedelta(days=count * (7 if unit == "weeks" else 1))


def next_working_day(day: date, holidays: frozenset[date]) -> date:
    """Art 75(d): a time limit ending on a Saturday, Sunday or official holiday ends on the next working day."""
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day


def time_limit(start: date, length: Fraction, unit: str, member_state: str | None) -> date:
    """The last day of a time limit under Art 75, in the Member State concerned (None: no Member
    State is concerned, so only Saturdays and Sundays move the end)."""
    end = period_end(start, length, unit)
    if member_state is None:
        return next_working_day(end, frozenset())
    calendar_ = official_holidays(member_state)
    # the end may roll into the next year: both years must be in the shipped file
    for year in {end.year, end.year + 1}:
        if (member_state, year) not in calendar_.years:
            raise ValueError(f"no official holidays of {member_state} for {year} in rules/{HOLIDAYS_FILE}")
    return next_working_day(end, calendar_.days)


def _whole(length: Fraction, unit: str) -> int:
    if Fraction(length).denominator != 1 or length < 0:
        raise ValueError(f"a period is a whole, non-negative number of {unit}, not {length}")
    return int(length)


class _Calendar:
    def __init__(self, days: frozenset[date], years: frozenset[tuple[str, int]]):
        self.days = days
        self.years = years


def official_holidays(member_state: str) -> _Calendar:
    table = _load(str(_holidays_path()))
    return _Calendar(table.get(member_state, frozenset()), table["<years>"])


def _holidays_path() -> Path:
    from ..api import rules_directory           # late: api imports the checker, which imports the builtins
    return rules_directory() / HOLIDAYS_FILE


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    by_state: dict[str, set[date]] = {}
    years: set[tuple[str, int]] = set()
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            day = date.fromisoformat(row["date"])
            by_state.setdefault(row["geo"], set()).add(day)
    for geo, days in by_state.items():
        years.update((geo, d.year) for d in days)
    table: dict = {geo: frozenset(days) for geo, days in by_state.items()}
    table["<years>"] = frozenset(years)
    return table
