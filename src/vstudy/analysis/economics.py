"""The money value of volunteer hours: hours a month, employee equivalents and a value a year, under stated assumptions.

The 2021 report (lines 2125-2155) gives the hours of six months, «более 75 500» hours a month, «эквивалентно годовому
рабочему времени 40 наёмных сотрудников», and values the work at «не менее чем в 3,2 млрд. тенге в год» using the
average monthly wage (BNS) and allowing for the front offices' coverage of the real volunteer sector («едва
достигают 50%»). The method is not given, so every assumption here is explicit and varied:

value per year = hours in the period × (12 / months in the period) × wage per month × (1 + employer uplift)
                 / hours worked per month / coverage

* **months in the period** come from the dataset's manifest (:func:`vstudy.data.datasets.period_months`), never
  from the name of a figure: a 12-month dataset is annualised × 1, a 6-month one × 2;
* **wage basis**: the national average monthly nominal wage of the period's year and the average of the national
  quarterly wages over the quarters the period covers (processed table ``official_national``);
* **working time** an employee's wage pays for: monthly norms of 160–176 h (20–22 working days of 8 h), the
  40-hour week over 52 weeks (Labour Code of the Republic of Kazakhstan, art. 68: at most 40 hours a week;
  2,080 h a year before holidays and leave), and the same net of the minimum annual paid leave (art. 88:
  24 calendar days, i.e. 24 × 5/7 working days of 8 h);
* **employer uplift**: what an employer pays on top of the gross wage (social tax and contributions). The dataset
  holds no rate for it, so it is varied (none, 10 %, 20 %) and solved for: what uplift reaches the report's value;
* **coverage**: 100 %, 75 % and 50 % of the real sector recorded by the front offices;
* **regional wages** (when the dataset gives ``avg_monthly_wage_kzt`` for every unit with hours, as the report's
  «в перерасчёте часов по регионам» did): value = Σ hours_r × 12 / months × wage_r × (1 + uplift) / hours worked per
  month / coverage. In the grid this is the wage basis ``regional_<year>`` whose monthly wage is the hours-weighted
  mean Σ hours_r × wage_r / Σ hours_r, so each of its cells equals the region-by-region sum exactly
  (:func:`regional_value`); the national wage stays beside it.

What the grid does not vary is stated with its effect where the dataset allows (:func:`caveats`): the
replacement-cost basis (every hour at the economy-wide mean wage), public holidays (:data:`HOLIDAY_ADJUSTED_NORM`),
annualisation (the unobserved months as busy as the observed ones) and the coverage extrapolation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

WEEKLY_HOURS_NORM = 40  # Labour Code of the Republic of Kazakhstan, art. 68: at most 40 hours a week
WEEKS_PER_YEAR = 52
DAY_HOURS = 8
ANNUAL_LEAVE_CALENDAR_DAYS = 24  # Labour Code of the Republic of Kazakhstan, art. 88: annual paid leave, 24 days
GROSS_NORM = WEEKLY_HOURS_NORM * WEEKS_PER_YEAR  # 2,080 h a year
NET_OF_LEAVE_NORM = GROSS_NORM - ANNUAL_LEAVE_CALENDAR_DAYS * 5 / 7 * DAY_HOURS
# Public holidays that are days off (Law of the Republic of Kazakhstan of 13 December 2001 No. 267-II «О праздниках в
# Республике Казахстан», as amended). A holiday that falls on a day off moves to the next working day, except the
# religious ones (Orthodox Christmas, the first day of Kurban ait).
# (holiday, days off, moved when it falls on a weekend). Until 2021 Independence Day had two days and Republic Day
# was not a holiday: 15 days off either way.
PUBLIC_HOLIDAYS: tuple[tuple[str, int, bool], ...] = (
    ("new_year", 2, True), ("orthodox_christmas", 1, False), ("international_womens_day", 1, True),
    ("nauryz", 3, True), ("unity_day", 1, True), ("defender_of_the_fatherland_day", 1, True),
    ("victory_day", 1, True), ("capital_day", 1, True), ("kurban_ait", 1, False), ("constitution_day", 1, True),
    ("republic_day", 1, True), ("independence_day", 1, True),
)
HOLIDAYS_SOURCE = "Law of the Republic of Kazakhstan No. 267-II of 13 December 2001 on holidays, as amended"
WORKING_DAYS_PER_WEEK = 5
# Working days a year that holidays take: the moved ones always, a religious one with the chance that it falls on
# one of the five working days of the week. (A given year differs: the ministry's balance of working time for 2024,
# a year of 262 weekdays, is 248 days and 1,984 h.)
HOLIDAY_WORKING_DAYS = sum(d if moved else d * WORKING_DAYS_PER_WEEK / 7 for _, d, moved in PUBLIC_HOLIDAYS)
HOLIDAY_DAYS_OFF = sum(d for _, d, _ in PUBLIC_HOLIDAYS)
HOLIDAY_ADJUSTED_NORM = GROSS_NORM - HOLIDAY_WORKING_DAYS * DAY_HOURS  # ≈ 1,965 h a year
NET_OF_LEAVE_AND_HOLIDAYS_NORM = NET_OF_LEAVE_NORM - HOLIDAY_WORKING_DAYS * DAY_HOURS  # ≈ 1,827 h a year
BASE_HOURS_PER_MONTH = 160.0  # the base case's norm (20 working days of 8 h)
QUIETER_STEP_PCT = 10.0  # annualisation caveat: the unobserved months this many % quieter than the observed ones
REGIONAL_WAGE_COLUMN = "avg_monthly_wage_kzt"  # the regional table's annual average monthly nominal wage
HOURS_PER_MONTH_OPTIONS: tuple[float, ...] = (160.0, 168.0, 176.0, GROSS_NORM / 12, NET_OF_LEAVE_NORM / 12)
COVERAGE_OPTIONS: tuple[float, ...] = (1.0, 0.75, 0.5)
UPLIFT_OPTIONS: tuple[float, ...] = (0.0, 0.10, 0.20)
TARGET_ROUNDING = 0.05e9  # the report prints «3,2 млрд»: a value from 3.15 bn rounds to it


def hours_per_month(hours_total: float, months: float) -> float:
    """Average hours a month over the period."""
    if months <= 0:
        raise ValueError("months must be positive")
    return hours_total / months


def annual_norm_options() -> pd.DataFrame:
    """Annual working-time norms (hours per employee-year) with where each comes from, as ids
    (:mod:`vstudy.present.labels` names them: ``week_40x52`` "40 h/week × 52 weeks", basis ``labour_code_art68``
    "Labour Code RK art. 68 (≤ 40 h a week); no deduction for holidays or leave", …)."""
    rows = [
        ("week_40x52", GROSS_NORM, "labour_code_art68"),
        ("week_40x52_less_leave", NET_OF_LEAVE_NORM, "labour_code_art68_less_art88"),
        ("month_176x12", 176.0 * 12, "working_days_22x8"),
        ("month_168x12", 168.0 * 12, "working_days_21x8"),
        ("month_160x12", 160.0 * 12, "working_days_20x8"),
    ]
    return pd.DataFrame(rows, columns=["norm", "hours_per_year", "basis"])


def employee_equivalent(hours_in_month: float, annual_norm_hours: float) -> float:
    """How many employees' annual working time equals one month of volunteer hours (the report's reading)."""
    return hours_in_month / annual_norm_hours


def norm_interval_for_equivalent(hours_in_month: float, employees: int) -> tuple[float, float]:
    """The annual norms (hours a year) for which ``hours_in_month / norm`` rounds to ``employees``."""
    return hours_in_month / (employees + 0.5), hours_in_month / (employees - 0.5)


def days_off_for_norm(annual_norm_hours: float) -> float:
    """Working days of 8 h that the 40-hour week over 52 weeks must lose to leave ``annual_norm_hours``."""
    return (GROSS_NORM - annual_norm_hours) / DAY_HOURS


def annual_value(hours_period: float, months: float, wage_per_month: float, hours_worked_per_month: float,
                 coverage: float = 1.0, uplift: float = 0.0) -> float:
    """Money value per year of the hours of a period at the employer's cost of an hour, scaled up for coverage < 1."""
    if not 0 < coverage <= 1:
        raise ValueError("coverage must lie in (0, 1]")
    if months <= 0:
        raise ValueError("months must be positive")
    if uplift < 0:
        raise ValueError("the employer uplift cannot be negative")
    hourly = wage_per_month * (1 + uplift) / hours_worked_per_month
    return hours_period * (12.0 / months) * hourly / coverage


