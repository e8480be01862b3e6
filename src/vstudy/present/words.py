"""The present layer's door to the message catalogues (:mod:`vstudy.i18n`).

:func:`t` fills a message for a page: every text fact (a region name, a label, a dataset's title) is escaped for
Markdown, numbers and lists are written by CLDR, and the result is :class:`Rendered` — Markdown that
``Study.say`` and :func:`vstudy.present.notebook.markdown` show as it is. :func:`plain` fills a message for a
figure, a table cell or an alt text, where nothing is Markdown and nothing is escaped.
"""

from __future__ import annotations

from vstudy import i18n
from vstudy.present.text import escape


class Rendered(str):
    """Markdown already filled from a catalogue, its data strings escaped: shown as it is."""

    __slots__ = ()


def t(lang: str, msg_id: str, /, **facts: object) -> Rendered:
    """The message ``msg_id`` in ``lang`` as Markdown for a page, text facts escaped."""
    return Rendered(i18n.text(lang, msg_id, escape=escape, **facts))


def plain(lang: str, msg_id: str, /, **facts: object) -> str:
    """The message ``msg_id`` in ``lang`` as plain text (figure labels, table cells, alt texts)."""
    return i18n.text(lang, msg_id, **facts)
