"""The correlation study's declaration and its run on region-level values assembled from data/raw."""

from __future__ import annotations

import math

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


# --- the study on the processed 2021 layer -------------------------------------------------------------------

@pytest.fixture(scope="module")
def processed(processed_2021) -> dict[str, pd.DataFrame]:
    from vstudy.data import processed as layer

    names = ("regions_kz2021", "organisations_kz2021", "event_directions_kz2021", "event_counts_kz2021",
             "headline_figures", "event_directions_national_corrected")
    return {name: layer.read_table(name, processed_2021) for name in names}


@pytest.fixture(scope="module")
def results(processed) -> pd.DataFrame:
    frame = cs.with_reconstructed_events(processed["regions_kz2021"], processed["event_counts_kz2021"])
    return cs.run_correlations(frame, n_boot=200, n_perm=5000, seed=7)


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
    text = markdown(pc.findings_text(results, 0.05, "en"))
    assert "Pavlodar Region" in text and "rest on one region" in text
    ru = markdown(pc.findings_text(results, 0.05, "ru"), lang="ru")
    assert "(Павлодарская область)" in ru and "держатся на одном регионе" in ru
    r_ru = f"{row['r']:.2f}".replace(".", ",")
    assert f"r = {r_ru} (p = " in ru and "Pavlodar" not in ru
    # a rate against a total is not declared in the study's own families
    assert not ((results["x"] == "organisations_per_100k") & (results["y"] == "air_emissions_thousand_tonnes")
                & (results["family"] != "report")).any()


def test_shared_denominator_is_in_the_null(processed, results):
    d = processed["regions_kz2021"]
    counts, pop = d["organisations_count"].astype(float).to_numpy(), d["population_count"].astype(float).to_numpy()
    row = _row(results, "organisations_per_100k", "population_count")
    assert row["null"] == "shared denominator"
    assert row["r"] == pytest.approx(-0.377, abs=5e-4)
    rng = np.random.default_rng(11)
    sim = np.array([np.corrcoef(rng.permutation(counts) / pop, pop)[0, 1] for _ in range(20000)])
    assert row["r_null_mean"] == pytest.approx(sim.mean(), abs=0.01)
    assert row["r_null_mean"] == pytest.approx(-0.36, abs=0.01)
    expected = 2 * min(np.mean(sim <= row["r"]), np.mean(sim >= row["r"]))
    assert row["p_perm"] == pytest.approx(min(1.0, expected), abs=0.03)
    assert row["p_perm"] > 0.5  # the observed −0.38 is the artefact, not a finding


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
    maxes = np.array([max(abs(np.corrcoef(shares[:, k], yp)[0, 1]) for k in range(4))
                      for yp in (rng.permutation(y) for _ in range(5000))])
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


