"""End to end against the hand-written baseline (issue 15): a parsed document in, verdicts out.

    python bench/end_to_end.py
    AMMR_BASELINE=/path/to/fraction_baseline.py python bench/end_to_end.py

The baseline is `shared/bench/fraction_baseline.py` (W1 and W2 written by hand with Fraction and
Decimal), imported from where it lies, never copied: $AMMR_BASELINE, else shared/bench/ beside the
checkout or its parent, else /work/shared/bench/. Without it the benchmark says so and times only the JSON text.

W1  a Commission proposal's four checks (Art 12(2)(a), 12(2)(b), 12(3), 12(6)).
W2  the reference key over the participating Member States and each one's pledge against its fair
    share, in a Council act (`act_pledge_meets_fair_share`).

Each side starts from the same plain values, as a YAML or JSON parser gives them; the engine's time
includes reading and validating the document (`rules.document`), gathering the case and evaluating
with the compiled engine, trace off. "Key kept": the reference key and the fair shares are kept by
the engine from an earlier case, as in every real use; "key computed": those caches are emptied
before each call, as the baseline computes its key in every call. The verdicts of both sides are
compared first. "Prepared checker": `rules.checker(document type, only=..., data_years=...)`, made once, then called
with the plain mapping (engine/prepared.py): the same verdicts, without a Document, Case or Result.
The last part times the JSON text of a result (`render(data, "json")`).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench import fmt, timed  # noqa: E402
from interpreter import RuleSet  # noqa: E402
from interpreter.engine.compiled import compiled  # noqa: E402

W1_RULES = ("proposal_minimum_relocations", "proposal_minimum_financial_contributions",
            "proposal_ratio_maintained", "proposal_adopted_by_15_october")
W1_NAMES = {"proposal_minimum_relocations": "minimum_relocations",
            "proposal_minimum_financial_contributions": "minimum_financial_contributions",
            "proposal_ratio_maintained": "ratio_maintained", "proposal_adopted_by_15_october": "adopted_by_15_october"}
W2_RULES = ("act_pledge_meets_fair_share",)
YEAR = 2024
YEARS = {"population": YEAR, "gdp": YEAR}


def baseline_path() -> Path | None:
    given = os.environ.get("AMMR_BASELINE")
    candidates = [Path(given)] if given else []
    candidates += [ROOT / "shared" / "bench" / "fraction_baseline.py",
                   ROOT.parent / "shared" / "bench" / "fraction_baseline.py",
                   Path("/work/shared/bench/fraction_baseline.py")]
    return next((p for p in candidates if p.is_file()), None)


def load_baseline(path: Path):
    spec = importlib.util.spec_from_file_location("fraction_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measured(fn) -> tuple[float, float, float]:
    """(best, median) by the clock, and the best batch's CPU time, seconds per call."""
    cpu: list[float] = []
    return (*timed(fn, cpu=cpu), cpu[0])


def line(label: str, t: tuple[float, float, float], base: tuple[float, float, float], target: str = "") -> None:
    print(f"  {label:52} {fmt(t[0])}  ({fmt(t[1]).strip():>10}) {t[0] / base[0]:6.2f}x"
          f"   CPU {fmt(t[2]).strip():>9} {t[2] / base[2]:6.2f}x  {target}")


def _same(o) -> tuple:
    """What the two ways of checking must agree on."""
    return (o.requirement, o.document, o.instance, o.verdict, o.missing)


# ------------------------------------------------------------------ W1

PROPOSAL = {"document": "CommissionProposal", "pool_year": 2026, "adopted_on": date(2025, 11, 11),
            "relocations": 30000, "financial_contributions": 600000000}


def w1(rules: RuleSet, baseline) -> None:
    plain = {"relocations": PROPOSAL["relocations"],
             "financial_contributions": Decimal(PROPOSAL["financial_contributions"]),
             "adopted_on": PROPOSAL["adopted_on"], "pool_year": PROPOSAL["pool_year"]}

    def engine():
        case = rules.case([rules.document(PROPOSAL)], YEARS)
        return rules.evaluate(case, trace=False, only=W1_RULES, engine="compiled").outcomes

    mine = {W1_NAMES[o.requirement]: o.verdict == "compliant" for o in engine()}
    theirs = baseline.w1(plain)
    assert mine == theirs, f"W1 verdicts differ: {mine} != {theirs}"
    print(f"\nW1  Commission proposal, 4 checks (verdicts agree: {theirs})")
    base = measured(lambda: baseline.w1(plain))
    line("baseline, Fraction (fraction_baseline.w1)", base, base)
    document = rules.document(PROPOSAL)
    line("engine: read the document only", measured(lambda: rules.document(PROPOSAL)), base)
    case = rules.case([document], YEARS)
    line("engine: evaluate only (document read before)",
         measured(lambda: rules.evaluate(case, trace=False, only=W1_RULES, engine="compiled")), base)
    line("engine: end to end (read, case, evaluate)", measured(engine), base)
    check = rules.checker("CommissionProposal", only=W1_RULES, data_years=YEARS)
    assert [_same(o) for o in check(PROPOSAL)] == [_same(o) for o in engine()], "the prepared checker differs"
    line("prepared checker: end to end (rules.checker)", measured(lambda: check(PROPOSAL)), base, "target ≤ 2x")


