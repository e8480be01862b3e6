"""The correlation study: which variables, which pairs, which families — declared here, run through vstudy.analysis.stats.

Three families are declared (each is one multiplicity family for Holm and Benjamini–Hochberg):

``organisations``  organisation counts and rates against the quality-of-life side, the wage side and the
                   context variables the report names (population, density, emissions);
``composition``    the volunteer composition shares (age, status, NGO share) against the quality-of-life and
                   wage sides;
``report``         the report's own seventeen coefficients, one declared pair each; they can be recomputed only
                   where the regional inputs exist (volunteers, events — supplied or reconstructed — and the
                   official indicators). Inputs the public data do not have are declared as variables without
                   a column, so those pairs are reported with n = 0 and a note saying what is missing.

Pairs are built only from columns present in the processed table: a dataset with other coverage (kz2022) runs
without edits, and a pair whose variables are absent or have fewer than four complete regions stays in the
results with NaN and a note, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vstudy.analysis import stats
from vstudy.vocab import ECO_DIRECTION

MIN_N = 4


@dataclass(frozen=True)
class Variable:
    key: str
    pattern: str | None  # regex (full match) for the processed column; None = not in any public dataset
    label_en: str
    label_ru: str
    side: str  # organisations | composition | volunteers | quality_of_life | wages | context
    missing_note: str = ""

    def label(self, lang: str = "en") -> str:
        return self.label_ru if lang == "ru" else self.label_en


VARIABLES: tuple[Variable, ...] = (
    # organisations
    Variable("organisations_count", r"organisations_count", "Organisations (NGOs + initiative groups)",
             "Организации (НПО + инициативные группы)", "organisations"),
    Variable("organisations_per_100k", r"organisations_per_100k", "Organisations per 100,000 population",
             "Организаций на 100 тыс. населения", "organisations"),
    # composition of volunteers (shares of the region's volunteers)
    Variable("ngo_share_pct", r"ngo_share_pct", "NGOs, % of organisations", "НПО, % организаций", "composition"),
    Variable("vol_age_under18_pct", r"vol_age_under18_pct", "Volunteers under 18, %", "Волонтёры младше 18 лет, %",
             "composition"),
    Variable("vol_age_18_29_pct", r"vol_age_18_29_pct", "Volunteers aged 18–29, %", "Волонтёры 18–29 лет, %",
             "composition"),
    Variable("vol_age_pension_pct", r"vol_age_pension_pct", "Volunteers of pension age, % (corrected)",
             "Волонтёры пенсионного возраста, % (исправлено)", "composition"),
    Variable("vol_students_pct", r"vol_students_pct", "Students among volunteers, %", "Учащиеся среди волонтёров, %",
             "composition"),
    Variable("vol_working_pct", r"vol_working_pct", "Working volunteers, %", "Работающие волонтёры, %",
             "composition"),
    Variable("vol_unemployed_pct", r"vol_unemployed_pct", "Unemployed volunteers, %", "Безработные волонтёры, %",
             "composition"),
    Variable("vol_neet_pct", r"vol_neet_pct", "NEET volunteers, %", "Волонтёры NEET, %", "composition"),
    # volunteers and events (optional inputs)
    Variable("volunteers_count", r"volunteers_count", "Volunteers", "Число волонтёров", "volunteers",
             "per-region volunteer counts were chart images in the report; supply volunteers_by_region"),
    Variable("volunteers_per_100k", r"volunteers_per_100k", "Volunteers per 100,000 population",
             "Волонтёров на 100 тыс. населения", "volunteers",
             "needs volunteers_by_region"),
    Variable("events_count", r"events_count|events_reconstructed_count", "Volunteer events", "Волонтёрские мероприятия",
             "volunteers", "per-region event counts are not published; supply events_by_region (or the regional "
             "direction lists, from which the counts are reconstructed)"),
    Variable("eco_events_count", r"eco_events_count|eco_events_reconstructed_count",
             "Eco-volunteering events (Birgemiz: Taza Álem)", "Эко-волонтёрские мероприятия (Birgemiz: Taza Álem)",
             "volunteers", "needs the regional direction lists (Taza Álem events)"),
    # quality of life
    Variable("csi_quality_of_life_rank", r"csi_quality_of_life_rank", "CSI quality-of-life rank (1 = best)",
             "Рейтинг качества жизни ЦСИ (1 = лучший)", "quality_of_life"),
    Variable("life_expectancy_years", r"life_expectancy_years", "Life expectancy at birth, years",
             "Ожидаемая продолжительность жизни, лет", "quality_of_life"),
    Variable("grp_per_capita_thousand_kzt", r"grp_per_capita_thousand_kzt", "GRP per capita, thousand tenge",
             "ВРП на душу населения, тыс. тенге", "quality_of_life"),
    Variable("unemployment_rate_pct", r"unemployment_rate_pct", "Unemployment rate, %", "Уровень безработицы, %",
             "quality_of_life"),
    # wages and income
    Variable("avg_monthly_wage_q4_kzt", r"avg_monthly_wage_q4_kzt", "Average monthly wage, Q4, tenge",
             "Среднемесячная зарплата, IV кв., тенге", "wages"),
    Variable("cash_income_kzt_per_month", r"cash_income_\d{4}_kzt_per_month",
             "Per-capita cash income, tenge a month", "Среднедушевые денежные доходы, тенге в месяц", "wages"),
    # context named by the report
    Variable("population_count", r"population_count", "Population", "Численность населения", "context"),
    Variable("population_density_per_km2", r"population_density_per_km2", "Population density, persons per km²",
             "Плотность населения, чел. на км²", "context"),
    Variable("air_emissions_thousand_tonnes", r"air_emissions_thousand_tonnes",
             "Air emissions, stationary sources, thousand tonnes", "Выбросы от стационарных источников, тыс. т",
             "context"),
    # variables the report used that no public regional series provides
    Variable("hired_employees_count", None, "Hired employees", "Наёмные работники", "context",
             "no regional count of hired employees in the public data collected"),
    Variable("employed_population_count", None, "Employed population", "Занятое население", "context",
             "no regional count of the employed population in the public data collected"),
    Variable("unemployed_count", None, "Unemployed persons", "Безработные", "context",
             "no regional count of unemployed persons (only rates) in the public data collected"),
    Variable("university_students_count", None, "Students of higher education", "Студенты вузов", "context",
             "2021/22 student counts are national only"),
    Variable("tvet_students_count", None, "Students of technical and vocational education", "Студенты ТиПО",
             "context", "no regional TVET student counts found"),
    Variable("school_pupils_count", None, "Pupils of general schools", "Учащиеся школ", "context",
             "no regional pupil counts found (school counts are not pupils)"),
    Variable("all_learners_count", None, "Learners in all institutions", "Учащиеся всех заведений", "context",
             "no regional learner counts found"),
    Variable("volunteers_12_28_count", None, "Volunteers aged 12–28", "Волонтёры 12–28 лет", "volunteers",
             "the age band 12–28 matches none of the report's age groups"),
    Variable("youth_population_count", None, "Youth population", "Численность молодёжи", "context",
             "no regional youth population series collected"),
)
VARIABLE_BY_KEY: dict[str, Variable] = {v.key: v for v in VARIABLES}


@dataclass(frozen=True)
class Pair:
    family: str
    x: str
    y: str
    why: str
    coef_id: str | None = None  # the published coefficient this pair recomputes (family "report")
    main: bool = False  # also run partial correlation (population) and OLS with HC3 errors


FAMILIES: dict[str, str] = {
    "organisations": "Organisations (counts and per 100k) against quality of life, wages and context",
    "composition": "Volunteer composition shares against quality of life and wages",
    "report": "The report's own coefficients, recomputed where their regional inputs exist",
}

_QOL = ("csi_quality_of_life_rank", "life_expectancy_years", "grp_per_capita_thousand_kzt", "unemployment_rate_pct")
_WAGES = ("avg_monthly_wage_q4_kzt", "cash_income_kzt_per_month")
_CONTEXT = ("population_count", "population_density_per_km2", "air_emissions_thousand_tonnes")
_WHY_Y = {
    "csi_quality_of_life_rank": "the report's quality-of-life rating (CSI, footnote 2); only ranks 1–7 are public",
    "life_expectancy_years": "a public quality-of-life outcome available for every region",
    "grp_per_capita_thousand_kzt": "regional prosperity, the economic side of quality of life",
    "unemployment_rate_pct": "the report relates volunteering to (un)employment",
    "avg_monthly_wage_q4_kzt": "the report's wage coefficient (r = −0.27); public regional wages are partial",
    "cash_income_kzt_per_month": "the closest complete regional income series (2020)",
    "population_count": "the report's population coefficient; counts scale with population",
    "population_density_per_km2": "the report's density coefficient",
    "air_emissions_thousand_tonnes": "the report's emissions coefficient (0.49, then called spurious)",
}
_MAIN = {
    ("organisations_per_100k", "grp_per_capita_thousand_kzt"),
    ("organisations_per_100k", "life_expectancy_years"),
    ("organisations_per_100k", "unemployment_rate_pct"),
    ("organisations_count", "population_count"),
    ("vol_students_pct", "grp_per_capita_thousand_kzt"),
    ("vol_age_18_29_pct", "life_expectancy_years"),
    ("ngo_share_pct", "grp_per_capita_thousand_kzt"),
}


def _declare() -> tuple[Pair, ...]:
    pairs: list[Pair] = []
    for x in ("organisations_count", "organisations_per_100k"):
        kind = "the number" if x.endswith("count") else "the density (per 100k, free of population size)"
        for y in (*_QOL, *_WAGES, *_CONTEXT):
            pairs.append(Pair("organisations", x, y, f"{kind} of organisations vs {_WHY_Y[y]}",
                              main=(x, y) in _MAIN))
    for x in ("ngo_share_pct", "vol_age_under18_pct", "vol_age_18_29_pct", "vol_age_pension_pct", "vol_students_pct",
              "vol_working_pct", "vol_unemployed_pct", "vol_neet_pct"):
        for y in (*_QOL, *_WAGES):
            pairs.append(Pair("composition", x, y, f"who volunteers ({x}) vs {_WHY_Y[y]}", main=(x, y) in _MAIN))
    report = (
        ("volunteers_vs_organisations", "organisations_count", "volunteers_count", True),
        ("volunteers_vs_hired_employees", "hired_employees_count", "volunteers_count", False),
        ("volunteers_vs_employed_population", "employed_population_count", "volunteers_count", False),
        ("volunteers_vs_unemployed", "unemployed_count", "volunteers_count", False),
        ("volunteers_vs_emissions", "air_emissions_thousand_tonnes", "volunteers_count", True),
        ("emissions_vs_eco_events", "air_emissions_thousand_tonnes", "eco_events_count", False),
        ("quality_of_life_vs_volunteers", "csi_quality_of_life_rank", "volunteers_count", False),
        ("wage_vs_volunteers", "avg_monthly_wage_q4_kzt", "volunteers_count", False),
        ("volunteers_vs_university_students", "university_students_count", "volunteers_count", False),
        ("volunteers_vs_tvet_students", "tvet_students_count", "volunteers_count", False),
        ("volunteers_vs_school_pupils", "school_pupils_count", "volunteers_count", False),
        ("volunteers_vs_all_learners", "all_learners_count", "volunteers_count", False),
        ("volunteers_vs_population_density", "population_density_per_km2", "volunteers_count", False),
        ("volunteers_vs_population", "population_count", "volunteers_count", True),
        ("volunteers_12_28_vs_youth_population", "volunteers_12_28_count", "youth_population_count", False),
        ("events_vs_organisations", "events_count", "organisations_count", False),
        ("events_vs_volunteers", "events_count", "volunteers_count", False),
    )
    for coef_id, x, y, main in report:
        pairs.append(Pair("report", x, y, f"recomputes the report's coefficient {coef_id}", coef_id=coef_id,
                          main=main))
    return tuple(pairs)


PAIRS: tuple[Pair, ...] = _declare()


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


def pair_inventory(frame: pd.DataFrame, pairs: Sequence[Pair] = PAIRS, families: Iterable[str] | None = None
                   ) -> pd.DataFrame:
    """Every declared pair with its columns, complete-case n and whether it can be estimated (n ≥ 4)."""
    columns = resolve_columns(frame)
    data = analysis_frame(frame)
    keep = set(families) if families is not None else None
    rows = []
    for pair in pairs:
        if keep is not None and pair.family not in keep:
            continue
        missing = [k for k in (pair.x, pair.y) if columns.get(k) is None]
        if missing:
            n = 0
            reasons = []
            for k in missing:
                var = VARIABLE_BY_KEY[k]
                reasons.append(f"{k} not in the processed table" + (f" ({var.missing_note})" if var.missing_note
                                                                     else ""))
            note = "; ".join(reasons)
        else:
            n = int((data[pair.x].notna() & data[pair.y].notna()).sum())
            note = "" if n >= MIN_N else f"n={n} complete regions < {MIN_N}: not estimated"
        rows.append({"family": pair.family, "x": pair.x, "y": pair.y, "x_column": columns.get(pair.x),
                     "y_column": columns.get(pair.y), "n": n, "estimable": not missing and n >= MIN_N,
                     "main": pair.main, "coef_id": pair.coef_id, "why": pair.why, "note": note})
    return pd.DataFrame(rows)


def run_correlations(
    frame: pd.DataFrame,
    pairs: Sequence[Pair] = PAIRS,
    families: Iterable[str] | None = None,
    methods: Sequence[str] = ("pearson", "spearman"),
    n_boot: int = 2000,
    n_perm: int = 5000,
    seed: int | None = 20211231,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """All declared pairs through :func:`vstudy.analysis.stats.correlation_table`, plus the pairs that cannot run.

    Pairs whose variables are present run (stats returns NaN with a note for n < 4); pairs with an absent
    variable get one NaN row per method with n = 0 and the reason. Holm/BH are within family × method over
    the estimable rows. Extra columns: why, coef_id, main, x_column, y_column.
    """
    inventory = pair_inventory(frame, pairs, families)
    data = analysis_frame(frame)
    present = inventory[inventory["x_column"].notna() & inventory["y_column"].notna()]
    absent = inventory[~inventory.index.isin(present.index)]
    parts = []
    if len(present):
        table = stats.correlation_table(
            data.reset_index(), list(zip(present["x"], present["y"], strict=True)), list(present["family"]),
            methods=tuple(methods), labels="region_code", n_boot=n_boot, n_perm=n_perm, seed=seed, alpha=alpha)
        parts.append(table)
    if len(absent):
        rows = [{"family": r.family, "x": r.x, "y": r.y, "method": m, "n": 0, "note": r.note}
                for r in absent.itertuples() for m in methods]
        parts.append(pd.DataFrame(rows).reindex(columns=stats.TABLE_COLUMNS))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=stats.TABLE_COLUMNS)
    meta = inventory.set_index(["family", "x", "y"])[["why", "coef_id", "main", "x_column", "y_column"]]
    out = out.join(meta, on=["family", "x", "y"])
    # keep the declaration order
    order = {(p.family, p.x, p.y): i for i, p in enumerate(pairs)}
    out["_order"] = [order.get((f, x, y), len(order)) for f, x, y in zip(out["family"], out["x"], out["y"],
                                                                          strict=True)]
    out["_m"] = [list(methods).index(m) for m in out["method"]]
    return out.sort_values(["_order", "_m"]).drop(columns=["_order", "_m"]).reset_index(drop=True)


def attach_published(results: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Add r_published (and the difference from the recomputed Pearson r) to the report family's rows."""
    pub = published.set_index("coef_id")["r_published"]
    out = results.copy()
    out["r_published"] = out["coef_id"].map(pub)
    out["r_minus_published"] = np.where(out["method"] == "pearson", out["r"] - out["r_published"], np.nan)
    return out


