"""Helpers the section notebooks call: default parameters, and where tables and figures go.

Every table a notebook shows is also written to ``<output_dir>/tables/<section>__<name>.csv``; figures go to
``<output_dir>/figures/<section>__<name>.png|svg``. Writes are atomic and deterministic (same input, same bytes).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vstudy.io import atomic_path

if TYPE_CHECKING:  # the pipeline reads PARAMETER_DEFAULTS on every no-op rebuild: no pandas import here
    import pandas as pd

# The parameters every section notebook declares in its cell tagged ``parameters`` (papermill overrides them).
PARAMETER_DEFAULTS: dict[str, object] = {
    "data_dir": "data/raw",
    "processed_dir": "data/processed",
    "scheme": "kz2021",
    "period": "2021-H2",
    "lang": "en",
    "alpha": 0.05,
    "n_boot": 2000,
    "seed": 20211231,
    "output_dir": "reports",
}


def tables_dir(output_dir: str | Path) -> Path:
    return Path(output_dir) / "tables"


def figures_dir(output_dir: str | Path) -> Path:
    return Path(output_dir) / "figures"


def save_table(frame: pd.DataFrame, section: str, name: str, output_dir: str | Path, index: bool = False) -> Path:
    """Write ``frame`` to ``tables/<section>__<name>.csv`` (UTF-8, LF, floats with up to 10 significant digits)."""
    target = tables_dir(output_dir) / f"{section}__{name}.csv"
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, index=index, lineterminator="\n", float_format="%.10g")
    return target


def figure_base(section: str, name: str, output_dir: str | Path) -> Path:
    """Path without extension for a figure of a section; plots.save adds .png and .svg."""
    path = figures_dir(output_dir) / f"{section}__{name}"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def show_figure(fig, section: str, name: str, output_dir: str | Path) -> None:
    """Save ``fig`` (PNG at ``plots.SAVE_DPI`` and SVG), close it, and show the saved PNG as the cell's output.

    The notebook, the website and the study PDF then carry the print-resolution file that was written, at the
    figure's fixed size, instead of a second, screen-resolution render with a cropped box; and every figure is
    drawn once less. Returns nothing, so that a last line of a cell adds no output.
    """
    from IPython.display import Image, display

    from vstudy import plots

    written = plots.save(fig, figure_base(section, name, output_dir))
    plots.plt.close(fig)
    png = next(p for p in written if p.suffix == ".png")
    display(Image(data=png.read_bytes(), format="png"))
