"""Official regional statistics: ``data/raw/official/indicators.csv`` extracted from the spreadsheets it cites.

The official tables the study uses are kept under ``data/raw/official/originals/`` (copies of the files the
open-data-kazakhstan project republishes from the Bureau of National Statistics; checksums and licences in
``source.yml``). ``extraction.yml`` names, per indicator and period, the sheet, the value column and the rows;
this module reads those cells, resolves each row label to a unit of the gazetteer, and writes one row per value
with the cell reference in ``location``. Values that come from web pages, news items or files that cannot be
redistributed are kept in ``transcribed.csv`` and copied in the order ``extraction.yml`` gives.

    python -m vstudy.data.official            # rewrite indicators.csv and series.csv
    python -m vstudy.data.official --check    # exit 1 (and say where) when either differs from a re-extraction

``indicators.csv`` holds the values the 2021 study reads. ``series.csv`` holds every year the kept originals cover
(the ``series`` blocks of ``extraction.yml``), one row per region, indicator and reference period, with the
territory the value describes (``kz2021``, ``kz2022`` or ``both`` for the units whose borders did not change in
2022); ``vstudy template`` pre-fills a new dataset's official columns from it.

Nothing is rounded, estimated or imputed: a cell holding "-" or nothing is the source's "no data" and yields no
row; a label that resolves to no unit, or a value that is not a number, stops the extraction with the file,
sheet, cell and label.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from vstudy.data import parsing, paths, regions
from vstudy.data.atomic import write_text_atomic

COLUMNS = ("region_as_published", "indicator", "value", "unit", "ref_period", "source_id", "location", "preferred",
           "note")
SERIES_COLUMNS = ("region_code", "region_as_published", "indicator", "value", "unit", "ref_period", "territory",
                  "source_id", "location", "note")
# Units whose territory differs between the schemes (KZ-19, KZ-35, KZ-63 lost land to the three created in 2022).
CHANGED_2022 = frozenset({"KZ-19", "KZ-35", "KZ-63"})
CREATED_2022 = frozenset({"KZ-10", "KZ-33", "KZ-62"})
NATIONAL = "KZ"
_FOOTNOTE = re.compile(r"\s*(\d\)?|\*+)\s*$")  # "Туркестанская 1", "Туркестанская2)", "Туркестанская**"


class ExtractionError(ValueError):
    """A cell or label the extraction cannot use; the message names file, sheet, cell and label."""


@dataclass(frozen=True)
class Cell:
    label: str
    raw: object  # the cell as stored (int, float or text)
    ref: str  # 'sheet'!A1
    row: int


def official_dir() -> Path:
    return paths.raw_dir() / "official"


def _column_index(letters: str) -> int:
    """0-based index of a spreadsheet column ("A" → 0, "BE" → 56)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - ord("A") + 1
    return n - 1


def _read_cells(path: Path, sheet: str, column: str, label_column: str, first: int, last: int) -> list[Cell]:
    """Label and value cells of rows ``first``..``last`` (1-based) of a sheet (:func:`_read_grid`)."""
    col, lab = _column_index(column), _column_index(label_column)
    out = []
    for r, values in _read_grid(path, sheet, first, last):
        label = values[lab] if lab < len(values) else None
        raw = values[col] if col < len(values) else None
        out.append(Cell("" if label is None else str(label).strip(), raw, f"'{sheet}'!{column}{r}", r))
    return out


def _number(cell: Cell, where: str) -> float | None:
    """The cell's number; None for the source's "no data" ("-" or empty)."""
    if cell.raw is None or isinstance(cell.raw, bool):
        return None
    if isinstance(cell.raw, int | float):
        return float(cell.raw)
    text = str(cell.raw).strip()
    if text in ("", "-", "–", "—", "…", "x", "х"):
        return None
    try:
        return float(parsing.parse_number(text, integer=re.fullmatch(r"[\d\s\u00a0]+", text) is not None))
    except ValueError as exc:
        raise ExtractionError(f"{where} {cell.ref} (row label {cell.label!r}): {exc}") from exc


def _code(label: str, labels: dict[str, str], where: str, ref: str) -> str:
    if label in labels:
        return labels[label]
    name = _FOOTNOTE.sub("", label)
    if regions.is_national(name):
        return NATIONAL
    code = regions.try_resolve(name, "kz2022")
    if code is None:
        raise ExtractionError(f"{where} {ref}: row label {label!r} resolves to no unit of the gazetteer; add it to "
                              "`labels` of this block in extraction.yml")
    return code


def _format_value(value: float) -> str:
    """Shortest text of the value after rounding away binary noise (2407.4557910000003 → 2407.455791)."""
    value = round(value, 6)
    return str(int(value)) if value == int(value) else repr(value)


def _raw_text(raw: object) -> str:
    return repr(raw) if isinstance(raw, float) else str(raw)


