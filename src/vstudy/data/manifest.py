"""A dataset directory, read safely: its ``manifest.yml`` and the files it names, confined to the directory.

The one reader of ``manifest.yml``: :func:`read_manifest` serves both the build (which only hashes the files a
section reads, and must stay light: no pandas here) and :func:`vstudy.data.datasets.load_dataset` (which
validates the tables). Everything a dataset supplies is untrusted input:

* **YAML** (:func:`load_yaml`): UTF-8 only, at most :data:`MAX_YAML_BYTES`; no aliases (an alias bomb cannot
  grow), no duplicate keys (the second would silently win), no tags beyond plain strings, numbers, booleans,
  null, lists and mappings (``!!set``, ``!!binary``, ``!!python/…`` and custom tags are refused), and no implicit
  timestamps: dates stay text and are checked here, so ``2021-13-45`` is an error, not a traceback.
* **Paths** (:func:`locate`): relative, without ``..``, and still inside the dataset directory once symbolic
  links are followed. A file outside is refused *before* it is opened, and no message quotes its content.
* **Files** (:func:`read_file`): regular files only (a FIFO, a directory, a device or a socket is reported as what
  it is, and a FIFO is never opened for reading, so nothing blocks), at most :data:`MAX_TABLE_BYTES`.

Problems are :class:`Refused` errors or :class:`Issue` records (file, row, column, value, rule, message): the
data layer turns them into :class:`vstudy.data.problems.Problem`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from vstudy.data import limits
from vstudy.data.parsing import FORMULA_PREFIXES  # text starting like a spreadsheet formula: as for CSV cells

MANIFEST = "manifest.yml"
MAX_YAML_BYTES = limits.MAX_YAML_BYTES
MAX_TABLE_BYTES = limits.MAX_TABLE_BYTES
MAX_YAML_DEPTH = limits.MAX_YAML_DEPTH
REQUIRED_KEYS = ("id", "title", "period", "scheme", "synthetic", "tables")
# The dataset's title in each edition's language: ``title`` (English, required), ``title_ru``, ``title_kk``
# (optional). An edition without a title in its language names the dataset by its period and scheme (:func:`title_in`).
TITLE_KEYS = {"en": "title", "ru": "title_ru", "kk": "title_kk"}
# ``transcribes`` (optional): the published report a dataset transcribes. Only such a dataset gets the sentences
# about that report (its errata, its published lists, its transcription); a researcher's own data leave it out.
REPORT_ID = "report_2021"
TRANSCRIBES = (REPORT_ID,)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Characters that never belong in a name or a label: C0/C1 controls (tab and line breaks included), and the
# bidirectional overrides that make text display in another order than it reads.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@dataclass(frozen=True)
class Issue:
    """One problem with the dataset directory or its manifest (``row`` = line of the file, when known)."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str


