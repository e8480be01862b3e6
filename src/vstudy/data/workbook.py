"""A dataset as one ``.xlsx`` workbook: reading a filled template, writing one, exporting it as a directory.

Sheets (``vstudy template`` writes them; :func:`read` reads them back):

``instructions``          what to fill, in Russian, Kazakh and English (not read)
``manifest``              key / value: id, title, period_start, period_end, period_label, scheme, synthetic, description
``columns``               one row per value column: table, column, unit, …, ``source`` and ``ref_period`` to fill
``regional``              the regional table of the collection contract (row 1 = column names, one row per unit)
``events_by_direction``   events by region and direction (long)

Row numbers are the sheet's own (header = row 1), so a problem names the sheet, the row, the column and the
cell (``E7``). Cells are read as typed values: a number is a number; a cell formatted as a percentage in a
``_pct`` column (0.25 shown as 25 %) is read as 25. Only cached values are read (``data_only``): a formula
cell counts as the value Excel last computed.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from vstudy.data import atomic, schemas
from vstudy.data.schemas import Problem

MANIFEST_SHEET = "manifest"
COLUMNS_SHEET = "columns"
INSTRUCTIONS_SHEET = "instructions"
TABLE_SHEETS = schemas.CONTRACT_TABLES  # sheet name = table name = schema name
MANIFEST_KEYS = ("id", "title", "period_start", "period_end", "period_label", "scheme", "synthetic", "description")
SUFFIXES = (".xlsx", ".xlsm")


def is_workbook(path: str | Path | None) -> bool:
    return path is not None and Path(path).suffix.lower() in SUFFIXES


@dataclass
class Sheet:
    header: list[str]
    records: list[tuple[int, list[str]]]


@dataclass
class Content:
    """What a workbook holds, as text: the manifest it describes, and each table's header and rows."""

    name: str
    manifest: dict
    tables: dict[str, Sheet] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    manifest_rows: dict[str, int] = field(default_factory=dict)  # manifest key -> row of the manifest sheet
    column_rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (table, column) -> row of columns

    def label(self, table: str) -> str:
        """The file label a table's problems carry until :func:`locate` names the sheet."""
        return f"{self.name}[{table}]"


