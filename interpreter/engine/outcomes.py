"""What the evaluator records: verdicts, and the steps that led to each.

A `Step` is one thing the evaluator looked at or computed — a definition, a field
of a document, a Eurostat figure, a comparison — with its exact value, its type
(for units), where it is written in the rules, what it cites and where its value
came from. Explanations (`report/`) are rendered from these, never from the
evaluator's internals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..language import typesys as T
from ..language.syntax import NOWHERE, Span

VERDICTS = ("compliant", "non_compliant", "insufficient_information", "needs_assessment")
NOT_APPLICABLE = "not_applicable"
# The order in which verdicts decide the overall result and the exit code.
SEVERITY = ("non_compliant", "insufficient_information", "needs_assessment", "compliant")


class Missing:
    """A value the facts do not give. Carries what is missing, so that a verdict can name it.

    `unknown` marks a value the document says it has but does not disclose (its
    `unknown:` list): then even "is given" cannot be answered. A value simply
    absent from a document is not given.
    """
    __slots__ = ("paths", "unknown")

    def __init__(self, paths: frozenset[str], unknown: bool = False):
        self.paths = paths
        self.unknown = unknown

    @staticmethod
    def of(*paths: str, unknown: bool = False) -> Missing:
        return Missing(frozenset(paths), unknown)

    def __repr__(self) -> str:
        return f"Missing({sorted(self.paths)}{', unknown' if self.unknown else ''})"


def merge_missing(*values: Any) -> Missing:
    paths: frozenset[str] = frozenset()
    unknown = False
    for v in values:
        if isinstance(v, Missing):
            paths |= v.paths
            unknown = unknown or v.unknown
    return Missing(paths, unknown)


@dataclass(frozen=True)
class Step:
    kind: str            # definition | constant | parameter | input | default | data | compare | logic | not
                         # | given | member | aggregate | exception | condition
    label: str           # as written in the rules, e.g. "proposal.relocations", "share(DE)"
    value: Any           # exact value, or Missing
    type: T.Type = T.UNKNOWN
    span: Span = NOWHERE
    citations: tuple = ()            # law.Provision
    source: str = ""                 # where the value came from: a document, a dataset, a default
    detail: str = ""                 # e.g. the comparison's wording, an exception's outcome
    children: tuple[Step, ...] = ()
    interpretations: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExceptionConsidered:
    name: str
    title: str
    priority: int
    applied: bool | None             # None: could not tell (a fact is missing)
    outcome: str                     # what it does when it applies
    citations: tuple = ()
    step: Step | None = None


@dataclass(frozen=True)
class Outcome:
    """The verdict on one requirement, for one document (and one item, for `for each`)."""
    requirement: str
    title: str
    verdict: str
    citations: tuple = ()                        # law.Provision
    document: str | None = None                  # the subject document's label
    document_type: str | None = None
    instance: str | None = None                  # e.g. "DE" or "alternative_measures[0]"
    missing: tuple[str, ...] = ()
    authority: str | None = None
    quote: str | None = None
    decided_by: str | None = None                # the exception that decided, if any
    interpretations: tuple[str, ...] = ()
    exceptions: tuple[ExceptionConsidered, ...] = ()
    condition: Step | None = None                # the step of the deciding condition
    span: Span = NOWHERE

    @property
    def key(self) -> str:
        """A stable id: requirement, and the item for `for each` rules."""
        return f"{self.requirement}[{self.instance}]" if self.instance else self.requirement
