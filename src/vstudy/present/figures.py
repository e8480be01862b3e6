"""Section figures and the labels they print: every chart of the study is drawn here, from analysis results.

Each function takes tables the analysis layer computed and returns ``(fig, ax)``; colours, fonts and labels come
from :mod:`vstudy.present.plots`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
from vstudy.present import plots

# ----------------------------------------------------------------------------------------------------
# demographics


GENDER_LABELS = {"en": {"male": "Male", "female": "Female"}, "ru": {"male": "Мужчины", "female": "Женщины"}}


def plot_national(age_nat: pd.Series | None, gender_nat: pd.Series | None, lang: str = "en"):
    """Two panels: national shares by age group and by gender (published values, printed on the bars)."""


    panels = [(s, k) for s, k in ((age_nat, "age_group"), (gender_nat, "gender")) if s is not None]
    fig, axes = plt.subplots(1, max(1, len(panels)), figsize=(6.3, 2.6), layout="constrained",
                             gridspec_kw={"width_ratios": [2, 1][: max(1, len(panels))]})
    axes = np.atleast_1d(axes)
    for ax, (series, key) in zip(axes, panels, strict=False):
        if key == "gender":
            names = [GENDER_LABELS[lang].get(c, c) for c in series.index]
            colors = ["#0072B2", "#CC79A7"][: len(series)]
        else:
            names = [plots.label(c, lang, default=c) for c in series.index]
            colors = plots.category_colors("age_group", list(series.index))
        ax.bar(range(len(series)), series.to_numpy(), color=colors)
        for x, v in enumerate(series.to_numpy()):
            ax.text(x, v + 1, f"{v:.2f}", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(range(len(series)), names, rotation=20 if key == "age_group" else 0, ha="right"
                      if key == "age_group" else "center")
        ax.set_ylim(0, max(60.0, float(series.max()) * 1.15))
        ax.set_ylabel(plots.label("share_pct", lang))
        ax.set_title(plots.label(key, lang, default={"en": "Gender", "ru": "Пол"}[lang]))
    return fig, axes


ORG_COLORS = {"ngo": "#0072B2", "initiative_group": "#E69F00"}


ORG_LABELS = {
    "en": {"ngo": "NGOs", "initiative_group": "Initiative groups", "count": "Number of associations",
           "per_100k": "Organisations and groups per 100,000 population"},
    "ru": {"ngo": "НПО", "initiative_group": "Инициативные группы", "count": "Число объединений",
           "per_100k": "Организаций и групп на 100 тыс. населения"},
}


def plot_organisation_counts(frame: pd.DataFrame, labels: dict[str, str], lang: str = "en"):
    """Horizontal stacked bars of NGO and initiative-group counts per region, largest total at the top."""

    data = frame.sort_values("organisations_count", ascending=True)
    fig, ax = plt.subplots(figsize=(6.3, max(2.5, 0.22 * len(data) + 1.3)), layout="constrained")
    y = np.arange(len(data))
    ax.barh(y, data["ngo_count"], color=ORG_COLORS["ngo"], label=ORG_LABELS[lang]["ngo"], height=0.75)
    ax.barh(y, data["initiative_group_count"], left=data["ngo_count"], color=ORG_COLORS["initiative_group"],
            label=ORG_LABELS[lang]["initiative_group"], height=0.75)
    for yi, total in zip(y, data["organisations_count"], strict=True):
        ax.text(total + 3, yi, f"{total:.0f}", va="center", fontsize=7)
    ax.set_yticks(y, [labels.get(c, c) for c in data["region_code"]])
    ax.set_xlabel(ORG_LABELS[lang]["count"])
    ax.set_xlim(0, float(data["organisations_count"].max()) * 1.1)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.legend(loc="lower right", frameon=False)
    return fig, ax


# ----------------------------------------------------------------------------------------------------
# economics


PLOT_LABELS = {
    "en": {"x": "Hours worked per month by an employee", "y": "Value, bn tenge a year", "coverage": "coverage",
           "target": "report: ≥ 3.2 bn"},
    "ru": {"x": "Часов работы сотрудника в месяц", "y": "Стоимость, млрд тенге в год", "coverage": "охват",
           "target": "доклад: ≥ 3,2 млрд"},
}


def plot_sensitivity(grid: pd.DataFrame, target: float | None = None, lang: str = "en"):
    """Value per year against hours worked per month, one line per coverage and wage basis."""

    labels = PLOT_LABELS[lang]
    fig, ax = plt.subplots(figsize=(6.3, 3.6), layout="constrained")
    coverages = sorted(grid["coverage"].unique())
    colors = dict(zip(coverages, ["#D55E00", "#E69F00", "#0072B2", "#009E73", "#CC79A7"], strict=False))
    styles = ["-", "--", ":", "-."]
    for i, (wage_label, sub) in enumerate(grid.groupby("wage_basis", sort=False)):
        for cov in coverages:
            line = sub[sub["coverage"] == cov].sort_values("hours_worked_per_month")
            ax.plot(line["hours_worked_per_month"], line["value_bn_kzt_per_year"], styles[i % len(styles)],
                    marker="o", markersize=3, color=colors[cov],
                    label=f"{labels['coverage']} {cov:.0%}; {wage_label}")
    if target is not None:
        ax.axhline(target / 1e9, color="0.2", linewidth=0.9)
        ax.text(grid["hours_worked_per_month"].min(), target / 1e9, f" {labels['target']}", va="bottom",
                fontsize=8)
    ax.set_xlabel(labels["x"])
    ax.set_ylabel(labels["y"])
    top = max(float(grid["value_bn_kzt_per_year"].max()), (target or 0) / 1e9)
    ax.set_ylim(0, top * 1.15)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1, frameon=False, fontsize=7)
    return fig, ax


# ----------------------------------------------------------------------------------------------------
# infoline


AXIS_LABELS = {"en": {"requests": "Requests"}, "ru": {"requests": "Обращения"}}


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
        ax.text(v + vals.max() * 0.01, yi, f"{v:,.0f}", va="center", fontsize=8)
    ax.set_yticks(y, [textwrap.fill(str(labels[i]), 45) for i in order])
    ax.set_xlim(0, vals.max() * 1.12)
    ax.set_xlabel(AXIS_LABELS[lang]["requests"])
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    return fig, ax


# ----------------------------------------------------------------------------------------------------
# replication


STATUS_LABELS = {
    "en": {REPRODUCED: "reproduced", CONSISTENT: "consistent", DERIVED: "derived", DIFFERS: "differs",
           NOT_REPRODUCIBLE: "not reproducible", "claims": "Number of published numbers (and derived values)"},
    "ru": {REPRODUCED: "воспроизведено", CONSISTENT: "согласовано", DERIVED: "выведено", DIFFERS: "расходится",
           NOT_REPRODUCIBLE: "не воспроизводимо", "claims": "Число опубликованных (и выведенных) чисел"},
}


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
                label=STATUS_LABELS[lang][status], height=0.7)
        for y, (lft, v) in enumerate(zip(left, values, strict=True)):
            if v >= 0.04 * data.to_numpy().sum(axis=1).max():
                ax.text(lft + v / 2, y, f"{int(v)}", ha="center", va="center", color="white", fontsize=8)
        left += values
    ax.set_yticks(np.arange(len(data)), list(data.index))
    ax.set_xlabel(STATUS_LABELS[lang]["claims"])
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


def plot_coverage(matrix: pd.DataFrame, lang: str = "en"):
    """Grid of indicator-periods × regions, filled where a value exists."""
    from matplotlib.colors import ListedColormap

    labels = region_labels(matrix.columns, lang)
    fig, ax = plt.subplots(figsize=(6.3, 0.2 * len(matrix) + 1.8), layout="constrained")
    ax.imshow(matrix.to_numpy(), cmap=ListedColormap(["#f2f2f2", "#0072B2"]), aspect="auto", vmin=0, vmax=1)
    ax.set_xticks(range(matrix.shape[1]), [labels[c] for c in matrix.columns], rotation=60, ha="right",
                  rotation_mode="anchor", fontsize=7)
    ax.set_yticks(range(len(matrix)), matrix.index, fontsize=7)
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
              label="Fisher z 95 %" if lang == "en" else "Fisher z, 95 %")
    if extra is not None:
        ax.hlines(y - 0.25, table[extra[0]].to_numpy(float), table[extra[1]].to_numpy(float), color="0.55",
                  linewidth=0.9, label="bootstrap" if lang == "en" else "бутстреп")
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
    return fig, ax


# ----------------------------------------------------------------------------------------------------
# activities


def region_names(codes: Iterable[str], lang: str) -> list[str]:
    """Short printed region names in order (:func:`vstudy.present.plots.region_label`: "Almaty Region" stays full in
    English, where "Almaty" is the city)."""

    return [plots.region_label(c, lang) for c in codes]


def with_labels(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add printed ``region`` and ``direction`` columns (in ``lang``) beside region_code / direction_id."""

    out = frame.copy()
    if "region_code" in out.columns:
        out.insert(out.columns.get_loc("region_code") + 1, "region", region_names(out["region_code"], lang))
    if "direction_id" in out.columns:
        out.insert(out.columns.get_loc("direction_id") + 1, "direction",
                   out["direction_id"].map(lambda d: plots.label(d, lang, default=d)))
    return out
