"""The functions every rule file may call, in one table.

Each entry says how to type a call (for the checker) and how to compute it (for
every evaluator), so that adding a function is one entry here and nothing else.
Implementations receive exact values only: a missing argument never reaches them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

from . import types as T

TypeRule = Callable[[list[T.Type]], "T.Type | str"]     # the result type, or a message saying what is wrong


@dataclass(frozen=True)
class Function:
    name: str
    params: tuple[str, ...]
    description: str
    result: TypeRule
    run: Callable[..., Any]


def _quantities(types: list[T.Type]) -> T.Type | str:
    if not all(isinstance(t, T.Quantity) for t in types):
        return f"takes quantities, not {' and '.join(str(t) for t in types)}"
    if len({t.dim for t in types}) > 1:
        return f"cannot mix {' and '.join(str(t) for t in types)}"
    return types[0]


def _date_to_year(types: list[T.Type]) -> T.Type | str:
    return T.YEAR if types[0] == T.DATE else f"takes a date, not {types[0]}"


FUNCTIONS: dict[str, Function] = {f.name: f for f in (
    Function("min", ("a", "b"), "the smaller of two values", _quantities, min),
    Function("max", ("a", "b"), "the larger of two values", _quantities, max),
    Function("abs", ("x",), "the absolute value", _quantities, abs),
    Function("floor", ("x",), "rounded down to a whole number", _quantities, lambda x: Fraction(math.floor(x))),
    Function("ceiling", ("x",), "rounded up to a whole number", _quantities, lambda x: Fraction(math.ceil(x))),
    Function("year", ("date",), "the calendar year of a date", _date_to_year, lambda d: d.year),
)}
