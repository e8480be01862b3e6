"""Tests for vstudy.analysis.stats against independent computations (scipy, statsmodels, numpy, enumeration, simulation)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from vstudy.analysis import stats as S


def _sample(n: int, rho: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xy = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=n)
    return xy[:, 0], xy[:, 1]


# ------------------------------------------------------------------ Fisher CI and p-value
def test_fisher_ci_hand_computed_r055_n17():
    r, n = 0.55, 17
    z, se, crit = math.atanh(r), 1 / math.sqrt(n - 3), sps.norm.ppf(0.975)
    expected = (math.tanh(z - crit * se), math.tanh(z + crit * se))
    assert S.fisher_ci(r, n) == pytest.approx(expected, abs=1e-12)
    # 90% interval uses z_{0.95}
    crit90 = sps.norm.ppf(0.95)
    assert S.fisher_ci(r, n, alpha=0.10) == pytest.approx(
        (math.tanh(z - crit90 * se), math.tanh(z + crit90 * se)), abs=1e-12)


def test_fisher_ci_spearman_bonett_wright():
    r, n = -0.5, 7
    se = math.sqrt((1 + r**2 / 2) / (n - 3))
    crit = sps.norm.ppf(0.975)
    expected = (math.tanh(math.atanh(r) - crit * se), math.tanh(math.atanh(r) + crit * se))
    assert S.fisher_ci(r, n, method="spearman") == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("n", "rho", "seed"), [(17, 0.55, 1), (17, -0.5, 2), (7, 0.3, 3), (6, 0.0, 4), (40, 0.8, 5)])
def test_pearson_matches_scipy_p_and_ci(n, rho, seed):
    x, y = _sample(n, rho, seed)
    ref = sps.pearsonr(x, y)
    ci = ref.confidence_interval(confidence_level=0.95)
    res = S.correlate(x, y, n_boot=0, n_perm=0)
    assert res.r == pytest.approx(ref.statistic, abs=1e-12)
    assert res.p == pytest.approx(ref.pvalue, abs=1e-10)
    assert S.r_pvalue(ref.statistic, n) == pytest.approx(ref.pvalue, abs=1e-10, rel=1e-9)
    assert S.fisher_ci(ref.statistic, n) == pytest.approx((ci.low, ci.high), abs=1e-10)
    if n >= S.FISHER_MIN_N:
        assert (res.ci_low, res.ci_high) == pytest.approx((ci.low, ci.high), abs=1e-10)
    else:  # no Fisher interval below the stated n (as for the bootstrap); the formula itself still works
        assert math.isnan(res.ci_low) and math.isnan(res.ci_high)
        assert f"no Fisher interval below n = {S.FISHER_MIN_N}" in res.note
        low = S.correlate(x, y, n_boot=0, n_perm=0, ci_min_n=0)
        assert (low.ci_low, low.ci_high) == pytest.approx((ci.low, ci.high), abs=1e-10)


def test_spearman_matches_scipy_p():
    x, y = _sample(12, 0.4, 11)
    ref = sps.spearmanr(x, y)
    res = S.correlate(x, y, method="spearman", n_boot=0, n_perm=0)
    assert res.r == pytest.approx(ref.statistic, abs=1e-12)
    assert res.p == pytest.approx(ref.pvalue, abs=1e-10)
    assert (res.ci_low, res.ci_high) == pytest.approx(S.fisher_ci(ref.statistic, 12, method="spearman"))


def test_small_n_edge_cases():
    assert all(math.isnan(v) for v in S.fisher_ci(0.5, 3))
    assert math.isnan(S.r_pvalue(0.5, 2))
    assert math.isnan(S.r_power(0.5, 3))
    assert S.r_pvalue(1.0, 10) == 0.0
    assert S.fisher_ci(1.0, 10) == (1.0, 1.0)
    lo, hi = S.fisher_ci(np.array([0.1, np.nan, 0.5]), np.array([17, 17, 2]))
    assert np.isfinite(lo[0]) and np.isnan(lo[1]) and np.isnan(hi[2])
    with pytest.raises(ValueError):
        S.fisher_ci(1.2, 10)


@settings(max_examples=200, deadline=None)
@given(r=st.floats(-0.999, 0.999), n=st.integers(4, 500), alpha=st.sampled_from([0.01, 0.05, 0.1]))
def test_fisher_ci_contains_r_and_is_in_unit_interval(r, n, alpha):
    for method in ("pearson", "spearman"):
        lo, hi = S.fisher_ci(r, n, alpha, method)
        assert -1 <= lo <= r <= hi <= 1
    # a narrower confidence level gives a nested interval
    lo90, hi90 = S.fisher_ci(r, n, 0.10)
    lo99, hi99 = S.fisher_ci(r, n, 0.01)
    assert lo99 <= lo90 and hi90 <= hi99
    # p <= alpha exactly when the interval excludes 0 is not guaranteed (t test vs z interval), but
    # the p-value must be a probability
    assert 0 <= S.r_pvalue(r, n) <= 1


# ------------------------------------------------------------------ power
def _simulated_power(rho: float, n: int, reps: int = 20000, seed: int = 12345) -> float:
    """Share of bivariate normal samples (true correlation rho) where the exact t test rejects at 5%."""
    rng = np.random.default_rng(seed)
    z1 = rng.standard_normal((reps, n))
    z2 = rng.standard_normal((reps, n))
    x, y = z1, rho * z1 + math.sqrt(1 - rho**2) * z2
    xc, yc = x - x.mean(1, keepdims=True), y - y.mean(1, keepdims=True)
    r = (xc * yc).sum(1) / np.sqrt((xc**2).sum(1) * (yc**2).sum(1))
    t = r * np.sqrt((n - 2) / (1 - r**2))
    return float(np.mean(2 * sps.t.sf(np.abs(t), n - 2) < 0.05))  # the test pearsonr performs


def test_exact_power_pinned_against_simulation():
    # rho = 0.55 at n = 17: exact 0.665 (the Fisher-z approximation gave 0.638); 200,000 simulated samples
    # have a standard error of 0.001.
    exact = S.r_power(0.55, 17)
    assert round(exact, 3) == 0.665
    assert exact == pytest.approx(_simulated_power(0.55, 17, reps=200_000, seed=2021), abs=0.004)
    z = math.atanh(0.55) * math.sqrt(14)
    fisher = sps.norm.cdf(z - sps.norm.ppf(0.975)) + sps.norm.cdf(-z - sps.norm.ppf(0.975))
    assert round(fisher, 3) == 0.638 and exact - fisher > 0.02


@pytest.mark.parametrize(("rho", "n"), [(0.3, 17), (0.7, 10), (0.8, 7), (-0.5, 6), (0.3, 40)])
def test_exact_power_against_simulation(rho, n):
    assert S.r_power(rho, n) == pytest.approx(_simulated_power(rho, n, reps=60_000, seed=n), abs=0.008)


def test_density_of_r_is_a_density_and_the_null_of_the_t_test():
    from scipy import integrate

    for rho, n in ((0.55, 17), (-0.9, 5), (0.0, 4), (0.3, 60)):
        assert integrate.quad(S.r_density, -1, 1, args=(rho, n))[0] == pytest.approx(1.0, abs=1e-8)
    r = np.linspace(-0.95, 0.95, 9)
    null = sps.beta(17 / 2 - 1, 17 / 2 - 1, loc=-1, scale=2).pdf(r)  # scipy.stats.pearsonr's null distribution
    assert S.r_density(r, 0.0, 17) == pytest.approx(null, rel=1e-9)


def test_power_at_null_is_alpha_and_monotone():
    assert S.r_power(0.0, 17) == pytest.approx(0.05, abs=1e-9)
    pw = S.r_power(0.4, np.arange(5, 60))
    assert np.all(np.diff(pw) > 0)
    assert S.r_power(-0.4, 30) == pytest.approx(S.r_power(0.4, 30))
    assert math.isnan(S.r_power(0.5, 3))


def test_detectable_r_and_n_for_power():
    d = S.detectable_r(17)
    assert round(d, 2) == 0.62  # not the 0.63 of the Fisher-z formula
    assert round(math.tanh((sps.norm.ppf(0.975) + sps.norm.ppf(0.8)) / math.sqrt(14)), 2) == 0.63
    assert S.r_power(d, 17) == pytest.approx(0.8, abs=1e-7)
    assert _simulated_power(d, 17, reps=100_000, seed=7) == pytest.approx(0.8, abs=0.006)
    assert math.isnan(S.detectable_r(3))
    # r = 0.3, 80 % power, alpha 0.05: 84 by the exact test (G*Power's value; the Fisher-z formula rounds to 85)
    n = S.n_for_power(0.3, power=0.8, alpha=0.05)
    assert n == 84
    assert S.r_power(0.3, n) >= 0.8 > S.r_power(0.3, n - 1)
    assert S.n_for_power(-0.3) == 84


# ------------------------------------------------------------------ multiplicity
@pytest.mark.parametrize("method,sm_method", [("holm", "holm"), ("bh", "fdr_bh"), ("by", "fdr_by")])
def test_adjust_matches_statsmodels(method, sm_method):
    rng = np.random.default_rng(7)
    p = np.concatenate([rng.uniform(0, 0.05, 5), rng.uniform(0, 1, 12), [0.01, 0.01, 1.0]])
    ref = multipletests(p, method=sm_method)[1]
    assert S.adjust_pvalues(p, method) == pytest.approx(ref, abs=1e-14)


def test_adjust_nan_aware_and_series():
    p = pd.Series([0.01, np.nan, 0.04, 0.03, np.nan], index=list("abcde"))
    out = S.adjust_pvalues(p, "holm")
    assert isinstance(out, pd.Series) and list(out.index) == list("abcde")
    assert out.isna().tolist() == [False, True, False, False, True]
    ref = multipletests(p.dropna().to_numpy(), method="holm")[1]  # m = 3, not 5
    assert out.dropna().to_numpy() == pytest.approx(ref)
    assert np.all(np.isnan(S.adjust_pvalues([np.nan, np.nan], "bh")))
    with pytest.raises(ValueError):
        S.adjust_pvalues([0.1], "bonferroni")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(0, 1), st.just(float("nan"))), min_size=1, max_size=30))
def test_adjust_properties(p):
    p = np.array(p)
    holm, bh, by = S.adjust_pvalues(p, "holm"), S.adjust_pvalues(p, "bh"), S.adjust_pvalues(p, "by")
    ok = ~np.isnan(p)
    assert np.array_equal(np.isnan(holm), ~ok) and np.array_equal(np.isnan(bh), ~ok)
    eps = 1e-12
    assert np.all(holm[ok] >= p[ok] - eps) and np.all(bh[ok] >= p[ok] - eps)
    assert np.all(holm[ok] <= 1) and np.all(bh[ok] <= 1)
    assert np.all(holm[ok] >= bh[ok] - eps)
    if ok.any():
        # Holm by its definition, written out in O(m^2) (statsmodels' holm is too slow for 200 examples;
        # it is checked against statsmodels in test_adjust_matches_statsmodels)
        q = np.sort(p[ok])
        m = q.size
        holm_def = [max(min(1.0, (m - j) * q[j]) for j in range(i + 1)) for i in range(m)]
        assert np.sort(holm[ok]) == pytest.approx(holm_def, abs=1e-12)
        assert bh[ok] == pytest.approx(multipletests(p[ok], method="fdr_bh")[1], abs=1e-12)
        assert by[ok] == pytest.approx(multipletests(p[ok], method="fdr_by")[1], abs=1e-12)
        assert np.all(by[ok] >= bh[ok] - eps)


# ------------------------------------------------------------------ published coefficients
def test_published_family():
    pub = pd.DataFrame({
        "coef_id": ["orgs", "csi", "wage", "emis", "missing", "small"],
        "r_published": [0.55, -0.50, -0.27, 0.49, np.nan, 0.9],
        "n": [np.nan, 7, np.nan, np.nan, np.nan, 5],
    })
    out = S.published_family(pub)
    assert out["n"].tolist() == [17, 7, 17, 17, 17, 5]
    lo, hi = S.fisher_ci(0.55, 17)
    assert (out.loc[0, "ci_low"], out.loc[0, "ci_high"]) == pytest.approx((lo, hi))
    assert out.loc[1, "p"] == pytest.approx(sps.pearsonr(*_with_r(-0.5, 7)).pvalue, abs=1e-9)
    assert out.loc[0, "r_detectable"] == pytest.approx(S.detectable_r(17))
    assert "power" not in out.columns  # no observed power
    # family of 5 non-missing p-values
    ok = out["p"].notna()
    assert ok.sum() == 5
    assert out.loc[ok, "p_holm"].to_numpy() == pytest.approx(multipletests(out.loc[ok, "p"], method="holm")[1])
    assert out.loc[ok, "p_by"].to_numpy() == pytest.approx(multipletests(out.loc[ok, "p"], method="fdr_by")[1])
    assert out.loc[0, "significant_raw"] and not out.loc[0, "significant_holm"]
    assert not out.loc[2, "significant_raw"]
    assert pd.isna(out.loc[4, "significant_raw"])
    assert out.loc[2, "reading"].startswith("r = −0.27 at n=17: not distinguishable from 0")
    assert "95% CI −0.66 to 0.24" in out.loc[2, "reading"]
    assert "not assessable" in out.loc[4, "reading"]
    for col in ("ci_low", "ci_high", "p", "p_holm", "p_by", "significant_raw", "significant_holm",
                "significant_by", "reading", "r_detectable"):
        assert col in out.columns
    # the input is not modified
    assert "p" not in pub.columns


def _with_r(r: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A sample of n pairs whose Pearson r is exactly r (x and a residual orthogonal to it)."""
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n)
    x = (x - x.mean()) / np.linalg.norm(x - x.mean())
    e = rng.standard_normal(n)
    e -= e.mean()
    e -= (e @ x) * x
    e /= np.linalg.norm(e)
    return x, r * x + math.sqrt(1 - r * r) * e


