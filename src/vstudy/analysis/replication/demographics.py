"""Checks of the published demographic shares (section 01): national shares, the regional age and status lists,
the regional gender extremes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vstudy.analysis.replication.core import (
    CONSISTENT,
    DIFFERS,
    NOT_REPRODUCIBLE,
    REPRODUCED,
    SHARE_TOL,
    Context,
    check,
    sum_check,
    within,
)

AGE_COLUMNS = {"under18": "vol_age_under18_pct", "18_29": "vol_age_18_29_pct",
               "30_to_pension": "vol_age_30_to_pension_pct", "pension": "vol_age_pension_pct"}
STATUS_COLUMNS = {"students": "vol_students_pct", "working": "vol_working_pct", "unemployed": "vol_unemployed_pct",
                  "neet": "vol_neet_pct"}


def weights(ctx: Context) -> pd.Series | None:
    """The supplied volunteer counts per region (processed ``regions``), or None where any is missing."""
    reg = ctx.t("regions")
    if reg is None or "volunteers_count" not in reg.columns or reg["volunteers_count"].isna().any():
        return None
    return reg.set_index("region_code")["volunteers_count"].astype(float)


def _pension_corrected(frame: pd.DataFrame) -> bool:
    return "duplicate" in " ".join(frame.get("pension_correction", pd.Series([""])).astype(str))


def national_shares(ctx: Context) -> None:
    age, status = ctx.t("age"), ctx.t("status")
    wide = {"age_national": (age, AGE_COLUMNS), "status_national": (status, STATUS_COLUMNS)}
    w_all = weights(ctx)
    for table in ("age_national", "status_national", "gender_national"):
        values = ctx.published(table)
        if values.empty:
            continue
        sum_check(ctx, table, values, "national")
        if table == "gender_national":
            ext = ctx.published("gender_extremes")
            for row in values.itertuples():
                bounds = ext[ext["column"] == f"{row.item}_pct"]["value"]
                if len(bounds) >= 2:
                    lo, hi = float(bounds.min()), float(bounds.max())
                    ctx.add(table, row.item, None, row.column, check(
                        CONSISTENT if lo <= row.value <= hi else DIFFERS, None, "gender_within_range", lo=lo, hi=hi))
                ctx.add(table, row.item, None, row.column, check(NOT_REPRODUCIBLE, None, "gender_split_extremes"))
            continue
        frame, columns = wide[table]
        for row in values.itertuples():
            col = columns.get(row.item)
            if frame is None or col is None or col not in frame.columns:
                continue
            shares = frame.set_index("region_code")[col].astype(float)
            lo, hi = float(shares.min()), float(shares.max())
            corrected = row.item == "pension" and _pension_corrected(frame)
            ctx.add(table, row.item, None, row.column, check(
                CONSISTENT if lo - SHARE_TOL <= row.value <= hi + SHARE_TOL else DIFFERS, None,
                "weighted_mean_between", lo=lo, hi=hi, corrected=corrected))
            if w_all is not None:
                w = w_all.reindex(shares.index)
                rec = round(float((shares * w).sum() / w.sum()), 2)
                ctx.add(table, row.item, None, row.column, check(
                    REPRODUCED if abs(rec - row.value) <= 0.05 else DIFFERS, rec, "weighted_by_counts", tol=0.05))
            else:
                ctx.add(table, row.item, None, row.column, check(NOT_REPRODUCIBLE, None, "needs_volunteer_counts"))


def _descending(values: pd.DataFrame) -> bool:
    """A ranked list printed top to bottom (by source line) must not increase."""
    ordered = values.sort_values("source_line")["value"].to_numpy(float)
    return bool(np.all(np.diff(ordered) <= 1e-9))


def age_lists(ctx: Context) -> None:
    values, age = ctx.published("age_by_region"), ctx.t("age")
    if values.empty or age is None:
        return
    wide = age.set_index("region_code")
    duplicated = wide["pension_correction"].astype(str).str.contains("duplicate").any()
    e01 = ctx.erratum("age_by_region", "duplicate_list")
    for group, lst in values.groupby("item"):
        order = _descending(lst)
        for row in lst.itertuples():
            w = wide.loc[row.region_code]
            ctx.add("age_by_region", group, row.region_code, row.column, check(
                CONSISTENT if order else DIFFERS, None, "ranked_descending", ok=order))
            three = float(w["vol_age_under18_pct"] + w["vol_age_18_29_pct"] + w["vol_age_30_to_pension_pct"])
            if duplicated and group == "pension":
                ctx.add("age_by_region", group, row.region_code, row.column, check(
                    DIFFERS, float(w["vol_age_pension_pct"]), "pension_repeats", erratum=e01,
                    with_copy=float(w["sum_published_pct"]), corrected=float(w["vol_age_pension_pct"])))
            elif duplicated:
                ok = three <= 100 + 3 * SHARE_TOL
                ctx.add("age_by_region", group, row.region_code, row.column, check(
                    CONSISTENT if ok else DIFFERS, None, "three_age_shares", total=three))
            else:
                total = float(w["sum_published_pct"])
                implied = round(100 - (total - row.value), 2)
                ctx.add("age_by_region", group, row.region_code, row.column, check(
                    within(row.value, implied, 4 * SHARE_TOL), implied, "four_age_shares", total=total))


def status_lists(ctx: Context) -> None:
    values = ctx.published("status_by_region")
    for _status, lst in values.groupby("item"):
        order = _descending(lst)
        for row in lst.itertuples():
            ctx.add("status_by_region", row.item, row.region_code, row.column, check(
                CONSISTENT if order else DIFFERS, None, "ranked_descending", ok=order))
    for _code, region in values.groupby("region_code"):
        sum_check(ctx, "status_by_region", region, "region_status")


def gender_extremes(ctx: Context) -> None:
    values = ctx.published("gender_extremes")
    if values.empty:
        return
    by = {(r.item, r.column): r.value for r in values.itertuples()}
    for row in values.itertuples():
        other = "female_pct" if row.column == "male_pct" else "male_pct"
        if row.item in ("highest_male_share", "lowest_male_share") and (row.item, other) in by:
            implied = round(100 - by[(row.item, other)], 2)
            ctx.add("gender_extremes", row.item, row.region_code, row.column, check(
                within(row.value, implied, 2 * SHARE_TOL), implied, "male_female_sum"))
        elif row.item in ("others_range_min", "others_range_max"):
            pair = "others_range_max" if row.item == "others_range_min" else "others_range_min"
            if (pair, other) in by:
                implied = round(100 - by[(pair, other)], 2)
                ctx.add("gender_extremes", row.item, row.region_code, row.column, check(
                    within(row.value, implied, 2 * SHARE_TOL), implied, "range_bound_pair"))
        male = {k: v for (k, c), v in by.items() if c == "male_pct"}
        if {"highest_male_share", "lowest_male_share", "others_range_min", "others_range_max"} <= set(male):
            ok = male["highest_male_share"] >= male["others_range_max"] and \
                male["lowest_male_share"] <= male["others_range_min"]
            ctx.add("gender_extremes", row.item, row.region_code, row.column, check(
                CONSISTENT if ok else DIFFERS, None, "extremes_outside_range"))
        ctx.add("gender_extremes", row.item, row.region_code, row.column, check(
            NOT_REPRODUCIBLE, None, "gender_split_missing"))
