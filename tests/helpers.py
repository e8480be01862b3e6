"""Helpers shared by tests (not part of the package)."""

from __future__ import annotations

import html as html_lib
import re
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


# English sentences in a page or an executed notebook (the Russian and Kazakh editions must hold none).
_COMMON_EN = frozenset("the of and to in is are be by for with on at as from or an it its each which per where than "
                       "only no not all that this has have can".split())
_LATIN = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _reader_text(text: str) -> str:
    """What a reader sees of a Markdown or HTML output: no tags, code spans, link targets or Quarto fences."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)  # code, not words for the reader
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"^:::.*$", " ", text, flags=re.M)


def english_runs(text: str) -> list[str]:
    """Runs of three or more consecutive Latin-letter words with a common English word among them: English
    sentences or phrases. Proper names (Birgemiz: Taza Álem, NEET, ProBono) make no such run."""
    runs, current = [], []
    for token in re.findall(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]+", _reader_text(text)):
        if _LATIN.fullmatch(token):
            current.append(token)
            continue
        if len(current) >= 3 and _COMMON_EN & {w.lower() for w in current}:
            runs.append(" ".join(current))
        current = []
    if len(current) >= 3 and _COMMON_EN & {w.lower() for w in current}:
        runs.append(" ".join(current))
    return runs


# A section number typed into the study's words («как в разделе 03», "section 06", «05-бөлім»): the PDF numbers its
# chapters itself, so a typed number points the reader at the wrong one.
TYPED_SECTION = re.compile(r"\bsections?\s+0\d\b|\bраздел\w*\s+0\d\b|\bбөлім\w*\s+0\d\b|\b0\d\s*-?\s*бөлім",
                           re.IGNORECASE)
