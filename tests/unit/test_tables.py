"""Reader-facing tables (vstudy.present.tables) on the processed layer of data/raw, in every edition (en, ru, kk):
numbers as CLDR writes them (Russian and Kazakh group thousands with U+00A0, negatives take U+2212)."""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pandas as pd
import pytest

from vstudy.data import processed, regions
from vstudy.present import labels, tables


def _rows(markdown: str) -> list[list[str]]:
    """Cells of the first pipe table in ``markdown`` as the reader sees them (entities resolved), header first."""
    lines = []
    for line in markdown.splitlines():
        if not line.startswith("|"):
            if lines:
                break
            continue
        lines.append(line)
    rows = [[html.unescape(c.strip()) for c in line.strip("|").split(" | ")] for line in lines]
    return [rows[0], *rows[2:]]


def _group(digits: str, sep: str) -> str:
    # thousands grouping written out digit by digit, independently of format()
    out = ""
    for i, ch in enumerate(reversed(digits)):
        if i and i % 3 == 0:
            out = sep + out
        out = ch + out
    return out


@pytest.fixture(scope="module")
def orgs(processed_2021):
    return processed.read_table("organisations_kz2021", processed_2021)


@pytest.fixture(scope="module")
def regional(processed_2021):
    return processed.read_table("regions_kz2021", processed_2021)


NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_labels_region_names_and_no_index(orgs, lang):
    spec = ["region_code", "ngo_count", "initiative_group_count", "organisations_count", "reproduces_published"]
    frame = orgs.set_index(pd.Index(range(100, 100 + len(orgs))))  # an index that must not show
    table = tables.reader_table(frame, spec, lang)
    rows = _rows(table.markdown())
    assert rows[0] == [labels.column_label(c, lang) for c in spec]
    assert len(rows) == len(orgs) + 1
    assert [r[0] for r in rows[1:]] == [labels.region_label(c, lang) for c in orgs["region_code"]]
    for r, (_, src) in zip(rows[1:], orgs.iterrows(), strict=True):
        assert len(r) == len(spec)  # no index column
        assert r[1] == str(int(src["ngo_count"]))
        assert r[4] == {"en": {True: "yes", False: "no"}, "ru": {True: "да", False: "нет"},
                        "kk": {True: "иә", False: "жоқ"}}[lang][bool(src["reproduces_published"])]
    assert "100" not in {r[0] for r in rows}
    if lang != "en":
        assert rows[1][0] == regions.name(orgs["region_code"].iloc[0], lang, short=True)  # Акмолинская / Ақмола
    if lang == "kk":
        assert rows[0][:3] == ["Өңір", "ҮЕҰ", "Бастамашыл топтар"]
        assert rows[1][0] == "Ақмола"


def test_number_conventions_in_every_edition(regional):
    row = regional.iloc[[0]]
    spec = ["region_code", "population_count", tables.col("ngo_share_pct", decimals=2), "organisations_per_100k"]
    en = _rows(tables.reader_table(row, spec, "en").markdown())[1]
    ru = _rows(tables.reader_table(row, spec, "ru").markdown())[1]
    kk = _rows(tables.reader_table(row, spec, "kk").markdown())[1]
    population = str(int(row["population_count"].iloc[0]))
    assert len(population) > 3
    # CLDR: a comma in English, a no-break space (U+00A0, not the narrow U+202F) in Russian and Kazakh
    assert en[1] == _group(population, ",") and ru[1] == _group(population, NBSP) and kk[1] == ru[1]
    assert kk[1:] == ru[1:]
    share = row["ngo_share_pct"].iloc[0]
    whole, frac = f"{share:.2f}".split(".")
    assert en[2] == f"{whole}.{frac}" and ru[2] == f"{whole},{frac}"
    # a rate with more decimals than two in the data is shown to two
    rate = row["organisations_per_100k"].iloc[0]
    assert round(rate, 2) != rate
    assert float(en[3].replace(",", "")) == pytest.approx(round(rate, 2))
    assert ru[3] == en[3].replace(".", ",")


