"""The functions every rule file may call, in one table.

Each entry says how to type a call (for the checker) and how to compute it (for
every evaluator), so that adding a function is one entry here and nothing else.
Implementations receive exact values only: a missing argument never reaches them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..engine import calendar as L
from . import typesys as T

TypeRule = Callable[[list[T.Type]], "T.Type | str"]     # the result type, or a message saying what is wrong


@dataclass(frozen=True)
class Function:
    name: str
    params: tuple[str, ...]
    description: str
    result: TypeRule
    run: Callable[..., Any]
    # Picks the implementation by the arguments' types (e.g. a period in days or in months), for
    # functions whose meaning depends on a unit that exists only at check time. The checker
    # writes the variant's name ("period_end:months") into the IR; variants cannot be called by name.
    variant: Callable[[list[T.Type]], str] | None = None
    # A time limit in a Member State is moved by its official holidays (Art 75(d)): `run` then takes
    # the rules' calendar (engine.calendar.Holidays) after the arguments.
    uses_calendar: bool = False


def call(function: Function, args: Sequence[Any], holidays: Any) -> Any:
    """Run a function on exact arguments, handing it the rules' calendar when it uses one."""
    return function.run(*args, holidays) if function.uses_calendar else function.run(*args)


def unanswered(name: str, where: object, error: Exception) -> str:
    """What a call that gives no value leaves missing, as its verdict names it: a year the calendar
    of official holidays lacks is said for a person; any other failure names the call and its place."""
    if isinstance(error, L.NoHolidays):
        return str(error)
    return f"undefined: {name}(...) at {where}: {error}"


def _quantities(types: list[T.Type]) -> T.Type | str:
    if not all(isinstance(t, T.Quantity) for t in types):
        return f"takes quantities, not {' and '.join(str(t) for t in types)}"
    if len({t.dim for t in types if isinstance(t, T.Quantity)}) > 1:
        return f"cannot mix {' and '.join(str(t) for t in types)}"
    return types[0]


def _date_to_year(types: list[T.Type]) -> T.Type | str:
    return T.YEAR if types[0] == T.DATE else f"takes a date, not {types[0]}"


_PERIOD_UNITS = ("days", "weeks", "months")


def _period_unit(t: T.Type) -> str | None:
    if isinstance(t, T.Quantity) and len(t.dim) == 1 and t.dim[0][1] == 1 and t.dim[0][0] in _PERIOD_UNITS:
        return t.dim[0][0]
    return None


def _period(*rest: T.Type) -> TypeRule:
    """date, a length in days, weeks or months, then the `rest` of the arguments -> date."""
    def rule(types: list[T.Type]) -> T.Type | str:
        if types[0] != T.DATE:
            return f"counts from a date, not {types[0]}"
        if _period_unit(types[1]) is None:
            return f"needs a length in days, weeks or months, such as 4 weeks, not {types[1]}"
        for wanted, got in zip(rest, types[2:]):
            if got != wanted:
                return f"needs a {wanted}, not {got}"
        return T.DATE
    return rule


def _by_unit(name: str) -> Callable[[list[T.Type]], str]:
    return lambda types: f"{name}:{_period_unit(types[1])}"


def _variants(name: str, params: tuple[str, ...], description: str, make,
              uses_calendar: bool = False) -> tuple[Function, ...]:
    return tuple(Function(f"{name}:{unit}", params, description, lambda types: T.DATE, make(unit),
                          uses_calendar=uses_calendar)
                 for unit in _PERIOD_UNITS)


def _time_limits() -> tuple[Function, ...]:
    return (
        Function("period_end", ("start", "length"),
                 "the last day of a period of days, weeks or months from a date, counted as Art 75(a) to (c) say",
                 _period(), lambda *a: None, _by_unit("period_end")),
        *_variants("period_end", ("start", "length"), "", lambda u: lambda d, n: L.period_end(d, n, u)),
        Function("time_limit", ("start", "length", "member_state"),
                 "the last day of a time limit (Art 75): the period's end, moved to the next working day "
                 "when it is a Saturday, Sunday or official holiday of the Member State concerned",
                 _period(T.MEMBER_STATE), lambda *a: None, _by_unit("time_limit")),
        *_variants("time_limit", ("start", "length", "member_state"), "",
                   lambda u: lambda d, n, ms, holidays: L.time_limit(d, n, u, ms, holidays), uses_calendar=True),
        Function("union_time_limit", ("start", "length"),
                 "the last day of a time limit (Art 75) with no Member State concerned: the period's end, "
                 "moved to the next working day when it is a Saturday or Sunday",
                 _period(), lambda *a: None, _by_unit("union_time_limit")),
        *_variants("union_time_limit", ("start", "length"), "", lambda u: lambda d,
                   n: L.time_limit(d, n, u, None, None)),
        Function("date_before", ("end", "length"), "the day so many days, weeks or months before a date",
                 _period(), lambda *a: None, _by_unit("date_before")),
        *_variants("date_before", ("end", "length"), "", lambda u: lambda d, n: L.date_before(d, n, u)),
    )


FUNCTIONS: dict[str, Function] = {f.name: f for f in (
    Function("min", ("a", "b"), "the smaller of two values", _quantities, min),
    Function("max", ("a", "b"), "the larger of two values", _quantities, max),
    Function("abs", ("x",), "the absolute value", _quantities, abs),
    Function("floor", ("x",), "rounded down to a whole number", _quantities, lambda x: Fraction(math.floor(x))),
    Function("ceiling", ("x",), "rounded up to a whole number", _quantities, lambda x: Fraction(math.ceil(x))),
    Function("year", ("date",), "the calendar year of a date", _date_to_year, lambda d: d.year),
    *_time_limits(),
)}
