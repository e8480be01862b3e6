"""Statements follow the dataset's facts (issue 19): a researcher's dataset that supplies gender, age, status,
organisations, events and hours (tests/fixtures/kz2022_contract) gets no sentence calling any of them missing and no
erratum of the 2021 report; the 2021 dataset, which declares `transcribes: report_2021`, still gets its erratum."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from vstudy.analysis import demographics
from vstudy.data import manifest as manifest_
from vstudy.data import processed
from vstudy.present import figures
from vstudy.present.notebook import Study, dataset_facts, markdown
from vstudy.present.prose import data_quality as dq_says
from vstudy.present.prose import demographics as demo_says
from vstudy.present.prose import organisations as org_says

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "tests" / "fixtures" / "kz2022_contract"

# Sentences (and their Russian twins) that would be false of a dataset supplying these inputs.
FALSE_OF_A_RESEARCHERS_DATASET = (
    "no regional gender figures", "нет сведений о поле", "not in this dataset", "нет в этом наборе",
    "volunteers_by_region", "gives no volunteer counts", "нет численности волонтёров", "repeats another",
    "повторяет другой", "E01", "nan", "erratum", "ошибка отчёта", "report's", "отчёт",
)


@pytest.fixture(scope="module")
def contract(processed_contract_2022) -> Path:
    return processed_contract_2022


def _study(directory: Path, scheme: str, lang: str, section: str = "01_demographics") -> Study:
    return Study(section, directory, directory, directory / "out", scheme, "x", lang, 0.05, 10, 1)


def _section_text(study: Study) -> str:
    """Every sentence sections 00, 01 and 02 say of the dataset (the notebooks' calls, in order)."""
    lang = study.lang
    age, status, national, reg = (study.table(n) for n in ("age", "status", "national_shares", "regions"))
    ages, statuses = demographics.age_shares(age), demographics.status_shares(status)
    labelled = (lambda f: figures.with_labels(f, lang)) if lang in ("en", "ru") else (lambda f: f)
    orgs = demographics.organisations_frame(reg)
    orgs = None if orgs is None else labelled(orgs)
    totals = demographics.totals_table(orgs, study.table("headline_figures"))
    extremes = demographics.gender_extremes(study.table("gender_extremes"))
    erratum = demographics.pension_erratum(age)
    dist = demographics.distance_table(ages, statuses, national)
    parts = [
        dq_says.inventory_text(study.dataset, lang), dq_says.validation_text(study.table("validation_findings"), lang),
        dq_says.errata_text(study.table("errata_evaluated"), lang),
        demo_says.national_text(figures.national_shares_table(demographics.published_national(national), lang)
                                if lang in ("en", "ru") else None, reg, lang),
        demo_says.gender_extremes_text(None if extremes is None else labelled(extremes),
                                       study.table("gender_extremes"), lang, reg),
        demo_says.pension_text(None if erratum is None else labelled(erratum), age, national, lang,
                               study.dataset_facts["is_report"]),
        demo_says.mix_text(ages, "age", lang, age), demo_says.mix_text(statuses, "status", lang),
        demo_says.distance_text(None if dist is None else labelled(dist), national, lang),
        demo_says.implied_text(demographics.implied_national(national), reg, lang),
        org_says.organisations_text(orgs, study.table("coverage"), study.table("organisations"), lang),
        org_says.totals_text(totals, orgs, lang), org_says.ngo_share_text(orgs, lang),
        org_says.per_100k_text(orgs, lang),
        org_says.volunteers_per_association_text(demographics.volunteers_per_association(orgs, reg), lang),
    ]
    return markdown(*parts, lang=lang)


def test_the_manifest_declares_what_it_transcribes(tmp_path):
    man = manifest_.read_manifest(ROOT / "data" / "raw")
    assert man.raw["transcribes"] == "report_2021" and man.issues == []
    bad = manifest_.check_manifest({**man.raw, "transcribes": "my_report"}, ROOT / "data" / "raw")
    assert [(i.column, i.value) for i in bad.issues] == [("transcribes", "my_report")]
    assert "report_2021" in bad.issues[0].message
    assert dataset_facts({"transcribes": "report_2021"})["is_report"]
    assert dataset_facts({"id": "mine"}) == {"transcribes": None, "is_report": False, "synthetic": False, "id": "mine",
                                              "title": None, "scheme": None, "period": {}}


def test_the_processed_manifest_and_the_study_carry_it(contract, processed_2021):
    assert json.loads((processed_2021 / "manifest.json").read_text(encoding="utf-8"))["transcribes"] == "report_2021"
    assert json.loads((contract / "manifest.json").read_text(encoding="utf-8"))["transcribes"] is None
    assert _study(processed_2021, "kz2021", "en").dataset_facts["is_report"]
    facts = _study(contract, "kz2022", "en").dataset_facts
    assert not facts["is_report"] and facts["transcribes"] is None and facts["synthetic"]


def test_the_contract_fixture_supplies_what_the_sentences_must_not_call_missing(contract):
    reg = _study(contract, "kz2022", "en").table("regions")
    supplied = {"volunteers_count", "volunteers_male_count", "volunteers_female_count", "volunteers_under18_count",
                "volunteers_students_count", "ngo_count", "initiative_group_count", "events_count", "hours_count"}
    assert supplied <= set(reg.columns) and reg[sorted(supplied)].notna().all().all()


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_a_researchers_dataset_gets_no_false_sentence(contract, lang):
    text = _section_text(_study(contract, "kz2022", lang))
    found = [s for s in FALSE_OF_A_RESEARCHERS_DATASET if s in text]
    assert not found, (found, text[:3000])
    age = _study(contract, "kz2022", lang).table("age")
    assert demographics.pension_erratum(age) is None  # no "published" column of dashes
    study = _study(contract, "kz2022", lang)
    orgs = demographics.organisations_frame(study.table("regions"))
    assert "published" not in demographics.totals_table(orgs, study.table("headline_figures")).columns
    if lang == "en":
        assert "The dataset gives the gender split of each of 20 regions: men make" in text
        assert "The regional table gives `volunteers_count` (" in text
        assert "Volunteers per association range from" in text
        # the pension-age share derived from its counts is used as given, with no sentence on a list not copied
        assert "the pension-age segment is as the dataset gives it" in text
        assert "no list is copied" not in text and "The pension-age list" not in text
    if lang == "ru":
        assert "Региональная таблица даёт `volunteers_count` (" in text and "в 20 регионах" in text
    if lang == "kk":
        assert "Өңірлік кесте `volunteers_count` береді" in text


def test_the_2021_dataset_keeps_its_erratum_sentences(processed_2021):
    en = _section_text(_study(processed_2021, "kz2021", "en"))
    assert "(the report's erratum E01)" in en and "In 17 of 17 regions the published pension share equals" in en
    assert "The regional table gives no volunteer counts (template column `volunteers_count`)" in en
    ru = _section_text(_study(processed_2021, "kz2021", "ru"))
    assert "(ошибка отчёта E01)" in ru and "В 17 из 17 регионов опубликованная доля" in ru
    erratum = demographics.pension_erratum(_study(processed_2021, "kz2021", "en").table("age"))
    assert "pension_published_pct" in erratum.columns and erratum["published_is_duplicate"].all()


def test_kazakh_sentences_name_regions_in_kazakh(processed_2021):
    from vstudy.present import labels

    kk = _section_text(_study(processed_2021, "kz2021", "kk"))
    assert "(есептегі қате E01)" in kk
    assert f"{labels.region_label('KZ-55', 'kk')}:" in kk  # the gender extreme, named from the gazetteer (Павлодар)
    assert "Барлық бастамашыл топтардың 77,15% " not in kk and "бастамашыл топтар **77,15%**" in kk
    assert "Pavlodar" not in kk and "Павлодарская" not in kk
    assert sum(ch in kk for ch in "әғқңөұүһі") >= 6
    words = [w for w in pd.Series(kk.replace("`", " ").split()).str.strip(".,;:()«»*") if w.isascii() and
             w.isalpha() and len(w) >= 4]
    assert set(words) <= {"NEET", "TVD"}, words


def test_a_copy_of_the_contract_without_gender_names_the_template_columns(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(CONTRACT, data)
    regional = pd.read_csv(data / "regional.csv")
    regional.drop(columns=["volunteers_male_count", "volunteers_female_count"]).to_csv(data / "regional.csv",
                                                                                      index=False)
    raw = yaml.safe_load((data / "manifest.yml").read_text(encoding="utf-8"))
    for column in ("volunteers_male_count", "volunteers_female_count"):
        raw["tables"]["regional"].get("columns", {}).pop(column, None)
    (data / "manifest.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "processed"
    processed.prepare_for_build(data, out, "kz2022")
    text = _section_text(_study(out, "kz2022", "en"))
    assert ("The dataset gives no regional gender figures (template columns `volunteers_male_count`, "
            "`volunteers_female_count`).") in text
    assert "The regional table gives `volunteers_count` (" in text
