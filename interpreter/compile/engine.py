"""The compiled engine: generated functions, their caches, and verdicts per requirement.

`Compiled` is built once per rule set (on first use) and evaluates many cases. What
depends on a case lives in a `Context`; values that cannot differ between cases
(the reference key, a fair share for given reference numbers) are kept in caches per
data years, so that a pool or a sweep computes them once. The requirement logic —
subjects, `using`, `for each`, `when`, exceptions by priority, `unless`, the verdict —
follows `Evaluator.requirement` step for step, calling generated conditions.
"""

from __future__ import annotations

import linecache
import sys
from datetime import date
from fractions import Fraction
from typing import Any, Callable

from .. import ir
from .. import types as T
from ..ast import NOWHERE, Span
from ..builtins import FUNCTIONS as BUILTINS
from ..diagnostics import Diagnostic, Failed
from ..documents import UNDISCLOSED, TableValue
from ..evaluate import Case, Evaluator
from ..trace import Missing, Outcome
from . import codegen as G
from . import runtime as R

GENERATED = "<ammr compiled rules>"
CACHE_LIMIT = 200_000            # values kept across cases, per data years, before starting afresh


class Compiled:
    """A checked program compiled to Python functions (both fast and traced)."""

    def __init__(self, program, tables: dict):
        self.program = program
        self.tables = tables
        gen = G.Generator(program)
        self.generator = gen
        order = {code: i for i, code in enumerate(program.member_states)}
        self.order = order
        self.values = list(program.values.values())
        self.datasets = list(program.datasets.values())
        self.delegates: dict[str, tuple] = {}     # functions left to the reference evaluator (see _add)
        self._count = 0
        for value in self.values:
            for mode in (G.FAST, G.TRACE):
                self._add(gen, ("definition", value), G.definition, gen, value, mode)
        self.plans = [self._plan(gen, r) for r in program.requirements]
        self.source = gen.unit.source()
        self.spans = gen.unit.spans
        self.namespace = self._namespace(gen.unit.pool)
        code = compile(self.source, GENERATED, "exec")
        # so that a traceback through generated code shows its lines
        linecache.cache[GENERATED] = (len(self.source), None, self.source.splitlines(True), GENERATED)
        exec(code, self.namespace)
        for plan in self.plans:
            plan.resolve(self.namespace)
        self._shared: dict[tuple, list[dict]] = {}           # data years -> one cache per definition
        self._tshared: dict[tuple, list[dict]] = {}
        self._figures: dict[tuple, dict] = {}

    def _add(self, gen, what: tuple, make: Callable, *args) -> None:
        """Generate one function; if that fails (a rule nested deeper than Python's limits),
        the function is a stand-in that asks the reference evaluator (Context.delegated)."""
        try:
            function = make(*args)
            compile("\n".join(function.lines), GENERATED, "exec")
        except (SyntaxError, RecursionError, MemoryError):
            function = self._delegate(gen, what, *args[1:])
        gen.unit.add(function)

    def _delegate(self, gen, what: tuple, *args) -> G.Function:
        mode = args[-1]
        name = args[1] if what[0] == "expression" else gen.function_name(what[1].name, mode)
        head = ["c", "S"] if mode == G.TRACE else ["c"]
        count = len(what[1].params) if what[0] == "definition" else len(what[2])
        params = [f"a{j}" for j in range(count)]
        fn = G.Function(gen.unit, gen, name, head + params, mode, NOWHERE)
        self.delegates[name] = what
        trace_list = "S" if mode == G.TRACE else "None"
        fn.emit(f"return c.delegated({gen.unit.const(name)}, {trace_list}, ({''.join(p + ', ' for p in params)}))")
        return fn

    def _plan(self, gen, r: ir.RequirementSpec) -> "Plan":
        plan = Plan(r)
        env = [name for name, _ in r.subjects] + [name for name, _ in r.using]
        if r.for_each is not None:
            plan.source = self._expression(gen, r.for_each[1], env, plan, "source")
            env = env + [r.for_each[0]]
        plan.when = self._expression(gen, r.when, env, plan, "when")
        plan.unless = [self._expression(gen, u, env, plan, f"unless{i}") for i, u in enumerate(r.unless)]
        plan.requires = self._expression(gen, r.requires, env, plan, "requires")
        for x in r.exceptions:
            when = self._expression(gen, x.when, env, plan, f"x_{len(plan.exceptions)}")
            then = None
            if x.outcome.kind == "requires":
                then = self._expression(gen, x.outcome.condition, env, plan, f"then_{len(plan.exceptions)}")
            plan.exceptions.append((x, when, then, _base(r, x)))
        return plan

    def _expression(self, gen, node: ir.Node | None, env: list[str], plan: "Plan", what: str):
        if node is None:
            return None
        self._count += 1
        name = f"Q{self._count}"
        for mode in (G.FAST, G.TRACE):
            self._add(gen, ("expression", node, env), G.expression, gen, f"{name}_{mode}", node, env, mode)
        return (node, f"{name}_{G.FAST}", f"{name}_{G.TRACE}", gen.label(node))

    def _namespace(self, pool: list) -> dict:
        ns: dict[str, Any] = {f"K{i}": value for i, value in enumerate(pool)}
        order = self.order
        size = len(order)

        def ordered_keys(source: dict) -> list:
            return sorted(source, key=lambda c: order.get(c, size))

        def items(source) -> list:
            """As Evaluator._items: tables in member-state order, lists with their paths."""
            if isinstance(source, dict):
                return [(k, k) for k in ordered_keys(source)]
            if isinstance(source, tuple) and source and isinstance(source[0], str):
                return [(k, k) for k in source]
            return [(f"{getattr(item, 'path', i) or i}", item) for i, item in enumerate(source)]

        def ordered(source) -> list:
            return [item for _, item in items(source)]

        ns.update(
            F=Fraction, Missing=Missing, NOVAL=R.NOVAL, UNDISCLOSED=UNDISCLOSED, Slow=R.Slow, SLOW=R.SLOW,
            date=date, fraction=R.fraction, whole=R.whole, truncate=R.truncate, key_of=R.key_of, merge=R.merge,
            step=R.step, is_structured=R.is_structured, ref_label=R.ref_label, combine=combine,
            items=items, ordered=ordered, items_detail=lambda n: f"{n} item(s)",
            missing_field=missing_field, undisclosed_field=undisclosed_field, field_source=field_source,
            default_source=default_source, absent_entry=absent_entry, entry_source=entry_source,
            REPLAY=R.Replay(self.program, self.tables, G.lowered),
            K_BOOL=T.BOOL, K_ITEM="item", K_INPUT="input", K_DEFAULT="default", K_OPERAND="operand",
            K_EMPTY="", K_SET="set for this case",
        )
        self.items = items
        return ns

    # ------------------------------------------------------------ caches
    def caches(self, years_key: tuple, trace: bool) -> list[dict]:
        store = self._tshared if trace else self._shared
        caches = store.get(years_key)
        if caches is None or sum(len(c) for c in caches) > CACHE_LIMIT:
            caches = store[years_key] = [{} for _ in self.values]
        return caches

    def figures(self, dataset: int, year: int | None) -> dict:
        """geo -> Figure of one dataset in one year."""
        key = (dataset, year)
        found = self._figures.get(key)
        if found is None:
            spec = self.datasets[dataset]
            table = self.tables[spec.name]
            found = {geo: f for (geo, y), f in table.figures.items() if y == year} if year is not None else {}
            self._figures[key] = found
        return found

    # ------------------------------------------------------------ evaluate
    def evaluate(self, case: Case, trace: bool, only: frozenset[str] | None, memo: dict | None = None) -> list[Outcome]:
        c = Context(self, case, trace, memo)
        out: list[Outcome] = []
        try:
            for plan in self.plans:
                if only is None or plan.name in only:
                    plan.run(c, out)
        except (Failed, KeyboardInterrupt):
            raise
        except Exception as error:         # a bug, or a value the rules cannot handle: say where in the rules
            raise self.located(error) from error
        return out

    def located(self, error: Exception) -> Failed:
        span = NOWHERE
        tb = error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == GENERATED and 0 < tb.tb_lineno <= len(self.spans):
                span = self.spans[tb.tb_lineno - 1]
            tb = tb.tb_next
        sources = {f.path: f.source for f in self.program.files}
        return Failed([Diagnostic("E900", f"evaluation failed here: {type(error).__name__}: {error}", span,
                                  "this is a limit of the evaluator or a bug; the reference evaluator "
                                  "(engine 'reference') may say more")], sources)


