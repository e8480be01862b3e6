"""The editions say of the 2021 report only what is true of the dataset they are built from (issue 19).

A reader's text of an edition — its executed section notebooks (Markdown cells and the Markdown the cells show) and
its staged pages (``site-src/<lang>``: the pages, their generated parts and the study document) — is read from the
builds the suite already makes: the 2021 report's transcription (``study_build("kz2021")``, three editions), the
2022 example's English edition (``study_build("kz2022")``) and its Russian and Kazakh editions made without a kernel
(tests/integration/test_editions_2022.py, shared by name). The sentences that speak of the report (its section
«Корреляция», its valuation method, its errata and published numbers, the published shares it reconstructs from)
are in every edition of the report and in none of the example's, whose Russian and Kazakh pages show the title
its manifest gives in their language, never its English one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import on_build, shared_once
from helpers import REPORT_ONLY
from test_editions_2022 import _make_editions

from vstudy.publish import sections

pytestmark = pytest.mark.slow

# What the example's editions say instead: the study's declared plan and method, first used in the report.
OWN_WORDING = {
    "en": ["first tested in the 2021 analytical report on volunteering",
           "It was first used in the 2021 analytical report on volunteering"],
    "ru": ["впервые проверялись в аналитическом отчёте о волонтёрстве за 2021 год",
           "Впервые этот метод применён в аналитическом отчёте о волонтёрстве за 2021 год"],
    "kk": ["алғаш рет волонтерлік қызмет туралы 2021 жылғы талдамалық есепте тексерілген",
           "Бұл әдіс алғаш рет волонтерлік қызмет туралы 2021 жылғы талдамалық есепте қолданылған"],
}
EXAMPLE_TITLE = {"en": "SYNTHETIC worked example: volunteering in the regions of Kazakhstan, 2022 (20 regions)",
                 "ru": "СИНТЕТИЧЕСКИЙ учебный пример: волонтёрство в регионах Казахстана, 2022 год (20 регионов)",
                 "kk": "СИНТЕТИКАЛЫҚ оқу мысалы: Қазақстан өңірлеріндегі волонтерлік қызмет, 2022 жыл (20 өңір)"}


def reader_text(out: Path, lang: str) -> dict[str, str]:
    """What a reader of the edition ``lang`` of the output tree ``out`` reads, by file, whitespace-normalised."""
    texts = {}
    for section in sections.SECTIONS:
        nb = json.loads((out / lang / "notebooks" / f"{section.name}.ipynb").read_text(encoding="utf-8"))
        parts = []
        for cell in nb["cells"]:
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                parts.append(source)
            for output in cell.get("outputs", []):
                markdown = output.get("data", {}).get("text/markdown")
                if markdown is not None:
                    parts.append(markdown if isinstance(markdown, str) else "".join(markdown))
        texts[section.name] = "\n\n".join(parts)
    site = out / "site-src" / lang
    pages = sorted(site.glob("*.qmd")) + sorted((site / "_generated").glob("*.md"))
    assert any(p.name == f"study-{lang}.qmd" for p in pages), f"the pages of {lang} were not staged"
    for page in pages:
        texts[str(page.relative_to(site))] = page.read_text(encoding="utf-8")
    return {name: re.sub(r"\s+", " ", text) for name, text in texts.items()}


def report_sentences(texts: dict[str, str], lang: str) -> list[tuple[str, str]]:
    return [(name, phrase) for phrase in REPORT_ONLY[lang] for name, text in texts.items() if phrase in text]


@on_build("kz2021")
@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_reports_editions_speak_of_the_report(study_build, lang):
    texts = reader_text(study_build("kz2021").out, lang)
    found = {phrase for _, phrase in report_sentences(texts, lang)}
    assert found == set(REPORT_ONLY[lang])
    assert not [phrase for phrase in OWN_WORDING[lang] if any(phrase in text for text in texts.values())]


@on_build("kz2022")
def test_the_2022_examples_english_edition_holds_no_sentence_of_the_report(study_build):
    texts = reader_text(study_build("kz2022").out, "en")
    assert report_sentences(texts, "en") == []
    for phrase in OWN_WORDING["en"]:
        assert any(phrase in text for text in texts.values()), phrase
    assert EXAMPLE_TITLE["en"] in texts["00_data_quality"]


@pytest.mark.xdist_group("editions_2022")
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_2022_examples_russian_and_kazakh_editions_hold_no_sentence_of_the_report(tmp_path_factory, lang):
    out = shared_once(tmp_path_factory, "editions_2022_without_kernel", _make_editions) / "out"
    texts = reader_text(out, lang)
    assert report_sentences(texts, lang) == []
    for phrase in OWN_WORDING[lang]:
        assert any(phrase in text for text in texts.values()), phrase
    # the manifest's title in the edition's language: in section 00, on the home page and the study's title page
    for name in ("00_data_quality", "_generated/home.md", f"study-{lang}.qmd"):
        assert EXAMPLE_TITLE[lang] in texts[name], name
    assert not [name for name, text in texts.items() if EXAMPLE_TITLE["en"] in text]
