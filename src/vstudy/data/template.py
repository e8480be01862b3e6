"""``vstudy template``: a ready dataset to fill, as a directory of CSV files and as one ``.xlsx`` workbook.

``vstudy template --scheme kz2022 --out mydata [--start 2023-01-01 --end 2023-12-31]`` writes::

    mydata/manifest.yml              the manifest: period, scheme, tables, each column's source and ref_period
    mydata/regional.csv              one row per unit of the scheme (code, names in ru/kk/en); the official
                                     indicators pre-filled, the front offices' columns empty
    mydata/events_by_direction.csv   one row per unit × direction, events_count empty
    mydata/mydata.xlsx               the same as a workbook: instructions (ru/kk/en), manifest, columns, regional,
                                     events_by_direction; number validation on value cells; name cells locked

With a period, every official column the repository can source for it (:func:`vstudy.data.prefill.official_values`:
the Bureau's figures extracted from the originals kept in ``data/raw/official``) is pre-filled for every unit, with
its ``source`` and ``ref_period`` declared in the manifest and on the workbook's ``columns`` sheet; a column the
repository cannot source stays empty and the ``columns`` sheet says why. A researcher fills the front offices'
columns: volunteers (each breakdown as counts in the ``_count`` columns or as shares in the ``_pct`` columns),
organisations, events, hours.

Fill either the CSV files or the workbook; ``vstudy validate --data mydata`` (or ``--data mydata/mydata.xlsx``)
lists what is missing or inconsistent. The columns are those of :mod:`vstudy.data.schemas` (``regional``,
``events_by_direction``); the region names come from the gazetteer (:mod:`vstudy.data.regions`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from vstudy import i18n
from vstudy.data import atomic, indicators, prefill, regions, schemas, workbook
from vstudy.data.manifest import TITLE_KEYS
from vstudy.vocab import DIRECTIONS, SCHEMES

# The study's words for the person who fills the template — the instructions, the notes of the manifest sheet, the
# column labels in ru/kk/en, the manifest's comments — are the catalogue messages template.* (vstudy.i18n,
# src/vstudy/i18n/catalogues/<lang>/template.yml); names of sheets, columns and commands are facts given here.
LANGS: tuple[str, ...] = ("ru", "kk", "en")  # the order of the workbook's instructions and of joined notes
# The Birgemiz lines of events: their own names, the same in every language (the direction messages take them).
PROGRAMMES: dict[str, str] = {
    "taza_alem": "Birgemiz: Taza Álem", "qamqor": "Birgemiz: Qamqor", "sayluq": "Birgemiz: Saýlyq",
    "bilim": "Birgemiz: Bilim", "umit_emergency": "Birgemiz: Úmit", "ayala": "Birgemiz: Ayala",
    "asyl_mura": "Birgemiz: Asyl Mura", "sabaqtastyq": "Birgemiz: Sabaqtastyq",
}
INSTRUCTIONS: tuple[str, ...] = ("dataset", "regional", "breakdowns", "official", "directions", "columns", "manifest",
                                 "check")
NOTE = "note"  # the columns sheet's column that says what to do with each column (pre-filled, to fill, why empty)
_LAST_COUNT = schemas.CONTRACT_VALUE_COLUMNS.index(schemas.CONTRACT_BREAKDOWN_COUNTS[-1]) + 1
# The value columns of the template's regional table: the front offices' counts, each breakdown as counts or as
# shares in separate _pct columns (a spreadsheet validates each kind as it is: whole numbers, percentages 0–100),
# then the official indicators.
REGIONAL_COLUMNS: tuple[str, ...] = (*schemas.CONTRACT_VALUE_COLUMNS[:_LAST_COUNT], *schemas.CONTRACT_BREAKDOWN_PCTS,
                                     *schemas.CONTRACT_VALUE_COLUMNS[_LAST_COUNT:])


def column_label(column: str, lang: str, table: str = "regional") -> str:
    """The label of a value column of the template in ``lang`` ("" for a column without one)."""
    key = "direction_events" if table == "events_by_direction" else column
    if column in schemas.CONTRACT_BREAKDOWN_PCTS:
        counted = column_label(column.removesuffix("_pct") + "_count", lang, table)
        return i18n.text(lang, "template.share_of", label=counted)
    msg_id = f"template.columns.{key}"
    return i18n.text(lang, msg_id) if i18n.has(lang, msg_id) else ""


def direction_label(direction: str, lang: str) -> str:
    """A direction of events in ``lang`` (a Birgemiz line by its own name)."""
    return i18n.text(lang, f"template.directions.{direction}", programme=PROGRAMMES.get(direction, ""))


def instructions(lang: str, scheme: str, name: str) -> list[str]:
    """The instructions sheet's lines in ``lang``: its title first."""
    facts = {
        "scheme": scheme, "n": SCHEMES[scheme], "total": "volunteers_count", "count_suffix": "_count",
        "pct_suffix": "_pct", "column": "accepted_ref_period", "source": "source", "ref_period": "ref_period",
        "command": f"vstudy validate --data {name}", "note": NOTE,
    }
    sheets = {"regional": "regional", "official": workbook.COLUMNS_SHEET, "directions": "events_by_direction",
              "columns": workbook.COLUMNS_SHEET, "manifest": workbook.MANIFEST_SHEET}
    return [i18n.text(lang, "template.instructions.title"),
            *(i18n.text(lang, f"template.instructions.{key}", sheet=sheets.get(key, ""), **facts)
              for key in INSTRUCTIONS)]


