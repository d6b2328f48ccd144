"""The HTTP API, version 1, under /api/v1/ (OpenAPI at /docs).

A check answers the `ammr-check/1` document, byte for byte what `ammr check --format json`
prints for the same documents under the same names, with status 200 whatever the verdict (the
verdict is in the document, and its exit code in the X-AMMR-Exit-Code header). A document that
is not valid is answered 422 with its positioned errors, in the shape of `ammr check --format
json`'s errors. A refusal is answered with its status and {"error": {"status", "message"}}.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.security import HTTPBearer

from . import service, store
from .auth import require
from .checking import Checked
from .limits import parse_json
from .store import Refused

# The bearer scheme is declared for OpenAPI (the "Authorize" button of /docs); auth.py reads the header.
router = APIRouter(prefix="/api/v1", dependencies=[Depends(HTTPBearer(auto_error=False))])
MEMBER_STATE = Path(pattern=r"^[A-Z]{2}$", description="a Member State's code, e.g. NL")
YEAR = Path(ge=1900, le=2200, description="the year of the Annual Solidarity Pool")

_DOCUMENT = {"type": "object", "description": "a document as in a YAML or JSON file: 'document: <type>' and its fields",
             "additionalProperties": True}
_ONE_DOCUMENT = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["document"], "properties": {"document": _DOCUMENT}}}}}}
_DOCUMENTS = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["documents"],
    "properties": {"documents": {"type": "array", "items": {
        "type": "object", "required": ["name", "document"],
        "properties": {"name": {"type": "string", "description": "the name the result calls it by, e.g. pledge.yaml"},
                       "document": _DOCUMENT}}},
        "data_years": {"type": "object", "additionalProperties": {"type": "integer"},
                       "description": "the Eurostat year per dataset, e.g. {\"population\": 2024}"}}}}}}}
_CHECK_RESULT: dict[int | str, dict[str, Any]] = {200: {
    "description": "the ammr-check/1 document (schema interpreter/report/ammr-check-1.schema.json)",
    "content": {"application/json": {}}}}


def _portal(request: Request) -> service.Portal:
    return request.app.state.portal


def json_text(text: str | bytes, status: int = 200, headers: dict | None = None) -> Response:
    return Response(content=text, status_code=status, media_type="application/json", headers=headers)


def _checked(checked: Checked, status: int = 200, extra: dict | None = None) -> Response:
    headers = {"X-AMMR-Exit-Code": str(checked.exit_code), "X-AMMR-Result-SHA256": checked.sha256, **(extra or {})}
    return json_text(checked.body, status, headers)


async def _body(request: Request) -> Any:
    return parse_json(await request.body(), _portal(request).settings.max_depth)


async def _one_document(request: Request) -> Any:
    body = await _body(request)
    if not isinstance(body, dict) or "document" not in body:
        raise Refused(422, "send {\"document\": {...}}: the document as its YAML or JSON file holds it")
    return body["document"]


# ------------------------------------------------------------------ the rule set

@router.get("/rules", summary="The rule set's identity: version, content hash, readings, document types")
def rules_identity(request: Request) -> dict:
    require(request)
    return _portal(request).checker.identity


@router.get("/rules/coverage", summary="The coverage map: every paragraph encoded, left to assessment or not checkable")
def rules_coverage(request: Request) -> dict:
    require(request)
    return _portal(request).checker.coverage


@router.get("/schemas", summary="The document types that can be checked")
def schemas(request: Request) -> dict:
    require(request)
    return {"types": _portal(request).checker.document_types()}


@router.get("/schemas/{type_name}", summary="The JSON Schema of a document type")
def schema(request: Request, type_name: str) -> dict:
    require(request)
    checker = _portal(request).checker
    found = checker.schema(type_name)
    if found is None:
        raise Refused(404, f"no document type '{type_name}': one of {', '.join(checker.document_types())}")
    return found


# ------------------------------------------------------------------ checks

@router.post("/check", summary="Check documents: the ammr-check/1 result (nothing is stored)",
             openapi_extra=_DOCUMENTS, responses=_CHECK_RESULT)
async def check(request: Request) -> Response:
    require(request)
    body = await _body(request)
    items = body.get("documents") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise Refused(422, "send {\"documents\": [{\"name\": \"pledge.yaml\", \"document\": {...}}, ...]}")
    if len(items) > 100:
        raise Refused(422, "at most 100 documents in one check")
    named = [(str(item.get("name") or f"document-{n + 1}.json"), item.get("document")) for n, item in enumerate(items)]
    data_years = body.get("data_years")
    if data_years is not None and not (isinstance(data_years, dict) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in data_years.values())):
        raise Refused(422, "data_years maps a dataset to a year, e.g. {\"population\": 2024}")
    return _checked(service.check_documents(_portal(request), named, data_years))


@router.post("/pledges/check", summary="Check a pledge against its year's stored cycle (nothing is stored)",
             openapi_extra=_ONE_DOCUMENT, responses=_CHECK_RESULT)
async def check_pledge(request: Request, pool: bool = Query(
        default=True, description="false: leave out the pool report (the live form shows only the pledge's verdicts)")
        ) -> Response:
    who = require(request, "member_state", "coordinator")
    return _checked(service.check_pledge(_portal(request), who, await _one_document(request), pool))


# ------------------------------------------------------------------ pledges

def _version_json(row, with_document: bool = False) -> dict:
    base = f"/api/v1/pledges/{row.member_state}/{row.pool_year}/{row.version}"
    out = {"member_state": row.member_state, "pool_year": row.pool_year, "version": row.version,
           "submitted_at": row.submitted_at, "overall": row.overall, "result_sha256": row.result_sha256,
           "links": {"self": base, "result": f"{base}/result", "explanation": f"/pledges/{row.member_state}/"
                                                                              f"{row.pool_year}/{row.version}"}}
    if with_document:
        out["document"] = json.loads(row.document)
    return out


@router.post("/pledges", status_code=201, summary="Submit a pledge: stored as the next version, with its result",
             openapi_extra=_ONE_DOCUMENT)
async def submit_pledge(request: Request) -> Response:
    who = require(request, "member_state")
    row, checked = service.submit_pledge(_portal(request), who, await _one_document(request))
    # "overall" is the pledge's own verdict; "case" is the whole check's (with the cycle's documents)
    out = {**_version_json(row), "case": {"overall": checked.overall, "exit_code": checked.exit_code,
                                          "counts": checked.data["counts"]}}
    return json_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", 201,
                     {"Location": out["links"]["self"]})


@router.get("/pledges", summary="The latest pledge of each Member State for a year (a Member State: its own)")
def list_pledges(request: Request, pool_year: int = Query(ge=1900, le=2200)) -> dict:
    who = require(request)
    rows = service.pledges(_portal(request), who, pool_year)
    return {"pool_year": pool_year, "pledges": [_version_json(r) for r in rows]}


@router.get("/pledges/{member_state}/{pool_year}", summary="A pledge's history: every version, in order")
def pledge_history(request: Request, member_state: str = MEMBER_STATE, pool_year: int = YEAR) -> dict:
    who = require(request)
    rows = service.history(_portal(request), who, member_state, pool_year)
    if not rows:
        raise Refused(404, f"no pledge of {member_state} for {pool_year}")
    return {"member_state": member_state, "pool_year": pool_year, "versions": [_version_json(r) for r in rows]}


@router.get("/pledges/{member_state}/{pool_year}/{number}", summary="One version of a pledge, as submitted")
def pledge_version(request: Request, member_state: str = MEMBER_STATE, pool_year: int = YEAR,
                   number: int = Path(ge=1)) -> dict:
    who = require(request)
    return _version_json(service.version(_portal(request), who, member_state, pool_year, number), True)


@router.get("/pledges/{member_state}/{pool_year}/{number}/result", responses=_CHECK_RESULT,
            summary="The ammr-check/1 result stored with a version, exactly as it was given")
def pledge_result(request: Request, member_state: str = MEMBER_STATE, pool_year: int = YEAR,
                  number: int = Path(ge=1)) -> Response:
    who = require(request)
    row = service.version(_portal(request), who, member_state, pool_year, number)
    return json_text(row.result, headers={"X-AMMR-Result-SHA256": row.result_sha256})


# ------------------------------------------------------------------ the cycle and the pool

@router.post("/cycle/{pool_year}", status_code=201, openapi_extra=_ONE_DOCUMENT,
             summary="Record a document of the year's cycle (the Council implementing act, ...): Coordinator")
async def record(request: Request, pool_year: int = YEAR) -> dict:
    who = require(request, "coordinator")
    row, new = service.record(_portal(request), who, pool_year, await _one_document(request))
    return {"pool_year": row.pool_year, "type": row.type, "version": row.version, "recorded_at": row.recorded_at,
            "document_sha256": row.document_sha256, "new": new}


@router.get("/cycle/{pool_year}", summary="The latest version of each document of the year's cycle")
def cycle(request: Request, pool_year: int = YEAR) -> dict:
    who = require(request)
    rows = service.cycle(_portal(request), who, pool_year)
    return {"pool_year": pool_year, "documents": [
        {"type": r.type, "version": r.version, "recorded_at": r.recorded_at, "document_sha256": r.document_sha256,
         "document": json.loads(r.document)} for r in rows.values()]}


@router.get("/pool/{pool_year}", responses=_CHECK_RESULT,
            summary="The pool report for a year over the stored cycle and pledges: Coordinator")
def pool(request: Request, pool_year: int = YEAR) -> Response:
    who = require(request, "coordinator", "member_state")
    return _checked(service.pool(_portal(request), who, pool_year))


@router.get("/audit", summary="The audit log, latest first: Coordinator")
def audit(request: Request, limit: int = Query(default=1000, ge=1, le=100_000)) -> dict:
    who = require(request, "coordinator")
    entries = store.audit_log(_portal(request).sessions, limit)
    return {"entries": [{"id": e.id, "at": e.at, "user": e.user, "action": e.action, "target": e.target,
                         "status": e.status, "result_sha256": e.result_sha256} for e in entries],
            "read_by": who.name}
