"""One-line reasons with the figures, read off the trace of the deciding condition.

The reason names only what decided: for a failed "a and b" the part that failed,
for a comparison both sides with their values, and, where the figures allow, the
gap that would have to close ("1 person short", "27 days late").
"""

from __future__ import annotations

import math
import re
from datetime import date
from fractions import Fraction

from ..engine.outcomes import Missing, Outcome, Step
from ..language import typesys as T
from . import figures as V

_WORDS = {">=": "is at least", "<=": "is at most", ">": "is more than", "<": "is less than",
          "=": "equals", "!=": "does not equal"}
_MAX_ITEMS = 3


def reason(outcome: Outcome, authorities: dict[str, str] | None = None) -> str:
    v = outcome.verdict
    if v == "insufficient_information":
        return "missing: " + "; ".join(outcome.missing)
    if v == "needs_assessment":
        who = (authorities or {}).get(outcome.authority or "", outcome.authority or "")
        return f"for {who} to assess: \u201c{outcome.quote}\u201d"
    if outcome.decided_by and outcome.condition is None:
        x = next((x for x in outcome.exceptions if x.name == outcome.decided_by), None)
        title = x.title if x else outcome.decided_by
        word = "set aside" if v == "not_applicable" else "decided"
        return f"{word} by the exception \u201c{title}\u201d"
    if outcome.condition is None:
        return "nothing to check" if v == "not_applicable" else ""
    if v == "not_applicable":
        # a condition of application that does not hold is no shortfall: no gap is named
        return "does not apply: " + describe(outcome.condition, gaps=False)
    return describe(outcome.condition)


def describe(step: Step, gaps: bool = True) -> str:
    """A condition with its figures; `gaps`: name what a failed comparison falls short by."""
    kind = step.kind
    if kind == "compare":
        return _compare(step, gaps)
    if kind == "logic":
        return _logic(step, gaps)
    if kind == "not":
        inner = step.children[0] if step.children else None
        return f"not ({describe(inner, gaps)})" if inner else step.label
    if kind == "given":
        operand = step.label.rsplit(" is ", 1)[0]
        if isinstance(step.value, Missing):
            return f"{operand}: not known"
        given = step.value if " is not given" not in step.label else not step.value
        return f"{operand} is {'given' if given else 'not given'}"
    if kind == "aggregate":
        return _aggregate(step, gaps)
    if kind == "condition":
        return "; ".join(describe(c, gaps) for c in step.children)
    return f"{step.label} = {V.show(step.value, step.type)}"


def _side(step: Step, as_type: T.Type | None = None) -> str:
    shown = V.show(step.value, as_type or step.type)
    if _literal(step.label, shown):
        return shown
    return f"{step.label} ({shown})"


def _literal(label: str, shown: str) -> bool:
    squeeze = lambda s: s.replace(" ", "").lower()   # noqa: E731
    return squeeze(label) in squeeze(shown) or label[:1].isdigit() or label.startswith("EUR ")


def _compare(step: Step, gaps: bool = True) -> str:
    left, right = step.children[0], step.children[1]
    wording = step.detail if step.detail and step.detail[0].isalpha() else _WORDS.get(step.detail, step.detail)
    # a year compared with a plain number: the number is a year too ("2025", not "2 025")
    year = T.YEAR if T.YEAR in (left.type, right.type) else None
    text = f"{_side(left, year)} {wording} {_side(right, year)}"
    if isinstance(step.value, Missing):
        return text + ": not known"
    if step.value:
        return text + ": yes"
    gap = _gap(wording, left, right) if gaps else ""
    return text + ": no" + (f" \u2014 {gap}" if gap else "")


def _gap(wording: str, left: Step, right: Step) -> str:
    a, b = left.value, right.value
    if isinstance(a, date) and isinstance(b, date):
        days = (a - b).days
        if days > 0 and ("before" in wording or "at most" in wording or "less" in wording):
            return f"{days} day{'s' if days != 1 else ''} late"
        if days < 0 and ("after" in wording or "at least" in wording or "more" in wording):
            return f"{-days} day{'s' if days != -1 else ''} early"
        return ""
    if not (isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction))) or isinstance(a, bool):
        return ""
    t = left.type if isinstance(left.type, T.Quantity) else right.type
    if not isinstance(t, T.Quantity):
        return ""
    strict = "more" in wording or "less" in wording
    if "least" in wording or "more" in wording:
        return f"{V.show(_smallest_step(b - a, t, strict), t)} short"
    if "most" in wording or "less" in wording:
        return f"{V.show(_smallest_step(a - b, t, strict), t)} too much"
    if wording == "equals":
        return f"off by {V.show(abs(a - b), t)}"
    return ""


def _smallest_step(gap: Fraction | int, t: T.Quantity, strict: bool) -> Fraction:
    """A gap as the document would have to close it: whole persons, whole cents.

    A fair share of 1 562.22 persons is not met by 1 562 persons: one more person is
    needed, so a gap of 0.22 person reads "1 person short" and one of EUR 0.0013
    reads "EUR 0.01 short"."""
    dim = dict(t.dim)
    unit = {"persons": Fraction(1), "EUR": Fraction(1, 100)}.get(next(iter(dim), ""), None) \
        if len(dim) == 1 and next(iter(dim.values())) == 1 else None
    if unit is None:
        return Fraction(gap)
    steps = math.floor(gap / unit) + 1 if strict else math.ceil(gap / unit)
    return steps * unit


def _logic(step: Step, gaps: bool = True) -> str:
    decisive = False if step.detail == "and" else True
    parts = [c for c in step.children if c.value is decisive] if step.value is decisive else list(step.children)
    joiner = "; " if step.value is False else f" {step.detail} "
    return joiner.join(describe(c, gaps) for c in parts) or step.label


def _aggregate(step: Step, gaps: bool = True) -> str:
    items = [c for c in step.children if c.kind == "item"]
    if not items and isinstance(step.value, bool):
        return "nothing to check: no items"
    if step.value is False or step.value is True:
        chosen = [c for c in items if c.value is step.value]
        shown = "; ".join(f"{c.label}: {_item(c, gaps)}" for c in chosen[:_MAX_ITEMS])
        more = len(chosen) - _MAX_ITEMS
        head = "fails for" if step.value is False and step.label.startswith("all") else "holds for"
        return f"{head} {len(chosen)} of {len(items)} \u2014 {shown}" + (f"; and {more} more" if more > 0 else "")
    return f"{step.label} = {V.show(step.value, step.type)}"


def _item(step: Step, gaps: bool = True) -> str:
    inner = [c for c in step.children if c.kind in ("compare", "logic", "given", "not", "aggregate", "member")]
    text = describe(inner[-1], gaps) if inner else V.show(step.value, step.type)
    # the rule says "ms"; the reader wants to see which member state
    return re.sub(rf"\b{re.escape(step.detail)}\b", step.label, text) if step.detail else text