def hours_per_month_for_value(target: float, hours_period: float, months: float, wage_per_month: float,
                              coverage: float = 1.0, uplift: float = 0.0) -> float:
    """The hours worked per month by an employee that make :func:`annual_value` equal ``target``."""
    return hours_period * (12.0 / months) * wage_per_month * (1 + uplift) / (coverage * target)


def coverage_for_value(target: float, hours_period: float, months: float, wage_per_month: float,
                       hours_worked_per_month: float, uplift: float = 0.0) -> float:
    """The coverage share that makes :func:`annual_value` equal ``target``."""
    return annual_value(hours_period, months, wage_per_month, hours_worked_per_month, 1.0, uplift) / target


def uplift_for_value(target: float, hours_period: float, months: float, wage_per_month: float,
                     hours_worked_per_month: float, coverage: float = 1.0) -> float:
    """The employer uplift over the gross wage that makes :func:`annual_value` equal ``target`` (may be < 0)."""
    return target / annual_value(hours_period, months, wage_per_month, hours_worked_per_month, coverage) - 1.0


def period_quarters(period: Mapping) -> list[str]:
    """The calendar quarters a period covers, as ``YYYY-Qn`` (2021-07-01 … 2021-12-31 → 2021-Q3, 2021-Q4)."""
    start = pd.Timestamp(str(period["start"]))
    end = pd.Timestamp(str(period["end"]))
    return [f"{q.year}-Q{q.quarter}" for q in pd.period_range(start, end, freq="Q")]


