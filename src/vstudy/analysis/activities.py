"""Volunteer events by direction (section 05): regional lists as a matrix, national shares, reconstructed counts.

A dataset may give, for each region, the shares of its events by direction (two decimals), and a national chart of
the same shares. Event counts per region need not be published: every share is ``k / n_r`` rounded to two
decimals, so the smallest ``n_r`` consistent with all shares of a region recovers the counts ``k`` — and, pooled,
the national shares. That reconstruction is done once, by the data layer (processed table
``event_counts_<scheme>``); this module reads it, with the other processed tables of the section.

The section's sentences are the catalogue messages ``activities.*`` (``src/vstudy/i18n/catalogues``), chosen by
:mod:`vstudy.present.prose.activities`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from vstudy import i18n
from vstudy.data import processed
from vstudy.vocab import DIRECTIONS

# Directions in the order of the national chart legend (org_directions_partial legend order).
DIRECTION_ORDER: tuple[str, ...] = DIRECTIONS


# --- raw tables (for the notebooks not yet on the processed layer: 03, and the register's reader) ------------


# --- event counts ------------------------------------------------------------------------------------------
# The counts are reconstructed once, by the data layer (processed table ``event_counts_<scheme>``, see
# :func:`vstudy.data.processed.reconstruct_event_counts`); the functions below read that table.

_LEGACY_COUNTS = {"events": "events_count", "region_events": "region_events_count"}


def _counts(counts: pd.DataFrame) -> pd.DataFrame:
    """The processed counts table; the older column names (events, region_events) are accepted."""
    return counts.rename(columns={k: v for k, v in _LEGACY_COUNTS.items() if k in counts.columns})


def reconstruct_event_counts(by_region: pd.DataFrame,
                             max_n: int = processed.MAX_EVENTS_PER_REGION) -> pd.DataFrame:
    """The data layer's reconstruction with the older column names ``events`` and ``region_events``.

    Kept for callers that still start from the raw lists (the replication register); notebooks read the processed
    table ``event_counts_<scheme>`` instead.
    """
    counts = processed.reconstruct_event_counts(by_region, max_n=max_n)
    failed = sorted(counts.loc[counts["region_events_count"].isna(), "region_code"].unique())
    if failed:
        raise ValueError(f"no event total up to {max_n} reproduces the shares of "
                         f"{', '.join(failed)}")
    return counts.rename(columns={v: k for k, v in _LEGACY_COUNTS.items()}).astype(
        {"events": "int64", "region_events": "int64", "recomputed_share_pct": "float64"})


def event_totals(counts: pd.DataFrame | None) -> pd.DataFrame | None:
    """Reconstructed events per region (region_code, events_count); None without counts."""
    if counts is None:
        return None
    counts = _counts(counts)
    out = counts.groupby("region_code", as_index=False)["region_events_count"].first()
    return out.rename(columns={"region_events_count": "events_count"})


def national_from_counts(counts: pd.DataFrame, direction_col: str = "direction_id") -> pd.DataFrame:
    """Pool reconstructed counts: events and share of all events per direction (share rounded to 2 decimals)."""
    pooled = _counts(counts).groupby(direction_col, sort=False)["events_count"].sum()
    total = int(pooled.sum())
    out = pooled.rename("events").reset_index()
    out["total_events"] = total
    out["share_pct"] = (100.0 * out["events"] / total).round(2)
    return out


def national_shares_table(national: pd.DataFrame | None, counts: pd.DataFrame | None) -> pd.DataFrame | None:
    """Published national shares beside the residual derivation and the reconstruction from regional lists.

    Columns: direction_id, label_as_published, published_pct, residual_pct (100 − the other published shares,
    only where the published value is missing), reconstructed_events, reconstructed_pct, difference_pct,
    status (an id that :mod:`vstudy.present.labels` names: reproduced, differs, not_published_agree,
    not_published_differ, not_published, published_no_lists). None without the national chart.
    """
    if national is None:
        return None
    out = national[["direction_id", "label_as_published", "share_pct"]].rename(
        columns={"share_pct": "published_pct"}).copy()
    missing = out["published_pct"].isna()
    residual = round(100.0 - float(out.loc[~missing, "published_pct"].sum()), 2)
    out["residual_pct"] = np.where(missing, residual if missing.sum() == 1 else np.nan, np.nan)
    if counts is not None:
        pooled = national_from_counts(counts).set_index("direction_id")
        out["reconstructed_events"] = out["direction_id"].map(pooled["events"]).astype("Int64")
        out["reconstructed_pct"] = out["direction_id"].map(pooled["share_pct"])
    else:
        out["reconstructed_events"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["reconstructed_pct"] = np.nan
    out["difference_pct"] = (out["reconstructed_pct"] - out["published_pct"]).round(2)

    def status(row: pd.Series) -> str:
        if pd.isna(row["published_pct"]):
            if pd.notna(row["reconstructed_pct"]) and pd.notna(row["residual_pct"]):
                agree = math.isclose(row["reconstructed_pct"], row["residual_pct"], abs_tol=0.005)
                return "not_published_agree" if agree else "not_published_differ"
            return "not_published"
        if pd.isna(row["reconstructed_pct"]):
            return "published_no_lists"
        return "reproduced" if abs(row["difference_pct"]) < 0.005 else "differs"

    out["status"] = out.apply(status, axis=1)
    return out


def direction_matrix(by_region: pd.DataFrame | None, value: str = "share_pct") -> pd.DataFrame | None:
    """Regions (rows, region_code) × directions (columns, DIRECTION_ORDER first) of ``value``; None without lists."""
    if by_region is None:
        return None
    wide = by_region.pivot_table(index="region_code", columns="direction_id", values=value, aggfunc="first")
    order = [d for d in DIRECTION_ORDER if d in wide.columns] + sorted(set(wide.columns) - set(DIRECTION_ORDER))
    return wide[order].sort_index()


def direction_table(by_region: pd.DataFrame | None) -> pd.DataFrame | None:
    """:func:`direction_matrix` with ``region_code`` as a column (the table the section writes)."""
    matrix = direction_matrix(by_region)
    return None if matrix is None else matrix.reset_index()


def region_totals_check(by_region: pd.DataFrame | None, tolerance: float = 0.02) -> pd.DataFrame | None:
    """Each region's sum of shares and whether it is 100 within the stated rounding tolerance."""
    if by_region is None:
        return None
    sums = by_region.groupby("region_code")["share_pct"].agg(["sum", "count"]).reset_index()
    sums = sums.rename(columns={"sum": "sum_pct", "count": "n_directions"})
    sums["sum_pct"] = sums["sum_pct"].round(2)
    sums["within_tolerance"] = (sums["sum_pct"] - 100).abs() <= tolerance + 1e-9
    return sums


