"""The replication register: every number a report publishes, checked, with an honest status.

A claim exists only where the dataset carries a published report's figure: the processed table
``published_values`` lists every numeric cell of the raw tables that gives its place in the report's text
(``source_line``). Each gets one row of the register, ``COLUMNS``: claim id, section, what it says, the published
value and how it is printed, its line, the recomputed value, the difference, a status and a note; the claim and
the note again in Russian (``claim_ru``, ``note_ru``: each Russian text is written beside its English twin, region
names from the gazetteer, numbers with a decimal comma). The statuses, one declared vocabulary
(:data:`STATUS_MEANING`):

``reproduced``        recomputed from inputs independent of the claim (e.g. a national share from the regional
                      lists, a coefficient from official statistics) and equal within the published rounding;
``consistent``        an internal check holds (shares that sum to 100, a prose figure equal to its chart, counts
                      reconstructed to fit the shares) — agreement, not a replication;
``derived``           a value the report did not print, computed from what it did (extra rows, no published value);
``differs``           a check fails; the note gives the evidence and the erratum;
``not reproducible``  no check is possible; the note names the missing input.

Several checks can bear on one value: a failed check makes it ``differs``; otherwise a recomputation beats an
internal check, and an internal check beats "not reproducible" (whose reason stays in the note). Everything is
read from the processed layer (:func:`inputs`); counts the data layer reconstructs (organisations) are read,
not reconstructed here; the report's coefficients come from section 03's computation (``coefficients``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from vstudy import i18n
from vstudy.analysis import activities
from vstudy.data import datasets, regions
from vstudy.vocab import SECTIONS, localize_number

REPRODUCED, CONSISTENT, DERIVED, DIFFERS, NOT_REPRODUCIBLE = (
    "reproduced", "consistent", "derived", "differs", "not reproducible")
STATUS_ORDER = (REPRODUCED, CONSISTENT, DERIVED, DIFFERS, NOT_REPRODUCIBLE)
STATUS_MEANING = {
    REPRODUCED: ("recomputed from inputs independent of the claim and equal within the published rounding",
                 "пересчитано из данных, не зависящих от показателя, и совпадает с точностью до округления"),
    CONSISTENT: ("an internal check holds (sums, prose against chart, counts that fit the shares); agreement, "
                 "not a replication",
                 "выполняется внутренняя проверка (суммы, текст против диаграммы, счёт под доли); согласованность, "
                 "а не воспроизведение"),
    DERIVED: ("a value the report did not print, computed from what it did",
              "величина, которую отчёт не напечатал, вычисленная из напечатанного"),
    DIFFERS: ("a check fails; the note gives the evidence and the erratum",
              "проверка не выполняется; примечание приводит доказательство и ошибку отчёта"),
    NOT_REPRODUCIBLE: ("no check is possible; the note names the missing input",
                       "проверить нельзя; примечание называет недостающие данные"),
}
# The claim and the note in English, and in Russian (``claim_ru``, ``note_ru``: the Russian edition's text, written
# beside its English twin in each check below).
COLUMNS = ["claim_id", "section", "claim", "published_value", "published_as_printed", "source_line",
           "recomputed_value", "difference", "status", "note", "claim_ru", "note_ru"]

S00, S01, S02, S03 = "00_data_quality", "01_demographics", "02_organisations", "03_correlations"
S05, S06, S07 = "05_activities", "06_economic_value", "07_information_line"
TABLE_SECTION = {
    "age_national": S01, "age_by_region": S01, "status_national": S01, "status_by_region": S01,
    "gender_national": S01, "gender_extremes": S01, "organisations_by_region": S02, "correlations_published": S03,
    "event_directions_national": S05, "event_directions_by_region": S05, "ways_of_volunteering": S05,
    "participant_category_quotes": S05, "org_directions_partial": S05, "info_line_totals": S07,
    "info_line_channels": S07, "info_line_categories": S07, "info_line_monthly": S07, "headline_figures": S00,
}
# Processed tables the register reads (``<name>_<scheme>`` or dataset-wide), through :func:`inputs`.
INPUT_TABLES = ("published_values", "headline_figures", "age", "status", "organisations", "event_directions",
                "event_counts",
                "event_directions_national_corrected", "age_national", "status_national", "gender_national",
                "gender_extremes", "correlations_published", "ways_of_volunteering", "participant_category_quotes",
                "info_line_totals", "info_line_channels", "info_line_categories", "info_line_monthly",
                "errata_evaluated", "regions")

SHARE_TOL = 0.005  # a share printed with two decimals is off by at most half a unit of its last digit
WORKING_HOURS_PER_YEAR = 40 * 52  # Labour Code of the Republic of Kazakhstan, art. 68: ≤ 40 hours a week
DENOMINATOR_MULTIPLES = 20  # event totals tried for a quoted share: the smallest count and its multiples up to ×20


def inputs(table: Callable[[str], pd.DataFrame | None]) -> dict[str, pd.DataFrame | None]:
    """The processed tables the register reads; ``table`` is e.g. ``study.table`` (None where absent)."""
    return {name: table(name) for name in INPUT_TABLES}


# ---------------------------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class Check:
    status: str
    recomputed: float | None = None
    note: str = ""
    note_ru: str = ""  # the note in Russian (numbers the Russian way: 12,5; 1 658)


class _Both(NamedTuple):
    """A piece of a note in English and in Russian."""
    en: str = ""
    ru: str = ""


_NO_TEXT = _Both()


_PRIORITY = (DIFFERS, REPRODUCED, CONSISTENT, NOT_REPRODUCIBLE)


def combine(checks: list[Check]) -> Check:
    """One status for a value several checks bear on: a failure wins, then a recomputation, then an internal
    check; the notes of all are kept (the deciding check's first)."""
    if not checks:
        return Check(NOT_REPRODUCIBLE, None, "no check is declared for this value",
                     "для этого значения проверка не задана")
    ordered = sorted(checks, key=lambda c: _PRIORITY.index(c.status))
    best = ordered[0]
    recomputed = next((c.recomputed for c in ordered if c.status == best.status and c.recomputed is not None),
                      None)
    if recomputed is None:
        recomputed = next((c.recomputed for c in ordered if c.recomputed is not None), None)
    notes = list(dict.fromkeys(c.note for c in ordered if c.note))
    notes_ru = list(dict.fromkeys(c.note_ru for c in ordered if c.note_ru))
    return Check(best.status, recomputed, "; ".join(notes), "; ".join(notes_ru))


def within(published: float, recomputed: float, tol: float) -> str:
    return CONSISTENT if abs(recomputed - published) <= tol + 1e-9 else DIFFERS


def _fmt(value: float, digits: int = 2, lang: str = "en") -> str:
    return localize_number(f"{value:,.{digits}f}", lang)


def _ru(value: float, spec: str = ",.2f") -> str:
    """``value`` formatted with ``spec`` as Russian writes numbers (1 658; 12,50)."""
    return localize_number(format(value, spec), "ru")


def _num(value: float, lang: str = "en") -> str:
    """A count without decimals, a share with two."""
    return localize_number(f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}", lang)


@dataclass
class _Context:
    tables: Mapping[str, pd.DataFrame | None]
    scheme: str
    period: Mapping[str, object]
    coefficients: pd.DataFrame | None
    checks: dict[tuple, list[Check]] = field(default_factory=dict)
    derived: list[dict] = field(default_factory=list)

    def add(self, table: str, item: str | None, code: str | None, column: str, check: Check) -> None:
        self.checks.setdefault((table, item, code, column), []).append(check)

    def t(self, name: str) -> pd.DataFrame | None:
        frame = self.tables.get(name)
        return None if frame is None or len(frame) == 0 else frame

    def published(self, table: str) -> pd.DataFrame:
        pv = self.t("published_values")
        if pv is None:
            return pd.DataFrame(columns=["table", "item", "region_code", "column", "value", "source_line"])
        sub = pv[pv["table"] == table].copy()
        for col in ("item", "region_code"):
            sub[col] = sub[col].astype(object).where(sub[col].notna(), None)
        return sub

    def value(self, table: str, item: str | None, code: str | None = None, column: str | None = None):
        sub = self.published(table)
        sub = sub[(sub["item"] == item) if item is not None else sub["item"].isna()]
        sub = sub[(sub["region_code"] == code) if code is not None else sub["region_code"].isna()]
        if column is not None:
            sub = sub[sub["column"] == column]
        return None if sub.empty else next(sub.itertuples())

    def erratum(self, file_stem: str, rule: str, item: str | None = None) -> _Both:
        """" (erratum E15)" (and « (ошибка отчёта E15)») for the dataset's erratum of that file and rule (the one
        whose row selector names ``item`` when several), or empty texts when it has none."""
        errata = self.t("errata_evaluated")
        if errata is None:
            return _Both()
        hit = errata[errata["file"].str.contains(file_stem, regex=False) & (errata["rule_id"] == rule)]
        if item is not None and "rows" in hit.columns:
            named = hit[hit["rows"].astype(str).str.contains(item, regex=False)]
            hit = named if len(named) else hit
        ids = ", ".join(hit["erratum_id"])
        return _Both(f" (erratum {ids})", f" (ошибка отчёта {ids})") if len(hit) else _Both()

    def code(self, name: str) -> str | None:
        return regions.try_resolve(name, self.scheme)

    def region(self, code: str | None, lang: str = "en") -> str:
        """The unit's name from the gazetteer in ``lang`` ("Akmola Region", "Astana"; «Акмолинская область»,
        «Астана»: a city without the word «город», as the English names it), "Kazakhstan" for None."""
        if code is None:
            return "Казахстан" if lang == "ru" else "Kazakhstan"
        units = regions.units(self.scheme).set_index("code")
        if code not in units.index:
            return code
        return str(units.loc[code, "name_en"]) if lang != "ru" else \
            str(units.loc[code, "name_ru"]).removeprefix("город ")

    def pair_ru(self, coef_id: str) -> tuple[str, str]:
        """The report's two variables of a published coefficient in Russian (``x_ru``, ``y_ru``)."""
        pub = self.t("correlations_published")
        hit = None if pub is None or "x_ru" not in pub.columns else pub[pub["coef_id"] == coef_id]
        return (str(hit["x_ru"].iloc[0]), str(hit["y_ru"].iloc[0])) if hit is not None and len(hit) \
            else (coef_id, coef_id)

    def direction_label(self, direction: str) -> str:
        ev = self.t("event_directions")
        hit = None if ev is None else ev.loc[ev["direction_id"] == direction, "label_as_published"]
        return str(hit.iloc[0]) if hit is not None and len(hit) else direction

    def event_counts(self) -> pd.DataFrame | None:
        """The data layer's reconstructed event counts (processed ``event_counts``), with the register's column
        names; None when the dataset has no regional lists or a region's shares fit no total."""
        counts = self.t("event_counts")
        if counts is None or counts["region_events_count"].isna().any():
            return None
        return counts.rename(columns={"events_count": "events", "region_events_count": "region_events"}).astype(
            {"events": "int64", "region_events": "int64"})

    def months(self) -> float | None:
        """The period's length in months (:func:`vstudy.data.datasets.period_months`, computed there only)."""
        try:
            return datasets.period_months(self.period)
        except ValueError:
            return None


def _sum_check(ctx: _Context, table: str, values: pd.DataFrame, what: _Both, erratum: _Both = _NO_TEXT) -> None:
    """Shares that must sum to 100: each gets 100 − the others (tolerance n × 0.005). ``what`` names the shares
    (the Russian in the genitive plural: «национальных долей»)."""
    n = len(values)
    total = float(values["value"].sum())
    tol = n * SHARE_TOL
    for row in values.itertuples():
        implied = round(100 - (total - row.value), 2)
        status = within(row.value, implied, tol)
        differs = status == DIFFERS
        note = (f"{n} {what.en} sum to {_fmt(total)}: 100 − the others = {_fmt(implied)} (tolerance ±{tol:.3f})"
                + (erratum.en if differs else ""))
        note_ru = (f"сумма {n} {what.ru} — {_ru(total)}: 100 − остальные = {_ru(implied)} (допуск ±{_ru(tol, '.3f')})"
                   + (erratum.ru if differs else ""))
        ctx.add(table, row.item, row.region_code, row.column, Check(status, implied, note, note_ru))


# --- demographics --------------------------------------------------------------------------------------------

def _weights(ctx: _Context) -> pd.Series | None:
    reg = ctx.t("regions")
    if reg is None or "volunteers_count" not in reg.columns or reg["volunteers_count"].isna().any():
        return None
    return reg.set_index("region_code")["volunteers_count"].astype(float)


def _national_shares(ctx: _Context) -> None:
    age, status = ctx.t("age"), ctx.t("status")
    wide = {"age_national": (age, {"under18": "vol_age_under18_pct", "18_29": "vol_age_18_29_pct",
                                   "30_to_pension": "vol_age_30_to_pension_pct", "pension": "vol_age_pension_pct"}),
            "status_national": (status, {"students": "vol_students_pct", "working": "vol_working_pct",
                                         "unemployed": "vol_unemployed_pct", "neet": "vol_neet_pct"})}
    weights = _weights(ctx)
    for table in ("age_national", "status_national", "gender_national"):
        values = ctx.published(table)
        if values.empty:
            continue
        _sum_check(ctx, table, values, _Both("national shares", "национальных долей"))
        if table == "gender_national":
            ext = ctx.published("gender_extremes")
            for row in values.itertuples():
                col = f"{row.item}_pct"
                bounds = ext[ext["column"] == col]["value"]
                if len(bounds) >= 2:
                    lo, hi = float(bounds.min()), float(bounds.max())
                    ok = lo <= row.value <= hi
                    ctx.add(table, row.item, None, row.column, Check(
                        CONSISTENT if ok else DIFFERS, None,
                        f"lies within the regional range the prose gives ({_fmt(lo, 1)}–{_fmt(hi, 1)})",
                        f"лежит в пределах региональных значений, названных в тексте ({_ru(lo, '.1f')}–"
                        f"{_ru(hi, '.1f')})"))
                ctx.add(table, row.item, None, row.column, Check(
                    NOT_REPRODUCIBLE, None, "the regional gender split was not published (only its extremes)",
                    "распределение волонтёров по полу в регионах не опубликовано (только крайние значения)"))
            continue
        frame, columns = wide[table]
        for row in values.itertuples():
            col = columns.get(row.item)
            if frame is None or col is None or col not in frame.columns:
                continue
            shares = frame.set_index("region_code")[col].astype(float)
            lo, hi = float(shares.min()), float(shares.max())
            corrected = _Both(" (pension share corrected, erratum E01)",
                              " (доля пенсионного возраста исправлена, ошибка отчёта E01)") \
                if row.item == "pension" and "duplicate" in " ".join(
                    frame.get("pension_correction", pd.Series([""])).astype(str)) else _Both()
            ctx.add(table, row.item, None, row.column, Check(
                CONSISTENT if lo - SHARE_TOL <= row.value <= hi + SHARE_TOL else DIFFERS, None,
                f"a weighted mean of the regional shares must lie between them: {_fmt(lo)}–{_fmt(hi)}{corrected.en}",
                f"взвешенное среднее региональных долей должно лежать между ними: {_ru(lo)}–{_ru(hi)}{corrected.ru}"))
            if weights is not None:
                w = weights.reindex(shares.index)
                rec = round(float((shares * w).sum() / w.sum()), 2)
                ctx.add(table, row.item, None, row.column, Check(
                    REPRODUCED if abs(rec - row.value) <= 0.05 else DIFFERS, rec,
                    "regional shares weighted by the supplied volunteer counts (tolerance ±0.05)",
                    "региональные доли, взвешенные по числу волонтёров из набора данных (допуск ±0,05)"))
            else:
                ctx.add(table, row.item, None, row.column, Check(
                    NOT_REPRODUCIBLE, None, "the national share is the regional shares weighted by the number of "
                    "volunteers per region, which the report printed only as a chart (volunteers_by_region)",
                    "национальная доля — это региональные доли, взвешенные по числу волонтёров в регионах, а его "
                    "отчёт привёл только диаграммой (volunteers_by_region)"))


def _descending(values: pd.DataFrame) -> bool:
    """A ranked list printed top to bottom (by source line) must not increase."""
    ordered = values.sort_values("source_line")["value"].to_numpy(float)
    return bool(np.all(np.diff(ordered) <= 1e-9))


def _age_lists(ctx: _Context) -> None:
    values, age = ctx.published("age_by_region"), ctx.t("age")
    if values.empty or age is None:
        return
    wide = age.set_index("region_code")
    duplicated = wide["pension_correction"].astype(str).str.contains("duplicate").any()
    e01 = ctx.erratum("age_by_region", "duplicate_list")
    for group, lst in values.groupby("item"):
        order = _descending(lst)
        for row in lst.itertuples():
            w = wide.loc[row.region_code]
            ctx.add("age_by_region", group, row.region_code, row.column, Check(
                CONSISTENT if order else DIFFERS, None,
                "ranked list in descending order" if order else "the ranked list is not in descending order",
                "ранжированный список идёт по убыванию" if order else "ранжированный список не идёт по убыванию"))
            three = float(w["vol_age_under18_pct"] + w["vol_age_18_29_pct"] + w["vol_age_30_to_pension_pct"])
            if duplicated and group == "pension":
                ctx.add("age_by_region", group, row.region_code, row.column, Check(
                    DIFFERS, float(w["vol_age_pension_pct"]),
                    f"the pension-age list repeats the 30-to-pension list{e01.en}: with it the region's four shares "
                    f"sum to {_fmt(float(w['sum_published_pct']))}; the share it should give is 100 − the other "
                    f"three = {_fmt(float(w['vol_age_pension_pct']))} (derived)",
                    f"список пенсионного возраста повторяет список «от 30 лет до пенсионного возраста»{e01.ru}: с ним "
                    f"четыре доли региона в сумме дают {_ru(float(w['sum_published_pct']))}; доля должна быть "
                    f"100 − три остальные = {_ru(float(w['vol_age_pension_pct']))} (выведено)"))
            elif duplicated:
                ok = three <= 100 + 3 * SHARE_TOL
                ctx.add("age_by_region", group, row.region_code, row.column, Check(
                    CONSISTENT if ok else DIFFERS, None,
                    f"the region's shares under 18, 18–29 and 30 to pension age sum to {_fmt(three)} ≤ 100",
                    f"доли региона до 18 лет, 18–29 лет и от 30 лет до пенсионного возраста в сумме дают "
                    f"{_ru(three)} ≤ 100"))
            else:
                total = float(w["sum_published_pct"])
                implied = round(100 - (total - row.value), 2)
                ctx.add("age_by_region", group, row.region_code, row.column, Check(
                    within(row.value, implied, 4 * SHARE_TOL), implied,
                    f"the region's four age shares sum to {_fmt(total)}",
                    f"четыре возрастные доли региона в сумме дают {_ru(total)}"))


def _status_lists(ctx: _Context) -> None:
    values = ctx.published("status_by_region")
    for _status, lst in values.groupby("item"):
        order = _descending(lst)
        for row in lst.itertuples():
            ctx.add("status_by_region", row.item, row.region_code, row.column, Check(
                CONSISTENT if order else DIFFERS, None,
                "ranked list in descending order" if order else "the ranked list is not in descending order",
                "ранжированный список идёт по убыванию" if order else "ранжированный список не идёт по убыванию"))
    for _code, region in values.groupby("region_code"):
        _sum_check(ctx, "status_by_region", region, _Both("status shares of the region", "долей статусов региона"))


def _gender_extremes(ctx: _Context) -> None:
    values = ctx.published("gender_extremes")
    if values.empty:
        return
    by = {(r.item, r.column): r.value for r in values.itertuples()}
    for row in values.itertuples():
        other = "female_pct" if row.column == "male_pct" else "male_pct"
        if row.item in ("highest_male_share", "lowest_male_share") and (row.item, other) in by:
            implied = round(100 - by[(row.item, other)], 2)
            ctx.add("gender_extremes", row.item, row.region_code, row.column, Check(
                within(row.value, implied, 2 * SHARE_TOL), implied, "the region's male and female shares sum to 100",
                "доли мужчин и женщин в регионе в сумме дают 100"))
        elif row.item in ("others_range_min", "others_range_max"):
            pair = "others_range_max" if row.item == "others_range_min" else "others_range_min"
            if (pair, other) in by:
                implied = round(100 - by[(pair, other)], 2)
                ctx.add("gender_extremes", row.item, row.region_code, row.column, Check(
                    within(row.value, implied, 2 * SHARE_TOL), implied,
                    "a range bound of one sex is 100 − the opposite bound of the other",
                    "граница диапазона для одного пола равна 100 − противоположная граница для другого"))
        male = {k: v for (k, c), v in by.items() if c == "male_pct"}
        if {"highest_male_share", "lowest_male_share", "others_range_min", "others_range_max"} <= set(male):
            ok = male["highest_male_share"] >= male["others_range_max"] and \
                male["lowest_male_share"] <= male["others_range_min"]
            ctx.add("gender_extremes", row.item, row.region_code, row.column, Check(
                CONSISTENT if ok else DIFFERS, None,
                "the highest and lowest male shares lie outside the range given for the other regions",
                "наибольшая и наименьшая доли мужчин лежат вне диапазона, названного для остальных регионов"))
        ctx.add("gender_extremes", row.item, row.region_code, row.column, Check(
            NOT_REPRODUCIBLE, None, "the regional gender split was not published",
            "распределение волонтёров по полу в регионах не опубликовано"))


# --- organisations -------------------------------------------------------------------------------------------

def _organisations(ctx: _Context) -> None:
    values, orgs = ctx.published("organisations_by_region"), ctx.t("organisations")
    if values.empty or orgs is None:
        return
    hf = _figures(ctx)
    totals = {"ngo": hf.get("ngo_total"), "groups": hf.get("initiative_groups_total")}
    o = orgs.set_index("region_code")
    for row in values.itertuples():
        r = o.loc[row.region_code]
        n, g = int(r["ngo_count"]), int(r["initiative_group_count"])
        rec = {"ngo_share_of_region_pct": 100 * n / (n + g), "group_share_of_region_pct": 100 * g / (n + g),
               "region_share_of_national_ngo_pct": float(r["national_ngo_share_pct_reconstructed"]),
               "region_share_of_national_groups_pct": float(r["national_groups_share_pct_reconstructed"])}[row.column]
        tol = 0.01 if row.column.endswith("of_region_pct") else SHARE_TOL
        status = within(row.value, rec, tol)
        ngo_total, groups_total = totals["ngo"] or float("nan"), totals["groups"] or float("nan")
        note = (f"integer counts {n} NGOs and {g} initiative groups (the processed organisations table) give "
                f"{_fmt(rec, 3)}; they are chosen to fit this row's shares and to sum to the national totals "
                f"{_fmt(ngo_total, 0)} and {_fmt(groups_total, 0)}, so agreement is consistency, not a recomputation")
        note_ru = (f"целые числа — {n} НПО и {g} инициативных групп (обработанная таблица организаций) — дают "
                   f"{_ru(rec, ',.3f')}; они подобраны так, чтобы соответствовать долям этой строки и в сумме давать "
                   f"национальные итоги {_ru(ngo_total, ',.0f')} и {_ru(groups_total, ',.0f')}, поэтому совпадение — "
                   "согласованность, а не пересчёт")
        if not bool(r["reproduces_published"]):
            status, note = DIFFERS, note + "; no integer counts near the shares meet the published ratio"
            note_ru += "; никакие целые числа вблизи долей не дают опубликованного соотношения"
        ctx.add("organisations_by_region", None, row.region_code, row.column,
                Check(status, round(rec, 3), note, note_ru))
    for fid, col in (("ngo_total", "ngo_count"), ("initiative_groups_total", "initiative_group_count")):
        row = ctx.value("headline_figures", fid)
        if row is None:
            continue
        total = int(orgs[col].sum())
        ok = total == int(row.value) and bool(orgs["reproduces_published"].all())
        ctx.add("headline_figures", fid, None, "value", Check(
            CONSISTENT if ok else DIFFERS, float(total),
            f"the {len(orgs)} regional counts that reproduce every published share sum to {total:,}; the counts are "
            "reconstructed to this total, so it is consistency, not an independent count",
            f"{len(orgs)} региональных чисел, воспроизводящих все опубликованные доли, в сумме дают {_ru(total, ',')}; "
            "числа восстановлены под этот итог, поэтому это согласованность, а не независимый подсчёт"))
        for r in orgs.itertuples():
            ctx.derived.append({
                "claim_id": f"derived.organisations.{r.region_code}.{col}", "section": S02,
                "claim": f"{'NGOs' if col == 'ngo_count' else 'Initiative groups'} in {ctx.region(r.region_code)} "
                         "(not printed)",
                "claim_ru": f"{'НПО' if col == 'ngo_count' else 'Инициативные группы'}: "
                            f"{ctx.region(r.region_code, 'ru')} (в отчёте не напечатано)",
                "recomputed_value": float(getattr(r, col)),
                "note": "integer count that reproduces the region's four published shares and sums to the national "
                        "total (processed organisations table)",
                "note_ru": "целое число, которое воспроизводит четыре опубликованные доли региона и вместе с другими "
                           "регионами даёт национальный итог (обработанная таблица организаций)"})


# --- events --------------------------------------------------------------------------------------------------

def _consistent_denominators(shares: np.ndarray, limit: int) -> list[int]:
    """Every event total n ≤ limit for which each share is k/n rounded to 2 decimals and the k sum to n."""
    out = []
    for n in range(1, limit + 1):
        k = np.rint(shares * n / 100.0)
        if np.all(np.abs(100.0 * k / n - shares) <= SHARE_TOL + 1e-9) and int(k.sum()) == n:
            out.append(n)
    return out


def _fits(share: float, n: int) -> int | None:
    """k with round(100 k / n, 2) == share, or None."""
    k0 = round(share * n / 100)
    return next((k for k in (k0 - 1, k0, k0 + 1) if k >= 0 and math.isclose(round(100 * k / n, 2), share)), None)


def _events(ctx: _Context) -> None:
    values = ctx.published("event_directions_by_region")
    counts = ctx.event_counts()
    if values.empty:
        return
    if counts is None:
        for row in values.itertuples():
            ctx.add("event_directions_by_region", row.item, row.region_code, row.column, Check(
                DIFFERS, None, "no event total makes every share of this region's list k/n",
                "ни при каком общем числе мероприятий все доли списка региона не имеют вид k/n"))
        return
    c = counts.set_index(["region_code", "direction_id"])
    sums = values.groupby("region_code")["value"].sum()
    for row in values.itertuples():
        k, n = int(c.loc[(row.region_code, row.item), "events"]), int(c.loc[(row.region_code, row.item),
                                                                            "region_events"])
        ctx.add("event_directions_by_region", row.item, row.region_code, row.column, Check(
            CONSISTENT, round(100 * k / n, 4),
            f"{k} of {n} events: the smallest total for which every share of the region's list is a whole number "
            f"of events (the list sums to {_fmt(float(sums[row.region_code]))})",
            f"{k} из {n} мероприятий: наименьшее общее число, при котором каждая доля списка региона — целое число "
            f"мероприятий (сумма списка — {_ru(float(sums[row.region_code]))})"))
    totals = counts.groupby("region_code")["region_events"].first()
    for code, n in totals.items():
        ctx.derived.append({"claim_id": f"derived.events.{code}", "section": S05,
                            "claim": f"Volunteer events in {ctx.region(code)} (not printed)",
                            "claim_ru": f"Волонтёрские мероприятия: {ctx.region(code, 'ru')} (в отчёте не напечатано)",
                            "recomputed_value": float(n),
                            "note": "smallest event total for which every share of the region's direction list is a "
                                    "whole number of events (a lower bound: any multiple fits too)",
                            "note_ru": "наименьшее общее число мероприятий, при котором каждая доля списка направлений "
                                       "региона — целое число мероприятий (нижняя граница: подходит и любое кратное)"})
    ctx.derived.append({"claim_id": "derived.events.national", "section": S05,
                        "claim": "Volunteer events in Kazakhstan (not printed)",
                        "claim_ru": "Волонтёрские мероприятия в Казахстане (в отчёте не напечатано)",
                        "recomputed_value": float(totals.sum()),
                        "note": "sum of the regional event totals reconstructed from the direction lists",
                        "note_ru": "сумма региональных чисел мероприятий, восстановленных по спискам направлений"})
    pooled = activities.national_from_counts(counts).set_index("direction_id")
    total = int(pooled["total_events"].iloc[0])
    for row in ctx.published("event_directions_national").itertuples():
        if row.item not in pooled.index:
            continue
        ev = int(pooled.loc[row.item, "events"])
        rec = round(100 * ev / total, 2)
        ctx.add("event_directions_national", row.item, None, row.column, Check(
            REPRODUCED if abs(rec - row.value) <= SHARE_TOL + 1e-9 else DIFFERS, rec,
            f"{ev:,} of {total:,} events pooled from the regional lists (each region's smallest consistent total)",
            f"{_ru(ev, ',')} из {_ru(total, ',')} мероприятий, сложенных из региональных списков (для каждого региона — "
            "наименьшее согласованное общее число)"))
    nat = ctx.t("event_directions_national_corrected")
    if nat is not None:
        for r in nat[nat["share_pct_published"].isna() & nat["share_pct"].notna()].itertuples():
            ev = int(pooled.loc[r.direction_id, "events"]) if r.direction_id in pooled.index else None
            agree = _Both() if ev is None else _Both(
                f"; pooled from the regional lists it is {ev:,} of {total:,} events = {100 * ev / total:.2f} %",
                f"; по региональным спискам — {_ru(ev, ',')} из {_ru(total, ',')} мероприятий = "
                f"{_ru(100 * ev / total)} %")
            err = ctx.erratum("event_directions_national", "truncated_label")
            ctx.derived.append({
                "claim_id": f"derived.event_directions_national.{r.direction_id}", "section": S05,
                "claim": f"National share of events: {r.label_as_published} (label truncated, no number printed)",
                "claim_ru": f"Доля мероприятий по стране: {r.label_as_published} (подпись обрезана, число не "
                            "напечатано)",
                "recomputed_value": float(r.share_pct),
                "note": f"100 − the other published shares{err.en}" + agree.en,
                "note_ru": f"100 − остальные опубликованные доли{err.ru}" + agree.ru})


def _ways(ctx: _Context) -> None:
    values = ctx.published("ways_of_volunteering")
    if values.empty:
        return
    total = float(values["value"].sum())
    e12 = ctx.erratum("ways_of_volunteering", "sum_exceeds_100")
    for row in values.itertuples():
        ctx.add("ways_of_volunteering", row.item, None, row.column, Check(
            DIFFERS if total > 100 + len(values) * SHARE_TOL else CONSISTENT, None,
            f"the {len(values)} ways sum to {_fmt(total)}{e12.en}: they cannot be shares of one set of events unless "
            "an event may count under several ways",
            f"сумма долей {len(values)} путей реализации — {_ru(total)}{e12.ru}: это не могут быть доли одного и того "
            "же множества мероприятий, если только мероприятие не учитывается сразу в нескольких путях"))
    counts = ctx.event_counts()
    if counts is None:
        return
    n = int(counts.groupby("region_code")["region_events"].first().sum())
    e21 = ctx.erratum("ways_of_volunteering", "not_a_share_of_the_events")
    e22 = ctx.erratum("ways_of_volunteering", "copy_of_another_value")
    directions = ctx.published("event_directions_national")
    for row in values.itertuples():
        k = _fits(row.value, n)
        same = directions[np.isclose(directions["value"].astype(float), row.value)]
        if len(same):
            d = same.iloc[0]
            dk = _fits(float(d["value"]), n)
            ctx.add("ways_of_volunteering", row.item, None, row.column, Check(
                DIFFERS, float(d["value"]),
                f"equals the national share of {ctx.direction_label(d['item'])} ({dk} of {n:,} events = "
                f"{100 * dk / n:.4f} %), printed just above the chart: a likely copy{e22.en}",
                f"совпадает с долей направления «{ctx.direction_label(d['item'])}» по стране ({dk} из {_ru(n, ',')} "
                f"мероприятий = {_ru(100 * dk / n, '.4f')} %), напечатанной прямо над диаграммой: вероятно, "
                f"скопировано{e22.ru}"))
        elif k is None:
            lo = math.floor(row.value * n / 100)
            ctx.add("ways_of_volunteering", row.item, None, row.column, Check(
                DIFFERS, round(100 * (lo + (1 if abs(100 * (lo + 1) / n - row.value) < abs(100 * lo / n - row.value)
                                            else 0)) / n, 2),
                f"no whole number of the {n:,} events reconstructed from the regional lists gives {row.value:.2f} %: "
                f"{lo:,}/{n:,} = {100 * lo / n:.3f} %, {lo + 1:,}/{n:,} = {100 * (lo + 1) / n:.3f} %{e21.en}",
                f"никакое целое число из {_ru(n, ',')} мероприятий, восстановленных по региональным спискам, не даёт "
                f"{_ru(row.value)} %: {_ru(lo, ',')}/{_ru(n, ',')} = {_ru(100 * lo / n, '.3f')} %, "
                f"{_ru(lo + 1, ',')}/{_ru(n, ',')} = {_ru(100 * (lo + 1) / n, '.3f')} %{e21.ru}"))
        else:
            ctx.add("ways_of_volunteering", row.item, None, row.column, Check(
                CONSISTENT, round(100 * k / n, 4), f"{k:,} of the {n:,} reconstructed events",
                f"{_ru(k, ',')} из {_ru(n, ',')} восстановленных мероприятий"))


def _participants(ctx: _Context) -> None:
    values = ctx.published("participant_category_quotes")
    counts, ev = ctx.event_counts(), ctx.t("event_directions")
    if values.empty:
        return
    e21 = ctx.erratum("participant_category_quotes", "not_a_share_of_the_events")
    for row in values.itertuples():
        if counts is None or row.region_code is None or row.region_code not in set(counts["region_code"]):
            ctx.add("participant_category_quotes", row.item, row.region_code, row.column, Check(
                NOT_REPRODUCIBLE, None, "participant categories per event were not published",
                "категории участников по мероприятиям не опубликованы"))
            continue
        shares = ev[ev["region_code"] == row.region_code].sort_values("rank")["share_pct"].to_numpy(float)
        n0 = int(counts[counts["region_code"] == row.region_code]["region_events"].iloc[0])
        k = _fits(row.value, n0)
        if k is not None:
            ctx.add("participant_category_quotes", row.item, row.region_code, row.column, Check(
                CONSISTENT, round(100 * k / n0, 4),
                f"{k} of the region's {n0} events (its smallest total consistent with its direction list)",
                f"{k} из {n0} мероприятий региона (наименьшее общее число, согласованное с его списком направлений)"))
            continue
        possible = _consistent_denominators(shares, DENOMINATOR_MULTIPLES * n0)
        fit = next((n for n in possible if _fits(row.value, n) is not None), None)
        lo = math.floor(row.value * n0 / 100)
        evidence = (f"{row.value:.2f} % is no whole number of the region's {n0} events ({lo}/{n0} = "
                    f"{100 * lo / n0:.2f} %, {lo + 1}/{n0} = {100 * (lo + 1) / n0:.2f} %)")
        evidence_ru = (f"{_ru(row.value)} % не соответствует целому числу из {n0} мероприятий региона ({lo}/{n0} = "
                       f"{_ru(100 * lo / n0)} %, {lo + 1}/{n0} = {_ru(100 * (lo + 1) / n0)} %)")
        multiple = fit // n0 if fit is not None and fit % n0 == 0 else (fit or 0) / n0
        evidence += (f"; it fits {_fits(row.value, fit)} of {fit} events, a total the region's direction list also "
                     f"allows ({multiple:.4g} × {n0})" if fit is not None else
                     f"; nor of any total up to {DENOMINATOR_MULTIPLES} × {n0} that the region's direction list "
                     "allows")
        evidence_ru += (f"; подходит {_fits(row.value, fit)} из {fit} мероприятий — общее число, которое допускает и "
                        f"список направлений региона ({_ru(multiple, '.4g')} × {n0})" if fit is not None else
                        f"; не подходит и никакое общее число до {DENOMINATOR_MULTIPLES} × {n0}, допускаемое списком "
                        "направлений региона")
        ctx.add("participant_category_quotes", row.item, row.region_code, row.column, Check(
            DIFFERS, round(100 * (lo + (1 if abs(100 * (lo + 1) / n0 - row.value) < abs(100 * lo / n0 - row.value)
                                        else 0)) / n0, 2), evidence + e21.en, evidence_ru + e21.ru))


def _org_directions(ctx: _Context) -> None:
    e11 = ctx.erratum("org_directions_partial", "unlabelled_values")
    for row in ctx.published("org_directions_partial").itertuples():
        ctx.add("org_directions_partial", row.item, None, row.column, Check(
            NOT_REPRODUCIBLE, None, f"printed without the direction it belongs to{e11.en}; the directions of "
            "organisations (as against events) were not published",
            f"напечатано без направления, к которому относится{e11.ru}; направления организаций (в отличие от "
            "мероприятий) не опубликованы"))


# --- correlations --------------------------------------------------------------------------------------------

def _correlations(ctx: _Context) -> None:
    coef = ctx.coefficients
    if coef is not None and "method" in coef.columns:
        coef = coef[coef["method"] == "pearson"]
    by_id = {} if coef is None else {r.coef_id: r for r in coef.itertuples() if isinstance(r.coef_id, str)}
    for row in ctx.published("correlations_published").itertuples():
        hit = by_id.get(row.item)
        x_ru, y_ru = ctx.pair_ru(row.item)
        if hit is None:
            ctx.add("correlations_published", row.item, None, row.column, Check(
                NOT_REPRODUCIBLE, None, "section 03's coefficients were not given to the register",
                "коэффициенты раздела 03 не переданы реестру"))
        elif pd.isna(hit.r):
            noted = isinstance(hit.note, str) and bool(hit.note)
            absent = re.findall(r"(\w+) not in the processed table", hit.note) if noted else []
            ctx.add("correlations_published", row.item, None, row.column, Check(
                NOT_REPRODUCIBLE, None, f"regional inputs missing: {hit.note}" if noted
                else "fewer than four regions with both values",
                (f"нет региональных данных для пары «{x_ru}» и «{y_ru}»"
                 + (f": в обработанных таблицах нет {', '.join(absent)}" if absent else "")
                 + " (причины — в разделе 03)") if noted else "меньше четырёх регионов с обоими значениями"))
        else:
            rec = round(float(hit.r), 3)
            ctx.add("correlations_published", row.item, None, row.column, Check(
                REPRODUCED if abs(rec - row.value) <= SHARE_TOL + 1e-9 else DIFFERS, rec,
                f"Pearson r of {hit.x} and {hit.y} over n = {int(hit.n)} regions, as section 03 computes it; the "
                "report does not say whether it used counts or rates",
                f"r Пирсона для пары «{x_ru}» и «{y_ru}» по n = {int(hit.n)} регионам, как в разделе 03; в отчёте не "
                "сказано, брались ли абсолютные числа или относительные показатели"))


# --- headline figures ----------------------------------------------------------------------------------------

# Prose figures that restate a value printed elsewhere: figure id → (table, item, region name or None).
RESTATEMENTS: dict[str, tuple[str, str, str | None]] = {
    "volunteers_total_restated": ("headline_figures", "volunteers_total", None),
    "front_office_coverage_pct_restated": ("headline_figures", "front_office_coverage_pct", None),
    "front_office_coverage_lowest_pct_restated": ("headline_figures", "front_office_coverage_lowest_pct", None),
    "gender_female_pct_prose": ("gender_national", "female", None),
    "gender_male_pct_prose": ("gender_national", "male", None),
    "age_18_29_national_pct_prose": ("age_national", "18_29", None),
    "age_30_to_pension_national_pct_prose": ("age_national", "30_to_pension", None),
    "age_18_29_nur_sultan_pct_prose": ("age_by_region", "18_29", "Нур-Султан"),
    "age_18_29_kyzylorda_pct_prose": ("age_by_region", "18_29", "Кызылординская область"),
    "age_30_to_pension_nur_sultan_pct_prose": ("age_by_region", "30_to_pension", "Нур-Султан"),
    "age_30_to_pension_kyzylorda_pct_prose": ("age_by_region", "30_to_pension", "Кызылординская область"),
    "taza_alem_almaty_city_pct_prose": ("event_directions_by_region", "taza_alem", "Алматы"),
}
# Figures no public input allows to check: figure id prefix → the missing input (in English, in Russian).
UNCHECKABLE: dict[str, tuple[str, str]] = {
    "economic_value_min_kzt_per_year": (
        "the report values hours region by region with regional wages; hours by "
        "region and regional wages for the period are not published (section 06 shows which assumptions give it)",
        "отчёт оценивает часы по регионам через региональные зарплаты; часы по регионам и региональные зарплаты за "
        "период не опубликованы (раздел 06 показывает, при каких допущениях получается это значение)"),
    "report_quality_": ("the quality score of each front office's reports was not published",
                        "оценка качества отчётов каждого фронт-офиса не опубликована"),
    "front_office_coverage": ("no estimate of the real volunteer sector of each region was published",
                              "оценка реального волонтёрского сектора регионов не опубликована"),
    "years_needed_": ("a forecast; the report gives no basis for it", "прогноз; отчёт не приводит его оснований"),
    "rfo_system_years": ("the year the front-office system started is not in the report's tables",
                         "года начала работы системы фронт-офисов нет в таблицах отчёта"),
    "nur_sultan_share_of_national_30_to_pension_pct": (
        "needs the number of volunteers per region, printed only as a chart (volunteers_by_region)",
        "нужно число волонтёров по регионам, которое отчёт привёл только диаграммой (volunteers_by_region)"),
}
# The tables a restated figure points to, in a Russian note («повторяет значение … из …»).
_RESTATED_TABLE_RU = {"headline_figures": "ключевых показателей", "gender_national": "распределения по полу по стране",
                      "age_national": "возрастного состава по стране", "age_by_region": "возрастных списков регионов",
                      "event_directions_by_region": "списков направлений регионов"}
HEADLINE_SECTIONS = {"volunteers_total": S00, "hours_": S06, "employee_": S06, "economic_": S06, "data_period": S00,
                     "ngo_total": S02, "initiative_group": S02, "gender_": S01, "age_": S01, "nur_sultan_": S01,
                     "taza_alem": S05}
HEADLINE_CLAIMS: dict[str, tuple[str, str]] = {
    "volunteers_total": ("Volunteers in the front offices' data", "Волонтёры в данных фронт-офисов"),
    "nur_sultan_share_of_national_30_to_pension_pct": (
        "Nur-Sultan's share of all volunteers aged 30 to pension age",
        "Доля Нур-Султана среди всех волонтёров от 30 лет до пенсионного возраста"),
    "age_18_29_shymkent_vko_mangystau_upto_pct_prose": (
        "In the prose: volunteers aged 18–29 in Shymkent, East Kazakhstan and Mangystau, «up to» %",
        "В тексте: волонтёры 18–29 лет в Шымкенте, Восточно-Казахстанской и Мангистауской областях, «до» %"),
    "report_quality_lower_min_pct": ("Quality of the front offices' reports, lower range: from %",
                                     "Качество отчётов фронт-офисов, нижний диапазон: от, %"),
    "report_quality_lower_max_pct": ("Quality of the front offices' reports, lower range: to %",
                                     "Качество отчётов фронт-офисов, нижний диапазон: до, %"),
    "report_quality_main_min_pct": ("Quality of most front offices' reports: from %",
                                    "Качество отчётов большинства фронт-офисов: от, %"),
    "report_quality_main_max_pct": ("Quality of most front offices' reports: to %",
                                    "Качество отчётов большинства фронт-офисов: до, %"),
    "report_quality_top_min_pct": ("Quality of the best front offices' reports: from %",
                                   "Качество отчётов лучших фронт-офисов: от, %"),
    "report_quality_top_max_pct": ("Quality of the best front offices' reports: to %",
                                   "Качество отчётов лучших фронт-офисов: до, %"),
    "report_quality_top_regions": ("Regions whose reports reach the best quality",
                                   "Регионы, отчёты которых достигают лучшего качества"),
    "front_office_coverage_pct": ("Front offices' coverage of the real volunteer sector, at most %",
                                  "Охват реального волонтёрского сектора фронт-офисами, не более, %"),
    "front_office_coverage_lowest_pct": ("Front offices' coverage of the real volunteer sector, lowest %",
                                         "Охват реального волонтёрского сектора фронт-офисами, наименьший, %"),
    "years_needed_min": ("Years still needed, at least (from)", "Сколько ещё нужно лет, не менее (от)"),
    "years_needed_max": ("Years still needed (to)", "Сколько ещё нужно лет (до)"),
    "rfo_system_years": ("Years the front-office system has worked", "Сколько лет работает система фронт-офисов"),
    "volunteers_total_restated": ("Volunteers (restated in «Показатели волонтёрства»)",
                                  "Волонтёры (повторено в разделе «Показатели волонтёрства»)"),
    "data_period_months": ("Months covered by the front offices' data", "Месяцев, охваченных данными фронт-офисов"),
    "hours_6_months": ("Hours worked by volunteers in the period", "Часы, отработанные волонтёрами за период"),
    "hours_per_month_over": ("Hours a month, more than", "Часов в месяц, более"),
    "employee_equivalent": ("A month of volunteer hours equals the annual working time of N employees",
                            "Месяц волонтёрских часов равен годовому рабочему времени N работников"),
    "economic_value_min_kzt_per_year": ("Economic value of volunteer work, at least (tenge a year)",
                                        "Экономическая ценность волонтёрского труда, не менее (тенге в год)"),
    "ngo_total": ("Volunteer NGOs", "Волонтёрские НПО"),
    "initiative_groups_total": ("Volunteer initiative groups", "Волонтёрские инициативные группы"),
    "initiative_group_share_pct": ("Initiative groups, % of all volunteer associations",
                                   "Инициативные группы, % всех волонтёрских объединений"),
    "rfo_on_mrc_base_regions": ("Regions whose front office sits in a youth resource centre",
                                "Регионы, где фронт-офис работает на базе молодёжного ресурсного центра"),
    "rfo_other_form_regions": ("Regions whose front office is organised otherwise",
                               "Регионы, где фронт-офис организован иначе"),
}


def _figures(ctx: _Context) -> dict[str, float]:
    hf = ctx.t("headline_figures")
    return {} if hf is None else {r.figure_id: float(r.value) for r in hf.itertuples() if pd.notna(r.value)}


def _section_of(figure_id: str) -> str:
    return next((s for prefix, s in HEADLINE_SECTIONS.items() if figure_id.startswith(prefix)), S00)


def _headline(ctx: _Context) -> None:
    values = ctx.published("headline_figures")
    fig = _figures(ctx)
    reg = ctx.t("regions")
    for row in values.itertuples():
        fid, add = row.item, (lambda c, _r=row: ctx.add("headline_figures", _r.item, None, _r.column, c))
        if fid in RESTATEMENTS:
            table, item, name = RESTATEMENTS[fid]
            code = ctx.code(name) if name else None
            other = ctx.value(table, item, code)
            if other is None:
                add(Check(NOT_REPRODUCIBLE, None, "the value it restates is not in this dataset",
                          "повторяемого значения нет в этом наборе данных"))
                continue
            where = f"{table.replace('_', ' ')}{'' if code is None else ', ' + ctx.region(code)}"
            where_ru = (f"{_RESTATED_TABLE_RU.get(table, table)}"
                        f"{'' if code is None else ', ' + ctx.region(code, 'ru')}")
            status = within(row.value, float(other.value), 1e-9)
            err = ctx.erratum("headline_figures", "prose_vs_table", fid) if status == DIFFERS else _Both()
            add(Check(status, float(other.value),
                      f"restates {_num(float(other.value))} of the {where} (line {int(other.source_line)}){err.en}",
                      f"повторяет значение {_num(float(other.value), 'ru')} из {where_ru} (строка "
                      f"{int(other.source_line)}){err.ru}"))
        elif fid == "age_18_29_shymkent_vko_mangystau_upto_pct_prose":
            listed = [ctx.value("age_by_region", "18_29", ctx.code(n)) for n in
                      ("Шымкент", "Восточно-Казахстанская область", "Мангыстауская область")]
            listed = [float(v.value) for v in listed if v is not None]
            if listed:
                worst = max(listed)
                err = ctx.erratum("headline_figures", "prose_vs_table", fid) if worst > row.value else _Both()
                add(Check(CONSISTENT if worst <= row.value else DIFFERS, worst,
                          f"«до 36%»: the three listed values are {', '.join(_fmt(v) for v in listed)}" + err.en,
                          f"«до 36%»: три значения из списков — {'; '.join(_ru(v) for v in listed)}" + err.ru))
        elif fid in ("volunteers_total", "hours_6_months"):
            col = "volunteers_count" if fid == "volunteers_total" else "hours_count"
            if reg is not None and col in reg.columns and reg[col].notna().all():
                total = float(reg[col].sum())
                add(Check(REPRODUCED if total == row.value else DIFFERS, total, f"sum of the supplied {col}",
                          f"сумма столбца {col} из набора данных"))
            else:
                add(Check(NOT_REPRODUCIBLE, None, f"needs the {'volunteers' if col == 'volunteers_count' else 'hours'}"
                          f" of each region, printed only as a chart ({col.split('_')[0]}_by_region)",
                          f"нужно {'число волонтёров' if col == 'volunteers_count' else 'число часов'} по каждому "
                          f"региону, которое отчёт привёл только диаграммой ({col.split('_')[0]}_by_region)"))
        elif fid == "data_period_months":
            months = ctx.months()
            if months is not None:
                add(Check(within(row.value, months, 0), float(months),
                          f"the dataset's period {ctx.period.get('start')} to {ctx.period.get('end')}; the period is "
                          "itself taken from the report, so this is consistency",
                          f"период набора данных — с {ctx.period.get('start')} по {ctx.period.get('end')}; он сам взят "
                          "из отчёта, поэтому это согласованность"))
        elif fid == "hours_per_month_over" and {"hours_6_months", "data_period_months"} <= set(fig):
            per_month = fig["hours_6_months"] / fig["data_period_months"]
            add(Check(CONSISTENT if per_month > row.value else DIFFERS, round(per_month, 1),
                      f"{fig['hours_6_months']:,.0f} hours / {fig['data_period_months']:.0f} months; «более»: the "
                      "report's own figures, a lower bound that holds",
                      f"{_ru(fig['hours_6_months'], ',.0f')} часов / {fig['data_period_months']:.0f} мес.; «более»: "
                      "собственные числа отчёта, нижняя граница выполняется"))
        elif fid == "employee_equivalent" and {"hours_6_months", "data_period_months"} <= set(fig):
            per_month = fig["hours_6_months"] / fig["data_period_months"]
            eq = per_month / WORKING_HOURS_PER_YEAR
            lo, hi = per_month / (row.value + 0.5), per_month / (row.value - 0.5)
            status = DIFFERS if round(eq) != row.value else CONSISTENT
            err = ctx.erratum("headline_figures", "arithmetic") if status == DIFFERS else _Both()
            add(Check(status, round(eq, 1),
                      f"{per_month:,.0f} hours a month / {WORKING_HOURS_PER_YEAR:,} hours a year (40-hour week × 52, "
                      f"Labour Code art. 68) = {eq:.1f} employees; {row.value:.0f} needs an annual norm of "
                      f"{lo:,.0f}–{hi:,.0f} hours ({lo / 12:.0f}–{hi / 12:.0f} a month)" + err.en,
                      f"{_ru(per_month, ',.0f')} часов в месяц / {_ru(WORKING_HOURS_PER_YEAR, ',')} часов в год "
                      f"(40-часовая неделя × 52, ст. 68 Трудового кодекса) = {_ru(eq, '.1f')} работника; для "
                      f"{row.value:.0f} нужна годовая норма {_ru(lo, ',.0f')}–{_ru(hi, ',.0f')} часов "
                      f"({lo / 12:.0f}–{hi / 12:.0f} в месяц)" + err.ru))
        elif fid == "initiative_group_share_pct" and {"ngo_total", "initiative_groups_total"} <= set(fig):
            n, g = fig["ngo_total"], fig["initiative_groups_total"]
            rec = round(100 * g / (n + g), 2)
            add(Check(REPRODUCED if abs(rec - row.value) <= SHARE_TOL else DIFFERS, rec,
                      f"{g:,.0f} / ({n:,.0f} + {g:,.0f}) from the printed totals",
                      f"{_ru(g, ',.0f')} / ({_ru(n, ',.0f')} + {_ru(g, ',.0f')}) по напечатанным итогам"))
        elif fid in ("rfo_on_mrc_base_regions", "rfo_other_form_regions") and \
                {"rfo_on_mrc_base_regions", "rfo_other_form_regions"} <= set(fig):
            total = fig["rfo_on_mrc_base_regions"] + fig["rfo_other_form_regions"]
            units = len(regions.codes(ctx.scheme))
            add(Check(within(total, units, 0), float(units - (total - row.value)),
                      f"{fig['rfo_on_mrc_base_regions']:.0f} + {fig['rfo_other_form_regions']:.0f} front offices = "
                      f"{total:.0f}, the number of regions of the scheme ({units}); which regions are which is "
                      "named only for the two",
                      f"{fig['rfo_on_mrc_base_regions']:.0f} + {fig['rfo_other_form_regions']:.0f} фронт-офисов = "
                      f"{total:.0f}, число регионов схемы ({units}); какие регионы к какой группе относятся, названо "
                      "только для двух"))
        elif fid in ("ngo_total", "initiative_groups_total"):
            continue  # checked with the organisations table
        else:
            reason = next((r for prefix, r in UNCHECKABLE.items() if fid.startswith(prefix)), None)
            add(Check(NOT_REPRODUCIBLE, None, reason[0] if reason else f"no recomputation is declared for the figure {fid}",
                      reason[1] if reason else f"для показателя {fid} пересчёт не задан"))
        if fid == "nur_sultan_share_of_national_30_to_pension_pct":
            _nur_sultan_share(ctx, row)


def _nur_sultan_share(ctx: _Context, row) -> None:
    weights, age = _weights(ctx), ctx.t("age")
    code = ctx.code("Нур-Султан")
    if weights is None or age is None or code is None:
        return
    n_group = age.set_index("region_code")["vol_age_30_to_pension_pct"].astype(float) * weights
    rec = round(float(100 * n_group[code] / n_group.sum()), 2)
    ctx.add("headline_figures", row.item, None, row.column, Check(
        REPRODUCED if abs(rec - row.value) <= 0.05 else DIFFERS, rec,
        "supplied volunteer counts × each region's 30-to-pension share (tolerance ±0.05)",
        "число волонтёров из набора данных × доля возраста от 30 лет до пенсионного в каждом регионе (допуск ±0,05)"))


# --- information line ----------------------------------------------------------------------------------------

def _info_line(ctx: _Context) -> None:
    tot = ctx.published("info_line_totals")
    t = {r.item: r for r in tot.itertuples()}
    ch = {r.item: r for r in ctx.published("info_line_channels").itertuples()}
    cats = ctx.published("info_line_categories")
    e15 = ctx.erratum("info_line_totals", "parts_sum_total")
    e16 = ctx.erratum("info_line_categories", "parts_sum_total")
    parts = [p for p in ("requests_volunteering", "requests_complaint_law_violation", "requests_not_volunteering")
             if p in t]
    if "requests_total" in t and len(parts) == 3:
        s = sum(t[p].value for p in parts)
        total = t["requests_total"].value
        err = e15 if s != total else _Both()
        for p in parts:
            implied = total - (s - t[p].value)
            ctx.add("info_line_totals", p, None, "value", Check(
                within(t[p].value, implied, 0), implied,
                f"the three subjects sum to {s:,.0f}, the total is {total:,.0f}" + err.en,
                f"три темы обращений в сумме дают {_ru(s, ',.0f')}, итог — {_ru(total, ',.0f')}" + err.ru))
        ctx.add("info_line_totals", "requests_total", None, "value", Check(
            NOT_REPRODUCIBLE if s == total else CONSISTENT, None,
            f"the three subjects sum to {s:,.0f}{err.en}", f"три темы обращений в сумме дают {_ru(s, ',.0f')}{err.ru}"))
    main = [c for c in ("phone_call", "whatsapp", "telegram") if c in ch]
    if "requests_total" in t and main and "two_channels_simultaneously" in ch:
        both = ch["two_channels_simultaneously"].value
        s = sum(ch[c].value for c in main) - both
        total = t["requests_total"].value
        note = f"{' + '.join(f'{ch[c].value:,.0f}' for c in main)} − {both:,.0f} on two channels = {s:,.0f}"
        note_ru = (f"{' + '.join(_ru(ch[c].value, ',.0f') for c in main)} − {_ru(both, ',.0f')} по двум каналам "
                   f"сразу = {_ru(s, ',.0f')}")
        ctx.add("info_line_totals", "requests_total", None, "value", Check(within(total, s, 0), s,
                                                                            note + " (by channel)",
                                                                            note_ru + " (по каналам)"))
        for c in [*main, "two_channels_simultaneously"]:
            implied = total - (s - (ch[c].value if c != "two_channels_simultaneously" else -both))
            implied = implied if c != "two_channels_simultaneously" else -implied
            ctx.add("info_line_channels", c, None, "value", Check(within(ch[c].value, implied, 0), implied,
                                                                   f"{note}; the total is {total:,.0f}",
                                                                   f"{note_ru}; итог — {_ru(total, ',.0f')}"))
        if "requests_two_channels_simultaneously" in t:
            ctx.add("info_line_totals", "requests_two_channels_simultaneously", None, "value", Check(
                within(t["requests_two_channels_simultaneously"].value, both, 0), both, "the channel list gives it",
                "его даёт список каналов"))
    if not cats.empty and "requests_volunteering" in t:
        s = float(cats["value"].sum())
        vol = t["requests_volunteering"].value
        err = e16 if s != vol else _Both()
        for r in cats.itertuples():
            ctx.add("info_line_categories", r.item, None, r.column, Check(
                within(r.value, vol - (s - r.value), 0), vol - (s - r.value),
                f"the {len(cats)} categories sum to {s:,.0f}, the volunteering requests are {vol:,.0f}" + err.en,
                f"сумма {len(cats)} категорий — {_ru(s, ',.0f')}, обращений по волонтёрству — {_ru(vol, ',.0f')}"
                + err.ru))
        ctx.add("info_line_totals", "requests_volunteering", None, "value", Check(
            within(vol, s, 0), s, f"the categories sum to {s:,.0f}" + err.en,
            f"сумма категорий — {_ru(s, ',.0f')}" + err.ru))
    sep = [m for m in ("sep_share_grant_programmes_pct", "sep_share_want_to_volunteer_pct",
                       "sep_share_hardship_and_consultations_pct") if m in t]
    if len(sep) == 3:
        _sum_check(ctx, "info_line_totals", tot[tot["item"].isin(sep)], _Both("September shares", "сентябрьских долей"))
    monthly = ctx.published("info_line_monthly")
    per_day = t.get("avg_requests_per_day")
    if not monthly.empty:
        spikes = len(monthly)
        if "oct_activity_spikes" in t:
            ctx.add("info_line_totals", "oct_activity_spikes", None, "value", Check(
                within(t["oct_activity_spikes"].value, spikes, 0), float(spikes),
                f"the October spikes listed with their counts: {spikes}",
                f"октябрьские всплески, перечисленные с числом обращений: {spikes}"))
        mon = ctx.t("info_line_monthly")
        for r in monthly.itertuples():
            days = None
            if mon is not None:
                hit = mon[(mon["date_from"].astype(str) + "/" + mon["date_to"].astype(str)) == r.item]
                if len(hit):
                    days = (dt.date.fromisoformat(str(hit["date_to"].iloc[0]))
                            - dt.date.fromisoformat(str(hit["date_from"].iloc[0]))).days + 1
            if per_day is not None and days:
                rate = r.value / days
                ctx.add("info_line_monthly", r.item, None, r.column, Check(
                    CONSISTENT if rate > per_day.value else DIFFERS, round(rate, 1),
                    f"{r.value:.0f} requests in {days} day(s) = {rate:.1f} a day, above the stated average of "
                    f"{per_day.value:.0f} a day (a spike)",
                    f"{r.value:.0f} обращений за {days} дн. = {_ru(rate, '.1f')} в день, выше названного среднего "
                    f"{per_day.value:.0f} в день (всплеск)"))
            ctx.add("info_line_monthly", r.item, None, r.column, Check(
                NOT_REPRODUCIBLE, None, "daily request counts were not published",
                "число обращений по дням не опубликовано"))
    period = ctx.erratum("info_line_totals", "period_mismatch")
    reasons = {
        "operation_period_months": ("the dates the line worked are not in the tables (only the October spikes are "
                                    "dated)" + period.en, "дат работы линии в таблицах нет (датированы только "
                                    "октябрьские всплески)" + period.ru),
        "share_from_private_persons_in_hardship_pct": ("requests by type of caller were not published",
                                                       "обращения по типу обратившихся не опубликованы"),
        "aug_share_directly_volunteering_pct": ("August requests by subject were not published",
                                                "августовские обращения по темам не опубликованы"),
        "nov_share_related_to_volunteering_pct": ("November requests by subject were not published",
                                                  "ноябрьские обращения по темам не опубликованы"),
        "oct_response_delay_days": ("the operator's response times were not published",
                                    "время ответа оператора не опубликовано"),
        "avg_requests_per_day": ("October's number of requests was not published",
                                 "число обращений за октябрь не опубликовано"),
        "sep_share": ("September requests by subject were not published",
                      "сентябрьские обращения по темам не опубликованы"),
    }
    for r in tot.itertuples():
        reason = next((v for k, v in reasons.items() if r.item.startswith(k)), None)
        if reason:
            ctx.add("info_line_totals", r.item, None, r.column, Check(NOT_REPRODUCIBLE, None, *reason))
        elif (("info_line_totals", r.item, None, r.column)) not in ctx.checks:
            ctx.add("info_line_totals", r.item, None, r.column, Check(
                NOT_REPRODUCIBLE, None, f"no recomputation is declared for {r.item}",
                f"для показателя {r.item} пересчёт не задан"))


# ---------------------------------------------------------------------------------------------------------------
# The register
# ---------------------------------------------------------------------------------------------------------------

# Category words of the claims, in English and (beside them) in Russian.
_AGE_WORDS = {"under18": "under 18", "18_29": "aged 18–29", "30_to_pension": "aged 30 to pension age",
              "pension": "of pension age"}
_AGE_WORDS_RU = {"under18": "до 18 лет", "18_29": "18–29 лет", "30_to_pension": "от 30 лет до пенсионного возраста",
                 "pension": "пенсионного возраста"}
_STATUS_WORDS_RU = {"students": "студенты", "working": "работающие", "unemployed": "безработные", "neet": "NEET"}
_GENDER_WORDS_RU = {"male": "мужчины", "female": "женщины"}
_ORG_WORDS = {"ngo_share_of_region_pct": "NGOs, % of the region's associations",
              "group_share_of_region_pct": "initiative groups, % of the region's associations",
              "region_share_of_national_ngo_pct": "the region's share of all NGOs",
              "region_share_of_national_groups_pct": "the region's share of all initiative groups"}
_ORG_WORDS_RU = {"ngo_share_of_region_pct": "НПО, % объединений региона",
                 "group_share_of_region_pct": "Инициативные группы, % объединений региона",
                 "region_share_of_national_ngo_pct": "Доля региона среди всех НПО страны",
                 "region_share_of_national_groups_pct": "Доля региона среди всех инициативных групп страны"}
_PARTICIPANTS_RU = {"pro_bono": "волонтёры ProBono", "children": "дети-волонтёры",
                    "corporate": "корпоративное волонтёрство", "silver": "серебряное волонтёрство",
                    "general": "общее волонтёрство", "inclusive": "инклюзивное волонтёрство",
                    "auto": "автоволонтёрство", "online": "онлайн-мероприятия"}
_WAYS_RU = {"offline": "офлайн-волонтёрство", "auto": "автоволонтёрство", "online": "онлайн-волонтёрство"}
_GENDER_EXTREMES_RU = {"highest_male_share": "наибольшая доля мужчин", "lowest_male_share": "наименьшая доля мужчин",
                       "others_range_min": "нижняя граница для остальных регионов",
                       "others_range_max": "верхняя граница для остальных регионов"}
_INFO_LINE_RU = {
    "operation_period_months": "месяцев работы линии", "requests_total": "обращений всего",
    "requests_volunteering": "обращений по волонтёрству",
    "requests_complaint_law_violation": "жалоб на нарушение закона",
    "requests_not_volunteering": "обращений не по волонтёрству",
    "requests_two_channels_simultaneously": "обращений сразу по двум каналам",
    "share_from_private_persons_in_hardship_pct": "доля обращений частных лиц в трудной ситуации, %",
    "aug_share_directly_volunteering_pct": "август: доля обращений непосредственно о волонтёрстве, %",
    "sep_share_grant_programmes_pct": "сентябрь: доля обращений о грантовых программах, %",
    "sep_share_want_to_volunteer_pct": "сентябрь: доля желающих стать волонтёрами, %",
    "sep_share_hardship_and_consultations_pct": "сентябрь: доля обращений о трудной ситуации и за консультацией, %",
    "oct_activity_spikes": "октябрь: всплески активности", "oct_response_delay_days_min": "октябрь: задержка ответа, "
    "дней (от)", "oct_response_delay_days_max": "октябрь: задержка ответа, дней (до)",
    "avg_requests_per_day": "обращений в день в среднем",
    "nov_share_related_to_volunteering_pct": "ноябрь: доля обращений, связанных с волонтёрством, %",
    "phone_call": "телефонные звонки", "whatsapp": "WhatsApp", "telegram": "Telegram",
    "two_channels_simultaneously": "сразу по двум каналам",
}


def _claim_id(row) -> str:
    t, item, code, col = row.table, row.item, row.region_code, row.column
    short = {"age_by_region": "age", "status_by_region": "status", "event_directions_by_region": "events",
             "event_directions_national": "events_national", "organisations_by_region": "organisations",
             "participant_category_quotes": "participants", "ways_of_volunteering": "ways",
             "org_directions_partial": "org_directions", "info_line_totals": "info_line",
             "info_line_channels": "info_line.channel", "info_line_categories": "info_line.category",
             "info_line_monthly": "info_line.spike"}.get(t, t)
    if t == "headline_figures":
        return str(item)
    if t == "correlations_published":
        return f"r_{item}"
    parts = [short] + [str(p) for p in (item, code) if p is not None]
    if t in ("organisations_by_region", "gender_extremes"):
        parts.append(col.removesuffix("_pct"))
    if t == "info_line_monthly":
        parts = [short, str(item).split("/")[0]]
    return ".".join(parts).replace("/", "_")


def _claim_text(ctx: _Context, row) -> tuple[str, str]:
    """What the published value says, in English and in Russian (region names from the gazetteer)."""
    t, item, code, col = row.table, row.item, row.region_code, row.column
    region, region_ru = ctx.region(code), ctx.region(code, "ru")
    if t == "headline_figures":
        if item in RESTATEMENTS:
            table, target, name = RESTATEMENTS[item]
            code = ctx.code(name) if name else None
            other = ctx.value(table, target, code)
            if other is not None:
                en, ru = _claim_text(ctx, other._replace(item=target, region_code=code)
                                     if hasattr(other, "_replace") else other)
                return "In the prose: " + en, "В тексте: " + ru
        if item in HEADLINE_CLAIMS:
            return HEADLINE_CLAIMS[item]
        hf = ctx.t("headline_figures")
        quote = None if hf is None else hf.loc[hf["figure_id"] == item, "quote_ru"]
        text = f"«{str(quote.iloc[0])[:100]}»" if quote is not None and len(quote) else str(item)
        return text, text
    if t == "age_by_region":
        return (f"Volunteers {_AGE_WORDS.get(item, item)}, % — {region} (ranked list)",
                f"Волонтёры {_AGE_WORDS_RU.get(item, item)}, % — {region_ru} (ранжированный список)")
    if t == "status_by_region":
        return (f"Volunteers: {item}, % — {region} (ranked list)",
                f"Волонтёры: {_STATUS_WORDS_RU.get(item, item)}, % — {region_ru} (ранжированный список)")
    if t in ("age_national", "status_national", "gender_national"):
        word_ru = {**_AGE_WORDS_RU, **_STATUS_WORDS_RU, **_GENDER_WORDS_RU}.get(item, item)
        return (f"Volunteers in Kazakhstan: {_AGE_WORDS.get(item, item)}, %",
                f"Волонтёры в Казахстане: {word_ru}, %")
    if t == "organisations_by_region":
        return f"{_ORG_WORDS.get(col, col)} — {region}", f"{_ORG_WORDS_RU.get(col, col)} — {region_ru}"
    if t in ("event_directions_by_region", "event_directions_national"):
        label = ctx.direction_label(item)
        return (f"Events by direction: {label}, % of " + (
            f"the region's events — {region}" if row.region_code else "all events"),
            f"Мероприятия по направлениям: {label}, % " + (
                f"мероприятий региона — {region_ru}" if row.region_code else "всех мероприятий"))
    if t == "participant_category_quotes":
        return (f"Participants: {item}, % of the region's events — {region}",
                f"Участники: {_PARTICIPANTS_RU.get(item, item)}, % мероприятий региона — {region_ru}")
    if t == "ways_of_volunteering":
        return (f"Ways of volunteering: {item}, % (national chart)",
                f"Пути реализации: {_WAYS_RU.get(item, item)}, % (диаграмма по стране)")
    if t == "gender_extremes":
        sex = col.removesuffix("_pct")
        return (f"Gender, {sex} share: {str(item).replace('_', ' ')}" + (f" — {region}" if row.region_code else ""),
                f"Пол, доля {'мужчин' if sex == 'male' else 'женщин'}: {_GENDER_EXTREMES_RU.get(item, item)}"
                + (f" — {region_ru}" if row.region_code else ""))
    if t == "correlations_published":
        pub = ctx.t("correlations_published")
        hit = None if pub is None else pub[pub["coef_id"] == item]
        if hit is not None and len(hit):
            x_ru, y_ru = ctx.pair_ru(item)
            return (f"Correlation: {hit['x_en'].iloc[0]} vs {hit['y_en'].iloc[0]}",
                    f"Корреляция: {x_ru} и {y_ru}")
        return f"Correlation {item}", f"Корреляция {item}"
    if t == "org_directions_partial":
        k = str(item).split("/")[-1]
        return (f"Directions of all organisations: unlabelled value {k} of the chart",
                f"Направления всех организаций: значение {k.removeprefix('value_')} на диаграмме без подписи")
    en = f"Information line: {str(item).replace('_', ' ').replace('/', ' to ')}"
    if t == "info_line_monthly" and "/" in str(item):
        start, end = str(item).split("/", 1)
        return en, f"Информационная линия: всплеск обращений с {start} по {end}"
    if t == "info_line_categories":
        cats = ctx.t("info_line_categories")
        hit = None if cats is None or "label_ru" not in cats.columns else cats.loc[cats["category_id"] == item,
                                                                                   "label_ru"]
        if hit is not None and len(hit):
            return en, f"Информационная линия, категория обращений: «{str(hit.iloc[0])[:100]}»"
    return en, f"Информационная линия: {_INFO_LINE_RU.get(item, item)}"


def build_register(tables: Mapping[str, pd.DataFrame | None], scheme: str, period: Mapping[str, object] | None = None,
                   coefficients: pd.DataFrame | None = None) -> pd.DataFrame:
    """The register of the published values in ``tables`` (see :func:`inputs`), with ``COLUMNS``.

    ``period`` is the manifest's period (start, end); ``coefficients`` the report family's Pearson rows of section
    03 (``correlations.run_correlations``: coef_id, x, y, n, r, note). Published values come first, in the order
    of ``published_values``; derived rows (status ``derived``) follow.
    """
    ctx = _Context(tables, scheme, period or {}, coefficients)
    pv = ctx.t("published_values")
    if pv is None:
        return pd.DataFrame(columns=COLUMNS)
    for step in (_national_shares, _age_lists, _status_lists, _gender_extremes, _organisations, _events, _ways,
                 _participants, _org_directions, _correlations, _headline, _info_line):
        step(ctx)
    rows = []
    for row in pv.itertuples():
        code = None if row.region_code is None or pd.isna(row.region_code) else row.region_code
        item = None if row.item is None or pd.isna(row.item) else row.item
        r = row._replace(region_code=code, item=item)
        check = combine(ctx.checks.get((r.table, item, code, r.column), []))
        section = _section_of(str(item)) if r.table == "headline_figures" else TABLE_SECTION.get(r.table, S00)
        rec = None if check.recomputed is None else float(check.recomputed)
        claim, claim_ru = _claim_text(ctx, r)
        rows.append({
            "claim_id": _claim_id(r), "section": section, "claim": claim, "claim_ru": claim_ru,
            "published_value": float(r.value), "published_as_printed": r.as_printed,
            "source_line": int(r.source_line), "recomputed_value": rec,
            "difference": None if rec is None else round(rec - float(r.value), 6),
            "status": check.status, "note": check.note, "note_ru": check.note_ru})
    for d in ctx.derived:
        rows.append({**d, "published_value": None, "published_as_printed": None, "source_line": None,
                     "difference": None, "status": DERIVED})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["source_line"] = out["source_line"].astype("Int64")
    for col in ("published_value", "recomputed_value", "difference"):
        out[col] = out[col].astype(float)
    return out


def status_counts(register: pd.DataFrame) -> pd.Series:
    """Rows per status, in :data:`STATUS_ORDER`."""
    return register["status"].value_counts().reindex(list(STATUS_ORDER), fill_value=0)


def status_summary(register: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Rows per section (its title in ``lang``) and status, with a total row; empty for an empty register."""
    if register.empty:
        return pd.DataFrame(columns=[*STATUS_ORDER, "total"], index=pd.Index([], name="section"))
    out = register.pivot_table(index="section", columns="status", values="claim_id", aggfunc="count",
                               fill_value=0).reindex(columns=list(STATUS_ORDER), fill_value=0)
    out = out.reindex([s for s in SECTIONS if s in out.index])
    out.loc["total"] = out.sum()
    out["total"] = out.sum(axis=1)
    out.columns.name = None
    out.index = pd.Index([("Всего" if lang == "ru" else "Total") if s == "total" else
                          i18n.text(lang, SECTIONS[s].title_id) for s in out.index], name="section")
    return out.astype(int)


def status_vocabulary(lang: str = "en") -> pd.DataFrame:
    """The declared statuses and what each means, for the reader."""
    return pd.DataFrame([{"status": s, "meaning": STATUS_MEANING[s][1 if lang == "ru" else 0]}
                         for s in STATUS_ORDER]).set_index("status")


FOUND_BY = {"detected": ("validation rules", "проверки данных"), "recorded": ("its evidence", "доказательства")}


def errata_view(errata: pd.DataFrame | None, lang: str = "en") -> pd.DataFrame:
    """The errata register as a reader reads it (empty when the dataset records none): what is wrong, the evidence
    and the handling in ``lang`` (``description_<lang>``, ``evidence_<lang>``, ``correction_<lang>``; the English
    text where the register has no such column or leaves it empty)."""
    described = f"description_{lang}"
    cols = {"erratum_id": "erratum", "description_en": "what is wrong", "evidence": "evidence",
            "source_lines": "report lines", "correction": "handling", "status": "found by"}
    if errata is None:
        return pd.DataFrame(columns=list(cols.values())).set_index("erratum")
    errata = errata.copy()
    for column, own in (("description_en", described), ("evidence", f"evidence_{lang}"),
                        ("correction", f"correction_{lang}")):
        if own in errata.columns and own != column:
            errata[column] = errata[own].where(errata[own].notna() & (errata[own] != ""), errata[column])
    out = errata[[c for c in cols if c in errata.columns]].rename(columns=cols)
    if "found by" in out.columns:
        out["found by"] = out["found by"].map({k: v[lang == "ru"] for k, v in FOUND_BY.items()})
    return out.set_index("erratum")


# ---------------------------------------------------------------------------------------------------------------
# Data quality: what was loaded, validation, coverage of the official indicators, errata
# ---------------------------------------------------------------------------------------------------------------

def dataset_tables(dataset: Mapping[str, object]) -> pd.DataFrame:
    """The dataset's tables (from the processed layer's ``dataset.json``): name, file, schema."""
    tables = (dataset.get("manifest") or {}).get("tables") or {}
    return pd.DataFrame([{"table": name, "file": spec.get("file"), "schema": spec.get("schema", name)}
                         for name, spec in tables.items()], columns=["table", "file", "schema"]).set_index("table")


def _regions_count(n: int, lang: str) -> str:
    """"12 regions" / "12 регионов" (the Russian noun form for ``n``)."""
    if lang != "ru":
        return f"{n} regions"
    form = ("регион" if n % 10 == 1 and n % 100 != 11 else
            "региона" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "регионов")
    return f"{n} {form}"


def indicator_coverage(long: pd.DataFrame | None, scheme: str, lang: str = "en") -> pd.DataFrame:
    """Official indicators per reference period: units of the scheme with a value and the ones missing (named in
    ``lang`` when there are ten or fewer, else counted)."""
    cols = ["indicator", "period", "unit", "regions with a value", "regions of the scheme", "missing"]
    if long is None:
        return pd.DataFrame(columns=cols)
    official = long[long["value_kind"] == "official"]
    units = regions.codes(scheme)
    rows = []
    for (indicator, period), group in official.groupby(["variable", "ref_period"], sort=True):
        present = set(group["region_code"])
        missing = [c for c in units if c not in present]
        rows.append(dict(zip(cols, (
            indicator, period, group["unit"].iloc[0], len(present & set(units)), len(units),
            ", ".join(regions.name(c, lang) for c in missing) if 0 < len(missing) <= 10
            else (_regions_count(len(missing), lang) if missing else "")), strict=True)))
    return pd.DataFrame(rows, columns=cols).set_index(["indicator", "period"])


def coverage_matrix(long: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """Indicator-periods (rows, "indicator period") × units of the scheme (columns): 1 where a value exists."""
    official = long[(long["value_kind"] == "official") & long["region_code"].isin(regions.codes(scheme))]
    rows = official["variable"] + " " + official["ref_period"].astype(str)
    matrix = pd.crosstab(rows, official["region_code"]).clip(upper=1)
    return matrix.reindex(columns=regions.codes(scheme), fill_value=0)

