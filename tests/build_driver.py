"""Run a pipeline build of the fixture notebooks in a process of its own, for the tests that stop builds.

    python tests/build_driver.py '{"root": "...", "prepare_delay": 1, ...}'

The build uses the three notebooks of tests/fixtures/pipeline_notebooks, a data step that copies the raw CSV
files into the processed layer and a renderer that writes a one-page "site" listing the notebooks' hashes (no
Quarto needed). It prints ``MARK <step>`` when a step starts, so that a test can stop it right there.
Options: root, data_dir, output_dir, jobs, wait, force, langs (the editions; all of them unless given),
sections (the names of the sections built; all three unless given), prepare_delay, render_delay, commit_delay
(seconds).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from vstudy.publish import pipeline
from vstudy.publish.quarto import RenderOutcome
from vstudy.publish.sections import Section
from vstudy.vocab import LANGS

SECTIONS = (
    Section("00", "alpha", raw_tables=("t_a",), titles=("Alpha", "Альфа", "Альфа бөлімі")),
    Section("01", "beta", raw_tables=("t_b",), titles=("Beta", "Бета", "Бета бөлімі")),
    Section("02", "gamma", raw_tables=("*",), titles=("Gamma", "Гамма", "Гамма бөлімі")),
)


def mark(what: str) -> None:
    print(f"MARK {what}", flush=True)


def copy_prepare(delay: float = 0.0):
    """A data step: the processed layer is a copy of the raw CSV files."""

    def prepare(config: pipeline.BuildConfig) -> None:
        mark("prepare")
        time.sleep(delay)
        config.processed_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(config.data_dir.glob("*.csv")):
            shutil.copyfile(path, config.processed_dir / path.name)

    return prepare


def listing_renderer(delay: float = 0.0):
    """A render step: ``site-src/index.qmd`` and ``site/index.html`` list each section's notebook hash."""

    def render(config: pipeline.BuildConfig, state: dict, view) -> RenderOutcome:
        mark("render")
        time.sleep(delay)
        listing = "".join(f"{name} {entry['notebook_sha256']}\n" for name, entry in sorted(state["sections"].items()))
        for folder, page in (("site-src", "index.qmd"), ("site", "index.html")):
            (view.stage / folder).mkdir(parents=True, exist_ok=True)
            (view.stage / folder / page).write_text(listing, encoding="utf-8")
        return RenderOutcome("rendered", "listing", 0.0)

    return render


def config_for(options: dict, echo=None) -> pipeline.BuildConfig:
    config = pipeline.BuildConfig(
        root=Path(options["root"]), data_dir=options.get("data_dir"), output_dir=options.get("output_dir"),
        sections=tuple(s for s in SECTIONS if s.name in options.get("sections", [s.name for s in SECTIONS])),
        jobs=options.get("jobs", 2), render=True, wait=options.get("wait", False),
        force=options.get("force", False), langs=tuple(options.get("langs", LANGS)),
        prepare=copy_prepare(options.get("prepare_delay", 0)),
        renderer=listing_renderer(options.get("render_delay", 0)), package_hash="fixed",
        echo=echo or (lambda line: print(line, flush=True)),
    )
    delay = options.get("commit_delay")
    if delay:
        def step(index: int) -> None:
            mark(f"commit {index}")
            time.sleep(delay)

        config.on_commit_step = step
    return config


def main() -> int:
    options = json.loads(sys.argv[1])
    with pipeline.terminate_as_interrupt():
        return pipeline.build(config_for(options)).exit_code


if __name__ == "__main__":
    sys.exit(main())
