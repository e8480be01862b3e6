"""Section figures and the labels they print: every chart of the study is drawn here, from analysis results.

Each function takes tables the analysis layer computed and returns ``(fig, ax)``; colours, fonts and labels come
from :mod:`vstudy.present.plots`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from vstudy.analysis.replication import (
    CONSISTENT,
    DERIVED,
    DIFFERS,
    NOT_REPRODUCIBLE,
    REPRODUCED,
    STATUS_ORDER,
)
from vstudy.present import labels as labels_of
from vstudy.present import plots
from vstudy.present.words import plain


def _say(lang: str, key: str, **facts: object) -> str:
    """A figure's words from the ``figures`` catalogue (plain text: a figure is not Markdown)."""
    return plain(lang, f"figures.{key}", **facts)


# ----------------------------------------------------------------------------------------------------
# demographics


def category_labels(lang: str = "en") -> dict[str, str]:
    """Printed labels of every category id (age groups, statuses, directions, genders) in ``lang``."""
    return dict(plots.LABELS[lang])


def national_shares_table(published: pd.DataFrame | None, lang: str = "en") -> pd.DataFrame | None:
    """The published national shares (dimension, category, share_pct) with a printed ``label`` column."""
    if published is None:
        return None
    out = published.copy()
    labels = category_labels(lang)
    out.insert(2, "label", [labels.get(c, c) for c in out["category"]])
    return out


