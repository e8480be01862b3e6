"""Every table of the study declared once: columns, types, units, ranges, keys and row rules.

The same declarations validate the data (:func:`read_and_check`, :func:`check_frame`) and document it
(:func:`data_dictionary`, :func:`data_dictionary_markdown`), so the dictionary the site shows cannot drift from what
``vstudy validate`` enforces.

Why a small declarative layer rather than pandera: the checks that matter here are about *where* a raw value
came from — the CSV line of a hand-transcribed cell, a region name that must resolve through the gazetteer,
a ranked list that must name each unit of the scheme once, a row sum that a known report defect is allowed to
break. Every check returns :class:`Problem` records (file, row = 1-based CSV line with the header on line 1,
column, value, rule, message) and never stops at the first, which is what a reviewer needs to fix a data drop.

Severity: ``error`` makes ``vstudy validate`` exit 1; ``warning`` is printed only. A violated row rule whose
rows are covered by an entry of the dataset's errata register (same file, a rule id the schema rule lists in
``explained_by``, a row selector that matches) becomes a warning "known erratum Exx" instead of an error:
the report's defects are declared, not hidden, and do not block the build.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from vstudy.data import indicators, parsing, regions
from vstudy.vocab import AGE_GROUPS, DIRECTIONS, ECO_DIRECTION, GENDERS, STATUSES

# ---------------------------------------------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One finding. ``row`` is the 1-based CSV line (header = 1); ``None`` when it concerns the whole file."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    severity: str = "error"
    erratum: str | None = None
    sheet: str | None = None  # a workbook's sheet: ``row`` is then the sheet's row (header = 1)
    cell: str | None = None  # the cell reference in that sheet, e.g. "E7"

    def format(self) -> str:
        if self.sheet is not None:
            where = f"{self.file}, sheet {self.sheet!r}" + (f", row {self.row}" if self.row is not None else "")
            col = (f", column {self.column!r}" if self.column else "") + (f" (cell {self.cell})" if self.cell else "")
        else:
            where = self.file + (f":{self.row}" if self.row is not None else "")
            col = f" column {self.column!r}" if self.column else ""
        val = f" value {self.value!r}" if self.value not in (None, "") else ""
        tag = f"known erratum {self.erratum}: " if self.erratum else ""
        return f"{self.severity.upper()} {where}{col}{val} [{self.rule}] {tag}{self.message}"


PROBLEM_COLUMNS = ["file", "row", "column", "value", "rule", "severity", "erratum", "message"]


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """One row per problem; a workbook's sheet and cell go into ``file`` («book.xlsx [regional!E7]»)."""
    problems = list(problems)
    rows = [{k: getattr(p, k) for k in PROBLEM_COLUMNS} for p in problems]
    for row, p in zip(rows, problems, strict=True):
        if p.sheet is not None:
            row["file"] = f"{p.file} [{p.sheet}{'!' + p.cell if p.cell else ''}]"
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    return frame.astype({"row": "Int64"})


# ---------------------------------------------------------------------------------------------------------------
# Declarations
# ---------------------------------------------------------------------------------------------------------------

DTYPES = ("str", "float", "int", "bool")


@dataclass(frozen=True)
class Column:
    """A column: ``dtype`` is one of str/float/int/bool; ``unit`` is free text shown in the dictionary.

    ``percent`` columns accept a decimal comma and a ``%`` sign; ``int`` columns accept thousands separators.
    """

    name: str
    dtype: str
    description: str
    unit: str = ""
    required: bool = True
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    percent: bool = False
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    # Calendar check of a text column: "day" (YYYY-MM-DD), "month" (YYYY-MM) or "ref_period" (see
    # parsing.parse_ref_period); "day_in_period"/"month_in_period" also require the dataset's period.
    date: str | None = None

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise ValueError(f"column {self.name}: dtype {self.dtype!r} not in {DTYPES}")


def pct(name: str, description: str, **kw) -> Column:
    """A share in percent points, [0, 100]."""
    kw.setdefault("min", 0.0)
    kw.setdefault("max", 100.0)
    return Column(name, "float", description, unit="percent", percent=True, **kw)


def count(name: str, description: str, unit: str = "count", **kw) -> Column:
    """A non-negative whole number."""
    kw.setdefault("min", 0)
    return Column(name, "int", description, unit=unit, **kw)


def text(name: str, description: str, **kw) -> Column:
    return Column(name, "str", description, **kw)


def line(name: str = "source_line") -> Column:
    # Optional so that a user's data drop without a text report validates; every 2021 row has one (tested).
    return count(name, "1-based line of the source text where the value is printed "
                 "(for 2021 the report's text layer, see data/raw/report_2021/source.yml)", unit="line", required=False, nullable=True)


@dataclass(frozen=True)
class RegionRule:
    """Names in ``column`` resolve through the gazetteer.

    ``scheme="dataset"``: to units of the dataset's scheme; ``"any"``: to any unit (tables spanning schemes).
    ``complete``: within each ``group_by`` group every unit of the scheme appears exactly once.
    ``unique_within``: extra columns that, with the region, must be unique (e.g. indicator, period).
    ``codes``: the column already holds ISO codes (processed tables).
    """

    column: str
    group_by: tuple[str, ...] = ()
    scheme: str = "dataset"
    complete: bool = True
    allow_national: bool = False
    unique_within: tuple[str, ...] | None = None
    codes: bool = False
    only_where: tuple[str, tuple[str, ...]] | None = None  # (column, values): the rule checks these rows only
    once_only_where: tuple[str, tuple[str, ...]] | None = None  # uniqueness among these rows only
    canonical: bool = False  # the resolved codes become ``region_code`` even when the table has that column

    def describe(self) -> str:
        scope = "each unit of the dataset's scheme exactly once" if self.complete else "units, at most once"
        per = f" per {', '.join(self.group_by)}" if self.group_by else ""
        nat = "; national rows allowed" if self.allow_national else ""
        what = "ISO codes" if self.codes else "names resolve through the gazetteer"
        return f"{self.column}: {what}; {scope}{per}{nat}"


@dataclass(frozen=True)
class GroupSum:
    """``value`` summed over the rows of each ``group_by`` group equals ``target`` within the rounding tolerance.

    The tolerance is part of the declaration: each share is published rounded to ``rounding`` × 2 (0.005 for two
    decimals), so a sum of n of them may be off by n × ``rounding``. ``group_by=()`` sums the whole column.
    ``explained_by`` lists errata rule ids that may declare a violation as a known defect of the source.
    """

    value: str
    group_by: tuple[str, ...]
    target: float = 100.0
    rounding: float = 0.005
    explained_by: tuple[str, ...] = ()
    rule_id: str = "sums_to_100"

    def tolerance(self, n_values: int) -> float:
        return n_values * self.rounding

    def describe(self) -> str:
        per = f"per {', '.join(self.group_by)}" if self.group_by else "over the table"
        return (f"sum of {self.value} {per} = {self.target:g} ± n × {self.rounding:g} "
                f"(n shares each rounded to ±{self.rounding:g})")


@dataclass(frozen=True)
class RowSum:
    """The ``columns`` of each row add up to ``target`` within len(columns) × ``rounding``."""

    columns: tuple[str, ...]
    target: float = 100.0
    rounding: float = 0.005
    explained_by: tuple[str, ...] = ()
    rule_id: str = "row_sums_to_100"

    def describe(self) -> str:
        return (f"{' + '.join(self.columns)} = {self.target:g} ± {len(self.columns)} × {self.rounding:g} per row")


@dataclass(frozen=True)
class DistinctGroups:
    """No two ``group_by`` groups hold identical ``compare`` contents (a list copied under another heading)."""

    group_by: str
    compare: tuple[str, ...]
    explained_by: tuple[str, ...] = ("duplicate_list",)
    rule_id: str = "distinct_lists"

    def describe(self) -> str:
        return f"no two {self.group_by} lists identical in ({', '.join(self.compare)})"


@dataclass(frozen=True)
class PartsWithinTotal:
    """On every row that gives both, each of ``parts`` is at most ``total`` (a breakdown never exceeds its total)."""

    parts: tuple[str, ...]
    total: str
    explained_by: tuple[str, ...] = ()
    rule_id: str = "breakdown_le_total"
    severity: str = "error"

    def describe(self) -> str:
        return f"each of {', '.join(self.parts)} ≤ {self.total} on its row"


@dataclass(frozen=True)
class PartsSumToTotal:
    """On a row that gives every part and the total, |Σ parts − total| ≤ ``tolerance_pct`` % of the total.

    A warning, not an error: a breakdown may legitimately miss a few people (unknown age, say); the warning says
    how far off it is so the collector can decide.
    """

    parts: tuple[str, ...]
    total: str
    tolerance_pct: float = 0.5
    explained_by: tuple[str, ...] = ()
    rule_id: str = "parts_sum_to_total"
    severity: str = "warning"

    def describe(self) -> str:
        return (f"{' + '.join(self.parts)} = {self.total} within {self.tolerance_pct:g} % of {self.total}, "
                "else a warning")


