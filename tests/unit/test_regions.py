from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vstudy.data import regions

# Spellings as they stand in the source report, with the code each must resolve to.
REPORT_SPELLINGS = {
    "Восточно-Казахстанская область": "KZ-63",
    "ВКО": "KZ-63",
    "СКО": "KZ-59",
    "ЗКО": "KZ-27",
    "Северно-Казахстанская область": "KZ-59",
    "Северо-Казахстанской": "KZ-59",
    "город Нур-Султан": "KZ-71",
    "Нур-Султан": "KZ-71",
    "городе Нур-Султан": "KZ-71",
    "Туркетской области": "KZ-61",
    "Туркестанская область": "KZ-61",
    "Мангыстауская область": "KZ-47",
    "Кызылординской области": "KZ-43",
    "Шымкент": "KZ-79",
    "город Алматы": "KZ-75",
    "Алматы": "KZ-75",
    "Алматинская область": "KZ-19",
    "Павлодарская область": "KZ-55",
    "Костанайская область": "KZ-39",
    "Жамбылская область": "KZ-31",
    "Актюбинская область": "KZ-15",
    "Акмолинская область": "KZ-11",
    "Атырауская область": "KZ-23",
    "Карагандинская область": "KZ-35",
    "Западно-Казахстанская область": "KZ-27",
}

OTHER_SPELLINGS = {
    "Шығыс Қазақстан облысы": "KZ-63",
    "Жетісу": "KZ-33",
    "Жетісу облысы": "KZ-33",
    "Ұлытау облысы": "KZ-62",
    "Абай облысы": "KZ-10",
    "Алматы облысы": "KZ-19",
    "Almaty Region": "KZ-19",
    "Almaty oblast": "KZ-19",
    "Almaty": "KZ-75",
    "ALMATY CITY": "KZ-75",
    "Astana": "KZ-71",
    "Nur-Sultan": "KZ-71",
    "Aqmola oblysy": "KZ-11",
    "Aqtöbe": "KZ-15",
    "Qostanay": "KZ-39",
    "Qaraghandy": "KZ-35",
    "Jambyl Region": "KZ-31",
    "Zhambyl": "KZ-31",
    "Mangghystau": "KZ-47",
    "Mangystau Region": "KZ-47",
    "South Kazakhstan": "KZ-61",
    "Южно-Казахстанская область": "KZ-61",
    "Türkistan oblysy": "KZ-61",
    "KZ-AKM": "KZ-11",
    "KZ-VOS": "KZ-63",
    "KZ-ALA": "KZ-75",
    "KZ-AST": "KZ-71",
    "KZ-SHY": "KZ-79",
    "KZ-YUZ": "KZ-61",
    "kz-19": "KZ-19",
    "  «Павлодарская   обл.»  ": "KZ-55",
    "СЕВЕРО—КАЗАХСТАНСКАЯ ОБЛАСТЬ": "KZ-59",
    "Восточно-Казахстанская область": "KZ-63",
}


@pytest.mark.parametrize(("name", "code"), sorted({**REPORT_SPELLINGS, **OTHER_SPELLINGS}.items()))
def test_resolve_known_spellings(name, code):
    assert regions.resolve(name) == code


@pytest.mark.parametrize("name", ["Baikonur", "Байконур", "Moscow", "Бишкек", "", "область", "Region"])
def test_outside_names_do_not_resolve(name):
    with pytest.raises(regions.RegionNotFound):
        regions.resolve(name)


def test_scheme_sizes_and_codes():
    assert len(regions.units("kz2021")) == 17
    assert len(regions.units("kz2022")) == 20
    new_units = set(regions.codes("kz2022")) - set(regions.codes("kz2021"))
    assert new_units == {"KZ-10", "KZ-33", "KZ-62"}
    assert regions.codes("kz2021")[:3] == ["KZ-11", "KZ-15", "KZ-19"]


def test_2022_unit_refused_in_2021_scheme():
    with pytest.raises(regions.RegionNotFound, match="KZ-63"):
        regions.resolve("Abai Region", "kz2021")
    assert regions.resolve("Abai Region", "kz2022") == "KZ-10"


