"""Remedies: the smallest change to a document's own figures that would make a failed requirement hold.

Nothing here is written per rule. For a `non_compliant` verdict the trace names the
inputs of the subject document that fed the failing condition (steps of kind
`input`, or `default` where the document left a field out); each is changed in turn
and the requirement evaluated again by the engine:

- The rules are piecewise linear in their inputs, so two evaluations give the slope
  of every failing comparison and the value where it would turn (its root).
- The root is rounded to the input's own unit — whole persons, cents, days — and
  the grid points around it are evaluated; the one nearest the document's value
  that makes the requirement compliant is the remedy, and one unit less must not
  do (if it does, the rules were not linear there and the boundary is found by
  bisection instead).

A change is reported only when evaluation says the requirement would then be
compliant. What no change of figures can fix is said as such: a yes/no fact, a
field that must be stated, an equality no whole number meets, or a date (reported
as the date that would have been in time).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from typing import Any

from ..engine.documents import Document, ListValue, RecordValue, TableValue
from ..engine.evaluate import Case, Evaluator, documents_by_type
from ..engine.outcomes import Missing, Outcome, Step
from ..engine.reading import FIRST_YEAR, LAST_YEAR
from ..language import typesys as T

# The grid a document's figures live on: whole persons, whole cents, whole days.
# Other quantities (shares and the like) are taken to four decimals of their unit.
DECLARATIONS = {T.PERSONS.dim: Fraction(1), T.EUR.dim: Fraction(1, 100)}
_OTHER_UNIT = Fraction(1, 10000)
_ROUNDS = 4            # re-linearise at most this often (a failing `and` may reveal its next part)


@dataclass(frozen=True)
class Field:
    """One field of a document, as its submitter writes it."""
    document: str                    # the document's label
    path: str                        # e.g. "pledge.relocations", "pledges[DE].financial_contributions"
    label: str                       # how the rules name it, e.g. "p.relocations"
    type: T.Type
    value: Any                       # the value the check used (the rules' default when not given)
    given: bool = True               # False: the document leaves it out and a default applied


@dataclass(frozen=True)
class Change:
    field: Field
    after: Any                       # the value that would make the requirement hold (exact)

    @property
    def before(self) -> Any:
        return self.field.value


@dataclass(frozen=True)
class Remedy:
    """What would make one non-compliant requirement compliant.

    `changes`: each one alone would do (verified by evaluation). `together`: changes
    that do only when all are made (several parts failing, each with its own input).
    `to_state`: fields the requirement needs stated. `facts`: what no change of
    figures can alter (yes/no facts, membership). `off_grid`: fields that would
    need a value off their unit (e.g. 30 000.00005 persons) to meet an equality.
    """
    changes: tuple[Change, ...] = ()
    together: tuple[Change, ...] = ()
    to_state: tuple[Field, ...] = ()
    to_leave_out: tuple[Field, ...] = ()
    facts: tuple[Field, ...] = ()
    off_grid: tuple[Change, ...] = ()

    @property
    def possible(self) -> bool:
        """Whether changing or stating the document's own figures would make the requirement hold."""
        figures = [c for c in self.changes + self.together if c.field.type != T.DATE]
        return bool(figures or self.to_state or self.to_leave_out)


def find(rules, result) -> dict[tuple[str | None, str], Remedy]:
    """A remedy for every non-compliant outcome of `result`, keyed by (document label, outcome key)."""
    out = {}
    probe = Probe(rules, result.case)
    for o in result.outcomes:
        if o.verdict == "non_compliant":
            out[(o.document, o.key)] = remedy(rules, result.case, o, probe)
    return out


