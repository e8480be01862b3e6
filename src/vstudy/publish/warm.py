"""Warm kernels: each notebook worker forks its Jupyter kernels from a process that has imported them already.

A section notebook's kernel pays about two CPU seconds before its first cell has done anything: the interpreter,
ipykernel, and the imports every section makes (pandas, matplotlib, the study's modules); and the study's modules
import their heavy packages inside the functions that need them (scipy.stats, statsmodels, pingouin, seaborn,
geopandas, mapclassify with scikit-learn, plotly …), another second or more for most sections. A worker executes many
notebooks one after another, so at its first notebook it starts a *zygote* (``python -m vstudy.publish.warm
--zygote …``) that imports, then waits on a Unix socket (in Linux's abstract namespace: no file to leave behind; it
serves processes of its own user only), single-threaded: no zmq context, no event loop, no Python thread exists when
it forks. What it imports, and when:

* before it serves: ipykernel's kernel application and the modules the notebooks' import statements name (those
  every notebook of the folder imports, and the rest of the first notebook's: :func:`preload_list`);
* while it waits, once its worker runs a second notebook (the worker names each notebook it runs on the zygote's
  standard input: :meth:`Zygote.prepare`): every module the code of its notebooks imports when it runs
  (:func:`notebook_reach`), one step between two requests (a notebook read, or one module imported: a kernel asked
  for meanwhile waits for that step only). The zygote's objects are frozen before each fork (``gc.freeze``): a
  kernel's collections neither scan them nor copy their pages. The zygote finds them by
  reading the project's modules, never importing them (:func:`reach`): a name a notebook uses — a function, a class,
  ``module.attribute`` — reaches its definition, whose import statements at any depth (function bodies included)
  and whose names are followed in turn, across the project's packages (:func:`is_project`); a third-party package is
  named, not read. A worker that runs one notebook, in one edition or several, imports what it imports today;
* never a module that starts a thread or opens a connection while it is imported (:func:`preload`): the import
  system drops it, and each kernel imports it as a fresh kernel does. Should a thread exist or matplotlib's backend
  be selected anyway, the zygote forks nothing more (before it serves: it exits; later: every kernel is cold).

jupyter_client still starts and manages one process per kernel: the kernel's usual command behind a *stub*
(:func:`kernel_manager_class`), ``python -m vstudy.publish.warm --stub SOCKET -- python -m ipykernel_launcher -f
CONNECTION_FILE``. The stub sends the zygote that command, its working folder and environment, and its standard
input, output and error (SCM_RIGHTS); the zygote forks a child that starts a session of its own (as jupyter_client
starts kernels), takes those streams and that folder, and runs ``ipykernel_launcher`` as ``python -m`` would. The
stub stands in for the kernel process:

* SIGINT, SIGTERM, SIGHUP (and SIGQUIT, SIGUSR1, SIGUSR2) sent to the stub go to the kernel's process group;
* the stub ends with the kernel's exit status (code or signal), which the zygote reports over the socket;
* when the stub dies (jupyter_client kills it with SIGKILL), the zygote kills the kernel's process group; when the
  zygote dies, its kernels die with it (PR_SET_PDEATHSIG); when the worker dies, the zygote (its standard input is
  a pipe whose only writer is the worker) and the stub (it polls its parent, as ipykernel does) end the kernel.

The zygote and its kernels carry the worker's environment, and with it the build's tag (:mod:`vstudy.publish.procs`):
a dying build ends them as it ends all its processes.

A kernel sees what a fresh ``python -m ipykernel_launcher`` sees: the same interpreter and options, environment (the
zygote serves only its own interpreter running ``-m ipykernel_launcher``, with the zygote's environment but for
jupyter_client's ``JPY_SESSION_NAME``, in the zygote's folder), ``sys.argv``, ``sys.path``, signal dispositions and
matplotlib backend: the zygote sets ``MPLBACKEND`` as ipykernel does before it imports matplotlib, and never selects
the backend, so ipykernel's inline backend is loaded by the kernel's first figure, as in a fresh kernel. numpy's
global random state is seeded afresh in each kernel (Python's ``random`` reseeds itself after a fork). Two things
differ: the kernel's parent process is the zygote, not the worker (the worker's pid is in ``JPY_PARENT_PID``, as for
any kernel it starts), and the kernels of one worker share the zygote's string-hash seed (``PYTHONHASHSEED`` is
honoured either way).

Whatever the zygote cannot serve — another command or interpreter, another environment or folder, a zygote that could
not start or died — runs the usual command instead: the stub replaces itself with it (a cold kernel, in the process
jupyter_client started). ``VSTUDY_WARM_KERNELS=0`` in the environment makes every kernel cold.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import socket
import struct
import sys

SWITCH = "VSTUDY_WARM_KERNELS"
KERNEL_MODULE = "ipykernel_launcher"
# Variables jupyter_client sets per kernel that may differ from the zygote's (read when the kernel runs, not when a
# module is imported). JPY_PARENT_PID, the process that starts the kernels, is read by ipykernel on import: the worker
# starts its zygote with its own pid there, the value jupyter_client gives the kernels it starts.
PER_KERNEL_ENV = ("JPY_SESSION_NAME",)
FORWARDED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2")
READY_TIMEOUT = 120.0  # seconds the worker waits for its zygote's imports before it runs a kernel cold
PR_SET_PDEATHSIG = 1


def enabled(environ=os.environ) -> bool:
    """False when ``VSTUDY_WARM_KERNELS`` says no (``0``, ``no``, ``false``, ``off``), or off Linux."""
    if not sys.platform.startswith("linux") or not hasattr(socket, "send_fds"):
        return False
    return environ.get(SWITCH, "1").strip().lower() not in ("0", "no", "false", "off")


# ----------------------------------------------------------------------------------------------------------------
# What to import: the notebooks' own imports


def notebook_imports(path: str) -> list[str]:
    """Absolute module names a notebook's code cells import (``from a.b import c`` gives ``a.b`` and ``a.b.c``:
    :func:`preload` imports the latter only where it is a module), in order of appearance."""
    import ast

    found: list[str] = []
    for tree in _cells(path):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append(node.module)
                found.extend(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")
    return list(dict.fromkeys(found))


def preload_list(notebook: str) -> list[str]:
    """The modules a zygote imports for a worker whose first notebook is ``notebook``: those every notebook of its
    folder imports, then the rest of this notebook's own. A worker that runs one section pays for no other section's
    imports; one that runs all of them shares what they all use."""
    folder = os.path.dirname(os.path.abspath(notebook))
    try:
        others = sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".ipynb"))
    except OSError:
        others = []
    own = notebook_imports(notebook)
    common: list[str] | None = None
    for other in others:
        names = set(notebook_imports(other))
        common = [m for m in (common if common is not None else own) if m in names]
    return list(dict.fromkeys([*(common or []), *own]))


class Refused(BaseException):
    """Raised in a module that starts a thread or opens a connection while :func:`preload` imports it (a
    BaseException: the module's own ``except Exception`` does not swallow it)."""


@contextlib.contextmanager
def _nothing_started():
    """While importing: starting a thread or connecting a socket raises :class:`Refused` in the module that does.
    A zygote must fork single-threaded, and its kernels must each do at import what a fresh kernel does."""
    import _thread
    import threading

    def refuse_thread(function=None, *_args, **_kwargs):
        # Thread.start forgets a thread that failed to start only on an Exception: forget this one here
        with contextlib.suppress(Exception), threading._active_limbo_lock:
            threading._limbo.pop(getattr(function, "__self__", None), None)
        raise Refused("a thread started at import")

    def refuse_connection(*_args, **_kwargs):
        raise Refused("a connection opened at import")

    patches = [(owner, name, refuse_thread) for owner, names in (
        (threading, ("_start_new_thread", "_start_joinable_thread")),
        (_thread, ("start_new_thread", "start_joinable_thread", "start_new"))) for name in names
        if hasattr(owner, name)]
    patches += [(socket.socket, name, refuse_connection) for name in ("connect", "connect_ex")]
    saved = [(owner, name, owner.__dict__.get(name)) for owner, name, _ in patches]  # None: inherited
    try:
        for owner, name, replacement in patches:
            setattr(owner, name, replacement)
        yield
    finally:
        for owner, name, original in saved:
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


def preload(modules: list[str]) -> list[str]:
    """Import what can be imported of ``modules`` (``a.b.c`` only where it names a module); the names imported.

    A module that fails to import is left to the kernel (which reports it itself). A module that starts a thread or
    connects a socket while it is imported is not imported (:func:`_nothing_started`): the import system removes the
    modules whose import raised, and a kernel imports them afresh, thread and all, as a fresh kernel does."""
    import importlib
    import importlib.util

    done = []
    for name in modules:
        try:
            with _nothing_started():
                if importlib.util.find_spec(name) is None:
                    continue
                importlib.import_module(name)
            done.append(name)
        except (Exception, Refused):  # an attribute imported from a module, a missing package …
            continue
    return done


# ----------------------------------------------------------------------------------------------------------------
# What the notebooks' code imports when it runs: the project's modules, read (never imported) to find it


def _installed(path: str) -> bool:
    """True for a file of the interpreter's installation: its standard library, or any ``site-packages`` folder
    (the environment's, the user's, the system's)."""
    import sysconfig

    path = os.path.realpath(path)
    if {"site-packages", "dist-packages"} & set(path.split(os.sep)):
        return True
    paths = sysconfig.get_paths()
    return path.startswith(tuple(os.path.join(os.path.realpath(paths[k]), "") for k in ("stdlib", "platstdlib")
                                 if paths.get(k)))


_PROJECT: dict[str, bool] = {}


def is_project(name: str) -> bool:
    """True if the top-level package of ``name`` is the project's: this package (``vstudy``), or one whose source is
    outside the interpreter's installation (a folder of the study's own, on ``sys.path``). Its modules are read for
    the imports their functions make; a third-party package is imported, never read."""
    top = name.partition(".")[0]
    if top not in _PROJECT:
        import importlib.util

        origin = None
        if top not in sys.stdlib_module_names and top not in sys.builtin_module_names:
            try:
                spec = importlib.util.find_spec(top)  # a top-level name: nothing is imported
            except (ImportError, ValueError):
                spec = None
            if spec is not None:
                origin = spec.origin or next(iter(spec.submodule_search_locations or []), None)
        _PROJECT[top] = top == __name__.partition(".")[0] or (
            origin is not None and os.path.isabs(origin) and not _installed(origin))
    return _PROJECT[top]


_SOURCES: dict[str, str | None] = {}


def _source(name: str) -> str | None:
    """The ``.py`` file of a project module (found on ``sys.path`` as the import system would, without importing)."""
    if name not in _SOURCES:
        _SOURCES[name] = _find_source(name) if is_project(name) else None
    return _SOURCES[name]


def _find_source(name: str) -> str | None:
    import importlib.util

    top, *parts = name.split(".")
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    path, folders = spec.origin, list(spec.submodule_search_locations or [])
    for part in parts:
        for folder in folders:
            package, module = os.path.join(folder, part, "__init__.py"), os.path.join(folder, part + ".py")
            if os.path.isfile(package):
                path, folders = package, [os.path.dirname(package)]
                break
            if os.path.isfile(module):
                path, folders = module, []
                break
        else:
            return None
    return path if path and path.endswith(".py") and os.path.isfile(path) else None


class _Module:
    """A project module's source, parsed: its top-level definitions, the names its import-time code binds by import,
    and what each of its units (its import-time code, a definition) imports and uses (:func:`_edges`)."""

    def __init__(self, name: str, tree, package: bool) -> None:
        import ast

        self.name = name
        self.package = name if package else name.rpartition(".")[0]
        self.tree = tree
        self.defs = {node.name: node for node in tree.body
                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        self.names = _bindings(self, _used(tree, into_functions=False))
        self.edges: dict[str | None, tuple[list[str], list[tuple[str, str | None]]]] = {}


_PARSED: dict[str, tuple[int, _Module]] = {}


def _parse(name: str) -> _Module | None:
    import ast

    path = _source(name)
    if path is None:
        return None
    try:
        stamp = os.stat(path).st_mtime_ns
        if path in _PARSED and _PARSED[path][0] == stamp:
            return _PARSED[path][1]
        with open(path, "rb") as fh:
            module = _Module(name, ast.parse(fh.read(), path), os.path.basename(path) == "__init__.py")
    except (OSError, SyntaxError, ValueError):
        return None
    _PARSED[path] = (stamp, module)
    return module


def _used(node, into_functions: bool = True) -> list:
    """The import statements, names and attributes under ``node``: not in ``if TYPE_CHECKING:`` blocks (never run),
    nor in annotations (the project's modules postpone them), nor in function bodies unless ``into_functions`` (a
    module's or a class's import-time code)."""
    import ast

    found = []
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Name, ast.Attribute)):
            found.append(node)
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            children = node.orelse
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            children = [*getattr(node, "decorator_list", []), *node.args.defaults,
                        *(d for d in node.args.kw_defaults if d is not None)]
            if into_functions:
                children.extend(node.body if isinstance(node.body, list) else [node.body])
        elif isinstance(node, ast.AnnAssign):
            children = [node.target, *([node.value] if node.value is not None else [])]
        elif isinstance(node, ast.arg):
            children = []
        else:
            children = list(ast.iter_child_nodes(node))
        stack.extend(reversed(children))
    return found


