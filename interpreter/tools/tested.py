"""Which rules the scenario tests show holding and failing, and which they leave untested.

A requirement is tested when a passing scenario shows it compliant and another shows it
non-compliant; one left to an authority ("needs assessment by ..."), which cannot fail, when a
passing scenario shows it put to the authority. An exception is tested when a passing scenario
shows it deciding one of the requirements it sets aside, and another shows such a requirement
decided without it. Only what a scenario expects counts: a verdict it does not name is not tested
by it. `ammr lint`, `ammr test`, `ammr coverage` and the test suite all ask this module, so that
they agree on what is untested.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..api import RuleSet
from ..language.diagnostics import Diagnostic
from ..language.syntax import Span
from . import scenarios as S


@dataclass(frozen=True)
class Exercise:
    """The scenario tests that name one rule, and among those that pass, where it holds and fails."""
    passing: tuple[str, ...] = ()
    failing: tuple[str, ...] = ()
    holds: tuple[str, ...] = ()
    fails: tuple[str, ...] = ()


def exercise(rules: RuleSet, reports: Iterable[S.Report]) -> dict[str, Exercise]:
    """Rule name -> what the scenarios (verified: `scenarios.verify`) show of it."""
    targets = {r.name: [x.name for x in r.exceptions] for r in rules.program.requirements}
    found: dict[str, dict[str, list[str]]] = {}

    def note(name: str, scenario: str, which: str) -> None:
        ids = found.setdefault(name, {}).setdefault(which, [])
        if scenario not in ids:
            ids.append(scenario)

    for report in reports:
        scenario = report.scenario
        for name in S.named(scenario):
            note(name, scenario.id, "passing" if report.passed else "failing")
        if not report.passed or report.result is None:
            continue
        for expected in scenario.expect:
            outcome = next((o for o in report.result.outcomes if o.requirement == expected["requirement"] and
                            expected.get("instance") in (None, o.instance)), None)
            if outcome is None:
                continue
            if outcome.verdict in ("compliant", "needs_assessment"):
                note(outcome.requirement, scenario.id, "holds")
            elif outcome.verdict == "non_compliant":
                note(outcome.requirement, scenario.id, "fails")
            if outcome.decided_by is not None:
                note(outcome.decided_by, scenario.id, "holds")
            elif outcome.verdict != "not_applicable":       # weighed, and none of its exceptions applied
                for exception in targets.get(outcome.requirement, ()):
                    note(exception, scenario.id, "fails")
    return {name: Exercise(**{which: tuple(ids) for which, ids in lists.items()}) for name, lists in found.items()}


@dataclass(frozen=True)
class Gap:
    """A rule the scenarios leave untested, and what is missing."""
    rule: str
    span: Span                  # where the rule is named
    missing: str                # e.g. "no passing scenario where it fails (non_compliant)"
    code: str = "E601"          # E602: a paragraph encoded by definitions only, whose values no scenario checks

    def diagnostic(self, at: Span | None = None) -> Diagnostic:
        """The error, where the rule is named (`at`, if it has moved since the scenarios ran)."""
        shows = "checks one of their values (values: - of: ...)" if self.code == "E602" else "shows it"
        return Diagnostic(self.code, f"'{self.rule}': {self.missing}", at or self.span,
                          f"add a scenario under tests/scenarios/ that {shows} (`ammr test` runs them)")


def gaps(rules: RuleSet, exercised: dict[str, Exercise]) -> list[Gap]:
    """Every requirement and exception of the rules that the scenarios do not show both ways."""
    out = []
    for r in rules.program.requirements:
        seen = exercised.get(r.name, Exercise())
        if r.assessment is not None:
            wanted = [("holds", f"no passing scenario where it is put to {r.assessment.authority} "
                                f"(needs_assessment)")]
        else:
            wanted = [("holds", "no passing scenario where it holds (compliant)"),
                      ("fails", "no passing scenario where it fails (non_compliant)")]
        out += [Gap(r.name, r.decl.name_span, missing) for which, missing in wanted if not getattr(seen, which)]
    for x in rules.program.exceptions:
        seen = exercised.get(x.name, Exercise())
        aside = ", ".join(name for name, _ in x.decl.targets)
        if not seen.holds:
            out.append(Gap(x.name, x.decl.name_span, f"no passing scenario where it decides {aside}"))
        if not seen.fails:
            out.append(Gap(x.name, x.decl.name_span, f"no passing scenario where {aside} is decided without it"))
    return sorted(out, key=lambda g: (g.span.file, g.span.line, g.span.column))
