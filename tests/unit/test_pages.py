"""The generated pages in every edition (en, ru, kk): the findings say what the build's tables say, in each edition's
words and number format (CLDR); the home page and the methods introduce the dataset by its manifest; no edition's
pages carry a sentence of another language."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from vstudy import i18n
from vstudy.data import regions
from vstudy.present import labels
from vstudy.publish import pages, pipeline

COMMON_EN = {"the", "of", "and", "to", "in", "is", "are", "for", "on", "with", "by", "from", "as", "at", "that",
             "this", "be", "or", "an", "it", "not", "which", "each", "its", "has", "was", "no", "all", "one"}


def english_runs(text: str) -> list[str]:
    """Runs of three or more Latin-letter words in a row with at least one common English word among them."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"`[^`]*`|\([^)]*://[^)]*\)|https?://\S+", " ", line)  # code spans, URLs: not prose
        run: list[str] = []
        for token in re.split(r"[\s\u00a0\u202f]+", line) + [""]:
            word = token.strip(".,;:!?()«»\"'*[]|")
            if re.fullmatch(r"[A-Za-z][A-Za-z'-]*", word):
                run.append(word.lower())
                continue
            if len(run) >= 3 and COMMON_EN & set(run):
                found.append(" ".join(run))
            run = []
    return found


@pytest.fixture()
def tables(tmp_path: Path, repo_root: Path, correlation_results_2021: Path) -> Path:
    """A tables/ folder with a replication register (statuses as a build writes them) and the 2021 study's
    correlation table (computed by the analysis, as a build writes it)."""
    out = tmp_path / "tables"
    out.mkdir()
    statuses = ["consistent"] * 7 + ["reproduced"] * 3 + ["differs"] * 2 + ["not reproducible"]
    sections = ["01_demographics", "02_organisations", "05_activities"]
    pd.DataFrame({"claim_id": [f"c{i}" for i in range(len(statuses))], "status": statuses,
                  "section": [sections[i % 3] for i in range(len(statuses))]}).to_csv(out / "replication.csv",
                                                                                       index=False)
    shutil.copyfile(correlation_results_2021, out / "correlations.csv")
    return out


def _status_counts(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def _summary(tables: Path):
    from vstudy.analysis import correlations as cs

    results = pd.read_csv(tables / "correlations.csv")
    return results, cs.study_summary(results, cs.ALPHA), cs.mentioned_findings(results, strongest=3)


def test_findings_in_russian_carry_the_tables_numbers_in_russian_format(tables):
    text = pages.findings_markdown(tables, "ru")
    counts = _status_counts(tables / "replication.csv")
    assert f"Реестр воспроизведения содержит **{sum(counts.values())} опубликованных в отчёте чисел**" in text
    words = {"reproduced": "воспроизводится", "consistent": "согласуется", "differs": "расходится",
             "not reproducible": "не воспроизводимо по данным"}
    for status, n in counts.items():
        assert f"{words[status]} — {n}" in text
    # one line per section of the register, each with its own count, linked to nothing outside the site's sections
    register = pd.read_csv(tables / "replication.csv")
    for section, group in register.groupby("section"):
        title = pages.section_title(section, "ru")
        n = len(group)
        noun = {1: "опубликованное число", 4: "опубликованных числа", 5: "опубликованных чисел"}[n]
        assert f"- **{title}** ({n} {noun}): " in text
    results, summary, mentioned = _summary(tables)
    # every count on the page is the table's: pairs, findings, what the correction ran over, what holds
    assert summary["m_study"] == 22 and summary["pairs_full"] == 46 and summary["holds"] == 0
    assert "По всем регионам проверены 46 пар переменных. Они составляют 22 вывода" in text
    assert "2 из пар самого отчёта (подтверждающие) и 20 из заранее объявленной разведочной сетки" in text
    assert "поправка Холма применена к 22 выводам. После неё на уровне 0,05 не сохраняется ни один" in text
    assert "1 выдерживает только поправку внутри своего семейства:" in text
    # the family-only survivor, with its study-level and family-level Holm p and the region it rests on most;
    # pairs that hold after no correction are not listed
    lead = mentioned[mentioned["mention"] != "strongest"]
    assert len(lead) == 1 and text.count("\n- НПО, % организаций") == 1
    ngo = lead.iloc[0]
    assert (ngo["x"], ngo["y"], ngo["mention"]) == ("ngo_share_pct", "life_expectancy_years", "family_only")
    assert "r = 0,68 (n = 17)" in text and "r = 0.68" not in text
    assert f"поправка Холма по всему исследованию: p = {ngo['p_holm_study']:.3f}".replace(".", ",") in text
    assert f"Больше всего на него влияет {regions.name(ngo['towards_zero_region'], 'ru')}: без этого " \
           f"региона r = {ngo['r_towards_zero']:.2f}".replace(".", ",") in text
    assert labels.region_label("KZ-55", "ru") not in text  # organisations × emissions does not hold: not listed


def test_findings_in_kazakh_name_the_regions_from_the_gazetteer_in_kazakh(tables):
    text = pages.findings_markdown(tables, "kk")
    assert "Қайта есептеу тізілімінде **есепте жарияланған 13 сан** бар:" in text
    assert "қайта есептеледі — 3" in text and "келіседі — 7" in text and "сәйкес келмейді — 2" in text
    assert "деректер бойынша қайта есептеу мүмкін емес — 1" in text
    assert regions.name("KZ-71", "kk") in text  # Астана қаласы, from the gazetteer
    assert "r = 0,68" in text and "46 жұбы" in text and "22 тұжырым" in text


def test_findings_in_english_name_p_and_the_influential_region(tables):
    text = pages.findings_markdown(tables, "en", links=False)
    assert "46 pairs of variables were tested over all regions. They form 22 findings" in text
    assert "2 of the report's own (confirmatory) and 20 from a declared exploratory grid; Holm's correction ran " \
           "over 22 findings. None holds after it at level 0.05; 1 survives only its own family's correction:" in text
    holm = _summary(tables)[2].query("mention == 'family_only'")["p_holm"].iloc[0]
    assert f"it holds only within composition of volunteers (p = {holm:.3f})" in text
    assert f"The region that weighs most on it is {regions.name('KZ-71', 'en')}: without it r = 0.60" in text
    assert "](tables/" not in text and "](notebooks/" not in text  # no links: the PDF's summary


def test_nothing_survives_in_russian(tmp_path, correlation_results_2021):
    results = pd.read_csv(correlation_results_2021)
    results.assign(survives_holm=False, survives_by=False, holds_after_correction=False).to_csv(
        tmp_path / "correlations.csv", index=False)
    text = pages.findings_markdown(tmp_path, "ru")
    assert "проверены 46 пар" in text and "только поправку" not in text
    assert "Воспроизводится ли отчёт" not in text  # no register: no verdict about the report
    en = pages.findings_markdown(tmp_path, "en")
    assert "Holm's correction ran over 22 findings. None holds after it at level 0.05." in en
    assert "survives only its own family" not in en and "\n- " not in en


def test_replication_summary_adds_up_by_section(tables):
    text = pages.replication_summary_markdown(tables, "en")
    register = pd.read_csv(tables / "replication.csv")
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in text.splitlines() if line.startswith("| ") and "Section" not in line}
    demo = register[register["section"] == "01_demographics"]
    assert rows["Volunteer demographics"][-1] == str(len(demo))
    assert rows["All sections"][-1] == str(len(register))
    assert "{#tbl-study-replication}" in text


def _config(repo_root: Path, processed: Path | None = None):
    return pipeline.BuildConfig(root=repo_root, data_dir=repo_root / "data" / "raw", sections=(),
                                package_hash="fixed", **({"processed_dir": processed} if processed else {}))


REPORT = {"id": "report_2021", "period": {"start": "2021-07-01", "end": "2021-12-31"}, "scheme": "kz2021",
          "transcribes": "report_2021"}
OWN = {"id": "my_survey", "title": "Volunteers of my survey", "title_kk": "Менің сауалнамамның волонтерлері",
       "period": {"start": "2023-01-01", "end": "2023-06-30"}, "scheme": "kz2022"}


def _parts(repo_root: Path, tables: Path, lang: str, manifest: dict) -> dict[str, str]:
    """Every generated part of an edition's pages and study document."""
    config = _config(repo_root)
    state = {"sections": {"00_x": {"parameters": {"lang": lang}, "notebook_sha256": "0" * 64, "seconds": 1.25,
                                   "executed_at": "2026-11-30"}}}
    parts = {
        "home": pages.home_markdown(config, {}, {}, tables, manifest, lang,
                                    coverage_page=pages.transcribes_report(manifest)),
        "methods": pages.methods_markdown(manifest, lang),
        "replication": pages.replication_summary_markdown(tables, lang, manifest),
        "errata": pages.errata_markdown(config.data_dir, lang),
        "errata-blocks": pages.errata_markdown(config.data_dir, lang, blocks=True),
        "sources": pages.sources_markdown(config.data_dir, lang),
        "dictionary": pages.dictionary_markdown(lang),
        "dictionary-compact": pages.dictionary_markdown(lang, level=2, compact=True),
        "reproducibility": pages.reproducibility_markdown(config, state, lang),
        "tables": pages.tables_markdown(tables, lang),
        "no-tables": pages.tables_markdown(tables / "absent", lang),
        "cite": pages.cite_markdown(repo_root, manifest, lang),
    }
    parts.update({page: pages.page_qmd(page, lang, manifest) for page in pages.PAGES})
    return parts


def test_the_home_page_links_the_report_chapters_only_when_the_site_has_that_page(repo_root, tables):
    config = _config(repo_root)
    linked = pages.home_markdown(config, {}, {}, tables, REPORT, "ru", coverage_page=True)
    assert "[Отчёт и это исследование](coverage.qmd)" in linked
    assert "coverage.qmd" not in pages.home_markdown(config, {}, {}, tables, REPORT, "ru")


KAZAKH_ONLY = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
RECORD_VALUE = re.compile(r"^(- \*\*[^*\n]+:\*\*).*$|^(\| [^|\n]+ \|).*$|^(####+ ).*$", re.MULTILINE)  # headings: titles


def own_words(name: str, text: str) -> str:
    """What the study itself writes on a part: the origin records' values (titles of publications, in the language
    they were published in) are the dataset's, so they are left out of the sources part."""
    return RECORD_VALUE.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text) if name == "sources" else text
CYRILLIC = re.compile("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def _region_names(lang: str) -> set[str]:
    from vstudy.data import regions

    return set(regions.units("kz2022")["code"].map(lambda code: labels.region_label(code, lang)))


@pytest.mark.parametrize("manifest", [REPORT, OWN], ids=["report", "own-dataset"])
def test_kazakh_pages_are_kazakh_and_hold_no_english_sentence(repo_root, tables, manifest):
    for name, text in _parts(repo_root, tables, "kk", manifest).items():
        assert name == "tables" or KAZAKH_ONLY.search(text), name  # tables: a list of file names
        assert english_runs(text) == [], (name, english_runs(text)[:5])


@pytest.mark.parametrize("manifest", [REPORT, OWN], ids=["report", "own-dataset"])
def test_russian_pages_hold_no_english_sentence_and_no_kazakh_letter(repo_root, tables, manifest):
    # The official Russian names of Zhetysu and Ulytau regions keep their Kazakh letters (Жетісу, Ұлытау).
    regions = sorted(_region_names("ru"), key=len, reverse=True)
    assert {"Жетісу", "Ұлытау"} <= set(regions)
    for name, text in _parts(repo_root, tables, "ru", manifest).items():
        assert name == "tables" or re.search("[А-Яа-яЁё]", text), name
        assert english_runs(text) == [], (name, english_runs(text)[:5])
        own = re.sub("|".join(map(re.escape, regions)), "", own_words(name, text))
        assert not KAZAKH_ONLY.search(own), (name, re.findall(r"\S*[ӘәҒғҚқҢңӨөҰұҮүҺһІі]\S*", own)[:5])
    # the heuristic does catch an English sentence, and lets proper names through
    assert english_runs("Каждое число. The report's numbers are in the register.")
    assert not english_runs("Birgemiz: Taza Álem; National Volunteer Network; NEET")


@pytest.mark.parametrize("manifest", [REPORT, OWN], ids=["report", "own-dataset"])
def test_english_pages_hold_no_cyrillic_outside_region_names_and_quotes(repo_root, tables, manifest):
    for name, text in _parts(repo_root, tables, "en", manifest).items():
        # what the errata and the schemas quote of the report: «…», a term in brackets ("students (учащиеся)"),
        # region names as the report published them
        unquoted = re.sub(r"«[^»]*»|\([а-яё]+\)|[А-ЯЁ][А-Яа-яЁё-]+ област[а-я]+|\b[А-ЯЁ]{2,3}(?:/[А-ЯЁ]{2,3})*\b", "",
                          own_words(name, text))
        assert not CYRILLIC.search(unquoted), (name, re.findall(r"\S*[А-Яа-яЁё]+\S*", unquoted)[:5])


def test_the_dataset_decides_whether_the_pages_speak_of_the_report(repo_root, tables):
    report = {lang: _parts(repo_root, tables, lang, REPORT) for lang in ("en", "ru", "kk")}
    own = {lang: _parts(repo_root, tables, lang, OWN) for lang in ("en", "ru", "kk")}
    assert report["en"]["home"].startswith("A reproducible rebuild of the analytical report of the National Volunteer "
                                           "Network")
    assert "the 17 regional front offices for July\u2009–\u2009December 2021" in report["en"]["home"]
    assert "Every table of the report was transcribed from its text" in report["en"]["home"]
    assert "## The replication register" in report["en"]["methods"]
    assert "{#errata-in-the-source-report}" in report["en"]["data.qmd"]
    assert "по ежемесячным отчётам 17 региональных фронт-офисов" in report["ru"]["home"]
    assert "17 өңірлік фронт-офисінің 2021\u202fж. шілде – желтоқсан кезеңіндегі" in report["kk"]["home"]
    # a researcher's own dataset: its title in the edition's language, its period and scheme; never the report
    assert own["en"]["home"].startswith("A reproducible study of the dataset «Volunteers of my survey» for "
                                        "January\u2009–\u2009June 2023: 20 regions of the administrative division since June 2022.")
    assert own["kk"]["home"].startswith("«Менің сауалнамамның волонтерлері» деректер жиынтығының 2023\u202fж. қаңтар – "
                                        "маусым кезеңіне арналған қайта өндірілетін зерттеуі: 2022 жылғы маусымнан "
                                        "бергі әкімшілік-аумақтық бөліністің 20 өңірі.")
    # no Russian title in the manifest: the dataset named by its period and scheme — not its English title, not its id
    assert own["ru"]["home"].startswith("Воспроизводимое исследование набора данных за январь – июнь "
                                        "2023\u202fг.: 20 регионов по административному делению с июня 2022 года.")
    assert "my_survey" not in own["ru"]["home"] and "Volunteers of my survey" not in own["ru"]["home"]
    for lang in ("en", "ru", "kk"):
        assert "transcribed" not in own[lang]["home"] + own[lang]["methods"]
        assert "errata-in-the-source-report" not in own[lang]["data.qmd"]
        assert "replication.csv" not in own[lang]["home"].split("## ", 2)[-1] or lang  # the register's download
        assert "tables/replication.csv)" not in pages.downloads_markdown(lang, OWN)
        assert "tables/replication.csv)" in pages.downloads_markdown(lang, REPORT)
    assert "What the dataset does not supply stays missing" in own["en"]["methods"]
    assert "Every number of the analytical report" not in own["en"]["methods"]
    assert "## The replication register" not in own["en"]["methods"]
    assert "(Appendix A)" in own["en"]["methods"].replace("Appendix A)", "Appendix A)")  # sources: the first appendix
    assert pages.appendices(OWN) == {"sources": 1, "dictionary": 2}
    assert pages.appendices(REPORT) == {"errata": 1, "sources": 2, "dictionary": 3}
    assert pages.transcribes_report(REPORT) and not pages.transcribes_report(OWN)
    assert not pages.transcribes_report({"transcribes": "report_2019"})


def test_the_site_pages_are_the_same_in_every_edition_but_their_words(repo_root):
    anchors = {}
    for lang in ("en", "ru", "kk"):
        for page in pages.PAGES:
            text = pages.page_qmd(page, lang, REPORT)
            assert text.startswith("---\ntitle: ")
            anchors.setdefault(page, set()).add(tuple(re.findall(r"\{#[\w-]+\}", text)))
            assert text.count("{{< include _generated/") == {"index.qmd": 2, "data.qmd": 4,
                                                            "reproducibility.qmd": 1}[page]
    assert all(len(found) == 1 for found in anchors.values()), anchors
    assert pages.page_qmd("index.qmd", "kk", REPORT).startswith(
        "---\ntitle: Қазақстан өңірлеріндегі волонтерлік қызмет, 2021\u202fж. шілде – желтоқсан\n---")
    with pytest.raises(KeyError, match="no page"):
        pages.page_qmd("other.qmd", "en", REPORT)


def test_every_pdf_is_linked_from_every_edition():
    for lang in ("en", "ru", "kk"):
        text = pages.downloads_markdown(lang)
        for other in ("en", "ru", "kk"):
            assert text.count(f"]({pages.study_pdf_href(other)})") == 1, (lang, other)
    assert "- [Зерттеу PDF форматында](../kk/study-kk.pdf)" in pages.downloads_markdown("kk")
    assert "- [The study as a PDF in Kazakh](../kk/study-kk.pdf)" in pages.downloads_markdown("en")
    assert "- [Исследование в формате PDF на казахском языке](../kk/study-kk.pdf)" in pages.downloads_markdown("ru")
    assert pages.study_pdf_href("kk") == "../kk/study-kk.pdf"
    with pytest.raises(ValueError):
        pages.study_pdf_href("de")


def test_home_figures_come_from_the_section_registry():
    from vstudy.vocab import SECTIONS

    declared = {"03_correlations": ["fig-x", "fig-correlations-main-forest"],
                "05_activities": ["fig-activities-directions-heatmap"]}
    assert pages.home_figures(declared) == [("03_correlations", "fig-correlations-main-forest"),
                                            ("05_activities", "fig-activities-directions-heatmap")]
    assert pages.home_figures({"05_activities": ["fig-activities-directions-heatmap"]}) == [
        ("05_activities", "fig-activities-directions-heatmap")]
    assert all(label.startswith("fig-") for s in SECTIONS.values() for label in s.figures)


def test_intro_takes_period_and_count_from_the_manifest():
    manifest = dict(REPORT, period={"start": "2022-07-01", "end": "2022-12-31"}, scheme="kz2022")
    assert pages.intro_markdown(manifest, "ru").startswith("Воспроизводимое исследование за июль – декабрь 2022\u202fг. на основе")
    assert "20 региональных фронт-офисов." in pages.intro_markdown(manifest, "ru")
    assert "the 20 regional front offices for July\u2009–\u2009December 2022" in pages.intro_markdown(manifest, "en")
    assert "20 өңірлік фронт-офисінің 2022\u202fж. шілде – желтоқсан кезеңіндегі" in pages.intro_markdown(manifest, "kk")
    assert "по ежемесячным отчётам региональных фронт-офисов." in pages.intro_markdown(dict(manifest, scheme="x"), "ru")
    assert json.dumps(pages.intro_markdown({}, "en"))  # no period, no count: still a sentence


def test_every_erratum_kind_has_words_in_every_edition(repo_root):
    with (repo_root / "data" / "raw" / "report_2021" / "errata.csv").open(encoding="utf-8") as handle:
        kinds = {row["rule_id"] for row in csv.DictReader(handle)}
    for lang in ("en", "ru", "kk"):
        assert all(i18n.has(lang, f"pages.errata.rule.{kind}") for kind in kinds), lang
        text = pages.errata_markdown(repo_root / "data" / "raw", lang, blocks=True)
        assert not re.search(r"\*\*E\d+\. [a-z_]+\.\*\*", text)  # no rule id in place of its words
    # the register is written in English, Russian and Kazakh: every edition shows the descriptions in its language
    kk = pages.errata_markdown(repo_root / "data" / "raw", "kk")
    assert kk.startswith("| № | Файл | Қатенің түрі | Сипаттамасы | Қалай ескерілді | Есептің жолдары |")
    assert "| E15 | Ақпараттық желі: қорытындылар | Бөліктердің қосындысы жиынға тең емес | Ақпараттық желіге" in kk
    assert "| № | Файл | Вид ошибки | Описание | Как учтена | Строки отчёта |" in pages.errata_markdown(
        repo_root / "data" / "raw", "ru")


def test_russian_data_dictionary_names_every_declared_column():
    from vstudy.data import schemas

    text = pages.dictionary_markdown("ru")
    declared = [(key, col) for key, schema in schemas.all_schemas().items() for col in schema.columns]
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(declared)
    for line, (_, col) in zip(rows, declared, strict=True):
        cells = [html.unescape(c.strip()) for c in line.strip("|").split("|")]
        assert cells[0] == f"`{col.name}`" and cells[1] == labels.column_label(col.name, "ru")
        assert cells[1] != "—" and re.search("[А-Яа-яЁё]", cells[1]) or cells[1] in ("NEET", "r", "n", "p"), cells
        assert cells[4] in ("да", "нет")


def test_kazakh_data_dictionary_has_every_table_types_and_units_in_kazakh():
    from vstudy.data import schemas

    text = pages.dictionary_markdown("kk")
    assert "| Баған | Атауы | Түрі | Өлшем бірлігі | Міндетті |" in text
    assert text.count("| Баған | Атауы |") == len(schemas.all_schemas())
    assert "| мың теңге |" in text or "| айына теңге |" in text
    for line in (line for line in text.splitlines() if line.startswith("| `")):
        cells = [html.unescape(c.strip()) for c in line.strip("|").split("|")]
        assert cells[2] in ("мәтін", "бүтін сан", "сан", "логикалық", "күн"), cells
        assert cells[4] in ("иә", "жоқ"), cells
        assert not re.search(r"[A-Za-z]{4,}", cells[3]), cells  # a unit in Kazakh, a symbol or a dash


