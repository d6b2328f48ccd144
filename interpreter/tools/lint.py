"""Static checks for the people who write rules (`ammr lint`).

Errors (E-codes) are first the parser's and the checker's own: a rule set with one cannot be
used, and `ammr lint` reports exactly what `ammr rules` and `ammr check` would. Then those that
hold the rules to the law's words, which only lint looks for: a figure the cited provision does
not state (35 000 where Art 12(2)(a) says 30 000) unless an interpretation or source note of the
rule states it (E403), a title that states a figure the rule does not (E404). Warnings (W-codes)
point at rules that check, but probably do not say what their author meant: a definition nothing
uses, a requirement that can never fail, an exception that can never apply, a provision both
required and exempted with nothing saying which wins.

A warning that was weighed and accepted is silenced where it is raised, by a comment on its
line or just above it, giving the reason after the code:

    # lint: allow W202 the description is for the people who read a pledge
    description: text "what the measure is"
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..api import RuleSet, rules_directory
from ..engine.evaluate import Case, Evaluator
from ..language import ir
from ..language import syntax as A
from ..language import typesys as T
from ..language.diagnostics import Diagnostic, Failed, did_you_mean
from ..language.law import CitationSyntaxError, Provision, parse_citation, split_sentences
from ..report.coverage import untested
from ..report.interpretations import READING_NAMED
from .law_figures import Figure, figure_of, stated


@dataclass(frozen=True)
class Check:
    code: str
    title: str


# Every code `ammr lint` is answerable for, each with a good/bad pair under tests/lint/.
# The E-codes are the checker's; the W-codes are found here.
CHECKS = {c.code: c for c in (
    Check("E102", "a quoted text not closed on its line"),
    Check("E108", "an expression nested more than 100 levels deep"),
    Check("E109", "a number of more than 40 digits"),
    Check("E114", "a requirement or exception that cites no provision"),
    Check("E120", "'cites' with no citation after it"),
    Check("E121", "a decimal comma (0,5)"),
    Check("E122", "thousands grouped with commas or points (30,000; 1.000.000)"),
    Check("E123", "a keyword where a condition or a name belongs"),
    Check("E124", "a requirement, exception, authority or member state without its quoted title"),
    Check("E125", "a word that starts no declaration (with the keyword it may have meant)"),
    Check("E126", "a word that starts no clause (with the keyword it may have meant)"),
    Check("E127", "a document or parameter bound without its type"),
    Check("E128", "an operator of programming languages (==, &&, ||, !, single quotes)"),
    Check("E129", "a clause left incomplete (an assessment without the law's words, 'then' without outcome, ...)"),
    Check("E203", "an unknown or misspelt name (with the names it may have meant)"),
    Check("E205", "an unknown or misspelt field of a document"),
    Check("E209", "two exceptions setting aside the same requirement at the same priority"),
    Check("E301", "a unit or type mismatch (persons added to EUR)"),
    Check("E302", "a value used where it makes no sense (a condition that is not yes/no)"),
    Check("E310", "a number with a point that may be a thousands separator (30.000)"),
    Check("E400", "a citation that cannot be read"),
    Check("E401", "a citation of a paragraph, point or sentence the law does not have"),
    Check("E402", "words quoted as the law's that are not in the cited provision"),
    Check("E403", "a figure (30 000, EUR 600 million, 50 %, one week, 15 October) that the cited provision does not "
                  "state, nor an interpretation or source note of the rule"),
    Check("E404", "a requirement or exception whose title states a figure the rule does not"),
    Check("E601", "a requirement or exception without a passing scenario where it holds and one where it fails "
                  "(one left to an authority: where it is put to the authority)"),
    Check("E602", "a paragraph encoded by definitions only, none of whose values a passing scenario checks"),
    Check("W201", "a constant, parameter, definition or dataset no requirement or exception uses"),
    Check("W202", "a field of a document or record no rule reads"),
    Check("W203", "a document or record type no rule binds"),
    Check("W204", "a document, item or parameter bound but never used"),
    Check("W302", "a number with a decimal comma inside a call, read as two arguments: min(0,5)"),
    Check("W401", "a definition, constant, parameter, dataset or document type that cites no provision"),
    Check("W402", "an interpretation note that names a reading the rules do not declare"),
    Check("W403", "an unnumbered paragraph of an article (Art 85) cited as a subparagraph"),
    Check("W501", "an exception that can never apply: its condition is no whatever the facts"),
    Check("W502", "a provision both required (cited by a requirement) and exempted (first cited by an exception "
                  "that does not set that requirement aside)"),
    Check("W503", "a requirement that can never fail: its condition is yes whatever the facts"),
    Check("W504", "a requirement that never applies: its 'when' is no, or an 'unless' is yes, whatever the facts"),
)}

_ALLOW = re.compile(r"#\s*lint:\s*allow\s+((?:W\d{3}[\s,]*)+)")


@dataclass(frozen=True)
class Report:
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, str]
    files: tuple[str, ...]                # the rule files looked at

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    def render(self) -> str:
        return "\n\n".join(d.render(self.sources.get(d.span.file)) for d in self.diagnostics)

    def to_json(self) -> dict:
        return {"schema": "ammr-lint/1", "files": list(self.files), "errors": len(self.errors),
                "warnings": len(self.warnings), "diagnostics": [d.to_json() for d in self.diagnostics]}


def lint(paths: Iterable[str | Path] = (), rules: str | Path | None = None,
         scenarios: str | Path | None = None, texts: Mapping[Path, str] | None = None) -> Report:
    """Lint rule files. A folder is a rule set of its own; a file outside the rules folder is
    checked together with it (as `RuleSet.prepare(extra=...)` does), and only its own warnings
    are reported. Without paths: the rules folder. With `scenarios` (a folder of scenario tests),
    they are run, and a requirement or exception without a passing scenario where it holds and
    one where it fails is an error (E601). `texts`: files as an editor holds them (RuleSet.prepare)."""
    rules_dir = (Path(rules) if rules is not None else rules_directory()).resolve()
    sets: dict[Path, tuple[list[Path], list[Path] | None]] = {}
    named_paths = [Path(p) for p in paths]
    if not named_paths:
        sets[rules_dir] = ([], None)
    for path in named_paths:
        if path.is_dir():
            sets[path.resolve()] = ([], None)
        else:
            extra, named = sets.setdefault(rules_dir, ([], []))
            if named is not None:
                named.append(path)
            if path.resolve().parent != rules_dir:
                extra.append(path)
    diagnostics: list[Diagnostic] = []
    sources: dict[str, str] = {}
    files: list[str] = []
    for directory, (extra, named) in sets.items():
        found, read, looked_at = _lint_set(directory, extra, named, Path(scenarios) if scenarios else None, texts)
        diagnostics += found
        sources.update(read)
        files += looked_at
    unique = sorted(dict.fromkeys(diagnostics), key=lambda d: (d.span.file, d.span.line, d.span.column, d.code))
    return Report(tuple(unique), sources, tuple(dict.fromkeys(files)))


def _lint_set(directory: Path, extra: list[Path], named: list[Path] | None, scenarios: Path | None,
              texts: Mapping[Path, str] | None):
    try:
        rules = RuleSet.prepare(directory, extra, texts=texts)
    except Failed as failure:
        return list(failure.diagnostics), failure.sources, sorted(failure.sources)
    program = rules.program
    sources = {f.path: f.source for f in program.files}
    wanted = None if named is None else {p.resolve() for p in named}
    reported = [f for f in program.files if wanted is None or Path(f.path).resolve() in wanted]
    found = [*findings(rules), *(_untested(rules, scenarios, sources) if scenarios is not None else ())]
    mine = [d for d in found if wanted is None or Path(d.span.file).resolve() in wanted or d.code.startswith("S")]
    return mine, sources, [f.path for f in reported]


def findings(rules: RuleSet) -> list[Diagnostic]:
    """What lint finds in a rule set that checks (warnings_of), less what a `# lint: allow` silences."""
    return _allowed(warnings_of(rules), rules.program.files)


def _untested(rules: RuleSet, folder: Path, sources: dict[str, str]) -> list[Diagnostic]:
    """E601 for each requirement and exception the scenario tests do not show both ways; a scenario
    file that cannot be read is reported as it is (S-codes)."""
    found = untested(rules, folder)
    sources.update(found.sources)
    return [*found.problems, *(gap.diagnostic() for gap in found.gaps)]


def _allowed(warnings: list[Diagnostic], files) -> list[Diagnostic]:
    """Drop the warnings silenced by a `# lint: allow` comment on their line or just above it."""
    allowed: dict[tuple[str, int], set[str]] = {}
    for f in files:
        lines = f.source.split("\n")
        comment_lines = {line for line, _ in f.comments if lines[line - 1].lstrip().startswith("#")}
        for line, text in f.comments:
            match = _ALLOW.search(text)
            if not match:
                continue
            codes = set(re.findall(r"W\d{3}", match.group(1)))
            allowed.setdefault((f.path, line), set()).update(codes)
            below = line + 1                # a comment above applies to the first line after its block
            while below in comment_lines:
                below += 1
            allowed.setdefault((f.path, below), set()).update(codes)
    return [w for w in warnings if w.code not in allowed.get((w.span.file, w.span.line), set())]


# ------------------------------------------------------------------ warnings

def warnings_of(rules: RuleSet) -> list[Diagnostic]:
    """What lint finds in a rule set that checks: the warnings, and the errors that only lint finds
    (figures the law does not state)."""
    program = rules.program
    fold = _Folder(rules)
    return [*_unused_values(program), *_unused_structures(program), *_unused_bindings(program),
            *_uncited(program), *_decimal_commas(program), *_foregone(program, fold),
            *_required_and_exempted(program), *_unknown_readings(program), *_paragraphs_as_subparagraphs(program),
            *_figures_not_in_law(program), *_titles_unlike_rules(program)]


def _warning(code: str, message: str, span: A.Span, hint: str) -> Diagnostic:
    return Diagnostic(code, message, span, hint, "warning")


def _rule_nodes(program) -> Iterator[ir.Node]:
    """Every expression a verdict can depend on, directly."""
    for r in program.requirements:
        yield from (n for n in (r.when, *r.unless, r.requires, r.for_each[1] if r.for_each else None) if n is not None)
    for x in program.exceptions:
        yield from (n for n in (x.when, x.outcome.condition) if n is not None)
    for spec in program.structs.values():
        yield from (f.default for f in spec.fields.values() if f.default is not None)


def _walk_all(nodes) -> Iterator[ir.Node]:
    for node in nodes:
        yield from ir.walk(node)


def _substitutes(program) -> dict[str, str]:
    """Each definition a reading puts in place of another (substitute -> replaced)."""
    return {x: y for r in program.readings.values() for a in r.alternatives
            for x, y in (*a.uses, *((x, y) for *_, x, y in a.combined))}


def _unused_values(program) -> Iterator[Diagnostic]:
    # a figure of a report (`report pool`) is a use: the report shows it; so is a reading's
    # alternative definition: the rules use it when the reading is chosen
    used = {f.source for r in program.reports.values() for f in r.figures.values() if f.kind == "value"}
    used |= set(_substitutes(program))
    todo = [*_rule_nodes(program), *(program.values[name].body for name in used)]
    while todo:
        for node in ir.walk(todo.pop()):
            name = node.name if isinstance(node, ir.Ref) else node.dataset if isinstance(node, ir.DataRef) else None
            if name is not None and name not in used:
                used.add(name)
                if name in program.values:
                    todo.append(program.values[name].body)
    kinds = [(v.name, v.kind, v.decl) for v in program.values.values()]
    kinds += [(d.name, "dataset", d.decl) for d in program.datasets.values()]
    for name, kind, decl in kinds:
        if name not in used:
            yield _warning("W201", f"the {kind} '{name}' is never used by a requirement or an exception",
                           decl.name_span, "use it, or remove it; if it is kept for explanations or scenario values, "
                                           "say so: # lint: allow W201 <why>")


def _bound_types(program) -> Iterator[T.Type]:
    for r in (*program.requirements, *program.exceptions):
        yield from (t for _, t in (*r.subjects, *r.using))
    for v in program.values.values():
        yield from (t for _, t in v.params)


def _record_names(t: T.Type) -> Iterator[str]:
    if isinstance(t, T.Record):
        yield t.name
    elif isinstance(t, T.Table):
        yield from _record_names(t.value)
    elif isinstance(t, T.List):
        yield from _record_names(t.item)


def _unused_structures(program) -> Iterator[Diagnostic]:
    bound = {name for t in _bound_types(program) for name in _record_names(t)}
    todo = list(bound)
    while todo:                               # a record is bound through the documents holding it
        spec = program.structs.get(todo.pop())
        for f in (spec.fields.values() if spec else ()):
            for name in _record_names(f.type):
                if name not in bound:
                    bound.add(name)
                    todo.append(name)
    nodes = [*_rule_nodes(program), *(v.body for v in program.values.values())]
    read = {(n.target.type.name, n.name) for n in _walk_all(nodes)
            if isinstance(n, ir.FieldOf) and isinstance(n.target.type, T.Record)}
    for name, spec in program.structs.items():
        kind = "document" if spec.is_document else "record"
        if name not in bound:
            yield _warning("W203", f"the {kind} type '{name}' is used by no rule", spec.decl.name_span,
                           "bind it in a requirement ('for <name>: <type>'), or remove it")
            continue
        for fname, fspec in spec.fields.items():
            if (name, fname) not in read:
                yield _warning("W202", f"no rule reads the field '{fname}' of {name}", fspec.decl.span,
                               "a field no rule reads is checked by nothing; if it is there for the people who "
                               "read the document, say so: # lint: allow W202 <why>")


def _unused_bindings(program) -> Iterator[Diagnostic]:
    for spec in (*program.requirements, *program.exceptions):
        decl = spec.decl
        if isinstance(spec, ir.RequirementSpec) and spec.assessment is not None:
            continue                          # left to an authority for each document (and item): nothing to read
        if isinstance(spec, ir.RequirementSpec):
            # its exceptions are weighed with the documents the requirement binds
            weighed = [n for x in spec.exceptions for n in (x.when, x.outcome.condition)]
            nodes = [n for n in (spec.when, *spec.unless, spec.requires, spec.for_each[1] if spec.for_each else None,
                                 *weighed) if n is not None]
            what = "requirement"
        else:
            nodes = [n for n in (spec.when, spec.outcome.condition) if n is not None]
            what = "exception"
        used = {n.name for n in _walk_all(nodes) if isinstance(n, ir.Local)}
        for binding in (*decl.subjects, *decl.using):
            if binding.name not in used:
                if what == "exception":
                    why = "the exception sees the documents of the requirements it sets aside without it"
                elif binding in decl.subjects:
                    why = "the requirement is checked for each such document all the same"
                else:
                    why = "it makes the verdict wait for a document it does not read"
                yield _warning("W204", f"'{binding.name}' is bound but the {what} never uses it", binding.span,
                               f"remove the binding: {why}")
        if isinstance(decl, A.Requirement) and decl.for_each is not None:
            weighed = [n for x in spec.exceptions for n in (x.when, x.outcome.condition)]
            inner = {n.name for n in _walk_all(n for n in (spec.when, *spec.unless, spec.requires, *weighed)
                                               if n is not None) if isinstance(n, ir.Local)}
            if decl.for_each.var not in inner:
                yield _warning("W204", f"'{decl.for_each.var}' is bound for each item but never used",
                               decl.for_each.span, "the requirement checks the same thing once per item: "
                                                   "use the item, or remove 'for each'")
    # a definition a reading replaces shares its signature with the definitions put in its place: a
    # parameter is used when any of them uses it
    family: dict[str, set[str]] = {}
    for x, y in _substitutes(program).items():
        family.setdefault(y, {y}).add(x)
        family[x] = family[y]
    for value in program.values.values():
        if isinstance(value.decl, A.Definition):
            positions = {i for name in family.get(value.name, {value.name})
                         for i in _used_parameters(program.values[name])}
            for i, binding in enumerate(value.decl.params):
                if i not in positions:
                    yield _warning("W204", f"the parameter '{binding.name}' of '{value.name}' is never used",
                                   binding.span, "remove it from the definition and from its calls")


def _used_parameters(value: ir.Value) -> set[int]:
    """The positions of the parameters a definition's body uses."""
    used = {n.name for n in ir.walk(value.body) if isinstance(n, ir.Local)}
    return {i for i, (name, _) in enumerate(value.params) if name in used}


