"""The parsers of numbers, encodings and region names (property-based where the input space is large)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vstudy.data import parsing, regions, validation

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(("text", "kwargs", "expected"), [
    ("34.18", {"percent": True}, 34.18),
    ("34,18%", {"percent": True}, 34.18),
    (" 34,18 % ", {"percent": True}, 34.18),
    ("116 694", {"integer": True}, 116694),
    (f"116{NBSP}694", {"integer": True}, 116694),
    (f"3{NNBSP}200{NNBSP}000{NNBSP}000", {"integer": True}, 3_200_000_000),
    ("−5", {"integer": True}, -5),
    ("", {}, None),
    ("0", {"percent": True}, 0.0),
])
def test_parse_number_accepts_typed_forms(text, kwargs, expected):
    assert parsing.parse_number(text, **kwargs) == expected


@pytest.mark.parametrize(("text", "kwargs"), [
    ("34,18%", {}),             # a plain number column does not take a percent sign or a decimal comma
    ("34.5", {"integer": True}),
    ("12a", {"integer": True}),
    ("1 6,5", {"integer": True}),
    ("n/a", {"percent": True}),
    ("inf", {}),
])
def test_parse_number_refuses(text, kwargs):
    with pytest.raises(parsing.NumberParseError):
        parsing.parse_number(text, **kwargs)


@given(st.integers(min_value=0, max_value=10000), st.sampled_from(["dot", "comma", "comma%", "dot%", "dot %"]))
def test_percent_variants_parse_to_the_same_value(hundredths, style):
    value = hundredths / 100
    text = f"{value:.2f}"
    if style.startswith("comma"):
        text = text.replace(".", ",")
    text += {"dot": "", "comma": "", "comma%": "%", "dot%": "%", "dot %": " %"}[style]
    assert parsing.parse_number(text, percent=True) == pytest.approx(value, abs=1e-12)


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([" ", NBSP, NNBSP, "\u2009", ""]))
def test_counts_with_any_thousands_separator(n, sep):
    text = f"{n:,}".replace(",", sep)
    assert parsing.parse_number(text, integer=True) == n


@given(st.text(alphabet="abcxyz%,;", min_size=1, max_size=6))
def test_garbage_never_parses_as_a_count(text):
    with pytest.raises(parsing.NumberParseError):
        parsing.parse_number(text, integer=True)


def test_decode_accepts_bom_and_refuses_cp1251_naming_line_and_column():
    text = "region,share_pct\nАлматы,10\n"
    assert parsing.decode_csv_bytes(b"\xef\xbb\xbf" + text.encode(), "f.csv") == text
    with pytest.raises(parsing.EncodingRefused) as info:
        parsing.decode_csv_bytes(text.encode("cp1251"), "f.csv")
    assert info.value.line == 2 and info.value.column == "region" and info.value.likely == "cp1251"
    assert "f.csv" in str(info.value) and "iconv -f cp1251" in str(info.value)


def test_split_csv_gives_the_starting_line_of_multiline_records():
    csv_ = parsing.split_csv('a,b\n1,"two\nlines"\n3,4\n')
    assert csv_.header == ["a", "b"] and [line for line, _ in csv_.records] == [2, 4]


# --- region names --------------------------------------------------------------------------------------------

UNITS_2022 = regions.units("kz2022")
DASHES = ["-", "\u2010", "\u2013", "\u2014"]


@st.composite
def spelled_unit(draw):
    """A unit's Russian, Kazakh or English name typed with noise the gazetteer promises to absorb."""
    row = UNITS_2022.iloc[draw(st.integers(0, len(UNITS_2022) - 1))]
    name = row[draw(st.sampled_from(["name_ru", "name_kk", "name_en"]))]
    case = draw(st.sampled_from([str.lower, str.upper, str.title, lambda s: s]))
    name = case(name)
    dash = draw(st.sampled_from(DASHES))
    name = name.replace("-", dash)
    if draw(st.booleans()):
        name = "«" + name + "»"
    pad = draw(st.sampled_from(["", " ", "  ", NBSP, "\t"]))
    name = pad + name.replace(" ", draw(st.sampled_from([" ", "  ", NBSP]))) + pad
    return name, row["code"]


@settings(max_examples=300)
@given(spelled_unit())
def test_region_names_resolve_despite_case_dashes_quotes_and_spaces(sample):
    name, code = sample
    assert validation.resolve_name(name, "kz2022") == code


@given(st.text(alphabet="qwxzjv", min_size=3, max_size=12))
def test_nonsense_names_do_not_resolve(name):
    assert regions.try_resolve(name) is None


def test_name_with_former_name_in_brackets():
    # The official tables write the capital as «г. Нур-Султан (Астана)».
    assert validation.resolve_name("г. Нур-Султан (Астана)", "kz2021") == "KZ-71"
    with pytest.raises(regions.RegionNotFound):
        validation.resolve_name("Павлодар (Атырау)", "kz2021")  # the two parts disagree: refuse, do not guess
