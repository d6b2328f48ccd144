"""Scenario tests for the rules: facts -> expected verdict, citation and values.

A scenario file (YAML, under tests/scenarios/) lists scenarios; each gives the
documents of a case, optionally the data years, and what must come out:

    scenarios:
      - name: 29 999 relocations fall one short
        documents:
          - document: CommissionProposal
            relocations: 29999
        expect:
          - requirement: proposal_minimum_relocations
            verdict: non_compliant
            cites: Art 12(2)(a)
            reason: 1 person short            # optional: words the reason must contain
        values:
          - of: share(DE)                     # a definition applied to member states
            equals: 2169/10000                # exact (a fraction or a decimal), or:
            shown: 21.6904 %                  # as displayed

The pytest suite and `ammr test` both run them through `run()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from . import types as T
from .api import Result, RuleSet
from .diagnostics import Failed
from .law import CitationSyntaxError, UnresolvedCitation
from .trace import Missing


@dataclass(frozen=True)
class Scenario:
    file: str
    name: str
    documents: tuple[dict, ...]
    expect: tuple[dict, ...]
    values: tuple[dict, ...] = ()
    data_years: dict[str, int] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)      # e.g. {date_of_application: 2026-06-12}

    @property
    def id(self) -> str:
        return f"{Path(self.file).stem}::{self.name}"


def load(path: str | Path) -> list[Scenario]:
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for entry in data.get("scenarios", []):
        out.append(Scenario(str(path), entry["name"], tuple(entry.get("documents", ())),
                            tuple(entry.get("expect", ())), tuple(entry.get("values", ())),
                            dict(entry.get("data_years") or {}), dict(entry.get("parameters") or {})))
    return out


def discover(directory: str | Path) -> list[Scenario]:
    return [s for p in sorted(Path(directory).rglob("*.yaml")) for s in load(p)]


def run(rules: RuleSet, scenario: Scenario, engine: str = "reference") -> tuple[Result | None, list[str]]:
    """Evaluate a scenario with the named engine. Returns the result and the list of
    mismatches (empty: it passed)."""
    try:
        documents = [rules.document(d, f"{scenario.id}#{i + 1}") for i, d in enumerate(scenario.documents)]
        case = rules.case(documents, scenario.data_years, scenario.parameters)
    except Failed as failure:
        return None, [f"the scenario's documents are invalid:\n{failure.render()}"]
    result = rules.evaluate(case, engine=engine)
    problems: list[str] = []
    for expectation in scenario.expect:
        problems.extend(_check_outcome(rules, result, expectation))
    for expectation in scenario.values:
        problems.extend(_check_value(rules, case, expectation))
    return result, problems


def _check_outcome(rules: RuleSet, result: Result, e: dict) -> list[str]:
    name, instance = e["requirement"], e.get("instance")
    if rules.program.requirement(name) is None:
        return [f"no requirement '{name}' in the rules"]
    matches = [o for o in result.outcomes if o.requirement == name and (instance is None or o.instance == str(instance))]
    if not matches:
        return [f"{name}{f'[{instance}]' if instance else ''}: no verdict at all"]
    if len(matches) > 1 and instance is None:
        return [f"{name}: {len(matches)} verdicts ({', '.join(o.key for o in matches)}); say which with 'instance:'"]
    o = matches[0]
    problems = []
    if o.verdict != e["verdict"]:
        from .explain.reason import reason
        problems.append(f"{o.key}: expected {e['verdict']}, got {o.verdict} ({reason(o)})")
    if "cites" in e:
        try:
            wanted = rules.program.law.resolve(e["cites"]).citation
        except (CitationSyntaxError, UnresolvedCitation) as error:
            return problems + [f"{o.key}: the expected citation '{e['cites']}' does not resolve: {error.message}"]
        got = [p.citation for p in o.citations if p is not None]
        if not any(_within(c, wanted) for c in got):
            problems.append(f"{o.key}: expected a citation of {wanted.short()}, got {', '.join(c.short() for c in got)}")
    if "reason" in e:
        from .explain.reason import reason
        text = reason(o)
        if str(e["reason"]) not in text:
            problems.append(f"{o.key}: the reason should mention '{e['reason']}' but reads: {text}")
    for part in e.get("missing", ()):
        if not any(str(part) in m for m in o.missing):
            problems.append(f"{o.key}: '{part}' should be listed as missing; missing: {list(o.missing)}")
    if "authority" in e and o.authority != e["authority"]:
        problems.append(f"{o.key}: expected assessment by {e['authority']}, got {o.authority}")
    if "decided_by" in e and o.decided_by != e["decided_by"]:
        problems.append(f"{o.key}: expected the exception {e['decided_by']} to decide, got {o.decided_by}")
    return problems


def _within(got, wanted) -> bool:
    """Whether citation `got` is `wanted` or lies inside it (Art 57(1), first sentence is in Art 57(1))."""
    if (got.article, got.annex) != (wanted.article, wanted.annex):
        return False
    for part in ("paragraph", "subparagraph", "sentence"):
        if getattr(wanted, part) is not None and getattr(got, part) != getattr(wanted, part):
            return False
    return got.points[:len(wanted.points)] == wanted.points


_CALL = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*$")


def value_name(e: dict) -> str:
    """The definition a `values:` entry tests ("share" for `of: share(DE)`)."""
    match = _CALL.match(str(e.get("of", "")))
    return match.group(1) if match else ""


def _check_value(rules: RuleSet, case, e: dict) -> list[str]:
    match = _CALL.match(str(e["of"]))
    program = rules.program
    if not match or match.group(1) not in program.values:
        return [f"values: cannot read '{e['of']}' as a definition applied to arguments"]
    spec = program.values[match.group(1)]
    args = [a.strip() for a in (match.group(2) or "").split(",") if a.strip()]
    if len(args) != len(spec.params):
        return [f"values: {spec.name} takes {len(spec.params)} argument(s)"]
    try:
        values = tuple(_argument(case, a, t) for a, (_, t) in zip(args, spec.params))
    except (LookupError, ValueError) as error:
        return [f"values: {error}"]
    value = rules.value(case, spec.name, values)
    problems = []
    if "equals" in e:
        if isinstance(value, (date, bool)) or spec.type in (T.DATE, T.BOOL):
            if value != e["equals"]:
                problems.append(f"{e['of']} = {value}, expected {e['equals']}")
        elif isinstance(value, Missing) or Fraction(value) != _exact(e["equals"]):
            problems.append(f"{e['of']} = {value}, expected exactly {_exact(e['equals'])}")
    if "shown" in e:
        from .explain.values import show
        shown = show(value, spec.type)
        if shown != str(e["shown"]):
            problems.append(f"{e['of']} is shown as '{shown}', expected '{e['shown']}'")
    if "missing" in e and not (isinstance(value, Missing) and any(str(e["missing"]) in p for p in value.paths)):
        problems.append(f"{e['of']} should be missing '{e['missing']}', got {value}")
    return problems


def _argument(case, text: str, t: T.Type) -> Any:
    """A member state code, or a document part written `Type.field.sub[KEY]`."""
    if t == T.MEMBER_STATE:
        return text
    if t == T.DATE:
        return date.fromisoformat(text)
    if isinstance(t, T.Quantity):
        return _exact(text)
    type_name, _, path = text.partition(".")
    documents = [d for d in case.documents if d.type == type_name]
    if len(documents) != 1:
        raise LookupError(f"'{text}': need exactly one {type_name} document")
    value: Any = documents[0].record
    for part in re.findall(r"[A-Za-z_]\w*|\[[A-Z]{2}\]", path):
        value = value[part[1:-1]] if part.startswith("[") else value.fields[part]
    return value


def _exact(value: Any) -> Fraction:
    if isinstance(value, float):
        raise ValueError("write expected values as exact numbers or strings, not floats")
    return Fraction(str(value).replace(" ", ""))
