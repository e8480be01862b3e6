"""What any input may cost, and no traceback for bad input (issue 18): the fault corpus of limits, unreadable
workbooks, a unit given twice and implausible values.

Every input is generated here, at and just past each limit (the minimum that crosses it), so the figures of the
issue are regression tests: a 100,000-column header is one problem, not 18 MB of them; a table longer than its
declared limit is refused while it is split; a workbook past its limits is refused before it is opened or while
it is streamed. Speed is measured by bench/bench_limits.py, not here.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import importlib.util
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from vstudy.data import datasets, limits, parsing, problems, processed, schemas, template, validation

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "tests" / "fixtures" / "kz2022_contract"


def _generator():
    path = ROOT / "tests" / "fixtures" / "make_kz2022_contract_fixture.py"
    spec = importlib.util.spec_from_file_location("make_contract_fixture_limits", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def contract(tmp_path) -> Path:
    """A copy of the valid kz2022 contract fixture (regional.csv, events_by_direction.csv)."""
    root = tmp_path / "contract"
    shutil.copytree(CONTRACT, root)
    return root


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _set(path: Path, code: str, column: str, value: str) -> int:
    """Set ``column`` of the row of ``code`` in a CSV; return that row's line."""
    rows = _rows(path)
    col = rows[0].index(column)
    for i, row in enumerate(rows[1:], start=2):
        if row[0] == code:
            row[col] = value
            _write(path, rows)
            return i
    raise AssertionError(code)


def _errors(ds, rule):
    return [p for p in ds.errors if p.rule == rule]


# ---------------------------------------------------------------------------------------------------------------
# The limits are stated in the README


def test_every_limit_is_in_the_readme_with_its_value():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Limits"):]
    section = section[:section.index("\n## ")]
    for limit in limits.LIMITS:
        row = next((line for line in section.splitlines() if line.startswith(f"| `{limit.name}`")
                    or line.startswith(f"| {limit.name}")), None)
        assert row is not None, limit.name
        assert limit.shown in row, (limit.name, row)


# ---------------------------------------------------------------------------------------------------------------
# CSV: columns, rows, cells


def test_a_100000_column_header_is_one_problem_found_before_any_row_is_split(contract):
    path = contract / "regional.csv"
    rows = _rows(path)
    rows[0] = rows[0] + [f"c{i}" for i in range(100_000)]
    _write(path, rows[:3])
    ds = datasets.load_dataset(contract)
    found = _errors(ds, "column_limit")
    assert len(found) == 1 and found[0].file == "regional.csv" and found[0].row == 1
    assert "100,0" in found[0].message and f"{limits.MAX_COLUMNS}" in found[0].message
    printed = "\n".join(p.format() for p in ds.problems)
    assert len(ds.problems) <= 3 and len(printed) < 2_000, printed


def test_a_header_at_the_column_limit_is_read_and_its_extra_columns_are_capped(contract):
    path = contract / "regional.csv"
    rows = _rows(path)
    extra = limits.MAX_COLUMNS - len(rows[0])
    rows = [row + ([f"x{i}" for i in range(extra)] if n == 0 else [""] * extra) for n, row in enumerate(rows)]
    assert len(rows[0]) == limits.MAX_COLUMNS
    _write(path, rows)
    ds = datasets.load_dataset(contract)
    assert not _errors(ds, "column_limit")
    extra_found = _errors(ds, "extra_column")
    # the first MAX_MESSAGES_PER_RULE in full, then one line counting the rest
    assert len(extra_found) == limits.MAX_MESSAGES_PER_RULE + 1
    assert extra_found[-1].message.startswith(f"and {extra - limits.MAX_MESSAGES_PER_RULE:,} more")
    assert extra_found[0].column == "x0" and extra_found[0].row == 1

    rows = [row + ["one_more"] for row in rows]  # one column past the limit
    _write(path, rows)
    assert len(_errors(datasets.load_dataset(contract), "column_limit")) == 1


