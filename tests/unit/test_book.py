"""The study document (the study PDF's source): every section's narrative, figures and tables, numbered and
labelled once, in the edition's language (en, ru, kk), with the summary, the methods and the appendices; no code, no
paths; the same structure in every edition."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import struct
import zlib
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from vstudy.publish import book, coverage, pages, pipeline, website
from vstudy.publish.sections import Section


def _png(width: int, height: int) -> str:
    """A valid greyscale PNG of the given size, base64 as a notebook stores it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return base64.b64encode(data).decode()


def _md(text: str, lang: str):
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = [f"lang-{lang}"]
    return cell


def _out(**data):
    return nbformat.v4.new_output("display_data", data=data)


MACHINE = "/home/someone/vstudy/data/raw"
TITLES = {"01_demographics": ("Volunteer demographics", "Демография волонтёров", "Волонтерлердің демографиясы"),
          "02_organisations": ("NGOs and initiative groups", "НПО и инициативные группы", "ҮЕҰ және бастамашыл топтар")}


NARRATIVE = {"en": "The narrative in English.", "ru": "Повествование по-русски.", "kk": "Қазақша баяндау."}
CAPTIONS = {"en": ("A figure", "A table"), "ru": ("Рисунок", "Таблица"), "kk": ("Сурет", "Кесте")}


def _notebook(figure_label: str, heading: tuple[str, str, str], tall: bool = False):
    cells = [
        _md(f"# {heading[0]}\n\n{NARRATIVE['en']}", "en"),
        _md(f"# {heading[1]}\n\n{NARRATIVE['ru']}", "ru"),
        _md(f"# {heading[2]}\n\n{NARRATIVE['kk']}", "kk"),
        nbformat.v4.new_code_cell("from vstudy.present import notebook\nstudy = notebook.setup('x', globals())"),
        nbformat.v4.new_code_cell(f"#| label: {figure_label}\n#| fig-cap: \"A figure\"\n#| fig-cap-ru: \"Рисунок\"\n"
                                  "#| fig-cap-kk: \"Сурет\"\n#| fig-alt: \"Bars\"\n#| fig-alt-ru: \"Столбцы\"\n"
                                  "#| fig-alt-kk: \"Бағандар\"\nstudy.figure(fig, 'x')",
                                  outputs=[_out(**{"image/png": _png(40, 80 if tall else 20), "text/plain": "<F>"}),
                                           _out(**{"text/markdown": "Classes: quantiles.", "text/plain": "."})]),
        nbformat.v4.new_code_cell(f"#| label: tbl-{figure_label[4:]}\n#| tbl-cap: \"A table\"\n"
                                  "#| tbl-cap-ru: \"Таблица\"\n#| tbl-cap-kk: \"Кесте\"\nstudy.show(frame, 'values')",
                                  outputs=[_out(**{"text/markdown": "| Region | Value |\n|:---|---:|\n| Abai | 1 |\n",
                                                   "text/html": "<table><tr><td>Abai</td></tr></table>"}),
                                           _out(**{"text/markdown": "[The full table as CSV](../tables/x__v.csv)\n"})]),
        nbformat.v4.new_code_cell("interactive_map()", outputs=[_out(**{"text/html": "<div id='interactive-map'></div>"})]),
        nbformat.v4.new_code_cell(f"print('{MACHINE}')", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text=f"{MACHINE}\n")]),
        nbformat.v4.new_code_cell("study.say('## Sub-part')", outputs=[_out(**{"text/markdown": "## Sub-part\n\nText."})]),
    ]
    return nbformat.v4.new_notebook(cells=cells)


@pytest.fixture()
def staged(tmp_path: Path, repo_root: Path):
    sections = (Section("01", "demographics", ()), Section("02", "organisations", ()))  # titles: the catalogue
    config = pipeline.BuildConfig(root=tmp_path, data_dir=repo_root / "data" / "raw", sections=sections,
                                  package_hash="fixed")
    executed = tmp_path / "executed"
    executed.mkdir()
    nbformat.write(_notebook("fig-demo-x", TITLES["01_demographics"]),
                   executed / "01_demographics.ipynb")
    # the same figure label again (labels must stay unique across the document), and a tall figure
    nbformat.write(_notebook("fig-demo-x", TITLES["02_organisations"], tall=True),
                   executed / "02_organisations.ipynb")
    stage = tmp_path / "stage"
    staged_pages = website.stage_notebooks(config, stage / "notebooks", executed)
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"claim_id": ["a", "b", "c"], "status": ["consistent", "differs", "consistent"],
                  "section": ["01_demographics"] * 3}).to_csv(tables / "replication.csv", index=False)
    manifest = {"period": {"start": "2021-07-01", "end": "2021-12-31"}, "scheme": "kz2021", "transcribes": "report_2021"}
    return stage, staged_pages, manifest, tables, config.data_dir


