"""Provenance texts in every edition's language: the origin records (``<folder>/source.yml``) give every text a
reader sees as ``{en, ru, kk}``; the data page's sources part and the PDF's sources appendix
(publish/pages.sources_markdown) show the edition's text; a user's record of plain strings is shown as given, its
language named only where it can be told and is not the edition's."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import english_runs

from vstudy.data import prefill, provenance
from vstudy.i18n import formats
from vstudy.publish import pages

KAZAKH_LETTER = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def _records(repo_root: Path) -> dict[str, dict]:
    return {p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((repo_root / "data" / "raw").glob("*/source.yml"))}


def _reader_texts(record: dict):
    """Every (place, value) of a record that a page shows as text (not a name, an address or a checksum)."""
    for key in pages.RECORD_FIELDS:
        if key in record and key not in pages.NAME_FIELDS:
            yield key, record[key]
    for source in record.get("sources") or []:
        for key in pages.SOURCE_FIELDS:
            if source.get(key) and key not in pages.NAME_FIELDS:
                yield f"{source['id']}.{key}", source[key]
    for name, value in (record.get("files") or {}).items():
        yield f"files.{name}", value.get("description") if isinstance(value, dict) else value


def test_every_reader_text_of_the_repositorys_records_is_given_in_the_three_languages(repo_root):
    records = _records(repo_root)
    assert set(records) == {"boundaries", "official", "regions", "report_2021"}
    checked = 0
    for folder, record in records.items():
        for place, value in _reader_texts(record):
            if isinstance(value, dict) and "statement" in value:  # a licence: its statement is the text
                value = value["statement"]
            if isinstance(value, dict) and {"start", "end"} <= set(value):  # a period: its note is the text
                value = value["note"]
            assert provenance.is_translated(value), (folder, place, value)
            assert {"en", "ru", "kk"} <= set(value) and all(value[k].strip() for k in ("en", "ru", "kk")), place
            assert KAZAKH_LETTER.search(value["kk"]) and not english_runs(value["kk"]), (folder, place)
            assert not english_runs(value["ru"]) and value["ru"] != value["en"], (folder, place)
            checked += 1
    assert checked == 146  # 4 records, 36 cited sources, 32 files: every text a page shows of them


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_sources_part_and_appendix_hold_no_english_and_name_no_language(repo_root, lang):
    text = pages.sources_markdown(repo_root / "data" / "raw", lang)
    appendix = pages.sources_markdown(repo_root / "data" / "raw", lang, level=3)
    assert text == appendix
    assert english_runs(text) == [], english_runs(text)[:5]
    # every text is the edition's: no note that a text is in another language
    assert not re.search(r"\((на (английском|русском|казахском) языке|(ағылшын|орыс|қазақ) тілінде)\)", text)
    shown = html.unescape(text)
    period = formats.period(dt.date(2021, 7, 1), dt.date(2021, 12, 31), lang)  # CLDR's, e.g. «2021 ж. шілде – желтоқсан»
    if lang == "kk":
        assert KAZAKH_LETTER.search(shown)
        assert ("- **Өндіруші:** Қазақстан Республикасы Стратегиялық жоспарлау және реформалар агенттігінің Ұлттық "
                "статистика бюросы\n") in shown
        assert f"- **Кезең:** {period} — Өңірлік деректер 2021 жылғы шілде–желтоқсанды қамтиды (1129–1131-жолдар)" in shown
        assert "| Әкімшілік бірліктер | әр бірлікке бір жол;" in shown  # a file by its label
        assert "- **Бастапқы бет (жоғарыдағы мекенжай — оның айнасы):** [it.wikipedia.org](<https://it.wikipedia.org/wiki/Regione_di_Atyrau>)" \
            in shown
    else:
        assert "- **Где в нём:** лист «Все население», столбцы 2021 (W) и 2022 (X)\n" in shown
        assert "- **Лицензия:** новостная статья; авторские права принадлежат издателю;" in shown
        assert ("- **Оригинал (по указанию репозитория, повторно опубликовавшего файл):** "
                "[stat.gov.kz](<https://stat.gov.kz/api/iblock/element/6584/file/ru/>)\n") in shown  # the host, linked
        assert f"- **Период:** {period} — Региональные данные охватывают июль–декабрь 2021 года" in shown


def test_the_english_edition_keeps_the_english_texts(repo_root):
    shown = html.unescape(pages.sources_markdown(repo_root / "data" / "raw", "en"))
    assert "- **Where in it:** sheet \"Все население\", columns 2021 (W) and 2022 (X)\n" in shown
    period = formats.period(dt.date(2021, 7, 1), dt.date(2021, 12, 31), "en")
    assert f"- **Period:** {period} — Regional data cover July-December 2021 (lines 1129-1131)." in shown
    assert "(in Russian)" not in shown and "(in Kazakh)" not in shown


def _user_record(root: Path, repo_root: Path, record: dict) -> Path:
    data = root / "own"
    shutil.copytree(repo_root / "data" / "raw" / "report_2021", data / "report_2021")
    shutil.copyfile(repo_root / "data" / "raw" / "manifest.yml", data / "manifest.yml")
    (data / "report_2021" / "source.yml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    return data


def test_a_users_plain_strings_are_shown_as_given_with_their_language_named_where_it_can_be_told(tmp_path,
                                                                                                   repo_root):
    record = {"title": "Volunteer counts of the regional offices",  # a name: as given, no note
              "producer": "Ministry of Information and Social Development, volunteering department",
              "licence": "CC BY 4.0",  # a name and a number: no language to tell
              "sources": [{"id": "ministry_2023", "where": "лист «Итого», столбцы B–D",
                           "licence": {"en": "open data of the ministry", "ru": "открытые данные министерства"}}],
              "files": {"counts.csv": {"description_en": "one row per region and month"},
                        "notes.txt": "Записи о том, как собраны данные"}}
    data = _user_record(tmp_path, repo_root, record)
    kk = html.unescape(pages.sources_markdown(data, "kk"))
    assert "### Volunteer counts of the regional offices\n" in kk  # the title heads the record, as given
    assert "Атауы:" not in kk and "report\\_2021/" not in kk  # and is not repeated; no folder's name
    assert ("- **Өндіруші:** Ministry of Information and Social Development, volunteering department "
            "(ағылшын тілінде)\n") in kk
    assert "- **Лицензия:** CC BY 4.0\n" in kk
    assert "- **Қай жерінде:** лист «Итого», столбцы B–D (орыс тілінде)\n" in kk
    assert "- **Лицензия:** открытые данные министерства (орыс тілінде)\n" in kk  # the mapping's Russian, named
    assert "| counts.csv | one row per region and month (ағылшын тілінде) |" in kk
    assert "| notes.txt | Записи о том, как собраны данные (орыс тілінде) |" in kk
    ru = html.unescape(pages.sources_markdown(data, "ru"))
    assert "- **Где в нём:** лист «Итого», столбцы B–D\n" in ru  # Russian on the Russian page: no note
    assert "- **Лицензия:** открытые данные министерства\n" in ru
    assert "| counts.csv | one row per region and month (на английском языке) |" in ru
    en = html.unescape(pages.sources_markdown(data, "en"))
    assert "- **Licence:** open data of the ministry\n" in en and "- **Where in it:** лист «Итого», столбцы B–D (in Russian)\n" in en


def test_languages_are_told_only_where_they_can_be():
    assert provenance.guess_language("the file the study reads") == "en"
    assert provenance.guess_language("файл, который читает исследование") == "ru"
    assert provenance.guess_language("зерттеу оқитын файл") == "kk"
    for name in ("Birgemiz: Taza Álem", "CC BY 4.0", "https://stat.gov.kz/", "Нур-Султан", "2026-11-25"):
        assert provenance.guess_language(name) is None, name
    text = provenance.pick({"ru": "текст", "kk": ""}, "kk")
    assert text == provenance.Text("текст", "ru") and text.foreign_to("kk") and not text.foreign_to("ru")
    assert provenance.pick({"en": "", "ru": None}, "en") is None and provenance.pick(None, "ru") is None


def test_a_prefilled_source_declaration_names_the_producer_and_title_in_english(repo_root):
    sources = {s["id"]: s for s in _records(repo_root)["official"]["sources"]}
    assert prefill.source_text(sources["bns_lfs_unemployment_rate"], "bns_lfs_unemployment_rate") == (
        "Bureau of National Statistics of the Agency for Strategic Planning and Reforms of the Republic of Kazakhstan: "
        "«Unemployment rate (labour force sample survey, 19th ICLS), by region and quarter, in percent» "
        "(data/raw/official/originals/city-unemployment-rate__unemploymentRate.xlsx; cell references in "
        "data/raw/official/series.csv)")


TITLES = {"boundaries": "Kazakhstan, first-level administrative units (ADM1)",
          "official": "Official regional statistics of Kazakhstan: the table of official indicators",
          "regions": "Region gazetteer of Kazakhstan (ISO 3166-2:KZ)",
          "report_2021": "Analytical report on volunteering in the Republic of Kazakhstan (July–December 2021)"}


def _headings(text: str, level: int = 3) -> list[str]:
    return [line[level + 1:] for line in html.unescape(text).splitlines() if line.startswith("#" * level + " ")]


def test_every_record_of_the_repository_has_a_title_in_the_three_languages(repo_root):
    for folder, record in _records(repo_root).items():
        title = record.get("title")
        assert provenance.is_translated(title) and set(title) == {"en", "ru", "kk"}, folder
        assert KAZAKH_LETTER.search(title["kk"]) and not english_runs(title["kk"]), folder
        assert not english_runs(title["ru"]) and title["ru"] != title["en"], folder
        assert TITLES[folder] in title["en"]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_each_origin_record_is_headed_by_its_title_in_the_editions_language_never_by_its_folder(repo_root, lang):
    """The data page's sources part and the study PDF's sources appendix (one rendering) head each record with its
    title in the edition's language, in the folders' order; the title is not repeated as an item below."""
    records = _records(repo_root)
    text = pages.sources_markdown(repo_root / "data" / "raw", lang, level=2)
    assert _headings(text, 2) == [" ".join(records[f]["title"][lang].split()) for f in sorted(records)]
    for folder in records:  # no heading is a folder's name
        assert not any(h.replace("\\_", "_").rstrip("/") == folder for h in _headings(text, 2) + _headings(text, 3))
    field = pages.plain(lang, "pages.field.title")
    assert f"**{field}:**" not in text.split("\n#### ")[0]  # no record-level title item (a cited source has none)
    official = _headings(text, 2)[1]
    assert official == {"en": TITLES["official"], "ru": "Официальная региональная статистика Казахстана: таблица "
                        "официальных показателей", "kk": "Қазақстанның ресми өңірлік статистикасы: ресми "
                        "көрсеткіштер кестесі"}[lang]


def test_a_record_without_a_title_is_headed_by_what_it_declares(tmp_path, repo_root):
    cases = [({"producer": {"en": "Regional front offices", "ru": "Региональные фронт-офисы",
                            "kk": "Өңірлік фронт-офистер"}},
              {"en": "Data from Regional front offices", "ru": "Данные: Региональные фронт-офисы",
               "kk": "Деректер: Өңірлік фронт-офистер"}),
             ({"files": {"counts.csv": {"label": {"en": "Monthly counts", "ru": "Месячные числа",
                                                  "kk": "Айлық сандар"}}, "age_by_region.csv": "ages"}},
              {"en": "Origin record of Volunteers by age group and region and Monthly counts",
               "ru": "Запись о происхождении файлов: Волонтёры по возрастным группам и регионам и Месячные числа",
               "kk": None}),
             ({"licence": "CC BY 4.0"},
              {"en": "An origin record without a title", "ru": "Запись о происхождении без названия",
               "kk": "Атауы жоқ шығу тегі туралы жазба"})]
    for i, (record, expected) in enumerate(cases):
        data = _user_record(tmp_path / str(i), repo_root, record)
        for lang, heading in expected.items():
            shown = _headings(pages.sources_markdown(data, lang))
            assert len(shown) == 1 and "report_2021" not in shown[0], shown
            if heading is not None:
                assert shown[0] == heading, (lang, shown)
            else:
                assert shown[0].startswith("Файлдардың шығу тегі туралы жазба: ") and "Айлық сандар" in shown[0]
    (data / "report_2021" / "source.yml").write_text("- not\n- a mapping\n", encoding="utf-8")
    assert _headings(pages.sources_markdown(data, "ru")) == ["Запись о происхождении, которую не удалось прочитать"]


@pytest.mark.parametrize(("title", "says"), [
    ({"en": "Counts", "de": "Zahlen"}, "not edition languages (de)"), ({"en": "Counts", "ru": " "}, "the title in ru"),
    ({}, "empty mapping"), ("", "the title is empty"), (17, "not int"), (["Counts"], "not list")])
def test_a_malformed_record_title_is_refused_naming_the_file_the_key_and_the_rule(tmp_path, repo_root, title, says):
    from vstudy.data import datasets, manifest

    data = _user_record(tmp_path, repo_root, {"title": title, "producer": "Regional front offices"})
    issues = manifest.check_origin_records(data)
    assert [(i.file, i.column, i.rule) for i in issues] == [("report_2021/source.yml", "title", "record_title")]
    assert says in issues[0].message and "{en: …, ru: …, kk: …}" in issues[0].message
    problems = [p for p in datasets.load_dataset(data).problems if p.rule == "record_title"]
    assert len(problems) == 1 and problems[0].severity == "error"
    assert problems[0].format().startswith("ERROR report_2021/source.yml column 'title' [record_title] ")
    # the page does not show the refused title: the record is headed by its producer
    assert _headings(pages.sources_markdown(data, "en")) == ["Data from Regional front offices"]


def test_a_well_formed_title_passes_and_the_repositorys_records_are_valid(tmp_path, repo_root):
    from vstudy.data import manifest

    assert manifest.check_origin_records(repo_root / "data" / "raw") == []
    for title in ("Counts of the regional offices", {"ru": "Числа региональных офисов"}):
        assert manifest.check_origin_records(_user_record(tmp_path / str(len(str(title))), repo_root,
                                                          {"title": title})) == []
    bad = _user_record(tmp_path / "ctl", repo_root, {"title": {"en": "Counts\u202e"}})
    assert [i.rule for i in manifest.check_origin_records(bad)] == ["control_character"]


def test_the_title_is_found_whatever_the_records_layout(tmp_path, repo_root):
    """Only the record's top-level ``title`` is checked: a title of a cited source is not the record's; a record
    written as one flow mapping is read whole."""
    from vstudy.data import manifest

    cases = {"sources:\n  - id: a\n    title: {de: Zahlen}\nproducer: x\n": [],
             "{producer: x, title: {de: Zahlen}}\n": ["record_title"],
             "# a comment\nproducer: x\ntitle:\n  en: Counts\n  # a note\n  xx: Zahlen\nlicence: y\n": ["record_title"],
             "title:\n  en: Counts\n\n  ru: Числа\nfiles: {}\n": []}
    for i, (text, rules) in enumerate(cases.items()):
        data = _user_record(tmp_path / str(i), repo_root, {})
        (data / "report_2021" / "source.yml").write_text(text, encoding="utf-8")
        assert [issue.rule for issue in manifest.check_origin_records(data)] == rules, text


# --- the sources a dataset's manifest declares column by column (the collection contract's) ---------------------

def test_the_sources_a_manifest_declares_column_by_column_are_listed_in_every_edition(tmp_path, repo_root):
    (tmp_path / "manifest.yml").write_text(
        "id: mine\nscheme: kz2022\nperiod: {start: 2023-01-01, end: 2023-06-30}\n"
        "tables:\n  regional:\n    file: regional.csv\n    schema: regional\n    columns:\n"
        "      volunteers_count: {source: 'Front offices, *our* <b>survey</b> [x](http://e.x)'}\n"
        "      population_count: {source: 'BNS, population on 1 January', ref_period: 2023-01-01}\n"
        "      volunteers_female_count: {source: 'Front offices, *our* <b>survey</b> [x](http://e.x)'}\n",
        encoding="utf-8")
    assert pages.declared_sources(tmp_path) == [
        ("Front offices, *our* <b>survey</b> [x](http://e.x)",
         [("volunteers_count", ""), ("volunteers_female_count", "")]),
        ("BNS, population on 1 January", [("population_count", "2023-01-01")])]
    manifest = yaml.safe_load((tmp_path / "manifest.yml").read_text(encoding="utf-8"))
    for lang in ("en", "ru", "kk"):
        # the sources part says they exist (not "no origin records") and where they are listed
        sources = pages.sources_markdown(tmp_path, lang)
        assert pages.md(lang, "sources.none") not in sources
        assert sources.strip() == pages.md(lang, "sources.declared_see", sources=2, columns=3).strip()
        # the data dictionary lists them, each column by its label in the edition, with its reference period
        text = pages.dictionary_markdown(lang, manifest=manifest, data_dir=tmp_path)
        assert text.startswith(pages.dictionary_markdown(lang, manifest=manifest).rstrip("\n"))
        assert pages.plain(lang, "pages.sources.declared") in text
        declared = text[text.index(pages.plain(lang, "pages.sources.declared")):]
        assert "<b>" not in declared and "](http" not in declared and "*our*" not in declared  # escaped
        volunteers = pages.column_name("volunteers_count", lang)
        population = pages.column_name("population_count", lang)
        assert volunteers != "volunteers_count" and population != "population_count"
        assert f"{population} (2023-01-01)" in declared and volunteers in declared
        assert "volunteers_count" not in declared and "population_count" not in declared
    assert "источник 3 столбцов, которые набор содержит (2 источника)" in pages.sources_markdown(tmp_path, "ru")
    # a manifest that declares no column's source (the report's transcription) gets neither
    raw = repo_root / "data" / "raw"
    assert pages.declared_sources(raw) == []
    assert pages.dictionary_markdown("en", data_dir=raw) == pages.dictionary_markdown("en")
    assert pages.plain("en", "pages.sources.declared") not in pages.sources_markdown(raw, "en")


def test_the_synthetic_example_says_where_its_declared_sources_are_instead_of_none(repo_root):
    example = repo_root / "data" / "examples" / "kz2022-synthetic"
    declared = dict(pages.declared_sources(example))
    assert len(declared) >= 2 and any(s.startswith("SYNTHETIC") for s in declared)
    assert pages.md("ru", "sources.none") not in pages.sources_markdown(example, "ru")
    assert "SYNTHETIC" in pages.dictionary_markdown("ru", data_dir=example)


def test_a_column_two_tables_take_from_one_source_is_named_once(tmp_path):
    (tmp_path / "manifest.yml").write_text(
        "id: mine\nscheme: kz2022\nperiod: {start: 2023-01-01, end: 2023-06-30}\ntables:\n"
        "  regional:\n    file: regional.csv\n    schema: regional\n    columns:\n"
        "      events_count: {source: 'Front offices'}\n"
        "  events_by_direction:\n    file: events.csv\n    schema: events_by_direction\n    columns:\n"
        "      events_count: {source: 'Front offices'}\n", encoding="utf-8")
    text = pages.declared_sources_markdown(tmp_path, "en")
    assert text.count(pages.column_name("events_count", "en")) == 1, text
