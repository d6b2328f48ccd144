"""The checked program: expressions with every name resolved and every type known.

The checker (`checker.py`) turns syntax (`syntax.py`) into these nodes; the evaluator
walks them. Nothing here can fail to resolve: an IR tree exists only for rules
that passed the check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from typing import Any

from . import syntax as A
from . import typesys as T


def _span() -> A.Span:
    return field(default=A.NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Node:
    type: T.Type = T.UNKNOWN
    span: A.Span = _span()


@dataclass(frozen=True)
class Const(Node):
    value: Any = None
    text: str = ""


@dataclass(frozen=True)
class Local(Node):
    """A document bound by `for`/`using`, a definition's parameter, or a `for each` item."""
    name: str = ""


@dataclass(frozen=True)
class Ref(Node):
    """A constant, a parameter or a definition (with its arguments)."""
    kind: str = "definition"       # constant | parameter | definition
    name: str = ""
    args: tuple[Node, ...] = ()


@dataclass(frozen=True)
class DataRef(Node):
    dataset: str = ""
    key: Node = field(default_factory=Node)


@dataclass(frozen=True)
class FieldOf(Node):
    target: Node = field(default_factory=Node)
    name: str = ""


@dataclass(frozen=True)
class IndexOf(Node):
    target: Node = field(default_factory=Node)
    key: Node = field(default_factory=Node)


@dataclass(frozen=True)
class Builtin(Node):
    function: str = ""
    args: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Aggregate(Node):
    kind: str = "sum"
    var: str = ""
    source: Node = field(default_factory=Node)
    body: Node = field(default_factory=Node)
    where: Node | None = None


@dataclass(frozen=True)
class Arith(Node):
    op: str = "+"
    left: Node = field(default_factory=Node)
    right: Node = field(default_factory=Node)


@dataclass(frozen=True)
class Neg(Node):
    operand: Node = field(default_factory=Node)


@dataclass(frozen=True)
class Logic(Node):
    op: str = "and"
    left: Node = field(default_factory=Node)
    right: Node = field(default_factory=Node)


@dataclass(frozen=True)
class Not(Node):
    operand: Node = field(default_factory=Node)


@dataclass(frozen=True)
class Compare(Node):
    op: str = "="
    left: Node = field(default_factory=Node)
    right: Node = field(default_factory=Node)
    wording: str = "="


@dataclass(frozen=True)
class IsGiven(Node):
    operand: Node = field(default_factory=Node)
    negated: bool = False


@dataclass(frozen=True)
class MemberOf(Node):
    item: Node = field(default_factory=Node)
    collection: Node = field(default_factory=Node)
    negated: bool = False


@dataclass(frozen=True)
class If(Node):
    condition: Node = field(default_factory=Node)
    then: Node = field(default_factory=Node)
    otherwise: Node = field(default_factory=Node)


@dataclass(frozen=True)
class Participating(Node):
    pass


