"""Demographics: shares by region, the pension erratum (E01) and the distance from the national mix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vstudy.analysis import demographics, replication
from vstudy.present import figures


@pytest.fixture(scope="module")
def raw(repo_root):
    return replication.load_tables(repo_root / "data" / "raw")


def test_corrected_pension_is_residual(raw):
    age = demographics.age_shares(raw["age_by_region"], "kz2021")
    assert list(age.columns) == ["under18", "18_29", "30_to_pension", "pension"]
    # Turkestan (KZ-61): 100 - (20.08 + 59.48 + 11.46) = 8.98, errata.csv E01
    assert age.loc["KZ-61", "pension"] == pytest.approx(8.98)
    assert age.loc["KZ-31", "pension"] == pytest.approx(0.0)  # Zhambyl residual 0.00
    assert np.allclose(age.sum(axis=1), 100)


def test_pension_erratum_table(raw):
    table = demographics.pension_erratum(raw["age_by_region"], "kz2021").set_index("region_code")
    assert table["published_is_duplicate"].all()
    assert table.loc["KZ-71", "sum_with_published_pct"] == pytest.approx(37.48 + 25.87 + 35.62 + 35.62)
    assert table.loc["KZ-71", "pension_published_pct"] == 35.62
    assert table.index[0] == "KZ-61"  # largest corrected pension share first


def test_tvd_definition():
    assert demographics.tvd([50, 50], [50, 50]) == 0
    assert demographics.tvd([100, 0], [0, 100]) == 100
    assert demographics.tvd([60, 40], [50, 50]) == pytest.approx(10)
    assert demographics.tvd([30, 20], [50, 50]) == pytest.approx(10)  # rescaled to 100 before comparing
    assert np.isnan(demographics.tvd([np.nan, 50], [50, 50]))


def test_distance_from_national_status(raw):
    status = demographics.status_shares(raw["status_by_region"], "kz2021")
    nat = demographics.national_shares(raw["status_national"], "status")
    dist = demographics.distance_from_national(status, nat).set_index("region_code")
    # Almaty city: students 9.62 vs 55, working 82.45 vs 36 ... (status_by_region.csv lines 1579, 1605, 1572)
    almaty = status.loc["KZ-75"].to_numpy()
    q = nat[status.columns].to_numpy()
    expected = 0.5 * np.abs(100 * almaty / almaty.sum() - 100 * q / q.sum()).sum()
    assert dist.loc["KZ-75", "tvd_pp"] == pytest.approx(expected, abs=0.01)
    assert dist.loc["KZ-75", "largest_gap_category"] == "working"
    assert dist.loc["KZ-75", "largest_gap_pp"] == pytest.approx(82.45 - 36, abs=0.01)
    assert dist["tvd_pp"].is_monotonic_decreasing


def test_combined_distance_orders_regions(raw):
    age = demographics.age_shares(raw["age_by_region"], "kz2021")
    status = demographics.status_shares(raw["status_by_region"], "kz2021")
    out = demographics.combined_distance(age, demographics.national_shares(raw["age_national"], "age_group"),
                                         status, demographics.national_shares(raw["status_national"], "status"))
    assert len(out) == 17 and out["tvd_mean_pp"].is_monotonic_decreasing
    assert out.iloc[0]["region_code"] == "KZ-75"
    row = out.iloc[0]
    assert row["tvd_mean_pp"] == pytest.approx((row["tvd_age_pp"] + row["tvd_status_pp"]) / 2, abs=0.01)


def test_region_labels_are_unique():
    labels = figures.region_labels(replication.regions.codes("kz2021"), "en")
    assert len(set(labels.values())) == 17
    assert labels["KZ-75"] == "Almaty" and labels["KZ-19"] == "Almaty Region"


def test_combined_distance_without_inputs():
    assert demographics.combined_distance(None, None, None, None).empty
    assert isinstance(demographics.combined_distance(None, None, None, pd.Series(dtype=float)), pd.DataFrame)


def test_organisations_frame_from_reconstructed_counts(raw):
    recon = replication.reconstruct_organisations(raw["organisations_by_region"], 491, 1658, "kz2021")
    orgs = demographics.organisations_frame(recon).set_index("region_code")
    # Pavlodar: 12 NGOs + 460 groups; its published NGO share is 2.54 % (organisations_by_region.csv line 1660)
    assert orgs.loc["KZ-55", "organisations_count"] == 472
    assert orgs.loc["KZ-55", "ngo_share_pct"] == pytest.approx(2.54)
    assert orgs.loc["KZ-55", "share_of_national_groups_pct"] == pytest.approx(27.74)
    totals = demographics.organisation_totals(orgs, national_population=18_879_552)
    assert totals["initiative_group_share_pct"] == 77.15
    assert totals["organisations_per_100k"] == pytest.approx(1e5 * 2149 / 18_879_552, abs=0.01)


def test_organisation_rates_per_100k():
    frame = pd.DataFrame({"region_code": ["A", "B"], "ngo_count": [1, 3], "initiative_group_count": [9, 7],
                          "population_count": [100_000, 200_000]})
    out = demographics.organisations_frame(frame).set_index("region_code")
    assert out.loc["A", "organisations_per_100k"] == 10.0
    assert out.loc["B", "organisations_per_100k"] == 5.0
    assert out.loc["B", "share_of_national_ngo_pct"] == 75.0
