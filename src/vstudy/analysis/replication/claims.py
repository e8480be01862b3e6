"""What each published value says: its claim id and its claim, as a message of the ``replication`` catalogue
(``claim.*``) with its facts, rendered in every edition language by the register."""

from __future__ import annotations

from vstudy import i18n
from vstudy.analysis.replication.core import Context, Message, Quote, message
from vstudy.analysis.replication.headline import RESTATEMENTS

_SHORT = {"age_by_region": "age", "status_by_region": "status", "event_directions_by_region": "events",
          "event_directions_national": "events_national", "organisations_by_region": "organisations",
          "participant_category_quotes": "participants", "ways_of_volunteering": "ways",
          "org_directions_partial": "org_directions", "info_line_totals": "info_line",
          "info_line_channels": "info_line.channel", "info_line_categories": "info_line.category",
          "info_line_monthly": "info_line.spike"}


def claim_id(row) -> str:
    t, item, code, col = row.table, row.item, row.region_code, row.column
    short = _SHORT.get(t, t)
    if t == "headline_figures":
        return str(item)
    if t == "correlations_published":
        return f"r_{item}"
    parts = [short] + [str(p) for p in (item, code) if p is not None]
    if t in ("organisations_by_region", "gender_extremes"):
        parts.append(col.removesuffix("_pct"))
    if t == "info_line_monthly":
        parts = [short, str(item).split("/")[0]]
    return ".".join(parts).replace("/", "_")


# Proper names a category word carries (an abbreviation, a brand): written as they are in every language.
PROPER_NAMES = {"neet": "NEET", "whatsapp": "WhatsApp", "telegram": "Telegram", "pro_bono": "ProBono"}


def _term(group: str, item: object) -> Message:
    """A category word of the catalogue (``replication.term.<group>.<item>``), or the id itself where the catalogue
    has none (a category a dataset brings that the study does not name)."""
    key = f"replication.term.{group}.{item}"
    if not i18n.has("en", key):
        return message("replication.term.as_given", id=str(item))
    return message(key, name=PROPER_NAMES[item]) if item in PROPER_NAMES else message(key)


def claim(ctx: Context, row) -> Message:
    """What the published value says (region names from the gazetteer, the report's labels as printed)."""
    t, item, code, col = row.table, row.item, row.region_code, row.column
    region = ctx.region(code)
    if t == "headline_figures":
        if item in RESTATEMENTS:
            table, target, name = RESTATEMENTS[item]
            target_code = ctx.code(name) if name else None
            other = ctx.value(table, target, target_code)
            if other is not None:
                return message("replication.claim.in_prose",
                               claim=claim(ctx, other._replace(item=target, region_code=target_code)))
        key = f"replication.headline.{item}"
        if i18n.has("en", key):
            return message(key)
        hf = ctx.t("headline_figures")
        quote = None if hf is None else hf.loc[hf["figure_id"] == item, "quote_ru"]
        if quote is not None and len(quote):
            return message("replication.claim.quote", quote=Quote(str(quote.iloc[0])[:100]))
        return message("replication.term.as_given", id=str(item))
    if t == "age_by_region":
        return message("replication.claim.age_by_region", group=_term("age", item), region=region)
    if t == "status_by_region":
        return message("replication.claim.status_by_region", status=_term("status", item), region=region)
    if t in ("age_national", "status_national", "gender_national"):
        group = {"age_national": "age", "status_national": "status", "gender_national": "gender"}[t]
        return message("replication.claim.national", category=_term(group, item))
    if t == "organisations_by_region":
        return message("replication.claim.organisations", what=_term("organisations", col), region=region)
    if t in ("event_directions_by_region", "event_directions_national"):
        return message("replication.claim.events", label=Quote(ctx.direction_label(item)),
                       regional=code is not None, region=region)
    if t == "participant_category_quotes":
        return message("replication.claim.participants", category=_term("participants", item), region=region)
    if t == "ways_of_volunteering":
        return message("replication.claim.ways", way=_term("ways", item))
    if t == "gender_extremes":
        return message("replication.claim.gender_extremes", sex=col.removesuffix("_pct"),
                       extreme=_term("gender_extremes", item), regional=code is not None, region=region)
    if t == "correlations_published":
        pub = ctx.t("correlations_published")
        if pub is not None and (pub["coef_id"] == item).any():
            x, y = ctx.pair(item)
            return message("replication.claim.correlation", x=x, y=y)
        return message("replication.claim.correlation_id", id=str(item))
    if t == "org_directions_partial":
        return message("replication.claim.org_directions", value=str(item).split("/")[-1].removeprefix("value_"))
    if t == "info_line_monthly" and "/" in str(item):
        start, end = str(item).split("/", 1)
        return message("replication.claim.info_line_spike", start=start, end=end)
    if t == "info_line_categories":
        cats = ctx.t("info_line_categories")
        hit = None if cats is None or "label_ru" not in cats.columns else cats.loc[cats["category_id"] == item,
                                                                                   "label_ru"]
        if hit is not None and len(hit):
            return message("replication.claim.info_line_category", label=Quote(str(hit.iloc[0])[:100]))
    return message("replication.claim.info_line", item=_term("info_line", item))
