"""Event directions: the regional lists, the reconstruction of event counts and the national shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vstudy.analysis import activities
from vstudy.present import figures

RAW = "data/raw"


@pytest.fixture(scope="module")
def by_region(repo_root):
    frame = activities.read_table(repo_root / RAW, "event_directions_by_region")
    return activities.add_region_codes(frame, "kz2021")


@pytest.fixture(scope="module")
def counts(by_region):
    return activities.reconstruct_event_counts(by_region)


def test_smallest_denominator_simple_cases():
    # 1/3 and 2/3 → 33.33 and 66.67: n = 3 is the smallest total.
    n, k = activities.smallest_denominator([33.33, 66.67])
    assert n == 3 and k.tolist() == [1, 2]
    # 50/50 → n = 2, not 4 or 100.
    assert activities.smallest_denominator([50.0, 50.0])[0] == 2
    # 12.5 % needs an eighth.
    assert activities.smallest_denominator([12.5, 87.5])[0] == 8


def test_smallest_denominator_refuses_inconsistent_lists():
    with pytest.raises(ValueError):
        activities.smallest_denominator([33.33, 66.67], max_n=2)
    with pytest.raises(ValueError):
        activities.smallest_denominator([np.nan, 50.0])


def test_every_regional_list_is_consistent_with_its_counts(counts):
    # Each published share is 100 k / n rounded to two decimals (half-way cases such as 12.125 either way).
    assert (counts["recomputed_share_pct"] - counts["share_pct"]).abs().max() <= 0.005 + 1e-9
    per_region = counts.groupby("region_code").agg(events=("events", "sum"), n=("region_events", "first"))
    assert (per_region["events"] == per_region["n"]).all()
    assert len(per_region) == 17


def test_nur_sultan_total_is_the_smallest_fit(by_region, counts):
    # Nur-Sultan's list (source lines 1783-1793) opens with 54.39 % «Другое социальное волонтёрство».
    ns = counts[counts["region_code"] == "KZ-71"]
    n = int(ns["region_events"].iloc[0])
    shares = by_region.loc[by_region["region_code"] == "KZ-71", "share_pct"].to_numpy()
    for smaller in range(1, n):
        k = np.rint(shares * smaller / 100)
        assert not (np.all(np.abs(100 * k / smaller - shares) <= 0.005 + 1e-9) and k.sum() == smaller)
    other = ns.loc[ns["direction_id"] == "other_social"].iloc[0]
    assert round(100 * other["events"] / n, 2) == 54.39


def test_reconstruction_reproduces_the_ten_published_national_shares(repo_root, counts):
    national = activities.read_table(repo_root / RAW, "event_directions_national")
    table = activities.national_shares_table(national, counts)
    published = table[table["published_pct"].notna()]
    assert len(published) == 10
    assert (published["status"] == "reproduced").all()
    assert int(table["reconstructed_events"].sum()) == 3337
    other = table.set_index("direction_id").loc["other_social"]
    # The truncated value: 100 − the ten published shares (sum 67.22) and the reconstruction agree.
    assert other["residual_pct"] == pytest.approx(32.78)
    assert other["reconstructed_pct"] == pytest.approx(32.78)
    assert other["status"].startswith("not published; residual and reconstruction agree")


def test_national_table_without_regional_lists(repo_root):
    national = activities.read_table(repo_root / RAW, "event_directions_national")
    table = activities.national_shares_table(national, None)
    assert table["reconstructed_pct"].isna().all()
    assert (table.loc[table["published_pct"].notna(), "status"]
            == "published; no regional lists to reconstruct").all()


def test_direction_matrix_and_totals(by_region):
    matrix = activities.direction_matrix(by_region)
    assert matrix.shape == (17, 11)
    assert list(matrix.columns) == list(activities.DIRECTION_ORDER)
    assert matrix.loc["KZ-71", "other_social"] == pytest.approx(54.39)
    totals = activities.region_totals_check(by_region)
    assert totals["within_tolerance"].all()
    # Some regions sum to 100.02 (rounding), none exactly outside ±0.02.
    assert totals["sum_pct"].max() == pytest.approx(100.02)
    top = activities.top_direction(by_region).set_index("region_code")
    assert top.loc["KZ-71", "direction_id"] == "other_social"


def test_ways_sum_above_100(repo_root):
    ways = activities.ways_table(activities.read_table(repo_root / RAW, "ways_of_volunteering"))
    assert ways.iloc[-1]["share_pct"] == pytest.approx(106.81)
    assert ways.set_index("way").loc["offline", "share_pct"] == pytest.approx(92.95)


def test_participant_categories_and_partial_chart(repo_root):
    quotes = activities.read_table(repo_root / RAW, "participant_category_quotes")
    table = activities.participant_categories(quotes, "kz2021")
    assert table.set_index("category").loc["pro_bono", "region_code"] == "KZ-75"  # Almaty city
    assert table.set_index("category").loc["children", "share_of_events_pct"] == pytest.approx(26.59)
    values, legend = activities.org_directions_split(
        activities.read_table(repo_root / RAW, "org_directions_partial"))
    assert len(values) == 6 and len(legend) == 11
    assert "direction_id" not in values.columns
    assert values["share_pct"].iloc[0] == pytest.approx(34.52)


def test_read_table_absent(tmp_path):
    assert activities.read_table(tmp_path, "event_directions_by_region") is None
    pd.DataFrame({"a": []}).to_csv(tmp_path / "empty.csv", index=False)
    assert activities.read_table(tmp_path, "empty") is None


def test_region_names_are_unambiguous():
    # In English the short names of Almaty city (KZ-75) and Almaty Region (KZ-19) coincide.
    names = figures.region_names(["KZ-19", "KZ-75", "KZ-71"], "en")
    assert len(set(names)) == 3
    assert names[2] == "Astana"
    ru = figures.region_names(["KZ-19", "KZ-75"], "ru")
    assert ru[0] != ru[1]
