"""Execute section notebooks with papermill in a worker process of the pipeline.

Why worker processes: the parent runs several notebooks at once and must be able to stop them cleanly
(Ctrl-C, kill, a sibling's failure); papermill in threads of one process shares event loops and cannot be
cancelled that way. Kernels run in sessions of their own (jupyter_client starts them so). Every worker and kernel
of a build carries the build's tag in its environment, and a worker watches a pipe held by the build: when the
build dies, however it dies, the worker ends the build's kernels and itself (:mod:`vstudy.publish.procs`).

Usage (internal):

* ``python -m vstudy.publish.worker SPEC.json`` runs one notebook;
* ``python -m vstudy.publish.worker --serve`` runs one notebook per line of standard input (a SPEC.json path) and answers
  each with one line, its exit status, on the *original* standard output; everything else the worker or its
  kernels print goes to standard error. One worker per job slot imports papermill once for all its notebooks.

SPEC holds input, output, cwd, kernel, parameters and ``error_path``; optionally ``public_parameters`` and
``replace`` (see :func:`finalize`). Status 0 when the notebook ran; 1 when a cell raised (details written to
``error_path`` as JSON: cell_index, source_cell_index, execution_count, first_line, ename, evalue); 2 for anything
else. A kernel that dies while starting ("Kernel died before replying to kernel_info": two kernels started at once
can pick the same free port) is started again, once, before the notebook fails.

The executed notebook is written when it starts and when it ends, not before and after every cell as papermill
writes it (:data:`ENGINE`): a notebook with an interactive map is megabytes, and papermill's saves wrote it some
thirty times — a clean build of the report's three editions wrote 752 MB, now 182 MB — for a file nobody reads
until the notebook has run. A cell that raises, runs past the timeout or is interrupted still leaves the notebook as
far as it ran: papermill writes it when execution ends, however it ends.

Kernels are forked from a zygote that has imported ipykernel and the notebooks' modules once per worker
(:mod:`vstudy.publish.warm`); ``VSTUDY_WARM_KERNELS=0`` in the environment starts every kernel as a fresh process.

Executed notebooks are deterministic (:func:`finalize`): the cell ids of the source notebook (the injected
parameters cell gets a fixed one), no timestamps or durations in the metadata, and the parameters recorded as a
reader re-running the notebook would use them: paths relative to the repository root, pointing at the output tree
the build puts the outputs in, not at the staging folder the notebook wrote into. With ``lang`` in the spec, the
executed notebook is that edition's copy (:func:`vstudy.present.edition.localize`: the Markdown cells of its
language, its captions, ``metadata.lang``).
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from pathlib import Path

INJECTED_TAG = "injected-parameters"
# Quarto reads cell options from leading "#|" comments; "include: false" drops the cell (code and output) from
# every rendered format. The tags and jupyter.source_hidden cover JupyterLab, nbconvert and Jupyter Book.
HIDE_OPTION = "#| include: false"
HIDE_TAGS = ("remove-cell",)
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def hide_injected_parameters(nb) -> bool:
    """Mark papermill's injected-parameters cell hidden for Quarto and Jupyter; return True if one was found."""
    found = False
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if INJECTED_TAG not in tags:
            continue
        found = True
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        if not source.startswith(HIDE_OPTION):
            cell.source = f"{HIDE_OPTION}\n{source}"
        for tag in HIDE_TAGS:
            if tag not in tags:
                tags.append(tag)
        cell.metadata["tags"] = tags
        cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    return found


# Metadata that records when and how long, never what: dropped so that the same inputs give the same bytes.
TIMING_KEYS = ("start_time", "end_time", "duration")
TEXT_MIMES = ("text/plain", "text/markdown", "text/html", "text/latex")


def _source_cell_ids(path: str | None) -> list[str | None]:
    """The ``id`` of each cell of the source notebook as committed (None where it has none)."""
    if not path:
        return []
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return []
    return [c.get("id") if isinstance(c, dict) else None for c in cells]


