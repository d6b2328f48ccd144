"""The pages: sign in, the pledge form (usable without JavaScript: "Check" and "Submit" post the
form; with it, static/portal.js shows the verdicts while the official types), a pledge's
versions, a version's explanation, and the Coordinator's pool table.

Pages use the explanation's own templates where they fit (its stylesheet, the law quotation
and remedy macros, and the whole HTML explanation for one result)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from interpreter import Failed, render, report

from . import service, store, throttle
from .auth import csrf, current, require
from .checking import Checked, pledge_label
from .limits import parse_json
from .security import same_token
from .store import Account, Refused

router = APIRouter(include_in_schema=False)
MARKS = {"compliant": "✔", "non_compliant": "✘", "insufficient_information": "?",
         "needs_assessment": "⚖", "not_applicable": "–"}
NAMES = {"compliant": "compliant", "non_compliant": "non-compliant",
         "insufficient_information": "insufficient information", "needs_assessment": "needs assessment",
         "not_applicable": "not applicable"}
FAIR_SHARE_FIGURES = {"share": "Share by the reference key", "fair_share_value": "Mandatory fair share, value",
                      "pledge_value_in_reference": "Pledge, value"}
ORDER = ("non_compliant", "insufficient_information", "needs_assessment", "compliant", "not_applicable")
_MAX_MEASURES = 50


def _explanation_templates() -> Path:
    """The HTML explanation's own templates, shared by the portal's pages."""
    return Path(report.__file__).with_name("templates")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(Path(__file__).with_name("templates"))),
                                    jinja2.FileSystemLoader(str(_explanation_templates()))]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["verdict_name"] = lambda v: NAMES.get(v, v)
    env.globals["marks"] = MARKS
    return env


def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    who = values.pop("who", None)
    if who is None:
        try:
            who = current(request)
        except Refused:
            who = None
    html = request.app.state.pages.get_template(template).render(who=who, csrf=csrf(request), **values)
    return html_page(html, status)


# Pages load nothing from elsewhere and run only the portal's own script; no other site may
# frame them or receive their forms.
_HEADERS = {"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
                                       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def html_page(html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


def _signed_in(request: Request, *roles: str, form: dict | None = None) -> Account | Response:
    """The account, or the sign-in page for a browser that has none."""
    if current(request) is None:
        return RedirectResponse("/login", status_code=303)
    return require(request, *roles, form=form)


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


# ------------------------------------------------------------------ signing in

@router.get("/login")
def login_page(request: Request) -> Response:
    return page(request, "login.html.j2", message="", name="")


@router.post("/login")
async def login(request: Request) -> Response:
    form = await _form(request)
    portal: service.Portal = request.app.state.portal
    if not _csrf_ok(request, form):
        return page(request, "login.html.j2", 403, message="The form expired: sign in again.", name="")
    name, address = form.get("name", ""), request.client.host if request.client else "-"
    wait = throttle.retry_after(portal.sessions, name, address)
    if wait:
        throttle.limited(portal.sessions, None, name, address)
        refused = page(request, "login.html.j2", 429, name=name,
                       message=f"Too many failed sign-ins for this account or from this address: try again in "
                               f"{math.ceil(wait / 60)} minute{'s' if wait > 60 else ''}.")
        refused.headers["Retry-After"] = str(wait)
        return refused
    who = store.login(portal.sessions, name, form.get("password", ""))
    if who is None:
        throttle.failed(portal.sessions, name, address)
        return page(request, "login.html.j2", 401, message="The account name or the password is wrong.", name=name)
    request.session.clear()                       # a new session for the signed-in account: new CSRF token
    request.session["user"] = who.id
    store.audit(portal.sessions, who, "login", who.name, 200)
    return RedirectResponse("/", status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await _form(request)
    if _csrf_ok(request, form):
        request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _csrf_ok(request: Request, form: dict) -> bool:
    return same_token(form.get("csrf"), request.session.get("csrf"))


# ------------------------------------------------------------------ home

@router.get("/")
def home(request: Request) -> Response:
    who = _signed_in(request)
    if isinstance(who, Response):
        return who
    portal: service.Portal = request.app.state.portal
    return page(request, "home.html.j2", who=who, years=service.years(portal), identity=portal.checker.identity)


# ------------------------------------------------------------------ the pledge form

def _blank_form(pool_year: Any) -> dict[str, Any]:
    return {"pool_year": str(pool_year), "relocations": "", "financial_contributions": "", "made_on": "",
            "measures": [{"description": "", "value": ""}]}


def _read_form(form: dict[str, str]) -> dict[str, Any]:
    count = min(int(form["measures"]) if form.get("measures", "").isdigit() else 1, _MAX_MEASURES)
    return {"pool_year": form.get("pool_year", "").strip(), "relocations": form.get("relocations", ""),
            "financial_contributions": form.get("financial_contributions", ""), "made_on": form.get("made_on", ""),
            "measures": [{"description": form.get(f"measure-{i}-description", ""),
                          "value": form.get(f"measure-{i}-value", "")} for i in range(count)]}


def _figure(text: str) -> Any:
    """A figure as typed: spaces (thousands separators) dropped; a whole number is a number, anything
    else stays text for the document's validation to explain."""
    compact = re.sub(r"[\s\u00a0\u202f_]", "", text)
    return int(compact) if compact.isdigit() else compact