def test_a_table_past_its_row_limit_is_refused_while_it_is_split(contract):
    path = contract / "regional.csv"
    rows = _rows(path)
    limit = schemas.RAW["regional"].max_rows
    assert limit == limits.MAX_ROWS_PER_REGION_TABLE
    at_limit = rows[:1] + [rows[1]] * limit
    _write(path, at_limit)
    ds = datasets.load_dataset(contract)
    assert not _errors(ds, "row_limit")
    assert _errors(ds, "region_once")  # read and checked: every row but the first repeats KZ-10
    assert len([p for p in ds.problems if p.rule == "region_once"]) == limits.MAX_MESSAGES_PER_RULE + 1

    _write(path, at_limit + [rows[2]])
    ds = datasets.load_dataset(contract)
    found = _errors(ds, "row_limit")
    assert len(found) == 1 and found[0].file == "regional.csv" and found[0].row == limit + 2
    assert f"{limit:,}" in found[0].message and "regional" in found[0].message


def test_split_csv_stops_at_the_row_and_field_limits():
    text = "a,b\n" + "1,2\n" * 10
    assert len(parsing.split_csv(text, max_rows=10).records) == 10
    with pytest.raises(parsing.CsvRefused) as exc:
        parsing.split_csv(text, max_rows=9)
    assert exc.value.rule == "row_limit" and exc.value.line == 11
    assert len(parsing.split_csv(text, max_cells=20).records) == 10
    with pytest.raises(parsing.CsvRefused) as exc:
        parsing.split_csv(text, max_cells=19)
    assert exc.value.rule == "cell_limit" and exc.value.line == 11
    with pytest.raises(parsing.CsvRefused) as exc:
        parsing.split_csv("a,b,c\n1,2,3\n", max_columns=2)
    assert exc.value.rule == "column_limit" and exc.value.line == 1


def test_the_tables_drawn_one_bar_per_row_are_bounded_so_a_large_file_cannot_blow_up_section_07():
    # Section 07 draws one bar per category and per channel (03 and 05 one line or bar per row of theirs): a
    # figure's height grows with its rows, and a long table drove section 07's notebooks past 20 GB. The declared
    # limit refuses such a table while it is split, before any notebook runs.
    for name in ("info_line_categories", "info_line_channels", "event_directions_national",
                 "correlations_published"):
        assert schemas.RAW[name].max_rows == limits.MAX_ROWS_BAR_CHART
    assert schemas.RAW["official_indicators"].max_rows == limits.MAX_ROWS_LONG_OFFICIAL
    assert {s.max_rows for s in schemas.RAW.values()} == {
        limits.DEFAULT_MAX_ROWS, limits.MAX_ROWS_PER_REGION_TABLE, limits.MAX_ROWS_LONG_OFFICIAL,
        limits.MAX_ROWS_BAR_CHART}
    header = "category_id,label_ru,requests_count,source_line\n"
    row = "c{},метка,5,1\n"
    schema = schemas.RAW["info_line_categories"]
    ok = (header + "".join(row.format(i) for i in range(limits.MAX_ROWS_BAR_CHART))).encode()
    frame, problems = validation.read_and_check(Path("x.csv"), schema, "x.csv", "kz2021", data=ok)
    assert frame is not None and len(frame) == limits.MAX_ROWS_BAR_CHART and not problems
    past = ok + row.format("last").encode()
    frame, problems = validation.read_and_check(Path("x.csv"), schema, "x.csv", "kz2021", data=past)
    assert frame is None and [p.rule for p in problems] == ["row_limit"]
    assert problems[0].row == limits.MAX_ROWS_BAR_CHART + 2


def test_every_raw_table_of_the_2021_dataset_is_within_its_row_limit(raw_2021):
    ds = raw_2021
    assert ds.ok
    for name, frame in ds.tables.items():
        schema = schemas.RAW[(ds.manifest["tables"][name]).get("schema", name)]
        assert len(frame) <= schema.max_rows / 4, (name, len(frame), schema.max_rows)


