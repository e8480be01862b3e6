"""The correlation study's declaration and its run on region-level values assembled from data/raw."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
import scipy.stats as sps
from statsmodels.stats.multitest import multipletests

from vstudy.analysis import activities, stats
from vstudy.analysis import correlations as cs
from vstudy.data import regions
from vstudy.present.notebook import markdown
from vstudy.present.prose import correlations as pc

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
        if pair.family == "report":  # recomputed as the report computed it: raw scales
            assert (pair.x_scale, pair.y_scale) == ("linear", "linear")
        else:  # the study's own families: totals with totals, rates with rates; scales as declared
            assert not cs.mixes_total_and_rate(pair.x, pair.y), pair
            assert pair.x_scale == cs.VARIABLE_BY_KEY[pair.x].scale
    # every share of a linked set is declared against the same outcomes, and each set sums to 100
    for members in cs.LINKED_SETS.values():
        outcomes = [{p.y for p in cs.PAIRS if p.x == m} for m in members]
        assert all(o == outcomes[0] for o in outcomes)
    # the issue-11 variables: supplied volunteer counts and rates join the public families
    vol = {(p.x, p.y) for p in cs.PAIRS if p.family == "volunteers"}
    assert {("volunteers_count", "population_count"), ("volunteers_per_100k", "life_expectancy_years"),
            ("volunteers_per_100k", "grp_per_capita_thousand_kzt"), ("volunteers_count", "organisations_count")} <= vol
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
    res = cs.run_correlations(frame, families=["report"], n_boot=200, n_perm=20000, seed=1)
    row = res[(res["x"] == "air_emissions_thousand_tonnes") & (res["y"] == "eco_events_count")
              & (res["method"] == "pearson")].iloc[0]
    x = frame["air_emissions_thousand_tonnes"].to_numpy(float)
    y = frame["eco_events_reconstructed_count"].to_numpy(float)
    ok = np.isfinite(x) & np.isfinite(y)
    ref = sps.pearsonr(x[ok], y[ok])
    assert row["n"] == ok.sum() == 17
    assert row["r"] == pytest.approx(ref.statistic, abs=1e-12)
    assert row["p"] == pytest.approx(ref.pvalue, abs=1e-12)
    assert row["role"] == "primary" and row["null"] == "independence"
    # two-sided as |r_π| ≥ |r| (both variables are skewed, so the null of r is not symmetric)
    xs, ys = x[ok] - x[ok].mean(), y[ok] - y[ok].mean()

    def abs_r(v, axis=-1):  # |r| of x with each permuted y, vectorised for scipy
        v = v - v.mean(axis=axis, keepdims=True)
        return np.abs((v * xs).sum(axis=axis) / np.sqrt((v * v).sum(axis=axis) * (xs * xs).sum()))

    perm = sps.permutation_test((ys,), abs_r, permutation_type="pairings", n_resamples=20000, vectorized=True,
                                alternative="greater", random_state=3)
    assert abs_r(ys) == pytest.approx(abs(ref.statistic), abs=1e-12)
    assert row["p_perm"] == pytest.approx(perm.pvalue, abs=0.03)
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
    assert vol["note"].str.contains("per-region volunteer counts were chart images in the report; supply them in the "
                                    "collection template").all()
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


# --- the study on the processed 2021 layer -------------------------------------------------------------------

@pytest.fixture(scope="module")
def processed(processed_2021) -> dict[str, pd.DataFrame]:
    from vstudy.data import processed as layer

    names = ("regions_kz2021", "organisations_kz2021", "event_directions_kz2021", "event_counts_kz2021",
             "headline_figures", "event_directions_national_corrected")
    return {name: layer.read_table(name, processed_2021) for name in names}


@pytest.fixture(scope="module")
def results(correlation_results_2021) -> pd.DataFrame:
    """``cs.run_correlations(with_reconstructed_events(regions, event_counts), n_boot=200, seed=7)`` on the processed
    2021 layer, computed once per run (tests/conftest.py). The plan's 100,000 permutations: one finding sits near the
    study-level line (22 × p ≈ 0.057), where fewer permutations would let Monte Carlo noise decide it."""
    return pd.read_pickle(correlation_results_2021.with_suffix(".pkl"))


def _pearson_rows(rows: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson r of each row of ``rows`` with ``y`` (what np.corrcoef(row, y)[0, 1] gives, for all rows at once)."""
    rc = rows - rows.mean(axis=1, keepdims=True)
    yc = y - y.mean()
    return (rc @ yc) / np.sqrt((rc * rc).sum(axis=1) * (yc @ yc))


def _row(results, x, y, method="pearson", family=None):
    sel = (results["x"] == x) & (results["y"] == y) & (results["method"] == method)
    if family:
        sel &= results["family"] == family
    return results[sel].iloc[0]