def _replace_all(text: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        if old:
            text = text.replace(old, new)
    return text


def finalize(path: Path, spec: dict | None = None) -> None:
    """Post-process an executed notebook in place so that it is deterministic and names no machine path.

    Hidden parameters cell and kernel name ``python3`` (Quarto); cell ids taken from the source notebook (the
    injected cell is ``injected-parameters``, a cell without a source id gets ``cell-<n>``); papermill's and
    nbclient's timestamps and durations removed; ``spec["public_parameters"]`` written into the injected cell and
    the papermill metadata in place of the ones the notebook ran with, and each ``spec["replace"]`` pair
    (staging path → public path) applied to the text outputs; input and output paths relative; with
    ``spec["lang"]``, the edition's copy of the notebook (:func:`vstudy.present.edition.localize`).
    """
    import nbformat

    spec = spec or {}
    nb = nbformat.read(path, as_version=4)
    hide_injected_parameters(nb)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)

    public = spec.get("public_parameters")
    pairs = sorted(((str(a), str(b)) for a, b in spec.get("replace", [])), key=lambda p: -len(p[0]))
    if public is not None:
        _publish_parameters(nb, public)
    meta = nb.metadata.get("papermill")
    if isinstance(meta, dict):
        for key in TIMING_KEYS:
            meta.pop(key, None)
        for key in ("input_path", "output_path"):
            if spec.get(f"public_{key}"):
                meta[key] = spec[f"public_{key}"]
        if public is not None:
            meta["parameters"] = dict(public)

    source_ids = _source_cell_ids(spec.get("input"))
    used: set[str] = set()
    position = 0
    for index, cell in enumerate(nb.cells):
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            cell_id = "injected-parameters"
        else:
            cell_id = source_ids[position] if position < len(source_ids) and source_ids[position] else None
            position += 1
            cell_id = cell_id or f"cell-{index}"
        while cell_id in used:
            cell_id += "-x"
        used.add(cell_id)
        cell["id"] = cell_id
        cell_meta = cell.get("metadata", {})
        cell_meta.pop("execution", None)  # nbclient's iopub/shell timestamps
        pm_meta = cell_meta.get("papermill")
        if isinstance(pm_meta, dict):
            for key in TIMING_KEYS:
                pm_meta.pop(key, None)
        if pairs and cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if "text" in output:
                    output["text"] = _replace_all(output["text"], pairs)
                for mime in TEXT_MIMES:
                    if isinstance(output.get("data", {}).get(mime), str):
                        output["data"][mime] = _replace_all(output["data"][mime], pairs)
    if spec.get("lang"):  # the edition's copy: its Markdown cells, its captions, metadata.lang
        from vstudy.present import edition

        nb = nbformat.from_dict(edition.localize(nb, spec["lang"]))
    nbformat.write(nb, path)


def _publish_parameters(nb, public: dict) -> None:
    """Rewrite ``name = value`` lines of the injected cell with the public values (papermill's own syntax)."""
    from papermill.translators import PythonTranslator

    for cell in nb.cells:
        if INJECTED_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        lines = []
        for line in cell.source.splitlines():
            name = line.split(" = ", 1)[0].strip()
            if " = " in line and name in public:
                line = f"{name} = {PythonTranslator.translate(public[name])}"
            lines.append(line)
        cell.source = "\n".join(lines)


def _error_details(exc, output: Path) -> dict:
    """Section, cell and error of a PapermillExecutionError, with the index in the *source* notebook."""
    cell_index = getattr(exc, "cell_index", None)
    source = getattr(exc, "source", "") or ""
    first_line = next((line for line in source.splitlines() if line.strip()), "")
    source_index = cell_index
    try:
        import nbformat

        nb = nbformat.read(output, as_version=4)
        injected_before = sum(
            1 for cell in nb.cells[: cell_index or 0] if INJECTED_TAG in cell.get("metadata", {}).get("tags", [])
        )
        source_index = (cell_index or 0) - injected_before
    except Exception:  # the partial notebook may be missing; the executed index is still useful
        pass
    return {
        "cell_index": cell_index,
        "source_cell_index": source_index,
        "execution_count": getattr(exc, "exec_count", None),
        "first_line": first_line,
        "ename": getattr(exc, "ename", type(exc).__name__),
        "evalue": getattr(exc, "evalue", str(exc)),
    }


