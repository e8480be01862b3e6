"""The errata register as matchers: which rule violations are known defects of the source.

A violated row rule whose rows are covered by an entry of the dataset's errata register (same file, a rule id the
schema rule lists in ``explained_by``, a row selector that matches) becomes a warning "known erratum Exx" instead
of an error (:func:`vstudy.data.validation.check_frame`): the report's defects are declared, not hidden, and do
not block the build.

The register's texts — what is wrong (``description_en``), the evidence (``evidence``) and the handling
(``correction``) — are recorded in English; each edition's version is the column ``<text>_<lang>``
(``description_ru``, ``evidence_kk`` …: :func:`errata_column`). A row that gives no text in an edition's language
shows the text of a language it does give, and names it (:func:`erratum_text`): never a silent paragraph of another
language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vstudy.data.provenance import FALLBACK, Text, given
from vstudy.data.schema_model import Rule
from vstudy.i18n import LANGS

if TYPE_CHECKING:  # pandas is imported where it is used: a no-op rebuild reads no table
    import pandas as pd

# The register's texts and the column of each in English (the language the register records them in).
ERRATA_TEXTS = ("description", "evidence", "correction")
_RECORDED = {"description": "description_en", "evidence": "evidence", "correction": "correction"}
# Columns a user may write for a recorded text, by analogy with ``description_en``: refused with the right name.
RENAMED = (("evidence_en", "evidence"), ("correction_en", "correction"), ("description", "description_en"))


@dataclass(frozen=True)
class Erratum:
    """An errata entry reduced to what matching needs: per file, a selector {column: allowed values}."""

    erratum_id: str
    rule_id: str
    selectors: dict[str, list[dict[str, set[str]]]] = field(default_factory=dict)

    def covers(self, file_name: str, rule: Rule, rows: pd.DataFrame) -> bool:
        if self.rule_id not in getattr(rule, "explained_by", ()):
            return False
        for selector in self.selectors.get(Path(file_name).name, []):
            if not selector:
                return True
            import pandas as pd

            mask = pd.Series(True, index=rows.index)
            for col, values in selector.items():
                if col not in rows.columns:
                    mask &= False
                    continue
                mask &= rows[col].astype(str).isin(values)
            if bool(mask.any()):
                return True
        return False


_SEL_IN = re.compile(r"(\w+)\s+in\s+\(([^)]*)\)")
_SEL_EQ = re.compile(r"(\w+)\s*=\s*([^,(]+)")


def parse_selector(text_: str) -> dict[str, set[str]]:
    """``"age_group=pension (all 17 rows)"`` → {age_group: {pension}}; ``"x in (a, b)"`` → {x: {a, b}}."""
    selector: dict[str, set[str]] = {}
    rest = text_
    for m in _SEL_IN.finditer(text_):
        selector.setdefault(m.group(1), set()).update(v.strip() for v in m.group(2).split(",") if v.strip())
        rest = rest.replace(m.group(0), " ")
    for m in _SEL_EQ.finditer(rest):
        selector.setdefault(m.group(1), set()).add(m.group(2).strip())
    return selector


def errata_from_frame(frame: pd.DataFrame) -> list[Erratum]:
    """Build matchers from the errata table; the file and rows fields are parallel «; »-separated lists."""
    out = []
    for row in frame.itertuples(index=False):
        files = [f.strip() for f in str(row.file).split(";")]
        parts = [p.strip() for p in str(row.rows).split(";")]
        selectors: dict[str, list[dict[str, set[str]]]] = {}
        for i, f in enumerate(files):
            part = parts[i] if i < len(parts) else ""
            selectors.setdefault(f, []).append(parse_selector(part))
        out.append(Erratum(str(row.erratum_id), str(row.rule_id), selectors))
    return out


def errata_column(text: str, lang: str) -> str:
    """The errata register's column of ``text`` (:data:`ERRATA_TEXTS`) in ``lang``: ``description_en``,
    ``evidence``, ``correction`` (the recorded English texts), ``<text>_ru``, ``<text>_kk``."""
    if text not in _RECORDED:
        raise KeyError(f"no errata text {text!r}; the register's texts: {', '.join(ERRATA_TEXTS)}")
    return _RECORDED[text] if lang == "en" else f"{text}_{lang}"


def translation_columns() -> tuple[str, ...]:
    """The register's optional columns: each text in each edition language but English."""
    return tuple(errata_column(text, lang) for text in ERRATA_TEXTS for lang in LANGS if lang != "en")


def erratum_text(row: Mapping[str, object], text: str, lang: str) -> Text | None:
    """Text ``text`` (:data:`ERRATA_TEXTS`) of one erratum (a register row) for an edition in ``lang``: its
    ``lang`` column, else the first language of :data:`FALLBACK` the row gives, with that language (so that the page
    can say so). ``None`` where the row gives the text in no language."""
    for candidate in (lang, *FALLBACK[lang]):
        value = row.get(errata_column(text, candidate))
        if isinstance(value, float) and value != value:  # NaN: an empty cell of a frame
            continue
        found = given(value)
        if found is not None:
            return Text(found, candidate)
    return None