def pledge_document(member_state: str, form: dict[str, Any]) -> dict[str, Any]:
    """The MemberStatePledge the form describes. An empty field is left out (the rules read a
    type of measure not mentioned as nothing pledged of it). static/portal.js builds the same."""
    pledge: dict[str, Any] = {}
    for name in ("relocations", "financial_contributions"):
        if form[name].strip():
            pledge[name] = _figure(form[name])
    measures = []
    for m in form["measures"]:
        if m["description"].strip() or m["value"].strip():
            measure: dict[str, Any] = {"description": m["description"].strip()}
            if m["value"].strip():
                measure["financial_value"] = _figure(m["value"])
            measures.append(measure)
    if measures:
        pledge["alternative_measures"] = measures
    year = _figure(form["pool_year"])
    document: dict[str, Any] = {"document": "MemberStatePledge", "member_state": member_state, "pool_year": year,
                                "pledge": pledge}
    if form["made_on"].strip():
        document["made_on"] = form["made_on"].strip()
    return document


def panel(checked: Checked, member_state: str, pool_year: int) -> dict[str, Any]:
    """What the form shows of a check: the pledge's own verdict, its fair share, and each verdict
    on the pledge (failing first) with its citation, the quoted text and the remedy. Verdicts on
    the cycle's documents (a late proposal) are not the pledge's: its explanation has them."""
    mine = checked.outcomes_of(pledge_label(member_state, pool_year))
    items = [{"verdict": o["verdict"], "title": o["title"], "instance": o["instance"],
              "citation": o["citations"][0]["short"] if o["citations"] else "",
              "law": o["citations"][0] if o["citations"] else None,
              "reason": o["reason"], "remedy": o["remedy"]["summary"] if o["remedy"] else ""} for o in mine]
    return {"overall": mine[0]["verdict"] if mine else "compliant", "fair": fair_share(mine), "verdicts": items}


