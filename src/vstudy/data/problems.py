"""Validation problems: one finding each (file, row, column, value, rule, message, severity), as text and as a table.

Every check of :mod:`vstudy.data.validation`, :mod:`vstudy.data.contract` and :mod:`vstudy.data.datasets` returns
:class:`Problem` records and never stops at the first. ``row`` is the 1-based CSV line (header = 1) or a
workbook sheet's row (then ``sheet`` and ``cell`` name where); ``None`` when the problem concerns the whole file.
Severity: ``error`` makes ``vstudy validate`` exit 1; ``warning`` is printed (and kept in the processed table
``validation_findings``). :func:`cap_problems` keeps what is printed bounded whatever the input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from vstudy.data import limits


@dataclass(frozen=True)
class Problem:
    """One finding. ``row`` is the 1-based CSV line (header = 1); ``None`` when it concerns the whole file."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    severity: str = "error"
    erratum: str | None = None
    sheet: str | None = None  # a workbook's sheet: ``row`` is then the sheet's row (header = 1)
    cell: str | None = None  # the cell reference in that sheet, e.g. "E7"

    def format(self) -> str:
        if self.sheet is not None:
            where = f"{self.file}, sheet {self.sheet!r}" + (f", row {self.row}" if self.row is not None else "")
            col = (f", column {self.column!r}" if self.column else "") + (f" (cell {self.cell})" if self.cell else "")
        else:
            where = self.file + (f":{self.row}" if self.row is not None else "")
            col = f" column {self.column!r}" if self.column else ""
        val = f" value {self.value!r}" if self.value not in (None, "") else ""
        tag = f"known erratum {self.erratum}: " if self.erratum else ""
        line = f"{self.severity.upper()} {where}{col}{val} [{self.rule}] {tag}{self.message}"
        # One line on a terminal: a file name or a message holding text from the data shows its control characters
        # escaped (ESC sequences, carriage returns), never obeyed.
        return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in line)


PROBLEM_COLUMNS = ["file", "row", "column", "value", "rule", "severity", "erratum", "message"]


def cap_problems(problems: Iterable[Problem], limit: int = limits.MAX_MESSAGES_PER_RULE) -> list[Problem]:
    """The first ``limit`` problems of each rule (and severity) in each file, then one line "and N more".

    A file with the same mistake on every row names the first rows in full and counts the rest, so what is
    printed stays a few screens whatever the input (:data:`vstudy.data.limits.MAX_MESSAGES_PER_RULE`).
    """
    problems = list(problems)
    counts: dict[tuple, int] = {}
    for p in problems:
        key = (p.file, p.sheet, p.rule, p.severity)
        counts[key] = counts.get(key, 0) + 1
    kept: list[Problem] = []
    shown: dict[tuple, int] = {}
    for p in problems:
        key = (p.file, p.sheet, p.rule, p.severity)
        n = shown.get(key, 0)
        shown[key] = n + 1
        if n < limit:
            kept.append(p)
        elif n == limit:
            more = counts[key] - limit
            kept.append(Problem(p.file, None, None, None, p.rule,
                                f"and {more:,} more problem(s) of rule {p.rule} in this "
                                f"{'sheet' if p.sheet is not None else 'file'} (the first {limit} are listed)",
                                p.severity, sheet=p.sheet))
    return kept


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """One row per problem; a workbook's sheet and cell go into ``file`` («book.xlsx [regional!E7]»)."""
    problems = list(problems)
    rows = [{k: getattr(p, k) for k in PROBLEM_COLUMNS} for p in problems]
    for row, p in zip(rows, problems, strict=True):
        if p.sheet is not None:
            row["file"] = f"{p.file} [{p.sheet}{'!' + p.cell if p.cell else ''}]"
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    return frame.astype({"row": "Int64"})



def problem_from_record(record: Mapping[str, object]) -> Problem:
    """A problem back from a row of :func:`problems_frame` as read from its CSV (every field text; empty = none)."""
    def text(key: str) -> str | None:
        value = record.get(key)
        return None if value is None or str(value).strip() == "" else str(value)

    row = text("row")
    return Problem(text("file") or "", int(row) if row is not None and row.isdigit() else None, text("column"),
                   text("value"), text("rule") or "", text("message") or "", text("severity") or "warning",
                   text("erratum"))
