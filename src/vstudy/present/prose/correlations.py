"""Section 03 (correlations) in words, English and Russian: what the coverage, the method, the published
coefficients, the pairs from data, the report's own pairs and the reconstruction checks say.

Every function takes the frames :mod:`vstudy.analysis.correlations` computed and the edition's ``lang`` and returns
``(template, values)`` pairs for ``Study.say``; numbers stay values with a format spec (a signed coefficient is
wrapped by :func:`signed`, which writes a true minus sign). :func:`localized` turns the notes and flags the analysis
writes into a results frame (plain English, for the CSV) into the reader's text in ``lang``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from vstudy.analysis import correlations as cs
from vstudy.analysis import stats
from vstudy.present import labels
from vstudy.present.prose import Text, listing, noun, pick, say
from vstudy.present.text import number


class signed(float):  # noqa: N801 - a number, formatted like one
    """A float whose formatted text carries a true minus sign (−0.45), in both editions."""

    def __format__(self, spec: str) -> str:
        return super().__format__(spec).replace("-", "−")


def _num(value: object) -> signed:
    return signed(float(value))


def var_label(key: str, lang: str, scale: str = "linear") -> str:
    """A declared variable's label in ``lang`` (from :mod:`vstudy.present.labels`), with its scale when logged."""
    text = labels.label(key, lang, default=key)
    if scale == "log":
        text += pick(lang, " (log scale)", " (лог. шкала)")
    return text


def pair_label(x: str, y: str, lang: str, x_scale: str = "linear", y_scale: str = "linear") -> str:
    return pick(lang, "{x} vs {y}", "{x} и {y}").format(x=var_label(x, lang, x_scale), y=var_label(y, lang, y_scale))


def region_name(code: object, lang: str) -> str:
    """A region's full name in ``lang`` (the gazetteer's), or the value as it is when it is not a code."""
    from vstudy.data import regions

    try:
        return regions.name(str(code), lang)
    except KeyError:
        return str(code)


def coef_label(coef_id: str, lang: str) -> str:
    """The report's coefficient named by its two variables (``X × Y``) in ``lang``."""
    return labels.label(coef_id, lang, default=coef_id)


def _p(name: str, p: float) -> tuple[str, dict]:
    """``< 0.001`` or ``= 0.003`` as a template fragment with its value."""
    if p < 0.001:
        return f"< {{{name}:.3f}}", {name: 0.001}
    return f"= {{{name}:.3f}}", {name: float(p)}


# --- inputs and method -------------------------------------------------------------------------------------------

def coverage_text(coverage_table: pd.DataFrame, lang: str) -> list[Text]:
    """How many units the regional table has and how many of the declared variables it carries."""
    present = coverage_table[coverage_table["column"].notna()]
    units = int(coverage_table["of_regions"].iloc[0])
    parts = [say(lang, "The processed regional table has {units} units; {present} of the {declared} declared "
                       "variables are present.",
                 "В обработанной региональной таблице {units} {w}; заявлено переменных: {declared}, из них в данных "
                 "есть {present}.",
                 units=units, present=len(present), declared=len(coverage_table),
                 w=noun(units, "ru", ("", ""), ("территориальная единица", "территориальные единицы",
                                                "территориальных единиц")))]
    logged = present[present["scale"] == "log"]
    if len(logged):
        items, values = [], {}
        for i, (v, s, sl) in enumerate(zip(logged["variable"], logged["skewness"], logged["skewness_log"],
                                           strict=True)):
            items.append(f"{{v{i}}} {{s{i}:.2f}} → {{l{i}:.2f}}")
            values.update({f"v{i}": var_label(v, lang), f"s{i}": _num(s), f"l{i}": _num(sl)})
        body = "; ".join(items)
        parts.append((pick(lang, "Declared on the log scale (skewness raw → log): ",
                           "В логарифмической шкале (асимметрия исходная → после логарифмирования): ") + body + ".",
                      values))
    return parts


