"""Escaping strings from data for Markdown, HTML and Quarto (vstudy.present.text)."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vstudy.present.text import escape, neutralize
from vstudy.present.words import t

HOSTILE = {
    "<script>alert(1)</script>": "<script",
    "<img src=x onerror=alert(1)>": "<img",
    "{{< env HOME >}}": "{{<",
    "{{< include /etc/hostname >}}": "{{<",
    "[x](javascript:alert(1))": "](",
    "![x](http://example.org/t.png)": "![",
    "$x^2$": "$",
    "@citation": "@",
    "```{=html}\n<b>raw</b>\n```": "{=",
    "`{=html}`": "`",
    "<!-- hidden -->": "<!--",
    "&lt;script&gt;": "&lt;",
    "*bold* _em_ ~~del~~ ^sup^ ~sub~": "*",
    "\\(x\\)": "\\(",
    "[^1]": "[^",
    "{#id .class}": "{#",
}


@pytest.mark.parametrize("payload", list(HOSTILE))
def test_escape_leaves_no_markup_and_reads_back_as_the_text(payload):
    out = escape(payload)
    assert HOSTILE[payload] not in out
    assert not set(out) & set("\\`*_{}[]<>!|$@~^+=\"")
    assert html.unescape(out) == " ".join(payload.split())


@pytest.mark.parametrize(("value", "starts"), [
    ("# heading", "&#35;"), ("## h", "&#35;"), ("- item", "&#45;"), ("+ item", "&#43;"), ("* item", "&#42;"),
    ("1. item", "1&#46;"), ("12) item", "12&#41;"), ("> quote", "&#62;"), ("| a | b |", "&#124;"),
    ("=== ", "&#61;"), ("    four spaces", "four"), (": definition", "&#58;"), ("% title", "&#37;"),
])
def test_a_value_never_starts_a_block(value, starts):
    assert escape(value).startswith(starts)


def test_control_characters_bidi_overrides_and_line_breaks():
    assert escape("a\x00b\x07c\x1b[31md") == "abc&#91;31md"
    assert escape("left\u202eright\u2066x") == "leftrightx"
    assert escape("one\ntwo\r\nthree\u2028four\tfive") == "one two three four five"
    assert escape("Ақмола облысы 116\u00a0694") == "Ақмола облысы 116\u00a0694"  # letters and NBSP stay


def test_missing_values_are_an_em_dash():
    import pandas as pd

    assert escape(None) == escape(float("nan")) == escape(pd.NA) == escape(pd.NaT) == "—"


def test_messages_escape_the_values_not_their_own_markup(extra_message):
    extra_message("en", "test.x", "**{name}** has {n, number, integer} volunteers ({share, number, ::percent .0})"
                                  "; r = {r, number, ::.00}")
    out = t("en", "test.x", name="<b>Алматы</b>", n=1234567, share=12.345, r=-0.27)
    assert out == "**&#60;b&#62;Алматы&#60;/b&#62;** has 1,234,567 volunteers (12.3%); r = \u22120.27"


@given(st.text())
def test_escape_always_reads_back_and_stays_on_one_line(text):
    out = escape(text)
    assert "\n" not in out and "\r" not in out
    assert "<" not in out and "{" not in out and "$" not in out and "`" not in out
    shown = html.unescape(out)
    assert shown == shown.strip()


def test_neutralize_keeps_the_study_markup_and_takes_out_what_runs():
    text = ("**Validation:** 3 errors in `regions_<scheme>`; see [the data page](data.qmd).\n"
            "- <script>alert(1)</script> and {{< env HOME >}} and $x$ and @cite and ![i](x.png)\n"
            "- [click](javascript:alert(1)) and `{=html}` kept in code\n"
            "```{=html}\n<b>raw</b>\n```\n"
            "p < 0.05, mail@example.org")
    out = neutralize(text)
    assert out.startswith("**Validation:** 3 errors in `regions_<scheme>`; see [the data page](data.qmd).\n")
    for live in ("<script", "{{<", "$x$", "@cite", "![", "](javascript", "```{=html}"):
        assert live not in out
    assert "`{=html}` kept in code" in out and "\n<b>raw</b>\n" in out  # inside a code block: shown as code
    assert "mail@example.org" in out and "p &#60; 0.05" in out
    assert html.unescape(out).count("<script>alert(1)</script>") == 1  # still readable
