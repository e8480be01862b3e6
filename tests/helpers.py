"""Helpers shared by tests (not part of the package)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def pdf_text(pdf: Path) -> str:
    """Text of a PDF for the render test: ``pdftotext`` when installed, else pypdf if importable."""
    tool = shutil.which("pdftotext")
    if tool:
        return subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
    from pypdf import PdfReader  # only needed where Quarto renders the PDF

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)
