"""Documents submitted for checking: YAML or JSON -> validated, exact values.

The pydantic models are generated from the `document` and `record` declarations
of the rules, so the rules are the one source of truth for what a document
holds. Files are read with the YAML composer so that every value keeps its line
and column: a validation error points at the offending field in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
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
from ..language import typesys as T
from ..language.diagnostics import Diagnostic, Failed, did_you_mean
from ..language.syntax import Span
from . import amounts
from .digest import content_sha256

RESERVED = {
    "document": "the document type, e.g. CommissionProposal",
    "id": "the document's own identifier, e.g. 'COM(2025) 123' or a registry number: results name the document "
          "by it (without it, by the SHA-256 of its content), whatever the path of its file",
    "data_years": "the Eurostat reference year used per dataset, e.g. {population: 2024, gdp: 2024}",
    "note": "free text about the document, e.g. that its figures are illustrative",
    "undisclosed": "fields the act contains but whose content is not public, e.g. [pledges]: "
                   "checks that need them report insufficient information instead of absence",
}

Path_ = tuple  # a path into a document: ("pledges", "DE", "relocations")


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
    if isinstance(value, float):
        raise ValueError("give the amount as an exact number or a string, not a floating-point value")
    return _within_reach(value)


# A figure of the Regulation has a handful of digits; one of thousands, or written as
# 1e999999999, is a typing accident, and turned into an exact fraction would take forever.
MAX_DIGITS = 40


def _within_reach(value: Any) -> Any:
    if isinstance(value, (str, Decimal)) and not isinstance(value, bool):
        try:
            number = Decimal(value.strip().rstrip("%").strip()) if isinstance(value, str) else value
        except InvalidOperation:
            return value                     # not a number at all: the type check says so
        if not number.is_finite():
            raise ValueError("expected a number")
        if len(number.as_tuple().digits) > MAX_DIGITS or abs(number.adjusted()) > MAX_DIGITS:
            raise ValueError(f"a figure of more than {MAX_DIGITS} digits")
    return value


def _to_fraction(value: Any) -> Fraction:
    if isinstance(value, bool):
        raise ValueError("expected a share such as 1/3, 0.25 or 25 %")
    if isinstance(value, (int, Decimal, Fraction)):
        return Fraction(_within_reach(value))
    if isinstance(value, str):
        text = _within_reach(value).strip()
        try:
            if text.endswith("%"):
                return Fraction(Decimal(text[:-1].strip())) / 100
            return Fraction(text)
        except (ValueError, ZeroDivisionError, InvalidOperation):
            pass
    raise ValueError("expected a share such as 1/3, 0.25 or 25 %")


def _amount_as_written(value: Any) -> Any:
    """An amount that reads two ways is refused, not read one way: "6.500" may be EUR 6.50 or
    EUR 6 500 (the reader's message names both, amounts.py)."""
    if isinstance(value, (str, Decimal)) and not isinstance(value, bool):
        said = amounts.misread(str(value), amounts.EUR)
        if said is not None:
            raise ValueError(said)
    return value


Persons = Annotated[StrictInt, Field(ge=0, description="a whole number of persons")]
Money = Annotated[Decimal, BeforeValidator(_amount_as_written), BeforeValidator(_no_float),
                  Field(ge=0, decimal_places=2, description="an amount in EUR, at most two decimals"),
                  # stated here rather than left to pydantic, whose rendering of Decimal varies by version
                  WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0},
                                            {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"}],
                                  "description": "an amount in EUR, at most two decimals; "
                                                 "a string keeps decimals exact"})]
Share = Annotated[Fraction, BeforeValidator(_to_fraction),
                  WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(%|/\s*\d+)?\s*$"},
                                            {"type": "integer"}],
                                  "description": "a share: '1/3', '0.25' or '25 %'"})]
Year = Annotated[StrictInt, Field(ge=1900, le=2200)]


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
            annotation = self._annotation(fspec.type) | None
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

    def _annotation(self, t: T.Type) -> Any:
        if isinstance(t, T.Quantity):
            if t.dim == T.PERSONS.dim:
                return Persons
            if t.dim == T.EUR.dim:
                return Money
            return Share if not t.dim else Annotated[Decimal, BeforeValidator(_no_float)]
        if t == T.DATE:
            return date
        if t == T.YEAR:
            return Year
        if t == T.BOOL:
            return StrictBool
        if t == T.TEXT:
            return StrictStr
        if t == T.MEMBER_STATE:
            return self._code
        if isinstance(t, T.Table):
            return dict[self._code, self._annotation(t.value) | None]  # type: ignore[misc,name-defined]
        if isinstance(t, T.List):
            return list[self._annotation(t.item)]  # type: ignore[misc]  # a type made at run time
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


# ------------------------------------------------------------------ loading

@dataclass
class _Raw:
    data: Any
    positions: dict[Path_, Span]


