"""The sentences of sections 00, 01, 02, 06 and 07 in both editions (vstudy.present.prose), on the 2021 data.

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
from vstudy.present.prose import data_quality
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

    totals, channels, categories = tables["info_line_totals"], tables["info_line_channels"], tables["info_line_categories"]
    t = raw["info_line_totals"].set_index("metric")["value"]
    nbsp = "\u00a0"  # CLDR: thousands, before «%»
    said = ru(info_says.totals_text(totals, "ru", report=True))
    assert int(t["requests_total"]) == 1353
    # 1 353 → «обращения» (CLDR few), 7 → «месяцев», 8 → «обращений»; a no-break space before «%»
    assert f"Линия зарегистрировала **1{nbsp}353 обращения** за 7 месяцев работы." in said
    assert f"1{nbsp}262 из них (93,3{nbsp}%) касались волонтёрства." in said
    assert said.endswith("В среднем, по данным отчёта, поступало 8 обращений в день.")
    assert "отчёт" not in ru(info_says.totals_text(totals, "ru"))  # a dataset that does not declare it
    checks = infoline.checks_table(totals, categories, channels)
    off = ru(info_says.checks_text(checks, "ru"))
    sub = checks.set_index("check").loc["subjects add up to the total"]
    assert (int(sub["sum_of_parts"]), int(sub["stated"])) == (1352, 1353)
    assert (f"Темы обращений в сумме дают 1{nbsp}352 при указанном общем итоге 1{nbsp}353 (\u22121).") in off
    assert f"при указанных 1{nbsp}262 обращениях по волонтёрству (+14)" in off and "-1" not in off
    table = infoline.channels_table(channels, t["requests_total"], "ru")
    chan = ru(info_says.channels_text(table, channels, "ru", report=True))
    assert "Телефонный звонок" in chan and "Phone" not in chan
    assert chan.startswith("## Обращения по каналам\n\n30 обращений поступили одновременно по двум каналам")
    assert f"WhatsApp 739 (53,4{nbsp}%), Телефонный звонок 451 (32,6{nbsp}%) и Telegram 193 (14,0{nbsp}%)" in chan
    assert "Без чисел в отчёте сказано: «" in chan
    cat = infoline.categories_table(categories, t["requests_volunteering"], "ru")
    cats = ru(info_says.categories_text(cat, "ru"))
    assert (f"Крупнейшие категории — «Ищут финансовую помощь (неинформированные)» (337) и «Хотят стать волонтёрами» "
            f"(326); вместе это 52,0{nbsp}% из 1{nbsp}276 обращений, распределённых по категориям.") in cats
    obs = infoline.observations(tables["info_line_monthly"])
    assert ru(info_says.observations_text(obs, lang="ru")).endswith(
        "3 датированных наблюдения (октябрь 2021\u202fг.), всего 179 обращений.")
    assert ru(info_says.absent_text(None, None, lang="ru")).startswith("В этом наборе данных нет таблиц")
    # CLDR plural categories decide the forms: 1 → обращение, 102 → обращения (the October spike), 5 → обращений
    forms = [ru(info_says.channels_text(table.assign(requests=table["requests"].where(
        table["channel"] != "two_channels_simultaneously", n)), channels.iloc[:0], "ru")) for n in (1, 102, 5)]
    assert "1 обращение поступило одновременно" in forms[0]
    assert "102 обращения поступили одновременно" in forms[1]
    assert "5 обращений поступили одновременно" in forms[2]


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


# --- section 06 (the economic value of volunteer hours): Russian noun forms after each kind of number ----------

@pytest.mark.parametrize(("n", "hours", "months"), [
    (1, "1 час", "за 1 месяц"), (2, "2 часа", "за 2 месяца"), (5, "5 часов", "за 5 месяцев"),
    (21, "21 час", "за 21 месяц"), (43, "43 часа", "за 43 месяца"), (131, "131 час", "за 131 месяц"),
    (102, "102 часа", "за 102 месяца"), (11, "11 часов", "за 11 месяцев")])
def test_section_06_counts_agree_with_their_nouns_in_russian(n, hours, months):
    from vstudy.present.words import t

    said = t("ru", "economics.employees.per_month", hours=n, months=n, pm=n, over=None, bound=None)
    assert said.startswith(f"{hours} {months} = {hours} в месяц")
    combos = t("ru", "economics.value.range", n=n, lo=0.5, hi=1.25)
    assert combos.startswith(f"По {n} {'сочетанию' if n % 10 == 1 and n % 100 != 11 else 'сочетаниям'} допущений")
    assert ",0 " not in said and "," not in combos.split("от")[0]  # counts are integers, never «491,0»


@pytest.mark.parametrize(("ratio", "words"), [(2.0, "в 2 раза"), (43, "в 43 раза"), (5, "в 5 раз"), (21, "в 21 раз"),
                                              (1.5, "в 1,5 раза")])
def test_section_06_times_after_a_number_in_russian(ratio, words):
    from vstudy.present.words import t

    said = t("ru", "economics.caveats.coverage", full=1.0, low=2.0, lowcov=50.0, ratio=ratio)
    assert said.endswith(f"один лишь охват меняет её {words}.")


def test_section_06_fractional_employees_take_the_genitive_singular():
    from vstudy.present.words import t

    facts = dict(week=40, weeks=52, gross=2080, annualised=True, annual=907_778, factor=2.0, fte_h=462.1, hnorm=1965,
                 report=True)
    assert "36,4 наёмного работника" in t("ru", "economics.employees.fte", eq=36.4, fte=436.4, **facts)
    assert "40 наёмных работников" in t("ru", "economics.employees.fte", eq=40, fte=436.4, **facts)
    assert "составляют 805 эквивалентов полной занятости" in t("ru", "economics.employees.fte", eq=1, fte=805, **facts)
    assert "1 наёмного работника" in t("ru", "economics.employees.fte", eq=1, fte=1, **facts)
