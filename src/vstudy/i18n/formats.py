"""Numbers, percentages, lists, dates and plural categories as each edition's language writes them, from CLDR
through Babel — never by hand.

One typographic choice is the study's own: a negative number takes the true minus sign (U+2212, ``−0,27``), where
CLDR's data for ru, kk and en give the hyphen-minus. Everything else (decimal mark, grouping with a no-break
space, the space before ``%`` in Russian, list conjunctions, month names, plural rules) is CLDR's.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import numbers
from collections.abc import Sequence
from functools import cache

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.lists import format_list
from babel.numbers import get_minus_sign_symbol, parse_pattern

LANGS: tuple[str, ...] = ("en", "ru", "kk")
MINUS = "\u2212"


def check_lang(lang: str) -> None:
    """Refuse a language that is not an edition's."""
    if lang not in LANGS:
        raise ValueError(f"unknown edition language {lang!r}; known: {', '.join(LANGS)}")


@cache
def locale(lang: str) -> Locale:
    check_lang(lang)
    return Locale.parse(lang)


def is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


@cache
def _pattern(lang: str, kind: str, decimals: tuple[int, int], grouping: bool):
    loc = locale(lang)
    base = loc.percent_formats[None] if kind == "percent" else loc.decimal_formats[None]
    pattern = parse_pattern(base.pattern)
    pattern.frac_prec = decimals
    if not grouping:
        pattern.grouping = (1000, 1000)
    return pattern


def number(value: float | int, lang: str, *, decimals: int | None = None, max_decimals: int = 3,
           percent: bool = False, sign: bool = False, grouping: bool = True) -> str:
    """``value`` in ``lang``: ``decimals`` exactly (``None``: at most ``max_decimals``, trailing zeros dropped, so a
    whole count is written as an integer); ``percent`` writes a value already in percent units with the locale's
    percent sign (``38,1 %`` in Russian); ``sign`` writes ``+`` before a positive value. Missing values are "—"."""
    if is_missing(value):
        return "—"
    value = float(value) if not isinstance(value, int) else value
    if isinstance(value, float) and math.isinf(value):
        return ("−" if value < 0 else "") + "∞"
    frac = (decimals, decimals) if decimals is not None else (0, max_decimals)
    pattern = _pattern(lang, "percent" if percent else "decimal", frac, grouping)
    # The shortest decimal that reads back as the float (46.45, not 46.4500000000000028…), rounded half up as a
    # reader rounds it by hand (46.45 → 46.5); Babel's own default is half to even.
    magnitude = decimal.Decimal(repr(abs(value)) if isinstance(value, float) else abs(value))
    if percent:
        magnitude = magnitude / 100
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        text = pattern.apply(magnitude, locale(lang))
    rounded_zero = not any(c.isdigit() and c != "0" for c in text)
    if value < 0 and not rounded_zero:
        return MINUS + text
    if sign and value > 0 and not rounded_zero:
        return "+" + text
    return text


def integer(value: float | int, lang: str) -> str:
    """A count: rounded to a whole number, grouped (``1 353``)."""
    if is_missing(value):
        return "—"
    return number(round(float(value)), lang, decimals=0)


def percent(value: float, lang: str, decimals: int = 1) -> str:
    """A share already in percent units (``38.11`` → ``38,1 %`` in Russian, ``38.1%`` in English)."""
    return number(value, lang, decimals=decimals, percent=True)


def plural_category(n: float | int, lang: str) -> str:
    """CLDR's plural category of ``n`` in ``lang`` (``one``, ``few``, ``many``, ``other`` …)."""
    if is_missing(n):
        return "other"
    value = float(n)
    if value.is_integer():
        value = int(value)
    return locale(lang).plural_form(abs(value))


def listing(items: Sequence[str], lang: str, style: str = "standard") -> str:
    """``a``, ``a and b``, ``a, b, and c`` as ``lang`` joins them (CLDR list patterns); ``style="or"`` for "or"."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return format_list(items, style=style, locale=locale(lang))


def date(value: dt.date, lang: str, style: str = "long") -> str:
    """A date: ``short``/``medium``/``long``/``full``, or a CLDR skeleton after ``::`` (``::yMMMM``)."""
    if style.startswith("::"):
        return format_skeleton(style[2:], value, locale=locale(lang))
    return format_date(value, style, locale=locale(lang))


def period(start: dt.date, end: dt.date, lang: str, skeleton: str = "yMMMM") -> str:
    """A period as CLDR writes an interval of months (``July – December 2021``, ``июль – декабрь 2021 г.``)."""
    if (start.year, start.month) == (end.year, end.month):
        return format_skeleton(skeleton, start, locale=locale(lang))
    return format_interval(start, end, skeleton, locale=locale(lang))


def minus_of(lang: str) -> str:
    """The minus sign CLDR gives ``lang`` (which :func:`number` replaces with U+2212)."""
    return get_minus_sign_symbol(locale=locale(lang))
