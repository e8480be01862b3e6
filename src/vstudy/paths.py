"""Where the project's folders are. Everything else takes paths from here or from its caller."""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """The repository root: $VSTUDY_ROOT if set, else the checkout this package was installed from."""
    env = os.environ.get("VSTUDY_ROOT")
    if env:
        return Path(env).resolve()
    # src/vstudy/paths.py -> repository root two levels above src/
    return Path(__file__).resolve().parents[2]


def raw_dir() -> Path:
    return repo_root() / "data" / "raw"


def processed_dir() -> Path:
    return repo_root() / "data" / "processed"


def reports_dir() -> Path:
    return repo_root() / "reports"


def regions_dir() -> Path:
    return raw_dir() / "regions"
