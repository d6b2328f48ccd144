"""Rule files in one canonical layout (`ammr fmt`).

The layout is computed from the syntax tree (`syntax.py`) alone, so two files that say the
same thing are laid out the same, and formatting formatted text changes nothing. The
source is consulted only for what the tree leaves out: the comments, and where the author
left a blank line between declarations.

The layout, close to how the rules were first written:
- a declaration starts at the left margin; each clause on its own line, indented by two,
  in a fixed order (citations first, interpretation notes last); fields of a document
  after its clauses;
- authorities, member states and coverage declarations stay on one line when they fit;
- the parts of a field (type, description, default, citations), and the words of the law
  after `needs assessment by`, go side by side while they fit, the rest on the next line;
- an expression longer than the line breaks before `and`/`or`, then before its comparison
  (`is at least ...`), then before `for each` in an aggregate, each continuation aligned
  under the start of the expression;
- a comment stays with the clause it was written beside or above.

Expressions are laid out with a small Wadler-style pretty printer: a `Group` is printed on
one line if it fits, else its `LINE`s become line breaks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from typing import Any

from lark import Token, Tree

from ..language import syntax as A
from ..language.parse import MONTHS, parse_file, parse_text, parser

WIDTH = 120
INDENT = 2


class FormatError(Exception):
    """The formatter would change what a file says: a bug in the formatter, never written out."""


# ------------------------------------------------------------------ documents

@dataclass(frozen=True)
class Group:
    """Printed on one line if it fits; else each of its LINEs starts a new line."""
    doc: object


@dataclass(frozen=True)
class Nest:
    by: int
    doc: object


@dataclass(frozen=True)
class Align:
    """Continuation lines start at the column where this document starts."""
    doc: object


@dataclass(frozen=True)
class Fill:
    """Items side by side while each fits on the line; one that does not starts the next line."""
    items: tuple


@dataclass(frozen=True)
class _Next:
    """An item of a Fill after the first: beside the one before if it fits."""
    doc: object


LINE = object()          # a space when its group fits on the line, else a line break


def _spaced(items) -> tuple:
    return tuple(part for i, item in enumerate(items) for part in ((LINE, item) if i else (item,)))


def _concat(*parts) -> tuple:
    return tuple(parts)


def render(doc, column: int = 0, width: int = WIDTH) -> str:
    """Lay out a document starting at `column` (iteratively: expressions may nest deeply)."""
    out: list[str] = []
    col = column
    stack: list[tuple[int, bool, object]] = [(column, False, doc)]
    while stack:
        indent, flat, d = stack.pop()
        if isinstance(d, str):
            out.append(d)
            col += len(d)
        elif isinstance(d, tuple):
            stack.extend((indent, flat, part) for part in reversed(d))
        elif isinstance(d, Nest):
            stack.append((indent + d.by, flat, d.doc))
        elif isinstance(d, Align):
            stack.append((col, flat, d.doc))
        elif isinstance(d, Group):
            stack.append((indent, flat or _fits(width - col, d.doc, stack), d.doc))
        elif isinstance(d, Fill):
            first, *others = d.items
            parts = (first, *(_Next(item) for item in others)) if not flat else _spaced(d.items)
            stack.extend((indent, flat, part) for part in reversed(parts))
        elif isinstance(d, _Next):
            beside = _fits(width - col - 1, d.doc, [])
            out.append(" " if beside else "\n" + " " * indent)
            col = col + 1 if beside else indent
            stack.append((indent, beside, d.doc))
        elif d is LINE:
            if flat:
                out.append(" ")
                col += 1
            else:
                out.append("\n" + " " * indent)
                col = indent
    return "".join(out)


def _fits(room: int, doc, rest: list) -> bool:
    """Whether `doc` printed flat, and what follows it up to the next line break, fit in `room`."""
    todo: list[tuple[bool, object]] = [(True, doc)]
    next_rest = len(rest)
    while room >= 0:
        if not todo:
            if next_rest == 0:
                return True
            next_rest -= 1
            _, flat, d = rest[next_rest]
            todo.append((flat, d))
            continue
        flat, d = todo.pop()
        if isinstance(d, str):
            room -= len(d)
        elif isinstance(d, tuple):
            todo.extend((flat, part) for part in reversed(d))
        elif isinstance(d, (Nest, Align, Group)):
            todo.append((flat or isinstance(d, Group), d.doc))
        elif isinstance(d, Fill):
            todo.append((flat, _spaced(d.items)))
        elif isinstance(d, _Next):
            todo.append((flat, (LINE, d.doc)))
        elif d is LINE:
            if not flat:
                return True
            room -= 1
    return False


# ---------------------------------------------------------------- expressions

# Binding strength, as in grammar.lark: a child weaker than its place requires is bracketed.
_IF, _OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _UNARY, _POSTFIX, _ATOM = range(10)
_BINARY_LEVEL = {"or": _OR, "and": _AND, "+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _PRODUCT}
_SINGULAR = {"persons": "person", "days": "day", "weeks": "week", "months": "month"}


def _level(e: A.Expr) -> int:
    if isinstance(e, A.If):
        return _IF
    if isinstance(e, A.Binary):
        return _BINARY_LEVEL[e.op]
    if isinstance(e, A.Unary):
        return _NOT if e.op == "not" else _UNARY
    if isinstance(e, (A.Compare, A.IsGiven, A.MemberOf)):
        return _COMPARE
    if isinstance(e, A.DateInYear):
        return _UNARY
    if isinstance(e, (A.FieldAccess, A.Index, A.Call)):
        return _POSTFIX
    return _ATOM


def expression(e: A.Expr, at_least: int = _IF):
    """The document of an expression, bracketed if it binds less than its place requires."""
    doc = _expression(e)
    if _level(e) < at_least:
        return _concat("(", Align(doc), ")")
    return doc


def _expression(e: A.Expr):
    return EXPRESSIONS[type(e)](e)


def _compare(e: A.Compare):
    return Group(Align(_concat(expression(e.left, _SUM), LINE, e.wording + " ", expression(e.right, _SUM))))


def _is_given(e: A.IsGiven):
    return _concat(expression(e.operand, _SUM), " is not given" if e.negated else " is given")


def _member_of(e: A.MemberOf):
    return _concat(expression(e.item, _SUM), " not in " if e.negated else " in ", expression(e.collection, _SUM))


def _unary(e: A.Unary):
    if e.op == "not":
        return _concat("not ", expression(e.operand, _NOT))
    if isinstance(e.operand, A.Unary) and e.operand.op == "-":
        return _concat("-(", expression(e.operand), ")")       # not "--x"
    return _concat("-", expression(e.operand, _UNARY))


def _if(e: A.If):
    return Group(Align(_concat("if ", expression(e.condition, _OR), LINE, "then ", expression(e.then, _OR),
                               LINE, "else ", expression(e.otherwise))))


def _call(e: A.Call):
    args: list = []
    for i, arg in enumerate(e.args):
        args.extend(((",", LINE) if i else ()) + (expression(arg),))
    return _concat(e.name + "(", Group(Align(tuple(args))), ")")


def _aggregate(e: A.Aggregate):
    parts = [expression(e.body), LINE, f"for each {e.var} in ", expression(e.source)]
    if e.where is not None:
        parts += [LINE, "where ", expression(e.where)]
    return _concat(e.kind + "(", Group(Align(tuple(parts))), ")")


def _chain(e: A.Binary):
    """`a and b and c`, `a + b - c`: operands of one strength in a row, broken before each operator."""
    level = _BINARY_LEVEL[e.op]
    operands: list[tuple[str, A.Expr]] = []
    node: A.Expr = e
    while isinstance(node, A.Binary) and _BINARY_LEVEL[node.op] == level:
        operands.append((node.op, node.right))
        node = node.left
    parts = [expression(node, level)]
    for op, operand in reversed(operands):
        parts += [LINE, op + " ", expression(operand, level + 1)]
    return Group(Align(tuple(parts)))


# One case per expression of the syntax tree (tests/test_node_coverage.py checks that none is missing).
EXPRESSIONS: dict[type, Callable[[Any], Any]] = {
    A.Binary: _chain, A.Compare: _compare, A.IsGiven: _is_given, A.MemberOf: _member_of,
    A.Unary: _unary, A.If: _if,
    A.FieldAccess: lambda e: _concat(expression(e.target, _POSTFIX), "." + e.name),
    A.Index: lambda e: _concat(expression(e.target, _POSTFIX), "[", expression(e.key), "]"),
    A.Call: _call, A.Aggregate: _aggregate,
    A.DateInYear: lambda e: _concat(f"{e.day} {MONTHS[e.month - 1]} of ", expression(e.year, _UNARY)),
    A.Number: lambda e: e.text, A.Quantity: lambda e: e.text, A.Percent: lambda e: e.text, A.Money: lambda e: e.text,
    A.DateLiteral: lambda e: date_words(e.value), A.Bool: lambda e: "yes" if e.value else "no",
    A.NoItems: lambda e: "none", A.Text: lambda e: quote(e.value), A.Name: lambda e: e.name,
    A.Participating: lambda e: "participating member states",
}


def date_words(value: date) -> str:
    """Dates as the Official Journal writes them: 15 October 2025."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def type_words(t: A.TypeExpr) -> str:
    if isinstance(t, A.QuantityType):
        return t.unit + (f" per {_SINGULAR.get(t.per, t.per)}" if t.per else "")
    if isinstance(t, (A.SimpleType, A.NamedType)):
        return t.name
    if isinstance(t, A.TableType):
        return f"{type_words(t.value)} by member state"
    if isinstance(t, A.ListType):
        return f"list of {type_words(t.item)}"
    raise TypeError(f"cannot format {type(t).__name__}")


