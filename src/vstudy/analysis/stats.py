"""Statistics for the correlation section: intervals, p-values, power, multiplicity, resampling, influence.

The 2021 report prints about 17 correlation coefficients computed across the n = 17 regions
(e.g. volunteers vs organisations r = 0.55, vs the CSI quality-of-life rating r = −0.50) with no
interval, p-value or correction for testing many of them. This module re-examines such published
coefficients (:func:`published_family`) and computes new correlations from public data
(:func:`correlate`, :func:`correlation_table`), where coverage is often partial (CSI ranks for 7
regions, quarterly wages for 5–6). Every function therefore

* drops missing values *pairwise* (a pair is used when both values are finite) and reports ``n``;
* returns NaN with a ``note`` instead of raising when a statistic is undefined (n too small, a
  constant variable, leverage-1 points in a regression);
* is deterministic: resampling uses :class:`numpy.random.Generator` seeded from ``seed``.

Conventions
-----------
Fisher z interval
    ``z = atanh(r)``, ``se = 1/sqrt(n − 3)``, ``CI = tanh(z ± z_{1−α/2}·se)`` (Fisher 1921). For
    Spearman's ρ the same transform is used with the Bonett & Wright (2000) standard error
    ``se = sqrt((1 + ρ²/2)/(n − 3))``, which keeps coverage near nominal for rank correlations.
Parametric p-value
    ``t = r·sqrt((n − 2)/(1 − r²))`` on ``n − 2`` df, two-sided; identical to the p of
    :func:`scipy.stats.pearsonr` (and of :func:`scipy.stats.spearmanr` for ρ, which uses the same
    t approximation).
Power
    Fisher z normal approximation (Cohen 1988, ch. 3; Hulley et al. 2013, app. 6C), see :func:`r_power`.
Multiplicity
    Holm (1979) family-wise error control and Benjamini & Hochberg (1995) false discovery rate,
    see :func:`adjust_pvalues`.

References
----------
* Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation. *Metron* 1, 3–32.
* Bonett, D. G., & Wright, T. A. (2000). Sample size requirements for estimating Pearson, Kendall and
  Spearman correlations. *Psychometrika* 65, 23–28.
* Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scand. J. Statist.* 6, 65–70.
* Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57, 289–300.
* Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero. *SAGMB* 9(1).
* Efron, B., & Tibshirani, R. (1993). *An Introduction to the Bootstrap*, ch. 13 (percentile interval).
* Long, J. S., & Ervin, L. H. (2000). Using heteroscedasticity consistent standard errors in the
  linear regression model. *Am. Statist.* 54, 217–224 (HC3 for small samples).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

__all__ = [
    "CorrResult",
    "OLSResult",
    "PartialResult",
    "adjust_pvalues",
    "correlate",
    "correlation_table",
    "detectable_r",
    "fisher_ci",
    "leave_one_out",
    "most_influential",
    "n_for_power",
    "ols_hc3",
    "partial_correlation",
    "published_family",
    "r_power",
    "r_pvalue",
]

Method = Literal["pearson", "spearman"]
_METHODS = ("pearson", "spearman")
MIN_N = 4
"""Smallest pairwise-complete n for which :func:`correlate` estimates anything (Fisher se needs n > 3)."""

# Two |r| values closer than this are treated as equal when counting permutation statistics "at least
# as extreme" as the observed one, so that floating-point noise cannot drop exact ties (e.g. the
# reversed permutation, whose |r| equals the observed |r| mathematically).
_TIE_TOL = 1e-12
# 9! = 362 880 permutations (26 MB of indices) is the largest full enumeration allowed.
_MAX_EXACT_N = 9


# --------------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------------
def _scalar_or_array(a: np.ndarray) -> Any:
    """Return a Python float for 0-d input, the array otherwise."""
    return float(a) if np.ndim(a) == 0 else a


def _as_float(a: Any) -> np.ndarray:
    """1-d float array; pandas NA/None become NaN."""
    if isinstance(a, pd.Series | pd.Index):
        return pd.to_numeric(pd.Series(a), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(pd.to_numeric(pd.Series(np.asarray(a, dtype=object).ravel()), errors="coerce"),
                      dtype=float)


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")


def _complete_rows(df: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    """``df[cols]`` as floats, keeping only rows where every column is a finite number (listwise deletion).

    Text that is not a number counts as missing; a column absent from ``df`` is an error, not a missing value.
    """
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"columns not in df: {missing}")
    data = df[list(cols)].apply(pd.to_numeric, errors="coerce").astype(float)
    return data[np.isfinite(data.to_numpy()).all(axis=1)]


def _check_r(r: np.ndarray) -> None:
    with np.errstate(invalid="ignore"):
        if np.any(np.abs(r[np.isfinite(r)]) > 1):
            raise ValueError("correlation coefficients must lie in [-1, 1]")


def _pairwise_complete(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Float arrays of the pairs where both x and y are finite, and the boolean mask used."""
    xa, ya = _as_float(x), _as_float(y)
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same length, got {xa.shape[0]} and {ya.shape[0]}")
    mask = np.isfinite(xa) & np.isfinite(ya)
    return xa[mask], ya[mask], mask


