"""Build integrity: complete output sets, kills at any moment, locks, damaged outputs, permissions, determinism.

Builds run the three fixture notebooks (tests/fixtures/pipeline_notebooks) in a temporary tree with a data step
that copies the raw CSVs and a renderer that lists the notebooks' hashes (tests/build_driver.py), so that each
build takes a few seconds. Version A of the data is the tree's first build; version B changes ``t_a.csv``.

The builds here make two editions (:data:`EDITIONS`), not all three: what these tests prove — a set spread over
several editions' folders is put in place whole, every edition shows the same data, the first failure in any
edition stops the build — needs two, and each edition is three more kernels per build. A kill before the commit
(prepare, execute, render) leaves the previous set as it was however many editions it has: those cases build one,
as do the builds where editions play no part (the umask, a tree of another dataset, the dataset built alongside).
Every edition of :data:`LANGS` is built by the website renderer's test here and by the first test of
tests/integration/test_pipeline.py; tests/integration/test_site_editions.py renders all of them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from build_driver import SECTIONS, config_for

from vstudy.data import atomic, paths
from vstudy.publish import pipeline, procs, worker
from vstudy.publish.state import hash_tree, sha256_file
from vstudy.vocab import LANGS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pipeline_notebooks"
DRIVER = Path(__file__).parents[1] / "build_driver.py"
VERSION_A = "x\n1\n2\n"
VERSION_B = "x\n7\n8\n9\n"
SECTION_NAMES = ("00_alpha", "01_beta", "02_gamma")
EDITIONS = ("en", "ru")  # the editions these builds make (see the module docstring)


def units(*names: str, langs: tuple[str, ...] = EDITIONS) -> list[str]:
    """The executions of these sections in the editions built (``en/00_alpha``, ``ru/00_alpha`` …), sorted."""
    return sorted(f"{lang}/{name}" for name in names for lang in langs)


def make_tree(root: Path) -> Path:
    shutil.copytree(FIXTURES, root / "notebooks")
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "t_a.csv").write_text(VERSION_A, encoding="utf-8")
    (raw / "t_b.csv").write_text("y\n3\n", encoding="utf-8")
    (root / "data" / "processed").mkdir()
    (root / "data" / "processed" / ".gitkeep").touch()
    return root


def build_here(root: Path, **options) -> pipeline.BuildResult:
    lines: list[str] = []
    return pipeline.build(config_for({"root": str(root), "langs": EDITIONS, **options}, echo=lines.append))


def built_once(tmp_path_factory, name: str, langs: tuple[str, ...]) -> Path:
    """A tree built once on version A in these editions (copied by each test that needs one), once per test run:
    the tests that copy it spread over the workers (tests/conftest.py, shared_once)."""
    from conftest import shared_once

    def make(folder: Path) -> None:
        assert build_here(make_tree(folder / "tree"), langs=langs).exit_code == 0

    return shared_once(tmp_path_factory, name, make) / "tree"


@pytest.fixture(scope="session")
def built_a(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, "built_a", EDITIONS)


@pytest.fixture(scope="session")
def built_a_en(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, "built_a_en", ("en",))


@pytest.fixture()
def tree_a(built_a: Path, tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(built_a, root)
    return root


def version_of(root: Path, langs: tuple[str, ...] = EDITIONS) -> str:
    """Which data version the tree's outputs show — asserting that every output shows the same one and is
    exactly what the state file records (nothing missing, nothing more, nothing different)."""
    reports = root / "reports"
    state = json.loads((reports / ".vstudy-state.json").read_text(encoding="utf-8"))
    assert hash_tree(root / "data" / "processed") == state["data"]["processed"]
    recorded: dict[str, str] = {}
    for entry in state["sections"].values():
        recorded[entry["notebook"]] = entry["notebook_sha256"]
        recorded.update(entry["outputs"])
    present = {f"{top}/{rel}": digest for top in LANGS for rel, digest in hash_tree(reports / top).items()}  # none more
    assert present == recorded
    assert sorted(state["sections"]) == units(*SECTION_NAMES, langs=langs)
    assert hash_tree(reports / "site") == state["site"]["files"]
    listing = (reports / "site" / "index.html").read_text(encoding="utf-8")
    assert listing == "".join(f"{n} {e['notebook_sha256']}\n" for n, e in sorted(state["sections"].items()))
    versions = {(root / "data" / "processed" / "t_a.csv").read_text(encoding="utf-8")}
    for lang in langs:  # every edition shows the same data
        versions.add((reports / lang / "tables" / "00_alpha__copy.csv").read_text(encoding="utf-8"))
        nb = nbformat.read(reports / lang / "notebooks" / "00_alpha.ipynb", as_version=4)
        printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
        summary = (reports / lang / "tables" / "summary.csv").read_text(encoding="utf-8")
        assert len(versions) == 1, versions
        text = next(iter(versions))
        assert f"copied {len(text.splitlines())} lines" in printed
        assert sha256_file(root / "data" / "processed" / "t_a.csv") in summary  # gamma saw the same data
    return {VERSION_A: "A", VERSION_B: "B"}[text]


def no_leftovers(root: Path) -> None:
    reports = root / "reports"
    assert not (reports / ".build").exists() and not (reports / pipeline.JOURNAL_NAME).exists()
    left = [p.name for p in (root / "data").glob(".processed*") if p.name != ".processed.lock"]
    assert not left, left
    assert (root / "data" / "processed" / ".gitkeep").exists()  # the committed placeholder survives swaps


def build_processes(root: Path) -> list[int]:
    """Live processes started for a build of this tree (workers and kernels carry VSTUDY_ROOT=<root>)."""
    wanted = f"VSTUDY_ROOT={root}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if wanted in (entry / "environ").read_bytes().split(b"\0") and procs._alive(int(entry.name)):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def start_driver(root: Path, **options) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["VSTUDY_TEST_DELAY"] = str(options.pop("notebook_delay", 0))
    options = {"root": str(root), "langs": EDITIONS, **options}
    return subprocess.Popen([sys.executable, str(DRIVER), json.dumps(options)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def wait_for(proc: subprocess.Popen, marker: str, timeout: float = 60) -> list[str]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"{marker!r} never printed:\n{''.join(seen)}")


def kernel_started(root: Path, seconds: float = 60) -> bool:
    """Wait until a Jupyter kernel of a build of this tree is running."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for pid in build_processes(root):
            try:
                if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return True
            except OSError:
                continue
        time.sleep(0.05)
    return False


