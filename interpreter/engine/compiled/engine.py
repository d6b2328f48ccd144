"""The compiled engine: generated functions, their caches, and verdicts per requirement.

`Compiled` is built once per rule set (on first use) and evaluates many cases. What
depends on a case lives in a `Context`; values that cannot differ between cases
(the reference key, a fair share for given reference numbers) are kept in caches per
data years, so that a pool or a sweep computes them once. A `Plan` binds a requirement's
subject and `using` documents and calls its generated functions (functions.py), which follow
`Evaluator.requirement` step for step: `for each`, `when`, exceptions by priority,
`unless`, the verdict.

One `Compiled` evaluates one case at a time (its caches and the slow path's evaluator are
shared between calls): a program evaluating cases in several threads needs one per thread.
"""

from __future__ import annotations

import linecache
from datetime import date
from fractions import Fraction
from typing import Any

from ...language import ir
from ...language.diagnostics import Diagnostic, Failed
from ...language.library import FUNCTIONS as BUILTINS
from ...language.library import call, unanswered
from ...language.syntax import NOWHERE
from ..documents import UNDISCLOSED
from ..evaluate import Case, Evaluator
from ..outcomes import Missing, Outcome
from . import analysis as A
from . import codegen as G
from . import functions as F
from . import runtime as R

GENERATED = "<ammr compiled rules>"
CACHE_LIMIT = 200_000            # values kept across cases, per data years, before starting afresh


