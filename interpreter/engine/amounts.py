"""Figures written as people write them, which a document does not take as written.

A document gives an amount as a plain number: digits, and a point before at most two decimals
(`40000000`, `6500000.50`); a number of persons as a whole number. "EUR 40 million", "6,500,000",
"6 500 000", "6.500.000" or "1234,56" are never read as numbers, for a figure read wrongly is
worse than a figure refused; but they are recognised, and the message names what was written and
gives the figure to write: "`EUR 40 million` is not an amount: write 40000000 (EUR, up to two
decimals)". A separator that could be a decimal mark or a thousands separator ("6,500") is not
guessed at: both readings are named.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext

EUR, PERSONS = "EUR", "persons"
# The digits 0-9 only: Python's \d, isdigit() and Decimal() also take Arabic-Indic or full-width
# digits, which a document never gives as a figure (the reader says so, documents.py).
_DIGITS = "0123456789"
_LONGEST = 60                    # a figure with its unit and grouping is shorter: longer text is not one
_WHAT = {EUR: "(EUR, up to two decimals)", PERSONS: "(persons, a whole number)"}
_NOT = {EUR: "is not an amount", PERSONS: "is not a number of persons"}

_MAGNITUDES = {"thousand": 10**3, "thousands": 10**3, "k": 10**3, "million": 10**6, "millions": 10**6,
               "mio": 10**6, "mn": 10**6, "m": 10**6, "billion": 10**9, "billions": 10**9, "bn": 10**9}
_UNITS = {EUR: r"eur|euros?|€", PERSONS: r"persons?|people|relocations?"}
# Separators people group thousands with, by name.
_GROUPS = {",": "commas", ".": "dots", " ": "spaces", "\u00a0": "spaces", "\u202f": "spaces", "'": "apostrophes",
           "\u2019": "apostrophes"}


def misread(written: str, unit: str) -> str | None:
    """The message for a figure written as `written` where a document needs a plain figure in
    `unit` (EUR or persons); None when it is not a figure at all ("thirty thousand" is left to
    the type check) or nothing is to be said."""
    text = " ".join(str(written).split())
    if len(text) > _LONGEST:
        return None
    # every digit written is kept: Decimal arithmetic rounds to 28 digits, a figure given may have 40
    with localcontext(prec=2 * _LONGEST):
        return _said(text, unit)


def _said(text: str, unit: str) -> str | None:
    number, magnitude, with_unit = _parts(text, unit)
    if number is None:
        return None
    read = _separators(number)
    if read is None:
        return None
    kind, readings = read
    if unit == PERSONS and len(readings) > 1:           # a person is not divided: only the whole reading
        readings = [r for r in readings if r == r.to_integral_value()]
        kind = f"groups thousands with a {_mark(number)}"
    if len(readings) > 1:
        meant = " or ".join(_shown(r * magnitude) for r in readings)
        return (f"`{text}` is ambiguous: a decimal {_mark(number)} ({_shown(readings[0] * magnitude)}) or a thousands "
                f"separator ({_shown(readings[1] * magnitude)})? write the one meant, {meant} {_WHAT[unit]}")
    value = readings[0] * magnitude
    if unit == PERSONS and value != value.to_integral_value():
        return None                          # not a whole number however it is read: the type check says so
    if magnitude != 1 or with_unit:
        return f"`{text}` {_NOT[unit]}: write {_shown(value)} {_WHAT[unit]}"
    if kind:
        return f"`{text}` {kind}: write {_shown(value)} {_WHAT[unit]}"
    return None


def _parts(text: str, unit: str) -> tuple[str | None, int, bool]:
    """The number as written, the magnitude a word after it gives, and whether a unit was written."""
    units = _UNITS[unit]
    match = re.fullmatch(rf"(?i)(?:(?:{units})\s*)?(?P<n>[0-9][0-9.,'’\s\u00a0\u202f]*?)\s*(?P<m>[a-z]+)?\.?"
                         rf"(?:\s*(?:{units}))?", text)
    if match is None:
        return None, 1, False
    word = (match.group("m") or "").lower()
    if word and word not in _MAGNITUDES and not re.fullmatch(units, word):
        return None, 1, False
    magnitude = _MAGNITUDES.get(word, 1)
    with_unit = bool(re.search(rf"(?i)(^|\s|\d)({units})(\s|$)", text)) or text.startswith("€") or text.endswith("€")
    return match.group("n"), magnitude, with_unit


def _separators(number: str) -> tuple[str, list[Decimal]] | None:
    """What the separators of `number` are, in words ("" when it has none), and the readings."""
    marks = [c for c in number if c not in _DIGITS]
    if not marks:
        return "", [Decimal(number)]
    kinds = list(dict.fromkeys(marks))
    last = number.rfind(marks[-1])
    if len(kinds) == 2 and kinds[-1] in ",." and marks.count(kinds[-1]) == 1:
        # "6.500.000,50", "6,500,000.50": the last mark is the decimal one, the other groups thousands
        whole, decimals = number[:last], number[last + 1:]
        if not _grouped(whole, kinds[0]):
            return None
        said = f"groups thousands with {_GROUPS[kinds[0]]}" + (" and has a decimal comma" if kinds[-1] == "," else "")
        return said, [_decimal(whole.replace(kinds[0], "") + "." + decimals)]
    if len(kinds) != 1:
        return None
    mark = kinds[0]
    if len(marks) > 1 or mark not in ",.":
        if not _grouped(number, mark):
            return None
        return f"groups thousands with {_GROUPS[mark]}", [_decimal(number.replace(mark, ""))]
    whole, decimals = number.split(mark)
    as_decimal = _decimal(f"{whole}.{decimals}")
    if len(decimals) == 3 and 1 <= len(whole) <= 3:      # "6,500", "6.500": a decimal mark, or thousands
        return "ambiguous", [as_decimal, _decimal(whole + decimals)]
    if mark == ",":
        return "has a decimal comma", [as_decimal]
    return "", [as_decimal]                              # "6.5": a plain figure


def _grouped(number: str, mark: str) -> bool:
    """Whether `number` is digits grouped by threes with `mark` ("6,500,000")."""
    groups = number.split(mark)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 and _digits(g) for g in groups[1:]) and _digits(groups[0])


def _digits(text: str) -> bool:
    return bool(text) and all(c in _DIGITS for c in text)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal(0)


def _shown(value: Decimal) -> str:
    """A figure as a document writes it: no exponent; a whole number without a point, else to the
    cent ("6500000.50"), or with all its decimals when it has more."""
    if value == value.to_integral_value():
        return f"{value.to_integral_value():f}"
    text = f"{value.normalize():f}"
    return f"{value:.2f}" if len(text.split(".")[1]) < 2 else text


def _mark(number: str) -> str:
    return "comma" if "," in number else "point"