@dataclass(frozen=True)
class SharesSum:
    """The shares of one breakdown on a row sum to ``target`` within rounding.

    Each share typed with d decimals is off by at most half a unit of its last decimal (0.5 × 10^−d), so the
    tolerance is the sum of those halves. When only some shares of the breakdown are given, their sum must not
    exceed the target by more than that tolerance.
    """

    columns: tuple[str, ...]
    target: float = 100.0
    explained_by: tuple[str, ...] = ()
    rule_id: str = "shares_sum_to_100"
    severity: str = "error"

    def describe(self) -> str:
        return (f"{' + '.join(self.columns)} = {self.target:g} per row within rounding (half a unit of each "
                f"share's last decimal); ≤ {self.target:g} when some are empty")


@dataclass(frozen=True)
class CountOrShare:
    """A row gives each category either as a count or as a share (``_pct``), not both."""

    pairs: tuple[tuple[str, str], ...]
    explained_by: tuple[str, ...] = ()
    rule_id: str = "count_or_share"
    severity: str = "error"

    def describe(self) -> str:
        return "a category is given as a count (…_count) or as a share (…_pct) on a row, not both"


Rule = RegionRule | GroupSum | RowSum | DistinctGroups | PartsWithinTotal | PartsSumToTotal | SharesSum | CountOrShare


@dataclass(frozen=True)
class TableSchema:
    """A table: ``layer`` raw|processed; ``keys`` must be unique; ``min_rows`` data rows at least."""

    name: str
    layer: str
    description: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    min_rows: int = 1

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


# ---------------------------------------------------------------------------------------------------------------
# Raw tables (data/raw/<source>/*.csv), in the order of the report
# ---------------------------------------------------------------------------------------------------------------

# Rounding tolerances: a share published to 2 decimals is off by at most 0.005, so n shares summed are off by
# at most n × 0.005. Each rule states its n.
_SRC = line()
_NOTE = text("note", "transcriber's note", required=False, nullable=True)


RAW: dict[str, TableSchema] = {}


def _raw(schema: TableSchema) -> TableSchema:
    RAW[schema.name] = schema
    return schema


_raw(TableSchema(
    "age_national", "raw", "National shares of volunteers by age group, as published (one row per group).",
    (text("age_group", "age group id", allowed=AGE_GROUPS), text("label_ru", "label as published"),
     pct("share_pct", "share of all volunteers of the country"), _SRC),
    keys=("age_group",),
    rules=(GroupSum("share_pct", ()),),
))
_raw(TableSchema(
    "age_by_region", "raw",
    "Four ranked lists (one per age group) of within-region shares of volunteers, long format, as published.",
    (text("age_group", "age group of the list", allowed=AGE_GROUPS), text("list_heading_ru", "heading of the list"),
     count("rank", "rank in the published list", unit="rank", min=1),
     text("region_as_published", "region name exactly as printed"),
     pct("share_pct", "share of the region's volunteers in this age group"), _SRC),
    keys=("age_group", "rank"),
    rules=(RegionRule("region_as_published", group_by=("age_group",)),
           GroupSum("share_pct", ("region_code",), explained_by=("duplicate_list",)),
           DistinctGroups("age_group", ("rank", "region_code", "share_pct"))),
))
_raw(TableSchema(
    "gender_national", "raw", "National shares of volunteers by gender.",
    (text("gender", "gender id", allowed=("male", "female")), text("label_ru", "label as published"),
     pct("share_pct", "share of all volunteers"), _SRC),
    keys=("gender",),
    rules=(GroupSum("share_pct", ()),),
))
_raw(TableSchema(
    "gender_extremes", "raw",
    "Regions with the highest and lowest male share quoted in the prose, and the bounds of the range quoted "
    "for the other regions (rows of kind others_range_*, not regions).",
    (text("region_as_published", "region as printed (inflected), or «остальных регионах» for range rows"),
     pct("male_pct", "male share"), pct("female_pct", "female share"),
     text("extreme", "what the row is",
          allowed=("highest_male_share", "lowest_male_share", "others_range_min", "others_range_max")),
     _SRC, _NOTE),
    keys=("extreme",),
    rules=(RegionRule("region_as_published", complete=False,
                      only_where=("extreme", ("highest_male_share", "lowest_male_share"))),),
))
_raw(TableSchema(
    "status_national", "raw", "National shares of volunteers by social status.",
    (text("status", "status id", allowed=STATUSES), text("label_ru", "label as published"),
     pct("share_pct", "share of all volunteers"), _SRC),
    keys=("status",),
    rules=(GroupSum("share_pct", ()),),
))
_raw(TableSchema(
    "status_by_region", "raw", "Four ranked lists (one per social status) of within-region shares, long format.",
    (text("status", "status of the list", allowed=STATUSES), text("list_heading_ru", "heading of the list"),
     count("rank", "rank in the published list", unit="rank", min=1),
     text("region_as_published", "region name exactly as printed"),
     pct("share_pct", "share of the region's volunteers with this status"), _SRC),
    keys=("status", "rank"),
    rules=(RegionRule("region_as_published", group_by=("status",)),
           GroupSum("share_pct", ("region_code",)),
           DistinctGroups("status", ("rank", "region_code", "share_pct"))),
))
_raw(TableSchema(
    "organisations_by_region", "raw",
    "NGOs and initiative groups: their split within each region and each region's share of the national totals.",
    (text("region_as_published", "region name exactly as printed"),
     pct("ngo_share_of_region_pct", "NGOs as % of the region's NGOs + groups"),
     pct("group_share_of_region_pct", "initiative groups as % of the region's NGOs + groups"),
     pct("region_share_of_national_ngo_pct", "the region's NGOs as % of all NGOs of the country"),
     pct("region_share_of_national_groups_pct", "the region's groups as % of all groups of the country"), _SRC),
    keys=("region_as_published",),
    rules=(RegionRule("region_as_published"),
           RowSum(("ngo_share_of_region_pct", "group_share_of_region_pct")),
           GroupSum("region_share_of_national_ngo_pct", ()),
           GroupSum("region_share_of_national_groups_pct", ())),
))
_raw(TableSchema(
    "event_directions_national", "raw",
    "National shares of volunteer events by direction (Birgemiz programme lines and others).",
    (text("direction_id", "direction id"), text("label_as_published", "label as printed"),
     pct("share_pct", "share of all events; empty where the source is truncated", nullable=True), _SRC, _NOTE),
    keys=("direction_id",),
    rules=(GroupSum("share_pct", (), explained_by=("truncated_label",)),),
))
_raw(TableSchema(
    "event_directions_by_region", "raw", "For each region, the share of its events by direction, in published order.",
    (text("region_as_published", "region name exactly as printed"),
     count("rank", "position in the region's list", unit="rank", min=1),
     text("direction_id", "direction id"), text("label_as_published", "label as printed"),
     pct("share_pct", "share of the region's events"), _SRC),
    keys=("region_as_published", "direction_id"),
    rules=(RegionRule("region_as_published", group_by=("direction_id",)),
           GroupSum("share_pct", ("region_code",))),
))
_raw(TableSchema(
    "org_directions_partial", "raw",
    "What the text keeps of the chart of directions of all organisations: unlabelled values and legend labels.",
    (text("row_kind", "value or legend_label", allowed=("value", "legend_label")),
     count("order_in_text", "order of appearance", unit="rank", min=1),
     text("direction_id", "direction id (legend rows)", nullable=True),
     text("label_as_published", "label (legend rows)", nullable=True),
     pct("share_pct", "unlabelled value (value rows)", nullable=True), _SRC, _NOTE),
    keys=("row_kind", "order_in_text"),
))
_raw(TableSchema(
    "ways_of_volunteering", "raw", "National shares of offline, auto and online volunteering (not exclusive).",
    (text("way", "way id"), text("label_ru", "label as published"), pct("share_pct", "share of events"),
     _SRC, _NOTE),
    keys=("way",),
))
_raw(TableSchema(
    "participant_category_quotes", "raw", "Participant-category leaders and statements quoted in the prose.",
    (text("category", "participant category"), text("region_as_published", "region as printed (inflected)"),
     pct("share_of_events_pct", "share of the region's events, when printed", nullable=True),
     text("statement", "what the prose says (highest, lowest, none, only_once)"),
     text("quote_ru", "the sentence"), _SRC, _NOTE),
    keys=("category", "region_as_published"),
    rules=(RegionRule("region_as_published", group_by=("category",), complete=False),),
))
_raw(TableSchema(
    "info_line_totals", "raw", "Totals and shares stated for the information line.",
    (text("metric", "metric id"), Column("value", "float", "value as published", nullable=True, min=0),
     text("unit", "unit as stated"), text("quote_ru", "the sentence"), _SRC),
    keys=("metric",),
))
_raw(TableSchema(
    "info_line_channels", "raw", "Information-line requests by channel.",
    (text("channel", "channel id"), count("value", "requests", unit="requests", nullable=True),
     text("unit", "unit", nullable=True), _SRC, text("quote_ru", "the sentence"), _NOTE),
    keys=("channel",),
))
_raw(TableSchema(
    "info_line_categories", "raw", "Information-line requests about volunteering by category.",
    (text("category_id", "category id"), text("label_ru", "label as published"),
     count("requests_count", "requests", unit="requests"), _SRC),
    keys=("category_id",),
))
_raw(TableSchema(
    "info_line_monthly", "raw", "Dated observations with request counts.",
    (text("month", "YYYY-MM", pattern=r"\d{4}-\d{2}", date="month_in_period"),
     text("date_from", "first day", pattern=r"\d{4}-\d{2}-\d{2}", date="day_in_period"),
     text("date_to", "last day", pattern=r"\d{4}-\d{2}-\d{2}", date="day_in_period"),
     count("requests_count", "requests", unit="requests"), text("description_ru", "the sentence"), _SRC, _NOTE),
    keys=("date_from", "date_to"),
))
_raw(TableSchema(
    "headline_figures", "raw",
    "Headline totals and other numbers in the prose (ngo_total and initiative_groups_total are the national "
    "totals the organisation counts are reconstructed against).",
    (text("figure_id", "figure id"), Column("value", "float", "value as published", nullable=True, min=0),
     text("unit", "unit as stated"), text("quote_ru", "the sentence"), _SRC, _NOTE),
    keys=("figure_id",),
))
_raw(TableSchema(
    "correlations_published", "raw", "Correlation coefficients stated in the report, one row per variable pair.",
    (text("coef_id", "coefficient id"), text("x_ru", "variable as named"), text("y_ru", "variable as named"),
     text("x_en", "variable in English"), text("y_en", "variable in English"),
     Column("r_published", "float", "r as published", min=-1, max=1), text("wording_ru", "the sentence"),
     text("interpretation_ru", "the report's reading", nullable=True), _SRC, _NOTE),
    keys=("coef_id",),
))
_raw(TableSchema(
    "errata", "raw",
    "Register of the source's defects: the file and rows concerned (``col=value`` / ``col in (a, b)`` selectors, "
    "one per file, separated by «; »), the rule that detects the defect, evidence and the derived correction.",
    (text("erratum_id", "erratum id", pattern=r"E\d+"), text("file", "file(s) concerned, «; »-separated"),
     text("rows", "row selector(s), one per file"), text("rule_id", "rule that detects it"),
     text("description_en", "what is wrong"),
     text("description_ru", "what is wrong, in Russian (the Russian edition shows it)", required=False,
          nullable=True),
     text("evidence", "lines and numbers"),
     text("evidence_ru", "the evidence, in Russian (the Russian edition shows it)", required=False, nullable=True),
     text("correction", "how a corrected value is derived, or none"),
     text("correction_ru", "the correction, in Russian (the Russian edition shows it)", required=False,
          nullable=True),
     text("source_lines", "lines of the text")),
    keys=("erratum_id",),
    min_rows=0,
))
_raw(TableSchema(
    "official_indicators", "raw",
    "Official regional statistics, long: one value per region × indicator × reference period.",
    (text("region_as_published", "region name as in the source"), text("indicator", "indicator id"),
     Column("value", "float", "value", min=0), text("unit", "unit of the indicator"),
     text("ref_period", "reference period (YYYY, YYYY-Qn, YYYY-MM-DD, YYYY-YYYY or undated)", date="ref_period"),
     text("source_id", "origin record id in source.yml"), text("location", "where in the source file"),
     Column("preferred", "bool", "the value to use when a region has several"), _NOTE),
    rules=(RegionRule("region_as_published", scheme="any", complete=False, allow_national=True,
                      unique_within=("indicator", "ref_period"),
                      once_only_where=("preferred", ("True",))),),
))
_raw(TableSchema(
    "official_indicators_meta", "raw", "One row per official indicator: unit, descriptions, coverage, caveats.",
    (text("indicator", "indicator id"), text("unit", "unit"), text("description_en", "description"),
     text("description_ru", "description"), text("ref_periods", "periods"), text("coverage", "coverage"),
     text("higher_is", "better, worse or neutral", allowed=("better", "worse", "neutral")),
     text("notes", "caveats", nullable=True)),
    keys=("indicator",),
))
for _name, _col, _unit, _what in (
    ("volunteers_by_region", "volunteers_count", "volunteers", "volunteers active in the period"),
    ("events_by_region", "events_count", "events", "volunteer events held in the period"),
    ("hours_by_region", "hours_count", "hours", "hours of volunteer work in the period"),
):
    _raw(TableSchema(
        _name, "raw",
        f"OPTIONAL user-supplied counts: {_what}, one row per unit of the scheme (absent from data/raw: the 2021 "
        "report published them only as charts).",
        (text("region", "region name (any spelling the gazetteer knows)"), count(_col, _what, unit=_unit),
         text("source", "where the number comes from", required=False, nullable=True), _NOTE),
        keys=("region",),
        rules=(RegionRule("region"),),
    ))

