"""Section 05 (activities by direction) in words, English and Russian.

Each function takes the frames :mod:`vstudy.analysis.activities` computed and the edition's ``lang`` and returns
``(template, values)`` pairs for ``Study.say`` (a part whose inputs are absent gets one sentence and no heading).
Directions, categories and regions are named by :mod:`vstudy.present.labels` in ``lang``.
"""

from __future__ import annotations

import pandas as pd

from vstudy.data import processed
from vstudy.present import labels
from vstudy.present.prose import Text, noun, say

_REGIONS = ("регион", "региона", "регионов")


def _direction(direction_id: object, lang: str) -> str:
    return labels.label(str(direction_id), lang, default=str(direction_id))


def directions_text(matrix: pd.DataFrame | None, totals: pd.DataFrame | None, lang: str, tolerance: float = 0.02
                    ) -> Text | list[Text]:
    """The regional lists: heading, how many regions and directions, and whether each list adds up to 100."""
    if matrix is None or totals is None:
        return say(lang, "The dataset has no regional lists of event directions, so there is no matrix of directions "
                         "and no reconstruction of event counts.",
                   "В наборе данных нет региональных списков направлений мероприятий, поэтому нет ни матрицы "
                   "направлений, ни восстановленного числа мероприятий.")
    n, m = len(matrix), matrix.shape[1]
    return [say(lang, "## Event directions by region\n\nEach region's list gives the share of its events in each "
                      "direction; a region's shares should add up to 100 within rounding.",
                "## Направления мероприятий по регионам\n\nСписок каждого региона даёт долю его мероприятий по "
                "каждому направлению; в сумме доли региона должны давать 100 с точностью до округления."),
            say(lang, "{n} regions, {m} directions. Sums of the regional lists range from {lo:.2f} to {hi:.2f} %; {ok} "
                      "of {n} are 100 within ±{tol:g} points.",
                "{n} {wn}, {m} {wm}. Суммы региональных списков — от {lo:.2f} до {hi:.2f} %; в {ok} из {n} {wg} "
                "сумма равна 100 с точностью ±{tol:g} п. п.",
                n=n, m=m, lo=totals["sum_pct"].min(), hi=totals["sum_pct"].max(),
                ok=int(totals["within_tolerance"].sum()), tol=tolerance, wn=noun(n, "ru", ("", ""), _REGIONS),
                wm=noun(m, "ru", ("", ""), ("направление", "направления", "направлений")),
                wg=noun(n, "ru", ("", ""), ("региона", "регионов", "регионов")))]


def top_direction_text(top: pd.DataFrame | None, lang: str) -> Text | None:
    """Which direction leads in most regions."""
    if top is None or top.empty:
        return None
    leaders = top["direction_id"].value_counts()
    n = len(top)
    return say(lang, "The leading direction is «{name}» in {k} of {n} regions.",
               "Ведущее направление — «{name}»: оно первое в {k} из {n} {w}.",
               name=_direction(leaders.index[0], lang), k=int(leaders.iloc[0]), n=n,
               w=noun(n, "ru", ("", ""), ("региона", "регионов", "регионов")))


