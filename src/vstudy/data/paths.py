"""Where the project's folders are. Everything else takes paths from here or from its caller."""

from __future__ import annotations

import os
import re
from pathlib import Path


def repo_root() -> Path:
    """The repository root: $VSTUDY_ROOT if set, else the checkout this package was installed from."""
    env = os.environ.get("VSTUDY_ROOT")
    if env:
        return Path(env).resolve()
    # src/vstudy/data/paths.py -> the repository root is three levels above src/vstudy/data/
    return Path(__file__).resolve().parents[3]


def raw_dir() -> Path:
    return repo_root() / "data" / "raw"


def processed_dir() -> Path:
    return repo_root() / "data" / "processed"


def regions_dir() -> Path:
    return raw_dir() / "regions"


def output_tree(data_dir: str | os.PathLike, root: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """(processed layer, output tree) of a dataset: one output tree per dataset, so that building one never
    touches another's outputs.

    ``data/raw`` (the 2021 study) builds into ``data/processed`` and ``reports/``; any other dataset ``DIR`` (or
    workbook ``DIR.xlsx``) into ``builds/<name>/`` with its processed layer in ``builds/<name>/processed``, where
    ``<name>`` is the folder's (or workbook's) name with anything but letters, digits, ``.``, ``_`` and ``-``
    replaced by ``-``.
    """
    base = Path(root).resolve() if root is not None else repo_root()
    data = Path(data_dir).resolve()
    if data == (base / "data" / "raw").resolve():
        return base / "data" / "processed", base / "reports"
    stem = data.stem if data.suffix.lower() in (".xlsx", ".xlsm") else data.name
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-") or "dataset"
    tree = base / "builds" / name
    return tree / "processed", tree
