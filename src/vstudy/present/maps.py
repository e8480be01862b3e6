"""Choropleth maps of the 17 (``kz2021``) or 20 (``kz2022``) regions, classed with mapclassify.

Design decisions, and why:

* **Classed, not continuous colours.** With 17 regions a reader compares classes, and a legend with class
  bounds can be read in print; :func:`recommend_classification` says which classification suits the values and
  reports the goodness of variance fit (GADF) so the choice is argued, not arbitrary
  (:func:`vstudy.present.prose.maps.justification` writes the reason in either language).
* **The three cities are markers.** Astana, Almaty and Shymkent (~700–1 200 km²) are invisible at the scale
  of a 2.7 million km² country, yet they hold a quarter of the population. Each is drawn as a circle
  filled with its class colour and outlined, so its value is as readable as an oblast's.
* **Equal-area projection** (:data:`vstudy.data.boundaries.EQUAL_AREA_CRS`): in plate carrée the northern
  regions look too large, which inflates their visual weight.
* **Missing values are hatched grey and listed in the legend**, so "no data" is never read as "low".
* Every map has the fixed print size :data:`vstudy.present.plots.MAP_SIZE_IN` and the style of :mod:`vstudy.present.plots`.
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

from vstudy.data import boundaries
from vstudy.present import plots
from vstudy.present.tables import format_number
from vstudy.present.words import plain


def _mapclassify(name: str):
    """mapclassify's classifier ``name``, imported on first use (mapclassify loads scikit-learn: about 2 s that a
    process which never classifies does not pay)."""

    def classifier(*args, **kwargs):
        import mapclassify  # noqa: PLC0415

        return getattr(mapclassify, name)(*args, **kwargs)

    classifier.__name__ = classifier.__qualname__ = name
    return classifier


CLASSIFIERS = {
    "quantiles": _mapclassify("Quantiles"),
    "natural_breaks": _mapclassify("NaturalBreaks"),
    "equal_interval": _mapclassify("EqualInterval"),
    "fisher_jenks": _mapclassify("FisherJenks"),
}
NATURAL_BREAKS_SEED = 20210101  # NaturalBreaks starts from random centroids; a fixed seed makes maps repeatable

CITY_MARKER_SIZE = 75.0  # pt², i.e. a circle ~9.8 pt across: visible in print at 6.5 in width
PANEL_CITY_MARKER_SIZE = 30.0  # a panel map is a third as wide; the circle shrinks with it
CITY_MARKER_EDGE = "#1a1a1a"
# Where each city's name goes relative to its marker (points), chosen so it does not cover the oblast name.
CITY_LABEL_OFFSETS = {"KZ-71": (6.5, 3.5), "KZ-75": (6.5, -4.0), "KZ-79": (6.5, -2.0)}
LABEL_FONT_SIZE = 6.0
CITY_LABEL_FONT_SIZE = 5.5
_DRAW_TOLERANCE_M = 1_000
_CITY_CLEARANCE_M = 100_000  # oblast names are kept this far from a city marker
# Hand-placed label anchors (lon, lat) where the automatic point collides: Turkistan Region is a narrow
# strip north of Shymkent, so its name goes into the wide south-western lobe, below the Shymkent marker.
LABEL_ANCHORS_LONLAT = {"KZ-61": (67.9, 41.55)}
_HALO = [pe.withStroke(linewidth=1.8, foreground="white", alpha=0.85)]


# ============================================================================================ classes
@dataclass(frozen=True)
class Classification:
    """The result of :func:`classify`: mapclassify's bins plus what a map and its legend need.

    ``yb`` has one class index per input value, ``-1`` for a missing value. ``bins`` are upper bounds
    (intervals are ``(bins[i-1], bins[i]]``, the first starts at ``lower``), exactly as mapclassify reports.
    """

    method: str
    k: int
    bins: np.ndarray
    counts: np.ndarray
    yb: np.ndarray
    lower: float
    gadf: float
    classifier: object = field(repr=False)  # mapclassify's MapClassifier

    def intervals(self) -> list[tuple[float, float]]:
        lows = [self.lower, *self.bins[:-1].tolist()]
        return list(zip(lows, self.bins.tolist(), strict=True))

    def method_label(self, lang: str = "en") -> str:
        """The classification's name as a sentence uses it («quantiles», «квантили»; the ``maps`` catalogue)."""
        return method_name(self.method, lang)


def method_name(method: str, lang: str = "en") -> str:
    """The name of a classification method in ``lang``, lower case as a sentence uses it (``maps.method.*``)."""
    if method not in CLASSIFIERS:
        raise KeyError(f"unknown classification {method!r}; known: {', '.join(CLASSIFIERS)}")
    return plain(lang, f"maps.method.{method}")


