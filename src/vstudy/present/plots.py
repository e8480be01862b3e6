"""One figure style for the whole study: fonts, print sizes, palettes, bilingual labels and figure helpers.

Why one module: the website and the PDF show the same figures, in Russian and in English, and a reader
compares them across chapters. The same quantity must therefore always have the same colour ramp, the same
category (an age group, a status, an event direction) the same colour, and every label must come from one
table so that the two languages never drift apart.

Every helper returns ``(fig, ax)`` and draws at a fixed print size (:data:`FULL_WIDTH_IN`,
:data:`HALF_WIDTH_IN`): figures are saved *without* ``bbox_inches="tight"`` so a PNG always has the same
pixel size and the PDF layout does not shift between runs. :func:`save` writes atomically.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.colors import Colormap, to_hex

from vstudy.data.atomic import atomic_path
from vstudy.i18n import formats as cldr
from vstudy.present.labels import (  # noqa: F401  (re-exported: figures call plots.label / plots.region_label)
    CATEGORY_KEYS,
    LABELS,
    _check_lang,
    is_region_code,
    label,
    region_label,
)
from vstudy.present.words import plain
from vstudy.vocab import AGE_GROUPS, DIRECTIONS, STATUSES  # noqa: F401  (re-exported)

# --------------------------------------------------------------------------------------------- sizes
FULL_WIDTH_IN = 6.5  # text width of the A4 report with 2.5 cm margins
HALF_WIDTH_IN = 3.2  # two figures side by side, with a gutter
DEFAULT_HEIGHT_IN = 4.0
MAP_SIZE_IN = (FULL_WIDTH_IN, 4.6)  # Kazakhstan in Albers is ~1.8:1; the rest is title and legend room
SAVE_DPI = 200
FONT_SIZE = 8.0
SMALL_FONT_SIZE = 6.5

# Kazakh letters beyond the Russian alphabet, both cases, plus the Russian alphabet and the typography the
# report uses (guillemets, dashes, №). A font without any of these would print boxes ("tofu").
KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
RUSSIAN_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
REQUIRED_CHARS = KAZAKH_LETTERS + RUSSIAN_LETTERS + "«»–—№ÁáÚúÝý"
# DejaVu Sans ships inside matplotlib, so the first candidate is always available; the others are for
# a system where someone prefers another face via VSTUDY_FONT.
FONT_CANDIDATES = ("DejaVu Sans", "Noto Sans", "Liberation Sans", "PT Sans", "Arial")


# --------------------------------------------------------------------------------------------- palettes

# Fixed category colours: the same category has the same colour in every figure.
# Age groups are ordinal, so they get an ordered ramp (light = young); statuses and directions are nominal,
# so they get distinct hues (Okabe–Ito for statuses: safe for colour-blind readers).
CATEGORY_COLORS: dict[str, dict[str, str]] = {
    "age_group": {
        "under18": "#a1dab4",
        "18_29": "#41b6c4",
        "30_to_pension": "#2c7fb8",
        "pension": "#253494",
    },
    "status": {
        "students": "#0072B2",
        "working": "#E69F00",
        "unemployed": "#D55E00",
        "neet": "#CC79A7",
    },
    "direction": {
        "taza_alem": "#2ca02c",  # clean environment: green
        "qamqor": "#1f77b4",
        "other_social": "#7f7f7f",  # the residual "other" category is grey by convention
        "sayluq": "#d62728",  # health: red
        "bilim": "#9467bd",  # education
        "umit_emergency": "#ff7f0e",  # emergencies: orange
        "culture": "#e377c2",
        "ayala": "#8c564b",
        "asyl_mura": "#bcbd22",  # heritage
        "media": "#17becf",
        "sabaqtastyq": "#393b79",
    },
}

# One palette per QUANTITY. Sequential quantities use a single-hue ramp (more = darker); the diverging
# ramp is for signed quantities centred on zero (correlations, differences from the national value).
PALETTES: dict[str, str | list[str]] = {
    "share": "Blues",  # shares in per cent (of volunteers, of events)
    "rate_per_100k": "Greens",  # volunteers, organisations … per 100 000 population
    "count": "Purples",  # absolute numbers (volunteers, events, organisations)
    "economy": "Oranges",  # regional statistics in money or per capita (GRP, income)
    "diverging": "RdBu_r",  # correlations and differences
    "age_group": [CATEGORY_COLORS["age_group"][c] for c in AGE_GROUPS],
    "status": [CATEGORY_COLORS["status"][c] for c in STATUSES],
    "direction": [CATEGORY_COLORS["direction"][c] for c in DIRECTIONS],
}
SEQUENTIAL_KEYS = ("share", "rate_per_100k", "count", "economy", "diverging")
HIGHLIGHT_COLOR = "#D55E00"  # one accent for "this region" in rankings and scatter plots
NEUTRAL_COLOR = "#9ecae1"
NO_DATA_COLOR = "#f2f2f2"
NO_DATA_HATCH_COLOR = "#8c8c8c"
NO_DATA_HATCH = "/////"

# --------------------------------------------------------------------------------------------- labels
# Every printed label comes from vstudy.present.labels (one table for figures and tables, both languages).
# ``_check_lang`` validates a figure's language argument.


def _tick_label(value: object, lang: str) -> str:
    return region_label(value, lang) if is_region_code(value) else str(value)


def number(value: float, lang: str, decimals: int | None = None) -> str:
    """``value`` as CLDR writes it in ``lang`` (:func:`vstudy.i18n.formats.number`): grouping, decimal mark, true
    minus sign; ``decimals`` exactly, else at most three and none for a whole number (a count is an integer)."""
    return cldr.number(value, lang, decimals=decimals)


# A number written the English (Python) way inside a text: optional minus, digits grouped with commas or not, an
# optional decimal part. Not part of a word or of a longer number (a version, a date: "1.2.3", "2021-07").
_NUMBER_IN_TEXT = re.compile(r"(?<![\w.,\u2212-])([-\u2212]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w.]|,\d)")


def _rewrite_number(match: re.Match, lang: str) -> str:
    sign, whole, frac = match.groups()
    grouped = "," in whole
    value = float(whole.replace(",", "") + (f".{frac}" if frac else ""))
    text = cldr.number(value, lang, decimals=len(frac or ""), grouping=grouped or len(whole) > 4)
    return (cldr.MINUS if sign and value else "") + text


def number_text(text: str, lang: str) -> str:
    """The numbers of a text written the English (Python) way (``1,234.5``, ``-0.68``) as CLDR writes them in
    ``lang`` (``1 234,5`` and ``−0,68`` in Russian and Kazakh; the true minus sign in every language): for the
    values figures print on bars, in cells and legends. The decimals are kept as written; a number of four digits
    written without grouping (a year) stays ungrouped. Words are left alone."""
    return _NUMBER_IN_TEXT.sub(lambda m: _rewrite_number(m, lang), text)


def tick_text(value: float, lang: str) -> str:
    """A tick label: an integer grouped as CLDR groups it (``1 000``), else up to six significant digits."""
    if float(value).is_integer():
        return cldr.number(round(float(value)), lang, decimals=0)
    return number_text(f"{value:g}", lang)


def localize_axis(axis, lang: str) -> None:
    """Tick labels of a numeric ``axis`` as CLDR writes numbers in ``lang`` (a decimal comma in Russian)."""
    from matplotlib.ticker import FuncFormatter

    _check_lang(lang)
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: tick_text(v, lang)))


# --------------------------------------------------------------------------------------------- fonts
def _font_path(family: str) -> str | None:
    try:
        return font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return None


def font_covers(path: str | os.PathLike, chars: str = REQUIRED_CHARS) -> set[str]:
    """Return the characters of ``chars`` that the font file at ``path`` has NO glyph for."""
    from fontTools.ttLib import TTFont  # matplotlib depends on fontTools, so this is always installed

    font = TTFont(str(path), fontNumber=0, lazy=True)
    try:
        cmap = font.getBestCmap() or {}
    finally:
        font.close()
    return {ch for ch in chars if ord(ch) not in cmap}


@functools.lru_cache(maxsize=4)
def pick_font(candidates: tuple[str, ...] = FONT_CANDIDATES) -> tuple[str, str]:
    """The first installed family whose font file covers :data:`REQUIRED_CHARS`: ``(family, path)``.

    ``$VSTUDY_FONT`` is tried first. If no candidate covers everything, the family with the fewest missing
    letters is used and a warning names the missing ones, so a figure never silently prints boxes.
    """
    preferred = os.environ.get("VSTUDY_FONT")
    order = ((preferred,) if preferred else ()) + tuple(candidates)
    best: tuple[int, str, str] | None = None
    for family in order:
        path = _font_path(family)
        if path is None:
            continue
        missing = font_covers(path)
        if not missing:
            return family, path
        if best is None or len(missing) < best[0]:
            best = (len(missing), family, path)
    if best is None:
        default = font_manager.findfont(font_manager.FontProperties())
        warnings.warn(f"none of {order} is installed; using {default}", stacklevel=2)
        return font_manager.FontProperties(fname=default).get_name(), default
    _, family, path = best
    warnings.warn(
        f"no font covers all Kazakh/Russian letters; {family} lacks {''.join(sorted(font_covers(path)))}",
        stacklevel=2,
    )
    return family, path


def rc_params() -> dict[str, object]:
    """The study's rcParams (without applying them): used by :func:`use_style` and by tests."""
    family, _ = pick_font()
    return {
        "font.family": "sans-serif",
        # Only installed families are listed: matplotlib logs a warning for every absent one it tries.
        "font.sans-serif": [family] + (["DejaVu Sans"] if family != "DejaVu Sans" else []),
        "font.size": FONT_SIZE,
        "axes.titlesize": FONT_SIZE + 1,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": FONT_SIZE,
        "xtick.labelsize": SMALL_FONT_SIZE + 0.5,
        "ytick.labelsize": SMALL_FONT_SIZE + 0.5,
        "legend.fontsize": SMALL_FONT_SIZE + 0.5,
        "legend.title_fontsize": SMALL_FONT_SIZE + 0.5,
        "legend.frameon": False,
        "figure.figsize": (FULL_WIDTH_IN, DEFAULT_HEIGHT_IN),
        "figure.dpi": 100,
        "figure.constrained_layout.use": True,
        "savefig.dpi": SAVE_DPI,
        # fixed pixel size: "tight" would crop differently for every figure
        "savefig.bbox": "standard",
        "savefig.facecolor": "white",
        # text stays text: searchable and selectable in the PDF and on the web page
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "svg.hashsalt": "vstudy",  # stable element ids, so re-rendering gives identical SVG files
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": mpl.cycler(color=PALETTES["status"] + PALETTES["direction"]),
        "image.cmap": "Blues",
        "hatch.linewidth": 0.6,
    }


