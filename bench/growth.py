"""Growth with the size of the input (issue 15): documents in, full explanations out.

    python bench/growth.py                         # 10, 100, 1 000 pledges and the 676-state act
    python bench/growth.py --sizes 10 100 1000 10000
    python bench/growth.py --only act --states 676

pledges: a folder holding the 2026 cycle documents (examples/2026, without its pledge) and N
    `MemberStatePledge` documents with seeded random figures, about half of them short of the
    fair share. Timed: what `ammr check --format json` does after the rules are prepared —
    read and validate every document, evaluate with the trace, find the remedies, build the
    ammr-check/1 view with the pool report, and the JSON text.
act: a rule set like the shipped one whose act binds `--states` Member States (codes AA, AB, ...,
    with seeded Eurostat figures), and one Council act with a pledge for each, half short.
    Timed the same way.

Each size runs in a fresh process, which prints its wall time (and its CPU time, less sensitive to
other processes on a shared machine) and its peak resident memory (ru_maxrss, the whole process:
Python, the prepared rules and the case). The growth exponent between two
sizes is log(t2 / t1) / log(n2 / n1): 1 is linear, 2 quadratic.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
import resource
import shutil
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CYCLE = ROOT / "examples" / "2026"
SEED = 1351


def codes(n: int) -> list[str]:
    """n two-letter codes, AA, AB, ... (676 at most)."""
    return ["".join(p) for p in itertools.islice(itertools.product(string.ascii_uppercase, repeat=2), n)]


# ------------------------------------------------------------------ the inputs

def pledge_folder(n: int, where: Path) -> Path:
    """The 2026 cycle and n pledges of random participating states, about half short of their fair share."""
    folder = where / f"pledges-{n}"
    folder.mkdir()
    for f in CYCLE.glob("*.yaml"):
        if not f.name.startswith("pledge-"):
            shutil.copy(f, folder / f.name)
    states = ["BE", "BG", "CZ", "DE", "EE", "IE", "EL", "ES", "FR", "HR", "IT", "CY", "LV", "LT", "LU", "HU",
              "MT", "NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI", "SE"]
    rng = random.Random(SEED)
    for i in range(n):
        short = rng.random() < 0.5
        relocations = rng.randint(0, 60) if short else rng.randint(4000, 8000)
        money = rng.randint(0, 10**8) if short else rng.randint(10**9, 2 * 10**9)
        pledge = {"document": "MemberStatePledge", "member_state": rng.choice(states), "pool_year": 2026,
                  "made_on": "2025-11-27",
                  "pledge": {"relocations": relocations, "financial_contributions": money / 100}}
        (folder / f"pledge-{i:05}.json").write_text(json.dumps(pledge))
    return folder


def wide_rules(states: list[str], where: Path) -> Path:
    """The shipped rules with `states` as the participating Member States, and seeded figures for them."""
    rules = where / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("__pycache__", "scenarios"))
    regulation = rules / "regulation.rules"
    text = regulation.read_text()
    lines = [f'member state {c} "State {c}" participates from 11 June 2024 cites Art 85 first subparagraph'
             for c in states]
    text = re.sub(r"(?m)^member state .*\n(  .*\n)*", "", text)
    regulation.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n")
    rng = random.Random(SEED)
    for name, unit, low, high in (("population", "persons (NR)", 400_000, 90_000_000),
                                  ("gdp", "EUR million, current prices (CP_MEUR)", 10_000, 4_000_000)):
        path = rules / "data" / f"eurostat-{name}.csv"
        header = path.read_text().splitlines()[0]
        rows = [header]
        for c in states:
            for year in (2023, 2024, 2025):
                value = rng.randint(low, high) if name == "population" else f"{rng.randint(low * 10, high * 10) / 10}"
                rows.append(f'{c},{year},{value},"{unit}",synthetic,https://example.invalid/{name}')
        path.write_text("\n".join(rows) + "\n")
    return rules


def act_folder(states: list[str], where: Path) -> Path:
    """A Council act with a pledge for every state: even ones at twice their fair share, odd ones at none."""
    folder = where / "act"
    folder.mkdir()
    rng = random.Random(SEED)
    pledges = {}
    for i, c in enumerate(states):
        if i % 2:
            pledges[c] = {"relocations": rng.randint(0, 3), "financial_contributions": rng.randint(0, 1000)}
        else:
            pledges[c] = {"relocations": rng.randint(100, 200), "financial_contributions": rng.randint(10**7, 10**8)}
    act = {"document": "CouncilImplementingAct", "pool_year": 2026, "adopted_on": "2025-12-22",
           "adopted_by_qualified_majority": True, "reference_relocations": 21000,
           "reference_financial_contributions": 420000000, "data_years": {"population": 2024, "gdp": 2024},
           "pledges": pledges}
    (folder / "act.json").write_text(json.dumps(act))
    return folder


# ------------------------------------------------------------------ one run, in its own process

def run_one(rules_dir: str, folder: str) -> None:
    """Prepare (not timed), then check the folder with full explanations; print JSON figures."""
    from interpreter import RuleSet, explain, render
    rules = RuleSet.prepare(rules_dir)
    cpu = time.process_time()
    start = time.perf_counter()
    result = rules.check([folder])
    checked = time.perf_counter()
    data = explain(rules, result, traces=False, pool=True)
    explained = time.perf_counter()
    text = render(data, "json")
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": done - start, "cpu": time.process_time() - cpu, "check": checked - start, "explain": explained - checked,
                      "json": done - explained, "outcomes": len(result.outcomes),
                      "non_compliant": result.counts()["non_compliant"], "peak": peak, "bytes": len(text)}))


def measure(rules_dir: Path, folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", str(rules_dir), str(folder)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"the run over {folder} failed:\n{out.stderr}")
    return json.loads(out.stdout.splitlines()[-1])


def line(what: str, r: dict, target: str) -> str:
    return (f"  {what:28} {r['seconds']:8.2f} s  (CPU {r.get('cpu', 0):.2f} s; check {r['check']:.2f}, explain {r['explain']:.2f}, "
            f"json {r['json']:.2f})  {r['outcomes']:6} verdicts, {r['non_compliant']:5} non-compliant, "
            f"peak {r['peak'] / 2**20:5.0f} MB   target {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--states", type=int, default=676)
    parser.add_argument("--only", choices=["pledges", "act"])
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(*args.one)
        return
    targets = {1000: "<= 5 s", 10000: "<= 50 s"}
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        if args.only != "act":
            print("pledges  the 2026 cycle and N pledge documents, `ammr check --format json` in process")
            times = {}
            for n in args.sizes:
                r = measure(ROOT / "rules", pledge_folder(n, where))
                times[n] = r["seconds"]
                print(line(f"{n} pledges", r, targets.get(n, "measured")), flush=True)
            sizes = sorted(times)
            for a, b in itertools.pairwise(sizes):
                exponent = math.log(times[b] / times[a]) / math.log(b / a)
                print(f"  growth exponent {a} -> {b}: {exponent:.2f}   target <= 1.1")
        if args.only != "pledges":
            states = codes(args.states)
            print(f"act  one Council act with {len(states)} pledges, half short, over a rule set of "
                  f"{len(states)} Member States")
            r = measure(wide_rules(states, where), act_folder(states, where))
            print(line(f"{len(states)} pledges", r, "<= 3 s"))


if __name__ == "__main__":
    main()
