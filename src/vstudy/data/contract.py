"""The collection contract for new data: its dataset-level checks and its adapter onto the processed layer.

A researcher's dataset (``vstudy template`` writes one to fill) has a ``regional`` table — one row per unit of
the scheme, counts of volunteers and their breakdowns, organisations, events, hours, and the official indicators
the study uses, each column named with its unit — and an ``events_by_direction`` table (region × direction). The
manifest declares each column's source and reference period::

    tables:
      regional:
        file: regional.csv
        schema: regional
        columns:
          volunteers_count: {source: "Regional front offices, annual returns 2023"}
          population_count: {source: "BNS, population on 1 January", ref_period: 2023-01-01}

The table schemas (columns, units, row rules) are declared in :mod:`vstudy.data.schemas`; this module checks what
crosses a table's rows — the manifest's column declarations, region names against codes, events by direction
against the regional totals, a quantity given by two tables, and the official indicators of a long
``official_indicators`` table (an unknown id, or no accepted reference period, is an error, never a silent drop).

The adapter (:func:`regional_values`, :func:`composition_tables`, :func:`direction_table`) turns the contract into
the values and tables of the processed layer that the 2021 transcription also feeds (:mod:`vstudy.data.processed`
hooks it in): one processed layer, one set of sections, whatever the input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from vstudy import i18n, vocab
from vstudy.data import indicators, regions, schemas
from vstudy.data.problems import Problem
from vstudy.data.schema_model import NATIONAL_CODE
from vstudy.data.schemas import BREAKDOWNS, SHARE_COLUMNS, breakdown_count, breakdown_pct
from vstudy.data.validation import resolve_name, unit_name
from vstudy.vocab import DIRECTIONS, ECO_DIRECTION

MANIFEST = "manifest.yml"
# Which tables of the 2021 shape carry a quantity the contract also carries: given by both, it is an error.
_SAME_QUANTITY: dict[str, tuple[str, ...]] = {
    "volunteers_by_region": ("volunteers_count",),
    "events_by_region": ("events_count",),
    "hours_by_region": ("hours_count",),
    "age_by_region": tuple(c for g in BREAKDOWNS["age"] for c in (breakdown_count(g), breakdown_pct(g))),
    "status_by_region": tuple(c for s in BREAKDOWNS["status"] for c in (breakdown_count(s), breakdown_pct(s))),
    "organisations_by_region": ("ngo_count", "initiative_group_count"),
}
# Rates per 100,000 population of supplied counts: count column → rate column (the names the 2021 tables use).
RATES: dict[str, str] = {
    "volunteers_count": "volunteers_per_100k", "events_count": "events_per_100k", "hours_count": "hours_per_100k",
    "ngo_count": "ngo_per_100k", "initiative_group_count": "initiative_groups_per_100k",
    "organisations_count": "organisations_per_100k",
}
COUNT_TOLERANCE_PCT = 0.5  # events by direction summed vs the region's events_count: a warning beyond this
# Plausibility of hours (check_plausibility): a person has 24 hours a day, so hours beyond 24 per volunteer (or
# per inhabitant) and day of the period cannot be; beyond a full-time week (40 hours, Labour Code of the Republic
# of Kazakhstan, art. 68) per volunteer on average, every week of the period, they are doubtful (a warning).
HOURS_PER_DAY_MAX = 24.0
HOURS_PER_WEEK_WARN = 40.0


def tables_of(ds, schema_name: str) -> list[str]:
    """Manifest names of the tables declared with ``schema_name``."""
    return [n for n, spec in (ds.manifest.get("tables") or {}).items()
            if isinstance(spec, dict) and spec.get("schema", n) == schema_name]


def _first(ds, schema_name: str) -> str | None:
    names = tables_of(ds, schema_name)
    return names[0] if names else None


def value_columns(schema_name: str) -> list[str]:
    """The columns of a contract table that hold values (what the manifest may declare a source for)."""
    skip = {"region_code", "region", "direction", "note", *schemas.REGION_NAME_COLUMNS,
            "direction_label_ru", "direction_label_kk", "direction_label_en"}
    return [c for c in schemas.RAW[schema_name].names if c not in skip]


def _text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def column_meta(ds, name: str) -> dict[str, dict[str, str]]:
    """``tables.<name>.columns`` of the manifest as {column: {source, ref_period}} (text; empty when absent)."""
    spec = (ds.manifest.get("tables") or {}).get(name) or {}
    declared = spec.get("columns") if isinstance(spec, dict) else None
    out: dict[str, dict[str, str]] = {}
    if isinstance(declared, dict):
        for col, meta in declared.items():
            meta = meta if isinstance(meta, dict) else {}
            out[str(col)] = {"source": _text(meta.get("source")), "ref_period": _text(meta.get("ref_period"))}
    return out


# ---------------------------------------------------------------------------------------------------------------
# Dataset-level checks
# ---------------------------------------------------------------------------------------------------------------


def check(ds) -> list[Problem]:
    """Every cross-table check of the contract, and of the official indicators of a long table."""
    problems: list[Problem] = []
    regional = tables_of(ds, "regional")
    if len(regional) > 1:
        problems.append(Problem(MANIFEST, None, "tables", ", ".join(regional), "one_regional_table",
                                f"a dataset has one regional table; the manifest declares {len(regional)}"))
    for schema_name in schemas.CONTRACT_TABLES:
        for name in tables_of(ds, schema_name):
            problems += _check_declarations(ds, name, schema_name)
            if name in ds.tables:
                problems += _check_names(ds, name)
    for name in regional:
        frame = ds.tables.get(name)
        if frame is not None and "region_code" not in frame.columns:
            problems.append(Problem(ds.files[name], 1, "region_code", None, "missing_column",
                                    "the regional table needs a region_code column (ISO codes or names) or a region "
                                    "column (names): which unit is each row?"))

    problems += _check_directions(ds)
    problems += _check_given_twice(ds)
    problems += check_official(ds)
    problems += check_plausibility(ds)
    return problems


@dataclass(frozen=True)
class _Given:
    value: float
    file: str
    line: int
    column: str


def _per_region(ds, column: str, schema_names: tuple[str, ...]) -> dict[str, _Given]:
    """``column`` of each unit from the first table of ``schema_names`` that gives it (units given once only)."""
    out: dict[str, _Given] = {}
    units = set(regions.codes(ds.scheme)) if ds.scheme in regions.SCHEMES else set()
    for schema_name in schema_names:
        for name in tables_of(ds, schema_name):
            frame = ds.tables.get(name)
            if frame is None or column not in frame.columns or "region_code" not in frame.columns:
                continue
            rows = frame.dropna(subset=["region_code", column]).drop_duplicates(subset=["region_code"], keep=False)
            for code, value, line in zip(rows["region_code"], rows[column], rows["_line"], strict=True):
                if code in units:
                    out.setdefault(str(code), _Given(float(value), ds.files[name], int(line), column))
    return out


def _population(ds) -> dict[str, _Given]:
    """Population on 1 January of the period's year: the regional table's population_count, or the preferred
    population_total of an official_indicators table."""
    out = _per_region(ds, "population_count", ("regional",))
    name = _first(ds, "official_indicators")
    frame = ds.tables.get(name) if name else None
    if frame is not None and "region_code" in frame.columns and "value" in frame.columns:
        sel = frame[(frame["indicator"] == "population_total") & (frame["ref_period"] == f"{ds.year}-01-01")
                    & frame["preferred"].fillna(False).astype(bool) & frame["value"].notna()]
        units = set(regions.codes(ds.scheme)) if ds.scheme in regions.SCHEMES else set()
        for code, value, line in zip(sel["region_code"], sel["value"], sel["_line"], strict=True):
            if code in units:  # national rows (KZ) and other schemes' units are not rates' denominators here
                out.setdefault(str(code), _Given(float(value), ds.files[name], int(line), "value"))
    return out


def check_plausibility(ds) -> list[Problem]:
    """Values that each pass their column's range but cannot all be true of one unit.

    ``population_positive``: every per-100k rate divides by the population, so it must be > 0 (an error).
    ``volunteers_le_population``: no more volunteers than inhabitants (an error). ``hours_per_volunteer``: hours
    of the period per volunteer and day above :data:`HOURS_PER_DAY_MAX` cannot be (an error); above a full-time
    week of :data:`HOURS_PER_WEEK_WARN` hours on average they are doubtful (a warning, kept in
    validation_findings). ``hours_per_day``: hours per inhabitant and day above :data:`HOURS_PER_DAY_MAX` cannot be
    (an error, also where no volunteer count is given).
    """
    try:
        start, end = (_as_day(ds.period.get("start")), _as_day(ds.period.get("end")))
    except (TypeError, ValueError):
        return []
    days = (end - start).days + 1
    if days <= 0:
        return []
    problems: list[Problem] = []
    population = _population(ds)
    volunteers = _per_region(ds, "volunteers_count", ("regional", "volunteers_by_region"))
    hours = _per_region(ds, "hours_count", ("regional", "hours_by_region"))

    def add(given: _Given, rule: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(given.file, given.line, given.column, f"{given.value:g}", rule, message, severity))

    for code in sorted(population):
        pop = population[code]
        if pop.value <= 0:
            add(pop, "population_positive", f"the population of {code} {unit_name(code)} is {pop.value:g}: every "
                "per-100k rate divides by it, so it must be more than 0")
    for code in sorted(volunteers):
        vol, pop = volunteers[code], population.get(code)
        if pop is not None and pop.value > 0 and vol.value > pop.value:
            add(vol, "volunteers_le_population", f"{vol.value:,.0f} volunteers in {code} {unit_name(code)} but "
                f"{pop.value:,.0f} inhabitants ({pop.file}:{pop.line})")
    for code in sorted(hours):
        hrs, vol, pop = hours[code], volunteers.get(code), population.get(code)
        if vol is not None and vol.value > 0:
            per_day = hrs.value / vol.value / days
            if per_day > HOURS_PER_DAY_MAX:
                add(hrs, "hours_per_volunteer", f"{hrs.value:,.0f} hours by {vol.value:,.0f} volunteers in {days} days "
                    f"is {per_day:,.1f} hours per volunteer a day: more than the {HOURS_PER_DAY_MAX:g} hours a day "
                    "has")
                continue
            if per_day * 7 > HOURS_PER_WEEK_WARN:
                add(hrs, "hours_per_volunteer", f"{hrs.value:,.0f} hours by {vol.value:,.0f} volunteers in {days} days "
                    f"is {per_day * 7:,.1f} hours per volunteer a week on average, more than a full-time week of "
                    f"{HOURS_PER_WEEK_WARN:g} hours: check the hours and the volunteer count", "warning")
        elif vol is not None and vol.value == 0 and hrs.value > 0:
            add(hrs, "hours_per_volunteer", f"{hrs.value:,.0f} hours of volunteer work in {code} "
                f"{unit_name(code)} where volunteers_count is 0")
            continue
        if pop is not None and pop.value > 0 and hrs.value / pop.value / days > HOURS_PER_DAY_MAX:
            add(hrs, "hours_per_day", f"{hrs.value:,.0f} hours in {days} days is "
                f"{hrs.value / pop.value / days:,.1f} hours a day for every one of the {pop.value:,.0f} inhabitants "
                f"of {code} {unit_name(code)}: more than the {HOURS_PER_DAY_MAX:g} hours a day has")
    problems += _check_national_hours(ds, days)
    return problems


def _check_national_hours(ds, days: int) -> list[Problem]:
    """The national hours and volunteers a report states (headline_figures): the same bounds per volunteer."""
    name = _first(ds, "headline_figures")
    frame = ds.tables.get(name) if name else None
    if frame is None or not {"figure_id", "value"} <= set(frame.columns):
        return []
    given = frame.dropna(subset=["value"]).drop_duplicates(subset=["figure_id"], keep=False).set_index("figure_id")
    if "hours_6_months" not in given.index or "volunteers_total" not in given.index:
        return []
    hrs, vol = float(given.at["hours_6_months", "value"]), float(given.at["volunteers_total", "value"])
    if vol <= 0:
        return []
    per_day = hrs / vol / days
    line = int(given.at["hours_6_months", "_line"])
    if per_day > HOURS_PER_DAY_MAX:
        return [Problem(ds.files[name], line, "value", f"{hrs:g}", "hours_per_volunteer",
                        f"hours_6_months = {hrs:,.0f} by volunteers_total = {vol:,.0f} in {days} days is "
                        f"{per_day:,.1f} hours per volunteer a day: more than the {HOURS_PER_DAY_MAX:g} hours a day has")]
    if per_day * 7 > HOURS_PER_WEEK_WARN:
        return [Problem(ds.files[name], line, "value", f"{hrs:g}", "hours_per_volunteer",
                        f"hours_6_months = {hrs:,.0f} by volunteers_total = {vol:,.0f} in {days} days is "
                        f"{per_day * 7:,.1f} hours per volunteer a week, more than a full-time week of "
                        f"{HOURS_PER_WEEK_WARN:g} hours", "warning")]
    return []


def _as_day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _check_declarations(ds, name: str, schema_name: str) -> list[Problem]:
    """The manifest's ``columns`` of a contract table: known columns, a source for each, accepted periods."""
    problems: list[Problem] = []
    spec = (ds.manifest.get("tables") or {}).get(name) or {}
    declared = spec.get("columns")
    where = f"tables.{name}.columns"

    def add(column, value, rule, message):
        problems.append(Problem(MANIFEST, None, column, value, rule, f"{where}: {message}"))

    if declared is not None and not isinstance(declared, dict):
        add(None, None, "manifest", "must map a column to {source, ref_period}")
        return problems
    accepted = value_columns(schema_name)
    meta = column_meta(ds, name)
    for col, entry in (declared or {}).items():
        if str(col) not in accepted:
            add(str(col), str(col), "unknown_column",
                f"{col!r} is not a column of {schema_name}; accepted: {', '.join(accepted)}")
        elif not isinstance(entry, dict):
            add(str(col), None, "manifest", f"{col}: expected {{source: ..., ref_period: ...}}")
        else:
            for key in ("source", "ref_period"):
                if isinstance(entry.get(key), list | dict):
                    add(str(col), None, "manifest", f"{col}: {key} must be text, not a "
                        f"{'list' if isinstance(entry[key], list) else 'mapping'}")
    frame = ds.tables.get(name)
    if frame is None:
        return problems
    year = ds.year
    for col in accepted:
        if col not in frame.columns or not frame[col].notna().any():
            continue
        info = meta.get(col, {"source": "", "ref_period": ""})
        if not info["source"]:
            add(col, None, "column_source",
                f"{col} has values but no declared source: add {col}: {{source: \"...\"}} (every number needs "
                "its provenance)")
        ref = info["ref_period"]
        spec_ = indicators.BY_CONTRACT.get(col)
        if spec_ is not None:
            if not ref:
                add(col, None, "ref_period",
                    f"{col} has values but no declared ref_period; accepted for a dataset starting in {year}: "
                    f"{spec_.accepted(year)}")
            elif not spec_.accepts(ref, year):
                add(col, ref, "ref_period",
                    f"{col}: reference period {ref!r} is not the one the study reads for a dataset starting in "
                    f"{year}; accepted: {spec_.accepted(year)} ({indicators.describe_period(spec_.period)})")
        elif ref and ref != ds.period_label:
            add(col, ref, "ref_period",
                f"{col}: reference period {ref!r} differs from the dataset's period {ds.period_label!r}; counts "
                "of the collection are of the dataset's period (leave ref_period out or give the period label)")
    return problems


