"""A build's configuration and results: where the dataset, the processed layer and the output tree are, what the
notebooks' parameters are, what each section's executed notebook depends on, the exit codes and the errors.

Light on purpose (no pandas, no papermill): the command line and a no-op rebuild import it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vstudy.data import manifest as dataset_manifest
from vstudy.data import owned, paths
from vstudy.publish.quarto import RenderOutcome
from vstudy.publish.sections import SECTIONS, Section, by_name
from vstudy.publish.state import files_under, sha256_file
from vstudy.vocab import LANGS

if TYPE_CHECKING:
    from vstudy.publish.website import SetView

# Seconds a notebook cell may run before the build stops it (vstudy build --cell-timeout): the study's longest cell
# takes a few seconds on the 2-core machine; a dataset at the input limits (bench/bench_limits.py) far less than this.
DEFAULT_CELL_TIMEOUT = 1800
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # as vstudy.data.workbook.SUFFIXES (not imported: openpyxl is heavy)
STATE_NAME = ".vstudy-state.json"
LOCK_NAME = ".vstudy.lock"
JOURNAL_NAME = ".vstudy-commit.json"
BUILD_DIR = ".build"  # the build's staging area inside the output tree (removed at its end)
KERNEL = "python3"
# Folders of the output tree the build writes itself; a notebook's own outputs go into other folders
# (``tables/``, ``figures/``).
RESERVED = ("notebooks", "failed", "site", "site-src", "processed")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NO_QUARTO = 3
EXIT_LOCKED = 4
EXIT_INTERRUPTED = 130


# --------------------------------------------------------------------------------------------------------------
# Configuration and results


@dataclass
class BuildConfig:
    """Everything a build needs. Paths are made absolute in ``__post_init__``; ``processed_dir`` and
    ``output_dir`` default to the dataset's own output tree (:func:`vstudy.data.paths.output_tree`)."""

    root: Path = field(default_factory=paths.repo_root)
    data_dir: Path | None = None
    processed_dir: Path | None = None
    output_dir: Path | None = None
    scheme: str | None = None  # None = the manifest's scheme (kz2021 without a manifest)
    only: Sequence[str] = ()
    force: bool = False
    jobs: int | None = None
    render: bool = True
    wait: bool = False  # another build holds the output tree: wait for it instead of stopping
    # Seconds one cell of a notebook may run before the build stops it and fails the section (None: no limit):
    # a cell that never ends (a loop, a read that waits) must not hold the build, nor a CI job, for ever.
    cell_timeout: int | None = DEFAULT_CELL_TIMEOUT  # whole seconds (nbclient's timeout is an int)
    sections: Sequence[Section] = SECTIONS
    # The editions built (vstudy.vocab.LANGS by default; ``vstudy build --lang en`` builds one for a quick run).
    langs: Sequence[str] = LANGS
    # Run validation and write the processed layer into ``config.processed_dir`` (the build passes a copy of the
    # config whose processed_dir is the staging folder); None = vstudy.data.processed (tests pass their own).
    prepare: Callable[[BuildConfig], object] | None = None
    # Stage the pages and run Quarto into the set being built; None = vstudy.publish.website.
    renderer: Callable[[BuildConfig, dict, SetView], RenderOutcome] | None = None
    extra_parameters: dict = field(default_factory=dict)
    # Hash of the vstudy package source; None = computed at build time (tests fix it: others edit the package).
    package_hash: str | None = None
    echo: Callable[[str], None] = print
    # Called with the index of each folder move while the new set is put in place (tests stop a build there).
    on_commit_step: Callable[[int], None] | None = None
    # A filled template workbook the dataset comes from (``data_dir`` given as ``X.xlsx``): after the lock, the
    # build copies it into its staging folder and exports it there as the dataset directory ``data_dir``.
    workbook: Path | None = None
    # How the user named the dataset, the output tree and the processed layer (for messages); None = the path
    # relative to the repository root.
    labels: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        labels = dict(self.labels)
        for key, given in (("data", self.data_dir), ("output", self.output_dir), ("processed", self.processed_dir)):
            if given is not None and key not in labels:
                labels[key] = os.path.normpath(str(given))
        data = Path(self.data_dir or self.root / "data" / "raw").resolve()
        if self.workbook is None and data.suffix.lower() in WORKBOOK_SUFFIXES:
            self.workbook = data
        default_processed, default_output = paths.output_tree(self.workbook or data, self.root)
        self.output_given = self.output_dir is not None
        self.processed_dir = Path(self.processed_dir or default_processed).resolve()
        self.output_dir = Path(self.output_dir or default_output).resolve()
        # A workbook's dataset directory is exported into the build's own staging folder (after the lock).
        self.data_dir = self.build_dir / "dataset" / self.workbook.stem if data == self.workbook else data
        self.labels = labels
        self.jobs = max(1, int(self.jobs or os.cpu_count() or 1))
        if self.cell_timeout is not None:
            self.cell_timeout = int(self.cell_timeout) if self.cell_timeout > 0 else None
        unknown = [lang for lang in self.langs if lang not in LANGS]
        if unknown:
            raise ValueError(f"unknown edition language(s) {', '.join(unknown)}; known: {', '.join(LANGS)}")
        self.langs = tuple(lang for lang in LANGS if lang in self.langs)  # in vocab order, each once

    def edition_dir(self, lang: str) -> Path:
        """``<output>/<lang>``: the executed notebooks, tables and figures of one edition."""
        return self.output_dir / lang

    def notebooks_dir(self, lang: str) -> Path:
        return self.edition_dir(lang) / "notebooks"

    @property
    def failed_dir(self) -> Path:
        return self.output_dir / "failed"

    @property
    def build_dir(self) -> Path:
        return self.output_dir / BUILD_DIR

    @property
    def processed_stage_root(self) -> Path:
        """Where a new processed layer is written: beside its place, on the same file system."""
        return self.processed_dir.parent / f".{self.processed_dir.name}.build"

    @property
    def state_path(self) -> Path:
        return self.output_dir / STATE_NAME

    @property
    def lock_path(self) -> Path:
        return self.output_dir / LOCK_NAME

    @property
    def journal_path(self) -> Path:
        return self.output_dir / JOURNAL_NAME

    def executed_path(self, section: Section, lang: str) -> Path:
        return self.notebooks_dir(lang) / f"{section.name}.ipynb"

    def notebooks_note(self) -> str:
        """Where the executed notebooks are, for the message when Quarto is missing."""
        return " and ".join(self.rel(self.notebooks_dir(lang)) for lang in self.langs)

    def source_path(self, section: Section) -> Path:
        return self.root / section.notebook

    @property
    def source(self) -> Path:
        """The dataset as the user gave it: the workbook, or the dataset directory."""
        return self.workbook or self.data_dir

    @property
    def workbook_copy(self) -> Path | None:
        """The copy of the workbook the build reads (validates, exports, processes): one set of bytes."""
        return self.build_dir / "input" / self.workbook.name if self.workbook else None

    def dataset_id(self) -> str:
        """What the output tree records as the dataset it holds: its path relative to the repository root, or
        absolute when outside it (an identity, not shown to the reader)."""
        return self.real(self.source)

    def real(self, path: Path) -> str:
        """``path`` relative to the repository root (POSIX), or absolute when outside it: a path the notebooks
        (which run in the repository root) can open."""
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def _anchors(self) -> list[tuple[Path, str]]:
        anchors = [(self.output_dir, self.labels.get("output")), (self.processed_dir, self.labels.get("processed")),
                   (self.source, self.labels.get("data"))]
        return [(path, label) for path, label in anchors if label]

    def rel(self, path: Path) -> str:
        """``path`` as the user pointed at it, for messages: relative to the folder they named (``--output``,
        ``--processed``, ``--data``) when inside one, else to the repository root, else to the current folder."""
        path = Path(path)
        try:
            inside_root = path.relative_to(self.root).as_posix()
        except ValueError:
            inside_root = None
        if self.workbook is not None and (path == self.data_dir or self.data_dir in path.parents):
            path = self.workbook  # the export stands for the workbook
        for base, label in sorted(self._anchors(), key=lambda a: -len(str(a[0]))):
            if path == base or base in path.parents:
                return owned.shown(path, [(base, label)])
        return inside_root if inside_root is not None else owned.shown(path)

    def unmachine(self, text: str) -> str:
        """``text`` (a message) with the machine paths of this build written as the user named them."""
        places = [self.data_dir, self.source, self.output_dir, self.processed_dir, self.processed_stage_root]
        for path in sorted(places, key=lambda p: -len(str(p))):
            text = text.replace(str(path), self.rel(path))
        return text.replace(str(self.root) + "/", "")

    def public(self, path: Path) -> str:
        """``path`` as recorded in the executed notebooks and the state file: relative to the repository root when
        inside it, else relative to the output tree, processed layer or dataset it lies in, named by its own folder
        name (``mytree/en``) — never a machine path."""
        path = Path(path)
        if self.workbook is not None and (path == self.data_dir or self.data_dir in path.parents):
            path = self.workbook
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            pass
        for base in sorted((self.output_dir, self.processed_dir, self.source), key=lambda b: -len(str(b))):
            if path == base or base in path.parents:
                return (Path(base.name) / path.relative_to(base)).as_posix()
        return path.name