# What ``seaborn.set_theme(context="paper", style="ticks")`` sets (seaborn 0.13), written out so that applying the
# style does not import seaborn (with scipy.stats, about 1.5 s of every notebook that draws no heatmap).
# tests/unit/test_plots.py checks that use_style leaves exactly the rcParams and colour codes seaborn's own call does.
SEABORN_PAPER_CONTEXT: dict[str, object] = {
    "axes.linewidth": 1.0, "grid.linewidth": 0.8, "lines.linewidth": 1.2000000000000002,
    "lines.markersize": 4.800000000000001, "patch.linewidth": 0.8, "xtick.major.width": 1.0,
    "ytick.major.width": 1.0, "xtick.minor.width": 0.8, "ytick.minor.width": 0.8,
    "xtick.major.size": 4.800000000000001, "ytick.major.size": 4.800000000000001, "xtick.minor.size": 3.2,
    "ytick.minor.size": 3.2, "font.size": 9.600000000000001, "axes.labelsize": 9.600000000000001,
    "axes.titlesize": 9.600000000000001, "xtick.labelsize": 8.8, "ytick.labelsize": 8.8, "legend.fontsize": 8.8,
    "legend.title_fontsize": 9.600000000000001,
}
SEABORN_TICKS_STYLE: dict[str, object] = {
    "figure.facecolor": "white", "axes.labelcolor": ".15", "xtick.direction": "out", "ytick.direction": "out",
    "xtick.color": ".15", "ytick.color": ".15", "axes.axisbelow": True, "grid.linestyle": "-", "text.color": ".15",
    "font.family": "sans-serif",
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True, "image.cmap": "rocket",
    "xtick.top": False, "ytick.right": False, "axes.grid": False, "axes.facecolor": "white", "axes.edgecolor": ".15",
    "grid.color": ".8", "axes.spines.left": True, "axes.spines.bottom": True, "axes.spines.right": True,
    "axes.spines.top": True, "xtick.bottom": True, "ytick.left": True,
}
# seaborn's "deep" palette: the colour cycle, and its first six colours plus a near-black as the shorthand colour
# codes "b", "g", "r", "m", "y", "c", "k" (seaborn.set_color_codes)
SEABORN_DEEP = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974",
                "#64B5CD"]
