"""The processes of one build: tagged, watched, and ended together.

Every worker a build starts carries ``VSTUDY_BUILD=<token>`` in its environment, and the Jupyter kernels the worker
starts inherit it (so do the zygote a worker forks its kernels from and the kernels it forks, :mod:`vstudy.publish.warm`). That tag finds them all, whatever session or process group jupyter_client put them in:

* the build ends its workers and their kernels with :func:`kill_tagged` when it stops for any reason it can handle
  (the end of the build, a failure, Ctrl-C, SIGTERM);
* a worker reads a *watchdog pipe* whose only writer is the build process: when the build dies in a way it cannot
  handle (SIGKILL, a crash), the pipe reaches end-of-file at once and the worker ends every process of the build
  (its kernels included) and then itself (:func:`watch_parent`);
* the next build ends stragglers of an earlier build it finds recorded in the output tree.

Quarto runs the same way (:func:`watched_command`), so a build killed while rendering leaves nothing running.

Linux ``/proc`` is read; elsewhere the functions find nothing and the kernels' own parent polling remains.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from pathlib import Path

TAG = "VSTUDY_BUILD"
WATCHDOG_FD = "VSTUDY_WATCHDOG_FD"


def tagged_processes(token: str) -> list[int]:
    """Pids of the live processes whose environment holds ``VSTUDY_BUILD=<token>`` (zombies excluded)."""
    wanted = f"{TAG}={token}".encode()
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if wanted in environ.split(b"\0") and _alive(int(entry.name)):
            found.append(int(entry.name))
    return sorted(found)


def _alive(pid: int) -> bool:
    """True unless the process is gone or a zombie (dead, waiting for its parent to collect it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def kill_tagged(token: str, exclude: tuple[int, ...] = (), timeout: float = 5.0) -> list[int]:
    """SIGKILL every process of the build ``token`` and its process group; wait until they are gone.

    Never signals the calling process or its own process group. Returns the pids that were signalled.
    """
    me, my_group = os.getpid(), os.getpgid(0)
    skip = {me, *exclude}
    killed: list[int] = []
    deadline = time.monotonic() + timeout
    while True:
        pids = [p for p in tagged_processes(token) if p not in skip]
        if not pids or time.monotonic() > deadline:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                group = os.getpgid(pid)
                if group != my_group and group not in skip:
                    os.killpg(group, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
            if pid not in killed:
                killed.append(pid)
        time.sleep(0.02)
    return killed


def watch_parent(token: str | None, fd: int | None) -> None:
    """In a worker: end the whole build's processes and this one when the watchdog pipe ``fd`` closes."""
    if fd is None:
        return

    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(fd, 64):
                pass
        if token:
            kill_tagged(token, timeout=2.0)
        os._exit(75)

    threading.Thread(target=watch, name="vstudy-watchdog", daemon=True).start()


def watched_command(command: list[str], token: str, fd: int) -> tuple[list[str], dict, tuple[int, ...]]:
    """(argv, env, pass_fds) that run ``command`` tagged with the build and watched: if the build dies, the
    command and everything it started end at once (``python -m vstudy.publish.procs``)."""
    env = dict(os.environ)
    env[TAG] = token
    env[WATCHDOG_FD] = str(fd)
    return [sys.executable, "-m", "vstudy.publish.procs", "--", *command], env, (fd,)


def main(argv: list[str]) -> int:
    """``python -m vstudy.publish.procs -- COMMAND...``: run COMMAND under the build's watchdog (see
    :func:`watched_command`); exits with its status."""
    import subprocess

    command = argv[argv.index("--") + 1:] if "--" in argv else argv
    fd = os.environ.get(WATCHDOG_FD)
    watch_parent(os.environ.get(TAG), int(fd) if fd and fd.isdigit() else None)
    return subprocess.run(command).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