# --------------------------------------------------------------- run time

def combine(node: ir.Aggregate, values: list, gaps: list | None) -> Any:
    """Evaluator._combine, with the sum computed on exact integers."""
    kind = node.kind
    if kind == "all":
        return False if False in values else (R.merge(*gaps) if gaps else True)
    if kind == "any":
        return True if True in values else (R.merge(*gaps) if gaps else False)
    if gaps:
        return R.merge(*gaps)
    if kind == "sum":
        return exact_sum(values)
    if kind == "count":
        return R.whole(len(values))
    if not values:
        return Missing.of(f"{kind}(...) of no items at {node.span}")
    return min(values) if kind == "minimum" else max(values)


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
    return R.fraction(n, d)


def missing_field(target, name: str) -> Missing:
    return Missing.of(f"{target.origin}: {target.child_path(name)}")


def undisclosed_field(target, name: str) -> Missing:
    return Missing.of(f"{target.origin}: {target.child_path(name)} (not disclosed in the document)", unknown=True)


def field_source(target, name: str) -> str:
    return f"{target.origin}: {target.child_path(name)}"


def default_source(target, name: str, span: Span) -> str:
    return f"{target.origin}: {target.child_path(name)} not given; default of the rules at {span}"


def absent_entry(target, key: str, value: Any) -> Missing:
    if value is UNDISCLOSED:
        return Missing.of(f"{target.origin}: {target.path}[{key}] (not disclosed in the document)", unknown=True)
    return Missing.of(f"{target.origin}: {target.path}[{key}]" if isinstance(target, TableValue) else f"[{key}]")