def method_text(alpha: float, lang: str, n_perm: int = cs.N_PERM) -> Text:
    """The primary method, the nulls, the corrections — with the constants the code uses."""
    return say(
        lang,
        "Primary method: Pearson r on each variable's declared scale, tested by permutation — exact (all n! "
        "pairings) up to n = {exact}, {n_perm:,} random permutations above. It is the measure the "
        "report used, and a permutation test needs no normality. Spearman's ρ is the sensitivity: shown beside "
        "every r (with its exact p at small n), never a second family of tests. Rates per 100,000 set against "
        "population, density or another rate of the same population are tested against a null that keeps the "
        "shared denominator; the shares of one composition (age groups; social status) sum to 100 and are one "
        "finding per outcome (maxT permutation test). Totals are paired with totals and rates with rates. "
        "Corrections run over each family's findings: Holm (family-wise error, level {alpha:g}) and "
        "Benjamini–Yekutieli (false discovery rate), both valid under any dependence. Pairs on a subset of the "
        "regions form their own family and are not ranked with the others; bootstrap intervals are shown only "
        "from n = {boot}.",
        "Основной метод — коэффициент корреляции Пирсона r, каждая переменная в заявленной для неё шкале; "
        "значимость проверяется перестановочным тестом: точным (все n! перестановок) при n до {exact} и по "
        "{n_perm:,} случайным перестановкам при большем n. Это та же мера, что и в отчёте, а перестановочный тест "
        "не требует нормальности распределения. Коэффициент Спирмена ρ служит проверкой устойчивости: он приведён "
        "рядом с каждым r (с точным p при малых n), но не образует второго семейства проверок. Показатели на "
        "100 тыс. населения, сопоставляемые с численностью населения, его плотностью или другим показателем на ту "
        "же численность, проверяются против нулевой гипотезы, сохраняющей общий знаменатель; доли одного состава "
        "(возрастные группы; социальный статус) в сумме дают 100 и образуют один вывод для каждой переменной-исхода "
        "(перестановочный тест maxT). Абсолютные величины сопоставляются с абсолютными, относительные — с "
        "относительными. Поправки на множественные сравнения применяются к выводам каждого семейства: поправка "
        "Холма (групповая вероятность ошибки, уровень {alpha:g}) и поправка Бенджамини — Иекутиели (доля ложных "
        "открытий); обе верны при любой зависимости между проверками. Пары, рассчитанные по части регионов, "
        "образуют отдельное семейство и не ранжируются вместе с остальными; бутстрэп-интервалы приводятся начиная "
        "с n = {boot}.",
        exact=stats.EXACT_MAX_N, n_perm=n_perm, alpha=alpha, boot=stats.BOOTSTRAP_MIN_N)


# --- the published coefficients ----------------------------------------------------------------------------------

def published_text(family: pd.DataFrame | None, alpha: float, lang: str) -> Text:
    """What the published coefficients can and cannot show (one sentence when the dataset has none)."""
    if family is None:
        return say(lang, "This dataset carries no published correlation coefficients; this part is skipped.",
                   "В этом наборе данных нет опубликованных коэффициентов корреляции; эта часть пропущена.")
    m = int(family["p"].notna().sum())
    raw = family[family["significant_raw"].fillna(False).astype(bool)]
    holm = int(family["significant_holm"].fillna(False).sum())
    by = int(family["significant_by"].fillna(False).sum())
    n = int(family["n"].iloc[0])
    ids = listing([coef_label(c, lang) for c in raw["coef_id"]], lang) if len(raw) else pick(lang, "none", "нет")
    strongest = family.loc[family["r_published"].abs().idxmax()]
    return say(
        lang,
        "Of the {m} published coefficients, {k} differ from zero at the {alpha:g} level on their own ({ids}); "
        "after Holm's correction across them {holm} do, after Benjamini–Yekutieli {by}. With n = {n} regions a test "
        "at level {alpha:g} has 80 % power only for |ρ| ≥ {rd:.2f} (exact power under bivariate normality). The "
        "strongest, r = {rs:.2f} ({sid}), has the 95 % interval {lo:.2f} to {hi:.2f}. The report does not say "
        "whether it correlated counts or shares of the population, so the coefficients are taken as Pearson r over "
        "all regions; only the coefficients are published, so they are tested with the t test, while the pairs "
        "below, computed from data, are tested by permutation.",
        "Из {m} {w_coef} {k} по отдельности {w_differ} от нуля на уровне {alpha:g} ({ids}); с поправкой Холма "
        "по всем коэффициентам значимых остаётся {holm}, с поправкой Бенджамини — Иекутиели — {by}. При выборке из "
        "n = {n} {w_reg} тест на уровне {alpha:g} имеет мощность 80 % лишь при |ρ| ≥ {rd:.2f} (точная мощность "
        "при двумерном нормальном распределении). У самого сильного из них, r = {rs:.2f} ({sid}), 95-процентный "
        "доверительный интервал — от {lo:.2f} до {hi:.2f}. В отчёте не сказано, коррелировались ли абсолютные числа "
        "или доли от населения, поэтому коэффициенты рассматриваются как r Пирсона по всем регионам; опубликованы "
        "только сами коэффициенты, поэтому они проверяются t-критерием, тогда как пары ниже, рассчитанные по "
        "данным, — перестановочным тестом.",
        m=m, k=len(raw), alpha=alpha, ids=ids, holm=holm, by=by, n=n, rd=_num(family["r_detectable"].iloc[0]),
        rs=_num(strongest["r_published"]), sid=coef_label(strongest["coef_id"], lang), lo=_num(strongest["ci_low"]),
        hi=_num(strongest["ci_high"]),
        w_coef=noun(m, "ru", ("", ""), ("опубликованного коэффициента", "опубликованных коэффициентов",
                                        "опубликованных коэффициентов")),
        w_differ=noun(len(raw), "ru", ("", ""), ("отличается", "отличаются", "отличаются")),
        w_reg=noun(n, "ru", ("", ""), ("региона", "регионов", "регионов")))


