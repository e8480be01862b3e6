"""The sentences of section 00 (data quality and the replication register), from the ``data_quality`` catalogue.

Each function takes what :mod:`vstudy.analysis.replication` and the processed layer give (the dataset record, the
validation findings, the coverage of the official indicators, the errata register, the replication register) and
``lang``, computes the facts and returns the filled messages (:class:`vstudy.present.words.Rendered`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from vstudy.analysis import headline
from vstudy.analysis.replication import DIFFERS, STATUS_KEY
from vstudy.data import manifest as dataset_manifest
from vstudy.data import regions
from vstudy.i18n import formats
from vstudy.present.words import Rendered, plain, t

# The published statuses a sentence counts, in this order.
COUNTED = ("reproduced", "consistent", "differs", "not reproducible")


def _period(period: Mapping[str, object], lang: str) -> str:
    try:
        start, end = (dt.date.fromisoformat(str(period[k])) for k in ("start", "end"))
    except (KeyError, ValueError):
        return str(period.get("label") or "—")
    return formats.period(start, end, lang)


def intro_text(lang: str, is_report: bool, part: str = "intro") -> Rendered:
    """A paragraph of the section's own text that depends on what the dataset is (``is_report``: manifest
    ``transcribes: report_2021``): ``intro`` (the opening), ``errata_intro`` (the errata part), ``register_intro``
    (the replication register) — the 2021 report's errata and published numbers for its transcription; for a
    researcher's own data, the errata it records and a register that applies to a transcribed report only."""
    return t(lang, f"data_quality.{part}.{'report' if is_report else 'dataset'}")


def part_intro(lang: str, is_report: bool, part: str, rows: pd.DataFrame | None) -> Rendered | None:
    """The opening of the errata part (``errata_intro``) or of the register (``register_intro``): always for the
    report's transcription (``is_report``); for a researcher's dataset only where the part has ``rows`` (the errata
    it records, the published numbers it carries), else nothing — nor the part's heading, a Markdown cell tagged
    ``heads-output`` (:func:`vstudy.present.edition.localize`)."""
    if not is_report and (rows is None or rows.empty):
        return None
    return intro_text(lang, is_report, part)


def inventory_text(dataset: Mapping[str, object], lang: str) -> Rendered:
    """What was loaded: the dataset's title in the edition's language (none when its manifest gives no title in that
    language: the sentence then names the dataset by its period and scheme), its tables, period, regions and scheme."""
    manifest = dataset.get("manifest") or {}
    period = manifest.get("period") or {}
    scheme = manifest.get("scheme")
    units = len(regions.codes(str(scheme))) if scheme in ("kz2021", "kz2022") else 0
    title = dataset_manifest.title_in(manifest, lang)  # the edition's own title, or none (never another language's)
    return t(lang, "data_quality.inventory", title=title or "", has_title=bool(title), n=len(manifest.get("tables") or {}),
             period=_period(period, lang), units=units, scheme=str(scheme), synthetic=bool(manifest.get("synthetic")))


def validation_text(findings: pd.DataFrame | None, lang: str) -> Rendered:
    """What validation left: every dataset in the processed layer passed (errors stop the build)."""
    n = 0 if findings is None else len(findings)
    errata = 0 if findings is None or "erratum" not in findings.columns else int(findings["erratum"].notna().sum())
    return t(lang, "data_quality.validation", n=n, errata=errata)


def coverage_text(coverage: pd.DataFrame, lang: str) -> Rendered:
    """How many indicator-periods cover every region of the scheme, and which are partial (named by their labels
    where the table has them: ``indicator_name``)."""
    if coverage.empty:
        return t(lang, "data_quality.coverage.none")
    n_units = int(coverage["regions of the scheme"].iloc[0])
    covered = coverage["regions with a value"]
    full, partial = coverage[covered == n_units], coverage[covered < n_units]
    names = partial["indicator_name"] if "indicator_name" in partial.columns else None
    items = [plain(lang, "data_quality.coverage.item",
                   indicator=str(indicator if names is None else names[(indicator, period)]), period=str(period),
                   covered=int(n), units=n_units)
             for (indicator, period), n in partial["regions with a value"].items()]
    return t(lang, "data_quality.coverage.summary", full=len(full), units=n_units, partial=len(partial), items=items)


def errata_text(errata: pd.DataFrame | None, lang: str, is_report: bool = True) -> Rendered | None:
    """How many errata the dataset records and how many the validation rules detect (the processed
    ``errata_evaluated`` table: ``status`` is ``detected`` where a rule finds the defect in the data). With none,
    one sentence for the report's transcription (``is_report``) and nothing for a researcher's dataset."""
    if errata is None or errata.empty:
        return t(lang, "data_quality.errata.none") if is_report else None
    detected = int((errata["status"] == "detected").sum()) if "status" in errata.columns else 0
    return t(lang, "data_quality.errata.recorded", n=len(errata), detected=detected)


def register_text(register: pd.DataFrame, lang: str, is_report: bool = True) -> Rendered | list[Rendered] | None:
    """The register in one or two sentences (counts by status; what an empty register means to the report's
    transcription, ``is_report``: a researcher's dataset without published numbers gets nothing)."""
    counts = headline.register_counts(register)  # the home page states the same counts (one function)
    if not counts["published"]:
        return t(lang, "data_quality.register.empty") if is_report else None
    facts = {STATUS_KEY[s]: int(counts["by_status"].get(s, 0)) for s in COUNTED}
    parts = [t(lang, "data_quality.register.counts", n=counts["published"], **facts)]
    derived = counts["derived"]
    if derived:
        parts.append(t(lang, "data_quality.register.derived", n=derived))
    return parts


def errata_found_text(register: pd.DataFrame, lang: str) -> Rendered | None:
    """The claims that differ, by erratum, in one sentence (None when none differs)."""
    differ = register[register["status"] == DIFFERS]
    if differ.empty:
        return None
    ids = differ["note"].str.findall(r"E\d+").explode().dropna()
    by = ids.value_counts().sort_index(key=lambda s: s.str[1:].astype(int))
    items = [plain(lang, "data_quality.differs.item", erratum=str(e), n=int(k)) for e, k in by.items()]
    unexplained = int((~differ["note"].str.contains(r"E\d+", regex=True)).sum())
    return t(lang, "data_quality.differs.summary", n=len(differ), items=items, has_items=bool(items),
             unexplained=unexplained)


def whole_register_text(lang: str) -> Rendered:
    """The link to the whole register (``replication.csv`` beside the section's pages)."""
    return t(lang, "data_quality.register.whole")
