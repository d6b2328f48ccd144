"""The view: a `Result` (and the remedies the engine found) as plain data, for every format.

This is also the JSON output, schema "ammr-check/1", documented in `ammr-check-1.schema.json`
beside this file. Ids are stable so that other systems can store and compare explanations:
an outcome is "<document>#<requirement>[<item>]", a citation is its anchor in the reference
docs ("art-12-6-sent1"), a value is "<kind>:<where>" ("input:<document>:relocations",
"data:population[NL]@2024", "definition:share(NL)"), where <document> is the document's id (its
declared `id:`, else "sha256:" and the start of its content's hash), never the path it was read
from, which is shown beside it as its label. Numbers are exact strings with a unit, never floats.
The audit record (audit.py) says what produced the result.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.outcomes import NOT_APPLICABLE, SEVERITY, Missing, Outcome, Step
from ..language import typesys as T
from . import figures as V
from . import fixed, links
from .audit import audit_record, document_ids
from .dependence import METHOD, Dependence
from .reason import describe, reason
from .remedy import own_path
from .remedy_text import remedy_view

if TYPE_CHECKING:                       # the API imports this module: types only, no import at run time
    from ..api import Result, RuleSet

SCHEMA = "ammr-check/1"


def schema_path() -> Path:
    """The JSON Schema of the JSON output, shipped with the package."""
    return Path(__file__).with_name("ammr-check-1.schema.json")
MARKS = {"compliant": "✔", "non_compliant": "✘", "insufficient_information": "?",
         "needs_assessment": "⚖", "not_applicable": "–"}
# What each verdict means, for the legends of the reports (and the README, the docs home page and
# the JSON Schema, which say the same).
MEANINGS = {
    "compliant": "the condition of the provision holds",
    "non_compliant": "it does not: the reason gives the figures and what would have to change",
    "insufficient_information": "a fact is missing: the reason names it by its place in the document",
    "needs_assessment": "the Regulation leaves the decision to an authority: the reason names it and quotes the words",
    "not_applicable": "the provision does not apply to these documents (its condition of application does not "
                      "hold, or an exception sets it aside); it does not count towards the overall verdict",
}
ORDER = (*SEVERITY, NOT_APPLICABLE)          # failing first
DEFAULT_DOCS = "site"                        # `mkdocs build` writes the reference docs here
_VALUE_KINDS = ("input", "default", "data", "definition", "constant", "parameter")
_MAX_ITEMS = 3                               # items of an aggregate shown among the values used
SET = "set for this check"                   # a parameter given a value for the check (`--set`)


def view(result: Result, rules: RuleSet, traces: bool = False, remedies: dict | None = None,
         docs_url: str = DEFAULT_DOCS, dependence: Dependence | None = None,
         lang: str = links.DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Everything a reader is shown. `remedies` comes from `interpreter.remedy.find`; `docs_url` is
    the root of the built reference docs (a URL, or a path relative to where the report is read);
    `dependence` (report/dependence.py), when given, says of each verdict whether it holds under
    every reading; `lang` the language of the EUR-Lex links (one of links.LANGUAGES)."""
    program = rules.program
    act = program.act
    ctx = _Context(rules, result, docs_url, links.language(lang), dependence)
    documents = [{"id": ctx.ids[d.label], "label": d.label, "type": d.type, "note": d.note}
                 for d in result.case.documents]
    anchors: set[str] = set()
    outcomes = [ctx.outcome(o, (remedies or {}).get((o.document, o.key)), traces, anchors) for o in result.outcomes]
    by_document: dict[str | None, list[dict]] = {}
    for o in outcomes:
        by_document.setdefault(o["document"], []).append(o)
    groups = [{**d, "outcomes": _by_severity(by_document[d["label"]])} for d in documents
              if by_document.get(d["label"])]
    loose = by_document.get(None, [])
    if loose:
        groups.append({"id": "", "label": "(no document)", "type": "", "note": "", "outcomes": _by_severity(loose)})
    return {
        "schema": SCHEMA,
        "act": {"title": act.name if act else "", "eli": act.eli if act else "", "url": act.url if act else "",
                "eur_lex": links.eur_lex_url(lang=ctx.lang)},
        "language": ctx.lang,
        "data_years": {name: ctx.data_year(name, year) for name, year in result.case.data_years.items()},
        **({"parameters": {name: ctx.parameter(name, value) for name, value in result.case.parameters.items()}}
           if result.case.parameters else {}),
        **({"readings": ctx.readings_used()} if program.readings else {}),
        **({"readings_all": _readings_all(dependence, outcomes)} if dependence is not None else {}),
        "overall": result.overall,
        "exit_code": result.exit_code,
        "counts": result.counts(),
        "summary": _summary(outcomes),
        "documents": documents,
        "outcomes": outcomes,
        "audit": audit_record(rules, result, ctx.ids),
        "groups": groups,
    }


