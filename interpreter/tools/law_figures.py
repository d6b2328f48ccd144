"""The figures a text states, read as the law writes them, and the figures a rule writes.

The law writes "30 000", "EUR 600 million", "50 %", "fifteen", "one week", "two weeks", "a 12-month
period", "15 October"; a rule writes `30 000 persons`, `EUR 600 million`, `50 %`, `1 week`,
`15 October of report.year`. `ammr lint` holds each figure of a rule to the text of the provisions
it cites (a changed minimum is an error, not 19 failing scenarios), and the figures a requirement's
title states to those of the rule.

A figure is its kind and exact value: a count ("number"), a percentage, an amount in EUR, a period
in days, weeks, months or years, or a day of the year (with its year when one is stated). Numbers
that name something rather than count it are not figures: article, paragraph and point numbers,
the numbers of acts (2024/1351).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..language import syntax as A
from ..language.parse import MAGNITUDES, MONTHS

_WORDS = {w: n for n, w in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"))}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100})

_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"      # as grammar.lark's NUMBER
_COUNT = rf"(?:{_NUMBER}|\b(?:{'|'.join(_WORDS)})\b)"
_PERIODS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
_EXACTLY = {"weeks": ("days", 7), "years": ("months", 12)}

# In the order they are tried at each place in the text: the first that matches reads the figure.
_FIGURES = re.compile("|".join((
    # references, read and left out: Article 12(2), paragraphs 1 and 2, point (a), Regulation (EU) 2024/1351
    r"(?P<reference>\b(?:Art(?:icle)?s?\.?|paragraphs?|points?|subparagraphs?|Annex|No\.?|Nos\.?)\s+\d+"
    r"(?:\(\w+\))*(?:(?:\s*,\s*|\s+(?:and|or|to)\s+)\d+(?:\(\w+\))*)*|\b\d+/\d+(?:/\w+)?|\(\d+\))",
    rf"(?P<money>\bEUR\s+(?P<amount>{_NUMBER})(?:\s+(?P<magnitude>{'|'.join(MAGNITUDES)})\b)?)",
    rf"(?P<percent>(?P<share>{_NUMBER})\s*(?:%|per\s+cent\b))",
    rf"(?P<date>\b(?P<day>\d{{1,2}})\s+(?P<month>{'|'.join(MONTHS)})\b(?:\s+(?P<year>\d{{4}})\b)?)",
    rf"(?P<period>(?P<length>{_COUNT})[\s-](?P<unit>day|week|month|year)s?\b)",
    rf"(?P<number>{_COUNT})",
)), re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    kind: str            # number | percent | money | days | weeks | months | years | date
    value: Any           # a Fraction; for a date, (day, month, year or None)
    text: str            # as written

    def agrees(self, other: Figure) -> bool:
        """Whether the two say the same figure. A count agrees with a period of that many (the law
        may say "15 days" where a rule counts 15) and, as a year, with a day in that year; a day of
        the year agrees with the same day in a stated year."""
        if self.kind == "date" and other.kind == "date":
            (day, month, year), (other_day, other_month, other_year) = self.value, other.value
            return (day, month) == (other_day, other_month) and (year is None or other_year is None
                                                                  or year == other_year)
        if "number" in (self.kind, other.kind) and {self.kind, other.kind} <= {"number", *_PERIODS.values()}:
            return self.value == other.value
        if {self.kind, other.kind} == {"number", "date"}:       # a year, and a day in that year
            year, date = (self, other) if self.kind == "number" else (other, self)
            return date.value[2] == year.value
        return self._measure() == other._measure()

    def _measure(self) -> tuple[str, Any]:
        """Periods in the smallest unit they are counted in exactly: three years are 36 months, two
        weeks 14 days."""
        if self.kind in _EXACTLY:
            unit, times = _EXACTLY[self.kind]
            return unit, self.value * times
        return self.kind, self.value


def stated(text: str) -> list[Figure]:
    """Every figure the text states, in order."""
    out = []
    for match in _FIGURES.finditer(text):
        figure = _read(match)
        if figure is not None:
            out.append(figure)
    return out


def _read(match: re.Match) -> Figure | None:
    written = match.group()
    if match.group("money"):
        amount = _count(match.group("amount")) * MAGNITUDES.get((match.group("magnitude") or "").lower(), 1)
        return Figure("money", amount, written)
    if match.group("percent"):
        return Figure("percent", _count(match.group("share")), written)
    if match.group("date"):
        year = int(match.group("year")) if match.group("year") else None
        month = next(i for i, m in enumerate(MONTHS, 1) if m.lower() == match.group("month").lower())
        return Figure("date", (int(match.group("day")), month, year), written)
    if match.group("period"):
        return Figure(_PERIODS[match.group("unit").lower()], _count(match.group("length")), written)
    if match.group("number"):
        return Figure("number", _count(written), written)
    return None                                  # a reference


def _count(text: str) -> Fraction:
    word = _WORDS.get(text.lower())
    return Fraction(word) if word is not None else Fraction(Decimal(re.sub(r"[ \u00a0\u202f]", "", text)))


_UNITS = {"persons": "number", "days": "days", "weeks": "weeks", "months": "months"}


def figure_of(node: A.Expr) -> Figure | None:
    """The figure a literal of the rules writes; None for anything else, and for zero, which is the
    absence of something rather than a figure of the law."""
    figure = _literal(node)
    return None if figure is None or figure.value == 0 else figure


def _literal(node: A.Expr) -> Figure | None:
    if isinstance(node, A.Number):
        return Figure("number", node.value, node.text)
    if isinstance(node, A.Quantity):
        return Figure(_UNITS.get(node.unit, node.unit), node.value, node.text)
    if isinstance(node, A.Percent):
        return Figure("percent", node.value * 100, node.text)
    if isinstance(node, A.Money):
        return Figure("money", node.value, node.text)
    if isinstance(node, A.DateLiteral):
        day = node.value
        return Figure("date", (day.day, day.month, day.year), f"{day.day} {MONTHS[day.month - 1]} {day.year}")
    if isinstance(node, A.DateInYear):
        return Figure("date", (node.day, node.month, None), f"{node.day} {MONTHS[node.month - 1]}")
    return None
