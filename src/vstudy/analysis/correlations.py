"""The correlation study: which variables, which pairs, which families, which test — declared in the analysis plan
(``correlation_plan.yml`` beside this module, read by :func:`load_plan`), computed with vstudy.analysis.stats.

The plan
--------
The plan file holds what a referee asks to see declared before the numbers: the families and their role (the
report's own pairs are the *confirmatory* family; the declared grid of organisations, composition and volunteer
pairs is *exploratory*), the pairs (as entries: every x of an entry against every y; ``plan_entry`` in the results
names the entry of each row), the scales with the reason for each, the primary method, the nulls, the corrections
and their levels, alpha, and the dated changes with their reasons. This module declares only how each variable is
found in a processed table (:data:`VARIABLES`); its words (labels, notes) are catalogue messages
(``correlations.var.*``, ``correlations.missing.*``, ``correlations.subset_why.*``).

Method (one primary method, declared once)
------------------------------------------
**Primary: Pearson r on each variable's declared scale, tested by permutation** — exact (all n! pairings) wherever
n is small enough to enumerate (``stats.EXACT_MAX_N``), otherwise Monte Carlo with the plan's number of
permutations, each p with its Monte Carlo standard error (``p_perm_se``). **Sensitivity: Spearman's ρ**, shown
beside every r, never corrected as a second family. No Fisher-z interval and no bootstrap interval below the
plan's n (10).

Each pair is tested against the right null:

* *independence* — y permuted across regions; also for a rate against its own denominator (does the rate change
  with size? its expectation under this null is 0);
* *shared denominator* — a rate per 100,000 against density (which contains the population) or another rate of the
  same population: the numerators are permuted and divided by the real populations (``stats.ratio_permutation_p``),
  which tests whether the counts are unrelated to the regions, each region keeping its own population;
* *linked set* — the shares of one composition sum to 100: one finding per outcome, the single-step maxT
  permutation test (``stats.linked_set_pvalues``); every share is reported by its set's p (``p_finding``).

Corrections: Holm and Benjamini–Yekutieli over the findings of each test family (``p_holm``, ``p_by``) and over
every full-sample finding of the study (``p_holm_study``, ``p_by_study``). A finding *holds after correction*
(``holds_after_correction``) at the level the plan's ``decision`` names (Holm over the study).

Influence, both ways: the range of leave-one-out r (``loo_r_min``, ``loo_r_max`` and their regions), the region
moving r most either way (``influential_region``), the largest Cook's distance and its region
(``cooks_d_max``, ``cooks_d_max_region``), a flag for a correlation one region carries
(``rests_on_one_region``: significant, not without the region moving r most towards zero) and one a region masks
(``masked_by_one_region``: not significant, significant without the region moving r most away from zero), and r
without the cities (``r_without_cities``; units of kind ``city`` in the gazetteer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import scipy  # scipy.stats loads on first use
import yaml

from vstudy import i18n
from vstudy.analysis import stats
from vstudy.analysis.shared import once_per_build
from vstudy.vocab import ECO_DIRECTION

PLAN_PATH = Path(__file__).with_name("correlation_plan.yml")


class PlanError(ValueError):
    """The analysis plan file is not what the study can run: the message names the file, the key and the rule."""


_PLAN_KEYS = ("alpha", "power", "method", "families", "corrections", "scales", "outcomes", "entries", "nulls",
              "main_pairs", "changes")


@cache
def load_plan(path: Path | str = PLAN_PATH) -> dict:
    """The analysis plan (a mapping), checked: every key the study needs is there, every family has a role,
    every entry a known family, every change a date and a reason."""
    path = Path(path)
    try:
        plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise PlanError(f"{path.name}: cannot read the analysis plan ({err})") from None
    if not isinstance(plan, dict):
        raise PlanError(f"{path.name}: the analysis plan must be a mapping")
    missing = [k for k in _PLAN_KEYS if k not in plan]
    if missing:
        raise PlanError(f"{path.name}: key(s) {', '.join(missing)} missing")
    for name, fam in plan["families"].items():
        if not isinstance(fam, dict) or fam.get("role") not in ("confirmatory", "exploratory"):
            raise PlanError(f"{path.name}: families.{name}.role must be confirmatory or exploratory")
    for i, entry in enumerate(plan["entries"]):
        if entry.get("family") not in plan["families"]:
            raise PlanError(f"{path.name}: entries[{i}] ({entry.get('id')}): family {entry.get('family')!r} is not "
                            "declared under families")
        if not entry.get("id") or not entry.get("why"):
            raise PlanError(f"{path.name}: entries[{i}] needs an id and a why")
    for i, change in enumerate(plan["changes"]):
        if not change.get("date") or not change.get("reason") or not change.get("change"):
            raise PlanError(f"{path.name}: changes[{i}] needs a date, a change and a reason")
    decision = plan["corrections"].get("decision", {})
    if decision.get("method") not in ("holm", "by") or decision.get("level") not in ("family", "study"):
        raise PlanError(f"{path.name}: corrections.decision needs method holm|by and level family|study")
    return plan


PLAN = load_plan()
MIN_N = 4
PRIMARY = PLAN["method"]["primary"]
SENSITIVITY = PLAN["method"]["sensitivity"]
METHODS = (PRIMARY, SENSITIVITY)
N_PERM = int(PLAN["method"]["monte_carlo_permutations"])
"""Monte Carlo permutations above ``stats.EXACT_MAX_N``: at p = 0.003 the standard error is 0.00017, so Holm over
about twenty findings carries ± 0.004 — too little to change a decision at α = 0.05 unless p sits on the line."""
FISHER_MIN_N = int(PLAN["method"]["fisher_ci_min_n"])
ALPHA = float(PLAN["alpha"])
SUBSET_FAMILY = "subsets"
CONFIRMATORY, EXPLORATORY = "confirmatory", "exploratory"
DECISION = PLAN["corrections"]["decision"]
PER_100K = 100_000.0
RECONSTRUCTION_TOLERANCE_PCT = 0.005  # a share printed with 2 decimals is exact to ± half a unit of the last digit


@dataclass(frozen=True)
class Variable:
    key: str
    pattern: str | None  # regex (full match) for the processed column; None = not in any public dataset
    side: str  # organisations | composition | volunteers | quality_of_life | wages | context
    kind: str = "level"  # count (a total that grows with size) | rate | share | level | rank
    numerator: str | None = None  # for a rate per 100,000: the count it divides
    denominator: str | None = None  # … and the variable it divides by
    contains: tuple[str, ...] = ()  # variables it is built from (density contains population)
    selected: bool = False  # partial coverage is a selection of regions (catalogue: correlations.subset_why.<key>)

    def label(self, lang: str = "en") -> str:
        """The variable's label in ``lang`` (catalogue ``correlations.var.<key>``)."""
        return i18n.text(lang, f"correlations.var.{self.key}")

    @property
    def label_en(self) -> str:
        return self.label("en")

    @property
    def scale(self) -> str:
        """The scale the study's own families use (the plan's ``scales``)."""
        return str(PLAN["scales"].get(self.key, PLAN["scales"]["default"])["scale"])

    @property
    def missing_note(self) -> str:
        """Why the variable is absent (English, for the results table), or ""."""
        msg = f"correlations.missing.{self.key}"
        return i18n.text("en", msg) if i18n.has("en", msg) else ""

    @property
    def subset_note(self) -> str:
        """Why a partial coverage is a selection (English, for the results table), or ""."""
        return i18n.text("en", f"correlations.subset_why.{self.key}") if self.selected else ""


