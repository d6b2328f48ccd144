"""What completion offers at the cursor, from the words before it on its line.

After `cites Art 12(` the paragraphs of Article 12 in the shipped law text (1 to 6), after
`Art 12(2)(` the points of paragraph 2, after `cites Art ` the articles; after `proposal.` the
fields of the proposal's type; after a colon the types and units; after `notwithstanding` the
requirements, after `needs assessment by` the authorities; elsewhere the names of the rule set
and of the declaration's bindings, the keywords, the functions and the units.
"""

from __future__ import annotations

import re

from lsprotocol import types

from ...language import syntax as A
from ...language.law import Article, Law, Point
from ...language.library import FUNCTIONS
from ...language.parse import CLAUSE_WORDS, DECLARATION_KEYWORDS
from ...language.typesys import BASE_UNITS
from ..formatter import type_words
from .index import Index

K = types.CompletionItemKind

# `cites Art 12(2)(`: the article, the brackets so far, and whether one is open
_CITATION = re.compile(r"\b(?:cites|coverage|and)[ \t]+(?:Art(?:icle)?\.?[ \t]*(?P<article>\d*)"
                       r"(?P<groups>(?:\([0-9a-z]+\))*)(?P<open>\()?|(?P<annex>Annex[ \t]+[IVX]*))$")
_FIELD = re.compile(r"(?P<chain>[A-Za-z_]\w*(?:\[[^\]\n]*\])?(?:\.[A-Za-z_]\w*(?:\[[^\]\n]*\])?)*)\.\w*$")
_TYPE = re.compile(r"(?::|\blist[ \t]+of|\bper)[ \t]*[\w/]*$")
_TARGETS = re.compile(r"\bnotwithstanding[ \t]+(?:\w+[ \t]*,[ \t]*)*\w*$")
_AUTHORITY = re.compile(r"\bneeds[ \t]+assessment[ \t]+by[ \t]+\w*$")
_SIMPLE_TYPES = ("share", "number", "date", "year", "yes/no", "text", "member state")
_OPERATORS = ("and", "or", "not", "is", "is not", "is at least", "is at most", "is more than", "is less than",
              "is on or after", "is on or before", "is after", "is before", "is given", "is not given", "in", "not in",
              "if", "then", "else", "of", "where", "for each", "participating member states", "yes", "no", "none")
_AGGREGATES = ("sum", "count", "minimum", "maximum", "all", "any")


def complete(before: str, index: Index, law: Law | None, file: str, line: int) -> list[types.CompletionItem]:
    """The items for a cursor after `before` (its line up to the cursor) in a file of the index."""
    citation = _CITATION.search(before)
    if citation:
        return _citations(law, citation) if law is not None else []
    field = _FIELD.search(before)
    if field:
        return _fields(index, field.group("chain"), file, line)
    if _TYPE.search(before):
        return _types(index)
    if _TARGETS.search(before):
        return [_item(name, K.Function, "requirement")
                for (kind, name), (decl, _) in index.declarations.items()
                if kind == "rule" and isinstance(decl, A.Requirement)]
    if _AUTHORITY.search(before):
        return [_item(name, K.Class, "authority") for (kind, name) in index.declarations if kind == "authority"]
    return _everything(index, file, line)


def _item(label: str, kind: K, detail: str = "", documentation: str = "") -> types.CompletionItem:
    return types.CompletionItem(label=label, kind=kind, detail=detail or None,
                                documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=documentation)
                                if documentation else None)


# ------------------------------------------------------------------ citations

def _citations(law: Law, found: re.Match) -> list[types.CompletionItem]:
    if found.group("annex") is not None:
        return [_item(a.number, K.Reference, a.title) for a in law.articles() if a.annex]
    if not found.group("open"):
        return [_item(a.number, K.Reference, f"Article {a.number}: {a.title}") for a in law.articles() if not a.annex]
    article = law.article(found.group("article")) if found.group("article") else None
    if article is None:
        return []
    labels = re.findall(r"\(([0-9a-z]+)\)", found.group("groups"))
    if article.numbered and not labels:
        return [_item(str(p.number), K.Reference, f"{article.name}({p.number})", _first_words(p.text))
                for p in article.paragraphs]
    points = _points(article, labels)
    return [_item(p.label, K.Reference, p.citation.short(), _first_words(p.text)) for p in points]


def _points(article: Article, labels: list[str]) -> list[Point]:
    """The points below the paragraph and points named so far (of every subparagraph)."""
    if article.numbered:
        paragraph = article.paragraph(int(labels[0])) if labels[0].isdigit() else None
        rest = labels[1:]
    else:
        paragraph, rest = article.paragraphs[0], labels
    if paragraph is None:
        return []
    points = [p for sub in paragraph.subparagraphs for p in sub.points]
    for label in rest:
        point = next((p for p in points if p.label == label), None)
        points = list(point.children) if point is not None else []
    return points


def _first_words(text: str, count: int = 30) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


# ------------------------------------------------------------------ fields and types

def _fields(index: Index, chain: str, file: str, line: int) -> list[types.CompletionItem]:
    names = [re.sub(r"\[.*\]$", "", part) for part in chain.split(".")]
    decl = index.enclosing(file, line)
    written = index.scope(decl).get(names[0]) if decl is not None else None
    for name in names[1:]:
        written = _field_type(index, written, name)
    if isinstance(written, A.TableType) and chain.endswith("]"):
        written = written.value
    owner = written.name if isinstance(written, A.NamedType) else None
    return [_item(key[2], K.Field, type_words(f.type), f.description) for key, f in index.fields.items()
            if key[1] == owner]


def _field_type(index: Index, owner: A.TypeExpr | None, name: str) -> A.TypeExpr | None:
    if isinstance(owner, A.TableType):
        owner = owner.value
    found = index.fields.get(("field", owner.name, name)) if isinstance(owner, A.NamedType) else None
    return found.type if found is not None else None


def _types(index: Index) -> list[types.CompletionItem]:
    return [*(_item(t, K.TypeParameter, "type") for t in _SIMPLE_TYPES),
            *(_item(u, K.Unit, "unit") for u in BASE_UNITS),
            *(_item(name, K.Struct, "document or record type")
              for (kind, name) in index.declarations if kind == "type")]


# ------------------------------------------------------------------ everything else

_VALUE_KINDS = {A.Constant: (K.Constant, "constant"), A.Parameter: (K.Variable, "parameter"),
                A.Definition: (K.Function, "definition"), A.Dataset: (K.Value, "dataset"),
                A.MemberState: (K.EnumMember, "member state")}


def _everything(index: Index, file: str, line: int) -> list[types.CompletionItem]:
    items = []
    decl = index.enclosing(file, line)
    if decl is not None:
        items += [_item(name, K.Variable, type_words(t)) for name, t in index.scope(decl).items()]
    for (kind, name), (found, _) in index.declarations.items():
        if kind == "value" and type(found) in _VALUE_KINDS:
            item_kind, detail = _VALUE_KINDS[type(found)]
            items.append(_item(name, item_kind, detail))
    items += [_item(name, K.Function, f.description) for name, f in FUNCTIONS.items() if ":" not in name]
    items += [_item(name, K.Function, "aggregate: name(... for each x in ...)") for name in _AGGREGATES]
    items += [_item(word, K.Keyword) for word in (*DECLARATION_KEYWORDS, *CLAUSE_WORDS, *_OPERATORS)]
    items += [_item(unit, K.Unit, "unit") for unit in BASE_UNITS]
    return list({item.label: item for item in items}.values())
