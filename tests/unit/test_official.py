"""data/raw/official/indicators.csv is re-extracted from the spreadsheets it cites; origin records stay inside the repo."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import xlrd
import yaml

from vstudy.data import official

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL = ROOT / "data" / "raw" / "official"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module", autouse=True)
def _each_sheet_range_read_once_per_file_content():
    """The extraction opens a spreadsheet for each of its blocks; here the cells of one sheet range of one file's
    bytes are read once for the module (a copy of the originals has the same bytes, so the same cells). Every
    extraction, check and error below still runs on those cells; a file that does not exist is read as before."""
    real = official._read_grid
    cells: dict[tuple, list[tuple[int, list[object]]]] = {}

    def read(path: Path, sheet: str, first: int, last: int) -> list[tuple[int, list[object]]]:
        if not path.is_file():
            return real(path, sheet, first, last)
        key = (hashlib.sha256(path.read_bytes()).hexdigest(), path.suffix, sheet, first, last)
        if key not in cells:
            cells[key] = real(path, sheet, first, last)
        return [(r, list(values)) for r, values in cells[key]]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(official, "_read_grid", read)
        yield


def test_indicators_csv_is_the_extraction():
    assert official.differences(OFFICIAL) == []
    assert (OFFICIAL / "indicators.csv").read_text(encoding="utf-8") == official.to_csv(official.extract(OFFICIAL))


def test_every_extracted_value_is_the_cell_it_names():
    """Independently of the extraction code: open each cell named in `location` and compare."""
    checked = 0
    books: dict[Path, object] = {}
    files = {s["id"]: s["original_file"] for s in yaml.safe_load((OFFICIAL / "source.yml").read_text())["sources"]
             if s.get("original_file")}
    for row in _rows(OFFICIAL / "indicators.csv"):
        m = re.search(r"\[cell '([^']+)'!([A-Z]+)(\d+)\]", row["location"])
        if row["source_id"] not in files:
            assert m is None or "output.csv" in row["location"], row
            continue
        assert m, f"extracted row without a cell reference: {row}"
        sheet, col, r = m.group(1), m.group(2), int(m.group(3))
        path = OFFICIAL / files[row["source_id"]]
        if path not in books:
            books[path] = openpyxl.load_workbook(path, data_only=True) if path.suffix == ".xlsx" \
                else xlrd.open_workbook(path)
        if path.suffix == ".xlsx":
            raw = books[path][sheet][f"{col}{r}"].value
        else:
            c = openpyxl.utils.column_index_from_string(col) - 1
            raw = books[path].sheet_by_name(sheet).cell_value(r - 1, c)
        value = float(str(raw).replace(" ", "")) if isinstance(raw, str) else float(raw)
        assert float(row["value"]) == pytest.approx(value, abs=1e-6), (row["location"], raw)
        checked += 1
    assert checked == 255  # 8 spreadsheets, 14 indicator-periods: 17 regions + national each, 20 + national in 2022


def test_originals_match_their_checksums_and_nothing_points_outside():
    sources = yaml.safe_load((OFFICIAL / "source.yml").read_text())["sources"]
    copied = [s for s in sources if s.get("original_file")]
    assert len(copied) == 8
    for s in copied:
        path = OFFICIAL / s["original_file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == s["sha256"], s["id"]
        assert s.get("redistribution"), f"{s['id']}: a copied file states why it may be redistributed"
    on_disk = {p.name for p in (OFFICIAL / "originals").iterdir() if p.suffix in (".xlsx", ".xls")}
    assert on_disk == {Path(s["original_file"]).name for s in copied}
    for s in sources:
        if s.get("sha256") and not s.get("original_file"):
            assert s.get("not_redistributed"), f"{s['id']}: a file not copied says why and how to obtain it"


def test_no_origin_record_names_a_path_outside_the_repository():
    for record in sorted((ROOT / "data" / "raw").rglob("*.yml")) + sorted((ROOT / "data" / "raw").rglob("*.md")):
        text = record.read_text(encoding="utf-8")
        assert "shared/" not in text and "/work/" not in text, record
        assert not re.search(r"(?m)^\s*(original_)?file:\s*['\"]?(/|\.\./)", text), record


def test_every_area_value_cites_a_page_a_reader_can_find():
    sources = {s["id"]: s for s in yaml.safe_load((OFFICIAL / "source.yml").read_text())["sources"]}
    areas = [r for r in _rows(OFFICIAL / "indicators.csv") if r["indicator"] == "area"]
    assert len(areas) == 17 and all(r["preferred"] == "true" for r in areas)
    for row in areas:
        src = sources[row["source_id"]]
        assert re.match(r"https?://", src["url"]), row
        assert "index id" not in src["url"] + " ".join(src["producer"].values()), row  # {en, ru, kk}
    turkestan = next(r for r in areas if r["region_as_published"] == "Туркестанская область")
    # 11,608.6 thousand hectares (the July 2018 boundary decree) in km²; not South Kazakhstan's 117,249 km².
    assert float(turkestan["value"]) == round(11_608.6 * 1000 / 100)
    assert sources[turkestan["source_id"]]["url"].startswith("https://kaz.tengrinews.kz/")


def test_a_label_the_gazetteer_does_not_know_is_an_error(tmp_path):
    work = tmp_path / "official"
    shutil.copytree(OFFICIAL, work)
    spec = yaml.safe_load((work / "extraction.yml").read_text(encoding="utf-8"))
    lfs = next(b for b in spec["blocks"] if b.get("extract", {}).get("indicator") == "unemployment_rate_annual")
    lfs["labels"] = {k: v for k, v in lfs["labels"].items() if k != "Akmolinskaya"}
    (work / "extraction.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(official.ExtractionError, match=r"Regions_quarter.*DB8.*'Akmolinskaya'"):
        official.extract(work)


def test_check_command_reports_a_changed_value(tmp_path, capsys):
    work = tmp_path / "official"
    shutil.copytree(OFFICIAL, work)
    text = (work / "indicators.csv").read_text(encoding="utf-8")
    (work / "indicators.csv").write_text(text.replace(",735566,", ",735567,", 1), encoding="utf-8")
    assert official.main(["--dir", str(work), "--check"]) == 1
    assert "735566" in capsys.readouterr().err
    assert official.main(["--dir", str(work)]) == 0
    assert official.main(["--dir", str(work), "--check"]) == 0