def _unknown_readings(program) -> Iterator[Diagnostic]:
    """An interpretation note that sends the reader to a reading ("(reading fair_share_rounding)")
    must name one the rules declare, or the register will not have it."""
    for f in program.files:
        for d in f.declarations:
            for note in d.meta.interpretations:
                for name in READING_NAMED.findall(note.text):
                    if name not in program.readings:
                        yield _warning("W402", f"the interpretation names the reading '{name}', which the rules do "
                                               f"not declare", note.span,
                                       did_you_mean(name, program.readings)
                                       or f'declare it: reading {name} "<the question>" cites ... default ... '
                                          f'alternative ...')


def _paragraphs_as_subparagraphs(program) -> Iterator[Diagnostic]:
    """In an article without numbered paragraphs (Art 79, Art 85) each block is a paragraph: "Art 85,
    second paragraph". The older "second subparagraph" still resolves, but names it wrongly."""
    for f in program.files:
        for node in _citation_nodes(f):
            try:
                ref = parse_citation(node.text)
                article = program.law.article(ref.article, ref.annex)
            except CitationSyntaxError:          # reported by the checker
                continue
            if article is None or article.numbered or ref.subparagraph is None or ref.as_paragraph:
                continue
            written = re.search(r"subparagraph", node.text)
            assert written is not None
            better = node.text[:written.start()] + "paragraph" + node.text[written.end():]
            yield _warning("W403", f"{article.name} has no numbered paragraphs: its parts are paragraphs, "
                                   f"not subparagraphs", node.span, f"write: {better}")


