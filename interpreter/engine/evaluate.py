"""The reference evaluator: walks the checked program over the facts of one case.

Values are exact: int and Fraction for quantities, date, bool, str. A fact that is
not given is a `Missing` that remembers what is missing; it propagates through
arithmetic and comparisons, while `and`/`or` follow three-valued logic (no and
anything is no), so that a verdict is `insufficient_information` only when the
missing fact could change it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ..language import ir
from ..language import typesys as T
from ..language.checker import Program
from ..language.library import FUNCTIONS as BUILTINS
from ..language.library import call, unanswered
from .calendar import Holidays
from .documents import UNDISCLOSED, Document, ListValue, RecordValue, TableValue
from .outcomes import ExceptionConsidered, Missing, Outcome, Step, merge_missing
from .reference_data import Table

_NO_VALUE = object()


@dataclass
class Case:
    """The facts: documents, and the choices that are not in them."""
    documents: tuple[Document, ...]
    data_years: dict[str, int] = field(default_factory=dict)        # dataset -> year
    data_year_reasons: dict[str, str] = field(default_factory=dict)  # dataset -> why that year
    parameters: dict[str, Any] = field(default_factory=dict)
    holidays: Holidays | None = None        # the rules' calendar (RuleSet.case sets it): Art 75(d) time limits
    # the readings chosen for this check (reading -> value, checked by RuleSet.case); the others are
    # their defaults. The program evaluated must be the one for them (Program.with_readings).
    readings: dict[str, str] = field(default_factory=dict)


class Evaluator:
    """Evaluates every requirement of a program for one case. Create one per case."""

    def __init__(self, program: Program, tables: dict[str, Table], case: Case, trace: bool = True,
                 shared: dict | None = None, memo: dict | None = None,
                 by_type: dict[str, list[Document]] | None = None):
        self.program = program
        self.tables = tables
        self.case = case
        self.tracing = trace
        # Definitions are functions of their arguments and of the case's choices (data years,
        # parameters), never of documents directly, and records are keyed by identity: a memo may be
        # shared by evaluators of one case whose documents differ only in records made anew (remedies).
        self.memo: dict = memo if memo is not None else {}
        self.by_type = by_type if by_type is not None else documents_by_type(case.documents)
        self.shared = shared if shared is not None else {}      # data-only values, kept across cases
        self.years_key = tuple(sorted(case.data_years.items()))
        self.steps: list[list[Step]] = [[]]
        self.sources = {f.path: f.source for f in program.files}
        self.dispatch: dict[type, Callable] = {
            ir.Const: self._const, ir.Local: self._local, ir.Ref: self._ref, ir.DataRef: self._data,
            ir.FieldOf: self._field, ir.IndexOf: self._index, ir.Builtin: self._builtin,
            ir.Aggregate: self._aggregate, ir.Arith: self._arith, ir.Neg: self._neg, ir.Logic: self._logic,
            ir.Not: self._not, ir.Compare: self._compare, ir.IsGiven: self._is_given,
            ir.MemberOf: self._member_of, ir.If: self._if, ir.Participating: self._participating,
            ir.DateInYear: self._date_in_year,
        }

    # ------------------------------------------------------------ verdicts
    def outcomes(self, only: frozenset[str] | None = None) -> list[Outcome]:
        out: list[Outcome] = []
        for requirement in self.program.requirements:
            if only is None or requirement.name in only:
                out.extend(self.requirement(requirement))
        return out

    def requirement(self, r: ir.RequirementSpec) -> list[Outcome]:
        subjects: list[Document | None]
        if r.subjects:
            subjects = list(self.by_type.get(r.subjects[0][1].name, ()))
        else:
            subjects = [None]
        out = []
        for document in subjects:
            env = self._env(r, document)
            if r.for_each is None:
                out.append(self._instance(r, document, env, None))
                continue
            var, source_node = r.for_each
            source = self.eval(source_node, env)
            if isinstance(source, Missing) and not source.unknown and _absent_field(source_node):
                source = ()                     # a list or table the document does not have holds no items
            if isinstance(source, Missing):
                out.append(self._verdict(r, document, None, "insufficient_information", missing=source))
                continue
            if not source:
                out.append(self._verdict(r, document, None, "not_applicable"))
                continue
            for key, item in self._items(source):
                out.append(self._instance(r, document, {**env, var: item}, key))
        return out

    def instance(self, r: ir.RequirementSpec, document: Document | None, key: str | None) -> Outcome | None:
        """The outcome of one requirement for one subject document and one item (`key`, None for a
        requirement without `for each`): what `requirement` gives for it, at the cost of that item
        alone. None when the document has no such item. An evaluator may give many instances."""
        self.steps = [[]]                       # the steps of an earlier instance's items are not kept
        env = self._env(r, document)
        if r.for_each is None:
            return self._instance(r, document, env, None) if key is None else None
        var, source_node = r.for_each
        source = self.eval(source_node, env)
        if key is None or isinstance(source, Missing) or not source:
            return None
        if isinstance(source, dict) or (isinstance(source, tuple) and isinstance(source[0], str)):
            found = [(key, key)] if key in source else []      # member states: the code is the item
        else:
            found = [(k, item) for k, item in self._items(source) if k == key]
        return self._instance(r, document, {**env, var: found[0][1]}, key) if found else None

    def _env(self, r: ir.RequirementSpec, document: Document | None) -> dict:
        env = {r.subjects[0][0]: document.record} if document is not None else {}
        self._bind_using(r.using, env)
        return env

    def _bind_using(self, using, env: dict) -> None:
        """Bind each `using` document. One that is absent (or not alone of its type) is bound as an
        unknown value: the requirement's own conditions are still weighed, and a verdict that
        needs the document says it is missing."""
        for name, rtype in using:
            found = self.by_type.get(rtype.name, ())
            if len(found) == 1:
                env[name] = found[0].record
            elif found:
                env[name] = Missing.of(f"{rtype.name}: {len(found)} documents of type {rtype.name} in the case "
                                       f"(exactly one is needed)", unknown=True)
            else:
                env[name] = Missing.of(f"{rtype.name}: no such document in the case", unknown=True)

    def _items(self, source) -> list[tuple[str, Any]]:
        if isinstance(source, dict):
            order = {code: i for i, code in enumerate(self.program.member_states)}
            return [(k, k) for k in sorted(source, key=lambda c: order.get(c, len(order)))]
        if isinstance(source, tuple) and source and isinstance(source[0], str):
            return [(k, k) for k in source]          # member states: the code is the item's name
        return [(f"{getattr(item, 'path', i) or i}", item) for i, item in enumerate(source)]

    def _instance(self, r: ir.RequirementSpec, document, env: dict, key: str | None) -> Outcome:
        if r.when is not None:
            applies, step = self._condition(r.when, env, "when")
            if applies is False:
                return self._verdict(r, document, key, "not_applicable", condition=step)
            if isinstance(applies, Missing):
                return self._verdict(r, document, key, "insufficient_information", missing=applies, condition=step)
        considered, decided = [], None
        for x in r.exceptions:
            applies, step = (True, None) if x.when is None else self._condition(x.when, env, "exception")
            considered.append(ExceptionConsidered(x.name, x.decl.title, x.priority,
                                                  None if isinstance(applies, Missing) else applies,
                                                  x.outcome.kind, x.citations, step))
            if isinstance(applies, Missing):
                return self._verdict(r, document, key, "insufficient_information", missing=applies,
                                     exceptions=considered, condition=step)
            if applies:
                decided = x
                break
        if decided is not None:
            return self._apply_exception(r, decided, document, env, key, tuple(considered))
        for condition in r.unless:
            holds, step = self._condition(condition, env, "unless")
            if holds is True:
                return self._verdict(r, document, key, "not_applicable", condition=step, exceptions=considered)
            if isinstance(holds, Missing):
                return self._verdict(r, document, key, "insufficient_information", missing=holds,
                                     condition=step, exceptions=considered)
        if r.assessment is not None:
            return self._verdict(r, document, key, "needs_assessment", authority=r.assessment.authority,
                                 quote=r.assessment.quote, exceptions=considered)
        assert r.requires is not None           # a requirement requires a condition or needs an assessment
        holds, step = self._condition(r.requires, env, "requires")
        return self._judge(r, document, key, holds, step, considered)

    def _apply_exception(self, r, x: ir.ExceptionSpec, document, env, key, considered) -> Outcome:
        o = x.outcome
        if o.kind == "assessment":
            return self._verdict(r, document, key, "needs_assessment", authority=o.authority, quote=o.quote,
                                 decided_by=x, exceptions=considered)
        if o.kind == "requires":
            assert o.condition is not None
            holds, step = self._condition(o.condition, env, "requires")
            return self._judge(r, document, key, holds, step, considered, decided_by=x)
        verdict = "compliant" if o.kind == "compliant" else "not_applicable"
        return self._verdict(r, document, key, verdict, decided_by=x, exceptions=considered)

    def _judge(self, r, document, key, holds, step, considered, decided_by=None) -> Outcome:
        if isinstance(holds, Missing):
            return self._verdict(r, document, key, "insufficient_information", missing=holds, condition=step,
                                 exceptions=considered, decided_by=decided_by)
        verdict = "compliant" if holds else "non_compliant"
        return self._verdict(r, document, key, verdict, condition=step, exceptions=considered, decided_by=decided_by)

    def _condition(self, node: ir.Node, env: dict, kind: str) -> tuple[Any, Step | None]:
        if not self.tracing:
            return self.eval(node, env), None
        self.steps.append([])
        value = self.eval(node, env)
        children = self.steps.pop()
        step = children[0] if len(children) == 1 else Step(kind, self._label(node), value, node.type, node.span,
                                                             children=tuple(children))
        return value, step

    def _verdict(self, r: ir.RequirementSpec, document, key, verdict: str, missing: Missing | None = None,
                 condition: Step | None = None, exceptions=(), authority=None, quote=None,
                 decided_by: ir.ExceptionSpec | None = None) -> Outcome:
        citations = r.citations
        interpretations = tuple(n.text for n in r.decl.meta.interpretations)
        if decided_by is not None:
            citations = decided_by.citations + citations
            interpretations += tuple(n.text for n in decided_by.decl.meta.interpretations)
        return Outcome(
            requirement=r.name, title=r.title, verdict=verdict, citations=citations,
            document=document.label if document is not None else None,
            document_type=document.type if document is not None else None, instance=key,
            missing=tuple(sorted(missing.paths)) if missing is not None else (),
            authority=authority, quote=quote, decided_by=decided_by.name if decided_by else None,
            interpretations=interpretations, exceptions=tuple(exceptions), condition=condition, span=r.decl.span)

    # ---------------------------------------------------------- expressions
    def eval(self, node: ir.Node, env: dict) -> Any:
        return self.dispatch[type(node)](node, env)

    def _record(self, step: Step) -> None:
        self.steps[-1].append(step)

    def _label(self, node: ir.Node) -> str:
        source = self.sources.get(node.span.file)
        if source is None or node.span.end <= node.span.start:
            return getattr(node, "name", "") or getattr(node, "text", "")
        return " ".join(source[node.span.start:node.span.end].split())

    def _const(self, node: ir.Const, env) -> Any:
        return node.value

    def _local(self, node: ir.Local, env) -> Any:
        return env[node.name]

    def _participating(self, node, env) -> tuple[str, ...]:
        return self.program.participating

    def _ref(self, node: ir.Ref, env) -> Any:
        value = self.program.values[node.name]
        args = tuple(self.eval(a, env) for a in node.args)
        key: tuple = (node.name, args)
        if value.data_only:
            key = (node.name, args, self.years_key)
            cache = self.shared
        else:
            cache = self.memo
        hit = cache.get(key, _NO_VALUE)
        if hit is not _NO_VALUE and not (self.tracing and hit[1] is None):
            result, step = hit
            if self.tracing:
                self._record(step)
            return result
        if self.tracing:
            self.steps.append([])
        if node.kind == "parameter" and node.name in self.case.parameters:
            result, source = self.case.parameters[node.name], "set for this case"
        else:
            local = {name: arg for (name, _), arg in zip(value.params, args)}
            result, source = self.eval(value.body, local), ""
        step = None
        if self.tracing:
            children = tuple(self.steps.pop())
            label = node.name if not args else f"{node.name}({', '.join(_arg_label(a) for a in args)})"
            step = Step(node.kind, label, result, value.type, value.decl.span, value.citations, source,
                        children=children,
                        interpretations=tuple(n.text for n in value.decl.meta.interpretations))
            self._record(step)
        cache[key] = (result, step)
        return result

    def _data(self, node: ir.DataRef, env) -> Any:
        key = self.eval(node.key, env)
        if isinstance(key, Missing):
            return key
        spec = self.program.datasets[node.dataset]
        year = self.case.data_years.get(node.dataset)
        figure = self.tables[node.dataset].get(key, year) if year is not None else None
        label = f"{node.dataset}[{key}]"
        if figure is None:
            result: Any = Missing.of(f"{label}: no {spec.decl.description or node.dataset} figure for "
                                     f"{key} in {year if year is not None else 'any year'} in {spec.decl.file}")
            source = ""
        else:
            result = figure.value
            source = f"{figure.dataset}, {year}, published as {figure.published} ({figure.unit}); {figure.source_url}"
        if self.tracing:
            self._record(Step("data", label, result, node.type, node.span, spec.citations, source,
                              detail=str(year) if year is not None else ""))
        return result

    def _field(self, node: ir.FieldOf, env) -> Any:
        target = self.eval(node.target, env)
        if isinstance(target, Missing):
            return target
        if target is UNDISCLOSED:               # a record not disclosed, given as an argument (RuleSet.value)
            return Missing.of(f"{self._label(node.target)} (not disclosed in the document)", unknown=True)
        value = target.fields.get(node.name, _NO_VALUE)
        path = target.child_path(node.name)
        if value is UNDISCLOSED:
            value = Missing.of(f"{target.origin}: {path} (not disclosed in the document)", unknown=True)
        if value is not _NO_VALUE:
            if self.tracing and not isinstance(value, (RecordValue, TableValue, ListValue)):
                self._record(Step("input", self._label(node), value, node.type, node.span,
                                  source=f"{target.origin}: {path}"))
            return value
        spec = self.program.structs[target.type].fields[node.name]
        if spec.default is not None:
            value = self.eval(spec.default, {})
            if self.tracing:
                self._record(Step("default", self._label(node), value, node.type, node.span,
                                  source=f"{target.origin}: {path} not given; default of the rules at "
                                         f"{spec.decl.span}"))
            return value
        result = Missing.of(f"{target.origin}: {path}")
        if self.tracing:
            self._record(Step("input", self._label(node), result, node.type, node.span,
                              source=f"{target.origin}: {path}"))
        return result

    def _index(self, node: ir.IndexOf, env) -> Any:
        target, key = self.eval(node.target, env), self.eval(node.key, env)
        if isinstance(target, Missing) or isinstance(key, Missing):
            return merge_missing(target, key)
        value = target.get(key, _NO_VALUE)
        if value is UNDISCLOSED:
            value = Missing.of(f"{target.origin}: {target.path}[{key}] (not disclosed in the document)", unknown=True)
        if value is _NO_VALUE:
            where = f"{target.origin}: {target.path}[{key}]" if isinstance(target, TableValue) else f"[{key}]"
            value = Missing.of(where)
        if self.tracing and not isinstance(value, (RecordValue, TableValue, ListValue)):
            self._record(Step("input", self._label(node), value, node.type, node.span,
                              source=f"{getattr(target, 'origin', '')}: {getattr(target, 'path', '')}[{key}]"))
        return value

    def _builtin(self, node: ir.Builtin, env) -> Any:
        args = [self.eval(a, env) for a in node.args]
        if any(isinstance(a, Missing) for a in args):
            return merge_missing(*args)
        try:
            return call(BUILTINS[node.function], args, self.case.holidays)
        except (ValueError, ArithmeticError) as error:
            return Missing.of(unanswered(node.function, node.span, error))

    def _aggregate(self, node: ir.Aggregate, env) -> Any:
        source = self.eval(node.source, env)
        if isinstance(source, Missing):
            return source
        values: list[Any] = []
        gaps: list[Any] = []
        if self.tracing:
            self.steps.append([])
        for key, item in self._items(source):
            if self.tracing:
                self.steps.append([])
            value = self._aggregate_item(node, {**env, node.var: item})
            if value is not _NO_VALUE:
                (gaps if isinstance(value, Missing) else values).append(value)
            if self.tracing:
                children = tuple(self.steps.pop())
                if value is not _NO_VALUE:
                    self._record(Step("item", key, value, node.body.type, node.body.span, detail=node.var,
                                      children=children))
        result = self._combine(node, values, gaps)
        if self.tracing:
            children = tuple(self.steps.pop())
            self._record(Step("aggregate", self._label(node), result, node.type, node.span,
                              detail=f"{len(values) + len(gaps)} item(s)", children=children))
        return result

    def _aggregate_item(self, node: ir.Aggregate, inner: dict) -> Any:
        """The item's value, or _NO_VALUE when a `where` filter leaves it out."""
        if node.where is not None:
            keep = self.eval(node.where, inner)
            if isinstance(keep, Missing):
                return keep
            if not keep:
                return _NO_VALUE
        return self.eval(node.body, inner)

    def _combine(self, node: ir.Aggregate, values: list, gaps: list) -> Any:
        kind = node.kind
        if kind == "all":
            return False if False in values else (merge_missing(*gaps) if gaps else True)
        if kind == "any":
            return True if True in values else (merge_missing(*gaps) if gaps else False)
        if gaps:
            return merge_missing(*gaps)
        if kind == "sum":
            return sum(values, Fraction(0))
        if kind == "count":
            return Fraction(len(values))
        if not values:
            return Missing.of(f"{kind}(...) of no items at {node.span}")
        return min(values) if kind == "minimum" else max(values)

    def _arith(self, node: ir.Arith, env) -> Any:
        left, right = self.eval(node.left, env), self.eval(node.right, env)
        if isinstance(left, Missing) or isinstance(right, Missing):
            return merge_missing(left, right)
        op = node.op
        if op == "+":
            result = left + right
        elif op == "-":
            result = left - right
            if isinstance(result, timedelta):
                return Fraction(result.days)
        elif op == "*":
            result = left * right
        else:
            if right == 0:
                return Missing.of(f"undefined: division by zero in {node.span}")
            result = Fraction(left) / right
        if node.type == T.YEAR:
            return int(result)
        return result

    def _neg(self, node: ir.Neg, env) -> Any:
        value = self.eval(node.operand, env)
        return value if isinstance(value, Missing) else -value

    def _logic(self, node: ir.Logic, env) -> Any:
        if self.tracing:
            self.steps.append([])
        left = self.eval(node.left, env)
        decisive = node.op != "and"
        result: Any
        if left is decisive:
            result = left
        else:
            right = self.eval(node.right, env)
            if right is decisive:
                result = right
            elif isinstance(left, Missing) or isinstance(right, Missing):
                result = merge_missing(left, right)
            else:
                result = right
        if self.tracing:
            children = tuple(self.steps.pop())
            self._record(Step("logic", self._label(node), result, T.BOOL, node.span, detail=node.op,
                              children=children))
        return result

    def _not(self, node: ir.Not, env) -> Any:
        if self.tracing:
            self.steps.append([])
        value = self.eval(node.operand, env)
        result = value if isinstance(value, Missing) else not value
        if self.tracing:
            self._record(Step("not", self._label(node), result, T.BOOL, node.span,
                              children=tuple(self.steps.pop())))
        return result

    def _compare(self, node: ir.Compare, env) -> Any:
        if self.tracing:
            self.steps.append([])
        left, right = self.eval(node.left, env), self.eval(node.right, env)
        if isinstance(left, Missing) or isinstance(right, Missing):
            result: Any = merge_missing(left, right)
        else:
            result = _COMPARE[node.op](left, right)
        if self.tracing:
            children = tuple(self.steps.pop())
            sides = (Step("operand", self._label(node.left), left, node.left.type, node.left.span),
                     Step("operand", self._label(node.right), right, node.right.type, node.right.span))
            self._record(Step("compare", self._label(node), result, T.BOOL, node.span, detail=node.wording,
                              children=sides + children))
        return result

    def _is_given(self, node: ir.IsGiven, env) -> Any:
        if self.tracing:
            self.steps.append([])
        value = self.eval(node.operand, env)
        if isinstance(value, Missing) and value.unknown:
            result: Any = value                 # the document has it but does not say what it is
        else:
            result = isinstance(value, Missing) if node.negated else not isinstance(value, Missing)
        if self.tracing:
            self._record(Step("given", self._label(node), result, T.BOOL, node.span,
                              children=tuple(self.steps.pop())))
        return result

    def _member_of(self, node: ir.MemberOf, env) -> Any:
        item, collection = self.eval(node.item, env), self.eval(node.collection, env)
        if isinstance(item, Missing) or isinstance(collection, Missing):
            return merge_missing(item, collection)
        result = (item in collection) != node.negated
        if self.tracing:
            self._record(Step("member", self._label(node), result, T.BOOL, node.span))
        return result

    def _if(self, node: ir.If, env) -> Any:
        condition = self.eval(node.condition, env)
        if isinstance(condition, Missing):
            return condition
        return self.eval(node.then if condition else node.otherwise, env)

    def _date_in_year(self, node: ir.DateInYear, env) -> Any:
        year = self.eval(node.year, env)
        if isinstance(year, Missing):
            return year
        try:
            return date(int(year), node.month, node.day)
        except ValueError:
            return Missing.of(f"undefined: no {node.day}/{node.month} in {year} ({node.span})")


_COMPARE = {
    ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    "<": lambda a, b: a < b, "=": lambda a, b: a == b, "!=": lambda a, b: a != b,
}


def _absent_field(node: ir.Node) -> bool:
    return isinstance(node, (ir.FieldOf, ir.IndexOf))


def documents_by_type(documents: tuple[Document, ...]) -> dict[str, list[Document]]:
    """The documents of a case by type, in the case's order: found once, not once per requirement
    and document (a case of 10 000 pledges would otherwise be searched 10 000 times)."""
    out: dict[str, list[Document]] = {}
    for d in documents:
        out.setdefault(d.type, []).append(d)
    return out


def _arg_label(value: Any) -> str:
    if isinstance(value, RecordValue):
        return value.path or value.type
    return str(value)
