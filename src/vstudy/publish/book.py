"""The study PDF of an edition: one Quarto document (``study.qmd``, rendered to typst) that is the whole study.

:func:`write_study` assembles, in reading order:

1. a title page (the study's title; the edition's language; the dataset's title, period and region count from its
   manifest; the build's version, commit and date; the suggested citation and the study's licence, the same words
   as the home page's "How to cite") and a contents page (a typst outline);
2. the summary of findings, computed from the build's tables and processed layer by the same function as the
   home page's (:func:`vstudy.publish.pages.summary_markdown`: headline figures, replication verdict, correlations);
3. the methods in brief (:func:`vstudy.publish.pages.methods_markdown`), then, for the report's transcription, the
   report's chapters and what the study does with each (:mod:`vstudy.publish.coverage`: a cross-reference to the
   chapter of each section that takes one up, ``@sec-<section>``);
4. every executed section notebook, in reading order: its Markdown cells and its outputs (sentences, reader
   tables, figures), never its code. Each section is a level-1 heading; a notebook's other level-1 headings move
   one level down. A cell labelled ``fig-…`` becomes a numbered figure (``![caption](image){#fig-…}``), a cell
   labelled ``tbl-…`` a numbered table (the print version of the reader table — the pipe table
   :mod:`vstudy.present.tables` fits to an A4 page — with ``: caption {#tbl-…}``). Labels are unique across the
   document (a repeated one gets the section's name appended), so Quarto's cross-reference numbering works.
   Outputs that exist only as HTML (interactive maps, raw frames) stay on the website.
   The prose names another section by its subject ("the section on correlations"), never by the website's
   number ("section 03"), which the PDF's own chapter numbers do not share (tests/test_book.py greps each
   edition's document and every catalogue message);
5. the replication summary (the register by section and status), for the report's transcription;
6. appendices: errata (the report's transcription only), sources (origin records), the data dictionary.

Every word of the document's own (title page, parts, appendices) is the ``book`` catalogue; the parts' text is
:mod:`vstudy.publish.pages`'. The document has the same parts, sections, figures and tables in every edition: only
the dataset decides what it holds (a test compares the three editions).

Figures are written as PNG files beside the document (``study-figures/``). The typst options (A4, fonts with
Cyrillic and Kazakh letters, section numbering, page numbers) are in the template ``site/study.yml``; typst set rules in
``site/study-header.typ``. Everything from data is escaped by the page functions; the notebooks' Markdown outputs
pass through :func:`vstudy.present.text.neutralize` again.
"""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path

from vstudy import i18n
from vstudy.data.atomic import write_text_atomic
from vstudy.present import edition
from vstudy.present.text import escape, neutralize
from vstudy.present.words import t
from vstudy.publish import coverage
from vstudy.publish import pages as content

STUDY_NAME = content.STUDY_NAME  # the project's render list names study.qmd; an edition's is study-<lang>.qmd
FIGURES_DIR = "study-figures"
TEMPLATE = "study.yml"
HEADER = "study-header.typ"
PAGE_BREAK = "```{=typst}\n#pagebreak(weak: true)\n```\n"
# A figure taller than this (height / width) is narrowed so that it and its caption fit one A4 page.
MAX_ASPECT = 1.25

