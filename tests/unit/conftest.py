"""Fixtures of the unit tier (beside the shared ones of tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def raw_2021():
    """data/raw validated once per worker (datasets.load_dataset): read-only for the tests, which check its tables,
    problems and manifest; a test that changes a table works on a copy (dataclasses.replace, frame.copy())."""
    from vstudy.data import datasets

    return datasets.load_dataset(ROOT / "data" / "raw")
