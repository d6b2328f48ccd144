"""Documents submitted for checking: YAML or JSON -> validated, exact values.

The pydantic models are generated from the `document` and `record` declarations
of the rules, so the rules are the one source of truth for what a document
holds. Files are read with the YAML composer so that every value keeps its line
and column: a validation error points at the offending field in the file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..language import ir
from ..language import typesys as T
from ..language.diagnostics import Diagnostic, Failed, did_you_mean
from ..language.syntax import Span
from . import amounts
from .digest import canonical_json, json_sha256
from .fastread import FastReader
from .reading import STDIN, Path_, read_documents, shown_name, surrogate_text, unencodable
from .records import UNDISCLOSED, ListValue, RecordValue, TableValue

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .models import Models

__all__ = ["UNDISCLOSED", "Document", "DocumentReader", "ListValue", "RecordValue", "TableValue", "discover"]

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


# --------------------------------------------------------------- validation

class DocumentReader:
    """Reads and validates documents against the models of a checked program."""

    def __init__(self, structs: dict[str, ir.StructSpec], member_states: tuple[str, ...],
                 datasets: tuple[str, ...]):
        self.structs = structs
        self._models: Models | None = None
        self.datasets = datasets
        self.member_states = member_states
        self.fast = FastReader(structs, member_states)
        self.document_types = [n for n, s in structs.items() if s.is_document]

    @property
    def models(self) -> Models:
        """The pydantic models, made when the slow path or a schema first needs them."""
        if self._models is None:
            from .models import Models  # pydantic: imported only then
            self._models = Models(self.structs, self.member_states)
        return self._models

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
        canonical = canonical_json(data)
        if surrogate_text(canonical):               # rare: then find which key or text holds it
            _refuse_unencodable(data, where)
        digest = json_sha256(canonical)
        data = dict(data)
        type_name = data.pop("document", None)
        documents = self.document_types
        if type_name not in documents:
            message = "the document does not say its type" if type_name is None \
                else f"unknown document type '{type_name}'"
            hint = (did_you_mean(str(type_name), documents) if type_name else "") or f"one of: {', '.join(documents)}"
            raise Failed([Diagnostic("D012", message, where(("document",)) if type_name else where(()), hint)])
        data_years = self._data_years(data.pop("data_years", None), where)
        declared_id = _declared_id(data.pop("id", ""), where)
        note = data.pop("note", "")
        undisclosed = data.pop("undisclosed", None) or []
        origin = source if count == 1 else f"{source} (document {index + 1})"
        record = self.fast.record(type_name, data, origin)       # None: the slow path decides, and says why
        if record is None:
            record = self.checked_record(type_name, data, origin, where)
        self._mark_undisclosed(record, undisclosed, where)
        return Document(type_name, source, index, count, record, data_years, str(note or ""), declared_id, digest)

    def checked_record(self, type_name: str, data: dict, origin: str, where) -> RecordValue:
        """The slow path: the pydantic model says what is wrong, and where."""
        from pydantic import ValidationError  # the slow path only: a well-formed document does without pydantic
        try:
            model = self.models.model(type_name).model_validate(data)
        except ValidationError as error:
            raise Failed([self._diagnostic(e, type_name, where) for e in error.errors()]) from None
        return _record(model, self.structs[type_name], self.structs, "", origin)

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


def _refuse_unencodable(data: dict, where) -> None:
    """A key or text holding a surrogate (a JSON or YAML escape "\\ud800" makes one) is refused
    here, before anything writes it as UTF-8 (the digest, pydantic, a report), which would fail."""
    path = unencodable(data)
    if path is None:
        return
    key = path[-1] == "<key>"
    # the name shown with its surrogate written as the escape, which the terminal can show
    field = ".".join(str(p) for p in (path[:-1] if key else path)).encode("utf-8", "backslashreplace").decode()
    raise Failed([Diagnostic("D019", f"{'the key' if key else 'the text of'} '{field}' holds a lone surrogate "
                                     "code point, which is no character",
                             where(path), "a \\u escape between U+D800 and U+DFFF stands for half a character: "
                                          "write the character itself, or both halves of the pair")])


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