def _citation_nodes(f: A.RuleFile) -> Iterator[A.CitationNode]:
    for d in f.declarations:
        yield from d.meta.citations
        for sub in (*getattr(d, "fields", ()), *getattr(d, "figures", ())):
            yield from sub.citations


_CITED_KINDS = {A.Definition: "definition", A.Constant: "constant", A.Parameter: "parameter", A.Dataset: "dataset",
                A.Calendar: "calendar"}


def _uncited(program) -> Iterator[Diagnostic]:
    for f in program.files:
        for d in f.declarations:
            kind = _CITED_KINDS.get(type(d)) or (("document" if d.is_document else "record") + " type"
                                                 if isinstance(d, A.Structure) else None)
            if kind and not d.meta.citations:
                yield _warning("W401", f"the {kind} '{d.name}' cites no provision", d.name_span,
                               "say which provision it comes from: add 'cites Art <n>(<paragraph>)'")


def ast_nodes(node) -> Iterator:
    """Every syntax node under `node`, whatever its kind (declarations, clauses, expressions)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, tuple):
            stack.extend(reversed(current))
            continue
        if not hasattr(current, "__dataclass_fields__") or isinstance(current, A.Span):
            continue
        yield current
        stack.extend(reversed([getattr(current, name) for name in current.__dataclass_fields__]))


_NUMBERS = (A.Number, A.Quantity, A.Percent, A.Money)


def _decimal_commas(program) -> Iterator[Diagnostic]:
    for f in program.files:
        for node in ast_nodes(f.declarations):
            if not isinstance(node, A.Call):
                continue
            for a, b in zip(node.args, node.args[1:]):
                if isinstance(a, A.Number) and isinstance(b, _NUMBERS) and f.source[a.span.end:b.span.start] == ",":
                    written = f.source[a.span.start:b.span.end]
                    yield _warning("W302", f"'{written}' is read as two arguments, {a.text} and {b.text}",
                                   A.Span(f.path, a.span.line, a.span.column, b.span.end_line, b.span.end_column),
                                   f"if a decimal was meant, write {a.text}.{b.text}; "
                                   f"if two arguments, write '{a.text}, {b.text}'")


_FOREGONE_HINT = {"W503": "a requirement that always holds checks nothing: compare the condition with the "
                           "provision it cites"}


def _foregone(program, fold: _Folder) -> Iterator[Diagnostic]:
    """Conditions whose answer does not depend on the facts."""
    checks = [("W501", x.when, x.decl.when, False, f"the exception '{x.name}' can never apply: its condition is no")
              for x in program.exceptions]
    for r in program.requirements:
        checks.append(("W504", r.when, r.decl.when, False,
                       f"the requirement '{r.name}' never applies: its 'when' is no"))
        checks += [("W504", node, written, True, f"the requirement '{r.name}' never applies: this 'unless' is yes")
                   for node, written in zip(r.unless, r.decl.unless)]
        checks.append(("W503", r.requires, r.decl.requires, True,
                       f"the requirement '{r.name}' can never fail: its condition is yes"))
    for code, node, written, answer, message in checks:
        if node is not None and fold.value(node) is answer:
            yield _warning(code, message + " whatever the facts", written.span,
                           _FOREGONE_HINT.get(code, "compare the condition with the provision it cites"))


def _required_and_exempted(program) -> Iterator[Diagnostic]:
    """An exception whose provision a requirement cites too, without the exception setting it
    aside: which one wins? The provision of an exception is its first citation (the others
    say where its terms come from)."""
    for x in program.exceptions:
        targets = {name for name, _ in x.decl.targets}
        provision = x.citations[0] if x.citations else None
        for r in program.requirements:
            if r.name in targets or provision is None:
                continue
            shared = next(((provision, pr) for pr in r.citations
                           if pr is not None and _overlap(provision.citation, pr.citation)), None)
            if shared is not None:
                yield _warning("W502", f"{shared[0].citation.short()} is exempted by '{x.name}' and required by "
                                       f"'{r.name}', and nothing says which wins", x.decl.name_span,
                               f"if the exception derogates from it, name it: notwithstanding "
                               f"{', '.join([*(n for n, _ in x.decl.targets), r.name])}; if they encode different "
                               f"parts of the provision, cite the point or sentence of each")


# ------------------------------------------------------------------ the law's figures

def _figures_not_in_law(program) -> Iterator[Diagnostic]:
    """Each figure a rule writes must be one the provisions it cites state, or one its interpretation
    notes state (the reading that gives it): 35 000 where Art 12(2)(a) says 30 000 is an error."""
    for f in program.files:
        for decl in f.declarations:
            # the figures the rule says it reads the law as giving, or takes from where its source says
            notes = [figure for note in (*decl.meta.interpretations, *decl.meta.sources)
                     for figure in stated(note.text)]
            for node, citations in _cited_literals(decl):
                figure = figure_of(node)
                provisions = [p for p in (_resolve(program, c) for c in citations) if p is not None]
                if figure is None or not provisions:
                    continue
                if any(figure.agrees(s) for s in notes) or any(figure.agrees(s) for p in provisions
                                                                for s in stated(f"{p.lead_in} {p.text}")):
                    continue
                quoted = "; ".join(f"{p.citation.short()}: \u201c{_passage(p, figure)}\u201d" for p in provisions[:2])
                plural = "s" if len(provisions) > 1 else ""
                yield Diagnostic("E403", f"{figure.text} is not a figure of the provision{plural} cited: {quoted}",
                                 node.span, "write the figure as the law states it, or cite the provision that states "
                                            "it; a figure that is a reading of the law needs an interpretation note "
                                            "that states it (one taken from elsewhere, a source note)")


def _cited_literals(decl) -> Iterator[tuple[A.Expr, tuple[A.CitationNode, ...]]]:
    """The literals of a declaration, each with the citations it is held to: a field's default to the
    field's citations (else the type's), anything else to the declaration's."""
    if isinstance(decl, A.Structure):
        for fld in decl.fields:
            for node in ast_nodes(fld.default) if fld.default is not None else ():
                yield node, fld.citations or decl.meta.citations
        return
    for node in ast_nodes(decl):
        yield node, decl.meta.citations