# ------------------------------------------------------------------ correlate: missing data, degenerate cases
def test_pairwise_missing_values_and_n():
    x, y = _sample(17, 0.5, 21)
    xm = pd.Series(x).astype("Float64")
    xm[[0, 5]] = pd.NA
    ym = list(y)
    ym[9] = None
    ym[5] = float("nan")  # same row as an x gap: counted once
    res = S.correlate(xm, ym, n_boot=50, n_perm=50)
    keep = np.ones(17, bool)
    keep[[0, 5, 9]] = False
    assert res.n == 14
    assert res.r == pytest.approx(sps.pearsonr(x[keep], y[keep]).statistic)
    assert res.p == pytest.approx(sps.pearsonr(x[keep], y[keep]).pvalue)


def test_too_few_pairs_returns_nan_with_note():
    res = S.correlate([1, 2, 3, np.nan, 5], [2, 1, 4, 5, np.nan])
    assert res.n == 3 and math.isnan(res.r) and math.isnan(res.p) and math.isnan(res.ci_low)
    assert "n=3" in res.note


def test_constant_variable_returns_nan_with_note():
    res = S.correlate([1, 2, 3, 4, 5, 6], [2, 2, 2, 2, 2, 2], method="spearman")
    assert res.n == 6 and math.isnan(res.r) and math.isnan(res.p_perm) and math.isnan(res.boot_low)
    assert "constant" in res.note and "y" in res.note


