"""Which verdicts depend on a reading (`ammr check --readings all`).

The case is evaluated again under each alternative of each reading the rules can switch, one
reading changed at a time, the others as the check chose them (their defaults unless set):
a verdict that comes out the same every time holds under every reading; one that does not
depends on the readings that changed it, and the report says to what. Combinations of
alternatives are not evaluated (two readings changed together could change a verdict that
neither changes alone): the report says so, and `--reading` checks any combination.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..language.diagnostics import Failed
from .reason import reason

if TYPE_CHECKING:                       # the API imports this module: types only, no import at run time
    from ..api import Result, RuleSet

METHOD = ("each reading changed alone, the others as used for this check: combinations of alternatives are not "
          "evaluated")


@dataclass(frozen=True)
class Change:
    """A verdict under one alternative reading, where it differs from the check's."""
    reading: str
    value: str
    verdict: str
    reason: str


@dataclass(frozen=True)
class Dependence:
    evaluated: tuple[tuple[str, str], ...]             # (reading, value) evaluated, one at a time
    skipped: tuple[tuple[str, str, str], ...]          # (reading, value, why) that could not be
    changes: dict[tuple[str | None, str], tuple[Change, ...]]     # (document, key) -> what changed it

    def of(self, document: str | None, key: str) -> tuple[Change, ...]:
        return self.changes.get((document, key), ())


def dependence(rules: RuleSet, result: Result) -> Dependence:
    """Evaluate the result's case under each alternative reading, one at a time."""
    case = result.case
    mine = {(o.document, o.key): o.verdict for o in result.outcomes}
    evaluated: list[tuple[str, str]] = []
    skipped: list[tuple[str, str, str]] = []
    changes: dict[tuple[str | None, str], list[Change]] = {}
    authorities = {name: a.description for name, a in rules.program.authorities.items()}
    for name, reading in rules.program.readings.items():
        current = case.readings.get(name, reading.default)
        for value in reading.values:
            alternative = reading.alternative(value)
            if value == current or (alternative is not None and not alternative.encoded):
                continue
            try:
                other = replace(case, readings=rules.readings_chosen({**case.readings, name: value}))
            except Failed as failure:
                skipped.append((name, value, failure.diagnostics[0].message))
                continue
            evaluated.append((name, value))
            quick = rules.evaluate(other, trace=False)
            differ = {o.requirement for o in quick.outcomes if mine.get((o.document, o.key)) != o.verdict}
            if not differ:
                continue
            for o in rules.evaluate(other, trace=True, only=differ).outcomes:       # traced, for the reasons
                if mine.get((o.document, o.key)) != o.verdict:
                    changes.setdefault((o.document, o.key), []).append(
                        Change(name, value, o.verdict, reason(o, authorities)))
    return Dependence(tuple(evaluated), tuple(skipped), {k: tuple(v) for k, v in changes.items()})
