"""Which folders vstudy may write into, and which files in them are its own.

A build (``vstudy build``) and ``vstudy data`` write only into a folder that

* they created (it did not exist, or it was empty), or
* records that it is a vstudy folder: an output tree holds the marker ``.vstudy-tree.json`` (written when the
  tree is first used; a tree built by an earlier version is recognised by its ``.vstudy-state.json``), a
  processed layer holds ``.vstudy-layer.json`` (a layer written by an earlier version is recognised by its
  ``dataset.json`` and ``data_dictionary.md``).

A non-empty folder that is neither is refused (:class:`Refused`, exit code 2), and so are, whatever they hold,
``/``, the home folder or a folder that contains it, the repository root or a folder that contains it, and the
dataset folder, a folder inside it or a folder that contains it (:func:`check_place`). Every check runs before
anything is written.

Inside an owned folder vstudy replaces only the files it recorded writing: :func:`carry_over` hard-links every
other file of a folder into the folder that replaces it, so a user's file survives the swap byte for byte
(:func:`walk` lists hidden files and symbolic links too, without following them).

Only the standard library: the build imports this module on its light path (no pandas).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from vstudy.data.atomic import write_text_atomic

TREE_MARKER = ".vstudy-tree.json"
LAYER_MARKER = ".vstudy-layer.json"
# Files that do not make a folder "not empty": the committed placeholder of data/processed and reports/, and the
# lock file of a build that stopped before it wrote anything else.
PLACEHOLDERS = frozenset({".gitkeep", ".vstudy.lock"})


class Refused(Exception):
    """vstudy will not write into this folder; the message names it and says why (exit code 2)."""


class Conflict(Refused):
    """A file vstudy did not write lies where the new output set puts one of its own."""


def shown(path: Path, anchors: Iterable[tuple[Path, str]] = ()) -> str:
    """``path`` as the user pointed at it: relative to the first anchor (folder, the name the user gave it) that
    holds it, else relative to the current folder when inside it, else as it is."""
    path = Path(path)
    for base, label in anchors:
        try:
            rel = path.relative_to(base)
        except ValueError:
            continue
        return label if rel == Path(".") else f"{label.rstrip('/')}/{rel.as_posix()}"
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix() or "."
    except (ValueError, OSError):
        return str(path)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def home_dir() -> Path | None:
    """The user's home folder ($HOME, else the password database's), resolved; None when there is none."""
    home = os.environ.get("HOME")
    try:
        return Path(home).resolve() if home else Path.home().resolve()
    except (RuntimeError, OSError):
        return None


def check_place(folder: Path, name: str, *, root: Path, dataset: Path | None = None,
                dataset_is_file: bool = False) -> None:
    """Refuse ``folder`` (resolved) as an output folder when it is a place vstudy never writes into.

    ``name`` is how the message calls it (``--output reports``). ``dataset`` is the dataset folder (or, with
    ``dataset_is_file``, the workbook file: then the workbook, a folder that contains it, and — when the workbook
    lies in a dataset folder, one with a ``manifest.yml`` — a folder inside that folder are refused).
    """
    folder = Path(folder)
    if folder == Path(folder.anchor):
        raise Refused(f"{name}: the root folder / is never an output folder")
    home = home_dir()
    if home is not None and _inside(home, folder):
        what = "your home folder" if folder == home else "a folder that contains your home folder"
        raise Refused(f"{name} is {what}; give a folder of its own (a new or empty one)")
    root = Path(root).resolve()
    if _inside(root, folder):
        what = "the repository root" if folder == root else "a folder that contains the repository"
        raise Refused(f"{name} is {what}; give a folder of its own (a new or empty one)")
    if dataset is not None:
        dataset = Path(dataset).resolve()
        if _inside(dataset, folder):
            what = "the dataset" if folder == dataset else "a folder that contains the dataset"
            raise Refused(f"{name} is {what}; outputs never go into the data they are built from")
        # A workbook in a dataset folder (``vstudy template`` writes both): that folder is the dataset's too.
        folder_of_dataset = dataset.parent if dataset_is_file else dataset
        if (not dataset_is_file or (folder_of_dataset / "manifest.yml").is_file()) and \
                _inside(folder, folder_of_dataset):
            raise Refused(f"{name} is inside the dataset folder; outputs never go into the data they are built "
                          "from")
    if folder.exists() and not folder.is_dir():
        raise Refused(f"{name} is a file, not a folder")


def read_marker(folder: Path, marker: str) -> dict | None:
    try:
        data = json.loads((folder / marker).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _entries(folder: Path) -> list[str]:
    try:
        return [name for name in os.listdir(folder) if name not in PLACEHOLDERS]
    except FileNotFoundError:
        return []


def is_tree(folder: Path) -> bool:
    """A vstudy output tree: its marker, or the state file of a build of an earlier version."""
    return (folder / TREE_MARKER).is_file() or (folder / ".vstudy-state.json").is_file()


def is_layer(folder: Path) -> bool:
    """A vstudy processed layer: its marker, or what a layer of an earlier version always held."""
    return (folder / LAYER_MARKER).is_file() or all(
        (folder / name).is_file() for name in ("dataset.json", "data_dictionary.md"))


def check_owned(folder: Path, name: str, kind: str) -> None:
    """Refuse a non-empty ``folder`` that is not a vstudy ``kind`` ("tree" or "layer")."""
    if not folder.is_dir() or not _entries(folder):
        return
    if (is_tree if kind == "tree" else is_layer)(folder):
        return
    marker = TREE_MARKER if kind == "tree" else LAYER_MARKER
    what = "output tree" if kind == "tree" else "processed layer"
    raise Refused(f"{name} is not empty and is not a vstudy {what} (it has no {marker}); vstudy writes only into "
                  "a folder it created: give a new or empty folder")


def claim_tree(folder: Path, dataset: str) -> None:
    """Create the output tree (if needed) and its marker naming the dataset it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    current = read_marker(folder, TREE_MARKER)
    if current is None or current.get("dataset") != dataset:
        write_text_atomic(folder / TREE_MARKER, json.dumps(
            {"vstudy": "output tree", "dataset": dataset}, ensure_ascii=False, indent=1) + "\n")


