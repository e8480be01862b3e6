"""The dataset commands end to end: bad inputs fail loudly and leave data/processed alone; good ones build it
deterministically; the reconstructed counts and corrected shares trace back to data/raw."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from vstudy import cli
from vstudy.data import datasets, processed

FIXTURE = Path(__file__).parents[1] / "fixtures" / "kz2022_dataset"


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def raw_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def built(processed_2021) -> Path:
    """data/raw processed once for the test run (the session's layer, read-only; `vstudy data` writes the same bytes:
    test_two_runs_give_identical_bytes)."""
    return processed_2021


@pytest.fixture
def raw_copy(repo_root, tmp_path) -> Path:
    copy = tmp_path / "raw"
    shutil.copytree(repo_root / "data/raw", copy, ignore=shutil.ignore_patterns("regions"))
    return copy


@pytest.fixture
def previous_layer(built, tmp_path) -> Path:
    """An existing processed directory that a failed run must leave byte-identical."""
    out = tmp_path / "processed"
    shutil.copytree(built, out)
    return out


# --- one test per class of bad input -------------------------------------------------------------------------


def _rewrite(path: Path, edit) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(edit(lines)), encoding="utf-8")


def _duplicate_row(d):
    _rewrite(d / "report_2021/age_national.csv", lambda ls: ls + [ls[1]])


def _unknown_region(d):
    _rewrite(d / "report_2021/organisations_by_region.csv",
             lambda ls: [ls[0], ls[1].replace("Павлодарская область", "Атлантида"), *ls[2:]])


def _negative_count(d):
    _rewrite(d / "report_2021/info_line_categories.csv", lambda ls: [ls[0], ls[1].replace(",337,", ",-337,"), *ls[2:]])


def _share_over_100(d):
    _rewrite(d / "report_2021/gender_extremes.csv", lambda ls: [ls[0], ls[1].replace(",70,30,", ",170,30,"), *ls[2:]])


def _missing_column(d):
    path = d / "report_2021/gender_national.csv"
    rows = [r[:2] + r[3:] for r in csv.reader(path.open(encoding="utf-8"))]  # drop share_pct
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _extra_column(d):
    _rewrite(d / "report_2021/status_national.csv",
             lambda ls: [ls[0].rstrip("\n") + ",comment\n", *[x.rstrip("\n") + ",x\n" for x in ls[1:]]])


def _empty_file(d):
    (d / "report_2021/ways_of_volunteering.csv").write_bytes(b"")


def _cp1251(d):
    path = d / "report_2021/age_national.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251"))


def _not_summing_to_100(d):
    # Status lists are consistent in the report (E-free): move one share by a full point.
    _rewrite(d / "report_2021/status_by_region.csv",
             lambda ls: [ls[0], ls[1].replace(",73.11,", ",74.11,"), *ls[2:]])


# (corruption, file, line, column, rule); line None = the whole file
BAD_INPUTS = [
    (_duplicate_row, "report_2021/age_national.csv", 6, "age_group", "duplicate_row"),
    (_unknown_region, "report_2021/organisations_by_region.csv", 2, "region_as_published", "region_resolves"),
    (_negative_count, "report_2021/info_line_categories.csv", 2, "requests_count", "non_negative_count"),
    (_share_over_100, "report_2021/gender_extremes.csv", 2, "male_pct", "share_0_100"),
    (_missing_column, "report_2021/gender_national.csv", 1, "share_pct", "missing_column"),
    (_extra_column, "report_2021/status_national.csv", 1, "comment", "extra_column"),
    (_empty_file, "report_2021/ways_of_volunteering.csv", None, None, "empty_file"),
    (_cp1251, "report_2021/age_national.csv", 2, "label_ru", "encoding_utf8"),
    (_not_summing_to_100, "report_2021/status_by_region.csv", 2, "share_pct", "sums_to_100"),
]


@pytest.mark.parametrize(("corrupt", "file", "line", "column", "rule"), BAD_INPUTS,
                         ids=[c[0].__name__.strip("_") for c in BAD_INPUTS])
def test_bad_input_fails_naming_file_row_column_rule_and_leaves_processed(
        corrupt, file, line, column, rule, raw_copy, previous_layer, capsys):
    corrupt(raw_copy)
    before = tree_digest(previous_layer)

    assert cli.main(["validate", "--data", str(raw_copy)]) == 1
    assert cli.main(["data", "--data", str(raw_copy), "--out", str(previous_layer)]) == 1
    err = capsys.readouterr().err

    where = file + (f":{line}" if line is not None else "")
    matching = [m for m in err.splitlines() if m.startswith(f"ERROR {where} ") and f"[{rule}]" in m]
    assert matching, err
    if column is not None:
        assert any(f"column {column!r}" in m for m in matching), matching
    assert tree_digest(previous_layer) == before
    assert not list(previous_layer.parent.glob(".processed.building-*"))


def test_every_problem_is_reported_not_just_the_first(raw_copy, capsys):
    for corrupt, *_ in BAD_INPUTS:
        if corrupt not in (_cp1251, _duplicate_row):  # both rewrite age_national.csv
            corrupt(raw_copy)
    ds = datasets.load_dataset(raw_copy)
    found = {(p.file, p.rule) for p in ds.errors}
    for corrupt, file, _line, _column, rule in BAD_INPUTS:
        if corrupt not in (_cp1251, _duplicate_row):
            assert (file, rule) in found


def test_organisation_shares_without_national_totals_are_refused(raw_copy, previous_layer, capsys):
    _rewrite(raw_copy / "report_2021/headline_figures.csv", lambda ls: [x for x in ls if not x.startswith("ngo_total,")])
    before = tree_digest(previous_layer)
    assert cli.main(["data", "--data", str(raw_copy), "--out", str(previous_layer)]) == 1
    assert "[national_total]" in capsys.readouterr().err and tree_digest(previous_layer) == before


def test_unknown_region_message_suggests_and_names_the_gap(raw_copy):
    _unknown_region(raw_copy)
    ds = datasets.load_dataset(raw_copy)
    rules = {p.rule for p in ds.errors if p.file.endswith("organisations_by_region.csv")}
    assert "region_resolves" in rules and "region_complete" not in rules  # one typo, one error
    complete = next(p for p in ds.warnings if p.rule == "region_complete")  # the gap, named beside it
    assert "KZ-55" in complete.message and "is it the name on line 2 that does not resolve?" in complete.message


def test_an_exception_while_writing_leaves_the_previous_layer(repo_root, previous_layer, monkeypatch):
    before = tree_digest(previous_layer)
    calls = {"n": 0}
    real = processed._write_csv

    def failing(frame, path):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full (simulated)")
        real(frame, path)

    monkeypatch.setattr(processed, "_write_csv", failing)
    with pytest.raises(OSError, match="simulated"):
        processed.write_layer(datasets.require_valid(repo_root / "data/raw"), previous_layer)
    assert tree_digest(previous_layer) == before
    assert not list(previous_layer.parent.glob(".processed.building-*"))


# --- the processed layer -------------------------------------------------------------------------------------


def test_two_runs_give_identical_bytes(repo_root, built, tmp_path):
    again = tmp_path / "again"  # the command's run beside the layer processed.prepare_for_build wrote
    assert cli.main(["data", "--data", str(repo_root / "data/raw"), "--out", str(again)]) == 0
    first, second = tree_digest(built), tree_digest(again)
    assert first == second
    assert {"regions_kz2021.parquet", "regions_kz2021.csv", "long_kz2021.parquet", "data_dictionary.md"} <= set(first)
    assert b"\r\n" not in (built / "regions_kz2021.csv").read_bytes()


def test_rebuilding_over_an_existing_layer_replaces_only_what_it_wrote(repo_root, built, tmp_path):
    out = tmp_path / "processed"
    out.mkdir()
    (out / "stale_table.csv").write_text("old\n")  # a table the previous layer recorded writing: it goes
    (out / ".vstudy-layer.json").write_text('{"vstudy": "processed layer", "files": ["stale_table.csv"]}')
    (out / ".gitkeep").write_text("")  # files it did not write stay, byte for byte
    (out / "my-notes.txt").write_text("mine\n")
    processed.prepare_for_build(repo_root / "data/raw", out)
    assert not (out / "stale_table.csv").exists() and (out / ".gitkeep").exists()
    assert tree_digest(out) == {**tree_digest(built), ".gitkeep": hashlib.sha256(b"").hexdigest(),
                                "my-notes.txt": hashlib.sha256(b"mine\n").hexdigest()}


def test_reconstructed_counts_reproduce_totals_and_every_published_ratio(repo_root, built):
    figures = {r["figure_id"]: r["value"] for r in raw_rows(repo_root / "data/raw/report_2021/headline_figures.csv")}
    published = {r["region_as_published"]: r for r in raw_rows(
        repo_root / "data/raw/report_2021/organisations_by_region.csv")}
    org = processed.read_table("organisations_kz2021", built)
    assert len(org) == len(published) == 17
    assert int(org["ngo_count"].sum()) == int(figures["ngo_total"])  # 491
    assert int(org["initiative_group_count"].sum()) == int(figures["initiative_groups_total"])  # 1,658
    ratio = 100 * org["ngo_count"] / (org["ngo_count"] + org["initiative_group_count"])
    published_ratio = pd.Series([float(r["ngo_share_of_region_pct"]) for r in published.values()])
    assert sorted(ratio.round(2)) == sorted(published_ratio)  # every region, within rounding
    assert ((ratio - org["ngo_share_of_region_pct"]).abs() <= 0.01).all()
    assert org["reproduces_published"].all()
    national = 100 * org["ngo_count"] / int(figures["ngo_total"])
    assert ((national - org["region_share_of_national_ngo_pct"]).abs() <= 0.01).all()
    wide = processed.read_table("regions_kz2021", built).set_index("region_code")
    assert (wide.loc[org["region_code"], "ngo_count"].to_numpy() == org["ngo_count"].to_numpy()).all()


def test_reconstruction_recovers_invented_counts():
    import random

    rng = random.Random(7)
    for _ in range(20):
        ngo = [rng.randint(1, 80) for _ in range(17)]
        grp = [rng.randint(1, 300) for _ in range(17)]
        n_tot, g_tot = sum(ngo), sum(grp)
        shares = pd.DataFrame({
            "region_code": [f"R{i:02d}" for i in range(17)],
            "ngo_share_of_region_pct": [round(100 * n / (n + g), 2) for n, g in zip(ngo, grp, strict=True)],
            "group_share_of_region_pct": [round(100 * g / (n + g), 2) for n, g in zip(ngo, grp, strict=True)],
            "region_share_of_national_ngo_pct": [round(100 * n / n_tot, 2) for n in ngo],
            "region_share_of_national_groups_pct": [round(100 * g / g_tot, 2) for g in grp],
        })
        out = processed.reconstruct_counts(shares, n_tot, g_tot)
        assert int(out["ngo_count"].sum()) == n_tot and int(out["initiative_group_count"].sum()) == g_tot
        assert out["reproduces_published"].all()


def test_pension_share_is_corrected_from_the_other_three(repo_root, built):
    rows = raw_rows(repo_root / "data/raw/report_2021/age_by_region.csv")
    shares: dict[str, dict[str, float]] = {}
    for r in rows:
        shares.setdefault(r["region_as_published"], {})[r["age_group"]] = float(r["share_pct"])
    age = processed.read_table("age_kz2021", built).set_index("region_name_en")
    wide = processed.read_table("regions_kz2021", built).set_index("region_name_en")
    # The errata register states the residuals; e.g. «Туркестанская область 8.98», «Жамбылская область 0.00».
    evidence = next(r for r in raw_rows(repo_root / "data/raw/report_2021/errata.csv") if r["erratum_id"] == "E01")
    stated = {m.group(1).strip(): float(m.group(2)) for m in re.finditer(r"([А-ЯЁа-яё\- ]+?) (\d+\.\d\d)(?:;|\.)",
                                                               evidence["evidence"].split("Residuals")[1])}
    assert len(stated) == 17
    from vstudy.data import regions

    for name_ru, s in shares.items():
        en = regions.name(regions.resolve(name_ru, "kz2021"))
        expected = round(100 - s["under18"] - s["18_29"] - s["30_to_pension"], 2)
        assert age.loc[en, "vol_age_pension_pct"] == pytest.approx(expected, abs=1e-9)
        assert wide.loc[en, "vol_age_pension_pct"] == pytest.approx(expected, abs=1e-9)
        assert wide.loc[en, "vol_age_pension_pct_published"] == s["pension"]
        assert age.loc[en, "sum_corrected_pct"] == pytest.approx(100, abs=1e-6)
        assert stated[name_ru.strip()] == pytest.approx(expected, abs=1e-9)


def test_wide_table_values_trace_to_raw(repo_root, built):
    wide = processed.read_table("regions_kz2021", built).set_index("region_code")
    assert list(wide.index) == sorted(wide.index) and len(wide) == 17
    official = raw_rows(repo_root / "data/raw/official/indicators.csv")
    pop = {r["region_as_published"]: int(r["value"]) for r in official
           if r["indicator"] == "population_total" and r["ref_period"] == "2021-01-01"}
    assert wide.loc["KZ-11", "population_count"] == pop["Акмолинская область"]
    assert wide.loc["KZ-71", "population_count"] == pop["г. Нур-Султан (Астана)"]
    area = next(float(r["value"]) for r in official if r["indicator"] == "area" and r["preferred"] == "true"
                and "Нур-Султан" in r["region_as_published"])
    assert wide.loc["KZ-71", "area_km2"] == area  # the preferred of the two published areas
    status = raw_rows(repo_root / "data/raw/report_2021/status_by_region.csv")
    almaty_working = next(float(r["share_pct"]) for r in status
                          if r["status"] == "working" and r["region_as_published"] == "Алматы")
    assert wide.loc["KZ-75", "vol_working_pct"] == almaty_working
    assert wide["csi_quality_of_life_rank"].notna().sum() == 7  # ranks 1-7 only were published
    assert wide.loc["KZ-11", "ngo_per_100k"] == pytest.approx(
        wide.loc["KZ-11", "ngo_count"] / pop["Акмолинская область"] * 1e5, abs=1e-4)
    for absent in ("volunteers_count", "events_count", "hours_count", "volunteers_per_100k"):
        assert absent not in wide.columns  # not supplied in data/raw: no column is invented


def test_long_table_is_keyed_and_sourced(built):
    long = processed.read_table("long_kz2021", built)
    assert not long.duplicated(["region_code", "variable", "ref_period"]).any()
    assert long["source"].str.len().gt(0).all()
    age = long[long["variable"] == "vol_age_under18_pct"]
    assert len(age) == 17 and age["source"].str.match(r"report_2021/age_by_region\.csv:\d+ \(report line \d+\)").all()
    # The 2022 population is on the 20-unit scheme and must not leak into kz2021.
    assert not long["ref_period"].eq("2022-01-01").any()


def test_national_event_share_is_derived_where_truncated(repo_root, built):
    rows = raw_rows(repo_root / "data/raw/report_2021/event_directions_national.csv")
    others = sum(float(r["share_pct"]) for r in rows if r["share_pct"])
    nat = processed.read_table("event_directions_national_corrected", built).set_index("direction_id")
    truncated = next(r["direction_id"] for r in rows if not r["share_pct"])
    assert nat.loc[truncated, "share_pct"] == pytest.approx(round(100 - others, 2))
    assert pd.isna(nat.loc[truncated, "share_pct_published"])


def test_errata_evaluated_and_findings(built):
    errata = processed.read_table("errata_evaluated", built).set_index("erratum_id")
    assert errata.loc["E01", "status"] == "detected" and errata.loc["E01", "violations_explained"] == 18
    assert errata.loc["E10", "status"] == "detected"
    findings = processed.read_table("validation_findings", built)
    assert set(findings["severity"]) == {"warning"} and len(findings) == 19


def test_read_processed_returns_every_table(built):
    tables = processed.read_processed(built)
    assert {"regions_kz2021", "long_kz2021", "coverage_kz2021", "age_kz2021", "status_kz2021",
            "organisations_kz2021", "event_directions_kz2021", "headline_figures",
            "correlations_published", "info_line_totals"} <= set(tables)
    with pytest.raises(FileNotFoundError, match="vstudy data"):
        processed.read_table("no_such_table", built)


# --- another period, another scheme --------------------------------------------------------------------------


def test_kz2022_fixture_validates_and_processes_into_20_rows(tmp_path):
    out = tmp_path / "processed"
    assert cli.main(["validate", "--data", str(FIXTURE)]) == 0
    assert cli.main(["data", "--data", str(FIXTURE), "--out", str(out)]) == 0
    wide = processed.read_table("regions_kz2022", out)
    assert len(wide) == 20 and wide["region_code"].is_unique
    vols = raw_rows(FIXTURE / "survey/volunteers_by_region.csv")
    total = sum(int(r["volunteers_count"].replace("\u00a0", "").replace(" ", "")) for r in vols)
    assert int(wide["volunteers_count"].sum()) == total
    assert wide["volunteers_per_100k"].notna().all()
    figures = {r["figure_id"]: int(r["value"]) for r in raw_rows(FIXTURE / "survey/headline_figures.csv")}
    assert int(wide["ngo_count"].sum()) == figures["ngo_total"]
    assert int(wide["initiative_group_count"].sum()) == figures["initiative_groups_total"]
    # No duplicated pension list here: the published share is used as is.
    assert (wide["vol_age_pension_pct"] == wide["vol_age_pension_pct_published"]).all()
    hours = raw_rows(FIXTURE / "survey/hours_by_region.csv")
    assert int(wide["hours_count"].sum()) == sum(int(r["hours_count"].replace(" ", "")) for r in hours)
    assert {"events_count", "events_per_100k", "hours_per_100k"} <= set(wide.columns)
    # Population is the real 1 January 2022 figure the fixture copied from data/raw/official.
    official = raw_rows(FIXTURE.parents[2] / "data/raw/official/indicators.csv")
    abai = next(int(r["value"]) for r in official if r["indicator"] == "population_total"
                and r["ref_period"] == "2022-01-01" and "Абай" in r["region_as_published"])
    assert wide.set_index("region_code").loc["KZ-10", "population_count"] == abai


def test_kz2022_fixture_is_reproducible_from_its_script(tmp_path):
    spec = importlib.util.spec_from_file_location("make_fixture", FIXTURE.parent / "make_kz2022_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path / "fixture")
    assert tree_digest(tmp_path / "fixture") == tree_digest(FIXTURE)


def test_manifest_problems_are_named(tmp_path):
    (tmp_path / "manifest.yml").write_text("id: x\nscheme: kz2030\ntables: {}\n", encoding="utf-8")
    ds = datasets.load_dataset(tmp_path)
    assert not ds.ok and all(p.file == "manifest.yml" for p in ds.errors)
    assert {p.column for p in ds.errors} >= {"scheme", "period", "title", "synthetic"}
    ds = datasets.load_dataset(tmp_path / "nowhere")
    assert not ds.ok and "manifest.yml" in ds.errors[0].message


def test_cli_validate_on_data_raw_exits_0(repo_root):
    out = subprocess.run([sys.executable, "-m", "vstudy.cli", "validate", "--data", str(repo_root / "data/raw")],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "valid" in out.stdout and "known erratum E01" in out.stderr


def test_a_table_file_the_manifest_does_not_declare_is_named_not_ignored(tmp_path, repo_root):
    """A file at the top of the dataset that the manifest does not name is never read: validation says so, with
    the manifest entry that would read it (a researcher's information-line table was once silently skipped)."""
    data = tmp_path / "mydata"
    shutil.copytree(repo_root / "data" / "examples" / "kz2022-synthetic", data)
    shutil.copy(repo_root / "data" / "raw" / "report_2021" / "info_line_totals.csv", data / "info_line_totals.csv")
    (data / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (data / ".hidden.csv").write_text("a\n", encoding="utf-8")
    (data / "odd\x1b[2Jname.csv").write_text("a\n", encoding="utf-8")  # a control character in a file name
    ds = datasets.load_dataset(data)
    found = {p.file: p for p in ds.problems if p.rule == "undeclared_file"}
    assert set(found) == {"info_line_totals.csv", "notes.csv", "odd\x1b[2Jname.csv"} and ds.ok  # warnings only
    assert "'odd\\x1b[2Jname.csv' is not declared" in found["odd\x1b[2Jname.csv"].message  # shown, not obeyed
    assert "\x1b" not in found["odd\x1b[2Jname.csv"].format()  # the file field too, as validate prints it
    assert all(p.severity == "warning" and p.row is None for p in found.values())
    assert ("add `info_line_totals: {file: info_line_totals.csv, schema: info_line_totals}` under `tables`"
            in found["info_line_totals.csv"].message)
    assert "`<name>: {file: notes.csv, schema: <schema>}`" in found["notes.csv"].message
    assert "info_line_totals" in found["notes.csv"].message  # the schemas it may choose from
    # declared, it is read, and nothing is said
    manifest = (data / "manifest.yml").read_text(encoding="utf-8").replace(
        "tables:\n", "tables:\n  info_line_totals:\n    file: info_line_totals.csv\n    schema: info_line_totals\n", 1)
    (data / "manifest.yml").write_text(manifest, encoding="utf-8")
    (data / "notes.csv").unlink()
    (data / "odd\x1b[2Jname.csv").unlink()
    ds = datasets.load_dataset(data)
    assert not [p for p in ds.problems if p.rule == "undeclared_file"] and "info_line_totals" in ds.tables