def _absolute(module: _Module | None, node) -> str | None:
    """The module an ``ImportFrom`` names, relative imports resolved against ``module``'s package."""
    if not node.level:
        return node.module
    if module is None:
        return None
    base = module.package.split(".")
    if node.level - 1 >= len(base):
        return None
    base = base[:len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])]) or None


def _bindings(module: _Module | None, nodes) -> dict[str, tuple[str, str | None]]:
    """The names the import statements among ``nodes`` bind: name -> (module, None) or (module, attribute)."""
    import ast

    bound: dict[str, tuple[str, str | None]] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = (alias.name, None)
                else:
                    top = alias.name.partition(".")[0]
                    bound[top] = (top, None)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            for alias in node.names if source else ():
                if alias.name != "*":
                    full = f"{source}.{alias.name}"
                    bound[alias.asname or alias.name] = (full, None) if _source(full) else (source, alias.name)
    return bound


def _edges(owner: _Module | None, nodes, names: dict) -> tuple[list[str], list[tuple[str, str | None]]]:
    """What code (``nodes``, with the names ``names`` bound by the module around it) imports and reaches: the
    modules outside the project it names, and the project's units it reaches — (module, None), the module's
    import-time code, or (module, name), a definition in it."""
    import ast

    names = {**names, **_bindings(owner, nodes)}
    modules: list[str] = []
    units: list[tuple[str, str | None]] = []
    for node in nodes:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            else:
                source = _absolute(owner, node)
                imported = [source, *(f"{source}.{a.name}" for a in node.names if a.name != "*")] if source else []
            for name in imported:
                if not is_project(name):
                    modules.append(name)  # ``from a import b``: :func:`preload` imports a.b only if it is a module
                elif _source(name):
                    units.append((name, None))
                elif name.rpartition(".")[0] and _source(name.rpartition(".")[0]):
                    units.append(tuple(name.rsplit(".", 1)))  # a definition imported from a module
        elif isinstance(node, ast.Name):
            if owner is not None and node.id in owner.defs:
                units.append((owner.name, node.id))
            elif names.get(node.id, ("", None))[1] is not None and is_project(names[node.id][0]):
                units.append(names[node.id])
        elif isinstance(node, ast.Attribute):
            chain = []
            base = node
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            bound = names.get(base.id) if isinstance(base, ast.Name) else None
            if bound is None or bound[1] is not None:
                continue
            module = bound[0]
            chain.reverse()
            if not is_project(module):  # scipy.stats.f(): a submodule that scipy loads when it is used
                modules.extend(".".join([module, *chain[:i]]) for i in range(1, len(chain)))
                continue
            for attr in chain:
                if not _source(f"{module}.{attr}"):
                    units.append((module, attr))
                    break
                module = f"{module}.{attr}"
    return modules, units


