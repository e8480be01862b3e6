"""The student's path: `make lab`, the dev container and Binder install from the project's lock files."""

from __future__ import annotations

import json
import re
import subprocess

import pytest


def _pins(path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep and version, f"{path.name}: {line!r} is not pinned to one version"
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_lab_lock_pins_jupyterlab_on_top_of_the_main_lock(repo_root):
    base = _pins(repo_root / "requirements" / "lock.txt")
    lab = _pins(repo_root / "requirements" / "lock-lab.txt")
    assert "jupyterlab" in lab and "jupyter-server" in lab
    assert not set(base) & set(lab), f"lock-lab.txt repeats pins of lock.txt: {sorted(set(base) & set(lab))}"
    assert "ipykernel" in base, "the kernel the lab runs comes from the main lock"


def test_make_lab_installs_the_lab_lock_and_opens_the_notebooks(repo_root):
    out = subprocess.run(["make", "-n", "lab", "VENV=.venv-dry"], cwd=repo_root, capture_output=True, text=True,
                         check=True).stdout
    assert "-r requirements/lock.txt" in out and "-r requirements/lock-lab.txt" in out
    assert re.search(r"jupyter lab --notebook-dir=notebooks", out)
    assert "vstudy data" in out, "the processed layer is written first, so notebooks run top to bottom"
    help_text = subprocess.run(["make", "help"], cwd=repo_root, capture_output=True, text=True, check=True).stdout
    assert re.search(r"lab\s.*JupyterLab", help_text)


def test_the_lab_extra_is_the_file_make_lab_locks(repo_root):
    import tomllib

    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text())
    extras = pyproject["tool"]["setuptools"]["dynamic"]["optional-dependencies"]
    assert extras["lab"] == {"file": ["requirements/lab.txt"]}
    wanted = [line for line in (repo_root / "requirements" / "lab.txt").read_text().splitlines()
              if line and not line.startswith("#")]
    assert wanted == ["jupyterlab>=4.2"]


def _jsonc(text: str) -> dict:
    return json.loads("\n".join(line for line in text.splitlines() if not line.strip().startswith("//")))


def test_dev_container_installs_from_the_lock_files(repo_root):
    config = _jsonc((repo_root / ".devcontainer" / "devcontainer.json").read_text())
    assert "python:3.11" in config["image"]
    command = config["postCreateCommand"]
    assert command.startswith("make venv") and "requirements/lock-lab.txt" in command
    assert config["customizations"]["vscode"]["settings"]["python.defaultInterpreterPath"] == ".venv/bin/python"


def test_binder_installs_from_the_lock_files(repo_root):
    binder = repo_root / "binder"
    requirements = [line for line in (binder / "requirements.txt").read_text().splitlines()
                    if line and not line.startswith("#")]
    assert requirements == ["-r ../requirements/lock.txt", "-r ../requirements/lock-lab.txt"]
    for line in requirements:
        assert (binder / line.split()[1]).resolve().is_file()
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    post = (binder / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post and "vstudy data" in post
    assert (binder / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


@pytest.mark.parametrize("name", ["lock.txt", "lock-lab.txt"])
def test_lock_files_are_consistent_with_each_other(repo_root, name):
    pins = _pins(repo_root / "requirements" / name)
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", v) for v in pins.values())
