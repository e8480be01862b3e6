"""``vstudy build``: validate → process → execute the section notebooks → render the website and the study PDF.

One command rebuilds the study, and only what changed:

* **validate + process** (``vstudy.data.datasets``) re-run when a raw file, the scheme or the package changed;
* **a section notebook** re-executes when its source, its parameters, the processed tables it reads
  (``Section.tables``), the raw tables it still reads directly (``Section.raw_tables`` through the manifest), or
  the ``vstudy`` package source changed;
* **the render** (``quarto render`` of the staged site, see :mod:`vstudy.build.website`) runs when an executed
  notebook, a page template, the data or the commit changed.

Each decision compares sha256 content hashes with the state file ``<output>/.vstudy-state.json``, so a no-op
rebuild reads files and hashes them, nothing more (no papermill, no kernels). Quarto's own ``freeze`` is not
used: it does not see data changes, the pipeline owns invalidation.

Safety: notebooks execute into ``<output>/.tmp/`` and replace ``<output>/notebooks/<name>.ipynb`` by one rename
only on success; a failing notebook is kept at ``<output>/failed/<name>.ipynb``; the site renders into the
staging folder and is swapped into ``<output>/site`` afterwards; the state file is written atomically and only
after the outputs it describes are in place. An interrupt or a kill therefore leaves the previous outputs valid.

Exit codes: 0 built (and rendered, or ``--no-render``); 1 a step failed (invalid data, a notebook raised, the
render failed); 2 usage error; 3 everything up to the render was built but Quarto is not on PATH, so the site
and the PDF were not rendered; 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from vstudy.build.quarto import QUARTO_HELP, RenderOutcome  # noqa: F401  (re-exported for the command line)
from vstudy.build.sections import SECTIONS, Section, by_name
from vstudy.build.state import (  # noqa: F401
    STATE_VERSION,
    files_under,
    hash_tree,
    load_state,
    package_hash,
    save_state,
    sha256_file,
    sha256_json,
)
from vstudy.data import paths
from vstudy.vocab import SCHEMES

STATE_NAME = ".vstudy-state.json"
KERNEL = "python3"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NO_QUARTO = 3
EXIT_INTERRUPTED = 130



# --------------------------------------------------------------------------------------------------------------
# Configuration and results


@dataclass
class BuildConfig:
    """Everything a build needs. Paths are made absolute in ``__post_init__``."""

    root: Path = field(default_factory=paths.repo_root)
    data_dir: Path | None = None
    processed_dir: Path | None = None
    output_dir: Path | None = None
    scheme: str | None = None  # None = the manifest's scheme (kz2021 without a manifest)
    only: Sequence[str] = ()
    force: bool = False
    jobs: int | None = None
    render: bool = True
    sections: Sequence[Section] = SECTIONS
    # Run validation and the processed layer; None = vstudy.data.datasets (tests pass a no-op).
    prepare: Callable[[BuildConfig], list[Path]] | None = None
    # Generate the pages and run Quarto; None = vstudy.build.website (tests may pass their own).
    renderer: Callable[[BuildConfig, dict], RenderOutcome] | None = None
    extra_parameters: dict = field(default_factory=dict)
    # Hash of the vstudy package source; None = computed at build time (tests fix it: others edit the package).
    package_hash: str | None = None
    echo: Callable[[str], None] = print

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.data_dir = Path(self.data_dir or self.root / "data" / "raw").resolve()
        self.processed_dir = Path(self.processed_dir or self.root / "data" / "processed").resolve()
        self.output_dir = Path(self.output_dir or self.root / "reports").resolve()
        self.jobs = max(1, int(self.jobs or os.cpu_count() or 1))

    @property
    def notebooks_dir(self) -> Path:
        return self.output_dir / "notebooks"

    @property
    def failed_dir(self) -> Path:
        return self.output_dir / "failed"

    @property
    def tmp_dir(self) -> Path:
        return self.output_dir / ".tmp"

    @property
    def state_path(self) -> Path:
        return self.output_dir / STATE_NAME

    def executed_path(self, section: Section) -> Path:
        return self.notebooks_dir / f"{section.name}.ipynb"

    def source_path(self, section: Section) -> Path:
        return self.root / section.notebook


@dataclass
class NotebookFailure:
    section: str
    cell_index: int | None
    first_line: str
    ename: str
    evalue: str
    partial: Path | None

    def message(self) -> str:
        cell = "cell ?" if self.cell_index is None else f"cell {self.cell_index}"
        where = f" ({self.first_line!r})" if self.first_line else ""
        kept = f"\n  partial notebook kept at {self.partial}" if self.partial else ""
        return f"section {self.section} failed in {cell}{where}: {self.ename}: {self.evalue}{kept}"


@dataclass
class BuildResult:
    """What a build did; tests assert on this rather than on timings."""

    exit_code: int = EXIT_OK
    prepared: bool = False
    executed: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    failures: list[NotebookFailure] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # sections whose source notebook does not exist
    render: RenderOutcome | None = None
    seconds: float = 0.0
    message: str = ""


class BuildError(Exception):
    """A step failed; the message is what the user reads."""


# --------------------------------------------------------------------------------------------------------------
# The dataset manifest: table names → files, period


def read_manifest(data_dir: Path) -> dict:
    """Tables (name → file) and period of a study dataset.

    Reads ``<data_dir>/manifest.yml`` when present; accepts ``tables`` as a mapping (name → path or
    ``{path|file: …}``) or a list of ``{name, path|file}``. Only without a manifest (a directory that
    ``vstudy validate`` would refuse) is every CSV below ``data_dir`` a table named by its file stem.
    """
    tables: dict[str, Path] = {}
    manifest_path = data_dir / "manifest.yml"
    info: dict = {"period": None, "scheme": None}
    if not manifest_path.exists():
        tables = {p.stem: p for p in files_under(data_dir) if p.suffix == ".csv"}
    else:
        import yaml

        raw = yaml.safe_load(manifest_path.read_text(encoding="utf-8")) or {}
        period = raw.get("period")
        info["period"] = period.get("label") if isinstance(period, dict) else period
        info["scheme"] = raw.get("scheme")
        declared = raw.get("tables") or {}
        items: list[tuple[str, object]]
        if isinstance(declared, dict):
            items = list(declared.items())
        else:
            items = [(d.get("name") or Path(str(d.get("path") or d.get("file"))).stem, d) for d in declared]
        for name, spec in items:
            rel = spec.get("path") or spec.get("file") if isinstance(spec, dict) else spec
            if rel:
                tables[str(name)] = (data_dir / str(rel)).resolve()
    info["tables"] = tables
    return info


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
    from vstudy.build.sections import PARAMETER_DEFAULTS

    params = dict(PARAMETER_DEFAULTS)
    params.update(
        data_dir=str(config.data_dir),
        processed_dir=str(config.processed_dir),
        scheme=config.scheme,
        period=manifest.get("period") or PARAMETER_DEFAULTS["period"],
        output_dir=str(config.output_dir),
    )
    params.update(config.extra_parameters)
    return params


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

    Invalid data stop the build with every error listed (FILE:LINE column value [rule] message); the processed
    layer is then left as it was.
    """
    from vstudy.data import datasets, processed  # heavy (pandas, pyarrow): only when the data step runs

    try:
        return processed.prepare_for_build(config.data_dir, config.processed_dir, config.scheme)
    except datasets.InvalidDataset as exc:
        errors = [p.format() for p in exc.dataset.errors]
        shown = "\n  ".join(errors[:40]) + (f"\n  … and {len(errors) - 40} more" if len(errors) > 40 else "")
        raise BuildError(f"invalid dataset {config.data_dir} ({len(errors)} error(s); "
                         f"`vstudy validate --data {config.data_dir}` lists them all):\n  {shown}") from exc


