"""Every figure on the home page equals the number in the section table that shows it.

The sections that hold the headline's figures (00, 01, 02, 05, 06, 07) are read from the study's build
(``study_build`` of tests/conftest.py: one `vstudy build` per dataset and test run, shared with the other tests that
read the builds) of the 2021 report's transcription (data/raw, 17 regions) and of the synthetic 2022 example (20
regions); their tables (``<output>/en/tables/<section>__<name>.csv``) are read back and compared with the facts the
home page states (:mod:`vstudy.analysis.headline`, on the build's processed layer) and with the numbers in its
sentences.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import STUDY_DATASETS, on_build

from vstudy.analysis import headline as hl
from vstudy.i18n import formats
from vstudy.publish import pages

SCHEMES = [pytest.param(s, marks=on_build(s)) for s in ("kz2021", "kz2022")]

pytestmark = pytest.mark.slow


@pytest.fixture(params=SCHEMES)
def built(request, study_build):
    """(scheme, processed folder, the sections' tables folder, the manifest) of one dataset's build."""
    build = study_build(request.param)
    manifest = json.loads((build.processed / "manifest.json").read_text(encoding="utf-8"))
    return build.scheme, build.processed, build.edition("en") / "tables", manifest


def _table(tables: Path, section: str, name: str) -> pd.DataFrame:
    return pd.read_csv(tables / f"{section}__{name}.csv")


def test_every_headline_figure_is_the_section_tables_number(built):
    scheme, processed, tables, manifest = built
    facts = hl.headline(hl.processed_tables(processed, scheme), manifest)
    register = pd.read_csv(tables / "replication.csv")
    # volunteers: the register's row of the published total (00), else the regions' counts of section 02
    if facts.volunteers.published:
        row = register[register["claim_id"] == hl.VOLUNTEERS_FIGURE]
        assert facts.volunteers.total == row["published_value"].iloc[0] == 116694
    else:
        per = _table(tables, "02_organisations", "volunteers_per_association")
        assert facts.volunteers.total == per["volunteers_count"].sum() == 204877
        assert facts.volunteers.regions == per["volunteers_count"].notna().sum() == 20
    # the national mix: section 01's published shares, else its implied ones
    if facts.mix.implied:
        shown = _table(tables, "01_demographics", "implied_national")
        shown = {(("age_group" if d == "age" else d), c): v for d, c, v in
                 shown[["dimension", "category", "implied_national_pct"]].itertuples(index=False)}
    else:
        shown = _table(tables, "01_demographics", "national_shares")
        shown = {(d, c): v for d, c, v in shown[["dimension", "category", "share_pct"]].itertuples(index=False)}
    stated = {(d, c): v for d, cats in facts.mix.shares.items() for c, v in cats.items()}
    assert stated == shown and len(stated) >= 8
    # organisations: section 02's totals, recomputed
    totals = _table(tables, "02_organisations", "totals").set_index("quantity")["recomputed"]
    org = facts.organisations
    assert (org.ngo, org.groups, org.total, org.group_share_pct) == tuple(
        totals[k] for k in ("ngo_count", "initiative_group_count", "organisations_count", "initiative_group_share_pct"))
    # hours: section 06's inputs; the value range: its sensitivity grid
    inputs = _table(tables, "06_economic_value", "inputs").set_index("input")["value"]
    assert facts.activity.hours == float(inputs["hours_in_period"])
    assert facts.activity.months == float(inputs["months_in_period_manifest"])
    grid = _table(tables, "06_economic_value", "sensitivity")
    # (the CSV keeps ten significant digits; the page prints two decimals)
    assert (facts.value.lo_bn, facts.value.hi_bn) == pytest.approx(
        (grid["value_bn_kzt_per_year"].min(), grid["value_bn_kzt_per_year"].max()), rel=1e-9)
    assert facts.value.cases == len(grid)
    # events: the supplied counts (none in the report: it publishes shares only). Section 05 tables them beside
    # its reconstruction when it has one; without a reconstruction (the 2022 example) it checks them against the
    # directions' sums in its text only, so the figure is the processed regions table's, as the section reads it.
    compared = tables / "05_activities__events_supplied_vs_reconstructed.csv"
    if facts.activity.events is None:
        assert scheme == "kz2021" and not compared.exists()
    elif compared.exists():
        assert facts.activity.events == pd.read_csv(compared)["events_supplied"].sum()
    else:
        regions = hl.processed_tables(processed, scheme)("regions")
        assert facts.activity.events == regions["events_count"].sum() == 16633
    # the information line: section 07's totals (the 2022 example has none, and no section-07 total)
    if facts.info_line is None:
        assert scheme == "kz2022"
    else:
        stated07 = _table(tables, "07_information_line", "totals").set_index("metric")["value"]
        assert (facts.info_line.requests, facts.info_line.months) == (
            stated07["requests_total"], stated07["operation_period_months"]) == (1353, 7)
    # the register: the counts section 00 shows in its summary table
    counts = hl.register_counts(register)
    if counts["published"]:
        summary = _table(tables, "00_data_quality", "replication_summary").set_index("section").iloc[-1]
        assert {s: int(summary[s]) for s in counts["by_status"]} == counts["by_status"]
        assert int(summary["derived"]) == counts["derived"] and int(summary["total"]) == sum(
            counts["by_status"].values()) + counts["derived"]
        # 525 numbers of the report's tables and prose, and the 3 staff-training figures of its front-office
        # chapter (headline_figures.csv); 53 values derived from them
        assert (counts["published"], counts["derived"]) == (528, 53)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_home_page_prints_the_section_tables_numbers(built, lang):
    scheme, processed, tables, manifest = built
    config = type("Config", (), {"processed_dir": processed, "scheme": scheme, "data_dir": STUDY_DATASETS[scheme]})()
    text = pages.home_markdown(config, {}, {}, tables, manifest, lang)
    totals = _table(tables, "02_organisations", "totals").set_index("quantity")["recomputed"]
    hours = _table(tables, "06_economic_value", "inputs").set_index("input")["value"]["hours_in_period"]
    for value in (totals["ngo_count"], totals["initiative_group_count"], totals["organisations_count"],
                  float(hours)):
        assert formats.integer(int(value), lang) in text, (lang, value)
    assert formats.percent(totals["initiative_group_share_pct"], lang, decimals=2) in text
    from vstudy import i18n

    report = pages.transcribes_report(manifest)
    assert (formats.integer(1353, lang) in text) == report  # the information line's requests
    verdict = i18n.text(lang, "home.replication.heading")
    assert (verdict in text) == report  # the verdict on the report only for the report's transcription
    if report:
        published = hl.register_counts(pd.read_csv(tables / "replication.csv"))["published"]
        assert f"{formats.integer(published, lang)} " in text.split(verdict, 1)[1].split("\n- ", 1)[0]
