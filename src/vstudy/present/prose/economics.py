"""Section 06 (the economic value of volunteer hours) in words, English and Russian.

Each function takes the inputs and frames :mod:`vstudy.analysis.economics` computed and the edition's ``lang`` and
returns ``(template, values)`` pairs for ``Study.say``. The wage bases are language-neutral ids
(``annual_2021``, ``quarters_2021_q3_2021_q4``) that :func:`wage_label` writes out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from vstudy.analysis import economics as ec
from vstudy.present.prose import Text, noun, pick, say

_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_HOURS = ("час", "часа", "часов")
_MONTHS = ("месяц", "месяца", "месяцев")
_EMPLOYEES = ("работник", "работника", "работников")


def wage_label(basis: object, lang: str) -> str:
    """A wage basis id in words: ``annual_2021`` → "average monthly nominal wage 2021 (annual)" / "среднемесячная
    номинальная заработная плата за 2021 год"; ``quarters_2021_q3_2021_q4`` → "average of 2021-Q3 to 2021-Q4 (the
    period of the hours)" / "среднее за III–IV кв. 2021 года (период часов)". Anything else is returned as it is."""
    text = str(basis)
    m = re.fullmatch(r"annual_(\d{4})", text)
    if m:
        return pick(lang, "average monthly nominal wage {y} (annual)",
                    "среднемесячная номинальная заработная плата за {y} год").format(y=m[1])
    m = re.fullmatch(r"quarters_(\d{4})_q(\d)_(\d{4})_q(\d)", text)
    if m:
        y1, q1, y2, q2 = m.groups()
        if lang != "ru":
            span = f"{y1}-Q{q1}" if (y1, q1) == (y2, q2) else f"{y1}-Q{q1} to {y2}-Q{q2}"
            return f"average of {span} (the period of the hours)"
        if (y1, q1) == (y2, q2):
            span = f"{_ROMAN[q1]} кв. {y1} года"
        elif y1 == y2:
            span = f"{_ROMAN[q1]}–{_ROMAN[q2]} кв. {y1} года"
        else:
            span = f"{_ROMAN[q1]} кв. {y1} года – {_ROMAN[q2]} кв. {y2} года"
        return f"среднее за {span} (период учёта часов)"
    return text


def with_wage_labels(frame: pd.DataFrame | None, lang: str) -> pd.DataFrame | None:
    """``frame`` with its ``wage_basis`` ids written out in ``lang`` (for the reader's tables and figures)."""
    if frame is None or "wage_basis" not in frame.columns:
        return frame
    return frame.assign(wage_basis=[wage_label(b, lang) for b in frame["wage_basis"]])


def _hours_source(source: object, lang: str) -> str:
    return {"headline_total": pick(lang, "headline total", "итог из ключевых показателей"),
            "regions_sum": pick(lang, "sum of the supplied hours by region",
                                "сумма указанных часов по регионам")}.get(str(source), str(source))


def inputs_text(inp: Mapping, lang: str) -> list[Text]:
    """The hours, the period and the wage bases the section values."""
    if inp["hours"] is None:
        return [say(lang, "This dataset has neither a total of volunteer hours nor hours by region: the money value "
                          "cannot be computed.",
                    "В этом наборе данных нет ни общего числа часов волонтёрской работы, ни часов по регионам: "
                    "денежную оценку рассчитать нельзя.")]
    months = inp["months"]
    parts = [say(lang, "Hours of volunteer work in the period: {hours:,.0f} ({source}), over {months:g} months (the "
                       "dataset's period), annualised × {factor:g}.",
                 "Часы волонтёрской работы за период: {hours:,.0f} ({source}) за {months:g} {wm} (период набора "
                 "данных); в пересчёте на год — × {factor:g}.",
                 hours=inp["hours"], source=_hours_source(inp["hours_source"], lang), months=months,
                 factor=12 / months, wm=noun(months, "ru", ("", ""), _MONTHS))]
    if inp["months_published"] is not None and inp["months_published"] != months:
        parts.append(say(lang, "The published figures speak of {m:g} months; the manifest's period is used.",
                         "В опубликованных показателях говорится о {m:g} {w}; используется период из манифеста "
                         "набора данных.", m=inp["months_published"],
                         w=noun(inp["months_published"], "ru", ("", ""), ("месяце", "месяцах", "месяцах"))))
    if inp["wages"]:
        items, values = [], {}
        for i, (basis, wage) in enumerate(inp["wages"].items()):
            items.append(pick(lang, f"{{b{i}}}: {{w{i}:,.0f}} tenge a month", f"{{b{i}}}: {{w{i}:,.0f}} тенге в месяц"))
            values.update({f"b{i}": wage_label(basis, lang), f"w{i}": wage})
        parts.append((pick(lang, "Wage bases: ", "Базы заработной платы: ") + "; ".join(items) + ".", values))
    else:
        parts.append(say(lang, "The dataset has no national average wage, so no money value is computed.",
                         "В наборе данных нет средней заработной платы по стране, поэтому денежная оценка не "
                         "рассчитывается."))
    return parts


