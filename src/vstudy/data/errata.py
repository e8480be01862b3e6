"""The errata register as matchers: which rule violations are known defects of the source.

A violated row rule whose rows are covered by an entry of the dataset's errata register (same file, a rule id the
schema rule lists in ``explained_by``, a row selector that matches) becomes a warning "known erratum Exx" instead
of an error (:func:`vstudy.data.validation.check_frame`): the report's defects are declared, not hidden, and do
not block the build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from vstudy.data.schema_model import Rule


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


