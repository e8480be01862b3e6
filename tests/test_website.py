"""Staging executed notebooks for Quarto: labelled cells keep exactly their figure or table."""

from __future__ import annotations

import nbformat

from vstudy.website import split_figure_cells


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