def _rowwise_r(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson r of each row of ``a`` with the matching row of ``b`` (2-d, same shape)."""
    ac = a - a.mean(axis=1, keepdims=True)
    bc = b - b.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (ac * bc).sum(axis=1) / np.sqrt((ac * ac).sum(axis=1) * (bc * bc).sum(axis=1))
    return np.clip(r, -1.0, 1.0)


def _r(x: np.ndarray, y: np.ndarray, method: str) -> float:
    """Plain coefficient (no inference); NaN when n < 3 or a variable is constant."""
    if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    if method == "spearman":
        x, y = sps.rankdata(x), sps.rankdata(y)
    return float(_rowwise_r(x[None, :], y[None, :])[0])


def _fmt(v: float, digits: int = 2) -> str:
    """Number for prose, with a true minus sign."""
    return f"{v:.{digits}f}".replace("-", "−")


# --------------------------------------------------------------------------------------------------
# closed-form inference for a correlation coefficient
# --------------------------------------------------------------------------------------------------
def fisher_ci(r: Any, n: Any, alpha: float = 0.05, method: Method = "pearson") -> tuple[Any, Any]:
    """Two-sided ``1 − alpha`` confidence interval for a correlation by Fisher's z transform.

    ``z = atanh(r)``; ``se = 1/sqrt(n − 3)`` for Pearson, or the Bonett–Wright (2000)
    ``se = sqrt((1 + r²/2)/(n − 3))`` for Spearman (``method="spearman"``); the interval
    ``tanh(z ± z_{1−α/2}·se)`` is mapped back to the r scale, so it always lies in [−1, 1] and is
    asymmetric around r. For Pearson this is exactly ``scipy.stats.pearsonr(...).confidence_interval()``.

    Vectorised over ``r`` and ``n``; scalars in → floats out. ``n ≤ 3`` or NaN ``r`` → ``(nan, nan)``;
    ``|r| = 1`` → the degenerate interval ``(r, r)``.
    """
    _check_method(method)
    r_arr = np.asarray(r, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    _check_r(r_arr)
    crit = sps.norm.ppf(1 - alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        base = 1.0 + r_arr**2 / 2 if method == "spearman" else np.ones_like(r_arr)
        se = np.sqrt(base / (n_arr - 3))
        z = np.arctanh(r_arr)
        low, high = np.tanh(z - crit * se), np.tanh(z + crit * se)
    bad = ~(n_arr > 3) | np.isnan(r_arr)
    low, high = np.where(bad, np.nan, low), np.where(bad, np.nan, high)
    return _scalar_or_array(low), _scalar_or_array(high)


def r_pvalue(r: Any, n: Any) -> Any:
    """Two-sided p-value for H0: ρ = 0 given a Pearson r from n pairs.

    ``t = r·sqrt((n − 2)/(1 − r²))`` on ``df = n − 2``; ``p = 2·P(T_df > |t|)``. This is the exact
    test under bivariate normality and returns what :func:`scipy.stats.pearsonr` reports for the same
    r and n (scipy writes the null distribution of r as a Beta(n/2 − 1, n/2 − 1) on [−1, 1], which is
    the same distribution). ``|r| = 1`` → 0; ``n ≤ 2`` or NaN r → NaN. Vectorised.
    """
    r_arr = np.asarray(r, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    _check_r(r_arr)
    df = n_arr - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r_arr * np.sqrt(df / ((1 - r_arr) * (1 + r_arr)))
        p = 2 * sps.t.sf(np.abs(t), df)
    p = np.where(np.abs(r_arr) == 1, 0.0, p)
    p = np.where(~(df > 0) | np.isnan(r_arr), np.nan, p)
    return _scalar_or_array(p)


def r_power(r: Any, n: Any, alpha: float = 0.05) -> Any:
    """Power of the two-sided level-``alpha`` test of ρ = 0 when the true correlation is ``r``.

    Fisher z approximation: with ``δ = |atanh r|·sqrt(n − 3)`` and ``c = z_{1−α/2}``,

        power = Φ(δ − c) + Φ(−δ − c),

    the probability that the z statistic ``atanh(r̂)·sqrt(n − 3)`` falls in either rejection tail.
    ``r = 0`` gives ``alpha``; ``n ≤ 3`` gives NaN.

    Accuracy against Monte Carlo simulation of the exact t test on bivariate normal samples
    (40 000 replicates): ρ = 0.3, n = 17: 0.212 vs 0.217; ρ = 0.5, n = 17: 0.538 vs 0.562;
    ρ = 0.7, n = 17: 0.901 vs 0.916; ρ = 0.7, n = 10: 0.631 vs 0.679; ρ = 0.8, n = 7: 0.594 vs 0.668.
    The approximation is *conservative* (understates power), by ≤ 0.03 at n = 17 but by 0.05–0.08 for
    strong correlations at n ≤ 10, because it ignores the bias of atanh(r̂). For the study's n = 17
    that is immaterial; for the 5–7-region series read it as a lower bound.

    Note: applied to a *published* r this is the power to detect a true effect of that size, a design
    quantity; it is not evidence about whether the effect is real ("observed power" is a monotone
    function of the p-value).
    """
    r_arr = np.asarray(r, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    _check_r(r_arr)
    c = sps.norm.ppf(1 - alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = np.abs(np.arctanh(r_arr)) * np.sqrt(n_arr - 3)
        pw = sps.norm.cdf(delta - c) + sps.norm.cdf(-delta - c)
    pw = np.where(~(n_arr > 3) | np.isnan(r_arr), np.nan, pw)
    return _scalar_or_array(pw)


def n_for_power(r: float, power: float = 0.8, alpha: float = 0.05) -> int:
    """Smallest n whose :func:`r_power` reaches ``power`` for true correlation ``r`` (two-sided ``alpha``).

    Starts from the closed form ``n = ((z_{1−α/2} + z_{power}) / atanh|r|)² + 3`` and adjusts by whole
    units so that the returned n is the *smallest integer with r_power(r, n) ≥ power* under the
    two-tail formula (the far tail adds a negligible amount, so this equals the ceiling of the closed
    form in practice). Convention: Fisher approximation, round up. For r = 0.3, power 0.8, α = 0.05
    this gives 85 (closed form 84.93); exact-t calculators such as G*Power report 84.
    """
    if not 0 < abs(r) < 1:
        raise ValueError("r must satisfy 0 < |r| < 1")
    if not 0 < power < 1:
        raise ValueError("power must lie in (0, 1)")
    zsum = sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)
    n = max(4, math.ceil((zsum / math.atanh(abs(r))) ** 2 + 3))
    while n > 4 and r_power(r, n - 1, alpha) >= power:
        n -= 1
    while r_power(r, n, alpha) < power:
        n += 1
    return n


def detectable_r(n: Any, power: float = 0.8, alpha: float = 0.05) -> Any:
    """Smallest |ρ| that a two-sided level-``alpha`` test on n pairs detects with the given power.

    Inverse of :func:`r_power` under the one-tail form of the Fisher approximation:
    ``|ρ| = tanh((z_{1−α/2} + z_{power}) / sqrt(n − 3))``. With n = 17, power 0.8, α = 0.05 this is
    ≈ 0.62: any true correlation weaker than that is more likely missed than found. n ≤ 3 → NaN.
    """
    n_arr = np.asarray(n, dtype=float)
    zsum = sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.tanh(zsum / np.sqrt(n_arr - 3))
    return _scalar_or_array(np.where(n_arr > 3, out, np.nan))


# --------------------------------------------------------------------------------------------------
# multiplicity
# --------------------------------------------------------------------------------------------------
def adjust_pvalues(p: Any, method: Literal["holm", "bh"] = "holm") -> Any:
    """Multiplicity-adjusted p-values (Holm step-down FWER, or Benjamini–Hochberg step-up FDR).

    With the m non-missing p-values sorted ascending, ``p_(1) ≤ … ≤ p_(m)``:

    * Holm: ``p̃_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j))``;
    * BH:   ``p̃_(i) = min_{j ≥ i} min(1, m/j·p_(j))``.

    Rejecting where ``p̃ ≤ α`` is the corresponding procedure at level α. NaNs stay NaN and are not
    counted in m (a coefficient that could not be computed is not a test). Matches
    ``statsmodels.stats.multitest.multipletests(..., method="holm" | "fdr_bh")`` on the non-missing
    values. Accepts ``"fdr_bh"`` as an alias of ``"bh"``. A Series in gives a Series (same index) out;
    otherwise a float array.
    """
    method_key = {"holm": "holm", "bh": "bh", "fdr_bh": "bh"}.get(method)
    if method_key is None:
        raise ValueError(f"method must be 'holm' or 'bh', got {method!r}")
    arr = _as_float(p)
    ok = ~np.isnan(arr)
    if np.any((arr[ok] < 0) | (arr[ok] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    out = np.full(arr.shape, np.nan)
    pv = arr[ok]
    m = pv.size
    if m:
        order = np.argsort(pv, kind="stable")
        ps = pv[order]
        rank = np.arange(1, m + 1)
        if method_key == "holm":
            adj = np.maximum.accumulate(np.minimum(1.0, (m - rank + 1) * ps))
        else:
            adj = np.minimum.accumulate(np.minimum(1.0, m / rank * ps)[::-1])[::-1]
        back = np.empty(m)
        back[order] = adj
        out[ok] = back
    if isinstance(p, pd.Series):
        return pd.Series(out, index=p.index, name=p.name)
    return out


# --------------------------------------------------------------------------------------------------
# the report's published coefficients
# --------------------------------------------------------------------------------------------------
def published_family(df: pd.DataFrame, n: int = 17, alpha: float = 0.05, power: float = 0.8) -> pd.DataFrame:
    """Attach intervals, p-values, power and multiplicity corrections to published Pearson coefficients.

    ``df`` needs ``coef_id`` and ``r_published``; an optional ``n`` column overrides the default ``n``
    row by row (missing entries fall back to it). The whole table is one family for Holm and BH.
    Returns a copy of ``df`` with these columns added (or replaced):

    ``n``                 sample size used;
    ``ci_low, ci_high``   Fisher z ``1 − alpha`` interval (:func:`fisher_ci`);
    ``p``                 two-sided p for ρ = 0 (:func:`r_pvalue`);
    ``power``             power at n to detect a true ρ equal to the published r (:func:`r_power`);
    ``r_detectable``      smallest |ρ| detectable with ``power`` at n (:func:`detectable_r`);
    ``p_holm, p_bh``      adjusted across the table (:func:`adjust_pvalues`);
    ``significant_raw, significant_holm, significant_bh``  ``p ≤ alpha`` (nullable booleans);
    ``reading``           one sentence of plain English, e.g. "r = 0.55 at n=17: different from 0 at the
                          5% level (p = 0.022) but not after Holm correction across 17 coefficients
                          (p_holm = 0.31); 95% CI 0.09 to 0.82."

    The report's r are assumed to be Pearson coefficients over all regions; where a source says
    otherwise, pass the right ``n``.
    """
    for col in ("coef_id", "r_published"):
        if col not in df.columns:
            raise KeyError(f"published_family needs a {col!r} column")
    out = df.copy()
    r = _as_float(out["r_published"])
    if "n" in out.columns:
        n_arr = _as_float(out["n"])
        n_arr = np.where(np.isnan(n_arr), n, n_arr)
    else:
        n_arr = np.full(r.shape, float(n))
    out["n"] = n_arr.astype(int)
    out["ci_low"], out["ci_high"] = (np.atleast_1d(v) for v in fisher_ci(r, n_arr, alpha))
    out["p"] = np.atleast_1d(r_pvalue(r, n_arr))
    out["power"] = np.atleast_1d(r_power(r, n_arr, alpha))
    out["r_detectable"] = np.atleast_1d(detectable_r(n_arr, power, alpha))
    out["p_holm"] = adjust_pvalues(out["p"].to_numpy(), "holm")
    out["p_bh"] = adjust_pvalues(out["p"].to_numpy(), "bh")
    for src, dst in (("p", "significant_raw"), ("p_holm", "significant_holm"), ("p_bh", "significant_bh")):
        vals = out[src].to_numpy(dtype=float)
        out[dst] = pd.array([None if np.isnan(v) else bool(v <= alpha) for v in vals], dtype="boolean")
    m = int(np.sum(~np.isnan(out["p"].to_numpy(dtype=float))))
    out["reading"] = [_reading(row, alpha, m) for row in out.itertuples(index=False)]
    return out


def _reading(row: Any, alpha: float, m: int) -> str:
    r, n = row.r_published, row.n
    if not np.isfinite(r) or not np.isfinite(row.p):
        return f"not assessable (r = {r}, n = {n})"
    level = f"{100 * (1 - alpha):g}% CI {_fmt(row.ci_low)} to {_fmt(row.ci_high)}"
    head = f"r = {_fmt(r)} at n={n}: "
    ptxt = f"p = {row.p:.2g}" if row.p < 0.001 else f"p = {row.p:.3f}"
    if not row.significant_raw:
        return f"{head}not distinguishable from 0 ({ptxt}); {level}; power to detect ρ = {_fmt(r)} is {row.power:.2f}."
    if row.significant_holm:
        return (f"{head}different from 0 ({ptxt}), also after Holm correction across {m} coefficients "
                f"(p_holm = {row.p_holm:.3f}); {level}.")
    bh = "survives" if row.significant_bh else "does not survive"
    return (f"{head}different from 0 at the {100 * alpha:g}% level ({ptxt}) but not after Holm correction "
            f"across {m} coefficients (p_holm = {row.p_holm:.2f}; BH {bh}, p_bh = {row.p_bh:.2f}); {level}.")


# --------------------------------------------------------------------------------------------------
# one correlation from data
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CorrResult:
    """Result of :func:`correlate`. NaN fields mean "not estimable"; ``note`` says why.

    ``n``                    pairwise-complete pairs used;
    ``r``                    Pearson r or Spearman ρ;
    ``ci_low, ci_high``      Fisher z interval (Bonett–Wright se for Spearman);
    ``p``                    parametric two-sided p (scipy ``pearsonr`` / ``spearmanr``);
    ``p_perm``               two-sided permutation p;
    ``perm_exact``           True when all n! permutations were enumerated (then ``p_perm`` is exact);
    ``n_perm_used``          permutations evaluated (n! when exact);
    ``boot_low, boot_high``  percentile bootstrap interval over regions (pairs resampled);
    ``n_boot_valid``         bootstrap resamples used; ``n_boot_degenerate`` those skipped (a constant
                             variable in the resample, where r is undefined).
    """

    method: str
    n: int
    r: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    p: float = float("nan")
    p_perm: float = float("nan")
    perm_exact: bool = False
    n_perm_used: int = 0
    boot_low: float = float("nan")
    boot_high: float = float("nan")
    n_boot_valid: int = 0
    n_boot_degenerate: int = 0
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _permutation_p(
    xs: np.ndarray, ys: np.ndarray, r_obs: float, n_perm: int, rng: np.random.Generator, exact: bool | None
) -> tuple[float, bool, int]:
    """Two-sided permutation p for the (already ranked, if Spearman) pairs.

    Exact enumeration of all n! pairings when ``exact`` is True, or when ``exact`` is None and
    ``n! ≤ n_perm``: ``p = #{π : |r_π| ≥ |r_obs|} / n!`` (the identity is one of the π, so p ≥ 1/n!).
    Otherwise Monte Carlo with the +1 correction (Phipson & Smyth 2010):
    ``p = (#{|r_π| ≥ |r_obs|} + 1) / (n_perm + 1)``, which is a valid p-value and never 0.
    """
    n = xs.size
    use_exact = exact if exact is not None else math.factorial(n) <= n_perm
    if use_exact and n > _MAX_EXACT_N:
        raise ValueError(f"exact permutation enumeration is limited to n ≤ {_MAX_EXACT_N} (n! rows), got n={n}")
    if use_exact:
        perms = np.array(list(itertools.permutations(range(n))), dtype=np.intp)
    else:
        perms = rng.permuted(np.tile(np.arange(n), (n_perm, 1)), axis=1)
    r_perm = _rowwise_r(np.broadcast_to(xs, perms.shape), ys[perms])
    count = int(np.sum(np.abs(r_perm) >= abs(r_obs) - _TIE_TOL))
    if use_exact:
        return count / perms.shape[0], True, perms.shape[0]
    return (count + 1) / (n_perm + 1), False, n_perm


def _bootstrap(
    x: np.ndarray, y: np.ndarray, method: str, n_boot: int, alpha: float, rng: np.random.Generator
) -> tuple[float, float, int, int]:
    """Percentile bootstrap of r, resampling (x, y) pairs; degenerate resamples are skipped and counted.

    Spearman ranks are recomputed inside each resample (resampling creates ties).
    """
    n = x.size
    idx = rng.integers(0, n, size=(n_boot, n))
    xb, yb = x[idx], y[idx]
    ok = (np.ptp(xb, axis=1) > 0) & (np.ptp(yb, axis=1) > 0)
    xb, yb = xb[ok], yb[ok]
    if method == "spearman" and xb.shape[0]:
        xb, yb = sps.rankdata(xb, axis=1), sps.rankdata(yb, axis=1)
    rb = _rowwise_r(xb, yb) if xb.shape[0] else np.array([])
    n_valid = int(rb.size)
    if n_valid < 2:
        return float("nan"), float("nan"), n_valid, int(n_boot - n_valid)
    low, high = np.quantile(rb, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high), n_valid, int(n_boot - n_valid)


def correlate(
    x: Any,
    y: Any,
    method: Method = "pearson",
    n_boot: int = 2000,
    n_perm: int = 5000,
    seed: int | None = 2021,
    alpha: float = 0.05,
    exact_perm: bool | None = None,
) -> CorrResult:
    """Correlation of x and y with every uncertainty measure the study reports.

    Pairs with a missing (NaN/None/inf) value in either variable are dropped; ``n`` is what remains.
    When ``n < 4`` or a variable is constant over those pairs, everything but ``n`` is NaN and
    ``note`` explains; nothing is raised.

    * ``r``, ``p`` — :func:`scipy.stats.pearsonr` / :func:`scipy.stats.spearmanr` (t-based p on n − 2 df).
    * ``ci_low, ci_high`` — :func:`fisher_ci` (Bonett–Wright se for Spearman).
    * ``boot_low, boot_high`` — percentile bootstrap with ``n_boot`` resamples of the n regions
      (pairs kept together); resamples in which x or y is constant are skipped and counted in
      ``n_boot_degenerate``. With n ≈ 6 this interval is rough; it is reported as a check on the
      Fisher interval, not instead of it.
    * ``p_perm`` — two-sided permutation p (|r| at least as large as observed). Exact enumeration when
      ``n! ≤ n_perm`` (or ``exact_perm=True``; at most n = 9), else ``n_perm`` random permutations with the +1
      correction ``(count + 1)/(n_perm + 1)``. For Spearman the ranks are permuted.

    Deterministic given ``seed``: a :class:`numpy.random.SeedSequence` is split into independent
    streams for the bootstrap and the permutations, so changing ``n_perm`` does not change the
    bootstrap interval. ``n_boot=0`` / ``n_perm=0`` skip the resampling.
    """
    _check_method(method)
    xs, ys, _ = _pairwise_complete(x, y)
    n = int(xs.size)
    if n < MIN_N:
        return CorrResult(method=method, n=n, note=f"n={n} pairwise-complete pairs < {MIN_N}: not estimated")
    constant = [name for name, v in (("x", xs), ("y", ys)) if np.ptp(v) == 0]
    if constant:
        return CorrResult(method=method, n=n, note=f"{' and '.join(constant)} constant over the {n} pairs: "
                          "correlation undefined")
    res = sps.pearsonr(xs, ys) if method == "pearson" else sps.spearmanr(xs, ys)
    r, p = float(res.statistic), float(res.pvalue)
    ci_low, ci_high = fisher_ci(r, n, alpha, method)
    notes = []
    if abs(r) == 1:
        notes.append("|r| = 1: Fisher interval degenerate")
    boot_ss, perm_ss = np.random.SeedSequence(seed).spawn(2)
    boot_low = boot_high = float("nan")
    n_valid = n_degenerate = 0
    if n_boot > 0:
        boot_low, boot_high, n_valid, n_degenerate = _bootstrap(
            xs, ys, method, n_boot, alpha, np.random.default_rng(boot_ss))
        if n_degenerate:
            notes.append(f"{n_degenerate} of {n_boot} bootstrap resamples degenerate (skipped)")
    p_perm, perm_exact, n_perm_used = float("nan"), False, 0
    if n_perm > 0 or exact_perm:
        if method == "spearman":
            xr, yr = sps.rankdata(xs), sps.rankdata(ys)
        else:
            xr, yr = xs, ys
        p_perm, perm_exact, n_perm_used = _permutation_p(
            xr, yr, r, n_perm, np.random.default_rng(perm_ss), exact_perm)
    return CorrResult(
        method=method, n=n, r=r, ci_low=float(ci_low), ci_high=float(ci_high), p=p,
        p_perm=float(p_perm), perm_exact=perm_exact, n_perm_used=n_perm_used,
        boot_low=boot_low, boot_high=boot_high, n_boot_valid=n_valid, n_boot_degenerate=n_degenerate,
        note="; ".join(notes),
    )


# --------------------------------------------------------------------------------------------------
# influence
# --------------------------------------------------------------------------------------------------
def leave_one_out(x: Any, y: Any, labels: Any = None, method: Method = "pearson") -> pd.DataFrame:
    """Recompute the correlation with each region left out in turn.

    Only pairwise-complete pairs take part (a region with a missing value cannot be "dropped").
    Returns one row per remaining region with columns ``label`` (the region dropped), ``n`` (pairs
    left, i.e. n − 1), ``r_full`` (r on all n pairs), ``r_without`` (r without that region) and
    ``change`` (``r_without − r_full``: negative means the region was pushing r up). ``r_without`` is
    NaN when fewer than 3 pairs remain or a variable becomes constant. ``labels`` default to 0..n−1
    positions of the input.
    """
    _check_method(method)
    xa, ya = _as_float(x), _as_float(y)
    lab = np.arange(xa.size) if labels is None else np.asarray(list(labels), dtype=object)
    if lab.shape[0] != xa.shape[0]:
        raise ValueError("labels must have the same length as x and y")
    xs, ys, mask = _pairwise_complete(xa, ya)
    lab = lab[mask]
    r_full = _r(xs, ys, method)
    rows = []
    for i in range(xs.size):
        keep = np.arange(xs.size) != i
        r_wo = _r(xs[keep], ys[keep], method)
        rows.append({"label": lab[i], "n": int(keep.sum()), "r_full": r_full, "r_without": r_wo,
                     "change": r_wo - r_full})
    return pd.DataFrame(rows, columns=["label", "n", "r_full", "r_without", "change"])


def most_influential(loo: pd.DataFrame) -> dict[str, Any]:
    """The region whose removal moves r the most (largest |change|) in a :func:`leave_one_out` table.

    Returns ``{"label", "r_without", "change"}``; all None/NaN when no change is finite. Ties go to the
    first row.
    """
    ch = loo["change"].to_numpy(dtype=float) if len(loo) else np.array([])
    if not np.any(np.isfinite(ch)):
        return {"label": None, "r_without": float("nan"), "change": float("nan")}
    i = int(np.nanargmax(np.abs(ch)))
    return {"label": loo["label"].iloc[i], "r_without": float(loo["r_without"].iloc[i]),
            "change": float(ch[i])}


# --------------------------------------------------------------------------------------------------
# partial correlation and regression
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartialResult:
    """Result of :func:`partial_correlation`: ``n`` complete rows, ``k`` covariates, r, Fisher CI, p."""

    method: str
    n: int
    k: int
    r: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    p: float = float("nan")
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def partial_correlation(
    df: pd.DataFrame, x: str, y: str, covar: str | Sequence[str], method: Method = "pearson",
    alpha: float = 0.05,
) -> PartialResult:
    """Correlation of ``x`` and ``y`` with ``covar`` partialled out of both (:func:`pingouin.partial_corr`).

    Rows missing any of x, y, covar are dropped (listwise over these columns); ``n`` is what remains.
    ``r`` and ``p`` come from pingouin 0.7 (inverse-covariance method, equal to correlating the
    residuals of x ~ Z and y ~ Z; p from t on ``n − k − 2`` df). The interval is :func:`fisher_ci`
    with effective sample size ``n − k`` (se = 1/sqrt(n − k − 3); Bonett–Wright for Spearman) — the
    same formula pingouin uses for its ``CI95``, but unrounded and at level ``1 − alpha``.
    Returns NaN with a note when ``n − k < 4``, a variable is constant, or a covariate duplicates x or y.
    """
    import pingouin as pg  # imported lazily: pingouin is slow to import

    _check_method(method)
    covars = [covar] if isinstance(covar, str) else list(covar)
    k = len(covars)
    cols = [x, y, *covars]
    data = _complete_rows(df, cols)
    n = int(len(data))
    if n - k < MIN_N:
        return PartialResult(method, n, k, note=f"n={n} with k={k} covariates: n − k < {MIN_N}, not estimated")
    constant = [c for c in cols if data[c].nunique() < 2]
    if constant:
        return PartialResult(method, n, k, note=f"constant over the {n} rows: {', '.join(constant)}")
    notes = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = pg.partial_corr(data=data, x=x, y=y, covar=covars, method=method)
        except ValueError as exc:
            return PartialResult(method, n, k, note=str(exc))
    notes += [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    r, p = float(res["r"].iloc[0]), float(res["p_val"].iloc[0])
    lo, hi = fisher_ci(r, n - k, alpha, method)
    return PartialResult(method, n, k, r=r, ci_low=float(lo), ci_high=float(hi), p=p, note="; ".join(notes))


@dataclass
class OLSResult:
    """Result of :func:`ols_hc3`.

    ``table`` has columns ``term, coef, se_hc3, t, p, ci_low, ci_high`` (one row per term, ``const``
    first); ``n`` complete rows used; ``r2`` the ordinary R²; ``max_leverage`` the largest hat value;
    ``note`` explains NaNs.
    """

    table: pd.DataFrame
    n: int
    r2: float
    max_leverage: float = float("nan")
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def ols_hc3(
    df: pd.DataFrame, y: str, x: str, covariates: Iterable[str] = (), alpha: float = 0.05
) -> OLSResult:
    """OLS of ``y`` on a constant, ``x`` and ``covariates`` with HC3 heteroskedasticity-robust errors.

    HC3 (MacKinnon & White 1985): ``V = (X'X)⁻¹ X' diag(e_i² / (1 − h_i)²) X (X'X)⁻¹`` with ``h_i`` the
    leverages; recommended over HC0/HC1 for n < 250 (Long & Ervin 2000). Tests and intervals use the
    t distribution on ``n − p`` residual df (statsmodels' ``use_t=True``; its default for robust
    covariances would use the normal, which is too liberal at n ≈ 17).

    Rows missing any variable are dropped; ``n`` is what remains. Coefficients are always reported
    when the design has full rank; the HC3 columns are NaN with a note when some ``h_i = 1`` (e.g. a
    dummy that marks a single region — its residual is 0 and e²/(1−h)² is 0/0), when n ≤ p, or when
    the design is rank-deficient (then everything is NaN).
    """
    import statsmodels.api as sm

    covariates = list(covariates)
    cols = [y, x, *covariates]
    data = _complete_rows(df, cols)
    n = int(len(data))
    terms = ["const", x, *covariates]
    nan_table = pd.DataFrame({"term": terms, **{c: np.nan for c in ("coef", "se_hc3", "t", "p", "ci_low",
                                                                      "ci_high")}})
    X = sm.add_constant(data[[x, *covariates]].to_numpy(), has_constant="add")
    p_terms = X.shape[1]
    if n == 0 or np.linalg.matrix_rank(X) < p_terms:
        return OLSResult(nan_table, n, float("nan"), note=f"design rank-deficient or empty (n={n}, p={p_terms})")
    fit = sm.OLS(data[y].to_numpy(), X).fit()
    table = nan_table.copy()
    table["coef"] = fit.params
    r2 = float(fit.rsquared) if n > p_terms else float("nan")
    if n <= p_terms:
        return OLSResult(table, n, r2, note=f"n={n} ≤ p={p_terms}: no residual df, HC3 undefined")
    lev = fit.get_influence().hat_matrix_diag
    max_lev = float(lev.max())
    if np.any(lev > 1 - 1e-8):
        k1 = int(np.sum(lev > 1 - 1e-8))
        return OLSResult(table, n, r2, max_lev, note=f"{k1} observation(s) with leverage 1: HC3 undefined")
    rob = fit.get_robustcov_results(cov_type="HC3", use_t=True)
    ci = np.asarray(rob.conf_int(alpha=alpha))
    table["se_hc3"], table["t"], table["p"] = rob.bse, rob.tvalues, rob.pvalues
    table["ci_low"], table["ci_high"] = ci[:, 0], ci[:, 1]
    return OLSResult(table, n, r2, max_lev, extra={"df_resid": float(fit.df_resid)})


# --------------------------------------------------------------------------------------------------
# the long table behind reports/tables/correlations.csv
# --------------------------------------------------------------------------------------------------
TABLE_COLUMNS = [
    "family", "x", "y", "method", "n", "r", "ci_low", "ci_high", "p", "p_perm", "boot_low", "boot_high",
    "p_holm", "p_bh", "influential_region", "r_without_influential", "change_without_influential",
    "perm_exact", "n_perm_used", "n_boot_valid", "n_boot_degenerate", "note",
]


def correlation_table(
    df: pd.DataFrame,
    pairs: Sequence[tuple[str, str]],
    family: str | Sequence[str],
    methods: Sequence[Method] = ("pearson", "spearman"),
    labels: Hashable | Sequence[Any] | None = None,
    n_boot: int = 2000,
    n_perm: int = 5000,
    seed: int | None = 2021,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Run :func:`correlate` and :func:`leave_one_out` for every (x, y) pair and method; one long table.

    ``family`` names the multiplicity family: one string for all pairs, or one per pair. Holm and BH
    adjust the parametric ``p`` within each ``family × method`` across its pairs (NaN rows excluded
    from m). ``labels`` names the regions for the influence columns: a column of ``df``, a sequence
    aligned with its rows, or None for ``df.index``.

    Every row uses the same ``seed``, so any row is reproduced exactly by
    ``correlate(df[x], df[y], method, n_boot, n_perm, seed, alpha)``, independent of the other pairs.

    Columns (in order): ``family, x, y, method, n, r, ci_low, ci_high, p, p_perm, boot_low, boot_high,
    p_holm, p_bh, influential_region, r_without_influential, change_without_influential, perm_exact,
    n_perm_used, n_boot_valid, n_boot_degenerate, note`` (see :class:`CorrResult`,
    :func:`most_influential`).
    """
    pairs = [tuple(p) for p in pairs]
    fams = [family] * len(pairs) if isinstance(family, str) else list(family)
    if len(fams) != len(pairs):
        raise ValueError("family must be a string or have one entry per pair")
    if labels is None:
        lab = list(df.index)
    elif isinstance(labels, str | int) and labels in df.columns:
        lab = list(df[labels])
    else:
        lab = list(labels)  # type: ignore[arg-type]
        if len(lab) != len(df):
            raise ValueError("labels must be a column of df or have one entry per row")
    rows = []
    for fam, (xc, yc) in zip(fams, pairs, strict=True):
        for method in methods:
            res = correlate(df[xc], df[yc], method, n_boot=n_boot, n_perm=n_perm, seed=seed, alpha=alpha)
            row = {"family": fam, "x": xc, "y": yc, **res.to_dict()}
            infl = {"label": None, "r_without": float("nan"), "change": float("nan")}
            if np.isfinite(res.r):
                infl = most_influential(leave_one_out(df[xc], df[yc], lab, method))
            row.update(influential_region=infl["label"], r_without_influential=infl["r_without"],
                       change_without_influential=infl["change"])
            rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    out["p_holm"] = np.nan
    out["p_bh"] = np.nan
    for _, idx in out.groupby(["family", "method"], sort=False).groups.items():
        out.loc[idx, "p_holm"] = adjust_pvalues(out.loc[idx, "p"].to_numpy(dtype=float), "holm")
        out.loc[idx, "p_bh"] = adjust_pvalues(out.loc[idx, "p"].to_numpy(dtype=float), "bh")
    return out[TABLE_COLUMNS].reset_index(drop=True)
