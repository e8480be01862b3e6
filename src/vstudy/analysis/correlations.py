"""The correlation study: which variables, which pairs, which families, which test — declared here, computed with
vstudy.analysis.stats.

Method (one primary method, declared once)
------------------------------------------
**Primary: Pearson r on each variable's declared scale, tested by permutation.** The report's coefficients are
Pearson r, so the study's coefficients stand beside them on the same measure; a permutation test needs no
normality, and it is *exact* (all n! pairings) wherever n is small enough to enumerate (``stats.EXACT_MAX_N``).
Multiplicative quantities whose regional spread is set by a few regions — population density (the three cities),
air emissions, GRP per capita — are analysed on the log scale; the study's own counts (organisations, volunteers)
stay linear, so that their coefficients stay comparable with the report's and the weight of a single region is
shown, not transformed away. **Sensitivity: Spearman's ρ** (exact p at small n), shown beside every r but never
corrected as a second family: each pair is one test.

Each pair is tested against the right null:

* *independence* — y permuted across regions;
* *shared denominator* — a rate per 100,000 against population, density (which contains population) or another
  rate of the same population: the numerators are permuted and divided by the real population, so the
  correlation the common denominator makes on its own (organisations per 100,000 against population: about
  −0.36 with the counts shuffled) is part of the null (``stats.ratio_permutation_p``);
* *linked set* — the shares of one composition (age groups; students, working, unemployed, NEET) sum to 100, so
  they are one finding per outcome, tested with the single-step maxT permutation procedure
  (``stats.linked_set_pvalues``); each share's maxT-adjusted p says which share carries it.

Totals are paired with totals and rates with rates (a count against a per-capita rate mixes region size into the
rate's question); the report's own pairs are recomputed as the report computed them (raw counts, whatever they
mix) and flagged. A pair whose regions are a *subset* — fewer regions than the scheme has, e.g. the CSI ranks of
which only the top ones are published (a selection on the outcome) or wages only for the regions news items
named — is flagged, corrected in its own family (``subsets``) and never ranked with the full-n pairs.

Families (each a multiplicity family; Holm and Benjamini–Yekutieli over its findings' permutation p):

``organisations``  organisation counts against totals, organisations per 100,000 against quality of life, wages
                   and context;
``composition``    the composition of volunteers (two linked sets and the NGO share) against quality of life and
                   wages;
``volunteers``     supplied volunteer counts against totals, volunteers per 100,000 against quality of life, wages
                   and context (only when a dataset supplies ``volunteers_by_region``);
``report``         the report's own coefficients, one declared pair each, computed as the report computed them where
                   the regional inputs exist; absent inputs are declared as variables without a column, so those
                   pairs are reported with n = 0 and a note saying what is missing.

Every pair reported as significant shows r without its most influential region, that region's Cook's distance,
Spearman's ρ and the permutation p without the region; ``rests_on_one_region`` marks a pair significant with the
region and not without it. Pairs are built only from columns present in the processed table: a dataset with other
coverage runs without edits, and a pair that cannot run stays in the results with NaN and a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from vstudy.analysis import stats
from vstudy.vocab import ECO_DIRECTION

MIN_N = 4
PRIMARY = "pearson"
SENSITIVITY = "spearman"
METHODS = (PRIMARY, SENSITIVITY)
N_PERM = 20000
"""Monte Carlo permutations above ``stats.EXACT_MAX_N``: resolution 1/20,001, fine enough for Holm across a
family's findings at α = 0.05."""
SUBSET_FAMILY = "subsets"
PER_100K = 100_000.0
RECONSTRUCTION_TOLERANCE_PCT = 0.005  # a share printed with 2 decimals is exact to ± half a unit of the last digit


@dataclass(frozen=True)
class Variable:
    key: str
    pattern: str | None  # regex (full match) for the processed column; None = not in any public dataset
    label_en: str
    label_ru: str
    side: str  # organisations | composition | volunteers | quality_of_life | wages | context
    missing_note: str = ""
    kind: str = "level"  # count (a total that grows with size) | rate | share | level | rank
    scale: str = "linear"  # the scale the study's own families use: linear | log
    numerator: str | None = None  # for a rate per 100,000: the count it divides
    denominator: str | None = None  # … and the variable it divides by
    contains: tuple[str, ...] = ()  # variables it is built from (density contains population)
    subset_note: str = ""  # why a partial coverage is a selection of regions

    def label(self, lang: str = "en") -> str:
        return self.label_ru if lang == "ru" else self.label_en


_POP = "population_count"
_CSI_NOTE = "only the top ranks are published: a subset selected on the outcome"
_WAGE_NOTE = "only the regions whose quarterly wage regional news items named"