def _check_names(ds, name: str) -> list[Problem]:
    """Region names written beside the code (by the template) must name the same unit: a row out of place shows."""
    frame = ds.tables[name]
    problems: list[Problem] = []
    if "region_code" not in frame.columns:
        return problems
    for col in schemas.REGION_NAME_COLUMNS:
        if col not in frame.columns:
            continue
        rows = frame[frame[col].notna() & frame["region_code"].notna()]
        for given, code, line in zip(rows[col], rows["region_code"], rows["_line"], strict=True):
            given, code = str(given), str(code)
            found = _try_resolve(given)
            if found != code:
                what = f"names {found} {unit_name(found)}" if found else "does not resolve"
                problems.append(Problem(ds.files[name], int(line), col, given,
                                        "region_names_agree",
                                        f"{col} {given!r} {what}, but the row is {code} {unit_name(code)}: is the "
                                        "row out of place?"))
    return problems


def _try_resolve(name: str) -> str | None:
    """:func:`regions.try_resolve` through the validator's cache (a long table repeats the same names)."""
    try:
        return resolve_name(name)
    except regions.RegionNotFound:
        return None


def _check_directions(ds) -> list[Problem]:
    """Events by direction against the region's events_count of the regional table."""
    ev_name, reg_name = _first(ds, "events_by_direction"), _first(ds, "regional")
    events, regional = ds.tables.get(ev_name) if ev_name else None, ds.tables.get(reg_name) if reg_name else None
    if events is None or regional is None or "events_count" not in regional.columns or events.empty \
            or "region_code" not in events.columns or "events_count" not in events.columns \
            or "region_code" not in regional.columns:
        return []
    # A unit given twice was reported (region_once); its totals are ambiguous and take no part here.
    keyed = regional.dropna(subset=["region_code"]).drop_duplicates(subset=["region_code"], keep=False)
    totals = keyed.set_index("region_code")["events_count"]
    problems: list[Problem] = []
    given = events.dropna(subset=["region_code", "events_count"])
    for _, row in given.iterrows():
        total = totals.get(row["region_code"])
        if total is not None and pd.notna(total) and row["events_count"] > total:
            problems.append(Problem(ds.files[ev_name], int(row["_line"]), "events_count", str(row["events_count"]),
                                    "breakdown_le_total",
                                    f"{row['direction']} events = {row['events_count']} exceed the region's "
                                    f"events_count = {total} ({ds.files[reg_name]})"))
    for code, group in given.groupby("region_code", sort=True):
        total = totals.get(code)
        if total is None or pd.isna(total):
            continue
        summed = int(group["events_count"].sum())
        if abs(summed - int(total)) > COUNT_TOLERANCE_PCT / 100 * int(total) + 1e-9:
            problems.append(Problem(ds.files[ev_name], int(group["_line"].min()), "events_count", str(summed),
                                    "parts_sum_to_total",
                                    f"events by direction of {code} {unit_name(code)} sum to {summed}, its "
                                    f"events_count is {int(total)} ({ds.files[reg_name]}; difference beyond "
                                    f"{COUNT_TOLERANCE_PCT:g} %)", "warning"))
    return problems


