"""The replication register, checked against values computed by hand from data/raw/report_2021."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vstudy.analysis import replication


@pytest.fixture(scope="module")
def tables(repo_root):
    return replication.load_tables(repo_root / "data" / "raw")


@pytest.fixture(scope="module")
def regional(repo_root, processed_2021):
    """Section 03's regional table, read from the processed layer of data/raw."""
    from vstudy.analysis import correlations as cs

    raw = repo_root / "data" / "raw"
    frame = cs.load_regions(processed_2021, "kz2021")
    return cs.add_reconstructed_events(frame, raw, "kz2021")


@pytest.fixture(scope="module")
def register(tables, regional):
    return replication.build_register(tables, "kz2021", regional=regional).set_index("claim_id")


def test_columns_and_statuses(register):
    assert list(register.reset_index().columns) == replication.COLUMNS
    assert set(register["status"]) <= {"reproduced", "differs", "not reproducible"}
    assert register.index.is_unique


def test_initiative_group_share(register):
    row = register.loc["initiative_group_share_pct"]
    assert row["published_value"] == 77.15
    assert row["recomputed_value"] == round(100 * 1658 / (491 + 1658), 2)
    assert row["status"] == "reproduced"


def test_reconstructed_counts_add_up(tables):
    recon = replication.reconstruct_organisations(tables["organisations_by_region"], 491, 1658, "kz2021")
    assert recon["ngo_count"].sum() == 491
    assert recon["initiative_group_count"].sum() == 1658
    pav = recon.set_index("region_code").loc["KZ-55"]  # Pavlodar: 2.44 % of 491, 27.74 % of 1658
    assert (pav["ngo_count"], pav["initiative_group_count"]) == (12, 460)
    assert (recon["ngo_share_recomputed_pct"] - recon["ngo_share_of_region_pct"]).abs().max() <= 0.01


def test_prose_restatements(register):
    assert register.loc["age_18_29_kyzylorda_pct_prose", "status"] == "differs"
    assert register.loc["age_18_29_kyzylorda_pct_prose", "recomputed_value"] == 29.95
    assert register.loc["age_30_to_pension_national_pct_prose", "recomputed_value"] == 13.03
    assert register.loc["age_18_29_nur_sultan_pct_prose", "status"] == "reproduced"
    upto = register.loc["age_18_29_shymkent_vko_mangystau_upto_pct_prose"]
    assert upto["recomputed_value"] == 36.69 and upto["status"] == "differs"
    assert register.loc["nur_sultan_share_of_national_30_to_pension_pct", "status"] == "not reproducible"


def test_event_reconstruction_gives_other_social(register):
    row = register.loc["event_national_other_social"]
    assert row["recomputed_value"] == pytest.approx(32.78)
    assert "1094/3337" in row["note"]
    events = register[register.index.str.startswith("event_national_")]
    assert (events["status"] == "reproduced").all() and len(events) == 11


def test_pension_list_erratum(register):
    row = register.loc["age_by_region_sum_published"]
    assert row["recomputed_value"] == pytest.approx(37.48 + 25.87 + 35.62 + 35.62)  # Nur-Sultan, errata E01
    assert row["status"] == "differs"


def test_hours_and_money(register):
    assert register.loc["hours_per_month_over", "recomputed_value"] == pytest.approx(453_889 / 6, abs=0.1)
    assert register.loc["hours_per_month_over", "status"] == "reproduced"
    assert register.loc["employee_equivalent", "recomputed_value"] == round(453_889 / 6 / 2080, 1)
    money = register.loc["economic_value_min_kzt_per_year"]
    assert money["recomputed_value"] == pytest.approx(453_889 * 2 * 250_311 / (40 * 52 / 12) / 0.5, abs=1)
    assert money["status"] == "not reproducible"


def test_info_line_sums(register):
    assert register.loc["info_line_parts_sum", "recomputed_value"] == 1262 + 10 + 80
    assert register.loc["info_line_parts_sum", "status"] == "differs"
    assert register.loc["info_line_channels_sum", "recomputed_value"] == 451 + 739 + 193 - 30
    assert register.loc["info_line_categories_sum", "recomputed_value"] == 1276