def readings_used(program, chosen: dict[str, str]) -> list[dict[str, Any]]:
    """Every reading a check can switch, with the value used and whether it was set for this check."""
    out = []
    for name, r in program.readings.items():
        if not r.switchable:
            continue
        value = chosen.get(name, r.default)
        out.append({"name": name, "value": value, "default": r.default,
                    "chosen": SET if name in chosen else "default", "description": r.describe(value),
                    "question": r.question,
                    "alternatives": [a.name for a in r.alternatives if a.encoded],
                    "citations": [p.citation.short() for p in r.citations if p is not None]})
    return out


def _readings_all(dependence: Dependence, outcomes: list[dict]) -> dict[str, Any]:
    depending = [o for o in outcomes if not o["readings"]["holds"]]
    holding = [o for o in outcomes if o["readings"]["holds"] and o["verdict"] != NOT_APPLICABLE]
    return {"method": METHOD,
            "evaluated": [{"reading": r, "value": v} for r, v in dependence.evaluated],
            "skipped": [{"reading": r, "value": v, "why": why} for r, v, why in dependence.skipped],
            "holding": len(holding), "depending": [_ref(o) for o in depending]}


def outcome_id_of(o: Outcome, ids: dict[str, str]) -> str:
    """'<document id>#<requirement>[<item>]' (`ids`: document_ids of the case)."""
    return f"{ids.get(o.document, o.document)}#{o.key}" if o.document else o.key


def checked(o: dict[str, Any]) -> str:
    """What was checked and found, in one sentence: the requirement's title, the provision in full
    form (its text is quoted beside), and the verdict in words."""
    what = f"\u201c{o['title']}\u201d" + (f" for {o['instance']}" if o["instance"] else "")
    where = f" ({o['citations'][0]['full']})" if o["citations"] else ""
    verdict = o["verdict"]
    if verdict == "compliant":
        return f"Compliant with {what}{where}."
    if verdict == "non_compliant":
        return f"Not compliant with {what}{where}."
    if verdict == "insufficient_information":
        return f"Compliance with {what}{where} cannot be established: information is missing."
    if verdict == "needs_assessment":
        who = o["assessment"]["authority"]["name"] if o["assessment"] else "an authority"
        return f"Compliance with {what}{where} is for {who} to assess."
    return f"{what}{where} does not apply here."


def _by_severity(outcomes: list[dict]) -> list[dict]:
    return sorted(outcomes, key=lambda o: ORDER.index(o["verdict"]))


def _summary(outcomes: list[dict]) -> dict[str, Any]:
    """The top of every report: findings failing first, each missing field with the requirements that
    need it, and who is to assess what."""
    findings = [_ref(o) for o in _by_severity([o for o in outcomes if o["verdict"] != NOT_APPLICABLE])]
    missing: dict[str, dict] = {}
    for o in outcomes:
        for m in o["missing_fields"]:
            entry = missing.setdefault(m["text"], {**m, "needed_by": []})
            entry["needed_by"].append(_ref(o))
    assessments: dict[str, dict] = {}
    for o in outcomes:
        if o["verdict"] == "needs_assessment" and o["assessment"]:
            who = o["assessment"]["authority"]
            assessments.setdefault(who["id"], {"authority": who, "outcomes": []})["outcomes"].append(_ref(o))
    return {"findings": findings, "missing": list(missing.values()), "assessments": list(assessments.values())}