# --------------------------------------------------------------- declarations

@dataclass
class _Unit:
    """One line (or a few) of a declaration: its head, a clause, or a field."""
    key: tuple[str, int]
    doc: object
    lines: list[str] = field(default_factory=list)


def _units(d: A.Declaration) -> list[_Unit]:
    """The declaration's parts in canonical order; the first is its head."""
    make = DECLARATIONS.get(type(d))
    if make is None:
        raise TypeError(f"cannot format {type(d).__name__}")
    parts = make(d)
    return [_Unit(key, doc) for key, doc in parts if doc is not None]


def _cites(citations) -> Any:
    if not citations:
        return None
    parts: list[Any] = [f"cites {citations[0].text}"]
    for c in citations[1:]:
        parts += [LINE, f"and {c.text}"]
    return Group(Align(tuple(parts)))


def _notes(meta: A.Meta, cites=True) -> list:
    out = [(("cites", 0), _cites(meta.citations))] if cites else []
    out += [(("source", i), f"source {quote(n.text)}") for i, n in enumerate(meta.sources)]
    out += [(("interpretation", i), f"interpretation {quote(n.text)}") for i, n in enumerate(meta.interpretations)]
    return out


def _clause(word: str, e: A.Expr | None):
    return None if e is None else _concat(word + " ", Align(expression(e)))


