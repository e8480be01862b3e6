"""How long the test suite takes (``make bench-tests``; prints figures, asserts nothing).

Runs the unit tier (``tests/unit``, what ``make test-fast`` runs) and then the whole suite (what ``make test`` runs
after ruff and the import contracts) the way the Makefile runs them — every core, ``--dist loadgroup`` — with
``--durations=0``, and prints for each: the wall time, the sum of the tests' durations (setup, call and teardown:
the work the workers shared), the outcome line, the machine's load average before and after (on a shared machine
the wall time follows the load), and the test files that took longest.

The issue's goals (issue 19): the unit tier at most 60 s and ``make test`` at most 130 s on the 2-core machine, on
a fresh clone. Timed tests would be flaky; the figures live here.

Usage: ``python bench/bench_tests.py [unit|all ...] [-- extra pytest arguments]`` (default: unit, then all).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIERS = {"unit": ["tests/unit"], "all": []}
DURATION = re.compile(r"^(\d+(?:\.\d+)?)s\s+(setup|call|teardown)\s+(\S+)")
SUMMARY = re.compile(r"\d+ (passed|failed|error).* in \d")


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def run(tier: str, extra: list[str]) -> None:
    argv = [sys.executable, "-m", "pytest", *TIERS[tier], "-n", "auto", "--dist", "loadgroup", "--durations=0",
            "-q", "-p", "no:cacheprovider", *extra]
    before = load()
    started = time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    after = load()
    total = 0.0
    by_file: dict[str, float] = defaultdict(float)
    for line in done.stdout.splitlines():
        m = DURATION.match(line)
        if m:
            total += float(m.group(1))
            by_file[m.group(3).split("::", 1)[0]] += float(m.group(1))
    outcome = next((ln.strip("= ") for ln in reversed(done.stdout.splitlines()) if SUMMARY.search(ln)), "?")
    print(f"{tier}: wall {wall:.1f} s, sum of test durations {total:.1f} s ({outcome}; exit {done.returncode})")
    print(f"  load average (1, 5, 15 min) before {before}, after {after}; {os.cpu_count()} cores")
    for path, seconds in sorted(by_file.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {seconds:7.1f} s  {path}")


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
