"""What hovering shows, as Markdown: the law's words at a citation, and at a name what it is.

At a citation: the provision's words quoted from the shipped law text (with the words that lead
into a point), and the act on EUR-Lex. At a name: its kind, type and unit, its description or
title, its citations, its interpretation and source notes, and its declaration as written.
"""

from __future__ import annotations

from ...language import syntax as A
from ...language.law import CitationSyntaxError, Law, UnresolvedCitation
from ...report import links
from ..formatter import type_words
from .index import Key
from .state import Snapshot

_KIND_WORDS = {A.Constant: "constant", A.Parameter: "parameter", A.Definition: "definition", A.Dataset: "dataset",
               A.MemberState: "member state", A.Calendar: "calendar", A.Requirement: "requirement",
               A.Exception_: "exception", A.Authority: "authority", A.Reading: "reading"}
_SHOWN_LINES = 15          # a declaration longer than this is shown in part


def citation(law: Law | None, text: str) -> str:
    if law is None:
        return f"**{text}**: the law text the rules declare could not be read"
    try:
        provision = law.resolve(text)
    except (CitationSyntaxError, UnresolvedCitation) as problem:
        return f"**{text}**: {problem}"
    cited = provision.citation
    article = f"Annex {cited.article}" if cited.annex else f"Article {cited.article}"
    parts = [f"**{cited.full()}** — {article}: {provision.article_title}"]
    if provision.lead_in:
        parts.append(_quoted(provision.lead_in))
    parts.append(_quoted(provision.text))
    if not provision.complete:
        parts.append("*The shipped text of this article is not complete (rules/law/README.md).*")
    parts.append(f"[{law.title} on EUR-Lex]({links.EUR_LEX})")
    return "\n\n".join(parts)


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.split("\n"))


def name(snapshot: Snapshot, key: Key) -> str | None:
    kind = key[0]
    if kind == "local":
        return _local(snapshot, key)
    if kind == "field":
        return _field(snapshot, key)
    found = snapshot.index.declarations.get(key)
    if found is None:
        return None
    decl, _ = found
    if isinstance(decl, A.Structure):
        head = f"**{'document' if decl.is_document else 'record'}** `{decl.name}`" + \
               (f" — {decl.description}" if decl.description else "")
        fields = [f"- `{f.name}`: {type_words(f.type)}" for f in decl.fields]
        return "\n\n".join([head, *(["\n".join(fields)] if fields else []), *_notes(snapshot, decl),
                            _written(snapshot, decl)])
    return "\n\n".join([_head(snapshot, decl), *_notes(snapshot, decl), _written(snapshot, decl)])


def _head(snapshot: Snapshot, decl: A.Declaration) -> str:
    kind = _KIND_WORDS.get(type(decl), "declaration")
    head = f"**{kind}** `{decl.name}`"
    params = getattr(decl, "params", ())
    if params:
        head += "(" + ", ".join(f"{p.name}: {type_words(p.type)}" for p in params) + ")"
    typed = _type(snapshot, decl)
    if typed:
        head += f": {typed}"
    said = (getattr(decl, "title", "") or getattr(decl, "description", "") or getattr(decl, "question", "")
            or getattr(decl, "country", ""))
    return head + (f" — {said}" if said else "")


def _type(snapshot: Snapshot, decl: A.Declaration) -> str:
    """The type and unit: as the checker inferred it when the rules check, else as written."""
    program = snapshot.program
    if program is not None and decl.name in program.values and program.values[decl.name].decl is decl:
        return str(program.values[decl.name].type)
    declared = getattr(decl, "declared", None)
    return type_words(declared) if isinstance(declared, A.TypeExpr) else ""


def _notes(snapshot: Snapshot, decl) -> list[str]:
    out = []
    cited = ", ".join(_short(snapshot.law, c.text) for c in decl.meta.citations)
    if cited:
        out.append(f"cites {cited}")
    out += [f"*Interpretation:* {n.text}" for n in decl.meta.interpretations]
    out += [f"*Source:* {n.text}" for n in decl.meta.sources]
    return out


def _short(law: Law | None, text: str) -> str:
    try:
        return law.resolve(text).citation.short() if law is not None else text
    except (CitationSyntaxError, UnresolvedCitation):
        return text


def _written(snapshot: Snapshot, decl: A.Declaration) -> str:
    """The declaration as written in its file."""
    source = snapshot.sources.get(decl.span.file, "")
    lines = source[decl.span.start:decl.span.end].split("\n") if decl.span.end else []
    if len(lines) > _SHOWN_LINES:
        lines = lines[:_SHOWN_LINES] + ["  …"]
    return "```ammr\n" + "\n".join(lines) + "\n```" if lines else ""


def _field(snapshot: Snapshot, key: Key) -> str | None:
    _, owner, field_name = key
    found = snapshot.index.fields.get(key)
    if found is None:
        return None
    head = f"**field** `{owner}.{field_name}`: {type_words(found.type)}" + \
           (f" — {found.description}" if found.description else "")
    cited = ", ".join(_short(snapshot.law, c.text) for c in found.citations)
    default = f"default: `{_text(snapshot, found.default)}`" if found.default is not None else ""
    return "\n\n".join(part for part in (head, f"cites {cited}" if cited else "", default) if part)


def _text(snapshot: Snapshot, node: A.Expr) -> str:
    return snapshot.sources.get(node.span.file, "")[node.span.start:node.span.end]


def _local(snapshot: Snapshot, key: Key) -> str | None:
    _, at, bound = key
    decl = snapshot.index.enclosing(at.file, at.line)
    if decl is None:
        return None
    written = snapshot.index.scope(decl).get(bound)
    typed = f": {type_words(written)}" if written is not None else ""
    return f"**{bound}**{typed} — bound in {_KIND_WORDS.get(type(decl), 'declaration')} `{decl.name}`"
