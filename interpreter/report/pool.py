"""The pool report: the Annual Solidarity Pool of the checked documents in figures.

After the verdicts, `ammr check` shows what the documents add up to: the totals against the
minimums and the reference numbers, each participating Member State's share, fair share (one
obligation, in persons or in EUR), pledge and the part of the fair share it meets, deduction and
alternative measures converted, and which mechanisms of Article 63 are triggered. Every figure is
the value of a definition of the rules (`RuleSet.value`, under the readings chosen for the check),
never recomputed here, and carries the provision it comes from; a figure the documents do not give
is shown as not known, never as 0. With `--readings all`, a figure of Article 63 that another
reading changes is shown under it too.

Which definition, document type or field each figure is, and the citation shown with it, is
declared in the rules (`report pool` in rules/pool-report.rules) and resolved by the checker, which
also checks the declaration against FIGURES: renaming a definition gives a checker error, not a
silently wrong report.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..engine.documents import UNDISCLOSED
from ..engine.outcomes import Missing
from ..language import typesys as T
from . import figures as V
from .render import environment
from .view import readings_used

if TYPE_CHECKING:                       # the API imports this module: types only, no import at run time
    from ..api import Result, RuleSet
    from ..engine.evaluate import Case
    from ..language.ir import ReportSpec
    from .dependence import Dependence

_PERSONS, _EUR, _SHARE, _BOOL, _DATE = T.PERSONS, T.EUR, T.SHARE, T.BOOL, T.DATE
_EUR_PER_PERSON = T.Quantity(T.dimension("EUR", "persons"))

REPORT = "pool"
# The figures this report shows, each declared in `report pool`, with the type it must give
# (None: a document or record type, or a record's table, whose name is the rules' own).
FIGURES: dict[str, str | None] = {
    "act": "document", "proposal": "document", "decision": "document", "overview": "document",
    "pledge_document": "document", "forum": "document",
    "act_pool_year": "year", "proposal_pool_year": "year",
    "proposal_relocations": "persons", "proposal_financial": "EUR",
    "minimum_relocations": "persons", "minimum_financial": "EUR",
    "reference_relocations": "persons", "reference_financial": "EUR",
    "share": "number", "fair_relocations": "persons", "fair_financial": "EUR", "relocation_rate": "EUR per person",
    "act_pledges": None, "pledging_member_state": "member state", "pledged": None, "pledge_value": "EUR",
    "converted": "EUR", "requests_known": "yes/no",
    "under_pressure": "list of member state", "search_and_rescue": "list of member state",
    "at_risk": "list of member state", "significant_situation": "list of member state",
    "deductions": None, "deduction_full": "yes/no", "deduction_relocations": "persons",
    "deduction_financial": "EUR", "benefitting": "list of member state", "fair_after_deduction": "EUR",
    "relocation_pledges": "persons", "offsets_threshold": "persons", "offsets_threshold_reached": "yes/no",
    "pledged_half_as_relocations": "yes/no", "mandatory_offsets_level": "persons", "below_offsets_level": "yes/no",
    "mandatory_offsets": "persons", "relocations_to_be_implemented": "persons",
    "offsets_after_deductions": "persons", "offsets_key_part": "persons", "date_of_application": "date",
    "point_a_margin": "persons", "forum_reconvened": "date",
}


class _Figures:
    """The report's declaration: what each figure is called in the rules, and its citation as shown."""

    def __init__(self, spec: ReportSpec):
        self.spec = spec.figures

    def name(self, figure: str) -> str:
        """The definition, constant or parameter; the document type; or the field."""
        f = self.spec[figure]
        return f.field if f.kind == "field" and f.field is not None else f.source

    def cites(self, figure: str) -> str:
        """'Art. 61(4), 62(5)': the citations shown, an article named once when they share it."""
        shown = [p.citation.short() for p in self.spec[figure].citations if p is not None]
        return ", ".join([*shown[:1], *(c.removeprefix("Art. ") if shown[0].startswith("Art. ") else c
                                         for c in shown[1:])])


def _figure(value: Any, t: T.Type, cites: str = "") -> dict:
    shares = t == _SHARE and not isinstance(value, (Missing, bool))
    return {"text": V.percent(value) if shares else V.show(value, t), "value": V.json_value(value, t), "cites": cites,
            "known": not isinstance(value, Missing)}


