"""The fast path of reading a document (issue 15): plain values in, the engine's records out.

For each declared record type, a reader made of closures does what the pydantic model and
`documents._record` do together, for the values a parser gives for a well-formed document: exact
ints, Decimals, dates, booleans, strings, member state codes, mappings and lists. It accepts only
what the slow path accepts and gives the same records; anything else (a figure written as text, a
float, a wrong type, an unknown field, a negative or too long figure, a share above 100 %) makes it
step aside (`FastReader.record` returns None), and the slow path reads the document again and
says what is wrong where. tests/test_fastread.py holds the two paths to each other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..language import ir
from ..language import syntax as A
from ..language import typesys as T
from .reading import FIRST_YEAR, LAST_YEAR, MAX_DIGITS, too_long
from .records import UNDISCLOSED, ListValue, RecordValue, TableValue

LIMIT = 10 ** MAX_DIGITS          # an int below it in magnitude has at most MAX_DIGITS digits (reading.too_long)


class _StepAside(Exception):
    """The value is not one the fast path reads: the slow path decides."""


Scalar = Callable[[Any], Any]
Structure = Callable[[Any, str, str], Any]        # (value, path, origin)


# ------------------------------------------------------------------ scalars

def _persons(value: Any) -> Fraction:
    if type(value) is int and 0 <= value < LIMIT:
        return Fraction(value)
    raise _StepAside


def _money(value: Any) -> Fraction:
    if type(value) is int and 0 <= value < LIMIT:
        return Fraction(value)
    if type(value) is Decimal and value.is_finite() and value >= 0 and int(value.as_tuple().exponent) >= -2 \
            and not too_long(value):
        return Fraction(value)
    raise _StepAside


def _share(value: Any) -> Fraction:
    if type(value) is int and 0 <= value <= 1:
        return Fraction(value)
    if type(value) is Decimal and value.is_finite() and 0 <= value <= 1 and not too_long(value):
        return Fraction(value)
    raise _StepAside


def _number(value: Any) -> Fraction:
    """A `number`, or a quantity of another unit (days, weeks, months): ints only here."""
    if type(value) is int and -LIMIT < value < LIMIT:
        return Fraction(value)
    raise _StepAside


def _day(value: Any) -> date:
    if type(value) is date and FIRST_YEAR <= value.year <= LAST_YEAR:
        return value
    raise _StepAside


def _year(value: Any) -> int:
    if type(value) is int and FIRST_YEAR <= value <= LAST_YEAR:
        return value
    raise _StepAside


def _bool(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise _StepAside


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    raise _StepAside


def _never(value: Any) -> Any:
    raise _StepAside


# ------------------------------------------------------------------ readers

class FastReader:
    """Records from plain values by closures made once per type, or None where the slow path decides."""

    def __init__(self, structs: dict[str, ir.StructSpec], member_states: tuple[str, ...]):
        self.structs = structs
        self.codes = frozenset(member_states)
        self.any_code = not member_states          # no member states declared: any string (as the models say)
        self._records: dict[str, Structure] = {}

    def record(self, type_name: str, data: dict, origin: str) -> RecordValue | None:
        try:
            return self._record(type_name)(data, "", origin)
        except _StepAside:
            return None

    def _record(self, name: str) -> Structure:
        if name not in self._records:
            # while it is made, a type that holds itself finds it through this stand-in
            self._records[name] = lambda value, path, origin: self._records[name](value, path, origin)
            self._records[name] = self._make_record(self.structs[name])
        return self._records[name]

    def _make_record(self, spec: ir.StructSpec) -> Structure:
        entries = [(fname, *self._field(f.type, f.decl.type), f.default is not None)
                   for fname, f in spec.fields.items()]
        names = frozenset(spec.fields)
        type_name = spec.name

        def read(value: Any, path: str, origin: str) -> RecordValue:
            if type(value) is not dict or not names.issuperset(value):
                raise _StepAside
            fields: dict[str, Any] = {}
            for fname, scalar, structure, has_default in entries:
                if fname not in value:
                    continue
                item = value[fname]
                if item is None:
                    if has_default:                    # null for a field with a default: not known (issue 12)
                        fields[fname] = UNDISCLOSED
                    continue
                fields[fname] = scalar(item) if scalar is not None else \
                    structure(item, f"{path}.{fname}" if path else fname, origin)
            return RecordValue(type_name, fields, path, origin)
        return read

    def _field(self, t: T.Type, declared: A.TypeExpr | None) -> tuple[Scalar | None, Structure]:
        """(a reader of a scalar, -) or (None, a reader of a structure, which needs its path: made only then)."""
        scalar = self._scalar(t, declared)
        return (scalar, _step_aside) if scalar is not None else (None, self._structure(t, declared))

    def _scalar(self, t: T.Type, declared: A.TypeExpr | None) -> Scalar | None:
        if isinstance(t, T.Quantity):
            if t.dim == T.PERSONS.dim:
                return _persons
            if t.dim == T.EUR.dim:
                return _money
            if not t.dim and isinstance(declared, A.SimpleType) and declared.name == "share":
                return _share
            return _number
        if t == T.MEMBER_STATE:
            return self._member_state
        scalars: dict[T.Type, Scalar] = {T.DATE: _day, T.YEAR: _year, T.BOOL: _bool, T.TEXT: _text}
        if isinstance(t, (T.Table, T.List, T.Record)):
            return None
        return scalars.get(t, _never)

    def _member_state(self, value: Any) -> str:
        if type(value) is str and (self.any_code or value in self.codes):
            return value
        raise _StepAside

    def _structure(self, t: T.Type, declared: A.TypeExpr | None) -> Structure:
        if isinstance(t, T.Record):
            return self._record(t.name)
        if isinstance(t, T.Table):
            return self._table(*self._field(t.value, declared.value if isinstance(declared, A.TableType) else None))
        if isinstance(t, T.List):
            return self._list(*self._field(t.item, declared.item if isinstance(declared, A.ListType) else None))
        return _step_aside

    def _table(self, scalar: Scalar | None, structure: Structure) -> Structure:
        codes, any_code = self.codes, self.any_code

        def read(value: Any, path: str, origin: str) -> TableValue:
            if type(value) is not dict:
                raise _StepAside
            items = {}
            for code, item in value.items():
                if type(code) is not str or not (any_code or code in codes):
                    raise _StepAside
                if item is not None:                   # a null entry is no entry, as in the slow path
                    items[code] = scalar(item) if scalar is not None else structure(item, f"{path}[{code}]", origin)
            return TableValue(items, path, origin)
        return read

    def _list(self, scalar: Scalar | None, structure: Structure) -> Structure:
        def read(value: Any, path: str, origin: str) -> ListValue:
            if type(value) is not list:
                raise _StepAside
            if scalar is not None:
                return ListValue([scalar(item) for item in value])
            return ListValue([structure(item, f"{path}[{i}]", origin) for i, item in enumerate(value)])
        return read


def _step_aside(value: Any, path: str, origin: str) -> Any:
    raise _StepAside
