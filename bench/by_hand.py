"""The same checks written by hand in Python, exactly, to measure the engines against.

Two versions of each: with `Fraction`, as one would first write them, and with integers
only (amounts in cents, shares kept as numerator and denominator and compared by
cross-multiplying), the fastest exact Python found. Both read the same inputs the engines
read: document values already exact (Fractions, as the documents give them) and the
Eurostat figures of the shipped CSV files. Each returns one verdict per check; the
benchmark checks that they are the engines' verdicts before timing anything.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATES = ("BE BG CZ DE EE IE EL ES FR HR IT CY LV LT LU HU MT NL AT PL PT RO SI SK FI SE").split()
PARTICIPATING = frozenset(STATES)
RATE = Fraction(600_000_000, 30_000)            # EUR per relocation, Art 12(2) and 12(3)


def eurostat(name: str, year: int) -> dict[str, Fraction]:
    scale = 1_000_000 if name == "gdp" else 1
    with open(ROOT / "rules" / "data" / f"eurostat-{name}.csv", newline="") as handle:
        return {r["geo"]: Fraction(Decimal(r["value"])) * scale for r in csv.DictReader(handle)
                if r["year"] == str(year)}


POPULATION, GDP = eurostat("population", 2024), eurostat("gdp", 2024)
POPULATION_INT = {k: int(v) for k, v in POPULATION.items()}        # whole persons
GDP_INT = {k: int(v) for k, v in GDP.items()}                      # whole euros (million EUR to one decimal)
assert all(v.denominator == 1 for v in (*POPULATION.values(), *GDP.values()))


# ---------------------------------------------------------------------- W1

def w1_fraction(p: dict) -> list[bool | None]:
    """Art 12(2)(a), 12(2)(b) (both set aside by Art 12(4): None), the 12(3) ratio, 15 October."""
    relocations, money = p["relocations"], p["financial_contributions"]
    waived = p.get("no_need_indicated", False)
    return [None if waived else relocations >= 30_000, None if waived else money >= 600_000_000,
            money == relocations * RATE, p["adopted_on"] <= date(p["pool_year"] - 1, 10, 15)]


def w1_int(p: dict) -> list[bool | None]:
    relocations, money = p["relocations"], p["financial_contributions"]
    n, d = money.numerator, money.denominator
    waived = p.get("no_need_indicated", False)
    return [None if waived else relocations.numerator >= 30_000 * relocations.denominator,
            None if waived else n >= 600_000_000 * d,
            n * relocations.denominator == 20_000 * relocations.numerator * d,
            p["adopted_on"] <= date(p["pool_year"] - 1, 10, 15)]


# ---------------------------------------------------------------------- W2

def key_fraction() -> dict[str, Fraction]:
    """Annex I: half the population share plus half the GDP share, over the participating states."""
    total_population = sum(POPULATION[m] for m in STATES)
    total_gdp = sum(GDP[m] for m in STATES)
    return {m: POPULATION[m] / total_population / 2 + GDP[m] / total_gdp / 2 for m in STATES}


def pledge_value_fraction(pledge: dict, rate: Fraction = RATE) -> Fraction:
    return pledge.get("relocations", 0) * rate + pledge.get("financial_contributions", 0) \
        + sum((m["financial_value"] for m in pledge.get("alternative_measures", ())), Fraction(0))


def w2_fraction(act: dict, key: dict[str, Fraction] | None = None) -> dict[str, bool]:
    """Every pledge against its fair share (Art 57(3)), the key computed unless given. The fair share
    is one obligation (reading fair_share_composition = one_obligation, the default): a pledge meets
    it when relocations at the reference numbers' ratio plus money and alternative measures reach its
    key share of the reference financial contributions."""
    key = key if key is not None else key_fraction()
    financial = act["reference_financial_contributions"]
    rate = Fraction(financial) / act["reference_relocations"]
    return {ms: pledge_value_fraction(pledge, rate) >= key[ms] * financial
            for ms, pledge in act["pledges"].items() if ms in PARTICIPATING}


def key_int() -> dict[str, tuple[int, int]]:
    """The key as (numerator, denominator): p/2P + g/2G = (pG + gP) / 2PG, not reduced."""
    total_population = sum(POPULATION_INT[m] for m in STATES)
    total_gdp = sum(GDP_INT[m] for m in STATES)
    d = 2 * total_population * total_gdp
    return {m: (POPULATION_INT[m] * total_gdp + GDP_INT[m] * total_population, d) for m in STATES}


def _cents(value: Fraction) -> int:
    return value.numerator * (100 // value.denominator)     # amounts have at most two decimals


def w2_int(act: dict, key: dict[str, tuple[int, int]] | None = None) -> dict[str, bool]:
    """w2_fraction multiplied through by the reference relocations R and the key's denominator:
    (relocations x F + (money + measures) x R) x d >= n x F x R, amounts in cents."""
    key = key if key is not None else key_int()
    relocations, financial = int(act["reference_relocations"]), _cents(act["reference_financial_contributions"])
    out = {}
    for ms, pledge in act["pledges"].items():
        if ms not in PARTICIPATING:
            continue
        money = _cents(pledge.get("financial_contributions", Fraction(0)))
        for m in pledge.get("alternative_measures", ()):
            money += _cents(m["financial_value"])
        value = int(pledge.get("relocations", 0)) * financial + money * relocations
        n, d = key[ms]
        out[ms] = value * d >= n * financial * relocations
    return out


# ---------------------------------------------------------------------- W3

def w3_fraction(act: dict, vectors: list[tuple]) -> list[dict[str, bool]]:
    """W2 for each vector of (relocations, financial contributions) per state, the key computed
    once; the alternative measures of the act's pledges stay as they are."""
    key = key_fraction()
    financial = act["reference_financial_contributions"]
    rate = Fraction(financial) / act["reference_relocations"]
    # what a pledge must reach with its relocations and money: its fair share less its other measures
    shares = {ms: key[ms] * financial - sum((m["financial_value"] for m in
                                             act["pledges"].get(ms, {}).get("alternative_measures", ())), Fraction(0))
              for ms in STATES}
    out = []
    for vector in vectors:
        out.append({ms: vector[2 * i] * rate + vector[2 * i + 1] >= shares[ms] for i, ms in enumerate(STATES)})
    return out


def w3_int(act: dict, vectors: list[tuple]) -> list[dict[str, bool]]:
    key = key_int()
    relocations, financial = int(act["reference_relocations"]), _cents(act["reference_financial_contributions"])
    other = {ms: sum(_cents(m["financial_value"]) for m in act["pledges"].get(ms, {}).get("alternative_measures", ()))
             for ms in STATES}
    # (r x F + (money + other) x R) x d >= n x F x R, with the other measures moved to the right
    sides = [(key[ms][1], key[ms][0] * financial * relocations - other[ms] * relocations * key[ms][1])
             for ms in STATES]
    out = []
    for vector in vectors:
        out.append({ms: (vector[2 * i].numerator * financial + _cents(vector[2 * i + 1]) * relocations) * d >= right
                    for i, (ms, (d, right)) in enumerate(zip(STATES, sides))})
    return out
