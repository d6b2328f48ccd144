"""The pages that are not articles: home, reference key, coverage, interpretations,
language and CLI references, document schemas; and the MkDocs configuration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...engine.reference_data import Figure
from ...language import typesys as T
from ...language.law import Citation
from ...language.library import FUNCTIONS
from ...report import figures as V
from ...report import links
from ...report.coverage import summary
from ...report.interpretations import interpretation_register, reading_register
from ...report.view import MEANINGS
from .model import Site
from .render import template

GRAMMAR = Path(__file__).resolve().parent.parent.parent / "language" / "grammar.lark"
CSS = Path(__file__).with_name("ammr.css")


def render_all(site: Site, cli_reference: dict[str, Any]) -> dict[str, str]:
    return {
        "index.md": template("index.md.j2").render(site=site, counts=_counts(site), verdicts=MEANINGS),
        "reference-key.md": _reference_key(site),
        "coverage.md": _coverage(site),
        "interpretations.md": _interpretations(site),
        "language.md": template("language.md.j2").render(grammar=GRAMMAR.read_text(encoding="utf-8"),
                                                          functions=FUNCTIONS.values()),
        "cli.md": template("cli.md.j2").render(commands=cli_reference["commands"], main=cli_reference["main"]),
        "schemas.md": _schemas(site),
        "assets/ammr.css": CSS.read_text(encoding="utf-8"),
    }


def mkdocs_config(site: Site) -> str:
    groups: dict[str, list] = {}
    for doc in site.articles:
        key = doc.part + (f" · {doc.chapter}" if doc.chapter else "")
        groups.setdefault(key, []).append(doc)
    return template("mkdocs.yml.j2").render(groups=groups)


def _counts(site: Site) -> dict[str, int]:
    program = site.rules.program
    return {"articles": len(site.articles), "requirements": len(program.requirements),
            "exceptions": len(program.exceptions), "scenarios": site.scenario_count,
            "interpretations": sum(len(d.meta.interpretations) for f in program.files for d in f.declarations)}


# --------------------------------------------------------------- reference key

def _reference_key(site: Site) -> str:
    rules = site.rules
    program = rules.program
    case = rules.case([])
    relocations = rules.value(case, "minimum_relocations")
    money = rules.value(case, "minimum_financial_contributions")
    proposal = rules.document({"document": "CommissionProposal", "relocations": int(relocations),
                               "financial_contributions": str(money.numerator // money.denominator)})
    case = rules.case([proposal])
    rows = []
    for code in program.participating:
        share = rules.value(case, "share", (code,))
        # the units are in the table's headings: the cells hold figures alone
        rows.append({
            "code": code, "country": program.member_states[code].country,
            "population": V.number(_figure(rules, "population", code, case.data_years).value),
            "gdp": V.number(_figure(rules, "gdp", code, case.data_years).value),
            "share": V.percent(share), "exact": V.exact_text(share),
            "relocations": V.number(rules.value(case, "indicative_relocations", (proposal.record, code))),
            "money": V.number(rules.value(case, "indicative_financial_contributions", (proposal.record, code))),
        })
    total = sum(rules.value(case, "share", (code,)) for code in program.participating)
    others = [ms for ms in program.member_states.values() if not ms.participates]
    datasets = {name: {"year": case.data_years[name], "why": case.data_year_reasons[name],
                       "label": rules.tables[name].dataset_label(), "spec": program.datasets[name]}
                for name in program.datasets}
    return template("reference-key.md.j2").render(rows=rows, total=total, others=others, datasets=datasets,
                                                  relocations=V.show(relocations, T.PERSONS),
                                                  money=V.show(money, T.EUR), member_states=program.member_states)


# ------------------------------------------------------------------ coverage

def _figure(rules, dataset: str, code: str, years: dict[str, int]) -> Figure:
    """A figure of the reference key: the year chosen is the latest with a figure for every Member State."""
    figure = rules.tables[dataset].get(code, years[dataset])
    assert figure is not None, f"no {dataset} figure for {code} in {years[dataset]}"
    return figure


def _coverage(site: Site) -> str:
    authorities = {name: a.description for name, a in site.rules.program.authorities.items()}
    return template("coverage.md.j2").render(entries=site.coverage, totals=summary(site.coverage), link=_link,
                                             authorities=authorities, site=site)


def _link(citation: Citation) -> str:
    return f"articles/{links.page_name(citation)}.md#{citation.anchor()}"


# ------------------------------------------------------------ interpretations

def _interpretations(site: Site) -> str:
    notes = interpretation_register(site.rules.program)
    readings = reading_register(site.rules.program)
    return template("interpretations.md.j2").render(notes=notes, readings=readings, site=site, link=_link)


# ------------------------------------------------------------------ schemas

def _schemas(site: Site) -> str:
    rules = site.rules
    types = []
    for name, spec in rules.program.structs.items():
        fields = [{"name": f.name, "type": str(f.type), "description": f.decl.description,
                   "cites": ", ".join(p.citation.short() for p in _resolve(site, f.decl.citations)),
                   "default": getattr(f.default, "text", "") if f.default is not None else ""}
                  for f in spec.fields.values()]
        schema = json.dumps(rules.schema(name), indent=2, ensure_ascii=False) if spec.is_document else ""
        types.append({"name": name, "document": spec.is_document, "description": spec.decl.description,
                      "fields": fields, "schema": schema})
    return template("schemas.md.j2").render(types=types)


def _resolve(site: Site, nodes) -> list:
    return [site.rules.program.law.resolve(n.text) for n in nodes]
