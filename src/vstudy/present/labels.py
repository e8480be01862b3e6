"""Reader-facing labels in every edition's language: one place for every name a reader meets in a figure or a table.

The words live in the ``labels`` message catalogue (``src/vstudy/i18n/catalogues/<lang>/labels.yml``, one file per
language: en, ru, kk); this module looks them up. Three kinds of key, looked up by three functions:

* :func:`label` — a *term* (``labels.term.<id>``): a variable or a category id (an age group, a status, an event
  direction, a replication status, a family of correlation pairs …). The figures print these
  (:mod:`vstudy.present.plots` re-exports this function). The correlation study's variables and the information
  line's channels and request categories are declared with their labels in :mod:`vstudy.analysis.correlations` and
  :mod:`vstudy.analysis.infoline`; they are read from there, not copied.
* :func:`column_label` — the header of a column of a table the study writes (``labels.column.<name>``); a column
  without a header of its own falls back to the term of the same name (``under18`` → "Under 18"); a column named
  from data (the sensitivity grid's "160 h/month") is filled from a pattern (``labels.pattern.*``).
* :func:`value_label` — a cell that holds an id (``x``, ``family``, ``status`` …): the term, else the column
  label (``quantity`` and ``metric`` cells name columns), else the section title. :data:`ID_COLUMNS` says which
  columns hold ids, so that :mod:`vstudy.present.tables` translates them without being told.

Unknown keys raise ``KeyError`` unless a ``default`` is given: a silent fallback would put a raw id such as
``umit_emergency`` on a page. Region codes have their own function, :func:`region_label` (names from the
gazetteer, ``data/raw/regions``), and a dataset's period its own, :func:`period_label` (CLDR, through
:func:`vstudy.i18n.formats.period`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping

from vstudy import i18n
from vstudy.data import regions
from vstudy.i18n import formats
from vstudy.vocab import AGE_GROUPS, DIRECTIONS, SECTIONS, STATUSES

LANGS: tuple[str, ...] = i18n.LANGS  # labels exist in every edition's language (en, ru, kk)
DOMAIN = "labels"
_MISSING = object()

# Column names made from data (the sensitivity grid's "160 h/month"): pattern → the message that fills it (its one
# fact, ``hours``, is written as the edition writes numbers).
_COLUMN_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d+(?:\.\d+)?) h/month"), "labels.pattern.hours_a_month"),
)

# Columns whose cells hold ids that :func:`value_label` translates (free text in them is left as it is).
ID_COLUMNS: frozenset[str] = frozenset({
    "age_largest_gap", "category", "category_id", "channel", "classification", "coef_id", "control", "dimension",
    "direction_id", "extreme", "family", "input", "method", "metric", "quantity", "rule", "rule_id", "section",
    "severity", "side", "statement", "status", "status_largest_gap", "unit", "variable", "way", "x", "y",
})
# Columns whose cells name files, dataset tables or processed columns: shown as code, for the researcher who
# supplies or reads them, never translated.
CODE_COLUMNS: frozenset[str] = frozenset({"column", "file", "table", "x_column", "y_column", "sources"})
# What an id looks like: lower-case words joined by "_". Anything else in an id column (a sentence, a wage basis
# written out) is free text, shown as it is, unless it is a term itself (the register's "not reproducible").
ID_PATTERN = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"labels exist in {LANGS}, not {lang!r}")


class _Table(Mapping[str, Mapping[str, str]]):
    """Per language, the messages of one part of the ``labels`` catalogue (``term`` or ``column``), keyed by id.

    Read from the catalogues on first use; ``LABELS["ru"]["under18"]`` is the catalogue's ``labels.term.under18``.
    """

    def __init__(self, part: str) -> None:
        self._prefix = f"{DOMAIN}.{part}."
        self._read: dict[str, dict[str, str]] = {}

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        if lang not in self._read:
            _check_lang(lang)
            n = len(self._prefix)
            # each label filled as a message without facts: the catalogue's quoting rules apply ('' is ')
            self._read[lang] = {key[n:]: i18n.text(lang, key) for key in i18n.catalogue(lang)
                                if key.startswith(self._prefix)}
        return self._read[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)


# Per-language tables of the terms (what vstudy.present.plots has always called LABELS) and of the column headers.
LABELS: Mapping[str, Mapping[str, str]] = _Table("term")
COLUMN_LABELS: Mapping[str, Mapping[str, str]] = _Table("column")
CATEGORY_KEYS: dict[str, tuple[str, ...]] = {
    "age_group": AGE_GROUPS,
    "status": STATUSES,
    "direction": DIRECTIONS,
}


@functools.lru_cache(maxsize=1)
def _declared_terms() -> dict[str, dict[str, str]]:
    """Labels declared beside the analysis: correlation variables and coefficients, information-line ids, section
    titles.

    Imported on first use, so that a figure that prints only the catalogue's terms does not import the statistics.
    Each comes from its own catalogue domain (``correlations``, ``infoline``, ``sections``) in every language.
    """
    from vstudy.analysis import correlations, infoline

    out: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for lang in LANGS:
        for var in correlations.VARIABLES:
            out[lang][var.key] = var.label(lang)
        for pair in correlations.PAIRS:
            if pair.coef_id:
                x, y = correlations.VARIABLE_BY_KEY[pair.x], correlations.VARIABLE_BY_KEY[pair.y]
                out[lang][pair.coef_id] = i18n.text(lang, "labels.pattern.pair", x=x.label(lang), y=y.label(lang))
        out[lang].update({c: infoline.channel_label(c, lang) for c in infoline.CHANNELS})
        out[lang].update({c: infoline.category_label(c, lang) for c in infoline.CATEGORIES})
        for section_id in SECTIONS:
            out[lang][section_id] = i18n.text(lang, SECTIONS[section_id].title_id)
    return out


def _fail(kind: str, key: object, lang: str, default: object) -> str:
    if default is not _MISSING:
        return default if default is None else str(default)  # type: ignore[return-value]
    raise KeyError(f"no {lang} {kind} for {key!r}; add it to the labels catalogue "
                   f"(src/vstudy/i18n/catalogues/{lang}/{DOMAIN}.yml)")


def label(key: str, lang: str = "en", default: object = _MISSING) -> str:
    """The printed label of a variable or category id in ``lang`` (raises ``KeyError`` unless ``default``)."""
    _check_lang(lang)
    found = LABELS[lang].get(key)
    if found is None:
        found = _declared_terms()[lang].get(key)
    return found if found is not None else _fail("label", key, lang, default)


def column_label(name: str, lang: str = "en", default: object = _MISSING) -> str:
    """The header of the column ``name`` of a study table, in ``lang``; falls back to the term of the same name."""
    _check_lang(lang)
    found = COLUMN_LABELS[lang].get(name)
    if found is not None:
        return found
    for pattern, msg_id in _COLUMN_PATTERNS:
        match = pattern.fullmatch(str(name))
        if match:
            return i18n.text(lang, msg_id, hours=float(match.group(1)))
    return label(name, lang, default=default)


# Ids made from a dataset's period: section 06's wage bases (``annual_2021``, ``quarters_2021_q3_2021_q4``,
# ``regional_2022``) and its inputs named after them (``wage_basis_annual_2022_kzt_per_month``).
_WAGE_BASIS_INPUT = re.compile(r"wage_basis_(.+)_kzt_per_month")


def wage_basis_label(basis: object, lang: str) -> str:
    """A wage basis id in words, for any period: ``annual_2021`` → "average monthly nominal wage 2021 (annual)";
    ``quarters_2021_q3_2021_q4`` → the average of those quarters; ``regional_2022`` → the regional wages at each
    region's hours (the ``economics`` catalogue). Anything else is returned as it is."""
    text = str(basis)
    m = re.fullmatch(r"(annual|regional)_(\d{4})", text)
    if m:
        return i18n.text(lang, f"economics.wage_basis.{m[1]}", year=m[2])
    m = re.fullmatch(r"quarters_(\d{4})_q(\d)_(\d{4})_q(\d)", text)
    if m:
        y1, q1, y2, q2 = m.groups()
        key = "quarter" if (y1, q1) == (y2, q2) else "quarters_same_year" if y1 == y2 else "quarters_span"
        return i18n.text(lang, f"economics.wage_basis.{key}", y1=y1, q1=q1, y2=y2, q2=q2)
    return text


