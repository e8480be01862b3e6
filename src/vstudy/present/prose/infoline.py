"""Section 07 (the information line) in words, in every edition's language.

Each function takes the tables :mod:`vstudy.analysis.infoline` returned (their ``label`` columns already in the
edition's language) and ``lang``, and returns :class:`~vstudy.present.words.Rendered` Markdown (or a list of it) for
``Study.say``: the sentences are the messages ``infoline.*`` of the catalogues
(``src/vstudy/i18n/catalogues/<lang>/infoline.yml``); this module computes the facts and picks the messages. A part
whose inputs are absent gets one sentence and no heading, or nothing when the section has already said it has
nothing to show. ``report`` (:func:`vstudy.present.prose.activities.is_report_transcription`) lets a sentence name
the report only for the dataset that transcribes it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vstudy import i18n
from vstudy.analysis.infoline import CHECKS, main_channels, stated
from vstudy.present.prose.activities import is_report_transcription  # noqa: F401  (one check for 05 and 07)
from vstudy.present.words import Rendered, t


def _with_items(lang: str, msg_id: str, /, **facts: object) -> Rendered:
    """A message whose list facts are parts already filled (and escaped) by :func:`t`: filled without escaping
    them twice. Every text fact must be :class:`Rendered`."""
    for name, value in facts.items():
        items = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and not isinstance(v, Rendered) for v in items):
            raise TypeError(f"{msg_id}: the fact {name!r} must be filled by t() first")
    return Rendered(i18n.text(lang, msg_id, **facts))


def absent_text(*tables: pd.DataFrame | None, lang: str) -> Rendered | None:
    """One sentence when the dataset has none of the information-line tables, else nothing."""
    if all(frame is None for frame in tables):
        return t(lang, "infoline.absent")
    return None


def totals_text(totals: pd.DataFrame | None, lang: str, report: bool = False) -> list[Rendered] | None:
    """The totals: requests, months of operation, the share about volunteering, the stated daily average."""
    if totals is None:
        return None
    s = stated(totals)
    total, vol = s.get("requests_total"), s.get("requests_volunteering")
    parts = [t(lang, "infoline.totals.heading"), t(lang, "infoline.totals.intro")]
    if total is not None and pd.notna(total):
        months = s.get("operation_period_months")
        if months is not None and pd.notna(months):
            parts.append(t(lang, "infoline.totals.registered_months", total=int(total), months=int(months)))
        else:
            parts.append(t(lang, "infoline.totals.registered", total=int(total)))
        if vol is not None and pd.notna(vol) and total:
            parts.append(t(lang, "infoline.totals.volunteering", vol=int(vol), share=100 * vol / total))
    avg = s.get("avg_requests_per_day")
    if avg is not None and pd.notna(avg):
        parts.append(t(lang, "infoline.totals.average", avg=int(round(avg)), report=bool(report)))
    return parts


def checks_text(checks: pd.DataFrame | None, lang: str) -> Rendered | list[Rendered] | None:
    """Whether the parts add up to the stated totals, and by how much they miss: one sentence per check that
    misses."""
    if checks is None or checks.empty:
        return None
    off = checks[checks["difference"].fillna(0) != 0]
    if off.empty:
        return t(lang, "infoline.checks.all")
    return [t(lang, "infoline.checks.some"),
            *(t(lang, f"infoline.checks.{CHECKS[row.check]}", parts=row.sum_of_parts, stated=row.stated,
                difference=row.difference) for row in off.itertuples())]


def channels_text(table: pd.DataFrame | None, channels: pd.DataFrame | None, lang: str, report: bool = False
                  ) -> list[Rendered] | None:
    """Requests by channel (``table`` from :func:`vstudy.analysis.infoline.channels_table`), the double counting and
    the qualitative notes."""
    if table is None or channels is None:
        return None
    both = table.loc[table["channel"] == "two_channels_simultaneously", "requests"]
    parts = [t(lang, "infoline.channels.heading")]
    if len(both):
        parts.append(t(lang, "infoline.channels.both", both=int(both.iloc[0])))
    items = [t(lang, "infoline.channels.item", label=row.label, requests=row.requests,
               share=row.share_of_channel_contacts_pct) for row in main_channels(table).itertuples()]
    parts.append(_with_items(lang, "infoline.channels.by_channel", items=items))
    notes = channels.loc[channels["value"].isna() & channels["quote_ru"].notna(), "quote_ru"].tolist()
    if notes:
        quotes = [t(lang, "infoline.channels.quote", quote=q) for q in notes]
        parts.append(_with_items(lang, "infoline.channels.notes", quotes=quotes, report=bool(report)))
    return parts


def categories_text(table: pd.DataFrame | None, lang: str, top: int = 2) -> list[Rendered] | None:
    """The categories of volunteering-related requests: the ``top`` largest (two by default) and their share."""
    if table is None or table.empty:
        return None
    top = table.head(top)
    items = [t(lang, "infoline.categories.item", label=row.label, requests=row.requests_count)
             for row in top.itertuples()]
    return [t(lang, "infoline.categories.heading"), t(lang, "infoline.categories.intro"),
            _with_items(lang, "infoline.categories.largest", items=items,
                        share=float(top["share_of_categories_pct"].sum()), total=int(table["requests_count"].sum()))]


def observations_text(obs: pd.DataFrame | None, *others: pd.DataFrame | None, lang: str
                      ) -> Rendered | list[Rendered] | None:
    """The dated observations: heading, how many there are and the requests they count.

    Without observations: one sentence when the dataset has another information-line table (``others``), else
    nothing (:func:`absent_text` has said that the section has nothing to show).
    """
    if obs is None:
        if any(frame is not None for frame in others):
            return t(lang, "infoline.observations.absent")
        return None
    months = sorted(obs["month"].dropna().astype(str).unique())
    names = [t(lang, "infoline.observations.month", month=dt.date(int(m[:4]), int(m[5:7]), 1)) for m in months]
    return [t(lang, "infoline.observations.heading"), t(lang, "infoline.observations.intro"),
            _with_items(lang, "infoline.observations.text", n=len(obs), months=names,
                        total=int(obs["requests_count"].sum()))]
