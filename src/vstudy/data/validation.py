"""Checking data against the declared tables: each cell by its column, then keys, regions and row rules.

:func:`read_and_check` reads a raw CSV within the limits of :mod:`vstudy.data.limits` (the header alone first,
rows counted while splitting) and :func:`check_records` checks a header and its records (a CSV's, or a workbook
sheet's); :func:`check_frame` checks a typed frame (raw or processed). Every check returns
:class:`vstudy.data.problems.Problem` records and never raises for bad content; each step is linear in the input.
"""

from __future__ import annotations

import collections
import difflib
import functools
import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from vstudy.data import limits, parsing, regions
from vstudy.data.errata import Erratum
from vstudy.data.problems import Problem
from vstudy.data.schema_model import (
    NATIONAL_CODE,
    Column,
    CountOrShare,
    CoveredOrLeftOut,
    DistinctGroups,
    GroupSum,
    LineRanges,
    PartsSumToTotal,
    PartsWithinTotal,
    RegionRule,
    RowSum,
    Rule,
    SharesSum,
    TableSchema,
)


def read_and_check(path: Path, schema: TableSchema, file_label: str, scheme: str,
                   errata: Sequence[Erratum] = (), data: bytes | None = None,
                   period: tuple | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a raw CSV, parse every cell by its declared type and run every check of ``schema``.

    ``data``: the file's bytes when the caller read them already (vstudy.data.manifest.read_file, which
    confines and size-limits the read); ``period``: the dataset's (start, end) dates for in-period checks.
    Returns the typed frame (with ``_line`` = CSV line and, for tables with a region rule, ``region_code``)
    or ``None`` when the file cannot be read at all, and every problem found. Never raises for bad content.
    """
    problems: list[Problem] = []

    def add(row, column, value, rule, message, severity="error"):
        problems.append(Problem(file_label, row, column, None if value is None else str(value), rule, message,
                                severity))

    if data is None:
        from vstudy.data import manifest

        try:
            data = manifest.read_file(path)
        except manifest.Refused as exc:
            add(None, None, None, exc.rule, str(exc))
            return None, problems
    if data.strip() == b"" or data.strip() == parsing._BOM:
        add(None, None, None, "empty_file", "the file is empty (no header, no rows)")
        return None, problems
    try:
        text_ = parsing.decode_csv_bytes(data, file_label)
    except parsing.EncodingRefused as exc:
        add(exc.line, exc.column, None, "encoding_utf8" if exc.likely != "binary" else "binary_file", str(exc))
        return None, problems
    try:
        csv_ = parsing.split_csv(text_, max_rows=schema.max_rows)
    except parsing.CsvRefused as exc:
        add(exc.line, None, None, exc.rule, str(exc)
            + (f" ({schema.name}; see the limits in the README)" if exc.rule == "row_limit" else ""))
        return None, problems
    if not csv_.header:
        add(None, None, None, "empty_file", "the file has no header")
        return None, problems
    if len(csv_.header) == 1:
        hint = parsing.delimiter_hint(text_.split("\n", 1)[0], len(schema.columns))
        if hint:
            add(1, None, None, "delimiter", hint)
            return None, problems
    frame, more = check_records(csv_.header, csv_.records, schema, file_label, scheme, errata, period)
    return frame, problems + more


def check_records(header: list[str], records: Sequence[tuple[int, Sequence[str]]], schema: TableSchema,
                  file_label: str, scheme: str, errata: Sequence[Erratum] = (), period: tuple | None = None
                  ) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Check a header and its records (each with its 1-based line or sheet row) against ``schema``.

    The cells are text as typed (a CSV field, or a workbook cell rendered as text); returns the typed frame
    (``None`` when there are no data rows) and every problem found. ``period``: the dataset's (start, end) dates
    for in-period checks of date columns.

    The same cells are checked once per process for the same schema, label, scheme, errata and period
    (:data:`_CHECKED`); each caller gets its own copy of the frame.
    """
    n_cells = len(records) * max(len(header), 1)
    if n_cells > _CHECKED_MAX_CELLS:
        return _check_records(header, records, schema, file_label, scheme, errata, period)
    cells = repr((tuple(header), tuple((line, tuple(record)) for line, record in records)))
    key = (hashlib.blake2b(cells.encode("utf-8", "backslashreplace"), digest_size=32).digest(), len(cells), schema,
           file_label, scheme, repr(tuple(errata)), period)
    try:
        hash(key)
    except TypeError:  # a caller's period given as a list: checked, not kept
        return _check_records(header, records, schema, file_label, scheme, errata, period)
    with _CHECKED_LOCK:
        entry = _CHECKED.get(key)
        if entry is not None:
            _CHECKED.move_to_end(key)
    if entry is None:
        frame, problems = _check_records(header, records, schema, file_label, scheme, errata, period)
        entry = (None if frame is None else frame.copy(), tuple(problems), n_cells)
        with _CHECKED_LOCK:
            _CHECKED[key] = entry
            while len(_CHECKED) > 1 and (len(_CHECKED) > _CHECKED_MAX
                                         or sum(kept[2] for kept in _CHECKED.values()) > _CHECKED_BUDGET_CELLS):
                _CHECKED.popitem(last=False)
    frame, problems, _ = entry
    return (None if frame is None else frame.copy()), list(problems)


