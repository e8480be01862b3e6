"""Study datasets: a directory with a ``manifest.yml``, its validation, and the loader API for notebooks.

A *dataset* is any directory laid out like ``data/raw`` with a ``manifest.yml`` at its root::

    id: report_2021
    title: ...
    period: {start: 2021-07-01, end: 2021-12-31, label: 2021-H2}
    scheme: kz2021                 # kz2021 (17 units) or kz2022 (20 units)
    synthetic: false
    tables:                        # table name -> file (relative to the manifest) and schema name
      age_by_region: {file: report_2021/age_by_region.csv, schema: age_by_region}
      ...

New data follow the collection contract (:mod:`vstudy.data.contract`: a ``regional`` table, one row per unit, and
``events_by_direction``; ``vstudy template`` writes them to fill); a filled template workbook (``.xlsx``) is read
in place of a directory (:mod:`vstudy.data.workbook`), its problems naming sheet, row, column and cell.

Tables a dataset may leave out simply produce no processed table and no wide column (nothing is invented);
the population on 1 January of the period's year (``official_indicators`` or ``population_count`` of the regional
table) is the one input every dataset needs, because every per-100k rate divides by it. ``volunteers_by_region``,
``events_by_region`` and ``hours_by_region`` are optional user-supplied counts of the older form.

Loader API
--------------------------
``load_dataset(data_dir)``            → :class:`Dataset`: manifest, validated typed tables, problems.
The processed layer built from it is read through :mod:`vstudy.data.processed` (``read_table``).

Commands: ``vstudy validate [--data DIR]`` (exit 0 valid, 1 invalid) and ``vstudy data [--data DIR] [--out DIR]``
(see :mod:`vstudy.data.processed` for what it writes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from vstudy.data import contract, paths, regions, schemas, workbook
from vstudy.data import manifest as manifest_
from vstudy.data.errata import Erratum, errata_from_frame
from vstudy.data.problems import Problem, cap_problems
from vstudy.data.validation import check_records, read_and_check

MANIFEST = manifest_.MANIFEST
POPULATION_INDICATOR = "population_total"


@dataclass
class Dataset:
    """A loaded dataset: ``tables`` holds typed frames (``_line`` = CSV line, ``region_code`` where resolved)."""

    root: Path
    manifest: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # table -> path relative to root
    problems: list[Problem] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)  # input files relative to root when not ``files`` (a workbook)

    @property
    def input_files(self) -> list[str]:
        """The files the dataset was read from, relative to ``root``."""
        return sorted(self.inputs or set(self.files.values()))

    @property
    def scheme(self) -> str:
        return str(self.manifest.get("scheme", ""))

    @property
    def period(self) -> dict:
        return self.manifest.get("period") or {}

    @property
    def period_label(self) -> str:
        return str(self.period.get("label", ""))

    @property
    def year(self) -> int:
        """The calendar year of the period's start: population is taken on 1 January of it."""
        return _as_date(self.period.get("start")).year

    @property
    def months(self) -> float:
        """Length of the period in months (:func:`period_months`)."""
        return period_months(self.period)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)


class InvalidDataset(Exception):
    """Raised by :func:`require_valid`; carries the problems."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        super().__init__(f"{len(dataset.errors)} problem(s) in dataset {dataset.root}")


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def period_months(period: dict) -> float:
    """Length of a dataset's period (the manifest's ``period: {start, end}``) in months — computed here only.

    A period from the first day of a month to the last day of a month counts whole calendar months
    (2021-07-01 … 2021-12-31 → 6, 2022-01-01 … 2022-12-31 → 12); any other period counts its days (both ends
    included) in mean Gregorian months of 365.2425 / 12 days. Raises ValueError for a missing or reversed period.
    """
    if not isinstance(period, dict) or "start" not in period or "end" not in period:
        raise ValueError("the period needs a start and an end")
    start, end = _as_date(period["start"]), _as_date(period["end"])
    if end < start:
        raise ValueError(f"period end {end} is before its start {start}")
    last_day = (end + dt.timedelta(days=1)).day == 1
    if start.day == 1 and last_day:
        return float((end.year - start.year) * 12 + end.month - start.month + 1)
    return ((end - start).days + 1) / (365.2425 / 12)


def _manifest_problems(man: manifest_.Manifest) -> list[Problem]:
    """What is wrong with a manifest: its structure (vstudy.data.manifest), its scheme and its tables' schemas."""
    problems = [_problem(i) for i in man.issues]
    if (scheme := man.scheme) and scheme not in regions.SCHEMES:
        problems.append(Problem(MANIFEST, None, "scheme", scheme, "manifest",
                                f"scheme must be one of {sorted(regions.SCHEMES)}"))
    problems += [Problem(MANIFEST, None, "tables", name, "manifest",
                         f"table {name!r}: unknown schema {spec.schema!r} (known: {', '.join(sorted(schemas.RAW))})")
                 for name, spec in man.tables.items() if spec.schema not in schemas.RAW]
    return problems


