"""Documents submitted for checking: YAML or JSON -> validated, exact values.

The pydantic models are generated from the `document` and `record` declarations
of the rules, so the rules are the one source of truth for what a document
holds. Files are read with the YAML composer so that every value keeps its line
and column: a validation error points at the offending field in the file.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    WithJsonSchema,
    create_model,
)

from ..language import ir
from ..language import syntax as A
from ..language import typesys as T
from ..language.diagnostics import Diagnostic, Failed, did_you_mean
from ..language.syntax import Span
from . import amounts
from .digest import content_sha256
from .reading import FIRST_YEAR, LAST_YEAR, MAX_DIGITS, STDIN, Path_, read_documents, shown_name, too_long

RESERVED = {
    "document": "the document type, e.g. CommissionProposal",
    "id": "the document's own identifier, e.g. 'COM(2025) 123' or a registry number: results name the document "
          "by it (without it, by the SHA-256 of its content), whatever the path of its file",
    "data_years": "the Eurostat reference year used per dataset, e.g. {population: 2024, gdp: 2024}",
    "note": "free text about the document, e.g. that its figures are illustrative",
    "undisclosed": "fields the act contains but whose content is not public, e.g. [pledges]: "
                   "checks that need them report insufficient information instead of absence",
}

class _Undisclosed:
    """Stands for a field a document has but does not disclose (its `undisclosed:` list)."""

    def __repr__(self) -> str:
        return "UNDISCLOSED"


UNDISCLOSED = _Undisclosed()


# -------------------------------------------------------- values at run time

class RecordValue:
    """A document or one of its records: the fields that were given, and where it sits."""
    __slots__ = ("type", "fields", "path", "origin")

    def __init__(self, type_: str, fields: dict[str, Any], path: str, origin: str):
        self.type = type_
        self.fields = fields
        self.path = path          # e.g. "pledges[DE]"; "" for the document itself
        self.origin = origin      # the document's label, e.g. "examples/2026/council-act.yaml"

    def child_path(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def __repr__(self) -> str:
        return f"RecordValue({self.type}, {self.fields!r})"


class TableValue(dict):
    """Values by member state; remembers its path for messages about missing entries."""
    __slots__ = ("path", "origin")

    def __init__(self, items: dict, path: str, origin: str):
        super().__init__(items)
        self.path = path
        self.origin = origin


class ListValue(tuple):
    __slots__ = ()


@dataclass(frozen=True)
class Document:
    type: str
    source: str                       # the file it came from
    index: int                        # its place in a multi-document YAML file (0-based)
    count: int                        # how many documents that file holds
    record: RecordValue
    data_years: dict[str, int] = field(default_factory=dict)
    note: str = ""
    declared_id: str = ""             # its `id:`, if it states one
    sha256: str = ""                  # of its content (engine/digest.py), the same whatever file it came from

    @property
    def label(self) -> str:
        return self.source if self.count == 1 else f"{self.source} (document {self.index + 1})"

    @property
    def id(self) -> str:
        """What results call the document: its declared id, else its content's hash; never its path."""
        return self.declared_id or f"sha256:{self.sha256[:16]}"


# ------------------------------------------------------------------- models

def _no_float(value: Any) -> Any:
    """A figure as the document wrote it: an int, a Decimal, or a string of plain ASCII digits."""
    if isinstance(value, float):
        raise ValueError("give the amount as an exact number or a string, not a floating-point value")
    if isinstance(value, str):
        value = _decimal(value)
    return _within_reach(value)


