"""How deep an evaluation goes: a limit that `ammr rules` enforces before anything is evaluated.

The evaluators, the trace, the remedies and the templates that show them all walk an expression
by recursion, and a definition in terms of another is one level more. A chain of some hundreds
of definitions (or nested expressions within them) would run out of Python's stack in the middle
of a check. So the checker measures, for every definition and rule, the deepest path through its
expression and through every definition it uses (the shipped rules reach about 30), and refuses
a rule set deeper than MAX_DEPTH with the chain of definitions that makes it so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from . import ir

MAX_DEPTH = 150              # measured: 240 levels still check, explain (all formats, --trace) and sweep


def value_depths(values: Mapping[str, ir.Value]) -> dict[str, int]:
    """The evaluation depth of every constant, parameter and definition (uses before users,
    without recursion over the definitions, however many there are; a cycle, already an error,
    is cut where it closes)."""
    depths: dict[str, int] = {}
    visiting: set[str] = set()
    for root in values:
        stack = [(root, False)]
        while stack:
            name, ready = stack.pop()
            if name in depths or name not in values:
                continue
            if ready:
                depths[name] = node_depth(values[name].body, depths)
                continue
            if name in visiting:
                continue
            visiting.add(name)
            stack.append((name, True))
            stack.extend((used, False) for used in uses(values[name].body) if used not in depths)
    return depths


def node_depth(node: ir.Node, depths: Mapping[str, int]) -> int:
    """Levels of one expression (bounded by the parser's nesting limit), a reference counting
    as deep as what it names."""
    below = max((node_depth(child, depths) for child in ir.children(node)), default=0)
    if isinstance(node, ir.Ref):
        below = max(below, depths.get(node.name, 0))
    return 1 + below


def uses(node: ir.Node) -> set[str]:
    return {n.name for n in ir.walk(node) if isinstance(n, ir.Ref)}


def deepest_chain(name: str, values: Mapping[str, ir.Value], depths: Mapping[str, int]) -> list[str]:
    """The definitions along the deepest path from `name`: what to shorten."""
    chain = [name]
    while len(chain) <= len(values):
        used = [u for u in uses(values[chain[-1]].body) if u in depths and u not in chain]
        if not used:
            break
        chain.append(max(used, key=lambda u: depths[u]))
    return chain


def rule_nodes(spec: ir.RequirementSpec | ir.ExceptionSpec) -> Iterable[ir.Node]:
    """The expressions of a requirement or exception that are evaluated."""
    if isinstance(spec, ir.ExceptionSpec):
        return (spec.when,) if spec.when is not None else ()
    nodes = [spec.when, spec.requires, *spec.unless, spec.for_each[1] if spec.for_each else None]
    return [n for n in nodes if n is not None]
