"""Section 03 (correlations) in words, in every edition language: the coverage, the plan and the method, the
published coefficients, the findings from data with their corrections and influence, the report's own pairs, the
reconstruction checks, and the lines the home page states about the correlation table.

Every sentence is a message of the ``correlations`` catalogue (``src/vstudy/i18n/catalogues/<lang>/
correlations.yml``); the functions here compute the facts and pick the messages, and return
:class:`vstudy.present.words.Rendered` Markdown (or lists of it). Data strings (labels, region names) are escaped
here; sub-messages (a p-value, a caveat, a list item) are filled first and passed on as they are.
:func:`localized` turns the notes and flags the analysis writes into a results frame (English, for the CSV) into
the reader's words in ``lang``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from vstudy import i18n
from vstudy.analysis import correlations as cs
from vstudy.analysis import stats
from vstudy.present.text import escape
from vstudy.present.words import Rendered

D = "correlations"


# --- filling messages ------------------------------------------------------------------------------------------------

def _safe(value: object) -> object:
    """A fact ready for a message: data text escaped, filled sub-messages (Rendered) kept, lists item by item."""
    if isinstance(value, Rendered):
        return str(value)
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, list | tuple):
        return [_safe(v) for v in value]
    return value


def _t(lang: str, key: str, /, **facts: object) -> Rendered:
    """The message ``correlations.<key>`` in ``lang`` as Markdown."""
    return Rendered(i18n.text(lang, f"{D}.{key}", **{k: _safe(v) for k, v in facts.items()}))


def _plain(lang: str, key: str, /, **facts: object) -> str:
    """The message as plain text (table cells, labels)."""
    return i18n.text(lang, f"{D}.{key}", **facts)


def _set_facts(row, lang: str) -> dict:
    """The linked set of a share (or ``none``) and its set's p, for the list items that name a share."""
    linked = getattr(row, "linked_set", None)
    linked = linked if isinstance(linked, str) and linked else "none"
    return {"linked": linked, "p_set": p_text(getattr(row, "p_finding", np.nan), lang,
                                               getattr(row, "p_finding_se", np.nan))}


def _bullets(head: Rendered, items: Sequence[Rendered]) -> Rendered:
    """A sentence and its items as a Markdown list (a paragraph of its own)."""
    return Rendered("\n\n" + head + "\n\n" + "\n".join(f"- {item}" for item in items) + "\n\n")


