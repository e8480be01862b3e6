"""The study's words as data: message catalogues per language, filled with facts, formatted by CLDR (Babel).

Every sentence, heading, caption, label and page text a reader sees lives in a catalogue, not in Python:
``src/vstudy/i18n/catalogues/<lang>/<domain>.yml`` for each edition language (``en``, ``ru``, ``kk``). A catalogue
is a YAML mapping of keys to messages (nested mappings join their keys with dots); a message's id is
``<domain>.<key>`` — ``infoline.totals.registered`` is the key ``totals.registered`` (or ``registered`` under
``totals:``) of ``infoline.yml``. Messages use the ICU MessageFormat subset of :mod:`vstudy.i18n.icu`: facts in
braces, number styles, CLDR plural categories, selects.

Code computes facts — values, counts, flags, region names already in the edition's language — and picks the
message: ``text(lang, "infoline.totals.registered", total=1353, months=6)``. Numbers are written by
:mod:`vstudy.i18n.formats` (Babel): grouping, decimal mark, percent sign, list conjunction and plural rules of the
language. A translator edits the YAML files, never Python; ``tests/test_i18n.py`` proves that every id exists in
every language, that each message parses, that a translation takes no fact its English source does not give,
and that every plural names each category its language needs.

Strings from data are escaped for the page by the caller's ``escape`` function (the present layer passes
:func:`vstudy.present.text.escape`); numbers, dates and lists are written here and need none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path

import yaml

from vstudy.i18n import formats, icu
from vstudy.i18n.formats import LANGS, check_lang

__all__ = ["LANGS", "CATALOGUES", "MissingMessage", "text", "has", "message", "catalogue", "domains",
           "check_lang", "formats"]

CATALOGUES = Path(__file__).parent / "catalogues"
SOURCE_LANG = "en"


class MissingMessage(KeyError):
    """A message id that a language's catalogues do not hold."""

    def __str__(self) -> str:  # KeyError quotes its argument; this reads as a sentence
        return str(self.args[0])


class MissingFact(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def _flatten(mapping: Mapping, prefix: str, out: dict[str, str], origin: Path) -> None:
    for key, value in mapping.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            _flatten(value, name, out, origin)
        elif isinstance(value, str):
            if name in out:
                raise ValueError(f"{origin}: message {name!r} twice")
            out[name] = value
        else:
            raise ValueError(f"{origin}: message {name!r} is not text (a {type(value).__name__})")


def domains(lang: str) -> list[str]:
    """The catalogue files (domains) of ``lang``."""
    check_lang(lang)
    return sorted(p.stem for p in (CATALOGUES / lang).glob("*.yml"))


# The safe loader, in C when PyYAML has libyaml (the same documents, ten times faster: every kernel reads the catalogues).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message of ``lang``: id → message text."""
    check_lang(lang)
    out: dict[str, str] = {}
    for path in sorted((CATALOGUES / lang).glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}
        if not isinstance(data, Mapping):
            raise ValueError(f"{path}: a catalogue is a mapping of keys to messages")
        _flatten(data, path.stem, out, path)
    return out


@cache
def _parsed(lang: str, msg_id: str) -> tuple:
    try:
        source = catalogue(lang)[msg_id]
    except KeyError:
        raise MissingMessage(f"no message {msg_id!r} in the {lang!r} catalogues "
                             f"({CATALOGUES.name}/{lang}/{msg_id.split('.', 1)[0]}.yml)") from None
    try:
        return icu.parse(source)
    except icu.MessageSyntaxError as err:
        raise icu.MessageSyntaxError(f"{lang}/{msg_id}: {err}") from None


def has(lang: str, msg_id: str) -> bool:
    return msg_id in catalogue(lang)


def message(lang: str, msg_id: str) -> str:
    """The raw message text (for tests and tools)."""
    return catalogue(lang)[msg_id]


def text(lang: str, msg_id: str, /, escape: Callable[[str], str] | None = None, **facts: object) -> str:
    """The message ``msg_id`` of ``lang`` filled with ``facts``.

    ``escape`` is applied to every text fact (and to each item of a list fact), never to the message's own words.
    """
    pieces = _parsed(lang, msg_id)
    return _render(pieces, lang, facts, escape, None, msg_id)


def _fact(facts: Mapping[str, object], name: str, msg_id: str) -> object:
    try:
        return facts[name]
    except KeyError:
        raise MissingFact(f"message {msg_id!r} needs the fact {name!r}; given: {', '.join(sorted(facts)) or 'none'}") \
            from None


def _render(pieces: tuple, lang: str, facts: Mapping[str, object], escape, hash_value, msg_id: str) -> str:
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, icu.Hash):
            out.append(_format_default(hash_value, lang, escape))
        else:
            out.append(_render_arg(piece, lang, facts, escape, msg_id))
    return "".join(out)


