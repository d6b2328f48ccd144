# TEMPORARY SHIM: replaced by the public API of issue 11 at merge
"""The public API, as the pledge portal (interpreter/portal/) uses it:

    rules = RuleSet.prepare()
    doc = rules.document(data, source)          # raises Failed
    result = rules.evaluate(rules.case([doc]))
    data = explain(rules, result)                # the ammr-check/1 document
    text = render(data, "json")                  # what `ammr check --format json` prints

Names are resolved on first use, so `import interpreter` stays cheap and closes no import circle
with the modules below (which import each other through the package).
"""

from __future__ import annotations

from typing import Any

__all__ = ["RuleSet", "Result", "Failed", "Diagnostic", "explain", "render", "VERDICTS", "EXIT_CODES"]


def explain(rules, result, traces: bool = False, docs_url: str | None = None, pool: bool = True) -> dict[str, Any]:
    """The ammr-check/1 document as plain data, built as `ammr check` builds it: the view with the
    remedies, and the pool report under "pool" when the documents hold a proposal or a Council act."""
    from . import remedy
    from .explain import DEFAULT_DOCS, view
    from .pool import pool_report
    data = view(result, rules, traces=traces, remedies=remedy.find(rules, result), docs_url=docs_url or DEFAULT_DOCS)
    report = pool_report(rules, result) if pool else None
    return {**data, "pool": report} if report else data


def render(data: dict[str, Any], fmt: str) -> str:
    """"json" (byte for byte `ammr check --format json`), "html", "md" or "text"."""
    from .explain import render as render_format
    return render_format(data, fmt)


def __getattr__(name: str) -> Any:
    if name in ("RuleSet", "Result", "EXIT_CODES"):
        from . import api
        return getattr(api, name)
    if name in ("Failed", "Diagnostic"):
        from . import diagnostics
        return getattr(diagnostics, name)
    if name == "VERDICTS":
        from .trace import VERDICTS
        return VERDICTS
    raise AttributeError(f"module 'interpreter' has no attribute '{name}'")
