"""Reader-facing labels (vstudy.present.labels): both languages, one place, ids translated, unknown keys loud."""

from __future__ import annotations

import pytest

from vstudy import i18n
from vstudy.analysis import correlations, infoline
from vstudy.present import labels, plots
from vstudy.present.labels import LANGS  # the languages its tables hold (kk: the labels catalogue)
from vstudy.vocab import SECTIONS


def test_every_label_exists_in_both_languages_and_is_not_blank():
    for table in (labels.LABELS, labels.COLUMN_LABELS):
        assert set(table) == set(LANGS)
        keys = set(table["en"])
        assert all(set(table[lang]) == keys for lang in LANGS)
        for lang in LANGS:
            assert all(text.strip() == text and text for text in table[lang].values()), lang


def test_russian_headers_are_russian():
    # A Russian header that equals the English one is a forgotten translation, except symbols and names.
    same = {k for k in labels.COLUMN_LABELS["en"] if labels.COLUMN_LABELS["en"][k] == labels.COLUMN_LABELS["ru"][k]}
    assert same <= {"n", "r", "p", "r2"}, same


def test_plots_print_the_same_labels_as_tables():
    assert plots.label is labels.label and plots.region_label is labels.region_label
    assert plots.LABELS is labels.LABELS


def test_declared_variables_and_channels_are_read_from_the_analysis_layer():
    for var in correlations.VARIABLES:
        for lang in LANGS:
            assert labels.label(var.key, lang) == var.label(lang)
    assert labels.value_label("whatsapp", "ru") == infoline.CHANNEL_LABELS["ru"]["whatsapp"]
    assert labels.value_label("partners", "en") == infoline.CATEGORY_LABELS_EN["partners"]
    # a published coefficient reads as its two variables
    pair = next(p for p in correlations.PAIRS if p.coef_id == "volunteers_vs_organisations")
    x, y = correlations.VARIABLE_BY_KEY[pair.x], correlations.VARIABLE_BY_KEY[pair.y]
    assert labels.value_label("volunteers_vs_organisations", "ru") == f"{x.label('ru')} × {y.label('ru')}"
    for section_id, section in SECTIONS.items():  # the titles of the sections catalogue
        for lang in LANGS:
            assert labels.value_label(section_id, lang) == i18n.text(lang, section.title_id)


def test_column_labels_fall_back_to_terms_and_patterns():
    assert labels.column_label("under18", "ru") == labels.label("under18", "ru") == "Младше 18 лет"
    assert labels.column_label("region_code", "ru") == "Регион"
    assert labels.column_label("173.33 h/month", "ru") == "173,33 ч в месяц"
    assert labels.column_label("160 h/month", "en") == "160 h a month"
    # a column's header and a term of the same name may differ: "status" of the register is not a social status
    assert labels.column_label("status", "en") == "Status" and labels.label("status", "en") == "Social status"
    # cells naming columns (02's totals, 07's metrics) read as the column header
    assert labels.value_label("ngo_count", "ru") == "НПО"


def test_ids_and_free_text():
    assert labels.is_id("vol_age_18_29_pct") and labels.is_id("not reproducible")
    assert not labels.is_id("not published; residual and reconstruction agree")
    assert not labels.is_id("average monthly nominal wage 2021 (annual)")
    assert not labels.is_id(3.5)


def test_unknown_keys_are_loud():
    with pytest.raises(KeyError, match="no en label"):
        labels.value_label("no_such_id", "en")
    with pytest.raises(KeyError, match="no ru label"):
        labels.column_label("no_such_column", "ru")
    assert labels.column_label("no_such_column", "ru", default=None) is None
    assert labels.column_label("no_such_column", "ru", default="x") == "x"
    with pytest.raises(ValueError):
        labels.column_label("n", "de")
    with pytest.raises(KeyError, match="unknown region code"):
        labels.region_label("KZ-00", "en")


def test_period_label_follows_the_manifest_dates():
    from vstudy.present.labels import period_label

    h2 = {"start": "2021-07-01", "end": "2021-12-31", "label": "2021-H2"}
    assert period_label(h2, "en") == "July–December 2021"
    assert period_label(h2, "ru") == "июль–декабрь 2021 года"
    assert period_label({"start": "2022-07-01", "end": "2023-06-30"}, "en") == "July 2022 – June 2023"
    assert period_label({"start": "2022-03-01", "end": "2022-03-31"}, "ru") == "март 2022 года"
    assert period_label({"label": "2022-H2"}, "en") == "2022-H2"  # no dates: the manifest's own label
    assert period_label(None, "en") == ""
