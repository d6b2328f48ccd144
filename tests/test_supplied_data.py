"""Reference data a user supplies (`ammr check --data`, `RuleSet.prepare(data=...)`): the figures of
another vintage replace the shipped ones without copying the rules folder, are validated like a
document (positioned messages, exit code 2), and the output says which data were used."""

import csv
import json
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest
import yaml

from interpreter import Failed, RuleSet, explain, render
from interpreter.report.pool import pool_report
from interpreter.report.view import schema_path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "2026"
VINTAGE_2023 = ROOT / "examples" / "reference-data-2023"
ALL = "BE BG CZ DK DE EE IE EL ES FR HR IT CY LV LT LU HU MT NL AT PL PT RO SI SK FI SE".split()
PARTICIPATING = [c for c in ALL if c != "DK"]


def _column(name: str, year: int) -> dict[str, str]:
    with open(ROOT / "rules" / "data" / name, newline="", encoding="utf-8") as handle:
        return {r["geo"]: r["value"] for r in csv.DictReader(handle) if r["year"] == str(year)}


def _document(year: int = 2024, **changes) -> dict:
    population, gdp = _column("eurostat-population.csv", year), _column("eurostat-gdp.csv", year)
    data = {"reference_data": f"the shipped figures of {year}, as a user would give them",
            "datasets": {
                "population": {"dataset": "demo_pjan", "vintage": "as shipped", "year": year, "unit": "persons",
                               "figures": {c: int(Fraction(population[c])) for c in ALL}},
                "gdp": {"dataset": "nama_10_gdp", "vintage": "as shipped", "year": year, "unit": "EUR million",
                        "figures": {c: gdp[c] for c in ALL}}}}
    data.update(changes)
    return data


def _write(tmp_path: Path, data: dict, name: str = "reference-data.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _shares(year: int, members=PARTICIPATING) -> dict[str, Fraction]:
    population, gdp = _column("eurostat-population.csv", year), _column("eurostat-gdp.csv", year)
    p = {c: Fraction(population[c]) for c in members}
    g = {c: Fraction(gdp[c]) for c in members}
    return {c: p[c] / sum(p.values()) / 2 + g[c] / sum(g.values()) / 2 for c in members}


def test_the_shipped_figures_supplied_give_the_same_verdicts_and_figures(rules, tmp_path):
    supplied = RuleSet.prepare(data=_write(tmp_path, _document(2024)))
    mine, theirs = supplied.check([EXAMPLE]), rules.check([EXAMPLE])
    assert [(o.key, o.verdict) for o in mine.outcomes] == [(o.key, o.verdict) for o in theirs.outcomes]
    a, b = pool_report(supplied, mine), pool_report(rules, theirs)
    assert [r["fair_financial"]["value"] for r in a["states"]] == [r["fair_financial"]["value"] for r in b["states"]]


def test_another_vintage_gives_its_own_shares(tmp_path):
    rules = RuleSet.prepare(data=VINTAGE_2023)
    case = rules.case([])
    assert case.data_years == {"population": 2023, "gdp": 2023}
    by_hand = _shares(2023)
    for code in PARTICIPATING:
        assert rules.value(case, "share", (code,)) == by_hand[code]
    report = pool_report(rules, rules.check([EXAMPLE]))
    assert Fraction(report["sums"]["fair_financial"]["value"]["exact"]) == 420000000


def test_the_output_says_which_data_were_used(tmp_path):
    rules = RuleSet.prepare(data=VINTAGE_2023)
    data = explain(rules, rules.check([EXAMPLE]))
    jsonschema.Draft202012Validator(json.loads(schema_path().read_text(encoding="utf-8"))).validate(
        json.loads(render(data, "json")))
    population = data["data_years"]["population"]
    assert population["year"] == 2023 and "reference-data-2023/reference-data.yaml" in population["source"]
    assert "in the reference data supplied" in population["why"]
    assert "supplied" in render(data, "check")


def test_a_list_of_participating_member_states_of_its_own(tmp_path):
    """A list without Ireland (as before Decision (EU) 2024/2088): the key is shared by 25."""
    members = [c for c in PARTICIPATING if c != "IE"]
    document = _document(2024, participating={"as_of": "2024-06-11", "member_states": members})
    rules = RuleSet.prepare(data=_write(tmp_path, document))
    assert rules.program.participating == tuple(members)
    case = rules.case([])
    assert sum(rules.value(case, "share", (c,)) for c in members) == 1
    assert rules.value(case, "share", ("DE",)) == _shares(2024, members)["DE"]


@pytest.mark.parametrize("change, code, where", [
    (lambda d: d["datasets"]["population"]["figures"].pop("MT"), "D058", "figures"),
    (lambda d: d["datasets"]["gdp"]["figures"].update(BE=620271.8), "D059", "BE"),
    (lambda d: d["datasets"]["gdp"]["figures"].update(BE="-1"), "D059", "BE"),
    (lambda d: d["datasets"]["gdp"].update(unit="EUR"), "D057", "unit"),
    (lambda d: d["datasets"].update(populaton=d["datasets"].pop("population")), "D052", "populaton"),
    (lambda d: d["datasets"]["population"]["figures"].update(GR=1), "D055", "GR"),
    (lambda d: d["datasets"]["population"].pop("vintage"), "D056", "population"),
])
def test_mistakes_are_positioned(tmp_path, change, code, where):
    document = _document(2024)
    change(document)
    path = _write(tmp_path, document)
    with pytest.raises(Failed) as failure:
        RuleSet.prepare(data=path)
    found = [d for d in failure.value.diagnostics if d.code == code]
    assert found, failure.value.render()
    line = path.read_text(encoding="utf-8").split("\n")[found[0].span.line - 1]
    assert where in line, (line, found[0])


def test_the_command_line_reads_a_folder_and_says_what_is_wrong(ammr, tmp_path):
    code, out, _ = ammr("check", EXAMPLE, "--data", VINTAGE_2023)
    assert code == 1 and "population: 2023" in out
    document = _document(2024)
    document["datasets"]["population"]["figures"].pop("NL")
    _write(tmp_path, document)
    code, out, err = ammr("check", EXAMPLE, "--data", tmp_path)
    assert code == 2 and out == ""
    assert "error[D058]: population: no figure for NL, which participates" in err