# ------------------------------------------------------------------ W2

def council_act(rules: RuleSet) -> dict:
    """Every participating Member State pledges: some above their fair share, some below."""
    pledges = {}
    for i, ms in enumerate(rules.program.participating):
        pledges[ms] = {"relocations": 40 * i, "financial_contributions": 1_500_000 * (i % 7)}
    return {"document": "CouncilImplementingAct", "pool_year": 2026, "adopted_on": date(2025, 12, 22),
            "adopted_by_qualified_majority": True, "reference_relocations": 21000,
            "reference_financial_contributions": 420000000, "pledges": pledges}


def baseline_states(rules: RuleSet, act: dict) -> list[dict]:
    """The same states, figures and pledges as plain values, as the baseline takes them."""
    out = []
    for ms, pledge in act["pledges"].items():
        population = rules.tables["population"].get(ms, YEAR).value
        gdp = rules.tables["gdp"].get(ms, YEAR).value
        assert population.denominator == 1 and gdp.denominator == 1, "whole figures expected"
        out.append({"code": ms, "population": int(population), "gdp": Decimal(int(gdp)),
                    "relocations": pledge["relocations"],
                    "financial_contributions": Decimal(pledge["financial_contributions"])})
    return out


def w2(rules: RuleSet, baseline) -> None:
    act = council_act(rules)
    states = baseline_states(rules, act)
    program = compiled(rules)

    def engine(kept: bool):
        def run():
            if not kept:
                program.clear()
                rules._variants[()].shared.clear()
            case = rules.case([rules.document(act)], YEARS)
            return rules.evaluate(case, trace=False, only=W2_RULES, engine="compiled").outcomes
        return run

    mine = {o.instance: o.verdict == "compliant" for o in engine(True)()}
    theirs = {code: met for code, (met, _) in baseline.w2(states, act["reference_relocations"],
                                                         Decimal(act["reference_financial_contributions"])).items()}
    differ = sorted(ms for ms in theirs if mine.get(ms) != theirs[ms])
    agreement = "verdicts agree" if not differ else \
        f"VERDICTS DIFFER for {', '.join(differ)}: the rules read the fair share otherwise than the baseline"
    print(f"\nW2  reference key over {len(states)} participating states, each pledge against its fair share "
          f"({sum(theirs.values())} meet it; {agreement})")
    base = measured(lambda: baseline.w2(states, act["reference_relocations"],
                                     Decimal(act["reference_financial_contributions"])))
    line("baseline, Fraction (fraction_baseline.w2)", base, base)
    line("engine: read the document only", measured(lambda: rules.document(act)), base)
    line("engine: end to end, key kept", measured(engine(True)), base)
    line("engine: end to end, key computed", measured(engine(False)), base)
    check = rules.checker("CouncilImplementingAct", only=W2_RULES, data_years=YEARS)
    assert [_same(o) for o in check(act)] == [_same(o) for o in engine(True)()], "the prepared checker differs"

    def checker(kept: bool):
        def run():
            if not kept:
                program.clear()
                rules._variants[()].shared.clear()
            return check(act)
        return run
    line("prepared checker: end to end, key kept", measured(checker(True)), base, "target ≤ 0.2x")
    line("prepared checker: end to end, key computed", measured(checker(False)), base, "target ≤ 0.2x")


# ------------------------------------------------------------------ the JSON text

def json_text(rules: RuleSet) -> None:
    """`render(data, "json")` (report/jsontext.py) beside the standard library's encoder it replaces,
    on the result of `ammr check --format json examples/2026/`; the texts must be the same."""
    import json

    from interpreter import explain, render
    data = explain(rules, rules.check([ROOT / "examples" / "2026"]), pool=True)
    clean = {k: v for k, v in data.items() if k != "groups"}
    text = render(data, "json")
    assert text == json.dumps(clean, indent=2, ensure_ascii=False) + "\n", "the JSON texts differ"
    print(f"\njson  the ammr-check/1 text of examples/2026 ({len(text.encode())} bytes; the two texts are identical)")
    base = measured(lambda: json.dumps(clean, indent=2, ensure_ascii=False))
    line("json.dumps(indent=2, ensure_ascii=False)", base, base)
    line('render(data, "json")', measured(lambda: render(data, "json")), base)


def main() -> None:
    rules = RuleSet.prepare()
    path = baseline_path()
    if path is None:
        print("end_to_end: the baseline fraction_baseline.py was not found (set AMMR_BASELINE, or lay "
              "shared/bench/ beside the checkout): W1 and W2 not measured")
    else:
        baseline = load_baseline(path)
        print(f"baseline: {path}")
        w1(rules, baseline)
        w2(rules, baseline)
    json_text(rules)


if __name__ == "__main__":
    main()
