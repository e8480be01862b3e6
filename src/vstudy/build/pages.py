"""What the generated pages say, in each edition's language: the home page, the findings, the downloads, the data
page's parts (origin records, data dictionary, errata, tables), the reproducibility facts, the study's methods.

Every function takes the edition ``lang`` (``en`` or ``ru``) and returns Markdown; :mod:`vstudy.build.website`
stages it into the Quarto project and :mod:`vstudy.build.book` assembles the study document from it. Words come
from :mod:`vstudy.present.labels` (terms, statuses, regions, periods); numbers are written in the edition's
convention (:func:`vstudy.present.text.md_in`, :func:`vstudy.present.tables.format_number`: ``1,658`` / ``1 658``,
``0.68`` / ``0,68``); every string that comes from the dataset is escaped (:func:`vstudy.present.text.escape`), so
no HTML, Markdown link, math, citation or Quarto shortcode from data is ever live.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import math
import platform
import re
import sys
import time
from pathlib import Path
from urllib.parse import quote

from vstudy.build.quarto import quarto_path, quarto_version
from vstudy.build.state import hash_tree
from vstudy.data import manifest as dataset_manifest
from vstudy.present.prose import check_lang as _check
from vstudy.present.prose import pick as _t
from vstudy.present.text import escape, md_in
from vstudy.vocab import SCHEMES

# Figures shown on the home page: the first of these found in the executed notebooks (at most two).
HOME_FIGURES: list[tuple[str, str]] = [
    ("03_correlations", "fig-correlations-main-forest"),
    ("05_activities", "fig-activities-directions-heatmap"),
]
HEADLINE_IDS = ("volunteers_total", "hours_6_months")
NUMBER_PREFIX = re.compile(r"^[0-9]+[.]\s*")  # "01. " of a section title
KEY_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "pingouin", "matplotlib", "seaborn", "plotly",
                "geopandas", "shapely", "pyogrio", "mapclassify", "pyarrow", "papermill", "nbclient", "ipykernel",
                "pyyaml", "openpyxl", "xlrd")
STRONGEST_SHOWN = 3  # public-data relations listed among the findings

# The study PDF of each edition, as linked from a page at the root of an edition's site. One place: the build
# decides where each edition's PDF lands (each edition is its own site, ``<site>/en/`` and ``<site>/ru/``).
STUDY_PDF = "study.pdf"


def study_pdf_href(edition: str) -> str:
    """The link from a root page of either edition's site to the study PDF of ``edition``."""
    _check(edition)
    return f"../{edition}/{STUDY_PDF}"


# ----------------------------------------------------------------------------------------------- words and numbers


def period_label(period: object, lang: str = "en") -> str:
    from vstudy.present import labels  # imported when a page is written: `vstudy build` checks stay light

    return labels.period_label(period if isinstance(period, dict) else None, lang)


def label_of(key: str, lang: str = "en", default: str | None = None) -> str:
    from vstudy.present import labels

    return labels.value_label(key, lang, default=default)


def region_name(code: object, lang: str = "en") -> str:
    from vstudy.present import labels

    try:
        return labels.region_label(str(code), lang)
    except (KeyError, ValueError):
        return str(code)


def format_number(value: float, decimals: int = 0, lang: str = "en") -> str:
    from vstudy.present import tables

    return tables.format_number(float(value), decimals, lang)


def format_p(value: float, lang: str = "en") -> str:
    from vstudy.present import tables

    return tables.format_p(float(value), lang)


def region_count(manifest: dict) -> int | None:
    """The number of regions of the dataset's scheme (None for an unknown scheme)."""
    return SCHEMES.get(str(manifest.get("scheme", "")))


def _ru_regions(n: int) -> str:
    from vstudy.present import prose

    return prose.noun(n, "ru", ("region", "regions"), ("регионального фронт-офиса", "региональных фронт-офисов",
                                                        "региональных фронт-офисов"))


def page_title(base: str, manifest: dict, lang: str = "en") -> str:
    """A page title followed by the dataset's period ("…, July–December 2021" / "…, июль–декабрь 2021 года")."""
    period = period_label(manifest.get("period"), lang)
    return f"{base}, {period}" if period else base


def study_title(lang: str) -> str:
    """The study's title in the edition's language (no period: :func:`page_title` adds the dataset's)."""
    return _t(lang, "Volunteering in the regions of Kazakhstan", "Волонтёрство в регионах Казахстана")


def intro_markdown(manifest: dict, lang: str = "en", site: bool = True) -> str:
    """The home page's first paragraph: what the study is, for the dataset's period and regions (``site``: with
    the sentence's close about the section pages)."""
    period = period_label(manifest.get("period"), lang)
    count = region_count(manifest)
    if lang == "ru":
        offices = (md_in("ru", "{n} {w}", n=count, w=_ru_regions(count)) if count
                   else "региональных фронт-офисов")
        when = md_in("ru", " за {p}", p=period) if period else ""
        return ("Воспроизводимое исследование на основе аналитического отчёта ОЮЛ «Национальная волонтёрская сеть» "
                f"(республиканский фронт-офис волонтёров BIRGEMIZ) по ежемесячным отчётам {offices}{when}. Каждая "
                "таблица отчёта перенесена из его текста с номерами строк, проверена и сопоставлена с официальной "
                "региональной статистикой" + ("; каждый раздел исследования — блокнот, выполненный на этих данных"
                                              if site else "") + ".\n")
    offices = md_in("en", "the {n} regional front offices", n=count) if count else "the regional front offices"
    when = md_in("en", " for {p}", p=period) if period else ""
    return ("A reproducible rebuild of the analytical report of the National Volunteer Network (the republican "
            f"front office of volunteers BIRGEMIZ) on the monthly reports of {offices}{when}. Every table of the "
            "report was transcribed from its text with line numbers, checked, and combined with official regional "
            "statistics" + ("; each section below is a notebook executed on those data" if site else "") + ".\n")