def employees_text(inp: Mapping, lang: str) -> list[Text]:
    """Hours a month and, where the dataset carries the report's figure, what its employee equivalent needs."""
    if inp["hours"] is None:
        return [say(lang, "No hours in this dataset: no employee equivalent.",
                    "В этом наборе данных нет часов — нет и эквивалента в работниках.")]
    months = inp["months"]
    per_month = ec.hours_per_month(inp["hours"], months)
    eq = ec.employee_equivalent(per_month, ec.GROSS_NORM)
    values: dict[str, object] = {
        "hours": inp["hours"], "months": months, "pm": per_month, "eq": eq, "week": ec.WEEKLY_HOURS_NORM,
        "weeks": ec.WEEKS_PER_YEAR, "wh": noun(round(inp["hours"]), "ru", ("", ""), _HOURS),
        "wm": noun(months, "ru", ("", ""), _MONTHS), "wpm": noun(round(per_month), "ru", ("", ""), _HOURS),
        "weq": noun(round(eq, 1), "ru", ("", ""), _EMPLOYEES)}
    over = inp["hours_per_month_over"]
    en = "{hours:,.0f} hours over {months:g} months = {pm:,.0f} hours a month"
    ru = "{hours:,.0f} {wh} за {months:g} {wm} = {pm:,.0f} {wpm} в месяц"
    if over is not None:
        values["over"] = over
        if per_month > over:
            en += ", above the published lower bound of {over:,.0f}"
            ru += ", что выше опубликованной нижней границы {over:,.0f}"
        else:
            en += ", not above the published lower bound of {over:,.0f}"
            ru += ", что не выше опубликованной нижней границы {over:,.0f}"
    en += "; with the {week}-hour week over {weeks} weeks that is {eq:.1f} employees."
    ru += "; при {week}-часовой рабочей неделе и {weeks} неделях в году это {eq:.1f} {weq}."
    parts = [(pick(lang, en, ru), values)]
    emp = inp["employees_published"]
    if emp is not None:
        lo, hi = ec.norm_interval_for_equivalent(per_month, int(emp))
        net_eq = ec.employee_equivalent(per_month, ec.NET_OF_LEAVE_NORM)
        parts.append(say(lang, "The published {emp:.0f} employees need an annual norm of {lo:,.0f}–{hi:,.0f} hours, "
                               "i.e. the {week}-hour week less {dlo:.1f}–{dhi:.1f} working days of leave and holidays; "
                               "the statutory minimum leave alone leaves {net:,.0f} hours ({neteq:.1f} employees).",
                         "Для опубликованных {emp:.0f} {wemp} нужна годовая норма {lo:,.0f}–{hi:,.0f} ч, то есть "
                         "{week}-часовая неделя за вычетом {dlo:.1f}–{dhi:.1f} рабочего дня отпуска и праздников; "
                         "один лишь установленный законом минимальный отпуск оставляет {net:,.0f} ч "
                         "({neteq:.1f} {wneteq}).",
                         emp=emp, lo=lo, hi=hi, week=ec.WEEKLY_HOURS_NORM, dlo=ec.days_off_for_norm(hi),
                         dhi=ec.days_off_for_norm(lo), net=ec.NET_OF_LEAVE_NORM, neteq=net_eq,
                         wemp=noun(int(emp), "ru", ("", ""), ("работника", "работников", "работников")),
                         wneteq=noun(round(net_eq, 1), "ru", ("", ""), _EMPLOYEES)))
    return parts


