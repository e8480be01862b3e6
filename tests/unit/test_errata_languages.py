"""The errata register in every edition's language: the report's register gives each text (what is wrong, the
evidence, the handling) in English, Russian and Kazakh; every reader of it — the data page and the PDF appendix
(publish/pages.errata_markdown), section 00's table (errata_view), the sections' sentences (errata_sentences) —
shows the edition's text; a user's register without an edition's text shows the text of a language it gives, with
that language named in the edition's words, never a silent paragraph of another language."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import english_runs

from vstudy.analysis import replication
from vstudy.data import errata as register
from vstudy.data import processed, schemas, validation
from vstudy.present.notebook import errata_sentences
from vstudy.present.text import escape
from vstudy.publish import pages

KAZAKH_LETTER = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
QUOTE = re.compile(r"«[^«»]*(?:«[^«»]*»[^«»]*)*»")
NUMBER = re.compile(r"\d+(?:[ \u00a0]\d{3})*(?:,\d+)?")
TEXTS = {"description": "description_en", "evidence": "evidence", "correction": "correction"}


@pytest.fixture(scope="module")
def rows(repo_root: Path) -> list[dict[str, str]]:
    with (repo_root / "data" / "raw" / "report_2021" / "errata.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def evaluated(processed_2021: Path) -> pd.DataFrame:
    return processed.read_table("errata_evaluated", processed_2021)


def test_the_register_gives_every_text_in_kazakh_faithful_to_the_russian(rows):
    assert len(rows) == 23
    assert list(rows[0]) == ["erratum_id", "file", "rows", "rule_id", "description_en", "description_ru",
                             "description_kk", "evidence", "evidence_ru", "evidence_kk", "correction",
                             "correction_ru", "correction_kk", "source_lines"]
    for row in rows:
        # Kazakh in every row («969-жол … орнына» has no letter only Kazakh has; the row's other texts do)
        assert KAZAKH_LETTER.search(" ".join(row[f"{text}_kk"] for text in TEXTS)), row["erratum_id"]
        for text, english in TEXTS.items():
            kk, ru = row[f"{text}_kk"], row[f"{text}_ru"]
            assert kk and kk != ru and not english_runs(kk), (row["erratum_id"], text, kk)
            # the report's words quoted in the English text stay Russian quotations in the Kazakh one
            quoted = {q for q in QUOTE.findall(row[english]) if re.search("[А-Яа-яЁё]", q)}
            assert quoted <= set(QUOTE.findall(kk)), (row["erratum_id"], text, quoted - set(QUOTE.findall(kk)))
            # every number of the Russian text is in the Kazakh one (written the same way)
            assert set(NUMBER.findall(ru)) <= set(NUMBER.findall(kk)), (row["erratum_id"], text)
    by_id = {row["erratum_id"]: row for row in rows}
    assert by_id["E15"]["evidence_kk"].startswith("1 262 + 10 + 80 = 1 352, көрсетілген жиын — 1 353")
    assert by_id["E01"]["description_kk"].startswith("«Волонтёров пенсионного возраста» деп аталған тізім")
    assert "Жамбыл облысы 0,00" in by_id["E01"]["evidence_kk"]  # region names from the gazetteer, in Kazakh


def test_the_schema_declares_the_kazakh_columns_and_the_processed_layer_keeps_them(evaluated):
    declared = schemas.RAW["errata"]
    for column in register.translation_columns():
        assert not declared.column(column).required and declared.column(column).nullable
    assert evaluated[["description_kk", "evidence_kk", "correction_kk"]].notna().all().all()
    assert evaluated.set_index("erratum_id").loc["E05", "correction_kk"] == "жоқ: тек жазылған"


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_data_page_and_the_pdf_appendix_show_the_errata_in_the_editions_language(repo_root, rows, lang):
    data = repo_root / "data" / "raw"
    table = pages.errata_markdown(data, lang)
    blocks = pages.errata_markdown(data, lang, blocks=True)
    for text in (table, blocks):
        assert english_runs(text) == [], english_runs(text)[:3]
        assert "тізілімде оның қазақша мәтіні жоқ" not in text and "в реестре нет русского текста" not in text
    e17 = next(row for row in rows if row["erratum_id"] == "E17")
    assert escape(e17[f"description_{lang}"]) in table and escape(e17[f"correction_{lang}"]) in blocks
    if lang == "kk":
        assert table.startswith("| № | Файл | Қатенің түрі | Сипаттамасы | Қалай ескерілді | Есептің жолдары |")
        assert "**E17. Кезеңнің сәйкес келмеуі.**" in blocks


def test_section_00_table_and_section_05_sentences_are_kazakh_in_the_kazakh_edition(evaluated):
    view = replication.errata_view(evaluated, "kk")
    by_id = evaluated.set_index("erratum_id")
    assert (view["what is wrong"] == by_id["description_kk"]).all()
    assert (view["evidence"] == by_id["evidence_kk"]).all() and (view["handling"] == by_id["correction_kk"]).all()
    assert view.loc["E12", "what is wrong"].startswith("«Представленность путей реализации…» диаграммасының")
    # section 05 asks for the errata of its three tables (notebooks/05_activities.ipynb)
    said = [s for table in ("event_directions_national", "ways_of_volunteering", "org_directions_partial")
            for s in errata_sentences(evaluated, [table], "kk")]
    assert [s.split(":")[0] for s in said] == [f"Дереккөздегі қате {e}" for e in
                                               ("E10", "E14", "E12", "E13", "E21", "E22", "E11")]
    assert said[0] == "Дереккөздегі қате E10: " + escape(by_id.loc["E10", "description_kk"])
    for sentence in said:
        assert KAZAKH_LETTER.search(sentence) and english_runs(sentence) == [], sentence


def _write(path: Path, header: list[str], row: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, row])


def _user_dataset(root: Path, header: list[str], row: list[str]) -> Path:
    """A researcher's dataset whose only table is an errata register with ``header``."""
    (root / "notes").mkdir(parents=True)
    _write(root / "notes" / "errata.csv", header, row)
    (root / "manifest.yml").write_text(yaml.safe_dump({
        "id": "own_2023", "title": "Own data", "period": {"start": "2023-01-01", "end": "2023-06-30"},
        "scheme": "kz2022", "tables": {"errata": {"file": "notes/errata.csv", "schema": "errata"}}}),
        encoding="utf-8")
    return root


