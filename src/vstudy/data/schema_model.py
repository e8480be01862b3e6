"""How a table is declared: its columns (type, unit, range, allowed values, calendar check) and its rules.

The declarations themselves are in :mod:`vstudy.data.schemas`; :mod:`vstudy.data.validation` checks data against
them and :mod:`vstudy.data.dictionary` documents them.

Why a small declarative layer rather than pandera: the checks that matter here are about *where* a raw value
came from — the CSV line of a hand-transcribed cell, a region name that must resolve through the gazetteer,
a ranked list that must name each unit of the scheme once, a row sum that a known report defect is allowed to
break. Each rule carries its id (``rule_id``), its severity and the errata rule ids that may declare a violation
as a known defect of the source (``explained_by``).
"""

from __future__ import annotations

from dataclasses import dataclass

from vstudy.data import limits

NATIONAL_CODE = "KZ"  # region_code given to rows of national totals (ISO 3166-1 code of the country)

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


@dataclass(frozen=True)
class LineRanges:
    """The rows are consecutive ranges of lines of one text, ``first``–``last`` (a report's chapters): in row
    order each range starts on the line after the previous one ends (ordered, no overlap, no gap), ``first`` ≤
    ``last``, the first range starts at line ``start`` and the last ends at ``end`` (the text's last line), so
    every line between belongs to exactly one row."""

    first: str
    last: str
    start: int = 1
    end: int | None = None
    explained_by: tuple[str, ...] = ()
    rule_id: str = "line_ranges"
    severity: str = "error"

    def describe(self) -> str:
        end = f"line {self.end}" if self.end is not None else "the text's last line"
        return (f"{self.first}–{self.last}: consecutive line ranges in row order (no overlap, no gap), from line "
                f"{self.start} to {end}")


@dataclass(frozen=True)
class CoveredOrLeftOut:
    """A report chapter is taken up by the study's sections or left out, as its ``kind`` says: ``quantitative``
    names sections in ``covered_by`` and no reason; ``qualitative`` is ``left_out`` with a ``reason``; ``mixed``
    names sections and gives the reason for what it leaves out."""

    kind: str
    covered_by: str
    reason: str
    left_out: str = "left_out"
    explained_by: tuple[str, ...] = ()
    rule_id: str = "covered_or_left_out"
    severity: str = "error"

    def describe(self) -> str:
        return (f"{self.kind} quantitative: {self.covered_by} names sections, {self.reason} empty; qualitative: "
                f"{self.covered_by} = {self.left_out} with a {self.reason}; mixed: sections and a {self.reason}")


Rule = (RegionRule | GroupSum | RowSum | DistinctGroups | PartsWithinTotal | PartsSumToTotal | SharesSum
        | CountOrShare | LineRanges | CoveredOrLeftOut)


@dataclass(frozen=True)
class TableSchema:
    """A table: ``layer`` raw|processed; ``keys`` must be unique; ``min_rows`` data rows at least, ``max_rows`` at
    most (:mod:`vstudy.data.limits`: reading stops past it)."""

    name: str
    layer: str
    description: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    min_rows: int = 1
    max_rows: int = limits.DEFAULT_MAX_ROWS
    # (name, declared): a column a user may write under another name; refused, naming the declared one.
    renamed: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