def layer_marker(dataset: str, files: Iterable[str]) -> str:
    """The marker of a processed layer: the dataset it holds and every file vstudy wrote into it."""
    return json.dumps({"vstudy": "processed layer", "dataset": dataset, "files": sorted(files)},
                      ensure_ascii=False, indent=1) + "\n"


def layer_written(folder: Path) -> set[str] | None:
    """The files a processed layer records as vstudy's (None: the layer has no record, e.g. an earlier version's:
    then its tables, as its ``dataset.json`` lists them, and the files every layer has)."""
    marker = read_marker(folder, LAYER_MARKER)
    if marker is not None and isinstance(marker.get("files"), list):
        return {str(f) for f in marker["files"]} | {LAYER_MARKER}
    if not is_layer(folder):
        return None
    try:
        meta = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
        tables = [str(t) for t in meta.get("tables", [])]
    except (OSError, ValueError, AttributeError):
        tables = []
    return ({f"{t}.{ext}" for t in tables for ext in ("parquet", "csv")}
            | {"dataset.json", "manifest.json", "README.md", "data_dictionary.md", "data_dictionary.csv"})


def walk(folder: Path) -> list[str]:
    """Every file below ``folder`` (hidden ones and symbolic links included, links not followed), as POSIX paths
    relative to it, sorted. Empty folders are not listed."""
    found: list[str] = []
    if not folder.is_dir() or folder.is_symlink():
        return found
    for top, dirs, files in os.walk(folder, followlinks=False):
        base = Path(top).relative_to(folder)
        for d in list(dirs):
            if (Path(top) / d).is_symlink():
                files.append(d)
                dirs.remove(d)
        found += [(base / f).as_posix() for f in files]
    return sorted(found)


def carry_over(current: Path, staged: Path, recorded: set[str], prefix: str = "", replace: bool = False,
               show=str) -> list[str]:
    """Hard-link into ``staged`` every file of ``current`` whose ``prefix + rel`` is not in ``recorded``: the files
    vstudy did not write survive when ``staged`` takes the place of ``current``. Returns what was carried.

    A file vstudy did not write where ``staged`` has a file (or a folder) of its own raises :class:`Conflict`,
    unless ``replace`` (``--force``): then the staged one wins.
    """
    carried = []
    for rel in walk(current):
        if prefix + rel in recorded:
            continue
        target = staged / rel
        blocked = next((p for p in [target, *target.parents] if p != staged and staged in p.parents
                        and (p.is_symlink() or (p.exists() and (p == target or not p.is_dir())))), None)
        if blocked is not None:
            if replace:
                continue
            raise Conflict(f"{show(current / rel)} was not written by vstudy, and the new outputs put a file of "
                           "their own there: move it away (nothing was changed), or run again with --force to "
                           "replace it")
        target.parent.mkdir(parents=True, exist_ok=True)
        source = current / rel
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError:
            if source.is_symlink():
                os.symlink(os.readlink(source), target)
            else:
                shutil.copy2(source, target)
        carried.append(prefix + rel)
    return carried
