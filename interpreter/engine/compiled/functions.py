"""The generated functions of definitions and requirements, in both modes.

`definition` writes D<n> (untraced) and T<n> (traced) for a definition, constant or
parameter, with its cache; `Requirement` writes I<n>, which decides one instance of a
requirement as Evaluator._instance does, and R<n>, which goes through its `for each`
items. The expressions inside are written by codegen.Function.
"""

from __future__ import annotations

from typing import Any

from ...language import ir
from ...language import typesys as T
from .analysis import cross_case, numeric
from .codegen import FAST, TRACE, Function, Generator
from .runtime import DENOMINATOR, NUMERATOR, fixed, template
from .runtime import considered as considered_record
from .source import integer as _int


def definition(gen: Generator, value: ir.Value, mode: str) -> Function:
    """A definition, constant or parameter. Traced, it is memoized as the reference evaluator
    does it, since a repeated use records the same step again. Untraced, the cache is only
    for speed: values that cannot differ between cases are kept across cases (see
    `cross_case`); others per case (or per sweep, `memo`), keyed by the records themselves."""
    index = gen.names[value.name]
    args = [f"a{j}" for j in range(len(value.params))]
    head = ["c", "S"] if mode == TRACE else ["c"]
    fn = Function(gen.unit, gen, gen.function_name(value.name, mode), head + args, mode, value.decl.span)
    if mode == FAST and value.name in gen.folded:
        fn.emit(f"return {fn.k(gen.folded[value.name])}")
        return fn
    scope = {name: arg for (name, _), arg in zip(value.params, args)}
    body = gen.inline(value.body) if mode == FAST else value.body
    parts = [f"(({a}.{NUMERATOR}, {a}.{DENOMINATOR}) if {a}.__class__ is F else key_of({a}))" if numeric(t)
             else f"({a} if {a}.__class__ is not Missing else key_of({a}))" for a, (_, t) in zip(args, value.params)]
    key = parts[0] if len(parts) == 1 else f"({''.join(p + ', ' for p in parts)})"
    numbers = [a for a, (_, t) in zip(args, value.params) if numeric(t)]
    if parts and numbers:
        # the common case first: every number a Fraction and no argument missing, as one flat tuple,
        # cheaper to make and hash than the tuple of pairs above (longer than it, so never equal to it:
        # a value reached both ways is computed twice, never mixed up)
        flat = ", ".join(f"{a}.{NUMERATOR}, {a}.{DENOMINATOR}" if numeric(t) else a
                         for a, (_, t) in zip(args, value.params))
        test = " and ".join(f"{a}.__class__ is F" if numeric(t) else f"{a}.__class__ is not Missing"
                            for a, (_, t) in zip(args, value.params))
        key = f"({flat},) if {test} else {key}"
    # traced, a small definition of records (the ones untraced code computes in place) is not
    # memoized either: computed again, its step is the same (only not the same object)
    memoized = mode == FAST or not gen.inliner.inlined(value.name) or cross_case(gen.program, value)
    if mode == TRACE and memoized:
        if cross_case(gen.program, value):
            fn.emit(f"t = c.tshared[{_int(index)}]")
            fn.emit(f"k = {key}")
        else:
            fn.emit(f"t = c.tmemo.get({_int(index)})")
            fn.emit(f"k = {key}")
            with fn.block("if t is None:"):
                fn.emit(f"t = c.tmemo[{_int(index)}] = {{}}")
        fn.emit("h = t.get(k, NOVAL)")
        with fn.block("if h is not NOVAL:"):
            fn.emit("S.append(h[1])")
            fn.emit("return h[0]")
    elif cross_case(gen.program, value):
        fn.emit(f"t = c.shared[{_int(index)}]")
        fn.emit(f"k = {key}")
        fn.emit("h = t.get(k, NOVAL)")
        with fn.block("if h is not NOVAL:"):
            fn.emit("return h")
    else:
        fn.emit(f"t = c.memo.get({_int(index)})")
        fn.emit(f"k = {key}")
        with fn.block("if t is None:"):
            fn.emit(f"t = c.memo[{_int(index)}] = {{}}")
        with fn.block("else:"):
            fn.emit("h = t.get(k, NOVAL)")
            with fn.block("if h is not NOVAL:"):
                fn.emit("return h")
    name = fn.k(value.name)
    C = "C" if mode == TRACE else None
    if C:
        fn.emit("C = []")
        fn.emit("source = K_EMPTY")
    if value.kind == "parameter":
        with fn.block(f"if {name} in c.parameters:"):
            fn.emit(f"r = c.parameters[{name}]")
            if C:
                fn.emit("source = K_SET")
        with fn.block("else:"):
            fn.emit(f"r = {fn.value(body, scope, C)}")
    else:
        fn.emit(f"r = {fn.value(body, scope, C)}")
    if mode == TRACE:
        if len(args) == 1:
            label = f"ref_label1({fn.k(value.name + '(')}, a0)"
        else:
            label = f"ref_label({name}, ({''.join(a + ', ' for a in args)}))" if args else name
        interpretations = tuple(n.text for n in value.decl.meta.interpretations)
        tpl = fn.k(template(value.kind, value.name, value.type, value.decl.span, value.citations,
                            interpretations=interpretations))
        fn.emit(f"st = made_other({tpl}, {label}, r, source, K_EMPTY, C)")
        fn.emit("S.append(st)")
        if memoized:
            fn.emit("t[k] = (r, st)")
    else:
        fn.emit("t[k] = r")
    fn.emit("return r")
    return fn


