"""The interpretation register: every reading the rules rely on that the text does not state.

Two parts, used by `ammr interpretations` and by the documentation's register page, so that the
legal team reviews one list wherever they read it: the readings (`reading` declarations: each
question the text leaves open, the reading the rules follow and the others, switchable or not),
and every interpretation note, each with the readings it names."""

from __future__ import annotations

import re
from typing import Any

from ..language import ir
from ..language.law import CitationSyntaxError, UnresolvedCitation

# how a note names a reading: "(reading fair_share_rounding)", "ALTERNATIVE READING annex_i_n=..."
READING_NAMED = re.compile(r"\b(?i:reading) ([a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9])")


def interpretation_register(program) -> list[dict]:
    """Every interpretation note of the rule files, in file order, with the readings it names."""
    out = []
    for f in program.files:
        for d in f.declarations:
            for note in d.meta.interpretations:
                out.append({"rule": d.name, "kind": type(d).__name__.rstrip("_").lower(), "file": note.span.file,
                            "line": note.span.line, "citations": [_cited(program, c) for c in d.meta.citations],
                            "text": note.text, "readings": readings_named(program, note.text)})
    return out


def readings_named(program, text: str) -> list[str]:
    """The readings of the rules a note names, each once, in the order named."""
    return list(dict.fromkeys(n for n in READING_NAMED.findall(text) if n in program.readings))


def reading_register(program) -> list[dict[str, Any]]:
    """Every reading, in file order: its question, citations, default and alternatives (with the
    definitions each puts in place, or why it is not encoded), the rules whose notes name it and
    the requirements whose verdicts an alternative can change."""
    named: dict[str, list[str]] = {}
    for n in interpretation_register(program):
        for name in n["readings"]:
            if n["rule"] not in named.setdefault(name, []):
                named[name].append(n["rule"])
    reach = _reach(program)
    out = []
    for name, r in program.readings.items():
        replaced = {y for a in r.alternatives for _, y in (*a.uses, *((x, y) for *_, x, y in a.combined))}
        out.append({
            "name": name, "question": r.question, "file": r.decl.span.file, "line": r.decl.span.line,
            "citations": [p.citation.short() for p in r.citations if p is not None],
            "switchable": r.switchable,
            "default": {"name": r.default, "description": r.default_description},
            "alternatives": [_alternative(a) for a in r.alternatives],
            "notes": named.get(name, []),
            "requirements": [q.name for q in program.requirements if reach[q.name] & replaced],
        })
    return out


def _alternative(a: ir.AlternativeSpec) -> dict[str, Any]:
    return {"name": a.name, "description": a.description, "encoded": a.encoded, "not_encoded": a.not_encoded,
            "uses": [{"substitute": x, "replaced": y} for x, y in a.uses],
            "combined": [{"reading": r, "value": v, "substitute": x, "replaced": y} for r, v, x, y in a.combined],
            "excluded": [{"reading": r, "value": v, "why": why} for r, v, why in a.excluded]}


def _reach(program) -> dict[str, set[str]]:
    """For each requirement, every definition, constant and parameter its verdicts may use."""
    memo: dict[str, set[str]] = {}

    def of(name: str) -> set[str]:
        if name not in memo:
            memo[name] = {name}
            for ref in ir.references(program.values[name].body):
                memo[name] |= of(ref) if ref in program.values else {ref}
        return memo[name]

    out = {}
    for r in program.requirements:
        nodes = [n for n in (r.when, *r.unless, r.requires, r.for_each[1] if r.for_each else None) if n is not None]
        nodes += [n for x in r.exceptions for n in (x.when, x.outcome.condition) if n is not None]
        out[r.name] = {name for node in nodes for ref in ir.references(node) for name in of(ref)}
    return out


def _cited(program, node) -> str:
    try:
        return program.law.resolve(node.text).citation.short()
    except (CitationSyntaxError, UnresolvedCitation):      # already reported by the checker
        return node.text