def remedy(rules, case: Case, outcome: Outcome, probe: Probe | None = None) -> Remedy:
    """The remedy of one non-compliant outcome. `probe`: the case's evaluations so far, to reuse
    (`find` shares one among every outcome of a result)."""
    probe = probe or Probe(rules, case)
    document = probe.labels.get(outcome.document) if outcome.document is not None else None
    if document is None or outcome.condition is None:
        return Remedy()
    search = _Search(probe, outcome, document, outcome.condition)
    leaves = list(_failing_leaves(outcome.condition))
    steps = [s for _, s in leaves]
    to_state = _unique(f for s in steps if s.kind == "given" and (f := search.missing_field(s, negated=False)))
    to_leave_out = _unique(f for s in steps if s.kind == "given" and (f := search.missing_field(s, negated=True)))
    facts = _unique(f for s in steps for f in search.facts(s))
    changes, off_grid = [], []
    for field_ in search.inputs(leaves):
        found = search.solve(field_, search.verdict_holds)
        if isinstance(found, _OffGrid):
            off_grid.append(found)
        elif found is not None:
            changes.append(found)
    together = () if changes else search.together()
    return Remedy(tuple(changes), together, to_state, to_leave_out, facts, tuple(off_grid))


class Probe:
    """Evaluates one requirement for one document and item of a case, with that document's record
    changed. A probe costs the item alone, whatever the size of the case: the other documents are
    found by type once, and the values of definitions are kept across probes (a definition depends
    on its arguments only, and a changed record is a new object, so nothing kept goes stale)."""

    def __init__(self, rules, case: Case):
        self.rules = rules
        self.case = case
        self.by_type = documents_by_type(case.documents)
        self.labels: dict[str, Document] = {}
        for d in case.documents:
            self.labels.setdefault(d.label, d)
        self.memo: dict = {}
        self.variant = rules._variant(case)          # the program of the case's readings, and its caches
        self.requirements = {r.name: r for r in self.variant.program.requirements}
        self.kinds = Kinds()
        self._evaluators: dict[bool, Evaluator] = {}        # traced or not, over the case's own documents

    def outcome(self, requirement: str, document: Document, record: RecordValue, instance: str | None,
                trace: bool) -> Outcome | None:
        spec = self.requirements[requirement]
        changed = replace(document, record=record)
        if any(t.name == document.type for _, t in spec.using):      # the changed document may be used too
            by_type = {**self.by_type,
                       document.type: [changed if d is document else d for d in self.by_type[document.type]]}
            return self._evaluator(trace, by_type).instance(spec, changed, instance)
        if trace not in self._evaluators:
            self._evaluators[trace] = self._evaluator(trace, self.by_type)
        return self._evaluators[trace].instance(spec, changed, instance)

    def _evaluator(self, trace: bool, by_type: dict[str, list[Document]]) -> Evaluator:
        return Evaluator(self.variant.program, self.rules.tables, self.case, trace, self.variant.shared,
                         memo=self.memo, by_type=by_type)


# ------------------------------------------------------------------ the search