def test_cap_problems_keeps_the_first_of_each_rule_and_file_and_counts_the_rest():
    many = [problems.Problem("a.csv", i, "x", None, "dtype", f"m{i}") for i in range(2, 40)]
    other = [problems.Problem("b.csv", 2, "x", None, "dtype", "b")]
    out = problems.cap_problems(many + other, limit=5)
    assert [p.row for p in out[:5]] == [2, 3, 4, 5, 6]
    assert out[5].row is None and out[5].message.startswith("and 33 more") and out[5].file == "a.csv"
    assert out[6] == other[0] and len(out) == 7


# ---------------------------------------------------------------------------------------------------------------
# A unit given twice


@pytest.mark.parametrize("spelling", ["KZ-11", "Акмолинская область"])
def test_a_region_given_twice_names_both_rows_and_never_raises(contract, spelling):
    path = contract / "regional.csv"
    rows = _rows(path)
    assert rows[2][0] == "KZ-11"
    again = [spelling, *rows[2][1:]]
    again[rows[0].index("volunteers_count")] = "4000"  # not a whole duplicated row
    rows.append(again)
    _write(path, rows)
    ds = datasets.load_dataset(contract)  # no "truth value of a Series is ambiguous"
    found = _errors(ds, "region_once")
    assert len(found) == 1
    p = found[0]
    assert (p.file, p.row, p.column, p.value) == ("regional.csv", len(rows), "region_code", spelling)
    assert f"rows 3 and {len(rows)}" in p.message and "KZ-11" in p.message


def test_a_region_given_twice_in_a_workbook_names_the_sheet_and_both_rows(filled_workbook, tmp_path):
    import openpyxl

    book = tmp_path / "book.xlsx"
    shutil.copy(filled_workbook, book)
    wb = openpyxl.load_workbook(book)
    ws = wb["regional"]
    last = ws.max_row + 1
    for col in range(1, ws.max_column + 1):
        ws.cell(last, col, ws.cell(3, col).value)
    ws.cell(last, 1, "Akmola Region")
    wb.save(book)
    ds = datasets.load_dataset(book)
    found = _errors(ds, "region_once")
    assert len(found) == 1 and found[0].sheet == "regional" and found[0].row == last
    assert f"rows 3 and {last}" in found[0].message


# ---------------------------------------------------------------------------------------------------------------
# Workbooks


@pytest.fixture(scope="module")
def filled_workbook(tmp_path_factory) -> Path:
    gen = _generator()
    out = tmp_path_factory.mktemp("book") / "book"
    template.write_template("kz2022", out, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    gen.fill_workbook(out / "book.xlsx", gen.generate(ROOT, 7))
    ds = datasets.load_dataset(out / "book.xlsx")
    assert ds.ok, [p.format() for p in ds.errors]
    return out / "book.xlsx"


def _rezip(src: Path, dst: Path, replace: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name in sorted(set(replace) - set(zin.namelist())):
            zout.writestr(name, replace[name])


def _sheet_part(book: Path, sheet: str) -> str:
    with zipfile.ZipFile(book) as z:
        names = z.namelist()
        wb_xml = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="(rId\d+)"', wb_xml) or re.search(
        rf'<sheet [^>]*r:id="(rId\d+)"[^>]*name="{sheet}"', wb_xml)
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    part = "xl/" + target.group(1).lstrip("/").removeprefix("xl/")
    assert part in names
    return part


def _unreadable(ds) -> str:
    found = [p for p in ds.errors if p.rule == "workbook"]
    assert len(found) == 1, [p.format() for p in ds.problems]
    assert "is not a readable .xlsx workbook: " in found[0].message
    return found[0].message


def test_text_saved_as_xlsx_is_not_a_readable_workbook(tmp_path):
    book = tmp_path / "text.xlsx"
    book.write_text("region_code,volunteers_count\nKZ-11,5\n", encoding="utf-8")
    assert "not a zip archive" in _unreadable(datasets.load_dataset(book))
    assert "text.xlsx is not a readable" in _unreadable(datasets.load_dataset(book))


def test_an_empty_xlsx_is_not_a_readable_workbook(tmp_path):
    book = tmp_path / "empty.xlsx"
    book.write_bytes(b"")
    assert "the file is empty" in _unreadable(datasets.load_dataset(book))


def test_a_damaged_zip_member_is_not_a_readable_workbook(filled_workbook, tmp_path):
    part = _sheet_part(filled_workbook, "regional")
    book = tmp_path / "damaged.xlsx"
    data = bytearray(filled_workbook.read_bytes())
    with zipfile.ZipFile(filled_workbook) as z:
        info = z.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + min(info.compress_size, 200) - 10):
        data[i] ^= 0x5A
    book.write_bytes(bytes(data))
    _unreadable(datasets.load_dataset(book))


