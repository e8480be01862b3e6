"""The register: one row per published value (and per derived value), its status and its claim and note in every
edition language (``claim``/``note`` in English, ``claim_<lang>``/``note_<lang>`` beside them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from vstudy import i18n
from vstudy.analysis.replication import activities, demographics, headline
from vstudy.analysis.replication.claims import claim, claim_id
from vstudy.analysis.replication.core import (
    DERIVED,
    REGISTER_LANGS,
    S00,
    S01,
    S02,
    S03,
    S05,
    S06,
    S07,
    STATUS_KEY,
    STATUS_ORDER,
    Context,
    combine,
    render,
)
from vstudy.analysis.shared import once_per_build
from vstudy.vocab import SECTIONS

# The English claim and note, then each other edition's: ``claim_ru``, ``note_ru``, ``claim_kk``, ``note_kk``.
COLUMNS = ["claim_id", "section", "claim", "published_value", "published_as_printed", "source_line",
           "recomputed_value", "difference", "status", "note",
           *[f"{kind}_{lang}" for lang in REGISTER_LANGS if lang != "en" for kind in ("claim", "note")]]

TABLE_SECTION = {
    "age_national": S01, "age_by_region": S01, "status_national": S01, "status_by_region": S01,
    "gender_national": S01, "gender_extremes": S01, "organisations_by_region": S02, "correlations_published": S03,
    "event_directions_national": S05, "event_directions_by_region": S05, "ways_of_volunteering": S05,
    "participant_category_quotes": S05, "org_directions_partial": S05, "info_line_totals": S07,
    "info_line_channels": S07, "info_line_categories": S07, "info_line_monthly": S07, "headline_figures": S00,
}
HEADLINE_SECTIONS = {"volunteers_total": S00, "hours_": S06, "employee_": S06, "economic_": S06, "data_period": S00,
                     "ngo_total": S02, "initiative_group": S02, "gender_": S01, "age_": S01, "nur_sultan_": S01,
                     "taza_alem": S05}
# Processed tables the register reads (``<name>_<scheme>`` or dataset-wide), through :func:`inputs`.
INPUT_TABLES = ("published_values", "headline_figures", "age", "status", "organisations", "event_directions",
                "event_counts",
                "event_directions_national_corrected", "age_national", "status_national", "gender_national",
                "gender_extremes", "correlations_published", "ways_of_volunteering", "participant_category_quotes",
                "info_line_totals", "info_line_channels", "info_line_categories", "info_line_monthly",
                "errata_evaluated", "regions")
STEPS = (demographics.national_shares, demographics.age_lists, demographics.status_lists,
         demographics.gender_extremes, activities.organisations, activities.events, activities.ways,
         activities.participants, activities.org_directions, headline.correlations, headline.headline,
         headline.info_line)


def inputs(table: Callable[[str], pd.DataFrame | None]) -> dict[str, pd.DataFrame | None]:
    """The processed tables the register reads; ``table`` is e.g. ``study.table`` (None where absent)."""
    return {name: table(name) for name in INPUT_TABLES}


def _section_of(figure_id: str) -> str:
    return next((s for prefix, s in HEADLINE_SECTIONS.items() if figure_id.startswith(prefix)), S00)


def _texts(claim_message, notes) -> dict[str, str]:
    out = {}
    for lang in REGISTER_LANGS:
        suffix = "" if lang == "en" else f"_{lang}"
        out[f"claim{suffix}"] = claim_message.text(lang)
        out[f"note{suffix}"] = render(notes, lang)
    return out


@once_per_build  # the same in every edition (its claims and notes are written in every language at once)
def build_register(tables: Mapping[str, pd.DataFrame | None], scheme: str, period: Mapping[str, object] | None = None,
                   coefficients: pd.DataFrame | None = None) -> pd.DataFrame:
    """The register of the published values in ``tables`` (see :func:`inputs`), with ``COLUMNS``.

    ``period`` is the manifest's period (start, end); ``coefficients`` the report family's Pearson rows of section
    03 (``correlations.run_correlations``: coef_id, x, y, n, r, note). Published values come first, in the order
    of ``published_values``; derived rows (status ``derived``) follow.
    """
    ctx = Context(tables, scheme, period or {}, coefficients)
    pv = ctx.t("published_values")
    if pv is None:
        return pd.DataFrame(columns=COLUMNS)
    for step in STEPS:
        step(ctx)
    rows = []
    for row in pv.itertuples():
        code = None if row.region_code is None or pd.isna(row.region_code) else row.region_code
        item = None if row.item is None or pd.isna(row.item) else row.item
        r = row._replace(region_code=code, item=item)
        result = combine(ctx.checks.get((r.table, item, code, r.column), []))
        section = _section_of(str(item)) if r.table == "headline_figures" else TABLE_SECTION.get(r.table, S00)
        rec = None if result.recomputed is None else float(result.recomputed)
        rows.append({
            "claim_id": claim_id(r), "section": section,
            "published_value": float(r.value), "published_as_printed": r.as_printed,
            "source_line": int(r.source_line), "recomputed_value": rec,
            "difference": None if rec is None else round(rec - float(r.value), 6),
            "status": result.status, **_texts(claim(ctx, r), result.notes)})
    for d in ctx.derived:
        rows.append({"claim_id": d["claim_id"], "section": d["section"], "recomputed_value": d["recomputed_value"],
                     "published_value": None, "published_as_printed": None, "source_line": None,
                     "difference": None, "status": DERIVED, **_texts(d["claim"], d["notes"])})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["source_line"] = out["source_line"].astype("Int64")
    for col in ("published_value", "recomputed_value", "difference"):
        out[col] = out[col].astype(float)
    return out


def status_counts(register: pd.DataFrame) -> pd.Series:
    """Rows per status, in :data:`STATUS_ORDER`."""
    return register["status"].value_counts().reindex(list(STATUS_ORDER), fill_value=0)


def _section_title(section: str, lang: str) -> str:
    """A section's title in ``lang`` (the ``sections`` catalogue, through the section registry)."""
    return i18n.text(lang, SECTIONS[section].title_id)


def status_summary(register: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Rows per section (its title in ``lang``) and status, with a total row; empty for an empty register."""
    if register.empty:
        return pd.DataFrame(columns=[*STATUS_ORDER, "total"], index=pd.Index([], name="section"))
    out = register.pivot_table(index="section", columns="status", values="claim_id", aggfunc="count",
                               fill_value=0).reindex(columns=list(STATUS_ORDER), fill_value=0)
    out = out.reindex([s for s in SECTIONS if s in out.index])
    out.loc["total"] = out.sum()
    out["total"] = out.sum(axis=1)
    out.columns.name = None
    out.index = pd.Index([i18n.text(lang, "replication.summary_total") if s == "total" else _section_title(s, lang)
                          for s in out.index], name="section")
    return out.astype(int)


def status_meaning(status: str, lang: str = "en") -> str:
    """What a status means, in ``lang``."""
    return i18n.text(lang, f"replication.status_meaning.{STATUS_KEY[status]}")


def status_vocabulary(lang: str = "en") -> pd.DataFrame:
    """The declared statuses and what each means, for the reader."""
    return pd.DataFrame([{"status": s, "meaning": status_meaning(s, lang)} for s in STATUS_ORDER]).set_index("status")