def assumptions_text(lang: str) -> Text:
    """The working-time norms and the varied assumptions, from the constants of :mod:`vstudy.analysis.economics`."""
    lo, hi = min(ec.HOURS_PER_MONTH_OPTIONS), max(ec.HOURS_PER_MONTH_OPTIONS)
    covs = ", ".join(f"{{c{i}:.0%}}" for i in range(len(ec.COVERAGE_OPTIONS)))
    ups = ", ".join(f"{{u{i}:.0%}}" for i in range(len(ec.UPLIFT_OPTIONS)))
    values = {f"c{i}": c for i, c in enumerate(ec.COVERAGE_OPTIONS)}
    values.update({f"u{i}": u for i, u in enumerate(ec.UPLIFT_OPTIONS)})
    values.update(week=ec.WEEKLY_HOURS_NORM, gross=ec.GROSS_NORM, weeks=ec.WEEKS_PER_YEAR,
                  leave=ec.ANNUAL_LEAVE_CALENDAR_DAYS, net=ec.NET_OF_LEAVE_NORM, lo=lo, hi=hi,
                  dlo=lo / ec.DAY_HOURS, dhi=hi / ec.DAY_HOURS, day=ec.DAY_HOURS,
                  wdays=noun(round(hi / ec.DAY_HOURS), "ru", ("", ""), ("рабочий день", "рабочих дня", "рабочих дней")),
                  wleave=noun(ec.ANNUAL_LEAVE_CALENDAR_DAYS, "ru", ("", ""),
                              ("календарный день", "календарных дня", "календарных дней")))
    return (pick(lang,
                 "Working time an employee's wage pays for: the Labour Code of the Republic of Kazakhstan (art. 68) "
                 "limits normal working time to {week} hours a week, {gross:,} hours over {weeks} weeks before "
                 "holidays and leave; its minimum annual paid leave (art. 88, {leave} calendar days) leaves {net:,.0f} "
                 "hours; monthly norms of {lo:.0f}–{hi:.0f} hours ({dlo:.0f}–{dhi:.0f} working days of {day} h) are "
                 "the usual range. The money value is varied over the wage bases, these norms, a coverage of " + covs
                 + " of the real sector, and an employer uplift over the gross wage of " + ups + " (social tax and "
                 "contributions; the dataset has no rate for them).",
                 "Рабочее время, которое оплачивает заработная плата сотрудника: Трудовой кодекс Республики "
                 "Казахстан (ст. 68) ограничивает нормальную продолжительность рабочего времени {week} ч в неделю — "
                 "это {gross:,} ч за {weeks} недели без учёта праздников и отпуска; минимальный ежегодный "
                 "оплачиваемый отпуск (ст. 88, {leave} {wleave}) оставляет {net:,.0f} ч; обычный диапазон месячной "
                 "нормы — {lo:.0f}–{hi:.0f} ч ({dlo:.0f}–{dhi:.0f} {wdays} по {day} ч). Денежная оценка "
                 "варьируется по базам заработной платы, этим нормам, охвату реального сектора (" + covs + ") и "
                 "надбавке работодателя к заработной плате (" + ups + "; социальный налог и отчисления — ставки для "
                 "них в наборе данных нет)."), values)


def value_text(grid: pd.DataFrame | None, target: float | None, lang: str) -> Text:
    """The range of the money value and, where the dataset carries the report's value, how many assumptions reach
    it."""
    if grid is None or grid.empty:
        return say(lang, "No money value: hours or a national wage are missing.",
                   "Денежной оценки нет: не хватает часов или средней заработной платы по стране.")
    n = len(grid)
    values: dict[str, object] = {"n": n, "lo": grid["value_bn_kzt_per_year"].min(),
                                 "hi": grid["value_bn_kzt_per_year"].max(),
                                 "wn": noun(n, "ru", ("", ""), ("сочетанию", "сочетаниям", "сочетаниям"))}
    en = "Across the {n} combinations the value ranges from {lo:.2f} to {hi:.2f} bn tenge a year"
    ru = "По {n} {wn} допущений стоимость составляет от {lo:.2f} до {hi:.2f} млрд тенге в год"
    if target is None:
        return pick(lang, en, ru) + ".", values
    gross = grid[grid["employer_uplift"] == 0]
    values.update(k=int(grid["reaches_target"].sum()), t=target / 1e9, g=int(gross["reaches_target"].sum()),
                  ng=len(gross))
    en += "; {k} of them reach the published {t:.1f} bn, {g} of the {ng} at the gross wage."
    ru += ("; опубликованной оценки {t:.1f} млрд достигают {k} из них, а без надбавки работодателя к заработной "
           "плате — {g} из {ng}.")
    return pick(lang, en, ru), values


