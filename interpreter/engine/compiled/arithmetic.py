"""Exact arithmetic on integers, for the generated code.

A quantity is an int or a Fraction where the reference evaluator holds it. Inside an
arithmetic expression the generated code keeps it as a numerator and a denominator
(`Low`), and computes on them without reducing, so without the cost of a Fraction per
operation; it turns the result back into the reference's value (an int where Python's
arithmetic on ints gives one, else a Fraction in lowest terms) where it leaves the
arithmetic, and decides a comparison by cross-multiplying (exact: denominators stay
positive). A leaf that is not an int or a Fraction (a missing fact, a value of another
type), or a division by zero, leaves this fast path: the reference evaluator's own
arithmetic (runtime.Replay) decides, on the values already computed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ...language import ir
from ...language import typesys as T
from .analysis import Let, lowered
from .runtime import DENOMINATOR, NUMERATOR
from .source import integer as _int


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


def _literal(value: int | Fraction) -> Low:
    v = Fraction(value)
    return Low(_int(v.numerator), None if v.denominator == 1 else _int(v.denominator),
               "True" if type(value) is int else "False")


def _times(a: str, b: str | None) -> str:
    return a if b is None else f"{a} * {b}"


def _product(a: str, b: str) -> str:
    """a * b, without multiplying by a literal 1 (50 % is 1/2)."""
    return b if a == "1" else a if b == "1" else f"{a} * {b}"


def _times_d(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return f"{a} * {b}"


class Arithmetic:
    """The part of codegen.Function that writes exact arithmetic (see the module's docstring)."""

    if TYPE_CHECKING:               # what codegen.Function, which mixes this class in, provides
        gen: Any

        @property
        def tracing(self) -> bool: ...

        def emit(self, text: str) -> None: ...
        def block(self, header: str) -> AbstractContextManager[None]: ...
        def at(self, node: ir.Node) -> AbstractContextManager[None]: ...
        def temp(self, prefix: str = "t") -> str: ...
        def k(self, value: Any) -> str: ...
        def value(self, node: ir.Node, scope: dict[str, str], S: str | None) -> str: ...
        def _bind(self, node: Let, scope: Any, S: Any) -> None: ...

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
            if isinstance(node, ir.Ref) and self._folded(node) and type(self.gen.folded[node.name]) in (int, Fraction):
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
        assert isinstance(node, ir.Builtin)
        args = [self._lower(a, leaves) for a in node.args]
        return self._builtin(node.function, args)

    def _split(self, node: ir.Node, var: str) -> Low:
        """A leaf's value as numerator and denominator; anything but int or Fraction leaves the fast path."""
        kind = self.gen.number_kind(node)
        n, d = self.temp("n"), self.temp("d")
        if kind == "int":
            with self.block(f"if {var}.__class__ is not int:"):
                self.emit("raise Slow")
            return Low(var, None, "True")
        if kind == "frac":
            with self.block(f"if {var}.__class__ is not F:"):
                self.emit("raise Slow")
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
            self.emit("raise Slow")
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
            self.emit(f"{n} = {_product(a.n, b.n)}")
            return self._with_d(Low(n, None, i), d, _times_d(a.d, b.d))
        # division: the reference gives Fraction(left) / right, and "undefined" for a zero divisor
        with self.block(f"if {b.n} > 0:"):
            self.emit(f"{n} = {_times(a.n, b.d)}")
            self.emit(f"{d} = {_times(a.d or '1', b.n)}")
        with self.block(f"elif {b.n} < 0:"):
            self.emit(f"{n} = -({_times(a.n, b.d)})")
            self.emit(f"{d} = -({_times(a.d or '1', b.n)})")
        with self.block("else:"):
            self.emit("raise Slow")
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
