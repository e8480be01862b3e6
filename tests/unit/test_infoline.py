"""Information line: channels, categories and the checks of its totals (values from data/raw/report_2021)."""

from __future__ import annotations

import pandas as pd
import pytest

from vstudy.analysis import infoline
from vstudy.present.notebook import markdown
from vstudy.present.prose import infoline as says


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


def test_checks_table_joins_every_check(raw):
    checks = infoline.checks_table(raw["totals"], raw["categories"], raw["channels"]).set_index("check")
    assert checks.loc["channels minus double-counted add up to the total", "difference"] == 451 + 739 + 193 - 30 - 1353
    assert len(checks) == 3
    assert infoline.checks_table(None, raw["categories"], raw["channels"]) is None
    only_channels = infoline.checks_table(raw["totals"].iloc[:0], None, raw["channels"])
    assert list(only_channels["check"]) == ["channels minus double-counted add up to the total"]


def test_sentences_follow_the_data(raw):
    said = markdown(says.totals_text(raw["totals"], "en", report=True))
    t = raw["totals"].set_index("metric")["value"]
    assert said.startswith("## Totals")
    assert f"**{t['requests_total']:,.0f} requests** in {t['operation_period_months']:.0f} months" in said
    assert "The line registered **1,353 requests** in 7 months of operation. 1,262 (93.3%) concerned volunteering." \
        in said
    assert said.endswith("The report states an average of 8 requests a day.")
    assert markdown(says.totals_text(raw["totals"], "en")).endswith("The stated average is 8 requests a day.")
    short = raw["totals"][raw["totals"]["metric"] == "requests_total"]
    assert "months" not in markdown(says.totals_text(short, "en"))
    checks = infoline.checks_table(raw["totals"], raw["categories"], raw["channels"])
    # E15 and E16: a true minus sign and a plus sign, counts as integers
    assert markdown(says.checks_text(checks, "en")) == (
        "Not every total adds up. The subjects of the requests add up to 1,352 against the stated total of 1,353 "
        "(\u22121). The categories add up to 1,276 against the 1,262 requests stated about volunteering (+14).")
    fine = checks.assign(difference=0)
    assert markdown(says.checks_text(fine, "en")) == "All parts add up."
    table = infoline.channels_table(raw["channels"], 1353)
    chan = markdown(says.channels_text(table, raw["channels"], "en", report=True))
    assert chan.startswith("## Requests by channel\n\n30 requests arrived on two channels at once")
    assert "By channel: WhatsApp 739 (53.4%), Phone call 451 (32.6%), and Telegram 193 (14.0%) of the" in chan
    assert "The report states without numbers: «" in chan
    assert "Stated without numbers: «" in markdown(says.channels_text(table, raw["channels"], "en"))
    cats = infoline.categories_table(raw["categories"], 1262)
    assert ("The largest categories are Seeking financial help (uninformed), got a consultation (337) and Want to "
            "become volunteers (326); together 52.0% of the 1,276 categorised requests.") \
        in markdown(says.categories_text(cats, "en"))


def test_absent_tables_say_one_sentence_or_nothing(raw):
    said = markdown(says.absent_text(None, None, None, None, lang="en"))
    assert said.startswith("This dataset contains no")
    # it names what the section would show: the parts a dataset's tables give (each part's heading)
    assert all(part in said for part in ("totals", "requests by channel", "by category", "dated observations"))
    assert says.absent_text(raw["totals"], None, lang="en") is None
    for f in (says.totals_text, says.checks_text, says.categories_text):
        assert f(None, "en") is None
    assert says.channels_text(None, None, "en") is None and infoline.channels_table(None, None) is None
    assert says.observations_text(None, lang="en") is None
    assert markdown(says.observations_text(None, raw["totals"], lang="en")) == (
        "The dataset has no dated observations of the information line.")


def test_observations(repo_root):
    monthly = pd.read_csv(repo_root / "data" / "raw" / "report_2021" / "info_line_monthly.csv")
    obs = infoline.observations(monthly)
    said = markdown(says.observations_text(obs, lang="en"))
    assert f"{len(monthly)} dated observations" in said and f"{monthly['requests_count'].sum():,} requests" in said


def test_names_of_channels_and_categories_come_from_the_catalogue(raw):
    assert infoline.channel_label("whatsapp", "kk") == "WhatsApp"  # a brand name in every edition
    assert infoline.channel_label("phone_call", "kk") == "Телефон қоңырауы"
    assert infoline.channel_label("fax", "ru") == "fax"  # an id the study does not know stays as it is
    assert infoline.category_label("qazvolunteer_platform_help", "ru") == "Платформа qazvolunteer.kz"
    assert infoline.category_label("new_category", "ru", default="Новая категория") == "Новая категория"
    table = infoline.categories_table(raw["categories"], 1262, "kk")
    assert table.iloc[0]["label"] == "Қаржылай көмек іздейтіндер (хабардар емес)"
    # vstudy.present.labels reads the same names (until its own catalogue domain lands)
    assert infoline.channel_label("two_channels_simultaneously", "ru") == "Одновременно по двум каналам (учтены дважды)"
    assert infoline.category_label("partners", "en") == "Partners of the republican front office"


def test_kazakh_sentences_of_section_07(raw, repo_root):
    """kk: the glossary's words (ақпараттық желі, өтініш), CLDR numbers, no Latin word but brand names."""
    import re

    monthly = pd.read_csv(repo_root / "data" / "raw" / "report_2021" / "info_line_monthly.csv")
    table = infoline.channels_table(raw["channels"], 1353, "kk")
    checks = infoline.checks_table(raw["totals"], raw["categories"], raw["channels"])
    parts = [says.totals_text(raw["totals"], "kk", report=True), says.checks_text(checks, "kk"),
             says.channels_text(table, raw["channels"].assign(quote_ru=None), "kk"),
             says.categories_text(infoline.categories_table(raw["categories"], 1262, "kk"), "kk"),
             says.observations_text(infoline.observations(monthly), lang="kk")]
    said = markdown(parts, lang="kk")
    assert "Желі жұмыс істеген 7 айда **1\u00a0353 өтініш** тіркеді." in said
    assert "Олардың 1\u00a0262 өтініші (93,3%) волонтерлік қызметке қатысты болды." in said
    assert "(\u22121)" in said and "(+14)" in said
    assert "30 өтініш бір мезгілде екі арна арқылы түсті" in said
    assert "Күні көрсетілген 3 бақылау (2021\u202fж. қазан), барлығы 179 өтініш." in said
    latin = set(re.findall(r"[A-Za-z]{4,}", said))
    assert latin == {"WhatsApp", "Telegram"}, latin
    assert markdown(says.absent_text(None, None, lang="kk")).startswith("Бұл деректер жиынтығында ақпараттық желі")