@dataclass
class NotebookFailure:
    section: str
    cell_index: int | None
    first_line: str
    ename: str
    evalue: str
    partial: Path | None
    lang: str = "en"
    partial_shown: str = ""  # where the partial notebook is, as the user named the output tree

    def message(self) -> str:
        cell = "cell ?" if self.cell_index is None else f"cell {self.cell_index}"
        where = f" ({self.first_line!r})" if self.first_line else ""
        kept = f"\n  partial notebook kept at {self.partial_shown or self.partial}" if self.partial else ""
        return (f"section {self.section} ({self.lang} edition) failed in {cell}{where}: {self.ename}: "
                f"{self.evalue}{kept}")


def unit_id(section: str, lang: str) -> str:
    """One execution of the build: a section in one edition, ``en/03_correlations`` (the state file's key, the
    folder of its outputs in the output tree)."""
    return f"{lang}/{section}"


@dataclass
class BuildResult:
    """What a build did; tests assert on this rather than on timings."""

    exit_code: int = EXIT_OK
    prepared: bool = False
    # Executions as unit ids (:func:`unit_id`: ``en/00_data_quality``, ``ru/00_data_quality``).
    executed: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    failures: list[NotebookFailure] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # sections whose source notebook does not exist
    dropped: list[str] = field(default_factory=list)  # units whose damaged outputs left the set (--only, --lang)
    render: RenderOutcome | None = None
    committed: bool = False  # a new output set was put in place
    seconds: float = 0.0
    message: str = ""