def read_yaml(path: Path) -> list[_Raw]:
    """Every document in a YAML or JSON file, with the position of every key and value."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise Failed([Diagnostic("D001", f"cannot read the file: {error.strerror}",
                                 Span(str(path), 1, 1, 1, 1))]) from None
    except UnicodeDecodeError as error:
        raise Failed([Diagnostic("D002", "the file is not valid UTF-8 text", Span(str(path), 1, 1, 1, 1),
                                 f"byte {error.start} cannot be decoded; save the file as UTF-8")]) from None
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
        out = []
        for node in nodes:
            if node is None:
                continue
            positions: dict[Path_, Span] = {}
            problems: list[Diagnostic] = []
            data = _construct(node, (), positions, problems, str(path), _Budget())
            if problems:
                raise Failed(problems, {str(path): text})
            out.append(_Raw(data, positions))
        return out
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(error.problem or error.context or "not valid YAML").split())
        raise Failed([Diagnostic("D003", f"not valid YAML or JSON: {message}",
                                 Span(str(path), line, column, line, column + 1),
                                 "check indentation, colons and quotes around this point")],
                     {str(path): text}) from None
    except yaml.YAMLError as error:
        raise Failed([Diagnostic("D003", f"not valid YAML or JSON: {error}", Span(str(path), 1, 1, 1, 1))]) from None
    except RecursionError:
        raise Failed([Diagnostic("D004", "the document is nested too deeply", Span(str(path), 1, 1, 1, 1))]) from None


class _Loader(yaml.SafeLoader):
    pass


_constructor = yaml.SafeLoader("")   # used only for its scalar constructors


class _Budget:
    """Aliases let a small YAML file stand for an enormous document (a "billion laughs"), or
    for one that contains itself: count the values, and know the values being built."""
    MAX_VALUES = 100_000

    def __init__(self):
        self.values = 0
        self.building: set[int] = set()


def _construct(node, path: Path_, positions, problems, filename, budget: _Budget) -> Any:
    start, end = node.start_mark, node.end_mark
    positions[path] = Span(filename, start.line + 1, start.column + 1, end.line + 1, end.column + 1)
    budget.values += 1
    if budget.values > budget.MAX_VALUES:
        if budget.values == budget.MAX_VALUES + 1:
            problems.append(Diagnostic("D007", f"the document holds more than {budget.MAX_VALUES} values",
                                       _mark(node, filename), "an alias (*name) repeated inside repeated aliases "
                                                              "multiplies what it stands for: write the values out"))
        return None
    if id(node) in budget.building:
        problems.append(Diagnostic("D008", "this alias stands for a value that contains it", _mark(node, filename),
                                   "a value cannot hold itself: write the values out"))
        return None
    if isinstance(node, yaml.MappingNode):
        budget.building.add(id(node))
        out: dict = {}
        for key_node, value_node in node.value:
            try:
                key = _scalar(key_node)
            except ValueError:
                key = None
            if isinstance(key, (list, dict)) or key is None:
                problems.append(Diagnostic("D005", "a key must be a plain name", _mark(key_node, filename)))
                continue
            key = str(key) if not isinstance(key, (int, date)) else key
            if key in out:
                problems.append(Diagnostic("D006", f"the key '{key}' appears twice", _mark(key_node, filename),
                                           "a later value would silently replace the earlier one: keep one"))
                continue
            out[key] = _construct(value_node, path + (key,), positions, problems, filename, budget)
            positions[path + (key, "<key>")] = _mark(key_node, filename)
        budget.building.discard(id(node))
        return out
    if isinstance(node, yaml.SequenceNode):
        budget.building.add(id(node))
        items = [_construct(child, path + (i,), positions, problems, filename, budget)
                 for i, child in enumerate(node.value)]
        budget.building.discard(id(node))
        return items
    try:
        return _scalar(node)
    except ValueError:                   # e.g. an integer of thousands of digits, a 30 February
        problems.append(Diagnostic("D009", f"cannot read the value '{node.value[:40]}'", _mark(node, filename),
                                   "write numbers of a few digits, and dates as YYYY-MM-DD"))
        return None


def _mark(node, filename) -> Span:
    s, e = node.start_mark, node.end_mark
    return Span(filename, s.line + 1, s.column + 1, e.line + 1, e.column + 1)


def _scalar(node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return node.value
    if node.tag == "tag:yaml.org,2002:float":
        # never let a float near a legal figure: keep the digits as written
        try:
            return Decimal(node.value.replace("_", ""))
        except InvalidOperation:
            return node.value
    value = _constructor.construct_object(node, deep=True)
    if isinstance(value, datetime):
        return value
    return value


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
        raws = read_yaml(path)
        if not raws:
            raise Failed([Diagnostic("D010", "the file holds no document", Span(str(path), 1, 1, 1, 1),
                                     "start it with 'document: <type>'")])
        documents: list[Document] = []
        problems: list[Diagnostic] = []
        for index, raw in enumerate(raws):
            try:
                documents.append(self.from_data(raw.data, str(path), index, len(raws), raw.positions))
            except Failed as failure:
                problems.extend(failure.diagnostics)
        if problems:
            raise Failed(problems, {str(path): path.read_text(encoding="utf-8")})
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
        message = error["msg"]
        hint = _HINTS.get(kind, "")
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
    """The document files named, with directories expanded to their YAML and JSON files, sorted."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml", ".json") and q.is_file()))
        else:
            out.append(p)
    return out
