"""Reader-facing tables for the website and the study PDF, from the same executed notebooks.

A study table (``tables/*.csv``) is written for machines: ids, units in column names, full precision. What a
reader sees is made here by :func:`reader_table`: the chosen columns in the chosen order, headers and ids in the
edition's language (:mod:`vstudy.present.labels`), region codes as region names, numbers as CLDR writes them in
the edition's language (:mod:`vstudy.i18n.formats`), booleans as words, "—" where a value is missing with the reason stated below the table,
long notes as numbered notes below the table instead of a narrow column, and no index column.

One table, two renderings of the same columns, chosen by Quarto per output format (it prefers ``text/html`` for
the website and ``text/markdown`` for typst):

* **website** (``text/html``): the table in a box of its own, which scrolls sideways on a phone rather than the page;
* **print** (``text/markdown``, a Pandoc pipe table), whose rule line gives each column its share of the page.

Both show the columns that fit the text width of an A4 page (:data:`MAX_WIDTH_CHARS`, estimated in characters:
headers wrap onto two lines, text cells at :data:`WRAP_CHARS` or their longest word); at 1280 px the website's text
column holds as much. When every column does not fit, the columns the spec marks ``optional`` are left out; if the
rest still does not fit, text cells and headers wrap tighter (:data:`TIGHT_WRAP_CHARS`, three header lines); if it
still does not fit, the last columns are left out (the first, which names the row, always stays). A note below the
table names every column left out: they are all in the downloadable CSV, which keeps every column. A table is never
cut into column blocks (their rows could no longer be told apart). A view that should keep more columns is
reshaped where it is declared (:mod:`vstudy.present.views`): long format for a matrix, shorter headers, fewer columns.

In a notebook the object displays as two outputs: first the table (its own output, so that a cell labelled
``tbl-…`` holds exactly one table and Quarto makes it a numbered float), then the notes — the reason for missing
values, the numbered long notes, the columns left out, and the link to the full table as CSV. Every string from
data is escaped (:func:`vstudy.present.text.escape`): a hostile cell cannot inject markup, HTML or a Quarto
shortcode.

Example::

    from vstudy.present import tables
    tables.reader_table(frame, ["region_code", "ngo_count", tables.col("ngo_share_pct", decimals=1),
                                tables.col("note", optional=True)], lang,
                        missing_reason=tables.msg("tables.reason.not_published"),
                        csv_link=tables.study_table_link("by_region", "02_organisations", lang))
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from vstudy import i18n
from vstudy.data import regions
from vstudy.i18n import formats
from vstudy.present import labels
from vstudy.present.text import escape

# Text width of the A4 study PDF (2 cm margins, 170 mm) in characters of the body font (DejaVu Sans 10 pt, about
# 2 mm a character on average), less a little for the cell insets counted per column below.
MAX_WIDTH_CHARS = 88
CELL_PADDING_CHARS = 2
WRAP_CHARS = 30  # a text column is counted this wide (or its longest word): longer cells wrap
TIGHT_WRAP_CHARS = 12  # … and this wide (headers on three lines) when the table does not fit otherwise
NOTE_CHARS = 40  # a note column whose longest note is longer becomes numbered notes below the table
DASH = "—"
MINUS = formats.MINUS
NBSP = "\u00a0"  # the no-break space CLDR groups thousands with in Russian and Kazakh (1 353)
LANGS = i18n.LANGS

FORMATS = ("auto", "int", "num", "pct", "p", "r", "text", "note", "id", "code", "region", "bool")


@dataclass(frozen=True)
class Msg:
    """A message of the catalogues as a table's text (a header, a reason, a note, a cell's label): filled in the
    edition's language when the table is made. ``msg("tables.reason.not_published")``."""

    id: str
    facts: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return i18n.text(lang, self.id, **self.facts)


def msg(msg_id: str, /, **facts: object) -> Msg:
    """A catalogue message to be filled in the table's language (see :class:`Msg`)."""
    return Msg(msg_id, facts)


