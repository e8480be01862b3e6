"""Volunteer events by direction: regional lists as a matrix, national shares, and the event-count reconstruction.

The report publishes, for each region, the shares of its events by direction (eleven directions, two decimals),
and a national pie whose «Другое социальное волонтёрство» value is truncated in the text. The regional counts of
events are not published, but every share is ``k / n_r`` rounded to two decimals, so the smallest ``n_r``
consistent with all eleven shares of a region recovers the counts ``k`` — and, pooled, the national shares.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from vstudy.data import regions
from vstudy.vocab import DIRECTIONS

# Directions in the order of the national chart legend (org_directions_partial legend order).
DIRECTION_ORDER: tuple[str, ...] = DIRECTIONS


def find_table(data_dir: str | Path, name: str) -> Path | None:
    """The CSV of dataset table ``name`` under ``data_dir`` (any sub-folder), or None when the dataset lacks it."""
    base = Path(data_dir)
    hits = sorted(base.rglob(f"{name}.csv"))
    return hits[0] if hits else None


def read_table(data_dir: str | Path, name: str) -> pd.DataFrame | None:
    """Read a dataset table as published (UTF-8 with or without BOM); None when absent or empty."""
    path = find_table(data_dir, name)
    if path is None:
        return None
    frame = pd.read_csv(path, encoding="utf-8-sig")
    return frame if len(frame) else None


def add_region_codes(frame: pd.DataFrame, scheme: str, column: str = "region_as_published") -> pd.DataFrame:
    """Add ``region_code`` resolved through the gazetteer (raises on an unknown or out-of-scheme name)."""
    out = frame.copy()
    out.insert(0, "region_code", [regions.resolve(name, scheme) for name in out[column]])
    return out


# --- the reconstruction -----------------------------------------------------------------------------------

def _consistent(shares: np.ndarray, n: int, decimals: int) -> np.ndarray | None:
    """Counts k with round(100 k / n, decimals) == share for every share, or None."""
    k = np.rint(shares * n / 100.0).astype(int)
    tol = 0.5 * 10.0 ** (-decimals) + 1e-9
    if np.all(np.abs(100.0 * k / n - shares) <= tol):
        return k
    return None


def smallest_denominator(
    shares: Iterable[float], decimals: int = 2, max_n: int = 100_000, require_sum: bool = True
) -> tuple[int, np.ndarray]:
    """The smallest n (and the counts k) such that every share equals 100 k_i / n rounded to ``decimals``.

    With ``require_sum`` the counts must also add up to n (the shares are one region's complete list).
    Raises ValueError when no n up to ``max_n`` fits.
    """
    values = np.asarray(list(shares), dtype=float)
    if values.size == 0 or np.isnan(values).any():
        raise ValueError("shares must be a non-empty list without missing values")
    for n in range(1, max_n + 1):
        k = _consistent(values, n, decimals)
        if k is not None and (not require_sum or int(k.sum()) == n):
            return n, k
    raise ValueError(f"no denominator up to {max_n} reproduces the shares {values.tolist()}")


def reconstruct_event_counts(
    by_region: pd.DataFrame,
    region_col: str = "region_code",
    direction_col: str = "direction_id",
    share_col: str = "share_pct",
    decimals: int = 2,
) -> pd.DataFrame:
    """Per region, the smallest event total consistent with all its published shares, and the implied counts.

    Returns one row per (region, direction): region, direction, share_pct, events, region_events, and
    ``recomputed_share_pct`` (100 events / region_events, unrounded).
    """
    rows = []
    for region, group in by_region.groupby(region_col, sort=True):
        n, k = smallest_denominator(group[share_col].to_numpy(dtype=float), decimals=decimals)
        for (direction, share), count in zip(group[[direction_col, share_col]].itertuples(index=False), k,
                                             strict=True):
            rows.append({region_col: region, direction_col: direction, "share_pct": float(share),
                         "events": int(count), "region_events": n,
                         "recomputed_share_pct": 100.0 * count / n})
    return pd.DataFrame(rows)


def national_from_counts(counts: pd.DataFrame, direction_col: str = "direction_id") -> pd.DataFrame:
    """Pool reconstructed counts: events and share of all events per direction (share rounded to 2 decimals)."""
    pooled = counts.groupby(direction_col, sort=False)["events"].sum()
    total = int(pooled.sum())
    out = pooled.rename("events").reset_index()
    out["total_events"] = total
    out["share_pct"] = (100.0 * out["events"] / total).round(2)
    return out


def national_shares_table(national: pd.DataFrame, counts: pd.DataFrame | None) -> pd.DataFrame:
    """Published national shares beside the residual derivation and the reconstruction from regional lists.

    Columns: direction_id, label_as_published, published_pct, residual_pct (100 − the other published shares,
    only where the published value is missing), reconstructed_events, reconstructed_pct, difference_pct,
    status.
    """
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
                return "not published; residual and reconstruction agree" if agree else \
                    "not published; residual and reconstruction differ"
            return "not published"
        if pd.isna(row["reconstructed_pct"]):
            return "published; no regional lists to reconstruct"
        return "reproduced" if abs(row["difference_pct"]) < 0.005 else "differs"

    out["status"] = out.apply(status, axis=1)
    return out


def direction_matrix(by_region: pd.DataFrame, value: str = "share_pct") -> pd.DataFrame:
    """Regions (rows, region_code) × directions (columns, DIRECTION_ORDER first) of ``value``."""
    wide = by_region.pivot_table(index="region_code", columns="direction_id", values=value, aggfunc="first")
    order = [d for d in DIRECTION_ORDER if d in wide.columns] + sorted(set(wide.columns) - set(DIRECTION_ORDER))
    return wide[order].sort_index()


def region_totals_check(by_region: pd.DataFrame, tolerance: float = 0.02) -> pd.DataFrame:
    """Each region's sum of shares and whether it is 100 within the stated rounding tolerance."""
    sums = by_region.groupby("region_code")["share_pct"].agg(["sum", "count"]).reset_index()
    sums = sums.rename(columns={"sum": "sum_pct", "count": "n_directions"})
    sums["sum_pct"] = sums["sum_pct"].round(2)
    sums["within_tolerance"] = (sums["sum_pct"] - 100).abs() <= tolerance + 1e-9
    return sums


def top_direction(by_region: pd.DataFrame) -> pd.DataFrame:
    """Each region's leading direction and its share."""
    idx = by_region.groupby("region_code")["share_pct"].idxmax()
    return by_region.loc[idx, ["region_code", "direction_id", "share_pct"]].reset_index(drop=True)


def ways_table(ways: pd.DataFrame) -> pd.DataFrame:
    """Ways of volunteering with their published shares, plus the sum row (which exceeds 100)."""
    out = ways[["way", "label_ru", "share_pct"]].copy()
    total = pd.DataFrame([{"way": "sum", "label_ru": "сумма", "share_pct": round(float(out["share_pct"].sum()), 2)}])
    return pd.concat([out, total], ignore_index=True)


def participant_categories(quotes: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """The participant-category statements of the text, with region codes (names resolved in ``scheme``)."""
    out = add_region_codes(quotes, scheme)
    cols = ["category", "region_code", "region_as_published", "statement", "share_of_events_pct", "source_line"]
    return out[cols]


def org_directions_split(partial: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The partial org-directions chart as published: (unlabelled values, legend labels) — never paired."""
    values = partial[partial["row_kind"] == "value"][["order_in_text", "share_pct", "source_line"]]
    legend = partial[partial["row_kind"] == "legend_label"][["order_in_text", "direction_id", "label_as_published"]]
    return values.reset_index(drop=True), legend.reset_index(drop=True)


def compare_event_totals(counts: pd.DataFrame, events: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """Reconstructed event totals per region beside a supplied ``events_by_region`` table.

    The supplied table needs a region column (region_code or region_as_published) and one numeric column
    whose name contains ``event``.
    """
    supplied = events.copy()
    if "region_code" not in supplied.columns:
        name_col = "region_as_published" if "region_as_published" in supplied.columns else supplied.columns[0]
        supplied = add_region_codes(supplied, scheme, name_col)
    value_cols = [c for c in supplied.columns
                  if "event" in c.lower() and pd.api.types.is_numeric_dtype(supplied[c])]
    if not value_cols:
        raise ValueError(f"events table has no numeric events column: {list(events.columns)}")
    supplied = supplied.groupby("region_code", as_index=False)[value_cols[0]].sum()
    supplied = supplied.rename(columns={value_cols[0]: "events_supplied"})
    recon = counts.groupby("region_code", as_index=False)["region_events"].first()
    out = recon.merge(supplied, on="region_code", how="outer").sort_values("region_code")
    out = out.rename(columns={"region_events": "events_reconstructed"})
    out["difference"] = out["events_supplied"] - out["events_reconstructed"]
    return out.reset_index(drop=True)
