"""Checks of the organisations (section 02) and of the events, ways and participants (section 05)."""

from __future__ import annotations

import math

import numpy as np

from vstudy.analysis import activities
from vstudy.analysis.replication.core import (
    CONSISTENT,
    DENOMINATOR_MULTIPLES,
    DIFFERS,
    NOT_REPRODUCIBLE,
    REPRODUCED,
    S02,
    S05,
    SHARE_TOL,
    Context,
    check,
    message,
    within,
)


def organisations(ctx: Context) -> None:
    values, orgs = ctx.published("organisations_by_region"), ctx.t("organisations")
    if values.empty or orgs is None:
        return
    hf = ctx.figures()
    o = orgs.set_index("region_code")
    for row in values.itertuples():
        r = o.loc[row.region_code]
        n, g = int(r["ngo_count"]), int(r["initiative_group_count"])
        rec = {"ngo_share_of_region_pct": 100 * n / (n + g), "group_share_of_region_pct": 100 * g / (n + g),
               "region_share_of_national_ngo_pct": float(r["national_ngo_share_pct_reconstructed"]),
               "region_share_of_national_groups_pct": float(r["national_groups_share_pct_reconstructed"])}[row.column]
        tol = 0.01 if row.column.endswith("of_region_pct") else SHARE_TOL
        status = within(row.value, rec, tol)
        fits = bool(r["reproduces_published"])
        if not fits:
            status = DIFFERS
        ctx.add("organisations_by_region", None, row.region_code, row.column, check(
            status, round(rec, 3), "organisation_counts", ngo=n, groups=g, rec=rec,
            ngo_total=hf.get("ngo_total"), groups_total=hf.get("initiative_groups_total"), fits=fits))
    for fid, col in (("ngo_total", "ngo_count"), ("initiative_groups_total", "initiative_group_count")):
        row = ctx.value("headline_figures", fid)
        if row is None:
            continue
        total = int(orgs[col].sum())
        ok = total == int(row.value) and bool(orgs["reproduces_published"].all())
        ctx.add("headline_figures", fid, None, "value", check(
            CONSISTENT if ok else DIFFERS, float(total), "organisation_total", n=len(orgs), total=total))
        kind = "ngo" if col == "ngo_count" else "groups"
        for r in orgs.itertuples():
            ctx.derive(f"derived.organisations.{r.region_code}.{col}", S02,
                       message("replication.claim.derived_organisations", kind=kind, region=ctx.region(r.region_code)),
                       float(getattr(r, col)), "derived_organisations")


# --- events --------------------------------------------------------------------------------------------------

def consistent_denominators(shares: np.ndarray, limit: int) -> list[int]:
    """Every event total n ≤ limit for which each share is k/n rounded to 2 decimals and the k sum to n."""
    out = []
    for n in range(1, limit + 1):
        k = np.rint(shares * n / 100.0)
        if np.all(np.abs(100.0 * k / n - shares) <= SHARE_TOL + 1e-9) and int(k.sum()) == n:
            out.append(n)
    return out


def fits(share: float, n: int) -> int | None:
    """k with round(100 k / n, 2) == share, or None."""
    k0 = round(share * n / 100)
    return next((k for k in (k0 - 1, k0, k0 + 1) if k >= 0 and math.isclose(round(100 * k / n, 2), share)), None)


def _nearest(share: float, n: int) -> float:
    lo = math.floor(share * n / 100)
    return round(100 * (lo + (1 if abs(100 * (lo + 1) / n - share) < abs(100 * lo / n - share) else 0)) / n, 2)


def events(ctx: Context) -> None:
    values = ctx.published("event_directions_by_region")
    counts = ctx.event_counts()
    if values.empty:
        return
    if counts is None:
        for row in values.itertuples():
            ctx.add("event_directions_by_region", row.item, row.region_code, row.column, check(
                DIFFERS, None, "no_event_total"))
        return
    c = counts.set_index(["region_code", "direction_id"])
    sums = values.groupby("region_code")["value"].sum()
    for row in values.itertuples():
        k = int(c.loc[(row.region_code, row.item), "events"])
        n = int(c.loc[(row.region_code, row.item), "region_events"])
        ctx.add("event_directions_by_region", row.item, row.region_code, row.column, check(
            CONSISTENT, round(100 * k / n, 4), "events_of_region", k=k, n=n, total=float(sums[row.region_code])))
    totals = counts.groupby("region_code")["region_events"].first()
    for code, n in totals.items():
        ctx.derive(f"derived.events.{code}", S05, message("replication.claim.derived_events", region=ctx.region(code)),
                   float(n), "derived_events")
    ctx.derive("derived.events.national", S05, message("replication.claim.derived_events_national"),
               float(totals.sum()), "derived_events_national")
    pooled = activities.national_from_counts(counts).set_index("direction_id")
    total = int(pooled["total_events"].iloc[0])
    for row in ctx.published("event_directions_national").itertuples():
        if row.item not in pooled.index:
            continue
        ev = int(pooled.loc[row.item, "events"])
        rec = round(100 * ev / total, 2)
        ctx.add("event_directions_national", row.item, None, row.column, check(
            REPRODUCED if abs(rec - row.value) <= SHARE_TOL + 1e-9 else DIFFERS, rec, "events_pooled",
            k=ev, n=total))
    nat = ctx.t("event_directions_national_corrected")
    if nat is not None:
        err = ctx.erratum("event_directions_national", "truncated_label")
        for r in nat[nat["share_pct_published"].isna() & nat["share_pct"].notna()].itertuples():
            ev = int(pooled.loc[r.direction_id, "events"]) if r.direction_id in pooled.index else None
            ctx.derive(f"derived.event_directions_national.{r.direction_id}", S05,
                       message("replication.claim.derived_direction", label=r.label_as_published),
                       float(r.share_pct), "derived_direction", erratum=err, pooled=ev is not None,
                       k=ev, n=total, share=None if ev is None else 100 * ev / total)