def _resolve(program, citation: A.CitationNode) -> Provision | None:
    try:
        return program.law.resolve(citation.text)
    except LookupError:               # reported by the checker, which would not have let the rules through
        return None


def _passage(provision: Provision, figure: Figure) -> str:
    """The words of the provision around its figures of the same kind, for the message."""
    text = " ".join(f"{provision.lead_in} {provision.text}".split())
    sentences = split_sentences(text)
    alike = [s for s in sentences if any(f.kind == figure.kind for f in stated(s))]
    passage = " ".join(alike[:2] or sentences[:1])
    if len(passage) <= 300:
        return passage
    found = next((m for m in (stated(passage)) if m.kind == figure.kind), None)
    at = passage.find(found.text) if found is not None else 0
    start = max(0, min(at - 150, len(passage) - 300))
    before, after = ("\u2026" if start else ""), ("\u2026" if start + 300 < len(passage) else "")
    return before + passage[start:start + 300].strip() + after


def _titles_unlike_rules(program) -> Iterator[Diagnostic]:
    """A title that states a figure the rule does not: "At least 30 000 relocations" over a rule
    requiring 35 000."""
    for f in program.files:
        for decl in f.declarations:
            if not isinstance(decl, (A.Requirement, A.Exception_)) or not decl.title:
                continue
            mine = _rule_figures(program, decl)
            # a count in words without a unit counts things ("the two numbers"), it is no figure of the rule
            for said in (s for s in stated(decl.title) if not (s.kind == "number" and s.text.isalpha())):
                if not any(said.agrees(figure) for figure, _ in mine):
                    has = ", ".join(f"{figure.text}" + (f" ({where})" if where else "") for figure, where in mine)
                    yield Diagnostic("E404", f"the title \u201c{decl.title}\u201d says {said.text}, but the rule "
                                             + (f"says {has}" if mine else "states no figure"),
                                     _title_span(f, decl),
                                     "make the title say what the rule requires, or the rule what the title says")


