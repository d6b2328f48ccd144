"""Checked program (IR) -> Python source: one function per definition and per condition.

Each function is generated twice: for verdicts only ("fast": no trace), and with the
trace ("trace": the same `Step`s, in the same order, as the reference evaluator).
Arithmetic on quantities is lowered to exact integers: every quantity becomes a
numerator and a denominator, computed on without reducing (so without the cost of
`Fraction`), and turned back into the reference's value (an int, or a Fraction in
lowest terms) where it leaves the arithmetic. A comparison of two quantities is
decided by cross-multiplying, which is exact because denominators stay positive.

Nothing from a rule file is ever written into the source: names, texts, dates,
spans and fractions go into a constant pool and are referred to as K<n>; the
source holds only identifiers this module makes up, integers, and Python syntax
(tests/test_compile.py checks the tokens). Each generated line remembers the rule
span it was made from, so that an error at run time can point at the rule file.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any, Iterator

from .. import ir
from .. import types as T
from ..ast import NOWHERE, Span
from .runtime import DENOMINATOR, NUMERATOR, fixed, template
from .runtime import considered as considered_record

FAST, TRACE = "fast", "trace"
INLINE_LIMIT = 60            # nodes: a definition of records this small is computed where it is used

_COMPARE_OPS = {">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "==", "!=": "!="}
_LOWERED_BUILTINS = ("abs", "floor", "ceiling", "min", "max")


def numeric(t: T.Type) -> bool:
    return isinstance(t, T.Quantity) or t == T.YEAR


@dataclass(frozen=True)
class Let(ir.Node):
    """A definition computed in place (untraced code only, see `Generator.inline`): its
    arguments bound to variables, then its body, where `Bound` stands for each parameter."""
    bindings: tuple = ()               # (variable, argument node)
    body: ir.Node = field(default_factory=ir.Node)


@dataclass(frozen=True)
class Bound(ir.Node):
    """A parameter of an inlined definition: the variable holding the argument's value."""
    name: str = ""
    argument: ir.Node | None = field(default=None, compare=False)


def lowered(node: ir.Node) -> bool:
    """Whether the node is computed inside the exact-integer fast path (see `Replay`)."""
    if isinstance(node, Let):
        return lowered(node.body)      # an inlined definition of a quantity is part of the arithmetic
    if isinstance(node, ir.Const):
        return numeric(node.type) and type(node.value) in (int, Fraction)
    if isinstance(node, ir.Arith):
        return node.op in "+-*/" and numeric(node.left.type) and numeric(node.right.type)
    if isinstance(node, ir.Neg):
        return numeric(node.operand.type)
    if isinstance(node, ir.Builtin):
        return node.function in _LOWERED_BUILTINS and all(numeric(a.type) for a in node.args)
    return False


# ------------------------------------------------------------------ the unit

@dataclass
class Unit:
    """The module being generated: its lines, constant pool and line -> rule span map."""
    lines: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)       # one per line
    pool: list[Any] = field(default_factory=list)
    _pooled: dict = field(default_factory=dict)

    def const(self, value: Any) -> str:
        """The name under which the generated code sees `value`. IR nodes are pooled one by one:
        equal nodes written in two places differ in their spans, which messages cite."""
        try:
            key = ("id", id(value)) if isinstance(value, ir.Node) else (type(value), value)
            hash(key)
        except TypeError:
            key = ("id", id(value))
        if key not in self._pooled:
            self._pooled[key] = len(self.pool)
            self.pool.append(value)
        return f"K{self._pooled[key]}"

    def add(self, function: "Function") -> None:
        self.lines.extend(function.lines)
        self.spans.extend(function.spans)
        self.lines.append("")
        self.spans.append(NOWHERE)

    def source(self) -> str:
        return "\n".join(self.lines) + "\n"


def _int(value: int) -> str:
    """An integer literal: the only values written into the source."""
    if type(value) is not int:
        raise TypeError(f"not an int: {value!r}")
    return repr(value)


@dataclass(frozen=True)
class Low:
    """A quantity inside the fast path: numerator, denominator (None: 1) and whether the
    reference would hold a Python int here ("True", "False" or a variable)."""
    n: str
    d: str | None
    i: str


def _and(a: str, b: str) -> str | None:
    """Static `a and b` on flags, or None when it must be computed."""
    if a == "False" or b == "False":
        return "False"
    if a == "True":
        return b
    if b == "True":
        return a
    return None


# ------------------------------------------------------------ one function

