"""The register's vocabulary and machinery: statuses, a check and its note, the context every check reads.

A note is not text: it is a message key of the ``replication`` catalogue (``note.<key>``) and the facts that fill
it, rendered once per edition language by :func:`render` (numbers by CLDR, region names from the gazetteer in the
edition's language). Nothing here is a sentence.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vstudy import i18n
from vstudy.data import datasets, regions

REPRODUCED, CONSISTENT, DERIVED, DIFFERS, NOT_REPRODUCIBLE = (
    "reproduced", "consistent", "derived", "differs", "not reproducible")
STATUS_ORDER = (REPRODUCED, CONSISTENT, DERIVED, DIFFERS, NOT_REPRODUCIBLE)
# A status as a message key (``replication.status_meaning.<key>``, ``data_quality.status.<key>``).
STATUS_KEY = {REPRODUCED: "reproduced", CONSISTENT: "consistent", DERIVED: "derived", DIFFERS: "differs",
              NOT_REPRODUCIBLE: "not_reproducible"}
# The languages the register writes its claim and note in: the English columns, then ``claim_<lang>``/``note_<lang>``.
REGISTER_LANGS = ("en", "ru", "kk")

S00, S01, S02, S03 = "00_data_quality", "01_demographics", "02_organisations", "03_correlations"
S05, S06, S07 = "05_activities", "06_economic_value", "07_information_line"

SHARE_TOL = 0.005  # a share printed with two decimals is off by at most half a unit of its last digit
WORKING_HOURS_PER_YEAR = 40 * 52  # Labour Code of the Republic of Kazakhstan, art. 68: ≤ 40 hours a week
DENOMINATOR_MULTIPLES = 20  # event totals tried for a quoted share: the smallest count and its multiples up to ×20


# ---------------------------------------------------------------------------------------------------------------
# Facts that depend on the edition's language
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Region:
    """A unit of the scheme, named in the edition's language from the gazetteer (None: the country)."""

    code: str | None

    def text(self, lang: str) -> str:
        if self.code is None:
            return i18n.text(lang, "replication.country")
        kinds = _unit_kinds()  # every code; kz2021 is a subset
        if self.code not in kinds:
            return self.code
        # Russian names a city without its designator, as the report does («Астана», not «город Астана»)
        return regions.name(self.code, lang, short=lang == "ru" and kinds[self.code] == "city")


@functools.cache
def _unit_kinds() -> dict[str, str]:
    """Each unit's kind (oblast, city) by code, read once: a register names regions thousands of times."""
    units = regions.units("kz2022")
    return dict(zip(units["code"], units["kind"], strict=True))


@dataclass(frozen=True)
class Quote:
    """Text from the dataset (a label the report printed), in the language the dataset gives it: ``texts`` maps a
    language to its text; a language without one shows ``fallback`` (the report's own words)."""

    fallback: str
    texts: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str) -> str:
        return dict(self.texts).get(lang) or self.fallback


@dataclass(frozen=True)
class Message:
    """Another message of the catalogue as a fact (a claim inside a claim)."""

    msg_id: str
    facts: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str) -> str:
        return i18n.text(lang, self.msg_id, **resolve(dict(self.facts), lang))


@dataclass(frozen=True)
class Joined:
    """Numbers joined by ``sep`` (``1 200 + 90 + 41``), each written by CLDR in the edition's language with
    ``decimals`` (None: as an integer)."""

    values: tuple[float, ...]
    sep: str = " + "
    decimals: int | None = None

    def text(self, lang: str) -> str:
        if self.decimals is None:
            return self.sep.join(i18n.formats.integer(v, lang) for v in self.values)
        return self.sep.join(i18n.formats.number(v, lang, decimals=self.decimals) for v in self.values)


def message(msg_id: str, **facts: object) -> Message:
    return Message(msg_id, tuple(sorted(facts.items())))


LOCALIZED = (Region, Quote, Message, Joined)