def test_p_values_coefficients_and_missing_values():
    frame = pd.DataFrame({"x": ["organisations_count", "ngo_share_pct"], "r": [-0.5049, 0.2],
                          "p": [0.0004, 0.2549], "p_holm": [np.nan, 1.0], "n": [17, 12]})
    en = tables.reader_table(frame, None, "en", missing_reason={"en": "one pair only", "ru": "одна пара"})
    ru = tables.reader_table(frame, None, "ru", missing_reason={"en": "one pair only", "ru": "одна пара"})
    e, r = _rows(en.markdown()), _rows(ru.markdown())
    assert e[1] == ["Organisations (NGOs + initiative groups)", "\u22120.50", "< 0.001", "—", "17"]
    assert r[1][1:4] == ["\u22120,50", "< 0,001", "—"]
    assert e[2][2:4] == ["0.255", "1.000"]
    assert r[0][0] == "Переменная x" and r[1][0].startswith("Организации")
    assert "A dash (—) marks a missing value: one pair only." in html.unescape(en.markdown())
    assert "Прочерк (—) означает, что значения нет: одна пара." in html.unescape(ru.markdown())
    # without a stated reason the note still says what the dash means
    plain = html.unescape(tables.reader_table(frame[["p_holm"]], None, "en").markdown())
    assert "A dash (—) marks a missing value: the data have no value for it." in plain
    # a reason per column names the column
    per_column = html.unescape(
        tables.reader_table(frame, ["x", tables.col("p_holm", missing="not corrected")], "en").markdown())
    assert "A dash (—) in «p (Holm)»: not corrected." in per_column


def test_kazakh_edition_numbers_notes_and_catalogue_messages():
    frame = pd.DataFrame({"x": ["organisations_count", "ngo_share_pct"], "r": [-0.5049, 0.2],
                          "p": [0.0004, 0.2549], "p_holm": [np.nan, 1.0], "n": [17, 12],
                          "population_count": [1_675_403, -12_345.0]})
    kk = tables.reader_table(frame, None, "kk", missing_reason=tables.msg("tables.reason.not_published"))
    rows = _rows(kk.markdown())
    assert rows[0][:2] == ["x айнымалысы", "r"]
    assert rows[1][1:5] == [f"{MINUS}0,50", "< 0,001", "—", "17"]
    assert rows[1][5] == f"1{NBSP}675{NBSP}403" and rows[2][5] == f"{MINUS}12{NBSP}345"
    assert not any("-" in c for r in rows[1:] for c in r[1:])  # no hyphen-minus in a number
    notes = html.unescape(kk.markdown())
    assert "Сызықша (—) мәннің жоқ екенін білдіреді: есепте жарияланбаған." in notes
    assert tables.study_table_link("by_region", "02_organisations", "kk") == (
        "[Толық кесте CSV пішімінде](../tables/02_organisations__by_region.csv)")
    # a mapping of texts that lacks the edition's language is refused loudly, naming the way out
    with pytest.raises(KeyError, match="no kk text"):
        tables.reader_table(frame, None, "kk", missing_reason={"en": "one pair only", "ru": "одна пара"})


def test_format_number_is_cldr_s():
    assert tables.format_number(1_234_567.891, 1, "en") == "1,234,567.9"
    assert tables.format_number(1_234_567.891, 1, "ru") == f"1{NBSP}234{NBSP}567,9"
    assert tables.format_number(-0.004, 2, "kk") == "0,00"  # rounds to zero: no sign
    assert tables.format_number(-3.5, 1, "en") == f"{MINUS}3.5"
    assert tables.format_p(0.0004, "kk") == "< 0,001" and tables.format_p(0.0123, "en") == "0.012"


def test_a_wide_table_is_never_cut_into_column_blocks(regional):
    """Too wide even without its optional columns: text wraps tighter, then the last columns leave the page (into
    the CSV, named in a note); the website and the print show the same columns, the first always."""
    numeric = [c for c in regional.columns if c.endswith(("_count", "_pct", "_per_100k"))]
    spec = ["region_code", *numeric]
    table = tables.reader_table(regional, spec, "ru", max_width_chars=80,
                                csv_link=tables.study_table_link("regions", lang="ru"))
    assert table.shown[0] == 0 and table.tight and table.cut
    assert table.shown + table.cut == list(range(len(spec)))  # the last columns leave, in order
    assert table.width() <= 80 < table.width([*table.shown, table.cut[0]])
    md = html.unescape(table.markdown())
    assert "продолжение" not in md and "content-visible" not in md
    header = [line for line in md.splitlines() if line.startswith("| ")][0]
    assert header.count(" | ") == len(table.shown) - 1  # one pipe table of the shown columns
    left = ", ".join(f"«{table.headers[i]}»" for i in table.cut[:-1])
    assert f"Только в полной таблице (CSV): {left} и «{table.headers[table.cut[-1]]}»." in md
    assert len(re.findall(r"<th[ >]", table.html())) == len(table.shown)
    assert f'data-cut="{len(table.cut)}"' in table.html()
    rule = [line for line in md.splitlines() if line.startswith("|:") or line.startswith("|-")][0]
    assert sum(len(seg.strip(":")) for seg in rule.strip("|").split("|")) == table.width()