def entry_source(target, key: str) -> str:
    return f"{getattr(target, 'origin', '')}: {getattr(target, 'path', '')}[{key}]"


class Context:
    """What the generated functions see of one case."""
    __slots__ = ("compiled", "case", "parameters", "data", "shared", "tshared", "memo", "tmemo", "years",
                 "_reference", "_by_type")

    def __init__(self, compiled: Compiled, case: Case, trace: bool, memo: dict | None = None):
        self.compiled = compiled
        self.case = case
        self.parameters = case.parameters
        self.years = case.data_years
        years_key = tuple(sorted(case.data_years.items()))
        self.shared = compiled.caches(years_key, False)
        self.tshared = compiled.caches(years_key, True) if trace else None
        self.memo = memo if memo is not None else {}
        self.tmemo: dict = {}
        self.data = [compiled.figures(i, case.data_years.get(spec.name)) for i, spec in enumerate(compiled.datasets)]
        self._reference = None
        self._by_type: dict | None = None

    def documents_of(self, type_name: str) -> list:
        if self._by_type is None:
            self._by_type = {}
            for d in self.case.documents:
                self._by_type.setdefault(d.type, []).append(d)
        return self._by_type.get(type_name, [])

    # -------------------------------------------------------- reference data
    def no_figure(self, index: int, key: str) -> Missing:
        spec = self.compiled.datasets[index]
        year = self.years.get(spec.name)
        return Missing.of(f"{spec.name}[{key}]: no {spec.decl.description or spec.name} figure for "
                          f"{key} in {year if year is not None else 'any year'} in {spec.decl.file}")

    def data_step(self, index: int, key: str, figure, value, type_, span, citations):
        spec = self.compiled.datasets[index]
        year = self.years.get(spec.name)
        source = "" if figure is None else \
            f"{figure.dataset}, {year}, published as {figure.published} ({figure.unit}); {figure.source_url}"
        return R.step("data", f"{spec.name}[{key}]", value, type_, span, citations, source,
                      str(year) if year is not None else "")

    # ------------------------------------------------------------ the rest
    def builtin(self, node: ir.Builtin, args: tuple) -> Any:
        try:
            return BUILTINS[node.function].run(*args)
        except (ValueError, ArithmeticError) as error:
            return Missing.of(f"undefined: {node.function}(...) at {node.span}: {error}")

    def arith(self, node: ir.Arith, left, right) -> Any:
        return self.compiled.namespace["REPLAY"].run(node, (left, right))

    def no_such_day(self, node: ir.DateInYear, year) -> Missing:
        return Missing.of(f"undefined: no {node.day}/{node.month} in {year} ({node.span})")

    def reference(self, node: ir.Node, env: dict, S: list | None) -> Any:
        """A node the compiler does not know, computed by the reference evaluator."""
        evaluator = self._evaluator(S is not None)
        if S is None:
            return evaluator.eval(node, env)
        evaluator.steps.append(S)
        try:
            return evaluator.eval(node, env)
        finally:
            evaluator.steps.pop()

    def delegated(self, name: str, S: list | None, args: tuple) -> Any:
        """A function Python could not compile (see Compiled._add), computed by the reference evaluator."""
        what = self.compiled.delegates[name]
        if what[0] == "expression":
            return self.reference(what[1], dict(zip(what[2], args)), S)
        value = what[1]
        call = ir.Ref(value.type, NOWHERE, value.kind, value.name,
                      tuple(ir.Const(t, NOWHERE, a) for a, (_, t) in zip(args, value.params)))
        return self.reference(call, {}, S)

    def _evaluator(self, trace: bool) -> Evaluator:
        if self._reference is None or self._reference.tracing != trace:
            self._reference = Evaluator(self.compiled.program, self.compiled.tables, self.case, trace)
        return self._reference


