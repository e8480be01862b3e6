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
    assert "not in this dataset" in markdown(pa.supplied_events_text(None, counts, None, "en"))
    ru = markdown(pa.supplied_events_text(comparison, counts, supplied, "ru"), lang="ru")
    assert f"Точно совпадают 0 из {len(totals)} регионов." in ru
    assert "сравнивать не с чем" in markdown(pa.supplied_events_text(None, None, supplied, "ru"), lang="ru")


def test_ways_sum_above_100(repo_root):
    raw = pd.read_csv(repo_root / RAW / "ways_of_volunteering.csv")
    ways = activities.ways_table(raw)
    assert ways.iloc[-1]["share_pct"] == pytest.approx(raw["share_pct"].sum())
    assert ways.set_index("way").loc["offline", "share_pct"] == pytest.approx(92.95)
    said = markdown(pa.ways_text(ways, "en"))
    assert f"**{raw['share_pct'].sum():.2f} %**" in said and "not mutually exclusive" in said
    ru = markdown(pa.ways_text(ways, "ru"), lang="ru")
    total, over = f"{raw['share_pct'].sum():.2f}".replace(".", ","), f"{raw['share_pct'].sum() - 100:.2f}".replace(".", ",")
    assert f"**{total} %**" in ru and f"на {over} п. п. больше 100" in ru
    exact = activities.ways_table(raw.assign(share_pct=[60.0, 30.0, 10.0]))
    assert "not mutually exclusive" not in markdown(pa.ways_text(exact, "en"))
    assert "взаимоисключающие" not in markdown(pa.ways_text(exact, "ru"), lang="ru")
    assert activities.ways_table(None) is None


def test_participant_categories_and_partial_chart(processed_2021):
    quotes = processed.read_table("participant_category_quotes", processed_2021)
    table = activities.participant_categories(quotes)
    assert table.set_index("category").loc["pro_bono", "region_code"] == "KZ-75"  # Almaty city
    assert table.set_index("category").loc["children", "share_of_events_pct"] == pytest.approx(26.59)
    assert f"leading in {quotes['category'].nunique()} participant" in markdown(pa.participant_text(table, "en"))
    assert f"по {quotes['category'].nunique()} категориям участников" in markdown(pa.participant_text(table, "ru"),
                                                                                  lang="ru")
    values, legend = activities.org_directions_split(processed.read_table("org_directions_partial", processed_2021))
    assert len(values) == 6 and len(legend) == 11
    assert "direction_id" not in values.columns
    assert values["share_pct"].iloc[0] == pytest.approx(34.52)
    said = markdown(pa.org_directions_text(values, legend, "en"))
    assert "as 6 numbers and a legend of 11 entries" in said
    ru = markdown(pa.org_directions_text(values, legend, "ru"), lang="ru")
    assert "остались 6 чисел и легенда из 11 подписей" in ru and "6 значений (сумма" in ru
    assert activities.org_directions_split(None) == (None, None)


def test_sentences_of_the_regional_lists(by_region, counts, national):
    matrix, totals = activities.direction_matrix(by_region), activities.region_totals_check(by_region)
    said = markdown(pa.directions_text(matrix, totals, "en"))
    assert said.startswith("## Event directions by region")
    assert f"{len(matrix)} regions, {matrix.shape[1]} directions" in said
    assert f"{int(totals['within_tolerance'].sum())} of {len(matrix)} are 100" in said
    assert not markdown(pa.directions_text(None, None, "en")).startswith("#")
    ru = markdown(pa.directions_text(matrix, totals, "ru"), lang="ru")
    assert ru.startswith("## Направления мероприятий по регионам")
    assert f"{len(matrix)} регионов, {matrix.shape[1]} направлений" in ru  # 17 регионов, 11 направлений
    top = figures.with_labels(activities.top_direction(by_region), "en")
    leaders = top["direction"].value_counts()
    assert markdown(pa.top_direction_text(top, "en")) == (
        f"The leading direction is «{leaders.index[0]}» in {leaders.iloc[0]} of {len(top)} regions.")
    leader_ru = figures.with_labels(activities.top_direction(by_region), "ru")["direction"].value_counts()
    assert markdown(pa.top_direction_text(top, "ru"), lang="ru") == (
        f"Ведущее направление — «{leader_ru.index[0]}»: оно первое в {leader_ru.iloc[0]} из {len(top)} регионов.")
    shares = activities.national_shares_table(national, counts)
    assert shares.set_index("direction_id").loc["other_social", "status"] == "not_published_agree"
    nat = markdown(pa.national_text(shares, "en"))
    assert "gives no value for «Other social volunteering»" in nat
    nat_ru = markdown(pa.national_text(shares, "ru"), lang="ru")
    assert "нет значения для «Другое социальное волонтёрство»" in nat_ru
    recon = markdown(pa.reconstruction_text(counts, shares, "en"))
    total = int(counts.groupby("region_code")["region_events_count"].first().sum())
    assert f"**{total:,} events**" in recon and "reproduce 10 of the 10 published national shares" in recon
    assert "(«Other social volunteering») the residual gives 32.78 %" in recon
    ru = markdown(pa.reconstruction_text(counts, shares, "ru"), lang="ru")
    assert f"**{total:,} мероприятий**".replace(",", "\u202f") in ru and "воспроизводят 10 из 10" in ru
    assert "(«Другое социальное волонтёрство»), остаток даёт 32,78 %" in ru
    assert pa.reconstruction_text(None, shares, "en") is None
    assert markdown(pa.national_text(None, "en")) == "The dataset has no national chart of event directions."


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
