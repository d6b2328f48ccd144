"""The audit record of a result: what produced it, so that it can be filed as evidence, compared
with another, and checked again (`ammr verify`).

It names the tool and its version, the rule set by the SHA-256 of its files (rules, law text,
reference data, calendar: engine/digest.py), the readings and parameters in force, the reference
data used (dataset, year and why, file and its SHA-256), the holiday calendar and the years it
covers, each input document by its id and the SHA-256 of its content with its path beside it, and
the time of the check (UTC). It is the member `audit` of ammr-check/1, and the footer of the text,
Markdown and HTML reports.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.digest import file_sha256
from ..engine.values import value_text
from . import fixed

if TYPE_CHECKING:                       # the API imports this module: types only, no import at run time
    from ..api import Result, RuleSet
    from ..engine.documents import Document

TOOL = "ammr-rules"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_METADATA = re.compile(r"ammr[-_.]rules(-[^-]+)?\.(dist|egg)-info", re.IGNORECASE)


@lru_cache(maxsize=1)
def tool_version() -> str:
    """The installed version, read once per process (every result names it): from the first
    `ammr_rules-*.dist-info` on sys.path, where importlib.metadata finds it too, else through
    importlib.metadata itself (an egg, a zip), whose import costs about 10 ms of every `ammr check`."""
    found = _dist_info_version()
    if found is not None:
        return found
    from importlib import metadata  # here: see above; only when no dist-info folder holds it
    try:
        return metadata.version(TOOL)
    except metadata.PackageNotFoundError:       # run from a checkout that was never installed
        return "unknown"


def _dist_info_version() -> str | None:
    """The Version in the metadata of the tool's dist-info folder, if that is what importlib.metadata
    would read: the first entry of sys.path holding the tool's metadata holds it as a dist-info
    folder (not an egg-info, which is left to importlib.metadata)."""
    for entry in sys.path:
        try:
            names = sorted(n for n in os.listdir(entry or ".") if _METADATA.fullmatch(n))
        except OSError:                          # not a folder (a zip), or gone
            continue
        if names:
            if not names[0].endswith(".dist-info"):
                return None
            try:
                text = (Path(entry or ".") / names[0] / "METADATA").read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
            version = re.search(r"^Version: *(\S+) *$", text, re.MULTILINE)
            return version.group(1) if version else None
    return None


def document_ids(documents: tuple[Document, ...]) -> dict[str, str]:
    """Each document's id in a result, by its label: its declared id or the hash of its content.
    The same content given twice (two copies of a file) gets "/2", "/3" after the second and later."""
    ids: dict[str, str] = {}
    seen: dict[str, int] = {}
    for d in documents:
        seen[d.id] = seen.get(d.id, 0) + 1
        ids[d.label] = d.id if seen[d.id] == 1 else f"{d.id}/{seen[d.id]}"
    return ids


def audit_record(rules: RuleSet, result: Result, ids: dict[str, str]) -> dict[str, Any]:
    case = result.case
    prints = rules.fingerprint
    kept = fixed.of(rules)
    hashes = dict(prints.files)
    return {
        "tool": {"name": TOOL, "version": tool_version()},
        "checked_at": result.checked_at.strftime(TIME_FORMAT),
        "rules": {"sha256": kept.rules_sha256(prints), "folder": kept.folder(rules),
                  "files": [{"path": path, "sha256": digest} for path, digest in prints.files]},
        "readings": {name: value_text(value) for name, value in sorted(getattr(case, "readings", {}).items())},
        "parameters": _parameters(rules, result),
        "data": [_dataset(rules, result, name, year, hashes) for name, year in case.data_years.items()],
        "calendar": _calendar(rules, hashes),
        "documents": [{"id": ids[d.label], "label": d.label, "path": d.source, "index": d.index,
                       "type": d.type, "sha256": d.sha256} for d in case.documents],
    }


def _parameters(rules: RuleSet, result: Result) -> dict[str, dict[str, Any]]:
    """Every parameter of the rules with the value in force: set for this check, or the rules' default."""
    case = result.case
    defaults = replace(case, parameters={})
    out = {}
    for name, spec in rules.program.values.items():
        if spec.kind != "parameter":
            continue
        given = name in case.parameters
        value = case.parameters[name] if given else rules.value(defaults, name)
        out[name] = {"value": value_text(value), "set": given}
    return out


def _dataset(rules: RuleSet, result: Result, name: str, year: int, hashes: dict[str, str]) -> dict[str, Any]:
    out = {"dataset": name, "year": year, "why": result.case.data_year_reasons.get(name, ""),
           "published": rules.tables[name].dataset_label()}
    if rules.supplied is not None:              # --data: the figures came from the user's file, not the rule set
        path = rules.supplied.path
        return {**out, "file": str(path), "sha256": file_sha256(path), "supplied": True}
    file = fixed.of(rules).file(rules, rules.program.datasets[name].decl.file)
    return {**out, "file": file, "sha256": hashes.get(file, "")}


def _calendar(rules: RuleSet, hashes: dict[str, str]) -> dict[str, Any] | None:
    """The calendar of official holidays: its file, and the years it covers for every Member State."""
    spec = rules.program.calendar
    if spec is None or rules.holidays is None:
        return None
    file = fixed.of(rules).file(rules, spec.decl.file)
    first, last = calendar_years(rules)
    return {"name": spec.name, "file": file, "sha256": hashes.get(file, ""), "first_year": first, "last_year": last}


def calendar_years(rules: RuleSet) -> tuple[int | None, int | None]:
    """The first and the last year for which the calendar has the official holidays of every Member
    State it lists (None, None when it lists none)."""
    return _span(rules.holidays.years if rules.holidays else frozenset())


@lru_cache(maxsize=4)
def _span(covered: frozenset[tuple[str, int]]) -> tuple[int | None, int | None]:
    """Kept per calendar (a frozenset keeps its hash): every result's audit record names the span."""
    years: dict[str, list[int]] = {}
    for geo, year in covered:
        years.setdefault(geo, []).append(year)
    if not years:
        return None, None
    return max(min(y) for y in years.values()), min(max(y) for y in years.values())
