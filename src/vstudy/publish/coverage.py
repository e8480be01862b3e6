"""The report and this study: what the study does with each chapter of the report it rebuilds.

A page of the site (``coverage.qmd``) and a chapter of the study PDF, for a dataset that declares
``transcribes: report_2021`` and carries the report's structure (the table of schema ``report_chapters``,
``data/raw/report_2021/chapters.csv``). Each chapter of the report, in reading order: its heading (the report's own
in the Russian edition; the study's rendering with the printed heading beside it in the others), its lines in the
report's text layer, what it holds (the table's summary in the edition's language), and the study's sections that
take it up — links to the section pages on the site, Quarto cross-references to the chapters in the PDF — or that it
is left out and why (the ``coverage`` message catalogue). Under each chapter the study leaves out in whole or in
part come the figures it prints (``headline_figures``, with the replication register's status where the build has
the register) and its dates (``report_dates``), with their lines, numbers and dates written by CLDR.

Nothing here is typed for the 2021 report: the chapters, their lines, the figures and the dates are the dataset's;
a dataset without the chapter table has no such page (:func:`applies`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from vstudy import i18n, vocab
from vstudy.i18n import check_lang as _check
from vstudy.i18n import formats
from vstudy.present.text import escape
from vstudy.present.words import plain
from vstudy.publish import pages as content

PAGE = "coverage.qmd"
GENERATED = "coverage.md"
CHAPTERS_SCHEMA = "report_chapters"
DATES_SCHEMA = "report_dates"
FIGURES_SCHEMA = "headline_figures"
LEFT_OUT = "left_out"
# The anchor of a chapter's heading on the page and in the PDF (``#report-ch01``).
ANCHOR_PREFIX = "report-"


@dataclass(frozen=True)
class Chapter:
    """One chapter of the report as the dataset's chapter table gives it."""

    chapter_id: str
    heading: dict[str, str]  # edition language → heading (ru: as printed)
    contents: dict[str, str]  # edition language → what the chapter holds
    first_line: int
    last_line: int
    kind: str
    sections: tuple[str, ...]  # the study's sections that take it up (empty when left out)
    reason: str  # why it (or its qualitative part) is left out; "" for a quantitative chapter

    @property
    def left_out(self) -> bool:
        return not self.sections

    @property
    def partly(self) -> bool:
        return bool(self.sections) and bool(self.reason)

    def holds(self, line: int) -> bool:
        return self.first_line <= line <= self.last_line


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def chapters(data_dir: Path) -> list[Chapter]:
    """The report's chapters from the dataset's chapter table, in its order ([] when it has none)."""
    out = []
    for row in content.dataset_table(data_dir, CHAPTERS_SCHEMA):
        first, last = _int(row.get("first_line")), _int(row.get("last_line"))
        if first is None or last is None:
            continue  # `vstudy validate` names such a row; the page leaves it out rather than guess its lines
        covered = str(row.get("covered_by") or "").strip()
        sections = () if covered in ("", LEFT_OUT) else tuple(s for s in covered.split(";") if s)
        out.append(Chapter(
            chapter_id=str(row.get("chapter_id", "")),
            heading={lang: str(row.get(f"heading_{lang}") or "").strip() for lang in vocab.LANGS},
            contents={lang: str(row.get(f"contents_{lang}") or "").strip() for lang in vocab.LANGS},
            first_line=first, last_line=last, kind=str(row.get("kind", "")),
            sections=sections, reason=str(row.get("left_out_reason") or "").strip()))
    return out


def applies(manifest: Mapping, data_dir: Path) -> bool:
    """Does the build have a page on the report: the dataset is the report's transcription and gives its
    chapters?"""
    return content.transcribes_report(dict(manifest)) and bool(chapters(data_dir))


def pages(manifest: Mapping, data_dir: Path) -> tuple[str, ...]:
    """The site's pages of this module the build writes: :data:`PAGE` when :func:`applies`, else none."""
    return (PAGE,) if applies(manifest, data_dir) else ()


def chapter_title(lang: str) -> str:
    """The title of the page and of the PDF's chapter in ``lang`` (plain text)."""
    return plain(lang, "coverage.title")


