"""The parts of a check's view that depend on the rule set alone, worked out once per rule set and
kept with it: a provision's citation (its quoted text and links), a requirement's conditions as
written, a dataset figure's source, a field's description, the readings in force, the rule set's
files in the audit record. A server checks many documents against one rule set (the portal: every
check of a pledge shows the same 30-odd citations); it no longer redoes them for each check.

What is kept is a pure function of objects the prepared rule set owns and never changes (its
program's provisions and declarations, its tables, its folder), of the language and docs root of
the links, and of the working folder where a path is shown relative to it. The rule set is the
key, held weakly: a rule set no longer used takes its entries with it. A provision is found by its
identity and the entry keeps it, so an entry never answers for another object that took its
address. Every caller gets its own copy, so a view changed by its reader changes nothing kept.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import TYPE_CHECKING, Any

from . import links

if TYPE_CHECKING:
    from ..api import RuleSet

_LIMIT = 20_000                 # entries of one table: far above what a rule set has; a bound all the same


class Fixed:
    """The kept parts of one rule set (`of(rules)`). Holds no reference to the rule set itself."""

    def __init__(self) -> None:
        self.citations: dict[tuple[int, str, str], tuple[Any, dict[str, Any]]] = {}
        self.rule_texts: dict[str, dict[str, str]] = {}
        self.data_sources: dict[tuple[str, int | None], dict[str, Any]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.readings: dict[tuple, list[dict[str, Any]]] = {}
        self.aggregates: dict[tuple[int, tuple], tuple[weakref.ref, dict[str, Any]]] = {}   # view.aggregate_over
        self.files: dict[str, str] = {}
        self.folders: dict[str, str] = {}
        self.listing: tuple[Any, str] | None = None       # (the rule set's fingerprint, its SHA-256)

    def citation(self, p, lang: str, docs_url: str) -> dict[str, Any]:
        """A provision as every verdict citing it shows it: its citation in three forms, its quoted
        text and the links to EUR-Lex and to the reference docs."""
        key = (id(p), lang, docs_url)
        found = self.citations.get(key)
        if found is None or found[0] is not p:
            found = (p, _citation(p, lang, docs_url))
            self.keep(self.citations, key, found)
        return dict(found[1])

    def kept(self, table: dict, key, make) -> Any:
        """table[key], made by `make()` the first time (values that are not changed: strings, or
        dicts the caller copies)."""
        found = table.get(key)
        if found is None:
            found = make()
            self.keep(table, key, found)
        return found

    def keep(self, table: dict, key, value) -> None:
        if len(table) >= _LIMIT:
            table.clear()
        table[key] = value

    def file(self, rules: RuleSet, name: str) -> str:
        """A file the rules name, as the fingerprint lists it (resolving it asks the file system)."""
        return self.kept(self.files, name, lambda: rules.file_in_rules(name))

    def aggregate(self, step, years: tuple) -> dict[str, Any] | None:
        """What `step` (an aggregate) was computed over, if kept for these data years."""
        found = self.aggregates.get((id(step), years))
        return found[1] if found is not None and found[0]() is step else None

    def keep_aggregate(self, step, years: tuple, over: dict[str, Any]) -> None:
        """Kept while the step lives (the engine keeps the reference key's steps for the rule set's
        life; a check's own steps go with its result): held weakly, the entry leaves with the step."""
        key, table = (id(step), years), self.aggregates

        def gone(_: weakref.ref) -> None:
            table.pop(key, None)

        table[key] = (weakref.ref(step, gone), over)

    def rules_sha256(self, prints) -> str:
        """The SHA-256 over the listing of the rule set's files (a Fingerprint hashes it when asked)."""
        if self.listing is None or self.listing[0] is not prints:
            self.listing = (prints, prints.sha256)
        return self.listing[1]

    def folder(self, rules: RuleSet) -> str:
        """The rules folder as messages show it, relative to the working folder when inside it."""
        return self.kept(self.folders, os.getcwd(), lambda: rules.shown_directory)


_kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def of(rules: RuleSet) -> Fixed:
    """The kept parts of `rules`, made on first use."""
    found = _kept.get(rules)
    if found is None:
        with _lock:
            found = _kept.setdefault(rules, Fixed())
    return found


def _citation(p, lang: str, docs_url: str) -> dict[str, Any]:
    c = p.citation
    return {"id": c.anchor(), "short": c.short(), "full": c.full(), "anchor": c.anchor(),
            "article_title": p.article_title, "text": p.text, "lead_in": p.lead_in, "complete": p.complete,
            "url": links.EUR_LEX, "eur_lex": links.eur_lex_url(c, lang), "docs": links.docs_url(c, docs_url)}
