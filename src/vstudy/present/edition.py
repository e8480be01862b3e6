"""One notebook, every edition: what a section notebook holds in each language, and how one edition's copy is
cut from it.

A section notebook is written once, in every edition's language (:data:`vstudy.vocab.LANGS`: ``en``, ``ru``,
``kk``), and executed once per edition with its ``lang`` parameter: the code cells write their sentences, tables
and figures in that language (from the message catalogues). What the code does not write is marked in the notebook
itself, beside the code, so that a student's fork stays readable:

* **Markdown cells** carry the tag ``lang-en``, ``lang-ru`` or ``lang-kk`` (cell metadata ``tags``); an edition
  keeps the cells of its language and the cells with no language tag (a cell of no words, such as an image or a
  rule). A student who opens the notebook reads the languages one after the other.
* **Captions and alt texts** of figures and tables are Quarto cell options: ``#| fig-cap:``, ``#| tbl-cap:``,
  ``#| fig-alt:`` hold the English text, and each other edition's text is a twin ``#| fig-cap-ru:``,
  ``#| fig-cap-kk:`` … An edition's copy has its own text under the key Quarto reads; every twin line is dropped.
* **A caption that follows the dataset** (say, a table of published values that are the 2021 report's in its
  transcription and a researcher's own elsewhere) is chosen by the code from the catalogues: the table the cell
  shows carries it in its output's metadata (:data:`CELL_OPTIONS`, see :meth:`vstudy.present.notebook.Study.show`),
  and the edition's copy writes it into the cell's ``#| tbl-cap:`` in place of the notebook's text; so for a
  figure's ``#| fig-cap:`` and ``#| fig-alt:`` (:meth:`vstudy.present.notebook.Study.figure`). The notebook's own
  caption lines stay what an edition shows when the code chooses none.
* **A part's heading that follows the dataset**: a Markdown cell tagged ``heads-output`` (:data:`HEADS_OUTPUT`)
  heads the code cell after it, and an executed edition keeps it only where that cell showed something (a part the
  code leaves out for a dataset without its inputs leaves no heading behind); the tag itself is dropped.

:func:`localize` cuts an edition's copy from an executed notebook (the build applies it to each execution);
:func:`problems` lists what a notebook lacks for any edition (a test checks every section notebook).
"""

from __future__ import annotations

import copy
import json
import re

from vstudy.i18n import check_lang as _check
from vstudy.vocab import LANGS

SOURCE_LANG = "en"  # the language of the caption options without a suffix
# The Quarto cell options that hold words for the reader; each has a twin ``<key>-<lang>`` per other edition.
CAPTION_KEYS: tuple[str, ...] = ("fig-cap", "tbl-cap", "fig-alt", "fig-subcap", "tbl-subcap")
TWINS: tuple[str, ...] = tuple(lang for lang in LANGS if lang != SOURCE_LANG)
# The key of an output's metadata (under its mime type: ``{"text/markdown": {CELL_OPTIONS: …}}``, ``{"image/png": …}``)
# that holds the cell options the code chose for its cell — a table's ``tbl-cap``, a figure's ``fig-cap`` and
# ``fig-alt`` (:meth:`vstudy.present.notebook.Study.show`, :meth:`~vstudy.present.notebook.Study.figure`);
# :func:`localize` writes them into the cell and drops the key.
CELL_OPTIONS = "vstudy-cell-options"
# The tag of a Markdown cell kept in an executed edition only where the code cell after it shows something.
HEADS_OUTPUT = "heads-output"
_OPTION = re.compile(r"^(?P<lead>#\|\s*)(?P<key>[A-Za-z][\w-]*?)(?:-(?P<lang>" + "|".join(TWINS)
                     + r"))?(?P<rest>\s*:.*)$")


def lang_tag(lang: str) -> str:
    """The cell tag of a Markdown cell written in ``lang`` (``lang-en``, ``lang-ru``, ``lang-kk``)."""
    _check(lang)
    return f"lang-{lang}"


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def cell_lang(cell: dict) -> str | None:
    """The language a cell is tagged with (``en``, ``ru``, ``kk``), or None for a cell of every edition."""
    tags = [t for t in cell.get("metadata", {}).get("tags", []) if t.startswith("lang-")]
    if len(tags) > 1:
        raise ValueError(f"a cell has more than one language tag: {', '.join(tags)}")
    if not tags:
        return None
    lang = tags[0].removeprefix("lang-")
    _check(lang)
    return lang


def localize_source(source: str, lang: str) -> str:
    """A code cell's source with its caption options in ``lang``: each ``#| key-<lang>:`` line replaces the
    ``#| key:`` line (in its place); every twin line (``-ru``, ``-kk``) is dropped. Other lines are unchanged."""
    _check(lang)
    lines = source.split("\n")
    own = {}
    for line in lines:
        m = _OPTION.match(line)
        if m and m["lang"] == lang and m["key"] in CAPTION_KEYS:
            own[m["key"]] = m["lead"] + m["key"] + m["rest"]
    out = []
    for line in lines:
        m = _OPTION.match(line)
        if m and m["key"] in CAPTION_KEYS:
            if m["lang"]:
                continue
            if m["key"] in own:
                line = own[m["key"]]
        out.append(line)
    return "\n".join(out)


