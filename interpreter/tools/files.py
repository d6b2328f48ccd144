"""Writing files whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write `text` (or bytes) to `path` through a temporary file in the same folder and a
    rename, so that a reader never sees half a file and a failure leaves the old one in place."""
    _atomic(path, "wb" if isinstance(text, bytes) else "w", lambda handle: handle.write(text))


def write_atomic_stream(path: str | Path, write: Callable[[IO[str]], None]) -> None:
    """`write_atomic` for text written piece by piece: `write(handle)` writes it, and the file
    appears whole when it returns (or not at all when it raises)."""
    _atomic(path, "w", write)


def _atomic(path: str | Path, mode: str, write: Callable[[Any], Any]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        binary = "b" in mode
        with os.fdopen(fd, mode, encoding=None if binary else "utf-8", newline=None if binary else "\n") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
