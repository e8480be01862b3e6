"""The sentences of section 01 (volunteer demographics), from the ``demographics`` catalogue.

Each function takes the frames :mod:`vstudy.analysis.demographics` returned (with a printed ``region`` column in
the edition's language, from :func:`vstudy.present.figures.with_labels`) and ``lang``, computes the facts and
returns the part's filled messages (:class:`vstudy.present.words.Rendered`); a part whose inputs are absent gets
one sentence and no heading. What the dataset lacks is named by the template's column names; what it supplies is
never called missing; sentences about the 2021 report (its erratum, its published lists) need ``is_report``
(:attr:`vstudy.present.notebook.Study.dataset_facts`).
"""

from __future__ import annotations

import re

import pandas as pd

from vstudy import i18n
from vstudy.analysis.demographics import DIMENSIONS, pension_corrected, reference_national
from vstudy.data.processed import PENSION_AS_PUBLISHED
from vstudy.present import labels
from vstudy.present.words import Rendered, plain, t

# Proper names a category word carries, written as they are in every language.
PROPER_NAMES = {"neet": "NEET"}
# The regional table's columns a part of the section reads (the template's names, for "supply …" sentences).
VOLUNTEER_COUNTS = "volunteers_count"
GENDER_SHARES = ("vol_male_pct", "vol_female_pct")


def region_name(row, lang: str) -> str:
    """The printed region of a row: its ``region`` column, else the gazetteer's label of its code."""
    name = getattr(row, "region", None) if not isinstance(row, pd.Series) else row.get("region")
    code = row["region_code"] if isinstance(row, pd.Series) else row.region_code
    return name if isinstance(name, str) else labels.region_label(code, lang)


def category(key: str, lang: str) -> str:
    """A category id (age group, status, gender) as a sentence prints it, from the catalogue."""
    msg = f"demographics.category.{key}"
    if not i18n.has(lang, msg):
        return key
    return plain(lang, msg, name=PROPER_NAMES[key]) if key in PROPER_NAMES else plain(lang, msg)


def _has_counts(regions: pd.DataFrame | None) -> bool:
    return bool(regions is not None and VOLUNTEER_COUNTS in regions.columns and regions[VOLUNTEER_COUNTS].notna().any())


def national_text(published: pd.DataFrame | None, regions: pd.DataFrame | None, lang: str, is_report: bool = True
                  ) -> Rendered | list | None:
    """The national-shares part: heading, what the shares are and their sums; one sentence when none is published.
    A researcher's dataset (not ``is_report``) without published national shares is not told it publishes none:
    nothing where its volunteer counts give the implied shares shown further on, else the template column that
    would give them."""
    if published is None:
        if not is_report:
            return None if _has_counts(regions) else t(lang, "demographics.national.none_dataset")
        return t(lang, "demographics.national.none", has_counts=_has_counts(regions))
    sums = published.groupby("dimension", sort=False)["share_pct"].sum().round(2)
    items = [plain(lang, "demographics.national.sum_item", dimension=str(d), sum=float(v)) for d, v in sums.items()]
    return [t(lang, "demographics.national.heading", has_counts=_has_counts(regions)),
            t(lang, "demographics.national.sums", items=items)]


def gender_extremes_text(extremes: pd.DataFrame | None, table: pd.DataFrame | None, lang: str,
                         regions: pd.DataFrame | None = None) -> Rendered | list:
    """The regional gender figures the dataset gives: the extremes a report names, or the supplied split of every
    region (``vol_male_pct`` of the regional table); one sentence naming the columns when it gives neither."""
    if extremes is None or extremes.empty:
        supplied = regions is not None and set(GENDER_SHARES) <= set(regions.columns) \
            and regions["vol_male_pct"].notna().any()
        if not supplied:
            return t(lang, "demographics.gender.none")
        rows = regions.dropna(subset=["vol_male_pct"]).sort_values("vol_male_pct", ascending=False, kind="stable")
        top, bottom = rows.iloc[0], rows.iloc[-1]
        return [t(lang, "demographics.gender.heading"),
                t(lang, "demographics.gender.supplied", n=len(rows), lo=float(rows["vol_male_pct"].min()),
                  hi=float(rows["vol_male_pct"].max()), top=region_name(top, lang), bottom=region_name(bottom, lang))]
    items = [plain(lang, "demographics.gender.extreme_item", region=region_name(row, lang), male=float(row.male_pct),
                   female=float(row.female_pct), extreme=str(row.extreme)) for row in extremes.itertuples()]
    parts = [t(lang, "demographics.gender.heading"), t(lang, "demographics.gender.extremes", items=items)]
    ranges = table[table["extreme"].str.startswith("others_range")].set_index("extreme")
    if {"others_range_min", "others_range_max"} <= set(ranges.index):
        parts.append(t(lang, "demographics.gender.others",
                       m_lo=float(ranges.loc["others_range_min", "male_pct"]),
                       m_hi=float(ranges.loc["others_range_max", "male_pct"]),
                       f_lo=float(ranges.loc["others_range_min", "female_pct"]),
                       f_hi=float(ranges.loc["others_range_max", "female_pct"])))
    parts.append(t(lang, "demographics.gender.no_full_split"))
    return parts