OLD_SHAPE = ["erratum_id", "file", "rows", "rule_id", "description_en", "description_ru", "evidence",
             "correction", "source_lines"]
USER_ROW = ["E1", "counts.csv", "region_code=KZ-10", "prose_vs_table", "The total is off by one.",
            "Итог отличается на единицу.", "line 3 says 120, the table sums to 119", "none: recorded only", "3"]


def test_a_users_errata_without_kazakh_are_shown_in_the_language_they_give_and_say_which(tmp_path):
    data = _user_dataset(tmp_path / "own", OLD_SHAPE, USER_ROW)
    kk = pages.errata_markdown(data, "kk")
    # the Russian description (the language a Kazakh reader reads next), the English handling: each one named
    assert ("| E1 | counts.csv | Мәтін кестеге сәйкес келмейді | Итог отличается на единицу. (орыс тілінде берілген: "
            "тізілімде оның қазақша мәтіні жоқ) | none: recorded only (ағылшын тілінде берілген: тізілімде оның "
            "қазақша мәтіні жоқ) | 3 |") in kk
    ru = pages.errata_markdown(data, "ru", blocks=True)
    assert "строки отчёта: 3. Итог отличается на единицу.\n" in ru  # the register's Russian: no note
    assert "*Как учтена:* none: recorded only (приводится на английском языке: в реестре нет русского текста)" in ru
    assert "(given in" not in pages.errata_markdown(data, "en")  # the English edition: the recorded text
    frame = pd.DataFrame([dict(zip(OLD_SHAPE, USER_ROW, strict=True))])
    view = replication.errata_view(frame, "kk")
    assert view.loc["E1", "evidence"] == ("line 3 says 120, the table sums to 119 (ағылшын тілінде берілген: "
                                          "тізілімде оның қазақша мәтіні жоқ)")
    assert errata_sentences(frame.assign(file="counts.csv"), ["counts"], "kk") == [
        "Дереккөздегі қате E1: Итог отличается на единицу. (орыс тілінде берілген: тізілімде оның қазақша мәтіні жоқ)"]


def test_a_users_errata_file_of_the_old_shape_validates_and_a_misnamed_text_column_is_refused(tmp_path):
    schema = schemas.RAW["errata"]
    path = tmp_path / "errata.csv"
    _write(path, OLD_SHAPE, USER_ROW)
    frame, problems = validation.read_and_check(path, schema, "notes/errata.csv", "kz2022")
    assert frame is not None and [p for p in problems if p.severity == "error"] == []
    # «evidence_en» by analogy with «description_en»: refused, naming the file, the column and the column to use
    renamed = [c if c != "evidence" else "evidence_en" for c in OLD_SHAPE]
    _write(path, renamed, USER_ROW)
    _, problems = validation.read_and_check(path, schema, "notes/errata.csv", "kz2022")
    found = {(p.file, p.column, p.rule) for p in problems}
    assert ("notes/errata.csv", "evidence_en", "renamed_column") in found
    assert ("notes/errata.csv", "evidence", "missing_column") in found
    message = next(p.message for p in problems if p.rule == "renamed_column")
    assert message == ("column 'evidence_en' is not in schema 'errata': its text goes in the column 'evidence' "
                       "(rename 'evidence_en' to 'evidence')")
