"""The Quarto website and the study PDF, one per edition: stage the pages, render what changed, swap it in.

The Quarto project is the top-level ``_quarto.yml``; its hand-written pages live in ``site/`` (``index.qmd``,
``report.qmd``, ``data.qmd``, ``reproducibility.qmd``), in English, and in ``site/<lang>/`` for the other editions
(``site/ru/index.qmd`` …: a page there replaces its English twin in that edition). A build stages one Quarto
project per edition (:data:`vstudy.vocab.LANGS`) into ``site-src/<lang>/`` of the output set it is building (in
the build's staging area; see :mod:`vstudy.build.pipeline`) with

* ``notebooks/<name>.ipynb`` — the edition's executed section notebooks (``<lang>/notebooks/`` of the output
  tree), each given a front-matter cell (the section's title in the edition's language, from vocab.SECTIONS);
  Quarto renders ``.ipynb`` without executing it, so the pages show exactly what papermill produced;
* ``_generated/*.md`` — parts generated from the data in the edition's language: home page findings, origin
  records (sources, licences), the data dictionary, the errata, the reproducibility facts and the report's embeds;
* ``tables/`` — the edition's CSV tables, downloadable from the pages;
* ``_quarto.yml`` with ``lang: <lang>`` (Quarto's own words follow), the title, navbar and sidebar in the edition's
  language, both study PDFs, and a link to the same page in the other edition.

Quarto renders each staged project into ``site-src/<lang>/_site``, which becomes the set's ``site/<lang>/``;
``site/index.html`` leads to both editions. Only the pages whose inputs changed are rendered, on a copy of the
site in place (:mod:`vstudy.build.incremental`); the two editions render at the same time. The pipeline puts
``site/`` and ``site-src/`` in place with the rest of the set, so a failed render leaves the previous site. The
render is skipped when its inputs' hashes match the state file.

Every string that comes from the dataset (origin records, errata, units, file names, the period) is escaped
with :func:`vstudy.present.text.escape` wherever it lands on a page: no HTML, Markdown link, math, citation or
Quarto shortcode from data is ever live. Origin records are read with the data layer's safe YAML reader.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from vstudy.build import incremental, procs
from vstudy.build.quarto import QUARTO_HELP, RenderOutcome, quarto_path, quarto_version
from vstudy.build.state import hash_tree, sha256_file, sha256_json
from vstudy.data import manifest as dataset_manifest
from vstudy.data.atomic import write_text_atomic
from vstudy.present.text import escape, neutralize
from vstudy.vocab import LANGS, SCHEMES

# Figures and tables the report page (and so the study PDF) assembles, per section, by Quarto label
# (``#| label: fig-…`` / ``tbl-…`` in the notebook). ``None`` = every labelled figure of that section, in order.
# A label listed here but absent from the executed notebook appears as a visible note instead of an embed.
KEY_FIGURES: dict[str, list[str] | None] = {
    "00_data_quality": ["tbl-data_quality-register-summary", "fig-data_quality-register"],
    "01_demographics": ["fig-demographics-national", "tbl-demographics-national", "fig-demographics-heatmap"],
    "02_organisations": None,
    "03_correlations": ["tbl-correlations-published-family", "fig-correlations-main-forest",
                        "tbl-correlations-report-pairs"],
    "04_maps": ["fig-maps-organisations-per-100k", "fig-maps-small-multiples"],
    "05_activities": ["fig-activities-directions-heatmap", "fig-activities-national-shares"],
    "06_economic_value": None,
    "07_information_line": None,
}
MAX_AUTO_FIGURES = 3  # with ``None``: the first three labelled figures
# Figures shown on the home page: the first of these found in the executed notebooks (at most two).
HOME_FIGURES: list[tuple[str, str]] = [
    ("04_maps", "fig-maps-organisations-per-100k"),  # "" would take the first labelled figure of the section
    ("03_correlations", "fig-correlations-main-forest"),
    ("05_activities", "fig-activities-directions-heatmap"),
]
HEADLINE_IDS = ("volunteers_total", "hours_6_months")
NUMBER_PREFIX = re.compile(r"^[0-9]+[.]\s*")  # "01. " of a section title
LABEL_RE = re.compile(r"^#\|\s*label:\s*((?:fig|tbl)-[\w-]+)\s*$", re.MULTILINE)
KEY_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "pingouin", "matplotlib", "seaborn", "plotly",
                "geopandas", "shapely", "pyogrio", "mapclassify", "pyarrow", "papermill", "nbclient", "ipykernel",
                "pyyaml", "openpyxl", "xlrd")


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


def git_commit(root: Path) -> str:
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=40"], cwd=root,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() or "unknown (not a git checkout)"


def editions(config) -> tuple[str, ...]:
    """The editions this build stages and renders (``config.langs``; every language of vocab.LANGS by default)."""
    return tuple(getattr(config, "langs", None) or LANGS)


def edition_sections(state: dict, lang: str) -> dict[str, dict]:
    """The state entries of one edition's executions, by section name (the state keys them ``<lang>/<section>``)."""
    prefix = f"{lang}/"
    return {unit[len(prefix):]: entry for unit, entry in sorted(state["sections"].items()) if unit.startswith(prefix)}


