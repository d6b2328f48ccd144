"""Where each name of a rule set is declared and used, read from the syntax trees.

The index is built from what the parser gives (`syntax.py`), not from the checked program, so that
a rule set with errors, or with a file that parses only in part, still has one: go to definition,
find references and hover work on whatever parsed. A name is known by its key:

    ("value", name)             constant, parameter, definition, dataset, member state
    ("type", name)              document or record type
    ("field", type, name)       a field of a document or record type
    ("rule", name)              requirement or exception
    ("authority", name)
    ("local", at, name)         a name bound in a declaration ('for', 'using', a parameter, 'for each'),
                                `at` being the span of the binding
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ...language import syntax as A
from ...language.library import FUNCTIONS

Key = tuple


@dataclass(frozen=True)
class Occurrence:
    """A name written somewhere: its key, where, and whether it is the declaration."""
    key: Key
    span: A.Span
    declares: bool = False


@dataclass(frozen=True)
class Citing:
    """A citation written somewhere, and the declaration it belongs to."""
    node: A.CitationNode
    decl: A.Declaration


class Index:
    def __init__(self, files: list[A.RuleFile]):
        self.files = files
        self.declarations: dict[Key, tuple[A.Declaration, A.Span]] = {}      # key -> declaring node, name
        self.fields: dict[Key, A.Field] = {}
        self.occurrences: list[Occurrence] = []
        self.citations: list[Citing] = []
        structures = {d.name: d for f in files for d in f.declarations if isinstance(d, A.Structure)}
        values: dict[str, A.Declaration] = {d.name: d for f in files for d in f.declarations if isinstance(d, _VALUES)}
        for f in files:
            for decl in f.declarations:
                _Walker(self, f, decl, structures, values).declaration()

    # -------------------------------------------------------------- queries
    def at(self, file: str, line: int, column: int) -> Occurrence | None:
        """The name written at a position (1-based line and column) of a file."""
        return next((o for o in self.occurrences if o.span.file == file and _inside(o.span, line, column)), None)

    def citation_at(self, file: str, line: int, column: int) -> Citing | None:
        return next((c for c in self.citations if c.node.span.file == file and _inside(c.node.span, line, column)),
                    None)

    def declaration(self, key: Key) -> Occurrence | None:
        return next((o for o in self.occurrences if o.key == key and o.declares), None)

    def references(self, key: Key) -> list[Occurrence]:
        return [o for o in self.occurrences if o.key == key]

    def enclosing(self, file: str, line: int) -> A.Declaration | None:
        """The declaration a line of a file is in."""
        rule_file = next((f for f in self.files if f.path == file), None)
        found = None
        for decl in rule_file.declarations if rule_file else ():
            if decl.span.line <= line:
                found = decl
        return found

    def scope(self, decl: A.Declaration) -> dict[str, A.TypeExpr]:
        """The names a declaration binds, with their written types."""
        bindings = (*getattr(decl, "subjects", ()), *getattr(decl, "using", ()), *getattr(decl, "params", ()))
        return {b.name: b.type for b in bindings}


_VALUES = (A.Constant, A.Parameter, A.Definition, A.Dataset, A.MemberState)
_KINDS = {A.Constant: "value", A.Parameter: "value", A.Definition: "value", A.Dataset: "value",
          A.MemberState: "value", A.Calendar: "value", A.Structure: "type", A.Requirement: "rule",
          A.Exception_: "rule", A.Authority: "authority", A.Reading: "reading"}


def _inside(span: A.Span, line: int, column: int) -> bool:
    if (line, column) < (span.line, span.column):
        return False
    return (line, column) <= (span.end_line, span.end_column) if span.end_line else False


def name_span(span: A.Span, name: str) -> A.Span:
    """The span of a name where a node that starts with it starts (`Binding`, `Call`)."""
    return A.Span(span.file, span.line, span.column, span.line, span.column + len(name), span.start,
                  span.start + len(name))


def tail_span(span: A.Span, name: str) -> A.Span:
    """The span of a name a node ends with (`a.b`: the field b)."""
    return A.Span(span.file, span.end_line, span.end_column - len(name), span.end_line, span.end_column,
                  span.end - len(name), span.end)


def word_span(rule_file: A.RuleFile, within: A.Span, pattern: str, name: str) -> A.Span | None:
    """The span of `name` where `pattern` (a regex with one group: the name) first matches inside a span."""
    match = re.compile(pattern).search(rule_file.source, within.start, within.end or len(rule_file.source))
    if match is None or match.group(1) != name:
        return None
    start = match.start(1)
    line = rule_file.source.count("\n", 0, start) + 1
    column = start - rule_file.source.rfind("\n", 0, start)
    return A.Span(rule_file.path, line, column, line, column + len(name), start, start + len(name))


class _Walker:
    """Records the names of one declaration, with the types of what they bind where it can tell."""

    def __init__(self, index: Index, rule_file: A.RuleFile, decl: A.Declaration,
                 structures: dict[str, A.Structure], values: dict[str, A.Declaration]):
        self.index = index
        self.file = rule_file
        self.decl = decl
        self.structures = structures
        self.values = values

    def add(self, key: Key, span: A.Span, declares: bool = False) -> None:
        if span.file and span.end_line:
            self.index.occurrences.append(Occurrence(key, span, declares))

    def declaration(self) -> None:
        decl = self.decl
        kind = _KINDS.get(type(decl))
        if kind is not None:
            self.add((kind, decl.name), decl.name_span, True)
            self.index.declarations[(kind, decl.name)] = (decl, decl.name_span)
        for citation in decl.meta.citations:
            self.index.citations.append(Citing(citation, decl))
        scope: dict[str, tuple[Key, A.TypeExpr | None]] = {}
        for binding in (*getattr(decl, "subjects", ()), *getattr(decl, "using", ()), *getattr(decl, "params", ())):
            key = ("local", binding.span, binding.name)
            self.add(key, name_span(binding.span, binding.name), True)
            self.type_refs(binding.type)
            scope[binding.name] = (key, binding.type)
        getattr(self, "_" + type(decl).__name__, lambda d, s: None)(decl, scope)

    # -- declarations with more than names and bindings
    def _Structure(self, decl: A.Structure, scope) -> None:
        for fld in decl.fields:
            key = ("field", decl.name, fld.name)
            self.add(key, name_span(fld.span, fld.name), True)
            self.index.fields[key] = fld
            self.type_refs(fld.type)
            for citation in fld.citations:
                self.index.citations.append(Citing(citation, decl))
            if fld.default is not None:
                self.expr(fld.default, scope)

    def _Constant(self, decl: A.Constant, scope) -> None:
        if decl.declared is not None:
            self.type_refs(decl.declared)
        self.expr(decl.value, scope)

    def _Parameter(self, decl: A.Parameter, scope) -> None:
        self.type_refs(decl.declared)
        self.expr(decl.default, scope)

    def _Dataset(self, decl: A.Dataset, scope) -> None:
        self.type_refs(decl.declared)
        if decl.scale is not None:
            self.expr(decl.scale, scope)

    def _Definition(self, decl: A.Definition, scope) -> None:
        if decl.declared is not None:
            self.type_refs(decl.declared)
        self.expr(decl.body, scope)

    def _Requirement(self, decl: A.Requirement, scope) -> None:
        if decl.for_each is not None:
            self.expr(decl.for_each.source, scope)
            scope = {**scope, **self.bound(decl.for_each.var, decl.for_each.span, decl.for_each.source, scope)}
        for e in (decl.when, *decl.unless, decl.requires):
            if e is not None:
                self.expr(e, scope)
        if decl.assessment is not None:
            self.add(("authority", decl.assessment.authority), decl.assessment.authority_span)

    def _Exception_(self, decl: A.Exception_, scope) -> None:
        for target, span in decl.targets:
            self.add(("rule", target), span)
        if decl.when is not None:
            self.expr(decl.when, scope)
        outcome = decl.outcome
        if outcome is not None and outcome.condition is not None:
            self.expr(outcome.condition, scope)
        if outcome is not None and outcome.assessment is not None:
            self.add(("authority", outcome.assessment.authority), outcome.assessment.authority_span)

    def _Coverage(self, decl: A.Coverage, scope) -> None:
        if decl.assessment is not None:
            self.add(("authority", decl.assessment.authority), decl.assessment.authority_span)

    def _Reading(self, decl: A.Reading, scope) -> None:
        # an alternative names the definitions it puts in place of others: both are uses of them
        for value in decl.values:
            for substitution in value.uses:
                self.add(("value", substitution.substitute), substitution.substitute_span)
                self.add(("value", substitution.replaced), substitution.replaced_span)

    def _Report(self, decl: A.Report, scope) -> None:
        for figure in decl.figures:
            for citation in figure.citations:
                self.index.citations.append(Citing(citation, decl))
            if figure.field is not None:
                self.add(("field", figure.source, figure.field), figure.source_span)
            else:
                kind = "type" if figure.source in self.structures else "value"
                self.add((kind, figure.source), figure.source_span)

    # -- types and expressions
    def type_refs(self, t: A.TypeExpr) -> None:
        if isinstance(t, A.NamedType):
            self.add(("type", t.name), t.span)
        elif isinstance(t, A.TableType):
            self.type_refs(t.value)
        elif isinstance(t, A.ListType):
            self.type_refs(t.item)

    def bound(self, var: str, within: A.Span, source: A.Expr, scope) -> dict:
        """A name bound by 'for each <var> in <source>', with the type of an item of the source."""
        at = word_span(self.file, within, rf"\beach\s+({re.escape(var)})\b", var)
        if at is None:
            return {}
        key = ("local", at, var)
        self.add(key, at, True)
        return {var: (key, _item(self.type_of(source, scope)))}

    def expr(self, e: A.Expr, scope) -> None:
        if isinstance(e, A.Name):
            found = scope.get(e.name)
            self.add(found[0] if found else ("value", e.name), e.span)
        elif isinstance(e, A.Call):
            if e.name not in FUNCTIONS:
                self.add(("value", e.name), name_span(e.span, e.name))
            for arg in e.args:
                self.expr(arg, scope)
        elif isinstance(e, A.FieldAccess):
            self.expr(e.target, scope)
            owner = self.type_of(e.target, scope)
            if isinstance(owner, A.NamedType):
                self.add(("field", owner.name, e.name), tail_span(e.span, e.name))
        elif isinstance(e, A.Aggregate):
            self.expr(e.source, scope)
            inner = {**scope, **self.bound(e.var, e.span, e.source, scope)}
            self.expr(e.body, inner)
            if e.where is not None:
                self.expr(e.where, inner)
        else:
            for child in _children(e):
                self.expr(child, scope)

    def type_of(self, e: A.Expr, scope) -> A.TypeExpr | None:
        """The written type of an expression, where names and fields say it."""
        if isinstance(e, A.Name):
            if e.name in scope:
                return scope[e.name][1]
            decl = self.values.get(e.name)
            return getattr(decl, "declared", None)
        if isinstance(e, A.FieldAccess):
            owner = self.type_of(e.target, scope)
            structure = self.structures.get(owner.name) if isinstance(owner, A.NamedType) else None
            found = next((f for f in structure.fields if f.name == e.name), None) if structure else None
            return found.type if found else None
        if isinstance(e, A.Index):
            table = self.type_of(e.target, scope)
            return table.value if isinstance(table, A.TableType) else None
        if isinstance(e, A.Participating):
            return A.ListType(item=A.SimpleType(name="member state"))
        return None


def _item(t: A.TypeExpr | None) -> A.TypeExpr | None:
    if isinstance(t, A.ListType):
        return t.item
    if isinstance(t, A.TableType):
        return A.SimpleType(name="member state")
    return None


def _children(e: A.Expr) -> Iterator[A.Expr]:
    for name in e.__dataclass_fields__:
        value = getattr(e, name)
        if isinstance(value, A.Expr):
            yield value
        elif isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, A.Expr))
