"""The processed layer: tidy, analysis-ready tables built from a validated dataset, written atomically.

``vstudy data`` writes, for a dataset on scheme ``<scheme>`` (kz2021 or kz2022), each table as ``.parquet`` and
``.csv`` (columns are documented in ``data_dictionary.md``, generated from :mod:`vstudy.data.schemas`):

Per scheme (one row per unit, or long by unit)
    ``regions_<scheme>``            the wide analysis table, one row per unit (columns carry their unit)
    ``long_<scheme>``               every region-level value: scheme, region_code, variable, ref_period, value,
                                    unit, value_kind, source
    ``coverage_<scheme>``           one row per wide column: variable, period, unit, how many units have it
    ``age_<scheme>``                age shares per unit, published and corrected (pension list, erratum E01)
    ``status_<scheme>``             social-status shares per unit
    ``organisations_<scheme>``      NGO / initiative-group counts reconstructed from the published shares
    ``event_directions_<scheme>``   share of each unit's events by direction (long)
    ``event_counts_<scheme>``       event counts per unit and direction reconstructed from those shares
    ``national_shares_<scheme>``    national shares by age group, gender and status: published, and implied by
                                    the supplied volunteer counts
Dataset-wide
    ``event_directions_national_corrected``  national event shares with the truncated one derived
    ``official_national``           the national rows of the official indicators (e.g. the national wage)
    ``errata_evaluated``            the errata register with the result of evaluating its rules
    ``validation_findings``         the warnings validation left (known errata)
    the raw national, quote and information-line tables, typed (``age_national``, ``gender_national``,
    ``gender_extremes``, ``status_national``, ``event_directions_national``, ``org_directions_partial``,
    ``ways_of_volunteering``, ``participant_category_quotes``, ``info_line_totals``, ``info_line_channels``,
    ``info_line_categories``, ``info_line_monthly``, ``headline_figures``, ``correlations_published``,
    ``official_indicators_meta``), whichever the dataset has
    ``data_dictionary.md`` / ``data_dictionary.csv``, ``dataset.json`` (manifest, input checksums), ``manifest.json``
    (the manifest alone), ``README.md``

Two inputs, one layer: the 2021 transcription (ranked lists, shares of national totals: ``_age``, ``_status``,
``_organisations``, ``_event_directions`` below) and the collection contract (:mod:`vstudy.data.contract`: counts
per region, events by direction) are both adapted onto these same tables, so the sections read one shape.

Atomicity: everything is written into a temporary directory beside the target and then exchanged with it in
one ``renameat2(RENAME_EXCHANGE)`` (two renames where the kernel lacks it), so a reader, a failed validation,
an exception or a kill never leaves a half-written layer. Determinism: fixed row and column order, Parquet
without index metadata or timestamps, CSV with LF line endings and shortest round-trip float formatting, and no
clock anywhere: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vstudy import vocab
from vstudy.data import atomic, contract, datasets, indicators, owned, parsing, paths, regions, schemas
from vstudy.data.datasets import Dataset, InvalidDataset, table_by_schema
from vstudy.data.dictionary import data_dictionary, data_dictionary_markdown
from vstudy.data.errata import translation_columns as errata_translation_columns
from vstudy.data.problems import Problem, problems_frame
from vstudy.data.schema_model import NATIONAL_CODE
from vstudy.data.validation import check_frame

RATIO_TOLERANCE_PCT = 0.01  # the reconstructed within-region NGO share must match the published one this closely
MAX_EVENTS_PER_REGION = 100_000  # the event-count reconstruction searches totals up to this many events a region

PASS_THROUGH = (
    "age_national", "gender_national", "gender_extremes", "status_national", "event_directions_national",
    "org_directions_partial", "ways_of_volunteering", "participant_category_quotes", "info_line_totals",
    "info_line_channels", "info_line_categories", "info_line_monthly", "headline_figures",
    "correlations_published", "official_indicators_meta",
)

AGE_COLUMNS = {"under18": "vol_age_under18_pct", "18_29": "vol_age_18_29_pct",
               "30_to_pension": "vol_age_30_to_pension_pct", "pension": "vol_age_pension_pct_published"}
STATUS_COLUMNS = {"students": "vol_students_pct", "working": "vol_working_pct",
                  "unemployed": "vol_unemployed_pct", "neet": "vol_neet_pct"}
# The age shares the analysis uses: the pension share as corrected by the data layer (``vol_age_pension_pct``).
AGE_SHARE_COLUMNS = {**{k: v for k, v in AGE_COLUMNS.items() if k != "pension"}, "pension": "vol_age_pension_pct"}
PENSION_AS_PUBLISHED = "as published"  # age_<scheme>.pension_correction when the pension list is used as published


# ---------------------------------------------------------------------------------------------------------------
# Official indicators → wide columns
# ---------------------------------------------------------------------------------------------------------------


# The declarations live in vstudy.data.indicators (ids, wide columns, units, period rules); these names stay for
# the readers of this module.
OfficialColumn = indicators.OfficialIndicator
OFFICIAL_COLUMNS = indicators.WIDE
KZ2022_SPLIT_DATE = indicators.KZ2022_SPLIT_DATE
_period_start = indicators.period_start
_group_fits_scheme = indicators.group_fits_scheme
_select_period = indicators.select_period


# ---------------------------------------------------------------------------------------------------------------
# Reconstructing integer organisation counts
# ---------------------------------------------------------------------------------------------------------------


def reconstruct_counts(shares: pd.DataFrame, ngo_total: int, group_total: int,
                       tolerance: float = RATIO_TOLERANCE_PCT) -> pd.DataFrame:
    """Integer NGO and group counts per region from the published shares.

    ``shares`` has region_code, ngo_share_of_region_pct (p), region_share_of_national_ngo_pct (s) and
    region_share_of_national_groups_pct (t). Each region's counts (n, g) are searched near the estimates
    N·s/100 and G·t/100 among pairs whose ratio 100·n/(n+g) is within ``tolerance`` of p; one pair per region
    is then chosen by dynamic programming so that Σn = N and Σg = G exactly while the reconstructed national
    shares stay closest to the published ones. A region with no pair meeting p is not forced: it gets the
    nearest pair and ``reproduces_published = False`` (an erratum candidate), never a fudged value.
    """
    rows = shares.sort_values("region_code").reset_index(drop=True)
    for radius in (3, 8, 20):
        options: list[list[tuple[float, int, int, bool]]] = []
        for r in rows.itertuples(index=False):
            est_n = ngo_total * float(r.region_share_of_national_ngo_pct) / 100
            est_g = group_total * float(r.region_share_of_national_groups_pct) / 100
            pairs = []
            for n in range(max(0, math.floor(est_n) - radius), math.ceil(est_n) + radius + 1):
                for g in range(max(0, math.floor(est_g) - radius), math.ceil(est_g) + radius + 1):
                    if n + g == 0:
                        continue
                    ok = abs(100 * n / (n + g) - float(r.ngo_share_of_region_pct)) <= tolerance + 1e-9
                    cost = (abs(100 * n / ngo_total - float(r.region_share_of_national_ngo_pct))
                            + abs(100 * g / group_total - float(r.region_share_of_national_groups_pct)))
                    pairs.append((round(cost, 9), n, g, ok))
            good = [p for p in pairs if p[3]]
            # Without a pair that meets the ratio, fall back to all pairs with a large penalty.
            options.append(sorted(good) if good else sorted((c + 1000, n, g, ok) for c, n, g, ok in pairs))
        best = _choose(options, ngo_total, group_total)
        if best is not None:
            break
    else:
        raise ValueError(f"no integer counts summing to {ngo_total} and {group_total} near the published shares")
    out = rows[["region_code", "ngo_share_of_region_pct", "group_share_of_region_pct",
                "region_share_of_national_ngo_pct", "region_share_of_national_groups_pct"]].copy()
    out["ngo_count"] = pd.array([c[1] for c in best], dtype="Int64")
    out["initiative_group_count"] = pd.array([c[2] for c in best], dtype="Int64")
    out["organisations_count"] = out["ngo_count"] + out["initiative_group_count"]
    ratio = 100 * out["ngo_count"].astype("Float64") / out["organisations_count"].astype("Float64")
    out["ngo_share_pct_reconstructed"] = ratio.round(6)
    out["ngo_share_diff_pct"] = (ratio - out["ngo_share_of_region_pct"]).round(6)
    out["national_ngo_share_pct_reconstructed"] = (100 * out["ngo_count"].astype("Float64") / ngo_total).round(6)
    out["national_groups_share_pct_reconstructed"] = (
        100 * out["initiative_group_count"].astype("Float64") / group_total).round(6)
    out["reproduces_published"] = pd.array([bool(c[3]) for c in best], dtype="boolean")
    return out


def _choose(options, ngo_total: int, group_total: int):
    """Pick one option per region with Σn, Σg equal to the totals at least cost (deterministic ties)."""
    states: dict[tuple[int, int], tuple[float, tuple[int, ...]]] = {(0, 0): (0.0, ())}
    remaining_max = [(sum(max(o[1] for o in opts) for opts in options[i:]),
                      sum(max(o[2] for o in opts) for opts in options[i:])) for i in range(len(options))]
    for i, opts in enumerate(options):
        nxt: dict[tuple[int, int], tuple[float, tuple[int, ...]]] = {}
        rest_n, rest_g = remaining_max[i + 1] if i + 1 < len(options) else (0, 0)
        for (sn, sg), (cost, picks) in sorted(states.items()):
            for j, (c, n, g, _ok) in enumerate(opts):
                key = (sn + n, sg + g)
                if key[0] > ngo_total or key[1] > group_total:
                    continue
                if key[0] + rest_n < ngo_total or key[1] + rest_g < group_total:
                    continue
                cand = (round(cost + c, 9), picks + (j,))
                if key not in nxt or cand < nxt[key]:
                    nxt[key] = cand
        states = nxt
    final = states.get((ngo_total, group_total))
    if final is None:
        return None
    return [options[i][j] for i, j in enumerate(final[1])]


# ---------------------------------------------------------------------------------------------------------------
# Reconstructing event counts from the rounded shares of each region's list of directions
# ---------------------------------------------------------------------------------------------------------------


def _consistent(shares: np.ndarray, n: int, decimals: int) -> np.ndarray | None:
    """Counts k with round(100 k / n, decimals) == share for every share, or None."""
    k = np.rint(shares * n / 100.0).astype(int)
    tol = 0.5 * 10.0 ** (-decimals) + 1e-9
    if np.all(np.abs(100.0 * k / n - shares) <= tol):
        return k
    return None


def smallest_denominator(shares, decimals: int = 2, max_n: int = MAX_EVENTS_PER_REGION,
                         require_sum: bool = True) -> tuple[int, np.ndarray]:
    """The smallest n (and the counts k) such that every share equals 100 k_i / n rounded to ``decimals``.

    With ``require_sum`` the counts must also add up to n (the shares are one region's complete list).
    Raises ValueError when no n up to ``max_n`` fits.
    """
    values = np.asarray(list(shares), dtype=float)
    if values.size == 0 or np.isnan(values).any():
        raise ValueError("shares must be a non-empty list without missing values")
    for n in range(1, max_n + 1):
        k = _consistent(values, n, decimals)
        if k is not None and (not require_sum or int(k.sum()) == n):
            return n, k
    raise ValueError(f"no denominator up to {max_n} reproduces the shares {values.tolist()}")


def reconstruct_event_counts(lists: pd.DataFrame, decimals: int = 2,
                             max_n: int = MAX_EVENTS_PER_REGION) -> pd.DataFrame:
    """Per region, the smallest event total consistent with all its published shares, and the implied counts.

    ``lists`` has region_code, direction_id and share_pct (one region's rows in its published order). Returns
    one row per (region, direction): region_code, direction_id, share_pct, events_count, region_events_count and
    recomputed_share_pct (100 × events / region events, unrounded). A region whose shares no total up to
    ``max_n`` reproduces keeps its rows with empty counts: a gap, never a forced value.
    """
    rows = []
    for region, group in lists.groupby("region_code", sort=True):
        shares = group["share_pct"].to_numpy(dtype=float)
        try:
            n, k = smallest_denominator(shares, decimals=decimals, max_n=max_n)
        except ValueError:
            n, k = None, [None] * len(group)
        for direction, share, events in zip(group["direction_id"], shares, k, strict=True):
            rows.append({"region_code": region, "direction_id": direction, "share_pct": float(share),
                         "events_count": None if events is None else int(events), "region_events_count": n,
                         "recomputed_share_pct": None if events is None else 100.0 * int(events) / n})
    out = pd.DataFrame(rows, columns=[c.name for c in schemas.PROCESSED["event_counts"].columns])
    for col in ("events_count", "region_events_count"):
        out[col] = out[col].astype("Int64")
    out["recomputed_share_pct"] = out["recomputed_share_pct"].astype("Float64")
    return out


# ---------------------------------------------------------------------------------------------------------------
# Building the tables
# ---------------------------------------------------------------------------------------------------------------


def _src(ds: Dataset, table: str, row) -> str:
    where = f"{ds.files[table]}:{int(row['_line'])}"
    if "source_line" in row and pd.notna(row["source_line"]):
        where += f" (report line {int(row['source_line'])})"
    return where


class _Records:
    """Collects region-level values; the long table is these rows, the wide table their pivot."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.rows: list[dict] = []

    def add(self, code, variable, value, unit, kind, source, ref_period=None, wide=True):
        if value is None or pd.isna(value):
            return
        self.rows.append({"scheme": self.ds.scheme, "region_code": code, "variable": variable,
                          "ref_period": ref_period or self.ds.period_label, "value": float(value), "unit": unit,
                          "value_kind": kind, "source": source, "_wide": variable if wide is True else (wide or None)})


def build(ds: Dataset) -> dict[str, pd.DataFrame]:
    """All processed tables of a valid dataset, keyed by output name (without extension)."""
    if not ds.ok:
        raise InvalidDataset(ds)
    scheme = ds.scheme
    units = regions.units(scheme)[["code", "name_en", "name_ru"]].rename(
        columns={"code": "region_code", "name_en": "region_name_en", "name_ru": "region_name_ru"})
    rec = _Records(ds)
    out: dict[str, pd.DataFrame] = {}

    # Process data: official indicators first (population is needed for every rate).
    ind_name = table_by_schema(ds, "official_indicators")
    population = _official(ds, ind_name, rec) if ind_name else {}
    # The collection contract (vstudy.data.contract): its official columns join the same records.
    reg_name = table_by_schema(ds, "regional")
    reg_values = contract.regional_values(ds, reg_name) if reg_name else []
    for v in reg_values:
        rec.add(v.code, v.variable, v.value, v.unit, v.kind, v.source, ref_period=v.ref_period or None, wide=v.wide)
        if v.wide == "population_count":
            population[v.code] = int(v.value)
    _official_derived(ds, rec, population)
    if ind_name:
        out["official_national"] = _official_national(ds, ind_name)

    age_name = table_by_schema(ds, "age_by_region")
    if age_name:
        out[f"age_{scheme}"] = _age(ds, age_name, units, rec)
    status_name = table_by_schema(ds, "status_by_region")
    if status_name:
        out[f"status_{scheme}"] = _status(ds, status_name, units, rec)
    org_name = table_by_schema(ds, "organisations_by_region")
    if org_name:
        out[f"organisations_{scheme}"] = _organisations(ds, org_name, units, rec, population)
    ev_name = table_by_schema(ds, "event_directions_by_region")
    if ev_name:
        out[f"event_directions_{scheme}"] = _event_directions(ds, ev_name, rec)
        out[f"event_counts_{scheme}"] = reconstruct_event_counts(out[f"event_directions_{scheme}"])
    for schema_name, column in schemas.OPTIONAL_COUNT_TABLES.items():
        name = table_by_schema(ds, schema_name)
        if name:
            _supplied_counts(ds, name, column, rec, population)
    for v in reg_values:
        if v.variable in contract.RATES and v.wide is True:
            _per_100k(rec, population, v.code, contract.RATES[v.variable], int(v.value), v.variable, ds)
    for table, frame in contract.composition_tables(reg_values, units).items():
        out[f"{table}_{scheme}"] = frame
    dir_name = table_by_schema(ds, "events_by_direction")
    if dir_name:
        directions, dir_values = contract.direction_table(ds, dir_name)
        for v in dir_values:
            rec.add(v.code, v.variable, v.value, v.unit, v.kind, v.source, ref_period=v.ref_period, wide=v.wide)
        if directions is not None:
            out[f"event_directions_{scheme}"] = directions

    long = pd.DataFrame(rec.rows)
    wide_rows = long[long["_wide"].notna()]
    wide = wide_rows.pivot(index="region_code", columns="_wide", values="value")
    wide = units.merge(wide.reset_index(), on="region_code", how="left")
    out[f"regions_{scheme}"] = _order_wide(wide)
    out[f"coverage_{scheme}"] = _coverage(wide_rows, len(units))
    long = long.drop(columns="_wide").sort_values(["variable", "region_code", "ref_period"], kind="stable")
    out[f"long_{scheme}"] = long.reset_index(drop=True)
    national = _national_shares(ds, out.get(f"age_{scheme}"), out.get(f"status_{scheme}"), out[f"regions_{scheme}"])
    if len(national):
        out[f"national_shares_{scheme}"] = national

    nat_name = table_by_schema(ds, "event_directions_national")
    if nat_name:
        out["event_directions_national_corrected"] = _event_national_corrected(ds.tables[nat_name])
    out["errata_evaluated"] = _errata_evaluated(ds)
    out["published_values"] = _published_values(ds)
    out["validation_findings"] = problems_frame(ds.warnings)
    for name in PASS_THROUGH:
        table = table_by_schema(ds, name)
        if table and table in ds.tables:
            out[name] = ds.tables[table].drop(columns="_line").reset_index(drop=True)
    return out


NATIONAL_DIMENSIONS = (  # (dimension, raw national table, its key column, categories, per-region table columns)
    ("age_group", "age_national", "age_group", vocab.AGE_GROUPS, AGE_SHARE_COLUMNS),
    ("gender", "gender_national", "gender", vocab.GENDERS, {}),
    ("status", "status_national", "status", vocab.STATUSES, STATUS_COLUMNS),
)


def _national_shares(ds: Dataset, age: pd.DataFrame | None, status: pd.DataFrame | None,
                     wide: pd.DataFrame) -> pd.DataFrame:
    """National shares per category: as published, and implied by the supplied per-region volunteer counts.

    ``implied_pct`` is Σ share_r × volunteers_r / Σ volunteers_r over the units that have every share of the
    dimension and a volunteer count (the age shares with the corrected pension share). It is derived, never
    a published value: ``published_pct`` holds only what the dataset's national tables publish.
    """
    per_region = {"age_group": age, "status": status}
    weights = wide.set_index("region_code")["volunteers_count"] if "volunteers_count" in wide.columns else None
    rows = []
    for dimension, table, key, categories, columns in NATIONAL_DIMENSIONS:
        name = table_by_schema(ds, table)
        published = ds.tables[name].set_index(key)["share_pct"] if name and name in ds.tables else None
        implied = None
        shares = per_region.get(dimension)
        if weights is not None and shares is not None and columns:
            frame = shares.set_index("region_code")[list(columns.values())].astype("float64")
            w = weights.reindex(frame.index).astype("float64")
            usable = frame.notna().all(axis=1) & w.notna()
            if usable.any():
                implied = (frame[usable].mul(w[usable], axis=0).sum() / w[usable].sum()).round(6)
                implied.index = list(columns)
        known = list(published.index) if published is not None else []
        for cat in [c for c in categories] + sorted(set(known) - set(categories)):
            pub = None if published is None or cat not in published.index else published[cat]
            imp = None if implied is None or cat not in implied.index else implied[cat]
            if (pub is not None and pd.notna(pub)) or imp is not None:
                rows.append({"dimension": dimension, "category": cat, "published_pct": pub, "implied_pct": imp})
    out = pd.DataFrame(rows, columns=[c.name for c in schemas.PROCESSED["national_shares"].columns])
    for col in ("published_pct", "implied_pct"):
        out[col] = out[col].astype("Float64")
    return out


def _official(ds: Dataset, name: str, rec: _Records) -> dict[str, int]:
    frame = ds.tables[name]
    frame = frame[frame["preferred"].fillna(False).astype(bool) & frame["region_code"].notna()
                  & (frame["region_code"] != NATIONAL_CODE)]
    population: dict[str, int] = {}
    chosen: dict[tuple[str, str], str] = {}  # (indicator, ref_period) -> wide column
    for spec in OFFICIAL_COLUMNS:
        sub = frame[frame["indicator"] == spec.indicator]
        fitting = sorted(p for p, g in sub.groupby("ref_period")
                         if _group_fits_scheme(set(g["region_code"]), p, ds.scheme))
        period = _select_period(spec, fitting, ds.year)
        if period is not None:
            year = re.match(r"\d{4}", period)
            chosen[(spec.indicator, period)] = spec.column.format(year=year.group(0) if year else "")
    for (indicator, period), group in frame.groupby(["indicator", "ref_period"], sort=True):
        if not _group_fits_scheme(set(group["region_code"]), period, ds.scheme):
            continue
        for _, row in group.iterrows():
            wide = chosen.get((indicator, period), False)
            source = f"{ds.files[name]}:{int(row['_line'])} ({row['source_id']}; {row['location']})"
            rec.add(row["region_code"], indicator, row["value"], row["unit"], "official", source,
                    ref_period=period, wide=wide)
            if wide == "population_count":
                population[row["region_code"]] = int(row["value"])
    return population


def _official_derived(ds: Dataset, rec: _Records, population: dict[str, int]) -> None:
    """Population density and doctors per 100k from the official values recorded (either route)."""
    pop_period = f"{ds.year}-01-01"
    for column, indicator, unit, factor, label in (
        ("population_density_per_km2", "area", "persons per km2", 1, "population_count / area_km2"),
        ("doctors_per_100k", "doctors_all_specialties", "per 100k population", 1e5,
         "doctors_count / population_count × 100,000"),
    ):
        base = {r["region_code"]: r for r in rec.rows if r["variable"] == indicator and r["_wide"]}
        for code, r in sorted(base.items()):
            if code in population and r["value"]:
                value = (population[code] / r["value"]) if indicator == "area" else r["value"] / population[code] * factor
                rec.add(code, column, round(value, 4), unit, "derived",
                        f"derived: {label} (population {pop_period}; {r['source'].split(' (')[0]})",
                        ref_period=r["ref_period"])


def _official_national(ds: Dataset, name: str) -> pd.DataFrame:
    """The national rows of the official indicators (preferred values), e.g. the national wage section 06 uses."""
    frame = ds.tables[name]
    frame = frame[frame["preferred"].fillna(False).astype(bool) & (frame["region_code"] == NATIONAL_CODE)]
    out = pd.DataFrame({
        "indicator": frame["indicator"].astype(str), "ref_period": frame["ref_period"].astype(str),
        "value": frame["value"].astype(float), "unit": frame["unit"].astype(str),
        "source": [f"{ds.files[name]}:{int(line)} ({sid})" for line, sid in zip(frame["_line"], frame["source_id"],
                                                                              strict=True)],
    })
    return out.sort_values(["indicator", "ref_period"], kind="stable").reset_index(drop=True)


def _per_100k(rec: _Records, population: dict[str, int], code: str, column: str, count: int, source: str,
              ds: Dataset) -> None:
    if code in population and population[code] > 0:
        rec.add(code, column, round(count / population[code] * 1e5, 4), "per 100k population", "derived",
                f"derived: {source} / population {ds.year}-01-01 × 100,000")


def _age(ds: Dataset, name: str, units: pd.DataFrame, rec: _Records) -> pd.DataFrame:
    frame = ds.tables[name]
    wide = frame.pivot(index="region_code", columns="age_group", values="share_pct").rename(columns=AGE_COLUMNS)
    wide = units[["region_code", "region_name_en"]].merge(wide.reset_index(), on="region_code", how="left")
    # Is the published pension list a copy of another list? Then it carries no information: derive the share.
    duplicated = _copies_another_list(frame, "pension")
    others = wide[["vol_age_under18_pct", "vol_age_18_29_pct", "vol_age_30_to_pension_pct"]].sum(axis=1)
    residual = (100 - others).round(2)
    erratum = next((p.erratum for p in ds.warnings if p.rule == "distinct_lists" and p.file == ds.files[name]), None)
    if duplicated:
        wide["vol_age_pension_pct"] = residual
        how = "100 − (under18 + 18_29 + 30_to_pension): the published pension list duplicates another" + (
            f" (erratum {erratum})" if erratum else "")
    else:
        wide["vol_age_pension_pct"] = wide["vol_age_pension_pct_published"]
        how = PENSION_AS_PUBLISHED
    wide["pension_correction"] = how
    wide["sum_published_pct"] = wide[list(AGE_COLUMNS.values())].sum(axis=1).round(6)
    wide["sum_corrected_pct"] = (others + wide["vol_age_pension_pct"]).round(6)
    for _, row in frame.iterrows():
        rec.add(row["region_code"], AGE_COLUMNS[row["age_group"]], row["share_pct"], "percent", "published",
                _src(ds, name, row))
    lines = frame.groupby("region_code")["_line"].apply(lambda s: ",".join(str(v) for v in sorted(s)))
    for _, row in wide.iterrows():
        kind = "corrected" if duplicated else "published"
        rec.add(row["region_code"], "vol_age_pension_pct", row["vol_age_pension_pct"], "percent", kind,
                f"{kind}: {how}; {ds.files[name]} lines {lines.get(row['region_code'], '')}")
    cols = [c.name for c in schemas.PROCESSED["age"].columns]
    return wide[cols]


def _copies_another_list(frame: pd.DataFrame, group: str) -> bool:
    """True when the ranked list of ``group`` equals another age group's list (same ranks, units and values)."""
    def signature(g: pd.DataFrame) -> list[tuple]:
        return sorted(zip(g["rank"], g["region_code"], g["share_pct"], strict=True))

    lists = {k: signature(g) for k, g in frame.groupby("age_group", sort=True)}
    return group in lists and any(v == lists[group] for k, v in lists.items() if k != group)


def _status(ds: Dataset, name: str, units: pd.DataFrame, rec: _Records) -> pd.DataFrame:
    frame = ds.tables[name]
    wide = frame.pivot(index="region_code", columns="status", values="share_pct").rename(columns=STATUS_COLUMNS)
    wide = units[["region_code", "region_name_en"]].merge(wide.reset_index(), on="region_code", how="left")
    wide["sum_pct"] = wide[list(STATUS_COLUMNS.values())].sum(axis=1).round(6)
    for _, row in frame.iterrows():
        rec.add(row["region_code"], STATUS_COLUMNS[row["status"]], row["share_pct"], "percent", "published",
                _src(ds, name, row))
    return wide[[c.name for c in schemas.PROCESSED["status"].columns]]


def _national_total(ds: Dataset, figure_id: str) -> tuple[int, str]:
    name = table_by_schema(ds, "headline_figures")
    frame = ds.tables.get(name) if name else None
    if frame is None or not (frame["figure_id"] == figure_id).any():
        raise InvalidDataset(_with_problem(ds, Problem(
            ds.files.get(name or "", "manifest.yml"), None, "figure_id", figure_id, "national_total",
            f"organisations_by_region needs headline_figures with figure_id {figure_id!r}")))
    row = frame[frame["figure_id"] == figure_id].iloc[0]
    return int(row["value"]), _src(ds, name, row)


def _with_problem(ds: Dataset, problem: Problem) -> Dataset:
    ds.problems.append(problem)
    return ds


def _organisations(ds: Dataset, name: str, units: pd.DataFrame, rec: _Records,
                   population: dict[str, int]) -> pd.DataFrame:
    frame = ds.tables[name]
    ngo_total, ngo_src = _national_total(ds, "ngo_total")
    group_total, group_src = _national_total(ds, "initiative_groups_total")
    counts = reconstruct_counts(frame, ngo_total, group_total)
    for _, row in frame.iterrows():
        src = _src(ds, name, row)
        rec.add(row["region_code"], "ngo_share_pct", row["ngo_share_of_region_pct"], "percent", "published", src)
        for col in ("group_share_of_region_pct", "region_share_of_national_ngo_pct",
                    "region_share_of_national_groups_pct"):
            rec.add(row["region_code"], col, row[col], "percent", "published", src, wide=False)
    lines = frame.set_index("region_code")["_line"]
    for _, row in counts.iterrows():
        code = row["region_code"]
        how = (f"derived: integer counts summing to {ngo_total} ({ngo_src}) and {group_total} ({group_src}) that "
               f"reproduce the shares of {ds.files[name]}:{int(lines[code])}")
        for col in ("ngo_count", "initiative_group_count", "organisations_count"):
            rec.add(code, col, row[col], "count", "derived", how)
        for col, rate in (("ngo_count", "ngo_per_100k"), ("initiative_group_count", "initiative_groups_per_100k"),
                          ("organisations_count", "organisations_per_100k")):
            _per_100k(rec, population, code, rate, int(row[col]), col, ds)
    out = units[["region_code", "region_name_en"]].merge(counts, on="region_code", how="left")
    return out[[c.name for c in schemas.PROCESSED["organisations"].columns]]


def _event_directions(ds: Dataset, name: str, rec: _Records) -> pd.DataFrame:
    frame = ds.tables[name].copy()
    frame["source"] = [_src(ds, name, row) for _, row in frame.iterrows()]
    for _, row in frame.iterrows():
        rec.add(row["region_code"], f"events_{row['direction_id']}_pct", row["share_pct"], "percent", "published",
                row["source"], wide=False)
    cols = [c.name for c in schemas.PROCESSED["event_directions"].columns if c.name in frame.columns]
    return frame.sort_values(["region_code", "rank"])[cols].reset_index(drop=True)


def _event_national_corrected(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["direction_id", "label_as_published", "share_pct"]].rename(columns={"share_pct": "share_pct_published"})
    missing = out["share_pct_published"].isna()
    derived = round(100 - float(out["share_pct_published"].sum(skipna=True)), 2)
    if int(missing.sum()) == 1:
        out["share_pct"] = out["share_pct_published"].where(~missing, derived)
        out["derivation"] = ["100 − the other shares (truncated in the source)" if m else "as published"
                             for m in missing]
    else:  # nothing or too much is missing to derive a single value
        out["share_pct"] = out["share_pct_published"]
        out["derivation"] = "as published"
    return out.reset_index(drop=True)


def _supplied_counts(ds: Dataset, name: str, column: str, rec: _Records, population: dict[str, int]) -> None:
    for _, row in ds.tables[name].iterrows():
        src = f"{ds.files[name]}:{int(row['_line'])}"
        rec.add(row["region_code"], column, row[column], column.removesuffix("_count"), "supplied", src)
        rate = column.replace("_count", "_per_100k")
        _per_100k(rec, population, row["region_code"], rate, int(row[column]), column, ds)


def _order_wide(wide: pd.DataFrame) -> pd.DataFrame:
    """Columns in schema order (unknown ones, e.g. cash_income_<year>_…, after them in name order); typed."""
    declared = [c.name for c in schemas.PROCESSED["regions"].columns]
    cols = [c for c in declared if c in wide.columns] + sorted(c for c in wide.columns if c not in declared)
    wide = wide[cols].copy()
    int_cols = {c.name for c in schemas.PROCESSED["regions"].columns if c.dtype == "int"}
    int_cols |= {c.column for c in OFFICIAL_COLUMNS if c.dtype == "int"}
    for c in cols[3:]:
        wide[c] = wide[c].astype("Int64" if c in int_cols else "Float64")
    return wide.sort_values("region_code").reset_index(drop=True)


def _coverage(rows: pd.DataFrame, n_units: int) -> pd.DataFrame:
    grouped = rows.groupby("_wide", sort=True)
    out = pd.DataFrame({
        "column": list(grouped.groups),
        "variable": grouped["variable"].first().to_list(),
        "ref_period": grouped["ref_period"].first().to_list(),
        "unit": grouped["unit"].first().to_list(),
        "value_kind": grouped["value_kind"].first().to_list(),
        "n_regions": grouped["region_code"].nunique().astype("Int64").to_list(),
    })
    out["n_regions"] = out["n_regions"].astype("Int64")
    out["n_units"] = pd.array([n_units] * len(out), dtype="Int64")
    out["complete"] = (out["n_regions"] == out["n_units"]).astype("boolean")
    return out


def _errata_evaluated(ds: Dataset) -> pd.DataFrame:
    cols = [c.name for c in schemas.PROCESSED["errata_evaluated"].columns]
    name = table_by_schema(ds, "errata")
    if not name or name not in ds.tables:
        return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "violations_explained" else "str") for c in cols})
    frame = ds.tables[name]
    counts: dict[str, int] = {}
    for p in ds.warnings:
        for e in (p.erratum or "").split(", "):
            if e:
                counts[e] = counts.get(e, 0) + 1
    out = frame[["erratum_id", "file", "rows", "rule_id", "description_en", "evidence", "source_lines",
                 "correction"]].copy()
    for column in errata_translation_columns():  # each edition's text, where the register gives it
        out[column] = frame[column] if column in frame.columns else pd.Series([None] * len(frame), index=frame.index,
                                                                               dtype="object")
    out["violations_explained"] = pd.array([counts.get(e, 0) for e in out["erratum_id"]], dtype="Int64")
    out["status"] = ["detected" if counts.get(e) else "recorded" for e in out["erratum_id"]]
    return out[cols].reset_index(drop=True)