def national_text(shares: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """The national chart: heading, which values it lacks and how they are derived."""
    if shares is None:
        return say(lang, "The dataset has no national chart of event directions.",
                   "В наборе данных нет общенациональной диаграммы направлений мероприятий.")
    parts = [say(lang, "## National shares of events by direction\n\nThe national shares as published, beside the "
                       "national shares pooled from the event counts reconstructed out of the regional lists.",
                 "## Доли мероприятий по направлениям в целом по стране\n\nОпубликованные доли по стране рядом с "
                 "долями, сведёнными из числа мероприятий, восстановленного по региональным спискам.")]
    missing = shares[shares["published_pct"].isna()]
    if len(missing):
        names = ", ".join(f"«{{m{i}}}»" for i in range(len(missing)))
        values = {f"m{i}": _direction(d, lang) for i, d in enumerate(missing["direction_id"])}
        parts.append(say(lang, "The chart gives no value for " + names + ": it stays missing as a published value. "
                               "Two independent derivations are shown beside it: the residual, 100 minus the "
                               "published shares (when exactly one value is missing), and the reconstruction from the "
                               "regional lists, where each regional share is k / n rounded to two decimals and the "
                               "smallest region total n for which whole numbers k reproduce every share of the region "
                               "(and add up to n) gives the region's event counts.",
                         "На диаграмме нет значения для " + names + ": как опубликованное значение оно остаётся "
                         "пропущенным. Рядом показаны два независимых расчёта: остаток — 100 минус опубликованные "
                         "доли (когда пропущено ровно одно значение) — и восстановление по региональным спискам: "
                         "каждая региональная доля — это k / n, округлённое до двух знаков, и наименьший итог "
                         "региона n, при котором целые k воспроизводят все доли региона (и в сумме дают n), даёт "
                         "число мероприятий региона.", **values))
    return parts


def reconstruction_text(counts: pd.DataFrame | None, shares: pd.DataFrame | None, lang: str
                        ) -> list[Text] | None:
    """What the reconstructed counts add up to and how they compare with the published national shares."""
    if counts is None:
        return None
    column = "region_events_count" if "region_events_count" in counts.columns else "region_events"
    totals = counts.groupby("region_code")[column].first()
    total = int(totals.sum())
    parts = [say(lang, "The smallest totals consistent with every regional list add up to **{total:,} events** (from "
                       "{lo} to {hi} per region).",
                 "Наименьшие итоги, согласованные со всеми региональными списками, в сумме дают **{total:,} {w}** "
                 "(от {lo} до {hi} на регион).",
                 total=total, lo=int(totals.min()), hi=int(totals.max()),
                 w=noun(total, "ru", ("", ""), ("мероприятие", "мероприятия", "мероприятий")))]
    failed = int(totals.isna().sum())
    if failed:
        parts.append(say(lang, "No total up to {max_n:,} reproduces the list of {k} region(s); their counts stay "
                               "empty.",
                         "Ни один итог до {max_n:,} не воспроизводит список {k} {w}; их числа остаются пустыми.",
                         max_n=processed.MAX_EVENTS_PER_REGION, k=failed,
                         w=noun(failed, "ru", ("", ""), ("региона", "регионов", "регионов"))))
    if shares is not None:
        pub = shares[shares["published_pct"].notna()]
        parts.append(say(lang, "Pooled, they reproduce {ok} of the {n} published national shares exactly.",
                         "Сведённые вместе, они точно воспроизводят {ok} из {n} опубликованных долей по стране.",
                         ok=int((pub["status"] == "reproduced").sum()), n=len(pub)))
        for row in shares[shares["published_pct"].isna()].itertuples():
            events = None if pd.isna(row.reconstructed_events) else int(row.reconstructed_events)
            parts.append(say(lang, "For the value missing from the chart («{name}») the residual gives {res:.2f} % and "
                                   "the reconstruction {events} events = {rec:.2f} %.",
                             "Для значения, пропущенного на диаграмме («{name}»), остаток даёт {res:.2f} %, а "
                             "восстановление — {events} {w} = {rec:.2f} %.",
                             name=_direction(row.direction_id, lang), res=row.residual_pct, events=events,
                             rec=row.reconstructed_pct,
                             w=noun(events or 0, "ru", ("", ""), ("мероприятие", "мероприятия", "мероприятий"))))
    parts.append(say(lang, "These are *derived* values: the smallest consistent totals, not published counts (any "
                           "common multiple would fit the shares equally; the pooled national shares test the choice).",
                     "Это *выведенные* значения: наименьшие согласованные итоги, а не опубликованные числа (любое "
                     "общее кратное подошло бы к долям так же; сведённые доли по стране проверяют этот выбор)."))
    return parts


def supplied_events_text(comparison: pd.DataFrame | None, counts: pd.DataFrame | None,
                         regions_table: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """Supplied event counts against the reconstruction, or one sentence saying what is missing."""
    supplied = regions_table is not None and "events_count" in regions_table.columns
    if comparison is not None:
        same = int((comparison["difference"] == 0).sum())
        n = len(comparison)
        return [say(lang, "### Supplied event counts\n\nThe dataset supplies events per region; they are set against "
                          "the reconstructed totals.",
                    "### Указанное в данных число мероприятий\n\nНабор данных содержит число мероприятий по "
                    "регионам; оно сопоставлено с восстановленными итогами."),
                say(lang, "{same} of {n} regions agree exactly.", "Точно совпадают {same} из {n} {w}.",
                    same=same, n=n, w=noun(n, "ru", ("", ""), ("региона", "регионов", "регионов")))]
    if supplied and counts is None:
        return say(lang, "Events per region are supplied ({n} units) but there are no regional lists of directions to "
                         "reconstruct counts from, so there is nothing to compare.",
                   "Число мероприятий по регионам указано (территориальных единиц: {n}), но региональных списков "
                   "направлений, по которым можно восстановить числа, нет, поэтому сравнивать не с чем.",
                   n=int(regions_table["events_count"].notna().sum()))
    return say(lang, "Events per region are not in this dataset; supply `events_by_region` to compare them with the "
                     "reconstruction.",
               "Числа мероприятий по регионам в этом наборе данных нет; чтобы сравнить его с восстановленным, "
               "добавьте таблицу `events_by_region`.")


def ways_text(ways: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """The ways of volunteering: heading, their sum and what a sum above 100 means."""
    if ways is None:
        return say(lang, "The dataset has no shares of the ways of volunteering.",
                   "В наборе данных нет долей форм волонтёрства.")
    total = float(ways.iloc[-1]["share_pct"])
    parts = [say(lang, "## Ways of volunteering\n\nOffline, auto- and online volunteering as shares of events.",
                 "## Формы волонтёрства\n\nОфлайн-, авто- и онлайн-волонтёрство как доли мероприятий."),
             say(lang, "The shares add up to **{total:.2f} %**.", "В сумме доли дают **{total:.2f} %**.", total=total)]
    if total > 100.005:
        parts.append(say(lang, "That is {over:.2f} points above 100: an event can be held in more than one way, so the "
                               "ways are not mutually exclusive categories.",
                         "Это на {over:.2f} п. п. больше 100: мероприятие может проходить в нескольких формах, так "
                         "что формы волонтёрства — не взаимоисключающие категории.", over=total - 100))
    return parts


def participant_text(categories: pd.DataFrame | None, lang: str) -> Text:
    """The participant categories the text quotes: heading and what is (not) published."""
    if categories is None:
        return say(lang, "The dataset quotes no participant categories.",
                   "В наборе данных нет упоминаний категорий участников.")
    n = int(categories["category"].nunique())
    return say(lang, "## Participant categories quoted in the text\n\nThe text names the regions leading in {n} "
                     "participant categories, as shares of the region's events. Only these statements are published; "
                     "where the text gives no number the share stays empty.",
               "## Категории участников, упомянутые в тексте\n\nТекст отчёта называет регионы-лидеры по {n} {w} "
               "участников как доли мероприятий региона. Опубликованы только эти утверждения; где текст не даёт "
               "числа, доля остаётся пустой.",
               n=n, w=noun(n, "ru", ("", ""), ("категории", "категориям", "категориям")))


def org_directions_text(values: pd.DataFrame | None, legend: pd.DataFrame | None, lang: str) -> Text | list[Text]:
    """The partial chart of directions in the work of organisations: values and legend, never paired."""
    if values is None:
        return say(lang, "The dataset has no chart of directions in the work of organisations.",
                   "В наборе данных нет диаграммы направлений работы организаций.")
    k, m = len(values), 0 if legend is None else len(legend)
    wk = noun(k, "ru", ("", ""), ("число", "числа", "чисел"))
    wm = noun(m, "ru", ("", ""), ("подписи", "подписей", "подписей"))
    return [say(lang, "## Directions in the work of organisations: what the text keeps\n\nThe chart survives as {k} "
                      "numbers and a legend of {m} entries. The text does not say which number belongs to which "
                      "direction, so they are shown as published: **unlabelled values stay unlabelled**.",
                "## Направления работы организаций: что сохранилось в тексте\n\nОт диаграммы остались {k} {wk} и "
                "легенда из {m} {wm}. Текст не говорит, какое число к какому направлению относится, поэтому они "
                "показаны как опубликованы: **значения без подписей остаются без подписей**.",
                k=k, m=m, wk=wk, wm=wm),
            say(lang, "{k} values (sum {total:.2f} %) for {m} legend entries; no pairing is possible from the text.",
                "{k} {wv} (сумма {total:.2f} %) на {m} {wl}; сопоставить их по тексту нельзя.",
                k=k, total=values["share_pct"].sum(), m=m,
                wv=noun(k, "ru", ("", ""), ("значение", "значения", "значений")),
                wl=noun(m, "ru", ("", ""), ("подпись легенды", "подписи легенды", "подписей легенды")))]