OPTIONAL_COUNT_TABLES = {"volunteers_by_region": "volunteers_count", "events_by_region": "events_count",
                         "hours_by_region": "hours_count"}

# ---------------------------------------------------------------------------------------------------------------
# The collection contract: what a researcher collects for a new period (``vstudy template`` writes it to fill)
# ---------------------------------------------------------------------------------------------------------------
# One regional table, one row per unit of the scheme, every value column optional (absent or empty); the
# manifest declares each column's source and reference period (``tables.<name>.columns``). Events by direction
# go in a long table. ``vstudy.data.contract`` checks what crosses tables and the manifest, and maps both onto
# the processed layer that the 2021 transcription also feeds.

REGION_NAME_COLUMNS = ("region_name_ru", "region_name_kk", "region_name_en")
# Breakdowns of the region's volunteers: category ids from the vocabulary, one count column (or share) each.
BREAKDOWNS: dict[str, tuple[str, ...]] = {"gender": GENDERS, "age": AGE_GROUPS, "status": STATUSES}
_CATEGORY_TEXT = {
    "male": "male volunteers", "female": "female volunteers", "under18": "volunteers under 18",
    "18_29": "volunteers aged 18–29", "30_to_pension": "volunteers aged 30 to pension age",
    "pension": "volunteers of pension age", "students": "volunteers who are pupils or students",
    "working": "volunteers who work (employed or self-employed)", "unemployed": "unemployed volunteers",
    "neet": "volunteers neither in employment nor in education or training (NEET)",
}
# The share a breakdown category becomes in the processed layer (the names the 2021 tables already use).
SHARE_COLUMNS: dict[str, str] = {
    "male": "vol_male_pct", "female": "vol_female_pct",
    **{g: f"vol_age_{g}_pct" for g in AGE_GROUPS}, **{s_: f"vol_{s_}_pct" for s_ in STATUSES},
}


def breakdown_count(category: str) -> str:
    return f"volunteers_{category}_count"


def breakdown_pct(category: str) -> str:
    return f"volunteers_{category}_pct"


# Counts the contract collects beside the breakdowns: column → (unit, what is counted).
CONTRACT_COUNTS: dict[str, tuple[str, str]] = {
    "volunteers_count": ("volunteers", "volunteers active in the region during the period (each person once)"),
    "ngo_count": ("organisations", "registered volunteer NGOs working in the region"),
    "initiative_group_count": ("groups", "unregistered volunteer initiative groups in the region"),
    "events_count": ("events", "volunteer events held in the region during the period"),
    "hours_count": ("hours", "hours of volunteer work in the region during the period"),
}
CONTRACT_BREAKDOWN_COUNTS = tuple(breakdown_count(c) for cats in BREAKDOWNS.values() for c in cats)
CONTRACT_BREAKDOWN_PCTS = tuple(breakdown_pct(c) for cats in BREAKDOWNS.values() for c in cats)
# The value columns a template carries, in order (shares are accepted in place of the breakdown counts).
CONTRACT_VALUE_COLUMNS: tuple[str, ...] = (
    "volunteers_count", *CONTRACT_BREAKDOWN_COUNTS, "ngo_count", "initiative_group_count", "events_count",
    "hours_count", *indicators.BY_CONTRACT,
)


def _official_column(spec: indicators.OfficialIndicator) -> Column:
    what = (f"official indicator {spec.indicator}: {spec.description}; reference period "
            f"{indicators.describe_period(spec.period)}")
    if spec.percent:
        return pct(str(spec.contract), what, required=False, nullable=True)
    return Column(str(spec.contract), spec.dtype, what, unit=spec.unit, required=False, nullable=True,
                  min=spec.min)


_BREAKDOWN_RULES: tuple[Rule, ...] = (
    PartsWithinTotal(CONTRACT_BREAKDOWN_COUNTS, "volunteers_count"),
    *(PartsSumToTotal(tuple(breakdown_count(c) for c in cats), "volunteers_count") for cats in BREAKDOWNS.values()),
    *(SharesSum(tuple(breakdown_pct(c) for c in cats)) for cats in BREAKDOWNS.values()),
    CountOrShare(tuple((breakdown_count(c), breakdown_pct(c)) for cats in BREAKDOWNS.values() for c in cats)),
)