def test_length_mismatch_raises():
    with pytest.raises(ValueError):
        S.correlate([1, 2, 3, 4], [1, 2, 3])


# ------------------------------------------------------------------ permutation p
def _exact_perm_p(x, y):
    r_obs = np.corrcoef(x, y)[0, 1]
    rs = [np.corrcoef(x, np.asarray(y)[list(pi)])[0, 1] for pi in itertools.permutations(range(len(x)))]
    return np.mean(np.abs(rs) >= abs(r_obs) - 1e-12)


def test_exact_permutation_n5_matches_enumeration():
    x = np.array([1.0, 2.5, 2.0, 4.0, 7.0])
    y = np.array([0.3, 1.0, 2.2, 1.5, 3.0])
    res = S.correlate(x, y, n_boot=0, n_perm=0)  # n <= EXACT_MAX_N: exact, whatever n_perm says
    assert res.perm_exact and res.n_perm_used == 120
    assert res.p_perm == pytest.approx(_exact_perm_p(x, y), abs=1e-15)
    assert S.permutation_p(x, y).p == pytest.approx(res.p_perm, abs=1e-15)
    # Spearman: enumeration on ranks
    rs = S.correlate(x, y, method="spearman", n_boot=0)
    assert rs.p_perm == pytest.approx(_exact_perm_p(sps.rankdata(x), sps.rankdata(y)), abs=1e-15)
    # Monte Carlo with the +1 correction converges to the exact value
    mc = S.correlate(x, y, n_boot=0, n_perm=20000, exact_perm=False, seed=3)
    assert not mc.perm_exact and mc.p_perm == pytest.approx(res.p_perm, abs=0.015)


