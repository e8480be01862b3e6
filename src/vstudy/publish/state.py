"""Content hashes and the build's state file: what decides that a step is up to date."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from vstudy.data.atomic import write_text_atomic

STATE_VERSION = 4  # 4: one execution per section and edition (en/…, ru/…), per-page render records; 3: every output
# recorded with its hash; the dataset the tree belongs to


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_json(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def files_under(directory: Path) -> list[Path]:
    """Every regular file below ``directory`` except hidden ones and caches, in a stable order.

    Symbolic links are followed only while they stay inside ``directory``; FIFOs, devices and sockets are
    skipped (hashing must never block or read outside what it describes).
    """
    from vstudy.data.manifest import dataset_files

    if not directory.is_dir():
        return []
    return dataset_files(directory)


def hash_tree(directory: Path, suffixes: Iterable[str] | None = None) -> dict[str, str]:
    wanted = tuple(suffixes) if suffixes else None
    return {
        str(p.relative_to(directory)): sha256_file(p)
        for p in files_under(directory)
        if wanted is None or p.name.endswith(wanted)
    }


# What of the package a build's results depend on: its code and its words (the message catalogues).
PACKAGE_SUFFIXES = (".py", ".yml")


def package_hash(package_dir: Path | None = None) -> str:
    """One hash of what executes the notebooks: the vstudy package's Python source and its message catalogues
    (``i18n/catalogues/<lang>/*.yml``, the glossary: the words the notebooks print), the resolved dependency set
    (``requirements/lock.txt``) and the Python version. A change to any of them may change any result."""
    package_dir = package_dir or Path(__file__).resolve().parents[1]
    lock = package_dir.parents[1] / "requirements" / "lock.txt"
    return sha256_json({
        "package": hash_tree(package_dir, PACKAGE_SUFFIXES),
        "lock": sha256_file(lock) if lock.is_file() else None,
        "python": sys.version,
    })


class CorruptState(Exception):
    """The state file exists but cannot be read as a state (not JSON, not an object, wrong types)."""


def empty_state() -> dict:
    return {"version": STATE_VERSION, "data": {}, "sections": {}, "site": {}}


def load_state(path: Path) -> dict:
    """The state file at ``path``; an empty state when there is none or it is of another version.

    Raises :class:`CorruptState` when the file is there but damaged: the build then cannot tell which files of the
    tree it wrote, and says so instead of guessing.
    """
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return empty_state()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptState(f"not readable as JSON ({exc})") from None
    if not isinstance(state, dict):
        raise CorruptState("not a JSON object")
    if state.get("version") != STATE_VERSION:
        return empty_state()
    for key in ("data", "sections", "site"):
        state.setdefault(key, {})
        if not isinstance(state[key], dict):
            raise CorruptState(f"its {key!r} entry is not an object")
    written = state.get("written")
    if written is not None and not (isinstance(written, list) and all(isinstance(w, str) for w in written)):
        raise CorruptState("its 'written' entry is not a list of paths")
    for unit, entry in state["sections"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("outputs", {}), dict):
            raise CorruptState(f"its entry for {unit!r} is not an object with outputs")
    return state


def save_state(path: Path, state: dict) -> None:
    write_text_atomic(path, json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
