"""Reading the text of raw CSV files and the numbers in them, as people actually type them.

Why a module of its own: raw tables are typed by hand or exported from spreadsheets set to a Russian locale,
so the same number arrives as ``34.18``, ``34,18``, ``34,18%`` or, for counts, ``116 694`` with an ordinary or a
non-breaking space. Every such variant is accepted *only where the schema declares the column a percent or a
count*, so that a stray ``%`` in a column of ranks or years is still an error.

Encodings
---------
UTF-8 with or without a byte-order mark is accepted. A file that is not valid UTF-8 but decodes as Windows-1251
(cp1251, the usual encoding of Russian Excel exports) is **refused**, with a message naming the file, the line
and the column of the first offending byte and the command that converts it. We refuse rather than decode
because every byte string decodes as cp1251: a silent fallback could turn a file in any other 8-bit encoding
into plausible-looking garbage inside ``data/raw``, which must stay readable by every tool in one encoding.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass

from vstudy.data import limits

_BOM = b"\xef\xbb\xbf"
# Characters people and spreadsheets put between thousands: space, no-break space, narrow no-break space,
# thin space, figure space, and the apostrophe of Swiss-style exports.
_THOUSANDS = "\u0020\u00a0\u202f\u2009\u2007'"
_MINUS = "\u2212\u2012\u2013"  # typographic minus signs and dashes used as minus
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# No quantity of this study comes near 10^15 (population, tenge, hours); beyond it a value is a typing or export
# error, and integers beyond 2^53 would not even survive a float. Refused with its own rule, never an overflow.
NUMBER_LIMIT = 1e15
MAX_CELL_CHARS = limits.MAX_CELL_CHARS
# A text cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Control characters (line feed excepted: a quoted sentence may span lines) and bidirectional overrides.
_TEXT_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


class NumberParseError(ValueError):
    """A cell that should hold a number but does not; the message says what was expected."""


class NumberTooLarge(NumberParseError):
    """A number whose magnitude exceeds :data:`NUMBER_LIMIT`."""


class CsvRefused(ValueError):
    """A CSV file that cannot be split into records; ``line`` is where reading stopped, ``rule`` why."""

    def __init__(self, message: str, line: int | None, rule: str = "csv_syntax") -> None:
        super().__init__(message)
        self.line = line
        self.rule = rule


class EncodingRefused(ValueError):
    """A file that is not UTF-8; ``line`` and ``column`` locate the first byte that is not UTF-8."""

    def __init__(self, message: str, line: int | None, column: str | None, likely: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.likely = likely


def parse_number(text: str | None, *, percent: bool = False, integer: bool = False) -> float | int | None:
    """Parse one cell: ``None`` for an empty cell, else a float (or an int when ``integer``).

    ``percent`` allows a decimal comma and a trailing ``%`` (``"34,18%"`` → 34.18). ``integer`` allows
    thousands separators made of spaces (``"116 694"`` → 116694) and requires a whole number. A plain float
    column accepts neither, so that a misplaced unit is caught rather than guessed.
    """
    if text is None:
        return None
    s = str(text).strip()
    if s == "":
        return None
    for ch in _MINUS:
        s = s.replace(ch, "-")
    if percent:
        if s.endswith("%"):
            s = s[:-1].rstrip()
        s = s.replace(",", ".") if s.count(",") == 1 and "." not in s else s
    if integer or percent:
        # A group separator must sit between digits: "116 694" yes, "1 6" is still grouped digits.
        s = re.sub(rf"(?<=\d)[{_THOUSANDS}](?=\d)", "", s)
    if not _NUMBER.fullmatch(s):
        kind = "an integer count" if integer else ("a percent" if percent else "a number")
        raise NumberParseError(f"{_short(text)} is not {kind}")
    value = float(s)
    if not math.isfinite(value):
        raise NumberTooLarge(f"{_short(text)} is not a finite number")
    if abs(value) > NUMBER_LIMIT:
        raise NumberTooLarge(f"{_short(text)} is implausibly large (more than {NUMBER_LIMIT:.0e} in magnitude)")
    if integer:
        if value != int(value):
            raise NumberParseError(f"{text!r} is not a whole number")
        return int(value)
    return value


def _short(text: object, limit: int = 60) -> str:
    text = str(text)
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"… ({len(text)} characters)"


def parse_bool(text: str | None) -> bool | None:
    """``true``/``false`` (any case), ``1``/``0``, ``yes``/``no``; ``None`` for an empty cell."""
    if text is None or str(text).strip() == "":
        return None
    s = str(text).strip().lower()
    if s in {"true", "1", "yes"}:
        return True
    if s in {"false", "0", "no"}:
        return False
    raise ValueError(f"{text!r} is not true/false")


def decode_csv_bytes(data: bytes, file_label: str) -> str:
    """Return the text of a CSV file in UTF-8 (BOM optional); raise :class:`EncodingRefused` otherwise."""
    kind = binary_kind(data)
    if kind is not None:
        raise EncodingRefused(f"{file_label}: {kind}", None, None, "utf-16" if "UTF-16" in kind else "binary")
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
        likely = "cp1251" if _looks_like_cp1251(data) else "unknown 8-bit"
        # cp1251 is one byte per character, so the byte offset is also the character offset there.
        fallback = data.decode("cp1251", errors="replace")
        line, column = _locate(fallback, offset)
        where = f"line {line}" + (f", column {column!r}" if column else "")
        if likely == "cp1251":
            hint = (f"the file looks like Windows-1251 (cp1251); re-save it as UTF-8, e.g. "
                    f"`iconv -f cp1251 -t utf-8 {file_label} > fixed.csv`")
        else:
            hint = "re-save it as UTF-8"
        raise EncodingRefused(
            f"{file_label}: not UTF-8 (first invalid byte 0x{data[offset]:02x} at {where}); {hint}",
            line, column, likely,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def binary_kind(data: bytes) -> str | None:
    """Why ``data`` is not a UTF-8 text table (UTF-16, a workbook, an archive, binary), or None. Says what the
    file looks like without quoting any of it."""
    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        return "the file is a ZIP archive or an Excel workbook (.xlsx), not a CSV table; export it as CSV UTF-8"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "the file is an old Excel workbook (.xls), not a CSV table; export it as CSV UTF-8"
    if head.startswith(b"%PDF"):
        return "the file is a PDF document, not a CSV table"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (
            len(head) >= 4 and head.count(b"\x00") * 3 >= len(head) and (head[1::2].count(0) > len(head) // 3
                                                                  or head[0::2].count(0) > len(head) // 3)):
        return ("the file is UTF-16 (two bytes per character, as Excel's 'Unicode text' saves it); save it as "
                "'CSV UTF-8 (comma delimited)'")
    if b"\x00" in data:
        return "the file is binary (it contains NUL bytes), not a CSV text table"
    return None


def delimiter_hint(header_line: str, expected_columns: int) -> str | None:
    """A one-line explanation when the header looks split by another delimiter than the comma, else None."""
    if expected_columns < 2 or "," in header_line:
        return None
    for sep, name in ((";", "semicolons (;)"), ("\t", "tabs"), ("|", "vertical bars (|)")):
        if header_line.count(sep) >= 1:
            return (f"the header has one column but {header_line.count(sep) + 1} fields separated by {name}: the "
                    "table must be comma-separated (in Excel: 'CSV UTF-8 (comma delimited)'; LibreOffice: field "
                    "delimiter ',')")
    return None


def visible(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters with control characters shown as escapes (for a message)."""
    return _TEXT_CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text[:limit])