# ----------------------------------------------------------------------------------------------- findings


def _read_csv(path: Path):
    import pandas as pd

    try:
        return pd.read_csv(path, keep_default_na=True)
    except (OSError, ValueError):
        return None


def _truth(value: object) -> bool:
    return str(value).strip().lower() == "true"


def _finite(value: object) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _pair(row, lang: str) -> str:
    x = label_of(str(row["x"]), lang, default=str(row["x"]))
    y = label_of(str(row["y"]), lang, default=str(row["y"]))
    return f"{escape(x)} × {escape(y)}"


def _r_line(row, lang: str) -> str:
    """"X × Y: r = 0.68 (n = 17, 95 % interval 0.29 to 0.87)" in the edition's language."""
    r, n = format_number(row["r"], 2, lang), format_number(row["n"], 0, lang)
    interval = ""
    if _finite(row.get("ci_low")) and _finite(row.get("ci_high")):
        low, high = format_number(row["ci_low"], 2, lang), format_number(row["ci_high"], 2, lang)
        interval = _t(lang, f", 95 % interval {low} to {high}", f", 95-процентный интервал от {low} до {high}")
    return f"{_pair(row, lang)}: r = {r} (n = {n}{interval})"


def _p_part(row, lang: str) -> str:
    """The permutation p and the adjusted p of each correction the pair survives."""
    parts = []
    if _finite(row.get("p_perm")):
        parts.append(_t(lang, "permutation p = ", "перестановочный p = ") + format_p(row["p_perm"], lang))
    for col, survived, name in (("p_holm", "survives_holm", "Holm"), ("p_by", "survives_by", "BY")):
        if _finite(row.get(col)) and _truth(row.get(survived)):
            label = f"p after {name}" if lang == "en" else f"p с поправкой {name_ru(name)}"
            parts.append(f"{label} = {format_p(row[col], lang)}")
    return "; ".join(parts)


def name_ru(method: str) -> str:
    """The Russian name of a multiple-testing correction."""
    return {"Holm": "Холма", "BY": "Бенджамини — Иекутиели"}.get(method, method)


def _influence(row, lang: str) -> str:
    """The influence caveat: does the pair rest on one region, and r without its most influential region."""
    rests = _truth(row.get("rests_on_one_region"))
    region = row.get("influential_region")
    has_region = isinstance(region, str) and region.strip() != ""
    r_without = format_number(row["r_without_influential"], 2, lang) if _finite(row.get("r_without_influential")) \
        else None
    if lang == "ru":
        text = "держится на одном регионе" if rests else "не держится на одном регионе"
        if has_region and r_without is not None:
            text += f" (без самого влиятельного региона, {escape(region_name(region, lang))}, r = {r_without})"
        return text
    text = "rests on one region" if rests else "does not rest on one region"
    if has_region and r_without is not None:
        text += f" (without the most influential region, {escape(region_name(region, lang))}, r = {r_without})"
    return text


