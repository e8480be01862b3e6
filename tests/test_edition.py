"""The two editions' seams: numbers in the edition's language, the notebook copy of one edition, prose helpers."""

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
             "#| fig-alt: \"Bars.\"\n#| fig-alt-ru: \"Столбцы.\"\nstudy.figure(f, 'x')")


def test_localize_keeps_the_edition_cells_and_captions():
    nb = _nb(_md("# Title", "lang-en"), _md("# Заголовок", "lang-ru"), _md("---"), _code(CAPTIONED))
    ru = edition.localize(nb, "ru")
    assert [c["source"] for c in ru["cells"][:2]] == ["# Заголовок", "---"]
    assert ru["cells"][2]["source"].split("\n")[:3] == [
        "#| label: fig-x", "#| fig-cap: \"Доли по регионам.\"", "#| fig-alt: \"Столбцы.\""]
    assert ru["metadata"]["lang"] == "ru"
    en = edition.localize(nb, "en")
    assert [c["source"] for c in en["cells"][:2]] == ["# Title", "---"]
    assert "-ru" not in en["cells"][2]["source"] and "#| fig-cap: \"Shares by region.\"" in en["cells"][2]["source"]
    assert nb["cells"][3]["source"] == CAPTIONED  # the input is not changed


def test_problems_name_untagged_prose_and_missing_twins():
    nb = _nb(_md("Some words"), _md("# Title", "lang-en"),
             _code("#| tbl-cap: \"A table.\"\nstudy.show(t, 'x')"))
    found = edition.problems(nb)
    assert any("no lang-en/lang-ru tag" in p for p in found)
    assert any("tbl-cap has no #| tbl-cap-ru" in p for p in found)
    assert any("lang-ru" in p for p in found)
    assert edition.problems(_nb(_md("# T", "lang-en"), _md("# Т", "lang-ru"), _code(CAPTIONED))) == []
    with pytest.raises(ValueError, match="unknown edition language"):
        edition.localize(_nb(_md("x", "lang-de")), "en")  # kk is an edition language (issue 19)


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
