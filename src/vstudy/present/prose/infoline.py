"""The sentences of section 07 (the information line, «Информационная линия»), in English and in Russian.

Each function takes the tables :mod:`vstudy.analysis.infoline` returned (their ``label`` columns already in the
edition's language) and ``lang``, and returns ``(template, values)`` pairs for ``Study.say``; a part whose inputs
are absent gets one sentence and no heading, or nothing when the section has already said it has nothing to show.
"""

from __future__ import annotations

import pandas as pd

from vstudy.analysis.infoline import main_channels, stated
from vstudy.present import labels
from vstudy.present.prose import Text, noun, say

REQUESTS = (("request", "requests"), ("обращение", "обращения", "обращений"))


def check_label(check: str, lang: str) -> str:
    """A check of :func:`vstudy.analysis.infoline.checks_table` as the reader reads it."""
    return labels.label(check, lang, default=check)


def absent_text(*tables: pd.DataFrame | None, lang: str) -> Text | None:
    """One sentence when the dataset has none of the information-line tables, else nothing."""
    if all(t is None for t in tables):
        return say(lang, "This dataset contains no information-line tables: there is nothing to show in this section.",
                   "В этом наборе данных нет таблиц информационной линии: разделу нечего показать.")
    return None


def totals_text(totals: pd.DataFrame | None, lang: str) -> Text | list[Text] | None:
    """The totals: requests, months of operation, the share about volunteering, the stated daily average."""
    if totals is None:
        return None
    t = stated(totals)
    total, vol = t.get("requests_total"), t.get("requests_volunteering")
    parts = [say(lang, "## Totals\n\nEvery total and share stated for the information line, with its source line.",
                 "## Итоговые показатели\n\nВсе итоги и доли, приведённые для информационной линии, со строкой "
                 "отчёта, где они указаны.")]
    if total is not None:
        months = t.get("operation_period_months")
        has_months = months is not None and pd.notna(months)
        parts.append(say(lang,
                         "The line registered **{total:,.0f} requests**" + (
                             " in {months:.0f} months of operation" if has_months else "") + ".",
                         "Линия зарегистрировала **{total:,.0f} {w}**" + (
                             " за {months:.0f} {m} работы" if has_months else "") + ".",
                         total=total, months=months, w=noun(total, lang, *REQUESTS),
                         m=noun(months, lang, ("month", "months"), ("месяц", "месяца", "месяцев"))
                         if has_months else ""))
        if vol is not None and total:
            parts.append(say(lang, "{vol:,.0f} ({share:.1f} %) concerned volunteering.",
                             "{vol:,.0f} из них ({share:.1f} %) касались волонтёрства.",
                             vol=vol, share=100 * vol / total))
    if "avg_requests_per_day" in t.index:
        avg = t["avg_requests_per_day"]
        parts.append(say(lang, "The stated average is {avg:.0f} requests a day.",
                         "В среднем, по данным отчёта, поступало {avg:.0f} {w} в день.",
                         avg=avg, w=noun(round(avg), lang, *REQUESTS)))
    return parts


def checks_text(checks: pd.DataFrame | None, lang: str) -> Text | None:
    """Whether the parts add up to the stated totals, and by how much they miss."""
    if checks is None or checks.empty:
        return None
    off = checks[checks["difference"].fillna(0) != 0]
    if off.empty:
        return say(lang, "All parts add up.", "Все части сходятся с итогами.")
    en = "; ".join(f"{{c{i}}}: {{p{i}:,.0f}} vs stated {{s{i}:,.0f}} ({{d{i}:+,.0f}})" for i in range(len(off)))
    ru = "; ".join(f"{{c{i}}}: {{p{i}:,.0f}} при указанных {{s{i}:,.0f}} ({{d{i}:+,.0f}})" for i in range(len(off)))
    values: dict[str, object] = {}
    for i, row in enumerate(off.itertuples()):
        values |= {f"c{i}": row.check if lang == "en" else check_label(row.check, lang).lower(),
                   f"p{i}": row.sum_of_parts, f"s{i}": row.stated, f"d{i}": row.difference}
    return say(lang, "Not every total adds up: " + en + ".", "Не все итоги сходятся: " + ru + ".", **values)


