"""The scenarios under tests/scenarios/ are collected as test items by the package's pytest plugin
(interpreter/pytest_plugin.py); here, that every requirement has scenarios that can fail."""

from pathlib import Path

from interpreter import scenarios

SCENARIOS = scenarios.discover(Path(__file__).parent / "scenarios")


def test_every_requirement_has_scenarios_that_can_fail(rules):
    """A requirement with a condition needs a scenario where it holds and one where it fails;
    one left to assessment needs a scenario showing who assesses; an exception needs one where it decides."""
    seen: dict[str, set[str]] = {}
    deciding: set[str] = set()
    for s in SCENARIOS:
        for e in s.expect:
            seen.setdefault(e["requirement"], set()).add(e["verdict"])
            if "decided_by" in e:
                deciding.add(e["decided_by"])
    gaps = []
    for r in rules.program.requirements:
        verdicts = seen.get(r.name, set())
        wanted = {"needs_assessment"} if r.assessment else {"compliant", "non_compliant"}
        if not wanted <= verdicts:
            gaps.append(f"{r.name}: scenarios show {sorted(verdicts) or 'nothing'}, need {sorted(wanted)}")
    for x in rules.program.exceptions:
        if x.name not in deciding:
            gaps.append(f"exception {x.name}: no scenario where it decides")
    assert not gaps, "\n".join(gaps)