def _within_reach(value: Any) -> Any:
    """At most MAX_DIGITS digits, and finite: a longer figure is a typing accident (see reading.py)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return value
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError("expected a number")
    if too_long(number):
        raise ValueError(f"a figure of more than {MAX_DIGITS} digits\n"
                         "figures of the Regulation have a few digits: is a digit repeated?")
    return value


_DECIMAL = re.compile(r"[-+]?((0|[1-9]\d*)(\.\d*)?|\.\d+)([eE][-+]?\d+)?")     # no leading zero, as in YAML


def _decimal(text: str) -> Decimal:
    """A number written in a string, read only as a person reads it: Python would also take
    Arabic-Indic or full-width digits, `_` separators and `Infinity`; none of them is a figure here."""
    text = text.strip()
    foreign = next((c for c in text if c.isdigit() and not c.isascii()), None)
    if foreign is not None:
        raise ValueError(f"'{text[:40]}' has the digit '{foreign}' ({unicodedata.name(foreign, 'not 0-9')})\n"
                         "write figures with the digits 0-9")
    if re.fullmatch(r"[-+]?0\d+(\.\d*)?", text):
        raise ValueError(f"'{text[:40]}' has a leading zero\nwrite {text.lstrip('+-').lstrip('0') or '0'}: "
                         "a figure with a leading zero is octal to some readers")
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"'{text[:40]}' is not a number\nwrite digits only, with a dot before decimals, "
                         "e.g. 600000000 or 1234.50")
    return Decimal(text)


def _money(value: Any) -> Any:
    """EUR, exact to the cent: three decimals written are refused even when they are zeros, since
    `30.000` may be thirty thousand with a dot between the thousands."""
    value = _no_float(value)
    if isinstance(value, Decimal) and value.is_finite() and int(value.as_tuple().exponent) < -2:
        # 30.000, 1.500: thousands, as many countries write them
        thousands = int(value.as_tuple().exponent) == -3 and abs(value) < 1000
        raise ValueError(f"{value} has more than two decimals\n" + (
            f"if the dot separates thousands, write {value.scaleb(3):f}; amounts in EUR have at most two decimals"
            if thousands else "amounts in EUR have at most two decimals"))
    return value


def _to_fraction(value: Any) -> Fraction:
    """A number: '1/3', 0.25 or '25 %', each part within MAX_DIGITS digits."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("expected a share such as 1/3, 0.25 or 25 %")
    if isinstance(value, (int, Decimal)):
        share = Fraction(_within_reach(value))
    elif isinstance(value, Fraction):
        share = Fraction(_within_reach(value.numerator), _within_reach(value.denominator))
    elif isinstance(value, str):
        share = _share_text(value)
    else:
        raise ValueError("expected a share such as 1/3, 0.25 or 25 %")
    return share


def _to_share(value: Any) -> Fraction:
    """A share: a number from 0 to 1 (0 % to 100 %)."""
    share = _to_fraction(value)
    if not 0 <= share <= 1:
        raise ValueError(f"a share is from 0 % to 100 %, not {_percent_words(share)}\n"
                         "write a share such as 1/3, 0.25 or 25 %")
    return share


def _share_text(text: str) -> Fraction:
    text = text.strip()
    if text.endswith("%"):
        return Fraction(_within_reach(_decimal(text[:-1]))) / 100
    numerator, slash, denominator = text.partition("/")
    if not slash:
        return Fraction(_within_reach(_decimal(text)))
    top, bottom = (_within_reach(_decimal(part)) for part in (numerator, denominator))
    if not (isinstance(top, Decimal) and isinstance(bottom, Decimal) and top == top.to_integral_value()
            and bottom == bottom.to_integral_value()):
        raise ValueError("expected a share such as 1/3, 0.25 or 25 %")
    if bottom == 0:
        raise ValueError("a share of x/0 is not a number")
    return Fraction(int(top), int(bottom))


def _percent_words(share: Fraction) -> str:
    percent = share * 100
    if percent.denominator == 1:
        return f"{percent.numerator} %"
    return f"about {Decimal(percent.numerator) / Decimal(percent.denominator):.4g} %"