SEABORN_COLOR_CODES = dict(zip("bgrmyck", [*(SEABORN_DEEP[i] for i in (0, 2, 3, 4, 8, 9)), (0.1, 0.1, 0.1)],
                               strict=True))  # seaborn's "deep6": the deep colours that stay apart in print


def use_style() -> str:
    """Apply the study style globally (seaborn "ticks" + our rcParams) and return the font family used."""
    from matplotlib.colors import colorConverter, to_rgb

    rc = rc_params()
    # in seaborn.set_theme's order: context, style, palette (with the colour codes), then ours
    mpl.rcParams.update(SEABORN_PAPER_CONTEXT)
    mpl.rcParams.update(SEABORN_TICKS_STYLE)
    mpl.rcParams["axes.prop_cycle"] = mpl.cycler("color", [to_rgb(c) for c in SEABORN_DEEP])
    for code, color in SEABORN_COLOR_CODES.items():
        colorConverter.colors[code] = to_rgb(color)
    mpl.rcParams.update(rc)  # seaborn's context scaling must not override the fixed print sizes
    return rc["font.sans-serif"][0]  # type: ignore[index]


# --------------------------------------------------------------------------------------------- palettes
def cmap(palette_key: str) -> Colormap:
    """The colormap of a sequential/diverging quantity (see :data:`PALETTES`)."""
    if palette_key not in SEQUENTIAL_KEYS:
        raise KeyError(f"{palette_key!r} is not a continuous quantity; expected one of {SEQUENTIAL_KEYS}")
    return mpl.colormaps[PALETTES[palette_key]]  # type: ignore[index]