class Compiled:
    """A checked program compiled to Python functions (both fast and traced)."""

    def __init__(self, program, tables: dict):
        self.program = program
        self.tables = tables
        gen = G.Generator(program)
        self.order = {code: i for i, code in enumerate(program.member_states)}
        self.values = list(program.values.values())
        self.datasets = list(program.datasets.values())
        self.delegates: dict[str, ir.Value] = {}   # definitions left to the reference evaluator
        gen.folded.update(self._fold())
        for value in self.values:
            for mode in (G.FAST, G.TRACE):
                self._definition(gen, value, mode)
        self.plans = [self._requirement(gen, index, r) for index, r in enumerate(program.requirements)]
        try:
            self.source, self.spans = gen.unit.source()
            code = compile(self.source, GENERATED, "exec")
        except (SyntaxError, RecursionError, MemoryError):
            self._only_what_compiles(gen)
            self.source, self.spans = gen.unit.source()
            code = compile(self.source, GENERATED, "exec")
        self.namespace = self._namespace(gen.unit.pool)
        # so that a traceback through generated code shows its lines
        linecache.cache[GENERATED] = (len(self.source), None, self.source.splitlines(True), GENERATED)
        exec(code, self.namespace)
        for plan in self.plans:
            plan.resolve(self.namespace)
        self._by_years: dict[tuple, tuple] = {}
        self._figure_index: dict[tuple, dict] = {}           # (dataset, year) -> geo -> Figure
        self._chosen: dict[frozenset | None, list] = {}      # the plans of the requirements asked for
        self._contexts = 0
        self._last_years: dict | None = None
        self._last_bundle: tuple = ()

    def _fold(self) -> dict:
        """Values the same in every case, computed now by the reference evaluator."""
        evaluator = Evaluator(self.program, self.tables, Case(()), trace=False)
        out = {}
        for value in self.values:
            if A.foldable(self.program, value):
                try:
                    result = evaluator.eval(ir.Ref(value.type, NOWHERE, value.kind, value.name, ()), {})
                except Exception:               # then it is computed each time, and fails where it is used
                    continue
                if not isinstance(result, Missing):
                    out[value.name] = result
        return out

    # A rule nested deeper than Python's limits (recursion, nested blocks) cannot be compiled:
    # a definition is then computed by the reference evaluator through a stand-in function of
    # the same name (Context.delegated), and a requirement decided by it (Plan.delegated).
    def _definition(self, gen, value: ir.Value, mode: str) -> None:
        try:
            function = F.definition(gen, value, mode)
        except RecursionError:
            function = self._delegate(gen, value, mode)
        function.what = value
        gen.unit.add(function)

    def _requirement(self, gen, index: int, r: ir.RequirementSpec) -> Plan:
        plan = Plan(r, index)
        requirement = F.Requirement(gen, r, index, [_base(r, None)] + [_base(r, x) for x in r.exceptions])
        try:
            functions = requirement.functions(G.FAST) + requirement.functions(G.TRACE)
        except RecursionError:
            plan.delegated = r
            return plan
        for function in functions:
            function.what = plan
            gen.unit.add(function)
        return plan

    def _only_what_compiles(self, gen) -> None:
        """The module as a whole does not compile: find which functions do not, one by one."""
        kept = []
        for function in gen.unit.functions:
            try:
                compile("\n".join(function.lines), GENERATED, "exec")
                kept.append(function)
            except (SyntaxError, RecursionError, MemoryError):
                if isinstance(function.what, Plan):
                    function.what.delegated = function.what.spec
                else:
                    kept.append(self._delegate(gen, function.what, function.mode))
        gen.unit.functions = [f for f in kept if not (isinstance(getattr(f, "what", None), Plan)
                                                      and f.what.delegated is not None)]

    def _delegate(self, gen, value: ir.Value, mode: str) -> G.Function:
        name = gen.function_name(value.name, mode)
        head = ["c", "S"] if mode == G.TRACE else ["c"]
        params = [f"a{j}" for j in range(len(value.params))]
        fn = G.Function(gen.unit, gen, name, head + params, mode, value.decl.span)
        fn.what = value
        self.delegates[name] = value
        trace_list = "S" if mode == G.TRACE else "None"
        fn.emit(f"return c.delegated({gen.unit.const(name)}, {trace_list}, ({''.join(p + ', ' for p in params)}))")
        return fn

    def _namespace(self, pool: list) -> dict:
        ns: dict[str, Any] = {f"K{i}": value for i, value in enumerate(pool)}
        replay = R.Replay(self.program, self.tables, A.lowered, A.Let)
        order = self.order
        size = len(order)

        class Rank(dict):
            def __missing__(self, code):       # a code the rules do not declare sorts last, as in _items
                return size

        rank = Rank(order).__getitem__

        def ordered_keys(source: dict) -> list:
            return sorted(source, key=rank)

        def items(source) -> list:
            """As Evaluator._items: tables in member-state order, lists with their paths."""
            if isinstance(source, dict):
                return [(k, k) for k in ordered_keys(source)]
            if isinstance(source, tuple) and source and isinstance(source[0], str):
                return [(k, k) for k in source]
            return [(f"{getattr(item, 'path', i) or i}", item) for i, item in enumerate(source)]

        def ordered(source) -> list:
            return [item for _, item in items(source)]

        made: dict = {}

        def decided(fields: dict, document: tuple | None, key: str | None) -> Outcome:
            """An untraced Outcome, made once: it is the same for every case that decides the same
            requirement, document and item the same way (a sweep makes it again and again)."""
            k = (id(fields), document, key)            # `fields` are constants of the generated code
            found = made.get(k)
            if found is None:
                if len(made) > CACHE_LIMIT:
                    made.clear()
                found = made[k] = R.decided(fields, document, key)
            return found

        ns.update(
            # values and helpers the generated code refers to by name (see runtime.py)
            F=Fraction, Missing=Missing, NOVAL=R.NOVAL, UNDISCLOSED=UNDISCLOSED, Slow=R.Slow,
            date=date, fraction=R.fraction, whole=R.whole, truncate=R.truncate, key_of=R.key_of, merge=R.merge,
            REPLAY=replay, combine=replay.combine,
            items=items, ordered=ordered, ordered_keys=ordered_keys,
            missing_field=R.missing_field, undisclosed_field=R.undisclosed_field, absent_entry=R.absent_entry,
            # traced: steps
            made=R.made, made_other=R.made_other, ref_label=R.ref_label, ref_label1=R.ref_label1,
            field_source=R.field_source, default_source=R.default_source, entry_source=R.entry_source,
            items_detail=lambda n: f"{n} item(s)",
            K_EMPTY="", K_SET="set for this case", K_SOURCE="source", K_CHILDREN="children",
            # verdicts
            outcome=R.outcome, decided=decided, undecided=R.undecided, considered=R.considered,
        )
        return ns

    # ------------------------------------------------------------ caches
    def for_years(self, data_years: dict) -> tuple:
        """What depends on the data years alone: the figures of each dataset in its year, and
        the caches of values kept across cases (fast, traced), one dictionary per definition."""
        self._contexts += 1
        if data_years == self._last_years and self._contexts % 1000:
            return self._last_bundle
        key = tuple(sorted(data_years.items()))
        found = self._by_years.get(key)
        if found is not None and \
                sum(len(t) for caches in found[1:] for t in caches) > CACHE_LIMIT:
            found = None                    # a long sweep over many values: start afresh
        if found is None:
            figures = [self._figures(spec.name, data_years.get(spec.name)) for spec in self.datasets]
            found = (figures, [{} for _ in self.values], [{} for _ in self.values])
            self._by_years[key] = found
        self._last_years, self._last_bundle = dict(data_years), found
        return found

    def _figures(self, dataset: str, year: int | None) -> dict:
        """geo -> Figure of one dataset in one year: the reference data as it is, indexed once (not
        a value computed from it, so `clear` keeps it)."""
        if year is None:
            return {}
        key = (dataset, year)
        found = self._figure_index.get(key)
        if found is None:
            found = self._figure_index[key] = \
                {geo: f for (geo, y), f in self.tables[dataset].figures.items() if y == year}
        return found

    def clear(self) -> None:
        """Forget the values kept across cases (for benchmarks that time computing them)."""
        self._by_years.clear()
        self._last_years = None

    # ------------------------------------------------------------ evaluate
    def evaluate(self, case: Case, trace: bool, only: frozenset[str] | None, memo: dict | None = None) -> list[Outcome]:
        """Outcomes for the case. `memo` (from `new_memo`), passed for every case of a sweep,
        keeps definitions of unchanged records across its cases."""
        c = Context(self, case, trace, memo)
        out: list[Outcome] = []
        plans = self._chosen.get(only)
        if plans is None:
            if len(self._chosen) > 100:
                self._chosen.clear()
            plans = self._chosen[only] = [p for p in self.plans if only is None or p.name in only]
        try:
            for plan in plans:
                plan.run(c, out)
        except (Failed, KeyboardInterrupt):
            raise
        except Exception as error:         # a bug, or a value the rules cannot handle: say where in the rules
            raise self.located(error) from error
        return out

    def new_memo(self) -> dict:
        """A memo for the definitions of records, by definition: pass the same one for every
        case of a sweep to keep them across its cases (records that did not change are the same)."""
        return {}

    def located(self, error: Exception) -> Failed:
        """The error as a diagnostic at the rule that the innermost generated line was made from."""
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