def gone_within(root: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not build_processes(root):
            return True
        time.sleep(0.05)
    return not build_processes(root)


# --------------------------------------------------------------------------------------------------------------
# Kills at several moments


KILLS = [  # (signal, where the build is when it receives it)
    ("SIGTERM", "prepare"), ("SIGKILL", "prepare"),
    ("SIGTERM", "execute"), ("SIGKILL", "execute"),
    ("SIGTERM", "render"), ("SIGKILL", "render"),
    ("SIGTERM", "commit"), ("SIGKILL", "commit"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "moment"), KILLS, ids=[f"{s}-{m}" for s, m in KILLS])
def test_a_kill_at_any_moment_leaves_one_complete_set_and_the_next_build_makes_it_current(
        request, tmp_path, sig, moment):
    # Killed while the set is put in place, the folders of two editions are among the moves; before that, one
    # edition is enough (nothing of the tree changes).
    langs = EDITIONS if moment == "commit" else ("en",)
    tree_a = tmp_path / "tree"
    shutil.copytree(request.getfixturevalue("built_a" if moment == "commit" else "built_a_en"), tree_a)
    assert version_of(tree_a, langs) == "A"
    (tree_a / "data" / "raw" / "t_a.csv").write_text(VERSION_B, encoding="utf-8")
    # The step the signal is meant to hit is slowed down; the others run at full speed.
    options = {"prepare": {"prepare_delay": 2}, "execute": {"notebook_delay": 4}, "render": {"render_delay": 2},
               "commit": {"commit_delay": 1.0}}[moment]
    proc = start_driver(tree_a, langs=langs, **options)
    marker = {"prepare": "MARK prepare", "execute": "executing", "render": "MARK render",
              "commit": "MARK commit 1"}[moment]
    wait_for(proc, marker)
    if moment == "execute":  # a kernel of the build has started (alpha's then sleeps in a cell)
        assert kernel_started(tree_a), "the notebooks should be running"
    time.sleep(0.3)  # step under way
    proc.send_signal(getattr(signal, sig))
    code = proc.wait(timeout=30)
    proc.stdout.close()
    assert code == (130 if sig == "SIGTERM" else -signal.SIGKILL)
    # Workers and kernels end with the build: at once after SIGTERM (the build ends them before it exits),
    # within moments after SIGKILL (they see the watchdog pipe close).
    assert gone_within(tree_a, 0.5 if sig == "SIGTERM" else 3.0), build_processes(tree_a)

    if moment == "commit" and sig == "SIGKILL":
        # Killed between two folder moves: the journal holds the complete new set, which the next build (or
        # pipeline.recover, its first step) puts in place before anything else.
        pipeline.recover(config_for({"root": str(tree_a), "langs": langs}))
        expected = "B"
    else:
        # SIGTERM waits until the moves are done; a kill before them leaves the previous set untouched.
        expected = "B" if moment == "commit" else "A"
    assert version_of(tree_a, langs) == expected

    again = build_here(tree_a, langs=langs, jobs=1)  # one worker is enough for what is left to do
    assert again.exit_code == 0, again.message
    assert version_of(tree_a, langs) == "B"
    no_leftovers(tree_a)
    assert not (tree_a / "reports" / "failed").exists()
    if expected == "B":
        assert again.executed == [] and not again.prepared
    else:
        assert again.prepared and sorted(again.executed) == units("00_alpha", "02_gamma", langs=langs)  # not beta


# --------------------------------------------------------------------------------------------------------------
# Two builds at once


@pytest.mark.slow
def test_two_builds_of_one_tree_and_two_datasets_at_once(tree_a):
    other = tree_a / "elsewhere" / "mydata"
    shutil.copytree(tree_a / "data" / "raw", other)
    (other / "t_a.csv").write_text(VERSION_B, encoding="utf-8")
    (tree_a / "data" / "raw" / "t_a.csv").write_text(VERSION_B, encoding="utf-8")

    first = start_driver(tree_a, notebook_delay=3)
    wait_for(first, "executing")
    second = start_driver(tree_a)  # the same output tree: stops at once
    out, _ = second.communicate(timeout=60)
    assert second.returncode == pipeline.EXIT_LOCKED == 4, out
    assert "another vstudy build is using this output tree (pid" in out and "--wait" in out
    waiting = start_driver(tree_a, wait=True)  # waits, then finds everything up to date
    # Another dataset: its own tree, in parallel (one section in one edition of it is enough).
    other_build = start_driver(tree_a, data_dir=str(other), langs=("ru",), sections=["00_alpha"])
    assert other_build.wait(timeout=120) == 0, other_build.stdout.read()
    assert first.wait(timeout=120) == 0, first.stdout.read()
    out, _ = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, out
    assert "waiting for the build that holds" in out and "0 executed" in out
    for proc in (first, other_build):
        proc.stdout.close()

    assert version_of(tree_a) == "B"
    mine = tree_a / "builds" / "mydata"
    state = json.loads((mine / ".vstudy-state.json").read_text(encoding="utf-8"))
    assert state["dataset"] == "elsewhere/mydata"
    assert (mine / "processed" / "t_a.csv").read_text() == VERSION_B
    assert (mine / "ru" / "tables" / "00_alpha__copy.csv").read_text() == VERSION_B
    nb = nbformat.read(mine / "ru" / "notebooks" / "00_alpha.ipynb", as_version=4)
    assert nb.metadata["papermill"]["parameters"]["output_dir"] == "builds/mydata/ru"


def test_a_held_lock_stops_a_build_with_exit_4_and_names_the_holder(tmp_path, capsys):
    root = make_tree(tmp_path / "tree")
    config = config_for({"root": str(root)})
    with atomic.exclusive_lock(config.lock_path, "pid 4242, vstudy build, since 12:00:00"):
        result = pipeline.build(config)
    assert result.exit_code == pipeline.EXIT_LOCKED
    assert "pid 4242, vstudy build, since 12:00:00" in result.message and "--wait" in result.message
    assert not (root / "reports" / "en").exists()  # nothing was done


def test_another_dataset_builds_into_its_own_tree(tmp_path):
    root = make_tree(tmp_path / "tree")
    default = pipeline.BuildConfig(root=root)
    assert (default.processed_dir, default.output_dir) == (root / "data" / "processed", root / "reports")
    other = pipeline.BuildConfig(root=root, data_dir=tmp_path / "My data (2022)")
    assert other.output_dir == root / "builds" / "My-data-2022"
    assert other.processed_dir == root / "builds" / "My-data-2022" / "processed"
    assert paths.output_tree(tmp_path / "drop.xlsx", root)[1] == root / "builds" / "drop"


def test_a_tree_of_another_dataset_with_the_same_name_is_refused(tmp_path):
    root = make_tree(tmp_path / "tree")
    for where in ("one", "two"):
        shutil.copytree(root / "data" / "raw", tmp_path / where / "survey")
    assert build_here(root, data_dir=str(tmp_path / "one" / "survey"), sections=["01_beta"],
                      langs=("en",)).exit_code == 0  # a tree of one notebook is enough
    result = build_here(root, data_dir=str(tmp_path / "two" / "survey"))
    assert result.exit_code == pipeline.EXIT_USAGE
    assert "holds the build of another dataset" in result.message and "--output" in result.message


# --------------------------------------------------------------------------------------------------------------
# Outputs that went missing or changed; failures


@pytest.mark.slow
def test_outputs_missing_or_different_from_the_state_are_rebuilt(tree_a):
    reports = tree_a / "reports"
    (reports / "ru" / "tables" / "00_alpha__copy.csv").unlink()
    result = build_here(tree_a)
    assert result.executed == ["ru/00_alpha"] and result.exit_code == 0  # that edition's execution only
    assert version_of(tree_a) == "A"

    (reports / "en" / "tables" / "summary.csv").write_text("edited by hand\n")
    assert build_here(tree_a).executed == ["en/02_gamma"]
    with open(reports / "en" / "notebooks" / "01_beta.ipynb", "a") as fh:
        fh.write(" ")
    assert build_here(tree_a).executed == ["en/01_beta"]
    (tree_a / "data" / "processed" / "t_b.csv").write_text("changed\n")
    again = build_here(tree_a)
    assert again.prepared and again.executed == []  # the layer is rebuilt; same content, notebooks stay
    # A file no build wrote is not part of any set, and no build removes it: it is the user's.
    (reports / "en" / "figures" / "stray.png").write_bytes(b"x")
    (reports / "figures").mkdir()  # … in a folder of the one-edition layout before the editions too
    (reports / "figures" / "old.png").write_bytes(b"x")
    assert build_here(tree_a).executed == []
    assert (reports / "en" / "figures" / "stray.png").read_bytes() == b"x"
    assert (reports / "figures" / "old.png").read_bytes() == b"x"
    (reports / "en" / "figures" / "stray.png").unlink()
    shutil.rmtree(reports / "figures")
    assert version_of(tree_a) == "A"
    no_leftovers(tree_a)


@pytest.mark.slow
def test_a_failing_notebook_changes_nothing_but_failed(tree_a):
    reports = tree_a / "reports"
    before = {top: hash_tree(reports / top) for top in (*LANGS, "site")}
    state_before = (reports / ".vstudy-state.json").read_bytes()
    (tree_a / "data" / "raw" / "t_a.csv").write_text("x\nboom\n", encoding="utf-8")
    result = build_here(tree_a)
    assert result.exit_code == pipeline.EXIT_FAILED and "00_alpha" in result.message
    assert {top: hash_tree(reports / top) for top in before} == before  # its table was written to staging only
    # The state changes only by recording the failed notebook it put into failed/ (so that no build mistakes it
    # for a file of the user's).
    state_after = json.loads((reports / ".vstudy-state.json").read_text(encoding="utf-8"))
    written_after = set(state_after.pop("written"))
    state_before = json.loads(state_before)
    assert state_after == {k: v for k, v in state_before.items() if k != "written"}
    assert written_after - set(state_before["written"]) in ({"failed/en/00_alpha.ipynb"}, {"failed/ru/00_alpha.ipynb"})
    assert "partial notebook kept at reports/failed/" in result.message and str(tree_a) not in result.message
    assert (tree_a / "data" / "processed" / "t_a.csv").read_text() == VERSION_A  # the new layer was not kept
    assert sorted(p.relative_to(reports / "failed").as_posix() for p in (reports / "failed").rglob("*.ipynb")) \
        in (["en/00_alpha.ipynb"], ["ru/00_alpha.ipynb"])  # the first to fail stops the build
    assert version_of(tree_a) == "A"

    (tree_a / "data" / "raw" / "t_a.csv").write_text(VERSION_B, encoding="utf-8")
    (tree_a / "data" / "raw" / "t_b.csv").write_text("y\nboom\n", encoding="utf-8")
    result = build_here(tree_a)
    assert result.exit_code == pipeline.EXIT_FAILED
    assert {p.name for p in (reports / "failed").rglob("*.ipynb")} == {"01_beta.ipynb"}  # the latest only
    (tree_a / "data" / "raw" / "t_b.csv").write_text("y\n3\n", encoding="utf-8")
    assert build_here(tree_a).exit_code == 0
    assert not (reports / "failed").exists()
    assert version_of(tree_a) == "B"
    no_leftovers(tree_a)


# --------------------------------------------------------------------------------------------------------------
# Permissions and determinism


def test_atomic_writes_and_working_folders_honour_the_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        atomic.write_text_atomic(tmp_path / "a.txt", "x")
        folder = atomic.temp_dir(tmp_path, "work-")
        os.umask(0o002)
        atomic.write_text_atomic(tmp_path / "b.txt", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o640
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "b.txt").stat().st_mode) == 0o664