def reach(sources) -> list[str]:
    """Every module the code in ``sources`` (the ast trees of a notebook's cells) imports, and every module imported
    by the project's code it reaches, in order of discovery.

    A name the code uses — a function, a class, ``module.attribute`` — reaches that definition (a class: all of it),
    whose imports at any depth and whose names are followed in turn; a project module imported reaches its
    import-time code. Project modules (:func:`is_project`) are read, never imported; a third-party module is named,
    not read. Annotations and ``if TYPE_CHECKING:`` blocks do not run and are left out; what a branch would import
    is found whether or not the branch is taken."""
    import collections

    modules, units = _edges(None, [n for tree in sources for n in _used(tree)], {})
    found = dict.fromkeys(modules)
    done: set[tuple[str, str | None]] = set()
    todo = collections.deque(units)
    while todo:
        unit = todo.popleft()
        if unit in done:
            continue
        done.add(unit)
        name, symbol = unit
        module = _parse(name)
        if module is None:
            continue
        found.setdefault(name)
        if symbol is not None and symbol not in module.defs:
            bound = module.names.get(symbol)  # imported into the module: the definition is elsewhere
            todo.extend([(name, None), *([bound] if bound and is_project(bound[0]) else [])])
            continue
        if symbol not in module.edges:
            if symbol is None:
                edges = _edges(module, _used(module.tree, into_functions=False), module.names)
                parent = name.rpartition(".")[0]
                module.edges[symbol] = (edges[0], [*([(parent, None)] if parent else []), *edges[1]])
            else:
                edges = _edges(module, _used(module.defs[symbol]), module.names)
                module.edges[symbol] = (edges[0], [(name, None), *edges[1]])
        more, units = module.edges[symbol]
        found.update(dict.fromkeys(more))
        todo.extend(units)
    return list(found)