def plot_national(published: pd.DataFrame | None, lang: str = "en"):
    """Two panels: national shares by age group and by gender (published values, printed on the bars).

    ``published`` is the table of published national shares (dimension, category, share_pct); None (no figure)
    when it has neither age nor gender shares.
    """
    if published is None:
        return None
    series = {key: published[published["dimension"] == key].set_index("category")["share_pct"]
              for key in ("age_group", "gender")}
    panels = [(s, k) for k, s in series.items() if len(s)]
    if not panels:
        return None
    fig, axes = plt.subplots(1, len(panels), figsize=(6.3, 2.6), layout="constrained",
                             gridspec_kw={"width_ratios": [2, 1][: len(panels)]})
    axes = np.atleast_1d(axes)
    for ax, (series, key) in zip(axes, panels, strict=False):
        if key == "gender":
            names = [plots.label(c, lang, default=c) for c in series.index]
            colors = ["#0072B2", "#CC79A7"][: len(series)]
        else:
            names = [plots.label(c, lang, default=c) for c in series.index]
            colors = plots.category_colors("age_group", list(series.index))
        ax.bar(range(len(series)), series.to_numpy(), color=colors)
        for x, v in enumerate(series.to_numpy()):
            ax.text(x, v + 1, plots.number(v, lang, decimals=2), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(range(len(series)), names, rotation=20 if key == "age_group" else 0, ha="right"
                      if key == "age_group" else "center")
        ax.set_ylim(0, max(60.0, float(series.max()) * 1.15))
        ax.set_ylabel(plots.label("share_pct", lang))
        ax.set_title(plots.label(key, lang))
    return fig, axes


def plot_share_bars(shares: pd.DataFrame | None, palette_key: str, lang: str = "en", sort_by: str | None = None):
    """Each region's mix as 100 %-stacked bars (``shares``: region_code and one column per category); None if absent."""
    if shares is None:
        return None
    wide = relabel(shares.set_index("region_code"), lang)
    return plots.stacked_share_bars(wide, list(wide.columns), palette_key, lang, sort_by=sort_by)


def mix(ages: pd.DataFrame | None, statuses: pd.DataFrame | None) -> pd.DataFrame | None:
    """Age groups and statuses by region in one frame (index region_code), sorted by the share under 18; None
    without either: what :func:`plot_mix_heatmap` draws."""
    parts = [p.set_index("region_code") for p in (ages, statuses) if p is not None]
    if not parts:
        return None
    combined = pd.concat(parts, axis=1)
    if ages is not None:
        combined = combined.sort_values("under18", ascending=False)
    return combined


def plot_mix_heatmap(ages: pd.DataFrame | None, statuses: pd.DataFrame | None, lang: str = "en"):
    """Age groups and statuses by region in one heat map, sorted by the share under 18; None without either."""
    combined = mix(ages, statuses)
    if combined is None:
        return None
    return plots.share_heatmap(relabel(combined, lang), lang, vmin=0, vmax=100)


def plot_distance(dist: pd.DataFrame | None, lang: str = "en"):
    """Regions ranked by the mean distance of their mix from the national mix (``dist`` with a ``region`` column)."""
    if dist is None:
        return None
    return plots.ranking_bars(dist.set_index("region")["tvd_mean_pp"], lang, highlight=list(dist["region"].head(3)),
                              value_label=_say(lang, "distance_axis"))


ORG_COLORS = {"ngo": "#0072B2", "initiative_group": "#E69F00"}


def plot_organisation_counts(frame: pd.DataFrame | None, lang: str = "en"):
    """Horizontal stacked bars of NGO and initiative-group counts per region, largest total at the top."""
    if frame is None:
        return None
    labels = region_labels(frame["region_code"], lang)
    data = frame.sort_values("organisations_count", ascending=True)
    fig, ax = plt.subplots(figsize=(6.3, max(2.5, 0.22 * len(data) + 1.3)), layout="constrained")
    y = np.arange(len(data))
    ax.barh(y, data["ngo_count"], color=ORG_COLORS["ngo"], label=_say(lang, "organisations.ngo"), height=0.75)
    ax.barh(y, data["initiative_group_count"], left=data["ngo_count"], color=ORG_COLORS["initiative_group"],
            label=_say(lang, "organisations.initiative_group"), height=0.75)
    for yi, total in zip(y, data["organisations_count"], strict=True):
        ax.text(total + 3, yi, plots.number(total, lang, decimals=0), va="center", fontsize=7)
    ax.set_yticks(y, [labels.get(c, c) for c in data["region_code"]])
    ax.set_xlabel(_say(lang, "organisations.count"))
    plots.localize_axis(ax.xaxis, lang)
    ax.set_xlim(0, float(data["organisations_count"].max()) * 1.1)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.legend(loc="lower right", frameon=False)
    return fig, ax


def _total(totals: pd.DataFrame | None, quantity: str) -> float | None:
    if totals is None or not (totals["quantity"] == quantity).any():
        return None
    return float(totals.set_index("quantity").loc[quantity, "recomputed"])


def plot_ngo_share(orgs: pd.DataFrame | None, totals: pd.DataFrame | None, lang: str = "en"):
    """The NGO share of each region's associations, ranked, with the national share as a reference line."""
    if orgs is None:
        return None
    groups = _total(totals, "initiative_group_share_pct")
    return plots.ranking_bars(orgs.set_index("region")["ngo_share_pct"], lang, palette_key="share",
                              value_label=plots.label("share_pct", lang),
                              reference=None if groups is None else 100 - groups)


def plot_per_100k(orgs: pd.DataFrame | None, totals: pd.DataFrame | None, lang: str = "en"):
    """Associations per 100,000 inhabitants, ranked, with the national rate; None without population figures."""
    if orgs is None or "organisations_per_100k" not in orgs.columns or orgs["organisations_per_100k"].isna().all():
        return None
    series = orgs.set_index("region")["organisations_per_100k"]
    return plots.ranking_bars(series, lang, palette_key="rate_per_100k", value_label=_say(lang, "organisations.per_100k"),
                              reference=_total(totals, "organisations_per_100k"), highlight=[series.idxmax()])


# ----------------------------------------------------------------------------------------------------
# economics


def plot_sensitivity(grid: pd.DataFrame, target: float | None = None, lang: str = "en"):
    """Value per year against hours worked per month for the first wage basis: one colour per coverage, one line
    style per employer uplift; a horizontal line at the published value when there is one."""
    fig, ax = plt.subplots(figsize=(6.3, 3.8), layout="constrained")
    first = grid[grid["wage_basis"] == grid["wage_basis"].iloc[0]]
    coverages = sorted(first["coverage"].unique())
    colors = dict(zip(coverages, ["#D55E00", "#E69F00", "#0072B2", "#009E73", "#CC79A7"], strict=False))
    uplifts = sorted(first["employer_uplift"].unique()) if "employer_uplift" in first.columns else [0.0]
    styles = dict(zip(uplifts, ["-", "--", ":", "-."], strict=False))
    for cov in coverages:
        for up in uplifts:
            sel = first["coverage"] == cov
            if "employer_uplift" in first.columns:
                sel &= first["employer_uplift"] == up
            line = first[sel].sort_values("hours_worked_per_month")
            ax.plot(line["hours_worked_per_month"], line["value_bn_kzt_per_year"], styles[up], marker="o",
                    markersize=3, color=colors[cov],
                    label=_say(lang, "sensitivity.line", coverage=float(cov) * 100, uplift=float(up) * 100))
    if target is not None:
        ax.axhline(target / 1e9, color="0.2", linewidth=0.9)
        ax.text(first["hours_worked_per_month"].min(), target / 1e9, " " + _say(lang, "sensitivity.target"),
                va="bottom", fontsize=8)
    ax.set_xlabel(_say(lang, "sensitivity.x"))
    ax.set_ylabel(_say(lang, "sensitivity.y"))
    from vstudy.present.prose.economics import wage_label

    title = wage_label(grid["wage_basis"].iloc[0], lang)
    ax.set_title(title[:1].upper() + title[1:], fontsize=8)
    top = max(float(first["value_bn_kzt_per_year"].max()), (target or 0) / 1e9)
    ax.set_ylim(0, top * 1.15)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False, fontsize=7,
              title=_say(lang, "sensitivity.legend"), title_fontsize=7)
    plots.localize_numbers(fig, lang)
    return fig, ax