def findings_markdown(tables: Path, lang: str = "en", *, heading: str | None = None, links: bool = True) -> str:
    """The findings a reviewer comes for, from the build's tables: the replication register's counts by status
    (``replication.csv``), the correlations that survive Holm or Benjamini–Yekutieli with r, n, p and whether each
    rests on one region, and the strongest relations of the public-data families (``correlations.csv``).

    ``heading`` replaces the default "## Findings"; ``links`` adds the links to the CSV files (the website's).
    """
    out = [heading if heading is not None else _t(lang, "## Findings\n", "## Основные выводы\n")]
    register = _read_csv(tables / "replication.csv")
    if register is not None and "status" in register.columns and len(register):
        from vstudy.analysis.replication import STATUS_ORDER

        counts = register["status"].value_counts()
        order = [s for s in STATUS_ORDER if s in counts.index] + sorted(set(counts.index) - set(STATUS_ORDER))
        out.append(md_in(lang, _t(lang, "**The report's numbers.** Of the {n} published numbers in the replication "
                                        "register:\n",
                                  "**Числа отчёта.** Из {n} опубликованных в отчёте чисел, включённых в реестр "
                                  "воспроизведения:\n"), n=len(register)))
        out += [f"- {escape(label_of(str(s), lang, default=str(s)))}: {format_number(counts[s], 0, lang)}"
                for s in order]
        if links:
            out.append(_t(lang, "\nThe whole register: [replication.csv](tables/replication.csv).\n",
                          "\nВесь реестр: [replication.csv](tables/replication.csv).\n"))
        else:
            out.append("")
    else:
        out.append(_t(lang, "This build has no replication register.\n",
                      "В этой сборке нет реестра воспроизведения.\n"))
    results = _read_csv(tables / "correlations.csv")
    needed = {"method", "role", "subset", "family", "x", "y", "n", "r", "survives_holm", "survives_by"}
    if results is None or not needed <= set(results.columns):
        out.append(_t(lang, "This build has no correlation results.\n", "В этой сборке нет результатов корреляций.\n"))
        return "\n".join(out) + "\n"
    main = main_pairs(results)
    survivors = main[main["survives_holm"].map(_truth) | main["survives_by"].map(_truth)]
    tested = format_number(len(main), 0, lang)
    if len(survivors):
        out.append(_t(lang, f"**Correlations that survive the correction for multiple testing** ({tested} pairs "
                            "tested over all regions, Holm and Benjamini–Yekutieli (BY) within each family):\n",
                      f"**Корреляции, устойчивые к поправке на множественные сравнения** (проверено пар по всем "
                      f"регионам: {tested}; поправки Холма и Бенджамини — Иекутиели внутри каждого семейства):\n"))
        for _, row in survivors.iterrows():
            kept = [name for name, col in (("Holm", "survives_holm"), ("BY", "survives_by")) if _truth(row[col])]
            if lang == "ru":
                survives = "устойчива к поправке " + " и ".join(name_ru(k) for k in kept)
            else:
                survives = "survives " + " and ".join(kept)
            p = _p_part(row, lang)
            out.append(f"- {_r_line(row, lang)}; {p + '; ' if p else ''}{survives}; {_influence(row, lang)}")
        out.append("")
    else:
        out.append(_t(lang, f"**No correlation survives the correction for multiple testing** (Holm or "
                            f"Benjamini–Yekutieli) among the {tested} pairs tested over all regions.\n",
                      f"**Ни одна корреляция не устойчива к поправке на множественные сравнения** (Холма или "
                      f"Бенджамини — Иекутиели) среди пар, проверенных по всем регионам (их {tested}).\n"))
    strongest = strongest_public(main)
    if len(strongest):
        out.append(_t(lang, "**The strongest relations in the public data:**\n",
                      "**Наиболее сильные связи по открытым данным:**\n"))
        out += [f"- {_r_line(row, lang)}" for _, row in strongest.iterrows()]
        if links:
            out.append(_t(lang, "\nEvery coefficient: [correlations.csv](tables/correlations.csv).\n",
                          "\nВсе коэффициенты: [correlations.csv](tables/correlations.csv).\n"))
    return "\n".join(out) + "\n"


def main_pairs(results):
    """The primary Pearson pairs over all regions with a coefficient: what the findings count and rank."""
    return results[(results["method"] == "pearson") & (results["role"] == "primary")
                   & ~results["subset"].map(_truth) & results["r"].map(_finite)]


def strongest_public(main, shown: int = STRONGEST_SHOWN):
    """The ``shown`` strongest pairs (by |r|) outside the report's own family."""
    public = main[main["family"] != "report"]
    return public.loc[public["r"].abs().sort_values(ascending=False, kind="stable").index].head(shown)


def downloads_markdown(lang: str = "en") -> str:
    """Where to get the study: both PDFs, the tables, the data dictionary, the register and the dataset template."""
    en_pdf, ru_pdf = study_pdf_href("en"), study_pdf_href("ru")
    if lang == "ru":
        lines = [
            "## Материалы для загрузки\n",
            f"- [Исследование в формате PDF]({ru_pdf})",
            f"- [Исследование в формате PDF на английском языке]({en_pdf})",
            "- [Все таблицы исследования в формате CSV](data.qmd#tables-produced-by-the-study)",
            "- [Словарь данных](data.qmd#data-dictionary)",
            "- [Реестр воспроизведения (CSV)](tables/replication.csv)",
            "- Шаблон набора данных для расчёта исследования на новых данных: команда `vstudy template --scheme "
            "kz2022 --out my_data` создаёт набор данных для заполнения (файлы CSV и книгу .xlsx с инструкцией); "
            "команда `vstudy build --data my_data` строит на нём исследование.",
        ]
    else:
        lines = [
            "## Downloads\n",
            f"- [The study as a PDF]({en_pdf})",
            f"- [The study as a PDF in Russian]({ru_pdf})",
            "- [Every table of the study as CSV](data.qmd#tables-produced-by-the-study)",
            "- [The data dictionary](data.qmd#data-dictionary)",
            "- [The replication register (CSV)](tables/replication.csv)",
            "- The dataset template, to run the study on new data: `vstudy template --scheme kz2022 --out my_data` "
            "writes a dataset to fill (CSV files and an .xlsx workbook with instructions); `vstudy build --data "
            "my_data` builds the study on it.",
        ]
    return "\n".join(lines) + "\n"


def home_markdown(config, pages: dict, labels: dict[str, list[str]], tables: Path | None = None,
                  manifest: dict | None = None, lang: str = "en") -> str:
    """The home page: what the study is, the findings, the downloads, the key figures and the sections."""
    manifest = manifest if manifest is not None else {}
    out = [intro_markdown(manifest, lang)]
    if tables is not None:
        out.append(findings_markdown(tables, lang))
        out.append(downloads_markdown(lang))
    rows = [r for r in dataset_table(config.data_dir, "headline_figures") if r.get("figure_id") in HEADLINE_IDS]
    out.append(_t(lang, "## Key figures\n", "## Ключевые показатели\n"))
    if rows:
        for row in rows:
            try:
                value = format_number(float(row["value"]), 0, lang)
            except (TypeError, ValueError):
                value = "—"
            what = label_of(str(row.get("figure_id", "")), lang, default=str(row.get("figure_id", "")).replace("_", " "))
            line = (md_in(lang, _t(lang, " (report line {line})", " (строка {line} отчёта)"), line=row["source_line"])
                    if row.get("source_line") else "")
            out.append(f"- **{value}** — {escape(what)}{line}")
        out.append("")
    shown = 0
    for name, label in HOME_FIGURES:
        found = [lab for lab in labels.get(name, []) if lab.startswith("fig-")]
        pick = label if label in found else (found[0] if found and not label else None)
        if pick and shown < 2:
            out.append(_embed(name, pick) + "\n")
            shown += 1
    if pages:
        out.append(_t(lang, "## Sections\n", "## Разделы\n"))
        out += [f"{i + 1}. [{title}](notebooks/{name}.ipynb)" for i, (name, (_, title)) in enumerate(pages.items())]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------- embeds


