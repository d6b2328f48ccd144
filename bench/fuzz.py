"""A longer fuzz campaign than CI runs: the robustness and property tests of
tests/test_fuzz_rules.py, tests/test_fuzz_documents.py and tests/test_format_properties.py,
each with many more generated inputs, and a watchdog that counts an input taking too long
as a hang. Run by hand, from the repository root:

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
    args = options.parse_args()
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


if __name__ == "__main__":
    sys.exit(main())
