"""Fixtures of the portal's tests: a migrated database (SQLite, and PostgreSQL when
AMMR_TEST_POSTGRES_URL names a server), accounts of each role, and an in-process client."""

from __future__ import annotations

import importlib
import importlib.util
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

fastapi = pytest.importorskip("fastapi", reason="the portal needs the serve extra: pip install -e '.[serve]'")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from interpreter.portal import security, server, store  # noqa: E402
from interpreter.portal.app import create_app  # noqa: E402
from interpreter.portal.checking import PortalChecker  # noqa: E402
from interpreter.portal.config import Settings, normalise_url  # noqa: E402
from interpreter.portal.db import engine_for, sessions  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "2026"
POSTGRES = "AMMR_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    """The PostgreSQL server to test against; without one the tests are skipped (or fail, in CI)."""
    url = os.environ.get(POSTGRES)
    if url:
        return normalise_url(url)
    reason = (f"PostgreSQL tests need a server: set {POSTGRES} (bash .ci/postgres.sh starts one; "
              "Debian package: postgresql)")
    if os.environ.get("AMMR_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason + "; AMMR_REQUIRE_POSTGRES=1 makes its absence a failure")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def one_time_of_check(monkeypatch):
    """Every result states the time of its check (its audit record): one fixed time, so that two checks
    of the same documents in a test give the same text, as they do within the same second."""
    monkeypatch.setenv("AMMR_CHECKED_AT", "2026-03-01T10:00:00Z")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> str:
    """An empty database: a SQLite file, or a new database on the PostgreSQL server (dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        return
    url = make_url(postgres_url())
    name = f"ammr_test_{secrets.token_hex(6)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def fast_hashes(monkeypatch):
    """scrypt at a low cost, so that making accounts does not dominate the tests' time (the cost
    of the real setting is tested on its own)."""
    monkeypatch.setattr(security, "_N", 2 ** 4)


@pytest.fixture(scope="session")
def checker() -> PortalChecker:
    return PortalChecker()


@dataclass
class World:
    """A migrated portal with the 2026 example loaded and one account of each kind."""
    settings: Settings
    made: object
    client: TestClient
    tokens: dict[str, str]
    passwords: dict[str, str]

    def as_(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


ACCOUNTS = {"nl": ("member_state", "NL"), "de": ("member_state", "DE"), "coordinator": ("coordinator", None),
            "reader": ("reader", None)}


def make_world(database: str, checker: PortalChecker, example: bool = True) -> World:
    settings = Settings(database=database)
    server.prepare_database(settings)
    made = sessions(engine_for(database))
    tokens, passwords = {}, {}
    for name, (role, member_state) in ACCOUNTS.items():
        passwords[name] = secrets.token_urlsafe(12)
        store.add_user(made, name, role, member_state, passwords[name])
        tokens[name] = store.issue_token(made, name)
    if example:
        server.load_example(settings, EXAMPLE, checker)
    client = TestClient(create_app(settings, checker))
    return World(settings, made, client, tokens, passwords)


@pytest.fixture
def world(database, checker, fast_hashes) -> World:
    w = make_world(database, checker)
    yield w
    w.client.close()
    w.made.kw["bind"].dispose()


def serve_module():
    return importlib.import_module("interpreter.cli.serve")


def serve_command() -> list[str]:
    """How to start `ammr serve` in a subprocess."""
    import sys
    return [sys.executable, "-m", "interpreter", "serve"]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium (Debian's chromium, chromium-driver)")