def _timeout_details(spec: dict, output: Path) -> dict:
    """The cell that ran past ``spec["cell_timeout"]``: the first cell of the partial notebook whose output is an
    error (nbclient interrupts the kernel, so that cell ends with KeyboardInterrupt), as an index in the source."""
    cell_index, first_line = None, ""
    try:
        import nbformat

        nb = nbformat.read(output, as_version=4)
        code = [c for c in nb.cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
        for index, cell in enumerate(code):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                cell_index = index
                first_line = next((line for line in cell.source.splitlines() if line.strip()), "")
                break
    except Exception:  # no partial notebook: the section is still named
        pass
    seconds = spec.get("cell_timeout")
    return {"cell_index": cell_index, "source_cell_index": cell_index, "execution_count": None,
            "first_line": first_line, "ename": "CellTimeout",
            "evalue": f"the cell ran longer than {seconds} s and was stopped (vstudy build --cell-timeout SECONDS "
                      "sets the limit; 0 removes it)"}


START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def kernel_died_starting(exc: BaseException) -> bool:
    """The kernel ended (or never answered) before the first cell: the port race between kernels started at once."""
    return isinstance(exc, RuntimeError) and str(exc).startswith(START_FAILURES)


def kernel_socket_base(runtime: str, platform: str = sys.platform) -> str | None:
    """Where one kernel's IPC sockets go (the kernel binds ``<base>-<n>``), or None where only TCP is possible.

    * Linux: a name in the abstract socket namespace (``@vstudy-kernel-<uuid>``): no file is made, so no folder's
      length can push the socket path past the Unix limit (108 bytes), and nothing is left behind by a kernel that
      was killed;
    * elsewhere: a file in the runtime folder (``<runtime>/kernel-<uuid>-ipc``) when it fits the limit (104 bytes on
      macOS), else in ``/tmp`` (a file per socket, removed with the kernel as jupyter_client removes IPC files);
    * no Unix sockets at all (Windows): None, and the kernels use TCP ports.

    Before, a runtime folder too long for a socket path (a build whose output tree is deep: pytest's temporary
    folders are) silently fell back to TCP, and with it to the port race this class exists to avoid: a kernel bound a
    port another kernel had taken meanwhile, died, and its worker's first request was sent to the other kernel's
    socket — jupyter_client's blocking send then waited for ever, and the build with it.
    """
    import socket
    import uuid

    if not hasattr(socket, "AF_UNIX"):
        return None
    name = uuid.uuid4()
    if platform.startswith("linux"):
        return f"@vstudy-kernel-{name.hex}"
    for folder in (runtime, "/tmp"):
        base = os.path.join(folder, f"kernel-{name}-ipc")
        if len(os.fsencode(base)) + len("-99") < 104:  # the kernel's sockets are <base>-1 … ; macOS allows 103 bytes
            return base
    return None


def kernel_manager_class():
    """The kernel manager the workers start kernels with: local IPC sockets (:func:`kernel_socket_base`: one name
    per kernel) rather than TCP ports, so that kernels started at once by several workers can never pick the same
    port — the race that made a kernel die while starting, or hang until its start timeout, under load. TCP stays
    where the platform has no Unix sockets."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir

    runtime = jupyter_runtime_dir()
    if kernel_socket_base(runtime) is None:
        return AsyncKernelManager
    os.makedirs(runtime, mode=0o700, exist_ok=True)  # connection files are written there

    class IpcKernelManager(AsyncKernelManager):
        def __init__(self, *args, **kwargs):
            # One name per kernel: jupyter_client's default (a relative "kernel-ipc" in the working directory) is
            # shared by kernels started in the same folder.
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", kernel_socket_base(runtime))
            super().__init__(*args, **kwargs)

    return IpcKernelManager


ENGINE = "vstudy"  # papermill's engine for nbclient, with the saves around every cell left out (module docstring)


@functools.cache
def register_engine() -> str:
    """Register :data:`ENGINE` with papermill (once per process) and return its name."""
    from papermill.engines import NBClientEngine, papermill_engines

    class SavedAtTheEnds(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            # papermill's manager saves in cell_start, cell_complete and autosave_cell through self.save: while the
            # cells run, that name is a no-op; notebook_complete (papermill calls it however execution ends) saves.
            nb_man.save = lambda **_: None
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            finally:
                del nb_man.save

    papermill_engines.register(ENGINE, SavedAtTheEnds)
    return ENGINE


def run(spec: dict) -> int:
    from vstudy.publish import warm

    zygote = warm.zygote_for(spec)  # started at the first notebook; imports while papermill is imported here
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    output = Path(spec["output"])
    cold = kernel_manager_class()
    for attempt in (1, 2):
        # A kernel that died while starting is started again cold.
        manager = warm.kernel_manager_class(cold, zygote) if attempt == 1 else cold
        try:
            pm.execute_notebook(
                spec["input"],
                str(output),
                parameters=spec["parameters"],
                kernel_name=spec.get("kernel", "python3"),
                cwd=spec.get("cwd"),
                log_output=False,
                progress_bar=False,
                start_timeout=spec.get("start_timeout", 120),
                execution_timeout=spec.get("cell_timeout"),
                kernel_manager_class=manager,
                engine_name=register_engine(),
            )
            break
        except PapermillExecutionError as exc:
            Path(spec["error_path"]).write_text(json.dumps(_error_details(exc, output)), encoding="utf-8")
            return 1
        except CellTimeoutError:  # past spec["cell_timeout"]: the kernel was interrupted, the cell shows where
            Path(spec["error_path"]).write_text(json.dumps(_timeout_details(spec, output)), encoding="utf-8")
            return 1
        except Exception as exc:  # kernel died, notebook unreadable …: report it like a failed cell
            if attempt == 1 and kernel_died_starting(exc):
                print(f"vstudy worker: {exc}; starting the kernel again (once)", file=sys.stderr, flush=True)
                continue
            retried = " (after starting the kernel a second time)" if attempt == 2 else ""
            details = {
                "cell_index": None, "source_cell_index": None, "execution_count": None, "first_line": "",
                "ename": type(exc).__name__, "evalue": f"{exc}{retried}", "traceback": traceback.format_exc(),
            }
            Path(spec["error_path"]).write_text(json.dumps(details), encoding="utf-8")
            return 2
    finalize(output, spec)
    return 0


def serve(commands, answers) -> int:
    """Run the spec named on each line of ``commands``; write its status as a line to ``answers``."""
    for line in commands:
        spec_path = line.strip()
        if not spec_path:
            continue
        try:
            status = run(json.loads(Path(spec_path).read_text(encoding="utf-8")))
        except Exception:  # unreadable spec: say so on stderr, answer "anything else"
            traceback.print_exc()
            status = 2
        answers.write(f"{status}\n")
        answers.flush()
    return 0


def skip_unused_filesystems() -> None:
    """In a worker process: papermill's I/O module imports ``pyarrow.fs`` (for ``hdfs://`` paths, which no build
    uses), and with it pyarrow and numpy — about a quarter of the worker's start-up CPU. Marked absent, papermill falls
    back to its "install pyarrow" stub for HDFS; the notebooks' kernels are other processes and import pyarrow as
    usual. Nothing is hidden that was imported already."""
    if "pyarrow" not in sys.modules:
        sys.modules["pyarrow.fs"] = None  # type: ignore[assignment]  # `import pyarrow.fs` raises ImportError


def main(argv: list[str] | None = None) -> int:
    from vstudy.publish import procs

    argv = sys.argv[1:] if argv is None else argv
    skip_unused_filesystems()
    fd = os.environ.get(procs.WATCHDOG_FD)
    procs.watch_parent(os.environ.get(procs.TAG), int(fd) if fd and fd.isdigit() else None)
    if argv[:1] == ["--serve"]:
        # The protocol keeps the original stdout to itself; fd 1 (inherited by kernels) becomes stderr, so a
        # stray print cannot be read as an answer.
        answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        return serve(sys.stdin, answers)
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    return run(spec)


if __name__ == "__main__":
    sys.exit(main())