def text_problem(value: str) -> tuple[str, str] | None:
    """(rule, message) when a text cell holds a control character or starts like a spreadsheet formula."""
    bad = _TEXT_CONTROL.search(value)
    if bad:
        return "control_character", (f"control character U+{ord(bad.group(0)):04X} in the text; remove it "
                                     "(invisible characters change how the text sorts, matches and displays)")
    if value.startswith(FORMULA_PREFIXES):
        return "formula", (f"the text starts with {value[0]!r}, which spreadsheets run as a formula; write it "
                           "without that first character (or put it later in the text)")
    if len(value) > MAX_CELL_CHARS:
        return "cell_size", f"the cell has {len(value):,} characters; the limit is {MAX_CELL_CHARS:,}"
    return None


_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR_RANGE = (1900, 2100)


def parse_day(text: str) -> dt.date:
    """``YYYY-MM-DD`` that exists in the calendar; ValueError otherwise (e.g. 2021-19-99)."""
    if not _DAY.fullmatch(text):
        raise ValueError(f"{_short(text)} is not a date written YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{_short(text)} is not a calendar date") from None
    _check_year(day.year, text)
    return day


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    """``YYYY-MM`` → (first day, last day); ValueError for a month that does not exist."""
    m = _MONTH.fullmatch(text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"{_short(text)} is not a month written YYYY-MM")
    year, month = int(m.group(1)), int(m.group(2))
    _check_year(year, text)
    first = dt.date(year, month, 1)
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return first, last


