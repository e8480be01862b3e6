"""The money value of volunteer hours: the report's 453,889 hours, 40-employee equivalence and ≥ 3.2 bn tenge.

The report (lines 2125-2155) says volunteers worked 453,889 hours in six months (July-December 2021), «более
75 500» hours a month, «эквивалентно годовому рабочему времени 40 наёмных сотрудников», and values the work at
«не менее чем в 3,2 млрд. тенге в год» using the average monthly wage (BNS) and allowing for the front offices'
coverage (they «едва достигают 50%» of the real volunteer sector). The method is not given, so every assumption
here is explicit and varied:

value per year = hours in the period × (12 / months in the period) × wage per month / hours worked per month
                 / coverage

Working-time norms: the Labour Code of the Republic of Kazakhstan (art. 68) sets normal working time at no more
than 40 hours a week; 40 h × 52 weeks = 2,080 h a year (173.3 h a month) before public holidays; 160-176 h a
month is the usual range of monthly norms (20-22 working days of 8 hours).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

WEEKLY_HOURS_NORM = 40  # Labour Code of the Republic of Kazakhstan, art. 68: at most 40 hours a week
HOURS_PER_MONTH_OPTIONS: tuple[float, ...] = (160.0, 168.0, 176.0, WEEKLY_HOURS_NORM * 52 / 12)
COVERAGE_OPTIONS: tuple[float, ...] = (1.0, 0.75, 0.5)


def hours_per_month(hours_total: float, months: float) -> float:
    """Average hours a month over the period."""
    if months <= 0:
        raise ValueError("months must be positive")
    return hours_total / months


def annual_norm_options() -> pd.DataFrame:
    """Annual working-time norms (hours per employee-year) with where each comes from."""
    rows = [
        ("40 h/week × 52 weeks", WEEKLY_HOURS_NORM * 52.0,
         "Labour Code RK art. 68 (≤ 40 h a week); no deduction for holidays or leave"),
        ("176 h/month × 12", 176.0 * 12, "22 working days × 8 h"),
        ("168 h/month × 12", 168.0 * 12, "21 working days × 8 h"),
        ("160 h/month × 12", 160.0 * 12, "20 working days × 8 h"),
    ]
    return pd.DataFrame(rows, columns=["norm", "hours_per_year", "basis"])


def employee_equivalent(hours_in_month: float, annual_norm_hours: float) -> float:
    """How many employees' annual working time equals one month of volunteer hours (the report's reading)."""
    return hours_in_month / annual_norm_hours


def norm_interval_for_equivalent(hours_in_month: float, employees: int) -> tuple[float, float]:
    """The annual norms (hours a year) for which ``hours_in_month / norm`` rounds to ``employees``."""
    return hours_in_month / (employees + 0.5), hours_in_month / (employees - 0.5)


def annual_value(hours_period: float, months: float, wage_per_month: float, hours_worked_per_month: float,
                 coverage: float = 1.0) -> float:
    """Money value per year (in the wage's currency) of the hours of a period, scaled up for coverage < 1."""
    if not 0 < coverage <= 1:
        raise ValueError("coverage must lie in (0, 1]")
    hourly = wage_per_month / hours_worked_per_month
    return hours_period * (12.0 / months) * hourly / coverage


def hours_per_month_for_value(target: float, hours_period: float, months: float, wage_per_month: float,
                              coverage: float = 1.0) -> float:
    """The hours worked per month by an employee that make :func:`annual_value` equal ``target``."""
    return hours_period * (12.0 / months) * wage_per_month / (coverage * target)


def coverage_for_value(target: float, hours_period: float, months: float, wage_per_month: float,
                       hours_worked_per_month: float) -> float:
    """The coverage share that makes :func:`annual_value` equal ``target``."""
    return annual_value(hours_period, months, wage_per_month, hours_worked_per_month) / target


def wage_options(indicators: pd.DataFrame, year: str = "2021") -> dict[str, float]:
    """National monthly wage bases available in an indicators table (long: region, indicator, value, period).

    ``indicators`` needs columns ``is_national`` (bool), ``indicator``, ``value``, ``ref_period``. Returns
    labelled options: the annual average and, when the two quarters are present, the July-December average
    of the national quarterly averages (Q3, Q4), the period the hours cover.
    """
    nat = indicators[indicators["is_national"]]
    out: dict[str, float] = {}
    annual = nat[(nat["indicator"] == "avg_monthly_nominal_wage") & (nat["ref_period"].astype(str) == year)]
    if len(annual):
        out[f"average monthly nominal wage {year} (annual)"] = float(annual["value"].iloc[0])
    q = nat[nat["indicator"] == "avg_monthly_nominal_wage_quarterly"].set_index("ref_period")["value"]
    q3, q4 = f"{year}-Q3", f"{year}-Q4"
    if q3 in q.index and q4 in q.index:
        out[f"average of {q3} and {q4} (the period of the hours)"] = float((q[q3] + q[q4]) / 2)
    return out


def sensitivity_grid(hours_period: float, months: float, wages: Mapping[str, float],
                     hours_options: Iterable[float] = HOURS_PER_MONTH_OPTIONS,
                     coverages: Iterable[float] = COVERAGE_OPTIONS, target: float | None = None) -> pd.DataFrame:
    """Annual value for every combination of wage basis, hours worked per month and coverage."""
    rows = []
    for wage_label, wage in wages.items():
        for hpm in hours_options:
            for cov in coverages:
                value = annual_value(hours_period, months, wage, hpm, cov)
                rows.append({
                    "wage_basis": wage_label, "wage_kzt_per_month": wage,
                    "hours_worked_per_month": round(float(hpm), 2), "coverage": float(cov),
                    "hourly_wage_kzt": wage / hpm, "annual_hours_scaled": hours_period * 12 / months / cov,
                    "value_kzt_per_year": value, "value_bn_kzt_per_year": value / 1e9,
                })
    grid = pd.DataFrame(rows)
    if target is not None:
        grid["reaches_target"] = grid["value_kzt_per_year"] >= target * (1 - 0.05 / 3.2)  # 3.15 rounds to 3.2
    return grid


def regional_split(hours_by_region: pd.DataFrame, wage_per_month: float | None, hours_worked_per_month: float,
                   months: float, coverage: float = 1.0) -> pd.DataFrame:
    """Per-region hours, their share and (with a wage) the annual value, from ``hours_by_region``
    (columns region_code, hours_count)."""
    frame = hours_by_region[["region_code", "hours_count"]].copy()
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
    if published is not None:
        out["reproduces_published"] = out["employees"].round() == published
    return out
