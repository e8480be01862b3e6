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
    assert official.differences(OFFICIAL) == []
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
