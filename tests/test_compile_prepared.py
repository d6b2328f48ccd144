"""The prepared rule set kept on disk for the command line: used while nothing it was made
from has changed, ignored (never an error) otherwise."""

import shutil
from pathlib import Path

import pytest

from interpreter import RuleSet
from interpreter.language import cache as prepared
from interpreter.language import parse

pytestmark = pytest.mark.slow          # Hypothesis, or whole copies of the rules folder: see CONTRIBUTING.md

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A copy of the rules, and a cache folder of this test's own."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    monkeypatch.setenv("AMMR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("AMMR_NO_CACHE", raising=False)
    return rules


def parsing_forbidden(monkeypatch):
    def refuse(path):
        raise AssertionError(f"parsed {path}: the cache was not used")
    monkeypatch.setattr(parse, "parse_file", refuse)


def test_a_second_preparation_reads_the_cache(folder, monkeypatch):
    first = RuleSet.prepare(folder, cache=True)
    assert len(list((folder.parent / "cache").glob("*.pickle"))) == 1
    parsing_forbidden(monkeypatch)
    second = RuleSet.prepare(folder, cache=True)
    assert [r.name for r in second.program.requirements] == [r.name for r in first.program.requirements]
    case = second.case(second.read([ROOT / "examples" / "2026"]))
    assert second.evaluate(case).outcome("proposal_adopted_by_15_october").verdict == "non_compliant"


@pytest.mark.parametrize("change", ["rules/art-012.rules", "rules/law/art-012.md", "rules/data/eurostat-gdp.csv"])
def test_a_change_to_what_it_was_made_from_is_seen(folder, change):
    RuleSet.prepare(folder, cache=True)
    path = folder.parent / change
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    calls = []
    original = parse.parse_file
    parse.parse_file = lambda p: calls.append(p) or original(p)
    try:
        RuleSet.prepare(folder, cache=True)
    finally:
        parse.parse_file = original
    assert calls, f"a change to {change} went unnoticed"


def test_a_damaged_or_unwritable_cache_is_ignored(folder, monkeypatch):
    RuleSet.prepare(folder, cache=True)
    (entry,) = (folder.parent / "cache").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert RuleSet.prepare(folder, cache=True).program.requirements          # prepared afresh
    monkeypatch.setenv("AMMR_CACHE_DIR", str(entry))                          # a file, not a folder
    assert RuleSet.prepare(folder, cache=True).program.requirements


def test_the_cache_can_be_turned_off(folder, monkeypatch):
    monkeypatch.setenv("AMMR_NO_CACHE", "1")
    RuleSet.prepare(folder, cache=True)
    assert not (folder.parent / "cache").exists()
    assert prepared.folder() is None