def _bindings(word: str, bindings) -> str | None:
    if not bindings:
        return None
    return f"{word} " + ", ".join(f"{b.name}: {type_words(b.type)}" for b in bindings)


def _assessment(a: A.Assessment, before: str = ""):
    """The words of the law go on the next line when they do not fit beside the authority."""
    return Nest(INDENT, Fill((f"{before}needs assessment by {a.authority}", quote(a.quote))))


def _act(d: A.Act):
    return [(("head", 0), f"act {quote(d.name)}"),
            (("eli", 0), f"eli {quote(d.eli)}" if d.eli else None),
            (("url", 0), f"url {quote(d.url)}" if d.url else None),
            (("law_text", 0), f"law text {quote(d.law_text)}" if d.law_text else None), *_notes(d.meta)]


def _authority(d: A.Authority):
    return [(("head", 0), f"authority {d.name} {quote(d.description)}"), *_notes(d.meta)]


def _member_state(d: A.MemberState):
    if not d.participates:
        status = "does not participate"
    else:
        status = "participates" + (f" from {date_words(d.since)}" if d.since else "")
    return [(("head", 0), f"member state {d.name} {quote(d.country)} {status}"), *_notes(d.meta)]


def _constant(d: A.Constant):
    typed = f": {type_words(d.declared)}" if d.declared is not None else ""
    return [(("head", 0), _concat(f"constant {d.name}{typed} = ", Align(expression(d.value)))), *_notes(d.meta)]