def edition_state(state: dict, lang: str) -> dict:
    """The state as one edition's pages see it: its own sections, by name."""
    return dict(state, sections=edition_sections(state, lang))


def edition_key(config, state: dict, lang: str) -> str:
    """Hash of everything one edition's pages show: templates, its executed notebooks, data, package, commit."""
    notebooks = {name: entry.get("notebook_sha256") for name, entry in edition_sections(state, lang).items()}
    return sha256_json({
        "lang": lang,
        "templates": hash_tree(templates_dir(config.root)),
        "project": sha256_file(project_file(config.root)),
        "notebooks": notebooks,
        "raw": hash_tree(config.data_dir),
        "package": config.package_hash,
        "commit": git_commit(config.root),
    })


def site_key(config, state: dict) -> str:
    """Hash of everything the pages of the editions built show (:func:`edition_key` of each)."""
    return sha256_json({lang: edition_key(config, state, lang) for lang in editions(config)})


def render_site(config, state: dict, view=None) -> RenderOutcome:
    """Stage each edition's pages into ``<set>/site-src/<lang>`` and render them into ``<set>/site/<lang>``.

    Only the pages whose inputs changed are rendered (:mod:`vstudy.build.incremental`), on a copy of the site in
    place; the editions render at the same time (one Quarto process each). Editions this build does not make
    (``--lang``) are kept as they are. ``<set>/site/index.html`` leads to both editions.

    Returns ``rendered`` (message: the Quarto version; ``pages``: the pages rendered, ``<lang>/<page>``;
    ``record``: what the state keeps of each edition), ``no-quarto`` after staging when Quarto is missing, or
    ``failed`` with the end of Quarto's output. Nothing outside the set's staging folder is written.
    """
    from concurrent.futures import ThreadPoolExecutor

    view = _view(config, view)
    start = time.perf_counter()
    langs = editions(config)
    stages = {lang: stage_site(config, state, view, lang) for lang in langs}
    quarto = quarto_path()
    if quarto is None:
        return RenderOutcome("no-quarto", QUARTO_HELP.format(notebooks=_notebooks_note(config)))
    version = quarto_version(quarto)
    kept = (state.get("site") or {}).get("editions") or {}
    previous = {} if getattr(config, "force", False) else kept  # --force renders every page
    plans: dict[str, list[str] | None] = {}
    records: dict[str, dict] = {}
    for lang, stage in stages.items():
        before = previous.get(lang)
        in_place = view.tree / "site" / lang
        trusted = bool(before) and in_place.is_dir() and hash_tree(in_place) == before.get("files")
        plans[lang], records[lang] = incremental.render_plan(stage, _render_list(stage), before if trusted else None,
                                                             version)
        shutil.rmtree(stage / "_site", ignore_errors=True)
        if plans[lang] is not None:  # render on a copy of the site in place (and Quarto's state of it)
            shutil.copytree(in_place, stage / "_site")
            src_state = view.tree / "site-src" / lang / ".quarto"
            if src_state.is_dir() and not (stage / ".quarto").exists():
                shutil.copytree(src_state, stage / ".quarto", symlinks=True)
    with ThreadPoolExecutor(max_workers=max(1, len(stages))) as pool:
        runs = {lang: pool.submit(_render_edition, quarto, stage, plans[lang], view) for lang, stage in stages.items()}
        outcomes = {lang: run.result() for lang, run in runs.items()}
    failed = [f"{lang}: {tail}" for lang, (ok, tail) in outcomes.items() if not ok]
    if failed:
        return RenderOutcome("failed", "\n".join(failed), time.perf_counter() - start)

    site = view.stage / "site"
    site.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:  # the editions not built now stay as they are (the moves keep nothing else)
        if lang not in stages and (view.tree / "site" / lang).is_dir() and view.stage != view.tree:
            shutil.copytree(view.tree / "site" / lang, site / lang, copy_function=_link_or_copy)
            if (view.tree / "site-src" / lang).is_dir():
                shutil.copytree(view.tree / "site-src" / lang, view.stage / "site-src" / lang, symlinks=True,
                                copy_function=_link_or_copy)
    pages_of = {lang: {incremental.html_page(p) for p in records[lang]["pages"]} for lang in stages}
    for lang in LANGS:
        if lang not in pages_of and (site / lang).is_dir():
            pages_of[lang] = {p.relative_to(site / lang).as_posix() for p in (site / lang).rglob("*.html")}
    rendered: list[str] = []
    for lang, stage in stages.items():
        built = stage / "_site"
        incremental.sync_folder(stage / "tables", built / "tables")  # a partial render copies no resources
        plan = plans[lang]
        incremental.rewrite_edition_links(built, None if plan is None else [incremental.html_page(p) for p in plan],
                                          pages_of)
        shutil.rmtree(site / lang, ignore_errors=True)
        os.replace(built, site / lang)
        records[lang]["files"] = hash_tree(site / lang)
        records[lang]["rendered"] = "all" if plan is None else plan
        rendered += [f"{lang}/{p}" for p in (records[lang]["pages"] if plan is None else plan)]
    for lang, record in kept.items():
        if lang not in records and (site / lang).is_dir():
            records[lang] = record
    write_text_atomic(site / "index.html", incremental.root_index(sorted(pages_of)))
    return RenderOutcome("rendered", version, time.perf_counter() - start, pages=rendered, record=records)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _notebooks_note(config) -> str:
    note = getattr(config, "notebooks_note", None)
    return note() if callable(note) else str(config.output_dir)


