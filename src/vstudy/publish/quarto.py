"""Finding Quarto, and what a render reports back to the build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from vstudy.data import paths

# requirements/render.txt pins the Quarto the render is tested with (the `render` extra reads the same file).
RENDER_REQUIREMENTS = Path("requirements") / "render.txt"


def pinned_quarto() -> str:
    """The pinned requirement, ``quarto-cli==1.7.34``: from requirements/render.txt, else the installed metadata."""
    path = paths.repo_root() / RENDER_REQUIREMENTS
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    if not lines:
        import importlib.metadata

        try:
            lines = [r.split(";")[0] for r in importlib.metadata.requires("vstudy") or () if 'extra == "render"' in r]
        except importlib.metadata.PackageNotFoundError:
            lines = []
    found = [line.strip() for line in lines if re.match(r"\s*quarto-cli\b", line)]
    return found[0].replace(" ", "") if found else "quarto-cli"


QUARTO_HELP = f"""\
Quarto is not installed (no `quarto` on PATH nor in the project's environment): the notebooks were executed
into {{notebooks}} but the website and the study PDF were not rendered. Install Quarto, then run the same
command again (only the render will run). The render is tested with Quarto {pinned_quarto().partition("==")[2] or "1.7"}
({pinned_quarto()}):
  * make report   (installs it into .venv from requirements/render.txt when no quarto is found)
  * pip:    .venv/bin/pip install -r requirements/render.txt   (= pip install {pinned_quarto()})
  * conda:  conda env create -f environment.yml && conda activate vstudy   (installs quarto from conda-forge)
  * or download that version from https://quarto.org/docs/download/
"""


@dataclass
class RenderOutcome:
    status: str  # "rendered", "no-quarto", "failed", "skipped"
    message: str = ""
    seconds: float = 0.0
    pages: list[str] = field(default_factory=list)  # the pages rendered, ``<lang>/<page>`` (a render may skip some)
    record: dict = field(default_factory=dict)  # what the build state keeps of each edition's site


def quarto_path() -> str | None:
    """``quarto`` on PATH, else the one installed into this Python's environment (``pip install quarto-cli`` puts
    its launcher beside the interpreter, in a venv's ``bin/`` that is not on PATH when ``.venv/bin/vstudy`` runs)."""
    found = shutil.which("quarto")
    if found:
        return found
    beside = Path(sys.executable).parent / ("quarto.exe" if sys.platform == "win32" else "quarto")
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


def render_command(quarto: str, pages: list[str] | None) -> list[str]:
    """The one Quarto call that renders a staged edition: the whole project (``pages`` None) or only ``pages``.

    ``quarto render --no-clean`` renders every page of the project, over the site already in ``_site`` (the build
    renders on a copy of the site in place, which is never removed first). ``quarto render <page> … <page>
    --no-clean`` renders only those pages, all in one Quarto process: Quarto takes the arguments before the first
    option as its inputs and renders each in turn as a render of that file inside its project (quarto-cli,
    ``src/command/render/cmd.ts``), exactly what ``quarto render <page>`` alone does — the project's
    configuration applies, and its website steps run for the page (its search index entries replaced, the other
    pages left as they are in ``_site``). The option after the pages is needed: without one, Quarto takes only the
    first argument as its input and hands the others to Pandoc, which reads them as more input of that document.
    (``--no-clean`` only matters to a render of every page; a page whose name starts with ``-`` is given as
    ``./-…``, so that it is not read as an option.)

    A project profile (``_quarto-<name>.yml``, ``--profile <name>``) whose ``project: render:`` list names only
    the changed pages would not do (checked with Quarto 1.7.34): Quarto adds a profile's list to that of
    ``_quarto.yml`` (only ``!page`` entries narrow it), and a project whose list holds only the changed pages is
    rendered as a whole project of those pages — the other pages are no longer its inputs, so the navbar and
    sidebar links to them keep their ``.qmd``/``.ipynb`` targets, their sources are copied into the site as
    resources and the search index is rebuilt from the rendered pages alone.

    What one call costs (Quarto 1.7.34, measured in CPU seconds on the 2-core machine, one edition after one raw
    table changed: the study PDF, the reproducibility page and one section page, about 23 s in all): Quarto starts
    once (about 0.4 s), but each page is its own render with its own project context (``cmd.ts`` calls ``render``
    once per input), so each HTML page compiles the site's Bootstrap stylesheet again (about 4.5 s with the
    JavaScript build of dart-sass measured; 9 s of the 23): Bootstrap's SCSS holds ``@import``, for which Quarto
    keeps the compiled CSS only in a session cache inside that render's temporary folder
    (``.quarto/quarto-session-temp…/sass``, removed when the page is done; ``src/core/sass.ts``,
    ``compileWithCache``), not in its persistent cache in the user's cache folder, so keeping ``.quarto/`` between
    builds (the build does) cannot spare it. The study PDF costs about 9 s (Pandoc with Quarto's filters 6.3 s, typst 2.2 s, the
    heading analysis 0.6 s), the pages' own Pandoc runs about 0.5 s each, Quarto's own work about 1 s a page.
    Splitting the PDF into a second Quarto process beside the pages' costs a second start and project context
    (about 2.8 s more CPU per edition, measured) and gains no time while the editions' calls already keep both
    cores busy.
    """
    if pages is not None and not pages:
        raise ValueError("no page to render: Quarto is not to be called")
    inputs = [f"./{page}" if page.startswith("-") else page for page in pages or ()]
    return [quarto, "render", *inputs, "--no-clean"]


def quarto_version(quarto: str | None) -> str:
    if not quarto:
        return "not installed"
    try:
        return subprocess.run([quarto, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
