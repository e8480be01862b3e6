"""Volunteer demographics (section 01) and organisations (section 02), from the processed layer.

Every input is a processed table (``age_<scheme>``, ``status_<scheme>``, ``national_shares_<scheme>``,
``gender_extremes``, ``regions_<scheme>``): the corrected pension share, the shares implied by supplied volunteer
counts and the organisation counts are derived once, in :mod:`vstudy.data.processed`, and only read here.

Distance from the national mix: the total variation distance (TVD) between a region's shares p and the national
shares q, ``TVD = ½ Σ |p_i − q_i|`` in percentage points — the share of a region's volunteers that would have
to change category for the region to look like the country (0 = identical, 100 = disjoint). Both vectors are
first rescaled to sum to 100, so rounding in the published shares does not count as distance.

Functions named ``*_text`` return the prose of a part as ``(template, values)`` for ``Study.say`` (which escapes
the values), or a list of such pairs; a part whose inputs are absent gets one sentence and no heading.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from vstudy.data.processed import AGE_SHARE_COLUMNS, PENSION_AS_PUBLISHED, RATIO_TOLERANCE_PCT, STATUS_COLUMNS
from vstudy.vocab import AGE_GROUPS, STATUSES

__all__ = ["AGE_GROUPS", "STATUSES", "age_shares", "status_shares", "published_national", "reference_national",
           "implied_national", "tvd", "distance_from_national", "combined_distance", "distance_table",
           "pension_erratum", "gender_extremes", "organisations_frame", "organisation_totals"]

Text = tuple[str, dict[str, object]]
DIMENSIONS = {"age": "age_group", "status": "status"}
DIMENSION_NAMES = {"age_group": "age", "gender": "gender", "status": "social status"}


def _say(template: str, **values: object) -> Text:
    return template, values


def _label(labels: Mapping[str, str] | None, key: str) -> str:
    return (labels or {}).get(key, key)


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
    """Whether the data layer replaced the published pension-age list (it copies another list)."""
    return age is not None and bool((age["pension_correction"].dropna() != PENSION_AS_PUBLISHED).any())


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


def pension_text(erratum: pd.DataFrame | None, age: pd.DataFrame | None,
                 national: pd.DataFrame | None) -> Text | list[Text]:
    """The pension-age part: the heading and what the comparison shows, or one sentence why there is none.

    ``erratum`` is :func:`pension_erratum` with a printed ``region`` column.
    """
    if age is None:
        return _say("The dataset has no regional age lists, so there is no pension-age list to check.")
    if erratum is None:
        return _say("The pension-age list of this dataset copies no other list and is used as published.")
    correction = age.loc[age["pension_correction"] != PENSION_AS_PUBLISHED, "pension_correction"].iloc[0]
    top = erratum.iloc[0]
    parts = [
        _say("## The pension-age list\n\nThe published pension-age list repeats another age list, so the data layer "
             "replaces it: {correction}. Both are shown, and every later chart uses the corrected share.",
             correction=correction),
        _say("In {dup} of {n} regions the published pension share equals the 30-to-pension share. With the published "
             "list a region's age shares sum to {pub_lo:.2f}–{pub_hi:.2f} %; with the corrected share, to "
             "{cor_lo:.2f}–{cor_hi:.2f} %. The corrected pension share ranges from {lo:.2f} % to {hi:.2f} % "
             "({top} highest).",
             dup=int(erratum["published_is_duplicate"].sum()), n=len(erratum),
             pub_lo=erratum["sum_with_published_pct"].min(), pub_hi=erratum["sum_with_published_pct"].max(),
             cor_lo=erratum["sum_with_corrected_pct"].min(), cor_hi=erratum["sum_with_corrected_pct"].max(),
             lo=erratum["pension_corrected_pct"].min(), hi=erratum["pension_corrected_pct"].max(),
             top=top.get("region", top["region_code"])),
    ]
    published, basis = reference_national(national, "age_group")
    if published is not None and basis == "published" and "pension" in published.index:
        parts.append(_say("The published national share of pension-age volunteers is {value:.2f} %.",
                          value=published["pension"]))
    return parts


# --- national shares, gender, regional mixes ------------------------------------------------------------------


def national_text(published: pd.DataFrame | None, regions: pd.DataFrame | None) -> Text | list[Text]:
    """The national-shares part: heading, what the shares are and their sums; one sentence when none is published."""
    if published is None:
        return _say("The dataset publishes no national shares by age, gender or social status.")
    has_counts = regions is not None and "volunteers_count" in regions.columns
    sums = published.groupby("dimension", sort=False)["share_pct"].sum().round(2)
    parts = [_say("## National shares\n\nThe national shares by age group, gender and social status as the dataset "
                  "publishes them." + (" Without per-region volunteer counts they cannot be recomputed from the "
                                       "regional lists (see the replication register)." if not has_counts else ""))]
    listing = ", ".join(f"{{d{i}}} {{v{i}:.2f}} %" for i in range(len(sums)))
    values = ({f"d{i}": DIMENSION_NAMES.get(d, d) for i, d in enumerate(sums.index)}
              | {f"v{i}": v for i, v in enumerate(sums.to_numpy())})
    parts.append(_say("Sums of the national shares: " + listing
                      + " (rounding of each share explains small departures from 100).", **values))
    return parts


def gender_extremes(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """The regions named as gender extremes (region_code, male_pct, female_pct, extreme); None when absent."""
    if table is None:
        return None
    rows = table[table["extreme"].str.contains("share") & table["region_code"].notna()]
    return rows[["region_code", "male_pct", "female_pct", "extreme"]].reset_index(drop=True)


def gender_extremes_text(extremes: pd.DataFrame | None, table: pd.DataFrame | None) -> Text | list[Text]:
    """The regional gender figures the dataset gives (extremes and the range of the other regions)."""
    if extremes is None or extremes.empty:
        return _say("The dataset has no regional gender figures.")
    listing = "; ".join(f"{{r{i}}}: {{m{i}:g}} % men, {{f{i}:g}} % women ({{e{i}}})" for i in range(len(extremes)))
    values: dict[str, object] = {}
    for i, row in enumerate(extremes.itertuples()):
        values |= {f"r{i}": getattr(row, "region", row.region_code), f"m{i}": row.male_pct, f"f{i}": row.female_pct,
                   f"e{i}": row.extreme.replace("_", " ")}
    parts = [_say("## Gender by region\n\nGender by region is given only for the extremes: " + listing + ".", **values)]
    ranges = table[table["extreme"].str.startswith("others_range")].set_index("extreme")
    if {"others_range_min", "others_range_max"} <= set(ranges.index):
        parts.append(_say("In the other regions men make {m_lo:g}–{m_hi:g} % and women {f_lo:g}–{f_hi:g} % of the "
                          "volunteers.",
                          m_lo=ranges.loc["others_range_min", "male_pct"],
                          m_hi=ranges.loc["others_range_max", "male_pct"],
                          f_lo=ranges.loc["others_range_min", "female_pct"],
                          f_hi=ranges.loc["others_range_max", "female_pct"]))
    parts.append(_say("The dataset has no full regional gender split."))
    return parts


def mix_text(shares: pd.DataFrame | None, dimension: str, age: pd.DataFrame | None = None) -> Text:
    """Heading and reading guide of a region-by-region mix (``dimension`` age or status), or one sentence."""
    if dimension == "age":
        if shares is None:
            return _say("The dataset has no regional age lists.")
        how = ("corrected where the published list copies another" if pension_corrected(age) else "as published")
        return _say("## Each region's age mix\n\nRegions sorted by the share of volunteers under 18; the pension-age "
                    "segment is {how}.", how=how)
    if shares is None:
        return _say("The dataset has no regional social-status lists.")
    return _say("## Each region's social-status mix\n\nStudents (учащиеся), the employed and self-employed, the "
                "unemployed and NEET (neither in employment nor in education or training), sorted by the share of "
                "students.")


def distance_text(dist: pd.DataFrame | None, national: pd.DataFrame | None,
                  labels: Mapping[str, str] | None = None) -> Text | list[Text]:
    """The distance part: heading, definition, the furthest and the closest regions; one sentence without inputs.

    ``dist`` is :func:`distance_table` with a printed ``region`` column; ``labels`` prints category ids.
    """
    if dist is None:
        return _say("The distance from the national mix needs regional lists and national shares; this dataset "
                    "lacks them.")
    bases = {reference_national(national, d)[1] for d in DIMENSIONS.values()} - {None}
    basis = ("the published national shares" if bases == {"published"} else
             "the national shares implied by the supplied volunteer counts" if bases == {"implied"} else
             "the published national shares where published, else those implied by the supplied volunteer counts")
    parts = [_say("## Regions furthest from the national mix\n\nDistance is the total variation distance (TVD): half "
                  "the sum of absolute differences between a region's shares and the national shares, in percentage "
                  "points — the share of the region's volunteers that would have to move to another category for the "
                  "region to match the country. It is computed for age and for social status against {basis}, and "
                  "averaged.", basis=basis)]
    values: dict[str, object] = {}
    furthest = []
    for i, row in enumerate(dist.head(3).itertuples()):
        gaps = []
        for name in DIMENSIONS:
            cat = getattr(row, f"{name}_largest_gap", None)
            if isinstance(cat, str):
                gaps.append(f"{{g{i}{name}}} {{p{i}{name}:+.1f}} pp")
                values |= {f"g{i}{name}": _label(labels, cat), f"p{i}{name}": getattr(row, f"{name}_largest_gap_pp")}
        values |= {f"r{i}": getattr(row, "region", row.region_code), f"t{i}": row.tvd_mean_pp}
        furthest.append(f"{{r{i}}} (mean TVD {{t{i}:.1f}} pp" + (f"; largest gaps: {', '.join(gaps)}" if gaps else "")
                        + ")")
    closest = []
    for j, row in enumerate(dist.tail(3).itertuples()):
        values |= {f"c{j}": getattr(row, "region", row.region_code), f"ct{j}": row.tvd_mean_pp}
        closest.append(f"{{c{j}}} ({{ct{j}:.1f}} pp)")
    parts.append(_say("Furthest from the national mix: " + "; ".join(furthest) + ". Closest: " + ", ".join(closest)
                      + ".", **values))
    return parts


def implied_text(implied: pd.DataFrame | None, regions: pd.DataFrame | None) -> Text | list[Text]:
    """The part on supplied volunteer counts: the implied national shares, or one sentence when not supplied."""
    if implied is None or regions is None or "volunteers_count" not in regions.columns:
        return _say("Per-region volunteer counts are not in this dataset; supply `volunteers_by_region` to weight "
                    "the regional shares into national ones.")
    counts = regions["volunteers_count"].dropna()
    return _say("## National shares implied by the volunteer counts\n\n`volunteers_by_region` is supplied "
                "({total:,} volunteers in {n} units): the national shares below weight each region's shares by its "
                "volunteers. They are derived, not published.", total=int(counts.sum()), n=len(counts))


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
    recomputed, published); ``published`` stays empty where the dataset publishes no such figure."""
    if orgs is None:
        return None
    totals = organisation_totals(orgs, national_population(orgs))
    published = _published(headline)
    return pd.DataFrame([{"quantity": k, "recomputed": v, "published": published.get(PUBLISHED_TOTALS.get(k, ""))}
                         for k, v in totals.items()])