def robustness(frame: pd.DataFrame, pairs: Sequence[Pair] = PAIRS, control: str = "population_count",
               alpha: float = 0.05) -> pd.DataFrame:
    """For the main pairs: partial r controlling for ``control`` (pingouin) and OLS y ~ x with HC3 errors.

    One row per main pair with both variables present: n, r_partial (with Fisher CI and p), OLS slope with
    its HC3 standard error, interval and p, R², the largest leverage, and notes.
    """
    data = analysis_frame(frame)
    rows = []
    for pair in pairs:
        if not pair.main or pair.x not in data.columns or pair.y not in data.columns:
            continue
        row: dict[str, object] = {"family": pair.family, "x": pair.x, "y": pair.y, "control": control}
        if control in data.columns and control not in (pair.x, pair.y):
            part = stats.partial_correlation(data, pair.x, pair.y, control, alpha=alpha)
            row.update(n_partial=part.n, r_partial=part.r, r_partial_ci_low=part.ci_low,
                       r_partial_ci_high=part.ci_high, p_partial=part.p, note_partial=part.note)
        else:
            row.update(n_partial=0, r_partial=np.nan, r_partial_ci_low=np.nan, r_partial_ci_high=np.nan,
                       p_partial=np.nan, note_partial=f"{control} is absent or is one of the pair")
        ols = stats.ols_hc3(data, pair.y, pair.x, alpha=alpha)
        slope = ols.table.set_index("term").loc[pair.x]
        row.update(n_ols=ols.n, slope=slope["coef"], slope_se_hc3=slope["se_hc3"], slope_ci_low=slope["ci_low"],
                   slope_ci_high=slope["ci_high"], p_slope_hc3=slope["p"], r2=ols.r2,
                   max_leverage=ols.max_leverage, note_ols=ols.note)
        rows.append(row)
    return pd.DataFrame(rows)


def coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """Each declared variable: its column, how many regions have a value, and why it is absent if it is."""
    columns = resolve_columns(frame)
    data = analysis_frame(frame)
    rows = []
    for var in VARIABLES:
        col = columns[var.key]
        n = int(data[var.key].notna().sum()) if col is not None else 0
        rows.append({"variable": var.key, "side": var.side, "column": col, "regions_with_value": n,
                     "of_regions": len(frame), "note": "" if col is not None else var.missing_note})
    return pd.DataFrame(rows)


def label(key: str, lang: str = "en") -> str:
    """Printed label of a declared variable (falls back to the key)."""
    var = VARIABLE_BY_KEY.get(key)
    return var.label(lang) if var else key


def matrix(results: pd.DataFrame, family: str, method: str = "pearson", value: str = "r") -> pd.DataFrame:
    """x (rows) × y (columns) of ``value`` for one family and method, in declaration order."""
    sub = results[(results["family"] == family) & (results["method"] == method)]
    xs = list(dict.fromkeys(sub["x"]))
    ys = list(dict.fromkeys(sub["y"]))
    return sub.pivot_table(index="x", columns="y", values=value, aggfunc="first", dropna=False).reindex(
        index=xs, columns=ys)


# --- inputs and outputs of the notebook ---------------------------------------------------------------------