def test_exact_spearman_p_at_n6_is_not_the_t_approximation():
    # rho = 0.943 at n = 6 (one adjacent swap): exact p = 12/720 = 0.0167; scipy's t approximation says 0.0048.
    x = np.arange(6.0)
    y = np.array([1.0, 0.0, 2.0, 3.0, 4.0, 5.0])
    res = S.correlate(x, y, "spearman", n_boot=0)
    assert res.r == pytest.approx(0.943, abs=5e-4)
    assert round(res.p, 4) == 0.0167 and res.p == res.p_perm and res.perm_exact
    assert round(float(sps.spearmanr(x, y).pvalue), 4) == 0.0048
    # independent computations: scipy's exact permutation test, and brute force over all 720 orders
    ref = sps.permutation_test((x,), lambda v: sps.spearmanr(v, y).statistic, permutation_type="pairings",
                               n_resamples=np.inf, alternative="two-sided")
    assert res.p == pytest.approx(ref.pvalue, abs=1e-12)
    brute = np.mean([abs(sps.spearmanr(x, y[list(pi)]).statistic) >= 0.943 - 1e-3
                     for pi in itertools.permutations(range(6))])
    assert res.p == pytest.approx(brute, abs=1e-12)


def test_n7_enumerates_all_5040_permutations():
    x, y = _sample(7, 0.6, 31)
    res = S.correlate(x, y, n_boot=0, n_perm=5000)  # 7! = 5,040 > n_perm, still exact
    assert res.perm_exact and res.n_perm_used == 5040
    assert res.p_perm == pytest.approx(_exact_perm_p(x, y), abs=1e-12)