def test_pavlodar_carries_organisations_against_emissions(processed, results):
    """The 2021 finding that survived Holm on the raw scale rests on one region (Pavlodar, KZ-55)."""
    import statsmodels.api as sm

    d = processed["regions_kz2021"].set_index("region_code")
    org = d["organisations_count"].astype(float)
    emis = d["air_emissions_thousand_tonnes"].astype(float)
    rate = d["organisations_per_100k"].astype(float)
    others = d.index != "KZ-55"
    # raw scale, computed here with scipy and statsmodels: r 0.706 / 0.691, without Pavlodar 0.17 / 0.10
    assert sps.pearsonr(org, emis).statistic == pytest.approx(0.706, abs=5e-4)
    assert sps.pearsonr(rate, emis).statistic == pytest.approx(0.691, abs=5e-4)
    assert sps.pearsonr(org[others], emis[others]).statistic == pytest.approx(0.17, abs=0.005)
    assert sps.pearsonr(rate[others], emis[others]).statistic == pytest.approx(0.10, abs=0.005)
    cooks = sm.OLS(org.to_numpy(), sm.add_constant(emis.to_numpy())).fit().get_influence().cooks_distance[0]
    assert d.index[int(np.argmax(cooks))] == "KZ-55" and round(cooks.max(), 1) == 5.3
    # the study's own functions find the same region and the same numbers
    loo = stats.most_influential(stats.leave_one_out(org, emis, d.index))
    assert loo["label"] == "KZ-55" and loo["r_without"] == pytest.approx(0.166, abs=5e-4)
    both = max(stats.cooks_distance(org, emis)[list(d.index).index("KZ-55")],
               stats.cooks_distance(emis, org)[list(d.index).index("KZ-55")])
    assert both == pytest.approx(cooks.max(), rel=1e-9)
    # the declared pair (organisations against log emissions, totals with totals): significant with Pavlodar, not
    # without it — the headline says so
    row = _row(results, "organisations_count", "air_emissions_thousand_tonnes", family="organisations")
    assert row["y_scale"] == "log"
    assert row["r"] == pytest.approx(sps.pearsonr(org, np.log(emis)).statistic, abs=1e-12)
    assert row["influential_region"] == "KZ-55"
    assert row["r_without_influential"] == pytest.approx(
        sps.pearsonr(org[others], np.log(emis[others])).statistic, abs=1e-12)
    assert row["p_perm"] < 0.05 < row["p_perm_without_influential"]
    assert bool(row["rests_on_one_region"]) and not bool(row["survives_holm"])
    assert row["towards_zero_region"] == "KZ-55" and row["loo_region_min"] == "KZ-55"
    assert row["cooks_d_max_region"] == "KZ-55"
    text = markdown(pc.findings_text(results, 0.05, "en"))
    assert "rest on one region" in text
    r_wo = f"{row['r_without_influential']:.2f}"
    assert f"without Pavlodar Region r = {r_wo} (p = " in text
    ru = markdown(pc.findings_text(results, 0.05, "ru"), lang="ru")
    assert "без региона «Павлодарская область» r = " + r_wo.replace(".", ",") in ru
    assert "держатся на одном регионе и без него незначимы" in ru
    r_ru = f"{row['r']:.2f}".replace(".", ",")
    assert f"r = {r_ru} (p = " in ru and "Pavlodar" not in ru
    # a rate against a total is not declared in the study's own families
    assert not ((results["x"] == "organisations_per_100k") & (results["y"] == "air_emissions_thousand_tonnes")
                & (results["family"] != "report")).any()


def test_a_rate_against_its_own_population_is_tested_against_independence(processed, results):
    """Organisations per 100,000 against population asks whether the rate changes with size: its null is
    independence (expected r 0), not counts unrelated to population (expected −0.36), which would only repeat the
    test of the count against population — a row of its own."""
    d = processed["regions_kz2021"]
    counts, pop = d["organisations_count"].astype(float).to_numpy(), d["population_count"].astype(float).to_numpy()
    rate = d["organisations_per_100k"].astype(float).to_numpy()
    row = _row(results, "organisations_per_100k", "population_count")
    assert row["null"] == "independence"
    assert row["r"] == pytest.approx(-0.377, abs=5e-4)
    assert abs(row["r_null_mean"]) < 0.02
    rng = np.random.default_rng(11)
    plain = _pearson_rows(np.array([rng.permutation(rate) for _ in range(20000)]), pop)
    assert row["p_perm"] == pytest.approx(np.mean(np.abs(plain) >= abs(row["r"]) - 1e-12), abs=0.02)
    assert row["p_perm"] == pytest.approx(0.13, abs=0.02)
    # the shared-denominator null would have expected −0.36 (counts shuffled, each region keeping its population)
    shuffled = _pearson_rows(np.array([rng.permutation(counts) / pop for _ in range(5000)]), pop)
    assert shuffled.mean() == pytest.approx(-0.36, abs=0.015)
    assert _row(results, "organisations_count", "population_count")["null"] == "independence"


def test_shared_denominator_null_for_a_rate_against_density(processed, results):
    d = processed["regions_kz2021"]
    counts, pop = d["organisations_count"].astype(float).to_numpy(), d["population_count"].astype(float).to_numpy()
    dens = np.log(d["population_density_per_km2"].astype(float).to_numpy())
    row = _row(results, "organisations_per_100k", "population_density_per_km2")
    assert row["null"] == "shared denominator" and row["y_scale"] == "log"
    rng = np.random.default_rng(13)
    sim = _pearson_rows(np.array([rng.permutation(counts) / pop for _ in range(20000)]), dens)
    assert row["r_null_mean"] == pytest.approx(sim.mean(), abs=0.01)
    expected = min(1.0, 2 * min(np.mean(sim <= row["r"]), np.mean(sim >= row["r"])))
    assert row["p_perm"] == pytest.approx(expected, abs=0.03)
    text = markdown(pc.denominator_text(cs.findings_table(results), "en"))
    assert "tested against organisation or volunteer counts unrelated to the regions" in text
    assert "under which the expected r is 0" in text and "expected from the shared denominator alone" not in text


