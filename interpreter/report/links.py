"""Where a provision can be read: on EUR-Lex, and on its page of the generated reference docs.

One place fixes the link scheme, so that explanations (which link to the docs) and the docs
generator (which makes the pages and anchors) cannot drift apart:

    page    articles/art-12/          (MkDocs page generated from generated_docs/articles/art-12.md)
    anchor  art-12-2-s1-a             (Citation.anchor(): one per paragraph, subparagraph, point, sentence)

The site is built with MkDocs' `use_directory_urls` (its default): the page of art-12.md is the
file articles/art-12/index.html. A web server serves it at articles/art-12/, but a browser that
opens the built site from disk shows a folder listing there and loses the anchor; so a link into
a site on disk (a path, or a file: URL) names index.html, and only a link into a published site
(http or https) uses the folder form.

EUR-Lex is linked at the article, in the Official Journal's HTML of the act, in one of the 24
official languages: .../legal-content/FR/TXT/HTML/?uri=OJ:L_202401351#art_57, #anx_I for Annex I.
The article ids are those of the Official Journal's HTML format for acts published since
October 2023 (rules/law/README.md); nothing here fetches the page to confirm them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

ELI = "http://data.europa.eu/eli/reg/2024/1351/oj"
EUR_LEX = "https://eur-lex.europa.eu/eli/reg/2024/1351/oj"           # the act's EUR-Lex page (its ELI)
# The Official Journal's HTML of the act; {lang} is the language code in capitals.
EUR_LEX_TEXT = "https://eur-lex.europa.eu/legal-content/{lang}/TXT/HTML/?uri=OJ:L_202401351"

# The 24 official languages of the Union, by the codes EUR-Lex uses (ISO 639-1; Greek is "el").
LANGUAGES = ("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv",
             "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv")
DEFAULT_LANGUAGE = "en"


def page_name(citation) -> str:
    """"art-12" or "annex-1": the file name (without .md) of the article's page."""
    return f"annex-{_annex_number(citation.article)}" if citation.annex else f"art-{citation.article}"


def docs_path(citation) -> str:
    """The Markdown source of the page, relative to generated_docs/."""
    return f"articles/{page_name(citation)}.md"


def docs_url(citation, base: str = "") -> str:
    """The page and anchor in the built site under `base`: the site's published URL, or its folder
    on disk (a path, absolute or relative to the report, or a file: URL)."""
    return f"{_root(base)}articles/{page_name(citation)}/{_index(base)}#{citation.anchor()}"


def published(base: str) -> bool:
    """Whether `base` is a site served over HTTP, where a folder URL serves its index.html."""
    return urlsplit(base).scheme in ("http", "https")


def eur_lex_url(citation=None, lang: str = DEFAULT_LANGUAGE) -> str:
    """The act in the Official Journal on EUR-Lex in language `lang`, at the citation's article or
    annex (the whole act without one)."""
    url = EUR_LEX_TEXT.format(lang=language(lang).upper())
    if citation is None:
        return url
    return f"{url}#anx_{citation.article}" if citation.annex else f"{url}#art_{citation.article}"


def language(code: str) -> str:
    """The language code checked against the 24 official languages (ValueError naming them)."""
    lowered = code.strip().lower()
    if lowered not in LANGUAGES:
        raise ValueError(f"'{code}' is not one of the 24 official languages: {' '.join(LANGUAGES)}")
    return lowered


def _root(base: str) -> str:
    return base.rstrip("/") + "/" if base else ""


def _index(base: str) -> str:
    return "" if published(base) else "index.html"


def _annex_number(roman: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for i, ch in enumerate(roman):
        value = values[ch]
        total += -value if i + 1 < len(roman) and values[roman[i + 1]] > value else value
    return total
