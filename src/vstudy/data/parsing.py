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
import io
import math
import re
from dataclasses import dataclass

_BOM = b"\xef\xbb\xbf"
# Characters people and spreadsheets put between thousands: space, no-break space, narrow no-break space,
# thin space, figure space, and the apostrophe of Swiss-style exports.
_THOUSANDS = "\u0020\u00a0\u202f\u2009\u2007'"
_MINUS = "\u2212\u2012\u2013"  # typographic minus signs and dashes used as minus
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class NumberParseError(ValueError):
    """A cell that should hold a number but does not; the message says what was expected."""


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
        raise NumberParseError(f"{text!r} is not {kind}")
    value = float(s)
    if not math.isfinite(value):
        raise NumberParseError(f"{text!r} is not a finite number")
    if integer:
        if value != int(value):
            raise NumberParseError(f"{text!r} is not a whole number")
        return int(value)
    return value


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


def split_csv(text: str) -> CsvRecords:
    """Parse CSV text; a record's line is where it starts (quoted fields may span lines). Blank lines skip."""
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    last_line = 0
    for row in reader:
        start = last_line + 1
        last_line = reader.line_num
        if not row or all(cell.strip() == "" for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            continue
        records.append((start, row))
    return CsvRecords(header=header or [], records=records)