def pool_report(rules: RuleSet, result: Result, dependence: Dependence | None = None) -> dict | None:
    """The report's data, or None when the case holds neither a proposal nor a Council act (or the
    rules declare no pool report). With `dependence` (`--readings all`), the figures of Article 63
    are also evaluated under each alternative reading it evaluated."""
    if REPORT not in rules.program.reports:
        return None
    F = _Figures(rules.program.reports[REPORT])
    documents: dict[str, list] = {}
    for d in result.case.documents:
        documents.setdefault(d.type, []).append(d)
    one = {name: docs[0].record for name, docs in documents.items() if len(docs) == 1}
    act, proposal = one.get(F.name("act")), one.get(F.name("proposal"))
    if act is None and proposal is None:
        return None
    case = result.case
    value = lambda figure, *args: rules.value(case, F.name(figure), args)          # noqa: E731
    field = lambda record, figure: record.fields.get(F.name(figure)) if record is not None else None   # noqa: E731
    year = field(act, "act_pool_year") or field(proposal, "proposal_pool_year")
    report: dict[str, Any] = {"pool_year": year, "totals": [], "states": [], "article_63": [], "dates": [],
                              "verdicts": _verdicts(result), "readings": readings_used(rules.program, case.readings)}

    # ------------------------------------------------------------ totals
    given = lambda record, figure: _given(record, F.name(figure))          # noqa: E731
    minimum_r, minimum_f = value("minimum_relocations"), value("minimum_financial")
    if proposal is not None:
        report["totals"] += [
            {"label": "Commission proposal, relocations",
             **_figure(given(proposal, "proposal_relocations"), _PERSONS, F.cites("proposal_relocations")),
             "against": f"minimum {V.show(minimum_r, _PERSONS)}"},
            {"label": "Commission proposal, financial contributions",
             **_figure(given(proposal, "proposal_financial"), _EUR, F.cites("proposal_financial")),
             "against": f"minimum {V.show(minimum_f, _EUR)}"},
        ]
    reference_r = given(act, "reference_relocations") if act is not None else given(proposal, "proposal_relocations")
    reference_f = given(act, "reference_financial") if act is not None else given(proposal, "proposal_financial")
    if act is not None:
        report["totals"] += [
            {"label": "Council implementing act, reference number of relocations",
             **_figure(reference_r, _PERSONS, F.cites("reference_relocations")),
             "against": _ratio(reference_r, given(proposal, "proposal_relocations") if proposal is not None else None)},
            {"label": "Council implementing act, reference financial contributions",
             **_figure(reference_f, _EUR, F.cites("reference_financial")),
             "against": _ratio(reference_f, given(proposal, "proposal_financial") if proposal is not None else None)},
        ]
    report["reference_from"] = "the Council implementing act" if act is not None else "the Commission proposal"
    known = _known(reference_r, reference_f)
    rate = value("relocation_rate", rules.program.participating[0], reference_r, reference_f) \
        if known and rules.program.participating else Missing.of("reference numbers")
    report["relocation_rate"] = {**_figure(rate, _EUR_PER_PERSON, F.cites("relocation_rate"))}

    # ------------------------------------------------------- member states
    decision, overview = one.get(F.name("decision")), one.get(F.name("overview"))
    pledge_documents = {field(d.record, "pledging_member_state"): d
                        for d in documents.get(F.name("pledge_document"), ())}
    sums: dict[str, Any] = {"share": 0, "relocations": 0, "financial": 0}
    pledges: list = []                  # the pledges known, as measured, to total them
    for ms in rules.program.participating:
        share = value("share", ms)
        fair_r = value("fair_relocations", ms, reference_r) if known else Missing.of("reference numbers")
        fair_f = value("fair_financial", ms, reference_r, reference_f) if known else Missing.of("reference numbers")
        pledge, source = _pledge(F, act, pledge_documents, ms)
        pledged = pledge
        if pledge is not None and not isinstance(pledge, Missing):
            pledged = value("pledge_value", pledge, ms, reference_r, reference_f) if known \
                else Missing.of("reference numbers")
        for key, v in (("share", share), ("relocations", fair_r), ("financial", fair_f)):
            sums[key] = v if isinstance(v, Missing) or isinstance(sums[key], Missing) else sums[key] + v
        row = {"member_state": ms, "share": _figure(share, _SHARE, F.cites("share")),
               "fair_relocations": _figure(fair_r, _PERSONS, F.cites("fair_relocations")),
               "fair_financial": _figure(fair_f, _EUR, F.cites("fair_financial")),
               "pledge": _figure(pledged if pledged is not None else Missing.of("no pledge"), _EUR,
                                 F.cites("pledge_value")),
               "pledge_source": source,
               "situation": _situation(F, decision, ms), "deduction": _deduction(F, overview, ms),
               "benefitting": _in_list(overview, F.name("benefitting"), ms)}
        if pledged is not None and not isinstance(pledged, Missing):
            pledges.append(pledged)
        if pledged is not None and not isinstance(pledged, Missing) and not isinstance(fair_f, Missing) and fair_f:
            row["difference"] = _figure(pledged - fair_f, _EUR)
            row["balance"] = _balance(pledged - fair_f)
            row["part_pledged"] = _figure(Fraction(pledged) / fair_f, _SHARE)
        if pledge is not None and not isinstance(pledge, Missing):
            row["converted"] = _converted(F, value, pledge)
        if row["deduction"] and act is not None:
            row["fair_after_deduction"] = _figure(value("fair_after_deduction", overview, act, ms), _EUR,
                                                  F.cites("fair_after_deduction"))
        report["states"].append(row)
    report["sums"] = {"share": _figure(sums["share"], _SHARE),
                      "fair_relocations": _figure(sums["relocations"], _PERSONS),
                      "fair_financial": _figure(sums["financial"], _EUR),
                      "pledge": _figure(sum(pledges), _EUR), "pledges_known": len(pledges)}
    # what the sums are to be checked against: the whole key, and the reference numbers
    report["reference"] = {"share": _figure(1, _SHARE), "relocations": _figure(reference_r, _PERSONS),
                           "financial": _figure(reference_f, _EUR)}

    # ----------------------------------------------------------- Article 63
    if act is not None:
        alternatives = _alternative_cases(rules, case, dependence)
        report["article_63"] = _article_63(rules, F, case, act, proposal, one.get(F.name("forum")), overview,
                                           alternatives)
        parts: dict[str, dict] = next((a.pop("by_state") for a in report["article_63"] if "by_state" in a), {})
        for row in report["states"]:
            if row["member_state"] in parts:
                row["offsets"] = parts[row["member_state"]]
    application = value("date_of_application")
    note = ("as published; EUR-Lex metadata, Implementing Regulation (EU) 2025/2055 and the Council give "
            "12 June 2026 (see `ammr interpretations`)")
    if F.name("date_of_application") in case.parameters:
        published = rules.value(replace(case, parameters={}), F.name("date_of_application"))
        note = f"set for this check; the text as published says {V.show(published, _DATE)}"
    report["dates"].append({"label": f"Date of application ({F.cites('date_of_application')})",
                            **_figure(application, _DATE),
                            "note": note})
    return report