_raw(TableSchema(
    "regional", "raw",
    "THE COLLECTION CONTRACT for new data: one row per unit of the dataset's scheme (`vstudy template` writes it "
    "with the rows filled in). Every value column is optional and may be empty; breakdown shares (…_pct, % of the "
    "region's volunteers) are accepted instead of the breakdown counts. The manifest declares each column's "
    "source and reference period (tables.<name>.columns.<column>: {source, ref_period}); official indicators "
    "must be of the reference period the study reads for the dataset's year. Unknown columns are errors.",
    (
        text("region_code", "ISO 3166-2:KZ code of the unit, or its name in Russian, Kazakh or English",
             required=False),
        text("region", "the unit's name in any language the gazetteer resolves (instead of region_code)",
             required=False),
        *(text(c, f"the unit's name in {lang} (written by the template; checked against the code)",
               required=False, nullable=True)
          for c, lang in zip(REGION_NAME_COLUMNS, ("Russian", "Kazakh", "English"), strict=True)),
        count("volunteers_count", CONTRACT_COUNTS["volunteers_count"][1], unit="volunteers", required=False,
              nullable=True),
        *(count(breakdown_count(c), f"{_CATEGORY_TEXT[c]} (of volunteers_count)", unit="volunteers",
                required=False, nullable=True) for cats in BREAKDOWNS.values() for c in cats),
        *(count(c, what, unit=unit, required=False, nullable=True)
          for c, (unit, what) in CONTRACT_COUNTS.items() if c != "volunteers_count"),
        *(pct(breakdown_pct(c), f"{_CATEGORY_TEXT[c]}, % of the region's volunteers (instead of the count)",
              required=False, nullable=True) for cats in BREAKDOWNS.values() for c in cats),
        *(_official_column(spec) for spec in indicators.BY_CONTRACT.values()),
        _NOTE,
    ),
    rules=(RegionRule("region_code", canonical=True), RegionRule("region", canonical=True), *_BREAKDOWN_RULES),
))
_raw(TableSchema(
    "events_by_direction", "raw",
    "Collection contract, long: volunteer events of the period by region and direction (one row per region × "
    "direction; `vstudy template` writes the rows). Each direction's count is at most the region's events_count "
    "in the regional table; their sum should equal it (a warning otherwise).",
    (text("region", "ISO 3166-2:KZ code or name of the unit"),
     *(text(c, "the unit's name (written by the template)", required=False, nullable=True)
       for c in REGION_NAME_COLUMNS),
     text("direction", "direction of the events", allowed=DIRECTIONS),
     *(text(f"direction_label_{lang}", f"the direction's name in {name} (written by the template)",
            required=False, nullable=True)
       for lang, name in (("ru", "Russian"), ("kk", "Kazakh"), ("en", "English"))),
     count("events_count", "events of this direction in the region during the period", unit="events",
           nullable=True),
     _NOTE),
    rules=(RegionRule("region", complete=False, unique_within=("direction",), canonical=True),),
    min_rows=0,
))
CONTRACT_TABLES = ("regional", "events_by_direction")

# ---------------------------------------------------------------------------------------------------------------
# Processed tables (data/processed/), built by vstudy.data.processed
# ---------------------------------------------------------------------------------------------------------------

PROCESSED: dict[str, TableSchema] = {}


def _processed(schema: TableSchema) -> TableSchema:
    PROCESSED[schema.name] = schema
    return schema


_CODE = text("region_code", "ISO 3166-2:KZ code of the unit in the dataset's scheme")
_NAME_EN = text("region_name_en", "English name of the unit")
_NAME_RU = text("region_name_ru", "Russian name of the unit")
_CODE_RULE = RegionRule("region_code", codes=True)


def _opt_pct(name: str, description: str) -> Column:
    return pct(name, description, nullable=True, required=False)


def _opt(name: str, dtype: str, description: str, unit: str, **kw) -> Column:
    return Column(name, dtype, description, unit=unit, nullable=True, required=False, **kw)