def _date(value: Any) -> date:
    """Written YYYY-MM-DD (a date in YAML, a string in JSON), from FIRST_YEAR to LAST_YEAR: pydantic
    alone would also take 0 (1 January 1970), a time stamp, or 9999-12-31, whose next day does not exist."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value.strip()}' is not a date in the calendar\nwrite dates as YYYY-MM-DD") from None
    if not isinstance(value, date) or isinstance(value, datetime):
        shown = f"'{value[:40]}'" if isinstance(value, str) else str(value)[:40]
        raise ValueError(f"{shown} is not a date\nwrite dates as YYYY-MM-DD, e.g. 2025-10-15")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{value.isoformat()} is not a year from {FIRST_YEAR} to {LAST_YEAR}\n"
                         "a date of the Regulation's procedures lies within these years")
    return value


Persons = Annotated[StrictInt, Field(ge=0, description="a whole number of persons"), BeforeValidator(_within_reach)]
Money = Annotated[Decimal, BeforeValidator(_money),
                  Field(ge=0, decimal_places=2, description="an amount in EUR, at most two decimals"),
                  # stated here rather than left to pydantic, whose rendering of Decimal varies by version
                  WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0},
                                            {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"}],
                                  "description": "an amount in EUR, at most two decimals; "
                                                 "a string keeps decimals exact"})]
Share = Annotated[Fraction, BeforeValidator(_to_share),
                  WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(%|/\s*\d+)?\s*$"},
                                            {"type": "integer", "minimum": 0, "maximum": 1}],
                                  "description": "a share from 0 to 1: '1/3', '0.25' or '25 %'"})]
Number = Annotated[Fraction, BeforeValidator(_to_fraction),
                   WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\s*-?\d+(\.\d+)?\s*(%|/\s*\d+)?\s*$"},
                                             {"type": "integer"}],
                                   "description": "a number: '1/3', '0.25' or '25 %'"})]
Year = Annotated[StrictInt, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Day = Annotated[date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class Models:
    """One pydantic model per declared document and record type, made when first needed (making
    them all takes a tenth of a command's start-up; checking one document needs a few)."""

    def __init__(self, structs: dict[str, ir.StructSpec], member_states: tuple[str, ...]):
        self.structs = structs
        self.member_states = member_states
        self._code = Literal[tuple(member_states)] if member_states else StrictStr
        self.models: dict[str, type[BaseModel]] = {}          # those made so far

    def model(self, name: str) -> type[BaseModel]:
        return self._model(name)

    def _model(self, name: str) -> type[BaseModel]:
        if name in self.models:
            return self.models[name]
        spec = self.structs[name]
        fields = {}
        for fname, fspec in spec.fields.items():
            annotation = self._annotation(fspec.type, fspec.decl.type) | None
            extra: dict[str, Any] = {}
            if fspec.decl.default is not None:
                extra["x-default-in-rules"] = self._default_text(fspec)
            fields[fname] = (annotation, Field(default=None, description=fspec.decl.description or None,
                                               json_schema_extra=extra or None))
        model = create_model(name, __base__=_Base, __doc__=spec.decl.description or name,
                             **fields)  # type: ignore[call-overload]  # the fields are made from the rules
        self.models[name] = model
        return model

    def _default_text(self, fspec: ir.FieldSpec) -> str:
        node = fspec.default
        return getattr(node, "text", "") or str(getattr(node, "value", ""))

    def _annotation(self, t: T.Type, declared: A.TypeExpr | None = None) -> Any:
        """The pydantic type of a field of type `t`, as the rules wrote it (`declared`: a `share` lies
        between 0 and 1, a `number` need not, though both are plain numbers to the type system)."""
        if isinstance(t, T.Quantity):
            if t.dim == T.PERSONS.dim:
                return Persons
            if t.dim == T.EUR.dim:
                return Money
            if not t.dim:
                return Share if isinstance(declared, A.SimpleType) and declared.name == "share" else Number
            return Annotated[Decimal, BeforeValidator(_no_float)]
        if t == T.DATE:
            return Day
        if t == T.YEAR:
            return Year
        if t == T.BOOL:
            return StrictBool
        if t == T.TEXT:
            return StrictStr
        if t == T.MEMBER_STATE:
            return self._code
        if isinstance(t, T.Table):
            value = declared.value if isinstance(declared, A.TableType) else None
            return dict[self._code, self._annotation(t.value, value) | None]  # type: ignore[misc,name-defined]
        if isinstance(t, T.List):
            item = declared.item if isinstance(declared, A.ListType) else None
            return list[self._annotation(t.item, item)]  # type: ignore[misc]  # a type made at run time
        if isinstance(t, T.Record):
            return self._model(t.name)
        return Any

    def schema(self, name: str) -> dict:
        model = self._model(name)
        schema = model.model_json_schema()
        if self.structs[name].is_document:
            props = {"document": {"const": name, "description": RESERVED["document"]},
                     "id": {"type": "string", "pattern": "^[^#\\r\\n\\t]{1,200}$", "description": RESERVED["id"]},
                     "data_years": {"type": "object", "additionalProperties": {"type": "integer"},
                                    "description": RESERVED["data_years"]},
                     "note": {"type": "string", "description": RESERVED["note"]},
                     "undisclosed": {"type": "array", "items": {"type": "string"},
                                     "description": RESERVED["undisclosed"]}}
            schema["properties"] = {**props, **schema.get("properties", {})}
            schema["required"] = ["document"]
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        return schema


# --------------------------------------------------------------- validation

class DocumentReader:
    """Reads and validates documents against the models of a checked program."""

    def __init__(self, structs: dict[str, ir.StructSpec], member_states: tuple[str, ...],
                 datasets: tuple[str, ...]):
        self.structs = structs
        self.models = Models(structs, member_states)
        self.datasets = datasets
        self.member_states = member_states

    def read(self, path: Path) -> list[Document]:
        raws = read_documents(path)
        name = shown_name(path)
        if not raws:
            raise Failed([Diagnostic("D010", "the file holds no document", Span(name, 1, 1, 1, 1),
                                     "start it with 'document: <type>'")])
        documents: list[Document] = []
        problems: list[Diagnostic] = []
        for index, raw in enumerate(raws):
            try:
                documents.append(self.from_data(raw.data, name, index, len(raws), raw.positions))
            except Failed as failure:
                problems.extend(failure.diagnostics)
        if problems:
            raise Failed(problems, {name: raws[0].text})
        return documents

    def from_data(self, data: Any, source: str = "<data>", index: int = 0, count: int = 1,
                  positions: dict[Path_, Span] | None = None) -> Document:
        positions = positions or {}
        where = lambda p: positions.get(p) or positions.get(()) or Span(source, 1, 1, 1, 1)   # noqa: E731
        if not isinstance(data, dict):
            raise Failed([Diagnostic("D011", "a document is a mapping of fields, starting with 'document: <type>'",
                                     where(()))])
        digest = content_sha256(data)
        data = dict(data)
        type_name = data.pop("document", None)
        documents = [n for n, s in self.structs.items() if s.is_document]
        if type_name not in documents:
            message = "the document does not say its type" if type_name is None \
                else f"unknown document type '{type_name}'"
            hint = (did_you_mean(str(type_name), documents) if type_name else "") or f"one of: {', '.join(documents)}"
            raise Failed([Diagnostic("D012", message, where(("document",)) if type_name else where(()), hint)])
        data_years = self._data_years(data.pop("data_years", None), where)
        declared_id = _declared_id(data.pop("id", ""), where)
        note = data.pop("note", "")
        undisclosed = data.pop("undisclosed", None) or []
        try:
            model = self.models.model(type_name).model_validate(data)
        except ValidationError as error:
            raise Failed([self._diagnostic(e, type_name, where) for e in error.errors()]) from None
        record = _record(model, self.structs[type_name], self.structs, "",
                         source if count == 1 else f"{source} (document {index + 1})")
        self._mark_undisclosed(record, undisclosed, where)
        return Document(type_name, source, index, count, record, data_years, str(note or ""), declared_id, digest)

    def _mark_undisclosed(self, record: RecordValue, paths: Any, where) -> None:
        """`undisclosed: [pledges, indicative_relocations.DE]`: top-level fields, or one entry of a table."""
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise Failed([Diagnostic("D014", "undisclosed lists field names", where(("undisclosed",)),
                                     "for example: undisclosed: [pledges]")])
        spec = self.structs[record.type]
        for i, path in enumerate(paths):
            name, _, key = path.partition(".")
            fspec = spec.fields.get(name)
            span = where(("undisclosed", i))
            if fspec is None:
                raise Failed([Diagnostic("D014", f"undisclosed: {record.type} has no field '{name}'", span,
                                         did_you_mean(name, spec.fields)
                                         or f"its fields are: {', '.join(spec.fields)}")])
            if not key:
                if name in record.fields:
                    raise Failed([Diagnostic("D015", f"'{name}' is both given and listed as undisclosed", span,
                                             "remove it from one of the two")])
                record.fields[name] = UNDISCLOSED
            elif isinstance(fspec.type, T.Table) and key in self.member_states:
                table = record.fields.setdefault(name, TableValue({}, name, record.origin))
                if not isinstance(table, TableValue) or key in table:
                    raise Failed([Diagnostic("D015", f"'{path}' is both given and listed as undisclosed", span, "")])
                table[key] = UNDISCLOSED
            elif not self._undisclose_in_item(record, fspec, path, span):
                raise Failed([Diagnostic("D014", f"undisclosed: cannot address '{path}'", span,
                                         "name a field, a table field and a member state code (pledges.DE), or a "
                                         "field of that entry (pledges.DE.relocations)")])

    def _undisclose_in_item(self, record: RecordValue, fspec: ir.FieldSpec, path: str, span: Span) -> bool:
        """`undisclosed: [pledges.NL.relocations]`: one field of one entry of a table of records (the
        entry is made if the document does not give it). False when the path does not name one."""
        name, key, inner = (path.split(".") + ["", ""])[:3] if path.count(".") == 2 else ("", "", "")
        item_type = fspec.type.value if isinstance(fspec.type, T.Table) else None
        item_spec = self.structs.get(item_type.name) if isinstance(item_type, T.Record) else None
        if item_spec is None or key not in self.member_states:
            return False
        if inner not in item_spec.fields:
            raise Failed([Diagnostic("D014", f"undisclosed: {item_spec.name} has no field '{inner}'", span,
                                     did_you_mean(inner, item_spec.fields)
                                     or f"its fields are: {', '.join(item_spec.fields)}")])
        table = record.fields.setdefault(name, TableValue({}, name, record.origin))
        if not isinstance(table, TableValue):
            raise Failed([Diagnostic("D015", f"'{name}' is listed as undisclosed, and so is '{path}'", span, "")])
        item = table.setdefault(key, RecordValue(item_spec.name, {}, f"{name}[{key}]", record.origin))
        if not isinstance(item, RecordValue) or inner in item.fields:
            raise Failed([Diagnostic("D015", f"'{path}' is both given and listed as undisclosed", span,
                                     "remove it from one of the two")])
        item.fields[inner] = UNDISCLOSED
        return True

    def _data_years(self, value, where) -> dict[str, int]:
        if value is None:
            return {}
        if not isinstance(value,
                          dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
            raise Failed([Diagnostic("D013", "data_years maps each dataset to a year",
                                     where(("data_years",)), "for example: data_years: {population: 2024, gdp: 2024}")])
        unknown = [k for k in value if k not in self.datasets]
        if unknown:
            raise Failed([Diagnostic("D013", f"unknown dataset '{unknown[0]}' in data_years",
                                     where(("data_years", unknown[0], "<key>")),
                                     did_you_mean(str(unknown[0]), self.datasets)
                                     or f"datasets: {', '.join(self.datasets)}")])
        return dict(value)

    def _diagnostic(self, error: Any, type_name: str, where) -> Diagnostic:
        loc = tuple(error["loc"])
        kind = error["type"]
        field_path = ".".join(str(p) for p in loc) or type_name
        if kind == "extra_forbidden":
            spec = self._struct_at(type_name, loc[:-1])
            names = spec.fields if spec else ()
            hint = did_you_mean(str(loc[-1]),
                                names) or (f"{spec.name} has the fields: {', '.join(names)}" if spec else "")
            return Diagnostic("D020", f"{field_path}: no such field in {spec.name if spec else type_name}",
                              where(loc + ("<key>",)), hint)
        if kind == "literal_error" and loc:
            bad = str(error.get("input"))
            hint = {"GR": "Greece is EL in Eurostat codes", "UK": "the United Kingdom is not a member state"}.get(bad) \
                or did_you_mean(bad, self.member_states) or "use a two-letter Eurostat country code"
            is_key = loc[-1] == "[key]"
            place = loc[:-1] + ("<key>",) if is_key else loc
            shown = ".".join(str(p) for p in (loc[:-1] if is_key else loc))
            return Diagnostic("D021", f"{shown}: '{bad}' is not a member state code", where(place), hint)
        figure = self._figure_as_people_write_it(error, type_name, loc)
        if figure is not None:
            return Diagnostic("D023", f"{field_path}: {figure}", where(_trim(loc)),
                              "a document gives a figure as digits alone, with a point before any decimals")
        # our own validators' words, as they are: the message, and after a newline the hint
        message, _, hint = error["msg"].removeprefix("Value error, ").partition("\n")
        hint = hint or _HINTS.get(kind, "")
        if kind == "int_type" and isinstance(error.get("input"), (str, Decimal)) \
                and re.fullmatch(r"\s*\d{1,3}([.,' \u00a0]\d{3})+\s*", str(error["input"])):
            hint = f"write the whole number without separators: {re.sub(r'[^0-9]', '', str(error['input']))}"
        if kind.startswith("decimal") and "decimal places" in message:
            hint = "amounts in EUR have at most two decimals"
        return Diagnostic("D022", f"{field_path}: {message}", where(_trim(loc)), hint)

    def _figure_as_people_write_it(self, error: Any, type_name: str, loc: tuple) -> str | None:
        """"EUR 40 million", "6,500,000", "1234,56" given for an amount or a number of persons: what
        was written, named, and the figure to write (amounts.py); never read as a figure."""
        written = error.get("input")
        if isinstance(written, bool) or not isinstance(written, (str, Decimal)):
            return None
        t = self._type_at(type_name, _trim(loc))
        unit = {T.EUR.dim: amounts.EUR, T.PERSONS.dim: amounts.PERSONS}.get(t.dim) \
            if isinstance(t, T.Quantity) else None
        return amounts.misread(str(written), unit) if unit else None

    def _struct_at(self, type_name: str, loc: tuple) -> ir.StructSpec | None:
        """The record type holding the place `loc` (the last one the path passes through)."""
        spec = self.structs.get(type_name)
        for end in range(len(loc) + 1):
            t = self._type_at(type_name, loc[:end])
            if t is None:
                return spec if end == len(loc) else None
            if isinstance(t, T.Record):
                spec = self.structs.get(t.name)
        return spec

    def _type_at(self, type_name: str, loc: tuple) -> T.Type | None:
        """The type of the value at `loc` in a document of type `type_name` (None: no such place)."""
        t: T.Type | None = T.Record(type_name, True)
        for part in loc:
            if isinstance(t, T.Record):
                spec = self.structs.get(t.name)
                f = spec.fields.get(str(part)) if spec else None
                t = f.type if f else None
            elif isinstance(t, (T.Table, T.List)):
                t = t.value if isinstance(t, T.Table) else t.item
            else:
                return None
        return t


def _declared_id(value: Any, where) -> str:
    """A document's `id:`: one line of text without '#', which separates it from the requirement in
    the ids of results ('<document>#<requirement>')."""
    if value == "":
        return ""
    if not isinstance(value, str) or not value.strip() or "#" in value or len(value) > 200 \
            or any(ch in value for ch in "\r\n\t"):
        raise Failed([Diagnostic("D040", "a document's id is one line of text, without '#', of at most 200 characters",
                                 where(("id",)), "e.g. id: \"COM(2025) 123\", or leave it out: the document is then "
                                                 "identified by the SHA-256 of its content")])
    return value.strip()


def _trim(loc: tuple) -> tuple:
    """pydantic appends validator names to some locations; keep the document path."""
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))


