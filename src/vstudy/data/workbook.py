"""A dataset as one ``.xlsx`` workbook: reading a filled template, writing one, exporting it as a directory.

Sheets (``vstudy template`` writes them; :func:`read` reads them back):

``instructions``          what to fill, in Russian, Kazakh and English (not read)
``manifest``              key / value: id, title, title_ru, title_kk, period_start, period_end, period_label, scheme, synthetic, description
``columns``               one row per value column: table, column, unit, …, ``source`` and ``ref_period`` to fill
``regional``              the regional table of the collection contract (row 1 = column names, one row per unit)
``events_by_direction``   events by region and direction (long)

Row numbers are the sheet's own (header = row 1), so a problem names the sheet, the row, the column and the
cell (``E7``). Cells are read as typed values: a number is a number; a cell formatted as a percentage in a
``_pct`` column (0.25 shown as 25 %) is read as 25. Only cached values are read (``data_only``): a formula
cell counts as the value Excel last computed, and a formula cell with no saved value (a workbook written by a
library that does not compute formulas) is refused with its cell named.

The workbook is read within the limits of :mod:`vstudy.data.limits`: its size and the uncompressed sizes its zip
directory declares are checked before anything is decompressed, and each sheet is streamed (openpyxl read-only)
and reading stops past its table's row limit or a value right of the column limit. A file that is not a
readable workbook (text saved as .xlsx, an empty file, a damaged zip member, malformed XML) is a problem
"X is not a readable .xlsx workbook: reason", never a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from vstudy.data import atomic, limits, schemas
from vstudy.data import manifest as manifest_
from vstudy.data.problems import Problem

MANIFEST_SHEET = "manifest"
COLUMNS_SHEET = "columns"
INSTRUCTIONS_SHEET = "instructions"
TABLE_SHEETS = schemas.CONTRACT_TABLES  # sheet name = table name = schema name
MANIFEST_KEYS = ("id", *manifest_.TITLE_KEYS.values(), "period_start", "period_end", "period_label", "scheme",
                 "synthetic", "description")
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
    columns_header: list[str] = field(default_factory=list)  # the columns sheet's header (where source, ref_period)

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


class _Refused(Exception):
    """A workbook that cannot be read on: the problem is recorded, reading stops."""


def _refuse(content: Content, reason: str, rule: str = "workbook", sheet: str | None = None,
            row: int | None = None, cell: str | None = None) -> _Refused:
    content.problems.append(Problem(content.name, row, None, None, rule, reason, sheet=sheet, cell=cell))
    return _Refused(reason)


def _open(path: Path, content: Content):
    """The workbook opened read-only (streaming) once its size and its zip directory are within the limits.

    Nothing is decompressed before the sizes the archive declares are checked (a part never yields more than its
    declared size), so a zip bomb or a sheet of a million rows is refused before it costs memory.
    """
    import openpyxl

    from vstudy.data import manifest

    unreadable = f"{content.name} is not a readable .xlsx workbook"
    try:
        data = manifest.read_file(path, limits.MAX_WORKBOOK_BYTES)
    except manifest.Refused as exc:
        rule = exc.rule if exc.rule in ("file_size", "file_kind", "missing_file") else "workbook"
        raise _refuse(content, f"{unreadable}: {exc}", rule) from None
    if not data:
        raise _refuse(content, f"{unreadable}: the file is empty")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse(content, f"{unreadable}: it is not a zip archive (an .xlsx file is one; was a text or CSV "
                      "file saved with the .xlsx extension?)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(content, f"{unreadable}: the zip archive is damaged ({exc})") from None
    if len(infos) > limits.MAX_WORKBOOK_PARTS:
        raise _refuse(content, f"{unreadable}: the archive has {len(infos):,} parts; the limit is "
                      f"{limits.MAX_WORKBOOK_PARTS:,}", "workbook_size")
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels")) and info.file_size > limits.MAX_WORKBOOK_PART_BYTES:
            raise _refuse(content, f"the workbook's part {info.filename[:80]!r} is {info.file_size:,} bytes once "
                          f"uncompressed; the limit is {limits.MAX_WORKBOOK_PART_BYTES:,} (a filled template is "
                          "far smaller: does a sheet hold stray data far below or right of the table?)",
                          "workbook_size")
    total = sum(info.file_size for info in infos)
    if total > limits.MAX_WORKBOOK_UNCOMPRESSED:
        raise _refuse(content, f"the workbook is {total:,} bytes once uncompressed; the limit is "
                      f"{limits.MAX_WORKBOOK_UNCOMPRESSED:,}", "workbook_size")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything for a damaged file: each is a problem
        raise _refuse(content, f"{unreadable}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    kind = {"BadZipFile": "a damaged zip member", "error": "a damaged zip member (zlib)",
            "ParseError": "malformed XML", "XMLSyntaxError": "malformed XML",
            "KeyError": "a part the workbook needs is missing"}.get(type(exc).__name__, type(exc).__name__)
    return f"{kind}: {text}" if text else kind


def _parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        """openpyxl's streaming sheet parser, marking formula cells that carry no saved value."""

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            # No <v>, or an empty <v/> that is not a text result (Excel saves an empty text result as
            # t="str" with an empty <v>; openpyxl and other libraries save <v/> for a formula they did not compute).
            saved = element.find(VALUE_TAG)
            cell["no_value_formula"] = element.find(FORMULA_TAG) is not None and (
                saved is None or (not saved.text and element.get("t") != "str"))
            return cell

    return Parser


