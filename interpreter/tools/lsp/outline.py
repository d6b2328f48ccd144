"""The outline of a rule file: its declarations under the article each first cites.

A declaration goes under the article of its first citation (a coverage declaration: the provision it
is about), in the order the articles first appear in the file; a declaration that cites nothing
stands at the top level. A document or record type shows its fields below it.
"""

from __future__ import annotations

from lsprotocol import types

from ...language import syntax as A
from ...language.law import CitationSyntaxError, Law, parse_citation
from .convert import Positions
from .index import name_span

S = types.SymbolKind
_KINDS = {A.Act: S.File, A.Authority: S.Object, A.MemberState: S.EnumMember, A.Constant: S.Constant,
          A.Parameter: S.Variable, A.Dataset: S.Array, A.Calendar: S.Array, A.Structure: S.Struct,
          A.Definition: S.Function, A.Requirement: S.Method, A.Exception_: S.Event, A.Coverage: S.Key,
          A.Report: S.Module, A.Reading: S.Boolean}
_WORDS = {A.Act: "act", A.Authority: "authority", A.MemberState: "member state", A.Constant: "constant",
          A.Parameter: "parameter", A.Dataset: "dataset", A.Calendar: "calendar", A.Definition: "definition",
          A.Requirement: "requirement", A.Exception_: "exception", A.Coverage: "coverage", A.Report: "report",
          A.Reading: "reading"}


def outline(rule_file: A.RuleFile, law: Law | None, positions: Positions) -> list[types.DocumentSymbol]:
    groups: dict[str, list[types.DocumentSymbol]] = {}
    top: list[types.DocumentSymbol] = []
    for decl in rule_file.declarations:
        symbol = _symbol(decl, positions)
        article = _article(decl)
        if article is None:
            top.append(symbol)
        else:
            groups.setdefault(article, []).append(symbol)
    articles = [_group(name, children, law) for name, children in groups.items()]
    return sorted([*articles, *top], key=lambda s: (s.range.start.line, s.range.start.character))


def _symbol(decl: A.Declaration, positions: Positions) -> types.DocumentSymbol:
    if isinstance(decl, A.Structure):
        word = "document" if decl.is_document else "record"
        children = [types.DocumentSymbol(name=f.name, kind=S.Field, detail=f.description or None,
                                         range=positions.range(f.span),
                                         selection_range=positions.range(name_span(f.span, f.name)))
                    for f in decl.fields]
    else:
        word, children = _WORDS.get(type(decl), "declaration"), []
    said = getattr(decl, "title", "") or getattr(decl, "description", "") or getattr(decl, "question", "")
    return types.DocumentSymbol(name=decl.name, kind=_KINDS.get(type(decl), S.Object),
                                detail=f"{word}" + (f": {said}" if said else ""), range=positions.range(decl.span),
                                selection_range=positions.range(decl.name_span), children=children or None)


def _article(decl: A.Declaration) -> str | None:
    """"Article 12" or "Annex I": the article the declaration first cites."""
    if not decl.meta.citations or isinstance(decl, A.Act):
        return None
    try:
        ref = parse_citation(decl.meta.citations[0].text)
    except CitationSyntaxError:
        return None
    return f"Annex {ref.article}" if ref.annex else f"Article {ref.article}"


def _group(name: str, children: list[types.DocumentSymbol], law: Law | None) -> types.DocumentSymbol:
    number = name.split(" ", 1)[1]
    article = law.article(number, annex=name.startswith("Annex")) if law is not None else None
    start = min((c.range.start for c in children), key=lambda p: (p.line, p.character))
    end = max((c.range.end for c in children), key=lambda p: (p.line, p.character))
    whole = types.Range(start=start, end=end)
    return types.DocumentSymbol(name=name, kind=S.Namespace, detail=article.title if article else None, range=whole,
                                selection_range=children[0].selection_range, children=children)
