"""The evaluator: exact values, three-valued logic, exceptions by priority, prepare once."""

import csv
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from interpreter import Missing, RuleSet
from interpreter.engine.evaluate import Case, Evaluator
from interpreter.language import ir
from interpreter.language import typesys as T

ROOT = Path(__file__).resolve().parent.parent


def value(rules, case, name, *args):
    spec = rules.program.values[name]
    nodes = tuple(ir.Const(t, value=a) for a, (_, t) in zip(args, spec.params))
    return Evaluator(rules.program, rules.tables, case, trace=False).eval(
        ir.Ref(spec.type, kind=spec.kind, name=name, args=nodes), {})


def eurostat(name, year):
    with open(ROOT / "rules" / "data" / f"eurostat-{name}.csv", newline="") as handle:
        return {r["geo"]: Fraction(Decimal(r["value"])) for r in csv.DictReader(handle) if r["year"] == str(year)}


def test_shares_are_exact_and_sum_to_one(rules):
    case = rules.case([], {"population": 2024, "gdp": 2024})
    shares = [value(rules, case, "share", ms) for ms in rules.program.participating]
    assert all(isinstance(s, Fraction) for s in shares)
    assert sum(shares) == 1


def test_share_matches_an_independent_computation(rules):
    """The Annex I formula written out by hand, from the CSV files, for every participating state."""
    case = rules.case([], {"population": 2023, "gdp": 2023})
    population, gdp = eurostat("population", 2023), eurostat("gdp", 2023)
    states = [ms for ms in population if ms not in ("DK", "EU27_2020")]
    assert len(states) == 26 and set(states) == set(rules.program.participating)
    total_population, total_gdp = sum(population[m] for m in states), sum(gdp[m] for m in states)
    for ms in states:
        by_hand = Fraction(1, 2) * population[ms] / total_population + Fraction(1, 2) * gdp[ms] / total_gdp
        assert value(rules, case, "share", ms) == by_hand


def test_denmark_is_not_counted_in_the_key(rules):
    case = rules.case([], {"population": 2024, "gdp": 2024})
    population = eurostat("population", 2024)
    assert "DK" in population
    assert value(rules, case, "total_population") == sum(v for k, v in population.items() if k not in ("DK", "EU27_2020"))


@pytest.fixture(scope="module")
def tiny_rules(tmp_path_factory):
    """The shipped rules over three made-up Member States whose shares can be checked by hand."""
    folder = tmp_path_factory.mktemp("tiny")
    for path in (ROOT / "rules").glob("*.rules"):
        if path.name != "regulation.rules":
            shutil.copy(path, folder)
    text = (ROOT / "rules" / "regulation.rules").read_text()
    head = text.split("member state BE")[0]
    (folder / "regulation.rules").write_text(head + """
member state BE "Belgium" participates from 11 June 2024 cites Art 85 first subparagraph
member state BG "Bulgaria" participates from 11 June 2024 cites Art 85 first subparagraph
member state CZ "Czechia" participates from 11 June 2024 cites Art 85 first subparagraph
member state DK "Denmark" does not participate
""")
    shutil.copytree(ROOT / "rules" / "law", folder / "law")
    (folder / "data").mkdir()
    header = "geo,year,value,unit,dataset,source_url\n"
    (folder / "data" / "eurostat-population.csv").write_text(
        header + "BE,2024,1000,NR,test,x\nBG,2024,1000,NR,test,x\nCZ,2024,2000,NR,test,x\nDK,2024,5000,NR,test,x\n")
    (folder / "data" / "eurostat-gdp.csv").write_text(
        header + "BE,2024,2.0,MEUR,test,x\nBG,2024,1.0,MEUR,test,x\nCZ,2024,1.0,MEUR,test,x\nDK,2024,9.0,MEUR,test,x\n")
    shutil.copy(ROOT / "rules" / "data" / "official-holidays.csv", folder / "data")    # the calendar the rules declare
    return RuleSet.prepare(folder)


def test_reference_key_by_hand(tiny_rules):
    # population effects 1/4, 1/4, 1/2; GDP effects 1/2, 1/4, 1/4; Denmark counts in neither
    case = tiny_rules.case([])
    assert case.data_years == {"population": 2024, "gdp": 2024}
    assert [value(tiny_rules, case, "share", ms) for ms in ("BE", "BG", "CZ")] == \
        [Fraction(3, 8), Fraction(1, 4), Fraction(3, 8)]
    assert value(tiny_rules, case, "total_gdp") == 4_000_000       # EUR million scaled to EUR
    proposal = tiny_rules.document({"document": "CommissionProposal", "relocations": 30000,
                                    "financial_contributions": 600000000})
    case = tiny_rules.case([proposal])
    record = proposal.record
    assert value(tiny_rules, case, "indicative_relocations", record, "BE") == 11250
    assert value(tiny_rules, case, "indicative_financial_contributions", record, "BG") == 150_000_000