def wage_options(indicators: pd.DataFrame | None, year: str = "2021", quarters: Sequence[str] | None = None
                 ) -> dict[str, float]:
    """National monthly wage bases available in a table of national indicators (indicator, ref_period, value).

    A table with an ``is_national`` column (the raw long indicators) is filtered to its national rows first.
    Returns the options by id: the annual average of ``year`` (``annual_<year>``) and, when every one of
    ``quarters`` (default: Q3 and Q4 of ``year``) is present, the average of the national quarterly averages over
    them — the period the hours cover (``quarters_<first>_<last>``, e.g. ``quarters_2021_q3_2021_q4``). The ids are
    language-neutral: :func:`vstudy.present.prose.economics.wage_label` writes them out in an edition's language.
    """
    if indicators is None or not len(indicators):
        return {}
    nat = indicators[indicators["is_national"]] if "is_national" in indicators.columns else indicators
    ref = nat["ref_period"].astype(str)
    out: dict[str, float] = {}
    annual = nat[(nat["indicator"] == "avg_monthly_nominal_wage") & (ref == str(year))]
    if len(annual):
        out[f"annual_{year}"] = float(annual["value"].iloc[0])
    q = nat[nat["indicator"] == "avg_monthly_nominal_wage_quarterly"].assign(ref=ref).set_index("ref")["value"]
    wanted = list(quarters) if quarters is not None else [f"{year}-Q3", f"{year}-Q4"]
    if wanted and all(k in q.index for k in wanted):
        out[f"quarters_{wanted[0]}_{wanted[-1]}".replace("-", "_").lower()] = float(np.mean([q[k] for k in wanted]))
    return out


def sensitivity_grid(hours_period: float, months: float, wages: Mapping[str, float],
                     hours_options: Iterable[float] = HOURS_PER_MONTH_OPTIONS,
                     coverages: Iterable[float] = COVERAGE_OPTIONS, target: float | None = None,
                     uplifts: Iterable[float] = (0.0,)) -> pd.DataFrame:
    """Annual value for every combination of wage basis, hours worked per month, coverage and employer uplift."""
    rows = []
    for wage_label, wage in wages.items():
        for hpm in hours_options:
            for cov in coverages:
                for up in uplifts:
                    value = annual_value(hours_period, months, wage, hpm, cov, up)
                    rows.append({
                        "wage_basis": wage_label, "wage_kzt_per_month": wage,
                        "hours_worked_per_month": round(float(hpm), 2), "coverage": float(cov),
                        "employer_uplift": float(up), "hourly_cost_kzt": wage * (1 + up) / hpm,
                        "annual_hours_scaled": hours_period * 12 / months / cov,
                        "value_kzt_per_year": value, "value_bn_kzt_per_year": value / 1e9,
                    })
    grid = pd.DataFrame(rows)
    if target is not None:
        grid["reaches_target"] = grid["value_kzt_per_year"] >= target - TARGET_ROUNDING
    return grid


