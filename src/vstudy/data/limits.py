"""What any input may cost: every size limit of a dataset, named once, each with its reason.

A dataset is untrusted input. Each limit below is checked *before* the costly step it protects — a file's size
before it is read, a CSV header's width before any row is split, the number of rows while splitting (reading stops
past the limit), a workbook's uncompressed parts before it is opened and its sheets' rows and columns while they are
streamed — so that validation costs time and memory linear in the input and bounded by these numbers, and every
table that validates is small enough for the section notebooks that show and plot it. The README's table of limits
is checked against :data:`LIMITS` by the tests. ``bench/bench_limits.py`` prints time and peak memory against
input size up to each limit.

No module imports anything here: the limits are plain numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024

# --- files ----------------------------------------------------------------------------------------------------
MAX_TABLE_BYTES = 32 * MiB  # one CSV table; the 2021 dataset's largest is 0.12 MB
MAX_YAML_BYTES = 256 * 1024  # a manifest or an origin record (source.yml) is a few kilobytes
MAX_YAML_DEPTH = 20

# --- CSV tables -----------------------------------------------------------------------------------------------
MAX_COLUMNS = 256  # the widest table (regional) declares 48 columns
MAX_CELL_CHARS = 10_000  # the longest cell of the 2021 dataset has 779 characters
MAX_CELLS = 2_000_000  # fields of one table (rows × columns), counted while splitting
DEFAULT_MAX_ROWS = 5_000  # data rows of a table that declares no limit of its own (TableSchema.max_rows)
MAX_ROWS_PER_REGION_TABLE = 1_000  # one row per unit (a scheme has at most 20)
MAX_ROWS_LONG_OFFICIAL = 50_000  # official indicators, long: units × indicators × periods (2021: 320 rows)
MAX_ROWS_BAR_CHART = 100  # tables drawn one bar or line per row (sections 03, 05, 07)

# --- workbooks (.xlsx) ----------------------------------------------------------------------------------------
MAX_WORKBOOK_BYTES = 16 * MiB  # a filled template of 20 units is about 30 KB
MAX_WORKBOOK_PARTS = 1_000  # files inside the .xlsx archive (a template has 15)
MAX_WORKBOOK_PART_BYTES = 8 * MiB  # one XML part (a sheet, the shared strings) once uncompressed
MAX_WORKBOOK_UNCOMPRESSED = 64 * MiB  # all parts together once uncompressed (zip bombs)
MAX_SHEET_ROWS_MANIFEST = 200  # rows of the manifest and columns sheets
MAX_SHEET_ROWS_COLUMNS = 2_000

# --- messages -------------------------------------------------------------------------------------------------
MAX_MESSAGES_PER_RULE = 20  # problems of one rule in one file shown in full; the rest are counted ("and N more")


@dataclass(frozen=True)
class Limit:
    name: str
    value: int
    shown: str
    reason: str


LIMITS: tuple[Limit, ...] = (
    Limit("MAX_TABLE_BYTES", MAX_TABLE_BYTES, "32 MiB", "size of one CSV table, checked before it is read; the "
          "2021 dataset's largest table is 0.12 MB"),
    Limit("MAX_YAML_BYTES", MAX_YAML_BYTES, "256 KiB", "size of manifest.yml (or source.yml), checked before it is "
          "read; a manifest is a few kilobytes"),
    Limit("MAX_COLUMNS", MAX_COLUMNS, "256", "columns of a table's header, checked on the header alone before any "
          "row is split; the widest table (regional) declares 48"),
    Limit("MAX_CELL_CHARS", MAX_CELL_CHARS, "10,000", "characters of one cell (CSV or workbook); the longest cell "
          "of the 2021 dataset has 779"),
    Limit("MAX_CELLS", MAX_CELLS, "2,000,000", "fields of one table (rows × columns), counted while splitting: "
          "reading stops past it"),
    Limit("DEFAULT_MAX_ROWS", DEFAULT_MAX_ROWS, "5,000", "data rows of a table without a limit of its own, "
          "counted while splitting (reading stops past it); the 2021 dataset's longest such table has 187 rows, "
          "and the sections show every row"),
    Limit("MAX_ROWS_PER_REGION_TABLE", MAX_ROWS_PER_REGION_TABLE, "1,000", "data rows of a table with one row "
          "per unit (regional, volunteers/events/hours_by_region, organisations_by_region): a scheme has at "
          "most 20 units"),
    Limit("MAX_ROWS_LONG_OFFICIAL", MAX_ROWS_LONG_OFFICIAL, "50,000", "data rows of official_indicators (units × "
          "indicators × periods; 2021: 320 rows)"),
    Limit("MAX_ROWS_BAR_CHART", MAX_ROWS_BAR_CHART, "100", "data rows of the tables drawn one bar or line per "
          "row, whose figure grows with its rows: info_line_categories and info_line_channels (section 07), "
          "event_directions_national (05), correlations_published (03); 2021: 11, 6, 11 and 17 rows. Unbounded, "
          "a long table of categories cost section 07 unbounded memory (issue 18)"),
    Limit("MAX_WORKBOOK_BYTES", MAX_WORKBOOK_BYTES, "16 MiB", "size of an .xlsx workbook, checked before it is "
          "opened; a filled template of 20 units is about 30 KB"),
    Limit("MAX_WORKBOOK_PARTS", MAX_WORKBOOK_PARTS, "1,000", "files inside the workbook's zip archive (a template "
          "has about 15), from its directory before anything is decompressed"),
    Limit("MAX_WORKBOOK_PART_BYTES", MAX_WORKBOOK_PART_BYTES, "8 MiB", "one XML part of the workbook once "
          "uncompressed (a sheet, the shared strings), from the zip directory before it is opened: a sheet of "
          "5,000 rows is about 2 MB, and openpyxl holds a row's cells at once (a single row of 8 MiB of cells "
          "takes 12 s and 0.4 GB to refuse, of 30 MiB 37 s and 1.2 GB)"),
    Limit("MAX_WORKBOOK_UNCOMPRESSED", MAX_WORKBOOK_UNCOMPRESSED, "64 MiB", "all parts of the workbook together "
          "once uncompressed (a zip bomb is refused unopened)"),
    Limit("sheet rows and columns", MAX_COLUMNS, "as the tables; manifest sheet 200 rows, columns sheet 2,000",
          "a sheet is streamed row by row and reading stops past its table's row limit or MAX_COLUMNS"),
    Limit("MAX_MESSAGES_PER_RULE", MAX_MESSAGES_PER_RULE, "20", "problems of one rule in one file printed in "
          "full; the rest are counted in one line (\"and N more\")"),
)