def class_colors(palette_key: str, k: int) -> list[str]:
    """``k`` colours of the quantity's ramp, for classed maps and binned bars.

    The ramp is sampled from 0.15 (not 0) so that the lowest class is distinguishable from the white
    background and from the light grey "no data" fill.
    """
    ramp = cmap(palette_key)
    lo = 0.0 if palette_key == "diverging" else 0.15
    return [to_hex(ramp(x)) for x in np.linspace(lo, 1.0 if palette_key == "diverging" else 0.95, k)]


def category_colors(palette_key: str, categories: Iterable[str]) -> list[str]:
    """Fixed colours for categories; unknown ids raise so a new category gets a deliberate colour."""
    table = CATEGORY_COLORS.get(palette_key)
    if table is None:
        raise KeyError(f"{palette_key!r} has no fixed category colours; expected one of {sorted(CATEGORY_COLORS)}")
    missing = [c for c in categories if c not in table]
    if missing:
        raise KeyError(f"no fixed {palette_key} colour for {missing}")
    return [table[c] for c in categories]


def _new_axes(ax, size: tuple[float, float]):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    return fig, ax


# --------------------------------------------------------------------------------------------- figures
def stacked_share_bars(
    df_wide: pd.DataFrame,
    categories: Sequence[str],
    palette_key: str,
    lang: str = "en",
    sort_by: str | None = None,
    *,
    normalize: bool = False,
    ax=None,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
):
    """Horizontal 100 %-stacked bars, one per region (rows of ``df_wide``), categories in fixed colours.

    ``df_wide`` is indexed by region code (or any label) with one column per category, values in per cent.
    Rows are sorted by ``sort_by`` (default: the first category), largest at the top, because the reader
    looks for the extremes. With ``normalize`` each row is rescaled to 100 % (for rounded published shares);
    otherwise values are drawn as given and a missing share is a gap — never an invented number.
    """
    _check_lang(lang)
    categories = list(categories)
    data = df_wide[categories].astype(float)
    if normalize:
        data = data.div(data.sum(axis=1, skipna=True), axis=0) * 100
    key = sort_by if sort_by is not None else categories[0]
    data = data.sort_values(key, ascending=True, na_position="first")  # barh draws bottom-up
    colors = category_colors(palette_key, categories)
    height = figsize or (FULL_WIDTH_IN, max(2.5, 0.22 * len(data) + 1.3))
    fig, ax = _new_axes(ax, height)
    y = np.arange(len(data))
    left = np.zeros(len(data))
    for cat, color in zip(categories, colors, strict=True):
        values = data[cat].to_numpy()
        ax.barh(y, np.nan_to_num(values), left=left, color=color, edgecolor="white", linewidth=0.4,
                height=0.75, label=label(cat, lang, default=cat))
        left += np.nan_to_num(values)
    ax.set_yticks(y, [_tick_label(v, lang) for v in data.index])
    ax.set_xlim(0, 100)
    ax.set_xlabel(label("share_pct", lang))
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    # Below the plot, outside the axes (constrained layout reserves the room): inside it would hide bars.
    names = [label(c, lang, default=c) for c in categories]
    ncol = len(names) if sum(len(n) for n in names) <= 60 and len(names) <= 4 else 2 if len(names) <= 6 else 3
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=ncol, frameon=False)
    if title:
        ax.set_title(title)
    return fig, ax