def _check_given_twice(ds) -> list[Problem]:
    """A quantity supplied by the contract and by a table of the 2021 shape: which one counts? Refuse both."""
    reg_name = _first(ds, "regional")
    regional = ds.tables.get(reg_name) if reg_name else None
    problems: list[Problem] = []
    if regional is None:
        return problems
    supplied = {c for c in regional.columns if c in schemas.RAW["regional"].names and regional[c].notna().any()}
    for schema_name, cols in _SAME_QUANTITY.items():
        both = sorted(supplied & set(cols))
        for other in tables_of(ds, schema_name):
            if both:
                problems.append(Problem(MANIFEST, None, "tables", other, "given_twice",
                                        f"{', '.join(both)} of {ds.files.get(reg_name, reg_name)} and table {other!r} "
                                        f"({ds.files.get(other, '')}) give the same quantity: keep one"))
    ev_name = _first(ds, "events_by_direction")
    if ev_name and ds.tables.get(ev_name) is not None and ds.tables[ev_name]["events_count"].notna().any():
        for other in tables_of(ds, "event_directions_by_region"):
            problems.append(Problem(MANIFEST, None, "tables", other, "given_twice",
                                    f"events_by_direction ({ds.files[ev_name]}) and {other!r} both give the events "
                                    "of each direction: keep one"))
    ind_name = _first(ds, "official_indicators")
    official = ds.tables.get(ind_name) if ind_name else None
    if official is not None and "region_code" in official.columns:
        regional_rows = official[official["region_code"].isin(regions.codes(ds.scheme))]
        for col in sorted(supplied & set(indicators.BY_CONTRACT)):
            spec = indicators.BY_CONTRACT[col]
            rows = regional_rows[regional_rows["indicator"] == spec.indicator]
            if len(rows):
                problems.append(Problem(ds.files[ind_name], int(rows["_line"].min()), "indicator", spec.indicator,
                                        "given_twice",
                                        f"{spec.indicator} is in this table and in column {col} of "
                                        f"{ds.files[reg_name]}: keep one"))
    return problems


