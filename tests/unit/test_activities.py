"""Event directions (section 05): the regional lists, the reconstructed counts, the national shares, the sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vstudy.analysis import activities
from vstudy.data import processed
from vstudy.present import figures
from vstudy.present.notebook import markdown
from vstudy.present.prose import activities as pa

RAW = "data/raw/report_2021"
NBSP = "\u00a0"  # CLDR's no-break space: thousands in ru/kk, before «%», inside «п. п.»


@pytest.fixture(scope="module")
def by_region(processed_2021):
    return processed.read_table("event_directions_kz2021", processed_2021)


@pytest.fixture(scope="module")
def counts(processed_2021):
    return processed.read_table("event_counts_kz2021", processed_2021)


@pytest.fixture(scope="module")
def national(processed_2021):
    return processed.read_table("event_directions_national", processed_2021)


def test_the_raw_list_wrapper_keeps_the_older_column_names(repo_root, by_region, counts):
    """activities.reconstruct_event_counts (kept for the replication register) is the data layer's result."""
    legacy = activities.reconstruct_event_counts(by_region)
    assert list(legacy.columns) == ["region_code", "direction_id", "share_pct", "events", "region_events",
                                    "recomputed_share_pct"]
    assert legacy["events"].tolist() == counts["events_count"].tolist()
    assert legacy["region_events"].tolist() == counts["region_events_count"].tolist()
    with pytest.raises(ValueError, match="KZ-11"):
        activities.reconstruct_event_counts(pd.DataFrame({"region_code": ["KZ-11"] * 2, "direction_id": ["a", "b"],
                                                          "share_pct": [50.0, 49.0]}), max_n=500)


def test_reconstruction_reproduces_the_ten_published_national_shares(national, counts):
    table = activities.national_shares_table(national, counts)
    published = table[table["published_pct"].notna()]
    assert len(published) == 10
    assert (published["status"] == "reproduced").all()
    assert int(table["reconstructed_events"].sum()) == int(counts["events_count"].sum())
    other = table.set_index("direction_id").loc["other_social"]
    # The truncated value: 100 − the ten published shares (sum 67.22) and the reconstruction agree.
    assert other["residual_pct"] == pytest.approx(round(100 - published["published_pct"].sum(), 2))
    assert other["reconstructed_pct"] == pytest.approx(32.78)
    assert other["status"] == "not_published_agree"
    assert activities.national_shares_table(None, counts) is None


def test_national_table_without_regional_lists(national):
    table = activities.national_shares_table(national, None)
    assert table["reconstructed_pct"].isna().all()
    assert (table.loc[table["published_pct"].notna(), "status"]
            == "published_no_lists").all()


def test_direction_matrix_and_totals(repo_root, by_region):
    matrix = activities.direction_matrix(by_region)
    raw = pd.read_csv(repo_root / RAW / "event_directions_by_region.csv")
    assert matrix.shape == (raw["region_as_published"].nunique(), raw["direction_id"].nunique())
    assert list(matrix.columns) == list(activities.DIRECTION_ORDER)
    assert matrix.loc["KZ-71", "other_social"] == pytest.approx(54.39)
    totals = activities.region_totals_check(by_region)
    assert totals["within_tolerance"].all()
    # Some regions sum to 100.02 (rounding), none outside ±0.02.
    assert totals["sum_pct"].max() == pytest.approx(100.02)
    top = activities.top_direction(by_region).set_index("region_code")
    assert top.loc["KZ-71", "direction_id"] == "other_social"
    assert list(activities.direction_table(by_region).columns[:2]) == ["region_code", "taza_alem"]
    for f in (activities.direction_matrix, activities.direction_table, activities.region_totals_check,
              activities.top_direction):
        assert f(None) is None


