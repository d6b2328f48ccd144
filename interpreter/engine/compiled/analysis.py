"""What the compiler knows about a checked program before writing any code.

Which expressions are exact arithmetic on numbers (`lowered`), which values are the same
for every case and so may be kept across cases (`cross_case`) or even computed once when
compiling (`foldable`), who uses each value (`callers`), and whether a number is an int
or a Fraction where the reference evaluator holds it (`NumberKinds`). `Let` and `Bound`
are the two nodes the compiler adds to the IR, for definitions computed in place (inline.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ...language import ir
from ...language import typesys as T

LOWERED_BUILTINS = ("abs", "floor", "ceiling", "min", "max")
VALUE_TYPES = (T.Quantity, T.Scalar)          # numbers, dates, years, yes/no, text, member states


def numeric(t: T.Type) -> bool:
    return isinstance(t, T.Quantity) or t == T.YEAR


@dataclass(frozen=True)
class Let(ir.Node):
    """A definition computed in place (untraced code only, see inline.py): its
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
        return node.function in LOWERED_BUILTINS and all(numeric(a.type) for a in node.args)
    return False


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
            default = program.structs[T.record_name(n.target.type)].fields[n.name].default
            if default is not None and reads_parameters(program, default, seen):
                return True
        if not (lowered(n) or isinstance(n, KNOWN)):
            return True                       # a node this compiler does not know: assume the worst
    return False


KNOWN = (ir.Const, ir.Local, ir.Ref, ir.DataRef, ir.FieldOf, ir.IndexOf, ir.Builtin, ir.Aggregate, ir.Arith,
          ir.Neg, ir.Logic, ir.Not, ir.Compare, ir.IsGiven, ir.MemberOf, ir.If, ir.Participating, ir.DateInYear)


def foldable(program, value: ir.Value) -> bool:
    """Whether a value is the same in every case and for every data year (relocation_value:
    EUR 600 million / 30 000 persons), so that it can be computed once, when compiling."""
    if value.params or value.kind == "parameter":
        return False
    for n in ir.walk(value.body):
        if isinstance(n, (ir.DataRef, ir.FieldOf, ir.IndexOf, ir.Local)) or not isinstance(n, KNOWN):
            return False
        if isinstance(n, ir.Ref) and not foldable(program, program.values[n.name]):
            return False
    return True


def callers(program) -> dict[str, set]:
    """Who uses each value: the definitions whose bodies name it, None for a requirement or default."""
    out: dict[str, set] = {}

    def note(node: ir.Node | None, user: str | None) -> None:
        for n in ir.walk(node) if node is not None else ():
            if isinstance(n, ir.Ref):
                out.setdefault(n.name, set()).add(user)
    for name, value in program.values.items():
        note(value.body, name)
    for r in program.requirements:
        for node in (r.when, r.requires, *(r.unless), r.for_each[1] if r.for_each else None):
            note(node, None)
        for x in r.exceptions:
            note(x.when, None)
            note(x.outcome.condition, None)
    for spec in program.structs.values():
        for f in spec.fields.values():
            note(f.default, None)
    return out


class NumberKinds:
    """'int', 'frac', or 'any': what the reference evaluator holds for a node when it is a
    number. Only a speed-up for the generated code: 'any' is always safe."""

    def __init__(self, program):
        self.program = program
        self._kinds: dict[int, tuple] = {}

    def number_kind(self, node: ir.Node) -> str:
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
            return self.program.structs[T.record_name(node.target.type)].fields[node.name].default
        return None


def _both(a: str, b: str) -> str:
    if a == b == "int":
        return "int"
    if "frac" in (a, b):
        return "frac"
    return "any"
