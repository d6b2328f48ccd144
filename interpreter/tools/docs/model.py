"""What the documentation shows, gathered once from the rule set and the scenarios.

Everything is sorted or kept in the order of the law and of the rule files, so that
the pages come out the same for the same input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ...api import RuleSet
from ...language import syntax as A
from ...language.law import Article, Citation
from ...report import links
from ...report.coverage import coverage_map
from ...report.reason import reason
from .. import scenarios

# Part and chapter titles as stated in rules/law/README.md; a part without a stated title
# is shown by its number only, rather than with a title written from memory.
PARTS = {"I": "Part I", "II": "Part II", "IV": "Part IV — Solidarity", "V": "Part V", "VII": "Part VII",
         "Annex": "Annex"}
CHAPTERS = {
    **{n: "Chapter II — The annual migration management cycle" for n in range(9, 16)},
    **{n: "Chapter I — Solidarity mechanism" for n in range(56, 67)},
    **{n: "Chapter II — Procedural requirements" for n in range(67, 71)},
    71: "Chapter III — Financial support provided by the Union",
}
_KINDS = {A.Requirement: "requirement", A.Exception_: "exception", A.Definition: "definition",
          A.Constant: "constant", A.Parameter: "parameter", A.Dataset: "dataset", A.Calendar: "calendar",
          A.Coverage: "coverage", A.Reading: "reading"}


# Abbreviations the law writes in capitals, so that a name in words reads as the law does ("Total GDP").
_CAPITALS = {"gdp": "GDP", "eu": "EU", "ms": "MS"}


def _in_words(name: str) -> str:
    """A rule's name as words: total_gdp -> "total GDP"; an alternative reading's definition,
    council_amendment_allowed__within_article_12 -> "council amendment allowed (within article 12)"."""
    base, _, variant = name.partition("__")
    words = lambda part: " ".join(_CAPITALS.get(w, w) for w in part.split("_") if w)      # noqa: E731
    return f"{words(base)} ({words(variant)})" if variant else words(base)


@dataclass(frozen=True)
class Example:
    scenario: str
    file: str
    facts: str                  # the scenario's documents, as YAML
    verdict: str
    reason: str
    instance: str | None


@dataclass(frozen=True)
class RuleDoc:
    name: str
    kind: str
    title: str
    source: str                 # as written in the rule file
    file: str
    line: int
    citations: tuple[Citation, ...]
    interpretations: tuple[str, ...]
    examples: tuple[Example, ...] = ()

    @property
    def anchor(self) -> str:
        return "rule-" + re.sub(r"[^a-z0-9_]+", "-", self.name.lower()).strip("-")

    @property
    def heading(self) -> str:
        """What the rule is called for a reader: its title (or description), else its name in words."""
        words = self.title or _in_words(self.name)
        return words[:1].upper() + words[1:]

    @property
    def home(self) -> Citation:
        return self.citations[0]


@dataclass(frozen=True)
class ArticleDoc:
    article: Article
    part: str
    chapter: str

    @property
    def page(self) -> str:
        return links.page_name(self.article.citation)


@dataclass
class Site:
    rules: RuleSet
    articles: list[ArticleDoc]
    rule_docs: list[RuleDoc]
    scenario_count: int
    coverage: tuple = ()                   # coverage.Entry, in the order of the law text

    @classmethod
    def build(cls, rules: RuleSet, scenario_dir: Path | None) -> Site:
        law = rules.program.law
        found = scenarios.discover(scenario_dir) if scenario_dir and scenario_dir.is_dir() else []
        examples = _examples(rules, found)
        docs = [_rule_doc(rules, f, d, examples.get(d.name, ())) for f in rules.program.files
                for d in f.declarations if type(d) in _KINDS and d.meta.citations]
        article_docs = [ArticleDoc(a, PARTS.get(a.part, f"Part {a.part}"), CHAPTERS.get(_number(a), ""))
                        for a in law.articles()]
        return cls(rules, article_docs, [d for d in docs if d.citations], len(found), coverage_map(rules, found))

    # ------------------------------------------------------------ queries
    def rules_in(self, citation: Citation) -> list[RuleDoc]:
        """The rules citing this provision or anything inside it."""
        return [r for r in self.rule_docs if any(citation.contains(c) for c in r.citations)]

    def rules_at_home(self, article: Article, paragraph_citation: Citation) -> list[RuleDoc]:
        """The rules shown under this paragraph: those whose first citation in the article lies in it
        (a rule citing the whole article is shown under its first paragraph)."""
        out = []
        for r in self.rule_docs:
            first = next((c for c in r.citations if _same_article(c, article.citation)), None)
            if first is None:
                continue
            home = next((p.citation for p in article.paragraphs if p.citation.contains(first)),
                        article.paragraphs[0].citation)
            if home == paragraph_citation:
                out.append(r)
        return out

    def units_in(self, citation: Citation) -> list:
        """The coverage entries of this paragraph: one, or one per part when the rules address parts."""
        return [e for e in self.coverage if citation.contains(e.citation)]

    def rule(self, name: str) -> RuleDoc | None:
        return next((r for r in self.rule_docs if r.name == name), None)

    def home_page(self, rule: RuleDoc) -> str:
        return links.page_name(rule.home)


def _rule_doc(rules: RuleSet, file: A.RuleFile, decl: A.Declaration, examples) -> RuleDoc:
    law = rules.program.law
    citations = []
    for node in decl.meta.citations:
        citation = law.resolve(node.text).citation
        if citation not in citations:
            citations.append(citation)
    source = file.source[decl.span.start:decl.span.end]
    title = getattr(decl, "title", "") or getattr(decl, "description", "") or getattr(decl, "question", "")
    return RuleDoc(decl.name, _KINDS[type(decl)], title, source, file.path, decl.span.line, tuple(citations),
                   tuple(n.text for n in decl.meta.interpretations), tuple(examples))


def _examples(rules: RuleSet, found: list[scenarios.Scenario]) -> dict[str, list[Example]]:
    """Worked examples: what each scenario expects of a requirement, with the engine's own reason."""
    out: dict[str, list[Example]] = {}
    for scenario in found:
        result, problems = scenarios.run(rules, scenario)
        if result is None or problems:
            raise ValueError(f"scenario {scenario.id} fails, so it cannot serve as a worked example: "
                             + "; ".join(problems))
        facts = yaml.safe_dump([_plain(d) for d in scenario.documents], sort_keys=False, allow_unicode=True,
                               width=100).rstrip()
        for e in scenario.expect:
            outcome = result.outcome(e["requirement"], e.get("instance"))
            out.setdefault(e["requirement"], []).append(
                Example(scenario.name, Path(scenario.file).name, facts, outcome.verdict, reason(outcome),
                        outcome.instance))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _same_article(a: Citation, b: Citation) -> bool:
    return (a.article, a.annex) == (b.article, b.annex)


def _number(article: Article) -> int:
    return int(article.number) if not article.annex else 0