def _indicator_labels(frame, file: str, meta, meta_file: str | None) -> list[Problem]:
    """A WARNING for each indicator of ``frame`` and language with no label for readers: neither the study's
    ``labels`` catalogue nor the dataset's ``indicators_meta`` (its ``label_<lang>`` column) has one, so the
    pages show the id. Named by the meta row and column where it would go, else by the indicator's first row."""
    problems: list[Problem] = []
    by_id = {}
    if meta is not None and "indicator" in meta.columns:
        by_id = {str(row["indicator"]): row for _, row in meta.iterrows()}
    for indicator, group in frame.groupby("indicator", sort=True):
        for lang in i18n.LANGS:
            if i18n.has(lang, f"labels.term.{indicator}") or i18n.has(lang, f"labels.column.{indicator}"):
                continue
            row = by_id.get(str(indicator))
            column = f"label_{lang}"
            given = None if row is None else row.get(column)
            if isinstance(given, str) and given.strip():
                continue
            if row is not None and meta_file:
                where = (meta_file, int(row["_line"]) if "_line" in row else None, column)
            else:
                where = (file, int(group["_line"].min()), "indicator")
            problems.append(Problem(
                where[0], where[1], where[2], str(indicator), "indicator_label",
                f"indicator {indicator!r} has no label in {lang}: the pages of that edition show its id; give it "
                f"in column {column} of the dataset's indicators_meta table", severity="warning"))
    return problems


