"""The Quarto website and the study PDF, one per edition: stage the pages, render what changed, swap it in.

The Quarto project is the top-level ``_quarto.yml``; ``site/`` holds the templates every edition shares (the
study PDF's options and typst header). A build stages one Quarto project per edition (:data:`vstudy.vocab.LANGS`:
``en``, ``ru``, ``kk``) into ``site-src/<lang>/`` of the output set it is building (in the build's staging area;
see :mod:`vstudy.publish.pipeline`) with

* ``index.qmd``, ``data.qmd``, ``reproducibility.qmd`` — the site's pages, written in the edition's language from
  the ``pages`` message catalogue (:func:`vstudy.publish.pages.page_qmd`);
* ``coverage.qmd`` — the report's chapters and what the study does with each, for the report's transcription only
  (:mod:`vstudy.publish.coverage`, ``coverage`` catalogue);
* ``notebooks/<name>.ipynb`` — the edition's executed section notebooks (``<lang>/notebooks/`` of the output
  tree), each given a front-matter cell (the section's title in the edition's language, from the ``sections``
  catalogue); Quarto renders ``.ipynb`` without executing it, so the pages show exactly what papermill produced;
* ``_generated/*.md`` — parts generated from the data in the edition's language: home page findings, origin
  records (sources, licences), the data dictionary, the errata, the reproducibility facts and the report's embeds
  (their content: :mod:`vstudy.publish.pages`);
* ``study-<lang>.qmd`` — the study PDF's document in the edition's language, the whole study (its PDF,
  ``study-<lang>.pdf``, carries the edition's name)
  (:mod:`vstudy.publish.book`);
* ``tables/`` — the edition's CSV tables, downloadable from the pages;
* ``_quarto.yml`` with ``lang: <lang>`` and Quarto's own words in that language (``language``, from the
  catalogue: Quarto has none for Kazakh), the title, navbar and sidebar in the edition's
  language, the study PDFs of every edition, and the language switch: each other edition by its own name
  («English», «Русский», «Қазақша»), linking to the same page there.

Quarto renders each staged project into ``site-src/<lang>/_site``, which becomes the set's ``site/<lang>/``;
``site/index.html`` leads to every edition. Only the pages whose inputs changed are rendered, on a copy of the
site in place (:mod:`vstudy.publish.incremental`), by one Quarto call per edition; the editions render at the
same time. The pipeline puts ``site/`` and ``site-src/`` in place with the rest of the set, so a failed render
leaves the previous site. The render is skipped when its inputs' hashes match the state file.

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

from vstudy.data import manifest as dataset_manifest
from vstudy.data.atomic import write_text_atomic
from vstudy.present.text import neutralize
from vstudy.present.words import plain
from vstudy.publish import book, coverage, incremental, procs
from vstudy.publish import pages as content
from vstudy.publish.pages import git_commit
from vstudy.publish.quarto import QUARTO_HELP, RenderOutcome, quarto_path, quarto_version, render_command
from vstudy.publish.state import hash_tree, sha256_file, sha256_json
from vstudy.vocab import LANGS

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
    # The build's tag and watchdog pipe (vstudy.publish.procs): Quarto runs under them, so it ends with the build.
    token: str | None = None
    watchdog: int | None = None

    def dir(self, name: str) -> Path:
        return self.stage / name if name in self.staged else self.tree / name


def _view(config, view: SetView | None) -> SetView:
    """The set the site shows (default: the output tree as it is, staged into ``<output>/site-src``)."""
    return view if view is not None else SetView(config.output_dir, config.output_dir, config.processed_dir)


# --------------------------------------------------------------------------------------------------------------
# When to render


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

    Only the pages whose inputs changed are rendered (:mod:`vstudy.publish.incremental`), on a copy of the site in
    place, by one Quarto call per edition (none for an edition with no page to render); the editions render at the
    same time, each as soon as it is staged. Editions this build does not make (``--lang``) are kept as they are.
    ``<set>/site/index.html`` leads to every edition.

    Returns ``rendered`` (message: the Quarto version; ``pages``: the pages rendered, ``<lang>/<page>``;
    ``record``: what the state keeps of each edition), ``no-quarto`` after staging when Quarto is missing, or
    ``failed`` with the end of Quarto's output. Nothing outside the set's staging folder is written.
    """
    from concurrent.futures import ThreadPoolExecutor

    view = _view(config, view)
    start = time.perf_counter()
    langs = editions(config)
    quarto = quarto_path()
    if quarto is None:
        for lang in langs:
            stage_site(config, state, view, lang)
        return RenderOutcome("no-quarto", QUARTO_HELP.format(notebooks=_notebooks_note(config)))
    version = quarto_version(quarto)
    kept = (state.get("site") or {}).get("editions") or {}
    previous = {} if getattr(config, "force", False) else kept  # --force renders every page
    stages: dict[str, Path] = {}
    plans: dict[str, list[str] | None] = {}
    records: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=max(1, len(langs))) as pool:
        runs = {}
        for lang in langs:  # each edition's Quarto starts as soon as it is staged, while the next one is staged
            stage = stages[lang] = stage_site(config, state, view, lang)
            before = previous.get(lang)
            in_place = view.tree / "site" / lang
            trusted = bool(before) and in_place.is_dir() and hash_tree(in_place) == before.get("files")
            plans[lang], records[lang] = incremental.render_plan(stage, _render_list(stage),
                                                                 before if trusted else None, version)
            shutil.rmtree(stage / "_site", ignore_errors=True)
            if plans[lang] is not None:  # render on a copy of the site in place (and Quarto's state of it)
                shutil.copytree(in_place, stage / "_site")
                src_state = view.tree / "site-src" / lang / ".quarto"
                if src_state.is_dir() and not (stage / ".quarto").exists():
                    shutil.copytree(src_state, stage / ".quarto", symlinks=True)
            runs[lang] = pool.submit(_render_edition, quarto, stage, plans[lang], view)
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
        if (stage / "figures").is_dir():
            incremental.sync_folder(stage / "figures", built / "figures")
        plan = plans[lang]
        rendered_now = None if plan is None else [incremental.html_page(p) for p in plan]
        incremental.rewrite_edition_links(built, rendered_now, pages_of, own=lang)
        clean_rendered_pages(built, rendered_now)
        shutil.rmtree(site / lang, ignore_errors=True)
        os.replace(built, site / lang)
        records[lang]["files"] = hash_tree(site / lang)
        records[lang]["rendered"] = "all" if plan is None else plan
        rendered += [f"{lang}/{p}" for p in (records[lang]["pages"] if plan is None else plan)]
    for lang, record in kept.items():
        if lang not in records and (site / lang).is_dir():
            records[lang] = record
    write_text_atomic(site / "index.html", incremental.root_index(sorted(pages_of), content.study_pdf))
    return RenderOutcome("rendered", version, time.perf_counter() - start, pages=rendered, record=records)


