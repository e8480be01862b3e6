"""The information line (информационная линия) of the republican front office (section 07).

A dataset may give the line's totals of requests, the requests by channel (phone and messengers, with the requests
received on two channels at once counted under both), the categories of volunteering-related requests and dated
observations. The functions read the processed tables (``info_line_totals``, ``info_line_channels``,
``info_line_categories``, ``info_line_monthly``); the checks state by how much the parts miss their totals.

The section's sentences are the catalogue messages ``infoline.*`` (``src/vstudy/i18n/catalogues``), chosen by
:mod:`vstudy.present.prose.infoline`; the channels' and categories' names are messages of the same domain.
"""

from __future__ import annotations

import pandas as pd

from vstudy import i18n

# The channels and request categories the study names (ids of the processed tables); their names are the catalogue
# messages infoline.channels.label.<id> and infoline.categories.label.<id> in each edition's language.
CHANNELS: tuple[str, ...] = ("phone_call", "whatsapp", "telegram", "two_channels_simultaneously")
CATEGORIES: tuple[str, ...] = (
    "uninformed_seeking_financial_help", "want_to_become_volunteers", "volunteer_of_the_year_award",
    "seeking_organisation_for_help", "qazvolunteer_platform_help", "grant_competitions", "seeking_volunteers",
    "consultation_volunteering", "donate_items", "partners", "miscellaneous",
)
# Brand names of messengers, the same in every edition (not words to translate).
BRANDS: dict[str, str] = {"whatsapp": "WhatsApp", "telegram": "Telegram"}
# The platform a request category names (its address, the same in every edition).
PLATFORM = "qazvolunteer.kz"
# The checks of :func:`checks_table` (the ids its ``check`` column holds) → their sentence,
# infoline.checks.<key>, for a check whose parts miss the stated total.
SUBJECTS_CHECK = "subjects add up to the total"
CATEGORIES_CHECK = "categories add up to the volunteering requests"
CHANNELS_CHECK = "channels minus double-counted add up to the total"
CHECKS: dict[str, str] = {SUBJECTS_CHECK: "subjects", CATEGORIES_CHECK: "categories", CHANNELS_CHECK: "channels"}


def channel_label(channel: str, lang: str) -> str:
    """A channel's name in ``lang``: a brand name as it is, else the catalogue's; an unknown id as it is."""
    if channel in BRANDS:
        return BRANDS[channel]
    msg_id = f"infoline.channels.label.{channel}"
    return i18n.text(lang, msg_id) if i18n.has(lang, msg_id) else channel


def category_label(category: str, lang: str, default: str | None = None) -> str:
    """A request category's short name in ``lang`` (the catalogue's), else ``default`` (the dataset's own wording),
    else the id."""
    msg_id = f"infoline.categories.label.{category}"
    if i18n.has(lang, msg_id):
        return i18n.text(lang, msg_id, site=PLATFORM)
    return default if default is not None else category




def channels_table(channels: pd.DataFrame | None, total: float | None, lang: str = "en") -> pd.DataFrame | None:
    """Requests by channel with their share of the requests counted by channel (numeric rows only)."""
    if channels is None:
        return None
    out = channels[channels["value"].notna()][["channel", "value"]].copy()
    out["value"] = out["value"].astype(float)
    out.insert(1, "label", [channel_label(c, lang) for c in out["channel"]])
    main = out["channel"] != "two_channels_simultaneously"
    out["share_of_channel_contacts_pct"] = (100 * out["value"] / out.loc[main, "value"].sum()).round(2)
    out.loc[~main, "share_of_channel_contacts_pct"] = float("nan")
    if total is not None:
        out["share_of_requests_pct"] = (100 * out["value"] / total).round(2)
    return out.rename(columns={"value": "requests"}).reset_index(drop=True)