def check_official(ds) -> list[Problem]:
    """A long official_indicators table: every id known, and each wide indicator with a period the study reads.

    Known ids are those :mod:`vstudy.data.indicators` declares and those the dataset's official_indicators_meta
    describes. An indicator given for the scheme's units with no accepted reference period would vanish from the
    study without a word: it is an error that names the periods given and the ones accepted.
    """
    name = _first(ds, "official_indicators")
    frame = ds.tables.get(name) if name else None
    if frame is None or "region_code" not in frame.columns:
        return []
    meta_name = _first(ds, "official_indicators_meta")
    meta = ds.tables.get(meta_name) if meta_name else None
    known = set(indicators.BY_INDICATOR) | (set(meta["indicator"].dropna()) if meta is not None else set())
    problems: list[Problem] = []
    label = ds.files[name]
    for indicator, group in frame.groupby("indicator", sort=True):
        if indicator not in known:
            problems.append(Problem(
                label, int(group["_line"].min()), "indicator", str(indicator), "indicator_known",
                f"indicator {indicator!r} ({len(group)} row(s)) is not one the study reads and is not described in "
                f"an official_indicators_meta table; accepted: {', '.join(sorted(indicators.BY_INDICATOR))}"))
    problems += _indicator_labels(frame, label, meta, ds.files.get(meta_name) if meta_name else None)
    year = ds.year
    rows = frame[frame["preferred"].fillna(False).astype(bool) & frame["region_code"].notna()
                 & (frame["region_code"] != NATIONAL_CODE)
                 & frame["ref_period"].notna()]  # a ref_period that failed its date rule was reported already
    for spec in indicators.WIDE:
        sub = rows[rows["indicator"] == spec.indicator]
        if sub.empty:
            continue
        periods = sorted(set(sub["ref_period"]))
        fitting = [p for p, g in sub.groupby("ref_period", sort=True)
                   if indicators.group_fits_scheme(set(g["region_code"]), p, ds.scheme)]
        if indicators.select_period(spec, fitting, year) is not None:
            continue
        off_scheme = sorted(set(periods) - set(fitting))
        note = f"; on another scheme's territory: {', '.join(off_scheme)}" if off_scheme else ""
        problems.append(Problem(
            label, int(sub["_line"].min()), "ref_period", ", ".join(periods), "indicator_period",
            f"{spec.indicator}: reference period(s) {', '.join(periods)} given, none is read for a dataset of "
            f"{ds.scheme} starting in {year}{note}; accepted: {spec.accepted(year)} "
            f"({indicators.describe_period(spec.period)}); column {spec.column} would be empty"))
    return problems