_processed(TableSchema(
    "regions", "processed",
    "The wide analysis table: one row per unit of the scheme. Optional columns appear only when the dataset "
    "supplies their inputs; partial indicators are empty where not published.",
    (
        _CODE, _NAME_EN, _NAME_RU,
        count("population_count", "resident population on 1 January of the period's year", unit="persons"),
        _opt("ngo_count", "int", "NGOs, reconstructed from the national total and the region's shares "
             "(see organisations_<scheme>)", "count", min=0),
        _opt("initiative_group_count", "int", "initiative groups, reconstructed likewise", "count", min=0),
        _opt("organisations_count", "int", "ngo_count + initiative_group_count", "count", min=0),
        _opt_pct("ngo_share_pct", "NGOs as % of the region's organisations, as published"),
        _opt_pct("vol_age_under18_pct", "volunteers under 18, % of the region's volunteers"),
        _opt_pct("vol_age_18_29_pct", "volunteers aged 18-29"),
        _opt_pct("vol_age_30_to_pension_pct", "volunteers aged 30 to pension age"),
        _opt_pct("vol_age_pension_pct", "volunteers of pension age, CORRECTED where the published list is a "
                 "copy of another (erratum E01 of 2021: 100 − the other three)"),
        _opt_pct("vol_age_pension_pct_published", "volunteers of pension age, as published"),
        _opt_pct("vol_students_pct", "students (учащиеся), % of the region's volunteers"),
        _opt_pct("vol_working_pct", "working and self-employed"),
        _opt_pct("vol_unemployed_pct", "unemployed"),
        _opt_pct("vol_neet_pct", "NEET"),
        _opt("volunteers_count", "int", "volunteers (user-supplied)", "volunteers", min=0),
        _opt("events_count", "int", "events (user-supplied)", "events", min=0),
        _opt("hours_count", "int", "hours of volunteer work (user-supplied)", "hours", min=0),
        _opt_pct("vol_male_pct", "male volunteers, % of the region's volunteers (collection contract)"),
        _opt_pct("vol_female_pct", "female volunteers, % of the region's volunteers (collection contract)"),
        *(_opt(breakdown_count(c), "int", f"{_CATEGORY_TEXT[c]} (supplied)", "volunteers", min=0)
          for cats in BREAKDOWNS.values() for c in cats),
        _opt("eco_events_count", "int", f"events of the eco-volunteering direction ({ECO_DIRECTION}), supplied in "
             "events_by_direction", "events", min=0),
        _opt("ngo_per_100k", "float", "NGOs per 100,000 population", "per 100k population", min=0),
        _opt("initiative_groups_per_100k", "float", "initiative groups per 100,000 population", "per 100k", min=0),
        _opt("organisations_per_100k", "float", "organisations per 100,000 population", "per 100k", min=0),
        _opt("volunteers_per_100k", "float", "volunteers per 100,000 population", "per 100k", min=0),
        _opt("events_per_100k", "float", "events per 100,000 population", "per 100k", min=0),
        _opt("hours_per_100k", "float", "hours per 100,000 population", "per 100k", min=0),
        _opt("area_km2", "float", "area (secondary sources; preferred value)", "km2", min=0),
        _opt("population_density_per_km2", "float", "population_count / area_km2", "persons per km2", min=0),
        _opt("grp_per_capita_thousand_kzt", "float", "gross regional product per capita, period year",
             "thousand KZT", min=0),
        _opt("grp_per_capita_usd", "float", "gross regional product per capita, period year", "USD", min=0),
        _opt("life_expectancy_years", "float", "life expectancy at birth, both sexes, period year", "years", min=0),
        _opt("life_expectancy_male_years", "float", "life expectancy at birth, males", "years", min=0),
        _opt("life_expectancy_female_years", "float", "life expectancy at birth, females", "years", min=0),
        _opt_pct("unemployment_rate_pct", "unemployment rate, annual average of the period year"),
        _opt_pct("unemployment_rate_q4_pct", "unemployment rate, Q4 of the period year"),
        _opt("persons_applied_employment_count", "int", "persons who applied to employment authorities", "persons",
             min=0),
        _opt("air_emissions_thousand_tonnes", "float", "air pollutants from stationary sources, period year",
             "thousand tonnes", min=0),
        _opt("doctors_count", "int", "doctors of all specialties, 31 December of the period year", "persons", min=0),
        _opt("doctors_per_100k", "float", "doctors per 100,000 population", "per 100k", min=0),
        _opt("schools_count", "int", "general education schools, school year starting in the period year", "count",
             min=0),
        _opt("cash_income_2020_kzt_per_month", "float", "per-capita nominal cash income, monthly average; the year "
             "in the name is the latest published year not after the period (2020 for 2021)", "KZT per month",
             min=0),
        _opt("csi_quality_of_life_rank", "int", "CSI quality-of-life rank (1 = best), latest Q4 before or in the "
             "period year; PARTIAL (ranks 1-7 only)", "rank", min=1),
        _opt("avg_monthly_wage_q4_kzt", "float", "average monthly nominal wage, Q4 of the period year; PARTIAL",
             "KZT per month", min=0),
        _opt("avg_monthly_wage_kzt", "float", "average monthly nominal wage, the period year (annual)",
             "KZT per month", min=0),
    ),
    keys=("region_code",),
    rules=(_CODE_RULE,),
))
_processed(TableSchema(
    "long", "processed",
    "Every region-level value in the dataset's scheme, one per row: published report values, values derived "
    "in code (reconstructed counts, corrected shares, rates) and official indicators for every period on the "
    "scheme. Official indicators keep their raw id as variable; report and derived values use the wide names.",
    (text("scheme", "regional scheme"), _CODE, text("variable", "variable name"),
     text("ref_period", "reference period, or the dataset's period label for report values"),
     Column("value", "float", "value"), text("unit", "unit"),
     text("value_kind", "published | corrected | derived | official | supplied",
          allowed=("published", "corrected", "derived", "official", "supplied")),
     text("source", "file:line of the raw CSV (and the report line), or source_id and location")),
    keys=("region_code", "variable", "ref_period"),
))
_processed(TableSchema(
    "age", "processed", "Age structure of volunteers per region, published and corrected.",
    (_CODE, _NAME_EN, pct("vol_age_under18_pct", "under 18", nullable=True),
     pct("vol_age_18_29_pct", "18-29", nullable=True),
     pct("vol_age_30_to_pension_pct", "30 to pension age", nullable=True),
     pct("vol_age_pension_pct_published", "pension age, as published (empty where the dataset has no "
         "published shares: collected data are supplied, not published)", nullable=True),
     pct("vol_age_pension_pct", "pension age, corrected where the published list duplicates another",
         nullable=True),
     text("pension_correction", "how vol_age_pension_pct was obtained"),
     Column("sum_published_pct", "float", "sum of the four published shares", unit="percent", nullable=True),
     Column("sum_corrected_pct", "float", "sum with the corrected pension share", unit="percent",
            nullable=True)),
    keys=("region_code",), rules=(_CODE_RULE,),
))
_processed(TableSchema(
    "status", "processed", "Social status of volunteers per region, as published (the lists are consistent) or "
    "as collected (shares supplied, or derived from supplied counts).",
    (_CODE, _NAME_EN, pct("vol_students_pct", "students", nullable=True),
     pct("vol_working_pct", "working and self-employed", nullable=True),
     pct("vol_unemployed_pct", "unemployed", nullable=True), pct("vol_neet_pct", "NEET", nullable=True),
     Column("sum_pct", "float", "sum of the four shares", unit="percent", nullable=True)),
    keys=("region_code",), rules=(_CODE_RULE,),
))
_processed(TableSchema(
    "organisations", "processed",
    "NGO and initiative-group counts reconstructed per region from the published shares and national totals; "
    "the integer counts sum exactly to the totals. reproduces_published is False for a region whose published "
    "within-region ratio cannot be met within ±0.01 points (an erratum candidate).",
    (_CODE, _NAME_EN,
     pct("ngo_share_of_region_pct", "published"), pct("group_share_of_region_pct", "published"),
     pct("region_share_of_national_ngo_pct", "published"), pct("region_share_of_national_groups_pct", "published"),
     count("ngo_count", "reconstructed NGOs"), count("initiative_group_count", "reconstructed groups"),
     count("organisations_count", "sum"),
     pct("ngo_share_pct_reconstructed", "100 × ngo / (ngo + groups), unrounded"),
     Column("ngo_share_diff_pct", "float", "reconstructed − published within-region NGO share", unit="points"),
     pct("national_ngo_share_pct_reconstructed", "100 × ngo / national NGO total"),
     pct("national_groups_share_pct_reconstructed", "100 × groups / national group total"),
     Column("reproduces_published", "bool", "within-region ratio reproduced within ±0.01 points")),
    keys=("region_code",), rules=(_CODE_RULE,),
))
_processed(TableSchema(
    "event_directions", "processed",
    "Share of each region's events by direction (long): as published (2021), or derived from the supplied "
    "counts of events_by_direction (then events_count is given and label_as_published is empty).",
    (_CODE, text("direction_id", "direction id"), count("rank", "position in the region's list", unit="rank"),
     text("label_as_published", "label", nullable=True), pct("share_pct", "share of the region's events"),
     text("source", "raw file:line (report line)"),
     count("events_count", "events of the direction (supplied)", unit="events", required=False, nullable=True)),
    keys=("region_code", "direction_id"),
    rules=(RegionRule("region_code", codes=True, group_by=("direction_id",)),),
))
_processed(TableSchema(
    "event_counts", "processed",
    "Events per region and direction, reconstructed from the published shares (derived, not published): each "
    "share is k / n rounded to two decimals, so the smallest total n of a region for which whole numbers k "
    "reproduce every share of its list (and add up to n) gives its counts. Empty where no total fits.",
    (_CODE, text("direction_id", "direction id"), pct("share_pct", "published share of the region's events"),
     _opt("events_count", "int", "reconstructed events of the direction", "events", min=0),
     _opt("region_events_count", "int", "reconstructed events of the region (the smallest consistent total)",
          "events", min=0),
     _opt("recomputed_share_pct", "float", "100 × events_count / region_events_count, unrounded", "percent",
          min=0, max=100)),
    keys=("region_code", "direction_id"),
    rules=(RegionRule("region_code", codes=True, group_by=("direction_id",)),),
))
_processed(TableSchema(
    "national_shares", "processed",
    "National shares of volunteers by age group, gender and social status: published_pct as the dataset's "
    "national tables publish them (empty where they do not), implied_pct derived from the regional shares weighted "
    "by the supplied volunteer counts (age with the corrected pension share; empty without volunteer counts).",
    (text("dimension", "age_group | gender | status", allowed=("age_group", "gender", "status")),
     text("category", "category id"),
     _opt_pct("published_pct", "national share as published"),
     _opt_pct("implied_pct", "Σ regional share × volunteers / Σ volunteers over the units with both")),
    keys=("dimension", "category"),
))
_processed(TableSchema(
    "event_directions_national_corrected", "processed",
    "National shares of events by direction, with the truncated value derived (100 − the others).",
    (text("direction_id", "direction id"), text("label_as_published", "label"),
     pct("share_pct_published", "as published; empty where truncated", nullable=True),
     pct("share_pct", "published, or derived where truncated"),
     text("derivation", "how share_pct was obtained")),
    keys=("direction_id",),
    rules=(GroupSum("share_pct", ()),),
))
_processed(TableSchema(
    "official_national", "processed",
    "The national rows of the official indicators (preferred values): the national figures a section compares "
    "regions with or values hours at (e.g. the average monthly wage).",
    (text("indicator", "indicator id"), text("ref_period", "reference period"), Column("value", "float", "value"),
     text("unit", "unit"), text("source", "file:line of the raw CSV and the source id")),
    keys=("indicator", "ref_period"), min_rows=0,
))
_processed(TableSchema(
    "coverage", "processed", "One row per variable of the wide table: where it comes from and how complete it is.",
    (text("column", "column of regions_<scheme>"), text("variable", "variable in long_<scheme>"),
     text("ref_period", "reference period used"), text("unit", "unit"),
     text("value_kind", "published | corrected | derived | official | supplied"),
     count("n_regions", "units with a value"), count("n_units", "units of the scheme"),
     Column("complete", "bool", "n_regions == n_units")),
    keys=("column",),
))
_processed(TableSchema(
    "published_values", "processed",
    "Every number the dataset carries from a published report, one per row: each numeric cell of a raw table "
    "that gives its place in the report's text (source_line). The replication register checks each of them. "
    "Empty for a dataset that carries no published report.",
    (text("table", "raw table (schema name)"),
     text("item", "the row's key within the table without the region (e.g. age group, figure id)", nullable=True),
     text("region_code", "unit of the scheme the value describes, empty for national values", nullable=True),
     text("column", "column of the raw table holding the value"),
     Column("value", "float", "the value as transcribed"),
     text("as_printed", "the number as the report prints it (decimal comma, the quote's spelling where a "
          "sentence is transcribed)"),
     count("source_line", "line of the report's text layer", unit="line"),
     count("file_row", "line of the raw CSV", unit="line")),
    keys=("table", "item", "region_code", "column"), min_rows=0,
))
_processed(TableSchema(
    "errata_evaluated", "processed", "The errata register with the result of evaluating its rules on the data.",
    (text("erratum_id", "erratum id"), text("file", "file(s)"), text("rows", "row selector(s), one per file"),
     text("rule_id", "rule id"), text("description_en", "what is wrong"),
     text("description_ru", "what is wrong, in Russian (empty where the register gives none)", nullable=True),
     text("evidence", "lines and numbers"),
     text("source_lines", "lines of the report's text"), text("correction", "derived correction"),
     text("correction_ru", "the correction, in Russian (empty where the register gives none)", nullable=True),
     text("evidence_ru", "the evidence, in Russian (empty where the register gives none)", nullable=True),
     count("violations_explained", "rule violations of the validators that this erratum declares"),
     text("status", "detected (a validator finds it) or recorded (documented, no validator)")),
    keys=("erratum_id",), min_rows=0,
))
_processed(TableSchema(
    "validation_findings", "processed", "Warnings left by validation (known errata and other non-blocking notes).",
    tuple(Column(n, "int" if n == "row" else "str", d, nullable=n in {"row", "column", "value", "erratum"})
          for n, d in (("file", "file"), ("row", "CSV line"), ("column", "column"), ("value", "value"),
                       ("rule", "rule id"), ("severity", "warning"), ("erratum", "erratum id"),
                       ("message", "message"))),
    min_rows=0,
))

# ---------------------------------------------------------------------------------------------------------------
# Reading and checking
# ---------------------------------------------------------------------------------------------------------------

NATIONAL_CODE = "KZ"  # region_code given to rows of national totals (ISO 3166-1 code of the country)


@dataclass(frozen=True)
class Erratum:
    """An errata entry reduced to what matching needs: per file, a selector {column: allowed values}."""

    erratum_id: str
    rule_id: str
    selectors: dict[str, list[dict[str, set[str]]]] = field(default_factory=dict)

    def covers(self, file_name: str, rule: Rule, rows: pd.DataFrame) -> bool:
        if self.rule_id not in getattr(rule, "explained_by", ()):
            return False
        for selector in self.selectors.get(Path(file_name).name, []):
            if not selector:
                return True
            mask = pd.Series(True, index=rows.index)
            for col, values in selector.items():
                if col not in rows.columns:
                    mask &= False
                    continue
                mask &= rows[col].astype(str).isin(values)
            if bool(mask.any()):
                return True
        return False


_SEL_IN = re.compile(r"(\w+)\s+in\s+\(([^)]*)\)")
_SEL_EQ = re.compile(r"(\w+)\s*=\s*([^,(]+)")


