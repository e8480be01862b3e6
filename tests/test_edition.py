"""The editions' seams: numbers in the edition's language, the notebook copy of one edition (en, ru, kk), prose
helpers."""

import re

import pytest

from vstudy.present import edition, prose
from vstudy.present.notebook import markdown
from vstudy.present.text import md_in, number


def test_russian_numbers_group_with_no_break_space_and_use_decimal_comma():
    assert number(116694, ",", "ru") == "116\u202f694"
    assert number(77.153, ".2f", "ru") == "77,15"
    assert number(1234567.891, ",.1f", "ru") == "1\u202f234\u202f567,9"
    assert number(-0.27, ".2f", "ru") == "-0,27"
    assert number(116694, ",", "en") == "116,694"
    assert number(True, "", "ru") == "True"


def test_md_in_formats_numbers_per_language_and_escapes_strings():
    assert md_in("ru", "{n:,} волонтёров в {r}", n=1658, r="<b>") == "1\u202f658 волонтёров в &#60;b&#62;"
    assert md_in("en", "{x:.1f} %", x=12.25) == "12.2 %"
    assert markdown(("r = {r:.2f}", {"r": 0.684}), lang="ru") == "r = 0,68"
    with pytest.raises(ValueError, match="no number format"):
        md_in("kk", "{x}", x=1)


def _nb(*cells):
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _md(text, tag=None):
    return {"cell_type": "markdown", "metadata": {"tags": [tag]} if tag else {}, "source": text}


def _code(text):
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": [], "execution_count": None}


CAPTIONED = ("#| label: fig-x\n#| fig-cap: \"Shares by region.\"\n#| fig-cap-ru: \"Доли по регионам.\"\n"
             "#| fig-cap-kk: \"Өңірлер бойынша үлестер.\"\n"
             "#| fig-alt: \"Bars.\"\n#| fig-alt-ru: \"Столбцы.\"\n#| fig-alt-kk: \"Бағандар.\"\nstudy.figure(f, 'x')")
TRILINGUAL = (_md("# Title", "lang-en"), _md("# Заголовок", "lang-ru"), _md("# Тақырып", "lang-kk"), _md("---"),
              _code(CAPTIONED))


def test_localize_keeps_the_edition_cells_and_captions():
    nb = _nb(*TRILINGUAL)
    ru = edition.localize(nb, "ru")
    assert [c["source"] for c in ru["cells"][:2]] == ["# Заголовок", "---"]
    assert ru["cells"][2]["source"].split("\n") == [
        "#| label: fig-x", "#| fig-cap: \"Доли по регионам.\"", "#| fig-alt: \"Столбцы.\"", "study.figure(f, 'x')"]
    assert ru["metadata"]["lang"] == "ru"
    kk = edition.localize(nb, "kk")
    assert [c["source"] for c in kk["cells"][:2]] == ["# Тақырып", "---"]
    assert kk["cells"][2]["source"].split("\n") == [
        "#| label: fig-x", "#| fig-cap: \"Өңірлер бойынша үлестер.\"", "#| fig-alt: \"Бағандар.\"",
        "study.figure(f, 'x')"]
    assert kk["metadata"]["lang"] == "kk"
    en = edition.localize(nb, "en")
    assert [c["source"] for c in en["cells"][:2]] == ["# Title", "---"]
    assert en["cells"][2]["source"].split("\n") == [
        "#| label: fig-x", "#| fig-cap: \"Shares by region.\"", "#| fig-alt: \"Bars.\"", "study.figure(f, 'x')"]
    assert nb["cells"][4]["source"] == CAPTIONED  # the input is not changed


def test_problems_name_untagged_prose_missing_editions_and_missing_twins():
    nb = _nb(_md("Some words"), _md("# Title", "lang-en"), _md("# Заголовок", "lang-ru"),
             _code("#| tbl-cap: \"A table.\"\n#| tbl-cap-ru: \"Таблица.\"\nstudy.show(t, 'x')"))
    found = edition.problems(nb)
    assert "cell 0: Markdown with words but no lang-en/lang-ru/lang-kk tag: 'Some words'" in found
    assert "cell 3: #| tbl-cap has no #| tbl-cap-kk" in found
    assert "no Markdown cell tagged lang-kk" in found
    assert len(found) == 3, found
    # untagged Kazakh words are words too
    assert any("no lang-en" in p for p in edition.problems(_nb(*TRILINGUAL, _md("Өңірлер"))))
    assert edition.problems(_nb(*TRILINGUAL)) == []
    with pytest.raises(ValueError, match="unknown edition language"):
        edition.localize(_nb(_md("x", "lang-de")), "en")


def test_the_study_notebooks_lack_only_their_kazakh_cells_until_the_sections_write_them(repo_root):
    """Every problem a section notebook has is a missing Kazakh cell or caption twin: the English and Russian
    cells are all there. (The section helpers add the lang-kk cells and -kk caption lines.)"""
    import json

    from vstudy.vocab import SECTIONS

    for section in SECTIONS.values():
        nb = json.loads((repo_root / section.notebook).read_text(encoding="utf-8"))
        other = [p for p in edition.problems(nb)
                 if p != "no Markdown cell tagged lang-kk" and not re.search(r"has no #\| [\w-]+-kk$", p)]
        assert other == [], (section.id, other)


@pytest.mark.parametrize(("n", "form"), [(1, "регион"), (3, "региона"), (5, "регионов"), (11, "регионов"),
                                         (14, "регионов"), (21, "регион"), (102, "региона"), (0, "регионов")])
def test_russian_plural(n, form):
    assert prose.noun(n, "ru", ("region", "regions"), ("регион", "региона", "регионов")) == form


def test_english_plural_and_listing():
    assert prose.noun(1, "en", ("region", "regions"), ("", "", "")) == "region"
    assert prose.noun(17, "en", ("region", "regions"), ("", "", "")) == "regions"
    assert prose.listing(["A", "B", "C"], "en") == "A, B and C"
    assert prose.listing(["А", "Б"], "ru") == "А и Б"
    assert prose.say("ru", "{n} regions", "{n} регионов", n=3) == ("{n} регионов", {"n": 3})
