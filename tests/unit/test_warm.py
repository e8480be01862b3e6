"""The zygote of warm kernels (vstudy.publish.warm): forks, signals, exit statuses, deaths, and the cold fallback.

The zygote here serves a small stand-in kernel module (written into the test's folder) instead of ipykernel, so that
no notebook runs: tests/integration/test_worker_kernels.py runs real notebooks through warm kernels.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from vstudy.publish import procs, warm

pytestmark = pytest.mark.skipif(not warm.enabled({}), reason="warm kernels need Linux")

FAKE_KERNEL = '''
import os, signal, sys, time

signal.signal(signal.SIGINT, lambda *_: print("interrupted", flush=True))
print("ready", os.getpid(), os.getppid(), os.getsid(0), os.getcwd(), "|".join(sys.argv[1:]),
      os.environ.get("JPY_SESSION_NAME", "-"), sys.modules["__main__"].__file__, flush=True)
what = sys.argv[1]
if what.startswith("exit"):
    sys.exit(int(what[4:]))
if what == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
for _ in range(600):
    time.sleep(0.1)
'''


def notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source, id=f"c{i}") for i, source in enumerate(sources)]
    nbformat.write(nb, path)
    return path


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "fakekernel.py").write_text(FAKE_KERNEL, encoding="utf-8")
    notebook(tmp_path / "nb.ipynb", "import json")
    return tmp_path


@pytest.fixture()
def zygote(folder: Path):
    z = warm.Zygote(str(folder), str(folder / "nb.ipynb"), [], module="fakekernel")
    assert z.ready(timeout=60)
    yield z
    z.close()


def start(z: warm.Zygote, folder: Path, *args: str, **env: str) -> tuple[subprocess.Popen, list[str]]:
    """A stub for ``python -m fakekernel ARGS`` as jupyter_client starts a kernel; its first line, split."""
    command = z.command([sys.executable, "-m", "fakekernel", *args])
    proc = subprocess.Popen(command, cwd=folder, env=dict(z.env, **env),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
    return proc, proc.stdout.readline().split()


def gone(pid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while procs._alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not procs._alive(pid)


def test_the_zygote_forks_the_kernel_in_a_session_of_its_own(zygote, folder):
    proc, (word, pid, ppid, sid, cwd, args, session, main) = start(zygote, folder, "exit0", "-f", "x.json",
                                                                   JPY_SESSION_NAME="s1")
    assert word == "ready"
    assert int(ppid) == zygote.proc.pid and int(pid) != proc.pid  # forked by the zygote, not started afresh
    assert int(sid) == int(pid)  # its own session, as jupyter_client starts kernels
    assert cwd == str(folder) and args == "exit0|-f|x.json" and session == "s1"
    assert main == str(folder / "fakekernel.py")  # run as `python -m fakekernel` would run it
    assert proc.wait(timeout=10) == 0


@pytest.mark.parametrize(("args", "status"), [(("exit7",), 7), (("kill",), -signal.SIGKILL)])
def test_the_stub_ends_with_the_kernels_status(zygote, folder, args, status):
    proc, first = start(zygote, folder, *args)
    assert int(first[2]) == zygote.proc.pid
    assert proc.wait(timeout=10) == status


def test_signals_to_the_stub_reach_the_kernel(zygote, folder):
    proc, first = start(zygote, folder, "wait")
    kernel = int(first[1])
    proc.send_signal(signal.SIGINT)  # jupyter_client's interrupt
    assert proc.stdout.readline() == "interrupted\n"
    assert procs._alive(kernel) and proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == -signal.SIGTERM  # the kernel died of it, and the stub reports so
    assert gone(kernel)


def test_when_the_stub_dies_its_kernel_dies(zygote, folder):
    proc, first = start(zygote, folder, "wait")
    kernel = int(first[1])
    proc.kill()  # what jupyter_client does to a kernel that will not stop
    proc.wait(timeout=10)
    assert gone(kernel)
    assert zygote.proc.poll() is None  # the zygote serves on
    again, first = start(zygote, folder, "exit3")
    assert int(first[2]) == zygote.proc.pid and again.wait(timeout=10) == 3


def test_when_the_worker_is_gone_the_zygote_and_its_kernels_end(zygote, folder):
    proc, first = start(zygote, folder, "wait")
    kernel = int(first[1])
    os.close(zygote.lifeline)  # the worker's end of the zygote's standard input: closed when the worker dies
    assert zygote.proc.wait(timeout=10) == 0
    assert gone(kernel)
    assert proc.wait(timeout=10) == 1


def test_a_request_the_zygote_cannot_serve_runs_the_command_cold(zygote, folder):
    # another environment than the zygote's: the stub becomes the kernel itself
    proc, first = start(zygote, folder, "exit5", VSTUDY_SOMETHING="else")
    assert int(first[1]) == proc.pid and int(first[2]) == os.getpid()
    assert proc.wait(timeout=10) == 5
    # another folder
    other = folder / "other"
    other.mkdir()
    (other / "fakekernel.py").write_text(FAKE_KERNEL, encoding="utf-8")
    command = zygote.command([sys.executable, "-m", "fakekernel", "exit6"])
    cold = subprocess.run(command, cwd=other, env=zygote.env,
                          capture_output=True, text=True, timeout=30)
    assert cold.returncode == 6 and int(cold.stdout.split()[2]) == os.getpid()


def test_without_a_zygote_the_stub_runs_the_command_cold(folder):
    command = [sys.executable, "-m", "vstudy.publish.warm", "--stub", str(folder / "none"), "--",
               sys.executable, "-m", "fakekernel", "exit4"]
    cold = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=30)
    assert cold.returncode == 4 and int(cold.stdout.split()[2]) == os.getpid()


def test_a_zygote_that_would_fork_with_a_thread_is_not_used(folder, monkeypatch):
    # a thread that no import of the zygote's started (here: at the interpreter's start, by a sitecustomize)
    site = folder / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import threading, time\n"
                                           "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n",
                                           encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(site))
    z = warm.Zygote(str(folder), str(folder / "nb.ipynb"), [], module="fakekernel")
    try:
        assert not z.ready(timeout=60)
        assert z.proc.returncode == 3
        base = type("Base", (), {})
        assert warm.kernel_manager_class(base, z) is base  # the worker's kernels are cold
    finally:
        z.close()


def test_a_notebook_import_that_starts_a_thread_is_left_to_the_kernel(folder):
    (folder / "threaded.py").write_text("import threading, time\n"
                                        "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n",
                                        encoding="utf-8")
    notebook(folder / "nb.ipynb", "import threaded")
    z = warm.Zygote(str(folder), str(folder / "nb.ipynb"), [], module="fakekernel")
    try:
        assert z.ready(timeout=60)  # the zygote did not import it, and forks
        proc, first = start(z, folder, "exit0")
        assert int(first[2]) == z.proc.pid and proc.wait(timeout=10) == 0
    finally:
        z.close()


def test_the_switch_forces_cold_kernels(folder, monkeypatch):
    spec = {"input": str(folder / "nb.ipynb"), "cwd": str(folder), "kernel": "python3"}
    monkeypatch.setenv(warm.SWITCH, "0")
    assert not warm.enabled() and warm.zygote_for(spec) is None
    base = type("Base", (), {})
    assert warm.kernel_manager_class(base, None) is base
    monkeypatch.setenv(warm.SWITCH, "1")
    assert warm.enabled()


def test_the_preload_list_comes_from_the_notebooks(tmp_path):
    first = notebook(tmp_path / "01.ipynb", "import pandas as pd\nfrom vstudy.present import figures, notebook",
                     "%matplotlib inline\nimport json", "from .relative import x")
    notebook(tmp_path / "02.ipynb", "from vstudy.present import notebook\nimport pandas\nimport geopandas")
    notebook(tmp_path / "03.ipynb", "if True:\n    import pandas\nfrom vstudy.present import notebook, views")
    assert warm.notebook_imports(str(first)) == ["pandas", "vstudy.present", "vstudy.present.figures",
                                                 "vstudy.present.notebook", "json"]
    # what every notebook imports first, then the rest of this one's
    assert warm.preload_list(str(first)) == ["pandas", "vstudy.present", "vstudy.present.notebook",
                                             "vstudy.present.figures", "json"]
    assert warm.preload(["json", "json.nonexistent", "no_such_module_here"]) == ["json"]


def test_the_kernel_command_is_this_interpreter_running_ipykernel():
    options = warm.interpreter_options("python3")
    assert options is not None and all(o.startswith("-") for o in options)
    assert warm.interpreter_options("no-such-kernel") is None
    z = object.__new__(warm.Zygote)
    z.path = "/x/s"
    assert z.command(["python", "-m", "ipykernel_launcher"]) == [
        sys.executable, "-m", "vstudy.publish.warm", "--stub", "/x/s", "--", "python", "-m", "ipykernel_launcher"]
    assert json.loads(json.dumps(options)) == options


CLIENT = """
import json, os, socket, struct, sys
request = json.loads(sys.stdin.read())
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.settimeout(20)
sock.connect("\\0" + request.pop("name")[1:])
payload = json.dumps(request).encode()
try:
    socket.send_fds(sock, [struct.pack("!I", len(payload)) + payload], [0, 1, 2])
    print("answer:" + repr(sock.recv(100)), flush=True)