@pytest.mark.slow
def test_a_build_honours_the_umask(tmp_path):
    root = make_tree(tmp_path / "tree")
    previous = os.umask(0o027)
    try:  # one section in one edition: every notebook, table and figure is written alike
        assert build_here(root, langs=("en",), sections=["00_alpha"]).exit_code == 0
    finally:
        os.umask(previous)
    reports = root / "reports"
    for path in [reports / ".vstudy-state.json", *(reports / "en" / "tables").iterdir(),
                 *(reports / "en" / "notebooks").iterdir(), *(root / "data" / "processed").glob("*.csv"),
                 reports / "site" / "index.html"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path
    for folder in (reports / "en", reports / "en" / "tables", reports / "en" / "notebooks", reports / "site",
                   root / "data" / "processed"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o750, folder


@pytest.mark.slow
def test_executed_notebooks_are_deterministic_and_name_no_machine_path(built_a, tmp_path):
    # The same section built again in another tree, at another path and with one worker, is byte-identical: beta
    # only, since alpha and gamma print the worker's pid (by design of the fixture). The shared tree built on
    # version A (built_a) is a build like any other: its notebooks, every section of both editions, name no path
    # of its tree or of its staging.
    second = make_tree(tmp_path / "elsewhere" / "copy")
    assert build_here(second, jobs=1, sections=["01_beta"]).exit_code == 0
    for lang in EDITIONS:
        name = "01_beta"
        assert (built_a / "reports" / lang / "notebooks" / f"{name}.ipynb").read_bytes() == \
               (second / "reports" / lang / "notebooks" / f"{name}.ipynb").read_bytes()
        text = (second / "reports" / lang / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8")
        assert str(tmp_path) not in text and ".build" not in text
    for lang in EDITIONS:
        for name in SECTION_NAMES:
            executed = built_a / "reports" / lang / "notebooks" / f"{name}.ipynb"
            text = executed.read_text(encoding="utf-8")
            assert str(built_a.parent) not in text and ".build" not in text
            for key in ("start_time", "end_time", "duration", "iopub.execute_input"):
                assert f'"{key}"' not in text, (name, key)
            nb = nbformat.read(executed, as_version=4)
            source = nbformat.read(FIXTURES / f"{name}.ipynb", as_version=4)
            others = {f"lang-{o}" for o in LANGS if o != lang}  # their Markdown is not in this edition's copy
            kept = [c for c in source.cells if not others & set(c.metadata.get("tags", []))]
            after = next(i for i, c in enumerate(kept) if "parameters" in c.metadata.get("tags", [])) + 1
            ids = [c.id for c in kept]
            assert [c.id for c in nb.cells] == ids[:after] + ["injected-parameters"] + ids[after:]  # as committed
            meta = nb.metadata["papermill"]
            assert meta["input_path"] == f"notebooks/{name}.ipynb"
            assert meta["output_path"] == f"reports/{lang}/notebooks/{name}.ipynb"


# --------------------------------------------------------------------------------------------------------------
# The worker: a kernel that dies while starting is started again, once


def _copy_notebook(input_path, output_path, **kwargs):
    shutil.copyfile(input_path, output_path)


def test_a_kernel_that_dies_while_starting_is_started_again_once(tmp_path, monkeypatch):
    import papermill

    calls = []

    def flaky(input_path, output_path, **kwargs):
        calls.append(input_path)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        _copy_notebook(input_path, output_path)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    spec = {"input": str(FIXTURES / "01_beta.ipynb"), "output": str(tmp_path / "out.ipynb"), "parameters": {},
            "error_path": str(tmp_path / "error.json")}
    assert worker.run(spec) == 0 and len(calls) == 2

    def dead(input_path, output_path, **kwargs):
        calls.append(input_path)
        raise RuntimeError("Kernel died before replying to kernel_info")

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", dead)
    assert worker.run(spec) == 2 and len(calls) == 2  # once more, not forever
    error = json.loads((tmp_path / "error.json").read_text())
    assert "after starting the kernel a second time" in error["evalue"]

    def failing_cell(input_path, output_path, **kwargs):
        calls.append(input_path)
        raise ValueError("a cell raised")

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", failing_cell)
    assert worker.run(spec) == 2 and len(calls) == 1  # other errors are not retried


def test_sections_of_the_driver_match_the_fixture_notebooks():
    assert sorted(f"{s.name}.ipynb" for s in SECTIONS) == sorted(p.name for p in FIXTURES.glob("*.ipynb"))


def test_a_watched_command_ends_when_the_build_is_gone(tmp_path):
    """Quarto runs like this: when the build process dies, the command and its children end at once."""
    token = "test-" + os.urandom(4).hex()
    read, write = os.pipe()
    argv, env, fds = procs.watched_command(["sh", "-c", "sleep 60 & sleep 60"], token, read)
    proc = subprocess.Popen(argv, env=env, pass_fds=fds)
    os.close(read)
    deadline = time.monotonic() + 10
    while len(procs.tagged_processes(token)) < 3 and time.monotonic() < deadline:  # wrapper, sh, two sleeps
        time.sleep(0.05)
    assert len(procs.tagged_processes(token)) >= 3
    os.close(write)  # what the kernel does when the build dies, however it dies
    assert proc.wait(timeout=10) != 0
    deadline = time.monotonic() + 3
    while procs.tagged_processes(token) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert procs.tagged_processes(token) == []


@pytest.mark.slow
def test_the_website_renderer_puts_site_and_pages_in_place_with_the_set(tmp_path, monkeypatch):
    """The real renderer (vstudy.publish.website) with a stand-in ``quarto`` on PATH: the staged project and the
    rendered site are put in place with the rest; an unchanged set is not rendered again.

    One section (alpha) in every edition: the renderer stages and renders each edition's pages from whatever
    sections the set holds. Which sections a changed table executes again is proven by the kill matrix above
    (``not beta``) and by the first test of test_pipeline.py."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text("#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then echo 9.9.9; exit 0; fi\n"
                    "mkdir -p _site && ls notebooks > _site/index.html && echo \"$VSTUDY_BUILD\" >> _site/index.html\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    root = make_tree(tmp_path / "tree")
    one = SECTIONS[:1]
    config = pipeline.BuildConfig(root=root, sections=one, jobs=2, prepare=lambda config: None,
                                  package_hash="fixed", echo=lambda line: None)
    result = pipeline.build(config)
    assert result.exit_code == 0, result.message
    assert result.render.status == "rendered"
    site = root / "reports" / "site" / "en" / "index.html"
    lines = site.read_text().splitlines()
    assert lines[:1] == ["00_alpha.ipynb"] and len(lines[1]) == 16  # the staged notebook, tagged
    for lang in LANGS:
        assert (root / "reports" / "site-src" / lang / "_generated" / "home.md").exists()
        assert not (root / "reports" / "site-src" / lang / "_site").exists()
        assert (root / "reports" / "site" / lang / "index.html").exists()
    assert (root / "reports" / "site" / "index.html").exists()  # the page that leads to both editions
    state = json.loads((root / "reports" / ".vstudy-state.json").read_text(encoding="utf-8"))
    assert state["site"]["files"] == hash_tree(root / "reports" / "site") and state["site"]["quarto"] == "9.9.9"
    again = pipeline.build(pipeline.BuildConfig(root=root, sections=one, prepare=lambda config: None,
                                                package_hash="fixed", echo=lambda line: None))
    assert again.render.status == "skipped" and again.executed == []
    site.write_text("edited\n")  # a page that differs from its record is rendered again
    third = pipeline.build(pipeline.BuildConfig(root=root, sections=one, prepare=lambda config: None,
                                                package_hash="fixed", echo=lambda line: None))
    assert third.render.status == "rendered" and third.executed == []
    assert site.read_text().startswith("00_alpha.ipynb")
    en_pages = [page for page in third.render.pages if page.startswith("en/")]  # the edited edition: all of it
    assert sorted(en_pages) == sorted(f"en/{page}" for page in state["site"]["editions"]["en"]["pages"])
    # Without a render, a site that would show an earlier set is removed rather than left wrong (one edition
    # rebuilt is enough: the others are carried over as they are).
    (root / "data" / "raw" / "t_a.csv").write_text(VERSION_B, encoding="utf-8")
    fourth = pipeline.build(pipeline.BuildConfig(root=root, sections=one, prepare=lambda config: None,
                                                 render=False, package_hash="fixed", echo=lambda line: None,
                                                 langs=("en",)))
    assert fourth.exit_code == 0 and fourth.executed == ["en/00_alpha"]
    assert not (root / "reports" / "site").exists() and not (root / "reports" / "site-src").exists()


def test_vstudy_data_and_a_build_share_the_processed_layer_lock(tmp_path, capsys):
    from vstudy import cli

    out = tmp_path / "processed"
    fixture = Path(__file__).parents[1] / "fixtures" / "kz2022_dataset"
    with atomic.exclusive_lock(atomic.lock_path(out), "pid 77, vstudy build"):
        assert cli.main(["data", "--data", str(fixture), "--out", str(out)]) == 4
    assert "pid 77, vstudy build" in capsys.readouterr().err and not out.exists()
    root = make_tree(tmp_path / "tree")
    config = config_for({"root": str(root)})
    with atomic.exclusive_lock(atomic.lock_path(config.processed_dir), "pid 78, vstudy data"):
        result = pipeline.build(config)
    assert result.exit_code == pipeline.EXIT_LOCKED and "pid 78, vstudy data" in result.message