# Quarto puts require.js and jQuery from a CDN into the head of every page rendered from a notebook that has a
# ``text/html`` (or ``application/javascript``) output — quarto-cli src/core/jupyter/widgets.ts
# (``extractJupyterWidgetDependencies``: every HTML output counts as a "javascript widget", our reader tables
# included) — whatever the output is. Nothing on the study's pages uses them: the tables are plain HTML and the
# interactive maps embed plotly.js whole (vstudy.present.interactive, ``include_plotlyjs=True``), which defines
# ``window.Plotly`` only when no AMD loader is present. Offline they failed quietly; online they loaded two scripts
# from another site. They are removed from the rendered pages, with the script that hands jQuery to require.js.
_WIDGET_PREAMBLE = re.compile(
    r'[ \t]*<script src="https://cdnjs\.cloudflare\.com/ajax/libs/(?:require\.js|jquery)/[^"]*"[^>]*></script>[ \t]*\n?'
    r"|[ \t]*<script type=\"application/javascript\">define\('jquery', \[\],function\(\) \{return window\.jQuery;\}\)"
    r"</script>[ \t]*\n?")
# What a page may not load from another site (checked by the tests on every rendered page).
REMOTE_ASSET = re.compile(r"""<script\b[^>]*\bsrc=["']?(?:https?:)?//|<link\b[^>]*\bhref=["']?(?:https?:)?//[^>]*>""",
                          re.IGNORECASE)