def parse_selector(text_: str) -> dict[str, set[str]]:
    """``"age_group=pension (all 17 rows)"`` → {age_group: {pension}}; ``"x in (a, b)"`` → {x: {a, b}}."""
    selector: dict[str, set[str]] = {}
    rest = text_
    for m in _SEL_IN.finditer(text_):
        selector.setdefault(m.group(1), set()).update(v.strip() for v in m.group(2).split(",") if v.strip())
        rest = rest.replace(m.group(0), " ")
    for m in _SEL_EQ.finditer(rest):
        selector.setdefault(m.group(1), set()).add(m.group(2).strip())
    return selector


def errata_from_frame(frame: pd.DataFrame) -> list[Erratum]:
    """Build matchers from the errata table; the file and rows fields are parallel «; »-separated lists."""
    out = []
    for row in frame.itertuples(index=False):
        files = [f.strip() for f in str(row.file).split(";")]
        parts = [p.strip() for p in str(row.rows).split(";")]
        selectors: dict[str, list[dict[str, set[str]]]] = {}
        for i, f in enumerate(files):
            part = parts[i] if i < len(parts) else ""
            selectors.setdefault(f, []).append(parse_selector(part))
        out.append(Erratum(str(row.erratum_id), str(row.rule_id), selectors))
    return out


def read_and_check(path: Path, schema: TableSchema, file_label: str, scheme: str,
                   errata: Sequence[Erratum] = (), data: bytes | None = None,
                   period: tuple | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a raw CSV, parse every cell by its declared type and run every check of ``schema``.

    ``data``: the file's bytes when the caller read them already (vstudy.data.manifest.read_file, which
    confines and size-limits the read); ``period``: the dataset's (start, end) dates for in-period checks.
    Returns the typed frame (with ``_line`` = CSV line and, for tables with a region rule, ``region_code``)
    or ``None`` when the file cannot be read at all, and every problem found. Never raises for bad content.
    """
    problems: list[Problem] = []

    def add(row, column, value, rule, message, severity="error"):
        problems.append(Problem(file_label, row, column, None if value is None else str(value), rule, message,
                                severity))

    if data is None:
        from vstudy.data import manifest

        try:
            data = manifest.read_file(path)
        except manifest.Refused as exc:
            add(None, None, None, exc.rule, str(exc))
            return None, problems
    if data.strip() == b"" or data.strip() == parsing._BOM:
        add(None, None, None, "empty_file", "the file is empty (no header, no rows)")
        return None, problems
    try:
        text_ = parsing.decode_csv_bytes(data, file_label)
    except parsing.EncodingRefused as exc:
        add(exc.line, exc.column, None, "encoding_utf8" if exc.likely != "binary" else "binary_file", str(exc))
        return None, problems
    try:
        csv_ = parsing.split_csv(text_)
    except parsing.CsvRefused as exc:
        add(exc.line, None, None, exc.rule, str(exc))
        return None, problems
    if not csv_.header:
        add(None, None, None, "empty_file", "the file has no header")
        return None, problems
    if len(csv_.header) == 1:
        hint = parsing.delimiter_hint(text_.split("\n", 1)[0], len(schema.columns))
        if hint:
            add(1, None, None, "delimiter", hint)
            return None, problems
    frame, more = check_records(csv_.header, csv_.records, schema, file_label, scheme, errata, period)
    return frame, problems + more


def check_records(header: list[str], records: Sequence[tuple[int, Sequence[str]]], schema: TableSchema,
                  file_label: str, scheme: str, errata: Sequence[Erratum] = (), period: tuple | None = None
                  ) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Check a header and its records (each with its 1-based line or sheet row) against ``schema``.

    The cells are text as typed (a CSV field, or a workbook cell rendered as text); returns the typed frame
    (``None`` when there are no data rows) and every problem found. ``period``: the dataset's (start, end) dates
    for in-period checks of date columns.
    """
    problems: list[Problem] = []

    def add(row, column, value, rule, message, severity="error"):
        problems.append(Problem(file_label, row, column, None if value is None else str(value), rule, message,
                                severity))

    declared = schema.names
    seen: set[str] = set()
    for name in header:
        if name in seen:
            add(1, name, name, "duplicate_column", f"column {name!r} appears twice in the header")
        seen.add(name)
    missing = [c.name for c in schema.columns if c.required and c.name not in header]
    extra = [h for h in header if h not in declared]
    shown_header = ", ".join(h[:40] for h in header[:30]) + (" …" if len(header) > 30 else "")
    for name in missing:
        add(1, name, None, "missing_column", f"required column {name!r} is missing (header: {shown_header})")
    for name in extra:
        close = difflib.get_close_matches(name, declared, n=1, cutoff=0.75)
        hint = f"did you mean {close[0]!r}? " if close else ""
        add(1, name[:80], name[:80], "extra_column", f"column {name[:80]!r} is not in schema {schema.name!r} "
            f"({hint}expected: {', '.join(declared)})")
    if not records and schema.min_rows > 0:
        add(None, None, None, "empty_file", f"the file has a header but no data rows (schema {schema.name!r} "
            f"needs at least {schema.min_rows})")
        return None, problems

    present = [c for c in schema.columns if c.name in header]
    position = {name: header.index(name) for name in header}
    values: dict[str, list] = {c.name: [] for c in present}
    lines: list[int] = []
    for line_no, record in records:
        if len(record) != len(header):
            add(line_no, None, ",".join(record)[:80], "field_count",
                f"row has {len(record)} fields, the header has {len(header)}")
        lines.append(line_no)
        for col in present:
            i = position[col.name]
            raw = record[i] if i < len(record) else ""
            values[col.name].append(_parse_cell(raw, col, line_no, add, period))
    frame = pd.DataFrame({c.name: pd.Series(values[c.name], dtype=_pandas_dtype(c.dtype)) for c in present})
    frame.insert(0, "_line", pd.Series(lines, dtype="int64"))
    problems += check_frame(frame, schema, file_label, scheme, errata, cells_checked=True)
    return frame, problems


def _pandas_dtype(dtype: str) -> str:
    return {"str": "str", "float": "Float64", "int": "Int64", "bool": "boolean"}[dtype]


def _parse_cell(raw: str, col: Column, line_no: int, add, period: tuple | None = None) -> object:
    """One cell by its column's declaration; a problem (never an exception) for anything that does not fit."""
    cell = raw.strip()
    if cell == "":
        if not col.nullable:
            add(line_no, col.name, raw, "not_null", f"{col.name} must not be empty")
        return None
    if len(cell) > parsing.MAX_CELL_CHARS:
        add(line_no, col.name, None, "cell_size",
            f"the cell has {len(cell):,} characters; the limit is {parsing.MAX_CELL_CHARS:,}")
        return None
    if col.dtype == "str":
        issue = parsing.text_problem(cell)
        if issue is not None:
            add(line_no, col.name, parsing.visible(cell), *issue)
            return None
        if col.date is not None and not _date_ok(cell, col, line_no, add, period):
            return None
        return cell
    try:
        if col.dtype == "bool":
            return parsing.parse_bool(cell)
        return parsing.parse_number(cell, percent=col.percent, integer=col.dtype == "int")
    except parsing.NumberTooLarge as exc:
        add(line_no, col.name, cell[:40], "number_range", f"{exc}; {col.name} is declared {col.dtype}")
        return None
    except ValueError as exc:
        add(line_no, col.name, raw[:80], "dtype", f"{exc}; {col.name} is declared {col.dtype}"
            + (" (percent)" if col.percent else ""))
        return None


def _date_ok(cell: str, col: Column, line_no: int, add, period: tuple | None) -> bool:
    """The calendar check of a date column (``Column.date``); False after reporting a problem."""
    try:
        if col.date.startswith("day"):
            day = parsing.parse_day(cell)
            span = (day, day)
        elif col.date.startswith("month"):
            span = parsing.parse_month(cell)
        else:
            span = parsing.parse_ref_period(cell)
    except ValueError as exc:
        add(line_no, col.name, cell[:40], "date", str(exc))
        return False
    if col.date.endswith("_in_period") and period is not None and span is not None:
        start, end = period
        if span[1] < start or span[0] > end:
            add(line_no, col.name, cell, "date_in_period",
                f"{cell} is outside the dataset's period {start.isoformat()} – {end.isoformat()} (manifest.yml)")
            return False
    return True


def _range_rule(col: Column) -> str:
    if col.percent:
        return "share_0_100"
    if col.dtype == "int" and col.min == 0:
        return "non_negative_count"
    return "range"


