"""Remedies in words: what the engine found (`interpreter.remedy`) as plain data and sentences.

"relocations: 29 500 persons → 30 000 persons (500 persons more)", and, where no change of
the document's figures can help, a sentence that says so and why.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from ..language import typesys as T
from . import figures as V
from .remedy import Change, Field, Remedy

_LISTED = 3          # fields named in the one-line summary before "and N more"


def remedy_view(r: Remedy | None) -> dict[str, Any] | None:
    if r is None:
        return None
    figures = [c for c in r.changes if c.field.type != T.DATE]
    dates = [c for c in r.changes if c.field.type == T.DATE]
    return {
        "possible": r.possible,
        "summary": summary(r),
        "changes": [change_view(c) for c in figures],
        "dates": [change_view(c) for c in dates],
        "together": [change_view(c) for c in r.together],
        "to_state": [field_view(f) for f in r.to_state],
        "to_leave_out": [field_view(f) for f in r.to_leave_out],
        "facts": [field_view(f) for f in r.facts],
        "off_grid": [change_view(c) for c in r.off_grid],
    }


def change_view(c: Change) -> dict[str, Any]:
    f = c.field
    return {"document": f.document, "path": f.path, "label": f.label, "given": f.given,
            "before": V.json_value(c.before, f.type), "after": V.json_value(c.after, f.type),
            "before_shown": V.show(c.before, f.type), "after_shown": _exact_show(c.after, f.type),
            "by": _by_json(c), "text": change_text(c)}


def field_view(f: Field) -> dict[str, Any]:
    return {"document": f.document, "path": f.path, "label": f.label, "given": f.given,
            "value": V.json_value(f.value, f.type) if not _structured(f.value) else V.show(f.value, f.type),
            "text": f"{f.path} ({V.show(f.value, f.type)})" if not _structured(f.value) else f.path}


def change_text(c: Change) -> str:
    """"relocations: 29 500 persons → 30 000 persons (500 persons more)"."""
    f = c.field
    before = V.show(c.before, f.type)
    after = _exact_show(c.after, f.type)
    stated = before if f.given else f"not stated, counted as {before}"
    return f"{f.path}: {stated} → {after} ({_by_text(c)})"


def summary(r: Remedy) -> str:
    """One sentence (or two) for the reader: what would make the requirement compliant."""
    parts = []
    figures = [c for c in r.changes if c.field.type != T.DATE]
    dates = [c for c in r.changes if c.field.type == T.DATE]
    if len(figures) == 1:
        parts.append(f"Compliant with this change: {change_text(figures[0])}.")
    elif figures:
        parts.append("Compliant with any one of these changes: " + "; or ".join(change_text(c) for c in figures) + ".")
    if r.together:
        together = "; ".join(change_text(c) for c in r.together)
        parts.append(f"Compliant with all of these changes together: {together}.")
    if r.to_state:
        parts.append(f"State {_listed([f.path for f in r.to_state])} in the document: the requirement needs "
                     f"{'it' if len(r.to_state) == 1 else 'them'} given.")
    if r.to_leave_out:
        parts.append(f"Leave {_listed([f.path for f in r.to_leave_out])} out of the document.")
    if dates and not (figures or r.together or r.to_state):
        c = dates[0]
        parts.append(f"No change of the document's figures can help: the date decides. {c.field.path} would have "
                     f"to be {V.show(c.after, c.field.type)} ({_by_text(c)}) "
                     f"instead of {V.show(c.before, c.field.type)}.")
    elif dates:
        parts.extend(f"Or, for the date: {change_text(c)}." for c in dates)
    if r.facts and not r.possible:
        facts = [f"{f.path}, which is {V.show(f.value, f.type)} and would have to be {V.show(not f.value, f.type)}"
                 if isinstance(f.value, bool) else f"{f.path} ({V.show(f.value, f.type)})" for f in r.facts]
        parts.append(f"No change of the document's figures can help: it turns on {'; and '.join(facts)}.")
    for c in r.off_grid:
        unit = _unit_name(c.field.type)
        parts.append(f"Changing {c.field.path} alone cannot: it would have to be exactly "
                     f"{_exact_show(c.after, c.field.type)}, not a whole number of {unit}.")
    if not parts:
        parts.append("No change of one figure of this document was found that makes it compliant.")
    return " ".join(parts)


def _listed(items: list[str]) -> str:
    if len(items) <= _LISTED:
        return ", ".join(items)
    return f"{', '.join(items[:_LISTED])} and {len(items) - _LISTED} more"


def _by(c: Change) -> Fraction | int:
    if isinstance(c.after, date):
        return (c.after - c.before).days
    return Fraction(c.after) - Fraction(c.before)


def _by_text(c: Change) -> str:
    delta = _by(c)
    if isinstance(c.after, date):
        days = abs(delta)
        return f"{days} day{'s' if days != 1 else ''} {'earlier' if delta < 0 else 'later'}"
    t = c.field.type
    amount = _exact_show(abs(delta), t)
    fewer = "fewer" if isinstance(t, T.Quantity) and t.dim == T.PERSONS.dim else "less"
    return f"{amount} {'more' if delta > 0 else fewer}"


def _by_json(c: Change) -> dict[str, str]:
    """The change as an exact signed number with its unit, and in words ("EUR 0.01 more")."""
    delta = _by(c)
    if isinstance(c.after, date):
        return {"exact": str(delta), "unit": "days", "text": _by_text(c)}
    return {**V.json_value(delta, c.field.type), "text": _by_text(c)}


def _exact_show(value: Any, t: T.Type) -> str:
    """A remedy's value as the document would state it: never rounded (an off-grid value is
    shown with all its decimals, or as a fraction when it has no finite decimal form)."""
    text = V.show(value, t)
    if not text.startswith("≈"):
        return text
    exact = Fraction(value)
    places = _decimal_places(exact)
    if places is None:
        return f"{text} (exactly {V.exact_text(exact)})"
    return V.show(exact, t) if places <= 2 else text.replace("≈ ", "").replace(
        V.decimal_text(exact, 2), V.decimal_text(exact, places))


def _decimal_places(value: Fraction) -> int | None:
    for places in range(0, 13):
        if (value * 10 ** places).denominator == 1:
            return places
    return None


def _unit_name(t: T.Type) -> str:
    if isinstance(t, T.Quantity):
        return {T.PERSONS.dim: "persons", T.EUR.dim: "cents"}.get(t.dim, T.unit_words(t.dim) or "units")
    return "units"


def _structured(value: Any) -> bool:
    return isinstance(value, (tuple, dict)) or hasattr(value, "fields")