# --------------------------------------------------------------- verdicts

def _base(r: ir.RequirementSpec, decided_by: ir.ExceptionSpec | None) -> dict:
    """The fields of an Outcome fixed by the requirement (and the deciding exception)."""
    citations = r.citations
    interpretations = tuple(n.text for n in r.decl.meta.interpretations)
    if decided_by is not None:
        citations = decided_by.citations + citations
        interpretations += tuple(n.text for n in decided_by.decl.meta.interpretations)
    return {**R.OUTCOME_DEFAULTS, "requirement": r.name, "title": r.title, "citations": citations,
            "decided_by": decided_by.name if decided_by is not None else None,
            "interpretations": interpretations, "span": r.decl.span}


class Plan:
    """One requirement, compiled: `run` is Evaluator.requirement and _instance."""

    def __init__(self, r: ir.RequirementSpec):
        self.spec = r
        self.name = r.name
        self.subject = r.subjects[0][1].name if r.subjects else None
        self.using = [t.name for _, t in r.using]
        self.source = self.when = self.requires = None
        self.unless: list = []
        self.exceptions: list = []
        self.base = _base(r, None)
        self.absent_source = r.for_each is not None and isinstance(r.for_each[1], (ir.FieldOf, ir.IndexOf))

    def resolve(self, namespace: dict) -> None:
        """Replace generated function names by the functions."""
        def fns(entry):
            if entry is None:
                return None
            node, fast, traced, label = entry
            return (node, namespace[fast], namespace[traced], label)
        self.source, self.when, self.requires = fns(self.source), fns(self.when), fns(self.requires)
        self.unless = [fns(u) for u in self.unless]
        self.exceptions = [(x, fns(when), fns(then), base) for x, when, then, base in self.exceptions]

    # -------------------------------------------------------------------
    def run(self, c: Context, out: list) -> None:
        subjects = c.documents_of(self.subject) if self.subject is not None else [None]
        for document in subjects:
            env = [document.record] if document is not None else []
            missing = self._bind_using(c, env)
            if missing is not None:
                out.append(self._verdict(self.base, document, None, "insufficient_information", missing))
                continue
            if self.source is None:
                out.append(self._instance(c, document, env, None))
                continue
            node, fast, traced, _ = self.source
            source = traced(c, [], *env) if c.tshared is not None else fast(c, *env)
            if source.__class__ is Missing and not source.unknown and self.absent_source:
                source = ()                  # a list or table the document does not have holds no items
            if source.__class__ is Missing:
                out.append(self._verdict(self.base, document, None, "insufficient_information", source))
                continue
            if not source:
                out.append(self._verdict(self.base, document, None, "not_applicable"))
                continue
            for key, item in c.compiled.items(source):
                out.append(self._instance(c, document, env + [item], key))

    def _bind_using(self, c: Context, env: list) -> Missing | None:
        for type_name in self.using:
            found = c.documents_of(type_name)
            if len(found) != 1:
                return Missing.of(f"{type_name}: {len(found)} documents of type {type_name} in the case "
                                  f"(exactly one is needed)" if found else f"{type_name}: no such document in the case")
            env.append(found[0].record)
        return None

    def _instance(self, c: Context, document, env: list, key: str | None) -> Outcome:
        verdict = self._verdict
        if self.when is not None:
            applies, step = _condition(c, self.when, env, "when")
            if applies is False:
                return verdict(self.base, document, key, "not_applicable", condition=step)
            if applies.__class__ is Missing:
                return verdict(self.base, document, key, "insufficient_information", applies, step)
        considered, decided = [], None
        for x, when, then, base in self.exceptions:
            applies, step = (True, None) if when is None else _condition(c, when, env, "exception")
            considered.append(R.considered(x.name, x.decl.title, x.priority,
                                           None if applies.__class__ is Missing else applies,
                                           x.outcome.kind, x.citations, step))
            if applies.__class__ is Missing:
                return verdict(self.base, document, key, "insufficient_information", applies, step, considered)
            if applies:
                decided = (x, then, base)
                break
        if decided is not None:
            return self._apply_exception(c, decided, document, env, key, tuple(considered))
        for condition in self.unless:
            holds, step = _condition(c, condition, env, "unless")
            if holds is True:
                return verdict(self.base, document, key, "not_applicable", condition=step, exceptions=considered)
            if holds.__class__ is Missing:
                return verdict(self.base, document, key, "insufficient_information", holds, step, considered)
        assessment = self.spec.assessment
        if assessment is not None:
            return verdict(self.base, document, key, "needs_assessment", exceptions=considered,
                           authority=assessment.authority, quote=assessment.quote)
        holds, step = _condition(c, self.requires, env, "requires")
        return self._judge(self.base, document, key, holds, step, considered)

    def _apply_exception(self, c: Context, decided, document, env, key, considered) -> Outcome:
        x, then, base = decided
        o = x.outcome
        if o.kind == "assessment":
            return self._verdict(base, document, key, "needs_assessment", exceptions=considered,
                                 authority=o.authority, quote=o.quote)
        if o.kind == "requires":
            holds, step = _condition(c, then, env, "requires")
            return self._judge(base, document, key, holds, step, considered)
        verdict = "compliant" if o.kind == "compliant" else "not_applicable"
        return self._verdict(base, document, key, verdict, exceptions=considered)

    def _judge(self, base, document, key, holds, step, considered) -> Outcome:
        if holds.__class__ is Missing:
            return self._verdict(base, document, key, "insufficient_information", holds, step, considered)
        return self._verdict(base, document, key, "compliant" if holds else "non_compliant", None, step, considered)

    @staticmethod
    def _verdict(base: dict, document, key, verdict: str, missing: Missing | None = None, condition=None,
                 exceptions=(), authority=None, quote=None) -> Outcome:
        return R.outcome(base, verdict, document, key, missing, condition, tuple(exceptions), authority, quote)


def _condition(c: Context, compiled, env: list, kind: str):
    """Evaluator._condition: the value, and with the trace the step that decided it."""
    node, fast, traced, label = compiled
    if c.tshared is None:
        return fast(c, *env), None
    children: list = []
    value = traced(c, children, *env)
    if len(children) == 1:
        return value, children[0]
    return value, R.step(kind, label, value, node.type, node.span, children=tuple(children))