def test_malformed_xml_is_not_a_readable_workbook(filled_workbook, tmp_path):
    book = tmp_path / "malformed.xlsx"
    part = _sheet_part(filled_workbook, "regional")
    _rezip(filled_workbook, book, {part: b"<worksheet><sheetData><row r='1'><c r='A1'"})
    _unreadable(datasets.load_dataset(book))
    _rezip(filled_workbook, book, {"xl/workbook.xml": b"<workbook"})
    _unreadable(datasets.load_dataset(book))


def test_a_workbook_past_its_uncompressed_sizes_is_refused_unopened(filled_workbook, tmp_path):
    book = tmp_path / "bomb.xlsx"
    at_limit = {"xl/worksheets/padding.xml": b" " * limits.MAX_WORKBOOK_PART_BYTES}
    _rezip(filled_workbook, book, at_limit)
    assert not [p for p in datasets.load_dataset(book).errors if p.rule == "workbook_size"]
    _rezip(filled_workbook, book, {"xl/worksheets/padding.xml": b" " * (limits.MAX_WORKBOOK_PART_BYTES + 1)})
    assert book.stat().st_size < 1_000_000
    found = [p for p in datasets.load_dataset(book).errors if p.rule == "workbook_size"]
    assert len(found) == 1 and "xl/worksheets/padding.xml" in found[0].message
    # parts that are not XML count towards the total only
    _rezip(filled_workbook, book, {"xl/media/padding.bin": b"\0" * (limits.MAX_WORKBOOK_UNCOMPRESSED + 1)})
    found = [p for p in datasets.load_dataset(book).errors if p.rule == "workbook_size"]
    assert len(found) == 1 and "once uncompressed; the limit is" in found[0].message


def test_a_workbook_larger_than_its_limit_is_refused_before_it_is_read(tmp_path):
    book = tmp_path / "big.xlsx"
    with open(book, "wb") as fh:
        fh.truncate(limits.MAX_WORKBOOK_BYTES + 1)
    ds = datasets.load_dataset(book)
    assert [p.rule for p in ds.errors] == ["file_size"]


def test_a_sheet_past_its_row_limit_is_refused_while_it_is_streamed(filled_workbook, tmp_path):
    import openpyxl

    limit = schemas.RAW["events_by_direction"].max_rows
    book = tmp_path / "long.xlsx"
    wb = openpyxl.load_workbook(filled_workbook)
    ws = wb["events_by_direction"]
    rows_now = ws.max_row - 1
    for r in range(ws.max_row + 1, limit + 3):  # one data row past the limit
        ws.cell(r, 1, "KZ-11")
    wb.save(book)
    ds = datasets.load_dataset(book)
    found = [p for p in ds.errors if p.rule == "row_limit"]
    assert rows_now < limit and len(found) == 1
    assert found[0].sheet == "events_by_direction" and found[0].row == limit + 2