def test_perfect_correlation_permutation_p():
    x = np.arange(5.0)
    assert S.correlate(x, 2 * x + 1, n_boot=0).p_perm == pytest.approx(2 / 120)  # identity and reversal
    x8 = np.arange(8.0)
    exact = S.correlate(x8, x8**3, method="spearman", n_boot=0)
    assert exact.perm_exact and exact.p_perm == pytest.approx(2 / math.factorial(8))
    n_perm = 2000
    x12 = np.arange(12.0)
    mc = S.correlate(x12, -x12, n_boot=0, n_perm=n_perm)  # n > EXACT_MAX_N -> Monte Carlo
    assert not mc.perm_exact
    assert 1 / (n_perm + 1) <= mc.p_perm <= 4 / (n_perm + 1)
    with pytest.raises(ValueError):
        S.correlate(np.arange(10.0), np.arange(10.0), n_boot=0, exact_perm=True)


def test_ratio_null_keeps_the_shared_denominator():
    rng = np.random.default_rng(5)
    n = 7
    counts = rng.integers(20, 400, n).astype(float)
    pop = rng.integers(500_000, 2_000_000, n).astype(float)
    rate = 1e5 * counts / pop
    res = S.ratio_permutation_p(counts, pop, pop, scale=1e5)
    # brute force over the 5,040 orders of the numerators
    r_obs = np.corrcoef(rate, pop)[0, 1]
    null = np.array([np.corrcoef(1e5 * counts[list(pi)] / pop, pop)[0, 1]
                     for pi in itertools.permutations(range(n))])
    expected = min(1.0, 2 * min(np.mean(null <= r_obs + 1e-12), np.mean(null >= r_obs - 1e-12)))
    assert res.exact and res.n_used == 5040 and res.null == "shared denominator"
    assert res.p == pytest.approx(expected, abs=1e-12)
    assert res.null_mean == pytest.approx(null.mean(), abs=1e-12)
    assert res.null_mean < -0.1  # the denominator alone makes rate and population correlate negatively
    # with a transform (log of the rate) and Spearman on a larger n: Monte Carlo against a numpy simulation
    n = 17
    counts = rng.integers(20, 400, n).astype(float)
    pop = rng.integers(500_000, 2_000_000, n).astype(float)
    mc = S.ratio_permutation_p(counts, pop, pop, "spearman", transform=np.log, scale=1e5, n_perm=20000, seed=1)
    # Spearman's ρ of each simulated row: Pearson r of the ranks (scipy's definition), all 4,000 rows at once
    ranks = sps.rankdata(np.log(1e5 * np.array([rng.permutation(counts) for _ in range(4000)]) / pop), axis=1)
    ranks, pop_ranks = ranks - ranks.mean(axis=1, keepdims=True), sps.rankdata(pop) - sps.rankdata(pop).mean()
    sim = (ranks @ pop_ranks) / np.sqrt((ranks * ranks).sum(axis=1) * (pop_ranks @ pop_ranks))
    assert not mc.exact and mc.null_mean == pytest.approx(np.mean(sim), abs=0.02)


def test_linked_set_maxT_matches_enumeration():
    rng = np.random.default_rng(9)
    n = 6
    raw = rng.dirichlet(np.ones(3), n) * 100  # three shares summing to 100 in each region
    y = rng.normal(size=n) + raw[:, 0] / 30
    res = S.linked_set_pvalues(raw, y)
    r_obs = np.array([np.corrcoef(raw[:, k], y)[0, 1] for k in range(3)])
    maxes = np.array([max(abs(np.corrcoef(raw[:, k], y[list(pi)])[0, 1]) for k in range(3))
                      for pi in itertools.permutations(range(n))])
    expected = [np.mean(maxes >= abs(r) - 1e-12) for r in r_obs]
    assert res.exact and res.n == n
    assert res.r == pytest.approx(r_obs, abs=1e-12)
    assert res.p_adjusted == pytest.approx(expected, abs=1e-12)
    assert res.p_set == pytest.approx(min(expected))
    # a member's maxT p is never below its own permutation p
    for k in range(3):
        assert res.p_adjusted[k] >= S.permutation_p(raw[:, k], y).p - 1e-12


