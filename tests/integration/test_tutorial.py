"""The tutorial docs/tutorial.md ("Change a section"), run as a student would run it.

Every fenced ``sh`` block of the tutorial is a step, marked ``<!-- step: name -->`` just above it. The slow test
copies the repository's files (``git ls-files``) into a temporary folder and runs every step there, in order,
exactly as written — the edits too, since the tutorial gives them as commands — with the environment of this
test run first on ``PATH`` (what ``. .venv/bin/activate`` does) and the copy's ``src`` first on ``PYTHONPATH``, so
that the copy's code, notebooks and catalogues are the ones that run. After the steps it checks that the outputs
changed as the tutorial says: the figure's bytes, the sentences of the executed notebook, the new section's
executed notebook, table and figure. The real checkout is never written to.

``make lab`` opens a server and waits; it runs in a test of its own, which stops it once JupyterLab answers.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "tutorial.md"
STEP = re.compile(r"<!-- step: ([\w-]+) -->\n```sh\n(.*?)\n```\n", re.S)
# The tutorial's steps in order; a step added to the tutorial must be added here (and checked below).
STEPS = ["setup", "lab", "build", "colour", "sentence", "parameter", "rebuild", "look", "render", "new-analysis",
         "new-words", "new-registry", "new-notebook", "new-build", "new-check"]
S07, S08 = "07_information_line", "08_organisation_density"
VENV = Path(sys.prefix)  # the environment running this test: the tutorial's `.venv`


def tutorial_steps() -> dict[str, str]:
    return dict(STEP.findall(TUTORIAL.read_text(encoding="utf-8")))


# ------------------------------------------------------------------------------------------------ fast checks


def test_every_command_block_of_the_tutorial_is_a_step_the_test_runs():
    text = TUTORIAL.read_text(encoding="utf-8")
    steps = STEP.findall(text)
    assert [name for name, _ in steps] == STEPS
    assert text.count("```sh\n") == len(steps), "a ```sh block without a <!-- step: … --> line above it"
    # No shell block in another spelling that the test would not run.
    assert not re.search(r"```(bash|shell|console|zsh)\b", text)


def test_the_readme_links_the_tutorial_the_lab_the_dev_container_and_binder():
    import tomllib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("## Students: change a section"):]
    part = part[:part.index("\n## ", 1)]
    assert "(docs/tutorial.md)" in part and "make lab" in part
    assert "(.devcontainer/devcontainer.json)" in part
    source = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Source"]
    owner_repo = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", source)[1]
    binder = f"https://mybinder.org/v2/gh/{owner_repo}/HEAD?urlpath=lab/tree/notebooks"
    assert f"({binder})" in part, binder
    assert "https://mybinder.org/badge_logo.svg" in part


def test_the_package_hash_covers_the_catalogues(tmp_path):
    """A changed sentence re-executes the sections like changed code: the catalogues are part of the package's
    hash (before, a reworded message left every executed notebook as it was)."""
    from vstudy.publish.state import package_hash

    package = tmp_path / "src" / "vstudy"
    (package / "i18n" / "catalogues" / "en").mkdir(parents=True)
    (package / "analysis.py").write_text("X = 1\n")
    catalogue = package / "i18n" / "catalogues" / "en" / "infoline.yml"
    catalogue.write_text('intro: "Categories of the requests."\n')
    before = package_hash(package)
    assert package_hash(package) == before
    catalogue.write_text('intro: "What the requests were about."\n')
    assert package_hash(package) != before
    reworded = package_hash(package)
    (package / "notes.txt").write_text("not part of what runs")
    assert package_hash(package) == reworded


def test_categories_text_names_as_many_categories_as_asked():
    """The parameter the tutorial changes: ``top`` categories named in the sentence (two by default)."""
    from vstudy.present.prose import infoline as says

    table = pd.DataFrame({"label": ["Want to become volunteers", "Grant competitions", "Partners"],
                          "requests_count": [30, 20, 10], "share_of_categories_pct": [50.0, 100 / 3, 50 / 3]})
    two = says.categories_text(table, "en")[-1]
    three = says.categories_text(table, "en", top=3)[-1]
    assert two.startswith("The largest categories are Want to become volunteers (30) and Grant competitions (20);")
    assert "83.3%" in two
    assert three.startswith("The largest categories are Want to become volunteers (30), Grant competitions (20), "
                            "and Partners (10);")
    assert "100.0%" in three and "60 categorised requests" in three


# ------------------------------------------------------------------------------------------------ the run


def _copy_repository(target: Path) -> Path:
    """The repository's files as the working tree has them (tracked and new, not ignored) copied into
    ``target``, modification times kept (so that `make venv` finds the environment up to date), and `.venv`
    pointing at the environment of this test run."""
    found = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=False)
    if found.returncode != 0:
        pytest.skip("the tutorial's test copies the files git lists: run it in a git checkout")
    listed = found.stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    (target / ".venv").symlink_to(VENV, target_is_directory=True)
    return target


def _environment(copy: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "VSTUDY_")) and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{copy / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(copy / "src")  # the copy's package, not the checkout this venv installed
    env["MPLBACKEND"] = "Agg"
    return env


def _run(step: str, command: str, copy: Path, env: dict[str, str]) -> str:
    done = subprocess.run(["bash", "-e", "-c", command], cwd=copy, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, f"step {step} failed ({done.returncode}):\n{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _needs_the_venv(copy: Path, env: dict[str, str], stamp: str = ".venv/.installed") -> None:
    """Skip unless the environment is the one `make venv` made and is up to date: the tutorial's `make venv`
    (and `make lab`) must find nothing to install, since `.venv` of the copy is this environment."""
    if not (VENV / ".installed").is_file():
        pytest.skip("the tutorial runs in the environment `make venv` creates (.venv); run the tests from it")
    if subprocess.run(["make", "-q", stamp], cwd=copy, env=env, capture_output=True).returncode != 0:
        pytest.skip(f"{stamp} is out of date: run `make venv` (or `make lab`) first; this test installs nothing")


def _markdown(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(out["data"]["text/markdown"]) for cell in cells for out in cell.get("outputs", [])
                     if "text/markdown" in out.get("data", {}))


def _errors(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [out.get("ename", "") for cell in cells for out in cell.get("outputs", [])
            if out.get("output_type") == "error"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_the_tutorial_runs_and_changes_what_it_says(tmp_path):
    copy = _copy_repository(tmp_path / "fork")
    env = _environment(copy)
    _needs_the_venv(copy, env)
    steps = tutorial_steps()
    en = copy / "reports" / "en"
    out: dict[str, str] = {}
    original = {rel: (ROOT / rel).read_bytes() for rel in (
        "src/vstudy/present/figures.py", "src/vstudy/i18n/catalogues/en/infoline.yml", f"notebooks/{S07}.ipynb",
        "src/vstudy/vocab.py")}

    def changed() -> set[str]:
        return {rel for rel, data in original.items() if (copy / rel).read_bytes() != data}

    for step in STEPS:
        if step == "lab":
            continue  # test_the_tutorials_make_lab_opens_jupyterlab
        started = time.monotonic()
        out[step] = _run(step, steps[step], copy, env)
        print(f"{step}: {time.monotonic() - started:.1f} s")
        if step == "build":
            before = _files(en)
            # each figure with the data it draws (CSV and its CSVW description), each table with its description
            assert sorted(before) == sorted(
                [f"figures/{S07}__{n}.{e}" for n in ("categories", "channels")
                 for e in ("png", "svg", "csv", "csv-metadata.json")] + [f"notebooks/{S07}.ipynb"]
                + [f"tables/{S07}__{n}.{e}" for n in ("categories", "channels", "checks", "inputs", "monthly", "totals")
                   for e in ("csv", "csv-metadata.json")])
            assert _files(copy / "before-en") == before
            said = _markdown(en / "notebooks" / f"{S07}.ipynb")
            assert "Categories of the volunteering-related requests, as the dataset lists them." in said
            assert ("The largest categories are Seeking financial help (uninformed), got a consultation (337) and "
                    "Want to become volunteers (326); together 52.0% of the 1,276 categorised requests.") in said
        if step == "rebuild":
            after = _files(en)
        # Each edit changes the one file the tutorial names, and nothing else.
        edits = {"colour": {"src/vstudy/present/figures.py"},
                 "sentence": {"src/vstudy/present/figures.py", "src/vstudy/i18n/catalogues/en/infoline.yml"},
                 "parameter": {"src/vstudy/present/figures.py", "src/vstudy/i18n/catalogues/en/infoline.yml",
                               f"notebooks/{S07}.ipynb"}}
        if step in edits:
            assert changed() == edits[step], step

    # 6. The rebuild changed the channels figure and the notebook, nothing else; as the tutorial lists them.
    assert sorted(rel for rel in after if after[rel] != before.get(rel)) == [
        f"figures/{S07}__channels.png", f"figures/{S07}__channels.svg", f"notebooks/{S07}.ipynb"]
    listed = out["rebuild"].strip().splitlines()[-3:]
    assert [line.split()[1].removeprefix("before-en/") for line in listed] == [
        f"figures/{S07}__channels.png", f"figures/{S07}__channels.svg", f"notebooks/{S07}.ipynb"]
    assert "\n".join(listed) in TUTORIAL.read_text(encoding="utf-8"), "the tutorial shows diff's output as it is"
    assert b"#cc79a7" in after[f"figures/{S07}__channels.svg"].lower()
    assert b"#009e73" not in after[f"figures/{S07}__channels.svg"].lower()
    said = _markdown(en / "notebooks" / f"{S07}.ipynb")
    assert "What the volunteering-related requests were about, as the dataset lists them." in said
    assert "Categories of the volunteering-related requests" not in said
    assert ("The largest categories are Seeking financial help (uninformed), got a consultation (337), Want to "
            "become volunteers (326), and «Volunteer of the Year» award (138); together 62.8% of the 1,276 "
            "categorised requests.") in said
    assert out["look"].splitlines()[0] == "1"
    assert _errors(en / "notebooks" / f"{S07}.ipynb") == []

    # 7. The new section: registered, built alone, with its notebook, table, figure and sentence.
    assert changed() == {"src/vstudy/present/figures.py", "src/vstudy/i18n/catalogues/en/infoline.yml",
                         f"notebooks/{S07}.ipynb", "src/vstudy/vocab.py"}
    assert f"en/{S08}" in out["new-build"] and f"en/{S07}" not in out["new-build"]
    notebook = en / "notebooks" / f"{S08}.ipynb"
    assert _errors(notebook) == []
    table = pd.read_csv(en / "tables" / f"{S08}__ranking.csv")
    assert "\nregion_code,organisations_count,population_count,organisations_per_100k\n" in out["new-build"]
    regions = pd.read_parquet(copy / "data" / "processed" / "regions_kz2021.parquet")
    expected = regions.dropna(subset=["organisations_per_100k"]).sort_values("organisations_per_100k",
                                                                                ascending=False)
    assert len(table) == len(expected) == 17
    assert table["region_code"].tolist() == expected["region_code"].tolist()
    assert table["organisations_per_100k"].is_monotonic_decreasing
    first = expected.iloc[0]
    name = regions_name(first["region_code"])
    said = _markdown(notebook)
    assert (f"{name} has the most NGOs and initiative groups for its population: "
            f"{first['organisations_per_100k']:,.1f} per 100,000, the highest of the 17 regions with a rate.") in said
    assert (en / "figures" / f"{S08}__ranking.png").read_bytes().startswith(b"\x89PNG")
    executed = json.loads(notebook.read_text(encoding="utf-8"))
    assert executed["metadata"]["lang"] == "en"
    assert [c["metadata"]["tags"] for c in executed["cells"] if c["cell_type"] == "markdown"] == [["lang-en"]]
    # Section 07's outputs stayed as the rebuild left them.
    assert {rel: data for rel, data in _files(en).items() if S07 in rel} == after
    assert " passed" in out["new-check"] and "failed" not in out["new-check"]
    # The real checkout is untouched.
    assert {rel: (ROOT / rel).read_bytes() for rel in original} == original
    assert not (ROOT / "notebooks" / f"{S08}.ipynb").exists()


def regions_name(code: str) -> str:
    from vstudy.data import regions

    return regions.name(code, "en")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_the_tutorials_make_lab_opens_jupyterlab(tmp_path):
    """`make lab` as the tutorial gives it, with a free port and no browser: JupyterLab answers on the
    notebooks with the project's kernel; then it is stopped (its process group, by id)."""
    steps = tutorial_steps()
    assert steps["lab"] == "make lab"
    copy = _copy_repository(tmp_path / "fork")
    env = _environment(copy)
    _needs_the_venv(copy, env, ".venv/.lab-installed")
    port = _free_port()
    log = tmp_path / "lab.log"
    command = f'{steps["lab"]} LABPORT={port} ARGS="--no-browser --ServerApp.token=tutorial"'
    with log.open("w") as sink:
        lab = subprocess.Popen(["bash", "-e", "-c", command], cwd=copy, env=env, stdout=sink,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        answer = None
        while time.monotonic() < deadline and lab.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernelspecs?token=tutorial",
                                            timeout=2) as response:
                    answer = json.load(io.TextIOWrapper(response, encoding="utf-8"))
                    break
            except OSError:
                time.sleep(0.5)
        assert answer is not None, log.read_text()
        assert answer["kernelspecs"]["python3"]["spec"]["display_name"] == "Python 3 (vstudy)"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token=tutorial", timeout=5) as response:
            listed = {item["name"] for item in json.load(io.TextIOWrapper(response, encoding="utf-8"))["content"]}
        assert f"{S07}.ipynb" in listed
        assert (copy / "data" / "processed" / "regions_kz2021.parquet").is_file(), "make lab writes the data first"
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGTERM)
            try:
                lab.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(lab.pid, signal.SIGKILL)
                lab.wait()
