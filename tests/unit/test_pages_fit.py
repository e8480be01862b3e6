"""Pages that fit, with nothing but the study on them and nothing loaded from elsewhere (issue 20).

* Reader tables of real 2021 data, in a page with the site's style at the site's column widths, measured in
  headless Chromium at 1280 px (no table scrolls in its box, none reaches past the column) and 390 px (the page
  never scrolls sideways; a table may scroll inside its own box): skipped without Chromium.
* No code on the pages: Quarto's ``echo`` is off for every page, no fold toggles.
* Quarto's CDN preamble (require.js, jQuery) is removed from rendered pages; a rendered mini-site (when Quarto is
  installed) loads no script or stylesheet from another site.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml
from fit_browser import SITE_CSS, chromium, measure, page_of, problems

from vstudy.data import processed
from vstudy.present import tables, views
from vstudy.publish import website
from vstudy.publish.quarto import quarto_path

ROOT = Path(__file__).resolve().parents[2]


needs_chromium = pytest.mark.skipif(chromium() is None, reason="headless Chromium is not installed")


@pytest.fixture(scope="module")
def regional(processed_2021):
    return processed.read_table("regions_kz2021", processed_2021)


@needs_chromium
def test_reader_tables_fit_the_column_at_1280_and_never_scroll_the_page_at_390(regional, tmp_path):
    """The widest reader tables one can make of the regional table, in every edition: what the print estimate
    lets through (:data:`tables.MAX_WIDTH_CHARS`) fits the site's 763 px column; on a phone only the tables' own
    boxes scroll."""
    numeric = [c for c in regional.columns if c.endswith(("_count", "_pct", "_per_100k"))]
    pages = []
    for lang in ("en", "ru", "kk"):
        fragments = [tables.reader_table(regional, ["region_code", *numeric], lang).html(),
                     tables.reader_table(regional, ["region_code", *numeric[:5]], lang).html(),
                     views.show(regional, "02_organisations", "by_region", lang).html()]
        page = tmp_path / f"regional-{lang}.html"
        page.write_text(page_of(fragments), encoding="utf-8")
        pages.append(page)
    results = measure(pages)
    assert len(results) == 6 and all(len(r["tables"]) == 3 for r in results)
    assert not problems(results, inner_scroll_at=[390])
    wide = [r for r in results if r["width"] == 390]
    assert all(r["column"] == 324 for r in wide)
    assert any(t["box"][0] > t["box"][1] for r in wide for t in r["tables"])  # …so the boxes did scroll there


@needs_chromium
def test_the_measure_sees_a_page_that_scrolls(tmp_path):
    """The check can fail: a table without its box (as the data page's were) widens the page."""
    frame = pd.DataFrame({f"c{i}": ["x" * 30] for i in range(8)})
    table = tables.reader_table(frame, None, "en", max_width_chars=10_000)
    bare = table.html().replace('<div class="reader-table" style="overflow-x:auto">', "<div>")
    page = tmp_path / "bare.html"
    page.write_text(page_of([bare]).replace("main table:not(", "main table.none:not("), encoding="utf-8")
    found = problems(measure([page], [1280]))
    assert any("px wide in a" in p for p in found) and any("past the column" in p for p in found), found


def test_a_table_too_wide_for_the_page_shows_the_same_columns_on_the_site_and_in_print(regional):
    numeric = [c for c in regional.columns if c.endswith(("_count", "_pct", "_per_100k"))]
    for lang in ("en", "ru", "kk"):
        table = tables.reader_table(regional, ["region_code", *numeric], lang)
        assert table.width() <= tables.MAX_WIDTH_CHARS
        md_header = table.markdown_table().splitlines()[0]
        assert md_header.count(" | ") + 1 == len(table.shown) == len(re.findall(r"<th[ >]", table.html()))


def test_no_code_on_the_pages():
    """Quarto shows no cell's code on any page (no "Code" toggles, empty or not): echo is off."""
    project = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert project["execute"]["echo"] is False and project["execute"]["enabled"] is False
    assert "code-fold" not in project["format"]["html"]
    staged = website.edition_project(project, "kk", {}, {})
    assert staged["execute"]["echo"] is False


# The preamble as quarto-cli 1.7 writes it (src/core/jupyter/widgets.ts) into a page from a notebook with an HTML
# output, jQuery moved to the top of the head by its data-relocate-top attribute.
QUARTO_HEAD = """<head>
<meta charset="utf-8">
<script src="https://cdnjs.cloudflare.com/ajax/libs/jquery/3.5.1/jquery.min.js" integrity="sha512-bLT0Qm9VnAYZDflyKcBaQ2gg0hSYNQrJ8RilYldYQ1FxQYoCLtUjuuRuZo+fjqhx/qtq/1itJ0C2ejDxltZVFg==" crossorigin="anonymous"></script><script src="../site_libs/quarto-nav/quarto-nav.js"></script>
<link href="../site_libs/bootstrap/bootstrap.min.css" rel="stylesheet" id="quarto-bootstrap">
<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js" integrity="sha512-c3Nl8+7g4LMSTdrm621y7kf9v3SDPnhxLNhcjFJbKECVnmZHTdo+IRO05sNLTH/D3vA6u1X32ehoLC7WFVdheg==" crossorigin="anonymous"></script>

<script type="application/javascript">define('jquery', [],function() {return window.jQuery;})</script>
</head><body><a href="https://stat.gov.kz/">source</a></body>"""


def test_quartos_cdn_preamble_is_removed_and_nothing_else(tmp_path):
    assert len(website.remote_assets(QUARTO_HEAD)) == 2
    cleaned = website.without_widget_preamble(QUARTO_HEAD)
    assert website.remote_assets(cleaned) == []
    assert "define('jquery'" not in cleaned and "cdnjs" not in cleaned
    assert '<script src="../site_libs/quarto-nav/quarto-nav.js"></script>' in cleaned  # the site's own stay
    assert '<a href="https://stat.gov.kz/">source</a>' in cleaned  # a link is not a load
    site = tmp_path / "_site"
    (site / "notebooks").mkdir(parents=True)
    (site / "notebooks" / "03.html").write_text(QUARTO_HEAD, encoding="utf-8")
    (site / "index.html").write_text(QUARTO_HEAD, encoding="utf-8")
    website.clean_rendered_pages(site, ["notebooks/03.html"])  # only the pages rendered now
    assert website.remote_assets((site / "notebooks" / "03.html").read_text(encoding="utf-8")) == []
    assert len(website.remote_assets((site / "index.html").read_text(encoding="utf-8"))) == 2
    website.clean_rendered_pages(site)
    assert website.remote_assets((site / "index.html").read_text(encoding="utf-8")) == []
    # what else would count as a load from elsewhere
    assert website.remote_assets('<link rel="stylesheet" href="//fonts.example/x.css">')
    assert website.remote_assets("<script type=module src='https://x.example/m.js'></script>")
    assert not website.remote_assets('<link rel="canonical" href="https://x.example/">')


# What Pandoc writes for a cell the home page embeds from a notebook (Quarto 1.7.34, notebook-view off): the staged
# notebook's absolute path, its title and the cell id, as attributes of the cell's <div>.
EMBEDDED_CELL = (
    '<div class="quarto-embed-nb-cell" data-notebook="/home/someone/vstudy/reports/.stage-1/site-src/en/notebooks/'
    '03_correlations.ipynb" data-notebook-title="03. Correlations &amp; wages" '
    'data-notebook-cellId="cell-fig-correlations-main-forest">\n<div id="fig-x" class="quarto-float">'
    '<a href="notebooks/03_correlations.html">03</a></div>\n</div>')


def test_embedded_cells_name_no_folder_of_the_machine(tmp_path):
    cleaned = website.without_embed_paths(EMBEDDED_CELL)
    assert cleaned == ('<div class="quarto-embed-nb-cell">\n<div id="fig-x" class="quarto-float">'
                       '<a href="notebooks/03_correlations.html">03</a></div>\n</div>')
    assert website.without_embed_paths(cleaned) == cleaned  # nothing else is touched
    site = tmp_path / "_site"
    site.mkdir()
    (site / "index.html").write_text(QUARTO_HEAD.replace("<body>", "<body>" + EMBEDDED_CELL), encoding="utf-8")
    website.clean_rendered_pages(site, ["index.html"])
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "/home/someone" not in page and "data-notebook" not in page
    assert 'href="notebooks/03_correlations.html"' in page and website.remote_assets(page) == []


def test_the_site_pages_sources_name_no_remote_script(processed_2021):
    import json

    from vstudy.publish import pages

    manifest = json.loads((processed_2021 / "manifest.json").read_text(encoding="utf-8"))
    for lang in ("en", "ru", "kk"):
        for page in pages.PAGES:
            assert website.remote_assets(pages.page_qmd(page, lang, manifest)) == [], (lang, page)


@pytest.mark.quarto
@pytest.mark.skipif(quarto_path() is None, reason="Quarto is not installed")
def test_a_rendered_notebook_page_loads_nothing_from_elsewhere(tmp_path, regional):
    """Quarto renders a notebook with a reader table (an HTML output) as the site does; after the build's clean-up
    the page loads every script and stylesheet from the site itself."""
    import nbformat

    project = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    project["project"] = {"type": "website", "render": ["page.ipynb"]}
    project["website"]["navbar"]["left"] = []
    project["format"]["html"]["css"] = "site.css"
    (tmp_path / "_quarto.yml").write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    shutil.copy2(SITE_CSS, tmp_path / "site.css")
    table = views.show(regional, "02_organisations", "by_region", "ru")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_raw_cell('---\ntitle: "t"\n---'),
                nbformat.v4.new_code_cell("study.show(orgs, 'by_region')", outputs=[nbformat.v4.new_output(
                    "display_data", data={"text/html": table.html(), "text/markdown": table.markdown_table()})])]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "page.ipynb")
    run = subprocess.run([quarto_path(), "render"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    page = tmp_path / "_site" / "page.html"
    assert website.remote_assets(page.read_text(encoding="utf-8"))  # Quarto's preamble, as the issue found
    website.clean_rendered_pages(tmp_path / "_site")
    text = page.read_text(encoding="utf-8")
    assert website.remote_assets(text) == []
    assert "cell-code" not in text and "<details" not in text  # no code, no toggles
    assert 'class="reader-table"' in text
