"""Reader-facing labels (vstudy.present.labels): every edition's language (en, ru, kk) from the ``labels``
catalogue, one place, ids translated, unknown keys loud, region names from the gazetteer, periods by CLDR."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from vstudy import i18n
from vstudy.analysis import correlations, infoline
from vstudy.data import regions
from vstudy.present import labels, plots
from vstudy.vocab import SECTIONS

LANGS = ("en", "ru", "kk")
KAZAKH_ONLY = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
SYMBOLS = {"n", "r", "p", "r2", "pct", "km2", "percent"}  # the same in every language: symbols, not words
# The Birgemiz programmes: the Russian edition writes them as the report's Russian text prints them (Latin Kazakh).
PROGRAMMES = {"asyl_mura", "ayala", "bilim", "qamqor", "sabaqtastyq", "sayluq", "taza_alem"}


def test_every_label_exists_in_every_language_and_is_not_blank():
    for table in (labels.LABELS, labels.COLUMN_LABELS):
        assert set(table) == set(LANGS) == set(labels.LANGS)
        keys = set(table["en"])
        assert len(keys) > 150
        assert all(set(table[lang]) == keys for lang in LANGS)
        for lang in LANGS:
            assert all(text.strip() == text and text for text in table[lang].values()), lang


def test_labels_are_the_catalogue_s_messages():
    assert labels.label("under18", "kk") == i18n.text("kk", "labels.term.under18") == "18 жасқа дейін"
    assert labels.column_label("ngo_count", "kk") == i18n.text("kk", "labels.column.ngo_count") == "ҮЕҰ"
    assert labels.label("volunteers", "ru") == "Число волонтёров"


def test_russian_and_kazakh_headers_are_translated():
    # A header that equals the English one is a forgotten translation, except symbols.
    for lang in ("ru", "kk"):
        for table in (labels.COLUMN_LABELS, labels.LABELS):
            same = {k for k in table["en"] if table["en"][k] == table[lang][k]}
            assert same <= SYMBOLS | (PROGRAMMES if lang == "ru" else set()), (lang, same)


def test_every_label_id_has_a_kazakh_text_in_kazakh_letters():
    for table in (labels.LABELS, labels.COLUMN_LABELS):
        for key, text in table["kk"].items():
            if key in SYMBOLS:
                continue
            assert CYRILLIC.search(text), (key, text)
    # Kazakh, not Russian copied into the Kazakh file: the same text only for names and words both languages share
    shared = {"pearson", "spearman", "fisher_jenks", "context", "coef_id", "file", "item", "p_bh", "p_holm", "p_rho",
              "scale", "skewness"}
    for table in (labels.LABELS, labels.COLUMN_LABELS):
        same = {k for k in table["kk"] if table["kk"][k] == table["ru"][k]} - SYMBOLS
        assert same <= shared, sorted(same - shared)
    kazakh = [k for k, v in labels.COLUMN_LABELS["kk"].items() if KAZAKH_ONLY.search(v)]
    assert len(kazakh) > 200  # most headers use letters Russian lacks
    assert labels.column_label("initiative_group_count", "kk") == "Бастамашыл топтар"  # the glossary's term
    assert labels.label("volunteers", "kk") == "Волонтерлер саны"  # волонтер, as the law says
    assert labels.label("no_data", "kk") == "Деректер жоқ"


def test_plots_print_the_same_labels_as_tables():
    assert plots.label is labels.label and plots.region_label is labels.region_label
    assert plots.LABELS is labels.LABELS


def test_declared_variables_and_channels_are_read_from_the_analysis_layer():
    for var in correlations.VARIABLES:
        for lang in ("en", "ru"):
            assert labels.label(var.key, lang) == var.label(lang)
    # Kazakh: the catalogue's term where there is one; the analysis layer's own words otherwise (until its kk lands)
    assert labels.label("organisations_per_100k", "kk") == "100 мың тұрғынға шаққандағы ұйымдар"
    assert labels.label("volunteers_per_100k", "kk") == "100 мың тұрғынға шаққандағы волонтерлер"
    assert labels.value_label("whatsapp", "ru") == infoline.channel_label("whatsapp", "ru")
    assert labels.value_label("partners", "en") == infoline.category_label("partners", "en")
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
    assert labels.column_label("region_code", "kk") == "Өңір"
    assert labels.column_label("173.33 h/month", "ru") == "173,33 ч в месяц"
    assert labels.column_label("160 h/month", "en") == "160 h a month"
    assert labels.column_label("173.33 h/month", "kk") == "айына 173,33 сағ"
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
    with pytest.raises(KeyError, match="catalogues/kk/labels.yml"):
        labels.label("no_such_id", "kk")
    with pytest.raises(KeyError, match="unknown region code"):
        labels.region_label("KZ-00", "en")


def test_period_label_is_cldr_s_interval_of_months():
    from vstudy.present.labels import period_label

    h2 = {"start": "2021-07-01", "end": "2021-12-31", "label": "2021-H2"}
    assert period_label(h2, "en") == "July\u2009–\u2009December 2021"
    assert period_label(h2, "ru") == "июль – декабрь 2021\u202fг."
    assert period_label(h2, "kk") == "2021\u202fж. шілде – желтоқсан"
    assert period_label({"start": "2022-07-01", "end": "2023-06-30"}, "en") == "July 2022\u2009–\u2009June 2023"
    assert period_label({"start": "2022-03-01", "end": "2022-03-31"}, "ru") == "март 2022\u202fг."
    # a manifest read by YAML holds dates, not strings
    import datetime as dt

    assert period_label({"start": dt.date(2023, 1, 1), "end": dt.date(2023, 6, 30)}, "en") == \
        "January\u2009–\u2009June 2023"
    assert period_label({"label": "2022-H2"}, "en") == "2022-H2"  # no dates: the manifest's own label
    assert period_label(None, "en") == ""
    with pytest.raises(ValueError, match="ends"):
        period_label({"start": "2021-12-31", "end": "2021-07-01"}, "en")


def test_gazetteer_has_kazakh_names_for_all_twenty_units():
    units = regions.units("kz2022")
    assert len(units) == 20
    assert units["name_kk"].notna().all() and (units["name_kk"].str.strip() != "").all()
    # Kazakh names, with the Kazakh designators after the name («Абай облысы», «Астана қаласы»)
    kinds = {"oblast": " облысы", "city": " қаласы"}
    assert all(n.endswith(kinds[k]) for n, k in zip(units["name_kk"], units["kind"], strict=True))
    names = {code: labels.region_label(code, "kk") for code in units["code"]}
    assert len(set(names.values())) == 20  # unique: Almaty Region keeps «облысы», the city of Almaty does not
    assert names["KZ-75"] == "Алматы" and names["KZ-19"] == "Алматы облысы"
    assert names["KZ-59"] == "Солтүстік Қазақстан" and names["KZ-62"] == "Ұлытау" and names["KZ-61"] == "Түркістан"
    assert names["KZ-71"] == "Астана" and names["KZ-79"] == "Шымкент"
    for code, name in names.items():
        assert name == regions.name(code, "kk", short=True) or name == regions.name(code, "kk"), code
        assert not re.search(r"[A-Za-z]", name), name
    # the 17 units of 2021 are a subset with the same names
    assert set(regions.codes("kz2021")) <= set(names)


def test_region_labels_in_a_table_are_kazakh_in_the_kazakh_edition():
    from vstudy.present import tables

    frame = pd.DataFrame({"region_code": ["KZ-11", "KZ-75"], "ngo_count": [12, 140]})
    table = tables.reader_table(frame, None, "kk")
    assert table.headers == ["Өңір", "ҮЕҰ"]
    assert [row[0] for row in table.rows] == ["Ақмола", "Алматы"]
