"""The types the checker infers, with units as dimensions.

A quantity's unit is a dimension: a sorted tuple of (base unit, exponent), so
that EUR / persons is "EUR per person" and persons / persons is a bare share.
Units exist only at check time; at run time a quantity is just an exact number.
"""

from __future__ import annotations

from dataclasses import dataclass

Dimension = tuple[tuple[str, int], ...]

BASE_UNITS = ("persons", "EUR", "days", "weeks", "months")
_SINGULAR = {"persons": "person", "EUR": "EUR", "days": "day", "weeks": "week", "months": "month"}


def dimension(unit: str | None = None, per: str | None = None) -> Dimension:
    exponents: dict[str, int] = {}
    if unit:
        exponents[unit] = exponents.get(unit, 0) + 1
    if per:
        exponents[per] = exponents.get(per, 0) - 1
    return _normal(exponents)


def _normal(exponents: dict[str, int]) -> Dimension:
    return tuple(sorted((u, e) for u, e in exponents.items() if e))


def multiply(a: Dimension, b: Dimension, sign: int = 1) -> Dimension:
    exponents = dict(a)
    for unit, exponent in b:
        exponents[unit] = exponents.get(unit, 0) + sign * exponent
    return _normal(exponents)


def unit_words(d: Dimension) -> str:
    """"persons", "EUR", "EUR per person", "" for a bare number."""
    over = [u for u, e in d if e > 0 for _ in range(e)]
    under = [u for u, e in d if e < 0 for _ in range(-e)]
    text = " ".join(over) if over else ("1" if under else "")
    if under:
        text += " per " + " ".join(_SINGULAR[u] for u in under)
    return text


class Type:
    def describe(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class Quantity(Type):
    dim: Dimension = ()

    def describe(self) -> str:
        return unit_words(self.dim) or "number"

    @property
    def is_share(self) -> bool:
        return not self.dim

    def same_unit(self, other: Type) -> bool:
        return isinstance(other, Quantity) and other.dim == self.dim


@dataclass(frozen=True)
class Scalar(Type):
    """date, year, yes/no, text, member state."""
    name: str = ""

    def describe(self) -> str:
        return self.name


@dataclass(frozen=True)
class Record(Type):
    name: str = ""
    is_document: bool = False

    def describe(self) -> str:
        return self.name


@dataclass(frozen=True)
class Table(Type):
    """Values keyed by member state."""
    value: Type = Scalar("text")

    def describe(self) -> str:
        return f"{self.value.describe()} by member state"


@dataclass(frozen=True)
class List(Type):
    item: Type = Scalar("text")

    def describe(self) -> str:
        return f"list of {self.item.describe()}"


@dataclass(frozen=True)
class MemberStates(Type):
    """The collection `participating member states`."""

    def describe(self) -> str:
        return "participating member states"


@dataclass(frozen=True)
class Unknown(Type):
    """The type of an expression already reported as wrong: silences follow-on errors."""

    def describe(self) -> str:
        return "unknown"


SHARE = Quantity(())
PERSONS = Quantity(dimension("persons"))
EUR = Quantity(dimension("EUR"))
DATE = Scalar("date")
YEAR = Scalar("year")
BOOL = Scalar("yes/no")
TEXT = Scalar("text")
MEMBER_STATE = Scalar("member state")
UNKNOWN = Unknown()


def compatible(expected: Type, actual: Type) -> bool:
    """Whether a value of `actual` may stand where `expected` is declared."""
    if isinstance(expected, Unknown) or isinstance(actual, Unknown):
        return True
    if isinstance(expected, Quantity) and isinstance(actual, Quantity):
        return expected.dim == actual.dim
    if isinstance(expected, Table) and isinstance(actual, Table):
        return compatible(expected.value, actual.value)
    if isinstance(expected, List) and isinstance(actual, List):
        return compatible(expected.item, actual.item)     # `none` is a list of Unknown: fits any list
    return expected == actual


def record_name(t: Type) -> str:
    """The name of a record type (the checker has made sure `t` is one)."""
    assert isinstance(t, Record), f"{t} is not a record type"
    return t.name
