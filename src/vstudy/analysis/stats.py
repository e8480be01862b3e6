"""Statistics for the correlation section: intervals, exact small-sample tests, power, multiplicity, influence.

The 2021 report prints about 17 correlation coefficients computed across the n = 17 regions with no interval,
p-value or correction for testing many of them. This module re-examines such published coefficients
(:func:`published_family`) and computes correlations from data (:func:`correlate`), where coverage is often
partial. Every function

* drops missing values *pairwise* (a pair is used when both values are finite) and reports ``n``;
* returns NaN with a ``note`` instead of raising when a statistic is undefined (n too small, a constant
  variable, leverage-1 points in a regression);
* is deterministic: resampling uses :class:`numpy.random.Generator` seeded from ``seed``.

Conventions
-----------
Permutation p (the study's test)
    Two-sided, ``|r_π| ≥ |r|`` over permutations π of y against x. **Exact** — all n! pairings enumerated —
    whenever ``n ≤`` :data:`EXACT_MAX_N` (9! = 362,880); otherwise ``n_perm`` random permutations with the +1
    correction of Phipson & Smyth (2010). For Spearman the ranks are permuted, so the exact permutation p *is*
    the exact p of Spearman's ρ (at n = 6, ρ = 0.943: 12/720 = 0.0167, where the t approximation gives 0.0048).
    :func:`ratio_permutation_p` is the null for a rate whose denominator is also in the other variable
    (permute the numerator, divide by the real denominator); :func:`linked_set_pvalues` tests a set of shares
    that sum to 100 as one finding (single-step maxT, Westfall & Young 1993).
Fisher z interval
    ``z = atanh(r)``, ``se = 1/sqrt(n − 3)``, ``CI = tanh(z ± z_{1−α/2}·se)`` (Fisher 1921); for Spearman's ρ the
    Bonett & Wright (2000) ``se = sqrt((1 + ρ²/2)/(n − 3))``.
Parametric p
    Pearson: ``t = r·sqrt((n − 2)/(1 − r²))`` on ``n − 2`` df (exact under bivariate normality, what
    :func:`scipy.stats.pearsonr` reports). Spearman: the exact permutation p at ``n ≤`` :data:`EXACT_MAX_N`,
    scipy's t approximation above.
Power
    Exact, from the distribution of the sample r under bivariate normality (Fisher 1915; Hotelling 1953),
    see :func:`r_power`: 0.665 for ρ = 0.55 at n = 17, where the Fisher-z approximation gives 0.638; the smallest
    |ρ| detected with 80 % power at n = 17 is 0.620 (:func:`detectable_r`). No "observed power" is computed: the
    power at the estimated r is a function of its p-value and adds nothing to it.
Multiplicity
    Holm (1979) family-wise error control, valid under any dependence, and Benjamini & Yekutieli (2001) false
    discovery rate, also valid under any dependence (Benjamini–Hochberg assumes a positive dependence that
    shares summing to 100, or one variable paired with many, need not have), see :func:`adjust_pvalues`.

References
----------
* Fisher, R. A. (1915). Frequency distribution of the values of the correlation coefficient in samples from an
  indefinitely large population. *Biometrika* 10, 507–521. Hotelling, H. (1953). New light on the correlation
  coefficient and its transforms. *JRSS B* 15, 193–232.
* Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation. *Metron* 1, 3–32.
* Bonett, D. G., & Wright, T. A. (2000). Sample size requirements for estimating Pearson, Kendall and
  Spearman correlations. *Psychometrika* 65, 23–28.
* Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scand. J. Statist.* 6, 65–70.
* Benjamini, Y., & Yekutieli, D. (2001). The control of the false discovery rate in multiple testing under
  dependency. *Ann. Statist.* 29, 1165–1188.
* Westfall, P. H., & Young, S. S. (1993). *Resampling-Based Multiple Testing*. Wiley (single-step maxT).
* Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero. *SAGMB* 9(1).
* Efron, B., & Tibshirani, R. (1993). *An Introduction to the Bootstrap*, ch. 13 (percentile interval).
* Cook, R. D. (1977). Detection of influential observation in linear regression. *Technometrics* 19, 15–18.
* Long, J. S., & Ervin, L. H. (2000). Using heteroscedasticity consistent standard errors in the
  linear regression model. *Am. Statist.* 54, 217–224 (HC3 for small samples).
"""

from __future__ import annotations

import functools
import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy  # its submodules (stats, special, integrate, optimize) load on first use: scipy.stats takes a second

__all__ = [
    "BOOTSTRAP_MIN_N",
    "EXACT_MAX_N",
    "FISHER_MIN_N",
    "CorrResult",
    "OLSResult",
    "PartialResult",
    "PermResult",
    "adjust_pvalues",
    "cooks_distance",
    "correlate",
    "detectable_r",
    "fisher_ci",
    "influence",
    "leave_one_out",
    "linked_set_pvalues",
    "mc_standard_error",
    "most_influential",
    "n_for_power",
    "ols_hc3",
    "partial_correlation",
    "permutation_p",
    "published_family",
    "r_density",
    "r_power",
    "r_pvalue",
    "ratio_permutation_p",
]