def sensitivity_view(grid: pd.DataFrame) -> pd.DataFrame:
    """The grid as a reader's table: wage basis × coverage × uplift in rows, hours a month in columns (bn tenge)."""
    view = grid.pivot_table(index=["wage_basis", "coverage", "employer_uplift"], columns="hours_worked_per_month",
                            values="value_bn_kzt_per_year").round(2)
    view.columns = [f"{c:g} h/month" for c in view.columns]
    view = view.reset_index()
    view["coverage"] = [f"{c:.0%}" for c in view["coverage"]]
    view["employer_uplift"] = [f"{u:.0%}" for u in view["employer_uplift"]]
    return view.rename(columns={"wage_basis": "wage basis", "employer_uplift": "employer uplift"}).set_index(
        ["wage basis", "coverage", "employer uplift"])


# ----------------------------------------------------------------------------------------------------
# infoline


def plot_bars(labels: list[str], values: list[float], lang: str = "en", color: str = "#0072B2",
              height_per_bar: float = 0.32):
    """Horizontal bars (largest at the top) with the counts printed at the bar ends."""
    import textwrap

    import numpy as np

    order = np.argsort(values)
    fig, ax = plt.subplots(figsize=(6.3, max(1.8, height_per_bar * len(values) + 1.0)), layout="constrained")
    y = np.arange(len(values))
    vals = np.asarray(values, dtype=float)[order]
    ax.barh(y, vals, color=color, height=0.7)
    for yi, v in zip(y, vals, strict=True):
        ax.text(v + vals.max() * 0.01, yi, plots.number(v, lang, decimals=0), va="center", fontsize=8)
    ax.set_yticks(y, [textwrap.fill(str(labels[i]), 45) for i in order])
    ax.set_xlim(0, vals.max() * 1.12)
    ax.set_xlabel(_say(lang, "requests"))
    plots.localize_axis(ax.xaxis, lang)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    return fig, ax


def plot_channels(main: pd.DataFrame | None, lang: str = "en"):
    """Requests by channel (the channels proper, from ``infoline.main_channels``)."""
    if main is None or main.empty:
        return None
    return plot_bars(main["label"].tolist(), main["requests"].tolist(), lang, color="#009E73")


