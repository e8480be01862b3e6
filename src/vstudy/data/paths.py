"""Where the project's folders are. Everything else takes paths from here or from its caller."""

from __future__ import annotations

import os
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