# A table's check is a function of its cells and of what they are checked against (schema, label, scheme, errata,
# period; the gazetteer and the limits are fixed for the process): a dataset validated again in one process (a
# notebook re-run, a directory compared with the workbook beside it and back, a copy of a dataset with one table
# changed) re-checks only the tables whose cells changed. Problems are frozen; frames are copied in and out.
_CHECKED: collections.OrderedDict[tuple, tuple[pd.DataFrame | None, tuple[Problem, ...], int]] = \
    collections.OrderedDict()
_CHECKED_LOCK = threading.Lock()
_CHECKED_MAX = 64  # tables
_CHECKED_MAX_CELLS = 200_000  # larger tables are checked every time (the 2021 dataset's largest: 2,880 cells)
# Cells kept in all (the oldest go first): a few tens of MB at most, whatever the inputs within the limits.
_CHECKED_BUDGET_CELLS = 1_000_000


def _check_records(header: list[str], records: Sequence[tuple[int, Sequence[str]]], schema: TableSchema,
                   file_label: str, scheme: str, errata: Sequence[Erratum], period: tuple | None
                   ) -> tuple[pd.DataFrame | None, list[Problem]]:
    problems: list[Problem] = []

    def add(row, column, value, rule, message, severity="error"):
        problems.append(Problem(file_label, row, column, None if value is None else str(value), rule, message,
                                severity))

    if len(header) > limits.MAX_COLUMNS:
        add(1, None, None, "column_limit", f"the header has {len(header):,} columns; the limit is "
            f"{limits.MAX_COLUMNS:,}")
        return None, problems
    if len(records) > schema.max_rows:
        add(records[schema.max_rows][0], None, None, "row_limit", f"the table has {len(records):,} data rows; the "
            f"limit for {schema.name} is {schema.max_rows:,} (see the limits in the README)")
        return None, problems
    declared = schema.names
    declared_set = set(declared)
    header_set = set(header)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            add(1, name, name, "duplicate_column", f"column {name!r} appears twice in the header")
        seen.add(name)
    missing = [c.name for c in schema.columns if c.required and c.name not in header_set]
    extra = [h for h in header if h not in declared_set]
    shown_header = ", ".join(h[:40] for h in header[:30]) + (" …" if len(header) > 30 else "")
    for name in missing:
        add(1, name, None, "missing_column", f"required column {name!r} is missing (header: {shown_header})")
    renamed = dict(schema.renamed)
    for name in extra:
        if name in renamed:
            add(1, name, name, "renamed_column", f"column {name!r} is not in schema {schema.name!r}: its text "
                f"goes in the column {renamed[name]!r} (rename {name!r} to {renamed[name]!r})")
            continue
        close = difflib.get_close_matches(name, declared, n=1, cutoff=0.75)
        hint = f"did you mean {close[0]!r}? " if close else ""
        add(1, name[:80], name[:80], "extra_column", f"column {name[:80]!r} is not in schema {schema.name!r} "
            f"({hint}expected: {', '.join(declared)})")
    if not records and schema.min_rows > 0:
        add(None, None, None, "empty_file", f"the file has a header but no data rows (schema {schema.name!r} "
            f"needs at least {schema.min_rows})")
        return None, problems

    present = [c for c in schema.columns if c.name in header_set]
    position: dict[str, int] = {}
    for i, name in enumerate(header):
        position.setdefault(name, i)  # the first of a duplicated column (reported above), in linear time
    values: dict[str, list] = {c.name: [] for c in present}
    lines: list[int] = []
    for line_no, record in records:
        if len(record) != len(header):
            add(line_no, None, ",".join(record)[:80], "field_count",
                f"row has {len(record)} fields, the header has {len(header)}")
        lines.append(line_no)
        for col in present:
            i = position[col.name]
            raw = record[i] if i < len(record) else ""
            values[col.name].append(_parse_cell(raw, col, line_no, add, period))
    frame = pd.DataFrame({c.name: pd.Series(values[c.name], dtype=_pandas_dtype(c.dtype)) for c in present})
    frame.insert(0, "_line", pd.Series(lines, dtype="int64"))
    problems += check_frame(frame, schema, file_label, scheme, errata, cells_checked=True)
    return frame, problems


