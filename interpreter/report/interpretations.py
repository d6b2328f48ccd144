"""The interpretation register: every reading the rules rely on that the text does not state.

Used by `ammr interpretations` and by the documentation's register page, so that the legal team
reviews one list, wherever they read it."""

from __future__ import annotations

from ..language.law import CitationSyntaxError, UnresolvedCitation


def interpretation_register(program) -> list[dict]:
    """Every interpretation note of the rule files, in file order."""
    out = []
    for f in program.files:
        for d in f.declarations:
            for note in d.meta.interpretations:
                out.append({"rule": d.name, "kind": type(d).__name__.rstrip("_").lower(), "file": note.span.file,
                            "line": note.span.line, "citations": [_cited(program, c) for c in d.meta.citations],
                            "text": note.text})
    return out


def _cited(program, node) -> str:
    try:
        return program.law.resolve(node.text).citation.short()
    except (CitationSyntaxError, UnresolvedCitation):      # already reported by the checker
        return node.text
