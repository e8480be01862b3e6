"""The collection contract: a researcher's data drop filled into `vstudy template` validates and processes with no
code change, by the CSV files or by the workbook; bad cells are errors naming file/sheet, row, column and rule.

The acceptance drop is generated here (seeded, plausible, NOT the fixture's values): 20 kz2022 regions, counts per
region, population from the repository's official figures on 2022-01-01. Its correlations, computed by vstudy on
the processed table, are compared with scipy on the generated values.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats as sps

from vstudy import cli
from vstudy.analysis import correlations, stats
from vstudy.data import datasets, dictionary, problems, processed, regions, schemas, template, workbook
from vstudy.vocab import AGE_GROUPS, DIRECTIONS, ECO_DIRECTION, GENDERS

SCHEME = "kz2022"
SEED = 31415


def _load_generator():
    path = Path(__file__).parents[1] / "fixtures" / "make_kz2022_contract_fixture.py"
    spec = importlib.util.spec_from_file_location("make_contract_fixture", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _load_generator()
official_population_2022, generate, fill_directory, fill_workbook = (
    GEN.official_population_2022, GEN.generate, GEN.fill_directory, GEN.fill_workbook)
FILLED = GEN.FILLED
CONTRACT_FIXTURE = Path(__file__).parents[1] / "fixtures" / "kz2022_contract"


@pytest.fixture(scope="module")
def truth(repo_root) -> dict:
    return generate(repo_root, SEED)


@pytest.fixture(scope="module")
def drop(tmp_path_factory, truth) -> Path:
    """The template for kz2022, calendar year 2022, filled by the column names."""
    out = tmp_path_factory.mktemp("drop") / "drop2022"
    assert cli.main(["template", "--scheme", SCHEME, "--out", str(out), "--start", "2022-01-01",
                     "--end", "2022-12-31"]) == 0
    fill_directory(out, truth)
    fill_workbook(out / "drop2022.xlsx", truth)
    return out


@pytest.fixture(scope="module")
def layer(drop, tmp_path_factory) -> Path:
    assert cli.main(["validate", "--data", str(drop)]) == 0
    out = tmp_path_factory.mktemp("layer") / "processed"
    assert cli.main(["data", "--data", str(drop), "--out", str(out)]) == 0
    return out


# --- acceptance --------------------------------------------------------------------------------------------------


def test_filled_template_validates_without_a_warning(drop):
    ds = datasets.load_dataset(drop)
    assert ds.ok and not ds.warnings, [p.format() for p in ds.problems]
    assert set(ds.tables) == {"regional", "events_by_direction"}


def test_processed_regions_carry_the_supplied_counts_and_rates(layer, truth):
    reg = processed.read_table(f"regions_{SCHEME}", layer).set_index("region_code")
    assert list(reg.index) == regions.codes(SCHEME)
    for code, row in truth.items():
        pop = row["population_count"]
        assert reg.at[code, "population_count"] == pop
        for col in ("volunteers_count", "events_count", "hours_count", "ngo_count", "initiative_group_count"):
            assert reg.at[code, col] == row[col]
        assert reg.at[code, "organisations_count"] == row["ngo_count"] + row["initiative_group_count"]
        assert reg.at[code, "volunteers_per_100k"] == pytest.approx(row["volunteers_count"] / pop * 1e5, abs=1e-4)
        assert reg.at[code, "events_per_100k"] == pytest.approx(row["events_count"] / pop * 1e5, abs=1e-4)
        orgs = row["ngo_count"] + row["initiative_group_count"]
        assert reg.at[code, "organisations_per_100k"] == pytest.approx(orgs / pop * 1e5, abs=1e-4)
        assert reg.at[code, "ngo_share_pct"] == pytest.approx(100 * row["ngo_count"] / orgs, abs=1e-4)
        assert reg.at[code, "life_expectancy_years"] == row["life_expectancy_years"]
        assert reg.at[code, "eco_events_count"] == row[f"dir:{ECO_DIRECTION}"]
        total = row["volunteers_count"]
        assert reg.at[code, "vol_male_pct"] == pytest.approx(100 * row["volunteers_male_count"] / total, abs=1e-4)
        assert reg.at[code, "vol_age_18_29_pct"] == pytest.approx(100 * row["volunteers_18_29_count"] / total,
                                                                  abs=1e-4)
        assert reg.at[code, "vol_neet_pct"] == pytest.approx(100 * row["volunteers_neet_count"] / total, abs=1e-4)


def test_processed_long_and_coverage_say_where_each_value_comes_from(layer):
    long = processed.read_table(f"long_{SCHEME}", layer)
    kinds = long.groupby("variable")["value_kind"].unique().map(set)
    assert kinds["volunteers_count"] == {"supplied"}
    assert kinds["population_total"] == {"official"}
    assert kinds["volunteers_per_100k"] == {"derived"} and kinds["vol_age_pension_pct"] == {"derived"}
    pop = long[long["variable"] == "population_total"]
    assert set(pop["ref_period"]) == {"2022-01-01"}
    assert pop["source"].str.contains(r"regional\.csv:\d+ column population_count \(BNS").all()
    assert set(long.loc[long["variable"] == "volunteers_count", "ref_period"]) == {"2022"}
    cov = processed.read_table(f"coverage_{SCHEME}", layer).set_index("column")
    assert cov.loc["volunteers_count", "complete"] and cov.loc["grp_per_capita_thousand_kzt", "complete"]
    assert "avg_monthly_wage_kzt" not in cov.index  # neither supplied nor held by the repository: absent
    emissions = long[long["variable"] == "air_emissions_stationary_sources"]  # pre-filled by the template
    assert len(emissions) == 20 and set(emissions["ref_period"]) == {"2022"}
    assert emissions["source"].str.contains("Bureau of National Statistics").all()


def test_processed_composition_and_directions_follow_the_counts(layer, truth):
    age = processed.read_table(f"age_{SCHEME}", layer).set_index("region_code")
    status = processed.read_table(f"status_{SCHEME}", layer).set_index("region_code")
    for code, row in truth.items():
        total = row["volunteers_count"]
        for g in AGE_GROUPS:
            col = "vol_age_pension_pct" if g == "pension" else f"vol_age_{g}_pct"
            assert age.at[code, col] == pytest.approx(100 * row[f"volunteers_{g}_count"] / total, abs=1e-4)
        assert status.at[code, "sum_pct"] == pytest.approx(100, abs=1e-3)
    assert age["vol_age_pension_pct_published"].isna().all()  # supplied data are not "published"
    assert set(age["pension_correction"]) == {"derived from the supplied counts"}
    ev = processed.read_table(f"event_directions_{SCHEME}", layer)
    assert len(ev) == len(truth) * len(DIRECTIONS)  # a supplied 0 is a value, kept
    one = ev[ev["region_code"] == "KZ-11"].set_index("direction_id")
    row = truth["KZ-11"]
    for d in one.index:
        assert one.at[d, "events_count"] == row[f"dir:{d}"]
        assert one.at[d, "share_pct"] == pytest.approx(100 * row[f"dir:{d}"] / row["events_count"], abs=1e-4)
    assert list(one["rank"]) == list(range(1, len(one) + 1))
    assert one["events_count"].is_monotonic_decreasing


PAIRS = [("population_count", "volunteers_count"), ("life_expectancy_years", "volunteers_count"),
         ("grp_per_capita_thousand_kzt", "volunteers_count"), ("organisations_count", "volunteers_count"),
         ("events_count", "volunteers_count")]


def test_correlations_on_the_processed_table_equal_an_independent_computation(layer, truth):
    frame = processed.read_table(f"regions_{SCHEME}", layer)
    data = correlations.analysis_frame(frame).reset_index()
    codes = regions.codes(SCHEME)
    data = data.set_index("region_code").reindex(codes)

    def column(key: str) -> np.ndarray:
        if key == "organisations_count":
            return np.array([truth[c]["ngo_count"] + truth[c]["initiative_group_count"] for c in codes], float)
        return np.array([truth[c][key] for c in codes], float)

    for x, y in PAIRS:
        for method, independent in (("pearson", sps.pearsonr), ("spearman", sps.spearmanr)):
            res = stats.correlate(data[x], data[y], method, n_boot=50, n_perm=50, seed=1)
            assert res.n == 20
            assert res.r == pytest.approx(independent(column(x), column(y)).statistic, abs=1e-12)
    # The report's own declared pairs run on the same columns with the same result.
    report = correlations.run_correlations(frame, families=["report"], n_boot=50, n_perm=50, seed=1)
    pearson = report[report["method"] == "pearson"].set_index("coef_id")
    assert pearson.at["volunteers_vs_population", "r"] == pytest.approx(
        sps.pearsonr(column("population_count"), column("volunteers_count")).statistic, abs=1e-12)
    assert pearson.at["events_vs_volunteers", "r"] == pytest.approx(
        sps.pearsonr(column("events_count"), column("volunteers_count")).statistic, abs=1e-12)


def test_the_filled_workbook_gives_the_same_processed_tables(drop, layer, tmp_path):
    book = drop / "drop2022.xlsx"
    assert cli.main(["validate", "--data", str(book)]) == 0
    out = tmp_path / "processed"
    assert cli.main(["data", "--data", str(book), "--out", str(out)]) == 0
    for name in (f"regions_{SCHEME}", f"age_{SCHEME}", f"status_{SCHEME}", f"coverage_{SCHEME}"):
        pd.testing.assert_frame_equal(processed.read_table(name, out), processed.read_table(name, layer))
    ev_book = processed.read_table(f"event_directions_{SCHEME}", out).drop(columns="source")
    ev_dir = processed.read_table(f"event_directions_{SCHEME}", layer).drop(columns="source")
    pd.testing.assert_frame_equal(ev_book, ev_dir)
    long = processed.read_table(f"long_{SCHEME}", out)
    assert long.loc[long["variable"] == "volunteers_count", "source"].str.startswith("drop2022.xlsx[regional]:").all()


def test_a_workbook_exports_as_a_dataset_directory_that_validates(drop, tmp_path):
    out = workbook.to_directory(drop / "drop2022.xlsx", tmp_path / "exported")
    assert datasets.load_dataset(out).ok
    again = workbook.to_directory(drop / "drop2022.xlsx", tmp_path / "again")
    for path in sorted(out.iterdir()):
        assert path.read_bytes() == (again / path.name).read_bytes()


def test_build_reads_a_filled_workbook_after_its_lock_in_its_own_staging(drop, tmp_path):
    """The build copies the workbook into its staging folder after the lock, exports that copy there (nothing
    beside the workbook) and processes the workbook itself: the layer `vstudy data --data X.xlsx` writes."""
    import json

    from vstudy.publish import pipeline

    book = tmp_path / "book.xlsx"
    shutil.copy(drop / "drop2022.xlsx", book)
    root = tmp_path / "repo"
    root.mkdir()

    def config():
        return pipeline.BuildConfig(root=root, data_dir=book, sections=(), render=False, package_hash="p",
                                    echo=lambda line: None)

    result = pipeline.build(config())
    assert result.exit_code == 0, result.message
    meta = json.loads((root / "builds" / "book" / "processed" / "dataset.json").read_text(encoding="utf-8"))
    assert meta["inputs_sha256"] == {"book.xlsx": hashlib.sha256(book.read_bytes()).hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "repo"]  # no book.dataset/ beside it
    assert not (root / "builds" / "book" / ".build").exists()
    import openpyxl

    wb = openpyxl.load_workbook(book)
    wb["regional"]["A3"].value = "Atlantis"
    wb.save(book)
    result = pipeline.build(config())
    assert result.exit_code == 1
    assert "book.xlsx, sheet 'regional', row 3, column 'region_code' (cell A3) value 'Atlantis'" in result.message


# --- the template ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", sorted(regions.SCHEMES))
def test_template_rows_and_columns(scheme, tmp_path):
    out = tmp_path / "t"
    template.write_template(scheme, out)
    with open(out / "regional.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    units = regions.units(scheme)
    assert [r["region_code"] for r in rows] == list(units["code"])
    assert [r["region_name_kk"] for r in rows] == list(units["name_kk"])
    assert list(rows[0]) == ["region_code", *schemas.REGION_NAME_COLUMNS, *template.REGIONAL_COLUMNS]
    assert set(template.REGIONAL_COLUMNS) == set(schemas.CONTRACT_VALUE_COLUMNS) | set(schemas.CONTRACT_BREAKDOWN_PCTS)
    assert all(r[c] == "" for r in rows for c in template.REGIONAL_COLUMNS)  # without a period nothing is pre-filled
    with open(out / "events_by_direction.csv", encoding="utf-8", newline="") as fh:
        events = list(csv.DictReader(fh))
    assert len(events) == len(units) * len(DIRECTIONS)
    # Unfilled, it is valid but for the population every rate needs (and the period to fill in).
    ds = datasets.load_dataset(out)
    assert {p.column for p in ds.errors} == {"period.start", "period.end"}
    assert all(p.rule == "date" and "YYYY-MM-DD" in p.message for p in ds.errors)


def test_template_workbook_sheets_validation_and_locks(tmp_path):
    import openpyxl

    out = tmp_path / "w"
    template.write_template("kz2021", out, *map(pd.Timestamp.date, (pd.Timestamp("2024-01-01"),
                                                                   pd.Timestamp("2024-12-31"))))
    wb = openpyxl.load_workbook(out / "w.xlsx")
    assert wb.sheetnames == ["instructions", "manifest", "columns", "regional", "events_by_direction"]
    text = "\n".join(str(c.value) for c in wb["instructions"]["A"] if c.value)
    assert "Инструкция" in text and "Нұсқаулық" in text and "Instructions" in text
    ws = wb["regional"]
    assert ws.protection.sheet
    header = [c.value for c in ws[1]]
    assert ws.cell(2, 1).protection.locked and ws.cell(2, header.index("region_name_kk") + 1).protection.locked
    vol = header.index("volunteers_count") + 1
    assert not ws.cell(2, vol).protection.locked
    letter = ws.cell(1, vol).column_letter
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules[f"{letter}2:{letter}18"].type == "whole"
    unemployment = ws.cell(1, header.index("unemployment_rate_pct") + 1).column_letter
    assert rules[f"{unemployment}2:{unemployment}18"].formula2 == "100"
    periods = {(r[0].value, r[1].value): r[8].value for r in wb["columns"].iter_rows(min_row=2)}
    assert periods[("regional", "population_count")] == "2024-01-01"
    assert periods[("regional", "csi_quality_of_life_rank")] == "2024-Q4"


def test_template_words_come_from_the_catalogue(tmp_path):
    """The workbook's instructions, notes and column labels in ru/kk/en are the `template` messages; names of sheets,
    columns and commands are the code's; direction labels name the Birgemiz lines by their own names."""
    import openpyxl

    from vstudy import i18n

    out = tmp_path / "k"
    template.write_template("kz2022", out)
    wb = openpyxl.load_workbook(out / "k.xlsx")
    lines = [str(c.value) for c in wb["instructions"]["A"] if c.value]
    assert lines[0] == "Инструкция" and "Нұсқаулық" in lines and "Instructions" in lines
    assert "Қазақстан өңірлеріндегі волонтерлік қызметті зерттеуге арналған деректер жиынтығы (kz2022 сызбасы: 20 өңір)." \
        in lines
    assert "Набор данных для исследования волонтёрства в регионах Казахстана (схема kz2022: 20 регионов)." in lines
    assert "Check: vstudy validate --data k.xlsx; errors name the sheet, row, column and cell." in lines
    assert "Лист «columns»: для каждого заполненного столбца укажите источник (source) и отчётный период (ref_period)." \
        in lines
    columns = {(r[0].value, r[1].value): (r[3].value, r[4].value) for r in wb["columns"].iter_rows(min_row=2)}
    assert columns[("regional", "ngo_count")] == ("Волонтёрские НПО", "Волонтерлік ҮЕҰ")
    assert columns[("events_by_direction", "events_count")] == ("Мероприятия направления", "Бағыттың іс-шаралары")
    assert all(ru and kk for ru, kk in columns.values()), "every value column has its ru and kk label"
    assert columns[("regional", "hours_count")] == (i18n.text("ru", "template.columns.hours_count"),
                                                    i18n.text("kk", "template.columns.hours_count"))
    notes = {r[0].value: r[2].value for r in wb["manifest"].iter_rows(min_row=2)}
    assert notes["scheme"] == ("the regional scheme, fixed by the template (kz2022: 20 units) / схема регионов, задана "
                               "шаблоном (kz2022: 20 территориальных единиц) / өңірлер сызбасы, үлгімен берілген "
                               "(kz2022: 20 аумақтық бірлік)")
    with open(out / "events_by_direction.csv", encoding="utf-8", newline="") as fh:
        rows = {r["direction"]: r for r in csv.DictReader(fh)}
    assert [rows["umit_emergency"][f"direction_label_{lang}"] for lang in ("ru", "kk", "en")] == [
        "Birgemiz: Úmit и ЧС-волонтёрство", "Birgemiz: Úmit және төтенше жағдайлардағы волонтерлік",
        "Birgemiz: Úmit and emergency volunteering"]
    assert rows["taza_alem"]["direction_label_kk"] == "Birgemiz: Taza Álem"
    assert rows["culture"]["direction_label_kk"] == "Мәдениет саласындағы волонтерлік"
    manifest = (out / "manifest.yml").read_text(encoding="utf-8")
    assert "# A dataset to fill: volunteering in the regions of Kazakhstan, scheme kz2022 (20 units)." in manifest
    assert "# Толтыруға арналған деректер жиынтығы: Қазақстан өңірлеріндегі волонтерлік қызмет, kz2022 сызбасы" \
        in manifest


