"""Starting the portal: migrate the database, load an example cycle, run uvicorn."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from . import store
from .checking import PLEDGE, PortalChecker, pledge_label
from .config import Settings
from .db import engine_for, sessions
from .service import cycle_kept
from .store import Account

EXAMPLE_ACCOUNT = "example-loader"        # the author of documents loaded with --example; it cannot sign in


def prepare_database(settings: Settings) -> None:
    """Bring the database's schema to the latest migration, and make its session key."""
    engine = engine_for(settings.database)
    try:
        store.migrate(engine)
        store.session_key(sessions(engine))
    finally:
        engine.dispose()


def example_documents(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every document of the YAML and JSON files of a folder, as JSON data (dates as ISO text)."""
    found = []
    for path in sorted(p for p in Path(folder).iterdir() if p.suffix in (".yaml", ".yml", ".json")):
        for data in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(data, dict):
                found.append((path, json.loads(json.dumps(data, default=str))))
    return found


def load_example(settings: Settings, folder: Path, checker: PortalChecker) -> list[str]:
    """Record the cycle documents of `folder` for their year, and submit its pledges, unless the
    latest stored version is already the same document. Returns what was added."""
    engine = engine_for(settings.database)
    made = sessions(engine)
    try:
        loader = _loader(made)
        added = []
        for path, data in example_documents(folder):
            checker.read([(path.name, data)])                # valid, or Failed with its errors
            year = data.get("pool_year")
            if not isinstance(year, int):
                continue                                     # a document of no pool year (an annual report): not stored
            if data["document"] == PLEDGE:
                if _same_pledge(made, data):
                    continue
                checked = checker.pledge_check(data, cycle_kept(made, year))
                store.submit_pledge(made, loader, data["member_state"], year, data, checked.text,
                                   checked.overall_of(pledge_label(data["member_state"], year)))
                added.append(f"pledge {data['member_state']} {year} ({path.name})")
            else:
                row, new = store.record_cycle_document(made, loader, year, data["document"], data)
                if new:
                    added.append(f"{row.type} {year} version {row.version} ({path.name})")
        return added
    finally:
        engine.dispose()


def _loader(made) -> Account:
    for account, _, _ in store.users(made):
        if account.name == EXAMPLE_ACCOUNT:
            return account
    account = store.add_user(made, EXAMPLE_ACCOUNT, "coordinator", None, None)
    store.disable_user(made, EXAMPLE_ACCOUNT)
    return account


def _same_pledge(made, data: dict) -> bool:
    latest = store.latest_pledges(made, data["pool_year"], data.get("member_state"))
    return bool(latest) and latest[0].document == store.canonical(data)


def run(settings: Settings, host: str, port: int, workers: int = 1, access_log: bool = True) -> None:
    import uvicorn  # only `ammr serve` itself runs the server, not the users commands

    from .app import SETTINGS_VARIABLE, create_app  # the app factory imports FastAPI: only for running
    if workers > 1:
        os.environ[SETTINGS_VARIABLE] = settings.to_json()
        uvicorn.run("interpreter.portal.app:from_environment", factory=True, host=host, port=port, workers=workers,
                    access_log=access_log, log_level="info")
    else:
        uvicorn.run(create_app(settings), host=host, port=port, access_log=access_log, log_level="info")
