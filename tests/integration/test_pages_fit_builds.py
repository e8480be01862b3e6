"""Every table of every section, dataset and edition fits (issue 20: pages that fit, nothing from elsewhere).

The executed notebooks' tables (``executed`` of tests/conftest.py: the notebooks of one `vstudy build` of data/raw
and one of the synthetic kz2022 example, data/examples/kz2022-synthetic, in English; its Russian and
Kazakh editions, made without a kernel, in test_editions_2022.py) are

* measured in headless Chromium in a page with the site's style at the site's column widths (tests/fit_browser.py):
  at 1280 px no table scrolls inside its box or reaches past the column, at 390 px the page never scrolls sideways
  (a table may scroll inside its own box there);
* checked for print: one pipe table of the same columns as the website's, whose estimated width (its rule line)
  fits the A4 page (:data:`vstudy.present.tables.MAX_WIDTH_CHARS`): never column blocks; no columns cut to fit
  except in a view that declares it (a matrix whose columns the dataset chooses, ``"fit": "cut"``);
* checked for loads: no output loads a script or stylesheet from another site.
"""

from __future__ import annotations

import re

import pytest
from conftest import STUDY_EDITIONS, on_build
from fit_browser import chromium, measure, page_of, problems

from vstudy.present import tables
from vstudy.publish import sections, website

SCHEMES = [pytest.param(s, marks=on_build(s)) for s in ("kz2021", "kz2022")]


def _outputs(nb):
    """(html, markdown) of each reader table a notebook displays, and every HTML output."""
    shown, every = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {})
            html = "".join(data.get("text/html", ""))
            if html:
                every.append(html)
            if 'class="reader-table"' in html:
                shown.append((html, "".join(data.get("text/markdown", ""))))
    return shown, every


def _rule_width(markdown: str) -> int:
    rule = next(line for line in markdown.splitlines() if re.fullmatch(r"\|(:?-+:?\|)+", line))
    return sum(len(seg.strip(":")) for seg in rule.strip("|").split("|"))


@pytest.mark.slow
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_table_fits_the_site_and_the_page(scheme, executed, tmp_path):
    editions = {lang: [(section.name, executed(section, scheme, lang)[0]) for section in sections.SECTIONS]
                for lang in STUDY_EDITIONS[scheme]}  # the 2022 example's ru and kk: test_editions_2022.py
    tables_fit(scheme, editions, tmp_path)


def tables_fit(scheme: str, editions: dict[str, list[tuple[str, object]]], tmp_path) -> None:
    """The checks above on the executed notebooks of each edition (``lang`` → [(section name, notebook)])."""
    pages, cut = [], []
    for lang, notebooks in editions.items():
        fragments = []
        for name, nb in notebooks:
            shown, every = _outputs(nb)
            for html, markdown in shown:
                fragments.append(html)
                heads = len(re.findall(r"<th[ >]", html))
                assert markdown.startswith("| ") and markdown.splitlines()[0].count(" | ") + 1 == heads, \
                    (lang, name, markdown[:200])
                assert _rule_width(markdown) <= tables.MAX_WIDTH_CHARS, (lang, name, markdown[:300])
                assert "content-visible" not in markdown  # no print-only continuation: no column blocks
                if re.search(r'data-cut="\d', html):  # cut where the view did not declare it
                    cut.append((lang, name, re.findall(r"<th[^>]*>(.*?)</th>", html)))
            for html in every:
                assert website.remote_assets(html) == [], (lang, name)
        page = tmp_path / f"{scheme}-{lang}.html"
        page.write_text(page_of(fragments, f"{scheme} {lang}"), encoding="utf-8")
        pages.append((page, len(fragments)))
    assert not cut, cut
    if chromium() is None:
        pytest.skip("headless Chromium is not installed: the tables were checked for print only")
    results = measure([p for p, _ in pages])
    counts = {p.name: n for p, n in pages}
    assert all(len(r["tables"]) == counts[r["page"]] for r in results)
    assert not problems(results, inner_scroll_at=[390])
