"""Measure pages in headless Chromium: does a page scroll sideways, does a table overflow its box or its column?

Used by tests/integration/test_pages_fit_builds.py (pages of reader tables at the site's column widths) and, by hand,
on a rendered site::

    python tests/fit_browser.py reports/site/ru [--widths 1280 390]

Headless Chromium will not make a window narrower than 500 px, so each page is loaded into an ``<iframe>`` of the
width measured (its viewport), in a wrapper page; a script added to a copy of the page measures it after load and
posts the figures to the wrapper, whose DOM ``--dump-dom`` prints. Nothing is fetched from the network: the copies
sit beside the pages (same relative links) and are removed afterwards.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
WIDTHS = (1280, 390)
PREFIX = "__fit__"

# Runs in the measured page: the page's width against its viewport, and per table its width, its box's scroll
# width against the box's width, and how far it reaches past the page's main column (e.g. under the contents).
MEASURE_JS = r"""
<script>
window.addEventListener("load", () => setTimeout(() => {
  const d = document.documentElement;
  const main = document.querySelector("main") || document.body;
  const right = main.getBoundingClientRect().right;
  const tables = [...document.querySelectorAll("table")].filter(t => !t.closest("svg, .plotly, .js-plotly-plot"))
    .filter(t => t.getBoundingClientRect().width > 0).map(t => {
      // its scroll box: the table itself (a table set as a block that scrolls), else its parent
      const own = ["auto", "scroll"].includes(getComputedStyle(t).overflowX);
      const box = own ? t : t.parentElement;
      const scrolls = own || ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
      const seen = scrolls ? box : t;  // what the reader sees of it: its scroll box, or the table itself
      const head = t.querySelector("th, td");
      return {name: (head ? head.textContent : "").trim().slice(0, 40), width: Math.round(t.scrollWidth),
              box: [box.scrollWidth, box.clientWidth], past_column: Math.round(seen.getBoundingClientRect().right - right)};
    });
  // what makes the page wider than its viewport: elements sticking out of a parent that does not
  const clipped = e => {  // inside a box that scrolls or clips: it cannot widen the page
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")].filter(e => {
    const r = e.getBoundingClientRect();
    const p = e.parentElement && e.parentElement.getBoundingClientRect();
    return r.width > 0 && r.right > d.clientWidth + 1 && p && p.right <= d.clientWidth + 1 && !clipped(e);
  }).slice(0, 5).map(e => `${e.parentElement.tagName.toLowerCase()}>${e.tagName.toLowerCase()}.${[...e.classList].join(".")} ${Math.round(e.getBoundingClientRect().right)}px ${(e.textContent || "").trim().slice(0, 30)}`);
  parent.postMessage(JSON.stringify({page: location.pathname.split("/").pop().replace("__PREFIX__", ""),
                                     viewport: d.clientWidth, scroll: d.scrollWidth, column: Math.round(main.clientWidth),
                                     tables, wide}), "*");
}, 200));
</script>
""".replace("__PREFIX__", PREFIX)

WRAPPER = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><pre id="fit-out"></pre>
<script>window.addEventListener("message", e => {{ document.getElementById("fit-out").textContent += e.data + "\\n"; }});
</script>{frames}</body></html>"""


# What Quarto 1.7 gives a reader table on a page (measured on a rendered page: computed styles of `main`, `th`,
# `td` in Chromium): the theme's font at 17 px, line height 1.5, `.table-sm` cells padded 4.25 px, the text column
# 763 px wide at a 1280 px window and 324 px at 390 px (25.5 px margins each side).
QUARTO_LIKE_CSS = """
html { font-size: 17px; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans",
       "Liberation Sans", Arial, sans-serif; line-height: 1.5; }
main { box-sizing: border-box; width: min(763px, calc(100% - 51px)); margin: 14px 25.5px; }
table { border-collapse: collapse; caption-side: top; width: 100%; }
.table-sm > :not(caption) > * > * { padding: 4.25px; }
th { text-align: inherit; font-weight: 700; }
"""
SITE_CSS = Path(__file__).resolve().parents[1] / "site" / "site.css"