@pytest.mark.parametrize(("n", "findings", "register"), [
    (1, "содержит **1 опубликованное в отчёте число**", "содержит 1 число, опубликованное в отчёте"),
    (3, "содержит **3 опубликованных в отчёте числа**", "содержит 3 числа, опубликованных в отчёте"),
    (5, "содержит **5 опубликованных в отчёте чисел**", "содержит 5 чисел, опубликованных в отчёте"),
    (21, "содержит **21 опубликованное в отчёте число**", "содержит 21 число, опубликованное в отчёте"),
    (131, "содержит **131 опубликованное в отчёте число**", "содержит 131 число, опубликованное в отчёте"),
    (1112, "содержит **1\u00a0112 опубликованных в отчёте чисел**", "содержит 1\u00a0112 чисел, опубликованных в отчёте"),
])
def test_russian_counts_agree_with_their_nouns_and_print_as_integers(tmp_path, n, findings, register):
    pd.DataFrame({"claim_id": [f"c{i}" for i in range(n)], "status": ["consistent"] * n,
                  "section": ["01_demographics"] * n}).to_csv(tmp_path / "replication.csv", index=False)
    text = pages.findings_markdown(tmp_path, "ru")
    assert findings in text
    assert f"согласуется — {n:,}".replace(",", "\u00a0") in text
    summary = pages.replication_summary_markdown(tmp_path, "ru", REPORT)
    assert register in summary
    assert not re.search(r"\d,0\b", text + summary)  # counts are integers, never «491,0»
    kk = pages.findings_markdown(tmp_path, "kk")
    assert f"есепте жарияланған {n:,} сан**".replace(",", "\u00a0") in kk