def _joined(msg_id: str, **facts: object) -> str:
    """One message in every language of the template, joined with " / " (cells and notes read by anyone)."""
    return " / ".join(i18n.text(lang, msg_id, **facts) for lang in ("en", "ru", "kk"))


def period_label(start: dt.date, end: dt.date) -> str:
    """2023 for a calendar year, 2023-H1 / 2023-H2 for its halves, else start..end."""
    if start.year == end.year and (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31):
        return str(start.year)
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (7, 1, 12, 31):
        return f"{start.year}-H2"
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 6, 30):
        return f"{start.year}-H1"
    return f"{start.isoformat()}..{end.isoformat()}"


def _ref_period(column: str, year: int | None) -> str:
    """The reference period a template proposes for a column (the latest accepted one), or '' without a period."""
    spec = indicators.BY_CONTRACT.get(column)
    if spec is None or year is None:
        return ""
    if spec.period.startswith("latest<=Y:"):
        return f"{year}-Q4" if "-Q4" in spec.period else str(year)
    return indicators.describe_period(spec.period, year)


def column_note(table: str, column: str, scheme: str, year: int | None, fill: prefill.Prefill | None) -> str:
    """What the columns sheet says of a column in every language: to fill, pre-filled, or why it stays empty."""
    if indicators.BY_CONTRACT.get(column) is None or table != "regional":
        return _joined("template.note.front_office")
    if fill is None or year is None:
        return _joined("template.note.no_period", command="vstudy template --start YYYY-MM-DD --end YYYY-MM-DD")
    if column in fill.declarations:
        return _joined("template.note.prefilled", ref_period=fill.declarations[column]["ref_period"])
    held = fill.held.get(column, [])
    if not held:
        return _joined("template.note.no_original")
    return _joined("template.note.other_periods", periods=held, wanted=_ref_period(column, year), scheme=scheme)


def column_rows(year: int | None, scheme: str | None = None, fill: prefill.Prefill | None = None
                ) -> list[dict[str, str]]:
    """One row per value column of the contract: what the columns sheet and the manifest comments say (with
    ``fill``, the source and reference period of each pre-filled column, and a note on every column)."""
    fill_decl = fill.declarations if fill is not None else {}
    rows = []
    for table in schemas.CONTRACT_TABLES:
        schema = schemas.RAW[table]
        for col in _template_value_columns(table):
            c = schema.column(col)
            spec = indicators.BY_CONTRACT.get(col)
            rows.append({
                "table": table, "column": col, "unit": c.unit, "label_ru": column_label(col, "ru", table),
                "label_kk": column_label(col, "kk", table),
                "description_en": c.description,
                "accepted_ref_period": (spec.accepted(year) if year else indicators.describe_period(spec.period))
                if spec else i18n.text("en", "template.dataset_period"),
                "source": fill_decl.get(col, {}).get("source", "") if table == "regional" else "",
                "ref_period": (fill_decl[col]["ref_period"] if table == "regional" and col in fill_decl
                               else _ref_period(col, year)),
                NOTE: column_note(table, col, scheme, year, fill) if scheme else "",
            })
    return rows


def _template_value_columns(table: str) -> list[str]:
    if table == "regional":
        return list(REGIONAL_COLUMNS)
    return ["events_count"]