class Function:
    """Source lines of one generated function, with the expression compiler."""

    def __init__(self, unit: Unit, gen: "Generator", name: str, params: list[str], mode: str, span: Span):
        self.unit, self.gen, self.mode = unit, gen, mode
        self.lines: list[str] = []
        self.spans: list[Span] = []
        self.depth = 0
        self.count = 0
        self.span = span
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
        spec = self.gen.program.structs[node.target.type.name].fields[node.name]
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

    def _input_step(self, node: ir.FieldOf, target: str, name: str, r: str, S: str) -> None:
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
            self.emit(f"{S}.append(made({self.tpl('logic', node, T.BOOL, detail=node.op)}, {r}, K_CHILDREN, tuple({C})))")
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
            self.emit(f"{S}.append(made({self.tpl('compare', node, T.BOOL, detail=node.wording)}, {r}, K_CHILDREN, tuple({C})))")
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
            self.emit("raise SLOW")

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
            I = self.temp("s")
            self.emit(f"{I} = []")
            value = self.temp()
            if node.where is not None:
                keep = self.value(node.where, inner, I)
                with self.block(f"if {keep}.__class__ is Missing:"):
                    self.emit(f"{value} = {keep}")
                with self.block(f"elif not {keep}:"):
                    self.emit(f"{value} = NOVAL")
                with self.block("else:"):
                    self.emit(f"{value} = {self.value(node.body, inner, I)}")
            else:
                self.emit(f"{value} = {self.value(node.body, inner, I)}")
            with self.block(f"if {value} is not NOVAL:"):
                self.emit(f"({gaps} if {value}.__class__ is Missing else {values}).append({value})")
                item_tpl = self.k(template("item", "", node.body.type, node.body.span, detail=node.var))
                self.emit(f"{C}.append(made_other({item_tpl}, {key}, {value}, K_EMPTY, {self.k(node.var)}, {I}))")
        self.emit(f"{r} = combine({self.k(node)}, {values}, {gaps} or None)")
        self.emit(f"{S}.append(made_other({self.tpl('aggregate', node)}, {self.k(self.gen.label(node))}, {r}, "
                  f"K_EMPTY, items_detail(len({values}) + len({gaps})), {C}))")

    # ------------------------------------------------------- exact numbers
    def _folded(self, node: ir.Node) -> bool:
        return not self.tracing and isinstance(node, ir.Ref) and node.name in self.gen.folded

    def _leaves(self, node: ir.Node, scope, S, out: list) -> None:
        """Evaluate the leaves of a lowered expression, in the reference's order."""
        if isinstance(node, ir.Const):
            return
        if isinstance(node, Let) and lowered(node):
            with self.at(node):
                self._bind(node, scope, S)
            self._leaves(node.body, scope, S, out)
            return
        if lowered(node):
            for child in ir.children(node):
                self._leaves(child, scope, S, out)
            return
        out.append((node, self.value(node, scope, S)))

    def _numeric_root(self, node: ir.Node, scope, S) -> str:
        leaves: list = []
        self._leaves(node, scope, S, leaves)
        r = self.temp()
        with self.block("try:"):
            low = self._lower(node, iter(leaves))
            self.emit(f"{r} = {self._canonical(low)}")
        with self.block("except Slow:"):
            self.emit(f"{r} = REPLAY.run({self.k(node)}, ({''.join(v + ', ' for _, v in leaves)}))")
        return r

    def _lowered_compare(self, node: ir.Compare, op: str, scope) -> str:
        leaves: list = []
        self._leaves(node.left, scope, None, leaves)
        self._leaves(node.right, scope, None, leaves)
        r = self.temp()
        with self.block("try:"):
            it = iter(leaves)
            left, right = self._lower(node.left, it), self._lower(node.right, it)
            self.emit(f"{r} = {_times(left.n, right.d)} {op} {_times(right.n, left.d)}")
        with self.block("except Slow:"):
            self.emit(f"{r} = REPLAY.run({self.k(node)}, ({''.join(v + ', ' for _, v in leaves)}))")
        return r

    def _canonical(self, low: Low) -> str:
        """The value the reference holds: an int where Python arithmetic on ints gives one,
        else a Fraction in lowest terms."""
        as_fraction = f"whole({low.n})" if low.d is None else f"fraction({low.n}, {low.d})"
        if low.i == "True":
            return low.n
        if low.i == "False":
            return as_fraction
        return f"({low.n} if {low.i} else {as_fraction})"

    def _lower(self, node: ir.Node, leaves: Iterator) -> Low:
        if isinstance(node, ir.Const):
            return _literal(node.value)
        if isinstance(node, Let):
            return self._lower(node.body, leaves)
        if not lowered(node):
            _, var = next(leaves)
            if self._folded(node) and type(self.gen.folded[node.name]) in (int, Fraction):
                return _literal(self.gen.folded[node.name])      # known when compiling
            return self._split(node, var)
        if isinstance(node, ir.Arith):
            left, right = self._lower(node.left, leaves), self._lower(node.right, leaves)
            low = self._arith(node.op, left, right)
            if node.type == T.YEAR:
                n = self.temp("n")
                self.emit(f"{n} = {low.n}" if low.d is None else f"{n} = truncate({low.n}, {low.d})")
                return Low(n, None, "True")
            return low
        if isinstance(node, ir.Neg):
            inner = self._lower(node.operand, leaves)
            n = self.temp("n")
            self.emit(f"{n} = -{inner.n}")
            return Low(n, inner.d, inner.i)
        args = [self._lower(a, leaves) for a in node.args]
        return self._builtin(node.function, args)

    def _split(self, node: ir.Node, var: str) -> Low:
        """A leaf's value as numerator and denominator; anything but int or Fraction leaves the fast path."""
        kind = self.gen.number_kind(node)
        n, d = self.temp("n"), self.temp("d")
        if kind == "int":
            with self.block(f"if {var}.__class__ is not int:"):
                self.emit("raise SLOW")
            return Low(var, None, "True")
        if kind == "frac":
            with self.block(f"if {var}.__class__ is not F:"):
                self.emit("raise SLOW")
            self.emit(f"{n} = {var}.{NUMERATOR}")
            self.emit(f"{d} = {var}.{DENOMINATOR}")
            return Low(n, d, "False")
        i = self.temp("i")
        with self.block(f"if {var}.__class__ is F:"):
            self.emit(f"{n} = {var}.{NUMERATOR}")
            self.emit(f"{d} = {var}.{DENOMINATOR}")
            self.emit(f"{i} = False")
        with self.block(f"elif {var}.__class__ is int:"):
            self.emit(f"{n} = {var}")
            self.emit(f"{d} = 1")
            self.emit(f"{i} = True")
        with self.block("else:"):
            self.emit("raise SLOW")
        return Low(n, d, i)

    def _flag(self, a: str, b: str) -> str:
        static = _and(a, b)
        if static is not None:
            return static
        i = self.temp("i")
        self.emit(f"{i} = {a} and {b}")
        return i

    def _arith(self, op: str, a: Low, b: Low) -> Low:
        n, d = self.temp("n"), self.temp("d")
        if op in "+-":
            i = self._flag(a.i, b.i)
            self.emit(f"{n} = {_times(a.n, b.d)} {op} {_times(b.n, a.d)}")
            return self._with_d(Low(n, None, i), d, _times_d(a.d, b.d))
        if op == "*":
            i = self._flag(a.i, b.i)
            self.emit(f"{n} = {a.n} * {b.n}")
            return self._with_d(Low(n, None, i), d, _times_d(a.d, b.d))
        # division: the reference gives Fraction(left) / right, and "undefined" for a zero divisor
        with self.block(f"if {b.n} > 0:"):
            self.emit(f"{n} = {_times(a.n, b.d)}")
            self.emit(f"{d} = {_times(a.d or '1', b.n)}")
        with self.block(f"elif {b.n} < 0:"):
            self.emit(f"{n} = -({_times(a.n, b.d)})")
            self.emit(f"{d} = -({_times(a.d or '1', b.n)})")
        with self.block("else:"):
            self.emit("raise SLOW")
        return Low(n, d, "False")

    def _with_d(self, low: Low, d: str, product: str | None) -> Low:
        if product is None:
            return low
        self.emit(f"{d} = {product}")
        return Low(low.n, d, low.i)

    def _builtin(self, function: str, args: list[Low]) -> Low:
        n = self.temp("n")
        if function == "abs":
            (a,) = args
            self.emit(f"{n} = abs({a.n})")
            return Low(n, a.d, a.i)
        if function == "floor":
            (a,) = args
            self.emit(f"{n} = {a.n}" if a.d is None else f"{n} = {a.n} // {a.d}")
            return Low(n, None, "False")
        if function == "ceiling":
            (a,) = args
            self.emit(f"{n} = {a.n}" if a.d is None else f"{n} = -(-{a.n} // {a.d})")
            return Low(n, None, "False")
        # min and max, as Python's: the first argument unless the second is smaller (larger)
        a, b = args
        op = "<" if function == "min" else ">"
        d, i = self.temp("d"), self.temp("i")
        with self.block(f"if {_times(b.n, a.d)} {op} {_times(a.n, b.d)}:"):
            self.emit(f"{n}, {d}, {i} = {b.n}, {b.d or '1'}, {b.i}")
        with self.block("else:"):
            self.emit(f"{n}, {d}, {i} = {a.n}, {a.d or '1'}, {a.i}")
        flag = a.i if a.i == b.i and a.i in ("True", "False") else i
        return Low(n, None if a.d is None and b.d is None else d, flag)