_OPTION = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$")
_HEADING = re.compile(r"^(#{1,6})(\s+.*)$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# A paragraph that is only a link to a table's or a figure's CSV file on the website: the PDF has no such file beside it.
_CSV_LINK = re.compile(r"^\[[^\]\n]*\]\((?:\.\./|\./)?(?:tables|figures)/[^)\s]+\.csv\)\s*$", re.MULTILINE)


def word(lang: str, key: str, /, **facts: object) -> str:
    """A word of the study PDF (the ``book`` catalogue) in ``lang``, facts escaped."""
    return t(lang, f"book.{key}", **facts)


def templates_dir(stage_dir: Path) -> Path:
    """Where the study's template is: the staged project (the build copies ``site/`` there), else the checkout's
    ``site/``."""
    return stage_dir if (stage_dir / TEMPLATE).is_file() else Path(__file__).resolve().parents[3] / "site"


def write_study(stage_dir: Path, lang: str, pages: dict[str, tuple[Path, str]], manifest: dict, tables: Path,
                data_dir: Path, root: Path | None = None, version: content.BuildVersion | None = None,
                processed: Path | None = None, scheme: str | None = None) -> Path:
    """Write the study document of the edition ``lang`` into ``stage_dir`` (``study-<lang>.qmd`` and its figures)
    and return its path.

    ``pages``: section name → (path of the staged executed notebook, its title), in reading order, as
    :func:`vstudy.publish.website.stage_notebooks` returns them; ``tables``: the build's ``tables/`` (the summary of
    findings and the replication summary read ``replication.csv`` and ``correlations.csv``); ``data_dir``: the
    dataset (errata and origin records); ``root``: the project (its CITATION.cff and commit; by default the
    checkout this package is in); ``version``: the build's version (:func:`vstudy.publish.pages.build_version` of
    ``root`` by default); ``processed``, ``scheme``: the build's processed layer, which the summary's headline
    figures read (:func:`vstudy.publish.pages.summary_markdown`; without it the summary starts with the findings).
    """
    import nbformat

    figures = stage_dir / FIGURES_DIR
    if figures.is_dir():
        for old in figures.iterdir():
            old.unlink()
    figures.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    root = root if root is not None else Path(__file__).resolve().parents[3]
    version = version or content.build_version(root)
    body = [front_matter(stage_dir, lang, manifest),
            title_page(manifest, lang, version, content.citation_file(root))]
    # The summary is the home page's findings, the same text without its links.
    data = content.processed_reader(None, processed, manifest, scheme) if processed is not None else None
    body.append(unnumbered(content.summary_markdown(tables, manifest, lang, data=data,
                                                    heading=f"# {word(lang, 'summary')}\n", links=False)))
    body.append(f"# {word(lang, 'methods')}\n\n" + content.methods_markdown(manifest, lang))
    if coverage.applies(manifest, data_dir):  # the report's chapters and what the study does with each
        body.append(f"# {coverage.chapter_title(lang)}\n\n" + coverage.coverage_markdown(
            data_dir, lang, tables=tables, pdf=True,
            reference=lambda section: f"@{section_anchor(section)}" if section in pages else None))
    if not pages:
        body.append(word(lang, "none") + "\n")
    for name, (path, title) in pages.items():
        nb = nbformat.reads(nbformat.writes(nbformat.read(path, as_version=4)), as_version=4)
        nb = nbformat.from_dict(edition.localize(nb, lang))
        body.append(section_markdown(nb, name, title, figures, used, lang))
    if content.transcribes_report(manifest):
        body.append(f"# {word(lang, 'replication')}\n\n"
                    + content.replication_summary_markdown(tables, lang, manifest))
    parts = {"errata": lambda: content.errata_markdown(data_dir, lang, blocks=True),
             "sources": lambda: content.sources_markdown(data_dir, lang, level=3),
             "dictionary": lambda: content.dictionary_markdown(lang, level=2, compact=True, manifest=manifest,
                                                                       data_dir=data_dir)}
    letters = content.appendix_letters(manifest, lang)
    for name in content.appendices(manifest):
        heading = word(lang, "appendix", letter=letters[name], title=name)
        body.append(unnumbered(f"# {heading}\n\n" + parts[name]()))
    # Each part after the title page starts a page: a raw typst page break between the parts, at the top level of
    # the document (a show rule on headings cannot do it: Quarto wraps unnumbered headings in a block).
    body = body[:2] + [piece for part in body[2:] for piece in (PAGE_BREAK, part)]
    path = stage_dir / f"{content.study_document(lang)}.qmd"
    write_text_atomic(path, "\n".join(part.rstrip("\n") + "\n" for part in body))
    return path


def front_matter(stage_dir: Path, lang: str, manifest: dict) -> str:
    """The document's YAML front matter: the template's options with the edition's title and language."""
    import yaml

    template = templates_dir(stage_dir) / TEMPLATE
    options = yaml.safe_load(template.read_text(encoding="utf-8")) or {}
    options["title"] = content.page_title(content.study_title(lang), manifest, lang)
    options["lang"] = lang
    typst = options.setdefault("format", {}).setdefault("typst", {})
    if (templates_dir(stage_dir) / HEADER).is_file() and templates_dir(stage_dir) == stage_dir:
        typst["include-in-header"] = HEADER
    return "---\n" + yaml.safe_dump(options, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def title_page(manifest: dict, lang: str, version: content.BuildVersion | None = None, cff: dict | None = None) -> str:
    """What the title page says under the title — the edition; the dataset's title, period and region count; the
    build's version (the study's version, the commit and the date); the study in one paragraph; the suggested
    citation and the licence (the same words as the home page's "How to cite") — then the contents page (typst:
    page breaks and an outline). ``version``: by default the checkout's (:func:`vstudy.publish.pages.build_version`);
    ``cff``: the study's CITATION.cff."""
    version = version or content.build_version(Path(__file__).resolve().parents[3])
    lines = [f"**{word(lang, 'edition')}**\n"]
    title = content.dataset_title(manifest, lang)  # Markdown, escaped
    if title:
        lines.append(i18n.text(lang, "book.dataset", title=title) + "\n")
    period = content.period_label(manifest.get("period"), lang)
    if period:
        lines.append(word(lang, "period", period=period) + "\n")
    count = content.region_count(manifest)
    if count:
        lines.append(word(lang, "regions", n=count) + "\n")
    lines.append(word(lang, "version", **content.version_facts(version)) + "\n")
    lines.append(content.intro_markdown(manifest, lang, site=False))
    lines.append(content.md(lang, "cite.label") + " "
                 + content.citation_markdown(manifest, lang, version, cff if cff is not None else {}) + "\n")
    lines.append(content.licence_markdown(manifest, lang, site=False) + "\n")
    lines.append("```{=typst}\n#pagebreak()\n#outline(title: [" + word(lang, "contents") + "], depth: 2, indent: auto)\n"
                 "#pagebreak()\n```\n")
    return "\n".join(lines)


def _map_headings(markdown: str, change) -> str:
    """``markdown`` with each ATX heading line outside code fences replaced by ``change(line, match)``."""
    out, fence = [], None
    for line in markdown.split("\n"):
        match = _FENCE.match(line)
        if fence is not None or match:
            if match and (fence is None or match.group(1)[0] == fence[0]):
                fence = None if fence is not None else match.group(1)
            out.append(line)
            continue
        head = _HEADING.match(line)
        out.append(change(line, head) if head else line)
    return "\n".join(out)


def unnumbered(markdown: str) -> str:
    """Every ATX heading of ``markdown`` (outside code fences) marked ``{.unnumbered}``."""
    return _map_headings(markdown, lambda line, _: line if "{" in line else f"{line.rstrip()} {{.unnumbered}}")


def shift_headings(markdown: str, minimum: int = 2) -> str:
    """Headings of ``markdown`` (outside code fences) moved down so that none is above level ``minimum``."""
    return _map_headings(markdown, lambda line, head: "#" * minimum + head.group(2)
                         if len(head.group(1)) < minimum else line)


def cell_options(source: str) -> dict[str, str]:
    """The Quarto cell options (``#| key: value``) at the top of a code cell, values read as YAML scalars."""
    import yaml

    options: dict[str, str] = {}
    for line in source.split("\n"):
        match = _OPTION.match(line)
        if not match:
            if line.strip():
                break
            continue
        try:
            value = yaml.safe_load(match.group(2))
        except yaml.YAMLError:
            value = match.group(2)
        options[match.group(1)] = "" if value is None else str(value)
    return options


def section_title(nb, name: str, title: str, lang: str = "en") -> tuple[str, bool]:
    """The section's heading (without its "01. " number: the PDF numbers sections) and whether the notebook's
    first Markdown cell starts with it (then it is not repeated).

    The edition's own heading comes first: the first Markdown cell's ``# heading``; else the staged page's title
    (its front-matter cell, or ``title``); a registry section's title that is not the edition's (a heading in
    another language's script) gives way to its title in the ``sections`` catalogue.
    """
    import yaml

    from vstudy import vocab

    first_md = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    heading = re.match(r"\s*#\s+(.+?)\s*(?:\n|$)", first_md.source) if first_md is not None else None
    if heading:
        return content.NUMBER_PREFIX.sub("", heading.group(1)), True
    first_raw = next((c for c in nb.cells if c.cell_type == "raw"), None)
    if first_raw is not None and first_raw.source.startswith("---"):
        try:
            front = yaml.safe_load(first_raw.source.strip().strip("-")) or {}
        except yaml.YAMLError:
            front = {}
        if isinstance(front, dict) and isinstance(front.get("title"), str):
            title = front["title"]
    title = content.NUMBER_PREFIX.sub("", title or name)
    if name in vocab.SECTIONS and script_of(title) != SCRIPTS[lang]:
        title = content.section_title(name, lang)
    return title, False


# The script each edition writes in; Kazakh and Russian share Cyrillic, Kazakh has letters of its own.
SCRIPTS = {"en": "latin", "ru": "cyrillic", "kk": "kazakh"}
KAZAKH_LETTERS = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def script_of(text: str) -> str:
    """``kazakh`` (a letter only Kazakh has), ``cyrillic`` or ``latin``: which edition's script ``text`` is in."""
    if KAZAKH_LETTERS.search(text):
        return "kazakh"
    return "cyrillic" if re.search("[А-Яа-яЁё]", text) else "latin"


def section_markdown(nb, name: str, title: str, figures: Path, used: set[str], lang: str = "en") -> str:
    """One section of the study: its heading, then its Markdown cells and outputs in order (no code)."""
    heading, strip_first = section_title(nb, name, title, lang)
    out = [f"# {heading} {{#{section_anchor(name)}}}\n"]
    first_md_done = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            text = cell.source
            if strip_first and not first_md_done:
                text = re.sub(r"^\s*#\s+.+?(?:\n|$)", "", text, count=1)
            first_md_done = True
            if text.strip():
                out.append(shift_headings(text.strip("\n")) + "\n")
        elif cell.cell_type == "code":
            out.extend(code_outputs(cell, name, figures, used))
    return "\n".join(out)


def section_anchor(name: str) -> str:
    """The id of a section's chapter heading (``sec-03-correlations``): other chapters refer to it as
    ``@sec-03-correlations``, which Quarto writes as the chapter's own number in the PDF."""
    return "sec-" + re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-")


def _unique(label: str, name: str, used: set[str]) -> str:
    if label in used:
        label = f"{label}-{name.replace('_', '-')}"
        n = 2
        while label in used:
            label, n = f"{label}-{n}", n + 1
    used.add(label)
    return label


def _attr(value: str) -> str:
    """An alt text (written by the study in the notebook) as a quoted Markdown attribute value."""
    return '"' + " ".join(value.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def code_outputs(cell, name: str, figures: Path, used: set[str]) -> list[str]:
    """The reader's part of a code cell: its figures, tables and sentences, labelled ones numbered."""
    options = cell_options(cell.source)
    label = options.get("label", "")
    kind = label.split("-", 1)[0] if label.startswith(("fig-", "tbl-")) else ""
    out: list[str] = []
    placed = False
    for output in cell.get("outputs", []):
        data = output.get("data", {}) if output.get("output_type") in ("display_data", "execute_result") else {}
        image = data.get("image/png")
        markdown = data.get("text/markdown")
        if image:
            labelled = kind == "fig" and not placed
            unique = _unique(label, name, used) if labelled else ""
            stem = unique or f"{name}-{len(list(figures.glob('*.png'))) + 1}"
            file = figures / f"{stem}.png"
            raw = base64.b64decode(image if isinstance(image, str) else "".join(image))
            file.write_bytes(raw)
            width = _width(raw)
            attrs = [] if width is None else [f"width={width}"]
            if labelled:
                placed = True
                attrs.insert(0, "#" + unique)
                if options.get("fig-alt"):
                    attrs.append(f"fig-alt={_attr(options['fig-alt'])}")
                caption = options.get("fig-cap", "")
                out.append(f"![{caption}]({FIGURES_DIR}/{file.name}){{{' '.join(attrs)}}}\n")
            else:
                out.append(f"![]({FIGURES_DIR}/{file.name})" + (f"{{{' '.join(attrs)}}}" if attrs else "") + "\n")
        elif isinstance(markdown, str) or isinstance(markdown, list):
            text = neutralize(markdown if isinstance(markdown, str) else "".join(markdown)).strip("\n")
            if kind == "tbl" and not placed and _is_pipe_table(text):
                placed = True
                caption = escape(options.get("tbl-cap", ""))
                out.append(f"{text}\n\n: {caption} {{#{_unique(label, name, used)}}}\n")
            elif text.strip():
                text = _CSV_LINK.sub("", text).strip("\n")
                if text.strip():
                    out.append(shift_headings(text) + "\n")
    return out


def _is_pipe_table(text: str) -> bool:
    lines = [line for line in text.strip().split("\n") if line.strip()]
    return len(lines) >= 2 and all(line.lstrip().startswith("|") for line in lines) and re.match(
        r"^\s*\|[\s:|-]+\|\s*$", lines[1]) is not None


def _width(png: bytes) -> str | None:
    """``NN%`` for a figure taller than :data:`MAX_ASPECT` (so that it fits the page), else None."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        return None
    width, height = struct.unpack(">II", png[16:24])
    if not width or height / width <= MAX_ASPECT:
        return None
    return f"{max(40, int(100 * MAX_ASPECT * width / height))}%"


def figure_labels(markdown: str) -> list[str]:
    """The figure labels of a study document, in order."""
    return re.findall(r"\]\([^)]*\)\{#(fig-[\w-]+)", markdown)


def table_labels(markdown: str) -> list[str]:
    """The table labels of a study document, in order."""
    return re.findall(r"^: .*\{#(tbl-[\w-]+)\}\s*$", markdown, re.MULTILINE)