def _ref(o: dict) -> dict[str, Any]:
    return {"outcome": o["outcome_id"], "anchor": o["anchor"], "requirement": o["id"], "key": o["key"],
            "title": o["title"],
            "verdict": o["verdict"], "document": o["document"], "instance": o["instance"],
            "citation": o["citations"][0]["short"] if o["citations"] else "", "reason": o["reason"],
            "remedy": o["remedy"]["summary"] if o["remedy"] else None}


class _Context:
    """What the parts of the view need to know about the rules and the case."""

    def __init__(self, rules: RuleSet, result: Result, docs_url: str, lang: str, dependence: Dependence | None = None):
        self.rules = rules
        self.lang = lang
        self.dependence = dependence
        self.program = rules.program
        self.labels = [d.label for d in result.case.documents]
        self.order = {label: i for i, label in reversed(list(enumerate(self.labels)))}
        self.ids = document_ids(result.case.documents)       # label -> the id results use
        self.types = {d.label: d.type for d in result.case.documents}
        self.case = result.case
        self.years = result.case.data_years
        self.year_reasons = result.case.data_year_reasons
        self.docs_url = docs_url
        self.authorities = {name: a.description for name, a in self.program.authorities.items()}
        self.sources = {f.path: f.source for f in self.program.files}
        # The sources of an aggregate, by the step's id (with the step, kept alive): the reference key's
        # sums over every Member State are the same steps under every verdict, walked once per case.
        self.aggregates: dict[int, tuple[Step, dict[str, Any]]] = {}
        self.fixed = fixed.of(rules)          # what depends on the rule set alone, kept across checks

    # ---------------------------------------------------------------- outcomes
    def outcome(self, o: Outcome, found, traces: bool, anchors: set[str]) -> dict[str, Any]:
        outcome_id = outcome_id_of(o, self.ids)
        relied_on: list[tuple[dict, str]] = []
        values = self.values(o.condition, relied_on)
        out = {
            "outcome_id": outcome_id,
            "anchor": _anchor(outcome_id, anchors),
            "id": o.requirement,
            "key": o.key,
            "title": o.title,
            "verdict": o.verdict,
            "mark": MARKS.get(o.verdict, ""),
            "document": o.document,
            "document_type": o.document_type,
            "instance": o.instance,
            "citations": [self.citation(p) for p in o.citations if p is not None],
            "reason": reason(o, self.authorities),
            "remedy": remedy_view(found) if o.verdict == "non_compliant" else None,
            "missing": list(o.missing),
            "missing_fields": [self.missing(m) for m in o.missing] if o.verdict == "insufficient_information" else [],
            "authority": {"id": o.authority,
                          "name": self.authorities.get(o.authority, o.authority)} if o.authority else None,
            "quote": o.quote,
            "assessment": self.assessment(o),
            "decided_by": o.decided_by,
            "interpretations": list(o.interpretations),
            "notes": self.notes(o, relied_on),
            "exceptions": [self.exception(x) for x in o.exceptions],
            "values": values,
            "rule": {"file": o.span.file, "line": o.span.line, **self.rule_text(o.requirement)},
        }
        out["checked"] = checked(out)
        if self.dependence is not None:
            changes = self.dependence.of(o.document, o.key)
            out["readings"] = {"holds": not changes,
                               "depends": [{"reading": c.reading, "value": c.value, "verdict": c.verdict,
                                            "reason": c.reason} for c in changes]}
        if traces:
            out["trace"] = _step(o.condition) if o.condition is not None else None
        return out

    def citation(self, p) -> dict[str, Any]:
        return self.fixed.citation(p, self.lang, self.docs_url)

    def readings_used(self) -> list[dict[str, Any]]:
        chosen = self.case.readings
        kept = self.fixed.kept(self.fixed.readings, tuple(sorted(chosen.items())),
                               lambda: readings_used(self.program, chosen))
        return [{**r, "alternatives": list(r["alternatives"]), "citations": list(r["citations"])} for r in kept]

    def rule_text(self, name: str) -> dict[str, str]:
        """The requirement's conditions as the rule file writes them (kept: spread into a new dict)."""
        return self.fixed.kept(self.fixed.rule_texts, name, lambda: self.written(name))

    def written(self, name: str) -> dict[str, str]:
        """The requirement's conditions as the rule file writes them: `when` (whether it applies)
        and `requires` (what it requires), each on one line; empty when the rule has none."""
        spec = self.program.requirement(name)
        if spec is None:
            return {"when": "", "requires": ""}
        source = self.sources.get(spec.decl.span.file, "")
        written = lambda e: " ".join(source[e.span.start:e.span.end].split()) if e is not None else ""  # noqa: E731
        return {"when": written(spec.decl.when), "requires": written(spec.decl.requires)}

    def assessment(self, o: Outcome) -> dict[str, Any] | None:
        if o.verdict != "needs_assessment" or not o.authority:
            return None
        provisions = [p for p in o.citations if p is not None]
        return {"authority": {"id": o.authority, "name": self.authorities.get(o.authority, o.authority)},
                "quote": o.quote, "citation": self.citation(provisions[0]) if provisions else None}

    def exception(self, x) -> dict[str, Any]:
        status = "applied" if x.applied else ("not known" if x.applied is None else "does not apply")
        why = describe(x.step) if x.step is not None else "it has no condition: it always applies"
        return {"id": x.name, "title": x.title, "priority": x.priority, "applied": x.applied, "status": status,
                "outcome": x.outcome, "why": why, "citations": [self.citation(p) for p in x.citations if p is not None],
                "values": self.values(x.step)}

    def missing(self, text: str) -> dict[str, Any]:
        """"doc.yaml: pledges (not disclosed in the document)" -> document, field, undisclosed."""
        undisclosed = text.endswith("(not disclosed in the document)")
        for label in self.labels_in(text):
            path = own_path(text, label)
            if path is not None:
                return {"text": text, "document": label, "field": path, "undisclosed": undisclosed}
        head, _, detail = text.partition(": ")
        return {"text": text, "document": None, "field": head if detail else text, "undisclosed": undisclosed}

    def labels_in(self, text: str) -> list[str]:
        """The labels of the case's documents that `text` starts with ("<label>: <field>"), in the
        case's order: found by the text's own prefixes, not by trying every document of the case."""
        found, at = [], text.find(": ")
        while at >= 0:
            if text[:at] in self.order:
                found.append(text[:at])
            at = text.find(": ", at + 1)
        return sorted(found, key=self.order.__getitem__)

    def notes(self, o: Outcome, relied_on: list[tuple[dict, str]]) -> list[dict[str, Any]]:
        """Every interpretation the verdict relies on: the requirement's (and a deciding exception's),
        then those of the definitions and data it used (`relied_on`: value, note)."""
        out, seen = [], set()
        for text in o.interpretations:
            if text not in seen:
                seen.add(text)
                out.append({"text": text, "on": o.requirement, "kind": "requirement"})
        for v, text in relied_on:
            if text not in seen:
                seen.add(text)
                name = re.split(r"[(\[]", v["label"], maxsplit=1)[0]
                out.append({"text": text, "on": name, "kind": "dataset" if v["kind"] == "data" else v["kind"]})
        return out

    # ---------------------------------------------------------------- values
    def values(self, step: Step | None, relied_on: list | None = None) -> list[dict[str, Any]]:
        """The values a verdict used, each once, in the order the trace met them: fields of the
        documents, Eurostat figures, definitions and constants of the rules, with their sources.
        The interpretation notes they carry are added to `relied_on` as (value, note)."""
        found: dict[str, dict] = {}

        def visit(s: Step) -> None:
            if s.kind in _VALUE_KINDS or (s.kind == "aggregate" and s.type != T.BOOL):
                entry = self.value(s)
                if entry["id"] in found:
                    return
                found[entry["id"]] = entry
                if relied_on is not None:
                    relied_on.extend((entry, text) for text in (*s.interpretations, *self.dataset_notes(s)))
            for child in _shown_children(s):
                visit(child)

        if step is not None:
            visit(step)
        return list(found.values())

    def value(self, s: Step) -> dict[str, Any]:
        source = self.source(s)
        where = source.pop("where", "") or s.label
        source.pop("basis", None)
        shown = V.show(s.value, s.type)
        return {"id": f"{s.kind}:{where}", "kind": s.kind, "label": s.label,
                "description": source.pop("description", ""), "value": V.json_value(s.value, s.type, shown),
                "shown": shown, "exact": V.exact(s.value, s.type, shown), "source": source,
                "citations": [p.citation.short() for p in s.citations if p is not None]}

    def source(self, s: Step) -> dict[str, Any]:
        """Where a value came from, in words and as data."""
        if s.kind in ("input", "default"):
            for label in self.labels_in(s.source):
                path = own_path(s.source, label)
                if path is not None:
                    description = self.field_description(label, path)
                    if s.kind == "default":
                        rule = s.source.rsplit(" default of the rules at ", 1)[-1]
                        return {"kind": "default", "document": label, "path": path, "rule": rule,
                                "where": f"{self.ids[label]}:{path}", "description": description,
                                "text": f"not stated in {label} ({path}): the rules' default ({rule})",
                                "basis": f"{label}: {_each(path)} or the rules' default"}
                    return {"kind": "document", "document": label, "path": path, "where": f"{self.ids[label]}:{path}",
                            "description": description, "text": f"{label}: {path}", "basis": f"{label}: {_each(path)}"}
            return {"kind": "document", "text": s.source, "basis": s.source}
        if s.kind == "data":
            return self.data_source(s)
        if s.kind == "aggregate":
            if id(s) not in self.aggregates:
                self.aggregates[id(s)] = (s, self.aggregate_over(s))
            return dict(self.aggregates[id(s)][1])
        rule = f"{s.span.file}:{s.span.line}" if s.span.line else ""
        if s.kind == "parameter" and s.source:
            return {"kind": "case", "rule": rule, "text": f"{SET}, instead of the default of the rules ({rule})"}
        if s.source:
            return {"kind": "case", "rule": rule, "text": s.source}
        return {"kind": "rules", "rule": rule, "text": f"{s.kind} in {rule}" if rule else s.kind}

    def aggregate_over(self, s: Step) -> dict[str, Any]:
        """`aggregate_source`, kept per rule set when the aggregate reads reference data alone: the
        reference key's sums over every Member State are the same steps in every check (the engine
        keeps them), and what they were computed over depends then only on the data years."""
        years = tuple(self.years.items())
        kept = self.fixed.aggregate(s, years)
        if kept is not None:
            return kept
        found, data_only = self.aggregate_source(s)
        if data_only:
            self.fixed.keep_aggregate(s, years, found)
        return found

    def aggregate_source(self, s: Step) -> tuple[dict[str, Any], bool]:
        """What an aggregate was computed over: its items, and the sources of the figures in them;
        and whether those are all reference data (no document's field)."""
        read = [d for d in _walk(s) if d.kind in ("data", "input", "default")]
        parts = sorted({self.source(d)["basis"] for d in read})
        more = f"; and {len(parts) - _MAX_ITEMS} more" if len(parts) > _MAX_ITEMS else ""
        shown = "; ".join(parts[:_MAX_ITEMS]) + more
        items = sum(1 for c in s.children if c.kind == "item")
        text = f"over {items} item{'s' if items != 1 else ''}" + (f", each from {shown}" if shown else "")
        return {"kind": "aggregate", "text": text, "basis": text}, all(d.kind == "data" for d in read)

    def data_source(self, s: Step) -> dict[str, Any]:
        """Where a figure of a dataset came from (a copy of what is kept per label and year)."""
        name = s.label.partition("[")[0]
        year = self.years.get(name)
        return dict(self.fixed.kept(self.fixed.data_sources, (s.label, year), lambda: self.dataset_source(s, year)))

    def dataset_source(self, s: Step, year: int | None) -> dict[str, Any]:
        name, _, key = s.label.partition("[")
        key = key.rstrip("]")
        spec = self.program.datasets.get(name)
        table = self.rules.tables.get(name)
        figure = table.get(key, year) if table is not None and year is not None else None
        described = spec.decl.description if spec else name
        said = "; ".join(n.text for n in spec.decl.meta.sources) if spec else ""
        if self.rules.supplied is not None:
            said = f"{figure.dataset if figure else name}, supplied: {self.rules.supplied.describe()}"
        text = f"{described}, {year}: {said or (figure.dataset if figure else name)}"
        out = {"kind": "dataset", "dataset": name, "key": key, "year": year, "where": f"{s.label}@{year}",
               "description": described, "text": text, "basis": text}
        if figure is not None:
            out.update({"published": figure.published, "unit": figure.unit, "url": figure.source_url})
            out["text"] = f"{text}; published as {figure.published} ({figure.unit})"
        return out

    def dataset_notes(self, s: Step) -> list[str]:
        if s.kind != "data":
            return []
        spec = self.program.datasets.get(s.label.partition("[")[0])
        return [n.text for n in spec.decl.meta.interpretations] if spec else []

    def data_year(self, name: str, year: int) -> dict[str, Any]:
        spec = self.program.datasets.get(name)
        supplied = self.rules.supplied
        source = f"supplied: {supplied.describe()}" if supplied is not None \
            else "; ".join(n.text for n in spec.decl.meta.sources) if spec else ""
        return {"year": year, "why": self.year_reasons.get(name, ""),
                "dataset": self.rules.tables[name].dataset_label(),
                "description": spec.decl.description if spec else "", "source": source}

    def parameter(self, name: str, value: Any) -> dict[str, Any]:
        """A parameter of the rules set for this check (`--set`), with the default it replaces."""
        spec = self.program.values[name]
        default = self.rules.value(replace(self.case, parameters={}), name)
        return {"value": V.json_value(value, spec.type), "shown": V.show(value, spec.type),
                "default": V.show(default, spec.type), "why": SET,
                "rule": f"{spec.decl.span.file}:{spec.decl.span.line}",
                "citations": [p.citation.short() for p in spec.citations if p is not None]}

    def field_description(self, label: str, path: str) -> str:
        """The description the rules give a document's field, found by walking the path (once per
        document type and path)."""
        key = (self.types.get(label, ""), path)
        return self.fixed.kept(self.fixed.descriptions, key, lambda: self.described(*key))

    def described(self, type_name: str, path: str) -> str:
        struct = self.program.structs.get(type_name)
        description = ""
        for name in re.findall(r"[A-Za-z_]\w*", re.sub(r"\[[^\]]*\]", "", path)):
            spec = struct.fields.get(name) if struct else None
            if spec is None:
                return description
            description = spec.decl.description
            inner: Any = spec.type
            while hasattr(inner, "value") or hasattr(inner, "item"):
                inner = getattr(inner, "value", None) or inner.item
            struct = self.program.structs.get(getattr(inner, "name", ""))
        return description


