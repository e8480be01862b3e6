"""The study's sentences, in English and in Russian: one module per section, one function per part of a section.

A prose function takes the frames an analysis function returned and the edition's ``lang`` and returns the part's
text as ``(template, values)`` pairs (or a list of them, or None), which ``Study.say`` fills with escaped values,
numbers written as the language writes them (``1 658``, ``12,5`` in Russian; :func:`vstudy.present.text.md_in`).
Templates are written by the study, both languages side by side (:func:`pick`); every name a sentence takes from a
table (a region, a category, a variable) is looked up in :mod:`vstudy.present.labels` in the same language.
Nothing here computes a statistic: the numbers come from :mod:`vstudy.analysis`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from vstudy.vocab import LANGS

Text = tuple[str, Mapping[str, object]]


def check_lang(lang: str) -> None:
    """Refuse a language that is not an edition's (:data:`vstudy.vocab.LANGS`)."""
    if lang not in LANGS:
        raise ValueError(f"unknown edition language {lang!r}; known: {', '.join(LANGS)}")


def pick(lang: str, en: str, ru: str) -> str:
    """The template of the edition's language."""
    check_lang(lang)
    return ru if lang == "ru" else en


def say(lang: str, en: str, ru: str, /, **values: object) -> Text:
    """One part as a ``(template, values)`` pair, the template in ``lang``."""
    return pick(lang, en, ru), values


def ru_plural(n: float, one: str, few: str, many: str) -> str:
    """The Russian noun form for ``n``: ``one`` (1, 21 регион), ``few`` (2–4, 22 региона), ``many`` (5–20, 25
    регионов); a fractional ``n`` takes ``few`` (2,5 региона)."""
    if float(n) != int(n):
        return few
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def noun(n: float, lang: str, en: tuple[str, str], ru: tuple[str, str, str]) -> str:
    """The noun for a count ``n`` in ``lang``: ``en`` is (singular, plural), ``ru`` is (one, few, many)."""
    check_lang(lang)
    if lang == "ru":
        return ru_plural(n, *ru)
    return en[0] if n == 1 else en[1]


def listing(items: Sequence[str], lang: str) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``и`` in Russian). The items are plain text; escape happens on display."""
    check_lang(lang)
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    word = " и " if lang == "ru" else " and "
    return ", ".join(items[:-1]) + word + items[-1]