def _cell_text(value, number_format: str = "", percent: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        if percent and "%" in (number_format or ""):
            value = round(float(value) * 100, 10)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    return str(value).strip()


def _rows(ws):
    for row in ws.iter_rows():
        yield row[0].row if row else 0, row


def read(path: str | Path) -> Content:
    """Read a filled workbook; unreadable files and missing sheets are problems, never exceptions."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    content = Content(name=path.name, manifest={})
    try:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=False)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        content.problems.append(Problem(path.name, None, None, None, "workbook",
                                        f"cannot read the workbook: {exc}"))
        return content
    missing = [s for s in (MANIFEST_SHEET, "regional") if s not in wb.sheetnames]
    if missing:
        content.problems.append(Problem(path.name, None, None, None, "workbook",
                                        f"sheet(s) {', '.join(missing)} missing (sheets: {', '.join(wb.sheetnames)}); "
                                        "start from `vstudy template`"))
        return content

    # The manifest sheet: key in column A, value in column B.
    values: dict[str, str] = {}
    for row_no, row in _rows(wb[MANIFEST_SHEET]):
        if row_no == 1 or not row or row[0].value is None:
            continue
        key = str(row[0].value).strip()
        values[key] = _cell_text(row[1].value) if len(row) > 1 else ""
        content.manifest_rows[key] = row_no
    synthetic = values.get("synthetic", "")
    manifest: dict = {k: values[k] for k in ("id", "title", "scheme", "description") if values.get(k)}
    manifest["period"] = {"start": values.get("period_start", ""), "end": values.get("period_end", ""),
                          "label": values.get("period_label", "")}
    manifest["synthetic"] = {"true": True, "false": False, "yes": True, "no": False}.get(synthetic.lower(), synthetic)

    # The columns sheet: the source and reference period of each value column.
    declared: dict[str, dict[str, dict[str, str]]] = {}
    if COLUMNS_SHEET in wb.sheetnames:
        ws = wb[COLUMNS_SHEET]
        header = [_cell_text(c.value) for c in next(ws.iter_rows(max_row=1))]
        pos = {h: i for i, h in enumerate(header)}
        for row_no, row in _rows(ws):
            if row_no == 1 or "table" not in pos or "column" not in pos:
                continue
            cells = [_cell_text(c.value) for c in row]
            table, column = cells[pos["table"]], cells[pos["column"]]
            if not table or not column:
                continue
            entry = {k: cells[pos[k]] for k in ("source", "ref_period") if k in pos and cells[pos[k]]}
            if entry:
                declared.setdefault(table, {})[column] = entry
            content.column_rows[(table, column)] = row_no

    tables: dict = {}
    for table in TABLE_SHEETS:
        if table not in wb.sheetnames:
            continue
        ws = wb[table]
        schema = schemas.RAW[table]
        rows = list(_rows(ws))
        if not rows:
            continue
        header = [_cell_text(c.value) for c in rows[0][1]]
        while header and header[-1] == "":
            header.pop()
        percent = {i: h in schema.names and schema.column(h).percent for i, h in enumerate(header)}
        records = []
        for row_no, row in rows[1:]:
            cells = [_cell_text(c.value, c.number_format, percent.get(i, False))
                     for i, c in enumerate(row[:len(header)])]
            if any(cells):
                records.append((row_no, cells))
        content.tables[table] = Sheet(header, records)
        tables[table] = {"file": content.label(table), "schema": table, "columns": declared.get(table, {})}
    manifest["tables"] = tables
    content.manifest = manifest
    return content


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def locate(problem: Problem, content: Content) -> Problem:
    """Name the sheet (and the cell) of a problem found in a workbook's table, manifest or columns sheet."""
    import dataclasses

    for table, sheet in content.tables.items():
        if problem.file == content.label(table):
            cell = None
            if problem.column in sheet.header and problem.row is not None:
                cell = f"{_letter(sheet.header.index(problem.column))}{problem.row}"
            return dataclasses.replace(problem, file=content.name, sheet=table, cell=cell)
    if problem.file == "manifest.yml":
        message = problem.message
        if message.startswith("tables.") and ".columns" in message.split(":")[0]:
            table = message.split(".")[1]
            row = content.column_rows.get((table, str(problem.column)))
            return dataclasses.replace(problem, file=content.name, sheet=COLUMNS_SHEET, row=row,
                                       message=message.split(": ", 1)[-1])
        key = {"period": "period_start"}.get(str(problem.column), str(problem.column))
        return dataclasses.replace(problem, file=content.name, sheet=MANIFEST_SHEET,
                                   row=content.manifest_rows.get(key))
    return problem


# ---------------------------------------------------------------------------------------------------------------
# Exporting a workbook as a dataset directory (what `vstudy build` reads)
# ---------------------------------------------------------------------------------------------------------------


def csv_text(header: list[str], records: list[list[str]]) -> str:
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(records)
    return buf.getvalue()


def to_directory(path: str | Path, out: str | Path) -> Path:
    """Write the workbook's manifest and tables as a dataset directory ``out`` (same bytes for the same workbook).

    The CSV rows are the sheet's data rows in order, so line n of a CSV is not row n of the sheet when the
    sheet has blank rows; validate the workbook itself to get sheet rows and cells. ``out`` is never reached
    through a symbolic link (a link there is refused); ``vstudy build`` exports into its own staging folder.
    """
    out = Path(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ValueError(f"{out.name} is a symbolic link or a file: a workbook is exported into a new folder only")
    content = read(path)
    if content.problems:
        raise ValueError("; ".join(p.format() for p in content.problems))
    out.mkdir(parents=True, exist_ok=True)
    for rel in [f"{table}.csv" for table in content.tables] + ["manifest.yml"]:
        if (out / rel).is_symlink() or (out / rel).is_dir():
            raise ValueError(f"{out.name}/{rel} is a symbolic link or a folder: not overwritten")
    manifest = dict(content.manifest)
    tables = {}
    for table, sheet in content.tables.items():
        rel = f"{table}.csv"
        atomic.write_text_atomic(out / rel, csv_text(sheet.header, [r for _, r in sheet.records]))
        tables[table] = {"file": rel, "schema": table, "columns": manifest["tables"][table].get("columns", {})}
    manifest["tables"] = tables
    header = (f"# Exported by vstudy from the workbook {content.name}: edit the workbook, not these files.\n")
    atomic.write_text_atomic(out / "manifest.yml", header + yaml.safe_dump(manifest, allow_unicode=True,
                                                                             sort_keys=False, width=110))
    return out
