"""Official values pre-filled for a new dataset: every year the kept originals hold, on the right borders."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from vstudy.data import official, paths, prefill, regions

OFFICIAL = paths.raw_dir() / "official"


def _rows(name):
    with open(OFFICIAL / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_series_csv_is_the_extraction_and_agrees_with_the_2021_table():
    # series.csv is the extraction: test_official.test_indicators_csv_is_the_extraction asserts
    # official.differences(OFFICIAL) == [] (both files against a re-extraction); not re-extracted here
    series = {(r["region_code"], r["indicator"], r["ref_period"]): r["value"] for r in _rows("series.csv")}
    checked = 0
    for row in _rows("indicators.csv"):
        code = "KZ" if regions.is_national(row["region_as_published"]) else regions.try_resolve(
            row["region_as_published"], "kz2022")
        key = (code, row["indicator"], row["ref_period"])
        if key in series:
            assert series[key] == row["value"], key
            checked += 1
    assert checked >= 150  # population 2021 and 2022, GRP, life expectancy, emissions, unemployment, applicants


def test_series_marks_the_territory_each_value_describes():
    rows = _rows("series.csv")
    by = {(r["region_code"], r["indicator"], r["ref_period"]): r["territory"] for r in rows}
    assert by[("KZ-19", "population_total", "2021-01-01")] == "kz2021"
    assert by[("KZ-19", "population_total", "2022-01-01")] == "kz2022"
    assert by[("KZ-55", "population_total", "2021-01-01")] == "both"
    assert not any(r["region_code"] in official.CREATED_2022 and r["ref_period"] < "2022" for r in rows)
    years = {r["ref_period"][:4] for r in rows if r["indicator"] == "population_total"}
    assert years == {"2019", "2020", "2021", "2022", "2023"}


def test_a_2022_dataset_of_20_units_gets_population_grp_and_life_expectancy_with_sources():
    fill = prefill.official_values("kz2022", dt.date(2022, 1, 1))
    units = regions.codes("kz2022")
    for column, ref in [("population_count", "2022-01-01"), ("grp_per_capita_thousand_kzt", "2022"),
                        ("life_expectancy_years", "2022"), ("air_emissions_thousand_tonnes", "2022"),
                        ("unemployment_rate_pct", "2022")]:
        assert set(fill.values[column]) == set(units) and len(units) == 20
        assert fill.declarations[column]["ref_period"] == ref
        assert "Bureau of National Statistics" in fill.declarations[column]["source"]
    assert fill.values["population_count"]["KZ-10"] == "611888"  # Abai, 1 January 2022, cell X3 of the original
    assert fill.values["life_expectancy_years"]["KZ-62"] == "71.44"
    assert "avg_monthly_wage_kzt" in fill.missing  # no regional wage original is kept: left for the researcher


def test_a_2023_dataset_gets_only_what_the_originals_hold_for_2023():
    fill = prefill.official_values("kz2022", dt.date(2023, 1, 1))
    assert set(fill.declarations) == {"population_count"}
    assert fill.values["population_count"]["KZ-10"] == "610205"
    assert "2022" in fill.missing["life_expectancy_years"]  # it says which years the originals hold


def test_the_other_scheme_s_borders_are_never_used():
    fill = prefill.official_values("kz2022", dt.date(2021, 7, 1))
    assert fill.values == {}  # 2021 values of KZ-19/35/63 describe the 2021 territory; Abai etc. did not exist
    assert "population_count" in fill.missing
    old = prefill.official_values("kz2021", dt.date(2021, 7, 1))
    assert old.values["population_count"]["KZ-19"] == "2077967"
    assert "KZ-10" not in old.values["population_count"]


@pytest.mark.parametrize("scheme", ["kz2021", "kz2022"])
def test_an_empty_series_fills_nothing_and_says_so(tmp_path, scheme):
    fill = prefill.official_values(scheme, dt.date(2022, 1, 1), base=tmp_path)
    assert fill.values == {} and "population_count" in fill.missing


# --- the template pre-filled (vstudy template --start … --end …) -------------------------------------------------


def _held(scheme: str, year: int) -> set[str]:
    """Contract columns series.csv holds for every unit of ``scheme`` for a dataset starting in ``year``
    (computed from series.csv directly, not through prefill)."""
    from vstudy.data import indicators

    units = set(regions.codes(scheme))
    rows = [r for r in _rows("series.csv") if r["territory"] in ("both", scheme)]
    out = set()
    for spec in indicators.BY_CONTRACT.values():
        mine = [r for r in rows if r["indicator"] == spec.indicator]
        if spec.period.startswith("latest"):  # a lagging series: any year up to Y would do
            assert not mine, "the series holds a lagging indicator: test it here"
            continue
        wanted = spec.period.format(Y=year, Y1=year + 1)
        if units <= {r["region_code"] for r in mine if r["ref_period"] == wanted}:
            out.add(spec.contract)
    return out


@pytest.fixture(scope="module")
def template_2022(tmp_path_factory):
    from vstudy import cli

    out = tmp_path_factory.mktemp("prefilled") / "next2022"
    assert cli.main(["template", "--scheme", "kz2022", "--out", str(out), "--start", "2022-01-01",
                     "--end", "2022-12-31"]) == 0
    return out


def test_the_2022_template_prefills_every_indicator_the_originals_hold_for_all_20_units(template_2022):
    import yaml

    held = _held("kz2022", 2022)
    assert {"population_count", "grp_per_capita_thousand_kzt", "life_expectancy_years", "air_emissions_thousand_tonnes",
            "unemployment_rate_pct", "grp_per_capita_usd", "life_expectancy_female_years"} <= held
    with open(template_2022 / "regional.csv", encoding="utf-8", newline="") as fh:
        rows = {r["region_code"]: r for r in csv.DictReader(fh)}
    assert list(rows) == regions.codes("kz2022") and len(rows) == 20
    series = {(r["region_code"], r["indicator"], r["ref_period"]): r["value"] for r in _rows("series.csv")}
    from vstudy.data import indicators

    for column in held:
        spec = indicators.BY_CONTRACT[column]
        ref = spec.period.format(Y=2022, Y1=2023)
        for code, row in rows.items():
            assert row[column] == series[(code, spec.indicator, ref)], (column, code)
    assert rows["KZ-10"]["population_count"] == "611888" and rows["KZ-62"]["life_expectancy_years"] == "71.44"
    empty = [c for c in rows["KZ-10"] if c.endswith(("_count", "_pct", "_kzt", "_years", "_tonnes", "_km2", "_rank",
                                                      "_month")) and c not in held]
    assert all(rows[code][c] == "" for code in rows for c in empty)
    assert "volunteers_count" in empty and "avg_monthly_wage_kzt" in empty and "volunteers_male_pct" in empty
    declared = yaml.safe_load((template_2022 / "manifest.yml").read_text(encoding="utf-8"))["tables"]["regional"][
        "columns"]
    for column in held:
        assert "Bureau of National Statistics" in declared[column]["source"]
        assert "data/raw/official/originals/" in declared[column]["source"]
    assert declared["population_count"]["ref_period"] == "2022-01-01"
    assert declared["grp_per_capita_thousand_kzt"]["ref_period"] == "2022"
    assert declared["volunteers_count"]["source"] == "" and declared["avg_monthly_wage_kzt"]["source"] == ""


def test_the_workbook_holds_the_same_numbers_and_says_why_a_column_stays_empty(template_2022):
    import openpyxl

    wb = openpyxl.load_workbook(template_2022 / "next2022.xlsx")
    ws = wb["regional"]
    header = [c.value for c in ws[1]]
    pop = [ws.cell(r, header.index("population_count") + 1).value for r in range(2, 22)]
    assert pop[0] == 611888 and isinstance(pop[0], int) and all(isinstance(v, int) for v in pop)
    assert ws.cell(2, header.index("life_expectancy_years") + 1).value == 73.8
    cols = wb["columns"]
    head = [c.value for c in cols[1]]
    assert head[7:] == ["source", "ref_period", "note"]
    rows = {(r[0], r[1]): dict(zip(head, r, strict=True)) for r in cols.iter_rows(min_row=2, values_only=True)}
    pop_row = rows[("regional", "population_count")]
    assert pop_row["ref_period"] == "2022-01-01" and "Bureau of National Statistics" in pop_row["source"]
    assert pop_row["note"].startswith("pre-filled: the Bureau's figures for 2022-01-01")
    assert "заполнено заранее" in pop_row["note"] and "алдын ала толтырылған" in pop_row["note"]
    wage = rows[("regional", "avg_monthly_wage_kzt")]
    assert wage["source"] is None
    assert wage["note"].startswith("empty: the repository keeps no original with this indicator by region")
    assert "в репозитории нет оригинала" in wage["note"] and "түпнұсқа жоқ" in wage["note"]
    vol = rows[("regional", "volunteers_count")]
    assert vol["source"] is None and vol["note"].startswith("to fill from the front offices' returns")


def test_a_2023_template_prefills_the_population_and_says_which_years_the_others_hold(tmp_path):
    import openpyxl

    from vstudy.data import template

    template.write_template("kz2022", tmp_path / "t", dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    with open(tmp_path / "t" / "regional.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["population_count"] == "610205" and all(r["population_count"] for r in rows)
    assert all(r["life_expectancy_years"] == "" and r["grp_per_capita_thousand_kzt"] == "" for r in rows)
    wb = openpyxl.load_workbook(tmp_path / "t" / "t.xlsx")
    notes = {r[1]: r[9] for r in wb["columns"].iter_rows(min_row=2, values_only=True) if r[0] == "regional"}
    assert notes["life_expectancy_years"].startswith(
        "empty: the originals the repository keeps hold 2019, 2020, 2021, and 2022, none of them 2023 for every unit "
        "of kz2022 on its borders")
    assert "2019, 2020, 2021 и 2022" in notes["life_expectancy_years"]


@pytest.mark.parametrize("route", ["directory", "workbook"])
def test_the_prefilled_template_validates_once_the_front_offices_columns_are_filled(template_2022, tmp_path, route):
    """Only the front offices' columns are filled (numbers, with their source): the official ones stay as the
    template wrote them, and the dataset validates and processes with the official values."""
    import shutil

    import numpy as np
    import openpyxl
    import yaml

    from vstudy import cli
    from vstudy.data import datasets, processed

    drop = tmp_path / "next2022"
    shutil.copytree(template_2022, drop)
    rng = np.random.default_rng(7)
    counts = {}
    for code in regions.codes("kz2022"):
        vol = int(rng.integers(500, 20000))
        male = int(vol * 0.4)
        counts[code] = {"volunteers_count": vol, "volunteers_male_count": male, "volunteers_female_count": vol - male,
                        "ngo_count": int(rng.integers(5, 80)), "initiative_group_count": int(rng.integers(5, 200)),
                        "events_count": int(rng.integers(50, 900)), "hours_count": vol * 11}
    front = list(counts["KZ-10"])
    if route == "directory":
        with open(drop / "regional.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            row.update({c: str(v) for c, v in counts[row["region_code"]].items()})
        with open(drop / "regional.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        manifest = yaml.safe_load((drop / "manifest.yml").read_text(encoding="utf-8"))
        for c in front:
            manifest["tables"]["regional"]["columns"][c]["source"] = "SYNTHETIC front-office returns (test)"
        (drop / "manifest.yml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
        (drop / "next2022.xlsx").unlink()
        target = drop
    else:
        target = drop / "next2022.xlsx"
        wb = openpyxl.load_workbook(target)
        ws = wb["regional"]
        header = [c.value for c in ws[1]]
        for r in range(2, ws.max_row + 1):
            for c, v in counts[ws.cell(r, 1).value].items():
                ws.cell(r, header.index(c) + 1, v)
        ws = wb["columns"]
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 1).value == "regional" and ws.cell(r, 2).value in front:
                ws.cell(r, 8, "SYNTHETIC front-office returns (test)")
        wb.save(target)
    ds = datasets.load_dataset(target)
    assert ds.ok and not ds.warnings, [p.format() for p in ds.problems]
    out = tmp_path / "processed"
    assert cli.main(["data", "--data", str(target), "--out", str(out)]) == 0
    reg = processed.read_table("regions_kz2022", out).set_index("region_code")
    assert len(reg) == 20
    assert reg.at["KZ-10", "population_count"] == 611888 and reg.at["KZ-62", "life_expectancy_years"] == 71.44
    vol = counts["KZ-10"]["volunteers_count"]
    assert reg.at["KZ-10", "volunteers_per_100k"] == pytest.approx(vol / 611888 * 1e5, abs=1e-4)