def notebook_reach(path: str) -> list[str]:
    """The modules a notebook's code imports, its own import statements' and those of the project's code it calls
    (:func:`reach`)."""
    return reach(_cells(path))


def _cells(path: str) -> list:
    """The ast trees of a notebook's code cells (IPython's magics and shell escapes left out)."""
    import ast

    try:
        with open(path, encoding="utf-8") as fh:
            cells = json.load(fh).get("cells", [])
    except (OSError, ValueError):
        return []
    trees = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = source if isinstance(source, str) else "".join(source)
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            trees.append(ast.parse("\n".join(lines)))
        except SyntaxError:
            continue
    return trees


# ----------------------------------------------------------------------------------------------------------------
# The zygote


def _send(conn: socket.socket, message: dict) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


def _refuse(request: dict) -> str | None:
    """Why the zygote will not serve this request (None: it will)."""
    import threading

    if _UNSERVED[0]:
        return _UNSERVED[0]
    if threading.active_count() != 1 or _backend_selected():
        return "a thread or matplotlib's backend in the zygote"
    argv = request.get("argv") or []
    if argv[:1] != [sys.executable] or argv[1:len(_OPTIONS) + 3] != [*_OPTIONS, "-m", _MODULE[0]]:
        return "another command"
    if os.path.realpath(request.get("cwd", "")) != os.path.realpath(os.getcwd()):
        return "another folder"
    env = request.get("env") or {}
    differ = {k for k in set(env) | set(_STARTED_WITH) if env.get(k) != _STARTED_WITH.get(k)}
    if differ - set(PER_KERNEL_ENV):
        return "another environment: " + ", ".join(sorted(differ - set(PER_KERNEL_ENV)))
    return None


