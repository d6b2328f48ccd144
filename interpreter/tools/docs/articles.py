"""One page per article: the official text paragraph by paragraph, each with its anchor,
and under each paragraph its status, the rules that encode it, their interpretations and
worked examples from the scenario tests."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from ...language import syntax as A
from ...language.law import Article, Citation, Paragraph, Point, Subparagraph
from ...report import links
from .math import formula
from .model import ArticleDoc, RuleDoc, Site
from .render import template, unbroken


def render(site: Site, doc: ArticleDoc) -> str:
    article = doc.article
    sections = [_section(site, article, p) for p in article.paragraphs]
    shown = {r.name for s in sections for r in s["rules"]}
    elsewhere = [r for r in site.rules_in(article.citation) if r.name not in shown]
    return template("article.md.j2").render(doc=doc, article=article, sections=sections, elsewhere=elsewhere,
                                           site=site, eur_lex=links.eur_lex_url(article.citation),
                                           rule_link=_rule_link(site, doc), cite_link=_cite_link(doc))


def _section(site: Site, article: Article, paragraph: Paragraph) -> dict:
    citation = paragraph.citation
    heading = f"Paragraph {paragraph.number}" if paragraph.number is not None else "Text"
    rules = site.rules_at_home(article, citation)
    return {
        "heading": heading,
        "anchor": citation.anchor(),
        "citation": citation,
        "law": _paragraph_html(paragraph),
        "rules": rules,
        "citing": site.rules_in(citation),
        "units": site.units_in(citation),
        # where the shipped text lacks part of the article (a formula printed as an image), the
        # formula as the rules encode it, to be set beside the official one
        "formulas": [] if article.complete else _formulas(site, rules),
    }


def _formulas(site: Site, rules: list[RuleDoc]) -> list[dict]:
    """The formula of each definition at this place that a check uses by default: a definition an
    alternative reading puts in place of another is that reading's, and the reading is named there."""
    alternatives = {new for reading in site.rules.program.readings.values() for a in reading.alternatives
                    for new, _ in a.uses} | \
                   {new for reading in site.rules.program.readings.values() for a in reading.alternatives
                    for _, _, new, _ in a.combined}
    out = []
    for r in rules:
        if r.name in alternatives:
            continue
        value = site.rules.program.values.get(r.name)
        shown = formula(value.decl) if value is not None and isinstance(value.decl, A.Definition) else None
        if shown is not None:
            out.append({"rule": r, "math": shown})
    return out


# ------------------------------------------------------------------ law text

def _paragraph_html(paragraph: Paragraph) -> str:
    several = len(paragraph.subparagraphs) > 1
    parts = ['<div class="law-paragraph">']
    for sub in paragraph.subparagraphs:
        parts.append(_subparagraph_html(sub, several))
    parts.append("</div>")
    return "\n".join(parts)


def _subparagraph_html(sub: Subparagraph, own_anchor: bool) -> str:
    ident = f' id="{sub.citation.anchor()}"' if own_anchor else ""
    sentences = sub.sentences
    if len(sentences) > 1:
        prose = " ".join(f'<span id="{_sentence(sub.citation, i + 1)}">{_text(s)}</span>'
                         for i, s in enumerate(sentences))
    else:
        prose = _text(sub.prose)
    out = [f'<div class="law-subparagraph"{ident}><p>{prose}</p>']
    if sub.points:
        out.append(_points_html(sub.points))
    out.append("</div>")
    return "".join(out)


def _points_html(points: tuple[Point, ...]) -> str:
    items = []
    for point in points:
        children = _points_html(point.children) if point.children else ""
        items.append(f'<li id="{point.citation.anchor()}"><span class="law-label">({point.label})</span> '
                     f"{_text(point.body)}{children}</li>")
    return f'<ul class="law-points">{"".join(items)}</ul>'


def _sentence(citation: Citation, number: int) -> str:
    return replace(citation, sentence=number).anchor()


def _text(text: str) -> str:
    """Escape for HTML, keeping the source's *italics*, each figure on one line, and marking text
    the sources could not give."""
    escaped = unbroken(html.escape(text, quote=False))
    escaped = re.sub(r"\*([^*]+)\*", r"<em>\1</em>", escaped)
    return re.sub(r"\[TEXT NOT RECOVERED: ([^\]]*)\]", r'<span class="law-missing">[text not recovered: \1]</span>',
                  escaped)


# ------------------------------------------------------------------ links

def _rule_link(site: Site, doc: ArticleDoc):
    def link(rule: RuleDoc) -> str:
        page = site.home_page(rule)
        target = f"#{rule.anchor}" if page == doc.page else f"{page}.md#{rule.anchor}"
        return f"[{rule.heading}]({target})"
    return link


def _cite_link(doc: ArticleDoc):
    def link(citation: Citation) -> str:
        page = links.page_name(citation)
        target = f"#{citation.anchor()}" if page == doc.page else f"{page}.md#{citation.anchor()}"
        return f"[{citation.short()}]({target})"
    return link