def _pandas_dtype(dtype: str) -> str:
    return {"str": "str", "float": "Float64", "int": "Int64", "bool": "boolean"}[dtype]


def _parse_cell(raw: str, col: Column, line_no: int, add, period: tuple | None = None) -> object:
    """One cell by its column's declaration; a problem (never an exception) for anything that does not fit."""
    cell = raw.strip()
    if cell == "":
        if not col.nullable:
            add(line_no, col.name, raw, "not_null", f"{col.name} must not be empty")
        return None
    if len(cell) > parsing.MAX_CELL_CHARS:
        add(line_no, col.name, None, "cell_size",
            f"the cell has {len(cell):,} characters; the limit is {parsing.MAX_CELL_CHARS:,}")
        return None
    if col.dtype == "str":
        issue = parsing.text_problem(cell)
        if issue is not None:
            add(line_no, col.name, parsing.visible(cell), *issue)
            return None
        if col.date is not None and not _date_ok(cell, col, line_no, add, period):
            return None
        return cell
    try:
        if col.dtype == "bool":
            return parsing.parse_bool(cell)
        return parsing.parse_number(cell, percent=col.percent, integer=col.dtype == "int")
    except parsing.NumberTooLarge as exc:
        add(line_no, col.name, cell[:40], "number_range", f"{exc}; {col.name} is declared {col.dtype}")
        return None
    except ValueError as exc:
        add(line_no, col.name, raw[:80], "dtype", f"{exc}; {col.name} is declared {col.dtype}"
            + (" (percent)" if col.percent else ""))
        return None


def _date_ok(cell: str, col: Column, line_no: int, add, period: tuple | None) -> bool:
    """The calendar check of a date column (``Column.date``); False after reporting a problem."""
    try:
        if col.date.startswith("day"):
            day = parsing.parse_day(cell)
            span = (day, day)
        elif col.date.startswith("month"):
            span = parsing.parse_month(cell)
        else:
            span = parsing.parse_ref_period(cell)
    except ValueError as exc:
        add(line_no, col.name, cell[:40], "date", str(exc))
        return False
    if col.date.endswith("_in_period") and period is not None and span is not None:
        start, end = period
        if span[1] < start or span[0] > end:
            add(line_no, col.name, cell, "date_in_period",
                f"{cell} is outside the dataset's period {start.isoformat()} – {end.isoformat()} (manifest.yml)")
            return False
    return True


