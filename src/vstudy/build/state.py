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


def load_state(path: Path) -> dict:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"version": STATE_VERSION, "data": {}, "sections": {}, "site": {}}
    if state.get("version") != STATE_VERSION:
        return {"version": STATE_VERSION, "data": {}, "sections": {}, "site": {}}
    for key in ("data", "sections", "site"):
        state.setdefault(key, {})
    return state


def save_state(path: Path, state: dict) -> None:
    write_text_atomic(path, json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
