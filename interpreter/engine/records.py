"""A document's values at run time: its records, tables and lists, and the mark of an undisclosed
field. Kept apart from documents.py so that both ways of reading a document (fastread.py, and the
pydantic models of models.py) make them without importing each other."""

from __future__ import annotations

from typing import Any


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