def reading(row, alpha: float, m: int, lang: str) -> str:
    """One published coefficient's reading as table text in ``lang`` (numbers in the edition's format)."""
    def f(v: float, spec: str = ".2f") -> str:
        return number(_num(v), spec, lang)

    if not np.isfinite(row.r_published) or not np.isfinite(row.p):
        return pick(lang, "not assessable", "оценить нельзя")
    ci = pick(lang, "{c} % CI {lo} to {hi}", "{c}-процентный ДИ от {lo} до {hi}").format(
        c=number(100 * (1 - alpha), "g", lang), lo=f(row.ci_low), hi=f(row.ci_high))
    ptxt = "p " + (f"< {number(0.001, '.3f', lang)}" if row.p < 0.001 else f"= {number(row.p, '.3f', lang)}")
    if not row.significant_raw:
        return pick(lang, "not distinguishable from 0 ({p}); {ci}.", "не отличается от 0 ({p}); {ci}.").format(
            p=ptxt, ci=ci)
    if row.significant_holm:
        return pick(lang, "different from 0 ({p}), also after Holm's correction across {m} coefficients; {ci}.",
                    "отличается от 0 ({p}), в том числе с поправкой Холма по {m} коэффициентам; {ci}.").format(
            p=ptxt, m=m, ci=ci)
    by = (pick(lang, "survives", "сохраняется") if row.significant_by
          else pick(lang, "does not survive", "не сохраняется"))
    return pick(lang, "different from 0 at the {a} level ({p}) but not after Holm's correction across {m} "
                      "coefficients; with Benjamini–Yekutieli it {by}; {ci}.",
                "отличается от 0 на уровне {a} ({p}), но не с поправкой Холма по {m} коэффициентам; с поправкой "
                "Бенджамини — Иекутиели значимость {by}; {ci}.").format(
        a=number(alpha, "g", lang), p=ptxt, m=m, by=by, ci=ci)


# --- notes and flags of the results, for the reader ----------------------------------------------------------------

