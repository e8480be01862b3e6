"""No internal ids on what a reader of any edition sees, for both datasets — without Quarto.

Each dataset (the report's transcription, ``data/raw``; the synthetic 2022 example, ``data/examples/kz2022-synthetic``)
is built once per test run (``study_build`` of tests/conftest.py, shared with the other tests that read the builds:
``vstudy build`` without Quarto stages the pages and stops before rendering, exit code 3), the report's in every
edition and the 2022 example in English (its Russian and Kazakh editions, made without a kernel, are checked by these
functions in test_editions_2022.py). The check (:mod:`vstudy.publish.reader_ids`) then reads what a reader sees — the executed
notebooks of each edition (Markdown cells, text/markdown and HTML outputs, alt texts, the texts printed on figures)
and the page sources (``site-src/<lang>``: the pages, the generated parts, the study document) — and counts the ids
the project knows (every column, table, figure, indicator, claim and function name, built from the code and the
data) outside the data dictionary.

The study's body (the notebooks, the home and data pages' own words, the study document up to its appendices) must
show at most ten per edition, and so must the whole edition with its appendices (the errata and the origin
records, whose texts name tables, columns and sources in words: the register's machine pointers keep the ids, the
pages show labels). The pages whose subject is files — the list of downloadable tables and the reproducibility
page's checksums of the dataset's files — name files by design and are not counted. The collection template's
column names, which sentences about what a dataset lacks name on purpose (issue 19), are counted apart.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from conftest import STUDY_DATASETS, STUDY_EDITIONS, on_build

from vstudy.publish import reader_ids

# The datasets by name, each with the scheme of its build (tests/conftest.py: STUDY_DATASETS).
DATASETS = {"report_2021": "kz2021", "synthetic_2022": "kz2022"}
MOST = 10
# Pages about files: a list of the downloadable CSV files, and the checksums of the dataset's files.
FILE_PAGES = ("_generated/tables.md", "_generated/reproducibility.md")
APPENDICES = ("_generated/errata.md", "_generated/sources.md")

pytestmark = pytest.mark.slow


# Each dataset with each edition its build makes (tests/conftest.py: STUDY_EDITIONS); the Russian and Kazakh
# editions of the 2022 example, made without a kernel, are checked by the same functions in test_editions_2022.py.
EDITIONS = [pytest.param(name, lang, marks=on_build(DATASETS[name]), id=f"{name}-{lang}")
            for name in DATASETS for lang in STUDY_EDITIONS[DATASETS[name]]]
BUILDS = [pytest.param(name, marks=on_build(DATASETS[name])) for name in DATASETS]


@pytest.fixture()
def built(request, study_build):
    """The build of a dataset with its editions, no Quarto: (dataset folder, output tree)."""
    build = study_build(DATASETS[request.param])
    return build.data, build.out


def _report(hits) -> str:
    places = Counter(h.where.split(" cell")[0] for h in hits)
    return "\n".join([f"{n:4d}  {place}" for place, n in places.most_common()] + [str(h) for h in hits[:40]])


def _errata_ids(data: Path, vocab) -> set[str]:
    """The ids the dataset's errata register names in its own texts (shown in section 00's errata table and in the
    study's errata appendix): the provenance helper's texts, counted apart."""
    register = data / "report_2021" / "errata.csv"
    if not register.is_file():
        return set()
    return {h.token for h in reader_ids.find(register.read_text(encoding="utf-8"), vocab)}


def _hits(built, lang):
    data, out = built
    vocab = reader_ids.vocabulary(out, [data])
    notebooks = [h for path in sorted((out / lang / "notebooks").glob("*.ipynb"))
                 for h in reader_ids.notebook_hits(path, lang, vocab)]
    site_src = out / "site-src" / lang
    assert (site_src / "index.qmd").is_file() and list(site_src.glob("study-*.qmd")), "the pages were not staged"
    pages = reader_ids.page_hits(site_src, lang, vocab)
    return notebooks, pages


@pytest.mark.parametrize(("built", "lang"), EDITIONS, indirect=["built"])
def test_the_study_shows_at_most_ten_ids_outside_the_data_dictionary(built, lang):
    """The notebooks and the pages' own words (not the file pages nor the appendices, below). The collection
    template's column names, which the sentences about what a dataset lacks name on purpose (issue 19), are
    counted apart and listed."""
    data, out = built
    notebooks, pages = _hits(built, lang)
    shown = notebooks + [h for h in pages if not h.where.endswith(FILE_PAGES + APPENDICES)
                         and not h.where.endswith("appendices")]
    errata = _errata_ids(data, reader_ids.vocabulary(out, [data]))
    counted = [h for h in shown if h.kind == "id" and h.token not in errata]
    assert len(counted) <= MOST, _report(counted)
    template = [h for h in shown if h.kind == "template column"]
    assert len(template) <= 2 * MOST, _report(template)


@pytest.mark.parametrize(("built", "lang"), EDITIONS, indirect=["built"])
def test_the_executed_notebooks_name_no_function_file_or_indicator(built, lang):
    """Sections 00–07 as a reader of the edition sees them: no function or file name, no path, no official
    indicator id, no dataset table name (the errata register's own texts, shown in section 00's errata table,
    are the provenance helper's and are left out here)."""
    data, out = built
    notebooks, _ = _hits(built, lang)
    meta = reader_ids._dataset_ids(data)
    wrong = [h for h in notebooks if "output" not in h.where or "00_data_quality" not in h.where
             or h.token in meta or reader_ids.POSIX_PATH.match(h.token + "(")]
    wrong = [h for h in wrong if h.kind == "id" and h.token not in _errata_ids(data, reader_ids.vocabulary(out, [data]))]
    assert wrong == [], _report(wrong)


def _text_ids(data: Path, vocab) -> set[str]:
    """The ids in the errata register's texts (its description, evidence and correction columns in every language):
    what section 00's errata table and the errata appendix show."""
    register = data / "report_2021" / "errata.csv"
    if not register.is_file():
        return set()
    with register.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, register
    return {h.token for row in rows for column, text in row.items()
            if column.startswith(("description", "evidence", "correction")) and text
            for h in reader_ids.find(text, vocab)}


def _pointer_ids(vocab) -> set[str]:
    """The ids the report's errata register keeps in its machine pointers (``file``, ``rows``, ``rule_id``) and
    anywhere else in it: none may reach a reader's page."""
    register = STUDY_DATASETS[DATASETS["report_2021"]] / "report_2021" / "errata.csv"
    return {h.token for h in reader_ids.find(register.read_text(encoding="utf-8"), vocab)}


@pytest.mark.parametrize(("built", "lang"), EDITIONS, indirect=["built"])
def test_section_00s_errata_table_names_no_ids(built, lang):
    """The register's texts name tables, columns and modules in words (its pointers keep the ids), so section 00
    shows none of them — nor does the synthetic dataset's section 00, which has no register."""
    data, out = built
    vocab = reader_ids.vocabulary(out, [data])
    assert _text_ids(data, vocab) == set()
    pointers = _pointer_ids(vocab)
    assert {"age_by_region.csv", "headline_figures.csv"} <= pointers  # the pointers are ids, as the code needs
    notebooks, _ = _hits(built, lang)
    hits = [h for h in notebooks if h.token in pointers and "00_data_quality" in h.where]
    assert hits == [], _report(hits)


@pytest.mark.parametrize(("built", "lang"), EDITIONS, indirect=["built"])
def test_the_errata_and_sources_appendices_name_no_ids(built, lang):
    data, out = built
    hits = [h for h in _hits(built, lang)[1] if h.where.endswith(APPENDICES) or h.where.endswith("appendices")]
    assert hits == [], _report(hits)


@pytest.mark.parametrize(("built", "lang"), EDITIONS, indirect=["built"])
def test_each_edition_shows_at_most_ten_ids_outside_the_data_dictionary_appendices_included(built, lang):
    """The whole edition a reader reads — notebooks, pages, the study document with its appendices — but the file
    pages and the data dictionary: at most ten ids (the template's column names apart, as above)."""
    notebooks, pages = _hits(built, lang)
    shown = notebooks + [h for h in pages if not h.where.endswith(FILE_PAGES)]
    counted = [h for h in shown if h.kind == "id"]
    assert len(counted) <= MOST, _report(counted)


@pytest.mark.parametrize("built", BUILDS, indirect=True)
def test_figures_data_are_saved_beside_the_figures_with_edition_copies(built, request):
    data, out = built
    langs = STUDY_EDITIONS[DATASETS[request.node.callspec.params["built"]]]
    assert langs[0] == "en"
    for lang in langs:
        figures_of_the_edition(out, lang)


def figures_of_the_edition(out: Path, lang: str) -> None:
    """Each figure's data beside it (``<out>/<lang>/figures``), the edition's copy (``*.<lang>.csv``) in ru and kk,
    and the same CSV files staged with the edition's pages."""
    figures = out / lang / "figures"
    pngs = {p.stem for p in figures.glob("*.png")}
    csvs = {p.name.split(".")[0] for p in figures.glob("*.csv")}
    assert pngs and pngs == csvs, (lang, sorted(pngs ^ csvs))
    if lang != "en":
        assert {p.name.split(".")[0] for p in figures.glob(f"*.{lang}.csv")} == pngs
    staged = out / "site-src" / lang / "figures"
    assert {p.name for p in staged.glob("*.csv")} == {p.name for p in figures.glob("*.csv")}
