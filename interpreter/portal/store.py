"""What the portal keeps: accounts, pledge versions, the documents of each year's cycle and the
audit log. Each function is one transaction: a submission and its audit entry are written
together or not at all."""

from __future__ import annotations

import functools
import hashlib
import json
import secrets as random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from . import security
from .config import ROLES
from .db import AuditEntry, CycleDocument, PledgeVersion, Setting, Token, User

MIGRATIONS = Path(__file__).with_name("migrations")
_RETRIES = 50               # versions taken by concurrent submissions of the same pledge: try the next


class Refused(Exception):
    """A request the store will not carry out; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(document: dict) -> str:
    """A document as stored: JSON, keys in the order given (the order a submitter wrote them)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- schema

def _alembic(connection):
    from alembic.config import Config  # migrations load only at start-up, not with every store import
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    from alembic import command  # as above
    with engine.begin() as connection:
        command.upgrade(_alembic(connection), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command  # as above
    with engine.begin() as connection:
        command.downgrade(_alembic(connection), revision)


def session_key(sessions: sessionmaker[Session]) -> str:
    """The key that signs session cookies: made once per database, shared by every worker."""
    with sessions.begin() as s:
        found = s.get(Setting, "session_key")
        if found is not None:
            return found.value
        s.add(Setting(name="session_key", value=random.token_urlsafe(48)))
    with sessions() as s:                 # another process may have made it first: read the winner
        made = s.get(Setting, "session_key")
        if made is None:
            raise RuntimeError("the session key could not be stored")
        return made.value


# ---------------------------------------------------------------- accounts

@dataclass(frozen=True)
class Account:
    """Who is asking: what the routes see of a user."""
    id: int
    name: str
    role: str
    member_state: str | None

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(user.id, user.name, user.role, user.member_state)


def add_user(sessions: sessionmaker[Session], name: str, role: str, member_state: str | None,
             password: str | None) -> Account:
    if role not in ROLES:
        raise Refused(400, f"no role '{role}': one of {', '.join(ROLES)}")
    if (role == "member_state") != bool(member_state):
        raise Refused(400, "a member_state account names its Member State (--member-state XX), and only it does")
    try:
        with sessions.begin() as s:
            user = User(name=name, role=role, member_state=member_state, disabled=False,
                        password_hash=security.hash_secret(password) if password else None)
            s.add(user)
            s.flush()
            return Account.of(user)
    except IntegrityError:
        raise Refused(409, f"there is already an account named '{name}'") from None


def users(sessions: sessionmaker[Session]) -> list[tuple[Account, bool, int]]:
    """Every account, whether it is disabled, and how many tokens it has."""
    with sessions() as s:
        counts = dict(s.execute(select(Token.user_id, func.count()).group_by(Token.user_id)).all())
        return [(Account.of(u), u.disabled, counts.get(u.id, 0)) for u in s.scalars(select(User).order_by(User.name))]


def disable_user(sessions: sessionmaker[Session], name: str) -> None:
    with sessions.begin() as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            raise Refused(404, f"no account named '{name}'")
        user.disabled = True


def set_password(sessions: sessionmaker[Session], name: str, password: str) -> None:
    with sessions.begin() as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            raise Refused(404, f"no account named '{name}'")
        user.password_hash = security.hash_secret(password)


def issue_token(sessions: sessionmaker[Session], name: str, label: str = "") -> str:
    """A new API token for the account; it is shown once and kept only as a hash."""
    with sessions.begin() as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            raise Refused(404, f"no account named '{name}'")
        row = Token(user_id=user.id, hash="-", label=label)
        s.add(row)
        s.flush()
        token, secret = security.new_token(row.id)
        row.hash = security.hash_secret(secret)
        return token


def login(sessions: sessionmaker[Session], name: str, password: str) -> Account | None:
    with sessions() as s:
        user = s.scalar(select(User).where(User.name == name))
    if user is None or user.disabled or not user.password_hash:
        security.verify_secret(password, _dummy_hash())        # the same time whether the name exists or not
        return None
    return Account.of(user) if security.verify_secret(password, user.password_hash) else None


@functools.cache
def _dummy_hash() -> str:
    return security.hash_secret("no such account")


# Read on every API request: the columns only, through a connection (no ORM session, no objects).
_TOKEN_ACCOUNT = (select(Token.hash, User.id, User.name, User.role, User.member_state, User.disabled)
                  .join(User, Token.user_id == User.id).where(Token.id == bindparam("token_id")))


def account_for_token(sessions: sessionmaker[Session], token: str, verified: security.VerifiedTokens) -> Account | None:
    parsed = security.parse_token(token)
    if parsed is None:
        return None
    token_id, secret = parsed
    with _engine(sessions).connect() as c:
        row = c.execute(_TOKEN_ACCOUNT, {"token_id": token_id}).first()
    if row is None or row.disabled or not verified.verify(token_id, row.hash, secret):
        return None
    return Account(row.id, row.name, row.role, row.member_state)


def _engine(sessions: sessionmaker[Session]) -> Engine:
    return sessions.kw["bind"]


def account(sessions: sessionmaker[Session], user_id: int) -> Account | None:
    with sessions() as s:
        user = s.get(User, user_id)
    return None if user is None or user.disabled else Account.of(user)


# ---------------------------------------------------------------- pledges

def _next_version(s: Session, column_filter, model) -> int:
    return (s.scalar(select(func.max(model.version)).where(*column_filter)) or 0) + 1


def _append_version(sessions: sessionmaker[Session], model, where: Callable, make: Callable, audit: dict) -> Any:
    """Append the next version of a versioned record, with its audit entry, in one transaction.
    Two writers may take the same number: the unique constraint refuses one, which tries again."""
    for _ in range(_RETRIES):
        try:
            with sessions.begin() as s:
                row = make(_next_version(s, where(), model))
                s.add(row)
                s.add(AuditEntry(**audit, result_sha256=getattr(row, "result_sha256", None)
                                 or getattr(row, "document_sha256", None)))
                s.flush()
                return _detached(s, row)
        except IntegrityError:
            continue
    raise Refused(503, "too many submissions of the same record at once: try again")


def _detached(s: Session, row):
    s.expunge(row)
    return row


def submit_pledge(sessions: sessionmaker[Session], who: Account, member_state: str, pool_year: int,
                  document: dict, result: str, overall: str) -> PledgeVersion:
    digest = sha256(result)
    return _append_version(
        sessions, PledgeVersion,
        lambda: (PledgeVersion.member_state == member_state, PledgeVersion.pool_year == pool_year),
        lambda version: PledgeVersion(member_state=member_state, pool_year=pool_year, version=version,
                                      document=canonical(document), result=result, result_sha256=digest,
                                      overall=overall, submitted_by=who.id),
        {"user": who.name, "action": "submit", "target": f"pledge {member_state} {pool_year}", "status": 201})


def pledge_history(sessions: sessionmaker[Session], member_state: str, pool_year: int) -> list[PledgeVersion]:
    with sessions() as s:
        return list(s.scalars(select(PledgeVersion).where(PledgeVersion.member_state == member_state,
                                                          PledgeVersion.pool_year == pool_year)
                              .order_by(PledgeVersion.version)))


def pledge_version(sessions: sessionmaker[Session], member_state: str, pool_year: int, version: int) -> PledgeVersion:
    with sessions() as s:
        row = s.scalar(select(PledgeVersion).where(PledgeVersion.member_state == member_state,
                                                   PledgeVersion.pool_year == pool_year,
                                                   PledgeVersion.version == version))
    if row is None:
        raise Refused(404, f"no version {version} of the pledge of {member_state} for {pool_year}")
    return row


def latest_pledges(sessions: sessionmaker[Session], pool_year: int,
                   member_state: str | None = None) -> list[PledgeVersion]:
    """The latest version of each Member State's pledge for the year (or of one Member State's)."""
    with sessions() as s:
        latest = (select(PledgeVersion.member_state, func.max(PledgeVersion.version).label("version"))
                  .where(PledgeVersion.pool_year == pool_year).group_by(PledgeVersion.member_state).subquery())
        query = (select(PledgeVersion).join(latest, (PledgeVersion.member_state == latest.c.member_state)
                                            & (PledgeVersion.version == latest.c.version))
                 .where(PledgeVersion.pool_year == pool_year))
        if member_state is not None:
            query = query.where(PledgeVersion.member_state == member_state)
        return list(s.scalars(query.order_by(PledgeVersion.member_state)))


def pledge_years(sessions: sessionmaker[Session]) -> list[int]:
    with sessions() as s:
        return list(s.scalars(select(PledgeVersion.pool_year).distinct().order_by(PledgeVersion.pool_year)))


# ---------------------------------------------------------------- the cycle

def record_cycle_document(sessions: sessionmaker[Session], who: Account | None, pool_year: int, type_name: str,
                          document: dict) -> tuple[CycleDocument, bool]:
    """Record a document of the year's cycle as its next version; (row, False) when the latest
    version is already the same document (loading an example twice adds nothing)."""
    stored = canonical(document)
    digest = sha256(stored)
    latest = cycle_documents(sessions, pool_year).get(type_name)
    if latest is not None and latest.document_sha256 == digest:
        return latest, False
    row = _append_version(
        sessions, CycleDocument,
        lambda: (CycleDocument.pool_year == pool_year, CycleDocument.type == type_name),
        lambda version: CycleDocument(pool_year=pool_year, type=type_name, version=version, document=stored,
                                      document_sha256=digest, recorded_by=who.id if who else None),
        {"user": who.name if who else "-", "action": "record", "target": f"{type_name} {pool_year}", "status": 201})
    return row, True


def cycle_documents(sessions: sessionmaker[Session], pool_year: int) -> dict[str, CycleDocument]:
    """The latest version of each type of cycle document for the year."""
    with sessions() as s:
        rows = s.scalars(select(CycleDocument).where(CycleDocument.pool_year == pool_year)
                         .order_by(CycleDocument.type, CycleDocument.version))
        return {row.type: row for row in rows}


@dataclass(frozen=True)
class StoredVersion:
    """Which version of a cycle document is the latest, without the document: its row, and the
    SHA-256 of its stored text (a version never changes: append-only)."""
    type: str
    version: int
    sha256: str
    row_id: int


_CYCLE_VERSIONS = (select(CycleDocument.type, CycleDocument.version, CycleDocument.document_sha256, CycleDocument.id)
                   .where(CycleDocument.pool_year == bindparam("pool_year"))
                   .order_by(CycleDocument.type, CycleDocument.version))


def cycle_versions(sessions: sessionmaker[Session], pool_year: int) -> list[StoredVersion]:
    """The latest version of each type of cycle document for the year, in the order of
    `cycle_documents`, read on every pledge check (the documents themselves are read by
    `cycle_text` when the checker has not kept them)."""
    with _engine(sessions).connect() as c:
        rows = c.execute(_CYCLE_VERSIONS, {"pool_year": pool_year}).all()
    latest = {r.type: StoredVersion(r.type, r.version, r.document_sha256, r.id) for r in rows}
    return list(latest.values())


def cycle_text(sessions: sessionmaker[Session], row_id: int) -> str:
    with _engine(sessions).connect() as c:
        return c.execute(select(CycleDocument.document).where(CycleDocument.id == row_id)).scalar_one()


def cycle_years(sessions: sessionmaker[Session]) -> list[int]:
    with sessions() as s:
        return list(s.scalars(select(CycleDocument.pool_year).distinct().order_by(CycleDocument.pool_year)))


# ---------------------------------------------------------------- audit

def audit(sessions: sessionmaker[Session], who: Account | None, action: str, target: str, status: int,
          result_sha256: str | None = None) -> None:
    with sessions.begin() as s:
        s.add(AuditEntry(user=who.name if who else "-", action=action, target=target[:200], status=status,
                         result_sha256=result_sha256))


def audit_log(sessions: sessionmaker[Session], limit: int = 1000) -> list[AuditEntry]:
    with sessions() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))


def audit_times(sessions: sessionmaker[Session], action: str, target: str, since: str) -> list[str]:
    """When `action` on `target` was logged after `since` (ISO 8601, UTC), oldest first."""
    with sessions() as s:
        return list(s.scalars(select(AuditEntry.at).where(AuditEntry.action == action, AuditEntry.target == target,
                                                          AuditEntry.at > since).order_by(AuditEntry.at)))
