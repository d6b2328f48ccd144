"""What `ammr check` and `ammr explain` print for the bundled cases: read from the golden file where
one is kept (tests/golden/), else produced by running the command once per test session.

Every run is at the same time of check (CHECKED_AT, through $AMMR_CHECKED_AT), so that the audit
record of a result is the same on every run. The golden files name the hashes of the rule set's
files by placeholders ("<sha256 of art-012.rules>"), so that editing a rule file changes a golden
file only where it changes a verdict or an explanation; `output_of` puts the real hashes back."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import tempfile
from pathlib import Path
from unittest import mock

from interpreter import RuleSet, cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
CASES = {"examples-2026": "examples/2026", "examples-synthetic-2027": "examples/synthetic-2027",
         "boundaries": "tests/golden/cases/boundaries"}
OUTPUTS = {
    "check.json": ["check", "--format", "json"],
    "explain.json": ["explain", "--format", "json"],
    "check.txt": ["check", "--no-color"],
    "explain.txt": ["explain", "--no-color"],
    "explain.md": ["explain", "--format", "md"],
    "explain.html": ["explain", "--format", "html"],
}


CHECKED_AT = "2026-01-02T03:04:05Z"


def run(case: str, name: str) -> tuple[int, str]:
    """The command's exit code and output, run from the project root as the README shows it."""
    command, *options = OUTPUTS[name]
    out = io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), \
            mock.patch.dict(os.environ, {"AMMR_CHECKED_AT": CHECKED_AT}):
        code = cli.run(cli.main, [command, CASES[case], *options])
    return code, out.getvalue()


@functools.lru_cache(maxsize=1)
def rule_set_hashes() -> dict[str, str]:
    """The shipped rule set's hashes and the placeholder each has in a golden file."""
    prints = RuleSet.prepare(ROOT / "rules").fingerprint
    return {prints.sha256: "<sha256 of the rule set>",
            **{digest: f"<sha256 of {path}>" for path, digest in prints.files}}


def without_rule_set_hashes(text: str) -> str:
    for digest, placeholder in rule_set_hashes().items():
        text = text.replace(digest, placeholder)
    return text


def with_rule_set_hashes(text: str) -> str:
    for digest, placeholder in rule_set_hashes().items():
        text = text.replace(placeholder, digest)
    return text


@functools.lru_cache(maxsize=None)
def output_of(case: str, name: str) -> str:
    golden = GOLDEN / f"{case}.{name}"
    if golden.is_file():
        return with_rule_set_hashes(golden.read_text(encoding="utf-8"))
    return run(case, name)[1]


_FOLDER = Path(tempfile.mkdtemp(prefix="ammr-outputs-"))


@functools.lru_cache(maxsize=None)
def output_file(case: str, name: str) -> Path:
    """The output as a file (for a browser to open): the golden file, or a file of this session."""
    golden = GOLDEN / f"{case}.{name}"
    if golden.is_file():
        return golden.resolve()
    path = _FOLDER / f"{case}.{name}"
    path.write_text(output_of(case, name), encoding="utf-8")
    return path