def _render_list(stage: Path) -> list[str]:
    import yaml

    project = yaml.safe_load((stage / "_quarto.yml").read_text(encoding="utf-8")) or {}
    return list((project.get("project") or {}).get("render") or [])


def _render_edition(quarto: str, stage: Path, pages: list[str] | None, view: SetView) -> tuple[bool, str]:
    """Run Quarto on one staged edition: the whole project (``pages`` None) or those pages; (ok, output tail)."""
    if pages is not None and not pages:
        return True, ""
    command = [quarto, "render", "--no-clean"] if pages is None else [quarto, "render", *pages]
    env, fds = None, ()
    if view.token and view.watchdog is not None:
        command, env, fds = procs.watched_command(command, view.token, view.watchdog)
    proc = subprocess.run(command, cwd=stage, capture_output=True, text=True, env=env, pass_fds=fds)
    if proc.returncode != 0 or not (stage / "_site" / "index.html").exists():
        return False, "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-25:])
    return True, ""


# --------------------------------------------------------------------------------------------------------------
# Staging

# The words of the navbar, the sidebar and the site's title in each edition (the pages' own words are in site/
# and site/<lang>/, the sections' titles in vocab.SECTIONS).
SITE_TITLES = {"en": "Volunteering in Kazakhstan's regions", "ru": "Волонтёрство в регионах Казахстана"}
NAV_TEXTS = {
    "index.qmd": {"en": "Home", "ru": "Главная"},
    "report.qmd": {"en": "Report", "ru": "Отчёт"},
    "data.qmd": {"en": "Data and methods", "ru": "Данные и методы"},
    "reproducibility.qmd": {"en": "Reproducibility", "ru": "Воспроизводимость"},
}
UI_TEXTS = {
    "sections": {"en": "Sections", "ru": "Разделы"},
    "pdf": {"en": "Study PDF", "ru": "PDF исследования"},
    "code": {"en": "Code", "ru": "Код"},
}
LANG_NAMES = {"en": "English", "ru": "Русский"}
PDF_NAME = "report.pdf"  # the study PDF of an edition, at the root of its site
TYPST_LANG = re.compile(r'#set text\(lang: "[a-z]{2}"')


def edition_project(project: dict, lang: str, pages: dict[str, tuple[Path, str]], manifest: dict) -> dict:
    """The staged ``_quarto.yml`` of edition ``lang``: Quarto's ``lang`` (its own words on the pages follow), the
    site's title, navbar and sidebar in that language, the study PDFs of every edition and a link to the same page
    in each other edition (rewritten after the render: :mod:`vstudy.build.incremental`)."""
    import copy

    project = copy.deepcopy(project)
    project.get("project", {}).pop("pre-render", None)  # the guard of the repository root, not of the stage
    project["lang"] = lang
    website = project.setdefault("website", {})
    website["title"] = page_title(SITE_TITLES[lang], manifest, lang)
    navbar = website.setdefault("navbar", {})
    left = []
    for item in navbar.get("left") or []:
        href = item.get("href") if isinstance(item, dict) else None
        if href == PDF_NAME:
            item = {"text": UI_TEXTS["pdf"][lang], "menu": [
                {"href": PDF_NAME if other == lang else incremental.edition_href(other, PDF_NAME),
                 "text": f"PDF — {LANG_NAMES[other]}"} for other in LANGS]}
        elif href in NAV_TEXTS:
            item = dict(item, text=NAV_TEXTS[href][lang])
        left.append(item)
    navbar["left"] = left
    navbar["right"] = list(navbar.get("right") or []) + [
        {"href": incremental.edition_href(other), "text": LANG_NAMES[other]} for other in LANGS if other != lang]
    sidebar = website.setdefault("sidebar", {})
    sidebar["contents"] = [{"section": UI_TEXTS["sections"][lang], "contents": [
        {"href": f"notebooks/{name}.ipynb", "text": title} for name, (_, title) in pages.items()
    ]}] if pages else []
    html = project.setdefault("format", {}).setdefault("html", {})
    if isinstance(html, dict):
        html["code-summary"] = UI_TEXTS["code"][lang]
    return project