def test_cooks_distance_matches_statsmodels():
    import statsmodels.api as sm

    x, y = _sample(17, 0.4, 12)
    x[3] = np.nan
    d = S.cooks_distance(x, y)
    ok = np.isfinite(x)
    ref = sm.OLS(y[ok], sm.add_constant(x[ok])).fit().get_influence().cooks_distance[0]
    assert np.isnan(d[3]) and d[ok] == pytest.approx(ref, rel=1e-10)


# ------------------------------------------------------------------ bootstrap
def test_bootstrap_deterministic_and_independent_streams():
    x, y = _sample(17, 0.5, 8)
    a = S.correlate(x, y, n_boot=300, n_perm=300, seed=42)
    b = S.correlate(x, y, n_boot=300, n_perm=300, seed=42)
    c = S.correlate(x, y, n_boot=300, n_perm=300, seed=43)
    d = S.correlate(x, y, n_boot=300, n_perm=999, seed=42)
    assert a == b
    assert (a.boot_low, a.boot_high) != (c.boot_low, c.boot_high)
    assert (d.boot_low, d.boot_high) == (a.boot_low, a.boot_high)  # n_perm does not move the bootstrap
    assert a.boot_low < a.r < a.boot_high
    assert a.n_boot_valid == 300 and a.n_boot_degenerate == 0


def test_bootstrap_percentile_matches_manual_resampling():
    x, y = _sample(10, 0.6, 9)
    res = S.correlate(x, y, n_boot=400, n_perm=0, seed=5)
    boot_ss, _ = np.random.SeedSequence(5).spawn(2)
    idx = np.random.default_rng(boot_ss).integers(0, 10, size=(400, 10))
    rs = [np.corrcoef(x[i], y[i])[0, 1] for i in idx if np.ptp(x[i]) > 0 and np.ptp(y[i]) > 0]
    assert (res.boot_low, res.boot_high) == pytest.approx(tuple(np.quantile(rs, [0.025, 0.975])), abs=1e-12)


def test_bootstrap_degenerate_resamples_counted():
    x = np.array([1.0] * 9 + [2.0])  # a resample without the one 2 has a constant x (P = 0.9^10 = 0.35)
    y = np.arange(10.0)
    res = S.correlate(x, y, n_boot=500, n_perm=0, seed=1)
    assert res.n_boot_degenerate > 100
    assert res.n_boot_valid + res.n_boot_degenerate == 500
    assert "degenerate" in res.note


def test_no_bootstrap_below_the_stated_n():
    x, y = _sample(S.BOOTSTRAP_MIN_N - 1, 0.9, 3)
    res = S.correlate(x, y, n_boot=500)
    assert math.isnan(res.boot_low) and res.n_boot_valid == 0
    assert f"below n = {S.BOOTSTRAP_MIN_N}" in res.note
    x, y = _sample(S.BOOTSTRAP_MIN_N, 0.9, 3)
    assert math.isfinite(S.correlate(x, y, n_boot=500).boot_low)


# ------------------------------------------------------------------ leave-one-out
def test_leave_one_out_outlier_drives_r():
    rng = np.random.default_rng(4)
    x = np.append(rng.normal(size=9), 10.0)
    y = np.append(rng.normal(size=9), 10.0)
    labels = [f"R{i}" for i in range(9)] + ["Outlier"]
    loo = S.leave_one_out(x, y, labels, "pearson")
    assert list(loo.columns) == ["label", "n", "r_full", "r_without", "change"]
    assert len(loo) == 10 and (loo["n"] == 9).all()
    r_wo = sps.pearsonr(x[:9], y[:9]).statistic
    assert loo.loc[loo["label"] == "Outlier", "r_without"].item() == pytest.approx(r_wo)
    top = S.most_influential(loo)
    assert top["label"] == "Outlier"
    assert top["r_without"] == pytest.approx(r_wo)
    assert top["change"] == pytest.approx(r_wo - sps.pearsonr(x, y).statistic)
    assert top["change"] < -0.5


def test_leave_one_out_skips_missing_pairs():
    x = [1.0, 2.0, np.nan, 4.0, 5.0, 7.0]
    y = [1.0, 3.0, 2.0, 2.0, 6.0, 5.0]
    loo = S.leave_one_out(x, y, list("abcdef"), "spearman")
    assert loo["label"].tolist() == list("abdef")
    expected = sps.spearmanr([1.0, 4.0, 5.0, 7.0], [1.0, 2.0, 6.0, 5.0]).statistic
    assert loo.loc[loo["label"] == "b", "r_without"].item() == pytest.approx(expected)


# ------------------------------------------------------------------ partial correlation
def _resid(v, Z):
    Z1 = np.column_stack([np.ones(len(v)), Z])
    return v - Z1 @ np.linalg.lstsq(Z1, v, rcond=None)[0]