def organisations_text(orgs: pd.DataFrame | None, coverage: pd.DataFrame | None,
                       organisations: pd.DataFrame | None,
                       tolerance: float = RATIO_TOLERANCE_PCT) -> Text | list[Text]:
    """The counts part: heading and where the counts come from; one sentence when the dataset has none.

    ``coverage`` is the processed ``coverage_<scheme>`` table (how each wide column was obtained),
    ``organisations`` the processed ``organisations_<scheme>`` table of the reconstruction (or None) and
    ``tolerance`` the points within which a reconstructed ratio must meet the published one.
    """
    if orgs is None:
        return _say("This dataset has no organisation counts: the section has nothing to show.")
    kind = None
    if coverage is not None and (coverage["column"] == "ngo_count").any():
        kind = coverage.set_index("column").loc["ngo_count", "value_kind"]
    parts = [_say("## Counts by region\n\nCounts of registered NGOs and unregistered initiative groups for {n} units, "
                  "read from the processed table of the regions.", n=len(orgs))]
    if kind == "derived" and organisations is not None:
        ok = organisations["reproduces_published"].fillna(False).astype(bool)
        parts.append(_say("The dataset gives no counts per region, only shares (the split within each region and "
                          "each region's share of the national totals); the data layer reconstructs whole-number "
                          "counts that add up to the national totals exactly. They reproduce the published NGO share "
                          "of {ok} of {n} regions within ±{tol:g} points.", ok=int(ok.sum()), n=len(organisations),
                          tol=tolerance))
    elif kind:
        parts.append(_say("The counts are {kind} values of the dataset.", kind=kind))
    return parts