class _Search:
    """Evaluates one requirement again with fields of its subject document changed."""

    def __init__(self, probe: Probe, outcome: Outcome, document: Document, condition: Step):
        self.probe = probe
        self.outcome = outcome
        self.document = document            # the subject document of the outcome
        self.condition = condition          # the outcome's failed condition
        self._seen: dict = {}

    # -- what the trace says
    def inputs(self, leaves: list[tuple[tuple, Step]]) -> list[Field]:
        """The numeric and date fields of the subject document that fed the failed parts, in trace order.

        For one item of a `for each` (or of an `all(...)`), only that item's own fields: a field every
        item shares (a reference number, a total) is the yardstick the items are measured by, and
        changing it would move every item at once."""
        found: dict[str, Field] = {}
        for items, leaf in leaves:
            scope = [k for k in (self.outcome.instance, *items) if k]
            for step in _walk(leaf, self.probe.kinds, _INPUTS):
                if step.kind not in ("input", "default") or isinstance(step.value, Missing) or not _changeable(step):
                    continue
                f = self.field(step)
                if f is not None and f.path not in found and all(_within(f.path, k) for k in scope):
                    found[f.path] = f
        return list(found.values())

    def field(self, step: Step) -> Field | None:
        """The document field an input or default step read, if it is the subject document's."""
        where = own_path(step.source, self.document.label)
        if where is None:
            return None
        return Field(self.document.label, where, step.label, step.type, step.value, given=step.kind == "input")

    def missing_field(self, step: Step, negated: bool) -> Field | None:
        """For a failed `x is given` (or `x is not given`), the field to state (or to leave out)."""
        if (" is not given" in step.label) != negated:
            return None
        for inner in _walk(step, self.probe.kinds, _INPUTS):
            if inner.kind in ("input", "default") and (f := self.field(inner)) is not None:
                return f
        return None

    def facts(self, step: Step) -> Iterator[Field]:
        """What decides a failed part but is no figure: a yes/no the document states that is itself
        the condition, or whether a code is in a list."""
        if step.kind in ("input", "default") and step.type == T.BOOL:
            f = self.field(step)
            if f is not None:
                yield f
        elif step.kind == "member" and isinstance(step.value, bool):
            # the list and the code are not in the trace as fields: the test itself is the fact
            yield Field(self.document.label, step.label, step.label, T.BOOL, step.value)

    # -- evaluating again
    def evaluate(self, changes: tuple[tuple[Field, Any], ...], trace: bool = True) -> Outcome | None:
        key = (trace, tuple((f.path, v) for f, v in changes))
        if key not in self._seen:
            record = self.document.record
            try:
                for f, value in changes:
                    record = _set(record, _parse_path(f.path), value)
            except LookupError:                 # a path the document's structure does not have
                self._seen[key] = None
                return None
            self._seen[key] = self.probe.outcome(self.outcome.requirement, self.document, record,
                                                 self.outcome.instance, trace)
        return self._seen[key]

    def verdict_holds(self, changes) -> bool:
        o = self.evaluate(changes, trace=False)
        return o is not None and o.verdict == "compliant"

    def leaf_turns(self, key: tuple, was: bool) -> Callable:
        """Whether, after the changes, the comparison `key` no longer has the value it failed with."""
        def turns(changes) -> bool:
            o = self.evaluate(changes)
            if o is None or o.condition is None:
                return False
            step = _compares(o.condition, self.probe.kinds).get(key)
            return step is not None and isinstance(step.value, bool) and step.value is not was
        return turns

    # -- solving for one field
    def solve(self, f: Field, holds: Callable, only: tuple | None = None) -> Change | None:
        """The value of `f` nearest its own that makes `holds` true; when only a value off the field's
        unit would (an equality), that value as an `_OffGrid`; None when no value of `f` does.
        `only` restricts the comparisons solved for to one."""
        unit = _unit(f.type)
        x0 = _number(f.value)
        at = lambda x: ((f, _value(x, f)),)       # noqa: E731
        x, tried = x0, set[Any]()
        for _ in range(_ROUNDS):
            here, there = self.evaluate(at(x)), self.evaluate(at(x + unit))
            if here is None or there is None or here.condition is None or there.condition is None:
                return None
            m0, m1 = _compares(here.condition, self.probe.kinds), _compares(there.condition, self.probe.kinds)
            roots = []
            for k in _failing_compare_keys(here.condition, self.probe.kinds):
                d0, d1 = _margin(m0[k]), _margin(m1.get(k))
                if (only is None or k == only) and d0 is not None and d1 is not None and d1 != d0:
                    roots.append(x - d0 * unit / (d1 - d0))
            if not roots:
                return None
            candidates = sorted({g for r in roots for g in _grid(r, unit)} - {x0} - tried,
                                key=lambda g: (abs(g - x0), g))
            for g in (g for g in candidates if _allowed(g, f)):
                tried.add(g)
                if holds(at(g)):
                    return Change(f, _value(self._nearest(x0, g, unit, holds, at), f))
            if len(roots) == 1 and (roots[0] / unit).denominator != 1 and _allowed(roots[0], f) and holds(at(roots[0])):
                return _OffGrid(f, _value(roots[0], f))
            # nothing on the grid yet: step past the farthest root (a failing `and` shows its next part)
            far = max(roots, key=lambda r: abs(r - x0))
            ahead = (math.floor(far / unit) + (1 if far > x0 else 0)) * unit
            if ahead == far:
                ahead += unit if far > x0 else -unit
            if ahead == x or not _allowed(ahead, f):
                return None
            x = ahead
        return None

    def _nearest(self, x0, g, unit, holds, at) -> Fraction:
        """`g` works; make sure one unit nearer the document's value does not (else bisect on the grid,
        the rules being monotone there if not linear)."""
        closer = g - unit if g > x0 else g + unit
        if closer == x0 or not holds(at(closer)):
            return g
        fails, works = x0, closer
        while abs(works - fails) > unit:
            mid = fails + math.floor((works - fails) / unit / 2) * unit
            if holds(at(mid)):
                works = mid
            else:
                fails = mid
        return works

    def together(self) -> tuple[Change, ...]:
        """Several comparisons fail and no one field fixes them all: fix each by a field of its own,
        and keep the set only if, made all at once, they make the requirement hold."""
        compares = _compares(self.condition, self.probe.kinds)
        keys = _failing_compare_keys(self.condition, self.probe.kinds)
        if len(keys) < 2:
            return ()
        chosen: list[Change] = []
        for k in keys:
            fixed = None
            for f in self.inputs([(k[0], compares[k])]):
                if any(c.field.path == f.path for c in chosen):
                    continue
                found = self.solve(f, self.leaf_turns(k, compares[k].value), only=k)
                if found is not None and not isinstance(found, _OffGrid):
                    fixed = found
                    break
            if fixed is None:
                return ()
            chosen.append(fixed)
        return tuple(chosen) if self.verdict_holds(tuple((c.field, c.after) for c in chosen)) else ()


