"""What the study says follows what the dataset is (issue 19): the 2021 report's own wording (its section
«Корреляция», its valuation method, its errata and published numbers) only for the dataset that transcribes it
(manifest ``transcribes: report_2021``); a researcher's dataset gets the study's declared plan and method, and its
own title in each edition's language (manifest ``title``, ``title_ru``, ``title_kk``).

The executed editions are checked in tests/integration/test_report_sentences.py; these are the messages, the
manifest's title keys and the sentences that show a title.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from helpers import REPORT_ONLY

from vstudy import i18n
from vstudy.data import manifest as dataset_manifest
from vstudy.data.manifest import check_manifest, read_manifest
from vstudy.present.prose import activities as pa
from vstudy.present.prose import correlations as pc
from vstudy.present.prose import data_quality as pdq
from vstudy.present.prose import economics as pe
from vstudy.publish import pages

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "examples" / "kz2022-synthetic"
LANGS = ("en", "ru", "kk")
VERSION = pages.BuildVersion("0.1.0", "2737502cfe2d", False, dt.date(2026, 12, 7))

FAMILY = pd.DataFrame({"coef_id": ["a", "b"], "r_published": [0.62, -0.1], "n": [17, 17], "p": [0.008, 0.7],
                       "significant_raw": [True, False], "significant_holm": [True, False],
                       "significant_by": [True, False], "r_detectable": [0.62, 0.62], "ci_low": [0.2, -0.55],
                       "ci_high": [0.85, 0.4]})


def _published_summary(lang: str, is_report: bool) -> str:
    """Section 03's sentences on published coefficients (a family of two), in the dataset's wording."""
    from vstudy.present.notebook import markdown

    return markdown(pc.published_text(FAMILY, 0.05, lang, is_report=is_report), lang=lang)


def _report_results(published: tuple[float, float] = (0.62, float("nan"))) -> pd.DataFrame:
    """Section 03's results for the report's 17 pairs (primary method): the first two recomputed (r 0.41 and −0.20
    on 17 regions, with the published r ``published``), the others lacking volunteer counts."""
    import numpy as np

    from vstudy.analysis import correlations as cs

    rows = []
    for i, pair in enumerate(p for p in cs.PAIRS if p.family == "report"):
        ok = i < 2
        rows.append({"family": "report", "role": "primary", "coef_id": pair.coef_id, "x": pair.x, "y": pair.y,
                     "method": "pearson", "n": 17 if ok else 0, "r": (0.41, -0.2)[i] if ok else np.nan,
                     "ci_low": np.nan, "ci_high": np.nan, "p_perm": 0.1 if ok else np.nan, "p_perm_se": np.nan,
                     "p_holm": 0.2 if ok else np.nan, "p_holm_study": 0.5 if ok else np.nan,
                     "note": "" if ok else "volunteers_count not in the processed table",
                     "r_published": published[i] if ok else np.nan})
    return pd.DataFrame(rows)


# The search for a specification near the report's coefficient of the first pair: two specifications tried.
SPECS = pd.DataFrame({"coef_id": ["volunteers_vs_organisations"] * 2, "x": "organisations_count",
                      "y": "volunteers_count", "specification": ["raw_pearson", "log_pearson"], "n": [17, 17],
                      "r": [0.41, 0.55], "r_published": [0.62, 0.62], "r_minus_published": [-0.21, -0.07],
                      "nearest": [False, True]})


def _report_pairs(lang: str, is_report: bool) -> str:
    """Section 03's sentences on the report's own pairs (two recomputed, one with a published r; the specification
    search of the first given), in the dataset's wording."""
    from vstudy.present.notebook import markdown

    return markdown(pc.report_text(_report_results(), lang, SPECS, is_report=is_report), lang=lang)


def _report_forest_caption(lang: str, is_report: bool) -> str:
    """The caption of section 03's forest plot of the report's pairs: the cell's own caption line for the report's
    transcription (the code chooses none), the one the code chooses for a researcher's dataset."""
    chosen, _alt = pc.report_forest_texts(lang, is_report, _report_results())
    return _cell_caption(lang, "fig-correlations-report-forest", "fig-cap") if chosen is None else chosen


def _report_pairs_caption(lang: str, is_report: bool) -> str:
    """The caption of section 03's table of the report's pairs: the cell's own caption lines for the report's
    transcription (the code chooses none), the one the code chooses for a researcher's dataset."""
    chosen = pc.report_caption(lang, is_report)
    return _cell_caption(lang, "tbl-correlations-report-pairs") if chosen is None else chosen


# The opening of each paragraph that exists in two wordings, and words each wording alone holds; section 03's caption
# of published coefficients and its sentences on them, its sentences and caption on the report's own pairs, and the
# study's method paragraph on correlations.
PARTS = [(pc.published_caption, "caption"), (_published_summary, "summary"), (pc.intro_text, "intro"), (pc.intro_text, "published_intro"), (pc.intro_text, "pairs_intro"),
         (pc.intro_text, "recon_intro"), (pe.intro_text, "intro"), (pdq.intro_text, "intro"),
         (pdq.intro_text, "errata_intro"), (pdq.intro_text, "register_intro"), (pa.intro_text, "intro"),
         (_report_pairs, "report_pairs"), (_report_pairs_caption, "report_caption"),
         (_report_forest_caption, "forest_caption"),
         (pc.methods_paragraph, "methods")]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", str(text))


def _say(fn, part: str, lang: str, is_report: bool) -> str:
    if fn in (pe.intro_text, pa.intro_text, pc.published_caption, _published_summary, _report_pairs,
              _report_pairs_caption, _report_forest_caption, pc.methods_paragraph):
        return fn(lang, is_report)
    return fn(lang, is_report, part)


