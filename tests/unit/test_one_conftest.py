"""The test modules import shared names from ``conftest`` (``from conftest import shared_once``): with a second
conftest.py in a sub-folder, the module called ``conftest`` is whichever pytest loaded last, and those imports
fail in a whole-suite run although each tier passes alone. One conftest.py, at the top of tests/."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_the_suite_has_one_conftest_at_its_top():
    assert sorted(p.relative_to(TESTS).as_posix() for p in TESTS.rglob("conftest.py")) == ["conftest.py"]