# Why a variable is absent or covers only some regions, in Russian (the English text is declared with the variable
# in vstudy.analysis.correlations; a test checks every note has its twin).
MISSING_NOTES_RU: dict[str, str] = {
    "volunteers_count": "численность волонтёров по регионам в отчёте дана только в виде диаграмм; укажите "
                        "volunteers_by_region",
    "volunteers_per_100k": "нужна таблица volunteers_by_region",
    "events_count": "число мероприятий по регионам не опубликовано; укажите events_by_region (или региональные "
                    "списки направлений, по которым число мероприятий восстанавливается)",
    "eco_events_count": "нужны региональные списки направлений (мероприятия Taza Álem)",
    "hired_employees_count": "в собранных открытых данных нет численности наёмных работников по регионам",
    "employed_population_count": "в собранных открытых данных нет численности занятого населения по регионам",
    "unemployed_count": "в собранных открытых данных нет численности безработных по регионам (только уровень "
                        "безработицы)",
    "university_students_count": "в собранных открытых данных нет численности студентов вузов по регионам "
                                 "(только по стране)",
    "tvet_students_count": "численность студентов ТиПО по регионам не найдена",
    "school_pupils_count": "численность учащихся школ по регионам не найдена (число школ — не число учащихся)",
    "all_learners_count": "численность учащихся всех учебных заведений по регионам не найдена",
    "volunteers_12_28_count": "возрастная группа 12–28 лет не совпадает ни с одной возрастной группой отчёта",
    "youth_population_count": "ряд численности молодёжи по регионам не собран",
}
SUBSET_NOTES_RU: dict[str, str] = {
    "csi_quality_of_life_rank": "опубликованы только верхние места рейтинга: выборка отобрана по исходу",
    "avg_monthly_wage_q4_kzt": "только регионы, чью квартальную зарплату назвали региональные новости",
}
def missing_note(key: str, lang: str) -> str:
    var = cs.VARIABLE_BY_KEY.get(key)
    if var is None:
        return ""
    return MISSING_NOTES_RU.get(key, var.missing_note) if lang == "ru" else var.missing_note


def subset_note(key: str, lang: str) -> str:
    var = cs.VARIABLE_BY_KEY.get(key)
    if var is None:
        return ""
    return SUBSET_NOTES_RU.get(key, var.subset_note) if lang == "ru" else var.subset_note


def _subset_key(text: str) -> str | None:
    return next((v.key for v in cs.VARIABLES if v.subset_note and v.subset_note == text), None)


def note_text(note: object, lang: str) -> str:
    """A note or flag the analysis wrote (parts joined by "; ") in the reader's words in ``lang``: variable keys as
    their labels, each known part as its sentence; an unknown part is kept as it is."""
    if not isinstance(note, str) or not note.strip():
        return ""
    out = []
    parts = [p for p in re.split(r";\s*(?![^()]*\))", note) if p.strip()]
    for part in parts:
        out.append(_note_part(part.strip(), lang))
    return "; ".join(out)


def _note_part(part: str, lang: str) -> str:
    m = re.fullmatch(r"(\w+) not in the processed table(?: \((.*)\))?", part)
    if m:
        note = missing_note(m[1], lang)
        return pick(lang, "{v}: not in the processed table", "{v}: нет в обработанной таблице").format(
            v=var_label(m[1], lang)) + (f" ({note})" if note else "")
    m = re.fullmatch(r"subset: (\d+) of (\d+) regions(?: \((.*)\))?", part)
    if m:
        whys = [] if not m[3] else [w.strip() for w in re.split(r";\s*", m[3])]
        keys = [_subset_key(w) for w in whys]
        whys = [subset_note(k, lang) if k else w for k, w in zip(keys, whys, strict=True)]
        head = pick(lang, "subset: {n} of {m} regions", "часть регионов: {n} из {m}").format(n=m[1], m=m[2])
        return head + (f" ({'; '.join(whys)})" if whys else "")
    if part == "mixes a total with a rate":
        return pick(lang, part, "абсолютная величина сопоставлена с относительной")
    m = re.fullmatch(r"n=(\d+) (?:complete regions|pairwise-complete pairs) < (\d+): not estimated", part)
    if m:
        return pick(lang, "n = {n} < {k}: not estimated", "n = {n} < {k}: не оценивается").format(n=m[1], k=m[2])
    m = re.fullmatch(r"(\w+) is absent, one of the pair or its denominator", part)
    if m:
        return pick(lang, "not controlled for {v}: it is one of the pair or its denominator",
                    "без контроля переменной «{v}»: она входит в пару или в её знаменатель").format(
            v=var_label(m[1], lang))
    m = re.fullmatch(r"no bootstrap interval below n = (\d+)", part)
    if m:
        return pick(lang, part, "бутстрэп-интервал не строится при n < {n}").format(n=m[1])
    m = re.fullmatch(r"(\d+) of (\d+) bootstrap resamples degenerate \(skipped\)", part)
    if m:
        return pick(lang, part, "вырожденных бутстрэп-выборок: {k} из {n} (пропущены)").format(k=m[1], n=m[2])
    if part == "|r| = 1: Fisher interval degenerate":
        return pick(lang, part, "|r| = 1: интервал Фишера вырожден")
    return part