def regional_rows(scheme: str, fill: prefill.Prefill | None = None) -> tuple[list[str], list[list[str]]]:
    """The regional table: one row per unit, the pre-filled official values (text as the series stores them)."""
    units = regions.units(scheme)
    values = fill.values if fill is not None else {}
    header = ["region_code", *schemas.REGION_NAME_COLUMNS, *REGIONAL_COLUMNS]
    rows = [[u.code, u.name_ru, u.name_kk, u.name_en] + [values.get(c, {}).get(u.code, "") for c in REGIONAL_COLUMNS]
            for u in units.itertuples()]
    return header, rows


def direction_rows(scheme: str) -> tuple[list[str], list[list[str]]]:
    units = regions.units(scheme)
    header = ["region", *schemas.REGION_NAME_COLUMNS, "direction", "direction_label_ru", "direction_label_kk",
              "direction_label_en", "events_count"]
    rows = [[u.code, u.name_ru, u.name_kk, u.name_en, d, *(direction_label(d, lang) for lang in LANGS), ""]
            for u in units.itertuples() for d in DIRECTIONS]
    return header, rows


def dataset_title(scheme: str, label: str, lang: str = "en") -> str:
    """The manifest's title in ``lang`` (``title`` in English, ``title_ru``, ``title_kk``: each edition shows its
    own, :func:`vstudy.data.manifest.title_in`; the placeholder PERIOD without a period)."""
    return i18n.text(lang, "template.title", label=label or "PERIOD", scheme=scheme)


def _yaml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def manifest_text(scheme: str, dataset_id: str, start: dt.date | None, end: dt.date | None, name: str,
                  fill: prefill.Prefill | None = None) -> str:
    """The manifest, commented for the person who fills it (the pre-filled columns' source and ref_period given)."""
    year = start.year if start else None
    label = period_label(start, end) if start and end else ""
    files = {"regional": "regional.csv", "events_by_direction": "events_by_direction.csv"}
    header = {"scheme": scheme, "n": SCHEMES[scheme], "regional": files["regional"],
              "directions": files["events_by_direction"], "command": f"vstudy validate --data {name}",
              "workbook": f"{name}.xlsx"}
    lines = [f"# {line}".rstrip() for lang in ("en", "ru", "kk")
             for line in i18n.text(lang, "template.manifest.header", **header).split("\n")]
    lines += [
        f"id: {dataset_id}",
        *(f"{key}: {_yaml_str(dataset_title(scheme, label, lang))}" for lang, key in TITLE_KEYS.items()),
        "period:",
        f"  start: {start.isoformat() if start else 'YYYY-MM-DD'}   # {i18n.text('en', 'template.manifest.start')}",
        f"  end: {end.isoformat() if end else 'YYYY-MM-DD'}     # {i18n.text('en', 'template.manifest.end')}",
        f"  label: {_yaml_str(label or 'PERIOD')}",
        f"scheme: {scheme}",
        "synthetic: false",
        "tables:",
    ]
    rows = column_rows(year, scheme, fill)
    for table in schemas.CONTRACT_TABLES:
        lines += [f"  {table}:", f"    file: {files[table]}", f"    schema: {table}",
                  "    columns:  # " + i18n.text("en", "template.manifest.columns", source="source",
                                               ref_period="ref_period")]
        for r in (r for r in rows if r["table"] == table):
            entry = f"source: {_yaml_str(r['source'])}" + (f", ref_period: {_yaml_str(r['ref_period'])}"
                                                  if indicators.BY_CONTRACT.get(r["column"]) else "")
            note = i18n.text("en", "template.manifest.column", unit=r["unit"], period=r["accepted_ref_period"])
            lines.append(f"      {r['column']}: {{{entry}}}  # {note}")
    return "\n".join(lines) + "\n"


def write_template(scheme: str, out: str | Path, start: dt.date | None = None, end: dt.date | None = None,
                   dataset_id: str | None = None, official: bool = True) -> list[Path]:
    """Write the directory (manifest, regional.csv, events_by_direction.csv) and its workbook; return the paths.

    With a period (and ``official``), the official columns the repository can source are pre-filled.
    """
    regions.check_scheme(scheme)
    out = Path(out)
    name = out.name
    dataset_id = dataset_id or f"{name}_{scheme}".replace("-", "_")
    fill = prefill.official_values(scheme, start) if start is not None and official else None
    reg_header, reg_rows = regional_rows(scheme, fill)
    dir_header, dir_rows = direction_rows(scheme)
    written = []
    for rel, text_ in (("manifest.yml", manifest_text(scheme, dataset_id, start, end, name, fill)),
                       ("regional.csv", workbook.csv_text(reg_header, reg_rows)),
                       ("events_by_direction.csv", workbook.csv_text(dir_header, dir_rows))):
        atomic.write_text_atomic(out / rel, text_)
        written.append(out / rel)
    xlsx = out / f"{name}.xlsx"
    write_workbook(xlsx, scheme, dataset_id, start, end, fill)
    written.append(xlsx)
    mask = os.umask(0)
    os.umask(mask)
    for path in written:  # files for people to edit: the usual permissions, not those of a temporary file
        path.chmod(0o666 & ~mask)
    return written


