"""No internal ids outside the data dictionary: the check itself, and the parts of the study it covers that need no
notebook run (the notebooks' own words, section 00's coverage table and figure, the indicators' labels, the data
dictionary). The built editions are checked in tests/integration/test_ids_in_editions.py."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from vstudy import i18n
from vstudy.publish import reader_ids

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "ru", "kk")


@pytest.fixture(scope="module")
def vocab():
    return reader_ids.vocabulary(None, [ROOT / "data" / "raw"])


def test_the_vocabulary_is_built_from_code_and_data(vocab):
    from vstudy.data import indicators
    from vstudy.data.schemas import all_schemas

    # every declared column and table shaped like an id, every official indicator, the package's functions
    columns = {c.name for s in all_schemas().values() for c in s.columns if reader_ids.id_shaped(c.name)}
    assert columns <= vocab and len(columns) > 100
    assert set(indicators.BY_INDICATOR) - {"area"} <= vocab
    assert {"age_by_region", "official_indicators_meta", "recommend_classification", "vol_age_18_29_pct",
            "under18", "kz2021"} <= vocab
    # plain words read the same in a sentence: never counted
    assert not {"region", "period", "area", "population", "status"} & vocab


def test_find_counts_ids_file_names_package_paths_and_posix_paths(vocab):
    text = ("See `tables/correlations.csv` and vstudy.present.maps.recommend_classification; the share "
            "vol_age_18_29_pct is under18 in PosixPath('reports/x.csv'). Regions and periods are words.")
    hits = [h.token for h in reader_ids.find(text, vocab)]
    assert hits == ["tables/correlations.csv", "vstudy.present.maps.recommend_classification", "vol_age_18_29_pct",
                    "under18", "PosixPath", "reports/x.csv"]
    assert reader_ids.find("Регионы, периоды и доли волонтёров 18–29 лет.", vocab) == []


def test_what_a_reader_does_not_see_is_not_counted(vocab):
    markdown = ("---\ntitle: \"Maps\"\n---\nAs @fig-maps-youth_share shows {#tbl-data_quality-coverage}, "
                "[the full table as CSV](../tables/04_maps__values.csv) {{< include _generated/dictionary.md >}}\n"
                "```{=typst}\n#set text(lang: \"kk\")\n```\n")
    assert reader_ids.find(reader_ids.markdown_text(markdown), vocab) == []
    html = '<a href="../figures/04_maps__ngo_share.csv" class="ngo_share_pct">data</a><script>var ngo_count</script>'
    assert reader_ids.find(reader_ids.html_text(html), vocab) == []
    # but the words of a link, a heading or a cell are what a reader sees
    assert [h.token for h in reader_ids.find(reader_ids.markdown_text("[ngo_count](x.html)"), vocab)] == ["ngo_count"]


def test_reader_text_takes_one_editions_cells_outputs_alt_texts_and_figure_labels(vocab):
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {"tags": ["lang-en"]}, "source": "Uses `ngo_count`."},
        {"cell_type": "markdown", "metadata": {"tags": ["lang-ru"]}, "source": "Столбец `ngo_share_pct`."},
        {"cell_type": "code", "metadata": {}, "source": "#| fig-alt: \"Map of ngo_share_pct\"\n"
                                                      "#| fig-alt-ru: \"Карта доли НПО\"\nstudy.figure(f, 'x')",
         "outputs": [{"output_type": "display_data", "data": {"image/png": "", "text/plain": "<Image>"},
                      "metadata": {"image/png": {"vstudy": {"texts": ["organisations_per_100k", "Алматы"]}}}},
                     {"output_type": "display_data", "data": {"text/markdown": "Доля `initiative_group_count`",
                                                              "text/html": "<p>x</p>"}, "metadata": {}}]}]}
    parts = dict(reader_ids.reader_text(nb, "ru"))
    found = {part: [h.token for h in reader_ids.find(text, vocab)] for part, text in parts.items()}
    assert found == {"cell 0 (Markdown)": ["ngo_share_pct"], "cell 1 (fig-alt)": [],
                     "cell 1 output 0 (figure labels)": ["organisations_per_100k"],
                     "cell 1 output 1 (Markdown)": ["initiative_group_count"]}


@pytest.mark.parametrize("lang", LANGS)
def test_the_notebooks_own_words_name_no_ids(vocab, lang):
    """Every section notebook's Markdown cells, captions and alt texts of the edition: no column, table, function or
    file name (sections 03 and 04 named a plan file, library functions and a CSV's columns)."""
    hits = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        hits += [str(h) for part, text in reader_ids.reader_text(notebook, lang)
                 for h in reader_ids.find(text, vocab, f"{path.name} {part}")]
    assert hits == []


@pytest.mark.parametrize("section", ["03", "04"])
def test_the_messages_of_sections_03_and_04_name_no_code(vocab, section):
    domain = {"03": "correlations", "04": "maps"}[section]
    for lang in LANGS:
        for key in i18n.catalogue(lang):
            if key.startswith(f"{domain}."):
                # a fact's name and a select's keys are not shown
                text = re.sub(r"\{\s*[A-Za-z_]\w*|\b[A-Za-z_]\w*\s*(?=\{)", "{", i18n.catalogue(lang)[key])
                assert "`" not in text and not reader_ids.find(text, vocab), (lang, key, text)


def test_every_official_indicator_has_a_label_in_every_language():
    from vstudy.present import labels

    meta = pd.read_csv(ROOT / "data" / "raw" / "official" / "indicators_meta.csv", dtype=str)
    given = set(pd.read_csv(ROOT / "data" / "raw" / "official" / "indicators.csv", dtype=str)["indicator"])
    assert given == set(meta["indicator"]) and len(given) == 19
    for lang in LANGS:
        names = labels.indicator_names(meta, lang, sorted(given))
        assert all(name != key for key, name in names.items()), lang
    assert labels.indicator_label("unemployment_rate_q4", "kk", meta) == "Жұмыссыздық деңгейі, IV тоқсан"
    assert labels.indicator_label("csi_quality_of_life_score", "ru", meta) == "Оценка качества жизни (CSI), баллов из 100"
    # no metadata: the study's own term, else the id itself
    assert labels.indicator_label("population_total", "ru") == labels.label("population_total", "ru")
    assert labels.indicator_label("my_own_indicator", "ru") == "my_own_indicator"
    # every indicator the study declares has the study's own label, for a dataset without metadata
    from vstudy.data import indicators

    for lang in LANGS:
        assert [i for i in indicators.BY_INDICATOR if labels.indicator_label(i, lang) == i] == [], lang


def test_a_datasets_indicator_without_a_label_is_warned_about_by_file_row_and_column(tmp_path):
    """An indicator the study does not declare, described by the dataset's indicators_meta without a Kazakh label:
    one WARNING naming the meta file, its row and the column label_kk; the build goes on (the id is shown)."""
    from vstudy.data import datasets

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "raw", data, ignore=shutil.ignore_patterns("boundaries", "originals"))
    values_path = data / "official" / "indicators.csv"
    values = pd.read_csv(values_path, dtype=str, keep_default_na=False)
    extra = values[values["indicator"] == "doctors_all_specialties"].copy()
    extra["indicator"] = "nurses_all_specialties"
    pd.concat([values, extra]).to_csv(values_path, index=False, lineterminator="\n")
    meta_path = data / "official" / "indicators_meta.csv"
    meta = pd.read_csv(meta_path, dtype=str, keep_default_na=False)
    row = meta[meta["indicator"] == "doctors_all_specialties"].copy()
    row["indicator"], row["label_en"], row["label_ru"], row["label_kk"] = (
        "nurses_all_specialties", "Nurses, end of year", "Численность медсестёр на конец года", "")
    meta = pd.concat([meta, row], ignore_index=True)
    meta.loc[meta["indicator"] == "doctors_all_specialties", "label_kk"] = ""  # the study's own label stands in
    meta.to_csv(meta_path, index=False, lineterminator="\n")
    ds = datasets.load_dataset(data)
    found = [p for p in ds.problems if p.rule == "indicator_label"]
    line = len(meta) + 1  # header = 1
    assert [(p.severity, p.file, p.row, p.column, p.value) for p in found] == [
        ("warning", "official/indicators_meta.csv", line, "label_kk", "nurses_all_specialties")]
    assert found[0].format().startswith(
        f"WARNING official/indicators_meta.csv:{line} column 'label_kk' value 'nurses_all_specialties'")
    assert ds.ok  # a warning: the build goes on and shows the id
    from vstudy.present import labels

    meta = meta.fillna("")
    assert labels.indicator_label("nurses_all_specialties", "ru", meta) == "Численность медсестёр на конец года"
    assert labels.indicator_label("nurses_all_specialties", "kk", meta) == "nurses_all_specialties"
    assert labels.indicator_label("doctors_all_specialties", "kk", meta) == labels.label("doctors_all_specialties",
                                                                                          "kk")


