"""The sentences of section 00 (data quality and the replication register), in English and in Russian.

Each function takes what :mod:`vstudy.analysis.replication` and the processed layer give (the dataset record, the
validation findings, the coverage of the official indicators, the errata register, the replication register) and
``lang``, and returns ``(template, values)`` pairs for ``Study.say``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from vstudy.analysis.replication import (
    CONSISTENT,
    DERIVED,
    DIFFERS,
    NOT_REPRODUCIBLE,
    REPRODUCED,
    status_counts,
)
from vstudy.data import regions
from vstudy.present import labels
from vstudy.present.prose import Text, noun, say

# A status as a sentence counts it in Russian: "воспроизводится — 11" (the labels' terms, in lower case).
STATUS_WORDS_RU = {REPRODUCED: "воспроизводится", CONSISTENT: "согласуется", DIFFERS: "расходится",
                   NOT_REPRODUCIBLE: "не воспроизводимо", DERIVED: "выведено"}
TABLES = (("table", "tables"), ("таблица", "таблицы", "таблиц"))
REGIONS = (("region", "regions"), ("регион", "региона", "регионов"))


def _of(n: int, one: str, many: str) -> str:
    """The genitive after «из N» / «все N»: ``one`` for 1, 21 …, else ``many``."""
    return one if n % 10 == 1 and n % 100 != 11 else many


def inventory_text(dataset: Mapping[str, object], lang: str) -> Text:
    """What was loaded: the dataset's title, its tables, period, regions and scheme."""
    manifest = dataset.get("manifest") or {}
    n = len(manifest.get("tables") or {})
    period = manifest.get("period") or {}
    scheme = manifest.get("scheme")
    units = len(regions.codes(str(scheme))) if scheme in ("kz2021", "kz2022") else 0
    synthetic = bool(manifest.get("synthetic"))
    title = manifest.get(f"title_{lang}") if lang != "en" else None  # the manifest's title in the edition's language
    values = {"title": title or manifest.get("title", manifest.get("id", "")), "n": n, "start": period.get("start"),
              "end": period.get("end"), "units": units, "scheme": scheme,
              "period": labels.period_label(period, lang) or f"{period.get('start')} — {period.get('end')}",
              "w": noun(n, lang, *TABLES), "u": noun(units, lang, *REGIONS)}
    return say(lang,
               "Dataset “{title}”: {n} tables, period {start} to {end}, {units} regions (scheme {scheme})"
               + ("; the data are SYNTHETIC." if synthetic else "."),
               "Набор данных «{title}»: {n} {w}, период — {period}, {units} {u} (схема {scheme})"
               + ("; данные СИНТЕТИЧЕСКИЕ." if synthetic else "."), **values)


def validation_text(findings: pd.DataFrame | None, lang: str) -> Text:
    """What validation left: every dataset in the processed layer passed (errors stop the build)."""
    n = 0 if findings is None else len(findings)
    errata = 0 if findings is None or "erratum" not in findings.columns else int(findings["erratum"].notna().sum())
    if n == 0:
        return say(lang, "Validation passed with no errors and no warnings.",
                   "Проверка пройдена без ошибок и предупреждений.")
    return say(lang,
               "Validation passed with no errors; {n} warnings remain, {errata} of them explained by recorded errata "
               "of the source.",
               "Проверка пройдена без ошибок; осталось {n} {w}, из них {errata} объясняются записанными ошибками "
               "источника.",
               n=n, errata=errata, w=noun(n, lang, ("warning", "warnings"),
                                          ("предупреждение", "предупреждения", "предупреждений")))


def coverage_text(coverage: pd.DataFrame, lang: str) -> Text:
    """How many indicator-periods cover every region of the scheme, and which are partial."""
    if coverage.empty:
        return say(lang, "This dataset has no official indicators.", "В наборе данных нет официальных показателей.")
    n_units = int(coverage["regions of the scheme"].iloc[0])
    covered = coverage["regions with a value"]
    full, partial = coverage[covered == n_units], coverage[covered < n_units]
    items = "; ".join(f"{{i{k}}} {{p{k}}} ({{c{k}}}/{{n_units}})" for k in range(len(partial)))
    values: dict[str, object] = {"full": len(full), "n_units": n_units, "partial": len(partial),
                                 "w": noun(len(full), lang, ("", ""), ("показатель-период охватывает",
                                                                       "показателя-периода охватывают",
                                                                       "показателей-периодов охватывают")),
                                 "u": _of(n_units, "региона", "регионов") if lang == "ru" else ""}
    for k, ((indicator, period), n) in enumerate(partial["regions with a value"].items()):
        values |= {f"i{k}": indicator, f"p{k}": period, f"c{k}": int(n)}
    if len(partial):
        return say(lang, "{full} indicator-periods cover all {n_units} regions; {partial} are partial: " + items + ".",
                   "{full} {w} все {n_units} {u}; неполных — {partial}: " + items + ".", **values)
    return say(lang, "{full} indicator-periods cover all {n_units} regions; none is partial.",
               "{full} {w} все {n_units} {u}; неполных нет.", **values)


