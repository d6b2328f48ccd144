"""The prepared rule set kept on disk for the command line: used while nothing it was made
from has changed, ignored (never an error) otherwise."""

from pathlib import Path

import pytest

from interpreter import RuleSet
from interpreter.language import cache as prepared
from interpreter.language import parse

pytestmark = pytest.mark.slow          # Hypothesis, or whole copies of the rules folder: see CONTRIBUTING.md

ROOT = Path(__file__).resolve().parent.parent


def parsing_forbidden(monkeypatch):
    def refuse(path):
        raise AssertionError(f"parsed {path}: the cache was not used")
    monkeypatch.setattr(parse, "parse_file", refuse)


def test_a_second_preparation_reads_the_cache(rules_copy, monkeypatch):
    first = RuleSet.prepare(rules_copy, cache=True)
    assert len(list((rules_copy.parent / "cache").glob("*.pickle"))) == 1
    parsing_forbidden(monkeypatch)
    second = RuleSet.prepare(rules_copy, cache=True)
    assert [r.name for r in second.program.requirements] == [r.name for r in first.program.requirements]
    case = second.case(second.read([ROOT / "examples" / "2026"]))
    assert second.evaluate(case).outcome("proposal_adopted_by_15_october").verdict == "non_compliant"


@pytest.mark.parametrize("change", ["rules/art-012.rules", "rules/law/art-012.md", "rules/data/eurostat-gdp.csv"])
def test_a_change_to_what_it_was_made_from_is_seen(rules_copy, change):
    RuleSet.prepare(rules_copy, cache=True)
    path = rules_copy.parent / change
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    calls = []
    original = parse.parse_file
    parse.parse_file = lambda p: calls.append(p) or original(p)
    try:
        RuleSet.prepare(rules_copy, cache=True)
    finally:
        parse.parse_file = original
    assert calls, f"a change to {change} went unnoticed"


def test_a_damaged_or_unwritable_cache_is_ignored(rules_copy, monkeypatch):
    RuleSet.prepare(rules_copy, cache=True)
    (entry,) = (rules_copy.parent / "cache").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert RuleSet.prepare(rules_copy, cache=True).program.requirements          # prepared afresh
    monkeypatch.setenv("AMMR_CACHE_DIR", str(entry))                          # a file, not a rules_copy
    assert RuleSet.prepare(rules_copy, cache=True).program.requirements


def test_the_cache_can_be_turned_off(rules_copy, monkeypatch):
    monkeypatch.setenv("AMMR_NO_CACHE", "1")
    RuleSet.prepare(rules_copy, cache=True)
    assert not (rules_copy.parent / "cache").exists()
    assert prepared.folder() is None