def _finite(value: object) -> bool:
    try:
        return bool(np.isfinite(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _truth(value: object) -> bool:
    return cs._truth(value)


def _f(value: object) -> float:
    return float(value) if _finite(value) else float("nan")


# --- names -------------------------------------------------------------------------------------------------------------

def var_label(key: str, lang: str, scale: str = "linear") -> str:
    """A declared variable's label in ``lang``, with its scale when logged."""
    return cs.scaled_label(key, scale, lang)


def pair_label(x: str, y: str, lang: str, x_scale: str = "linear", y_scale: str = "linear") -> str:
    return _plain(lang, "pair", x=var_label(x, lang, x_scale), y=var_label(y, lang, y_scale))


def region_name(code: object, lang: str) -> str:
    """A region's full name in ``lang`` (the gazetteer's), or the value as it is when it is not a code."""
    from vstudy.data import regions

    try:
        return regions.name(str(code), lang)
    except KeyError:
        return str(code)


def coef_label(coef_id: str, lang: str) -> str:
    """The report's coefficient named by its two variables (``X × Y``) in ``lang``."""
    pair = next((p for p in cs.PAIRS if p.coef_id == coef_id), None)
    if pair is None:
        return coef_id
    return _plain(lang, "coef", x=var_label(pair.x, lang), y=var_label(pair.y, lang))


def family_label(family: str, lang: str) -> str:
    """A family of tests in running text."""
    return _plain(lang, f"family.{family}") if i18n.has(lang, f"{D}.family.{family}") else family


def p_text(p: object, lang: str, se: object = None) -> Rendered:
    """``p = 0.003`` (with its Monte Carlo standard error when given and not zero) or ``p < 0.001``."""
    value = _f(p)
    small = _finite(value) and value < 0.001
    se_v = _f(se)
    shown = _finite(se_v) and se_v > 0 and not small
    return _t(lang, "p", small=small, floor=0.001, p=value, se_shown=shown, se=se_v if shown else 0.0)


# --- inputs, plan and method -----------------------------------------------------------------------------------------

def coverage_text(coverage_table: pd.DataFrame, lang: str) -> list[Rendered]:
    """How many units the regional table has and how many of the declared variables it carries."""
    present = coverage_table[coverage_table["column"].notna()]
    units = int(coverage_table["of_regions"].iloc[0])
    parts = [_t(lang, "coverage.units", units=units, present=len(present), declared=len(coverage_table))]
    logged = present[present["scale"] == "log"]
    if len(logged):
        items = [_t(lang, "coverage.logged_item", var=var_label(v, lang), raw=float(s), log=float(sl))
                 for v, s, sl in zip(logged["variable"], logged["skewness"], logged["skewness_log"], strict=True)]
        parts.append(_t(lang, "coverage.logged", items=items))
    return parts


def intro_text(lang: str, is_report: bool, part: str = "intro") -> Rendered:
    """A paragraph of the section's own text that depends on what the dataset is (``is_report``: manifest
    ``transcribes: report_2021``, ``Study.dataset_facts``). ``part`` ``intro``, the opening: the 2021 report's
    section «Корреляция» and its pairs for the report's transcription; for a researcher's own data, the study's
    declared plan, whose confirmatory pairs were first tested in that report. ``published_intro``: what is done
    with published coefficients (the report's, or a dataset's where it carries any); ``pairs_intro``: the report's
    pairs recomputed; ``recon_intro``: what the reconstruction checks search — the report's published shares and
    lists, or whatever shares a dataset gives."""
    return _t(lang, f"{part}.{'report' if is_report else 'dataset'}")


def method_text(alpha: float, lang: str, n_perm: int = cs.N_PERM) -> Rendered:
    """The primary method, the nulls, the corrections — with the constants the code and the plan use."""
    return _t(lang, "method.primary", exact=stats.EXACT_MAX_N, n_perm=n_perm, alpha=alpha, boot=stats.BOOTSTRAP_MIN_N,
              fisher=cs.FISHER_MIN_N, decision_level=cs.DECISION["level"])


def plan_markdown(lang: str, heading_level: int = 3) -> Rendered:
    """The analysis plan as the methods page prints it: families and roles, entries, scales with their reasons,
    the method, the corrections and the decision, alpha, and the dated changes with their reasons. Everything is
    read from the plan file; the words come from the catalogue (a plan key without its message fails the tests)."""
    plan = cs.PLAN
    hashes = "#" * heading_level
    entries = cs.plan_entries()
    lines = [Rendered(f"{hashes} {_t(lang, 'plan.heading')}"), "",
             _t(lang, "plan.intro", alpha=float(plan["alpha"]), power=float(plan["power"]) * 100,
                n_perm=cs.N_PERM, exact=stats.EXACT_MAX_N, fisher=cs.FISHER_MIN_N,
                decision_level=cs.DECISION["level"]), ""]
    for name, fam in plan["families"].items():
        k = int(entries.loc[entries["family"] == name, "pairs"].sum())
        lines.append(_t(lang, "plan.family", family=family_label(name, lang), role=fam["role"], pairs=k,
                        subsets=name == cs.SUBSET_FAMILY))
    lines.append("")
    for row in cs.plan_scales().itertuples(index=False):
        lines.append(_t(lang, "plan.scale", var=var_label(row.variable, lang), scale=row.scale,
                        reason=_plain(lang, f"plan.scale_reason.{row.variable}")))
    lines.append(_t(lang, "plan.scale_default", reason=_plain(lang, "plan.scale_reason.default")))
    lines += ["", _t(lang, "plan.nulls"), "", Rendered(f"{hashes}# {_t(lang, 'plan.changes_heading')}"), ""]
    for change in plan["changes"]:
        key = str(change["date"])
        lines.append(_t(lang, "plan.change", date=key, commit=change.get("commit") or "none",
                        change=_plain(lang, f"plan.change_text.d{key.replace('-', '')}"),
                        reason=_plain(lang, f"plan.change_reason.d{key.replace('-', '')}")))
    return Rendered("\n".join(str(v) for v in lines) + "\n")


def methods_paragraph(lang: str, is_report: bool = True) -> Rendered:
    """The correlation study in one paragraph for the methods page (what it tests, the roles, the decision level,
    influence and the report's coefficients), to be followed by :func:`plan_markdown`. The report's transcription
    (``is_report``) says its coefficients are recomputed under several specifications and the nearest shown; a
    researcher's dataset says its confirmatory pairs are the ones the report tested, recomputed on its own values,
    with no search for a specification near the report's coefficients (none is run for it)."""
    return _t(lang, "methods.paragraph", fisher=cs.FISHER_MIN_N, report=bool(is_report))


# --- the published coefficients ----------------------------------------------------------------------------------

def published_opening(has_published: bool, lang: str, is_report: bool) -> list[Rendered]:
    """The heading of the part on published coefficients and what it does with them. The 2021 report's transcription
    (``is_report``) always has the part (headed as the report's); a researcher's dataset has it only where it supplies
    published coefficients (``has_published``: a ``correlations_published`` table), headed as the dataset's own; one
    that supplies none has no such part: nothing (no heading, no sentence saying there is nothing)."""
    if not is_report and not has_published:
        return []
    kind = "report" if is_report else "dataset"
    return [_t(lang, f"published.heading.{kind}"), intro_text(lang, is_report, part="published_intro")]


def published_caption(lang: str, is_report: bool) -> str:
    """The caption of the table of published coefficients (plain text, for :meth:`Study.show`): the report's
    coefficients in its transcription (``is_report``; the notebook's own ``#| tbl-cap`` lines say the same), the
    dataset's published coefficients in a researcher's dataset that supplies them."""
    return i18n.text(lang, "correlations.published.caption", report=bool(is_report))


def published_text(family: pd.DataFrame | None, alpha: float, lang: str, is_report: bool = True) -> Rendered | None:
    """What the published coefficients can and cannot show: one sentence when the report's transcription has none;
    None for a researcher's dataset that supplies none (the part is left out, :func:`published_opening`)."""
    if family is None:
        return _t(lang, "published.none") if is_report else None
    m = int(family["p"].notna().sum())
    raw = family[family["significant_raw"].fillna(False).astype(bool)]
    holm = int(family["significant_holm"].fillna(False).sum())
    by = int(family["significant_by"].fillna(False).sum())
    n = int(family["n"].iloc[0])
    strongest = family.loc[family["r_published"].abs().idxmax()]
    return _t(lang, "published.summary", report=bool(is_report), m=m, k=len(raw), alpha=alpha,
              power=float(cs.PLAN["power"]) * 100, ids=[coef_label(c, lang) for c in raw["coef_id"]], holm=holm, by=by, n=n,
              rd=float(family["r_detectable"].iloc[0]), rs=float(strongest["r_published"]),
              sid=coef_label(strongest["coef_id"], lang), lo=float(strongest["ci_low"]),
              hi=float(strongest["ci_high"]))


def reading(row, alpha: float, m: int, lang: str) -> str:
    """One published coefficient's reading as table text in ``lang``."""
    if not _finite(row.r_published) or not _finite(row.p):
        return _plain(lang, "reading.not_assessable")
    facts = {"p": str(p_text(row.p, lang)), "lo": float(row.ci_low), "hi": float(row.ci_high), "level": 100 * (1 - alpha),
             "m": m, "alpha": alpha}
    if not row.significant_raw:
        return _plain(lang, "reading.not_significant", **facts)
    if row.significant_holm:
        return _plain(lang, "reading.holm", **facts)
    return _plain(lang, "reading.raw_only", by=bool(row.significant_by), **facts)


# --- notes and flags of the results, for the reader ------------------------------------------------------------------

def missing_note(key: str, lang: str) -> str:
    msg = f"missing.{key}"
    return _plain(lang, msg) if i18n.has(lang, f"{D}.{msg}") else ""


def subset_note(key: str, lang: str) -> str:
    var = cs.VARIABLE_BY_KEY.get(key)
    return _plain(lang, f"subset_why.{key}") if var is not None and var.selected else ""


def _subset_key(text: str) -> str | None:
    return next((v.key for v in cs.VARIABLES if v.selected and v.subset_note == text), None)


def note_text(note: object, lang: str) -> str:
    """A note or flag the analysis wrote (parts joined by "; ") in the reader's words in ``lang``: variable keys as
    their labels, each known part as its message; an unknown part is kept as it is."""
    if not isinstance(note, str) or not note.strip():
        return ""
    parts = [p for p in re.split(r";\s*(?![^()]*\))", note) if p.strip()]
    return _plain(lang, "note.join", parts=[_note_part(p.strip(), lang) for p in parts])


def _note_part(part: str, lang: str) -> str:
    m = re.fullmatch(r"(\w+) not in the processed table(?: \((.*)\))?", part)
    if m:
        return _plain(lang, "note.not_in_table", var=var_label(m[1], lang), why=missing_note(m[1], lang) or "none")
    m = re.fullmatch(r"subset: (\d+) of (\d+) regions(?: \((.*)\))?", part)
    if m:
        whys = [] if not m[3] else [w.strip() for w in re.split(r";\s*", m[3])]
        keys = [_subset_key(w) for w in whys]
        whys = [subset_note(k, lang) if k else w for k, w in zip(keys, whys, strict=True)]
        return _plain(lang, "note.subset", n=int(m[1]), m=int(m[2]), whys="; ".join(whys) if whys else "none")
    if part == "mixes a total with a rate":
        return _plain(lang, "note.mixes")
    m = re.fullmatch(r"n=(\d+) (?:complete regions|pairwise-complete pairs) < (\d+): not estimated", part)
    if m:
        return _plain(lang, "note.small_n", n=int(m[1]), k=int(m[2]))
    m = re.fullmatch(r"(\w+) is absent, one of the pair or its denominator", part)
    if m:
        return _plain(lang, "note.no_control", var=var_label(m[1], lang))
    m = re.fullmatch(r"no bootstrap interval below n = (\d+)", part)
    if m:
        return _plain(lang, "note.no_bootstrap", n=int(m[1]))
    m = re.fullmatch(r"no Fisher interval below n = (\d+)", part)
    if m:
        return _plain(lang, "note.no_fisher", n=int(m[1]))
    m = re.fullmatch(r"(\d+) of (\d+) bootstrap resamples degenerate \(skipped\)", part)
    if m:
        return _plain(lang, "note.boot_degenerate", k=int(m[1]), n=int(m[2]))
    if part == "|r| = 1: Fisher interval degenerate":
        return _plain(lang, "note.fisher_degenerate")
    return part


NOTE_COLUMNS = ("note", "flags", "note_partial", "note_ols")


def localized(frame: pd.DataFrame | None, lang: str, alpha: float = cs.ALPHA) -> pd.DataFrame | None:
    """``frame`` (a results table of the section) with its notes, flags and readings in the reader's words in
    ``lang``; the machine table saved as CSV keeps the analysis's text."""
    if frame is None:
        return None
    out = frame.copy()
    for column in NOTE_COLUMNS:
        if column in out.columns:
            out[column] = [note_text(v, lang) for v in out[column]]
    if "reading" in out.columns and "significant_raw" in out.columns:
        m = int(out["p"].notna().sum())
        out["reading"] = [reading(row, alpha, m, lang) for row in out.itertuples(index=False)]
    return out


# --- a finding in words: its numbers, its corrections and its caveats -------------------------------------------------

def caveats(row, lang: str, alpha: float = cs.ALPHA, skip: Iterable[str] = ()) -> list[Rendered]:
    """What happens to a finding without one region or without the cities, when its sign or significance changes:
    one clause each (the region that carries it, the region that masks it, a sign change within the leave-one-out
    range, a change without the cities). Empty when nothing changes. ``skip``: kinds the sentence already states
    (``carried``, ``masked``, ``sign``, ``cities``)."""
    get = row.get if isinstance(row, dict | pd.Series) else (lambda k, d=None: getattr(row, k, d))
    out: list[Rendered] = []
    skip = set(skip)
    if _truth(get("rests_on_one_region")) and "carried" not in skip:
        out.append(_t(lang, "caveat.carried", region=region_name(get("towards_zero_region"), lang),
                      r=_f(get("r_towards_zero")), p=p_text(get("p_without_towards_zero"), lang), alpha=alpha))
    if _truth(get("masked_by_one_region")) and "masked" not in skip:
        out.append(_t(lang, "caveat.masked", region=region_name(get("away_region"), lang), r=_f(get("r_away")),
                      p=p_text(get("p_without_away"), lang), alpha=alpha))
    if _truth(get("sign_changes_without_one")) and "sign" not in skip:
        out.append(_t(lang, "caveat.sign", lo=_f(get("loo_r_min")), hi=_f(get("loo_r_max")),
                      region_lo=region_name(get("loo_region_min"), lang),
                      region_hi=region_name(get("loo_region_max"), lang)))
    if _truth(get("changes_without_cities")) and "cities" not in skip:
        out.append(_t(lang, "caveat.cities", r=_f(get("r_without_cities")), n=int(_f(get("n_without_cities"))),
                      p=p_text(get("p_without_cities"), lang, get("p_without_cities_se"))))
    return out


def caveat_clause(row, lang: str, alpha: float = cs.ALPHA, skip: Iterable[str] = ()) -> Rendered:
    """:func:`caveats` as one clause to close a sentence about the finding (empty when there is none)."""
    items = caveats(row, lang, alpha, skip)
    return _t(lang, "caveat.clause", items=items) if items else Rendered("")


def influence_clause(row, lang: str) -> Rendered:
    """The leave-one-out range with its two regions and the largest Cook's distance with its region."""
    get = row.get if isinstance(row, dict | pd.Series) else (lambda k, d=None: getattr(row, k, d))
    return _t(lang, "influence", lo=_f(get("loo_r_min")), hi=_f(get("loo_r_max")),
              region_lo=region_name(get("loo_region_min"), lang), region_hi=region_name(get("loo_region_max"), lang),
              cooks=_f(get("cooks_d_max")), cooks_region=region_name(get("cooks_d_max_region"), lang))


def finding_sentence(row, lang: str, alpha: float = cs.ALPHA) -> Rendered:
    """One finding with everything it rests on: role, n, r, its p (the set's p for a share of a linked set, with the
    Monte Carlo error), the family-level and study-level Holm p, whether it holds after correction at the plan's
    level, the leave-one-out range, the largest Cook's D, and its caveats."""
    get = row.get if isinstance(row, dict | pd.Series) else (lambda k, d=None: getattr(row, k, d))
    linked = get("linked_set")
    linked = linked if isinstance(linked, str) and linked else "none"
    return _t(lang, "finding", role=str(get("plan_role") or cs.EXPLORATORY),
              pair=pair_label(get("x"), get("y"), lang, get("x_scale") or "linear", get("y_scale") or "linear"),
              n=int(_f(get("n"))), r=_f(get("r")), p=p_text(get("p_perm"), lang, get("p_perm_se")),
              linked=linked, p_set=p_text(get("p_finding"), lang, get("p_finding_se")),
              family=family_label(str(get("test_family")), lang), m_family=int(_f(get("m_family"))),
              p_holm=p_text(get("p_holm"), lang), m_study=int(_f(get("m_study"))) if _finite(get("m_study")) else 0,
              p_study=p_text(get("p_holm_study"), lang), holds=_truth(get("holds_after_correction")),
              influence=influence_clause(row, lang), caveats=caveat_clause(row, lang, alpha))


# --- the findings of the data ----------------------------------------------------------------------------------------

def findings_text(results: pd.DataFrame, alpha: float, lang: str) -> list[Rendered]:
    """The headline of the data's findings: how many findings per family and role, which hold after correction at
    the plan's level and which survive only their family's correction (each with its caveats), how many are
    significant on their own, which rest on one region or are masked by one, what the denominator tests test,
    and the subsets."""
    full = cs.findings_table(results)
    if full.empty:
        return [_t(lang, "findings.none_estimable")]
    summary = cs.study_summary(results, alpha)
    parts: list[Rendered] = []
    fams = [_t(lang, "findings.family_count", family=family_label(f, lang), k=int(k))
            for f, k in summary["findings_by_family"].items() if f != "report"]
    parts.append(_t(lang, "findings.by_family", items=fams, m=summary["m_study"],
                    conf=summary["findings_confirmatory"], expl=summary["findings_exploratory"]))
    lead = cs.mentioned_findings(results, strongest=0)
    lead = lead[lead["family"] != "report"]
    holds = lead[lead["mention"] == "holds"]
    family_only = lead[lead["mention"] == "family_only"]
    parts.append(_t(lang, "findings.holds_count", k=len(holds), m=summary["m_study"], alpha=alpha,
                    family_only=len(family_only)))
    for _, row in pd.concat([holds, family_only]).iterrows():
        parts.append(finding_sentence(row, lang, alpha))
    unadjusted = full.drop_duplicates("finding")
    unadjusted = unadjusted[(unadjusted["p_finding"] <= alpha)
                            & ~unadjusted["holds_after_correction"].fillna(False).astype(bool)]
    shares = full[full["p_perm"] <= alpha]
    parts.append(_t(lang, "findings.unadjusted", k=len(unadjusted), alpha=alpha, pairs=len(shares),
                    members=int(shares["p_set"].notna().sum()),
                    members_out=int((shares["p_set"].notna() & (shares["p_set"] > alpha)).sum())))
    carried = full[full["rests_on_one_region"].fillna(False).astype(bool)]
    if len(carried):
        items = [_t(lang, "findings.carried_item", **_set_facts(r, lang), pair=pair_label(r.x, r.y, lang, r.x_scale, r.y_scale), r=r.r,
                    p=p_text(r.p_perm, lang, r.p_perm_se), region=region_name(r.towards_zero_region, lang),
                    r_wo=r.r_towards_zero, p_wo=p_text(r.p_without_towards_zero, lang),
                    cooks=_f(r.cooks_d_max), cooks_region=region_name(r.cooks_d_max_region, lang),
                    caveats=caveat_clause(r, lang, alpha, skip=("carried",)))
                 for r in carried.itertuples(index=False)]
        parts.append(_bullets(_t(lang, "findings.carried", k=len(carried), alpha=alpha), items))
    masked = full[full["masked_by_one_region"].fillna(False).astype(bool)]
    if len(masked):
        items = [_t(lang, "findings.masked_item", **_set_facts(r, lang), pair=pair_label(r.x, r.y, lang, r.x_scale, r.y_scale), r=r.r,
                    p=p_text(r.p_perm, lang, r.p_perm_se), region=region_name(r.away_region, lang), r_wo=r.r_away,
                    p_wo=p_text(r.p_without_away, lang), caveats=caveat_clause(r, lang, alpha, skip=("masked",)))
                 for r in masked.itertuples(index=False)]
        parts.append(_bullets(_t(lang, "findings.masked", k=len(masked), alpha=alpha), items))
    cities = full[full["changes_without_cities"].fillna(False).astype(bool)]
    if len(cities):
        items = [_t(lang, "findings.cities_item", **_set_facts(r, lang), pair=pair_label(r.x, r.y, lang, r.x_scale, r.y_scale), r=r.r,
                    p=p_text(r.p_perm, lang, r.p_perm_se), r_wc=r.r_without_cities,
                    p_wc=p_text(r.p_without_cities, lang, r.p_without_cities_se),
                    caveats=caveat_clause(r, lang, alpha, skip=("cities",)))
                 for r in cities.itertuples(index=False)]
        names = [region_name(c, lang) for c in cs.city_codes(results_regions(results))]
        parts.append(_bullets(_t(lang, "findings.cities", k=len(cities), alpha=alpha, cities=names), items))
    parts += denominator_text(full, lang, alpha)
    sub = cs.findings_table(results, subsets=True)
    if len(sub):
        keys = [k for k in dict.fromkeys([*sub["x"], *sub["y"]]) if cs.VARIABLE_BY_KEY[k].selected]
        whys = sorted(subset_note(k, lang) for k in keys)
        parts.append(_t(lang, "findings.subsets", n=int(sub["finding"].nunique()), whys=whys or ["none"],
                        has_whys=bool(whys), k=int(sub["survives_holm"].fillna(False).sum())))
    return parts


def results_regions(results: pd.DataFrame) -> list[str]:
    """The region codes a results table names (influence columns), for the cities' names."""
    cols = [c for c in ("influential_region", "loo_region_min", "loo_region_max", "cooks_d_max_region")
            if c in results.columns]
    codes = pd.unique(results[cols].to_numpy().ravel()) if cols else []
    return sorted(str(c) for c in codes if isinstance(c, str))


def denominator_text(full: pd.DataFrame, lang: str, alpha: float = cs.ALPHA) -> list[Rendered]:
    """What the denominator pairs test: a rate against its own denominator (independence: does the rate change with
    size?) and a rate against a variable that shares its population (the shared-denominator null)."""
    parts = []
    for row in full.itertuples(index=False):
        own = cs.own_denominator(row.x, row.y)
        if own is not None:
            count = cs.VARIABLE_BY_KEY[own].numerator
            parts.append(_t(lang, "denominator.own", pair=pair_label(row.x, row.y, lang, row.x_scale, row.y_scale),
                            r=row.r, p=p_text(row.p_perm, lang, row.p_perm_se),
                            count=var_label(count, lang), size=var_label(cs.VARIABLE_BY_KEY[own].denominator, lang),
                            caveats=caveat_clause(row, lang, alpha)))
        elif row.null == "shared denominator":
            parts.append(_t(lang, "denominator.shared",
                            pair=pair_label(row.x, row.y, lang, row.x_scale, row.y_scale), r=row.r,
                            r0=_f(row.r_null_mean), p=p_text(row.p_perm, lang, row.p_perm_se),
                            caveats=caveat_clause(row, lang, alpha)))
    return parts


def power_text(n: int, alpha: float, lang: str, power: float = float(cs.PLAN["power"]), benchmarks: Sequence[float] = (0.3, 0.5),
               results: pd.DataFrame | None = None) -> list[Rendered]:
    """What n regions can detect: the smallest |ρ| found with ``power`` (unadjusted, and at the corrected levels the
    families use when ``results`` are given) and the power at benchmark effects."""
    if n < 4:
        return [_t(lang, "power.none", n=n)]
    detect = float(stats.detectable_r(n, power, alpha))
    at = [_t(lang, "power.at", pw=float(stats.r_power(b, n, alpha)), rho=float(b)) for b in benchmarks]
    parts = [_t(lang, "power.main", n=n, alpha=alpha, power=power * 100, d=detect, at=at)]
    if results is None:
        return parts
    table = cs.detectable_effects(results, alpha, power)
    full = table[table["test_family"] != cs.SUBSET_FAMILY]
    if len(full):
        items = [_t(lang, "power.family_item", family=family_label(r.test_family, lang), m=int(r.m_family),
                    d=float(r.r_detectable_family)) for r in full.itertuples(index=False)]
        parts.append(_t(lang, "power.corrected", items=items, m_study=int(full["m_study"].iloc[0]),
                        d_study=float(full["r_detectable_study"].iloc[0]), n=int(full["n"].max())))
    sub = table[table["test_family"] == cs.SUBSET_FAMILY]
    if len(sub):
        parts.append(_t(lang, "power.subsets", n_lo=int(sub["n"].min()), n_hi=int(sub["n"].max()),
                        lo=float(sub["r_detectable_family"].min()), hi=float(sub["r_detectable_family"].max()),
                        m=int(sub["m_family"].iloc[0])))
    return parts


# --- the report's own pairs ---------------------------------------------------------------------------------------

def report_text(results: pd.DataFrame, lang: str, specs: pd.DataFrame | None = None,
                alpha: float = cs.ALPHA, is_report: bool = True) -> list[Rendered]:
    """Which of the report's pairs this dataset recomputes (the confirmatory family), what is missing for the
    others, and for each recomputed coefficient the specifications tried and the nearest result.

    ``is_report``: the dataset transcribes the 2021 report, whose coefficients the pairs are recomputed against
    (its method unstated). A researcher's dataset gets the pairs as the ones that report tested, recomputed on its
    own values; a published coefficient it supplies is named as a reference, and no specification search is shown
    (``specs`` is ignored: the notebook runs none for it)."""
    rep = results[(results["family"] == "report") & (results["role"] == "primary")]
    if rep.empty:
        return [_t(lang, "report.none")]
    ran = rep[rep["r"].notna()]
    kind = "report" if is_report else "dataset"
    items = []
    for row in ran.itertuples(index=False):
        pub = getattr(row, "r_published", np.nan)
        items.append(_t(lang, "report.item", coef=coef_label(row.coef_id, lang), r=row.r, n=int(row.n),
                        has_ci=_finite(row.ci_low), lo=_f(row.ci_low), hi=_f(row.ci_high),
                        p=p_text(row.p_perm, lang, row.p_perm_se), p_holm=p_text(row.p_holm, lang),
                        p_study=p_text(row.p_holm_study, lang), pub=_f(pub),
                        pub_kind=(kind if _finite(pub) else "none"), caveats=caveat_clause(row, lang, alpha)))
    parts = [_t(lang, f"report.head.{kind}", k=len(ran), m=len(rep), items=items)]
    missing = rep[rep["r"].isna() & rep["note"].str.contains("volunteers_count not in", na=False)]
    if len(missing):
        parts.append(_t(lang, "report.missing_volunteers", k=len(missing)))
    if is_report and specs is not None and len(specs):
        for coef_id, group in specs.groupby("coef_id", sort=False):
            tried = group[group["r"].notna()]
            near = group[group["nearest"]]
            if near.empty or tried.empty:
                continue
            best = near.iloc[0]
            parts.append(_t(lang, "report.specs", coef=coef_label(coef_id, lang), pub=float(best["r_published"]),
                            k=len(tried), specs=[_plain(lang, f"spec.{s}") for s in tried["specification"]],
                            nearest=_plain(lang, f"spec.{best['specification']}"), r=float(best["r"]),
                            lo=float(tried["r"].min()), hi=float(tried["r"].max())))
    return parts


def report_caption(lang: str, is_report: bool) -> str | None:
    """The caption of the table of the report's pairs: None for the report's transcription (``is_report``: the
    cell's own ``#| tbl-cap`` lines are the report's), the pairs the 2021 report tested recomputed on the dataset
    for a researcher's dataset (plain text)."""
    return None if is_report else _plain(lang, "report.caption_dataset")


def report_forest_texts(lang: str, is_report: bool, results: pd.DataFrame | None) -> tuple[str | None, str | None]:
    """The caption and alt text of the forest plot of the report's pairs: (None, None) for the report's
    transcription (the cell's own lines are the report's); for a researcher's dataset, the pairs the 2021 report
    tested recomputed on it, with crosses named only where the dataset supplies published coefficients (plain
    text)."""
    if is_report:
        return None, None
    published = results is not None and "r_published" in results.columns and bool(results["r_published"].notna().any())
    return (_plain(lang, "report.forest_caption_dataset", published=published),
            _plain(lang, "report.forest_alt_dataset", published=published))


# --- how exact the reconstructed inputs are ----------------------------------------------------------------------

def recon_intro(lang: str, is_report: bool, orgs: pd.DataFrame | None, events: pd.DataFrame | None
                ) -> Rendered | None:
    """The opening of the part on reconstructed counts: always for the report's transcription (``is_report``);
    for a researcher's dataset only where it has reconstructed counts to check (``orgs`` or ``events``), else
    nothing (nor its heading: a Markdown cell tagged ``heads-output``, :func:`vstudy.present.edition.localize`)."""
    if not is_report and orgs is None and events is None:
        return None
    return intro_text(lang, is_report, part="recon_intro")


def reconstruction_text(orgs: pd.DataFrame | None, events: pd.DataFrame | None, lang: str,
                        tolerance: float = cs.RECONSTRUCTION_TOLERANCE_PCT, max_multiple: int = 10,
                        is_report: bool = True) -> list[Rendered] | None:
    """How exact the reconstructed organisation and event counts are (computed in analysis, stated here); with
    neither, one sentence for the report's transcription (``is_report``) and nothing for a researcher's dataset."""
    if not is_report and orgs is None and events is None:
        return None
    parts: list[Rendered] = []
    if orgs is not None:
        unique = int((orgs["pairs_matching"] == 1).sum())
        same = int(orgs["equals_processed"].sum())
        parts.append(_t(lang, "recon.organisations", u=unique, n=len(orgs), tol=tolerance, same=same,
                        all_same=same == unique))
        other = orgs[orgs["pairs_matching"] != 1]
        if len(other):
            items = [_t(lang, "recon.not_unique_item", region=region_name(c, lang), k=int(k))
                     for c, k in zip(other["region_code"], other["pairs_matching"], strict=True)]
            parts.append(_t(lang, "recon.not_unique", items=items))
    if events is not None:
        base_ok = bool((events["deviation_smallest_pct"] <= tolerance + 1e-9).all())
        reproducing = events[events["multiples_reproducing"] != ""]
        parts.append(_t(lang, "recon.events", reproduce=base_ok, dev=float(events["deviation_smallest_pct"].iloc[0]),
                        mm=max_multiple, close=float(events["min_deviation_multiple_pct"].min()),
                        never=reproducing.empty,
                        regions=[region_name(c, lang) for c in reproducing["region_code"]] or ["none"]))
    if not parts:
        return [_t(lang, "recon.none")]
    return parts


# --- the home page ---------------------------------------------------------------------------------------------------

def home_findings_markdown(results: pd.DataFrame, lang: str, alpha: float = cs.ALPHA) -> list[Rendered]:
    """The correlation lines of the home page and of the study PDF's summary, from the results table (a frame or
    its CSV read back), in the ``home`` catalogue's words: the count line — the pairs tested, the findings they form
    and how many findings Holm's study-level correction ran over (every count from the table,
    :func:`vstudy.analysis.correlations.study_summary`) — then one line per finding that holds after that correction
    or survives only its family's (:func:`vstudy.analysis.correlations.mentioned_findings`), each with the region
    it rests on most (r without it, and whether it is still significant) and r without the cities where that
    changes its sign or significance. Pairs that hold after no correction are not listed."""
    summary = cs.study_summary(results, alpha)
    lead = cs.mentioned_findings(results, strongest=0)
    lead = lead[lead["mention"] != "strongest"]
    out = [Rendered(i18n.text(lang, "home.correlations.count", pairs=summary["pairs_full"],
                              findings=summary["findings_full"], m=summary["m_study"], holds=summary["holds"],
                              family_only=summary["family_only"], alpha=alpha,
                              conf=summary["findings_confirmatory"], expl=summary["findings_exploratory"]))]
    ordered = pd.concat([lead[lead["mention"] == "holds"], lead[lead["mention"] == "family_only"]])
    out += [home_finding(row, lang, alpha) for _, row in ordered.iterrows()]
    return out


def home_finding(row, lang: str, alpha: float = cs.ALPHA) -> Rendered:
    """One finding of the home page: the pair, r and n, its study-level Holm p (and its family's when only the
    family's correction keeps it), the region it rests on most with r without it (and its p when that region
    carries it), and r without the cities when that changes its sign or significance."""
    get = row.get if isinstance(row, dict | pd.Series) else (lambda k, d=None: getattr(row, k, d))
    cities = _truth(get("changes_without_cities")) and _finite(get("r_without_cities"))
    facts = {"pair": pair_label(get("x"), get("y"), lang, get("x_scale") or "linear", get("y_scale") or "linear"),
             "r": _f(get("r")), "n": int(_f(get("n"))), "p_study": p_text(get("p_holm_study"), lang),
             "holds": _truth(get("holds_after_correction")), "family": family_label(str(get("test_family")), lang),
             "p_holm": p_text(get("p_holm"), lang), "region": region_name(get("towards_zero_region"), lang),
             "r_wo": _f(get("r_towards_zero")), "carried": _truth(get("rests_on_one_region")),
             "p_wo": p_text(get("p_without_towards_zero"), lang), "cities": cities,
             "r_wc": _f(get("r_without_cities")) if cities else 0.0,
             "n_wc": int(_f(get("n_without_cities"))) if cities else 0,
             "p_wc": p_text(get("p_without_cities"), lang, get("p_without_cities_se"))}
    return Rendered(i18n.text(lang, "home.correlations.finding", **{k: _safe(v) for k, v in facts.items()}))


def plan_family_roles(lang: str) -> Iterable[tuple[str, str]]:
    """(family label, role) pairs in ``lang`` (for tables of the plan)."""
    return [(family_label(f, lang), _plain(lang, f"role.{fam['role']}")) for f, fam in cs.PLAN["families"].items()]
