"""How long the test suite takes (``make bench-tests``; prints figures, asserts nothing).

Runs the unit tier (``tests/unit``, what ``make test-fast`` runs) and then the whole suite (what ``make test`` runs
after ruff and the import contracts) the way the Makefile runs them — every core, ``--dist loadgroup`` — with
``--durations=0``, and prints for each: the wall time, the sum of the tests' durations (setup, call and teardown:
the work the workers shared), the CPU seconds of the whole run (pytest, its workers and every process they waited
for: builds, kernels) with the wall time the cores make of them, the outcome line, the machine's load average before
and after (on a shared machine the wall time follows the load), and the test files that took longest, each with its
CPU seconds (``bench/pytest_cpu.py``).

The issue's goals (issue 19): the unit tier at most 60 s and ``make test`` at most 130 s on the 2-core machine, on
a fresh clone. Timed tests would be flaky; the figures live here.

Usage: ``python bench/bench_tests.py [unit|all ...] [-- extra pytest arguments]`` (default: unit, then all).
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIERS = {"unit": ["tests/unit"], "all": []}
DURATION = re.compile(r"^(\d+(?:\.\d+)?)s\s+(setup|call|teardown)\s+(\S+)")
SUMMARY = re.compile(r"\d+ (passed|failed|error).* in \d")


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def cpu_by_file(folder: Path) -> dict[str, float]:
    """The CPU seconds of each test file, summed over the workers' reports (bench/pytest_cpu.py)."""
    by_file: dict[str, float] = defaultdict(float)
    for report in folder.glob("*.json"):
        for nodeid, seconds in json.loads(report.read_text(encoding="utf-8")).items():
            by_file[nodeid.split("::", 1)[0]] += seconds
    return by_file


def run(tier: str, extra: list[str]) -> None:
    argv = [sys.executable, "-m", "pytest", *TIERS[tier], "-n", "auto", "--dist", "loadgroup", "--durations=0",
            "-q", "-p", "no:cacheprovider", "-p", "pytest_cpu", *extra]
    with tempfile.TemporaryDirectory(prefix="vstudy-bench-tests-") as folder:
        env = {**os.environ, "VSTUDY_BENCH_CPU_DIR": folder,
               "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "bench"), os.environ.get("PYTHONPATH")) if p)}
        before, cpu_before = load(), children_cpu()
        started = time.monotonic()
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False, env=env)
        wall = time.monotonic() - started
        after, cpu = load(), children_cpu() - cpu_before
        cpu_of = cpu_by_file(Path(folder))
    total = 0.0
    by_file: dict[str, float] = defaultdict(float)
    for line in done.stdout.splitlines():
        m = DURATION.match(line)
        if m:
            total += float(m.group(1))
            by_file[m.group(3).split("::", 1)[0]] += float(m.group(1))
    outcome = next((ln.strip("= ") for ln in reversed(done.stdout.splitlines()) if SUMMARY.search(ln)), "?")
    cores = os.cpu_count() or 1
    print(f"{tier}: wall {wall:.1f} s, sum of test durations {total:.1f} s ({outcome}; exit {done.returncode})")
    print(f"  CPU {cpu:.1f} s (user + system, every process of the run): at least {cpu / cores:.1f} s of wall time "
          f"on {cores} cores; the tests' own {sum(cpu_of.values()):.1f} s, the rest is start-up and collection")
    print(f"  load average (1, 5, 15 min) before {before}, after {after}")
    print("  duration    CPU  test file")
    for path, seconds in sorted(by_file.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {seconds:7.1f} s {cpu_of.get(path, 0.0):6.1f} s  {path}")


def main(args: list[str]) -> int:
    extra = args[args.index("--") + 1:] if "--" in args else []
    tiers = (args[:args.index("--")] if "--" in args else args) or ["unit", "all"]
    unknown = [t for t in tiers if t not in TIERS]
    if unknown:
        print(f"unknown tier(s) {', '.join(unknown)}: choose from {', '.join(TIERS)}", file=sys.stderr)
        return 2
    for tier in tiers:
        run(tier, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
