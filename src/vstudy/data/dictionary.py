"""The data dictionary: every declared table and column (:mod:`vstudy.data.schemas`) as a table and as Markdown.

The one rendering of the declarations: the processed layer's ``data_dictionary.md`` and the site's data page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator

import pandas as pd

from vstudy import i18n
from vstudy.data.schema_model import (
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
)
from vstudy.data.schemas import all_schemas

# The processed tables made only from certain raw tables (vstudy.data.processed.build): a dataset has one only when
# its manifest names one of them. Every other processed table is made for every dataset.
PROCESSED_FROM: dict[str, tuple[str, ...]] = {
    "processed.official_national": ("raw.official_indicators",),
    "processed.age": ("raw.age_by_region", "raw.regional"),
    "processed.status": ("raw.status_by_region", "raw.regional"),
    "processed.organisations": ("raw.organisations_by_region",),
    "processed.event_directions": ("raw.event_directions_by_region", "raw.events_by_direction"),
    "processed.event_counts": ("raw.event_directions_by_region",),
    "processed.event_directions_national_corrected": ("raw.event_directions_national",),
    "processed.errata_evaluated": ("raw.errata",),
}

# The declarations' words that speak of the 2021 report's transcription, as a dataset that is not the report's has
# them (``<table key>`` for a table's description, ``<table key>.<column>`` for a column's): true of any dataset. The
# report's own dictionary keeps the declarations' words.
DATASET_WORDS: dict[str, str] = {
    "processed.long": "Every region-level value in the dataset's scheme, one per row: values the dataset supplies, "
                      "values derived in code (shares, rates) and official indicators for every period on the scheme. "
                      "Official indicators keep their raw id as variable; supplied and derived values use the wide "
                      "names.",
    "processed.long.ref_period": "reference period, or the dataset's period label for the values it supplies",
    "processed.long.source": "file:line and column of the raw table the value is read from (with the column's "
                             "declared source), or source_id and location",
    "processed.regions.ngo_share_pct": "NGOs as % of the region's organisations: as published where the dataset "
                                       "publishes the share, else from its supplied counts",
    "processed.regions.vol_age_pension_pct": "volunteers of pension age, CORRECTED where a published list is a copy "
                                             "of another (100 − the other three)",
    "processed.event_directions": "Share of each region's events by direction (long): derived from the supplied "
                                  "counts of events_by_direction (events_count), or as the dataset's regional lists "
                                  "give them (then label_as_published is the list's label).",
    "processed.event_directions.source": "file:line of the raw table",
}


def description(key: str, schema: TableSchema, column: str | None = None, report: bool = True) -> str:
    """The declared description of the table ``key`` (or of its ``column``), in the words of :data:`DATASET_WORDS`
    for a dataset that is not the 2021 report's transcription (``report`` False) where the declaration speaks of
    the report."""
    declared_text = schema.description if column is None else schema.column(column).description
    if report:
        return declared_text
    return DATASET_WORDS.get(key if column is None else f"{key}.{column}", declared_text)


def declared(keys: Collection[str] | None = None) -> Iterator[tuple[str, TableSchema]]:
    """The declared tables (``raw.<schema>``, ``processed.<name>``) in declaration order: those in ``keys``, or every
    one when None."""
    return ((key, schema) for key, schema in all_schemas().items() if keys is None or key in keys)


def data_dictionary() -> pd.DataFrame:
    """One row per column of every declared table: layer, table, column, dtype, label (English), unit, range, rules,
    description."""
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
                "label": column_label(col.name), "unit": col.unit, "range": rng, "constraints": "; ".join(constraints),
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
    if isinstance(rule, LineRanges):
        return column in (rule.first, rule.last)
    if isinstance(rule, CoveredOrLeftOut):
        return column in (rule.kind, rule.covered_by, rule.reason)
    return isinstance(rule, DistinctGroups) and rule.group_by == column


def column_label(name: str, lang: str = "en") -> str:
    """A declared column's label for readers in ``lang``: the ``labels`` catalogue's header of that column, else
    its term; "" where the catalogue has neither (the one lookup the data layer makes; the present layer's
    :func:`vstudy.present.labels.column_label` adds the patterns of columns named from data)."""
    for key in (f"labels.column.{name}", f"labels.term.{name}"):
        if i18n.has(lang, key):
            return i18n.text(lang, key)
    return ""


def data_dictionary_markdown(level: int = 1, title: bool = True, label: Callable[[str], str] | None = None,
                             keys: Collection[str] | None = None, report: bool = True) -> str:
    """The dictionary as Markdown: one section per table with its description, keys, rules and columns.

    The one rendering of the dictionary: the processed layer's ``data_dictionary.md`` (``level=1``) and the
    site's data page (under its own heading: ``level=3, title=False``). ``level`` is the title's heading level;
    each table's heading is one below it. ``label``: a column's label for readers (default :func:`column_label`,
    the catalogue's; the site passes the present layer's, which also knows the labels declared beside the analysis).
    ``keys``: the declared tables to list (``raw.<schema>``, ``processed.<name>``; default every one). ``report``
    False: a dataset that is not the 2021 report's transcription, whose descriptions are :func:`description`'s.
    """
    label = label or column_label
    out = ([f"{'#' * level} Data dictionary", ""] if title else []) + [
           "Generated from `vstudy.data.schemas` (the declarations `vstudy validate` enforces). New data are collected "
           "in the tables `raw.regional` and `raw.events_by_direction` (the collection contract; `vstudy template` "
           "writes them to fill). Processed tables whose "
           "name ends in `_<scheme>` are written once per dataset (e.g. `regions_kz2021`). Raw national and "
           "information-line tables are copied to the processed layer unchanged (typed, with `region_code` where "
           "they name a region).", ""]
    for key, schema in declared(keys):
        out += [f"{'#' * (level + 1)} `{key}`", "", md_text(description(key, schema, report=report)), ""]
        if schema.keys:
            out.append(f"Key: {', '.join(schema.keys)}.")
        for rule in schema.rules:
            out.append(f"Rule: {md_text(rule.describe())}.")
        out += ["", "| column | label | type | unit | range | constraints | description |",
                "|---|---|---|---|---|---|---|"]
        for col in schema.columns:
            rng = ""
            if col.min is not None or col.max is not None:
                rng = f"[{'' if col.min is None else f'{col.min:g}'}, {'' if col.max is None else f'{col.max:g}'}]"
            cons = ", ".join(x for x in ("key" if col.name in schema.keys else "",
                                         "optional" if not col.required else "",
                                         "may be empty" if col.nullable else "") if x)
            out.append(f"| `{col.name}` | {md_text(label(col.name))} | {col.dtype} | {md_text(col.unit)} | {rng} | {cons} | "
                       f"{md_text(description(key, schema, col.name, report))} |")
        out.append("")
    return "\n".join(out)


_MD_SPECIAL = re.compile(r"[<>&|$@{}\\]")


def md_text(text: str) -> str:
    """Declared text outside its ``code spans`` as Markdown that renders as written: ``regions_<scheme>`` is not an
    HTML tag, ``\\d{4}`` not an attribute, ``|`` not a cell border."""
    parts = re.split(r"(`+[^`]*`+)", text)
    return "".join(part if i % 2 else _MD_SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", part)
                   for i, part in enumerate(parts))

