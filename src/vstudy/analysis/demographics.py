"""Volunteer demographics: age and social-status mix by region, distance from the national mix, the pension erratum.

The report publishes, for each region, four within-region age shares and four social-status shares as ranked
lists. The pension-age list is a verbatim copy of the 30-to-pension list (erratum E01); the corrected pension
share is the residual 100 − (under 18 + 18–29 + 30 to pension), derived here and shown beside the published one.

Distance from the national mix: the total variation distance (TVD) between a region's shares p and the national
shares q, ``TVD = ½ Σ |p_i − q_i|`` in percentage points — the share of a region's volunteers that would have
to change category for the region to look like the country (0 = identical, 100 = disjoint). Both vectors are
first rescaled to sum to 100, so rounding in the published shares does not count as distance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vstudy.analysis.replication import age_wide, status_wide
from vstudy.vocab import AGE_GROUPS, STATUSES

__all__ = ["AGE_GROUPS", "STATUSES", "age_shares", "status_shares", "national_shares", "tvd",
           "distance_from_national", "pension_erratum", "combined_distance"]


def age_shares(age_by_region: pd.DataFrame, scheme: str, corrected: bool = True) -> pd.DataFrame:
    """Regions × age groups (within-region shares, %). With ``corrected`` the pension column is the residual."""
    wide = age_wide(age_by_region, scheme)
    if corrected and "pension_corrected" in wide.columns:
        wide = wide.drop(columns=["pension"]).rename(columns={"pension_corrected": "pension"})
    return wide[[c for c in AGE_GROUPS if c in wide.columns]]


def status_shares(status_by_region: pd.DataFrame, scheme: str) -> pd.DataFrame:
    wide = status_wide(status_by_region, scheme)
    return wide[[c for c in STATUSES if c in wide.columns]]


def national_shares(national: pd.DataFrame, key: str) -> pd.Series:
    """The national shares table (one row per category) as a Series indexed by category id."""
    return national.set_index(key)["share_pct"].astype(float)


def tvd(p: np.ndarray, q: np.ndarray) -> float:
    """Total variation distance in percentage points between two share vectors (each rescaled to 100)."""
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    if p.shape != q.shape or np.isnan(p).any() or np.isnan(q).any():
        return float("nan")
    p = 100 * p / p.sum()
    q = 100 * q / q.sum()
    return float(0.5 * np.abs(p - q).sum())


def distance_from_national(wide: pd.DataFrame, national: pd.Series) -> pd.DataFrame:
    """Per region: TVD from the national mix and the category that contributes most (with its difference)."""
    cats = [c for c in wide.columns if c in national.index]
    q = national[cats].to_numpy(dtype=float)
    rows = []
    for code, shares in wide[cats].iterrows():
        p = shares.to_numpy(dtype=float)
        diff = p - q
        top = int(np.nanargmax(np.abs(diff))) if not np.isnan(diff).all() else 0
        rows.append({"region_code": code, "tvd_pp": round(tvd(p, q), 2), "largest_gap_category": cats[top],
                     "largest_gap_pp": round(float(diff[top]), 2)})
    return pd.DataFrame(rows).sort_values("tvd_pp", ascending=False).reset_index(drop=True)


def combined_distance(age: pd.DataFrame | None, age_nat: pd.Series | None, status: pd.DataFrame | None,
                      status_nat: pd.Series | None) -> pd.DataFrame:
    """TVD by age, by status and their mean, one row per region, sorted by the mean (furthest first)."""
    parts = []
    if age is not None and age_nat is not None:
        parts.append(distance_from_national(age, age_nat)[["region_code", "tvd_pp"]]
                     .rename(columns={"tvd_pp": "tvd_age_pp"}))
    if status is not None and status_nat is not None:
        parts.append(distance_from_national(status, status_nat)[["region_code", "tvd_pp"]]
                     .rename(columns={"tvd_pp": "tvd_status_pp"}))
    if not parts:
        return pd.DataFrame(columns=["region_code", "tvd_mean_pp"])
    out = parts[0]
    for extra in parts[1:]:
        out = out.merge(extra, on="region_code", how="outer")
    out["tvd_mean_pp"] = out[[c for c in out.columns if c.startswith("tvd_")]].mean(axis=1).round(2)
    return out.sort_values("tvd_mean_pp", ascending=False).reset_index(drop=True)


def pension_erratum(age_by_region: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """The published pension list beside the 30-to-pension list and the corrected residual (erratum E01)."""
    wide = age_wide(age_by_region, scheme)
    out = pd.DataFrame({
        "region_code": wide.index,
        "age_30_to_pension_pct": wide["30_to_pension"].to_numpy(),
        "pension_published_pct": wide["pension"].to_numpy(),
        "pension_corrected_pct": wide["pension_corrected"].to_numpy(),
    })
    out["published_is_duplicate"] = np.isclose(out["pension_published_pct"], out["age_30_to_pension_pct"])
    others = wide[list(AGE_GROUPS[:3])].sum(axis=1).to_numpy()
    out["sum_with_published_pct"] = (others + out["pension_published_pct"]).round(2)
    out["sum_with_corrected_pct"] = (others + out["pension_corrected_pct"]).round(2)
    return out.sort_values("pension_corrected_pct", ascending=False).reset_index(drop=True)


# --- organisations: NGOs and initiative groups --------------------------------------------------------------


def organisations_frame(counts: pd.DataFrame) -> pd.DataFrame:
    """Per region: counts, within-region shares, shares of the national totals and rates per 100,000.

    ``counts`` needs region_code, ngo_count, initiative_group_count and, for the rates, population_count
    (the processed wide table ``regions_<scheme>`` has all of them).
    """
    cols = ["region_code", "ngo_count", "initiative_group_count"] + (
        ["population_count"] if "population_count" in counts.columns else [])
    out = counts[cols].copy()
    for c in cols[1:]:
        out[c] = out[c].astype(float)
    out["organisations_count"] = out["ngo_count"] + out["initiative_group_count"]
    out["ngo_share_pct"] = (100 * out["ngo_count"] / out["organisations_count"]).round(2)
    out["group_share_pct"] = (100 * out["initiative_group_count"] / out["organisations_count"]).round(2)
    out["share_of_national_ngo_pct"] = (100 * out["ngo_count"] / out["ngo_count"].sum()).round(2)
    out["share_of_national_groups_pct"] = (100 * out["initiative_group_count"]
                                           / out["initiative_group_count"].sum()).round(2)
    if "population_count" in out.columns:
        for c, name in (("organisations_count", "organisations_per_100k"), ("ngo_count", "ngo_per_100k"),
                        ("initiative_group_count", "initiative_groups_per_100k")):
            out[name] = (1e5 * out[c] / out["population_count"]).round(2)
    return out.sort_values("organisations_count", ascending=False).reset_index(drop=True)


def organisation_totals(frame: pd.DataFrame, national_population: float | None = None) -> dict[str, float]:
    """National totals: NGOs, groups, the groups' share of all associations and, optionally, the rate."""
    ngo, grp = float(frame["ngo_count"].sum()), float(frame["initiative_group_count"].sum())
    out = {"ngo_count": ngo, "initiative_group_count": grp, "organisations_count": ngo + grp,
           "initiative_group_share_pct": round(100 * grp / (ngo + grp), 2)}
    if national_population:
        out["organisations_per_100k"] = round(1e5 * (ngo + grp) / national_population, 2)
    return out
