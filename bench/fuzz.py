"""A longer fuzz campaign than CI runs. Run by hand, from the repository root.

The hostile-input run (issue 13): documents typed as people type them and rule files from the
grammar (tests/fuzz/), in worker processes, every finding counted and kept rather than stopping
at the first:

    python bench/fuzz.py --long 1000000 --workers 2        # prints the figures at the end
    python bench/fuzz.py --long 20000 --seed 3 --findings /tmp/findings

Of every 1 000 inputs, 900 are documents generated from the rules' document types (read and
validated; every figure accepted compared with what a person reads in it), 85 are the bundled
examples retyped field by field (5 of them also evaluated and explained in every format: no
control character on the terminal, no HTML from the input, every figure shown as its exact
value), and 15 are rule files (parsed, formatted, linted, checked, evaluated). Every document
read from a generated or retyped file is also checked through both reading paths, the prepared
checker (`RuleSet.checker`) and the slow path (`checker.disagreement`). Reports, per kind, the
inputs tried, accepted and refused, figures compared, documents compared through both paths,
tracebacks (what a user sees as exit 70), hangs (longer than --watchdog), figures misread, and
documents on which the two paths differ; the inputs per second (by the clock and per
CPU-second of the workers) and each worker's peak memory; exits 1 on any finding, each written
with its input under --findings as <finding>-<kind>-seed<S>-worker<W>-<i>.txt, never over a file
already there.

The property tests of CI with more examples (tests/test_fuzz_rules.py, test_fuzz_documents.py,
test_format_properties.py, through pytest):

    python bench/fuzz.py                                  # 5 000 inputs per test
    python bench/fuzz.py --examples 20000 --watchdog 30 --seed 7

Every input meets the same checks as in CI: rule text and documents get verdicts or
positioned errors, never a traceback; generated rule files format and read back as the
same tree. Prints, per test, the inputs that passed, failed and were discarded, the time
taken, and the totals; exits 1 if anything failed (hypothesis prints the shrunk input).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ("tests/test_fuzz_rules.py", "tests/test_fuzz_documents.py", "tests/test_format_properties.py")
# The fixed inputs (extremes, the nesting limit) are run once in CI already.
GENERATED_ONLY = "not extremes and not limit and not traps and not surprises"


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--examples", type=int, default=5000, help="generated inputs per test (default 5000)")
    options.add_argument("--watchdog", type=int, default=20, help="seconds after which an input is a hang (default 20)")
    options.add_argument("--seed", type=int, default=None, help="hypothesis seed, for a run that can be repeated")
    options.add_argument("--long", type=int, default=0, metavar="N", help="the hostile-input run of N inputs")
    options.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes of the --long run")
    options.add_argument("--findings", type=Path, default=ROOT / "bench" / "fuzz-findings",
                         help="where the --long run writes each finding with its input")
    args = options.parse_args()
    if args.long:
        return long_run(args)
    env = {**os.environ, "AMMR_FUZZ_EXAMPLES": str(args.examples), "AMMR_FUZZ_WATCHDOG": str(args.watchdog)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
               "-k", GENERATED_ONLY, *TESTS]
    if args.seed is not None:
        command += ["--hypothesis-seed", str(args.seed)]
    print(f"$ AMMR_FUZZ_EXAMPLES={args.examples} AMMR_FUZZ_WATCHDOG={args.watchdog} python {shlex.join(command[1:])}")
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    totals = {"passing": 0, "failing": 0, "invalid": 0}
    print(f"\n{'test':72} {'passed':>8} {'failed':>7} {'discarded':>9} {'time':>8}")
    for name, body in re.findall(r"^(tests/\S+::\S+):\n(.*?)(?=^tests/|\Z)", done.stdout, re.M | re.S):
        phases = re.findall(r"(\d+) passing, (\d+) failing, and (\d+) invalid", body)     # reuse, generate, ...
        seconds = sum(float(s) for s in re.findall(r"during \w+ phase \(([\d.]+) seconds\)", body))
        if phases:
            passing, failing, invalid = (sum(int(phase[i]) for phase in phases) for i in range(3))
            totals["passing"] += passing
            totals["failing"] += failing
            totals["invalid"] += invalid
            print(f"{name:72} {passing:>8} {failing:>7} {invalid:>9} {seconds:>7.0f}s")
    print(f"{'total':72} {totals['passing']:>8} {totals['failing']:>7} {totals['invalid']:>9} {elapsed:>7.0f}s")
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    print(f"\npytest: {summary}")
    if done.returncode != 0:
        print(done.stdout[-6000:], done.stderr[-2000:], sep="\n")
        return 1
    print(f"no traceback, no hang (watchdog {args.watchdog} s), in {totals['passing']} generated inputs")
    return 0


# ------------------------------------------------------------------ the hostile-input run

BATCH = 1000            # inputs per hypothesis run: a fresh run keeps hypothesis's memory of inputs small
MIX = (("documents", 900), ("examples", 80), ("examples, evaluated", 5), ("rule files", 15))


def long_run(args) -> int:
    import multiprocessing

    sys.path.insert(0, str(ROOT / "tests"))
    args.findings.mkdir(parents=True, exist_ok=True)
    seed = args.seed if args.seed is not None else int(time.time())
    quotas = [args.long // args.workers + (1 if i < args.long % args.workers else 0) for i in range(args.workers)]
    print(f"hostile-input run: {args.long} inputs, {args.workers} workers, seed {seed}, watchdog {args.watchdog} s")
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        results = pool.starmap(_worker, [(i, seed + 1000 * i, quota, args.watchdog, str(args.findings))
                                         for i, quota in enumerate(quotas)])
    elapsed = time.perf_counter() - start
    totals: dict[str, dict[str, int]] = {}
    for counts, _, _ in results:
        for kind, row in counts.items():
            into = totals.setdefault(kind, {})
            for key, value in row.items():
                into[key] = into.get(key, 0) + value
    columns = ("inputs", "accepted", "refused", "figures", "evaluated", "compared", "bugs", "hangs", "misread",
               "differ")
    print(f"\n{'kind':22}" + "".join(f"{c:>11}" for c in columns))
    for kind, row in [*totals.items(), ("total", {c: sum(r.get(c, 0) for r in totals.values()) for c in columns})]:
        print(f"{kind:22}" + "".join(f"{row.get(c, 0):>11}" for c in columns))
    peaks = [peak for _, peak, _ in results]
    cpu = sum(seconds for _, _, seconds in results)
    tried = sum(row.get("inputs", 0) for row in totals.values())
    print(f"\n{tried} inputs in {elapsed:.0f} s: {tried / elapsed:.1f} inputs/s by the clock, "
          f"{tried / cpu:.1f} per CPU-second of the workers ({cpu:.0f} s CPU in all)")
    print("peak memory per worker: " + ", ".join(f"{p / 1024:.0f} MB" for p in peaks))
    found = sum(totals[k].get(c, 0) for k in totals for c in ("bugs", "hangs", "misread", "differ"))
    print(f"findings: {found}" + (f" (inputs and tracebacks in {args.findings})" if found else ""))
    return 1 if found else 0


def _worker(number: int, seed: int, quota: int, seconds: int, findings: str):
    import resource
    import tempfile

    from fuzz import documents as D
    from fuzz import harness as H
    from fuzz.rules import rule_texts

    from interpreter import RuleSet

    rules = RuleSet.prepare()
    H.remember_the_shipped_rule_files(ROOT / "rules")
    fields = D.example_fields(rules)
    tallies = {kind: H.Tally() for kind, _ in MIX}
    folder = Path(tempfile.mkdtemp(prefix=f"ammr-fuzz-{number}-"))
    done, batch = 0, 0
    written: dict[str, dict[str, int]] = {}
    while done < quota:
        size = min(BATCH, quota - done)                 # this round's inputs, split as MIX says
        for kind, share in MIX:
            count = max(1, min(share * size // 1000, quota - done))
            tally = tallies[kind]

            def one(data, kind=kind, tally=tally):
                if kind == "documents":
                    H.check_document(rules, data.draw(D.documents(rules)), folder, tally, seconds=seconds)
                elif kind.startswith("examples"):
                    H.check_document(rules, data.draw(D.mutated_examples(rules, fields)), folder, tally,
                                     full=kind.endswith("evaluated"), seconds=seconds)
                else:
                    H.check_rule_text(data.draw(rule_texts), tally, seconds=seconds)
            before = tally.inputs
            _hypothesis_run(one, count, seed + batch)
            done += tally.inputs - before
            batch += 1
            written[kind] = _keep(findings, seed, number, kind, tally, written.get(kind, {}))
            if done >= quota:
                break
        found = sum(len(t.bugs) + len(t.hangs) + len(t.misread) + len(t.differ) for t in tallies.values())
        print(f"worker {number}: {done}/{quota} inputs, {found} findings, "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)
    counts = {kind: {"inputs": t.inputs, "accepted": t.accepted, "refused": t.refused, "figures": t.figures,
                     "evaluated": t.evaluated, "compared": t.compared, "bugs": len(t.bugs), "hangs": len(t.hangs),
                     "misread": len(t.misread), "differ": len(t.differ)}
              for kind, t in tallies.items()}
    used = resource.getrusage(resource.RUSAGE_SELF)
    return counts, used.ru_maxrss, used.ru_utime + used.ru_stime


def _hypothesis_run(one, count: int, seed: int) -> None:
    """`one(data)` for `count` inputs that hypothesis draws from `seed`, generated only (nothing
    fails inside: the harness counts findings, so there is nothing to shrink)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded
    from hypothesis import strategies as st

    @seeded(seed)
    @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def test(data):
        one(data)
    test()