def test_template_refuses_to_overwrite(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "mine.csv").write_text("a\n")
    assert cli.main(["template", "--scheme", "kz2022", "--out", str(tmp_path / "x")]) == 2
    assert (tmp_path / "x" / "mine.csv").read_text() == "a\n"


# --- errors a researcher meets -----------------------------------------------------------------------------------


@pytest.fixture
def editable(drop, tmp_path) -> Path:
    copy = tmp_path / "edit"
    shutil.copytree(drop, copy)
    return copy


def _edit_cell(path: Path, line: int, column: str, value: str) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[line - 1][rows[0].index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _problems(path: Path, rule: str):
    return [p for p in datasets.load_dataset(path).problems if p.rule == rule]


def test_unknown_column_is_an_error_listing_the_accepted_ones(editable):
    path = editable / "regional.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[0] = text[0].replace("volunteers_count", "volunteer_count", 1)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    [problem] = _problems(editable, "extra_column")
    assert problem.file == "regional.csv" and problem.row == 1 and problem.column == "volunteer_count"
    assert "did you mean 'volunteers_count'?" in problem.message
    assert "expected: region_code, region, " in problem.message and "avg_monthly_wage_kzt" in problem.message


@pytest.mark.parametrize(("column", "value", "rule", "words"), [
    ("volunteers_count", "-5", "non_negative_count", "outside [0, inf]"),
    ("volunteers_count", "12.5", "dtype", "not a whole number"),
    ("volunteers_male_count", "99999999", "breakdown_le_total", "exceeds volunteers_count"),
    ("unemployment_rate_pct", "104", "share_0_100", "outside [0, 100]"),
])
def test_bad_cells_name_file_row_column_and_rule(editable, column, value, rule, words):
    _edit_cell(editable / "regional.csv", 5, column, value)
    found = _problems(editable, rule)
    assert [(p.file, p.row, p.column) for p in found] == [("regional.csv", 5, column)]
    assert words in found[0].message


def test_male_plus_female_off_the_total_is_a_warning(editable, truth):
    code = regions.codes(SCHEME)[3]
    total = truth[code]["volunteers_count"]
    _edit_cell(editable / "regional.csv", 5, "volunteers_male_count",
               str(truth[code]["volunteers_male_count"] - int(total * 0.006)))  # beyond 0.5 % of the total
    ds = datasets.load_dataset(editable)
    assert ds.ok
    [warning] = [p for p in ds.warnings if p.rule == "parts_sum_to_total"]
    assert warning.row == 5 and "volunteers_male_count + volunteers_female_count" in warning.message


def test_shares_instead_of_counts_and_their_rules(editable):
    path = editable / "regional.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row.pop("volunteers_male_count"), row.pop("volunteers_female_count")
        row["volunteers_male_pct"], row["volunteers_female_pct"] = "40,5%", "59.5"
    rows[2]["volunteers_female_pct"] = "60.5"  # sums to 101
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    manifest = yaml.safe_load((editable / "manifest.yml").read_text(encoding="utf-8"))
    cols = manifest["tables"]["regional"]["columns"]
    cols.pop("volunteers_male_count"), cols.pop("volunteers_female_count")
    # two separate mappings: one object twice would be dumped as a YAML alias, which manifests refuse
    cols["volunteers_male_pct"], cols["volunteers_female_pct"] = {"source": "SYNTHETIC"}, {"source": "SYNTHETIC"}
    (editable / "manifest.yml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    [bad] = _problems(editable, "shares_sum_to_100")
    assert bad.row == 4 and "= 101, expected 100 ± 0.1 (rounding" in bad.message
    _edit_cell(path, 4, "volunteers_female_pct", "59.5")
    ds = datasets.load_dataset(editable)
    assert ds.ok, [p.format() for p in ds.errors]
    tables = processed.build(ds)
    assert set(tables[f"regions_{SCHEME}"]["vol_male_pct"]) == {40.5}
    long = tables[f"long_{SCHEME}"]
    assert set(long.loc[long["variable"] == "vol_male_pct", "value_kind"]) == {"supplied"}


def test_a_count_and_its_share_on_one_row_is_an_error(editable):
    _edit_cell(editable / "regional.csv", 6, "volunteers_neet_pct", "3.5")  # the template's own share column
    [bad] = _problems(editable, "count_or_share")
    assert bad.row == 6 and bad.column == "volunteers_neet_pct"


def test_manifest_declarations_sources_and_periods(editable):
    manifest = yaml.safe_load((editable / "manifest.yml").read_text(encoding="utf-8"))
    cols = manifest["tables"]["regional"]["columns"]
    cols["hours_count"]["source"] = ""
    cols["life_expectancy_years"]["ref_period"] = "2021"
    cols["volunteer_count"] = {"source": "typo"}
    (editable / "manifest.yml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    problems = {p.rule: p for p in datasets.load_dataset(editable).errors}
    assert set(problems) == {"column_source", "ref_period", "unknown_column"}
    assert problems["column_source"].column == "hours_count"
    assert "'2021' is not the one the study reads for a dataset starting in 2022; accepted: 2022" in \
        problems["ref_period"].message
    assert "accepted: volunteers_count, " in problems["unknown_column"].message


def test_a_name_out_of_place_and_directions_over_the_total(editable, truth):
    _edit_cell(editable / "regional.csv", 2, "region_name_en", "Akmola")  # row of KZ-10 Abai
    _edit_cell(editable / "events_by_direction.csv", 3, "events_count", "999999")
    ds = datasets.load_dataset(editable)
    names = [p for p in ds.errors if p.rule == "region_names_agree"]
    assert [(p.row, p.column) for p in names] == [(2, "region_name_en")]
    assert "names KZ-11 Akmola Region, but the row is KZ-10" in names[0].message
    over = [p for p in ds.errors if p.rule == "breakdown_le_total"]
    assert [(p.file, p.row) for p in over] == [("events_by_direction.csv", 3)]


def test_regions_by_the_names_researchers_type(tmp_path, repo_root):
    """A regional table keyed by short names in Russian, Kazakh and English resolves like codes."""
    typed = {"KZ-11": "Akmola", "KZ-15": "Ақтөбе", "KZ-19": "Алматинская обл.", "KZ-75": "Алматы",
             "KZ-71": "Astana", "KZ-33": "Жетісу"}
    population = official_population_2022(repo_root)
    rows = [["region", "population_count"]]
    rows += [[typed.get(u.code, u.name_en), str(population[u.code])] for u in regions.units(SCHEME).itertuples()]
    (tmp_path / "regional.csv").write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    (tmp_path / "manifest.yml").write_text(yaml.safe_dump({
        "id": "typed", "title": "typed names", "period": {"start": "2022-01-01", "end": "2022-12-31", "label": "2022"},
        "scheme": SCHEME, "synthetic": True,
        "tables": {"regional": {"file": "regional.csv", "schema": "regional",
                                "columns": {"population_count": {"source": "BNS", "ref_period": "2022-01-01"}}}}}),
        encoding="utf-8")
    ds = datasets.load_dataset(tmp_path)
    assert ds.ok, [p.format() for p in ds.errors]
    assert sorted(ds.tables["regional"]["region_code"]) == regions.codes(SCHEME)
    rows[2][0] = "Казахстанская область"
    (tmp_path / "regional.csv").write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    [bad] = [p for p in datasets.load_dataset(tmp_path).errors if p.rule == "region_resolves"]
    assert bad.row == 3 and "ambiguous between KZ-27 West Kazakhstan Region, KZ-59" in bad.message


def test_one_unresolved_name_is_one_error_not_a_cascade(editable):
    """An unresolved name is reported once: its row's population is not 'missing', nor is its unit an error."""
    _edit_cell(editable / "regional.csv", 3, "region_code", "Akmolinskaya oblst")  # row of KZ-11
    ds = datasets.load_dataset(editable)
    assert [(p.rule, p.row) for p in ds.errors] == [("region_resolves", 3)], [p.format() for p in ds.errors]
    [gap] = [p for p in ds.warnings if p.rule == "region_complete"]
    assert "KZ-11 Akmola Region (is it the name on line 3 that does not resolve?)" in gap.message
    _edit_cell(editable / "regional.csv", 5, "population_count", "")  # a resolved row without its population
    errors = datasets.load_dataset(editable).errors
    [pop] = [p for p in errors if p.rule == "population_complete"]
    assert f"missing for {regions.codes(SCHEME)[3]} " in pop.message  # that unit only, not KZ-11
    assert sorted(p.rule for p in errors) == ["population_complete", "region_resolves"]


def test_a_regional_table_without_a_region_column_is_an_error(editable):
    path = editable / "regional.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [r[1:] for r in csv.reader(fh)]  # region_code dropped; the name columns are not keys
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    ds = datasets.load_dataset(editable)
    assert [(p.rule, p.column) for p in ds.errors] == [("missing_column", "region_code")]


def test_a_quantity_given_by_two_tables_is_refused(editable, repo_root):
    shutil.copy(repo_root / "tests/fixtures/kz2022_dataset/survey/volunteers_by_region.csv", editable / "vbr.csv")
    manifest = yaml.safe_load((editable / "manifest.yml").read_text(encoding="utf-8"))
    manifest["tables"]["volunteers_by_region"] = {"file": "vbr.csv", "schema": "volunteers_by_region"}
    (editable / "manifest.yml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    [bad] = _problems(editable, "given_twice")
    assert "volunteers_count of regional.csv and table 'volunteers_by_region'" in bad.message


# --- the workbook's errors name sheet, row, column and cell -----------------------------------------------------


def test_workbook_cell_errors_name_the_sheet_row_column_and_cell(drop, tmp_path):
    import openpyxl

    book = tmp_path / "book.xlsx"
    shutil.copy(drop / "drop2022.xlsx", book)
    wb = openpyxl.load_workbook(book)
    ws = wb["regional"]
    header = [c.value for c in ws[1]]
    ws.cell(7, header.index("volunteers_count") + 1, -5)
    ws.cell(9, header.index("hours_count") + 1, "many")
    wb["columns"].cell(3, 8).value = None  # the source of volunteers_male_count
    wb.save(book)
    ds = datasets.load_dataset(book)
    errors = {p.rule: p for p in ds.errors}
    # -5 volunteers is one error: the breakdowns of row 7 are not also reported as above that total.
    assert sorted(p.rule for p in ds.errors) == ["column_source", "dtype", "non_negative_count"]
    assert not ds.warnings
    neg = errors["non_negative_count"]
    letter = ws.cell(1, header.index("volunteers_count") + 1).column_letter
    assert (neg.file, neg.sheet, neg.row, neg.column, neg.cell) == ("book.xlsx", "regional", 7, "volunteers_count",
                                                                    f"{letter}7")
    assert neg.format().startswith(f"ERROR book.xlsx, sheet 'regional', row 7, column 'volunteers_count' "
                                   f"(cell {letter}7) value '-5' [non_negative_count]")
    assert errors["dtype"].row == 9 and errors["dtype"].cell.endswith("9")
    src = errors["column_source"]
    assert (src.sheet, src.row, src.column) == ("columns", 3, "volunteers_male_count")
    frame = problems.problems_frame(ds.errors).set_index("rule")
    assert frame.at["non_negative_count", "file"] == f"book.xlsx [regional!{letter}7]"


def test_workbook_percent_cells_read_as_percent(tmp_path):
    import openpyxl

    template.write_template(SCHEME, tmp_path / "p")
    book = tmp_path / "p" / "p.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["regional"]
    col = [c.value for c in ws[1]].index("unemployment_rate_pct") + 1
    ws.cell(2, col, 0.048).number_format = "0.0%"
    wb.save(book)
    content = workbook.read(book)
    sheet = content.tables["regional"]
    assert sheet.records[0][1][sheet.header.index("unemployment_rate_pct")] == "4.8"


# --- official indicators of a long table: nothing dropped without a word -----------------------------------------


def test_unknown_indicator_ids_and_periods_are_errors(repo_root, tmp_path):
    copy = tmp_path / "fx"
    shutil.copytree(repo_root / "tests/fixtures/kz2022_dataset", copy)
    path = copy / "official/indicators.csv"
    text = path.read_text(encoding="utf-8").replace(",grp_per_capita,", ",grp_percapita,")
    text = text.replace(",unemployment_rate_annual,4", ",unemployment_rate_annual,4").replace(
        "pct,2022,synthetic", "pct,2021,synthetic")
    path.write_text(text, encoding="utf-8")
    ds = datasets.load_dataset(copy)
    known = [p for p in ds.errors if p.rule == "indicator_known"]
    assert [p.value for p in known] == ["grp_percapita"]
    assert "accepted: " in known[0].message and "grp_per_capita" in known[0].message
    period = [p for p in ds.errors if p.rule == "indicator_period"]
    assert [p.value for p in period] == ["2021"]
    assert "unemployment_rate_annual" in period[0].message and "accepted: 2022" in period[0].message


def test_the_2021_dataset_and_the_fixture_stay_valid(repo_root, raw_2021):
    assert raw_2021.ok and raw_2021.root == repo_root / "data" / "raw"
    assert datasets.load_dataset(repo_root / "tests/fixtures/kz2022_dataset").ok


def test_the_dictionary_documents_the_contract():
    dd = dictionary.data_dictionary()
    regional = dd[dd["table"] == "regional"].set_index("column")
    for col in ("volunteers_count", "volunteers_neet_count", "population_count", "avg_monthly_wage_kzt",
                "volunteers_male_pct"):
        assert col in regional.index
    assert "population_total" in regional.at["population_count", "description"]
    assert "1 January" in regional.at["population_count", "description"]
    assert "≤ volunteers_count" in regional.at["volunteers_male_count", "rules"]
    assert set(GENDERS) <= {c.split("_")[1] for c in schemas.CONTRACT_BREAKDOWN_COUNTS}


def test_the_contract_fixture_is_reproducible_and_valid(tmp_path):
    GEN.main(tmp_path / "kz2022_contract")

    def digest(root: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.iterdir())}

    assert digest(tmp_path / "kz2022_contract") == digest(CONTRACT_FIXTURE)
    ds = datasets.load_dataset(CONTRACT_FIXTURE)
    assert ds.ok and not ds.warnings and ds.manifest["synthetic"] is True
