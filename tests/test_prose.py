"""The sentences of sections 00, 01, 02 and 07 in both editions (vstudy.present.prose), on the 2021 data.

The English sentences are checked in the sections' own tests (test_demographics, test_infoline, test_replication);
here each part is written in Russian too: Russian words, region names from the gazetteer, numbers as Russian
writes them (a no-break space between thousands, a decimal comma) and noun forms that agree with the number.
"""

from __future__ import annotations

import pandas as pd
import pytest

from vstudy.analysis import demographics, infoline, replication
from vstudy.data import processed, regions
from vstudy.i18n import formats
from vstudy.present import figures, labels
from vstudy.present.notebook import errata_sentences, markdown
from vstudy.present.prose import data_quality, noun
from vstudy.present.prose import demographics as demo_says
from vstudy.present.prose import infoline as info_says
from vstudy.present.prose import organisations as org_says

NBSP = "\u00a0"  # the Russian thousands separator and the space before % (CLDR)


def ru(parts) -> str:
    return markdown(parts, lang="ru")


def en(parts) -> str:
    return markdown(parts, lang="en")


@pytest.fixture(scope="module")
def tables(processed_2021):
    names = ("age_kz2021", "status_kz2021", "national_shares_kz2021", "regions_kz2021", "gender_extremes",
             "headline_figures", "coverage_kz2021", "organisations_kz2021", "info_line_totals", "info_line_channels",
             "info_line_categories", "info_line_monthly", "errata_evaluated", "long_kz2021")
    return {n.removesuffix("_kz2021"): processed.read_table(n, processed_2021) for n in names}


@pytest.fixture(scope="module")
def raw(repo_root):
    base = repo_root / "data" / "raw" / "report_2021"
    return {n: pd.read_csv(base / f"{n}.csv") for n in ("organisations_by_region", "headline_figures",
                                                         "info_line_totals", "errata")}


def test_russian_noun_forms():
    forms = ("регион", "региона", "регионов")
    assert [noun(n, "ru", ("region", "regions"), forms) for n in (1, 2, 5, 11, 17, 21, 22, 112)] == [
        "регион", "региона", "регионов", "регионов", "регионов", "регион", "региона", "регионов"]
    assert noun(1, "en", ("region", "regions"), forms) == "region"


def test_organisation_totals_in_russian(tables, raw):
    orgs = figures.with_labels(demographics.organisations_frame(tables["regions"]), "ru")
    totals = demographics.totals_table(orgs, tables["headline_figures"])
    hf = raw["headline_figures"].set_index("figure_id")["value"]
    ngo, grp = int(hf["ngo_total"]), int(hf["initiative_groups_total"])
    said = ru(org_says.totals_text(totals, orgs, "ru"))
    groups = f"{grp:,}".replace(",", NBSP)
    assert said.startswith("## Итоги по стране")
    # 1 658 initiative groups: genitive plural after a number ending in 8; the share with a decimal comma
    assert f"{ngo} НПО и {groups} инициативных групп" in said
    assert f"{100 * grp / (ngo + grp):.2f}{NBSP}%".replace(".", ",") in said
    assert "2\u00a0149 объединений" in said  # a count: an integer, grouped, its noun agreeing
    top = orgs.sort_values("initiative_group_count", ascending=False).iloc[0]
    assert top["region"] == labels.region_label(top["region_code"], "ru") == "Павлодарская"
    assert "Павлодарская" in said and "Pavlodar" not in said
    orgs_en = figures.with_labels(demographics.organisations_frame(tables["regions"]), "en")
    assert "Pavlodar alone holds" in en(org_says.totals_text(totals, orgs_en, "en"))
    above = orgs.loc[orgs["ngo_share_pct"] > 50, "region"].tolist()
    share = ru(org_says.ngo_share_text(orgs, "ru"))
    assert f"в {len(above)} из {len(orgs)} регионов: " in share and above[-1] in share and " и " in share
    per = ru(org_says.per_100k_text(orgs, "ru"))
    rate = orgs["organisations_per_100k"].max()
    assert per.startswith("## Объединения на 100 тыс. жителей") and f"({formats.number(rate, 'ru', decimals=1)})" in per
    spread = round(rate / orgs["organisations_per_100k"].min())
    assert spread == 30 and "Разрыв — в 30 раз." in per  # «в 30 раз», «в 43 раза», «в 4 раза»: CLDR plural
    assert "в 43 раза" in org_says.per_100k_text(orgs.assign(organisations_per_100k=[43.0] + [1.0] * 16), "ru")[1]
    assert "в 4 раза" in org_says.per_100k_text(orgs.assign(organisations_per_100k=[4.0] + [1.0] * 16), "ru")[1]


