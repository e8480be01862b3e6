"""The correlation study's declaration and its run on region-level values assembled from data/raw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.stats as sps

from vstudy.analysis import activities
from vstudy.analysis import correlations as cs
from vstudy.data import regions

# Official indicators (indicator id, reference period) → the processed table's column names.
_OFFICIAL = {
    "population_total": ("population_count", "2021-01-01"),
    "life_expectancy_at_birth_total": ("life_expectancy_years", "2021"),
    "grp_per_capita": ("grp_per_capita_thousand_kzt", "2021"),
    "csi_quality_of_life_rank": ("csi_quality_of_life_rank", "2020-Q4"),
    "avg_monthly_nominal_wage_quarterly": ("avg_monthly_wage_q4_kzt", "2021-Q4"),
    "air_emissions_stationary_sources": ("air_emissions_thousand_tonnes", "2021"),
    "per_capita_nominal_cash_income_monthly_avg": ("cash_income_2020_kzt_per_month", "2020"),
}


def _code(name: str) -> str | None:
    # The official file prints the capital as «г. Нур-Султан (Астана)».
    return regions.try_resolve(name.split("(")[0], "kz2021")


@pytest.fixture(scope="module")
def frame(repo_root) -> pd.DataFrame:
    """A processed-like table built here, independently of vstudy.data.datasets, from data/raw."""
    ind = pd.read_csv(repo_root / "data/raw/official/indicators.csv")
    ind = ind[ind["preferred"].astype(str).str.lower() == "true"]
    ind = ind[~ind["region_as_published"].map(regions.is_national)]
    ind = ind.assign(region_code=ind["region_as_published"].map(_code))
    cols = {}
    for indicator, (column, period) in _OFFICIAL.items():
        sel = ind[(ind["indicator"] == indicator) & (ind["ref_period"].astype(str) == period)]
        cols[column] = sel.set_index("region_code")["value"].astype(float)
    out = pd.DataFrame(cols).reindex(regions.codes("kz2021"))
    lists = pd.read_csv(repo_root / "data/raw/report_2021/event_directions_by_region.csv")
    lists["region_code"] = [regions.resolve(n, "kz2021") for n in lists["region_as_published"]]
    counts = activities.reconstruct_event_counts(lists)
    out["events_reconstructed_count"] = counts.groupby("region_code")["region_events"].first()
    out["eco_events_reconstructed_count"] = counts[counts["direction_id"] == "taza_alem"].set_index(
        "region_code")["events"]
    out.index.name = "region_code"
    return out.reset_index()


def test_declaration_is_consistent(repo_root):
    keys = {v.key for v in cs.VARIABLES}
    for pair in cs.PAIRS:
        assert pair.x in keys and pair.y in keys, pair
        assert pair.family in cs.FAMILIES
        assert pair.why
    # every published coefficient has exactly one declared pair
    published = pd.read_csv(repo_root / "data/raw/report_2021/correlations_published.csv")
    report_ids = [p.coef_id for p in cs.PAIRS if p.family == "report"]
    assert sorted(report_ids) == sorted(published["coef_id"])
    assert len({(p.family, p.x, p.y) for p in cs.PAIRS}) == len(cs.PAIRS)


def test_columns_resolve_only_to_what_exists(frame):
    cols = cs.resolve_columns(frame)
    assert cols["cash_income_kzt_per_month"] == "cash_income_2020_kzt_per_month"
    assert cols["events_count"] == "events_reconstructed_count"
    assert cols["volunteers_count"] is None and cols["organisations_count"] is None
    assert cols["hired_employees_count"] is None
    cov = cs.coverage(frame).set_index("variable")
    # CSI ranks 1-7 only, Q4 wages for 6 regions (indicators_meta coverage).
    assert cov.loc["csi_quality_of_life_rank", "regions_with_value"] == 7
    assert cov.loc["avg_monthly_wage_q4_kzt", "regions_with_value"] == 6
    assert cov.loc["life_expectancy_years", "regions_with_value"] == 17


def test_emissions_vs_eco_events_matches_scipy(frame):
    res = cs.run_correlations(frame, families=["report"], n_boot=200, n_perm=500, seed=1)
    row = res[(res["x"] == "air_emissions_thousand_tonnes") & (res["y"] == "eco_events_count")
              & (res["method"] == "pearson")].iloc[0]
    x = frame["air_emissions_thousand_tonnes"].to_numpy(float)
    y = frame["eco_events_reconstructed_count"].to_numpy(float)
    ok = np.isfinite(x) & np.isfinite(y)
    ref = sps.pearsonr(x[ok], y[ok])
    assert row["n"] == ok.sum() == 17
    assert row["r"] == pytest.approx(ref.statistic, abs=1e-12)
    assert row["p"] == pytest.approx(ref.pvalue, abs=1e-12)
    assert row["influential_region"] in set(frame["region_code"])
    # The report said r = 0.06; the reconstructed Taza Álem counts give a different value but also not
    # distinguishable from zero at n = 17.
    assert row["p"] > 0.05


def test_absent_and_small_pairs_are_kept_with_notes(frame):
    res = cs.run_correlations(frame, n_boot=0, n_perm=0)
    # every declared pair appears once per method
    assert len(res) == 2 * len(cs.PAIRS)
    vol = res[(res["coef_id"] == "volunteers_vs_organisations")]
    assert (vol["n"] == 0).all() and vol["r"].isna().all()
    assert vol["note"].str.contains("volunteers_by_region").all()
    # wages: 6 regions present, but no organisations in this frame → n = 0 with a note
    wage = res[(res["x"] == "organisations_per_100k") & (res["y"] == "avg_monthly_wage_q4_kzt")]
    assert wage["note"].str.contains("organisations_per_100k not in the processed table").all()


def test_small_n_pair_is_nan_not_dropped(frame):
    small = frame.copy()
    small["volunteers_count"] = np.nan
    small.loc[:2, "volunteers_count"] = [10.0, 20.0, 35.0]  # three regions only
    pairs = [cs.Pair("t", "life_expectancy_years", "volunteers_count", "test: three regions"),
             cs.Pair("t", "csi_quality_of_life_rank", "avg_monthly_wage_q4_kzt", "test: partial coverage")]
    res = cs.run_correlations(small, pairs=pairs, n_boot=0, n_perm=0)
    three = res[res["y"] == "volunteers_count"]
    assert (three["n"] == 3).all() and three["r"].isna().all()
    assert three["note"].str.contains("< 4").all()
    # CSI ranks (7 regions) and Q4 wages (6 regions) overlap in a few regions only: n is that overlap
    overlap = int((small["csi_quality_of_life_rank"].notna() & small["avg_monthly_wage_q4_kzt"].notna()).sum())
    partial = res[res["y"] == "avg_monthly_wage_q4_kzt"]
    assert (partial["n"] == overlap).all() and 0 < overlap < 7


def test_robustness_partial_and_hc3(frame):
    pair = cs.Pair("t", "events_count", "population_count", "test", main=True)
    pair2 = cs.Pair("t", "life_expectancy_years", "grp_per_capita_thousand_kzt", "test", main=True)
    rob = cs.robustness(frame, [pair, pair2]).set_index("x")
    # population cannot be partialled out of a pair that contains it
    assert np.isnan(rob.loc["events_count", "r_partial"])
    assert rob.loc["life_expectancy_years", "n_partial"] == 17
    # the OLS slope is the ordinary least-squares slope of grp on life expectancy
    d = frame[["life_expectancy_years", "grp_per_capita_thousand_kzt"]].dropna()
    slope = np.polyfit(d["life_expectancy_years"], d["grp_per_capita_thousand_kzt"], 1)[0]
    assert rob.loc["life_expectancy_years", "slope"] == pytest.approx(slope, rel=1e-9)
    assert rob.loc["life_expectancy_years", "slope_se_hc3"] > 0


def test_attach_published_and_matrix(frame, repo_root):
    published = pd.read_csv(repo_root / "data/raw/report_2021/correlations_published.csv")
    res = cs.attach_published(cs.run_correlations(frame, families=["report"], n_boot=0, n_perm=0), published)
    row = res[(res["coef_id"] == "emissions_vs_eco_events") & (res["method"] == "pearson")].iloc[0]
    assert row["r_published"] == pytest.approx(0.06)
    assert row["r_minus_published"] == pytest.approx(row["r"] - 0.06)
    m = cs.matrix(res, "report")
    assert m.loc["air_emissions_thousand_tonnes", "eco_events_count"] == pytest.approx(row["r"])


def test_reconstructed_events_come_from_the_processed_table(repo_root, processed_2021, frame):
    """The processed table, a processed-layer directory and a dataset directory give the same columns."""
    from vstudy.data import processed

    base = frame[["region_code"]]
    table = processed.read_table("event_counts_kz2021", processed_2021)
    from_table = cs.add_reconstructed_events(base, table, "kz2021")
    pd.testing.assert_frame_equal(from_table, cs.add_reconstructed_events(base, processed_2021, "kz2021"))
    pd.testing.assert_frame_equal(from_table, cs.add_reconstructed_events(base, repo_root / "data/raw", "kz2021"))
    # ... and the values this module's fixture computes from the raw lists on its own.
    for col in ("events_reconstructed_count", "eco_events_reconstructed_count"):
        assert from_table[col].tolist() == frame[col].astype(float).tolist()
    assert cs.add_reconstructed_events(base, None, "kz2021") is base