def plot_categories(categories: pd.DataFrame | None, lang: str = "en"):
    """Volunteering-related requests by category (``infoline.categories_table``)."""
    if categories is None or categories.empty:
        return None
    return plot_bars(categories["label"].tolist(), categories["requests_count"].tolist(), lang)


# ----------------------------------------------------------------------------------------------------
# replication


STATUS_COLORS = {REPRODUCED: "#009E73", CONSISTENT: "#56B4E9", DERIVED: "#CC79A7", DIFFERS: "#D55E00",
                 NOT_REPRODUCIBLE: "#9e9e9e"}


def plot_status_summary(summary: pd.DataFrame, lang: str = "en"):
    """Horizontal stacked bars: published numbers per section by status (from :func:`status_summary`, indexed by
    the section titles; its total row is left out)."""

    data = summary.iloc[:-1][list(STATUS_ORDER)].iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.3, 0.35 * len(data) + 1.6), layout="constrained")
    if data.empty:
        ax.text(0.5, 0.5, "—", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig, ax
    left = np.zeros(len(data))
    for status in data.columns:
        values = data[status].to_numpy(dtype=float)
        ax.barh(np.arange(len(data)), values, left=left, color=STATUS_COLORS[status],
                label=plots.label(status, lang), height=0.7)
        for y, (lft, v) in enumerate(zip(left, values, strict=True)):
            if v >= 0.04 * data.to_numpy().sum(axis=1).max():
                ax.text(lft + v / 2, y, plots.number(int(v), lang), ha="center", va="center", color="white",
                        fontsize=8)
        left += values
    ax.set_yticks(np.arange(len(data)), list(data.index))
    ax.set_xlabel(plots.label("register_claims_count", lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return fig, ax


def region_labels(codes, lang: str = "en") -> dict[str, str]:
    """Code → short region name for tables and axes (:func:`vstudy.present.plots.region_label`, unique per language)."""

    return {c: plots.region_label(c, lang) for c in dict.fromkeys(codes)}


def relabel(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``frame`` indexed by region code → the same frame indexed by unique region labels (for plotting)."""
    labels = region_labels(frame.index, lang)
    return frame.rename(index=labels)


def coverage_row_label(row: object, lang: str = "en", names: Mapping[str, str] | None = None) -> str:
    """A row of :func:`vstudy.analysis.replication.coverage_matrix` ("<indicator id> <period>") for a reader: the
    indicator's label (``names``: id → label; the id where it has none) and its period."""
    indicator, _, period = str(row).rpartition(" ")
    indicator = indicator or period
    name = (names or {}).get(indicator) or labels_of.label(indicator, lang, default=None) or indicator
    if period == "undated":
        return _say(lang, "coverage_undated", indicator=name)
    return plain(lang, "labels.pattern.indicator_period", indicator=name, period=period)


def plot_coverage(matrix: pd.DataFrame, lang: str = "en", names: Mapping[str, str] | None = None):
    """Grid of indicator-periods × regions, filled where a value exists; rows named by ``names`` (indicator id →
    label in ``lang``, :attr:`vstudy.present.notebook.Study.indicator_names`)."""
    from matplotlib.colors import ListedColormap

    labels = region_labels(matrix.columns, lang)
    fig, ax = plt.subplots(figsize=(6.3, 0.2 * len(matrix) + 1.8), layout="constrained")
    ax.imshow(matrix.to_numpy(), cmap=ListedColormap(["#f2f2f2", "#0072B2"]), aspect="auto", vmin=0, vmax=1)
    ax.set_xticks(range(matrix.shape[1]), [labels[c] for c in matrix.columns], rotation=60, ha="right",
                  rotation_mode="anchor", fontsize=7)
    rows = [coverage_row_label(r, lang, names) for r in matrix.index]
    ax.set_yticks(range(len(matrix)), rows, fontsize=7)
    ax.set_xticks(np.arange(-0.5, matrix.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, len(matrix)), minor=True)
    ax.grid(which="minor", color="white", linewidth=0.6)
    ax.tick_params(which="both", length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return fig, ax


# ----------------------------------------------------------------------------------------------------
# correlations


def forest_plot(table: pd.DataFrame, labels: Sequence[str], r_col: str = "r", low: str = "ci_low",
                high: str = "ci_high", extra: tuple[str, str] | None = None, lang: str = "en",
                title: str | None = None, figsize: tuple[float, float] | None = None):
    """Coefficients with their intervals, one row each (top = first); a zero line; optional second interval.

    ``extra`` = (low, high) columns of a second interval (e.g. the bootstrap), drawn thinner below the first.
    """

    n = len(table)
    fig, ax = plots.plt.subplots(figsize=figsize or (plots.FULL_WIDTH_IN, max(2.2, 0.28 * n + 1.0)),
                                 layout="constrained")
    y = np.arange(n)[::-1].astype(float)
    colour = plots.PALETTES["status"][0]
    r = table[r_col].to_numpy(float)
    ax.hlines(y, table[low].to_numpy(float), table[high].to_numpy(float), color=colour, linewidth=1.6,
              label=_say(lang, "forest.fisher"))
    if extra is not None:
        ax.hlines(y - 0.25, table[extra[0]].to_numpy(float), table[extra[1]].to_numpy(float), color="0.55",
                  linewidth=0.9, label=_say(lang, "forest.bootstrap"))
    ax.plot(r, y, "o", color=colour, markersize=4, zorder=3)
    ax.axvline(0, color="0.3", linewidth=0.7, linestyle="--")
    ax.set_yticks(y, list(labels))
    ax.set_xlim(-1, 1)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1])
    ax.set_xlabel(plots.label("r", lang))
    ax.tick_params(axis="y", length=0)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3)
    if title:
        ax.set_title(title)
    plots.localize_numbers(fig, lang)
    return fig, ax


def _pair_label(x: str, y: str, x_scale: str, y_scale: str, n: int, lang: str) -> str:
    from vstudy.analysis import correlations as cs

    return _say(lang, "pair", x=cs.scaled_label(x, x_scale, lang), y=cs.scaled_label(y, y_scale, lang), n=n)


def main_forest_rows(results: pd.DataFrame) -> pd.DataFrame:
    """The rows :func:`main_forest` draws: main pairs of the public-data families, primary method, all regions."""
    return results[results["main"].astype(bool) & (results["role"] == "primary") & results["r"].notna()
                   & ~results["subset"].astype(bool) & (results["family"] != "report")]


def main_forest(results: pd.DataFrame, lang: str = "en"):
    """Main pairs of the public-data families (primary method, all regions): r with Fisher-z and bootstrap intervals."""
    main = main_forest_rows(results)
    if main.empty:
        return None
    names = [_pair_label(r.x, r.y, r.x_scale, r.y_scale, r.n, lang) for r in main.itertuples()]
    fig, _ = forest_plot(main, names, extra=("boot_low", "boot_high"), lang=lang,
                         figsize=(plots.FULL_WIDTH_IN, 0.5 * len(main) + 1.2))
    return fig


def report_forest_rows(results: pd.DataFrame) -> pd.DataFrame:
    """The rows :func:`report_forest` draws: the report's pairs, primary method, with a coefficient."""
    return results[(results["family"] == "report") & (results["role"] == "primary") & results["r"].notna()]


def report_forest(results: pd.DataFrame, lang: str = "en"):
    """The report's pairs recomputed from data, with the published r as a cross (None when none can run)."""
    sub = report_forest_rows(results)
    if sub.empty:
        return None
    names = [_say(lang, "coef", pair=plots.label(c, lang, default=c).replace(" × ", " ×\n"), n=n)
             for c, n in zip(sub["coef_id"], sub["n"], strict=True)]
    fig, ax = forest_plot(sub, names, extra=("boot_low", "boot_high"), lang=lang,
                          figsize=(plots.FULL_WIDTH_IN, 0.5 * len(sub) + 1.2))
    if "r_published" in sub.columns:
        ax.plot(sub["r_published"].to_numpy(float), np.arange(len(sub))[::-1], "x", color=plots.HIGHLIGHT_COLOR,
                markersize=6, label=_say(lang, "forest.published"))
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3)
    return fig


def strongest_scatter(frame: pd.DataFrame, results: pd.DataFrame, lang: str = "en"):
    """Scatter of the public-data pair with the smallest permutation p (all regions), on its declared scales, with
    the region whose omission moves r the most highlighted (None when no pair can be estimated)."""
    from vstudy.analysis import correlations as cs

    found = _strongest(frame, results)
    if found is None:
        return None
    row, df = found
    fig, _ = plots.scatter_labeled(df, "x", "y", "region_code", lang=lang,
                                   xlabel=cs.scaled_label(row["x"], row["x_scale"], lang),
                                   ylabel=cs.scaled_label(row["y"], row["y_scale"], lang),
                                   highlight=row["influential_region"])
    return plots.localize_numbers(fig, lang)


def _strongest(frame: pd.DataFrame, results: pd.DataFrame):
    from vstudy.analysis import correlations as cs

    table = cs.findings_table(results)
    if table.empty:
        return None
    row = table.sort_values("p_perm", kind="stable").iloc[0]
    data = cs.analysis_frame(frame)
    df = pd.DataFrame({"x": cs.on_scale(data[row["x"]], row["x_scale"]),
                       "y": cs.on_scale(data[row["y"]], row["y_scale"]), "region_code": data.index})
    return row, df


def strongest_scatter_data(frame: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame | None:
    """The points :func:`strongest_scatter` draws: region_code and the pair's two variables as the dataset has
    them (the figure puts a variable declared on a log scale on a log axis)."""
    from vstudy.analysis import correlations as cs

    found = _strongest(frame, results)
    if found is None:
        return None
    row, _ = found
    data = cs.analysis_frame(frame)
    return pd.DataFrame({"region_code": data.index, row["x"]: data[row["x"]].to_numpy(float),
                         row["y"]: data[row["y"]].to_numpy(float)})


# ----------------------------------------------------------------------------------------------------
# activities


def region_names(codes: Iterable[str], lang: str) -> list[str]:
    """Short printed region names in order (:func:`vstudy.present.plots.region_label`: "Almaty Region" stays full in
    English, where "Almaty" is the city)."""

    return [plots.region_label(c, lang) for c in codes]


def with_labels(frame: pd.DataFrame | None, lang: str) -> pd.DataFrame | None:
    """Add printed ``region`` and ``direction`` columns (in ``lang``) beside region_code / direction_id.

    None stays None (a part whose inputs the dataset lacks).
    """
    if frame is None:
        return None
    out = frame.copy()
    if "region_code" in out.columns:
        out.insert(out.columns.get_loc("region_code") + 1, "region", region_names(out["region_code"], lang))
    if "direction_id" in out.columns:
        out.insert(out.columns.get_loc("direction_id") + 1, "direction",
                   out["direction_id"].map(lambda d: plots.label(d, lang, default=d)))
    return out


def plot_directions_heatmap(matrix: pd.DataFrame | None, lang: str = "en"):
    """Share of each region's events by direction, regions sorted by the first direction; None without lists."""
    if matrix is None:
        return None
    order = matrix.sort_values(matrix.columns[0], ascending=False).index
    shown = matrix.loc[order].set_axis(region_names(order, lang), axis=0)
    fig, ax = plots.share_heatmap(shown, lang=lang, fmt=".1f", figsize=(plots.FULL_WIDTH_IN, 5.6))
    plots.localize_numbers(fig, lang)
    return fig, ax


def plot_event_national_shares(shares: pd.DataFrame | None, lang: str = "en"):
    """National shares of events by direction: published, else reconstructed, else the residual (highlighted)."""
    if shares is None:
        return None
    table = shares.set_index("direction_id")
    values = table["published_pct"].fillna(table["reconstructed_pct"]).fillna(table["residual_pct"])
    derived = [plots.label(d, lang, default=d) for d in table.index[table["published_pct"].isna()]]
    series = values.rename(index={d: plots.label(d, lang, default=d) for d in values.index})
    fig, ax = plots.ranking_bars(series, lang=lang, highlight=derived, value_label=plots.label("share_pct", lang),
                                 fmt="{:.2f}")
    plots.localize_numbers(fig, lang)
    return fig, ax


# ----------------------------------------------------------------------------------------------------
# maps


@dataclass(frozen=True)
class MapSpec:
    """One mapped quantity: the column, its palette, its unit label and its short title (in one language), and
    the column of counts behind each value (shown when hovering the interactive map, when the table has it)."""

    column: str
    quantity: str
    unit: str
    title: str
    n_column: str | None = None


def map_specs(lang: str = "en") -> tuple[MapSpec, ...]:
    """What section 04 maps, in order: each column with its palette, unit and title (from present.labels)."""
    per_100k = plots.label("per_100k_population", lang)
    pct = plots.label("pct", lang)

    def spec(column: str, quantity: str, unit: str, n_column: str | None = None) -> MapSpec:
        return MapSpec(column, quantity, unit, plots.label(f"map_{column}", lang), n_column)

    return (
        spec("organisations_per_100k", "rate_per_100k", per_100k, "organisations_count"),
        spec("ngo_share_pct", "share", pct, "organisations_count"),
        spec("vol_age_18_29_pct", "share", pct, "volunteers_count"),
        spec("vol_students_pct", "share", pct, "volunteers_count"),
        spec("vol_unemployed_pct", "share", pct, "volunteers_count"),
        spec("population_thousands", "count", plots.label("thousand_persons", lang)),
        spec("volunteers_per_100k", "rate_per_100k", per_100k, "volunteers_count"),
    )


MIN_MAPPED_UNITS = 4  # fewer units with a value than this: the quantity is not mapped


@dataclass
class MapPlan:
    """Section 04's maps of one dataset: which quantities have values, their classes, the maps and the table.

    Every word it returns is in ``lang``; the sentences come from :mod:`vstudy.present.prose.maps`.
    """

    frame: pd.DataFrame
    scheme: str
    lang: str
    specs: tuple[MapSpec, ...]
    choices: dict

    @property
    def absent(self) -> list[str]:
        mapped = {s.column for s in self.specs}
        return [s.column for s in map_specs(self.lang) if s.column not in mapped]

    def _spec(self, column: str) -> MapSpec | None:
        return next((s for s in self.specs if s.column == column), None)

    def classification(self) -> pd.DataFrame:
        """The classification chosen for each mapped quantity, with the reason (in ``lang``) and the alternatives'
        fit."""
        from vstudy.present.prose import maps as prose

        rows = []
        for spec in self.specs:
            values, choice = self.frame[spec.column], self.choices[spec.column]
            rows.append({"variable": spec.column, "regions_with_value": int(values.notna().sum()),
                         "min": float(values.min()), "max": float(values.max()), "classification": choice.method,
                         "k": choice.k, "skewness": round(choice.skewness, 2), "outliers": choice.outliers,
                         "justification": prose.justification_text(choice, self.lang)})
        return pd.DataFrame(rows)

    @property
    def supplied(self) -> list[str]:
        """The counts behind the rates that this dataset fills (``volunteers_count``, ``population_count``)."""
        return [c for c in ("volunteers_count", "population_count", "organisations_count")
                if c in self.frame.columns and self.frame[c].notna().any()]

    def text(self):
        """What is mapped and what this dataset lacks (Markdown sentences from the ``maps`` catalogue)."""
        from vstudy.data import regions
        from vstudy.present.prose import maps as prose

        return prose.overview(len(self.frame), len(regions.codes(self.scheme)), self.scheme,
                              [s.column for s in self.specs], self.absent, self.lang, supplied=self.supplied)

    def heading(self, group: str) -> str | None:
        """The Markdown heading of a group of maps (``organisations``, ``volunteers``, ``population``), or None
        when none of them has values."""
        from vstudy.present.prose import maps as prose

        return prose.heading(group, list(self.choices), self.lang)

    def draw(self, column: str):
        """One full-size choropleth of ``column`` and its note: ``(fig, parts)``; no figure if absent."""
        from vstudy.present import maps
        from vstudy.present.prose import maps as prose

        spec = self._spec(column)
        if spec is None:
            return None, prose.no_values(column, self.lang)
        choice = self.choices[column]
        res = maps.choropleth(self.frame, column, scheme=self.scheme, lang=self.lang, title=spec.title,
                              unit_label=spec.unit, classification=choice.method, k=choice.k, quantity=spec.quantity,
                              fmt="{:.0f}" if spec.quantity == "count" else "{:.1f}")
        missing = region_names(res.no_data_codes, self.lang)
        return res.fig, prose.map_note(len(res.region_codes), choice, missing, self.lang)

    def interactive(self, column: str):
        """The website's interactive map of ``column`` (same classes and palette as :meth:`draw`; hover: region,
        value, rank and, when the table has it, the count behind the value), or None if absent."""
        from vstudy.present import interactive

        spec = self._spec(column)
        if spec is None:
            return None
        choice = self.choices[column]
        n_column = spec.n_column if spec.n_column in self.frame.columns else None
        return interactive.choropleth(
            # a rate's title names its unit («Organisations per 100,000»); a share's and a count's do not
            self.frame, column, self.scheme, self.lang, value_label=spec.title,
            unit="" if spec.quantity == "rate_per_100k" else spec.unit,
            legend_title=spec.unit, decimals=0 if spec.quantity == "count" else 1, n_column=n_column,
            quantity=spec.quantity, classification=choice.method, k=choice.k)

    def small_multiples(self):
        """The mapped shares and rates side by side (quantiles, four classes); None when there are none."""
        from vstudy.present import maps

        panel = [s for s in self.specs if s.quantity != "count"]
        if not panel:
            return None
        fig, _axes, _results = maps.small_multiples(
            self.frame, [s.column for s in panel], [s.title for s in panel], lang=self.lang, scheme=self.scheme,
            unit_labels=[s.unit for s in panel], quantities=[s.quantity for s in panel], classification="quantiles",
            k=4, ncols=2, figsize=(plots.FULL_WIDTH_IN, 2.8 * ((len(panel) + 1) // 2)))
        return fig

    def data(self, column: str) -> pd.DataFrame | None:
        """What the map of ``column`` draws: region_code, the value and, where the table has it, the count behind
        it; None when ``column`` is not mapped."""
        spec = self._spec(column)
        if spec is None:
            return None
        n_column = spec.n_column if spec.n_column in self.frame.columns else None
        return self.frame[["region_code", column] + ([n_column] if n_column else [])].reset_index(drop=True)

    def values(self) -> pd.DataFrame:
        """The mapped values by region (region_code, region, one column per mapped quantity)."""
        out = self.frame[["region_code"] + [s.column for s in self.specs]].copy()
        out.insert(1, "region", region_names(out["region_code"], self.lang))
        return out


def map_plan(regions_table: pd.DataFrame, scheme: str, lang: str = "en") -> MapPlan:
    """Plan section 04's maps from the processed ``regions_<scheme>`` table.

    Population is mapped in thousands; a quantity is mapped when at least :data:`MIN_MAPPED_UNITS` units have a
    value, with the classification :func:`vstudy.present.maps.recommend_classification` picks.
    """
    from vstudy.present import maps

    frame = regions_table.copy()
    if "population_count" in frame.columns:
        frame["population_thousands"] = frame["population_count"].astype(float) / 1000
    specs = tuple(s for s in map_specs(lang)
                  if s.column in frame.columns and frame[s.column].notna().sum() >= MIN_MAPPED_UNITS)
    for s in specs:
        frame[s.column] = frame[s.column].astype(float)
    choices = {s.column: maps.recommend_classification(frame[s.column]) for s in specs}
    return MapPlan(frame, scheme, lang, specs, choices)