def value_label(value: str, lang: str = "en", default: object = _MISSING) -> str:
    """The label of an id found in a cell: a term, else a column's header (cells that name columns), else an id
    made from the dataset's period (a wage basis of section 06)."""
    _check_lang(lang)
    found = label(value, lang, default=None)
    if found is None:
        found = COLUMN_LABELS[lang].get(value)
    if found is None and (m := _WAGE_BASIS_INPUT.fullmatch(str(value))):
        basis = wage_basis_label(m[1], lang)
        if basis != m[1]:
            found = i18n.text(lang, "labels.pattern.wage_basis_input", basis=basis)
    return found if found is not None else _fail("label", value, lang, default)


def is_id(value: object) -> bool:
    """Does ``value`` look like an id (``vol_age_18_29_pct``, ``reproduced``) rather than free text?"""
    if not isinstance(value, str):
        return False
    return ID_PATTERN.fullmatch(value) is not None or value in LABELS["en"]


def has_label(key: str, kind: str = "column") -> bool:
    """Whether ``key`` has a ``kind`` ("column", "value" or "term") label in every language."""
    lookup = {"column": column_label, "value": value_label, "term": label}[kind]
    return all(lookup(key, lang, default=None) is not None for lang in LANGS)


# --------------------------------------------------------------------------------------------- indicators
def indicator_label(indicator: str, lang: str = "en", meta=None) -> str:
    """An official indicator's label in ``lang``: the dataset's own (its ``indicators_meta`` table's
    ``label_<lang>`` column, ``meta``), else the study's label of that id (a term, else a column's header), else the
    id itself — which validation has warned about (:func:`vstudy.data.contract.check_official`)."""
    _check_lang(lang)
    return indicator_names(meta, lang, [indicator])[str(indicator)]