VARIABLES: tuple[Variable, ...] = (
    # organisations
    Variable("organisations_count", r"organisations_count", "Organisations (NGOs + initiative groups)",
             "Организации (НПО + инициативные группы)", "organisations", kind="count"),
    Variable("organisations_per_100k", r"organisations_per_100k", "Organisations per 100,000 population",
             "Организаций на 100 тыс. населения", "organisations", kind="rate", numerator="organisations_count",
             denominator=_POP),
    # composition of volunteers (shares of the region's volunteers)
    Variable("ngo_share_pct", r"ngo_share_pct", "NGOs, % of organisations", "НПО, % организаций", "composition",
             kind="share"),
    Variable("vol_age_under18_pct", r"vol_age_under18_pct", "Volunteers under 18, %", "Волонтёры младше 18 лет, %",
             "composition", kind="share"),
    Variable("vol_age_18_29_pct", r"vol_age_18_29_pct", "Volunteers aged 18–29, %", "Волонтёры 18–29 лет, %",
             "composition", kind="share"),
    Variable("vol_age_30_to_pension_pct", r"vol_age_30_to_pension_pct", "Volunteers aged 30 to pension age, %",
             "Волонтёры от 30 лет до пенсионного возраста, %", "composition", kind="share"),
    Variable("vol_age_pension_pct", r"vol_age_pension_pct", "Volunteers of pension age, % (corrected)",
             "Волонтёры пенсионного возраста, % (исправлено)", "composition", kind="share"),
    Variable("vol_students_pct", r"vol_students_pct", "Students among volunteers, %", "Учащиеся среди волонтёров, %",
             "composition", kind="share"),
    Variable("vol_working_pct", r"vol_working_pct", "Working volunteers, %", "Работающие волонтёры, %",
             "composition", kind="share"),
    Variable("vol_unemployed_pct", r"vol_unemployed_pct", "Unemployed volunteers, %", "Безработные волонтёры, %",
             "composition", kind="share"),
    Variable("vol_neet_pct", r"vol_neet_pct", "NEET volunteers, %", "Волонтёры NEET, %", "composition", kind="share"),
    # volunteers and events (optional inputs)
    Variable("volunteers_count", r"volunteers_count", "Volunteers", "Число волонтёров", "volunteers",
             "per-region volunteer counts were chart images in the report; supply volunteers_by_region",
             kind="count"),
    Variable("volunteers_per_100k", r"volunteers_per_100k", "Volunteers per 100,000 population",
             "Волонтёров на 100 тыс. населения", "volunteers", "needs volunteers_by_region", kind="rate",
             numerator="volunteers_count", denominator=_POP),
    Variable("events_count", r"events_count|events_reconstructed_count", "Volunteer events", "Волонтёрские мероприятия",
             "volunteers", "per-region event counts are not published; supply events_by_region (or the regional "
             "direction lists, from which the counts are reconstructed)", kind="count"),
    Variable("eco_events_count", r"eco_events_count|eco_events_reconstructed_count",
             "Eco-volunteering events (Birgemiz: Taza Álem)", "Эко-волонтёрские мероприятия (Birgemiz: Taza Álem)",
             "volunteers", "needs the regional direction lists (Taza Álem events)", kind="count"),
    # quality of life
    Variable("csi_quality_of_life_rank", r"csi_quality_of_life_rank", "CSI quality-of-life rank (1 = best)",
             "Рейтинг качества жизни ЦСИ (1 = лучший)", "quality_of_life", kind="rank", subset_note=_CSI_NOTE),
    Variable("life_expectancy_years", r"life_expectancy_years", "Life expectancy at birth, years",
             "Ожидаемая продолжительность жизни, лет", "quality_of_life"),
    Variable("grp_per_capita_thousand_kzt", r"grp_per_capita_thousand_kzt", "GRP per capita, thousand tenge",
             "ВРП на душу населения, тыс. тенге", "quality_of_life", kind="rate", scale="log"),
    Variable("unemployment_rate_pct", r"unemployment_rate_pct", "Unemployment rate, %", "Уровень безработицы, %",
             "quality_of_life", kind="rate"),
    # wages and income
    Variable("avg_monthly_wage_q4_kzt", r"avg_monthly_wage_q4_kzt", "Average monthly wage, Q4, tenge",
             "Среднемесячная зарплата, IV кв., тенге", "wages", subset_note=_WAGE_NOTE),
    Variable("cash_income_kzt_per_month", r"cash_income_\d{4}_kzt_per_month",
             "Per-capita cash income, tenge a month", "Среднедушевые денежные доходы, тенге в месяц", "wages",
             kind="rate"),
    # context named by the report
    Variable(_POP, r"population_count", "Population", "Численность населения", "context", kind="count"),
    Variable("population_density_per_km2", r"population_density_per_km2", "Population density, persons per km²",
             "Плотность населения, чел. на км²", "context", kind="rate", scale="log", contains=(_POP,)),
    Variable("air_emissions_thousand_tonnes", r"air_emissions_thousand_tonnes",
             "Air emissions, stationary sources, thousand tonnes", "Выбросы от стационарных источников, тыс. т",
             "context", kind="count", scale="log"),
    # variables the report used that no public regional series provides
    Variable("hired_employees_count", None, "Hired employees", "Наёмные работники", "context",
             "no regional count of hired employees in the public data collected", kind="count"),
    Variable("employed_population_count", None, "Employed population", "Занятое население", "context",
             "no regional count of the employed population in the public data collected", kind="count"),
    Variable("unemployed_count", None, "Unemployed persons", "Безработные", "context",
             "no regional count of unemployed persons (only rates) in the public data collected", kind="count"),
    Variable("university_students_count", None, "Students of higher education", "Студенты вузов", "context",
             "no regional count of higher-education students in the public data collected (only national)",
             kind="count"),
    Variable("tvet_students_count", None, "Students of technical and vocational education", "Студенты ТиПО",
             "context", "no regional TVET student counts found", kind="count"),
    Variable("school_pupils_count", None, "Pupils of general schools", "Учащиеся школ", "context",
             "no regional pupil counts found (school counts are not pupils)", kind="count"),
    Variable("all_learners_count", None, "Learners in all institutions", "Учащиеся всех заведений", "context",
             "no regional learner counts found", kind="count"),
    Variable("volunteers_12_28_count", None, "Volunteers aged 12–28", "Волонтёры 12–28 лет", "volunteers",
             "the age band 12–28 matches none of the report's age groups", kind="count"),
    Variable("youth_population_count", None, "Youth population", "Численность молодёжи", "context",
             "no regional youth population series collected", kind="count"),
)
VARIABLE_BY_KEY: dict[str, Variable] = {v.key: v for v in VARIABLES}