@pytest.mark.parametrize("lang", LANGS)
def test_each_paragraph_has_the_reports_wording_for_its_transcription_and_the_studys_for_other_data(lang):
    report = [flat(_say(fn, part, lang, True)) for fn, part in PARTS]
    dataset = [flat(_say(fn, part, lang, False)) for fn, part in PARTS]
    for phrase in REPORT_ONLY[lang]:  # every report-only sentence is in the report's wording, none in the other
        assert any(phrase in text for text in report), phrase
        assert not any(phrase in text for text in dataset), phrase
    assert all(a != b for a, b in zip(report, dataset, strict=True))
    # the researcher's wording states the method as the study's, first used in the 2021 report
    first = {"en": "first tested in the 2021 analytical report on volunteering",
             "ru": "впервые проверялись в аналитическом отчёте о волонтёрстве за 2021 год",
             "kk": "алғаш рет волонтерлік қызмет туралы 2021 жылғы талдамалық есепте тексерілген"}[lang]
    assert first in flat(pc.intro_text(lang, False))
    method = {"en": "It was first used in the 2021 analytical report on volunteering, which does not set it out",
              "ru": "Впервые этот метод применён в аналитическом отчёте о волонтёрстве за 2021 год",
              "kk": "Бұл әдіс алғаш рет волонтерлік қызмет туралы 2021 жылғы талдамалық есепте қолданылған"}[lang]
    assert method in flat(pe.intro_text(lang, False))
    assert "«" not in pe.intro_text(lang, False)  # no quotation of the report's text for other data


def test_the_reports_wording_is_the_2021_editions_text_as_it_was():
    """The report's wording is the notebooks' former text, word for word (one paragraph each)."""
    assert pc.intro_text("en", True).startswith(
        "The report's section «Корреляция» states correlation coefficients between the regional number of "
        "volunteers and\norganisations, quality of life, wages, emissions, students, population, density and events")
    assert pe.intro_text("ru", True).endswith("Метод в отчёте не приведён, поэтому каждое допущение здесь задано "
                                              "явно; продолжительность периода\nберётся из манифеста набора данных.")
    assert pdq.intro_text("kk", True, "register_intro").startswith("Жарияланған әр санға бір жол беріледі: басылған")


def _example() -> dict:
    return copy.deepcopy(read_manifest(EXAMPLE).raw)


def test_the_2022_example_gives_its_title_in_each_editions_language():
    man = read_manifest(EXAMPLE)
    assert man.ok, man.issues
    titles = {lang: dataset_manifest.title_in(man.raw, lang) for lang in LANGS}
    assert titles == {"en": "SYNTHETIC worked example: volunteering in the regions of Kazakhstan, 2022 (20 regions)",
                      "ru": "СИНТЕТИЧЕСКИЙ учебный пример: волонтёрство в регионах Казахстана, 2022 год (20 регионов)",
                      "kk": "СИНТЕТИКАЛЫҚ оқу мысалы: Қазақстан өңірлеріндегі волонтерлік қызмет, 2022 жыл (20 өңір)"}
    for lang in ("ru", "kk"):
        intro = pages.intro_markdown(man.raw, lang)
        assert f"«{titles[lang]}»" in intro and "SYNTHETIC" not in intro and "kz2022_synthetic_example" not in intro
        inventory = pdq.inventory_text({"manifest": man.raw}, lang)
        assert titles[lang] in inventory and "SYNTHETIC" not in inventory


def test_an_edition_without_a_title_of_its_own_names_the_dataset_by_its_period_and_scheme():
    raw = _example()
    del raw["title_ru"]
    assert dataset_manifest.title_in(raw, "ru") is None and pages.dataset_title(raw, "ru") == ""
    assert pages.intro_markdown(raw, "ru").startswith(
        "Воспроизводимое исследование набора данных за январь – декабрь 2022\u202fг.: 20 регионов по "
        "административному делению с июня 2022 года.")
    assert pdq.inventory_text({"manifest": raw}, "ru").startswith(
        "Набор данных: 2 таблицы, период — январь – декабрь 2022\u202fг., 20 регионов")
    for text in (pages.intro_markdown(raw, "ru"), pdq.inventory_text({"manifest": raw}, "ru"),
                 pages.citation_markdown(raw, "ru", VERSION, {})):
        assert "SYNTHETIC" not in text and "kz2022_synthetic_example" not in text, text
    # the other editions keep their own
    assert pages.dataset_title(raw, "kk").startswith("«СИНТЕТИКАЛЫҚ")
    assert pdq.inventory_text({"manifest": raw}, "en").startswith("Dataset “SYNTHETIC worked example")


@pytest.mark.parametrize(("key", "value", "rule", "words"), [
    ("title_ru", 2022, "title_text", "title_ru must be the dataset's title in Russian, as non-empty text"),
    ("title_kk", "  ", "title_text", "title_kk must be the dataset's title in Kazakh, as non-empty text"),
    ("title", {"en": "A", "ru": "Б"}, "title_text", "title must be text: one title per key (title, title_ru, "
                                                    "title_kk), not a mapping of languages"),
    ("title_de", "Freiwillige", "title_language", "title_de is not a title key: the study's editions take title, "
                                                  "title_ru, title_kk"),
])
def test_a_bad_title_key_is_refused_naming_the_file_the_key_and_the_rule(tmp_path, key, value, rule, words):
    raw = _example()
    raw[key] = value
    issues = check_manifest(raw, EXAMPLE).issues
    assert [(i.file, i.column, i.rule) for i in issues] == [("manifest.yml", key, rule)]
    assert issues[0].message.startswith(words), issues[0].message


# --- the parts on published values (sections 03 and 06), section 05's opening, the dictionary's published values --

NOTEBOOKS = ROOT / "notebooks"
# The headings of the parts on published values as the 2021 editions have them (formerly Markdown cells).
PUBLISHED_HEADINGS = {
    "en": ("## The published coefficients", "## What it takes to reach the published value"),
    "ru": ("## Опубликованные коэффициенты", "## Что нужно, чтобы получить опубликованную оценку"),
    "kk": ("## Жарияланған коэффициенттер", "## Жарияланған бағаға жету үшін не қажет")}


def _inp(target: float | None, hours: float | None = 1_000_000.0) -> dict:
    from vstudy.analysis import economics

    headline = pd.DataFrame({"figure_id": ["hours_6_months", "economic_value_min_kzt_per_year"],
                             "value": [hours, target]}).dropna()
    inp = economics.inputs(headline if len(headline) else None, None, None,
                           {"start": "2022-01-01", "end": "2022-12-31"}, 12.0)
    inp["wages"] = {"annual_2022": 300_000.0} if hours is not None else {}
    return inp