def required_assumptions(target: float, hours_period: float, months: float, wages: Mapping[str, float],
                         coverages: Iterable[float] = COVERAGE_OPTIONS,
                         hours_options: Iterable[float] = HOURS_PER_MONTH_OPTIONS) -> pd.DataFrame:
    """What it takes to reach ``target``: per wage basis, the hours a month at each coverage (gross wage), the coverage
    at each monthly norm (gross wage) and the employer uplift at each norm and coverage."""
    rows = []
    coverages, hours_options = list(coverages), list(hours_options)
    for label_, wage in wages.items():
        for cov in coverages:
            rows.append({"wage_basis": label_, "solve_for": "hours worked per month", "coverage": cov,
                         "value": hours_per_month_for_value(target, hours_period, months, wage, cov)})
        for hpm in hours_options:
            rows.append({"wage_basis": label_, "solve_for": "coverage", "hours_worked_per_month": round(hpm, 2),
                         "value": coverage_for_value(target, hours_period, months, wage, hpm)})
        for hpm in hours_options:
            for cov in coverages:
                rows.append({"wage_basis": label_, "solve_for": "employer uplift", "coverage": cov,
                             "hours_worked_per_month": round(hpm, 2),
                             "value": uplift_for_value(target, hours_period, months, wage, hpm, cov)})
    return pd.DataFrame(rows, columns=["wage_basis", "solve_for", "coverage", "hours_worked_per_month", "value"])


def regional_split(hours_by_region: pd.DataFrame, wage_per_month: float | None, hours_worked_per_month: float,
                   months: float, coverage: float = 1.0) -> pd.DataFrame:
    """Per-region hours, their share and (with a wage) the annual value, from ``hours_by_region``
    (columns region_code, hours_count); ``months`` is the dataset's period length."""
    frame = hours_by_region[["region_code", "hours_count"]].dropna().copy()
    frame["hours_count"] = frame["hours_count"].astype(float)
    frame["hours_share_pct"] = (100 * frame["hours_count"] / frame["hours_count"].sum()).round(2)
    if wage_per_month is None:
        return frame.sort_values("hours_count", ascending=False).reset_index(drop=True)
    frame["value_kzt_per_year"] = [
        annual_value(h, months, wage_per_month, hours_worked_per_month, coverage) if not math.isnan(h) else np.nan
        for h in frame["hours_count"].astype(float)
    ]
    return frame.sort_values("hours_count", ascending=False).reset_index(drop=True)


def employee_equivalent_table(hours_in_month: float, published: float | None = None) -> pd.DataFrame:
    """Employee equivalents of one month of volunteer hours under each annual norm of :func:`annual_norm_options`."""
    out = annual_norm_options()
    out["employees"] = (hours_in_month / out["hours_per_year"]).round(1)
    if published is not None and not pd.isna(published):
        out["reproduces_published"] = out["employees"].round() == published
    return out


def full_time_equivalents(hours_period: float, months: float, annual_norm_hours: float) -> float:
    """Full-time equivalents over a year: the period's hours annualised (× 12 / months) over an employee-year."""
    if months <= 0:
        raise ValueError("months must be positive")
    return hours_period * 12.0 / months / annual_norm_hours


def regional_value(by_region: pd.DataFrame, months: float, hours_worked_per_month: float, coverage: float = 1.0,
                   uplift: float = 0.0) -> pd.DataFrame:
    """Each unit's hours valued at its own wage: ``by_region`` has region_code, hours_count and
    ``avg_monthly_wage_kzt`` (every row with both); adds the hourly cost and the value a year
    (:func:`annual_value` of the unit's hours at the unit's wage), largest hours first."""
    frame = by_region[["region_code", "hours_count", REGIONAL_WAGE_COLUMN]].copy()
    frame["hours_count"] = frame["hours_count"].astype(float)
    wage = frame[REGIONAL_WAGE_COLUMN].astype(float)
    if frame["hours_count"].isna().any() or wage.isna().any():
        raise ValueError("every unit valued at its own wage needs hours and a wage")
    frame["hours_share_pct"] = (100 * frame["hours_count"] / frame["hours_count"].sum()).round(2)
    frame["hourly_wage_kzt"] = wage * (1 + uplift) / hours_worked_per_month
    frame["value_kzt_per_year"] = [annual_value(h, months, w, hours_worked_per_month, coverage, uplift)
                                   for h, w in zip(frame["hours_count"], wage, strict=True)]
    return frame.sort_values("hours_count", ascending=False, kind="stable").reset_index(drop=True)


