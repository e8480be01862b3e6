"""The sentences of section 02 (NGOs and initiative groups), in English and in Russian.

Each function takes the frames :mod:`vstudy.analysis.demographics` returned for the organisations (with a printed
``region`` column in the edition's language) and ``lang``, and returns ``(template, values)`` pairs for
``Study.say``; a part whose inputs are absent gets one sentence and no heading.
"""

from __future__ import annotations

import pandas as pd

from vstudy.data.processed import RATIO_TOLERANCE_PCT
from vstudy.present.prose import Text, listing, noun, say
from vstudy.present.prose.demographics import of_regions, region_name

VALUE_KINDS = {"published": "опубликованные", "derived": "вычисленные", "official": "официальные",
               "supplied": "предоставленные"}


def organisations_text(orgs: pd.DataFrame | None, coverage: pd.DataFrame | None,
                       organisations: pd.DataFrame | None, lang: str,
                       tolerance: float = RATIO_TOLERANCE_PCT) -> Text | list[Text]:
    """The counts part: heading and where the counts come from; one sentence when the dataset has none.

    ``coverage`` is the processed ``coverage_<scheme>`` table (how each wide column was obtained),
    ``organisations`` the processed ``organisations_<scheme>`` table of the reconstruction (or None) and
    ``tolerance`` the points within which a reconstructed ratio must meet the published one.
    """
    if orgs is None:
        return say(lang, "This dataset has no organisation counts: the section has nothing to show.",
                   "В этом наборе данных нет числа организаций: разделу нечего показать.")
    kind = None
    if coverage is not None and (coverage["column"] == "ngo_count").any():
        kind = coverage.set_index("column").loc["ngo_count", "value_kind"]
    n = len(orgs)
    parts = [say(lang,
                 "## Counts by region\n\nCounts of registered NGOs and unregistered initiative groups for {n} units, "
                 "read from the processed table of the regions.",
                 "## Число объединений по регионам\n\nЧисло зарегистрированных волонтёрских НПО и "
                 "незарегистрированных инициативных групп по {n} {w}, из обработанной таблицы регионов.",
                 n=n, w="региону" if n % 10 == 1 and n % 100 != 11 else "регионам")]
    if kind == "derived" and organisations is not None:
        ok = organisations["reproduces_published"].fillna(False).astype(bool)
        total = len(organisations)
        parts.append(say(lang,
                         "The dataset gives no counts per region, only shares (the split within each region and "
                         "each region's share of the national totals); the data layer reconstructs whole-number "
                         "counts that add up to the national totals exactly. They reproduce the published NGO share "
                         "of {ok} of {n} regions within ±{tol:g} points.",
                         "Набор данных не даёт числа объединений по регионам, только доли (соотношение внутри "
                         "региона и долю региона в итогах по стране); слой данных восстанавливает целые числа, "
                         "которые в сумме точно дают итоги по стране. Они воспроизводят опубликованную долю НПО в "
                         "{ok} из {n} {w} с точностью ±{tol:g} п. п.",
                         ok=int(ok.sum()), n=total, w=of_regions(total), tol=tolerance))
    elif kind:
        parts.append(say(lang, "The counts are {kind} values of the dataset.",
                         "Число объединений — {kind} значения набора данных.",
                         kind=kind if lang == "en" else VALUE_KINDS.get(kind, kind)))
    return parts