def test_correlations_recomputed_as_in_section_03(register, regional, tables):
    corr = register[register["section"] == "03_correlations"]
    assert len(corr) == 17
    computed = corr[corr["recomputed_value"].notna()]
    # The two pairs without volunteers: events reconstructed from the regional direction lists, as section 03.
    assert set(computed.index) == {"r_events_vs_organisations", "r_emissions_vs_eco_events"}
    for claim, x, y in (("r_events_vs_organisations", "events_reconstructed_count", "organisations_count"),
                        ("r_emissions_vs_eco_events", "air_emissions_thousand_tonnes",
                         "eco_events_reconstructed_count")):
        pair = regional[[x, y]].astype(float).dropna()
        assert len(pair) == 17
        assert computed.loc[claim, "recomputed_value"] == round(float(np.corrcoef(pair[x], pair[y])[0, 1]), 3)
        assert computed.loc[claim, "status"] == "differs"  # published 0.03 and 0.06
    rest = corr.drop(computed.index)
    assert (rest["status"] == "not reproducible").all()
    # Each of the others needs per-region volunteer counts (or, for 12–28-year-olds, an age band never published).
    assert rest["note"].str.contains(r"missing: .*Volunteers(?: aged 12–28)? \(", regex=True).all()
    # Without section 03's table nothing is recomputed, and the register says why.
    bare = replication.build_register(tables, "kz2021").set_index("claim_id")
    assert bare.loc["r_events_vs_organisations", "note"] == "not recomputed: no regional table was given"


def test_supplied_volunteer_counts_enable_recomputation(tables, regional):
    codes = replication.regions.codes("kz2021")
    recon = replication.reconstruct_organisations(tables["organisations_by_region"], 491, 1658, "kz2021")
    orgs = recon.set_index("region_code")["organisations_count"].reindex(codes)
    # volunteers exactly proportional to organisations: r must come out as 1
    supplied = pd.DataFrame({"region_code": codes, "volunteers_count": (orgs * 10).to_numpy()})
    reg = replication.build_register({**tables, "volunteers_by_region": supplied}, "kz2021",
                                     regional=regional).set_index("claim_id")
    assert reg.loc["r_volunteers_vs_organisations", "recomputed_value"] == pytest.approx(1.0)
    assert reg.loc["volunteers_total", "recomputed_value"] == 10 * (491 + 1658)
    assert reg.loc["volunteers_total", "status"] == "differs"
    assert reg.loc["age_national_under18", "status"] in {"reproduced", "differs"}


def test_weighted_national():
    wide = pd.DataFrame({"a": [10.0, 30.0]}, index=["X", "Y"])
    assert replication.weighted_national(wide, pd.Series({"X": 1, "Y": 3}))["a"] == 25.0


def test_indicator_coverage(tables):
    cov = replication.indicator_coverage(tables["indicators"], "kz2021").set_index(["indicator", "ref_period"])
    assert cov.loc[("population_total", "2021-01-01"), "regions_covered"] == 17
    assert cov.loc[("csi_quality_of_life_rank", "2020-Q4"), "regions_covered"] == 7
    assert cov.loc[("avg_monthly_nominal_wage", "2021"), "regions_covered"] == 0


def test_hours_total_needs_regional_hours(register, tables):
    assert register.loc["hours_6_months", "status"] == "not reproducible"
    codes = replication.regions.codes("kz2021")
    supplied = pd.DataFrame({"region_code": codes, "hours_count": [453_889 / 17] * 17})
    reg = replication.build_register({**tables, "hours_by_region": supplied}, "kz2021").set_index("claim_id")
    assert reg.loc["hours_6_months", "recomputed_value"] == pytest.approx(453_889)
    assert reg.loc["hours_6_months", "status"] == "reproduced"


def test_fixture_dataset_register(repo_root):
    fixture = repo_root / "tests" / "fixtures" / "kz2022_dataset"
    if not (fixture / "manifest.yml").is_file():
        pytest.skip("kz2022 fixture not present")
    reg = replication.build_register(replication.load_tables(fixture), "kz2022").set_index("claim_id")
    ngo = reg[reg.index.str.startswith("ngo_share_")]
    assert len(ngo) == 20  # one claim per unit of the 20-region scheme
    assert "erratum E01" not in reg.loc["age_by_region_sum_published", "note"]


def test_coverage_matrix(tables):
    matrix = replication.coverage_matrix(tables["indicators"], "kz2021")
    assert list(matrix.columns) == replication.regions.codes("kz2021")
    assert matrix.loc["csi_quality_of_life_rank 2020-Q4"].sum() == 7
    assert matrix.loc["population_total 2021-01-01"].sum() == 17
    assert "avg_monthly_nominal_wage 2021" not in matrix.index  # national only: no regional cell