except (BrokenPipeError, ConnectionResetError):  # closed before the request was read: a reset, at send or recv
    print("answer:closed", flush=True)
"""


@pytest.mark.skipif(os.getuid() != 0 or not Path("/usr/bin/python3").exists(), reason="needs root to be another user")
def test_the_zygote_serves_no_other_user(zygote, folder):
    assert zygote.path.startswith("@")  # an abstract socket: no file anywhere
    request = {"name": zygote.path, "argv": [sys.executable, "-m", "fakekernel", "exit0"], "cwd": str(folder),
               "env": zygote.env}
    mine = subprocess.run(["/usr/bin/python3", "-c", CLIENT], input=json.dumps(request), capture_output=True,
                          text=True, cwd="/", timeout=30)
    # the same request from this user is served (the kernel it forked writes to the same standard output, so its
    # "ready" line may come before or inside the client's: the answer is looked for by its mark)
    assert "answer:b'{\"pid\": " in mine.stdout, mine.stdout
    other = subprocess.run(["/usr/bin/python3", "-c", CLIENT], input=json.dumps(request), capture_output=True,
                           text=True, cwd="/", timeout=30, user=65534, group=65534, extra_groups=[])
    # closed unanswered (before or after the client sent its request): nothing forked
    assert other.stdout in ("answer:b''\n", "answer:closed\n"), other.stderr


# ----------------------------------------------------------------------------------------------------------------
# What the zygote imports: the notebooks' imports, and those of the project's code the notebooks call

DEEP_PACKAGE = {
    "__init__.py": "",
    "helpers.py": ("import json\nfrom . import tools\n\n\ndef run():\n    import deepfake_pkg.heavy  # in a function\n"
                   "    return tools.assist(json.dumps(1))\n\n\ndef unused():\n    import deepfake_pkg.never\n"),
    "tools.py": ("import xml\n\n\ndef assist(x):\n    from deepfake_pkg import threaded, connects\n"
                 "    import email.mime.text\n    return xml.dom.minidom.parseString(x)\n"),
    "heavy.py": "VALUE = 1\n",
    "never.py": "VALUE = 2\n",
    "later.py": "VALUE = 3\n",
    "threaded.py": ("import threading, time\n"
                    "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"),
    "connects.py": "import socket\nsocket.socket().connect(('127.0.0.1', 9))\n",
}


def deep_package(folder: Path) -> Path:
    package = folder / "deepfake_pkg"
    package.mkdir()
    for name, text in DEEP_PACKAGE.items():
        (package / name).write_text(text, encoding="utf-8")
    return package


def test_the_imports_of_the_project_code_a_notebook_calls_are_found_without_importing_it(tmp_path, monkeypatch):
    package = deep_package(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    nb = notebook(tmp_path / "nb.ipynb", "from deepfake_pkg import helpers\n%time x = 1", "helpers.run()")
    found = warm.notebook_reach(str(nb))
    # the notebook's import, the package's modules it reaches, and what their functions import, at any depth
    for name in ("deepfake_pkg", "deepfake_pkg.helpers", "deepfake_pkg.tools", "deepfake_pkg.heavy",
                 "deepfake_pkg.threaded", "deepfake_pkg.connects", "json", "email.mime.text", "xml",
                 "xml.dom.minidom"):  # xml.dom.minidom.parseString(): a submodule of a third-party package
        assert name in found, name
    assert "deepfake_pkg.never" not in found  # in a function the notebook never calls
    assert not [m for m in sys.modules if m.startswith("deepfake_pkg")]  # read, not imported
    # derived from the code: a new import in a function the notebook calls is found
    helpers = package / "helpers.py"
    helpers.write_text(helpers.read_text(encoding="utf-8").replace(
        "import deepfake_pkg.heavy", "import deepfake_pkg.heavy\n    from deepfake_pkg import later"), encoding="utf-8")
    os.utime(helpers, ns=(time.time_ns() + 10**9,) * 2)
    assert "deepfake_pkg.later" in warm.notebook_reach(str(nb))
    assert warm.is_project("deepfake_pkg.helpers") and warm.is_project("vstudy.present")
    assert not warm.is_project("json") and not warm.is_project("pandas") and not warm.is_project("_thread")


def test_the_study_notebooks_reach_the_statistics_they_use_and_not_others():
    folder = Path(__file__).resolve().parents[2] / "notebooks"
    reach = {nb.name[:2]: set(warm.notebook_reach(str(nb))) for nb in folder.glob("*.ipynb")}
    assert len(reach) >= 8
    assert {"pingouin", "statsmodels.api", "scipy.stats", "vstudy.analysis.stats"} <= reach["03"]
    assert "seaborn" in reach["01"] and "mapclassify" in reach["04"]
    assert not {"pingouin", "statsmodels.api"} & reach["06"]  # section 06 calls no partial correlation
    assert not [m for m in set().union(*reach.values()) if m.startswith("vstudy.publish")]


def test_a_module_that_starts_a_thread_or_connects_at_import_is_not_preloaded(tmp_path, monkeypatch):
    import threading

    deep_package(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    threads = threading.active_count()
    try:
        assert warm.preload(["deepfake_pkg.threaded", "deepfake_pkg.connects", "deepfake_pkg.heavy"]) == [
            "deepfake_pkg.heavy"]
        assert threading.active_count() == threads
        assert "deepfake_pkg.threaded" not in sys.modules and "deepfake_pkg.connects" not in sys.modules
        assert "start_new_thread" not in vars(threading) and "connect" not in vars(warm.socket.socket)  # undone
    finally:
        for name in [m for m in sys.modules if m.startswith("deepfake_pkg")]:
            del sys.modules[name]


HAS = '''
import gc, json, sys, threading
print(json.dumps([threading.active_count(), gc.get_freeze_count() > 0, *[m in sys.modules for m in sys.argv[1:]]]),
      flush=True)
'''


def test_the_zygote_imports_the_code_s_imports_while_it_waits_and_forks_without_a_thread(folder):
    deep_package(folder)
    (folder / "has.py").write_text(HAS, encoding="utf-8")
    notebook(folder / "nb.ipynb", "from deepfake_pkg import helpers", "helpers.run()")
    notebook(folder / "other.ipynb", "import deepfake_pkg.never")
    z = warm.Zygote(str(folder), str(folder / "nb.ipynb"), [], module="has")
    names = ("deepfake_pkg.heavy", "deepfake_pkg.never", "deepfake_pkg.helpers", "deepfake_pkg.threaded",
             "deepfake_pkg.connects")

    def modules(until) -> list:
        for _ in range(300):
            command = z.command([sys.executable, "-m", "has", *names])
            run = subprocess.run(command, cwd=folder, env=z.env, capture_output=True, text=True, timeout=30)
            threads, frozen, *loaded = json.loads(run.stdout)
            if until(loaded):
                assert frozen  # the zygote's objects: out of the kernel's collections (gc.freeze)
                return [threads, *loaded]
            time.sleep(0.1)
        raise AssertionError("never preloaded")

    try:
        assert z.ready(timeout=60)
        # a worker that runs this notebook only: its import statements, nothing its code would import
        assert modules(lambda loaded: True) == [1, False, False, True, False, False]
        z.prepare(str(folder / "nb.ipynb"))  # the same notebook again (another edition): nothing more
        assert z.told == {str(folder / "nb.ipynb")}
        z.prepare(str(folder / "other.ipynb"))  # another: what both notebooks' code imports, while it waits
        # deepfake_pkg.heavy is imported in a function the notebook calls; threaded and connects were left out
        assert modules(lambda loaded: loaded[0] and loaded[1]) == [1, True, True, True, False, False]
        assert z.proc.poll() is None
    finally:
        z.close()
