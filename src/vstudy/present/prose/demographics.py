"""The sentences of section 01 (volunteer demographics), in English and in Russian.

Each function takes the frames :mod:`vstudy.analysis.demographics` returned (with a printed ``region`` column in
the edition's language, from :func:`vstudy.present.figures.with_labels`) and ``lang``, and returns the part's text
as ``(template, values)`` pairs for ``Study.say``; a part whose inputs are absent gets one sentence and no heading.
"""

from __future__ import annotations

import re

import pandas as pd

from vstudy.analysis.demographics import DIMENSIONS, pension_corrected, reference_national
from vstudy.data.processed import PENSION_AS_PUBLISHED
from vstudy.present import labels
from vstudy.present.prose import Text, noun, say

# the dimension of a national share as a sentence names it (lower case)
DIMENSION_WORDS = {"age_group": ("age", "возраст"), "gender": ("gender", "пол"),
                   "status": ("social status", "социальный статус")}


def of_regions(n: int) -> str:
    """«из N регионов»: the genitive after «из» (1, 21 → «региона», else «регионов»)."""
    return "региона" if n % 10 == 1 and n % 100 != 11 else "регионов"


def region_name(row, lang: str) -> str:
    """The printed region of a row: its ``region`` column, else the gazetteer's label of its code."""
    name = getattr(row, "region", None) if not isinstance(row, pd.Series) else row.get("region")
    code = row["region_code"] if isinstance(row, pd.Series) else row.region_code
    return name if isinstance(name, str) else labels.region_label(code, lang)


def category(key: str, lang: str) -> str:
    """A category id (age group, status, gender) as a sentence prints it (in Russian in lower case, as a common
    noun in the middle of a sentence: «работающие и самозанятые»; NEET stays as it is)."""
    name = labels.label(key, lang, default=key)
    if lang == "ru" and name[:1].isupper() and not name[1:2].isupper():
        name = name[:1].lower() + name[1:]
    return name


