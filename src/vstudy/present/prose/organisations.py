"""The sentences of section 02 (NGOs and initiative groups), from the ``organisations`` catalogue.

Each function takes the frames :mod:`vstudy.analysis.demographics` returned for the organisations (with a printed
``region`` column in the edition's language) and ``lang``, computes the facts and returns the filled messages
(:class:`vstudy.present.words.Rendered`); a part whose inputs are absent gets one sentence and no heading, naming
the template's columns it needs.
"""

from __future__ import annotations

import math

import pandas as pd

from vstudy.data.processed import RATIO_TOLERANCE_PCT
from vstudy.present.prose.demographics import region_name
from vstudy.present.words import Rendered, t

ORGANISATION_COUNTS = ("ngo_count", "initiative_group_count")


def organisations_text(orgs: pd.DataFrame | None, coverage: pd.DataFrame | None,
                       organisations: pd.DataFrame | None, lang: str,
                       tolerance: float = RATIO_TOLERANCE_PCT) -> Rendered | list[Rendered]:
    """The counts part: heading and where the counts come from; one sentence when the dataset has none.

    ``coverage`` is the processed ``coverage_<scheme>`` table (how each wide column was obtained),
    ``organisations`` the processed ``organisations_<scheme>`` table of the reconstruction (or None) and
    ``tolerance`` the points within which a reconstructed ratio must meet the published one.
    """
    if orgs is None:
        return t(lang, "organisations.counts.none")
    kind = None
    if coverage is not None and (coverage["column"] == "ngo_count").any():
        kind = str(coverage.set_index("column").loc["ngo_count", "value_kind"])
    parts = [t(lang, "organisations.counts.heading", n=len(orgs))]
    if kind == "derived" and organisations is not None:
        ok = organisations["reproduces_published"].fillna(False).astype(bool)
        parts.append(t(lang, "organisations.counts.reconstructed", ok=int(ok.sum()), n=len(organisations),
                       tol=float(tolerance)))
    elif kind:
        parts.append(t(lang, "organisations.counts.kind", kind=kind))
    return parts


def totals_text(totals: pd.DataFrame | None, orgs: pd.DataFrame | None, lang: str) -> Rendered | list[Rendered]:
    """The national totals: the groups' share of all associations, the published share where there is one."""
    if totals is None or orgs is None:
        return t(lang, "organisations.totals.none")
    tt = totals.set_index("quantity")
    pub = tt.loc["initiative_group_share_pct", "published"] if "published" in tt.columns else None
    top = orgs.sort_values("initiative_group_count", ascending=False, kind="stable").iloc[0]
    parts = [t(lang, "organisations.totals.heading", ngo=int(tt.loc["ngo_count", "recomputed"]),
               groups=int(tt.loc["initiative_group_count", "recomputed"]),
               all=int(tt.loc["organisations_count", "recomputed"]),
               share=float(tt.loc["initiative_group_share_pct", "recomputed"]))]
    if pd.notna(pub):
        parts.append(t(lang, "organisations.totals.published", share=float(pub)))
    parts.append(t(lang, "organisations.totals.top", region=region_name(top, lang),
                   share=float(top["share_of_national_groups_pct"])))
    if "organisations_per_100k" in tt.index:
        parts.append(t(lang, "organisations.totals.rate", rate=float(tt.loc["organisations_per_100k", "recomputed"])))
    return parts


def ngo_share_text(orgs: pd.DataFrame | None, lang: str) -> Rendered | list[Rendered]:
    """Where registered NGOs outnumber the initiative groups."""
    if orgs is None:
        return t(lang, "organisations.ngo_share.none")
    above = orgs.loc[orgs["ngo_share_pct"] > 50]
    names = [region_name(r, lang) for r in above.itertuples()]
    return [t(lang, "organisations.ngo_share.heading"),
            t(lang, "organisations.ngo_share.regions", k=len(above), n=len(orgs), names=names)]


def per_100k_text(orgs: pd.DataFrame | None, lang: str) -> Rendered | list[Rendered]:
    """The associations per 100,000 inhabitants: highest, lowest and the spread."""
    if orgs is None or "organisations_per_100k" not in orgs.columns or orgs["organisations_per_100k"].isna().all():
        return t(lang, "organisations.per_100k.none")
    ranked = orgs.dropna(subset=["organisations_per_100k"]).sort_values("organisations_per_100k", ascending=False,
                                                                       kind="stable")
    name = [region_name(r, lang) for r in ranked.itertuples()]
    rate = ranked["organisations_per_100k"].to_numpy(float)
    spread = rate[0] / rate[-1] if rate[-1] else math.nan
    return [t(lang, "organisations.per_100k.heading"),
            t(lang, "organisations.per_100k.range", a=name[0], ra=float(rate[0]), b=name[1], rb=float(rate[1]),
              z=name[-1], rz=float(rate[-1]), spread=None if math.isnan(spread) else round(spread))]


def volunteers_per_association_text(ratio: pd.DataFrame | None, lang: str) -> Rendered | list[Rendered]:
    """The volunteers per association, when the dataset supplies volunteer counts."""
    if ratio is None:
        return t(lang, "organisations.per_association.none")
    return [t(lang, "organisations.per_association.heading"),
            t(lang, "organisations.per_association.range", lo=float(ratio["volunteers_per_association"].min()),
              hi=float(ratio["volunteers_per_association"].max()))]
