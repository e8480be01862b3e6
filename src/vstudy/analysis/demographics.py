"""Volunteer demographics (section 01) and organisations (section 02), from the processed layer.

Every input is a processed table (``age_<scheme>``, ``status_<scheme>``, ``national_shares_<scheme>``,
``gender_extremes``, ``regions_<scheme>``): the corrected pension share, the shares implied by supplied volunteer
counts and the organisation counts are derived once, in :mod:`vstudy.data.processed`, and only read here.

Distance from the national mix: the total variation distance (TVD) between a region's shares p and the national
shares q, ``TVD = ½ Σ |p_i − q_i|`` in percentage points — the share of a region's volunteers that would have
to change category for the region to look like the country (0 = identical, 100 = disjoint). Both vectors are
first rescaled to sum to 100, so rounding in the published shares does not count as distance.

The sentences of sections 01 and 02 are catalogue messages filled by
:mod:`vstudy.present.prose.demographics` and :mod:`vstudy.present.prose.organisations` from these frames.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from vstudy.data.processed import AGE_SHARE_COLUMNS, PENSION_AS_PUBLISHED, STATUS_COLUMNS
from vstudy.vocab import AGE_GROUPS, STATUSES

__all__ = ["AGE_GROUPS", "STATUSES", "age_shares", "status_shares", "published_national", "reference_national",
           "implied_national", "tvd", "distance_from_national", "combined_distance", "distance_table",
           "pension_erratum", "gender_extremes", "organisations_frame", "organisation_totals"]

DIMENSIONS = {"age": "age_group", "status": "status"}
# How the data layer describes a pension-age list it replaced because it copies another list (processed
# ``age_<scheme>.pension_correction``, written by vstudy.data.processed).
DUPLICATE_MARK = "duplicates another"


# --- regional shares ------------------------------------------------------------------------------------------


def _shares(table: pd.DataFrame | None, columns: Mapping[str, str]) -> pd.DataFrame | None:
    if table is None:
        return None
    out = table[["region_code", *columns.values()]].rename(columns={v: k for k, v in columns.items()})
    out = out.dropna(subset=list(columns), how="all")
    for c in columns:
        out[c] = out[c].astype("float64")
    return out.sort_values("region_code").reset_index(drop=True)


def age_shares(age: pd.DataFrame | None) -> pd.DataFrame | None:
    """``region_code`` and the four age shares of the processed ``age_<scheme>`` table (%, within the region).

    The pension share is the data layer's ``vol_age_pension_pct``: the residual where the published list copies
    another list, else as published.
    """
    return _shares(age, AGE_SHARE_COLUMNS)


def status_shares(status: pd.DataFrame | None) -> pd.DataFrame | None:
    """``region_code`` and the four social-status shares of the processed ``status_<scheme>`` table."""
    return _shares(status, STATUS_COLUMNS)


# --- national shares --------------------------------------------------------------------------------------------


def published_national(national: pd.DataFrame | None) -> pd.DataFrame | None:
    """The national shares the dataset publishes (dimension, category, share_pct); None when it publishes none."""
    if national is None:
        return None
    rows = national[national["published_pct"].notna()]
    if rows.empty:
        return None
    out = rows[["dimension", "category", "published_pct"]].rename(columns={"published_pct": "share_pct"})
    out["share_pct"] = out["share_pct"].astype("float64")
    return out.reset_index(drop=True)


def reference_national(national: pd.DataFrame | None, dimension: str) -> tuple[pd.Series | None, str | None]:
    """The national mix a region is compared with: the published shares, else those implied by volunteer counts.

    Returns ``(shares indexed by category, "published" | "implied")`` or ``(None, None)``.
    """
    if national is None:
        return None, None
    rows = national[national["dimension"] == dimension].set_index("category")
    for column, basis in (("published_pct", "published"), ("implied_pct", "implied")):
        values = rows[column].dropna() if column in rows else pd.Series(dtype=float)
        if len(values):
            return values.astype("float64"), basis
    return None, None


def implied_national(national: pd.DataFrame | None) -> pd.DataFrame | None:
    """National shares implied by the supplied volunteer counts, beside the published ones (None without counts).

    ``published_national_pct`` appears only when the dataset publishes national shares: "published" is never a
    value derived from the same inputs.
    """
    if national is None or national["implied_pct"].isna().all():
        return None
    rows = national[national["implied_pct"].notna()]
    out = pd.DataFrame({
        "dimension": rows["dimension"].map({v: k for k, v in DIMENSIONS.items()}).fillna(rows["dimension"]),
        "category": rows["category"],
        "implied_national_pct": rows["implied_pct"].astype("float64").round(2),
        "published_national_pct": rows["published_pct"].astype("float64"),
    })
    if out["published_national_pct"].isna().all():  # nothing published: the column is left out, not left empty
        out = out.drop(columns="published_national_pct")
    return out.reset_index(drop=True)


# --- distance from the national mix ----------------------------------------------------------------------------


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
    """Per region: TVD from the national mix and the category that contributes most (with its difference).

    ``wide`` has region_code and one column per category (as :func:`age_shares` returns).
    """
    wide = wide.set_index("region_code") if "region_code" in wide.columns else wide
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


def distance_table(ages: pd.DataFrame | None, statuses: pd.DataFrame | None,
                   national: pd.DataFrame | None) -> pd.DataFrame | None:
    """TVD by age, by status, their mean, and each dimension's largest gap (category, points); None without inputs.

    Regions are compared with the published national mix, or, where none is published, with the mix implied by
    the supplied volunteer counts (:func:`reference_national`).
    """
    age_nat, _ = reference_national(national, "age_group")
    status_nat, _ = reference_national(national, "status")
    dist = combined_distance(ages, age_nat, statuses, status_nat)
    if dist.empty:
        return None
    for name, wide, nat in (("age", ages, age_nat), ("status", statuses, status_nat)):
        if wide is not None and nat is not None:
            gaps = distance_from_national(wide, nat)[["region_code", "largest_gap_category", "largest_gap_pp"]]
            dist = dist.merge(gaps.rename(columns={"largest_gap_category": f"{name}_largest_gap",
                                                   "largest_gap_pp": f"{name}_largest_gap_pp"}),
                              on="region_code", how="left")
    return dist


# --- the pension-age list ---------------------------------------------------------------------------------------


def pension_corrected(age: pd.DataFrame | None) -> bool:
    """Whether the data layer replaced a published pension-age list because it copies another list (a share the
    data layer derives from supplied counts is no correction: nothing was published to correct)."""
    if age is None:
        return False
    how = age["pension_correction"].dropna().astype(str)
    return bool((how != PENSION_AS_PUBLISHED).any() and how.str.contains(DUPLICATE_MARK, regex=False).any())


def pension_erratum(age: pd.DataFrame | None) -> pd.DataFrame | None:
    """The published pension list beside the 30-to-pension list and the corrected share, with the row sums.

    None when the dataset has no age lists or its pension list is used as published (nothing to correct).
    Sorted by the corrected share, largest first.
    """
    if not pension_corrected(age):
        return None
    rows = age.dropna(subset=["vol_age_30_to_pension_pct"])
    out = pd.DataFrame({
        "region_code": rows["region_code"].to_numpy(),
        "age_30_to_pension_pct": rows["vol_age_30_to_pension_pct"].astype("float64").to_numpy(),
        "pension_published_pct": rows["vol_age_pension_pct_published"].astype("float64").to_numpy(),
        "pension_corrected_pct": rows["vol_age_pension_pct"].astype("float64").to_numpy(),
    })
    out["published_is_duplicate"] = np.isclose(out["pension_published_pct"], out["age_30_to_pension_pct"])
    out["sum_with_published_pct"] = rows["sum_published_pct"].astype("float64").round(2).to_numpy()
    out["sum_with_corrected_pct"] = rows["sum_corrected_pct"].astype("float64").round(2).to_numpy()
    return out.sort_values("pension_corrected_pct", ascending=False, kind="stable").reset_index(drop=True)


# --- national shares, gender, regional mixes ------------------------------------------------------------------


def gender_extremes(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """The regions named as gender extremes (region_code, male_pct, female_pct, extreme); None when absent."""
    if table is None:
        return None
    rows = table[table["extreme"].str.contains("share") & table["region_code"].notna()]
    return rows[["region_code", "male_pct", "female_pct", "extreme"]].reset_index(drop=True)


# --- organisations: NGOs and initiative groups --------------------------------------------------------------


def organisations_frame(regions: pd.DataFrame | None) -> pd.DataFrame | None:
    """Per region: the data layer's counts and rates, with within-region shares and shares of the national totals.

    ``regions`` is the processed ``regions_<scheme>`` table (ngo_count, initiative_group_count, organisations_count,
    population_count and the rates per 100,000 come from the data layer; nothing is reconstructed here). None when
    the dataset has no organisation counts. Sorted by the number of associations, largest first.
    """
    if regions is None or "ngo_count" not in regions.columns or regions["ngo_count"].isna().all():
        return None
    rates = [c for c in ("organisations_per_100k", "ngo_per_100k", "initiative_groups_per_100k")
             if c in regions.columns]
    cols = ["region_code", "ngo_count", "initiative_group_count"] + (
        ["population_count"] if "population_count" in regions.columns else [])
    out = regions.dropna(subset=["ngo_count", "initiative_group_count"])[cols + ["organisations_count"] + rates]
    out = out[cols + ["organisations_count"] + rates].astype({c: "float64" for c in cols[1:] + ["organisations_count"]
                                                              + rates})
    out.insert(len(cols) + 1, "ngo_share_pct", (100 * out["ngo_count"] / out["organisations_count"]).round(2))
    out.insert(len(cols) + 2, "group_share_pct",
               (100 * out["initiative_group_count"] / out["organisations_count"]).round(2))
    out.insert(len(cols) + 3, "share_of_national_ngo_pct", (100 * out["ngo_count"] / out["ngo_count"].sum()).round(2))
    out.insert(len(cols) + 4, "share_of_national_groups_pct",
               (100 * out["initiative_group_count"] / out["initiative_group_count"].sum()).round(2))
    for c in rates:
        out[c] = out[c].round(2)
    return out.sort_values("organisations_count", ascending=False, kind="stable").reset_index(drop=True)


def organisation_totals(frame: pd.DataFrame, national_population: float | None = None) -> dict[str, float]:
    """National totals: NGOs, groups, the groups' share of all associations and, optionally, the rate."""
    ngo, grp = float(frame["ngo_count"].sum()), float(frame["initiative_group_count"].sum())
    out = {"ngo_count": ngo, "initiative_group_count": grp, "organisations_count": ngo + grp,
           "initiative_group_share_pct": round(100 * grp / (ngo + grp), 2)}
    if national_population:
        out["organisations_per_100k"] = round(1e5 * (ngo + grp) / national_population, 2)
    return out


