"""Section 05 (activities by direction) in words, in every edition's language.

Each function takes the frames :mod:`vstudy.analysis.activities` computed and the edition's ``lang`` and returns
:class:`~vstudy.present.words.Rendered` Markdown (or a list of it) for ``Study.say``: the sentences are the messages
``activities.*`` of the catalogues (``src/vstudy/i18n/catalogues/<lang>/activities.yml``); this module computes the
facts (counts, shares, flags) and picks the messages. A part whose inputs are absent gets one sentence and no
heading. Directions are named by :mod:`vstudy.present.labels` in ``lang``.

``report`` says whether the dataset is the 2021 report's transcription (:func:`is_report_transcription`): only then
do sentences speak of "the report".
"""

from __future__ import annotations

import pandas as pd

from vstudy.data import processed
from vstudy.data.manifest import transcribes_report
from vstudy.present import labels
from vstudy.present.words import Rendered, t

# The regional table's column of events per region (the template's name, vstudy.data.schemas).
EVENTS_COLUMN = "events_count"
# Whether the dataset is the 2021 report's transcription: the one check sections 05 and 07 make before a sentence
# speaks of "the report" (:func:`vstudy.data.manifest.transcribes_report`).
is_report_transcription = transcribes_report


def intro_text(lang: str, report: bool) -> Rendered:
    """The section's opening paragraph: what it shows of the events by direction. For the 2021 report's
    transcription (``report``) also the report's national chart and the participant categories its text quotes;
    for a researcher's own data none of them, and no term of the report quoted (the directions by the study's
    names)."""
    return t(lang, f"activities.intro.{'report' if report else 'dataset'}")


def _direction(direction_id: object, lang: str) -> str:
    return labels.label(str(direction_id), lang, default=str(direction_id))


def directions_text(matrix: pd.DataFrame | None, totals: pd.DataFrame | None, lang: str, tolerance: float = 0.02,
                    supplied: bool = False, report: bool = True) -> Rendered | list[Rendered]:
    """The regional lists: heading, how many regions and directions, and whether each list adds up to 100.

    ``supplied``: the dataset gives the events of each direction (the shares are computed from them,
    :func:`vstudy.analysis.activities.counts_supplied`), rather than published shares. Without lists, the report's
    transcription (``report``) says it has none; a researcher's dataset is told the template's table to fill.
    """
    if matrix is None or totals is None:
        return t(lang, "activities.directions.absent" if report else "activities.directions.absent_dataset")
    parts = [t(lang, "activities.directions.heading"), t(lang, "activities.directions.intro", supplied=bool(supplied))]
    if supplied:  # shares computed from counts add up to 100 by construction: nothing to check
        return [*parts, t(lang, "activities.directions.counted", regions=len(matrix), directions=int(matrix.shape[1]))]
    return [*parts,
            t(lang, "activities.directions.summary", regions=len(matrix), directions=int(matrix.shape[1]),
              lo=float(totals["sum_pct"].min()), hi=float(totals["sum_pct"].max()),
              ok=int(totals["within_tolerance"].sum()), tol=tolerance)]


def top_direction_text(top: pd.DataFrame | None, lang: str) -> Rendered | None:
    """Which direction leads in most regions."""
    if top is None or top.empty:
        return None
    leaders = top["direction_id"].value_counts()
    return t(lang, "activities.top", name=_direction(leaders.index[0], lang), k=int(leaders.iloc[0]), n=len(top))


def national_text(shares: pd.DataFrame | None, lang: str, report: bool = False) -> Rendered | list[Rendered]:
    """The national chart: heading, which values it lacks and how they are derived. Without one, the report's
    transcription (``report``) says so; a researcher's dataset, which the template gives no national chart, gets
    nothing."""
    if shares is None:
        return t(lang, "activities.national.absent") if report else None
    pooled = bool(shares["reconstructed_pct"].notna().any())
    parts = [t(lang, "activities.national.heading"),
             t(lang, "activities.national.intro", report=bool(report), pooled=pooled)]
    missing = [_direction(d, lang) for d in shares.loc[shares["published_pct"].isna(), "direction_id"]]
    if missing:
        parts.append(t(lang, "activities.national.missing", count=len(missing), first=missing[0], names=missing))
        if pooled:
            parts.append(t(lang, "activities.national.derivations"))
    return parts