def check_frame(frame: pd.DataFrame, schema: TableSchema, file_label: str, scheme: str,
                errata: Sequence[Erratum] = (), cells_checked: bool = False) -> list[Problem]:
    """Column values, keys and row rules on a typed frame. Adds ``region_code`` for raw region rules.

    ``_line`` gives each row's CSV line; when absent (a processed frame) line = position + 2.
    ``cells_checked``: the header and empty cells were checked while parsing (raw files); skip them here.
    """
    problems: list[Problem] = []
    if "_line" not in frame.columns:
        frame.insert(0, "_line", pd.Series(range(2, len(frame) + 2), index=frame.index, dtype="int64"))

    def add(row, column, value, rule, message, severity="error", erratum=None):
        problems.append(Problem(file_label, None if row is None else int(row), column,
                                None if value is None else str(value), rule, message, severity, erratum))

    for col in schema.columns:
        if col.name not in frame.columns:
            if col.required and not cells_checked:
                add(1, col.name, None, "missing_column", f"required column {col.name!r} is missing")
            continue
        s = frame[col.name]
        notna = s.notna()
        if not col.nullable and not cells_checked:
            for ln in frame.loc[~notna, "_line"]:
                add(ln, col.name, None, "not_null", f"{col.name} must not be empty")
        if col.min is not None or col.max is not None:
            num = pd.to_numeric(s, errors="coerce")
            bad = notna & (((num < col.min) if col.min is not None else False)
                           | ((num > col.max) if col.max is not None else False))
            lo = "-inf" if col.min is None else f"{col.min:g}"
            hi = "inf" if col.max is None else f"{col.max:g}"
            for ln, v in zip(frame.loc[bad, "_line"], s[bad], strict=True):
                add(ln, col.name, v, _range_rule(col), f"{col.name} = {v} is outside [{lo}, {hi}]")
        if col.allowed is not None:
            bad = notna & ~s.astype(str).isin(col.allowed)
            for ln, v in zip(frame.loc[bad, "_line"], s[bad], strict=True):
                add(ln, col.name, v, "allowed_values", f"{v!r} is not one of {', '.join(col.allowed)}")
        if col.pattern is not None:
            bad = notna & ~s.astype(str).str.fullmatch(col.pattern)
            for ln, v in zip(frame.loc[bad, "_line"], s[bad], strict=True):
                add(ln, col.name, v, "pattern", f"{v!r} does not match {col.pattern}")

    # Whole duplicated rows first (the clearest message), then key duplicates among the rest.
    data_cols = [c for c in frame.columns if c != "_line" and c in schema.names]
    dup_full = frame.duplicated(subset=data_cols, keep="first") if data_cols else pd.Series(False, index=frame.index)
    if dup_full.any():
        first_line = frame.groupby(data_cols, dropna=False, sort=False)["_line"].transform("min")
        column = schema.keys[0] if schema.keys else data_cols[0]
        for idx in frame.index[dup_full]:
            add(frame.at[idx, "_line"], column, frame.at[idx, column],
                "duplicate_row", f"the whole row duplicates line {first_line[idx]}")
    if schema.keys and all(k in frame.columns for k in schema.keys):
        keyed = frame[~dup_full]
        dup_key = keyed.duplicated(subset=list(schema.keys), keep=False)
        seen_lines: dict[tuple, int] = {}
        for _, row in keyed[dup_key].iterrows():
            key = tuple(row[k] for k in schema.keys)
            if key in seen_lines:
                add(row["_line"], schema.keys[0], key[0] if len(key) == 1 else key, "unique_key",
                    f"key ({', '.join(schema.keys)}) = {key} repeats line {seen_lines[key]}")
            else:
                seen_lines[key] = row["_line"]

    for rule in schema.rules:
        if isinstance(rule, RegionRule):
            problems += _check_regions(frame, rule, file_label, scheme)
    for rule in schema.rules:
        if isinstance(rule, RegionRule):
            continue
        needed = {GroupSum: lambda r: [r.value, *r.group_by], RowSum: lambda r: list(r.columns),
                  DistinctGroups: lambda r: [r.group_by, *r.compare],
                  PartsWithinTotal: lambda r: [r.total], PartsSumToTotal: lambda r: [r.total, *r.parts],
                  SharesSum: lambda r: [], CountOrShare: lambda r: []}[type(rule)](rule)
        if any(c not in frame.columns for c in needed):
            continue  # a missing column or an unresolved region was reported already
        for violation_rows, column, value, message in _row_rule_violations(frame, rule):
            covering = [e.erratum_id for e in errata if e.covers(file_label, rule, violation_rows)]
            first = int(violation_rows["_line"].min())
            if covering:
                add(first, column, value, rule.rule_id, message, "warning", ", ".join(covering))
            else:
                add(first, column, value, rule.rule_id, message, getattr(rule, "severity", "error"))
    return problems


def _check_regions(frame: pd.DataFrame, rule: RegionRule, file_label: str, scheme: str) -> list[Problem]:
    problems: list[Problem] = []
    if rule.column not in frame.columns:
        return problems
    units = set(scheme_codes(scheme))
    names = frame[rule.column]
    applies = pd.Series(True, index=frame.index)
    if rule.only_where is not None and rule.only_where[0] in frame.columns:
        applies = frame[rule.only_where[0]].astype(str).isin(rule.only_where[1])
    unique_scope = applies.copy()
    if rule.once_only_where is not None and rule.once_only_where[0] in frame.columns:
        unique_scope &= frame[rule.once_only_where[0]].astype(str).isin(rule.once_only_where[1])
    codes: list[str | None] = []
    for idx, value in names.items():
        code = None
        if pd.isna(value):
            codes.append(None)
            continue
        if rule.codes:
            code = value if value in units else None
            if code is None:
                problems.append(Problem(file_label, int(frame.at[idx, "_line"]), rule.column, value,
                                        "region_in_scheme", f"{value!r} is not a unit of {scheme}"))
        elif rule.allow_national and regions.is_national(value):
            code = NATIONAL_CODE
        else:
            try:
                code = resolve_name(value, scheme if rule.scheme == "dataset" else None)
            except regions.RegionNotFound as exc:
                if applies[idx]:
                    problems.append(Problem(file_label, int(frame.at[idx, "_line"]), rule.column, value,
                                            "region_resolves", str(exc)))
        codes.append(code)
    if not rule.codes and ("region_code" not in frame.columns or rule.canonical):
        frame["region_code"] = pd.Series(codes, index=frame.index, dtype="str")
    code_series = pd.Series(codes, index=frame.index)
    scope = frame[unique_scope & code_series.notna() & (code_series != NATIONAL_CODE)]
    scope_codes = code_series[scope.index]
    groups = scope.groupby(list(rule.group_by), sort=True, dropna=False) if rule.group_by else [((), scope)]
    for gkey, group in groups:
        label = _group_label(rule.group_by, gkey)
        gcodes = scope_codes[group.index]
        keys = list(rule.unique_within or ())
        dup_frame = pd.DataFrame({"code": gcodes, **{k: group[k] for k in keys}})
        dups = dup_frame.duplicated(keep="first")
        for idx in dup_frame.index[dups]:
            problems.append(Problem(file_label, int(frame.at[idx, "_line"]), rule.column,
                                    str(frame.at[idx, rule.column]), "region_once",
                                    f"{gcodes[idx]} appears more than once{label}"))
        if rule.complete:
            missing = sorted(units - set(gcodes))
            # Rows whose name did not resolve (errors above) may be the missing units: a warning naming the gap,
            # not a knock-on error.
            unresolved = [int(frame.at[i, "_line"]) for i, c in zip(frame.index, codes, strict=True)
                          if c is None and applies[i] and pd.notna(names[i])] if not rule.group_by else []
            knock_on = bool(missing) and len(missing) <= len(unresolved)
            if missing:
                problems.append(Problem(
                    file_label, int(group["_line"].min()) if len(group) else None, rule.column, None,
                    "region_complete",
                    f"units of {scheme} missing{label}: {', '.join(f'{c} {regions.name(c)}' for c in missing)}"
                    + (f" (is it the name on line {', '.join(map(str, unresolved))} that does not resolve?)"
                       if knock_on else ""), "warning" if knock_on else "error"))
    return problems


@functools.lru_cache(maxsize=8)
def scheme_codes(scheme: str) -> tuple[str, ...]:
    """The codes of a scheme (cached: resolving hundreds of names must not rebuild the unit table each time)."""
    return tuple(regions.codes(scheme))


@functools.lru_cache(maxsize=4096)
def resolve_name(name: str, scheme: str | None = None) -> str:
    """:func:`regions.resolve`, cached: a table repeats the same names on many rows."""
    return regions.resolve(name, scheme)


def _group_label(group_by: tuple[str, ...], key) -> str:
    if not group_by:
        return ""
    key = key if isinstance(key, tuple) else (key,)
    return " in " + ", ".join(f"{c}={v}" for c, v in zip(group_by, key, strict=True))


