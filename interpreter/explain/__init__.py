"""Explanations: verdicts and traces rendered for people (text, Markdown, HTML) and programs (JSON).

Rendering is its own stage, after evaluation: `view()` turns a `Result` (and the remedies
`interpreter.remedy.find` derived from the rules) into plain data — the same data the JSON
format publishes, schema "ammr-check/1" (`schema_path()`) — and the Jinja2 templates in
`templates/` lay it out. Nothing here evaluates a rule.

    result = rules.evaluate(case)
    data = view(result, rules, traces=True, remedies=remedy.find(rules, result))
    html = render(data, "html")
"""

from __future__ import annotations

from pathlib import Path

from .render import FORMATS, _environment, render, render_check, render_explain, render_json, trace_lines
from .view import DEFAULT_DOCS, MARKS, SCHEMA, view

# `_environment` stays importable from here: interpreter/pool.py renders pool.txt.j2 through it.
__all__ = ["_environment", "DEFAULT_DOCS", "FORMATS", "MARKS", "SCHEMA", "render", "render_check", "render_explain",
           "render_json", "schema_path", "trace_lines", "view"]


def schema_path() -> Path:
    """The JSON Schema of the JSON output, shipped with the package."""
    return Path(__file__).with_name("ammr-check-1.schema.json")