def _rule_figures(program, decl) -> list[tuple[Figure, str]]:
    """The figures of a rule, with the constant or definition each comes from ("" for the rule's own):
    those it writes and those of the values it uses, however deep."""
    out: list[tuple[Figure, str]] = []
    seen: set[str] = set()
    todo: list[tuple[object, str]] = [(decl, "")]
    while todo:
        node, where = todo.pop()
        for n in ast_nodes(node):
            figure = figure_of(n) if isinstance(n, A.Expr) else None
            if figure is not None:
                out.append((figure, where))
            name = n.name if isinstance(n, (A.Name, A.Call)) else None
            if name is not None and name not in seen and name in program.values:
                seen.add(name)
                todo.append((program.values[name].decl, name))
    return out


def _title_span(rule_file: A.RuleFile, decl) -> A.Span:
    """Where the title is written: the quoted text after the name."""
    start = rule_file.source.find('"', decl.name_span.end)
    end = rule_file.source.find('"', start + 1) + 1
    if start < 0 or end <= start or not decl.name_span.end:
        return decl.name_span
    line = rule_file.source.count("\n", 0, start) + 1
    column = start - rule_file.source.rfind("\n", 0, start)
    return A.Span(rule_file.path, line, column, line, column + end - start, start, end)


def _overlap(a, b) -> bool:
    return a.contains(b) or b.contains(a)