def test_crosswalk_covers_2022_and_lands_in_2021():
    cw = regions.crosswalk()
    assert sorted(cw["code_kz2022"]) == regions.codes("kz2022")
    assert set(cw["code_kz2021"]) == set(regions.codes("kz2021"))
    parts = cw.set_index("code_kz2022")["code_kz2021"]
    assert parts["KZ-10"] == "KZ-63" and parts["KZ-33"] == "KZ-19" and parts["KZ-62"] == "KZ-35"


def test_aggregate_to_kz2021_sums_counts_and_keeps_missing():
    import pandas as pd

    frame = pd.DataFrame({"region_code": regions.codes("kz2022"), "volunteers_count": range(1, 21)})
    frame.loc[frame["region_code"] == "KZ-62", "volunteers_count"] = None
    out = regions.aggregate_to_kz2021(frame, ["volunteers_count"]).set_index("region_code")["volunteers_count"]
    by_code = dict(zip(regions.codes("kz2022"), range(1, 21), strict=True))
    assert len(out) == 17
    assert out["KZ-63"] == by_code["KZ-63"] + by_code["KZ-10"]
    assert out["KZ-19"] == by_code["KZ-19"] + by_code["KZ-33"]
    assert pd.isna(out["KZ-35"])  # Ulytau missing -> Karaganda 2021 unknown, not understated


def test_every_name_in_every_language_round_trips():
    for row in regions.units("kz2022").itertuples():
        for name in (row.name_en, row.name_ru, row.name_kk, row.code):
            assert regions.resolve(name) == row.code, name


def test_national_rows_are_recognised():
    assert regions.is_national("Республика Казахстан")
    assert regions.is_national("Kazakhstan")
    assert not regions.is_national("Казахстанская")


@given(st.sampled_from(sorted({**REPORT_SPELLINGS, **OTHER_SPELLINGS}.items())),
       st.sampled_from(["upper", "lower", "spaces", "yo", "quotes"]))
def test_resolution_ignores_case_spacing_and_quotes(item, variant):
    name, code = item
    if variant == "upper":
        name = name.upper()
    elif variant == "lower":
        name = name.lower()
    elif variant == "spaces":
        name = "  " + name.replace(" ", "   ") + " "
    elif variant == "yo":
        name = name.replace("е", "ё")
    else:
        name = f"«{name}»"
    assert regions.resolve(name) == code


def _cli(*args):
    """`python -m vstudy.cli ARGS` in a new Python: the command as a user runs it (exit status, stdout, stderr)."""
    return subprocess.run([sys.executable, "-m", "vstudy.cli", *args], capture_output=True, text=True, check=False)


def _main(capsys, *args):
    """The same command in this process (vstudy.cli.main), without the seconds a new Python takes to import."""
    from types import SimpleNamespace

    from vstudy import cli

    capsys.readouterr()
    code = cli.main(list(args))
    out = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)


def test_cli_prints_gazetteer_csv(capsys):
    for scheme, n in (("kz2021", 17), ("kz2022", 20)):
        out = _cli("regions", "--scheme", scheme) if scheme == "kz2021" else _main(capsys, "regions", "--scheme", scheme)
        assert out.returncode == 0, out.stderr
        lines = out.stdout.strip().splitlines()
        assert lines[0].startswith("scheme,code,")
        assert len(lines) == n + 1


def test_cli_resolve_and_refuse(capsys):
    out = _main(capsys, "regions", "resolve", "ВКО", "Almaty Region")
    assert out.returncode == 0
    assert out.stdout.splitlines() == ["ВКО\tKZ-63", "Almaty Region\tKZ-19"]
    bad = _main(capsys, "regions", "resolve", "Baikonur", "Pavlodr")
    assert bad.returncode != 0
    assert "KZ-55" in bad.stderr  # closest match offered for the misspelling


