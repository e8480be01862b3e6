"""Internal ids on the reader's pages: which the project knows, and where a built study still shows them.

A reader meets the study in its executed notebooks (the website and the study PDF are made from them) and in the
pages the build writes (``site-src/<lang>/*.qmd``, ``_generated/*.md``, the study document ``study-<lang>.qmd``).
None of them should name a column, a table, a figure, an indicator, a claim, a function or a file the way the
code does: the data dictionary is the one place where ids stand beside their labels.

:func:`vocabulary` collects the ids the project knows from the code and the data — every declared table and column
(:mod:`vstudy.data.schemas`), every official indicator (:mod:`vstudy.data.indicators` and a dataset's
``indicators_meta``), every key of the ``labels`` catalogue, every section, every column, table and figure a build
wrote (``tables/*.csv`` headers and names, ``figures/*``), every claim of the replication register and every
function of the package (read from its source) — and keeps those that look like ids (``snake_case``, a word run
into digits such as ``under18``), since a plain word ("region", "period") reads the same in a sentence.

:func:`reader_text` cuts what a reader sees out of an executed notebook of one edition: its Markdown cells
(the edition's and the untagged), its ``text/markdown`` and ``text/html`` outputs (tags, scripts and link targets
left out), its figures' alt texts and the texts printed on its figures (kept with each figure's output by
:func:`vstudy.present.notebook.show_figure`). :func:`page_text` does the same for a page source (Quarto
cross-references, anchors, link targets and shortcodes left out). :func:`find` lists the ids in a text with their
places; besides the vocabulary it counts a file name (``correlations.csv``), a dotted path into the package
(``vstudy.present.maps``) and a ``PosixPath(…)`` wherever they stand.

``python -m vstudy.publish.reader_ids OUTPUT [--pdf FILE …]`` prints the ids of a built output tree (and of the
text of study PDFs, from ``pdftotext``) outside the data dictionary.
"""

from __future__ import annotations

import ast
import functools
import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vstudy import i18n
from vstudy.present import edition

LANGS = i18n.LANGS
_SRC = Path(__file__).resolve().parents[1]

# What counts as an id wherever it stands, in or out of the vocabulary.
FILE_NAME = re.compile(r"(?<![\w/.-])[\w./-]*[A-Za-z_][\w-]*\.(?:csv|py|ipynb|ya?ml|json|parquet|qmd|xlsx|md)\b")
PACKAGE_PATH = re.compile(r"\bvstudy(?:\.[A-Za-z_]\w*)+")
POSIX_PATH = re.compile(r"\b(?:Posix|Windows)?Path\(")
# A token of the text: letters, digits and underscores (an id never holds a space, a hyphen or a dot).
TOKEN = re.compile(r"(?<![\w.-])[A-Za-z_][A-Za-z0-9_]*[A-Za-z0-9](?![\w-])")
# An id-looking token: snake_case (a letter on each side of an underscore) or a word run into digits.
ID_SHAPE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+[0-9]+[a-z0-9]*")


def id_shaped(token: str) -> bool:
    """Whether ``token`` looks like an id rather than a word (``vol_age_18_29_pct``, ``under18``, ``kz2021``)."""
    return ID_SHAPE.fullmatch(token) is not None


# ------------------------------------------------------------------------------------------ the vocabulary
@functools.lru_cache(maxsize=1)
def _package_names() -> frozenset[str]:
    """Functions, classes and module-level names defined in the package's source (read, not imported)."""
    names: set[str] = set()
    for path in _SRC.rglob("*.py"):
        names.add(path.stem)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:  # pragma: no cover - the package parses
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name.lstrip("_"))
            elif isinstance(node, ast.Assign) and isinstance(node, ast.stmt):
                names.update(t.id.lstrip("_").lower() for t in node.targets if isinstance(t, ast.Name))
    return frozenset(names)


@functools.lru_cache(maxsize=1)
def _declared() -> frozenset[str]:
    """Ids the code declares: tables and columns of the schemas, official indicators, catalogue terms and column
    names, sections and their slugs, schemes, the package's names."""
    from vstudy import vocab
    from vstudy.data import indicators
    from vstudy.data.schemas import all_schemas

    ids: set[str] = set()
    for key, schema in all_schemas().items():
        ids.update({key, schema.name, *key.split(".")})
        ids.update(col.name for col in schema.columns)
        ids.update(schema.keys)
    for spec in indicators.OFFICIAL_INDICATORS:
        ids.update(x for x in (spec.indicator, spec.contract, spec.column and spec.wide_name("2021")) if x)
    for lang in LANGS:
        for key in i18n.catalogue(lang):
            if key.startswith(("labels.term.", "labels.column.")):
                ids.add(key.split(".", 2)[2])
    for name, section in vocab.SECTIONS.items():
        ids.update({name, *name.split("_", 1)[1:]})
        ids.update(str(v) for v in vars(section).values() if isinstance(v, str))
    ids.update(vocab.SCHEMES)
    ids.update(_package_names())
    return frozenset(ids)


