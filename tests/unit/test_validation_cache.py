"""A table's bytes are checked once per process for what they are checked against; every caller gets its own copy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vstudy.data import schemas, validation
from vstudy.data.errata import Erratum

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "data" / "raw" / "report_2021" / "organisations_by_region.csv"


@pytest.fixture()
def counted(monkeypatch):
    """The real check, counted: the labels it was run for, in order (the cache starts empty)."""
    calls: list[str] = []
    real = validation._read_and_check
    monkeypatch.setattr(validation, "_read_and_check",
                        lambda path, schema, label, *a: calls.append(label) or real(path, schema, label, *a))
    monkeypatch.setattr(validation, "_CHECKED", type(validation._CHECKED)())
    return calls


def _schema():
    return schemas.RAW["organisations_by_region"]


def test_the_same_bytes_are_checked_once_and_each_caller_gets_its_own_frame(counted):
    data = TABLE.read_bytes()
    fresh, fresh_problems = validation._read_and_check(TABLE, _schema(), "a.csv", "kz2021", (), data, None)
    counted.clear()
    first, problems = validation.read_and_check(TABLE, _schema(), "a.csv", "kz2021", data=data)
    assert len(first) == 17 and first["region_code"].notna().all() and problems == fresh_problems
    first.loc[first.index[0], "region_code"] = "changed by the caller"
    first["added"] = 1
    problems.append("a caller's own list")
    again, problems_again = validation.read_and_check(TABLE, _schema(), "a.csv", "kz2021", data=data)
    assert counted == ["a.csv"]
    assert problems_again == fresh_problems and "added" not in again.columns
    assert again["region_code"].iloc[0] != "changed by the caller" and again["region_code"].notna().all()
    assert again.equals(fresh)  # the frame an uncached check gives and list(again.dtypes) == list(fresh.dtypes)


def test_changed_bytes_and_another_context_are_checked_again(counted):
    data = TABLE.read_bytes()
    lines = data.decode("utf-8").splitlines(keepends=True)
    broken = "".join(lines[:1] + [lines[1].replace(",", ",-", 1)] + lines[2:]).encode("utf-8")
    erratum = Erratum("E-test", "some_rule", {"a.csv": [{}]})
    period = (dt.date(2021, 7, 1), dt.date(2021, 12, 31))
    for label, more in (("a.csv", {}), ("b.csv", {}), ("a.csv", {"errata": [erratum]}),
                        ("a.csv", {"period": period})):
        validation.read_and_check(TABLE, _schema(), label, "kz2021", data=data, **more)
    assert counted == ["a.csv", "b.csv", "a.csv", "a.csv"]
    _, problems = validation.read_and_check(TABLE, _schema(), "a.csv", "kz2021", data=broken)
    assert counted[-1] == "a.csv" and len(counted) == 5
    assert problems and all(p.file == "a.csv" for p in problems)
    _, problems_again = validation.read_and_check(TABLE, _schema(), "a.csv", "kz2021", data=broken)
    assert len(counted) == 5 and problems_again == problems  # a refused table's problems come back the same


def test_unreadable_bytes_are_refused_every_time_and_the_cache_keeps_its_size(counted, monkeypatch):
    for _ in range(2):
        frame, problems = validation.read_and_check(TABLE, _schema(), "empty.csv", "kz2021", data=b"  \n")
        assert frame is None and [p.rule for p in problems] == ["empty_file"]
    assert counted == ["empty.csv"]
    monkeypatch.setattr(validation, "_CHECKED_MAX", 2)
    for n in range(4):
        validation.read_and_check(TABLE, _schema(), f"{n}.csv", "kz2021", data=b"  \n")
    assert len(validation._CHECKED) == 2
    monkeypatch.setattr(validation, "_CHECKED_MAX_BYTES", 1)
    validation.read_and_check(TABLE, _schema(), "big.csv", "kz2021", data=b"  \n")
    validation.read_and_check(TABLE, _schema(), "big.csv", "kz2021", data=b"  \n")
    assert counted[-2:] == ["big.csv", "big.csv"]


def test_a_period_given_as_a_list_is_checked_without_being_kept(counted):
    data = TABLE.read_bytes()
    period = [dt.date(2021, 7, 1), dt.date(2021, 12, 31)]
    for _ in range(2):
        frame, _ = validation.read_and_check(TABLE, _schema(), "a.csv", "kz2021", data=data, period=period)
        assert len(frame) == 17
    assert counted == ["a.csv", "a.csv"] and len(validation._CHECKED) == 0
