"""Each figure's data beside it, and every CSV of the study readable in the edition's language.

A figure a section shows saves the frame it draws as ``figures/<section>__<name>.csv`` and links it under the figure
in the edition's language. Every CSV (tables and figure data) keeps its ids as the header for programs, has a W3C
CSVW description beside it (``<file>-metadata.json``) giving each column's title in en, ru and kk, and in the
Russian and Kazakh editions an edition copy (``<name>.<lang>.csv``) whose header row is the edition's titles.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from vstudy.present import labels, notebook, plots


def _display_into(monkeypatch) -> list:
    import IPython.display

    shown: list = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    return shown


def _figure(ylabel: str = "Share, %"):
    fig, ax = plots.plt.subplots(figsize=(plots.FULL_WIDTH_IN, 2))
    ax.bar(["a", "b"], [1, 2])
    ax.set_ylabel(ylabel)
    ax.set_title("Volunteers aged 18–29")
    return fig


@pytest.mark.usefixtures("study_style")
def test_a_figure_saves_its_data_and_links_it_in_russian(tmp_path: Path, monkeypatch) -> None:
    shown = _display_into(monkeypatch)
    data = pd.DataFrame({"region_code": ["KZ-11", "KZ-15"], "vol_age_18_29_pct": [41.25, 38.5]})
    notebook.show_figure(_figure(), "04_maps", "youth_share", tmp_path, data=data, lang="ru")

    csv_path = tmp_path / "figures" / "04_maps__youth_share.csv"
    assert csv_path.read_text(encoding="utf-8") == "region_code,vol_age_18_29_pct\nKZ-11,41.25\nKZ-15,38.5\n"
    # the Russian copy: the same rows under the Russian titles, with a byte-order mark for spreadsheets
    copy = tmp_path / "figures" / "04_maps__youth_share.ru.csv"
    raw = copy.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == [labels.column_label("region_code", "ru"), labels.column_label("vol_age_18_29_pct", "ru")]
    assert rows[0][0] == "Регион" and rows[1:] == [["KZ-11", "41.25"], ["KZ-15", "38.5"]]
    # under the figure: the PNG (with the texts it prints), then the Russian link to the Russian copy
    assert len(shown) == 2
    assert {"Volunteers aged 18–29", "Share, %", "a", "b"} <= set(shown[0].metadata["vstudy"]["texts"])
    assert shown[1].data == "[Данные этого рисунка (CSV)](../figures/04_maps__youth_share.ru.csv)"


@pytest.mark.usefixtures("study_style")
def test_the_english_edition_links_the_file_of_ids_and_writes_no_copy(tmp_path: Path, monkeypatch) -> None:
    shown = _display_into(monkeypatch)
    data = pd.DataFrame({"channel": ["phone"], "requests_count": [1353]})
    notebook.show_figure(_figure(), "07_information_line", "channels", tmp_path, data=data, lang="en")
    assert shown[-1].data == "[Data of this figure (CSV)](../figures/07_information_line__channels.csv)"
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == [
        "07_information_line__channels.csv", "07_information_line__channels.csv-metadata.json",
        "07_information_line__channels.png", "07_information_line__channels.svg"]


@pytest.mark.usefixtures("study_style")
def test_without_data_a_figure_shows_no_link(tmp_path: Path, monkeypatch) -> None:
    shown = _display_into(monkeypatch)
    notebook.show_figure(_figure(), "01_demographics", "national", tmp_path, lang="kk")
    assert len(shown) == 1 and not list((tmp_path / "figures").glob("*.csv"))


@pytest.mark.usefixtures("study_style")
def test_strings_from_data_stay_in_the_csv_and_never_reach_the_link(tmp_path: Path, monkeypatch) -> None:
    shown = _display_into(monkeypatch)
    hostile = '<img src=x onerror=alert(1)>, "quoted" {{< env HOME >}}'
    data = pd.DataFrame({"region": [hostile], "value": [1.0]})
    notebook.show_figure(_figure(), "02_organisations", "counts", tmp_path, data=data, lang="kk")
    assert shown[-1].data == "[Осы суреттің деректері (CSV)](../figures/02_organisations__counts.kk.csv)"
    back = pd.read_csv(tmp_path / "figures" / "02_organisations__counts.csv")
    assert back.loc[0, "region"] == hostile  # quoted by the CSV writer, read back whole
    with pytest.raises(ValueError, match="plain file name"):
        notebook.download_link(tmp_path / "figures" / "a b).csv", "en")


def test_csvw_description_names_each_column_and_titles_it_in_every_language(tmp_path: Path) -> None:
    frame = pd.DataFrame({"region_code": ["KZ-11"], "ngo_count": [3], "made_up_column": [1]})
    path = notebook.save_table(frame, "02_organisations", "by_region", tmp_path, lang="en")
    meta = json.loads(path.with_name(path.name + "-metadata.json").read_text(encoding="utf-8"))
    assert meta["@context"] == "http://www.w3.org/ns/csvw" and meta["url"] == "02_organisations__by_region.csv"
    columns = meta["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == ["region_code", "ngo_count", "made_up_column"]
    ngo = columns[1]["titles"]
    assert ngo == {lang: labels.column_label("ngo_count", lang) for lang in ("en", "ru", "kk")}
    assert ngo["ru"] != ngo["en"] != "ngo_count"
    assert columns[2]["titles"] == {"en": "made_up_column", "ru": "made_up_column", "kk": "made_up_column"}
    assert not path.with_name("02_organisations__by_region.ru.csv").exists()  # English: the file of ids only


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_real_study_tables_get_edition_headers_and_keep_their_ids(processed_2021, tmp_path: Path, lang) -> None:
    """The processed regional table and the organisations table of the 2021 dataset, saved in the ru and kk
    editions: ids for programs, every header of the copy in the edition's language (Cyrillic), and a CSVW reader's
    mapping from the copy's titles back to the ids."""
    from vstudy.data import processed

    regions_table = processed.read_table("regions_kz2021", processed_2021)
    orgs = processed.read_table("organisations_kz2021", processed_2021)
    for frame, name in ((regions_table, "regions"), (orgs, "organisations")):
        path = notebook.save_table(frame, "00_data_quality", name, tmp_path, lang=lang)
        assert pd.read_csv(path).columns.tolist() == frame.columns.tolist()
        copy = notebook.edition_copy(path, lang)
        header = pd.read_csv(copy, encoding="utf-8-sig", nrows=0).columns.tolist()
        untranslated = [h for h, c in zip(header, frame.columns, strict=True) if h == c]
        assert untranslated == [], untranslated
        assert all(any("\u0400" <= ch <= "\u04ff" for ch in h) or h in ("NEET", "n", "r") for h in header), header
        meta = json.loads(copy.with_name(copy.name + "-metadata.json").read_text(encoding="utf-8"))
        titles = {c["titles"][lang]: c["name"] for c in meta["tableSchema"]["columns"]}
        assert [titles[h] for h in header] == frame.columns.tolist()
        assert pd.read_csv(copy, encoding="utf-8-sig").shape == frame.shape


def test_study_figure_passes_its_data_in_the_editions_language(tmp_path: Path, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(notebook, "show_figure", lambda *a, **kw: calls.append((a, kw)))
    study = notebook.setup("07_information_line", {"output_dir": str(tmp_path), "lang": "ru"})
    frame = pd.DataFrame({"x": [1]})
    study.figure(object(), "channels", data=frame)
    (args, kwargs), = calls
    assert args[1:3] == ("07_information_line", "channels") and kwargs["data"] is frame and kwargs["lang"] == "ru"