def _csv_header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            line = fh.readline()
    except (OSError, UnicodeDecodeError):
        return []
    return [c.strip().strip('"') for c in line.rstrip("\n").split(",")]


def _dataset_ids(data_dir: Path) -> set[str]:
    """Tables, files and indicators a dataset names: its manifest's tables and its indicators' metadata."""
    import yaml

    ids: set[str] = set()
    manifest = data_dir / "manifest.yml"
    if manifest.is_file():
        spec = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
        for name, table in (spec.get("tables") or {}).items():
            ids.add(str(name))
            if isinstance(table, dict):
                ids.update(str(table[k]) for k in ("schema",) if table.get(k))
                ids.update(Path(str(table["file"])).stem for k in ("file",) if table.get(k))
    for meta in data_dir.rglob("indicators_meta.csv"):
        import pandas as pd

        frame = pd.read_csv(meta, dtype=str)
        if "indicator" in frame:
            ids.update(frame["indicator"].dropna())
    return ids


def _output_ids(output_dir: Path) -> set[str]:
    """What a build wrote: its tables' names and columns, its figures' names, the register's claim ids."""
    ids: set[str] = set()
    for lang_dir in [output_dir, *(output_dir / lang for lang in LANGS)]:
        for csv in sorted((lang_dir / "tables").glob("*.csv")) if (lang_dir / "tables").is_dir() else []:
            stem = csv.name.split(".", 1)[0]
            ids.update({stem, *stem.split("__")})
            if csv.name.count(".") == 1:  # the file of ids, not an edition's copy
                ids.update(_csv_header(csv))
        for fig in sorted((lang_dir / "figures").glob("*")) if (lang_dir / "figures").is_dir() else []:
            stem = fig.name.split(".", 1)[0]
            ids.update({stem, *stem.split("__")})
        register = lang_dir / "tables" / "replication.csv"
        if register.is_file():
            import pandas as pd

            frame = pd.read_csv(register, dtype=str)
            for column in ("claim_id", "check_id", "coef_id"):
                if column in frame:
                    ids.update(frame[column].dropna())
    return ids


def vocabulary(output_dir: Path | None = None, data_dirs: Iterable[Path] = ()) -> frozenset[str]:
    """The ids the project knows (see the module's docstring), those shaped like ids only."""
    ids = set(_declared())
    for data_dir in data_dirs:
        ids |= _dataset_ids(Path(data_dir))
    if output_dir is not None:
        ids |= _output_ids(Path(output_dir))
    return frozenset(i for i in ids if isinstance(i, str) and id_shaped(i))


# ------------------------------------------------------------------------------------------ finding them
@functools.lru_cache(maxsize=1)
def template_columns() -> frozenset[str]:
    """The columns of the collection template (``raw.regional``, ``raw.events_by_direction``): the names a
    researcher types data under. A sentence saying what a dataset lacks names them (issue 19's rule), so they are
    counted apart from the other ids (:attr:`Hit.kind`)."""
    from vstudy.data.schemas import all_schemas

    schemas = all_schemas()
    return frozenset(c.name for key in ("raw.regional", "raw.events_by_direction") for c in schemas[key].columns)


@dataclass(frozen=True)
class Hit:
    """An id in a reader's text: where (a file and a part of it), the id, and the words around it."""

    where: str
    token: str
    context: str

    @property
    def kind(self) -> str:
        """``template column`` (a column of the collection template, named as what to supply) or ``id``."""
        return "template column" if self.token in template_columns() else "id"

    def __str__(self) -> str:
        return f"{self.where}: {self.token!r} ({self.kind}) in …{self.context}…"


def find(text: str, vocab: frozenset[str], where: str = "") -> list[Hit]:
    """The ids in ``text``: known ids (``vocab``), file names, dotted package paths and ``PosixPath(``."""
    hits: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (POSIX_PATH, FILE_NAME, PACKAGE_PATH):
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            hits.append((m.start(), m.group(0).rstrip("(")))
            taken.append((m.start(), m.end()))
    for m in TOKEN.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if m.group(0) in vocab:
            hits.append((m.start(), m.group(0)))
    out = []
    for start, token in sorted(hits):
        context = re.sub(r"\s+", " ", text[max(0, start - 40):start + len(token) + 40])
        out.append(Hit(where, token, context))
    return out