def test_pledge_value_counts_relocations_at_the_ratio(tiny_rules):
    pledge = tiny_rules.document({"document": "MemberStatePledge", "member_state": "BG", "pool_year": 2026,
                                  "pledge": {"relocations": 10, "financial_contributions": "1000.50",
                                             "alternative_measures": [{"description": "x", "financial_value": 5}]}})
    case = tiny_rules.case([pledge])
    assert value(tiny_rules, case, "pledge_value", pledge.record.fields["pledge"]) == Fraction("201005.50")
    # the fair share is one obligation (reading fair_share_composition): share 1/4 of EUR 600 million, or
    # of 30 000 relocations; the cumulative reading owes both, 1/4 of (30 000 x EUR 20 000 + EUR 600 million)
    assert value(tiny_rules, case, "fair_share_value", "BG", Fraction(30000), Fraction(600_000_000)) == 150_000_000
    assert value(tiny_rules, case, "fair_share_relocations", "BG", Fraction(30000)) == 7500
    assert value(tiny_rules, case, "fair_share_value__cumulative", "BG", Fraction(30000),
                 Fraction(600_000_000)) == 300_000_000


def _logic(op, left, right):
    const = lambda v: ir.Const(T.BOOL, value=v)   # noqa: E731
    return ir.Logic(T.BOOL, op=op, left=const(left), right=const(right))


def test_three_valued_logic(rules):
    evaluator = Evaluator(rules.program, rules.tables, Case(()), trace=False)
    gap = Missing.of("x")
    assert evaluator.eval(_logic("and", False, gap), {}) is False
    assert evaluator.eval(_logic("and", gap, False), {}) is False
    assert evaluator.eval(_logic("or", True, gap), {}) is True
    assert evaluator.eval(_logic("or", gap, True), {}) is True
    assert isinstance(evaluator.eval(_logic("and", True, gap), {}), Missing)
    assert isinstance(evaluator.eval(_logic("or", False, gap), {}), Missing)
    assert isinstance(evaluator.eval(ir.Not(T.BOOL, operand=ir.Const(T.BOOL, value=gap)), {}), Missing)


def test_prepare_once_evaluate_many(rules):
    def verdict(relocations):
        doc = rules.document({"document": "CommissionProposal", "relocations": relocations})
        return rules.evaluate(rules.case([doc])).outcome("proposal_minimum_relocations").verdict
    assert [verdict(29999), verdict(30000), verdict(29999)] == ["non_compliant", "compliant", "non_compliant"]


def test_reference_data_cache_is_keyed_by_year(rules):
    a = value(rules, rules.case([], {"population": 2024, "gdp": 2024}), "share", "DE")
    b = value(rules, rules.case([], {"population": 2023, "gdp": 2023}), "share", "DE")
    c = value(rules, rules.case([], {"population": 2024, "gdp": 2024}), "share", "DE")
    assert a != b and a == c


def test_tracing_does_not_change_verdicts(rules):
    case = rules.case(rules.read([ROOT / "examples" / "2026"]))
    with_trace = [(o.key, o.verdict, o.missing) for o in rules.evaluate(case, trace=True).outcomes]
    without = [(o.key, o.verdict, o.missing) for o in rules.evaluate(case, trace=False).outcomes]
    assert with_trace == without


@pytest.fixture(scope="module")
def construct_rules():
    return RuleSet.prepare(extra=[ROOT / "tests" / "language" / "good" / "every_construct.rules"])


def _test_document(rules, **fields):
    base = {"document": "TestDocument", "member_state": "DE", "year_of": 2026, "day": "2026-03-01",
            "persons_by_state": {"DE": 5, "FR": 7}, "rate": 2,
            "items": [{"label": "a", "amount": 10}, {"label": "b", "amount": 0}]}
    proposal = {"document": "CommissionProposal", "pool_year": 2026}
    return rules.case([rules.document({**base, **fields}), rules.document(proposal)])


def test_every_construct_evaluates(construct_rules):
    result = construct_rules.evaluate(_test_document(construct_rules))
    assert result.outcome("test_every_construct").verdict == "compliant"
    # flag set: test_total (EUR 10) >= rate x min(largest, 2 000) = 2 x 7 = 14 fails, and the override applies
    result = construct_rules.evaluate(_test_document(construct_rules, flag=True))
    outcome = result.outcome("test_every_construct")
    assert outcome.decided_by == "test_override" and outcome.verdict == "compliant"
    result = construct_rules.evaluate(_test_document(construct_rules, flag=True, member_state="FR"))
    assert result.outcome("test_every_construct").verdict == "non_compliant"


def test_a_year_parameter_is_a_year(construct_rules):
    assert construct_rules.evaluate(_test_document(construct_rules)).outcome("test_year_parameter").verdict == "compliant"
    late = construct_rules.evaluate(_test_document(construct_rules, year_of=2028))
    assert late.outcome("test_year_parameter").verdict == "non_compliant"
    chosen = construct_rules.case(_test_document(construct_rules, year_of=2028).documents,
                                  parameters={"test_pool_year": 2028})
    assert construct_rules.evaluate(chosen).outcome("test_year_parameter").verdict == "compliant"


def test_exceptions_are_weighed_by_priority(construct_rules):
    result = construct_rules.evaluate(_test_document(construct_rules, member_state="DK"))
    outcome = result.outcome("test_every_construct")
    assert outcome.verdict == "needs_assessment" and outcome.authority == "TestAuthority"
    assert [(x.name, x.applied) for x in outcome.exceptions] == [("test_override", False), ("test_second_override", True)]


def test_unless_makes_a_requirement_inapplicable(construct_rules):
    result = construct_rules.evaluate(_test_document(construct_rules, day="2025-12-31"))
    assert result.outcome("test_every_construct").verdict == "not_applicable"