def test_one_primary_method_and_corrections_over_findings(results):
    # each pair is tested once: the sensitivity rows carry no correction
    sens = results[results["role"] == "sensitivity"]
    assert (sens["method"] == "spearman").all() and sens["p_holm"].isna().all()
    prim = results[(results["role"] == "primary") & results["p_perm"].notna()]
    assert (prim["method"] == "pearson").all()
    for _, fam in prim.groupby("test_family"):
        findings = fam.groupby("finding", sort=False)
        p = np.array([g["p_set"].min() if g["linked_set"].notna().any() else g["p_perm"].iloc[0]
                      for _, g in findings])
        holm = dict(zip(findings.groups, multipletests(p, method="holm")[1], strict=True))
        by = dict(zip(findings.groups, multipletests(p, method="fdr_by")[1], strict=True))
        for row in fam.itertuples():
            assert row.p_holm == pytest.approx(holm[row.finding], abs=1e-12)
            assert row.p_by == pytest.approx(by[row.finding], abs=1e-12)
    # Holm and BY over every full-sample finding of the study, recomputed with statsmodels
    full = prim[prim["test_family"] != cs.SUBSET_FAMILY]
    findings = full.groupby(["test_family", "finding"], sort=False)
    p = np.array([g["p_set"].min() if g["linked_set"].notna().any() else g["p_perm"].iloc[0] for _, g in findings])
    holm = dict(zip(findings.groups, multipletests(p, method="holm")[1], strict=True))
    by = dict(zip(findings.groups, multipletests(p, method="fdr_by")[1], strict=True))
    assert len(p) == 22 and (full["m_study"] == 22).all()
    for row in full.itertuples():
        assert row.p_holm_study == pytest.approx(holm[(row.test_family, row.finding)], abs=1e-12)
        assert row.p_by_study == pytest.approx(by[(row.test_family, row.finding)], abs=1e-12)
        own = row.p_set if isinstance(row.linked_set, str) else 0.0
        assert bool(row.holds_after_correction) == (row.p_holm_study <= 0.05 and own <= 0.05)
    assert prim.loc[prim["test_family"] == cs.SUBSET_FAMILY, "p_holm_study"].isna().all()
    # the NGO share × life expectancy survives its own family (12 findings) but not the study's correction
    ngo = _row(results, "ngo_share_pct", "life_expectancy_years")
    assert ngo["m_family"] == 12 and ngo["p_holm"] < 0.05 < ngo["p_holm_study"]
    assert bool(ngo["survives_holm"]) and not bool(ngo["holds_after_correction"])
    assert ngo["plan_role"] == "exploratory" and ngo["plan_entry"] == "composition_ngo_share"
    # every Monte Carlo p carries its binomial standard error; an exact p has none
    mc = prim[~prim["perm_exact"].astype(bool)]
    assert np.allclose(mc["p_perm_se"], np.sqrt(mc["p_perm"] * (1 - mc["p_perm"]) / mc["n_perm_used"]))
    assert (prim.loc[prim["perm_exact"].astype(bool), "p_perm_se"] == 0).all()
    linked = prim[prim["linked_set"].notna() & ~prim["perm_exact"].astype(bool)]
    assert len(linked) and np.allclose(linked["p_set_se"],
                                       np.sqrt(linked["p_set"] * (1 - linked["p_set"]) / linked["n_perm_used"]))
    assert (prim.loc[prim["linked_set"].notna() & prim["perm_exact"].astype(bool), "p_set_se"] == 0).all()
    # the four status shares against one outcome are one finding with one adjusted p
    status = prim[(prim["linked_set"] == "status") & (prim["y"] == "life_expectancy_years")]
    assert len(status) == 4 and status["finding"].nunique() == 1 and status["p_holm"].nunique() == 1
    assert (status["p_set"] >= status["p_perm"] - 1e-9).all()


def test_linked_set_p_matches_an_independent_maxT(processed, results):
    d = processed["regions_kz2021"]
    shares = d[list(cs.LINKED_SETS["status"])].astype(float).to_numpy()
    y = d["unemployment_rate_pct"].astype(float).to_numpy()
    assert np.allclose(shares.sum(axis=1), 100, atol=0.05)
    rng = np.random.default_rng(5)
    obs = np.abs([np.corrcoef(shares[:, k], y)[0, 1] for k in range(4)])
    permuted = np.array([rng.permutation(y) for _ in range(5000)])
    maxes = np.abs([_pearson_rows(permuted, shares[:, k]) for k in range(4)]).max(axis=0)
    prim = results[(results["role"] == "primary") & (results["linked_set"] == "status")
                   & (results["y"] == "unemployment_rate_pct")].set_index("x")
    for k, key in enumerate(cs.LINKED_SETS["status"]):
        assert prim.loc[key, "p_set"] == pytest.approx(np.mean(maxes >= obs[k] - 1e-12), abs=0.015)


def test_selected_subsets_are_flagged_and_kept_apart(results):
    csi = _row(results, "organisations_per_100k", "csi_quality_of_life_rank")
    wage = _row(results, "ngo_share_pct", "avg_monthly_wage_q4_kzt")
    assert (csi["n"], wage["n"]) == (7, 6)
    for row in (csi, wage):
        assert row["subset"] and row["test_family"] == cs.SUBSET_FAMILY
        assert np.isnan(row["boot_low"])  # no bootstrap interval below the stated n
        assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])  # nor a Fisher interval
        assert "no Fisher interval below n = 10" in row["note"]
        assert row["perm_exact"] and row["n_perm_used"] == math.factorial(row["n"])
    assert "selected on the outcome" in csi["flags"] and "news items" in wage["flags"]
    ranked = cs.findings_table(results)
    assert not ranked["subset"].any() if "subset" in ranked else (ranked["n"] == 17).all()
    assert (cs.findings_table(results, subsets=True)["n"] < 17).all()


