"""What each section notebook shows its reader: one column spec per displayed table, and :func:`show`.

A notebook saves the machine table (``study.save(frame, name)``: ids, units in the column names, full precision,
for download and for the tests) and displays the reader's view of the same frame (``study.show(frame, name)``),
made by :func:`vstudy.present.tables.reader_table` from the spec declared here under ``"<section>/<name>"``:
the columns shown, in order, with their formats; columns a spec marks ``optional`` are left out of the page (the
website's and the PDF's alike) when the table would not fit an A4 page or the site's text column otherwise —
they stay in the downloadable CSV, and a note below the table names them. A table without a spec shows every column except the printed duplicates of an id
(``region`` beside ``region_code``, ``direction`` beside ``direction_id``: the id is shown as its label).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from vstudy.present import tables
from vstudy.present.tables import col, msg

# Why a value is missing (the words are the ``tables`` catalogue's, in every edition's language).
NOT_PUBLISHED = msg("tables.reason.not_published")
NOT_COMPUTABLE = msg("tables.reason.not_computable")
NO_INFLUENTIAL = msg("tables.reason.no_influential")

_CORRELATION = [col("pair", "text", label=msg("tables.header.pair")), col("n", "int"), col("r", "r"), col("ci_low", "r"), col("ci_high", "r"),
                col("p_perm", "p"), col("p_holm", "p"), col("p_by", "p", optional=True), col("rho", "r", optional=True),
                col("influential_region", "region", optional=True),
                col("r_without_influential", "r", optional=True), col("rests_on_one_region", "bool"),
                col("flags", "note", optional=True)]

# The units of the official indicators in words (a unit a dataset brings that is not here is shown as spelled).
UNIT_WORDS: dict[str, tables.Msg] = {unit: msg(f"tables.unit.{unit}") for unit in (
    "count", "km2", "kzt_per_month", "pct", "persons", "points_of_100", "rank", "thousand_kzt", "thousand_tonnes",
    "usd", "years")}

# "<section>/<name>" → {"columns": [...], "missing_reason": ..., "notes": [...]} (reader_table's arguments; and
# "localized": {lang: {column: its twin in lang}}, the text a column shows in that edition; "lists": columns of
# ";"-separated items, shown with a space after each ";" so that a cell can wrap; "fit": "cut" when the view
# expects its last columns to leave the page for the CSV, e.g. a matrix whose columns the dataset chooses)
VIEWS: dict[str, dict] = {
    # the data-quality page names the dataset's tables and indicators by their labels (their ids and files are in
    # the downloadable CSV and the data dictionary)
    "00_data_quality/inventory": {"columns": [col("table", "id")]},
    "00_data_quality/coverage": {"columns": [col("indicator_name", "text"),
                                             col("period", "text", values={"undated": msg("tables.cell.undated")}),
                                             col("unit", "text", values=UNIT_WORDS),
                                             col("regions with a value", optional=True),
                                             col("regions of the scheme", optional=True), col("missing", "note")]},
    "00_data_quality/errata": {"columns": ["erratum", "what is wrong", col("evidence", "note"), "report lines",
                                           col("handling", "note"), col("found by", optional=True)],
                                "lists": ["report lines"]},
    # the register's claims and notes in the edition's language: its Russian columns in the Russian edition
    "00_data_quality/differs": {"columns": ["claim", "published_as_printed", col("source_line", "int"),
                                            col("recomputed_value", "num"), col("note", "note")],
                                "localized": {"ru": {"claim": "claim_ru", "note": "note_ru"},
                                              "kk": {"claim": "claim_kk", "note": "note_kk"}}},
    "01_demographics/national_shares": {"columns": ["dimension", "category", col("share_pct", "pct")],
                                        "missing_reason": NOT_PUBLISHED},
    "01_demographics/pension_erratum": {"columns": [
        "region_code", col("age_30_to_pension_pct", "pct"), col("pension_published_pct", "pct"),
        col("pension_corrected_pct", "pct"), col("published_is_duplicate", optional=True),
        col("sum_with_published_pct", "pct"), col("sum_with_corrected_pct", "pct", optional=True)],
        "missing_reason": NOT_PUBLISHED},
    "01_demographics/distance_from_national": {"columns": [
        "region_code", "tvd_age_pp", "tvd_status_pp", "tvd_mean_pp", col("age_largest_gap", optional=True),
        col("age_largest_gap_pp", optional=True), col("status_largest_gap", optional=True),
        col("status_largest_gap_pp", optional=True)]},
    "02_organisations/by_region": {"columns": [
        "region_code", "ngo_count", "initiative_group_count", col("organisations_count", optional=True),
        col("ngo_share_pct", "pct", decimals=1), col("share_of_national_ngo_pct", "pct", decimals=1, optional=True),
        col("share_of_national_groups_pct", "pct", decimals=1, optional=True),
        col("organisations_per_100k", "num", decimals=2), col("ngo_per_100k", "num", decimals=2, optional=True),
        col("initiative_groups_per_100k", "num", decimals=2, optional=True)], "missing_reason": NOT_COMPUTABLE},
    "02_organisations/totals": {"missing_reason": NOT_PUBLISHED},
    # the register's statuses by section: in Russian the last column ("total") does not fit the page
    "00_data_quality/replication_summary": {"fit": "cut"},
    "03_correlations/published_family": {"columns": [
        "coef_id", col("r_published", "r"), col("n", "int"), "ci_low", "ci_high", "p", "p_holm",
        col("p_by", optional=True), col("reading", "note")]},
    "03_correlations/findings": {"columns": _CORRELATION, "missing_reason": NO_INFLUENTIAL, "prepare": "pairs"},
    "03_correlations/subset_pairs": {"columns": _CORRELATION, "missing_reason": NO_INFLUENTIAL,
                                     "prepare": "pairs"},
    "03_correlations/robustness": {"columns": [
        "x", "y", col("n_ols", "int"), col("r_partial", "r"), col("p_partial", "p"), col("slope", "num"),
        col("p_slope_hc3", "p"), col("r2", "r"), col("max_leverage", "r", optional=True),
        col("note_partial", "note", optional=True), col("note_ols", "note", optional=True)],
        "missing_reason": NOT_COMPUTABLE},
    "03_correlations/report_pairs": {"columns": [
        "coef_id", col("r_published", "r"), col("n", "int"), col("r", "r"), col("ci_low", "r", optional=True),
        col("ci_high", "r", optional=True), col("p_perm", "p"), col("p_holm", "p"),
        col("influential_region", "region", optional=True),
        col("flags", "note", optional=True), col("note", "note")], "missing_reason": NOT_COMPUTABLE},
    "04_maps/classification": {"columns": ["variable", col("regions_with_value", optional=True), "min", "max",
                                           "classification", "k", col("skewness", "num", decimals=2, optional=True),
                                           col("outliers", optional=True),
                                           col("justification", "note")]},
    # a region × indicators matrix whose indicators the dataset chooses: the columns that fit the page, the rest
    # in the CSV (named below the table)
    "04_maps/values": {"missing_reason": NOT_PUBLISHED, "fit": "cut"},
    "05_activities/national_shares": {"columns": [
        "direction_id", col("published_pct", "pct"), col("residual_pct", "pct", optional=True),
        col("reconstructed_events", "int", optional=True), col("reconstructed_pct", "pct"), col("difference_pct", "pct"),
        "status"],
        "missing_reason": NOT_PUBLISHED},
    "05_activities/participant_categories": {"columns": [
        "category", "region_code", col("statement", "id"), col("share_of_events_pct", "pct"),
        col("source_line", "int", optional=True)], "missing_reason": NOT_PUBLISHED},
    "05_activities/ways_of_volunteering": {"columns": [
        "way", col("label_ru", "text", label=msg("tables.header.label_in_report")),
        col("share_pct", "pct", decimals=2)], "missing_reason": NOT_PUBLISHED},
    "05_activities/org_directions_values": {"missing_reason": NOT_PUBLISHED},
    "05_activities/events_supplied_vs_reconstructed": {"missing_reason": NOT_PUBLISHED},
    "06_economic_value/by_region": {"missing_reason": NOT_COMPUTABLE},
    "06_economic_value/employee_equivalent": {"columns": [
        col("norm", "id"), col("hours_per_year", "num", decimals=0), col("basis", "id"), col("employees", "num"),
        col("reproduces_published", "bool")]},
    "07_information_line/categories": {"columns": [
        "label", col("requests_count", "int"), col("share_of_categories_pct", "pct"),
        col("share_of_volunteering_requests_pct", "pct")], "missing_reason": NOT_PUBLISHED},
    "07_information_line/channels": {"columns": [
        "label", col("requests", "int"), col("share_of_channel_contacts_pct", "pct"), col("share_of_requests_pct", "pct")],
        "missing_reason": NOT_PUBLISHED},
    "07_information_line/totals": {"columns": ["metric", "value", col("unit", "id", values={
        "percent (approx.: «около»)": msg("tables.cell.approx_about"),
        "percent (approx.: «почти»)": msg("tables.cell.approx_almost"),
        "fraction stated in words («Треть» = one third); no number printed": msg("tables.cell.fraction_in_words")}),
        "source_line"], "missing_reason": NOT_PUBLISHED},
    "07_information_line/checks": {"columns": [
        col("check", "text", values={c: msg(f"labels.term.{c}") for c in (
            "subjects add up to the total", "categories add up to the volunteering requests",
            "channels minus double-counted add up to the total")}),
        col("stated", "int"), col("sum_of_parts", "int"), col("difference", "int")], "missing_reason": NOT_COMPUTABLE},
    "07_information_line/monthly": {"columns": ["month", "date_from", "date_to", col("requests_count", "int"),
                                                col("description_ru", "note"), col("source_line", "int")],
                                    "missing_reason": NOT_PUBLISHED},
}

_DUPLICATES = {"region": "region_code", "direction": "direction_id"}  # printed label → the id shown as its label


def with_pair_labels(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with a ``pair`` column naming its two variables (``x``, ``y``) in the edition's language."""
    from vstudy.analysis import correlations as cs

    xs = frame.get("x_scale", pd.Series(["linear"] * len(frame), index=frame.index))
    ys = frame.get("y_scale", pd.Series(["linear"] * len(frame), index=frame.index))
    pairs = [f"{cs.scaled_label(x, xs_, lang)} × {cs.scaled_label(y, ys_, lang)}"
             for x, y, xs_, ys_ in zip(frame["x"], frame["y"], xs, ys, strict=True)]
    return frame.assign(pair=pairs)