class Refused(Exception):
    """A file that cannot be used: ``rule`` names why, the message says it without quoting the file."""

    def __init__(self, rule: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.line = line


# --------------------------------------------------------------------------------------------------------------
# Paths and files


def locate(root: str | os.PathLike, rel: object) -> Path:
    """The real path of ``rel`` (as written in the manifest) inside the dataset directory ``root``.

    Raises :class:`Refused` for a path that is not a plain relative path inside ``root`` (rule ``path``); the
    message never names the target of a symbolic link that leads out.
    """
    if not isinstance(rel, str) or not rel.strip():
        raise Refused("path", "a file must be given as a relative path (text)")
    if "\x00" in rel or CONTROL_CHARS.search(rel):
        raise Refused("path", "the file name contains control characters")
    if "\\" in rel or re.match(r"^[A-Za-z]:", rel) or rel.startswith("~"):
        raise Refused("path", "use a relative path with forward slashes, e.g. official/indicators.csv")
    pure = PurePosixPath(rel)
    if pure.is_absolute():
        raise Refused("path", "an absolute path is not allowed: name the file relative to the dataset directory")
    if ".." in pure.parts:
        raise Refused("path", "'..' is not allowed: every file must be inside the dataset directory")
    base = Path(root).resolve()
    real = (base / pure).resolve()
    if real != base and base not in real.parents:
        raise Refused("path", "the path leads outside the dataset directory through a symbolic link; copy the "
                              "file into the dataset instead")
    return real


def describe_kind(mode: int) -> str | None:
    """What a non-regular file is, for a message; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_file(path: str | os.PathLike, max_bytes: int = MAX_TABLE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; :class:`Refused` otherwise (rules ``missing_file``,
    ``file_kind``, ``file_size``, ``unreadable``). Never blocks on a FIFO and never reads past the limit."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise Refused("missing_file", "the file does not exist") from None
    except OSError as exc:
        raise Refused("unreadable", f"the file cannot be read ({exc.strerror})") from None
    kind = describe_kind(st.st_mode)
    if kind:
        raise Refused("file_kind", f"this is {kind}, not a file")
    if st.st_size > max_bytes:
        raise Refused("file_size", f"the file has {st.st_size:,} bytes; the limit is {max_bytes:,}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused("unreadable", f"the file cannot be opened ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        kind = describe_kind(st.st_mode)
        if kind:  # replaced between stat and open
            raise Refused("file_kind", f"this is {kind}, not a file")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise Refused("file_size", f"the file has more than {max_bytes:,} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def dataset_files(root: str | os.PathLike) -> list[Path]:
    """Every regular file below ``root`` that stays inside it (no hidden files, no links leading out), sorted."""
    base = Path(root).resolve()
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            try:
                if path.is_symlink():
                    real = path.resolve()
                    if real == base or base not in real.parents:
                        continue
                if not stat.S_ISREG(os.stat(path).st_mode):
                    continue
            except OSError:
                continue
            out.append(path)
    return sorted(out)


# --------------------------------------------------------------------------------------------------------------
# YAML


def _yaml_loader():
    import yaml

    timestamp = "tag:yaml.org,2002:timestamp"
    allowed = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")}

    class Loader(yaml.SafeLoader):
        """SafeLoader without aliases, duplicate keys, exotic tags or implicit dates."""

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.constructor.ConstructorError(
                    None, None, "aliases (*name) are not allowed: write the value out", event.start_mark)
            if len(self._depth) > MAX_YAML_DEPTH:
                raise yaml.constructor.ConstructorError(
                    None, None, f"nesting deeper than {MAX_YAML_DEPTH} levels", self.peek_event().start_mark)
            self._depth.append(None)
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth.pop()

        def construct_object(self, node, deep=False):
            if node.tag not in allowed:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed: only "
                    "text, numbers, true/false, null, lists and mappings", node.start_mark)
            return super().construct_object(node, deep)

        def construct_mapping(self, node, deep=False):
            seen: dict = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a mapping key must be text or a number", key_node.start_mark) from None
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {str(key)[:80]!r} (first on line {seen[key]})",
                        key_node.start_mark)
                seen[key] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep)

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != timestamp]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


# Parsed YAML by the SHA-256 of its bytes: one process reads the same origin records many times (the pages, the
# study document, the provenance texts of every edition), and this loader is pure Python. A caller gets its own copy.
_PARSED: dict[bytes, object] = {}
_PARSED_MAX = 64


def load_yaml(data: bytes, label: str = "the file") -> object:
    """Parse untrusted YAML bytes; :class:`Refused` (rule ``yaml``, with the line) for anything refused. Bytes
    parsed before in this process are not parsed again (a deep copy of the earlier result is returned)."""
    import copy

    key = hashlib.sha256(data).digest()
    if key in _PARSED:
        return copy.deepcopy(_PARSED[key])
    parsed = _parse_yaml(data, label)
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.pop(next(iter(_PARSED)))
    _PARSED[key] = parsed
    return copy.deepcopy(parsed)


def _parse_yaml(data: bytes, label: str) -> object:
    import yaml

    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise Refused("encoding_utf8", f"{label} is not UTF-8 (UTF-16 or binary); save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Refused("encoding_utf8", f"{label} is not UTF-8 (line {line}); save it as UTF-8", line) from None
    loader = _yaml_loader()(text)
    loader._depth = []
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "invalid YAML"
        raise Refused("yaml", f"{label}, line {line}: {what}" if line else f"{label}: {what}", line) from None
    except yaml.YAMLError as exc:
        raise Refused("yaml", f"{label}: {type(exc).__name__}") from None
    except RecursionError:
        raise Refused("yaml", f"{label}: nested too deeply") from None
    finally:
        loader.dispose()


def read_yaml(root: str | os.PathLike, rel: str, max_bytes: int = MAX_YAML_BYTES) -> object:
    """A YAML file of the dataset directory, located and read safely (:func:`locate`, :func:`read_file`)."""
    return load_yaml(read_file(locate(root, rel), max_bytes), rel)


# --------------------------------------------------------------------------------------------------------------
# The manifest


@dataclass(frozen=True)
class TableSpec:
    name: str
    file: str
    schema: str


@dataclass
class Manifest:
    """What ``manifest.yml`` declares, as far as it could be read; ``issues`` lists what is wrong with it."""

    root: Path
    raw: dict = field(default_factory=dict)  # the parsed mapping ({} when unreadable)
    tables: dict[str, TableSpec] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    found: bool = True

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def scheme(self) -> str | None:
        value = self.raw.get("scheme")
        return value if isinstance(value, str) else None

    @property
    def period(self) -> dict:
        value = self.raw.get("period")
        return value if isinstance(value, dict) else {}

    @property
    def period_label(self) -> str | None:
        value = self.raw.get("period")
        if isinstance(value, dict):
            value = value.get("label")
        return value if isinstance(value, str) else None

    def period_dates(self) -> tuple[dt.date, dt.date] | None:
        """(start, end) when both are valid dates, else None."""
        try:
            return parse_date(self.period.get("start")), parse_date(self.period.get("end"))
        except ValueError:
            return None

    def paths(self) -> dict[str, Path]:
        """Table name → real path, for every table whose file is inside the directory (refused ones left out)."""
        out = {}
        for name, spec in self.tables.items():
            try:
                out[name] = locate(self.root, spec.file)
            except Refused:
                continue
        return out


def parse_date(value: object) -> dt.date:
    """A ``YYYY-MM-DD`` date that exists; ValueError otherwise."""
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise ValueError(f"{str(value)[:40]!r} is not a date written YYYY-MM-DD")
    return dt.date.fromisoformat(value.strip())  # ValueError for 2021-13-45


def read_manifest(data_dir: str | os.PathLike) -> Manifest:
    """Read and check ``<data_dir>/manifest.yml``. Never raises for bad content: see ``Manifest.issues``.

    Checks the structure only (required keys, scheme, period dates, ``tables`` as a mapping of name →
    ``{file, schema}``, safe file paths); whether each schema name exists is checked by the data layer.
    """
    root = Path(data_dir)
    man = Manifest(root=root)

    def add(column, value, message, rule="manifest", row=None):
        shown = None if value is None else str(value)[:200]
        man.issues.append(Issue(MANIFEST, row, column, shown, rule, message))

    try:
        data = read_file(locate(root, MANIFEST), MAX_YAML_BYTES)
    except Refused as exc:
        man.found = exc.rule != "missing_file"
        message = (f"no {MANIFEST} in the dataset directory: a dataset needs one" if exc.rule == "missing_file"
                   else f"{MANIFEST}: {exc}")
        add(None, None, message, "manifest" if exc.rule == "missing_file" else exc.rule)
        return man
    try:
        raw = load_yaml(data, MANIFEST)
    except Refused as exc:
        add(None, None, str(exc), exc.rule, exc.line)
        return man
    return check_manifest(raw, root, man)


def check_manifest(raw: object, root: str | os.PathLike, man: Manifest | None = None,
                   check_files: bool = True) -> Manifest:
    """Check a parsed manifest mapping (from ``manifest.yml``, or built from a workbook's sheets).

    ``check_files=False`` skips the confinement check of each table's file (a workbook's tables are sheets).
    """
    man = man if man is not None else Manifest(root=Path(root))
    root = Path(root)

    def add(column, value, message, rule="manifest", row=None):
        shown = None if value is None else str(value)[:200]
        man.issues.append(Issue(MANIFEST, row, column, shown, rule, message))

    if not isinstance(raw, dict):
        add(None, None, "the manifest is not a YAML mapping (key: value lines)")
        return man
    man.raw = raw

    for key in REQUIRED_KEYS:
        if key not in raw:
            add(key, None, f"required key {key!r} is missing")
    for key in ("id", "scheme"):
        if key in raw and not isinstance(raw[key], str):
            add(key, raw[key], f"{key} must be text")
    _check_titles(raw, add)
    _check_text(raw, "", add)
    period = raw.get("period")
    if period is not None:
        if not isinstance(period, dict) or not {"start", "end", "label"} <= set(period):
            add("period", None, "period needs start, end and label (start: YYYY-MM-DD, end: YYYY-MM-DD, label: text)")
        else:
            dates = {}
            for key in ("start", "end"):
                try:
                    dates[key] = parse_date(period[key])
                except ValueError as exc:
                    add(f"period.{key}", period[key], f"{exc} (a real calendar date)", "date")
            if len(dates) == 2 and dates["start"] > dates["end"]:
                add("period", None, f"period start {dates['start']} is after its end {dates['end']}", "date")
            if not isinstance(period["label"], str):
                add("period.label", period["label"], "the period label must be text, e.g. 2022-H2")
    if "synthetic" in raw and not isinstance(raw["synthetic"], bool):
        add("synthetic", raw["synthetic"], "synthetic must be true or false")
    if "transcribes" in raw and raw["transcribes"] not in TRANSCRIBES:
        add("transcribes", raw["transcribes"], "transcribes names the report a dataset transcribes: "
            f"{', '.join(TRANSCRIBES)} (leave the key out for a dataset of your own)")
    tables = raw.get("tables")
    if tables is not None and not isinstance(tables, dict):
        add("tables", None, "tables must be a mapping: one line per table, `name: {file: path.csv, schema: name}`"
            f" (found {type(tables).__name__})")
    elif isinstance(tables, dict):
        for name, spec in tables.items():
            if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", name):
                add("tables", name, "a table name must be an identifier (letters, digits, _)")
                continue
            if not isinstance(spec, dict) or not isinstance(spec.get("file"), str):
                add("tables", name, f"table {name!r} needs a file: `{name}: {{file: path.csv, schema: {name}}}`")
                continue
            schema = spec.get("schema", name)
            if not isinstance(schema, str):
                add("tables", name, f"table {name!r}: schema must be text")
                continue
            if check_files:
                try:
                    locate(root, spec["file"])
                except Refused as exc:
                    add(f"tables.{name}.file", spec["file"], f"table {name!r}: {exc}", exc.rule)
                    continue
            man.tables[name] = TableSpec(name, spec["file"], schema)
    return man




def _check_titles(raw: dict, add) -> None:
    """``title`` (English) and ``title_ru``/``title_kk``: each a non-blank text; a ``title_<xx>`` of a
    language the study has no edition in, or a ``title`` written as a mapping, is refused with the keys to use."""
    keys = ", ".join(TITLE_KEYS.values())
    for lang, key in TITLE_KEYS.items():
        if key not in raw:
            continue
        value = raw[key]
        if isinstance(value, dict):
            add(key, None, f"{key} must be text: one title per key ({keys}), not a mapping of languages",
                "title_text")
        elif not isinstance(value, str) or not value.strip():
            add(key, value, f"{key} must be the dataset's title in {_LANG_NAMES[lang]}, as non-empty text "
                f"(leave the key out when there is none)", "title_text")
    for key in raw:
        if isinstance(key, str) and key.startswith("title_") and key not in TITLE_KEYS.values():
            add(key, None, f"{key} is not a title key: the study's editions take {keys} (English, Russian, "
                "Kazakh)", "title_language")


_LANG_NAMES = {"en": "English", "ru": "Russian", "kk": "Kazakh"}


def title_in(raw: object, lang: str) -> str | None:
    """The dataset's title in the edition ``lang`` (``TITLE_KEYS[lang]``: ``title``, ``title_ru``, ``title_kk``),
    or None when the manifest gives none in that language. An edition never shows another language's title (each
    edition's pages speak its language only) nor the dataset's id (an internal name): without a title of its own,
    an edition names the dataset by its period and regional scheme, facts every manifest declares."""
    if not isinstance(raw, dict):
        return None
    own = raw.get(TITLE_KEYS[lang])
    return own if isinstance(own, str) and own.strip() else None


def transcribes_report(raw: object) -> bool:
    """Is the dataset the 2021 report's transcription (manifest key ``transcribes: report_2021``)? The one place
    the pages, the study PDF and the sections ask before a sentence speaks of "the report" (its errata, its published
    lists, its transcription); a researcher's own data leave the key out and never get those sentences."""
    return isinstance(raw, Mapping) and raw.get("transcribes") == REPORT_ID


# --------------------------------------------------------------------------------------------------------------
# Origin records

ORIGIN_RECORD = "source.yml"  # one in each folder of a dataset: where its files come from (the data page lists them)


def origin_records(root: str | os.PathLike) -> list[str]:
    """The origin records of a dataset directory, as paths relative to it (``official/source.yml``), sorted: one
    in each folder directly below the directory (the data page and the study PDF's appendix list them)."""
    return sorted(f"{path.parent.name}/{ORIGIN_RECORD}" for path in Path(root).glob(f"*/{ORIGIN_RECORD}"))


def record_title_problem(value: object) -> str | None:
    """What is wrong with an origin record's ``title`` (the heading a reader sees above the record), or None.

    A title is a non-blank text (a researcher's record may give one plain string, shown as given), or the records'
    shape of a text a reader sees: a mapping of edition languages to non-blank texts (``{en: …, ru: …, kk: …}``,
    at least one of them; :mod:`vstudy.data.provenance`). A record without a title is headed by what it declares
    (its producer, its files), never by its folder's name."""
    from vstudy.data import provenance

    shape = ("a text, or one text per edition language: title: {en: …, ru: …, kk: …} (leave the key out when "
             "there is none)")
    if isinstance(value, str):
        return None if value.strip() else f"the title is empty: give {shape}"
    if isinstance(value, Mapping):
        other = [str(key) for key in value if key not in provenance.LANGS]
        if other:
            return (f"title has keys that are not edition languages ({', '.join(other)}); the editions are "
                    f"{', '.join(provenance.LANGS)}: give {shape}")
        if not value:
            return f"the title is an empty mapping: give {shape}"
        blank = [str(key) for key, text in value.items() if not isinstance(text, str) or not text.strip()]
        if blank:
            return f"the title in {', '.join(blank)} is not a non-empty text: give {shape}"
        return None
    return f"title must be {shape}, not {type(value).__name__}"


_TOP_KEY = re.compile(rb"^(?:[\"']?title[\"']?)[ \t]*:", re.M)


def _record_title(root: str | os.PathLike, rel: str) -> object:
    """What an origin record's YAML says of ``title``: a mapping with the record's top-level ``title`` (or none).

    A record in block style (every record the template and the repository write) has its top-level keys at the
    start of a line: only the ``title:`` line and the lines indented under it are parsed, with the same safe
    reader (a record is often hundreds of lines of cited sources, and a pure-Python parse of all of them on every
    validation costs a third of a second); a record in another style is parsed whole."""
    data = read_file(locate(root, rel), MAX_YAML_BYTES)
    if data.lstrip()[:1] in (b"{", b"[", b"-", b"!", b"&", b"*", b"%", b"?") or b"\n---" in data:
        return load_yaml(data, rel)
    found = _TOP_KEY.search(data)
    if found is None:
        return {}
    lines = data[found.start():].split(b"\n")
    end = 1
    while end < len(lines) and (lines[end][:1] in (b" ", b"\t", b"#") or not lines[end].strip()
                                or lines[end].startswith(b"- ") or lines[end].rstrip() == b"-"):  # a list may
        end += 1  # stand at the key's own indentation
    return load_yaml(b"\n".join(lines[:end]), rel)


def check_origin_records(root: str | os.PathLike) -> list[Issue]:
    """The origin records' titles (:func:`record_title_problem`), one :class:`Issue` (file, key ``title``, rule
    ``record_title``) for each malformed one; control characters in it (rule ``control_character``). A record that
    cannot be read is left to the data page, which says so (its provenance fields are the record's own: only the
    title is checked here)."""
    issues: list[Issue] = []
    for rel in origin_records(root):
        try:
            data = _record_title(root, rel)
        except Refused:
            continue
        if not isinstance(data, Mapping) or "title" not in data:
            continue

        def add(column, value, message, rule="record_title", row=None, rel=rel):
            issues.append(Issue(rel, row, column, None if value is None else str(value)[:200], rule, message))

        problem = record_title_problem(data["title"])
        if problem is not None:
            add("title", None, problem)
        else:
            _check_text(data["title"], "title", add)
    return issues


def _check_text(value: object, where: str, add) -> None:
    """No control characters in any text of the manifest (they would reach pages and file names)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, where, add)
            _check_text(item, f"{where}.{key}" if where else str(key), add)
    elif isinstance(value, list):
        for item in value:
            _check_text(item, where, add)
    elif isinstance(value, str):
        text = value.replace("\n", " ")  # folded YAML text keeps its line breaks
        if CONTROL_CHARS.search(text):
            bad = CONTROL_CHARS.search(text).group(0)
            add(where or None, None, f"control character U+{ord(bad):04X} ({unicodedata.name(bad, 'control')}) "
                "in the text", "control_character")
        elif text.lstrip().startswith(FORMULA_PREFIXES):
            first = text.lstrip()[0]
            add(where or None, value[:40], f"the text starts with {first!r}, which spreadsheets run as a formula "
                "(and the pages show this text): write it without that first character", "formula")
