"""environment.yml (conda) and pyproject.toml must name the same direct dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

# Names that differ between PyPI and conda-forge, or that only one route needs.
CONDA_ONLY = {"python", "pip", "quarto"}
PYPI_TO_CONDA = {}


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _extra(repo_root, name: str) -> list[str]:
    """The requirements of an extra: pyproject.toml reads them from the files under requirements/."""
    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text())
    files = pyproject["tool"]["setuptools"]["dynamic"]["optional-dependencies"][name]["file"]
    lines = [line.strip() for f in files for line in (repo_root / f).read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_environment_matches_pyproject(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    pypi = {_name(d) for d in project["dependencies"]}
    pypi |= {_name(d) for d in _extra(repo_root, "test")}
    pypi = {PYPI_TO_CONDA.get(n, n) for n in pypi}

    env = yaml.safe_load((repo_root / "environment.yml").read_text())
    conda, pip_section = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section |= {_name(d) for d in dep["pip"] if not d.startswith("-e")}
        else:
            conda.add(_name(dep))
    assert "quarto" in conda, "the conda route must install Quarto for the render step"
    assert (conda - CONDA_ONLY) | pip_section == pypi


def test_lock_pins_every_direct_dependency(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    direct = {_name(d) for d in project["dependencies"] + _extra(repo_root, "test")}
    pinned = {}
    for line in (repo_root / "requirements" / "lock.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pinned[name.lower().replace("_", "-")] = version
    assert direct <= set(pinned), sorted(direct - set(pinned))
    assert all(v for v in pinned.values()), "every lock line pins an exact version"