def _problem(issue: manifest_.Issue) -> Problem:
    return Problem(issue.file, issue.row, issue.column, issue.value, issue.rule, issue.message)


def load_dataset(data_dir: str | Path | None = None) -> Dataset:
    """Read and validate every table the manifest of ``data_dir`` (default ``data/raw``) names.

    Never raises for bad data: every problem is collected in ``Dataset.problems``. Files are read through
    :mod:`vstudy.data.manifest`: confined to the directory, regular files only, size-limited. A template's
    directory and its workbook that disagree (values filled in one only) get a warning saying which one was read
    (:func:`compare_with_workbook`).
    """
    ds = _load(data_dir)
    ds.problems += compare_with_workbook(ds, data_dir)
    return ds


def _load(data_dir: str | Path | None = None) -> Dataset:
    # Load inputs.
    root = Path(data_dir) if data_dir is not None else paths.raw_dir()
    if workbook.is_workbook(root):
        return _load_workbook(root)
    man = manifest_.read_manifest(root)
    ds = Dataset(root=root, manifest=man.raw)
    ds.problems += _manifest_problems(man)
    ds.problems += [_problem(issue) for issue in manifest_.check_origin_records(root)]  # their titles
    if ds.problems:
        return ds

    # The errata register goes first: it decides which rule violations are known defects of the source.
    specs = man.tables
    order = sorted(specs, key=lambda n: (specs[n].schema != "errata", n))
    errata: list[Erratum] = []
    period = man.period_dates()
    for name in order:
        spec = specs[name]
        schema = schemas.RAW[spec.schema]
        rel = spec.file
        ds.files[name] = rel
        try:
            data = manifest_.read_file(manifest_.locate(root, rel))
        except manifest_.Refused as exc:
            ds.problems.append(Problem(rel, None, None, None, exc.rule, f"table {name!r}: {exc}"))
            continue
        frame, problems = read_and_check(root / rel, schema, rel, ds.scheme, errata, data=data,
                                                 period=period)
        ds.problems += problems
        if frame is not None:
            ds.tables[name] = frame
            if schema.name == "errata":
                errata = errata_from_frame(frame)

    ds.problems += dataset_checks(ds)
    ds.problems += undeclared_files(root, {spec.file for spec in specs.values()})
    ds.problems = cap_problems(ds.problems)
    return ds


# Files at a dataset's top level that hold a table (a workbook is compared with the directory instead:
# compare_with_workbook).
TABLE_SUFFIXES = (".csv", ".tsv", ".parquet")


def undeclared_files(root: Path, declared: set[str]) -> list[Problem]:
    """A warning for each table file at the top of the dataset's directory that its manifest does not declare:
    such a file is never read, and a researcher who added it (an information-line table, a second regional file)
    would otherwise see "valid" and a study that says the data are missing. A file named after a table schema gets
    the manifest entry that would read it."""
    declared = {Path(rel).as_posix() for rel in declared}
    problems = []
    for path in sorted(root.iterdir()) if root.is_dir() else ():
        if (path.name.startswith((".", "~$")) or path.suffix.lower() not in TABLE_SUFFIXES or path.name in declared
                or not path.is_file()):
            continue
        known = path.stem in schemas.RAW  # named after a schema: the entry is complete
        name, schema = (path.stem, path.stem) if known else ("<name>", "<schema>")
        problems.append(Problem(
            path.name, None, None, None, "undeclared_file",
            f"{path.name!r} is not declared in {MANIFEST} (`tables`), so it is not read; to read it, add "
            f"`{name}: {{file: {path.name}, schema: {schema}}}` under `tables`"
            + ("" if known else f" (schemas: {', '.join(sorted(schemas.RAW))})")
            + ", or move it out of the dataset's directory", "warning"))
    return problems


def dataset_checks(ds: Dataset) -> list[Problem]:
    """What crosses the tables of a read dataset: the collection contract, population, national totals."""
    return contract.check(ds) + _check_population(ds) + _check_national_totals(ds)


