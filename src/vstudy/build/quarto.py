"""Finding Quarto, and what a render reports back to the build."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

QUARTO_HELP = """\
Quarto is not installed (no `quarto` on PATH): the notebooks were executed into {notebooks}
but the website and the study PDF were not rendered. Install Quarto, then run the same command again
(only the render will run):
  * conda:  conda env create -f environment.yml && conda activate vstudy   (installs quarto from conda-forge)
  * pip:    .venv/bin/pip install quarto-cli   (or: pip install -e '.[render]')
  * or download it from https://quarto.org/docs/get-started/
"""


@dataclass
class RenderOutcome:
    status: str  # "rendered", "no-quarto", "failed", "skipped"
    message: str = ""
    seconds: float = 0.0


def quarto_path() -> str | None:
    return shutil.which("quarto")


def quarto_version(quarto: str | None) -> str:
    if not quarto:
        return "not installed"
    try:
        return subprocess.run([quarto, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
