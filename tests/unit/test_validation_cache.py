"""A table's cells are checked once per process for what they are checked against; every caller gets its own copy."""

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
    real = validation._check_records
    monkeypatch.setattr(validation, "_check_records",
                        lambda header, records, schema, label, *a: calls.append(label)
                        or real(header, records, schema, label, *a))
    monkeypatch.setattr(validation, "_CHECKED", type(validation._CHECKED)())
    return calls


def _schema():
    return schemas.RAW["organisations_by_region"]


def _check(label: str = "a.csv", data: bytes | None = None, **more):
    return validation.read_and_check(TABLE, _schema(), label, "kz2021", data=data or TABLE.read_bytes(), **more)


def test_the_same_cells_are_checked_once_and_each_caller_gets_its_own_frame(counted):
    fresh, fresh_problems = _check()
    validation._CHECKED.clear()
    counted.clear()
    first, problems = _check()
    assert len(first) == 17 and first["region_code"].notna().all() and problems == fresh_problems
    first.loc[first.index[0], "region_code"] = "changed by the caller"
    first["added"] = 1
    problems.append("a caller's own list")
    again, problems_again = _check()
    assert counted == ["a.csv"]
    assert problems_again == fresh_problems and "added" not in again.columns
    assert again["region_code"].iloc[0] != "changed by the caller" and again["region_code"].notna().all()
    assert again.equals(fresh) and list(again.dtypes) == list(fresh.dtypes)  # the frame an uncached check gives
    # A workbook's sheet (header and records as text) goes the same way.
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    header, records = lines[0].split(","), [(n, line.split(",")) for n, line in enumerate(lines[1:], start=2)]
    for _ in range(2):
        sheet, sheet_problems = validation.check_records(header, records, _schema(), "sheet", "kz2021")
        assert sheet.equals(fresh) and [p.rule for p in sheet_problems] == [p.rule for p in fresh_problems]
    assert counted == ["a.csv", "sheet"]


def test_changed_cells_and_another_context_are_checked_again(counted):
    data = TABLE.read_bytes()
    lines = data.decode("utf-8").splitlines(keepends=True)
    broken = "".join(lines[:1] + [lines[1].replace(",", ",-", 1)] + lines[2:]).encode("utf-8")
    erratum = Erratum("E-test", "some_rule", {"a.csv": [{}]})
    period = (dt.date(2021, 7, 1), dt.date(2021, 12, 31))
    for label, more in (("a.csv", {}), ("b.csv", {}), ("a.csv", {"errata": [erratum]}),
                        ("a.csv", {"period": period})):
        _check(label, **more)
    assert counted == ["a.csv", "b.csv", "a.csv", "a.csv"]
    _, problems = _check(data=broken)
    assert len(counted) == 5
    assert "share_0_100" in {p.rule for p in problems} and all(p.file == "a.csv" for p in problems)
    _, problems_again = _check(data=broken)
    assert len(counted) == 5 and problems_again == problems  # a refused table's problems come back the same


def test_refusals_come_back_the_same_and_the_cache_keeps_its_size(counted, monkeypatch):
    header_only = TABLE.read_bytes().splitlines(keepends=True)[0]
    for _ in range(2):
        frame, problems = _check("empty.csv", data=header_only)
        assert frame is None and [p.rule for p in problems] == ["empty_file"]
    assert counted == ["empty.csv"]
    monkeypatch.setattr(validation, "_CHECKED_MAX", 2)
    for n in range(4):
        _check(f"{n}.csv", data=header_only)
    assert len(validation._CHECKED) == 2
    monkeypatch.setattr(validation, "_CHECKED_MAX_CELLS", 1)
    _check("big.csv")
    _check("big.csv")
    assert counted[-2:] == ["big.csv", "big.csv"]


def test_a_period_given_as_a_list_is_checked_without_being_kept(counted):
    period = [dt.date(2021, 7, 1), dt.date(2021, 12, 31)]
    for _ in range(2):
        frame, _ = _check(period=period)
        assert len(frame) == 17
    assert counted == ["a.csv", "a.csv"] and len(validation._CHECKED) == 0


def test_the_cells_kept_stay_within_a_budget(monkeypatch):
    """However many tables within the limits a process checks, the cache keeps at most its budget of cells (the
    oldest tables go first) — never more than one table past it."""
    from vstudy.data import schemas

    monkeypatch.setattr(validation, "_CHECKED", type(validation._CHECKED)())
    monkeypatch.setattr(validation, "_CHECKED_BUDGET_CELLS", 10)
    schema = schemas.RAW["info_line_totals"]
    header = [c.name for c in schema.columns]
    for n in range(4):
        records = [(2, [f"{n}"] * len(header))]
        validation.check_records(header, records, schema, f"t{n}.csv", "kz2021")
        kept = sum(entry[2] for entry in validation._CHECKED.values())
        assert kept <= max(10, len(header)), (n, kept)
    assert len(validation._CHECKED) == max(1, 10 // len(header))