def _parameter(d: A.Parameter):
    return [(("head", 0), _concat(f"parameter {d.name}: {type_words(d.declared)} = ", Align(expression(d.default)))),
            *_notes(d.meta)]


def _calendar(d: A.Calendar):
    return [(("head", 0), f"calendar {d.name}"),
            (("description", 0), quote(d.description) if d.description else None),
            (("file", 0), f"file {quote(d.file)}"), *_notes(d.meta)]


def _dataset(d: A.Dataset):
    return [(("head", 0), f"dataset {d.name}: {type_words(d.declared)}"),
            (("description", 0), quote(d.description) if d.description else None),
            (("file", 0), f"file {quote(d.file)}"),
            (("scale", 0), _clause("scale", d.scale)), *_notes(d.meta)]


def _field(f: A.Field):
    """Name and type, description, default, citations: side by side while they fit."""
    parts: list[Any] = [f"{f.name}: {type_words(f.type)}"]
    if f.description:
        parts.append(quote(f.description))
    if f.default is not None:
        parts.append(_concat("default ", Align(expression(f.default))))
    if f.citations:
        parts.append(_cites(f.citations))
    return Nest(INDENT, Fill(tuple(parts)))


def _structure(d: A.Structure):
    word = "document" if d.is_document else "record"
    head = f"{word} {d.name}" + (f" {quote(d.description)}" if d.description else "")
    return [(("head", 0), head), *_notes(d.meta), *((("field", i), _field(f)) for i, f in enumerate(d.fields))]


def _figure(f: A.Figure):
    shown = f.source + (f".{f.field}" if f.field else "")
    return Nest(INDENT, Fill((f"figure {f.name} = {shown}", *((_cites(f.citations),) if f.citations else ()))))


def _report(d: A.Report):
    head = f"report {d.name}" + (f" {quote(d.description)}" if d.description else "")
    return [(("head", 0), head), *_notes(d.meta), *((("figure", i), _figure(f)) for i, f in enumerate(d.figures))]


def _definition(d: A.Definition):
    params = f"({', '.join(f'{b.name}: {type_words(b.type)}' for b in d.params)})" if d.params else ""
    typed = f": {type_words(d.declared)}" if d.declared is not None else ""
    return [(("head", 0), f"definition {d.name}{params}{typed}"), (("body", 0), _clause("=", d.body)),
            *_notes(d.meta)]


def _requirement(d: A.Requirement):
    for_each = None
    if d.for_each is not None:
        for_each = _concat(f"for each {d.for_each.var} in ", Align(expression(d.for_each.source)))
    return [(("head", 0), f"requirement {d.name} {quote(d.title)}"), *_notes(d.meta)[:1],
            (("for", 0), _bindings("for", d.subjects)), (("using", 0), _bindings("using", d.using)),
            (("for_each", 0), for_each), (("when", 0), _clause("when", d.when)),
            *((("unless", i), _clause("unless", u)) for i, u in enumerate(d.unless)),
            (("requires", 0), _clause("requires", d.requires)),
            (("assessment", 0), _assessment(d.assessment) if d.assessment else None),
            *_notes(d.meta, cites=False)]


def _outcome(o: A.Consequence | None):
    if o is None:
        return None
    if o.kind == "requires":
        return _clause("then requires", o.condition)
    if o.kind == "assessment":
        assert o.assessment is not None
        return _assessment(o.assessment, "then ")
    return "then " + o.kind.replace("_", " ")


def _exception(d: A.Exception_):
    targets = f"notwithstanding {', '.join(name for name, _ in d.targets)}" if d.targets else None
    return [(("head", 0), f"exception {d.name} {quote(d.title)}"), *_notes(d.meta)[:1],
            (("for", 0), _bindings("for", d.subjects)), (("using", 0), _bindings("using", d.using)),
            (("notwithstanding", 0), targets),
            (("priority", 0), f"priority {d.priority}" if d.priority is not None else None),
            (("when", 0), _clause("when", d.when)), (("then", 0), _outcome(d.outcome)),
            *_notes(d.meta, cites=False)]