LINKED_SETS: dict[str, tuple[str, ...]] = {
    "age": ("vol_age_under18_pct", "vol_age_18_29_pct", "vol_age_30_to_pension_pct", "vol_age_pension_pct"),
    "status": ("vol_students_pct", "vol_working_pct", "vol_unemployed_pct", "vol_neet_pct"),
}
"""Shares of one composition: they sum to 100 in every region, so each set is one finding per outcome."""
LINKED_SET_LABELS = {"age": {"en": "age groups", "ru": "возрастные группы"},
                     "status": {"en": "social status", "ru": "социальный статус"}}
_SET_OF = {key: name for name, keys in LINKED_SETS.items() for key in keys}


@dataclass(frozen=True)
class Pair:
    family: str
    x: str
    y: str
    why: str
    coef_id: str | None = None  # the published coefficient this pair recomputes (family "report")
    main: bool = False  # also run partial correlation (population) and OLS with HC3 errors
    x_scale: str = "linear"
    y_scale: str = "linear"

    @property
    def linked_set(self) -> str | None:
        return _SET_OF.get(self.x) if self.family != "report" else None


FAMILIES: dict[str, str] = {
    "organisations": "Organisations: counts against totals, per 100,000 against quality of life, wages and context",
    "composition": "The composition of volunteers (linked sets of shares, NGO share) against quality of life and wages",
    "volunteers": "Supplied volunteer counts against totals, per 100,000 against quality of life, wages and context",
    "report": "The report's own coefficients, recomputed as the report computed them where their inputs exist",
}

_QOL = ("csi_quality_of_life_rank", "life_expectancy_years", "grp_per_capita_thousand_kzt", "unemployment_rate_pct")
_WAGES = ("avg_monthly_wage_q4_kzt", "cash_income_kzt_per_month")
_WHY_Y = {
    "csi_quality_of_life_rank": "the report's quality-of-life rating (CSI, footnote 2)",
    "life_expectancy_years": "a public quality-of-life outcome available for every region",
    "grp_per_capita_thousand_kzt": "regional prosperity, the economic side of quality of life",
    "unemployment_rate_pct": "the report relates volunteering to (un)employment",
    "avg_monthly_wage_q4_kzt": "the report's wage coefficient",
    "cash_income_kzt_per_month": "the closest complete regional income series",
    _POP: "the report's population coefficient; totals scale with population",
    "population_density_per_km2": "the report's density coefficient",
    "air_emissions_thousand_tonnes": "the report's emissions coefficient (then called spurious)",
    "organisations_count": "the report's volunteers–organisations coefficient",
    "organisations_per_100k": "organisations and volunteers relative to the same population",
}
_MAIN = {
    ("organisations_per_100k", "grp_per_capita_thousand_kzt"),
    ("organisations_per_100k", "life_expectancy_years"),
    ("organisations_per_100k", "unemployment_rate_pct"),
    ("organisations_count", _POP),
    ("organisations_count", "air_emissions_thousand_tonnes"),
    ("vol_students_pct", "grp_per_capita_thousand_kzt"),
    ("vol_age_18_29_pct", "life_expectancy_years"),
    ("ngo_share_pct", "grp_per_capita_thousand_kzt"),
    ("volunteers_per_100k", "life_expectancy_years"),
    ("volunteers_per_100k", "grp_per_capita_thousand_kzt"),
}


def _pair(family: str, x: str, y: str, why: str, **kw) -> Pair:
    scaled = family != "report"
    return Pair(family, x, y, why, main=(x, y) in _MAIN and family != "report",
                x_scale=VARIABLE_BY_KEY[x].scale if scaled else "linear",
                y_scale=VARIABLE_BY_KEY[y].scale if scaled else "linear", **kw)


def _declare() -> tuple[Pair, ...]:
    pairs: list[Pair] = []
    totals = (_POP, "air_emissions_thousand_tonnes")
    rates = (*_QOL, *_WAGES, _POP, "population_density_per_km2")
    for y in totals:
        pairs.append(_pair("organisations", "organisations_count", y, f"the number of organisations vs {_WHY_Y[y]}"))
    for y in rates:
        pairs.append(_pair("organisations", "organisations_per_100k", y,
                           f"organisations per 100,000 (free of population size) vs {_WHY_Y[y]}"))
    for x in ("ngo_share_pct", *LINKED_SETS["age"], *LINKED_SETS["status"]):
        for y in (*_QOL, *_WAGES):
            pairs.append(_pair("composition", x, y, f"who volunteers ({VARIABLE_BY_KEY[x].label_en}) vs {_WHY_Y[y]}"))
    for y in (*totals, "organisations_count"):
        pairs.append(_pair("volunteers", "volunteers_count", y, f"the number of volunteers vs {_WHY_Y[y]}"))
    for y in (*rates, "organisations_per_100k"):
        pairs.append(_pair("volunteers", "volunteers_per_100k", y, f"volunteers per 100,000 vs {_WHY_Y[y]}"))
    report = (
        ("volunteers_vs_organisations", "organisations_count", "volunteers_count"),
        ("volunteers_vs_hired_employees", "hired_employees_count", "volunteers_count"),
        ("volunteers_vs_employed_population", "employed_population_count", "volunteers_count"),
        ("volunteers_vs_unemployed", "unemployed_count", "volunteers_count"),
        ("volunteers_vs_emissions", "air_emissions_thousand_tonnes", "volunteers_count"),
        ("emissions_vs_eco_events", "air_emissions_thousand_tonnes", "eco_events_count"),
        ("quality_of_life_vs_volunteers", "csi_quality_of_life_rank", "volunteers_count"),
        ("wage_vs_volunteers", "avg_monthly_wage_q4_kzt", "volunteers_count"),
        ("volunteers_vs_university_students", "university_students_count", "volunteers_count"),
        ("volunteers_vs_tvet_students", "tvet_students_count", "volunteers_count"),
        ("volunteers_vs_school_pupils", "school_pupils_count", "volunteers_count"),
        ("volunteers_vs_all_learners", "all_learners_count", "volunteers_count"),
        ("volunteers_vs_population_density", "population_density_per_km2", "volunteers_count"),
        ("volunteers_vs_population", _POP, "volunteers_count"),
        ("volunteers_12_28_vs_youth_population", "volunteers_12_28_count", "youth_population_count"),
        ("events_vs_organisations", "events_count", "organisations_count"),
        ("events_vs_volunteers", "events_count", "volunteers_count"),
    )
    for coef_id, x, y in report:
        pairs.append(_pair("report", x, y, f"recomputes the report's coefficient {coef_id}", coef_id=coef_id))
    return tuple(pairs)