def _converted(F: _Figures, value, pledge) -> dict:
    """Art 57(4), fourth sentence: what the pledge's alternative measures not requested are converted
    into, once the requests are known; before, not yet known (never a lapse shown as EUR 0)."""
    known = value("requests_known", pledge)
    if known is not True:
        return {"text": "not yet known (requests not recorded for every measure)", "value": None,
                "cites": F.cites("converted"), "known": False}
    return _figure(value("converted", pledge), _EUR, F.cites("converted"))


def _alternative_cases(rules: RuleSet, case: Case, dependence: Dependence | None) -> list[tuple[str, Case]]:
    """The case under each alternative reading `--readings all` evaluated, named "reading = value"."""
    if dependence is None:
        return []
    return [(f"{name} = {v}", replace(case, readings={**case.readings, name: v})) for name, v in dependence.evaluated]


def _under(rules: RuleSet, alternatives: list[tuple[str, Case]], name: str, args: tuple, shown: Any,
           t: T.Type) -> list[dict]:
    """The figure under each alternative reading that changes it."""
    out = []
    for label, other in alternatives:
        v = rules.value(other, name, args)
        if type(v) is not type(shown) or v != shown:
            out.append({"reading": label, "text": V.show(v, t), "value": V.json_value(v, t)})
    return out


def _not_known(value: Missing) -> str:
    undisclosed = any("not disclosed" in p for p in value.paths) or value.unknown
    return "not known (relocation pledges not disclosed)" if undisclosed else "not known (" + "; ".join(
        sorted(value.paths)) + ")"


