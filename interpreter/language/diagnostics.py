"""Positioned messages for people who edit rule files and submit documents.

Every error the tool reports about its input is a `Diagnostic`: a stable code,
a position, a sentence, and where possible a hint. Stages collect them and raise
`Failed` once, so that all errors of a file are reported together.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .syntax import Span

# What a terminal acts on rather than shows: C0 controls but tab and newline (ESC begins colour,
# clear-screen and OSC 8 hyperlink sequences; CR overwrites the line), DEL, C1 controls (CSI is
# U+009B), and the marks that reorder text right to left (a figure could read backwards).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text from a document, a rule file or a file name, safe to print: each control character
    written out as an escape (\\x1b, \\u202e), so that it is seen and does nothing."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                            else f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    hint: str = ""
    severity: str = "error"          # error | warning

    def render(self, source: str | None = None) -> str:
        """The message as a compiler prints it; what came from the input is made printable."""
        head = f"{self.span}: {self.severity}[{self.code}]: {self.message}"
        lines = [head]
        excerpt = source_excerpt(source, self.span) if source is not None else ""
        if excerpt:
            lines.append(excerpt)
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return printable("\n".join(lines))

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
        }


def source_excerpt(source: str, span: Span) -> str:
    """The offending line with a caret under the span, as compilers print it."""
    lines = source.split("\n")          # as the parser counts lines (splitlines also breaks at \f, \v, ...)
    if not (1 <= span.line <= len(lines)):
        return ""
    text = lines[span.line - 1].rstrip("\r").expandtabs(1)
    if len(text) > 200:                      # keep very long lines readable
        start = max(0, span.column - 80)
        text = text[start:start + 160]
        column = span.column - start
    else:
        column = span.column
    width = 1
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    width = max(1, min(width, len(text) - column + 2))
    gutter = f"{span.line:>5} | "
    return f"{gutter}{text}\n{' ' * (len(gutter) - 2)}| {' ' * (column - 1)}{'^' * width}"


class Failed(Exception):
    """Raised by a stage with every diagnostic it found."""

    def __init__(self, diagnostics: Iterable[Diagnostic], sources: dict[str, str] | None = None):
        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources or {})
        super().__init__("\n".join(d.message for d in self.diagnostics))

    def render(self) -> str:
        return "\n\n".join(d.render(self.sources.get(d.span.file)) for d in self.diagnostics)


@dataclass
class Collector:
    """Accumulates diagnostics across a stage."""
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, span: Span, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint))

    def warning(self, code: str, message: str, span: Span, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint, "warning"))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3) -> str:
    """A hint naming the closest candidates, or "" when none is close."""
    matches = difflib.get_close_matches(word, list(candidates), n=n, cutoff=0.6)
    if not matches:
        return ""
    quoted = " or ".join(f"'{m}'" for m in matches)
    return f"did you mean {quoted}?"
