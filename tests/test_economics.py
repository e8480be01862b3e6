"""Economic value of volunteer hours: the arithmetic behind the report's 75,500 h, 40 employees and 3.2 bn."""

from __future__ import annotations

import pandas as pd
import pytest

from vstudy.analysis import economics
from vstudy.present import labels
from vstudy.present.notebook import markdown
from vstudy.present.prose import economics as pe

HOURS = 453_889  # headline_figures.csv, hours_6_months (source line 2127)


def test_hours_per_month_exceeds_published_lower_bound():
    assert economics.hours_per_month(HOURS, 6) == pytest.approx(75_648.17, abs=0.01)
    assert economics.hours_per_month(HOURS, 6) > 75_500
    with pytest.raises(ValueError):
        economics.hours_per_month(HOURS, 0)


def test_employee_equivalent_and_norm_interval():
    per_month = HOURS / 6
    assert economics.employee_equivalent(per_month, 2080) == pytest.approx(36.37, abs=0.01)
    lo, hi = economics.norm_interval_for_equivalent(per_month, 40)
    assert round(per_month / lo) == 40 and round(per_month / (hi - 1)) == 40
    assert lo == pytest.approx(1867.9, abs=0.1) and hi == pytest.approx(1915.1, abs=0.1)


def test_annual_value_matches_hand_calculation():
    # 453,889 h × 2 × 250,311 / 160 / 0.5
    value = economics.annual_value(HOURS, 6, 250_311, 160, 0.5)
    assert value == pytest.approx(HOURS * 2 * 250_311 / 160 / 0.5)
    assert value / 1e9 == pytest.approx(2.840, abs=0.001)
    with pytest.raises(ValueError):
        economics.annual_value(HOURS, 6, 250_311, 160, 0)


def test_solvers_invert_annual_value():
    hpm = economics.hours_per_month_for_value(3.2e9, HOURS, 6, 250_311, 0.5)
    assert economics.annual_value(HOURS, 6, 250_311, hpm, 0.5) == pytest.approx(3.2e9)
    assert hpm == pytest.approx(142.0, abs=0.1)
    cov = economics.coverage_for_value(3.2e9, HOURS, 6, 250_311, 160)
    assert economics.annual_value(HOURS, 6, 250_311, 160, cov) == pytest.approx(3.2e9)


def test_wage_options_from_indicators(repo_root):
    ind = pd.read_csv(repo_root / "data/raw/official/indicators.csv")
    ind["is_national"] = ind["region_as_published"] == "Республика Казахстан"
    ind["ref_period"] = ind["ref_period"].astype(str)
    options = economics.wage_options(ind)
    values = list(options.values())
    assert values[0] == 250_311  # BNS annual 2021 (indicators.csv)
    assert values[1] == pytest.approx((243_667 + 275_580) / 2)  # 2021-Q3 and Q4 national rows


def test_sensitivity_grid_shape_and_target():
    grid = economics.sensitivity_grid(HOURS, 6, {"w": 250_311}, hours_options=(160, 176), coverages=(1.0, 0.5),
                                      target=3.2e9)
    assert len(grid) == 4
    assert not grid["reaches_target"].any()
    assert grid["value_bn_kzt_per_year"].max() == pytest.approx(2.840, abs=0.001)


def test_regional_split_shares_sum_to_100():
    frame = pd.DataFrame({"region_code": ["KZ-11", "KZ-15"], "hours_count": [300.0, 100.0]})
    out = economics.regional_split(frame, 250_311, 160, 6)
    assert out["hours_share_pct"].tolist() == [75.0, 25.0]
    assert out["value_kzt_per_year"].sum() == pytest.approx(economics.annual_value(400, 6, 250_311, 160))


# --- the period length, the employer uplift and the working-time bases (issues 11 and 14) ----------------------