def test_reconstructions_are_unique(processed):
    org = processed["organisations_kz2021"]
    headline = processed["headline_figures"].set_index("figure_id")["value"]
    big_n, big_g = int(headline["ngo_total"]), int(headline["initiative_groups_total"])
    checked = cs.organisation_pairs(org, processed["headline_figures"]).set_index("region_code")
    # independent: every (n, g) on a full numpy grid, each share rounded to 2 decimals as printed
    n = np.arange(big_n + 1)[:, None]
    g = np.arange(big_g + 1)[None, :]
    for r in org.itertuples():
        with np.errstate(invalid="ignore", divide="ignore"):
            ok = ((np.abs(100 * n / big_n - r.region_share_of_national_ngo_pct) <= 0.005 + 1e-9)
                  & (np.abs(100 * g / big_g - r.region_share_of_national_groups_pct) <= 0.005 + 1e-9)
                  & (np.abs(100 * n / (n + g) - r.ngo_share_of_region_pct) <= 0.005 + 1e-9))
        hits = np.argwhere(ok)
        assert len(hits) == 1 == checked.loc[r.region_code, "pairs_matching"]
        assert tuple(hits[0]) == (r.ngo_count, r.initiative_group_count)
    assert checked["equals_processed"].all()
    events = cs.event_total_multiples(processed["event_counts_kz2021"],
                                      processed["event_directions_national_corrected"])
    assert (events["multiples_reproducing"] == "").all()
    assert (events["deviation_smallest_pct"] <= 0.005).all()
    # independent: doubling Atyrau's events (the closest miss) moves a national share by more than the rounding
    counts = activities.reconstruct_event_counts(processed["event_directions_kz2021"])
    counts.loc[counts["region_code"] == "KZ-23", "events"] *= 2
    pooled = counts.groupby("direction_id")["events"].sum()
    nat = processed["event_directions_national_corrected"].set_index("direction_id")["share_pct_published"].dropna()
    dev = (100 * pooled / pooled.sum()).reindex(nat.index).sub(nat).abs().max()
    assert dev > 0.005
    assert events.set_index("region_code")["min_deviation_multiple_pct"].min() == pytest.approx(dev, abs=1e-9)
    text = markdown(pc.reconstruction_text(checked.reset_index(), events, "en"))
    assert "17 of 17 regions exactly one integer pair" in text and "never does" in text
    ru = markdown(pc.reconstruction_text(checked.reset_index(), events, "ru"), lang="ru")
    closest = f"{events['min_deviation_multiple_pct'].min():.3f}".replace(".", ",")
    assert "в 17 из 17 регионов ровно одна пара" in ru and f"расходится на {closest} п. п." in ru


def test_supplied_volunteers_join_the_families(processed_2022):
    """Issue 11: a dataset with volunteer counts gets them against population, quality of life and organisations;
    r on the declared scale equals scipy's, for both methods."""
    from vstudy.data import processed as layer

    frame = layer.read_table("regions_kz2022", processed_2022)
    res = cs.run_correlations(frame, families=["volunteers", "report"], n_boot=0, n_perm=2000)
    d = frame.set_index("region_code").astype({c: float for c in ("volunteers_count", "volunteers_per_100k",
                                                                  "population_count", "organisations_count",
                                                                  "organisations_per_100k",
                                                                  "grp_per_capita_thousand_kzt")})
    checks = {("volunteers_count", "population_count"): (d["volunteers_count"], d["population_count"]),
              ("volunteers_count", "organisations_count"): (d["volunteers_count"], d["organisations_count"]),
              ("volunteers_per_100k", "grp_per_capita_thousand_kzt"):
                  (d["volunteers_per_100k"], np.log(d["grp_per_capita_thousand_kzt"])),
              ("volunteers_per_100k", "organisations_per_100k"): (d["volunteers_per_100k"], d["organisations_per_100k"])}
    for (x, y), (a, b) in checks.items():
        assert _row(res, x, y, "pearson", "volunteers")["r"] == pytest.approx(sps.pearsonr(a, b).statistic, abs=1e-12)
        assert _row(res, x, y, "spearman", "volunteers")["r"] == pytest.approx(sps.spearmanr(a, b).statistic,
                                                                              abs=1e-12)
        assert _row(res, x, y, "pearson", "volunteers")["n"] == len(d) == 20
    assert _row(res, "volunteers_per_100k", "organisations_per_100k", family="volunteers")["null"] == \
        "shared denominator"
    events = _row(res, "events_count", "volunteers_count", family="report")
    assert events["r"] == pytest.approx(sps.pearsonr(d["events_count"].astype(float), d["volunteers_count"]).statistic,
                                        abs=1e-12)


def test_prose_follows_the_data(results):
    detect = float(stats.detectable_r(17, 0.8, 0.05))
    power = markdown(pc.power_text(17, 0.05, "en"))
    assert f"|ρ| = {detect:.2f}" in power and "With 17 regions" in power
    assert "With 20 regions" in markdown(pc.power_text(20, 0.05, "en"))
    ru = markdown(pc.power_text(17, 0.05, "ru"), lang="ru")
    assert f"|ρ| = {detect:.2f}".replace(".", ",") in ru and "При 17 регионах" in ru and "уровне 0,05" in ru
    assert "При 21 регионе" in markdown(pc.power_text(21, 0.05, "ru"), lang="ru")
    assert "При 3 регионах проверить" in markdown(pc.power_text(3, 0.05, "ru"), lang="ru")
    report = pc.report_text(cs.attach_published(results, None), "en")
    text = markdown(report)
    assert text.startswith("2 of the report's 17 pairs can be recomputed")
    assert "confirmatory family" in text and "does not state its method" in text
    assert "as the report computed" not in text
    assert "14 need per-region volunteer counts" in text
    ru = markdown(pc.report_text(cs.attach_published(results, None), "ru"), lang="ru")
    assert ru.startswith("Из 17 пар отчёта по этому набору данных можно пересчитать 2")
    assert "95-процентный ДИ от " in ru and "Для 14 из них нужна численность волонтёров по регионам" in ru
    assert markdown(pc.published_text(None, 0.05, "en")).startswith("This dataset carries no published")
    assert markdown(pc.published_text(None, 0.05, "ru"), lang="ru").startswith("В этом наборе данных нет")
    method = markdown(pc.method_text(0.05, "en"))
    assert f"n = {stats.EXACT_MAX_N}" in method and f"n = {stats.BOOTSTRAP_MIN_N}" in method
    assert "100,000 random permutations" in method and "over the whole study" in method
    method = markdown(pc.method_text(0.05, "ru"), lang="ru")
    assert f"при n до {stats.EXACT_MAX_N}" in method and f"начиная с n = {stats.BOOTSTRAP_MIN_N}" in method
    assert "по 100\u00a0000 случайным перестановкам" in method


