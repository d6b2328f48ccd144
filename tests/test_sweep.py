"""`ammr sweep`: scenarios built from a template are the documents one would have written,
grids and samples are what they say, values are exact, and what does not change is computed once."""

import copy
import csv
import io
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from engines import compare
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter import Failed, cli
from interpreter.engine.compiled import inline
from interpreter.tools import sweep as S

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "examples" / "sweep" / "council-act-2026.yaml"
MEMBER_STATES = ("BE BG CZ DE EE IE EL ES FR HR IT CY LV LT LU HU MT NL AT PL PT RO SI SK FI SE").split()


def template_data():
    return yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))


def rows(result):
    return list(csv.DictReader(io.StringIO(result.csv())))


# ------------------------------------------------- scenarios are documents

def _set(data: dict, path: tuple, text: str) -> None:
    """What a user would have written in the document: the value at the path."""
    for part in path[:-1]:
        data = data.setdefault(part, {}) if isinstance(part, str) else data[part]
    data[path[-1]] = text


act_fields = st.fixed_dictionaries({}, optional={
    "reference_relocations": st.integers(0, 40000),
    "pledges": st.dictionaries(st.sampled_from(MEMBER_STATES), st.fixed_dictionaries({}, optional={
        "relocations": st.integers(0, 5000),
        "alternative_measures": st.lists(st.fixed_dictionaries({"financial_value": st.integers(0, 10**6)}),
                                         min_size=1, max_size=2)}), max_size=4)})
paths = st.sampled_from(["reference_relocations", "reference_financial_contributions", "adopted_on",
                         "adopted_by_qualified_majority", "pledges.DE.relocations", "pledges.NL.financial_contributions",
                         "pledges.MT.relocations", "pledges.DE.alternative_measures.0.financial_value"])
