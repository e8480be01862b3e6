"""Kernels started at once by several workers never race for a port: they talk over local IPC sockets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat

from vstudy.publish import worker


def test_the_workers_kernels_use_ipc_sockets():
    cls = worker.kernel_manager_class()
    first, second = cls(kernel_name="python3"), cls(kernel_name="python3")
    assert first.transport == second.transport == "ipc"
    assert first.ip != second.ip and Path(first.ip).is_absolute()  # one socket path per kernel, never shared


def test_four_kernels_started_at_once_all_run(tmp_path: Path, monkeypatch):
    # a build points the runtime folder into its staging, which does not exist yet when the first kernel starts
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / ".build" / "runtime"))
    source = tmp_path / "nb.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 6 * 7\nprint(x)", id="c1")]
    nb.cells[0].metadata["tags"] = []
    nbformat.write(nb, source)
    specs = []
    for i in range(4):
        spec = {"input": str(source), "output": str(tmp_path / f"out{i}.ipynb"), "parameters": {},
                "kernel": "python3", "cwd": str(tmp_path), "error_path": str(tmp_path / f"err{i}.json")}
        path = tmp_path / f"spec{i}.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
        specs.append(path)
    # As a worker process does: papermill without pyarrow (its HDFS support), which the worker never needs.
    code = ("import json, sys; from vstudy.publish import worker; worker.skip_unused_filesystems(); "
            "status = worker.run(json.load(open(sys.argv[1]))); "
            "assert 'pyarrow' not in sys.modules, 'the worker imported pyarrow'; sys.exit(status)")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(p)]) for p in specs]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    for i in range(4):
        out = nbformat.read(tmp_path / f"out{i}.ipynb", as_version=4)
        assert out.cells[-1].outputs[0]["text"] == "42\n"