def test_section_00s_coverage_table_and_figure_name_indicators_by_label(processed_2021, vocab, study_style):
    from vstudy.analysis import replication
    from vstudy.data import processed
    from vstudy.present import figures, labels, notebook, views
    from vstudy.present.prose import data_quality

    long = processed.read_table("long_kz2021", processed_2021)
    meta = processed.read_table("official_indicators_meta", processed_2021)
    for lang in LANGS:
        names = labels.indicator_names(meta, lang, sorted(set(long["variable"][long["value_kind"] == "official"])))
        coverage = replication.indicator_coverage(long, "kz2021", lang, names)
        assert coverage.index.get_level_values("indicator").str.contains("_").any()  # the CSV keeps the ids
        shown = views.show(coverage, "00_data_quality", "coverage", lang)
        assert not reader_ids.find(shown.markdown(), vocab), lang
        assert not reader_ids.find(reader_ids.html_text(shown.html()), vocab), lang
        fig, _ = figures.plot_coverage(replication.coverage_matrix(long, "kz2021"), lang, names)
        texts = notebook.figure_texts(fig)
        figures.plt.close(fig)
        assert not reader_ids.find("\n".join(texts), vocab), lang
        assert names["unemployment_rate_q4"] in " ".join(texts)
        said = data_quality.coverage_text(coverage, lang)
        assert not reader_ids.find(said, vocab), (lang, said)
        assert names["avg_monthly_nominal_wage_quarterly"] in said