_POP = "population_count"

VARIABLES: tuple[Variable, ...] = (
    # organisations
    Variable("organisations_count", r"organisations_count", "organisations", kind="count"),
    Variable("organisations_per_100k", r"organisations_per_100k", "organisations", kind="rate",
             numerator="organisations_count", denominator=_POP),
    # composition of volunteers (shares of the region's volunteers)
    Variable("ngo_share_pct", r"ngo_share_pct", "composition", kind="share"),
    Variable("vol_age_under18_pct", r"vol_age_under18_pct", "composition", kind="share"),
    Variable("vol_age_18_29_pct", r"vol_age_18_29_pct", "composition", kind="share"),
    Variable("vol_age_30_to_pension_pct", r"vol_age_30_to_pension_pct", "composition", kind="share"),
    Variable("vol_age_pension_pct", r"vol_age_pension_pct", "composition", kind="share"),
    Variable("vol_students_pct", r"vol_students_pct", "composition", kind="share"),
    Variable("vol_working_pct", r"vol_working_pct", "composition", kind="share"),
    Variable("vol_unemployed_pct", r"vol_unemployed_pct", "composition", kind="share"),
    Variable("vol_neet_pct", r"vol_neet_pct", "composition", kind="share"),
    # volunteers and events (optional inputs)
    Variable("volunteers_count", r"volunteers_count", "volunteers", kind="count"),
    Variable("volunteers_per_100k", r"volunteers_per_100k", "volunteers", kind="rate", numerator="volunteers_count",
             denominator=_POP),
    Variable("events_count", r"events_count|events_reconstructed_count", "volunteers", kind="count"),
    Variable("eco_events_count", r"eco_events_count|eco_events_reconstructed_count", "volunteers", kind="count"),
    # quality of life
    Variable("csi_quality_of_life_rank", r"csi_quality_of_life_rank", "quality_of_life", kind="rank", selected=True),
    Variable("life_expectancy_years", r"life_expectancy_years", "quality_of_life"),
    Variable("grp_per_capita_thousand_kzt", r"grp_per_capita_thousand_kzt", "quality_of_life", kind="rate"),
    Variable("unemployment_rate_pct", r"unemployment_rate_pct", "quality_of_life", kind="rate"),
    # wages and income
    Variable("avg_monthly_wage_q4_kzt", r"avg_monthly_wage_q4_kzt", "wages", selected=True),
    Variable("cash_income_kzt_per_month", r"cash_income_\d{4}_kzt_per_month", "wages", kind="rate"),
    # context named by the report
    Variable(_POP, r"population_count", "context", kind="count"),
    Variable("population_density_per_km2", r"population_density_per_km2", "context", kind="rate", contains=(_POP,)),
    Variable("air_emissions_thousand_tonnes", r"air_emissions_thousand_tonnes", "context", kind="count"),
    # variables the report used that no public regional series provides
    Variable("hired_employees_count", None, "context", kind="count"),
    Variable("employed_population_count", None, "context", kind="count"),
    Variable("unemployed_count", None, "context", kind="count"),
    Variable("university_students_count", None, "context", kind="count"),
    Variable("tvet_students_count", None, "context", kind="count"),
    Variable("school_pupils_count", None, "context", kind="count"),
    Variable("all_learners_count", None, "context", kind="count"),
    Variable("volunteers_12_28_count", None, "volunteers", kind="count"),
    Variable("youth_population_count", None, "context", kind="count"),
)
VARIABLE_BY_KEY: dict[str, Variable] = {v.key: v for v in VARIABLES}

LINKED_SETS: dict[str, tuple[str, ...]] = {
    entry["linked_set"]: tuple(entry["x"]) for entry in PLAN["entries"] if entry.get("linked_set")}
