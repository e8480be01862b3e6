"""Interactive maps for the website (vstudy.present.interactive): both schemes, hover contents, offline HTML."""

from __future__ import annotations

import base64
import html
import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from vstudy.data import processed, regions
from vstudy.present import interactive, labels, maps


@pytest.fixture(scope="module")
def regional(processed_2021):
    return processed.read_table("regions_kz2021", processed_2021)


def _hover(fig, name: str) -> str:
    return next(t.text for t in fig.data if t.fill == "toself" and t.name == name)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
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
        value = value.replace(".", ",") if lang != "en" else value
        rank = {"en": f"Rank {position + 1} of 17", "ru": f"{position + 1}-е место из 17",
                "kk": f"17 өңірдің ішінде {position + 1}-орын"}[lang]
        count = f"{labels.column_label('organisations_count', lang)}: {int(row['organisations_count'])}"
        assert text.split("<br>") == [
            f"<b>{name}</b>", f"{labels.column_label('organisations_per_100k', lang)}: {value}", rank, html.escape(count)]
        assert text in decoded  # what the browser gets
    if lang == "kk":
        assert labels.column_label("organisations_count", "kk") == "Ұйымдар (ҮЕҰ + бастамашыл топтар)"
        assert "Ақмола" in interactive.region_names(fig) and "Солтүстік Қазақстан" in interactive.region_names(fig)


def test_kz2022_map_has_twenty_units_and_says_no_data():
    codes = regions.codes("kz2022")
    assert len(codes) == 20
    values = np.linspace(10.0, 29.0, len(codes))
    values[[0, 5]] = np.nan
    frame = pd.DataFrame({"region_code": codes, "vol_students_pct": values})
    fig = interactive.choropleth(frame, "vol_students_pct", "kz2022", "ru", unit="%")
    assert len(interactive.region_names(fig)) == 20
    missing = labels.region_label(codes[0], "ru")
    assert _hover(fig, missing).split("<br>")[1] == f"{labels.column_label('vol_students_pct', 'ru')}: нет данных"
    top = labels.region_label(codes[-1], "ru")
    # the percent sign as CLDR writes it in Russian: after a no-break space
    assert _hover(fig, top).split("<br>")[1:] == [f"{labels.column_label('vol_students_pct', 'ru')}: 29,0\u00a0%",
                                                  "1-е место из 18"]
    en = interactive.choropleth(frame, "vol_students_pct", "kz2022", "en", unit="%")
    kk = interactive.choropleth(frame, "vol_students_pct", "kz2022", "kk", unit="%")
    assert _hover(en, labels.region_label(codes[-1], "en")).split("<br>")[1].endswith(": 29.0%")
    assert _hover(kk, labels.region_label(codes[-1], "kk")).split("<br>")[1:] == [
        f"{labels.column_label('vol_students_pct', 'kk')}: 29,0%", "18 өңірдің ішінде 1-орын"]
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend[-1] == "Нет данных" and len(legend) == 6  # five classes and "no data"


def test_kazakh_hover_and_legend_speak_kazakh():
    codes = regions.codes("kz2022")
    values = np.linspace(1000.0, 2900.0, len(codes))
    values[1] = np.nan
    frame = pd.DataFrame({"region_code": codes, "population_thousands": values, "volunteers_count": 1500})
    fig = interactive.choropleth(frame, "population_thousands", "kz2022", "kk", value_label="Халық саны",
                                 unit="мың адам", decimals=1, n_column="volunteers_count")
    names = interactive.region_names(fig)
    assert len(names) == 20 and "Абай" in names and "Ұлытау" in names and "Жетісу" in names
    top = labels.region_label(codes[-1], "kk")
    assert _hover(fig, top).split("<br>") == [f"<b>{top}</b>", "Халық саны: 2\u00a0900,0\u00a0мың адам",
                                              "19 өңірдің ішінде 1-орын", "Волонтерлер саны: 1\u00a0500"]
    assert _hover(fig, labels.region_label(codes[1], "kk")).split("<br>")[1] == "Халық саны: деректер жоқ"
    legend = [t.name for t in fig.data if t.showlegend]
    first = maps.classify(values, "quantiles", 5).bins[0]
    assert legend[-1] == "Деректер жоқ" and legend[0] == f"1\u00a0000,0 – 1\u00a0{first - 1000:05.1f}".replace(".", ",")
    assert fig.layout.legend.title.text == "Халық саны, мың адам"


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