def top_direction(by_region: pd.DataFrame | None) -> pd.DataFrame | None:
    """Each region's leading direction and its share."""
    if by_region is None:
        return None
    idx = by_region.groupby("region_code")["share_pct"].idxmax()
    return by_region.loc[idx, ["region_code", "direction_id", "share_pct"]].reset_index(drop=True)


def ways_table(ways: pd.DataFrame | None) -> pd.DataFrame | None:
    """Ways of volunteering with their published shares, plus the sum row."""
    if ways is None:
        return None
    out = ways[["way", "label_ru", "share_pct"]].copy()
    total = pd.DataFrame([{"way": "sum", "label_ru": i18n.text("ru", "activities.ways.sum"),
                           "share_pct": round(float(out["share_pct"].sum()), 2)}])
    return pd.concat([out, total], ignore_index=True)


def participant_categories(quotes: pd.DataFrame | None) -> pd.DataFrame | None:
    """The participant-category statements of the text (processed ``participant_category_quotes``, with codes)."""
    if quotes is None:
        return None
    cols = ["category", "region_code", "region_as_published", "statement", "share_of_events_pct", "source_line"]
    return quotes[cols].reset_index(drop=True)


def org_directions_split(partial: pd.DataFrame | None) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The partial org-directions chart as published: (unlabelled values, legend labels) — never paired."""
    if partial is None:
        return None, None
    values = partial[partial["row_kind"] == "value"][["order_in_text", "share_pct", "source_line"]]
    legend = partial[partial["row_kind"] == "legend_label"][["order_in_text", "direction_id", "label_as_published"]]
    return values.reset_index(drop=True), legend.reset_index(drop=True)


def compare_event_totals(counts: pd.DataFrame | None, regions_table: pd.DataFrame | None) -> pd.DataFrame | None:
    """Reconstructed event totals per region beside the supplied ``events_count`` of ``regions_<scheme>``.

    None unless the dataset has both the reconstruction and supplied counts.
    """
    if counts is None or regions_table is None or "events_count" not in regions_table.columns:
        return None
    supplied = regions_table[["region_code", "events_count"]].rename(columns={"events_count": "events_supplied"})
    recon = event_totals(counts).rename(columns={"events_count": "events_reconstructed"})
    out = recon.merge(supplied, on="region_code", how="outer").sort_values("region_code")
    out["difference"] = out["events_supplied"] - out["events_reconstructed"]
    return out.reset_index(drop=True)


def counts_supplied(lists: pd.DataFrame | None) -> bool:
    """Whether the regional lists carry the events of each direction as the dataset supplied them (a dataset filled
    from the template's ``events_by_direction``), rather than published shares to reconstruct counts from."""
    return lists is not None and "events_count" in lists.columns and bool(lists["events_count"].notna().any())


def direction_sums_check(lists: pd.DataFrame | None, regions_table: pd.DataFrame | None) -> pd.DataFrame | None:
    """Each region's supplied events summed over its directions beside the regional table's ``events_count``.

    Columns: region_code, events_by_direction, events_supplied, difference (by direction − supplied). Only regions
    with both numbers; None unless the lists carry counts and the regional table gives totals.
    """
    if not counts_supplied(lists) or regions_table is None or "events_count" not in regions_table.columns:
        return None
    sums = lists.dropna(subset=["events_count"]).groupby("region_code", as_index=False)["events_count"].sum()
    sums = sums.rename(columns={"events_count": "events_by_direction"})
    supplied = regions_table[["region_code", "events_count"]].dropna().rename(
        columns={"events_count": "events_supplied"})
    out = sums.merge(supplied, on="region_code", how="inner").sort_values("region_code")
    out["difference"] = out["events_by_direction"] - out["events_supplied"]
    return out.reset_index(drop=True)