def test_a_value_right_of_the_column_limit_is_refused_with_its_cell(filled_workbook, tmp_path):
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = tmp_path / "wide.xlsx"
    wb = openpyxl.load_workbook(filled_workbook)
    wb["regional"].cell(5, limits.MAX_COLUMNS + 1, 1)
    wb.save(book)
    ds = datasets.load_dataset(book)
    found = [p for p in ds.errors if p.rule == "column_limit"]
    assert len(found) == 1 and found[0].sheet == "regional"
    assert found[0].cell == f"{get_column_letter(limits.MAX_COLUMNS + 1)}5"

    wb["regional"].cell(5, limits.MAX_COLUMNS + 1).value = None
    wb["regional"].cell(5, limits.MAX_COLUMNS, "stray")  # at the limit: read, and an extra column's problem
    wb.save(book)
    assert not [p for p in datasets.load_dataset(book).errors if p.rule == "column_limit"]


def test_formula_cells_without_saved_values_are_refused_with_the_cell(filled_workbook, tmp_path):
    import openpyxl

    book = tmp_path / "formula.xlsx"
    wb = openpyxl.load_workbook(filled_workbook)
    ws = wb["regional"]
    header = [c.value for c in ws[1]]
    col = header.index("volunteers_count") + 1
    ws.cell(4, col, f"={ws.cell(4, col).column_letter}5+1")  # openpyxl saves no computed value
    wb.save(book)
    ds = datasets.load_dataset(book)
    found = [p for p in ds.errors if p.rule == "formula_without_value"]
    letter = ws.cell(4, col).column_letter
    assert len(found) == 1 and (found[0].sheet, found[0].row, found[0].cell) == ("regional", 4, f"{letter}4")
    assert f"cell {letter}4" in found[0].format()


def test_a_formula_with_its_saved_value_is_read_as_the_value(filled_workbook, tmp_path):
    part = _sheet_part(filled_workbook, "manifest")
    with zipfile.ZipFile(filled_workbook) as z:
        xml = z.read(part).decode()
    # the synthetic flag as a formula cell that carries its saved value, as Excel writes it
    cell = re.search(r'<c r="B(\d+)"[^>]*t="inlineStr"[^>]*><is><t>true</t></is></c>', xml)
    if cell is None:
        pytest.skip("the template writes the manifest sheet's values as shared strings")
    row = cell.group(1)
    xml = xml.replace(cell.group(0), f'<c r="B{row}" t="str"><f>LOWER("TRUE")</f><v>true</v></c>')
    book = tmp_path / "cached.xlsx"
    _rezip(filled_workbook, book, {part: xml.encode()})
    ds = datasets.load_dataset(book)
    assert ds.ok, [p.format() for p in ds.errors]


def test_a_long_text_in_the_manifest_sheet_is_refused_with_its_cell(filled_workbook, tmp_path):
    import openpyxl

    book = tmp_path / "long_text.xlsx"
    wb = openpyxl.load_workbook(filled_workbook)
    ws = wb["manifest"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "description")
    ws.cell(row, 2, "x" * (limits.MAX_CELL_CHARS + 1))
    wb.save(book)
    found = [p for p in datasets.load_dataset(book).errors if p.rule == "cell_size"]
    assert len(found) == 1 and found[0].sheet == "manifest" and found[0].cell == f"B{row}"


# ---------------------------------------------------------------------------------------------------------------
# Plausibility


def test_population_zero_is_refused(contract):
    line = _set(contract / "regional.csv", "KZ-11", "population_count", "0")
    found = _errors(datasets.load_dataset(contract), "population_positive")
    assert len(found) == 1 and (found[0].file, found[0].row, found[0].column) == ("regional.csv", line,
                                                                                  "population_count")


def test_population_zero_in_an_official_indicators_table_is_refused(raw_2021):
    frame = raw_2021.tables["official_indicators"]
    ds = dataclasses.replace(raw_2021, tables={**raw_2021.tables, "official_indicators": frame.copy()})
    sel = ((frame["indicator"] == "population_total") & (frame["ref_period"] == "2021-01-01")
           & frame["preferred"].fillna(False).astype(bool) & (frame["region_code"] != "KZ"))
    first = frame.index[sel][0]
    ds.tables["official_indicators"].loc[first, "value"] = 0.0
    found = [p for p in datasets.dataset_checks(ds) if p.rule == "population_positive"]
    assert len(found) == 1 and found[0].row == int(frame.at[first, "_line"])


