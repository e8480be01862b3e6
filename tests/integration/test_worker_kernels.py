"""Kernels started at once by several workers never race for a port: they talk over local IPC sockets. Kernels forked
from a worker's zygote (warm kernels) give a notebook the outputs a kernel started afresh gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from vstudy.publish import worker


def test_the_workers_kernels_use_ipc_sockets(tmp_path: Path, monkeypatch):
    # However deep the build's runtime folder (pytest's temporary folders and a researcher's deep checkout are
    # longer than a socket path may be): a runtime folder too long once made the kernels fall back to TCP ports, and
    # to the port race in which a worker waited for ever on a kernel that had died binding a taken port.
    for runtime in (tmp_path / "rt", tmp_path / ("d" * 120) / ".build" / "runtime"):
        monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
        cls = worker.kernel_manager_class()
        first, second = cls(kernel_name="python3"), cls(kernel_name="python3")
        assert first.transport == second.transport == "ipc"
        assert first.ip != second.ip  # one socket name per kernel, never shared
        if sys.platform.startswith("linux"):  # the abstract namespace: no file, no length limit from any folder
            assert first.ip.startswith("@vstudy-kernel-") and len(first.ip) < 60


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


WARM_CELLS = (
    "import sys\nimport matplotlib.pyplot as plt\nimport numpy as np\nprint(plt.get_backend(), sys.argv[1:2])",
    "np.random.seed(3)\nfig, ax = plt.subplots(figsize=(2, 2))\n_ = ax.plot(np.random.rand(5))",  # inline: a PNG
    "import os\nprint('forked' if os.getppid() != int(os.environ['JPY_PARENT_PID']) else 'started')",
)


def test_warm_kernels_execute_a_notebook_as_cold_kernels_do(tmp_path: Path):
    """A worker's kernels are forked from its zygote (vstudy.publish.warm) and give the notebook the same outputs,
    figures included, as kernels started afresh (VSTUDY_WARM_KERNELS=0)."""
    source = tmp_path / "nb.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code, id=f"c{i}") for i, code in enumerate(WARM_CELLS)]
    nbformat.write(nb, source)
    code = ("import json, sys; from vstudy.publish import worker; worker.skip_unused_filesystems(); "
            "sys.exit(max(worker.run(json.load(open(p))) for p in sys.argv[1:]))")
    outputs = {}
    for switch in ("1", "0"):
        specs = []
        for i in range(2):  # the second kernel of a worker comes from the zygote the first one started
            spec = {"input": str(source), "output": str(tmp_path / f"out-{switch}-{i}.ipynb"), "parameters": {},
                    "kernel": "python3", "cwd": str(tmp_path), "error_path": str(tmp_path / "err.json")}
            specs.append(tmp_path / f"spec-{switch}-{i}.json")
            specs[-1].write_text(json.dumps(spec), encoding="utf-8")
        # the kernels' own backend, as in a build (the test session may have chosen another)
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        env["VSTUDY_WARM_KERNELS"] = switch
        assert subprocess.run([sys.executable, "-c", code, *map(str, specs)], env=env, timeout=300).returncode == 0
        for i in range(2):
            cells = nbformat.read(tmp_path / f"out-{switch}-{i}.ipynb", as_version=4).cells
            outputs[switch, i] = [c.outputs for c in cells]
    for i in range(2):
        assert outputs["1", i][2][0]["text"] == "forked\n" and outputs["0", i][2][0]["text"] == "started\n"
        assert outputs["1", i][:2] == outputs["0", i][:2] == outputs["0", 0][:2]
    first, figure = outputs["1", 0][:2]
    assert first[0]["text"] == "module://matplotlib_inline.backend_inline ['-f']\n"
    assert [o["output_type"] for o in figure] == ["display_data"] and "image/png" in figure[0]["data"]


PRELOAD = """
import json, os, sys, threading
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # as the zygote sets it
import ipykernel.kernelapp
from vstudy.publish import warm
notebooks = sys.argv[1:]
first = warm.preload([m for nb in notebooks for m in warm.preload_list(nb)])
found = [m for nb in notebooks for m in warm.notebook_reach(nb)]
done = warm.preload(found)
print(json.dumps({"threads": threading.active_count(), "backend": warm._backend_selected(), "done": done,
                  "loaded": sorted(sys.modules)}))
