"""Quarto pre-render hook of the top-level _quarto.yml: the sites are rendered from reports/site-src/<lang>, not here."""

import sys

sys.exit(
    "This Quarto project is rendered by `make report` (or `vstudy build`), which writes the pages with the\n"
    "executed notebooks into reports/site-src/<lang>/ (one copy per edition: en, ru, kk) and renders each copy\n"
    "into reports/site/<lang>/.\n"
    "Rendering the repository root would show the notebooks unexecuted. After a build, preview with:\n"
    "  quarto preview reports/site-src/en   (or reports/site-src/ru, reports/site-src/kk)"
)