PAIRS: tuple[Pair, ...] = _declare()


def mixes_total_and_rate(x: str, y: str) -> bool:
    """Whether a pair sets a total (a count that grows with region size) against a rate, level, share or rank.

    A rate against its own denominator (organisations per 100,000 against population: does the rate depend on
    size?) is not a mix: that question is asked on purpose, and tested against the shared-denominator null.
    """
    kinds = {VARIABLE_BY_KEY[x].kind == "count", VARIABLE_BY_KEY[y].kind == "count"}
    return kinds == {True, False} and shared_denominator(x, y) is None


def shared_denominator(x: str, y: str) -> str | None:
    """The variable (x or y) that is a rate whose denominator the other one also contains, or None."""
    for rate, other in ((x, y), (y, x)):
        den = VARIABLE_BY_KEY[rate].denominator
        var = VARIABLE_BY_KEY[other]
        if den is not None and (other == den or den in var.contains or var.denominator == den):
            return rate
    return None


# --- resolving the declaration against a processed table ---------------------------------------------------

def resolve_columns(frame: pd.DataFrame, variables: Iterable[Variable] = VARIABLES) -> dict[str, str | None]:
    """Variable key → the processed column that holds it (first column matching its pattern), or None."""
    out: dict[str, str | None] = {}
    for var in variables:
        hit = None
        if var.pattern is not None:
            for col in frame.columns:
                if re.fullmatch(var.pattern, str(col)) and pd.to_numeric(frame[col], errors="coerce").notna().any():
                    hit = str(col)
                    break
        out[var.key] = hit
    return out


def analysis_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """One numeric column per declared variable that the table has (named by the variable key), by region_code."""
    columns = resolve_columns(frame)
    data = {key: pd.to_numeric(frame[col], errors="coerce").astype(float).to_numpy()
            for key, col in columns.items() if col is not None}
    out = pd.DataFrame(data, index=frame["region_code"].to_numpy())
    out.index.name = "region_code"
    return out


def on_scale(values: pd.Series | np.ndarray, scale: str) -> np.ndarray:
    """Values on a declared scale: ``log`` takes the natural log (values ≤ 0 become NaN), ``linear`` leaves them."""
    arr = np.asarray(values, dtype=float)
    if scale == "linear":
        return arr
    if scale == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(arr > 0, np.log(np.where(arr > 0, arr, 1.0)), np.nan)
    raise ValueError(f"unknown scale {scale!r}")


def pair_inventory(frame: pd.DataFrame, pairs: Sequence[Pair] = PAIRS, families: Iterable[str] | None = None
                   ) -> pd.DataFrame:
    """Every declared pair with its columns, complete-case n, whether it can be estimated (n ≥ 4), its flags."""
    columns = resolve_columns(frame)
    data = analysis_frame(frame)
    n_units = len(frame)
    keep = set(families) if families is not None else None
    rows = []
    for pair in pairs:
        if keep is not None and pair.family not in keep:
            continue
        missing = [k for k in (pair.x, pair.y) if columns.get(k) is None]
        flags = []
        if missing:
            n = 0
            reasons = []
            for k in missing:
                var = VARIABLE_BY_KEY[k]
                reasons.append(f"{k} not in the processed table" + (f" ({var.missing_note})" if var.missing_note
                                                                     else ""))
            note = "; ".join(reasons)
        else:
            x = on_scale(data[pair.x], pair.x_scale)
            y = on_scale(data[pair.y], pair.y_scale)
            n = int((np.isfinite(x) & np.isfinite(y)).sum())
            note = "" if n >= MIN_N else f"n={n} complete regions < {MIN_N}: not estimated"
        subset = 0 < n < n_units
        if subset:
            why = [VARIABLE_BY_KEY[k].subset_note for k in (pair.x, pair.y) if VARIABLE_BY_KEY[k].subset_note
                   and int(data[k].notna().sum()) < n_units]
            flags.append(f"subset: {n} of {n_units} regions" + (f" ({'; '.join(why)})" if why else ""))
        if mixes_total_and_rate(pair.x, pair.y):
            flags.append("mixes a total with a rate")
        rows.append({"family": pair.family, "x": pair.x, "y": pair.y, "x_scale": pair.x_scale,
                     "y_scale": pair.y_scale, "x_column": columns.get(pair.x), "y_column": columns.get(pair.y),
                     "n": n, "estimable": not missing and n >= MIN_N, "subset": subset, "flags": "; ".join(flags),
                     "linked_set": pair.linked_set, "main": pair.main, "coef_id": pair.coef_id, "why": pair.why,
                     "note": note})
    return pd.DataFrame(rows)


# --- running the study --------------------------------------------------------------------------------------