def test_a_name_with_another_in_brackets_resolves_when_both_agree():
    assert regions.resolve("г. Нур-Султан (Астана)") == "KZ-71"
    assert regions.resolve("Туркестанская область (Южно-Казахстанская)", "kz2021") == "KZ-61"
    # Two different units: ambiguous, so not resolved (no guess).
    with pytest.raises(regions.RegionNotFound):
        regions.resolve("Шымкент (Южно-Казахстанская область)")
    # A bracketed 2022 unit does not exist in kz2021: only the part outside counts there.
    assert regions.resolve("Восточно-Казахстанская область (без области Абай)", "kz2021") == "KZ-63"


@pytest.mark.parametrize("name", ["Akmola", "Aqmola", "Ақмола", "Акмола", "akmola", "AKMOLA region", "Ақмола облысы"])
def test_a_short_name_that_names_one_unit_resolves(name):
    assert regions.resolve(name) == "KZ-11"
    assert regions.resolve(name, "kz2022") == "KZ-11"


def test_almaty_alone_stays_the_city_and_alma_ata_follows_it():
    assert regions.resolve("Алматы") == regions.resolve("Almaty") == "KZ-75"
    assert regions.resolve("Алма-Ата") == regions.resolve("Alma-Ata") == "KZ-75"  # the city's former name
    assert regions.resolve("Алматы облысы") == regions.resolve("Алма-Атинская область") == "KZ-19"
    assert regions.resolve("Alma-Ata Region") == "KZ-19"


def test_ambiguous_names_say_between_which_units_and_why():
    with pytest.raises(regions.RegionNotFound) as err:
        regions.resolve("Казахстанская область")
    assert err.value.ambiguous == ["KZ-27", "KZ-59", "KZ-61", "KZ-63"]
    assert "ambiguous between KZ-27 West Kazakhstan Region, KZ-59 North Kazakhstan Region" in str(err.value)
    assert "part of the names of 4 units" in str(err.value)
    with pytest.raises(regions.RegionNotFound) as err:
        regions.resolve("Шымкент (Южно-Казахстанская область)")
    assert err.value.ambiguous == ["KZ-61", "KZ-79"] and "name different units" in str(err.value)
    # A short oblast name with a city word is not the oblast, and the message says why.
    with pytest.raises(regions.RegionNotFound, match="KZ-11 Akmola Region, an oblast, but the name carries a city"):
        regions.resolve("город Акмола")


def test_suggestions_name_each_unit_once():
    with pytest.raises(regions.RegionNotFound) as err:
        regions.resolve("Pavlodr")
    codes = [s.split()[0] for s in err.value.suggestions]
    assert codes[0] == "KZ-55" and len(codes) == len(set(codes))


@pytest.mark.parametrize(("name", "scheme", "code"), [
    ("Семей", "kz2022", "KZ-10"), ("Семей", "kz2021", "KZ-63"), ("Талдыкорган", "kz2022", "KZ-33"),
    ("Талдықорған", "kz2021", "KZ-19"), ("г. Усть-Каменогорск", None, "KZ-63"), ("Oral", None, "KZ-27"),
    ("Жезказган", "kz2021", "KZ-35"), ("Экибастуз", None, "KZ-55"), ("Петропавл", None, "KZ-59"),
])
def test_a_city_that_is_not_a_unit_is_refused_with_the_region_it_lies_in(name, scheme, code):
    with pytest.raises(regions.RegionNotFound) as err:
        regions.resolve(name, scheme)
    assert err.value.suggestions[0].startswith(code + " ")
    assert "is a city, not a region" in str(err.value) and code in str(err.value)


def test_a_centre_that_moved_in_2022_names_both_schemes_when_no_scheme_is_given():
    with pytest.raises(regions.RegionNotFound) as err:
        regions.resolve("Семей")
    assert "KZ-10 Abai Region in the 2022 scheme (kz2022), KZ-63 East Kazakhstan Region in the 2021" in str(err.value)


def test_no_place_shadows_a_unit_name():
    import csv

    from vstudy.data import paths

    with open(paths.regions_dir() / "places.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 50
    assert all(regions.try_resolve(row["place"]) is None for row in rows), "a place must never resolve as a unit"
    known = set(regions.load().units["code"])
    assert all({row["code_kz2022"], row["code_kz2021"]} <= known for row in rows)