def test_findings_text_counts_what_the_table_holds(results):
    """Every count a sentence states is the table's: findings per family, what holds at the study level, what
    survives only its family, unadjusted findings with linked shares counted by their set's p."""
    full = cs.findings_table(results)
    findings = full.drop_duplicates(["test_family", "finding"])
    text = markdown(pc.findings_text(results, 0.05, "en"))
    assert "organisations 8 and composition of volunteers 12" in text
    assert "confirmatory family (2 findings)" in text and "the 20 exploratory findings" in text
    m_study = int(full["m_study"].iloc[0])
    holds = int(findings["holds_after_correction"].sum())
    assert holds == 0 and f"No finding holds after Holm's correction over all {m_study} full-sample findings" in text
    family_only = findings[findings["survives_holm"].astype(bool) & ~findings["holds_after_correction"].astype(bool)]
    assert len(family_only) == 1 and "1 survives only its own family's correction" in text
    ngo = _row(results, "ngo_share_pct", "life_expectancy_years")
    assert (f"(exploratory; n = 17): r = {ngo['r']:.2f}" in text
            and f"Holm within composition of volunteers (12 findings) p = {ngo['p_holm']:.3f}" in text
            and f"over all {m_study} full-sample findings of the study p = {ngo['p_holm_study']:.3f}" in text
            and "it does not hold after correction" in text)
    k = int(((findings["p_finding"] <= 0.05) & ~findings["holds_after_correction"].astype(bool)).sum())
    pairs = int((full["p_perm"] <= 0.05).sum())
    shares = full[(full["p_perm"] <= 0.05) & full["p_set"].notna()]
    out = int((shares["p_set"] > 0.05).sum())
    assert k < pairs and out > 0
    assert (f"{k} findings have a permutation p ≤ 0.05 on their own before correction, counting each linked set of "
            f"shares once by its set's p ({pairs} pairs have p ≤ 0.05 on their own; {len(shares)} of them are "
            f"shares of a linked set, {out} of whose set's p is above 0.05)") in text
    masked = full[full["masked_by_one_region"].astype(bool)]
    assert f"{len(masked)} pairs are masked by one region" in text and len(masked) >= 1
    ru = markdown(pc.findings_text(results, 0.05, "ru"), lang="ru")
    assert f"Ни один вывод не устойчив к поправке Холма по всем {m_study} выводам исследования" in ru
    assert "1 выдерживает только поправку своего семейства" in ru
    assert "семейства «состав волонтёров» (12 выводов)" in ru and "(поисковый вывод; n = 17)" in ru
    assert f"{len(masked)} пары скрывает один регион" in ru


def test_every_mentioned_finding_that_changes_says_so(results):
    """A sentence that mentions a finding whose sign or significance changes without one region or without the
    cities says so (the home page's lines and the section's)."""
    mentioned = cs.mentioned_findings(results, strongest=3)
    assert list(mentioned["mention"]) == ["family_only", "strongest", "strongest", "strongest"]
    for _, row in mentioned.iterrows():
        sentence = pc.finding_sentence(row, "en")
        flagged = cs.caveat_of(row)
        said = any(w in sentence for w in ("it rests on", "masks a stronger one", "its sign changes",
                                           "without the cities r ="))
        assert flagged == said, sentence
        assert "Holm over all 22 full-sample findings of the study p = " in sentence
    emissions = mentioned[mentioned["x"] == "organisations_count"].iloc[0]
    assert "it rests on Pavlodar Region: without it r = 0.33" in pc.finding_sentence(emissions, "en")
    students = mentioned[mentioned["x"] == "vol_students_pct"].iloc[0]
    assert bool(students["changes_without_cities"])
    assert f"without the cities r = {students['r_without_cities']:.2f} (n = 14, p = ".replace("-", "−") in pc.finding_sentence(
        students, "en")
    # from the CSV the home page reads, the same lines
    import io

    buf = io.StringIO()
    results.to_csv(buf, index=False)
    back = pd.read_csv(io.StringIO(buf.getvalue()))
    home = pc.home_findings_markdown(back, "en")
    assert home[0] == ("46 pairs of variables were tested over all regions. They form 22 findings — a share tested "
                       "with its linked set counts once — 2 of the report's own (confirmatory) and 20 from a declared "
                       "exploratory grid; Holm's correction ran over 22 findings. None holds after it at level 0.05; "
                       "1 survives only its own family's correction:")
    assert len(home) == 2 and home[1].startswith("- NGOs, % of organisations vs Life expectancy at birth, years: "
                                                 "r = 0.68 (n = 17)")
    assert home == pc.home_findings_markdown(results, "en")
    summary = cs.study_summary(back)
    assert (summary["pairs_full"], summary["findings_full"], summary["m_study"]) == (46, 22, 22)
    assert summary["findings_by_family"] == {"report": 2, "organisations": 8, "composition": 12}


def test_kazakh_prose_is_kazakh(results):
    text = markdown(pc.findings_text(results, 0.05, "kk"), lang="kk")
    text += markdown(pc.home_findings_markdown(results, "kk"), lang="kk")
    text += markdown(pc.power_text(17, 0.05, "kk", results=results), lang="kk")
    text += markdown(pc.report_text(results, "kk"), lang="kk") + str(pc.plan_markdown("kk"))
    assert re.search("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]", text)
    assert "«Павлодар облысы» алынғанда r = " in text and "Астана қаласы" in text
    assert "Pavlodar" not in text and "Павлодарская" not in text
    latin = re.findall(r"(?<![\w`])[A-Za-z]{4,}(?![\w`])", re.sub(r"`[^`]*`", "", text))
    assert not latin, latin[:5]
    assert "барлаушы тұжырым" in text and "17 өңір болғанда" in text