def _range_rule(col: Column) -> str:
    if col.percent:
        return "share_0_100"
    if col.dtype == "int" and col.min == 0:
        return "non_negative_count"
    return "range"


def check_frame(frame: pd.DataFrame, schema: TableSchema, file_label: str, scheme: str,
                errata: Sequence[Erratum] = (), cells_checked: bool = False) -> list[Problem]:
    """Column values, keys and row rules on a typed frame. Adds ``region_code`` for raw region rules.

    ``_line`` gives each row's CSV line; when absent (a processed frame) line = position + 2.
    ``cells_checked``: the header and empty cells were checked while parsing (raw files); skip them here.
    """
    problems: list[Problem] = []
    if "_line" not in frame.columns:
        frame.insert(0, "_line", pd.Series(range(2, len(frame) + 2), index=frame.index, dtype="int64"))

    def add(row, column, value, rule, message, severity="error", erratum=None):
        problems.append(Problem(file_label, None if row is None else int(row), column,
                                None if value is None else str(value), rule, message, severity, erratum))

    for col in schema.columns:
        if col.name not in frame.columns:
            if col.required and not cells_checked:
                add(1, col.name, None, "missing_column", f"required column {col.name!r} is missing")
            continue
        s = frame[col.name]
        notna = s.notna()
        if not col.nullable and not cells_checked:
            for ln in frame.loc[~notna, "_line"]:
                add(ln, col.name, None, "not_null", f"{col.name} must not be empty")
        if col.min is not None or col.max is not None:
            num = pd.to_numeric(s, errors="coerce")
            bad = notna & (((num < col.min) if col.min is not None else False)
                           | ((num > col.max) if col.max is not None else False))
            lo = "-inf" if col.min is None else f"{col.min:g}"
            hi = "inf" if col.max is None else f"{col.max:g}"
            for ln, v in zip(frame.loc[bad, "_line"], s[bad], strict=True):
                add(ln, col.name, v, _range_rule(col), f"{col.name} = {v} is outside [{lo}, {hi}]")
        if col.allowed is not None:
            bad = notna & ~s.astype(str).isin(col.allowed)
            for ln, v in zip(frame.loc[bad, "_line"], s[bad], strict=True):
                add(ln, col.name, v, "allowed_values", f"{v!r} is not one of {', '.join(col.allowed)}")
        if col.pattern is not None:
            bad = notna & ~s.astype(str).str.fullmatch(col.pattern)
            for ln, v in zip(frame.loc[bad, "_line"], s[bad], strict=True):
                add(ln, col.name, v, "pattern", f"{v!r} does not match {col.pattern}")

    # Whole duplicated rows first (the clearest message), then key duplicates among the rest.
    data_cols = [c for c in frame.columns if c != "_line" and c in schema.names]
    dup_full = frame.duplicated(subset=data_cols, keep="first") if data_cols else pd.Series(False, index=frame.index)
    if dup_full.any():
        first_line = frame.groupby(data_cols, dropna=False, sort=False)["_line"].transform("min")
        column = schema.keys[0] if schema.keys else data_cols[0]
        for idx in frame.index[dup_full]:
            add(frame.at[idx, "_line"], column, frame.at[idx, column],
                "duplicate_row", f"the whole row duplicates line {first_line[idx]}")
    if schema.keys and all(k in frame.columns for k in schema.keys):
        keyed = frame[~dup_full]
        dup_key = keyed.duplicated(subset=list(schema.keys), keep=False)
        seen_lines: dict[tuple, int] = {}
        for _, row in keyed[dup_key].iterrows():
            key = tuple(row[k] for k in schema.keys)
            if key in seen_lines:
                add(row["_line"], schema.keys[0], key[0] if len(key) == 1 else key, "unique_key",
                    f"key ({', '.join(schema.keys)}) = {key} repeats line {seen_lines[key]}")
            else:
                seen_lines[key] = row["_line"]

    for rule in schema.rules:
        if isinstance(rule, RegionRule):
            problems += _check_regions(frame, rule, file_label, scheme)
    for rule in schema.rules:
        if isinstance(rule, RegionRule):
            continue
        needed = {GroupSum: lambda r: [r.value, *r.group_by], RowSum: lambda r: list(r.columns),
                  DistinctGroups: lambda r: [r.group_by, *r.compare],
                  PartsWithinTotal: lambda r: [r.total], PartsSumToTotal: lambda r: [r.total, *r.parts],
                  SharesSum: lambda r: [], CountOrShare: lambda r: [],
                  LineRanges: lambda r: [r.first, r.last],
                  CoveredOrLeftOut: lambda r: [r.kind, r.covered_by]}[type(rule)](rule)
        if any(c not in frame.columns for c in needed):
            continue  # a missing column or an unresolved region was reported already
        for violation_rows, column, value, message in _row_rule_violations(frame, rule):
            covering = [e.erratum_id for e in errata if e.covers(file_label, rule, violation_rows)]
            first = int(violation_rows["_line"].min())
            if covering:
                add(first, column, value, rule.rule_id, message, "warning", ", ".join(covering))
            else:
                add(first, column, value, rule.rule_id, message, getattr(rule, "severity", "error"))
    return problems