def test_demographic_parts_in_russian(tables):
    ages, statuses = demographics.age_shares(tables["age"]), demographics.status_shares(tables["status"])
    dist = figures.with_labels(demographics.distance_table(ages, statuses, tables["national_shares"]), "ru")
    said = ru(demo_says.distance_text(dist, tables["national_shares"], "ru"))
    first = dist.iloc[0]
    assert first["region_code"] == "KZ-75" and f"Алматы (среднее TVD {first['tvd_mean_pp']:.1f}".replace(".", ",") in said
    assert "работающие и самозанятые" in said and "working" not in said
    erratum = figures.with_labels(demographics.pension_erratum(tables["age"]), "ru")
    pension = ru(demo_says.pension_text(erratum, tables["age"], tables["national_shares"], "ru", is_report=True))
    assert f"В {len(erratum)} из {len(erratum)} регионов" in pension and "(наибольшая — Туркестанская)" in pension
    assert "(ошибка отчёта E01)" in pension and f"1,84{NBSP}%" in pension
    other = ru(demo_says.pension_text(erratum, tables["age"], tables["national_shares"], "ru"))
    assert "(ошибка E01)" in other and "отчёта" not in other  # a researcher's data: not the report's erratum
    extremes = figures.with_labels(demographics.gender_extremes(tables["gender_extremes"]), "ru")
    gender = ru(demo_says.gender_extremes_text(extremes, tables["gender_extremes"], "ru"))
    assert f"Павлодарская: мужчины — 70{NBSP}%, женщины — 30{NBSP}% (наибольшая доля мужчин)" in gender
    published = figures.national_shares_table(demographics.published_national(tables["national_shares"]), "ru")
    national = ru(demo_says.national_text(published, tables["regions"], "ru"))
    age_sum = published.loc[published["dimension"] == "age_group", "share_pct"].sum()
    assert f"возраст — {age_sum:.2f}{NBSP}%".replace(".", ",") in national
    counts = pd.DataFrame({"region_code": ["KZ-11", "KZ-15"], "volunteers_count": [1200, 800]})
    implied = demographics.implied_national(pd.DataFrame({
        "dimension": ["status"] * 2, "category": ["students", "working"], "published_pct": [None, None],
        "implied_pct": [40.0, 60.0]}))
    assert f"(2{NBSP}000 волонтёров в 2 регионах)" in ru(demo_says.implied_text(implied, counts, "ru"))


