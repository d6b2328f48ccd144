"""What the API and the pages both do, with the rules of who may do it: one function per action,
taking the portal and the account asking. The routes only translate HTTP to these and back."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from . import store
from .auth import own_state
from .checking import PLEDGE, Checked, Kept, PortalChecker, cycle_label, pledge_label
from .config import Settings
from .db import PledgeVersion
from .security import VerifiedTokens
from .store import Account, Refused


@dataclass(frozen=True)
class Portal:
    """One server process's state: its settings, database and prepared rule set."""
    settings: Settings
    sessions: sessionmaker[Session]
    checker: PortalChecker
    verified: VerifiedTokens


def cycle_named(sessions: sessionmaker[Session], pool_year: int) -> list[tuple[str, Any]]:
    """The latest version of each of the year's cycle documents, named as a check calls them."""
    rows = store.cycle_documents(sessions, pool_year)
    return [(cycle_label(pool_year, row.type, row.version), json.loads(row.document)) for row in rows.values()]


def cycle_kept(sessions: sessionmaker[Session], pool_year: int) -> list[Kept]:
    """The same documents as `cycle_named`, each read from the database only when the checker has
    not kept it (asked on every pledge check: which versions are the latest)."""
    return [Kept(cycle_label(pool_year, v.type, v.version), v.type, v.sha256,
                 functools.partial(_load, sessions, v.row_id)) for v in store.cycle_versions(sessions, pool_year)]


def _load(sessions: sessionmaker[Session], row_id: int) -> Any:
    return json.loads(store.cycle_text(sessions, row_id))


def _cycle(portal: Portal, pool_year: int) -> list[tuple[str, Any]]:
    return cycle_named(portal.sessions, pool_year)


def _pledge_scope(who: Account, pledge: Any) -> tuple[str, int]:
    """The Member State and year of a pledge document, once the account may act on it."""
    if not isinstance(pledge, dict) or pledge.get("document") != PLEDGE:
        raise Refused(422, f"a pledge is a document of type {PLEDGE} ('document: {PLEDGE}')")
    member_state, pool_year = pledge.get("member_state"), pledge.get("pool_year")
    if who.role == "member_state" and member_state != who.member_state:
        raise Refused(403, f"this account is for {who.member_state}: it checks and submits {who.member_state}'s "
                           f"pledges only, and the document's member_state is {member_state!r}")
    if not isinstance(member_state, str) or not isinstance(pool_year, int) or isinstance(pool_year, bool):
        raise Refused(422, "a pledge states its member_state (e.g. NL) and its pool_year (e.g. 2026)")
    return member_state, pool_year


def check_documents(portal: Portal, named: list[tuple[str, Any]], data_years: dict | None = None) -> Checked:
    return portal.checker.check(named, data_years)


def check_pledge(portal: Portal, who: Account, pledge: Any, pool: bool = True) -> Checked:
    _, pool_year = _pledge_scope(who, pledge)
    return portal.checker.pledge_check(pledge, cycle_kept(portal.sessions, pool_year), pool)


def submit_pledge(portal: Portal, who: Account, pledge: Any) -> tuple[PledgeVersion, Checked]:
    if who.role != "member_state":
        raise Refused(403, "only a Member State's account submits a pledge: the Coordinator records the "
                           "Council implementing act")
    member_state, pool_year = _pledge_scope(who, pledge)
    checked = portal.checker.pledge_check(pledge, cycle_kept(portal.sessions, pool_year))
    row = store.submit_pledge(portal.sessions, who, member_state, pool_year, pledge, checked.text,
                              checked.overall_of(pledge_label(member_state, pool_year)))
    return row, checked


def pledges(portal: Portal, who: Account, pool_year: int) -> list[PledgeVersion]:
    """The latest pledge of every Member State the account may see."""
    if who.role == "reader":
        own_state(who, "")
    mine = who.member_state if who.role == "member_state" else None
    store.audit(portal.sessions, who, "read", f"pledges {pool_year}" + (f" of {mine}" if mine else ""), 200)
    return store.latest_pledges(portal.sessions, pool_year, mine)


def history(portal: Portal, who: Account, member_state: str, pool_year: int) -> list[PledgeVersion]:
    target = f"pledge {member_state} {pool_year} versions"
    _guard(portal, who, member_state, target)
    store.audit(portal.sessions, who, "read", target, 200)
    return store.pledge_history(portal.sessions, member_state, pool_year)


def version(portal: Portal, who: Account, member_state: str, pool_year: int, number: int) -> PledgeVersion:
    target = f"pledge {member_state} {pool_year} v{number}"
    _guard(portal, who, member_state, target)
    row = store.pledge_version(portal.sessions, member_state, pool_year, number)
    store.audit(portal.sessions, who, "read", target, 200, row.result_sha256)
    return row


def _guard(portal: Portal, who: Account, member_state: str, target: str) -> None:
    """Refuse (and log the refusal of) another Member State's pledges."""
    try:
        own_state(who, member_state)
    except Refused as refusal:
        store.audit(portal.sessions, who, "refused", target, refusal.status)
        raise


def record(portal: Portal, who: Account, pool_year: int, document: Any) -> tuple[Any, bool]:
    if who.role != "coordinator":
        raise Refused(403, "only the Coordinator's account records the documents of the cycle")
    if not isinstance(document, dict) or document.get("document") == PLEDGE:
        raise Refused(422, "record a document of the cycle (a Commission proposal, a Council implementing act, "
                           "...): a Member State submits its own pledge")
    if document.get("pool_year") not in (None, pool_year):
        raise Refused(422, f"the document's pool_year is {document.get('pool_year')!r}, not {pool_year}")
    portal.checker.read([(cycle_label(pool_year, str(document.get("document")), 0), document)])   # valid, or Failed
    return store.record_cycle_document(portal.sessions, who, pool_year, document["document"], document)


def cycle(portal: Portal, who: Account, pool_year: int) -> dict[str, Any]:
    if who.role == "reader":
        raise Refused(403, "a reader account reads the rule set and checks documents; the stored cycle is "
                           "for Member States and the Coordinator")
    return store.cycle_documents(portal.sessions, pool_year)


def pool(portal: Portal, who: Account, pool_year: int) -> Checked:
    """The year's cycle with every Member State's latest pledge, checked together (Coordinator only)."""
    if who.role != "coordinator":
        store.audit(portal.sessions, who, "refused", f"pool {pool_year}", 403)
        raise Refused(403, "the pool report shows every Member State's pledge: it is for the Coordinator's account")
    rows = store.cycle_documents(portal.sessions, pool_year)
    latest = store.latest_pledges(portal.sessions, pool_year)
    key = (pool_year, tuple((t, r.version) for t, r in sorted(rows.items())),
           tuple((p.member_state, p.version) for p in latest))
    named_pledges = [(pledge_label(p.member_state, pool_year), json.loads(p.document)) for p in latest]
    checked = portal.checker.pool(_cycle(portal, pool_year), named_pledges, key)
    store.audit(portal.sessions, who, "read", f"pool {pool_year}", 200, checked.sha256)
    return checked


def years(portal: Portal) -> list[int]:
    return sorted(set(store.cycle_years(portal.sessions)) | set(store.pledge_years(portal.sessions)))