def _check_regions(frame: pd.DataFrame, rule: RegionRule, file_label: str, scheme: str) -> list[Problem]:
    problems: list[Problem] = []
    if rule.column not in frame.columns:
        return problems
    units = set(scheme_codes(scheme))
    names = frame[rule.column]
    applies = pd.Series(True, index=frame.index)
    if rule.only_where is not None and rule.only_where[0] in frame.columns:
        applies = frame[rule.only_where[0]].astype(str).isin(rule.only_where[1])
    unique_scope = applies.copy()
    if rule.once_only_where is not None and rule.once_only_where[0] in frame.columns:
        unique_scope &= frame[rule.once_only_where[0]].astype(str).isin(rule.once_only_where[1])
    codes: list[str | None] = []
    for idx, value in names.items():
        code = None
        if pd.isna(value):
            codes.append(None)
            continue
        if rule.codes:
            code = value if value in units else None
            if code is None:
                problems.append(Problem(file_label, int(frame.at[idx, "_line"]), rule.column, value,
                                        "region_in_scheme", f"{value!r} is not a unit of {scheme}"))
        elif rule.allow_national and regions.is_national(value):
            code = NATIONAL_CODE
        else:
            try:
                code = resolve_name(value, scheme if rule.scheme == "dataset" else None)
            except regions.RegionNotFound as exc:
                if applies[idx]:
                    problems.append(Problem(file_label, int(frame.at[idx, "_line"]), rule.column, value,
                                            "region_resolves", str(exc)))
        codes.append(code)
    if not rule.codes and ("region_code" not in frame.columns or rule.canonical):
        frame["region_code"] = pd.Series(codes, index=frame.index, dtype="str")
    code_series = pd.Series(codes, index=frame.index)
    scope = frame[unique_scope & code_series.notna() & (code_series != NATIONAL_CODE)]
    scope_codes = code_series[scope.index]
    groups = scope.groupby(list(rule.group_by), sort=True, dropna=False) if rule.group_by else [((), scope)]
    for gkey, group in groups:
        label = _group_label(rule.group_by, gkey)
        gcodes = scope_codes[group.index]
        keys = list(rule.unique_within or ())
        dup_frame = pd.DataFrame({"code": gcodes, **{k: group[k] for k in keys}})
        dups = dup_frame.duplicated(keep="first")
        first_of: dict[tuple, object] = {}
        for idx, key in zip(dup_frame.index, dup_frame.itertuples(index=False, name=None), strict=True):
            first_of.setdefault(key, idx)
        for idx, key in zip(dup_frame.index[dups], dup_frame[dups].itertuples(index=False, name=None),
                            strict=True):
            first = first_of[key]
            line_first, line_again = int(frame.at[first, "_line"]), int(frame.at[idx, "_line"])
            given_first, given_again = str(names[first]), str(names[idx])  # as written, before resolving
            spelled = (f"as {given_first!r} and {given_again!r}" if given_first != given_again
                       else f"as {given_first!r} both times")
            problems.append(Problem(file_label, line_again, rule.column, given_again, "region_once",
                                    f"{gcodes[idx]} {unit_name(gcodes[idx])} is given on rows {line_first} and "
                                    f"{line_again} ({spelled}){label}: each unit once"))
        if rule.complete:
            missing = sorted(units - set(gcodes))
            # Rows whose name did not resolve (errors above) may be the missing units: a warning naming the gap,
            # not a knock-on error.
            unresolved = [int(frame.at[i, "_line"]) for i, c in zip(frame.index, codes, strict=True)
                          if c is None and applies[i] and pd.notna(names[i])] if not rule.group_by else []
            knock_on = bool(missing) and len(missing) <= len(unresolved)
            if missing:
                problems.append(Problem(
                    file_label, int(group["_line"].min()) if len(group) else None, rule.column, None,
                    "region_complete",
                    f"units of {scheme} missing{label}: {', '.join(f'{c} {unit_name(c)}' for c in missing)}"
                    + (f" (is it the name on line {', '.join(map(str, unresolved))} that does not resolve?)"
                       if knock_on else ""), "warning" if knock_on else "error"))
    return problems