def _content(function, *args, lang: str):
    """A page's generated part in the edition's language: ``lang`` is passed to the content functions that take it
    (they are being made bilingual one by one)."""
    import inspect

    try:
        takes = "lang" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        takes = False
    return function(*args, lang=lang) if takes else function(*args)


def stage_site(config, state: dict, view=None, lang: str = "en") -> Path:
    """Write the complete Quarto project of edition ``lang`` of the set ``view`` into ``<set>/site-src/<lang>``
    and return it. The pages are ``site/*.qmd``, each replaced by ``site/<lang>/<page>`` where that exists."""
    import yaml

    view = _view(config, view)
    stage = view.stage / "site-src" / lang
    for child in stage.glob("*") if stage.exists() else []:
        if child.name != ".quarto":  # Quarto's own state may stay; everything else is regenerated
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    stage.mkdir(parents=True, exist_ok=True)
    templates = templates_dir(config.root)
    for folder in (templates, templates / lang):
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.is_file() and path.name not in NOT_STAGED:
                shutil.copy2(path, stage / path.name)
    for typ in stage.glob("*.typ"):  # the PDF's hyphenation and typst's own words in the edition's language
        text = typ.read_text(encoding="utf-8")
        if TYPST_LANG.search(text):
            write_text_atomic(typ, TYPST_LANG.sub(f'#set text(lang: "{lang}"', text))

    pages = stage_notebooks(config, stage / "notebooks", view.dir(lang) / "notebooks", lang)
    labels = {name: notebook_labels(path) for name, (path, _) in pages.items()}

    manifest = study_manifest(config, view)
    project = yaml.safe_load(project_file(config.root).read_text(encoding="utf-8"))
    project = edition_project(project, lang, pages, manifest)
    write_text_atomic(stage / "_quarto.yml", yaml.safe_dump(project, allow_unicode=True, sort_keys=False))

    if view.dir(lang).joinpath("tables").is_dir():
        shutil.copytree(view.dir(lang) / "tables", stage / "tables", ignore=shutil.ignore_patterns(".*"))
    generated = stage / "_generated"
    generated.mkdir()
    set_titles(stage, manifest, lang)
    own = edition_state(state, lang)
    write_text_atomic(generated / "home.md",
                      _content(home_markdown, config, pages, labels, stage / "tables", manifest, lang=lang))
    write_text_atomic(generated / "report-body.md", _content(report_markdown, pages, labels, lang=lang))
    write_text_atomic(generated / "sources.md", _content(sources_markdown, config.data_dir, lang=lang))
    write_text_atomic(generated / "dictionary.md", _content(dictionary_markdown, lang=lang))
    write_text_atomic(generated / "errata.md", _content(errata_markdown, config.data_dir, lang=lang))
    write_text_atomic(generated / "tables.md", _content(tables_markdown, stage / "tables", lang=lang))
    write_text_atomic(generated / "reproducibility.md", _content(reproducibility_markdown, config, own, lang=lang))
    return stage


# Front-matter fields of the site's pages that end with the dataset's period.
PERIOD_TITLES = {"index.qmd": ("title",), "report.qmd": ("title",)}


def set_titles(stage: Path, manifest: dict, lang: str = "en") -> None:
    """Write the dataset's period, in the edition's language, into the titles of the staged pages
    (:data:`PERIOD_TITLES`): the templates name no period, the dataset does."""
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
        for key in fields:
            if isinstance(front.get(key), str):
                front[key] = page_title(front[key], manifest, lang)
        write_text_atomic(page, "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
                          + "---\n" + body)


