"""Reference data: the Eurostat tables the rules cite, with the source of every figure.

A dataset is a long CSV (geo, year, value, unit, dataset, source_url), one row per
published figure, as shipped under `rules/data/`. Values are read as exact
decimals; nothing is estimated: a figure that is not in the file is missing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from ..language.diagnostics import Diagnostic, Failed
from ..language.syntax import Span


@dataclass(frozen=True)
class Figure:
    value: Fraction                 # already multiplied by the dataset's scale
    published: str                  # the value exactly as published, e.g. "4328970.0"
    unit: str                       # as published, e.g. "EUR million, current prices (CP_MEUR)"
    dataset: str                    # e.g. "demo_pjan (age=TOTAL, sex=T), population on 1 January"
    source_url: str


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    figures: dict[tuple[str, int], Figure]

    def get(self, geo: str, year: int) -> Figure | None:
        return self.figures.get((geo, year))

    def years(self) -> tuple[int, ...]:
        return tuple(sorted({year for _, year in self.figures}))

    def latest_complete_year(self, codes: tuple[str, ...]) -> int | None:
        """The latest year with a figure for every one of `codes` (the reading of
        "latest available Eurostat data" declared on the dataset)."""
        complete = [y for y in self.years() if all((c, y) in self.figures for c in codes)]
        return complete[-1] if complete else None

    def dataset_label(self) -> str:
        labels = {f.dataset for f in self.figures.values()}
        return next(iter(labels)) if len(labels) == 1 else "; ".join(sorted(labels))


@dataclass(frozen=True)
class DataFile:
    """A kind of CSV file the rules name (a dataset, the calendar): the columns it needs, and the
    codes of the errors when it cannot be read or lacks one."""
    kind: str                       # "dataset", "calendar"
    columns: tuple[str, ...]
    header: str                     # the header the hint shows
    unreadable: str                 # error codes
    lacking: str


DATASET = DataFile("dataset", ("geo", "year", "value"), "geo,year,value,unit,dataset,source_url", "E701", "E702")


def rows(spec: DataFile, name: str, path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a data file, each with its line; a file that cannot be read or lacks a column
    is an error naming it."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise Failed([Diagnostic(spec.unreadable, f"cannot read {spec.kind} '{name}': {error.strerror}",
                                 Span(str(path), 1, 1, 1, 1))]) from None
    with handle:
        reader = csv.DictReader(handle)
        missing = set(spec.columns) - set(reader.fieldnames or ())
        if missing:
            raise Failed([Diagnostic(spec.lacking, f"{spec.kind} file lacks the column(s) {', '.join(sorted(missing))}",
                                     Span(str(path), 1, 1, 1, 1), f"the header must be {spec.header}")])
        for row in reader:
            yield reader.line_num, row


def load_table(name: str, path: Path, scale: Fraction = Fraction(1)) -> Table:
    """Read one dataset file; every malformed row is reported with its line."""
    problems: list[Diagnostic] = []
    figures: dict[tuple[str, int], Figure] = {}
    for line, row in rows(DATASET, name, path):
        try:
            year = int(row["year"])
            published = row["value"].strip()
            value = Fraction(Decimal(published)) * scale
        except (ValueError, InvalidOperation, TypeError):
            problems.append(Diagnostic("E703", f"row with an unreadable year or value: {row}",
                                       Span(str(path), line, 1, line, 2)))
            continue
        key = (row["geo"].strip(), year)
        if key in figures:
            problems.append(Diagnostic("E704", f"two figures for {key[0]} in {year}",
                                       Span(str(path), line, 1, line, 2), "keep one row per country and year"))
        figures[key] = Figure(value, published, row.get("unit", ""), row.get("dataset", ""),
                              row.get("source_url", ""))
    if problems:
        raise Failed(problems)
    return Table(name, str(path), figures)