def pension_text(erratum: pd.DataFrame | None, age: pd.DataFrame | None, national: pd.DataFrame | None,
                 lang: str, is_report: bool = False) -> Rendered | list:
    """The pension-age part: the heading and what the comparison shows, or one sentence why there is none.

    ``erratum`` is :func:`vstudy.analysis.demographics.pension_erratum` with a printed ``region`` column (None
    unless the published pension list copies another list); ``is_report``: the dataset transcribes the report
    (its erratum id is then named as the report's).
    """
    if age is None:
        return t(lang, "demographics.pension.no_age")
    if erratum is None:
        corrections = set(age["pension_correction"].dropna().astype(str)) - {PENSION_AS_PUBLISHED}
        if corrections and not is_report:  # shares derived from a researcher's counts: no list to check
            return None
        return t(lang, "demographics.pension.as_published", derived=bool(corrections))
    correction = age.loc[age["pension_correction"] != PENSION_AS_PUBLISHED, "pension_correction"].iloc[0]
    erratum_id = ", ".join(re.findall(r"E\d+", str(correction)))
    n = len(erratum)
    parts = [
        t(lang, "demographics.pension.heading", erratum=erratum_id or None, is_report=is_report),
        t(lang, "demographics.pension.comparison", dup=int(erratum["published_is_duplicate"].sum()), n=n,
          pub_lo=float(erratum["sum_with_published_pct"].min()), pub_hi=float(erratum["sum_with_published_pct"].max()),
          cor_lo=float(erratum["sum_with_corrected_pct"].min()), cor_hi=float(erratum["sum_with_corrected_pct"].max()),
          lo=float(erratum["pension_corrected_pct"].min()), hi=float(erratum["pension_corrected_pct"].max()),
          top=region_name(erratum.iloc[0], lang)),
    ]
    published, basis = reference_national(national, "age_group")
    if published is not None and basis == "published" and "pension" in published.index:
        parts.append(t(lang, "demographics.pension.national", value=float(published["pension"])))
    return parts


def mix_text(shares: pd.DataFrame | None, dimension: str, lang: str, age: pd.DataFrame | None = None) -> Rendered:
    """Heading and reading guide of a region-by-region mix (``dimension`` age or status), or one sentence."""
    if dimension == "age":
        if shares is None:
            return t(lang, "demographics.mix.no_age")
        return t(lang, "demographics.mix.age", corrected=pension_corrected(age))
    if shares is None:
        return t(lang, "demographics.mix.no_status")
    return t(lang, "demographics.mix.status", neet=PROPER_NAMES["neet"])


def distance_text(dist: pd.DataFrame | None, national: pd.DataFrame | None, lang: str) -> Rendered | list:
    """The distance part: heading, definition, the furthest and the closest regions; one sentence without inputs.

    ``dist`` is :func:`vstudy.analysis.demographics.distance_table` with a printed ``region`` column.
    """
    if dist is None:
        return t(lang, "demographics.distance.none")
    bases = {reference_national(national, d)[1] for d in DIMENSIONS.values()} - {None}
    basis = "published" if bases == {"published"} else "implied" if bases == {"implied"} else "mixed"
    furthest = []
    for row in dist.head(3).itertuples():
        gaps = [plain(lang, "demographics.distance.gap", category=category(cat, lang),
                      pp=float(getattr(row, f"{name}_largest_gap_pp")))
                for name in DIMENSIONS if isinstance(cat := getattr(row, f"{name}_largest_gap", None), str)]
        furthest.append(plain(lang, "demographics.distance.furthest_item", region=region_name(row, lang),
                              tvd=float(row.tvd_mean_pp), gaps=gaps, has_gaps=bool(gaps)))
    closest = [plain(lang, "demographics.distance.closest_item", region=region_name(row, lang),
                     tvd=float(row.tvd_mean_pp)) for row in dist.tail(3).itertuples()]
    return [t(lang, "demographics.distance.heading", basis=basis),
            t(lang, "demographics.distance.regions", furthest="; ".join(furthest), closest=", ".join(closest))]


def implied_text(implied: pd.DataFrame | None, regions: pd.DataFrame | None, lang: str) -> Rendered | list:
    """The part on supplied volunteer counts: the implied national shares, or one sentence when not supplied."""
    if implied is None or not _has_counts(regions):
        return t(lang, "demographics.implied.none")
    counts = regions[VOLUNTEER_COUNTS].dropna()
    return t(lang, "demographics.implied.supplied", total=int(counts.sum()), n=len(counts))