def test_period_months_from_the_manifest():
    from vstudy.data import datasets

    assert datasets.period_months({"start": "2021-07-01", "end": "2021-12-31"}) == 6
    assert datasets.period_months({"start": "2022-01-01", "end": "2022-12-31"}) == 12
    assert datasets.period_months({"start": "2021-11-01", "end": "2022-02-28"}) == 4
    # not whole months: days in mean Gregorian months
    assert datasets.period_months({"start": "2021-07-15", "end": "2021-08-14"}) == pytest.approx(31 / 30.436875)
    with pytest.raises(ValueError):
        datasets.period_months({"start": "2021-07-01", "end": "2021-06-30"})
    ds = datasets.load_dataset()
    assert ds.months == 6 == datasets.period_months(ds.manifest["period"])


def test_a_twelve_month_dataset_is_not_doubled():
    hours = pd.DataFrame({"region_code": ["KZ-11", "KZ-15"], "hours_count": [1200.0, 2400.0]})
    inp = economics.inputs(None, hours, None, {"start": "2022-01-01", "end": "2022-12-31"}, 12.0)
    assert inp["hours"] == 3600 and inp["hours_source"] == "regions_sum"
    assert "annualised × 1" in markdown(pe.inputs_text(inp, "en"))
    ru = markdown(pe.inputs_text(inp, "ru"), lang="ru")
    assert "3\u202f600 (сумма указанных часов по регионам) за 12 месяцев" in ru and "× 1." in ru
    inp["wages"] = {"w": 300_000.0}
    split = economics.regional_table(inp)
    # 12 months of hours are one year of hours: value = hours × wage / 160 (no doubling)
    assert split["value_kzt_per_year"].sum() == pytest.approx(3600 * 300_000 / 160)
    six = economics.regional_table({**inp, "months": 6.0})
    assert six["value_kzt_per_year"].sum() == pytest.approx(2 * split["value_kzt_per_year"].sum())


def test_employer_uplift_reaches_the_published_value():
    # 50 % coverage, 160 h, annual 2021 wage: the gross value is 2.840 bn; 3.2 bn needs an uplift of 12.7 %
    gross = HOURS * 2 * 250_311 / 160 / 0.5
    up = economics.uplift_for_value(3.2e9, HOURS, 6, 250_311, 160, 0.5)
    assert up == pytest.approx(3.2e9 / gross - 1) and round(up, 3) == 0.127
    assert economics.annual_value(HOURS, 6, 250_311, 160, 0.5, up) == pytest.approx(3.2e9)
    grid = economics.sensitivity_grid(HOURS, 6, {"w": 250_311}, target=3.2e9, uplifts=economics.UPLIFT_OPTIONS)
    gross_rows = grid[grid["employer_uplift"] == 0]
    assert not gross_rows["reaches_target"].any()  # "0 of them reach it" holds only at the gross wage
    assert grid.loc[(grid["employer_uplift"] == 0.2) & (grid["coverage"] == 0.5)
                    & (grid["hours_worked_per_month"] == 160), "reaches_target"].item()
    with pytest.raises(ValueError):
        economics.annual_value(HOURS, 6, 250_311, 160, 0.5, -0.1)


def test_net_of_leave_norms_and_the_forty_employees():
    per_month = HOURS / 6
    lo, hi = economics.norm_interval_for_equivalent(per_month, 40)
    assert (round(lo), round(hi)) == (1868, 1915)
    # 2,080 h less 24 calendar days of leave (24 × 5/7 working days of 8 h)
    assert economics.NET_OF_LEAVE_NORM == pytest.approx(2080 - 24 * 5 / 7 * 8)
    assert economics.days_off_for_norm(hi) == pytest.approx((2080 - hi) / 8)
    table = economics.employee_equivalent_table(per_month, 40)
    assert not table["reproduces_published"].any()  # no listed norm gives 40: it needs 1,868–1,915 h
    inp = {"hours": HOURS, "months": 6.0, "hours_per_month_over": 75_500.0, "employees_published": 40.0}
    text = markdown(pe.employees_text(inp, "en"))
    assert "1,868–1,915 hours" in text and "above the published lower bound of 75,500" in text
    assert "published" not in markdown(pe.employees_text({**inp, "hours_per_month_over": None,
                                                          "employees_published": None}, "en"))
    ru = markdown(pe.employees_text(inp, "ru"), lang="ru")
    eq = f"{per_month / economics.GROSS_NORM:.1f}".replace(".", ",")
    assert "1\u202f868–1\u202f915 ч" in ru and "выше опубликованной нижней границы 75\u202f500" in ru
    assert f"это {eq} работника" in ru and "Для опубликованных 40 работников" in ru


