"""The prepared rule set kept on disk, so that a command does not parse and check the rules
again while they have not changed.

Parsing (Lark) and checking the rule files takes a tenth of a second or more, and importing
the parser more still; a command that checks one document would spend most of its time there.
After a preparation, the checked program and its reference data are pickled into the user's
cache folder (~/.cache/ammr, or $XDG_CACHE_HOME/ammr, or $AMMR_CACHE_DIR; AMMR_NO_CACHE=1
turns it off), under a key made of what the result depends on: the contents of the rule files
and their paths as shown in messages, the working folder, the Python version, and the size and
time of change of the interpreter's own files. The law text and data files the preparation read
are listed with their sizes and times of change, and compared before an entry is used (as
Python checks its own compiled files). Any problem with the cache is a miss: the rule set is
prepared as if there were none. A pickle can hold code, so the folder is created private to the
user (0700), like the rest of ~/.cache; nothing else is read from it. Only the command line uses
it (`RuleSet.prepare(..., cache=True)`); tests and programs prepare afresh unless they ask.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..tools.files import write_atomic

FORMAT = 2                       # 2: the calendar of official holidays is kept too
KEEP = 8                         # entries kept in the folder; older ones are removed
_SOURCES = Path(__file__).resolve().parent.parent      # the whole package: any change of code rebuilds


def folder() -> Path | None:
    if os.environ.get("AMMR_NO_CACHE"):
        return None
    if os.environ.get("AMMR_CACHE_DIR"):
        return Path(os.environ["AMMR_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ammr"


def key(directory: Path, files: Iterable[Path]) -> str | None:
    """What the prepared program depends on, apart from the files listed in the manifest
    (None when a file cannot be read: then the parser reports it)."""
    try:
        h = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{os.getcwd()}\0{Path(directory).resolve()}\0".encode())
        for path in sorted(_SOURCES.rglob("*")):
            if path.suffix in (".py", ".lark") and path.is_file():
                h.update(f"{path.relative_to(_SOURCES).as_posix()}\0{_digest(path)}\0".encode())
        for path in files:
            h.update(f"\0{path}\0".encode() + Path(path).read_bytes())
    except OSError:
        return None
    return h.hexdigest()[:32]


def _digest(path: Path) -> str:
    """Size and time of last change, as Python checks its own compiled files (a hash of the
    law text would cost more than the rest of reading the cache)."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def load(name: str | None) -> tuple[Any, Any, Any] | None:
    """The program, tables and calendar stored under `name`, if the files they were read from are unchanged."""
    where = folder()
    if where is None or name is None:
        return None
    enabled = gc.isenabled()
    gc.disable()            # the collector would go through the objects as they are made: 3 times slower
    try:
        with open(where / f"{name}.pickle", "rb") as handle:
            entry = pickle.load(handle)
        if entry.get("format") != FORMAT:
            return None
        for path, digest in entry["manifest"].items():
            if _digest(Path(path)) != digest:
                return None
        return entry["program"], entry["tables"], entry["holidays"]
    except Exception:                # a missing, stale, partial or foreign file: prepare afresh
        return None
    finally:
        if enabled:
            gc.enable()


def store(name: str | None, program: Any, tables: dict, holidays: Any, read: Iterable[Path]) -> None:
    """Keep the program; `read` lists the other files its preparation read (law text, data)."""
    where = folder()
    if where is None or name is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        manifest = {str(Path(p).resolve()): _digest(Path(p)) for p in read}
        data = pickle.dumps({"format": FORMAT, "manifest": manifest, "program": program, "tables": tables,
                             "holidays": holidays},
                            protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(where / f"{name}.pickle", data)
        entries = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except Exception:                # a read-only home, a full disk: the cache is only a speed-up
        return