def test_event_totals_and_the_supplied_counts(counts):
    totals = activities.event_totals(counts).set_index("region_code")["events_count"]
    per_region = counts.groupby("region_code")["events_count"].sum()
    assert totals.to_dict() == per_region.to_dict()
    supplied = pd.DataFrame({"region_code": list(totals.index), "events_count": list(totals + 1)})
    comparison = activities.compare_event_totals(counts, supplied)
    assert (comparison["difference"] == 1).all() and len(comparison) == len(totals)
    assert activities.compare_event_totals(counts, supplied.drop(columns="events_count")) is None
    said = markdown(pa.supplied_events_text(comparison, counts, supplied, "en"))
    assert said.startswith("### Supplied event counts") and f"0 of {len(totals)} regions agree" in said
    assert "nothing to compare" in markdown(pa.supplied_events_text(None, None, supplied, "en"))
    assert markdown(pa.supplied_events_text(None, counts, None, "en")) == (
        "Events per region are not in this dataset; fill the column `events_count` of the regional table to compare "
        "them with the reconstruction.")
    ru = markdown(pa.supplied_events_text(comparison, counts, supplied, "ru"), lang="ru")
    assert f"Точно совпадают 0 из {len(totals)} регионов." in ru
    assert "сравнивать не с чем" in markdown(pa.supplied_events_text(None, None, supplied, "ru"), lang="ru")


def test_ways_sum_above_100(repo_root):
    raw = pd.read_csv(repo_root / RAW / "ways_of_volunteering.csv")
    ways = activities.ways_table(raw)
    assert ways.iloc[-1]["share_pct"] == pytest.approx(raw["share_pct"].sum())
    assert ways.set_index("way").loc["offline", "share_pct"] == pytest.approx(92.95)
    said = markdown(pa.ways_text(ways, "en"))
    assert "The shares add up to **106.81%**. That is 6.81 points above 100" in said  # 92.95 + auto + online
    assert "not mutually exclusive" in said
    ru = markdown(pa.ways_text(ways, "ru"), lang="ru")
    assert f"**106,81{NBSP}%**" in ru and f"на 6,81{NBSP}п.{NBSP}п. больше 100" in ru  # no line break inside a unit
    exact = activities.ways_table(raw.assign(share_pct=[60.0, 30.0, 10.0]))
    assert "not mutually exclusive" not in markdown(pa.ways_text(exact, "en"))
    assert "взаимоисключающие" not in markdown(pa.ways_text(exact, "ru"), lang="ru")
    assert activities.ways_table(None) is None


def test_participant_categories_and_partial_chart(processed_2021):
    quotes = processed.read_table("participant_category_quotes", processed_2021)
    table = activities.participant_categories(quotes)
    assert table.set_index("category").loc["pro_bono", "region_code"] == "KZ-75"  # Almaty city
    assert table.set_index("category").loc["children", "share_of_events_pct"] == pytest.approx(26.59)
    said = markdown(pa.participant_text(table, "en", report=True))
    assert f"The report's text names the regions leading in {quotes['category'].nunique()} participant" in said
    assert "The dataset's text names" in markdown(pa.participant_text(table, "en"))
    ru = markdown(pa.participant_text(table, "ru", report=True), lang="ru")
    assert f"Текст отчёта называет регионы-лидеры по {quotes['category'].nunique()} категориям участников" in ru
    assert "отчёт" not in markdown(pa.participant_text(table, "ru"), lang="ru")
    values, legend = activities.org_directions_split(processed.read_table("org_directions_partial", processed_2021))
    assert len(values) == 6 and len(legend) == 11
    assert "direction_id" not in values.columns
    assert values["share_pct"].iloc[0] == pytest.approx(34.52)
    said = markdown(pa.org_directions_text(values, legend, "en"))
    assert "as 6 numbers and a legend of 11 entries" in said and "6 values (sum 94.94%) for 11 legend entries" in said
    ru = markdown(pa.org_directions_text(values, legend, "ru"), lang="ru")
    assert "остались 6 чисел и легенда из 11 подписей" in ru
    assert f"6 значений (сумма 94,94{NBSP}%) на 11 подписей легенды" in ru
    one = markdown(pa.org_directions_text(values.head(1), legend.head(2), "ru"), lang="ru")
    assert "осталось 1 число и легенда из 2 подписей" in one and "1 значение (сумма" in one
    assert activities.org_directions_split(None) == (None, None)