VERSION = pages.BuildVersion("0.1.0", "2737502cfe2d", False, dt.date(2026, 12, 7))
CITATIONS = {
    "en": "vstudy contributors (2026). *Volunteering in the regions of Kazakhstan, July\u2009–\u2009December 2021*. "
          "English "
          "edition, version 0.1.0, commit 2737502cfe2d, built on December 7, 2026.",
    "ru": "Участники проекта vstudy (2026). *Волонтёрство в регионах Казахстана, июль – декабрь 2021\u202fг.* — "
          "издание на русском языке, версия 0.1.0, коммит 2737502cfe2d, собрано 7 декабря 2026\u202fг.",
    "kk": "vstudy жобасының қатысушылары (2026). *Қазақстан өңірлеріндегі волонтерлік қызмет, 2021\u202fж. шілде – "
          "желтоқсан*. Қазақ тіліндегі басылым, 0.1.0 нұсқасы, 2737502cfe2d коммиті, 2026\u202fж. 7 желтоқсан "
          "құрастырылған.",
}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_home_page_says_how_to_cite_the_edition_and_its_licence(repo_root, lang):
    """The home page of every edition ends with "How to cite": the citation from CITATION.cff's authors and
    version, the study's title with the dataset's period in the edition's language, the commit and the build date;
    then the study's licence (CC BY 4.0 for its text, figures and tables, MIT for the code, the data's own)."""
    block = pages.cite_markdown(repo_root, REPORT, lang, VERSION)
    heading, citation, licence = [part for part in block.split("\n") if part]
    assert heading == {"en": "## How to cite", "ru": "## Как цитировать", "kk": "## Қалай сілтеме жасау керек"}[lang]
    label = {"en": "**Suggested citation.**", "ru": "**Рекомендуемая ссылка.**", "kk": "**Ұсынылатын сілтеме.**"}
    assert citation == f"{label[lang]} {CITATIONS[lang]}"
    assert licence.startswith({"en": "**Licence.** The text, figures and tables this study writes are licensed "
                                     "under [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/); its code "
                                     "under the MIT licence.",
                               "ru": "**Лицензия.** Текст, рисунки и таблицы, которые пишет это исследование, "
                                     "распространяются по лицензии [CC BY 4.0](https://creativecommons.org/licenses"
                                     "/by/4.0/); его код — по лицензии MIT.",
                               "kk": "**Лицензия.** Осы зерттеу жазған мәтін, суреттер мен кестелер [CC BY 4.0]"
                                     "(https://creativecommons.org/licenses/by/4.0/) лицензиясы бойынша таратылады; "
                                     "оның коды — MIT лицензиясы бойынша."}[lang])
    assert licence.endswith("](data.qmd#sources-and-licences)).") or licence.endswith(
        "](data.qmd#sources-and-licences) бөлімін қараңыз).")
    # the home page includes the block after its closing paragraph (the site writes _generated/cite.md)
    index = pages.page_qmd("index.qmd", lang, REPORT)
    assert index.rstrip().endswith("{{< include _generated/cite.md >}}")