def _clean(values) -> tuple[np.ndarray, np.ndarray]:
    arr = pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="coerce").to_numpy(float)
    ok = np.isfinite(arr)
    return arr, ok


def _run_classifier(method: str, y: np.ndarray, k: int):
    with warnings.catch_warnings():
        # FisherJenks falls back to pure Python without numba; with 17–20 values that takes milliseconds.
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        # Ties can leave fewer distinct quantile bounds than classes; mapclassify then merges classes and
        # warns. The merged number is what Classification.k reports, so the warning adds nothing.
        warnings.filterwarnings("ignore", message="Not enough unique values", category=UserWarning)
        return _run_classifier_inner(method, y, k)


def _run_classifier_inner(method: str, y: np.ndarray, k: int):
    cls = CLASSIFIERS[method]
    if method == "natural_breaks":
        state = np.random.get_state()
        np.random.seed(NATURAL_BREAKS_SEED)
        try:
            return cls(y, k=k)
        finally:
            np.random.set_state(state)  # do not disturb anyone else's random stream
    return cls(y, k=k)


def classify(values, method: str = "quantiles", k: int = 5) -> Classification:
    """Class the non-missing ``values`` with mapclassify's ``method`` into at most ``k`` classes.

    ``k`` is reduced to the number of distinct values when there are fewer (mapclassify would otherwise
    return empty or duplicate classes). Missing values get class ``-1``.
    """
    if method not in CLASSIFIERS:
        raise ValueError(f"unknown classification {method!r}; expected one of {sorted(CLASSIFIERS)}")
    arr, ok = _clean(values)
    y = arr[ok]
    if len(y) < 2:
        raise ValueError(f"need at least two non-missing values to classify, got {len(y)}")
    k_eff = max(1, min(int(k), len(np.unique(y))))
    mc = _run_classifier(method, y, k_eff)
    yb = np.full(len(arr), -1, dtype=int)
    yb[ok] = np.asarray(mc.yb, dtype=int)
    return Classification(
        method=method, k=len(mc.bins), bins=np.asarray(mc.bins, dtype=float), counts=np.asarray(mc.counts),
        yb=yb, lower=float(y.min()), gadf=float(mc.get_gadf()), classifier=mc,
    )


@dataclass(frozen=True)
class ClassChoice:
    """A recommended classification with the evidence: per-method GADF and the smallest class size.

    ``reason`` names the branch of the rule that chose it (``outliers``, ``skewed``, ``symmetric``,
    ``small_class``); the sentence that says why, in either language, is
    :func:`vstudy.present.prose.maps.justification`.
    """

    method: str
    k: int
    gadf: dict[str, float]
    min_count: dict[str, int]
    outliers: int
    skewness: float
    reason: str = ""
    n: int = 0
    k_requested: int = 0
    counts: tuple[int, ...] = ()


def recommend_classification(values, k: int | None = None) -> ClassChoice:
    """Pick a classification for ``values`` by a simple, stated rule and report why.

    Rule: a few (1–3) Tukey outliers → Fisher–Jenks (gives the outliers their own class instead of
    stretching every other class); otherwise strongly skewed values (|skewness| > 0.5) → quantiles (every
    class holds ≈ n/k regions, so the map is not one colour); otherwise equal intervals (round,
    comparable bounds) unless a class would hold fewer than two regions, then quantiles. ``k`` defaults
    to 5 for n ≥ 15 (≈3–4 regions per class with 17) and 4 below.
    """
    arr, ok = _clean(values)
    y = arr[ok]
    n = len(y)
    if n < 4:
        raise ValueError(f"need at least four values to recommend a classification, got {n}")
    k = k or (5 if n >= 15 else 4)
    q1, q3 = np.percentile(y, [25, 75])
    fence = 1.5 * (q3 - q1)
    outliers = int(((y < q1 - fence) | (y > q3 + fence)).sum())
    sd = y.std()
    skew = float(((y - y.mean()) ** 3).mean() / sd**3) if sd > 0 else 0.0
    results = {s: classify(y, s, k) for s in ("quantiles", "fisher_jenks", "equal_interval")}
    gadf = {s: round(c.gadf, 3) for s, c in results.items()}
    min_count = {s: int(c.counts.min()) for s, c in results.items()}
    if 1 <= outliers <= 3:
        method, reason = "fisher_jenks", "outliers"
    elif abs(skew) > 0.5:
        method, reason = "quantiles", "skewed"
    elif min_count["equal_interval"] >= 2:
        method, reason = "equal_interval", "symmetric"
    else:
        method, reason = "quantiles", "small_class"
    chosen = results[method]
    return ClassChoice(method=method, k=chosen.k, gadf=gadf, min_count=min_count, outliers=outliers,
                       skewness=skew, reason=reason, n=n, k_requested=k,
                       counts=tuple(int(c) for c in chosen.counts))


