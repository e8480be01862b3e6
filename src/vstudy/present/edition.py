"""One notebook, two editions: what a section notebook holds in Russian and in English, and how one edition's copy
is cut from it.

A section notebook is written once, in both languages, and executed once per edition with its ``lang``
parameter (``en`` or ``ru``): the code cells write their sentences, tables and figures in that language. What the
code does not write is marked in the notebook itself:

* **Markdown cells** carry the tag ``lang-en`` or ``lang-ru`` (cell metadata ``tags``); an edition keeps the
  cells of its language and the cells with no language tag (a cell of no words, such as an image or a rule).
  A student who opens the notebook reads both languages one after the other.
* **Captions and alt texts** of figures and tables are Quarto cell options: ``#| fig-cap:``, ``#| tbl-cap:``,
  ``#| fig-alt:`` hold the English text and ``#| fig-cap-ru:``, ``#| tbl-cap-ru:``, ``#| fig-alt-ru:`` the
  Russian one. The Russian edition's copy has the Russian text under the key Quarto reads; the English copy
  drops the ``-ru`` lines.

:func:`localize` cuts an edition's copy from an executed notebook (the build applies it to each execution);
:func:`problems` lists what a notebook lacks for an edition (a test checks every section notebook).
"""

from __future__ import annotations

import copy
import re

from vstudy.i18n import check_lang as _check  # every edition language a cell may be tagged with (en, ru, kk)
from vstudy.vocab import LANGS

# The Quarto cell options that hold words for the reader; each has a Russian twin ``<key>-ru``.
CAPTION_KEYS: tuple[str, ...] = ("fig-cap", "tbl-cap", "fig-alt", "fig-subcap", "tbl-subcap")
_OPTION = re.compile(r"^(?P<lead>#\|\s*)(?P<key>[A-Za-z][\w-]*?)(?P<ru>-ru)?(?P<rest>\s*:.*)$")


def lang_tag(lang: str) -> str:
    """The cell tag of a Markdown cell written in ``lang`` (``lang-en``, ``lang-ru``)."""
    _check(lang)
    return f"lang-{lang}"


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def cell_lang(cell: dict) -> str | None:
    """The language a cell is tagged with (``en``, ``ru``), or None for a cell of every edition."""
    tags = [t for t in cell.get("metadata", {}).get("tags", []) if t.startswith("lang-")]
    if len(tags) > 1:
        raise ValueError(f"a cell has more than one language tag: {', '.join(tags)}")
    if not tags:
        return None
    lang = tags[0].removeprefix("lang-")
    _check(lang)
    return lang


def localize_source(source: str, lang: str) -> str:
    """A code cell's source with its caption options in ``lang``: for ``ru`` each ``#| key-ru:`` line replaces
    the ``#| key:`` line (in its place); for ``en`` the ``-ru`` lines are dropped. Other lines are unchanged."""
    _check(lang)
    lines = source.split("\n")
    russian = {}
    for line in lines:
        m = _OPTION.match(line)
        if m and m["ru"] and m["key"] in CAPTION_KEYS:
            russian[m["key"]] = m["lead"] + m["key"] + m["rest"]
    out = []
    for line in lines:
        m = _OPTION.match(line)
        if m and m["key"] in CAPTION_KEYS:
            if m["ru"]:
                continue
            if lang == "ru" and m["key"] in russian:
                line = russian[m["key"]]
        out.append(line)
    return "\n".join(out)


def localize(notebook: dict, lang: str) -> dict:
    """The edition ``lang`` of a notebook (nbformat JSON as a dict): Markdown cells of the other language removed,
    captions in ``lang`` (:func:`localize_source`), and the notebook's ``metadata.lang`` set. The input is not
    changed."""
    _check(lang)
    out = copy.deepcopy(notebook)
    cells = []
    for cell in out.get("cells", []):
        tagged = cell_lang(cell)
        if tagged is not None and tagged != lang:
            continue
        if cell.get("cell_type") == "code":
            source = localize_source(_source(cell), lang)
            cell["source"] = source
        cells.append(cell)
    out["cells"] = cells
    out.setdefault("metadata", {})["lang"] = lang
    return out


def problems(notebook: dict) -> list[str]:
    """What keeps ``notebook`` from having both editions: a Markdown cell with words but no language tag, a
    language with no Markdown, a caption option without its Russian twin (or a twin without its English key)."""
    found: list[str] = []
    langs_seen = set()
    for i, cell in enumerate(notebook.get("cells", [])):
        source = _source(cell)
        if cell.get("cell_type") == "markdown":
            lang = cell_lang(cell)
            if lang is None and re.search(r"[A-Za-zА-Яа-яЁё]{2,}", source):
                found.append(f"cell {i}: Markdown with words but no lang-en/lang-ru tag: {source[:60]!r}")
            langs_seen.add(lang)
        elif cell.get("cell_type") == "code":
            keys = {}
            for line in source.split("\n"):
                m = _OPTION.match(line)
                if m and m["key"] in CAPTION_KEYS:
                    keys.setdefault(m["key"], set()).add("ru" if m["ru"] else "en")
            for key, langs in sorted(keys.items()):
                if langs != {"en", "ru"}:
                    missing = f"{key}-ru" if "ru" not in langs else key
                    found.append(f"cell {i}: #| {key} has no #| {missing}")
    for lang in LANGS:
        if lang not in langs_seen:
            found.append(f"no Markdown cell tagged {lang_tag(lang)}")
    return found