def _rows(wb, ws, content: Content, max_rows: int):
    """Stream a sheet: (row number, {column index (0-based): cell}) for each row that holds a value.

    Reading stops past ``max_rows`` rows with values after the first (the header) or at a value right of
    :data:`limits.MAX_COLUMNS`; a formula cell without a saved value, or a text longer than
    :data:`limits.MAX_CELL_CHARS`, is a problem naming the cell.
    """
    from openpyxl.utils import get_column_letter

    parser_class = _parser_class()
    seen = 0
    with ws._get_source() as src:  # the read-only sheet's XML (openpyxl pinned in the lock file)
        parser = parser_class(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                              date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for row_no, cells in parser.parse():
            out = {}
            for cell in cells:
                ref = f"{get_column_letter(min(cell['column'], 16384))}{row_no}"
                if cell["no_value_formula"]:
                    content.problems.append(Problem(
                        content.name, row_no, None, None, "formula_without_value",
                        f"cell {ref} holds a formula with no saved value (the workbook was written by a program "
                        "that does not compute formulas): open and save it in Excel or LibreOffice, or type the "
                        "value", sheet=ws.title, cell=ref))
                    continue
                if cell["value"] is None or cell["value"] == "":
                    continue
                if cell["column"] > limits.MAX_COLUMNS:
                    raise _refuse(content, f"a value in cell {ref}, right of the limit of {limits.MAX_COLUMNS} "
                                  "columns: delete what lies right of the table", "column_limit", ws.title,
                                  row_no, ref)
                if isinstance(cell["value"], str) and len(cell["value"]) > limits.MAX_CELL_CHARS:
                    content.problems.append(Problem(
                        content.name, row_no, None, None, "cell_size",
                        f"the cell has {len(cell['value']):,} characters; the limit is {limits.MAX_CELL_CHARS:,}",
                        sheet=ws.title, cell=ref))
                    continue
                out[cell["column"] - 1] = cell
            if not out:
                continue
            seen += 1
            if seen > max_rows + 1:
                raise _refuse(content, f"the sheet has more than {max_rows:,} rows of data (reading stopped at row "
                              f"{row_no}); the limit for this sheet is {max_rows:,}", "row_limit", ws.title, row_no)
            yield row_no, out


def _values(wb, cells: dict, width: int, percent: dict[int, bool] | None = None) -> list[str]:
    """The texts of a row's cells 0..width-1 (empty where no cell)."""
    out = []
    for i in range(width):
        cell = cells.get(i)
        if cell is None:
            out.append("")
            continue
        number_format = _number_format(wb, cell["style_id"]) if percent and percent.get(i) else ""
        out.append(_cell_text(cell["value"], number_format, bool(percent and percent.get(i))))
    return out


def _number_format(wb, style_id: int) -> str:
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    fmt_id = wb._cell_styles[style_id].numFmtId
    if fmt_id < BUILTIN_FORMATS_MAX_SIZE:
        return BUILTIN_FORMATS.get(fmt_id, "General")
    return wb._number_formats[fmt_id - BUILTIN_FORMATS_MAX_SIZE]


def read(path: str | Path) -> Content:
    """Read a filled workbook; unreadable files, missing sheets and sizes past the limits are problems, never
    exceptions (:mod:`vstudy.data.limits`)."""
    path = Path(path)
    content = Content(name=path.name, manifest={})
    try:
        wb = _open(path, content)
    except _Refused:
        return content
    try:
        _read(wb, content)
    except _Refused:
        pass
    except Exception as exc:  # noqa: BLE001 - a damaged part shows only while it is streamed
        content.problems.append(Problem(content.name, None, None, None, "workbook",
                                        f"{content.name} is not a readable .xlsx workbook: {_reason(exc)}"))
    finally:
        wb.close()
    return content


def _read(wb, content: Content) -> None:
    missing = [s for s in (MANIFEST_SHEET, "regional") if s not in wb.sheetnames]
    if missing:
        shown = ", ".join(name[:40] for name in wb.sheetnames[:20])
        content.problems.append(Problem(content.name, None, None, None, "workbook",
                                        f"sheet(s) {', '.join(missing)} missing (sheets: {shown}); "
                                        "start from `vstudy template`"))
        return

    # The manifest sheet: key in column A, value in column B.
    values: dict[str, str] = {}
    for row_no, cells in _rows(wb, wb[MANIFEST_SHEET], content, limits.MAX_SHEET_ROWS_MANIFEST):
        if row_no == 1 or 0 not in cells:
            continue
        key, value = _values(wb, cells, 2)
        values[key] = value
        content.manifest_rows[key] = row_no
    synthetic = values.get("synthetic", "")
    manifest: dict = {k: values[k] for k in ("id", *manifest_.TITLE_KEYS.values(), "scheme", "description")
                      if values.get(k)}
    manifest["period"] = {"start": values.get("period_start", ""), "end": values.get("period_end", ""),
                          "label": values.get("period_label", "")}
    manifest["synthetic"] = {"true": True, "false": False, "yes": True, "no": False}.get(synthetic.lower(), synthetic)

    # The columns sheet: the source and reference period of each value column.
    declared: dict[str, dict[str, dict[str, str]]] = {}
    if COLUMNS_SHEET in wb.sheetnames:
        pos: dict[str, int] = {}
        width = 0
        for row_no, cells in _rows(wb, wb[COLUMNS_SHEET], content, limits.MAX_SHEET_ROWS_COLUMNS):
            if not pos:
                width = max(cells) + 1
                header = _values(wb, cells, width)
                pos = {h: i for i, h in reversed(list(enumerate(header)))}
                content.columns_header = header
                if "table" not in pos or "column" not in pos:
                    break
                continue
            row = _values(wb, cells, width)
            table, column = row[pos["table"]], row[pos["column"]]
            if not table or not column:
                continue
            entry = {k: row[pos[k]] for k in ("source", "ref_period") if k in pos and row[pos[k]]}
            if entry:
                declared.setdefault(table, {})[column] = entry
            content.column_rows[(table, column)] = row_no

    tables: dict = {}
    for table in TABLE_SHEETS:
        if table not in wb.sheetnames:
            continue
        schema = schemas.RAW[table]
        header: list[str] | None = None
        percent: dict[int, bool] = {}
        records = []
        for row_no, cells in _rows(wb, wb[table], content, schema.max_rows):
            if header is None:
                header = _values(wb, cells, max(cells) + 1)
                while header and header[-1] == "":
                    header.pop()
                percent = {i: h in schema.names and schema.column(h).percent for i, h in enumerate(header)}
                continue
            row = _values(wb, cells, len(header), percent)
            if any(row):
                records.append((row_no, row))
        if header is None:
            continue
        content.tables[table] = Sheet(header, records)
        tables[table] = {"file": content.label(table), "schema": table, "columns": declared.get(table, {})}
    manifest["tables"] = tables
    content.manifest = manifest


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
                                       **_columns_sheet_words(problem, content, table, row,
                                                              message.split(": ", 1)[-1]))
        key = {"period": "period_start"}.get(str(problem.column), str(problem.column).replace(".", "_"))
        row = content.manifest_rows.get(key)
        return dataclasses.replace(problem, file=content.name, sheet=MANIFEST_SHEET, row=row,
                                   column=key if row is not None else problem.column,
                                   cell=f"B{row}" if row is not None else None)
    return problem


def _columns_sheet_words(problem: Problem, content: Content, table: str, row: int | None, message: str) -> dict:
    """A declaration problem said in the spreadsheet's terms: the cell of the columns sheet to fill (a manifest's
    YAML advice means nothing in a workbook)."""
    field_ = {"column_source": "source", "ref_period": "ref_period"}.get(problem.rule)
    if field_ is None:
        return {"message": message}
    column = str(problem.column)
    if row is None:
        return {"message": f"{column} of sheet {table!r} has values but no row on sheet {COLUMNS_SHEET!r}: add a row "
                           f"with table {table}, column {column} and its {field_} (every number needs its "
                           "provenance)"}
    cell = (f"{_letter(content.columns_header.index(field_))}{row}" if field_ in content.columns_header else None)
    if problem.rule == "column_source":
        message = (f"{column} has values on sheet {table!r} but no source: fill cell {cell or field_} of sheet "
                   f"{COLUMNS_SHEET!r} (every number needs its provenance)")
    return {"message": message, "cell": cell}


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