class Context:
    """What the generated functions see of one case."""
    __slots__ = ("compiled", "case", "parameters", "data", "shared", "tshared", "memo", "tmemo", "tsites", "years",
                 "tracing", "_reference", "_by_type")

    def __init__(self, compiled: Compiled, case: Case, trace: bool, memo: dict | None = None):
        self.compiled = compiled
        self.case = case
        self.parameters = case.parameters
        self.years = case.data_years
        self.data, self.shared, self.tshared = compiled.for_years(case.data_years)
        self.tracing = trace
        self.memo = memo if memo is not None else {}
        self.tmemo: dict = {}
        self.tsites: dict = {}                 # fields of documents, traced, by place and document
        self._reference: Evaluator | None = None
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
        return R.made_other(R.template("data", "", type_, span, citations), f"{spec.name}[{key}]", value, source,
                            str(year) if year is not None else "", [])

    # ------------------------------------------------------------ the rest
    def builtin(self, node: ir.Builtin, args: tuple) -> Any:
        try:
            return call(BUILTINS[node.function], args, self.case.holidays)
        except (ValueError, ArithmeticError) as error:
            return Missing.of(unanswered(node.function, node.span, error))

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
        """A definition Python could not compile (see Compiled._add), computed by the reference evaluator."""
        value = self.compiled.delegates[name]
        call = ir.Ref(value.type, NOWHERE, value.kind, value.name,
                      tuple(ir.Const(t, NOWHERE, a) for a, (_, t) in zip(args, value.params)))
        return self.reference(call, {}, S)

    def _evaluator(self, trace: bool) -> Evaluator:
        if self._reference is None or self._reference.tracing != trace:
            evaluator = Evaluator(self.compiled.program, self.compiled.tables, self.case, trace)
            # inlined definitions (untraced code): the parameters are in the env by their variables
            evaluator.dispatch[A.Bound] = lambda node, env: env[node.name]
            evaluator.dispatch[A.Let] = lambda node, env: evaluator.eval(
                node.body, {**env, **{name: evaluator.eval(arg, env) for name, arg in node.bindings}})
            self._reference = evaluator
        return self._reference


