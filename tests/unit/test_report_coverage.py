"""The report and this study: the chapter table of the 2021 report (data/raw/report_2021/chapters.csv), the page
that maps each chapter to the study's sections or says why it is left out, and its chapter in the study PDF."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from tests.helpers import TYPED_SECTION, english_runs
from vstudy import vocab
from vstudy.analysis.replication.register import HEADLINE_SECTIONS, TABLE_SECTION
from vstudy.data import schemas, validation
from vstudy.publish import book, coverage, website

REPORT = Path("data/raw/report_2021")
EXAMPLE = Path("data/examples/kz2022-synthetic")
KAZAKH = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def _rows(repo_root: Path, name: str) -> list[dict[str, str]]:
    with (repo_root / REPORT / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _page(repo_root: Path, lang: str, tables: Path | None = None) -> str:
    return coverage.coverage_markdown(repo_root / "data/raw", lang, tables=tables)


# ------------------------------------------------------------------------------------------- the chapter table


def test_the_chapter_table_validates_with_the_dataset(raw_2021):
    ds = raw_2021
    assert ds.ok, [p.format() for p in ds.problems if p.severity == "error"]
    assert not [p for p in ds.problems if "chapters" in p.file or "dates" in p.file]
    assert len(ds.tables["report_chapters"]) == 14 and len(ds.tables["report_dates"]) == 4


def test_every_line_of_the_text_layer_belongs_to_exactly_one_chapter(repo_root):
    # The text layer has no front matter (source.yml: line 1 is the heading «Введение»), so the chapters' ranges
    # cover every line from 1 to the last, each once; checked on the ranges (the text is not in the repository).
    source = yaml.safe_load((repo_root / REPORT / "source.yml").read_text(encoding="utf-8"))
    lines = source["where"]["lines"]
    assert lines == schemas.REPORT_2021_TEXT_LINES == 2175
    assert source["opening_line_ru"] == "Введение"
    owners: dict[int, list[str]] = {n: [] for n in range(1, lines + 1)}
    for row in _rows(repo_root, "chapters.csv"):
        for n in range(int(row["first_line"]), int(row["last_line"]) + 1):
            owners[n].append(row["chapter_id"])
    assert {n: o for n, o in owners.items() if len(o) != 1} == {}
    assert owners[1] == ["ch01"] and owners[lines] == ["ch14"]
    first = {r["chapter_id"]: int(r["first_line"]) for r in _rows(repo_root, "chapters.csv")}
    assert list(first.values()) == sorted(first.values())  # reading order


def _bad(repo_root: Path, change) -> list:
    text = (repo_root / REPORT / "chapters.csv").read_text(encoding="utf-8")
    _, problems = validation.read_and_check(Path("chapters.csv"), schemas.RAW["report_chapters"],
                                            "report_2021/chapters.csv", "kz2021", data=change(text).encode())
    return [(p.row, p.column, p.rule) for p in problems if p.severity == "error"]


def test_overlapping_missing_and_unknown_chapters_are_refused_with_file_row_column_and_rule(repo_root):
    # ch08 starts inside ch07 (overlap) — line 9 of the CSV
    assert _bad(repo_root, lambda t: t.replace(",1097,1134,", ",1090,1134,")) == [(9, "first_line", "line_ranges")]
    # ch14 stops before the text's last line — the rule names the last row
    assert _bad(repo_root, lambda t: t.replace(",2157,2175,", ",2157,2170,")) == [(15, "last_line", "line_ranges")]
    # a gap between ch10 and ch11
    assert _bad(repo_root, lambda t: t.replace(",1619,1728,", ",1625,1728,")) == [(12, "first_line", "line_ranges")]
    # a section the registry does not know
    assert _bad(repo_root, lambda t: t.replace(",quantitative,06_economic_value,", ",quantitative,06_economics,")) \
        == [(14, "covered_by", "pattern")]
    # a qualitative chapter that names a section, a mixed one without a reason, an unknown reason
    assert _bad(repo_root, lambda t: t.replace(",qualitative,left_out,context,", ",qualitative,03_correlations,,")) \
        == [(2, "covered_by", "covered_or_left_out")]
    assert _bad(repo_root, lambda t: t.replace(",mixed,00_data_quality,caveat,", ",mixed,00_data_quality,,")) \
        == [(9, "left_out_reason", "covered_or_left_out")]
    assert _bad(repo_root, lambda t: t.replace(",left_out,context,", ",left_out,boring,")) \
        == [(2, "left_out_reason", "allowed_values")]


def test_every_section_that_transcribes_report_tables_takes_up_a_chapter(repo_root):
    taken = {s for r in _rows(repo_root, "chapters.csv") for s in r["covered_by"].split(";")} - {"left_out"}
    assert taken <= set(vocab.SECTIONS)
    transcribing = set(TABLE_SECTION.values()) | set(HEADLINE_SECTIONS.values())
    assert transcribing <= taken, transcribing - taken
    assert "04_maps" not in transcribing  # the maps read the processed tables only


def test_each_published_number_lies_in_a_chapter_taken_up_by_its_register_section_or_left_out(repo_root):
    """Where the register files a number (its section) agrees with the chapter it is printed in: a chapter taken
    up by the study names that section (the data-quality section holds the register itself), a chapter left out
    lists the number on the page."""
    chapters = coverage.chapters(repo_root / "data/raw")
    checked = 0
    for path in sorted((repo_root / REPORT).glob("*.csv")):
        table = path.stem
        if table not in TABLE_SECTION:
            continue
        for row in _rows(repo_root, path.name):
            if not (row.get("source_line") or "").strip():
                continue
            line = int(row["source_line"])
            if table == "headline_figures":
                section = next((s for p, s in HEADLINE_SECTIONS.items() if row["figure_id"].startswith(p)),
                               "00_data_quality")
            else:
                section = TABLE_SECTION[table]
            (chapter,) = [c for c in chapters if c.holds(line)]
            checked += 1
            assert chapter.left_out or section in chapter.sections or section == "00_data_quality", \
                (table, row, chapter.chapter_id)
    assert checked > 400


# ------------------------------------------------------------------------------------------- the page


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_page_in_russian_and_kazakh_holds_no_english(repo_root, lang):
    text = _page(repo_root, lang) + coverage.page_qmd(lang)
    assert english_runs(text) == []
    assert not re.search(r"\b(?:left_out|ch\d\d|report_chapters|headline_figures)\b", re.sub(r"\{#[^}]*\}", "", text))
    if lang == "kk":
        assert len(KAZAKH.findall(text)) > 200
        assert "Есеп және осы зерттеу" in coverage.page_qmd("kk")


def test_the_english_page_has_cyrillic_only_in_quotation_marks(repo_root):
    text = _page(repo_root, "en")
    outside = re.sub(r"«[^»]*»", "", text)
    assert not re.search("[А-Яа-яЁё]", outside)


def test_each_chapter_has_its_heading_lines_and_what_the_study_does_with_it(repo_root):
    ru, en = _page(repo_root, "ru"), _page(repo_root, "en")
    for row in _rows(repo_root, "chapters.csv"):
        assert f"## {row['heading_ru']} {{#report-{row['chapter_id']}}}" in ru
        assert f"## {row['heading_en']} («{row['heading_ru']}») {{#report-{row['chapter_id']}}}" in en
    assert ru.count("**Оставлена в стороне:**") == 7 and ru.count("**Частично охватывает:**") == 1
    assert en.startswith("The report has 14 chapters. The study's sections take up 7 of them, 1 of these only in "
                         "part, and leave 7 qualitative chapters out")
    assert ru.startswith("В отчёте 14 глав. Разделы исследования охватывают 7 из них, 1 из этих — лишь частично, "
                         "а 7 качественных глав оставляют в стороне")
    # the sections as links to their pages; a line number is not grouped like a count
    assert ("**Taken up by:** [Volunteer demographics](notebooks/01_demographics.ipynb) and [Maps of the regions]"
            "(notebooks/04_maps.ipynb).") in en
    assert "Lines 1097–1134 of the report's text." in en and "Строки 1097–1134 текста отчёта." in ru
    block = ru.split("{#report-ch08}", 1)[1].split("\n## ", 1)[0]
    assert "(notebooks/00_data_quality.ipynb)" in block and "предупреждение отчёта" in block
    assert "ЮНИСЕФ Казахстан" in block  # the organisations the data leave out


def test_a_section_the_build_lacks_is_named_not_linked(repo_root):
    text = coverage.coverage_markdown(repo_root / "data/raw", "en", sections={"03_correlations": None})
    assert "[Volunteer demographics](" not in text
    assert "**Taken up by:** Volunteer demographics and Maps of the regions." in text
    assert "(notebooks/03_correlations.ipynb)" in text


def _shown_numbers(text: str, lang: str) -> dict[int, list[float]]:
    """The numbers of each bullet of the page by the report line it names, as a reader reads them."""
    word = {"en": r"\(line (\d+)", "ru": r"\(строка (\d+)", "kk": r"\((\d+)-жол"}[lang]
    found: dict[int, list[float]] = {}
    for bullet in re.findall(r"^- .*$", text, re.MULTILINE):
        line = int(re.search(word, bullet).group(1))
        value = bullet.split(": ")[-1].split(" (")[0]
        numbers = re.findall(r"\d+(?:[.,]\d+)?", value.replace("\u00a0", ""))
        found.setdefault(line, []).extend(float(n.replace(",", ".")) for n in numbers)
    return found


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_numbers_shown_equal_the_transcribed_figures(repo_root, lang):
    chapters = coverage.chapters(repo_root / "data/raw")
    shown = _shown_numbers(_page(repo_root, lang), lang)
    expected: dict[int, list[float]] = {}
    for row in _rows(repo_root, "headline_figures.csv"):
        line = int(row["source_line"])
        (chapter,) = [c for c in chapters if c.holds(line)]
        if chapter.left_out or chapter.partly:
            expected.setdefault(line, []).append(float(row["value"]))
    for row in _rows(repo_root, "dates.csv"):
        expected.setdefault(int(row["source_line"]), [])
    assert set(shown) == set(expected)
    for line, values in expected.items():
        if values:
            assert sorted(shown[line]) == sorted(values), line
    # spot checks of what the issue names: the fill rates, the front offices' base, the training, the years
    assert expected[534] == [51.0, 65.0] and expected[540] == [71.0, 89.0, 94.0, 96.0, 3.0]
    assert expected[458] == [15.0] and expected[621] == [2.0] and expected[647] == [2.0, 3.0]


def test_the_figures_are_written_by_cldr_in_each_edition(repo_root):
    en, ru, kk = (_page(repo_root, lang) for lang in ("en", "ru", "kk"))
    assert "- Correctness of the weaker front offices' reports: 51%–65% (line 534)" in en
    assert "- Верность заполнения отчётов у более слабых фронт-офисов: 51\u00a0%–65\u00a0% (строка 534)" in ru
    assert "Нақты волонтерлік секторды қамту, ең төменгісі: 8,5% (559-жол)" in kk
    assert "Охват реального волонтёрского сектора, наименьший: 8,5\u00a0% (строка 559)" in ru
    # the final meeting of the front offices, by CLDR's interval of days
    assert "Final meeting with the regional front offices, in Nur-Sultan: Nov 29\u2009–\u200930, 2021 (line 676)" in en
    assert "Заключительная встреча с региональными фронт-офисами в Нур-Султане: 29–30 нояб. 2021\u202fг. (строка 676)" in ru
    assert "Выработаны качественные индикаторы работы фронт-офисов: июнь 2021\u202fг. (строка 772)" in ru


def test_the_register_status_of_each_figure_is_shown_when_the_build_has_the_register(repo_root, tmp_path):
    with (tmp_path / "replication.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["claim_id", "section", "status"])
        writer.writerows([["rfo_on_mrc_base_regions", "00_data_quality", "consistent"],
                          ["report_quality_lower_min_pct", "00_data_quality", "not reproducible"]])
    en = _page(repo_root, "en", tmp_path)
    assert "and its status in the replication register" in en
    assert re.search(r"youth resource centre: 15 \(line 458; register: [^)]+\)", en)
    assert re.search(r"reports: 51%–65% \(line 534; register: [^)]+\)", en)
    assert "Regions whose front office is organised otherwise: 2 (line 484)" in en  # no row, no status
    assert "register:" not in _page(repo_root, "en")


# ------------------------------------------------------------------------------------------- where it is shown


def _manifest(folder: Path) -> dict:
    return yaml.safe_load((folder / "manifest.yml").read_text(encoding="utf-8"))


def test_the_page_is_written_only_for_the_reports_transcription(repo_root, tmp_path):
    raw, example = repo_root / "data/raw", repo_root / EXAMPLE
    assert coverage.pages(_manifest(raw), raw) == ("coverage.qmd",)
    assert coverage.pages(_manifest(example), example) == ()
    # a dataset that says it transcribes the report but gives no chapters has no page either
    assert coverage.pages({**_manifest(example), "transcribes": "report_2021"}, example) == ()
    project = yaml.safe_load(website.project_file(repo_root).read_text(encoding="utf-8"))
    with_page = website.edition_project(project, "ru", {}, _manifest(raw), ("coverage.qmd",))
    without = website.edition_project(project, "ru", {}, _manifest(example), coverage.pages(_manifest(example),
                                                                                             example))
    assert "coverage.qmd" in with_page["project"]["render"] and "coverage.qmd" not in without["project"]["render"]
    nav = {i.get("href"): i.get("text") for i in with_page["website"]["navbar"]["left"]}
    assert nav["coverage.qmd"] == "Отчёт и это исследование"
    assert "coverage.qmd" not in {i.get("href") for i in without["website"]["navbar"]["left"]}


@pytest.mark.parametrize("dataset", ["report", "example"])
def test_the_study_pdf_has_the_chapter_only_for_the_report_with_cross_references(repo_root, tmp_path, dataset):
    data_dir = repo_root / ("data/raw" if dataset == "report" else EXAMPLE)
    manifest = _manifest(data_dir)
    tables = tmp_path / "tables"
    tables.mkdir()
    pages = {name: (tmp_path / f"{name}.ipynb", name) for name in ("01_demographics", "03_correlations")}
    for name, (path, _) in pages.items():
        import nbformat

        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {name}\n\ntext")]), path)
    for lang in ("en", "ru", "kk"):
        text = book.write_study(tmp_path, lang, pages, manifest, tables, data_dir).read_text(encoding="utf-8")
        title = coverage.chapter_title(lang)
        if dataset == "example":
            assert f"# {title}" not in text and "report-ch01" not in text
            continue
        chapter = text.split(f"\n# {title}\n", 1)[1].split("\n# ", 1)[0]
        # a section the document has: a Quarto cross-reference to its chapter, whose heading carries the id
        assert "(@sec-01-demographics)" in chapter and "(@sec-03-correlations)" in chapter
        assert "# 01_demographics {#sec-01-demographics}" in text
        # a section it lacks is named, never a dangling reference or a link to the website
        assert "@sec-05-activities" not in chapter and "notebooks/" not in chapter
        assert "{#report-ch04 .unnumbered .unlisted}" in chapter
        assert not TYPED_SECTION.search(chapter)


# ------------------------------------------------------------------------------------------- against the text


def _text_layer(repo_root: Path) -> list[str]:
    """The report's text layer where the environment points to it (``VSTUDY_REPORT_TEXT``; it is not in the
    repository: source.yml, how_to_obtain), checked against the recorded sha256; else the test is skipped."""
    import hashlib
    import os

    where = os.environ.get("VSTUDY_REPORT_TEXT")
    if not where or not Path(where).is_file():
        pytest.skip("the report's text layer is not in the repository; set VSTUDY_REPORT_TEXT to check against it")
    data = Path(where).read_bytes()
    source = yaml.safe_load((repo_root / REPORT / "source.yml").read_text(encoding="utf-8"))
    assert hashlib.sha256(data).hexdigest() == source["where"]["sha256"]
    return data.decode("utf-8").split("\n")


def _squash(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def test_headings_and_quotes_stand_at_their_lines_of_the_text(repo_root):
    text = _text_layer(repo_root)
    assert len(text) - (text[-1] == "") == schemas.REPORT_2021_TEXT_LINES
    for row in _rows(repo_root, "chapters.csv"):
        first = int(row["first_line"])
        assert _squash(text[first - 1:first + 4]).startswith(row["heading_ru"]), row["chapter_id"]
    for name, key in (("dates.csv", "date_id"), ("headline_figures.csv", "figure_id")):
        for row in _rows(repo_root, name):
            line = int(row["source_line"])
            around = _squash(text[max(0, line - 12):line + 10])
            words = [w for w in row["quote_ru"].split() if w not in ("...", "…")]
            missing = [w for w in words if w not in around]
            # two quotes of headline_figures join words the text hyphenates over a line break («фронт-офисов»)
            assert len(missing) <= 2, (row[key], missing)