@functools.lru_cache(maxsize=8)
def scheme_codes(scheme: str) -> tuple[str, ...]:
    """The codes of a scheme (cached: resolving hundreds of names must not rebuild the unit table each time)."""
    return tuple(regions.codes(scheme))


@functools.lru_cache(maxsize=256)
def unit_name(code: str) -> str:
    """:func:`regions.name`, cached: a table repeating a unit names it in a message per row (linear, not 3 ms each)."""
    return regions.name(code)


@functools.lru_cache(maxsize=4096)
def resolve_name(name: str, scheme: str | None = None) -> str:
    """:func:`regions.resolve`, cached: a table repeats the same names on many rows."""
    return regions.resolve(name, scheme)


def _group_label(group_by: tuple[str, ...], key) -> str:
    if not group_by:
        return ""
    key = key if isinstance(key, tuple) else (key,)
    return " in " + ", ".join(f"{c}={v}" for c, v in zip(group_by, key, strict=True))


def _row_rule_violations(frame: pd.DataFrame, rule: Rule):
    """Yield (rows, column, value, message) for each violation of a row rule."""
    if isinstance(rule, GroupSum):
        data = frame
        if rule.group_by:
            data = frame[frame[list(rule.group_by)].notna().all(axis=1)]
            if "region_code" in rule.group_by:
                data = data[data["region_code"] != NATIONAL_CODE]
        groups = data.groupby(list(rule.group_by), sort=True) if rule.group_by else [((), data)]
        for gkey, group in groups:
            vals = pd.to_numeric(group[rule.value], errors="coerce")
            total = round(float(vals.sum(skipna=True)), 6)
            n_missing = int(vals.isna().sum())
            tolerance = rule.tolerance(len(vals))
            if n_missing or abs(total - rule.target) > tolerance + 1e-9:
                label = _group_label(rule.group_by, gkey)
                lines_ = ", ".join(str(v) for v in group["_line"])
                extra = f" ({n_missing} value(s) empty)" if n_missing else ""
                yield (group, rule.value, f"{total:g}",
                       f"sum of {rule.value}{label} is {total:g}{extra}, expected {rule.target:g} ± "
                       f"{tolerance:.3g} ({len(vals)} shares × {rule.rounding:g} rounding); lines {lines_}")
    elif isinstance(rule, RowSum):
        vals = frame[list(rule.columns)].apply(pd.to_numeric, errors="coerce")
        totals = vals.sum(axis=1, skipna=False)
        for idx in frame.index:
            total = totals[idx]
            if pd.isna(total):
                continue
            tolerance = len(rule.columns) * rule.rounding
            if abs(float(total) - rule.target) > tolerance + 1e-9:
                yield (frame.loc[[idx]], rule.columns[0], f"{float(total):g}",
                       f"{' + '.join(rule.columns)} = {float(total):g}, expected {rule.target:g} ± "
                       f"{tolerance:g} ({len(rule.columns)} shares × {rule.rounding:g} rounding)")
    elif isinstance(rule, (PartsWithinTotal, PartsSumToTotal, SharesSum, CountOrShare)):
        yield from _contract_rule_violations(frame, rule)
    elif isinstance(rule, LineRanges):
        yield from _line_range_violations(frame, rule)
    elif isinstance(rule, CoveredOrLeftOut):
        yield from _coverage_violations(frame, rule)
    elif isinstance(rule, DistinctGroups):
        signatures: dict[tuple, object] = {}
        for gkey, group in frame.groupby(rule.group_by, sort=False):
            sig = tuple(sorted(tuple(str(v) for v in r) for r in group[list(rule.compare)].itertuples(index=False)))
            if sig in signatures:
                yield (group, rule.group_by, gkey,
                       f"the list {rule.group_by}={gkey} is identical to the list {rule.group_by}="
                       f"{signatures[sig]} ({', '.join(rule.compare)}); lines "
                       f"{int(group['_line'].min())}-{int(group['_line'].max())}")
            else:
                signatures[sig] = gkey


