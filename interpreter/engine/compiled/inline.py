"""Definitions computed in place, for untraced code.

A definition used in an expression is normally a call to its own generated function,
with a cache. For untraced code (verdicts only) a small one is instead written into its
caller (a `Let` binding its arguments, then its body): its arithmetic joins the caller's
exact-integer arithmetic, with no call, no cache and no Fraction made in between. The
values are the same: only the tree differs, and tests/test_compile.py compares every
definition's value with the reference evaluator's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...language import ir
from .analysis import Bound, Let, callers, cross_case

INLINE_LIMIT = 60            # nodes: a definition this small is computed where it is used


class Inliner:
    def __init__(self, program, folded: dict[str, Any]):
        self.program = program
        self.folded = folded                # values computed when compiling: constants, not inlined
        self.callers = callers(program)
        self._inlined: dict[str, bool] = {}
        self._kept: dict[str, bool] = {}
        self._bound = 0

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

    def inline(self, node: ir.Node) -> ir.Node:
        """`node` with every use of an inlined definition replaced by its body (a Let), for
        untraced code: the arithmetic of the definition becomes part of the caller's, with no
        call, no cache, and no Fraction made in between. A different tree, the same values."""
        if isinstance(node, ir.Ref) and node.name not in self.folded and self.inlined(node.name):
            value = self.program.values[node.name]
            bindings: list[tuple[str, ir.Node]] = []
            params: dict[str, ir.Node] = {}
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
