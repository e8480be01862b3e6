"""Economic value of volunteer hours: the arithmetic behind the report's 75,500 h, 40 employees and 3.2 bn."""

from __future__ import annotations

import pandas as pd
import pytest

from vstudy.analysis import economics

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