def _line_range_violations(frame: pd.DataFrame, rule: LineRanges):
    """Each row's range against the one before it (and the text's first and last line): one violation per row."""
    expected = rule.start
    for idx in frame.index:
        first = pd.to_numeric(pd.Series([frame.at[idx, rule.first]]), errors="coerce").iloc[0]
        last = pd.to_numeric(pd.Series([frame.at[idx, rule.last]]), errors="coerce").iloc[0]
        if pd.isna(first) or pd.isna(last):
            return  # an empty or non-numeric bound was reported by its column check
        first, last = int(first), int(last)
        row = frame.loc[[idx]]
        if last < first:
            yield (row, rule.last, str(last), f"{rule.last} = {last} is before {rule.first} = {first}")
        elif first != expected:
            what = "overlaps the range before it" if first < expected else \
                f"leaves lines {expected}–{first - 1} in no range"
            yield (row, rule.first, str(first),
                   f"{rule.first} = {first} {what}: the range must start at line {expected}")
        expected = max(expected, last + 1)
    if rule.end is not None and expected != rule.end + 1 and len(frame):
        row = frame.loc[[frame.index[-1]]]
        yield (row, rule.last, str(expected - 1),
               f"the last range ends at line {expected - 1}, the text at line {rule.end}")


def _coverage_violations(frame: pd.DataFrame, rule: CoveredOrLeftOut):
    """A chapter's kind against where it goes (``covered_by``) and the reason given for what is left out."""
    for idx in frame.index:
        kind, covered = str(frame.at[idx, rule.kind]), str(frame.at[idx, rule.covered_by])
        reason = frame.at[idx, rule.reason] if rule.reason in frame.columns else None
        has_reason = reason is not None and not pd.isna(reason) and str(reason).strip() != ""
        left_out = covered == rule.left_out
        wants = {"quantitative": (False, False), "qualitative": (True, True), "mixed": (False, True)}.get(kind)
        if wants is None:
            continue  # an unknown kind was reported by its column check
        if left_out != wants[0]:
            need = f"{rule.left_out!r}" if wants[0] else "the sections that cover it"
            yield (frame.loc[[idx]], rule.covered_by, covered, f"a {kind} chapter must have {need} in {rule.covered_by}")
        elif has_reason != wants[1]:
            need = f"a {rule.reason}" if wants[1] else f"no {rule.reason}"
            yield (frame.loc[[idx]], rule.reason, None if not has_reason else str(reason),
                   f"a {kind} chapter must have {need}")