def test_supplied_volunteers_join_the_families(tmp_path_factory, repo_root):
    """Issue 11: a dataset with volunteer counts gets them against population, quality of life and organisations;
    r on the declared scale equals scipy's, for both methods."""
    from vstudy.data import processed as layer

    out = tmp_path_factory.mktemp("processed_kz2022")
    layer.prepare_for_build(repo_root / "tests" / "fixtures" / "kz2022_dataset", out, "kz2022")
    frame = layer.read_table("regions_kz2022", out)
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
    assert f"|ρ| = {detect:.2f}" in power and "17 regions" in power
    assert "20 regions" in markdown(pc.power_text(20, 0.05, "en"))
    ru = markdown(pc.power_text(17, 0.05, "ru"), lang="ru")
    assert f"|ρ| = {detect:.2f}".replace(".", ",") in ru and "При 17 регионах" in ru and "уровне 0,05" in ru
    assert "При 21 регионе" in markdown(pc.power_text(21, 0.05, "ru"), lang="ru")
    report = pc.report_text(cs.attach_published(results, None), "en")
    text = markdown(report)
    assert text.startswith("2 of the report's 17 pairs")
    assert "need per-region volunteer counts" in text
    ru = markdown(pc.report_text(cs.attach_published(results, None), "ru"), lang="ru")
    assert ru.startswith("Из 17 пар отчёта по этому набору данных можно пересчитать 2")
    assert "95-процентный ДИ от " in ru and "численность волонтёров по регионам" in ru
    assert markdown(pc.published_text(None, 0.05, "en")).startswith("This dataset carries no published")
    assert markdown(pc.published_text(None, 0.05, "ru"), lang="ru").startswith("В этом наборе данных нет")
    method = markdown(pc.method_text(0.05, "en"))
    assert f"n = {stats.EXACT_MAX_N}" in method and f"n = {stats.BOOTSTRAP_MIN_N}" in method
    method = markdown(pc.method_text(0.05, "ru"), lang="ru")
    assert f"при n до {stats.EXACT_MAX_N}" in method and f"начиная с n = {stats.BOOTSTRAP_MIN_N}" in method
    assert "20,000 random permutations" in markdown(pc.method_text(0.05, "en"))
    assert "по 20\u202f000 случайным перестановкам" in markdown(pc.method_text(0.05, "ru"), lang="ru")


def test_published_coefficients_in_both_languages(repo_root, frame):
    published = pd.read_csv(repo_root / "data" / "raw" / "report_2021" / "correlations_published.csv")
    family = cs.published_family(published, len(frame), 0.05)
    strongest = family.loc[family["r_published"].abs().idxmax()]
    en = markdown(pc.published_text(family, 0.05, "en"))
    ru = markdown(pc.published_text(family, 0.05, "ru"), lang="ru")
    k = int(family["significant_raw"].sum())
    assert f"Of the {len(family)} published coefficients, {k} differ" in en
    assert f"Из {len(family)} опубликованных коэффициентов {k} по отдельности" in ru
    assert "volunteers_vs_organisations" not in en + ru  # coefficients are named by their variables
    assert f"r = {strongest['r_published']:.2f}".replace(".", ",") in ru
    readings = pc.localized(family, "ru")["reading"]
    assert readings.str.contains("отличается от 0").all() and not readings.str.contains("different").any()


def test_notes_and_flags_for_the_reader(results):
    """The notes the analysis writes (English, for the CSV) read as sentences in either edition; every variable's
    missing and subset notes have their Russian twins."""
    for var in cs.VARIABLES:
        assert not var.missing_note or var.key in pc.MISSING_NOTES_RU, var.key
        assert not var.subset_note or var.key in pc.SUBSET_NOTES_RU, var.key
    report = cs.report_table(results)
    for lang in ("en", "ru"):
        notes = pc.localized(report, lang)["note"]
        assert not notes.str.contains(r"\b[a-z]+_[a-z_]+_count\b not in").any()
    ru = pc.localized(cs.findings_table(results, subsets=True), "ru")["flags"]
    assert ru.str.startswith("часть регионов: ").all() and not ru.str.contains("regions").any()
    assert pc.note_text("subset: 6 of 17 regions (only the regions whose quarterly wage regional news items named)",
                        "ru") == "часть регионов: 6 из 17 (" + pc.SUBSET_NOTES_RU["avg_monthly_wage_q4_kzt"] + ")"


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


def test_signed_numbers_and_unknown_notes():
    """A coefficient keeps its true minus sign in both editions; a note part the prose does not know is kept."""
    from vstudy.present.text import md_in

    assert md_in("en", "r = {r:.2f}", r=pc.signed(-0.456)) == "r = −0.46"
    assert md_in("ru", "r = {r:.2f}", r=pc.signed(-0.456)) == "r = −0,46"
    assert pc.note_text("something new; mixes a total with a rate", "ru") == (
        "something new; абсолютная величина сопоставлена с относительной")
    assert pc.note_text("", "ru") == "" and pc.note_text(float("nan"), "en") == ""
