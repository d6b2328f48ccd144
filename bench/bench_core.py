"""Benchmarks W1 and W2 (issue #3): the prepared rule set against hand-written Python.

Both sides use exact arithmetic (fractions.Fraction) and reach the same verdicts
(checked before timing). Run by hand:

    python bench/bench_core.py            # prints absolute times and the ratio engine / hand-written

W1  a Commission proposal against Art 12(2)(a), 12(2)(b), the Art 12(3) ratio and 15 October.
W2  the reference key for the 26 participating Member States from the shipped Eurostat data,
    and every Member State's pledge in a Council act against its mandatory fair share.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interpreter.api import RuleSet  # noqa: E402

W1_RULES = ("proposal_minimum_relocations", "proposal_minimum_financial_contributions",
            "proposal_ratio_maintained", "proposal_adopted_by_15_october")
STATES = ("BE BG CZ DE EE IE EL ES FR HR IT CY LV LT LU HU MT NL AT PL PT RO SI SK FI SE").split()


# ------------------------------------------------------------ hand-written

def w1_by_hand(p: dict) -> list[bool]:
    relocations, money = Fraction(p["relocations"]), Fraction(p["financial_contributions"])
    rate = Fraction(600_000_000, 30_000)
    return [relocations >= 30_000, money >= 600_000_000, money == relocations * rate,
            p["adopted_on"] <= date(p["pool_year"] - 1, 10, 15)]


def load_eurostat(name: str, year: int) -> dict[str, Fraction]:
    scale = 1_000_000 if name == "gdp" else 1
    with open(ROOT / "rules" / "data" / f"eurostat-{name}.csv", newline="") as handle:
        return {r["geo"]: Fraction(Decimal(r["value"])) * scale for r in csv.DictReader(handle) if r["year"] == str(year)}


POPULATION, GDP = load_eurostat("population", 2024), load_eurostat("gdp", 2024)


def w2_by_hand(act: dict) -> dict[str, bool]:
    total_population = sum(POPULATION[m] for m in STATES)
    total_gdp = sum(GDP[m] for m in STATES)
    rate = Fraction(600_000_000, 30_000)
    pool = act["reference_relocations"] * rate + Fraction(act["reference_financial_contributions"])
    out = {}
    for ms, pledge in act["pledges"].items():
        share = POPULATION[ms] / total_population / 2 + GDP[ms] / total_gdp / 2
        value = pledge.get("relocations", 0) * rate + Fraction(pledge.get("financial_contributions", 0)) \
            + sum(Fraction(m["financial_value"]) for m in pledge.get("alternative_measures", ()))
        out[ms] = value >= share * pool
    return out


# ------------------------------------------------------------------ inputs

PROPOSAL = {"document": "CommissionProposal", "pool_year": 2026, "adopted_on": date(2025, 11, 11),
            "relocations": 30000, "financial_contributions": 600000000}


def council_act() -> dict:
    pledges = {}
    for i, ms in enumerate(STATES):
        pledges[ms] = {"relocations": 40 * i, "financial_contributions": str(1_500_000 * (i % 7))}
        if i % 5 == 0:
            pledges[ms]["alternative_measures"] = [{"description": "staff", "financial_value": "250000"}]
    return {"document": "CouncilImplementingAct", "pool_year": 2026, "adopted_on": date(2025, 12, 22),
            "adopted_by_qualified_majority": True, "reference_relocations": 21000,
            "reference_financial_contributions": 420000000, "pledges": pledges}


# ------------------------------------------------------------------ timing

def per_call(fn, seconds: float = 1.0) -> float:
    """Median seconds per call over repeated batches of about `seconds`/5 each."""
    fn()
    n, start = 1, time.perf_counter()
    while time.perf_counter() - start < 0.05:
        fn()
        n += 1
    batch = max(1, int(n * (seconds / 5) / 0.05))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        times.append((time.perf_counter() - start) / batch)
    return statistics.median(times)


def show(label: str, engine: float, hand: float) -> None:
    print(f"{label:44} engine {engine * 1e6:10.1f} µs   hand-written {hand * 1e6:8.1f} µs   ratio {engine / hand:6.1f}x")


def main() -> None:
    start = time.perf_counter()
    rules = RuleSet.prepare()
    print(f"prepare (parse + check + data + models)      {(time.perf_counter() - start) * 1e3:8.1f} ms")

    # W1: validated once; the benchmark times evaluation against the prepared rule set
    proposal = rules.document(PROPOSAL)
    case1 = rules.case([proposal], {"population": 2024, "gdp": 2024})
    engine = [o.verdict == "compliant" for o in rules.evaluate(case1, trace=False, only=W1_RULES).outcomes]
    assert engine == w1_by_hand(PROPOSAL), (engine, w1_by_hand(PROPOSAL))
    show("W1 proposal, 4 checks, trace off", per_call(lambda: rules.evaluate(case1, trace=False, only=W1_RULES)),
         per_call(lambda: w1_by_hand(PROPOSAL)))
    show("W1 proposal, 4 checks, full trace", per_call(lambda: rules.evaluate(case1, trace=True, only=W1_RULES)),
         per_call(lambda: w1_by_hand(PROPOSAL)))
    show("W1 incl. reading the document", per_call(lambda: rules.evaluate(
        rules.case([rules.document(PROPOSAL)], {"population": 2024, "gdp": 2024}), trace=False, only=W1_RULES)),
        per_call(lambda: w1_by_hand(PROPOSAL)))

    # W2
    act = council_act()
    case2 = rules.case([rules.document(act)], {"population": 2024, "gdp": 2024})
    outcomes = rules.evaluate(case2, trace=False, only=("act_pledge_meets_fair_share",)).outcomes
    engine2 = {o.instance: o.verdict == "compliant" for o in outcomes}
    assert engine2 == w2_by_hand(act), "verdicts differ"
    print(f"   (W2 verdicts: {sum(engine2.values())} of {len(engine2)} pledges meet the fair share; same by hand)")

    def w2_cold():
        rules._shared.clear()          # recompute the reference key as well
        rules.evaluate(case2, trace=False, only=("act_pledge_meets_fair_share",))

    hand2 = per_call(lambda: w2_by_hand(act))
    show("W2 key + 26 pledges, trace off, key cached", per_call(
        lambda: rules.evaluate(case2, trace=False, only=("act_pledge_meets_fair_share",))), hand2)
    show("W2 key + 26 pledges, trace off, key computed", per_call(w2_cold), hand2)
    show("W2 key + 26 pledges, full trace, key cached", per_call(
        lambda: rules.evaluate(case2, trace=True, only=("act_pledge_meets_fair_share",))), hand2)


if __name__ == "__main__":
    main()
