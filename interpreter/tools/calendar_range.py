"""The years the shipped holiday calendar covers, per Member State.

The calendar (rules/data/official-holidays.csv, columns geo,date,name,source) records no range of
its own: a Member State's years are the years of its rows, since every Member State has official
holidays every year. A year missing between the first and the last would make the time limits of
that year unanswerable while the range looked whole, so a gap is reported, not smoothed over.
`calendar_warnings` says, for `ammr rules`, when the calendar is about to run out.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from ..language.diagnostics import Diagnostic
from ..language.syntax import Span


class CalendarError(ValueError):
    """The calendar file cannot be read or has a row or a gap it should not have;
    the message starts with the file and line."""


def calendar_range(path: Path | str) -> dict[str, tuple[int, int]]:
    """The first and last year of official holidays for each Member State in the calendar file."""
    years = _years_by_state(Path(path))
    ranges = {}
    for geo, found in sorted(years.items()):
        first, last = min(found), max(found)
        missing = sorted(set(range(first, last + 1)) - found)
        if missing:
            raise CalendarError(f"{path}: no official holidays of {geo} in {', '.join(map(str, missing))}, "
                                f"though the calendar has {first} and {last}")
        ranges[geo] = (first, last)
    return ranges


def _years_by_state(path: Path) -> dict[str, set[int]]:
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise CalendarError(f"{path}: cannot read the holiday calendar: {error.strerror}") from None
    years: dict[str, set[int]] = {}
    with handle:
        reader = csv.DictReader(handle)
        if not {"geo", "date"} <= set(reader.fieldnames or ()):
            raise CalendarError(f"{path}:1: the header must name the columns geo,date,name,source")
        for row in reader:
            try:
                day = date.fromisoformat((row["date"] or "").strip())
            except ValueError:
                raise CalendarError(f"{path}:{reader.line_num}: '{row['date']}' is not a date (YYYY-MM-DD)") from None
            years.setdefault((row["geo"] or "").strip(), set()).add(day.year)
    return years


SOON = 2                                     # years: a calendar ending sooner than this is warned about


def calendar_warnings(path: Path, shown: str, where: Span, today: date) -> list[Diagnostic]:
    """What `ammr rules` (and an editor) warns about the rules' calendar at `path` (named `shown`,
    declared at `where`): that it ends within SOON years of `today`, after which every time limit of
    a Member State is insufficient_information; or that it cannot be read whole."""
    try:
        ranges = calendar_range(path)
    except CalendarError as error:
        return [Diagnostic("W701", str(error), where, "a year missing inside the range leaves its time limits "
                                                      "unknown: add its official holidays", "warning")]
    if not ranges:
        return []
    last = min(end for _, end in ranges.values())
    horizon = _years_after(today, SOON)
    if date(last, 12, 31) >= horizon:
        return []
    states = sorted(geo for geo, (_, end) in ranges.items() if end == last)
    who = "every Member State" if len(states) == len(ranges) else ", ".join(states)
    return [Diagnostic("W700", f"the calendar of official holidays {shown} ends in {last} for {who}, within "
                               f"{SOON} years of today ({today.isoformat()}): a time limit ending after {last} "
                               f"cannot be fixed and is reported as insufficient information",
                       where, "add the official holidays of the years after it (see the README beside the file)",
                       "warning")]


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:                       # 29 February
        return day.replace(year=day.year + years, day=28)