def _coverage(d: A.Coverage):
    head = f"coverage {d.citation.text} "
    if d.status == "not_checkable":
        status = Nest(INDENT, Fill((head + "not checkable", quote(d.reason))))
    else:
        assert d.assessment is not None
        status = _assessment(d.assessment, head)
    extra = A.Meta(d.meta.citations[1:], d.meta.interpretations, d.meta.sources)
    return [(("head", 0), status), *_notes(extra)]


def _reading_value(v: A.ReadingValue):
    """`default NAME "..."` or `alternative NAME "..."`, then what the alternative does, a line each."""
    head = Fill((f"{'default' if v.is_default else 'alternative'} {v.name}", quote(v.description)))
    parts: list[Any] = []
    for u in v.uses:
        together = f"with {u.together_with[0]} = {u.together_with[1]} " if u.together_with else ""
        parts += [LINE, f"{together}uses {u.substitute} for {u.replaced}"]
    for x in v.excluded:
        parts += [LINE, Nest(INDENT, Fill((f"not with {x.reading} = {x.value}", quote(x.reason))))]
    if v.not_encoded is not None:
        parts += [LINE, Nest(INDENT, Fill(("not encoded", quote(v.not_encoded))))]
    return Nest(INDENT, (head, *parts))


def _reading(d: A.Reading):
    return [(("head", 0), Nest(INDENT, Fill((f"reading {d.name}", quote(d.question))))), *_notes(d.meta),
            *((("value", i), _reading_value(v)) for i, v in enumerate(d.values))]


# One case per declaration of the syntax tree (tests/test_node_coverage.py checks that none is missing).
DECLARATIONS: dict[type, Callable[[Any], list]] = {
    A.Act: _act, A.Authority: _authority, A.MemberState: _member_state, A.Constant: _constant,
    A.Parameter: _parameter, A.Dataset: _dataset, A.Calendar: _calendar, A.Structure: _structure,
    A.Definition: _definition, A.Requirement: _requirement, A.Exception_: _exception, A.Coverage: _coverage,
    A.Report: _report, A.Reading: _reading}

# These read as one sentence: kept on one line when it fits.
_ONE_LINERS = (A.Authority, A.MemberState, A.Coverage)


# ------------------------------------------------------ where things were written

@dataclass(frozen=True)
class _Comment:
    line: int
    text: str
    own_line: bool           # alone on its line, not after some rule text
    column: int


@dataclass
class _Written:
    """Where a declaration and each of its parts were in the source."""
    start: int
    end: int
    parts: dict[tuple[str, int], list[tuple[int, int, int]]]     # key -> [(line, end line, offset)]
    after: list[_Comment] = field(default_factory=list)          # indented comments just below it
    inside: list[_Comment] = field(default_factory=list)


_CLAUSE_KEYS = {"cites": "cites", "interpretation": "interpretation", "source": "source", "file": "file",
                "scale": "scale", "eli": "eli", "url": "url", "law_text": "law_text", "for_each": "for_each",
                "for_subject": "for", "using": "using", "when": "when", "unless": "unless", "requires": "requires",
                "assessment": "assessment", "notwithstanding": "notwithstanding", "priority": "priority",
                "then": "then", "field": "field", "figure": "figure", "reading_default": "value",
                "reading_alternative": "value"}
_MERGED = {"cites"}          # several `cites` clauses are written as one


def _where(node) -> tuple[int, int, int]:
    if isinstance(node, Token):
        assert node.line is not None and node.end_line is not None and node.start_pos is not None
        return node.line, node.end_line, node.start_pos
    return node.meta.line, node.meta.end_line, node.meta.start_pos


def _written(declaration: Tree) -> _Written:
    parts: dict[tuple[str, int], list] = {}
    counts: Counter = Counter()
    children = declaration.children
    first_clause = next((i for i, c in enumerate(children)
                         if isinstance(c, Tree) and c.data in _CLAUSE_KEYS), len(children))
    head = [(declaration.meta.line, declaration.meta.line, declaration.meta.start_pos)]
    for i, child in enumerate(children):
        if isinstance(child, Tree) and child.data in _CLAUSE_KEYS:
            kind = _CLAUSE_KEYS[child.data]
            index = 0 if kind in _MERGED else counts[kind]
            counts[kind] += 1
            parts.setdefault((kind, index), []).append(_where(child))
        elif declaration.data == "definition" and i == first_clause - 1:
            parts[("body", 0)] = [_where(child)]
        elif declaration.data in ("dataset", "calendar") and isinstance(child, Tree) and child.data == "string":
            parts[("description", 0)] = [_where(child)]
        else:
            head.append(_where(child))
    parts[("head", 0)] = [(min(h[0] for h in head), max(h[1] for h in head), declaration.meta.start_pos)]
    return _Written(declaration.meta.line, declaration.meta.end_line, parts)