def indicator_names(meta, lang: str = "en", ids=None) -> dict[str, str]:
    """``{indicator id: label in lang}`` for ``ids`` (default: every indicator of ``meta``), as
    :func:`indicator_label` gives them. ``meta`` is a dataset's ``indicators_meta`` table (or None)."""
    _check_lang(lang)
    given: dict[str, str] = {}
    column = f"label_{lang}"
    if meta is not None and "indicator" in meta.columns and column in meta.columns:
        for indicator, text in zip(meta["indicator"], meta[column], strict=True):
            if isinstance(text, str) and text.strip():
                given[str(indicator)] = text.strip()
    wanted = [str(i) for i in (ids if ids is not None else
                                (meta["indicator"] if meta is not None and "indicator" in meta.columns else []))]
    return {i: given.get(i) or label(i, lang, default=None) or COLUMN_LABELS[lang].get(i) or i for i in wanted}


# --------------------------------------------------------------------------------------------- regions
@functools.lru_cache(maxsize=4)
def _region_labels(lang: str) -> dict[str, str]:
    units = regions.units("kz2022")  # all 20 codes; kz2021 is a subset
    short = {code: regions.name(code, lang, short=True) for code in units["code"]}
    kinds = dict(zip(units["code"], units["kind"], strict=True))
    taken: dict[str, int] = {}
    for name in short.values():
        taken[name] = taken.get(name, 0) + 1
    # "Almaty" (en, kk) is both a city and a region once the designator is dropped: the region keeps it.
    return {
        code: regions.name(code, lang) if taken[name] > 1 and kinds[code] == "oblast" else name
        for code, name in short.items()
    }


def region_label(code: str, lang: str = "en") -> str:
    """Short region name (no «область»/«облысы»/"Region") for ticks, maps and tables, unique within the language,
    from the gazetteer (``data/raw/regions/units.csv``: ``name_en``, ``name_ru``, ``name_kk``).

    Where dropping the designator would make two units look alike (Almaty Region and the city of Almaty in English
    and Kazakh), the region keeps its full name.
    """
    if lang not in LANGS:
        raise ValueError(f"region names exist in {', '.join(LANGS)}, not {lang!r}")
    try:
        return _region_labels(lang)[code]
    except KeyError:
        raise KeyError(f"unknown region code {code!r}") from None


def is_region_code(value: object) -> bool:
    return isinstance(value, str) and value.startswith("KZ-") and len(value) == 5


# --------------------------------------------------------------------------------------------- periods
def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def period_label(period: Mapping | None, lang: str = "en") -> str:
    """The dataset's period in words for a reader, from its manifest's ``start`` and ``end`` (ISO dates), as CLDR
    writes an interval of months in ``lang`` (:func:`vstudy.i18n.formats.period`).

    ``{"start": "2021-07-01", "end": "2021-12-31"}`` → "July – December 2021" / «июль – декабрь 2021 г.» /
    «2021 ж. шілде – желтоқсан»; a period over two years names both; one month names it alone. Without dates, the
    manifest's ``label``; else "". This is the one period label for readers; the data layer's period labels name
    periods for files and messages.
    """
    _check_lang(lang)
    period = period if isinstance(period, Mapping) else {}
    try:
        start, end = (_date(period[k]) for k in ("start", "end"))
    except (KeyError, ValueError, TypeError):
        return str(period.get("label", "") or "")
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    return formats.period(start, end, lang)