def _structured(t: T.Type) -> bool:
    return isinstance(t, (T.Record, T.Table, T.List))


def _literal(value: int | Fraction) -> Low:
    v = Fraction(value)
    return Low(_int(v.numerator), None if v.denominator == 1 else _int(v.denominator),
               "True" if type(value) is int else "False")


def _times(a: str, b: str | None) -> str:
    return a if b is None else f"{a} * {b}"


def _times_d(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return f"{a} * {b}"


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
        self._kinds: dict[int, tuple] = {}
        self._bound = 0
        self.sites = 0                  # fields of documents kept per case (Function._field_of_document)
        self.folded: dict[str, Any] = {}            # values computed when compiling (see `foldable`)
        self.callers = self._callers()
        self._inlined: dict[str, bool] = {}
        self._kept: dict[str, bool] = {}

    def inlined(self, name: str) -> bool:
        """Whether untraced code computes this definition where it is used, in the caller's
        arithmetic: small definitions of records (their values are not kept across cases), and
        small definitions kept across cases whose every use is in another one (population_effect
        in share): the caller's cache keeps the result. Inlining copies the body, and a repeated
        use computes it again, hence only small ones."""
        if name not in self._inlined:
            value = self.program.values[name]
            self._inlined[name] = False          # (while deciding: no definition is its own caller)
            if value.kind == "definition" and name not in self.folded:
                if self._cross_case(name):
                    chosen = bool(value.params) and all(c is not None and self._cross_case(c)
                                                        for c in self.callers.get(name, ()))
                else:
                    chosen = True
                self._inlined[name] = chosen and self.inlined_size(value.body) <= INLINE_LIMIT
        return self._inlined[name]

    def _cross_case(self, name: str) -> bool:
        if name not in self._kept:
            self._kept[name] = cross_case(self.program, self.program.values[name])
        return self._kept[name]

    def _callers(self) -> dict[str, set]:
        """Who uses each value: the definitions whose bodies name it, None for a requirement or default."""
        out: dict[str, set] = {}

        def note(node: ir.Node | None, user: str | None) -> None:
            for n in ir.walk(node) if node is not None else ():
                if isinstance(n, ir.Ref):
                    out.setdefault(n.name, set()).add(user)
        for name, value in self.program.values.items():
            note(value.body, name)
        for r in self.program.requirements:
            for node in (r.when, r.requires, *(r.unless), r.for_each[1] if r.for_each else None):
                note(node, None)
            for x in r.exceptions:
                note(x.when, None)
                note(x.outcome.condition, None)
        for spec in self.program.structs.values():
            for f in spec.fields.values():
                note(f.default, None)
        return out

    def inline(self, node: ir.Node) -> ir.Node:
        """`node` with every use of an inlined definition replaced by its body (a Let), for
        untraced code: the arithmetic of the definition becomes part of the caller's, with no
        call, no cache, and no Fraction made in between. A different tree, the same values."""
        if isinstance(node, ir.Ref) and node.name not in self.folded and self.inlined(node.name):
            value = self.program.values[node.name]
            bindings, params = [], {}
            for (param, _), argument in zip(value.params, node.args):
                self._bound += 1
                argument = self.inline(argument)
                bindings.append((f"b{self._bound}", argument))
                params[param] = Bound(argument.type, argument.span, f"b{self._bound}", argument)
            return Let(node.type, node.span, tuple(bindings), self.inline(_substitute(value.body, params)))
        return _rebuild(node, self.inline)

    def inlined_size(self, node: ir.Node) -> int:
        """The number of nodes `node` compiles to, with inlined definitions expanded."""
        size = 0
        for n in ir.walk(node):
            size += 1
            if isinstance(n, ir.Ref) and self.inlined(n.name):
                size += self.inlined_size(self.program.values[n.name].body)
            if size > INLINE_LIMIT:
                break
        return size

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

    # ----------------------------------------- what kind of number a node holds
    def number_kind(self, node: ir.Node) -> str:
        """'int', 'frac', or 'any': what the reference evaluator holds for this node when it
        is a number. Only a speed-up: 'any' is always safe."""
        found = self._kinds.get(id(node))
        if found is None or found[0] is not node:          # (the node is kept, so its id is not reused)
            found = self._kinds[id(node)] = (node, self._number_kind(node))
        return found[1]

    def _number_kind(self, node: ir.Node) -> str:
        if isinstance(node, Let):
            return self.number_kind(node.body)
        if isinstance(node, Bound):
            return self.number_kind(node.argument) if node.argument is not None else "any"
        if node.type == T.YEAR and isinstance(node, (ir.FieldOf, ir.IndexOf)):
            return "int"                      # documents hold years as ints
        if isinstance(node, ir.Const):
            return {int: "int", Fraction: "frac"}.get(type(node.value), "any")
        if isinstance(node, ir.DataRef):
            return "frac"
        if isinstance(node, (ir.FieldOf, ir.IndexOf)) and isinstance(node.type, T.Quantity):
            default = self._field_default(node)
            return "frac" if default is None or self.number_kind(default) == "frac" else "any"
        if isinstance(node, ir.Ref) and node.kind != "parameter":
            return self.number_kind(self.program.values[node.name].body)
        if isinstance(node, ir.Arith):
            if not lowered(node):
                return "frac"                 # the days between two dates
            if node.type == T.YEAR:
                return "int"
            if node.op == "/":
                return "frac"
            return _both(self.number_kind(node.left), self.number_kind(node.right))
        if isinstance(node, ir.Neg):
            return self.number_kind(node.operand)
        if isinstance(node, ir.Builtin):
            if node.function in ("floor", "ceiling"):
                return "frac"
            if node.function == "year":
                return "int"
            if node.function in ("abs", "min", "max"):
                kinds = {self.number_kind(a) for a in node.args}
                return kinds.pop() if len(kinds) == 1 else "any"
            return "any"
        if isinstance(node, ir.Aggregate):
            if node.kind in ("sum", "count"):
                return "frac"
            return self.number_kind(node.body) if node.kind in ("minimum", "maximum") else "any"
        if isinstance(node, ir.If):
            kinds = {self.number_kind(node.then), self.number_kind(node.otherwise)}
            return kinds.pop() if len(kinds) == 1 else "any"
        return "any"

    def _field_default(self, node: ir.Node) -> ir.Node | None:
        if isinstance(node, ir.FieldOf):
            return self.program.structs[node.target.type.name].fields[node.name].default
        return None


def _rebuild(node: ir.Node, change) -> ir.Node:
    """`node` with `change` applied to each direct sub-expression (the same node if none changes)."""
    changes = {}
    for name in node.__dataclass_fields__:
        if name in ("type", "span"):
            continue
        value = getattr(node, name)
        if isinstance(value, ir.Node):
            new = change(value)
            if new is not value:
                changes[name] = new
        elif isinstance(value, tuple) and any(isinstance(v, ir.Node) for v in value):
            new = tuple(change(v) if isinstance(v, ir.Node) else v for v in value)
            if any(a is not b for a, b in zip(new, value)):
                changes[name] = new
    return replace(node, **changes) if changes else node


def _substitute(node: ir.Node, params: dict[str, ir.Node]) -> ir.Node:
    """The definition's body with its parameters replaced (not where an aggregate rebinds the name)."""
    if isinstance(node, ir.Local):
        return params.get(node.name, node)
    if isinstance(node, ir.Aggregate) and node.var in params:
        inner = {k: v for k, v in params.items() if k != node.var}
        return replace(node, source=_substitute(node.source, params), body=_substitute(node.body, inner),
                       where=_substitute(node.where, inner) if node.where is not None else None)
    return _rebuild(node, lambda child: _substitute(child, params))


def _both(a: str, b: str) -> str:
    if a == b == "int":
        return "int"
    if "frac" in (a, b):
        return "frac"
    return "any"


# --------------------------------------------------- definitions, conditions

VALUE_TYPES = (T.Quantity, T.Scalar)          # numbers, dates, years, yes/no, text, member states


def cross_case(program, value: ir.Value) -> bool:
    """Whether a definition's value may be kept across cases: it is a function of its
    arguments and the data years alone when its arguments are plain values (no documents)
    and nothing it uses reads a parameter, which a case may set."""
    return value.kind != "parameter" and all(isinstance(t, VALUE_TYPES) for _, t in value.params) \
        and not reads_parameters(program, value.body, set())


def reads_parameters(program, node: ir.Node, seen: set) -> bool:
    for n in ir.walk(node):
        if isinstance(n, ir.Ref) and n.name not in seen:
            seen.add(n.name)
            target = program.values[n.name]
            if target.kind == "parameter" or reads_parameters(program, target.body, seen):
                return True
        if isinstance(n, ir.FieldOf):
            default = program.structs[n.target.type.name].fields[n.name].default
            if default is not None and reads_parameters(program, default, seen):
                return True
        if not (lowered(n) or isinstance(n, tuple(_KNOWN))):
            return True                       # a node this compiler does not know: assume the worst
    return False


_KNOWN = (ir.Const, ir.Local, ir.Ref, ir.DataRef, ir.FieldOf, ir.IndexOf, ir.Builtin, ir.Aggregate, ir.Arith,
          ir.Neg, ir.Logic, ir.Not, ir.Compare, ir.IsGiven, ir.MemberOf, ir.If, ir.Participating, ir.DateInYear)


def foldable(program, value: ir.Value) -> bool:
    """Whether a value is the same in every case and for every data year (relocation_value:
    EUR 600 million / 30 000 persons), so that it can be computed once, when compiling."""
    if value.params or value.kind == "parameter":
        return False
    for n in ir.walk(value.body):
        if isinstance(n, (ir.DataRef, ir.FieldOf, ir.IndexOf, ir.Local)) or not isinstance(n, _KNOWN):
            return False
        if isinstance(n, ir.Ref) and not foldable(program, program.values[n.name]):
            return False
    return True


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
    parts = [f"(({a}.{NUMERATOR}, {a}.{DENOMINATOR}) if {a}.__class__ is F else key_of({a}))" if numeric(t) else a
             for a, (_, t) in zip(args, value.params)]
    tuple_key = f"({''.join(p + ', ' for p in parts)})"
    if mode == TRACE:
        if cross_case(gen.program, value):
            fn.emit(f"t = c.tshared[{_int(index)}]")
            fn.emit(f"k = {parts[0] if len(parts) == 1 else tuple_key}")
        else:
            fn.emit(f"t = c.tmemo.get({_int(index)})")
            fn.emit(f"k = {parts[0] if len(parts) == 1 else tuple_key}")
            with fn.block("if t is None:"):
                fn.emit(f"t = c.tmemo[{_int(index)}] = {{}}")
        fn.emit("h = t.get(k, NOVAL)")
        with fn.block("if h is not NOVAL:"):
            fn.emit("S.append(h[1])")
            fn.emit("return h[0]")
    elif cross_case(gen.program, value):
        fn.emit(f"t = c.shared[{_int(index)}]")
        fn.emit(f"k = {parts[0] if len(parts) == 1 else tuple_key}")
        fn.emit("h = t.get(k, NOVAL)")
        with fn.block("if h is not NOVAL:"):
            fn.emit("return h")
    else:
        fn.emit(f"t = c.memo.get({_int(index)})")
        fn.emit(f"k = {parts[0] if len(parts) == 1 else tuple_key}")
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
        fn.emit("t[k] = (r, st)")
    else:
        fn.emit("t[k] = r")
    fn.emit("return r")
    return fn


def expression(gen: Generator, name: str, node: ir.Node, env: list[str], mode: str) -> Function:
    """An expression over the bound documents and item (e0, e1, ...): for the reference
    evaluator when it must compute a function this module could not (see engine._delegate)."""
    args = [f"e{j}" for j in range(len(env))]
    head = ["c", "S"] if mode == TRACE else ["c"]
    fn = Function(gen.unit, gen, name, head + args, mode, node.span)
    node = gen.inline(node) if mode == FAST else node
    fn.emit(f"return {fn.value(node, dict(zip(env, args)), 'S' if mode == TRACE else None)}")
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
            holds, step = self._condition(fn, o.condition, scope, "requires")
            self._judge(fn, holds, step, considered, base)
        else:
            verdict("compliant" if o.kind == "compliant" else "not_applicable", exceptions=considered, which=base)

    def _judge(self, fn: Function, holds: str, step: str, considered: str | tuple, base: dict) -> None:
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
