"""Where the CPU of one portal pledge check goes, in process: reading the documents, evaluating,
the remedies, the view and the JSON text, each as the portal does it (issue 18).

    python bench/portal_split.py                          # this checkout, 300 checks
    python bench/portal_split.py --before /path/to/clone  # and another checkout, alternating runs

Each run is a fresh process that imports `interpreter` from its checkout, prepares the rules as the
portal's worker does (its PortalChecker, `gc.freeze()`, and the collector's threshold where the portal sets
one), then checks `--checks` pledges of new random figures (the same seeded figures in every run)
against the 2026 cycle (the Commission proposal and the High-Level Forum, the documents a pledge's
requirements read) and times each stage with `time.process_time()`. With `--before`, the runs of the
two checkouts alternate (`--runs` each), so that both meet the same load; the lowest and the median
of the runs are printed. The load average is printed with them: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("read", "evaluate", "remedies", "view", "json")


def measure(checks: int) -> dict[str, float]:
    """In this process (run from the checkout measured): ms of CPU per check, by stage."""
    import gc
    import random
    import time

    sys.path.insert(0, os.getcwd())
    from interpreter.portal import app, checking
    from interpreter.portal.server import example_documents
    from interpreter.report import remedy
    from interpreter.report.render import render_json
    from interpreter.report.view import DEFAULT_DOCS, view

    encoded = getattr(__import__("interpreter.report.render", fromlist=["x"]), "render_json_utf8", None) \
        or (lambda data: render_json(data).encode())          # what the portal sends, as bytes
    checker = checking.PortalChecker()
    rules = checker.rules
    cycle = [(f"cycle/2026/{d['document']}-v1.json", d) for _, d in example_documents(Path("examples/2026"))
             if d["document"] in checker.pledge_uses]
    kept = [checking.Kept.given(n, d) for n, d in cycle] if hasattr(checking, "Kept") else None
    gc.collect()
    gc.freeze()
    if hasattr(app, "GC_YOUNG"):
        gc.set_threshold(app.GC_YOUNG, 20, 20)
    rng = random.Random(18)
    spent = dict.fromkeys(STAGES, 0.0)
    for n in range(checks + 20):
        pledge = {"document": "MemberStatePledge", "member_state": rng.choice(["NL", "DE", "FR", "MT"]),
                  "pool_year": 2026, "pledge": {"relocations": rng.randint(0, 5000),
                                                "financial_contributions": str(rng.randint(0, 100_000_000))}}
        label = f"pledges/{pledge['member_state']}-2026.json"
        marks = [time.process_time()]
        documents = checker.read([(label, pledge)], kept) if kept is not None \
            else checker.read([(label, pledge), *cycle])
        marks.append(time.process_time())
        result = rules.evaluate(rules.case(documents))
        marks.append(time.process_time())
        found = remedy.find(rules, result)
        marks.append(time.process_time())
        data = view(result, rules, remedies=found, docs_url=DEFAULT_DOCS)
        marks.append(time.process_time())
        encoded(data)
        marks.append(time.process_time())
        if n >= 20:                                   # the first checks warm the caches: not counted
            for stage, a, b in zip(STAGES, marks, marks[1:], strict=False):
                spent[stage] += b - a
    return {stage: 1000 * t / checks for stage, t in spent.items()}


def run(root: Path, checks: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure", str(checks)], cwd=root,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def line(name: str, rows: list[dict[str, float]]) -> str:
    def fig(stage: str) -> str:
        xs = [r[stage] for r in rows]
        return f"{stage} {min(xs):.2f} ({statistics.median(xs):.2f})"
    totals = [sum(r.values()) for r in rows]
    return f"{name:8} total {min(totals):.2f} ({statistics.median(totals):.2f}) ms: " + ", ".join(map(fig, STAGES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout, measured in alternation with this one")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)      # one run, in its checkout
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    roots = {"after": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    rows: dict[str, list] = {name: [] for name in roots}
    load = os.getloadavg()
    for _ in range(args.runs):
        for name, root in reversed(roots.items()):
            rows[name].append(run(root, args.checks))
    print(f"CPU per pledge check, lowest (median) of {args.runs} runs of {args.checks} checks; "
          f"load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    for name in reversed(roots):
        print(line(name, rows[name]))


if __name__ == "__main__":
    main()