def _word(lang: str, key: str, **facts) -> str:
    from vstudy import i18n

    return i18n.text(lang, f"book.{key}", **facts)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_study_document_holds_every_section_figure_and_table_once(staged, lang):
    stage, staged_pages, manifest, tables, data_dir = staged
    path = book.write_study(stage, lang, staged_pages, manifest, tables, data_dir)
    assert path == stage / f"study-{lang}.qmd"
    text = path.read_text(encoding="utf-8")
    headings = re.findall(r"^# (.+)$", text, re.MULTILINE)
    index = ("en", "ru", "kk").index(lang)
    titles = [f"{TITLES[name][index]} {{#{book.section_anchor(name)}}}" for name in ("01_demographics",
                                                                                    "02_organisations")]
    letters = {"en": "ABC", "ru": "АБВ", "kk": "АБВ"}[lang]
    appendices = [_word(lang, "appendix", letter=letter, title=name)
                  for letter, name in zip(letters, ("errata", "sources", "dictionary"), strict=True)]
    # the report's chapters and the study (the dataset gives them) after the methods
    assert headings == [f"{_word(lang, 'summary')} {{.unnumbered}}", _word(lang, "methods"),
                        coverage.chapter_title(lang), *titles,
                        _word(lang, "replication"), *[f"{a} {{.unnumbered}}" for a in appendices]]
    assert appendices[0] == {"en": "Appendix A. Errata of the source report",
                             "ru": "Приложение А. Ошибки в исходном отчёте",
                             "kk": "А қосымшасы. Бастапқы есептегі қателер"}[lang]
    # numbered figures and tables, each label once, unique across sections
    assert book.figure_labels(text) == ["fig-demo-x", "fig-demo-x-02-organisations"]
    assert book.table_labels(text) == ["tbl-demo-x", "tbl-demo-x-02-organisations", "tbl-study-replication"]
    figure_caption, table_caption = CAPTIONS[lang]
    assert text.count(f"![{figure_caption}](study-figures/") == 2
    assert sorted(p.name for p in (stage / "study-figures").glob("*.png")) == sorted(
        f"{label}.png" for label in book.figure_labels(text))
    # the tall figure is narrowed to fit the page (40 × 80 px: 1.25 / 2 of the width), the other is not
    assert text.count("{#fig-demo-x-02-organisations width=62%") == 1
    assert "{#fig-demo-x fig-alt=" in text
    # the reader table: its print version with its caption; the sub-heading of a notebook stays under the section
    assert f"| Region | Value |\n|:---|---:|\n| Abai | 1 |\n\n: {table_caption} {{#tbl-demo-x}}" in text
    assert "\n## Sub-part\n" in text
    # the narrative of the edition only; no code, no HTML-only output, no machine path, no CSV link, no build notes
    assert text.count(NARRATIVE[lang]) == 2
    assert not [other for other in NARRATIVE if other != lang and NARRATIVE[other] in text]
    for absent in ("study = notebook.setup", "print(", "<table", "interactive-map", MACHINE, "../tables/", "](tables/"):
        assert absent not in text, absent
    body = text.split("\n---\n", 1)[1]
    assert "font" not in body.lower() and "quarto" not in body.lower()
    # the title page: title and period from the manifest, the edition, a contents page
    front = text.split("\n---\n", 1)[0]
    assert f"title: {pages.page_title(pages.study_title(lang), manifest, lang)}" in front
    assert f"lang: {lang}" in front and "papersize: a4" in front and "number-sections: true" in front
    assert _word(lang, "edition") in body.split("# ")[0] and "#outline(" in body and "#pagebreak()" in body


def _structure(text: str) -> list[str]:
    """What a study document is made of, whatever its language: its headings' levels and numbering, its figures
    and tables (labels), its page breaks, in order."""
    return re.findall(r"^#+(?= )|\{\.unnumbered\}|\{#(?:fig|tbl)-[\w-]+|#pagebreak|#outline", text, re.MULTILINE)


@pytest.mark.parametrize("report", [True, False], ids=["report", "own-dataset"])
def test_the_three_editions_have_the_same_structure(staged, report):
    stage, staged_pages, manifest, tables, data_dir = staged
    manifest = manifest if report else {k: v for k, v in manifest.items() if k != "transcribes"}
    structures = {}
    for lang in ("en", "ru", "kk"):
        text = book.write_study(stage, lang, staged_pages, manifest, tables, data_dir).read_text(encoding="utf-8")
        structures[lang] = _structure(text)
        assert len(re.findall(r"^# ", text, re.MULTILINE)) == (9 if report else 6), lang  # 9: with the report's chapters
    assert structures["en"] == structures["ru"] == structures["kk"]
    assert structures["en"].count("{#tbl-study-replication") == (1 if report else 0)


