"""The rule set as the editor holds it, checked: what every request of the language server reads.

The rule set is the rules folder's files, each read from the editor's buffer when it is open there
(an unsaved buffer replaces its file), and a rule file opened from elsewhere added to them, as
`ammr lint FILE` adds it. Checking runs the same stages as `ammr lint`: parse, check, lint. A rule
set that does not check still gives its errors and an index of whatever parsed.

The scenario tests are run only when asked (when a file is opened or saved: they take seconds);
what they leave untested (E601, E602) is kept, by rule, until they are run again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...api import RuleSet, display_path, law_for
from ...language import syntax as A
from ...language.checker import Program
from ...language.diagnostics import Diagnostic, Failed
from ...language.law import Law, LawFormatError
from ...language.parse import parse_partial
from ...report.coverage import Untested, untested
from ..lint import findings
from ..tested import Gap
from .index import Index


@dataclass(frozen=True)
class Snapshot:
    directory: Path
    files: tuple[A.RuleFile, ...]             # parsed, in part for a file that does not parse
    diagnostics: tuple[Diagnostic, ...]       # errors and warnings, of every file of the set
    sources: dict[str, str]                   # file as spans name it -> its text
    program: Program | None                   # None when the rules do not check
    law: Law | None                           # None when the law text cannot be read
    index: Index
    texts: dict[Path, str] = field(default_factory=dict)        # the buffers it was made from

    def source_of(self, path: Path) -> str | None:
        return next((text for name, text in self.sources.items() if Path(name).resolve() == path), None)


def rule_files(directory: Path, extra: list[Path]) -> list[Path]:
    """The files of the rule set, as messages name them."""
    return [display_path(p) for p in [*sorted(directory.glob("*.rules")), *extra]]


def check(directory: Path, extra: list[Path], texts: dict[Path, str], last_run: Untested) -> Snapshot:
    """Parse, check and lint the rule set, buffers (by resolved path) in place of their files; what the
    last run of the scenario tests left untested is reported where those rules are now."""
    try:
        rules = RuleSet.prepare(directory, extra, texts=texts)
    except Failed as failure:
        files = tuple(_parsed(path, texts) for path in rule_files(directory, extra))
        sources = {**{f.path: f.source for f in files}, **failure.sources}
        return Snapshot(directory, files, failure.diagnostics, sources, None, _law(directory, files),
                        Index(list(files)), dict(texts))
    program = rules.program
    kept = [g.diagnostic(at) for g in last_run.gaps if (at := _named(program, g)) is not None]
    sources = {**{f.path: f.source for f in program.files}, **last_run.sources}
    return Snapshot(directory, program.files, (*findings(rules), *kept, *last_run.problems), sources, program,
                    program.law, Index(list(program.files)), dict(texts))


def run_scenarios(directory: Path, extra: list[Path], texts: dict[Path, str], folder: Path) -> Untested:
    """Run the scenario tests against the rule set as the editor holds it. Nothing is known (and nothing
    reported) while the rules do not check."""
    try:
        return untested(RuleSet.prepare(directory, extra, texts=texts), folder)
    except Failed:
        return Untested()


def _named(program: Program, gap: Gap) -> A.Span | None:
    """Where the rule a gap is about is named now (the rules may have moved since the scenarios ran)."""
    rule = program.requirement(gap.rule) or next((x for x in program.exceptions if x.name == gap.rule), None) \
        or program.values.get(gap.rule)
    return rule.decl.name_span if rule is not None else None


def _parsed(path: Path, texts: dict[Path, str]) -> A.RuleFile:
    text = texts.get(path.resolve())
    if text is None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return A.RuleFile(str(path), "")
    return parse_partial(text, str(path))[0]


def _law(directory: Path, files: tuple[A.RuleFile, ...]) -> Law | None:
    try:
        return law_for(directory, list(files))
    except (Failed, LawFormatError, OSError):
        return None
