"""Syntax trees -> checked program (`ir.py`), or every error found, with hints.

The checks run before anything is evaluated: every name resolves, every type and
unit agrees, every citation exists in the law text the project ships, every
quoted passage is the law's own wording, and exceptions say in which order they
apply. Errors are collected, never raised one by one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from . import depth, ir
from . import syntax as A
from . import typesys as T
from .diagnostics import Collector, Failed, did_you_mean
from .law import CitationSyntaxError, Law, Provision, UnresolvedCitation
from .library import FUNCTIONS as BUILTINS
from .readings import ReadingError, check_readings, cycle, substitutions

_SIMPLE_TYPES = {"share": T.SHARE, "number": T.SHARE, "date": T.DATE, "year": T.YEAR,
                 "yes/no": T.BOOL, "text": T.TEXT, "member state": T.MEMBER_STATE}


@dataclass(frozen=True)
class Program:
    """Everything the evaluator needs, checked. Built once per rule set."""
    files: tuple[A.RuleFile, ...]
    law: Law
    act: A.Act | None
    authorities: dict[str, A.Authority]
    member_states: dict[str, A.MemberState]
    structs: dict[str, ir.StructSpec]
    values: dict[str, ir.Value]
    datasets: dict[str, ir.DatasetSpec]
    requirements: tuple[ir.RequirementSpec, ...]
    exceptions: tuple[ir.ExceptionSpec, ...]
    coverage: tuple[ir.CoverageSpec, ...] = ()
    calendar: ir.CalendarSpec | None = None
    reports: dict[str, ir.ReportSpec] = field(default_factory=dict)
    readings: dict[str, ir.ReadingSpec] = field(default_factory=dict)
    # the readings this program is evaluated under, other than the defaults (see with_readings),
    # and the definitions they put in place of others (replaced -> substitute)
    chosen: tuple[tuple[str, str], ...] = ()
    substituted: dict[str, str] = field(default_factory=dict)

    @cached_property
    def participating(self) -> tuple[str, ...]:
        """The participating Member States, as the rules declare them (`member state XX ... participates`)."""
        return tuple(code for code, ms in self.member_states.items() if ms.participates)

    @property
    def documents(self) -> dict[str, ir.StructSpec]:
        return {name: s for name, s in self.structs.items() if s.is_document}

    def requirement(self, name: str) -> ir.RequirementSpec | None:
        return next((r for r in self.requirements if r.name == name), None)

    def resolve(self, name: str) -> str:
        """The definition evaluated for a name under this program's readings."""
        return self.substituted.get(name, name)

    def with_readings(self, chosen: Mapping[str, str]) -> Program:
        """The program evaluated under a choice of readings (checked by readings.choices): every use
        of a replaced definition made a use of its substitute, in definitions, requirements,
        exceptions and defaults alike, so that both engines evaluate it unchanged. Raises
        ReadingError for a combination that cannot be evaluated."""
        chosen = {name: value for name, value in chosen.items() if value != self.readings[name].default}
        mapping = substitutions(self.readings, chosen)
        if not mapping:
            return self
        loop = cycle({name: ir.references(v.body) for name, v in self.values.items()}, mapping)
        if loop:
            raise ReadingError("with these readings a definition is defined in terms of itself: " + ", ".join(loop))
        values = {name: replace(v, body=ir.renamed(v.body, mapping), data_only=False)
                  for name, v in self.values.items()}
        structs = {name: replace(s, fields={f: replace(spec, default=ir.renamed(spec.default, mapping))
                                            if spec.default is not None else spec
                                            for f, spec in s.fields.items()})
                   for name, s in self.structs.items()}
        exceptions = {x.name: _exception_renamed(x, mapping) for x in self.exceptions}
        requirements = tuple(_requirement_renamed(r, mapping, exceptions) for r in self.requirements)
        return replace(self, values=marked_data_only(values), structs=structs, requirements=requirements,
                       exceptions=tuple(exceptions.values()), chosen=tuple(sorted(chosen.items())),
                       substituted=mapping)


def _maybe(node: ir.Node | None, mapping: Mapping[str, str]) -> ir.Node | None:
    return ir.renamed(node, mapping) if node is not None else None


def _consequence_renamed(c: ir.ConsequenceSpec, mapping: Mapping[str, str]) -> ir.ConsequenceSpec:
    return replace(c, condition=_maybe(c.condition, mapping))


def _exception_renamed(x: ir.ExceptionSpec, mapping: Mapping[str, str]) -> ir.ExceptionSpec:
    return replace(x, when=_maybe(x.when, mapping), outcome=_consequence_renamed(x.outcome, mapping))


def _requirement_renamed(r: ir.RequirementSpec, mapping: Mapping[str, str],
                         exceptions: Mapping[str, ir.ExceptionSpec]) -> ir.RequirementSpec:
    for_each = (r.for_each[0], ir.renamed(r.for_each[1], mapping)) if r.for_each is not None else None
    return replace(r, for_each=for_each, when=_maybe(r.when, mapping),
                   unless=tuple(ir.renamed(u, mapping) for u in r.unless), requires=_maybe(r.requires, mapping),
                   assessment=_consequence_renamed(r.assessment, mapping) if r.assessment is not None else None,
                   exceptions=tuple(exceptions[x.name] for x in r.exceptions))


def check_rules(files: Iterable[A.RuleFile], law: Law,
                reports: Mapping[str, Mapping[str, str | None]] | None = None) -> Program:
    """Check the rule files against each other and the law text. `reports` says, for each report
    the program's users show (the pool report), which figures it shows and their signatures: a
    `report` declaration of that name must give exactly those."""
    files = tuple(files)
    checker = Checker(files, law, reports or {})
    program = checker.run()
    if checker.out.errors:
        # a wrong expression shared by a requirement and its exception would otherwise be reported twice
        unique = sorted(dict.fromkeys(checker.out.diagnostics),
                        key=lambda d: (d.span.file, d.span.line, d.span.column))
        raise Failed(unique, {f.path: f.source for f in files})
    return program