# ============================================================================================ geometry
@functools.lru_cache(maxsize=2)
def _projected(scheme: str):
    """Boundaries in the equal-area CRS, with one matplotlib path and a label anchor per unit (cached)."""
    gdf = boundaries.load_boundaries(scheme).to_crs(boundaries.EQUAL_AREA_CRS)
    # Drawing needs no more detail than ~0.4 px at print size (1 km ≈ 0.4 px at 200 dpi, 6.5 in wide);
    # coverage simplification keeps shared borders shared, so no slivers open between neighbours.
    gdf["geometry"] = shapely.coverage_simplify(gdf.geometry.values, tolerance=_DRAW_TOLERANCE_M)
    city_pts = {
        row.region_code: row.geometry.representative_point()
        for row in gdf.itertuples() if row.kind == "city"
    }
    clearance = shapely.union_all([p.buffer(_CITY_CLEARANCE_M) for p in city_pts.values()])
    manual = gpd.GeoSeries(
        [shapely.Point(lon, lat) for lon, lat in LABEL_ANCHORS_LONLAT.values()],
        index=list(LABEL_ANCHORS_LONLAT), crs=boundaries.GEO_CRS,
    ).to_crs(boundaries.EQUAL_AREA_CRS)
    paths, anchors = {}, {}
    for row in gdf.itertuples():
        paths[row.region_code] = _to_path(row.geometry)
        if row.region_code in LABEL_ANCHORS_LONLAT:
            anchors[row.region_code] = manual[row.region_code]
        elif row.kind == "city":
            anchors[row.region_code] = city_pts[row.region_code]
        else:
            area = row.geometry.difference(clearance)
            anchors[row.region_code] = _label_point(area if not area.is_empty else row.geometry)
    return gdf, paths, anchors


def _polygons(geom) -> list:
    return list(geom.geoms) if hasattr(geom, "geoms") else [geom]


def _label_point(geom):
    # The pole of inaccessibility of the largest part: the point farthest from the border, where a name
    # has most room (a centroid can fall outside a concave region or on its edge).
    largest = max(_polygons(geom), key=lambda p: p.area)
    return polylabel(largest, tolerance=2_000)


def _to_path(geom) -> MplPath:
    """One compound path per unit, so each region is exactly one patch (holes keep their winding)."""
    vertices, codes = [], []
    for poly in _polygons(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        poly = orient(poly, sign=1.0)  # exterior counter-clockwise, holes clockwise: nonzero fill cuts holes
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]  # the source GeoJSON carries a Z coordinate
            vertices.append(xy)
            ring_codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            ring_codes[0] = MplPath.MOVETO
            ring_codes[-1] = MplPath.CLOSEPOLY
            codes.append(ring_codes)
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _wrap(name: str) -> str:
    """Break long names once, at a hyphen or space: «Северо-Казахстанская» → «Северо-» / «Казахстанская»."""
    if len(name) <= 11:
        return name
    for sep in ("-", " "):
        if sep in name:
            head, tail = name.split(sep, 1)
            return f"{head}-\n{tail}" if sep == "-" else f"{head}\n{tail}"
    return name


# ============================================================================================ maps
def city_legend_handle(lang: str = "en", size: float = CITY_MARKER_SIZE) -> Line2D:
    """The legend entry explaining the city circles (a panel of maps shows it once, for the figure)."""
    return Line2D([], [], linestyle="none", marker="o", markersize=math.sqrt(size), markerfacecolor="white",
                  markeredgecolor=CITY_MARKER_EDGE, markeredgewidth=0.9, label=plots.label("city_marker", lang))


@dataclass
class ChoroplethResult:
    """What :func:`choropleth` drew, for tests and for captions (bins, counts, which units lack data)."""

    fig: object
    ax: object
    column: str
    scheme: str
    classification: Classification
    colors: list[str]
    region_codes: list[str]
    region_patches: dict[str, PathPatch]
    city_markers: dict[str, object]
    labels: dict[str, object]
    no_data_codes: list[str]
    legend: object

    @property
    def n_regions(self) -> int:
        return len(self.region_patches)

    @property
    def city_codes(self) -> list[str]:
        return list(self.city_markers)

    @property
    def bins(self) -> np.ndarray:
        return self.classification.bins


_FIXED = re.compile(r"^\{:\.(\d)f\}$")


