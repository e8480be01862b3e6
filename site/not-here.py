"""Quarto pre-render hook of the top-level _quarto.yml: the site is rendered from reports/site-src, not here."""

import sys

sys.exit(
    "This Quarto project is rendered by `make report` (or `vstudy build`), which stages the pages in site/ with\n"
    "the executed notebooks into reports/site-src/ and renders that copy into reports/site/.\n"
    "Rendering the repository root would show the notebooks unexecuted. After a build, preview with:\n"
    "  quarto preview reports/site-src"
)
