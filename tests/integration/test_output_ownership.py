"""A build never destroys what it did not write: the fault corpus of output folders (issue 18).

Every case puts real folders of a user's files (a thesis, notes, a figures/ folder with a figure of theirs) where a
build or ``vstudy data`` is pointed, and asserts that each file is byte-identical afterwards and that the command
exits non-zero with a one-line message naming the folder and the condition.

Most builds here have no sections (``sections=()``: validate + process + render + commit, no kernel), so the tests
are fast; the one that re-executes a notebook is marked slow. ``/`` and the home folder are never written: those
tests make every write fail loudly (:func:`no_writes`) and check that the refusal comes first; the home folder is a
temporary folder (``HOME`` monkeypatched).

The tests run as root, and root writes into a folder whatever its mode: a read-only folder is simulated by making
the writes into it raise ``PermissionError``/``OSError(EROFS)``, a full disk by a write that raises
``OSError(ENOSPC)`` (monkeypatched).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from build_driver import SECTIONS, copy_prepare, listing_renderer

from vstudy import cli
from vstudy.data import atomic, owned
from vstudy.publish import pipeline
from vstudy.publish.state import hash_tree

FIXTURES = Path(__file__).parents[1] / "fixtures"
NOTEBOOKS = FIXTURES / "pipeline_notebooks"


# --------------------------------------------------------------------------------------------------------------
# The corpus: a user's files


def user_files(folder: Path, figures: str = "figures") -> dict[Path, bytes]:
    """A folder of a user's work: a thesis, notes, a figures/ folder with a figure of theirs, a hidden file."""
    files = {
        folder / "thesis.docx": b"PK\x03\x04 my thesis, chapter 3 " + os.urandom(64),
        folder / "notes" / "todo.md": b"# to do\n- rewrite section 2\n",
        folder / figures / "my-figure.png": b"\x89PNG\r\n\x1a\n" + os.urandom(32),
        folder / ".config": b"keep=me\n",
    }
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def intact(files: dict[Path, bytes]) -> None:
    for path, data in files.items():
        assert path.is_file() and path.read_bytes() == data, path


def make_tree(root: Path) -> Path:
    """A repository-shaped tree: the fixture notebooks, data/raw with two tables, data/processed/.gitkeep."""
    shutil.copytree(NOTEBOOKS, root / "notebooks")
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "t_a.csv").write_text("x\n1\n2\n", encoding="utf-8")
    (raw / "t_b.csv").write_text("y\n3\n", encoding="utf-8")
    (root / "data" / "processed").mkdir()
    (root / "data" / "processed" / ".gitkeep").touch()
    return root


def config(root: Path, **options) -> pipeline.BuildConfig:
    """A build without sections (no kernel): the data step copies the raw CSV files, the renderer lists notebooks."""
    lines: list[str] = []
    settings = dict(root=root, sections=(), jobs=1, render=True, prepare=copy_prepare(),
                    renderer=listing_renderer(), package_hash="fixed", echo=lines.append)
    settings.update(options)
    built = pipeline.BuildConfig(**settings)
    built.lines = lines  # type: ignore[attr-defined]
    return built


def build(root: Path, **options) -> pipeline.BuildResult:
    return pipeline.build(config(root, **options))


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "repo")


@pytest.fixture()
def no_writes(monkeypatch):
    """Any folder created, file opened for writing or lock taken fails the test (for / and the home folder)."""
    real_mkdir, real_open = Path.mkdir, os.open

    def mkdir(self, *args, **kwargs):
        raise AssertionError(f"the build created {self} before refusing")

    def os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise AssertionError(f"the build opened {path} for writing before refusing")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(atomic, "exclusive_lock", lambda *a, **k: (_ for _ in ()).throw(
        AssertionError("the build took a lock before refusing")))
    yield
    monkeypatch.setattr(Path, "mkdir", real_mkdir)


# --------------------------------------------------------------------------------------------------------------
# Places a build never writes into: refused before anything is written


def test_output_root_folder_is_refused_before_anything_is_written(tree, no_writes):
    for options in ({"output_dir": "/"}, {"processed_dir": "/"}):
        result = build(tree, **options)
        assert result.exit_code == pipeline.EXIT_USAGE
        assert "the root folder / is never an output folder" in result.message
    assert not Path("/.vstudy.lock").exists() and not Path("/.vstudy-tree.json").exists()