RESULT_COLUMNS = [
    "family", "test_family", "finding", "linked_set", "x", "y", "x_scale", "y_scale", "method", "role", "n", "r",
    "ci_low", "ci_high", "p", "p_perm", "null", "r_null_mean", "p_set", "p_holm", "p_by", "survives_holm",
    "survives_by", "boot_low", "boot_high", "influential_region", "r_without_influential",
    "change_without_influential", "p_perm_without_influential", "cooks_d_influential", "rests_on_one_region",
    "subset", "flags", "perm_exact", "n_perm_used", "n_boot_valid", "n_boot_degenerate", "note", "why", "coef_id",
    "main", "x_column", "y_column",
]


def _null_test(data: pd.DataFrame, pair: Pair, method: str, keep: np.ndarray, n_perm: int, seed: int | None
               ) -> stats.PermResult:
    """Permutation test of the pair on the rows ``keep`` with the null its construction needs."""
    x = on_scale(data[pair.x], pair.x_scale)[keep]
    y = on_scale(data[pair.y], pair.y_scale)[keep]
    rate = shared_denominator(pair.x, pair.y) if pair.family != "report" else None
    if rate is not None:
        var = VARIABLE_BY_KEY[rate]
        if var.numerator in data.columns and var.denominator in data.columns:
            other = pair.y if rate == pair.x else pair.x
            scale = pair.x_scale if rate == pair.x else pair.y_scale
            return stats.ratio_permutation_p(
                data[var.numerator].to_numpy(float)[keep], data[var.denominator].to_numpy(float)[keep],
                on_scale(data[other], pair.y_scale if rate == pair.x else pair.x_scale)[keep], method,
                transform=(lambda v: on_scale(v, scale)), scale=PER_100K, n_perm=n_perm, seed=seed)
    return stats.permutation_p(x, y, method, n_perm=n_perm, seed=seed)


def _one_pair(data: pd.DataFrame, pair: Pair, method: str, n_boot: int, n_perm: int, seed: int | None,
              alpha: float) -> dict:
    x = on_scale(data[pair.x], pair.x_scale)
    y = on_scale(data[pair.y], pair.y_scale)
    ok = np.isfinite(x) & np.isfinite(y)
    res = stats.correlate(x, y, method, n_boot=n_boot, n_perm=0, seed=seed, alpha=alpha, exact_perm=False)
    row = res.to_dict()
    if not np.isfinite(res.r):
        return row
    test = _null_test(data, pair, method, ok, n_perm, seed)
    row.update(p_perm=test.p, perm_exact=test.exact, n_perm_used=test.n_used, null=test.null,
               r_null_mean=test.null_mean)
    labels = np.asarray(data.index, dtype=object)
    infl = stats.most_influential(stats.leave_one_out(x, y, labels, method))
    row.update(influential_region=infl["label"], r_without_influential=infl["r_without"],
               change_without_influential=infl["change"])
    if infl["label"] is not None and method == PRIMARY:
        without = ok & (labels != infl["label"])
        row["p_perm_without_influential"] = _null_test(data, pair, method, without, n_perm, seed).p
        i = int(np.flatnonzero(labels == infl["label"])[0])
        row["cooks_d_influential"] = float(np.nanmax([stats.cooks_distance(x, y)[i], stats.cooks_distance(y, x)[i]]))
    return row


