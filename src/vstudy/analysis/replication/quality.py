"""Data quality beside the register: what was loaded, the coverage of the official indicators, and the errata
register as a reader reads it (the evidence of each erratum in the edition's language)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from vstudy import i18n
from vstudy.data import regions
from vstudy.data.errata import erratum_text


def errata_view(errata: pd.DataFrame | None, lang: str = "en") -> pd.DataFrame:
    """The errata register as a reader reads it (empty when the dataset records none): what is wrong, the evidence
    and the handling in ``lang`` (:func:`vstudy.data.errata.erratum_text`: the register's ``<text>_<lang>``
    column; where the register gives a text in another language only, that text with its language named,
    ``provenance.recorded_in``)."""
    cols = {"erratum_id": "erratum", "description_en": "what is wrong", "evidence": "evidence",
            "source_lines": "report lines", "correction": "handling", "status": "found by"}
    if errata is None:
        return pd.DataFrame(columns=list(cols.values())).set_index("erratum")
    errata = errata.copy()
    records = errata.to_dict("records")
    for column, name in (("description_en", "description"), ("evidence", "evidence"), ("correction", "correction")):
        if column in errata.columns:
            errata[column] = [_in_edition(row, name, lang) for row in records]
    out = errata[[c for c in cols if c in errata.columns]].rename(columns=cols)
    if "found by" in out.columns:
        out["found by"] = out["found by"].map(
            lambda s: i18n.text(lang, f"replication.found_by.{s}") if i18n.has(lang, f"replication.found_by.{s}")
            else s)
    return out.set_index("erratum")


def _in_edition(row: Mapping[str, object], text: str, lang: str) -> str | None:
    found = erratum_text(row, text, lang)
    if found is None:
        return None
    if found.lang == lang:
        return found.text
    return i18n.text(lang, "provenance.recorded_in", text=found.text, language=found.lang)


def dataset_tables(dataset: Mapping[str, object]) -> pd.DataFrame:
    """The dataset's tables (from the processed layer's ``dataset.json``): name, file, schema."""
    tables = (dataset.get("manifest") or {}).get("tables") or {}
    return pd.DataFrame([{"table": name, "file": spec.get("file"), "schema": spec.get("schema", name)}
                         for name, spec in tables.items()], columns=["table", "file", "schema"]).set_index("table")


def indicator_coverage(long: pd.DataFrame | None, scheme: str, lang: str = "en",
                       names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Official indicators per reference period: the indicator's name (``names``: id → label in ``lang``; the id
    where it has none), units of the scheme with a value and the ones missing (named in ``lang`` when there are ten
    or fewer, else counted)."""
    names = names or {}
    cols = ["indicator", "period", "indicator_name", "unit", "regions with a value", "regions of the scheme",
            "missing"]
    if long is None:
        return pd.DataFrame(columns=cols)
    official = long[long["value_kind"] == "official"]
    units = regions.codes(scheme)
    rows = []
    for (indicator, period), group in official.groupby(["variable", "ref_period"], sort=True):
        present = set(group["region_code"])
        missing = [c for c in units if c not in present]
        rows.append(dict(zip(cols, (
            indicator, period, names.get(indicator, indicator), group["unit"].iloc[0], len(present & set(units)),
            len(units),
            ", ".join(regions.name(c, lang) for c in missing) if 0 < len(missing) <= 10
            else (i18n.text(lang, "common.regions", n=len(missing)) if missing else "")), strict=True)))
    return pd.DataFrame(rows, columns=cols).set_index(["indicator", "period"])


def coverage_matrix(long: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """Indicator-periods (rows, "indicator period") × units of the scheme (columns): 1 where a value exists."""
    official = long[(long["value_kind"] == "official") & long["region_code"].isin(regions.codes(scheme))]
    rows = official["variable"] + " " + official["ref_period"].astype(str)
    matrix = pd.crosstab(rows.rename("indicator_period"), official["region_code"]).clip(upper=1)
    return matrix.reindex(columns=regions.codes(scheme), fill_value=0)
