"""A pytest plugin for ``bench/bench_tests.py``: the CPU seconds each test costs, in every worker.

For each test: the user + system seconds of its worker process and of the processes it started and waited for
(builds, kernels, Quarto: ``RUSAGE_CHILDREN``) between the test's start and its end, setup and teardown included.
Each worker (or the single process without xdist) writes its tests' figures as JSON into the folder named by
``VSTUDY_BENCH_CPU_DIR``; without that variable the plugin does nothing.
"""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path

_started: dict[str, tuple[float, float]] = {}
_spent: dict[str, float] = {}


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def pytest_runtest_logstart(nodeid, location):
    _started[nodeid] = _cpu()


def pytest_runtest_logfinish(nodeid, location):
    if nodeid in _started:
        (own0, children0), (own1, children1) = _started.pop(nodeid), _cpu()
        _spent[nodeid] = _spent.get(nodeid, 0.0) + (own1 - own0) + (children1 - children0)


def pytest_sessionfinish(session, exitstatus):
    folder = os.environ.get("VSTUDY_BENCH_CPU_DIR")
    if folder and _spent:
        name = os.environ.get("PYTEST_XDIST_WORKER", "main")
        (Path(folder) / f"{name}.json").write_text(json.dumps(_spent), encoding="utf-8")
