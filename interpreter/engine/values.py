"""A value of a rules type read from text, as a document writes it: yes/no, a date, a member
state code, a year, an exact number of persons, EUR or a share. Used by `--set` (parameters.py)
and `--vary` (tools/sweep.py); a mistake is a positioned message, never a guess."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from ..language import typesys as T
from ..language.diagnostics import Diagnostic, Failed
from ..language.syntax import Span
from .reading import FIRST_YEAR, LAST_YEAR, MAX_DIGITS, too_long


def problem(message: str, hint: str = "") -> Diagnostic:
    """A mistake in a value given on the command line (`--vary`; `--set` positions it anew)."""
    return Diagnostic("S001", message, Span("--vary", 1, 1, 1, 1), hint)


def exact_number(text: str, label: str) -> Fraction:
    """A number written as in a document (30000, 43742210.70, 1/3, 25 %), exactly."""
    text = text.strip().replace(" ", "").replace("_", "")
    shown = text if len(text) <= 40 else text[:40] + "…"
    too_many = Failed([problem(f"{label}: '{shown}' is not a number written with the digits 0-9, "
                               f"at most {MAX_DIGITS} of them")])
    if not text.isascii():
        raise too_many
    try:
        if "/" in text:
            if any(len(re.sub(r"[^0-9]", "", part)) > MAX_DIGITS for part in text.split("/")):
                raise too_many
            return Fraction(text)
        number = Decimal(text[:-1] if text.endswith("%") else text)
        if not number.is_finite() or too_long(number):       # 1e999999999 would take forever as a fraction
            raise too_many
        return Fraction(number) / 100 if text.endswith("%") else Fraction(number)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        raise Failed([problem(f"{label}: '{text}' is not an exact number", "e.g. 30000, 43742210.70, 1/3 or 25 %")]) \
            from None


def value_reader(rules, t: T.Type, label: str) -> Callable[[str], Any]:
    """Reads one value as the documents do, into the value the evaluator sees: the values of
    `ammr sweep --vary` (tools/sweep.py) and of `ammr check --set` (parameters.py)."""
    def fail(text: str, why: str) -> Failed:
        return Failed([problem(f"{label}: '{text.strip()}' {why}")])

    def read(text: str) -> Any:
        word = text.strip()
        if t == T.BOOL:
            if word.lower() in ("yes", "true"):
                return True
            if word.lower() in ("no", "false"):
                return False
            raise fail(text, "is not yes or no")
        if t == T.DATE:
            try:
                day = date.fromisoformat(word)
            except ValueError:
                raise fail(text, "is not a date written YYYY-MM-DD") from None
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise fail(text, f"is not a date from {FIRST_YEAR} to {LAST_YEAR}")
            return day
        if t == T.MEMBER_STATE:
            if word not in rules.program.member_states:
                raise fail(text, "is not a member state code")
            return word
        if t == T.TEXT:
            return word
        value = exact_number(word, label)
        if t == T.YEAR:
            if value.denominator != 1 or not FIRST_YEAR <= value <= LAST_YEAR:
                raise fail(text, f"is not a year between {FIRST_YEAR} and {LAST_YEAR}")
            return int(value)
        if value < 0 and t in (T.PERSONS, T.EUR):
            raise fail(text, "is negative: figures in these documents are not")
        if t == T.PERSONS and value.denominator != 1:
            raise fail(text, "is not whole: persons are whole numbers")
        if t == T.EUR and (value * 100).denominator != 1:
            raise fail(text, "has more than two decimals: EUR amounts go to the cent")
        return value
    return read


def value_text(value: Any) -> str:
    """A value written as a document (and `--set`) writes it, so that `value_reader` reads it back:
    yes/no, YYYY-MM-DD, a whole number, an exact decimal, or a fraction such as 1/3."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction):
        return _decimal_text(value) or f"{value.numerator}/{value.denominator}"
    return str(value)


def _decimal_text(value: Fraction) -> str:
    """The exact decimal of a fraction whose denominator has no prime factor but 2 and 5
    ("43742210.7"), or "" when it has none (1/3)."""
    twos = fives = 0
    rest = value.denominator
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return ""
    places = max(twos, fives)
    digits = str(abs(value.numerator) * 10 ** places // value.denominator).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"
