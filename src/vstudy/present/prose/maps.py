"""Section 04 (maps of the regions): its sentences in English and in Russian.

Each function returns ``(template, values)`` pairs (:mod:`vstudy.present.prose`); ``Study.say`` writes the numbers
in the edition's format. The classification's justification is also a table cell (the ``justification`` column of
``04_maps__classification.csv``): :func:`plain` fills a pair as plain text for it, numbers in the same format.
Nothing here classifies or counts: the numbers come from :func:`vstudy.present.maps.recommend_classification`
and from the processed table.
"""

from __future__ import annotations

import numbers
import string
from collections.abc import Sequence

from vstudy.present import labels
from vstudy.present.prose import Text, noun, pick, say
from vstudy.present.text import number

_REGIONS = (("region", "regions"), ("регион", "региона", "регионов"))
# after «из N» (из 17 регионов, из 21 региона): the genitive singular with 1, the genitive plural otherwise
_OF_REGIONS_RU = ("региона", "регионов", "регионов")
_OUTLIERS_RU = ("выброс", "выброса", "выбросов")

# The groups of maps (a heading each) and the quantities each shows.
GROUPS: dict[str, tuple[tuple[str, str], tuple[str, ...]]] = {
    "organisations": (("Organisations", "Организации"), ("organisations_per_100k", "ngo_share_pct")),
    "volunteers": (("Who volunteers", "Кто становится волонтёром"),
                   ("vol_age_18_29_pct", "vol_students_pct", "vol_unemployed_pct")),
    "population": (("Population and volunteers", "Население и волонтёры"),
                   ("population_thousands", "volunteers_per_100k")),
}


def method_name(method: str, lang: str) -> str:
    """The classification's name as a sentence uses it (lower case: «quantiles», «квантили»)."""
    from vstudy.present.maps import METHOD_NAMES  # noqa: PLC0415  (the names are declared beside the classifiers)

    return METHOD_NAMES[lang][method]


def map_title(column: str, lang: str) -> str:
    """A map's short title (its legend and the lists of mapped quantities)."""
    return labels.label(f"map_{column}", lang)


def overview(n_units: int, n_scheme: int, scheme: str, mapped: Sequence[str], absent: Sequence[str],
             lang: str) -> list[Text]:
    """What the maps show: how many of the scheme's units the table covers, the quantities mapped and those the
    dataset lacks (``mapped`` and ``absent`` are column ids), and how to add the volunteer map."""
    out = [say(lang, "The regional table covers {n:,} of the {m:,} {units} of {scheme}.",
               "Региональная таблица охватывает {n:,} из {m:,} {units} по {scheme}.",
               n=n_units, m=n_scheme, scheme=labels.label(f"regional_scheme_{scheme}", lang, default=scheme),
               units=noun(n_scheme, lang, _REGIONS[0], _OF_REGIONS_RU))]
    # the titles are joined by semicolons; a title's own closing full stop (тыс.) ends the sentence
    if mapped:
        out.append(say(lang, "Mapped: {mapped}.", "На картах: {mapped}.",
                       mapped="; ".join(map_title(c, lang) for c in mapped).rstrip(".")))
    if absent:
        out.append(say(lang, "Not available in this dataset: {absent}.", "В этом наборе данных нет: {absent}.",
                       absent="; ".join(map_title(c, lang) for c in absent).rstrip(".")))
    if "volunteers_per_100k" in absent:
        out.append(say(lang, "A dataset that supplies the table `volunteers_by_region` also gets the map of "
                             "volunteers per 100,000 inhabitants.",
                       "Если набор данных содержит таблицу `volunteers_by_region`, строится и карта числа "
                       "волонтёров на 100 тыс. населения."))
    return out


def heading(group: str, present: Sequence[str], lang: str) -> str | None:
    """The Markdown heading of a group of maps (:data:`GROUPS`), or None when none of its quantities is mapped."""
    titles, columns = GROUPS[group]
    if not any(c in present for c in columns):
        return None
    return "## " + pick(lang, *titles)