def _md(parts, lang: str) -> str:
    from vstudy.present.notebook import markdown

    return markdown(parts, lang=lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_researchers_dataset_without_published_values_gets_no_part_on_them(lang):
    """Sections 03 and 06: no heading and no "there is nothing" sentence for a dataset that is not the report's and
    supplies no published coefficients or money value."""
    assert pc.published_opening(False, lang, is_report=False) == []
    assert pc.published_text(None, 0.05, lang, is_report=False) is None
    inp = _inp(None)
    assert inp["target"] is None and inp["hours"] is not None
    assert pe.required_heading(inp, lang, is_report=False) is None
    assert pe.required_text(inp, lang, is_report=False) == []
    assert _md([pc.published_opening(False, lang, False), pe.required_heading(inp, lang, False),
                pe.required_text(inp, lang, False)], lang) == ""


@pytest.mark.parametrize("lang", LANGS)
def test_the_reports_transcription_keeps_its_parts_on_published_values_as_they_were(lang):
    coefficients, value = PUBLISHED_HEADINGS[lang]
    opening = _md(pc.published_opening(True, lang, is_report=True), lang)
    assert opening.startswith(coefficients + "\n\n") and opening.endswith(str(pc.intro_text(lang, True,
                                                                                            "published_intro")))
    assert pe.required_heading(_inp(None), lang, is_report=True) == value
    assert pe.required_heading(_inp(3.2e9), lang, is_report=True) == value
    none = {"en": "This dataset carries no published correlation coefficients; this part is skipped.",
            "ru": "В этом наборе данных нет опубликованных коэффициентов корреляции; эта часть пропущена.",
            "kk": "Бұл деректер жиынтығында жарияланған корреляция коэффициенттері жоқ; бұл бөлік өткізіліп жіберілді."}
    assert _md(pc.published_text(None, 0.05, lang), lang) == none[lang]  # the report's default, as before
    assert _md(pe.required_text(_inp(None), lang), lang) == _md(pe.required_text(_inp(None), lang, True), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_published_values_a_researcher_supplies_are_headed_as_the_datasets_not_the_reports(lang):
    heading = {"en": ("## Published coefficients supplied with this dataset",
                      "## What it takes to reach the published value this dataset supplies"),
               "ru": ("## Опубликованные коэффициенты из этого набора данных",
                      "## Что нужно, чтобы получить опубликованную оценку из этого набора данных"),
               "kk": ("## Осы деректер жиынтығындағы жарияланған коэффициенттер",
                      "## Осы деректер жиынтығындағы жарияланған бағаға жету үшін не қажет")}[lang]
    opening = pc.published_opening(True, lang, is_report=False)
    assert opening[0] == heading[0] and heading[0] not in PUBLISHED_HEADINGS[lang]
    assert pe.required_heading(_inp(3.2e9), lang, is_report=False) == heading[1]
    report_word = {"en": "report", "ru": "отчёт", "kk": "есеп"}[lang]
    assert report_word not in heading[0].lower() and report_word not in heading[1].lower()
    assert len(pe.required_text(_inp(3.2e9), lang, is_report=False)) >= 1  # the part's sentences follow
    # a value without hours or a wage: what the dataset lacks, not "no published value"
    lacks = _md(pe.required_text(_inp(3.2e9, hours=None), lang, is_report=False), lang)
    assert lacks == _md(pe.t(lang, "economics.required.no_inputs"), lang)
    assert lacks != _md(pe.t(lang, "economics.required.none"), lang)


def _cells(name: str) -> list[dict]:
    import json

    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]


def test_the_notebooks_take_the_published_parts_headings_from_the_dataset_facts():
    """The headings are no longer fixed Markdown cells (which every dataset would get): the code says them, by what
    the dataset is (``study.dataset_facts["is_report"]``) and what it supplies."""
    for name, fixed in (("03_correlations.ipynb", 0), ("06_economic_value.ipynb", 1)):
        cells = _cells(name)
        markdown_ = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for lang in LANGS:
            assert PUBLISHED_HEADINGS[lang][fixed] not in markdown_, (name, lang)
        call = "pc.published_opening(" if fixed == 0 else "pe.required_heading("
        assert call in code and 'study.dataset_facts["is_report"]' in code.split(call, 1)[1].split("\n", 1)[0]


@pytest.mark.parametrize("lang", LANGS)
def test_section_05_opens_without_quoting_the_reports_terms_for_a_researchers_dataset(lang):
    report, dataset = flat(pa.intro_text(lang, True)), flat(pa.intro_text(lang, False))
    assert "«" not in dataset and "»" not in dataset  # no quotation of the report's terms
    other = {"en": "other social volunteering", "ru": "другое социальное волонтёрство",
             "kk": "басқа әлеуметтік волонтерлік қызмет"}[lang]
    assert other in dataset
    for report_only in {"en": ("quoted in the text", "national chart"),
                        "ru": ("упомянутые в тексте", "общенациональную диаграмму"),
                        "kk": ("мәтінде аталған", "жалпыұлттық диаграмманы")}[lang]:
        assert report_only in report and report_only not in dataset
    if lang == "en":
        assert not re.search("[А-Яа-яЁё]", report) and "(мероприятия)" not in report  # no Russian in English
        assert report.startswith("Volunteer **events** by direction — the lines of the Birgemiz programme")
        assert "other directions (other social volunteering, culture, media)" in report
    else:  # the Russian and Kazakh editions of the 2021 report read as before
        assert report.startswith({"ru": "Волонтёрские **мероприятия** по направлениям — линиям программы Birgemiz",
                                  "kk": "Волонтерлік **іс-шаралар** бағыттар бойынша — Birgemiz"}[lang])
        assert {"ru": "(«Другое социальное волонтёрство», культура, медиа)",
                "kk": "(«Басқа әлеуметтік волонтерлік», мәдениет, медиа)"}[lang] in report
    # the notebook's own cells hold only the section's heading; the paragraph is the catalogue's
    cells = [c for c in _cells("05_activities.ipynb") if c["cell_type"] == "markdown"]
    assert ["".join(c["source"]) for c in cells[:3]] == [
        "# Activities by direction", "# Мероприятия по направлениям", "# Бағыттар бойынша іс-шаралар"]
    assert "pa.intro_text(study.lang, report)" in "".join(_cells("05_activities.ipynb")[4]["source"])


def test_a_researchers_dictionary_lists_published_values_only_where_its_tables_can_carry_them():
    synthetic = read_manifest(EXAMPLE).raw
    contract = read_manifest(ROOT / "tests" / "fixtures" / "kz2022_contract").raw
    for raw in (synthetic, contract):
        keys = pages.dictionary_keys(raw)
        assert pages.PUBLISHED_VALUES not in keys and "processed.regions" in keys
        for lang in LANGS:
            text = pages.dictionary_markdown(lang, manifest=raw)
            assert "`processed.published_values`" not in text
        assert "line of the report's text layer" not in pages.dictionary_markdown("en", manifest=raw)
    # the report's transcription keeps it, and so does a researcher's dataset with a table that gives its lines
    report = read_manifest(ROOT / "data" / "raw").raw
    assert pages.PUBLISHED_VALUES in pages.dictionary_keys(report)
    assert "line of the report's text layer" in pages.dictionary_markdown("en", manifest=report)
    supplied = copy.deepcopy(synthetic)
    supplied["tables"]["correlations_published"] = {"file": "correlations.csv", "schema": "correlations_published"}
    assert pages.PUBLISHED_VALUES in pages.dictionary_keys(supplied)


# --- section 05's parts a researcher's dataset cannot have; section 03's caption of published coefficients ---------

ABSENT_05 = {"en": ("The dataset has no national chart of event directions.",
                    "The dataset has no shares of the ways of volunteering.",
                    "The dataset quotes no participant categories.",
                    "The dataset has no chart of directions in the work of organisations."),
             "ru": ("В наборе данных нет общенациональной диаграммы направлений мероприятий.",
                    "В наборе данных нет долей форм волонтёрства.",
                    "В наборе данных нет упоминаний категорий участников.",
                    "В наборе данных нет диаграммы направлений работы организаций."),
             "kk": ("Деректер жиынтығында іс-шаралар бағыттарының жалпыұлттық диаграммасы жоқ.",
                    "Деректер жиынтығында волонтерлік қызмет түрлерінің үлестері жоқ.",
                    "Деректер жиынтығында қатысушылар санаттары келтірілмеген.",
                    "Деректер жиынтығында ұйымдар жұмысындағы бағыттар диаграммасы жоқ.")}


def _absent_05(lang: str, report: bool) -> list:
    return [pa.national_text(None, lang, report=report), pa.ways_text(None, lang, report),
            pa.participant_text(None, lang, report=report), pa.org_directions_text(None, None, lang, report)]


@pytest.mark.parametrize("lang", LANGS)
def test_section_05_says_nothing_of_the_reports_charts_and_quotes_to_a_researchers_dataset(lang):
    """The national chart, the ways of volunteering, the quoted participant categories and the chart of the
    organisations' directions are tables of the report's transcription (the template has none): a researcher's
    dataset without them gets no sentence at all; the report's transcription still says which it lacks."""
    assert _absent_05(lang, False) == [None, None, None, None]
    assert tuple(_md(part, lang) for part in _absent_05(lang, True)) == ABSENT_05[lang]
    # without the regional lists a researcher is told the template's table to fill, not the report's lists
    report, dataset = (_md(pa.directions_text(None, None, lang, report=r), lang) for r in (True, False))
    assert "`events_by_direction`" in dataset and "`events_by_direction`" not in report
    assert report == {"en": "The dataset has no regional lists of event directions, so there is no matrix of "
                            "directions and no reconstruction of event counts.",
                      "ru": "В наборе данных нет региональных списков направлений мероприятий, поэтому нет ни "
                            "матрицы направлений, ни восстановленного числа мероприятий.",
                      "kk": "Деректер жиынтығында іс-шаралар бағыттарының өңірлік тізімдері жоқ, сондықтан бағыттар "
                            "матрицасы да, іс-шаралар санын қалпына келтіру де жоқ."}[lang]
    # the opening promises no national shares pooled from the regions, which a dataset without a national chart
    # does not get, and says the national shares come where the dataset gives them
    opening = flat(pa.intro_text(lang, False))
    pooled, national = {"en": ("pools the national shares", "National shares, the ways of volunteering"),
                        "ru": ("сводит доли по стране", "Доли по стране, формы волонтёрства"),
                        "kk": ("ел бойынша үлестерді өңірлерден жинақтайды", "Ел бойынша үлестер, волонтерлік")}[lang]
    assert pooled not in opening and national in opening


def test_the_05_notebook_tells_each_part_whether_the_dataset_is_the_reports():
    code = "\n".join("".join(c["source"]) for c in _cells("05_activities.ipynb") if c["cell_type"] == "code")
    for call in ("supplied=activities.counts_supplied(lists), report=report)", "pa.ways_text(ways, study.lang, report)",
                 "pa.national_text(shares, study.lang, report=report)",
                 "pa.participant_text(categories, study.lang, report=report)",
                 "pa.org_directions_text(values, legend, study.lang, report)"):
        assert call in code, call


def _cell_caption(lang: str, label: str = "tbl-correlations-published-family", option: str = "tbl-cap") -> str:
    cell = next(c for c in _cells("03_correlations.ipynb") if f"#| label: {label}" in "".join(c["source"]))
    key = option if lang == "en" else f"{option}-{lang}"
    line = next(line for line in "".join(cell["source"]).split("\n") if line.startswith(f"#| {key}:"))
    return json.loads(line.split(":", 1)[1].strip())


@pytest.mark.parametrize("lang", LANGS)
def test_the_caption_of_published_coefficients_is_the_reports_only_in_its_transcription(lang):
    report, dataset = pc.published_caption(lang, True), pc.published_caption(lang, False)
    assert report == _cell_caption(lang)  # the notebook's own caption lines say what the catalogue says
    assert dataset != report
    report_word = {"en": "report", "ru": "отчёт", "kk": "Есеп"}[lang]
    assert report_word in report and report_word not in dataset
    assert dataset.startswith({"en": "The dataset's published correlation coefficients",
                               "ru": "Опубликованные коэффициенты корреляции из набора данных",
                               "kk": "Деректер жиынтығының жарияланған корреляция коэффициенттері"}[lang])
    code = "".join(next(c for c in _cells("03_correlations.ipynb")
                        if "#| label: tbl-correlations-published-family" in "".join(c["source"]))["source"])
    assert 'caption=pc.published_caption(study.lang, study.dataset_facts["is_report"])' in code


def _executed_caption_cell(lang: str, caption: str | None, monkeypatch) -> dict:
    """Cell 03's table of published coefficients as a kernel leaves it: its source (every edition's caption lines)
    and what :meth:`Study.show` displays — the table and its notes — with the caption the code chose or none."""
    import IPython.display

    from vstudy.present import notebook, tables

    cell = copy.deepcopy(next(c for c in _cells("03_correlations.ipynb")
                              if "#| label: tbl-correlations-published-family" in "".join(c["source"])))
    table = tables.reader_table(pd.DataFrame({"r": [0.41, None]}), lang=lang)
    outputs: list[dict] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False, metadata=None: outputs.append(
        {"output_type": "display_data", "data": copy.deepcopy(obj), "metadata": copy.deepcopy(metadata or {})}))
    (table if caption is None else notebook.Captioned(table, caption))._ipython_display_()
    assert len(outputs) == 2  # the table, then its notes (a missing value)
    cell["outputs"] = outputs
    return {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.mark.parametrize("lang", LANGS)
def test_an_editions_copy_carries_the_caption_the_code_chose(lang, monkeypatch):
    from vstudy.present import edition

    plain = edition.localize(_executed_caption_cell(lang, None, monkeypatch), lang)
    # the report's caption: the edition's copy is what it was without a chosen caption, byte for byte
    report = _executed_caption_cell(lang, pc.published_caption(lang, True), monkeypatch)
    assert report["cells"][0]["outputs"][0]["metadata"] == {
        "text/markdown": {edition.CELL_OPTIONS: {"tbl-cap": pc.published_caption(lang, True)}}}
    assert edition.localize(report, lang) == plain
    # a researcher's published coefficients: the cell's caption is the dataset's, and no trace of the choice is left
    chosen = _executed_caption_cell(lang, pc.published_caption(lang, False), monkeypatch)
    cell = edition.localize(chosen, lang)["cells"][0]
    captions = [line for line in cell["source"].split("\n") if line.startswith("#| tbl-cap")]
    assert captions == [f'#| tbl-cap: "{pc.published_caption(lang, False)}"']
    assert cell["outputs"] == plain["cells"][0]["outputs"]
    assert cell["source"].replace(captions[0], f'#| tbl-cap: "{_cell_caption(lang)}"') == plain["cells"][0]["source"]


@pytest.mark.parametrize("lang", LANGS)
def test_published_coefficients_a_researcher_supplies_are_not_said_to_be_the_reports(lang):
    report, dataset = (flat(_published_summary(lang, r)) for r in (True, False))
    said = {"en": ("The report does not say whether it correlated counts",
                   "The dataset does not say whether its coefficients correlate counts"),
            "ru": ("В отчёте не сказано, коррелировались ли", "В наборе данных не сказано, коррелировались ли"),
            "kk": ("Есепте абсолюттік сандар ма", "Деректер жиынтығында абсолюттік сандар ма")}[lang]
    assert said[0] in report and said[0] not in dataset and said[1] in dataset
    assert report.replace(said[0], "") != report and report.split(said[0])[0] == dataset.split(said[1])[0]


# --- the data dictionary of a researcher's dataset: no table it cannot have, no description in the report's terms --

CONTRACT = ROOT / "tests" / "fixtures" / "kz2022_contract"
# Processed tables made only from the report's transcription's raw tables (vstudy.data.processed.build).
REPORTS_PROCESSED = ("processed.organisations", "processed.event_counts", "processed.errata_evaluated",
                     "processed.event_directions_national_corrected", "processed.official_national")


@pytest.mark.parametrize("folder", [EXAMPLE, CONTRACT], ids=["example", "contract"])
def test_a_researchers_dictionary_lists_the_processed_tables_its_layer_has(folder):
    from vstudy.data import processed, schemas
    from vstudy.data.datasets import load_dataset

    raw = read_manifest(folder).raw
    keys = pages.dictionary_keys(raw)
    assert not set(REPORTS_PROCESSED) & keys
    ds = load_dataset(folder)
    built = processed.build(ds)
    declared = {key for key in schemas.all_schemas() if key.startswith("processed.")}
    with_rows = {f"processed.{name.removesuffix('_' + ds.scheme)}" for name, frame in built.items() if len(frame)}
    written = {f"processed.{name.removesuffix('_' + ds.scheme)}" for name in built}
    # every table the layer fills is listed, and every processed table listed is one the layer writes
    assert with_rows & declared <= keys and {key for key in keys if key.startswith("processed.")} <= written
    assert {key for key in keys if key.startswith("processed.")} == {
        "processed.regions", "processed.long", "processed.age", "processed.status", "processed.event_directions",
        "processed.national_shares", "processed.coverage", "processed.validation_findings"}


@pytest.mark.parametrize("folder", [EXAMPLE, CONTRACT], ids=["example", "contract"])
def test_a_researchers_dictionary_describes_its_tables_in_words_true_of_it(folder):
    from vstudy.present import labels

    raw = read_manifest(folder).raw
    for compact in (False, True):
        text = pages.dictionary_markdown("en", compact=compact, manifest=raw)
        assert not re.search(r"\breport", text, re.IGNORECASE), re.findall(r".{60}\breport.{60}", text)
        assert "erratum E01 of 2021" not in text and "(report line)" not in text
        assert "file:line and column of the raw table the value is read from" in text  # the long table's `source`
        assert "derived from the supplied counts of events_by_direction (events_count)" in text
    for lang in LANGS:  # the names of the report's columns (errata lines, reproduced ratios) in no edition
        text = pages.dictionary_markdown(lang, manifest=raw)
        for column in ("reproduces_published", "source_lines", "share_pct_published"):
            assert labels.column_label(column, lang) not in text, (lang, column)
            assert f"`{column}`" not in text


def test_the_reports_dictionary_keeps_every_table_and_its_words():
    from vstudy.data import schemas

    report = read_manifest(ROOT / "data" / "raw").raw
    keys = pages.dictionary_keys(report)
    assert {key for key in schemas.all_schemas() if key.startswith("processed.")} <= keys
    text = pages.dictionary_markdown("en", manifest=report)
    for words in ("file:line of the raw CSV (and the report line), or source_id and location",
                  "lines of the report's text", "within-region ratio reproduced within ±0.01 points",
                  "published report values", "erratum E01 of 2021", "raw file:line (report line)"):
        assert words in text, words
    assert "file:line and column of the raw table the value is read from" not in text
    # with no manifest, every declared table in the declarations' own words (the processed layer's dictionary)
    assert pages.dictionary_markdown("en", compact=True).count("lines of the report's text") == 1


# --- parts a researcher's dataset has no inputs for leave no heading and no "there is none" sentence (00, 01, 03) --

EMPTY = pd.DataFrame({"erratum_id": pd.Series(dtype="str"), "status": pd.Series(dtype="str")})


@pytest.mark.parametrize("lang", LANGS)
def test_section_00_says_nothing_of_errata_or_a_register_a_researchers_dataset_does_not_have(lang):
    for part in ("errata_intro", "register_intro"):
        assert pdq.part_intro(lang, False, part, None) is None and pdq.part_intro(lang, False, part, EMPTY) is None
        # the report's transcription keeps its part as before, and so does a dataset that records errata
        assert pdq.part_intro(lang, True, part, None) == pdq.intro_text(lang, True, part)
        rows = pd.DataFrame({"erratum_id": ["E01"], "status": ["recorded"]})
        assert pdq.part_intro(lang, False, part, rows) == pdq.intro_text(lang, False, part)
    assert pdq.errata_text(EMPTY, lang, is_report=False) is None
    assert _md(pdq.errata_text(EMPTY, lang), lang) == {
        "en": "This dataset records no errata of its source.", "ru": "В наборе данных не записано ошибок источника.",
        "kk": "Бұл деректер жиынтығында дереккөздің қателері жазылмаған."}[lang]
    empty = pd.DataFrame(columns=["section", "status", "kind"])
    assert pdq.register_text(empty, lang, is_report=False) is None
    assert _md(pdq.register_text(empty, lang), lang) == i18n.text(lang, "data_quality.register.empty")  # as before
    # the section's opening no longer promises that the page says there is nothing to replicate
    opening = flat(pdq.intro_text(lang, False))
    assert {"en": "this page says so", "ru": "об этом страница и скажет", "kk": "бұл бет соны айтады"}[lang] not in opening
    assert {"en": "report", "ru": "отчёт", "kk": "есебі"}[lang] not in opening


@pytest.mark.parametrize("lang", LANGS)
def test_section_01_does_not_tell_a_researcher_what_their_dataset_does_not_publish(lang):
    from vstudy.present.prose import demographics as pd_

    counts = pd.DataFrame({"region_code": ["KZ-10"], "volunteers_count": [120]})
    assert pd_.national_text(None, counts, lang, is_report=False) is None  # the implied shares follow
    lacking = _md(pd_.national_text(None, None, lang, is_report=False), lang)
    assert "`volunteers_count`" in lacking
    publishes = {"en": "publishes no national shares", "ru": "не публикует долей", "kk": "жарияламайды"}[lang]
    assert publishes not in lacking and publishes in _md(pd_.national_text(None, counts, lang), lang)
    # a pension-age share derived from a researcher's counts: no sentence about a list that is not copied
    age = pd.DataFrame({"region_code": ["KZ-10"], "pension_correction": ["derived from the supplied counts"]})
    assert pd_.pension_text(None, age, None, lang, is_report=False) is None
    assert _md(pd_.pension_text(None, age, None, lang, is_report=True), lang) == i18n.text(
        lang, "demographics.pension.as_published", derived=True)  # the report's transcription, as before


@pytest.mark.parametrize("lang", LANGS)
def test_section_03_checks_no_reconstructed_counts_a_researchers_dataset_does_not_have(lang):
    assert pc.recon_intro(lang, False, None, None) is None
    assert pc.reconstruction_text(None, None, lang, is_report=False) is None
    assert pc.recon_intro(lang, True, None, None) == pc.intro_text(lang, True, part="recon_intro")
    assert _md(pc.reconstruction_text(None, None, lang), lang) == {
        "en": "This dataset has no reconstructed counts to check.",
        "ru": i18n.text("ru", "correlations.recon.none"), "kk": i18n.text("kk", "correlations.recon.none")}[lang]


def _heading_then(outputs: list | None, other_outputs: bool = True) -> dict:
    heading = {"cell_type": "markdown", "id": "h", "metadata": {"tags": ["lang-en", "heads-output"]},
               "source": "## A part"}
    twin = {"cell_type": "markdown", "id": "h-ru", "metadata": {"tags": ["lang-ru", "heads-output"]},
            "source": "## Часть"}
    code = {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": None, "source": "x",
            "outputs": outputs or []}
    shown = {"cell_type": "code", "id": "d", "metadata": {}, "execution_count": None, "source": "y",
             "outputs": [{"output_type": "stream", "name": "stdout", "text": "z"}] if other_outputs else []}
    return {"cells": [shown, heading, twin, code], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_a_parts_heading_stays_only_where_the_code_after_it_shows_something():
    from vstudy.present import edition

    said = [{"output_type": "display_data", "data": {"text/markdown": "text"}, "metadata": {}}]
    kept = edition.localize(_heading_then(said), "en")["cells"]
    assert [c["id"] for c in kept] == ["d", "h", "c"] and kept[1]["metadata"] == {"tags": ["lang-en"]}
    assert [c["id"] for c in edition.localize(_heading_then(None), "en")["cells"]] == ["d", "c"]
    assert [c["id"] for c in edition.localize(_heading_then(None), "ru")["cells"]] == ["d", "c"]
    # a notebook not executed keeps its headings (a student's copy, the source notebooks' checks)
    assert [c["id"] for c in edition.localize(_heading_then(None, other_outputs=False), "en")["cells"]] == [
        "d", "h", "c"]


def test_the_notebooks_tag_the_headings_of_parts_a_dataset_may_lack():
    tagged = {name: ["".join(c["source"]).split("\n")[0] for c in _cells(name)
                     if "heads-output" in c.get("metadata", {}).get("tags", [])]
              for name in ("00_data_quality.ipynb", "03_correlations.ipynb")}
    assert tagged == {"00_data_quality.ipynb": ["## Errata of the source", "## Ошибки источника",
                                                "## Дереккөздегі қателер", "## The replication register",
                                                "## Реестр воспроизведения", "## Қайта есептеу тізілімі"],
                      "03_correlations.ipynb": ["## How exact the reconstructed counts are",
                                                "## Насколько точны восстановленные числа",
                                                "## Қалпына келтірілген сандар қаншалықты дәл"]}
    code = "\n".join("".join(c["source"]) for name in ("00_data_quality.ipynb", "01_demographics.ipynb",
                                                        "03_correlations.ipynb")
                     for c in _cells(name) if c["cell_type"] == "code")
    for call in ('prose.part_intro(study.lang, study.dataset_facts["is_report"], "errata_intro"',
                 'prose.errata_text(study.table("errata_evaluated"), study.lang, study.dataset_facts["is_report"])',
                 'prose.part_intro(study.lang, study.dataset_facts["is_report"], "register_intro"',
                 'prose.register_text(register, study.lang, study.dataset_facts["is_report"])',
                 'study.lang, study.dataset_facts["is_report"]))',
                 'pc.recon_intro(study.lang, study.dataset_facts["is_report"], orgs, events)',
                 'pc.reconstruction_text(orgs, events, study.lang, is_report=study.dataset_facts["is_report"])'):
        assert call in code, call


# --- section 03's report pairs and the method paragraph: no search for the report's method in a researcher's data ---

@pytest.mark.parametrize("lang", LANGS)
def test_a_researchers_dataset_gets_no_search_for_a_specification_near_the_reports_coefficients(lang):
    """The report's transcription shows the specifications tried and the nearest; a researcher's dataset has no
    coefficient of the report computed on its own data to come near, so none is shown (the specifications given are
    ignored) and its confirmatory pairs are said to be the pairs the 2021 report tested, recomputed on its values."""
    report, dataset = (flat(_report_pairs(lang, r)) for r in (True, False))
    nearest = {"en": "the nearest is Pearson r on the logarithms, r = 0.55",
               "ru": "ближе всего — r Пирсона по логарифмам, r = 0,55",
               "kk": "ең жақыны — логарифмдер бойынша Пирсон r, r = 0,55"}[lang]
    assert nearest in report and nearest not in dataset
    spec_word = {"en": "specification", "ru": "спецификац", "kk": "спецификац"}[lang]
    assert spec_word in report and spec_word not in dataset
    assert dataset.startswith({
        "en": "2 of the 17 pairs the 2021 report tested can be recomputed with this dataset; they are the "
              "confirmatory family, computed on this dataset's raw regional values: ",
        "ru": "Из 17 пар, которые проверял отчёт 2021 года, по этому набору данных можно пересчитать 2; они образуют "
              "подтверждающее семейство и рассчитаны по исходным региональным значениям этого набора данных: ",
        "kk": "2021 жылғы есеп тексерген 17 жұптың 2 осы деректер жиынтығы бойынша қайта есептеледі; олар растаушы "
              "топты құрайды және осы деректер жиынтығының бастапқы өңірлік мәндері бойынша есептелген: "}[lang])
    # the report's wording is the 2021 editions' text as it was
    assert report.startswith({
        "en": "2 of the report's 17 pairs can be recomputed with this dataset; they are the confirmatory family, "
              "recomputed on the raw regional values (the report does not state its method): ",
        "ru": "Из 17 пар отчёта по этому набору данных можно пересчитать 2; они образуют подтверждающее семейство и "
              "пересчитаны по исходным региональным значениям (метод в отчёте не указан): ",
        "kk": "Есептің 17 жұбының 2 осы деректер жиынтығы бойынша қайта есептеледі; олар растаушы топты құрайды және "
              "бастапқы өңірлік мәндер бойынша қайта есептелген (есепте әдіс көрсетілмеген): "}[lang])
    intro = flat(pc.intro_text(lang, False, part="pairs_intro"))
    assert intro.startswith({
        "en": "The confirmatory pairs are the pairs the 2021 analytical report tested, recomputed on this dataset's "
              "raw regional values where both of their variables exist.",
        "ru": "Подтверждающие пары — это пары, которые проверял аналитический отчёт 2021 года; они пересчитаны по "
              "исходным региональным значениям этого набора данных там, где есть обе их переменные.",
        "kk": "Растаушы жұптар — 2021 жылғы талдамалық есеп тексерген жұптар; олар осы деректер жиынтығының "
              "бастапқы өңірлік мәндері бойынша екі айнымалысы да бар жерде қайта есептелген."}[lang])
    assert {"en": "no specification is searched", "ru": "не подбирается", "kk": "ізделмейді"}[lang] in intro


@pytest.mark.parametrize("lang", LANGS)
def test_a_published_r_a_researcher_supplies_is_shown_as_a_reference_not_as_the_reports(lang):
    report, dataset = (flat(_report_pairs(lang, r)) for r in (True, False))
    said = {"en": ("p = 0.500), published 0.62", "p = 0.500), published r supplied with the dataset 0.62 "
                   "(a reference, not a target)"),
            "ru": ("p = 0,500), в отчёте 0,62", "p = 0,500), опубликованный r из набора данных 0,62 "
                   "(для справки, не как цель)"),
            "kk": ("p = 0,500), есепте 0,62", "p = 0,500), деректер жиынтығымен берілген жарияланған r 0,62 "
                   "(мақсат емес, анықтама үшін)")}[lang]
    assert said[0] in report and said[0] not in dataset and said[1] in dataset
    # the pair without a published r says nothing of one in either wording
    for text in (report, dataset):
        assert text.count({"en": "0.62", "ru": "0,62", "kk": "0,62"}[lang]) == (2 if text is report else 1)


@pytest.mark.parametrize("lang", LANGS)
def test_the_method_paragraph_describes_the_search_only_for_the_reports_transcription(lang):
    report, dataset = flat(pc.methods_paragraph(lang, True)), flat(pc.methods_paragraph(lang, False))
    assert report == flat(pc.methods_paragraph(lang))  # the report's wording stays the default
    last = {"en": ("The report does not state how it computed its coefficients: those that the data allow are "
                   "recomputed on the raw regional values and under several other specifications, and the nearest "
                   "is shown without claiming it is the report's method.",
                   "The confirmatory pairs are those tested by the analytical report the study began from, recomputed "
                   "on this dataset's raw "
                   "regional values; the coefficients that report published describe its own data, so no "
                   "specification is searched to come near them."),
            "ru": ("В отчёте не сказано, как рассчитаны его коэффициенты: те, что позволяют данные, пересчитаны по "
                   "исходным региональным значениям и в нескольких других спецификациях, и показан ближайший "
                   "результат — без утверждения, что это метод отчёта.",
                   "Подтверждающие пары — те, что проверял аналитический отчёт, с которого началось исследование, "
                   "пересчитанные по исходным региональным "
                   "значениям этого набора данных; опубликованные в отчёте коэффициенты описывают его собственные "
                   "данные, поэтому спецификация, приближающая к ним результат, не подбирается."),
            "kk": ("Есепте оның коэффициенттері қалай есептелгені айтылмаған: деректер мүмкіндік беретіндері "
                   "бастапқы өңірлік мәндер бойынша және бірнеше басқа спецификацияда қайта есептелген, және ең "
                   "жақын нәтиже есептің әдісі деп тұжырымдалмай көрсетіледі.",
                   "Растаушы жұптар — зерттеу басталған талдамалық есеп тексерген, осы деректер жиынтығының бастапқы "
                   "өңірлік мәндері "
                   "бойынша қайта есептелген жұптар; есепте жарияланған коэффициенттер оның өз деректерін "
                   "сипаттайды, сондықтан оларға жақындататын спецификация ізделмейді.")}[lang]
    assert report.endswith(" " + last[0]) and dataset.endswith(" " + last[1])
    assert report[:-len(last[0])] == dataset[:-len(last[1])]
    assert "2021" not in dataset  # the study's words type no period: another dataset's summary names none


@pytest.mark.parametrize("lang", LANGS)
def test_the_study_documents_method_paragraph_follows_the_manifest(lang):
    report = pages.methods_markdown({"transcribes": "report_2021"}, lang)
    dataset = pages.methods_markdown(_example(), lang)
    assert str(pc.methods_paragraph(lang, True)) in report and str(pc.methods_paragraph(lang, False)) in dataset
    assert str(pc.methods_paragraph(lang, True)) not in dataset


@pytest.mark.parametrize("lang", LANGS)
def test_the_caption_of_the_report_pairs_is_the_reports_only_in_its_transcription(lang):
    assert pc.report_caption(lang, True) is None  # the cell's own caption lines, as they were
    assert _cell_caption(lang, "tbl-correlations-report-pairs") == {
        "en": "The report's pairs: published r beside the recomputed Pearson r where the inputs exist, or what is "
              "missing.",
        "ru": "Пары отчёта: опубликованный r рядом с пересчитанным r Пирсона там, где есть исходные данные, или чего "
              "не хватает.",
        "kk": "Есеп жұптары: бастапқы деректер бар жерде жарияланған r мен қайта есептелген Пирсон r қатар, немесе "
              "не жетіспейтіні."}[lang]
    assert pc.report_caption(lang, False) == {
        "en": "The pairs the 2021 report tested, recomputed on this dataset: Pearson r where the inputs exist, or what "
              "is missing.",
        "ru": "Пары, которые проверял отчёт 2021 года, пересчитанные по этому набору данных: r Пирсона там, где есть "
              "исходные данные, или чего не хватает.",
        "kk": "2021 жылғы есеп тексерген жұптар, осы деректер жиынтығы бойынша қайта есептелген: бастапқы деректер "
              "бар жерде Пирсон r, немесе не жетіспейтіні."}[lang]


def test_the_03_notebook_runs_the_specification_search_only_for_the_reports_transcription():
    """The search is run, saved and told only where the dataset is the report's (``is_report``); a results table
    without one has no specification columns, so the table of the pairs shows none."""
    from vstudy.analysis import correlations as cs

    code = "\n".join("".join(c["source"]) for c in _cells("03_correlations.ipynb") if c["cell_type"] == "code")
    assert 'specs = cs.report_specifications(frame, published) if study.dataset_facts["is_report"] else None' in code
    assert 'study.save(specs, "report_specifications") if specs is not None else None' in code
    assert 'pc.report_text(results, study.lang, specs, is_report=study.dataset_facts["is_report"])' in code
    assert 'caption=pc.report_caption(study.lang, study.dataset_facts["is_report"])' in code
    results = _report_results()
    plain = cs.attach_specifications(results, None)
    assert list(plain.columns) == list(results.columns)
    assert not {"specifications_tried", "nearest_specification"} & set(cs.report_table(plain).columns)
    searched = cs.attach_specifications(results, SPECS)
    first = searched.iloc[0]
    assert first["nearest_specification"] == "log_pearson" and first["r_nearest_specification"] == 0.55
    assert {"specifications_tried", "nearest_specification"} <= set(cs.report_table(searched).columns)


# --- the forest plot of the report's pairs: its caption and alt text follow the dataset ------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_report_pairs_forest_speaks_of_crosses_only_where_there_are_published_coefficients(lang):
    assert pc.report_forest_texts(lang, True, None) == (None, None)  # the cell's own lines, the report's
    without = pd.DataFrame({"r": [0.3], "r_published": [float("nan")]})
    with_published = pd.DataFrame({"r": [0.3], "r_published": [0.5]})
    cross = {"en": "cross", "ru": "крестик", "kk": "айқыш"}[lang]
    for results in (None, without, pd.DataFrame({"r": [0.3]})):
        caption, alt = pc.report_forest_texts(lang, False, results)
        assert caption and alt and cross not in caption.lower() and cross not in alt.lower(), results
        assert "2021" in caption  # the pairs are named as the 2021 report's, the dataset's r as its own
    caption, alt = pc.report_forest_texts(lang, False, with_published)
    assert cross in caption.lower() and cross in alt.lower()


@pytest.mark.parametrize("lang", LANGS)
def test_an_editions_copy_carries_the_figure_caption_and_alt_the_code_chose(lang):
    from vstudy.present import edition

    def executed(options):
        own = {"vstudy": {"texts": ["r"]}, **({edition.CELL_OPTIONS: options} if options else {})}
        return {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": 1, "source":
                           '#| label: fig-x\n#| fig-cap: "The notebook\'s caption."\n#| fig-alt: "Its alt."\nfig = 1',
                           "outputs": [{"output_type": "display_data", "data": {"image/png": "iVBOR"},
                                        "metadata": {"image/png": own}}]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}

    plain = edition.localize(executed(None), lang)
    caption, alt = pc.report_forest_texts(lang, False, None)
    cell = edition.localize(executed({"fig-cap": caption, "fig-alt": alt}), lang)["cells"][0]
    options = [line for line in cell["source"].split("\n") if line.startswith(("#| fig-cap", "#| fig-alt"))]
    assert options == [f"#| fig-cap: {json.dumps(caption, ensure_ascii=False)}",
                       f"#| fig-alt: {json.dumps(alt, ensure_ascii=False)}"]
    assert cell["outputs"] == plain["cells"][0]["outputs"]  # no trace of the choice is left in the output
    assert cell["outputs"][0]["metadata"] == {"image/png": {"vstudy": {"texts": ["r"]}}}


def test_the_03_notebook_chooses_the_forest_texts_from_the_datasets_facts():
    code = "\n".join("".join(c["source"]) for c in _cells("03_correlations.ipynb") if c["cell_type"] == "code")
    assert 'pc.report_forest_texts(study.lang, study.dataset_facts["is_report"], results)' in code
    assert 'study.figure(fig, "report_forest", data=figures.report_forest_rows(results), caption=caption, alt=alt)' \
        in code
