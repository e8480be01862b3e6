"""The message catalogues and the CLDR formats (vstudy.i18n): every id in every language, grammar from Babel."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel import Locale

from vstudy import i18n
from vstudy.i18n import formats, icu
from vstudy.present.text import escape
from vstudy.present.words import Rendered, plain, t

NBSP = "\u00a0"
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")


# -- formats -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "expected"), [("en", "1,675,403"), ("ru", f"1{NBSP}675{NBSP}403"),
                                                ("kk", f"1{NBSP}675{NBSP}403")])
def test_counts_are_grouped_integers_in_each_language(lang, expected):
    assert formats.number(1675403, lang) == expected
    assert formats.number(1675403.0, lang) == expected  # a float count is written as the integer it is
    assert formats.integer(491.0, lang) == "491"


def test_negative_numbers_take_the_true_minus_sign_and_zero_has_none():
    assert formats.number(-0.27, "ru", decimals=2) == "\u22120,27"
    assert formats.number(-0.27, "en", decimals=2) == "\u22120.27"
    assert formats.number(-0.001, "ru", decimals=2) == "0,00"
    assert formats.number(0.25, "kk", decimals=2, sign=True) == "+0,25"
    assert "-" not in formats.number(-12345.5, "ru", decimals=1)


def test_percent_follows_cldr_spacing():
    assert formats.percent(38.114, "ru") == f"38,1{NBSP}%"
    assert formats.percent(38.114, "en") == "38.1%"
    assert formats.percent(77.0, "kk", decimals=0) == "77%"


@pytest.mark.parametrize(("n", "category"), [(1, "one"), (21, "one"), (2, "few"), (4, "few"), (22, "few"),
                                             (5, "many"), (11, "many"), (12, "many"), (102, "few"),
                                             (131, "one"), (43, "few"), (1.5, "other")])
def test_russian_plural_categories_are_cldr_s(n, category):
    assert formats.plural_category(n, "ru") == category


def test_kazakh_and_english_have_one_and_other():
    assert {formats.plural_category(n, "kk") for n in (1, 2, 5, 21)} == {"one", "other"}
    assert formats.plural_category(1, "en") == "one" and formats.plural_category(1.0, "en") == "one"


def test_lists_and_periods_in_each_language():
    assert formats.listing(["a", "b", "c"], "ru") == "a, b и c"
    assert formats.listing(["a", "b"], "en") == "a and b"
    assert formats.listing([], "kk") == ""
    start, end = dt.date(2021, 7, 1), dt.date(2021, 12, 31)
    assert formats.period(start, end, "ru") == "июль – декабрь 2021\u202fг."
    assert formats.period(start, end, "en") == "July\u2009–\u2009December 2021"
    assert "шілде" in formats.period(start, end, "kk")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown edition language 'de'"):
        formats.number(1, "de")


# -- the message format ----------------------------------------------------------------------------------------------

def test_plural_select_number_and_list_arguments():
    pieces = icu.parse("{n, plural, =0 {none} one {# item} other {# items}} {ok, select, true {yes} other {no}}"
                       " {x, number, ::.00 sign-always} {names, list, or} it's")
    assert icu.arguments(pieces) == {"n", "ok", "x", "names"}
    assert pieces[-1].endswith("it's")


@pytest.mark.parametrize("bad", ["{n, plural, one {x}}", "{n, plural, other {x}", "{n, colour}", "a } b",
                                 "{n, plural, one {a} one {b} other {c}}", "{}"])
def test_malformed_messages_are_refused(bad):
    with pytest.raises(icu.MessageSyntaxError):
        icu.parse(bad)


def test_apostrophes_quote_braces_only():
    assert icu.parse("the report's '{literal}' and ''") == ("the report's {literal} and '",)


def test_text_fills_facts_escapes_only_data_strings(monkeypatch):
    monkeypatch.setitem(i18n.catalogue("ru"), "test.msg",
                        "{name}: {n, plural, one {# обращение} few {# обращения} many {# обращений} other {# обращения}}"
                        ", {share, number, ::percent .0}, r = {r, number, ::.00}; {regions}")
    i18n._parsed.cache_clear()
    out = i18n.text("ru", "test.msg", escape=escape, name="<b>Абай</b>", n=102, share=77.04, r=-0.5,
                    regions=["Алматы", "*Астана*"])
    assert out == f"&#60;b&#62;Абай&#60;/b&#62;: 102 обращения, 77,0{NBSP}%, r = \u22120,50; Алматы и &#42;Астана&#42;"
    assert i18n.text("ru", "test.msg", name="x", n=131, share=1, r=0, regions=["a"]).startswith("x: 131 обращение")
    i18n._parsed.cache_clear()


def test_missing_message_and_missing_fact_say_what_is_missing():
    with pytest.raises(i18n.MissingMessage, match="no message 'common.nothing' in the 'kk' catalogues"):
        i18n.text("kk", "common.nothing")
    with pytest.raises(KeyError, match="needs the fact 'n'"):
        i18n.text("en", "common.regions")


def test_present_words_render_markdown_and_plain_text():
    said = t("ru", "common.requests", n=102)
    assert isinstance(said, Rendered) and said == "102 обращения"
    assert plain("kk", "common.regions", n=20) == "20 өңір"


# -- the catalogues ------------------------------------------------------------------------------------------------

def _ids(lang: str) -> set[str]:
    return set(i18n.catalogue(lang))


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGS if lang != i18n.SOURCE_LANG])
def test_every_message_id_exists_in_every_language(lang):
    source, other = _ids(i18n.SOURCE_LANG), _ids(lang)
    assert not source - other, f"missing in {lang}: {sorted(source - other)[:20]}"
    assert not other - source, f"only in {lang}: {sorted(other - source)[:20]}"
    assert i18n.domains(lang) == i18n.domains(i18n.SOURCE_LANG)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_message_parses_and_takes_only_facts_its_source_gives(lang):
    needed = Locale.parse(lang).plural_form.tags | {"other"}
    for msg_id, source in i18n.catalogue(lang).items():
        pieces = icu.parse(source)
        english = icu.parse(i18n.message(i18n.SOURCE_LANG, msg_id))
        extra = icu.arguments(pieces) - icu.arguments(english)
        assert not extra, f"{lang}/{msg_id} takes facts its English source does not give: {sorted(extra)}"
        for arg in icu.walk(pieces):
            if arg.kind == "plural":
                categories = {k for k in arg.branches if not k.startswith("=")}
                assert needed <= categories, f"{lang}/{msg_id}: plural {arg.name!r} lacks {sorted(needed - categories)}"
                assert categories <= needed, f"{lang}/{msg_id}: plural {arg.name!r} has categories {lang} lacks"


def test_english_catalogues_hold_no_cyrillic_outside_quotations():
    for msg_id, source in i18n.catalogue("en").items():
        unquoted = re.sub(r"«[^»]*»", "", source)
        assert not CYRILLIC.search(unquoted), f"en/{msg_id} holds Cyrillic: {source!r}"


# Proper names a Russian or Kazakh message may write in Latin letters: the Birgemiz programmes as the report prints
# them in its Russian text, and brand names.
PROPER_NAMES = {"Birgemiz", "Taza", "Qamqor", "Bilim", "Ayala", "Asyl", "Mura", "Sabaqtastyq", "BIRGEMIZ", "WhatsApp",
                "Telegram", "Instagram", "Facebook"}


def test_russian_and_kazakh_catalogues_are_in_their_language():
    latin_word = re.compile(r"(?<![{#\w])(?!(?:" + "|".join(PROPER_NAMES) + r")\b)[A-Za-z]{4,}(?![\w}])")
    for lang in ("ru", "kk"):
        for msg_id, source in i18n.catalogue(lang).items():
            words = icu.parse(source)
            text = "".join(p for p in _texts(words))
            text = re.sub(r"`[^`]*`|\[[^\]]*\]\([^)]*\)|https?://\S+", "", text)
            assert not latin_word.search(text), f"{lang}/{msg_id} holds a Latin word: {source!r}"


def _texts(pieces):
    for piece in pieces:
        if isinstance(piece, str):
            yield piece
        elif isinstance(piece, icu.Arg):
            for body in piece.branches.values():
                yield from _texts(body)


def test_glossary_fixes_every_term_in_every_language():
    import yaml

    glossary = yaml.safe_load((i18n.CATALOGUES.parent / "glossary.yml").read_text(encoding="utf-8"))
    assert len(glossary) >= 50
    for term, words in glossary.items():
        assert {"en", "ru", "kk"} <= set(words), term
        assert not CYRILLIC.search(words["en"]), term
        assert CYRILLIC.search(words["ru"]) and CYRILLIC.search(words["kk"]) or "NEET" in words["ru"], term
    assert glossary["volunteer"]["kk"] == "волонтер" and glossary["region"]["kk"] == "өңір"


def test_numbers_round_half_up_on_the_decimal_a_reader_sees():
    assert formats.number(46.45, "ru", decimals=1) == "46,5"  # Babel's default (half to even) would give 46,4
    assert formats.number(62.85, "en", decimals=1) == "62.9"
    assert formats.number(2.675, "en", decimals=2) == "2.68"  # binary 2.67499… ; the reader's 2.675 rounds up
    assert formats.percent(0.05, "kk", decimals=1) == "0,1%"