def resolve(facts: Mapping[str, object], lang: str) -> dict[str, object]:
    """The facts with every language-dependent one (:class:`Region`, :class:`Quote`, :class:`Message`) in ``lang``;
    numpy numbers as Python numbers."""
    out: dict[str, object] = {}
    for key, value in facts.items():
        if isinstance(value, LOCALIZED):
            value = value.text(lang)
        elif isinstance(value, np.generic):
            value = value.item()
        elif isinstance(value, (list, tuple)):
            value = [v.text(lang) if isinstance(v, LOCALIZED) else v for v in value]
        out[key] = value
    return out


# ---------------------------------------------------------------------------------------------------------------
# Checks and notes
# ---------------------------------------------------------------------------------------------------------------

Note = tuple[str, tuple[tuple[str, object], ...]]


def note(key: str, **facts: object) -> Note:
    """A note: the message ``replication.note.<key>`` and its facts."""
    return key, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in facts.items()))


def render(notes: tuple[Note, ...] | list[Note], lang: str) -> str:
    """The notes in ``lang``, joined as the register joins them."""
    return "; ".join(i18n.text(lang, f"replication.note.{key}", **resolve(dict(facts), lang)) for key, facts in notes)


@dataclass
class Check:
    status: str
    recomputed: float | None = None
    notes: tuple[Note, ...] = ()

    def note(self, lang: str = "en") -> str:
        return render(self.notes, lang)


def check(status: str, recomputed: float | None, key: str, **facts: object) -> Check:
    """A check with one note ``replication.note.<key>``."""
    return Check(status, recomputed, (note(key, **facts),))


_PRIORITY = (DIFFERS, REPRODUCED, CONSISTENT, NOT_REPRODUCIBLE)


def combine(checks: list[Check]) -> Check:
    """One status for a value several checks bear on: a failure wins, then a recomputation, then an internal
    check; the notes of all are kept (the deciding check's first)."""
    if not checks:
        return check(NOT_REPRODUCIBLE, None, "no_check")
    ordered = sorted(checks, key=lambda c: _PRIORITY.index(c.status))
    best = ordered[0]
    recomputed = next((c.recomputed for c in ordered if c.status == best.status and c.recomputed is not None),
                      None)
    if recomputed is None:
        recomputed = next((c.recomputed for c in ordered if c.recomputed is not None), None)
    notes = tuple(dict.fromkeys(n for c in ordered for n in c.notes))
    return Check(best.status, recomputed, notes)


def within(published: float, recomputed: float, tol: float) -> str:
    return CONSISTENT if abs(recomputed - published) <= tol + 1e-9 else DIFFERS