def _name(code: str, names: dict[str, str]) -> str:
    if code in names:
        return names[code]
    return str(regions.name(code, "ru"))  # the gazetteer's Russian name (its cached index, not a frame per call)


def _extract_block(block: dict, base: Path, names: dict[str, str]) -> list[dict[str, str]]:
    spec = block["extract"]
    path = base / block["file"]
    where = f"{block['file']} sheet {block['sheet']!r}"
    first, last = (int(x) for x in str(block["rows"]).split("-"))
    labels = {str(k): str(v) for k, v in (block.get("labels") or {}).items()}
    notes = {str(k): str(v) for k, v in (block.get("notes") or {}).items()}
    rows, seen = [], {}
    for cell in _read_cells(path, block["sheet"], block["column"], block.get("label_column", "A"), first, last):
        value = _number(cell, where)
        if value is None:
            continue
        code = _code(cell.label, labels, where, cell.ref)
        if code in seen:
            raise ExtractionError(f"{where}: rows {seen[code]} and {cell.row} both resolve to {code}")
        seen[code] = cell.row
        rows.append({
            "region_as_published": _name(code, names), "indicator": spec["indicator"], "value": _format_value(value),
            "unit": spec["unit"], "ref_period": str(spec["ref_period"]), "source_id": spec["source_id"],
            "location": block["location"].format(label=cell.label, raw=_raw_text(cell.raw), cell=cell.ref),
            "preferred": "true", "note": notes.get(code, str(block.get("note") or "")),
        })
    if not rows:
        raise ExtractionError(f"{where} column {block['column']} rows {block['rows']}: no value found")
    return rows


def _read_grid(path: Path, sheet: str, first: int, last: int) -> list[tuple[int, list[object]]]:
    """Rows ``first``..``last`` (1-based) of a sheet as lists of cell values (.xlsx via openpyxl, .xls via xlrd)."""
    if not path.is_file():
        raise ExtractionError(f"{path.name}: file not found in {path.parent}")
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
        try:
            if sheet not in book.sheetnames:
                raise ExtractionError(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")
            return [(r, list(values)) for r, values in
                    enumerate(book[sheet].iter_rows(min_row=first, max_row=last, values_only=True), first)]
        finally:
            book.close()
    if path.suffix == ".xls":
        import xlrd

        book = xlrd.open_workbook(path)
        if sheet not in book.sheet_names():
            raise ExtractionError(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(book.sheet_names())})")
        sh = book.sheet_by_name(sheet)
        out = []
        for r in range(first, min(last, sh.nrows) + 1):
            out.append((r, [sh.cell_value(r - 1, c) if sh.cell_type(r - 1, c) in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_TEXT)
                            else None for c in range(sh.ncols)]))
        return out
    raise ExtractionError(f"{path.name}: not a spreadsheet (.xlsx or .xls)")


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _header_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else " ".join(str(value).split())


def _year_columns(block: dict, base: Path) -> dict[int, int]:
    """Column index → year of the value columns of a ``series`` block, read from its header row(s)."""
    path = base / block["file"]
    header_row = int(block["header_row"])
    pattern = re.compile(block.get("header", r"^(\d{4})$"))
    grid = dict(_read_grid(path, block["sheet"], header_row, int(block.get("subheader_row", header_row))))
    header = grid[header_row]
    if block.get("header_fill"):  # a year printed once over its quarter columns
        filled, last = [], None
        for value in header:
            last = value if value is not None else last
            filled.append(last)
        header = filled
    sub = grid.get(int(block["subheader_row"])) if "subheader_row" in block else None
    first_year = int(block.get("from_year", 0))
    out: dict[int, int] = {}
    for index, value in enumerate(header):
        match = pattern.match(_header_text(value))
        if not match:
            continue
        if sub is not None and _header_text(sub[index] if index < len(sub) else None) != block["subheader"]:
            continue
        year = int(match.group(1))
        if year >= first_year:
            out[index] = year
    if not out:
        raise ExtractionError(f"{block['file']} sheet {block['sheet']!r} row {header_row}: no year column matches "
                              f"{pattern.pattern!r}")
    return out


def territory(code: str, year: int, kz2022_from: int) -> str | None:
    """The scheme whose borders a value of ``code`` for ``year`` describes: ``both`` for an unchanged unit."""
    if code in CREATED_2022:
        return "kz2022" if year >= kz2022_from else None
    if code in CHANGED_2022:
        return "kz2022" if year >= kz2022_from else "kz2021"
    return "both"


