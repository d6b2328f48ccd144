"""The rule set, prepared once per server process, and what the portal asks of it: check
documents, check a pledge against its year's cycle, and the pool of a year.

Everything goes through the public API of `interpreter` (RuleSet, explain, render), so a result
here is byte for byte what `ammr check --format json` prints for the same documents under the
same names."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from interpreter import Diagnostic, Failed, RuleSet, explain
from interpreter.engine.documents import Document
from interpreter.report.audit import tool_version
from interpreter.report.render import render_json_utf8  # render(data, "json"), encoded: what is sent

from .store import Refused, canonical

PLEDGE = "MemberStatePledge"
_KEPT = 256                  # cycle documents kept read: a few per year; a bound all the same
SEVERITY = ("non_compliant", "insufficient_information", "needs_assessment", "compliant")   # worst first


@dataclass(frozen=True)
class Checked:
    """One check: the ammr-check/1 document, as data and as the exact JSON text in UTF-8 (what is
    sent: the text is made as bytes, never as str in between), and its hash."""
    data: dict[str, Any]
    body: bytes
    overall: str
    exit_code: int

    @property
    def text(self) -> str:
        """The JSON text, as stored with a submitted pledge."""
        return self.body.decode()

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def outcomes_of(self, label: str) -> list[dict[str, Any]]:
        """The applicable verdicts on one document of the case, failing first."""
        mine = [o for o in self.data["outcomes"] if o["document"] == label and o["verdict"] in SEVERITY]
        return sorted(mine, key=lambda o: SEVERITY.index(o["verdict"]))

    def overall_of(self, label: str) -> str:
        """The worst verdict on one document: a pledge's own verdict, whatever the verdicts on the
        cycle's documents it was checked with (a late Commission proposal is not the pledge's fault)."""
        mine = self.outcomes_of(label)
        return mine[0]["verdict"] if mine else "compliant"


@dataclass(frozen=True)
class Kept:
    """A document of a year's cycle as the portal keeps it: its name in a check, its type, the
    SHA-256 of its stored text, and how to read its data. A stored version never changes, so the
    checker reads and validates it once (by name and hash) and reuses it in every check after."""
    name: str
    type: str
    sha256: str
    load: Callable[[], Any]

    @classmethod
    def given(cls, name: str, data: Any) -> Kept:
        """A document given as data (an example being loaded, a test)."""
        return cls(name, str(data.get("document")) if isinstance(data, dict) else "",
                   hashlib.sha256(canonical(data).encode()).hexdigest(), lambda: data)


def pledge_label(member_state: str, pool_year: int) -> str:
    return f"pledges/{member_state}-{pool_year}.json"


def cycle_label(pool_year: int, type_name: str, version: int) -> str:
    return f"cycle/{pool_year}/{type_name}-v{version}.json"


class PortalChecker:
    def __init__(self, rules_dir: str | None = None, docs_url: str | None = None):
        self.rules = RuleSet.prepare(Path(rules_dir) if rules_dir else None)
        # the hashes of the rule set's files, taken now: every result's audit record names the
        # rules as they were when the server started, not as they may be edited while it runs
        self.rules_sha256 = self.rules.fingerprint.sha256
        self.docs_url = docs_url
        self._pools: OrderedDict[tuple, Checked] = OrderedDict()
        self._kept: dict[tuple[str, str], Document] = {}      # (name, sha256): the cycle's documents, read
        self._lock = threading.Lock()

    # ------------------------------------------------------------ the rule set
    @cached_property
    def identity(self) -> dict[str, Any]:
        program = self.rules.program
        return {"tool": "ammr-rules", "version": tool_version(),
                "rules_sha256": self.rules_sha256,      # as in the audit record of every result
                "readings": readings(self.rules), "document_types": list(program.documents),
                "requirements": len(program.requirements), "member_states": list(program.participating)}

    def document_types(self) -> dict[str, str]:
        return {name: spec.decl.description for name, spec in self.rules.program.documents.items()}

    def schema(self, type_name: str) -> dict | None:
        return self.rules.schema(type_name) if type_name in self.rules.program.documents else None

    @cached_property
    def coverage(self) -> dict[str, Any]:
        """The coverage map of the rules by paragraph (the scenario tests are not run by the portal)."""
        from interpreter.report import coverage as module  # only the rule-set page needs it
        entries = module.coverage_map(self.rules, [])
        return {"schema": "ammr-coverage/1", "summary": module.summary(entries),
                "scenarios": "not run by the portal: `ammr coverage` adds the passing scenarios of each rule",
                "entries": [{k: v for k, v in e.to_json().items() if k not in ("scenarios", "failing")}
                            for e in entries]}

    # ------------------------------------------------------------ checks
    def read(self, named: list[tuple[str, Any]], kept: Iterable[Kept] = ()) -> list[Document]:
        """Validate each (name, parsed document), then take each kept document (validated once);
        every problem of every document at once."""
        documents: list[Document] = []
        problems: list[Diagnostic] = []
        for name, data in named:
            try:
                documents.append(self.rules.document(data, name))
            except Failed as failure:
                problems.extend(failure.diagnostics)
        for stored in kept:
            try:
                documents.append(self.kept_document(stored))
            except Failed as failure:
                problems.extend(failure.diagnostics)
        if problems:
            raise Failed(problems)
        return documents

    def kept_document(self, stored: Kept) -> Document:
        key = (stored.name, stored.sha256)
        found = self._kept.get(key)
        if found is None:
            found = self.rules.document(stored.load(), stored.name)
            if len(self._kept) >= _KEPT:
                self._kept.clear()
            self._kept[key] = found
        return found

    def check(self, named: list[tuple[str, Any]], data_years: dict[str, int] | None = None,
              pool: bool = True, kept: Iterable[Kept] = ()) -> Checked:
        documents = self.read(named, kept)
        years = dict(data_years or {})
        datasets = getattr(self.rules, "tables", None) or {}       # the reference data, by dataset name
        unknown = [name for name in years if datasets and name not in datasets]
        if unknown:
            raise Refused(422, f"data_years: no dataset '{unknown[0]}'; datasets: {', '.join(datasets)}")
        result = self.rules.evaluate(self.rules.case(documents, years or None))
        data = explain(self.rules, result, docs_url=self.docs_url, pool=pool)
        return Checked(data, render_json_utf8(data), result.overall, result.exit_code)

    @cached_property
    def pledge_uses(self) -> frozenset[str] | None:
        return documents_used(self.rules, PLEDGE)

    def pledge_check(self, pledge: dict, cycle: Iterable[Kept], pool: bool = True) -> Checked:
        """A pledge checked as it is submitted: with the documents of its year's cycle that the
        requirements on a pledge read (the Commission proposal, the High-Level Forum)."""
        member_state, pool_year = pledge.get("member_state"), pledge.get("pool_year")
        used = [c for c in cycle if self.pledge_uses is None or c.type in self.pledge_uses]
        return self.check([(pledge_label(str(member_state), _year(pool_year)), pledge)], pool=pool, kept=used)

    def pool(self, cycle: list[tuple[str, Any]], pledges: list[tuple[str, Any]], key: tuple) -> Checked:
        """The year's cycle documents with every Member State's latest pledge; kept while the
        stored versions (`key`) are the same."""
        with self._lock:
            if key in self._pools:
                self._pools.move_to_end(key)
                return self._pools[key]
        checked = self.check([*cycle, *pledges])
        with self._lock:
            self._pools[key] = checked
            while len(self._pools) > 8:
                self._pools.popitem(last=False)
        return checked


def _year(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def documents_used(rules: RuleSet, type_name: str) -> frozenset[str] | None:
    """The document types that the requirements on a document of `type_name`, and their
    exceptions, read beside it (`for pledge: MemberStatePledge` / `using proposal:
    CommissionProposal`), as the rules declare them. None if the rule set does not say: then a
    check takes every document of the cycle, which gives the same verdicts, more slowly."""
    try:
        found: set[str] = set()
        for requirement in rules.program.requirements:
            if any(t.name == type_name for _, t in requirement.subjects):
                found |= {t.name for _, t in requirement.using}
                found |= {t.name for x in requirement.exceptions for _, t in x.using}
        return frozenset(found)
    except AttributeError:
        return None


def readings(rules: RuleSet) -> dict[str, Any] | None:
    """The readings in force: every reading of the rules a check can choose, with the value the
    portal checks with (their defaults: the portal chooses none). None for a rule set without them."""
    found = getattr(rules, "readings", None)
    if found is None:
        return None
    return json.loads(json.dumps(found, default=str))