def reconstruction_text(counts: pd.DataFrame | None, shares: pd.DataFrame | None, lang: str, report: bool = False
                        ) -> list[Rendered] | None:
    """What the reconstructed counts add up to and how they compare with the national shares."""
    if counts is None:
        return None
    column = "region_events_count" if "region_events_count" in counts.columns else "region_events"
    totals = counts.groupby("region_code")[column].first()
    parts = [t(lang, "activities.reconstruction.total", total=int(totals.sum()), lo=int(totals.min()),
               hi=int(totals.max()))]
    failed = int(totals.isna().sum())
    if failed:
        parts.append(t(lang, "activities.reconstruction.failed", max_n=processed.MAX_EVENTS_PER_REGION, k=failed))
    if shares is not None:
        pub = shares[shares["published_pct"].notna()]
        parts.append(t(lang, "activities.reconstruction.pooled", ok=int((pub["status"] == "reproduced").sum()),
                       n=len(pub), report=bool(report)))
        for row in shares[shares["published_pct"].isna()].itertuples():
            events = None if pd.isna(row.reconstructed_events) else int(row.reconstructed_events)
            parts.append(t(lang, "activities.reconstruction.residual", name=_direction(row.direction_id, lang),
                           residual=row.residual_pct, events=events, reconstructed=row.reconstructed_pct))
    parts.append(t(lang, "activities.reconstruction.derived"))
    return parts


def supplied_events_text(comparison: pd.DataFrame | None, counts: pd.DataFrame | None,
                         regions_table: pd.DataFrame | None, lang: str, lists: pd.DataFrame | None = None,
                         sums: pd.DataFrame | None = None) -> Rendered | list[Rendered]:
    """Supplied event counts against the reconstruction, or what the dataset gives instead.

    ``lists`` are the regional lists of directions (processed ``event_directions``); when they carry the events of
    each direction (a dataset filled from the template's ``events_by_direction``), ``sums`` — from
    :func:`vstudy.analysis.activities.direction_sums_check` — sets their sums against the regional totals.
    """
    from vstudy.analysis.activities import counts_supplied

    supplied = regions_table is not None and EVENTS_COLUMN in regions_table.columns \
        and bool(regions_table[EVENTS_COLUMN].notna().any())
    if comparison is not None:
        return [t(lang, "activities.supplied.heading"), t(lang, "activities.supplied.compared"),
                t(lang, "activities.supplied.agree", same=int((comparison["difference"] == 0).sum()),
                  n=len(comparison))]
    if counts_supplied(lists):
        parts = [t(lang, "activities.supplied.heading"), t(lang, "activities.supplied.by_direction")]
        if sums is not None and len(sums):
            parts.append(t(lang, "activities.supplied.sums", same=int((sums["difference"] == 0).sum()), n=len(sums)))
        else:
            parts.append(t(lang, "activities.supplied.no_total"))
        return parts
    if supplied and counts is None:
        return t(lang, "activities.supplied.no_lists", n=int(regions_table[EVENTS_COLUMN].notna().sum()))
    return t(lang, "activities.supplied.absent")


def ways_text(ways: pd.DataFrame | None, lang: str, report: bool = True) -> Rendered | list[Rendered] | None:
    """The ways of volunteering: heading, their sum and what a sum above 100 means. Without them, the report's
    transcription (``report``) says so; a researcher's dataset (the template has no such table) gets nothing."""
    if ways is None:
        return t(lang, "activities.ways.absent") if report else None
    total = float(ways.iloc[-1]["share_pct"])
    parts = [t(lang, "activities.ways.heading"), t(lang, "activities.ways.intro"),
             t(lang, "activities.ways.total", total=total)]
    if total > 100.005:
        parts.append(t(lang, "activities.ways.over", over=total - 100))
    return parts


def participant_text(categories: pd.DataFrame | None, lang: str, report: bool = False
                     ) -> Rendered | list[Rendered] | None:
    """The participant categories the text quotes: heading and what is (not) published. Without them, the report's
    transcription (``report``) says so; a researcher's dataset (the template has no such table) gets nothing."""
    if categories is None:
        return t(lang, "activities.participants.absent") if report else None
    return [t(lang, "activities.participants.heading"),
            t(lang, "activities.participants.text", n=int(categories["category"].nunique()), report=bool(report))]


def org_directions_text(values: pd.DataFrame | None, legend: pd.DataFrame | None, lang: str, report: bool = True
                        ) -> Rendered | list[Rendered] | None:
    """The partial chart of directions in the work of organisations: values and legend, never paired. Without it,
    the report's transcription (``report``) says so; a researcher's dataset (the template has no such chart) gets
    nothing."""
    if values is None:
        return t(lang, "activities.org_directions.absent") if report else None
    k, m = len(values), 0 if legend is None else len(legend)
    return [t(lang, "activities.org_directions.heading"), t(lang, "activities.org_directions.text", k=k, m=m),
            t(lang, "activities.org_directions.values", k=k, m=m, total=float(values["share_pct"].sum()))]