# one string for every edition, a catalogue message, or (while sections move their words into catalogues)
# {"en": …, "ru": …, "kk": …}
Text = str | Msg | Mapping[str, str]


def _word(lang: str, key: str, **facts: object) -> str:
    return i18n.text(lang, f"tables.{key}", **facts)


def _text(value: Text | None, lang: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Msg):
        return value.text(lang)
    try:
        return value[lang]
    except KeyError:
        raise KeyError(f"no {lang} text in {dict(value)!r}; give a catalogue message (tables.msg)") from None


# ============================================================================================ numbers
def format_number(value: float, decimals: int = 0, lang: str = "en") -> str:
    """``value`` with ``decimals`` decimals, thousands grouped, as CLDR writes numbers in ``lang``
    (:func:`vstudy.i18n.formats.number`).

    en: ``12,345.6``; ru and kk: ``12 345,6`` (no-break space, decimal comma). Negative numbers take a true minus
    sign (U+2212), which no Markdown reader mistakes for a list item or a hyphen; a value that rounds to zero has
    none ("0.00", not "−0.00").
    """
    _check_lang(lang)
    return formats.number(value, lang, decimals=decimals)


def format_p(value: float, lang: str = "en", decimals: int = 3) -> str:
    """A p-value with three decimals, or "< 0.001" below that."""
    floor = 10 ** -decimals
    if value < floor:
        return _word(lang, "less_than", value=format_number(floor, decimals, lang))
    return format_number(value, decimals, lang)


def _auto_decimals(values: pd.Series, cap: int | None = None) -> int:
    """The fewest decimals (≤ cap) that show every value as it is: 29.95 keeps two, 70.0 none.

    The cap falls with the magnitude (two decimals below 100, one below 10 000, none above), so that money and
    counts are not printed to the cent.
    """
    finite = [float(v) for v in values if _is_number(v) and math.isfinite(float(v))]
    if not finite:
        return 0
    if cap is None:
        top = max(abs(v) for v in finite)
        cap = 2 if top < 100 else 1 if top < 10_000 else 0
    for decimals in range(cap + 1):
        if all(abs(round(v, decimals) - v) < 1e-9 * max(1.0, abs(v)) for v in finite):
            return decimals
    return cap


def _is_bool(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not _is_bool(value)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"tables exist in {', '.join(LANGS)}, not {lang!r}")


# ============================================================================================ the spec
@dataclass(frozen=True)
class Col:
    """How one column is shown.

    ``fmt``: ``auto`` (from the name and the values, see :func:`resolve_format`), ``int``, ``num``, ``pct``
    (a number already in per cent; the header carries the %), ``p`` (p-value), ``r`` (a coefficient), ``text``,
    ``note`` (long text: numbered notes below the table), ``id`` (a category id, shown as its label), ``code``
    (a file or column name, shown as code), ``region`` (a code or name, shown as the region's name), ``bool``.
    ``label``: the header (a catalogue message :func:`msg`, or one string); default :func:`labels.column_label`.
    ``optional``: left out of the print version when the table is too wide for the page.
    ``missing``: why a value of this column is missing (overrides the table's ``missing_reason``).
    ``values``: labels for the cells (value → text or :func:`msg`), e.g. indicator ids → descriptions.
    """

    name: str
    fmt: str = "auto"
    decimals: int | None = None
    label: Text | None = None
    optional: bool = False
    missing: Text | None = None
    values: Mapping[object, Text] | None = None

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ValueError(f"column {self.name!r}: format {self.fmt!r} is not one of {FORMATS}")


def col(name: str, fmt: str = "auto", **options) -> Col:
    """Shorthand for :class:`Col`: ``col("p_holm", "p")``, ``col("note", optional=True)``."""
    return Col(name, fmt, **options)


_P_COLUMNS = re.compile(r"p|p_.+")
_R_COLUMNS = re.compile(r"r|r_.+|ci_(low|high)|boot_(low|high)|r2|power|change_without_influential")
_INT_NAMES = re.compile(r"n|n_.+|.+_count|rows|row|k|regions_.+|of_regions|order_in_text|source_line|outliers")
_NOTE_NAMES = re.compile(r"note.*|why|reading|justification|evidence|correction|message|basis")