def in_language(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with each column of ``columns`` (``{"claim": "claim_ru"}``) showing its twin in the edition's
    language, cell by cell where the twin has text (a frame without the twin keeps its own text)."""
    out = frame
    for shown, twin in columns.items():
        if shown in out.columns and twin in out.columns:
            text = out[twin].where(out[twin].notna() & (out[twin].astype(str) != ""), out[shown])
            out = out.assign(**{shown: text})
    return out


def default_columns(frame: pd.DataFrame) -> list[str]:
    """Every column but the printed duplicates of an id column (the id itself is shown as its label)."""
    return [c for c in frame.columns if not (c in _DUPLICATES and _DUPLICATES[c] in frame.columns)]


def spec(section: str, name: str) -> Mapping[str, object]:
    """The declared view of the table ``name`` of ``section`` (empty when it shows the default columns)."""
    return VIEWS.get(f"{section}/{name}", {})


def show(frame: pd.DataFrame | None, section: str, name: str, lang: str, *, csv_link: str | None = None,
         columns: Sequence[object] | None = None) -> tables.ReaderTable | None:
    """The reader's table of ``frame`` (None when the frame is None or empty: the notebook's sentence says why)."""
    if frame is None or frame.empty:
        return None
    view = dict(spec(section, name))
    data = frame
    if not isinstance(frame.index, pd.RangeIndex) and any(n is not None for n in frame.index.names):
        data = frame.reset_index()
    prepare = view.pop("prepare", None)
    data = in_language(data, view.pop("localized", {}).get(lang, {}))
    for name_ in view.pop("lists", ()):
        if name_ in data.columns:
            data = data.assign(**{name_: data[name_].map(lambda v: v.replace(";", "; ") if isinstance(v, str) else v)})
    if prepare == "pairs":
        data = with_pair_labels(data, lang)
    chosen = columns or view.pop("columns", None) or default_columns(data)
    view.pop("columns", None)
    return tables.reader_table(data, [c for c in chosen if (c.name if isinstance(c, tables.Col) else c) in data.columns],
                               lang, csv_link=csv_link, **view)


def sensitivity_table(grid: pd.DataFrame | None, lang: str) -> tables.ReaderTable | None:
    """The value grid for the reader: wage basis × coverage × uplift in rows, hours worked a month in columns,
    billion tenge a year (the long grid stays in ``sensitivity.csv``)."""
    if grid is None or grid.empty:
        return None
    from vstudy.present.prose.economics import with_wage_labels

    order = {basis: i for i, basis in enumerate(dict.fromkeys(grid["wage_basis"]))}  # the analysis's order
    wide = grid.assign(wage_basis=grid["wage_basis"].map(order)).pivot_table(
        index=["wage_basis", "coverage", "employer_uplift"], columns="hours_worked_per_month",
        values="value_bn_kzt_per_year").reset_index()
    wide = with_wage_labels(wide.assign(wage_basis=wide["wage_basis"].map({i: b for b, i in order.items()})), lang)
    hours = [c for c in wide.columns if c not in ("wage_basis", "coverage", "employer_uplift")]
    wide.columns = [str(c) for c in wide.columns]
    wide["coverage"] = wide["coverage"] * 100
    wide["employer_uplift"] = wide["employer_uplift"] * 100
    columns = ["wage_basis", col("coverage", "pct", decimals=0, label=msg("tables.header.coverage_pct")),
               col("employer_uplift", "pct", decimals=0, label=msg("tables.header.employer_uplift_pct"))]
    columns += [col(str(h), "num", decimals=2, label=msg("tables.header.hours_a_month", hours=float(h)))
                for h in hours]
    return tables.reader_table(wide, columns, lang, notes=[msg("tables.note.billion_tenge_a_year")])


def required_table(required: pd.DataFrame | None, lang: str) -> tables.ReaderTable | None:
    """What reaches the published value: per wage basis, the assumption solved for and the value it takes."""
    if required is None or required.empty:
        return None
    from vstudy.present.prose.economics import with_wage_labels

    out = with_wage_labels(required, lang)
    per_cent = out["solve_for"].isin(["coverage", "employer uplift"])
    out["needed_value"] = [v * 100 if pc else v for v, pc in zip(out["value"], per_cent, strict=True)]
    out["coverage"] = out["coverage"] * 100
    return tables.reader_table(out, [
        "wage_basis", col("solve_for", "text", values={
            "coverage": msg("tables.cell.coverage_pct"),
            "employer uplift": msg("tables.cell.employer_uplift_pct"),
            "hours worked per month": msg("tables.cell.hours_worked_a_month")}),
        col("coverage", "pct", decimals=0, label=msg("tables.header.coverage_pct")),
        col("hours_worked_per_month", "num", decimals=0),
        col("needed_value", "num", decimals=1, label=msg("tables.header.needed_value"))],
        lang, missing_reason=msg("tables.reason.solved_for"))