class Checker:
    def __init__(self, files: tuple[A.RuleFile, ...], law: Law, needs: Mapping[str, Mapping[str, str | None]]):
        self.files = files
        self.law = law
        self.needs = needs
        self.out = Collector()
        self.decls: dict[str, A.Declaration] = {}          # the value namespace
        self.structs_decl: dict[str, A.Structure] = {}
        self.rules_decl: dict[str, A.Declaration] = {}
        self.authorities: dict[str, A.Authority] = {}
        self.member_states: dict[str, A.MemberState] = {}
        self.act: A.Act | None = None
        self.reports_decl: list[A.Report] = []
        self.readings_decl: list[A.Reading] = []
        self.calendar: ir.CalendarSpec | None = None
        self.coverage_decl: list[A.Coverage] = []
        self.structs: dict[str, ir.StructSpec] = {}
        self.values: dict[str, ir.Value] = {}
        self.value_types: dict[str, T.Type] = {}
        self.in_progress: list[str] = []
        self.datasets: dict[str, ir.DatasetSpec] = {}
        self.citation_cache: dict[tuple, Provision | None] = {}
        self.param_types: dict[int, list[tuple[str, T.Type]]] = {}     # by id() of the definition
        self.duplicates: list[A.Declaration] = []          # declarations whose name was taken before

    # ------------------------------------------------------------ driver
    def run(self) -> Program:
        self._collect()
        self._check_structs()
        self._check_datasets()
        for name, decl in self.decls.items():
            if isinstance(decl, (A.Constant, A.Parameter, A.Definition)):
                self._value(name)
        exceptions = tuple(self._exception(d) for d in self.rules_decl.values() if isinstance(d, A.Exception_))
        requirements = tuple(self._requirement(d, exceptions) for d in self.rules_decl.values()
                             if isinstance(d, A.Requirement))
        self._check_exception_order(requirements, exceptions)
        self.values = marked_data_only(self.values)
        readings = check_readings(self.readings_decl, self.values, self.out, self._citations)
        if not self.out.errors:
            self._check_depth(requirements, exceptions)
        for decl in (*self.authorities.values(), *self.member_states.values(), *self.structs_decl.values()):
            self._citations(decl.meta.citations)
        if self.act:
            self._citations(self.act.meta.citations)
        coverage = self._coverage()
        reports = {r.name: self._report(r, self.needs.get(r.name)) for r in self.reports_decl}
        self._check_duplicates(exceptions)
        return Program(self.files, self.law, self.act, self.authorities, self.member_states, self.structs,
                       self.values, self.datasets, requirements, exceptions, coverage, self.calendar, reports,
                       readings)

    def _coverage(self) -> tuple[ir.CoverageSpec, ...]:
        out: list[ir.CoverageSpec] = []
        seen: dict[Any, Any] = {}
        for decl in self.coverage_decl:
            extra = self._citations(decl.meta.citations[1:])
            provision = self._citation(decl.citation)
            if provision is None:
                continue
            if provision.citation in seen:
                self.out.error("E214", f"the coverage of {provision.citation.short()} is declared twice",
                               decl.citation.span,
                               f"it was first declared at {seen[provision.citation]}")
                continue
            seen[provision.citation] = decl.citation.span
            if decl.assessment is not None:
                outcome = self._assessment(decl.assessment, (provision, *extra), ())
                out.append(ir.CoverageSpec(provision, "needs_assessment", decl, authority=outcome.authority,
                                           quote=outcome.quote))
            else:
                out.append(ir.CoverageSpec(provision, "not_checkable", decl, reason=decl.reason))
        return tuple(out)

    # One case per kind of declaration (tests/test_node_coverage.py checks that none is missing).
    COLLECT = {A.Act: "_collect_act", A.Authority: "_collect_authority", A.Report: "_collect_report",
               A.Reading: "_collect_reading",
               A.Calendar: "_collect_calendar", A.Coverage: "_collect_coverage", A.Structure: "_collect_structure",
               A.Requirement: "_collect_rule", A.Exception_: "_collect_rule", A.MemberState: "_collect_value",
               A.Constant: "_collect_value", A.Parameter: "_collect_value", A.Dataset: "_collect_value",
               A.Definition: "_collect_value"}

    def _collect(self) -> None:
        for file in self.files:
            for decl in file.declarations:
                getattr(self, self.COLLECT[type(decl)])(decl)

    def _collect_coverage(self, decl: A.Coverage) -> None:
        self.coverage_decl.append(decl)

    def _collect_act(self, decl: A.Act) -> None:
        if self.act is not None:
            self.out.error("E210", "the act is declared twice", decl.span, f"it was first declared at {self.act.span}")
        self.act = decl

    def _collect_authority(self, decl: A.Authority) -> None:
        self._declare(self.authorities, decl, "authority")

    def _collect_report(self, decl: A.Report) -> None:
        if any(r.name == decl.name for r in self.reports_decl):
            self.out.error("E201", f"the report '{decl.name}' is declared twice", decl.name_span,
                           "keep one declaration per report")
            self.duplicates.append(decl)
        else:
            self.reports_decl.append(decl)

    def _collect_reading(self, decl: A.Reading) -> None:
        self.readings_decl.append(decl)

    def _collect_calendar(self, decl: A.Calendar) -> None:
        if self.calendar is not None:
            self.out.error("E213", "a second calendar: the rules have one calendar of official holidays",
                           decl.name_span, f"it was first declared at {self.calendar.decl.name_span}")
        else:
            self.calendar = ir.CalendarSpec(decl.name, decl, self._citations(decl.meta.citations))

    def _collect_structure(self, decl: A.Structure) -> None:
        self._declare(self.structs_decl, decl, "document or record type")

    def _collect_rule(self, decl: A.Requirement | A.Exception_) -> None:
        self._declare(self.rules_decl, decl, "requirement or exception")

    def _collect_value(self, decl: A.Declaration) -> None:
        """Member states, constants, parameters, datasets and definitions share one namespace."""
        if isinstance(decl, A.MemberState):
            self.member_states[decl.name] = decl
            if not re.fullmatch(r"[A-Z]{2}", decl.name):
                self.out.error("E211", f"'{decl.name}' is not a two-letter country code", decl.name_span,
                               "use the Eurostat code, e.g. DE, EL (Greece), IE")
        if decl.name in BUILTINS:
            self.out.error("E212", f"'{decl.name}' is a built-in function and cannot be redefined",
                           decl.name_span, "choose another name")
        self._declare(self.decls, decl, "name")

    def _declare(self, namespace: dict, decl: A.Declaration, what: str) -> None:
        if decl.name in namespace:
            first = namespace[decl.name]
            self.out.error("E201", f"the {what} '{decl.name}' is declared twice", decl.name_span,
                           f"it was first declared at {first.name_span}; rename one of them")
            self.duplicates.append(decl)
        else:
            namespace[decl.name] = decl

    def _check_duplicates(self, exceptions: tuple[ir.ExceptionSpec, ...]) -> None:
        """A declaration whose name was taken is left out of the program, but what it says is checked
        all the same, so that a duplicate name does not hide the declaration's other errors."""
        for decl in self.duplicates:
            if isinstance(decl, A.Requirement):
                self._requirement(decl, exceptions)
            elif isinstance(decl, A.Exception_):
                self._exception(decl)
            elif isinstance(decl, (A.Constant, A.Parameter, A.Definition)):
                self._value_of(decl)
            elif isinstance(decl, A.Report):
                self._report(decl, None)
            else:
                for f in getattr(decl, "fields", ()):
                    self._type(f.type)
                    self._citations(f.citations)
                if isinstance(decl, A.Dataset):
                    self._type(decl.declared)
                self._citations(decl.meta.citations)

    # ------------------------------------------------------------- types
    def _type(self, texpr: A.TypeExpr) -> T.Type:
        if isinstance(texpr, A.QuantityType):
            return T.Quantity(T.dimension(texpr.unit, texpr.per))
        if isinstance(texpr, A.SimpleType):
            return _SIMPLE_TYPES[texpr.name]
        if isinstance(texpr, A.TableType):
            value = self._type(texpr.value)
            return T.Table(value)
        if isinstance(texpr, A.ListType):
            return T.List(self._type(texpr.item))
        if isinstance(texpr, A.NamedType):
            return self._named(texpr.name, texpr.span)
        return T.UNKNOWN

    def _named(self, name: str, span: A.Span) -> T.Type:
        decl = self.structs_decl.get(name)
        if decl is None:
            self.out.error("E202", f"unknown type '{name}'", span,
                           did_you_mean(name, [*self.structs_decl, *_SIMPLE_TYPES, "persons", "EUR"])
                           or "declare it with 'record <Name>' or use a built-in type")
            return T.UNKNOWN
        return T.Record(name, decl.is_document)

    def _check_structs(self) -> None:
        for name, decl in self.structs_decl.items():
            fields: dict[str, ir.FieldSpec] = {}
            for f in decl.fields:
                if f.name in fields:
                    self.out.error("E201", f"the field '{f.name}' is declared twice in {name}", f.span,
                                   "rename or remove one of them")
                    continue
                ftype = self._type(f.type)
                if isinstance(ftype, T.Record) and ftype.is_document:
                    self.out.error("E204", f"'{ftype.name}' is a document and cannot be part of another",
                                   f.type.span, "declare the part as a 'record'")
                fields[f.name] = ir.FieldSpec(f.name, ftype, f, None)
                self._citations(f.citations)
            self.structs[name] = ir.StructSpec(name, decl, fields)
        for name, spec in self.structs.items():         # defaults may only be checked once all types exist
            for fname, fspec in list(spec.fields.items()):
                if fspec.decl.default is not None:
                    default = self._expr(fspec.decl.default, {})
                    self._expect(fspec.type, default, fspec.decl.default.span, f"the default of {name}.{fname}")
                    spec.fields[fname] = ir.FieldSpec(fname, fspec.type, fspec.decl, default)

    def _check_datasets(self) -> None:
        for name, decl in self.decls.items():
            if not isinstance(decl, A.Dataset):
                continue
            dtype = self._type(decl.declared)
            if not isinstance(dtype, T.Table) or not isinstance(dtype.value, T.Quantity):
                self.out.error("E305", f"dataset '{name}' must be a quantity by member state", decl.declared.span,
                               "for example: dataset population: persons by member state")
                dtype = T.Table(T.SHARE)
            scale = Fraction(1)
            if decl.scale is not None:
                node = self._expr(decl.scale, {})
                if isinstance(node, ir.Const) and isinstance(node.value, Fraction) and node.type == T.SHARE:
                    scale = node.value
                else:
                    self.out.error("E306", "a scale is a plain number", decl.scale.span, "for example: scale 1 000 000")
            self.datasets[name] = ir.DatasetSpec(name, decl, dtype, scale, self._citations(decl.meta.citations))
            self.value_types[name] = dtype

    # ------------------------------------------------------------ values
    def _value(self, name: str) -> T.Type:
        """Check a constant, parameter or definition once; return its type (demand-driven)."""
        if name in self.value_types:
            return self.value_types[name]
        decl = self.decls[name]
        if name in self.in_progress:
            cycle = " -> ".join(self.in_progress[self.in_progress.index(name):] + [name])
            self.out.error("E307", f"'{name}' is defined in terms of itself ({cycle})", decl.name_span,
                           "a definition cannot depend on its own value")
            return T.UNKNOWN
        self.in_progress.append(name)
        try:
            return self._check_value(name, decl)
        finally:
            self.in_progress.pop()

    def _check_value(self, name: str, decl: A.Declaration) -> T.Type:
        value = self._value_of(decl)
        if value is None:                           # member state codes and datasets are not values
            return T.UNKNOWN
        self.values[name] = value
        self.value_types[name] = value.type
        return value.type

    def _value_of(self, decl: A.Declaration) -> ir.Value | None:
        name = decl.name
        citations = self._citations(decl.meta.citations)
        if isinstance(decl, A.Constant):
            body = self._expr(decl.value, {})
            if decl.declared is not None:
                body = _as_year(self._type(decl.declared), body)
            vtype = self._declared(decl.declared, body, decl.value.span, f"constant '{name}'")
            if not isinstance(body, ir.Const) and not _is_constant(body):
                self.out.error("E308", f"constant '{name}' must not depend on documents or data", decl.value.span,
                               "use a 'definition' for computed values")
            value = ir.Value("constant", name, decl, vtype, body, (), citations)
        elif isinstance(decl, A.Parameter):
            vtype = self._type(decl.declared)
            body = _as_year(vtype, self._expr(decl.default, {}))
            self._expect(vtype, body, decl.default.span, f"the default of parameter '{name}'")
            value = ir.Value("parameter", name, decl, vtype, body, (), citations)
        elif isinstance(decl, A.Definition):
            params = self._params(decl)
            body = self._expr(decl.body, dict(params))
            vtype = self._declared(decl.declared, body, decl.body.span, f"definition '{name}'")
            value = ir.Value("definition", name, decl, vtype, body, tuple(params), citations)
        else:
            return None
        return value

    def _declared(self, declared: A.TypeExpr | None, body: ir.Node, span: A.Span, what: str) -> T.Type:
        if declared is None:
            return body.type
        dtype = self._type(declared)
        self._expect(dtype, body, span, what)
        return dtype

    def _expect(self, expected: T.Type, node: ir.Node, span: A.Span, what: str) -> None:
        if not T.compatible(expected, node.type):
            self.out.error("E301", f"{what} is declared as {expected} but its value is {node.type}", span,
                           _unit_hint(expected, node.type))

    def _params(self, decl: A.Definition) -> list[tuple[str, T.Type]]:
        if id(decl) not in self.param_types:
            self.param_types[id(decl)] = self._bindings(decl.params)
        return self.param_types[id(decl)]

    def _bindings(self, bindings: Iterable[A.Binding], documents_only: bool = False) -> list[tuple[str, T.Type]]:
        out: list[tuple[str, T.Type]] = []
        for b in bindings:
            btype = self._type(b.type)
            if documents_only and not (isinstance(btype, T.Record) and btype.is_document) and btype != T.UNKNOWN:
                self.out.error("E204", f"'{b.name}' must be a document type, not {btype}", b.type.span,
                               did_you_mean(getattr(b.type, "name", ""),
                                            [n for n, s in self.structs_decl.items() if s.is_document])
                               or "requirements apply to documents declared with 'document'")
            if any(name == b.name for name, _ in out):
                self.out.error("E201", f"'{b.name}' is bound twice", b.span, "use a different name")
            out.append((b.name, btype))
        return out

    # ------------------------------------------------------- expressions
    def _expr(self, e: A.Expr, scope: dict[str, T.Type]) -> ir.Node:
        method = getattr(self, "_e_" + type(e).__name__)
        return method(e, scope)

    def _e_Number(self, e: A.Number, scope) -> ir.Node:
        self._ambiguous_thousands(e.text, e.span)
        return ir.Const(T.SHARE, e.span, e.value, e.text)

    def _e_Quantity(self, e: A.Quantity, scope) -> ir.Node:
        self._ambiguous_thousands(e.text.split()[0], e.span)
        if e.unit == "persons" and e.value.denominator != 1:
            self.out.error("E309", f"{e.text}: persons are counted in whole numbers", e.span,
                           "write a whole number of persons")
        return ir.Const(T.Quantity(T.dimension(e.unit)), e.span, e.value, e.text)

    def _e_Percent(self, e: A.Percent, scope) -> ir.Node:
        return ir.Const(T.SHARE, e.span, e.value, e.text)

    def _e_Money(self, e: A.Money, scope) -> ir.Node:
        self._ambiguous_thousands(e.text.split()[1], e.span)
        if (e.value * 100).denominator != 1:
            self.out.error("E309", f"{e.text}: amounts in EUR have at most two decimals (cents)", e.span, "")
        return ir.Const(T.EUR, e.span, e.value, e.text)

    def _ambiguous_thousands(self, text: str, span: A.Span) -> None:
        if re.fullmatch(r"\d{1,3}\.\d{3}", text):
            whole = text.replace(".", " ")
            self.out.error("E310", f"'{text}' is ambiguous: a decimal point, or a thousands separator?", span,
                           f"write {whole} for the whole number (thousands are grouped with spaces), "
                           f"or {format(Decimal(text).normalize(), 'f')} for the decimal number")

    def _e_DateLiteral(self, e: A.DateLiteral, scope) -> ir.Node:
        return ir.Const(T.DATE, e.span, e.value, e.value.isoformat())

    def _e_DateInYear(self, e: A.DateInYear, scope) -> ir.Node:
        year = self._expr(e.year, scope)
        if year.type not in (T.YEAR, T.SHARE, T.UNKNOWN):
            self.out.error("E302", f"'of' takes a year here, not {year.type}", e.year.span,
                           "for example: 15 October of (proposal.pool_year - 1)")
        return ir.DateInYear(T.DATE, e.span, e.day, e.month, year)

    def _e_Bool(self, e: A.Bool, scope) -> ir.Node:
        return ir.Const(T.BOOL, e.span, e.value, "yes" if e.value else "no")

    def _e_NoItems(self, e: A.NoItems, scope) -> ir.Node:
        return ir.Const(T.List(T.UNKNOWN), e.span, (), "none")

    def _e_Text(self, e: A.Text, scope) -> ir.Node:
        return ir.Const(T.TEXT, e.span, e.value, f'"{e.value}"')

    def _e_Participating(self, e: A.Participating, scope) -> ir.Node:
        return ir.Participating(T.MemberStates(), e.span)

    def _e_Name(self, e: A.Name, scope) -> ir.Node:
        name = e.name
        if name in scope:
            return ir.Local(scope[name], e.span, name)
        decl = self.decls.get(name)
        if isinstance(decl, A.MemberState):
            return ir.Const(T.MEMBER_STATE, e.span, name, name)
        if isinstance(decl, A.Dataset):
            self.out.error("E303", f"'{name}' is a dataset: give the member state", e.span,
                           f"for example: {name}[ms]")
            return ir.Node(T.UNKNOWN, e.span)
        if isinstance(decl, (A.Constant, A.Parameter)):
            kind = "constant" if isinstance(decl, A.Constant) else "parameter"
            return ir.Ref(self._value(name), e.span, kind, name, ())
        if isinstance(decl, A.Definition):
            if decl.params:
                self.out.error("E304", f"'{name}' needs {len(decl.params)} argument(s)", e.span,
                               f"write {name}({', '.join(p.name for p in decl.params)})")
                return ir.Node(T.UNKNOWN, e.span)
            return ir.Ref(self._value(name), e.span, "definition", name, ())
        self.out.error("E203", f"unknown name '{name}'", e.span,
                       did_you_mean(name, [*scope, *self.decls]) or "declare it, or bind it with 'for' or 'using'")
        return ir.Node(T.UNKNOWN, e.span)

    def _e_FieldAccess(self, e: A.FieldAccess, scope) -> ir.Node:
        target = self._expr(e.target, scope)
        if isinstance(target.type, T.Unknown):
            return ir.Node(T.UNKNOWN, e.span)
        if not isinstance(target.type, T.Record):
            self.out.error("E205", f"{target.type} has no fields", e.span,
                           "only documents and records have fields" +
                           ("; index a table with [member state]" if isinstance(target.type, T.Table) else ""))
            return ir.Node(T.UNKNOWN, e.span)
        spec = self.structs.get(target.type.name)
        fspec = spec.fields.get(e.name) if spec else None
        if fspec is None:
            self.out.error("E205", f"{target.type.name} has no field '{e.name}'", e.span,
                           did_you_mean(e.name, spec.fields if spec else ()) or
                           f"its fields are: {', '.join(spec.fields) if spec else '(none)'}")
            return ir.Node(T.UNKNOWN, e.span)
        return ir.FieldOf(fspec.type, e.span, target, e.name)

    def _e_Index(self, e: A.Index, scope) -> ir.Node:
        key = self._expr(e.key, scope)
        if key.type not in (T.MEMBER_STATE, T.UNKNOWN):
            self.out.error("E302", f"tables are indexed by member state, not {key.type}", e.key.span, "")
        if isinstance(e.target, A.Name) and isinstance(self.decls.get(e.target.name), A.Dataset) \
                and e.target.name not in scope:
            dataset = self.datasets.get(e.target.name)
            value_type = dataset.type.value if dataset else T.UNKNOWN
            return ir.DataRef(value_type, e.span, e.target.name, key)
        target = self._expr(e.target, scope)
        if isinstance(target.type, T.Unknown):
            return ir.Node(T.UNKNOWN, e.span)
        if not isinstance(target.type, T.Table):
            self.out.error("E302", f"only tables by member state can be indexed; this is {target.type}", e.span, "")
            return ir.Node(T.UNKNOWN, e.span)
        return ir.IndexOf(target.type.value, e.span, target, key)

    def _e_Call(self, e: A.Call, scope) -> ir.Node:
        args = tuple(self._expr(a, scope) for a in e.args)
        if e.name in BUILTINS:
            return self._builtin(e, args)
        decl = self.decls.get(e.name)
        if not isinstance(decl, A.Definition):
            self.out.error("E203", f"unknown definition '{e.name}'", e.span,
                           did_you_mean(e.name, [*BUILTINS, *(n for n, d in self.decls.items()
                                                               if isinstance(d, A.Definition))]))
            return ir.Node(T.UNKNOWN, e.span)
        result = self._value(e.name)
        params = self._params(decl)
        if len(args) != len(params):
            self.out.error("E304", f"'{e.name}' takes {len(params)} argument(s), {len(args)} given", e.span,
                           f"write {e.name}({', '.join(name for name, _ in params)})")
        else:
            for (pname, ptype), arg in zip(params, args):
                if not T.compatible(ptype, arg.type):
                    self.out.error("E301", f"argument '{pname}' of '{e.name}' must be {ptype}, not {arg.type}",
                                   arg.span, _unit_hint(ptype, arg.type))
        return ir.Ref(result, e.span, "definition", e.name, args)

    def _builtin(self, e: A.Call, args: tuple[ir.Node, ...]) -> ir.Node:
        function = BUILTINS[e.name]
        if len(args) != len(function.params):
            self.out.error("E304", f"'{e.name}' takes {len(function.params)} argument(s), {len(args)} given", e.span,
                           f"write {e.name}({', '.join(function.params)}): {function.description}")
            return ir.Node(T.UNKNOWN, e.span)
        if any(isinstance(a.type, T.Unknown) for a in args):
            return ir.Node(T.UNKNOWN, e.span)
        result = function.result([a.type for a in args])
        if isinstance(result, str):
            self.out.error("E302", f"{e.name}(...) {result}", e.span, f"{e.name}: {function.description}")
            return ir.Node(T.UNKNOWN, e.span)
        name = function.variant([a.type for a in args]) if function.variant else e.name
        return ir.Builtin(result, e.span, name, args)

    def _e_Aggregate(self, e: A.Aggregate, scope) -> ir.Node:
        source = self._expr(e.source, scope)
        item = _item_type(source.type)
        if item == T.UNKNOWN and not isinstance(source.type, T.Unknown):
            self.out.error("E302", f"cannot go through each item of {source.type}", e.source.span,
                           "use a table by member state, a list, or participating member states")
        inner = {**scope, e.var: item}
        body = self._expr(e.body, inner)
        where = self._condition(e.where, inner, "a 'where' filter") if e.where is not None else None
        if e.kind in ("all", "any"):
            self._expect_bool(body, e.body.span, f"the body of {e.kind}(...)")
            rtype: T.Type = T.BOOL
        elif e.kind == "count":
            rtype = T.SHARE
        else:
            if not isinstance(body.type, (T.Quantity, T.Unknown)) and not (e.kind != "sum" and body.type == T.DATE):
                self.out.error("E302", f"{e.kind}(...) needs quantities, not {body.type}", e.body.span, "")
            rtype = body.type
        return ir.Aggregate(rtype, e.span, e.kind, e.var, source, body, where)

    def _e_Unary(self, e: A.Unary, scope) -> ir.Node:
        operand = self._expr(e.operand, scope)
        if e.op == "not":
            self._expect_bool(operand, e.operand.span, "'not'")
            return ir.Not(T.BOOL, e.span, operand)
        if not isinstance(operand.type, (T.Quantity, T.Unknown)):
            self.out.error("E302", f"cannot negate {operand.type}", e.span, "")
        return ir.Neg(operand.type, e.span, operand)

    def _e_Binary(self, e: A.Binary, scope) -> ir.Node:
        left, right = self._expr(e.left, scope), self._expr(e.right, scope)
        if e.op in ("and", "or"):
            self._expect_bool(left, e.left.span, f"'{e.op}'")
            self._expect_bool(right, e.right.span, f"'{e.op}'")
            return ir.Logic(T.BOOL, e.span, e.op, left, right)
        return ir.Arith(self._arith_type(e, left.type, right.type), e.span, e.op, left, right)

    def _arith_type(self, e: A.Binary, lt: T.Type, rt: T.Type) -> T.Type:
        if isinstance(lt, T.Unknown) or isinstance(rt, T.Unknown):
            return T.UNKNOWN
        if e.op in "+-":
            if lt == T.YEAR and rt == T.SHARE:
                return T.YEAR
            if e.op == "-" and lt == rt == T.YEAR:
                return T.SHARE
            if e.op == "-" and lt == rt == T.DATE:
                return T.Quantity(T.dimension("days"))
            if isinstance(lt, T.Quantity) and isinstance(rt, T.Quantity):
                if lt.dim == rt.dim:
                    return lt
                verb = "add" if e.op == "+" else "subtract"
                self.out.error("E301", f"cannot {verb} {lt} and {rt}", e.span, _unit_hint(lt, rt))
                return T.UNKNOWN
        elif isinstance(lt, T.Quantity) and isinstance(rt, T.Quantity):
            return T.Quantity(T.multiply(lt.dim, rt.dim, 1 if e.op == "*" else -1))
        self.out.error("E302", f"'{e.op}' does not apply to {lt} and {rt}", e.span, "")
        return T.UNKNOWN

    def _e_Compare(self, e: A.Compare, scope) -> ir.Node:
        left, right = self._expr(e.left, scope), self._expr(e.right, scope)
        lt, rt = left.type, right.type
        if not (isinstance(lt, T.Unknown) or isinstance(rt, T.Unknown)):
            if not T.compatible(lt, rt) and not {lt, rt} <= {T.YEAR, T.SHARE}:
                self.out.error("E301", f"cannot compare {lt} with {rt}", e.span, _unit_hint(lt, rt))
            elif e.op not in ("=", "!=") and not (isinstance(lt, T.Quantity) or lt in (T.DATE, T.YEAR)):
                self.out.error("E302", f"'{e.wording}' does not order {lt}", e.span, "use 'is' or 'is not'")
        return ir.Compare(T.BOOL, e.span, e.op, left, right, e.wording)

    def _e_IsGiven(self, e: A.IsGiven, scope) -> ir.Node:
        return ir.IsGiven(T.BOOL, e.span, self._expr(e.operand, scope), e.negated)

    def _e_MemberOf(self, e: A.MemberOf, scope) -> ir.Node:
        item, collection = self._expr(e.item, scope), self._expr(e.collection, scope)
        if isinstance(collection.type, (T.Table, T.MemberStates)):
            if item.type not in (T.MEMBER_STATE, T.UNKNOWN):
                self.out.error("E302", f"only a member state can be 'in' {collection.type}", e.item.span, "")
        elif isinstance(collection.type, T.List) and isinstance(collection.type.item, T.Scalar):
            if not T.compatible(collection.type.item, item.type):
                self.out.error("E302", f"a {item.type} cannot be in a {collection.type}", e.item.span, "")
        elif not isinstance(collection.type, T.Unknown):
            self.out.error("E302", f"'in' needs a table by member state, a list of member states or "
                                   f"participating member states, not {collection.type}", e.collection.span, "")
        return ir.MemberOf(T.BOOL, e.span, item, collection, e.negated)

    def _e_If(self, e: A.If, scope) -> ir.Node:
        condition = self._condition(e.condition, scope, "'if'")
        then, otherwise = self._expr(e.then, scope), self._expr(e.otherwise, scope)
        if not T.compatible(then.type, otherwise.type):
            self.out.error("E301", f"the two branches differ: {then.type} and {otherwise.type}", e.span,
                           _unit_hint(then.type, otherwise.type))
        rtype = then.type if not isinstance(then.type, T.Unknown) else otherwise.type
        return ir.If(rtype, e.span, condition, then, otherwise)

    def _condition(self, e: A.Expr, scope, what: str) -> ir.Node:
        node = self._expr(e, scope)
        self._expect_bool(node, e.span, what)
        return node

    def _expect_bool(self, node: ir.Node, span: A.Span, what: str) -> None:
        if node.type not in (T.BOOL, T.UNKNOWN):
            self.out.error("E302", f"{what} needs a yes/no condition, not {node.type}", span,
                           "compare it with something, e.g. 'is at least ...'")

    # ------------------------------------------------------ requirements
    def _subjects(self, decl) -> tuple[list, list, dict[str, T.Type]]:
        subjects = self._bindings(decl.subjects, documents_only=True)
        using = self._bindings(decl.using, documents_only=True)
        if len(subjects) > 1:
            self.out.error("E206", f"'{decl.name}' is checked for one document at a time", decl.subjects[1].span,
                           "bind the other documents with 'using'")
        scope = dict(subjects)
        for name, btype in using:
            if name in scope:
                self.out.error("E201", f"'{name}' is bound twice", decl.span, "use a different name")
            scope[name] = btype
        return subjects, using, scope

    def _requirement(self, decl: A.Requirement, exceptions: tuple[ir.ExceptionSpec, ...]) -> ir.RequirementSpec:
        subjects, using, scope = self._subjects(decl)
        citations = self._citations(decl.meta.citations)
        for_each = None
        if decl.for_each is not None:
            source = self._expr(decl.for_each.source, scope)
            item = _item_type(source.type)
            if item == T.UNKNOWN and not isinstance(source.type, T.Unknown):
                self.out.error("E302", f"cannot check each item of {source.type}", decl.for_each.source.span,
                               "use a table by member state, a list, or participating member states")
            scope = {**scope, decl.for_each.var: item}
            for_each = (decl.for_each.var, source)
        when = self._condition(decl.when, scope, "'when'") if decl.when is not None else None
        unless = tuple(self._condition(u, scope, "'unless'") for u in decl.unless)
        requires = self._condition(decl.requires, scope, "'requires'") if decl.requires is not None else None
        assessment = self._assessment(decl.assessment, citations, decl.meta.citations) if decl.assessment else None
        mine = tuple(sorted((x for x in exceptions if any(t == decl.name for t, _ in x.decl.targets)),
                            key=lambda x: -x.priority))
        for x in mine:
            self._match_bindings(decl, subjects, using, x)
        return ir.RequirementSpec(decl.name, decl, tuple(subjects), tuple(using), for_each, when, unless,
                                  requires, assessment, citations, mine)

    def _exception(self, decl: A.Exception_) -> ir.ExceptionSpec:
        subjects, using, scope = self._subjects(decl)
        citations = self._citations(decl.meta.citations)
        for target, span in decl.targets:
            found = self.rules_decl.get(target)
            if not isinstance(found, A.Requirement):
                self.out.error("E207", f"'{target}' is not a requirement", span,
                               did_you_mean(target, [n for n, d in self.rules_decl.items()
                                                     if isinstance(d, A.Requirement)]))
            elif found.for_each is not None and found.for_each.var not in scope:
                # the exception is weighed for each item too, so it sees the item under the same name
                source = self._expr(found.for_each.source, scope)
                scope[found.for_each.var] = _item_type(source.type)
        when = self._condition(decl.when, scope, "'when'") if decl.when is not None else None
        outcome = ir.ConsequenceSpec("not_applicable")
        if decl.outcome is not None:
            o = decl.outcome
            if o.kind == "assessment":
                assert o.assessment is not None
                outcome = self._assessment(o.assessment, citations, decl.meta.citations)
            elif o.kind == "requires":
                assert o.condition is not None
                outcome = ir.ConsequenceSpec("requires",
                                             condition=self._condition(o.condition, scope, "'then requires'"))
            else:
                outcome = ir.ConsequenceSpec(o.kind)
        return ir.ExceptionSpec(decl.name, decl, tuple(subjects), tuple(using), when, outcome,
                                decl.priority or 0, citations)

    def _match_bindings(self, decl: A.Requirement, subjects, using, x: ir.ExceptionSpec) -> None:
        mine = dict(subjects + using)
        for name, btype in x.subjects + x.using:
            if mine.get(name) != btype:
                self.out.error("E208", f"exception '{x.name}' binds '{name}: {btype}' but requirement "
                                       f"'{decl.name}' does not", x.decl.name_span,
                               f"use the same names as the requirement: "
                               f"{', '.join(f'{n}: {t}' for n, t in mine.items()) or '(none)'}")

    def _check_exception_order(self, requirements, exceptions) -> None:
        for r in requirements:
            by_priority: dict[int, ir.ExceptionSpec] = {}
            for x in r.exceptions:
                other = by_priority.get(x.priority)
                if other is not None:
                    self.out.error("E209", f"exceptions '{other.name}' and '{x.name}' both set aside "
                                           f"'{r.name}' at priority {x.priority}", x.decl.name_span,
                                   "give them different priorities: the higher one wins when both apply")
                by_priority[x.priority] = x

    def _assessment(self, a: A.Assessment, provisions, nodes) -> ir.ConsequenceSpec:
        if a.authority not in self.authorities:
            self.out.error("E213", f"unknown authority '{a.authority}'", a.authority_span,
                           did_you_mean(a.authority, self.authorities) or "declare it with 'authority <Name> \"...\"'")
        found = [p for p in provisions if p is not None and self.law.find_quote(p, a.quote)]
        resolved = [p for p in provisions if p is not None]
        if resolved and not found:
            closest = self.law.closest_passage(resolved[0], a.quote)
            self.out.error("E402", "these words are not in the cited provision: quote the law verbatim", a.span,
                           f"closest passage in {resolved[0].citation.short()}: \"{closest}\"")
        return ir.ConsequenceSpec("assessment", a.authority, a.quote)

    # --------------------------------------------------------- citations
    def _citations(self, nodes: Iterable[A.CitationNode]) -> tuple[Provision | None, ...]:
        return tuple(self._citation(n) for n in nodes)

    def _citation(self, node: A.CitationNode) -> Provision | None:
        key = (node.text, node.span)
        if key in self.citation_cache:
            return self.citation_cache[key]
        provision = None
        try:
            provision = self.law.resolve(node.text)
        except CitationSyntaxError as error:
            self.out.error("E400", f"cannot read the citation '{node.text}': {error.message}", node.span,
                           error.hint)
        except UnresolvedCitation as error:
            hint = f"did you mean {' or '.join(error.suggestions)}?" if error.suggestions else ""
            self.out.error("E401", error.message, node.span, hint)
        self.citation_cache[key] = provision
        return provision

    # ------------------------------------------------------------ reports
    def _report(self, decl: A.Report, needs: Mapping[str, str | None] | None) -> ir.ReportSpec:
        """Resolve each figure of a report; with `needs` (what the report's code shows, name ->
        signature or None for any), check that the declaration gives exactly those figures."""
        figures: dict[str, ir.FigureSpec] = {}
        for figure in decl.figures:
            if figure.name in figures:
                self.out.error("E220", f"the figure '{figure.name}' is declared twice in report '{decl.name}'",
                               figure.name_span, "keep one line per figure")
                continue
            spec = self._figure(figure)
            if spec is not None:
                figures[figure.name] = spec
        if needs is not None:
            self._report_needs(decl, figures, needs)
        return ir.ReportSpec(decl.name, decl, figures)

    def _figure(self, figure: A.Figure) -> ir.FigureSpec | None:
        kind, type_, params, cited = self._figure_source(figure)
        if not kind:
            return None
        if not figure.citations:
            return ir.FigureSpec(figure.name, figure, kind, figure.source, figure.field, type_, params, cited[:1])
        shown = self._citations(figure.citations)
        for node, provision in zip(figure.citations, shown):
            if provision is not None and not any(c is not None and (provision.citation.contains(c.citation)
                                                                      or c.citation.contains(provision.citation))
                                                 for c in cited):
                said = ", ".join(c.citation.short() for c in cited if c is not None) or "no provision"
                self.out.error("E224", f"{figure.source} does not cite {provision.citation.short()}, nor a part of it",
                               node.span, f"it cites {said}: show one of those, or a provision that contains one")
        return ir.FigureSpec(figure.name, figure, kind, figure.source, figure.field, type_, params, shown)

    def _figure_source(self, figure: A.Figure) -> tuple[str, str, tuple[str, ...], tuple]:
        """The kind, type, parameter types and citations of what a figure shows; kind "" after an error."""
        struct = self.structs.get(figure.source)
        if struct is not None and figure.field is None:
            kind = "document" if struct.is_document else "record"
            return kind, kind, (), self._citations(struct.decl.meta.citations)
        if struct is not None:
            fspec = struct.fields.get(figure.field or "")
            if fspec is None:
                self.out.error("E222", f"{figure.source} has no field '{figure.field}'", figure.source_span,
                               did_you_mean(figure.field or "", struct.fields))
                return "", "", (), ()
            return "field", str(fspec.type), (), self._citations(fspec.decl.citations)
        value = self.values.get(figure.source)
        if value is not None and figure.field is None:
            return "value", str(value.type), tuple(str(t) for _, t in value.params), value.citations
        if value is not None:
            self.out.error("E223", f"'{figure.source}' is a {value.kind}: it has no field '{figure.field}'",
                           figure.source_span, f"write: figure {figure.name} = {figure.source}")
            return "", "", (), ()
        known = [*self.structs, *(n for n in self.values)]
        self.out.error("E221", f"no definition, constant, parameter or document type '{figure.source}'",
                       figure.source_span, did_you_mean(figure.source, known))
        return "", "", (), ()

    def _report_needs(self, decl: A.Report, figures: dict[str, ir.FigureSpec],
                      needs: Mapping[str, str | None]) -> None:
        declared = {f.name: f for f in decl.figures}
        for name, wanted in needs.items():
            if name not in declared:
                self.out.error("E225", f"report '{decl.name}' gives no figure '{name}', which the report shows",
                               decl.name_span, f"add: figure {name} = <the definition or Type.field it shows>")
            elif name in figures and wanted is not None and figures[name].type != wanted:
                self.out.error("E226", f"figure '{name}' shows a {figures[name].type}; "
                                       f"the report shows a {wanted} there",
                               declared[name].source_span, "name a definition or field of that type")
        for name, figure in declared.items():
            if name not in needs:
                self.out.error("E227", f"report '{decl.name}' shows no figure '{name}'", figure.name_span,
                               did_you_mean(name, needs) or f"the figures it shows: {', '.join(needs)}")

    # ------------------------------------------------------ depth
    def _check_depth(self, requirements, exceptions) -> None:
        """No evaluation deeper than depth.MAX_DEPTH: reported where a too deep chain is used
        first (the last definition of a chain, or the rule using it), not at every link."""
        depths = depth.value_depths(self.values)
        deep = {name for name, d in depths.items() if d > depth.MAX_DEPTH}
        users = {used for name in deep for used in depth.uses(self.values[name].body)}
        for name in sorted(deep - users, key=lambda n: -depths[n]):
            self._too_deep(name, depths[name], self.values[name].decl.name_span, depth.deepest_chain(
                name, self.values, depths))
        for rule in (*requirements, *exceptions):
            nodes = depth.rule_nodes(rule)
            levels = max((depth.node_depth(n, depths) for n in nodes), default=0)
            used = {u for n in nodes for u in depth.uses(n)}
            if levels > depth.MAX_DEPTH and not used & deep:
                deepest = max(used, key=lambda u: depths.get(u, 0), default=None)
                self._too_deep(rule.name, levels, rule.decl.name_span,
                               depth.deepest_chain(deepest, self.values, depths) if deepest in self.values else [])

    def _too_deep(self, name: str, levels: int, span: A.Span, chain: list[str]) -> None:
        shown = " -> ".join(chain if len(chain) <= 6 else [*chain[:3], "...", *chain[-2:]])
        self.out.error("E320", f"'{name}' is computed through {levels} nested steps, more than {depth.MAX_DEPTH}",
                       span, (f"it rests on a chain of {len(chain)} definitions ({shown}): " if chain else "")
                       + "compute it in fewer steps")


