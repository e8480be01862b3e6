"""The study's CITATION.cff (Citation File Format 1.2.0) and the version a build states: the file has the keys and
types the CFF 1.2.0 schema requires, names the same version as pyproject.toml and the package, the study's English
title, and the licence the study states on every edition; a build knows its commit and date.

The schema itself is checked by ``cffconvert --validate`` (cffconvert 2.0.0 pins old dependencies, so it is not in
the project's lock: run it from a throwaway virtual environment, ``python -m venv /tmp/cffvenv &&
/tmp/cffvenv/bin/pip install cffconvert==2.0.0 && /tmp/cffvenv/bin/cffconvert --validate -i CITATION.cff``). This
test checks the same structure with plain YAML so that a broken file fails the suite.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from vstudy import __version__, i18n
from vstudy.publish import pages

# The keys a CFF 1.2.0 file may hold at its top level (the schema allows no other), and those it requires.
CFF_KEYS = {"abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers",
            "keywords", "license", "license-url", "message", "preferred-citation", "references", "repository",
            "repository-artifact", "repository-code", "title", "type", "url", "version"}
CFF_REQUIRED = {"cff-version", "message", "title", "authors"}
# What this study's file must also give, so that a citation can be written from it.
STUDY_REQUIRED = {"type", "license", "version", "date-released"}
PERSON_KEYS = {"family-names", "given-names", "name-particle", "name-suffix", "affiliation", "address", "city",
               "country", "email", "fax", "orcid", "post-code", "region", "tel", "website", "alias"}
ENTITY_KEYS = {"name", "address", "city", "country", "email", "fax", "orcid", "post-code", "region", "tel",
               "website", "alias", "date-start", "date-end", "location"}
SPDX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")


def cff_problems(cff: object, today: dt.date) -> list[str]:
    """What is wrong with a parsed CITATION.cff, by the CFF 1.2.0 schema's required keys and types and this
    study's rules. The rule for ``date-released``: a real calendar date written ``YYYY-MM-DD`` (as text), not
    after ``today`` — a version is cited once it is released."""
    if not isinstance(cff, dict):
        return ["the file is not a YAML mapping"]
    problems = [f"unknown key {key!r}" for key in sorted(set(cff) - CFF_KEYS)]
    problems += [f"missing key {key!r}" for key in sorted((CFF_REQUIRED | STUDY_REQUIRED) - set(cff))]
    if cff.get("cff-version", "1.2.0") != "1.2.0":
        problems.append("cff-version must be the text 1.2.0")
    for key in ("message", "title", "version", "abstract"):
        if key in cff and not (isinstance(cff[key], str) and cff[key].strip()):
            problems.append(f"{key} must be non-empty text")
    if cff.get("type", "software") not in ("software", "dataset"):
        problems.append("type must be software or dataset")
    licence = cff.get("license", "MIT")
    if not (isinstance(licence, str) and SPDX.match(licence)) and not (
            isinstance(licence, list) and licence and all(isinstance(x, str) and SPDX.match(x) for x in licence)):
        problems.append("license must be an SPDX identifier or a list of them")
    authors = cff.get("authors", [])
    if not isinstance(authors, list) or not authors:
        problems.append("authors must be a non-empty list")
    else:
        for i, author in enumerate(authors):
            if not isinstance(author, dict):
                problems.append(f"author {i + 1} is not a mapping")
            elif isinstance(author.get("name"), str) and author["name"].strip():
                problems += [f"author {i + 1}: unknown key {k!r}" for k in sorted(set(author) - ENTITY_KEYS)]
            elif any(isinstance(author.get(k), str) and author[k].strip() for k in ("family-names", "given-names")):
                problems += [f"author {i + 1}: unknown key {k!r}" for k in sorted(set(author) - PERSON_KEYS)]
            else:
                problems.append(f"author {i + 1} has neither a name nor family or given names")
    if "date-released" in cff:
        released = cff["date-released"]
        try:
            if not (isinstance(released, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", released)):
                raise ValueError
            if dt.date.fromisoformat(released) > today:
                problems.append("date-released is after today")
        except ValueError:
            problems.append("date-released must be a date written YYYY-MM-DD, in quotes")
    if "keywords" in cff and not (isinstance(cff["keywords"], list)
                                  and all(isinstance(k, str) and k for k in cff["keywords"])):
        problems.append("keywords must be a list of texts")
    return problems


@pytest.fixture(scope="module")
def cff(repo_root: Path) -> dict:
    return yaml.safe_load((repo_root / pages.CITATION_FILE).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pyproject(repo_root: Path) -> dict:
    return tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_citation_file_has_the_keys_and_types_cff_1_2_0_requires(cff):
    assert cff_problems(cff, dt.date.today()) == []
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert cff["authors"] == [{"name": "vstudy contributors"}]


@pytest.mark.parametrize(("change", "problem"), [
    (lambda c: c.pop("authors"), "missing key 'authors'"),
    (lambda c: c.update(authors=[{"affiliation": "somewhere"}]), "author 1 has neither a name nor family"),
    (lambda c: c.update(authors=[{"given-names": "Ann", "family-names": "Lee", "name": "x"}]), "unknown key"),
    (lambda c: c.update({"cff-version": 1.2}), "cff-version must be the text 1.2.0"),
    (lambda c: c.update({"date-released": dt.date(2026, 1, 1)}), "date-released must be a date written"),
    (lambda c: c.update({"date-released": "2999-01-01"}), "date-released is after today"),
    (lambda c: c.update(license="CC BY 4.0"), "license must be an SPDX identifier"),
    (lambda c: c.update(type="article"), "type must be software or dataset"),
    (lambda c: c.update(licence="MIT"), "unknown key 'licence'"),
    (lambda c: c.pop("version"), "missing key 'version'"),
])
def test_a_broken_citation_file_is_caught(cff, change, problem):
    broken = {k: (list(v) if isinstance(v, list) else v) for k, v in cff.items()}
    change(broken)
    assert any(problem in found for found in cff_problems(broken, dt.date.today())), cff_problems(broken, dt.date.today())


def test_citation_version_is_the_projects_version(cff, pyproject):
    assert cff["version"] == pyproject["version"] == __version__ == "0.1.0"


def test_citation_licence_is_the_licence_every_edition_states(cff, pyproject, repo_root):
    # the text, figures and tables: CC BY 4.0, as the home page and the PDF's title page say
    assert cff["license"] == pages.LICENCE["spdx"] == "CC-BY-4.0"
    for lang in ("en", "ru", "kk"):
        stated = pages.licence_markdown({"transcribes": "report_2021"}, lang)
        assert f"[{pages.LICENCE['name']}]({pages.LICENCE['url']})" in stated and pages.CODE_LICENCE in stated
    # the code: MIT, as pyproject.toml and LICENSE say, and as the file's message says
    assert pyproject["license"] == {"text": pages.CODE_LICENCE} == {"text": "MIT"}
    assert (repo_root / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert "CC BY 4.0" in cff["message"] and "MIT" in cff["message"] and "DATA-LICENSES.md" in cff["message"]
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    assert "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)" in readme and "Code**: MIT" in readme


def test_citation_title_is_the_studys_english_title(cff):
    assert cff["title"] == i18n.text("en", "pages.study_title") == "Volunteering in the regions of Kazakhstan"


def test_the_build_reads_the_citation_file_of_the_project_or_of_the_checkout(tmp_path, repo_root, cff):
    assert pages.citation_file(repo_root) == cff
    assert pages.citation_file(tmp_path) == cff  # a project folder without one: the checkout's
    (tmp_path / pages.CITATION_FILE).write_text("cff-version: 1.2.0\nversion: '9.9'\n", encoding="utf-8")
    assert pages.citation_file(tmp_path)["version"] == "9.9"
    (tmp_path / pages.CITATION_FILE).write_text("[unclosed\n", encoding="utf-8")
    assert pages.citation_file(tmp_path) == cff  # unreadable: not a traceback


@pytest.mark.parametrize(("described", "commit", "dirty"), [
    ("2737502cfe2d1f3a8c5b0a9e6d7f8a1b2c3d4e5f", "2737502cfe2d", False),
    ("2737502cfe2d1f3a8c5b0a9e6d7f8a1b2c3d4e5f-dirty", "2737502cfe2d", True),
    ("v0.1.0-3-g2737502cfe2d1f3a8c5b0a9e6d7f8a1b2c3d4e5f", "2737502cfe2d", False),
    ("v0.1.0", "v0.1.0", False),
    ("", "", False),
])
def test_build_version_reads_the_commit_as_git_describes_it(monkeypatch, repo_root, described, commit, dirty):
    monkeypatch.setattr(pages, "git_commit", lambda root: described)
    version = pages.build_version(repo_root, dt.date(2026, 12, 7))
    assert version == pages.BuildVersion("0.1.0", commit, dirty, dt.date(2026, 12, 7))


def test_build_version_of_the_checkout_is_its_head(repo_root):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo_root, capture_output=True, text=True).stdout.strip()
    if not head:
        pytest.skip("not a git checkout")
    version = pages.build_version(repo_root)
    assert version.commit == head[:12] and version.version == "0.1.0"


def test_build_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01T00:00:00Z
    assert pages.build_date() == dt.date(2027, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    assert pages.build_date() == dt.datetime.now(dt.UTC).date()