@dataclass(frozen=True)
class DateInYear(Node):
    day: int = 1
    month: int = 1
    year: Node = field(default_factory=Node)


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions, for passes that walk the tree."""
    out = []
    for name in node.__dataclass_fields__:
        if name in ("type", "span"):
            continue
        value = getattr(node, name)
        if isinstance(value, Node):
            out.append(value)
        elif isinstance(value, tuple):
            out.extend(v for v in value if isinstance(v, Node))
    return tuple(out)


def walk(node: Node):
    yield node
    for child in children(node):
        yield from walk(child)


def renamed(node: Node, names: Mapping[str, str]) -> Node:
    """The tree with every reference to a name of `names` made to its substitute (a reading's
    `uses NEW for OLD`); the nodes that do not change are the same objects."""
    changes: dict[str, Any] = {}
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            new: Any = renamed(value, names)
        elif isinstance(value, tuple) and any(isinstance(v, Node) for v in value):
            new = tuple(renamed(v, names) if isinstance(v, Node) else v for v in value)
            new = value if all(a is b for a, b in zip(new, value)) else new
        else:
            continue
        if new is not value:
            changes[f.name] = new
    if isinstance(node, Ref) and node.name in names:
        changes["name"] = names[node.name]
    return replace(node, **changes) if changes else node


def references(node: Node) -> set[str]:
    """The constants, parameters and definitions an expression refers to."""
    return {n.name for n in walk(node) if isinstance(n, Ref)}


# ------------------------------------------------------- checked declarations

@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: T.Type
    decl: A.Field
    default: Node | None = None


@dataclass(frozen=True)
class StructSpec:
    name: str
    decl: A.Structure
    fields: dict[str, FieldSpec]

    @property
    def is_document(self) -> bool:
        return self.decl.is_document


@dataclass(frozen=True)
class Value:
    """A checked constant, parameter or definition."""
    kind: str                      # constant | parameter | definition
    name: str
    decl: A.Declaration
    type: T.Type
    body: Node
    params: tuple[tuple[str, T.Type], ...] = ()
    citations: tuple[Any, ...] = ()        # law.Provision
    data_only: bool = False        # depends on reference data alone: cacheable across documents


@dataclass(frozen=True)
class FigureSpec:
    """A figure of a report, resolved: what it shows, its signature, and the citation shown."""
    name: str
    decl: A.Figure
    kind: str                      # document | record | field | value
    source: str                    # the document or record type, or the constant, parameter or definition
    field: str | None              # the field, for kind "field"
    type: str                      # what it gives: "document", "record", or a type such as "persons"
    params: tuple[str, ...]        # a definition's parameter types, e.g. ("member state",)
    citations: tuple[Any, ...] = ()        # law.Provision: the citations the report shows with it


@dataclass(frozen=True)
class ReportSpec:
    name: str
    decl: A.Report
    figures: dict[str, FigureSpec]


@dataclass(frozen=True)
class CalendarSpec:
    """The calendar of official holidays the time limits of Art 75(d) are moved by."""
    name: str
    decl: A.Calendar
    citations: tuple[Any, ...] = ()


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    decl: A.Dataset
    type: T.Table
    scale: Fraction
    citations: tuple[Any, ...] = ()


@dataclass(frozen=True)
class ConsequenceSpec:
    kind: str                      # not_applicable | compliant | assessment | requires
    authority: str = ""
    quote: str = ""
    condition: Node | None = None


@dataclass(frozen=True)
class ExceptionSpec:
    name: str
    decl: A.Exception_
    subjects: tuple[tuple[str, T.Record], ...]
    using: tuple[tuple[str, T.Record], ...]
    when: Node | None
    outcome: ConsequenceSpec
    priority: int
    citations: tuple[Any, ...] = ()


@dataclass(frozen=True)
class RequirementSpec:
    name: str
    decl: A.Requirement
    subjects: tuple[tuple[str, T.Record], ...]
    using: tuple[tuple[str, T.Record], ...]
    for_each: tuple[str, Node] | None
    when: Node | None
    unless: tuple[Node, ...]
    requires: Node | None
    assessment: ConsequenceSpec | None
    citations: tuple[Any, ...] = ()
    exceptions: tuple[ExceptionSpec, ...] = ()       # highest priority first

    @property
    def title(self) -> str:
        return self.decl.title


@dataclass(frozen=True)
class AlternativeSpec:
    """An alternative of a reading, checked: what it puts in place of what, always and in
    combination with another reading's alternative, and the combinations it excludes."""
    name: str
    description: str
    uses: tuple[tuple[str, str], ...] = ()                  # (substitute, replaced)
    combined: tuple[tuple[str, str, str, str], ...] = ()    # (reading, value, substitute, replaced)
    excluded: tuple[tuple[str, str, str], ...] = ()         # (reading, value, why)
    not_encoded: str | None = None                         # why it is described but cannot be chosen

    @property
    def encoded(self) -> bool:
        return self.not_encoded is None


@dataclass(frozen=True)
class ReadingSpec:
    """A reading of a provision the text leaves open, checked."""
    name: str
    decl: A.Reading
    question: str
    default: str
    default_description: str
    alternatives: tuple[AlternativeSpec, ...]
    citations: tuple[Any, ...] = ()        # law.Provision

    @property
    def values(self) -> tuple[str, ...]:
        return (self.default, *(a.name for a in self.alternatives))

    @property
    def switchable(self) -> bool:
        """Some alternative can be chosen for a check (`--reading NAME=VALUE`)."""
        return any(a.encoded for a in self.alternatives)

    def alternative(self, value: str) -> AlternativeSpec | None:
        return next((a for a in self.alternatives if a.name == value), None)

    def describe(self, value: str) -> str:
        found = self.alternative(value)
        return found.description if found is not None else self.default_description


@dataclass(frozen=True)
class CoverageSpec:
    """A provision declared not checkable, or left to an authority, for the coverage map."""
    provision: Any                 # law.Provision
    status: str                    # not_checkable | needs_assessment
    decl: A.Coverage
    reason: str = ""
    authority: str = ""
    quote: str = ""
