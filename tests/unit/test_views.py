"""The reader views of the section tables (vstudy.present.views) in both editions, on the 2021 study's tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from vstudy.present import labels, tables, views


def _frame(name):
    return pd.DataFrame({
        "region_code": ["KZ-10", "KZ-75"], "region": ["Abai", "Almaty"], "ngo_count": [3, 1200],
        "initiative_group_count": [1, None], "ngo_share_pct": [75.0, 12.345],
        "organisations_per_100k": [1.5, 2.25]})


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_show_uses_the_declared_spec_and_the_edition_language(lang):
    frame = _frame("by_region")
    table = views.show(frame, "02_organisations", "by_region", lang)
    assert table.headers[0] == labels.column_label("region_code", lang)
    assert table.headers[0] == {"en": "Region", "ru": "Регион", "kk": "Өңір"}[lang]
    assert table.rows[1][0] == labels.region_label("KZ-75", lang)
    assert table.rows[1][2] == tables.DASH  # the missing count
    assert any("—" in n for n in table.notes)
    thousand = "1,200" if lang == "en" else "1\u00a0200"  # CLDR: U+00A0 in Russian and Kazakh
    assert table.rows[1][1] == thousand
    assert not any("_" in h for h in table.headers)
    assert "region" not in [h.lower() for h in table.headers[1:]]  # the printed duplicate is not shown twice


def test_show_nothing_for_an_absent_or_empty_table():
    assert views.show(None, "02_organisations", "by_region", "en") is None
    assert views.show(pd.DataFrame(columns=["a"]), "02_organisations", "by_region", "en") is None


def test_a_named_index_becomes_a_column_and_no_row_number_is_shown():
    frame = pd.DataFrame({"status": ["reproduced", "differs"], "meaning": ["a", "b"]}).set_index("status")
    table = views.show(frame, "00_data_quality", "statuses", "ru")
    assert table.headers == [labels.column_label("status", "ru"), "Значение"]
    assert table.rows[0][0] == labels.value_label("reproduced", "ru")
    assert not re.search(r"^\| *0 *\|", table.markdown(), re.M)


def test_every_declared_view_names_columns_with_labels_in_both_languages():
    for key, view in views.VIEWS.items():
        for c in view.get("columns", []):
            name = c.name if isinstance(c, tables.Col) else c
            assert (c.label if isinstance(c, tables.Col) and c.label else labels.has_label(name)), (key, name)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_sensitivity_and_required_tables(lang):
    grid = pd.DataFrame({"wage_basis": ["w"] * 4, "coverage": [1.0, 1.0, 0.5, 0.5],
                         "employer_uplift": [0.0] * 4, "hours_worked_per_month": [160.0, 161.9] * 2,
                         "value_bn_kzt_per_year": [2.84, 2.81, 1.42, 1.405]})
    table = views.sensitivity_table(grid, lang)
    assert len(table.rows) == 2 and table.headers[-1] == {"en": "161.9 h a month", "ru": "161,9 ч в месяц",
                                                          "kk": "айына 161,9 сағ"}[lang]
    assert table.rows[0][1] == "50" and table.rows[0][3] == ("1.42" if lang == "en" else "1,42")
    assert table.headers[1] == {"en": "Coverage, %", "ru": "Охват, %", "kk": "Қамту, %"}[lang]
    required = pd.DataFrame({"wage_basis": ["w", "w"], "solve_for": ["coverage", "hours worked per month"],
                             "coverage": [None, 1.0], "hours_worked_per_month": [160.0, None],
                             "value": [0.4438, 71.008]})
    req = views.required_table(required, lang)
    assert req.rows[0][4] == ("44.4" if lang == "en" else "44,4") and req.rows[1][2] == "100"
    assert req.rows[0][2] == tables.DASH
    assert req.rows[1][1] == {"en": "hours worked a month", "ru": "часов работы в месяц",
                              "kk": "айына жұмыс сағаттары"}[lang]
    assert any({"en": "assumption solved for", "ru": "искомое допущение", "kk": "ізделетін болжам"}[lang] in n
               for n in req.notes)


def test_indicator_units_are_words_in_each_edition():
    frame = pd.DataFrame({"indicator": ["air_emissions_stationary_sources", "own_index"], "period": ["2021", "undated"],
                          "unit": ["thousand_tonnes", "furlongs"], "regions with a value": [17, 3],
                          "regions of the scheme": [17, 17], "missing": ["", "14 regions"]})
    ru = views.show(frame, "00_data_quality", "coverage", "ru").markdown()
    assert "тыс. тонн" in ru and "без даты" in ru and "thousand_tonnes" not in ru
    assert "furlongs" in ru  # a unit the study has no words for is shown as the dataset spells it
    assert "thousand tonnes" in views.show(frame, "00_data_quality", "coverage", "en").markdown()
    kk = views.show(frame, "00_data_quality", "coverage", "kk").markdown()
    assert "мың тонна" in kk and "күні көрсетілмеген" in kk and "thousand" not in kk
