"""The official indicators the study reads: their ids, wide column names, units and reference periods, declared once.

An indicator arrives in one of two ways, and both land in the same column of ``regions_<scheme>``:

* as rows of a long ``official_indicators`` table (region × indicator id × reference period, the form of
  ``data/raw/official/indicators.csv``), where the period rule picks the reference period for the dataset's year;
* as a column of the regional table of the collection contract (``population_count``, ``life_expectancy_years``
  …), whose reference period the manifest declares; the same rule says which periods are accepted.

Period rules, for the year Y in which the dataset's period starts:
``{Y}`` the year Y; ``{Y}-01-01`` 1 January of Y; ``{Y}-Q4`` the fourth quarter of Y; ``{Y}-12-31`` 31 December
of Y; ``{Y}-{Y1}`` the school year that starts in Y; ``undated`` no period (area); ``latest<=Y:<regex>`` the
latest period not after Y (series published with a lag, e.g. per-capita cash income). A ``{year}`` in the column
name is replaced by the year of the period actually used, so a lagging series never hides its year.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from dataclasses import dataclass

from vstudy.data import regions

# The three oblasts of kz2022 were created on this date; a value dated earlier describes kz2021 territory
# for the three codes whose territory changed (KZ-19, KZ-35, KZ-63).
KZ2022_SPLIT_DATE = dt.date(2022, 6, 8)


@dataclass(frozen=True)
class OfficialIndicator:
    """An official indicator. ``column`` is the wide column (None: read by a section as national figures only);
    ``contract`` the column name in the regional table of the collection contract (None: not collected there)."""

    column: str | None
    indicator: str
    period: str
    dtype: str = "float"
    unit: str = ""
    description: str = ""
    contract: str | None = None
    min: float | None = 0
    percent: bool = False

    def wide_name(self, ref_period: str) -> str:
        """The wide column for a value of ``ref_period`` (``{year}`` filled in)."""
        year = re.match(r"\d{4}", ref_period)
        return str(self.column).format(year=year.group(0) if year else "")

    def accepted(self, year: int) -> str:
        """The reference periods accepted for a dataset whose period starts in ``year``, in words."""
        return describe_period(self.period, year)

    def accepts(self, ref_period: str, year: int) -> bool:
        return select_period(self, [ref_period], year) == ref_period


def _ind(column, indicator, period, dtype, unit, description, contract="same", **kw) -> OfficialIndicator:
    return OfficialIndicator(column, indicator, period, dtype, unit, description,
                             column if contract == "same" else contract, **kw)


# In the order of the regional table of the contract. Wide columns say their unit.
OFFICIAL_INDICATORS: tuple[OfficialIndicator, ...] = (
    _ind("population_count", "population_total", "{Y}-01-01", "int", "persons",
         "resident population on 1 January of the period's year (every per-100k rate divides by it)"),
    _ind("area_km2", "area", "undated", "float", "km2", "territory area"),
    _ind("grp_per_capita_thousand_kzt", "grp_per_capita", "{Y}", "float", "thousand KZT",
         "gross regional product per capita"),
    _ind("grp_per_capita_usd", "grp_per_capita_usd", "{Y}", "float", "USD", "gross regional product per capita"),
    _ind("life_expectancy_years", "life_expectancy_at_birth_total", "{Y}", "float", "years",
         "life expectancy at birth, both sexes"),
    _ind("life_expectancy_male_years", "life_expectancy_at_birth_male", "{Y}", "float", "years",
         "life expectancy at birth, males"),
    _ind("life_expectancy_female_years", "life_expectancy_at_birth_female", "{Y}", "float", "years",
         "life expectancy at birth, females"),
    _ind("unemployment_rate_pct", "unemployment_rate_annual", "{Y}", "float", "percent",
         "unemployment rate, annual average", percent=True),
    _ind("unemployment_rate_q4_pct", "unemployment_rate_q4", "{Y}-Q4", "float", "percent",
         "unemployment rate, fourth quarter", percent=True),
    _ind("persons_applied_employment_count", "persons_applied_to_employment_authorities", "{Y}", "int", "persons",
         "persons who applied to employment authorities during the year"),
    _ind("air_emissions_thousand_tonnes", "air_emissions_stationary_sources", "{Y}", "float", "thousand tonnes",
         "emissions of air pollutants from stationary sources"),
    _ind("doctors_count", "doctors_all_specialties", "{Y}-12-31", "int", "persons",
         "doctors of all specialties at the end of the year"),
    _ind("schools_count", "general_education_schools", "{Y}-{Y1}", "int", "count",
         "general education schools at the start of the school year"),
    # Only 2020 was published for 2021: the year of the series used is part of the name, never hidden.
    _ind("cash_income_{year}_kzt_per_month", "per_capita_nominal_cash_income_monthly_avg", r"latest<=Y:^(\d{4})$",
         "float", "KZT per month", "per-capita nominal cash income, monthly average (the wide column carries the "
         "year of the series used)", contract="cash_income_kzt_per_month"),
    _ind("csi_quality_of_life_rank", "csi_quality_of_life_rank", r"latest<=Y:^(\d{4})-Q4$", "int", "rank",
         "CSI rating of regions by quality of life, rank (1 = best)", min=1),
    _ind("avg_monthly_wage_q4_kzt", "avg_monthly_nominal_wage_quarterly", "{Y}-Q4", "float", "KZT per month",
         "average monthly nominal wage, fourth quarter"),
    _ind("avg_monthly_wage_kzt", "avg_monthly_nominal_wage", "{Y}", "float", "KZT per month",
         "average monthly nominal wage, annual"),
    # Read by the sections as national figures or kept in the long table only: accepted ids without a wide column.
    _ind(None, "csi_quality_of_life_score", r"latest<=Y:^(\d{4})-Q4$", "float", "points of 100",
         "CSI quality-of-life score", contract=None),
    _ind(None, "students_higher_education", "{Y}-{Y1}", "int", "persons",
         "students in higher education at the start of the academic year", contract=None),
)
BY_INDICATOR: dict[str, OfficialIndicator] = {s.indicator: s for s in OFFICIAL_INDICATORS}
BY_CONTRACT: dict[str, OfficialIndicator] = {s.contract: s for s in OFFICIAL_INDICATORS if s.contract}
# The wide columns of the long-table route (processed.OFFICIAL_COLUMNS keeps this name).
WIDE: tuple[OfficialIndicator, ...] = tuple(s for s in OFFICIAL_INDICATORS if s.column is not None)


def period_start(ref: str) -> dt.date | None:
    """First day a reference period covers; None when undated."""
    m = re.fullmatch(r"(\d{4})", ref)
    if m:
        return dt.date(int(m.group(1)), 1, 1)
    m = re.fullmatch(r"(\d{4})-Q([1-4])", ref)
    if m:
        return dt.date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
    m = re.fullmatch(r"(\d{4})-(\d{4})", ref)
    if m:
        return dt.date(int(m.group(1)), 9, 1)  # a school or academic year
    with contextlib.suppress(ValueError):
        return dt.date.fromisoformat(ref)
    return None


def group_fits_scheme(group_codes: set[str], ref_period: str, scheme: str) -> bool:
    """Whether an (indicator, period) group describes the territory of ``scheme``'s units.

    Codes of unchanged units name the same territory in both schemes. KZ-19, KZ-35 and KZ-63 shrank in 2022:
    a group holding any unit created in 2022, or dated on/after the split, is on kz2022; otherwise on kz2021.
    """
    if not group_codes <= set(regions.codes(scheme)):
        return False
    new_units, changed = _split_units()
    if not group_codes & changed:
        return True
    start = period_start(ref_period)
    on_2022 = bool(group_codes & new_units) or (start is not None and start >= KZ2022_SPLIT_DATE)
    return on_2022 == (scheme == "kz2022")


@functools.lru_cache(maxsize=1)
def _split_units() -> tuple[frozenset[str], frozenset[str]]:
    """The units created in 2022 and the kz2021 units that shrank (the gazetteer's crosswalk), read once."""
    crosswalk = regions.crosswalk()
    return (frozenset(regions.codes("kz2022")) - frozenset(regions.codes("kz2021")),
            frozenset(crosswalk.loc[crosswalk["relation"] == "remainder_of", "code_kz2022"]))


def select_period(spec: OfficialIndicator, available: list[str], year: int) -> str | None:
    """The reference period the study reads for ``year`` among ``available``, or None."""
    if spec.period.startswith("latest<=Y:"):
        pattern = re.compile(spec.period.split(":", 1)[1])
        years = sorted((int(m.group(1)), p) for p in available if (m := pattern.fullmatch(p)) and int(m.group(1)) <= year)
        return years[-1][1] if years else None
    wanted = spec.period.format(Y=year, Y1=year + 1)
    return wanted if wanted in available else None


def describe_period(rule: str, year: int | None = None) -> str:
    """A period rule in words; with ``year``, the accepted value(s) for a dataset of that year."""
    if rule.startswith("latest<=Y:"):
        quarter = "-Q4" in rule
        if year is None:
            return "the latest " + ("fourth quarter (YYYY-Q4)" if quarter else "year (YYYY)") + \
                " not after the period's year"
        return f"{year}{'-Q4' if quarter else ''} or an earlier " + ("fourth quarter" if quarter else "year")
    if rule == "undated":
        return "undated"
    if year is None:
        words = {"{Y}": "the period's year (YYYY)", "{Y}-01-01": "1 January of the period's year (YYYY-01-01)",
                 "{Y}-Q4": "the fourth quarter of the period's year (YYYY-Q4)",
                 "{Y}-12-31": "31 December of the period's year (YYYY-12-31)",
                 "{Y}-{Y1}": "the school year starting in the period's year (YYYY-YYYY)"}
        return words.get(rule, rule)
    return rule.format(Y=year, Y1=year + 1)