def test_sentences_of_the_regional_lists(by_region, counts, national):
    matrix, totals = activities.direction_matrix(by_region), activities.region_totals_check(by_region)
    said = markdown(pa.directions_text(matrix, totals, "en"))
    assert said.startswith("## Event directions by region")
    assert f"{len(matrix)} regions, {matrix.shape[1]} directions" in said
    assert f"{int(totals['within_tolerance'].sum())} of {len(matrix)} are 100" in said
    assert "Sums of the regional lists range from 99.99% to 100.02%; 17 of 17 are 100 within ±0.02 points." in said
    assert not markdown(pa.directions_text(None, None, "en")).startswith("#")
    ru = markdown(pa.directions_text(matrix, totals, "ru"), lang="ru")
    assert ru.startswith("## Направления мероприятий по регионам")
    assert f"{len(matrix)} регионов, {matrix.shape[1]} направлений" in ru  # 17 регионов, 11 направлений
    assert f"от 99,99{NBSP}% до 100,02{NBSP}%; в 17 из 17 регионов сумма равна 100 с точностью ±0,02{NBSP}п.{NBSP}п." in ru
    top = figures.with_labels(activities.top_direction(by_region), "en")
    leaders = top["direction"].value_counts()
    assert markdown(pa.top_direction_text(top, "en")) == (
        f"The leading direction is «{leaders.index[0]}» in {leaders.iloc[0]} of {len(top)} regions.")
    leader_ru = figures.with_labels(activities.top_direction(by_region), "ru")["direction"].value_counts()
    assert markdown(pa.top_direction_text(top, "ru"), lang="ru") == (
        f"Ведущее направление — «{leader_ru.index[0]}»: оно первое в {leader_ru.iloc[0]} из {len(top)} регионов.")
    shares = activities.national_shares_table(national, counts)
    assert shares.set_index("direction_id").loc["other_social", "status"] == "not_published_agree"
    nat = markdown(pa.national_text(shares, "en", report=True))
    assert "gives no value for «Other social volunteering»" in nat
    assert "as the report published them" in nat
    assert "report" not in markdown(pa.national_text(shares, "en"))  # a dataset that does not declare it
    nat_ru = markdown(pa.national_text(shares, "ru"), lang="ru")
    assert "нет значения для «Другое социальное волонтёрство»" in nat_ru
    recon = markdown(pa.reconstruction_text(counts, shares, "en", report=True))
    total = int(counts.groupby("region_code")["region_events_count"].first().sum())
    assert total == 3337
    assert "add up to **3,337 events** (from 22 to 929 per region)" in recon
    assert "reproduce 10 of the 10 published national shares" in recon
    assert "(«Other social volunteering») the residual gives 32.78% and the reconstruction 1,094 events = 32.78%" \
        in recon
    assert "10 of the 10 given national shares" in markdown(pa.reconstruction_text(counts, shares, "en"))
    ru = markdown(pa.reconstruction_text(counts, shares, "ru", report=True), lang="ru")
    assert f"**3{NBSP}337 мероприятий** (от 22 до 929 на регион)" in ru
    assert "воспроизводят 10 из 10 опубликованных долей по стране" in ru
    # 1 094 → «мероприятия» (CLDR few), a true percent sign after a no-break space
    assert f"(«Другое социальное волонтёрство»), остаток даёт 32,78{NBSP}%, а восстановление — 1{NBSP}094 мероприятия" \
        in ru
    assert pa.reconstruction_text(None, shares, "en") is None
    assert markdown(pa.national_text(None, "en", report=True)) == "The dataset has no national chart of event directions."
    assert pa.national_text(None, "en") is None  # a researcher's dataset: the template has no national chart


def test_nur_sultan_total_is_the_smallest_fit(by_region, counts):
    # Nur-Sultan's list (source lines 1783-1793) opens with 54.39 % «Другое социальное волонтёрство».
    ns = counts[counts["region_code"] == "KZ-71"]
    n = int(ns["region_events_count"].iloc[0])
    shares = by_region.loc[by_region["region_code"] == "KZ-71", "share_pct"].to_numpy()
    for smaller in range(1, n):
        k = np.rint(shares * smaller / 100)
        assert not (np.all(np.abs(100 * k / smaller - shares) <= 0.005 + 1e-9) and k.sum() == smaller)
    other = ns.loc[ns["direction_id"] == "other_social"].iloc[0]
    assert round(100 * other["events_count"] / n, 2) == 54.39


def test_region_names_are_unambiguous():
    # In English the short names of Almaty city (KZ-75) and Almaty Region (KZ-19) coincide.
    names = figures.region_names(["KZ-19", "KZ-75", "KZ-71"], "en")
    assert len(set(names)) == 3
    assert names[2] == "Astana"
    ru = figures.region_names(["KZ-19", "KZ-75"], "ru")
    assert ru[0] != ru[1]