def _render_arg(arg: icu.Arg, lang: str, facts, escape, msg_id: str) -> str:
    value = _fact(facts, arg.name, msg_id)
    if arg.kind == "":
        return _format_default(value, lang, escape)
    if arg.kind == "number":
        return _format_number(value, lang, arg.style, msg_id)
    if arg.kind == "date":
        return formats.date(value, lang, arg.style or "long")
    if arg.kind == "list":
        return _format_list(value, lang, escape, "or" if arg.style.strip() == "or" else "standard")
    if arg.kind == "plural":
        if formats.is_missing(value):
            branch = arg.branches["other"]
        else:
            exact = f"={_plain(value)}"
            branch = arg.branches.get(exact) or arg.branches.get(formats.plural_category(value, lang)) \
                or arg.branches["other"]
        return _render(branch, lang, facts, escape, value, msg_id)
    # select
    key = _select_key(value)
    return _render(arg.branches.get(key, arg.branches["other"]), lang, facts, escape, None, msg_id)


def _plain(value: object) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


def _select_key(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if formats.is_missing(value):
        return "none"
    return str(value)


def _format_default(value: object, lang: str, escape) -> str:
    if formats.is_missing(value):
        return "—"
    if formats.is_number(value):
        return formats.number(value, lang)
    if isinstance(value, dt.date):
        return formats.date(value, lang)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return _format_list(value, lang, escape, "standard")
    return escape(str(value)) if escape else str(value)


def _format_list(value: object, lang: str, escape, style: str) -> str:
    items = [escape(str(v)) if escape else str(v) for v in value]  # type: ignore[union-attr]
    return formats.listing(items, lang, style)


def _format_number(value: object, lang: str, style: str, msg_id: str) -> str:
    style = style.strip()
    if formats.is_missing(value):
        return "—"
    if style in ("", "::"):
        return formats.number(value, lang)
    if style == "integer":
        return formats.integer(value, lang)
    if not style.startswith("::"):
        raise icu.MessageSyntaxError(f"{msg_id}: number style {style!r} is not 'integer' or a '::' skeleton")
    options: dict[str, object] = {}
    for token in style[2:].split():
        if token == "percent":
            options["percent"] = True
        elif token == "sign-always":
            options["sign"] = True
        elif token == "group-off":
            options["grouping"] = False
        elif token.startswith(".") and set(token[1:]) <= {"0"} and len(token) > 1:
            options["decimals"] = len(token) - 1
        elif token.startswith(".") and set(token[1:]) <= {"#"} and len(token) > 1:
            options["max_decimals"] = len(token) - 1
        elif token == "precision-integer":
            options["decimals"] = 0
        else:
            raise icu.MessageSyntaxError(f"{msg_id}: unknown number skeleton token {token!r}")
    if options.get("percent") and "decimals" not in options and "max_decimals" not in options:
        options["decimals"] = 0
    return formats.number(value, lang, **options)  # type: ignore[arg-type]
