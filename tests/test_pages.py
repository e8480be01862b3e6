"""The generated pages in both editions: the findings say what the build's tables say, in each edition's words and
number format; the Russian pages hold no English sentence and the English ones no Russian."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from vstudy.build import pages, pipeline
from vstudy.present import labels

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


def _correlations() -> pd.DataFrame:
    base = {"method": "pearson", "role": "primary", "subset": False, "survives_holm": False, "survives_by": False,
            "rests_on_one_region": False, "n": 17, "ci_low": 0.1, "ci_high": 0.9, "p_perm": 0.2, "p_holm": 1.0,
            "p_by": 1.0, "influential_region": "KZ-55", "r_without_influential": 0.1}
    rows = [
        {**base, "family": "composition", "x": "ngo_share_pct", "y": "life_expectancy_years", "r": 0.6787,
         "ci_low": 0.2939, "ci_high": 0.8742, "survives_holm": True, "p_perm": 0.00285, "p_holm": 0.0342,
         "p_by": 0.106, "influential_region": "KZ-71", "r_without_influential": 0.6026},
        {**base, "family": "organisations", "x": "organisations_per_100k", "y": "unemployment_rate_pct",
         "r": -0.55, "survives_by": True, "rests_on_one_region": True, "n": 16, "p_perm": 0.0004, "p_by": 0.02,
         "influential_region": "KZ-75", "r_without_influential": -0.21},
        {**base, "family": "report", "x": "organisations_count", "y": "events_count", "r": 0.99},
        {**base, "family": "composition", "x": "vol_students_pct", "y": "grp_per_capita", "r": 0.95,
         "subset": True, "survives_holm": True},
        {**base, "family": "volunteers", "x": "vol_students_pct", "y": "unemployment_rate_pct", "r": -0.70},
        {**base, "family": "volunteers", "x": "vol_age_18_29_pct", "y": "grp_per_capita", "r": 0.10},
    ]
    return pd.DataFrame(rows)


@pytest.fixture()
def tables(tmp_path: Path, repo_root: Path) -> Path:
    """A tables/ folder with a replication register (statuses as a build writes them) and correlations."""
    out = tmp_path / "tables"
    out.mkdir()
    statuses = ["consistent"] * 7 + ["reproduced"] * 3 + ["differs"] * 2 + ["not reproducible"]
    sections = ["01_demographics", "02_organisations", "05_activities"]
    pd.DataFrame({"claim_id": [f"c{i}" for i in range(len(statuses))], "status": statuses,
                  "section": [sections[i % 3] for i in range(len(statuses))]}).to_csv(out / "replication.csv",
                                                                                       index=False)
    _correlations().to_csv(out / "correlations.csv", index=False)
    return out


def _status_counts(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def test_findings_in_russian_carry_the_tables_numbers_in_russian_format(tables):
    text = pages.findings_markdown(tables, "ru")
    counts = _status_counts(tables / "replication.csv")
    assert f"Из {sum(counts.values())} опубликованных в отчёте чисел" in text
    for status, n in counts.items():
        assert f"- {labels.value_label(status, 'ru')}: {n}\n" in text
    life = labels.value_label("life_expectancy_years", "ru")
    assert (f"НПО, % организаций × {life}: r = 0,68 (n = 17, 95-процентный интервал от 0,29 до 0,87); "
            "перестановочный p = 0,003; p с поправкой Холма = 0,034; устойчива к поправке Холма; не держится на "
            f"одном регионе (без самого влиятельного региона, {labels.region_label('KZ-71', 'ru')}, r = 0,60)") in text
    assert ("p с поправкой Бенджамини — Иекутиели = 0,020; устойчива к поправке Бенджамини — Иекутиели; держится на "
            f"одном регионе (без самого влиятельного региона, {labels.region_label('KZ-75', 'ru')}, r = −0,21)") in text
    assert "проверено пар по всем регионам: 5" in text  # primary Pearson over all regions, the report's included
    strongest = text.split("Наиболее сильные связи")[1]
    assert strongest.index("r = −0,70") < strongest.index("r = 0,68") < strongest.index("r = −0,55")
    assert "0,99" not in strongest and "0,95" not in text


def test_findings_in_english_name_p_and_the_influential_region(tables):
    text = pages.findings_markdown(tables, "en", links=False)
    assert ("r = 0.68 (n = 17, 95 % interval 0.29 to 0.87); permutation p = 0.003; p after Holm = 0.034; survives "
            "Holm; does not rest on one region (without the most influential region, "
            f"{labels.region_label('KZ-71', 'en')}, r = 0.60)") in text
    assert "](tables/" not in text  # no links: the PDF's summary


def test_nothing_survives_in_russian(tmp_path):
    _correlations().assign(survives_holm=False, survives_by=False).to_csv(tmp_path / "correlations.csv", index=False)
    text = pages.findings_markdown(tmp_path, "ru")
    assert "Ни одна корреляция не устойчива" in text and "(их 5)" in text
    assert "В этой сборке нет реестра воспроизведения." in text


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


def _manifest(repo_root: Path) -> dict:
    return {"period": {"start": "2021-07-01", "end": "2021-12-31"}, "scheme": "kz2021"}


def _russian_parts(repo_root: Path, tables: Path) -> dict[str, str]:
    config = _config(repo_root)
    state = {"sections": {"00_x": {"parameters": {"lang": "ru"}, "notebook_sha256": "0" * 64, "seconds": 1.0,
                                   "executed_at": "2026-11-30"}}}
    manifest = _manifest(repo_root)
    return {
        "home": pages.home_markdown(config, {}, {}, tables, manifest, "ru"),
        "methods": pages.methods_markdown(manifest, "ru"),
        "replication": pages.replication_summary_markdown(tables, "ru"),
        "errata": pages.errata_markdown(config.data_dir, "ru"),
        "errata-blocks": pages.errata_markdown(config.data_dir, "ru", blocks=True),
        "sources": pages.sources_markdown(config.data_dir, "ru"),
        "dictionary": pages.dictionary_markdown("ru"),
        "reproducibility": pages.reproducibility_markdown(config, state, "ru"),
        "tables": pages.tables_markdown(tables, "ru"),
    }


def test_russian_pages_hold_no_english_sentence(repo_root, tables):
    for name, text in _russian_parts(repo_root, tables).items():
        assert name == "tables" or re.search("[А-Яа-яЁё]", text), name  # tables: a list of file names
        assert english_runs(text) == [], (name, english_runs(text)[:5])
    # the heuristic does catch an English sentence, and lets proper names through
    assert english_runs("Каждое число. The report's numbers are in the register.")
    assert not english_runs("Birgemiz: Taza Álem; National Volunteer Network; NEET")


def test_english_pages_hold_no_russian(repo_root, tables):
    config = _config(repo_root)
    manifest = _manifest(repo_root)
    for name, text in {"home": pages.home_markdown(config, {}, {}, tables, manifest, "en"),
                       "methods": pages.methods_markdown(manifest, "en"),
                       "replication": pages.replication_summary_markdown(tables, "en"),
                       }.items():
        assert not re.search("[А-Яа-яЁё]", text), (name, re.findall(r"\S*[А-Яа-яЁё]+\S*", text)[:5])


def test_both_pdfs_are_linked_from_both_editions():
    for lang in ("en", "ru"):
        text = pages.downloads_markdown(lang)
        assert f"]({pages.study_pdf_href('en')})" in text and f"]({pages.study_pdf_href('ru')})" in text
    assert pages.study_pdf_href("ru") == "../ru/study.pdf"
    with pytest.raises(ValueError):
        pages.study_pdf_href("kk")


def test_key_figures_are_labelled_and_formatted_per_edition(repo_root, tmp_path):
    config = _config(repo_root)
    rows = {r["figure_id"]: r for r in pages.dataset_table(config.data_dir, "headline_figures")}
    value = int(float(rows["volunteers_total"]["value"]))
    ru = pages.home_markdown(config, {}, {}, None, _manifest(repo_root), "ru")
    assert f"- **{value:,}**".replace(",", "\u202f") in ru
    assert f"строка {rows['volunteers_total']['source_line']} отчёта" in ru
    en = pages.home_markdown(config, {}, {}, None, _manifest(repo_root), "en")
    assert f"- **{value:,}** — " in en and "volunteers total" not in en  # a label, not the id


def test_intro_takes_period_and_count_from_the_manifest():
    manifest = {"period": {"start": "2022-07-01", "end": "2022-12-31"}, "scheme": "kz2022"}
    assert "20 региональных фронт-офисов за июль–декабрь 2022 года" in pages.intro_markdown(manifest, "ru")
    assert "the 20 regional front offices for July–December 2022" in pages.intro_markdown(manifest, "en")
    assert json.dumps(pages.intro_markdown({}, "en"))  # no period, no count: still a sentence


def test_every_erratum_kind_has_words_in_both_editions(repo_root):
    with (repo_root / "data" / "raw" / "report_2021" / "errata.csv").open(encoding="utf-8") as handle:
        kinds = {row["rule_id"] for row in csv.DictReader(handle)}
    assert kinds <= set(pages.ERRATUM_RULES), kinds - set(pages.ERRATUM_RULES)
    text = pages.errata_markdown(repo_root / "data" / "raw", "ru", blocks=True)
    assert not re.search(r"\*\*E\d+\. [a-z_]+\.\*\*", text)  # no rule id in place of its words


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
