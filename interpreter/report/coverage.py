"""The coverage map: for every paragraph of the shipped law text (and every subparagraph or point
the rules address separately), whether it is encoded and tested, left to an authority's
assessment, or not checkable, and why.

    entries = coverage_map(rules, scenarios.discover("tests/scenarios"))

The map is computed, never written by hand: from the citations of the checked rules
(requirements, exceptions, definitions), the `coverage` declarations, and the scenario tests
that exercise each rule and pass. The docs generator and `ammr coverage` both call
`coverage_map`. A unit is untested when one of its requirements or exceptions has no passing
scenario where it holds, or none where it fails (tools/tested.py).

Units. The unit is the paragraph (the whole article, for an article without numbered
paragraphs). Where a rule or a declaration cites something inside a paragraph -- a
subparagraph or a point, not a sentence -- the paragraph is split into its subparagraphs (or
the points of its only subparagraph), and so on down: every part must then have a status of
its own. A citation of a whole split paragraph covers none of its parts; a citation of a whole
numbered article covers each of its paragraphs that is not split.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..api import RuleSet
from ..language.diagnostics import Diagnostic, Failed
from ..language.law import Article, Citation, Paragraph, Point, Subparagraph
from ..tools import scenarios as S
from ..tools.tested import Exercise, Gap, exercise, gaps

STATUSES = ("encoded", "needs_assessment", "not_checkable", "missing")


@dataclass(frozen=True)
class Entry:
    """The status of one unit of the law text."""
    citation: Citation
    article: str                          # "Article 12", "Annex I"
    text: str                             # the unit's own words
    status: str                           # encoded | needs_assessment | not_checkable | missing
    rules: tuple[str, ...] = ()           # requirements, exceptions and definitions citing the unit
    scenarios: tuple[str, ...] = ()       # passing scenario tests that exercise those rules
    failing: tuple[str, ...] = ()         # scenario tests that exercise them and fail
    authority: str = ""                   # needs_assessment: who decides
    quote: str = ""                       # needs_assessment: the words that say so
    reason: str = ""                      # not_checkable: why
    declared_at: tuple[str, ...] = ()     # file:line of the rules and declarations
    untested: tuple[str, ...] = ()        # what the scenarios do not show of its rules ("'r': no ... where it fails")

    @property
    def provision(self) -> str:
        return self.citation.short()

    def to_json(self) -> dict:
        return {"provision": self.provision, "full": self.citation.full(), "anchor": self.citation.anchor(),
                "article": self.article, "status": self.status, "rules": list(self.rules),
                "scenarios": list(self.scenarios), "failing": list(self.failing), "authority": self.authority,
                "quote": self.quote, "reason": self.reason, "declared_at": list(self.declared_at),
                "untested": list(self.untested)}


@dataclass(frozen=True)
class _Claim:
    citation: Citation
    kind: str                  # check | assessment | not_checkable
    rule: str                  # the rule's name, "" for a coverage declaration
    where: str
    authority: str = ""
    quote: str = ""
    reason: str = ""


def coverage_map(rules: RuleSet, scenarios: Iterable[S.Scenario] = (),
                 exercised: dict[str, Exercise] | None = None) -> tuple[Entry, ...]:
    """Every unit of every shipped article, in the order of the law text, with its status; the
    scenarios are run for it, unless what they show is given (`exercised`, tools/tested.py)."""
    claims = _claims(rules)
    if exercised is None:
        exercised = exercise(rules, [S.verify(rules, s) for s in scenarios])
    untested: dict[str, list[str]] = {}
    for gap in gaps(rules, exercised):
        untested.setdefault(gap.rule, []).append(f"'{gap.rule}': {gap.missing}")
    cited = [c.citation for c in claims]
    out = []
    for article in rules.program.law.articles():
        for paragraph in article.paragraphs:
            for unit, text in _units(paragraph, cited):
                mine = [c for c in claims if _covers(c.citation, unit, article)]
                out.append(_entry(article, unit, text, mine, exercised, untested))
    return tuple(out)


def _claims(rules: RuleSet) -> list[_Claim]:
    program = rules.program
    out: list[_Claim] = []

    def add(provisions, kind, name, span, **extra):
        for p in provisions:
            if p is not None:
                out.append(_Claim(replace(p.citation, sentence=None), kind, name, f"{span.file}:{span.line}", **extra))

    for r in program.requirements:
        if r.assessment is not None:
            add(r.citations, "assessment", r.name, r.decl.span, authority=r.assessment.authority,
                quote=r.assessment.quote)
        else:
            add(r.citations, "check", r.name, r.decl.span)
    for x in program.exceptions:
        o = x.outcome
        if o.kind == "assessment":
            add(x.citations, "assessment", x.name, x.decl.span, authority=o.authority, quote=o.quote)
        else:
            add(x.citations, "check", x.name, x.decl.span)
    for v in program.values.values():
        if v.kind == "definition":
            add(v.citations, "check", v.name, v.decl.span)
    for c in program.coverage:
        kind = "assessment" if c.status == "needs_assessment" else "not_checkable"
        add((c.provision,), kind, "", c.decl.span, authority=c.authority, quote=c.quote, reason=c.reason)
    return out


# ------------------------------------------------------------------- units

def _units(paragraph: Paragraph, cited: list[Citation]) -> list[tuple[Citation, str]]:
    """The leaves of the paragraph once split where the rules cite inside it."""
    def split(citation: Citation) -> bool:
        return any(c != citation and _within(c, citation) for c in cited)

    def point_units(point: Point) -> list[tuple[Citation, str]]:
        if point.children and split(point.citation):
            return [u for child in point.children for u in point_units(child)]
        return [(point.citation, point.text)]

    def sub_units(sub: Subparagraph) -> list[tuple[Citation, str]]:
        if sub.points and split(sub.citation):
            return [u for point in sub.points for u in point_units(point)]
        return [(sub.citation, sub.text)]

    if not split(paragraph.citation):
        return [(paragraph.citation, paragraph.text)]
    if len(paragraph.subparagraphs) > 1:
        return [u for sub in paragraph.subparagraphs for u in sub_units(sub)]
    only = paragraph.subparagraphs[0]
    if only.points:
        return [u for point in only.points for u in point_units(point)]
    return [(paragraph.citation, paragraph.text)]


def _within(inner: Citation, outer: Citation) -> bool:
    """Whether `inner` is `outer` or lies inside it (sentences ignored)."""
    if (inner.article, inner.annex) != (outer.article, outer.annex):
        return False
    for part in ("paragraph", "subparagraph"):
        if getattr(outer, part) is not None and getattr(inner, part) != getattr(outer, part):
            return False
    return inner.points[:len(outer.points)] == outer.points


def _covers(claim: Citation, unit: Citation, article: Article) -> bool:
    if claim == unit:
        return True
    # a whole numbered article: each of its paragraphs the rules do not split
    whole_article = claim == article.citation and article.numbered
    return whole_article and unit.paragraph is not None and unit == replace(unit, subparagraph=None, points=()) \
        and _within(unit, claim)


def _entry(article: Article, unit: Citation, text: str, claims: list[_Claim], exercised: dict[str, Exercise],
           untested: dict[str, list[str]]) -> Entry:
    checks = [c for c in claims if c.kind == "check"]
    assessments = [c for c in claims if c.kind == "assessment"]
    reasons = [c for c in claims if c.kind == "not_checkable"]
    names = tuple(dict.fromkeys(c.rule for c in claims if c.rule))
    passing = tuple(dict.fromkeys(s for n in names for s in exercised.get(n, Exercise()).passing))
    failing = tuple(dict.fromkeys(s for n in names for s in exercised.get(n, Exercise()).failing))
    where = tuple(dict.fromkeys(c.where for c in claims))
    common: dict[str, Any] = dict(citation=unit, article=article.name, text=text, rules=names, scenarios=passing,
                                  failing=failing, declared_at=where,
                                  untested=tuple(m for n in names for m in untested.get(n, ())))
    if checks:
        return Entry(status="encoded", **common)
    if assessments:
        return Entry(status="needs_assessment", authority=assessments[0].authority, quote=assessments[0].quote,
                     **common)
    if reasons:
        return Entry(status="not_checkable", reason=reasons[0].reason, **common)
    return Entry(status="missing", **common)


def summary(entries: Iterable[Entry]) -> dict[str, int]:
    entries = tuple(entries)
    return {status: sum(1 for e in entries if e.status == status) for status in STATUSES}


# ------------------------------------------------------------------- untested, for lint and test

def unit_gaps(rules: RuleSet, exercised: dict[str, Exercise]) -> list[Gap]:
    """The encoded units whose rules are definitions only, none of whose values a passing scenario
    checks (E602): a requirement or an exception that is untested is already a gap of its own (E601)."""
    checked = {r.name for r in rules.program.requirements} | {x.name for x in rules.program.exceptions}
    out = []
    for e in coverage_map(rules, exercised=exercised):
        if e.status == "encoded" and e.rules and not e.scenarios and not set(e.rules) & checked:
            first = rules.program.values[e.rules[0]].decl
            out.append(Gap(e.rules[0], first.name_span, f"{e.provision} is encoded by definitions only "
                                                         f"({', '.join(e.rules)}), and no passing scenario checks "
                                                         f"their values", "E602"))
    return out


@dataclass(frozen=True)
class Untested:
    """What a run of the scenario tests leaves untested (rules, E601, and paragraphs, E602), and the
    scenario files it could not read (their scenarios count for nothing), with their texts."""
    gaps: tuple[Gap, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)


def untested(rules: RuleSet, folder: Path) -> Untested:
    """Run every scenario file under `folder` against the rules, and say what is left untested."""
    loaded: list[S.Scenario] = []
    problems: list[Diagnostic] = []
    sources: dict[str, str] = {}
    for path in sorted(folder.rglob("*.yaml")):
        try:
            loaded += S.load(path)
        except Failed as failure:
            problems += failure.diagnostics
            sources.update(failure.sources)
    return Untested(tuple(untested_by(rules, [S.verify(rules, s) for s in loaded])), tuple(problems), sources)


def untested_by(rules: RuleSet, reports: Iterable[S.Report]) -> list[Gap]:
    """What the verified scenarios leave untested: rules (E601), then paragraphs (E602)."""
    exercised = exercise(rules, reports)
    return [*gaps(rules, exercised), *unit_gaps(rules, exercised)]