def population_codes(ds) -> tuple[str, set[str] | None] | None:
    """(file, units with a population_count) from the regional table, or None when it has no such column.

    The set is None when the rows cannot be keyed (no region column: reported already).
    """
    name = _first(ds, "regional")
    frame = ds.tables.get(name) if name else None
    if frame is not None and "region_code" not in frame.columns:
        return ds.files[name], None
    if frame is None or "population_count" not in frame.columns or not frame["population_count"].notna().any():
        return None
    have = frame.dropna(subset=["population_count", "region_code"])
    return ds.files[name], set(have["region_code"])


# ---------------------------------------------------------------------------------------------------------------
# The adapter: the contract → values and tables of the processed layer
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One region-level value, as processed records it (``wide``: its column in regions_<scheme>, or False)."""

    code: str
    variable: str
    value: float
    unit: str
    kind: str
    source: str
    ref_period: str | None = None
    wide: str | bool = True


def _where(ds, name: str, row, column: str, meta: dict[str, dict[str, str]]) -> str:
    declared = meta.get(column, {}).get("source", "")
    return f"{ds.files[name]}:{int(row['_line'])} column {column}" + (f" ({declared})" if declared else "")


def regional_values(ds, name: str) -> list[Value]:
    """Every value of the regional table: official indicators, supplied counts, and what is derived from them.

    Shares of a breakdown: supplied (…_pct), or derived as 100 × count / the sum of the breakdown's counts when
    the row gives all of them, else / volunteers_count; rounded to 4 decimals. organisations_count = ngo_count +
    initiative_group_count and ngo_share_pct = 100 × ngo_count / organisations_count where both are given.
    Per-100k rates are left to the processed layer (it has the population of every route).
    """
    frame = ds.tables[name]
    meta = column_meta(ds, name)
    out: list[Value] = []
    rows = frame.dropna(subset=["region_code"])
    for _, row in rows.iterrows():
        code = row["region_code"]

        def num(col: str, row=row):
            return row[col] if col in frame.columns and pd.notna(row[col]) else None

        for col, spec in indicators.BY_CONTRACT.items():
            value = num(col)
            if value is not None:
                ref = meta.get(col, {}).get("ref_period", "")
                out.append(Value(code, spec.indicator, float(value), vocab.measure_unit_id(spec.unit), "official",
                                 _where(ds, name, row, col, meta), ref, spec.wide_name(ref)))
        for col, (unit, _what) in schemas.CONTRACT_COUNTS.items():
            if num(col) is not None:
                out.append(Value(code, col, float(num(col)), unit, "supplied", _where(ds, name, row, col, meta)))
        ngo, groups = num("ngo_count"), num("initiative_group_count")
        if ngo is not None and groups is not None:
            where = f"{ds.files[name]}:{int(row['_line'])}"
            out.append(Value(code, "organisations_count", float(ngo + groups), "count", "derived",
                             f"derived: ngo_count + initiative_group_count ({where})"))
            if ngo + groups > 0:
                out.append(Value(code, "ngo_share_pct", round(100 * ngo / (ngo + groups), 4), "percent", "derived",
                                 f"derived: 100 × ngo_count / (ngo_count + initiative_group_count) ({where})"))
        for group, cats in BREAKDOWNS.items():
            counts = {c: num(breakdown_count(c)) for c in cats}
            whole = sum(counts.values()) if all(v is not None for v in counts.values()) else None
            total = num("volunteers_count")
            for c in cats:
                if counts[c] is not None:
                    out.append(Value(code, breakdown_count(c), float(counts[c]), "volunteers", "supplied",
                                     _where(ds, name, row, breakdown_count(c), meta)))
                share = num(breakdown_pct(c))
                if share is not None:
                    out.append(Value(code, SHARE_COLUMNS[c], float(share), "percent", "supplied",
                                     _where(ds, name, row, breakdown_pct(c), meta)))
                    continue
                if counts[c] is None:
                    continue
                where = f"{ds.files[name]}:{int(row['_line'])}"
                if whole:
                    out.append(Value(code, SHARE_COLUMNS[c], round(100 * counts[c] / whole, 4), "percent", "derived",
                                     f"derived: 100 × {breakdown_count(c)} / the sum of the {group} counts ({where})"))
                elif total:
                    out.append(Value(code, SHARE_COLUMNS[c], round(100 * counts[c] / total, 4), "percent", "derived",
                                     f"derived: 100 × {breakdown_count(c)} / volunteers_count ({where})"))
    return out


def composition_tables(values: list[Value], units: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The processed ``age`` and ``status`` tables from the regional values (only where the dataset has shares)."""
    shares = pd.DataFrame([{"region_code": v.code, "variable": v.variable, "value": v.value, "kind": v.kind}
                           for v in values if v.variable in SHARE_COLUMNS.values()],
                          columns=["region_code", "variable", "value", "kind"])
    out: dict[str, pd.DataFrame] = {}
    base = units[["region_code", "region_name_en"]]
    for table, group in (("age", "age"), ("status", "status")):
        cols = [SHARE_COLUMNS[c] for c in BREAKDOWNS[group]]
        sub = shares[shares["variable"].isin(cols)]
        if sub.empty:
            continue
        wide = sub.pivot(index="region_code", columns="variable", values="value").reindex(columns=cols)
        wide = base.merge(wide.reset_index(), on="region_code", how="left")
        complete = wide[cols].notna().all(axis=1)
        summed = wide[cols].sum(axis=1).round(6).where(complete)
        if table == "age":
            kinds = sub[sub["variable"] == SHARE_COLUMNS["pension"]].set_index("region_code")["kind"]
            wide["vol_age_pension_pct_published"] = float("nan")
            wide["pension_correction"] = [
                {"supplied": "as supplied", "derived": "derived from the supplied counts"}.get(kinds.get(c), "absent")
                for c in wide["region_code"]]
            wide["sum_published_pct"] = float("nan")
            wide["sum_corrected_pct"] = summed
        else:
            wide["sum_pct"] = summed
        names = [c.name for c in schemas.PROCESSED[table].columns]
        frame = wide[names].copy()
        for c in names:
            if c.endswith("_pct"):
                frame[c] = frame[c].astype("Float64")
        out[table] = frame
    return out


