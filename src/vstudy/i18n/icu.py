"""A parser for the subset of ICU MessageFormat the study's catalogues use.

A message is text with arguments in braces:

- ``{name}`` — the fact ``name``: a number in the locale's default format (``491``, ``0,68``), a list of texts
  joined as the language joins them (``a, b и c``), a date, or a text (escaped for the page when the caller asks);
- ``{name, number, STYLE}`` — a number in a declared style: ``integer``, or an ICU number skeleton after ``::``
  made of ``.0`` … ``.0000`` (exactly that many decimals), ``.#`` … ``.###`` (at most), ``percent`` (the value is
  already in percent units: ``38.1`` → ``38,1 %``), ``sign-always`` (``+0,25``), ``group-off``;
- ``{name, date, STYLE}`` — a date: ``short``, ``medium``, ``long`` or a CLDR skeleton after ``::`` (``::yMMMM``);
- ``{name, plural, one {…} few {…} many {…} other {…}}`` — the branch of the CLDR plural category of the number
  ``name`` in the catalogue's language (``=0 {…}`` matches exactly); ``#`` in a branch is the number;
- ``{name, select, a {…} b {…} other {…}}`` — the branch named by the fact's text (``true``/``false`` for a
  flag, ``none`` for a missing value), else ``other``;
- ``{name, list, or}`` — a list joined with "or" (``{name, list}`` is the default "and").

As in ICU, an apostrophe quotes a brace or a ``#`` (``'{'``) and two apostrophes are one; any other apostrophe is a
letter (``the report's``). The parse is a tree of :class:`Arg` and text pieces; :func:`arguments` lists the facts a
message takes, which the catalogue tests compare across languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Piece = "str | Arg | Hash"


class MessageSyntaxError(ValueError):
    """A message that is not valid in the subset; the text says where."""


@dataclass(frozen=True)
class Hash:
    """``#`` inside a plural branch: the number being counted."""


@dataclass(frozen=True)
class Arg:
    name: str
    kind: str = ""  # "", "number", "date", "plural", "select", "list"
    style: str = ""
    branches: dict[str, tuple] = field(default_factory=dict)


KINDS = ("number", "date", "plural", "select", "list")


def parse(message: str) -> tuple:
    """The message as a tuple of pieces (text, :class:`Arg`, :class:`Hash`); raises :class:`MessageSyntaxError`."""
    pieces, pos = _parse(message, 0, in_plural=False, top=True)
    return pieces


def _parse(s: str, pos: int, *, in_plural: bool, top: bool) -> tuple[tuple, int]:
    pieces: list = []
    text: list[str] = []
    n = len(s)
    while pos < n:
        ch = s[pos]
        if ch == "'":
            if pos + 1 < n and s[pos + 1] == "'":
                text.append("'")
                pos += 2
                continue
            if pos + 1 < n and (s[pos + 1] in "{}" or (in_plural and s[pos + 1] == "#")):
                end = s.find("'", pos + 1)
                if end < 0:
                    raise MessageSyntaxError(f"unclosed quote at {pos} in {s!r}")
                text.append(s[pos + 1:end])
                pos = end + 1
                continue
            text.append(ch)
            pos += 1
        elif ch == "{":
            if text:
                pieces.append("".join(text))
                text = []
            arg, pos = _parse_arg(s, pos + 1)
            pieces.append(arg)
        elif ch == "}":
            if top:
                raise MessageSyntaxError(f"unmatched '}}' at {pos} in {s!r}")
            break
        elif ch == "#" and in_plural:
            if text:
                pieces.append("".join(text))
                text = []
            pieces.append(Hash())
            pos += 1
        else:
            text.append(ch)
            pos += 1
    if text:
        pieces.append("".join(text))
    return tuple(pieces), pos


def _skip_space(s: str, pos: int) -> int:
    while pos < len(s) and s[pos].isspace():
        pos += 1
    return pos


def _word(s: str, pos: int, stop: str) -> tuple[str, int]:
    start = pos
    while pos < len(s) and s[pos] not in stop:
        pos += 1
    return s[start:pos].strip(), pos


def _parse_arg(s: str, pos: int) -> tuple[Arg, int]:
    name, pos = _word(s, pos, ",}")
    if not name or not all(c.isalnum() or c == "_" for c in name):
        raise MessageSyntaxError(f"bad argument name {name!r} in {s!r}")
    if pos >= len(s):
        raise MessageSyntaxError(f"unclosed argument {name!r} in {s!r}")
    if s[pos] == "}":
        return Arg(name), pos + 1
    kind, pos = _word(s, pos + 1, ",}")
    if kind not in KINDS:
        raise MessageSyntaxError(f"unknown argument type {kind!r} for {name!r} in {s!r}; known: {', '.join(KINDS)}")
    if pos >= len(s):
        raise MessageSyntaxError(f"unclosed argument {name!r} in {s!r}")
    if s[pos] == "}":
        if kind in ("plural", "select"):
            raise MessageSyntaxError(f"{kind} argument {name!r} has no branches in {s!r}")
        return Arg(name, kind), pos + 1
    if kind in ("number", "date", "list"):
        style, pos = _word(s, pos + 1, "}")
        if pos >= len(s):
            raise MessageSyntaxError(f"unclosed argument {name!r} in {s!r}")
        return Arg(name, kind, style), pos + 1
    branches: dict[str, tuple] = {}
    pos += 1
    while True:
        pos = _skip_space(s, pos)
        if pos >= len(s):
            raise MessageSyntaxError(f"unclosed {kind} argument {name!r} in {s!r}")
        if s[pos] == "}":
            pos += 1
            break
        key, pos = _word(s, pos, "{}")
        if not key or pos >= len(s) or s[pos] != "{":
            raise MessageSyntaxError(f"{kind} argument {name!r}: a branch needs 'key {{text}}' in {s!r}")
        body, pos = _parse(s, pos + 1, in_plural=kind == "plural", top=False)
        if pos >= len(s) or s[pos] != "}":
            raise MessageSyntaxError(f"{kind} argument {name!r}: unclosed branch {key!r} in {s!r}")
        pos += 1
        if key in branches:
            raise MessageSyntaxError(f"{kind} argument {name!r}: branch {key!r} twice in {s!r}")
        branches[key] = body
    if "other" not in branches:
        raise MessageSyntaxError(f"{kind} argument {name!r} has no 'other' branch in {s!r}")
    return Arg(name, kind, "", branches), pos


def walk(pieces: tuple):
    """Every :class:`Arg` of a parsed message, branches included."""
    for piece in pieces:
        if isinstance(piece, Arg):
            yield piece
            for body in piece.branches.values():
                yield from walk(body)


def arguments(pieces: tuple) -> set[str]:
    """The names of the facts a parsed message takes."""
    return {arg.name for arg in walk(pieces)}