def _article_63(rules: RuleSet, F: _Figures, case: Case, act, proposal, forum, overview,
                alternatives: list[tuple[str, Case]]) -> list[dict]:
    def line(label: str, figure: str, args: tuple, t: T.Type, **extra) -> dict:
        v = rules.value(case, F.name(figure), args)
        shown = _figure(v, t, F.cites(figure))
        if isinstance(v, Missing):
            shown["text"] = _not_known(v)
        under = _under(rules, alternatives, F.name(figure), args, v, t)
        return {"label": label, **shown, **extra, **({"readings": under} if under else {})}

    value = lambda figure, *args: rules.value(case, F.name(figure), args)          # noqa: E731
    out = [line("Relocation pledges in the Council implementing act", "relocation_pledges", (act,), _PERSONS)]
    if proposal is not None:
        out.append(line(f"63(1): pledges at or above 50 % of the proposal's relocations "
                        f"({V.show(value('offsets_threshold', proposal), _PERSONS)})", "offsets_threshold_reached",
                        (act, proposal), _BOOL,
                        meaning="benefitting Member States may request offsets instead of relocations"))
    pledges = act.fields.get(F.name("act_pledges"))
    if isinstance(pledges, dict):
        half = [ms for ms in pledges if ms in rules.program.participating
                and value("pledged_half_as_relocations", act, ms) is True]
        out.append({"label": "63(2)(b): Member States that pledged 50 % or more of their fair share as relocations",
                    "text": ", ".join(half) or "none", "value": half, "cites": F.cites("pledged_half_as_relocations"),
                    "known": True})
    level = value("mandatory_offsets_level", act)
    out.append(line(f"63(3): pledges below the higher of 30 000 and 60 % of the reference number "
                    f"({V.show(level, _PERSONS)})", "below_offsets_level", (act,), _BOOL))
    margin = value("point_a_margin", act)
    if not isinstance(margin, Missing) and margin > 0:
        reference = act.fields.get(F.name("reference_relocations"))
        out.append({"label": f"63(3)(a): the reference number ({V.show(reference, _PERSONS)}) is itself below "
                             f"{V.show(value('minimum_relocations'), _PERSONS).removesuffix(' persons')}",
                    "text": f"point (a) is met unless the relocation pledges exceed it by "
                            f"{V.show(margin, _PERSONS)} or more",
                    "value": V.json_value(margin, _PERSONS), "cites": F.cites("point_a_margin"), "known": True})
    out.append(_offsets_due(rules, F, case, act, forum, line))
    if overview is not None:
        out.append(line("63(4): relocations to be implemented after deductions and benefitting Member States",
                        "relocations_to_be_implemented", (overview, act), _PERSONS))
        out.append(line("63(4): offsets to reach the higher number (only where the act's pledges reached it)",
                        "offsets_after_deductions", (overview, act), _PERSONS))
        shown = value("offsets_after_deductions", overview, act)
        if isinstance(shown, Missing) or shown > 0:
            out.append(_offset_parts(rules, F, value, overview, act))
    return out


def _offsets_due(rules: RuleSet, F: _Figures, case: Case, act, forum, line) -> dict:
    """63(3): the offsets due. Paragraph 3 applies 'following the meeting of the High-Level Forum
    convened in accordance with Article 13(4)': until the Council reconvenes it, it does not apply
    (unless the reading in force needs no reconvened Forum, which the figure then shows)."""
    reconvened = forum is not None and forum.fields.get(F.name("forum_reconvened")) not in (None, UNDISCLOSED)
    subject = forum if forum is not None else Missing.of(f"{F.name('forum')}: no such document in the case",
                                                          unknown=True)
    due = line("63(3): offsets due after the High-Level Forum reconvened under Art. 13(4)", "mandatory_offsets",
               (act, subject), _PERSONS)
    if reconvened or (due["known"] and due["value"] is not None and due["value"]["exact"] != "0"):
        if not reconvened:
            due["label"] = "63(3): offsets due (the reading in force needs no High-Level Forum reconvened)"
        return due
    return {"label": "63(3): offsets due", "text": "does not apply yet: the High-Level Forum has not been "
                                                 "reconvened under Art. 13(4)",
            "value": None, "cites": due["cites"], "known": True, **({"readings": due["readings"]}
                                                                     if "readings" in due else {})}


def _offset_parts(rules: RuleSet, F: _Figures, value, overview, act) -> dict:
    """How the offsets of Art 63(4) would fall on each Member State obliged to implement, by the
    reference key and at most its fair share: an indicative reading (see offsets_key_part), no duty."""
    parts = [(ms, value("offsets_key_part", overview, act, ms)) for ms in rules.program.participating]
    parts = [(ms, p) for ms, p in parts if isinstance(p, Missing) or p > 0]
    shown = [f"{ms} {V.show(p, _PERSONS).removesuffix(' persons')}" for ms, p in parts]
    return {"label": "63(3), (4) and (7): indicative part of each Member State obliged to implement, in persons, "
                     "by the reference key and at most its fair share (the Regulation does not say how offsets "
                     "are shared)",
            "text": ", ".join(shown) or "none", "parts": shown,
            "value": {ms: V.json_value(p, _PERSONS) for ms, p in parts}, "cites": F.cites("offsets_key_part"),
            "by_state": {ms: _figure(p, _PERSONS, F.cites("offsets_key_part")) for ms, p in parts},
            "known": not any(isinstance(p, Missing) for _, p in parts)}