VALUES = {"reference_relocations": "0,20999,21000", "reference_financial_contributions": "0,419999999.99,420000000",
          "adopted_on": "2025-12-31..2026-01-01", "adopted_by_qualified_majority": "yes,no",
          "pledges.DE.relocations": "0..9000:4500", "pledges.NL.financial_contributions": "43742210.69,43742210.70",
          "pledges.MT.relocations": "54,55", "pledges.DE.alternative_measures.0.financial_value": "0,1.5"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(act_fields, st.lists(paths, min_size=1, max_size=3, unique=True), st.integers(0, 10**6))
@pytest.mark.slow
def test_a_scenario_is_the_document_one_would_write(rules, fields, chosen, seed):
    data = {"document": "CouncilImplementingAct", "pool_year": 2026, "adopted_on": "2025-12-22",
            "reference_financial_contributions": 420000000, **fields}
    if "pledges.DE.alternative_measures.0.financial_value" in chosen:
        data.setdefault("pledges", {}).setdefault("DE", {}).setdefault("alternative_measures", [{"financial_value": 1}])
    documents = (rules.document(data, "template.yaml"),)
    run = S.Sweep(rules, documents, [f"{p}={VALUES[p]}" for p in chosen], {"population": 2024, "gdp": 2024})
    _, values = S.scenarios(run.inputs, grid=False, sample=3, seed=seed)
    for scenario in values:
        written = copy.deepcopy(data)
        for i, value in zip(run.inputs, scenario):
            if isinstance(value, Fraction):
                value = int(value) if value.denominator == 1 else S.exact_text(value)
            _set(written, i.path, value.isoformat() if hasattr(value, "isoformat") else value)
        expected = rules.case([rules.document(written, "template.yaml")], {"population": 2024, "gdp": 2024})
        built = run.case(scenario)
        assert compare(rules.evaluate(expected), rules.evaluate(built)) == []
        assert compare(rules.evaluate(expected), rules.evaluate(built, engine="compiled")) == []
        # the sweep's own way (one document: the prepared checker on the patched record) gives the same
        assert [_key(o) for o in run.outcomes(scenario)] == [_key(o) for o in rules.evaluate(expected).outcomes]


def _key(o) -> tuple:
    return (o.requirement, o.document, o.instance, o.verdict, o.missing, o.decided_by)


def test_the_sweep_gives_the_reference_verdicts(rules):
    run = S.Sweep(rules, rules.read([TEMPLATE]), ["pledges.*.relocations=0..4000:1"])
    _, values = S.scenarios(run.inputs, grid=False, sample=20, seed=7)
    values = list(values)
    result = run.run(values)
    verdicts = set()
    for row, scenario in zip(rows(result), values):
        reference = rules.evaluate(run.case(scenario), trace=False)
        for o in reference.outcomes:
            assert row[o.key] == o.verdict, o.key
            verdicts.add(o.verdict)
        assert row["overall"] == reference.overall
    assert {"compliant", "non_compliant"} <= verdicts


# ----------------------------------------------------- grids and samples

def test_a_grid_is_every_combination_first_input_slowest(rules):
    run = S.Sweep(rules, rules.read([TEMPLATE]), ["pledges.NL.relocations=0..200:100", "pledges.NL.financial_contributions=1,2"],
                  only=["act_pledge_meets_fair_share"])
    total, values = S.scenarios(run.inputs, grid=True, sample=None, seed=0)
    table = rows(run.run(values))
    assert total == 6 == len(table)
    assert [(r["pledges.NL.relocations"], r["pledges.NL.financial_contributions"]) for r in table] == \
        [("0", "1"), ("0", "2"), ("100", "1"), ("100", "2"), ("200", "1"), ("200", "2")]
    assert {r["act_pledge_meets_fair_share[NL]"] for r in table} == {"non_compliant"}
    assert {r["act_pledge_meets_fair_share[DE]"] for r in table} == {"compliant"}


def test_a_sample_is_reproducible_and_exact(rules):
    def sample(seed):
        run = S.Sweep(rules, rules.read([TEMPLATE]), ["pledges.*.financial_contributions=0..60000000:0.01"],
                      only=["act_pledge_meets_fair_share"])
        total, values = S.scenarios(run.inputs, grid=False, sample=5, seed=seed)
        return run.run(values).csv()
    assert sample(3) == sample(3) != sample(4)
    values = [v for row in csv.reader(io.StringIO(sample(3))) for v in row[1:27]][27:]
    assert all(Fraction(v) * 100 == int(Fraction(v) * 100) for v in values)       # cents, written exactly
    assert any("." in v for v in values) and not any("e" in v.lower() for v in values)


def test_exact_text():
    assert [S.exact_text(v) for v in (Fraction(4374221070, 100), Fraction(1, 3), Fraction(30000), Fraction(-1, 4))] == \
        ["43742210.70", "1/3", "30000", "-0.25"]


# --------------------------------------------------------- bad --vary

@pytest.mark.parametrize("spec, words", [
    ("pledges.NL.relocations=-1", "negative"),
    ("pledges.NL.relocations=1.5", "whole numbers"),
    ("pledges.NL.financial_contributions=0.001", "to the cent"),
    ("pledges.NL.financial_contributions=0..10:0.001", "to the cent"),
    ("pledges.XX.relocations=1", "not a member state"),
    ("pledges.NL.relokations=1", "did you mean 'relocations'"),
    ("pledges.NL=1", "vary one of its fields"),
    ("pledges.NL.relocations=10..1", "empty"),
    ("adopted_on=2025-13-01", "YYYY-MM-DD"),
    ("adopted_on=2025-12-01..2025-12-31:x", "whole number of days"),
    ("reference_relocations", "PATH=VALUES"),
    ("pool_year=2300", "between 1900 and 2200"),
])
def test_bad_values_are_refused_with_a_reason(rules, spec, words):
    with pytest.raises(Failed) as failure:
        S.Sweep(rules, rules.read([TEMPLATE]), [spec])
    assert words in failure.value.diagnostics[0].message + failure.value.diagnostics[0].hint


def test_undisclosed_fields_cannot_be_varied(rules):
    documents = rules.read([ROOT / "examples" / "2026" / "council-implementing-decision.yaml"])
    with pytest.raises(Failed, match="undisclosed"):
        S.Sweep(rules, documents, ["pledges.NL.relocations=1,2"])


def test_a_case_of_several_documents_names_the_document(rules):
    documents = rules.read([ROOT / "examples" / "2026"])
    with pytest.raises(Failed, match="say which document"):
        S.Sweep(rules, documents, ["relocations=1"])
    run = S.Sweep(rules, documents, ["CommissionProposal:relocations=29999,30000"],
                  only=["proposal_minimum_relocations"])
    table = rows(run.run(S.scenarios(run.inputs, True, None, 0)[1]))
    assert [r["proposal_minimum_relocations"] for r in table] == ["non_compliant", "compliant"]


def test_a_whole_cycle_swept_gives_the_reference_verdicts(rules):
    """The README's example: the Art 63(1) threshold over the proposal's total, all documents of a cycle."""
    run = S.Sweep(rules, rules.read([ROOT / "examples" / "synthetic-2027"]),
                  ["CommissionProposal:relocations=30000..60000:5000", "CouncilImplementingAct:reference_relocations=0,30000"])
    _, values = S.scenarios(run.inputs, grid=True, sample=None, seed=0)
    values = list(values)
    verdicts = []
    for row, scenario in zip(rows(run.run(values)), values):
        reference = rules.evaluate(run.case(scenario), trace=False)
        assert [row[o.key] for o in reference.outcomes] == [o.verdict for o in reference.outcomes]
        verdicts.append(row["offset_request_threshold_reached"])
    assert verdicts[:14:2] == ["compliant"] * 6 + ["non_compliant"]


def test_star_is_each_participating_member_state(rules):
    run = S.Sweep(rules, rules.read([TEMPLATE]), ["pledges.*.relocations=0,1"])
    assert [i.label for i in run.inputs] == [f"pledges.{ms}.relocations" for ms in MEMBER_STATES]
    with pytest.raises(Failed, match="more than"):
        S.scenarios(run.inputs, grid=True, sample=None, seed=0)            # 2^26 scenarios


# ------------------------------------------------ computed once, not per scenario

class CountingDict(dict):
    def __init__(self, *args):
        super().__init__(*args)
        self.reads = 0

    def get(self, *args):
        self.reads += 1
        return super().get(*args)


def test_the_reference_key_is_computed_once_for_a_sweep_over_pledges(rules):
    from interpreter.engine.compiled import compiled
    program = compiled(rules)
    program.clear()
    run = S.Sweep(rules, rules.read([TEMPLATE]), ["pledges.*.relocations=0..4000"], only=["act_pledge_meets_fair_share"])
    run.outcomes(tuple(Fraction(1) for _ in run.inputs))           # the first scenario computes the key
    figures = program.for_years(run.years)[0]
    population = figures[0] = CountingDict(figures[0])
    _, values = S.scenarios(run.inputs, grid=False, sample=50, seed=1)
    run.run(values)
    assert population.reads == 0


def test_definitions_of_unchanged_records_are_kept_across_scenarios(rules, monkeypatch):
    """A definition of a record (pledge_value of a pledge) is computed once for a record no
    input changes. (Small ones are normally computed in place, which costs less than looking
    them up; the limit is lowered here so that pledge_value is a function with a memo.)"""
    from interpreter.engine.compiled.engine import Compiled
    monkeypatch.setattr(inline, "INLINE_LIMIT", 0)
    monkeypatch.setattr(rules._variants[()], "compiled", Compiled(rules.program, rules.tables))
    documents = rules.read([TEMPLATE])
    germany = documents[0].record.fields["pledges"]["DE"]
    counted = CountingDict(germany.fields)
    germany.fields = counted
    run = S.Sweep(rules, documents, ["pledges.NL.relocations=0..50"], only=["act_pledge_meets_fair_share"])
    run.run(S.scenarios(run.inputs, grid=True, sample=None, seed=0)[1])
    once = counted.reads
    run.run(S.scenarios(run.inputs, grid=True, sample=None, seed=0)[1])
    assert 0 < once and counted.reads == once          # 51 more scenarios: Germany's pledge not read again


# ------------------------------------------------------------------- CLI

def test_the_command_writes_the_csv(capsys, tmp_path):
    out = tmp_path / "nl.csv"
    code = cli.run(cli.main, ["sweep", str(TEMPLATE), "--vary", "pledges.NL.relocations=0..1000:500",
                              "--vary", "pledges.NL.financial_contributions=13132000,13132000.01", "--grid",
                              "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    table = list(csv.DictReader(out.open()))
    assert len(table) == 6 and table[0]["pledges.NL.financial_contributions"] == "13132000"
    assert table[1]["pledges.NL.financial_contributions"] == "13132000.01"
    assert table[0]["act_pledge_meets_fair_share[NL]"] == "non_compliant"
    assert table[5]["act_pledge_meets_fair_share[NL]"] == "compliant"
    assert "wrote" in capsys.readouterr().err


def test_the_command_refuses_bad_input_and_leaves_the_file_alone(capsys, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    assert cli.run(cli.main, ["sweep", str(TEMPLATE), "--vary", "pledges.NL.relocations=-5", "--grid",
                              "-o", str(out)]) == 2
    assert "negative" in capsys.readouterr().err
    assert cli.run(cli.main, ["sweep", str(TEMPLATE), "--vary", "pledges.NL.relocations=1", "--grid",
                              "--sample", "3", "-o", str(out)]) == 2
    assert cli.run(cli.main, ["sweep", str(TEMPLATE), "--vary", "pledges.NL.relocations=1", "--grid",
                              "--requirement", "nope", "-o", str(out)]) == 2
    assert cli.run(cli.main, ["sweep", str(TEMPLATE), "--vary", "pledges.NL.relocations=1", "--grid",
                              "--data-year", "gpd=2024", "-o", str(out)]) == 2
    assert "no dataset 'gpd'" in capsys.readouterr().err
    assert out.read_text() == "old\n"


# ------------------------------------------------------- streaming, processes

def test_the_file_streamed_is_the_table_in_memory_and_the_same_over_processes(rules, tmp_path):
    run = S.Sweep(rules, rules.read([TEMPLATE]), ["pledges.*.relocations=0..4000:1"])
    def values():
        return S.scenarios(run.inputs, grid=False, sample=1100, seed=5)[1]     # more than two chunks of 500
    expected = run.run(values()).csv()
    for jobs in (1, 2, 3):
        out = tmp_path / f"jobs{jobs}.csv"
        width = run.write(values(), out, jobs=jobs)
        assert out.read_text(encoding="utf-8") == expected, jobs
        assert width == len(expected.splitlines()[0].split(","))


def test_a_column_that_first_appears_late_is_empty_in_the_rows_before(rules, tmp_path, monkeypatch):
    run = S.Sweep(rules, rules.read([TEMPLATE]), ["pledges.NL.relocations=0..2:1"])
    late = [(1, ["0"], "compliant", [("a", "compliant")]),
            (2, ["1"], "non_compliant", [("a", "compliant"), ("b", "non_compliant")]),
            (3, ["2"], "compliant", [("b", "compliant")])]
    monkeypatch.setattr(S.Sweep, "rows", lambda self, values, jobs=1: iter(late))
    run.write([], tmp_path / "late.csv")
    assert (tmp_path / "late.csv").read_text() == run.run([]).csv() == \
        "scenario,pledges.NL.relocations,overall,a,b\n1,0,compliant,compliant,\n2,1,non_compliant,compliant," \
        "non_compliant\n3,2,compliant,,compliant\n"


def test_the_command_spreads_scenarios_over_processes_with_the_same_csv(capsys, tmp_path):
    args = ["sweep", str(TEMPLATE), "--vary", "pledges.*.financial_contributions=0..60000000:0.01", "--sample", "300",
            "--seed", "9", "--requirement", "act_pledge_meets_fair_share"]
    assert cli.run(cli.main, [*args, "-o", str(tmp_path / "one.csv")]) == 0
    assert cli.run(cli.main, [*args, "--jobs", "2", "-o", str(tmp_path / "two.csv")]) == 0
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    err = capsys.readouterr().err
    assert "300 scenarios" in err                      # the progress bar's label
