"""Schemas: data/raw validates, known errata become warnings, and the dictionary documents every column."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from vstudy.data import datasets, dictionary, errata, schema_model, schemas, validation


@pytest.fixture()
def raw(raw_2021):
    return raw_2021


def test_data_raw_is_valid(raw):
    assert raw.ok, "\n".join(p.format() for p in raw.errors)
    assert raw.scheme == "kz2021" and raw.period_label == "2021-H2" and raw.year == 2021


def test_every_warning_is_a_declared_erratum(raw, repo_root):
    with open(repo_root / "data/raw/report_2021/errata.csv", encoding="utf-8") as fh:
        declared = {r["erratum_id"]: r for r in csv.DictReader(fh)}
    assert raw.warnings, "the report's known defects must be visible as warnings"
    for p in raw.warnings:
        assert p.erratum in declared
        assert declared[p.erratum]["rule_id"] in ("duplicate_list", "truncated_label")
    # E01: one sum violation per region (17) + the duplicated list itself; E10: the truncated national share.
    by_erratum = pd.Series([p.erratum for p in raw.warnings]).value_counts()
    assert by_erratum["E01"] == 17 + 1 and by_erratum["E10"] == 1


def test_without_the_erratum_the_same_violations_are_errors(raw, repo_root, tmp_path):
    import shutil

    copy = tmp_path / "raw"
    shutil.copytree(repo_root / "data/raw", copy, ignore=shutil.ignore_patterns("regions"))
    errata = copy / "report_2021/errata.csv"
    lines = errata.read_text(encoding="utf-8").splitlines(keepends=True)
    errata.write_text("".join(line for line in lines if not line.startswith("E01,")), encoding="utf-8")
    ds = datasets.load_dataset(copy)
    assert not ds.ok
    assert {p.rule for p in ds.errors} == {"sums_to_100", "distinct_lists"}
    assert {p.file for p in ds.errors} == {"report_2021/age_by_region.csv"}


def test_every_report_value_has_its_source_line(raw):
    for name, frame in raw.tables.items():
        if "source_line" in frame.columns and raw.files[name].startswith("report_2021/"):
            assert frame["source_line"].notna().all(), name


def test_region_lists_resolve_to_the_17_units_once_each(raw):
    for name, group_col in (("age_by_region", "age_group"), ("status_by_region", "status")):
        frame = raw.tables[name]
        counts = frame.groupby(group_col)["region_code"].nunique()
        assert (counts == 17).all() and len(frame) == 4 * 17


def test_selector_parsing():
    assert errata.parse_selector("age_group=pension (all 17 rows)") == {"age_group": {"pension"}}
    assert errata.parse_selector("status in (neet, unemployed), region_as_published in (A, B)") == {
        "status": {"neet", "unemployed"}, "region_as_published": {"A", "B"}}
    assert errata.parse_selector("all 3 rows") == {}


def test_data_dictionary_documents_every_declared_column():
    dd = dictionary.data_dictionary()
    for key, schema in schemas.all_schemas().items():
        layer, table = key.split(".", 1)
        got = dd[(dd["layer"] == layer) & (dd["table"] == table)]["column"].tolist()
        assert got == schema.names
    pct = dd[dd["column"].str.endswith("_pct") & (dd["dtype"] == "float")]
    assert pct["unit"].isin(["percent", "points"]).all()  # points: a difference of two shares
    md = dictionary.data_dictionary_markdown()
    assert "## `processed.regions`" in md and "`vol_age_pension_pct_published`" in md


def test_wide_column_names_carry_their_unit():
    units = ("_pct", "_count", "_kzt", "_per_100k", "_km2", "_years", "_rank", "_usd", "_tonnes", "_per_month",
             "_per_km2", "_published")
    for col in schemas.PROCESSED["regions"].columns[3:]:
        assert col.name.endswith(units), col.name


def test_check_frame_reports_processed_problems_by_line():
    frame = pd.DataFrame({"region_code": ["KZ-11", "KZ-11", "KZ-99"]})
    schema = schema_model.TableSchema("t", "processed", "", (schema_model.text("region_code", "code"),),
                                 rules=(schema_model.RegionRule("region_code", codes=True),))
    problems = validation.check_frame(frame, schema, "t.csv", "kz2021")
    rules = {(p.rule, p.row) for p in problems}
    assert ("region_in_scheme", 4) in rules and ("region_once", 3) in rules
    assert any(p.rule == "region_complete" for p in problems)