def _load_workbook(path: Path) -> Dataset:
    """A filled template workbook (:mod:`vstudy.data.workbook`): every problem names its sheet, row and cell."""
    content = workbook.read(path)
    ds = Dataset(root=path.parent, manifest=content.manifest, problems=list(content.problems),
                 inputs=[path.name])
    if not ds.problems:
        ds.problems += _manifest_problems(manifest_.check_manifest(content.manifest, path.parent, check_files=False))
    if not ds.problems:
        for name, sheet in content.tables.items():
            ds.files[name] = content.label(name)
            frame, problems = check_records(sheet.header, sheet.records, schemas.RAW[name],
                                                    content.label(name), ds.scheme)
            ds.problems += problems
            if frame is not None:
                ds.tables[name] = frame
        ds.problems += dataset_checks(ds)
    ds.problems = [workbook.locate(p, content) for p in cap_problems(ds.problems)]
    return ds


# ---------------------------------------------------------------------------------------------------------------
# A template's directory and its workbook: which one holds the values?
# ---------------------------------------------------------------------------------------------------------------


def _filled_elsewhere(here: Dataset, there: Dataset) -> tuple[list[str], list[str]]:
    """Contract columns ``there`` fills that ``here`` leaves empty, and those both fill with other values."""
    only, differ = [], []
    for schema_name, keys in (("regional", ["region_code"]), ("events_by_direction", ["region_code", "direction"])):
        a, b = contract._first(here, schema_name), contract._first(there, schema_name)
        mine, theirs = here.tables.get(a) if a else None, there.tables.get(b) if b else None
        if theirs is None or not set(keys) <= set(theirs.columns):
            continue
        if mine is None or not set(keys) <= set(mine.columns):
            mine = pd.DataFrame(columns=keys)
        mine = mine.dropna(subset=keys).drop_duplicates(keys).set_index(keys)
        theirs = theirs.dropna(subset=keys).drop_duplicates(keys).set_index(keys)
        for col in contract.value_columns(schema_name):
            t = theirs[col].dropna() if col in theirs.columns else pd.Series(dtype=float)
            if t.empty:
                continue
            m = mine[col].dropna() if col in mine.columns else pd.Series(dtype=float)
            if m.empty:
                only.append(col)
            elif len(t.index.difference(m.index)) or any(float(t[k]) != float(m[k]) for k in t.index):
                differ.append(col)
    return only, differ


def compare_with_workbook(ds: Dataset, data_dir: str | Path | None) -> list[Problem]:
    """A warning when the template's directory and its workbook disagree, naming the one read and the other.

    A directory is compared with the workbooks at its top level; a workbook with the dataset directory it lies in
    (a ``manifest.yml`` beside it). Filling the workbook and validating the directory would otherwise say "no
    population" or "valid" with no word of the values sitting in the workbook.
    """
    if data_dir is None:
        return []
    path = Path(data_dir)
    if workbook.is_workbook(path):
        others = [path.parent] if (path.parent / MANIFEST).is_file() else []
    elif path.is_dir():
        others = sorted(p for p in path.iterdir() if workbook.is_workbook(p) and not p.name.startswith(("~$", ".")))
    else:
        others = []
    problems = []
    for other in others:
        there = _load(other)
        if workbook.is_workbook(other) and any(p.rule == "workbook" for p in there.problems):
            continue  # not a template workbook
        only, differ = _filled_elsewhere(ds, there)
        if not only and not differ:
            continue
        if workbook.is_workbook(other):
            there_, beside = "the workbook", f"the workbook {other.name} in this directory differs from the CSV files"
            read = "the CSV files"
        else:
            there_, beside = "the CSV files", f"the CSV files of the directory this workbook lies in ({other}) differ"
            read = "the workbook"
        what = "; ".join(x for x in (f"filled only in {there_}: {', '.join(only)}" if only else "",
                                     f"other values in {there_}: {', '.join(differ)}" if differ else "") if x)
        problems.append(Problem(path.name if workbook.is_workbook(path) else MANIFEST, None, None, None,
                                "workbook_and_directory",
                                f"{beside} ({what}): `--data {path}` reads {read}. Fill one or the other, then "
                                f"validate the one you filled: vstudy validate --data {other}", "warning"))
    return problems


NATIONAL_TOTALS = ("ngo_total", "initiative_groups_total")


