"""What was learned, in figures: the headline facts the home page and the study PDF's summary state.

Every fact is computed from the processed layer by the SAME analysis function that computes the section table a
reader finds it in, so the home page and the section say the same number (one place per meaning):

========================  ======================================================  ==================================
fact                      computed by                                             shown in (``<section>__<name>``)
========================  ======================================================  ==================================
volunteers                the dataset's published total, else Σ ``volunteers_     00 ``replication`` (the published
                          count`` of the regions (:func:`volunteers`)             total's row); 02
                                                                                  ``volunteers_per_association``
national mix (gender,     :func:`vstudy.analysis.demographics.published_national` 01 ``national_shares``, else 01
age, social status)       else :func:`~vstudy.analysis.demographics.implied_      ``implied_national``
                          national` (:func:`national_mix`)
organisations             :func:`vstudy.analysis.demographics.totals_table`       02 ``totals`` (``recomputed``)
events                    Σ supplied ``events_count`` (:func:`events`)            05 ``events_supplied_vs_
                                                                                  reconstructed`` when the section has
                                                                                  a reconstruction (else its text only)
hours, money value        :func:`vstudy.analysis.economics.inputs`, ``grid_for``  06 ``inputs``, 06 ``sensitivity``
information line          :func:`vstudy.analysis.infoline.stated`                 07 ``totals``
the register's verdict    :func:`register_counts` (also section 00's sentence)    00 ``replication``
the report's coefficients :func:`vstudy.analysis.correlations.published_family`   03 ``published_family``
========================  ======================================================  ==================================

A fact the dataset does not have is ``None`` (its line is left out, never called missing). Nothing here is a word:
the sentences are the ``home`` catalogue's, filled by :mod:`vstudy.publish.pages`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from vstudy.analysis import correlations as cs
from vstudy.analysis import demographics, economics, infoline
from vstudy.analysis.replication.core import DERIVED, STATUS_ORDER

Tables = Callable[[str], "pd.DataFrame | None"]

# The processed tables the headline reads (``<name>_<scheme>`` or dataset-wide), as a notebook's ``study.table``.
INPUT_TABLES = ("headline_figures", "regions", "national_shares", "official_national", "info_line_totals",
                "correlations_published")
# The report's published totals of volunteers (the figure ids of ``headline_figures``).
VOLUNTEERS_FIGURE = "volunteers_total"
REQUESTS_METRIC = "requests_total"
MONTHS_METRIC = "operation_period_months"


@dataclass(frozen=True)
class Volunteers:
    total: float
    published: bool  # the dataset's own total (True) or the sum of its regions' counts (False)
    regions: int  # regions with a count (the sum's units; 0 for a published total)


@dataclass(frozen=True)
class NationalMix:
    """National shares (%) by dimension (``gender``, ``age_group``, ``status``) → category → share, as the section
    table shows them; ``implied``: derived from the regions' volunteer counts rather than published."""

    shares: dict[str, dict[str, float]]
    implied: bool

    def share(self, dimension: str, category: str) -> float | None:
        return self.shares.get(dimension, {}).get(category)

    def largest(self, dimension: str) -> tuple[str, float] | None:
        """The largest category of a dimension and its share (the first in the table's order on a tie)."""
        found = self.shares.get(dimension) or {}
        if not found:
            return None
        best = max(found, key=lambda k: (found[k], -list(found).index(k)))
        return best, found[best]


@dataclass(frozen=True)
class Organisations:
    ngo: float
    groups: float
    total: float
    group_share_pct: float


@dataclass(frozen=True)
class Activity:
    events: float | None  # Σ supplied events
    event_regions: int
    hours: float | None  # hours of the period
    hours_published: bool  # the dataset's own total (else Σ regions)
    months: float  # months of the period (the manifest's)


@dataclass(frozen=True)
class Value:
    lo_bn: float  # the lowest and highest annual value of the sensitivity grid, billion tenge
    hi_bn: float
    cases: int  # the grid's rows (combinations of assumptions)
    published_bn: float | None  # the value the dataset publishes (the report's «не менее 3,2 млрд»)
    reaching: int  # cases that reach the published value


@dataclass(frozen=True)
class InfoLine:
    requests: float
    months: float | None


