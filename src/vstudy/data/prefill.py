"""Official values for a new dataset's template, read from the originals the repository keeps.

``data/raw/official/series.csv`` (extracted by :mod:`vstudy.data.official` from ``originals/``) holds every year the
Bureau's spreadsheets cover since the 17 units of 2021 exist, with the territory each value describes. For a dataset
of scheme ``S`` whose period starts in year ``Y``, :func:`official_values` picks, for each official column of the
collection contract's ``regional`` table, the reference period the study accepts for ``Y`` (the same rule as the
validator, :func:`vstudy.data.indicators.select_period`) among the periods the series holds for every unit of ``S``
on ``S``'s borders; each picked column comes with its ``source`` (the Bureau's table, the original's file, the
cell references are in series.csv) and its ``ref_period``. A column the series cannot fill for every unit stays
empty, with the reason in :attr:`Prefill.missing` — nothing is estimated, carried over from another year without
saying so, or taken from the other scheme's territory.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from vstudy.data import indicators, paths, provenance, regions

SERIES_FILE = "series.csv"


@dataclass
class Prefill:
    """What the template can fill: ``values[column][code]`` (as the series stores it, text), each filled column's
    ``declarations[column] = {"source": …, "ref_period": …}``, and ``missing[column]`` = why a column stays empty
    (in English, for logs); ``held[column]`` = the periods the kept originals hold for a column that stays empty
    (empty: no original with the indicator by region), the fact the template's words are chosen by."""

    scheme: str
    year: int
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    declarations: dict[str, dict[str, str]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    held: dict[str, list[str]] = field(default_factory=dict)


def _official_dir() -> Path:
    return paths.raw_dir() / "official"


def read_series(base: Path | None = None) -> list[dict[str, str]]:
    path = (base or _official_dir()) / SERIES_FILE
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _sources(base: Path) -> dict[str, dict]:
    record = yaml.safe_load((base / "source.yml").read_text(encoding="utf-8")) or {}
    return {str(s["id"]): s for s in record.get("sources") or []}


def source_text(source: dict, source_id: str) -> str:
    """The ``source`` declaration of a pre-filled column: the Bureau's table, the kept original, the series file."""
    producer = provenance.pick(source.get("producer"), "en")
    title = provenance.pick(source.get("title"), "en")
    producer, title = (producer.text if producer else ""), (title.text if title else source_id)
    original = str(source.get("original_file") or "")
    where = f"data/raw/official/{original}" if original else "data/raw/official"
    return f"{producer}: «{title}» ({where}; cell references in data/raw/official/{SERIES_FILE})".strip(": ")


def official_values(scheme: str, start: dt.date, base: Path | None = None) -> Prefill:
    """The official columns the repository can fill for a dataset of ``scheme`` whose period starts on ``start``."""
    regions.check_scheme(scheme)
    base = base or _official_dir()
    rows = read_series(base)
    sources = _sources(base) if rows else {}
    units = list(regions.codes(scheme))
    out = Prefill(scheme=scheme, year=start.year)
    for spec in indicators.OFFICIAL_INDICATORS:
        if not spec.contract:
            continue
        mine = [r for r in rows if r["indicator"] == spec.indicator and r["territory"] in ("both", scheme)]
        complete = sorted({r["ref_period"] for r in mine
                           if set(units) <= {x["region_code"] for x in mine if x["ref_period"] == r["ref_period"]}})
        ref = indicators.select_period(spec, complete, start.year)
        if ref is None:
            held = sorted({r["ref_period"] for r in rows if r["indicator"] == spec.indicator})
            out.held[spec.contract] = held
            if not held:
                out.missing[spec.contract] = "the repository keeps no original with this indicator by region"
            else:
                out.missing[spec.contract] = (
                    f"the kept originals hold {', '.join(held)}, none of them {spec.accepted(start.year)} "
                    f"for every unit of {scheme} on its borders")
            continue
        picked = {r["region_code"]: r for r in mine if r["ref_period"] == ref and r["region_code"] in units}
        out.values[spec.contract] = {code: picked[code]["value"] for code in units}
        source_ids = sorted({picked[code]["source_id"] for code in units})
        out.declarations[spec.contract] = {
            "source": "; ".join(source_text(sources.get(s, {}), s) for s in source_ids),
            "ref_period": ref,
        }
    return out