def hours_weighted_wage(by_region: pd.DataFrame) -> float:
    """Σ hours_r × wage_r / Σ hours_r: the one monthly wage at which the total hours are worth what the units'
    hours are worth at their own wages."""
    hours = by_region["hours_count"].astype(float)
    return float((hours * by_region[REGIONAL_WAGE_COLUMN].astype(float)).sum() / hours.sum())


def regional_wages(regions_table: pd.DataFrame | None, hours_total: float | None) -> dict:
    """What the regional table gives for valuing hours at regional wages.

    ``status``: ``no_wages`` (no ``avg_monthly_wage_kzt`` value), ``no_hours`` (wages but no hours by unit),
    ``partial`` (some units with hours lack a wage: nothing is imputed, no regional value), ``hours_differ`` (the
    units' hours do not add up to the hours the section values), ``complete``. ``frame``: the units with hours
    (region_code, hours_count, wage); ``missing``: codes of units with hours and no wage."""
    out: dict = {"status": "no_wages", "frame": None, "missing": [], "units_with_wage": 0}
    if regions_table is None or REGIONAL_WAGE_COLUMN not in regions_table.columns:
        return out
    wages = regions_table[REGIONAL_WAGE_COLUMN]
    if not wages.notna().any():
        return out
    out["units_with_wage"] = int(wages.notna().sum())
    if "hours_count" not in regions_table.columns or not regions_table["hours_count"].notna().any():
        return {**out, "status": "no_hours"}
    frame = regions_table.loc[regions_table["hours_count"].notna(), ["region_code", "hours_count",
                                                                     REGIONAL_WAGE_COLUMN]].reset_index(drop=True)
    missing = frame.loc[frame[REGIONAL_WAGE_COLUMN].isna(), "region_code"].astype(str).tolist()
    out.update(frame=frame, missing=missing)
    if missing:
        return {**out, "status": "partial"}
    if hours_total is None or abs(float(frame["hours_count"].astype(float).sum()) - hours_total) > 0.5:
        return {**out, "status": "hours_differ"}
    return {**out, "status": "complete"}


# --- the section's inputs (its sentences are in vstudy.present.prose.economics) ---------------------------------

def _figure(headline: pd.DataFrame | None, figure_id: str) -> float | None:
    if headline is None or "figure_id" not in headline.columns:
        return None
    hit = headline.loc[headline["figure_id"] == figure_id, "value"]
    return float(hit.iloc[0]) if len(hit) and pd.notna(hit.iloc[0]) else None


def national_share(shares: pd.DataFrame | None, dimension: str, category: str) -> float | None:
    """A national share (%) of ``national_shares_<scheme>``: the published one, else the one implied by the
    supplied counts (None when the dataset has neither)."""
    if shares is None or not len(shares):
        return None
    hit = shares[(shares["dimension"] == dimension) & (shares["category"] == category)]
    for column in ("published_pct", "implied_pct"):
        if len(hit) and column in hit.columns and pd.notna(hit[column].iloc[0]):
            return float(hit[column].iloc[0])
    return None