def test_russian_grammar_of_counts():
    """Russian numbers agree with their nouns through the catalogue's plurals (CLDR categories)."""
    from vstudy import i18n

    def ru(msg, **facts):
        return i18n.text("ru", f"correlations.{msg}", **facts)

    assert ru("findings.family_count", family="x", k=21) == "x — 21"
    holds = {k: ru("findings.holds_count", k=k, m=22, alpha=0.05, family_only=0) for k in (1, 2, 5, 21)}
    assert holds[1].startswith("1 вывод устойчив") and holds[2].startswith("2 вывода устойчивы")
    assert holds[5].startswith("5 выводов устойчивы") and holds[21].startswith("21 вывод устойчив")
    assert "по всем 22 выводам" in holds[1] and "по всем 21 выводу" in ru("findings.holds_count", k=0, m=21,
                                                                          alpha=0.05, family_only=0)
    assert ru("recon.not_unique_item", region="А", k=3) == "А (3 пары)"
    assert ru("recon.not_unique_item", region="А", k=11) == "А (11 пар)"
    assert ru("power.none", n=1) == "При 1 регионе проверить корреляцию нельзя."
    assert ru("report.missing_volunteers", k=1).startswith("Для 1 из них")


def test_published_coefficients_in_both_languages(repo_root, frame):
    published = pd.read_csv(repo_root / "data" / "raw" / "report_2021" / "correlations_published.csv")
    family = cs.published_family(published, len(frame), 0.05)
    strongest = family.loc[family["r_published"].abs().idxmax()]
    en = markdown(pc.published_text(family, 0.05, "en"))
    ru = markdown(pc.published_text(family, 0.05, "ru"), lang="ru")
    k = int(family["significant_raw"].sum())
    assert k == 3
    assert f"Of the {len(family)} published coefficients, {k} differ from zero at the 0.05 level on their own" in en
    assert f"Из {len(family)} опубликованных коэффициентов {k} по отдельности отличаются" in ru
    assert "volunteers_vs_organisations" not in en + ru  # coefficients are named by their variables
    assert f"r = {strongest['r_published']:.2f}".replace(".", ",") in ru
    readings = pc.localized(family, "ru")["reading"]
    assert readings.str.contains("отличается от 0").all() and not readings.str.contains("different").any()
    assert pc.localized(family, "en")["reading"].str.contains("95% CI").all()


def test_notes_and_flags_for_the_reader(results):
    """The notes the analysis writes (English, for the CSV) read as sentences in every edition; every variable's
    missing and subset notes are catalogue messages in each language."""
    from vstudy import i18n

    for var in cs.VARIABLES:
        for lang in ("en", "ru", "kk"):
            assert i18n.has(lang, f"correlations.var.{var.key}")
            if var.missing_note:
                assert i18n.has(lang, f"correlations.missing.{var.key}"), var.key
            if var.selected:
                assert i18n.has(lang, f"correlations.subset_why.{var.key}"), var.key
    report = cs.report_table(results)
    for lang in ("en", "ru", "kk"):
        notes = pc.localized(report, lang)["note"]
        assert not notes.str.contains(r"\b[a-z]+_[a-z_]+_count\b not in").any()
    ru = pc.localized(cs.findings_table(results, subsets=True), "ru")["flags"]
    assert ru.str.startswith("часть регионов: ").all() and not ru.str.contains("regions").any()
    why = i18n.text("ru", "correlations.subset_why.avg_monthly_wage_q4_kzt")
    assert pc.note_text("subset: 6 of 17 regions (only the regions whose quarterly wage regional news items named)",
                        "ru") == "часть регионов: 6 из 17 (" + why + ")"
    assert pc.note_text("no Fisher interval below n = 10", "ru") == "интервал Фишера не строится при n < 10"


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


def test_p_values_and_unknown_notes():
    """p-values keep three decimals (and their Monte Carlo error) in each language; a note part the prose does not
    know is kept."""
    assert pc.p_text(0.0031, "en", 0.00017) == "p = 0.003 (± 0.0002)"
    assert pc.p_text(0.0031, "ru", 0.0) == "p = 0,003"
    assert pc.p_text(0.0002, "kk", 0.0001) == "p < 0,001"
    assert pc.note_text("something new; mixes a total with a rate", "ru") == (
        "something new и абсолютная величина сопоставлена с относительной")
    assert pc.note_text("", "ru") == "" and pc.note_text(float("nan"), "en") == ""


# --- the analysis plan, influence both ways, the cities, the report's specifications, power at corrected levels ---

def test_the_plan_file_declares_the_pairs_and_the_results_name_their_entry(tmp_path, results):
    import yaml

    plan = cs.load_plan()
    assert cs.PLAN_PATH.name == "correlation_plan.yml" and cs.PLAN_PATH.parent.name == "analysis"
    assert plan["families"]["report"]["role"] == "confirmatory"
    assert {f["role"] for n, f in plan["families"].items() if n != "report"} == {"exploratory"}
    assert (plan["alpha"], plan["method"]["monte_carlo_permutations"], plan["method"]["fisher_ci_min_n"]) == \
        (0.05, 100_000, 10)
    assert cs.N_PERM == 100_000 and cs.FISHER_MIN_N == 10
    assert {k for k, v in plan["scales"].items() if v["scale"] == "log"} == {
        "grp_per_capita_thousand_kzt", "population_density_per_km2", "air_emissions_thousand_tonnes"}
    assert all(v["reason"] for v in plan["scales"].values())
    assert [str(c["date"]) for c in plan["changes"]] == ["2026-11-30", "2026-12-07"]
    # every result row names its plan entry, and the entries cover the declaration exactly
    assert results["plan_entry"].notna().all()
    entries = {e["id"] for e in plan["entries"]}
    assert set(results["plan_entry"]) <= entries
    assert len(cs.PAIRS) == sum(len(e["pairs"]) if "pairs" in e else len(e["x"]) * len(e["y"]) for e in plan["entries"])
    assert (results.loc[results["family"] == "report", "plan_role"] == "confirmatory").all()
    assert (results.loc[results["family"] != "report", "plan_role"] == "exploratory").all()
    # the analysis reads the file: an edited plan declares other pairs, and a bad plan is refused with its key
    edited = yaml.safe_load(cs.PLAN_PATH.read_text(encoding="utf-8"))
    entry = next(e for e in edited["entries"] if e["id"] == "organisations_totals")
    entry["y"] = ["population_count"]
    pairs = cs._declare(edited)
    assert len(pairs) == len(cs.PAIRS) - 1
    assert not any(p.x == "organisations_count" and p.y == "air_emissions_thousand_tonnes" for p in pairs)
    bad = dict(edited, families={**edited["families"], "organisations": {"role": "maybe"}})
    path = tmp_path / "plan.yml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(cs.PlanError, match="plan.yml: families.organisations.role must be confirmatory"):
        cs.load_plan(path)
    del edited["changes"]
    path.write_text(yaml.safe_dump(edited), encoding="utf-8")
    with pytest.raises(cs.PlanError, match=r"plan.yml: key\(s\) changes missing"):
        cs.load_plan(path)


