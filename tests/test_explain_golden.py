"""Golden explanations: what `ammr check` and `ammr explain` give for the bundled examples and for
a case at the boundaries, kept under tests/golden/ and reviewed as a diff.

Every case has its JSON (`ammr check --format json`, with the pool report, and `ammr explain
--format json`), which holds every verdict, reason, value and remedy; the boundaries case also has
its text, Markdown and HTML renderings. Places in rule files are compared without their line and
column (`rules/art-012.rules:89` is kept as `rules/art-012.rules`), so that moving a rule within its
file does not change a golden file, and the hashes of the rule set's files in the audit record by
placeholders (outputs.py), so that editing a rule file changes only what it changes in the verdicts.

After an intended change of the explanations, regenerate them and read the diff:

    AMMR_REGENERATE=1 python -m pytest tests/test_explain_golden.py
    git diff tests/golden/
"""

import os
import re

import pytest
from outputs import CASES, GOLDEN, run, without_rule_set_hashes

from interpreter.tools.files import write_atomic

JSON = ["check.json", "explain.json"]
RENDERED = ["check.txt", "explain.txt", "explain.md", "explain.html"]
GOLDENS = [(case, name) for case in CASES for name in JSON] + [("boundaries", name) for name in RENDERED]
EXIT = {"examples-2026": 1, "examples-synthetic-2027": 1, "boundaries": 1}
_RULE_PLACE = re.compile(r"(\.rules):\d+(?::\d+)?")


def without_rule_lines(text: str) -> str:
    """`rules/art-012.rules:89:3` -> `rules/art-012.rules`: where a rule sits in its file is not compared."""
    return _RULE_PLACE.sub(r"\1", text)


@pytest.mark.parametrize("case, name", GOLDENS)
def test_golden(case, name):
    code, out = run(case, name)
    assert code == EXIT[case]
    rendered = without_rule_set_hashes(without_rule_lines(out))
    expected = GOLDEN / f"{case}.{name}"
    if os.environ.get("AMMR_REGENERATE"):
        write_atomic(expected, rendered)
    assert expected.is_file(), f"no golden file {expected}: run AMMR_REGENERATE=1 python -m pytest {__file__}"
    assert rendered == expected.read_text(encoding="utf-8"), \
        f"{case} {name} differs from {expected}: if intended, regenerate (see the module docstring) and review the diff"


def test_every_golden_file_is_compared():
    """A golden file no test reads would hide a change: each file under tests/golden/ is one of GOLDENS."""
    compared = {f"{case}.{name}" for case, name in GOLDENS}
    assert {p.name for p in GOLDEN.iterdir() if p.is_file()} == compared


def test_rule_lines_are_taken_out_and_nothing_else():
    assert without_rule_lines("at rules/art-012.rules:89:3 (see regulation.rules) rules/a.rules:7") == \
        "at rules/art-012.rules (see regulation.rules) rules/a.rules"