def required_text(inp: Mapping, lang: str) -> list[Text]:
    """What it takes to reach the published value, in the base case (first wage basis, published coverage, 160 h)."""
    target = inp["target"]
    if inp["hours"] is None or not inp["wages"] or target is None:
        return [say(lang, "The dataset carries no published money value to reach.",
                    "В наборе данных нет опубликованной денежной оценки, с которой можно сравнить расчёт.")]
    basis, wage, cov = ec.base_case(inp)
    hours, months = inp["hours"], inp["months"]
    parts = [say(lang, "With the {label} ({wage:,.0f} tenge) and {cov:.0%} coverage, {t:.1f} bn a year needs an "
                       "employer uplift of {u:.1%} over the gross wage at 160 hours a month; at the gross wage it "
                       "needs employees who work only {h:.0f} hours a month, or, at 160 hours, a coverage of {c:.0%}.",
                 "При базе «{label}» ({wage:,.0f} тенге) и охвате {cov:.0%} для {t:.1f} млрд тенге в год нужна "
                 "надбавка работодателя {u:.1%} к заработной плате при 160 ч работы в месяц; без надбавки — "
                 "сотрудники, работающие всего {h:.0f} ч в месяц, или, при 160 ч, охват {c:.0%}.",
                 label=wage_label(basis, lang), wage=wage, cov=cov, t=target / 1e9,
                 u=ec.uplift_for_value(target, hours, months, wage, 160.0, cov),
                 h=ec.hours_per_month_for_value(target, hours, months, wage, cov),
                 c=ec.coverage_for_value(target, hours, months, wage, 160.0))]
    low = inp["coverage_lowest"]
    if low is not None:
        low_val = ec.annual_value(hours, months, wage, 160.0, low / 100)
        parts.append(say(lang, "At the lowest coverage the published figures mention ({low:g}%) applied nationally "
                               "the value would be {v:.1f} bn — an extreme, since only some regions are that low.",
                         "При наименьшем охвате, упомянутом в опубликованных данных ({low:g}%), если применить его "
                         "ко всей стране, стоимость составила бы {v:.1f} млрд тенге — это крайний случай, поскольку "
                         "столь низкий охват лишь в части регионов.", low=low, v=low_val / 1e9))
    return parts


def regional_text(split: pd.DataFrame | None, inp: Mapping, lang: str) -> Text:
    """Hours by region and how they are valued (one sentence when the dataset has none)."""
    basis, _, coverage = ec.base_case(inp)
    if split is None:
        return say(lang, "Hours by region are not in this dataset; the regional split is skipped.",
                   "Часов по регионам в этом наборе данных нет; распределение по регионам пропущено.")
    months = inp["months"]
    values: dict[str, object] = {"h": split["hours_count"].sum(), "n": len(split), "t": inp["hours"],
                                 "label": wage_label(basis, lang), "cov": coverage, "m": months,
                                 "wm": noun(months, "ru", ("", ""), _MONTHS)}
    en = "Hours by region supplied: {h:,.0f} hours in {n} units"
    ru = "Часы по регионам указаны: {h:,.0f} ч; территориальных единиц: {n}"
    if inp["hours_source"] == "headline_total":
        en += " (headline total {t:,.0f})"
        ru += " (итог из ключевых показателей — {t:,.0f} ч)"
    if basis:
        en += "; valued with the {label}, 160 h a month, coverage {cov:.0%}, over the dataset's {m:g} months."
        ru += "; оценка по базе «{label}», 160 ч в месяц, охват {cov:.0%}, за {m:g} {wm} периода набора данных."
    else:
        en += "; no national wage in this dataset, so only hours."
        ru += "; средней заработной платы по стране в наборе данных нет, поэтому приведены только часы."
    return pick(lang, en, ru), values