def stage_notebooks(config, target: Path, notebooks: Path | None = None,
                    lang: str = "en") -> dict[str, tuple[Path, str]]:
    """Copy one edition's executed notebooks (from ``notebooks``, default the tree's), each with a Quarto
    front-matter cell whose title is the section's title in ``lang`` (vocab.SECTIONS); return name → (path,
    title)."""
    import nbformat

    target.mkdir(parents=True, exist_ok=True)
    pages: dict[str, tuple[Path, str]] = {}
    for section in config.sections:
        source = (notebooks or config.notebooks_dir(lang)) / f"{section.name}.ipynb"
        if not source.exists():
            continue
        nb = nbformat.read(source, as_version=4)
        executed_ids = {cell.get("id") for cell in nb.cells}
        title = f"{section.number}. {section.title(lang)}"
        has_front_matter = nb.cells and nb.cells[0].cell_type == "raw" and nb.cells[0].source.startswith("---")
        if not has_front_matter:
            first_md = next((c for c in nb.cells if c.cell_type == "markdown"), None)
            if first_md is not None:
                match = re.match(r"\s*#\s+(.+?)\s*(?:\n|$)", first_md.source)
                if match:  # the page's title replaces the notebook's first heading (no heading twice)
                    first_md.source = first_md.source[match.end():]
            # Section pages are HTML only: their pandas tables need not be parsed into Markdown tables (which
            # costs a second per table-heavy page; Quarto still adds its table classes). The report page keeps
            # the parsing, so that the tables it embeds reach the typst PDF.
            front = {"title": title, "html-table-processing": "none"}
            yaml_lines = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items())
            nb.cells.insert(0, nbformat.v4.new_raw_cell(f"---\n{yaml_lines}\n---"))
        nb.cells = split_figure_cells(nb.cells)
        for index, cell in enumerate(nb.cells):  # the cells added here: ids by position, not random (same bytes
            if cell.get("id") not in executed_ids or cell.get("id") is None:  # for the same notebook, so a page
                cell["id"] = f"staged-{index}"  # is rendered again only when its notebook changed)
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


def _embed(name: str, label: str) -> str:
    return f"{{{{< embed notebooks/{name}.ipynb#{label} >}}}}"


def _source_note(name: str) -> str:
    """Where a section's embedded figures come from: a link on the website, the notebook's name in the PDF.

    Quarto's own embed links ("notebook-view") are off: they render a second preview page per embedded
    notebook, which doubled the render time, and the section pages already show each notebook in full.
    """
    return (f"::: {{.content-visible when-format=\"html\"}}\nFrom the section page "
            f"[{name}](notebooks/{name}.ipynb), which shows the code and every output.\n:::\n\n"
            f"::: {{.content-hidden when-format=\"html\"}}\nFrom the executed notebook `{name}.ipynb` "
            "(section page on the study website).\n:::\n")


def _missing_note(text: str) -> str:
    """A visible note in place of a missing figure. Not a Quarto callout: in typst a callout imports the
    fontawesome package from the typst registry, which an offline build cannot reach."""
    return f"> **Note.** {text}\n"


def report_markdown(pages: dict[str, tuple[Path, str]], labels: dict[str, list[str]]) -> str:
    """One heading per section and an embed per key figure; missing figures become visible notes."""
    out: list[str] = []
    for name, wanted in KEY_FIGURES.items():
        title = pages[name][1] if name in pages else name
        # "01. Volunteer demographics" → "Volunteer demographics": the PDF numbers its sections itself.
        out.append(f"## {NUMBER_PREFIX.sub('', title)}\n")
        if name not in pages:
            out.append(_missing_note(f"Section `{name}` has not been executed in this build; its figures are "
                                     "missing."))
            continue
        out.append(_source_note(name))
        found = labels.get(name, [])
        if wanted is None:
            chosen = [lab for lab in found if lab.startswith("fig-")][:MAX_AUTO_FIGURES]
        else:
            chosen = wanted
        if not chosen:
            out.append(f"*No labelled figure in `{name}`* — see the [section page](notebooks/{name}.ipynb).\n")
        for label in chosen:
            if label in found:
                out.append(_embed(name, label) + "\n")
            else:
                out.append(_missing_note(f"`{label}` is not in the executed notebook `{name}`; it was left out."))
    return "\n".join(out)


def dataset_table(data_dir: Path, schema: str) -> list[dict[str, str]]:
    """The rows of the dataset's table declared with ``schema`` (via its manifest; [] when it has none), read
    safely: inside the dataset directory, a regular file, size-limited, UTF-8."""
    man = dataset_manifest.read_manifest(data_dir)
    for spec in man.tables.values():
        if spec.schema != schema:
            continue
        try:
            text = dataset_manifest.read_file(dataset_manifest.locate(data_dir, spec.file)).decode("utf-8-sig")
        except (dataset_manifest.Refused, UnicodeDecodeError):
            return []
        return list(csv.DictReader(text.splitlines()))
    return []


