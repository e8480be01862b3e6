"""What a section notebook calls: one set-up call, the processed tables, and where tables and figures go.

A notebook opens with its parameters cell and then::

    study = notebook.setup("04_maps", globals())

which resolves the paths, applies the figure style and returns a :class:`Study`: ``study.table(name)`` reads a
table of the processed layer (``None`` when the dataset does not have it), ``study.save(frame, name)`` writes
``<output_dir>/tables/<section>__<name>.csv``, ``study.figure(fig, name, data=frame)`` writes
``<output_dir>/figures/<section>__<name>.png|svg`` and the frame it draws as ``…/<section>__<name>.csv``, and
shows the PNG with a link to its data, ``study.say(template, **values)`` shows
Markdown whose values are escaped (:func:`vstudy.present.text.md`). Writes are atomic and deterministic.

A part of a section whose inputs the dataset lacks passes ``None`` along: ``save(None, …)`` and
``figure(None, …)`` do nothing, and ``say`` shows the one sentence the analysis function returned instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vstudy import i18n, vocab
from vstudy.data import paths
from vstudy.data.atomic import atomic_path
from vstudy.data.manifest import transcribes_report
from vstudy.present.words import Rendered

if TYPE_CHECKING:
    import pandas as pd


def tables_dir(output_dir: str | Path) -> Path:
    return Path(output_dir) / "tables"


def figures_dir(output_dir: str | Path) -> Path:
    return Path(output_dir) / "figures"


def save_table(frame: pd.DataFrame, section: str | None, name: str, output_dir: str | Path,
               index: bool = False, lang: str = "en") -> Path:
    """Write ``frame`` to ``tables/<section>__<name>.csv`` (:func:`write_csv`: ids as the header, UTF-8, LF, floats
    with up to 10 significant digits, a CSVW description with the headers in every edition's language, and in
    the ru and kk editions a copy with the edition's headers).

    ``section=None`` writes ``tables/<name>.csv``: the study-wide tables readers look for by name
    (``replication.csv``, ``correlations.csv``).
    """
    target = tables_dir(output_dir) / (f"{section}__{name}.csv" if section else f"{name}.csv")
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_csv(frame, target, index=index, lang=lang)


def figure_base(section: str, name: str, output_dir: str | Path) -> Path:
    """Path without extension for a figure of a section; plots.save adds .png and .svg."""
    path = figures_dir(output_dir) / f"{section}__{name}"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def figure_texts(fig) -> list[str]:
    """Every text a reader sees on ``fig``: titles, axis labels, tick labels, legend entries, annotations.

    Kept with the figure's output (``metadata["image/png"]["vstudy"]["texts"]``) so that a check can read what the PNG says
    without reading pixels (:mod:`vstudy.publish.reader_ids`).
    """
    from matplotlib.text import Text

    seen: list[str] = []
    for artist in fig.findobj(Text):
        text = artist.get_text().strip() if artist.get_visible() else ""
        if text and text not in seen:
            seen.append(text)
    return seen


def column_titles(columns: Sequence[object]) -> dict[str, dict[str, str]]:
    """Each column's title in every edition's language (:func:`vstudy.present.labels.column_label`; a region code
    as the region's name; the id where the catalogue has no label): ``{column: {lang: title}}``."""
    from vstudy.present import labels

    out: dict[str, dict[str, str]] = {}
    for name in columns:
        key = str(name)
        titles = {}
        for lang in i18n.LANGS:
            if labels.is_region_code(key):
                titles[lang] = labels.region_label(key, lang)
            else:
                titles[lang] = labels.column_label(key, lang, default=None) or key
        out[key] = titles
    return out


def csvw_metadata(file: str, columns: Sequence[object]) -> dict:
    """The W3C CSV on the Web (CSVW) description of the CSV ``file``: each column's ``name`` is its id (what a
    program reads) and its ``titles`` the header in each edition's language (``{"en": …, "ru": …, "kk": …}``)."""
    titles = column_titles(columns)
    return {"@context": "http://www.w3.org/ns/csvw", "url": file,
            "tableSchema": {"columns": [{"name": key, "titles": titles[key]} for key in titles]}}


def _write_csv(frame: pd.DataFrame, target: Path, index: bool = False, header: Sequence[str] | bool = True,
               encoding: str = "utf-8") -> None:
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, index=index, header=header, lineterminator="\n", float_format="%.10g", encoding=encoding)


def _write_json(data: dict, target: Path) -> None:
    with atomic_path(target) as tmp:
        Path(tmp).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def edition_copy(path: Path, lang: str) -> Path:
    """The edition's copy of the CSV ``path`` for spreadsheet users: ``<name>.<lang>.csv`` (ru, kk)."""
    return path.with_name(f"{path.stem}.{lang}.csv")


def write_csv(frame: pd.DataFrame, target: Path, index: bool = False, lang: str = "en") -> Path:
    """Write ``frame`` to ``target`` with its ids as the header (UTF-8, LF, floats with up to 10 significant
    digits), its CSVW description beside it (``<target>-metadata.json``: each column's id and its title in every
    edition's language) and, in the Russian and Kazakh editions, a copy whose header row is the edition's titles
    (``<name>.<lang>.csv``, UTF-8 with a byte-order mark so that a spreadsheet opens it in its language)."""
    data = frame.reset_index() if index else frame
    _write_csv(data, target)
    _write_json(csvw_metadata(target.name, list(data.columns)), target.with_name(target.name + "-metadata.json"))
    if lang != "en":
        titles = column_titles(list(data.columns))
        copy = edition_copy(target, lang)
        _write_csv(data, copy, header=[titles[str(c)][lang] for c in data.columns], encoding="utf-8-sig")
        _write_json(csvw_metadata(copy.name, list(data.columns)), copy.with_name(copy.name + "-metadata.json"))
    return target


def download_link(path: Path, lang: str, kind: str = "table", base: str = "..") -> Rendered:
    """The link under a table or a figure to its CSV, in the edition's language: the edition's copy with the
    edition's headers where one was written (ru, kk), else the file of ids. ``kind``: ``table`` or ``figure``."""
    copy = edition_copy(path, lang)
    shown = copy if lang != "en" and copy.is_file() else path
    if not re.fullmatch(r"[\w.-]+", shown.name) or not re.fullmatch(r"[\w.-]+", shown.parent.name):
        raise ValueError(f"a download is a plain file name, not {shown.parent.name}/{shown.name!r}")
    # the message has no text from data; the file name is plain (checked above), so it goes into the link as is
    return Rendered(i18n.text(lang, f"labels.download.{kind}", href=f"{base.rstrip('/')}/{shown.parent.name}/{shown.name}"))


def show_figure(fig, section: str, name: str, output_dir: str | Path, interactive=None,
                include_js: bool = True, data: pd.DataFrame | None = None, lang: str = "en",
                options: dict[str, str] | None = None) -> None:
    """Save ``fig`` (PNG at ``plots.SAVE_DPI`` and SVG), close it, and show the saved PNG as the cell's output.

    The notebook, the website and the study PDF then carry the print-resolution file that was written, at the
    figure's fixed size, instead of a second, screen-resolution render with a cropped box; and every figure is
    drawn once less. With ``interactive`` (a plotly figure) the output is one bundle of the interactive map
    (``text/html``, the website's) and the saved PNG (the PDF's): :func:`vstudy.present.interactive.bundle`;
    ``include_js`` embeds plotly.js with it. With ``data`` (the frame the figure draws) the frame is saved beside
    the images as ``figures/<section>__<name>.csv`` (:func:`write_csv`: ids, CSVW titles, the edition's copy) and
    a link to it in ``lang`` is shown under the figure. The figure's texts go with its output
    (:func:`figure_texts`). Returns nothing, so that a last line of a cell adds no output.
    """
    from IPython.display import Image, Markdown, display

    from vstudy.present import plots

    base = figure_base(section, name, output_dir)
    written = plots.save(fig, base)
    texts = figure_texts(fig)  # after drawing: tick labels are laid out when the figure is drawn
    plots.plt.close(fig)
    png = next(p for p in written if p.suffix == ".png")
    if interactive is not None:
        from vstudy.present import interactive as maps_html

        maps_html.show(interactive, png.read_bytes(), include_js=include_js)
    else:
        from vstudy.present.edition import CELL_OPTIONS

        meta = {"vstudy": {"texts": texts}, **({CELL_OPTIONS: dict(options)} if options else {})}
        display(Image(data=png.read_bytes(), format="png", metadata=meta))
    if data is not None:
        csv = write_csv(data, base.with_name(base.name + ".csv"), index=_named_index(data), lang=lang)
        display(Markdown(str(download_link(csv, lang, "figure"))))


def _named_index(frame: pd.DataFrame) -> bool:
    """Whether ``frame``'s index is data (named: a region code, an indicator) rather than row numbers."""
    return any(n is not None for n in frame.index.names)


def markdown(*parts: object, lang: str = "en") -> str:
    """The Markdown of ``parts`` joined by spaces.

    A part is a message filled from a catalogue (:class:`vstudy.present.words.Rendered`: its data strings are
    escaped, its numbers written by CLDR in the edition's language), a list of such parts, or None (skipped). Any
    other text is refused: a sentence a reader sees comes from the catalogues, never from a string typed in code.
    A part that opens with a heading (``#``) starts a new paragraph, and so does the part after a heading on its own,
    so a function can return a part's heading and its sentences together. ``lang`` is the edition's (kept for the
    callers; the parts are already in it).
    """
    pieces: list[str] = []

    def add(part: object) -> None:
        if part is None:
            return
        if isinstance(part, Rendered):
            pieces.append(str(part))
        elif isinstance(part, str):
            raise TypeError(f"not a message from the catalogues (vstudy.present.words.t): {part[:60]!r}")
        elif isinstance(part, Sequence):
            for item in part:
                add(item)
        else:
            raise TypeError(f"cannot show {type(part).__name__} as text: {part!r}")

    for part in parts:
        add(part)
    out, previous = "", ""
    for piece in pieces:
        heading_alone = previous.startswith("#") and "\n" not in previous
        sep = "" if not out else "\n\n" if piece.startswith("#") or heading_alone else " "
        out += sep + piece
        previous = piece
    return out


def errata_sentences(errata: pd.DataFrame | None, tables: Sequence[str], lang: str = "en") -> list[Rendered]:
    """One sentence (``data_quality.erratum``) per erratum of ``errata`` that names a file of one of ``tables``, in
    ``lang``: the register's ``description_<lang>``; where the register gives the description in another language
    only, that text with its language named (``provenance.recorded_in``), never a silent sentence of another
    language."""
    from vstudy import i18n
    from vstudy.data.errata import erratum_text
    from vstudy.present.words import t

    if errata is None or errata.empty:
        return []
    files = {f"{name}.csv" for name in tables}
    hits = errata[[bool(files & {f.strip().rsplit("/", 1)[-1] for f in str(v).split(";")}) for v in errata["file"]]]
    out = []
    for row in hits.to_dict("records"):
        found = erratum_text(row, "description", lang)
        if found is None:
            continue
        what = found.text if found.lang == lang else i18n.text(lang, "provenance.recorded_in", text=found.text,
                                                                language=found.lang)
        out.append(t(lang, "data_quality.erratum", id=str(row["erratum_id"]), what=what))
    return out


def dataset_facts(manifest: Mapping[str, object] | None) -> dict:
    """The facts of a dataset's manifest that choose sentences (see :attr:`Study.dataset_facts`)."""
    manifest = manifest or {}
    transcribes = manifest.get("transcribes")
    transcribes = transcribes if isinstance(transcribes, str) and transcribes else None
    return {"transcribes": transcribes, "is_report": transcribes_report(manifest),
            "synthetic": bool(manifest.get("synthetic")), "id": manifest.get("id"), "title": manifest.get("title"),
            "scheme": manifest.get("scheme"), "period": manifest.get("period") or {}}


def _resolve(path: str | Path) -> Path:
    path = Path(path)
    return path if path.is_absolute() else paths.repo_root() / path


@dataclass
class Study:
    """One section's view of one dataset: its parameters, its processed tables and its outputs."""

    section: str
    data_dir: Path
    processed_dir: Path
    output_dir: Path
    scheme: str
    period: str
    lang: str
    alpha: float
    n_boot: int
    seed: int
    _cache: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ inputs
    def table(self, name: str) -> pd.DataFrame | None:
        """The processed table ``name`` (or ``<name>_<scheme>``), or ``None`` when this dataset does not have it."""
        from vstudy.data import processed

        if name not in self._cache:
            found = None
            for candidate in (f"{name}_{self.scheme}", name):
                if (self.processed_dir / f"{candidate}.parquet").is_file():
                    found = processed.read_table(candidate, self.processed_dir)
                    break
            self._cache[name] = found
        frame = self._cache[name]
        return None if frame is None else frame.copy()

    @property
    def dataset(self) -> dict:
        """The processed layer's ``dataset.json``: the manifest, the input checksums and the table names."""
        if "dataset.json" not in self._cache:
            path = self.processed_dir / "dataset.json"
            self._cache["dataset.json"] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return self._cache["dataset.json"]

    @property
    def manifest(self) -> dict:
        """The dataset's manifest (processed ``manifest.json``: period, scheme, tables, column sources)."""
        if "manifest.json" not in self._cache:
            path = self.processed_dir / "manifest.json"
            self._cache["manifest.json"] = (json.loads(path.read_text(encoding="utf-8")) if path.is_file()
                                            else self.dataset.get("manifest", {}))
        return self._cache["manifest.json"]

    @property
    def dataset_facts(self) -> dict:
        """What the dataset declares about itself, for sentences that must be true of it: ``transcribes`` (the
        published report it transcribes, e.g. ``report_2021``, or None for a researcher's own data),
        ``is_report`` (it transcribes a report), ``synthetic``, ``id``, ``title``, ``scheme`` and ``period``."""
        return dataset_facts(self.manifest)

    @property
    def indicator_names(self) -> dict[str, str]:
        """The official indicators' labels in the edition's language, ``{id: label}``: the dataset's own
        (``indicators_meta``'s ``label_<lang>``), else the study's, else the id
        (:func:`vstudy.present.labels.indicator_names`); every indicator of the dataset's long table."""
        from vstudy.present import labels

        meta, long = self.table("official_indicators_meta"), self.table("long")
        ids = sorted(set(long["variable"][long["value_kind"] == "official"])) if long is not None else []
        return labels.indicator_names(meta, self.lang, ids)

    def inventory(self, *names: str) -> pd.DataFrame:
        """Which of the processed tables ``names`` this dataset has, and their rows (table, present, rows)."""
        import pandas as pd

        frames = {name: self.table(name) for name in names}
        return pd.DataFrame([{"table": name, "present": frame is not None, "rows": 0 if frame is None else len(frame)}
                             for name, frame in frames.items()])

    def errata(self, *tables: str) -> list[Rendered]:
        """One sentence per erratum the dataset's errata register records for any of the raw ``tables``.

        Read from the processed ``errata_evaluated`` table (its ``file`` column lists the affected files); nothing
        when the dataset has no register or records nothing for them. Pass the result to :meth:`say`.
        """
        return errata_sentences(self.table("errata_evaluated"), tables, self.lang)

    # ------------------------------------------------------------------ outputs
    def save(self, frame: pd.DataFrame | None, name: str, index: bool = False) -> Path | None:
        """Write ``frame`` as the section's table ``name``; nothing when ``frame`` is None (inputs absent)."""
        if frame is None:
            return None
        return save_table(frame, self.section, name, self.output_dir, index=index, lang=self.lang)

    def show(self, frame: pd.DataFrame | None, name: str, columns=None, caption: str | None = None):
        """The reader's table of ``frame`` (the view declared for ``name`` in :mod:`vstudy.present.views`): labels in
        the edition's language, formatted numbers, no index, "—" with a reason, and a link to the section's CSV
        ``name`` when one was saved. None (nothing shown) when the frame is None or empty.

        ``caption``: the cell's table caption as the code chose it from the catalogues (plain text, by the
        dataset's facts), which the edition's copy writes into the cell's ``#| tbl-cap:``
        (:func:`vstudy.present.edition.localize`); None keeps the notebook's own caption lines."""
        from vstudy.present import views

        saved = tables_dir(self.output_dir) / f"{self.section}__{name}.csv"
        link = str(download_link(saved, self.lang, "table")) if saved.is_file() else None
        table = views.show(frame, self.section, name, self.lang, csv_link=link, columns=columns)
        return table if table is None or caption is None else Captioned(table, caption)

    def figure(self, fig, name: str, data: pd.DataFrame | None = None, interactive=None,
               caption: str | None = None, alt: str | None = None) -> None:
        """Save and show ``fig`` (or the figure of a ``(fig, axes)`` pair); nothing when it is None.

        ``caption``, ``alt``: the cell's figure caption and alt text as the code chose them from the catalogues (plain
        text, by the dataset's facts), which the edition's copy writes into the cell's ``#| fig-cap:`` and
        ``#| fig-alt:`` (:func:`vstudy.present.edition.localize`); None keeps the notebook's own lines.

        ``data``: the frame the figure draws, saved beside it as ``figures/<section>__<name>.csv`` and linked under
        it in the edition's language (:func:`show_figure`). ``interactive``: a plotly figure shown on the website
        in place of the static one (the PDF keeps the static one); plotly.js is embedded with the first of them in
        the notebook (one notebook is one page)."""
        if isinstance(fig, tuple):
            fig = fig[0]
        if fig is None:
            return
        include_js = False
        if interactive is not None:
            include_js = not self._cache.get("plotly.js", False)
            self._cache["plotly.js"] = True
        options = {k: v for k, v in (("fig-cap", caption), ("fig-alt", alt)) if v is not None}
        show_figure(fig, self.section, name, self.output_dir, interactive, include_js, data=data, lang=self.lang,
                    options=options)

    def say(self, *parts: object) -> None:
        """Show the study's sentences (messages filled from the catalogues: :func:`vstudy.present.words.t`)."""
        from IPython.display import Markdown, display

        text = markdown(*parts, lang=self.lang)
        if text:
            display(Markdown(text))

    @property
    def title(self) -> str:
        return i18n.text(self.lang, vocab.SECTIONS[self.section].title_id)


class Captioned:
    """A reader's table (:class:`vstudy.present.tables.ReaderTable`) shown with the caption the code chose for its
    cell: the same outputs as the table's own display (the table, then its notes), the table's carrying the caption
    in its ``text/markdown`` metadata (:data:`vstudy.present.edition.CELL_OPTIONS`), which the edition's copy moves
    into the cell's ``#| tbl-cap:``."""

    def __init__(self, table: object, caption: str) -> None:
        self.table, self.caption = table, str(caption)

    def _ipython_display_(self) -> None:
        from vstudy.present.edition import CELL_OPTIONS

        self.table.display(metadata={"text/markdown": {CELL_OPTIONS: {"tbl-cap": self.caption}}})


def setup(section: str, params: Mapping[str, object]) -> Study:
    """Resolve a notebook's parameters (its ``globals()``), apply the figure style and return its :class:`Study`.

    Every key of :data:`vstudy.vocab.PARAMETER_DEFAULTS` is read from ``params`` (the default when absent).
    """
    import pandas as pd

    from vstudy.present import plots

    if section not in vocab.SECTIONS:
        raise KeyError(f"unknown section {section!r}; known: {', '.join(vocab.SECTIONS)}")
    p = {key: params.get(key, default) for key, default in vocab.PARAMETER_DEFAULTS.items()}
    if p["lang"] not in vocab.LANGS:
        raise ValueError(f"lang must be one of {', '.join(vocab.LANGS)}, got {p['lang']!r}")
    plots.use_style()
    pd.set_option("display.max_colwidth", 120)
    return Study(
        section=section, data_dir=_resolve(p["data_dir"]), processed_dir=_resolve(p["processed_dir"]),
        output_dir=_resolve(p["output_dir"]), scheme=str(p["scheme"]), period=str(p["period"]),
        lang=str(p["lang"]), alpha=float(p["alpha"]), n_boot=int(p["n_boot"]), seed=int(p["seed"]),
    )
