"""Putting a new output set in place, and what a build may replace.

* :func:`check_places` refuses the output folders vstudy never writes into, before anything is written
  (:mod:`vstudy.data.owned`);
* :func:`commit` records the folder moves and the new state in the journal (``<output>/.vstudy-commit.json``), then
  carries them out with ``renameat2(RENAME_EXCHANGE)``; :func:`recover` completes a journal a killed build left
  (a damaged one is never applied: :class:`CorruptJournal`) and removes what a stopped build left behind;
* :func:`keep_user_files` links every file the previous builds did not record writing into the folder that
  replaces its folder, so that only what vstudy wrote is ever replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from vstudy.data import atomic, owned
from vstudy.publish import procs
from vstudy.publish.config import RESERVED, BuildConfig, BuildError, CorruptJournal
from vstudy.publish.sections import Section
from vstudy.publish.state import hash_tree, save_state, sha256_file
from vstudy.vocab import LANGS


def check_places(config: BuildConfig) -> None:
    """Refuse output folders vstudy must not write into (:mod:`vstudy.data.owned`); nothing is written before.

    Never ``/``, the home folder, the repository root, the dataset or a folder inside or around it; ``--output`` and
    ``--processed`` differ and do not nest (but the default ``<tree>/processed``); each is new, empty, or already
    a vstudy output tree / processed layer."""
    out, processed = config.output_dir, config.processed_dir
    out_name = f"--output {config.labels['output']}" if "output" in config.labels else \
        f"the output tree {config.rel(out)}"
    proc_name = f"--processed {config.labels['processed']}" if "processed" in config.labels else \
        f"the processed layer {config.rel(processed)}"
    dataset_is_file = config.workbook is not None
    for folder, name in ((out, out_name), (processed, proc_name)):
        owned.check_place(folder, name, root=config.root, dataset=config.source, dataset_is_file=dataset_is_file)
    if out == processed:
        raise owned.Refused(f"{proc_name} is the output tree itself; the processed layer needs a folder of its own "
                            f"(default: {config.rel(out)}/processed)")
    if out in processed.parents and processed != out / "processed":
        raise owned.Refused(f"{proc_name} lies inside the output tree {config.rel(out)}; give a folder outside it, "
                            "or leave --processed out (the default is the tree's processed/ folder)")
    if processed in out.parents:
        raise owned.Refused(f"{out_name} lies inside the processed layer {config.rel(processed)}; give them "
                            "separate folders")
    owned.check_owned(out, out_name, "tree")
    owned.check_owned(processed, proc_name, "layer")
    if config.workbook is not None and not config.workbook.is_file():
        raise owned.Refused(f"--data {config.rel(config.workbook)}: no such workbook")


def keep_user_files(config: BuildConfig, moves: list[dict], recorded: set[str], replace: bool) -> list[str]:
    """Keep every file the previous builds did not record writing: link it into the folder that replaces its
    folder (a folder to be removed becomes one that holds only such files). Returns the new record: what the
    tree holds of vstudy's once the moves are done."""
    written = set(recorded)
    for move in moves:
        target = Path(move["target"])
        if target == config.processed_dir:
            continue  # the processed layer keeps its own record (its marker, see _prepare)
        top = target.relative_to(config.output_dir).as_posix()
        written = {w for w in written if w != top and not w.startswith(top + "/")}
        staged = Path(move["staged"]) if move["staged"] else None
        mine = [f"{top}/{rel}" for rel in owned.walk(staged)] if staged else []
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            if top not in recorded and not replace:
                raise owned.Conflict(f"{config.rel(target)} was not written by vstudy, and the new outputs put "
                                     "a folder there: move it away (nothing was changed), or run again with "
                                     "--force to replace it")
        elif target.is_dir():
            if staged is None and any(f"{top}/{rel}" not in recorded for rel in owned.walk(target)):
                staged = config.build_dir / "keep" / top
                staged.mkdir(parents=True, exist_ok=True)
                move["staged"] = str(staged)
            if staged is not None:
                owned.carry_over(target, staged, recorded, prefix=f"{top}/", replace=replace,
                                 show=config.rel)
        written |= set(mine)
    return sorted(written)