def _decimals(value: float) -> int:
    """Decimals a typed share carried (25 → 0, 25.5 → 1, 25.25 → 2)."""
    if float(value).is_integer():
        return 0
    text_ = repr(float(value))
    return 0 if "e" in text_ else len(text_.split(".")[1])


def _contract_rule_violations(frame: pd.DataFrame, rule: Rule):
    """Row rules of the collection contract: one violation per row (and column where it names one)."""
    def num(col: str) -> pd.Series:
        # A negative count was reported by its own range check: it takes no part in the sums (no cascade).
        values = pd.to_numeric(frame[col], errors="coerce") if col in frame.columns else pd.Series(
            float("nan"), index=frame.index)
        return values.where(values >= 0) if isinstance(rule, PartsWithinTotal | PartsSumToTotal) else values

    if isinstance(rule, PartsWithinTotal):
        total = num(rule.total)
        for part in rule.parts:
            values = num(part)
            bad = values.notna() & total.notna() & (values > total)
            for idx in frame.index[bad]:
                yield (frame.loc[[idx]], part, f"{values[idx]:g}",
                       f"{part} = {values[idx]:g} exceeds {rule.total} = {total[idx]:g} on the same row")
    elif isinstance(rule, PartsSumToTotal):
        total = num(rule.total)
        parts = pd.concat([num(p) for p in rule.parts], axis=1)
        complete = parts.notna().all(axis=1) & total.notna()
        sums = parts.sum(axis=1)
        for idx in frame.index[complete]:
            gap = float(sums[idx] - total[idx])
            allowed = rule.tolerance_pct / 100 * float(total[idx])
            if abs(gap) > allowed + 1e-9:
                yield (frame.loc[[idx]], rule.parts[0], f"{sums[idx]:g}",
                       f"{' + '.join(rule.parts)} = {sums[idx]:g} but {rule.total} = {total[idx]:g} "
                       f"(difference {gap:+g}, more than {rule.tolerance_pct:g} % of the total)")
    elif isinstance(rule, SharesSum):
        present = [c for c in rule.columns if c in frame.columns]
        if not present:
            return
        shares = pd.concat([num(c) for c in present], axis=1)
        for idx in frame.index:
            row = shares.loc[idx].dropna()
            if row.empty:
                continue
            total = float(row.sum())
            tolerance = sum(0.5 * 10 ** -_decimals(v) for v in row)
            complete = len(row) == len(rule.columns)
            if (complete and abs(total - rule.target) > tolerance + 1e-9) or (
                    not complete and total > rule.target + tolerance + 1e-9):
                expected = (f"{rule.target:g} ± {tolerance:g}" if complete
                            else f"at most {rule.target:g} + {tolerance:g} with {len(rule.columns) - len(row)} "
                                 "share(s) empty")
                yield (frame.loc[[idx]], str(row.index[0]), f"{total:g}",
                       f"{' + '.join(row.index)} = {total:g}, expected {expected} (rounding of the shares as typed)")
    elif isinstance(rule, CountOrShare):
        for count_col, pct_col in rule.pairs:
            if count_col not in frame.columns or pct_col not in frame.columns:
                continue
            both = frame[count_col].notna() & frame[pct_col].notna()
            for idx in frame.index[both]:
                yield (frame.loc[[idx]], pct_col, str(frame.at[idx, pct_col]),
                       f"both {count_col} and {pct_col} are given on this row: give the count or the share, not both")


