"""Generated readers (issue 15): for each record type, one Python function that turns a well-formed
document's plain values into the engine's records, with every check written inline.

The rules are the same as fastread.py's closures (which stay the reader of `RuleSet.document`):
exact ints, Decimals, dates, booleans, strings and member state codes are read; anything else
(a float, a figure as text, an unknown field, a negative or too long figure...) raises `StepAside`,
and the caller reads the document by the slow path, which says what is wrong and where. The
generated text is what the closures do, without a call per field: it is what makes the prepared
checker (prepared.py) cheap per document. tests/test_prepared.py holds it to the slow path.
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
from .compiled.runtime import FAST_FRACTIONS, whole
from .fastread import LIMIT, _money, _share
from .fastread import _StepAside as StepAside
from .reading import FIRST_YEAR, LAST_YEAR, surrogate_text
from .records import UNDISCLOSED, ListValue, RecordValue, TableValue

__all__ = ["StepAside", "Readers"]

# The keys a document has besides its record's fields (documents.DocumentReader.from_data takes them
# off first); the checker decides what to do with each.
DOCUMENT_KEYS = frozenset({"document", "id", "note", "data_years", "undisclosed"})


class Readers:
    """The generated reader of each record type, made on first use: `reader(type)(value, path, origin)`."""

    def __init__(self, structs: dict[str, ir.StructSpec], member_states: tuple[str, ...]):
        self.structs = structs
        self.codes = frozenset(member_states)
        self.any_code = not member_states          # no member states declared: any string (as the models say)
        self._made: dict[str, Callable[[Any, str, str], RecordValue]] = {}

    def reader(self, type_name: str, document: bool = False) -> Callable[[Any, str, str], RecordValue]:
        """The reader of a record type; with `document`, of a whole document of that type: the keys of
        DOCUMENT_KEYS are let through (and not read), the caller having dealt with them."""
        key = f"{type_name}{'/document' if document else ''}"
        if key not in self._made:
            source = _Source(self)
            entry = source.record(type_name, document)
            namespace = source.namespace()
            exec(compile("\n".join(source.lines) + "\n", f"<ammr reader {key}>", "exec"), namespace)
            self._made[key] = namespace[entry]
        return self._made[key]


class _Source:
    """The text of one reader and the functions it calls, and the values it names (the pool)."""

    def __init__(self, readers: Readers):
        self.readers = readers
        self.lines: list[str] = []
        self.pool: dict[str, Any] = {}
        self.records: dict[str, str] = {}          # record type -> its function's name
        self.count = 0

    def const(self, value: Any) -> str:
        name = f"K{len(self.pool)}"
        self.pool[name] = value
        return name

    def new_name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def namespace(self) -> dict[str, Any]:
        return {**self.pool, "StepAside": StepAside, "NOVAL": _NOVAL, "UNDISCLOSED": UNDISCLOSED, "W": _whole,
                "NEW": _new, "F": Fraction, "money": _money, "share": _share, "RecordValue": RecordValue,
                "TableValue": TableValue, "ListValue": ListValue, "Decimal": Decimal, "date": date, "LIMIT": LIMIT,
                "FIRST": FIRST_YEAR, "LAST": LAST_YEAR, "CODES": self.readers.codes,
                "SURROGATE": surrogate_text}

    # ------------------------------------------------------------ records
    def record(self, type_name: str, document: bool = False) -> str:
        if not document and type_name in self.records:
            return self.records[type_name]
        name = self.new_name("r")
        if not document:
            self.records[type_name] = name         # before its body: a type that holds itself calls it
        spec = self.readers.structs[type_name]
        allowed = frozenset(spec.fields) | (DOCUMENT_KEYS if document else frozenset())
        body = [f"def {name}(v, path, origin):",
                f"    if type(v) is not dict or not {self.const(allowed)}.issuperset(v):",
                "        raise StepAside",
                "    f = {}"]
        for fname, fspec in spec.fields.items():
            body += self._field(fname, fspec)
        # RecordValue(type, f, path, origin) without a call of its __init__: a record per pledge
        body += ["    r = NEW(RecordValue)", f"    r.type = {self.const(spec.name)}", "    r.fields = f",
                 "    r.path = path", "    r.origin = origin", "    return r"]
        self.lines += body + [""]
        return name

    def _field(self, fname: str, fspec: ir.FieldSpec) -> list[str]:
        key = self.const(fname)
        lines = [f"    x = v.get({key}, NOVAL)",
                 "    if x is None:"]
        # null for a field with a default: not known (issue 12); for another field: not given
        lines.append(f"        f[{key}] = UNDISCLOSED" if fspec.default is not None else "        pass")
        lines.append("    elif x is not NOVAL:")
        child = f"(path + {self.const('.' + fname)} if path else {key})"
        lines += self._value("x", f"f[{key}]", fspec.type, fspec.decl.type, child, "        ")
        return lines

    # ------------------------------------------------------------ values
    def _value(self, var: str, target: str, t: T.Type, declared: A.TypeExpr | None, path: str,
               indent: str) -> list[str]:
        """Lines that set `target` to the value read from `var`, or raise StepAside."""
        if isinstance(t, T.Record):
            return [f"{indent}{target} = {self.record(t.name)}({var}, {path}, origin)"]
        if isinstance(t, (T.Table, T.List)):
            return [f"{indent}{target} = {self._structure(t, declared)}({var}, {path}, origin)"]
        test, made, otherwise = self._scalar(var, t, declared)
        if test is None:
            return [f"{indent}{target} = {otherwise}"]
        if made == f"W({var})" and FAST_FRACTIONS:
            # Fraction(x) of an int written out (_whole_fast's lines): one per figure of a document
            read = [f"{indent}    z = NEW(F)", f"{indent}    z._numerator = {var}", f"{indent}    z._denominator = 1",
                    f"{indent}    {target} = z"]
        else:
            read = [f"{indent}    {target} = {made}"]
        return [f"{indent}if {test}:", *read, f"{indent}else:",
                f"{indent}    " + (f"{target} = {otherwise}" if otherwise else "raise StepAside")]

    def _scalar(self, x: str, t: T.Type, declared: A.TypeExpr | None) -> tuple[str | None, str, str]:
        """(the test a well-formed value passes, the value read, what else: "" to step aside, or a call
        of fastread's own check, which reads the value or steps aside). A test None: that call alone."""
        if isinstance(t, T.Quantity):
            if t.dim == T.PERSONS.dim:
                return f"type({x}) is int and 0 <= {x} < LIMIT", f"W({x})", ""
            if t.dim == T.EUR.dim:                 # an int here; a Decimal by fastread's check
                return f"type({x}) is int and 0 <= {x} < LIMIT", f"W({x})", f"money({x})"
            if not t.dim and isinstance(declared, A.SimpleType) and declared.name == "share":
                return None, "", f"share({x})"
            return f"type({x}) is int and -LIMIT < {x} < LIMIT", f"W({x})", ""
        if t == T.MEMBER_STATE:
            return (f"type({x}) is str and not SURROGATE({x})", x, "") if self.readers.any_code else \
                (f"type({x}) is str and {x} in CODES", x, "")
        known: dict[T.Type, str] = {T.DATE: f"type({x}) is date and FIRST <= {x}.year <= LAST",
                                    T.YEAR: f"type({x}) is int and FIRST <= {x} <= LAST",
                                    T.BOOL: f"type({x}) is bool",
                                    T.TEXT: f"type({x}) is str and not SURROGATE({x})"}    # the slow path refuses it
        return known.get(t, "False"), x, ""

    def _structure(self, t: T.Table | T.List, declared: A.TypeExpr | None) -> str:
        name = self.new_name("s")
        lines = [f"def {name}(v, path, origin):"]
        if isinstance(t, T.Table):
            inner = declared.value if isinstance(declared, A.TableType) else None
            code = "type(k) is not str or SURROGATE(k)" if self.readers.any_code else \
                "type(k) is not str or k not in CODES"
            lines += ["    if type(v) is not dict:", "        raise StepAside", "    items = {}",
                      "    for k, x in v.items():", f"        if {code}:", "            raise StepAside",
                      "        if x is not None:"]       # a null entry is no entry, as in the slow path
            lines += self._value("x", "items[k]", t.value, inner, 'f"{path}[{k}]"', "            ")
            lines.append("    return TableValue(items, path, origin)")
        else:
            inner = declared.item if isinstance(declared, A.ListType) else None
            lines += ["    if type(v) is not list:", "        raise StepAside", "    items = []",
                      "    for i, x in enumerate(v):"]
            lines += self._value("x", "y", t.item, inner, 'f"{path}[{i}]"', "        ")
            lines += ["        items.append(y)", "    return ListValue(items)"]
        self.lines += lines + [""]
        return name


_NOVAL = object()                # "no such key": distinct from every value, None included


def _whole_fast(n: int) -> Fraction:
    """Fraction(n) for an int n, as runtime.whole makes it, in one call instead of two: a document
    holds a figure per pledge and field, so this is the reader's most frequent call."""
    f = _new(Fraction)
    f._numerator = n          # type: ignore[attr-defined]  # CPython's layout, checked by runtime._layout_ok
    f._denominator = 1        # type: ignore[attr-defined]
    return f


_new = object.__new__
_whole = _whole_fast if FAST_FRACTIONS else whole