NOTE_COLUMNS = ("note", "flags", "note_partial", "note_ols")


def localized(frame: pd.DataFrame | None, lang: str, alpha: float = 0.05) -> pd.DataFrame | None:
    """``frame`` (a results table of the section) with its notes, flags and readings in the reader's words in
    ``lang``; the machine table saved as CSV keeps the analysis's text."""
    if frame is None:
        return None
    out = frame.copy()
    for column in NOTE_COLUMNS:
        if column in out.columns:
            out[column] = [note_text(v, lang) for v in out[column]]
    if "reading" in out.columns and "significant_raw" in out.columns:
        m = int(out["p"].notna().sum())
        out["reading"] = [reading(row, alpha, m, lang) for row in out.itertuples(index=False)]
    return out


# --- what the data allow ------------------------------------------------------------------------------------------

_FAMILIES_RU = {"organisations": "организации", "composition": "состав волонтёров", "volunteers": "волонтёры",
                "subsets": "часть регионов", "report": "пары отчёта"}


def _family_label(family: str, lang: str) -> str:
    """A family of tests in running text (the English edition names it by its id, a plain English word)."""
    return _FAMILIES_RU.get(family, family) if lang == "ru" else family


def _influence(row, lang: str, i: int) -> tuple[str, dict]:
    pt, pv = _p(f"pw{i}", row.p_perm_without_influential)
    template = pick(lang, f"without {{reg{i}}} r = {{rw{i}:.2f}} (permutation p {pt}), Cook's distance "
                          f"{{cd{i}:.1f}}",
                    f"без наиболее влиятельного региона ({{reg{i}}}) r = {{rw{i}:.2f}} (перестановочный p {pt}), "
                    f"расстояние Кука {{cd{i}:.1f}}")
    return template, {f"reg{i}": region_name(row.influential_region, lang), f"rw{i}": _num(row.r_without_influential),
                      f"cd{i}": float(row.cooks_d_influential), **pv}