def totals_text(totals: pd.DataFrame | None, orgs: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """The national totals: the groups' share of all associations, the published share where there is one."""
    if totals is None or orgs is None:
        return say(lang, "Without organisation counts there are no national totals.",
                   "Без числа организаций нет и итогов по стране.")
    t = totals.set_index("quantity")
    pub = t.loc["initiative_group_share_pct", "published"]
    top = orgs.sort_values("initiative_group_count", ascending=False, kind="stable").iloc[0]
    ngo, grp = t.loc["ngo_count", "recomputed"], t.loc["initiative_group_count", "recomputed"]
    org = t.loc["organisations_count", "recomputed"]
    parts = [say(lang,
                 "## National totals\n\n{ngo:,.0f} NGOs and {grp:,.0f} initiative groups: {org:,.0f} associations, "
                 "of which initiative groups make **{share:.2f} %** = {grp:,.0f} / ({ngo:,.0f} + {grp:,.0f}).",
                 "## Итоги по стране\n\n{ngo:,.0f} НПО и {grp:,.0f} {w_grp}: всего {org:,.0f} {w_org}, из них "
                 "на инициативные группы приходится **{share:.2f} %** = {grp:,.0f} / ({ngo:,.0f} + {grp:,.0f}).",
                 ngo=ngo, grp=grp, org=org, share=t.loc["initiative_group_share_pct", "recomputed"],
                 w_grp=noun(grp, lang, ("", ""), ("инициативная группа", "инициативные группы",
                                                              "инициативных групп")),
                 w_org=noun(org, lang, ("", ""), ("объединение", "объединения", "объединений")))]
    if pd.notna(pub):
        parts.append(say(lang, "The dataset publishes {pub:.2f} %.", "Набор данных публикует {pub:.2f} %.", pub=pub))
    parts.append(say(lang, "{region} alone holds {share:.2f} % of all initiative groups.",
                     "На один регион — {region} — приходится {share:.2f} % всех инициативных групп.",
                     region=region_name(top, lang), share=top["share_of_national_groups_pct"]))
    if "organisations_per_100k" in t.index:
        parts.append(say(lang, "Nationally there are {rate:.1f} associations per 100,000 inhabitants.",
                         "В целом по стране приходится {rate:.1f} объединения на 100 тыс. жителей.",
                         rate=t.loc["organisations_per_100k", "recomputed"]))
    return parts


def ngo_share_text(orgs: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """Where registered NGOs outnumber the initiative groups."""
    if orgs is None:
        return say(lang, "Without organisation counts there is no NGO share to rank.",
                   "Без числа организаций долю НПО ранжировать нельзя.")
    above = orgs.loc[orgs["ngo_share_pct"] > 50]
    names = [region_name(r, lang) for r in above.itertuples()]
    n = len(orgs)
    return [say(lang,
                "## NGO share within each region\n\nThe ranking shows where registered NGOs are the larger part of a "
                "region's volunteer associations.",
                "## Доля НПО в каждом регионе\n\nРейтинг показывает, где зарегистрированные НПО составляют большую "
                "часть волонтёрских объединений региона."),
            say(lang, "NGOs outnumber initiative groups in {k} of {n} units" + (": {names}." if names else "."),
                "НПО больше, чем инициативных групп, в {k} из {n} {w}" + (": {names}." if names else "."),
                k=len(above), n=n, w=of_regions(n), names=", ".join(names) if lang == "en" else listing(names, lang))]


def per_100k_text(orgs: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """The associations per 100,000 inhabitants: highest, lowest and the spread."""
    if orgs is None or "organisations_per_100k" not in orgs.columns or orgs["organisations_per_100k"].isna().all():
        return say(lang, "Without organisation counts and population figures there are no rates per 100,000 "
                         "inhabitants.",
                   "Без числа организаций и численности населения нет показателей на 100 тыс. жителей.")
    ranked = orgs.dropna(subset=["organisations_per_100k"]).sort_values("organisations_per_100k", ascending=False,
                                                                       kind="stable")
    name = [region_name(r, lang) for r in ranked.itertuples()]
    rate = ranked["organisations_per_100k"].to_numpy()
    return [say(lang,
                "## Associations per 100,000 inhabitants\n\nCounts favour populous regions; the rate divides by the "
                "population on 1 January of the period's year.",
                "## Объединения на 100 тыс. жителей\n\nАбсолютные числа выше в многонаселённых регионах; показатель "
                "делит их на численность населения на 1 января года, к которому относится период."),
            say(lang,
                "Highest: {a} ({ra:.1f}), {b} ({rb:.1f}); lowest: {z} ({rz:.1f}) per 100,000. The spread is "
                "{spread:.0f}-fold.",
                "Выше всего: {a} ({ra:.1f}), {b} ({rb:.1f}); ниже всего: {z} ({rz:.1f}) на 100 тыс. Разрыв — "
                "в {spread:.0f} раз.",
                a=name[0], ra=rate[0], b=name[1], rb=rate[1], z=name[-1], rz=rate[-1],
                spread=rate[0] / rate[-1] if rate[-1] else float("nan"))]


def volunteers_per_association_text(ratio: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """The volunteers per association, when the dataset supplies volunteer counts."""
    if ratio is None:
        return say(lang, "Per-region volunteer counts are not in this dataset; supply `volunteers_by_region` to "
                         "compute the volunteers per association.",
                   "Численности волонтёров по регионам в этом наборе данных нет; чтобы рассчитать число "
                   "волонтёров на одно объединение, добавьте таблицу `volunteers_by_region`.")
    return [say(lang,
                "## Volunteers per association\n\nThe supplied volunteer counts divided by the associations of each "
                "region.",
                "## Волонтёры на одно объединение\n\nПредоставленная численность волонтёров, делённая на число "
                "объединений региона."),
            say(lang, "Volunteers per association range from {lo:.1f} to {hi:.1f}.",
                "На одно объединение приходится от {lo:.1f} до {hi:.1f} волонтёра.",
                lo=ratio["volunteers_per_association"].min(), hi=ratio["volunteers_per_association"].max())]

