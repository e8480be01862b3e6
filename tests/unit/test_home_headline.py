"""The home page's headline figures (vstudy.analysis.headline) and their sentences in every edition
(vstudy.publish.pages.headline_markdown, the ``home`` catalogue): real values of the 2021 report's transcription
and of the synthetic 2022 example, each checked against the raw files it comes from; a figure the dataset lacks
has no line, and only the report's transcription is set against the report's published value."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from vstudy.analysis import headline as hl
from vstudy.publish import pages

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw" / "report_2021"
EXAMPLE = ROOT / "data" / "examples" / "kz2022-synthetic"
SITE = list(pages.FACT_SECTION.values()) + ["00_data_quality"]


def _raw(name: str) -> list[dict[str, str]]:
    with (RAW / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _figure(figure_id: str) -> float:
    return next(float(r["value"]) for r in _raw("headline_figures") if r["figure_id"] == figure_id)


@pytest.fixture(scope="module")
def processed_2022(tmp_path_factory) -> Path:
    from vstudy.data import processed

    out = tmp_path_factory.mktemp("processed_kz2022_example")
    processed.prepare_for_build(EXAMPLE, out, "kz2022")
    return out


def _facts(folder: Path, scheme: str):
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return hl.headline(hl.processed_tables(folder, scheme), manifest), manifest


def test_the_2021_headline_is_the_reports_transcription(processed_2021):
    facts, manifest = _facts(processed_2021, "kz2021")
    # volunteers: the report's own total (report line 1141)
    assert facts.volunteers == hl.Volunteers(116694, True, 0) and _figure("volunteers_total") == 116694
    # the national mix as published: gender 49.7 / 50.3, the largest age group 18–29, the largest status students
    gender = {r["gender"]: float(r["share_pct"]) for r in _raw("gender_national")}
    assert facts.mix.share("gender", "female") == gender["female"] == 49.7
    assert facts.mix.share("gender", "male") == gender["male"] == 50.3
    ages = {r["age_group"]: float(r["share_pct"]) for r in _raw("age_national")}
    assert facts.mix.largest("age_group") == ("18_29", 50.93) == max(ages.items(), key=lambda kv: kv[1])
    statuses = {r["status"]: float(r["share_pct"]) for r in _raw("status_national")}
    assert facts.mix.largest("status") == ("students", 55.0) == max(statuses.items(), key=lambda kv: kv[1])
    assert not facts.mix.implied
    # organisations, recomputed from the regions (reconstructed from the report's shares): the report's totals
    org = facts.organisations
    assert (org.ngo, org.groups, org.total) == (491, 1658, 2149) == (
        _figure("ngo_total"), _figure("initiative_groups_total"), _figure("ngo_total") + _figure("initiative_groups_total"))
    assert org.group_share_pct == 77.15 == _figure("initiative_group_share_pct")
    # hours of the six months (line 2127); no event counts: the report prints only shares of events
    assert facts.activity.hours == 453889 == _figure("hours_6_months") and facts.activity.hours_published
    assert facts.activity.months == 6 and facts.activity.events is None
    # the money value over section 06's grid, beside the report's «не менее 3,2 млрд»
    assert facts.value.cases == 90 and facts.value.published_bn == pytest.approx(3.2) and facts.value.reaching == 10
    assert facts.value.lo_bn == pytest.approx(1.2911, abs=1e-4) and facts.value.hi_bn == pytest.approx(3.5352, abs=1e-4)
    # the information line: 1,353 requests in 7 months (line 819)
    totals = {r["metric"]: r["value"] for r in _raw("info_line_totals")}
    assert facts.info_line == hl.InfoLine(1353, 7) and float(totals["requests_total"]) == 1353
    # the report's 17 coefficients tested as published over 17 regions: 3 differ from zero, none after Holm
    regions = hl.processed_tables(processed_2021, "kz2021")("regions")
    published = hl.processed_tables(processed_2021, "kz2021")("correlations_published")
    assert hl.report_coefficients(published, len(regions)) == {"n": 17, "raw": 3, "holm": 0, "n_regions": 17}
    assert manifest["transcribes"] == "report_2021"


def test_the_2022_example_sums_its_regions_and_has_no_report(processed_2022):
    facts, manifest = _facts(processed_2022, "kz2022")
    with (EXAMPLE / "regional.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    def total(column: str) -> float:
        return sum(float(r[column]) for r in rows if r[column])

    assert len(rows) == 20
    assert facts.volunteers == hl.Volunteers(total("volunteers_count"), False, 20) and total("volunteers_count") == 204877
    org = facts.organisations
    assert (org.ngo, org.groups, org.total) == (total("ngo_count"), total("initiative_group_count"), 5485)
    assert org.group_share_pct == round(100 * 4228 / 5485, 2) == 77.08
    assert facts.activity.events == total("events_count") == 16633 and facts.activity.event_regions == 20
    assert facts.activity.hours == total("hours_count") == 3047360 and not facts.activity.hours_published
    assert facts.activity.months == 12
    # shares implied by the regions' counts (as section 01's implied table rounds them); no national gender split
    assert facts.mix.implied and facts.mix.largest("age_group") == ("18_29", 48.8)
    assert facts.mix.largest("status") == ("students", 53.27) and facts.mix.share("gender", "female") is None
    weighted = sum(float(r["volunteers_students_count"]) for r in rows) / total("volunteers_count")
    assert facts.mix.share("status", "students") == pytest.approx(100 * weighted, abs=0.005)
    assert facts.value.published_bn is None and facts.value.cases == 45
    assert facts.info_line is None  # no information line in this dataset
    assert not pages.transcribes_report(manifest)


def test_register_counts_are_section_00s(tmp_path):
    register = pd.DataFrame({"status": ["consistent"] * 4 + ["derived"] * 2 + ["differs", "not reproducible"],
                             "section": ["01_demographics"] * 5 + ["02_organisations"] * 3})
    counts = hl.register_counts(register)
    assert counts == {"published": 6, "derived": 2,
                      "by_status": {"reproduced": 0, "consistent": 4, "differs": 1, "not reproducible": 1}}
    by = dict(hl.register_by_section(register, ["02_organisations", "01_demographics"]))
    assert list(by) == ["02_organisations", "01_demographics"]
    assert by["02_organisations"]["published"] == 2 and by["02_organisations"]["derived"] == 1
    from vstudy.present.prose import data_quality

    said = "".join(map(str, data_quality.register_text(register, "en")))
    assert "holds the 6 numbers the report publishes" in said and "4 consistent, 1 differs" in said
    assert hl.register_counts(None) == {"published": 0, "derived": 0, "by_status": {}}


def _headline(folder: Path, scheme: str, lang: str, sections=SITE) -> str:
    facts, manifest = _facts(folder, scheme)
    return pages.headline_markdown(facts, manifest, lang, sections)


def test_the_2021_headline_in_three_editions(processed_2021):
    en = _headline(processed_2021, "kz2021", "en")
    assert en.startswith("## What the data show\n\n- July\u2009–\u2009December 2021: **116,694 volunteers** in the "
                         "records of the regional front offices. → [Volunteer demographics]"
                         "(notebooks/01_demographics.ipynb)\n")
    # the national mix in one line, linked once to section 01
    assert ("- Women make up 49.7% of the volunteers and men 50.3%. The largest age group is 18 to 29 years: 50.93%. "
            "The largest social group is students: 55%. → [Volunteer demographics](notebooks/01_demographics.ipynb)\n"
            ) in en
    assert ("- **2,149 volunteer associations**: 491 NGOs and 1,658 initiative groups; initiative groups make up "
            "77.15% of them. → [NGOs and initiative groups](notebooks/02_organisations.ipynb)") in en
    assert "- **453,889 volunteer hours** in 6 months. At an employee's wage" in en and "event" not in en
    assert ("**1.29 to 3.54 bn tenge a year**, across 90 combinations of assumptions; the report published «not less "
            "than 3.2 bn tenge», which 10 of them reach.") in en
    assert "- The information line registered **1,353 requests** in 7 months of operation. → [The information " \
           "line](notebooks/07_information_line.ipynb)" in en
    ru = _headline(processed_2021, "kz2021", "ru")
    # Russian nouns agree with their numbers (CLDR categories: 694 → few, 149 → many, 353 → few, 889 → many)
    assert "**116\u00a0694 волонтёра** в учёте региональных фронт-офисов" in ru
    assert "**2\u00a0149 волонтёрских объединений**: 491 НПО и 1\u00a0658 инициативных групп; доля инициативных " \
           "групп — 77,15\u00a0%." in ru
    assert "**453\u00a0889 волонтёрских часов** за 6 месяцев" in ru
    assert "зарегистрировала **1\u00a0353 обращения** за 7 месяцев работы" in ru
    assert "Крупнейшая возрастная группа — от 18 до 29 лет: 50,93\u00a0%." in ru
    assert "отчёт опубликовал оценку «не менее 3,2 млрд тенге», которой достигают 10 из них" in ru
    kk = _headline(processed_2021, "kz2021", "kk")
    assert "**116\u00a0694 волонтер**" in kk and "491 ҮЕҰ және 1\u00a0658 бастамашыл топ" in kk
    assert "Ақпараттық желі жұмыс істеген 7 айда **1\u00a0353 өтініш** тіркеді." in kk
    for text in (ru, kk):
        words = re.sub(r"\([^)]*\.ipynb\)", "", text)
        assert not re.findall(r"(?<![\w`])[A-Za-z]{4,}(?![\w`])", words), text
    assert re.search("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]", kk)


def test_the_2022_headline_names_no_report_and_no_missing_figure(processed_2022):
    for lang, report in (("en", "report"), ("ru", "отчёт"), ("kk", "есеп")):
        text = _headline(processed_2022, "kz2022", lang, sections=None)
        assert "](" not in text  # the PDF: no links
        assert "«" not in text and report not in text.lower()  # nothing about the report or its value
    en = _headline(processed_2022, "kz2022", "en", sections=None)
    assert "- January\u2009–\u2009December 2022: **204,877 volunteers** in the counts of 20 regions." in en
    assert "- **16,633 events** in 12 months." in en
    assert "- **3,047,360 volunteer hours** in 12 months (the sum of the regions' hours)." in en
    assert "(implied by the regions' counts)" in en and "Women" not in en and "information line" not in en
    ru = _headline(processed_2022, "kz2022", "ru", sections=None)
    assert "**204\u00a0877 волонтёров** по данным 20 регионов" in ru
    assert "**16\u00a0633 мероприятия** за 12 месяцев" in ru and "**3\u00a0047\u00a0360 волонтёрских часов**" in ru
    assert "**5\u00a0485 волонтёрских объединений**: 1\u00a0257 НПО и 4\u00a0228 инициативных групп" in ru


def test_a_dataset_without_figures_has_no_headline():
    assert pages.headline_markdown(hl.Headline(), {}, "en") == ""
    assert hl.headline(lambda name: None, {}) == hl.Headline()