class Markup(str):
    """Markdown written by the study (a code span of a checksum, a link it built): put on the page as it is."""


def _cell(value: object) -> str:
    """A table cell: markup the study wrote stays; anything else (from data) is escaped."""
    if isinstance(value, Markup):
        return str(value)
    return "" if value is None or value == "" else escape(value)


def md_table(rows: list[dict], columns: list[str], headers: list[str] | None = None) -> str:
    """A pipe table; every cell is escaped unless it is :class:`Markup`."""
    if not rows:
        return "*(none)*\n"
    head = headers or columns
    lines = ["| " + " | ".join(escape(h) for h in head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def period_label(period: object, lang: str = "en") -> str:
    from vstudy.present import labels  # imported when a page is written: `vstudy build` checks stay light

    return labels.period_label(period if isinstance(period, dict) else None, lang)


def label_of(key: str, lang: str = "en", default: str | None = None) -> str:
    from vstudy.present import labels

    return labels.value_label(key, lang, default=default)


def format_number(value: float, decimals: int = 0) -> str:
    from vstudy.present import tables

    return tables.format_number(float(value), decimals, "en")


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


def region_count(manifest: dict) -> int | None:
    """The number of regions of the dataset's scheme (None for an unknown scheme)."""
    return SCHEMES.get(str(manifest.get("scheme", "")))


def intro_markdown(manifest: dict) -> str:
    """The home page's first paragraph: what the study is, for the dataset's period and regions."""
    period = escape(period_label(manifest.get("period"), "en"))
    count = region_count(manifest)
    offices = f"the {count} regional front offices" if count else "the regional front offices"
    return (f"A reproducible rebuild of the analytical report of the National Volunteer Network (the republican "
            f"front office of volunteers BIRGEMIZ) on the monthly reports of {offices}"
            f"{' for ' + period if period else ''}. Every table of the report was transcribed from its text with "
            "line numbers, checked, and combined with official regional statistics; each section below is a "
            "notebook executed on those data.\n")


def page_title(base: str, manifest: dict, lang: str = "en") -> str:
    """A page title followed by the dataset's period ("…, July–December 2021")."""
    period = period_label(manifest.get("period"), lang)
    return f"{base}, {period}" if period else base


def _read_csv(path: Path):
    import pandas as pd

    try:
        return pd.read_csv(path, keep_default_na=True)
    except (OSError, ValueError):
        return None


def _truth(value: object) -> bool:
    return str(value).strip().lower() == "true"


def _r_line(row) -> str:
    x = label_of(row["x"], "en", default=str(row["x"]))
    y = label_of(row["y"], "en", default=str(row["y"]))
    interval = ""
    if _finite(row.get("ci_low")) and _finite(row.get("ci_high")):
        interval = f", 95 % interval {format_number(row['ci_low'], 2)} to {format_number(row['ci_high'], 2)}"
    return f"{escape(x)} × {escape(y)}: r = {format_number(row['r'], 2)} (n = {int(row['n'])}{interval})"


def _finite(value: object) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


STRONGEST_SHOWN = 3  # public-data relations listed on the home page


def findings_markdown(tables: Path) -> str:
    """The findings a reviewer comes for, from the build's tables: the replication register's counts by status
    (``replication.csv``), the correlations that survive Holm or Benjamini–Yekutieli and whether each rests on one
    region, and the strongest relations of the public-data families (``correlations.csv``)."""
    out = ["## Findings\n"]
    register = _read_csv(tables / "replication.csv")
    if register is not None and "status" in register.columns and len(register):
        from vstudy.analysis.replication import STATUS_ORDER

        counts = register["status"].value_counts()
        order = [s for s in STATUS_ORDER if s in counts.index] + sorted(set(counts.index) - set(STATUS_ORDER))
        out.append(f"**The report's numbers.** Of the {len(register)} published numbers in the replication "
                   "register:\n")
        out += [f"- {escape(label_of(str(s), 'en', default=str(s)))}: {int(counts[s])}" for s in order]
        out.append("\nThe whole register: [replication.csv](tables/replication.csv).\n")
    else:
        out.append("This build has no replication register.\n")
    results = _read_csv(tables / "correlations.csv")
    needed = {"method", "role", "subset", "family", "x", "y", "n", "r", "survives_holm", "survives_by"}
    if results is None or not needed <= set(results.columns):
        out.append("This build has no correlation results.\n")
        return "\n".join(out) + "\n"
    main = results[(results["method"] == "pearson") & (results["role"] == "primary")
                   & ~results["subset"].map(_truth) & results["r"].map(_finite)]
    survivors = main[main["survives_holm"].map(_truth) | main["survives_by"].map(_truth)]
    if len(survivors):
        out.append(f"**Correlations that survive the correction for multiple testing** ({len(main)} pairs tested "
                   "over all regions, Holm and Benjamini–Yekutieli within each family):\n")
        for _, row in survivors.iterrows():
            kept = [name for name, col in (("Holm", "survives_holm"), ("BY", "survives_by")) if _truth(row[col])]
            rests = ("rests on one region" if _truth(row.get("rests_on_one_region"))
                     else "does not rest on one region")
            out.append(f"- {_r_line(row)}; survives {' and '.join(kept)}; {rests}")
        out.append("")
    else:
        out.append(f"**No correlation survives the correction for multiple testing** (Holm or "
                   f"Benjamini–Yekutieli) among the {len(main)} pairs tested over all regions.\n")
    public = main[main["family"] != "report"]
    if len(public):
        strongest = public.loc[public["r"].abs().sort_values(ascending=False, kind="stable").index]
        out.append("**The strongest relations in the public data:**\n")
        out += [f"- {_r_line(row)}" for _, row in strongest.head(STRONGEST_SHOWN).iterrows()]
        out.append("\nEvery coefficient: [correlations.csv](tables/correlations.csv).\n")
    return "\n".join(out) + "\n"


def downloads_markdown() -> str:
    """Where to get the study: the PDF, the tables, the data dictionary, the register and the dataset template."""
    return "\n".join([
        "## Downloads\n",
        "- [The study as a PDF](report.pdf)",
        "- [Every table of the study as CSV](data.qmd#tables-produced-by-the-study)",
        "- [The data dictionary](data.qmd#data-dictionary)",
        "- [The replication register (CSV)](tables/replication.csv)",
        "- The dataset template, to run the study on new data: `vstudy template --scheme kz2022 --out my_data` "
        "writes a dataset to fill (CSV files and an .xlsx workbook with instructions); `vstudy build --data "
        "my_data` builds the study on it.",
    ]) + "\n"


def home_markdown(config, pages: dict, labels: dict[str, list[str]], tables: Path | None = None,
                  manifest: dict | None = None) -> str:
    manifest = manifest if manifest is not None else study_manifest(config)
    out = [intro_markdown(manifest)]
    if tables is not None:
        out.append(findings_markdown(tables))
        out.append(downloads_markdown())
    rows = [r for r in dataset_table(config.data_dir, "headline_figures") if r.get("figure_id") in HEADLINE_IDS]
    out.append("## Key figures\n")
    if rows:
        for row in rows:
            try:
                value = f"{float(row['value']):,.0f}".replace(",", "\u202f")
            except (TypeError, ValueError):
                value = "—"
            line = f" (report line {escape(row['source_line'])})" if row.get("source_line") else ""
            out.append(f"- **{value}** {escape(row.get('unit', ''))} — "
                       f"{escape(str(row.get('figure_id', '')).replace('_', ' '))}{line}")
        out.append("")
    shown = 0
    for name, label in HOME_FIGURES:
        found = [lab for lab in labels.get(name, []) if lab.startswith("fig-")]
        pick = label if label in found else (found[0] if found and not label else None)
        if pick and shown < 2:
            out.append(_embed(name, pick) + "\n")
            shown += 1
    if pages:
        out.append("## Sections\n")
        out += [f"{i + 1}. [{title}](notebooks/{name}.ipynb)" for i, (name, (_, title)) in enumerate(pages.items())]
    return "\n".join(out) + "\n"


def _text(value: object) -> str:
    """An origin-record value as one line: dicts prefer their English text, lists are joined."""
    if isinstance(value, dict):
        for key in ("en", "statement", "ru"):
            if key in value:
                return _text(value[key])
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    return " ".join(str(value).split()) if value is not None else ""


# What a reader of the data page needs of each cited source, in this order.
SOURCE_FIELDS = (("producer", "Producer"), ("title", "Title"), ("url", "URL"), ("republished_by", "Republished by"),
                 ("where", "Where in it"), ("indicators", "Indicators"), ("used_for", "Used for"),
                 ("licence", "Licence"), ("date_accessed", "Accessed"), ("original_file", "Original file"),
                 ("sha256", "SHA-256 of the original"))


def sources_markdown(data_dir: Path) -> str:
    """Every ``source.yml`` of the dataset: producer, title, period, licence, cited sources, files.

    Read with the data layer's safe YAML reader; every value is escaped. A record that cannot be read is named
    (folder and reason), never quoted.
    """
    out: list[str] = []
    for record in sorted(data_dir.glob("*/source.yml")):
        folder = escape(record.parent.name)
        out.append(f"### {folder}/\n")
        try:
            data = dataset_manifest.read_yaml(data_dir, f"{record.parent.name}/source.yml")
        except dataset_manifest.Refused as exc:
            out.append(f"*This origin record could not be read ({escape(exc.rule)}).*\n")
            continue
        if not isinstance(data, dict):
            out.append("*This origin record is not a mapping.*\n")
            continue
        for key, label in (("title", "Title"), ("description", "Description"), ("producer", "Producer"),
                           ("period_covered", "Period"), ("date_accessed", "Accessed"),
                           ("date_accessed_default", "Accessed"), ("licence", "Licence")):
            if key in data:
                out.append(f"- **{label}:** {escape(_text(data[key]))}")
        out.append("")
        # One block per cited source, not a table: titles, URLs and cell references are too long for columns.
        sources = data.get("sources") if isinstance(data.get("sources"), list) else []
        for source in sources:
            if not isinstance(source, dict):
                continue
            out.append(f"#### {escape(_text(source.get('id')))}\n")
            for key, label in SOURCE_FIELDS:
                if source.get(key):
                    out.append(f"- **{label}:** {escape(_text(source[key]))}")
            out.append("")
        files = data.get("files") or {}
        if isinstance(files, dict) and files:
            rows = [{"file": _text(name), "about": _text(v.get("description_en") if isinstance(v, dict) else v)}
                    for name, v in files.items()]
            out.append(md_table(rows, ["file", "about"], ["File", "Contents"]))
    return "\n".join(out) + "\n" if out else "*No origin records found.*\n"


def dictionary_markdown() -> str:
    """The data dictionary: the one rendering of the declared schemas (vstudy.data.schemas), as the processed
    layer's ``data_dictionary.md`` has it, with its headings under the data page's own."""
    from vstudy.data import schemas

    return schemas.data_dictionary_markdown(level=3, title=False)


def errata_markdown(data_dir: Path) -> str:
    rows = dataset_table(data_dir, "errata")
    return md_table(rows, ["erratum_id", "file", "rule_id", "description_en", "correction", "source_lines"],
                    ["id", "File", "Rule", "Description", "Handling", "Report lines"])


def tables_markdown(tables: Path) -> str:
    files = sorted(tables.glob("*.csv")) if tables.is_dir() else []
    if not files:
        return "*No tables were written by this build.*\n"
    return "\n".join(f"- [{escape(p.name)}](tables/{quote(p.name)})" for p in files) + "\n"


def reproducibility_markdown(config, state: dict) -> str:
    from vstudy import __version__

    versions = []
    for name in KEY_PACKAGES:
        try:
            versions.append({"package": name, "version": importlib.metadata.version(name)})
        except importlib.metadata.PackageNotFoundError:
            versions.append({"package": name, "version": "not installed"})
    lock = config.root / "requirements" / "lock.txt"
    lock_hash = hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else "—"
    params = next((e.get("parameters") for e in state["sections"].values() if e.get("parameters")), {})
    out = [
        "## Environment\n",
        f"- **Git commit:** {escape(git_commit(config.root))}",
        f"- **vstudy:** {escape(__version__)}; **Python:** {platform.python_version()} ({sys.implementation.name}); "
        f"**platform:** {escape(platform.platform())}",
        f"- **Quarto:** {escape(quarto_version(quarto_path()))}",
        f"- **Lock file** `requirements/lock.txt` sha256: `{lock_hash}`",
        f"- **Built:** {time.strftime('%Y-%m-%d %H:%M %Z')}\n",
        md_table(versions, ["package", "version"], ["Package", "Version"]),
        "## Parameters of the section notebooks\n",
        md_table([{"name": k, "value": v} for k, v in params.items()], ["name", "value"], ["Parameter", "Value"]),
        "## Executed notebooks\n",
        md_table([{"name": n, "sha": Markup(f"`{str(e.get('notebook_sha256', ''))[:16]}…`"), "s": e.get("seconds"),
                   "at": e.get("executed_at")} for n, e in sorted(state["sections"].items())],
                 ["name", "sha", "s", "at"], ["Section", "sha256 (first 16)", "Seconds", "Executed at"]),
        "## Data checksums (sha256 of every raw file)\n",
        md_table([{"file": rel, "sha": Markup(f"`{digest}`")} for rel, digest in hash_tree(config.data_dir).items()],
                 ["file", "sha"], ["File", "sha256"]),
    ]
    return "\n".join(out) + "\n"