def test_home_folder_and_a_folder_that_contains_it_are_refused(tree, tmp_path, monkeypatch):
    home = tmp_path / "home" / "me"
    files = user_files(home)
    monkeypatch.setenv("HOME", str(home))
    for folder, what in ((home, "your home folder"), (home.parent, "a folder that contains your home folder")):
        for key in ("output_dir", "processed_dir"):
            result = build(tree, **{key: folder})
            assert result.exit_code == pipeline.EXIT_USAGE and what in result.message, result.message
    intact(files)
    assert sorted(p.name for p in home.iterdir()) == [".config", "figures", "notes", "thesis.docx"]


def test_home_refusal_comes_before_any_write(tree, tmp_path, monkeypatch, no_writes):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    result = build(tree, output_dir=tmp_path / "home")
    assert result.exit_code == pipeline.EXIT_USAGE and "your home folder" in result.message


def test_repository_root_and_folders_above_it_are_refused(tree):
    for folder in (tree, tree.parent):
        result = build(tree, output_dir=folder)
        assert result.exit_code == pipeline.EXIT_USAGE and "repository" in result.message, result.message
    assert not (tree / ".vstudy.lock").exists() and not (tree / ".build").exists()


def test_the_dataset_as_output_or_processed_layer_is_refused(tree, tmp_path):
    data = tmp_path / "ds" / "survey"
    shutil.copytree(tree / "data" / "raw", data)
    (data / "manifest.yml").write_text("tables: {}\n", encoding="utf-8")
    (data / "report_2021").mkdir()
    (data / "report_2021" / "table.csv").write_text("a\n1\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    cases = [({"output_dir": data}, "is the dataset"), ({"processed_dir": data}, "is the dataset"),
             ({"output_dir": data / "out"}, "inside the dataset folder"),
             ({"processed_dir": data / "report_2021"}, "inside the dataset folder"),
             ({"output_dir": tmp_path / "ds"}, "contains the dataset")]
    for options, what in cases:
        result = build(tree, data_dir=data, **options)
        assert result.exit_code == pipeline.EXIT_USAGE and what in result.message, (options, result.message)
    intact(before)
    assert sorted(p.name for p in data.iterdir()) == ["manifest.yml", "report_2021", "t_a.csv", "t_b.csv"]


def test_output_and_processed_must_be_separate(tree, tmp_path):
    out = tmp_path / "out"
    files = user_files(tmp_path / "elsewhere")
    for options, what in (({"output_dir": out, "processed_dir": out}, "is the output tree itself"),
                          ({"output_dir": out, "processed_dir": out / "en"}, "lies inside the output tree"),
                          ({"output_dir": out / "p" / "tree", "processed_dir": out / "p"}, "inside the processed")):
        result = build(tree, **options)
        assert result.exit_code == pipeline.EXIT_USAGE and what in result.message, result.message
        assert "\n" not in result.message
    assert not out.exists()
    intact(files)
    # The default: the processed layer in the tree's own processed/ folder.
    assert build(tree, output_dir=out, processed_dir=out / "processed").exit_code == 0


# --------------------------------------------------------------------------------------------------------------
# Folders of a user's files


@pytest.mark.parametrize("option", ["output_dir", "processed_dir"])
def test_a_folder_of_user_files_is_refused_and_left_byte_identical(tree, tmp_path, option):
    folder = tmp_path / "My Documents"
    files = user_files(folder)
    (folder / "site").mkdir()
    (folder / "site" / "index.html").write_text("<p>my own page</p>", encoding="utf-8")
    files[folder / "site" / "index.html"] = b"<p>my own page</p>"
    result = build(tree, **{option: folder})
    assert result.exit_code == pipeline.EXIT_USAGE
    assert "My Documents is not empty and is not a vstudy" in result.message and "\n" not in result.message
    intact(files)
    assert not (folder / ".vstudy.lock").exists() and not (folder / owned.TREE_MARKER).exists()
    assert not any(p.name.startswith(".My Documents") for p in tmp_path.iterdir())  # no lock or staging beside it


