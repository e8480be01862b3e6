"""The replication register: every number the report publishes against the value recomputed from the raw data.

Each claim gets a row ``claim_id, section, claim, published_value, recomputed_value, difference, status, note``;
``status`` is ``reproduced`` (within the stated rounding tolerance), ``differs`` (the note says why) or
``not reproducible`` (the note says which public input is missing). Published values are read from the raw
tables (headline_figures.csv and the report's other tables); nothing published is typed into this module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from vstudy.analysis import activities, economics
from vstudy.data import regions
from vstudy.vocab import AGE_GROUPS, ECO_DIRECTION, STATUSES

REPRODUCED, DIFFERS, NOT_REPRODUCIBLE = "reproduced", "differs", "not reproducible"
COLUMNS = ["claim_id", "section", "claim", "published_value", "recomputed_value", "difference", "status", "note"]

REPORT_TABLES = (
    "headline_figures", "age_national", "gender_national", "gender_extremes", "age_by_region", "status_national",
    "status_by_region", "organisations_by_region", "event_directions_national", "event_directions_by_region",
    "ways_of_volunteering", "info_line_totals", "info_line_channels", "info_line_categories", "info_line_monthly",
    "correlations_published", "errata", "indicators", "indicators_meta", "volunteers_by_region",
    "events_by_region", "hours_by_region",
)

S00, S01, S02, S03 = "00_data_quality", "01_demographics", "02_organisations", "03_correlations"
S05, S06, S07 = "05_activities", "06_economic_value", "07_information_line"


# --- reading -------------------------------------------------------------------------------------------

SCHEMA_NAMES = {"indicators": "official_indicators", "indicators_meta": "official_indicators_meta"}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable pandas dtypes (Float64, Int64, string) to plain float64 / object, dropping the ``_line`` column."""
    out = frame.drop(columns=[c for c in ("_line",) if c in frame.columns]).copy()
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].astype(object)
        elif pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].astype("float64")
        else:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def load_tables(data_dir: str | Path) -> dict[str, pd.DataFrame | None]:
    """Every table the register can use; None for tables the dataset does not have.

    A dataset with a manifest is read through :func:`vstudy.data.datasets.load_dataset` (typed, validated, region
    codes resolved; tables found by their schema name whatever the manifest calls them). Without a manifest the
    CSVs named like the tables are read from anywhere under ``data_dir``.
    """
    if (Path(data_dir) / "manifest.yml").is_file():
        from vstudy.data import datasets

        ds = datasets.load_dataset(data_dir)
        out: dict[str, pd.DataFrame | None] = {}
        for name in REPORT_TABLES:
            table = datasets.table_by_schema(ds, SCHEMA_NAMES.get(name, name))
            frame = ds.tables.get(table) if table else None
            out[name] = None if frame is None or frame.empty else _plain(frame)
        return out
    return {name: activities.read_table(data_dir, name) for name in REPORT_TABLES}


@functools.lru_cache(maxsize=4096)
def resolve_loose(name: str, scheme: str) -> str | None:
    """Region code for a name, or None (national rows, unknown names); «г. Нур-Султан (Астана)» resolves."""
    return regions.try_resolve(str(name), scheme)


def with_codes(frame: pd.DataFrame, scheme: str, column: str = "region_as_published") -> pd.DataFrame:
    """Add ``region_code`` (None for national rows and unresolved names) and ``is_national``."""
    out = frame.copy()
    if "region_code" not in out.columns:
        out.insert(0, "region_code", [resolve_loose(n, scheme) for n in out[column]])
    names = out[column] if column in out.columns else pd.Series([""] * len(out), index=out.index)
    out["is_national"] = [regions.is_national(n) for n in names]
    return out


