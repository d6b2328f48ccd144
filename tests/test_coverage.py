"""The coverage map: every paragraph of the shipped law text has a status, and every encoded one
has a scenario test that exercises its rules and passes."""

import json
from pathlib import Path

import pytest

from interpreter import cli
from interpreter.report.coverage import coverage_map
from interpreter.tools import scenarios

SCENARIOS = scenarios.discover(Path(__file__).parent / "scenarios")


@pytest.fixture(scope="module")
def entries(rules):
    return coverage_map(rules, SCENARIOS)


def test_every_paragraph_of_every_shipped_article_has_a_status(rules, entries):
    missing = [e.provision for e in entries if e.status == "missing"]
    assert not missing, f"no status: {missing}"
    articles = {e.article for e in entries}
    assert articles == {a.name for a in rules.program.law.articles()}
    for article in rules.program.law.articles():
        if article.numbered:
            for p in article.paragraphs:       # each paragraph, or all of its parts
                assert any(e.citation.paragraph == p.number and e.article == article.name for e in entries)


def test_every_encoded_unit_has_a_passing_scenario(entries):
    untested = [e.provision for e in entries if e.status in ("encoded", "needs_assessment") and e.rules
                and not e.scenarios]
    failing = [(e.provision, e.failing) for e in entries if e.failing]
    assert not untested and not failing, f"untested: {untested}; failing: {failing}"


def test_statuses_carry_their_evidence(entries):
    for e in entries:
        if e.status == "encoded":
            assert e.rules and e.scenarios
        elif e.status == "needs_assessment":
            assert e.authority and e.quote
        elif e.status == "not_checkable":
            assert e.reason


def test_units_follow_the_citations(entries):
    by = {e.provision: e for e in entries}
    # Art 12(2) is split where the rules cite its points and its second subparagraph
    assert {"Art. 12(2)(a)", "Art. 12(2)(b)", "Art. 12(2), second subparagraph"} <= set(by)
    assert "Art. 12(2)" not in by
    assert by["Art. 12(2)(a)"].rules == ("proposal_minimum_relocations",)
    # a paragraph cited only by sentences stays whole
    assert by["Art. 57(1)"].status == "encoded" and "act_adopted_by_qualified_majority" in by["Art. 57(1)"].rules
    # Art 14 is declared not checkable as a whole, its paragraph 5 is encoded
    assert by["Art. 14(2)"].status == "not_checkable" and by["Art. 14(5)"].status == "encoded"
    assert by["Art. 12(4)"].status == "needs_assessment" and by["Art. 12(4)"].authority == "Commission"
    assert by["Art. 63(1)"].status == "encoded" and "offsets_threshold_reached" in by["Art. 63(1)"].rules


def test_a_rule_without_scenarios_is_a_gap(rules):
    only_art_12 = [s for s in SCENARIOS if "art-012.yaml" in s.file]
    gaps = [e for e in coverage_map(rules, only_art_12) if e.rules and not e.scenarios]
    assert any(e.provision == "Art. 63(1)" for e in gaps)
    assert not any(e.provision == "Art. 12(2)(a)" for e in gaps)


@pytest.mark.slow
def test_coverage_command(capsys):
    code = cli.run(cli.main, ["coverage", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["gaps"] == 0 and data["summary"]["missing"] == 0
    assert sum(data["summary"].values()) == len(data["entries"])
    code = cli.run(cli.main, ["coverage"])
    out = capsys.readouterr().out
    assert code == 0 and "Art. 75, point (d)" in out and "0 gaps" in out


def test_interpretations_command(capsys):
    code = cli.run(cli.main, ["interpretations", "--format", "json"])
    notes = json.loads(capsys.readouterr().out)["interpretations"]
    assert code == 0
    ratio = next(n for n in notes if n["rule"] == "relocation_value")
    assert ratio["file"].endswith("art-012.rules") and "Art. 12(3), second subparagraph" in ratio["citations"]
    assert any(n["rule"] == "fair_share_after_deductions" and "remaining Member States' fair shares do not change"
               in n["text"] for n in notes)
    assert any(n["rule"] == "date_of_application" for n in notes)
    code = cli.run(cli.main, ["interpretations"])
    assert code == 0 and "interpretation notes." in capsys.readouterr().out


@pytest.mark.slow
def test_coverage_outside_the_project_finds_the_scenarios_beside_the_rules(ammr, tmp_path, monkeypatch):
    """Run from another folder, `ammr coverage` reads tests/scenarios/ beside the rules folder, not
    ./tests/scenarios (which would be no scenarios, and every encoded paragraph a gap)."""
    monkeypatch.chdir(tmp_path)
    code, out, err = ammr("coverage", "--gaps")
    assert code == 0 and "; 0 gaps." in out, out + err
