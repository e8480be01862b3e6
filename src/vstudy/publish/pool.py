"""The build's pool of notebook workers: each ``python -m vstudy.publish.worker --serve`` process imports papermill
once and executes notebooks one after another; every process it starts ends with the build
(:mod:`vstudy.publish.procs`)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from vstudy.publish import procs
from vstudy.publish.config import KERNEL, BuildConfig, NotebookFailure
from vstudy.publish.sections import Section

# The numerical libraries' thread pools (OpenBLAS, OpenMP, MKL) start a thread per core in every kernel. With several
# notebooks at once, those threads compete for the cores the other notebooks use: on 2 cores, two kernels each
# spinning two BLAS threads spent 17.4 CPU s on a build of section 03 where one thread each spent 13.0 s (measured
# December 2026), with the same bytes out. Each kernel gets its share of the cores; a limit the user set is kept.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def blas_threads(jobs: int, environ: Mapping[str, str]) -> dict[str, str]:
    """Thread limits for a worker's kernels: the cores divided by the notebooks run at once (at least one), for each
    variable the user has not set."""
    share = str(max(1, (os.cpu_count() or 1) // max(1, jobs)))
    return {name: share for name in BLAS_THREAD_VARIABLES if not environ.get(name)}


class Worker:
    """One ``python -m vstudy.publish.worker --serve`` process: papermill is imported once, notebooks run one at a time.

    Its stderr (and its kernels' output) goes to a log file; the part written while a notebook ran is what a
    failure report quotes when the worker died without writing error details. It carries the build's tag and
    reads the build's watchdog pipe (:mod:`vstudy.publish.procs`).
    """

    def __init__(self, config: BuildConfig, token: str, watchdog: int) -> None:
        logs = config.build_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        fd, log = tempfile.mkstemp(prefix="worker.", suffix=".log", dir=logs)
        self.log_path = Path(log)
        env = dict(os.environ, VSTUDY_ROOT=str(config.root), PYTHONUNBUFFERED="1",
                   JUPYTER_RUNTIME_DIR=str(config.build_dir / "runtime"),  # kernel connection files
                   IPYTHONDIR=str(config.build_dir / "ipython"),  # kernels' history databases
                   # results the editions share (vstudy.analysis.shared): computed by the first, read by the others
                   VSTUDY_SHARED_RESULTS=str(config.build_dir / "shared"))
        env.update(blas_threads(config.jobs, os.environ))
        env[procs.TAG] = token
        env[procs.WATCHDOG_FD] = str(watchdog)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vstudy.publish.worker", "--serve"], cwd=config.root, env=env, start_new_session=True,
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


class Runner:
    """Runs notebooks on at most ``jobs`` worker processes (one per pool thread, reused for its next notebook);
    stops starting new ones after a failure. Every process it starts ends with :meth:`kill_all` or :meth:`close`."""

    def __init__(self, config: BuildConfig, token: str) -> None:
        self.config = config
        self.token = token
        self.stop = threading.Event()
        self.workers: list[Worker] = []
        self.idle: list[Worker] = []  # started ahead of need, not yet taken by a pool thread
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

    def _new_worker(self) -> Worker:
        worker = Worker(self.config, self.token, self.watchdog_fd())
        self.workers.append(worker)
        return worker

    def prestart(self, count: int) -> None:
        """Start ``count`` workers now; pool threads take them before starting new ones."""
        with self.lock:
            for _ in range(count):
                self.idle.append(self._new_worker())

    def _worker(self) -> Worker | None:
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
            "public_input_path": section.notebook, "cell_timeout": config.cell_timeout,
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

    def _end(self, workers: list[Worker]) -> None:
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