def findings_text(results: pd.DataFrame, alpha: float, lang: str) -> list[Text]:
    """The headline of the public-data families: what survives, what rests on one region, what is an artefact."""
    full = cs.findings_table(results)
    if full.empty:
        return [say(lang, "No pair of the public-data families can be estimated with this dataset.",
                    "Ни одну пару из семейств по открытым данным оценить по этому набору данных нельзя.")]
    parts: list[Text] = []
    n_findings = full.groupby("test_family")["finding"].nunique()
    fams = ", ".join(pick(lang, f"{{f{i}}} {{k{i}}}", f"{{f{i}}} — {{k{i}}}") for i in range(len(n_findings)))
    fvals = {}
    for i, (fam, k) in enumerate(n_findings.items()):
        fvals[f"f{i}"] = _family_label(fam, lang)
        fvals[f"k{i}"] = int(k)
    parts.append((pick(lang, "Findings tested over all regions, by family: ",
                       "Выводов, проверенных по всем регионам, по семействам: ") + fams + ".", fvals))
    holm_ok = full["survives_holm"].fillna(False).astype(bool)
    survivors = full[holm_ok]
    by_only = full[full["survives_by"].fillna(False).astype(bool) & ~holm_ok]
    if survivors.empty:
        if len(by_only):
            parts.append(say(lang, "None survives Holm's correction within its family at level {alpha:g}; {b} "
                                   "survive Benjamini–Yekutieli.",
                             "Ни один вывод не сохраняется после поправки Холма внутри своего семейства на уровне "
                             "{alpha:g}; после поправки Бенджамини — Иекутиели сохраняется {b}.",
                             alpha=alpha, b=len(by_only)))
        else:
            parts.append(say(lang, "None survives Holm's correction within its family at level {alpha:g}, nor "
                                   "Benjamini–Yekutieli.",
                             "Ни один вывод не сохраняется ни после поправки Холма внутри своего семейства на уровне "
                             "{alpha:g}, ни после поправки Бенджамини — Иекутиели.", alpha=alpha))
    else:
        items, values = [], {}
        for i, row in enumerate(survivors.itertuples(index=False)):
            p1, v1 = _p(f"pp{i}", row.p_perm)
            p2, v2 = _p(f"ph{i}", row.p_holm)
            p3, v3 = _p(f"pr{i}", row.p_rho)
            infl, v4 = _influence(row, lang, i)
            rests = pick(lang, " — it rests on that one region", " — он держится на этом одном регионе") \
                if row.rests_on_one_region else ""
            items.append(pick(lang, f"{{pair{i}}} (n = {{n{i}}}): r = {{r{i}:.2f}}, permutation p {p1}, Holm p {p2}; "
                                    f"Spearman ρ = {{rho{i}:.2f}} (p {p3}); ",
                              f"{{pair{i}}} (n = {{n{i}}}): r = {{r{i}:.2f}}, перестановочный p {p1}, p с поправкой "
                              f"Холма {p2}; ρ Спирмена = {{rho{i}:.2f}} (p {p3}); ") + infl + rests)
            values.update({f"pair{i}": pair_label(row.x, row.y, lang, row.x_scale, row.y_scale), f"n{i}": int(row.n),
                           f"r{i}": _num(row.r), f"rho{i}": _num(row.rho), **v1, **v2, **v3, **v4})
        k = len(survivors)
        head = pick(lang, "{ns} {verb} Holm's correction within its family: ",
                    "{ns} {verb} после поправки Холма внутри своего семейства: ")
        values.update(ns=k, verb=pick(lang, "survives" if k == 1 else "survive",
                                      noun(k, "ru", ("", ""), ("вывод сохраняется", "вывода сохраняются",
                                                              "выводов сохраняются"))))
        parts.append((head + "; ".join(items) + ".", values))
    unadjusted = full[(full["p_perm"] <= alpha) & ~holm_ok]
    if len(unadjusted):
        parts.append(say(lang, "Pairs with permutation p ≤ {alpha:g} on their own but not after correction: {k}.",
                         "Пар с перестановочным p ≤ {alpha:g} без поправки, но не после неё: {k}.",
                         alpha=alpha, k=len(unadjusted)))
    one = full[full["rests_on_one_region"].fillna(False).astype(bool)]
    if len(one):
        items, values = [], {"alpha": alpha, "k": len(one)}
        for i, row in enumerate(one.itertuples(index=False)):
            p1, v1 = _p(f"pp{i}", row.p_perm)
            infl, v2 = _influence(row, lang, i)
            items.append(f"{{pair{i}}}: r = {{r{i}:.2f}} (p {p1}), " + infl)
            values.update({f"pair{i}": pair_label(row.x, row.y, lang, row.x_scale, row.y_scale),
                           f"r{i}": _num(row.r), **v1, **v2})
        parts.append((pick(lang, "Pairs with p ≤ {alpha:g} that rest on one region — not significant without it: "
                                 "{k}. ",
                           "Пар с p ≤ {alpha:g}, которые держатся на одном регионе и без него незначимы: {k}. ")
                      + "; ".join(items) + ".", values))
    for row in full[full["null"] == "shared denominator"].itertuples(index=False):
        pt, pv = _p("p", row.p_perm)
        parts.append(say(lang, "{pair} has the population in both variables: r = {r:.2f} where {r0:.2f} is expected "
                               f"from the shared denominator alone (permutation p {pt}).",
                         "В паре «{pair}» численность населения входит в обе переменные: r = {r:.2f}, тогда как один "
                         f"только общий знаменатель даёт в среднем {{r0:.2f}} (перестановочный p {pt}).",
                         pair=pair_label(row.x, row.y, lang, row.x_scale, row.y_scale), r=_num(row.r),
                         r0=_num(row.r_null_mean), **pv))
    sub = cs.findings_table(results, subsets=True)
    if len(sub):
        keys = [k for k in dict.fromkeys([*sub["x"], *sub["y"]]) if cs.VARIABLE_BY_KEY[k].subset_note]
        whys = sorted(subset_note(k, lang) for k in keys) or [pick(lang, "partial coverage", "неполный охват")]
        n_sub = int(sub["finding"].nunique())
        k = int(sub["survives_holm"].fillna(False).sum())
        parts.append(say(lang, "{n} findings rest on a subset of the regions ({why}); they are corrected among "
                               "themselves ({k} survive Holm) and describe those regions only.",
                         "{n} {w} опираются на часть регионов ({why}); поправки к ним применяются отдельно (после "
                         "поправки Холма сохраняется {k}), и они описывают только эти регионы.",
                         n=n_sub, why="; ".join(whys), k=k,
                         w=noun(n_sub, "ru", ("", ""), ("вывод", "вывода", "выводов"))))
    return parts


