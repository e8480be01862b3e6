"""Every official indicator's unit is named in the edition's words, whichever way the dataset came in.

The report's transcription (data/raw) records units by id (``indicators_meta.csv``: ``kzt_per_month``,
``thousand_tonnes`` …); the collection template declares them in English words (``vstudy.data.indicators``). The
processed long table holds the id in both cases, so the data-quality page's coverage table shows «тенге в месяц»,
not "KZT per month", in the Russian edition of a researcher's dataset.
"""

from __future__ import annotations

import pytest

from vstudy import i18n, vocab
from vstudy.data import indicators
from vstudy.data import processed as layer
from vstudy.present import views


@pytest.mark.parametrize(("declared", "unit"), [("KZT per month", "kzt_per_month"), ("thousand KZT", "thousand_kzt"),
                                                ("percent", "pct"), ("thousand tonnes", "thousand_tonnes"),
                                                ("points of 100", "points_of_100"), ("USD", "usd"),
                                                ("persons", "persons")])
def test_a_declared_unit_becomes_the_id_the_datasets_use(declared, unit):
    assert vocab.measure_unit_id(declared) == unit


def test_every_template_indicator_unit_has_words_in_every_edition():
    for spec in indicators.OFFICIAL_INDICATORS:
        unit = vocab.measure_unit_id(spec.unit)
        assert unit in views.UNIT_WORDS, (spec.indicator, spec.unit)
        for lang in ("en", "ru", "kk"):
            assert i18n.has(lang, f"tables.unit.{unit}"), (lang, unit)


@pytest.mark.parametrize("fixture", ["processed_2021", "processed_contract_2022"])
def test_the_processed_long_table_holds_unit_ids(fixture, request):
    folder = request.getfixturevalue(fixture)
    scheme = "kz2021" if fixture.endswith("2021") else "kz2022"
    long = layer.read_table(f"long_{scheme}", folder)
    units = set(long.loc[long["value_kind"] == "official", "unit"].dropna())
    assert units and units <= set(views.UNIT_WORDS), sorted(units - set(views.UNIT_WORDS))
    if scheme == "kz2022":  # the template's declared "percent" and "thousand KZT" arrive as the ids
        assert {"pct", "thousand_kzt"} <= units
