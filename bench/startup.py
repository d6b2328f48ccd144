"""Start-up (issue 15): each command in a fresh process, N runs, best and median of the wall time and
of the CPU time (user + system of the child, from os.wait4), beside `python -c pass` measured in the
same run and beside its target.

    python bench/startup.py             # 20 runs each
    python bench/startup.py --runs 40
    python bench/startup.py --base ../main-clone   # and the same for another checkout, in the same run

Run from the project root in its virtual environment. Python's compiled files are written as an
installation has them (PYTHONDONTWRITEBYTECODE is removed from the children's environment, and
every command runs once before it is timed); the prepared rules are cached in a temporary folder
filled by that first run ("warm"). With --base DIR, every command runs as `python -m interpreter`,
for this tree and for the checkout DIR in turn (PYTHONPATH=the tree, AMMR_RULES=its rules/), from
an empty working folder. "Prepare" times RuleSet.prepare() inside a fresh process (the
imports before it are not counted): from that cache, and without it (cold: Lark's parser tables
cached, as after any first run)."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLEDGE = str(ROOT / "examples/2026/pledge-netherlands-illustrative.yaml")
PROPOSAL = str(ROOT / "examples/2026/commission-proposal.yaml")
# Every child runs in an empty folder: `python -m` and `python -c` put the working folder first on
# the path, and the project's folder would shadow PYTHONPATH (and holds an editable install's egg-info).
WHERE = tempfile.mkdtemp(prefix="ammr-bench-cwd-")
PREPARE = """
import sys, time
from interpreter import RuleSet
wall, cpu = time.perf_counter(), time.process_time()
RuleSet.prepare(cache=sys.argv[1] == "warm")
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def ammr() -> str:
    return shutil.which("ammr", path=str(Path(sys.executable).parent)) or "ammr"


def environment(cache: str, tree: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "AMMR_NO_CACHE")}
    if tree is not None:
        env.update(PYTHONPATH=str(tree), AMMR_RULES=str(tree / "rules"))
    return {**env, "AMMR_CACHE_DIR": cache}


def process(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command`, from its start to its exit."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=WHERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = 0                         # reaped by wait4 above
    return wall, usage.ru_utime + usage.ru_stime


def inside(mode: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of RuleSet.prepare() as the fresh process measures it."""
    out = subprocess.run([sys.executable, "-c", PREPARE, mode], cwd=WHERE, env=env, capture_output=True, text=True,
                         check=True)
    wall, cpu = out.stdout.split()
    return float(wall), float(cpu)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def line(label: str, runs: list[tuple[float, float]], target: str) -> None:
    wall = [w for w, _ in runs]
    cpu = [c for _, c in runs]
    print(f"  {label:44s} wall {ms(min(wall))} ({ms(statistics.median(wall))})   "
          f"CPU {ms(min(cpu))} ({ms(statistics.median(cpu))})   {target}")


def measure(label: str, runs: int, tree: Path | None, ammr_command: list[str]) -> None:
    """Every line of the benchmark for one tree (None: the one installed, this one)."""
    cache = tempfile.mkdtemp(prefix="ammr-bench-cache-")
    env = environment(cache, tree)
    cold = {**env, "AMMR_NO_CACHE": "1"}
    commands = [
        ("ammr --help", [*ammr_command, "--help"], "target ≤ 80 ms wall"),
        ("ammr check the pledge (warm)", [*ammr_command, "check", PLEDGE], "target ≤ 250 ms wall"),
        ("ammr check the pledge + the proposal (warm)", [*ammr_command, "check", PLEDGE, PROPOSAL],
         "(with the pool report)"),
    ]
    where = subprocess.run([sys.executable, "-c", "import interpreter; print(interpreter.__file__)"], cwd=WHERE,
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    print(f"{label}: imports {where}")
    try:
        for _, command, _ in commands:                # compiled files written, cache filled
            process(command, env)
        inside("warm", env)
        inside("cold", cold)
        for name, command, target in commands:
            line(name, [process(command, env) for _ in range(runs)], target)
        line("RuleSet.prepare(), warm cache (in process)", [inside("warm", env) for _ in range(runs)],
             "target ≤ 20 ms")
        line("RuleSet.prepare(), no cache (in process)", [inside("cold", cold) for _ in range(runs)],
             "target ≤ 500 ms")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--base", type=Path, help="another checkout to measure in the same run (e.g. main)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.runs} runs each: best (median)")
    bare = environment(tempfile.gettempdir())
    process([sys.executable, "-c", "pass"], bare)
    line("python -c pass (the interpreter alone)", [process([sys.executable, "-c", "pass"], bare)
                                                    for _ in range(args.runs)], "")
    if args.base is None:
        measure("this tree (the ammr command)", args.runs, None, [ammr()])
    else:
        module = [sys.executable, "-m", "interpreter"]
        measure(f"this tree ({ROOT}, python -m interpreter)", args.runs, ROOT, module)
        measure(f"base ({args.base.resolve()}, python -m interpreter)", args.runs, args.base.resolve(), module)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    shutil.rmtree(WHERE, ignore_errors=True)


if __name__ == "__main__":
    main()