def ways(ctx: Context) -> None:
    values = ctx.published("ways_of_volunteering")
    if values.empty:
        return
    total = float(values["value"].sum())
    e12 = ctx.erratum("ways_of_volunteering", "sum_exceeds_100")
    for row in values.itertuples():
        ctx.add("ways_of_volunteering", row.item, None, row.column, check(
            DIFFERS if total > 100 + len(values) * SHARE_TOL else CONSISTENT, None, "ways_sum",
            n=len(values), total=total, erratum=e12))
    counts = ctx.event_counts()
    if counts is None:
        return
    n = int(counts.groupby("region_code")["region_events"].first().sum())
    e21 = ctx.erratum("ways_of_volunteering", "not_a_share_of_the_events")
    e22 = ctx.erratum("ways_of_volunteering", "copy_of_another_value")
    directions = ctx.published("event_directions_national")
    for row in values.itertuples():
        k = fits(row.value, n)
        same = directions[np.isclose(directions["value"].astype(float), row.value)]
        if len(same):
            d = same.iloc[0]
            dk = fits(float(d["value"]), n)
            ctx.add("ways_of_volunteering", row.item, None, row.column, check(
                DIFFERS, float(d["value"]), "ways_copy", label=ctx.direction_label(d["item"]), k=dk, n=n,
                share=100 * dk / n, erratum=e22))
        elif k is None:
            lo = math.floor(row.value * n / 100)
            ctx.add("ways_of_volunteering", row.item, None, row.column, check(
                DIFFERS, _nearest(row.value, n), "ways_no_whole_number", n=n, value=row.value, lo=lo, hi=lo + 1,
                lo_share=100 * lo / n, hi_share=100 * (lo + 1) / n, erratum=e21))
        else:
            ctx.add("ways_of_volunteering", row.item, None, row.column, check(
                CONSISTENT, round(100 * k / n, 4), "ways_events", k=k, n=n))


def participants(ctx: Context) -> None:
    values = ctx.published("participant_category_quotes")
    counts, ev = ctx.event_counts(), ctx.t("event_directions")
    if values.empty:
        return
    e21 = ctx.erratum("participant_category_quotes", "not_a_share_of_the_events")
    for row in values.itertuples():
        if counts is None or row.region_code is None or row.region_code not in set(counts["region_code"]):
            ctx.add("participant_category_quotes", row.item, row.region_code, row.column, check(
                NOT_REPRODUCIBLE, None, "participants_missing"))
            continue
        shares = ev[ev["region_code"] == row.region_code].sort_values("rank")["share_pct"].to_numpy(float)
        n0 = int(counts[counts["region_code"] == row.region_code]["region_events"].iloc[0])
        k = fits(row.value, n0)
        if k is not None:
            ctx.add("participant_category_quotes", row.item, row.region_code, row.column, check(
                CONSISTENT, round(100 * k / n0, 4), "participants_events", k=k, n=n0))
            continue
        possible = consistent_denominators(shares, DENOMINATOR_MULTIPLES * n0)
        fit = next((n for n in possible if fits(row.value, n) is not None), None)
        lo = math.floor(row.value * n0 / 100)
        multiple = None if fit is None else (fit // n0 if fit % n0 == 0 else fit / n0)
        ctx.add("participant_category_quotes", row.item, row.region_code, row.column, check(
            DIFFERS, _nearest(row.value, n0), "participants_no_whole_number", value=row.value, n=n0, lo=lo,
            hi=lo + 1, lo_share=100 * lo / n0, hi_share=100 * (lo + 1) / n0, found=fit is not None,
            fit_k=None if fit is None else fits(row.value, fit), fit_n=fit, multiple=multiple,
            limit=DENOMINATOR_MULTIPLES, erratum=e21))


def org_directions(ctx: Context) -> None:
    e11 = ctx.erratum("org_directions_partial", "unlabelled_values")
    for row in ctx.published("org_directions_partial").itertuples():
        ctx.add("org_directions_partial", row.item, None, row.column, check(
            NOT_REPRODUCIBLE, None, "org_directions_unlabelled", erratum=e11))