def inputs(headline: pd.DataFrame | None, regions_table: pd.DataFrame | None, national: pd.DataFrame | None,
           period: Mapping, months: float, shares: pd.DataFrame | None = None, report: bool = False) -> dict:
    """Everything the section needs, from processed tables: hours of the period (the dataset's published total,
    else the sum of supplied hours by region), the period length (from the manifest), the wage bases (regional
    wages of the regional table first when they value every unit's hours, then the national bases of
    ``official_national``), the national shares of students and of volunteers under 18 (``national_shares``), and
    the report's own figures where the dataset carries them (None otherwise). ``report``: the dataset declares it
    is the 2021 report's transcription (manifest ``transcribes: report_2021``), so sentences may speak of the
    report's own reading and method."""
    hours = _figure(headline, "hours_6_months")
    by_region = None
    if regions_table is not None and "hours_count" in regions_table.columns and regions_table["hours_count"].notna().any():
        by_region = regions_table[["region_code", "hours_count"]].dropna()
    source = "headline_total" if hours is not None else None
    if hours is None and by_region is not None:
        hours, source = float(by_region["hours_count"].astype(float).sum()), "regions_sum"
    year = str(pd.Timestamp(str(period["start"])).year)
    regional = regional_wages(regions_table, hours)
    wages: dict[str, float] = {}
    if regional["status"] == "complete":
        wages[f"regional_{year}"] = hours_weighted_wage(regional["frame"])
    wages.update(wage_options(national, year, period_quarters(period)))
    return {
        "hours": hours, "hours_source": source, "months": float(months), "year": year, "report": bool(report),
        "months_published": _figure(headline, "data_period_months"),
        "hours_per_month_over": _figure(headline, "hours_per_month_over"),
        "employees_published": _figure(headline, "employee_equivalent"),
        "target": _figure(headline, "economic_value_min_kzt_per_year"),
        "coverage_published": _figure(headline, "front_office_coverage_pct"),
        "coverage_lowest": _figure(headline, "front_office_coverage_lowest_pct"),
        "wages": wages,
        "national_wage": any(not k.startswith("regional_") for k in wages),
        "regional": regional,
        "hours_by_region": by_region,
        "students_pct": national_share(shares, "status", "students"),
        "under18_pct": national_share(shares, "age_group", "under18"),
    }


def inputs_table(inp: Mapping) -> pd.DataFrame:
    """The inputs as a two-column table of ids and values (empty where the dataset does not have it)."""
    rows = [("hours_in_period", inp["hours"]), ("months_in_period_manifest", inp["months"]),
            ("months_published", inp["months_published"]),
            ("hours_per_month_published_lower_bound", inp["hours_per_month_over"]),
            ("employee_equivalent_published", inp["employees_published"]),
            ("value_published_kzt_per_year", inp["target"]),
            ("front_office_coverage_published_pct", inp["coverage_published"]),
            ("front_office_coverage_lowest_pct", inp["coverage_lowest"]),
            *((f"wage_basis_{k}_kzt_per_month", v) for k, v in inp["wages"].items()),
            ("regions_with_hours", None if inp["hours_by_region"] is None else len(inp["hours_by_region"])),
            ("regions_with_wage", inp["regional"]["units_with_wage"] or None),
            ("students_pct", inp["students_pct"]), ("under18_pct", inp["under18_pct"])]
    return pd.DataFrame(rows, columns=["input", "value"])


def base_case(inp: Mapping) -> tuple[str | None, float | None, float]:
    """The base case the section reports: the first wage basis (regional wages when they value every unit's
    hours), the published coverage (else 100 %)."""
    label_, wage = next(iter(inp["wages"].items())) if inp["wages"] else (None, None)
    return label_, wage, (inp["coverage_published"] or 100.0) / 100


def national_basis(inp: Mapping) -> tuple[str | None, float | None]:
    """The first national wage basis (None when the dataset has no national wage)."""
    return next(((k, v) for k, v in inp["wages"].items() if not k.startswith("regional_")), (None, None))


def employee_table(inp: Mapping) -> pd.DataFrame | None:
    if inp["hours"] is None:
        return None
    return employee_equivalent_table(hours_per_month(inp["hours"], inp["months"]), inp["employees_published"])


def grid_for(inp: Mapping) -> pd.DataFrame | None:
    """The sensitivity grid of the section (None without hours or a wage)."""
    if inp["hours"] is None or not inp["wages"]:
        return None
    return sensitivity_grid(inp["hours"], inp["months"], inp["wages"], target=inp["target"], uplifts=UPLIFT_OPTIONS)


def required_table(inp: Mapping) -> pd.DataFrame | None:
    """:func:`required_assumptions` for the published value (None when the dataset does not carry one)."""
    if inp["hours"] is None or not inp["wages"] or inp["target"] is None:
        return None
    return required_assumptions(inp["target"], inp["hours"], inp["months"], inp["wages"])