def parse_ref_period(text: str) -> tuple[dt.date, dt.date] | None:
    """A reference period (``YYYY``, ``YYYY-Qn``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-YYYY`` of consecutive years,
    or ``undated`` → None) as (first, last day); ValueError for anything else."""
    if text == "undated":
        return None
    if re.fullmatch(r"\d{4}", text):
        _check_year(int(text), text)
        return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    m = re.fullmatch(r"(\d{4})-Q([1-4])", text)
    if m:
        year, q = int(m.group(1)), int(m.group(2))
        _check_year(year, text)
        return parse_month(f"{year}-{3 * q - 2:02d}")[0], parse_month(f"{year}-{3 * q:02d}")[1]
    m = re.fullmatch(r"(\d{4})-(\d{4})", text)
    if m:
        first, second = int(m.group(1)), int(m.group(2))
        if second != first + 1:
            raise ValueError(f"{_short(text)}: a span of years must be two consecutive years, e.g. 2021-2022")
        _check_year(first, text)
        return dt.date(first, 9, 1), dt.date(second, 8, 31)
    if _MONTH.fullmatch(text):
        return parse_month(text)
    if _DAY.fullmatch(text):
        day = parse_day(text)
        return day, day
    raise ValueError(f"{_short(text)} is not a reference period (YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD, YYYY-YYYY or "
                     "undated)")


def _check_year(year: int, text: str) -> None:
    if not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
        raise ValueError(f"{_short(text)}: the year is outside {_YEAR_RANGE[0]}–{_YEAR_RANGE[1]}")


def _looks_like_cp1251(data: bytes) -> bool:
    # Cyrillic letters occupy 0xC0–0xFF (and ё/Ё 0xB8/0xA8) in cp1251; text in it is mostly those bytes.
    high = [b for b in data if b >= 0x80]
    if not high:
        return False
    cyrillic = sum(1 for b in high if b >= 0xC0 or b in (0xA8, 0xB8))
    return cyrillic / len(high) >= 0.8


def _locate(text: str, offset: int) -> tuple[int, str | None]:
    """1-based line of a character offset, and the name of the CSV column it falls in (from the header)."""
    line = text.count("\n", 0, offset) + 1
    lines = text.split("\n")
    header = next(csv.reader([lines[0]])) if lines else []
    line_start = text.rfind("\n", 0, offset) + 1
    prefix = text[line_start:offset]
    field_index = len(next(csv.reader([prefix + "x"]))) - 1 if prefix else 0
    column = header[field_index] if line > 1 and field_index < len(header) else None
    return line, column


@dataclass(frozen=True)
class CsvRecords:
    """The header and the data records of a CSV file, each record with its 1-based starting line."""

    header: list[str]
    records: list[tuple[int, list[str]]]


def split_csv(text: str, max_rows: int | None = None, max_columns: int = limits.MAX_COLUMNS,
              max_cells: int = limits.MAX_CELLS) -> CsvRecords:
    """Parse CSV text; a record's line is where it starts (quoted fields may span lines). Blank lines skip.

    The header alone is split first: wider than ``max_columns``, the file is refused before any row is read
    (rule ``column_limit``). Reading stops at the first record past ``max_rows`` data rows (``row_limit``) or past
    ``max_cells`` fields in all (``cell_limit``), so the cost of a file is bounded by the limits, not its size.
    """
    reader = csv.reader(io.StringIO(text), strict=False)
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    last_line = 0
    cells = 0
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            where = last_line + 1
            if "field larger than field limit" in str(exc):
                raise CsvRefused(f"a cell starting on line {where} is longer than {csv.field_size_limit():,} "
                                 f"characters (the limit for a cell is {MAX_CELL_CHARS:,})", where,
                                 "cell_size") from None
            raise CsvRefused(f"the CSV cannot be read from line {where} on: {exc}", where) from None
        start = last_line + 1
        last_line = reader.line_num
        if not row or all(cell.strip() == "" for cell in row):
            continue
        if header is None:
            if len(row) > max_columns:
                raise CsvRefused(f"the header has {len(row):,} columns; the limit is {max_columns:,} (no table of "
                                 "the study has that many: is this the right file?)", start, "column_limit")
            header = [cell.strip() for cell in row]
            continue
        cells += len(row)
        if max_rows is not None and len(records) >= max_rows:
            raise CsvRefused(f"the table has more than {max_rows:,} data rows (reading stopped at line {start}); "
                             f"the limit for this table is {max_rows:,}", start, "row_limit")
        if cells > max_cells:
            raise CsvRefused(f"the table has more than {max_cells:,} fields in all (reading stopped at line "
                             f"{start}); the limit is {max_cells:,}", start, "cell_limit")
        records.append((start, row))
    return CsvRecords(header=header or [], records=records)
