"""Interactive maps for the website (vstudy.present.interactive): both schemes, hover contents, offline HTML."""

from __future__ import annotations

import html
import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from vstudy.data import processed, regions
from vstudy.present import interactive, labels


@pytest.fixture(scope="module")
def regional(processed_2021):
    return processed.read_table("regions_kz2021", processed_2021)


def _hover(fig, name: str) -> str:
    return next(t.text for t in fig.data if t.fill == "toself" and t.name == name)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_kz2021_map_has_every_region_its_value_rank_and_count(regional, lang):
    fig = interactive.choropleth(regional, "organisations_per_100k", "kz2021", lang, quantity="rate_per_100k",
                                 n_column="organisations_count", decimals=2)
    names = [labels.region_label(c, lang) for c in regions.codes("kz2021")]
    assert sorted(interactive.region_names(fig)) == sorted(names) and len(names) == 17
    page = interactive.to_html(fig, include_js=False)
    assert page.isascii()  # plotly writes the figure as JSON with \\u escapes
    decoded = page.encode("ascii").decode("unicode_escape")
    ordered = regional.sort_values("organisations_per_100k", ascending=False).reset_index(drop=True)
    for position, row in ordered.iterrows():
        name = labels.region_label(row["region_code"], lang)
        text = _hover(fig, name)
        value = f"{row['organisations_per_100k']:.2f}"
        value = value.replace(".", ",") if lang == "ru" else value
        rank = {"en": f"Rank {position + 1} of 17", "ru": f"{position + 1}-е место из 17"}[lang]
        count = f"{labels.column_label('organisations_count', lang)}: {int(row['organisations_count'])}"
        assert text.split("<br>") == [
            f"<b>{name}</b>", f"{labels.column_label('organisations_per_100k', lang)}: {value}", rank, html.escape(count)]
        assert text in decoded  # what the browser gets


def test_kz2022_map_has_twenty_units_and_says_no_data():
    codes = regions.codes("kz2022")
    assert len(codes) == 20
    values = np.linspace(10.0, 29.0, len(codes))
    values[[0, 5]] = np.nan
    frame = pd.DataFrame({"region_code": codes, "vol_students_pct": values})
    fig = interactive.choropleth(frame, "vol_students_pct", "kz2022", "ru", unit="%")
    assert len(interactive.region_names(fig)) == 20
    missing = labels.region_label(codes[0], "ru")
    assert _hover(fig, missing).split("<br>")[1].endswith(": Нет данных")
    top = labels.region_label(codes[-1], "ru")
    assert _hover(fig, top).split("<br>")[1:] == [f"{labels.column_label('vol_students_pct', 'ru')}: 29,0 %",
                                                  "1-е место из 18"]
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend[-1] == "Нет данных" and len(legend) == 6  # five classes and "no data"


def test_html_is_offline_and_deterministic(regional):
    fig = interactive.choropleth(regional, "ngo_share_pct", "kz2021", "en")
    with_js = interactive.to_html(fig, include_js=True)
    library = (resources.files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")
    assert library in with_js  # plotly.js comes from the installed package …
    rest = with_js.replace(library, "")
    assert not re.search(r"https?://", rest)  # … and nothing else on the page names a URL
    assert "<script src" not in rest and "<link" not in rest  # nothing is loaded from elsewhere
    assert interactive.to_html(fig, include_js=False) == interactive.to_html(fig, include_js=False)
    assert 'id="vstudy-map-ngo_share_pct-kz2021-en"' in with_js


def test_show_gives_html_for_the_site_and_nothing_for_print(regional, monkeypatch):
    monkeypatch.setattr(interactive, "_ON_PAGE", set())
    fig = interactive.choropleth(regional, "ngo_share_pct", "kz2021", "en")
    first, second = interactive.bundle(fig), interactive.bundle(fig)
    assert set(first) == {"text/html", "text/markdown"} and first["text/markdown"] == ""
    assert "plotly.js v" in first["text/html"] and "plotly.js v" not in second["text/html"]  # embedded once a page


def test_hover_text_escapes_names():
    text = interactive.hover_text("<img src=x onerror=alert(1)>", 3.0, 1, 2, "en", value_label="<b>v</b>")
    assert "<img" not in text and "<b>v</b>" not in text


def test_unknown_codes_are_an_error(regional):
    frame = pd.DataFrame({"region_code": ["KZ-10"], "x": [1.0]})  # Abai exists only in kz2022
    with pytest.raises(ValueError, match="not in scheme kz2021"):
        interactive.choropleth(frame, "x", "kz2021", "en")
