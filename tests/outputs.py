"""What `ammr check` and `ammr explain` print for the bundled cases: read from the golden file where
one is kept (tests/golden/), else produced by running the command once per test session."""

from __future__ import annotations

import contextlib
import functools
import io
import tempfile
from pathlib import Path

from interpreter import cli

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


def run(case: str, name: str) -> tuple[int, str]:
    """The command's exit code and output, run from the project root as the README shows it."""
    command, *options = OUTPUTS[name]
    out = io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out):
        code = cli.run(cli.main, [command, CASES[case], *options])
    return code, out.getvalue()


@functools.lru_cache(maxsize=None)
def output_of(case: str, name: str) -> str:
    golden = GOLDEN / f"{case}.{name}"
    if golden.is_file():
        return golden.read_text(encoding="utf-8")
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