"""Shares of one composition: they sum to 100 in every region, so each set is one finding per outcome."""
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
    entry: str = ""  # the plan entry that declares the pair

    @property
    def linked_set(self) -> str | None:
        return _SET_OF.get(self.x) if self.family != "report" else None


FAMILIES: dict[str, str] = {name: fam["what"] for name, fam in PLAN["families"].items() if name != SUBSET_FAMILY}


def family_role(test_family: str) -> str:
    """``confirmatory`` or ``exploratory``: the plan's role of a test family."""
    fam = PLAN["families"].get(test_family)
    return fam["role"] if fam else EXPLORATORY


def _declare(plan: dict) -> tuple[Pair, ...]:
    pairs: list[Pair] = []
    main = {tuple(p) for p in plan["main_pairs"]}
    unknown = set()
    for entry in plan["entries"]:
        family = entry["family"]
        if "pairs" in entry:  # the report's own pairs: raw scales, one coefficient each
            for coef_id, x, y in entry["pairs"]:
                unknown |= {k for k in (x, y) if k not in VARIABLE_BY_KEY}
                pairs.append(Pair(family, x, y, f"{entry['why']}: {coef_id}", coef_id=coef_id, entry=entry["id"]))
            continue
        for x in entry["x"]:
            for y in entry["y"]:
                unknown |= {k for k in (x, y) if k not in VARIABLE_BY_KEY}
                if x in VARIABLE_BY_KEY and y in VARIABLE_BY_KEY:
                    why = f"{entry['why']}; outcome: {plan['outcomes'].get(y, y)}"
                    pairs.append(Pair(family, x, y, why, main=(x, y) in main, x_scale=VARIABLE_BY_KEY[x].scale,
                                      y_scale=VARIABLE_BY_KEY[y].scale, entry=entry["id"]))
    if unknown:
        raise PlanError(f"{PLAN_PATH.name}: entries name undeclared variable(s) {', '.join(sorted(unknown))}")
    return tuple(pairs)


PAIRS: tuple[Pair, ...] = _declare(PLAN)


def mixes_total_and_rate(x: str, y: str) -> bool:
    """Whether a pair sets a total (a count that grows with region size) against a rate, level, share or rank.

    A rate against its own denominator (organisations per 100,000 against population: does the rate depend on
    size?) is not a mix: that question is asked on purpose.
    """
    kinds = {VARIABLE_BY_KEY[x].kind == "count", VARIABLE_BY_KEY[y].kind == "count"}
    return kinds == {True, False} and shared_denominator(x, y) is None and own_denominator(x, y) is None


def own_denominator(x: str, y: str) -> str | None:
    """The variable (x or y) that is a rate whose denominator *is* the other one, or None."""
    for rate, other in ((x, y), (y, x)):
        if VARIABLE_BY_KEY[rate].denominator == other:
            return rate
    return None


def shared_denominator(x: str, y: str) -> str | None:
    """The variable (x or y) that is a rate whose denominator the other one contains (density contains the
    population) or also divides by (another rate of the same population), or None. A rate against its own
    denominator is :func:`own_denominator`'s case, tested against independence."""
    for rate, other in ((x, y), (y, x)):
        den = VARIABLE_BY_KEY[rate].denominator
        var = VARIABLE_BY_KEY[other]
        if den is not None and other != den and (den in var.contains or var.denominator == den):
            return rate
    return None


def city_codes(codes: Iterable[str]) -> list[str]:
    """The codes among ``codes`` that the gazetteer calls cities (kind ``city``: Astana, Almaty, Shymkent)."""
    from vstudy.data import regions

    kinds = pd.concat([regions.units(s) for s in ("kz2021", "kz2022")]).drop_duplicates("code").set_index(
        "code")["kind"]
    return [c for c in codes if kinds.get(c) == "city"]


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
            why = [VARIABLE_BY_KEY[k].subset_note for k in (pair.x, pair.y) if VARIABLE_BY_KEY[k].selected
                   and int(data[k].notna().sum()) < n_units]
            flags.append(f"subset: {n} of {n_units} regions" + (f" ({'; '.join(why)})" if why else ""))
        if mixes_total_and_rate(pair.x, pair.y):
            flags.append("mixes a total with a rate")
        rows.append({"family": pair.family, "x": pair.x, "y": pair.y, "x_scale": pair.x_scale,
                     "y_scale": pair.y_scale, "x_column": columns.get(pair.x), "y_column": columns.get(pair.y),
                     "n": n, "estimable": not missing and n >= MIN_N, "subset": subset, "flags": "; ".join(flags),
                     "linked_set": pair.linked_set, "main": pair.main, "coef_id": pair.coef_id, "why": pair.why,
                     "plan_entry": pair.entry, "note": note})
    return pd.DataFrame(rows)


# --- running the study --------------------------------------------------------------------------------------

RESULT_COLUMNS = [
    "family", "test_family", "plan_entry", "plan_role", "finding", "linked_set", "x", "y", "x_scale", "y_scale",
    "method", "role", "n", "r", "ci_low", "ci_high", "p", "p_perm", "p_perm_se", "null", "r_null_mean", "p_set",
    "p_set_se", "p_finding", "p_finding_se", "p_holm", "p_by", "m_family", "survives_holm", "survives_by",
    "p_holm_study", "p_by_study", "m_study", "holds_after_correction", "boot_low", "boot_high",
    "influential_region", "r_without_influential", "change_without_influential", "p_perm_without_influential",
    "cooks_d_influential", "cooks_d_max_region", "cooks_d_max", "loo_r_min", "loo_region_min", "loo_r_max",
    "loo_region_max", "towards_zero_region", "r_towards_zero", "p_without_towards_zero", "away_region", "r_away",
    "p_without_away", "rests_on_one_region", "masked_by_one_region", "sign_changes_without_one",
    "n_without_cities", "r_without_cities", "p_without_cities", "p_without_cities_se", "changes_without_cities",
    "subset", "flags", "perm_exact", "n_perm_used", "n_boot_valid", "n_boot_degenerate", "note", "why",
    "coef_id", "main", "x_column", "y_column",
]


