"""Section 06 (the economic value of volunteer hours) in words: facts from :mod:`vstudy.analysis.economics`,
sentences from the catalogue domain ``economics`` (``src/vstudy/i18n/catalogues/<lang>/economics.yml``).

Each function takes the inputs and frames the analysis computed and the edition's ``lang`` and returns
:class:`~vstudy.present.words.Rendered` Markdown (or a list of it) for ``Study.say``. The wage bases are
language-neutral ids (``annual_2021``, ``quarters_2021_q3_2021_q4``, ``regional_2022``) that :func:`wage_label`
writes out.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from vstudy.analysis import economics as ec
from vstudy.data import regions
from vstudy.i18n import formats
from vstudy.present import labels
from vstudy.present.words import Rendered, plain, t

# The reader's table of the regional split: hours, the region's wage and the value (the share of hours stays in
# the CSV). Columns a dataset does not give are left out.
REGION_TABLE_COLUMNS = ("region_code", "hours_count", ec.REGIONAL_WAGE_COLUMN, "hourly_wage_kzt", "value_kzt_per_year")


def wage_label(basis: object, lang: str) -> str:
    """A wage basis id in words (:func:`vstudy.present.labels.wage_basis_label`, the one reading of these ids)."""
    return labels.wage_basis_label(basis, lang)


def with_wage_labels(frame: pd.DataFrame | None, lang: str) -> pd.DataFrame | None:
    """``frame`` with its ``wage_basis`` ids written out in ``lang`` (for the reader's tables and figures)."""
    if frame is None or "wage_basis" not in frame.columns:
        return frame
    return frame.assign(wage_basis=[wage_label(b, lang) for b in frame["wage_basis"]])


def _region(code: str, lang: str) -> str:
    """The unit's name in the edition's language, from the gazetteer."""
    return regions.name(code, lang)


def intro_text(lang: str, is_report: bool) -> Rendered:
    """The section's opening paragraph: for the dataset that transcribes the 2021 report (``is_report``: manifest
    ``transcribes: report_2021``), the method as the report's, in its own words; for a researcher's own data, the
    study's declared method, first used in that report."""
    return t(lang, "economics.intro.report" if is_report else "economics.intro.dataset")


def inputs_text(inp: Mapping, lang: str) -> list[Rendered]:
    """The hours, the period and the wage bases the section values."""
    if inp["hours"] is None:
        return [t(lang, "economics.inputs.no_hours")]
    months = inp["months"]
    parts = [t(lang, "economics.inputs.hours", hours=inp["hours"], months=months, factor=12 / months,
               full_year=months == 12, source=plain(lang, f"economics.hours_source.{inp['hours_source']}"))]
    if inp["months_published"] is not None and inp["months_published"] != months:
        parts.append(t(lang, "economics.inputs.months_published", m=inp["months_published"]))
    if inp["wages"]:
        items = [plain(lang, "economics.inputs.wage_item", basis=wage_label(basis, lang), wage=wage)
                 for basis, wage in inp["wages"].items()]
        parts.append(t(lang, "economics.inputs.wages", items=items))
        if not inp["national_wage"]:
            parts.append(t(lang, "economics.inputs.no_national_wage"))
    else:
        parts.append(t(lang, "economics.inputs.no_wage"))
    return parts


def employees_text(inp: Mapping, lang: str) -> list[Rendered]:
    """Hours a month, the report's reading of a month as employees' annual working time, and full-time
    equivalents of a year of the hours — each stated by its period; where the dataset carries the report's
    employee figure, the annual norm it needs."""
    if inp["hours"] is None:
        return [t(lang, "economics.employees.none")]
    hours, months = inp["hours"], inp["months"]
    per_month = ec.hours_per_month(hours, months)
    over = inp.get("hours_per_month_over")
    position = None if over is None else "above" if per_month > over else "below"
    parts = [t(lang, "economics.employees.per_month", hours=round(hours), months=months, pm=round(per_month),
               over=position,
               bound=over)]
    parts.append(t(lang, "economics.employees.fte", report=inp.get("report", False),
                   eq=round(ec.employee_equivalent(per_month, ec.GROSS_NORM), 1), week=ec.WEEKLY_HOURS_NORM,
                   weeks=ec.WEEKS_PER_YEAR, gross=ec.GROSS_NORM, annualised=months < 12,
                   annual=hours * 12 / months, factor=12 / months,
                   fte=round(ec.full_time_equivalents(hours, months, ec.GROSS_NORM), 1),
                   fte_h=ec.full_time_equivalents(hours, months, ec.HOLIDAY_ADJUSTED_NORM),
                   hnorm=ec.HOLIDAY_ADJUSTED_NORM))
    emp = inp.get("employees_published")
    if emp is not None:
        lo, hi = ec.norm_interval_for_equivalent(per_month, int(emp))
        parts.append(t(lang, "economics.employees.published", emp=int(emp), lo=lo, hi=hi, week=ec.WEEKLY_HOURS_NORM,
                       dlo=ec.days_off_for_norm(hi), dhi=ec.days_off_for_norm(lo), net=ec.NET_OF_LEAVE_NORM,
                       neteq=ec.employee_equivalent(per_month, ec.NET_OF_LEAVE_NORM),
                       netboth=ec.NET_OF_LEAVE_AND_HOLIDAYS_NORM,
                       netbotheq=ec.employee_equivalent(per_month, ec.NET_OF_LEAVE_AND_HOLIDAYS_NORM)))
    return parts


def assumptions_text(lang: str) -> Rendered:
    """The working-time norms and the varied assumptions, from the constants of :mod:`vstudy.analysis.economics`."""
    lo, hi = min(ec.HOURS_PER_MONTH_OPTIONS), max(ec.HOURS_PER_MONTH_OPTIONS)
    return t(lang, "economics.assumptions", week=ec.WEEKLY_HOURS_NORM, gross=ec.GROSS_NORM, weeks=ec.WEEKS_PER_YEAR,
             leave=ec.ANNUAL_LEAVE_CALENDAR_DAYS, net=ec.NET_OF_LEAVE_NORM, lo=lo, hi=hi, dlo=lo / ec.DAY_HOURS,
             dhi=round(hi / ec.DAY_HOURS), day=ec.DAY_HOURS,
             covs=[formats.percent(100 * c, lang, 0) for c in ec.COVERAGE_OPTIONS],
             ups=[formats.percent(100 * u, lang, 0) for u in ec.UPLIFT_OPTIONS])


def value_text(grid: pd.DataFrame | None, target: float | None, lang: str) -> Rendered:
    """The range of the money value and, where the dataset carries the report's value, how many assumptions reach
    it."""
    if grid is None or grid.empty:
        return t(lang, "economics.value.none")
    facts = {"n": len(grid), "lo": grid["value_bn_kzt_per_year"].min(), "hi": grid["value_bn_kzt_per_year"].max()}
    if target is None:
        return t(lang, "economics.value.range", **facts)
    gross = grid[grid["employer_uplift"] == 0]
    return t(lang, "economics.value.range_target", **facts, k=int(grid["reaches_target"].sum()), t=target / 1e9,
             g=int(gross["reaches_target"].sum()), ng=len(gross))


def required_heading(inp: Mapping, lang: str, is_report: bool) -> Rendered | None:
    """The heading of the part on what it takes to reach the published value: the report's for the 2021 report's
    transcription (``is_report``), which always has the part; the dataset's own where a researcher's dataset
    supplies a published money value; None (no part) for one that supplies none."""
    if is_report:
        return t(lang, "economics.required.heading.report")
    return None if inp["target"] is None else t(lang, "economics.required.heading.dataset")


def required_text(inp: Mapping, lang: str, is_report: bool = True) -> list[Rendered]:
    """What it takes to reach the published value, in the base case (first wage basis, published coverage, 160 h).
    A researcher's dataset (not ``is_report``) that supplies no published value gets nothing (its part is left
    out, :func:`required_heading`); one that supplies a value but no hours or wage is told what it lacks."""
    target = inp["target"]
    if target is None:
        return [t(lang, "economics.required.none")] if is_report else []
    if inp["hours"] is None or not inp["wages"]:
        return [t(lang, "economics.required.none" if is_report else "economics.required.no_inputs")]
    basis, wage, cov = ec.base_case(inp)
    hours, months, base = inp["hours"], inp["months"], ec.BASE_HOURS_PER_MONTH
    parts = [t(lang, "economics.required.base", label=wage_label(basis, lang), wage=wage, cov=100 * cov,
               t=target / 1e9, base=base, u=100 * ec.uplift_for_value(target, hours, months, wage, base, cov),
               h=ec.hours_per_month_for_value(target, hours, months, wage, cov),
               c=100 * ec.coverage_for_value(target, hours, months, wage, base))]
    low = inp["coverage_lowest"]
    if low is not None:
        parts.append(t(lang, "economics.required.lowest", low=low,
                       v=ec.annual_value(hours, months, wage, base, low / 100) / 1e9))
    return parts


def regional_text(split: pd.DataFrame | None, inp: Mapping, lang: str) -> list[Rendered]:
    """Hours by region and how they are valued: at each region's own wage when the dataset gives one for every
    region with hours (beside the same hours at the national wage), else at the national wage, else hours only;
    why regional wages are not used when the dataset gives some."""
    regional = inp["regional"]
    status = regional["status"]
    base, months = ec.BASE_HOURS_PER_MONTH, inp["months"]
    if split is None:
        if status == "no_hours":
            return [t(lang, "economics.regional.no_hours", k=regional["units_with_wage"])]
        return [t(lang, "economics.regional.none")]
    comparison = ec.regional_comparison(inp)
    if comparison is not None:
        parts = [t(lang, "economics.regional.at_regional", report=inp.get("report", False), year=inp["year"], n=comparison["units"],
                   h=comparison["hours"], v=comparison["regional_value"] / 1e9, base=base,
                   cov=100 * comparison["coverage"], top=_region(comparison["top_region"], lang),
                   top_share=comparison["top_share_pct"])]
        if comparison["national_value"] is None:
            parts.append(t(lang, "economics.regional.no_national"))
        else:
            parts.append(t(lang, "economics.regional.beside_national",
                           label=wage_label(comparison["national_basis"], lang), wage=comparison["national_wage"],
                           nv=comparison["national_value"] / 1e9, ww=comparison["weighted_wage"],
                           diff=100 * (comparison["weighted_wage"] / comparison["national_wage"] - 1)))
        return parts
    parts = [t(lang, "economics.regional.hours", h=split["hours_count"].sum(), n=len(split),
               headline=inp["hours_source"] == "headline_total", t=inp["hours"])]
    if status == "partial":
        missing = [_region(c, lang) for c in regional["missing"]]
        parts.append(t(lang, "economics.regional.partial", k=len(regional["frame"]) - len(missing),
                       n=len(regional["frame"]), missing=missing, nmissing=len(missing)))
    elif status == "hours_differ":
        parts.append(t(lang, "economics.regional.hours_differ", h=split["hours_count"].sum(), t=inp["hours"]))
    basis, _ = ec.national_basis(inp)
    if basis is not None:
        _, _, cov = ec.base_case(inp)
        parts.append(t(lang, "economics.regional.national", label=wage_label(basis, lang), base=base,
                       cov=100 * cov, m=months))
    else:
        parts.append(t(lang, "economics.regional.hours_only"))
    return parts


def caveats_text(facts: Mapping | None, lang: str) -> list[Rendered]:
    """What the range does not vary — replacement cost, public holidays, annualisation, coverage — each with its
    effect where the dataset allows it to be computed, one paragraph each (the sentence that there is no money
    value when there is none)."""
    if facts is None:
        return [t(lang, "economics.value.none")]
    parts = [t(lang, "economics.caveats.intro")]
    if facts["students_pct"] is not None and facts["under18_pct"] is not None:
        parts.append(t(lang, "economics.caveats.replacement_shares", students=facts["students_pct"],
                       under18=facts["under18_pct"]))
    else:
        parts.append(t(lang, "economics.caveats.replacement"))
    religious = sum(d for _, d, moved in ec.PUBLIC_HOLIDAYS if not moved)
    parts.append(t(lang, "economics.caveats.holidays", week=ec.WEEKLY_HOURS_NORM, weeks=ec.WEEKS_PER_YEAR,
                   days=facts["holiday_days_off"], religious=religious, wdays=facts["holiday_working_days"],
                   hnorm=facts["holiday_norm"], hmonth=facts["holiday_norm_month"], hv=facts["holiday_value"] / 1e9,
                   bv=facts["base_value"] / 1e9, base=ec.BASE_HOURS_PER_MONTH, inside=facts["holiday_in_range"],
                   netboth=facts["net_both_norm"], netbothm=facts["net_both_month"], hi=facts["range_hi"] / 1e9,
                   hi2=facts["range_hi_net_both"] / 1e9))
    if facts["annualised"]:
        parts.append(t(lang, "economics.caveats.annualised", months=facts["months"], factor=facts["factor"],
                       step=ec.QUIETER_STEP_PCT, effect=facts["quieter_effect_pct"]))
    else:
        parts.append(t(lang, "economics.caveats.full_year"))
    parts.append(t(lang, "economics.caveats.coverage", full=facts["coverage_full_value"] / 1e9,
                   low=facts["coverage_low_value"] / 1e9, lowcov=100 * facts["coverage_low"],
                   ratio=facts["coverage_low_value"] / facts["coverage_full_value"]))
    return parts