# ----------------------------------------------------------- requirements

class Requirement:
    """Evaluator.requirement and _instance for one requirement, as generated code.

    `R<n>(c, out, document, e0, ...)` gets the subject document and the records bound to
    the subject and `using` names, goes through the `for each` items and appends one
    Outcome per instance; `I<n>(c, document, key, e0, ...)` decides one instance: `when`,
    the exceptions by priority, `unless`, assessment or `requires`, in the reference's order.
    """

    def __init__(self, gen: Generator, r: ir.RequirementSpec, index: int, bases: list[Any]):
        self.gen, self.r, self.index = gen, r, index
        self.bases = bases               # Outcome fields fixed per requirement, then per exception

    def functions(self, mode: str) -> list[Function]:
        return [self._instance(mode), self._all(mode)]

    def env(self) -> list[str]:
        r = self.r
        return [n for n, _ in r.subjects] + [n for n, _ in r.using] + ([r.for_each[0]] if r.for_each else [])

    def _all(self, mode: str) -> Function:
        r, gen = self.r, self.gen
        bound = [f"e{j}" for j in range(len(r.subjects) + len(r.using))]
        fn = Function(gen.unit, gen, f"R{self.index}_{mode}", ["c", "out", "document"] + bound, mode, r.decl.span)
        fn.safe.update(bound)
        instance = f"I{self.index}_{mode}"
        if r.for_each is None:
            fn.emit(f"out.append({instance}(c, document, None{''.join(', ' + e for e in bound)}))")
            return fn
        var, node = r.for_each
        if mode == TRACE:
            fn.emit("S = []")             # the reference records these steps where no outcome shows them
        source = fn.value(node if mode == TRACE else gen.inline(node),
                          dict(zip([n for n, _ in r.subjects] + [n for n, _ in r.using], bound)),
                          "S" if mode == TRACE else None)
        base = self.bases[0]
        if isinstance(node, (ir.FieldOf, ir.IndexOf)):
            # a list or table the document does not have holds no items
            with fn.block(f"if {source}.__class__ is Missing and not {source}.unknown:"):
                fn.emit(f"{source} = ()")
        with fn.block(f"if {source}.__class__ is Missing:"):
            fn.emit(f"out.append(undecided({fn.k(fixed(base, 'insufficient_information'))}, document, None, {source}))")
        with fn.block(f"elif not {source}:"):
            fn.emit(f"out.append(decided({fn.k(fixed(base, 'not_applicable'))}, document, None))")
        with fn.block("else:"):
            if isinstance(node.type, (T.Table, T.MemberStates)):
                # member states: each is its own name (tables in member-state order)
                order = f"ordered_keys({source})" if isinstance(node.type, T.Table) else source
                with fn.block(f"for x in {order}:"):
                    fn.emit(f"out.append({instance}(c, document, x{''.join(', ' + e for e in bound)}, x))")
            else:
                with fn.block(f"for k, x in items({source}):"):
                    fn.emit(f"out.append({instance}(c, document, k{''.join(', ' + e for e in bound)}, x))")
        return fn

    def _instance(self, mode: str) -> Function:
        r, gen = self.r, self.gen
        args = [f"e{j}" for j in range(len(self.env()))]
        fn = Function(gen.unit, gen, f"I{self.index}_{mode}", ["c", "document", "key"] + args, mode, r.decl.span)
        fn.safe.update(args)
        if r.for_each is not None:
            fn.documents.update(args[:-1])          # the same for every item
        scope = dict(zip(self.env(), args))
        base = self.bases[0]

        def verdict(verdict: str, missing: str = "None", step: str = "None", exceptions: str | tuple = (),
                    authority: Any = None, quote: Any = None, which: dict = base) -> None:
            """Return the Outcome. `exceptions` is code (traced) or the ExceptionConsidered known
            when compiling (untraced)."""
            if isinstance(exceptions, tuple) and step == "None":
                fields = fn.k(fixed(which, verdict, authority, quote, exceptions))
                if missing == "None":
                    fn.emit(f"return decided({fields}, document, key)")
                else:
                    fn.emit(f"return undecided({fields}, document, key, {missing})")
                return
            fields = fn.k(fixed(which, verdict, authority, quote))
            fn.emit(f"return outcome({fields}, document, key, {missing}, {step}, {exceptions})")

        if r.when is not None:
            applies, step = self._condition(fn, r.when, scope, "when")
            with fn.block(f"if {applies} is False:"):
                verdict("not_applicable", step=step)
            with fn.block(f"if {applies}.__class__ is Missing:"):
                verdict("insufficient_information", applies, step)
        considered: str | tuple = ()
        if r.exceptions and mode == TRACE:
            fn.emit("X = []")
            considered = "tuple(X)"
        for j, x in enumerate(r.exceptions):
            if x.when is None:
                applies, step = "True", "None"
            else:
                applies, step = self._condition(fn, x.when, scope, "exception")
            if mode == TRACE:
                fn.emit(f"X.append(considered({fn.k(x.name)}, {fn.k(x.decl.title)}, {_int(x.priority)}, "
                        f"None if {applies}.__class__ is Missing else {applies}, {fn.k(x.outcome.kind)}, "
                        f"{fn.k(x.citations)}, {step}))")
                unknown = applied = considered
            else:
                # untraced, what was considered is known when compiling: the exceptions before
                # this one did not apply, and this one could not tell, or applied
                before = tuple(self._considered(y, False) for y in r.exceptions[:j])
                unknown = before + (self._considered(x, None),)
                applied = before + (self._considered(x, True),)
            test = fn.missing_test(applies)
            if test:
                with fn.block(f"if {test}:"):
                    verdict("insufficient_information", applies, step, unknown)
            with fn.block(f"if {applies}:"):
                self._apply_exception(fn, x, scope, self.bases[j + 1], verdict, applied)
        if r.exceptions and mode == FAST:
            considered = tuple(self._considered(y, False) for y in r.exceptions)
        for condition in r.unless:
            holds, step = self._condition(fn, condition, scope, "unless")
            with fn.block(f"if {holds} is True:"):
                verdict("not_applicable", step=step, exceptions=considered)
            with fn.block(f"if {holds}.__class__ is Missing:"):
                verdict("insufficient_information", holds, step, considered)
        if r.assessment is not None:
            verdict("needs_assessment", exceptions=considered, authority=r.assessment.authority,
                    quote=r.assessment.quote)
        else:
            assert r.requires is not None       # a requirement requires a condition or needs an assessment
            holds, step = self._condition(fn, r.requires, scope, "requires")
            self._judge(fn, holds, step, considered, base)
        return fn

    @staticmethod
    def _considered(x: ir.ExceptionSpec, applied: bool | None) -> Any:
        return considered_record(x.name, x.decl.title, x.priority, applied, x.outcome.kind, x.citations, None)

    def _apply_exception(self, fn: Function, x: ir.ExceptionSpec, scope, base: dict, verdict, considered) -> None:
        o = x.outcome
        if o.kind == "assessment":
            verdict("needs_assessment", exceptions=considered, authority=o.authority, quote=o.quote, which=base)
        elif o.kind == "requires":
            assert o.condition is not None
            holds, step = self._condition(fn, o.condition, scope, "requires")
            self._judge(fn, holds, step, considered, base)
        else:
            verdict("compliant" if o.kind == "compliant" else "not_applicable", exceptions=considered, which=base)

    def _judge(self, fn: Function, holds: str, step: str, considered: Any, base: dict) -> None:
        test = fn.missing_test(holds)
        if fn.mode == FAST:
            if test:
                with fn.block(f"if {test}:"):
                    fn.emit(f"return undecided({fn.k(fixed(base, 'insufficient_information', exceptions=considered))}, "
                            f"document, key, {holds})")
            yes, no = (fn.k(fixed(base, v, exceptions=considered)) for v in ("compliant", "non_compliant"))
            fn.emit(f"return decided({yes} if {holds} else {no}, document, key)")
            return
        if test:
            with fn.block(f"if {test}:"):
                fn.emit(f"return outcome({fn.k(fixed(base, 'insufficient_information'))}, document, key, {holds}, "
                        f"{step}, {considered})")
        fn.emit(f"return outcome({fn.k(fixed(base, 'compliant'))} if {holds} else "
                f"{fn.k(fixed(base, 'non_compliant'))}, document, key, None, {step}, {considered})")

    def _condition(self, fn: Function, node: ir.Node, scope, kind: str) -> tuple[str, str]:
        """Evaluator._condition: the value, and traced, the step that decided it."""
        if fn.mode == FAST:
            return fn.value(self.gen.inline(node), scope, None), "None"
        C, st = fn.temp("s"), fn.temp("st")
        fn.emit(f"{C} = []")
        value = fn.value(node, scope, C)
        fn.emit(f"{st} = {C}[0] if len({C}) == 1 else made({fn.tpl(kind, node)}, {value}, K_CHILDREN, tuple({C}))")
        return value, st
