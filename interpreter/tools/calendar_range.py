"""The years the shipped holiday calendar covers, per Member State.

The calendar (rules/data/official-holidays.csv, columns geo,date,name,source) records no range of
its own: a Member State's years are the years of its rows, since every Member State has official
holidays every year. A year missing between the first and the last would make the time limits of
that year unanswerable while the range looked whole, so a gap is reported, not smoothed over.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path


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