def _comments(rule_file: A.RuleFile) -> list[_Comment]:
    lines = rule_file.source.split("\n")
    out = []
    for line, text in rule_file.comments:
        written = lines[line - 1] if 0 < line <= len(lines) else text
        column = len(written) - len(text) + 1 if written.endswith(text) else 1
        out.append(_Comment(line, text.rstrip(), not written[:column - 1].strip(), column))
    return out


def _place_comments(written: list[_Written], comments: list[_Comment]) -> list[_Comment]:
    """Give each declaration the comments written inside it or indented just below it;
    return the others, which stand between declarations."""
    loose = []
    for c in comments:
        owner = next((w for w in written if w.start <= c.line <= w.end), None)
        if owner is not None:
            owner.inside.append(c)
            continue
        above = next((w for w in reversed(written) if w.end < c.line), None)
        last = above.after[-1].line if above is not None and above.after else (above.end if above else -1)
        if above is not None and c.own_line and c.column > 1 and c.line == last + 1:
            above.after.append(c)
        else:
            loose.append(c)
    return loose


# ------------------------------------------------------------------- layout

def _lay_out(d: A.Declaration, w: _Written | None) -> list[str]:
    """The lines of one declaration, its comments in place."""
    units = _units(d)
    for i, unit in enumerate(units):
        unit.lines = render(unit.doc, 0 if i == 0 else INDENT).split("\n")
    inside = w.inside if w is not None else []
    after = [c.text for c in (w.after if w is not None else [])]
    if isinstance(d, _ONE_LINERS):
        line = " ".join(u.lines[0] for u in units)
        trailing = [c for c in inside if not c.own_line]
        if all(len(u.lines) == 1 for u in units) and len(line) <= WIDTH and len(trailing) == len(inside) <= 1:
            return [line + (f"  {trailing[0].text}" if trailing else "")] + [" " * INDENT + c for c in after]
    leading: dict[tuple, list[str]] = {}
    beside: dict[tuple[tuple, int], str] = {}
    ending: list[str] = []
    for c in inside:
        assert w is not None            # comments inside come from the declaration's written form
        _attach(c, units, w, leading, beside, ending)
    out = []
    for i, unit in enumerate(units):
        pad = "" if i == 0 else " " * INDENT
        out += [pad + text for text in leading.get(unit.key, [])]
        for j, line in enumerate(unit.lines):
            note = beside.get((unit.key, j))
            out.append((pad if j == 0 else "") + line + (f"  {note}" if note else ""))
    return out + [" " * INDENT + text for text in ending + after]


def _attach(c: _Comment, units: list[_Unit], w: _Written, leading: dict, beside: dict, ending: list) -> None:
    """A comment alone on its line goes above the part it is written in, or else the part written
    after it; a comment after rule text stays at the end of the same line of that part."""
    spans = [(unit, span) for unit in units for span in w.parts.get(unit.key, [])]
    if c.own_line:
        around = [(span[0], unit) for unit, span in spans if span[0] <= c.line <= span[1]]
        below = [(span[0], unit) for unit, span in spans if span[0] > c.line]
        if around:
            leading.setdefault(max(around, key=lambda pair: pair[0])[1].key, []).append(c.text)
        elif below:
            leading.setdefault(min(below, key=lambda pair: pair[0])[1].key, []).append(c.text)
        else:
            ending.append(c.text)
        return
    holding = [(span[2], span, unit) for unit, span in spans if span[0] <= c.line <= span[1]]
    if not holding:
        holding = [(span[2], (span[1], span[1], span[2]), unit) for unit, span in spans if span[0] <= c.line] \
            or [(0, (0, 0, 0), units[0])]
    _, span, unit = max(holding, key=lambda item: item[0])
    slot = (unit.key, min(max(c.line - span[0], 0), len(unit.lines) - 1))
    if slot in beside:
        leading.setdefault(unit.key, []).append(c.text)
    else:
        beside[slot] = c.text