def _run_prepare(config: BuildConfig, state: dict, raw_hashes: dict[str, str], progress: _Progress,
                 result: BuildResult, before: Callable[[], None] = lambda: None) -> None:
    """Validate and process when out of date; ``before`` runs first when it must (the runner starts its workers
    then, so that they import papermill on the other cores while the data step runs)."""
    key = sha256_json({"raw": raw_hashes, "scheme": config.scheme, "package": config.package_hash,
                       "processed_dir": str(config.processed_dir)})
    recorded = state["data"]
    current = hash_tree(config.processed_dir)
    if not config.force and recorded.get("key") == key and recorded.get("processed") == current:
        progress.line("·", "validate + process", note="up to date")
        return
    before()
    start = time.perf_counter()
    prepare = config.prepare or _default_prepare
    try:
        prepare(config)
    except BuildError:
        raise
    except Exception as exc:  # invalid data, unreadable file …: the message names it
        raise BuildError(f"validate/process failed: {type(exc).__name__}: {exc}") from exc
    state["data"] = {"key": key, "processed": hash_tree(config.processed_dir)}
    result.prepared = True
    progress.line("✓", "validate + process", time.perf_counter() - start)


class _Worker:
    """One ``python -m vstudy.build.worker --serve`` process: papermill is imported once, notebooks run one at a time.

    Its stderr (and its kernels' output) goes to a log file; the part written while a notebook ran is what a
    failure report quotes when the worker died without writing error details.
    """

    def __init__(self, config: BuildConfig) -> None:
        config.tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, log = tempfile.mkstemp(prefix="worker.", suffix=".log", dir=config.tmp_dir)
        self.log_path = Path(log)
        env = dict(os.environ, VSTUDY_ROOT=str(config.root), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vstudy.build.worker", "--serve"], cwd=config.root, env=env, start_new_session=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=fd, text=True, encoding="utf-8", bufsize=1,
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

    def close(self, timeout: float = 10) -> None:
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin:
                self.proc.stdin.close()  # end of input: the worker exits after its current notebook
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """Stop the worker (its process group). Its kernel, in a session of its own, exits when it sees its
        parent gone."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=5)
                return
            except subprocess.TimeoutExpired:
                continue


class _Runner:
    """Runs notebooks on at most ``jobs`` worker processes (one per pool thread, reused for its next notebook);
    stops starting new ones after a failure."""

    def __init__(self, config: BuildConfig, progress: _Progress) -> None:
        self.config = config
        self.progress = progress
        self.stop = threading.Event()
        self.workers: list[_Worker] = []
        self.idle: list[_Worker] = []  # started ahead of need, not yet taken by a pool thread
        self.local = threading.local()
        self.lock = threading.Lock()

    def prestart(self, count: int) -> None:
        """Start ``count`` workers now; pool threads take them before starting new ones."""
        with self.lock:
            for _ in range(count):
                worker = _Worker(self.config)
                self.workers.append(worker)
                self.idle.append(worker)

    def _worker(self) -> _Worker | None:
        """This thread's worker (a prestarted one, or a new one); None once the build is stopping."""
        with self.lock:
            if self.stop.is_set():
                return None
            worker = getattr(self.local, "worker", None)
            if worker is None or not worker.alive():
                worker = self.idle.pop() if self.idle else None
                if worker is None or not worker.alive():
                    worker = _Worker(self.config)
                    self.workers.append(worker)
                self.local.worker = worker
            return worker

    def run_one(self, section: Section, parameters: dict) -> tuple[str, float, NotebookFailure | None]:
        if self.stop.is_set():
            return "cancelled", 0.0, None
        config = self.config
        config.tmp_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{section.name}.", dir=config.tmp_dir))
        out = work / f"{section.name}.ipynb"
        spec = {
            "input": str(config.source_path(section)), "output": str(out), "cwd": str(config.root),
            "kernel": KERNEL, "parameters": parameters, "error_path": str(work / "error.json"),
        }
        (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        start = time.perf_counter()
        try:
            worker = self._worker()
            if worker is None:
                return "cancelled", 0.0, None
            status, log = worker.run(work / "spec.json")
            seconds = time.perf_counter() - start
            if self.stop.is_set() and status != 0:
                return "cancelled", seconds, None
            if status == 0 and out.exists():
                target = config.executed_path(section)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(out, target)  # the previous good notebook is replaced only now, in one rename
                with contextlib.suppress(FileNotFoundError):
                    (config.failed_dir / target.name).unlink()
                return "executed", seconds, None
            died = None if status is not None else worker.death()
            failure = self._failure(section, work, out, log, died)
            self.stop.set()
            return "failed", seconds, failure
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _failure(self, section: Section, work: Path, out: Path, log: bytes | None,
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
            partial = self.config.failed_dir / f"{section.name}.ipynb"
            partial.parent.mkdir(parents=True, exist_ok=True)
            os.replace(out, partial)
        return NotebookFailure(
            section=section.name, cell_index=details.get("source_cell_index"),
            first_line=details.get("first_line", ""), ename=details.get("ename", "Error"),
            evalue=details.get("evalue", ""), partial=partial,
        )

    def close(self) -> None:
        """Let idle workers exit (end of input); used when every notebook has finished."""
        with self.lock:
            workers, self.workers, self.idle = list(self.workers), [], []
        for worker in workers:
            worker.close()

    def kill_all(self) -> None:
        """Stop every worker we started, mid-notebook or idle."""
        self.stop.set()
        with self.lock:
            workers, self.workers, self.idle = list(self.workers), [], []
        for worker in workers:
            worker.kill()


def _selected(config: BuildConfig) -> list[Section]:
    if not config.only:
        return list(config.sections)
    try:
        chosen = {by_name(name, config.sections).name for name in config.only}
    except KeyError as exc:
        raise BuildError(exc.args[0]) from None
    return [s for s in config.sections if s.name in chosen]


def _recover_site(output_dir: Path) -> None:
    """Finish a site swap that a kill interrupted between its two renames."""
    site, old = output_dir / "site", output_dir / ".site-old"
    if old.exists() and not site.exists():
        os.replace(old, site)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)


def build(config: BuildConfig) -> BuildResult:
    """Run the study's steps that are out of date; see the module docstring for the rules."""
    start = time.perf_counter()
    result = BuildResult()
    progress = _Progress(config.echo)
    config.output_dir.mkdir(parents=True, exist_ok=True)
    _recover_site(config.output_dir)
    state = load_state(config.state_path)
    config.package_hash = config.package_hash or package_hash()
    runner = _Runner(config, progress)
    try:
        selected = _selected(config)
        for section in selected:
            if not config.source_path(section).exists():
                result.missing.append(section.name)
                progress.line("!", section.name, note=f"notebook missing: {section.notebook}")
        selected = [s for s in selected if s.name not in result.missing]

        # Validate + process.
        manifest = read_manifest(config.data_dir)
        config.scheme = config.scheme or manifest.get("scheme") or "kz2021"
        raw_hashes = hash_tree(config.data_dir)
        _run_prepare(config, state, raw_hashes, progress, result,
                     before=lambda: runner.prestart(min(config.jobs, len(selected))))

        # Decide which notebooks are out of date.
        processed = processed_files(config.processed_dir)
        params = parameters_for(config, manifest)
        cache = {config.data_dir / rel: h for rel, h in raw_hashes.items()}
        todo: list[tuple[Section, str, dict]] = []
        for section in selected:
            inputs = section_inputs(config, section, manifest, processed, cache)
            key = sha256_json({"inputs": inputs, "parameters": params})
            entry = state["sections"].get(section.name, {})
            target = config.executed_path(section)
            fresh = (
                not config.force and entry.get("key") == key and target.exists()
                and entry.get("output_sha256") == sha256_file(target)
            )
            if fresh:
                result.up_to_date.append(section.name)
                progress.line("·", section.name, note="up to date")
            else:
                todo.append((section, key, inputs))

        # Execute, longest first (measured by the last run, else the section's hint) so the parallel run ends
        # sooner: a long notebook started last would leave the other cores idle.
        if todo:
            todo.sort(key=lambda t: -float(state["sections"].get(t[0].name, {}).get("seconds")
                                           or t[0].expected_seconds))
            jobs = min(config.jobs, len(todo))
            progress.echo(f"executing {len(todo)} notebook(s) with {jobs} job(s)")
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(runner.run_one, s, params): (s, key, inputs) for s, key, inputs in todo}
                try:
                    for future in as_completed(futures):
                        section, key, inputs = futures[future]
                        status, seconds, failure = future.result()
                        if status == "executed":
                            state["sections"][section.name] = {
                                "key": key, "inputs": inputs, "parameters": params,
                                "output": str(config.executed_path(section).relative_to(config.output_dir)),
                                "output_sha256": sha256_file(config.executed_path(section)),
                                "seconds": round(seconds, 2),
                                "executed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                            }
                            result.executed.append(section.name)
                            progress.line("✓", section.name, seconds)
                        elif status == "failed":
                            assert failure is not None
                            result.failures.append(failure)
                            progress.line("✗", section.name, seconds, "FAILED")
                        else:
                            result.cancelled.append(section.name)
                            progress.line("-", section.name, note="not run (an earlier notebook failed)")
                except KeyboardInterrupt:
                    runner.kill_all()
                    for f in futures:
                        f.cancel()
                    raise
        save_state(config.state_path, state)  # only now: every output it describes is in place
        if result.failures:
            raise BuildError("\n".join(f.message() for f in result.failures))

        # Render.
        if config.render:
            renderer = config.renderer or _default_renderer
            outcome = renderer(config, state)
            result.render = outcome
            if outcome.status == "rendered":
                progress.line("✓", "render (quarto)", outcome.seconds)
                save_state(config.state_path, state)
            elif outcome.status == "skipped":
                progress.line("·", "render (quarto)", note="up to date")
            elif outcome.status == "no-quarto":
                progress.line("!", "render (quarto)", note="skipped: quarto not on PATH")
                result.exit_code = EXIT_NO_QUARTO
                result.message = outcome.message or QUARTO_HELP.format(notebooks=config.notebooks_dir)
            else:
                raise BuildError(f"quarto render failed; the previous site is unchanged\n{outcome.message}")
        if result.missing:  # the rest was built and rendered, but the study is incomplete
            result.exit_code = EXIT_FAILED
            result.message = (result.message + "\n" if result.message else "") + (
                "section notebooks not found: " + ", ".join(result.missing))
    except BuildError as exc:
        result.exit_code = EXIT_FAILED
        result.message = str(exc)
    except KeyboardInterrupt:
        runner.kill_all()
        result.exit_code = EXIT_INTERRUPTED
        result.message = "interrupted: the previous outputs are unchanged"
    finally:
        runner.close()
        shutil.rmtree(config.tmp_dir, ignore_errors=True)
    result.seconds = time.perf_counter() - start
    _summary(config, result)
    return result


def _default_renderer(config: BuildConfig, state: dict) -> RenderOutcome:
    from vstudy.build import website

    return website.render_site(config, state)


def _summary(config: BuildConfig, result: BuildResult) -> None:
    parts = [f"{len(result.executed)} executed", f"{len(result.up_to_date)} up to date"]
    if result.failures:
        parts.append(f"{len(result.failures)} failed")
    if result.cancelled:
        parts.append(f"{len(result.cancelled)} not run")
    if result.missing:
        parts.append(f"{len(result.missing)} missing")
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
        description=__doc__.split("\n\n")[0] + " Only out-of-date steps run. Exit codes: 0 built; 1 a step "
        "failed; 2 usage; 3 built but Quarto is missing, nothing rendered; 130 interrupted.",
    )
    p.add_argument("--data", type=Path, default=None, metavar="DIR", help="study dataset (default data/raw)")
    p.add_argument("--processed", type=Path, default=None, metavar="DIR",
                   help="processed layer (default data/processed)")
    p.add_argument("--output", type=Path, default=None, metavar="DIR", help="outputs (default reports)")
    p.add_argument("--scheme", choices=sorted(SCHEMES), default=None,
                   help="regional scheme (default: the dataset manifest's)")
    p.add_argument("--only", nargs="+", default=(), metavar="SECTION",
                   help="execute only these sections (number, slug or full name)")
    p.add_argument("--force", action="store_true", help="run every step even when up to date")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="notebooks executed at once (default: number of cores)")
    p.add_argument("--no-render", action="store_true", help="stop after executing the notebooks")
    p.set_defaults(func=_cmd_build)


def _cmd_build(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        print("vstudy build: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    config = BuildConfig(
        data_dir=args.data, processed_dir=args.processed, output_dir=args.output, scheme=args.scheme,
        only=tuple(args.only), force=args.force, jobs=args.jobs, render=not args.no_render,
        echo=lambda s: print(s, flush=True),
    )
    if not config.data_dir.is_dir():
        print(f"vstudy build: no dataset directory {config.data_dir}", file=sys.stderr)
        return EXIT_USAGE
    try:
        _selected(config)
    except BuildError as exc:
        print(f"vstudy build: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # A kill (SIGTERM) is handled like Ctrl-C: stop the workers and their kernels, keep the previous outputs.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return build(config).exit_code
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