def totals_text(totals: pd.DataFrame | None, orgs: pd.DataFrame | None) -> Text | list[Text]:
    """The national totals: the groups' share of all associations, the published share where there is one."""
    if totals is None or orgs is None:
        return _say("Without organisation counts there are no national totals.")
    t = totals.set_index("quantity")
    pub = t.loc["initiative_group_share_pct", "published"]
    top = orgs.sort_values("initiative_group_count", ascending=False, kind="stable").iloc[0]
    parts = [_say("## National totals\n\n{ngo:,.0f} NGOs and {grp:,.0f} initiative groups: {org:,.0f} associations, "
                  "of which initiative groups make **{share:.2f} %** = {grp:,.0f} / ({ngo:,.0f} + {grp:,.0f}).",
                  ngo=t.loc["ngo_count", "recomputed"], grp=t.loc["initiative_group_count", "recomputed"],
                  org=t.loc["organisations_count", "recomputed"],
                  share=t.loc["initiative_group_share_pct", "recomputed"])]
    if pd.notna(pub):
        parts.append(_say("The dataset publishes {pub:.2f} %.", pub=pub))
    parts.append(_say("{region} alone holds {share:.2f} % of all initiative groups.",
                      region=top.get("region", top["region_code"]), share=top["share_of_national_groups_pct"]))
    if "organisations_per_100k" in t.index:
        parts.append(_say("Nationally there are {rate:.1f} associations per 100,000 inhabitants.",
                          rate=t.loc["organisations_per_100k", "recomputed"]))
    return parts


