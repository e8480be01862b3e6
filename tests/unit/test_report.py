"""Notebook output helpers: figures shown at print resolution from the file that was saved; tables as CSV."""

from __future__ import annotations

import struct
from pathlib import Path

import pandas as pd
import pytest

from vstudy.present import notebook, plots


def _png_size_and_dpi(data: bytes) -> tuple[int, int, float]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    phys = data.index(b"pHYs")
    per_metre = struct.unpack(">I", data[phys + 4:phys + 8])[0]
    return width, height, per_metre * 0.0254


@pytest.mark.usefixtures("study_style")
def test_show_figure_saves_closes_and_displays_the_saved_png(tmp_path: Path, monkeypatch) -> None:
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    fig, ax = plots.plt.subplots(figsize=(plots.FULL_WIDTH_IN, 3))
    ax.plot([1, 2, 3], [2, 1, 3])
    number = fig.number

    assert notebook.show_figure(fig, "09_demo", "line", tmp_path) is None
    png = tmp_path / "figures" / "09_demo__line.png"
    assert png.exists() and (tmp_path / "figures" / "09_demo__line.svg").exists()
    assert not plots.plt.fignum_exists(number)  # closed: the inline backend will not draw it a second time
    assert len(shown) == 1 and shown[0].data == png.read_bytes()
    width, height, dpi = _png_size_and_dpi(shown[0].data)
    assert dpi == pytest.approx(plots.SAVE_DPI, abs=0.5)
    assert (width, height) == (round(plots.FULL_WIDTH_IN * plots.SAVE_DPI), 3 * plots.SAVE_DPI)


def test_save_table_writes_utf8_csv_with_stable_floats(tmp_path: Path) -> None:
    frame = pd.DataFrame({"region": ["Түркістан облысы"], "share_pct": [1 / 3]})
    path = notebook.save_table(frame, "09_demo", "shares", tmp_path)
    assert path == tmp_path / "tables" / "09_demo__shares.csv"
    assert path.read_text(encoding="utf-8") == "region,share_pct\nТүркістан облысы,0.3333333333\n"