def channel_check(channels: pd.DataFrame, total: float | None) -> dict[str, float | None]:
    """Sum over the channels minus the requests received on two channels, against the stated total."""
    c = channels.set_index("channel")["value"].dropna().astype(float)
    both = float(c.get("two_channels_simultaneously", 0.0))
    gross = float(c.drop(labels=["two_channels_simultaneously"], errors="ignore").sum())
    return {"gross": gross, "both": both, "net": gross - both, "total": total,
            "difference": None if total is None else gross - both - total}


def categories_table(categories: pd.DataFrame | None, volunteering_total: float | None,
                     lang: str = "en") -> pd.DataFrame | None:
    """The categories of volunteering requests, largest first, with their share of the categories' sum."""
    if categories is None:
        return None
    out = categories[["category_id", "label_ru", "requests_count"]].copy()
    out["requests_count"] = out["requests_count"].astype(float)
    out.insert(1, "label", [category_label(c, lang, default=full)
                            for c, full in zip(out["category_id"], out["label_ru"], strict=True)])
    out["share_of_categories_pct"] = (100 * out["requests_count"] / out["requests_count"].sum()).round(2)
    if volunteering_total:
        out["share_of_volunteering_requests_pct"] = (100 * out["requests_count"] / volunteering_total).round(2)
    return out.sort_values("requests_count", ascending=False).reset_index(drop=True)


def totals_check(totals: pd.DataFrame, categories: pd.DataFrame | None = None) -> pd.DataFrame:
    """The stated total against its parts (subjects) and the volunteering total against its categories."""
    t = totals.set_index("metric")["value"].astype(float)
    rows = []
    parts = ["requests_volunteering", "requests_complaint_law_violation", "requests_not_volunteering"]
    if "requests_total" in t.index and all(p in t.index for p in parts):
        rows.append({"check": SUBJECTS_CHECK, "stated": t["requests_total"],
                     "sum_of_parts": float(t[parts].sum())})
    if categories is not None and "requests_volunteering" in t.index:
        rows.append({"check": CATEGORIES_CHECK, "stated": t["requests_volunteering"],
                     "sum_of_parts": float(categories["requests_count"].sum())})
    out = pd.DataFrame(rows, columns=["check", "stated", "sum_of_parts"])
    out["difference"] = out["sum_of_parts"] - out["stated"]
    return out


def checks_table(totals: pd.DataFrame | None, categories: pd.DataFrame | None,
                 channels: pd.DataFrame | None) -> pd.DataFrame | None:
    """Every check of the stated totals against their parts (subjects, categories, channels); None without totals."""
    if totals is None:
        return None
    checks = totals_check(totals, categories)
    total = stated(totals).get("requests_total")
    if channels is not None:
        cc = channel_check(channels, total)
        row = pd.DataFrame([{"check": CHANNELS_CHECK, "stated": total,
                             "sum_of_parts": cc["net"], "difference": cc["difference"]}])
        checks = pd.concat([checks, row], ignore_index=True) if len(checks) else row
    return checks


def totals_view(totals: pd.DataFrame | None) -> pd.DataFrame | None:
    """Every stated total with its unit and source line."""
    return None if totals is None else totals[["metric", "value", "unit", "source_line"]]


def stated(totals: pd.DataFrame | None) -> pd.Series:
    """The stated totals as a Series (metric → value); empty without the table."""
    if totals is None:
        return pd.Series(dtype=float)
    return totals.set_index("metric")["value"].astype(float)


def main_channels(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """The channels proper (without the requests counted on two channels), most requests first."""
    if table is None:
        return None
    return table[table["channel"] != "two_channels_simultaneously"].sort_values("requests", ascending=False,
                                                                              kind="stable")


def observations(monthly: pd.DataFrame | None) -> pd.DataFrame | None:
    """The dated observations that carry request counts."""
    if monthly is None:
        return None
    return monthly[["month", "date_from", "date_to", "requests_count", "description_ru", "source_line"]]