_HINTS = {
    "int_type": "give a whole number without quotes or decimals",
    "greater_than_equal": "figures in these documents are not negative",
    "date_from_datetime_parsing": "write dates as YYYY-MM-DD",
    "date_parsing": "write dates as YYYY-MM-DD",
    "date_type": "write dates as YYYY-MM-DD",
    "bool_type": "answer yes/no with true or false",
    "string_type": "put the text in quotes",
    "dict_type": "give a mapping keyed by member state code, e.g. DE: ...",
    "list_type": "give a list of items, each starting with '- '",
    "model_type": "give a mapping of fields",
}


def _record(model: BaseModel, spec: ir.StructSpec, structs, path: str, origin: str) -> RecordValue:
    fields: dict[str, Any] = {}
    for name, fspec in spec.fields.items():
        value = getattr(model, name)
        if _null_for_a_default(model, name, fspec):
            fields[name] = UNDISCLOSED
            continue
        if value is None:
            continue
        child = f"{path}.{name}" if path else name
        fields[name] = _value(value, fspec.type, structs, child, origin)
    return RecordValue(spec.name, fields, path, origin)


def _null_for_a_default(model: BaseModel, name: str, fspec: ir.FieldSpec) -> bool:
    """`relocations: null` where the rules give the field a default: the document says the value is
    there but not known, so it is not known (like an undisclosed field), never the default (issue 12).
    A field without a default given as null is simply not given."""
    return fspec.default is not None and name in model.model_fields_set and getattr(model, name) is None


def _value(value: Any, t: T.Type, structs, path: str, origin: str) -> Any:
    if isinstance(t, T.Quantity):
        return Fraction(value)
    if isinstance(t, T.Record):
        return _record(value, structs[t.name], structs, path, origin)
    if isinstance(t, T.Table):
        return TableValue({k: _value(v, t.value, structs, f"{path}[{k}]", origin)
                           for k, v in value.items() if v is not None}, path, origin)
    if isinstance(t, T.List):
        return ListValue(_value(v, t.item, structs, f"{path}[{i}]", origin) for i, v in enumerate(value))
    if t == T.DATE and isinstance(value, datetime):
        return value.date()
    return value


def discover(paths: list[Path]) -> list[Path]:
    """The document files named, with directories expanded to their YAML and JSON files, sorted;
    `-` (standard input) as it is. A file named twice (or by two paths) is read once."""
    out: list[Path] = []
    seen: set[str] = set()
    for p in paths:
        found = [p] if str(p) == STDIN or not p.is_dir() else \
            sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml", ".json") and q.is_file())
        for path in found:
            identity = STDIN if str(path) == STDIN else os.path.realpath(path)
            if identity not in seen:
                seen.add(identity)
                out.append(path)
    return out