def _extract_series(block: dict, base: Path, names: dict[str, str]) -> list[dict[str, str]]:
    spec = block["series"]
    path = base / block["file"]
    where = f"{block['file']} sheet {block['sheet']!r}"
    first, last = (int(x) for x in str(block["rows"]).split("-"))
    labels = {str(k): str(v) for k, v in (block.get("labels") or {}).items()}
    lab = _column_index(block.get("label_column", "A"))
    years = _year_columns(block, base)
    kz2022_from = int(block.get("kz2022_from_year", 2022))
    rows: list[dict[str, str]] = []
    seen: dict[tuple[str, int], int] = {}
    for r, values in _read_grid(path, block["sheet"], first, last):
        label = values[lab] if lab < len(values) else None
        label = "" if label is None else str(label).strip()
        for index, year in years.items():
            raw = values[index] if index < len(values) else None
            ref = f"'{block['sheet']}'!{_column_letters(index)}{r}"
            value = _number(Cell(label, raw, ref, r), where)
            if value is None:
                continue
            code = _code(label, labels, where, ref)
            scope = territory(code, year, kz2022_from)
            if scope is None:
                raise ExtractionError(f"{where} {ref}: {code} has a value for {year}, before it was created")
            if (code, year) in seen:
                raise ExtractionError(f"{where}: rows {seen[(code, year)]} and {r} both resolve to {code} for {year}")
            seen[(code, year)] = r
            rows.append({
                "region_code": code, "region_as_published": _name(code, names), "indicator": spec["indicator"],
                "value": _format_value(value), "unit": spec["unit"],
                "ref_period": str(spec["ref_period"]).format(year=year), "territory": scope,
                "source_id": spec["source_id"],
                "location": block["location"].format(label=label, raw=_raw_text(raw), cell=ref, year=year),
                "note": str(block.get("note") or ""),
            })
    if not rows:
        raise ExtractionError(f"{where} rows {block['rows']}: no value found")
    return rows


def extract_series(base: str | Path | None = None) -> list[dict[str, str]]:
    """Every row of series.csv: each year the originals hold (the ``series`` blocks of ``extraction.yml``)."""
    base = Path(base) if base is not None else official_dir()
    spec = yaml.safe_load((base / "extraction.yml").read_text(encoding="utf-8"))
    names = {str(k): str(v) for k, v in (spec.get("names") or {}).items()}
    rows: list[dict[str, str]] = []
    for block in spec.get("series") or []:
        rows += _extract_series(block, base, names)
    return rows


def _transcribed(base: Path) -> list[dict[str, str]]:
    path = base / "transcribed.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ExtractionError(f"transcribed.csv: header must be {', '.join(COLUMNS)}")
        return list(reader)


def extract(base: str | Path | None = None) -> list[dict[str, str]]:
    """Every row of indicators.csv, in order, from ``extraction.yml``, ``originals/`` and ``transcribed.csv``."""
    base = Path(base) if base is not None else official_dir()
    spec = yaml.safe_load((base / "extraction.yml").read_text(encoding="utf-8"))
    names = {str(k): str(v) for k, v in (spec.get("names") or {}).items()}
    transcribed = _transcribed(base)
    used: set[str] = set()
    rows: list[dict[str, str]] = []
    for block in spec["blocks"]:
        if "transcribed" in block:
            indicator = block["transcribed"]
            part = [r for r in transcribed if r["indicator"] == indicator]
            if not part:
                raise ExtractionError(f"transcribed.csv has no rows of indicator {indicator!r}")
            used.add(indicator)
            rows += part
        else:
            rows += _extract_block(block, base, names)
    left = sorted({r["indicator"] for r in transcribed} - used)
    if left:
        raise ExtractionError(f"transcribed.csv rows of {', '.join(left)} are not placed by extraction.yml")
    return rows


def to_csv(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _outputs(base: Path) -> dict[str, str]:
    return {"indicators.csv": to_csv(extract(base)), "series.csv": to_csv(extract_series(base), SERIES_COLUMNS)}


def differences(base: str | Path | None = None) -> list[str]:
    """Lines of indicators.csv and series.csv that a re-extraction does not reproduce (empty when identical)."""
    base = Path(base) if base is not None else official_dir()
    out: list[str] = []
    for name, text in _outputs(base).items():
        fresh = text.splitlines()
        path = base / name
        current = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
        out += [f"{name} line {i + 1}: file {a!r} != extracted {b!r}"
                for i, (a, b) in enumerate(zip(current, fresh, strict=False)) if a != b]
        if len(current) != len(fresh):
            out.append(f"{name} has {len(current)} lines, the extraction {len(fresh)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vstudy.data.official", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default=None, help="the official folder (default data/raw/official)")
    parser.add_argument("--check", action="store_true", help="compare indicators.csv with a re-extraction")
    args = parser.parse_args(argv)
    base = Path(args.dir) if args.dir else official_dir()
    try:
        if args.check:
            diff = differences(base)
            for line in diff[:20]:
                print(line, file=sys.stderr)
            print(f"{base}: indicators.csv and series.csv " + ("differ from the extraction" if diff else "reproduced"))
            return 1 if diff else 0
        outputs = _outputs(base)
    except ExtractionError as exc:
        print(f"extraction failed: {exc}", file=sys.stderr)
        return 1
    for name, text in outputs.items():
        write_text_atomic(base / name, text)
        print(f"wrote {text.count(chr(10)) - 1} rows to {base / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