def channels_text(table: pd.DataFrame | None, channels: pd.DataFrame | None, lang: str) -> Text | list[Text] | None:
    """Requests by channel (``table`` from :func:`vstudy.analysis.infoline.channels_table`), the double counting and
    the qualitative notes."""
    if table is None or channels is None:
        return None
    both = table.loc[table["channel"] == "two_channels_simultaneously", "requests"]
    parts = [say(lang, "## Requests by channel", "## Обращения по каналам")]
    if len(both):
        parts.append(say(lang,
                         "{both:,.0f} requests arrived on two channels at once; they are counted under both, which "
                         "is why the channels add up to more than the total.",
                         "{both:,.0f} {w} поступили одновременно по двум каналам; они учтены в обоих, поэтому сумма "
                         "по каналам больше общего числа обращений.",
                         both=both.iloc[0], w=noun(both.iloc[0], lang, *REQUESTS)))
    main = main_channels(table)
    items = ", ".join(f"{{l{i}}} {{r{i}:,.0f}} ({{s{i}:.1f}} %)" for i in range(len(main)))
    values: dict[str, object] = {}
    for i, row in enumerate(main.itertuples()):
        values |= {f"l{i}": row.label, f"r{i}": row.requests, f"s{i}": row.share_of_channel_contacts_pct}
    parts.append(say(lang, "By channel: " + items + " of the contacts counted by channel.",
                     "По каналам (доля среди обращений, учтённых по каналам): " + items + ".", **values))
    notes = channels.loc[channels["value"].isna() & channels["quote_ru"].notna(), "quote_ru"].tolist()
    if notes:
        quotes = "; ".join(f"«{{q{i}}}»" for i in range(len(notes)))
        parts.append(say(lang, "Stated without numbers: " + quotes + ".", "Без чисел в отчёте сказано: " + quotes
                         + ".", **{f"q{i}": q for i, q in enumerate(notes)}))
    return parts


def categories_text(table: pd.DataFrame | None, lang: str) -> Text | list[Text] | None:
    """The categories of volunteering-related requests: the two largest and their share."""
    if table is None or table.empty:
        return None
    parts = [say(lang,
                 "## Requests by category\n\nCategories of the volunteering-related requests, as the dataset lists "
                 "them.",
                 "## Обращения по категориям\n\nКатегории обращений, связанных с волонтёрством, в том виде, в каком "
                 "их приводит набор данных.")]
    top = table.head(2)
    en = " and ".join(f"{{l{i}}} ({{r{i}:,.0f}})" for i in range(len(top)))
    ru = " и ".join(f"«{{l{i}}}» ({{r{i}:,.0f}})" for i in range(len(top)))
    values: dict[str, object] = {}
    for i, row in enumerate(top.itertuples()):
        values |= {f"l{i}": row.label, f"r{i}": row.requests_count}
    total = table["requests_count"].sum()
    parts.append(say(lang,
                     "The largest categories are " + en + "; together {share:.1f} % of the {total:,.0f} "
                     "categorised requests.",
                     "Крупнейшие категории — " + ru + "; вместе это {share:.1f} % из {total:,.0f} {w}, "
                     "распределённых по категориям.",
                     share=top["share_of_categories_pct"].sum(), total=total,
                     w="обращения" if total % 10 == 1 and total % 100 != 11 else "обращений", **values))
    return parts


def observations_text(obs: pd.DataFrame | None, *others: pd.DataFrame | None, lang: str) -> Text | list[Text] | None:
    """The dated observations: heading, how many there are and the requests they count.

    Without observations: one sentence when the dataset has another information-line table (``others``), else
    nothing (:func:`absent_text` has said that the section has nothing to show).
    """
    if obs is None:
        if any(t is not None for t in others):
            return say(lang, "The dataset has no dated observations of the information line.",
                       "Датированных наблюдений информационной линии в наборе данных нет.")
        return None
    months = sorted(obs["month"].dropna().astype(str).unique())
    n, total = len(obs), obs["requests_count"].sum()
    return [say(lang, "## Dated observations\n\nDated observations of the line that carry request counts.",
                "## Датированные наблюдения\n\nДатированные наблюдения работы линии с числом обращений."),
            say(lang, "{n} dated observations ({months}) with {total:,.0f} requests in total.",
                "{n} {w} ({months}), всего {total:,.0f} {r}.",
                n=n, months=", ".join(months), total=total,
                w=noun(n, lang, ("", ""), ("датированное наблюдение", "датированных наблюдения",
                                           "датированных наблюдений")),
                r=noun(total, lang, *REQUESTS))]
