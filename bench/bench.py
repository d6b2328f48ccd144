"""Benchmarks of issue #8, all in one run: absolute times, and the ratio to the same checks
written by hand (bench/by_hand.py). Run by hand, from the project root, in its venv:

    python bench/bench.py             # everything (about two minutes)
    python bench/bench.py --quick     # shorter timings, fewer W3 vectors

W1    a Commission proposal: Art 12(2)(a), 12(2)(b), the 12(3) ratio, 15 October
W2    the reference key for the 26 participating states, and every pledge of a Council act
      against its fair share in value (Art 57(3)); "key kept" when the key (and the fair
      shares) were computed by an earlier evaluation, "key computed" when not
W3    W2 over 10 000 seeded pledge vectors (a sweep: each state's relocations and money)
pool  a whole annual pool: the synthetic 2027 cycle (proposal, Council act with its pledges,
      deduction, offset, ...) and 25 Member State pledges; every requirement, full trace
cold  `ammr check` on one file, process start to exit
prep  RuleSet.prepare(): parse and check the rules, with and without caches

Times are the best of several batches (each long enough to time reliably), with the
median batch in brackets: the machine is shared, and the best batch is the one least
disturbed. Verdicts are compared with the hand-written ones before anything is timed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import by_hand as H  # noqa: E402

from interpreter import RuleSet  # noqa: E402
from interpreter.engine.compiled import compiled  # noqa: E402
from interpreter.tools import sweep as S  # noqa: E402

W1_RULES = ("proposal_minimum_relocations", "proposal_minimum_financial_contributions",
            "proposal_ratio_maintained", "proposal_adopted_by_15_october")
W2_RULES = ("act_pledge_meets_fair_share",)
YEARS = {"population": 2024, "gdp": 2024}
QUICK = False


# ------------------------------------------------------------------ timing

def timed(fn, batch_seconds: float = 0.25, batches: int = 7) -> tuple[float, float]:
    """Seconds per call: (best batch, median batch)."""
    if QUICK:
        batch_seconds, batches = 0.05, 3
    fn()
    n, start = 1, time.perf_counter()
    while time.perf_counter() - start < 0.02:
        fn()
        n += 1
    per_batch = max(1, int(n * batch_seconds / (time.perf_counter() - start)))
    times = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(per_batch):
            fn()
        times.append((time.perf_counter() - start) / per_batch)
    return min(times), statistics.median(times)


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:8.2f} s "
    if seconds >= 1e-3:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds * 1e6:8.1f} µs"


def line(label: str, t: tuple[float, float], base: tuple[float, float] | None = None, target: str = "") -> None:
    ratio = f"{t[0] / base[0]:7.2f}x" if base else "        "
    print(f"  {label:50} {fmt(t[0])}  ({fmt(t[1]).strip():>10}) {ratio}  {target}")


def header(title: str, base: str = "") -> None:
    print(f"\n{title}")
    print(f"  {'':50} {'best':>11}  ({'median':>10}) {'ratio':>8}  " + (f"(ratio to {base})" if base else ""))


class outcomes_not_reused:
    """The compiled engine makes each untraced Outcome once (engine.Compiled._namespace, `decided`):
    evaluating the same document again, as W1 and W2 do, reuses them. This times making them."""

    def __init__(self, rules):
        self.namespace = compiled(rules).namespace

    def __enter__(self):
        from interpreter.engine.compiled import runtime
        self.kept = self.namespace["decided"]
        self.namespace["decided"] = runtime.decided

    def __exit__(self, *exc):
        self.namespace["decided"] = self.kept


# ------------------------------------------------------------------ inputs

PROPOSAL = {"document": "CommissionProposal", "pool_year": 2026, "adopted_on": "2025-11-11",
            "relocations": 30000, "financial_contributions": 600000000}


def council_act() -> dict:
    pledges = {}
    for i, ms in enumerate(H.STATES):
        pledges[ms] = {"relocations": 40 * i, "financial_contributions": str(1_500_000 * (i % 7))}
        if i % 5 == 0:
            pledges[ms]["alternative_measures"] = [{"description": "staff", "financial_value": "250000"}]
    return {"document": "CouncilImplementingAct", "pool_year": 2026, "adopted_on": "2025-12-22",
            "adopted_by_qualified_majority": True, "reference_relocations": 21000,
            "reference_financial_contributions": 420000000, "pledges": pledges}


def exact(value):
    """A document's values as the hand-written code reads them: plain dicts of the same exact values."""
    from interpreter.engine.documents import RecordValue, TableValue
    if isinstance(value, RecordValue):
        return {k: exact(v) for k, v in value.fields.items()}
    if isinstance(value, TableValue):
        return {k: exact(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [exact(v) for v in value]
    return value


def pool_documents(rules) -> list:
    """The synthetic 2027 cycle (examples/synthetic-2027: report, decision, proposal, forum, Council
    act, pool use, coordinator's overview, deduction request, offset request, relocation case),
    and each Member State's pledge of the act as a pledge document of its own."""
    documents = list(rules.read([ROOT / "examples" / "synthetic-2027"]))
    act = next(d for d in documents if d.type == "CouncilImplementingAct")
    for i, (ms, pledge) in enumerate(exact(act.record)["pledges"].items()):
        measures = [{"description": "reception", "financial_value": 100000 * (i + 1)}] if i % 4 == 0 else []
        documents.append(rules.document({
            "document": "MemberStatePledge", "member_state": ms, "pool_year": 2027,
            "pledge": {"relocations": int(pledge.get("relocations", 0)),
                       "financial_contributions": S.exact_text(pledge.get("financial_contributions", Fraction(0))),
                       "alternative_measures": measures}}, f"pledge-{ms}.yaml"))
    return documents


# --------------------------------------------------------------- workloads

def w1(rules) -> None:
    document = rules.document(PROPOSAL)
    case = rules.case([document], YEARS)
    p = exact(document.record)
    engine = [o.verdict for o in rules.evaluate(case, only=W1_RULES, engine="compiled").outcomes]
    expected = ["compliant" if v else "non_compliant" for v in H.w1_fraction(p)]
    assert engine == expected == ["compliant" if v else "non_compliant" for v in H.w1_int(p)], (engine, expected)
    assert engine == [o.verdict for o in rules.evaluate(case, only=W1_RULES).outcomes]
    header("W1  Commission proposal, 4 checks", "hand-written, integers")
    by_int = timed(lambda: H.w1_int(p))
    line("hand-written, integers", by_int, by_int)
    line("hand-written, Fraction", timed(lambda: H.w1_fraction(p)), by_int)
    for engine, label in (("compiled", "compiled engine"), ("reference", "reference evaluator")):
        off = timed(lambda: rules.evaluate(case, trace=False, only=W1_RULES, engine=engine))
        line(f"{label}, trace off", off, by_int, "target ≤ 6 µs" if engine == "compiled" else "")
        line(f"{label}, full trace", timed(lambda: rules.evaluate(case, trace=True, only=W1_RULES, engine=engine)),
             by_int, "target ≤ 18 µs (3 x 6 µs)" if engine == "compiled" else "")
    with outcomes_not_reused(rules):
        line("compiled engine, trace off, outcomes made anew", timed(
            lambda: rules.evaluate(case, trace=False, only=W1_RULES, engine="compiled")), by_int)
    line("compiled, reading the document too",
         timed(lambda: rules.evaluate(rules.case([rules.document(PROPOSAL)], YEARS), trace=False, only=W1_RULES,
                                      engine="compiled")), by_int)


def w2(rules) -> None:
    document = rules.document(council_act())
    case = rules.case([document], YEARS)
    act = exact(document.record)
    outcomes = rules.evaluate(case, only=W2_RULES, engine="compiled").outcomes
    engine = {o.instance: o.verdict == "compliant" for o in outcomes}
    assert engine == H.w2_fraction(act) == H.w2_int(act), "verdicts differ"
    assert [o.verdict for o in outcomes] == [o.verdict for o in rules.evaluate(case, only=W2_RULES).outcomes]
    program = compiled(rules)
    header(f"W2  reference key + {len(engine)} pledges against their fair shares "
           f"({sum(engine.values())} meet it)", "hand-written, integers, key computed")
    by_int = timed(lambda: H.w2_int(act))
    line("hand-written, integers, key computed", by_int, by_int)
    key_int, key_fraction = H.key_int(), H.key_fraction()
    line("hand-written, integers, key given", timed(lambda: H.w2_int(act, key_int)), by_int)
    line("hand-written, Fraction, key computed", timed(lambda: H.w2_fraction(act)), by_int)
    line("hand-written, Fraction, key given", timed(lambda: H.w2_fraction(act, key_fraction)), by_int)

    def evaluate(engine: str, trace: bool, cold: bool):
        def run():
            if cold:
                program.clear()
                rules._variants[()].shared.clear()
            rules.evaluate(case, trace=trace, only=W2_RULES, engine=engine)
        return run
    for engine, label in (("compiled", "compiled engine"), ("reference", "reference evaluator")):
        mine = engine == "compiled"
        line(f"{label}, trace off, key kept", timed(evaluate(engine, False, False)), by_int,
             "target ≤ 60 µs" if mine else "")
        if mine:
            with outcomes_not_reused(rules):
                line(f"{label}, trace off, key kept, outcomes made anew", timed(evaluate(engine, False, False)),
                     by_int)
        line(f"{label}, trace off, key computed", timed(evaluate(engine, False, True)), by_int,
             "target ≤ 60 µs" if mine else "")
        line(f"{label}, full trace, key kept", timed(evaluate(engine, True, False)), by_int,
             "target ≤ 180 µs (3 x 60 µs)" if mine else "")
        line(f"{label}, full trace, key computed", timed(evaluate(engine, True, True)), by_int)


def vectors(count: int, seed: int = 8) -> list[tuple]:
    """Per state, relocations 0..4 000 and money 0..EUR 60 million in cents: exact, seeded."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        vector = []
        for _ in H.STATES:
            vector.append(Fraction(rng.randrange(4001)))
            vector.append(Fraction(rng.randrange(6_000_000_001), 100))
        out.append(tuple(vector))
    return out


def w3(rules, count: int) -> None:
    documents = (rules.document(council_act(), "act.yaml"),)
    act = exact(documents[0].record)
    values = vectors(count)
    run = S.Sweep(rules, documents, ["pledges.*.relocations=0..4000", "pledges.*.financial_contributions=0..60000000:0.01"],
                  YEARS, W2_RULES)
    # the sweep takes the relocations of every state first, then the money
    scenarios = [tuple(v[0::2]) + tuple(v[1::2]) for v in values]

    def engine():
        with S.paused_collector():                   # as `ammr sweep` runs them (Sweep.run)
            return [{o.instance: o.verdict == "compliant" for o in run.outcomes(s)} for s in scenarios]
    checked = engine()
    assert checked == H.w3_fraction(act, values) == H.w3_int(act, values), "verdicts differ"
    met = sum(sum(v.values()) for v in checked)
    header(f"W3  W2 over {count} seeded pledge vectors ({met} of {26 * count} pledges meet the fair share)",
           "hand-written, integers")
    single = dict(batch_seconds=0.0, batches=5)

    def paused(fn):                                  # every side keeps its results without the cyclic GC
        def run_paused():
            with S.paused_collector():
                return fn()
        return run_paused
    by_int = timed(paused(lambda: H.w3_int(act, values)), **single)
    line("hand-written, integers (key once)", by_int, by_int)
    line("hand-written, Fraction (key once)", timed(paused(lambda: H.w3_fraction(act, values)), **single), by_int)

    def fresh_engine():
        compiled(rules).clear()
        run.memo = compiled(rules).new_memo()
        engine()
    line("compiled engine: build each case and evaluate", timed(fresh_engine, **single), by_int, "target ≤ 0.7 s")
    reference = S.Sweep(rules, documents, run_specs(), YEARS, W2_RULES)
    sample = scenarios[: max(1, count // 20)]

    def by_reference():
        rules._variants[()].shared.clear()
        for s in sample:
            rules.evaluate(reference.case(s), trace=False, only=W2_RULES)
    t = timed(by_reference, **single)
    scale = count / len(sample)
    line(f"reference evaluator (timed on {len(sample)}, scaled)", (t[0] * scale, t[1] * scale), by_int)
    out = Path(tempfile.mkdtemp()) / "w3.csv"
    command = [_ammr(), "sweep", str(ROOT / "examples" / "sweep" / "council-act-2026.yaml"),
               "--vary", "pledges.*.relocations=0..4000", "--vary", "pledges.*.financial_contributions=0..60000000:0.01",
               "--sample", str(count), "--seed", "8", "--requirement", W2_RULES[0], "-o", str(out)]
    times = [_process(command) for _ in range(3 if not QUICK else 1)]
    line(f"`ammr sweep --sample {count}`, start to CSV written", (min(times), statistics.median(times)), by_int)
    print(f"    ({' '.join(command[1:3])} ...)")


def run_specs() -> list[str]:
    return ["pledges.*.relocations=0..4000", "pledges.*.financial_contributions=0..60000000:0.01"]


def pool(rules) -> None:
    documents = pool_documents(rules)
    case = rules.case(documents)
    result = rules.evaluate(case, engine="compiled")
    reference = rules.evaluate(case)
    assert [o.verdict for o in result.outcomes] == [o.verdict for o in reference.outcomes]
    counts = result.counts()
    header(f"pool  {len(documents)} documents, {len(result.outcomes)} verdicts "
           f"({counts['compliant']} compliant, {counts['non_compliant']} non-compliant)", "the reference, full trace")
    base = timed(lambda: rules.evaluate(case, trace=True))
    line("reference evaluator, full trace", base, base)
    line("reference evaluator, trace off", timed(lambda: rules.evaluate(case, trace=False)), base)
    line("compiled engine, full trace", timed(lambda: rules.evaluate(case, trace=True, engine="compiled")), base,
         "target ≤ 5 ms")
    line("compiled engine, trace off", timed(lambda: rules.evaluate(case, trace=False, engine="compiled")), base)
    print("    (no hand-written baseline: a trace by hand would be the reference evaluator again)")


# ------------------------------------------------------- processes

def _ammr() -> str:
    found = shutil.which("ammr", path=str(Path(sys.executable).parent))
    return found or "ammr"


def _process(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def cold() -> None:
    header("cold  `ammr check examples/2026/commission-proposal.yaml`, process start to exit")
    runs = 5 if QUICK else 15
    file = "examples/2026/commission-proposal.yaml"
    cache = tempfile.mkdtemp()
    _process([_ammr(), "check", file], {"AMMR_CACHE_DIR": cache})          # fills the cache
    for label, command, env in (
            ("python -c pass (the interpreter alone)", [sys.executable, "-c", "pass"], {}),
            ("ammr check, prepared rules cached", [_ammr(), "check", file], {"AMMR_CACHE_DIR": cache}),
            ("ammr check, no cache (AMMR_NO_CACHE=1)", [_ammr(), "check", file], {"AMMR_NO_CACHE": "1"})):
        times = [_process(command, env) for _ in range(runs)]
        line(label, (min(times), statistics.median(times)), None,
             "target ≤ 300 ms" if "cached" in label else "")
    if shutil.which("hyperfine"):
        print(f"    hyperfine: AMMR_CACHE_DIR={cache} hyperfine -N -w 3 -i 'ammr check {file}'")


PREPARE = """
import sys, time
sys.path.insert(0, {root!r})
mode = {mode!r}
if mode == "no-lark-cache":
    import lark
    original = lark.Lark.open.__func__
    lark.Lark.open = classmethod(lambda cls, *a, **k: original(cls, *a, **{{**k, "cache": False}}))
from interpreter import RuleSet
start = time.perf_counter()
RuleSet.prepare(cache=(mode == "prepared-cache"))
print(time.perf_counter() - start)
"""


def prepare() -> None:
    header("prep  RuleSet.prepare() in a fresh process (parse + check + reference data)")
    runs = 3 if QUICK else 9
    cache = tempfile.mkdtemp()
    for mode, label in (("lark-cache", "Lark's parser cached (the default)"),
                        ("no-lark-cache", "nothing cached (Lark builds its tables)"),
                        ("prepared-cache", "prepared program cached on disk (the CLI)")):
        times = []
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", PREPARE.format(root=str(ROOT), mode=mode)], cwd=ROOT,
                                 env={**os.environ, "AMMR_CACHE_DIR": cache}, capture_output=True, text=True)
            times.append(float(out.stdout.strip()))
        line(label, (min(times), statistics.median(times)))
    rules = RuleSet.prepare()
    t = timed(lambda: compiled(rules).__class__(rules.program, rules.tables), batch_seconds=0.0, batches=5)
    line("compiling the checked program to Python (first use)", t)


def main() -> None:
    global QUICK
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings and 1 000 W3 vectors")
    parser.add_argument("--only", nargs="*", choices=["w1", "w2", "w3", "pool", "cold", "prep"])
    args = parser.parse_args()
    QUICK = args.quick
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, {date.today()}")
    rules = RuleSet.prepare()
    chosen = args.only or ["w1", "w2", "w3", "pool", "cold", "prep"]
    if "w1" in chosen:
        w1(rules)
    if "w2" in chosen:
        w2(rules)
    if "w3" in chosen:
        w3(rules, 1000 if QUICK else 10_000)
    if "pool" in chosen:
        pool(rules)
    if "cold" in chosen:
        cold()
    if "prep" in chosen:
        prepare()


if __name__ == "__main__":
    main()