def _inode(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block has run (the folder moves); SIGKILL is what the journal is for."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def apply_moves(journal: dict, trash: Path, step: Callable[[int], None] | None = None) -> None:
    """Carry out the folder moves of a commit journal. Each move names the inode of the folder that must end at
    (or leave) its target, so a move already done is recognised and skipped: the same journal can be applied
    again after a kill, and no marker file is needed inside the folders."""
    for index, move in enumerate(journal["moves"]):
        if step is not None:
            step(index)
        target = Path(move["target"])
        atomic.recover_swap(target)
        if move.get("staged") is None:  # a folder that is not part of the new set
            if _inode(target) == move["inode"]:
                trash.mkdir(parents=True, exist_ok=True)
                os.replace(target, trash / f"{target.name}.{uuid.uuid4().hex[:8]}")
            continue
        staged = Path(move["staged"])
        if _inode(target) == move["inode"] or _inode(staged) != move["inode"]:
            continue  # done already
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic.swap_dir(staged, target)


def commit(config: BuildConfig, token: str, moves: list[dict], state: dict | None) -> None:
    """Record the moves and the new state in the journal, then carry them out and write the state."""
    for move in moves:
        move["inode"] = _inode(Path(move["staged"] or move["target"]))
    journal = {"version": 1, "token": token, "moves": moves, "state": state}
    with signals_deferred():
        atomic.write_text_atomic(config.journal_path, json.dumps(journal, ensure_ascii=False))
        apply_moves(journal, config.build_dir / "trash", config.on_commit_step)
        if state is not None:
            save_state(config.state_path, state)
        config.journal_path.unlink()


def read_journal(config: BuildConfig) -> dict:
    """The commit journal, checked: every move stays inside the output tree (or is the processed layer) and comes
    from the build's staging folders; CorruptJournal otherwise (it is never applied then)."""
    try:
        if config.journal_path.is_symlink():
            raise ValueError("it is a symbolic link")
        journal = json.loads(config.journal_path.read_text(encoding="utf-8"))
        if not isinstance(journal, dict) or journal.get("version") != 1 or not isinstance(journal.get("moves"), list):
            raise ValueError("not a journal of this version")
        if journal.get("state") is not None and not isinstance(journal["state"], dict):
            raise ValueError("its state is not an object")
        stages = (config.build_dir, config.processed_stage_root)
        for move in journal["moves"]:
            if not isinstance(move, dict) or not isinstance(move.get("target"), str):
                raise ValueError("a move without a target")
            target = Path(move["target"])
            if not (target == config.processed_dir or config.output_dir in target.parents):
                raise ValueError(f"a move to {target} outside the output tree")
            staged = move.get("staged")
            if staged is not None and not (isinstance(staged, str) and any(
                    stage in Path(staged).parents for stage in stages)):
                raise ValueError("a move from outside the build's staging folders")
            if move.get("inode") is not None and not isinstance(move["inode"], int):
                raise ValueError("an inode that is not a number")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CorruptJournal(str(exc)) from None
    return journal


def recover(config: BuildConfig, echo: Callable[[str], None] | None = None,
            ignore_damaged_journal: bool = False) -> None:
    """Finish or undo what a stopped build left in the output tree (the build does this first, under its lock).

    A complete journal is applied (the stopped build had staged its whole set); then every process still tagged
    with the stopped build's id is ended, and the staging folders, kernel connection files and half-written
    processed layers are removed. A damaged journal raises :class:`CorruptJournal` (nothing is done), unless
    ``ignore_damaged_journal`` (``--force``): then it is removed unapplied.
    """
    out = config.output_dir
    if config.journal_path.exists() or config.journal_path.is_symlink():
        journal = None
        try:
            journal = read_journal(config)
        except CorruptJournal:
            if not ignore_damaged_journal:
                raise
        if journal is not None:
            apply_moves(journal, config.build_dir / "trash")
            if journal.get("state") is not None:
                save_state(config.state_path, journal["state"])
            if echo:
                echo("· finished putting in place the outputs of a build that was stopped while doing it")
        config.journal_path.unlink()
    for staging in (config.build_dir, config.processed_stage_root):
        if staging.is_symlink() or (staging.exists() and not staging.is_dir()):
            staging.unlink()  # the build's staging is a folder of its own, never reached through a link
    token_file = config.build_dir / "token"
    with contextlib.suppress(OSError):
        procs.kill_tagged(token_file.read_text(encoding="utf-8").strip())
    shutil.rmtree(config.build_dir, ignore_errors=True)
    shutil.rmtree(config.processed_stage_root, ignore_errors=True)
    # What earlier versions of the build left: its notebook staging folder, a site swap, processed layers.
    shutil.rmtree(out / ".tmp", ignore_errors=True)
    old_site = out / ".site-old"
    if old_site.exists() and not (out / "site").exists():
        os.replace(old_site, out / "site")
    shutil.rmtree(old_site, ignore_errors=True)
    atomic.recover_swap(config.processed_dir)
    if config.processed_dir.parent.is_dir():
        for leftover in config.processed_dir.parent.glob(f".{config.processed_dir.name}.building-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def recorded_files(config: BuildConfig, state: dict, existed: bool) -> set[str]:
    """The files of the output tree the previous builds recorded writing (paths relative to the tree).

    A state of this version lists them (``written``). A tree built by an earlier version: every file its state
    records (executed notebooks, tables, figures) and everything in the folders only the build writes (``site/``,
    ``site-src/``, ``failed/``); with a state of an older layout, everything in the folders that build replaced
    whole. No state: nothing (every file there is someone else's)."""
    if isinstance(state.get("written"), list):
        return set(state["written"])
    if not existed:
        return set()
    tops = ["site", "site-src", "failed"]
    recorded: set[str] = set()
    if not state["sections"]:  # another version's state (load_state dropped it)
        tops += [*LANGS, "notebooks", "tables", "figures"]
    for entry in state["sections"].values():
        recorded |= set(entry.get("outputs") or {})
        if entry.get("notebook"):
            recorded.add(entry["notebook"])
    for top in tops:
        recorded |= {f"{top}/{rel}" for rel in owned.walk(config.output_dir / top)}
    return recorded


def tree_files(tree: Path, top: str) -> dict[str, str]:
    """``top/rel`` → sha256 of every file in ``tree/top`` (hidden files, such as the build marker, excluded)."""
    return {f"{top}/{rel}": digest for rel, digest in hash_tree(tree / top).items()}


def outputs_intact(config: BuildConfig, entry: dict, hashes: dict[Path, str]) -> bool:
    """The section's executed notebook and every output it recorded are in the tree with their hashes."""
    recorded = dict(entry.get("outputs") or {})
    if "notebook" not in entry:
        return False
    recorded[entry["notebook"]] = entry.get("notebook_sha256")
    for rel, digest in recorded.items():
        path = config.output_dir / rel
        if path not in hashes:
            hashes[path] = sha256_file(path) if path.is_file() else None
        if hashes[path] != digest:
            return False
    return True


def link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def section_outputs(section: Section, out_dir: Path) -> dict[str, str]:
    """What a notebook wrote into its output folder, as ``top/rel`` → sha256; BuildError for a reserved place."""
    written = hash_tree(out_dir)
    bad = sorted(rel for rel in written if "/" not in rel or rel.split("/", 1)[0] in RESERVED)
    if bad:
        raise BuildError(f"section {section.name} wrote {', '.join(bad[:5])} into its output folder: a notebook "
                         f"writes only into folders such as tables/ and figures/ (not {', '.join(RESERVED)})")
    return written