def page_of(fragments: list[str], title: str = "tables") -> str:
    """A page holding ``fragments`` (reader tables' HTML and Markdown notes) in the site's style."""
    css = QUARTO_LIKE_CSS + SITE_CSS.read_text(encoding="utf-8")
    body = "\n".join(f'<div class="cell-output-display">{f}</div>' for f in fragments)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{css}</style></head>'
            f'<body><main class="content">{body}</main></body></html>')


def chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _with_script(html: str) -> str:
    if "</body>" in html:
        return html.replace("</body>", MEASURE_JS + "</body>", 1)
    return html + MEASURE_JS


def measure(pages: Sequence[Path], widths: Sequence[int] = WIDTHS, *, budget_ms: int = 20_000) -> list[dict]:
    """Each page at each width: ``{"page", "width", "viewport", "scroll", "column", "tables": [{"name", "width",
    "box": [scrollWidth, clientWidth], "past_column"}]}``. Raises RuntimeError without Chromium or when a page
    reports nothing."""
    browser = chromium()
    if browser is None:
        raise RuntimeError("no Chromium on PATH")
    copies: list[Path] = []
    results: list[dict] = []
    try:
        for page in pages:
            copy = page.with_name(PREFIX + page.name)
            copy.write_text(_with_script(page.read_text(encoding="utf-8")), encoding="utf-8")
            copies.append(copy)
        for width in widths:  # one wrapper per width: a page's figures come back tagged by its name
            frames = "".join(f'<iframe src="{c.resolve().as_uri()}" style="width:{width}px;height:900px;border:0">'
                             "</iframe>" for c in copies)
            with tempfile.TemporaryDirectory() as tmp:
                wrapper = Path(tmp) / "wrapper.html"
                wrapper.write_text(WRAPPER.format(frames=frames), encoding="utf-8")
                with tempfile.TemporaryDirectory() as profile:
                    run = subprocess.run(
                        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                         f"--user-data-dir={profile}", "--window-size=1400,1000",
                         f"--virtual-time-budget={budget_ms}", "--dump-dom", wrapper.as_uri()],
                        capture_output=True, text=True, timeout=300)
            found = re.search(r'<pre id="fit-out">(.*?)</pre>', run.stdout, re.S)
            lines = [line for line in (found.group(1) if found else "").splitlines() if line.strip()]
            got = [json.loads(html.unescape(line)) for line in lines]
            if len(got) != len(copies):
                raise RuntimeError(f"Chromium measured {len(got)} of {len(copies)} pages at {width} px: "
                                   f"{run.stderr[-2000:]}")
            for item in got:
                item["width"] = width
            results += sorted(got, key=lambda item: item["page"])
    finally:
        for copy in copies:
            copy.unlink(missing_ok=True)
    return results


def problems(results: Sequence[dict], *, inner_scroll_at: Sequence[int] = ()) -> list[str]:
    """What does not fit: a page wider than its viewport, a table reaching past the main column; at the widths
    not in ``inner_scroll_at`` also a table that scrolls inside its box."""
    out = []
    for item in results:
        where = f"{item['page']} at {item['width']} px"
        if item["scroll"] > item["viewport"]:
            out.append(f"{where}: the page is {item['scroll']} px wide in a {item['viewport']} px viewport")
        for table in item["tables"]:
            if table["past_column"] > 1:
                out.append(f"{where}: table «{table['name']}» reaches {table['past_column']} px past the column")
            if item["width"] not in inner_scroll_at and table["box"][0] > table["box"][1] + 1:
                out.append(f"{where}: table «{table['name']}» is {table['box'][0]} px in a {table['box'][1]} px box")
    return out


def main(argv: Sequence[str]) -> int:
    site = Path(argv[0])
    widths = [int(w) for w in argv[argv.index("--widths") + 1:]] if "--widths" in argv else list(WIDTHS)
    pages = sorted(p for p in site.rglob("*.html") if not p.name.startswith(PREFIX) and "site_libs" not in p.parts)
    for item in measure(pages, widths):
        widest = max(item["tables"], key=lambda t: t["box"][0] - t["box"][1], default=None)
        print(json.dumps({k: item[k] for k in ("page", "width", "viewport", "scroll", "column")}
                         | {"tables": len(item["tables"]), "wide": item.get("wide"),
                            "worst": widest and {k: widest[k] for k in ("name", "width", "box", "past_column")}},
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
