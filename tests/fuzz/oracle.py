"""What a person reads in a figure as typed, independently of the checker's readers.

`reading(token, kind)` is the value a person reading the document would take the token for, or
AMBIGUOUS when people (or YAML readers) would disagree or it is no figure of that kind: a
leading zero (octal to a YAML 1.1 reader), base 60, thousands separators, foreign digits, a date
that is not YYYY-MM-DD. A ratio (`1/3`) reads the same quoted or not. The checker may refuse
anything; what it accepts must read as here.

`shown_matches(text, exact)` checks a figure as a report shows it ("EUR 1 200.50", "12.5389 %")
against its exact value: equal, or within half the last decimal shown when it says "≈" or is a
percentage (shares are always shown to four decimals, the exact fraction beside them).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

AMBIGUOUS = object()

_INTEGER = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)\.[0-9]*|[-+]?(0|[1-9][0-9]*)(\.[0-9]*)?[eE][-+]?[0-9]+")
_PERCENT = re.compile(r"[-+]?(0|[1-9][0-9]*)(\.[0-9]+)? ?%")
_RATIO = re.compile(r"[-+]?(0|[1-9][0-9]*) ?/ ?(0|[1-9][0-9]*)")


def unquoted(token: str) -> tuple[str, bool]:
    """The text inside the quotes of a quoted YAML or JSON scalar (simple quoting only)."""
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'":
        return token[1:-1], True
    return token, False


def reading(token: str, kind: str):
    """kind: persons, EUR, share, number, date, year, bool."""
    text, quoted = unquoted(token)
    text = text.strip()
    if kind in ("persons", "year"):
        return int(text) if _INTEGER.fullmatch(text) else AMBIGUOUS
    if kind == "EUR":
        if _INTEGER.fullmatch(text):
            return Fraction(int(text))
        if _DECIMAL.fullmatch(text) and not _looks_grouped(text):
            return Fraction(Decimal(text))
        return AMBIGUOUS
    if kind in ("share", "number"):
        if _INTEGER.fullmatch(text):
            return Fraction(int(text))
        if _DECIMAL.fullmatch(text) and not _looks_grouped(text):
            return Fraction(Decimal(text))
        if _PERCENT.fullmatch(text):
            return Fraction(Decimal(text.rstrip("%").strip())) / 100
        # Quoted or not, `1/3` is text to every YAML reader (no 1.1 or 1.2 number form holds a
        # slash), so the checker sees the same string either way; JSON refuses it unquoted.
        if _RATIO.fullmatch(text):
            top, bottom = (int(part) for part in text.split("/"))
            return Fraction(top, bottom) if bottom else AMBIGUOUS
        return AMBIGUOUS
    if kind == "date":
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                return AMBIGUOUS
        return AMBIGUOUS
    if kind == "bool":
        return text.lower() == "true" if not quoted and text in ("true", "True", "TRUE", "false", "False", "FALSE") \
            else AMBIGUOUS
    raise ValueError(kind)


def _looks_grouped(text: str) -> bool:
    """1.000 or 30.000: thousands to many readers, a decimal to others."""
    return bool(re.fullmatch(r"[-+]?[1-9][0-9]{0,2}\.[0-9]{3}", text))


_SHOWN = re.compile(r"(≈ )?(EUR )?(-?[0-9][0-9 ]*(\.[0-9]+)?)( %| .*)?")


def shown_matches(text: str, exact: str, unit: str) -> bool:
    """Whether a figure shown as `text` reads as its exact value `exact` ("p/q" or "n")."""
    match = _SHOWN.fullmatch(text)
    if match is None:
        return False
    value = Fraction(exact)
    digits = match.group(3).replace(" ", "")
    shown = Fraction(Decimal(digits))
    if (match.group(5) or "").endswith((" less", " fewer", " earlier")):     # a change, said in words
        shown = -shown
    if (match.group(5) or "").strip() == "%":
        shown /= 100
        places = len(match.group(4) or ".") - 1 + 2
    else:
        places = len(match.group(4) or ".") - 1
    if match.group(1) or (match.group(5) or "").strip() == "%":   # "≈", or a share, always to 4 decimals
        return abs(shown - value) <= Fraction(1, 2 * 10 ** places)
    return shown == value
