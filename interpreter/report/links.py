"""Where a provision can be read: on EUR-Lex, and on its page of the generated reference docs.

One place fixes the link scheme, so that explanations (which link to the docs) and the docs
generator (which makes the pages and anchors) cannot drift apart:

    page    articles/art-12/          (MkDocs page generated from generated_docs/articles/art-12.md)
    anchor  art-12-2-s1-a             (Citation.anchor(): one per paragraph, subparagraph, point, sentence)

EUR-Lex is linked at the level of the act: article fragments such as #art_12 are not
confirmed for this act (see rules/law/README.md), so none is used.
"""

from __future__ import annotations

EUR_LEX = "https://eur-lex.europa.eu/eli/reg/2024/1351/oj"
ELI = "http://data.europa.eu/eli/reg/2024/1351/oj"


def page_name(citation) -> str:
    """"art-12" or "annex-1": the file name (without .md) of the article's page."""
    return f"annex-{_annex_number(citation.article)}" if citation.annex else f"art-{citation.article}"


def docs_path(citation) -> str:
    """The Markdown source of the page, relative to generated_docs/."""
    return f"articles/{page_name(citation)}.md"


def docs_url(citation, base: str = "") -> str:
    """The page and anchor in the built site; `base` is the site's root URL (or a relative path)."""
    prefix = base.rstrip("/") + "/" if base else ""
    return f"{prefix}articles/{page_name(citation)}/#{citation.anchor()}"


def _annex_number(roman: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for i, ch in enumerate(roman):
        value = values[ch]
        total += -value if i + 1 < len(roman) and values[roman[i + 1]] > value else value
    return total
