"""Failed sign-ins, limited per account and per client address: guessing a password through the
form is slowed to a few tries in a quarter of an hour, whichever account or address it comes from.

The count is the audit log's: every refused sign-in is logged there with the account's name (as
before) and with the client's address, so that the limit holds across the server's workers and its
restarts. A sign-in over the limit is answered 429 with Retry-After (the seconds until the oldest
counted failure leaves the window), without its password being checked, and is logged too. API
tokens are not limited: they are 32 random bytes, not something a person chooses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from . import store
from .store import Account

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5                 # failed sign-ins of one account name within WINDOW
PER_ADDRESS = 20                # failed sign-ins from one client address within WINDOW, any names
REFUSED = "login refused"       # target: the account's name
REFUSED_FROM = "login refused from"     # target: the client's address
LIMITED = "login limited"


@dataclass(frozen=True)
class Limit:
    action: str
    limit: int


LIMITS = (Limit(REFUSED, PER_ACCOUNT), Limit(REFUSED_FROM, PER_ADDRESS))


def now() -> datetime:
    return datetime.now(UTC)


def retry_after(sessions: sessionmaker[Session], name: str, address: str) -> int:
    """Seconds before a sign-in of `name` from `address` is taken again; 0 when it is taken now."""
    at = now()
    since = (at - WINDOW).isoformat(timespec="microseconds")
    wait = 0.0
    for limit, target in zip(LIMITS, (name[:100], address[:100]), strict=True):
        failures = store.audit_times(sessions, limit.action, target, since)
        if len(failures) >= limit.limit:
            frees = datetime.fromisoformat(failures[-limit.limit]) + WINDOW     # one attempt is free again
            wait = max(wait, (frees - at).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def failed(sessions: sessionmaker[Session], name: str, address: str) -> None:
    store.audit(sessions, None, REFUSED, name[:100], 401)
    store.audit(sessions, None, REFUSED_FROM, address[:100], 401)


def limited(sessions: sessionmaker[Session], who: Account | None, name: str, address: str) -> None:
    store.audit(sessions, who, LIMITED, f"{name[:100]} from {address[:60]}", 429)