def _row_rule_violations(frame: pd.DataFrame, rule: Rule):
    """Yield (rows, column, value, message) for each violation of a row rule."""
    if isinstance(rule, GroupSum):
        data = frame
        if rule.group_by:
            data = frame[frame[list(rule.group_by)].notna().all(axis=1)]
            if "region_code" in rule.group_by:
                data = data[data["region_code"] != NATIONAL_CODE]
        groups = data.groupby(list(rule.group_by), sort=True) if rule.group_by else [((), data)]
        for gkey, group in groups:
            vals = pd.to_numeric(group[rule.value], errors="coerce")
            total = round(float(vals.sum(skipna=True)), 6)
            n_missing = int(vals.isna().sum())
            tolerance = rule.tolerance(len(vals))
            if n_missing or abs(total - rule.target) > tolerance + 1e-9:
                label = _group_label(rule.group_by, gkey)
                lines_ = ", ".join(str(v) for v in group["_line"])
                extra = f" ({n_missing} value(s) empty)" if n_missing else ""
                yield (group, rule.value, f"{total:g}",
                       f"sum of {rule.value}{label} is {total:g}{extra}, expected {rule.target:g} ± "
                       f"{tolerance:.3g} ({len(vals)} shares × {rule.rounding:g} rounding); lines {lines_}")
    elif isinstance(rule, RowSum):
        vals = frame[list(rule.columns)].apply(pd.to_numeric, errors="coerce")
        totals = vals.sum(axis=1, skipna=False)
        for idx in frame.index:
            total = totals[idx]
            if pd.isna(total):
                continue
            tolerance = len(rule.columns) * rule.rounding
            if abs(float(total) - rule.target) > tolerance + 1e-9:
                yield (frame.loc[[idx]], rule.columns[0], f"{float(total):g}",
                       f"{' + '.join(rule.columns)} = {float(total):g}, expected {rule.target:g} ± "
                       f"{tolerance:g} ({len(rule.columns)} shares × {rule.rounding:g} rounding)")
    elif isinstance(rule, (PartsWithinTotal, PartsSumToTotal, SharesSum, CountOrShare)):
        yield from _contract_rule_violations(frame, rule)
    elif isinstance(rule, DistinctGroups):
        signatures: dict[tuple, object] = {}
        for gkey, group in frame.groupby(rule.group_by, sort=False):
            sig = tuple(sorted(tuple(str(v) for v in r) for r in group[list(rule.compare)].itertuples(index=False)))
            if sig in signatures:
                yield (group, rule.group_by, gkey,
                       f"the list {rule.group_by}={gkey} is identical to the list {rule.group_by}="
                       f"{signatures[sig]} ({', '.join(rule.compare)}); lines "
                       f"{int(group['_line'].min())}-{int(group['_line'].max())}")
            else:
                signatures[sig] = gkey


def _decimals(value: float) -> int:
    """Decimals a typed share carried (25 → 0, 25.5 → 1, 25.25 → 2)."""
    if float(value).is_integer():
        return 0
    text_ = repr(float(value))
    return 0 if "e" in text_ else len(text_.split(".")[1])


def _contract_rule_violations(frame: pd.DataFrame, rule: Rule):
    """Row rules of the collection contract: one violation per row (and column where it names one)."""
    def num(col: str) -> pd.Series:
        # A negative count was reported by its own range check: it takes no part in the sums (no cascade).
        values = pd.to_numeric(frame[col], errors="coerce") if col in frame.columns else pd.Series(
            float("nan"), index=frame.index)
        return values.where(values >= 0) if isinstance(rule, PartsWithinTotal | PartsSumToTotal) else values

    if isinstance(rule, PartsWithinTotal):
        total = num(rule.total)
        for part in rule.parts:
            values = num(part)
            bad = values.notna() & total.notna() & (values > total)
            for idx in frame.index[bad]:
                yield (frame.loc[[idx]], part, f"{values[idx]:g}",
                       f"{part} = {values[idx]:g} exceeds {rule.total} = {total[idx]:g} on the same row")
    elif isinstance(rule, PartsSumToTotal):
        total = num(rule.total)
        parts = pd.concat([num(p) for p in rule.parts], axis=1)
        complete = parts.notna().all(axis=1) & total.notna()
        sums = parts.sum(axis=1)
        for idx in frame.index[complete]:
            gap = float(sums[idx] - total[idx])
            allowed = rule.tolerance_pct / 100 * float(total[idx])
            if abs(gap) > allowed + 1e-9:
                yield (frame.loc[[idx]], rule.parts[0], f"{sums[idx]:g}",
                       f"{' + '.join(rule.parts)} = {sums[idx]:g} but {rule.total} = {total[idx]:g} "
                       f"(difference {gap:+g}, more than {rule.tolerance_pct:g} % of the total)")
    elif isinstance(rule, SharesSum):
        present = [c for c in rule.columns if c in frame.columns]
        if not present:
            return
        shares = pd.concat([num(c) for c in present], axis=1)
        for idx in frame.index:
            row = shares.loc[idx].dropna()
            if row.empty:
                continue
            total = float(row.sum())
            tolerance = sum(0.5 * 10 ** -_decimals(v) for v in row)
            complete = len(row) == len(rule.columns)
            if (complete and abs(total - rule.target) > tolerance + 1e-9) or (
                    not complete and total > rule.target + tolerance + 1e-9):
                expected = (f"{rule.target:g} ± {tolerance:g}" if complete
                            else f"at most {rule.target:g} + {tolerance:g} with {len(rule.columns) - len(row)} "
                                 "share(s) empty")
                yield (frame.loc[[idx]], str(row.index[0]), f"{total:g}",
                       f"{' + '.join(row.index)} = {total:g}, expected {expected} (rounding of the shares as typed)")
    elif isinstance(rule, CountOrShare):
        for count_col, pct_col in rule.pairs:
            if count_col not in frame.columns or pct_col not in frame.columns:
                continue
            both = frame[count_col].notna() & frame[pct_col].notna()
            for idx in frame.index[both]:
                yield (frame.loc[[idx]], pct_col, str(frame.at[idx, pct_col]),
                       f"both {count_col} and {pct_col} are given on this row: give the count or the share, not both")


# ---------------------------------------------------------------------------------------------------------------
# The data dictionary
# ---------------------------------------------------------------------------------------------------------------


def all_schemas() -> dict[str, TableSchema]:
    return {**{f"raw.{k}": v for k, v in RAW.items()}, **{f"processed.{k}": v for k, v in PROCESSED.items()}}


def data_dictionary() -> pd.DataFrame:
    """One row per column of every declared table: layer, table, column, dtype, unit, range, rules, description."""
    rows = []
    for schema in all_schemas().values():
        for col in schema.columns:
            rng = ""
            if col.min is not None or col.max is not None:
                rng = f"[{'' if col.min is None else f'{col.min:g}'}, {'' if col.max is None else f'{col.max:g}'}]"
            constraints = []
            if col.name in schema.keys:
                constraints.append("key")
            if not col.required:
                constraints.append("optional")
            if col.nullable:
                constraints.append("may be empty")
            if col.allowed:
                constraints.append("one of " + ", ".join(col.allowed))
            if col.pattern:
                constraints.append(f"matches {col.pattern}")
            rules = [r.describe() for r in schema.rules if _rule_mentions(r, col.name)]
            rows.append({
                "layer": schema.layer, "table": schema.name, "column": col.name, "dtype": col.dtype,
                "unit": col.unit, "range": rng, "constraints": "; ".join(constraints),
                "rules": "; ".join(rules), "description": col.description,
            })
    return pd.DataFrame(rows)


def _rule_mentions(rule: Rule, column: str) -> bool:
    if isinstance(rule, RegionRule):
        return rule.column == column
    if isinstance(rule, GroupSum):
        return rule.value == column
    if isinstance(rule, RowSum | SharesSum):
        return column in rule.columns
    if isinstance(rule, PartsWithinTotal | PartsSumToTotal):
        return column in rule.parts or column == rule.total
    if isinstance(rule, CountOrShare):
        return any(column in pair for pair in rule.pairs)
    return isinstance(rule, DistinctGroups) and rule.group_by == column


def data_dictionary_markdown(level: int = 1, title: bool = True) -> str:
    """The dictionary as Markdown: one section per table with its description, keys, rules and columns.

    The one rendering of the dictionary: the processed layer's ``data_dictionary.md`` (``level=1``) and the
    site's data page (under its own heading: ``level=3, title=False``). ``level`` is the title's heading level;
    each table's heading is one below it.
    """
    out = ([f"{'#' * level} Data dictionary", ""] if title else []) + [
           "Generated from `vstudy.data.schemas` (the declarations `vstudy validate` enforces). New data are collected "
           "in the tables `raw.regional` and `raw.events_by_direction` (the collection contract; `vstudy template` "
           "writes them to fill). Processed tables whose "
           "name ends in `_<scheme>` are written once per dataset (e.g. `regions_kz2021`). Raw national and "
           "information-line tables are copied to the processed layer unchanged (typed, with `region_code` where "
           "they name a region).", ""]
    for key, schema in all_schemas().items():
        out += [f"{'#' * (level + 1)} `{key}`", "", _md_text(schema.description), ""]
        if schema.keys:
            out.append(f"Key: {', '.join(schema.keys)}.")
        for rule in schema.rules:
            out.append(f"Rule: {_md_text(rule.describe())}.")
        out += ["", "| column | type | unit | range | constraints | description |", "|---|---|---|---|---|---|"]
        for col in schema.columns:
            rng = ""
            if col.min is not None or col.max is not None:
                rng = f"[{'' if col.min is None else f'{col.min:g}'}, {'' if col.max is None else f'{col.max:g}'}]"
            cons = ", ".join(x for x in ("key" if col.name in schema.keys else "",
                                         "optional" if not col.required else "",
                                         "may be empty" if col.nullable else "") if x)
            out.append(f"| `{col.name}` | {col.dtype} | {_md_text(col.unit)} | {rng} | {cons} | "
                       f"{_md_text(col.description)} |")
        out.append("")
    return "\n".join(out)


_MD_SPECIAL = re.compile(r"[<>&|$@{}\\]")


def _md_text(text: str) -> str:
    """Declared text outside its ``code spans`` as Markdown that renders as written: ``regions_<scheme>`` is not an
    HTML tag, ``\\d{4}`` not an attribute, ``|`` not a cell border."""
    parts = re.split(r"(`+[^`]*`+)", text)
    return "".join(part if i % 2 else _MD_SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", part)
                   for i, part in enumerate(parts))