def test_bundle_has_the_interactive_map_for_the_site_and_the_png_for_print(regional):
    """One output, two mime types: Quarto's HTML formats take text/html, typst takes image/png (module docstring)."""
    fig = interactive.choropleth(regional, "ngo_share_pct", "kz2021", "en")
    png = b"\x89PNG\r\n\x1a\n-the-static-map"
    first = interactive.bundle(fig, png, include_js=True)
    again = interactive.bundle(interactive.choropleth(regional, "ngo_share_pct", "kz2021", "en"), png,
                               include_js=True)
    later = interactive.bundle(fig, png, include_js=False)
    assert set(first) == {"text/html", "image/png"} and "text/markdown" not in first
    assert base64.b64decode(first["image/png"]) == png
    assert first == again  # deterministic: same figure, same bytes (fixed div id, no random uuid)
    assert "plotly.js v" in first["text/html"] and "plotly.js v" not in later["text/html"]
    for bundle in (first, later):
        assert not re.search(r"<script[^>]*\bsrc\s*=", bundle["text/html"])  # nothing loaded from elsewhere


def test_study_embeds_plotly_js_with_the_first_interactive_map_only(regional, tmp_path, monkeypatch, study_style):
    import IPython.display
    import matplotlib.pyplot as plt

    from vstudy.present import notebook

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    study = notebook.setup("04_maps", {"output_dir": str(tmp_path), "lang": "ru"})
    for column in ("ngo_share_pct", "organisations_per_100k"):
        study.figure(plt.figure(), column, interactive=interactive.choropleth(regional, column, "kz2021", "ru"))
    study.figure(plt.figure(), "static")
    pages = [b["text/html"] for b in shown if isinstance(b, dict)]
    assert len(pages) == 2 and [p.count("plotly.js v") for p in pages] == [1, 0]
    written = (tmp_path / "figures" / "04_maps__ngo_share_pct.png").read_bytes()
    assert base64.b64decode(shown[0]["image/png"]) == written  # the PDF gets the saved static map
    assert not isinstance(shown[2], dict)  # a figure without an interactive twin is the plain image


HOSTILE = ["<script>alert(1)</script>", "{{< env HOME >}}", "<img src=x onerror=alert(1)>", "</script><b>x</b>"]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_hostile_names_and_units_do_not_become_live(regional, monkeypatch, lang):
    """A region label, a value label or a unit from a dataset reaches the page as text (the bad-input corpus'
    strings): escaped in plotly's HTML subset, and neither a tag nor a Quarto shortcode in the page's source."""
    codes = regions.codes("kz2021")
    real = labels.region_label
    monkeypatch.setattr(labels, "region_label",
                        lambda code, lang="en": HOSTILE[codes.index(code) % 4] if code in codes[:4] else real(code, lang))
    fig = interactive.choropleth(regional, "ngo_share_pct", "kz2021", lang, value_label=HOSTILE[3], unit=HOSTILE[1],
                                 n_column="organisations_count", title=HOSTILE[0])
    page = interactive.to_html(fig, include_js=False)
    assert page.count("<script") == 1 and page.count("</script>") == 1  # only plotly's own call
    assert "{{<" not in page and "<img" not in page and "<b>x" not in page
    hover = _hover(fig, html.escape(HOSTILE[0]))
    assert hover.startswith("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b><br>&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;: ")
    assert "{{&lt; env HOME &gt;}}" in hover  # the unit, after the value
    assert html.escape(HOSTILE[2]) in interactive.region_names(fig)


def test_hover_text_escapes_names():
    text = interactive.hover_text("<img src=x onerror=alert(1)>", 3.0, 1, 2, "en", value_label="<b>v</b>")
    assert "<img" not in text and "<b>v</b>" not in text


def test_unknown_codes_are_an_error(regional):
    frame = pd.DataFrame({"region_code": ["KZ-10"], "x": [1.0]})  # Abai exists only in kz2022
    with pytest.raises(ValueError, match="not in scheme kz2021"):
        interactive.choropleth(frame, "x", "kz2021", "en")
