"""The application factory: one FastAPI application over one database and one prepared rule set."""

from __future__ import annotations

import gc
import logging
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from interpreter import Failed

from . import api, pages, store
from .checking import PortalChecker
from .config import Settings
from .db import engine_for, sessions
from .limits import BodyLimit
from .security import VerifiedTokens
from .service import Portal
from .store import Refused

SETTINGS_VARIABLE = "AMMR_PORTAL_SETTINGS"     # how `ammr serve --workers N` hands the settings to each worker
SESSION_HOURS = 8
GC_YOUNG = 50_000              # allocations between collections of the youngest generation (Python's default: 700)
log = logging.getLogger("ammr.portal")


def create_app(settings: Settings, checker: PortalChecker | None = None) -> FastAPI:
    """The portal on `settings.database`, which must be migrated already (server.py does it)."""
    engine = engine_for(settings.database)
    made = sessions(engine)
    portal = Portal(settings, made, checker or PortalChecker(settings.rules, settings.docs_url), VerifiedTokens())
    # The prepared rule set is a large graph that never becomes garbage: kept out of the cyclic
    # collector's full passes, which otherwise add 100 ms and more to one check in fifty.
    gc.collect()
    gc.freeze()
    # A check holds its result and view (thousands of steps and dicts, freed by reference counting
    # once sent) while it builds them: at Python's default threshold the collector walks them about
    # twice a check (1.9 young and 0.17 middle collections), 10-15 % of a check's CPU (in process,
    # blocks of 20 checks alternating, under load: 9.6 -> 8.2 ms, 7.0 -> 6.2 ms).
    gc.set_threshold(GC_YOUNG, 20, 20)
    # FastAPIOffline: the OpenAPI page (/docs) with Swagger UI shipped in the package, not from a CDN
    app = FastAPIOffline(title="AMMR pledge portal", version="1", redoc_url=None,
                  description="Check documents of the Annual Solidarity Pool against Regulation (EU) 2024/1351, "
                              "submit pledges and read the pool. Every check answers the ammr-check/1 document "
                              "of `ammr check --format json`. Send 'Authorization: Bearer TOKEN' "
                              "(`ammr serve users token NAME`).")
    app.state.portal = portal
    app.state.pages = pages.environment()
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static")
    app.add_middleware(SessionMiddleware, secret_key=store.session_key(made), session_cookie="ammr_session",
                       max_age=SESSION_HOURS * 3600, same_site="strict", https_only=settings.secure_cookies)
    app.add_middleware(BodyLimit, max_body=settings.max_body)
    _handlers(app)
    return app


def from_environment() -> FastAPI:
    """For uvicorn's workers (`factory=True`): the settings come in an environment variable."""
    return create_app(Settings.from_json(os.environ[SETTINGS_VARIABLE]))


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.url.path not in ("/docs", "/openapi.json")


def _refusal(request: Request, status: int, message: str, errors: list | None = None):
    if _wants_html(request):
        titles = {401: "Sign in", 403: "Not allowed", 404: "Not found", 413: "Too large", 422: "Not valid"}
        return pages.page(request, "error.html.j2", status, title=titles.get(status, "Refused"), code=status,
                          message=message, errors=errors or [])
    if errors is not None:
        # the shape of `ammr check --format json` for documents that are not valid
        return JSONResponse({"errors": errors}, status_code=status)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def refused(request: Request, error: Refused):
        return _refusal(request, error.status, error.message)

    @app.exception_handler(Failed)
    async def failed(request: Request, error: Failed):
        return _refusal(request, 422, "the documents are not valid", [d.to_json() for d in error.diagnostics])

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        return _refusal(request, 422, problems)

    @app.exception_handler(HTTPException)
    async def http(request: Request, error: HTTPException):
        return _refusal(request, error.status_code, str(error.detail))

    @app.exception_handler(Exception)
    async def internal(request: Request, error: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _refusal(request, 500, "internal error: this is a bug in the portal, not in your request "
                                      "(the server's log has the details)")


