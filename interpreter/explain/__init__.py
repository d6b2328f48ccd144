"""Explanations: verdicts and traces rendered for people (text) and for programs (JSON).

Rendering is its own stage: `view()` turns a `Result` into plain data — the
same data the JSON format publishes — and the Jinja2 templates in `templates/`
lay it out. Nothing here evaluates a rule.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from ..api import Result, RuleSet
from ..trace import Outcome, Step
from . import values as V
from .reason import reason

SCHEMA = "ammr-check/1"
MARKS = {"compliant": "✔", "non_compliant": "✘", "insufficient_information": "?",
         "needs_assessment": "⚖", "not_applicable": "–"}
COLOURS = {"compliant": "green", "non_compliant": "red", "insufficient_information": "yellow",
           "needs_assessment": "cyan", "not_applicable": "bright_black"}


# --------------------------------------------------------------------- view

def view(result: Result, rules: RuleSet, traces: bool = False) -> dict[str, Any]:
    program = rules.program
    act = program.act
    authorities = {name: a.description for name, a in program.authorities.items()}
    documents = [{"label": d.label, "type": d.type, "note": d.note} for d in result.case.documents]
    outcomes = [_outcome(o, authorities, program.law, traces) for o in result.outcomes]
    groups = []
    for d in documents:
        mine = [o for o in outcomes if o["document"] == d["label"]]
        if mine:
            groups.append({**d, "outcomes": mine})
    loose = [o for o in outcomes if o["document"] is None]
    if loose:
        groups.append({"label": "(no document)", "type": "", "note": "", "outcomes": loose})
    return {
        "schema": SCHEMA,
        "act": {"title": act.name if act else "", "eli": act.eli if act else "", "url": act.url if act else ""},
        "data_years": {name: {"year": year, "why": result.case.data_year_reasons.get(name, ""),
                              "dataset": rules.tables[name].dataset_label()}
                       for name, year in result.case.data_years.items()},
        "overall": result.overall,
        "exit_code": result.exit_code,
        "counts": result.counts(),
        "documents": documents,
        "groups": groups,
        "outcomes": outcomes,
    }


def _outcome(o: Outcome, authorities: dict[str, str], law, traces: bool) -> dict[str, Any]:
    out = {
        "id": o.requirement,
        "key": o.key,
        "title": o.title,
        "verdict": o.verdict,
        "document": o.document,
        "document_type": o.document_type,
        "instance": o.instance,
        "citations": [_citation(p, law) for p in o.citations if p is not None],
        "reason": reason(o, authorities),
        "missing": list(o.missing),
        "authority": {"id": o.authority, "name": authorities.get(o.authority, o.authority)} if o.authority else None,
        "quote": o.quote,
        "decided_by": o.decided_by,
        "interpretations": list(o.interpretations),
        "exceptions": [{"id": x.name, "title": x.title, "priority": x.priority,
                        "applied": x.applied, "outcome": x.outcome,
                        "citations": [p.citation.short() for p in x.citations if p is not None]}
                       for x in o.exceptions],
        "rule": {"file": o.span.file, "line": o.span.line},
    }
    if traces:
        out["trace"] = _step(o.condition) if o.condition is not None else None
    return out


def _citation(p, law) -> dict[str, Any]:
    return {"short": p.citation.short(), "full": p.citation.full(), "anchor": p.citation.anchor(),
            "text": p.text, "lead_in": p.lead_in, "url": law.EUR_LEX, "complete": p.complete}


def _step(step: Step) -> dict[str, Any]:
    return {
        "kind": step.kind, "label": step.label, "value": V.json_value(step.value, step.type),
        "shown": V.show(step.value, step.type), "exact": V.exact(step.value), "type": str(step.type),
        "detail": step.detail, "source": step.source,
        "rule": {"file": step.span.file, "line": step.span.line} if step.span.line else None,
        "citations": [p.citation.short() for p in step.citations if p is not None],
        "interpretations": list(step.interpretations),
        "children": [_step(c) for c in step.children],
    }


# ---------------------------------------------------------------- rendering

@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).with_name("templates"))),
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["wrap"] = _wrap
    return env


def _wrap(text: str, indent: int, width: int = 100) -> str:
    import textwrap
    return textwrap.fill(" ".join(str(text).split()), width=width, initial_indent="",
                         subsequent_indent=" " * indent, break_on_hyphens=False)


def _styler(colour: bool):
    import click

    def verdict(v: str, width: int = 0) -> str:
        text = f"{MARKS.get(v, ' ')} {v}".ljust(width)
        return click.style(text, fg=COLOURS.get(v), bold=v == "non_compliant") if colour else text
    return verdict


def render_check(data: dict[str, Any], colour: bool = False) -> str:
    return _environment().get_template("check.txt.j2").render(v=data, verdict=_styler(colour))


def render_explain(data: dict[str, Any], colour: bool = False) -> str:
    return _environment().get_template("explain.txt.j2").render(v=data, verdict=_styler(colour),
                                                                trace_lines=trace_lines)


def render_json(data: dict[str, Any]) -> str:
    clean = {k: v for k, v in data.items() if k != "groups"}
    return json.dumps(clean, indent=2, ensure_ascii=False) + "\n"


def trace_lines(step: dict[str, Any] | None, indent: int = 6) -> list[str]:
    """The trace tree as indented lines; a step shared by several branches is shown once."""
    lines: list[str] = []
    seen: set[str] = set()

    def visit(s: dict[str, Any], depth: int) -> None:
        pad = " " * (indent + 2 * depth)
        value = s["shown"] + (f" (exactly {s['exact']})" if s["exact"] else "")
        if s["kind"] in ("compare", "logic", "not", "given", "member", "condition"):
            lines.append(f"{pad}{s['label']} \u2192 {s['shown']}")
        elif s["kind"] == "operand":
            return
        elif s["kind"] == "item":
            lines.append(f"{pad}for {s['label']}: {value}")
        else:
            where = f"  [{s['source']}]" if s["source"] else ""
            cites = f"  ({', '.join(s['citations'])})" if s["citations"] else ""
            lines.append(f"{pad}{s['label']} = {value}{cites}{where}")
            key = f"{s['kind']}:{s['label']}"
            if key in seen and s["children"]:
                lines.append(f"{pad}  (computed as shown above)")
                return
            seen.add(key)
        for child in s["children"]:
            visit(child, depth + 1)

    if step is not None:
        visit(step, 0)
    return lines