def _fmt_number(value: float, fmt: str, lang: str) -> str:
    """A class bound as CLDR writes it in ``lang``: ``{:.1f}`` gives ``1,568.8`` in English and ``1 568,8`` in
    Russian and Kazakh (:func:`vstudy.present.tables.format_number`); another ``fmt`` is applied, then its numbers
    are rewritten the same way (:func:`vstudy.present.plots.number_text`)."""
    fixed = _FIXED.match(fmt)
    if fixed:
        return format_number(value, int(fixed.group(1)), lang)
    return plots.number_text(fmt.format(value), lang)


def choropleth(
    frame: pd.DataFrame,
    column: str,
    scheme: str = "kz2021",
    lang: str = "en",
    title: str | None = None,
    unit_label: str = "",
    classification: str = "quantiles",
    k: int = 5,
    ax=None,
    *,
    quantity: str = "share",
    code_column: str = "region_code",
    fmt: str = "{:.1f}",
    label_regions: bool = True,
    show_counts: bool = True,
    method_note: bool = True,
    legend_loc: str = "below",
    legend_fontsize: float | None = None,
    legend_ncol: int | None = None,
    city_legend: bool = True,
    city_marker_size: float = CITY_MARKER_SIZE,
    figsize: tuple[float, float] = plots.MAP_SIZE_IN,
) -> ChoroplethResult:
    """Draw ``frame[column]`` (keyed by ``code_column``) as a classed choropleth of the regions of ``scheme``.

    Colours come from the palette of ``quantity`` (see :data:`vstudy.present.plots.PALETTES`), classes from
    :func:`classify` (``classification``, ``k``). The legend shows each class's bounds, the ``unit_label``
    as its title, the hatched "no data" entry when a value is missing and the city-marker symbol.
    Returns a :class:`ChoroplethResult`; ``result.fig``/``result.ax`` are the figure and axes.
    """
    plots._check_lang(lang)
    data = frame[[code_column, column]].copy()
    data[column] = pd.to_numeric(data[column], errors="coerce")
    joined = boundaries.attach(data, scheme, code_column=code_column).set_index("region_code")
    gdf, paths, anchors = _projected(scheme)
    codes = gdf["region_code"].tolist()
    values = joined.loc[codes, column].to_numpy(float)
    cls = classify(values, classification, k)
    colors = plots.class_colors(quantity, cls.k)
    kinds = dict(zip(gdf["region_code"], gdf["kind"], strict=True))

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    else:
        fig = ax.figure

    patches: dict[str, PathPatch] = {}
    no_data: list[str] = []
    for code, klass in zip(codes, cls.yb, strict=True):
        if klass < 0:
            no_data.append(code)
            patch = PathPatch(paths[code], facecolor=plots.NO_DATA_COLOR, edgecolor="white",
                              hatch=plots.NO_DATA_HATCH, hatchcolor=plots.NO_DATA_HATCH_COLOR, linewidth=0.6)
        else:
            patch = PathPatch(paths[code], facecolor=colors[klass], edgecolor="white", linewidth=0.6)
        patch.set_gid(f"region-{code}")
        # add_artist, not add_patch: add_patch walks every vertex as a Bézier segment to update the data
        # limits (seconds per map); the limits are set from the bounds below anyway.
        ax.add_artist(patch)
        patches[code] = patch

    markers: dict[str, object] = {}
    for code, klass in zip(codes, cls.yb, strict=True):
        if kinds[code] != "city":
            continue
        pt = anchors[code]
        face = colors[klass] if klass >= 0 else plots.NO_DATA_COLOR
        marker = ax.scatter([pt.x], [pt.y], s=city_marker_size, marker="o", facecolor=face,
                            edgecolor=CITY_MARKER_EDGE, linewidth=0.9, zorder=5)
        if klass < 0:
            marker.set_hatch(plots.NO_DATA_HATCH)
        marker.set_gid(f"city-{code}")
        markers[code] = marker

    texts: dict[str, object] = {}
    if label_regions:
        for code in codes:
            pt = anchors[code]
            name = plots.region_label(code, lang)
            if kinds[code] == "city":
                dx, dy = CITY_LABEL_OFFSETS.get(code, (6.5, 0.0))
                texts[code] = ax.annotate(
                    name, (pt.x, pt.y), xytext=(dx, dy), textcoords="offset points",
                    ha="left" if dx >= 0 else "right", va="center", fontsize=CITY_LABEL_FONT_SIZE,
                    fontweight="bold", path_effects=_HALO, zorder=6,
                )
            else:
                texts[code] = ax.text(pt.x, pt.y, _wrap(name), ha="center", va="center",
                                      fontsize=LABEL_FONT_SIZE, linespacing=0.95, path_effects=_HALO, zorder=4)

    handles = []
    for i, (lo, hi) in enumerate(cls.intervals()):
        low, high = _fmt_number(lo, fmt, lang), _fmt_number(hi, fmt, lang)
        text = (plain(lang, "maps.legend.range_count", low=low, high=high, n=int(cls.counts[i])) if show_counts
                else plain(lang, "maps.legend.range", low=low, high=high))
        handles.append(Patch(facecolor=colors[i], edgecolor="0.6", linewidth=0.4, label=text))
    if no_data:
        handles.append(Patch(facecolor=plots.NO_DATA_COLOR, edgecolor="0.6", linewidth=0.4,
                             hatch=plots.NO_DATA_HATCH, hatchcolor=plots.NO_DATA_HATCH_COLOR,
                             label=plain(lang, "maps.legend.no_data", n=len(no_data))))
    if markers and city_legend:
        handles.append(city_legend_handle(lang, city_marker_size))
    fontsize = legend_fontsize or plots.SMALL_FONT_SIZE
    if legend_loc == "below":
        # Outside the map: Kazakhstan fills its bounding box, and any inside corner covers a region.
        placement = {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0), "ncol": legend_ncol or 4}
    else:
        placement = {"loc": legend_loc, "ncol": legend_ncol or 1}
    legend = ax.legend(handles=handles, title=unit_label or None, fontsize=fontsize, title_fontsize=fontsize,
                       frameon=False, handlelength=1.6, handleheight=1.1, alignment="left",
                       borderaxespad=0.2, columnspacing=1.2, **placement)

    if method_note:
        note = plain(lang, "maps.legend.method", method=cls.method_label(lang), k=cls.k)
        ax.text(1.0, 0.0, note, transform=ax.transAxes, ha="right", va="bottom",
                fontsize=fontsize - 0.5, color="0.4")
    if title:
        ax.set_title(title)

    minx, miny, maxx, maxy = gdf.total_bounds
    pad_x, pad_y = 0.01 * (maxx - minx), 0.02 * (maxy - miny)
    ax.set_xlim(minx - pad_x, maxx + pad_x)
    ax.set_ylim(miny - pad_y, maxy + pad_y)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ChoroplethResult(
        fig=fig, ax=ax, column=column, scheme=scheme, classification=cls, colors=colors, region_codes=codes,
        region_patches=patches, city_markers=markers, labels=texts, no_data_codes=no_data, legend=legend,
    )


