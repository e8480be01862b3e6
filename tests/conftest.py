"""Shared test fixtures. Tests run offline, in seconds, on the repository's own data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Figures are drawn off-screen; set before any test module imports matplotlib.
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture()
def study_style():
    """The study's figure style for one test, restored afterwards; figures left open are closed."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from vstudy import plots

    with mpl.rc_context():
        plots.use_style()
        yield
        plt.close("all")