def test_partial_correlation_matches_residual_method():
    rng = np.random.default_rng(10)
    n = 17
    z1, z2 = rng.normal(size=n), rng.normal(size=n)
    x = z1 + 0.5 * rng.normal(size=n)
    y = z1 - z2 + 0.5 * x + rng.normal(size=n)
    df = pd.DataFrame({"x": x, "y": y, "z1": z1, "z2": z2})
    df.loc[3, "z2"] = np.nan
    res = S.partial_correlation(df, "x", "y", ["z1", "z2"])
    d = df.dropna()
    k = 2
    r_ref = np.corrcoef(_resid(d.x.to_numpy(), d[["z1", "z2"]].to_numpy()),
                        _resid(d.y.to_numpy(), d[["z1", "z2"]].to_numpy()))[0, 1]
    dfree = len(d) - 2 - k
    t = r_ref * math.sqrt(dfree / (1 - r_ref**2))
    assert res.n == 16 and res.k == 2
    assert res.r == pytest.approx(r_ref, abs=1e-10)
    assert res.p == pytest.approx(2 * sps.t.sf(abs(t), dfree), abs=1e-10)
    assert (res.ci_low, res.ci_high) == pytest.approx(S.fisher_ci(r_ref, len(d) - k), abs=1e-10)
    # spearman: the same on ranks
    rs = S.partial_correlation(df, "x", "y", "z1", method="spearman")
    d1 = df[["x", "y", "z1"]].dropna().rank()
    r_rank = np.corrcoef(_resid(d1.x.to_numpy(), d1[["z1"]].to_numpy()),
                         _resid(d1.y.to_numpy(), d1[["z1"]].to_numpy()))[0, 1]
    assert rs.n == 17 and rs.r == pytest.approx(r_rank, abs=1e-10)


def test_partial_correlation_degenerate():
    df = pd.DataFrame({"x": [1.0, 2, 3, 4, 5], "y": [2.0, 1, 4, 3, 5], "z": [1.0, 1, 1, 1, 1]})
    assert math.isnan(S.partial_correlation(df, "x", "y", "z").r)
    small = S.partial_correlation(df.iloc[:4], "x", "y", "z")
    assert math.isnan(small.r) and "not estimated" in small.note


# ------------------------------------------------------------------ OLS HC3
def test_ols_hc3_matches_manual_sandwich():
    rng = np.random.default_rng(11)
    n = 17
    df = pd.DataFrame({"x": rng.normal(size=n), "c": rng.normal(size=n)})
    df["y"] = 1 + 2 * df.x - df.c + rng.normal(size=n) * (1 + np.abs(df.x))
    df.loc[2, "c"] = np.nan
    res = S.ols_hc3(df, "y", "x", ["c"])
    d = df.dropna()
    X = np.column_stack([np.ones(len(d)), d.x, d.c])
    yv = d.y.to_numpy()
    XtXi = np.linalg.inv(X.T @ X)
    beta = XtXi @ X.T @ yv
    e = yv - X @ beta
    h = np.einsum("ij,jk,ik->i", X, XtXi, X)
    V = XtXi @ (X.T * (e**2 / (1 - h) ** 2)) @ X @ XtXi
    se = np.sqrt(np.diag(V))
    dfree = len(d) - 3
    tab = res.table
    assert list(tab.columns) == ["term", "coef", "se_hc3", "t", "p", "ci_low", "ci_high"]
    assert tab.term.tolist() == ["const", "x", "c"]
    assert res.n == 16
    assert tab.coef.to_numpy() == pytest.approx(beta, abs=1e-10)
    assert tab.se_hc3.to_numpy() == pytest.approx(se, abs=1e-10)
    assert tab.t.to_numpy() == pytest.approx(beta / se, abs=1e-8)
    assert tab.p.to_numpy() == pytest.approx(2 * sps.t.sf(np.abs(beta / se), dfree), abs=1e-10)
    crit = sps.t.ppf(0.975, dfree)
    assert tab.ci_low.to_numpy() == pytest.approx(beta - crit * se, abs=1e-10)
    assert res.r2 == pytest.approx(1 - (e @ e) / np.sum((yv - yv.mean()) ** 2), abs=1e-12)
    assert res.max_leverage == pytest.approx(h.max())


def test_ols_hc3_leverage_one_gives_nan_with_note():
    rng = np.random.default_rng(12)
    n = 17
    df = pd.DataFrame({"x": rng.normal(size=n), "y": rng.normal(size=n)})
    df["city"] = 0.0
    df.loc[0, "city"] = 1.0  # a dummy that marks a single region -> leverage exactly 1
    res = S.ols_hc3(df, "y", "x", ["city"])
    assert res.table.coef.notna().all()
    assert res.table.se_hc3.isna().all() and res.table.p.isna().all()
    assert "leverage 1" in res.note
    assert math.isfinite(res.r2)


