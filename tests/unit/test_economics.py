"""Economic value of volunteer hours: the arithmetic behind the report's 75,500 h, 40 employees and 3.2 bn."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from vstudy.analysis import economics
from vstudy.present import labels
from vstudy.present.notebook import markdown
from vstudy.present.prose import economics as pe

HOURS = 453_889  # headline_figures.csv, hours_6_months (source line 2127)
NBSP = "\u00a0"  # CLDR groups thousands and spaces "%" with a no-break space in ru and kk


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
    en = markdown(pe.inputs_text(inp, "en"))
    assert "(the dataset's period): a full year, so nothing is annualised." in en and "×" not in en
    ru = markdown(pe.inputs_text(inp, "ru"), lang="ru")
    assert f"3{NBSP}600 (сумма указанных часов по регионам) за 12 месяцев" in ru
    assert "(период набора данных): полный год, пересчёт на год не нужен." in ru and "×" not in ru
    kk = markdown(pe.inputs_text(inp, "kk"), lang="kk")
    assert "толық жыл" in kk and "×" not in kk
    half = markdown(pe.inputs_text({**inp, "months": 6.0}, "en"))  # half a year: the factor is said
    assert "over 6 months (the dataset's period), annualised × 2." in half
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
    assert f"1{NBSP}868–1{NBSP}915 ч" in ru and f"выше опубликованной нижней границы 75{NBSP}500" in ru
    assert f"годовому рабочему времени {eq} наёмного работника" in ru and "Для опубликованных 40 работников" in ru
    assert f"453{NBSP}889 часов за 6 месяцев = 75{NBSP}648 часов в месяц" in ru


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
    assert f"надбавка работодателя 12,7{NBSP}%" in ru and "для 3,2 млрд тенге в год" in ru
    assert f"«среднемесячная номинальная заработная плата за 2021 год» (250{NBSP}311 тенге)" in ru
    grid = economics.grid_for(inp)
    assert "0 of the 15 at the gross wage" in markdown(pe.value_text(grid, inp["target"], "en"))
    ru = markdown(pe.value_text(grid, inp["target"], "ru"), lang="ru")
    lo = f"{grid['value_bn_kzt_per_year'].min():.2f}".replace(".", ",")
    assert f"По {len(grid)} сочетаниям допущений стоимость составляет от {lo} до" in ru and "— 0 из 15." in ru


def test_wage_bases_are_ids_written_out_in_each_language():
    assert pe.wage_label("annual_2021", "en") == "average monthly nominal wage 2021 (annual)"
    assert pe.wage_label("quarters_2021_q3_2021_q4", "en") == "average of 2021-Q3 to 2021-Q4 (the period of the hours)"
    assert pe.wage_label("quarters_2021_q3_2021_q4", "ru") == "среднее за 3–4-й кварталы 2021 года (период учёта часов)"
    assert pe.wage_label("quarters_2021_q4_2022_q1", "ru").startswith("среднее за 4-й квартал 2021 года – 1-й квартал 2022")
    assert pe.wage_label("quarters_2021_q3_2021_q4", "kk") == "2021 жылғы 3–4-тоқсандардағы орташа мән (сағаттар кезеңі)"
    assert pe.wage_label("regional_2022", "en").startswith("regional average monthly nominal wages 2022")
    ru = markdown(pe.assumptions_text("ru"), lang="ru")
    assert f"2{NBSP}080 ч за 52 недели" in ru and "24 календарных дня" in ru and "20–22 рабочих дня" in ru
    assert f"(100{NBSP}%, 75{NBSP}% и 50{NBSP}%)" in ru
    for norm in economics.annual_norm_options().itertuples():
        for lang in ("en", "ru"):
            assert labels.label(norm.norm, lang) and labels.label(norm.basis, lang)


# --- regional wages, full-time equivalents by period, caveats, three languages (issues 19, 21 and 22) -----------

CONTRACT = Path(__file__).parents[1] / "fixtures" / "kz2022_contract"
YEAR_2022 = {"start": "2022-01-01", "end": "2022-12-31"}


def _synthetic_wages(codes) -> dict[str, float]:
    """SYNTHETIC regional wages for the test: 180,000 tenge plus 9,500 per unit in code order."""
    return {code: 180_000.0 + 9_500.0 * i for i, code in enumerate(sorted(codes))}


@pytest.fixture(scope="module")
def waged_layer(tmp_path_factory):
    """The contract fixture (kz2022, a full year, hours by region) with regional wages filled into its
    ``avg_monthly_wage_kzt`` column and declared in the manifest, validated and processed by the CLI."""
    from vstudy import cli

    drop = tmp_path_factory.mktemp("waged") / "drop"
    shutil.copytree(CONTRACT, drop)
    with open(drop / "regional.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    wages = _synthetic_wages(r["region_code"] for r in rows)
    for r in rows:
        r["avg_monthly_wage_kzt"] = f"{wages[r['region_code']]:.0f}"
    with open(drop / "regional.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    manifest = yaml.safe_load((drop / "manifest.yml").read_text(encoding="utf-8"))
    manifest["tables"]["regional"]["columns"]["avg_monthly_wage_kzt"] = {"source": "SYNTHETIC (test)",
                                                                         "ref_period": "2022"}
    (drop / "manifest.yml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    out = tmp_path_factory.mktemp("waged_layer") / "processed"
    assert cli.main(["data", "--data", str(drop), "--out", str(out)]) == 0
    return drop, out, {r["region_code"]: float(re.sub(r"\s", "", r["hours_count"])) for r in rows}, wages


def _inputs_of(layer: Path, national: pd.DataFrame | None = None) -> dict:
    from vstudy.data import processed

    regions_table = processed.read_table("regions_kz2022", layer)
    shares = processed.read_table("national_shares_kz2022", layer)
    return economics.inputs(None, regions_table, national, YEAR_2022, 12.0, shares)


def test_regional_hours_at_regional_wages_equal_an_independent_computation(waged_layer):
    _, layer, hours, wages = waged_layer
    inp = _inputs_of(layer)
    assert inp["regional"]["status"] == "complete" and list(inp["wages"]) == ["regional_2022"]
    # independently: every region's hours × its hourly wage (monthly wage / 160 h), a 12-month period, coverage 1
    expected = {code: hours[code] * wages[code] / 160 for code in hours}
    split = economics.regional_table(inp).set_index("region_code")
    assert split["value_kzt_per_year"].to_dict() == pytest.approx(expected, rel=1e-12)
    assert split["hourly_wage_kzt"].to_dict() == pytest.approx({c: w / 160 for c, w in wages.items()})
    total = sum(expected.values())
    assert economics.regional_comparison(inp)["regional_value"] == pytest.approx(total, rel=1e-12)
    # the grid's regional basis gives the same sum in every cell it shares with the split
    grid = economics.grid_for(inp)
    cell = grid[(grid["wage_basis"] == "regional_2022") & (grid["hours_worked_per_month"] == 160)
                & (grid["coverage"] == 1.0) & (grid["employer_uplift"] == 0)]
    assert cell["value_kzt_per_year"].item() == pytest.approx(total, rel=1e-12)
    assert len(grid) == 45  # one basis × 5 norms × 3 coverages × 3 uplifts
    # the sentence says so, and that no national wage stands beside it
    en = markdown(pe.regional_text(economics.regional_table(inp), inp, "en"))
    assert f"worth {total / 1e9:.2f} bn tenge a year at 160 hours a month and 100% coverage" in en
    assert "The dataset has no national average wage to set beside it." in en
    text = markdown(pe.inputs_text(inp, "en"))
    assert "no money value" not in text and "valued at regional wages only" in text


def test_regional_value_sits_beside_the_national_wage_figure(waged_layer):
    _, layer, hours, wages = waged_layer
    national = pd.DataFrame({"indicator": ["avg_monthly_nominal_wage"], "ref_period": ["2022"], "value": [300_000.0]})
    inp = _inputs_of(layer, national)
    assert list(inp["wages"]) == ["regional_2022", "annual_2022"]
    comparison = economics.regional_comparison(inp)
    total_hours = sum(hours.values())
    assert comparison["national_value"] == pytest.approx(total_hours * 300_000 / 160)
    weighted = sum(hours[c] * wages[c] for c in hours) / total_hours
    assert comparison["weighted_wage"] == pytest.approx(weighted)
    en = markdown(pe.regional_text(economics.regional_table(inp), inp, "en"))
    assert f"are worth {total_hours * 300_000 / 160 / 1e9:.2f} bn" in en
    diff = f"{100 * (weighted / 300_000 - 1):.1f}".replace("-", "\u2212")
    assert f"{diff}% against the national one" in en
    ru = markdown(pe.regional_text(economics.regional_table(inp), inp, "ru"), lang="ru")
    assert "Часы каждого региона оценены по его среднемесячной номинальной заработной плате" in ru
    assert "отчёт" not in ru
    as_report = markdown(pe.regional_text(economics.regional_table(inp), {**inp, "report": True}, "en"))
    assert as_report.startswith("As the report did, each region's hours are valued at its own")
    assert "20 регионов" in ru
    grid = economics.grid_for(inp)
    assert len(grid) == 90 and list(dict.fromkeys(grid["wage_basis"])) == ["regional_2022", "annual_2022"]


def test_partial_regional_wages_impute_nothing():
    frame = pd.DataFrame({"region_code": ["KZ-11", "KZ-15", "KZ-19"], "hours_count": [100.0, 200.0, 300.0],
                          "avg_monthly_wage_kzt": [200_000.0, None, 250_000.0]})
    inp = economics.inputs(None, frame, None, YEAR_2022, 12.0)
    assert inp["regional"]["status"] == "partial" and inp["regional"]["missing"] == ["KZ-15"]
    assert inp["wages"] == {} and economics.grid_for(inp) is None
    assert "neither a national average wage" in markdown(pe.inputs_text(inp, "en"))
    en = markdown(pe.regional_text(economics.regional_table(inp), inp, "en"))
    assert "given for 2 of the 3 regions with hours; 1 region has none: Aktobe Region. So the hours are not" in en
    ru = markdown(pe.regional_text(economics.regional_table(inp), inp, "ru"), lang="ru")
    assert "указана для 2 из 3 регионов с часами, а для 1 региона её нет: Актюбинская область." in ru
    # wages without hours by region: said, never called missing hours of a dataset that has them
    only_wages = frame.drop(columns="hours_count")
    inp = economics.inputs(None, only_wages, None, YEAR_2022, 12.0)
    assert inp["regional"]["status"] == "no_hours"
    assert "regional wages (`avg_monthly_wage_kzt`) for 2 regions but no hours by region" in markdown(
        pe.regional_text(None, inp, "en"))


def test_full_time_equivalents_are_stated_by_their_period():
    # 1,675,403 hours in 12 months: a month of them is 67.1 employees' annual time; the year is 805.5 FTE
    inp = economics.inputs(None, pd.DataFrame({"region_code": ["KZ-11"], "hours_count": [1_675_403.0]}), None,
                           YEAR_2022, 12.0)
    assert economics.full_time_equivalents(1_675_403, 12, economics.GROSS_NORM) == pytest.approx(1_675_403 / 2080)
    en = markdown(pe.employees_text(inp, "en"))
    assert "1,675,403 hours over 12 months = 139,617 hours a month." in en
    assert "One month of these hours equals the annual working time of 67.1 employees" in en
    assert "the report" not in en  # a researcher's dataset: nothing said of the report's reading
    assert "The period's hours, a full year, equal 805.5 full-time equivalents" in en
    six = markdown(pe.employees_text({**inp, "hours": HOURS, "months": 6.0}, "en"))
    assert f"A year of these hours (907,778 hours, × 2) equals {HOURS * 2 / 2080:.1f} full-time equivalents" in six
    ru = markdown(pe.employees_text(inp, "ru"), lang="ru")
    assert f"1{NBSP}675{NBSP}403 часа за 12 месяцев = 139{NBSP}617 часов в месяц" in ru
    assert "Месяц таких часов равен годовому рабочему времени 67,1 наёмного работника" in ru
    assert "составляют 805,5 эквивалента полной занятости" in ru


def test_the_holiday_adjusted_year_is_derived_from_the_calendar():
    days = {name: (d, moved) for name, d, moved in economics.PUBLIC_HOLIDAYS}
    assert sum(d for d, _ in days.values()) == 15 and days["nauryz"] == (3, True)
    assert [n for n, (_, moved) in days.items() if not moved] == ["orthodox_christmas", "kurban_ait"]
    # 52 weeks × 40 h less 13 moved days and 2 religious days at 5 in 7, 8 h each
    assert economics.HOLIDAY_ADJUSTED_NORM == pytest.approx(2080 - (13 + 2 * 5 / 7) * 8)
    assert round(economics.HOLIDAY_ADJUSTED_NORM) == 1965
    assert economics.NET_OF_LEAVE_AND_HOLIDAYS_NORM == pytest.approx(2080 - 24 * 5 / 7 * 8 - (13 + 10 / 7) * 8)
    assert economics.HOLIDAYS_SOURCE.startswith("Law of the Republic of Kazakhstan No. 267-II")


def test_the_2021_grid_is_unchanged_and_the_caveats_carry_their_effects(processed_2021, raw_2021):
    from vstudy.data import processed

    ds = raw_2021
    read = processed.read_table
    inp = economics.inputs(read("headline_figures", processed_2021), read("regions_kz2021", processed_2021),
                           read("official_national", processed_2021), ds.manifest["period"], ds.months,
                           read("national_shares_kz2021", processed_2021), report=True)
    grid = economics.grid_for(inp)
    assert "Read as the report reads it, one month of these hours" in markdown(pe.employees_text(inp, "en"))
    # the 90 cells of 2021: two national bases, five norms, three coverages, three uplifts
    assert len(grid) == 90 and list(inp["wages"]) == ["annual_2021", "quarters_2021_q3_2021_q4"]
    assert grid["value_kzt_per_year"].min() == pytest.approx(HOURS * 2 * 250_311 / 176, rel=1e-12)
    assert grid["value_kzt_per_year"].max() == pytest.approx(HOURS * 2 * (243_667 + 275_580) / 2 * 1.2 / 160 / 0.5)
    assert int(grid["reaches_target"].sum()) == 10
    facts = economics.caveats(inp, grid)
    base = HOURS * 2 * 250_311 / 160 / 0.5
    assert facts["base_value"] == pytest.approx(base)
    assert facts["holiday_value"] == pytest.approx(base * 160 / (economics.HOLIDAY_ADJUSTED_NORM / 12))
    assert facts["holiday_in_range"] and facts["quieter_effect_pct"] == 5.0
    assert facts["range_hi_net_both"] == pytest.approx(grid["value_kzt_per_year"].max() * 160 * 12
                                                       / economics.NET_OF_LEAVE_AND_HOLIDAYS_NORM)
    assert (facts["students_pct"], facts["under18_pct"]) == (55.0, 34.18)
    en = [markdown(p) for p in pe.caveats_text(facts, "en")]
    assert "55.0% of the volunteers are students and 34.2% are under 18" in en[1]
    assert "a holiday-adjusted year of 1,965 hours (163.7 a month)" in en[2]
    assert f"worth {facts['holiday_value'] / 1e9:.2f} bn a year instead of {base / 1e9:.2f} bn" in en[2]
    assert "each 10% fewer hours in the months not observed lowers every figure by 5%" in en[3]
    assert "1.42 bn at full coverage and 2.84 bn at 50%" in en[4]
    ru = " ".join(markdown(p, lang="ru") for p in pe.caveats_text(facts, "ru"))
    assert "15 выходных дней в год" in ru and "14,4 рабочего дня" in ru and "меняет её в 2 раза" in ru
    assert f"1{NBSP}965 ч (163,7 ч в месяц)" in ru and f"55,0{NBSP}% волонтёров — учащиеся" in ru
    full_year = economics.caveats({**inp, "months": 12.0}, grid)
    assert "covers a full year" in markdown(pe.caveats_text(full_year, "en")[3])
    assert [markdown(p) for p in pe.caveats_text(None, "en")] == ["No money value: the dataset lacks hours or a wage."]


def test_the_kazakh_sentences_read_as_kazakh(waged_layer):
    from vstudy.data import regions

    _, layer, _, _ = waged_layer
    national = pd.DataFrame({"indicator": ["avg_monthly_nominal_wage"], "ref_period": ["2022"], "value": [300_000.0]})
    inp = _inputs_of(layer, national)
    grid = economics.grid_for(inp)
    split = economics.regional_table(inp)
    parts = [pe.inputs_text(inp, "kk"), pe.employees_text(inp, "kk"), pe.assumptions_text("kk"),
             pe.value_text(grid, None, "kk"), pe.regional_text(split, inp, "kk"),
             pe.caveats_text(economics.caveats(inp, grid), "kk")]
    text = " ".join(markdown(p, lang="kk") for p in parts)
    assert re.search(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]", text)
    top = economics.regional_comparison(inp)["top_region"]
    assert f"Ең үлкен үлес: {regions.name(top, 'kk')}" in text
    words = re.findall(r"[A-Za-z]{4,}", re.sub(r"`[^`]*`", "", text))
    assert not words, words
    assert "2022 жылғы өңірлік орташа айлық номиналды жалақылар" in text
