"""Section 04 (maps of the regions): its sentences, filled from the ``maps`` message catalogue.

Each function returns :class:`vstudy.present.words.Rendered` Markdown (or a list of it, or None) that ``Study.say``
shows as it is. The classification's justification is also a table cell (the ``justification`` column of
``04_maps__classification.csv``): :func:`justification_text` fills the same message as plain text. Nothing here
classifies or counts: the numbers come from :func:`vstudy.present.maps.recommend_classification` and from the
processed table; the grammar (plurals, the case after a number) is the translator's, in the catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence

from vstudy.i18n import formats
from vstudy.present import labels
from vstudy.present.words import Rendered, plain, t

# The groups of maps (a heading each, ``maps.group.<group>``) and the quantities each shows.
GROUPS: dict[str, tuple[str, ...]] = {
    "organisations": ("organisations_per_100k", "ngo_share_pct"),
    "volunteers": ("vol_age_18_29_pct", "vol_students_pct", "vol_unemployed_pct"),
    "population": ("population_thousands", "volunteers_per_100k"),
}
VOLUNTEER_MAP = "volunteers_per_100k"


def method_name(method: str, lang: str) -> str:
    """The classification's name as a sentence uses it (lower case: «quantiles», «квантили», «квантильдер»)."""
    from vstudy.present.maps import method_name as name  # noqa: PLC0415  (declared beside the classifiers)

    return name(method, lang)


def map_title(column: str, lang: str) -> str:
    """A map's short title (its legend and the lists of mapped quantities), from the labels catalogue."""
    return labels.label(f"map_{column}", lang)


def _titles(columns: Sequence[str], lang: str) -> list[str]:
    return [plain(lang, "maps.title", title=map_title(c, lang)) for c in columns]


def overview(n_units: int, n_scheme: int, scheme: str, mapped: Sequence[str], absent: Sequence[str],
             lang: str, *, supplied: Sequence[str] | None = None) -> list[Rendered]:
    """What the maps show: how many of the scheme's units the table covers, the quantities mapped and those the
    dataset lacks (``mapped`` and ``absent`` are column ids), and, when the volunteer map is absent, what it needs.

    ``supplied``: the count columns the dataset fills (``volunteers_count``, ``population_count``); the sentence
    about the volunteer map names the column it lacks, and says nothing is missing that the dataset supplies.
    ``None`` (a caller that does not know): the sentence names the volunteer counts.
    """
    out = [t(lang, "maps.overview.covers", n=n_units, m=n_scheme, scheme=scheme)]
    if mapped:
        out.append(t(lang, "maps.overview.mapped", titles=_titles(mapped, lang)))
    if absent:
        out.append(t(lang, "maps.overview.absent", titles=_titles(absent, lang)))
    if VOLUNTEER_MAP in absent:
        given = set(supplied or ())
        if "volunteers_count" not in given:
            out.append(t(lang, "maps.overview.needs_volunteer_counts"))
        elif "population_count" not in given:
            out.append(t(lang, "maps.overview.needs_population"))
        # counts and population given, yet too few units with a value: the list of absent maps says it
    return out


def heading(group: str, present: Sequence[str], lang: str) -> Rendered | None:
    """The Markdown heading of a group of maps (:data:`GROUPS`), or None when none of its quantities is mapped."""
    columns = GROUPS[group]
    if not any(c in present for c in columns):
        return None
    return Rendered("## " + t(lang, f"maps.group.{group}"))


def no_values(column: str, lang: str) -> Rendered:
    """The sentence that stands in place of a map the dataset has no values for."""
    return t(lang, "maps.no_values", title=map_title(column, lang))


def justification_text(choice, lang: str) -> str:
    """Why the map of a quantity has its classification, as plain text (the table cell): the rule's reason, the class
    sizes and the goodness of variance fit (GADF) of the alternatives (``choice``: a
    :class:`vstudy.present.maps.ClassChoice`)."""
    per_class = choice.n / choice.k_requested
    reason = plain(lang, f"maps.reason.{choice.reason}", outliers=choice.outliers, skew=choice.skewness,
                   per_class=per_class)
    fits = [plain(lang, "maps.fit", method=method_name(method, lang), gadf=gadf) for method, gadf in choice.gadf.items()]
    sizes = ", ".join(formats.integer(c, lang) for c in choice.counts)  # a sequence of counts, not a sentence
    return plain(lang, "maps.justification", method=labels.label(choice.method, lang), k=choice.k, reason=reason,
                 sizes=sizes, n=choice.n, fits=fits)


def justification(choice, lang: str) -> Rendered:
    """:func:`justification_text` for a page. Every fact of it is a catalogue text or a number (no string from
    data), so it is Markdown as it stands."""
    return Rendered(justification_text(choice, lang))


def map_note(n_units: int, choice, missing: Sequence[str], lang: str) -> list[Rendered]:
    """The note under a map: how many units it shows, its classes and why, and which units have no value
    (``missing``: region names in ``lang``)."""
    # the justification is the catalogue's words and numbers only: filled as it is (no data string to escape)
    out = [Rendered(plain(lang, "maps.note", n_units=n_units, justification=justification_text(choice, lang)))]
    if missing:
        out.append(t(lang, "maps.no_data", regions=list(missing)))
    return out