def errata_text(errata: pd.DataFrame | None, lang: str) -> Text:
    """How many errata the dataset records and how many the validation rules detect (the processed
    ``errata_evaluated`` table: ``status`` is ``detected`` where a rule finds the defect in the data)."""
    if errata is None or errata.empty:
        return say(lang, "This dataset records no errata of its source.",
                   "В наборе данных не записано ошибок источника.")
    n = len(errata)
    detected = int((errata["status"] == "detected").sum()) if "status" in errata.columns else 0
    return say(lang,
               "{n} errata of the source are recorded; the data checks detect {detected} of them, the others are "
               "shown by the register below or by their evidence.",
               "Записано ошибок источника: {n}; {detected} из них обнаруживают проверки данных, остальные подтверждаются "
               "реестром ниже или собственными доказательствами.",
               n=n, detected=detected)


def register_text(register: pd.DataFrame, lang: str) -> Text | list[Text]:
    """The register in one or two sentences (counts by status; what an empty register means)."""
    published = register[register["status"] != DERIVED]
    if published.empty:
        return say(lang,
                   "This dataset carries no figure published by a report (no value gives its place in a report's "
                   "text), so there is nothing to replicate.",
                   "В этом наборе данных нет показателей, опубликованных в отчёте (ни одно значение не указывает "
                   "своё место в тексте отчёта), поэтому воспроизводить нечего.")
    counts = status_counts(register)
    order = (REPRODUCED, CONSISTENT, DIFFERS, NOT_REPRODUCIBLE)
    values: dict[str, object] = {"n": len(published), "w": noun(len(published), lang, ("", ""),
                                                               ("опубликованное в отчёте число",
                                                                "опубликованных в отчёте числа",
                                                                "опубликованных в отчёте чисел"))}
    for k, s in enumerate(order):
        values |= {f"c{k}": int(counts[s]), f"s{k}": s if lang == "en" else STATUS_WORDS_RU[s]}
    parts = [say(lang,
                 "The register holds the {n} numbers the report publishes: "
                 + ", ".join(f"{{c{k}}} {{s{k}}}" for k in range(len(order))) + ".",
                 "Реестр содержит {n} {w}: " + "; ".join(f"{{s{k}}} — {{c{k}}}" for k in range(len(order))) + ".",
                 **values)]
    derived = int(counts[DERIVED])
    if derived:
        parts.append(say(lang, "{d} further rows are values derived from them (status derived).",
                         "Ещё {d} {w} — величины, выведенные из опубликованных (статус «выведено»).",
                         d=derived, w=noun(derived, lang, ("", ""), ("строка", "строки", "строк"))))
    return parts


def errata_found_text(register: pd.DataFrame, lang: str) -> Text | None:
    """The claims that differ, by erratum, in one sentence (None when none differs)."""
    differ = register[register["status"] == DIFFERS]
    if differ.empty:
        return None
    ids = differ["note"].str.findall(r"E\d+").explode().dropna()
    by = ids.value_counts().sort_index(key=lambda s: s.str[1:].astype(int))
    items = ", ".join(f"{{e{k}}} ({{k{k}}})" for k in range(len(by)))
    values: dict[str, object] = {"n": len(differ), "none": "none recorded" if lang == "en" else "—",
                                 "w": noun(len(differ), lang, ("number differs;", "numbers differ;"),
                                           ("опубликованное число не проходит", "опубликованных числа не проходят",
                                            "опубликованных чисел не проходят"))}
    for k, (e, count) in enumerate(by.items()):
        values |= {f"e{k}": e, f"k{k}": int(count)}
    unexplained = int((~differ["note"].str.contains(r"E\d+", regex=True)).sum())
    values["u"] = unexplained
    return say(lang,
               "{n} published {w} by erratum: " + (items or "{none}")
               + ("; {u} without a recorded erratum." if unexplained else "."),
               "{n} {w} проверку; по ошибкам отчёта: " + (items or "{none}")
               + ("; без записанной ошибки — {u}." if unexplained else "."), **values)
