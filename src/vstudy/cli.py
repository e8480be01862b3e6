"""The ``vstudy`` command line. Each subcommand lives in the module that does the work.

Exit codes: 0 success; 1 invalid data, a failed step, or a file or folder that cannot be written (read-only, disk
full); 2 usage error, unresolved name, an output folder vstudy does not own or never writes into, a damaged state
file or commit journal; 3 the study was built but Quarto is not installed, so nothing was rendered; 4 another
build holds the output tree (see README); 130 interrupted.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from vstudy.vocab import LANGS, SCHEMES

# The parser is built without importing pandas or the data modules: `vstudy build` on an up-to-date study
# only hashes files, and must not spend a second importing what it will not use. Each handler imports the
# module that does the work when its command runs.


def _cmd_validate(args: argparse.Namespace) -> int:
    from vstudy.data import datasets

    return datasets._cmd_validate(args)


def _cmd_data(args: argparse.Namespace) -> int:
    from vstudy.data import processed

    return processed._cmd_data(args)


def _cmd_template(args: argparse.Namespace) -> int:
    from vstudy.data import template

    return template._cmd_template(args)


def _cmd_regions(args: argparse.Namespace) -> int:
    from vstudy.data import regions

    if args.names:
        status = 0
        for name in args.names:
            try:
                code = regions.resolve(name, args.resolve_scheme)
            except regions.RegionNotFound as exc:
                status = 2
                print(f"{name}\t(unresolved)", file=sys.stdout)
                print(f"vstudy: {exc}", file=sys.stderr)
                continue
            print(f"{name}\t{code}")
        return status
    table = regions.units(args.scheme)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.itertuples(index=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vstudy", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"vstudy {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "regions",
        help="print the region gazetteer as CSV, or resolve names (vstudy regions resolve NAME...)",
        description="The units of a regional scheme as CSV with a header row, one row per unit.",
    )
    p.add_argument("--scheme", choices=sorted(SCHEMES), default="kz2021", help="default kz2021")
    p.set_defaults(func=_cmd_regions, names=[])
    rsub = p.add_subparsers(dest="regions_action", metavar="ACTION")
    r = rsub.add_parser(
        "resolve",
        help="resolve names to ISO 3166-2:KZ codes",
        description="Print NAME<TAB>CODE per name. Exit 2 if any name does not resolve (closest matches on stderr).",
    )
    r.add_argument("names", nargs="+", metavar="NAME", help="region names in any language")
    r.add_argument("--scheme", dest="resolve_scheme", choices=sorted(SCHEMES), default=None,
                   help="also require the unit to belong to this scheme")
    r.set_defaults(func=_cmd_regions)

    p = sub.add_parser(
        "validate", help="validate a dataset directory or filled workbook (default data/raw)",
        description="Check every table of a dataset against its schema. Prints every problem as "
                    "FILE:LINE column value [rule] message; known errata are warnings. Exit 0 valid, 1 invalid.")
    p.add_argument("--data", default=None, help="dataset directory with a manifest.yml, or a filled template "
                   "workbook (.xlsx) (default data/raw)")
    p.set_defaults(func=_cmd_validate)
    d = sub.add_parser(
        "data", help="validate and write the processed layer (Parquet + CSV)",
        description="Validate the dataset, then write the processed tables atomically: on any error the "
                    "previous processed directory is left untouched. Exit 0 ok, 1 invalid data, 4 another "
                    "process (a build) is writing the same processed layer.")
    d.add_argument("--data", default=None, help="dataset directory or filled workbook (default data/raw)")
    d.add_argument("--out", default=None, help="output directory (default: data/processed for data/raw, "
                   "builds/<name of the dataset folder>/processed for another dataset)")
    d.set_defaults(func=_cmd_data)

    t = sub.add_parser(
        "template", help="write a dataset to fill (CSV files and an .xlsx workbook) for a regional scheme",
        description="Write a ready dataset to fill: manifest.yml, regional.csv (one row per unit, names in "
                    "Russian, Kazakh and English), events_by_direction.csv, and the same as an .xlsx workbook "
                    "(instructions in Russian, Kazakh and English). Exit 0 written, 2 usage error.")
    t.add_argument("--scheme", choices=sorted(SCHEMES), required=True, help="kz2021 (17 units) or kz2022 (20)")
    t.add_argument("--out", required=True, help="directory to create (new or empty)")
    t.add_argument("--start", default=None, help="first day of the period, YYYY-MM-DD (fills in the periods and "
                   "pre-fills the official columns the repository holds for it, with their source)")
    t.add_argument("--end", default=None, help="last day of the period, YYYY-MM-DD")
    t.add_argument("--id", default=None, help="dataset id (default: <directory>_<scheme>)")
    t.add_argument("--force", action="store_true", help="write into a non-empty directory")
    t.set_defaults(func=_cmd_template)

    _add_build(sub)
    return parser


def _add_build(subparsers) -> None:
    p = subparsers.add_parser(
        "build",
        help="rebuild the study: validate, process, execute the section notebooks, render the site and PDF",
        description="Validate, process, execute the section notebooks and render the website and the study PDF. "
        "Only out-of-date steps run. Outputs go to the dataset's own "
        "output tree (data/raw: data/processed and reports/; another DIR: builds/<name of DIR>/). Exit codes: "
        "0 built; 1 a step failed or a folder cannot be written; 2 usage, or an output folder vstudy does not own "
        "or never writes into, or a damaged state or journal (--force rebuilds); 3 built but Quarto is missing, "
        "nothing rendered; 4 another build holds the output tree; 130 interrupted.",
    )
    p.add_argument("--data", type=Path, default=None, metavar="DIR",
                   help="study dataset: a directory, or a filled template workbook .xlsx (default data/raw)")
    p.add_argument("--processed", type=Path, default=None, metavar="DIR",
                   help="processed layer (default: data/processed for data/raw, else builds/<name>/processed)")
    p.add_argument("--output", type=Path, default=None, metavar="DIR",
                   help="output tree (default: reports for data/raw, else builds/<name of the dataset folder>)")
    p.add_argument("--scheme", choices=sorted(SCHEMES), default=None,
                   help="regional scheme (default: the dataset manifest's)")
    p.add_argument("--only", nargs="+", default=(), metavar="SECTION",
                   help="execute only these sections (number, slug or full name)")
    p.add_argument("--lang", nargs="+", choices=LANGS, default=None, metavar="LANG",
                   help=f"build only these editions ({', '.join(LANGS)}; default: all); the others stay as built")
    p.add_argument("--force", action="store_true",
                   help="run every step even when up to date; rebuild after a damaged state file or journal")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="notebooks executed at once (default: number of cores)")
    from vstudy.publish.config import DEFAULT_CELL_TIMEOUT  # light: no pandas

    p.add_argument("--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT, metavar="SECONDS",
                   help=f"stop a notebook cell that runs longer and fail its section (default {DEFAULT_CELL_TIMEOUT}; "
                   "0: no limit)")
    p.add_argument("--no-render", action="store_true", help="stop after executing the notebooks")
    p.add_argument("--wait", action="store_true",
                   help="if another build holds the output tree, wait for it (default: stop with exit code 4)")
    p.set_defaults(func=_cmd_build)


def _cmd_build(args: argparse.Namespace) -> int:
    from vstudy.publish import pipeline  # light: hashing and subprocesses only
    from vstudy.publish.config import EXIT_USAGE, BuildConfig, BuildError, selected_sections

    if args.jobs is not None and args.jobs < 1:
        print("vstudy build: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.cell_timeout < 0:
        print("vstudy build: --cell-timeout must be 0 (no limit) or more seconds", file=sys.stderr)
        return EXIT_USAGE
    config = BuildConfig(
        data_dir=args.data, processed_dir=args.processed, output_dir=args.output, scheme=args.scheme,
        only=tuple(args.only), langs=tuple(args.lang or LANGS), force=args.force, jobs=args.jobs,
        render=not args.no_render, wait=args.wait, cell_timeout=args.cell_timeout,
        echo=lambda s: print(s, flush=True),
    )
    if config.workbook is not None and not config.workbook.is_file():
        print(f"vstudy build: --data {config.rel(config.workbook)}: no such workbook", file=sys.stderr)
        return EXIT_USAGE
    if config.workbook is None and not config.data_dir.is_dir():
        print(f"vstudy build: no dataset directory {config.rel(config.data_dir)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        selected_sections(config)
    except BuildError as exc:
        print(f"vstudy build: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with pipeline.terminate_as_interrupt():
        return pipeline.build(config).exit_code


def _version() -> str:
    from vstudy import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # e.g. `vstudy regions | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