def indicators_with_codes(indicators: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """The long official-indicators table with region codes, preferred rows only."""
    frame = indicators.copy()
    if "preferred" in frame.columns:
        frame = frame[frame["preferred"].astype(str).str.lower().isin(["true", "1", "yes"])]
    frame["ref_period"] = frame["ref_period"].astype(str)
    return with_codes(frame, scheme)


def counts_table(frame: pd.DataFrame, scheme: str, value_hint: str) -> pd.DataFrame | None:
    """A supplied per-region count table (volunteers/events/hours) as ``region_code, <value_hint>_count``."""
    if frame is None:
        return None
    out = frame.copy()
    if "region_code" not in out.columns:
        name_col = next((c for c in ("region_as_published", "region", "region_name") if c in out.columns),
                        out.columns[0])
        out = with_codes(out, scheme, name_col)
        out = out[out["region_code"].notna()]
    candidates = [c for c in out.columns if value_hint in c.lower() and pd.api.types.is_numeric_dtype(out[c])]
    if not candidates:
        return None
    col = candidates[0]
    return out.groupby("region_code", as_index=False)[col].sum().rename(columns={col: f"{value_hint}_count"})


# --- recomputations ------------------------------------------------------------------------------------

def reconstruct_organisations(orgs: pd.DataFrame, ngo_total: float, group_total: float, scheme: str) -> pd.DataFrame:
    """NGO and group counts per region from each region's published share of the national totals.

    Returns region_code, ngo_count, initiative_group_count (rounded), their unrounded values, the recomputed
    within-region NGO share and the published one.
    """
    out = with_codes(orgs, scheme)
    out["ngo_exact"] = out["region_share_of_national_ngo_pct"] * ngo_total / 100
    out["group_exact"] = out["region_share_of_national_groups_pct"] * group_total / 100
    out["ngo_count"] = out["ngo_exact"].round().astype(int)
    out["initiative_group_count"] = out["group_exact"].round().astype(int)
    out["organisations_count"] = out["ngo_count"] + out["initiative_group_count"]
    out["ngo_share_recomputed_pct"] = 100 * out["ngo_count"] / out["organisations_count"]
    cols = ["region_code", "region_as_published", "ngo_exact", "group_exact", "ngo_count", "initiative_group_count",
            "organisations_count", "ngo_share_of_region_pct", "ngo_share_recomputed_pct"]
    return out[cols]


def age_wide(age_by_region: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """Regions × age groups as published, plus ``pension_corrected`` = 100 − the other three (erratum E01)."""
    coded = with_codes(age_by_region, scheme)
    wide = coded.pivot_table(index="region_code", columns="age_group", values="share_pct", aggfunc="first")
    others = [g for g in AGE_GROUPS[:3] if g in wide.columns]
    if len(others) == 3:
        wide["pension_corrected"] = (100 - wide[others].sum(axis=1)).round(2)
    return wide


def status_wide(status_by_region: pd.DataFrame, scheme: str) -> pd.DataFrame:
    coded = with_codes(status_by_region, scheme)
    return coded.pivot_table(index="region_code", columns="status", values="share_pct", aggfunc="first")


def weighted_national(shares_wide: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """National shares implied by within-region shares weighted by region totals (e.g. volunteer counts)."""
    w = weights.reindex(shares_wide.index).astype(float)
    return (shares_wide.mul(w, axis=0).sum() / w[shares_wide.notna().all(axis=1)].sum()).round(2)


def _status(published: float | None, recomputed: float | None, tol: float) -> str:
    if recomputed is None or (isinstance(recomputed, float) and np.isnan(recomputed)):
        return NOT_REPRODUCIBLE
    if published is None or (isinstance(published, float) and np.isnan(published)):
        return REPRODUCED
    return REPRODUCED if abs(float(recomputed) - float(published)) <= tol + 1e-9 else DIFFERS


class Register:
    """Collects claims; :meth:`frame` returns the register with ``COLUMNS``."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def add(self, claim_id: str, section: str, claim: str, published: float | None, recomputed: float | None,
            note: str = "", tol: float = 0.005, status: str | None = None) -> None:
        pub = None if published is None or pd.isna(published) else float(published)
        rec = None if recomputed is None or pd.isna(recomputed) else float(recomputed)
        diff = None if pub is None or rec is None else round(rec - pub, 6)
        self.rows.append({
            "claim_id": claim_id, "section": section, "claim": claim, "published_value": pub,
            "recomputed_value": rec, "difference": diff, "status": status or _status(pub, rec, tol), "note": note,
        })

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=COLUMNS)


def _fig(headline: pd.DataFrame | None, figure_id: str) -> float | None:
    if headline is None:
        return None
    hit = headline.loc[headline["figure_id"] == figure_id, "value"]
    return None if hit.empty or pd.isna(hit.iloc[0]) else float(hit.iloc[0])


def _list_value(frame: pd.DataFrame | None, key_col: str, key: str, code: str, scheme: str) -> float | None:
    if frame is None:
        return None
    coded = with_codes(frame, scheme)
    hit = coded[(coded[key_col] == key) & (coded["region_code"] == code)]["share_pct"]
    return None if hit.empty else float(hit.iloc[0])


def _code(name: str, scheme: str) -> str | None:
    return resolve_loose(name, scheme)


# --- the register --------------------------------------------------------------------------------------

def build_register(tables: dict[str, pd.DataFrame | None], scheme: str = "kz2021",
                   correlate: Callable[[np.ndarray, np.ndarray], float] | None = None,
                   regional: pd.DataFrame | None = None) -> pd.DataFrame:
    """Build the replication register from the dataset's tables (see :func:`load_tables`).

    ``regional`` is section 03's table of regional variables (``correlations.load_regions`` plus
    ``add_reconstructed_events``): the report's coefficients are recomputed from it, pair by pair as
    ``correlations.PAIRS`` declares them, so that the register and section 03 cannot disagree. Without it
    those claims are "not reproducible" and say so.
    """
    reg = Register()
    hf = tables.get("headline_figures")
    volunteers = counts_table(tables.get("volunteers_by_region"), scheme, "volunteers")
    _totals_and_organisations(reg, tables, hf, volunteers, scheme)
    _demographics(reg, tables, hf, volunteers, scheme)
    _events(reg, tables, hf, scheme)
    _correlations(reg, tables, volunteers, regional, correlate)
    _economics(reg, {**tables, "_hours_counts": counts_table(tables.get("hours_by_region"), scheme, "hours")}, hf)
    _info_line(reg, tables)
    return reg.frame()


def _sum_check(reg: Register, claim_id: str, section: str, claim: str, values: pd.Series, note: str = "") -> None:
    values = values.dropna()
    tol = 0.005 * len(values)  # each value rounded to 2 decimals
    total = round(float(values.sum()), 2)
    extra = f"{len(values)} values rounded to 2 decimals: tolerance ±{tol:.3f}"
    reg.add(claim_id, section, claim, 100.0, total, f"{extra}. {note}".strip(), tol=tol)


def _totals_and_organisations(reg, tables, hf, volunteers, scheme) -> None:
    v_total = _fig(hf, "volunteers_total")
    if v_total is not None:
        if volunteers is not None:
            reg.add("volunteers_total", S00, "Volunteers in the front-office data (national total)", v_total,
                    float(volunteers["volunteers_count"].sum()), "sum of the supplied volunteers_by_region", tol=0.5)
        else:
            reg.add("volunteers_total", S00, "Volunteers in the front-office data (national total)", v_total, None,
                    "per-region volunteer counts were published only as chart images; supply volunteers_by_region")
    orgs = tables.get("organisations_by_region")
    ngo, grp = _fig(hf, "ngo_total"), _fig(hf, "initiative_groups_total")
    if orgs is None or ngo is None or grp is None:
        return
    recon = reconstruct_organisations(orgs, ngo, grp, scheme)
    for col, total, cid, what in (("ngo", ngo, "ngo_total", "NGOs"), ("group", grp, "initiative_groups_total",
                                                                      "initiative groups")):
        count_col = "ngo_count" if col == "ngo" else "initiative_group_count"
        offset = float((recon[f"{col}_exact"] - recon[count_col]).abs().max())
        reg.add(cid, S02, f"Volunteer {what} in Kazakhstan (national total)", total, float(recon[count_col].sum()),
                f"sum of per-region counts reconstructed as share × total; largest rounding offset {offset:.3f} "
                "(a consistent total gives near-integer counts); consistency check, not an independent count", tol=0.5)
    share = _fig(hf, "initiative_group_share_pct")
    if share is not None:
        reg.add("initiative_group_share_pct", S02, "Share of unregistered initiative groups among all associations",
                share, round(100 * grp / (ngo + grp), 2), "1658 / (491 + 1658) from the published totals")
    for row in recon.itertuples():
        reg.add(f"ngo_share_{row.region_code}", S02, f"NGO share of associations, {row.region_as_published}",
                row.ngo_share_of_region_pct, round(row.ngo_share_recomputed_pct, 2),
                f"from reconstructed counts {row.ngo_count} NGOs / {row.initiative_group_count} groups", tol=0.01)
    _sum_check(reg, "org_share_of_national_ngo_sum", S02, "Regions' shares of the national NGO total sum to 100",
               orgs["region_share_of_national_ngo_pct"])
    _sum_check(reg, "org_share_of_national_groups_sum", S02,
               "Regions' shares of the national initiative-group total sum to 100",
               orgs["region_share_of_national_groups_pct"])
    rows = (orgs["ngo_share_of_region_pct"] + orgs["group_share_of_region_pct"]).round(2)
    worst = rows.iloc[(rows - 100).abs().argmax()]
    reg.add("org_rows_sum", S02, "NGO + group shares sum to 100 in every region (worst row)", 100.0, worst,
            "two values rounded to 2 decimals per row", tol=0.01)


def _demographics(reg, tables, hf, volunteers, scheme) -> None:
    for name, _key, claim in (("age_national", "age_group", "National age shares sum to 100"),
                             ("status_national", "status", "National social-status shares sum to 100"),
                             ("gender_national", "gender", "National gender shares sum to 100")):
        frame = tables.get(name)
        if frame is not None:
            _sum_check(reg, f"{name}_sum", S01, claim, frame["share_pct"])
    age, status = tables.get("age_by_region"), tables.get("status_by_region")
    if age is not None:
        wide = age_wide(age, scheme)
        pub_sum = wide[list(AGE_GROUPS)].sum(axis=1).round(2)
        worst = float(pub_sum.iloc[(pub_sum - 100).abs().argmax()])
        duplicated = bool(np.allclose(wide["pension"], wide["30_to_pension"]))
        reg.add("age_by_region_sum_published", S01,
                "Each region's four age shares sum to 100 (as published; worst region)", 100.0, worst,
                ("erratum E01: the pension-age list duplicates the 30-to-pension list; the corrected pension share "
                 "is 100 − the other three") if duplicated else "four values rounded to 2 decimals", tol=0.02)
        neg = int((wide["pension_corrected"] < -0.02).sum())
        reg.add("age_by_region_residual_nonnegative", S01,
                "Corrected pension share (residual) is non-negative in every region (number of negative residuals)",
                0.0, float(neg), "residual = 100 − (under 18 + 18–29 + 30-to-pension)", tol=0)
    if status is not None:
        sw = status_wide(status, scheme)
        sums = sw.sum(axis=1).round(2)
        reg.add("status_by_region_sum", S01, "Each region's four social-status shares sum to 100 (worst region)",
                100.0, float(sums.iloc[(sums - 100).abs().argmax()]), "four values rounded to 2 decimals",
                tol=0.02)
    weights = None if volunteers is None else volunteers.set_index("region_code")["volunteers_count"]
    for name, wide_fn, key, cats, frame in (
            ("age", age_wide, "age_group", AGE_GROUPS, age), ("status", status_wide, "status", STATUSES, status)):
        national = tables.get(f"{name}_national")
        if national is None or frame is None:
            continue
        wide = wide_fn(frame, scheme)
        if name == "age":
            wide = wide.drop(columns=["pension"]).rename(columns={"pension_corrected": "pension"})
        for cat in cats:
            hit = national.loc[national[key] == cat, "share_pct"]
            if hit.empty or cat not in wide.columns:
                continue
            if weights is not None:
                rec = float(weighted_national(wide[[cat]], weights)[cat])
                reg.add(f"{name}_national_{cat}", S01, f"National {name} share: {cat}", float(hit.iloc[0]), rec,
                        "mean of the regional shares weighted by the supplied volunteer counts", tol=0.05)
            else:
                rng = f"{wide[cat].min():.2f}–{wide[cat].max():.2f}"
                reg.add(f"{name}_national_{cat}", S01, f"National {name} share: {cat}", float(hit.iloc[0]), None,
                        f"the national share is the regional shares weighted by volunteer counts, which were not "
                        f"published (regional range {rng}; unweighted mean {wide[cat].mean():.2f}); supply "
                        "volunteers_by_region")
    _prose(reg, tables, hf, volunteers, scheme)


def _prose(reg, tables, hf, volunteers, scheme) -> None:
    if hf is None:
        return
    age, gender, events = tables.get("age_by_region"), tables.get("gender_national"), \
        tables.get("event_directions_by_region")
    age_nat = tables.get("age_national")

    def nat(frame, key_col, key):
        if frame is None:
            return None
        hit = frame.loc[frame[key_col] == key, "share_pct"]
        return None if hit.empty else float(hit.iloc[0])

    checks = [
        ("gender_female_pct_prose", "Prose: female share", nat(gender, "gender", "female"), "chart value"),
        ("gender_male_pct_prose", "Prose: male share", nat(gender, "gender", "male"), "chart value"),
        ("age_18_29_national_pct_prose", "Prose: national 18–29 share", nat(age_nat, "age_group", "18_29"),
         "chart value"),
        ("age_30_to_pension_national_pct_prose", "Prose: national 30-to-pension share",
         nat(age_nat, "age_group", "30_to_pension"), "chart value; erratum E03"),
    ]
    for fid, region, group, claim in (
            ("age_18_29_nur_sultan_pct_prose", "Нур-Султан", "18_29", "Prose: Nur-Sultan 18–29 share"),
            ("age_18_29_kyzylorda_pct_prose", "Кызылординская область", "18_29", "Prose: Kyzylorda 18–29 share"),
            ("age_30_to_pension_nur_sultan_pct_prose", "Нур-Султан", "30_to_pension",
             "Prose: Nur-Sultan 30-to-pension share"),
            ("age_30_to_pension_kyzylorda_pct_prose", "Кызылординская область", "30_to_pension",
             "Prose: Kyzylorda 30-to-pension share")):
        code = _code(region, scheme)
        checks.append((fid, claim, _list_value(age, "age_group", group, code, scheme) if code else None,
                       "ranked regional list" + ("; erratum E02" if "kyzylorda_pct_prose" in fid and group == "18_29"
                                                 else "")))
    code = _code("Алматы", scheme)
    checks.append(("taza_alem_almaty_city_pct_prose", "Prose: Taza Álem share of Almaty city's events",
                   _list_value(events, "direction_id", ECO_DIRECTION, code, scheme) if code else None,
                   "Almaty city's list of event directions"))
    for fid, claim, rec, source in checks:
        pub = _fig(hf, fid)
        if pub is None:
            continue
        note = f"restatement in the prose compared with the {source}"
        reg.add(fid, S05 if "taza" in fid else S01, claim, pub, rec,
                note if rec is not None else f"{note}: not present in this dataset")
    upto = _fig(hf, "age_18_29_shymkent_vko_mangystau_upto_pct_prose")
    if upto is not None and age is not None:
        vals = [_list_value(age, "age_group", "18_29", _code(n, scheme), scheme)
                for n in ("Шымкент", "ВКО", "Мангыстауская область") if _code(n, scheme)]
        vals = [v for v in vals if v is not None]
        if vals:
            worst = max(vals)
            reg.add("age_18_29_shymkent_vko_mangystau_upto_pct_prose", S01,
                    "Prose: 18–29 share in Shymkent, East Kazakhstan and Mangystau is «до 36%» (largest listed value)",
                    upto, worst, "an upper bound: reproduced only if every listed value is ≤ 36; erratum E04",
                    status=REPRODUCED if worst <= upto else DIFFERS)
    ns = _fig(hf, "nur_sultan_share_of_national_30_to_pension_pct")
    if ns is not None:
        code = _code("Нур-Султан", scheme)
        rec, note = None, ("share of the national number of 30-to-pension volunteers living in Nur-Sultan: needs "
                           "per-region volunteer counts (published only as a chart); supply volunteers_by_region")
        if volunteers is not None and age is not None and code is not None:
            wide = age_wide(age, scheme)
            w = volunteers.set_index("region_code")["volunteers_count"].reindex(wide.index)
            n_group = wide["30_to_pension"] * w
            if code in n_group.index and n_group.notna().all():
                rec = round(float(100 * n_group[code] / n_group.sum()), 2)
                note = "supplied volunteer counts × each region's 30-to-pension share"
        reg.add("nur_sultan_share_of_national_30_to_pension_pct", S01,
                "Nur-Sultan's share of all 30-to-pension volunteers in Kazakhstan", ns, rec, note, tol=0.05)


def _events(reg, tables, hf, scheme) -> None:
    national, by_region = tables.get("event_directions_national"), tables.get("event_directions_by_region")
    if by_region is None:
        return
    coded = with_codes(by_region, scheme)
    sums = coded.groupby("region_code")["share_pct"].sum().round(2)
    reg.add("event_directions_region_sum", S05, "Each region's eleven direction shares sum to 100 (worst region)",
            100.0, float(sums.iloc[(sums - 100).abs().argmax()]), "eleven values rounded to 2 decimals", tol=0.06)
    if national is None:
        return
    try:
        counts = activities.reconstruct_event_counts(coded)
    except ValueError as exc:
        counts = None
        reason = str(exc)
    total = None if counts is None else int(counts.groupby("region_code")["region_events"].first().sum())
    table = activities.national_shares_table(national, counts)
    for row in table.itertuples():
        if counts is None:
            reg.add(f"event_national_{row.direction_id}", S05, f"National share of events: {row.direction_id}",
                    row.published_pct, None, f"reconstruction failed: {reason}")
            continue
        if pd.isna(row.published_pct):
            note = (f"not published (label truncated, erratum E10); pooled reconstruction gives {row.reconstructed_events}"
                    f"/{total} events; the residual 100 − the other ten shares is {row.residual_pct:.2f}")
            reg.add(f"event_national_{row.direction_id}", S05, f"National share of events: {row.direction_id}",
                    row.residual_pct, row.reconstructed_pct, note)
        else:
            reg.add(f"event_national_{row.direction_id}", S05, f"National share of events: {row.direction_id}",
                    row.published_pct, row.reconstructed_pct,
                    f"{row.reconstructed_events} of {total} events: per region the smallest event count n_r with "
                    "every share = k/n_r rounded to 2 decimals, pooled over regions")
    ways = tables.get("ways_of_volunteering")
    if ways is not None:
        _sum_check(reg, "ways_of_volunteering_sum", S05, "Ways of volunteering (offline, auto, online) sum to 100",
                   ways["share_pct"], "erratum E12: the ways are apparently not exclusive")


def _correlations(reg, tables, volunteers, regional, correlate) -> None:
    from vstudy.analysis import correlations as cs

    published = tables.get("correlations_published")
    if published is None:
        return
    frame = None if regional is None else regional.copy()
    if frame is not None and volunteers is not None and "volunteers_count" not in frame.columns:
        frame["volunteers_count"] = frame["region_code"].map(volunteers.set_index("region_code")["volunteers_count"])
    columns = {} if frame is None else cs.resolve_columns(frame)
    pairs = {p.coef_id: p for p in cs.PAIRS if p.family == "report"}
    if correlate is None:
        from vstudy.analysis import stats

        def correlate(x, y):  # Pearson r as in section 03 (no resampling needed for the point value)
            return float(stats.correlate(x, y, "pearson", n_boot=0, n_perm=0).r)

    for row in published.itertuples():
        claim = f"Correlation: {row.x_en} vs {row.y_en}"
        pair = pairs.get(row.coef_id)
        if frame is None or pair is None:
            reason = "no regional table was given" if frame is None else \
                "the pair is not declared in vstudy.analysis.correlations.PAIRS"
            reg.add(f"r_{row.coef_id}", S03, claim, row.r_published, None, f"not recomputed: {reason}")
            continue
        missing = [cs.VARIABLE_BY_KEY[k] for k in (pair.x, pair.y) if columns.get(k) is None]
        if missing:
            what = "; ".join(f"{v.label_en} ({v.missing_note})" if v.missing_note else v.label_en for v in missing)
            reg.add(f"r_{row.coef_id}", S03, claim, row.r_published, None,
                    f"regional inputs not in the text; missing: {what}")
            continue
        x_col, y_col = columns[pair.x], columns[pair.y]
        data = frame[[x_col, y_col]].apply(pd.to_numeric, errors="coerce").dropna()
        if len(data) < 4:
            reg.add(f"r_{row.coef_id}", S03, claim, row.r_published, None, f"only {len(data)} regions with both values")
            continue
        r = correlate(data[x_col].to_numpy(float), data[y_col].to_numpy(float))
        reg.add(f"r_{row.coef_id}", S03, claim, row.r_published, round(r, 3),
                f"Pearson r of {x_col} and {y_col} over n = {len(data)} regions, as in section 03; the report does "
                "not say whether counts or rates were used", tol=0.005)


def _economics(reg, tables, hf) -> None:
    hours, months = _fig(hf, "hours_6_months"), _fig(hf, "data_period_months")
    if hours is None or months is None:
        return
    supplied = tables.get("_hours_counts")  # hours_by_region as region_code, hours_count (or None)
    reg.add("hours_6_months", S06, "Hours worked by volunteers in the period (national total)", hours,
            None if supplied is None else float(supplied["hours_count"].sum()),
            "sum of the supplied hours_by_region" if supplied is not None else
            "per-region hours were published only as chart images; supply hours_by_region", tol=0.5)
    per_month = economics.hours_per_month(hours, months)
    over = _fig(hf, "hours_per_month_over")
    if over is not None:
        reg.add("hours_per_month_over", S06, "Volunteers work more than this many hours a month", over,
                round(per_month, 1), f"{hours:.0f} h / {months:.0f} months; a lower bound («более»): reproduced if the "
                "recomputed value exceeds it", status=REPRODUCED if per_month > over else DIFFERS)
    emp = _fig(hf, "employee_equivalent")
    if emp is not None:
        norm = economics.WEEKLY_HOURS_NORM * 52.0
        eq = economics.employee_equivalent(per_month, norm)
        lo, hi = economics.norm_interval_for_equivalent(per_month, int(emp))
        reg.add("employee_equivalent", S06, "A month of volunteer hours equals the annual working time of N employees",
                emp, round(eq, 1), f"with the 40-hour week × 52 weeks = {norm:.0f} h a year (Labour Code RK art. 68); "
                f"{emp:.0f} is reproduced by annual norms of {lo:.0f}–{hi:.0f} h (e.g. 160 h × 12 = 1920 gives "
                f"{per_month / 1920:.1f}), i.e. about {lo / 12:.0f}–{hi / 12:.0f} h a month", tol=0.5)
    value = _fig(hf, "economic_value_min_kzt_per_year")
    coverage = _fig(hf, "front_office_coverage_pct")
    ind = tables.get("indicators")
    if value is None or ind is None:
        return
    wages = economics.wage_options(with_codes(ind.assign(ref_period=ind["ref_period"].astype(str)), "kz2021"))
    if not wages:
        reg.add("economic_value_min_kzt_per_year", S06, "Economic value of volunteer hours, at least (KZT a year)",
                value, None, "no national average wage in this dataset")
        return
    label, wage = next(iter(wages.items()))
    cov = (coverage or 100.0) / 100
    hpm = economics.WEEKLY_HOURS_NORM * 52 / 12
    rec = economics.annual_value(hours, months, wage, hpm, cov)
    need_h = economics.hours_per_month_for_value(value, hours, months, wage, cov)
    need_c = economics.coverage_for_value(value, hours, months, wage, hpm)
    reg.add("economic_value_min_kzt_per_year", S06, "Economic value of volunteer hours, at least (KZT a year)",
            value, round(rec), f"the report converts hours region by region with regional wages (lines 2145-2149); "
            "hours by region and regional 2021 wages are not public. National approximation: "
            f"{hours:.0f} h × 12/{months:.0f} × {label} {wage:,.0f} KZT / {hpm:.1f} h a month / coverage {cov:.0%} "
            f"= {rec / 1e9:.2f} bn. 3.2 bn would need {need_h:.0f} h worked a month at that coverage, or coverage "
            f"{need_c:.0%} at {hpm:.1f} h", status=NOT_REPRODUCIBLE)


def _info_line(reg, tables) -> None:
    totals, channels, cats = tables.get("info_line_totals"), tables.get("info_line_channels"), \
        tables.get("info_line_categories")
    if totals is None:
        return
    t = totals.set_index("metric")["value"]
    total = float(t.get("requests_total", np.nan))
    parts = ["requests_volunteering", "requests_complaint_law_violation", "requests_not_volunteering"]
    if all(p in t.index for p in parts):
        reg.add("info_line_parts_sum", S07, "Requests by subject add up to the total", total,
                float(t[parts].sum()), "volunteering + complaints + not volunteering; erratum E15", tol=0)
    if channels is not None:
        c = channels.set_index("channel")["value"]
        main = [x for x in ("phone_call", "whatsapp", "telegram") if x in c.index]
        if main:
            rec = float(c[main].sum()) - float(c.get("two_channels_simultaneously", 0) or 0)
            reg.add("info_line_channels_sum", S07, "Requests by channel (minus those on two channels) give the total",
                    total, rec, "phone + WhatsApp + Telegram − requests counted on two channels", tol=0)
    if cats is not None and "requests_volunteering" in t.index:
        reg.add("info_line_categories_sum", S07, "Categories of volunteering requests add up to their total",
                float(t["requests_volunteering"]), float(cats["requests_count"].sum()), "erratum E16", tol=0)
    sep = [m for m in ("sep_share_grant_programmes_pct", "sep_share_want_to_volunteer_pct",
                       "sep_share_hardship_and_consultations_pct") if m in t.index]
    if len(sep) == 3:
        _sum_check(reg, "info_line_sep_shares_sum", S07, "September shares of requests sum to 100", t[sep])


# --- data quality helpers ------------------------------------------------------------------------------

def indicator_coverage(indicators: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """For every indicator and period: how many units of the scheme have a value, and which are missing."""
    coded = indicators_with_codes(indicators, scheme)
    units = regions.codes(scheme)
    rows = []
    for (indicator, period), group in coded.groupby(["indicator", "ref_period"], sort=True):
        present = sorted(set(group["region_code"].dropna()) & set(units))
        missing = [c for c in units if c not in present]
        rows.append({"indicator": indicator, "ref_period": period, "unit": group["unit"].iloc[0],
                     "regions_covered": len(present), "regions_in_scheme": len(units),
                     "national_value": bool(group["is_national"].any()),
                     "missing_regions": "; ".join(missing) if len(missing) <= 10 else f"{len(missing)} regions",
                     "sources": "; ".join(sorted(group["source_id"].astype(str).unique()))})
    return pd.DataFrame(rows)


def table_inventory(tables: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """Which dataset tables were found and how many rows each has."""
    return pd.DataFrame([{"table": name, "present": frame is not None, "rows": 0 if frame is None else len(frame)}
                         for name, frame in tables.items()])


def status_summary(register: pd.DataFrame) -> pd.DataFrame:
    """Count of claims by section and status."""
    out = register.pivot_table(index="section", columns="status", values="claim_id", aggfunc="count", fill_value=0)
    for col in (REPRODUCED, DIFFERS, NOT_REPRODUCIBLE):
        if col not in out.columns:
            out[col] = 0
    out = out[[REPRODUCED, DIFFERS, NOT_REPRODUCIBLE]]
    out["total"] = out.sum(axis=1)
    return out.reset_index()


def validation_report(data_dir: str | Path) -> tuple[pd.DataFrame | None, str]:
    """Run the dataset validation of ``vstudy.data.datasets`` when available: (problems frame, message)."""
    try:
        from vstudy.data import datasets  # written by the data layer; optional here
    except ImportError:
        return None, "vstudy.data.datasets is not available in this build: validation not run here (run `vstudy validate`)"
    for name in ("validate_dataset", "validate"):
        func = getattr(datasets, name, None)
        if callable(func):
            result = func(data_dir)
            problems = getattr(result, "problems", result)
            if isinstance(problems, pd.DataFrame):
                frame = problems
            else:
                from vstudy.data import schemas

                frame = schemas.problems_frame(list(problems or []))
            if frame.empty:
                msg = "valid, no problems"
            else:
                sev = frame["severity"].value_counts() if "severity" in frame.columns else pd.Series(dtype=int)
                msg = (f"{int(sev.get('error', 0))} errors and {int(len(frame) - sev.get('error', 0))} warnings "
                       "(warnings are known errata of the source, declared in errata.csv)")
            return frame, msg
    return None, "vstudy.data.datasets has no validate function: validation not run here (run `vstudy validate`)"


def coverage_matrix(indicators: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """Indicator-periods (rows, "indicator ref_period") × units of the scheme (columns): 1 = value present."""
    coded = indicators_with_codes(indicators, scheme)
    coded = coded[coded["region_code"].isin(regions.codes(scheme))]
    coded = coded.assign(row=coded["indicator"] + " " + coded["ref_period"])
    matrix = pd.crosstab(coded["row"], coded["region_code"]).clip(upper=1)
    return matrix.reindex(columns=regions.codes(scheme), fill_value=0)