def null_of(pair: Pair) -> str:
    """The null a pair is tested against: ``independence`` or ``shared denominator`` (a linked set's maxT is set
    per set)."""
    if pair.family != "report" and shared_denominator(pair.x, pair.y) is not None:
        return "shared denominator"
    return "independence"


def _null_test(data: pd.DataFrame, pair: Pair, method: str, keep: np.ndarray, n_perm: int, seed: int | None
               ) -> stats.PermResult:
    """Permutation test of the pair on the rows ``keep`` with the null its construction needs."""
    x = on_scale(data[pair.x], pair.x_scale)[keep]
    y = on_scale(data[pair.y], pair.y_scale)[keep]
    if null_of(pair) == "shared denominator":
        rate = shared_denominator(pair.x, pair.y)
        var = VARIABLE_BY_KEY[rate]
        if var.numerator in data.columns and var.denominator in data.columns:
            other = pair.y if rate == pair.x else pair.x
            scale = pair.x_scale if rate == pair.x else pair.y_scale
            return stats.ratio_permutation_p(
                data[var.numerator].to_numpy(float)[keep], data[var.denominator].to_numpy(float)[keep],
                on_scale(data[other], pair.y_scale if rate == pair.x else pair.x_scale)[keep], method,
                transform=(lambda v: on_scale(v, scale)), scale=PER_100K, n_perm=n_perm, seed=seed)
    return stats.permutation_p(x, y, method, n_perm=n_perm, seed=seed)


def _significance_changes(p_all: float, p_without: float, alpha: float) -> bool | None:
    if not (np.isfinite(p_all) and np.isfinite(p_without)):
        return None
    return bool((p_all <= alpha) != (p_without <= alpha))


def _one_pair(data: pd.DataFrame, pair: Pair, method: str, n_boot: int, n_perm: int, seed: int | None,
              alpha: float, cities: Sequence[str]) -> dict:
    x = on_scale(data[pair.x], pair.x_scale)
    y = on_scale(data[pair.y], pair.y_scale)
    ok = np.isfinite(x) & np.isfinite(y)
    res = stats.correlate(x, y, method, n_boot=n_boot, n_perm=0, seed=seed, alpha=alpha, exact_perm=False,
                          ci_min_n=FISHER_MIN_N)
    row = res.to_dict()
    if not np.isfinite(res.r):
        return row
    test = _null_test(data, pair, method, ok, n_perm, seed)
    row.update(p_perm=test.p, perm_exact=test.exact, n_perm_used=test.n_used, null=test.null,
               r_null_mean=test.null_mean, p_perm_se=stats.mc_standard_error(test.p, test.n_used, test.exact))
    labels = np.asarray(data.index, dtype=object)
    infl = stats.most_influential(stats.leave_one_out(x, y, labels, method))
    row.update(influential_region=infl["label"], r_without_influential=infl["r_without"],
               change_without_influential=infl["change"])
    both = stats.influence(x, y, labels, method)
    row.update({k: both[k] for k in ("loo_r_min", "loo_region_min", "loo_r_max", "loo_region_max")})
    lo, hi = both["loo_r_min"], both["loo_r_max"]
    row["sign_changes_without_one"] = bool(np.sign(lo) != np.sign(hi)) if np.isfinite(lo) and np.isfinite(hi) \
        else None
    if method != PRIMARY:
        return row
    row.update({k: both[k] for k in ("towards_zero_region", "r_towards_zero", "away_region", "r_away",
                                     "cooks_d_max", "cooks_d_max_region")})
    row["cooks_d_influential"] = both["cooks_d"].get(infl["label"], float("nan"))
    p_without = {}
    for region in (both["towards_zero_region"], both["away_region"]):
        if region not in p_without:
            p_without[region] = _null_test(data, pair, method, ok & (labels != region), n_perm, seed).p
    row["p_without_towards_zero"] = p_without[both["towards_zero_region"]]
    row["p_without_away"] = p_without[both["away_region"]]
    row["p_perm_without_influential"] = p_without.get(
        infl["label"], _null_test(data, pair, method, ok & (labels != infl["label"]), n_perm, seed).p)
    row["rests_on_one_region"] = bool(test.p <= alpha and row["p_without_towards_zero"] > alpha)
    row["masked_by_one_region"] = bool(test.p > alpha and row["p_without_away"] <= alpha)
    city = np.isin(labels, list(cities))
    keep = ok & ~city
    row["n_without_cities"] = int(keep.sum())
    if city[ok].any() and keep.sum() >= MIN_N:
        row["r_without_cities"] = stats._r(x[keep], y[keep], method)
        wc = _null_test(data, pair, method, keep, n_perm, seed)
        row["p_without_cities"] = wc.p
        row["p_without_cities_se"] = stats.mc_standard_error(wc.p, wc.n_used, wc.exact)
        sign = bool(np.sign(row["r_without_cities"]) != np.sign(res.r))
        sig = _significance_changes(test.p, wc.p, alpha)
        row["changes_without_cities"] = bool(sign or sig) if sig is not None else sign
    return row