def regional_table(inp: Mapping) -> pd.DataFrame | None:
    """The regional split in the base case (160 h a month, the base coverage, over the dataset's months): each
    unit's hours at its own wage when the regional wages are complete, else at the first national wage, else
    hours only (None without hours by region)."""
    if inp["hours_by_region"] is None:
        return None
    _, _, cov = base_case(inp)
    if inp["regional"]["status"] == "complete":
        return regional_value(inp["regional"]["frame"], inp["months"], BASE_HOURS_PER_MONTH, cov)
    _, wage = national_basis(inp)
    return regional_split(inp["hours_by_region"], wage, BASE_HOURS_PER_MONTH, inp["months"], cov)


def regional_comparison(inp: Mapping) -> dict | None:
    """The value at regional wages beside the value of the same hours at the national wage (base case), or None
    when regional wages do not value every unit's hours."""
    if inp["regional"]["status"] != "complete":
        return None
    _, _, cov = base_case(inp)
    frame = inp["regional"]["frame"]
    split = regional_value(frame, inp["months"], BASE_HOURS_PER_MONTH, cov)
    hours = float(frame["hours_count"].astype(float).sum())
    basis, wage = national_basis(inp)
    at_national = None if wage is None else annual_value(hours, inp["months"], wage, BASE_HOURS_PER_MONTH, cov)
    return {"regional_value": float(split["value_kzt_per_year"].sum()), "national_value": at_national,
            "national_basis": basis, "national_wage": wage, "weighted_wage": hours_weighted_wage(frame),
            "units": len(split), "coverage": cov, "hours": hours,
            "top_region": str(split["region_code"].iloc[int(split["value_kzt_per_year"].to_numpy().argmax())]),
            "top_share_pct": float(100 * split["value_kzt_per_year"].max() / split["value_kzt_per_year"].sum())}


def caveats(inp: Mapping, grid: pd.DataFrame | None) -> dict | None:
    """What the grid does not vary, with its effect where it can be computed (None without hours and a wage).

    * replacement cost: the national shares of students and of volunteers under 18 (None when not given); the value
      is proportional to the wage, so a replacement wage at x % of the one used gives x % of every figure;
    * public holidays: the base-case value (first wage basis, base coverage, gross wage) at 160 h a month and at the
      holiday-adjusted year; the top of the range if the year were also net of leave (below the grid's lowest norm);
    * annualisation: the × 12 / months factor and how much a 10 % quieter unobserved part of the year lowers every
      figure (10 % × (12 − months) / 12);
    * coverage: the base-case value at full coverage and at the lowest coverage of the grid.
    """
    if grid is None or grid.empty or inp["hours"] is None:
        return None
    basis, wage, cov = base_case(inp)
    hours, months = inp["hours"], inp["months"]
    lowest_norm = min(HOURS_PER_MONTH_OPTIONS)
    net_both = NET_OF_LEAVE_AND_HOLIDAYS_NORM / 12
    hi = float(grid["value_kzt_per_year"].max())
    covs = list(COVERAGE_OPTIONS)
    return {
        "students_pct": inp["students_pct"], "under18_pct": inp["under18_pct"],
        "holiday_days_off": HOLIDAY_DAYS_OFF, "holiday_working_days": HOLIDAY_WORKING_DAYS,
        "holiday_norm": HOLIDAY_ADJUSTED_NORM, "holiday_norm_month": HOLIDAY_ADJUSTED_NORM / 12,
        "net_both_norm": NET_OF_LEAVE_AND_HOLIDAYS_NORM, "net_both_month": net_both,
        "base_value": annual_value(hours, months, wage, BASE_HOURS_PER_MONTH, cov),
        "holiday_value": annual_value(hours, months, wage, HOLIDAY_ADJUSTED_NORM / 12, cov),
        "holiday_in_range": lowest_norm <= HOLIDAY_ADJUSTED_NORM / 12 <= max(HOURS_PER_MONTH_OPTIONS),
        "range_lo": float(grid["value_kzt_per_year"].min()), "range_hi": hi,
        "range_hi_net_both": hi * lowest_norm / net_both if net_both < lowest_norm else hi,
        "months": months, "annualised": months < 12, "factor": 12 / months,
        "quieter_effect_pct": QUIETER_STEP_PCT * (12 - months) / 12 if months < 12 else 0.0,
        "coverage_full_value": annual_value(hours, months, wage, BASE_HOURS_PER_MONTH, max(covs)),
        "coverage_low_value": annual_value(hours, months, wage, BASE_HOURS_PER_MONTH, min(covs)),
        "coverage_low": min(covs), "basis": basis,
    }
