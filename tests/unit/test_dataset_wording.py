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
import re
from pathlib import Path

import pytest
from helpers import REPORT_ONLY

from vstudy.data import manifest as dataset_manifest
from vstudy.data.manifest import check_manifest, read_manifest
from vstudy.present.prose import correlations as pc
from vstudy.present.prose import data_quality as pdq
from vstudy.present.prose import economics as pe
from vstudy.publish import pages

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "examples" / "kz2022-synthetic"
LANGS = ("en", "ru", "kk")
VERSION = pages.BuildVersion("0.1.0", "2737502cfe2d", False, dt.date(2026, 12, 7))

# The opening of each paragraph that exists in two wordings, and words each wording alone holds.
PARTS = [(pc.intro_text, "intro"), (pc.intro_text, "published_intro"), (pc.intro_text, "pairs_intro"),
         (pc.intro_text, "recon_intro"), (pe.intro_text, "intro"), (pdq.intro_text, "intro"),
         (pdq.intro_text, "errata_intro"), (pdq.intro_text, "register_intro")]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", str(text))


def _say(fn, part: str, lang: str, is_report: bool) -> str:
    return fn(lang, is_report) if fn is pe.intro_text else fn(lang, is_report, part)


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
