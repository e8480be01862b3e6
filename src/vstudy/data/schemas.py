"""Every table of the study declared once: columns, types, units, ranges, keys, row rules and row limits.

The raw tables of the 2021 transcription, the collection contract for new data (``regional``,
``events_by_direction``) and the processed tables, each a :class:`vstudy.data.schema_model.TableSchema`. The same
declarations validate the data (:mod:`vstudy.data.validation`) and document it (:mod:`vstudy.data.dictionary`),
so the dictionary the site shows cannot drift from what ``vstudy validate`` enforces.
"""

from __future__ import annotations

from vstudy.data import errata, indicators, limits
from vstudy.data.schema_model import (
    Column,
    CountOrShare,
    CoveredOrLeftOut,
    DistinctGroups,
    GroupSum,
    LineRanges,
    PartsSumToTotal,
    PartsWithinTotal,
    RegionRule,
    RowSum,
    Rule,
    SharesSum,
    TableSchema,
    count,
    line,
    pct,
    text,
)
from vstudy.vocab import (
    AGE_GROUPS,
    CHAPTER_KINDS,
    DIRECTIONS,
    ECO_DIRECTION,
    GENDERS,
    LEFT_OUT_REASONS,
    SECTIONS,
    STATUSES,
)

# ---------------------------------------------------------------------------------------------------------------
# Raw tables (data/raw/<source>/*.csv), in the order of the report
# ---------------------------------------------------------------------------------------------------------------

# Rounding tolerances: a share published to 2 decimals is off by at most 0.005, so n shares summed are off by
# at most n × 0.005. Each rule states its n.
_SRC = line()
_NOTE = text("note", "transcriber's note", required=False, nullable=True)
# The note column of the tables a researcher fills (the collection contract and the optional per-region counts).
_ROW_NOTE = text("note", "a note on the row by whoever filled it", required=False, nullable=True)


RAW: dict[str, TableSchema] = {}


def _raw(schema: TableSchema) -> TableSchema:
    RAW[schema.name] = schema
    return schema


_LANGUAGE_NAMES = {"ru": "Russian", "kk": "Kazakh"}


