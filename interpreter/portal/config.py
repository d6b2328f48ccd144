"""The settings of one portal server."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_BODY = 1_000_000          # bytes: a pledge is a few hundred, a Council act with 27 pledges a few thousand
MAX_DEPTH = 32                # nesting of a document: the deepest declared document nests about 6 levels
ROLES = ("member_state", "coordinator", "reader")


def default_database() -> str:
    """SQLite in the platform's user data folder (e.g. ~/.local/share/ammr/portal.sqlite3)."""
    import platformdirs  # only where no --database is given
    folder = Path(platformdirs.user_data_dir("ammr", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'portal.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database: str
    rules: str | None = None              # the rules folder (default: the project's rules/)
    docs_url: str | None = None           # root of the published reference docs, for citation links
    max_body: int = MAX_BODY
    max_depth: int = MAX_DEPTH
    secure_cookies: bool = False          # set behind HTTPS: the session cookie is then sent only over it

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Settings:
        return cls(**json.loads(text))


def normalise_url(url: str) -> str:
    """`postgresql://` means the psycopg 3 driver, the one the `serve` extra installs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
