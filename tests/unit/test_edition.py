"""The editions' seams: the notebook copy of one edition (en, ru, kk), and what a notebook may show as text."""

import re

import pytest

from vstudy.present import edition
from vstudy.present.notebook import markdown
from vstudy.present.words import Rendered, t


def test_a_notebook_shows_messages_from_the_catalogues_and_refuses_typed_text():
    said = markdown(t("ru", "common.requests", n=102), None, [t("ru", "common.regions", n=21)], lang="ru")
    assert said == "102 обращения 21 регион"
    with pytest.raises(TypeError, match="not a message from the catalogues"):
        markdown("Линия зарегистрировала {n} обращений", lang="ru")
    with pytest.raises(TypeError, match="not a message from the catalogues"):
        markdown(("r = {r:.2f}", {"r": 0.684}), lang="ru")
    assert isinstance(t("en", "common.months", n=6), Rendered)


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




def test_every_cell_of_the_section_notebooks_has_an_id_of_its_own(repo_root):
    """Executed notebooks keep the source's cell ids (determinism; a cell without one gets a random id from nbformat
    and a warning), so every cell of every section notebook, in every language, has one, unique in its notebook."""
    import json

    from vstudy.vocab import SECTIONS

    for section in SECTIONS.values():
        cells = json.loads((repo_root / section.notebook).read_text(encoding="utf-8"))["cells"]
        ids = [cell.get("id") for cell in cells]
        assert None not in ids, (section.id, [i for i, cell_id in enumerate(ids) if cell_id is None])
        assert len(set(ids)) == len(ids), section.id
