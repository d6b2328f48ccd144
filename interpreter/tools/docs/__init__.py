"""The reference documentation, generated from the rule files: `ammr docs`.

`generate()` returns every file of the site as text (Markdown pages under
generated_docs/, and mkdocs.yml), from the prepared rule set, the scenario
tests and the CLI's help; nothing else goes in, so the same rules give byte-identical output.
`write()` puts them in place whole or not at all.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ...api import RuleSet
from ..files import write_atomic
from . import articles, pages
from .model import Site

CONFIG = "mkdocs.yml"


def generate(rules: RuleSet, scenario_dir: Path | None, cli_reference: dict[str, Any]) -> dict[str, str]:
    """Every generated file: {"mkdocs.yml": ..., "generated_docs/index.md": ..., ...}. The CLI page
    shows `cli_reference`, the help texts the caller gives (`interpreter.cli.reference()`)."""
    site = Site.build(rules, scenario_dir)
    files: dict[str, str] = {}
    for article in site.articles:
        files[f"articles/{article.page}.md"] = articles.render(site, article)
    files.update(pages.render_all(site, cli_reference))
    out = {f"generated_docs/{path}": text for path, text in sorted(files.items())}
    out[CONFIG] = pages.mkdocs_config(site)
    return out


def write(files: dict[str, str], root: Path) -> None:
    """Replace generated_docs/ and mkdocs.yml under `root` (made if missing).

    The folder is written beside the old one and swapped in with renames, so a reader (or a
    failure half-way) never sees a mixture of old and new pages. Two runs at once take turns (a
    lock on the root folder); Ctrl-C or SIGTERM while the files are being replaced
    takes effect once they are, so no half-made folder is left behind; and folders a killed run
    left (.generated_docs.new.*, .old.*) are removed by the next."""
    root.mkdir(parents=True, exist_ok=True)
    with _turn(root), _signals_deferred():
        for leftover in (*root.glob(".generated_docs.new.*"), *root.glob(".generated_docs.old.*")):
            shutil.rmtree(leftover, ignore_errors=True)
        _swap(files, root)
        write_atomic(root / CONFIG, files[CONFIG])


def _swap(files: dict[str, str], root: Path) -> None:
    target = root / "generated_docs"
    fresh = root / f".generated_docs.new.{os.getpid()}"
    backup = root / f".generated_docs.old.{os.getpid()}"
    fresh.mkdir(0o777)                      # the mode the umask gives, as for any folder the user makes
    try:
        for path, text in files.items():
            if path.startswith("generated_docs/"):
                destination = fresh / path.removeprefix("generated_docs/")
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_text(text, encoding="utf-8", newline="\n")
        moved = False
        if target.exists():
            os.replace(target, backup)
            moved = True
        try:
            os.replace(fresh, target)
        except BaseException:
            if moved:
                os.replace(backup, target)
            raise
        if moved:
            shutil.rmtree(backup)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


@contextmanager
def _turn(root: Path) -> Iterator[None]:
    """One `ammr docs` at a time writes under `root` (an advisory lock on the folder; none where
    fcntl is missing)."""
    try:
        import fcntl  # here, not at the top: POSIX only, and a missing module is handled below
    except ImportError:                     # not on this system: runs at once are not serialised
        yield
        return
    fd = os.open(root, os.O_RDONLY)         # the folder itself is locked: no lock file is left behind
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)                        # which releases the lock


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM noted while the block runs, and acted on when it is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    names = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, lambda number, _frame: caught.append(number)) for s in names}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if caught:
        if caught[0] == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + caught[0])


def differences(files: dict[str, str], root: Path) -> list[str]:
    """The generated files that are missing, different or extra under `root` (empty: up to date)."""
    out = []
    for path, text in files.items():
        current = root / path
        if not current.is_file():
            out.append(f"missing: {path}")
        elif current.read_text(encoding="utf-8") != text:
            out.append(f"stale: {path}")
    folder = root / "generated_docs"
    if folder.is_dir():
        for extra in sorted(folder.rglob("*")):
            relative = f"generated_docs/{extra.relative_to(folder).as_posix()}"
            if extra.is_file() and relative not in files:
                out.append(f"extra: {relative}")
    return out
