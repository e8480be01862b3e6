"""Execute section notebooks with papermill in a worker process of the pipeline.

Why worker processes: the parent runs several notebooks at once and must be able to stop them cleanly
(Ctrl-C, kill, a sibling's failure) by signalling the worker's process group; papermill in threads of one
process shares event loops and cannot be cancelled that way. Kernels run in sessions of their own (jupyter_client
starts them so); a kernel whose worker died notices it (ipykernel's parent poller) and exits.

Usage (internal):

* ``python -m vstudy.build.worker SPEC.json`` runs one notebook;
* ``python -m vstudy.build.worker --serve`` runs one notebook per line of standard input (a SPEC.json path) and answers
  each with one line, its exit status, on the *original* standard output; everything else the worker or its
  kernels print goes to standard error. One worker per job slot imports papermill once for all its notebooks.

SPEC holds input, output, cwd, kernel, parameters and ``error_path``. Status 0 when the notebook ran; 1 when a cell
raised (details written to ``error_path`` as JSON: cell_index, source_cell_index, execution_count, first_line,
ename, evalue); 2 for anything else.
"""

from __future__ import annotations

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


def finalize(path: Path) -> None:
    """Post-process an executed notebook in place: hidden parameters cell, kernel name ``python3``."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    hide_injected_parameters(nb)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nbformat.write(nb, path)


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


def run(spec: dict) -> int:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    output = Path(spec["output"])
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
        )
    except PapermillExecutionError as exc:
        Path(spec["error_path"]).write_text(json.dumps(_error_details(exc, output)), encoding="utf-8")
        return 1
    except Exception as exc:  # kernel died, notebook unreadable …: report it like a failed cell
        details = {
            "cell_index": None, "source_cell_index": None, "execution_count": None, "first_line": "",
            "ename": type(exc).__name__, "evalue": str(exc), "traceback": traceback.format_exc(),
        }
        Path(spec["error_path"]).write_text(json.dumps(details), encoding="utf-8")
        return 2
    finalize(output)
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
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