def share_heatmap(
    df_wide: pd.DataFrame,
    lang: str = "en",
    fmt: str = ".1f",
    palette_key: str = "share",
    *,
    ax=None,
    title: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar_label: str | None = None,
    figsize: tuple[float, float] | None = None,
):
    """Regions × categories with each value printed in its cell.

    The numbers are printed because a colour ramp alone cannot be read to one decimal. Missing cells stay
    blank (masked), so an absent value is not mistaken for zero. For ``palette_key="diverging"`` the ramp
    is centred on zero.
    """
    _check_lang(lang)
    data = df_wide.astype(float)
    size = figsize or (FULL_WIDTH_IN, max(2.5, 0.24 * len(data) + 1.4))
    fig, ax = _new_axes(ax, size)
    center = 0.0 if palette_key == "diverging" else None
    annot = data.map(lambda v: "" if pd.isna(v) else number_text(format(v, fmt), lang)).to_numpy()
    import seaborn as sns  # imported here: only heatmaps need it, and it is slow to import

    sns.heatmap(
        data, ax=ax, cmap=cmap(palette_key), annot=annot, fmt="", mask=data.isna(),
        annot_kws={"fontsize": SMALL_FONT_SIZE}, linewidths=0.4, linecolor="white",
        vmin=vmin, vmax=vmax, center=center,
        cbar_kws={"label": colorbar_label or label("share_pct" if palette_key == "share" else "r", lang),
                  "shrink": 0.8},
    )
    ax.set_yticks(np.arange(len(data)) + 0.5, [_tick_label(v, lang) for v in data.index], rotation=0)
    ax.set_xticks(np.arange(data.shape[1]) + 0.5, [label(c, lang, default=c) for c in data.columns],
                  rotation=35, ha="right", rotation_mode="anchor")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(length=0)
    if ax.collections and ax.collections[0].colorbar is not None:
        localize_axis(ax.collections[0].colorbar.ax.yaxis, lang)
    if title:
        ax.set_title(title)
    return fig, ax


