"""Strings from data, made safe for the pages they land on.

A region name, an erratum's description, a unit or an origin record comes from a dataset a researcher supplied.
Written into Markdown that Quarto renders, such a string could carry live HTML (``<script>``, ``<img onerror>``),
Markdown links or images (``[x](javascript:…)``), raw blocks (````{=html}````), math (``$…$``), citations
(``@key``), a Quarto shortcode (``{{< env HOME >}}``, ``{{< include /etc/hostname >}}``), or start a block of its
own (``# ``, ``- ``, ``1. ``, ``> ``, ``|``, a line of ``===``). :func:`escape` turns every character that is
markup in the middle of a line (``\\ ` * _ { } [ ] < > ! | $ @ ~ ^ & # + = "``) into an HTML character reference
(``&#60;``), which Pandoc reads back as the literal character in every output format (HTML and typst alike): the
reader sees the text, nothing runs. Quarto finds shortcodes in the source text before Pandoc decodes references,
so ``&#123;&#123;&#60;`` is never one. Control characters and the bidirectional overrides are dropped, line
breaks and runs of spaces become one space (a value never starts a new line, and leading spaces never make a
code block), and what could open a block at the start of a value (``-``, ``:``, ``(``, ``1.``, ``a)`` …) is
escaped there; numbers stay readable (``-0.27``). The catalogues' messages are filled with escaped values by
:func:`vstudy.present.words.t`; :func:`neutralize` is the site's safety net for Markdown a notebook displayed.
"""

from __future__ import annotations

import math
import re

# Escaped wherever they are: each is markup somewhere in the middle of a line (HTML, entities, links and images,
# emphasis, code, math, citations, shortcodes and attributes, table cells, smart quotes).
_ALWAYS = frozenset("\\`*_{}[]<>!|$@~^&#+=\"")
# Left as they are elsewhere, but at the start of a value these open a block: a bullet list or a rule ("- ",
# "---"), a definition (": "), a title block ("% "), a numbered list ("(1) ").
_BLOCK_START = re.compile(r"^(?:[-:%](?=\s|$)|-+\s*$|\((?=\w{1,9}\)(?:\s|$)))")
# C0/C1 controls other than the whitespace handled below, DEL, zero-width space, bidirectional marks and
# overrides (they make text display in another order than it reads), BOM.
_DROP = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACE = re.compile(r"[\t\n\v\f\r \x85\u2028\u2029]+")
# "1. ", "12) ", "a) ", "iv. ": an ordered-list marker (Pandoc's fancy lists) at the start of the value.
_LIST_MARKER = re.compile(r"^(\d{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]{1,8})([.)])(?=\s|$)")


def _ref(ch: str) -> str:
    return f"&#{ord(ch)};"


def escape(value: object) -> str:
    """``value`` as one line of text that Markdown, HTML and Quarto render literally (no markup, no shortcode).

    ``None``, NaN and pandas' missing values become an em dash. Numbers stay readable (``-0.27``, ``12.5``).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or type(value).__name__ in (
            "NAType", "NaTType"):
        return "—"
    text = _SPACE.sub(" ", _DROP.sub("", str(value))).strip()
    marker = _LIST_MARKER.match(text)
    if marker:
        text = marker.group(1) + _ref(marker.group(2)) + text[marker.end():]
        start = len(marker.group(1)) + len(_ref(marker.group(2)))
        return text[:start] + "".join(_ref(ch) if ch in _ALWAYS else ch for ch in text[start:])
    out = "".join(_ref(ch) if ch in _ALWAYS else ch for ch in text)
    if _BLOCK_START.match(out):
        out = _ref(out[0]) + out[1:]
    return out


# --------------------------------------------------------------------------------------------------------------
# A safety net for Markdown a notebook displays


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1")
_LIVE = [
    (re.compile(r"<"), "&#60;"),  # raw HTML, autolinks, and every Quarto shortcode ({{< … >}})
    (re.compile(r"\{="), "&#123;="),  # raw attribute blocks and inlines ({=html})
    (re.compile(r"\$"), "&#36;"),  # TeX math
    (re.compile(r"(?<![\w@])@(?=[\w{])"), "&#64;"),  # citations
    (re.compile(r"!\["), "&#33;["),  # images
    (re.compile(r"\]\((?=\s*<?\s*(?:javascript|vbscript|data|file):)", re.IGNORECASE), "]&#40;"),  # script links
]


def _neutralize_inline(line: str) -> str:
    out, last = [], 0
    for match in _CODE_SPAN.finditer(line):
        out.append(_neutralize_text(line[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_neutralize_text(line[last:]))
    return "".join(out)


def _neutralize_text(text: str) -> str:
    for pattern, replacement in _LIVE:
        text = pattern.sub(replacement, text)
    return text


def neutralize(markdown: str) -> str:
    """Markdown written by a notebook, with whatever could run taken out of it: raw HTML, shortcodes, raw blocks,
    math, citations, images and script links become literal text; the rest of the markup (emphasis, lists,
    tables, links to pages) stays. Code spans and fenced code blocks are left as they are (they render literally).

    The site applies it to every Markdown output of an executed notebook, so that a value a notebook forgot to
    pass through :func:`escape` still cannot reach the page as markup. It is a net, not the rule: notebooks display
    sentences from the catalogues (:func:`vstudy.present.words.t`), whose every text value is escaped.
    """
    lines, fence = [], None
    for line in markdown.split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            lines.append(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip()[len(match.group(1)):].strip():
                fence = None
            continue
        if match:
            fence = match.group(1)
            head = line[:match.end()]
            lines.append(head + _neutralize_text(line[match.end():]).replace("{", "&#123;"))
            continue
        lines.append(_neutralize_inline(line))
    return "\n".join(lines)
