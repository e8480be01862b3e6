"""Information line: channels, categories and the checks of its totals (values from data/raw/report_2021)."""

from __future__ import annotations

import pandas as pd
import pytest

from vstudy.analysis import infoline


@pytest.fixture(scope="module")
def raw(repo_root):
    base = repo_root / "data" / "raw" / "report_2021"
    return {name: pd.read_csv(base / f"info_line_{name}.csv") for name in ("totals", "channels", "categories")}


def test_channel_check_matches_total(raw):
    check = infoline.channel_check(raw["channels"], 1353)
    assert check["gross"] == 451 + 739 + 193
    assert check["both"] == 30
    assert check["difference"] == 0


def test_channels_table_shares(raw):
    table = infoline.channels_table(raw["channels"], 1353).set_index("channel")
    assert "phone_call_non_volunteering_requests" not in table.index  # qualitative rows dropped
    assert table.loc["whatsapp", "share_of_channel_contacts_pct"] == pytest.approx(100 * 739 / 1383, abs=0.01)
    assert pd.isna(table.loc["two_channels_simultaneously", "share_of_channel_contacts_pct"])
    assert table.loc["phone_call", "label"] == "Phone call"
    assert infoline.channels_table(raw["channels"], 1353, "ru").set_index("channel").loc[
        "phone_call", "label"] == "Телефонный звонок"


def test_totals_check_finds_errata(raw):
    checks = infoline.totals_check(raw["totals"], raw["categories"]).set_index("check")
    assert checks.loc["subjects add up to the total", "difference"] == (1262 + 10 + 80) - 1353  # E15
    assert checks.loc["categories add up to the volunteering requests", "difference"] == 1276 - 1262  # E16


def test_categories_sorted_with_shares(raw):
    table = infoline.categories_table(raw["categories"], 1262)
    assert table["requests_count"].is_monotonic_decreasing
    assert table.iloc[0]["category_id"] == "uninformed_seeking_financial_help"
    assert table["share_of_categories_pct"].sum() == pytest.approx(100, abs=0.06)
    assert table.iloc[0]["share_of_volunteering_requests_pct"] == pytest.approx(100 * 337 / 1262, abs=0.01)
    assert infoline.categories_table(raw["categories"], None, "ru").iloc[0]["label"].startswith("Ищут финансовую")