Method = Literal["pearson", "spearman"]
_METHODS = ("pearson", "spearman")
MIN_N = 4
"""Smallest pairwise-complete n for which :func:`correlate` estimates anything (Fisher se needs n > 3)."""
EXACT_MAX_N = 9
"""Permutation p-values enumerate all n! pairings up to this n (9! = 362,880 rows of indices, about 26 MB)."""
BOOTSTRAP_MIN_N = 10
"""No bootstrap interval below this n: a resample of n regions holds on average 1 − (1 − 1/n)^n ≈ 63 % distinct
regions (fewer than 6.5 at n = 9), so resampled coefficients pile up at ±1 (at n = 6, ρ = 0.943, 59 % of
resamples give ρ ≥ 0.99) and the percentile interval describes the resampling, not the uncertainty."""
FISHER_MIN_N = 10
"""No Fisher-z interval below this n, as for the bootstrap: the interval assumes bivariate normality, which 6 or 7
regions cannot check, and small subsets in this study are selected on the outcome (published top ranks), where the
interval's coverage is not what it states. :func:`fisher_ci` itself computes the formula at any n > 3; it is
:func:`correlate` that withholds it."""

# Two |r| values closer than this are treated as equal when counting permutation statistics "at least
# as extreme" as the observed one, so that floating-point noise cannot drop exact ties (e.g. the
# reversed permutation, whose |r| equals the observed |r| mathematically).
_TIE_TOL = 1e-12


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
        x, y = scipy.stats.rankdata(x), scipy.stats.rankdata(y)
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
    crit = scipy.stats.norm.ppf(1 - alpha / 2)
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
        p = 2 * scipy.stats.t.sf(np.abs(t), df)
    p = np.where(np.abs(r_arr) == 1, 0.0, p)
    p = np.where(~(df > 0) | np.isnan(r_arr), np.nan, p)
    return _scalar_or_array(p)


