"""Shared test fixtures. Tests run offline, in seconds, on the repository's own data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Figures are drawn off-screen; set before any test module imports matplotlib.
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
# The shared helpers beside this file (helpers.py, build_driver.py) import by name from both tiers.
sys.path.insert(0, str(TESTS))

# Two tiers, by folder: tests/unit (no notebook run, no build with notebooks) and tests/integration (notebooks,
# builds, kills, the tutorial). `make test-fast` runs tests/unit; the `slow` marker still picks the slowest tests
# inside the integration tier.

try:  # no per-example deadline: a cold first call (loading the gazetteer) is not a failure of the property
    from hypothesis import settings

    settings.register_profile("vstudy", deadline=None)
    settings.load_profile("vstudy")
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture()
def study_style():
    """The study's figure style for one test, restored afterwards; figures left open are closed."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from vstudy.present import plots

    with mpl.rc_context():
        plots.use_style()
        yield
        plt.close("all")


@pytest.fixture(scope="session")
def processed_2021(tmp_path_factory) -> Path:
    """The processed layer of data/raw, written once per test session (read-only for the tests)."""
    from vstudy.data import processed

    out = tmp_path_factory.mktemp("processed_kz2021")
    processed.prepare_for_build(ROOT / "data" / "raw", out, "kz2021")
    return out


@pytest.fixture(scope="session")
def correlation_results_2021(processed_2021) -> Path:
    """The correlation table of the 2021 study (as a build's tables/correlations.csv holds it), computed once per
    session with the plan's permutations (one finding sits near the study-level line) and no bootstrap."""
    from vstudy.analysis import correlations as cs
    from vstudy.data import processed as layer

    frame = cs.with_reconstructed_events(layer.read_table("regions_kz2021", processed_2021),
                                         layer.read_table("event_counts_kz2021", processed_2021))
    out = processed_2021.parent / "correlation_results_2021.csv"
    cs.run_correlations(frame, n_boot=0, seed=7).to_csv(out, index=False)
    return out


@pytest.fixture()
def extra_message(monkeypatch):
    """Add a message to a language's catalogue for one test: ``extra_message("en", "test.x", "…{name}…")``."""
    from vstudy import i18n

    def add(lang: str, msg_id: str, text: str) -> str:
        monkeypatch.setitem(i18n.catalogue(lang), msg_id, text)
        i18n._parsed.cache_clear()
        return msg_id

    yield add
    i18n._parsed.cache_clear()