@dataclass
class _Block:
    """What stands between blank lines: a declaration with the comments just above it,
    or comments on their own."""
    lines: list[str]
    start: int | None          # source lines, when there is a source
    end: int | None
    tall: bool                 # a declaration of several clause lines: always set apart


def format_declarations(declarations, written: Sequence[_Written | None] | None = None,
                        loose: Iterable[_Comment] = ()) -> str:
    written = written or [None] * len(declarations)
    blocks: list[_Block] = []
    pending = sorted(loose, key=lambda c: c.line)
    for d, w in zip(declarations, written):
        lines = _lay_out(d, w)
        above = [c for c in pending if w is not None and c.line < w.start]
        pending = pending[len(above):]
        attached: list[_Comment] = []
        while above and w is not None and above[-1].line == (attached[0].line if attached else w.start) - 1:
            attached.insert(0, above.pop())
        blocks += _comment_blocks(above)
        end = max([w.end] + [c.line for c in w.after]) if w is not None else None
        tall = len(lines) > 1 and not isinstance(d, _ONE_LINERS)
        blocks.append(_Block([c.text for c in attached] + lines, attached[0].line if attached else
                             (w.start if w is not None else None), end, tall))
    blocks += _comment_blocks(pending)
    out: list[str] = []
    for previous, block in zip([None, *blocks], blocks):
        if previous is not None and (previous.tall or block.tall or _gap(previous, block)):
            out.append("")
        out += block.lines
    return "\n".join(out) + "\n" if out else ""


def _comment_blocks(comments: list[_Comment]) -> list[_Block]:
    blocks: list[_Block] = []
    for c in comments:
        if blocks and blocks[-1].end == c.line - 1:
            blocks[-1].lines.append(c.text)
            blocks[-1].end = c.line
        else:
            blocks.append(_Block([c.text], c.line, c.line, False))
    return blocks


def _gap(previous: _Block, block: _Block) -> bool:
    return previous.end is not None and block.start is not None and block.start - previous.end > 1


# ------------------------------------------------------------------ entry points

def format_rule_file(rule_file: A.RuleFile) -> str:
    """The canonical text of a parsed rule file, its comments kept."""
    if not rule_file.source.strip():
        return ""
    tree = parser().parse(rule_file.source)
    written = [_written(t) for t in tree.children if isinstance(t, Tree)]
    loose = _place_comments(written, _comments(rule_file))
    return format_declarations(rule_file.declarations, written, loose)


def format_text(text: str, filename: str = "<rules>") -> str:
    """Format rule text. Raises `Failed` if it does not parse, `FormatError` if formatting
    would change its meaning or lose a comment (a bug: nothing is written then)."""
    return _checked(parse_text(text, filename))


def format_file(path) -> tuple[str, str]:
    """The text of a rule file as it is and as formatted (`Failed` if it cannot be read or parsed)."""
    rule_file = parse_file(path)
    return rule_file.source, _checked(rule_file)


def _checked(before: A.RuleFile) -> str:
    formatted = format_rule_file(before)
    after = parse_text(formatted, before.path)
    if without_spans(after.declarations) != without_spans(before.declarations):
        raise FormatError(f"{before.path}: formatting would change what the rules say")
    if Counter(t.rstrip() for _, t in after.comments) != Counter(t.rstrip() for _, t in before.comments):
        raise FormatError(f"{before.path}: formatting would lose or change a comment")
    return formatted


def canonical(declarations) -> str:
    """The text of declarations built in code (no source, no comments)."""
    return format_declarations(tuple(declarations))


def without_spans(node):
    """The tree with every position erased, for comparing what two texts say. Spans of nodes
    do not take part in equality already, but an exception's targets are (name, span) pairs."""
    if isinstance(node, A.Span):
        return A.NOWHERE
    if isinstance(node, tuple):
        return tuple(without_spans(n) for n in node)
    if is_dataclass(node) and not isinstance(node, type):
        return replace(node, **{f.name: without_spans(getattr(node, f.name)) for f in fields(node) if f.init})
    return node
