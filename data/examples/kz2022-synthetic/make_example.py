"""Make data/examples/kz2022-synthetic: a worked example of the collection contract — SYNTHETIC front-office data.

Why: a student or a researcher should see the extended study (20 regions of the kz2022 scheme, a full year) run
before bringing their own data. This dataset is made the way a researcher makes theirs:

1. ``vstudy template --scheme kz2022 --start 2022-01-01 --end 2022-12-31`` writes the regional table and the
   events by direction, with every official indicator the repository holds for 2022 pre-filled from the Bureau of
   National Statistics' originals kept in data/raw/official (population on 1 January 2022, GRP per capita, life
   expectancy, unemployment, emissions …), each with its real source and reference period;
2. the front offices' columns are then filled with INVENTED, seeded numbers: volunteers with gender, age and
   social-status breakdowns that add up to the total, NGOs and initiative groups, events split over the
   directions (adding up to the region's events), hours of volunteer work, and regional average monthly wages
   (``avg_monthly_wage_kzt``) — all declared SYNTHETIC in the manifest.

Nothing here describes real volunteering in Kazakhstan: only the pre-filled official columns are real figures.
The workbook the template also writes is left out (an .xlsx is not byte-stable); this directory is the dataset.

Run from the repository root:  .venv/bin/python data/examples/kz2022-synthetic/make_example.py
Build the study on it:         make example   (= vstudy build --data data/examples/kz2022-synthetic;
                               outputs in builds/kz2022-synthetic/)
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import textwrap
from pathlib import Path

import numpy as np
import yaml

from vstudy.data import regions, schemas, template
from vstudy.vocab import AGE_GROUPS, DIRECTIONS, GENDERS, STATUSES

SCHEME = "kz2022"
SEED = 2022
START, END = dt.date(2022, 1, 1), dt.date(2022, 12, 31)
HERE = Path(__file__).resolve().parent
DATASET_ID = "kz2022_synthetic_example"
TITLE = "SYNTHETIC worked example: volunteering in the regions of Kazakhstan, 2022 (20 regions)"
# The title in each edition's language (manifest keys title, title_ru, title_kk): the Russian and Kazakh
# editions show their own.
TITLE_RU = "СИНТЕТИЧЕСКИЙ учебный пример: волонтёрство в регионах Казахстана, 2022 год (20 регионов)"
TITLE_KK = "СИНТЕТИКАЛЫҚ оқу мысалы: Қазақстан өңірлеріндегі волонтерлік қызмет, 2022 жыл (20 өңір)"
SOURCE = f"SYNTHETIC: invented by data/examples/kz2022-synthetic/make_example.py (seed {SEED}); not real data"
DESCRIPTION = (
    "A SYNTHETIC worked example of the collection contract, made by data/examples/kz2022-synthetic/make_example.py "
    f"(seed {SEED}) from `vstudy template --scheme kz2022 --start 2022-01-01 --end 2022-12-31`: the official "
    "indicators are the real figures the template pre-fills from the Bureau of National Statistics' originals kept "
    "in data/raw/official, with their sources; every front-office number (volunteers and their breakdowns, "
    "organisations, events and their directions, hours) and the regional wages are INVENTED. Do not cite it; do "
    "not edit by hand: regenerate.")
WAGE = "avg_monthly_wage_kzt"


def invent(population: dict[str, int], seed: int = SEED) -> dict[str, dict[str, int]]:
    """Seeded front-office counts per unit: every breakdown adds up to the volunteers, directions to the events."""
    rng = np.random.default_rng(seed)
    out: dict[str, dict[str, int]] = {}
    for code in regions.codes(SCHEME):
        volunteers = int(population[code] * rng.uniform(0.003, 0.015))
        row = {"volunteers_count": volunteers}
        for cats, weight in ((GENDERS, (2.0, 3.0)), (AGE_GROUPS, (3.0, 6.0, 3.0, 0.6)), (STATUSES, (5.0, 3.0, 0.8, 0.7))):
            parts = rng.multinomial(volunteers, rng.dirichlet(np.array(weight) * 20))
            row.update({schemas.breakdown_count(c): int(v) for c, v in zip(cats, parts, strict=True)})
        row["ngo_count"] = int(rng.integers(10, 120))
        row["initiative_group_count"] = int(rng.integers(20, 400))
        row["events_count"] = int(volunteers * rng.uniform(0.03, 0.15)) + 1
        row["hours_count"] = int(volunteers * rng.uniform(6, 30))
        row[WAGE] = int(round(rng.uniform(230_000, 480_000), -2))
        directions = rng.multinomial(row["events_count"], rng.dirichlet(np.ones(len(DIRECTIONS)) * 2))
        row.update({f"dir:{d}": int(v) for d, v in zip(DIRECTIONS, directions, strict=True)})
        out[code] = row
    return out


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out: Path = HERE, seed: int = SEED) -> Path:
    """Write the example into ``out`` (default: this folder); the script itself is never touched."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("manifest.yml", "regional.csv", "events_by_direction.csv"):
        (out / name).unlink(missing_ok=True)
    template.write_template(SCHEME, out, START, END, dataset_id=DATASET_ID)
    (out / f"{out.name}.xlsx").unlink()

    header, rows = _read(out / "regional.csv")
    population = {r["region_code"]: int(r["population_count"]) for r in rows}  # pre-filled: BNS, 1 January 2022
    counts = invent(population, seed)
    front = [c for c in counts["KZ-10"] if not c.startswith("dir:")]
    for row in rows:
        row.update({c: str(counts[row["region_code"]][c]) for c in front})
    _write(out / "regional.csv", header, rows)
    header, rows = _read(out / "events_by_direction.csv")
    for row in rows:
        row["events_count"] = str(counts[row["region"]][f"dir:{row['direction']}"])
    _write(out / "events_by_direction.csv", header, rows)

    manifest = yaml.safe_load((out / "manifest.yml").read_text(encoding="utf-8"))
    manifest.update(title=TITLE, title_ru=TITLE_RU, title_kk=TITLE_KK, synthetic=True, description=DESCRIPTION)
    declared = manifest["tables"]["regional"]["columns"]
    for col in front:
        declared[col]["source"] = SOURCE
    declared[WAGE]["ref_period"] = str(START.year)
    manifest["tables"]["events_by_direction"]["columns"]["events_count"]["source"] = SOURCE
    for table in manifest["tables"].values():  # the columns this example leaves empty are not declared
        table["columns"] = {c: m for c, m in table["columns"].items() if m.get("source")}
    header_lines = [f"# {line}" for line in textwrap.wrap(DESCRIPTION, 110)]
    (out / "manifest.yml").write_text("\n".join(header_lines) + "\n" + yaml.safe_dump(
        manifest, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    return out


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