def power_text(n: int, alpha: float, lang: str, power: float = 0.8,
               benchmarks: Sequence[float] = (0.3, 0.5)) -> Text:
    """What n regions can detect: the smallest |ρ| found with ``power`` and the power at benchmark effects."""
    if n < 4:
        return say(lang, "With {n} regions no correlation can be tested.",
                   "При {n} {w} проверить корреляцию нельзя.", n=n,
                   w=noun(n, "ru", ("", ""), ("регионе", "регионах", "регионах")))
    detect = float(stats.detectable_r(n, power, alpha))
    at = ", ".join(pick(lang, f"{{pw{i}:.2f}} for ρ = {{b{i}:g}}", f"{{pw{i}:.2f}} при ρ = {{b{i}:g}}")
                   for i in range(len(benchmarks)))
    values = {f"pw{i}": float(stats.r_power(b, n, alpha)) for i, b in enumerate(benchmarks)}
    values.update({f"b{i}": float(b) for i, b in enumerate(benchmarks)})
    return (pick(lang, "With {n} regions a two-sided test at level {alpha:g} detects a true correlation with "
                       "{power:.0%} power only from |ρ| = {d:.2f} (exact, under bivariate normality); its power is "
                       + at + ". A pair that is not significant is therefore not evidence of no relation.",
                 "При {n} {w} двусторонний тест на уровне {alpha:g} обнаруживает истинную корреляцию с мощностью "
                 "{power:.0%} лишь начиная с |ρ| = {d:.2f} (точный расчёт при двумерном нормальном распределении); "
                 "его мощность — " + at + ". Поэтому незначимая пара не доказывает отсутствия связи."),
            {"n": n, "alpha": alpha, "power": power, "d": _num(detect),
             "w": noun(n, "ru", ("", ""), ("регионе", "регионах", "регионах")), **values})


# --- the report's own pairs ---------------------------------------------------------------------------------------

def report_text(results: pd.DataFrame, lang: str) -> list[Text]:
    """Which of the report's pairs this dataset recomputes, and what is missing for the others."""
    rep = results[(results["family"] == "report") & (results["role"] == "primary")]
    if rep.empty:
        return [say(lang, "No pair of the report is declared.", "Ни одна пара отчёта не заявлена.")]
    ran = rep[rep["r"].notna()]
    head = pick(lang, "{k} of the report's {m} pairs can be recomputed with this dataset",
                "Из {m} пар отчёта по этому набору данных можно пересчитать {k}")
    values: dict[str, object] = {"k": len(ran), "m": len(rep)}
    items = []
    for i, row in enumerate(ran.itertuples(index=False)):
        pt, pv = _p(f"p{i}", row.p_perm)
        item = pick(lang, f"{{c{i}}}: r = {{r{i}:.2f}} (n = {{n{i}}}, 95 % CI {{lo{i}:.2f}} to {{hi{i}:.2f}}, "
                          f"permutation p {pt})",
                    f"{{c{i}}}: r = {{r{i}:.2f}} (n = {{n{i}}}, 95-процентный ДИ от {{lo{i}:.2f}} до {{hi{i}:.2f}}, "
                    f"перестановочный p {pt})")
        values.update({f"c{i}": coef_label(row.coef_id, lang), f"r{i}": _num(row.r), f"n{i}": int(row.n),
                       f"lo{i}": _num(row.ci_low), f"hi{i}": _num(row.ci_high), **pv})
        pub = getattr(row, "r_published", np.nan)
        if pd.notna(pub):
            item += pick(lang, f", published {{pub{i}:.2f}}", f", в отчёте {{pub{i}:.2f}}")
            values[f"pub{i}"] = _num(pub)
        items.append(item)
    text = head + (": " + "; ".join(items) if items else "") + "."
    parts = [(text, values)]
    missing = rep[rep["r"].isna() & rep["note"].str.contains("volunteers_count not in", na=False)]
    if len(missing):
        parts.append(say(lang, "{k} need per-region volunteer counts, which this dataset does not supply "
                               "(`volunteers_by_region`).",
                         "Для {k} из них нужна численность волонтёров по регионам, которой в этом наборе данных нет "
                         "(`volunteers_by_region`).", k=len(missing)))
    return parts