def test_section_00s_inventory_names_the_datasets_tables_by_label(processed_2021, vocab):
    from vstudy.analysis import replication
    from vstudy.present import views
    from vstudy.present.prose import data_quality

    dataset = json.loads((processed_2021 / "dataset.json").read_text(encoding="utf-8"))
    inventory = replication.dataset_tables(dataset)
    assert "age_by_region" in inventory.index
    for lang in LANGS:
        shown = views.show(inventory, "00_data_quality", "inventory", lang)
        assert not reader_ids.find(shown.markdown(), vocab), (lang, shown.markdown()[:300])
        said = data_quality.inventory_text(dataset, lang)
        assert not reader_ids.find(said, vocab), (lang, said)
    assert "17 regions (the administrative division of 2021)" in data_quality.inventory_text(dataset, "en")


@pytest.mark.parametrize("lang", LANGS)
def test_the_data_dictionary_gives_each_columns_label_beside_its_id(lang):
    from vstudy.data import schemas
    from vstudy.present import labels
    from vstudy.publish import pages

    for compact in (False, True):
        text = html.unescape(pages.dictionary_markdown(lang, level=2, compact=compact))
        assert not re.search(r"English version|английской версии|ағылшын тіліндегі нұсқа", text)
        for schema in schemas.all_schemas().values():
            for col in schema.columns:
                name = labels.column_label(col.name, lang, default=None) or labels.label(col.name, lang)
                beside = f"- `{col.name}` {name} (" if lang == "en" and compact else f"| `{col.name}` | {name} |"
                assert beside in text, (compact, beside)
    en = pages.dictionary_markdown("en")
    assert "| `vol_age_18_29_pct` | " + labels.column_label("vol_age_18_29_pct", "en") + " | float |" in en