def test_the_plan_is_printed_with_its_reasons_and_changes():
    from vstudy import i18n

    en = str(pc.plan_markdown("en"))
    assert en.startswith("### The analysis plan")
    assert "- the report's pairs: confirmatory, 17 declared pairs" in en
    assert "- composition of volunteers: exploratory, 54 declared pairs" in en
    assert "- Air emissions, stationary sources, thousand tonnes: log scale — " in en
    assert "- 2026-11-30 (commit 97d431c): " in en and "- 2026-12-07: " in en and "Why: " in en
    # every scale and every change of the plan has its words in every language
    for lang in ("en", "ru", "kk"):
        for key in cs.PLAN["scales"]:
            assert i18n.has(lang, f"correlations.plan.scale_reason.{key}"), (lang, key)
        for change in cs.PLAN["changes"]:
            key = str(change["date"]).replace("-", "")
            assert i18n.has(lang, f"correlations.plan.change_text.d{key}")
            assert i18n.has(lang, f"correlations.plan.change_reason.d{key}")
    assert str(pc.plan_markdown("ru")).startswith("### План анализа")
    methods = pc.methods_paragraph("en")
    assert "as the report computed" not in methods and "without claiming it is the report's method" in methods
    assert "only by Holm's correction over the whole study" in methods and "shown only from n = 10" in methods
    assert "начиная с n = 10" in pc.methods_paragraph("ru") and "n = 10 бастап" in pc.methods_paragraph("kk")


def test_influence_both_ways_against_numpy(processed, results):
    """Leave-one-out r range and regions, the carries/masks flags, the largest Cook's distance and r without the
    cities, each recomputed here with numpy and statsmodels on the processed table."""
    import statsmodels.api as sm

    d = processed["regions_kz2021"].set_index("region_code")
    codes = list(d.index)

    def loo(x, y):
        return np.array([np.corrcoef(np.delete(x, i), np.delete(y, i))[0, 1] for i in range(len(x))])

    # removing Astana makes students × life expectancy stronger: −0.52 → −0.82; working: 0.58 → 0.80
    for x_key, r_all, r_best in (("vol_students_pct", -0.52, -0.82), ("vol_working_pct", 0.58, 0.80)):
        x, y = d[x_key].astype(float).to_numpy(), d["life_expectancy_years"].astype(float).to_numpy()
        r_wo = loo(x, y)
        row = _row(results, x_key, "life_expectancy_years")
        assert row["r"] == pytest.approx(r_all, abs=0.005)
        assert row["loo_r_min"] == pytest.approx(r_wo.min(), abs=1e-12)
        assert row["loo_r_max"] == pytest.approx(r_wo.max(), abs=1e-12)
        assert row["away_region"] == "KZ-71" and row["r_away"] == pytest.approx(r_best, abs=0.005)
        assert codes[int(np.argmax(np.abs(r_wo)))] == "KZ-71"
    # the largest Cook's distance, not the one of the region that moves r most: Pavlodar's 2.45, not Atyrau's 0.44
    row = _row(results, "organisations_per_100k", "grp_per_capita_thousand_kzt")
    x = d["organisations_per_100k"].astype(float).to_numpy()
    y = np.log(d["grp_per_capita_thousand_kzt"].astype(float).to_numpy())
    cooks = np.maximum(sm.OLS(y, sm.add_constant(x)).fit().get_influence().cooks_distance[0],
                       sm.OLS(x, sm.add_constant(y)).fit().get_influence().cooks_distance[0])
    assert row["cooks_d_max_region"] == codes[int(cooks.argmax())] == "KZ-55"
    assert row["cooks_d_max"] == pytest.approx(cooks.max(), rel=1e-9) and round(cooks.max(), 2) == 2.45
    assert row["influential_region"] == "KZ-23" and row["cooks_d_influential"] == pytest.approx(
        cooks[codes.index("KZ-23")], rel=1e-9) and round(row["cooks_d_influential"], 2) == 0.44
    # without the three cities (the gazetteer's kind "city")
    cities = cs.city_codes(codes)
    assert sorted(cities) == ["KZ-71", "KZ-75", "KZ-79"]
    keep = ~d.index.isin(cities)
    row = _row(results, "vol_students_pct", "unemployment_rate_pct")
    a = d.loc[keep, "vol_students_pct"].astype(float)
    b = d.loc[keep, "unemployment_rate_pct"].astype(float)
    ref = sps.pearsonr(a, b).statistic
    assert row["n_without_cities"] == 14 and row["r_without_cities"] == pytest.approx(ref, abs=1e-12)
    perm = sps.permutation_test((b.to_numpy(),), lambda v: abs(np.corrcoef(a.to_numpy(), v)[0, 1]),
                                permutation_type="pairings", n_resamples=5000, alternative="greater", random_state=4)
    assert row["p_without_cities"] == pytest.approx(perm.pvalue, abs=0.025)
    assert row["p_perm"] < 0.05 < row["p_without_cities"] and bool(row["changes_without_cities"])
    # masks: significant only without the region that moves r away from zero, recomputed by permutation
    row = _row(results, "vol_age_18_29_pct", "unemployment_rate_pct")
    assert bool(row["masked_by_one_region"]) and row["p_perm"] > 0.05 >= row["p_without_away"]
    others = d.index != row["away_region"]
    a = d.loc[others, "vol_age_18_29_pct"].astype(float).to_numpy()
    b = d.loc[others, "unemployment_rate_pct"].astype(float).to_numpy()
    assert row["r_away"] == pytest.approx(np.corrcoef(a, b)[0, 1], abs=1e-12)
    perm = sps.permutation_test((b,), lambda v: abs(np.corrcoef(a, v)[0, 1]), permutation_type="pairings",
                                n_resamples=5000, alternative="greater", random_state=5)
    assert row["p_without_away"] == pytest.approx(perm.pvalue, abs=0.02)