_STARTED_WITH: dict[str, str] = {}
_OPTIONS: list[str] = []  # the interpreter's options (-X …), the same in the zygote as in the kernel's command
_MODULE = [KERNEL_MODULE]  # the module the zygote's children run (another one in the tests)


def _receive(conn: socket.socket) -> tuple[dict, list[int]]:
    """One request: a 4-byte length, JSON, and the stub's three standard streams."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    try:
        while len(data) < 4 or len(data) < 4 + struct.unpack("!I", data[:4])[0]:
            more = conn.recv(1 << 16)
            if not more:
                raise ConnectionError("request cut short")
            data += more
        (size,) = struct.unpack("!I", data[:4])
        return json.loads(data[4:4 + size].decode()), list(fds)
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def _set_parent_death_signal() -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def address(name: str) -> str:
    """The socket address of a zygote named ``@NAME``: Linux's abstract namespace (no file to create, to clean up
    or to leave behind when a build is killed; the zygote serves only processes of its own user)."""
    return "\0" + name[1:] if name.startswith("@") else name


def serve(path: str) -> dict | None:
    """The zygote's loop: accept requests on ``path``, fork kernels, report their ends; returns None when the worker
    is gone (standard input at end-of-file), or, in a forked child, the request the child is to run."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address(path))
    listener.listen(64)
    if _READY[0] >= 0:
        os.write(_READY[0], b"ready\n")  # the worker waits for this line
        os.close(_READY[0])
        _READY[0] = -1
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    kernels: dict[int, socket.socket] = {}  # pid -> the connection of its stub
    stubs: dict[socket.socket, int] = {}
    try:
        while True:
            try:
                readable, _, _ = select.select([listener, wake_r, 0, *stubs], [], [], 0 if _WORK else None)
            except InterruptedError:
                readable = [wake_r]
            if 0 in readable:
                data = os.read(0, 4096)
                if not data:
                    return None  # the worker is gone
                _told(data)
            if wake_r in readable:
                with contextlib.suppress(BlockingIOError):
                    while os.read(wake_r, 4096):
                        pass
            while kernels:  # kernels that ended: their stubs end with their status
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if not pid:
                    break
                conn = kernels.pop(pid, None)
                if conn is not None:
                    stubs.pop(conn, None)
                    with contextlib.suppress(OSError):
                        _send(conn, {"status": status})
                    conn.close()
            for conn in [c for c in readable if c in stubs]:
                with contextlib.suppress(OSError):
                    if conn.recv(4096):
                        continue
                _kill_group(stubs.pop(conn))  # the stub died: so does its kernel (it is reaped above, later)
                conn.close()
            if listener in readable:
                child = _accept(listener, kernels, stubs)
                if child is not None:  # in the forked child: leave everything of the zygote behind
                    for fd in (wake_r, wake_w):
                        os.close(fd)
                    return child
            elif not readable and _WORK:  # nothing to do but the imports of the worker's notebooks' code
                _work()
    finally:
        if os.getpid() == _ZYGOTE_PID[0]:
            for pid in list(kernels):
                _kill_group(pid)


_ZYGOTE_PID = [0]
_READY = [-1]  # the zygote's original standard output, where it says it is ready
# The zygote's idle time: ("notebook", path) to read (:func:`notebook_reach`), ("module", name) to import.
_WORK: list[tuple[str, str]] = []
_READ: set[str] = set()  # the notebooks read
_STDIN = [b""]  # a line the worker has not finished writing
_UNSERVED = [""]  # why the zygote forks no more kernels (a preload left a thread or selected the backend)
_STARTED_FOR: list[str] = []  # the notebook the zygote was started for, until the worker names another one


