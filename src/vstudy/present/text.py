"""Strings from data, made safe for the pages they land on.

A region name, an erratum's description or a unit comes from a dataset a researcher supplied. Written into
Markdown that Quarto renders, such a string could carry live HTML (``<script>``), Markdown links or images,
math, citations or a Quarto shortcode (``{{< include /etc/hostname >}}``). :func:`escape` turns every character
that means something to Markdown, HTML, Pandoc or Quarto into an HTML character reference, which Pandoc reads
back as the literal character in every output format (HTML and typst alike): the reader sees the text, nothing
runs. :func:`md` fills a template written by the study with escaped values.
"""

from __future__ import annotations

import math
import re
import string

# Every ASCII punctuation character is markup somewhere (Markdown, HTML, Pandoc extensions, Quarto shortcodes,
# LaTeX math, citations); letters, digits, spaces and the rest of Unicode are left as they are.
_SPECIAL = frozenset(string.punctuation) - {",", ".", ";", ":", "'", "%", "/", "?", "=", "−"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")


def escape(value: object) -> str:
    """``value`` as text that Markdown, HTML and Quarto render literally (no markup, no shortcode).

    Control characters are dropped; line breaks become spaces, so a value never starts a new Markdown block.
    ``None`` and NaN become an em dash.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = _CONTROL.sub("", str(value)).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return "".join(f"&#{ord(ch)};" if ch in _SPECIAL else ch for ch in text)


class _Escaping(string.Formatter):
    def format_field(self, value, format_spec):
        return escape(super().format_field(value, format_spec))


_FORMATTER = _Escaping()


def md(template: str, /, **values: object) -> str:
    """Fill ``template`` (``str.format`` syntax, written by the study) with ``values`` escaped for the page.

    The template's own Markdown (``**bold**``, lists) stays markup; only what comes from the values is escaped:
    ``md("**{name}** has {n:,} volunteers", name=region, n=count)``.
    """
    return _FORMATTER.vformat(template, (), values)