def test_a_title_in_another_script_gives_way_to_the_registry_title():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_raw_cell('---\ntitle: "01. Демография волонтёров"\n---')])
    assert book.section_title(nb, "01_demographics", "", "kk") == ("Волонтерлердің демографиясы", False)
    assert book.section_title(nb, "01_demographics", "", "en") == ("Volunteer demographics", False)
    assert book.section_title(nb, "01_demographics", "", "ru") == ("Демография волонтёров", False)
    assert [book.script_of(x) for x in ("Abai", "Абай", "Ұлытау")] == ["latin", "cyrillic", "kazakh"]


def test_the_summary_is_the_home_pages_findings(staged):
    stage, staged_pages, manifest, tables, data_dir = staged
    text = book.write_study(stage, "en", staged_pages, manifest, tables, data_dir).read_text(encoding="utf-8")
    summary = text.split("# Summary of findings {.unnumbered}\n", 1)[1].split("\n# ", 1)[0]
    assert summary.rstrip().endswith(book.PAGE_BREAK.rstrip())  # the next part starts a page
    summary = summary.rstrip().removesuffix(book.PAGE_BREAK.rstrip())
    home = pages.summary_markdown(tables, manifest, "en", links=False)
    assert summary.strip() == book.unnumbered(home).strip()  # the same text, its headings unnumbered
    assert "## Does the report replicate?" in summary and "2 are consistent" in summary and "1 differs" in summary
    assert "](" not in summary  # the PDF drops the links


def test_template_options_are_those_of_an_a4_typst_study(repo_root):
    import yaml

    options = yaml.safe_load((repo_root / "site" / book.TEMPLATE).read_text(encoding="utf-8"))["format"]["typst"]
    assert options["papersize"] == "a4" and options["number-sections"] is True and options["toc"] is False
    assert options["mainfont"] == "DejaVu Sans"
    # the title and the headings in the body font (Quarto's typst template takes the brand's heading family; without
    # it the title was set in typst's Libertinus Serif, seen in a render with Quarto 1.7.34)
    template = yaml.safe_load((repo_root / "site" / book.TEMPLATE).read_text(encoding="utf-8"))
    assert template["brand"]["typography"]["headings"]["family"] == options["mainfont"]
    project = yaml.safe_load((repo_root / "_quarto.yml").read_text(encoding="utf-8"))
    assert f"{book.STUDY_NAME}.qmd" in project["project"]["render"]
    assert json.dumps(project).count(website.PDF_NAME) >= 1  # the navbar's item, an edition's PDF in each
    assert [pages.study_pdf(lang) for lang in ("en", "ru", "kk")] == ["study-en.pdf", "study-ru.pdf", "study-kk.pdf"]


VERSION = pages.BuildVersion("0.1.0", "2737502cfe2d", False, dt.date(2026, 12, 7))


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_title_page_carries_dataset_version_licence_and_citation(staged, repo_root, lang):
    """The PDF stands alone: its title page names the dataset (the manifest's title in the edition's language), its
    period, the build's version (the study's version, the commit, the date), the licence and the suggested
    citation — the same citation and licence as the home page's "How to cite", the sources by their appendix."""
    stage, staged_pages, manifest, tables, data_dir = staged
    manifest = dict(manifest, title="Volunteering, transcribed", title_ru="Волонтёрство, в табличном виде",
                    title_kk="Волонтерлік қызмет, кесте түрінде")
    text = book.write_study(stage, lang, staged_pages, manifest, tables, data_dir, root=repo_root,
                            version=VERSION).read_text(encoding="utf-8")
    title_page = text.split("\n---\n", 1)[1].split("#outline(", 1)[0]
    expected = {
        "en": ["Dataset: «Volunteering, transcribed»", "Period: July\u2009–\u2009December 2021",
               "Version: 0.1.0, commit 2737502cfe2d; built on December 7, 2026"],
        "ru": ["Набор данных: «Волонтёрство, в табличном виде»", "Период: июль – декабрь 2021\u202fг.",
               "Версия: 0.1.0, коммит 2737502cfe2d; собрано 7 декабря 2026\u202fг."],
        "kk": ["Деректер жиынтығы: «Волонтерлік қызмет, кесте түрінде»", "Кезең: 2021\u202fж. шілде – желтоқсан",
               "Нұсқа: 0.1.0, 2737502cfe2d коммиті; 2026\u202fж. 7 желтоқсан құрастырылған"],
    }[lang]
    lines = [line for line in title_page.split("\n") if line]
    assert [line for line in lines if line in expected] == expected
    home = [part for part in pages.cite_markdown(repo_root, manifest, lang, VERSION).split("\n") if part]
    citation = home[1]
    assert citation in lines and citation.endswith({"en": "built on December 7, 2026.",
                                                    "ru": "собрано 7 декабря 2026\u202fг.",
                                                    "kk": "2026\u202fж. 7 желтоқсан құрастырылған."}[lang])
    # the licence as the home page states it, but the sources are the PDF's appendix B (Б), not a web page
    licence = next(line for line in lines if "creativecommons.org/licenses/by/4.0/" in line)
    assert licence.split("(", 2)[:2] == home[2].split("(", 2)[:2]
    assert licence.endswith({"en": "(see appendix B).", "ru": "(см. приложение Б).",
                             "kk": "(Б қосымшасын қараңыз)."}[lang])
    assert "data.qmd" not in title_page