def run_correlations(
    frame: pd.DataFrame,
    pairs: Sequence[Pair] = PAIRS,
    families: Iterable[str] | None = None,
    methods: Sequence[str] = METHODS,
    n_boot: int = 2000,
    n_perm: int = N_PERM,
    seed: int | None = 20211231,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Every declared pair, by the primary method and the sensitivity method, with its test and corrections.

    One row per pair and method (columns :data:`RESULT_COLUMNS`). ``r`` is on the declared scales
    (``x_scale``, ``y_scale``). ``p_perm`` is the pair's permutation p against its ``null``; for the primary
    method it is what the corrections use: per ``test_family`` (the declared family, or ``subsets`` for a pair on
    fewer regions than the scheme has; the report family keeps its own), Holm and Benjamini–Yekutieli over its
    *findings* — a standalone pair, or one linked set against one outcome with its maxT p (``p_set`` per share).
    ``survives_holm`` / ``survives_by``: the finding's adjusted p ≤ ``alpha`` (and, in a linked set, the share's own
    ``p_set`` ≤ alpha). Sensitivity rows carry their own permutation p and no correction. Pairs with an absent
    variable get one NaN row per method with n = 0 and the reason. Every pair uses the same ``seed``.
    """
    inventory = pair_inventory(frame, pairs, families)
    data = analysis_frame(frame)
    by_key = {(p.family, p.x, p.y): p for p in pairs}
    rows = []
    for item in inventory.itertuples(index=False):
        pair = by_key[(item.family, item.x, item.y)]
        test_family = SUBSET_FAMILY if item.subset and item.family != "report" else item.family
        linked = item.linked_set if isinstance(item.linked_set, str) else None
        finding = f"{linked} shares × {item.y}" if linked else f"{item.x} × {item.y}"
        for method in methods:
            row = {"family": item.family, "test_family": test_family, "finding": finding,
                   "linked_set": linked, "x": item.x, "y": item.y, "x_scale": item.x_scale,
                   "y_scale": item.y_scale, "method": method, "role": "primary" if method == PRIMARY else "sensitivity",
                   "n": item.n, "subset": item.subset, "flags": item.flags, "why": item.why, "coef_id": item.coef_id,
                   "main": item.main, "x_column": item.x_column, "y_column": item.y_column}
            if pd.notna(item.x_column) and pd.notna(item.y_column):
                row.update(_one_pair(data, pair, method, n_boot, n_perm, seed, alpha))
            notes = [n for n in (item.note, row.get("note", "")) if n]
            row["note"] = "; ".join(dict.fromkeys(notes))
            rows.append(row)
    out = pd.DataFrame(rows).reindex(columns=RESULT_COLUMNS)
    if out.empty:
        return out
    _linked_sets(out, data, n_perm, seed)
    _corrections(out, alpha)
    primary = out["role"] == "primary"
    out["rests_on_one_region"] = pd.array(
        [bool(p <= alpha and q > alpha) if prim and np.isfinite(p) and np.isfinite(q) else None
         for prim, p, q in zip(primary, out["p_perm"].astype(float), out["p_perm_without_influential"].astype(float),
                               strict=True)], dtype="boolean")
    for col in ("subset", "main"):
        out[col] = out[col].astype(bool)
    return out


def _linked_sets(out: pd.DataFrame, data: pd.DataFrame, n_perm: int, seed: int | None) -> None:
    """Fill ``p_set`` (maxT-adjusted p of each share) for the primary rows of every linked set × outcome."""
    rows = out[(out["role"] == "primary") & out["linked_set"].notna() & out["r"].notna()]
    for (set_name, y, y_scale), group in rows.groupby(["linked_set", "y", "y_scale"], sort=False):
        members = list(group["x"])
        X = np.column_stack([on_scale(data[k], VARIABLE_BY_KEY[k].scale) for k in members])
        res = stats.linked_set_pvalues(X, on_scale(data[y], y_scale), PRIMARY, n_perm=n_perm, seed=seed)
        out.loc[group.index, "p_set"] = res.p_adjusted
        out.loc[group.index, "null"] = f"linked set ({set_name}): maxT over its shares"


def _corrections(out: pd.DataFrame, alpha: float) -> None:
    """Holm and BY over the findings of each test family (primary rows), mapped back to their rows."""
    primary = out[(out["role"] == "primary") & out["p_perm"].notna()]
    finding_p: dict[tuple[str, str], float] = {}
    for (fam, finding), group in primary.groupby(["test_family", "finding"], sort=False):
        linked = group["linked_set"].notna().any()
        finding_p[(fam, finding)] = float(group["p_set"].min()) if linked else float(group["p_perm"].iloc[0])
    adjusted: dict[str, dict[tuple[str, str], float]] = {"p_holm": {}, "p_by": {}}
    for fam in dict.fromkeys(k[0] for k in finding_p):
        keys = [k for k in finding_p if k[0] == fam]
        p = np.array([finding_p[k] for k in keys])
        for method, col in (("holm", "p_holm"), ("by", "p_by")):
            adjusted[col].update(zip(keys, stats.adjust_pvalues(p, method), strict=True))
    keys = list(zip(primary["test_family"], primary["finding"], strict=True))
    for col, values in adjusted.items():
        out.loc[primary.index, col] = [values[k] for k in keys]
    for col, adj in (("survives_holm", "p_holm"), ("survives_by", "p_by")):
        flags = []
        for row in out.itertuples(index=False):
            p_adj = float(getattr(row, adj))
            if row.role != "primary" or not np.isfinite(p_adj):
                flags.append(None)
                continue
            own = float(row.p_set) if isinstance(row.linked_set, str) else 0.0
            flags.append(bool(p_adj <= alpha and own <= alpha))
        out[col] = pd.array(flags, dtype="boolean")


def attach_published(results: pd.DataFrame, published: pd.DataFrame | None) -> pd.DataFrame:
    """Add r_published (and the difference from the recomputed Pearson r) to the report family's rows."""
    out = results.copy()
    if published is None:
        return out
    pub = published.set_index("coef_id")["r_published"]
    out["r_published"] = out["coef_id"].map(pub)
    out["r_minus_published"] = np.where(out["method"] == PRIMARY, out["r"] - out["r_published"], np.nan)
    return out


def robustness(frame: pd.DataFrame, pairs: Sequence[Pair] = PAIRS, control: str = _POP,
               alpha: float = 0.05) -> pd.DataFrame:
    """For the main pairs: partial r controlling for ``control`` (pingouin) and OLS y ~ x with HC3 errors.

    Both on the pair's declared scales (log population as the control when population is logged nowhere else:
    the control enters linearly). One row per main pair with both variables present: n, r_partial (with Fisher
    CI and p), OLS slope with its HC3 standard error, interval and p, R², the largest leverage, and notes.
    """
    raw = analysis_frame(frame)
    rows = []
    for pair in pairs:
        if not pair.main or pair.x not in raw.columns or pair.y not in raw.columns:
            continue
        data = pd.DataFrame({pair.x: on_scale(raw[pair.x], pair.x_scale), pair.y: on_scale(raw[pair.y], pair.y_scale)},
                            index=raw.index)
        row: dict[str, object] = {"family": pair.family, "x": pair.x, "y": pair.y, "x_scale": pair.x_scale,
                                  "y_scale": pair.y_scale, "control": control}
        if control in raw.columns and control not in (pair.x, pair.y) and shared_denominator(pair.x, control) is None:
            data[control] = raw[control].astype(float)
            part = stats.partial_correlation(data, pair.x, pair.y, control, alpha=alpha)
            row.update(n_partial=part.n, r_partial=part.r, r_partial_ci_low=part.ci_low,
                       r_partial_ci_high=part.ci_high, p_partial=part.p, note_partial=part.note)
        else:
            row.update(n_partial=0, r_partial=np.nan, r_partial_ci_low=np.nan, r_partial_ci_high=np.nan,
                       p_partial=np.nan, note_partial=f"{control} is absent, one of the pair or its denominator")
        ols = stats.ols_hc3(data, pair.y, pair.x, alpha=alpha)
        slope = ols.table.set_index("term").loc[pair.x]
        row.update(n_ols=ols.n, slope=slope["coef"], slope_se_hc3=slope["se_hc3"], slope_ci_low=slope["ci_low"],
                   slope_ci_high=slope["ci_high"], p_slope_hc3=slope["p"], r2=ols.r2,
                   max_leverage=ols.max_leverage, note_ols=ols.note)
        rows.append(row)
    return pd.DataFrame(rows)


def coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """Each declared variable: its column, how many regions have a value, its kind and declared scale, its skewness
    on the raw and the log scale (where defined), and why it is absent if it is."""
    columns = resolve_columns(frame)
    data = analysis_frame(frame)
    rows = []
    for var in VARIABLES:
        col = columns[var.key]
        values = data[var.key].dropna().to_numpy(float) if col is not None else np.array([])
        skew = float(sps.skew(values)) if values.size >= 3 and np.ptp(values) > 0 else np.nan
        logged = np.log(values[values > 0]) if values.size and (values > 0).all() else np.array([])
        skew_log = float(sps.skew(logged)) if logged.size >= 3 and np.ptp(logged) > 0 else np.nan
        rows.append({"variable": var.key, "side": var.side, "kind": var.kind, "scale": var.scale, "column": col,
                     "regions_with_value": int(values.size), "of_regions": len(frame), "skewness": skew,
                     "skewness_log": skew_log, "note": "" if col is not None else var.missing_note})
    return pd.DataFrame(rows)


def label(key: str, lang: str = "en") -> str:
    """Printed label of a declared variable (falls back to the key)."""
    var = VARIABLE_BY_KEY.get(key)
    return var.label(lang) if var else key


def scaled_label(key: str, scale: str, lang: str = "en") -> str:
    """The variable's label with its scale, e.g. "log of Air emissions, …"."""
    text = label(key, lang)
    if scale == "log":
        return text + (" (log scale)" if lang == "en" else " (лог. шкала)")
    return text


def matrix(results: pd.DataFrame, family: str, method: str = PRIMARY, value: str = "r") -> pd.DataFrame:
    """x (rows) × y (columns) of ``value`` for one family and method, in declaration order."""
    sub = results[(results["family"] == family) & (results["method"] == method)]
    xs = list(dict.fromkeys(sub["x"]))
    ys = list(dict.fromkeys(sub["y"]))
    return sub.pivot_table(index="x", columns="y", values=value, aggfunc="first", dropna=False).reindex(
        index=xs, columns=ys)


# --- inputs ---------------------------------------------------------------------------------------------------


def with_reconstructed_events(frame: pd.DataFrame, counts: pd.DataFrame | None) -> pd.DataFrame:
    """Add the event counts the data layer reconstructed from the regional direction lists.

    ``counts`` is the processed table ``event_counts_<scheme>`` (:func:`vstudy.data.processed.
    reconstruct_event_counts`), or None. ``events_reconstructed_count`` (all events) and
    ``eco_events_reconstructed_count`` (Birgemiz: Taza Álem, the eco-volunteering line) are added only when the
    dataset has the lists; supplied counts (``events_count``) take precedence in :data:`VARIABLES` because their
    pattern is tried first.
    """
    if counts is None or counts.empty:
        return frame
    totals = counts.groupby("region_code")["region_events_count"].first()
    eco = counts[counts["direction_id"] == ECO_DIRECTION].set_index("region_code")["events_count"]
    out = frame.copy()
    out["events_reconstructed_count"] = out["region_code"].map(totals).astype(float)
    out["eco_events_reconstructed_count"] = out["region_code"].map(eco).astype(float)
    return out


def add_reconstructed_events(frame: pd.DataFrame, source, scheme: str) -> pd.DataFrame:
    """:func:`with_reconstructed_events` from ``source``: the processed table ``event_counts_<scheme>`` (a
    DataFrame, or None), a processed-layer directory, or a dataset directory, whose validated lists are then
    reconstructed by the same data-layer function (:func:`vstudy.data.processed.reconstruct_event_counts`)."""
    return with_reconstructed_events(frame, _event_counts(source, scheme))


def _event_counts(source, scheme: str) -> pd.DataFrame | None:
    from pathlib import Path

    from vstudy.data import datasets, processed

    if source is None or isinstance(source, pd.DataFrame):
        return source
    base = Path(source)
    if (base / f"event_counts_{scheme}.parquet").is_file():
        return processed.read_table(f"event_counts_{scheme}", base)
    if (base / "dataset.json").is_file():  # a processed layer without the regional lists
        return None
    ds = datasets.load_dataset(base)
    name = datasets.table_by_schema(ds, "event_directions_by_region")
    if not name or name not in ds.tables:
        return None
    return processed.reconstruct_event_counts(ds.tables[name])


# --- what the section shows (its sentences are in vstudy.present.prose.correlations) ----------------------------

PUBLIC_FAMILIES = ("organisations", "composition", "volunteers")


def published_family(published: pd.DataFrame | None, n: int, alpha: float = 0.05) -> pd.DataFrame | None:
    """The report's published coefficients through :func:`vstudy.analysis.stats.published_family`, or None."""
    if published is None or not len(published):
        return None
    cols = [c for c in ("coef_id", "x_en", "y_en", "r_published") if c in published.columns]
    return stats.published_family(published[cols], n=n, alpha=alpha)