def remote_assets(html: str) -> list[str]:
    """The scripts and stylesheets ``html`` loads from another site (``<script src="https://…">``, a
    ``<link rel="stylesheet" href="https://…">``); links to other pages (``<a href>``) are not loads."""
    found = []
    for match in REMOTE_ASSET.finditer(html):
        tag = html[match.start():html.find(">", match.start()) + 1]
        if tag.lower().startswith("<link") and not re.search(r"rel=[\"']?(stylesheet|preload|modulepreload)", tag,
                                                             re.IGNORECASE):
            continue
        found.append(tag)
    return found


def without_widget_preamble(html: str) -> str:
    """``html`` without Quarto's require.js/jQuery preamble (:data:`_WIDGET_PREAMBLE`)."""
    return _WIDGET_PREAMBLE.sub("", html)


# A cell a page embeds from a notebook (``{{< embed notebooks/x.ipynb#fig-… >}}``, the home page's figures) comes out
# of Pandoc in a <div> that names the notebook by the absolute path of the staged file, its title and its cell id.
# Quarto reads and removes these attributes only when it links the notebooks (``notebook-view``, which the site
# turns off: quarto-cli src/format/html/format-html-notebook.ts), so they stay in the page as written — the
# machine's folder of the build included. They are removed here, as Quarto itself removes them.
_EMBED_ATTRIBUTES = re.compile(r'\s+data-notebook(?:-title|-cellid)?="[^"]*"', re.IGNORECASE)


def without_embed_paths(html: str) -> str:
    """``html`` without the attributes of embedded notebook cells that name the staged notebook's path, title and
    cell id (:data:`_EMBED_ATTRIBUTES`)."""
    return _EMBED_ATTRIBUTES.sub("", html)


def clean_rendered_pages(site_dir: Path, pages: list[str] | None = None) -> None:
    """Remove Quarto's CDN preamble from the rendered pages (``pages``: HTML paths in ``site_dir``; None = every
    page): every script and stylesheet a page loads is then the site's own; and the staged notebooks' paths that
    embedded cells carry (:func:`without_embed_paths`): no page names a folder of the machine that built it."""
    files = sorted(site_dir.rglob("*.html")) if pages is None else [site_dir / p for p in pages]
    for path in files:
        if not path.is_file() or "site_libs" in path.relative_to(site_dir).parts:
            continue
        text = path.read_text(encoding="utf-8")
        cleaned = without_embed_paths(without_widget_preamble(text))
        if cleaned != text:
            write_text_atomic(path, cleaned)


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
    """Run Quarto once on one staged edition: the whole project (``pages`` None) or only those pages, all in the
    same call (:func:`vstudy.publish.quarto.render_command`); none when no page changed. Returns (ok, the end of
    Quarto's output)."""
    if pages is not None and not pages:
        return True, ""
    command, env, fds = render_command(quarto, pages), None, ()
    if view.token and view.watchdog is not None:
        command, env, fds = procs.watched_command(command, view.token, view.watchdog)
    proc = subprocess.run(command, cwd=stage, capture_output=True, text=True, env=env, pass_fds=fds)
    if proc.returncode != 0 or not (stage / "_site" / "index.html").exists():
        return False, "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-25:])
    return True, ""


# --------------------------------------------------------------------------------------------------------------
# Staging

# The navbar's pages and the message of each one's name (the ``pages`` catalogue: the pages' own words are there
# too, the sections' titles in the ``sections`` catalogue).
NAV_TEXTS = {
    "index.qmd": "pages.site.home",
    "data.qmd": "pages.data_page.title",
    "coverage.qmd": "coverage.title",
    "reproducibility.qmd": "pages.reproducibility_page.title",
}
# Pages only some datasets have (_quarto.yml lists them): the report's chapters and the study
# (:mod:`vstudy.publish.coverage`) for the report's transcription. A build without one drops it from the render
# list and the navbar.
OPTIONAL_PAGES = (coverage.PAGE,)
# The navbar item of _quarto.yml that stands for the study PDF; each edition's is study-<lang>.pdf at the root of
# its site (vstudy.publish.pages.study_pdf), and its document study-<lang>.qmd replaces study.qmd in the render list.
PDF_NAME = "study.pdf"
STUDY_PAGE = f"{book.STUDY_NAME}.qmd"
TYPST_LANG = re.compile(r'#set text\(lang: "[a-z]{2}"')