# ---------------------------------------------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------------------------------------------

_GREY = "E7E6E6"
_HEADER = "D9E1F2"


def write_workbook(path: str | Path, scheme: str, dataset_id: str, start: dt.date | None = None,
                   end: dt.date | None = None, fill: prefill.Prefill | None = None) -> Path:
    """The template as one workbook (see :mod:`vstudy.data.workbook` for its sheets); ``fill``: the pre-filled
    official values (numbers in their cells), their declarations and the notes of the columns sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    year = start.year if start else None
    label = period_label(start, end) if start and end else ""
    wb = Workbook()
    grey = PatternFill("solid", fgColor=_GREY)
    blue = PatternFill("solid", fgColor=_HEADER)
    bold = Font(bold=True)
    unlocked = Protection(locked=False)

    def protect(ws) -> None:
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # widths may change
        ws.protection.formatRows = False
        ws.protection.autoFilter = False

    # Instructions, in Russian, Kazakh and English.
    ws = wb.active
    ws.title = workbook.INSTRUCTIONS_SHEET
    row = 1
    for lang in LANGS:
        title, *lines = instructions(lang, scheme, path.name)
        ws.cell(row, 1, title).font = Font(bold=True, size=13)
        row += 1
        for line in lines:
            cell = ws.cell(row, 1, line)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
        row += 1
    ws.column_dimensions["A"].width = 120

    # The manifest, key / value.
    ws = wb.create_sheet(workbook.MANIFEST_SHEET)
    values = {
        "id": dataset_id, **{key: dataset_title(scheme, label, lang) for lang, key in TITLE_KEYS.items()},
        "period_start": start.isoformat() if start else "", "period_end": end.isoformat() if end else "",
        "period_label": label, "scheme": scheme, "synthetic": "false", "description": "",
    }
    note_facts = {"example": "2023, 2023-H2", "scheme": scheme, "n": SCHEMES[scheme], "yes": "true"}
    notes = {key: _joined(f"template.notes.{key}", **note_facts) for key in workbook.MANIFEST_KEYS}
    for j, h in enumerate(("key", "value", _joined("template.notes.header")), start=1):
        ws.cell(1, j, h).font = bold
        ws.cell(1, j).fill = blue
    for i, key in enumerate(workbook.MANIFEST_KEYS, start=2):
        ws.cell(i, 1, key).fill = grey
        value = ws.cell(i, 2, values[key])
        if key != "scheme":
            value.protection = unlocked
        else:
            value.fill = grey
        ws.cell(i, 3, notes[key]).fill = grey
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 90
    protect(ws)

    # Column declarations: source and reference period to fill.
    ws = wb.create_sheet(workbook.COLUMNS_SHEET)
    rows = column_rows(year, scheme, fill)
    header = ["table", "column", "unit", "label_ru", "label_kk", "description_en", "accepted_ref_period",
              "source", "ref_period", NOTE]
    for j, h in enumerate(header, start=1):
        ws.cell(1, j, h).font = bold
        ws.cell(1, j).fill = blue
    for i, r in enumerate(rows, start=2):
        for j, h in enumerate(header, start=1):
            cell = ws.cell(i, j, r[h] or None)
            if h in ("source", "ref_period"):
                cell.protection = unlocked
            else:
                cell.fill = grey
    for j, width in enumerate((20, 34, 16, 40, 40, 70, 40, 50, 14, 90), start=1):
        ws.column_dimensions[ws.cell(1, j).column_letter].width = width
    ws.freeze_panes = "C2"
    protect(ws)

    # The tables.
    value_validation = {
        "int": lambda lo: DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(int(lo or 0))),
        "float": lambda lo: DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=str(lo or 0)),
        "pct": lambda lo: DataValidation(type="decimal", operator="between", formula1="0", formula2="100"),
    }
    for table, (hdr, body) in (("regional", regional_rows(scheme, fill)),
                               ("events_by_direction", direction_rows(scheme))):
        ws = wb.create_sheet(table)
        schema = schemas.RAW[table]
        value_cols = set(_template_value_columns(table))
        for j, h in enumerate(hdr, start=1):
            cell = ws.cell(1, j, h)
            cell.font = bold
            cell.fill = blue if h in value_cols else grey
            col = schema.column(h)
            labels_ = (column_label(h, lang, table) for lang in ("ru", "kk")) if h in value_cols else ()
            text_ = " / ".join(x for x in (col.description, *labels_) if x) + (f" [{col.unit}]" if col.unit else "")
            if h not in value_cols:
                text_ += " — " + _joined("template.locked")
            cell.comment = Comment(text_, "vstudy")  # headers stay locked: a share has its own _pct column
        for i, values_ in enumerate(body, start=2):
            for j, (h, v) in enumerate(zip(hdr, values_, strict=True), start=1):
                cell = ws.cell(i, j, _cell_value(schema.column(h), v) if h in value_cols else (v if v != "" else None))
                if h in value_cols:
                    cell.protection = unlocked
                else:
                    cell.fill = grey
        last = len(body) + 1
        for j, h in enumerate(hdr, start=1):
            if h not in value_cols:
                continue
            col = schema.column(h)
            kind = "pct" if col.percent else col.dtype
            dv = value_validation[kind](col.min)
            dv.error = _joined("template.validation_pct" if kind == "pct" else "template.validation")
            dv.errorTitle = "vstudy"
            dv.showErrorMessage = True
            dv.allow_blank = True
            letter = ws.cell(1, j).column_letter
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
            ws.column_dimensions[letter].width = max(12, min(30, len(h) + 2))
        for j, h in enumerate(hdr, start=1):
            if h not in value_cols:
                ws.column_dimensions[ws.cell(1, j).column_letter].width = 24 if "name" in h or "label" in h else 12
        ws.freeze_panes = ws.cell(2, 1 + sum(1 for h in hdr if h not in value_cols)).coordinate
        protect(ws)

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic.atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _cell_value(column: schemas.Column, value: str) -> int | float | None:
    """A pre-filled value as the number a spreadsheet holds (None for an empty cell)."""
    if value == "":
        return None
    number = float(value)
    return int(number) if column.dtype == "int" and number.is_integer() else number


# ---------------------------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------------------------


def _cmd_template(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() in workbook.SUFFIXES:
        print(f"vstudy template: --out is a directory (the workbook is written inside it as "
              f"{out.stem}/{out.stem}.xlsx)", file=sys.stderr)
        return 2
    if (out.exists() or out.is_symlink()) and not out.is_dir():
        print(f"vstudy template: --out {out} is a file, not a folder; give a new folder", file=sys.stderr)
        return 2
    if out.exists() and any(out.iterdir()) and not args.force:
        print(f"vstudy template: {out} exists and is not empty; choose a new directory (or --force to overwrite "
              "the template files in it)", file=sys.stderr)
        return 2
    try:
        start = dt.date.fromisoformat(args.start) if args.start else None
        end = dt.date.fromisoformat(args.end) if args.end else None
    except ValueError as exc:
        print(f"vstudy template: --start/--end must be YYYY-MM-DD ({exc})", file=sys.stderr)
        return 2
    if (start is None) != (end is None) or (start and end and start > end):
        print("vstudy template: give both --start and --end, start not after end", file=sys.stderr)
        return 2
    try:
        written = write_template(args.scheme, out, start, end, args.id)
    except OSError as exc:  # a read-only folder, a full disk, a file where a folder is needed
        import errno

        condition = {errno.ENOSPC: "no space left on the device", errno.EROFS: "the file system is read-only",
                     errno.EACCES: "permission denied (read-only?)", errno.ENOTDIR: "a file stands in the way",
                     errno.EEXIST: "a file stands in the way"}.get(exc.errno, exc.strerror or str(exc))
        print(f"vstudy template: cannot write {out}: {condition}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    filled = "the official columns the repository holds for the period are pre-filled with their source; " \
        if start is not None else ""
    print(f"Fill {out}/regional.csv and events_by_direction.csv (or {written[-1].name}): {filled}fill the front "
          f"offices' columns and declare their source in the manifest (or the columns sheet), then: "
          f"vstudy validate --data {out}", file=sys.stderr)
    return 0