class BuildError(Exception):
    """A step failed; the message is what the user reads."""


class UsageError(BuildError):
    """The command cannot run as given (exit 2)."""


class CorruptJournal(Exception):
    """The commit journal exists but is not one this build can apply safely."""


def os_error_message(exc: OSError, show: Callable[[Path], str], fallback: str) -> str:
    """One line naming the file or folder and the condition of a failed write (read-only, disk full, …)."""
    import errno

    conditions = {errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied (read-only?)",
                  errno.EPERM: "permission denied (read-only?)", errno.ENOSPC: "no space left on the device",
                  errno.EDQUOT: "disk quota exceeded", errno.ENOTDIR: "a file stands where a folder is needed",
                  errno.EISDIR: "a folder stands where a file is needed", errno.ENAMETOOLONG: "the name is too long"}
    condition = conditions.get(exc.errno, exc.strerror or type(exc).__name__)
    where = show(Path(exc.filename)) if exc.filename else fallback
    return f"cannot write {where}: {condition}"


# --------------------------------------------------------------------------------------------------------------
# The dataset manifest: table names → files, period


def read_manifest(data_dir: Path) -> dict:
    """Tables (name → real path), period label and scheme of a study dataset, for the rebuild decisions.

    Reads ``<data_dir>/manifest.yml`` with the data layer's one safe reader (:mod:`vstudy.data.manifest`; no
    pandas): only tables whose file lies inside the dataset directory are listed. Without a manifest (a
    directory ``vstudy validate`` refuses) every CSV below ``data_dir`` is a table named by its file stem.
    """
    man = dataset_manifest.read_manifest(data_dir)
    if not man.found:
        tables = {p.stem: p for p in dataset_manifest.dataset_files(data_dir) if p.suffix == ".csv"}
        return {"period": None, "scheme": None, "tables": tables}
    return {"period": man.period_label, "scheme": man.scheme, "tables": man.paths()}