@dataclass(frozen=True)
class Headline:
    volunteers: Volunteers | None = None
    mix: NationalMix | None = None
    organisations: Organisations | None = None
    activity: Activity | None = None
    value: Value | None = None
    info_line: InfoLine | None = None


# --- the facts ----------------------------------------------------------------------------------------------------


def _figure(headline: pd.DataFrame | None, figure_id: str) -> float | None:
    if headline is None or "figure_id" not in headline.columns:
        return None
    hit = headline.loc[headline["figure_id"] == figure_id, "value"]
    return float(hit.iloc[0]) if len(hit) and pd.notna(hit.iloc[0]) else None


def _column_sum(regions: pd.DataFrame | None, column: str) -> tuple[float | None, int]:
    if regions is None or column not in regions.columns:
        return None, 0
    values = pd.to_numeric(regions[column], errors="coerce").dropna()
    return (float(values.sum()), len(values)) if len(values) else (None, 0)


def volunteers(headline: pd.DataFrame | None, regions: pd.DataFrame | None) -> Volunteers | None:
    """The number of volunteers: the dataset's published total (``headline_figures.volunteers_total``, the row the
    register checks), else the sum of the regions' ``volunteers_count``; None when the dataset has neither."""
    total = _figure(headline, VOLUNTEERS_FIGURE)
    if total is not None:
        return Volunteers(total, True, 0)
    total, k = _column_sum(regions, "volunteers_count")
    return None if total is None else Volunteers(total, False, k)


def national_mix(national: pd.DataFrame | None) -> NationalMix | None:
    """The national shares section 01 shows: those the dataset publishes (its ``national_shares`` table), else
    those implied by the supplied volunteer counts (its ``implied_national`` table, rounded as it shows them)."""
    published = demographics.published_national(national)
    if published is not None:
        frame, column, implied = published, "share_pct", False
    else:
        frame = demographics.implied_national(national)
        if frame is None:
            return None
        frame = frame.assign(dimension=frame["dimension"].map(lambda d: demographics.DIMENSIONS.get(d, d)))
        column, implied = "implied_national_pct", True
    shares: dict[str, dict[str, float]] = {}
    for row in frame.itertuples(index=False):
        value = getattr(row, column)
        if pd.notna(value):
            shares.setdefault(str(row.dimension), {})[str(row.category)] = float(value)
    return NationalMix(shares, implied) if shares else None


def organisations(regions: pd.DataFrame | None, headline: pd.DataFrame | None) -> Organisations | None:
    """NGOs, initiative groups, their sum and the groups' share: section 02's totals table, recomputed from the
    regions' counts (:func:`vstudy.analysis.demographics.totals_table`)."""
    totals = demographics.totals_table(demographics.organisations_frame(regions), headline)
    if totals is None:
        return None
    value = totals.set_index("quantity")["recomputed"].astype(float)
    return Organisations(*(float(value[k]) for k in ("ngo_count", "initiative_group_count", "organisations_count",
                                                      "initiative_group_share_pct")))


def events(regions: pd.DataFrame | None) -> tuple[float | None, int]:
    """The supplied events of the period (Σ ``events_count`` of the regions that give one, and how many do);
    (None, 0) when the dataset supplies no event counts (a reconstruction from published shares is not a count)."""
    return _column_sum(regions, "events_count")


def economic_inputs(tables: Tables, manifest: Mapping) -> dict | None:
    """Section 06's inputs (:func:`vstudy.analysis.economics.inputs`), from the same processed tables; None
    without a period."""
    from vstudy.data import datasets

    period = manifest.get("period")
    try:
        months = datasets.period_months(period)  # type: ignore[arg-type]
    except ValueError:
        return None
    return economics.inputs(tables("headline_figures"), tables("regions"), tables("official_national"), period,
                            months, tables("national_shares"), report=manifest.get("transcribes") == "report_2021")


def value(inp: Mapping | None) -> Value | None:
    """The range of the annual money value over section 06's sensitivity grid (and the published value beside
    it, with how many cases reach it); None without hours or a wage."""
    grid = economics.grid_for(inp) if inp is not None else None
    if grid is None or grid.empty:
        return None
    target = inp["target"]
    return Value(float(grid["value_bn_kzt_per_year"].min()), float(grid["value_bn_kzt_per_year"].max()), len(grid),
                 None if target is None else target / 1e9,
                 int(grid["reaches_target"].sum()) if target is not None and "reaches_target" in grid else 0)


