"""Positions and diagnostics between the rules' terms and the Language Server Protocol's.

A span counts lines and columns from 1, in characters (code points), as the parser does; LSP counts
from 0, and columns in the units the client and server agreed on: UTF-16 code units unless the
client offers another encoding (pygls's position codec does the counting). A character outside
the Basic Multilingual Plane is one column in a span and two UTF-16 units in LSP.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import PositionCodec

from ...language import syntax as A
from ...language.diagnostics import Diagnostic


class Positions:
    """The positions of one text."""

    def __init__(self, text: str, codec: PositionCodec):
        self.lines = text.split("\n")          # as the parser counts lines
        self.codec = codec

    def position(self, line: int, column: int) -> types.Position:
        """A 1-based line and column of the text, as an LSP position."""
        if line < 1:
            return types.Position(line=0, character=0)
        if line > len(self.lines):
            return types.Position(line=len(self.lines) - 1, character=self.codec.client_num_units(self.lines[-1]))
        return self.codec.position_to_client_units(self.lines, types.Position(line=line - 1, character=column - 1))

    def range(self, span: A.Span) -> types.Range:
        start = self.position(span.line, span.column)
        end = self.position(span.end_line, span.end_column) if span.end_line else start
        return types.Range(start=start, end=end if (end.line, end.character) >= (start.line, start.character)
                           else start)

    def whole(self) -> types.Range:
        """The range of the whole text."""
        return types.Range(start=types.Position(line=0, character=0),
                           end=self.position(len(self.lines), len(self.lines[-1]) + 1))

    def at(self, position: types.Position) -> tuple[int, int]:
        """An LSP position as the 1-based line and column of the text."""
        server = self.codec.position_from_client_units(self.lines, position)
        return server.line + 1, server.character + 1


_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}


def diagnostic(d: Diagnostic, positions: Positions) -> types.Diagnostic:
    """The same code, message and hint as `ammr lint` prints, where it points."""
    return types.Diagnostic(range=positions.range(d.span), message=d.message + (f"\nhint: {d.hint}" if d.hint else ""),
                            severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Error), code=d.code,
                            source="ammr")
