"""Quarto set up by the project: one pinned version, found in the venv, installed by `make report` when missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from vstudy.publish import quarto

SCRIPT = "bin/ensure-quarto"


def _pin(repo_root: Path) -> str:
    lines = (repo_root / "requirements" / "render.txt").read_text().splitlines()
    pins = [line for line in lines if line.startswith("quarto-cli")]
    assert len(pins) == 1
    return pins[0]


def test_the_version_is_pinned_in_one_place(repo_root):
    pin = _pin(repo_root)
    assert pin.startswith("quarto-cli==") and pin.count(".") == 2  # an exact version
    assert quarto.pinned_quarto() == pin
    message = quarto.QUARTO_HELP.format(notebooks="reports/en/notebooks and reports/ru/notebooks")
    assert pin in message and f"Quarto {pin.partition('==')[2]}" in message
    # the render extra reads the same file instead of naming a version
    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text())
    assert "optional-dependencies" in pyproject["project"]["dynamic"]
    extras = pyproject["tool"]["setuptools"]["dynamic"]["optional-dependencies"]
    assert extras["render"] == {"file": ["requirements/render.txt"]}
    assert "quarto-cli" not in (repo_root / "pyproject.toml").read_text()


def _executable(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def test_quarto_path_finds_the_launcher_in_the_venv(tmp_path, monkeypatch):
    python = _executable(tmp_path / "venv" / "bin" / "python", "exit 0")
    monkeypatch.setattr(quarto.shutil, "which", lambda name, *a, **k: None)
    monkeypatch.setattr(sys, "executable", str(python))
    assert quarto.quarto_path() is None
    launcher = _executable(tmp_path / "venv" / "bin" / "quarto", "echo 1.7.34")
    assert quarto.quarto_path() == str(launcher)
    assert quarto.quarto_version(quarto.quarto_path()) == "1.7.34"
    # PATH wins over the venv
    monkeypatch.setattr(quarto.shutil, "which", lambda name, *a, **k: "/opt/quarto/bin/quarto")
    assert quarto.quarto_path() == "/opt/quarto/bin/quarto"


@pytest.fixture()
def fake(tmp_path, repo_root):
    """A venv whose python records its arguments (and fails when told to), and a PATH without quarto."""
    venv = tmp_path / "venv"
    log = tmp_path / "calls.txt"
    _executable(venv / "bin" / "python", f'echo "$@" >> "{log}"\nexit "${{FAKE_PIP_STATUS:-0}}"')
    path = os.pathsep.join(d for d in ("/usr/bin", "/bin") if not (Path(d) / "quarto").exists())

    def run(status: int = 0, extra_path: str = ""):
        env = {"PATH": (extra_path + os.pathsep if extra_path else "") + path, "FAKE_PIP_STATUS": str(status)}
        out = subprocess.run(["sh", SCRIPT, str(venv)], cwd=repo_root, env=env, capture_output=True, text=True)
        calls = log.read_text().splitlines() if log.exists() else []
        log.unlink(missing_ok=True)
        return out, calls

    return venv, run


def test_ensure_quarto_installs_only_when_missing(fake, tmp_path):
    venv, run = fake
    out, calls = run()
    assert out.returncode == 0
    assert calls == ["-m pip install --quiet --disable-pip-version-check -r requirements/render.txt"]
    # Quarto on PATH, or in the venv: nothing to do
    bindir = tmp_path / "elsewhere"
    _executable(bindir / "quarto", "exit 0")
    assert run(extra_path=str(bindir))[1] == []
    _executable(venv / "bin" / "quarto", "exit 0")
    assert run()[1] == []


def test_a_failed_install_lets_the_build_go_on_and_is_not_retried(fake, repo_root):
    venv, run = fake
    out, calls = run(status=1)
    assert out.returncode == 0 and len(calls) == 1  # make goes on to the build, which exits 3
    assert "could not install" in out.stderr and "exit code 3" in out.stderr
    assert (venv / ".quarto-install-failed").read_text().strip() == _pin(repo_root)
    out, calls = run(status=1)
    assert calls == [] and "failed before" in out.stderr
    (venv / ".quarto-install-failed").write_text("quarto-cli==0.0.1\n")  # another pin: try again
    assert len(run()[1]) == 1 and not (venv / ".quarto-install-failed").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_report_ensures_quarto_before_the_build(repo_root, tmp_path):
    out = subprocess.run(["make", "-n", "report", f"VENV={tmp_path / 'venv'}"], cwd=repo_root,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    ensure = next(i for i, line in enumerate(out) if "bin/ensure-quarto" in line)
    build = next(i for i, line in enumerate(out) if "vstudy build" in line)
    assert ensure < build