def small_multiples(
    frame: pd.DataFrame,
    columns: Sequence[str],
    titles: Sequence[str],
    lang: str = "en",
    *,
    scheme: str = "kz2021",
    unit_labels: str | Sequence[str] = "",
    quantities: str | Sequence[str] = "share",
    classification: str = "quantiles",
    k: int = 4,
    ncols: int = 3,
    fmt: str = "{:.1f}",
    figsize: tuple[float, float] | None = None,
):
    """A panel of maps (e.g. 2 × 3), one per column, in the same style; returns ``(fig, axes, results)``.

    Each panel has its own classes (the columns are different quantities); region names are left out
    because at panel size they would cover the colours — the full map of each variable has them.
    """
    columns, titles = list(columns), list(titles)
    if len(columns) != len(titles):
        raise ValueError("one title per column")
    n = len(columns)
    units = [unit_labels] * n if isinstance(unit_labels, str) else list(unit_labels)
    quants = [quantities] * n if isinstance(quantities, str) else list(quantities)
    nrows = math.ceil(n / ncols)
    size = figsize or (plots.FULL_WIDTH_IN, 1.75 * nrows + 0.4)
    fig, axes = plt.subplots(nrows, ncols, figsize=size, layout="constrained", squeeze=False)
    results = []
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.set_axis_off()
            continue
        results.append(choropleth(
            frame, columns[i], scheme, lang, titles[i], units[i], classification, k, ax=ax,
            quantity=quants[i], fmt=fmt, label_regions=False, show_counts=False, method_note=False,
            legend_fontsize=4.5, legend_ncol=3 if ncols >= 3 else 4, city_legend=False,
            city_marker_size=PANEL_CITY_MARKER_SIZE,
        ))
        ax.title.set_fontsize(plots.SMALL_FONT_SIZE + 0.5)
    if any(r.city_markers for r in results):
        fig.legend(handles=[city_legend_handle(lang, PANEL_CITY_MARKER_SIZE)], loc="outside lower center",
                   fontsize=plots.SMALL_FONT_SIZE - 0.5, frameon=False)
    return fig, axes, results
