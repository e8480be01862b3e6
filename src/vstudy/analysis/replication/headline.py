"""Checks of the report's coefficients (section 03), of its headline figures and of the information line (07)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from vstudy.analysis.replication.core import (
    CONSISTENT,
    DIFFERS,
    NOT_REPRODUCIBLE,
    REPRODUCED,
    SHARE_TOL,
    WORKING_HOURS_PER_YEAR,
    Context,
    Joined,
    check,
    period_date,
    sum_check,
    within,
)
from vstudy.analysis.replication.demographics import weights
from vstudy.data import regions


def correlations(ctx: Context) -> None:
    coef = ctx.coefficients
    if coef is not None and "method" in coef.columns:
        coef = coef[coef["method"] == "pearson"]
    by_id = {} if coef is None else {r.coef_id: r for r in coef.itertuples() if isinstance(r.coef_id, str)}
    for row in ctx.published("correlations_published").itertuples():
        hit = by_id.get(row.item)
        x, y = ctx.pair(row.item)
        if hit is None:
            ctx.add("correlations_published", row.item, None, row.column, check(
                NOT_REPRODUCIBLE, None, "coefficients_not_given"))
        elif pd.isna(hit.r):
            noted = isinstance(hit.note, str) and bool(hit.note)
            absent = re.findall(r"(\w+) not in the processed table", hit.note) if noted else []
            if noted:
                ctx.add("correlations_published", row.item, None, row.column, check(
                    NOT_REPRODUCIBLE, None, "regional_inputs_missing", x=x, y=y, absent=absent,
                    has_absent=bool(absent)))
            else:
                ctx.add("correlations_published", row.item, None, row.column, check(
                    NOT_REPRODUCIBLE, None, "too_few_regions"))
        else:
            rec = round(float(hit.r), 3)
            ctx.add("correlations_published", row.item, None, row.column, check(
                REPRODUCED if abs(rec - row.value) <= SHARE_TOL + 1e-9 else DIFFERS, rec, "pearson",
                x=x, y=y, n=int(hit.n)))


# Prose figures that restate a value printed elsewhere: figure id → (table, item, region code or None).
RESTATEMENTS: dict[str, tuple[str, str, str | None]] = {
    "volunteers_total_restated": ("headline_figures", "volunteers_total", None),
    "front_office_coverage_pct_restated": ("headline_figures", "front_office_coverage_pct", None),
    "front_office_coverage_lowest_pct_restated": ("headline_figures", "front_office_coverage_lowest_pct", None),
    "gender_female_pct_prose": ("gender_national", "female", None),
    "gender_male_pct_prose": ("gender_national", "male", None),
    "age_18_29_national_pct_prose": ("age_national", "18_29", None),
    "age_30_to_pension_national_pct_prose": ("age_national", "30_to_pension", None),
    "age_18_29_nur_sultan_pct_prose": ("age_by_region", "18_29", "KZ-71"),
    "age_18_29_kyzylorda_pct_prose": ("age_by_region", "18_29", "KZ-43"),
    "age_30_to_pension_nur_sultan_pct_prose": ("age_by_region", "30_to_pension", "KZ-71"),
    "age_30_to_pension_kyzylorda_pct_prose": ("age_by_region", "30_to_pension", "KZ-43"),
    "taza_alem_almaty_city_pct_prose": ("event_directions_by_region", "taza_alem", "KZ-75"),
}
# Figures no public input allows to check: figure id prefix → the note saying which input is missing
# (``replication.note.uncheckable.<key>``).
UNCHECKABLE: dict[str, str] = {
    "economic_value_min_kzt_per_year": "economic_value", "report_quality_": "report_quality",
    "front_office_coverage": "front_office_coverage", "years_needed_": "years_needed",
    "rfo_system_years": "rfo_system_years", "nur_sultan_share_of_national_30_to_pension_pct": "needs_volunteer_counts",
    "rfo_district_offline_sessions": "front_office_training", "rfo_training_session_days_": "recommendation",
}
# The regions of the prose figure «до 36%» (Shymkent, East Kazakhstan, Mangystau).
UPTO_REGIONS = ("KZ-79", "KZ-63", "KZ-47")


def headline(ctx: Context) -> None:
    values = ctx.published("headline_figures")
    fig = ctx.figures()
    reg = ctx.t("regions")
    for row in values.itertuples():
        fid, add = row.item, (lambda c, _r=row: ctx.add("headline_figures", _r.item, None, _r.column, c))
        if fid in RESTATEMENTS:
            table, item, name = RESTATEMENTS[fid]
            code = ctx.code(name) if name else None
            other = ctx.value(table, item, code)
            if other is None:
                add(check(NOT_REPRODUCIBLE, None, "restated_missing"))
                continue
            status = within(row.value, float(other.value), 1e-9)
            err = ctx.erratum("headline_figures", "prose_vs_table", fid) if status == DIFFERS else None
            add(check(status, float(other.value), "restates", value=float(other.value), table=table,
                      has_region=code is not None, region=ctx.region(code), line=int(other.source_line),
                      erratum=err))
        elif fid == "age_18_29_shymkent_vko_mangystau_upto_pct_prose":
            listed = [ctx.value("age_by_region", "18_29", ctx.code(n)) for n in UPTO_REGIONS]
            listed = [float(v.value) for v in listed if v is not None]
            if listed:
                worst = max(listed)
                err = ctx.erratum("headline_figures", "prose_vs_table", fid) if worst > row.value else None
                add(check(CONSISTENT if worst <= row.value else DIFFERS, worst, "upto_listed",
                          values=Joined(tuple(listed), "; ", 2),
                          erratum=err))
        elif fid in ("volunteers_total", "hours_6_months"):
            col = "volunteers_count" if fid == "volunteers_total" else "hours_count"
            if reg is not None and col in reg.columns and reg[col].notna().all():
                total = float(reg[col].sum())
                add(check(REPRODUCED if total == row.value else DIFFERS, total, "sum_supplied", column=col))
            else:
                add(check(NOT_REPRODUCIBLE, None, "needs_regional_counts",
                          what="volunteers" if col == "volunteers_count" else "hours",
                          table=f"{col.split('_')[0]}_by_region"))
        elif fid == "data_period_months":
            months = ctx.months()
            if months is not None:
                add(check(within(row.value, months, 0), float(months), "period_months",
                          start=period_date(ctx.period.get("start")), end=period_date(ctx.period.get("end"))))
        elif fid == "hours_per_month_over" and {"hours_6_months", "data_period_months"} <= set(fig):
            per_month = fig["hours_6_months"] / fig["data_period_months"]
            add(check(CONSISTENT if per_month > row.value else DIFFERS, round(per_month, 1), "hours_per_month",
                      hours=round(fig["hours_6_months"]), months=round(fig["data_period_months"])))
        elif fid == "employee_equivalent" and {"hours_6_months", "data_period_months"} <= set(fig):
            per_month = fig["hours_6_months"] / fig["data_period_months"]
            eq = per_month / WORKING_HOURS_PER_YEAR
            lo, hi = per_month / (row.value + 0.5), per_month / (row.value - 0.5)
            status = DIFFERS if round(eq) != row.value else CONSISTENT
            err = ctx.erratum("headline_figures", "arithmetic") if status == DIFFERS else None
            add(check(status, round(eq, 1), "employee_equivalent", per_month=round(per_month),
                      year=WORKING_HOURS_PER_YEAR, eq=eq, published=row.value, lo=lo, hi=hi, lo_month=lo / 12,
                      hi_month=hi / 12, erratum=err))
        elif fid == "initiative_group_share_pct" and {"ngo_total", "initiative_groups_total"} <= set(fig):
            n, g = fig["ngo_total"], fig["initiative_groups_total"]
            rec = round(100 * g / (n + g), 2)
            add(check(REPRODUCED if abs(rec - row.value) <= SHARE_TOL else DIFFERS, rec, "group_share_totals",
                      ngo=n, groups=g))
        elif fid in ("rfo_on_mrc_base_regions", "rfo_other_form_regions") and \
                {"rfo_on_mrc_base_regions", "rfo_other_form_regions"} <= set(fig):
            total = fig["rfo_on_mrc_base_regions"] + fig["rfo_other_form_regions"]
            units = len(regions.codes(ctx.scheme))
            add(check(within(total, units, 0), float(units - (total - row.value)), "front_offices",
                      mrc=fig["rfo_on_mrc_base_regions"], other=fig["rfo_other_form_regions"], total=total,
                      units=units))
        elif fid in ("ngo_total", "initiative_groups_total"):
            continue  # checked with the organisations table
        else:
            reason = next((r for prefix, r in UNCHECKABLE.items() if fid.startswith(prefix)), None)
            add(check(NOT_REPRODUCIBLE, None, f"uncheckable.{reason}") if reason else
                check(NOT_REPRODUCIBLE, None, "no_recomputation", figure=fid))
        if fid == "nur_sultan_share_of_national_30_to_pension_pct":
            _nur_sultan_share(ctx, row)


def _nur_sultan_share(ctx: Context, row) -> None:
    w, age = weights(ctx), ctx.t("age")
    code = ctx.code("KZ-71")
    if w is None or age is None or code is None:
        return
    n_group = age.set_index("region_code")["vol_age_30_to_pension_pct"].astype(float) * w
    rec = round(float(100 * n_group[code] / n_group.sum()), 2)
    ctx.add("headline_figures", row.item, None, row.column, check(
        REPRODUCED if abs(rec - row.value) <= 0.05 else DIFFERS, rec, "nur_sultan_share", tol=0.05))


# --- information line ----------------------------------------------------------------------------------------

# Published information-line figures no input allows to check: figure id prefix → the note's key
# (``replication.note.info_line.<key>``).
INFO_LINE_UNCHECKABLE = {
    "operation_period_months": "operation_period", "share_from_private_persons_in_hardship_pct": "by_caller",
    "aug_share_directly_volunteering_pct": "august", "nov_share_related_to_volunteering_pct": "november",
    "oct_response_delay_days": "response_times", "avg_requests_per_day": "october_count", "sep_share": "september",
}


def info_line(ctx: Context) -> None:
    tot = ctx.published("info_line_totals")
    t = {r.item: r for r in tot.itertuples()}
    ch = {r.item: r for r in ctx.published("info_line_channels").itertuples()}
    cats = ctx.published("info_line_categories")
    e15 = ctx.erratum("info_line_totals", "parts_sum_total")
    e16 = ctx.erratum("info_line_categories", "parts_sum_total")
    parts = [p for p in ("requests_volunteering", "requests_complaint_law_violation", "requests_not_volunteering")
             if p in t]
    if "requests_total" in t and len(parts) == 3:
        s = sum(t[p].value for p in parts)
        total = t["requests_total"].value
        err = e15 if s != total else None
        for p in parts:
            implied = total - (s - t[p].value)
            ctx.add("info_line_totals", p, None, "value", check(
                within(t[p].value, implied, 0), implied, "subjects_sum", sum=s, total=total, erratum=err))
        ctx.add("info_line_totals", "requests_total", None, "value", check(
            NOT_REPRODUCIBLE if s == total else CONSISTENT, None, "subjects_sum_only", sum=s, erratum=err))
    main = [c for c in ("phone_call", "whatsapp", "telegram") if c in ch]
    if "requests_total" in t and main and "two_channels_simultaneously" in ch:
        both = ch["two_channels_simultaneously"].value
        s = sum(ch[c].value for c in main) - both
        total = t["requests_total"].value
        counts = Joined(tuple(float(ch[c].value) for c in main))
        ctx.add("info_line_totals", "requests_total", None, "value", check(
            within(total, s, 0), s, "channels_sum", counts=counts, both=both, sum=s, with_total=False, total=total))
        for c in [*main, "two_channels_simultaneously"]:
            implied = total - (s - (ch[c].value if c != "two_channels_simultaneously" else -both))
            implied = implied if c != "two_channels_simultaneously" else -implied
            ctx.add("info_line_channels", c, None, "value", check(
                within(ch[c].value, implied, 0), implied, "channels_sum", counts=counts, both=both, sum=s,
                with_total=True, total=total))
        if "requests_two_channels_simultaneously" in t:
            ctx.add("info_line_totals", "requests_two_channels_simultaneously", None, "value", check(
                within(t["requests_two_channels_simultaneously"].value, both, 0), both, "channel_list_gives"))
    if not cats.empty and "requests_volunteering" in t:
        s = float(cats["value"].sum())
        vol = t["requests_volunteering"].value
        err = e16 if s != vol else None
        for r in cats.itertuples():
            ctx.add("info_line_categories", r.item, None, r.column, check(
                within(r.value, vol - (s - r.value), 0), vol - (s - r.value), "categories_sum",
                n=len(cats), sum=s, volunteering=vol, erratum=err))
        ctx.add("info_line_totals", "requests_volunteering", None, "value", check(
            within(vol, s, 0), s, "categories_sum_only", sum=s, erratum=err))
    sep = [m for m in ("sep_share_grant_programmes_pct", "sep_share_want_to_volunteer_pct",
                       "sep_share_hardship_and_consultations_pct") if m in t]
    if len(sep) == 3:
        sum_check(ctx, "info_line_totals", tot[tot["item"].isin(sep)], "september")
    monthly = ctx.published("info_line_monthly")
    per_day = t.get("avg_requests_per_day")
    if not monthly.empty:
        spikes = len(monthly)
        if "oct_activity_spikes" in t:
            ctx.add("info_line_totals", "oct_activity_spikes", None, "value", check(
                within(t["oct_activity_spikes"].value, spikes, 0), float(spikes), "spikes_listed", n=spikes))
        mon = ctx.t("info_line_monthly")
        for r in monthly.itertuples():
            days = None
            if mon is not None:
                hit = mon[(mon["date_from"].astype(str) + "/" + mon["date_to"].astype(str)) == r.item]
                if len(hit):
                    days = (dt.date.fromisoformat(str(hit["date_to"].iloc[0]))
                            - dt.date.fromisoformat(str(hit["date_from"].iloc[0]))).days + 1
            if per_day is not None and days:
                rate = r.value / days
                ctx.add("info_line_monthly", r.item, None, r.column, check(
                    CONSISTENT if rate > per_day.value else DIFFERS, round(rate, 1), "spike_rate",
                    requests=r.value, days=days, rate=rate, average=per_day.value))
            ctx.add("info_line_monthly", r.item, None, r.column, check(NOT_REPRODUCIBLE, None, "daily_missing"))
    period = ctx.erratum("info_line_totals", "period_mismatch")
    for r in tot.itertuples():
        reason = next((v for k, v in INFO_LINE_UNCHECKABLE.items() if r.item.startswith(k)), None)
        if reason:
            ctx.add("info_line_totals", r.item, None, r.column, check(
                NOT_REPRODUCIBLE, None, f"info_line.{reason}", erratum=period))
        elif ("info_line_totals", r.item, None, r.column) not in ctx.checks:
            ctx.add("info_line_totals", r.item, None, r.column, check(
                NOT_REPRODUCIBLE, None, "no_recomputation", figure=r.item))
