"""The editions' sites (en, ru, kk): staged projects in each language, incremental renders, the language switch.

No Quarto needed: a stand-in ``quarto`` on PATH records its arguments and writes, for each page it is asked to
render, an HTML file with the navbar links as Quarto writes them (relative to the page, ``.qmd`` → ``.html``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from vstudy.publish import incremental, pipeline, website
from vstudy.publish.sections import Section
from vstudy.vocab import LANGS

SECTIONS = (Section("00", "alpha", (), titles=("Alpha", "Альфа", "Әлфа")),
            Section("01", "beta", (), titles=("Beta", "Бета", "Бета-бөлім")))

FAKE_QUARTO = r'''
import glob, json, os, sys
from pathlib import Path
import yaml

args = sys.argv[1:]
if args == ["--version"]:
    print("9.9.9")
    sys.exit(0)
with open(os.environ["FAKE_QUARTO_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({"cwd": os.getcwd(), "args": args}) + "\n")
project = yaml.safe_load(Path("_quarto.yml").read_text(encoding="utf-8"))
options = [i for i, a in enumerate(args) if a.startswith("-")]
pages = args[1:options[0]] if options else args[1:2]
if not options and len(args) > 2:  # as Quarto does: without an option after them, one input; the others to Pandoc
    sys.exit("quarto render: the arguments after the input would go to Pandoc")
if not pages:
    pages = [p for entry in project["project"]["render"] for p in sorted(glob.glob(entry))]

def items(nav):
    for item in nav:
        yield from items(item.get("menu", [])) if "menu" in item else [item]

navbar = project["website"]["navbar"]
for page in pages:
    out = Path("_site") / Path(page).with_suffix(".html")
    out.parent.mkdir(parents=True, exist_ok=True)
    offset = "../" * page.count("/")
    links = []
    for item in items(navbar.get("left", []) + navbar.get("right", [])):
        href = item["href"].replace(".qmd", ".html")
        links.append(f'<a class="nav-link" href="{offset}{href}">{item["text"]}</a>')
    body = Path(page).read_text(encoding="utf-8")
    out.write_text("<html><body>" + "".join(links) + f"<main>{len(body)}</main></body></html>\n", encoding="utf-8")
    if page.startswith("study-") and page.endswith(".qmd"):
        Path("_site", page).with_suffix(".pdf").write_bytes(b"%PDF-1.7 fake")
'''


@pytest.fixture()
def fake_quarto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "quarto"
    script.write_text(f"#!{sys.executable}\n{FAKE_QUARTO}", encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "quarto.log"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_QUARTO_LOG", str(log))
    # The reproducibility page says when it was built: one minute for the whole test.
    monkeypatch.setattr(website.time, "strftime", lambda *args: "2026-11-30 12:00 UTC")
    return log


def calls(log: Path) -> dict[str, list[list[str]]]:
    """The stand-in's invocations since the last look, by edition (the folder it ran in)."""
    found: dict[str, list[list[str]]] = {}
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            call = json.loads(line)
            found.setdefault(Path(call["cwd"]).name, []).append(call["args"])
        log.unlink()
    return found


def write_notebook(root: Path, lang: str, name: str, text: str) -> None:
    path = root / "reports" / lang / "notebooks" / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    cell = nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output("stream", name="stdout", text=text)])
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)


def state_of(root: Path, site: dict) -> dict:
    sections = {}
    for lang in LANGS:
        for section in SECTIONS:
            path = root / "reports" / lang / "notebooks" / f"{section.name}.ipynb"
            sections[f"{lang}/{section.name}"] = {"notebook_sha256": website.sha256_file(path), "parameters": {},
                                                   "seconds": 1.0, "executed_at": "x", "lang": lang}
    return {"sections": sections, "site": site}


def render(root: Path, site: dict, **options) -> tuple[object, dict]:
    config = pipeline.BuildConfig(root=root, sections=SECTIONS, package_hash="fixed", **options)
    outcome = website.render_site(config, state_of(root, site))
    assert outcome.status == "rendered", outcome.message
    return outcome, {"editions": outcome.record}