# --- how exact the reconstructed inputs are ----------------------------------------------------------------------

def reconstruction_text(orgs: pd.DataFrame | None, events: pd.DataFrame | None, lang: str,
                        tolerance: float = cs.RECONSTRUCTION_TOLERANCE_PCT, max_multiple: int = 10) -> list[Text]:
    """How exact the reconstructed organisation and event counts are (computed in analysis, stated here)."""
    parts: list[Text] = []
    if orgs is not None:
        unique = int((orgs["pairs_matching"] == 1).sum())
        same = int(orgs["equals_processed"].sum())
        if same != unique:
            tail_en, tail_ru = ", and in {same} it is the pair the processed layer holds", \
                ", и в {same} это та же пара, что в обработанных данных"
        else:
            tail_en, tail_ru = ", the pair the processed layer holds", ", и это та же пара, что в обработанных данных"
        parts.append(say(lang, "Organisation counts: in {u} of {n} regions exactly one integer pair (NGOs, groups) "
                               "matches all three two-decimal shares of the dataset at ± {tol:g} points" + tail_en + ".",
                         "Число организаций: в {u} из {n} {w} ровно одна пара целых чисел (НПО, инициативные группы) "
                         "даёт все три доли набора данных с двумя знаками после запятой с точностью ± {tol:g} "
                         "п. п." + tail_ru + ".",
                         u=unique, n=len(orgs), tol=tolerance, same=same,
                         w=noun(len(orgs), "ru", ("", ""), ("региона", "регионов", "регионов"))))
        other = orgs[orgs["pairs_matching"] != 1]
        if len(other):
            items, values = [], {}
            for i, (c, k) in enumerate(zip(other["region_code"], other["pairs_matching"], strict=True)):
                items.append(f"{{r{i}}} ({{k{i}}} {{w{i}}})")
                values.update({f"r{i}": region_name(c, lang), f"k{i}": int(k),
                               f"w{i}": noun(int(k), lang, ("pair", "pairs"), ("пара", "пары", "пар"))})
            parts.append((pick(lang, "Not unique: ", "Неоднозначно: ") + ", ".join(items) + ".", values))
    if events is not None:
        base_ok = bool((events["deviation_smallest_pct"] <= tolerance + 1e-9).all())
        reproducing = events[events["multiples_reproducing"] != ""]
        values = {"dev": float(events["deviation_smallest_pct"].iloc[0]), "mm": max_multiple,
                  "close": float(events["min_deviation_multiple_pct"].min()),
                  "regions": listing([region_name(c, lang) for c in reproducing["region_code"]], lang)}
        verb = (pick(lang, "reproduce", "воспроизводят") if base_ok
                else pick(lang, "do not reproduce", "не воспроизводят"))
        if reproducing.empty:
            tail = pick(lang, "never does (the closest misses by {close:.3f} points)",
                        "не воспроизводит их никогда (ближайший вариант расходится на {close:.3f} п. п.)")
        else:
            tail = pick(lang, "still does for {regions}", "всё ещё воспроизводит их для: {regions}")
        parts.append((pick(lang, "Event counts: the smallest totals consistent with each region's shares " + verb
                                 + " every published national share (largest deviation {dev:.4f} points); "
                                   "multiplying any one region's total by 2 to {mm} " + tail
                                 + ". Only a factor common to all regions remains open, and it changes no correlation.",
                           "Число мероприятий: наименьшие итоги, согласованные с долями каждого региона, " + verb
                           + " все опубликованные доли по стране (наибольшее отклонение {dev:.4f} п. п.); умножение "
                             "итога любого одного региона на число от 2 до {mm} " + tail
                           + ". Открытым остаётся лишь общий для всех регионов множитель, а он не меняет ни одной "
                             "корреляции."), values))
    if not parts:
        return [say(lang, "This dataset has no reconstructed counts to check.",
                    "В этом наборе данных нет восстановленных чисел для проверки.")]
    return parts