@once_per_build
def run_correlations(
    frame: pd.DataFrame,
    pairs: Sequence[Pair] = PAIRS,
    families: Iterable[str] | None = None,
    methods: Sequence[str] = METHODS,
    n_boot: int = 2000,
    n_perm: int = N_PERM,
    seed: int | None = 20211231,
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Every declared pair, by the primary method and the sensitivity method, with its test and corrections.

    One row per pair and method (columns :data:`RESULT_COLUMNS`). ``r`` is on the declared scales
    (``x_scale``, ``y_scale``). ``p_perm`` is the pair's permutation p against its ``null`` with its Monte Carlo
    standard error ``p_perm_se`` (0 when exact); ``p_finding`` is the p of the finding the row belongs to (a linked
    set's maxT p for each of its shares). Corrections (primary method): per ``test_family`` (the declared family, or
    ``subsets`` for a pair on fewer regions than the scheme has), Holm and Benjamini–Yekutieli over its findings
    (``p_holm``, ``p_by``, ``m_family`` findings; ``survives_*`` ≤ ``alpha``), and over every full-sample finding of
    the study (``p_holm_study``, ``p_by_study``, ``m_study``); ``holds_after_correction`` applies the plan's
    decision. ``plan_entry`` names the plan entry of the row and ``plan_role`` its family's role. Sensitivity rows
    carry their own permutation p and no correction. Pairs with an absent variable get one NaN row per method
    with n = 0 and the reason. Every pair uses the same ``seed``.
    """
    inventory = pair_inventory(frame, pairs, families)
    data = analysis_frame(frame)
    cities = city_codes(data.index)
    by_key = {(p.family, p.x, p.y): p for p in pairs}
    rows = []
    for item in inventory.itertuples(index=False):
        pair = by_key[(item.family, item.x, item.y)]
        test_family = SUBSET_FAMILY if item.subset and item.family != "report" else item.family
        linked = item.linked_set if isinstance(item.linked_set, str) else None
        finding = f"{linked} shares × {item.y}" if linked else f"{item.x} × {item.y}"
        for method in methods:
            row = {"family": item.family, "test_family": test_family, "plan_entry": item.plan_entry,
                   "plan_role": family_role(test_family), "finding": finding,
                   "linked_set": linked, "x": item.x, "y": item.y, "x_scale": item.x_scale,
                   "y_scale": item.y_scale, "method": method, "role": "primary" if method == PRIMARY else "sensitivity",
                   "n": item.n, "subset": item.subset, "flags": item.flags, "why": item.why, "coef_id": item.coef_id,
                   "main": item.main, "x_column": item.x_column, "y_column": item.y_column}
            if pd.notna(item.x_column) and pd.notna(item.y_column):
                row.update(_one_pair(data, pair, method, n_boot, n_perm, seed, alpha, cities))
            notes = [n for n in (item.note, row.get("note", "")) if n]
            row["note"] = "; ".join(dict.fromkeys(notes))
            rows.append(row)
    out = pd.DataFrame(rows).reindex(columns=RESULT_COLUMNS)
    if out.empty:
        return out
    _linked_sets(out, data, n_perm, seed)
    _corrections(out, alpha)
    for col in ("rests_on_one_region", "masked_by_one_region", "sign_changes_without_one", "changes_without_cities",
                "holds_after_correction", "survives_holm", "survives_by"):
        out[col] = pd.array([None if v is None or (isinstance(v, float) and np.isnan(v)) else bool(v)
                             for v in out[col]], dtype="boolean")
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
        out.loc[group.index, "p_set_se"] = stats.mc_standard_error(res.p_adjusted, res.n_used, res.exact)
        out.loc[group.index, "null"] = f"linked set ({set_name}): maxT over its shares"


def _adjust(finding_p: dict, keys: list, out_cols: tuple[str, str]) -> dict[str, dict]:
    p = np.array([finding_p[k] for k in keys])
    return {col: dict(zip(keys, stats.adjust_pvalues(p, method), strict=True))
            for method, col in zip(("holm", "by"), out_cols, strict=True)}


def _corrections(out: pd.DataFrame, alpha: float) -> None:
    """Holm and BY over the findings of each test family and over every full-sample finding of the study (primary
    rows), mapped back to their rows; the finding's p and its standard error on every primary row."""
    primary = out[(out["role"] == "primary") & out["p_perm"].notna()]
    finding_p: dict[tuple[str, str], float] = {}
    finding_se: dict[tuple[str, str], float] = {}
    for (fam, finding), group in primary.groupby(["test_family", "finding"], sort=False):
        if group["linked_set"].notna().any():
            i = group["p_set"].astype(float).idxmin()
            finding_p[(fam, finding)], finding_se[(fam, finding)] = float(group.at[i, "p_set"]), \
                float(group.at[i, "p_set_se"])
        else:
            finding_p[(fam, finding)] = float(group["p_perm"].iloc[0])
            finding_se[(fam, finding)] = float(group["p_perm_se"].iloc[0])
    keys = list(zip(primary["test_family"], primary["finding"], strict=True))
    out.loc[primary.index, "p_finding"] = [finding_p[k] for k in keys]
    out.loc[primary.index, "p_finding_se"] = [finding_se[k] for k in keys]
    adjusted: dict[str, dict] = {"p_holm": {}, "p_by": {}}
    m_family: dict[str, int] = {}
    for fam in dict.fromkeys(k[0] for k in finding_p):
        fam_keys = [k for k in finding_p if k[0] == fam]
        m_family[fam] = len(fam_keys)
        for col, values in _adjust(finding_p, fam_keys, ("p_holm", "p_by")).items():
            adjusted[col].update(values)
    study_keys = [k for k in finding_p if k[0] != SUBSET_FAMILY]
    study = _adjust(finding_p, study_keys, ("p_holm_study", "p_by_study")) if study_keys else \
        {"p_holm_study": {}, "p_by_study": {}}
    for col, values in {**adjusted, **study}.items():
        out.loc[primary.index, col] = [values.get(k, np.nan) for k in keys]
    out.loc[primary.index, "m_family"] = [m_family[k[0]] for k in keys]
    out.loc[primary.index, "m_study"] = [len(study_keys) if k in set(study_keys) else np.nan for k in keys]
    own = np.where(out["linked_set"].notna(), out["p_set"].astype(float), 0.0)
    decision_col = {("holm", "family"): "p_holm", ("by", "family"): "p_by", ("holm", "study"): "p_holm_study",
                    ("by", "study"): "p_by_study"}[(DECISION["method"], DECISION["level"])]
    for col, adj in (("survives_holm", "p_holm"), ("survives_by", "p_by"),
                     ("holds_after_correction", decision_col)):
        p_adj = out[adj].astype(float).to_numpy()
        ok = (out["role"] == "primary").to_numpy() & np.isfinite(p_adj)
        out[col] = [bool(a <= alpha and o <= alpha) if k else None for a, o, k in zip(p_adj, own, ok, strict=True)]


def attach_published(results: pd.DataFrame, published: pd.DataFrame | None) -> pd.DataFrame:
    """Add r_published (and the difference from the recomputed Pearson r) to the report family's rows."""
    out = results.copy()
    if published is None:
        return out
    pub = published.set_index("coef_id")["r_published"]
    out["r_published"] = out["coef_id"].map(pub)
    out["r_minus_published"] = np.where(out["method"] == PRIMARY, out["r"] - out["r_published"], np.nan)
    return out


@once_per_build
def robustness(frame: pd.DataFrame, pairs: Sequence[Pair] = PAIRS, control: str = _POP,
               alpha: float = ALPHA) -> pd.DataFrame:
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
        if control in raw.columns and control not in (pair.x, pair.y) and shared_denominator(pair.x, control) is None \
                and own_denominator(pair.x, control) is None:
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
        skew = float(scipy.stats.skew(values)) if values.size >= 3 and np.ptp(values) > 0 else np.nan
        logged = np.log(values[values > 0]) if values.size and (values > 0).all() else np.array([])
        skew_log = float(scipy.stats.skew(logged)) if logged.size >= 3 and np.ptp(logged) > 0 else np.nan
        rows.append({"variable": var.key, "side": var.side, "kind": var.kind, "scale": var.scale, "column": col,
                     "regions_with_value": int(values.size), "of_regions": len(frame), "skewness": skew,
                     "skewness_log": skew_log, "note": "" if col is not None else var.missing_note})
    return pd.DataFrame(rows)


def label(key: str, lang: str = "en") -> str:
    """Printed label of a declared variable (falls back to the key)."""
    var = VARIABLE_BY_KEY.get(key)
    return var.label(lang) if var else key


def scaled_label(key: str, scale: str, lang: str = "en") -> str:
    """The variable's label with its scale, e.g. "Air emissions, … (log scale)" (catalogue
    ``correlations.scaled``)."""
    return i18n.text(lang, "correlations.scaled", label=label(key, lang), scale=scale)


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


def published_family(published: pd.DataFrame | None, n: int, alpha: float = ALPHA) -> pd.DataFrame | None:
    """The report's published coefficients through :func:`vstudy.analysis.stats.published_family`, or None."""
    if published is None or not len(published):
        return None
    cols = [c for c in ("coef_id", "x_en", "y_en", "r_published") if c in published.columns]
    return stats.published_family(published[cols], n=n, alpha=alpha, power=float(PLAN["power"]))


FINDINGS_COLUMNS = [
    "test_family", "plan_entry", "plan_role", "finding", "linked_set", "x", "y", "x_scale", "y_scale", "n", "r", "ci_low",
    "ci_high", "p_perm", "p_perm_se", "null", "r_null_mean", "p_set", "p_set_se", "p_finding", "p_finding_se",
    "p_holm", "p_by", "m_family", "survives_holm", "survives_by", "p_holm_study", "p_by_study", "m_study",
    "holds_after_correction", "boot_low", "boot_high", "influential_region", "r_without_influential",
    "p_perm_without_influential", "cooks_d_influential", "cooks_d_max_region", "cooks_d_max", "loo_r_min",
    "loo_region_min", "loo_r_max", "loo_region_max", "towards_zero_region", "r_towards_zero",
    "p_without_towards_zero", "away_region", "r_away", "p_without_away", "rests_on_one_region",
    "masked_by_one_region", "sign_changes_without_one", "n_without_cities", "r_without_cities", "p_without_cities",
    "p_without_cities_se", "changes_without_cities", "flags"]


def findings_table(results: pd.DataFrame, subsets: bool = False) -> pd.DataFrame:
    """One row per pair of the public families (primary r beside the Spearman sensitivity), strongest first.

    ``subsets=False``: pairs over all regions; ``True``: pairs on a subset (flagged, ranked among themselves).
    """
    prim = results[(results["role"] == "primary") & results["family"].isin(PUBLIC_FAMILIES)
                   & results["r"].notna() & (results["subset"] == subsets)]
    sens = results[results["role"] == "sensitivity"].set_index(["family", "x", "y"])
    out = prim[FINDINGS_COLUMNS].copy()
    keys = list(zip(prim["family"], prim["x"], prim["y"], strict=True))
    out.insert(out.columns.get_loc("p_perm") + 1, "rho", sens["r"].reindex(keys).to_numpy())
    out.insert(out.columns.get_loc("rho") + 1, "p_rho", sens["p"].reindex(keys).to_numpy())
    return out.reindex(out["r"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def report_table(results: pd.DataFrame) -> pd.DataFrame:
    """The report's pairs (primary method): published r beside the recomputed one where the inputs exist."""
    rep = results[(results["family"] == "report") & (results["role"] == "primary")]
    cols = ["coef_id", "plan_entry", "plan_role", "x", "y", "r_published", "n", "r", "ci_low", "ci_high", "p_perm",
            "p_perm_se", "p_holm", "p_by", "p_holm_study", "p_by_study", "influential_region",
            "r_without_influential", "loo_r_min", "loo_r_max", "r_without_cities", "specifications_tried",
            "nearest_specification", "r_nearest_specification", "flags", "note"]
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


# --- what the report's coefficients can and cannot be ------------------------------------------------------------

SPECIFICATIONS: tuple[str, ...] = tuple(
    next(e for e in PLAN["entries"] if e["family"] == "report").get("specifications", ()))


def _specification(data: pd.DataFrame, x: str, y: str, spec: str, cities: Sequence[str]) -> tuple[float, int]:
    """r and n of one specification of a report pair (see the plan's ``specifications``)."""
    a, b = data[x].to_numpy(float), data[y].to_numpy(float)
    keep = np.isfinite(a) & np.isfinite(b)
    method = "spearman" if spec.endswith("_spearman") else "pearson"
    if spec.startswith("log_"):
        a, b = on_scale(a, "log"), on_scale(b, "log")
    elif spec.startswith("per_100k_"):
        if _POP not in data.columns:
            return float("nan"), 0
        pop = data[_POP].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            a = a / pop * PER_100K if VARIABLE_BY_KEY[x].kind == "count" and x != _POP else a
            b = b / pop * PER_100K if VARIABLE_BY_KEY[y].kind == "count" and y != _POP else b
    if spec.endswith("_without_cities"):
        keep &= ~np.isin(np.asarray(data.index, dtype=object), list(cities))
    keep &= np.isfinite(a) & np.isfinite(b)
    n = int(keep.sum())
    return (stats._r(a[keep], b[keep], method) if n >= MIN_N else float("nan")), n


def report_specifications(frame: pd.DataFrame, published: pd.DataFrame | None,
                          specifications: Sequence[str] = SPECIFICATIONS) -> pd.DataFrame:
    """Each recomputable report coefficient under every specification of the plan: one row per coefficient and
    specification with n, r, the published r, the difference, and ``nearest`` marking the specification whose r is
    closest to the published value. The study does not claim any of them is the report's method (the report does
    not state it); the table says how near the data come under each."""
    data = analysis_frame(frame)
    cities = city_codes(data.index)
    pub = published.set_index("coef_id")["r_published"] if published is not None and len(published) else {}
    rows = []
    for pair in PAIRS:
        if pair.family != "report" or pair.x not in data.columns or pair.y not in data.columns:
            continue
        for spec in specifications:
            r, n = _specification(data, pair.x, pair.y, spec, cities)
            r_pub = float(pub.get(pair.coef_id, np.nan)) if len(pub) else float("nan")
            rows.append({"coef_id": pair.coef_id, "x": pair.x, "y": pair.y, "specification": spec, "n": n, "r": r,
                         "r_published": r_pub, "r_minus_published": r - r_pub})
    out = pd.DataFrame(rows, columns=["coef_id", "x", "y", "specification", "n", "r", "r_published",
                                      "r_minus_published", "nearest"])
    if out.empty:
        return out
    dist = out["r_minus_published"].abs()
    out["nearest"] = False
    for _, group in out.groupby("coef_id", sort=False):
        d = dist[group.index]
        if d.notna().any():
            out.loc[d.idxmin(), "nearest"] = True
    out["nearest"] = out["nearest"].astype(bool)
    return out


def attach_specifications(results: pd.DataFrame, specs: pd.DataFrame | None) -> pd.DataFrame:
    """The report family's primary rows with ``specifications_tried``, ``nearest_specification`` and
    ``r_nearest_specification`` from :func:`report_specifications`. ``specs`` None: no search was run (a dataset
    that is not the report's transcription has no report coefficients of its own data to come near), and the
    results keep no such columns."""
    out = results.copy()
    if specs is None:
        return out
    out["specifications_tried"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    out["nearest_specification"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    out["r_nearest_specification"] = np.nan
    if specs.empty:
        return out
    tried = specs[specs["r"].notna()].groupby("coef_id")["specification"].agg(", ".join)
    near = specs[specs["nearest"]].set_index("coef_id")
    sel = (out["family"] == "report") & (out["role"] == "primary")
    out.loc[sel, "specifications_tried"] = out.loc[sel, "coef_id"].map(tried)
    out.loc[sel, "nearest_specification"] = out.loc[sel, "coef_id"].map(near["specification"])
    out.loc[sel, "r_nearest_specification"] = out.loc[sel, "coef_id"].map(near["r"])
    return out


# --- what a family can detect --------------------------------------------------------------------------------------

def detectable_effects(results: pd.DataFrame, alpha: float = ALPHA, power: float | None = None) -> pd.DataFrame:
    """The smallest |ρ| each test family detects with the plan's power, unadjusted and at the corrected levels.

    One row per test family and n (subsets vary in n): ``m_family`` findings, ``r_detectable`` at ``alpha``,
    ``r_detectable_family`` at ``alpha / m_family`` and ``r_detectable_study`` at ``alpha / m_study`` — the level
    Holm's first step needs (Bonferroni's), so the detectable effect of the most lenient step of each correction
    (exact power under bivariate normality, :func:`vstudy.analysis.stats.detectable_r`).
    """
    power = float(PLAN["power"]) if power is None else power
    prim = results[(results["role"] == "primary") & results["p_perm"].notna()]
    m_study = int(prim["m_study"].dropna().iloc[0]) if prim["m_study"].notna().any() else 0
    rows = []
    for (fam, n), group in prim.groupby(["test_family", "n"], sort=False):
        m_fam = int(group["m_family"].iloc[0])
        row = {"test_family": fam, "plan_role": family_role(fam), "n": int(n), "m_family": m_fam,
               "m_study": m_study if fam != SUBSET_FAMILY else np.nan, "power": power,
               "r_detectable": float(stats.detectable_r(int(n), power, alpha)),
               "r_detectable_family": float(stats.detectable_r(int(n), power, alpha / m_fam))}
        row["r_detectable_study"] = float(stats.detectable_r(int(n), power, alpha / m_study)) \
            if fam != SUBSET_FAMILY and m_study else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


# --- what the pages mention ------------------------------------------------------------------------------------------

def _truth(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    try:
        return bool(value) and not pd.isna(value)
    except (TypeError, ValueError):
        return False


def study_summary(results: pd.DataFrame, alpha: float = ALPHA) -> dict:
    """The counts a page states about the correlation table (from a results frame or its CSV): full-sample pairs
    and findings, findings per test family and role, findings that hold after correction at the plan's level, those
    that survive only their family's correction, unadjusted findings. Every count is computed here from the table,
    so a page cannot state a count the table does not have."""
    prim = results[(results["role"] == "primary") & pd.to_numeric(results["p_perm"], errors="coerce").notna()]
    full = prim[~prim["subset"].map(_truth)]
    findings = full.drop_duplicates(["test_family", "finding"])
    holds = findings[findings["holds_after_correction"].map(_truth)]
    family_only = findings[findings["survives_holm"].map(_truth) & ~findings["holds_after_correction"].map(_truth)]
    p_finding = pd.to_numeric(findings["p_finding"], errors="coerce")
    return {
        "pairs_full": int(len(full)),
        "findings_full": int(len(findings)),
        "findings_by_family": findings.groupby("test_family", sort=False)["finding"].nunique().to_dict(),
        "findings_confirmatory": int((findings["plan_role"] == CONFIRMATORY).sum()),
        "findings_exploratory": int((findings["plan_role"] == EXPLORATORY).sum()),
        "m_study": int(pd.to_numeric(findings["m_study"], errors="coerce").max()) if len(findings) else 0,
        "holds": int(len(holds)),
        "family_only": int(len(family_only)),
        "unadjusted": int((p_finding <= alpha).sum()),
        "subset_findings": int(prim[prim["subset"].map(_truth)].drop_duplicates(["test_family", "finding"]).shape[0]),
        "decision_method": DECISION["method"], "decision_level": DECISION["level"], "alpha": alpha,
    }


def mentioned_findings(results: pd.DataFrame, strongest: int = 3) -> pd.DataFrame:
    """The findings a page mentions: every full-sample finding that holds after correction or survives its own
    family's correction, then the ``strongest`` other full-sample pairs by |r| outside the report's family. One row
    per pair (primary method) with ``mention`` = ``holds`` | ``family_only`` | ``strongest`` and every column a
    sentence about it needs: the plan role, both corrected p, the leave-one-out range, the carries/masks flags, r
    without the cities and whether the sign or significance changes."""
    prim = results[(results["role"] == "primary") & pd.to_numeric(results["r"], errors="coerce").notna()
                   & ~results["subset"].map(_truth)].copy()
    prim["_abs"] = pd.to_numeric(prim["r"], errors="coerce").abs()
    prim = prim.sort_values("_abs", ascending=False, kind="stable")
    holds = prim["holds_after_correction"].map(_truth)
    fam = prim["survives_holm"].map(_truth) & ~holds
    lead = prim[holds | fam].copy()
    lead["mention"] = np.where(lead["holds_after_correction"].map(_truth), "holds", "family_only")
    rest = prim[~(holds | fam) & (prim["family"] != "report")].head(strongest).copy()
    rest["mention"] = "strongest"
    out = pd.concat([lead, rest]).drop(columns="_abs")
    out["caveat"] = [caveat_of(row) for _, row in out.iterrows()]
    return out.reset_index(drop=True)


def caveat_of(row: pd.Series | dict) -> bool:
    """Whether a finding's sign or significance changes without one region or without the cities."""
    return any(_truth(row.get(c)) for c in ("rests_on_one_region", "masked_by_one_region",
                                            "sign_changes_without_one", "changes_without_cities"))


def plan_families() -> pd.DataFrame:
    """The plan's families with their role (for the methods page)."""
    return pd.DataFrame([{"family": name, "role": fam["role"]} for name, fam in PLAN["families"].items()])


def plan_entries() -> pd.DataFrame:
    """The plan's entries: id, family, role, number of pairs declared and the linked set, if any."""
    counts = pd.Series([p.entry for p in PAIRS]).value_counts()
    return pd.DataFrame([{"plan_entry": e["id"], "family": e["family"], "role": PLAN["families"][e["family"]]["role"],
                          "pairs": int(counts.get(e["id"], 0)), "linked_set": e.get("linked_set")}
                         for e in PLAN["entries"]])


def plan_scales() -> pd.DataFrame:
    """The declared non-default scales with their reasons (the plan's words, in English)."""
    return pd.DataFrame([{"variable": k, "scale": v["scale"], "reason": v["reason"]}
                         for k, v in PLAN["scales"].items() if k != "default"])


def plan_changes() -> pd.DataFrame:
    """The plan's dated changes (English, as committed)."""
    return pd.DataFrame([{"date": str(c["date"]), "commit": c.get("commit"), "change": c["change"],
                          "reason": c["reason"]} for c in PLAN["changes"]])