def resolve_format(name: str, values: pd.Series) -> str:
    """The format ``auto`` stands for, from the column's name and values."""
    present = [v for v in values if not _is_missing(v)]
    if present and all(_is_bool(v) or v in ("True", "False") for v in present):
        return "bool"
    if name in labels.CODE_COLUMNS:
        return "code"
    if name in ("region_code", "region", "influential_region") or (
            present and all(labels.is_region_code(v) for v in present)):
        return "region"
    if name in labels.ID_COLUMNS:
        return "id"
    numeric = bool(present) and all(_is_number(v) for v in present)
    if numeric:
        if _P_COLUMNS.fullmatch(name):
            return "p"
        if _R_COLUMNS.fullmatch(name):
            return "r"
        if name.endswith(("_pct", "_pp")):
            return "pct"
        integral = all(float(v).is_integer() for v in present if math.isfinite(float(v)))
        if integral and (_INT_NAMES.fullmatch(name) or pd.api.types.is_integer_dtype(values.dtype)):
            return "int"
        return "num"
    if _NOTE_NAMES.fullmatch(name):
        return "note"
    return "text"


# ============================================================================================ the table
@dataclass
class ReaderTable:
    """A formatted table: ``headers`` and ``rows`` hold plain (unescaped) text; rendering escapes it.

    ``shown`` lists the positions of the columns shown (on the website and in print); ``omitted`` the optional
    columns left out, ``cut`` the columns left out because the rest did not fit even so (both named in a note,
    both in the CSV); ``tight``: text and headers wrap narrower to fit; ``notes`` the lines shown below the table.
    """

    lang: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    shown: list[int] = field(default_factory=list)
    omitted: list[int] = field(default_factory=list)
    cut: list[int] = field(default_factory=list)
    tight: bool = False
    cut_expected: bool = False
    notes: list[str] = field(default_factory=list)
    numbered_notes: list[str] = field(default_factory=list)
    caption: str | None = None
    csv_link: str | None = None

    # ------------------------------------------------------------------ print (a Markdown pipe table)
    def markdown_table(self) -> str:
        """The pipe table of the shown columns; the dashes of its rule line give each column its share of the
        page (Pandoc reads them when a line is longer than its column limit)."""
        widths = self._widths(self.tight)
        head = "| " + " | ".join(escape(self.headers[i]) for i in self.shown) + " |"
        rule = "|" + "|".join(
            ("-" * (widths[i] + CELL_PADDING_CHARS) + ":") if self.numeric[i]
            else (":" + "-" * (widths[i] + CELL_PADDING_CHARS))
            for i in self.shown) + "|"
        body = ["| " + " | ".join(_md_cell(row[i]) for i in self.shown) + " |" for row in self.rows]
        return "\n".join([head, rule, *body]) + "\n"

    def left_out(self) -> list[int]:
        """The columns not shown (optional ones, then those cut to fit), in the table's order."""
        return sorted([*self.omitted, *self.cut])

    def notes_markdown(self) -> str:
        """The notes below the table (numbered long notes, missing values, columns left out) and the CSV link."""
        blocks = []
        if self.numbered_notes:
            blocks.append("\n".join(f"{i}. {escape(text)}" for i, text in enumerate(self.numbered_notes, 1)) + "\n")
        notes = [escape(text) for text in self.notes]
        if self.left_out():
            names = [_word(self.lang, "quoted", name=self.headers[i]) for i in self.left_out()]
            notes.append(escape(_word(self.lang, "left_out", columns=names, csv=bool(self.csv_link))))
        if notes:
            blocks.append("\n\n".join(notes) + "\n")
        if self.csv_link:
            blocks.append(self.csv_link + "\n")
        return "\n".join(blocks)

    def markdown(self) -> str:
        """Everything as one Markdown string: the table, then :meth:`notes_markdown`."""
        first = self.markdown_table()
        if self.caption:
            first += f"\n: {escape(self.caption)}\n"
        notes = self.notes_markdown()
        return first + ("\n" + notes if notes else "")

    # ------------------------------------------------------------------ website (HTML, the same columns)
    def html(self) -> str:
        head = "".join(f"<th{_align(self.numeric[i])}>{escape(self.headers[i])}</th>" for i in self.shown)
        body = "".join(
            "<tr>" + "".join(f"<td{_align(self.numeric[i])}>{_html_cell(row[i])}</td>" for i in self.shown) + "</tr>"
            for row in self.rows
        )
        caption = f"<caption>{escape(self.caption)}</caption>" if self.caption else ""
        # the box scrolls sideways where a phone is narrower than the table (site.css); the page never does
        # how many columns were cut to fit ("expected" where the view declares it: tests/integration/test_pages_fit_builds)
        cut = f' data-cut="{"expected" if self.cut_expected else len(self.cut)}"' if self.cut else ""
        return (f'<div class="reader-table" style="overflow-x:auto"{cut}>'
                f'<table class="table table-sm">{caption}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table></div>")

    # ------------------------------------------------------------------ Jupyter
    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_html_(self) -> str:
        return self.html()

    def _ipython_display_(self) -> None:
        self.display()

    def display(self, metadata: dict | None = None) -> None:
        """Show the table (Markdown and HTML), then its notes; ``metadata``: the table output's (by mime type)."""
        from IPython.display import display

        display({"text/markdown": self.markdown_table(), "text/html": self.html()}, raw=True,
                **({"metadata": metadata} if metadata else {}))
        notes = self.notes_markdown()
        if notes:
            display({"text/markdown": notes}, raw=True)

    # ------------------------------------------------------------------ width
    def _widths(self, tight: bool = False) -> list[int]:
        return [_column_width(h, [row[i] for row in self.rows], not self.numeric[i], tight)
                for i, h in enumerate(self.headers)]

    def width(self, columns: Sequence[int] | None = None, tight: bool | None = None) -> int:
        """Estimated printed width in characters of ``columns`` (default: those shown; ``tight``: wrapped
        narrower, default as the table is)."""
        widths = self._widths(self.tight if tight is None else tight)
        cols = self.shown if columns is None else columns
        return sum(widths[i] + CELL_PADDING_CHARS for i in cols)


def _column_width(header: str, cells: Sequence[str], wraps: bool, tight: bool = False) -> int:
    """Estimated width in characters: headers wrap onto at most two lines (three when ``tight``); text cells (not
    numbers) wrap at :data:`WRAP_CHARS` (:data:`TIGHT_WRAP_CHARS`) or their longest word, as a typesetter would
    wrap them."""
    texts = [c[len(_CODE):] if c.startswith(_CODE) else c for c in cells]
    widest = max((len(t) for t in texts), default=0)
    if wraps:
        longest_word = max((len(w) for t in texts for w in _BREAKS.split(t)), default=0)
        widest = min(widest, max(TIGHT_WRAP_CHARS if tight else WRAP_CHARS, longest_word))
    return max(_wrapped_width(header, lines=3 if tight else 2), widest)


# Where a line may break in a cell (Unicode line breaking, as browsers and typst apply it): at spaces, and after a
# hyphen, a dash or a slash ("Северо-|Казахстанская", "report_2021/|errata.csv").
_BREAKS = re.compile(r"\s+|(?<=[-‐–—/])(?=\w)")


def _wrapped_width(text: str, lines: int) -> int:
    """The narrowest width at which ``text`` wraps at spaces onto at most ``lines`` lines."""
    words = text.split()
    width = max((len(w) for w in words), default=0)
    while True:
        used, current = 1, 0
        for word in words:
            needed = len(word) if current == 0 else current + 1 + len(word)
            if needed <= width:
                current = needed
            else:
                used, current = used + 1, len(word)
        if used <= lines:
            return width
        width += 1


def _align(numeric: bool) -> str:
    return ' style="text-align:right"' if numeric else ""


_CODE = "\x00code\x00"  # marks a cell shown as code (a file or column name)
_PLAIN_NAME = re.compile(r"[\w.\-/]+(?:; [\w.\-/]+)*")


def _md_cell(text: str) -> str:
    if text.startswith(_CODE):
        return "`" + text[len(_CODE):].replace("`", "'").replace("|", "¦") + "`"
    return escape(text)


def _html_cell(text: str) -> str:
    if text.startswith(_CODE):
        return f"<code>{html.escape(text[len(_CODE):])}</code>"
    return escape(text)


# ============================================================================================ building
def reader_table(
    frame: pd.DataFrame,
    columns: Sequence[str | Col] | None = None,
    lang: str = "en",
    *,
    caption: Text | None = None,
    missing_reason: Text | None = None,
    notes: Sequence[Text] = (),
    csv_link: str | None = None,
    max_width_chars: int = MAX_WIDTH_CHARS,
    note_chars: int = NOTE_CHARS,
    fit: str = "whole",
) -> ReaderTable:
    """The reader's view of ``frame``: see the module's docstring.

    ``columns``: names or :func:`col` specs, in the order shown (default: every column). The frame's index is
    never shown; a *named* index that is not a plain row number is data (a region code) and becomes a column.
    ``missing_reason``: why values are missing (per column: ``col(..., missing=…)``); without one, a missing value
    is still marked "—" and the note says the data have no value for it. ``notes``: further lines below the table
    (sources, definitions). ``csv_link``: Markdown for the full table, e.g. :func:`study_table_link`.
    ``fit``: ``"cut"`` when the caller expects the last columns to leave the page (a matrix whose columns the
    dataset chooses); ``"whole"`` (default) when every column not ``optional`` should fit.
    """
    if fit not in ("whole", "cut"):
        raise ValueError(f"fit is 'whole' or 'cut', not {fit!r}")
    _check_lang(lang)
    data = frame
    if not isinstance(frame.index, pd.RangeIndex) and any(n is not None for n in frame.index.names):
        data = frame.reset_index()
    specs = [c if isinstance(c, Col) else Col(c) for c in (columns if columns is not None else data.columns)]
    if not specs:
        raise ValueError("a reader table needs at least one column")
    unknown = [c.name for c in specs if c.name not in data.columns]
    if unknown:
        raise KeyError(f"columns {unknown} are not in the table (it has {list(data.columns)})")
    specs = [c if c.fmt != "auto" else replace(c, fmt=resolve_format(c.name, data[c.name])) for c in specs]

    headers = [_text(c.label, lang) or labels.column_label(c.name, lang, default=c.name) for c in specs]
    cells: list[list[str]] = [[] for _ in range(len(data))]
    numbered: list[str] = []
    missing_cols: list[int] = []
    for j, spec in enumerate(specs):
        column = _format_column(spec, data[spec.name], lang, note_chars, numbered)
        for i, text in enumerate(column):
            cells[i].append(text)
        if any(text == DASH for text in column):
            missing_cols.append(j)
    numeric = [c.fmt in ("int", "num", "pct", "p", "r") for c in specs]

    table_notes: list[str] = []
    if missing_cols:
        reasons = {j: _text(specs[j].missing, lang) for j in missing_cols}
        general = _text(missing_reason, lang)
        if all(r is None for r in reasons.values()):
            table_notes.append(_word(lang, "missing", reason=general or _word(lang, "no_value")))
        else:
            for j, reason in reasons.items():
                table_notes.append(_word(lang, "missing_in", column=headers[j],
                                         reason=reason or general or _word(lang, "no_value")))
    table_notes.extend(t for t in (_text(n, lang) for n in notes) if t)

    table = ReaderTable(lang=lang, headers=headers, rows=cells, numeric=numeric, notes=table_notes,
                        numbered_notes=numbered, caption=_text(caption, lang), csv_link=csv_link,
                        cut_expected=fit == "cut")
    _fit(table, specs, max_width_chars)
    return table


def _format_column(spec: Col, values: pd.Series, lang: str, note_chars: int, numbered: list[str]) -> list[str]:
    fmt = spec.fmt
    raw = list(values)
    if spec.values is not None:
        raw = [(_text(spec.values[v], lang) if not _is_missing(v) and v in spec.values else v) for v in raw]
    if fmt == "note":
        texts = ["" if _is_missing(v) else str(v) for v in raw]
        if max((len(t) for t in texts), default=0) <= note_chars:
            return texts
        out = []
        for text in texts:
            if not text:
                out.append("")
                continue
            if text not in numbered:
                numbered.append(text)
            out.append(f"[{numbered.index(text) + 1}]")
        return out
    decimals = spec.decimals
    if fmt in ("num", "pct") and decimals is None:
        decimals = _auto_decimals(pd.Series(raw))
    out = []
    for v in raw:
        if _is_missing(v) or (isinstance(v, str) and v == "" and fmt not in ("text", "code")):
            out.append(DASH)
        elif fmt == "int":
            out.append(format_number(round(float(v)), 0, lang))
        elif fmt in ("num", "pct"):
            out.append(format_number(float(v), decimals or 0, lang))
        elif fmt == "p":
            out.append(format_p(float(v), lang, 3 if spec.decimals is None else spec.decimals))
        elif fmt == "r":
            out.append(format_number(float(v), 2 if spec.decimals is None else spec.decimals, lang))
        elif fmt == "bool":
            truth = bool(v) if _is_bool(v) else str(v) == "True"
            out.append(_word(lang, "yes" if truth else "no"))
        elif fmt == "id":
            out.append(labels.value_label(v, lang, default=v) if labels.is_id(v) else str(v))
        elif fmt == "region":
            out.append(_region(v, lang))
        elif fmt == "code":
            # only plain names are shown as code: anything else is text (escaped like every other cell)
            out.append(_CODE + str(v) if _PLAIN_NAME.fullmatch(str(v)) else str(v))
        else:
            out.append(str(v))
    return out


def _region(value: object, lang: str) -> str:
    if labels.is_region_code(value):
        return labels.region_label(str(value), lang)
    code = regions.try_resolve(str(value)) if isinstance(value, str) else None
    return labels.region_label(code, lang) if code else str(value)


def _fit(table: ReaderTable, specs: Sequence[Col], max_width: int) -> None:
    """Choose the columns shown: every one; else without the optional ones; else those wrapped tighter; else
    fewer, from the right (the first column, which names the row, stays). Never column blocks."""
    every = list(range(len(specs)))
    table.shown, table.omitted, table.cut, table.tight = every, [], [], False
    if table.width(every) <= max_width:
        return
    kept = [i for i in every if not specs[i].optional or i == 0]
    table.shown, table.omitted = kept, [i for i in every if i not in kept]
    if table.width(kept) <= max_width:
        return
    table.tight = True
    while len(table.shown) > 1 and table.width() > max_width:
        table.cut.insert(0, table.shown.pop())


# ============================================================================================ links
def study_table_link(name: str, section: str | None = None, lang: str = "en", *, base: str = "..") -> str:
    """Markdown link to the full table ``tables/<section>__<name>.csv`` (or ``tables/<name>.csv``).

    ``base`` is the way from the page to the site's root: ``..`` from a section page (``notebooks/*.html``), ``.``
    from a page at the root. The site copies ``tables/`` as resources, so the link works offline.
    """
    _check_lang(lang)
    if not re.fullmatch(r"[\w.-]+", name) or (section is not None and not re.fullmatch(r"[\w.-]+", section)):
        raise ValueError(f"table names are plain file names, not {name!r} / {section!r}")
    file = f"{section}__{name}.csv" if section else f"{name}.csv"
    return f"[{escape(_word(lang, 'csv'))}]({base.rstrip('/')}/tables/{file})"
