"""The errata and sources appendices (and the data page's parts made by the same functions) name no internal id.

The scanner (:mod:`vstudy.publish.reader_ids`) reads the Markdown that :func:`vstudy.publish.pages.sources_markdown`
and :func:`vstudy.publish.pages.errata_markdown` write for each edition, of both datasets, with the vocabulary of
ids the project knows (every declared table and column, every official indicator, every function name). The
register's machine pointers (``file``, ``rows``, ``rule_id``) keep the ids; the reader sees labels.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

import pytest

from vstudy.publish import pages, reader_ids

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
SYNTHETIC = ROOT / "data" / "examples" / "kz2022-synthetic"
LANGS = ("en", "ru", "kk")
TEXTS = ("description", "evidence", "correction")


def _ids(text: str, data: Path) -> list[str]:
    vocab = reader_ids.vocabulary(None, [data])
    return [h.token for h in reader_ids.find(reader_ids.markdown_text(text), vocab)]


@pytest.fixture(scope="module")
def register() -> dict[str, dict[str, str]]:
    with (RAW / "report_2021" / "errata.csv").open(encoding="utf-8", newline="") as handle:
        return {row["erratum_id"]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("data", [RAW, SYNTHETIC], ids=["report_2021", "synthetic_2022"])
@pytest.mark.parametrize("lang", LANGS)
def test_the_sources_part_names_no_id(data, lang):
    text = pages.sources_markdown(data, lang)
    # the report's dataset: its four origin records and 32 cited sources; the synthetic example has none
    assert text.count("\n### ") == (4 if data == RAW else 0) and text.count("\n#### ") == (32 if data == RAW else 0)
    assert _ids(text, data) == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("blocks", [False, True], ids=["table", "blocks"])
def test_the_errata_part_names_no_id(lang, blocks):
    text = pages.errata_markdown(RAW, lang, blocks=blocks)
    assert text.count("E2") >= 4  # E02, E20–E23: the whole register is shown
    assert _ids(text, RAW) == []


def test_the_registers_texts_name_no_id_and_its_pointers_keep_them(register):
    vocab = reader_ids.vocabulary(None, [RAW])
    texts = {(e, col): row[col] for e, row in register.items() for col in row
             if col.startswith(TEXTS) and row[col]}
    assert len(texts) == 23 * 9
    found = {key: [h.token for h in reader_ids.find(text, vocab)] for key, text in texts.items()}
    assert {key: hits for key, hits in found.items() if hits} == {}
    # the machine pointers stay ids, for the code
    assert register["E02"]["file"] == "age_by_region.csv; headline_figures.csv"
    assert register["E07"]["rows"].startswith("region_as_published=")
    assert register["E18"]["rule_id"] and register["E21"]["rows"].startswith("way in (offline, auto)")


def test_the_reworded_texts_keep_their_facts(register):
    e21 = register["E21"]
    assert "Nur-Sultan 228, Akmola 275, Shymkent 66; 3,337 pooled" in e21["evidence"]
    assert "automatic participants in Nur-Sultan, of online participants in Akmola and Shymkent" in e21["evidence"]
    assert "Нур-Султан 228, Акмолинская 275, Шымкент 66; всего 3 337" in e21["evidence_ru"]
    assert "1 094 / 3 337 = 32,78" in register["E10"]["evidence_ru"]
    assert "other social volunteering 1094/3337 = 32.78" in register["E10"]["evidence"]
    assert register["E02"]["correction"] == ("none: the list value 29.95 is kept in the table of volunteers by age "
                                             "group and region; the prose value is recorded only in the table of "
                                             "the text's headline figures")
    assert "Residuals 100 − (under 18 + 18–29 + 30 to pension age)" in register["E01"]["evidence"]
    assert register["E14"]["correction_ru"] == "соединение по коду направления, а не по подписи"


def test_an_erratum_names_its_tables_by_their_labels_in_each_edition():
    en = pages.errata_markdown(RAW, "en")
    assert ("| E02 | Volunteers by age group and region; Headline figures of the text | Text differs from the table |"
            in en)
    ru = pages.errata_markdown(RAW, "ru", blocks=True)
    assert "Волонтёры по возрастным группам и регионам; Основные числа текста" in ru
    kk = pages.errata_markdown(RAW, "kk")
    assert "| E02 | Волонтерлер жас топтары және өңірлер бойынша; Мәтіннің негізгі сандары |" in kk


def test_sources_are_headed_by_their_titles_with_indicators_and_files_in_words():
    ru = html.unescape(pages.sources_markdown(RAW, "ru"))
    # a cited source: its title heads it, its indicators by their labels, its address as a linked host
    assert "#### Численность населения по регионам Республики Казахстан, 2000-2023 (человек, на начало года)\n" in ru
    assert "- **Показатели:** Численность населения на начало года\n" in ru
    assert "- **Название:** Численность населения" not in ru  # the title is not repeated under its heading
    assert "](<https://github.com/open-data-kazakhstan/population-projections-by-regions/blob/" in ru
    # files: a table of the report by its label, the others by the label their record gives
    assert "| Волонтёры по возрастным группам и регионам | " in ru
    assert "| Официальные показатели | таблица, которую читает исследование" in ru
    en = html.unescape(pages.sources_markdown(RAW, "en"))
    assert "| Units of 2022 within the units of 2021 | each unit of the 2022 scheme and the unit of the 2021" in en
    assert "- **Indicators:** Average monthly nominal wage" in en or "- **Indicators:** " in en
    assert "indicators.csv" not in en and "source.yml" not in en and "originals/" not in en


def test_a_users_file_without_a_label_keeps_its_name():
    assert pages.file_label("counts.csv", "kk") == "counts.csv"
    assert pages.file_label("age_by_region.csv", "kk") == "Волонтерлер жас топтары және өңірлер бойынша"
    assert pages.files_label("age_national.csv; notes.txt", "en") == (
        "National shares of volunteers by age group; notes.txt")