def test_a_changed_checkout_says_so_in_its_citation(repo_root):
    dirty = pages.BuildVersion("0.1.0", "2737502cfe2d", True, dt.date(2026, 12, 7))
    assert "commit 2737502cfe2d with uncommitted changes, built on" in pages.citation_markdown(
        REPORT, "en", dirty, pages.citation_file(repo_root))
    assert "коммит 2737502cfe2d с незафиксированными изменениями, собрано" in pages.citation_markdown(
        REPORT, "ru", dirty, pages.citation_file(repo_root))
    bare = pages.BuildVersion("0.1.0", "", False, dt.date(2026, 12, 7))  # not a git checkout
    assert pages.citation_markdown(REPORT, "en", bare, {}) == (
        "vstudy (2026). *Volunteering in the regions of Kazakhstan, July\u2009–\u2009December 2021*. English edition, "
        "version 0.1.0, built on December 7, 2026.")


def test_a_researchers_dataset_is_cited_by_its_manifest(repo_root):
    cff = pages.citation_file(repo_root)
    assert pages.citation_markdown(OWN, "en", VERSION, cff) == (
        "*Volunteering in the regions of Kazakhstan, January\u2009–\u2009June 2023*: a study of the dataset «Volunteers of my "
        "survey». English edition, built on December 7, 2026 with vstudy version 0.1.0, commit 2737502cfe2d "
        "(vstudy contributors, 2026).")
    assert pages.citation_markdown(OWN, "kk", VERSION, cff).startswith(
        "*Қазақстан өңірлеріндегі волонтерлік қызмет, 2023\u202fж. қаңтар – маусым*: «Менің сауалнамамның "
        "волонтерлері» деректер жиынтығын зерттеу.")
    # a dataset without a Russian title is named by the citation's period alone: never by another language's title,
    # never by its id
    ru = pages.citation_markdown(OWN, "ru", VERSION, cff)
    assert ru.startswith("*Волонтёрство в регионах Казахстана, январь – июнь 2023\u202fг.* — издание на русском языке")
    assert "my_survey" not in ru and "Volunteers" not in ru
    # a person among the authors: given and family names, the list joined as the language joins it
    people = {"authors": [{"given-names": "Aigerim", "family-names": "Sadykova"}, {"name": "vstudy contributors"}]}
    assert pages.citation_markdown(REPORT, "ru", VERSION, people).startswith(
        "Aigerim Sadykova и Участники проекта vstudy (2026).")


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_a_dataset_s_data_dictionary_lists_its_own_raw_tables_and_the_processed_layer(repo_root, lang):
    """The site's and the PDF's dictionary list the raw tables the dataset's manifest names and every processed
    table: a researcher's has no table of the report's transcription (no "Line of the report" column of a raw
    table, no transcriber's note), the report's none of the tables a researcher fills."""
    import yaml

    from vstudy.data import schemas

    example = yaml.safe_load((repo_root / "data" / "examples" / "kz2022-synthetic" / "manifest.yml").read_text())
    report = yaml.safe_load((repo_root / "data" / "raw" / "manifest.yml").read_text())
    processed = [key for key in schemas.all_schemas() if key.startswith("processed.")]
    # a dataset of the collection contract carries no published number's line: no table of published values; nor
    # the processed tables made only from the report's raw tables (reconstructed organisations and event counts, the
    # corrected national chart, the official national rows, the evaluated errata register)
    made_from_the_reports = {"processed.published_values", "processed.organisations", "processed.event_counts",
                             "processed.event_directions_national_corrected", "processed.official_national",
                             "processed.errata_evaluated"}
    own_processed = [key for key in processed if key not in made_from_the_reports]
    assert pages.dictionary_keys(example) == {"raw.regional", "raw.events_by_direction", *own_processed}
    assert pages.dictionary_keys(report) == {f"raw.{spec['schema']}" for spec in report["tables"].values()} | set(
        processed)
    assert pages.dictionary_keys(None) is None and pages.dictionary_keys({"id": "x"}) is None
    for compact in (False, True):
        own = pages.dictionary_markdown(lang, level=2, compact=compact, manifest=example)
        theirs = pages.dictionary_markdown(lang, level=2, compact=compact, manifest=report)
        every = pages.dictionary_markdown(lang, level=2, compact=compact)
        listed = set(re.findall(r"^#+ `((?:raw|processed)\.\w+)`", own, flags=re.M))
        assert listed == {"raw.regional", "raw.events_by_direction", *own_processed}, compact
        assert "`raw.errata`" not in own and "`raw.correlations_published`" not in own
        theirs_listed = set(re.findall(r"^#+ `((?:raw|processed)\.\w+)`", theirs, flags=re.M))
        assert "raw.errata" in theirs_listed and not theirs_listed & {"raw.regional", "raw.volunteers_by_region"}
        assert len(re.findall(r"^#+ `(?:raw|processed)\.\w+`", every, flags=re.M)) == len(schemas.all_schemas())
        assert "transcriber" not in own.lower()