# ---------------------------------------------------------------------------------------------------------------
# The context: the processed tables a check reads
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class Context:
    tables: Mapping[str, pd.DataFrame | None]
    scheme: str
    period: Mapping[str, object]
    coefficients: pd.DataFrame | None
    checks: dict[tuple, list[Check]] = field(default_factory=dict)
    derived: list[dict] = field(default_factory=list)

    def add(self, table: str, item: str | None, code: str | None, column: str, result: Check) -> None:
        self.checks.setdefault((table, item, code, column), []).append(result)

    def derive(self, claim_id: str, section: str, claim: Message, recomputed: float, key: str,
               **facts: object) -> None:
        """A value the report did not print, computed from what it did (status ``derived``)."""
        self.derived.append({"claim_id": claim_id, "section": section, "claim": claim,
                             "recomputed_value": float(recomputed), "notes": (note(key, **facts),)})

    def t(self, name: str) -> pd.DataFrame | None:
        frame = self.tables.get(name)
        return None if frame is None or len(frame) == 0 else frame

    def published(self, table: str) -> pd.DataFrame:
        pv = self.t("published_values")
        if pv is None:
            return pd.DataFrame(columns=["table", "item", "region_code", "column", "value", "source_line"])
        sub = pv[pv["table"] == table].copy()
        for col in ("item", "region_code"):
            sub[col] = sub[col].astype(object).where(sub[col].notna(), None)
        return sub

    def value(self, table: str, item: str | None, code: str | None = None, column: str | None = None):
        sub = self.published(table)
        sub = sub[(sub["item"] == item) if item is not None else sub["item"].isna()]
        sub = sub[(sub["region_code"] == code) if code is not None else sub["region_code"].isna()]
        if column is not None:
            sub = sub[sub["column"] == column]
        return None if sub.empty else next(sub.itertuples())

    def erratum(self, file_stem: str, rule: str, item: str | None = None) -> str | None:
        """The ids of the dataset's errata of that file and rule (the one whose row selector names ``item`` when
        several), e.g. ``"E15"``; None when it records none (the notes' ``erratum`` fact)."""
        errata = self.t("errata_evaluated")
        if errata is None:
            return None
        hit = errata[errata["file"].str.contains(file_stem, regex=False) & (errata["rule_id"] == rule)]
        if item is not None and "rows" in hit.columns:
            named = hit[hit["rows"].astype(str).str.contains(item, regex=False)]
            hit = named if len(named) else hit
        return ", ".join(hit["erratum_id"]) if len(hit) else None

    def code(self, code: str) -> str | None:
        """The unit ``code`` when the dataset's scheme has it (a figure about a unit another scheme lacks is not
        checked), else None."""
        return code if code in regions.codes(self.scheme) else None

    def region(self, code: str | None) -> Region:
        """The unit, named in each edition's language when the register is written."""
        return Region(code)

    def pair(self, coef_id: str) -> tuple[Quote, Quote]:
        """The report's two variables of a published coefficient as the dataset names them (``x_<lang>``,
        ``y_<lang>`` columns; the report's Russian words where a language has none)."""
        pub = self.t("correlations_published")
        hit = None if pub is None else pub[pub["coef_id"] == coef_id]
        if hit is None or not len(hit):
            return Quote(coef_id), Quote(coef_id)
        row = hit.iloc[0]

        def quote(side: str) -> Quote:
            texts = tuple((lang, str(row[f"{side}_{lang}"])) for lang in REGISTER_LANGS
                          if f"{side}_{lang}" in hit.columns and isinstance(row[f"{side}_{lang}"], str))
            fallback = dict(texts).get("ru") or dict(texts).get("en") or coef_id
            return Quote(fallback, texts)

        return quote("x"), quote("y")

    def direction_label(self, direction: str) -> str:
        ev = self.t("event_directions")
        hit = None if ev is None else ev.loc[ev["direction_id"] == direction, "label_as_published"]
        return str(hit.iloc[0]) if hit is not None and len(hit) else direction

    def event_counts(self) -> pd.DataFrame | None:
        """The data layer's reconstructed event counts (processed ``event_counts``), with the register's column
        names; None when the dataset has no regional lists or a region's shares fit no total."""
        counts = self.t("event_counts")
        if counts is None or counts["region_events_count"].isna().any():
            return None
        return counts.rename(columns={"events_count": "events", "region_events_count": "region_events"}).astype(
            {"events": "int64", "region_events": "int64"})

    def months(self) -> float | None:
        """The period's length in months (:func:`vstudy.data.datasets.period_months`, computed there only)."""
        try:
            return datasets.period_months(self.period)
        except ValueError:
            return None

    def figures(self) -> dict[str, float]:
        hf = self.t("headline_figures")
        return {} if hf is None else {r.figure_id: float(r.value) for r in hf.itertuples() if pd.notna(r.value)}


def period_date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


Step = Callable[[Context], None]


def sum_check(ctx: Context, table: str, values: pd.DataFrame, what: str, erratum: str | None = None) -> None:
    """Shares that must sum to 100: each gets 100 − the others (tolerance n × 0.005). ``what`` names the shares
    (a key of the ``sum`` note's select: ``national``, ``region_status``, ``september``)."""
    n = len(values)
    total = float(values["value"].sum())
    tol = n * SHARE_TOL
    for row in values.itertuples():
        implied = round(100 - (total - row.value), 2)
        status = within(row.value, implied, tol)
        ctx.add(table, row.item, row.region_code, row.column, check(
            status, implied, "sum", n=n, what=what, total=total, implied=implied, tol=tol,
            erratum=erratum if status == DIFFERS else None))
