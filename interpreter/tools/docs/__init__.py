"""The reference documentation, generated from the rule files: `ammr docs`.

`generate()` returns every file of the site as text (Markdown pages under
generated_docs/, and mkdocs.yml), from the prepared rule set, the scenario
tests and the CLI's help; nothing else goes in, so the same rules give byte-identical output.
`write()` puts them in place whole or not at all.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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
    """Replace generated_docs/ and mkdocs.yml under `root`.

    The folder is written beside the old one and swapped in with renames, so a reader
    (or a failure half-way) never sees a mixture of old and new pages."""
    target = root / "generated_docs"
    fresh = Path(tempfile.mkdtemp(prefix=".generated_docs.new.", dir=root))
    backup = root / f".generated_docs.old.{os.getpid()}"
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
    write_atomic(root / CONFIG, files[CONFIG])


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
