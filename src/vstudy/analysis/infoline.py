"""The information line (информационная линия) of the republican front office (section 07).

A dataset may give the line's totals of requests, the requests by channel (phone and messengers, with the requests
received on two channels at once counted under both), the categories of volunteering-related requests and dated
observations. The functions read the processed tables (``info_line_totals``, ``info_line_channels``,
``info_line_categories``, ``info_line_monthly``); the checks state by how much the parts miss their totals.

Functions named ``*_text`` return a part's prose as ``(template, values)`` pairs for ``Study.say``; a part whose
inputs are absent gets one sentence and no heading.
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


# --- prose ------------------------------------------------------------------------------------------------------

Text = tuple[str, dict[str, object]]


def _say(template: str, **values: object) -> Text:
    return template, values


def absent_text(*tables: pd.DataFrame | None) -> Text | None:
    """One sentence when the dataset has none of the information-line tables, else nothing."""
    if all(t is None for t in tables):
        return _say("This dataset contains no information-line tables: there is nothing to show in this section.")
    return None


def totals_text(totals: pd.DataFrame | None) -> Text | list[Text] | None:
    """The totals: requests, months of operation, the share about volunteering, the stated daily average."""
    if totals is None:
        return None
    t = stated(totals)
    total, vol = t.get("requests_total"), t.get("requests_volunteering")
    parts = [_say("## Totals\n\nEvery total and share stated for the information line, with its source line.")]
    if total is not None:
        months = t.get("operation_period_months")
        parts.append(_say("The line registered **{total:,.0f} requests**" + (
            " in {months:.0f} months of operation" if months is not None and pd.notna(months) else "") + ".",
            total=total, months=months))
        if vol is not None and total:
            parts.append(_say("{vol:,.0f} ({share:.1f} %) concerned volunteering.", vol=vol, share=100 * vol / total))
    if "avg_requests_per_day" in t.index:
        parts.append(_say("The stated average is {avg:.0f} requests a day.", avg=t["avg_requests_per_day"]))
    return parts


def checks_text(checks: pd.DataFrame | None) -> Text | None:
    """Whether the parts add up to the stated totals, and by how much they miss."""
    if checks is None or checks.empty:
        return None
    off = checks[checks["difference"].fillna(0) != 0]
    if off.empty:
        return _say("All parts add up.")
    listing = "; ".join(f"{{c{i}}}: {{p{i}:,.0f}} vs stated {{s{i}:,.0f}} ({{d{i}:+,.0f}})" for i in range(len(off)))
    values: dict[str, object] = {}
    for i, row in enumerate(off.itertuples()):
        values |= {f"c{i}": row.check, f"p{i}": row.sum_of_parts, f"s{i}": row.stated, f"d{i}": row.difference}
    return _say("Not every total adds up: " + listing + ".", **values)


def main_channels(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """The channels proper (without the requests counted on two channels), most requests first."""
    if table is None:
        return None
    return table[table["channel"] != "two_channels_simultaneously"].sort_values("requests", ascending=False,
                                                                              kind="stable")


def channels_text(table: pd.DataFrame | None, channels: pd.DataFrame | None) -> Text | list[Text] | None:
    """Requests by channel (``table`` from :func:`channels_table`), the double counting and the qualitative notes."""
    if table is None or channels is None:
        return None
    both = table.loc[table["channel"] == "two_channels_simultaneously", "requests"]
    parts = [_say("## Requests by channel")]
    if len(both):
        parts.append(_say("{both:,.0f} requests arrived on two channels at once; they are counted under both, which "
                          "is why the channels add up to more than the total.", both=both.iloc[0]))
    main = main_channels(table)
    listing = ", ".join(f"{{l{i}}} {{r{i}:,.0f}} ({{s{i}:.1f}} %)" for i in range(len(main)))
    values: dict[str, object] = {}
    for i, row in enumerate(main.itertuples()):
        values |= {f"l{i}": row.label, f"r{i}": row.requests, f"s{i}": row.share_of_channel_contacts_pct}
    parts.append(_say("By channel: " + listing + " of the contacts counted by channel.", **values))
    notes = channels.loc[channels["value"].isna() & channels["quote_ru"].notna(), "quote_ru"].tolist()
    if notes:
        parts.append(_say("Stated without numbers: " + "; ".join(f"«{{q{i}}}»" for i in range(len(notes))) + ".",
                          **{f"q{i}": q for i, q in enumerate(notes)}))
    return parts


def categories_text(table: pd.DataFrame | None) -> Text | list[Text] | None:
    """The categories of volunteering-related requests: the two largest and their share."""
    if table is None or table.empty:
        return None
    parts = [_say("## Requests by category\n\nCategories of the volunteering-related requests, as the dataset lists "
                  "them.")]
    top = table.head(2)
    names = " and ".join(f"{{l{i}}} ({{r{i}:,.0f}})" for i in range(len(top)))
    values: dict[str, object] = {}
    for i, row in enumerate(top.itertuples()):
        values |= {f"l{i}": row.label, f"r{i}": row.requests_count}
    parts.append(_say("The largest categories are " + names + "; together {share:.1f} % of the {total:,.0f} "
                      "categorised requests.", share=top["share_of_categories_pct"].sum(),
                      total=table["requests_count"].sum(), **values))
    return parts


def observations(monthly: pd.DataFrame | None) -> pd.DataFrame | None:
    """The dated observations that carry request counts."""
    if monthly is None:
        return None
    return monthly[["month", "date_from", "date_to", "requests_count", "description_ru", "source_line"]]


def observations_text(obs: pd.DataFrame | None, *others: pd.DataFrame | None) -> Text | list[Text] | None:
    """The dated observations: heading, how many there are and the requests they count.

    Without observations: one sentence when the dataset has another information-line table (``others``), else
    nothing (:func:`absent_text` has said that the section has nothing to show).
    """
    if obs is None:
        if any(t is not None for t in others):
            return _say("The dataset has no dated observations of the information line.")
        return None
    months = sorted(obs["month"].dropna().astype(str).unique())
    return [_say("## Dated observations\n\nDated observations of the line that carry request counts."),
            _say("{n} dated observations ({months}) with {total:,.0f} requests in total.", n=len(obs),
                 months=", ".join(months), total=obs["requests_count"].sum())]