def test_ols_hc3_rank_deficient():
    df = pd.DataFrame({"x": [1.0, 2, 3, 4, 5], "x2": [2.0, 4, 6, 8, 10], "y": [1.0, 3, 2, 5, 4]})
    res = S.ols_hc3(df, "y", "x", ["x2"])
    assert res.table.coef.isna().all() and "rank" in res.note


# ------------------------------------------------------------------ Monte Carlo error, two-way influence
def test_monte_carlo_standard_error_is_the_binomial_error_and_matches_replicates():
    assert S.mc_standard_error(0.003, 100_000) == pytest.approx(math.sqrt(0.003 * 0.997 / 100_000), rel=1e-12)
    assert S.mc_standard_error(0.003, 100_000) == pytest.approx(0.000173, abs=5e-7)
    assert S.mc_standard_error(0.5, 362_880, exact=True) == 0.0
    assert math.isnan(S.mc_standard_error(float("nan"), 100)) and math.isnan(S.mc_standard_error(0.1, 0))
    se = S.mc_standard_error(np.array([0.01, 0.2]), np.array([1000, 4000]), np.array([False, True]))
    assert se[0] == pytest.approx(math.sqrt(0.01 * 0.99 / 1000)) and se[1] == 0.0
    # the spread of Monte Carlo p over independent seeds is the stated error (n = 15, 2,000 permutations each)
    x, y = _sample(15, 0.45, 21)
    ps = np.array([S.permutation_p(x, y, n_perm=2000, seed=s).p for s in range(60)])
    assert ps.std(ddof=1) == pytest.approx(S.mc_standard_error(ps.mean(), 2000), rel=0.35)


def test_seeded_permutations_are_drawn_once_and_reproducible():
    a, exact = S._permutations(12, 500, 7, None)
    b, _ = S._permutations(12, 500, 7, None)
    assert not exact and a is b and not a.flags.writeable
    assert (np.sort(a, axis=1) == np.arange(12)).all()  # every row a permutation
    ref = np.random.default_rng(7).permuted(np.tile(np.arange(12), (500, 1)), axis=1)
    assert (a == ref).all()  # the same draw a generator seeded with 7 makes
    x, y = _sample(12, 0.3, 5)
    assert S.permutation_p(x, y, n_perm=500, seed=7).p == S.permutation_p(x, y, n_perm=500, seed=7).p


def test_influence_in_both_directions_against_a_direct_loop():
    # one outlier carries the correlation, another masks it (hand-built so both directions are present)
    rng = np.random.default_rng(3)
    x = rng.normal(size=14)
    y = 0.3 * x + rng.normal(scale=0.8, size=14)
    x[0], y[0] = 4.0, 4.0      # carries: pushes r up
    x[1], y[1] = 2.5, -3.0     # masks: pulls r down
    labels = [f"R{i}" for i in range(14)]
    out = S.influence(x, y, labels)
    r_wo = np.array([np.corrcoef(np.delete(x, i), np.delete(y, i))[0, 1] for i in range(14)])
    r_full = np.corrcoef(x, y)[0, 1]
    assert out["loo_r_min"] == pytest.approx(r_wo.min(), abs=1e-12)
    assert out["loo_r_max"] == pytest.approx(r_wo.max(), abs=1e-12)
    assert out["loo_region_min"] == labels[int(r_wo.argmin())] == "R0"
    assert out["loo_region_max"] == labels[int(r_wo.argmax())] == "R1"
    assert r_full > 0 and out["towards_zero_region"] == "R0" and out["away_region"] == "R1"
    # Cook's distance: the larger of y~x and x~y, by statsmodels, and its region
    import statsmodels.api as sm

    d_yx = sm.OLS(y, sm.add_constant(x)).fit().get_influence().cooks_distance[0]
    d_xy = sm.OLS(x, sm.add_constant(y)).fit().get_influence().cooks_distance[0]
    d = np.maximum(d_yx, d_xy)
    assert out["cooks_d_max"] == pytest.approx(d.max(), rel=1e-9)
    assert out["cooks_d_max_region"] == labels[int(d.argmax())]
    assert out["cooks_d"]["R5"] == pytest.approx(d[5], rel=1e-9)
    # for a negative r the roles swap: removing the region that lifts r moves it towards zero
    neg = S.influence(x, -y, labels)
    assert neg["towards_zero_region"] == "R0" and neg["away_region"] == "R1"
    assert S.influence([1, 2, 3], [1, 2, 3])["loo_region_min"] is None  # too few pairs to leave one out
