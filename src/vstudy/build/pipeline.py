"""``vstudy build``: validate → process → execute the section notebooks → render the website and the study PDF.

One command rebuilds the study, and only what changed:

* **validate + process** (``vstudy.data.datasets``) re-run when a raw file, the scheme or the package changed;
* **a section notebook** re-executes when its source, its parameters, the processed tables it reads
  (``Section.tables``), the raw tables it still reads directly (``Section.raw_tables`` through the manifest), or
  the ``vstudy`` package source changed — or when its executed notebook or any table or figure it wrote is
  missing or differs from what the state file recorded;
* **the render** (``quarto render`` of each edition's staged site, see :mod:`vstudy.build.website`) runs when an
  executed notebook, a page template, the data or the commit changed, or the site differs from its record; it
  renders only the pages whose inputs changed (:mod:`vstudy.build.incremental`).

**Two editions, one build.** Every section is executed once per edition (:data:`vstudy.vocab.LANGS`, or the
``--lang`` given) with its ``lang`` parameter: a *unit* ``<lang>/<section>`` (:func:`unit_id`) is one more
dimension of the output set, not a second build — the units of both editions share the worker pool, the
processed layer, the staging area, the journal and the lock, and each has its own cache key, state entry and
outputs under ``<output>/<lang>/`` (``notebooks/``, ``tables/``, ``figures/``). The executed notebook is the
edition's copy (:func:`vstudy.present.edition.localize`, applied by the worker).

Each decision compares sha256 content hashes with the state file ``<output>/.vstudy-state.json``, which records
every output (processed layer, executed notebooks, tables, figures, site) with its hash; a no-op rebuild reads
files and hashes them, nothing more (no pandas, no papermill, no kernels). Quarto's own ``freeze`` is not used.

**One output tree per dataset** (:func:`vstudy.data.paths.output_tree`): ``data/raw`` builds into
``data/processed`` and ``reports/``; any other dataset ``DIR`` into ``builds/<name of DIR>/`` (its processed
layer in ``builds/<name>/processed``), unless ``--output``/``--processed`` say otherwise.

**A complete output set, put in place whole.** Nothing is written into the output tree while the build works:
the processed layer is written beside its place (``.<name>.build/``), each notebook writes its tables and figures
into a folder of its own under ``<output>/.build/`` (its ``output_dir`` parameter), the executed notebooks and
the rendered site land there too. Only when every step succeeded is the new set assembled (unchanged files are
hard-linked from the current set) and put in place folder by folder with ``renameat2(RENAME_EXCHANGE)``, after a
journal (``<output>/.vstudy-commit.json``) has recorded the moves and the new state: a kill between two moves is
completed by the next build before it does anything else. A failure, Ctrl-C, SIGTERM or SIGKILL before that
leaves the previous set as it was; the next build removes what the stopped one left (``.build/``, kernel
connection files, a half-written processed layer). ``<output>/failed/`` holds the failed notebooks of the latest
build only.

**Processes end with the build.** Workers and their kernels carry the build's tag and watch a pipe held by the
build; whatever ends the build ends them (:mod:`vstudy.build.procs`), and nothing writes after it has exited.

**One build per output tree.** The build holds ``flock`` on ``<output>/.vstudy.lock``; a second build of the same
tree stops at once with exit code 4 and names the build that holds it, or waits with ``--wait``.

Exit codes: 0 built (and rendered, or ``--no-render``); 1 a step failed (invalid data, a notebook raised, the
render failed); 2 usage error; 3 everything up to the render was built but Quarto is not on PATH, so the site
and the PDF were not rendered; 4 another build holds the output tree; 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vstudy.build import procs
from vstudy.build.quarto import QUARTO_HELP, RenderOutcome  # noqa: F401  (re-exported for the command line)
from vstudy.build.sections import SECTIONS, Section, by_name
from vstudy.build.state import (  # noqa: F401
    STATE_VERSION,
    CorruptState,
    empty_state,
    files_under,
    hash_tree,
    load_state,
    package_hash,
    save_state,
    sha256_file,
    sha256_json,
)
from vstudy.data import atomic, owned, paths
from vstudy.data import manifest as dataset_manifest
from vstudy.vocab import LANGS, SCHEMES

if TYPE_CHECKING:
    from vstudy.build.website import SetView

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
    sections: Sequence[Section] = SECTIONS
    # The editions built (vstudy.vocab.LANGS by default; ``vstudy build --lang en`` builds one for a quick run).
    langs: Sequence[str] = LANGS
    # Run validation and write the processed layer into ``config.processed_dir`` (the build passes a copy of the
    # config whose processed_dir is the staging folder); None = vstudy.data.processed (tests pass their own).
    prepare: Callable[[BuildConfig], object] | None = None
    # Stage the pages and run Quarto into the set being built; None = vstudy.build.website.
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
    from vstudy.build.sections import PARAMETER_DEFAULTS

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


# --------------------------------------------------------------------------------------------------------------
# Steps


class _Progress:
    """One line per step with its time; thread-safe because notebooks finish in any order."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self.echo = echo
        self.lock = threading.Lock()

    def line(self, mark: str, name: str, seconds: float | None = None, note: str = "") -> None:
        took = f"{seconds:6.1f} s" if seconds is not None else " " * 8
        text = f"{mark} {name:<24} {took}"
        if note:
            text += f"  {note}"
        with self.lock:
            self.echo(text.rstrip())


def _default_prepare(config: BuildConfig) -> list[Path]:
    """Validate the raw dataset and write the processed layer (vstudy.data.processed.prepare_for_build).

    Invalid data stop the build with every error listed (FILE:LINE column value [rule] message).
    """
    from vstudy.data import datasets, processed  # heavy (pandas, pyarrow): only when the data step runs

    # A workbook is read as the workbook (the copy the build took of it): `vstudy validate --data X.xlsx` and the
    # build judge the same bytes with the same reader.
    try:
        return processed.prepare_for_build(config.workbook_copy or config.data_dir, config.processed_dir,
                                           config.scheme)
    except datasets.InvalidDataset as exc:
        errors = [p.format() for p in exc.dataset.errors]
        shown = "\n  ".join(errors[:40]) + (f"\n  … and {len(errors) - 40} more" if len(errors) > 40 else "")
        where = config.rel(config.source)
        raise BuildError(f"invalid dataset {where} ({len(errors)} error(s); "
                         f"`vstudy validate --data {where}` lists them all):\n  {shown}") from exc