def test_vstudy_data_refuses_a_folder_of_user_files_and_the_dataset(tmp_path, capsys):
    dataset = tmp_path / "mydata"
    shutil.copytree(FIXTURES / "kz2022_dataset", dataset)
    before = {p: p.read_bytes() for p in dataset.rglob("*") if p.is_file()}
    folder = tmp_path / "thesis"
    files = user_files(folder)
    for out, what in ((folder, "is not empty and is not a vstudy processed layer"), (dataset, "is the dataset"),
                      (dataset / "processed", "inside the dataset folder")):
        assert cli.main(["data", "--data", str(dataset), "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert what in err[-1] and "Traceback" not in "".join(err), err
    intact(files)
    intact(before)
    assert not (tmp_path / ".thesis.lock").exists()


def test_vstudy_data_refuses_the_root_folder_before_writing(no_writes, capsys):
    assert cli.main(["data", "--data", str(FIXTURES / "kz2022_dataset"), "--out", "/"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == \
        "vstudy data: --out /: the root folder / is never an output folder; nothing was written"


def test_vstudy_data_writes_a_new_folder_and_keeps_a_users_file_in_its_own_layer(tmp_path, capsys):
    dataset = FIXTURES / "kz2022_dataset"
    out = tmp_path / "layer"
    assert cli.main(["data", "--data", str(dataset), "--out", str(out)]) == 0
    marker = json.loads((out / owned.LAYER_MARKER).read_text(encoding="utf-8"))
    assert marker["vstudy"] == "processed layer" and "dataset.json" in marker["files"]
    files = {out / "my-notes.txt": b"what I found\n"}
    (out / "my-notes.txt").write_bytes(b"what I found\n")
    assert cli.main(["data", "--data", str(dataset), "--out", str(out)]) == 0
    intact(files)
    assert "my-notes.txt" not in json.loads((out / owned.LAYER_MARKER).read_text(encoding="utf-8"))["files"]
    # A file of the user's where the layer writes one of its own is not overwritten.
    (out / owned.LAYER_MARKER).write_text(json.dumps({"vstudy": "processed layer", "files": []}), encoding="utf-8")
    readme = (out / "README.md").read_bytes()
    assert cli.main(["data", "--data", str(dataset), "--out", str(out)]) == 2
    assert "README.md was not written by vstudy" in capsys.readouterr().err
    assert (out / "README.md").read_bytes() == readme
    intact(files)


def test_a_users_files_in_an_owned_tree_survive_every_build(tree, tmp_path):
    out = tmp_path / "out"
    assert build(tree, output_dir=out, processed_dir=out / "processed").exit_code == 0
    assert json.loads((out / owned.TREE_MARKER).read_text(encoding="utf-8"))["dataset"] == "data/raw"
    files = user_files(out)  # thesis.docx, notes/, figures/ at the top of the tree
    files.update(user_files(out / "site", figures="img"))  # … and inside the folders the build writes
    files[out / "processed" / "mine.csv"] = b"my,own\n"
    (out / "processed" / "mine.csv").write_bytes(b"my,own\n")
    (tree / "data" / "raw" / "t_a.csv").write_text("x\n5\n", encoding="utf-8")  # a new layer and a new site
    listing = (out / "site" / "index.html").read_bytes()
    folders = {name: (out / name).stat().st_ino for name in ("figures", "notes")}
    result = build(tree, output_dir=out, processed_dir=out / "processed")
    assert result.exit_code == 0 and result.prepared, result.message
    assert (out / "processed" / "t_a.csv").read_text(encoding="utf-8") == "x\n5\n"  # the layer was replaced …
    intact(files)  # … and every file of the user's is still there, byte for byte
    assert (out / "site" / "index.html").read_bytes() == listing
    assert {name: (out / name).stat().st_ino for name in folders} == folders  # folders not vstudy's: untouched
    state = json.loads((out / ".vstudy-state.json").read_text(encoding="utf-8"))
    assert "site/index.html" in state["written"] and "site/thesis.docx" not in state["written"]
    # The user's files are no reason to process or render again.
    again = build(tree, output_dir=out, processed_dir=out / "processed")
    assert again.exit_code == 0 and not again.prepared and again.render.status == "skipped", again.message
    assert not again.committed
    intact(files)
    # Without a render an outdated site goes — but not the user's files in it.
    (tree / "data" / "raw" / "t_a.csv").write_text("x\n6\n", encoding="utf-8")
    assert build(tree, output_dir=out, processed_dir=out / "processed", render=False).exit_code == 0
    assert not (out / "site" / "index.html").exists() and not (out / "site-src").exists()
    intact(files)


def test_a_users_file_where_the_build_writes_is_not_replaced_without_force(tree, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    owned.claim_tree(out, "data/raw")  # a vstudy tree (say, emptied by hand) …
    mine = {out / "site" / "index.html": b"<p>my page</p>"}
    (out / "site").mkdir()
    (out / "site" / "index.html").write_bytes(b"<p>my page</p>")  # … with a page of the user's
    result = build(tree, output_dir=out)
    assert result.exit_code == pipeline.EXIT_USAGE
    assert "site/index.html was not written by vstudy" in result.message and "--force" in result.message
    intact(mine)
    assert not (out / ".vstudy-state.json").exists()
    assert build(tree, output_dir=out, force=True).exit_code == 0  # --force: the build's file wins
    assert (out / "site" / "index.html").read_bytes() != b"<p>my page</p>"


@pytest.mark.slow
def test_a_users_figure_survives_when_its_section_is_executed_again(tree):
    reports = tree / "reports"
    one = dict(sections=SECTIONS[:1], langs=("en",), render=False)
    assert build(tree, **one).exit_code == 0
    files = {reports / "en" / "figures" / "my-figure.png": b"\x89PNG mine",
             reports / "en" / "notebooks" / "my-analysis.ipynb": b"{}", reports / "en" / "notes.txt": b"n\n"}
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (tree / "data" / "raw" / "t_a.csv").write_text("x\n7\n8\n9\n", encoding="utf-8")
    result = build(tree, **one)
    assert result.executed == ["en/00_alpha"], result.message
    assert (reports / "en" / "tables" / "00_alpha__copy.csv").read_text(encoding="utf-8") == "x\n7\n8\n9\n"
    intact(files)


# --------------------------------------------------------------------------------------------------------------
# Damaged state and journal


@pytest.mark.parametrize("damage", ["{not json", "[]", '{"version": 4, "sections": [], "data": {}, "site": {}}',
                                    '{"version": 4, "sections": {}, "data": {}, "site": {}, "written": "all"}'])
def test_a_damaged_state_file_stops_with_exit_2_until_force(tree, damage):
    reports = tree / "reports"
    assert build(tree).exit_code == 0
    files = user_files(reports / "site")
    (reports / ".vstudy-state.json").write_text(damage, encoding="utf-8")
    site = hash_tree(reports / "site")
    result = build(tree)
    assert result.exit_code == pipeline.EXIT_USAGE
    assert result.message.startswith("reports/.vstudy-state.json is damaged") and "--force" in result.message
    assert hash_tree(reports / "site") == site
    intact(files)
    again = build(tree, force=True)
    assert again.exit_code == 0, again.message
    assert json.loads((reports / ".vstudy-state.json").read_text(encoding="utf-8"))["version"] == 4
    intact(files)  # files at paths the build does not write are kept


@pytest.mark.parametrize("journal", [
    "{half a journal",
    '{"version": 1, "token": "x", "moves": [{"staged": null, "target": "/etc", "inode": 1}], "state": null}',
    '{"version": 1, "moves": [{"staged": "/home", "target": "TREE/site", "inode": 2}], "state": null}',
    '{"version": 1, "moves": "all"}',
])
def test_a_damaged_journal_is_never_applied(tree, tmp_path, journal):
    reports = tree / "reports"
    assert build(tree).exit_code == 0
    files = user_files(reports / "site")
    (reports / pipeline.JOURNAL_NAME).write_text(journal.replace("TREE", str(reports)), encoding="utf-8")
    site = hash_tree(reports / "site")
    result = build(tree)
    assert result.exit_code == pipeline.EXIT_USAGE, result.message
    assert result.message.startswith("reports/.vstudy-commit.json is damaged") and "--force" in result.message
    assert hash_tree(reports / "site") == site
    intact(files)
    assert build(tree, force=True).exit_code == 0
    assert not (reports / pipeline.JOURNAL_NAME).exists()
    intact(files)


# --------------------------------------------------------------------------------------------------------------
# Read-only folders and a full disk (simulated: the tests run as root)


def test_a_read_only_output_folder_is_a_one_line_error(tree, tmp_path, monkeypatch, capsys):
    out = tmp_path / "readonly"
    out.mkdir()
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if str(path).startswith(str(out)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    monkeypatch.chdir(tmp_path)
    result = build(tree, output_dir="readonly")
    assert result.exit_code == pipeline.EXIT_FAILED
    assert result.message == ("cannot write readonly/.vstudy.lock: permission denied (read-only?); the previous "
                              "outputs are unchanged")
    assert list(out.iterdir()) == []


def test_a_read_only_file_system_while_staging_keeps_the_previous_outputs(tree, monkeypatch):
    reports = tree / "reports"
    assert build(tree).exit_code == 0
    files = user_files(reports)
    before = {top: hash_tree(reports / top) for top in ("site", "site-src")}
    state = (reports / ".vstudy-state.json").read_bytes()

    def read_only(config, state, view):
        raise OSError(errno.EROFS, "Read-only file system", str(view.stage / "site" / "index.html"))

    (tree / "data" / "raw" / "t_a.csv").write_text("x\n3\n", encoding="utf-8")
    result = build(tree, renderer=read_only)
    assert result.exit_code == pipeline.EXIT_FAILED
    assert result.message.startswith("cannot write reports/.build/") and "the file system is read-only" in \
        result.message and "the previous outputs are unchanged" in result.message
    assert {top: hash_tree(reports / top) for top in before} == before
    assert (reports / ".vstudy-state.json").read_bytes() == state
    assert (tree / "data" / "processed" / "t_a.csv").read_text(encoding="utf-8") == "x\n1\n2\n"
    intact(files)
    assert not (reports / ".build").exists()


@pytest.mark.parametrize("where", ["prepare", "journal"])
def test_a_full_disk_stops_the_build_and_keeps_the_previous_outputs(tree, monkeypatch, where):
    reports = tree / "reports"
    assert build(tree).exit_code == 0
    files = user_files(reports)
    before = {top: hash_tree(reports / top) for top in ("site", "site-src")}
    processed = hash_tree(tree / "data" / "processed")
    (tree / "data" / "raw" / "t_a.csv").write_text("x\n3\n", encoding="utf-8")
    options = {}
    if where == "prepare":
        def full(config):
            raise OSError(errno.ENOSPC, "No space left on device", str(config.processed_dir / "t_a.csv"))
        options["prepare"] = full
    else:
        real = atomic.write_text_atomic

        def write(target, text, encoding="utf-8"):
            if Path(target).name == pipeline.JOURNAL_NAME:
                raise OSError(errno.ENOSPC, "No space left on device", str(target))
            return real(target, text, encoding)

        monkeypatch.setattr(atomic, "write_text_atomic", write)
    result = build(tree, **options)
    assert result.exit_code == pipeline.EXIT_FAILED, result.message
    assert "no space left on the device" in result.message and "the previous outputs are unchanged" in result.message
    assert str(tree) not in result.message
    assert {top: hash_tree(reports / top) for top in before} == before
    assert hash_tree(tree / "data" / "processed") == processed
    intact(files)
    monkeypatch.undo()
    assert build(tree).exit_code == 0  # nothing was left half done


def test_a_write_error_in_the_middle_of_the_commit_is_completed_by_the_next_build(tree):
    reports = tree / "reports"
    assert build(tree).exit_code == 0
    files = user_files(reports / "site")
    (tree / "data" / "raw" / "t_a.csv").write_text("x\n3\n", encoding="utf-8")

    def fail(index: int) -> None:
        if index == 1:  # the processed layer is in place, the site is not
            raise OSError(errno.EROFS, "Read-only file system", str(reports / "site"))

    result = build(tree, on_commit_step=fail)
    assert result.exit_code == pipeline.EXIT_FAILED
    assert result.message == ("cannot write reports/site: the file system is read-only; the new outputs are partly "
                              "in place: the next vstudy build completes them first")
    assert (reports / pipeline.JOURNAL_NAME).exists() and (reports / ".build").is_dir()
    settings = config(tree)
    again = pipeline.build(settings)
    assert again.exit_code == 0 and not again.prepared, again.message  # nothing to do but finish the commit
    assert any("finished putting in place" in line for line in settings.lines)  # type: ignore[attr-defined]
    state = json.loads((reports / ".vstudy-state.json").read_text(encoding="utf-8"))
    assert hash_tree(tree / "data" / "processed") == state["data"]["processed"]
    assert (tree / "data" / "processed" / "t_a.csv").read_text(encoding="utf-8") == "x\n3\n"
    site = hash_tree(reports / "site")
    assert {rel: site[rel] for rel in state["site"]["files"]} == state["site"]["files"]
    assert not (reports / ".build").exists() and not (reports / pipeline.JOURNAL_NAME).exists()
    intact(files)


def test_vstudy_data_on_a_full_disk_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    from vstudy.data import processed

    out = tmp_path / "layer"
    dataset = FIXTURES / "kz2022_dataset"
    assert cli.main(["data", "--data", str(dataset), "--out", str(out)]) == 0
    before = hash_tree(out)

    def full(frame, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(processed, "_write_parquet", full)
    capsys.readouterr()
    assert cli.main(["data", "--data", str(dataset), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (f"vstudy data: cannot write the processed layer {out}: no space left on the device; "
                       "processed layer left unchanged")
    assert hash_tree(out) == before and not any(p.name.startswith(".layer.building") for p in tmp_path.iterdir())


# --------------------------------------------------------------------------------------------------------------
# vstudy template --out FILE


def test_template_out_a_file_is_refused_and_the_file_kept(tmp_path, capsys):
    target = tmp_path / "thesis.docx"
    target.write_bytes(b"my thesis")
    assert cli.main(["template", "--scheme", "kz2022", "--out", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"vstudy template: --out {target} is a file, not a folder; give a new folder"
    assert target.read_bytes() == b"my thesis"
    assert cli.main(["template", "--scheme", "kz2022", "--out", str(target), "--force"]) == 2
    assert target.read_bytes() == b"my thesis"


def test_template_into_a_read_only_folder_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    def read_only(target, text, encoding="utf-8"):
        raise OSError(errno.EROFS, "Read-only file system", str(target))

    monkeypatch.setattr(atomic, "write_text_atomic", read_only)
    assert cli.main(["template", "--scheme", "kz2022", "--out", str(tmp_path / "new")]) == 1
    assert capsys.readouterr().err.strip() == \
        f"vstudy template: cannot write {tmp_path / 'new'}: the file system is read-only"


# --------------------------------------------------------------------------------------------------------------
# Paths as the user pointed at them


def test_parameters_and_messages_name_no_machine_path_outside_the_repository(tree, tmp_path, monkeypatch):
    data, out, layer = tmp_path / "elsewhere" / "survey", tmp_path / "results", tmp_path / "layer"
    shutil.copytree(tree / "data" / "raw", data)
    monkeypatch.chdir(tmp_path)
    built = config(tree, data_dir=data, output_dir="results", processed_dir=layer)
    params = pipeline.parameters_for(built, {"period": "2021-H2"})
    assert (params["data_dir"], params["processed_dir"], params["output_dir"]) == ("survey", "layer", "results")
    assert pipeline.edition_parameters(built, params, "ru")["output_dir"] == "results/ru"
    assert built.rel(out / "en" / "tables") == "results/en/tables"  # as the user named it
    assert built.rel(data / "t_a.csv") == f"{data}/t_a.csv"  # given absolute: shown as given
    (out / "site").mkdir(parents=True)
    (out / "site" / "x.html").write_text("mine", encoding="utf-8")
    result = pipeline.build(built)
    assert result.exit_code == 2 and result.message == (
        "nothing was done: --output results is not empty and is not a vstudy output tree (it has no "
        ".vstudy-tree.json); vstudy writes only into a folder it created: give a new or empty folder")


def test_a_failure_message_names_paths_as_the_user_gave_them(tree, tmp_path, monkeypatch):
    shutil.copytree(tree / "data" / "raw", tmp_path / "elsewhere" / "survey")
    monkeypatch.chdir(tmp_path)

    def fails(config):
        raise ValueError(f"dataset {config.data_dir} is on scheme kz2022, and {config.processed_dir} is not")

    result = build(tree, data_dir="elsewhere/survey", output_dir="results", prepare=fails)
    assert result.exit_code == pipeline.EXIT_FAILED
    assert result.message == ("validate/process failed: ValueError: dataset elsewhere/survey is on scheme kz2022, "
                              "and builds/survey/.processed.build/processed is not")
    assert str(tmp_path) not in result.message


@pytest.mark.slow
def test_executed_notebooks_outside_the_repository_name_no_machine_path(tree, tmp_path):
    data, out = tmp_path / "elsewhere" / "survey", tmp_path / "results"
    shutil.copytree(tree / "data" / "raw", data)
    result = build(tree, data_dir=data, output_dir=out, processed_dir=tmp_path / "layer", sections=SECTIONS[:1],
                   langs=("en",), render=False)
    assert result.exit_code == 0, result.message
    text = (out / "en" / "notebooks" / "00_alpha.ipynb").read_text(encoding="utf-8")
    assert str(tmp_path) not in text and ".build" not in text
    assert 'data_dir = \\"survey\\"' in text and 'output_dir = \\"results/en\\"' in text


# --------------------------------------------------------------------------------------------------------------
# A workbook dataset: read after the lock, in the build's own staging


def _workbook(tmp_path: Path) -> Path:
    dataset = tmp_path / "drop"
    assert cli.main(["template", "--scheme", "kz2022", "--out", str(dataset), "--start", "2022-01-01",
                     "--end", "2022-12-31"]) == 0
    return dataset / "drop.xlsx"


def test_a_workbook_build_refused_by_the_lock_has_written_nothing(tree, tmp_path):
    book = _workbook(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (book.parent / "drop.dataset").symlink_to(outside)  # the old export place, a link out of the dataset
    built = config(tree, data_dir=book)
    assert built.data_dir == built.build_dir / "dataset" / "drop" and built.output_dir == tree / "builds" / "drop"
    built.output_dir.mkdir(parents=True)
    listing = sorted(p.name for p in book.parent.iterdir())
    with atomic.exclusive_lock(built.lock_path, "pid 4242, vstudy build"):
        result = pipeline.build(built)
    assert result.exit_code == pipeline.EXIT_LOCKED
    assert sorted(p.name for p in book.parent.iterdir()) == listing and list(outside.iterdir()) == []
    assert not built.build_dir.exists()


def test_outputs_of_a_workbook_stay_out_of_its_dataset_folder(tree, tmp_path):
    book = _workbook(tmp_path)  # drop/drop.xlsx beside drop/manifest.yml, as `vstudy template` writes them
    before = {p: p.read_bytes() for p in book.parent.rglob("*") if p.is_file()}
    for options, what in (({"output_dir": book.parent}, "contains the dataset"),
                          ({"output_dir": book}, "is the dataset"),
                          ({"processed_dir": book.parent / "processed"}, "inside the dataset folder")):
        result = build(tree, data_dir=book, **options)
        assert result.exit_code == pipeline.EXIT_USAGE and what in result.message, result.message
    intact(before)


def test_staging_reached_through_a_link_is_not_followed(tree, tmp_path):
    assert build(tree).exit_code == 0
    outside = tmp_path / "outside"
    files = user_files(outside)
    (tree / "reports" / ".build").symlink_to(outside)  # the staging folder as a link out of the tree
    (tree / "data" / ".processed.build").symlink_to(outside)
    (tree / "data" / "raw" / "t_a.csv").write_text("x\n4\n", encoding="utf-8")
    assert build(tree).exit_code == 0
    intact(files)
    assert sorted(p.name for p in outside.iterdir()) == [".config", "figures", "notes", "thesis.docx"]


def test_validate_and_build_judge_the_same_workbook_bytes(tree, tmp_path, capsys):
    import openpyxl

    book = _workbook(tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["regional"]["A3"].value = "Atlantis"
    wb.save(book)
    capsys.readouterr()
    assert cli.main(["validate", "--data", str(book)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("ERROR")]
    problem = "drop.xlsx, sheet 'regional', row 3, column 'region_code' (cell A3) value 'Atlantis'"
    assert any(problem in line for line in errors)
    result = build(tree, data_dir=book, prepare=None, render=False)
    assert result.exit_code == pipeline.EXIT_FAILED
    listed = [line.strip() for line in result.message.splitlines() if line.strip().startswith("ERROR")]
    assert listed and set(listed) <= set(errors)  # the same problems, named the same way (sheet and cell)
    assert f"({len(errors)} error(s);" in result.message and f"vstudy validate --data {book}" in result.message
    assert not (book.parent / "drop.dataset").exists()
    assert not (tree / "builds" / "drop" / ".build").exists()