_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]+>", re.DOTALL | re.IGNORECASE)


def html_text(markup: str) -> str:
    """The text of HTML as a browser shows it (tags, scripts, styles and comments left out)."""
    return html.unescape(_TAG.sub(" ", markup))


_LINK_TARGET = re.compile(r"(\]\()([^)\s]*)(\s+\"[^\"]*\")?\)")
_CROSS_REF = re.compile(r"(?<![\w@])@(?:fig|tbl|sec|eq)-[\w-]+")
_ATTRS = re.compile(r"\{[#.][^{}\n]*\}")
_SHORTCODE = re.compile(r"\{\{<.*?>\}\}", re.DOTALL)
_FENCED_RAW = re.compile(r"^```\{=(?:typst|html|latex)\}.*?^```", re.DOTALL | re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_OPTION_LINE = re.compile(r"^#\|.*$", re.MULTILINE)


def markdown_text(markdown: str) -> str:
    """The text of Quarto Markdown as a reader sees it: link targets, cross-reference keys (``@fig-…``, which
    Quarto prints as "Figure 3"), attributes (``{#tbl-…}``), shortcodes, raw blocks and the front matter's keys left
    out; the front matter's values (a page's title) kept; HTML entities and tags as the page shows them."""
    front = _FRONT_MATTER.match(markdown)
    head = ""
    if front:
        head = " ".join(line.split(":", 1)[1] for line in front.group(0).splitlines() if ":" in line)
        markdown = markdown[front.end():]
    text = _FENCED_RAW.sub(" ", markdown)
    text = _SHORTCODE.sub(" ", text)
    text = _LINK_TARGET.sub(lambda m: "]", text)
    text = _CROSS_REF.sub(" ", text)
    text = _ATTRS.sub(" ", text)
    text = _OPTION_LINE.sub(" ", text)
    return html_text(head + "\n" + text)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _options(source: str) -> dict[str, str]:
    out = {}
    for line in source.splitlines():
        m = re.match(r"^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$", line)
        if m:
            out[m.group(1)] = m.group(2).strip('"')
    return out


def reader_text(notebook: dict, lang: str) -> Iterator[tuple[str, str]]:
    """(part, text) for each piece of an executed notebook the reader of edition ``lang`` sees (see the module's
    docstring). A notebook not yet cut to one edition is cut here (:func:`vstudy.present.edition.localize`)."""
    nb = edition.localize(notebook, lang)
    for i, cell in enumerate(nb.get("cells", [])):
        source = _source(cell)
        if cell.get("cell_type") == "markdown":
            yield f"cell {i} (Markdown)", markdown_text(source)
            continue
        if cell.get("cell_type") != "code":
            continue
        options = _options(source)
        for key in ("fig-cap", "fig-alt", "tbl-cap"):
            if options.get(key):
                yield f"cell {i} ({key})", options[key]
        for j, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            if output.get("output_type") == "stream":
                yield f"cell {i} output {j} (printed)", "".join(output.get("text", ""))
                continue
            texts = ((output.get("metadata", {}).get("image/png") or {}).get("vstudy") or {}).get("texts")
            if texts:
                yield f"cell {i} output {j} (figure labels)", "\n".join(texts)
            if "text/markdown" in data:
                yield f"cell {i} output {j} (Markdown)", markdown_text(_joined(data["text/markdown"]))
            elif "text/html" in data:
                yield f"cell {i} output {j} (HTML)", html_text(_joined(data["text/html"]))
            elif "text/plain" in data and not any(k.startswith("image/") for k in data):
                yield f"cell {i} output {j} (text)", _joined(data["text/plain"])


def _joined(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def notebook_hits(path: Path, lang: str, vocab: frozenset[str]) -> list[Hit]:
    """The ids a reader of edition ``lang`` meets in the executed notebook ``path``."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [hit for part, text in reader_text(notebook, lang) for hit in find(text, vocab, f"{path.name} {part}")]


# Page sources that hold the data dictionary (the one place for ids) and are not scanned.
DICTIONARY_FILES = frozenset({"dictionary.md"})


def _appendix_heading(lang: str, title: str) -> re.Pattern[str]:
    """An appendix heading of the study document in ``lang`` (the ``book.appendix`` message), any letter."""
    heading = i18n.text(lang, "book.appendix", letter="\x00", title=title)
    words = [r"\S{1,3}?".join(re.escape(piece) for piece in word.split("\x00")) for word in heading.split()]
    return re.compile(r"\s+".join(words))


def dictionary_start(study_text: str, lang: str) -> int:
    """Where the data dictionary appendix starts in the text of a study document or PDF (its last heading: the
    contents list names it first); the length of the text when it has none."""
    found = [m.start() for m in _appendix_heading(lang, "dictionary").finditer(study_text)]
    return found[-1] if found else len(study_text)


def appendix_start(study_text: str, lang: str) -> int:
    """Where the appendices start in a study document or PDF (the first appendix's heading, its last occurrence:
    a PDF's contents list names every appendix first; the length of the text when it has none): what comes before
    is the study's body — findings, methods, sections."""
    starts = []
    for title in ("errata", "sources", "dictionary"):
        found = [m.start() for m in _appendix_heading(lang, title).finditer(study_text)]
        if found:
            starts.append(found[-1])
    return min(starts, default=len(study_text))


def page_hits(site_src: Path, lang: str, vocab: frozenset[str]) -> list[Hit]:
    """The ids in the page sources of an edition (``site-src/<lang>``): its pages, the generated parts (the
    dictionary left out) and the study document before its data dictionary appendix."""
    hits: list[Hit] = []
    for path in sorted(site_src.glob("*.qmd")) + sorted((site_src / "_generated").glob("*.md")):
        if path.name in DICTIONARY_FILES:
            continue
        text = path.read_text(encoding="utf-8")
        where = f"{lang}/{path.relative_to(site_src)}"
        if path.name.startswith("study"):
            body, appendices = _split_study(text, lang)
            hits += find(markdown_text(body), vocab, f"{where} body")
            hits += find(markdown_text(appendices), vocab, f"{where} appendices")
            continue
        hits += find(markdown_text(text), vocab, where)
    return hits


def _split_study(text: str, lang: str) -> tuple[str, str]:
    """A study document's (or PDF's) body and its appendices before the data dictionary."""
    body_end = appendix_start(text, lang)
    return text[:body_end], text[body_end:max(body_end, dictionary_start(text, lang))]


def pdf_hits(pdf: Path, lang: str, vocab: frozenset[str]) -> list[Hit]:
    """The ids in the text of a study PDF (``pdftotext``) before its data dictionary appendix: its body (where
    they are counted as ``<pdf> body``) and its other appendices (``<pdf> appendices``)."""
    import subprocess

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    body, appendices = _split_study(text, lang)
    return find(body, vocab, f"{pdf.name} body") + find(appendices, vocab, f"{pdf.name} appendices")


def output_hits(output_dir: Path, data_dirs: Iterable[Path] = (), langs: Iterable[str] = LANGS) -> list[Hit]:
    """Every id outside the data dictionary in a built output tree: each edition's executed notebooks
    (``<lang>/notebooks/*.ipynb``) and its page sources (``site-src/<lang>``)."""
    output_dir = Path(output_dir)
    vocab = vocabulary(output_dir, data_dirs)
    hits: list[Hit] = []
    for lang in langs:
        for path in sorted((output_dir / lang / "notebooks").glob("*.ipynb")):
            hits += [Hit(f"{lang}/{h.where}", h.token, h.context) for h in notebook_hits(path, lang, vocab)]
        if (output_dir / "site-src" / lang).is_dir():
            hits += page_hits(output_dir / "site-src" / lang, lang, vocab)
    return hits


def main(argv: list[str] | None = None) -> int:
    import argparse
    from collections import Counter

    parser = argparse.ArgumentParser(prog="python -m vstudy.publish.reader_ids", description=__doc__.split("\n")[0])
    parser.add_argument("output", type=Path, help="a build's output tree")
    parser.add_argument("--data", type=Path, action="append", default=[], help="the dataset (its indicators)")
    parser.add_argument("--pdf", type=Path, action="append", default=[], help="a study PDF (study-<lang>.pdf)")
    args = parser.parse_args(argv)
    hits = output_hits(args.output, args.data)
    vocab = vocabulary(args.output, args.data)
    for pdf in args.pdf:
        lang = next((x for x in LANGS if pdf.stem.endswith(f"-{x}")), "en")
        hits += pdf_hits(pdf, lang, vocab)
    for hit in hits:
        print(hit)
    by_place = Counter((" ".join(w for w in h.where.split(" ")[:2] if not w.startswith("cell")), h.kind)
                       for h in hits)
    for (place, kind), n in sorted(by_place.items()):
        print(f"{n:5d}  {place}  ({kind})")
    print(f"{len(hits):5d}  ids outside the data dictionary, "
          f"{sum(h.kind == 'template column' for h in hits)} of them columns of the collection template")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
