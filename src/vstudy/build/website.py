"""The Quarto website and the study PDF: stage the pages, then ``quarto render`` and swap the result in.

The Quarto project is the top-level ``_quarto.yml``; its hand-written pages live in ``site/`` (``index.qmd``,
``notebook.qmd``, ``data.qmd``, ``reproducibility.qmd``). A build copies both into ``site-src/`` of the output set
it is building (in the build's staging area; see :mod:`vstudy.build.pipeline`) with

* ``notebooks/<name>.ipynb`` — the executed section notebooks, each given a front-matter cell (title from the
  notebook's first ``# heading``) so the page has a title and no duplicate heading; Quarto renders ``.ipynb``
  without executing it, so the pages show exactly what papermill produced;
* ``_generated/*.md`` — parts generated from the data (their content: :mod:`vstudy.build.pages`): headline
  figures, origin records (sources, licences), the data dictionary, the errata, the reproducibility facts and the
  report's list of embedded figures;
* ``study.qmd`` — the study PDF's document, the whole study (:mod:`vstudy.build.book`);
* ``_quarto.yml`` with the sidebar listing the executed sections in reading order.

Quarto then renders the staged project into ``site-src/_site``, which becomes the set's ``site/``; the pipeline
puts ``site/`` and ``site-src/`` in place with the rest of the set, so a failed render leaves the previous site.
The render is skipped when its inputs' hashes match the state file.

Every string that comes from the dataset (origin records, errata, units, file names, the period) is escaped
with :func:`vstudy.present.text.escape` wherever it lands on a page: no HTML, Markdown link, math, citation or
Quarto shortcode from data is ever live. Origin records are read with the data layer's safe YAML reader.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from vstudy.build import book, procs
from vstudy.build import pages as content
from vstudy.build.pages import git_commit
from vstudy.build.quarto import QUARTO_HELP, RenderOutcome, quarto_path, quarto_version
from vstudy.build.state import hash_tree, sha256_file, sha256_json
from vstudy.data import manifest as dataset_manifest
from vstudy.data.atomic import write_text_atomic
from vstudy.present.text import neutralize

LABEL_RE = re.compile(r"^#\|\s*label:\s*((?:fig|tbl)-[\w-]+)\s*$", re.MULTILINE)


def templates_dir(root: Path) -> Path:
    """``site/`` of the build root, or of the checkout this package comes from (tests build in a temp tree)."""
    own = root / "site"
    return own if own.is_dir() else Path(__file__).resolve().parents[3] / "site"


def project_file(root: Path) -> Path:
    """The top-level ``_quarto.yml`` of the build root, or of the checkout this package comes from."""
    own = root / "_quarto.yml"
    return own if own.is_file() else Path(__file__).resolve().parents[3] / "_quarto.yml"


# Template files that stay out of the staged project: the hook that stops a render of the repository root.
NOT_STAGED = ("not-here.py",)


@dataclass
class SetView:
    """The output set being built: a folder is either staged anew (``stage/<name>``) or kept (``tree/<name>``)."""

    tree: Path
    stage: Path
    processed_dir: Path
    staged: set[str] = field(default_factory=set)
    # The build's tag and watchdog pipe (vstudy.build.procs): Quarto runs under them, so it ends with the build.
    token: str | None = None
    watchdog: int | None = None

    def dir(self, name: str) -> Path:
        return self.stage / name if name in self.staged else self.tree / name


def _view(config, view: SetView | None) -> SetView:
    """The set the site shows (default: the output tree as it is, staged into ``<output>/site-src``)."""
    return view if view is not None else SetView(config.output_dir, config.output_dir, config.processed_dir)


# --------------------------------------------------------------------------------------------------------------
# When to render


def site_key(config, state: dict) -> str:
    """Hash of everything the pages show: templates, executed notebooks, data, package, commit."""
    notebooks = {name: entry.get("notebook_sha256") for name, entry in sorted(state["sections"].items())}
    return sha256_json({
        "templates": hash_tree(templates_dir(config.root)),
        "project": sha256_file(project_file(config.root)),
        "notebooks": notebooks,
        "raw": hash_tree(config.data_dir),
        "package": config.package_hash,
        "commit": git_commit(config.root),
    })


def render_site(config, state: dict, view=None) -> RenderOutcome:
    """Stage the pages into ``<set>/site-src`` and render them into ``<set>/site``.

    Returns ``rendered`` (message: the Quarto version), ``no-quarto`` after staging when Quarto is missing, or
    ``failed`` with the end of Quarto's output. Nothing outside the set's staging folder is written.
    """
    view = _view(config, view)
    start = time.perf_counter()
    stage = stage_site(config, state, view)
    quarto = quarto_path()
    if quarto is None:
        return RenderOutcome("no-quarto", QUARTO_HELP.format(notebooks=config.notebooks_dir))
    shutil.rmtree(stage / "_site", ignore_errors=True)
    command, env, fds = [quarto, "render", "--no-clean"], None, ()
    if view.token and view.watchdog is not None:
        command, env, fds = procs.watched_command(command, view.token, view.watchdog)
    proc = subprocess.run(command, cwd=stage, capture_output=True, text=True, env=env, pass_fds=fds)
    if proc.returncode != 0 or not (stage / "_site" / "index.html").exists():
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-25:])
        return RenderOutcome("failed", tail, time.perf_counter() - start)
    site = view.stage / "site"
    shutil.rmtree(site, ignore_errors=True)
    os.replace(stage / "_site", site)
    return RenderOutcome("rendered", quarto_version(quarto), time.perf_counter() - start)


# --------------------------------------------------------------------------------------------------------------
# Staging


def stage_site(config, state: dict, view=None) -> Path:
    """Write the complete Quarto project of the set ``view`` into ``<set>/site-src`` and return it."""
    import yaml

    view = _view(config, view)
    stage = view.stage / "site-src"
    for child in stage.glob("*") if stage.exists() else []:
        if child.name != ".quarto":  # Quarto's cache may stay; everything else is regenerated
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    stage.mkdir(parents=True, exist_ok=True)
    templates = templates_dir(config.root)
    for path in templates.iterdir():
        if path.is_file() and path.name not in NOT_STAGED:
            shutil.copy2(path, stage / path.name)

    pages = stage_notebooks(config, stage / "notebooks", view.dir("notebooks"))
    labels = {name: notebook_labels(path) for name, (path, _) in pages.items()}

    project = yaml.safe_load(project_file(config.root).read_text(encoding="utf-8"))
    project.get("project", {}).pop("pre-render", None)  # the guard of the repository root, not of the stage
    sidebar = project.setdefault("website", {}).setdefault("sidebar", {})
    sidebar["contents"] = [{"section": "Sections", "contents": [
        {"href": f"notebooks/{name}.ipynb", "text": title} for name, (_, title) in pages.items()
    ]}] if pages else []
    write_text_atomic(stage / "_quarto.yml", yaml.safe_dump(project, allow_unicode=True, sort_keys=False))

    if view.dir("tables").is_dir():
        shutil.copytree(view.dir("tables"), stage / "tables", ignore=shutil.ignore_patterns(".*"))
    generated = stage / "_generated"
    generated.mkdir()
    manifest = study_manifest(config, view)
    set_titles(stage, manifest)
    write_text_atomic(generated / "home.md",
                      content.home_markdown(config, pages, labels, stage / "tables", manifest, "en"))
    write_text_atomic(generated / "report-body.md", content.report_markdown(pages, labels, "en"))
    write_text_atomic(generated / "sources.md", content.sources_markdown(config.data_dir, "en"))
    write_text_atomic(generated / "dictionary.md", content.dictionary_markdown("en"))
    write_text_atomic(generated / "errata.md", content.errata_markdown(config.data_dir, "en"))
    write_text_atomic(generated / "tables.md", content.tables_markdown(stage / "tables", "en"))
    write_text_atomic(generated / "reproducibility.md", content.reproducibility_markdown(config, state, "en"))
    book.write_study(stage, "en", pages, manifest, stage / "tables", config.data_dir)
    return stage


# Front-matter fields of the site's pages that end with the dataset's period, and the language of each.
PERIOD_TITLES = {"index.qmd": {"title": "en", "subtitle": "ru"}, "report.qmd": {"title": "en"}}


def set_titles(stage: Path, manifest: dict) -> None:
    """Write the dataset's period into the titles of the staged pages (:data:`PERIOD_TITLES`): the templates
    name no period, the dataset does."""
    import yaml

    for name, fields in PERIOD_TITLES.items():
        page = stage / name
        if not page.is_file():
            continue
        text = page.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        head, body = text[4:].split("\n---\n", 1)
        front = yaml.safe_load(head) or {}
        for key, lang in fields.items():
            if isinstance(front.get(key), str):
                front[key] = content.page_title(front[key], manifest, lang)
        write_text_atomic(page, "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
                          + "---\n" + body)


def stage_notebooks(config, target: Path, notebooks: Path | None = None) -> dict[str, tuple[Path, str]]:
    """Copy the executed notebooks (from ``notebooks``, default the tree's), each with a Quarto front-matter
    cell; return name → (path, title)."""
    import nbformat

    target.mkdir(parents=True, exist_ok=True)
    pages: dict[str, tuple[Path, str]] = {}
    for section in config.sections:
        source = (notebooks or config.notebooks_dir) / f"{section.name}.ipynb"
        if not source.exists():
            continue
        nb = nbformat.read(source, as_version=4)
        title = f"{section.number}. {section.title_en}"
        has_front_matter = nb.cells and nb.cells[0].cell_type == "raw" and nb.cells[0].source.startswith("---")
        if not has_front_matter:
            first_md = next((c for c in nb.cells if c.cell_type == "markdown"), None)
            if first_md is not None:
                match = re.match(r"\s*#\s+(.+?)\s*(?:\n|$)", first_md.source)
                if match:  # the heading becomes the page title instead of appearing twice
                    title = f"{section.number}. {match.group(1)}"
                    first_md.source = first_md.source[match.end():]
            # Section pages are HTML only: their pandas tables need not be parsed into Markdown tables (which
            # costs a second per table-heavy page; Quarto still adds its table classes). The report page keeps
            # the parsing, so that the tables it embeds reach the typst PDF.
            front = {"title": title, "subtitle": section.title_ru, "html-table-processing": "none"}
            yaml_lines = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items())
            nb.cells.insert(0, nbformat.v4.new_raw_cell(f"---\n{yaml_lines}\n---"))
        nb.cells = split_figure_cells(nb.cells)
        neutralize_outputs(nb)
        path = target / source.name
        nbformat.write(nb, path)
        pages[section.name] = (path, title)
    return pages


def neutralize_outputs(nb) -> None:
    """Every Markdown output of the notebook through :func:`vstudy.present.text.neutralize`: a data string a
    notebook displayed without escaping cannot become HTML, a shortcode, math or a citation on the page."""
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if isinstance(data.get("text/markdown"), str):
                data["text/markdown"] = neutralize(data["text/markdown"])


def split_figure_cells(cells: list) -> list:
    """Leave each labelled cell (``fig-…``, ``tbl-…``) with exactly its figure or table output.

    Quarto turns a labelled cell into one float: a Markdown sentence or printed note beside the image or table
    makes the float invalid and stops the render ("Block … expected, got table"). The other outputs move to
    unlabelled cells just before or after, in their original order, so they still appear on the page. A labelled
    cell that produced no figure or table (e.g. a map skipped for missing data) loses its label instead.
    """
    out = []
    for cell in cells:
        match = re.search(r"^#\|\s*label:\s*(fig|tbl)-", cell.source, re.MULTILINE) if cell.cell_type == "code" else None
        if match is None:
            out.append(cell)
            continue
        is_primary = _is_image_output if match.group(1) == "fig" else _is_table_output
        outputs = list(cell.get("outputs", []))
        primary = [i for i, o in enumerate(outputs) if is_primary(o)]
        if not primary:
            cell.source = re.sub(r"^#\|\s*(label|fig-cap|fig-alt|tbl-cap):.*\n?", "", cell.source, flags=re.MULTILINE)
            out.append(cell)
            continue
        first, last = primary[0], primary[-1]
        before, after = outputs[:first], outputs[last + 1:]
        cell.outputs = [o for i, o in enumerate(outputs) if first <= i <= last and is_primary(o)]
        stray = [o for i, o in enumerate(outputs) if first <= i <= last and not is_primary(o)]
        if before:
            out.append(_notes_cell(before))
        out.append(cell)
        if stray + after:
            out.append(_notes_cell(stray + after))
    return out


def _notes_cell(outputs: list):
    import nbformat

    cell = nbformat.v4.new_code_cell("#| echo: false", outputs=outputs)
    cell.metadata["tags"] = ["float-notes"]
    return cell


def _is_image_output(output) -> bool:
    data = output.get("data", {})
    return output.get("output_type") in ("display_data", "execute_result") and any(
        key.startswith("image/") for key in data
    )


def _is_table_output(output) -> bool:
    return output.get("output_type") in ("display_data", "execute_result") and "text/html" in output.get("data", {})


def notebook_labels(path: Path) -> list[str]:
    """Quarto labels (``fig-…``, ``tbl-…``) declared in the notebook's code cells, in order."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    labels: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            labels.extend(LABEL_RE.findall(cell.source))
    return labels


def study_manifest(config, view: SetView | None = None) -> dict:
    """The manifest of the dataset the site shows: the processed layer's ``manifest.json`` (what the notebooks
    read), else the dataset's ``manifest.yml``; {} when neither can be read."""
    processed = _view(config, view).processed_dir / "manifest.json"
    try:
        data = json.loads(processed.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    except (OSError, ValueError):
        pass
    return dict(dataset_manifest.read_manifest(config.data_dir).raw or {})