# Quarto's own words on the pages and in the study PDF (its ``language`` keys): the contents' title, the search box,
# the copy button, the toggles' labels, the figure and table captions. Quarto translates them for some languages
# only — for Kazakh, none: its pages said "On this page", "Figure 1", "Copy to Clipboard" — so every edition takes
# them from the pages catalogue (``pages.site.quarto.<key>``).
QUARTO_WORDS = (
    "toc-title-document", "toc-title-website", "section-title-footnotes", "section-title-appendices",
    "copy-button-tooltip", "copy-button-tooltip-success", "back-to-top",
    "search-label", "search-no-results-text", "search-matching-documents-text", "search-copy-link-title",
    "search-hide-matches-text", "search-more-match-text", "search-more-matches-text", "search-clear-button-title",
    "search-detached-cancel-button-title", "search-submit-button-title",
    "toggle-section", "toggle-sidebar", "toggle-navigation", "toggle-dark-mode", "toggle-reader-mode",
    "crossref-fig-title", "crossref-tbl-title", "crossref-sec-prefix", "crossref-apx-prefix",
)


def quarto_language(lang: str) -> dict[str, str]:
    """Quarto's ``language`` option of edition ``lang``: its own words in the edition's language (:data:`QUARTO_WORDS`)."""
    return {key: plain(lang, f"pages.site.quarto.{key}") for key in QUARTO_WORDS}


def autonym(lang: str) -> str:
    """The edition's name in its own language, as the language switch shows it («Қазақша», «Русский», «English»)."""
    return plain(lang, "pages.site.autonym")