def no_values(column: str, lang: str) -> Text:
    """The sentence that stands in place of a map the dataset has no values for."""
    return say(lang, "The dataset has no values for the map «{what}».",
               "В наборе данных нет значений для карты «{what}».", what=map_title(column, lang))


def justification(choice, lang: str) -> Text:
    """Why the map of a quantity has its classification: the rule's reason, the class sizes and the goodness of
    variance fit (GADF) of the alternatives (``choice``: a :class:`vstudy.present.maps.ClassChoice`)."""
    name = method_name(choice.method, lang)
    per_class = choice.n / choice.k_requested
    values: dict[str, object] = {
        "method": name[:1].upper() + name[1:], "k": choice.k, "n": choice.n, "outliers": choice.outliers,
        "skew": choice.skewness, "per_class": per_class,
        "outlier_word": noun(choice.outliers, lang, ("outlier", "outliers"), _OUTLIERS_RU),
        "region_word": noun(per_class, lang, *_REGIONS),
        "stretch": noun(choice.outliers, lang, ("", ""), ("растянул", "растянули", "растянули"))}
    reasons = {
        "outliers": ("{outliers} {outlier_word} beyond the Tukey fences would stretch equal or quantile classes",
                     "{outliers} {outlier_word} за границами Тьюки {stretch} бы равные интервалы и квантили"),
        "skewed": ("values are skewed (skewness {skew:.2f}); quantiles keep ≈{per_class:.1f} {region_word} per class",
                   "распределение асимметрично (коэффициент асимметрии {skew:.2f}); квантили дают "
                   "≈{per_class:.1f} {region_word} на класс"),
        "symmetric": ("values are roughly symmetric (skewness {skew:.2f}); equal intervals give comparable bounds",
                      "распределение близко к симметричному (коэффициент асимметрии {skew:.2f}); равные интервалы "
                      "дают сопоставимые границы классов"),
        "small_class": ("equal intervals would leave a class with fewer than two regions",
                        "при равных интервалах в одном из классов оказалось бы меньше двух регионов"),
    }
    sizes = ", ".join(f"{{c{i}}}" for i in range(len(choice.counts)))
    values.update({f"c{i}": int(c) for i, c in enumerate(choice.counts)})
    fits = []
    for i, (method, gadf) in enumerate(choice.gadf.items()):
        fits.append(f"{{g_name{i}}} {{g{i}:.2f}}")
        values[f"g_name{i}"] = method_name(method, lang)
        values[f"g{i}"] = gadf
    en, ru = reasons[choice.reason]
    return say(lang,
               "{method}, k = {k}: " + en + ". Class sizes [" + sizes + "] of n = {n}. GADF: " + ", ".join(fits) + ".",
               "{method}, k = {k}: " + ru + ". Размеры классов: " + sizes + " (n = {n}). GADF: " + ", ".join(fits)
               + ".",
               **values)


def map_note(n_units: int, choice, missing: Sequence[str], lang: str) -> list[Text]:
    """The note under a map: how many units it shows, its classes and why, and which units have no value
    (``missing``: region names in ``lang``)."""
    template, values = justification(choice, lang)
    out = [(pick(lang, "*{n_units:,} {units}; classes: ", "*{n_units:,} {units}; классы: ") + template + "*",
            {**values, "n_units": n_units, "units": noun(n_units, lang, *_REGIONS)})]
    if missing:
        out.append(say(lang, "*No data: {missing}.*", "*Нет данных: {missing}.*",
                       missing=", ".join(missing)))
    return out


class _Plain(string.Formatter):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value, format_spec):
        if isinstance(value, numbers.Number) and not isinstance(value, bool):
            return number(value, format_spec, self.lang)
        return super().format_field(value, format_spec)


def plain(part: Text, lang: str) -> str:
    """A ``(template, values)`` pair filled as plain text (a table cell), numbers as ``lang`` writes them."""
    template, values = part
    return _Plain(lang).vformat(template, (), dict(values))
