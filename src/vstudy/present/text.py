"""Strings from data, made safe for the pages they land on.

A region name, an erratum's description, a unit or an origin record comes from a dataset a researcher supplied.
Written into Markdown that Quarto renders, such a string could carry live HTML (``<script>``, ``<img onerror>``),
Markdown links or images (``[x](javascript:…)``), raw blocks (````{=html}````), math (``$…$``), citations
(``@key``), a Quarto shortcode (``{{< env HOME >}}``, ``{{< include /etc/hostname >}}``), or start a block of its
own (``# ``, ``- ``, ``1. ``, ``> ``, ``|``, a line of ``===``). :func:`escape` turns every ASCII punctuation
character except ``, . / ? ;`` into an HTML character reference (``&#60;``), which Pandoc reads back as the
literal character in every output format (HTML and typst alike): the reader sees the text, nothing runs. Quarto
finds shortcodes in the source text before Pandoc decodes references, so ``&#123;&#123;&#60;`` is never one.
Control characters and the bidirectional overrides are dropped, line breaks and runs of spaces become one space
(a value never starts a new block, and leading spaces never make a code block), and a leading ``1.`` or ``1)``
cannot start a numbered list. :func:`md` fills a template written by the study with escaped values.
"""

from __future__ import annotations

import math
import re
import string

# Kept as they are: they mean nothing to Markdown, HTML, Pandoc or Quarto in the middle of a text, and a dot
# only matters after leading digits (handled below).
_PLAIN = frozenset(",./?;")
_SPECIAL = frozenset(string.punctuation) - _PLAIN
# C0/C1 controls other than the whitespace handled below, DEL, zero-width space, bidirectional marks and
# overrides (they make text display in another order than it reads), BOM.
_DROP = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACE = re.compile(r"[\t\n\v\f\r \x85\u2028\u2029]+")
_LIST_NUMBER = re.compile(r"^(\d+)([.])")


def escape(value: object) -> str:
    """``value`` as one line of text that Markdown, HTML and Quarto render literally (no markup, no shortcode).

    ``None``, NaN and pandas' missing values become an em dash.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or type(value).__name__ in (
            "NAType", "NaTType"):
        return "—"
    text = _SPACE.sub(" ", _DROP.sub("", str(value))).strip()
    text = "".join(f"&#{ord(ch)};" if ch in _SPECIAL else ch for ch in text)
    return _LIST_NUMBER.sub(lambda m: m.group(1) + f"&#{ord(m.group(2))};", text)


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
