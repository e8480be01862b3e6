"""Quantities the data layer derives once for every section: reconstructed event counts and national shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vstudy.data import dictionary, processed, regions, schemas

FIXTURE = "tests/fixtures/kz2022_dataset"


def test_smallest_denominator_simple_cases():
    # 1/3 and 2/3 → 33.33 and 66.67: n = 3 is the smallest total.
    n, k = processed.smallest_denominator([33.33, 66.67])
    assert n == 3 and k.tolist() == [1, 2]
    # 50/50 → n = 2, not 4 or 100.
    assert processed.smallest_denominator([50.0, 50.0])[0] == 2
    # 12.5 % needs an eighth.
    assert processed.smallest_denominator([12.5, 87.5])[0] == 8


def test_smallest_denominator_refuses_inconsistent_lists():
    with pytest.raises(ValueError):
        processed.smallest_denominator([33.33, 66.67], max_n=2)
    with pytest.raises(ValueError):
        processed.smallest_denominator([np.nan, 50.0])


def test_a_list_no_total_fits_keeps_empty_counts_never_forced_ones():
    lists = pd.DataFrame({"region_code": ["KZ-11", "KZ-11", "KZ-15", "KZ-15"], "direction_id": ["a", "b", "a", "b"],
                          "share_pct": [50.0, 49.0, 25.0, 75.0]})
    out = processed.reconstruct_event_counts(lists, max_n=200).set_index(["region_code", "direction_id"])
    assert out.loc[("KZ-11", "a"), "events_count"] is pd.NA and pd.isna(out.loc[("KZ-11", "b"), "region_events_count"])
    assert out.loc[("KZ-15", "b"), "events_count"] == 3 and out.loc[("KZ-15", "a"), "region_events_count"] == 4


def test_event_counts_of_2021_reproduce_every_published_share(repo_root, processed_2021):
    counts = processed.read_table("event_counts_kz2021", processed_2021)
    raw = pd.read_csv(repo_root / "data/raw/report_2021/event_directions_by_region.csv")
    assert len(counts) == len(raw) and counts["events_count"].notna().all()
    # Each published share is 100 k / n rounded to two decimals (half-way cases such as 12.125 either way).
    assert (100 * counts["events_count"] / counts["region_events_count"] - counts["share_pct"]).abs().max() \
        <= 0.005 + 1e-9
    per_region = counts.groupby("region_code").agg(events=("events_count", "sum"), n=("region_events_count", "first"))
    assert (per_region["events"] == per_region["n"]).all()
    assert set(per_region.index) == set(regions.codes("kz2021"))
    # The shares come from the raw lists, region by region.
    raw["region_code"] = [regions.resolve(n, "kz2021") for n in raw["region_as_published"]]
    merged = counts.merge(raw, on=["region_code", "direction_id"], suffixes=("", "_raw"))
    assert len(merged) == len(raw) and (merged["share_pct"] == merged["share_pct_raw"]).all()


def test_national_shares_of_2021_are_the_published_ones(repo_root, processed_2021):
    national = processed.read_table("national_shares_kz2021", processed_2021)
    assert national["implied_pct"].isna().all()  # no volunteer counts: nothing implied, nothing invented
    base = repo_root / "data/raw/report_2021"
    for dimension, table, key in (("age_group", "age_national", "age_group"), ("gender", "gender_national", "gender"),
                                  ("status", "status_national", "status")):
        raw = pd.read_csv(base / f"{table}.csv").set_index(key)["share_pct"]
        got = national[national["dimension"] == dimension].set_index("category")["published_pct"]
        assert got.astype(float).to_dict() == raw.to_dict()


def _raw_count(value) -> float:
    return float(str(value).replace(" ", "").replace("\u00a0", ""))


def test_national_shares_implied_by_supplied_volunteer_counts(repo_root, processed_2022):
    """Weighted by volunteers_by_region, computed here from the fixture's raw CSVs."""
    base = repo_root / FIXTURE / "survey"
    vol = pd.read_csv(base / "volunteers_by_region.csv", dtype=str)
    weights = {regions.resolve(r, "kz2022"): _raw_count(v) for r, v in zip(vol["region"], vol["volunteers_count"],
                                                                          strict=True)}
    status = pd.read_csv(base / "status_by_region.csv", dtype=str)
    status["share_pct"] = [float(v.rstrip("%").replace(",", ".")) for v in status["share_pct"]]  # "33,97%" as typed
    status["region_code"] = [regions.resolve(n, "kz2022") for n in status["region_as_published"]]
    expected = {cat: sum(g["share_pct"] * g["region_code"].map(weights)) / sum(weights.values())
                for cat, g in status.groupby("status")}
    national = processed.read_table("national_shares_kz2022", processed_2022)
    assert national["published_pct"].isna().all()  # the fixture publishes no national shares
    got = national[national["dimension"] == "status"].set_index("category")["implied_pct"].astype(float)
    for cat, value in expected.items():
        assert got[cat] == pytest.approx(value, abs=1e-6)
    assert set(national["dimension"]) == {"age_group", "status"}  # no regional gender shares to weight


def test_new_tables_are_declared_and_documented():
    assert {"event_counts", "national_shares"} <= set(schemas.PROCESSED)
    dd = dictionary.data_dictionary()
    assert {"events_count", "region_events_count", "implied_pct"} <= set(dd["column"])