def processed_files(processed_dir: Path) -> dict[str, Path]:
    return {str(p.relative_to(processed_dir)): p for p in files_under(processed_dir)}


def _table_files(table: str, scheme: str, processed: dict[str, Path]) -> list[str]:
    """The files of processed table ``table``: ``<table>_<scheme>.*`` or ``<table>.*`` (or the file ``table`` itself,
    e.g. ``dataset.json``)."""
    stems = {table, f"{table}_{scheme}"}
    return sorted(rel for rel, path in processed.items() if path.name in stems or path.name.split(".")[0] in stems)


def section_inputs(config: BuildConfig, section: Section, manifest: dict, processed: dict[str, Path],
                   hashes: dict[Path, str]) -> dict:
    """The content hashes a section's executed notebook depends on (everything but its parameters).

    Exactly the processed tables the section declares (``Section.tables``; ``*`` = the whole processed layer), the
    raw tables it still reads directly (``Section.raw_tables`` through the manifest; ``*`` = every file of the
    dataset), its notebook source and the package. A declared table the dataset lacks is recorded as None, so its
    appearance later re-executes the section.
    """

    def h(path: Path) -> str:
        if path not in hashes:
            hashes[path] = sha256_file(path)
        return hashes[path]

    proc: dict[str, str | None] = {}
    for table in section.tables:
        files = sorted(processed) if table == "*" else _table_files(table, config.scheme, processed)
        for rel in files:
            proc[rel] = h(processed[rel])
        if not files and table != "*":
            proc[table] = None
    raw: dict[str, str | None] = {}
    for name in section.raw_tables:
        if name == "*":
            for path in files_under(config.data_dir):
                raw[str(path.relative_to(config.data_dir))] = h(path)
            continue
        path = manifest["tables"].get(name)
        raw[name] = h(path) if path is not None and path.exists() else None
    source = config.source_path(section)
    return {
        "notebook": h(source) if source.exists() else None,
        "raw": raw,
        "processed": proc,
        "package": config.package_hash,
        "kernel": KERNEL,
    }



def parameters_for(config: BuildConfig, manifest: dict) -> dict:
    """The notebooks' parameters as recorded (the cache key, the executed notebook, the state file): paths
    relative to the repository root, pointing at the dataset and at this dataset's output tree."""
    from vstudy.publish.sections import PARAMETER_DEFAULTS

    params = dict(PARAMETER_DEFAULTS)
    params.update(
        data_dir=config.public(config.source),
        processed_dir=config.public(config.processed_dir),
        scheme=config.scheme,
        period=manifest.get("period") or PARAMETER_DEFAULTS["period"],
        output_dir=config.public(config.output_dir),
    )
    params.update(config.extra_parameters)
    return params


def edition_parameters(config: BuildConfig, params: dict, lang: str) -> dict:
    """The parameters of one edition: its ``lang``, and its own folder of the output tree as ``output_dir``."""
    return dict(params, lang=lang, output_dir=config.public(config.edition_dir(lang)))


def selected_sections(config: BuildConfig) -> list[Section]:
    if not config.only:
        return list(config.sections)
    try:
        chosen = {by_name(name, config.sections).name for name in config.only}
    except KeyError as exc:
        raise BuildError(exc.args[0]) from None
    return [s for s in config.sections if s.name in chosen]
