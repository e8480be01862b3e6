"""The information line (информационная линия) of the republican front office (section 07).

A dataset may give the line's totals of requests, the requests by channel (phone and messengers, with the requests
received on two channels at once counted under both), the categories of volunteering-related requests and dated
observations. The functions read the processed tables (``info_line_totals``, ``info_line_channels``,
``info_line_categories``, ``info_line_monthly``); the checks state by how much the parts miss their totals.

The section's sentences, in English and in Russian, are written by :mod:`vstudy.present.prose.infoline`.
"""

from __future__ import annotations

import pandas as pd

CHANNEL_LABELS = {
    "en": {"phone_call": "Phone call", "whatsapp": "WhatsApp", "telegram": "Telegram",
           "two_channels_simultaneously": "Both channels at once (counted twice)"},
    "ru": {"phone_call": "Телефонный звонок", "whatsapp": "WhatsApp", "telegram": "Telegram",
           "two_channels_simultaneously": "Одновременно по двум каналам (учтены дважды)"},
}
CATEGORY_LABELS_EN = {
    "uninformed_seeking_financial_help": "Seeking financial help (uninformed), got a consultation",
    "want_to_become_volunteers": "Want to become volunteers",
    "volunteer_of_the_year_award": "«Volunteer of the Year» award",
    "seeking_organisation_for_help": "Looking for a volunteer organisation to get help",
    "qazvolunteer_platform_help": "Help with the qazvolunteer.kz platform",
    "grant_competitions": "Grant competitions",
    "seeking_volunteers": "Looking for volunteers for projects and events",
    "consultation_volunteering": "Consultation on volunteering",
    "donate_items": "Want to donate items",
    "partners": "Partners of the republican front office",
    "miscellaneous": "Miscellaneous",
}
CATEGORY_LABELS_RU = {  # shortened from label_ru for axes; the full wording stays in label_ru
    "uninformed_seeking_financial_help": "Ищут финансовую помощь (неинформированные)",
    "want_to_become_volunteers": "Хотят стать волонтёрами",
    "volunteer_of_the_year_award": "Премия «Волонтёр года»",
    "seeking_organisation_for_help": "Ищут волонтёрскую организацию для помощи",
    "qazvolunteer_platform_help": "Платформа qazvolunteer.kz",
    "grant_competitions": "Грантовые конкурсы",
    "seeking_volunteers": "Ищут волонтёров на проекты и мероприятия",
    "consultation_volunteering": "Консультации по волонтёрству",
    "donate_items": "Хотят отдать вещи на благотворительность",
    "partners": "Партнёры Республиканского фронт-офиса",
    "miscellaneous": "Разное",
}


def channels_table(channels: pd.DataFrame | None, total: float | None, lang: str = "en") -> pd.DataFrame | None:
    """Requests by channel with their share of the requests counted by channel (numeric rows only)."""
    if channels is None:
        return None
    out = channels[channels["value"].notna()][["channel", "value"]].copy()
    out["value"] = out["value"].astype(float)
    out.insert(1, "label", out["channel"].map(lambda c: CHANNEL_LABELS[lang].get(c, c)))
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
    names = CATEGORY_LABELS_EN if lang == "en" else CATEGORY_LABELS_RU
    out.insert(1, "label", [names.get(c, full) for c, full in zip(out["category_id"], out["label_ru"], strict=True)])
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
        rows.append({"check": "subjects add up to the total", "stated": t["requests_total"],
                     "sum_of_parts": float(t[parts].sum())})
    if categories is not None and "requests_volunteering" in t.index:
        rows.append({"check": "categories add up to the volunteering requests", "stated": t["requests_volunteering"],
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
        row = pd.DataFrame([{"check": "channels minus double-counted add up to the total", "stated": total,
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