def edition_project(project: dict, lang: str, pages: dict[str, tuple[Path, str]], manifest: dict,
                    optional: tuple[str, ...] = ()) -> dict:
    """The staged ``_quarto.yml`` of edition ``lang``: Quarto's ``lang`` and its own words in that language, the
    site's title, navbar and sidebar in that language, the study PDFs of every edition and a link to the same page
    in each other edition (rewritten after the render: :mod:`vstudy.publish.incremental`). ``optional``: the pages
    of :data:`OPTIONAL_PAGES` the build writes; the others leave the render list and the navbar."""
    import copy

    project = copy.deepcopy(project)
    project.get("project", {}).pop("pre-render", None)  # the guard of the repository root, not of the stage
    dropped = set(OPTIONAL_PAGES) - set(optional)
    render = project.get("project", {}).get("render")
    if isinstance(render, list):  # the edition's study document, whose PDF carries the edition's name
        project["project"]["render"] = [f"{content.study_document(lang)}.qmd" if entry == STUDY_PAGE else entry
                                        for entry in render if entry not in dropped]
    project["lang"] = lang
    project["language"] = quarto_language(lang)  # Quarto's own words: Quarto has none for some editions (kk)
    website = project.setdefault("website", {})
    website["title"] = content.page_title(content.study_title(lang), manifest, lang)
    navbar = website.setdefault("navbar", {})
    left = []
    for item in navbar.get("left") or []:
        href = item.get("href") if isinstance(item, dict) else None
        if href in dropped:
            continue
        if href == PDF_NAME:
            item = {"text": plain(lang, "pages.site.pdf"), "menu": [
                {"href": content.study_pdf(lang) if other == lang
                 else incremental.edition_href(other, content.study_pdf(other)),
                 "text": plain(lang, "pages.site.pdf_in", other=other)} for other in LANGS]}
        elif href in NAV_TEXTS:
            item = dict(item, text=plain(lang, NAV_TEXTS[href]))
        left.append(item)
    navbar["left"] = left
    # The language switch: every other edition by its own name, linking to the same page there.
    navbar["right"] = list(navbar.get("right") or []) + [
        {"href": incremental.edition_href(other), "text": autonym(other)} for other in LANGS if other != lang]
    sidebar = website.setdefault("sidebar", {})
    sidebar["contents"] = [{"section": plain(lang, "pages.site.sections"), "contents": [
        {"href": f"notebooks/{name}.ipynb", "text": title} for name, (_, title) in pages.items()
    ]}] if pages else []
    html = project.setdefault("format", {}).setdefault("html", {})
    if isinstance(html, dict):
        html["code-summary"] = plain(lang, "pages.site.code")
    return project


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
    for path in sorted(templates.iterdir()) if templates.is_dir() else []:
        if path.is_file() and path.name not in NOT_STAGED:
            shutil.copy2(path, stage / path.name)
    for typ in stage.glob("*.typ"):  # the PDF's hyphenation and typst's own words in the edition's language
        text = typ.read_text(encoding="utf-8")
        if TYPST_LANG.search(text):
            write_text_atomic(typ, TYPST_LANG.sub(f'#set text(lang: "{lang}"', text))

    pages = stage_notebooks(config, stage / "notebooks", view.dir(lang) / "notebooks", lang)
    labels = {name: notebook_labels(path) for name, (path, _) in pages.items()}

    manifest = study_manifest(config, view)
    optional = coverage.pages(manifest, config.data_dir)
    project = yaml.safe_load(project_file(config.root).read_text(encoding="utf-8"))
    project = edition_project(project, lang, pages, manifest, optional)
    write_text_atomic(stage / "_quarto.yml", yaml.safe_dump(project, allow_unicode=True, sort_keys=False))

    if view.dir(lang).joinpath("tables").is_dir():
        shutil.copytree(view.dir(lang) / "tables", stage / "tables", ignore=shutil.ignore_patterns(".*"))
    if view.dir(lang).joinpath("figures").is_dir():  # each figure's data (CSV and its CSVW description)
        shutil.copytree(view.dir(lang) / "figures", stage / "figures",
                        ignore=shutil.ignore_patterns(".*", "*.png", "*.svg"))
    for page in content.PAGES:  # the site's pages in the edition's language, from the pages catalogue
        write_text_atomic(stage / page, content.page_qmd(page, lang, manifest))
    for page in optional:  # the report and this study (the report's transcription only)
        write_text_atomic(stage / page, coverage.page_qmd(lang))
    generated = stage / "_generated"
    generated.mkdir()
    own = edition_state(state, lang)
    tables = stage / "tables"
    write_text_atomic(generated / "home.md", content.home_markdown(
        config, pages, labels, tables, manifest, lang, processed=view.processed_dir,
        coverage_page=coverage.PAGE in optional))
    write_text_atomic(generated / "sources.md", content.sources_markdown(config.data_dir, lang))
    write_text_atomic(generated / "dictionary.md", content.dictionary_markdown(lang, manifest=manifest,
                                                                                  data_dir=config.data_dir))
    write_text_atomic(generated / "errata.md", content.errata_markdown(config.data_dir, lang))
    write_text_atomic(generated / "tables.md", content.tables_markdown(tables, lang))
    if coverage.PAGE in optional:
        write_text_atomic(generated / coverage.GENERATED,
                          coverage.coverage_markdown(config.data_dir, lang, tables=tables, sections=pages))
    write_text_atomic(generated / "reproducibility.md", content.reproducibility_markdown(config, own, lang))
    version = content.build_version(config.root)  # the home page's "How to cite" and the PDF's title page
    write_text_atomic(generated / "cite.md", content.cite_markdown(config.root, manifest, lang, version))
    book.write_study(stage, lang, pages, manifest, tables, config.data_dir, root=config.root, version=version,
                     processed=view.processed_dir, scheme=config.scheme)
    return stage


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
            # costs a second per table-heavy page; Quarto still adds its table classes). The study PDF is written
            # from the notebooks by vstudy.publish.book, with the A4 print version of each table.
            front = {"title": title, "html-table-processing": "none"}
            yaml_lines = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items())
            nb.cells.insert(0, nbformat.v4.new_raw_cell(f"---\n{yaml_lines}\n---"))
        nb.cells = split_figure_cells(nb.cells)
        for index, cell in enumerate(nb.cells):  # the cells added here: ids by position, not random (same bytes
            if cell.get("id") not in executed_ids or cell.get("id") is None:  # for the same notebook, so a page
                cell["id"] = f"staged-{index}"  # is rendered again only when its notebook changed)
        neutralize_outputs(nb)
        drop_repr_results(nb)
        path = target / source.name
        nbformat.write(nb, path)
        pages[section.name] = (path, title)
    return pages


def drop_repr_results(nb) -> None:
    """Remove the outputs that are only a Python value's ``repr`` (``text/plain`` alone): a cell that ends with a call
    returning a value shows it, e.g. ``PosixPath('reports/ru/tables/05_activities__inputs.csv')`` after
    ``study.save(…)``. A reader's outputs are Markdown, HTML and images; such a line is the build's, never the
    reader's (and names a machine path)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not (
                o.get("output_type") in ("execute_result", "display_data") and set(o.get("data", {})) <= {"text/plain"})]


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