def test_section_figures_draw_and_skip_absent_inputs(study_style, by_region, counts, national):
    matrix = activities.direction_matrix(by_region)
    fig, ax = figures.plot_directions_heatmap(matrix, "en")
    assert len(ax.get_yticklabels()) == len(matrix)
    shares = activities.national_shares_table(national, counts)
    fig, ax = figures.plot_event_national_shares(shares, "ru")
    assert len(ax.patches) == len(shares)
    assert figures.plot_directions_heatmap(None) is None and figures.plot_event_national_shares(None) is None


# --- statements follow the dataset: a researcher's drop filled from the template ----------------------------------


@pytest.fixture(scope="module")
def contract(processed_contract_2022):
    """The processed layer of the synthetic kz2022 drop (tests/fixtures/kz2022_contract): events by direction and
    per region supplied, no report."""
    out = processed_contract_2022
    read = {n: processed.read_table(f"{n}_kz2022", out) for n in ("event_directions", "regions")}
    manifest = __import__("json").loads((out / "manifest.json").read_text(encoding="utf-8"))
    return read["event_directions"], read["regions"], manifest


def test_supplied_directions_are_never_called_missing(contract):
    lists, regions, manifest = contract
    assert not pa.is_report_transcription(manifest)
    assert activities.counts_supplied(lists) and not activities.counts_supplied(lists.drop(columns="events_count"))
    matrix, totals = activities.direction_matrix(lists), activities.region_totals_check(lists)
    said = markdown(pa.directions_text(matrix, totals, "en", supplied=activities.counts_supplied(lists)))
    assert "The dataset gives the events of each direction in each region" in said
    assert said.endswith("20 regions, 11 directions.")
    sums = activities.direction_sums_check(lists, regions)
    assert len(sums) == 20 and (sums["difference"] == 0).all()
    assert int(sums["events_supplied"].sum()) == int(regions["events_count"].sum())
    texts = [pa.supplied_events_text(None, None, regions, lang, lists, sums) for lang in ("en", "ru")]
    en, ru = markdown(texts[0]), markdown(texts[1], lang="ru")
    assert "counts are used as given and nothing is reconstructed" in en
    assert "In 20 of 20 regions the directions add up exactly to the region's total `events_count`." in en
    assert "В 20 из 20 регионов направления в сумме точно дают итог региона `events_count`." in ru
    for text in (en, ru, markdown(pa.directions_text(matrix, totals, "ru", supplied=True), lang="ru")):
        assert "no regional lists" not in text and "нет региональных списков" not in text
        assert "report" not in text and "отчёт" not in text
    # without the regional totals: the directions are still supplied; what is lacking is named by its column
    no_total = markdown(pa.supplied_events_text(None, None, None, "en", lists, None))
    assert "gives no total `events_count`" in no_total and "not in this dataset" not in no_total


def test_the_report_is_named_only_for_its_declared_transcription():
    assert pa.is_report_transcription({"transcribes": "report_2021", "id": "x"})
    for manifest in ({"id": "report_2021"}, {"transcribes": "report_2022"}, {}, None, "report_2021"):
        assert not pa.is_report_transcription(manifest)


def test_kazakh_sentences_of_section_05(by_region, counts):
    """kk: Kazakh words of the glossary, CLDR numbers, no Latin word outside code."""
    import re

    matrix, totals = activities.direction_matrix(by_region), activities.region_totals_check(by_region)
    # (direction names in Kazakh come with the labels catalogue; these parts name none)
    parts = [pa.directions_text(matrix, totals, "kk"), pa.reconstruction_text(counts, None, "kk"),
             pa.supplied_events_text(None, counts, None, "kk"),
             pa.participant_text(pd.DataFrame({"category": ["a", "b"]}), "kk", report=True)]
    said = markdown(parts, lang="kk")
    assert said.startswith("## Өңірлер бойынша іс-шаралар бағыттары")
    assert "17 өңір, 11 бағыт." in said
    assert f"**3{NBSP}337 іс-шара** (өңір бойынша ең азы 22, ең көбі 929)" in said
    assert "ең азы 99,99%, ең көбі 100,02%" in said
    assert "Есеп мәтіні" in said and "`events_count`" in said
    assert re.search(r"[әғқңөұүһі]", said)
    assert not re.findall(r"[A-Za-z]{4,}", re.sub(r"`[^`]*`", "", said))