def test_more_hours_per_volunteer_than_a_day_has_is_refused(contract):
    # a year's period: 9,000 hours per volunteer is 24.7 hours a day
    vol = int(_rows(contract / "regional.csv")[2][_rows(contract / "regional.csv")[0].index("volunteers_count")]
              .replace(" ", ""))
    line = _set(contract / "regional.csv", "KZ-11", "hours_count", str(9_000 * vol))
    found = _errors(datasets.load_dataset(contract), "hours_per_volunteer")
    assert len(found) == 1 and (found[0].row, found[0].column) == (line, "hours_count")
    assert "24.7 hours per volunteer a day" in found[0].message


def test_1e15_hours_is_refused(contract):
    _set(contract / "regional.csv", "KZ-11", "hours_count", "1000000000000000")
    ds = datasets.load_dataset(contract)
    assert _errors(ds, "hours_per_volunteer")
    _set(contract / "regional.csv", "KZ-11", "volunteers_count", "")  # no volunteers: hours per inhabitant
    for col in ("volunteers_male_count", "volunteers_female_count", "volunteers_under18_count",
                "volunteers_18_29_count", "volunteers_30_to_pension_count", "volunteers_pension_count",
                "volunteers_students_count", "volunteers_working_count", "volunteers_unemployed_count",
                "volunteers_neet_count"):
        _set(contract / "regional.csv", "KZ-11", col, "")
    ds = datasets.load_dataset(contract)
    assert _errors(ds, "hours_per_day") and not _errors(ds, "hours_per_volunteer")


def test_more_than_a_full_time_week_per_volunteer_is_a_warning_kept_in_validation_findings(contract):
    rows = _rows(contract / "regional.csv")
    vol = int(rows[2][rows[0].index("volunteers_count")].replace(" ", ""))
    _set(contract / "regional.csv", "KZ-11", "hours_count", str(3_000 * vol))  # 57.5 hours a week
    ds = datasets.load_dataset(contract)
    assert ds.ok
    warned = [p for p in ds.warnings if p.rule == "hours_per_volunteer"]
    assert len(warned) == 1 and "57.5 hours per volunteer a week" in warned[0].message
    findings = processed.build(ds)["validation_findings"]
    assert (findings["rule"] == "hours_per_volunteer").sum() == 1


def test_more_volunteers_than_inhabitants_is_refused(contract):
    rows = _rows(contract / "regional.csv")
    pop = rows[2][rows[0].index("population_count")].replace(" ", "")
    _set(contract / "regional.csv", "KZ-11", "volunteers_count", str(int(pop) + 1))
    assert _errors(datasets.load_dataset(contract), "volunteers_le_population")


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "+1", "-1"])
def test_a_manifest_title_that_starts_like_a_formula_is_refused(contract, title):
    path = contract / "manifest.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", f"title: '{title}'", text, count=1, flags=re.M), encoding="utf-8")
    found = _errors(datasets.load_dataset(contract), "formula")
    assert len(found) == 1 and (found[0].file, found[0].column) == ("manifest.yml", "title")


def test_a_problem_read_back_from_the_findings_table_is_the_problem_written():
    from vstudy.data.problems import Problem, problem_from_record, problems_frame

    written = [Problem("a.csv", 7, "x_count", "-1", "range", "below 0", "warning"),
               Problem("b.csv", None, None, None, "undeclared_file", "'b.csv' is not declared", "warning"),
               Problem("c.csv", 3, "y_pct", "101", "sum", "shares sum to 101", "warning", erratum="E-07")]
    buffer = io.StringIO()
    problems_frame(written).to_csv(buffer, index=False)
    buffer.seek(0)
    assert [problem_from_record(row) for row in csv.DictReader(buffer)] == written
