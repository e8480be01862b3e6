"""Execute one section notebook with papermill in its own process (the pipeline's worker).

Why a process per notebook: the parent runs several at once and must be able to stop one cleanly (Ctrl-C,
kill, a sibling's failure) by signalling its process group, which takes the kernel down with it; papermill in
threads of one process shares event loops and cannot be cancelled that way.

Usage (internal): ``python -m vstudy._nbrun SPEC.json``. SPEC holds input, output, cwd, kernel, parameters and
``error_path``. Exit 0 when the notebook ran; 1 when a cell raised (details written to ``error_path`` as JSON:
cell_index, source_cell_index, execution_count, first_line, ename, evalue); 2 for anything else.
"""

from __future__ import annotations

import json
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    return run(spec)


if __name__ == "__main__":
    sys.exit(main())