def test_title_page_without_a_commit_or_with_changes_says_so(staged):
    stage, staged_pages, manifest, tables, data_dir = staged
    for version, line in ((pages.BuildVersion("0.1.0", "", False, dt.date(2026, 12, 7)),
                           "Version: 0.1.0; built on December 7, 2026"),
                          (pages.BuildVersion("0.1.0", "abcdef123456", True, dt.date(2026, 12, 7)),
                           "Version: 0.1.0, commit abcdef123456 with uncommitted changes; built on December 7, 2026")):
        text = book.write_study(stage, "en", staged_pages, manifest, tables, data_dir, version=version)
        assert f"\n{line}\n" in text.read_text(encoding="utf-8")


# A section named by a typed number ("section 03", «в разделе 03», «03-бөлімде», «(раздел 05)»): the website's
# numbering, which the PDF (chapters 1–10, appendices by letter) does not share.
from helpers import TYPED_SECTION  # noqa: E402  (the integration tier's study-document test uses it too)


def test_the_typed_section_pattern_catches_what_the_pdf_said():
    for said in ("как в разделе 03", "(раздел 05)", "коэффициенты раздела 03", "as section 03 computes",
                 "Section 06 shows", "03-бөлімдегідей", "(05-бөлім)", "бөлім 07", "sections 05 and 07"):
        assert TYPED_SECTION.search(said), said
    for fine in ("Appendix B", "приложение Б", "17 regions", "2021-H2", "section on correlations", "Б қосымшасы"):
        assert not TYPED_SECTION.search(fine), fine


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_study_document_names_no_section_by_a_typed_number(tmp_path, repo_root, lang):
    """The study document of each edition, assembled from the study's own notebooks (their narrative in the
    edition's language), the dataset's errata and origin records and the methods, holds no typed section number."""
    from vstudy.data import manifest as dataset_manifest
    from vstudy.publish.sections import SECTIONS

    data_dir = repo_root / "data" / "raw"
    config = pipeline.BuildConfig(root=tmp_path, data_dir=data_dir, sections=SECTIONS, package_hash="fixed")
    stage = tmp_path / "stage"
    staged_pages = website.stage_notebooks(config, stage / "notebooks", repo_root / "notebooks", lang)
    assert len(staged_pages) == len(SECTIONS) >= 8
    (tmp_path / "tables").mkdir()
    manifest = dict(dataset_manifest.read_manifest(data_dir).raw)
    text = book.write_study(stage, lang, staged_pages, manifest, tmp_path / "tables", data_dir,
                            version=VERSION).read_text(encoding="utf-8")
    # the notebooks' narrative is there (the sentences that name another section — "as the section on correlations
    # computes them" — are catalogue messages the executed notebooks show: the test below checks every message)
    assert {"en": "Totals grow with population", "ru": "Абсолютные величины растут с численностью населения",
            "kk": "Абсолюттік шамалар халық санымен бірге өседі"}[lang] in text
    assert [m.group(0) for m in TYPED_SECTION.finditer(text)] == []


def test_no_message_of_any_catalogue_names_a_section_by_a_typed_number():
    """Every sentence a notebook shows (the replication register's notes included) is a catalogue message: none
    names a section by the website's number."""
    from vstudy import i18n

    found = [(lang, msg_id) for lang in ("en", "ru", "kk") for msg_id, message in i18n.catalogue(lang).items()
             if TYPED_SECTION.search(message)]
    assert len(i18n.catalogue("ru")) > 1000 and found == []