# Numbers written in words in the report's prose («в двух регионах», «три региона»).
_NUMBER_WORDS = {1: ("один", "одна", "одного"), 2: ("два", "две", "двух"), 3: ("три", "трёх", "трех"),
                 4: ("четыре", "четырёх"), 5: ("пять", "пяти")}
_PRINTED_NUMBER = re.compile(r"\d+(?:[ \u00a0]\d{3})*(?:,\d+)?")
_SCALE_WORDS = (("млрд", 1e9), ("млн", 1e6), ("тыс", 1e3))
_NOT_VALUES = {"rank", "order_in_text", "source_line"}


def _as_printed(raw: str, value: float, quote: str | None) -> str:
    """The number as the report prints it: found in the transcribed sentence when there is one (with its
    thousands spaces, decimal comma or scale word), else the transcribed cell with a decimal comma."""
    if quote:
        for m in _PRINTED_NUMBER.finditer(quote):
            token = m.group(0)
            number = float(token.replace(" ", "").replace("\u00a0", "").replace(",", "."))
            if math.isclose(number, value, rel_tol=1e-12, abs_tol=1e-12):
                return token
            after = quote[m.end():m.end() + 6].strip().lower()
            for word, factor in _SCALE_WORDS:
                if after.startswith(word) and math.isclose(number * factor, value, rel_tol=1e-9):
                    return f"{token} {word}."
        words = _NUMBER_WORDS.get(int(value), ()) if float(value).is_integer() else ()
        for word in words:
            if re.search(rf"(?<![а-яё]){word}(?![а-яё])", quote.lower()):
                return word
    return raw.replace(".", ",")


