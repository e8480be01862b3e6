"""Results the editions of one build share: a costly computation that does not depend on the language runs once.

A build executes every section notebook once per edition (en, ru, kk), and the numbers are the same in each: only
the words differ. A function decorated with :func:`once_per_build` (the correlation study's permutation tests and
bootstrap, its robustness checks) stores its result in the folder named by the environment variable :data:`ENV`,
which the build sets for its notebook kernels to a folder of its own staging area (removed when the build ends).

* The result is keyed by a SHA-256 of the function, the arguments (pickled: data frames, seeds, ``n_boot``,
  the pairs of the plan) and the analysis package's source and plan files, so different inputs never share one.
* The first caller computes it under an exclusive file lock and writes it atomically; an edition that calls at the
  same moment waits for the lock and reads the file. Every caller, the first included, gets the result as read back
  from the file, so every edition works on the same object.
* Without the variable (a notebook run by hand or by papermill, a student's fork, the tests) the function just runs.

A pickle is the format because the result goes back into the same code of the same build (data frames keep their
dtypes, index and column order exactly); nothing outside the build's own folder is ever read.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from vstudy.data.atomic import atomic_path, exclusive_lock

ENV = "VSTUDY_SHARED_RESULTS"

F = TypeVar("F", bound=Callable[..., Any])


@functools.cache
def _code_hash() -> str:
    """The analysis package's Python sources and plan files: a result is never read by other code than wrote it."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in sorted(p for p in here.rglob("*") if p.suffix in (".py", ".yml", ".yaml") and p.is_file()):
        digest.update(str(path.relative_to(here)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _key(fn: Callable, args: tuple, kwargs: dict) -> str | None:
    """The result's key, or None when an argument cannot be pickled (then the function just runs)."""
    try:
        arguments = pickle.dumps((args, sorted(kwargs.items())), protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    digest = hashlib.sha256(f"{fn.__module__}.{fn.__qualname__}\0{_code_hash()}\0".encode())
    digest.update(arguments)
    return digest.hexdigest()


def once_per_build(fn: F) -> F:
    """Compute ``fn``'s result once per build and set of arguments (see the module's docstring)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        folder = os.environ.get(ENV)
        key = _key(fn, args, kwargs) if folder else None
        if not folder or key is None:
            return fn(*args, **kwargs)
        path = Path(folder) / f"{fn.__qualname__}.{key}.pickle"
        found = _read(path)
        if found is not None:
            return found[0]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:  # no place to share it: this edition computes its own
            return fn(*args, **kwargs)
        with exclusive_lock(path.with_name(path.name + ".lock"), holder=f"pid {os.getpid()}", wait=True):
            found = _read(path)  # another edition wrote it while this one waited
            if found is not None:
                return found[0]
            data = pickle.dumps(fn(*args, **kwargs), protocol=5)
            with contextlib.suppress(OSError), atomic_path(path) as tmp:  # unwritten: the others compute it
                tmp.write_bytes(data)
        return pickle.loads(data)

    return wrapper  # type: ignore[return-value]


def _read(path: Path) -> tuple[Any] | None:
    """``(result,)`` from ``path``, or None when it is not there (or unreadable: then it is computed again)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return (pickle.loads(data),)
    except Exception:  # a damaged file is no result: compute it
        return None