def ranking_bars(
    series: pd.Series,
    lang: str = "en",
    highlight: str | Iterable[str] | None = None,
    *,
    palette_key: str = "share",
    ax=None,
    title: str | None = None,
    value_label: str | None = None,
    fmt: str = "{:.1f}",
    reference: float | None = None,
    figsize: tuple[float, float] | None = None,
):
    """Regions ranked by one value, largest at the top, with values printed at the bar ends.

    All bars share the quantity's mid colour; ``highlight`` (a code or codes) uses the accent colour so the
    text can say "Kostanay ranks second" and the reader finds it. ``reference`` draws the national value.
    """
    _check_lang(lang)
    data = series.astype(float).dropna().sort_values(ascending=True)
    marked = {highlight} if isinstance(highlight, str) else set(highlight or ())
    base = class_colors(palette_key, 5)[3] if palette_key in SEQUENTIAL_KEYS else NEUTRAL_COLOR
    colors = [HIGHLIGHT_COLOR if idx in marked else base for idx in data.index]
    size = figsize or (HALF_WIDTH_IN if len(data) <= 6 else FULL_WIDTH_IN, max(2.2, 0.2 * len(data) + 1.0))
    fig, ax = _new_axes(ax, size)
    y = np.arange(len(data))
    ax.barh(y, data.to_numpy(), color=colors, height=0.72)
    span = float(np.nanmax(np.abs(data.to_numpy()))) if len(data) else 1.0
    for yi, value in zip(y, data.to_numpy(), strict=True):
        ax.text(value + 0.01 * span * np.sign(value or 1), yi, number_text(fmt.format(value), lang), va="center",
                ha="left" if value >= 0 else "right", fontsize=SMALL_FONT_SIZE)
    ax.set_yticks(y, [_tick_label(v, lang) for v in data.index])
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlim(min(0.0, float(data.min()) * 1.12), max(0.0, float(data.max()) * 1.12))
    if reference is not None:
        ax.axvline(reference, color="0.3", linestyle="--", linewidth=0.8)
        ax.text(reference, len(data) - 0.4,
                " " + plain(lang, "figures.national", national=label("national", lang),
                            value=number_text(fmt.format(reference), lang)),
                fontsize=SMALL_FONT_SIZE, color="0.3", va="bottom", ha="left")
    name = series.name if isinstance(series.name, str) else None
    ax.set_xlabel(value_label or (label(name, lang, default=name) if name else ""))
    localize_axis(ax.xaxis, lang)
    if title:
        ax.set_title(title)
    return fig, ax


# Candidate label offsets (points) around a point, tried in this order: right, left, above, below, diagonals.
_OFFSETS = ((5, 0), (-5, 0), (0, 5), (0, -5), (5, 4), (-5, 4), (5, -4), (-5, -4), (9, 7), (-9, -7))


def _ha_va(dx: float, dy: float) -> tuple[str, str]:
    ha = "left" if dx > 0 else "right" if dx < 0 else "center"
    va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
    return ha, va


def scatter_labeled(
    df: pd.DataFrame,
    x: str,
    y: str,
    label_col: str,
    lang: str = "en",
    fit_line: bool = True,
    *,
    ax=None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    highlight: str | Iterable[str] | None = None,
    figsize: tuple[float, float] | None = None,
):
    """Scatter of regions with a name beside each point and, optionally, the OLS line with Pearson's r.

    Labels are placed greedily: for each point (in order of crowding) the first offset whose text box does
    not overlap earlier labels or other points is kept, otherwise the least-overlapping one. With 17–20
    points this keeps names readable without an extra dependency (adjustText).
    """
    _check_lang(lang)
    data = df[[x, y, label_col]].dropna(subset=[x, y])
    fig, ax = _new_axes(ax, figsize or (FULL_WIDTH_IN, DEFAULT_HEIGHT_IN))
    marked = {highlight} if isinstance(highlight, str) else set(highlight or ())
    xs, ys = data[x].to_numpy(float), data[y].to_numpy(float)
    colors = [HIGHLIGHT_COLOR if v in marked else PALETTES["status"][0] for v in data[label_col]]
    ax.scatter(xs, ys, s=18, c=colors, edgecolor="white", linewidth=0.5, zorder=3)
    if fit_line and len(data) >= 3 and np.ptp(xs) > 0:
        slope, intercept = np.polyfit(xs, ys, 1)
        r = float(np.corrcoef(xs, ys)[0, 1])
        grid = np.linspace(xs.min(), xs.max(), 50)
        ax.plot(grid, slope * grid + intercept, color="0.35", linewidth=0.9, linestyle="--", zorder=2,
                label=plain(lang, "figures.fit", fit=label("linear_fit", lang), r=r))
        ax.legend(loc="best")
    ax.set_xlabel(xlabel or label(x, lang, default=x))
    ax.set_ylabel(ylabel or label(y, lang, default=y))
    if title:
        ax.set_title(title)
    ax.margins(0.08)
    _place_labels(fig, ax, xs, ys, [_tick_label(v, lang) for v in data[label_col]])
    return fig, ax


