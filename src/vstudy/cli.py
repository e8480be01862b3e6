"""The ``vstudy`` command line. Each subcommand lives in the module that does the work.

Exit codes: 0 success; 1 invalid data or a failed step; 2 usage error or unresolved name;
3 the study was built but Quarto is not installed, so nothing was rendered; 4 another build holds the output
tree (see README); 130 interrupted.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import sys
from collections.abc import Callable

from vstudy.vocab import SCHEMES

# The parser is built without importing pandas or the data modules: `vstudy build` on an up-to-date study
# only hashes files, and must not spend a second importing what it will not use. Each handler is named as
# "module:function" and imported when its command runs.


def _lazy(target: str) -> Callable[[argparse.Namespace], int]:
    module_name, function_name = target.split(":")

    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(f"vstudy.{module_name}"), function_name)(args)

    run.__qualname__ = target
    return run


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
    p.set_defaults(func=_lazy("data.datasets:_cmd_validate"))
    d = sub.add_parser(
        "data", help="validate and write the processed layer (Parquet + CSV)",
        description="Validate the dataset, then write the processed tables atomically: on any error the "
                    "previous processed directory is left untouched. Exit 0 ok, 1 invalid data, 4 another "
                    "process (a build) is writing the same processed layer.")
    d.add_argument("--data", default=None, help="dataset directory or filled workbook (default data/raw)")
    d.add_argument("--out", default=None, help="output directory (default: data/processed for data/raw, "
                   "builds/<name of the dataset folder>/processed for another dataset)")
    d.set_defaults(func=_lazy("data.processed:_cmd_data"))

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
    t.set_defaults(func=_lazy("data.template:_cmd_template"))

    from vstudy.build import pipeline  # light: hashing and subprocesses only

    pipeline.add_commands(sub)
    return parser


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
