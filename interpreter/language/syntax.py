"""The typed syntax tree of a rule file, as written.

Every node is a frozen dataclass carrying the span it was parsed from. Spans do
not take part in equality, so two trees that say the same thing compare equal
wherever they were written (the formatter's round-trip test relies on this).
Names are not resolved here: that is the checker's job (see `checker.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction


@dataclass(frozen=True)
class Span:
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


NOWHERE = Span("<builtin>", 0, 0, 0, 0)


def _span() -> Span:
    return field(default=NOWHERE, compare=False, repr=False)


# ------------------------------------------------------------------ types

@dataclass(frozen=True)
class TypeExpr:
    span: Span = _span()


@dataclass(frozen=True)
class QuantityType(TypeExpr):
    unit: str = ""
    per: str | None = None


@dataclass(frozen=True)
class SimpleType(TypeExpr):
    """share, number, date, year, yes/no, text, member state."""
    name: str = ""


@dataclass(frozen=True)
class NamedType(TypeExpr):
    """A record or document type declared in the rules."""
    name: str = ""


@dataclass(frozen=True)
class TableType(TypeExpr):
    value: TypeExpr = field(default_factory=TypeExpr)


@dataclass(frozen=True)
class ListType(TypeExpr):
    item: TypeExpr = field(default_factory=TypeExpr)


# ------------------------------------------------------------ expressions

@dataclass(frozen=True)
class Expr:
    span: Span = _span()


@dataclass(frozen=True)
class Number(Expr):
    value: Fraction = Fraction(0)
    text: str = ""


@dataclass(frozen=True)
class Quantity(Expr):
    value: Fraction = Fraction(0)
    unit: str = ""
    text: str = ""


@dataclass(frozen=True)
class Percent(Expr):
    value: Fraction = Fraction(0)
    text: str = ""


@dataclass(frozen=True)
class Money(Expr):
    value: Fraction = Fraction(0)
    text: str = ""


@dataclass(frozen=True)
class DateLiteral(Expr):
    value: date = date(1970, 1, 1)


@dataclass(frozen=True)
class DateInYear(Expr):
    """`15 October of <year>`: a fixed day in a year computed from the facts."""
    day: int = 1
    month: int = 1
    year: Expr = field(default_factory=Expr)


@dataclass(frozen=True)
class Bool(Expr):
    value: bool = False


@dataclass(frozen=True)
class NoItems(Expr):
    """`none`: an empty list, e.g. as the default of a list field."""


@dataclass(frozen=True)
class Text(Expr):
    value: str = ""


@dataclass(frozen=True)
class Name(Expr):
    name: str = ""


@dataclass(frozen=True)
class Participating(Expr):
    """`participating member states`."""


@dataclass(frozen=True)
class FieldAccess(Expr):
    target: Expr = field(default_factory=Expr)
    name: str = ""


@dataclass(frozen=True)
class Index(Expr):
    target: Expr = field(default_factory=Expr)
    key: Expr = field(default_factory=Expr)


@dataclass(frozen=True)
class Call(Expr):
    name: str = ""
    args: tuple[Expr, ...] = ()


@dataclass(frozen=True)
class Aggregate(Expr):
    kind: str = "sum"
    body: Expr = field(default_factory=Expr)
    var: str = ""
    source: Expr = field(default_factory=Expr)
    where: Expr | None = None


@dataclass(frozen=True)
class Unary(Expr):
    op: str = "-"          # "-" or "not"
    operand: Expr = field(default_factory=Expr)


@dataclass(frozen=True)
class Binary(Expr):
    op: str = "+"          # + - * / and or
    left: Expr = field(default_factory=Expr)
    right: Expr = field(default_factory=Expr)


@dataclass(frozen=True)
class Compare(Expr):
    op: str = "="          # >= <= > < = !=
    left: Expr = field(default_factory=Expr)
    right: Expr = field(default_factory=Expr)
    wording: str = "="     # as written: "is at least", ">=", ...


@dataclass(frozen=True)
class IsGiven(Expr):
    operand: Expr = field(default_factory=Expr)
    negated: bool = False


@dataclass(frozen=True)
class MemberOf(Expr):
    item: Expr = field(default_factory=Expr)
    collection: Expr = field(default_factory=Expr)
    negated: bool = False


@dataclass(frozen=True)
class If(Expr):
    condition: Expr = field(default_factory=Expr)
    then: Expr = field(default_factory=Expr)
    otherwise: Expr = field(default_factory=Expr)


# ----------------------------------------------------------- declarations

@dataclass(frozen=True)
class CitationNode:
    text: str
    span: Span = _span()


@dataclass(frozen=True)
class Note:
    """An interpretation note or a source line."""
    text: str
    span: Span = _span()


@dataclass(frozen=True)
class Binding:
    name: str
    type: TypeExpr
    span: Span = _span()


@dataclass(frozen=True)
class Assessment:
    authority: str
    quote: str
    span: Span = _span()
    authority_span: Span = _span()


@dataclass(frozen=True)
class Consequence:
    """What an exception does to the requirements it overrides."""
    kind: str                       # not_applicable | compliant | assessment | requires
    assessment: Assessment | None = None
    condition: Expr | None = None
    span: Span = _span()


@dataclass(frozen=True)
class ForEach:
    var: str
    source: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Meta:
    """What every declaration may carry: citations, interpretation notes, sources."""
    citations: tuple[CitationNode, ...] = ()
    interpretations: tuple[Note, ...] = ()
    sources: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Declaration:
    name: str
    span: Span = _span()
    name_span: Span = _span()
    meta: Meta = field(default_factory=Meta)


@dataclass(frozen=True)
class Act(Declaration):
    eli: str = ""
    url: str = ""
    law_text: str = ""


@dataclass(frozen=True)
class Authority(Declaration):
    description: str = ""


@dataclass(frozen=True)
class MemberState(Declaration):
    country: str = ""
    participates: bool = True
    since: date | None = None


@dataclass(frozen=True)
class Constant(Declaration):
    declared: TypeExpr | None = None
    value: Expr = field(default_factory=Expr)


@dataclass(frozen=True)
class Parameter(Declaration):
    declared: TypeExpr = field(default_factory=TypeExpr)
    default: Expr = field(default_factory=Expr)


@dataclass(frozen=True)
class Dataset(Declaration):
    declared: TypeExpr = field(default_factory=TypeExpr)
    description: str = ""
    file: str = ""
    scale: Expr | None = None


@dataclass(frozen=True)
class Calendar(Declaration):
    """The official holidays of each Member State, read from a file of the rules folder (Art 75(d))."""
    description: str = ""
    file: str = ""


@dataclass(frozen=True)
class Field:
    name: str
    type: TypeExpr
    description: str = ""
    default: Expr | None = None
    citations: tuple[CitationNode, ...] = ()
    span: Span = _span()


@dataclass(frozen=True)
class Structure(Declaration):
    """A `document` (a file submitted for checking) or a `record` (a part of one)."""
    is_document: bool = True
    description: str = ""
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Figure:
    """One figure of a report: `figure fair_value = fair_share_value cites Art 57(3)`."""
    name: str
    source: str                                 # a definition, constant, parameter, or document or record type
    field: str | None = None                    # with a type: the field shown
    citations: tuple[CitationNode, ...] = ()    # the citation shown, if narrower or fewer than the source's
    span: Span = _span()
    name_span: Span = _span()
    source_span: Span = _span()


@dataclass(frozen=True)
class Report(Declaration):
    """What a report shows, figure by figure, so that the checker sees every name it uses."""
    description: str = ""
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Definition(Declaration):
    params: tuple[Binding, ...] = ()
    declared: TypeExpr | None = None
    body: Expr = field(default_factory=Expr)


@dataclass(frozen=True)
class Requirement(Declaration):
    title: str = ""
    subjects: tuple[Binding, ...] = ()
    using: tuple[Binding, ...] = ()
    for_each: ForEach | None = None
    when: Expr | None = None
    unless: tuple[Expr, ...] = ()
    requires: Expr | None = None
    assessment: Assessment | None = None


@dataclass(frozen=True)
class Exception_(Declaration):
    title: str = ""
    subjects: tuple[Binding, ...] = ()
    using: tuple[Binding, ...] = ()
    targets: tuple[tuple[str, Span], ...] = ()
    priority: int | None = None
    when: Expr | None = None
    outcome: Consequence | None = None


@dataclass(frozen=True)
class Substitution:
    """`uses NEW for OLD` in an alternative reading: wherever the rules use OLD, NEW is used instead.
    With `with READING = VALUE`, only when that other reading is chosen too (a combination resolved)."""
    substitute: str
    replaced: str
    together_with: tuple[str, str] | None = None     # (reading, value)
    span: Span = _span()
    substitute_span: Span = _span()
    replaced_span: Span = _span()


@dataclass(frozen=True)
class Exclusion:
    """`not with READING = VALUE "why"`: two alternatives that cannot be chosen together."""
    reading: str
    value: str
    reason: str
    span: Span = _span()


@dataclass(frozen=True)
class ReadingValue:
    """The default or an alternative of a reading: its name, what it says, and (an alternative) the
    definitions it puts in place, or why it is not encoded."""
    name: str
    description: str
    is_default: bool = False
    uses: tuple[Substitution, ...] = ()
    excluded: tuple[Exclusion, ...] = ()
    not_encoded: str | None = None
    span: Span = _span()
    name_span: Span = _span()


@dataclass(frozen=True)
class Reading(Declaration):
    """`reading fair_share_composition "question" cites ... default ... alternative ...`: a question
    the text leaves open, the reading the rules follow and the others, each named and switchable."""
    question: str = ""
    values: tuple[ReadingValue, ...] = ()

    @property
    def default(self) -> ReadingValue | None:
        return next((v for v in self.values if v.is_default), None)

    @property
    def alternatives(self) -> tuple[ReadingValue, ...]:
        return tuple(v for v in self.values if not v.is_default)


@dataclass(frozen=True)
class Coverage(Declaration):
    """`coverage Art 9(1) not checkable "..."` or `coverage Art 59(4) needs assessment by ...`:
    what becomes of a provision no requirement checks. Its name is the citation as written."""
    citation: CitationNode = field(default_factory=lambda: CitationNode(""))
    status: str = "not_checkable"          # not_checkable | needs_assessment
    reason: str = ""                       # why it is not checkable
    assessment: Assessment | None = None


@dataclass(frozen=True)
class RuleFile:
    path: str
    source: str
    declarations: tuple[Declaration, ...] = ()
    comments: tuple[tuple[int, str], ...] = ()   # (line, text), kept for the formatter