def _shown_children(s: Step) -> list[Step]:
    """Which parts of a step the values list goes into: not the items of a long aggregate (its
    sources are summarised on it), and, of a yes/no aggregate, only the items that decided."""
    if s.kind == "aggregate":
        items = [c for c in s.children if c.kind == "item"]
        if isinstance(s.value, bool):
            return [c for c in items if c.value is s.value or isinstance(c.value, Missing)][:_MAX_ITEMS] \
                if s.value is False or isinstance(s.value, Missing) else []
        return items if len(items) <= _MAX_ITEMS else []
    return [c for c in s.children if c.kind != "operand"]


def _each(path: str) -> str:
    """A field path with its item keys left open: "pledges[DE].relocations" -> "pledges[…].relocations"."""
    return re.sub(r"\[[^\]]*\]", "[…]", path)


def _walk(step: Step):
    yield step
    for c in step.children:
        yield from _walk(c)


def _anchor(outcome_id: str, taken: set[str]) -> str:
    """An HTML id for an outcome, unique in the report and the same on every run."""
    base = "o-" + (re.sub(r"[^a-z0-9]+", "-", outcome_id.lower()).strip("-") or "outcome")
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def _step(step: Step) -> dict[str, Any]:
    return {
        "kind": step.kind, "label": step.label, "value": V.json_value(step.value, step.type),
        "shown": V.show(step.value, step.type), "exact": V.exact(step.value, step.type), "type": str(step.type),
        "detail": step.detail, "source": step.source,
        "rule": {"file": step.span.file, "line": step.span.line} if step.span.line else None,
        "citations": [p.citation.short() for p in step.citations if p is not None],
        "interpretations": list(step.interpretations),
        "children": [_step(c) for c in step.children],
    }