def national_population(orgs: pd.DataFrame) -> float | None:
    """The population of the units with organisation counts, when every one of them has it (else None)."""
    if "population_count" not in orgs.columns or orgs["population_count"].isna().any():
        return None
    return float(orgs["population_count"].sum())


PUBLISHED_TOTALS = {"ngo_count": "ngo_total", "initiative_group_count": "initiative_groups_total",
                    "initiative_group_share_pct": "initiative_group_share_pct"}


def _published(headline: pd.DataFrame | None) -> pd.Series:
    if headline is None:
        return pd.Series(dtype=float)
    return headline.set_index("figure_id")["value"].astype("float64")


def totals_table(orgs: pd.DataFrame | None, headline: pd.DataFrame | None) -> pd.DataFrame | None:
    """National totals recomputed from the regional counts beside the totals the dataset publishes (quantity,
    recomputed, published); ``published`` stays empty where the dataset publishes no such figure, and is left out
    when it publishes none (a researcher's own counts: nothing "published" to compare with)."""
    if orgs is None:
        return None
    totals = organisation_totals(orgs, national_population(orgs))
    published = _published(headline)
    out = pd.DataFrame([{"quantity": k, "recomputed": v, "published": published.get(PUBLISHED_TOTALS.get(k, ""))}
                        for k, v in totals.items()])
    return out if out["published"].notna().any() else out.drop(columns="published")


def volunteers_per_association(orgs: pd.DataFrame | None, regions: pd.DataFrame | None) -> pd.DataFrame | None:
    """Volunteers per association by region, when the dataset supplies volunteer counts (else None)."""
    if orgs is None or regions is None or "volunteers_count" not in regions.columns:
        return None
    keep = [c for c in ("region_code", "region", "organisations_count") if c in orgs.columns]
    ratio = orgs[keep].merge(regions[["region_code", "volunteers_count"]], on="region_code", how="left")
    ratio["volunteers_count"] = ratio["volunteers_count"].astype("float64")
    ratio["volunteers_per_association"] = (ratio["volunteers_count"] / ratio["organisations_count"]).round(1)
    return ratio.sort_values("volunteers_per_association", ascending=False, kind="stable").reset_index(drop=True)

