"""Secrets kept only as salted hashes (stdlib scrypt), and the CSRF tokens of the forms.

A password is hashed with scrypt at a cost that makes guessing slow. An API token is 32 random
bytes: guessing is hopeless whatever the hash, so the same scrypt hash is kept, and a server
remembers, in memory only, which presented tokens it has verified against which stored hash, so
that a program calling the API many times a second does not pay the scrypt cost each time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading

_N, _R, _P = 2 ** 14, 8, 1          # scrypt cost: about 50 ms and 16 MiB per hash
TOKEN_PREFIX = "ammr"


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        found = hashlib.scrypt(secret.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                               dklen=len(_unb64(digest)), maxmem=2 ** 26)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, _unb64(digest))


def new_token(token_id: int) -> tuple[str, str]:
    """A token for the row `token_id`: (what the user is given once, the random part to hash)."""
    secret = secrets.token_urlsafe(32)
    return f"{TOKEN_PREFIX}_{token_id}_{secret}", secret


def parse_token(token: str) -> tuple[int, str] | None:
    prefix, _, rest = token.partition("_")
    token_id, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not token_id.isdigit() or not secret:
        return None
    return int(token_id), secret


class VerifiedTokens:
    """Which (token row, stored hash, presented secret) were verified: a hit skips scrypt, and a
    changed stored hash (a new token) is a miss. The account's state is read on every request."""

    def __init__(self, size: int = 4096):
        self._seen: dict[tuple[int, str, str], bool] = {}
        self._size = size
        self._lock = threading.Lock()

    def verify(self, token_id: int, stored: str, secret: str) -> bool:
        key = (token_id, stored, hashlib.sha256(secret.encode()).hexdigest())
        with self._lock:
            if key in self._seen:
                return True
        if not verify_secret(secret, stored):
            return False
        with self._lock:
            if len(self._seen) >= self._size:
                self._seen.clear()
            self._seen[key] = True
        return True


def csrf_token() -> str:
    return secrets.token_urlsafe(24)


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
