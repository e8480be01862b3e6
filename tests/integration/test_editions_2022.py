"""The Russian and Kazakh editions of the 2022 example, made without a kernel, checked as the builds' editions are.

The shared build of the synthetic 2022 example (``study_build("kz2022")`` of tests/conftest.py,
data/examples/kz2022-synthetic) makes its English edition only: the tests of its executions (test_notebooks.py, the
home page's figures) read that one. Its Russian and Kazakh editions are made here, once per test run, without a
kernel: each section notebook's own code cells run in this process (the parameters the build gives them, the
edition's ``lang`` and its own ``output_dir``) on a processed layer of the same dataset; what the cells display,
print and end with becomes the cells' outputs (the mime bundles IPython's display formatter makes, as in a kernel),
the notebook is cut to the edition (:func:`vstudy.present.edition.localize`, as the build's worker does) and the
edition's pages are staged from it (:func:`vstudy.publish.website.stage_site`, as the build does). The same checks
then read them as the tests of the builds read an edition:

* every section's cells run without an error, in each edition (the build of the three editions failed otherwise);
* no internal ids on what a reader of the edition sees (test_ids_in_editions.py, :mod:`vstudy.publish.reader_ids`:
  the notebooks and the staged pages, appendices included; section 00 names none of the errata register's ids);
* each figure's data beside it with the edition's copy, staged with the pages (test_ids_in_editions.py);
* every reader table fits the page and the site (test_pages_fit_builds.py: the pipe table's width, its columns,
  no cut, no remote asset; measured in headless Chromium).
"""

from __future__ import annotations

import os

import nbformat
import pytest
import test_ids_in_editions as ids
from conftest import STUDY_DATASETS, shared_once
from helpers import run_cells
from test_notebooks import _errors
from test_pages_fit_builds import tables_fit

from vstudy.analysis import shared
from vstudy.publish import sections

SCHEME = "kz2022"
DATA = STUDY_DATASETS[SCHEME]
LANGS = ("ru", "kk")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("editions_2022")]


def _run_cells(nb, params: dict, formatter) -> None:
    """Run the code cells of ``nb`` here (:func:`helpers.run_cells`) and put what each cell shows (display() calls,
    printed text, its last expression when not None) into its outputs, as a kernel would."""
    for count, run in enumerate(run_cells(nb, params, str(nb.metadata.get("path", "notebook"))), start=1):
        outputs = [nbformat.v4.new_output("stream", name=name, text=text)
                   for name, text in (("stdout", run.stdout), ("stderr", run.stderr)) if text]
        for obj, kw in run.shown:
            if kw.get("raw"):
                data, md = obj, kw.get("metadata") or {}
            else:
                data, md = formatter.format(obj)
                md = {**md, **(kw.get("metadata") or {})}
            outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=md))
        if run.value is not None:
            data, md = formatter.format(run.value)
            outputs.append(nbformat.v4.new_output("execute_result", data=data, metadata=md, execution_count=count))
        run.cell.outputs = outputs
        run.cell.execution_count = count


def _make_editions(folder):
    """``<folder>/out``: the ru and kk editions of the 2022 example (notebooks, tables, figures, site-src), and
    ``<folder>/processed``, made without a kernel."""
    from IPython.core.formatters import DisplayFormatter

    from vstudy.data import processed
    from vstudy.data.manifest import read_manifest
    from vstudy.publish.config import BuildConfig
    from vstudy.publish.pipeline import parameters_for

    out, layer = folder / "out", folder / "processed"
    processed.prepare_for_build(DATA, layer, SCHEME)
    config = BuildConfig(data_dir=DATA, processed_dir=layer, output_dir=out, scheme=SCHEME, langs=LANGS,
                         render=False, echo=lambda _: None)
    params = parameters_for(config, dict(read_manifest(DATA).raw or {}))
    formatter = DisplayFormatter()
    state: dict = {"sections": {}, "site": {}}
    # The editions share the correlation study's tests and robustness checks, as a build's editions do
    # (vstudy.analysis.shared: computed by the first edition, read back by every edition).
    previous = os.environ.get(shared.ENV)
    os.environ[shared.ENV] = str(folder / "shared")
    try:
        _run_editions(config, params, layer, formatter, state)
    finally:
        if previous is None:
            del os.environ[shared.ENV]
        else:
            os.environ[shared.ENV] = previous


def _run_editions(config, params: dict, layer, formatter, state: dict) -> None:
    import matplotlib.pyplot as plt

    from vstudy.present import edition
    from vstudy.publish import website
    from vstudy.publish.pipeline import edition_parameters

    for lang in LANGS:
        # what the notebooks read and write: absolute paths (the build runs them from the repository's root)
        run = dict(edition_parameters(config, params, lang), data_dir=str(DATA), processed_dir=str(layer),
                   output_dir=str(config.edition_dir(lang)))
        (config.notebooks_dir(lang)).mkdir(parents=True)
        for section in sections.SECTIONS:
            nb = nbformat.read(config.root / section.notebook, as_version=4)
            _run_cells(nb, run, formatter)
            plt.close("all")
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                         "language": "python"}
            nbformat.write(nbformat.from_dict(edition.localize(nb, lang)),
                           config.notebooks_dir(lang) / f"{section.name}.ipynb")
            state["sections"][f"{lang}/{section.name}"] = {"parameters": edition_parameters(config, params, lang)}
        website.stage_site(config, state, None, lang)


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """(dataset folder, output tree) of the ru and kk editions of the 2022 example, made once per test run."""
    folder = shared_once(tmp_path_factory, "editions_2022_without_kernel", _make_editions)
    return DATA, folder / "out"


def _notebooks(out, lang):
    return [(section.name, nbformat.read(out / lang / "notebooks" / f"{section.name}.ipynb", as_version=4))
            for section in sections.SECTIONS]


@pytest.mark.parametrize("lang", LANGS)
def test_every_section_runs_clean_in_the_edition(editions, lang):
    _, out = editions
    for name, nb in _notebooks(out, lang):
        assert nb.metadata["lang"] == lang and _errors(nb) == [], name
        assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                    if o.output_type == "stream" and o.name == "stderr"], name
    assert sorted(p.name for p in (out / "site-src" / lang).glob("study-*.qmd")), "the pages were not staged"


@pytest.mark.parametrize("lang", LANGS)
def test_no_internal_ids_in_the_edition(editions, lang):
    """test_ids_in_editions.py's five checks of an edition, on this one."""
    for check in (ids.test_the_study_shows_at_most_ten_ids_outside_the_data_dictionary,
                  ids.test_the_executed_notebooks_name_no_function_file_or_indicator,
                  ids.test_section_00s_errata_table_names_no_ids,
                  ids.test_the_errata_and_sources_appendices_name_no_ids,
                  ids.test_each_edition_shows_at_most_ten_ids_outside_the_data_dictionary_appendices_included):
        check(editions, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_figures_data_are_saved_beside_the_figures_with_the_edition_copy(editions, lang):
    ids.figures_of_the_edition(editions[1], lang)


def test_every_table_fits_the_site_and_the_page(editions, tmp_path):
    tables_fit(SCHEME, {lang: _notebooks(editions[1], lang) for lang in LANGS}, tmp_path)

