"""One Quarto call per edition: the pages of a staged site that changed are rendered by a single
``quarto render <page> … <page> --no-clean`` (:func:`vstudy.publish.quarto.render_command`), in which Quarto renders
each page as its own render inside the project — exactly what one ``quarto render <page>`` per page did.

Needs Quarto (skipped without it): a small website project shaped like an edition's (navbar, sidebar, search index)
is rendered whole, then two of its three pages change and the build renders them with one call.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from vstudy.publish import website
from vstudy.publish.quarto import quarto_path, render_command

PROJECT = {
    "project": {"type": "website", "output-dir": "_site", "render": ["index.qmd", "a.qmd", "notes/b.qmd"]},
    "website": {"title": "t", "search": True,
                "navbar": {"left": [{"href": "index.qmd", "text": "Home"}, {"href": "a.qmd", "text": "A"}]},
                "sidebar": {"contents": [{"section": "S", "contents": [{"href": "notes/b.qmd", "text": "B"}]}]}},
    "format": {"html": {"toc": True}},
}


def write_page(project: Path, page: str, title: str, word: str) -> None:
    path = project / page
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\n---\n\n## Part\n\nThe word is {word}.\n", encoding="utf-8")


def test_render_command_names_every_page_before_an_option(tmp_path: Path) -> None:
    assert render_command("quarto", None) == ["quarto", "render", "--no-clean"]
    assert render_command("quarto", ["a.qmd", "notebooks/01_x.ipynb"]) == [
        "quarto", "render", "a.qmd", "notebooks/01_x.ipynb", "--no-clean"]
    assert render_command("quarto", ["-odd.qmd"]) == ["quarto", "render", "./-odd.qmd", "--no-clean"]
    with pytest.raises(ValueError):
        render_command("quarto", [])  # no page: no call (never a render of the whole project)


@pytest.mark.quarto
@pytest.mark.slow
@pytest.mark.skipif(quarto_path() is None, reason="Quarto is not installed")
def test_one_call_renders_each_changed_page_as_its_own_render(tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "en"
    project.mkdir()
    (project / "_quarto.yml").write_text(yaml.safe_dump(PROJECT), encoding="utf-8")
    write_page(project, "index.qmd", "Home", "homeword")
    write_page(project, "a.qmd", "A", "alphaword")
    write_page(project, "notes/b.qmd", "B", "betaword")
    view = website.SetView(tmp_path, tmp_path, tmp_path)
    quarto = quarto_path()
    assert website._render_edition(quarto, project, None, view) == (True, "")
    site = project / "_site"
    home = (site / "index.html").read_bytes()

    write_page(project, "a.qmd", "A", "gammaword")
    write_page(project, "notes/b.qmd", "B", "deltaword")
    calls, run = [], subprocess.run

    def recorded(command, **kwargs):
        calls.append(command)
        return run(command, **kwargs)

    monkeypatch.setattr(website.subprocess, "run", recorded)
    ok, tail = website._render_edition(quarto, project, ["a.qmd", "notes/b.qmd"], view)
    assert ok, tail
    assert calls == [[quarto, "render", "a.qmd", "notes/b.qmd", "--no-clean"]]  # one Quarto process

    a, b = (site / "a.html").read_text(encoding="utf-8"), (site / "notes" / "b.html").read_text(encoding="utf-8")
    assert "gammaword" in a and "alphaword" not in a
    assert "deltaword" in b and "betaword" not in b
    assert (site / "index.html").read_bytes() == home  # the page that did not change is kept as it was
    # Rendered inside the project: the links to the other pages are resolved to their HTML files.
    assert 'href="./index.html"' in a and 'href="./notes/b.html"' in a
    assert 'href="../index.html"' in b and 'href="../a.html"' in b
    assert ".qmd" not in a + b
    # The search index: the changed pages' entries replaced, the others kept.
    entries = json.loads((site / "search.json").read_text(encoding="utf-8"))
    text = {page: " ".join(e["text"] for e in entries if e["href"].split("#")[0] == page)
            for page in ("index.html", "a.html", "notes/b.html")}
    assert "homeword" in text["index.html"]
    assert "gammaword" in text["a.html"] and "deltaword" in text["notes/b.html"]
    assert not any(word in json.dumps(entries) for word in ("alphaword", "betaword"))
    assert not (site / "a.qmd").exists() and not (site / "index.qmd").exists()  # no source copied as a resource
