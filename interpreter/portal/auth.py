"""Who is asking, and what each role may do.

    member_state  checks documents; submits and reads its own Member State's pledges only
    coordinator   checks documents; reads every pledge and the pool; records the cycle's documents
    reader        the rule set, the schemas and the docs; checks the documents it sends; nothing stored

An API client sends `Authorization: Bearer <token>`; a browser signs in and carries a signed
session cookie, and then every request that changes something carries the session's CSRF token
(a form's hidden field, or the `X-CSRF-Token` header of the page's script).
"""

from __future__ import annotations

from fastapi import Request

from . import security, store
from .store import Account, Refused

CSRF_HEADER = "x-csrf-token"
ROLE_NAMES = {"member_state": "Member State", "coordinator": "Coordinator", "reader": "reader"}
_UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def current(request: Request) -> Account | None:
    portal = request.app.state.portal
    header = request.headers.get("authorization", "")
    if header:
        kind, _, token = header.partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            raise Refused(401, "the Authorization header must be 'Bearer <token>'")
        found = store.account_for_token(portal.sessions, token.strip(), portal.verified)
        if found is None:
            raise Refused(401, "the token is not valid, or its account is disabled")
        return found
    user_id = request.session.get("user")
    return store.account(portal.sessions, user_id) if isinstance(user_id, int) else None


def require(request: Request, *roles: str, form: dict | None = None) -> Account:
    """The account asking, if it has one of `roles`; else a refusal saying why (401 or 403).
    A browser's request that changes something must carry the session's CSRF token: in `form`
    (a page's form, already read) or in the X-CSRF-Token header (the page's script)."""
    who = current(request)
    if who is None:
        raise Refused(401, "sign in first: an API client sends 'Authorization: Bearer <token>' "
                           "(ask for one with `ammr serve users token NAME`)")
    if request.method in _UNSAFE and "authorization" not in request.headers:
        given = form.get("csrf") if form is not None else request.headers.get(CSRF_HEADER)
        if not security.same_token(given, request.session.get("csrf")):
            raise Refused(403, "the request lacks this session's CSRF token: reload the page and try again")
    if roles and who.role not in roles:
        raise Refused(403, f"a {ROLE_NAMES[who.role]} account may not do this: "
                           f"it is for {' or '.join(ROLE_NAMES[r] for r in roles)} accounts")
    return who


def own_state(who: Account, member_state: str) -> None:
    """A Member State's account sees only its own pledges; the Coordinator sees all. The refusal
    says nothing of whether the other state's pledge exists."""
    if who.role == "member_state" and who.member_state != member_state:
        raise Refused(403, f"this account is for {who.member_state}: it reads and submits {who.member_state}'s "
                           "pledges only")
    if who.role == "reader":
        raise Refused(403, "a reader account reads the rule set and checks documents; it reads no pledge")


def csrf(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = security.csrf_token()
    return token