def test_optional_columns_leave_the_page_for_the_csv(regional):
    spec = ["region_code", "ngo_count", "initiative_group_count", "organisations_count",
            tables.col("population_count", optional=True), tables.col("life_expectancy_years", optional=True),
            tables.col("grp_per_capita_thousand_kzt", optional=True), tables.col("area_km2", optional=True)]
    full = tables.reader_table(regional, spec, "en", max_width_chars=1000)
    assert full.shown == list(range(len(spec))) and not full.omitted and not full.tight
    narrow = tables.reader_table(regional, spec, "en", max_width_chars=full.width() - 1,
                                 csv_link=tables.study_table_link("regions"))
    assert narrow.shown == [0, 1, 2, 3] and narrow.omitted == [4, 5, 6, 7] and not narrow.cut
    assert not narrow.tight  # the rest fits as it is
    assert "Only in the full table (CSV): «Population», " in html.unescape(narrow.markdown())
    assert ">Population<" not in narrow.html() and "data-cut" not in narrow.html()
    # without a CSV beside it the note says only that they are left out
    bare = tables.reader_table(regional, spec, "kk", max_width_chars=full.width() - 1)
    assert "Бет еніне сыймағандықтан алынып тасталды: «" in html.unescape(bare.notes_markdown())


def test_tighter_wrapping_before_any_column_leaves():
    words = "волонтерлік қызмет туралы ұзақ түсініктеме мәтіні бірнеше жолға бөлінеді"
    frame = pd.DataFrame({"label": ["a", "b"], "text_a": [words, words], "text_b": [words, words]})
    table = tables.reader_table(frame, ["label", "text_a", "text_b"], "kk", max_width_chars=60)
    assert table.width(tight=False) > 60 and table.tight and not table.cut and table.width() <= 60
    assert table.shown == [0, 1, 2]


def test_long_notes_become_numbered_notes(processed_2021):
    errata = processed.read_table("errata_evaluated", processed_2021)
    table = tables.reader_table(errata, ["erratum_id", "rule_id", "correction"], "ru")
    rows = _rows(table.markdown())
    assert rows[0] == ["Ошибка отчёта", "Вид ошибки", "Исправление"]
    assert rows[1][1] == labels.value_label(errata["rule_id"].iloc[0], "ru")
    markers = [r[2] for r in rows[1:]]
    assert all(re.fullmatch(r"\[\d+\]", m) for m in markers)
    distinct = list(dict.fromkeys(errata["correction"]))
    assert table.numbered_notes == distinct  # identical notes share one number
    assert f"{len(distinct)}. " in table.notes_markdown()


def test_hostile_strings_are_escaped_everywhere():
    evil = "<script>alert(1)</script> {{< include /etc/passwd >}} | [x](http://e.example) $x$ *b*\nnext"
    frame = pd.DataFrame({"region": ["KZ-75", evil], "claim": [evil, "ok"], "value": [1.5, 2.0]})
    table = tables.reader_table(frame, None, "en", caption=evil, notes=[evil])
    for text in (table.markdown(), table.html()):
        assert "<script" not in text and "{{<" not in text and "](" not in text and "$x$" not in text
        assert "*b*" not in text
    for line in table.markdown().splitlines():
        if line.startswith("|"):
            assert line.count("|") == 4  # three columns: a pipe in a cell cannot add one
    assert "\nnext" not in table.markdown()
    assert _rows(table.markdown())[1][0] == "Almaty"


def test_display_puts_the_table_and_the_notes_in_separate_outputs(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    frame = pd.DataFrame({"region_code": ["KZ-71"], "p": [math.nan]})
    tables.reader_table(frame, None, "en", csv_link=tables.study_table_link("x", "03_correlations"))._ipython_display_()
    assert len(shown) == 2
    assert set(shown[0]) == {"text/markdown", "text/html"} and shown[0]["text/markdown"].startswith("| Region |")
    assert "<table" in shown[0]["text/html"]
    assert set(shown[1]) == {"text/markdown"} and "A dash (—)" in html.unescape(shown[1]["text/markdown"])
    assert "(../tables/03_correlations__x.csv)" in shown[1]["text/markdown"]


def test_table_links():
    assert tables.study_table_link("by_region", "02_organisations", "ru") == (
        "[Полная таблица в формате CSV](../tables/02_organisations__by_region.csv)")
    assert tables.study_table_link("replication", lang="en", base=".") == (
        "[The full table as CSV](./tables/replication.csv)")
    with pytest.raises(ValueError):
        tables.study_table_link("../../etc/passwd)")


def test_bad_specs_are_loud(orgs):
    with pytest.raises(KeyError, match="not in the table"):
        tables.reader_table(orgs, ["region_code", "no_such_column"], "en")
    with pytest.raises(ValueError, match="format"):
        tables.col("ngo_count", "percent")
    with pytest.raises(ValueError):
        tables.reader_table(orgs, ["region_code"], "de")
