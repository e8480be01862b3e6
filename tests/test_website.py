"""Staging for Quarto: labelled cells keep exactly their figure or table; the report page embeds what exists."""

from __future__ import annotations

import html
from pathlib import Path

import nbformat

from vstudy.build import website
from vstudy.build.website import split_figure_cells


def _out(kind, **data):
    return nbformat.v4.new_output(kind, data=data) if kind != "stream" else nbformat.v4.new_output(
        "stream", name="stdout", text="note\n")


def test_figure_cell_keeps_only_its_image_and_notes_follow():
    fig = nbformat.v4.new_code_cell("#| label: fig-x\n#| fig-cap: \"X\"\ndraw()")
    fig.outputs = [_out("display_data", **{"image/png": "iVBO", "text/plain": "<Figure>"}),
                   _out("display_data", **{"text/markdown": "Classes: quantiles", "text/plain": "..."})]
    cells = split_figure_cells([fig])
    assert [c.source.splitlines()[0] for c in cells] == ["#| label: fig-x", "#| echo: false"]
    assert list(cells[0].outputs[0]["data"]) == ["image/png", "text/plain"] and len(cells[0].outputs) == 1
    assert cells[1].outputs[0]["data"]["text/markdown"] == "Classes: quantiles"


def test_table_cell_text_before_table_moves_before():
    tbl = nbformat.v4.new_code_cell("#| label: tbl-y\n#| tbl-cap: \"Y\"\nshow()")
    tbl.outputs = [_out("display_data", **{"text/markdown": "Intro", "text/plain": "Intro"}),
                   _out("execute_result", **{"text/html": "<table/>", "text/plain": "df"})]
    cells = split_figure_cells([tbl])
    assert [c.source.splitlines()[0] for c in cells] == ["#| echo: false", "#| label: tbl-y"]
    assert "text/html" in cells[1].outputs[0]["data"]


def test_labelled_cell_without_figure_loses_its_label():
    empty = nbformat.v4.new_code_cell("#| label: fig-z\n#| fig-cap: \"Z\"\n#| fig-alt: \"z\"\nskip()")
    empty.outputs = [_out("display_data", **{"text/markdown": "not published", "text/plain": "..."})]
    (cell,) = split_figure_cells([empty])
    assert "label" not in cell.source and cell.source.strip() == "skip()"
    assert cell.outputs[0]["data"]["text/markdown"] == "not published"


def test_report_markdown_embeds_present_labels_and_names_the_missing() -> None:
    pages = {"04_maps": (Path("notebooks/04_maps.ipynb"), "04. Maps of the regions")}
    labels = {"04_maps": ["fig-maps-organisations-per-100k"]}
    text = website.report_markdown(pages, labels)
    assert "## Maps of the regions\n" in text  # no "04.": the PDF numbers its sections
    assert "{{< embed notebooks/04_maps.ipynb#fig-maps-organisations-per-100k >}}" in text
    # Listed in KEY_FIGURES but not in the notebook: a visible note, never a broken embed.
    assert "`fig-maps-small-multiples` is not in the executed notebook `04_maps`" in text
    assert "#fig-maps-small-multiples >}}" not in text
    # A link to the section page on the website; the notebook's name in the PDF.
    assert "[04_maps](notebooks/04_maps.ipynb)" in text and 'content-hidden when-format="html"' in text
    # Sections not executed in this build are announced, not skipped.
    assert "Section `01_demographics` has not been executed in this build" in text
    assert text.count("## ") == len(website.KEY_FIGURES)


def test_staged_section_page_takes_its_title_from_the_heading(tmp_path: Path) -> None:
    from vstudy.build import pipeline
    from vstudy.build.sections import Section

    section = Section("03", "demo", (), titles=("Demo section", "Демо-раздел"))
    config = pipeline.BuildConfig(root=tmp_path, sections=(section,))
    config.executed_path(section).parent.mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Correlations, re-examined\n\nText."),
                                         nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, config.executed_path(section))

    pages = website.stage_notebooks(config, tmp_path / "stage")
    path, title = pages["03_demo"]
    assert title == "03. Correlations, re-examined"
    staged = nbformat.read(path, as_version=4)
    front = staged.cells[0]
    assert front.cell_type == "raw"
    assert front.source.splitlines() == ["---", 'title: "03. Correlations, re-examined"',
                                         'subtitle: "Демо-раздел"', 'html-table-processing: "none"', "---"]
    assert staged.cells[1].source.strip() == "Text."  # the heading is not repeated under the title


def test_sources_page_lists_every_cited_source_with_where_and_licence(repo_root: Path) -> None:
    import yaml

    text = html.unescape(website.sources_markdown(repo_root / "data" / "raw"))  # as the reader sees it
    records = yaml.safe_load((repo_root / "data/raw/official/source.yml").read_text(encoding="utf-8"))
    for source in records["sources"]:
        block = text.split(f"#### {source['id']}\n", 1)[1].split("####", 1)[0]
        assert "- **Where in it:** " in block and "- **Licence:** " in block, source["id"]
    assert "| id | Producer |" not in text  # no wide table of sources
