"""The replication register on the processed layer of data/raw, checked against values computed here from the raw CSVs."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pytest

from vstudy.analysis import correlations as cs
from vstudy.analysis import replication
from vstudy.analysis.replication import CONSISTENT, DERIVED, DIFFERS, NOT_REPRODUCIBLE, REPRODUCED, Check
from vstudy.data import processed, regions
from vstudy.present.notebook import markdown
from vstudy.present.prose import data_quality

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "data" / "raw" / "report_2021"
PERIOD = {"start": "2021-07-01", "end": "2021-12-31"}


def _reader(directory: Path, scheme: str):
    def table(name: str):
        for candidate in (f"{name}_{scheme}", name):
            if (directory / f"{candidate}.parquet").is_file():
                return processed.read_table(candidate, directory)
        return None
    return table


def _raw(name: str) -> list[dict[str, str]]:
    with open(REPORT / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def tables(processed_2021):
    return replication.inputs(_reader(processed_2021, "kz2021"))


@pytest.fixture(scope="module")
def coefficients(tables):
    regional = cs.add_reconstructed_events(tables["regions"], ROOT / "data" / "raw", "kz2021")
    return cs.run_correlations(regional, families=["report"], methods=("pearson",), n_boot=0, n_perm=0)


@pytest.fixture(scope="module")
def register(tables, coefficients):
    return replication.build_register(tables, "kz2021", PERIOD, coefficients)


@pytest.fixture(scope="module")
def by_id(register):
    return register.set_index("claim_id")


def test_columns_statuses_and_ids(register):
    assert list(register.columns) == replication.COLUMNS
    assert set(register["status"]) <= set(replication.STATUS_ORDER)
    assert register["claim_id"].is_unique
    # every row says why it has its status
    assert register["note"].fillna("").str.len().gt(0).all()


def test_every_published_number_has_exactly_one_row(register):
    """Counted here without the schemas: every numeric cell of a report table that has a source line."""
    skip = {"source_line", "rank", "order_in_text"}
    expected = 0
    for path in sorted(REPORT.glob("*.csv")):
        if path.stem == "errata":
            continue
        rows = _raw(path.stem)
        if "source_line" not in rows[0]:
            continue  # the report's structure (chapters.csv): line ranges, not published numbers
        numeric = []
        for col in rows[0]:
            cells = [r[col] for r in rows if r[col].strip()]
            if col not in skip and cells and all(_is_number(c) for c in cells):
                numeric.append(col)
        expected += sum(1 for r in rows if r["source_line"].strip() for c in numeric if r[c].strip())
    published = register[register["status"] != DERIVED]
    assert len(published) == expected
    assert published["source_line"].notna().all() and published["published_as_printed"].notna().all()
    assert register.loc[register["status"] == DERIVED, "published_value"].isna().all()


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_published_values_as_printed(by_id):
    assert by_id.loc["hours_6_months", "published_as_printed"] == "453 889"
    assert by_id.loc["economic_value_min_kzt_per_year", "published_as_printed"] == "3,2 млрд."
    assert by_id.loc["rfo_other_form_regions", "published_as_printed"] == "двух"
    assert by_id.loc["gender_national.male", "published_as_printed"] == "50,30"
    assert by_id.loc["age.under18.KZ-63", "source_line"] == 1358


def test_initiative_group_share_is_reproduced(by_id):
    row = by_id.loc["initiative_group_share_pct"]
    assert row["recomputed_value"] == round(100 * 1658 / (491 + 1658), 2)
    assert row["status"] == REPRODUCED


def test_prose_restatements(by_id):
    assert by_id.loc["volunteers_total_restated", "status"] == CONSISTENT
    kyz = by_id.loc["age_18_29_kyzylorda_pct_prose"]
    assert (kyz["status"], kyz["recomputed_value"]) == (DIFFERS, 29.95) and "E02" in kyz["note"]
    assert by_id.loc["age_30_to_pension_national_pct_prose", "recomputed_value"] == 13.03
    upto = by_id.loc["age_18_29_shymkent_vko_mangystau_upto_pct_prose"]
    assert (upto["status"], upto["recomputed_value"]) == (DIFFERS, 36.69) and "E04" in upto["note"]
    assert by_id.loc["taza_alem_almaty_city_pct_prose", "status"] == CONSISTENT


def test_pension_list_is_a_copy_and_the_residual_is_derived(register):
    raw = _raw("age_by_region")
    shares = {(r["age_group"], regions.resolve(r["region_as_published"], "kz2021")): float(r["share_pct"]) for r in raw}
    rows = register[register["claim_id"].str.startswith("age.pension.")]
    assert len(rows) == 17 and (rows["status"] == DIFFERS).all() and rows["note"].str.contains("E01").all()
    for row in rows.itertuples():
        code = row.claim_id.split(".")[-1]
        residual = 100 - sum(shares[(g, code)] for g in ("under18", "18_29", "30_to_pension"))
        assert row.recomputed_value == pytest.approx(residual, abs=1e-6)
        assert row.published_value == shares[("30_to_pension", code)]


def _smallest_total(shares: list[float]) -> int:
    for n in range(1, 10_000):
        k = [round(s * n / 100) for s in shares]
        if sum(k) == n and all(abs(100 * ki / n - s) <= 0.005 + 1e-9 for ki, s in zip(k, shares, strict=True)):
            return n
    raise AssertionError


@pytest.fixture(scope="module")
def event_totals():
    lists: dict[str, list[float]] = {}
    for r in _raw("event_directions_by_region"):
        lists.setdefault(regions.resolve(r["region_as_published"], "kz2021"), []).append(float(r["share_pct"]))
    return {code: _smallest_total(s) for code, s in lists.items()}


def test_national_event_shares_reproduced_from_the_regional_lists(register, by_id, event_totals):
    national = register[register["claim_id"].str.startswith("events_national.")]
    assert len(national) == 10 and (national["status"] == REPRODUCED).all()
    published = [float(r["share_pct"]) for r in _raw("event_directions_national") if r["share_pct"]]
    other = by_id.loc["derived.event_directions_national.other_social"]
    assert other["status"] == DERIVED
    assert other["recomputed_value"] == pytest.approx(round(100 - sum(published), 2))
    assert by_id.loc["derived.events.national", "recomputed_value"] == sum(event_totals.values())
    assert by_id.loc["derived.events.KZ-71", "recomputed_value"] == event_totals["KZ-71"] == 228


def test_erratum_e21_quoted_shares_do_not_fit_the_event_counts(by_id, event_totals):
    for claim, code, share in (("participants.auto.KZ-71", "KZ-71", 16.01),
                               ("participants.online.KZ-11", "KZ-11", 16.87),
                               ("participants.online.KZ-79", "KZ-79", 16.15)):
        n = event_totals[code]
        assert all(round(100 * k / n, 2) != share for k in range(n + 1))
        row = by_id.loc[claim]
        lo = math.floor(share * n / 100)
        assert row["status"] == DIFFERS and "E21" in row["note"]
        assert f"{lo}/{n} = {100 * lo / n:.2f}%" in row["note"]
    total = sum(event_totals.values())
    for way, share in (("offline", 92.95), ("auto", 7.30)):
        assert all(round(100 * k / total, 2) != share for k in range(total + 1))
        assert by_id.loc[f"ways.{way}", "status"] == DIFFERS and "E21" in by_id.loc[f"ways.{way}", "note"]
    # a quote that fits the region's count is consistent
    assert by_id.loc["participants.pro_bono.KZ-75", "status"] == CONSISTENT


def test_erratum_e22_online_share_is_umit(by_id, event_totals):
    total = sum(event_totals.values())
    assert round(100 * 219 / total, 2) == 6.56
    row = by_id.loc["ways.online"]
    assert row["status"] == DIFFERS and "E22" in row["note"] and f"219 of {total:,}" in row["note"]


def test_erratum_e23_employee_equivalent(by_id):
    row = by_id.loc["employee_equivalent"]
    assert row["recomputed_value"] == round(453_889 / 6 / (40 * 52), 1) == 36.4
    assert row["status"] == DIFFERS and "E23" in row["note"]
    assert by_id.loc["hours_per_month_over", "status"] == CONSISTENT
    assert by_id.loc["economic_value_min_kzt_per_year", "status"] == NOT_REPRODUCIBLE


def test_organisations_read_from_the_data_layer(register, by_id, tables):
    orgs = register[register["claim_id"].str.startswith("organisations.")]
    assert len(orgs) == 68 and (orgs["status"] == CONSISTENT).all()
    pav = by_id.loc["organisations.KZ-55.ngo_share_of_region"]
    assert pav["recomputed_value"] == pytest.approx(round(100 * 12 / 472, 3))
    assert "12 NGOs and 460" in pav["note"] and "not a recomputation" in pav["note"]
    ngo = register[register["claim_id"].str.match(r"derived\.organisations\..*\.ngo_count")]["recomputed_value"]
    assert ngo.sum() == 491 == by_id.loc["ngo_total", "recomputed_value"]
    assert by_id.loc["ngo_total", "status"] == CONSISTENT


def test_information_line(by_id):
    assert by_id.loc["info_line.requests_total", "status"] == CONSISTENT
    assert by_id.loc["info_line.requests_total", "recomputed_value"] == 451 + 739 + 193 - 30
    for part in ("requests_volunteering", "requests_complaint_law_violation", "requests_not_volunteering"):
        assert by_id.loc[f"info_line.{part}", "status"] == DIFFERS and "E15" in by_id.loc[f"info_line.{part}", "note"]
    cats = [float(r["requests_count"]) for r in _raw("info_line_categories")]
    assert by_id.loc["info_line.category.partners", "recomputed_value"] == 1262 - (sum(cats) - 14)
    assert by_id.loc["info_line.spike.2021-10-09", "recomputed_value"] == 28.0  # 28 in one day > 8 a day
    assert by_id.loc["info_line.oct_activity_spikes", "status"] == CONSISTENT


def test_correlations_take_section_03s_coefficients(register, coefficients):
    corr = register[register["claim_id"].str.startswith("r_")].set_index("claim_id")
    assert len(corr) == 17
    pearson = coefficients[coefficients["method"] == "pearson"].set_index("coef_id")
    computed = corr[corr["recomputed_value"].notna()]
    assert set(computed.index) == {"r_events_vs_organisations", "r_emissions_vs_eco_events"}
    for claim, row in computed.iterrows():
        assert row["recomputed_value"] == round(float(pearson.loc[claim.removeprefix("r_"), "r"]), 3)
        assert row["status"] == DIFFERS  # published 0.03 and 0.06
    rest = corr.drop(computed.index)
    assert (rest["status"] == NOT_REPRODUCIBLE).all() and rest["note"].str.contains("no regional data|fewer than four", regex=True).all()


def test_without_coefficients_the_register_says_so(tables):
    bare = replication.build_register(tables, "kz2021", PERIOD).set_index("claim_id")
    assert bare.loc["r_events_vs_organisations", "note"] == "the correlation section's coefficients were not given to the register"


def test_supplied_volunteer_counts_enable_recomputation(tables):
    """Volunteers proportional to organisations: r = 1 against organisations, totals and weighted shares follow."""
    regional = tables["regions"].copy()
    regional["volunteers_count"] = regional["organisations_count"].astype(float) * 10
    supplied = {**tables, "regions": regional}
    coef = cs.run_correlations(cs.add_reconstructed_events(regional, ROOT / "data" / "raw", "kz2021"),
                               families=["report"], methods=("pearson",), n_boot=0, n_perm=0)
    reg = replication.build_register(supplied, "kz2021", PERIOD, coef).set_index("claim_id")
    assert reg.loc["r_volunteers_vs_organisations", "recomputed_value"] == pytest.approx(1.0)
    assert reg.loc["volunteers_total", "recomputed_value"] == 10 * (491 + 1658)
    assert reg.loc["volunteers_total", "status"] == DIFFERS
    age = tables["age"].set_index("region_code")
    w = regional.set_index("region_code")["volunteers_count"]
    expected = round(float((age["vol_age_under18_pct"] * w).sum() / w.sum()), 2)
    assert reg.loc["age_national.under18", "recomputed_value"] == expected
    assert not np.isnan(reg.loc["nur_sultan_share_of_national_30_to_pension_pct", "recomputed_value"])


def test_a_dataset_without_a_published_report_has_no_claims(processed_2022):
    tables = replication.inputs(_reader(processed_2022, "kz2022"))
    assert tables["published_values"] is not None and len(tables["published_values"]) == 0
    reg = replication.build_register(tables, "kz2022", {"start": "2022-07-01", "end": "2022-12-31"})
    assert reg.empty and list(reg.columns) == replication.COLUMNS
    assert "nothing to replicate" in markdown(data_quality.register_text(reg, "en"))
    assert replication.status_summary(reg).empty
    assert data_quality.errata_found_text(reg, "en") is None


def test_combine_prefers_failure_then_recomputation_then_consistency():
    c = replication.combine([replication.check(NOT_REPRODUCIBLE, None, "too_few_regions"),
                             replication.check(CONSISTENT, 1.0, "male_female_sum"),
                             replication.check(REPRODUCED, 2.0, "channel_list_gives")])
    assert (c.status, c.recomputed, c.note("en")) == (
        REPRODUCED, 2.0, "the channel list gives it; the region's male and female shares sum to 100; "
        "fewer than four regions with both values")
    assert c.note("ru").startswith("его даёт список каналов; доли мужчин и женщин")
    assert replication.combine([replication.check(CONSISTENT, 1.0, "no_check"),
                                Check(DIFFERS, None)]).status == DIFFERS
    assert replication.combine([]).status == NOT_REPRODUCIBLE


def test_summary_tables_and_sentences(register):
    counts = replication.status_counts(register)
    summary = replication.status_summary(register)
    assert summary.loc["Total", "total"] == len(register)
    assert (summary.loc["Total", list(replication.STATUS_ORDER)] == counts).all()
    assert summary.index[0] == "Data quality and replication"
    text = markdown(data_quality.register_text(register, "en"))
    published = len(register) - counts[DERIVED]
    assert f"the {published} numbers" in text and f"{counts[REPRODUCED]} reproduced" in text
    found = markdown(data_quality.errata_found_text(register, "en"))
    e21 = int(register.loc[register["status"] == DIFFERS, "note"].str.contains("E21").sum())
    assert f"E21 ({e21})" in found and e21 > 0
    assert "ошибкам отчёта" in markdown(data_quality.errata_found_text(register, "ru"), lang="ru")


def test_status_vocabulary_lists_every_status_in_order():
    assert list(replication.status_vocabulary("ru").index) == list(replication.STATUS_ORDER)


def test_indicator_coverage_from_the_processed_long_table(processed_2021):
    assert replication.indicator_coverage(None, "kz2021").empty
    long = processed.read_table("long_kz2021", processed_2021)
    cov = replication.indicator_coverage(long, "kz2021")
    assert cov.loc[("population_total", "2021-01-01"), "regions with a value"] == 17
    assert cov.loc[("csi_quality_of_life_rank", "2020-Q4"), "regions with a value"] == 7
    assert cov.loc[("area", "undated"), "regions with a value"] == 17
    matrix = replication.coverage_matrix(long, "kz2021")
    assert list(matrix.columns) == regions.codes("kz2021")
    assert matrix.loc["csi_quality_of_life_rank 2020-Q4"].sum() == 7
    assert "5 are partial" in markdown(data_quality.coverage_text(cov, "en"))


def test_turkestan_density_uses_the_corrected_area(tables):
    row = tables["regions"].set_index("region_code").loc["KZ-61"]
    assert row["area_km2"] == 116_086
    assert row["population_density_per_km2"] == pytest.approx(2_044_742 / 116_086, abs=1e-4)
    assert np.isclose(116_086, 11_608.6 * 10)


# --- the register in Russian (claim_ru, note_ru) --------------------------------------------------------------

def _ru(value: float, spec: str) -> str:
    """Written here the way Russian typography writes numbers: decimal comma, narrow no-break space groups."""
    return format(value, spec).replace(",", "\u00a0").replace(".", ",")


def test_every_row_has_a_russian_claim_and_note(register):
    import re

    from helpers import english_runs

    cyrillic = re.compile("[А-Яа-яЁё]")
    for column in ("claim_ru", "note_ru"):
        texts = register[column].fillna("")
        assert texts.str.len().gt(0).all(), column
        assert texts.str.contains(cyrillic).all(), register.loc[~texts.str.contains(cyrillic), "claim_id"].tolist()
        leaks = {t: english_runs(t) for t in texts.unique() if english_runs(t)}
        assert not leaks, list(leaks.items())[:5]
        # no number written the English way (12.5) in the Russian texts; dates (2021-07-01) are not numbers
        assert not [t for t in texts if re.search(r"(?<![\w.])\d+\.\d+(?![\w.])", t)], column
    # the same errata are cited in both languages, row by row
    ids = register["note"].str.findall(r"E\d+").map(sorted)
    ids_ru = register["note_ru"].str.findall(r"E\d+").map(sorted)
    assert (ids == ids_ru).all()
    assert register["note"].str.contains("erratum E").sum() == register["note_ru"].str.contains("ошибка отчёта E").sum()


def test_pension_claims_in_russian_name_the_region_from_the_gazetteer(by_id):
    raw = _raw("age_by_region")
    shares = {(r["age_group"], regions.resolve(r["region_as_published"], "kz2021")): float(r["share_pct"]) for r in raw}
    for code, name in (("KZ-71", "Астана"), ("KZ-43", "Кызылординская область")):
        row = by_id.loc[f"age.pension.{code}"]
        assert row["claim_ru"] == f"Волонтёры пенсионного возраста, % — {name} (ранжированный список)"
        assert row["claim"] == f"Volunteers of pension age, % — {regions.name(code, 'en')} (ranked list)"
        three = sum(shares[(g, code)] for g in ("under18", "18_29", "30_to_pension"))
        with_copy = three + shares[("pension", code)]
        assert f"в сумме дают {_ru(with_copy, '.2f')};" in row["note_ru"]
        assert f"100 − три остальные = {_ru(100 - three, '.2f')} (выведено)" in row["note_ru"]
        assert "(ошибка отчёта E01)" in row["note_ru"]
    assert by_id.loc["age.pension.KZ-71", "note_ru"].count(",") >= 2  # 134,59 and 1,03: decimal commas


def test_russian_notes_write_numbers_the_russian_way(by_id):
    figures = {r["figure_id"]: float(r["value"]) for r in _raw("headline_figures") if r["value"]}
    ngo, groups = figures["ngo_total"], figures["initiative_groups_total"]
    note = by_id.loc["initiative_group_share_pct", "note_ru"]
    assert note == f"{_ru(groups, ',.0f')} / ({_ru(ngo, ',.0f')} + {_ru(groups, ',.0f')}) по напечатанным итогам"
    assert "1\u00a0658" in note  # the narrow no-break space groups thousands
    assert by_id.loc["initiative_group_share_pct", "note"] == f"{groups:,.0f} / ({ngo:,.0f} + {groups:,.0f}) from " \
        "the printed totals"
    assert by_id.loc["initiative_group_share_pct", "claim_ru"] == "Инициативные группы, % всех волонтёрских объединений"
    # a national share: the sum of the four published age shares, with a decimal comma
    total = sum(float(r["share_pct"]) for r in _raw("age_national"))
    assert f"сумма 4 национальных долей — {_ru(total, '.2f')}:" in by_id.loc["age_national.18_29", "note_ru"]


def test_the_russian_edition_shows_the_russian_claims_and_notes(register):
    from vstudy.present import views

    differs = register[register["status"] == DIFFERS]
    ru = views.show(differs, "00_data_quality", "differs", "ru")
    en = views.show(differs, "00_data_quality", "differs", "en")
    assert [r[0] for r in ru.rows] == differs["claim_ru"].tolist()
    assert [r[0] for r in en.rows] == differs["claim"].tolist()
    assert "ошибка отчёта E01" in " ".join(ru.numbered_notes + [c for r in ru.rows for c in r])
    assert "erratum E01" not in " ".join(ru.numbered_notes + [c for r in ru.rows for c in r])


def test_russian_grammar_of_the_2021_register(register):
    """Issue 19: numbers agree with their nouns, counts are integers, minus signs are true minus signs, and the
    percent sign is joined to its number by a no-break space (CLDR), on the real 2021 register."""
    ru = " ".join(register["note_ru"].fillna("") + " " + register["claim_ru"].fillna(""))
    notes = register["note_ru"].fillna("")
    assert notes.str.contains("из 131 мероприятий", regex=False).sum() == 0
    assert notes.str.contains("из 131 мероприятия", regex=False).sum() == 22
    assert "201 инициативная группа" in ru and "201 инициативных групп" not in ru
    assert not re.search(r"\b(?:\d*[02-9])?1 инициативных групп", ru)
    assert "102 инициативные группы" in ru and "43 инициативные группы" in ru  # were «102/43 инициативных групп»
    assert "102 обращения" in ru and "102 обращений" not in ru
    assert not re.search(r"(?<![\w\d])-\d", ru)  # a minus sign is U+2212
    assert not re.search(r"\d %", ru)  # a breaking space before %
    assert "75\u00a0648 часов в месяц" in ru
    kk = register.set_index("claim_id")
    assert "(есептегі қате E01)" in kk.loc["age.pension.KZ-71", "note_kk"]
    assert kk.loc["age.pension.KZ-71", "claim_kk"] == (
        f"зейнеткерлік жастағы волонтерлер, % — {regions.name('KZ-71', 'kk')} (рейтингтік тізім)")


def test_a_note_is_a_message_rendered_in_each_language():
    """The register's rooms: a check carries message keys and facts; each edition's text is rendered from the
    catalogue (numbers by CLDR, region names from the gazetteer, the erratum only where the dataset records one)."""
    from vstudy.analysis.replication.core import Joined, Region, note, render

    notes = (note("events_of_region", k=6, n=131, total=100.01), note("ways_sum", n=3, total=104.0, erratum="E12"),
             note("ways_sum", n=3, total=100.0, erratum=None))
    assert render(notes, "en") == (
        "6 of 131 events: the smallest total for which every share of the region's list is a whole number of events "
        "(the list sums to 100.01); the 3 ways sum to 104.00 (erratum E12): they cannot be shares of one set of "
        "events unless an event may count under several ways; the 3 ways sum to 100.00: they cannot be shares of "
        "one set of events unless an event may count under several ways")
    ru = render(notes[:1], "ru")
    assert ru.startswith("6 из 131 мероприятия: ") and "(сумма списка — 100,01)" in ru
    assert render((note("events_of_region", k=2, n=25, total=100.0),), "ru").startswith("2 из 25 мероприятий")
    assert render((note("events_of_region", k=2, n=22, total=100.0),), "ru").startswith("2 из 22 мероприятий")
    assert "(есептегі қате E12)" in render(notes[1:2], "kk")
    assert [Region("KZ-71").text(lang) for lang in ("en", "ru", "kk")] == ["Astana", "Астана", "Астана қаласы"]
    assert [Region("KZ-55").text(lang) for lang in ("en", "ru", "kk")] == [
        "Pavlodar Region", "Павлодарская область", "Павлодар облысы"]
    assert Region(None).text("kk") == "Қазақстан"
    assert Joined((1200.0, 90.0), " + ").text("ru") == "1\u00a0200 + 90"
    assert Joined((33.1, 36.25), "; ", 2).text("en") == "33.10; 36.25"
