"""Incremental rendering of an edition's Quarto project, and the links between the two editions.

A build stages one Quarto project per edition (``site-src/<lang>/``, see :mod:`vstudy.publish.website`). The staged
project persists between builds with Quarto's own state (``.quarto/``), and the rendered site (``site/<lang>/``)
with it; both are put in place with the rest of the output set. The next build renders only what changed:

* **a page** (a render target of the project: ``index.qmd``, ``study-en.qmd``, ``notebooks/03_x.ipynb`` …) is
  rendered again iff the hash of its inputs changed: its own staged source plus every file it includes
  (``{{< include … >}}``) or embeds (``{{< embed notebooks/x.ipynb#fig-… >}}``), followed recursively
  (:func:`page_inputs`). A page that renders a PDF too (the study report) renders it with its HTML, so the PDF is
  rendered iff one of its inputs changed;
* **everything** is rendered when the project changed: ``_quarto.yml`` (navbar, sidebar, titles), any other staged
  file that is not a page or a page's generated part (templates such as ``study-header.typ``), the set of pages,
  or the Quarto version — or when the previous site is missing or differs from its record.

``quarto render page`` inside a project renders that file with the project's configuration and still
runs the project's own steps (the website's search index and sitemap are updated for the pages rendered, the
other pages stay as they were in ``_site``): see "Incremental Render" in Quarto's documentation
(https://quarto.org/docs/projects/code-execution.html#incremental-render). The pages of one edition that changed
are rendered by one Quarto call, ``quarto render <page> … <page> --no-clean``, which renders each in turn that
way in one process (:func:`vstudy.publish.quarto.render_command`): Quarto starts once per edition, not once per
page.

**The language switch.** Each edition's navbar links to the same page in every other edition, and the study PDFs
of every edition. Quarto writes navbar links relative to the page it renders, for targets inside its project; the
other edition lies outside it. So the staged navbar links to ``_edition-<lang>/<target>`` (a folder no project
has) and, after each render, :func:`rewrite_edition_links` replaces each such link in the pages just rendered with
the relative path to ``<target>`` — or, for :data:`SAME_PAGE`, to the same page — in ``site/<lang>/``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from vstudy.data.atomic import write_text_atomic
from vstudy.publish.state import sha256_file, sha256_json
from vstudy.vocab import LANGS

# Folders of a staged project that hold no page of their own: what the pages include or embed, resources, output.
NOT_TEMPLATES = ("_generated", "notebooks", "tables", "_site")
INCLUDE_RE = re.compile(r"\{\{<\s*(?:include|embed)\s+([^\s>#]+)(?:#[^\s>]*)?\s*>\}\}")
# A local image of a page (the study document's figures, study-figures/*.png): its bytes are the page's too.
IMAGE_RE = re.compile(r"!\[[^\]]*\]\((?!https?:|data:)([^)\s]+)\)")
EDITION_PREFIX = "_edition-"  # navbar links to another edition: _edition-ru/study.pdf
SAME_PAGE = "vstudy-same-page.html"  # … and to the page being read, in that edition (no "_": Quarto drops them)
EDITION_LINK_RE = re.compile(r'href="[^"]*?' + EDITION_PREFIX + r'(?P<lang>[a-z]{2})/(?P<target>[^"#]*)(?P<anchor>#[^"]*)?"')


def edition_href(lang: str, target: str = SAME_PAGE) -> str:
    """The staged navbar link to ``target`` (default: the same page) in edition ``lang``."""
    return f"{EDITION_PREFIX}{lang}/{target}"


def render_targets(project_dir: Path, render: Iterable[str]) -> list[str]:
    """The project's pages: its ``project.render`` entries (globs allowed) that exist, POSIX paths, in order."""
    found: list[str] = []
    for entry in render:
        matches = sorted(project_dir.glob(entry)) if any(ch in entry for ch in "*?[") else [project_dir / entry]
        for path in matches:
            rel = path.relative_to(project_dir).as_posix()
            if path.is_file() and rel not in found:
                found.append(rel)
    return found


def page_inputs(project_dir: Path, page: str) -> dict[str, str]:
    """Every file the page is rendered from: the page, what it includes or embeds (recursively) and the local images
    it shows; rel → sha256.

    An include or embed path is resolved against the page's folder (Quarto pastes an include into the page, so
    its embeds are the page's), else against the including file's folder; a target that does not exist is
    recorded as missing (its appearance renders the page again).
    """
    root = project_dir.resolve()
    seen: dict[str, str] = {}
    todo = [project_dir / page]
    page_dir = (project_dir / page).parent
    while todo:
        path = todo.pop()
        try:
            rel = path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue  # outside the project: not ours to hash
        if rel in seen:
            continue
        if not path.is_file():
            seen[rel] = "missing"
            continue
        seen[rel] = sha256_file(path)
        if path.suffix not in (".qmd", ".md"):
            continue  # an embedded notebook's own outputs are its content; it includes nothing
        text = path.read_text(encoding="utf-8", errors="replace")
        for target in INCLUDE_RE.findall(text) + IMAGE_RE.findall(text):
            first, second = page_dir / target, path.parent / target
            todo.append(first if first.exists() or not second.exists() else second)
    return dict(sorted(seen.items()))