@pytest.fixture()
def tree(tmp_path: Path, repo_root: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(repo_root / "site", root / "site")
    shutil.copy2(repo_root / "_quarto.yml", root / "_quarto.yml")
    shutil.copytree(repo_root / "tests" / "fixtures" / "kz2022_dataset", root / "data" / "raw")
    for lang in LANGS:
        for section in SECTIONS:
            write_notebook(root, lang, section.name, f"{section.slug} {lang}\n")
        (root / "reports" / lang / "tables").mkdir()
        (root / "reports" / lang / "tables" / "t.csv").write_text(f"label\n{lang}\n", encoding="utf-8")
    return root


def test_every_edition_renders_then_only_what_changed(tree: Path, fake_quarto: Path, monkeypatch) -> None:
    assert LANGS == ("en", "ru", "kk")
    outcome, site = render(tree, {})
    done = calls(fake_quarto)
    assert done == {lang: [["render", "--no-clean"]] for lang in LANGS}  # the first render: everything
    pages = ["index.qmd", "study-{lang}.qmd", "data.qmd", "reproducibility.qmd", "notebooks/00_alpha.ipynb",
             "notebooks/01_beta.ipynb"]
    assert sorted(outcome.pages) == sorted(f"{lang}/{page.format(lang=lang)}" for lang in LANGS for page in pages)
    out = tree / "reports" / "site"

    # Each edition's project speaks its language; its tables are its own.
    for lang in LANGS:
        project = yaml.safe_load((tree / "reports" / "site-src" / lang / "_quarto.yml").read_text(encoding="utf-8"))
        assert project["lang"] == lang
        sidebar = project["website"]["sidebar"]["contents"][0]
        assert sidebar["section"] == {"en": "Sections", "ru": "Разделы", "kk": "Бөлімдер"}[lang]
        assert [item["text"] for item in sidebar["contents"]] == [f"00. {s.title(lang)}".replace("00", s.number)
                                                                 for s in SECTIONS]
        texts = [item.get("text") for item in project["website"]["navbar"]["left"]]
        assert {"en": "Data and methods", "ru": "Данные и методы", "kk": "Деректер мен әдістер"}[lang] in texts
        assert project["website"]["title"].startswith({"en": "Volunteering in the regions of Kazakhstan, ",
                                                        "ru": "Волонтёрство в регионах Казахстана, ",
                                                        "kk": "Қазақстан өңірлеріндегі волонтерлік қызмет, "}[lang])
        # the switch: every other edition by its own name; the PDF menu: every edition's study PDF
        switch = [item["text"] for item in project["website"]["navbar"]["right"]]
        assert switch == [{"en": "English", "ru": "Русский", "kk": "Қазақша"}[o] for o in LANGS if o != lang]
        menu = next(item for item in project["website"]["navbar"]["left"] if "menu" in item)
        assert [item["href"] for item in menu["menu"]] == [
            f"study-{o}.pdf" if o == lang else incremental.edition_href(o, f"study-{o}.pdf") for o in LANGS]
        assert [item["text"] for item in menu["menu"]][2] == {"en": "In Kazakh", "ru": "На казахском",
                                                              "kk": "Қазақ тілінде"}[lang]
        assert project["format"]["html"]["code-summary"] == {"en": "Code", "ru": "Код", "kk": "Код"}[lang]
        assert (out / lang / "tables" / "t.csv").read_text(encoding="utf-8") == f"label\n{lang}\n"
        study = (tree / "reports" / "site-src" / lang / f"study-{lang}.qmd").read_text(encoding="utf-8")
        assert f"lang: {lang}" in study.split("\n---\n", 1)[0]  # the PDF's hyphenation and typst's own words
    ru_index = (tree / "reports" / "site-src" / "ru" / "index.qmd").read_text(encoding="utf-8")
    assert "Волонтёрство в регионах Казахстана" in ru_index and "Volunteering" not in ru_index
    kk_index = (tree / "reports" / "site-src" / "kk" / "index.qmd").read_text(encoding="utf-8")
    assert "Қазақстан өңірлеріндегі волонтерлік қызмет" in kk_index and not re.search("Volunteering|Волонтёрство",
                                                                                        kk_index)
    kk_study = (tree / "reports" / "site-src" / "kk" / "study-kk.qmd").read_text(encoding="utf-8")
    assert "Қазақ тіліндегі нұсқа" in kk_study and "\n# Деректер мен әдістер\n" in kk_study

    # Every link to another edition, on every page, resolves to a file of that edition's site: the same page
    # (the language switch) and its study PDF.
    switched = 0
    for lang in LANGS:
        for page in (out / lang).rglob("*.html"):
            html = page.read_text(encoding="utf-8")
            assert incremental.EDITION_PREFIX not in html, page
            for other in (o for o in LANGS if o != lang):
                targets = [t for t in re.findall(r'href="([^"]+)"', html) if f"/{other}/" in t]
                assert targets, page
                for target in targets:
                    assert (page.parent / target).resolve().is_file(), (page, target)
                rel = page.relative_to(out / lang).as_posix().replace(f"study-{lang}.", f"study-{other}.")
                same = os.path.relpath(out / other / rel, page.parent)
                assert f'href="{same}"' in html, (page, same)
                assert f'href="{os.path.relpath(out / other / f"study-{other}.pdf", page.parent)}"' in html
                switched += 1
    assert switched == len(LANGS) * (len(LANGS) - 1) * len(pages)
    root_index = (out / "index.html").read_text(encoding="utf-8")
    assert "Қазақ тіліндегі нұсқа" in root_index and "Русская версия" in root_index and "English edition" in root_index
    for lang in LANGS:  # the root page leads to every edition and every PDF
        for target in (f"{lang}/index.html", f"{lang}/study-{lang}.pdf"):
            assert f'href="{target}"' in root_index and (out / target).is_file()

    # Nothing changed: no page is rendered, Quarto is not even started.
    outcome, site = render(tree, site)
    assert outcome.pages == [] and calls(fake_quarto) == {}

    # One executed notebook of one edition changed: its page, and the page that lists the notebooks' hashes, in
    # that edition only.
    write_notebook(tree, "ru", "01_beta", "beta ru, new data\n")
    before = (out / "en" / "index.html").read_bytes()
    outcome, site = render(tree, site)
    assert calls(fake_quarto) == {"ru": [["render", "reproducibility.qmd", "notebooks/01_beta.ipynb", "--no-clean"]]}
    assert outcome.pages == ["ru/reproducibility.qmd", "ru/notebooks/01_beta.ipynb"]
    assert (out / "en" / "index.html").read_bytes() == before
    assert "../../en/notebooks/01_beta.html" in (out / "ru" / "notebooks" / "01_beta.html").read_text()

    # The words of one page in one edition (the pages catalogue): that page, in that edition.
    page_qmd = website.content.page_qmd
    monkeypatch.setattr(website.content, "page_qmd", lambda page, lang, manifest: page_qmd(page, lang, manifest) + (
        "\nБір сөйлем.\n" if (page, lang) == ("data.qmd", "kk") else ""))
    outcome, site = render(tree, site)
    assert calls(fake_quarto) == {"kk": [["render", "data.qmd", "--no-clean"]]}

    # A template every page uses (the PDF's typst header): every page of every edition.
    header = tree / "site" / "study-header.typ"
    header.write_text(header.read_text(encoding="utf-8") + "// changed\n", encoding="utf-8")
    outcome, site = render(tree, site)
    assert calls(fake_quarto) == {lang: [["render", "--no-clean"]] for lang in LANGS}

    # A site that differs from its record is rendered whole again (only that edition).
    (out / "en" / "data.html").write_text("edited by hand\n", encoding="utf-8")
    outcome, site = render(tree, site)
    assert calls(fake_quarto) == {"en": [["render", "--no-clean"]]}

    # One edition built alone (vstudy build --lang en): the other's site is kept as it is.
    ru_before = website.hash_tree(out / "ru")
    write_notebook(tree, "en", "00_alpha", "alpha en, new data\n")
    outcome, site = render(tree, site, langs=("en",))
    assert calls(fake_quarto) == {"en": [["render", "reproducibility.qmd", "notebooks/00_alpha.ipynb", "--no-clean"]]}
    assert website.hash_tree(out / "ru") == ru_before and set(site["editions"]) == set(LANGS)


def test_a_page_depends_on_what_it_includes_and_embeds(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "_generated").mkdir(parents=True)
    (project / "notebooks").mkdir()
    (project / "index.qmd").write_text("---\ntitle: x\n---\n{{< include _generated/home.md >}}\n")
    (project / "_generated" / "home.md").write_text("{{< embed notebooks/a.ipynb#fig-a >}}\n")
    (project / "notebooks" / "a.ipynb").write_text("{}")
    (project / "notebooks" / "b.ipynb").write_text("{}")
    (project / "_quarto.yml").write_text("project: {type: website}\n")
    inputs = incremental.page_inputs(project, "index.qmd")
    assert set(inputs) == {"index.qmd", "_generated/home.md", "notebooks/a.ipynb"}
    render = ["index.qmd", "notebooks/*.ipynb"]
    plan, record = incremental.render_plan(project, render, None, "1.7")
    assert plan is None and set(record["pages"]) == {"index.qmd", "notebooks/a.ipynb", "notebooks/b.ipynb"}
    (project / "notebooks" / "a.ipynb").write_text('{"changed": 1}')
    plan, record = incremental.render_plan(project, render, record, "1.7")
    assert plan == ["index.qmd", "notebooks/a.ipynb"]  # the page that embeds it too; b stays
    plan, _ = incremental.render_plan(project, render, record, "1.8")
    assert plan is None  # another Quarto: everything