def test_official_national_wages_in_the_processed_layer(processed_2021, repo_root):
    from vstudy.data import processed

    national = processed.read_table("official_national", processed_2021)
    raw = pd.read_csv(repo_root / "data/raw/official/indicators.csv")
    raw = raw[(raw["region_as_published"] == "Республика Казахстан") & (raw["indicator"].str.contains("wage"))
              & (raw["preferred"].astype(str).str.lower() == "true")]
    options = economics.wage_options(national, "2021", economics.period_quarters(
        {"start": "2021-07-01", "end": "2021-12-31"}))
    values = list(options.values())
    assert values[0] == float(raw.loc[raw["ref_period"].astype(str) == "2021", "value"].item())
    q = raw.set_index(raw["ref_period"].astype(str))["value"]
    assert values[1] == pytest.approx((q["2021-Q3"] + q["2021-Q4"]) / 2)
    year = economics.wage_options(national, "2021", economics.period_quarters(
        {"start": "2021-01-01", "end": "2021-12-31"}))
    assert list(year.values())[1] == pytest.approx(q[["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]].mean())


def test_prose_cites_only_what_the_dataset_carries():
    inp = economics.inputs(None, None, None, {"start": "2022-07-01", "end": "2022-12-31"}, 6.0)
    assert inp["hours"] is None and inp["target"] is None
    assert markdown(pe.required_text(inp, "en")) == "The dataset carries no published money value to reach."
    assert "neither a total" in markdown(pe.inputs_text(inp, "en"))
    assert markdown(pe.inputs_text(inp, "ru"), lang="ru").startswith("В этом наборе данных нет ни общего числа")
    headline = pd.DataFrame({"figure_id": ["hours_6_months", "economic_value_min_kzt_per_year",
                                           "front_office_coverage_pct"], "value": [HOURS, 3.2e9, 50.0]})
    inp = economics.inputs(headline, None, None, {"start": "2021-07-01", "end": "2021-12-31"}, 6.0)
    inp["wages"] = {"annual_2021": 250_311.0}
    text = markdown(pe.required_text(inp, "en"))
    assert "employer uplift of 12.7%" in text and "3.2 bn" in text
    assert "With the average monthly nominal wage 2021 (annual) (250,311 tenge)" in text
    ru = markdown(pe.required_text(inp, "ru"), lang="ru")
    assert "надбавка работодателя 12,7%" in ru and "для 3,2 млрд тенге в год" in ru
    assert "«среднемесячная номинальная заработная плата за 2021 год» (250\u202f311 тенге)" in ru
    grid = economics.grid_for(inp)
    assert "0 of the 15 at the gross wage" in markdown(pe.value_text(grid, inp["target"], "en"))
    ru = markdown(pe.value_text(grid, inp["target"], "ru"), lang="ru")
    lo = f"{grid['value_bn_kzt_per_year'].min():.2f}".replace(".", ",")
    assert f"По {len(grid)} сочетаниям допущений стоимость составляет от {lo} до" in ru and "— 0 из 15." in ru


def test_wage_bases_are_ids_written_out_in_each_language():
    assert pe.wage_label("annual_2021", "en") == "average monthly nominal wage 2021 (annual)"
    assert pe.wage_label("quarters_2021_q3_2021_q4", "en") == "average of 2021-Q3 to 2021-Q4 (the period of the hours)"
    assert pe.wage_label("quarters_2021_q3_2021_q4", "ru") == "среднее за III–IV кв. 2021 года (период учёта часов)"
    assert pe.wage_label("quarters_2021_q4_2022_q1", "ru").startswith("среднее за IV кв. 2021 года – I кв. 2022")
    ru = markdown(pe.assumptions_text("ru"), lang="ru")
    assert "2\u202f080 ч за 52 недели" in ru and "24 календарных дня" in ru and "20–22 рабочих дня" in ru
    for norm in economics.annual_norm_options().itertuples():
        for lang in ("en", "ru"):
            assert labels.label(norm.norm, lang) and labels.label(norm.basis, lang)
