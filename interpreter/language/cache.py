"""The prepared rule set kept on disk, so that a command does not parse and check the rules
again while they have not changed.

Parsing (Lark) and checking the rule files takes a tenth of a second or more, and importing
the parser more still; a command that checks one document would spend most of its time there.
After a preparation, the checked program and its reference data are pickled into the user's
cache folder: $AMMR_CACHE_DIR, else the platform's cache folder for ammr (platformdirs:
~/.cache/ammr, or $XDG_CACHE_HOME/ammr, on Linux); AMMR_NO_CACHE=1 turns it off. Only the
command line uses it (`RuleSet.prepare(..., cache=True)`); tests and programs prepare afresh
unless they ask. Any problem with the cache is a miss: the rule set is prepared as if there were
none.

Reading a pickle can run code, so an entry is read only if nobody else could have written it:
- the folder must belong to the user and be writable by nobody else (it is created 0700); a
  folder that is not, e.g. a shared AMMR_CACHE_DIR, is not used at all (`refused()` says why);
- each entry carries a keyed hash (BLAKE2b, a MAC) of its bytes, made with a key that lives in
  the folder in a file of the user's own, mode 0600; an entry whose hash does not match (planted
  or damaged) is a miss, and is never unpickled.

An entry's name is a hash of what the result depends on: the contents of the rule files and
their paths as shown in messages, the working folder, the Python version, and the interpreter's
own files (by size and time of change, as Python checks its compiled files). The law text, data
and calendar files the preparation read are listed in the entry with the SHA-256 of their
contents, and compared before the entry is used: a file changed in place, even to the same size
and time of change, makes it stale.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import os
import pickle
import stat
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..tools.files import write_atomic

FORMAT = 3                       # 3: authenticated entries, files compared by content
KEEP = 8                         # entries kept in the folder; older ones are removed
KEY_FILE = "key"
_MAC_SIZE = 32
_SOURCES = Path(__file__).resolve().parent.parent      # the whole package: any change of code rebuilds
_refused: list[str] = []         # why the folder was not used by the last preparation (load, then store)


def folder() -> Path | None:
    if os.environ.get("AMMR_NO_CACHE"):
        return None
    if os.environ.get("AMMR_CACHE_DIR"):
        return Path(os.environ["AMMR_CACHE_DIR"])
    from platformdirs import user_cache_dir  # imported here: only a command that prepares rules needs it
    return Path(user_cache_dir("ammr", appauthor=False))


def refused() -> str | None:
    """Why the cache folder was not used (not the user's own, or writable by others), if it was not."""
    return _refused[0] if _refused else None


def key(directory: Path, files: Iterable[Path]) -> str | None:
    """What the prepared program depends on, apart from the files listed in the manifest
    (None when a file cannot be read: then the parser reports it)."""
    try:
        h = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{os.getcwd()}\0{Path(directory).resolve()}\0".encode())
        for name, stat_ in _own_files():
            h.update(f"{name}\0{stat_.st_size}:{stat_.st_mtime_ns}\0".encode())
        for path in files:
            h.update(f"\0{path}\0".encode() + Path(path).read_bytes())
    except OSError:
        return None
    return h.hexdigest()[:32]


def _own_files() -> list[tuple[str, os.stat_result]]:
    """The interpreter's .py and .lark files, by path inside the package (with /), each with its
    status, in order. os.walk and strings: pathlib's rglob and sorting took 5 ms of every command."""
    root = str(_SOURCES)
    found = []
    for folder, folders, names in os.walk(root):
        folders[:] = [f for f in folders if f != "__pycache__"]        # compiled files only
        for name in names:
            if name.endswith((".py", ".lark")):
                path = os.path.join(folder, name)
                try:
                    status = os.stat(path)
                except OSError:                  # a dangling link: not a file Python could import
                    continue
                if stat.S_ISREG(status.st_mode):
                    found.append((os.path.relpath(path, root).replace(os.sep, "/"), status))
    return sorted(found, key=lambda pair: pair[0])


def _content(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _own_folder(where: Path, create: bool) -> bool:
    """The folder exists (or is made, 0700), belongs to the user and no one else may write in it."""
    if create:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
    found = os.stat(where)
    if not stat.S_ISDIR(found.st_mode):
        return False
    if hasattr(os, "getuid"):
        if found.st_uid != os.getuid():
            _refuse(f"the cache folder {where} belongs to another user")
            return False
        if found.st_mode & 0o022:
            _refuse(f"the cache folder {where} is writable by others (chmod 700 {where}, or choose another)")
            return False
    return True


def _refuse(reason: str) -> None:
    if not _refused:
        _refused.append(reason)


def _secret(where: Path, create: bool) -> bytes | None:
    """The key of the folder's entries, from a file only the user can read (made on first use)."""
    path = where / KEY_FILE
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, os.O_RDONLY | nofollow)
    except FileNotFoundError:
        if not create:
            return None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
        except FileExistsError:                 # made by another process just now
            return _secret(where, False)
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(_MAC_SIZE))
        return _secret(where, False)
    with os.fdopen(fd, "rb") as handle:
        found = os.fstat(handle.fileno())
        if not stat.S_ISREG(found.st_mode) or found.st_mode & 0o077 or \
                (hasattr(os, "getuid") and found.st_uid != os.getuid()):
            return None
        secret = handle.read(_MAC_SIZE + 1)
    return secret if len(secret) == _MAC_SIZE else None


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hashlib.blake2b(payload, key=secret, digest_size=_MAC_SIZE).digest()


def load(name: str | None) -> tuple[Any, Any, Any] | None:
    """The program, tables and calendar stored under `name`, if the entry is authentic and the
    files they were read from are unchanged."""
    _refused.clear()                 # a new preparation: a refusal of an earlier one (in a test, a server) is past
    where = folder()
    if where is None or name is None:
        return None
    try:
        if not _own_folder(where, create=False):
            return None
        secret = _secret(where, create=False)
        if secret is None:
            return None
        data = (where / f"{name}.pickle").read_bytes()
    except OSError:                  # no folder, no entry yet
        return None
    mac, payload = data[:_MAC_SIZE], data[_MAC_SIZE:]
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        return None                  # planted, damaged or from another key: never unpickled
    enabled = gc.isenabled()
    gc.disable()            # the collector would go through the objects as they are made: 3 times slower
    try:
        entry = pickle.loads(payload)
        if entry.get("format") != FORMAT:
            return None
        for path, digest in entry["manifest"].items():
            if _content(Path(path)) != digest:
                return None
        return entry["program"], entry["tables"], entry["holidays"]
    except Exception:                # a stale or partial entry: prepare afresh
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
        if not _own_folder(where, create=True):
            return
        secret = _secret(where, create=True)
        if secret is None:
            return
        manifest = {str(Path(p).resolve()): _content(Path(p)) for p in read}
        payload = pickle.dumps({"format": FORMAT, "manifest": manifest, "program": program, "tables": tables,
                                "holidays": holidays}, protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(where / f"{name}.pickle", _mac(secret, payload) + payload)
        entries = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except Exception:                # a read-only home, a full disk: the cache is only a speed-up
        return