def _embed(name: str, label: str) -> str:
    return f"{{{{< embed notebooks/{name}.ipynb#{label} >}}}}"


# ----------------------------------------------------------------------------------------------- data page


def dataset_table(data_dir: Path, schema: str) -> list[dict[str, str]]:
    """The rows of the dataset's table declared with ``schema`` (via its manifest; [] when it has none), read
    safely: inside the dataset directory, a regular file, size-limited, UTF-8."""
    man = dataset_manifest.read_manifest(data_dir)
    for spec in man.tables.values():
        if spec.schema != schema:
            continue
        try:
            text = dataset_manifest.read_file(dataset_manifest.locate(data_dir, spec.file)).decode("utf-8-sig")
        except (dataset_manifest.Refused, UnicodeDecodeError):
            return []
        return list(csv.DictReader(text.splitlines()))
    return []


class Markup(str):
    """Markdown written by the study (a code span of a checksum, a link it built): put on the page as it is."""


def _cell(value: object) -> str:
    """A table cell: markup the study wrote stays; anything else (from data) is escaped."""
    if isinstance(value, Markup):
        return str(value)
    return "" if value is None or value == "" else escape(value)


def md_table(rows: list[dict], columns: list[str], headers: list[str] | None = None, lang: str = "en") -> str:
    """A pipe table; every cell is escaped unless it is :class:`Markup`."""
    if not rows:
        return _t(lang, "*(none)*\n", "*(нет)*\n")
    head = headers or columns
    lines = ["| " + " | ".join(escape(h) for h in head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _text(value: object, lang: str = "en") -> str:
    """An origin-record value as one line: dicts prefer the edition's text, then English; lists are joined."""
    if isinstance(value, dict):
        for key in (lang, "en", "statement", "ru"):
            if key in value:
                return _text(value[key], lang)
        return "; ".join(f"{k}: {_text(v, lang)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_text(v, lang) for v in value)
    return " ".join(str(value).split()) if value is not None else ""


# What a reader of the data page needs of each cited source, in this order: key, English, Russian.
SOURCE_FIELDS = (("producer", "Producer", "Производитель"), ("title", "Title", "Название"), ("url", "URL", "URL"),
                 ("republished_by", "Republished by", "Опубликовано также"), ("where", "Where in it", "Где в нём"),
                 ("indicators", "Indicators", "Показатели"), ("used_for", "Used for", "Для чего использовано"),
                 ("licence", "Licence", "Лицензия"), ("date_accessed", "Accessed", "Дата обращения"),
                 ("original_file", "Original file", "Исходный файл"),
                 ("sha256", "SHA-256 of the original", "SHA-256 исходного файла"))
RECORD_FIELDS = (("title", "Title", "Название"), ("description", "Description", "Описание"),
                 ("producer", "Producer", "Производитель"), ("period_covered", "Period", "Период"),
                 ("date_accessed", "Accessed", "Дата обращения"), ("date_accessed_default", "Accessed",
                                                                   "Дата обращения"),
                 ("licence", "Licence", "Лицензия"))


def sources_markdown(data_dir: Path, lang: str = "en", level: int = 3) -> str:
    """Every ``source.yml`` of the dataset: producer, title, period, licence, cited sources, files.

    Read with the data layer's safe YAML reader; every value is escaped. A record that cannot be read is named
    (folder and reason), never quoted. ``level`` is the heading level of each record.
    """
    out: list[str] = []
    if lang == "ru":
        out.append("Записи о происхождении данных (файлы source.yml) ведутся на английском языке; здесь приведены "
                   "производитель, название, адрес, дата обращения и контрольная сумма каждого источника, а полные "
                   "записи с пояснениями — в английской версии исследования.\n")
    for record in sorted(data_dir.glob("*/source.yml")):
        folder = escape(record.parent.name)
        out.append(f"{'#' * level} {folder}/\n")
        try:
            data = dataset_manifest.read_yaml(data_dir, f"{record.parent.name}/source.yml")
        except dataset_manifest.Refused as exc:
            out.append(_t(lang, f"*This origin record could not be read ({escape(exc.rule)}).*\n",
                          f"*Эту запись о происхождении прочитать не удалось ({escape(exc.rule)}).*\n"))
            continue
        if not isinstance(data, dict):
            out.append(_t(lang, "*This origin record is not a mapping.*\n", "*Эта запись о происхождении не является "
                                                                            "словарём.*\n"))
            continue
        for key, en, ru in RECORD_FIELDS:
            if key in data and _shown(_text(data[key], lang), lang):
                out.append(f"- **{_t(lang, en, ru)}:** {escape(_text(data[key], lang))}")
        out.append("")
        # One block per cited source, not a table: titles, URLs and cell references are too long for columns.
        sources = data.get("sources") if isinstance(data.get("sources"), list) else []
        for source in sources:
            if not isinstance(source, dict):
                continue
            out.append(f"{'#' * (level + 1)} {escape(_text(source.get('id'), lang))}\n")
            for key, en, ru in SOURCE_FIELDS:
                if source.get(key) and _shown(_text(source[key], lang), lang):
                    out.append(f"- **{_t(lang, en, ru)}:** {escape(_text(source[key], lang))}")
            out.append("")
        files = data.get("files") or {}
        if isinstance(files, dict) and files:
            rows = [{"file": _text(name, lang),
                     "about": _text(v.get(f"description_{lang}") or v.get("description_en") if isinstance(v, dict)
                                    else v, lang)}
                    for name, v in files.items()]
            if lang == "ru":
                out.append(md_table(rows, ["file"], ["Файл"], lang))
            else:
                out.append(md_table(rows, ["file", "about"], ["File", "Contents"], lang))
    if not any(line.startswith("#") for line in out):
        return _t(lang, "*No origin records found.*\n", "*Записи о происхождении данных не найдены.*\n")
    return "\n".join(out) + "\n"


def _shown(value: str, lang: str) -> bool:
    """Whether an origin-record value goes on a page of ``lang``: the Russian edition leaves out English prose
    (the records are kept in English; the English edition shows them in full)."""
    return lang != "ru" or not english_prose(value)


def dictionary_markdown(lang: str = "en", level: int = 3, compact: bool = False) -> str:
    """The data dictionary: the one rendering of the declared schemas (vstudy.data.schemas).

    English: as the processed layer's ``data_dictionary.md`` has it, with its headings under the page's own
    (``level``). Russian: one table per declared table with each column's Russian name (from
    :mod:`vstudy.present.labels`), type and unit; the declarations' descriptions are written in English and stay
    in the English edition. ``compact`` (the study PDF): in English, each table's columns as a list instead of a
    six-column table, which an A4 page cannot hold.
    """
    from vstudy.data import dictionary, schemas

    if lang == "en" and compact:
        return _dictionary_list(level)
    if lang == "en":
        return dictionary.data_dictionary_markdown(level=level, title=False)
    _check(lang)
    from vstudy.present import labels

    out = ["Словарь данных построен по объявленным схемам таблиц (их проверяет команда `vstudy validate`). Для каждой "
           "таблицы приведены её столбцы: имя в файле, название, тип и единица измерения; подробные описания "
           "столбцов приведены в английской версии словаря.\n"]
    for key, schema in schemas.all_schemas().items():
        out.append(f"{'#' * (level + 1)} `{key}`\n")
        if schema.keys:
            out.append("Ключ: " + ", ".join(f"`{k}`" for k in schema.keys) + ".\n")
        rows = []
        for col in schema.columns:
            name = labels.column_label(col.name, "ru", default=None)
            if name is None:
                name = labels.label(col.name, "ru", default="—")
            rows.append({"column": Markup(f"`{col.name}`"), "name": name, "type": _DTYPES_RU.get(col.dtype, col.dtype),
                         "unit": _unit_ru(col.unit), "required": "да" if col.required else "нет"})
        out.append(md_table(rows, ["column", "name", "type", "unit", "required"],
                            ["Столбец", "Название", "Тип", "Единица", "Обязательный"], lang))
    return "\n".join(out) + "\n"


def _dictionary_list(level: int) -> str:
    """The English data dictionary with one line per column: name, type, unit, range, constraints, description."""
    from vstudy.data import dictionary, schemas

    out = ["Generated from the declared schemas (the declarations `vstudy validate` enforces). New data are "
           "collected in the tables `raw.regional` and `raw.events_by_direction`; processed tables whose name ends "
           "in `_<scheme>` are written once per dataset.\n"]
    for key, schema in schemas.all_schemas().items():
        out += [f"{'#' * (level + 1)} `{key}`\n", dictionary.md_text(schema.description) + "\n"]
        facts = []
        if schema.keys:
            facts.append("Key: " + ", ".join(f"`{k}`" for k in schema.keys) + ".")
        facts += [f"Rule: {dictionary.md_text(rule.describe())}." for rule in schema.rules]
        if facts:
            out.append(" ".join(facts) + "\n")
        for col in schema.columns:
            details = [col.dtype] + ([dictionary.md_text(col.unit)] if col.unit else [])
            if col.min is not None or col.max is not None:
                details.append(f"{'' if col.min is None else f'{col.min:g}'}–{'' if col.max is None else f'{col.max:g}'}")
            details += [x for x in ("key" if col.name in schema.keys else "", "optional" if not col.required else "",
                                    "may be empty" if col.nullable else "") if x]
            out.append(f"- `{col.name}` ({'; '.join(details)}): {dictionary.md_text(col.description)}")
        out.append("")
    return "\n".join(out) + "\n"


_DTYPES_RU = {"str": "строка", "string": "строка", "int": "целое", "integer": "целое", "float": "число",
              "number": "число", "bool": "логический", "boolean": "логический", "date": "дата"}


# The units the declared schemas name (vstudy.data.schemas), in Russian.
UNITS_RU = {"KZT per month": "тенге в месяц", "USD": "долл. США", "count": "единиц", "events": "мероприятий",
            "groups": "групп", "hours": "часов", "km2": "км²", "line": "строка", "organisations": "организаций",
            "per 100k": "на 100 тыс.", "per 100k population": "на 100 тыс. населения", "percent": "%",
            "persons": "чел.", "persons per km2": "чел. на км²", "points": "баллов", "rank": "место",
            "requests": "обращений", "thousand KZT": "тыс. тенге", "thousand tonnes": "тыс. тонн",
            "volunteers": "волонтёров", "years": "лет"}


def _unit_ru(unit: object) -> str:
    from vstudy.present import labels

    if unit is None or str(unit).strip() == "":
        return ""
    text = str(unit)
    if text in UNITS_RU:
        return UNITS_RU[text]
    found = labels.label(text, "ru", default=None)
    if found is None:
        found = labels.column_label(text, "ru", default=None)
    if found is not None:
        return found
    # A unit without a Russian label: a symbol (%, ISO code) is kept; words are not shown in the Russian edition.
    return text if not re.search(r"[A-Za-z]{3,}", text) else "—"


# Erratum rule ids (data/raw/report_2021/errata.csv, column rule_id) in words.
ERRATUM_RULES: dict[str, tuple[str, str]] = {
    "arithmetic": ("Arithmetic error", "Арифметическая ошибка"),
    "copy_of_another_value": ("Copy of another value", "Повтор другого значения"),
    "duplicate_list": ("Duplicated list", "Повтор списка"),
    "heading_reused": ("Heading reused", "Повтор заголовка"),
    "label_variant": ("Labels differ between lists", "Разные подписи в разных списках"),
    "not_a_share_of_the_events": ("Share that no whole number of events gives",
                                  "Доля, не соответствующая целому числу мероприятий"),
    "typo_text": ("Typo in the text", "Опечатка в тексте"),
    "typo_variable_name": ("Typo in a variable name", "Опечатка в названии показателя"),
    "unnamed_variable": ("Coefficient without its variable", "Коэффициент без названия показателя"),
    "misspelt_region": ("Misspelt region name", "Ошибка в названии региона"),
    "parts_sum_total": ("Parts do not sum to the total", "Сумма частей не равна итогу"),
    "period_mismatch": ("Period mismatch", "Несовпадение периода"),
    "prose_vs_table": ("Text differs from the table", "Текст расходится с таблицей"),
    "stray_footnote_mark": ("Stray footnote mark", "Лишний знак сноски"),
    "sum_exceeds_100": ("Shares exceed 100 %", "Сумма долей больше 100 %"),
    "truncated_label": ("Truncated label", "Обрезанная подпись"),
    "unlabelled_values": ("Values without labels", "Значения без подписей"),
}


def errata_markdown(data_dir: Path, lang: str = "en", blocks: bool = False) -> str:
    """The errata of the source report: id, file, the kind of error, the description and its handling in the
    edition's language (the register's ``*_ru`` columns; the English text where a register has no Russian one),
    the report lines. ``blocks`` (the study PDF): one paragraph per erratum instead of a wide table."""
    rows = dataset_table(data_dir, "errata")
    for row in rows:
        rule = str(row.get("rule_id", ""))
        row["rule"] = ERRATUM_RULES[rule][lang == "ru"] if rule in ERRATUM_RULES else rule
        russian = lang == "ru" and bool(row.get("description_ru"))
        row["what"] = row.get("description_ru") if russian else row.get("description_en")
        row["handling"] = (row.get("correction_ru") if lang == "ru" and row.get("correction_ru")
                           else row.get("correction"))
    if blocks:
        return _errata_blocks(rows, lang)
    return md_table(rows, ["erratum_id", "file", "rule", "what", "handling", "source_lines"],
                    [_t(lang, "id", "№"), _t(lang, "File", "Файл"), _t(lang, "Kind", "Вид ошибки"),
                     _t(lang, "Description", "Описание"), _t(lang, "Handling", "Как учтена"),
                     _t(lang, "Report lines", "Строки отчёта")], lang)


def _errata_blocks(rows: list[dict], lang: str) -> str:
    if not rows:
        return _t(lang, "*(none)*\n", "*(нет)*\n")
    out = []
    for row in rows:
        head = (f"**{escape(row.get('erratum_id'))}. {escape(row.get('rule'))}.** "
                + _t(lang, "File: ", "Файл: ") + escape(row.get("file")) + "; "
                + _t(lang, "report lines: ", "строки отчёта: ") + escape(row.get("source_lines")) + ".")
        out.append(head + " " + escape(row.get("what")) + "\n")
        if row.get("handling"):
            out.append(_t(lang, "*Handling:* ", "*Как учтена:* ") + escape(row["handling"]) + "\n")
    return "\n".join(out) + "\n"


def tables_markdown(tables: Path, lang: str = "en") -> str:
    files = sorted(tables.glob("*.csv")) if tables.is_dir() else []
    if not files:
        return _t(lang, "*No tables were written by this build.*\n", "*Эта сборка не записала ни одной таблицы.*\n")
    return "\n".join(f"- [{escape(p.name)}](tables/{quote(p.name)})" for p in files) + "\n"


# ----------------------------------------------------------------------------------------------- reproducibility


def git_commit(root: Path) -> str:
    import subprocess

    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=40"], cwd=root,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() or "unknown (not a git checkout)"


def reproducibility_markdown(config, state: dict, lang: str = "en") -> str:
    from vstudy import __version__

    versions = []
    for name in KEY_PACKAGES:
        try:
            versions.append({"package": name, "version": importlib.metadata.version(name)})
        except importlib.metadata.PackageNotFoundError:
            versions.append({"package": name, "version": _t(lang, "not installed", "не установлен")})
    lock = config.root / "requirements" / "lock.txt"
    lock_hash = hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else "—"
    params = next((e.get("parameters") for e in state["sections"].values() if e.get("parameters")), {})
    quarto = quarto_version(quarto_path())
    if lang == "ru" and quarto.startswith("not installed"):
        quarto = "не установлен"
    out = [
        _t(lang, "## Environment\n", "## Среда\n"),
        f"- **{_t(lang, 'Git commit', 'Коммит git')}:** {escape(git_commit(config.root))}",
        f"- **vstudy:** {escape(__version__)}; **Python:** {platform.python_version()} ({sys.implementation.name}); "
        f"**{_t(lang, 'platform', 'платформа')}:** {escape(platform.platform())}",
        f"- **Quarto:** {escape(quarto)}",
        f"- **{_t(lang, 'Lock file', 'Файл фиксации зависимостей')}** `requirements/lock.txt` sha256: `{lock_hash}`",
        f"- **{_t(lang, 'Built', 'Дата сборки')}:** {time.strftime('%Y-%m-%d %H:%M %Z')}\n",
        md_table(versions, ["package", "version"], [_t(lang, "Package", "Пакет"), _t(lang, "Version", "Версия")], lang),
        _t(lang, "## Parameters of the section notebooks\n", "## Параметры блокнотов разделов\n"),
        md_table([{"name": k, "value": v} for k, v in params.items()], ["name", "value"],
                 [_t(lang, "Parameter", "Параметр"), _t(lang, "Value", "Значение")], lang),
        _t(lang, "## Executed notebooks\n", "## Выполненные блокноты\n"),
        md_table([{"name": n, "sha": Markup(f"`{str(e.get('notebook_sha256', ''))[:16]}…`"), "s": e.get("seconds"),
                   "at": e.get("executed_at")} for n, e in sorted(state["sections"].items())],
                 ["name", "sha", "s", "at"],
                 [_t(lang, "Section", "Раздел"), _t(lang, "sha256 (first 16)", "sha256 (первые 16 знаков)"),
                  _t(lang, "Seconds", "Секунды"), _t(lang, "Executed at", "Время выполнения")], lang),
        _t(lang, "## Data checksums (sha256 of every raw file)\n",
           "## Контрольные суммы данных (sha256 каждого исходного файла)\n"),
        md_table([{"file": rel, "sha": Markup(f"`{digest}`")} for rel, digest in hash_tree(config.data_dir).items()],
                 ["file", "sha"], [_t(lang, "File", "Файл"), "sha256"], lang),
    ]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------------------- the study document


def methods_markdown(manifest: dict, lang: str = "en") -> str:
    """The study's methods in brief, for the study document: data, the replication register and its statuses,
    the correlation study, missing values. Names no number of its own: the period and region count come from
    the manifest."""
    from vstudy.analysis.replication import STATUS_MEANING, STATUS_ORDER

    period = period_label(manifest.get("period"), lang)
    count = region_count(manifest)
    statuses = "\n".join(f"- **{escape(label_of(s, lang, default=s))}** — {escape(STATUS_MEANING[s][lang == 'ru'])}."
                         for s in STATUS_ORDER if s in STATUS_MEANING)
    if lang == "ru":
        scope = (md_in("ru", "Исследование охватывает {n} {w}", n=count, w=_ru_regions(count)) if count
                 else "Исследование охватывает региональные фронт-офисы")
        scope += md_in("ru", " за {p}", p=period) if period else ""
        return "\n".join([
            "## Данные\n",
            f"{scope}. Каждое число аналитического отчёта, на которое опирается исследование, перенесено из текста "
            "отчёта вместе с номером строки; найденные в отчёте ошибки не исправлены в данных, а записаны в "
            "реестр ошибок с доказательствами (приложение А), и исправленные значения вычисляются в коде рядом с "
            "опубликованными. Показатели официальной региональной статистики взяты из опубликованных источников; "
            "для каждого источника записаны место в нём, дата обращения, лицензия и контрольная сумма "
            "(приложение Б). Регионы определяются кодом ISO 3166-2:KZ и схемой административного деления. Все "
            "таблицы проверяются по объявленным схемам (приложение В).\n",
            "## Реестр воспроизведения\n",
            "Каждое число, опубликованное в отчёте, внесено в реестр воспроизведения с его строкой в тексте и "
            "одним из статусов:\n",
            statuses + "\n",
            "## Корреляции\n",
            "Основная мера — коэффициент корреляции Пирсона r на объявленной шкале каждой переменной; значимость "
            "проверяется перестановочным тестом (точным при малом числе регионов). Для пар с общим знаменателем "
            "(показатели на 100 тыс. населения против численности населения) перестановки сохраняют знаменатель, "
            "а доли одного состава (возрастные группы, социальные статусы) проверяются как одна связанная группа. "
            "Пары объединены в семейства; внутри каждого семейства применяются поправки на множественные "
            "сравнения Холма и Бенджамини — Иекутиели. Интервалы — 95-процентные. Для каждой пары приводится r без "
            "самого влиятельного региона; пара, значимая только благодаря одному региону, отмечается как "
            "держащаяся на одном регионе. Коэффициент Спирмена приводится как проверка устойчивости. Пары, "
            "опубликованные в отчёте, пересчитаны так, как их считал отчёт.\n",
            "## Пропущенные значения\n",
            "То, чего отчёт не опубликовал, остаётся пропущенным: в таблицах такие значения обозначены прочерком "
            "(—) с указанием причины, ничего не восполняется молча.\n",
        ])
    scope = (md_in("en", "The study covers the {n} regional front offices", n=count) if count
             else "The study covers the regional front offices")
    scope += md_in("en", " for {p}", p=period) if period else ""
    return "\n".join([
        "## Data\n",
        f"{scope}. Every number of the analytical report the study uses was transcribed from the report's text "
        "with its line number; the report's mistakes are not corrected in the data but recorded as errata with "
        "their evidence (Appendix A), and corrected values are computed in code beside the published ones. "
        "Official regional statistics come from published sources, each recorded with where in it the values "
        "are, the date accessed, the licence and a checksum (Appendix B). Regions are keyed by their ISO "
        "3166-2:KZ code and the regional scheme. Every table is validated against its declared schema "
        "(Appendix C).\n",
        "## The replication register\n",
        "Every number the report publishes has a row in the replication register with its line in the report's "
        "text and one of these statuses:\n",
        statuses + "\n",
        "## Correlations\n",
        "The primary measure is Pearson's r on each variable's declared scale, tested by permutation (exactly "
        "where the number of regions allows). Pairs that share a denominator (a rate per 100,000 against "
        "population) are tested against a null that keeps the denominator, and the shares of one composition "
        "(age groups, social statuses) are tested as one linked set. Pairs are grouped into families; Holm's and "
        "the Benjamini–Yekutieli corrections for multiple testing are applied within each family. Intervals are "
        "95 % intervals. Every pair shows r without its most influential region, and a pair significant only "
        "because of one region is marked as resting on it. Spearman's ρ is shown as a sensitivity check. The "
        "report's own pairs are recomputed as the report computed them.\n",
        "## Missing values\n",
        "What the report did not publish stays missing: tables show a dash (—) with the reason, and nothing is "
        "imputed.\n",
    ])


def replication_summary_markdown(tables: Path, lang: str = "en") -> str:
    """The replication register by section and status, as a pipe table with a caption (``tbl-study-replication``);
    a sentence when the build has no register."""
    from vstudy.analysis.replication import STATUS_ORDER
    from vstudy.vocab import SECTIONS, section_title

    register = _read_csv(tables / "replication.csv")
    if register is None or not {"status", "section"} <= set(register.columns) or not len(register):
        return _t(lang, "This build has no replication register.\n", "В этой сборке нет реестра воспроизведения.\n")
    statuses = [s for s in STATUS_ORDER if s in set(register["status"])]
    statuses += sorted(set(register["status"]) - set(statuses))
    counts = register.groupby(["section", "status"]).size()
    rows = []
    for section in [s for s in SECTIONS if s in set(register["section"])] + sorted(
            set(register["section"]) - set(SECTIONS)):
        row = {"section": section_title(section, lang) if section in SECTIONS else section}
        for status in statuses:
            row[status] = format_number(int(counts.get((section, status), 0)), 0, lang)
        row["total"] = format_number(int(sum(counts.get((section, s), 0) for s in statuses)), 0, lang)
        rows.append(row)
    total = {"section": _t(lang, "All sections", "Все разделы")}
    for status in statuses:
        total[status] = format_number(int((register["status"] == status).sum()), 0, lang)
    total["total"] = format_number(len(register), 0, lang)
    rows.append(total)
    headers = [_t(lang, "Section", "Раздел")] + [label_of(s, lang, default=s) for s in statuses] + [
        _t(lang, "Total", "Всего")]
    intro = md_in(lang, _t(lang, "The replication register holds {n} numbers published by the report. By section "
                                 "and status:\n",
                           "Реестр воспроизведения содержит {n} чисел, опубликованных в отчёте. По разделам и "
                           "статусам:\n"), n=len(register))
    caption = _t(lang, "The report's published numbers by section and replication status",
                 "Опубликованные в отчёте числа по разделам и статусам воспроизведения")
    table = md_table(rows, ["section", *statuses, "total"], headers, lang)
    # Relative column widths for print: the section's name wide, the counts narrow.
    lines = table.split("\n")
    lines[1] = "|" + "|".join(["-" * 28] + ["-" * 11 + ":"] * (len(statuses) + 1)) + "|"
    table = "\n".join(lines)
    note = _t(lang, "\nEach number that differs is listed with its evidence in the section on data quality and "
                    "replication; the errata are in Appendix A.\n",
              "\nКаждое расходящееся число приведено с доказательством в разделе о качестве данных и "
              "воспроизводимости; ошибки отчёта — в приложении А.\n")
    return intro + "\n" + table + f"\n: {escape(caption)} {{#tbl-study-replication}}\n" + note


_COMMON_EN = frozenset("the of and to in is are was were for on with by from as at that this be or an it not which "
                       "each its into than only has have had when where what who per all one no".split())
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def english_prose(text: str) -> bool:
    """Does ``text`` hold an English phrase: three Latin-letter words in a row, one of them a common English
    function word? (Proper names such as "Birgemiz: Taza Álem" or "National Volunteer Network" do not count.)"""
    words = re.findall(r"[^\s]+", str(text))
    run: list[str] = []
    for word in words + [""]:
        core = word.strip(".,;:!?()«»\"'*[]")
        if _LATIN_WORD.fullmatch(core or "-") and core:
            run.append(core.lower())
            continue
        if len(run) >= 3 and any(w in _COMMON_EN for w in run):
            return True
        run = []
    return False