class _Folder:
    """What a condition is whatever the facts: yes, no, or None (it depends on them).

    Constant parts are evaluated exactly by the reference evaluator; a condition and its
    opposite side by side (`x is given or x is not given`, `a >= b or a < b`) are recognised
    by the shape of the checked tree."""

    _OPPOSITE = {">=": "<", "<": ">=", "<=": ">", ">": "<=", "=": "!=", "!=": "="}

    def __init__(self, rules: RuleSet):
        self.program = rules.program
        self.evaluator = Evaluator(rules.program, rules.tables, Case((), holidays=rules.holidays), trace=False)
        self.constant_values: dict[str, bool] = {}

    def value(self, node: ir.Node) -> bool | None:
        if self._constant(node):
            try:
                result = self.evaluator.eval(node, {})
            except (ArithmeticError, ValueError, TypeError, KeyError):
                return None
            return result if isinstance(result, bool) else None
        if isinstance(node, ir.Not):
            inner = self.value(node.operand)
            return None if inner is None else not inner
        if isinstance(node, ir.Logic):
            return self._logic(node)
        if isinstance(node, ir.Compare) and node.left == node.right:
            return node.op in ("=", ">=", "<=")
        if isinstance(node, ir.If):
            condition = self.value(node.condition)
            if condition is not None:
                return self.value(node.then if condition else node.otherwise)
            then, otherwise = self.value(node.then), self.value(node.otherwise)
            return then if then is not None and then == otherwise else None
        if isinstance(node, ir.Aggregate) and node.kind in ("all", "any"):
            body = self.value(node.body)
            return body if body is (node.kind == "all") else None
        return None

    def _logic(self, node: ir.Logic) -> bool | None:
        operands = self._operands(node, node.op)
        values = [self.value(o) for o in operands]
        deciding = node.op == "or"               # one yes decides an 'or', one no an 'and'
        if deciding in values:
            return deciding
        if any(self._opposite(a, b) for i, a in enumerate(operands) for b in operands[i + 1:]):
            return deciding
        return (not deciding) if all(v is (not deciding) for v in values) else None

    def _operands(self, node: ir.Node, op: str) -> list[ir.Node]:
        if isinstance(node, ir.Logic) and node.op == op:
            return self._operands(node.left, op) + self._operands(node.right, op)
        return [node]

    def _opposite(self, a: ir.Node, b: ir.Node) -> bool:
        if isinstance(a, ir.Not) and a.operand == b or isinstance(b, ir.Not) and b.operand == a:
            return True
        if isinstance(a, ir.IsGiven) and isinstance(b, ir.IsGiven):
            return a.operand == b.operand and a.negated != b.negated
        if isinstance(a, ir.MemberOf) and isinstance(b, ir.MemberOf):
            return (a.item, a.collection) == (b.item, b.collection) and a.negated != b.negated
        if isinstance(a, ir.Compare) and isinstance(b, ir.Compare):
            return (a.left, a.right) == (b.left, b.right) and self._OPPOSITE[a.op] == b.op
        return False

    def _constant(self, node: ir.Node) -> bool:
        for n in ir.walk(node):
            if isinstance(n, ir.Ref):
                if n.kind == "constant" or (n.kind == "definition" and not n.args
                                            and self._constant_definition(n.name)):
                    continue
                return False
            if not isinstance(n, (ir.Const, ir.Arith, ir.Neg, ir.Builtin, ir.If, ir.Compare, ir.Logic, ir.Not,
                                  ir.DateInYear, ir.Participating)):
                return False
        return True

    def _constant_definition(self, name: str) -> bool:
        if name not in self.constant_values:
            self.constant_values[name] = False        # a cycle is not constant (and is an error anyway)
            self.constant_values[name] = self._constant(self.program.values[name].body)
        return self.constant_values[name]