class _Worker:
    """One ``python -m vstudy.build.worker --serve`` process: papermill is imported once, notebooks run one at a time.

    Its stderr (and its kernels' output) goes to a log file; the part written while a notebook ran is what a
    failure report quotes when the worker died without writing error details. It carries the build's tag and
    reads the build's watchdog pipe (:mod:`vstudy.build.procs`).
    """

    def __init__(self, config: BuildConfig, token: str, watchdog: int) -> None:
        logs = config.build_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        fd, log = tempfile.mkstemp(prefix="worker.", suffix=".log", dir=logs)
        self.log_path = Path(log)
        env = dict(os.environ, VSTUDY_ROOT=str(config.root), PYTHONUNBUFFERED="1",
                   JUPYTER_RUNTIME_DIR=str(config.build_dir / "runtime"),  # kernel connection files
                   IPYTHONDIR=str(config.build_dir / "ipython"))  # kernels' history databases
        env[procs.TAG] = token
        env[procs.WATCHDOG_FD] = str(watchdog)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vstudy.build.worker", "--serve"], cwd=config.root, env=env, start_new_session=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=fd, text=True, encoding="utf-8", bufsize=1,
            pass_fds=(watchdog,),
        )
        os.close(fd)

    def run(self, spec_path: Path) -> tuple[int | None, bytes]:
        """Exit status of one notebook (None: the worker died) and what the worker logged meanwhile."""
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        try:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            self.proc.stdin.write(f"{spec_path}\n")
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline()
        except (BrokenPipeError, OSError, ValueError):
            answer = ""
        logged = b""
        with contextlib.suppress(FileNotFoundError), open(self.log_path, "rb") as fh:
            fh.seek(offset)
            logged = fh.read()
        return (int(answer) if answer.strip().isdigit() else None), logged

    def death(self) -> str:
        """How the worker ended, for a failure report: "killed by SIGKILL", "exit code 1"."""
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "stopped answering"
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"killed by {signal.Signals(-code).name}"
        return f"exit code {code}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        """End of input: the worker exits after its current notebook (the caller waits for it)."""
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin:
                self.proc.stdin.close()

    def wait(self, timeout: float) -> bool:
        try:
            self.proc.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False


class _Runner:
    """Runs notebooks on at most ``jobs`` worker processes (one per pool thread, reused for its next notebook);
    stops starting new ones after a failure. Every process it starts ends with :meth:`kill_all` or :meth:`close`."""

    def __init__(self, config: BuildConfig, token: str) -> None:
        self.config = config
        self.token = token
        self.stop = threading.Event()
        self.workers: list[_Worker] = []
        self.idle: list[_Worker] = []  # started ahead of need, not yet taken by a pool thread
        self.local = threading.local()
        self.lock = threading.Lock()
        self.watchdog: tuple[int, int] | None = None

    def watchdog_fd(self) -> int:
        """The read end of the build's watchdog pipe (created on first use); the build keeps the only write end,
        so the pipe reaches end-of-file when the build is gone."""
        if self.watchdog is None:
            self.config.build_dir.mkdir(parents=True, exist_ok=True)
            (self.config.build_dir / "token").write_text(self.token, encoding="utf-8")
            self.watchdog = os.pipe()
        return self.watchdog[0]

    def _new_worker(self) -> _Worker:
        worker = _Worker(self.config, self.token, self.watchdog_fd())
        self.workers.append(worker)
        return worker

    def prestart(self, count: int) -> None:
        """Start ``count`` workers now; pool threads take them before starting new ones."""
        with self.lock:
            for _ in range(count):
                self.idle.append(self._new_worker())

    def _worker(self) -> _Worker | None:
        """This thread's worker (a prestarted one, or a new one); None once the build is stopping."""
        with self.lock:
            if self.stop.is_set():
                return None
            worker = getattr(self.local, "worker", None)
            if worker is None or not worker.alive():
                worker = self.idle.pop() if self.idle else None
                if worker is None or not worker.alive():
                    worker = self._new_worker()
                self.local.worker = worker
            return worker

    def run_one(self, section: Section, lang: str, parameters: dict, public: dict, out_dir: Path,
                replace: list[tuple[str, str]]) -> tuple[str, float, NotebookFailure | None, Path | None]:
        """Execute one notebook in one edition into the staging area; (status, seconds, failure, executed
        notebook). The executed notebook is the edition's copy (:func:`vstudy.present.edition.localize`)."""
        if self.stop.is_set():
            return "cancelled", 0.0, None, None
        config = self.config
        work = config.build_dir / "work" / lang / section.name
        work.mkdir(parents=True, exist_ok=True)
        out_dir.mkdir(parents=True, exist_ok=True)
        out = config.build_dir / lang / "notebooks" / f"{section.name}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        spec = {
            "input": str(config.source_path(section)), "output": str(out), "cwd": str(config.root),
            "kernel": KERNEL, "parameters": parameters, "error_path": str(work / "error.json"),
            "public_parameters": public, "replace": replace, "lang": lang,
            "public_input_path": section.notebook,
            "public_output_path": config.public(config.executed_path(section, lang)),
        }
        (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        start = time.perf_counter()
        worker = self._worker()
        if worker is None:
            return "cancelled", 0.0, None, None
        status, log = worker.run(work / "spec.json")
        seconds = time.perf_counter() - start
        if self.stop.is_set() and status != 0:
            return "cancelled", seconds, None, None
        if status == 0 and out.exists():
            return "executed", seconds, None, out
        died = None if status is not None else worker.death()
        failure = self._failure(section, lang, work, out, log, died)
        self.stop.set()
        return "failed", seconds, failure, None

    def _failure(self, section: Section, lang: str, work: Path, out: Path, log: bytes | None,
                 died: str | None = None) -> NotebookFailure:
        try:
            details = json.loads((work / "error.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            tail = (log or b"").decode(errors="replace").strip().splitlines()[-3:]
            what = f"the worker process died ({died}) while executing the notebook" if died else \
                "the worker wrote no error details"
            details = {"ename": "WorkerError", "evalue": what + ("; its last log lines: " + " | ".join(tail)
                                                                  if tail else "")}
        partial = None
        if out.exists():
            staged = self.config.build_dir / "failed" / lang / out.name
            staged.parent.mkdir(parents=True, exist_ok=True)
            os.replace(out, staged)
            partial = self.config.failed_dir / lang / out.name  # where it is once put in place
        return NotebookFailure(
            section=section.name, cell_index=details.get("source_cell_index"),
            first_line=details.get("first_line", ""), ename=details.get("ename", "Error"),
            evalue=details.get("evalue", ""), partial=partial, lang=lang,
            partial_shown=self.config.rel(partial) if partial else "",
        )

    def close(self, timeout: float = 10) -> None:
        """Let every worker finish and exit, then end whatever of the build is left (kernels included)."""
        with self.lock:
            workers, self.workers, self.idle = list(self.workers), [], []
        for worker in workers:
            worker.close()
        deadline = time.monotonic() + timeout
        for worker in workers:
            worker.wait(max(0.1, deadline - time.monotonic()))
        self._end(workers)

    def kill_all(self) -> None:
        """Stop every process of the build at once, mid-notebook or idle."""
        self.stop.set()
        with self.lock:
            workers, self.workers, self.idle = list(self.workers), [], []
        self._end(workers)

    def _end(self, workers: list[_Worker]) -> None:
        if self.watchdog is not None or workers:
            procs.kill_tagged(self.token)
        for worker in workers:
            with contextlib.suppress(OSError, ValueError):
                worker.proc.kill()
            worker.wait(5)
            for stream in (worker.proc.stdin, worker.proc.stdout):
                with contextlib.suppress(OSError, ValueError):
                    if stream:
                        stream.close()
        if self.watchdog is not None:
            for fd in self.watchdog:
                with contextlib.suppress(OSError):
                    os.close(fd)
            self.watchdog = None


def _selected(config: BuildConfig) -> list[Section]:
    if not config.only:
        return list(config.sections)
    try:
        chosen = {by_name(name, config.sections).name for name in config.only}
    except KeyError as exc:
        raise BuildError(exc.args[0]) from None
    return [s for s in config.sections if s.name in chosen]


# --------------------------------------------------------------------------------------------------------------
# Putting a set in place, and finishing or cleaning up after a build that was stopped


def _inode(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block has run (the folder moves); SIGKILL is what the journal is for."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _apply_moves(journal: dict, trash: Path, step: Callable[[int], None] | None = None) -> None:
    """Carry out the folder moves of a commit journal. Each move names the inode of the folder that must end at
    (or leave) its target, so a move already done is recognised and skipped: the same journal can be applied
    again after a kill, and no marker file is needed inside the folders."""
    for index, move in enumerate(journal["moves"]):
        if step is not None:
            step(index)
        target = Path(move["target"])
        atomic.recover_swap(target)
        if move.get("staged") is None:  # a folder that is not part of the new set
            if _inode(target) == move["inode"]:
                trash.mkdir(parents=True, exist_ok=True)
                os.replace(target, trash / f"{target.name}.{uuid.uuid4().hex[:8]}")
            continue
        staged = Path(move["staged"])
        if _inode(target) == move["inode"] or _inode(staged) != move["inode"]:
            continue  # done already
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic.swap_dir(staged, target)


def _commit(config: BuildConfig, token: str, moves: list[dict], state: dict | None) -> None:
    """Record the moves and the new state in the journal, then carry them out and write the state."""
    for move in moves:
        move["inode"] = _inode(Path(move["staged"] or move["target"]))
    journal = {"version": 1, "token": token, "moves": moves, "state": state}
    with _signals_deferred():
        atomic.write_text_atomic(config.journal_path, json.dumps(journal, ensure_ascii=False))
        _apply_moves(journal, config.build_dir / "trash", config.on_commit_step)
        if state is not None:
            save_state(config.state_path, state)
        config.journal_path.unlink()


def _read_journal(config: BuildConfig) -> dict:
    """The commit journal, checked: every move stays inside the output tree (or is the processed layer) and comes
    from the build's staging folders; CorruptJournal otherwise (it is never applied then)."""
    try:
        if config.journal_path.is_symlink():
            raise ValueError("it is a symbolic link")
        journal = json.loads(config.journal_path.read_text(encoding="utf-8"))
        if not isinstance(journal, dict) or journal.get("version") != 1 or not isinstance(journal.get("moves"), list):
            raise ValueError("not a journal of this version")
        if journal.get("state") is not None and not isinstance(journal["state"], dict):
            raise ValueError("its state is not an object")
        stages = (config.build_dir, config.processed_stage_root)
        for move in journal["moves"]:
            if not isinstance(move, dict) or not isinstance(move.get("target"), str):
                raise ValueError("a move without a target")
            target = Path(move["target"])
            if not (target == config.processed_dir or config.output_dir in target.parents):
                raise ValueError(f"a move to {target} outside the output tree")
            staged = move.get("staged")
            if staged is not None and not (isinstance(staged, str) and any(
                    stage in Path(staged).parents for stage in stages)):
                raise ValueError("a move from outside the build's staging folders")
            if move.get("inode") is not None and not isinstance(move["inode"], int):
                raise ValueError("an inode that is not a number")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CorruptJournal(str(exc)) from None
    return journal


def recover(config: BuildConfig, echo: Callable[[str], None] | None = None,
            ignore_damaged_journal: bool = False) -> None:
    """Finish or undo what a stopped build left in the output tree (the build does this first, under its lock).

    A complete journal is applied (the stopped build had staged its whole set); then every process still tagged
    with the stopped build's id is ended, and the staging folders, kernel connection files and half-written
    processed layers are removed. A damaged journal raises :class:`CorruptJournal` (nothing is done), unless
    ``ignore_damaged_journal`` (``--force``): then it is removed unapplied.
    """
    out = config.output_dir
    if config.journal_path.exists() or config.journal_path.is_symlink():
        journal = None
        try:
            journal = _read_journal(config)
        except CorruptJournal:
            if not ignore_damaged_journal:
                raise
        if journal is not None:
            _apply_moves(journal, config.build_dir / "trash")
            if journal.get("state") is not None:
                save_state(config.state_path, journal["state"])
            if echo:
                echo("· finished putting in place the outputs of a build that was stopped while doing it")
        config.journal_path.unlink()
    for staging in (config.build_dir, config.processed_stage_root):
        if staging.is_symlink() or (staging.exists() and not staging.is_dir()):
            staging.unlink()  # the build's staging is a folder of its own, never reached through a link
    token_file = config.build_dir / "token"
    with contextlib.suppress(OSError):
        procs.kill_tagged(token_file.read_text(encoding="utf-8").strip())
    shutil.rmtree(config.build_dir, ignore_errors=True)
    shutil.rmtree(config.processed_stage_root, ignore_errors=True)
    # What earlier versions of the build left: its notebook staging folder, a site swap, processed layers.
    shutil.rmtree(out / ".tmp", ignore_errors=True)
    old_site = out / ".site-old"
    if old_site.exists() and not (out / "site").exists():
        os.replace(old_site, out / "site")
    shutil.rmtree(old_site, ignore_errors=True)
    atomic.recover_swap(config.processed_dir)
    if config.processed_dir.parent.is_dir():
        for leftover in config.processed_dir.parent.glob(f".{config.processed_dir.name}.building-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _recorded_files(config: BuildConfig, state: dict, existed: bool) -> set[str]:
    """The files of the output tree the previous builds recorded writing (paths relative to the tree).

    A state of this version lists them (``written``). A tree built by an earlier version: every file its state
    records (executed notebooks, tables, figures) and everything in the folders only the build writes (``site/``,
    ``site-src/``, ``failed/``); with a state of an older layout, everything in the folders that build replaced
    whole. No state: nothing (every file there is someone else's)."""
    if isinstance(state.get("written"), list):
        return set(state["written"])
    if not existed:
        return set()
    tops = ["site", "site-src", "failed"]
    recorded: set[str] = set()
    if not state["sections"]:  # another version's state (load_state dropped it)
        tops += [*LANGS, "notebooks", "tables", "figures"]
    for entry in state["sections"].values():
        recorded |= set(entry.get("outputs") or {})
        if entry.get("notebook"):
            recorded.add(entry["notebook"])
    for top in tops:
        recorded |= {f"{top}/{rel}" for rel in owned.walk(config.output_dir / top)}
    return recorded


def _tree_files(tree: Path, top: str) -> dict[str, str]:
    """``top/rel`` → sha256 of every file in ``tree/top`` (hidden files, such as the build marker, excluded)."""
    return {f"{top}/{rel}": digest for rel, digest in hash_tree(tree / top).items()}


def _intact(config: BuildConfig, entry: dict, hashes: dict[Path, str]) -> bool:
    """The section's executed notebook and every output it recorded are in the tree with their hashes."""
    recorded = dict(entry.get("outputs") or {})
    if "notebook" not in entry:
        return False
    recorded[entry["notebook"]] = entry.get("notebook_sha256")
    for rel, digest in recorded.items():
        path = config.output_dir / rel
        if path not in hashes:
            hashes[path] = sha256_file(path) if path.is_file() else None
        if hashes[path] != digest:
            return False
    return True


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _section_outputs(section: Section, out_dir: Path) -> dict[str, str]:
    """What a notebook wrote into its output folder, as ``top/rel`` → sha256; BuildError for a reserved place."""
    written = hash_tree(out_dir)
    bad = sorted(rel for rel in written if "/" not in rel or rel.split("/", 1)[0] in RESERVED)
    if bad:
        raise BuildError(f"section {section.name} wrote {', '.join(bad[:5])} into its output folder: a notebook "
                         f"writes only into folders such as tables/ and figures/ (not {', '.join(RESERVED)})")
    return written


# --------------------------------------------------------------------------------------------------------------
# The build


def build(config: BuildConfig) -> BuildResult:
    """Run the study's steps that are out of date and put the new output set in place; see the module docstring."""
    start = time.perf_counter()
    result = BuildResult()
    progress = _Progress(config.echo)
    holder = f"pid {os.getpid()}, {' '.join(sys.argv[:6])[:200]}, since {time.strftime('%H:%M:%S')}"
    try:
        check_places(config)  # before anything is written
        config.output_dir.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as locks:
            locks.enter_context(atomic.exclusive_lock(
                config.lock_path, holder, wait=config.wait,
                on_wait=lambda who: config.echo(f"waiting for the build that holds {config.rel(config.lock_path)} "
                                                f"({who})")))
            # The processed layer's own lock too (``vstudy data`` takes it): data/processed of the 2021 study lies
            # outside reports/, and --processed may point anywhere.
            locks.enter_context(atomic.exclusive_lock(atomic.lock_path(config.processed_dir), holder,
                                                      wait=config.wait))
            _Build(config, result, progress).run()
    except atomic.Locked as exc:
        result.exit_code = EXIT_LOCKED
        result.message = (f"another vstudy build is using this output tree ({exc.holder or 'a process'}; lock "
                          f"{config.rel(exc.path)}). Wait for it to finish, or run again with --wait.")
    except owned.Refused as exc:
        result.exit_code = EXIT_USAGE
        result.message = f"nothing was done: {exc}"
    except OSError as exc:  # the output tree or the lock cannot be written (read-only, disk full)
        result.exit_code = EXIT_FAILED
        result.message = os_error_message(exc, config.rel, config.rel(config.output_dir)) + \
            "; the previous outputs are unchanged"
    result.seconds = time.perf_counter() - start
    _summary(config, result)
    return result


def check_places(config: BuildConfig) -> None:
    """Refuse output folders vstudy must not write into (:mod:`vstudy.data.owned`); nothing is written before.

    Never ``/``, the home folder, the repository root, the dataset or a folder inside or around it; ``--output`` and
    ``--processed`` differ and do not nest (but the default ``<tree>/processed``); each is new, empty, or already
    a vstudy output tree / processed layer."""
    out, processed = config.output_dir, config.processed_dir
    out_name = f"--output {config.labels['output']}" if "output" in config.labels else \
        f"the output tree {config.rel(out)}"
    proc_name = f"--processed {config.labels['processed']}" if "processed" in config.labels else \
        f"the processed layer {config.rel(processed)}"
    dataset_is_file = config.workbook is not None
    for folder, name in ((out, out_name), (processed, proc_name)):
        owned.check_place(folder, name, root=config.root, dataset=config.source, dataset_is_file=dataset_is_file)
    if out == processed:
        raise owned.Refused(f"{proc_name} is the output tree itself; the processed layer needs a folder of its own "
                            f"(default: {config.rel(out)}/processed)")
    if out in processed.parents and processed != out / "processed":
        raise owned.Refused(f"{proc_name} lies inside the output tree {config.rel(out)}; give a folder outside it, "
                            "or leave --processed out (the default is the tree's processed/ folder)")
    if processed in out.parents:
        raise owned.Refused(f"{out_name} lies inside the processed layer {config.rel(processed)}; give them "
                            "separate folders")
    owned.check_owned(out, out_name, "tree")
    owned.check_owned(processed, proc_name, "layer")
    if config.workbook is not None and not config.workbook.is_file():
        raise owned.Refused(f"--data {config.rel(config.workbook)}: no such workbook")


class _Build:
    """One build under the lock: recover, decide, execute, assemble, render, commit."""

    def __init__(self, config: BuildConfig, result: BuildResult, progress: _Progress) -> None:
        self.config = config
        self.result = result
        self.progress = progress
        self.token = uuid.uuid4().hex[:16]
        self.runner = _Runner(config, self.token)
        self.failed: list[NotebookFailure] = []
        self.state: dict | None = None  # the previous state, once read
        self.recorded: set[str] | None = None  # the files of the tree the previous builds wrote
        self.replace_unrecorded = config.force  # --force: a file vstudy did not record may be replaced

    def run(self) -> None:
        config, result = self.config, self.result
        try:
            self._run()
        except (UsageError, owned.Refused) as exc:
            result.exit_code = EXIT_USAGE
            result.message = str(exc)
        except (BuildError, OSError) as exc:
            result.exit_code = EXIT_FAILED
            result.message = str(exc) if isinstance(exc, BuildError) else (
                os_error_message(exc, config.rel, config.rel(config.output_dir))
                + ("; the new outputs were put in place" if result.committed
                   else "; the previous outputs are unchanged"))
            try:
                self._finish_failed()
            except (OSError, owned.Refused) as again:  # e.g. the disk is still full: failed/ stays as it was
                result.message += f" ({config.rel(config.failed_dir)} not updated: {again})"
        except KeyboardInterrupt:
            self.runner.kill_all()
            result.exit_code = EXIT_INTERRUPTED
            result.message = ("interrupted after the new outputs were put in place" if result.committed
                              else "interrupted: the previous outputs are unchanged")
        finally:
            if result.exit_code == EXIT_INTERRUPTED:
                self.runner.kill_all()
            else:
                self.runner.close()
            shutil.rmtree(config.build_dir, ignore_errors=True)
            shutil.rmtree(config.processed_stage_root, ignore_errors=True)

    def _finish_failed(self) -> None:
        """After a failure: only ``failed/`` changes, to hold this build's failed notebooks (or nothing)."""
        self.runner.kill_all()
        if self.state is None or self.recorded is None or self.result.committed:
            return  # stopped before the tree was read (or after the set was put in place)
        staged = self.config.build_dir / "failed"
        if staged.is_dir():
            moves = [{"staged": str(staged), "target": str(self.config.failed_dir)}]
        elif self.config.failed_dir.exists():
            moves = [{"staged": None, "target": str(self.config.failed_dir)}]
        else:
            return
        state = dict(self.state)
        state["written"] = self._keep_user_files(moves)
        _commit(self.config, self.token, moves, state)

    def _run(self) -> None:
        config, result, progress = self.config, self.result, self.progress
        try:
            recover(config, progress.echo, ignore_damaged_journal=config.force)
        except CorruptJournal as exc:
            raise UsageError(f"{config.rel(config.journal_path)} is damaged ({exc}); nothing was done. Run again "
                             "with --force to rebuild the outputs (files vstudy did not write are kept)") from None
        state = self._read_state()
        dataset = config.dataset_id()
        marker = owned.read_marker(config.output_dir, owned.TREE_MARKER) or {}
        previous = state.get("dataset") or marker.get("dataset")
        if not config.output_given and previous not in (None, dataset):
            raise UsageError(f"the output tree {config.rel(config.output_dir)} holds the build of another dataset "
                             f"({owned.shown(Path(previous)) if Path(previous).is_absolute() else previous}); "
                             "give this one its own with --output DIR")
        owned.claim_tree(config.output_dir, dataset)
        if config.workbook is not None:
            self._export_workbook()
        config.package_hash = config.package_hash or package_hash()
        selected = _selected(config)
        for section in selected:
            if not config.source_path(section).exists():
                result.missing.append(section.name)
                progress.line("!", section.name, note=f"notebook missing: {section.notebook}")
        selected = [s for s in selected if s.name not in result.missing]

        # Validate + process, into the staging folder beside the processed layer.
        manifest = read_manifest(config.data_dir)
        config.scheme = config.scheme or manifest.get("scheme") or "kz2021"
        raw_hashes = hash_tree(config.data_dir)
        new_state = {"version": STATE_VERSION, "dataset": dataset, "data": dict(state["data"]), "sections": {},
                     "site": dict(state["site"]), "written": sorted(self.recorded or ())}
        processed_now = config.processed_dir
        staged_processed = self._prepare(state, new_state, raw_hashes, len(selected) * len(config.langs))
        if staged_processed is not None:
            processed_now = staged_processed

        # Decide which notebooks are out of date: changed inputs, or outputs that differ from their record.
        processed = processed_files(processed_now)
        params = parameters_for(config, manifest)
        cache = {config.data_dir / rel: h for rel, h in raw_hashes.items()}
        hashes: dict[Path, str] = {}
        view_config = dataclasses.replace(config, processed_dir=processed_now)
        view_config.package_hash, view_config.scheme = config.package_hash, config.scheme
        # One unit per section and edition: the same inputs, its own parameters (lang, output_dir), its own cache
        # key, outputs and state entry.
        todo: list[tuple[Section, str, str, dict]] = []
        carried: dict[str, dict] = {}
        units = [(section, lang) for section in config.sections for lang in LANGS]
        for section, lang in units:
            unit = unit_id(section.name, lang)
            entry = state["sections"].get(unit)
            intact = entry is not None and _intact(config, entry, hashes)
            if section not in selected or lang not in config.langs:
                if intact:
                    carried[unit] = entry
                elif entry is not None:
                    result.dropped.append(unit)
                    progress.line("!", unit, note="its outputs differ from the record: left out of the "
                                  "new set (build it again)")
                continue
            inputs = section_inputs(view_config, section, manifest, processed, cache)
            key = sha256_json({"inputs": inputs, "parameters": edition_parameters(config, params, lang)})
            if not config.force and intact and entry.get("key") == key:
                carried[unit] = entry
                result.up_to_date.append(unit)
                progress.line("·", unit, note="up to date")
            else:
                todo.append((section, lang, key, inputs))
                if entry is not None and entry.get("key") == key and not config.force:
                    progress.line("!", unit, note="outputs missing or changed since its build: again")

        executed = self._execute(todo, params, processed_now, state)
        if self.failed:
            raise BuildError("\n".join(f.message() for f in self.failed))

        # The new set: executed units from the staging area, the others as they are.
        for section, lang in units:
            unit = unit_id(section.name, lang)
            if unit in executed:
                new_state["sections"][unit] = executed[unit]
            elif unit in carried:
                new_state["sections"][unit] = carried[unit]
        from vstudy.build.website import SetView

        view = SetView(config.output_dir, config.build_dir / "set", processed_now, token=self.token)
        moves = self._assemble(new_state, view, executed)
        if staged_processed is not None:
            moves.insert(0, {"staged": str(staged_processed), "target": str(config.processed_dir)})
        moves += self._site(new_state, view, state)
        if config.build_dir.joinpath("failed").is_dir():
            moves.append({"staged": str(config.build_dir / "failed"), "target": str(config.failed_dir)})
        elif config.failed_dir.exists():
            moves.append({"staged": None, "target": str(config.failed_dir)})
        # Only what the previous builds recorded writing is replaced: every other file of a folder that is put
        # in place (or removed) is linked into its replacement first.
        new_state["written"] = self._keep_user_files(moves)

        if moves or new_state != state:
            self.runner.close()  # every process of the build has ended before its outputs are put in place
            start = time.perf_counter()
            with _signals_deferred():
                _commit(config, self.token, moves, new_state)
                result.committed = True
            if moves:
                progress.line("✓", "outputs put in place", time.perf_counter() - start,
                              f"{len(moves)} folder(s) of {config.rel(config.output_dir)}")
        if result.missing:  # the rest was built and rendered, but the study is incomplete
            result.exit_code = EXIT_FAILED
            result.message = (result.message + "\n" if result.message else "") + (
                "section notebooks not found: " + ", ".join(result.missing))

    def _read_state(self) -> dict:
        """The previous build's state and the files it recorded writing (``self.recorded``)."""
        config = self.config
        try:
            state = load_state(config.state_path)
            existed = config.state_path.exists()
        except CorruptState as exc:
            if not config.force:
                raise UsageError(f"{config.rel(config.state_path)} is damaged ({exc}): the build cannot tell the "
                                 "files it wrote from yours, so nothing was done. Run again with --force to rebuild "
                                 "the outputs (files at paths vstudy does not write are kept)") from None
            self.progress.line("!", "state", note=f"{config.rel(config.state_path)} is damaged: rebuilding (--force)")
            state, existed = empty_state(), False
            self.replace_unrecorded = True
        self.state = state
        self.recorded = _recorded_files(config, state, existed)
        return state

    def _export_workbook(self) -> None:
        """Copy the workbook into the build's staging folder and export that copy there as the dataset directory
        (``config.data_dir``): after the lock, never through a link, nothing beside the workbook."""
        config = self.config
        copy = config.workbook_copy
        assert copy is not None and config.workbook is not None
        if not config.workbook.is_file():
            raise UsageError(f"--data {config.rel(config.workbook)}: no such workbook")
        start = time.perf_counter()
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(config.workbook, copy)
        from vstudy.data import workbook

        try:
            workbook.to_directory(copy, config.data_dir)
        except OSError:
            raise
        except Exception as exc:  # an unreadable workbook: its problems name the sheet and cell
            raise BuildError(f"the workbook {config.rel(config.workbook)} cannot be read, nothing was built: "
                             f"{exc}") from None
        self.progress.line("✓", "workbook read", time.perf_counter() - start,
                           f"{config.rel(config.workbook)}, exported into the build's staging folder")

    def _keep_user_files(self, moves: list[dict]) -> list[str]:
        """Keep every file the previous builds did not record writing: link it into the folder that replaces its
        folder (a folder to be removed becomes one that holds only such files). Returns the new record: what the
        tree holds of vstudy's once the moves are done."""
        config = self.config
        recorded = self.recorded or set()
        written = set(recorded)
        for move in moves:
            target = Path(move["target"])
            if target == config.processed_dir:
                continue  # the processed layer keeps its own record (its marker, see _prepare)
            top = target.relative_to(config.output_dir).as_posix()
            written = {w for w in written if w != top and not w.startswith(top + "/")}
            staged = Path(move["staged"]) if move["staged"] else None
            mine = [f"{top}/{rel}" for rel in owned.walk(staged)] if staged else []
            if target.is_symlink() or (target.exists() and not target.is_dir()):
                if top not in recorded and not self.replace_unrecorded:
                    raise owned.Conflict(f"{config.rel(target)} was not written by vstudy, and the new outputs put "
                                         "a folder there: move it away (nothing was changed), or run again with "
                                         "--force to replace it")
            elif target.is_dir():
                if staged is None and any(f"{top}/{rel}" not in recorded for rel in owned.walk(target)):
                    staged = config.build_dir / "keep" / top
                    staged.mkdir(parents=True, exist_ok=True)
                    move["staged"] = str(staged)
                if staged is not None:
                    owned.carry_over(target, staged, recorded, prefix=f"{top}/", replace=self.replace_unrecorded,
                                     show=config.rel)
            written |= set(mine)
        return sorted(written)

    def _prepare(self, state: dict, new_state: dict, raw_hashes: dict[str, str], n_sections: int) -> Path | None:
        """Validate and process when out of date, into the staging folder; return it (None: up to date)."""
        config, progress = self.config, self.progress
        key = sha256_json({"raw": raw_hashes, "scheme": config.scheme, "package": config.package_hash,
                           "processed_dir": config.public(config.processed_dir),
                           "workbook": sha256_file(config.workbook_copy) if config.workbook_copy else None})
        recorded = state["data"]
        if not config.force and recorded.get("key") == key and recorded.get("processed") == hash_tree(
                config.processed_dir) and config.processed_dir.is_dir():
            progress.line("·", "validate + process", note="up to date")
            return None
        self.runner.prestart(min(config.jobs, n_sections))  # they import papermill while the data step runs
        start = time.perf_counter()
        target = config.processed_stage_root / config.processed_dir.name
        config.processed_stage_root.mkdir(parents=True, exist_ok=True)
        prepare = config.prepare or _default_prepare
        staged_config = dataclasses.replace(config, processed_dir=target)
        staged_config.scheme, staged_config.package_hash = config.scheme, config.package_hash
        try:
            prepare(staged_config)
        except (BuildError, OSError):
            raise
        except Exception as exc:  # invalid data, unreadable file …: the message names it
            raise BuildError(f"validate/process failed: {type(exc).__name__}: {exc}") from exc
        target.mkdir(parents=True, exist_ok=True)  # a prepare step may write nothing
        os.chmod(target, atomic.dir_mode())
        written = set(owned.walk(target)) - {owned.LAYER_MARKER}
        # The files of the current layer vstudy did not write (``.gitkeep`` of the committed data/processed, a
        # user's file) stay in the new one.
        if config.processed_dir.is_dir():
            owned.carry_over(config.processed_dir, target, owned.layer_written(config.processed_dir) or set(),
                             replace=self.replace_unrecorded, show=config.rel)
        atomic.write_text_atomic(target / owned.LAYER_MARKER, owned.layer_marker(config.dataset_id(), written))
        new_state["data"] = {"key": key, "processed": hash_tree(target)}
        self.result.prepared = True
        progress.line("✓", "validate + process", time.perf_counter() - start)
        return target

    def _execute(self, todo: list[tuple[Section, str, str, dict]], params: dict, processed_now: Path,
                 state: dict) -> dict[str, dict]:
        """Execute the out-of-date units (a section in one edition), longest first, both editions in the one pool;
        return the new state entries of those that ran, by unit id."""
        config, result, progress = self.config, self.result, self.progress
        executed: dict[str, dict] = {}
        if not todo:
            return executed
        # Longest first (measured by the last run, else the section's hint): a long notebook started last would
        # leave the other cores idle. The two editions of a section take about as long; the sort is stable.
        todo.sort(key=lambda t: -float(state["sections"].get(unit_id(t[0].name, t[1]), {}).get("seconds")
                                       or t[0].expected_seconds))
        jobs = min(config.jobs, len(todo))
        progress.echo(f"executing {len(todo)} notebook(s) with {jobs} job(s)")
        runs = {}
        for section, lang, key, inputs in todo:
            public = edition_parameters(config, params, lang)
            out_dir = config.build_dir / "out" / lang / section.name
            private = dict(public, output_dir=config.real(out_dir), processed_dir=config.real(processed_now),
                           data_dir=config.real(config.data_dir))
            replace = [(str(out_dir), public["output_dir"]), (config.real(out_dir), public["output_dir"]),
                       (str(processed_now), public["processed_dir"]),
                       (config.real(processed_now), public["processed_dir"]),
                       (str(config.data_dir), public["data_dir"]), (config.real(config.data_dir), public["data_dir"]),
                       (str(config.output_dir), config.public(config.output_dir)),
                       (str(config.processed_dir), public["processed_dir"]),
                       (str(config.source), public["data_dir"]), (str(config.root) + "/", "")]
            runs[unit_id(section.name, lang)] = (section, lang, key, inputs, out_dir, private, public, replace)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(self.runner.run_one, section, lang, private, public, out_dir, replace): unit
                       for unit, (section, lang, _, _, out_dir, private, public, replace) in runs.items()}
            try:
                for future in as_completed(futures):
                    unit = futures[future]
                    section, lang, key, inputs, out_dir, _, public, _ = runs[unit]
                    status, seconds, failure, notebook = future.result()
                    if status == "executed":
                        assert notebook is not None
                        outputs = _section_outputs(section, out_dir) if out_dir.is_dir() else {}
                        executed[unit] = {
                            "section": section.name, "lang": lang,
                            "key": key, "inputs": inputs, "parameters": public,
                            "notebook": f"{lang}/notebooks/{section.name}.ipynb",
                            "notebook_sha256": sha256_file(notebook),
                            "outputs": {f"{lang}/{rel}": digest for rel, digest in sorted(outputs.items())},
                            "seconds": round(seconds, 2),
                            "executed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        }
                        result.executed.append(unit)
                        progress.line("✓", unit, seconds)
                    elif status == "failed":
                        assert failure is not None
                        self.failed.append(failure)
                        result.failures.append(failure)
                        progress.line("✗", unit, seconds, "FAILED")
                    else:
                        result.cancelled.append(unit)
                        progress.line("-", unit, note="not run (an earlier notebook failed)")
            except BaseException:
                self.runner.kill_all()
                for f in futures:
                    f.cancel()
                raise
        return executed

    def _assemble(self, new_state: dict, view: SetView, executed: dict[str, dict]) -> list[dict]:
        """Stage every folder of the tree whose files change (hard links to the files kept); return the moves."""
        config = self.config
        wanted: dict[str, dict[str, tuple[Path, str]]] = {}  # top folder → rel → (source file, sha256)
        for unit, entry in new_state["sections"].items():
            fresh = unit in executed
            files = dict(entry["outputs"])
            files[entry["notebook"]] = entry["notebook_sha256"]
            for rel, digest in files.items():
                if fresh:  # the notebook at .build/<lang>/notebooks/, the rest in .build/out/<lang>/<section>/
                    lang, own = rel.split("/", 1)
                    source = (config.build_dir / rel if rel == entry["notebook"]
                              else config.build_dir / "out" / lang / entry["section"] / own)
                else:
                    source = config.output_dir / rel
                top = rel.split("/", 1)[0]
                if rel in wanted.get(top, {}):
                    raise BuildError(f"{rel} is written by two sections ({unit} and another): rename one")
                wanted.setdefault(top, {})[rel] = (source, digest)
        # The editions' folders, and the folders of the one-edition layout before them (removed when found).
        managed = set(wanted) | set(LANGS) | {"notebooks", "tables", "figures"}
        for entry in (self.state or {}).get("sections", {}).values():
            managed |= {rel.split("/", 1)[0] for rel in entry.get("outputs", {})}
        recorded = self.recorded or set()
        moves = []
        for top in sorted(managed - {"site", "site-src", "failed", "processed", owned.TREE_MARKER}):
            files = wanted.get(top, {})
            # What the previous builds wrote there (a file of the user's is no reason to stage the folder again).
            current = {rel: digest for rel, digest in _tree_files(config.output_dir, top).items() if rel in recorded}
            if {rel: digest for rel, (_, digest) in files.items()} == current:
                continue
            if not files:
                if (config.output_dir / top).exists():
                    moves.append({"staged": None, "target": str(config.output_dir / top)})
                continue
            staged = view.stage / top
            for rel, (source, _) in sorted(files.items()):
                _link(source, view.stage / rel)
            view.staged.add(top)
            moves.append({"staged": str(staged), "target": str(config.output_dir / top)})
        return moves

    def _site(self, new_state: dict, view: SetView, state: dict) -> list[dict]:
        """Render the site of the new set when it is out of date; remove a site that would show another set."""
        from vstudy.build import website

        config, result, progress = self.config, self.result, self.progress
        key = website.site_key(config, new_state)
        site, src = config.output_dir / "site", config.output_dir / "site-src"
        recorded = state["site"]
        intact = (recorded.get("key") == key and site.is_dir() and hash_tree(site) == recorded.get("files")
                  and hash_tree(src) == recorded.get("src_files"))
        if intact and not config.force:
            if config.render:
                result.render = RenderOutcome("skipped")
                progress.line("·", "render (quarto)", note="up to date")
            return []
        moves: list[dict] = []
        src_intact = (recorded.get("src_key") == key and src.is_dir() and hash_tree(src) == recorded.get("src_files"))
        if config.render and src_intact and not config.force and website.quarto_path() is None:
            result.render = RenderOutcome("no-quarto")
            new_state["site"] = dict(recorded)
        elif config.render:
            renderer = config.renderer or website.render_site
            view.watchdog = self.runner.watchdog_fd()  # Quarto ends with the build too
            outcome = renderer(config, new_state, view)
            result.render = outcome
            if outcome.status == "failed":
                raise BuildError(f"quarto render failed; the previous outputs are unchanged\n{outcome.message}")
            staged_src, staged_site = view.stage / "site-src", view.stage / "site"
            if staged_src.is_dir():
                moves.append({"staged": str(staged_src), "target": str(src)})
            if outcome.status == "rendered":
                moves.append({"staged": str(staged_site), "target": str(site)})
                new_state["site"] = {"key": key, "src_key": key, "files": hash_tree(staged_site),
                                     "src_files": hash_tree(staged_src), "quarto": outcome.message or "",
                                     "editions": outcome.record}
                shown = ", ".join(outcome.pages[:8]) + (" …" if len(outcome.pages) > 8 else "")
                progress.line("✓", "render (quarto)", outcome.seconds,
                              f"{len(outcome.pages)} page(s): {shown}" if outcome.pages else "no page changed")
                return moves
            new_state["site"] = {"src_key": key, "src_files": hash_tree(staged_src) if staged_src.is_dir() else {},
                                 "editions": recorded.get("editions", {})}
        else:
            new_state["site"] = {}
            if src.exists():
                moves.append({"staged": None, "target": str(src)})
        if config.render:
            progress.line("!", "render (quarto)", note="skipped: quarto not on PATH")
            result.exit_code = EXIT_NO_QUARTO
            result.message = QUARTO_HELP.format(notebooks=config.notebooks_note())
        if site.exists():  # it shows an earlier set: no site rather than a wrong one
            moves.append({"staged": None, "target": str(site)})
            progress.line("!", "site", note="removed: it showed an earlier build (render to make it again)")
        return moves


def _summary(config: BuildConfig, result: BuildResult) -> None:
    parts = [f"{len(result.executed)} executed", f"{len(result.up_to_date)} up to date"]
    if result.failures:
        parts.append(f"{len(result.failures)} failed")
    if result.cancelled:
        parts.append(f"{len(result.cancelled)} not run")
    if result.missing:
        parts.append(f"{len(result.missing)} missing")
    if result.dropped:
        parts.append(f"{len(result.dropped)} dropped")
    if result.render is not None:
        parts.append(f"render: {result.render.status}")
    config.echo(f"{'done' if result.exit_code in (0, 3) else 'stopped'} in {result.seconds:.1f} s: "
                + ", ".join(parts))
    if result.message:
        stream = sys.stderr if result.exit_code else sys.stdout
        print(result.message.rstrip(), file=stream)


# --------------------------------------------------------------------------------------------------------------
# Command line


def add_commands(subparsers) -> None:
    p = subparsers.add_parser(
        "build",
        help="rebuild the study: validate, process, execute the section notebooks, render the site and PDF",
        description=__doc__.split("\n\n")[0] + " Only out-of-date steps run. Outputs go to the dataset's own "
        "output tree (data/raw: data/processed and reports/; another DIR: builds/<name of DIR>/). Exit codes: "
        "0 built; 1 a step failed; 2 usage; 3 built but Quarto is missing, nothing rendered; 4 another build "
        "holds the output tree; 130 interrupted.",
    )
    p.add_argument("--data", type=Path, default=None, metavar="DIR",
                   help="study dataset: a directory, or a filled template workbook .xlsx (default data/raw)")
    p.add_argument("--processed", type=Path, default=None, metavar="DIR",
                   help="processed layer (default: data/processed for data/raw, else builds/<name>/processed)")
    p.add_argument("--output", type=Path, default=None, metavar="DIR",
                   help="output tree (default: reports for data/raw, else builds/<name of the dataset folder>)")
    p.add_argument("--scheme", choices=sorted(SCHEMES), default=None,
                   help="regional scheme (default: the dataset manifest's)")
    p.add_argument("--only", nargs="+", default=(), metavar="SECTION",
                   help="execute only these sections (number, slug or full name)")
    p.add_argument("--lang", nargs="+", choices=LANGS, default=None, metavar="LANG",
                   help=f"build only these editions ({', '.join(LANGS)}; default: all); the others stay as built")
    p.add_argument("--force", action="store_true", help="run every step even when up to date")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="notebooks executed at once (default: number of cores)")
    p.add_argument("--no-render", action="store_true", help="stop after executing the notebooks")
    p.add_argument("--wait", action="store_true",
                   help="if another build holds the output tree, wait for it (default: stop with exit code 4)")
    p.set_defaults(func=_cmd_build)


def _cmd_build(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        print("vstudy build: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    config = BuildConfig(
        data_dir=args.data, processed_dir=args.processed, output_dir=args.output, scheme=args.scheme,
        only=tuple(args.only), langs=tuple(args.lang or LANGS), force=args.force, jobs=args.jobs,
        render=not args.no_render, wait=args.wait,
        echo=lambda s: print(s, flush=True),
    )
    if config.workbook is not None and not config.workbook.is_file():
        print(f"vstudy build: --data {config.rel(config.workbook)}: no such workbook", file=sys.stderr)
        return EXIT_USAGE
    if config.workbook is None and not config.data_dir.is_dir():
        print(f"vstudy build: no dataset directory {config.rel(config.data_dir)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        _selected(config)
    except BuildError as exc:
        print(f"vstudy build: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with terminate_as_interrupt():
        return build(config).exit_code


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM handled like Ctrl-C while the block runs: the build stops its processes and keeps the previous
    outputs (used by the command line; a script that runs :func:`build` may use it too)."""
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
