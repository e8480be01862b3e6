"""The worked example shipped in data/examples/kz2022-synthetic (issue 22): a SYNTHETIC dataset of the 20 kz2022
units for 2022, made by the script beside it from `vstudy template` (official values pre-filled with their real
sources) and seeded front-office counts. It validates, processes into 20 units, is reproducible from its script,
and `make example` builds it into its own output tree."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from vstudy import cli
from vstudy.data import datasets, indicators, paths, processed, regions, schemas
from vstudy.vocab import AGE_GROUPS, DIRECTIONS, GENDERS, STATUSES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "examples" / "kz2022-synthetic"


def _rows(name: str) -> list[dict[str, str]]:
    with open(EXAMPLE / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def layer(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "processed"
    assert cli.main(["data", "--data", str(EXAMPLE), "--out", str(out)]) == 0
    return out


def test_the_example_validates_without_a_warning_and_says_it_is_synthetic():
    ds = datasets.load_dataset(EXAMPLE)
    assert ds.ok and not ds.warnings, [p.format() for p in ds.problems]
    assert ds.manifest["synthetic"] is True and ds.manifest["title"].startswith("SYNTHETIC")
    assert (ds.scheme, ds.period_label, ds.months) == ("kz2022", "2022", 12.0)
    declared = ds.manifest["tables"]["regional"]["columns"]
    for col in ("volunteers_count", "volunteers_male_count", "ngo_count", "events_count", "hours_count",
                "avg_monthly_wage_kzt"):
        assert declared[col]["source"].startswith("SYNTHETIC"), col
    for col in ("population_count", "grp_per_capita_thousand_kzt", "life_expectancy_years"):
        assert "Bureau of National Statistics" in declared[col]["source"] and "SYNTHETIC" not in declared[col]["source"]
    assert declared["avg_monthly_wage_kzt"]["ref_period"] == "2022"


def test_its_counts_add_up_and_its_official_values_are_the_series(repo_root):
    rows = {r["region_code"]: r for r in _rows("regional.csv")}
    assert list(rows) == regions.codes("kz2022")
    for row in rows.values():
        total = int(row["volunteers_count"])
        for cats in (GENDERS, AGE_GROUPS, STATUSES):
            assert sum(int(row[schemas.breakdown_count(c)]) for c in cats) == total
        assert int(row["hours_count"]) > 0 and int(row["avg_monthly_wage_kzt"]) > 0
    events: dict[str, int] = {}
    for r in _rows("events_by_direction.csv"):
        events[r["region"]] = events.get(r["region"], 0) + int(r["events_count"])
    assert events == {code: int(r["events_count"]) for code, r in rows.items()}
    with open(repo_root / "data/raw/official/series.csv", encoding="utf-8", newline="") as fh:
        series = {(r["region_code"], r["indicator"], r["ref_period"]): r["value"] for r in csv.DictReader(fh)}
    for col, ref in (("population_count", "2022-01-01"), ("grp_per_capita_thousand_kzt", "2022"),
                     ("life_expectancy_years", "2022")):
        spec = indicators.BY_CONTRACT[col]
        assert all(row[col] == series[(code, spec.indicator, ref)] for code, row in rows.items())


def test_its_processed_layer_has_the_20_units(layer):
    reg = processed.read_table("regions_kz2022", layer).set_index("region_code")
    assert list(reg.index) == regions.codes("kz2022") and len(reg) == 20
    rows = {r["region_code"]: r for r in _rows("regional.csv")}
    for code, row in rows.items():
        assert reg.at[code, "volunteers_count"] == int(row["volunteers_count"])
        assert reg.at[code, "volunteers_per_100k"] == pytest.approx(
            int(row["volunteers_count"]) / int(row["population_count"]) * 1e5, abs=1e-4)
        assert reg.at[code, "avg_monthly_wage_kzt"] == int(row["avg_monthly_wage_kzt"])
    ev = processed.read_table("event_directions_kz2022", layer)
    assert len(ev) == 20 * len(DIRECTIONS)  # a supplied 0 is a value, kept
    assert set(ev["region_code"]) == set(regions.codes("kz2022"))
    for name in ("age_kz2022", "status_kz2022"):
        assert len(processed.read_table(name, layer)) == 20


def test_the_example_is_reproducible_from_its_script(tmp_path):
    spec = importlib.util.spec_from_file_location("make_example", EXAMPLE / "make_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path / "kz2022-synthetic")

    def digest(root: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.iterdir())
                if p.suffix in (".csv", ".yml")}

    assert digest(tmp_path / "kz2022-synthetic") == digest(EXAMPLE)
    assert sorted(p.name for p in EXAMPLE.iterdir() if p.name != "__pycache__") == [
        "events_by_direction.csv", "make_example.py", "manifest.yml", "regional.csv"]


def test_make_example_builds_it_into_its_own_tree():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^EXAMPLE \?= data/examples/kz2022-synthetic$", makefile, re.M)
    recipe = re.search(r"^example: .*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "vstudy build --data $(EXAMPLE)" in recipe
    assert paths.output_tree(EXAMPLE, ROOT) == (ROOT / "builds/kz2022-synthetic/processed",
                                                ROOT / "builds/kz2022-synthetic")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "data/examples/kz2022-synthetic" in readme and "make example" in readme
    manifest = yaml.safe_load((EXAMPLE / "manifest.yml").read_text(encoding="utf-8"))
    assert manifest["id"] == "kz2022_synthetic_example"


def test_section_06_values_the_example_region_by_region_at_its_wages(layer):
    """What section 06 computes on the example (its analysis functions, not the notebook): every unit's hours at its
    own (synthetic) wage, equal to an independent computation from the CSV."""
    from vstudy.analysis import economics

    rows = {r["region_code"]: r for r in _rows("regional.csv")}
    inp = economics.inputs(None, processed.read_table("regions_kz2022", layer), None,
                           {"start": "2022-01-01", "end": "2022-12-31"}, 12.0,
                           processed.read_table("national_shares_kz2022", layer))
    assert inp["regional"]["status"] == "complete" and list(inp["wages"]) == ["regional_2022"]
    split = economics.regional_table(inp).set_index("region_code")
    expected = {c: int(r["hours_count"]) * int(r["avg_monthly_wage_kzt"]) / 160 for c, r in rows.items()}
    assert split["value_kzt_per_year"].to_dict() == pytest.approx(expected, rel=1e-12)
    assert economics.regional_comparison(inp)["regional_value"] == pytest.approx(sum(expected.values()), rel=1e-12)