def r_density(r: Any, rho: float, n: int) -> Any:
    """Density of the sample Pearson r from n bivariate normal pairs with true correlation ``rho``.

    The exact form (Fisher 1915, as written by Hotelling 1953)::

        f(r) = (n − 2) Γ(n − 1) (1 − ρ²)^((n−1)/2) (1 − r²)^((n−4)/2)
               / (sqrt(2π) Γ(n − ½) (1 − ρr)^(n − 3/2)) · ₂F₁(½, ½; n − ½; (1 + ρr)/2)

    for −1 < r < 1 and n ≥ 4. At ρ = 0 it is the null density behind the t test of :func:`r_pvalue`.
    """
    if n < 4:
        raise ValueError("the density of r needs n ≥ 4")
    if not -1 < rho < 1:
        raise ValueError("rho must lie in (−1, 1)")
    r_arr = np.asarray(r, dtype=float)
    log_c = math.log(n - 2) + scipy.special.gammaln(n - 1) - 0.5 * math.log(2 * math.pi) - scipy.special.gammaln(n - 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_f = (log_c + (n - 1) / 2 * math.log1p(-rho**2) + (n - 4) / 2 * np.log1p(-r_arr**2)
                 - (n - 1.5) * np.log1p(-rho * r_arr))
        out = np.exp(log_f) * scipy.special.hyp2f1(0.5, 0.5, n - 0.5, (1 + rho * r_arr) / 2)
    return _scalar_or_array(np.where(np.abs(r_arr) < 1, out, 0.0))


def _critical_r(n: int, alpha: float) -> float:
    """The |r| at which the two-sided level-alpha t test on n − 2 df starts to reject."""
    t = scipy.stats.t.ppf(1 - alpha / 2, n - 2)
    return float(t / math.sqrt(n - 2 + t * t))


def _power_exact(rho: float, n: float, alpha: float) -> float:
    if not np.isfinite(rho) or not np.isfinite(n) or n < 4:
        return float("nan")
    n = int(n)
    if abs(rho) >= 1:
        return 1.0
    rc = _critical_r(n, alpha)
    inside = scipy.integrate.quad(r_density, -rc, rc, args=(float(rho), n), epsabs=1e-13, epsrel=1e-12, limit=200)[0]
    return float(min(1.0, max(0.0, 1.0 - inside)))


def r_power(r: Any, n: Any, alpha: float = 0.05) -> Any:
    """Exact power of the two-sided level-``alpha`` t test of ρ = 0 on n pairs when the true correlation is ``r``.

    ``power = P(|r̂| ≥ r_c | ρ = r)`` with ``r_c`` the critical |r| of the t test on ``n − 2`` df, integrated over
    the exact density :func:`r_density` of the sample r under bivariate normality. ρ = 0.55 at n = 17 gives
    0.665 (the Fisher-z approximation says 0.638); ``r = 0`` gives ``alpha``; ``n < 4`` gives NaN. The
    permutation test the study reports has practically the same power under normality.

    Use it for a *stated* effect size (a design quantity); power evaluated at an estimated r is a monotone
    function of that estimate's p-value and is not reported anywhere in the study. Vectorised.
    """
    r_arr = np.asarray(r, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    _check_r(r_arr)
    r_b, n_b = np.broadcast_arrays(r_arr, n_arr)
    out = np.array([_power_exact(float(a), float(b), alpha) for a, b in zip(r_b.ravel(), n_b.ravel(), strict=True)])
    return _scalar_or_array(out.reshape(r_b.shape))


def n_for_power(r: float, power: float = 0.8, alpha: float = 0.05) -> int:
    """Smallest n whose exact :func:`r_power` reaches ``power`` for true correlation ``r`` (two-sided ``alpha``).

    For r = 0.3, power 0.8, α = 0.05 this is 84 (as G*Power's exact test; the Fisher-z formula rounds up to 85).
    """
    if not 0 < abs(r) < 1:
        raise ValueError("r must satisfy 0 < |r| < 1")
    if not 0 < power < 1:
        raise ValueError("power must lie in (0, 1)")
    zsum = scipy.stats.norm.ppf(1 - alpha / 2) + scipy.stats.norm.ppf(power)
    n = max(4, math.ceil((zsum / math.atanh(abs(r))) ** 2 + 3))  # Fisher-z start, then exact steps
    while n > 4 and r_power(r, n - 1, alpha) >= power:
        n -= 1
    while r_power(r, n, alpha) < power:
        n += 1
    return n


def detectable_r(n: Any, power: float = 0.8, alpha: float = 0.05) -> Any:
    """Smallest |ρ| that the two-sided level-``alpha`` test on n pairs detects with the given exact power.

    Solves ``r_power(ρ, n) = power`` for ρ: with n = 17, power 0.8, α = 0.05 this is 0.620 — a true correlation
    weaker than that is more likely missed than found. n < 4 → NaN. Vectorised over n.
    """
    n_arr = np.asarray(n, dtype=float)

    def one(nn: float) -> float:
        if not np.isfinite(nn) or nn < 4:
            return float("nan")
        return float(scipy.optimize.brentq(lambda rho: _power_exact(rho, nn, alpha) - power, 1e-9, 1 - 1e-12,
                                     xtol=1e-10))

    out = np.array([one(float(v)) for v in n_arr.ravel()]).reshape(n_arr.shape)
    return _scalar_or_array(out)


# --------------------------------------------------------------------------------------------------
# multiplicity
# --------------------------------------------------------------------------------------------------
def adjust_pvalues(p: Any, method: Literal["holm", "bh", "by"] = "holm") -> Any:
    """Multiplicity-adjusted p-values: Holm (FWER), Benjamini–Hochberg or Benjamini–Yekutieli (FDR).

    With the m non-missing p-values sorted ascending, ``p_(1) ≤ … ≤ p_(m)``:

    * Holm: ``p̃_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j))`` — valid under any dependence;
    * BH:   ``p̃_(i) = min_{j ≥ i} min(1, m/j·p_(j))`` — needs independence or positive dependence;
    * BY:   BH multiplied by ``c(m) = Σ_{k=1..m} 1/k`` — valid under any dependence.

    Rejecting where ``p̃ ≤ α`` is the corresponding procedure at level α. NaNs stay NaN and are not
    counted in m (a coefficient that could not be computed is not a test). Matches
    ``statsmodels.stats.multitest.multipletests(..., method="holm" | "fdr_bh" | "fdr_by")`` on the non-missing
    values (``"fdr_bh"``/``"fdr_by"`` are accepted as aliases). A Series in gives a Series (same index) out;
    otherwise a float array.
    """
    method_key = {"holm": "holm", "bh": "bh", "fdr_bh": "bh", "by": "by", "fdr_by": "by"}.get(method)
    if method_key is None:
        raise ValueError(f"method must be 'holm', 'bh' or 'by', got {method!r}")
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
            c_m = float(np.sum(1.0 / rank)) if method_key == "by" else 1.0
            adj = np.minimum.accumulate(np.minimum(1.0, c_m * m / rank * ps)[::-1])[::-1]
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
    """Attach intervals, p-values and multiplicity corrections to published Pearson coefficients.

    ``df`` needs ``coef_id`` and ``r_published``; an optional ``n`` column overrides the default ``n``
    row by row (missing entries fall back to it). The whole table is one family. Returns a copy of ``df`` with
    these columns added (or replaced):

    ``n``                 sample size used;
    ``ci_low, ci_high``   Fisher z ``1 − alpha`` interval (:func:`fisher_ci`);
    ``p``                 two-sided p for ρ = 0 (:func:`r_pvalue`; only the coefficient is published, so no
                          permutation test is possible);
    ``r_detectable``      smallest |ρ| detectable with ``power`` at n (:func:`detectable_r`, exact) — a property of
                          the design, the same for every coefficient with the same n (no observed power);
    ``p_holm, p_by``      Holm and Benjamini–Yekutieli across the table (:func:`adjust_pvalues`);
    ``significant_raw, significant_holm, significant_by``  ``p ≤ alpha`` (nullable booleans);
    ``reading``           one sentence, e.g. "r = 0.55 at n=17: different from 0 at the 5% level (p = 0.022) but
                          not after Holm correction across 17 coefficients (p_holm = 0.31; BY p = 1.00); 95% CI
                          0.09 to 0.82."

    The report's r are taken as Pearson coefficients over all regions; where a source says otherwise, pass the
    right ``n``.
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
    detectable = {int(v): float(detectable_r(int(v), power, alpha)) for v in np.unique(n_arr)}
    out["r_detectable"] = [detectable[int(v)] for v in n_arr]
    out["p_holm"] = adjust_pvalues(out["p"].to_numpy(), "holm")
    out["p_by"] = adjust_pvalues(out["p"].to_numpy(), "by")
    for src, dst in (("p", "significant_raw"), ("p_holm", "significant_holm"), ("p_by", "significant_by")):
        vals = out[src].to_numpy(dtype=float)
        out[dst] = pd.array([None if np.isnan(v) else bool(v <= alpha) for v in vals], dtype="boolean")
    m = int(np.sum(~np.isnan(out["p"].to_numpy(dtype=float))))
    out["reading"] = [_reading(row, alpha, m) for row in out.itertuples(index=False)]
    return out


def _pfmt(p: float) -> str:
    return f"{p:.2g}" if p < 0.001 else f"{p:.3f}"


def _reading(row: Any, alpha: float, m: int) -> str:
    r, n = row.r_published, row.n
    if not np.isfinite(r) or not np.isfinite(row.p):
        return f"not assessable (r = {r}, n = {n})"
    level = f"{100 * (1 - alpha):g}% CI {_fmt(row.ci_low)} to {_fmt(row.ci_high)}"
    head = f"r = {_fmt(r)} at n={n}: "
    ptxt = f"p = {_pfmt(row.p)}"
    if not row.significant_raw:
        return f"{head}not distinguishable from 0 ({ptxt}); {level}."
    if row.significant_holm:
        return (f"{head}different from 0 ({ptxt}), also after Holm correction across {m} coefficients "
                f"(p_holm = {_pfmt(row.p_holm)}); {level}.")
    by = "survives" if row.significant_by else "does not survive"
    return (f"{head}different from 0 at the {100 * alpha:g}% level ({ptxt}) but not after Holm correction "
            f"across {m} coefficients (p_holm = {row.p_holm:.2f}; Benjamini–Yekutieli {by}, p_by = {row.p_by:.2f}); "
            f"{level}.")


# --------------------------------------------------------------------------------------------------
# one correlation from data
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CorrResult:
    """Result of :func:`correlate`. NaN fields mean "not estimable"; ``note`` says why.

    ``n``                    pairwise-complete pairs used;
    ``r``                    Pearson r or Spearman ρ;
    ``ci_low, ci_high``      Fisher z interval (Bonett–Wright se for Spearman);
    ``p``                    parametric two-sided p: Pearson's t test; for Spearman the exact p (enumeration)
                             at ``n ≤ EXACT_MAX_N`` and scipy's t approximation above;
    ``p_perm``               two-sided permutation p (independence null);
    ``perm_exact``           True when all n! permutations were enumerated (then ``p_perm`` is exact);
    ``n_perm_used``          permutations evaluated (n! when exact);
    ``boot_low, boot_high``  percentile bootstrap interval over regions (pairs resampled), only at
                             ``n ≥ BOOTSTRAP_MIN_N``;
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


@dataclass(frozen=True)
class PermResult:
    """A permutation test: two-sided ``p``, whether it was ``exact`` (all n! pairings), the permutations used,
    the mean of the statistic under the null (0 for independence up to noise; the artefact for a shared
    denominator) and which ``null`` was used."""

    p: float
    exact: bool
    n_used: int
    null_mean: float
    null: str
    n: int = 0


@functools.lru_cache(maxsize=4)
def _all_permutations(n: int) -> np.ndarray:
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.intp)
    perms.setflags(write=False)
    return perms


def _use_exact(n: int, exact: bool | None) -> bool:
    if exact and n > EXACT_MAX_N:
        raise ValueError(f"exact permutation enumeration is limited to n ≤ {EXACT_MAX_N} (n! rows), got n={n}")
    return n <= EXACT_MAX_N if exact is None else bool(exact)


def _permutations(n: int, n_perm: int, rng: np.random.Generator | int | None, exact: bool | None
                  ) -> tuple[np.ndarray, bool]:
    """Index rows: all n! permutations (exact) or ``n_perm`` random ones.

    ``rng`` may be a seed (an int): the random rows for one (n, n_perm, seed) are then drawn once and reused
    (read-only), so that the many tests of one study with the same seed do not redraw 100,000 × n indices each.
    """
    if _use_exact(n, exact):
        return _all_permutations(n), True
    if isinstance(rng, int | np.integer):
        return _seeded_permutations(n, n_perm, int(rng)), False
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return _draw_permutations(n, n_perm, rng), False


def _draw_permutations(n: int, n_perm: int, rng: np.random.Generator) -> np.ndarray:
    dtype = np.int32 if n < 2**31 else np.intp
    return rng.permuted(np.tile(np.arange(n, dtype=dtype), (n_perm, 1)), axis=1)


@functools.lru_cache(maxsize=8)
def _seeded_permutations(n: int, n_perm: int, seed: int) -> np.ndarray:
    perms = _draw_permutations(n, n_perm, np.random.default_rng(seed))
    perms.setflags(write=False)
    return perms


def mc_standard_error(p: Any, n_used: Any, exact: Any = False) -> Any:
    """Monte Carlo standard error of a permutation p estimated from ``n_used`` random permutations.

    ``sqrt(p (1 − p) / n_used)`` (the binomial error of the tail share); 0 for an exact p (all n! pairings
    enumerated); NaN when p is NaN or no permutation was used. At p = 0.003 and 100,000 permutations it is 0.00017,
    so Holm over 21 findings (21 p) carries about ± 0.004. Vectorised.
    """
    p_arr = np.asarray(p, dtype=float)
    n_arr = np.asarray(n_used, dtype=float)
    ex = np.asarray(exact, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(p_arr * (1 - p_arr) / n_arr)
    se = np.where(ex & np.isfinite(p_arr), 0.0, se)
    se = np.where(~(n_arr > 0) | np.isnan(p_arr), np.nan, se)
    return _scalar_or_array(se)


def _permuted_r(xs: np.ndarray, ys: np.ndarray, perms: np.ndarray) -> np.ndarray:
    """Pearson r of ``xs`` with each row ``ys[perm]``: a permutation keeps the mean and the norm of ys, so every
    r is one dot product, ``(y_c[perm] · x_c) / (|x_c| |y_c|)`` (one gather and one matrix–vector product)."""
    xc = xs - xs.mean()
    yc = ys - ys.mean()
    denom = math.sqrt(float(xc @ xc) * float(yc @ yc))
    if denom == 0:
        return np.full(perms.shape[0], np.nan)
    return np.clip(yc[perms] @ xc / denom, -1.0, 1.0)


def _rank_rows(a: np.ndarray) -> np.ndarray:
    return scipy.stats.rankdata(a, axis=-1)


def _tail_p(count: int, total: int, exact: bool) -> float:
    return count / total if exact else (count + 1) / (total + 1)


def _permutation_p(
    xs: np.ndarray, ys: np.ndarray, r_obs: float, n_perm: int, rng: np.random.Generator | int | None,
    exact: bool | None,
) -> tuple[float, bool, int, float]:
    """Two-sided permutation p for the (already ranked, if Spearman) pairs, the null mean of r.

    Exact enumeration of all n! pairings when ``exact`` is True, or when ``exact`` is None and
    ``n ≤ EXACT_MAX_N``: ``p = #{π : |r_π| ≥ |r_obs|} / n!`` (the identity is one of the π, so p ≥ 1/n!).
    Otherwise Monte Carlo with the +1 correction (Phipson & Smyth 2010):
    ``p = (#{|r_π| ≥ |r_obs|} + 1) / (n_perm + 1)``, which is a valid p-value and never 0.
    """
    perms, used_exact = _permutations(xs.size, n_perm, rng, exact)
    r_perm = _permuted_r(xs, ys, perms)
    count = int(np.sum(np.abs(r_perm) >= abs(r_obs) - _TIE_TOL))
    return _tail_p(count, perms.shape[0], used_exact), used_exact, int(perms.shape[0]), float(np.mean(r_perm))


def permutation_p(x: Any, y: Any, method: Method = "pearson", n_perm: int = 20000, seed: int | None = 2021,
                  exact: bool | None = None) -> PermResult:
    """Two-sided permutation test of independence for Pearson r or Spearman ρ (pairwise-complete pairs).

    Exact (all n! pairings) at ``n ≤ EXACT_MAX_N`` unless ``exact=False``; Monte Carlo with ``n_perm``
    permutations above. For Spearman the ranks are permuted, so the exact p is the exact p of ρ.
    """
    _check_method(method)
    xs, ys, _ = _pairwise_complete(x, y)
    n = int(xs.size)
    if n < MIN_N or np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return PermResult(float("nan"), False, 0, float("nan"), "independence", n)
    if not _use_exact(n, exact) and n_perm <= 0:
        return PermResult(float("nan"), False, 0, float("nan"), "independence", n)
    if method == "spearman":
        xs, ys = scipy.stats.rankdata(xs), scipy.stats.rankdata(ys)
    r_obs = _r(xs, ys, "pearson")
    p, used_exact, used, mean = _permutation_p(xs, ys, r_obs, n_perm, seed, exact)
    return PermResult(p, used_exact, used, mean, "independence", n)


def ratio_permutation_p(
    numerator: Any, denominator: Any, y: Any, method: Method = "pearson",
    transform: Callable[[np.ndarray], np.ndarray] | None = None, scale: float = 1.0, n_perm: int = 20000,
    seed: int | None = 2021, exact: bool | None = None,
) -> PermResult:
    """Permutation test for a rate ``x = transform(scale·numerator/denominator)`` against ``y`` that shares the
    denominator (e.g. organisations per 100,000 against population, or against density, which contains it).

    Under independence of the *numerator* from y, the numerators are exchangeable across regions while each
    region keeps its own denominator: the null permutes the numerators and divides by the real denominators, so
    the correlation the shared denominator produces on its own stays in the null (its mean is ``null_mean``).
    The null distribution is not centred on 0, so the two-sided p is ``min(1, 2·min(P(r_π ≤ r), P(r_π ≥ r)))``,
    each tail exact (all n! permutations at ``n ≤ EXACT_MAX_N``) or Monte Carlo with the +1 correction. The
    observed statistic is computed from the same ratio. Rows missing any of the three values are dropped.
    """
    _check_method(method)
    num, den, ya = _as_float(numerator), _as_float(denominator), _as_float(y)
    if not num.shape == den.shape == ya.shape:
        raise ValueError("numerator, denominator and y must have the same length")
    f = transform if transform is not None else (lambda v: v)  # noqa: E731 - identity
    with np.errstate(divide="ignore", invalid="ignore"):
        x_obs = f(scale * num / den)
    ok = np.isfinite(num) & np.isfinite(den) & (den != 0) & np.isfinite(ya) & np.isfinite(x_obs)
    num, den, ya, x_obs = num[ok], den[ok], ya[ok], x_obs[ok]
    n = int(num.size)
    if n < MIN_N or np.ptp(x_obs) == 0 or np.ptp(ya) == 0 or (not _use_exact(n, exact) and n_perm <= 0):
        return PermResult(float("nan"), False, 0, float("nan"), "shared denominator", n)
    perms, used_exact = _permutations(n, n_perm, seed, exact)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_perm = f(scale * num[perms] / den[None, :])
    y_b = np.broadcast_to(ya, perms.shape)
    if method == "spearman":
        x_perm, y_b, x_obs, ya = _rank_rows(x_perm), _rank_rows(y_b), scipy.stats.rankdata(x_obs), scipy.stats.rankdata(ya)
    r_obs = _r(x_obs, ya, "pearson")
    r_perm = _rowwise_r(x_perm, y_b)
    total = perms.shape[0]
    lower = _tail_p(int(np.sum(r_perm <= r_obs + _TIE_TOL)), total, used_exact)
    upper = _tail_p(int(np.sum(r_perm >= r_obs - _TIE_TOL)), total, used_exact)
    return PermResult(float(min(1.0, 2 * min(lower, upper))), used_exact, int(total), float(np.nanmean(r_perm)),
                      "shared denominator", n)


@dataclass(frozen=True)
class SetResult:
    """Result of :func:`linked_set_pvalues`: per member r and maxT-adjusted p, the set's p, n and how."""

    r: np.ndarray
    p_adjusted: np.ndarray
    p_set: float
    n: int
    exact: bool
    n_used: int


def linked_set_pvalues(X: Any, y: Any, method: Method = "pearson", n_perm: int = 20000, seed: int | None = 2021,
                       exact: bool | None = None) -> SetResult:
    """One permutation test for a set of linked variables (shares that sum to 100) against y.

    The shares of one composition are not separate findings: when one rises another must fall. The set is tested
    as one finding with the single-step maxT procedure (Westfall & Young 1993): y is permuted across regions
    (the same permutation for every member), ``M_π = max_k |r(X_k, y_π)|``, and each member's adjusted p is
    ``P(M_π ≥ |r_k|)``; the set's p is the smallest of them. This controls the family-wise error within the set
    under any dependence between the shares. Rows missing any value are dropped (complete cases). Exact at
    ``n ≤ EXACT_MAX_N``. For Spearman each column and y are ranked first.
    """
    _check_method(method)
    frame = pd.DataFrame(np.asarray(X, dtype=float))
    frame["_y"] = _as_float(y)
    frame = frame[np.isfinite(frame.to_numpy()).all(axis=1)]
    k = frame.shape[1] - 1
    n = int(len(frame))
    xs = frame.iloc[:, :k].to_numpy().T  # k × n
    ys = frame["_y"].to_numpy()
    nan = np.full(k, np.nan)
    if n < MIN_N or np.ptp(ys) == 0 or (not _use_exact(n, exact) and n_perm <= 0):
        return SetResult(nan, nan.copy(), float("nan"), n, False, 0)
    if method == "spearman":
        xs, ys = _rank_rows(xs), scipy.stats.rankdata(ys)
    varying = np.ptp(xs, axis=1) > 0
    r_obs = np.full(k, np.nan)
    r_obs[varying] = _rowwise_r(xs[varying], np.broadcast_to(ys, xs[varying].shape))
    perms, used_exact = _permutations(n, n_perm, seed, exact)
    xv = xs[varying] - xs[varying].mean(axis=1, keepdims=True)
    yc = ys - ys.mean()
    norms = np.sqrt((xv * xv).sum(axis=1) * float(yc @ yc))
    m_perm = np.abs(yc[perms] @ (xv / norms[:, None]).T).max(axis=1) if xv.shape[0] else np.zeros(perms.shape[0])
    p_adj = np.full(k, np.nan)
    for j in np.flatnonzero(varying):
        p_adj[j] = _tail_p(int(np.sum(m_perm >= abs(r_obs[j]) - _TIE_TOL)), perms.shape[0], used_exact)
    p_set = float(np.nanmin(p_adj)) if np.any(varying) else float("nan")
    return SetResult(r_obs, p_adj, p_set, n, used_exact, int(perms.shape[0]))


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
        xb, yb = scipy.stats.rankdata(xb, axis=1), scipy.stats.rankdata(yb, axis=1)
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
    n_perm: int = 20000,
    seed: int | None = 2021,
    alpha: float = 0.05,
    exact_perm: bool | None = None,
    ci_min_n: int = FISHER_MIN_N,
) -> CorrResult:
    """Correlation of x and y with every uncertainty measure the study reports.

    Pairs with a missing (NaN/None/inf) value in either variable are dropped; ``n`` is what remains.
    When ``n < 4`` or a variable is constant over those pairs, everything but ``n`` is NaN and
    ``note`` explains; nothing is raised.

    * ``r`` — :func:`scipy.stats.pearsonr` / :func:`scipy.stats.spearmanr`.
    * ``p`` — Pearson: the t test of :func:`scipy.stats.pearsonr`. Spearman: the exact p (all n! rank pairings)
      at ``n ≤ EXACT_MAX_N``, where scipy's t approximation is far off (n = 6, ρ = 0.943: exact 0.0167, t 0.0048);
      scipy's t approximation above.
    * ``ci_low, ci_high`` — :func:`fisher_ci` (Bonett–Wright se for Spearman), only at ``n ≥ ci_min_n``
      (:data:`FISHER_MIN_N`; a note says why it is withheld below).
    * ``p_perm`` — two-sided permutation p (|r| at least as large as observed). Exact enumeration when
      ``n ≤ EXACT_MAX_N`` (unless ``exact_perm=False``; ``exact_perm=True`` forces it, at most n = 9), else
      ``n_perm`` random permutations with the +1 correction ``(count + 1)/(n_perm + 1)``. For Spearman the ranks
      are permuted. ``n_perm=0`` skips the Monte Carlo test (the exact one costs nothing and always runs).
    * ``boot_low, boot_high`` — percentile bootstrap with ``n_boot`` resamples of the regions (pairs kept
      together), only at ``n ≥ BOOTSTRAP_MIN_N``; resamples in which x or y is constant are skipped and counted
      in ``n_boot_degenerate``.

    Deterministic given ``seed``: a :class:`numpy.random.SeedSequence` is split into independent
    streams for the bootstrap and the permutations, so changing ``n_perm`` does not change the
    bootstrap interval.
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
    res = scipy.stats.pearsonr(xs, ys) if method == "pearson" else scipy.stats.spearmanr(xs, ys)
    r, p = float(res.statistic), float(res.pvalue)
    notes = []
    if n >= ci_min_n:
        ci_low, ci_high = fisher_ci(r, n, alpha, method)
        if abs(r) == 1:
            notes.append("|r| = 1: Fisher interval degenerate")
    else:
        ci_low = ci_high = float("nan")
        notes.append(f"no Fisher interval below n = {ci_min_n}")
    boot_ss, perm_ss = np.random.SeedSequence(seed).spawn(2)
    boot_low = boot_high = float("nan")
    n_valid = n_degenerate = 0
    if n_boot > 0 and n >= BOOTSTRAP_MIN_N:
        boot_low, boot_high, n_valid, n_degenerate = _bootstrap(
            xs, ys, method, n_boot, alpha, np.random.default_rng(boot_ss))
        if n_degenerate:
            notes.append(f"{n_degenerate} of {n_boot} bootstrap resamples degenerate (skipped)")
    elif n_boot > 0:
        notes.append(f"no bootstrap interval below n = {BOOTSTRAP_MIN_N}")
    p_perm, perm_exact, n_perm_used = float("nan"), False, 0
    exact_now = exact_perm if exact_perm is not None else (n <= EXACT_MAX_N)
    if exact_now or n_perm > 0:
        xr, yr = (scipy.stats.rankdata(xs), scipy.stats.rankdata(ys)) if method == "spearman" else (xs, ys)
        p_perm, perm_exact, n_perm_used, _ = _permutation_p(
            xr, yr, _r(xr, yr, "pearson"), n_perm, np.random.default_rng(perm_ss), exact_now)
    if method == "spearman" and n <= EXACT_MAX_N:
        if not perm_exact:
            xr, yr = scipy.stats.rankdata(xs), scipy.stats.rankdata(ys)
            p = _permutation_p(xr, yr, _r(xr, yr, "pearson"), 0, np.random.default_rng(perm_ss), True)[0]
        else:
            p = p_perm
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


def influence(x: Any, y: Any, labels: Any = None, method: Method = "pearson") -> dict[str, Any]:
    """Influence of single regions in both directions (pairwise-complete pairs only).

    ``loo_r_min`` / ``loo_r_max``: the smallest and largest r with one region left out, and the regions whose removal
    gives them (``loo_region_min`` / ``loo_region_max``). ``towards_zero_region``: the one whose removal moves r most
    towards zero (for r > 0 the minimum, for r < 0 the maximum; it *carries* the correlation) and ``away_region``
    the one whose removal moves r most away from zero (it *masks* a stronger one), each with its r. The most
    influential region either way (largest |change|) is :func:`most_influential`'s. ``cooks_d_max`` is the largest
    Cook's distance of any region — the larger of the regressions y on x and x on y (a correlation is symmetric) —
    and ``cooks_d_max_region`` its region; ``cooks_d`` maps each region to its distance. NaN/None when r is
    undefined.
    """
    xa, ya = _as_float(x), _as_float(y)
    lab = np.arange(xa.size) if labels is None else np.asarray(list(labels), dtype=object)
    loo = leave_one_out(xa, ya, lab, method)
    out: dict[str, Any] = {"loo_r_min": float("nan"), "loo_r_max": float("nan"), "loo_region_min": None,
                           "loo_region_max": None, "towards_zero_region": None, "r_towards_zero": float("nan"),
                           "away_region": None, "r_away": float("nan"), "cooks_d_max": float("nan"),
                           "cooks_d_max_region": None, "cooks_d": {}}
    r_wo = loo["r_without"].to_numpy(dtype=float) if len(loo) else np.array([])
    if not np.any(np.isfinite(r_wo)):
        return out
    r_full = float(loo["r_full"].iloc[0])
    i_min, i_max = int(np.nanargmin(r_wo)), int(np.nanargmax(r_wo))
    out.update(loo_r_min=float(r_wo[i_min]), loo_r_max=float(r_wo[i_max]), loo_region_min=loo["label"].iloc[i_min],
               loo_region_max=loo["label"].iloc[i_max])
    towards, away = (i_min, i_max) if r_full >= 0 else (i_max, i_min)
    out.update(towards_zero_region=loo["label"].iloc[towards], r_towards_zero=float(r_wo[towards]),
               away_region=loo["label"].iloc[away], r_away=float(r_wo[away]))
    d = np.fmax(cooks_distance(xa, ya), cooks_distance(ya, xa))
    ok = np.isfinite(d)
    if np.any(ok):
        j = int(np.nanargmax(d))
        out.update(cooks_d_max=float(d[j]), cooks_d_max_region=lab[j],
                   cooks_d={lab[k]: float(d[k]) for k in np.flatnonzero(ok)})
    return out


def cooks_distance(x: Any, y: Any) -> np.ndarray:
    """Cook's distance of each pair in the least-squares line of y on x (Cook 1977), aligned with the input.

    ``D_i = e_i² h_i / (2 s² (1 − h_i)²)`` with ``h_i`` the leverage, ``e_i`` the residual and ``s²`` the residual
    variance on ``n − 2`` df. Pairs with a missing value get NaN; fewer than 4 complete pairs, a constant x or a
    perfect fit give NaN throughout. A correlation is symmetric but this regression is not: the study reports the
    larger of ``cooks_distance(x, y)`` and ``cooks_distance(y, x)`` for a region.
    """
    xa, ya = _as_float(x), _as_float(y)
    out = np.full(xa.shape, np.nan)
    xs, ys, mask = _pairwise_complete(xa, ya)
    n = xs.size
    if n < MIN_N or np.ptp(xs) == 0:
        return out
    xc = xs - xs.mean()
    slope = float(xc @ (ys - ys.mean()) / (xc @ xc))
    resid = ys - ys.mean() - slope * xc
    s2 = float(resid @ resid) / (n - 2)
    if s2 <= 0:
        return out
    h = 1.0 / n + xc**2 / (xc @ xc)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[mask] = resid**2 * h / (2 * s2 * (1 - h) ** 2)
    return out


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