def findings_table(results: pd.DataFrame, subsets: bool = False) -> pd.DataFrame:
    """One row per pair of the public families (primary r beside the Spearman sensitivity), strongest first.

    ``subsets=False``: pairs over all regions; ``True``: pairs on a subset (flagged, ranked among themselves).
    """
    prim = results[(results["role"] == "primary") & results["family"].isin(PUBLIC_FAMILIES)
                   & results["r"].notna() & (results["subset"] == subsets)]
    sens = results[results["role"] == "sensitivity"].set_index(["family", "x", "y"])
    out = prim[["test_family", "finding", "x", "y", "x_scale", "y_scale", "n", "r", "ci_low", "ci_high", "p_perm",
                "null", "r_null_mean", "p_set", "p_holm", "p_by", "survives_holm", "survives_by", "boot_low",
                "boot_high", "influential_region", "r_without_influential", "p_perm_without_influential",
                "cooks_d_influential", "rests_on_one_region", "flags"]].copy()
    keys = list(zip(prim["family"], prim["x"], prim["y"], strict=True))
    out.insert(out.columns.get_loc("p_perm") + 1, "rho", sens["r"].reindex(keys).to_numpy())
    out.insert(out.columns.get_loc("rho") + 1, "p_rho", sens["p"].reindex(keys).to_numpy())
    return out.reindex(out["r"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def report_table(results: pd.DataFrame) -> pd.DataFrame:
    """The report's pairs (primary method): published r beside the recomputed one where the inputs exist."""
    rep = results[(results["family"] == "report") & (results["role"] == "primary")]
    cols = ["coef_id", "x", "y", "r_published", "n", "r", "ci_low", "ci_high", "p_perm", "p_holm", "p_by",
            "influential_region", "r_without_influential", "flags", "note"]
    return rep[[c for c in cols if c in rep.columns]].reset_index(drop=True)


# --- how exact the reconstructed inputs are ----------------------------------------------------------------------

def organisation_pairs(organisations: pd.DataFrame | None, headline: pd.DataFrame | None,
                       tolerance: float = RECONSTRUCTION_TOLERANCE_PCT) -> pd.DataFrame | None:
    """Every integer pair (NGOs n, groups g) per region that matches all three published 2-decimal shares.

    A share printed with two decimals is exact to ± ``tolerance`` (half a unit of the last digit): the region's
    share of national NGOs ``100 n / N``, of national groups ``100 g / G`` and its NGO share ``100 n / (n + g)``
    must all round to the published values. ``N`` and ``G`` are the national totals (headline figures). One row
    per region: how many pairs match, the pair when it is unique, and whether it equals the processed counts.
    None when the dataset has no organisation shares or no national totals.
    """
    if organisations is None or headline is None:
        return None
    figs = headline.set_index("figure_id")["value"]
    if "ngo_total" not in figs.index or "initiative_groups_total" not in figs.index:
        return None
    big_n, big_g = int(figs["ngo_total"]), int(figs["initiative_groups_total"])
    tol = tolerance + 1e-9
    rows = []
    for r in organisations.itertuples(index=False):
        ns = [n for n in range(big_n + 1) if abs(100 * n / big_n - r.region_share_of_national_ngo_pct) <= tol]
        gs = [g for g in range(big_g + 1) if abs(100 * g / big_g - r.region_share_of_national_groups_pct) <= tol]
        found = [(n, g) for n in ns for g in gs if n + g and abs(100 * n / (n + g) - r.ngo_share_of_region_pct) <= tol]
        unique = found[0] if len(found) == 1 else (None, None)
        rows.append({"region_code": r.region_code, "pairs_matching": len(found), "ngo_count": unique[0],
                     "initiative_group_count": unique[1],
                     "equals_processed": len(found) == 1 and unique == (r.ngo_count, r.initiative_group_count)})
    return pd.DataFrame(rows)


def event_total_multiples(counts: pd.DataFrame | None, national: pd.DataFrame | None, max_multiple: int = 10,
                          tolerance: float = RECONSTRUCTION_TOLERANCE_PCT) -> pd.DataFrame | None:
    """Whether any region's events could be a multiple of its smallest consistent total.

    A region's shares fix its event counts only up to a factor: ``k_i / n`` and ``m·k_i / (m·n)`` print the same
    shares. The national shares pool all regions, so they see a factor applied to one region. For each region and
    each multiple m = 2 … ``max_multiple`` of its smallest total (processed table ``event_counts_<scheme>``),
    the pooled national shares are recomputed and compared with the published ones
    (± ``tolerance``). One row per region: its smallest total, the largest deviation of the pooled shares with the
    smallest totals, the multiples that still reproduce every published national share (normally none), and the
    smallest deviation any multiple reaches. A factor common to all regions leaves every share unchanged: no
    share can exclude it, and no correlation can see it. None when the lists or national shares are absent.
    """
    if counts is None or national is None or not len(counts) or counts["region_events_count"].isna().any():
        return None
    pub = national.set_index("direction_id")["share_pct_published"].dropna().astype(float)
    pivot = counts.pivot_table(index="region_code", columns="direction_id", values="events_count", aggfunc="sum",
                               fill_value=0).reindex(columns=pub.index, fill_value=0).astype(float)
    totals = counts.groupby("region_code")["region_events_count"].first().astype(float)
    grand = float(totals.sum())
    by_direction = pivot.sum()

    def deviation(extra: pd.Series, extra_total: float) -> float:
        shares = 100 * (by_direction + extra) / (grand + extra_total)
        return float((shares - pub).abs().max())

    base = deviation(pd.Series(0.0, index=pub.index), 0.0)
    rows = []
    for code in pivot.index:
        devs = {m: deviation((m - 1) * pivot.loc[code], (m - 1) * float(totals[code]))
                for m in range(2, max_multiple + 1)}
        rows.append({"region_code": code, "smallest_total": int(totals[code]), "deviation_smallest_pct": base,
                     "multiples_reproducing": ", ".join(str(m) for m, d in devs.items() if d <= tolerance + 1e-9),
                     "min_deviation_multiple_pct": min(devs.values())})
    return pd.DataFrame(rows)
