"""Checked program (IR) -> Python source: the expression of each node, in a generated function.

Each function is generated twice: for verdicts only ("fast": no trace), and with the
trace ("trace": the same `Step`s, in the same order, as the reference evaluator).
Arithmetic on quantities is lowered to exact integers (arithmetic.py); small definitions
are computed in place in untraced code (inline.py); functions.py writes the functions of
definitions and requirements with what this module writes for their expressions.

Nothing from a rule file is ever written into the source: names, texts, dates,
spans and fractions go into a constant pool and are referred to as K<n>; the
source holds only identifiers this module makes up, integers, and Python syntax
(tests/test_compile.py checks the tokens). Each generated line remembers the rule
span it was made from, so that an error at run time can point at the rule file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

from ...language import ir
from ...language import typesys as T
from ...language.syntax import Span
from .analysis import Bound, Let, NumberKinds, lowered, numeric
from .arithmetic import Arithmetic, _times
from .inline import Inliner
from .runtime import DENOMINATOR, NUMERATOR, template
from .source import Unit
from .source import integer as _int

FAST, TRACE = "fast", "trace"

_COMPARE_OPS = {">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "==", "!=": "!="}


# ------------------------------------------------------------ one function

class Function(Arithmetic):
    """Source lines of one generated function, with the expression compiler."""

    def __init__(self, unit: Unit, gen: Generator, name: str, params: list[str], mode: str, span: Span):
        self.unit, self.gen, self.mode = unit, gen, mode
        self.lines: list[str] = []
        self.spans: list[Span] = []
        self.depth = 0
        self.count = 0
        self.span = span
        self.what: Any = None             # what the function is for: a definition (ir.Value) or a Plan
        self.safe: set[str] = set()       # variables that never hold a Missing (documents, items)
        self.documents: set[str] = set()  # variables holding documents, in a function run for each item
        self.emit(f"def {name}({', '.join(params)}):")
        self.depth = 1

    # ---------------------------------------------------------------- output
    def emit(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)
        self.spans.append(self.span)

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        self.emit(header)
        self.depth += 1
        yield
        self.depth -= 1

    @contextmanager
    def at(self, node: ir.Node) -> Iterator[None]:
        """Lines emitted inside belong to `node`'s place in the rules."""
        outer = self.span
        if node.span is not None and node.span.line:
            self.span = node.span
        yield
        self.span = outer

    def temp(self, prefix: str = "t") -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def k(self, value: Any) -> str:
        return self.unit.const(value)

    def tpl(self, kind: str, node: ir.Node, type_: Any = None, **fields: Any) -> str:
        """The pooled template of the step recorded for `node` (see runtime.template)."""
        return self.k(template(kind, self.gen.label(node), node.type if type_ is None else type_, node.span,
                               **fields))

    def missing_test(self, *names: str) -> str | None:
        """The test whether one of `names` is Missing; None when none of them can be."""
        tests = [f"{n}.__class__ is Missing" for n in names
                 if n not in self.safe and not n.startswith("K") and n not in ("True", "False")]
        return " or ".join(tests) or None

    @contextmanager
    def unless_missing(self, r: str, *names: str) -> Iterator[None]:
        """`r` = the missing fact among `names`, else what the block computes (the reference
        returns the Missing operand, or merges two)."""
        test = self.missing_test(*names)
        if test is None:
            yield
            return
        with self.block(f"if {test}:"):
            unsafe = [n for n in names if self.missing_test(n)]
            self.emit(f"{r} = {unsafe[0]}" if len(unsafe) == 1 else f"{r} = merge({', '.join(names)})")
        with self.block("else:"):
            yield

    @property
    def tracing(self) -> bool:
        return self.mode == TRACE

    # ---------------------------------------------------------- expressions
    def value(self, node: ir.Node, scope: dict[str, str], S: str | None) -> str:
        """Emit code computing `node`; return an expression (a name) holding its value, exactly
        the value the reference evaluator computes. Trace steps go to the list named `S`."""
        with self.at(node):
            if isinstance(node, ir.Const):
                return self.k(node.value)
            if lowered(node):
                return self._numeric_root(node, scope, S)
            method = getattr(self, "_" + type(node).__name__, None)
            if method is None:
                return self._fallback(node, scope, S)
            return method(node, scope, S)

    def _fallback(self, node: ir.Node, scope: dict[str, str], S: str | None) -> str:
        """A node kind this compiler does not know: the reference evaluator computes it."""
        r = self.temp()
        self.emit(f"{r} = c.reference({self.k(node)}, {self.environment(node, scope)}, {S or 'None'})")
        return r

    def environment(self, node: ir.Node, scope: dict[str, str]) -> str:
        """The variables `node` sees, as the reference evaluator's env (with inlined parameters)."""
        names = dict(scope)
        inside = {name for n in ir.walk(node) if isinstance(n, Let) for name, _ in n.bindings}
        names.update({n.name: n.name for n in ir.walk(node) if isinstance(n, Bound) and n.name not in inside})
        return "{" + ", ".join(f"{self.k(name)}: {var}" for name, var in names.items()) + "}"

    def _Local(self, node: ir.Local, scope, S) -> str:
        return scope[node.name]

    def _Bound(self, node: Bound, scope, S) -> str:
        return node.name

    def _Let(self, node: Let, scope, S) -> str:
        self._bind(node, scope, S)
        return self.value(node.body, scope, S)

    def _bind(self, node: Let, scope, S) -> None:
        for name, argument in node.bindings:
            self.emit(f"{name} = {self.value(argument, scope, S)}")

    def _Participating(self, node, scope, S) -> str:
        return self.k(self.gen.participating)

    def _Ref(self, node: ir.Ref, scope, S) -> str:
        if not self.tracing and node.name in self.gen.folded:
            return self.k(self.gen.folded[node.name])
        args = [self.value(a, scope, S) for a in node.args]
        r = self.temp()
        target = self.gen.function_name(node.name, self.mode)
        if self.tracing:
            self.emit(f"{r} = {target}(c, {S}{''.join(', ' + a for a in args)})")
        else:
            self.emit(f"{r} = {target}(c{''.join(', ' + a for a in args)})")
        return r

    def _DataRef(self, node: ir.DataRef, scope, S) -> str:
        key = self.value(node.key, scope, S)
        r, figure = self.temp(), self.temp("f")
        index = self.gen.dataset_index(node.dataset)
        with self.unless_missing(r, key):
            self.emit(f"{figure} = c.data[{_int(index)}].get({key})")
            with self.block(f"if {figure} is None:"):
                self.emit(f"{r} = c.no_figure({_int(index)}, {key})")
            with self.block("else:"):
                self.emit(f"{r} = {figure}.value")
            if self.tracing:
                spec = self.gen.program.datasets[node.dataset]
                self.emit(f"{S}.append(c.data_step({_int(index)}, {key}, {figure}, {r}, {self.k(node.type)}, "
                          f"{self.k(node.span)}, {self.k(spec.citations)}))")
        return r

    def _FieldOf(self, node: ir.FieldOf, scope, S) -> str:
        target = self.value(node.target, scope, S)
        if self.tracing and target in self.documents and not _structured(node.type):
            return self._field_of_document(node, target, S)
        return self._field(node, target, S)

    def _field_of_document(self, node: ir.FieldOf, target: str, S: str) -> str:
        """A field of the subject (or a `using`) document, read again for each item of a
        `for each`: its value and steps are the same each time, so they are kept for the case."""
        self.gen.sites += 1
        r, found, steps = self.temp(), self.temp("h"), self.temp("s")
        self.emit(f"{found} = c.tsites.get(({_int(self.gen.sites)}, {target}))")
        with self.block(f"if {found} is None:"):
            self.emit(f"{steps} = []")
            self.emit(f"{r} = {self._field(node, target, steps)}")
            self.emit(f"c.tsites[({_int(self.gen.sites)}, {target})] = ({r}, {steps})")
            self.emit(f"{S}.extend({steps})")
        with self.block("else:"):
            self.emit(f"{r} = {found}[0]")
            self.emit(f"{S}.extend({found}[1])")
        return r

    def _field(self, node: ir.FieldOf, target: str, S: str | None) -> str:
        r, name = self.temp(), self.k(node.name)
        spec = self.gen.program.structs[T.record_name(node.target.type)].fields[node.name]
        with self.unless_missing(r, target):
            self.emit(f"{r} = {target}.fields.get({name}, NOVAL)")
            with self.block(f"if {r} is NOVAL:"):
                if spec.default is not None:
                    default = self.value(spec.default, {}, S)
                    self.emit(f"{r} = {default}")
                    if self.tracing:
                        self.emit(f"{S}.append(made({self.tpl('default', node)}, {r}, K_SOURCE, "
                                  f"default_source({target}, {name}, {self.k(str(spec.decl.span))})))")
                else:
                    self.emit(f"{r} = missing_field({target}, {name})")
                    if self.tracing:
                        self._input_step(node, target, name, r, S)
            with self.block(f"elif {r} is UNDISCLOSED:"):
                self.emit(f"{r} = undisclosed_field({target}, {name})")
                if self.tracing:
                    self._input_step(node, target, name, r, S)
            if self.tracing and not _structured(node.type):
                # a record, table or list is not an input: its fields are (documents hold them as such)
                with self.block("else:"):
                    self._input_step(node, target, name, r, S)
        return r

    def _input_step(self, node: ir.FieldOf, target: str, name: str, r: str, S: str | None) -> None:
        self.emit(f"{S}.append(made({self.tpl('input', node)}, {r}, K_SOURCE, field_source({target}, {name})))")

    def _IndexOf(self, node: ir.IndexOf, scope, S) -> str:
        target = self.value(node.target, scope, S)
        key = self.value(node.key, scope, S)
        r = self.temp()
        with self.unless_missing(r, target, key):
            self.emit(f"{r} = {target}.get({key}, NOVAL)")
            record = f"{S}.append(made({self.tpl('input', node)}, {r}, K_SOURCE, entry_source({target}, {key})))"
            with self.block(f"if {r} is NOVAL or {r} is UNDISCLOSED:"):
                self.emit(f"{r} = absent_entry({target}, {key}, {r})")
                if self.tracing and _structured(node.type):
                    self.emit(record)          # present, a record or table is not an input
            if self.tracing and not _structured(node.type):
                self.emit(record)
        return r

    def _Builtin(self, node: ir.Builtin, scope, S) -> str:
        args = [self.value(a, scope, S) for a in node.args]
        r = self.temp()
        with self.unless_missing(r, *args):
            self.emit(f"{r} = c.builtin({self.k(node)}, ({''.join(a + ', ' for a in args)}))")
        return r

    def _If(self, node: ir.If, scope, S) -> str:
        condition = self.value(node.condition, scope, S)
        r = self.temp()
        test = self.missing_test(condition)
        if test:
            with self.block(f"if {test}:"):
                self.emit(f"{r} = {condition}")
        with self.block(f"{'el' if test else ''}if {condition}:"):
            self.emit(f"{r} = {self.value(node.then, scope, S)}")
        with self.block("else:"):
            self.emit(f"{r} = {self.value(node.otherwise, scope, S)}")
        return r

    def _DateInYear(self, node: ir.DateInYear, scope, S) -> str:
        year = self.value(node.year, scope, S)
        r = self.temp()
        with self.unless_missing(r, year):
            with self.block("try:"):
                self.emit(f"{r} = date(int({year}), {_int(node.month)}, {_int(node.day)})")
            with self.block("except ValueError:"):
                self.emit(f"{r} = c.no_such_day({self.k(node)}, {year})")
        return r

    def _Arith(self, node: ir.Arith, scope, S) -> str:
        """Arithmetic on dates (the days between two dates); on quantities it is lowered."""
        left, right = self.value(node.left, scope, S), self.value(node.right, scope, S)
        r = self.temp()
        if node.op != "-" or node.left.type != T.DATE or node.right.type != T.DATE:
            self.emit(f"{r} = c.arith({self.k(node)}, {left}, {right})")
            return r
        with self.unless_missing(r, left, right):
            self.emit(f"{r} = whole(({left} - {right}).days)")
        return r

    # ----------------------------------------------------------- conditions
    def _Logic(self, node: ir.Logic, scope, S) -> str:
        decisive = "False" if node.op == "and" else "True"
        C = self.temp("s") if self.tracing else None
        if C:
            self.emit(f"{C} = []")
        left = self.value(node.left, scope, C)
        r = self.temp()
        with self.block(f"if {left} is {decisive}:"):
            self.emit(f"{r} = {decisive}")
        with self.block("else:"):
            right = self.value(node.right, scope, C)
            with self.block(f"if {right} is {decisive}:"):
                self.emit(f"{r} = {decisive}")
            with self.block(f"elif {left}.__class__ is Missing or {right}.__class__ is Missing:"):
                self.emit(f"{r} = merge({left}, {right})")
            with self.block("else:"):
                self.emit(f"{r} = {right}")
        if C:
            logic = self.tpl('logic', node, T.BOOL, detail=node.op)
            self.emit(f"{S}.append(made({logic}, {r}, K_CHILDREN, tuple({C})))")
        return r

    def _Not(self, node: ir.Not, scope, S) -> str:
        C = self._push()
        value = self.value(node.operand, scope, C)
        r = self.temp()
        self.emit(f"{r} = {value} if {value}.__class__ is Missing else not {value}")
        self._pop("not", node, r, C, S)
        return r

    def _IsGiven(self, node: ir.IsGiven, scope, S) -> str:
        C = self._push()
        value = self.value(node.operand, scope, C)
        r = self.temp()
        absent, present = ("True", "False") if node.negated else ("False", "True")
        with self.block(f"if {value}.__class__ is Missing:"):
            self.emit(f"{r} = {value} if {value}.unknown else {absent}")
        with self.block("else:"):
            self.emit(f"{r} = {present}")
        self._pop("given", node, r, C, S)
        return r

    def _push(self) -> str | None:
        if not self.tracing:
            return None
        C = self.temp("s")
        self.emit(f"{C} = []")
        return C

    def _pop(self, kind: str, node: ir.Node, r: str, C: str | None, S: str | None) -> None:
        if C:
            self.emit(f"{S}.append(made({self.tpl(kind, node, T.BOOL)}, {r}, K_CHILDREN, tuple({C})))")

    def _MemberOf(self, node: ir.MemberOf, scope, S) -> str:
        item = self.value(node.item, scope, S)
        if isinstance(node.collection, ir.Participating):
            collection = self.k(frozenset(self.gen.participating))      # the same members, found by hash
        else:
            collection = self.value(node.collection, scope, S)
        r = self.temp()
        with self.unless_missing(r, item, collection):
            self.emit(f"{r} = {item} {'not in' if node.negated else 'in'} {collection}")
            if self.tracing:
                self.emit(f"{S}.append(made({self.tpl('member', node, T.BOOL)}, {r}))")
        return r

    def _Compare(self, node: ir.Compare, scope, S) -> str:
        op = _COMPARE_OPS.get(node.op)
        if op is None:
            return self._fallback(node, scope, S)
        both_numeric = numeric(node.left.type) and numeric(node.right.type)
        if both_numeric and not self.tracing:
            return self._lowered_compare(node, op, scope)
        C = self._push()
        left, right = self.value(node.left, scope, C), self.value(node.right, scope, C)
        r = self.temp()
        if both_numeric:
            # traced, both sides are recorded as the reference holds them; compared on integers
            with self.block("try:"):
                a, b = self._split(node.left, left), self._split(node.right, right)
                self.emit(f"{r} = {_times(a.n, b.d)} {op} {_times(b.n, a.d)}")
            with self.block("except Slow:"):
                with self.unless_missing(r, left, right):
                    self.emit(f"{r} = {left} {op} {right}")
        else:
            with self.unless_missing(r, left, right):
                self.emit(f"{r} = {left} {op} {right}")
        if C:
            self.emit(f"{C}[:0] = (made({self.tpl('operand', node.left)}, {left}), "
                      f"made({self.tpl('operand', node.right)}, {right}))")
            compare = self.tpl('compare', node, T.BOOL, detail=node.wording)
            self.emit(f"{S}.append(made({compare}, {r}, K_CHILDREN, tuple({C})))")
        return r

    # --------------------------------------------------------- aggregates
    def _Aggregate(self, node: ir.Aggregate, scope, S) -> str:
        if self.tracing:
            return self._aggregate_traced(node, scope, S)
        source = self.value(node.source, scope, S)
        r = self.temp()
        with self.unless_missing(r, source):
            if node.kind == "sum":
                # summed on exact integers; a value neither int nor Fraction: the reference sums
                with self.block("try:"):
                    self._aggregate_loop(node, scope, source, r)
                with self.block("except Slow:"):
                    self.emit(f"{r} = c.reference({self.k(node)}, {self.environment(node, scope)}, None)")
            else:
                self._aggregate_loop(node, scope, source, r)
        return r

    def _aggregate_loop(self, node: ir.Aggregate, scope, source: str, r: str) -> None:
        item, gaps = self.temp("x"), self.temp("g")
        self.safe.add(item)                   # the items of a table, a list or the member states
        inner = {**scope, node.var: item}
        kind = node.kind
        self.emit(f"{gaps} = None")
        if kind in ("all", "any"):
            decisive = "False" if kind == "all" else "True"
            self.emit(f"{r} = {'True' if kind == 'all' else 'False'}")
        elif kind == "sum":
            n, d = self.temp("n"), self.temp("d")
            self.emit(f"{n} = 0")
            self.emit(f"{d} = 1")
        else:
            values = self.temp("v")
            self.emit(f"{values} = []")

        def use(value: str) -> None:
            if kind in ("all", "any"):
                # nothing is traced, so the items after the decisive one need not be evaluated
                with self.block(f"if {value} is {decisive}:"):
                    self.emit(f"{r} = {decisive}")
                    self.emit("break")
            elif kind == "sum":
                self._accumulate(value, n, d)
            else:
                self.emit(f"{values}.append({value})")

        # the order of the items matters only for minimum and maximum (which of equal values)
        order = f"ordered({source})" if kind in ("minimum", "maximum") else source
        with self.block(f"for {item} in {order}:"):
            if node.where is not None:
                keep = self.value(node.where, inner, None)
                test = self.missing_test(keep)
                if test:
                    with self.block(f"if {test}:"):
                        self._gap(gaps, keep)
                        self.emit("continue")
                with self.block(f"if not {keep}:"):
                    self.emit("continue")
            value = self.value(node.body, inner, None)
            test = self.missing_test(value)
            if test:
                with self.block(f"if {test}:"):
                    self._gap(gaps, value)
                with self.block("else:"):
                    use(value)
            else:
                use(value)
        if kind in ("all", "any"):
            with self.block(f"if {r} is not {decisive} and {gaps} is not None:"):
                self.emit(f"{r} = merge(*{gaps})")
        elif kind == "sum":
            with self.block(f"if {gaps} is not None:"):
                self.emit(f"{r} = merge(*{gaps})")
            with self.block("else:"):
                # the reference sums from Fraction(0); nothing (or nothing but zeros) sums to it
                self.emit(f"{r} = fraction({n}, {d}) if {n} else {self.k(Fraction(0))}")
        else:
            self.emit(f"{r} = combine({self.k(node)}, {values}, {gaps})")

    def _accumulate(self, value: str, n: str, d: str) -> None:
        """n/d += value, exactly."""
        with self.block(f"if {value}.__class__ is F:"):
            vn, vd = f"{value}.{NUMERATOR}", f"{value}.{DENOMINATOR}"
            with self.block(f"if {vd} == {d}:"):
                self.emit(f"{n} += {vn}")
            with self.block("else:"):
                self.emit(f"{n} = {n} * {vd} + {vn} * {d}")
                self.emit(f"{d} *= {vd}")
        with self.block(f"elif {value}.__class__ is int:"):
            self.emit(f"{n} += {value} * {d}")
        with self.block("else:"):
            self.emit("raise Slow")

    def _gap(self, gaps: str, value: str) -> None:
        with self.block(f"if {gaps} is None:"):
            self.emit(f"{gaps} = [{value}]")
        with self.block("else:"):
            self.emit(f"{gaps}.append({value})")

    def _aggregate_traced(self, node: ir.Aggregate, scope, S) -> str:
        """As the reference does it: every item evaluated and recorded, in member-state order."""
        source = self.value(node.source, scope, S)
        r = self.temp()
        with self.unless_missing(r, source):
            if node.kind in ("all", "any", "sum", "count"):
                # nothing to go through: what the reference's _combine gives for no items
                empty = {"all": True, "any": False}.get(node.kind, Fraction(0))
                with self.block(f"if not {source}:"):
                    self.emit(f"{r} = {self.k(empty)}")
                    self.emit(f"{S}.append(made_other({self.tpl('aggregate', node)}, {self.k(self.gen.label(node))}, "
                              f"{r}, K_EMPTY, {self.k('0 item(s)')}, ()))")
                with self.block("else:"):
                    self._items_traced(node, scope, source, r, S)
            else:
                self._items_traced(node, scope, source, r, S)
        return r

    def _items_traced(self, node: ir.Aggregate, scope, source: str, r: str, S: str) -> None:
        key, item = self.temp("k"), self.temp("x")
        self.safe.add(item)
        inner = {**scope, node.var: item}
        C, values, gaps = self.temp("s"), self.temp("v"), self.temp("g")
        self.emit(f"{C} = []")
        self.emit(f"{values} = []")
        self.emit(f"{gaps} = []")
        with self.block(f"for {key}, {item} in items({source}):"):
            steps = self.temp("s")
            self.emit(f"{steps} = []")
            value = self.temp()
            if node.where is not None:
                keep = self.value(node.where, inner, steps)
                with self.block(f"if {keep}.__class__ is Missing:"):
                    self.emit(f"{value} = {keep}")
                with self.block(f"elif not {keep}:"):
                    self.emit(f"{value} = NOVAL")
                with self.block("else:"):
                    self.emit(f"{value} = {self.value(node.body, inner, steps)}")
            else:
                self.emit(f"{value} = {self.value(node.body, inner, steps)}")
            with self.block(f"if {value} is not NOVAL:"):
                self.emit(f"({gaps} if {value}.__class__ is Missing else {values}).append({value})")
                item_tpl = self.k(template("item", "", node.body.type, node.body.span, detail=node.var))
                self.emit(f"{C}.append(made_other({item_tpl}, {key}, {value}, K_EMPTY, {self.k(node.var)}, {steps}))")
        self.emit(f"{r} = combine({self.k(node)}, {values}, {gaps} or None)")
        self.emit(f"{S}.append(made_other({self.tpl('aggregate', node)}, {self.k(self.gen.label(node))}, {r}, "
                  f"K_EMPTY, items_detail(len({values}) + len({gaps})), {C}))")