def direction_table(ds, name: str) -> tuple[pd.DataFrame | None, list[Value]]:
    """event_directions from the supplied counts (share of the region's events), and their long values."""
    frame = ds.tables[name]
    given = frame.dropna(subset=["region_code", "events_count"])
    values: list[Value] = []
    if given.empty:
        return None, values
    order = {d: i for i, d in enumerate(DIRECTIONS)}
    rows = []
    for code, group in given.groupby("region_code", sort=True):
        total = int(group["events_count"].sum())
        records = group[["_line", "direction", "events_count"]].to_dict("records")
        ranked = sorted(records, key=lambda r: (-int(r["events_count"]), order[r["direction"]]))
        for rank, r in enumerate(ranked, start=1):
            direction, events = r["direction"], int(r["events_count"])
            where = f"{ds.files[name]}:{int(r['_line'])}"
            share = round(100 * events / total, 4) if total > 0 else None
            rows.append({"region_code": code, "direction_id": direction, "rank": rank, "label_as_published": None,
                         "share_pct": share, "source": where, "events_count": events})
            values.append(Value(code, f"events_{direction}_count", float(events), "events", "supplied", where,
                                wide=False))
            if share is not None:
                values.append(Value(code, f"events_{direction}_pct", share, "percent", "derived",
                                    f"derived: 100 × events of {direction} / events of all directions given "
                                    f"({ds.files[name]})", wide=False))
            if direction == ECO_DIRECTION:
                values.append(Value(code, "eco_events_count", float(events), "events", "supplied", where))
    out = pd.DataFrame(rows)
    out = out[out["share_pct"].notna()]
    if out.empty:
        return None, values
    out = out.astype({"rank": "Int64", "events_count": "Int64", "share_pct": "Float64",
                      "label_as_published": "str"})
    out["label_as_published"] = None
    return out.reset_index(drop=True), values