# --------------------------------------------------------------- verdicts

def _base(r: ir.RequirementSpec, decided_by: ir.ExceptionSpec | None) -> dict:
    """The fields of an Outcome fixed by the requirement (and the deciding exception)."""
    citations = r.citations
    interpretations = tuple(n.text for n in r.decl.meta.interpretations)
    if decided_by is not None:
        citations = decided_by.citations + citations
        interpretations += tuple(n.text for n in decided_by.decl.meta.interpretations)
    return {"requirement": r.name, "title": r.title, "citations": citations,
            "decided_by": decided_by.name if decided_by is not None else None,
            "interpretations": interpretations, "span": r.decl.span}


class Plan:
    """One requirement: binds its subject and `using` documents, then runs the generated R<n>."""

    def __init__(self, r: ir.RequirementSpec, index: int):
        self.spec = r
        self.name = r.name
        self.index = index
        self.subject = r.subjects[0][1].name if r.subjects else None
        self.using = [t.name for _, t in r.using]
        self.base = _base(r, None)
        self.each = r.for_each is not None
        self.fast: Any = None            # the generated functions (resolve)
        self.traced: Any = None
        self.delegated: ir.RequirementSpec | None = None      # set when Python could not compile it

    def resolve(self, namespace: dict) -> None:
        """The generated functions: R<n> goes through the `for each` items, I<n> decides one."""
        if self.delegated is None:
            name = "R" if self.each else "I"
            self.fast = namespace[f"{name}{self.index}_{G.FAST}"]
            self.traced = namespace[f"{name}{self.index}_{G.TRACE}"]
            if self.subject is not None and not self.using and not self.each:
                self.run = self._simple         # type: ignore[method-assign]  # the common case, chosen once

    def _simple(self, c: Context, out: list) -> None:
        """The common case, without the general one's bookkeeping: one subject, no `using`, no items."""
        decide = self.traced if c.tracing else self.fast
        assert self.subject is not None
        for document in c.documents_of(self.subject):
            out.append(decide(c, (document.label, document.type), None, document.record))

    def run(self, c: Context, out: list) -> None:
        if self.delegated is not None or not self._using_present(c):
            # a `using` document missing or not alone of its type is rare: the reference evaluator decides
            out.extend(c._evaluator(c.tracing).requirement(self.spec))
            return
        run = self.traced if c.tracing else self.fast
        subjects = c.documents_of(self.subject) if self.subject is not None else (None,)
        for document in subjects:
            env = [document.record] if document is not None else []
            shown = (document.label, document.type) if document is not None else None
            env.extend(c.documents_of(type_name)[0].record for type_name in self.using)
            if self.each:
                run(c, out, shown, *env)
            else:
                out.append(run(c, shown, None, *env))

    def _using_present(self, c: Context) -> bool:
        return all(len(c.documents_of(type_name)) == 1 for type_name in self.using)
