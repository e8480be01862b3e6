"""The texts of a dataset's origin records and errata in an edition's language.

A text a reader sees of an origin record (``<folder>/source.yml``: a producer, a title the study wrote, where in a
source a value is, a licence, a file's description) has one shape: a mapping of edition languages to texts,
``{en: …, ru: …, kk: …}``, which the repository's records give for every such text. A user's record may give a plain
string instead (or a mapping without the edition's language): it is shown as given, and its language is named beside
it when it can be told and is not the edition's (:func:`pick`, :func:`guess_language`).

The errata register's texts follow the same rule through its columns (:func:`vstudy.data.errata.erratum_text`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from vstudy.i18n import LANGS

# Where an edition looks when a text is not given in its own language: the languages its readers read next.
FALLBACK = {"en": ("ru", "kk"), "ru": ("en", "kk"), "kk": ("ru", "en")}


@dataclass(frozen=True)
class Text:
    """A text and the language it is written in (``None`` where that cannot be told: names, numbers, addresses)."""

    text: str
    lang: str | None

    def foreign_to(self, lang: str) -> bool:
        """Whether a reader of ``lang`` must be told that this text is in another language."""
        return self.lang is not None and self.lang != lang


def is_translated(value: object) -> bool:
    """Whether ``value`` is a text in the records' shape: a mapping with at least one edition language."""
    return isinstance(value, Mapping) and any(key in value for key in LANGS)


def _given(value: object) -> str | None:
    if value is None or isinstance(value, (Mapping, list, tuple)):
        return None
    text = " ".join(str(value).split())
    return text or None


def pick(value: object, lang: str) -> Text | None:
    """The text of ``value`` for an edition in ``lang``: the mapping's ``lang`` text, else the first language of
    :data:`FALLBACK` it gives (named); a plain string as given, its language guessed. ``None``: no text."""
    if is_translated(value):
        for candidate in (lang, *FALLBACK[lang]):
            text = _given(value.get(candidate))  # type: ignore[union-attr]
            if text is not None:
                return Text(text, candidate)
        return None
    text = _given(value)
    return None if text is None else Text(text, guess_language(text))


def given(value: object) -> str | None:
    """A scalar as one line of text (``None`` when empty or not a scalar)."""
    return _given(value)


# English function words: three Latin-letter words in a row, one of them among these, make an English phrase.
_COMMON_EN = frozenset("the of and to in is are was were for on with by from as at that this be or an it not which "
                       "each its into than only has have had when where what who per all one no".split())
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CYRILLIC_WORD = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі][А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі-]*")
_KAZAKH_LETTER = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def is_english(text: str) -> bool:
    """Does ``text`` hold an English phrase: three Latin-letter words in a row, one of them a common English
    function word? (Proper names such as "Birgemiz: Taza Álem" or "National Volunteer Network" do not count.)"""
    run: list[str] = []
    for word in re.findall(r"[^\s]+", str(text)) + [""]:
        core = word.strip(".,;:!?()«»\"'*[]")
        if core and _LATIN_WORD.fullmatch(core):
            run.append(core.lower())
            continue
        if len(run) >= 3 and any(w in _COMMON_EN for w in run):
            return True
        run = []
    return False


def guess_language(text: str) -> str | None:
    """The language of a plain text where it can be told: English (an English phrase, :func:`is_english`), Kazakh
    (three Cyrillic words or more and a letter only Kazakh has), Russian (three Cyrillic words or more, none of those
    letters); ``None`` for names, numbers, addresses and anything shorter."""
    if is_english(text):
        return "en"
    if len(_CYRILLIC_WORD.findall(text)) >= 3:
        return "kk" if _KAZAKH_LETTER.search(text) else "ru"
    return None