def _published_values(ds: Dataset) -> pd.DataFrame:
    """Every numeric cell with a ``source_line`` of the dataset's raw tables (see schema ``published_values``)."""
    cols = [c.name for c in schemas.PROCESSED["published_values"].columns]
    rows: list[dict] = []
    for schema_name, schema in schemas.RAW.items():
        name = table_by_schema(ds, schema_name)
        frame = ds.tables.get(name) if name else None
        if frame is None or "source_line" not in frame.columns or not frame["source_line"].notna().any():
            continue
        text_ = parsing.decode_csv_bytes((ds.root / ds.files[name]).read_bytes(), ds.files[name])
        csv_ = parsing.split_csv(text_)
        records = dict(csv_.records)
        position = {h: i for i, h in enumerate(csv_.header)}
        numeric = [c.name for c in schema.columns
                   if c.dtype in ("float", "int") and c.name not in _NOT_VALUES and c.name in frame.columns]
        quote_col = next((c for c in ("quote_ru", "description_ru", "wording_ru") if c in frame.columns), None)
        item_cols = [k for k in schema.keys if k not in ("rank", "region_as_published")]
        for _, row in frame.iterrows():
            if pd.isna(row["source_line"]):
                continue
            record = records[int(row["_line"])]
            code = row.get("region_code") if "region_code" in frame.columns else None
            code = None if code is None or pd.isna(code) or code == NATIONAL_CODE else str(code)
            item = "/".join(str(row[k]) for k in item_cols) or None
            quote = str(row[quote_col]) if quote_col and pd.notna(row[quote_col]) else None
            for col in numeric:
                if pd.isna(row[col]):
                    continue
                raw = record[position[col]].strip()
                rows.append({"table": schema_name, "item": item, "region_code": code, "column": col,
                             "value": float(row[col]), "as_printed": _as_printed(raw, float(row[col]), quote),
                             "source_line": int(row["source_line"]), "file_row": int(row["_line"])})
    out = pd.DataFrame(rows, columns=cols)
    out["value"] = out["value"].astype("Float64")
    for c in ("source_line", "file_row"):
        out[c] = out[c].astype("Int64")
    for c in ("table", "item", "region_code", "column", "as_printed"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------


def _check_outputs(ds: Dataset, tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Validate the built tables against the processed schemas before anything is swapped in."""
    problems = []
    for name, frame in tables.items():
        base = re.sub(rf"_{ds.scheme}$", "", name)
        schema = schemas.PROCESSED.get(base)
        if schema is None:
            continue
        problems += [p for p in check_frame(frame.copy(), schema, f"{name}.csv", ds.scheme)
                     if p.severity == "error"]
    return problems


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # No index metadata, no timestamps; statistics and dictionary encoding are deterministic for fixed rows.
    pq.write_table(table, path, compression="zstd", write_statistics=True, use_dictionary=True)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8", na_rep="")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _readme(ds: Dataset, names: list[str]) -> str:
    lines = [f"# Processed layer of dataset `{ds.manifest['id']}`", "",
             f"Built by `vstudy data` from `{ds.root.name}` (period {ds.period_label}, scheme {ds.scheme}"
             f"{', SYNTHETIC' if ds.manifest.get('synthetic') else ''}). Do not edit: regenerate.", "",
             "Tables (each as .parquet and .csv; columns in data_dictionary.md):", ""]
    lines += [f"- `{n}`" for n in names]
    lines += ["", "Load them with `vstudy.data.processed.read_table(name)` or `read_processed()`.", ""]
    return "\n".join(lines)


def write_layer(ds: Dataset, out_dir: str | Path, replace: bool = False) -> list[Path]:
    """Build every processed table and swap the whole layer into ``out_dir`` atomically.

    The layer records what it wrote (:data:`vstudy.data.owned.LAYER_MARKER`); a file of the folder it replaces that
    the previous layer did not record (a user's, ``.gitkeep``) is kept in the new one — or raises
    :class:`vstudy.data.owned.Conflict` when the new layer writes a file of its own at that path (``replace``: the
    new one wins). Raises :class:`InvalidDataset` (nothing written) when the dataset or a built table fails its
    schema.
    """
    # Process data.
    tables = build(ds)
    problems = _check_outputs(ds, tables)
    if problems:
        ds.problems += problems
        raise InvalidDataset(ds)

    # Save outputs.
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = atomic.temp_dir(out_dir.parent, prefix=f".{out_dir.name}.building-")
    try:
        for name in sorted(tables):
            _write_parquet(tables[name], tmp / f"{name}.parquet")
            _write_csv(tables[name], tmp / f"{name}.csv")
        (tmp / "data_dictionary.md").write_text(data_dictionary_markdown(), encoding="utf-8")
        _write_csv(data_dictionary(), tmp / "data_dictionary.csv")
        inputs = {rel: _sha256(ds.root / rel) for rel in ds.input_files}
        meta = {"manifest": _jsonable(ds.manifest), "inputs_sha256": inputs, "tables": sorted(tables)}
        (tmp / "dataset.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                          encoding="utf-8")
        # The manifest alone (period, scheme, tables, column sources): sections that read only the manifest
        # declare this file, so a change to one raw table (which changes dataset.json's checksums) spares them.
        # ``transcribes`` is always written (null for a researcher's own data): what the sections say about the
        # published report follows it (vstudy.present.notebook.Study.dataset_facts).
        manifest_facts = {**_jsonable(ds.manifest), "transcribes": ds.manifest.get("transcribes")}
        (tmp / "manifest.json").write_text(json.dumps(manifest_facts, ensure_ascii=False, indent=2,
                                                      sort_keys=True) + "\n", encoding="utf-8")
        (tmp / "README.md").write_text(_readme(ds, sorted(tables)), encoding="utf-8")
        written = owned.walk(tmp)
        if out_dir.is_dir():
            owned.carry_over(out_dir, tmp, owned.layer_written(out_dir) or set(), replace=replace)
        dataset = str(ds.manifest.get("id") or Path(ds.root).name)
        (tmp / owned.LAYER_MARKER).write_text(owned.layer_marker(dataset, written), encoding="utf-8")
        atomic.fsync_tree(tmp)
        atomic.swap_dir(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return sorted(out_dir / rel for rel in [*written, owned.LAYER_MARKER])


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    return obj


# ---------------------------------------------------------------------------------------------------------------
# Reading the layer, the pipeline's data step and `vstudy data`
# ---------------------------------------------------------------------------------------------------------------


def prepare_for_build(data_dir: str | Path | None, processed_dir: str | Path | None,
                      scheme: str | None = None) -> list[Path]:
    """Validate ``data_dir`` and write its processed layer to ``processed_dir``: the pipeline's data step.

    Raises :class:`InvalidDataset` when the data are invalid (the processed layer is then left untouched) and
    ``ValueError`` when ``scheme`` is given and differs from the manifest's.
    """
    ds = datasets.require_valid(data_dir)
    if scheme is not None and scheme != ds.scheme:
        raise ValueError(f"dataset {ds.root} is on scheme {ds.scheme}, the build asked for {scheme}")
    return write_layer(ds, processed_dir if processed_dir is not None else paths.processed_dir())


def read_processed(processed_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table of a processed layer (its Parquet files), keyed by name (e.g. ``regions_kz2021``)."""
    base = Path(processed_dir) if processed_dir is not None else paths.processed_dir()
    return {p.stem: pd.read_parquet(p) for p in sorted(base.glob("*.parquet"))}


def read_table(name: str, processed_dir: str | Path | None = None) -> pd.DataFrame:
    """One processed table by name, e.g. ``read_table("regions_kz2021")`` or ``read_table("headline_figures")``."""
    base = Path(processed_dir) if processed_dir is not None else paths.processed_dir()
    path = base / f"{name}.parquet"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(base.glob("*.parquet"))) or "none"
        raise FileNotFoundError(f"no processed table {name!r} in {base} (tables: {known}); run `vstudy data`")
    return pd.read_parquet(path)


def _cmd_data(args: argparse.Namespace) -> int:
    ds = datasets.load_dataset(args.data)
    datasets.print_problems(ds)
    if not ds.ok:
        print(f"{ds.root}: INVALID ({len(ds.errors)} error(s)); processed layer left unchanged",
              file=sys.stderr)
        return 1
    # Default: the dataset's own output tree (data/processed for data/raw, builds/<name>/processed otherwise).
    out = Path(args.out) if args.out else paths.output_tree(args.data or paths.raw_dir())[0]
    name = f"--out {os.path.normpath(args.out)}" if args.out else f"the processed layer {out}"
    source = Path(args.data).resolve() if args.data else paths.raw_dir()
    try:
        # Before anything is written: never /, the home folder, the repository, the dataset; a folder of its own.
        owned.check_place(Path(out).resolve(), name, root=paths.repo_root(), dataset=source,
                          dataset_is_file=source.is_file())
        owned.check_owned(Path(out).resolve(), name, "layer")
        # The lock a build of the same layer holds (vstudy.publish.pipeline): one writer at a time.
        with atomic.exclusive_lock(atomic.lock_path(Path(out).resolve()), f"pid {os.getpid()}, vstudy data"):
            written = write_layer(ds, out)
    except owned.Refused as exc:
        print(f"vstudy data: {exc}; nothing was written", file=sys.stderr)
        return 2
    except OSError as exc:  # read-only folder, disk full: the previous layer is left as it was
        import errno

        condition = {errno.ENOSPC: "no space left on the device", errno.EROFS: "the file system is read-only",
                     errno.EACCES: "permission denied (read-only?)"}.get(exc.errno, exc.strerror or str(exc))
        print(f"vstudy data: cannot write the processed layer {out}: {condition}; processed layer left unchanged",
              file=sys.stderr)
        return 1
    except atomic.Locked as exc:
        print(f"{out} is being written by another process ({exc.holder or 'unknown'}); processed layer left "
              "unchanged", file=sys.stderr)
        return 4
    except InvalidDataset as exc:  # a built table failed its processed schema, or an input it needs is missing
        datasets.print_problems(exc.dataset)
        print(f"{ds.root}: processing failed ({len(exc.dataset.errors)} error(s)); processed layer left unchanged",
              file=sys.stderr)
        return 1
    print(f"wrote {len(written)} file(s) to {out}")
    return 0