def _balance(difference) -> dict:
    """The pledge as measured against the fair share, in EUR: a shortfall, rounded up to the cent that
    would close it (as remedies count); a surplus, rounded down to the cent; or met exactly."""
    cents = difference * 100
    if difference < 0:
        text = f"short by {V.show(Fraction(math.ceil(-cents), 100), _EUR)}"
    elif difference == 0:
        text = "met exactly"
    elif cents < 1:
        text = "met (less than EUR 0.01 over)"
    else:
        text = f"surplus {V.show(Fraction(math.floor(cents), 100), _EUR)}"
    return {"text": text, "short": difference < 0, "value": V.json_value(difference, _EUR)}


def _given(record, name: str) -> Any:
    if record is None:
        return Missing.of(name)
    v = record.fields.get(name)
    if v is UNDISCLOSED:
        return Missing.of(name, unknown=True)
    return Missing.of(name) if v is None else v


def _known(*values) -> bool:
    return not any(isinstance(v, Missing) for v in values)


def _ratio(value, of) -> str:
    if of is None or not _known(value, of) or not of:
        return ""
    return f"{V.percent(value / of)} of the Commission proposal"


def _pledge(F: _Figures, act, pledge_documents, ms):
    """The pledge in the act, else the Member State's pledge document; and where it comes from. A pledge
    the act does not disclose (`undisclosed: [pledges]` or `[pledges.NL]`) is not known, never 0."""
    name = F.name("act_pledges")
    if act is not None:
        pledges = act.fields.get(name)
        entry = pledges if pledges is UNDISCLOSED else pledges.get(ms) if isinstance(pledges, dict) else None
        if entry is UNDISCLOSED:
            if ms in pledge_documents:
                d = pledge_documents[ms]
                return d.record.fields.get(F.name("pledged")), f"pledge document {d.label}"
            shown = name if pledges is UNDISCLOSED else f"{name}[{ms}]"
            return Missing.of(shown, unknown=True), "not disclosed in the act"
        if entry is not None:
            return entry, "the Council implementing act"
        if isinstance(pledges, dict):
            return Missing.of(f"{name}[{ms}]"), "not in the act"
    if ms in pledge_documents:
        d = pledge_documents[ms]
        return d.record.fields.get(F.name("pledged")), f"pledge document {d.label}"
    return None, ""


def _situation(F: _Figures, decision, ms) -> str:
    if decision is None:
        return ""
    marks = (("under_pressure", "pressure"), ("search_and_rescue", "SAR"), ("at_risk", "risk"),
             ("significant_situation", "significant"))
    return ", ".join(label for figure, label in marks if _in_list(decision, F.name(figure), ms))


def _in_list(record, name, ms) -> bool:
    items = record.fields.get(name) if record is not None else None
    return isinstance(items, tuple) and ms in items


def _deduction(F: _Figures, overview, ms) -> str:
    deductions = overview.fields.get(F.name("deductions")) if overview is not None else None
    if not isinstance(deductions, dict) or ms not in deductions:
        return ""
    d = deductions[ms].fields
    if d.get(F.name("deduction_full")):
        return "full"
    parts = []
    if d.get(F.name("deduction_relocations")):
        parts.append(V.show(d[F.name("deduction_relocations")], _PERSONS))
    if d.get(F.name("deduction_financial")):
        parts.append(V.show(d[F.name("deduction_financial")], _EUR))
    return "partial: " + ", ".join(parts) if parts else ""


def _verdicts(result: Result) -> list[dict]:
    """The verdicts that need attention, each with its citation (all are listed above the report)."""
    out = []
    for o in result.applicable:
        if o.verdict == "compliant":
            continue
        cited = next((p.citation.short() for p in o.citations if p is not None), "")
        out.append({"verdict": o.verdict, "key": o.key, "title": o.title, "cites": cited, "document": o.document})
    return out


def render_pool(report: dict) -> str:
    return environment().get_template("pool.txt.j2").render(r=report)