def test_report_coefficients_under_every_specification(processed, repo_root):
    published = pd.read_csv(repo_root / "data/raw/report_2021/correlations_published.csv")
    frame = cs.with_reconstructed_events(processed["regions_kz2021"], processed["event_counts_kz2021"])
    specs = cs.report_specifications(frame, published)
    assert set(specs["coef_id"]) == {"emissions_vs_eco_events", "events_vs_organisations"}
    assert list(specs["specification"].unique()) == list(cs.SPECIFICATIONS)
    d = frame.set_index("region_code")
    emis = d["air_emissions_thousand_tonnes"].astype(float)
    eco = d["eco_events_reconstructed_count"].astype(float)
    pop = d["population_count"].astype(float)
    towns = ~d.index.isin(["KZ-71", "KZ-75", "KZ-79"])
    expected = {"raw_pearson": sps.pearsonr(emis, eco).statistic, "raw_spearman": sps.spearmanr(emis, eco).statistic,
                "log_pearson": sps.pearsonr(np.log(emis), np.log(eco)).statistic,
                "per_100k_pearson": sps.pearsonr(emis / pop, eco / pop).statistic,
                "raw_pearson_without_cities": sps.pearsonr(emis[towns], eco[towns]).statistic}
    events = specs[specs["coef_id"] == "events_vs_organisations"].set_index("specification")
    ev, org = d["events_reconstructed_count"].astype(float), d["organisations_count"].astype(float)
    assert events.loc["per_100k_pearson", "r"] == pytest.approx(sps.pearsonr(ev / pop, org / pop).statistic,
                                                                  abs=1e-12)
    assert events.loc["log_pearson", "r"] == pytest.approx(sps.pearsonr(np.log(ev), np.log(org)).statistic,
                                                             abs=1e-12)
    got = specs[specs["coef_id"] == "emissions_vs_eco_events"].set_index("specification")
    for spec, r in expected.items():
        assert got.loc[spec, "r"] == pytest.approx(r, abs=1e-12), spec
    nearest = min(expected, key=lambda k: abs(expected[k] - 0.06))
    assert got["nearest"].sum() == 1 and got.loc[nearest, "nearest"] and nearest == "log_pearson"
    assert not (got["r"].round(2) == 0.06).any()  # no specification gives the published value
    res = cs.attach_specifications(cs.attach_published(cs.run_correlations(
        frame, families=["report"], n_boot=0, n_perm=200), published), specs)
    row = _row(res, "air_emissions_thousand_tonnes", "eco_events_count")
    assert row["nearest_specification"] == "log_pearson" and row["r_nearest_specification"] == pytest.approx(
        expected["log_pearson"], abs=1e-12)
    text = markdown(pc.report_text(res, "en", specs))
    assert ("published 0.06; 5 specifications tried (Pearson r on the raw values, Spearman's ρ on the raw values, "
            "Pearson r on the logarithms, Pearson r on counts per 100,000 population, and Pearson r on the raw values "
            "without the cities) give r from") in text
    assert "None of them is claimed to be the report's method." in text


def test_detectable_effect_at_the_corrected_levels(results):
    table = cs.detectable_effects(results).set_index(["test_family", "n"])
    comp = table.loc[("composition", 17)]
    assert comp["m_family"] == 12 and comp["r_detectable"] == pytest.approx(0.620, abs=5e-4)
    # the level Holm's first step needs (alpha / m): the detectable |ρ| is where the exact power reaches 0.8 ...
    for level, value in ((0.05 / 12, comp["r_detectable_family"]), (0.05 / 22, comp["r_detectable_study"])):
        assert stats.r_power(value, 17, level) == pytest.approx(0.8, abs=1e-6)
        # ... and the Fisher-z approximation, computed here, lands within 0.02 of it
        z = (sps.norm.ppf(1 - level / 2) + sps.norm.ppf(0.8)) / math.sqrt(14)
        assert value == pytest.approx(math.tanh(z), abs=0.02)
    assert round(comp["r_detectable_family"], 2) == 0.75 and round(comp["r_detectable_study"], 2) == 0.78
    subsets = table.loc["subsets"]
    assert sorted(subsets.index) == [6, 7]
    assert 0.93 < subsets["r_detectable_family"].min() < subsets["r_detectable_family"].max() < 0.97
    text = markdown(pc.power_text(17, 0.05, "en", results=results))
    assert "0.75 within composition of volunteers (12 findings)" in text
    assert "and 0.78 over all 22 full-sample findings of the study" in text
    assert "On the subsets of 6 to 7 regions, corrected among 8 findings, it is 0.94 to 0.96." in text
