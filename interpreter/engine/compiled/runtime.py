"""What compiled rules call at run time: exact numbers, trace steps, verdicts, the slow path.

The generated code (see `codegen.py`) works on exact integers: a quantity is split
into numerator and denominator and computed on without reducing, and turned back
into the value the reference evaluator would hold (an `int`, or a `Fraction` in
lowest terms) where it leaves the arithmetic. Everything that is not plain exact
arithmetic — a missing fact, a division by zero, a value of an unexpected type —
leaves the fast path for `Replay`, which is the reference evaluator itself, so the
two engines cannot disagree on the rare cases.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from math import gcd
from typing import Any

from ...language import ir
from ..documents import UNDISCLOSED, RecordValue, TableValue
from ..evaluate import Case, Evaluator
from ..outcomes import ExceptionConsidered, Missing, Outcome, Step, merge_missing

NOVAL = object()            # "no such key": distinct from every value, Missing included


class Slow(Exception):
    """Raised inside the fast path to hand an expression over to `Replay`. (A new one each time:
    an exception object raised again keeps the tracebacks of all its raises, and their frames.)"""

# ------------------------------------------------------------------ numbers

# A Fraction built from a numerator and denominator already in lowest terms, without
# the checks of Fraction(): the generated code reduces with math.gcd itself. Fraction
# keeps its parts in the slots _numerator and _denominator (CPython 3.8 to 3.13); if a
# Python release changes that, the check below notices and the public constructor is
# used instead, which gives the same values, only slower.
_new = object.__new__


def _coprime_fast(n: int, d: int) -> Fraction:
    f = _new(Fraction)
    f._numerator = n          # type: ignore[attr-defined]  # CPython's layout, checked by _layout_ok
    f._denominator = d        # type: ignore[attr-defined]
    return f


def _coprime_public(n: int, d: int) -> Fraction:
    return Fraction(n, d)


def _layout_ok() -> bool:
    try:
        probe = _coprime_fast(3, 7)
        return probe == Fraction(3, 7) and hash(probe) == hash(Fraction(3, 7)) and probe.numerator == 3 \
            and Fraction(6, 14)._numerator == 3  # type: ignore[attr-defined]
    except (AttributeError, TypeError):
        return False


FAST_FRACTIONS = _layout_ok()
coprime = _coprime_fast if FAST_FRACTIONS else _coprime_public
# the attributes generated code reads the parts from (the slots, or the public properties)
NUMERATOR, DENOMINATOR = ("_numerator", "_denominator") if FAST_FRACTIONS else ("numerator", "denominator")


def fraction(n: int, d: int) -> Fraction:
    """n/d in lowest terms (d > 0), as Fraction(n, d) would give it."""
    g = gcd(n, d)
    if g != 1:
        n //= g
        d //= g
    return coprime(n, d)


def whole(n: int) -> Fraction:
    return coprime(n, 1)


def truncate(n: int, d: int) -> int:
    """int(n/d): rounds toward zero, as int() does on a Fraction."""
    return n // d if n >= 0 else -(-n // d)


def key_of(value: Any) -> Any:
    """A cache key that is equal for equal numbers (Fraction(5) and 5), cheaper to hash than a
    Fraction; and for a missing fact, what is missing: a Missing is a new object in every case,
    and a cache kept across cases must not grow by one entry per case."""
    cls = value.__class__
    if cls is Fraction:
        return (value._numerator, value._denominator) if FAST_FRACTIONS else (value.numerator, value.denominator)
    if cls is int:
        return (value, 1)
    if cls is Missing:
        return (Missing, value.paths, value.unknown)
    return value


# ------------------------------------------------------------ frozen records

# Step, Outcome and ExceptionConsidered are frozen dataclasses; their generated
# __init__ sets each field through object.__setattr__, which costs about 1.5 µs for an
# Outcome. Filling the instance dictionary directly gives an equal object (same fields,
# same __eq__ and __hash__) in a fifth of the time. tests/test_compile.py checks that
# what `build` makes equals what the constructor makes.
def build(cls: type, fields: dict) -> Any:
    obj: Any = _new(cls)
    obj.__dict__.update(fields)
    return obj


def _defaults(cls: type) -> dict:
    return {f.name: f.default for f in dataclasses.fields(cls)}


STEP_DEFAULTS = _defaults(Step)


def template(kind: str, label: str, type_: Any, span: Any, citations: tuple = (), detail: str = "",
             interpretations: tuple = ()) -> dict:
    """The fields of a Step known when compiling, for one place in the generated code."""
    return {**STEP_DEFAULTS, "kind": kind, "label": label, "type": type_, "span": span, "citations": citations,
            "detail": detail, "interpretations": interpretations}


# A step made from its template and what the case decides: its value, and the source or the
# children (`part`, `content`) where the step has them.
def made(tpl: dict, value: Any, part: str | None = None, content: Any = None) -> Step:
    obj = _new(Step)
    d = obj.__dict__
    d.update(tpl)
    d["value"] = value
    if part is not None:
        d[part] = content
    return obj


def made_other(tpl: dict, label: str, value: Any, source: str, detail: str, children: list) -> Step:
    obj = _new(Step)
    d = obj.__dict__
    d.update(tpl)
    d["label"] = label
    d["value"] = value
    d["source"] = source
    d["detail"] = detail
    d["children"] = tuple(children)
    return obj


def considered(name: str, title: str, priority: int, applied: Any, outcome: str, citations: tuple,
               step_: Step | None) -> ExceptionConsidered:
    obj = _new(ExceptionConsidered)
    obj.__dict__.update(name=name, title=title, priority=priority, applied=applied, outcome=outcome,
                        citations=citations, step=step_)
    return obj


OUTCOME_DEFAULTS = _defaults(Outcome)


def fixed(base: dict, verdict: str, authority: str | None = None, quote: str | None = None,
          exceptions: tuple = ()) -> dict:
    """The fields of an Outcome known when compiling: the requirement's (and the deciding
    exception's, see engine._base), and what a given line of generated code decides."""
    return {**OUTCOME_DEFAULTS, **base, "verdict": verdict, "authority": authority, "quote": quote,
            "exceptions": exceptions}