def load_regions(processed_dir, scheme: str) -> pd.DataFrame:
    """The wide table ``regions_<scheme>`` of the processed layer (written by ``vstudy data``; never written here)."""
    from vstudy.data import processed

    return processed.read_table(f"regions_{scheme}", processed_dir)


def add_reconstructed_events(frame: pd.DataFrame, source, scheme: str) -> pd.DataFrame:
    """Add the event counts reconstructed from the regional direction lists (processed ``event_counts_<scheme>``).

    ``events_reconstructed_count`` (all events) and ``eco_events_reconstructed_count`` (Birgemiz: Taza Álem,
    the eco-volunteering line) are added only when the dataset has the regional lists; supplied counts
    (``events_count``) take precedence in :data:`VARIABLES` because their pattern is tried first.

    ``source`` is the processed table itself (a DataFrame, or None), a processed-layer directory, or — for callers
    not yet reading the processed layer — a dataset directory: its validated table is then reconstructed by the
    same data-layer function (:func:`vstudy.data.processed.reconstruct_event_counts`); nothing is read raw.
    """
    counts = _event_counts(source, scheme)
    if counts is None or counts.empty:
        return frame
    totals = counts.groupby("region_code")["region_events_count"].first()
    eco = counts[counts["direction_id"] == ECO_DIRECTION].set_index("region_code")["events_count"]
    out = frame.copy()
    out["events_reconstructed_count"] = out["region_code"].map(totals).astype(float)
    out["eco_events_reconstructed_count"] = out["region_code"].map(eco).astype(float)
    return out


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
