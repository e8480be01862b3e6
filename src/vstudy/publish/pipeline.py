"""``vstudy build``: validate → process → execute the section notebooks → render the website and the study PDF.

One command rebuilds the study, and only what changed:

* **validate + process** (``vstudy.data.datasets``) re-run when a raw file, the scheme or the package changed;
* **a section notebook** re-executes when its source, its parameters, the processed tables it reads
  (``Section.tables``), the raw tables it still reads directly (``Section.raw_tables`` through the manifest), or
  the ``vstudy`` package source changed — or when its executed notebook or any table or figure it wrote is
  missing or differs from what the state file recorded;
* **the render** (``quarto render`` of each edition's staged site, see :mod:`vstudy.publish.website`) runs when an
  executed notebook, a page template, the data or the commit changed, or the site differs from its record; it
  renders only the pages whose inputs changed (:mod:`vstudy.publish.incremental`).

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

**Only into folders it owns, and only what it wrote.** Before anything is written the build refuses ``/``, the
home folder, the repository root, the dataset and a non-empty folder that is not a vstudy tree or layer
(:func:`vstudy.publish.commit.check_places`, :mod:`vstudy.data.owned`); inside its tree it replaces only the files
the previous build recorded writing (the state's ``written``), keeping every other file
(:func:`vstudy.publish.commit.keep_user_files`). A damaged state file or journal stops the build (exit code 2) until
``--force``. A workbook dataset is copied into the staging area after the lock and read from there.

**Processes end with the build.** Workers and their kernels carry the build's tag and watch a pipe held by the
build; whatever ends the build ends them (:mod:`vstudy.publish.procs`), and nothing writes after it has exited.

**One build per output tree.** The build holds ``flock`` on ``<output>/.vstudy.lock``; a second build of the same
tree stops at once with exit code 4 and names the build that holds it, or waits with ``--wait``.

The modules: :mod:`vstudy.publish.config` (configuration, parameters, results, errors), :mod:`vstudy.publish.pool`
(the worker processes), :mod:`vstudy.publish.commit` (ownership, journal, commit, recovery) and this one (the
build's steps); the command line is in :mod:`vstudy.cli`.

Exit codes: 0 built (and rendered, or ``--no-render``); 1 a step failed (invalid data, a notebook raised, the
render failed, a folder cannot be written); 2 usage error, a folder the build must not write into, a damaged
state or journal; 3 everything up to the render was built but Quarto is not on PATH, so the site
and the PDF were not rendered; 4 another build holds the output tree; 130 interrupted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING

from vstudy.data import atomic, owned
from vstudy.publish.commit import (  # noqa: F401  (recover: part of the build's interface)
    check_places,
    commit,
    keep_user_files,
    link,
    outputs_intact,
    recorded_files,
    recover,
    section_outputs,
    signals_deferred,
    tree_files,
)
from vstudy.publish.config import (  # noqa: F401  (the build's interface: tests and scripts use pipeline.X)
    BUILD_DIR,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_NO_QUARTO,
    EXIT_OK,
    EXIT_USAGE,
    JOURNAL_NAME,
    KERNEL,
    LOCK_NAME,
    RESERVED,
    STATE_NAME,
    BuildConfig,
    BuildError,
    BuildResult,
    CorruptJournal,
    NotebookFailure,
    UsageError,
    edition_parameters,
    os_error_message,
    parameters_for,
    processed_files,
    read_manifest,
    section_inputs,
    selected_sections,
    unit_id,
)
from vstudy.publish.pool import Runner
from vstudy.publish.quarto import QUARTO_HELP, RenderOutcome
from vstudy.publish.sections import Section
from vstudy.publish.state import (  # noqa: F401
    STATE_VERSION,
    CorruptState,
    empty_state,
    hash_tree,
    load_state,
    package_hash,
    sha256_file,
    sha256_json,
)
from vstudy.vocab import LANGS

if TYPE_CHECKING:
    from vstudy.publish.website import SetView


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
    result.message = config.unmachine(result.message)
    _summary(config, result)
    return result


class _Build:
    """One build under the lock: recover, decide, execute, assemble, render, commit."""

    def __init__(self, config: BuildConfig, result: BuildResult, progress: _Progress) -> None:
        self.config = config
        self.result = result
        self.progress = progress
        self.token = uuid.uuid4().hex[:16]
        self.runner = Runner(config, self.token)
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
                   else "; the new outputs are partly in place: the next vstudy build completes them first"
                   if config.journal_path.exists() else "; the previous outputs are unchanged"))
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
            if not config.journal_path.exists():  # else a commit stopped midway: its staging completes it later
                shutil.rmtree(config.build_dir, ignore_errors=True)
                shutil.rmtree(config.processed_stage_root, ignore_errors=True)

    def _finish_failed(self) -> None:
        """After a failure: only ``failed/`` changes, to hold this build's failed notebooks (or nothing)."""
        self.runner.kill_all()
        if self.state is None or self.recorded is None or self.result.committed or \
                self.config.journal_path.exists():
            return  # stopped before the tree was read, after the set was put in place, or while doing it
        staged = self.config.build_dir / "failed"
        if staged.is_dir():
            moves = [{"staged": str(staged), "target": str(self.config.failed_dir)}]
        elif self.config.failed_dir.exists():
            moves = [{"staged": None, "target": str(self.config.failed_dir)}]
        else:
            return
        state = dict(self.state)
        state["written"] = keep_user_files(self.config, moves, self.recorded or set(), self.replace_unrecorded)
        commit(self.config, self.token, moves, state)

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
        selected = selected_sections(config)
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
            intact = entry is not None and outputs_intact(config, entry, hashes)
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
        from vstudy.publish.website import SetView

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
        new_state["written"] = keep_user_files(self.config, moves, self.recorded or set(), self.replace_unrecorded)

        if moves or new_state != state:
            self.runner.close()  # every process of the build has ended before its outputs are put in place
            start = time.perf_counter()
            with signals_deferred():
                commit(config, self.token, moves, new_state)
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
        self.recorded = recorded_files(config, state, existed)
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

    def _prepare(self, state: dict, new_state: dict, raw_hashes: dict[str, str], n_sections: int) -> Path | None:
        """Validate and process when out of date, into the staging folder; return it (None: up to date)."""
        config, progress = self.config, self.progress
        key = sha256_json({"raw": raw_hashes, "scheme": config.scheme, "package": config.package_hash,
                           "processed_dir": config.public(config.processed_dir),
                           "workbook": sha256_file(config.workbook_copy) if config.workbook_copy else None})
        recorded = state["data"]
        if not config.force and recorded.get("key") == key and config.processed_dir.is_dir() and \
                _as_recorded(config.processed_dir, recorded.get("processed")):
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
        new_state["data"] = {"key": key, "processed": {rel: digest for rel, digest in hash_tree(target).items()
                                                       if rel in written}}
        self.result.prepared = True
        progress.line("✓", "validate + process", time.perf_counter() - start)
        self._say_warnings(target / "validation_findings.csv")
        return target

    def _say_warnings(self, findings: Path) -> None:
        """The warnings validation left that are no known erratum of the source (an undeclared file, a value the
        contract finds implausible): printed with the build's progress as `vstudy validate` prints them
        (:meth:`vstudy.data.problems.Problem.format`), so that a researcher who only builds sees them too. Known
        errata are the study's subject and are not repeated."""
        import csv

        from vstudy.data.problems import problem_from_record

        try:
            with findings.open(encoding="utf-8", newline="") as fh:
                problems = [p for p in map(problem_from_record, csv.DictReader(fh)) if p.erratum is None]
        except OSError:
            return
        if not problems:
            return
        where = self.config.rel(self.config.source)
        self.progress.line("!", "validate + process",
                           note=f"{len(problems)} warning(s); `vstudy validate --data {where}` lists them all")
        for problem in problems[:5]:
            self.config.echo(f"  {problem.format()}")

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
                        outputs = section_outputs(section, out_dir) if out_dir.is_dir() else {}
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
        # The folders of the new set, and those holding files an earlier build recorded (the editions' folders,
        # the one-edition layout's notebooks/, tables/, figures/ of an older tree): any other folder is not vstudy's.
        recorded = self.recorded or set()
        managed = set(wanted) | set(LANGS) | {rel.split("/", 1)[0] for rel in recorded if "/" in rel}
        for entry in (self.state or {}).get("sections", {}).values():
            managed |= {rel.split("/", 1)[0] for rel in entry.get("outputs", {})}
        moves = []
        for top in sorted(managed - {"site", "site-src", "failed", "processed", owned.TREE_MARKER}):
            files = wanted.get(top, {})
            # What the previous builds wrote there (a file of the user's is no reason to stage the folder again).
            current = {rel: digest for rel, digest in tree_files(config.output_dir, top).items() if rel in recorded}
            if {rel: digest for rel, (_, digest) in files.items()} == current:
                continue
            if not files:
                if (config.output_dir / top).exists():
                    moves.append({"staged": None, "target": str(config.output_dir / top)})
                continue
            staged = view.stage / top
            for rel, (source, _) in sorted(files.items()):
                link(source, view.stage / rel)
            view.staged.add(top)
            moves.append({"staged": str(staged), "target": str(config.output_dir / top)})
        return moves

    def _site(self, new_state: dict, view: SetView, state: dict) -> list[dict]:
        """Render the site of the new set when it is out of date; remove a site that would show another set."""
        from vstudy.publish import website

        config, result, progress = self.config, self.result, self.progress
        key = website.site_key(config, new_state)
        site, src = config.output_dir / "site", config.output_dir / "site-src"
        recorded = state["site"]
        intact = (recorded.get("key") == key and site.is_dir() and _as_recorded(site, recorded.get("files"))
                  and _as_recorded(src, recorded.get("src_files")))
        if intact and not config.force:
            if config.render:
                result.render = RenderOutcome("skipped")
                progress.line("·", "render (quarto)", note="up to date")
            return []
        moves: list[dict] = []
        src_intact = (recorded.get("src_key") == key and src.is_dir() and _as_recorded(src, recorded.get("src_files")))
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


def _as_recorded(folder: Path, record: object) -> bool:
    """Every file the build recorded in ``folder`` is there with its hash (files of the user's do not count)."""
    if not isinstance(record, dict):
        return False
    return {rel: digest for rel, digest in hash_tree(folder).items() if rel in record} == record


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
