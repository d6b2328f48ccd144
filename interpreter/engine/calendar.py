"""Art 75: how the periods of time the Regulation prescribes are calculated.

Pure functions over dates, used through the library functions `period_end`, `time_limit`,
`union_time_limit` and `date_before` (see language/library.py). Official holidays come from the
file the rules' `calendar` declaration names (rules/data/official-holidays.csv), loaded with the
rule set and handed to the evaluation with the case, never from a library at run time, so that a
new release of a holiday library cannot change a verdict.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from ..language.diagnostics import Diagnostic, Failed
from ..language.syntax import Span
from .reference_data import DataFile, rows


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


def time_limit(start: date, length: Fraction, unit: str, member_state: str | None, holidays: Holidays | None) -> date:
    """The last day of a time limit under Art 75, in the Member State concerned (None: no Member
    State is concerned, so only Saturdays and Sundays move the end). `holidays` is the calendar
    the rules declare (None: they declare none)."""
    end = period_end(start, length, unit)
    if member_state is None:
        return next_working_day(end, frozenset())
    if holidays is None:
        raise ValueError("the rules declare no calendar of official holidays (calendar ... file \"...\")")
    # every day looked at must lie in a year the calendar covers (the end may roll into the next one)
    official, day = holidays.of(member_state), end
    while True:
        if (member_state, day.year) not in holidays.years:
            raise NoHolidays(member_state, day.year, holidays.path)
        if day.weekday() < 5 and day not in official:
            return day
        day += timedelta(days=1)


class NoHolidays(ValueError):
    """A time limit in a year the calendar does not cover: its last day is not known, not guessed."""

    def __init__(self, member_state: str, year: int, path: str):
        super().__init__(f"no official holidays of {member_state} are known for {year}: the time limit's last day "
                         f"cannot be fixed (the calendar {path} has none)")


def _whole(length: Fraction, unit: str) -> int:
    if Fraction(length).denominator != 1 or length < 0:
        raise ValueError(f"a period is a whole, non-negative number of {unit}, not {length}")
    return int(length)


@dataclass(frozen=True)
class Holidays:
    """The official holidays of each Member State, as the rules' calendar file lists them."""
    name: str
    path: str
    days: dict[str, frozenset[date]] = field(compare=False)
    years: frozenset[tuple[str, int]] = field(compare=False)      # (member state, year) the file covers

    def of(self, member_state: str) -> frozenset[date]:
        return self.days.get(member_state, frozenset())


CALENDAR = DataFile("calendar", ("geo", "date"), "geo,date,name,source", "E705", "E706")


def load_calendar(name: str, path: Path, shown: str) -> Holidays:
    """Read the calendar file (geo, date, and any other columns); every malformed row is reported
    with its line. `shown` is how messages name the file."""
    by_state: dict[str, set[date]] = {}
    problems: list[Diagnostic] = []
    for line, row in rows(CALENDAR, name, path):
        try:
            day = date.fromisoformat(row["date"].strip())
        except (ValueError, AttributeError):
            problems.append(Diagnostic("E707", f"row with an unreadable date: {row}", Span(str(path), line, 1, line, 2),
                                       "write dates as YYYY-MM-DD"))
            continue
        by_state.setdefault(row["geo"].strip(), set()).add(day)
    if problems:
        raise Failed(problems)
    years = frozenset((geo, d.year) for geo, days in by_state.items() for d in days)
    return Holidays(name, shown, {geo: frozenset(days) for geo, days in by_state.items()}, years)
