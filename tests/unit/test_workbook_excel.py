"""The template workbook as a researcher fills it in a spreadsheet program (issue 22): breakdowns as shares in their
own ``_pct`` columns (decimals, validated 0–100 like Excel's data validation), errors that name the sheet and the
cell to fill, and a warning when the dataset directory and its workbook do not hold the same values.

Cells are written with openpyxl as Excel stores them: numbers as numbers (a share typed as 38.11 is the float
38.11), text as text. The filled workbook is then validated and processed by the command line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from vstudy import cli
from vstudy.data import datasets, manifest, processed, regions, schemas, template, workbook
from vstudy.vocab import AGE_GROUPS, GENDERS, STATUSES

SCHEME = "kz2022"
SOURCE = "SYNTHETIC front-office returns (test)"


def _shares(rng, n: int) -> list[float]:
    """``n`` shares with two decimals that add up to exactly 100.00 (as a front office's percentages would)."""
    raw = rng.dirichlet(np.ones(n) * 4) * 100
    cents = np.floor(raw * 100).astype(int)
    cents[np.argmax(raw)] += 10_000 - cents.sum()
    return [int(c) / 100 for c in cents]


@pytest.fixture(scope="module")
def shares_book(tmp_path_factory) -> tuple[Path, dict]:
    """The 2022 template's workbook filled in a spreadsheet: volunteers as counts, every breakdown as shares."""
    import openpyxl

    out = tmp_path_factory.mktemp("excel") / "shares"
    template.write_template(SCHEME, out, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    book = out / "shares.xlsx"
    rng = np.random.default_rng(2024)
    truth: dict[str, dict[str, float]] = {}
    wb = openpyxl.load_workbook(book)
    ws = wb["regional"]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        code = ws.cell(r, 1).value
        row: dict[str, float] = {"volunteers_count": int(rng.integers(800, 30000)),
                                 "events_count": int(rng.integers(40, 900))}
        for cats in (GENDERS, AGE_GROUPS, STATUSES):
            row.update({schemas.breakdown_pct(c): v for c, v in zip(cats, _shares(rng, len(cats)), strict=True)})
        for col, value in row.items():
            ws.cell(r, header.index(col) + 1, value)
        truth[code] = row
    filled = set(truth["KZ-10"])
    ws = wb["columns"]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == "regional" and ws.cell(r, 2).value in filled:
            ws.cell(r, 8, SOURCE)
    wb.save(book)
    return book, truth


def test_the_share_columns_are_decimal_0_100_and_the_headers_stay_locked(shares_book):
    import openpyxl

    book, _ = shares_book
    ws = openpyxl.load_workbook(book)["regional"]
    header = [c.value for c in ws[1]]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for col in schemas.CONTRACT_BREAKDOWN_PCTS:
        letter = ws.cell(1, header.index(col) + 1).column_letter
        dv = rules[f"{letter}2:{letter}21"]
        assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "100")
        assert dv.error.startswith("A percentage from 0 to 100 (decimals allowed)")
        assert ws.cell(1, header.index(col) + 1).protection.locked  # nothing to rename
        assert not ws.cell(2, header.index(col) + 1).protection.locked
    count = ws.cell(1, header.index("volunteers_male_count") + 1).column_letter
    assert rules[f"{count}2:{count}21"].type == "whole"
    assert header.index("volunteers_male_pct") > header.index("volunteers_neet_count")
    assert isinstance(ws.cell(2, header.index("volunteers_male_pct") + 1).value, float)


def test_a_workbook_filled_with_shares_validates_and_builds(shares_book, tmp_path):
    book, truth = shares_book
    ds = datasets.load_dataset(book)
    assert ds.ok and not ds.errors, [p.format() for p in ds.problems]
    assert cli.main(["validate", "--data", str(book)]) == 0
    out = tmp_path / "processed"
    assert cli.main(["data", "--data", str(book), "--out", str(out)]) == 0
    reg = processed.read_table(f"regions_{SCHEME}", out).set_index("region_code")
    assert list(reg.index) == regions.codes(SCHEME)
    for code, row in truth.items():
        assert reg.at[code, "vol_male_pct"] == pytest.approx(row["volunteers_male_pct"], abs=1e-9)
        assert reg.at[code, "vol_neet_pct"] == pytest.approx(row["volunteers_neet_pct"], abs=1e-9)
        assert reg.at[code, "volunteers_per_100k"] == pytest.approx(
            row["volunteers_count"] / reg.at[code, "population_count"] * 1e5, abs=1e-4)
    age = processed.read_table(f"age_{SCHEME}", out).set_index("region_code")
    assert age.at["KZ-10", "vol_age_18_29_pct"] == pytest.approx(truth["KZ-10"]["volunteers_18_29_pct"])
    assert set(age["pension_correction"]) == {"as supplied"}
    long = processed.read_table(f"long_{SCHEME}", out)
    male = long[long["variable"] == "vol_male_pct"]
    assert set(male["value_kind"]) == {"supplied"} and male["source"].str.contains(SOURCE, regex=False).all()
    exported = workbook.to_directory(book, tmp_path / "exported")  # what a build reads
    assert datasets.load_dataset(exported).ok


def test_the_manifest_sheet_titles_the_dataset_in_each_edition_s_language(shares_book, tmp_path):
    """The manifest sheet has a title per edition (title, title_ru, title_kk), pre-filled from the template's own
    wording; what the researcher types there is each edition's title, in the workbook and in its exported directory."""
    import openpyxl

    book, _ = shares_book
    wb = openpyxl.load_workbook(book)
    ws = wb["manifest"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    assert [k for k in rows if k.startswith("title")] == ["title", "title_ru", "title_kk"]
    assert ws.cell(rows["title_ru"], 2).value == template.dataset_title(SCHEME, "2022", "ru")
    assert ws.cell(rows["title_kk"], 2).value == template.dataset_title(SCHEME, "2022", "kk")
    assert not ws.cell(rows["title_kk"], 2).protection.locked  # the researcher's to edit
    assert ws.cell(rows["title_ru"], 3).value.startswith("title of the dataset in Russian")
    ws.cell(rows["title_ru"], 2, "Волонтёрство в регионах, 2022 (тест)")
    ws.cell(rows["title_kk"], 2).value = None  # left empty: the Kazakh edition names the dataset by its period and scheme
    edited = tmp_path / "titled.xlsx"
    wb.save(edited)
    for source in (edited, workbook.to_directory(edited, tmp_path / "exported")):
        ds = datasets.load_dataset(source)
        assert ds.ok, [p.format() for p in ds.problems]
        assert manifest.title_in(ds.manifest, "ru") == "Волонтёрство в регионах, 2022 (тест)"
        assert manifest.title_in(ds.manifest, "kk") is None
        assert manifest.title_in(ds.manifest, "en") == template.dataset_title(SCHEME, "2022")


def test_a_missing_source_names_the_cell_of_the_columns_sheet(shares_book, tmp_path):
    import openpyxl

    book, _ = shares_book
    wb = openpyxl.load_workbook(book)
    ws = wb["columns"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "volunteers_female_pct")
    ws.cell(row, 8).value = None
    ref = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "life_expectancy_years")
    ws.cell(ref, 9).value = "2021"
    wb.save(tmp_path / "b.xlsx")
    errors = {p.rule: p for p in datasets.load_dataset(tmp_path / "b.xlsx").errors}
    assert set(errors) == {"column_source", "ref_period"}
    src = errors["column_source"]
    assert (src.sheet, src.row, src.cell) == ("columns", row, f"H{row}")
    assert src.message == ("volunteers_female_pct has values on sheet 'regional' but no source: fill cell "
                           f"H{row} of sheet 'columns' (every number needs its provenance)")
    assert "{" not in src.format()  # no YAML advice in a spreadsheet
    assert (errors["ref_period"].sheet, errors["ref_period"].cell) == ("columns", f"I{ref}")


def test_a_bad_period_names_the_manifest_sheet_s_cell(shares_book, tmp_path):
    import openpyxl

    book, _ = shares_book
    wb = openpyxl.load_workbook(book)
    ws = wb["manifest"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "period_end")
    ws.cell(row, 2).value = "2022-02-30"
    wb.save(tmp_path / "p.xlsx")
    [bad] = datasets.load_dataset(tmp_path / "p.xlsx").errors
    assert (bad.sheet, bad.row, bad.column, bad.cell) == ("manifest", row, "period_end", f"B{row}")


def test_the_directory_and_its_workbook_disagreeing_is_said(shares_book, tmp_path):
    """Filling the workbook and validating the directory (or the reverse) names the values the other one holds."""
    import shutil

    book, _ = shares_book
    drop = tmp_path / "shares"
    shutil.copytree(book.parent, drop)
    ds = datasets.load_dataset(drop)  # the CSV files: only the pre-filled official columns
    [hint] = [p for p in ds.warnings if p.rule == "workbook_and_directory"]
    assert hint.message.startswith("the workbook shares.xlsx in this directory differs from the CSV files (filled "
                                   "only in the workbook: volunteers_count, events_count, volunteers_male_pct, ")
    assert f"reads the CSV files. Fill one or the other, then validate the one you filled: vstudy validate --data " \
           f"{drop / 'shares.xlsx'}" in hint.message
    on_book = datasets.load_dataset(drop / "shares.xlsx")
    assert on_book.ok and not [p for p in on_book.problems if p.rule == "workbook_and_directory"]
    (drop / "shares.xlsx").unlink()
    assert not [p for p in datasets.load_dataset(drop).problems if p.rule == "workbook_and_directory"]
