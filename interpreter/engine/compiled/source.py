"""The module being generated: its lines, the rule span of each, and its constant pool."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...language import ir
from ...language.syntax import NOWHERE, Span


@dataclass
class Unit:
    """The module being generated: its lines, constant pool and line -> rule span map."""
    functions: list = field(default_factory=list)        # codegen.Function, in order
    pool: list[Any] = field(default_factory=list)
    _pooled: dict = field(default_factory=dict)

    def const(self, value: Any) -> str:
        """The name under which the generated code sees `value`. IR nodes are pooled one by one:
        equal nodes written in two places differ in their spans, which messages cite."""
        try:
            key = ("id", id(value)) if isinstance(value, ir.Node) else (type(value), value)
            hash(key)
        except TypeError:
            key = ("id", id(value))
        if key not in self._pooled:
            self._pooled[key] = len(self.pool)
            self.pool.append(value)
        return f"K{self._pooled[key]}"

    def add(self, function) -> None:
        self.functions.append(function)

    def source(self) -> tuple[str, list[Span]]:
        """The module's text, and the rule span of each of its lines."""
        lines: list[str] = []
        spans: list[Span] = []
        for function in self.functions:
            lines.extend(function.lines)
            spans.extend(function.spans)
            lines.append("")
            spans.append(NOWHERE)
        return "\n".join(lines) + "\n", spans


def integer(value: int) -> str:
    """An integer literal: the only values written into the source."""
    if type(value) is not int:
        raise TypeError(f"not an int: {value!r}")
    return repr(value)