def ngo_share_text(orgs: pd.DataFrame | None) -> Text | list[Text]:
    """Where registered NGOs outnumber the initiative groups."""
    if orgs is None:
        return _say("Without organisation counts there is no NGO share to rank.")
    above = orgs.loc[orgs["ngo_share_pct"] > 50]
    names = [getattr(r, "region", r.region_code) for r in above.itertuples()]
    return [_say("## NGO share within each region\n\nThe ranking shows where registered NGOs are the larger part of a "
                 "region's volunteer associations."),
            _say("NGOs outnumber initiative groups in {k} of {n} units" + (": {names}." if names else "."),
                 k=len(above), n=len(orgs), names=", ".join(names))]


def per_100k_text(orgs: pd.DataFrame | None) -> Text | list[Text]:
    """The associations per 100,000 inhabitants: highest, lowest and the spread."""
    if orgs is None or "organisations_per_100k" not in orgs.columns or orgs["organisations_per_100k"].isna().all():
        return _say("Without organisation counts and population figures there are no rates per 100,000 inhabitants.")
    ranked = orgs.dropna(subset=["organisations_per_100k"]).sort_values("organisations_per_100k", ascending=False,
                                                                       kind="stable")
    name = [getattr(r, "region", r.region_code) for r in ranked.itertuples()]
    rate = ranked["organisations_per_100k"].to_numpy()
    return [_say("## Associations per 100,000 inhabitants\n\nCounts favour populous regions; the rate divides by the "
                 "population on 1 January of the period's year."),
            _say("Highest: {a} ({ra:.1f}), {b} ({rb:.1f}); lowest: {z} ({rz:.1f}) per 100,000. The spread is "
                 "{spread:.0f}-fold.", a=name[0], ra=rate[0], b=name[1], rb=rate[1], z=name[-1], rz=rate[-1],
                 spread=rate[0] / rate[-1] if rate[-1] else float("nan"))]


def volunteers_per_association(orgs: pd.DataFrame | None, regions: pd.DataFrame | None) -> pd.DataFrame | None:
    """Volunteers per association by region, when the dataset supplies volunteer counts (else None)."""
    if orgs is None or regions is None or "volunteers_count" not in regions.columns:
        return None
    keep = [c for c in ("region_code", "region", "organisations_count") if c in orgs.columns]
    ratio = orgs[keep].merge(regions[["region_code", "volunteers_count"]], on="region_code", how="left")
    ratio["volunteers_count"] = ratio["volunteers_count"].astype("float64")
    ratio["volunteers_per_association"] = (ratio["volunteers_count"] / ratio["organisations_count"]).round(1)
    return ratio.sort_values("volunteers_per_association", ascending=False, kind="stable").reset_index(drop=True)


def volunteers_per_association_text(ratio: pd.DataFrame | None) -> Text | list[Text]:
    if ratio is None:
        return _say("Per-region volunteer counts are not in this dataset; supply `volunteers_by_region` to compute "
                    "the volunteers per association.")
    return [_say("## Volunteers per association\n\nThe supplied volunteer counts divided by the associations of each "
                 "region."),
            _say("Volunteers per association range from {lo:.1f} to {hi:.1f}.",
                 lo=ratio["volunteers_per_association"].min(), hi=ratio["volunteers_per_association"].max())]