def project_hash(project_dir: Path, pages: list[str], quarto_version: str) -> str:
    """What every page depends on: the staged files that are neither pages nor their generated parts (the project
    file, templates), the list of pages and the Quarto version."""
    files = {}
    for path in sorted(project_dir.rglob("*")):
        rel = path.relative_to(project_dir)
        if not path.is_file() or rel.parts[0] in NOT_TEMPLATES or any(p.startswith(".") for p in rel.parts):
            continue
        if rel.as_posix() not in pages:
            files[rel.as_posix()] = sha256_file(path)
    return sha256_json({"files": files, "pages": pages, "quarto": quarto_version})


def render_plan(project_dir: Path, render: Iterable[str], previous: dict | None,
                quarto_version: str) -> tuple[list[str] | None, dict]:
    """Which pages of the staged project to render: ``(None, record)`` for all of them, else the list (maybe
    empty) of the pages whose inputs changed since ``previous`` (the record of the site in place, or None when
    there is none to build on). ``record`` (project hash, page → inputs hash) goes into the build state."""
    pages = render_targets(project_dir, render)
    record = {"project": project_hash(project_dir, pages, quarto_version),
              "pages": {page: sha256_json(page_inputs(project_dir, page)) for page in pages}}
    if not previous or previous.get("project") != record["project"]:
        return None, record
    before = previous.get("pages") or {}
    return [page for page in pages if before.get(page) != record["pages"][page]], record


def html_page(page: str) -> str:
    """The HTML file Quarto writes for a page: ``notebooks/03_x.ipynb`` → ``notebooks/03_x.html``."""
    return str(Path(page).with_suffix(".html").as_posix())


def rewrite_edition_links(site_dir: Path, pages: Iterable[str] | None, editions: dict[str, set[str]],
                          own: str | None = None) -> list[str]:
    """Point the links to other editions of the rendered pages (``pages``: HTML paths in ``site_dir``; None = every
    HTML file) at their files: ``site/<lang>/<target>`` seen from the page. A page named for its edition ``own``
    (``study-en.html``) has its twin named for the other edition (``study-kk.html``); a same-page link whose page
    the other edition lacks (``editions``: lang → its HTML pages) goes to that edition's home page. Returns the
    pages changed."""
    changed = []
    files = sorted(site_dir.rglob("*.html")) if pages is None else [site_dir / p for p in pages]
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if EDITION_PREFIX not in text:
            continue
        rel = path.relative_to(site_dir).as_posix()
        up = "../" * (rel.count("/") + 1)  # from the page up to site/, above the edition's folder

        def link(m: re.Match, rel: str = rel, up: str = up) -> str:
            lang, target = m["lang"], m["target"]
            if target == SAME_PAGE:
                twin = re.sub(rf"-{own}(\.html)$", rf"-{lang}\1", rel) if own else rel
                target = twin if twin in editions.get(lang, set()) else "index.html"
            return f'href="{up}{lang}/{target}{m["anchor"] or ""}"'

        new = EDITION_LINK_RE.sub(link, text)
        if new != text:
            write_text_atomic(path, new)
            changed.append(rel)
    return changed


def sync_folder(source: Path, target: Path) -> None:
    """Make ``target`` an exact copy of ``source`` (the site's resources, e.g. the CSV tables; a partial render does
    not copy them). Files are copied, never linked: the site of the set in place must not change."""
    shutil.rmtree(target, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*"))


def root_index(editions: Iterable[str], pdf: Callable[[str], str]) -> str:
    """``site/index.html``: the study's title in each language and a link to each edition's site and PDF (``pdf``:
    an edition's PDF file name), each in its own language (the ``pages`` catalogue)."""
    from html import escape

    from vstudy.i18n import text

    items = []
    for lang in (lang for lang in LANGS if lang in set(editions)):
        site, pdf_text = text(lang, "pages.site.edition"), text(lang, "pages.site.pdf")
        items.append(f'<li lang="{lang}"><a href="{lang}/index.html" hreflang="{lang}">{escape(site)}</a> · '
                     f'<a href="{lang}/{pdf(lang)}" hreflang="{lang}">{escape(pdf_text)}</a></li>')
    titles = " / ".join(escape(text(lang, "pages.study_title")) for lang in LANGS)
    heading = " / ".join(f'<span lang="{lang}">{escape(text(lang, "pages.study_title"))}</span>' for lang in LANGS)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{titles}</title>\n"
            "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;"
            "line-height:1.5}li{margin:.5rem 0;font-size:1.2rem}</style>\n</head>\n<body>\n"
            f"<h1>{heading}</h1>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</body>\n</html>\n")