def _edition_texts(name: str, what: str) -> tuple[Column, ...]:
    """The optional columns of an errata text in the editions' languages other than English (``<name>_ru``,
    ``<name>_kk``): the pages of that edition show it; where it is empty they show the recorded text, naming its
    language."""
    return tuple(text(column, f"{what}, in {_LANGUAGE_NAMES[column.rsplit('_', 1)[1]]} (the edition in that "
                              "language shows it; where empty, the text of another language, named)",
                      required=False, nullable=True)
                 for column in errata.translation_columns() if column.startswith(f"{name}_"))


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
    keys=("region_as_published",), max_rows=limits.MAX_ROWS_PER_REGION_TABLE,
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
    keys=("direction_id",), max_rows=limits.MAX_ROWS_BAR_CHART,
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
    keys=("channel",), max_rows=limits.MAX_ROWS_BAR_CHART,
))
_raw(TableSchema(
    "info_line_categories", "raw", "Information-line requests about volunteering by category.",
    (text("category_id", "category id"), text("label_ru", "label as published"),
     count("requests_count", "requests", unit="requests"), _SRC),
    keys=("category_id",), max_rows=limits.MAX_ROWS_BAR_CHART,
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
    keys=("coef_id",), max_rows=limits.MAX_ROWS_BAR_CHART,
))
# The report's text layer has this many lines (report_2021/source.yml, where.lines): its chapters cover them all.
REPORT_2021_TEXT_LINES = 2175
_SECTION_ID = "|".join(SECTIONS)
LEFT_OUT = "left_out"
_raw(TableSchema(
    "report_chapters", "raw",
    "The report's chapters in reading order: the heading as printed, its lines in the text layer, whether the "
    "chapter is quantitative, qualitative or mixed, the study's sections that take it up (or left_out) and why "
    "what is left out is left out; the heading and a summary of its contents in each edition's language (the "
    "study's renderings).",
    (text("chapter_id", "chapter id", pattern=r"ch\d{2}"), text("heading_ru", "heading as printed (a quotation)"),
     text("heading_en", "heading in English (the study's rendering)"),
     text("heading_kk", "heading in Kazakh (the study's rendering)"),
     count("first_line", "first line of the chapter (its heading) in the text layer", unit="line", min=1,
           max=REPORT_2021_TEXT_LINES),
     count("last_line", "last line of the chapter in the text layer", unit="line", min=1,
           max=REPORT_2021_TEXT_LINES),
     text("kind", "quantitative, qualitative or mixed", allowed=CHAPTER_KINDS),
     text("covered_by", "the study's sections that take the chapter up («;»-separated), or left_out",
          pattern=rf"{LEFT_OUT}|(?:{_SECTION_ID})(?:;(?:{_SECTION_ID}))*"),
     text("left_out_reason", "why the chapter (or its qualitative part) is left out", allowed=LEFT_OUT_REASONS,
          nullable=True),
     text("contents_en", "what the chapter holds, in English (the study's summary)"),
     text("contents_ru", "what the chapter holds, in Russian (the study's summary)"),
     text("contents_kk", "what the chapter holds, in Kazakh (the study's summary)")),
    keys=("chapter_id",),
    rules=(LineRanges("first_line", "last_line", end=REPORT_2021_TEXT_LINES),
           CoveredOrLeftOut("kind", "covered_by", "left_out_reason", left_out=LEFT_OUT)),
    max_rows=limits.MAX_ROWS_BAR_CHART,
))
_raw(TableSchema(
    "report_dates", "raw",
    "Dates the report's qualitative chapters give (meetings, decisions), each with the sentence and its line: a "
    "day, a month or a year (YYYY-MM-DD, YYYY-MM, YYYY), from date_from to date_to.",
    (text("date_id", "date id"),
     text("date_from", "first day, month or year", pattern=r"\d{4}(?:-\d{2}(?:-\d{2})?)?"),
     text("date_to", "last day, month or year (the same precision)", pattern=r"\d{4}(?:-\d{2}(?:-\d{2})?)?"),
     text("quote_ru", "the sentence"), _SRC, _NOTE),
    keys=("date_id",), max_rows=limits.MAX_ROWS_BAR_CHART,
))
_raw(TableSchema(
    "errata", "raw",
    "Register of the source's defects: the file and rows concerned (``col=value`` / ``col in (a, b)`` selectors, "
    "one per file, separated by «; »), the rule that detects the defect, evidence and the derived correction.",
    (text("erratum_id", "erratum id", pattern=r"E\d+"), text("file", "file(s) concerned, «; »-separated"),
     text("rows", "row selector(s), one per file"), text("rule_id", "rule that detects it"),
     text("description_en", "what is wrong"),
     *_edition_texts("description", "what is wrong"),
     text("evidence", "lines and numbers"),
     *_edition_texts("evidence", "the evidence"),
     text("correction", "how a corrected value is derived, or none"),
     *_edition_texts("correction", "the correction"),
     text("source_lines", "lines of the text")),
    keys=("erratum_id",),
    min_rows=0,
    renamed=errata.RENAMED,
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
    max_rows=limits.MAX_ROWS_LONG_OFFICIAL,
))
_raw(TableSchema(
    "official_indicators_meta", "raw", "One row per official indicator: unit, descriptions, coverage, caveats.",
    (text("indicator", "indicator id"), text("unit", "unit"), text("description_en", "description"),
     text("description_ru", "description"),
     *(text(f"label_{lang}", f"the indicator's label for readers in {name} (figures, tables); the id is shown "
            "where a language has none (a validation warning)", required=False, nullable=True)
       for lang, name in (("en", "English"), ("ru", "Russian"), ("kk", "Kazakh"))),
     text("ref_periods", "periods"), text("coverage", "coverage"),
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
         text("source", "where the number comes from", required=False, nullable=True), _ROW_NOTE),
        keys=("region",),
        rules=(RegionRule("region"),),
        max_rows=limits.MAX_ROWS_PER_REGION_TABLE,
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
        _ROW_NOTE,
    ),
    rules=(RegionRule("region_code", canonical=True), RegionRule("region", canonical=True), *_BREAKDOWN_RULES),
    max_rows=limits.MAX_ROWS_PER_REGION_TABLE,
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
     _ROW_NOTE),
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
     text("description_kk", "what is wrong, in Kazakh (empty where the register gives none)", nullable=True),
     text("evidence_kk", "the evidence, in Kazakh (empty where the register gives none)", nullable=True),
     text("correction_kk", "the correction, in Kazakh (empty where the register gives none)", nullable=True),
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


def all_schemas() -> dict[str, TableSchema]:
    return {**{f"raw.{k}": v for k, v in RAW.items()}, **{f"processed.{k}": v for k, v in PROCESSED.items()}}