def info_line(totals: pd.DataFrame | None) -> InfoLine | None:
    """The information line's requests and months of operation as section 07's totals table states them."""
    stated = infoline.stated(totals)
    requests = stated.get(REQUESTS_METRIC)
    if requests is None or pd.isna(requests):
        return None
    months = stated.get(MONTHS_METRIC)
    return InfoLine(float(requests), None if months is None or pd.isna(months) else float(months))


def headline(tables: Tables, manifest: Mapping) -> Headline:
    """Every headline fact of the dataset; ``tables`` reads a processed table by name (``study.table``)."""
    figures, regions = tables("headline_figures"), tables("regions")
    inp = economic_inputs(tables, manifest)
    ev, ev_regions = events(regions)
    hours = inp["hours"] if inp is not None else None
    activity = None
    if ev is not None or hours is not None:
        activity = Activity(ev, ev_regions, hours, inp is not None and inp["hours_source"] == "headline_total",
                            inp["months"] if inp is not None else 0.0)
    return Headline(volunteers(figures, regions), national_mix(tables("national_shares")),
                    organisations(regions, figures), activity, value(inp), info_line(tables("info_line_totals")))


def processed_tables(processed_dir, scheme: str) -> Tables:
    """A reader of the processed layer as a notebook's ``study.table``: ``<name>_<scheme>``, else ``<name>``,
    else None."""
    from pathlib import Path

    from vstudy.data import processed

    base = Path(processed_dir)
    cache: dict[str, pd.DataFrame | None] = {}

    def table(name: str) -> pd.DataFrame | None:
        if name not in cache:
            cache[name] = next((processed.read_table(c, base) for c in (f"{name}_{scheme}", name)
                                if (base / f"{c}.parquet").is_file()), None)
        frame = cache[name]
        return None if frame is None else frame.copy()

    return table


# --- the replication register and the report's coefficients -------------------------------------------------------


def register_counts(register: pd.DataFrame | None) -> dict[str, object]:
    """The register in counts — the one place both section 00 and the home page take them from: ``published``
    (rows of numbers the report publishes), ``derived`` (values the study derives from them, counted apart) and
    ``by_status`` (status → rows, published numbers only, in :data:`STATUS_ORDER`)."""
    if register is None or "status" not in register.columns:
        return {"published": 0, "derived": 0, "by_status": {}}
    status = register["status"].astype(str)
    published = status[status != DERIVED]
    counts = published.value_counts()
    order = [s for s in STATUS_ORDER if s != DERIVED] + sorted(set(counts.index) - set(STATUS_ORDER))
    return {"published": int(len(published)), "derived": int((status == DERIVED).sum()),
            "by_status": {s: int(counts.get(s, 0)) for s in order}}


def register_by_section(register: pd.DataFrame | None, sections: list[str]) -> list[tuple[str, dict]]:
    """:func:`register_counts` of each section's rows, in the order of ``sections`` (the study's reading order;
    sections the register does not name are left out, unknown ones follow)."""
    if register is None or not {"status", "section"} <= set(register.columns) or register.empty:
        return []
    named = [s for s in sections if s in set(register["section"])]
    named += sorted(set(register["section"].astype(str)) - set(named))
    return [(s, register_counts(register[register["section"] == s])) for s in named]


def report_coefficients(published: pd.DataFrame | None, n_regions: int, alpha: float = cs.ALPHA) -> dict | None:
    """The report's published coefficients tested at the dataset's number of regions (section 03's
    ``published_family`` table, :func:`vstudy.analysis.correlations.published_family`): how many there are, how
    many differ from 0 without correction and how many hold after Holm's correction over them; None without them."""
    family = cs.published_family(published, n_regions, alpha)
    if family is None or family.empty:
        return None
    return {"n": len(family), "raw": int(family["significant_raw"].fillna(False).astype(bool).sum()),
            "holm": int(family["significant_holm"].fillna(False).astype(bool).sum()), "n_regions": int(n_regions)}