def _told(data: bytes) -> None:
    """The worker names each other notebook it runs (a JSON string a line, :meth:`Zygote.prepare`): the imports of
    its code, and of the first notebook's, are imported while the zygote waits. A worker that runs one notebook (in
    one edition or several) has its zygote import no more than its own import statements name."""
    lines = (_STDIN[0] + data).split(b"\n")
    _STDIN[0] = lines.pop()
    for line in lines:
        with contextlib.suppress(ValueError):
            path = json.loads(line)
            if isinstance(path, str):
                _WORK.extend(("notebook", nb) for nb in [*_STARTED_FOR, path] if nb not in _READ)
                _STARTED_FOR.clear()


def _work() -> None:
    """One step of the idle time's work: read a notebook (the modules its code imports join the work), or import one
    module. If an import left a thread or selected matplotlib's backend, no kernel is forked any more."""
    import threading

    kind, name = _WORK.pop(0)
    if kind == "notebook":
        if name not in _READ:
            _READ.add(name)
            _WORK.extend(("module", m) for m in notebook_reach(name) if m not in sys.modules)
        return
    if name in sys.modules:
        return
    preload([name])
    if threading.active_count() != 1 or _backend_selected():
        _UNSERVED[0] = f"importing {name} started a thread or selected the backend"
        _WORK.clear()


def _accept(listener: socket.socket, kernels: dict, stubs: dict) -> dict | None:
    conn, _ = listener.accept()
    fds: list[int] = []
    try:
        _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                              struct.calcsize("3i")))
        if uid != os.getuid():
            raise PermissionError("a process of another user")
        conn.settimeout(10)
        request, fds = _receive(conn)
        conn.settimeout(None)
        why = _refuse(request) if len(fds) == 3 else "no streams"
        if why:
            for fd in fds:
                os.close(fd)
            fds = []
            _send(conn, {"cold": why})
            conn.close()
            return None
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        # The zygote's objects out of the collector's sight: a kernel's collections neither scan them (a full one
        # would take several times as long) nor write to their pages (each one written is copied into the kernel).
        gc.freeze()
        pid = os.fork()
    except Exception:  # a request cut short, a failed fork: the stub runs the kernel cold
        conn.close()
        for fd in fds:
            os.close(fd)
        return None
    if pid == 0:
        try:
            return _become_kernel(request, fds, [listener, conn, *stubs])
        except BaseException:
            os._exit(70)
    for fd in fds:
        os.close(fd)
    kernels[pid] = conn
    stubs[conn] = pid
    with contextlib.suppress(OSError):
        _send(conn, {"pid": pid})
    return None


