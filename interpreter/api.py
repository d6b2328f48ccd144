"""The one public entry point: prepare a rule set once, evaluate many cases, explain and render.

    rules = RuleSet.prepare()                      # parse + check rules/*.rules
    case = rules.case(rules.read(["examples/2026"]))
    result = rules.evaluate(case)                  # verdicts, each with its trace
    data = explain(rules, result)                  # the ammr-check/1 document as plain data
    text = render(data, "text")                    # or "md", "html", "json", "check"

The CLI, the tests, the scenario runner and the documentation generator all go
through this module (re-exported by `interpreter`).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine.calendar import Holidays, load_calendar
from .engine.digest import Fingerprint, fingerprint, name_in
from .engine.documents import Document, DocumentReader, discover
from .engine.evaluate import Case, Evaluator
from .engine.outcomes import NOT_APPLICABLE, SEVERITY, Outcome
from .engine.reference_data import Table, load_table
from .engine.supplied_data import SuppliedData, data_file
from .language import cache as prepared
from .language import ir
from .language import syntax as A
from .language.checker import Program, check_rules
from .language.diagnostics import Diagnostic, Failed
from .language.law import Law, LawFormatError
from .language.readings import choices
from .report import pool, remedy
from .report.dependence import dependence
from .report.pool import pool_report, render_pool
from .report.render import render_audit, render_check, render_explanation
from .report.view import DEFAULT_DOCS, view

if TYPE_CHECKING:
    from .engine.prepared import PreparedCheck

# The reports the rule set's users show, and the figures each shows: the checker holds the rules'
# `report` declarations to them, so that a definition a report needs cannot be renamed silently.
REPORTS = {pool.REPORT: pool.FIGURES}
EXIT_CODES = {"compliant": 0, "non_compliant": 1, "insufficient_information": 4, "needs_assessment": 5}


RULES_VARIABLE = "AMMR_RULES"
TIME_VARIABLE = "AMMR_CHECKED_AT"


def shipped_rules() -> Path:
    """The rule set installed with the package (the package `interpreter.ruleset`: the folder
    rules/ of the project, which an editable install maps to the checkout's rules/)."""
    # its folder, as importlib.resources.files() gives it for a package on disk, without importing
    # importlib.resources (about 8 ms of every command: tempfile, shutil, random)
    return Path(str(import_module("interpreter.ruleset").__file__)).parent


def rules_directory() -> Path:
    """The rule set a command uses when none is named with --rules: $AMMR_RULES, else the shipped one."""
    return Path(os.environ.get(RULES_VARIABLE) or shipped_rules())


def scenario_folders(rules: Path) -> tuple[Path, Path]:
    """Where the scenario tests of a rule set are: its own scenarios/ folder (the rule set installed
    with the package carries them there), else tests/scenarios/ beside it (the project's layout)."""
    return rules / "scenarios", rules.parent / "tests" / "scenarios"


def check_time() -> datetime:
    """The time of a check, in UTC to the second: now, or $AMMR_CHECKED_AT (ISO 8601), so that
    outputs can be reproduced byte for byte (the golden files, a comparison with the portal)."""
    given = os.environ.get(TIME_VARIABLE)
    if not given:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(given.strip())
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise Failed([Diagnostic("U001", f"{TIME_VARIABLE}='{given}' is not a time with its offset from UTC",
                                 A.Span(TIME_VARIABLE, 1, 1, 1, 1), "e.g. 2026-01-01T12:00:00Z, or leave it unset")])
    return moment.astimezone(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Result:
    case: Case
    outcomes: tuple[Outcome, ...]
    checked_at: datetime = field(default_factory=check_time)

    @property
    def applicable(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.verdict != NOT_APPLICABLE)

    def counts(self) -> dict[str, int]:
        counter = Counter(o.verdict for o in self.outcomes)
        return {v: counter.get(v, 0) for v in (*SEVERITY, NOT_APPLICABLE)}

    @property
    def overall(self) -> str:
        """The worst verdict: one non-compliance makes the whole check non-compliant."""
        present = {o.verdict for o in self.applicable}
        return next((v for v in SEVERITY if v in present), "compliant")

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.overall]

    def outcome(self, requirement: str, instance: str | None = None, document: str | None = None) -> Outcome:
        for o in self.outcomes:
            if o.requirement == requirement and (instance is None or o.instance == instance) \
                    and (document is None or o.document == document):
                return o
        raise KeyError(f"no outcome for {requirement}" + (f"[{instance}]" if instance else ""))


class RuleSet:
    """A parsed and checked rule set with its law text, reference data and document models."""

    def __init__(self, directory: Path, program: Program, tables: dict[str, Table], holidays: Holidays | None):
        self.directory = directory
        self.holidays = holidays          # the calendar the rules declare (Art 75(d)), None if they declare none
        self.program = program
        self.tables = tables
        self.supplied: SuppliedData | None = None     # reference data a user supplied (with_data), if any
        self.reader = DocumentReader(program.structs, tuple(program.member_states), tuple(program.datasets))
        # per choice of readings (the defaults: ()): the program evaluated, the data-only definitions
        # kept across cases with the same data years, and the compiled engine's program, built on first use
        self._variants: dict[tuple, _Variant] = {(): _Variant(program)}

    @cached_property
    def fingerprint(self) -> Fingerprint:
        """The SHA-256 of every file the rule set was prepared from (rule files, law text, reference
        data, calendar), and of their listing: the identity of the rules in a result's audit record.
        Taken when first asked for; a long-running program asks at once (the portal does)."""
        return fingerprint(self.directory, rule_set_files(self.directory, self.program))

    @property
    def shown_directory(self) -> str:
        """The rules folder as messages show it (relative to the working folder when inside it)."""
        return display_path(self.directory).as_posix()

    def file_in_rules(self, file: str) -> str:
        """A file the rules name (`file "data/x.csv"`) as the fingerprint lists it."""
        return name_in(self.directory, self.directory / file)

    # -------------------------------------------------------------- prepare
    @classmethod
    def prepare(cls, directory: str | Path | None = None, extra: Iterable[str | Path] = (),
                cache: bool = False, texts: Mapping[Path, str] | None = None,
                data: str | Path | None = None) -> RuleSet:
        """Parse and check every rule file of `directory` (and the `extra` files, checked together
        with them). Raises `Failed` with all errors. With `cache`, a rule set prepared before
        from the same files is read back from disk instead (see cache.py). `texts` are the texts
        of some of the files as an editor holds them (by resolved path), read instead of the files.
        With `data`, the rule set uses reference data a user supplies instead of the shipped
        figures (`with_data`)."""
        rules = cls._prepare(directory, extra, cache, texts)
        return rules.with_data(data) if data is not None else rules

    @classmethod
    def _prepare(cls, directory: str | Path | None, extra: Iterable[str | Path], cache: bool,
                 texts: Mapping[Path, str] | None) -> RuleSet:
        directory = Path(directory) if directory is not None else rules_directory()
        files = sorted(directory.glob("*.rules")) + [Path(p) for p in extra]
        if not files:
            raise Failed([Diagnostic("E003", f"no rule files (*.rules) in {directory}",
                                     A.Span(str(directory), 1, 1, 1, 1),
                                     "point --rules (or $AMMR_RULES) at a folder of rule files, or leave both out "
                                     "for the rules installed with ammr")])
        shown = [display_path(path) for path in files]
        texts = texts or {}
        if cache and not texts:
            name = prepared.key(directory, shown)
            found = prepared.load(name)
            if found is not None:
                return cls(directory, *found)
        from .language.parse import parse_file, parse_text  # Lark is imported only when the rules are parsed
        parsed, problems = [], []
        for path in shown:
            try:
                held = texts.get(path.resolve())
                parsed.append(parse_file(path) if held is None else parse_text(held, str(path)))
            except Failed as failure:
                problems.append(failure)
        if problems:
            raise Failed([d for f in problems for d in f.diagnostics],
                         {k: v for f in problems for k, v in f.sources.items()})
        law_folder = _law_folder(directory, parsed)
        program = check_rules(parsed, _load_law(law_folder), reports=REPORTS)
        tables = {name: load_table(name, _data_file(directory, spec.decl), spec.scale)
                  for name, spec in program.datasets.items()}
        calendar = program.calendar
        holidays = load_calendar(calendar.name, _data_file(directory, calendar.decl),
                                 _shown_file(directory, calendar.decl)) \
            if calendar is not None else None
        if cache and not texts:
            read = [p for p in sorted(law_folder.rglob("*")) if p.is_file()] + data_files(directory, program)
            prepared.store(name, program, tables, holidays, read)
        return cls(directory, program, tables, holidays)

    def with_data(self, path: str | Path) -> RuleSet:
        """The rule set on reference data a user supplies (a reference-data document, or a folder
        holding one; see engine/supplied_data.py) instead of the figures shipped with the rules: its
        datasets, and its list of participating Member States if it gives one. Raises `Failed`
        with every mistake of the document, positioned."""
        supplied = SuppliedData(data_file(Path(path)), self.program.datasets, self.program.member_states,
                                self.program.participating)
        program = self.program
        if supplied.participating != program.participating:
            member_states = {code: replace(ms, participates=code in supplied.participating,
                                           since=ms.since if ms.participates else supplied.as_of)
                             for code, ms in program.member_states.items()}
            program = replace(program, member_states=member_states)
        rules = RuleSet(self.directory, program, supplied.tables, self.holidays)
        rules.supplied = supplied
        return rules

    # -------------------------------------------------------------- documents
    def read(self, paths: Iterable[str | Path]) -> tuple[Document, ...]:
        """Read and validate document files (directories are searched for .yaml/.yml/.json)."""
        found = discover([Path(p) for p in paths])
        if not found:
            raise Failed([Diagnostic("D000", "no document files found", A.Span(" ".join(map(str, paths)), 1, 1, 1, 1),
                                     "give YAML or JSON files, or a folder holding them")])
        documents, problems = [], []
        for path in found:
            try:
                documents.extend(self.reader.read(path))
            except Failed as failure:
                problems.append(failure)
        if problems:
            raise Failed([d for f in problems for d in f.diagnostics],
                         {k: v for f in problems for k, v in f.sources.items()})
        return tuple(documents)

    def document(self, data: dict, source: str = "<data>", positions: dict | None = None) -> Document:
        """Validate one document given as a Python mapping (as parsed from YAML or JSON). `positions`
        says where each value is written (path -> Span), for errors that point there."""
        return self.reader.from_data(data, source, positions=positions)

    def schema(self, type_name: str) -> dict:
        return self.reader.models.schema(type_name)

    # -------------------------------------------------------------- cases
    def case(self, documents: Iterable[Document], data_years: dict[str, int] | None = None,
             parameters: dict[str, Any] | None = None, readings: Mapping[str, str] | None = None) -> Case:
        """Gather the facts, and fix the reference-data year of each dataset (and why). `readings`
        chooses readings of the rules other than their defaults ({"fair_share_composition":
        "cumulative"}); a reading or value the rules do not have raises `Failed`."""
        documents = tuple(documents)
        _one_document_per_id(documents)
        chosen = self.readings_chosen(readings) if readings else {}     # none chosen: nothing to check
        years, reasons = {}, {}
        for name, table in self.tables.items():
            stated = {d.data_years[name]: d for d in documents if name in d.data_years}
            if data_years and name in data_years:
                years[name], reasons[name] = data_years[name], "chosen for this check"
            elif len(stated) > 1:
                raise Failed([Diagnostic("D030", f"the documents disagree on the {name} data year: "
                                                 + ", ".join(f"{y} in {d.label}" for y, d in stated.items()),
                                         A.Span(next(iter(stated.values())).source, 1, 1, 1, 1),
                                         "state one year, or choose one with --data-year")])
            elif stated:
                year, document = next(iter(stated.items()))
                years[name], reasons[name] = year, f"stated in {document.label}"
            else:
                latest = table.latest_complete_year(self.program.participating)
                if latest is not None:
                    years[name] = latest
                    reasons[name] = "latest year with a figure for every participating member state" + (
                        f", in the reference data supplied ({self.supplied.path})" if self.supplied else "")
        return Case(documents, years, reasons, dict(parameters or {}), self.holidays, chosen)

    # -------------------------------------------------------------- readings
    @property
    def readings(self) -> dict[str, str]:
        """Every reading of the rules that a check can choose, with its default value."""
        return {name: r.default for name, r in self.program.readings.items() if r.switchable}

    def readings_chosen(self, readings: Mapping[str, str] | Iterable[tuple[str, str] | None],
                        source: str = "<readings>", lines: Iterable[str] | None = None) -> dict[str, str]:
        """A choice of readings (a mapping, or (name, value) pairs; None for a line that is not
        NAME=VALUE), checked (see language/readings.choices): `Failed` with a message per mistake,
        each at its line of `source` (by default one line NAME=VALUE per reading)."""
        given = readings.items() if isinstance(readings, Mapping) else readings
        pairs = [(str(p[0]), str(p[1])) if p is not None else None for p in given]
        shown = list(lines) if lines is not None else [f"{p[0]}={p[1]}" if p else "" for p in pairs]
        return choices(self.program.readings, pairs, source, shown)

    def _variant(self, case: Case) -> _Variant:
        """The program (and caches) for the case's readings, made on first use."""
        key = tuple(sorted((n, v) for n, v in case.readings.items() if v != self.program.readings[n].default))
        found = self._variants.get(key)
        if found is None:
            found = self._variants[key] = _Variant(self.program.with_readings(dict(key)))
        return found

    def evaluate(self, case: Case, trace: bool = True, only: Iterable[str] | None = None,
                 engine: str = "reference") -> Result:
        """Every requirement's verdicts for the case (or only those named). With `trace=False`
        verdicts and missing facts are the same, but no steps are recorded (faster).

        `engine` names the evaluator: "reference" is the tree-walking evaluator of evaluate.py,
        the definition of what the rules mean; any other engine must agree with it exactly."""
        if engine not in ENGINES:
            raise ValueError(f"unknown engine '{engine}': one of {', '.join(ENGINES)}")
        chosen = frozenset(only) if only is not None else None
        return Result(case, tuple(ENGINES[engine](self, case, trace, chosen)))

    def checker(self, document: str, only: Iterable[str] | None = None, data_years: dict[str, int] | None = None,
                parameters: dict[str, Any] | None = None, readings: Mapping[str, str] | None = None,
                source: str = "<data>") -> PreparedCheck:
        """Prepare once, check many: a callable taking one document of type `document` as a plain
        mapping and giving its outcomes (of the requirements named in `only`, else all), untraced,
        the same as `evaluate(case([document(data, source)], data_years, parameters, readings),
        trace=False, only=only, engine="compiled").outcomes`, and as strict (see engine/prepared.py)."""
        from .engine.prepared import PreparedCheck  # with the compiled engine: imported when a checker is made
        return PreparedCheck(self, document, only, data_years, parameters, readings, source)

    def value(self, case: Case, name: str, args: tuple = ()) -> Any:
        """The value of a constant, parameter or definition for a case, without a trace. `args` are
        exact values, one per parameter: member state codes, numbers, dates, document records.
        A fact that is missing gives a `Missing` naming it."""
        variant = self._variant(case)
        name = variant.program.resolve(name)             # a definition a chosen reading replaces
        spec = variant.program.values[name]
        nodes = tuple(ir.Const(t, value=a) for a, (_, t) in zip(args, spec.params))
        evaluator = Evaluator(variant.program, self.tables, case, False, variant.shared)
        return evaluator.eval(ir.Ref(spec.type, kind=spec.kind, name=name, args=nodes), {})

    def check(self, paths: Iterable[str | Path], data_years: dict[str, int] | None = None,
              trace: bool = True, parameters: dict[str, Any] | None = None,
              readings: Mapping[str, str] | None = None) -> Result:
        """Read, gather and evaluate in one call."""
        return self.evaluate(self.case(self.read(paths), data_years, parameters, readings), trace)


@dataclass
class _Variant:
    """The rules under one choice of readings: the program both engines evaluate, and their caches."""
    program: Program
    shared: dict = field(default_factory=dict)       # data-only definitions, across cases with the same data years
    compiled: Any = None                             # the compiled engine's program (engine/compiled/)


def _one_document_per_id(documents: tuple[Document, ...]) -> None:
    """Two documents may not declare the same id: results name each document by it."""
    first: dict[str, Document] = {}
    for d in documents:
        if d.declared_id and first.setdefault(d.declared_id, d) is not d and first[d.declared_id].sha256 != d.sha256:
            raise Failed([Diagnostic("D041", f"'{d.declared_id}' is the id of {first[d.declared_id].label} too",
                                     A.Span(d.source, 1, 1, 1, 1), "give each document its own id")])


def _reference(rules: RuleSet, case: Case, trace: bool, only: frozenset[str] | None) -> list[Outcome]:
    variant = rules._variant(case)
    return Evaluator(variant.program, rules.tables, case, trace, variant.shared).outcomes(only)


def _compiled(rules: RuleSet, case: Case, trace: bool, only: frozenset[str] | None) -> list[Outcome]:
    from .engine.compiled import compiled  # imported and built on first use: `ammr check` does not need it
    return compiled(rules, case.readings).evaluate(case, trace, only)


ENGINES = {"reference": _reference, "compiled": _compiled}


def rule_set_files(directory: Path, program: Program) -> list[Path]:
    """Every file a verdict of the rule set depends on: its rule files, its law text, and the
    reference data and calendar it declares."""
    law_folder = directory / ((program.act.law_text if program.act else "") or "law")
    return [Path(f.path) for f in program.files] + \
        [p for p in sorted(law_folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts] + \
        data_files(directory, program)


def data_files(directory: Path, program: Program) -> list[Path]:
    """The dataset files and the calendar file the rules declare."""
    declared: list[A.Dataset | A.Calendar] = [spec.decl for spec in program.datasets.values()]
    if program.calendar is not None:
        declared.append(program.calendar.decl)
    return [directory / decl.file for decl in declared]


def law_for(directory: Path, files: list[A.RuleFile]) -> Law:
    """The law text the rules declare (the folder their act names), loaded."""
    return _load_law(_law_folder(directory, files))


def _load_law(folder: Path) -> Law:
    """The law text, or a rule-set error where it does not follow its format (not an internal error)."""
    try:
        return Law.load(folder)
    except LawFormatError as error:
        raise Failed([Diagnostic("E710", f"the law text is malformed: {error.message}",
                                 A.Span(str(error.path or folder), error.line or 1, 1, error.line or 1, 1),
                                 "the format of the law text is described in rules/law/README.md")]) from None


def _law_folder(directory: Path, files: list[A.RuleFile]) -> Path:
    acts = [d for f in files for d in f.declarations if isinstance(d, A.Act)]
    if not acts:
        raise Failed([Diagnostic("E004", "no 'act' declaration: the rules do not say which act they encode",
                                 A.Span(str(directory), 1, 1, 1, 1),
                                 'declare it once: act "Regulation (EU) 2024/1351" law text "law"')])
    text_dir = directory / (acts[0].law_text or "law")
    if not text_dir.resolve().is_relative_to(directory.resolve()):
        raise Failed([Diagnostic("E709", f"the law text folder '{acts[0].law_text}' is outside the rules folder "
                                         f"{directory}", acts[0].span,
                                 'keep the law text beside the rules, e.g. law text "law"')])
    if not (text_dir / "index.json").is_file():
        raise Failed([Diagnostic("E005", f"the law text folder {text_dir} has no index.json", acts[0].span,
                                 "ship the law text under rules/law/")])
    return text_dir


def _data_file(directory: Path, decl: A.Dataset | A.Calendar) -> Path:
    """The file a dataset or calendar names, which must lie inside the rules folder: the rule set
    is everything a verdict depends on."""
    path = directory / decl.file
    if not path.resolve().is_relative_to(directory.resolve()):
        raise Failed([Diagnostic("E708", f"'{decl.file}' is outside the rules folder {directory}", decl.span,
                                 "keep the data beside the rules, e.g. file \"data/<name>.csv\"")])
    return path


def _shown_file(directory: Path, decl: A.Calendar) -> str:
    """The calendar file as messages name it: the rules folder's name and the declared path, the same
    wherever the command runs."""
    return f"{directory.resolve().name}/{decl.file}"


def display_path(path: Path) -> Path:
    """Paths in messages are relative to the working directory when possible."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


# ------------------------------------------------------------------ explain and render

def explain(rules: RuleSet, result: Result, *, traces: bool = False, docs_url: str | None = None,
            pool: bool = True, readings_all: bool = False, lang: str = "en") -> dict[str, Any]:
    """The `ammr-check/1` document of a result as plain data: every verdict with its citation,
    reason, values and (with `traces`) its trace, the remedies of each non-compliance, the readings
    used, and links to the reference docs under `docs_url` (default: the site/ folder `mkdocs build`
    writes) and to EUR-Lex in the language `lang` (one of the 24 official languages, "en" by
    default). With `pool`, when the documents hold a Commission proposal or a Council act, the pool
    report is added under "pool". With `readings_all`, the case is evaluated again under each
    alternative reading, one at a time, and each verdict says whether it holds under every reading
    or on which it depends."""
    found = dependence(rules, result) if readings_all else None
    data = view(result, rules, traces=traces, remedies=remedy.find(rules, result),
                docs_url=DEFAULT_DOCS if docs_url is None else docs_url, dependence=found, lang=lang)
    report = pool_report(rules, result, found) if pool else None
    return {**data, "pool": report} if report else data


RENDERINGS = ("text", "md", "html", "json", "check")


def render(data: dict[str, Any], fmt: str, *, colour: bool = False) -> str:
    """The data of `explain()` laid out for people: "text" (the terminal), "md" (Markdown),
    "html" (one self-contained, printable file), "json" (the data itself, as published), or
    "check" (the short report `ammr check` prints: one line per requirement, then the pool
    report when the data holds one, then the audit record). `colour` colours the verdicts of "text" and "check"."""
    if fmt == "check":
        return render_check(data, colour) + (render_pool(data["pool"]) if data.get("pool") else "") + render_audit(data)
    return render_explanation(data, fmt, colour)
