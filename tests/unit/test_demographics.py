"""Demographics and organisations (sections 01, 02) from the processed layer, and the sentences they print."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vstudy.analysis import demographics
from vstudy.data import processed, regions
from vstudy.present import figures
from vstudy.present.notebook import markdown
from vstudy.present.prose import demographics as says
from vstudy.present.prose import organisations as org_says
from vstudy.present.text import escape


@pytest.fixture(scope="module")
def tables(processed_2021):
    names = ("age_kz2021", "status_kz2021", "national_shares_kz2021", "regions_kz2021", "gender_extremes",
             "headline_figures", "coverage_kz2021", "organisations_kz2021")
    return {n.removesuffix("_kz2021"): processed.read_table(n, processed_2021) for n in names}


@pytest.fixture(scope="module")
def raw(repo_root):
    base = repo_root / "data" / "raw" / "report_2021"
    return {n: pd.read_csv(base / f"{n}.csv") for n in ("age_by_region", "status_national", "headline_figures")}


def text(parts, lang: str = "en") -> str:
    return markdown(parts, lang=lang)


def test_corrected_pension_is_residual(tables):
    age = demographics.age_shares(tables["age"]).set_index("region_code")
    assert list(age.columns) == ["under18", "18_29", "30_to_pension", "pension"]
    # Turkestan (KZ-61): 100 - (20.08 + 59.48 + 11.46) = 8.98, errata.csv E01
    assert age.loc["KZ-61", "pension"] == pytest.approx(8.98)
    assert age.loc["KZ-31", "pension"] == pytest.approx(0.0)  # Zhambyl residual 0.00
    assert np.allclose(age.sum(axis=1), 100)
    assert demographics.age_shares(None) is None


def test_pension_erratum_table(tables, raw):
    table = demographics.pension_erratum(tables["age"]).set_index("region_code")
    assert table["published_is_duplicate"].all()
    # Astana's four published shares, from the raw lists (the pension list repeats the 30-to-pension list)
    ru = raw["age_by_region"][raw["age_by_region"]["region_as_published"].map(
        lambda n: regions.try_resolve(n, "kz2021")) == "KZ-71"].set_index("age_group")["share_pct"]
    assert table.loc["KZ-71", "sum_with_published_pct"] == pytest.approx(round(ru.sum(), 2))
    assert table.loc["KZ-71", "pension_published_pct"] == ru["pension"] == ru["30_to_pension"]
    assert table.index[0] == "KZ-61"  # largest corrected pension share first
    sentence = text(says.pension_text(figures.with_labels(table.reset_index(), "en"), tables["age"],
                                      tables["national_shares"], "en"))
    assert sentence.startswith("## The pension-age list")
    assert "In 17 of 17 regions" in sentence and "(Turkistan highest)" in sentence
    assert "(erratum E01)" in sentence and "1.84%" in sentence  # the published national pie value


def test_pension_part_when_the_list_is_not_a_copy(tables):
    age = tables["age"].copy()
    age["vol_age_pension_pct"] = age["vol_age_pension_pct_published"]
    age["pension_correction"] = processed.PENSION_AS_PUBLISHED
    assert demographics.pension_erratum(age) is None
    sentence = text(says.pension_text(None, age, None, "en"))
    assert sentence == "The pension-age list of this dataset copies no other list and is used as published."
    assert not text(says.pension_text(None, None, None, "en")).startswith("#")


def test_tvd_definition():
    assert demographics.tvd([50, 50], [50, 50]) == 0
    assert demographics.tvd([100, 0], [0, 100]) == 100
    assert demographics.tvd([60, 40], [50, 50]) == pytest.approx(10)
    assert demographics.tvd([30, 20], [50, 50]) == pytest.approx(10)  # rescaled to 100 before comparing
    assert np.isnan(demographics.tvd([np.nan, 50], [50, 50]))


def test_distance_from_national_status(tables, raw):
    status = demographics.status_shares(tables["status"])
    nat, basis = demographics.reference_national(tables["national_shares"], "status")
    assert basis == "published"
    assert nat.to_dict() == raw["status_national"].set_index("status")["share_pct"].to_dict()
    dist = demographics.distance_from_national(status, nat).set_index("region_code")
    # Almaty city: students 9.62 vs 55, working 82.45 vs 36 ... (status_by_region.csv lines 1579, 1605, 1572)
    almaty = status.set_index("region_code").loc["KZ-75"].to_numpy()
    q = nat[list(demographics.STATUSES)].to_numpy()
    expected = 0.5 * np.abs(100 * almaty / almaty.sum() - 100 * q / q.sum()).sum()
    assert dist.loc["KZ-75", "tvd_pp"] == pytest.approx(expected, abs=0.01)
    assert dist.loc["KZ-75", "largest_gap_category"] == "working"
    assert dist.loc["KZ-75", "largest_gap_pp"] == pytest.approx(82.45 - 36, abs=0.01)
    assert dist["tvd_pp"].is_monotonic_decreasing


def test_distance_table_orders_regions_and_names_the_gaps(tables):
    ages, statuses = demographics.age_shares(tables["age"]), demographics.status_shares(tables["status"])
    out = demographics.distance_table(ages, statuses, tables["national_shares"])
    assert len(out) == 17 and out["tvd_mean_pp"].is_monotonic_decreasing
    row = out.iloc[0]
    assert row["region_code"] == "KZ-75"
    assert row["tvd_mean_pp"] == pytest.approx((row["tvd_age_pp"] + row["tvd_status_pp"]) / 2, abs=0.01)
    assert (row["age_largest_gap"], row["status_largest_gap"]) == ("18_29", "working")
    sentence = text(says.distance_text(figures.with_labels(out, "en"), tables["national_shares"], "en"))
    assert "against the published national shares" in sentence
    assert "Furthest from the national mix: Almaty (mean TVD 38.2 pp" in sentence
    assert escape("employed and self-employed +46.5 pp") in sentence  # 46.45 rounded half up; a label, never an id
    assert demographics.distance_table(None, None, None) is None
    assert demographics.combined_distance(None, None, None, None).empty


def test_without_published_shares_the_implied_mix_is_the_reference_and_never_called_published():
    national = pd.DataFrame({"dimension": ["status"] * 2, "category": ["students", "working"],
                             "published_pct": [np.nan, np.nan], "implied_pct": [40.0, 60.0]})
    nat, basis = demographics.reference_national(national, "status")
    assert basis == "implied" and nat.to_dict() == {"students": 40.0, "working": 60.0}
    assert demographics.published_national(national) is None
    implied = demographics.implied_national(national)
    assert "published_national_pct" not in implied.columns
    assert implied["implied_national_pct"].tolist() == [40.0, 60.0]
    shares = pd.DataFrame({"region_code": ["KZ-11", "KZ-15"], "students": [50.0, 30.0], "working": [50.0, 70.0]})
    dist = demographics.distance_table(None, shares, national)
    assert dist.set_index("region_code").loc["KZ-11", "tvd_status_pp"] == pytest.approx(10.0)
    assert "implied by the supplied volunteer counts" in text(says.distance_text(dist, national, "en"))
    regions_table = pd.DataFrame({"region_code": ["KZ-11", "KZ-15"], "volunteers_count": [1200, 800]})
    assert "(2,000 volunteers in 2 regions)" in text(says.implied_text(implied, regions_table, "en"))
    assert not text(says.implied_text(None, None, "en")).startswith("#")


def test_national_shares_as_published(tables, raw):
    published = demographics.published_national(tables["national_shares"])
    status = published[published["dimension"] == "status"].set_index("category")["share_pct"]
    assert status.to_dict() == raw["status_national"].set_index("status")["share_pct"].to_dict()
    table = figures.national_shares_table(published, "en")
    assert list(table.columns) == ["dimension", "category", "label", "share_pct"]
    assert table.set_index("category").loc["female", "label"] == "Female"
    sentence = text(says.national_text(table, tables["regions"], "en"))
    age_sum = published.loc[published["dimension"] == "age_group", "share_pct"].sum()
    assert f"age {age_sum:.2f}%" in sentence and "cannot be recomputed" in sentence
    assert text(says.national_text(None, None, "en")) == ("The dataset publishes no national shares by age, "
                                                                "gender or social status.")
    assert "implied by its volunteer counts are shown below" in text(says.national_text(
        None, pd.DataFrame({"region_code": ["KZ-11"], "volunteers_count": [5]}), "en"))


def test_gender_extremes(tables):
    extremes = figures.with_labels(demographics.gender_extremes(tables["gender_extremes"]), "en")
    assert extremes.set_index("region_code").loc["KZ-55", "male_pct"] == 70
    sentence = text(says.gender_extremes_text(extremes, tables["gender_extremes"], "en"))
    assert "Pavlodar: 70% men, 30% women (highest male share)" in sentence
    ranges = tables["gender_extremes"].set_index("extreme")
    assert f"men make {ranges.loc['others_range_min', 'male_pct']:g}%–" in sentence
    assert text(says.gender_extremes_text(None, None, "en")) == (
        "The dataset gives no regional gender figures (template columns `volunteers_male_count`, "
        "`volunteers_female_count`).")


def test_region_labels_are_unique():
    labels = figures.region_labels(regions.codes("kz2021"), "en")
    assert len(set(labels.values())) == 17
    assert labels["KZ-75"] == "Almaty" and labels["KZ-19"] == "Almaty Region"


def test_organisations_frame_reads_the_data_layers_counts(tables, raw):
    orgs = demographics.organisations_frame(tables["regions"]).set_index("region_code")
    # Pavlodar: 12 NGOs + 460 groups; its published NGO share is 2.54 % (organisations_by_region.csv line 1660)
    assert orgs.loc["KZ-55", "organisations_count"] == 472
    assert orgs.loc["KZ-55", "ngo_share_pct"] == pytest.approx(2.54)
    assert orgs.loc["KZ-55", "share_of_national_groups_pct"] == pytest.approx(round(100 * 460 / 1658, 2))
    pop = tables["regions"].set_index("region_code")["population_count"]
    assert orgs.loc["KZ-55", "organisations_per_100k"] == pytest.approx(round(1e5 * 472 / pop["KZ-55"], 2))
    assert orgs["organisations_count"].is_monotonic_decreasing
    totals = demographics.totals_table(orgs.reset_index(), tables["headline_figures"]).set_index("quantity")
    hf = raw["headline_figures"].set_index("figure_id")["value"]
    ngo, grp = hf["ngo_total"], hf["initiative_groups_total"]
    assert totals.loc["initiative_group_share_pct", "recomputed"] == round(100 * grp / (ngo + grp), 2)
    assert totals.loc["initiative_group_share_pct", "published"] == hf["initiative_group_share_pct"]
    assert totals.loc["organisations_per_100k", "recomputed"] == pytest.approx(1e5 * (ngo + grp) / pop.sum(),
                                                                               abs=0.005)
    assert pd.isna(totals.loc["organisations_count", "published"])  # the report states no such total
    assert demographics.organisations_frame(None) is None


def test_organisation_shares_and_rates():
    frame = pd.DataFrame({"region_code": ["A", "B"], "ngo_count": [1, 3], "initiative_group_count": [9, 7],
                          "organisations_count": [10, 10], "population_count": [100_000, 200_000],
                          "organisations_per_100k": [10.0, 5.0]})
    out = demographics.organisations_frame(frame).set_index("region_code")
    assert out.loc["A", "organisations_per_100k"] == 10.0
    assert out.loc["B", "share_of_national_ngo_pct"] == 75.0
    assert out.loc["B", "group_share_pct"] == 70.0
    assert demographics.national_population(out) == 300_000


def test_organisation_sentences(tables):
    orgs = figures.with_labels(demographics.organisations_frame(tables["regions"]), "en")
    totals = demographics.totals_table(orgs, tables["headline_figures"])
    said = text(org_says.totals_text(totals, orgs, "en"))
    assert "491 NGOs and 1,658 initiative groups: 2,149 associations" in said
    assert "The dataset publishes 77.15%." in said and "Pavlodar alone holds" in said
    without = demographics.totals_table(orgs, None)
    assert "publishes" not in text(org_says.totals_text(without, orgs, "en"))
    counts = text(org_says.organisations_text(orgs, tables["coverage"], tables["organisations"], "en"))
    assert "for 17 regions" in counts and "published NGO share of 17 of 17 regions within ±0.01 points" in counts
    above = orgs.loc[orgs["ngo_share_pct"] > 50, "region"].tolist()
    assert f"in {len(above)} of 17 regions: {', '.join(above[:-1])}, and {above[-1]}." in text(org_says.ngo_share_text(orgs, "en"))
    per = text(org_says.per_100k_text(orgs, "en"))
    assert per.startswith("## Associations per 100,000 inhabitants") and "Highest: Pavlodar (62.9)" in per
    assert demographics.volunteers_per_association(orgs, tables["regions"]) is None
    with_counts = tables["regions"].assign(volunteers_count=orgs.set_index("region_code")["organisations_count"]
                                           .reindex(tables["regions"]["region_code"]).to_numpy() * 10)
    ratio = demographics.volunteers_per_association(orgs, with_counts)
    assert (ratio["volunteers_per_association"] == 10.0).all()
    assert "range from 10.0 to 10.0" in text(org_says.volunteers_per_association_text(ratio, "en"))


def test_section_figures_draw_and_skip_absent_inputs(study_style, tables):
    ages, statuses = demographics.age_shares(tables["age"]), demographics.status_shares(tables["status"])
    fig, ax = figures.plot_share_bars(ages, "age_group", "en", sort_by="under18")
    assert len(ax.get_yticklabels()) == len(ages)
    fig, ax = figures.plot_mix_heatmap(ages, statuses, "en")
    assert len(ax.get_xticklabels()) == ages.shape[1] - 1 + statuses.shape[1] - 1
    published = figures.national_shares_table(demographics.published_national(tables["national_shares"]), "en")
    fig, axes = figures.plot_national(published, "en")
    assert len(axes) == 2
    orgs = figures.with_labels(demographics.organisations_frame(tables["regions"]), "en")
    totals = demographics.totals_table(orgs, tables["headline_figures"])
    for draw in (figures.plot_organisation_counts(orgs), figures.plot_ngo_share(orgs, totals),
                 figures.plot_per_100k(orgs, totals)):
        assert len(draw[1].patches) >= len(orgs)
    assert all(f is None for f in (figures.plot_share_bars(None, "status"), figures.plot_mix_heatmap(None, None),
                                   figures.plot_national(None), figures.plot_distance(None),
                                   figures.plot_organisation_counts(None), figures.plot_ngo_share(None, None),
                                   figures.plot_per_100k(None, None)))
