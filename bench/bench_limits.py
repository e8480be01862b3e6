"""What inputs up to each limit cost (``make bench-limits``; prints figures, asserts nothing).

For each limit of :mod:`vstudy.data.limits` the script generates inputs of growing size — up to the limit and one
step past it — in a temporary directory, and measures, each in a fresh Python process (so that the peak of one
does not hide the next): the wall time of the step, the peak resident memory of the process
(``getrusage(RUSAGE_SELF).ru_maxrss``, which includes the interpreter and pandas: the baseline after the imports
is printed first) and what validation said (valid, or the rules of its errors).

Cases:

``header``     regional.csv whose header has N columns (the quadratic header check of issue 18 hung at 200,000)
``regional``   regional.csv with N rows (one unit repeated: region_once errors, capped in the output)
``official``   official_indicators with N rows (one population row per unit, then rows of one extra indicator)
``long_text``  info_line_monthly with N rows of 10,000-character descriptions: the largest CSV that validates
               (30 MB at 1,600 rows), then section 07's own calls on it (its table, sentences and views)
``bars``       section 07's bar chart of N categories drawn and saved (PNG, SVG): the figure grows with its bars
               (400 is past the limit: what it would cost, had the table been accepted)
``notebook07`` section 07's notebook built (``vstudy build --only 07 --lang en --no-render``) from a dataset at the
               limits of its tables: 100 categories, 100 channels and N long observations (30 MB at 1,600); the peak
               is that of the build's processes, kernel included (``getrusage(RUSAGE_CHILDREN)``)
``bad_cells``  official_indicators with N rows whose every cell breaks a rule (the most problems a table can give)
``workbook``   a filled template workbook whose events_by_direction sheet has N rows
``wide_row``   a workbook whose regional sheet is one row of N MiB of cells (openpyxl holds a row's cells at
               once: the worst a sheet within MAX_WORKBOOK_PART_BYTES can cost before the column limit refuses it)
``zip_bomb``   a workbook holding a part of N MiB of zeros once uncompressed (refused from its zip directory)

Usage: ``python bench/bench_limits.py [case ...]`` (default: every case).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "tests" / "fixtures" / "kz2022_contract"

SIZES = {
    "header": [1_000, 10_000, 100_000, 200_000],
    "regional": [100, 500, 1_000, 1_001],
    "official": [1_000, 10_000, 50_000, 50_001],
    "long_text": [200, 800, 1_600, 2_000],
    "bars": [10, 50, 100, 400],
    "notebook07": [200, 1_600],
    "bad_cells": [1_000, 10_000, 50_000],
    "workbook": [220, 1_000, 5_000, 5_001],
    "wide_row": [1, 4, 8, 9],
    "zip_bomb": [16, 65],
}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write_csv(path: Path, rows) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _contract(tmp: Path) -> Path:
    root = tmp / "ds"
    shutil.copytree(CONTRACT, root)
    return root


def _read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _manifest(root: Path, tables: dict[str, str], scheme: str = "kz2021",
              period: tuple[str, str, str] = ("2021-07-01", "2021-12-31", "2021-H2")) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.yml").write_text(
        f"id: bench\ntitle: bench\nperiod: {{start: {period[0]}, end: {period[1]}, label: {period[2]}}}\n"
        f"scheme: {scheme}\nsynthetic: true\ntables:\n"
        + "".join(f"  {name}: {{file: {rel}, schema: {name}}}\n" for name, rel in tables.items()), encoding="utf-8")


def _official_population(root: Path) -> list[list[str]]:
    rows = _read_rows(ROOT / "data" / "raw" / "official" / "indicators.csv")
    return [rows[0]] + [r for r in rows[1:] if r[1] == "population_total"]


def prepare(case: str, size: int, tmp: Path) -> Path:
    """Write the input of ``case`` at ``size``; return what ``load_dataset`` reads."""
    if case == "header":
        root = _contract(tmp)
        rows = _read_rows(root / "regional.csv")
        rows[0] = rows[0] + [f"c{i}" for i in range(size - len(rows[0]))]
        _write_csv(root / "regional.csv", rows[:3])
        return root
    if case == "regional":
        root = _contract(tmp)
        rows = _read_rows(root / "regional.csv")
        _write_csv(root / "regional.csv", rows[:1] + [rows[1 + i % (len(rows) - 1)] for i in range(size)])
        return root
    if case == "official":
        root = tmp / "ds"
        _manifest(root, {"official_indicators": "indicators.csv", "official_indicators_meta": "meta.csv"})
        rows = _official_population(root)
        extra = size - (len(rows) - 1)
        template_row = rows[1]
        for i in range(extra):
            row = list(template_row)
            row[1], row[4], row[7] = "bench_indicator", f"{1900 + i // 1000 % 200}", "false"
            row[2] = str(i)
            row[6] = f"row {i}"
            rows.append(row)
        _write_csv(root / "indicators.csv", rows)
        meta = _read_rows(ROOT / "data" / "raw" / "official" / "indicators_meta.csv")
        meta.append(["bench_indicator", "units", "a generated indicator", "сгенерированный", "1900-2099", "regions",
                     "neutral", ""])
        _write_csv(root / "meta.csv", meta)
        return root
    if case == "notebook07":
        root = prepare("long_text", size, tmp)
        raw = ROOT / "data" / "raw" / "report_2021"
        categories = _read_rows(raw / "info_line_categories.csv")
        categories += [[f"cat_{i}", f"категория обращений номер {i}", str(10 + i), "1"]
                       for i in range(100 - (len(categories) - 1))]
        _write_csv(root / "categories.csv", categories)
        channels = _read_rows(raw / "info_line_channels.csv")
        assert channels[0] == ["channel", "value", "unit", "source_line", "quote_ru", "note"]
        channels += [[f"channel_{i}", str(5 + i), "requests", "1", "цитата", ""]
                     for i in range(100 - (len(channels) - 1))]
        _write_csv(root / "channels.csv", channels)
        shutil.copy(raw / "info_line_totals.csv", root / "totals.csv")
        with open(root / "manifest.yml", "a", encoding="utf-8") as fh:
            fh.write("  info_line_categories: {file: categories.csv, schema: info_line_categories}\n"
                     "  info_line_channels: {file: channels.csv, schema: info_line_channels}\n"
                     "  info_line_totals: {file: totals.csv, schema: info_line_totals}\n")
        return root
    if case == "bad_cells":
        root = tmp / "ds"
        _manifest(root, {"official_indicators": "indicators.csv"})
        rows = _official_population(root)[:1]
        rows += [["=x", "=y", "n/a", "\x01", "2021-13", "", "", "maybe", ""] for _ in range(size)]
        _write_csv(root / "indicators.csv", rows)
        return root
    if case == "long_text":
        root = tmp / "ds"
        _manifest(root, {"official_indicators": "indicators.csv", "info_line_monthly": "monthly.csv"})
        _write_csv(root / "indicators.csv", _official_population(root))
        rows = [["month", "date_from", "date_to", "requests_count", "description_ru", "source_line", "note"]]
        start = dt.date(2021, 7, 1)
        for i in range(size):
            first = start + dt.timedelta(days=i % 150)
            last = first + dt.timedelta(days=i // 150)  # (date_from, date_to) is the key: each pair once
            text = (f"наблюдение {i}: " + "обращения на линию " * 600)[:10_000]
            rows.append([first.strftime("%Y-%m"), first.isoformat(), last.isoformat(), str(i), text, str(i + 1), ""])
        _write_csv(root / "monthly.csv", rows)
        return root
    if case == "workbook":
        import openpyxl

        from vstudy.data import template

        out = tmp / "book"
        template.write_template("kz2022", out, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
        book = out / "book.xlsx"
        wb = openpyxl.load_workbook(book)
        ws = wb["events_by_direction"]
        first = [c.value for c in ws[2]]
        for r in range(ws.max_row + 1, size + 2):
            for c, value in enumerate(first, start=1):
                ws.cell(r, c, value)
        wb.save(book)
        return book
    if case == "wide_row":
        from vstudy.data import template

        out = tmp / "book"
        template.write_template("kz2022", out, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
        book, wide = out / "book.xlsx", out / "wide.xlsx"
        part = _sheet_part(book, "regional")
        cell = '<c t="n"><v>1</v></c>'
        xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
               '<row r="1">' + cell * ((size * 1024 * 1024 - 200) // len(cell)) + "</row></sheetData></worksheet>")
        with zipfile.ZipFile(book) as zin, zipfile.ZipFile(wide, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in zin.namelist():
                zout.writestr(name, xml if name == part else zin.read(name))
        return wide
    if case == "zip_bomb":
        from vstudy.data import template

        out = tmp / "book"
        template.write_template("kz2022", out, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
        book = out / "book.xlsx"
        with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/media/padding.bin", b"\0" * (size * 1024 * 1024))
        return book
    raise ValueError(case)


def _sheet_part(book: Path, sheet: str) -> str:
    import re

    with zipfile.ZipFile(book) as z:
        workbook_xml = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="(rId\d+)"', workbook_xml).group(1)
    target = (re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels)
              or re.search(rf'Target="([^"]+)"[^>]*Id="{rid}"', rels)).group(1)
    return "xl/" + target.lstrip("/").removeprefix("xl/")


def measure(case: str, size: int) -> dict:
    """Run one case in this process (called in a fresh process by :func:`main`)."""
    import pandas  # noqa: F401 - the baseline includes what validation imports anyway

    from vstudy.data import datasets

    with tempfile.TemporaryDirectory() as tmp:
        if case == "bars":
            return _bars(size, Path(tmp))
        if case == "notebook07":
            return _notebook07(size, Path(tmp))
        target = prepare(case, size, Path(tmp))
        nbytes = (sum(p.stat().st_size for p in target.rglob("*") if p.is_file()) if target.is_dir()
                  else target.stat().st_size)
        base = _rss_mb()
        t0 = time.perf_counter()
        ds = datasets.load_dataset(target)
        seconds = time.perf_counter() - t0
        rules = sorted({p.rule for p in ds.errors})
        out = {"bytes": nbytes, "seconds": seconds, "base_mb": base, "peak_mb": _rss_mb(),
               "outcome": "valid" if ds.ok else "refused: " + ", ".join(rules[:4]),
               "lines": sum(1 for _ in ds.problems)}
        if case == "long_text" and ds.ok:
            t0 = time.perf_counter()
            _section07(ds, Path(tmp))
            out["section_seconds"] = time.perf_counter() - t0
            out["section_peak_mb"] = _rss_mb()
        return out


def _section07(ds, tmp: Path) -> None:
    """Section 07's calls on the dataset's processed tables: tables, sentences, the table shown, the figures."""
    import matplotlib

    matplotlib.use("Agg")
    from vstudy.analysis import infoline
    from vstudy.data import processed
    from vstudy.present import views
    from vstudy.present.prose import infoline as prose

    tables = processed.build(ds)
    monthly = tables.get("info_line_monthly")
    obs = infoline.observations(monthly)
    obs.to_csv(tmp / "monthly.csv", index=False)
    for lang in ("en", "ru"):
        prose.observations_text(obs, None, None, None, lang=lang)
        shown = views.show(obs, "07_information_line", "monthly", lang)
        if shown is not None:  # what the notebook's output holds: the Markdown and the HTML of the table
            shown._repr_markdown_()
            shown._repr_html_()


def _notebook07(size: int, tmp: Path) -> dict:
    root = prepare("notebook07", size, tmp)
    nbytes = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    vstudy = Path(sys.executable).with_name("vstudy")
    t0 = time.perf_counter()
    proc = subprocess.run([str(vstudy), "build", "--data", str(root), "--only", "07_information_line", "--lang", "en",
                           "--no-render", "--jobs", "1", "--output", str(tmp / "out"), "--processed",
                           str(tmp / "processed")], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    executed = tmp / "out" / "en" / "notebooks" / "07_information_line.ipynb"
    outcome = (f"built, executed notebook {executed.stat().st_size / 1e6:.1f} MB" if executed.is_file()
               else f"exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}")
    return {"bytes": nbytes, "seconds": seconds, "base_mb": _rss_mb(), "peak_mb": peak, "outcome": outcome,
            "lines": 0}


def _bars(size: int, tmp: Path) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from vstudy.analysis import infoline
    from vstudy.present import figures, notebook

    categories = pd.DataFrame({"category_id": [f"c{i}" for i in range(size)],
                               "label_ru": [f"категория обращений номер {i}" for i in range(size)],
                               "requests_count": list(range(1, size + 1))})
    base = _rss_mb()
    t0 = time.perf_counter()
    table = infoline.categories_table(categories, None, "en")
    fig = figures.plot_categories(table, "en")
    notebook.show_figure(fig[0], "07_information_line", "categories", tmp, None, False)
    png = sum(p.stat().st_size for p in tmp.rglob("*.png"))
    return {"bytes": png, "seconds": time.perf_counter() - t0, "base_mb": base, "peak_mb": _rss_mb(),
            "outcome": f"figure {fig[0].get_size_inches()[1]:.0f} in tall", "lines": 0}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(argv[1], int(argv[2]))))
        return 0
    cases = argv or list(SIZES)
    from vstudy.data import limits

    print("Limits (vstudy.data.limits):")
    for limit in limits.LIMITS:
        print(f"  {limit.name:<28} {limit.shown}")
    print()
    header = (f"{'case':<10} {'size':>8} {'input MB':>9} {'seconds':>8} {'base MB':>8} {'peak MB':>8} "
              f"{'lines':>6}  outcome")
    print(header)
    print("-" * len(header))
    for case in cases:
        for size in SIZES[case]:
            proc = subprocess.run([sys.executable, __file__, "--one", case, str(size)], capture_output=True,
                                  text=True, cwd=ROOT)
            if proc.returncode != 0:
                print(f"{case:<10} {size:>8,}  FAILED: {proc.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{case:<10} {size:>8,} {r['bytes'] / 1e6:>9.2f} {r['seconds']:>8.2f} {r['base_mb']:>8.0f} "
                  f"{r['peak_mb']:>8.0f} {r['lines']:>6}  {r['outcome']}")
            if "section_seconds" in r:
                print(f"{'':<10} {'':>8} {'':>9} {r['section_seconds']:>8.2f} {'':>8} {r['section_peak_mb']:>8.0f}"
                      f" {'':>6}  section 07's tables, sentences and views on it")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
