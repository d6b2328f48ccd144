"""Writing files: whole or not at all, without replacing what the path names.

Every command that writes a file (`explain -o`, `schema -o`, `sweep -o`, `fmt`, `docs`, the cache)
goes through `write_atomic` (or `write_atomic_stream`, for text written piece by piece):

- a regular file, or a new path: written to a temporary file in the same folder, synced, and
  renamed over the target, so that a reader never sees half a file and a failure leaves the old
  one in place. An existing file keeps its mode; a new one gets 0666 less the user's umask, as
  any program's would (the kernel applies it when the temporary file is created);
- a symbolic link: followed, and its target replaced (the link stays a link);
- a device, a FIFO or a socket, and anything under /dev/ or /proc/: opened and written through
  (`-o /dev/stdout` writes to standard output, whatever it is redirected to; nothing there is
  replaced by a regular file);
- a folder, or a path under something that is not a folder: `CannotWrite`, as is any error of
  the system (a read-only folder, a full disk), with the path and the system's reason.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO

Writer = Callable[[IO[bytes]], object]


class CannotWrite(Exception):
    """A file could not be written: the path and the reason, for the user (not a bug: exit code 2)."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"cannot write {path}: {reason}")
        self.path = str(path)
        self.reason = reason


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write `text` (UTF-8, newlines as written) or bytes to `path`, as the module says."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    _write(path, lambda handle: handle.write(data))


def write_atomic_stream(path: str | Path, write: Callable[[IO[str]], object]) -> None:
    """`write_atomic` for text written piece by piece: `write(handle)` writes it (UTF-8, newlines
    as written), and the file appears whole when it returns, or not at all when it raises."""
    def through_text(handle: IO[bytes]) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)  # type: ignore[arg-type,unused-ignore]  # needed by some typeshed versions only
        write(text)
        text.flush()
        text.detach()                             # the binary handle stays open for the caller to sync
    _write(path, through_text)


def _write(path: str | Path, write: Writer) -> None:
    try:
        if Path(path).absolute().parts[1:2] in (("dev",), ("proc",)):
            _write_through(Path(path), write)     # /dev/stdout, /proc/self/fd/3: the descriptor, not a path
            return
        target = Path(path).resolve()             # a symbolic link is replaced at its target
        try:
            found = os.stat(target)
        except (FileNotFoundError, NotADirectoryError):
            _check_parents(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            _replace(target, write, None)
            return
        if stat.S_ISDIR(found.st_mode):
            raise CannotWrite(path, "it is a folder")
        if stat.S_ISREG(found.st_mode):
            _replace(target, write, stat.S_IMODE(found.st_mode))
        else:
            _write_through(target, write)
    except OSError as error:
        raise CannotWrite(path, _reason(error)) from None


def _reason(error: OSError) -> str:
    """The system's reason in its own words, and the path it is about when that is another one."""
    reason = error.strerror or str(error)
    return f"{reason} ({error.filename})" if error.filename else reason


def _check_parents(shown: str | Path) -> None:
    """`-o afile/x`: say that afile is not a folder (mkdir would say 'File exists')."""
    for parent in Path(shown).parents:
        if parent.exists():
            if not parent.is_dir():
                raise CannotWrite(shown, f"{parent} is not a folder")
            return


def _replace(target: Path, write: Writer, mode: int | None) -> None:
    """Through a temporary file beside the target, renamed over it."""
    while True:
        temporary = target.with_name(f".{target.name}.{os.urandom(4).hex()}.tmp")
        try:
            # 0o666: the kernel takes the umask off, as for any new file; an existing file's mode is kept below
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (not every system lets a folder be opened: then skip it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_through(target: Path, write: Writer) -> None:
    """A device, a FIFO: written as it is, never replaced."""
    with open(target, "wb") as handle:
        write(handle)
        handle.flush()
