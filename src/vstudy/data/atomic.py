"""Atomic writes, directory swaps and locks: a reader never sees a half-written file or folder.

* :func:`atomic_path` / :func:`write_text_atomic` write beside the target and rename over it; the file gets the
  permissions an ordinary ``open()`` would give it (``0o666 & ~umask``), not ``mkstemp``'s 0600.
* :func:`temp_dir` makes a working folder with ``0o777 & ~umask`` (``mkdtemp`` makes 0700).
* :func:`swap_dir` puts a complete folder in place of another in one ``renameat2(RENAME_EXCHANGE)`` (two renames
  where the kernel lacks it); the data layer (``vstudy data``) and the build use this one implementation.
* :func:`exclusive_lock` takes an advisory ``flock`` on a lock file: one writer per output tree.

Only the standard library: the build imports this module on its light path (no pandas).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process's umask, read without changing it where Linux allows (``/proc/self/status``)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    with _UMASK_LOCK:  # elsewhere: set and restore (other threads may create files meanwhile: keep it short)
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def file_mode() -> int:
    return 0o666 & ~current_umask()


def dir_mode() -> int:
    return 0o777 & ~current_umask()


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success move it over ``target`` in one rename."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # Data must be on disk before the rename makes it visible; the mode is what open() would have given.
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), file_mode())
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text_atomic(target: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)


def temp_dir(parent: str | os.PathLike, prefix: str) -> Path:
    """A new empty folder in ``parent`` (created if needed) with the umask's permissions."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(path, dir_mode())
    return path


def fsync_tree(root: Path) -> None:
    """Flush every file below ``root`` to disk (before a rename makes the folder visible)."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


# --------------------------------------------------------------------------------------------------------------
# Swapping folders

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two existing paths (Linux ``renameat2``); False when the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_dir(new: Path, target: Path) -> bool:
    """Put folder ``new`` at ``target``. Returns True when a previous ``target`` existed: it is then at ``new``
    (the caller removes it). Without ``renameat2`` two renames are used; a kill between them leaves the
    previous folder at ``.<target>.previous`` and no ``target`` (:func:`recover_swap` puts it back)."""
    if not target.exists():
        os.replace(new, target)
        return False
    if exchange(new, target):
        return True
    previous = target.with_name(f".{target.name}.previous")
    if previous.exists():
        shutil.rmtree(previous)
    os.replace(target, previous)
    os.replace(new, target)
    os.replace(previous, new)
    return True


def recover_swap(target: Path) -> None:
    """Undo the first half of an interrupted two-rename :func:`swap_dir` (no-op when there is nothing to undo)."""
    previous = target.with_name(f".{target.name}.previous")
    if previous.exists() and not target.exists():
        os.replace(previous, target)
    elif previous.exists():
        shutil.rmtree(previous, ignore_errors=True)


# --------------------------------------------------------------------------------------------------------------
# Locks


def lock_path(directory: Path) -> Path:
    """The lock file of a folder that is replaced whole (a processed layer): beside it, so that it outlives swaps."""
    return directory.parent / f".{directory.name}.lock"


class Locked(Exception):
    """Another process holds the lock; ``holder`` is what it wrote into the lock file (pid, command, start)."""

    def __init__(self, path: Path, holder: str) -> None:
        self.path = path
        self.holder = holder
        super().__init__(f"{path} is held by {holder or 'another process'}")


@contextlib.contextmanager
def exclusive_lock(path: str | os.PathLike, holder: str = "", wait: bool = False,
                   on_wait=None) -> Iterator[Path]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) for the ``with`` block.

    ``wait=False`` raises :class:`Locked` at once when another process holds it; ``wait=True`` blocks (calling
    ``on_wait(holder)`` once before blocking). The lock ends with the process, however it ends: the kernel
    releases it when the file descriptor closes. ``holder`` (one line) is written into the file for the message
    another process shows.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            current = _read_holder(fd)
            if not wait:
                raise Locked(path, current) from None
            if on_wait is not None:
                on_wait(current)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, (holder.replace("\n", " ") + "\n").encode("utf-8", "replace"), 0)
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # releases the lock


def _read_holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        return os.pread(fd, 1000, 0).decode("utf-8", "replace").strip()
    return ""