def _structured(t: T.Type) -> bool:
    return isinstance(t, (T.Record, T.Table, T.List))


# ------------------------------------------------------------ the program

class Generator:
    """Generates the functions of a whole program into one `Unit`."""

    def __init__(self, program):
        self.program = program
        self.unit = Unit()
        self.participating = program.participating
        self.names = {name: i for i, name in enumerate(program.values)}
        self.datasets = {name: i for i, name in enumerate(program.datasets)}
        self.sources = {f.path: f.source for f in program.files}
        self.sites = 0                  # fields of documents kept per case (Function._field_of_document)
        self.folded: dict[str, Any] = {}            # values computed when compiling (see analysis.foldable)
        self.inliner = Inliner(program, self.folded)
        self.kinds = NumberKinds(program)

    def inline(self, node: ir.Node) -> ir.Node:
        return self.inliner.inline(node)

    def number_kind(self, node: ir.Node) -> str:
        return self.kinds.number_kind(node)

    def function_name(self, value: str, mode: str) -> str:
        return f"{'D' if mode == FAST else 'T'}{self.names[value]}"

    def dataset_index(self, name: str) -> int:
        return self.datasets[name]

    def label(self, node: ir.Node) -> str:
        """The node as written in the rules (as the reference evaluator labels its steps)."""
        source = self.sources.get(node.span.file)
        if source is None or node.span.end <= node.span.start:
            return getattr(node, "name", "") or getattr(node, "text", "")
        return " ".join(source[node.span.start:node.span.end].split())
