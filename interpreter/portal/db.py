"""The tables. Pledges, cycle documents and the audit log are append-only: a correction is a new
version, and nothing is updated or deleted. That is enforced here (a session refuses to flush or
execute a change to them) and in the database itself by triggers (migrations/)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from .config import normalise_url


def now() -> str:
    """The time of an event: UTC, ISO 8601 to the microsecond (a string sorts and compares the
    same in SQLite and PostgreSQL)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Base(DeclarativeBase):
    pass


class AppendOnly:
    """A table whose rows, once written, stay as written."""


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    member_state: Mapped[str | None] = mapped_column(String(2))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[str] = mapped_column(String(40), default=now)


class Token(Base):
    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    hash: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[str] = mapped_column(String(40), default=now)


class PledgeVersion(AppendOnly, Base):
    __tablename__ = "pledge_versions"
    __table_args__ = (UniqueConstraint("member_state", "pool_year", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    member_state: Mapped[str] = mapped_column(String(2))
    pool_year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)          # the pledge as submitted (JSON)
    result: Mapped[str] = mapped_column(Text)            # the ammr-check/1 result, as rendered
    result_sha256: Mapped[str] = mapped_column(String(64))
    overall: Mapped[str] = mapped_column(String(40))
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[str] = mapped_column(String(40), default=now)


class CycleDocument(AppendOnly, Base):
    """A document of the year's cycle recorded by the Coordinator: the Commission proposal, the
    Council implementing act, the High-Level Forum, the Art 11 decision, the overview."""
    __tablename__ = "cycle_documents"
    __table_args__ = (UniqueConstraint("pool_year", "type", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pool_year: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    document_sha256: Mapped[str] = mapped_column(String(64))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[str] = mapped_column(String(40), default=now)


class AuditEntry(AppendOnly, Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(40), default=now)
    user: Mapped[str] = mapped_column(String(100))       # the account's name, or "-" when none
    action: Mapped[str] = mapped_column(String(40))      # submit, read, check, record, login, refused, ...
    target: Mapped[str] = mapped_column(String(200))
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)          # the HTTP status answered


class Setting(Base):
    """Server-wide values shared by every worker process (the session signing key)."""
    __tablename__ = "settings"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class AppendOnlyViolation(RuntimeError):
    pass


def engine_for(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_pragmas(connection, _record) -> None:
    # WAL: readers do not wait for the writer; FULL: a commit acknowledged is on disk; foreign keys
    # are off in SQLite unless asked for.
    cursor = connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=30000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AppendOnly) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyViolation(f"{_table(type(obj))} is append-only: rows are never changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state) -> None:
    if state.is_update or state.is_delete:
        for mapper in state.all_mappers:
            if issubclass(mapper.class_, AppendOnly):
                raise AppendOnlyViolation(f"{_table(mapper.class_)} is append-only: rows are never changed or deleted")


def _table(model: type) -> str:
    return str(getattr(model, "__tablename__", model.__name__))