def page_qmd(lang: str) -> str:
    """The Quarto source of the page in edition ``lang``: its title and the include of its generated part."""
    import yaml

    _check(lang)
    front = yaml.safe_dump({"title": chapter_title(lang)}, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n\n{{{{< include _generated/{GENERATED} >}}}}\n"


# --------------------------------------------------------------------------------------------- what a chapter prints


@dataclass(frozen=True)
class Printed:
    """A figure or a date a chapter prints, as the edition writes it."""

    line: int
    what: str  # plain text in the edition's language
    value: str  # the number or date written by CLDR
    status: str = ""  # the register's status in words ("" without the register)
    is_date: bool = False
    figure_id: str = ""  # the published figure (the upper end of a range)
    low: str | None = None  # the lower end of a range, as transcribed

    def markdown(self, lang: str) -> str:
        if self.is_date:
            return _say(lang, "date_line", what=self.what, date=self.value, line=str(self.line))
        return _say(lang, "figure_line", what=self.what, value=self.value, line=str(self.line), has_status=bool(self.status),
                    status=self.status)


def _decimals(raw: str) -> int:
    text = str(raw).strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def figure_text(value: str, unit: str, lang: str) -> str:
    """A published figure (``value`` as transcribed, with its published decimals) in ``lang``: a share with the
    locale's percent sign, anything else as a number."""
    number = float(value)
    if str(unit).strip().lower().startswith("percent"):
        return formats.percent(number, lang, decimals=_decimals(value))
    return formats.number(number, lang, decimals=_decimals(value))


def _parse_date(text: str) -> tuple[dt.date, str] | None:
    """A transcribed day, month or year as a date and its CLDR skeleton (``yMMMMd``, ``yMMMM``, ``y``)."""
    parts = str(text).strip().split("-")
    try:
        numbers = [int(p) for p in parts]
        return dt.date(*(numbers + [1] * (3 - len(numbers)))), {1: "y", 2: "yMMMM", 3: "yMMMMd"}[len(numbers)]
    except (TypeError, ValueError, KeyError):
        return None


def date_text(start: str, end: str, lang: str) -> str | None:
    """A date or an interval of dates in ``lang`` (CLDR), at the precision transcribed; None when unreadable."""
    from babel.dates import format_interval, format_skeleton

    first, last = _parse_date(start), _parse_date(end or start)
    if first is None or last is None:
        return None
    skeleton = first[1]
    if first[0] == last[0]:
        return format_skeleton(skeleton, first[0], locale=formats.locale(lang))
    return format_interval(first[0], last[0], skeleton, locale=formats.locale(lang))


def register_statuses(tables: Path | None) -> dict[str, str]:
    """The replication register's status of each published headline figure (claim id → status), {} without the
    register."""
    path = None if tables is None else Path(tables) / "replication.csv"
    if path is None or not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {str(r.get("claim_id", "")): str(r.get("status", "")) for r in csv.DictReader(handle)
                if r.get("claim_id") and r.get("status")}


_RANGE_END = re.compile(r"^(?P<stem>.+)_(?P<end>min|max)(?P<unit>_pct)?$")


def _figure_label(figure_id: str, quote_ru: str, lang: str) -> str:
    """What a figure is, in ``lang``: the page's words (``coverage.figure.<id>``), else the register's
    (``replication.headline.<id>``), else its sentence as the report prints it."""
    for key in (f"coverage.figure.{figure_id}", f"replication.headline.{figure_id}"):
        if i18n.has(lang, key):
            return plain(lang, key)
    return f"«{quote_ru.strip()}»"


def _date_label(date_id: str, quote_ru: str, lang: str) -> str:
    key = f"coverage.date_label.{date_id}"
    if i18n.has(lang, key):
        return plain(lang, key)
    return f"«{quote_ru.strip()}»"


def _figures(data_dir: Path) -> list[dict[str, str]]:
    """The dataset's published figures that give a number and a line, each once; a pair of figures that are the
    two ends of one printed range (``…_min``/``…_max`` on one line: «51%-65%») as one row with ``low``."""
    rows = [r for r in content.dataset_table(data_dir, FIGURES_SCHEMA)
            if _int(r.get("source_line")) is not None and formats.is_number(_float(r.get("value")))]
    ends = {}
    for row in rows:
        match = _RANGE_END.match(str(row.get("figure_id", "")))
        if match:
            ends[(match["stem"] + (match["unit"] or ""), match["end"])] = row
    out = []
    for row in rows:
        match = _RANGE_END.match(str(row.get("figure_id", "")))
        stem = None if match is None else match["stem"] + (match["unit"] or "")
        low, high = ends.get((stem, "min")), ends.get((stem, "max"))
        if match and low is not None and high is not None and low.get("source_line") == high.get("source_line"):
            if match["end"] == "min":
                out.append(dict(high, low=str(low["value"]), label_id=match["stem"], status_of=low["figure_id"]))
            continue
        out.append(dict(row, label_id=str(row.get("figure_id", "")), status_of=str(row.get("figure_id", ""))))
    return out


def _float(value: object) -> float | None:
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        return None


def printed(data_dir: Path, lang: str, statuses: Mapping[str, str] | None = None) -> list[Printed]:
    """Every figure (``headline_figures``) and date (``report_dates``) of the dataset that gives its line, in
    ``lang``, in the order of their lines; the two ends of a printed range as one item («51–65 %»)."""
    statuses = statuses or {}
    out = []
    for row in _figures(data_dir):
        unit = str(row.get("unit", ""))
        value = figure_text(str(row["value"]).strip(), unit, lang)
        if row.get("low") is not None:
            value = plain(lang, "coverage.range", low=figure_text(str(row["low"]).strip(), unit, lang), high=value)
        status = statuses.get(str(row["status_of"]), "")
        out.append(Printed(int(row["source_line"]), _figure_label(str(row["label_id"]), str(row.get("quote_ru", "")),
                                                                 lang),
                           value, content.status_label(status, lang) if status else "",
                           figure_id=str(row.get("figure_id", "")), low=row.get("low")))
    for row in content.dataset_table(data_dir, DATES_SCHEMA):
        line = _int(row.get("source_line"))
        when = date_text(str(row.get("date_from", "")), str(row.get("date_to", "")), lang)
        if line is None or when is None:
            continue
        out.append(Printed(line, _date_label(str(row.get("date_id", "")), str(row.get("quote_ru", "")), lang),
                           when, is_date=True))
    return sorted(out, key=lambda p: p.line)


# --------------------------------------------------------------------------------------------- the page and chapter


def _say(lang: str, key: str, /, raw: tuple[str, ...] = (), **facts: object) -> str:
    """The message ``coverage.<key>`` as Markdown: text facts escaped, except those named in ``raw``."""
    safe = {name: value if name in raw or not isinstance(value, str) else escape(value)
            for name, value in facts.items()}
    return i18n.text(lang, f"coverage.{key}", **safe)


def section_link(section: str, lang: str) -> str:
    """A section of the study as a link to its page on the site (Markdown)."""
    return f"[{escape(content.section_title(section, lang))}](notebooks/{quote(section)}.ipynb)"


def chapter_heading(chapter: Chapter, lang: str) -> str:
    """The chapter's heading in ``lang`` (Markdown): the report's own in Russian; elsewhere the study's rendering
    with the printed heading beside it."""
    original = chapter.heading.get("ru", "")
    own = chapter.heading.get(lang) or original
    return _say(lang, "heading", heading=own, original=original, translated=lang != "ru" and own != original)


def intro_markdown(found: list[Chapter], lang: str, register: bool) -> str:
    """The page's (and the chapter's) opening: how many chapters the sections take up, in part, and leave out."""
    covered = [c for c in found if not c.left_out]
    return (_say(lang, "intro", n=len(found), covered=len(covered), partly=sum(c.partly for c in covered),
                 left=len(found) - len(covered)) + "\n\n" + _say(lang, "guide", register=register) + "\n")


def coverage_markdown(data_dir: Path, lang: str = "en", *, tables: Path | None = None,
                      sections: Mapping[str, object] | None = None,
                      reference: Callable[[str], str] | None = None, level: int = 2, pdf: bool = False) -> str:
    """Every chapter of the report and what the study does with it, in ``lang`` (Markdown).

    ``tables``: the build's tables (the register's statuses, ``replication.csv``); ``sections``: the sections the
    build has (a section it lacks is named, not linked); ``reference``: a section id → its cross-reference in the
    PDF (e.g. ``@sec-03-correlations``; None for a section the document lacks, then named), which replaces the
    links of the site; ``level``: the heading level of each chapter; ``pdf``: headings kept out of the PDF's
    numbering and contents.
    """
    _check(lang)
    found = chapters(data_dir)
    statuses = register_statuses(tables)
    items = printed(data_dir, lang, statuses)
    out = [intro_markdown(found, lang, bool(statuses))]
    for chapter in found:
        attrs = f"#{ANCHOR_PREFIX}{chapter.chapter_id}" + (" .unnumbered .unlisted" if pdf else "")
        out.append(f"{'#' * level} {chapter_heading(chapter, lang)} {{{attrs}}}\n")
        out.append(_say(lang, "lines", first=str(chapter.first_line), last=str(chapter.last_line)) + "\n")
        if chapter.contents.get(lang):
            out.append(escape(chapter.contents[lang]) + "\n")
        named = []
        for section in chapter.sections:
            if section not in vocab.SECTIONS:
                continue  # `vstudy validate` refuses an unknown section; never a link to nowhere
            ref = reference(section) if reference is not None else None
            if ref:
                named.append(_say(lang, "section_ref", raw=("ref",), title=content.section_title(section, lang),
                                  ref=ref))
            elif reference is None and (sections is None or section in sections):
                named.append(section_link(section, lang))
            else:
                named.append(escape(content.section_title(section, lang)))
        listed = formats.listing(named, lang)
        reason = _say(lang, f"reason.{chapter.reason}") if chapter.reason and i18n.has(
            lang, f"coverage.reason.{chapter.reason}") else escape(chapter.reason)
        if chapter.left_out:
            out.append(_say(lang, "left_out", raw=("reason",), reason=reason) + "\n")
        elif chapter.partly:
            out.append(_say(lang, "partly", raw=("sections", "reason"), sections=listed, reason=reason) + "\n")
        else:
            out.append(_say(lang, "covered", raw=("sections",), sections=listed) + "\n")
        shown = [p for p in items if chapter.holds(p.line)] if (chapter.left_out or chapter.partly) else []
        if shown:
            out.append(_say(lang, "printed") + "\n")
            out.append("\n".join("- " + p.markdown(lang) for p in shown) + "\n")
    return "\n".join(out) + "\n"