def test_information_line_in_russian(tables, raw):
    from vstudy.present.text import (
        RU_GROUP as NBSP,  # section 07's prose still writes U+202F (not migrated here)
    )

    totals, channels, categories = tables["info_line_totals"], tables["info_line_channels"], tables["info_line_categories"]
    t = raw["info_line_totals"].set_index("metric")["value"]
    said = ru(info_says.totals_text(totals, "ru"))
    total = int(t["requests_total"])
    assert f"**{total:,} {noun(total, 'ru', ('', ''), ('обращение', 'обращения', 'обращений'))}**".replace(",", NBSP) \
        in said
    assert f"за {int(t['operation_period_months'])} месяцев работы" in said
    checks = infoline.checks_table(totals, categories, channels)
    off = ru(info_says.checks_text(checks, "ru"))
    sub = checks.set_index("check").loc["subjects add up to the total"]
    assert (f"темы обращений в сумме дают общий итог: {sub['sum_of_parts']:,.0f} при указанных {sub['stated']:,.0f}"
            .replace(",", NBSP)) in off
    table = infoline.channels_table(channels, t["requests_total"], "ru")
    chan = ru(info_says.channels_text(table, channels, "ru"))
    assert "Телефонный звонок" in chan and "Phone" not in chan
    cat = infoline.categories_table(categories, t["requests_volunteering"], "ru")
    cats = ru(info_says.categories_text(cat, "ru"))
    assert f"из {cat['requests_count'].sum():,.0f} обращений".replace(",", NBSP) in cats
    obs = infoline.observations(tables["info_line_monthly"])
    assert f"{len(obs)} датированных наблюдения" in ru(info_says.observations_text(obs, lang="ru"))
    assert ru(info_says.absent_text(None, None, lang="ru")).startswith("В этом наборе данных нет таблиц")


def test_data_quality_in_russian(tables, processed_2021):
    cov = replication.indicator_coverage(tables["long"], "kz2021", "ru")
    said = ru(data_quality.coverage_text(cov, "ru"))
    full = int((cov["regions with a value"] == 17).sum())
    assert said.startswith(f"{full} показателей-периодов охватывают все 17 регионов")
    missing = cov.loc[("csi_quality_of_life_rank", "2020-Q4"), "missing"]
    assert regions.name("KZ-11", "ru") in missing and "Region" not in missing
    assert cov.loc[("csi_quality_of_life_score", "2020-Q4"), "missing"] == "16 регионов"
    assert replication.indicator_coverage(tables["long"], "kz2021").loc[
        ("csi_quality_of_life_score", "2020-Q4"), "missing"] == "16 regions"
    errata = tables["errata_evaluated"]
    assert errata["description_ru"].notna().all() and len(errata) == 23
    view = replication.errata_view(errata, "ru")
    assert view.loc["E06", "what is wrong"].startswith("Опечатка в названии региона")
    assert set(view["found by"]) == {"проверки данных", "доказательства"}
    assert view.loc["E05", "handling"] == "нет: только записано"
    assert view.loc["E15", "evidence"].startswith("1 262 + 10 + 80 = 1 352")
    assert errata[["evidence_ru", "correction_ru"]].notna().all().all()
    assert replication.errata_view(errata).loc["E05", "handling"] == "none: recorded only"
    assert replication.errata_view(errata).loc["E06", "what is wrong"] == errata.set_index("erratum_id").loc[
        "E06", "description_en"]
    sentences = errata_sentences(errata, ["info_line_totals"], "ru")
    assert [s.split(":")[0] for s in sentences] == ["Ошибка источника E15", "Ошибка источника E17"]
    assert sentences[0].startswith("Ошибка источника E15: Три составляющие")
    assert ru(data_quality.errata_text(errata, "ru")).startswith("Записано ошибок источника: 23; 2 из них")


def test_register_sentence_agrees_with_its_numbers():
    register = pd.DataFrame({"status": ["reproduced"] * 21 + ["consistent"] * 2 + ["derived"] * 5 + ["differs"],
                             "note": [""] * 28 + ["E01"], "claim_id": range(29)})
    said = ru(data_quality.register_text(register, "ru"))
    assert said.startswith("Реестр содержит 24 опубликованных в отчёте числа: воспроизводится — 21;")
    assert "Ещё 5 строк" in said
    assert ru(data_quality.errata_found_text(register, "ru")) == (
        "1 опубликованное число не проходит проверку; по ошибкам отчёта: E01 (1).")
    assert en(data_quality.errata_found_text(register, "en")) == "1 published number differs; by erratum: E01 (1)."