def marked_data_only(values: Mapping[str, ir.Value]) -> dict[str, ir.Value]:
    """The values, each definition marked `data_only` when it depends on reference data (and
    constants and member states) alone: its value may then be kept across cases."""
    memo: dict[str, bool] = {}

    def data_only(name: str, trail: frozenset = frozenset()) -> bool:
        if name in memo:
            return memo[name]
        value = values[name]
        if value.kind == "parameter" or name in trail:
            return False
        if any(t != T.MEMBER_STATE for _, t in value.params):
            memo[name] = False
            return False
        ok = all(_node_data_only(n, lambda ref: data_only(ref, trail | {name})) for n in ir.walk(value.body))
        memo[name] = ok
        return ok

    return {name: replace(value, data_only=value.kind == "definition" and data_only(name))
            if value.data_only != (value.kind == "definition" and data_only(name)) else value
            for name, value in values.items()}


def _node_data_only(node: ir.Node, ref_ok) -> bool:
    if isinstance(node, (ir.FieldOf, ir.IndexOf)):
        return False
    if isinstance(node, ir.Local):
        return node.type == T.MEMBER_STATE
    if isinstance(node, ir.Ref):
        return node.kind == "constant" or (node.kind == "definition" and ref_ok(node.name))
    return True


def _as_year(expected: T.Type, node: ir.Node) -> ir.Node:
    """A whole number written where a year is declared (`parameter pool: year = 2027`) is that year."""
    if expected == T.YEAR and isinstance(node, ir.Const) and node.type == T.SHARE \
            and Fraction(node.value).denominator == 1:
        return ir.Const(T.YEAR, node.span, int(node.value), node.text)
    return node


def _item_type(collection: T.Type) -> T.Type:
    """What `for each` binds when going through a collection."""
    if isinstance(collection, (T.Table, T.MemberStates)):
        return T.MEMBER_STATE
    if isinstance(collection, T.List):
        return collection.item
    return T.UNKNOWN


def _is_constant(node: ir.Node) -> bool:
    return all(isinstance(n, (ir.Const, ir.Arith, ir.Neg, ir.Builtin, ir.If, ir.Compare, ir.Logic, ir.Not))
               or (isinstance(n, ir.Ref) and n.kind == "constant") for n in ir.walk(node))


def _unit_hint(expected: T.Type, actual: T.Type) -> str:
    if isinstance(expected, T.Quantity) and isinstance(actual, T.Quantity):
        units = {u for u, _ in expected.dim} | {u for u, _ in actual.dim}
        if {"persons", "EUR"} <= units:
            return ("relocations and money are compared only through a declared rate: multiply persons "
                    "by an amount in EUR per person (see the ratio of Art 12(3))")
        if not actual.dim:
            return "give the number its unit, e.g. '30 000 persons' or 'EUR 600 million'"
    return ""