def _become_kernel(request: dict, fds: list[int], zygote_sockets: list[socket.socket]) -> dict:
    """In the forked child: a session of its own, the stub's streams, folder and environment; the zygote's signal
    handling undone. Returns the request for :func:`main` to run."""
    os.setsid()
    _set_parent_death_signal()
    if os.getppid() != _ZYGOTE_PID[0]:
        os._exit(1)  # the zygote died before the death signal was set
    signal.set_wakeup_fd(-1)
    for name in ("SIGCHLD", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sock in zygote_sockets:
        with contextlib.suppress(OSError):
            sock.close()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in set(fds):
        if fd > 2:
            os.close(fd)
    os.chdir(request["cwd"])
    env = request["env"]
    for key in PER_KERNEL_ENV:  # everything else is the zygote's, as its own imports left it
        if key in env:
            os.environ[key] = env[key]
        else:
            os.environ.pop(key, None)
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()  # numpy's global state from fresh entropy, as a new interpreter's import draws it
    return request


def run_kernel(request: dict) -> None:
    """Run the requested ``python -m ipykernel_launcher ARGS`` in this process, as ``python -m`` would."""
    import runpy

    sys.argv = [request["argv"][0], *request["argv"][len(_OPTIONS) + 3:]]  # argv[0]: the module's file, below
    runpy.run_module(_MODULE[0], run_name="__main__", alter_sys=True)


def zygote(path: str, options: list[str], module: str, notebooks: list[str]) -> int:
    """``--zygote SOCKET OPTIONS MODULE NOTEBOOK...``: import, then serve; a forked child runs ``-m MODULE`` (the
    kernel) and exits with it. OPTIONS (JSON) are the interpreter options this process was started with, those of
    the kernel's command."""
    _ZYGOTE_PID[0] = os.getpid()
    # Standard output is the worker's pipe, for the line that says "ready" and for nothing else.
    _READY[0] = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    _OPTIONS[:] = options
    _MODULE[0] = module
    _STARTED_WITH.update(os.environ)
    # ipykernel selects its inline backend through MPLBACKEND when it starts (unless set): set it the same way before
    # matplotlib is imported here, so that matplotlib reads the backend a fresh kernel's matplotlib reads.
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    import threading

    if module == KERNEL_MODULE:
        import ipykernel.kernelapp  # noqa: F401  # the kernel itself
    preload([m for nb in notebooks for m in preload_list(nb)])
    if threading.active_count() != 1 or _backend_selected():
        return 3  # never fork with a thread or a selected backend: the worker runs its kernels cold
    _STARTED_FOR[:] = notebooks  # their code's imports: once the worker runs another notebook (:func:`_told`)
    request = serve(path)
    if request is None:
        return 0
    run_kernel(request)
    return 0


def _backend_selected() -> bool:
    """True if a preloaded module selected matplotlib's backend (it must be selected in the kernel)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    return "matplotlib_inline.backend_inline" in sys.modules or (
        pyplot is not None and getattr(pyplot, "_backend_mod", None) is not None)


# ----------------------------------------------------------------------------------------------------------------
# The stub


def _exit_like(status: int) -> None:
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        with contextlib.suppress(OSError, ValueError):
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        code = 128 - code
    os._exit(code)


def _ask(path: str, command: list[str]) -> tuple[socket.socket, int, bytes] | None:
    """Ask the zygote for a kernel: (the connection, the kernel's pid, what was read after the answer), or None for
    a cold kernel."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(30)
        sock.connect(address(path))
        payload = json.dumps({"argv": command, "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
        socket.send_fds(sock, [struct.pack("!I", len(payload)) + payload], [0, 1, 2])
        received = b""
        while b"\n" not in received:
            data = sock.recv(4096)
            if not data:
                raise ConnectionError("the zygote closed the connection")
            received += data
        line, rest = received.split(b"\n", 1)
        answer = json.loads(line)
    except (OSError, ValueError):
        sock.close()
        return None
    if "pid" not in answer:
        sock.close()
        return None
    sock.settimeout(None)
    return sock, int(answer["pid"]), rest


def stub(path: str, command: list[str]) -> int:
    """``--stub SOCKET -- COMMAND``: a kernel from the zygote, stood in for by this process; else COMMAND itself."""
    pending: list[int] = []
    kernel = [0]

    def forward(signum, _frame):
        if kernel[0]:
            _kill_group(kernel[0], signum)
        else:
            pending.append(signum)

    for name in FORWARDED:
        signal.signal(getattr(signal, name), forward)
    parent = os.getppid()
    asked = _ask(path, command)
    if asked is None:
        for name in FORWARDED:
            signal.signal(getattr(signal, name), signal.SIG_DFL if name != "SIGINT" else signal.default_int_handler)
        if any(s in pending for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)):
            return 128 + pending[-1]  # stopped before a kernel ran
        for name in ("SIGPIPE", "SIGXFSZ"):  # ignored by Python, and an ignored signal stays so across exec
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_DFL)
        os.execv(command[0], command)  # the cold kernel, in this process, as jupyter_client would have started it
    sock, kernel[0], received = asked
    for signum in pending:
        _kill_group(kernel[0], signum)
    while True:
        if b"\n" in received:
            message = json.loads(received.split(b"\n", 1)[0])
            if "status" in message:
                _exit_like(int(message["status"]))
            received = received.split(b"\n", 1)[1]
            continue
        try:
            readable, _, _ = select.select([sock], [], [], 1.0)
        except InterruptedError:
            continue
        if os.getppid() != parent:  # the worker is gone: so is its kernel (ipykernel's own rule, see module doc)
            _kill_group(kernel[0])
            os._exit(1)
        if not readable:
            continue
        try:
            data = sock.recv(4096)
        except InterruptedError:
            continue
        except OSError:
            data = b""
        if not data:  # the zygote died, and its kernels with it
            _kill_group(kernel[0])
            os._exit(1)
        received += data


# ----------------------------------------------------------------------------------------------------------------
# In the worker


class Zygote:
    """The worker's zygote process: started by :func:`zygote_for`, ends when the worker does."""

    def __init__(self, cwd: str, notebook: str, options: list[str], module: str = KERNEL_MODULE) -> None:
        import subprocess
        import uuid

        self.path = f"@vstudy-zygote-{uuid.uuid4().hex}"  # an abstract socket (:func:`address`)
        self.cwd = os.path.realpath(cwd)
        read, self.lifeline = os.pipe()  # the zygote's stdin: end-of-file when this process is gone
        self.env = dict(os.environ, JPY_PARENT_PID=str(os.getpid()))  # the kernels' environment it serves
        try:
            self.proc = subprocess.Popen(
                [sys.executable, *options, "-m", "vstudy.publish.warm", "--zygote", self.path, json.dumps(options),
                 module, os.path.abspath(notebook)],
                cwd=cwd, env=self.env, stdin=read, stdout=subprocess.PIPE, start_new_session=True)
        finally:
            os.close(read)
        os.set_blocking(self.lifeline, False)
        self.usable: bool | None = None
        self.told = {os.path.abspath(notebook)}

    def ready(self, timeout: float = READY_TIMEOUT) -> bool:
        """Wait until the zygote serves (it says so on its standard output); False if it ended or took too long."""
        if self.usable is not None:
            return self.usable and self.proc.poll() is None
        assert self.proc.stdout is not None
        line = b""
        with contextlib.suppress(OSError, ValueError):
            if select.select([self.proc.stdout], [], [], timeout)[0]:
                line = self.proc.stdout.readline()
        self.usable = line == b"ready\n" and self.proc.poll() is None
        if not self.usable:
            self.close()
        return self.usable

    def prepare(self, notebook: str) -> None:
        """Tell the zygote the worker runs ``notebook``: it imports what that notebook's code imports while it
        waits (once per notebook)."""
        notebook = os.path.abspath(notebook)
        if notebook not in self.told:
            self.told.add(notebook)
            with contextlib.suppress(OSError):  # a zygote that is gone or does not read: its kernels are as before
                os.write(self.lifeline, json.dumps(notebook).encode() + b"\n")

    def command(self, cmd: list[str]) -> list[str]:
        return [sys.executable, "-m", "vstudy.publish.warm", "--stub", self.path, "--", *cmd]

    def close(self) -> None:
        """End the zygote (it ends its kernels) and wait for it, so that its CPU time counts as this process's."""
        import subprocess

        with contextlib.suppress(OSError):
            os.close(self.lifeline)
        try:
            self.proc.wait(2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


_ZYGOTES: dict[str, Zygote] = {}


def zygote_for(spec: dict) -> Zygote | None:
    """This worker's zygote for a notebook spec (started at the first one; again if it died serving); None when
    kernels are to be cold (:func:`enabled`, a zygote that could not start)."""
    if not enabled():
        return None
    cwd = os.path.realpath(spec.get("cwd") or os.getcwd())
    current = _ZYGOTES.get(cwd)
    if current is not None and current.usable is False:
        return None  # it could not start: this worker's kernels stay cold
    if current is not None and current.proc.poll() is not None:
        current.close()
        current = None
    if current is None:
        if not _ZYGOTES:
            import atexit

            atexit.register(close_all)
        options = interpreter_options(spec.get("kernel") or "python3")
        if options is None:
            return None
        try:
            current = _ZYGOTES[cwd] = Zygote(cwd, spec["input"], options)
        except OSError:
            return None
    current.prepare(spec["input"])
    return current


def close_all() -> None:
    """End this worker's zygotes (at exit)."""
    for zygote_ in list(_ZYGOTES.values()):
        zygote_.close()
    _ZYGOTES.clear()


def interpreter_options(kernel: str) -> list[str] | None:
    """The options before ``-m ipykernel_launcher`` in the kernel's command (``-Xfrozen_modules=off``), when the
    command is this interpreter running ipykernel; None for any other kernel."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        argv = list(KernelSpecManager().get_kernel_spec(kernel).argv)
    except Exception:
        return None
    if argv[:1] and argv[0] in {"python", f"python{sys.version_info[0]}", f"python{sys.version_info[0]}.{sys.version_info[1]}"}:
        argv[0] = sys.executable  # as jupyter_client does
    for i in range(1, len(argv) - 1):
        if argv[i:i + 2] == ["-m", KERNEL_MODULE]:
            options = argv[1:i]
            if argv[0] == sys.executable and all(o.startswith("-") for o in options):
                return options
    return None


def kernel_manager_class(base, zygote_: Zygote | None):
    """``base`` whose kernels come from ``zygote_`` (``base`` itself when there is none or it is not ready)."""
    if zygote_ is None or not zygote_.ready():
        return base

    class WarmKernelManager(base):
        def format_kernel_cmd(self, extra_arguments=None):
            return zygote_.command(super().format_kernel_cmd(extra_arguments))

    return WarmKernelManager


def main(argv: list[str]) -> int:
    if argv[:1] == ["--zygote"]:
        return zygote(argv[1], json.loads(argv[2]), argv[3], argv[4:])
    if argv[:1] == ["--stub"] and "--" in argv:
        return stub(argv[1], argv[argv.index("--") + 1:])
    print("usage: python -m vstudy.publish.warm (--zygote SOCKET OPTIONS MODULE NOTEBOOK... "
          "| --stub SOCKET -- COMMAND...)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