def _place_labels(fig, ax, xs: np.ndarray, ys: np.ndarray, texts: Sequence[str]) -> list:
    fig.canvas.draw()  # fixes the layout, so display coordinates below are final
    renderer = fig.canvas.get_renderer()
    pts = ax.transData.transform(np.column_stack([xs, ys])) if len(xs) else np.empty((0, 2))
    point_boxes = [mpl.transforms.Bbox.from_bounds(px - 3, py - 3, 6, 6) for px, py in pts]
    placed_boxes: list = []
    artists = []
    # Crowded points first: they have the fewest free positions.
    if len(pts):
        dist = np.linalg.norm(pts[:, None, :] - pts[None, :, :], axis=-1)
        np.fill_diagonal(dist, np.inf)
        order = np.argsort(dist.min(axis=1))
    else:
        order = []
    axes_box = ax.get_window_extent(renderer)
    for i in order:
        best = None
        for dx, dy in _OFFSETS:
            ha, va = _ha_va(dx, dy)
            t = ax.annotate(texts[i], (xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points",
                            ha=ha, va=va, fontsize=SMALL_FONT_SIZE, zorder=4)
            box = t.get_window_extent(renderer)
            overlap = sum(_overlap(box, b) for b in placed_boxes)
            overlap += sum(_overlap(box, b) for j, b in enumerate(point_boxes) if j != i)
            outside = box.width * box.height - _overlap(box, axes_box)
            score = overlap + 2 * outside
            if best is None or score < best[0]:
                if best is not None:
                    best[1].remove()
                best = (score, t, box)
            else:
                t.remove()
            if score == 0:
                break
        assert best is not None
        placed_boxes.append(best[2])
        artists.append(best[1])
    return artists


def _overlap(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(w, 0.0) * max(h, 0.0)


# --------------------------------------------------------------------------------------------- saving
_SAVE_METADATA = {
    # no creation dates: re-running the study must not change the files when the data did not change
    "png": {"Software": None},
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
}


def localize_numbers(fig, lang: str):
    """The numbers a figure prints as CLDR writes them in ``lang`` (:func:`number_text`): tick labels of linear
    axes, bar-end values, cell annotations and legends — decimal commas and no-break grouping in Russian and
    Kazakh, the true minus sign in every language. Text that is not a number is left alone; a figure whose numbers
    are already written so is not changed. Returns ``fig``."""
    from matplotlib import ticker

    _check_lang(lang)
    if fig is None:
        return fig
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ticker.ScalarFormatter:
                axis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: tick_text(v, lang)))
        legend = ax.get_legend()
        for text in [*ax.texts, *(legend.get_texts() if legend else [])]:
            text.set_text(number_text(text.get_text(), lang))
    return fig


def save(fig, path_without_ext: str | os.PathLike, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """Write ``fig`` as ``<path>.png`` and ``<path>.svg`` (or the given formats); return the paths.

    Each file is written to a temporary file in the target folder and moved into place with ``os.replace``,
    so a reader (Quarto, typst, a parallel notebook) never sees a half-written image. The size is the
    figure's own (no tight bbox), at :data:`SAVE_DPI` for raster formats.
    """
    base = Path(path_without_ext)
    if base.suffix.lower() in {".png", ".svg", ".pdf"}:
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        fmt = fmt.lower().lstrip(".")
        target = base.with_name(f"{base.name}.{fmt}")
        with atomic_path(target) as tmp:  # permissions from the umask, like any other output
            with open(tmp, "wb") as fh:
                fig.savefig(fh, format=fmt, dpi=SAVE_DPI, metadata=_SAVE_METADATA.get(fmt),
                            bbox_inches=None, facecolor="white")
        written.append(target)
    return written