def decided(fields: dict, document: tuple | None, key: str | None) -> Outcome:
    """An Outcome all of whose fields but the document (its label and type) and the item are
    known when compiling."""
    obj = _new(Outcome)
    d = obj.__dict__
    d.update(fields)
    if document is not None:
        d["document"], d["document_type"] = document
    d["instance"] = key
    return obj


def undecided(fields: dict, document: tuple | None, key: str | None, missing: Missing) -> Outcome:
    """The same, for insufficient information: with what is missing."""
    obj = decided(fields, document, key)
    obj.__dict__["missing"] = tuple(sorted(missing.paths))
    return obj


def outcome(fields: dict, document: tuple | None, key: str | None, missing: Missing | None,
            condition: Step | None, exceptions: tuple) -> Outcome:
    """The general case (traced): what is missing, the deciding step, the exceptions weighed."""
    obj = decided(fields, document, key)
    d = obj.__dict__
    if missing is not None:
        d["missing"] = tuple(sorted(missing.paths))
    d["exceptions"] = exceptions
    d["condition"] = condition
    return obj


# ------------------------------------------------------------- small helpers

def merge(*values: Any) -> Missing:
    return merge_missing(*values)


def arg_label(value: Any) -> str:
    if isinstance(value, RecordValue):
        return value.path or value.type
    return str(value)


def ref_label1(opening: str, arg: Any) -> str:
    """ref_label for one argument; `opening` is the name and "("."""
    return opening + (arg.path or arg.type if arg.__class__ is RecordValue else str(arg)) + ")"


def ref_label(name: str, args: tuple) -> str:
    return f"{name}({', '.join(arg_label(a) for a in args)})"


# ------------------------------------------------- values, and where they are

def exact_sum(values: list) -> Any:
    """sum(values, Fraction(0)) without a Fraction per addition."""
    n, d = 0, 1
    for v in values:
        cls = v.__class__
        if cls is Fraction:
            vn, vd = v.numerator, v.denominator
            if vd == d:
                n += vn
            else:
                n, d = n * vd + vn * d, d * vd
        elif cls is int:
            n += v * d
        else:
            return sum(values, Fraction(0))
    return fraction(n, d)


def missing_field(target, name: str) -> Missing:
    return Missing.of(f"{target.origin}: {target.child_path(name)}")


def undisclosed_field(target, name: str) -> Missing:
    return Missing.of(f"{target.origin}: {target.child_path(name)} (not disclosed in the document)", unknown=True)


def field_source(target, name: str) -> str:
    return f"{target.origin}: {target.child_path(name)}"


def default_source(target, name: str, span: str) -> str:
    return f"{target.origin}: {target.child_path(name)} not given; default of the rules at {span}"


def absent_entry(target, key: str, value: Any) -> Missing:
    if value is UNDISCLOSED:
        return Missing.of(f"{target.origin}: {target.path}[{key}] (not disclosed in the document)", unknown=True)
    return Missing.of(f"{target.origin}: {target.path}[{key}]" if isinstance(target, TableValue) else f"[{key}]")


def entry_source(target, key: str) -> str:
    return f"{getattr(target, 'origin', '')}: {getattr(target, 'path', '')}[{key}]"


# -------------------------------------------------------------- the slow path

class Replay(Evaluator):
    """The reference evaluator, run on an expression whose leaves are already computed.

    The compiled code evaluates the leaves of an arithmetic expression (fields, data,
    definitions...) itself, in the reference's order; when the exact-integer fast path
    cannot finish (a missing fact, a division by zero, an unexpected type), it hands the
    leaf values to `run`, and the reference's own _arith, _compare, _builtin... decide.
    Those record no steps, so nothing is lost by computing the leaves first.
    """

    def __init__(self, program, tables, lowered, let: type):
        super().__init__(program, tables, Case(()), trace=False)
        self._lowered = lowered                 # the predicate the code generator used
        self._leaves = iter(())
        self.dispatch[let] = lambda node, env: self.eval(node.body, env)     # an inlined definition

    def combine(self, node: ir.Aggregate, values: list, gaps: list | None) -> Any:
        """Evaluator._combine, with a sum computed on exact integers."""
        if node.kind == "sum" and not gaps:
            return exact_sum(values)
        return self._combine(node, values, gaps or [])

    def run(self, node: ir.Node, leaves: tuple) -> Any:
        self._leaves = iter(leaves)
        return self.dispatch[type(node)](node, {})

    def eval(self, node: ir.Node, env: dict) -> Any:
        if self._lowered(node):
            return self.dispatch[type(node)](node, env)
        return next(self._leaves)