def _keep(findings: str, seed: int, number: int, kind: str, tally, written: dict[str, int]) -> dict[str, int]:
    """Write the findings not written yet, each with its input, in a file named by the finding's
    kind, the input's kind, the seed, the worker and its index, never over an existing file (another
    run into the same folder); return how many of each are written."""
    folder = Path(findings)
    slug = kind.replace(" ", "-").replace(",", "")
    lists = {"bug": [f"{why}\n----- input -----\n{text}" for text, why in tally.bugs],
             "misread": [f"{why}\n----- input -----\n{text}" for text, why in tally.misread],
             "differ": [f"paths differ: {why}\n----- input -----\n{text}" for text, why in tally.differ],
             "hang": list(tally.hangs)}
    for finding, texts in lists.items():
        for i in range(written.get(finding, 0), len(texts)):
            _write_new(folder, f"{finding}-{slug}-seed{seed}-worker{number}-{i}", texts[i])
    return {finding: len(texts) for finding, texts in lists.items()}


def _write_new(folder: Path, name: str, text: str) -> Path:
    """`name`.txt, or `name`-2.txt, -3 ... if it exists: a finding is never written over another."""
    for attempt in range(1, 1000):
        path = folder / (f"{name}.txt" if attempt == 1 else f"{name}-{attempt}.txt")
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder / name}.txt and 998 more exist")


if __name__ == "__main__":
    sys.exit(main())
