"""Golden explanations: what `ammr check` and `ammr explain` print for the bundled examples and for
a case at the boundaries, in every format, kept under tests/golden/ and reviewed as a diff.

After an intended change of the explanations, regenerate them and read the diff:

    AMMR_REGENERATE=1 python -m pytest tests/test_explain_golden.py
    git diff tests/golden/
"""

import os
from pathlib import Path

import pytest

from interpreter import cli
from interpreter.tools.files import write_atomic

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
CASES = {"examples-2026": "examples/2026", "examples-synthetic-2027": "examples/synthetic-2027",
         "boundaries": "tests/golden/cases/boundaries"}
OUTPUTS = {
    "check.txt": ["check", "--no-color"],
    "explain.txt": ["explain", "--no-color"],
    "explain.md": ["explain", "--format", "md"],
    "explain.html": ["explain", "--format", "html"],
    "explain.json": ["explain", "--format", "json"],
}
EXIT = {"examples-2026": 1, "examples-synthetic-2027": 1, "boundaries": 1}


def output(capsys, monkeypatch, case: str, name: str) -> str:
    """The command's output, run from the project root as the README shows it."""
    monkeypatch.chdir(ROOT)
    command, *options = OUTPUTS[name]
    code = cli.run(cli.main, [command, CASES[case], *options])
    out = capsys.readouterr()
    assert code == EXIT[case], out.err
    return out.out


@pytest.mark.parametrize("name", list(OUTPUTS))
@pytest.mark.parametrize("case", list(CASES))
def test_golden(capsys, monkeypatch, case, name):
    rendered = output(capsys, monkeypatch, case, name)
    expected = GOLDEN / f"{case}.{name}"
    if os.environ.get("AMMR_REGENERATE"):
        write_atomic(expected, rendered)
    assert expected.is_file(), f"no golden file {expected}: run AMMR_REGENERATE=1 python -m pytest {__file__}"
    assert rendered == expected.read_text(encoding="utf-8"), \
        f"{case} {name} differs from {expected}: if intended, regenerate (see the module docstring) and review the diff"