class _OffGrid(Change):
    """A value off the field's unit: what an equality would need, which no document can state."""


# ------------------------------------------------------------------ the trace

_INPUTS = frozenset({"input", "default"})


class Kinds:
    """The kinds of step in each part of a trace, found once per step: what a remedy looks for
    (inputs, comparisons) is a small part of a trace, beside e.g. the reference key under every fair
    share, which holds a figure per Member State and is the same step in every trace of a case."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[Step, frozenset[str]]] = {}    # id -> (the step, kept alive; kinds)

    def __call__(self, step: Step) -> frozenset[str]:
        hit = self._seen.get(id(step))
        if hit is None:
            hit = self._seen[id(step)] = (step, frozenset({step.kind}).union(*map(self, step.children)))
        return hit[1]


def _walk(step: Step | None, kinds: Kinds, wanted: frozenset[str]) -> Iterator[Step]:
    """The steps of a trace, leaving out the parts that hold no step of the `wanted` kinds."""
    if step is None:
        return
    yield step
    for child in step.children:
        if kinds(child) & wanted:
            yield from _walk(child, kinds, wanted)


def _failing_leaves(step: Step, want: bool = True, items: tuple = ()) -> Iterator[tuple[tuple, Step]]:
    """The parts that decided a failed condition, with the items they sit in: for a failed `a and b`
    the failed parts, for a failed `a or b` every part; through `not`, aggregates and yes/no definitions."""
    kind = step.kind
    if kind in ("compare", "given", "member") or (kind in ("input", "default", "data") and step.type == T.BOOL):
        yield items, step
        return
    if kind == "not":
        for child in step.children:
            yield from _failing_leaves(child, not want, items)
        return
    inner = items + (step.label,) if kind == "item" else items
    every = kind == "logic" and step.detail == "and" or kind == "aggregate" and step.label.startswith("all")
    some = kind == "logic" and step.detail == "or" or kind == "aggregate" and step.label.startswith("any")
    parts = [c for c in step.children if c.kind != "operand" and isinstance(c.value, (bool, Missing))]
    if (every and want) or (some and not want):
        parts = [c for c in parts if c.value is not want]
    for child in parts:
        yield from _failing_leaves(child, want, inner)


def _compares(step: Step, kinds: Kinds) -> dict[tuple, Step]:
    """Every comparison in a trace, keyed so that the same comparison is found again after a change:
    (the items it sits in, the definitions it sits in, where it is written in the rules)."""
    out: dict[tuple, Step] = {}

    def visit(s: Step, items: tuple, definitions: tuple) -> None:
        if s.kind == "compare":
            out.setdefault((items, definitions, _where(s)), s)
        if s.kind == "item":
            items += (s.label,)
        elif s.kind == "definition":
            definitions += (_where(s),)
        for c in s.children:
            if c.kind != "operand" and "compare" in kinds(c):
                visit(c, items, definitions)

    visit(step, (), ())
    return out


def _failing_compare_keys(step: Step, kinds: Kinds) -> list[tuple]:
    failing = {id(s) for _, s in _failing_leaves(step) if s.kind == "compare"}
    return [k for k, s in _compares(step, kinds).items() if id(s) in failing]


def _where(step: Step) -> tuple:
    return (step.span.file, step.span.start, step.span.end)


def _margin(step: Step | None) -> Fraction | None:
    """How far a comparison's left side is above its right side, in the sides' unit (days for dates)."""
    if step is None or len(step.children) < 2:
        return None
    a, b = step.children[0].value, step.children[1].value
    if isinstance(a, date) and isinstance(b, date):
        return Fraction((a - b).days)
    if isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction)) and not isinstance(a, bool) \
            and not isinstance(b, bool):
        return Fraction(a) - Fraction(b)
    return None


def _changeable(step: Step) -> bool:
    """Figures a document may change: quantities and dates (not years, which name the cycle)."""
    return isinstance(step.type, T.Quantity) or step.type == T.DATE


def _within(path: str, key: str) -> bool:
    """Whether a field belongs to an item: "pledges[MT].relocations" to MT, and
    "pledge.alternative_measures[0].financial_value" to "pledge.alternative_measures[0]"."""
    if re.fullmatch(r"\w+", key):
        return f"[{key}]" in path
    return path == key or path.startswith((key + ".", key + "["))


def _unique(fields: Iterator[Field]) -> tuple[Field, ...]:
    out: dict[str, Field] = {}
    for f in fields:
        out.setdefault(f.path, f)
    return tuple(out.values())


# ------------------------------------------------------------------ values and documents

def _unit(t: T.Type) -> Fraction:
    if t == T.DATE:
        return Fraction(1)
    return DECLARATIONS.get(t.dim, _OTHER_UNIT) if isinstance(t, T.Quantity) else Fraction(1)


def _number(value: Any) -> Fraction:
    return Fraction(value.toordinal()) if isinstance(value, date) else Fraction(value)


def _value(x: Fraction, f: Field) -> Any:
    if f.type == T.DATE:
        return date.fromordinal(int(x))
    return x


def _grid(root: Fraction, unit: Fraction) -> set[Fraction]:
    k = math.floor(root / unit)
    return {(k + i) * unit for i in (-1, 0, 1, 2)}


_DAYS = (date(FIRST_YEAR, 1, 1).toordinal(), date(LAST_YEAR, 12, 31).toordinal())


def _allowed(x: Fraction, f: Field) -> bool:
    """Figures in documents are not negative, and dates stay within the years a document may state
    (a rule counting days from 31 December 9999 would leave the calendar)."""
    if f.type == T.DATE:
        return _DAYS[0] <= x <= _DAYS[1]
    return x >= 0


_SEGMENT = re.compile(r"([A-Za-z_]\w*)|\[([^\]]+)\]")


def own_path(source: str, label: str) -> str | None:
    """The field path of an input step's source, when it is a field of the document `label`:
    "doc.yaml: pledge.relocations" and "doc.yaml: pledge.relocations not given; default ..."."""
    prefix = f"{label}: "
    if not source.startswith(prefix):
        return None
    path = source[len(prefix):].split(" not given; ", 1)[0].split(" (not disclosed", 1)[0]
    return path if _SEGMENT.match(path) else None


def _parse_path(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, key in _SEGMENT.findall(path):
        parts.append(name if name else (int(key) if key.isdigit() else key))
    return parts


def _set(value: Any, parts: list, new: Any) -> Any:
    """A copy of `value` with the field at `parts` set to `new` (the original is shared, never changed)."""
    if not parts:
        return new
    head, rest = parts[0], parts[1:]
    if isinstance(value, RecordValue):
        fields = dict(value.fields)
        fields[head] = _set(fields.get(head), rest, new)
        return RecordValue(value.type, fields, value.path, value.origin)
    if isinstance(value, TableValue):
        items = dict(value)
        items[head] = _set(items.get(head), rest, new)
        return TableValue(items, value.path, value.origin)
    if isinstance(value, ListValue):
        listed = list(value)
        listed[head] = _set(listed[head], rest, new)
        return ListValue(listed)
    raise LookupError(f"cannot change {parts} in {value!r}")