def fair_share(outcomes: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The fair share and the pledge's value as the verdicts used them (the values of the rules'
    definitions fair_share_value and pledge_value_in_reference: the pledge as measured against the fair share)."""
    shown: dict[str, dict[str, str]] = {}
    for o in outcomes:
        for v in o["values"]:
            name = v["label"].split("(", 1)[0]
            if name in FAIR_SHARE_FIGURES and name not in shown:
                shown[name] = {"label": FAIR_SHARE_FIGURES[name], "value": v["shown"],
                               "cites": ", ".join(v["citations"]), "of": v["label"]}
    return [shown[name] for name in FAIR_SHARE_FIGURES if name in shown]


def _pledge_page(request: Request, who: Account, form: dict[str, Any], status: int = 200, **shown: Any) -> Response:
    portal: service.Portal = request.app.state.portal
    year = _figure(form["pool_year"])
    cycle = [f"{t} (version {r.version})" for t, r in store.cycle_documents(portal.sessions, year).items()] \
        if isinstance(year, int) else []
    return page(request, "pledge.html.j2", status, who=who, form=form, cycle=cycle,
                panel=shown.get("panel"), errors=shown.get("errors", []))


@router.get("/pledge")
def pledge_form(request: Request, pool_year: int | None = None) -> Response:
    who = _signed_in(request, "member_state")
    if isinstance(who, Response):
        return who
    portal: service.Portal = request.app.state.portal
    years = service.years(portal)
    return _pledge_page(request, who, _blank_form(pool_year or (years[-1] if years else "")))


@router.post("/pledge")
async def pledge_post(request: Request) -> Response:
    raw = await _form(request)
    who = _signed_in(request, "member_state", form=raw)
    if isinstance(who, Response):
        return who
    portal: service.Portal = request.app.state.portal
    form = _read_form(raw)
    action = raw.get("action", "check")
    if action == "more":
        form["measures"].append({"description": "", "value": ""})
        return _pledge_page(request, who, form)
    member_state = who.member_state or ""          # a member_state account always names its state
    document = pledge_document(member_state, form)
    try:
        if action == "submit":
            row, _ = service.submit_pledge(portal, who, document)
            return RedirectResponse(f"/pledges/{row.member_state}/{row.pool_year}?submitted={row.version}",
                                    status_code=303)
        checked = service.check_pledge(portal, who, document)
    except Failed as failure:
        return _pledge_page(request, who, form, 422, errors=[d.to_json() for d in failure.diagnostics])
    except Refused as refusal:
        if refusal.status != 422:
            raise
        return _pledge_page(request, who, form, 422, errors=[{"message": refusal.message, "hint": ""}])
    return _pledge_page(request, who, form, panel=panel(checked, member_state, document["pool_year"]))


# ------------------------------------------------------------------ stored pledges

@router.get("/pledges/{member_state}/{pool_year}")
def history(request: Request, member_state: str, pool_year: int, submitted: int | None = None) -> Response:
    who = _signed_in(request)
    if isinstance(who, Response):
        return who
    rows = service.history(request.app.state.portal, who, member_state, pool_year)
    return page(request, "history.html.j2", who=who, member_state=member_state, pool_year=pool_year,
                versions=rows, submitted=submitted)


@router.get("/pledges/{member_state}/{pool_year}/{number}")
def explanation(request: Request, member_state: str, pool_year: int, number: int) -> Response:
    who = _signed_in(request)
    if isinstance(who, Response):
        return who
    row = service.version(request.app.state.portal, who, member_state, pool_year, number)
    return html_page(render(with_groups(json.loads(row.result)), "html"))


def with_groups(data: dict[str, Any]) -> dict[str, Any]:
    """A stored ammr-check/1 document made ready for the HTML explanation again: its outcomes
    grouped by document, failing first (the JSON leaves the grouping out: it repeats the outcomes)."""
    def on(label):
        return sorted((o for o in data["outcomes"] if o["document"] == label), key=lambda o: ORDER.index(o["verdict"]))
    groups = []
    for d in data["documents"]:
        mine = on(d["label"])
        if mine:
            groups.append({**d, "outcomes": mine})
    loose = on(None)
    if loose:
        groups.append({"id": "", "label": "(no document)", "type": "", "note": "", "outcomes": loose})
    return {**data, "groups": groups}


# ------------------------------------------------------------------ the pool

@router.get("/pool")
def pool_years(request: Request) -> Response:
    who = _signed_in(request, "coordinator")
    if isinstance(who, Response):
        return who
    return page(request, "pool-years.html.j2", who=who, years=service.years(request.app.state.portal))


@router.get("/pool/{pool_year}")
def pool(request: Request, pool_year: int) -> Response:
    who = _signed_in(request, "coordinator")
    if isinstance(who, Response):
        return who
    portal: service.Portal = request.app.state.portal
    checked = service.pool(portal, who, pool_year)
    if not checked.data.get("pool"):
        raise Refused(404, f"no Commission proposal or Council implementing act is recorded for {pool_year}")
    latest = {p.member_state: p.version for p in store.latest_pledges(portal.sessions, pool_year)}
    return page(request, "pool.html.j2", who=who, pool_year=pool_year, data=checked.data, pool=checked.data["pool"],
                latest=latest)


@router.get("/pool/{pool_year}/explanation")
def pool_explanation(request: Request, pool_year: int) -> Response:
    who = _signed_in(request, "coordinator")
    if isinstance(who, Response):
        return who
    checked = service.pool(request.app.state.portal, who, pool_year)
    return html_page(render(checked.data, "html"))


# ------------------------------------------------------------------ the cycle (Coordinator)

def _cycle_page(request: Request, who: Account, pool_year: int, status: int = 200, **shown: Any) -> Response:
    rows = service.cycle(request.app.state.portal, who, pool_year)
    return page(request, "cycle.html.j2", status, who=who, pool_year=pool_year, documents=list(rows.values()),
                recorded=shown.get("recorded", ""), errors=shown.get("errors", []), text=shown.get("text", ""))


@router.get("/cycle/{pool_year}")
def cycle(request: Request, pool_year: int) -> Response:
    who = _signed_in(request, "coordinator")
    if isinstance(who, Response):
        return who
    return _cycle_page(request, who, pool_year)


@router.post("/cycle/{pool_year}")
async def record(request: Request, pool_year: int) -> Response:
    """Record a cycle document pasted as JSON (YAML is not read here: a pasted YAML file could
    expand, through its aliases, far beyond the request size limit)."""
    raw = await _form(request)
    who = _signed_in(request, "coordinator", form=raw)
    if isinstance(who, Response):
        return who
    text = raw.get("document", "")
    try:
        document = parse_json(text.encode("utf-8"), request.app.state.portal.settings.max_depth)
        row, new = service.record(request.app.state.portal, who, pool_year, document)
    except Failed as failure:
        return _cycle_page(request, who, pool_year, 422, errors=[d.to_json() for d in failure.diagnostics], text=text)
    except Refused as refusal:
        if refusal.status not in (400, 422):
            raise
        return _cycle_page(request, who, pool_year, 422, errors=[{"message": refusal.message, "hint": ""}], text=text)
    said = f"recorded as version {row.version}" if new else f"the same as version {row.version}: nothing added"
    return _cycle_page(request, who, pool_year, recorded=f"{row.type} {said}.")