def chosen_options(cell: dict) -> dict[str, str]:
    """The cell options the code chose for a code cell's outputs (:data:`CELL_OPTIONS` of an output's metadata under
    its mime type: ``{"tbl-cap": …}``, ``{"fig-cap": …, "fig-alt": …}``), removed from the outputs (a mime type's
    entry left empty with it); {} when it chose none. Only the options that hold a reader's words
    (:data:`CAPTION_KEYS`) are taken."""
    chosen: dict[str, str] = {}
    for output in cell.get("outputs", []):
        meta = output.get("metadata", {})
        if not isinstance(meta, dict):
            continue
        for mime, held in list(meta.items()):
            if isinstance(held, dict) and CELL_OPTIONS in held:
                options = held.pop(CELL_OPTIONS) or {}
                chosen.update({str(k): str(v) for k, v in options.items() if k in CAPTION_KEYS and v is not None})
                if not held:
                    del meta[mime]
    return chosen


def with_caption(source: str, caption: str, key: str = "tbl-cap") -> str:
    """A code cell's source whose ``#| <key>:`` option says ``caption`` (the line replaced in its place, or added
    after the cell's ``#| label:``); unchanged when it already says it."""
    lines = source.split("\n")
    line = f"#| {key}: {json.dumps(caption, ensure_ascii=False)}"
    for i, old in enumerate(lines):
        m = _OPTION.match(old)
        if m and m["key"] == key and not m["lang"]:
            value = m["rest"].split(":", 1)[1].strip()
            try:
                same = json.loads(value) == caption if value.startswith('"') else value == caption
            except ValueError:
                same = False
            if not same:
                lines[i] = line
            return "\n".join(lines)
    at = next((i + 1 for i, old in enumerate(lines) if re.match(r"^#\|\s*label:", old)), 0)
    return "\n".join([*lines[:at], line, *lines[at:]])


def localize(notebook: dict, lang: str) -> dict:
    """The edition ``lang`` of a notebook (nbformat JSON as a dict): Markdown cells of the other language removed,
    captions in ``lang`` (:func:`localize_source`; a table caption or a figure's caption and alt text the code
    chose, :func:`chosen_options`, in place of the notebook's), and the notebook's ``metadata.lang`` set. The input is not changed."""
    _check(lang)
    out = copy.deepcopy(notebook)
    cells = []
    for cell in out.get("cells", []):
        tagged = cell_lang(cell)
        if tagged is not None and tagged != lang:
            continue
        if cell.get("cell_type") == "code":
            source = localize_source(_source(cell), lang)
            for key, text in chosen_options(cell).items():
                source = with_caption(source, text, key)
            cell["source"] = source
        cells.append(cell)
    out["cells"] = _headings_of_shown_parts(cells)
    out.setdefault("metadata", {})["lang"] = lang
    return out


def _headings_of_shown_parts(cells: list[dict]) -> list[dict]:
    """``cells`` without the Markdown cells tagged :data:`HEADS_OUTPUT` whose next code cell showed nothing, once
    the notebook was executed (some code cell has outputs); the tag removed from the cells kept."""
    executed = any(c.get("outputs") for c in cells if c.get("cell_type") == "code")
    kept = []
    for i, cell in enumerate(cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "markdown" and HEADS_OUTPUT in tags:
            if executed:
                following = next((c for c in cells[i + 1:] if c.get("cell_type") == "code"), None)
                if following is None or not following.get("outputs"):
                    continue
            cell["metadata"]["tags"] = [tag for tag in tags if tag != HEADS_OUTPUT]
        kept.append(cell)
    return kept


def problems(notebook: dict) -> list[str]:
    """What keeps ``notebook`` from having every edition: a Markdown cell with words but no language tag, an
    edition with no Markdown cell of its language, a caption option without its twin in an edition's language
    (or a twin without its English key)."""
    found: list[str] = []
    langs_seen = set()
    tags = "/".join(lang_tag(lang) for lang in LANGS)
    for i, cell in enumerate(notebook.get("cells", [])):
        source = _source(cell)
        if cell.get("cell_type") == "markdown":
            lang = cell_lang(cell)
            if lang is None and re.search(r"[^\W\d_]{2,}", source):
                found.append(f"cell {i}: Markdown with words but no {tags} tag: {source[:60]!r}")
            langs_seen.add(lang)
        elif cell.get("cell_type") == "code":
            keys: dict[str, set[str]] = {}
            for line in source.split("\n"):
                m = _OPTION.match(line)
                if m and m["key"] in CAPTION_KEYS:
                    keys.setdefault(m["key"], set()).add(m["lang"] or SOURCE_LANG)
            for key, langs in sorted(keys.items()):
                for lang in LANGS:
                    if lang not in langs:
                        missing = key if lang == SOURCE_LANG else f"{key}-{lang}"
                        found.append(f"cell {i}: #| {key} has no #| {missing}")
    for lang in LANGS:
        if lang not in langs_seen:
            found.append(f"no Markdown cell tagged {lang_tag(lang)}")
    return found