def national_text(published: pd.DataFrame | None, regions: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """The national-shares part: heading, what the shares are and their sums; one sentence when none is published."""
    if published is None:
        return say(lang, "The dataset publishes no national shares by age, gender or social status.",
                   "Набор данных не публикует национальных долей по возрасту, полу и социальному статусу.")
    has_counts = regions is not None and "volunteers_count" in regions.columns
    sums = published.groupby("dimension", sort=False)["share_pct"].sum().round(2)
    parts = [say(lang,
                 "## National shares\n\nThe national shares by age group, gender and social status as the dataset "
                 "publishes them." + ("" if has_counts else " Without per-region volunteer counts they cannot be "
                                      "recomputed from the regional lists (see the replication register)."),
                 "## Доли по стране\n\nДоли волонтёров по стране в разрезе возрастных групп, пола и социального "
                 "статуса — в том виде, в каком их публикует набор данных." + ("" if has_counts else
                 " Без численности волонтёров по регионам их нельзя пересчитать из региональных списков (см. реестр "
                 "воспроизводимости)."))]
    items = [f"{{d{i}}} {{v{i}:.2f}} %" for i in range(len(sums))]
    values = ({f"d{i}": DIMENSION_WORDS.get(d, (d, d))[lang == "ru"] for i, d in enumerate(sums.index)}
              | {f"v{i}": v for i, v in enumerate(sums.to_numpy())})
    parts.append(say(lang, "Sums of the national shares: " + ", ".join(items)
                     + " (rounding of each share explains small departures from 100).",
                     "Суммы долей по стране: " + ", ".join(items)
                     + " (небольшие отклонения от 100 объясняются округлением каждой доли).", **values))
    return parts


EXTREMES = {"highest_male_share": ("highest male share", "наибольшая доля мужчин"),
            "lowest_male_share": ("lowest male share", "наименьшая доля мужчин")}


def gender_extremes_text(extremes: pd.DataFrame | None, table: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """The regional gender figures the dataset gives (extremes and the range of the other regions)."""
    if extremes is None or extremes.empty:
        return say(lang, "The dataset has no regional gender figures.",
                   "В наборе данных нет сведений о поле волонтёров по регионам.")
    en = "; ".join(f"{{r{i}}}: {{m{i}:g}} % men, {{f{i}:g}} % women ({{e{i}}})" for i in range(len(extremes)))
    ru = "; ".join(f"{{r{i}}}: мужчины — {{m{i}:g}} %, женщины — {{f{i}:g}} % ({{e{i}}})"
                   for i in range(len(extremes)))
    values: dict[str, object] = {}
    for i, row in enumerate(extremes.itertuples()):
        extreme = EXTREMES.get(row.extreme, (row.extreme.replace("_", " "),) * 2)[lang == "ru"]
        values |= {f"r{i}": region_name(row, lang), f"m{i}": row.male_pct, f"f{i}": row.female_pct, f"e{i}": extreme}
    parts = [say(lang, "## Gender by region\n\nGender by region is given only for the extremes: " + en + ".",
                 "## Пол волонтёров по регионам\n\nПо регионам пол указан только для крайних значений: " + ru + ".",
                 **values)]
    ranges = table[table["extreme"].str.startswith("others_range")].set_index("extreme")
    if {"others_range_min", "others_range_max"} <= set(ranges.index):
        parts.append(say(lang,
                         "In the other regions men make {m_lo:g}–{m_hi:g} % and women {f_lo:g}–{f_hi:g} % of the "
                         "volunteers.",
                         "В остальных регионах мужчины составляют {m_lo:g}–{m_hi:g} %, женщины — {f_lo:g}–{f_hi:g} % "
                         "волонтёров.",
                         m_lo=ranges.loc["others_range_min", "male_pct"],
                         m_hi=ranges.loc["others_range_max", "male_pct"],
                         f_lo=ranges.loc["others_range_min", "female_pct"],
                         f_hi=ranges.loc["others_range_max", "female_pct"]))
    parts.append(say(lang, "The dataset has no full regional gender split.",
                     "Полного распределения по полу в каждом регионе в наборе данных нет."))
    return parts


def pension_text(erratum: pd.DataFrame | None, age: pd.DataFrame | None, national: pd.DataFrame | None,
                 lang: str) -> Text | list[Text]:
    """The pension-age part: the heading and what the comparison shows, or one sentence why there is none.

    ``erratum`` is :func:`vstudy.analysis.demographics.pension_erratum` with a printed ``region`` column.
    """
    if age is None:
        return say(lang, "The dataset has no regional age lists, so there is no pension-age list to check.",
                   "В наборе данных нет региональных списков по возрасту, поэтому проверять список пенсионного "
                   "возраста не на чем.")
    if erratum is None:
        return say(lang, "The pension-age list of this dataset copies no other list and is used as published.",
                   "Список волонтёров пенсионного возраста в этом наборе данных не повторяет другой список и "
                   "используется в опубликованном виде.")
    correction = age.loc[age["pension_correction"] != PENSION_AS_PUBLISHED, "pension_correction"].iloc[0]
    erratum_id = ", ".join(re.findall(r"E\d+", str(correction)))
    n = len(erratum)
    parts = [
        say(lang,
            "## The pension-age list\n\nThe published pension-age list repeats another age list, so the data layer "
            "replaces it: {correction}. Both are shown, and every later chart uses the corrected share.",
            "## Список волонтёров пенсионного возраста\n\nОпубликованный список волонтёров пенсионного возраста "
            "повторяет другой возрастной список, поэтому слой данных заменяет его: доля пенсионного возраста "
            "вычисляется как 100 минус сумма трёх других возрастных долей региона"
            + (" (ошибка отчёта {erratum})" if erratum_id else "") + ". Показаны оба значения; все дальнейшие "
            "диаграммы используют исправленную долю.",
            correction=correction, erratum=erratum_id),
        say(lang,
            "In {dup} of {n} regions the published pension share equals the 30-to-pension share. With the published "
            "list a region's age shares sum to {pub_lo:.2f}–{pub_hi:.2f} %; with the corrected share, to "
            "{cor_lo:.2f}–{cor_hi:.2f} %. The corrected pension share ranges from {lo:.2f} % to {hi:.2f} % "
            "({top} highest).",
            "В {dup} из {n} {w} опубликованная доля пенсионного возраста совпадает с долей от 30 лет до пенсионного "
            "возраста. С опубликованным списком возрастные доли региона в сумме дают {pub_lo:.2f}–{pub_hi:.2f} %, с "
            "исправленной долей — {cor_lo:.2f}–{cor_hi:.2f} %. Исправленная доля пенсионного возраста составляет от "
            "{lo:.2f} % до {hi:.2f} % (наибольшая — {top}).",
            dup=int(erratum["published_is_duplicate"].sum()), n=n, w=of_regions(n),
            pub_lo=erratum["sum_with_published_pct"].min(), pub_hi=erratum["sum_with_published_pct"].max(),
            cor_lo=erratum["sum_with_corrected_pct"].min(), cor_hi=erratum["sum_with_corrected_pct"].max(),
            lo=erratum["pension_corrected_pct"].min(), hi=erratum["pension_corrected_pct"].max(),
            top=region_name(erratum.iloc[0], lang)),
    ]
    published, basis = reference_national(national, "age_group")
    if published is not None and basis == "published" and "pension" in published.index:
        parts.append(say(lang, "The published national share of pension-age volunteers is {value:.2f} %.",
                         "Опубликованная доля волонтёров пенсионного возраста по стране — {value:.2f} %.",
                         value=published["pension"]))
    return parts


def mix_text(shares: pd.DataFrame | None, dimension: str, lang: str, age: pd.DataFrame | None = None) -> Text:
    """Heading and reading guide of a region-by-region mix (``dimension`` age or status), or one sentence."""
    if dimension == "age":
        if shares is None:
            return say(lang, "The dataset has no regional age lists.",
                       "В наборе данных нет региональных списков по возрасту.")
        corrected = pension_corrected(age)
        return say(lang,
                   "## Each region's age mix\n\nRegions sorted by the share of volunteers under 18; the pension-age "
                   "segment is {how}.",
                   "## Возрастной состав волонтёров по регионам\n\nРегионы упорядочены по доле волонтёров младше "
                   "18 лет; доля пенсионного возраста {how}.",
                   how=("corrected where the published list copies another" if corrected else "as published")
                   if lang == "en" else ("исправлена там, где опубликованный список повторяет другой" if corrected
                                         else "взята из опубликованного списка"))
    if shares is None:
        return say(lang, "The dataset has no regional social-status lists.",
                   "В наборе данных нет региональных списков по социальному статусу.")
    return say(lang,
               "## Each region's social-status mix\n\nStudents (учащиеся), the employed and self-employed, the "
               "unemployed and NEET (neither in employment nor in education or training), sorted by the share of "
               "students.",
               "## Социальный статус волонтёров по регионам\n\nУчащиеся, работающие и самозанятые, безработные и "
               "NEET (молодёжь, которая не работает и не учится); регионы упорядочены по доле учащихся.")


def distance_text(dist: pd.DataFrame | None, national: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """The distance part: heading, definition, the furthest and the closest regions; one sentence without inputs.

    ``dist`` is :func:`vstudy.analysis.demographics.distance_table` with a printed ``region`` column.
    """
    if dist is None:
        return say(lang, "The distance from the national mix needs regional lists and national shares; this dataset "
                         "lacks them.",
                   "Для расчёта отличия от состава по стране нужны региональные списки и доли по стране; в этом "
                   "наборе данных их нет.")
    bases = {reference_national(national, d)[1] for d in DIMENSIONS.values()} - {None}
    if lang == "en":
        basis = ("the published national shares" if bases == {"published"} else
                 "the national shares implied by the supplied volunteer counts" if bases == {"implied"} else
                 "the published national shares where published, else those implied by the supplied volunteer "
                 "counts")
    else:
        basis = ("опубликованные доли по стране" if bases == {"published"} else
                 "доли по стране, вытекающие из предоставленной численности волонтёров" if bases == {"implied"}
                 else "опубликованные доли по стране, а где их нет — вытекающие из предоставленной численности "
                      "волонтёров")
    parts = [say(lang,
                 "## Regions furthest from the national mix\n\nDistance is the total variation distance (TVD): half "
                 "the sum of absolute differences between a region's shares and the national shares, in percentage "
                 "points — the share of the region's volunteers that would have to move to another category for the "
                 "region to match the country. It is computed for age and for social status against {basis}, and "
                 "averaged.",
                 "## Регионы, наиболее отличающиеся от страны в целом\n\nОтличие измеряется расстоянием полной "
                 "вариации (TVD): половина суммы абсолютных разностей между долями региона и долями по стране, в "
                 "процентных пунктах, — доля волонтёров региона, которым пришлось бы перейти в другую категорию, "
                 "чтобы регион совпал со страной. Оно рассчитывается отдельно по возрасту и по социальному статусу "
                 "и затем усредняется; база сравнения — {basis}.", basis=basis)]
    values: dict[str, object] = {}
    furthest_en, furthest_ru = [], []
    for i, row in enumerate(dist.head(3).itertuples()):
        gaps = []
        for name in DIMENSIONS:
            cat = getattr(row, f"{name}_largest_gap", None)
            if isinstance(cat, str):
                gaps.append(f"{{g{i}{name}}} {{p{i}{name}:+.1f}}")
                values |= {f"g{i}{name}": category(cat, lang), f"p{i}{name}": getattr(row, f"{name}_largest_gap_pp")}
        values |= {f"r{i}": region_name(row, lang), f"t{i}": row.tvd_mean_pp}
        furthest_en.append(f"{{r{i}}} (mean TVD {{t{i}:.1f}} pp"
                           + (f"; largest gaps: {', '.join(g + ' pp' for g in gaps)}" if gaps else "") + ")")
        furthest_ru.append(f"{{r{i}}} (среднее TVD {{t{i}:.1f}} п. п."
                           + (f"; наибольшие отклонения: {', '.join(g + ' п. п.' for g in gaps)}" if gaps else "")
                           + ")")
    closest_en, closest_ru = [], []
    for j, row in enumerate(dist.tail(3).itertuples()):
        values |= {f"c{j}": region_name(row, lang), f"ct{j}": row.tvd_mean_pp}
        closest_en.append(f"{{c{j}}} ({{ct{j}:.1f}} pp)")
        closest_ru.append(f"{{c{j}}} ({{ct{j}:.1f}} п. п.)")
    parts.append(say(lang,
                     "Furthest from the national mix: " + "; ".join(furthest_en) + ". Closest: "
                     + ", ".join(closest_en) + ".",
                     "Сильнее всего от страны в целом отличаются: " + "; ".join(furthest_ru) + ". Ближе всего: "
                     + ", ".join(closest_ru) + ".", **values))
    return parts


def implied_text(implied: pd.DataFrame | None, regions: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """The part on supplied volunteer counts: the implied national shares, or one sentence when not supplied."""
    if implied is None or regions is None or "volunteers_count" not in regions.columns:
        return say(lang, "Per-region volunteer counts are not in this dataset; supply `volunteers_by_region` to weight "
                         "the regional shares into national ones.",
                   "Численности волонтёров по регионам в этом наборе данных нет; чтобы взвесить региональные доли "
                   "в доли по стране, добавьте таблицу `volunteers_by_region`.")
    counts = regions["volunteers_count"].dropna()
    total, n = int(counts.sum()), len(counts)
    return say(lang,
               "## National shares implied by the volunteer counts\n\n`volunteers_by_region` is supplied "
               "({total:,} volunteers in {n} units): the national shares below weight each region's shares by its "
               "volunteers. They are derived, not published.",
               "## Доли по стране, вытекающие из численности волонтёров\n\nТаблица `volunteers_by_region` "
               "предоставлена ({total:,} {w} в {n} {u}): доли по стране ниже взвешивают доли каждого региона по "
               "числу его волонтёров. Они вычислены, а не опубликованы.",
               total=total, n=n, w=noun(total, lang, ("volunteer", "volunteers"), ("волонтёр", "волонтёра",
                                                                                   "волонтёров")),
               u="регионе" if n % 10 == 1 and n % 100 != 11 else "регионах")
