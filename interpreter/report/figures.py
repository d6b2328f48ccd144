"""Exact values as people read them: units, grouped thousands, dates in words.

Quantities are exact (int or Fraction) up to here. A figure that is not a whole
number of its unit is shown rounded, with the rounding said ("≈") and the exact
value kept beside it, never silently.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from functools import lru_cache
from typing import Any

from ..engine.documents import ListValue, RecordValue, TableValue
from ..engine.outcomes import Missing
from ..language import typesys as T

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def group(digits: str) -> str:
    """30000 -> "30 000", as the Official Journal writes numbers."""
    sign = "-" if digits.startswith("-") else ""
    whole, _, decimals = digits.lstrip("-").partition(".")
    parts: list[str] = []
    while len(whole) > 3:
        parts.insert(0, whole[-3:])
        whole = whole[:-3]
    parts.insert(0, whole)
    return sign + " ".join(parts) + (f".{decimals}" if decimals else "")


def decimal_text(value: Fraction, places: int) -> str:
    """`value` rounded half to even to `places` decimals, in exact integer arithmetic (a Decimal
    division would stop at 28 digits, and a figure may have 40)."""
    value = Fraction(value)
    scaled = round(value * 10 ** places)                  # Fraction rounds half to even, exactly
    # a small negative amount stays visibly negative ("≈ EUR -0.00"), as the decimals show it
    sign = "-" if scaled < 0 or (value < 0 and places) else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    whole, decimals = (digits[:-places], digits[-places:]) if places else (digits, "")
    return group(sign + whole + (f".{decimals}" if decimals else ""))


def exact_text(value: Fraction | int) -> str:
    """The exact value as a fraction in lowest terms, for the record."""
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def number(value: Fraction | int, places: int = 2) -> str:
    value = Fraction(value)
    if value.denominator == 1:
        return group(str(value.numerator))
    if (value * 10 ** places).denominator == 1:
        return decimal_text(value, places)
    return "≈ " + decimal_text(value, places)


def is_whole(value: Any) -> bool:
    return Fraction(value).denominator == 1


def quantity(value: Fraction | int, t: T.Quantity) -> str:
    dim = dict(t.dim)
    if not dim:
        return number(value, 4)
    if dim == {"EUR": 1}:
        return _prefix("EUR", number(value, 2))
    if dim == {"persons": 1}:
        word = "person" if value == 1 else "persons"
        return f"{number(value, 2)} {word}"
    if dim == {"EUR": 1, "persons": -1}:
        return _prefix("EUR", number(value, 2)) + " per person"
    if len(dim) == 1 and next(iter(dim.values())) == 1:
        unit = next(iter(dim))
        return f"{number(value, 2)} {unit[:-1] if value == 1 else unit}"
    return f"{number(value, 4)} {T.unit_words(t.dim)}"


def _prefix(unit: str, text: str) -> str:
    """"EUR 1 200", and "≈ EUR 1 200.33" when rounded: the sign of rounding comes first."""
    if text.startswith("≈ "):
        return f"≈ {unit} {text[2:]}"
    return f"{unit} {text}"


def percent(value: Fraction | int) -> str:
    return decimal_text(Fraction(value) * 100, 4) + " %"


def day(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def show(value: Any, t: T.Type) -> str:
    """One value, in words, by its type."""
    if isinstance(value, Missing):
        return "not known" if value.unknown else "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return day(value)
    if isinstance(value, RecordValue):
        return f"({value.type})"
    if isinstance(value, TableValue) or isinstance(value, dict):
        return f"(table of {len(value)} member state{'s' if len(value) != 1 else ''})"
    if isinstance(value, (ListValue, tuple)):
        return f"({len(value)} item{'s' if len(value) != 1 else ''})"
    if isinstance(t, T.Quantity) and isinstance(value, (int, Fraction)):
        return _shown_quantity(value, t)
    if t == T.YEAR:
        return str(value)
    return str(value)


@lru_cache(maxsize=8192)
def _shown_quantity(value: Fraction | int, t: T.Quantity) -> str:
    """A quantity in words, kept: a view shows each figure three times (its text, whether it was
    rounded, its JSON), and the same figures (reference numbers, shares) under many verdicts."""
    if t.is_share and not is_whole(value):
        return percent(value)
    return quantity(value, t)


def exact(value: Any, t: T.Type | None = None, shown: str | None = None) -> str | None:
    """The exact form when `show` had to round (a share, or a figure shown with "≈"), else None.
    `shown`: show(value, t), when the caller has it already."""
    if not isinstance(value, (int, Fraction)) or isinstance(value, bool) or is_whole(value):
        return None
    if isinstance(t, T.Quantity) and not t.is_share and not (shown or show(value, t)).startswith("≈"):
        return None
    return exact_text(value)


def json_value(value: Any, t: T.Type, shown: str | None = None) -> Any:
    """A value for JSON: exact numbers as strings (never floats), with the unit. `shown`:
    show(value, t), when the caller has it already (a view shows every value three ways)."""
    if isinstance(value, Missing):
        return {"missing": sorted(value.paths), "undisclosed": value.unknown}
    if isinstance(value, bool):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, Fraction)) and isinstance(t, T.Quantity):
        return {"exact": exact_text(value), "unit": T.unit_words(t.dim) or "1", "text": shown or show(value, t)}
    if isinstance(value, (RecordValue, TableValue, ListValue, dict, tuple)):
        return show(value, t)
    if isinstance(value, (int, Fraction)):
        return exact_text(value)
    return value