"""


def test_what_a_zygote_imports_for_the_study_starts_no_thread_and_selects_no_backend():
    """Every module a zygote imports for the study's notebooks — their import statements, then what the study's code
    they call imports inside its functions (pingouin, statsmodels, scipy.stats, seaborn, which imports pyplot,
    geopandas, mapclassify with scikit-learn, plotly) — imports without a thread and without selecting matplotlib's
    backend: the zygote forks its kernels warm."""
    root = Path(__file__).resolve().parents[2]
    notebooks = sorted(str(p) for p in (root / "notebooks").glob("*.ipynb"))
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    run = subprocess.run([sys.executable, "-c", PRELOAD, *notebooks], cwd=root, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["threads"] == 1 and result["backend"] is False
    assert {"pingouin", "statsmodels.api", "scipy.stats", "seaborn", "geopandas", "mapclassify", "plotly.io",
            "vstudy.analysis.stats", "vstudy.present.maps"} <= set(result["done"])
    assert {"sklearn", "matplotlib.pyplot"} <= set(result["loaded"])


def test_the_executed_notebook_is_written_when_it_starts_and_when_it_ends_not_around_each_cell(tmp_path: Path):
    # papermill writes the whole notebook before and after every cell: for a notebook with an interactive map (some
    # megabytes), some thirty times. A failing cell still leaves the notebook as far as it ran.
    source = tmp_path / "nb.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"print({i} * 7)", id=f"c{i}") for i in range(6)]
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('stop here')", id="bad"))
    nb.cells.append(nbformat.v4.new_code_cell("print('never')", id="after"))
    nbformat.write(nb, source)
    runs = {}
    for name, cells in (("good", nb.cells[:6]), ("bad", nb.cells)):
        nb.cells, all_cells = cells, nb.cells
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
        nb.cells = all_cells
        spec = {"input": str(tmp_path / f"{name}.ipynb"), "output": str(tmp_path / f"out-{name}.ipynb"),
                "parameters": {}, "kernel": "python3", "cwd": str(tmp_path),
                "error_path": str(tmp_path / f"err-{name}.json")}
        (tmp_path / f"spec-{name}.json").write_text(json.dumps(spec), encoding="utf-8")
        runs[name] = tmp_path / f"spec-{name}.json"
    counter = tmp_path / "count.py"
    counter.write_text(
        "import json, sys\n"
        "from papermill import engines, execute\n"
        "from vstudy.publish import worker\n"
        "writes = []\n"
        "original = execute.write_ipynb\n"
        "def counted(nb, path):\n"
        "    writes.append(path)\n"
        "    original(nb, path)\n"
        "engines.write_ipynb = execute.write_ipynb = counted\n"
        "status = worker.run(json.load(open(sys.argv[1])))\n"
        "print(json.dumps({'status': status, 'writes': len(writes)}))\n", encoding="utf-8")
    result = {}
    for name, spec in runs.items():
        run = subprocess.run([sys.executable, str(counter), str(spec)], capture_output=True, text=True, timeout=120)
        result[name] = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["good"] == {"status": 0, "writes": 3}  # when it starts, when it ends, and papermill's last write
    assert result["bad"]["status"] == 1 and result["bad"]["writes"] <= 3
    code = [c for c in nbformat.read(tmp_path / "out-bad.ipynb", as_version=4).cells if c.cell_type == "code"]
    assert [o["text"] for c in code[:6] for o in c.outputs] == [f"{i * 7}\n" for i in range(6)]
    assert code[6].outputs[0]["ename"] == "ValueError" and code[7].outputs == []
    error = json.loads((tmp_path / "err-bad.json").read_text(encoding="utf-8"))
    assert error["ename"] == "ValueError" and error["first_line"] == "raise ValueError('stop here')"