def _check_national_totals(ds: Dataset) -> list[Problem]:
    """Organisation shares need the national totals they are shares of (headline_figures) to give counts."""
    if table_by_schema(ds, "organisations_by_region") is None:
        return []
    name = table_by_schema(ds, "headline_figures")
    frame = ds.tables.get(name) if name else None
    if name is not None and frame is None:
        return []  # unreadable: already reported
    have = set(frame["figure_id"]) if frame is not None and "figure_id" in frame.columns else set()
    missing = [f for f in NATIONAL_TOTALS if f not in have]
    if not missing:
        return []
    return [Problem(ds.files.get(name or "", MANIFEST), None, "figure_id", ", ".join(missing), "national_total",
                    f"organisations_by_region needs headline_figures rows {', '.join(missing)} (the national "
                    "totals the regional shares refer to)")]


def _check_population(ds: Dataset) -> list[Problem]:
    """Every unit needs its population on 1 January of the period's year: all rates divide by it."""
    name = table_by_schema(ds, "official_indicators")
    wanted = f"{ds.year}-01-01"
    label = ds.files.get(name or "", "manifest.yml")
    supplied = contract.population_codes(ds)  # population_count of the regional table, if it has one
    if supplied is not None:
        file, have = supplied
        if have is None:
            return []  # the regional table has no region column: reported already
        # Only units with a row: a unit without one (absent, or its name did not resolve) is the region rules'
        # error already, and one unresolved name must not also read as "population missing" for its row.
        missing = sorted((set(regions.codes(ds.scheme)) - have) & _units_with_rows(ds))
        return [Problem(file, None, "population_count", None, "population_complete",
                        f"population_count (on {wanted}) missing for {', '.join(missing)} (scheme {ds.scheme}): "
                        "every per-100k rate divides by it")] if missing else []
    if name is None:
        regional = contract.tables_of(ds, "regional")
        if regional and regional[0] not in ds.tables:
            return []  # the regional table could not be read: reported already
        where = (ds.files.get(regional[0], MANIFEST), "population_count") if regional else (MANIFEST, "tables")
        return [Problem(where[0], None, where[1], None, "population_complete",
                        f"the dataset gives no population: fill population_count (on {wanted}) in the regional "
                        f"table for every unit of {ds.scheme}, or give an official_indicators table with "
                        f"population_total on {wanted}; every per-100k rate divides by it")]
    frame = ds.tables.get(name)
    if frame is None or "region_code" not in frame.columns:
        return []  # unreadable table: already reported
    sel = frame[(frame["indicator"] == POPULATION_INDICATOR) & (frame["ref_period"] == wanted)
                & frame["preferred"].fillna(False).astype(bool)]
    missing = sorted(set(regions.codes(ds.scheme)) - set(sel["region_code"].dropna()))
    if missing:
        return [Problem(label, None, "region_as_published", None, "population_complete",
                        f"population_total on {wanted} missing for {', '.join(missing)} (scheme {ds.scheme})")]
    return []


def _units_with_rows(ds: Dataset) -> set[str]:
    """The units the regional table has a (resolved) row for."""
    regional = contract.tables_of(ds, "regional")
    frame = ds.tables.get(regional[0]) if regional else None
    if frame is None or "region_code" not in frame.columns:
        return set()
    return set(frame["region_code"].dropna())


def table_by_schema(ds: Dataset, schema_name: str) -> str | None:
    """The manifest name of the (first) table declared with ``schema_name``."""
    for name, spec in (ds.manifest.get("tables") or {}).items():
        if spec.get("schema", name) == schema_name:
            return name
    return None


def require_valid(data_dir: str | Path | None = None) -> Dataset:
    ds = load_dataset(data_dir)
    if not ds.ok:
        raise InvalidDataset(ds)
    return ds


# ---------------------------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------------------------


def print_problems(ds: Dataset, stream=None) -> None:
    """Errors first, then warnings, each as FILE:LINE column value [rule] message."""
    stream = stream if stream is not None else sys.stderr
    for p in sorted(ds.problems, key=lambda p: (p.severity != "error", p.file, p.row or 0, p.column or "")):
        print(p.format(), file=stream)


def _cmd_validate(args: argparse.Namespace) -> int:
    ds = load_dataset(args.data)
    print_problems(ds)
    n_err, n_warn = len(ds.errors), len(ds.warnings)
    status = "valid" if ds.ok else "INVALID"
    shown = args.data if args.data is not None else ds.root
    print(f"{shown}: {status} — {len(ds.tables)} table(s), {n_err} error(s), {n_warn} warning(s)",
          file=sys.stderr if not ds.ok else sys.stdout)
    return 0 if ds.ok else 1
