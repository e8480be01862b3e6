"""Interactive maps of the regions for the website (plotly), offline and deterministic; the PDF keeps the static map.

:func:`choropleth` draws the 17 (``kz2021``) or 20 (``kz2022``) units from the same boundaries as the printed maps
(:func:`vstudy.data.boundaries.load_boundaries`, in the same equal-area projection), coloured by the same classes
(:func:`vstudy.present.maps.classify`, palette of the quantity). Hovering a region shows its name in the edition's
language, the value with its unit, its rank among the units that have a value ("Rank 2 of 17") and, when given, the
count behind the value. The three cities are also drawn as circles, as on the printed map, so that they can be
found and hovered. Missing values are grey and say "No data".

Why polygons drawn as filled shapes and not ``go.Choropleth``: a plotly ``geo`` map fetches its base layers
(world topojson) from a CDN when it is drawn; the site must work offline. Filled shapes on plain axes need nothing
but plotly.js itself, which :func:`to_html` embeds from the installed ``plotly`` package (never a CDN URL).

:func:`bundle` makes one cell output that serves both renders: ``text/html`` (this map) and ``image/png`` (the
static map of :mod:`vstudy.present.maps`, the file the notebook saved). Quarto picks one mime type per output and
format (quarto-cli ``src/core/jupyter/display-data.ts``, ``displayDataMimeType``): for an HTML format
(``isHtmlCompatible``) ``text/html`` comes first, so the website shows the interactive map; for typst (neither
HTML, LaTeX nor Markdown output) the order is ``text/markdown``, ``image/svg+xml``, ``image/png``, ``image/jpeg``,
then ``text/html`` only when it holds a ``<table>``, then ``text/plain`` — so the PDF shows the PNG. The bundle
must therefore carry no ``text/markdown`` (typst would take it instead of the PNG) and no ``<table>`` in its HTML.
The same holds for ``{{< embed >}}``, which renders an output in the format of the embedding page. Because the
output has an ``image/*`` type, the site's float handling (:func:`vstudy.publish.website.split_figure_cells`) keeps
it as the cell's figure, with its caption.

plotly.js (≈4.8 MB) is embedded once per page, in the first interactive map of a notebook
(:meth:`vstudy.present.notebook.Study.figure` keeps count; one notebook is one page). A page that embeds a later
map alone (``{{< embed … >}}`` on the home or report page) must also embed the first one, which the site's key
figure of section 04 is. Every map's element id is derived from its column, scheme and language, so that
re-running a notebook gives byte-identical output (plotly's default id is a random uuid).

Text from data (region names, value labels, units, titles) is HTML-escaped before it reaches plotly, whose hover
labels and legends read a subset of HTML; plotly writes the figure as JSON with ``<``, ``>`` and ``/`` as ``\\u``
escapes, so no value can close the ``<script>`` it sits in, and an escaped ``{{&lt;`` is never a Quarto
shortcode.

Example (in a notebook: the static map and its interactive twin in one output)::

    study.figure(fig, "ngo_share", interactive=interactive.choropleth(frame, "ngo_share_pct", scheme, lang,
                                                                         n_column="organisations_count"))
"""

from __future__ import annotations

import base64
import functools
import html
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import shapely

from vstudy import i18n
from vstudy.data import boundaries, regions
from vstudy.i18n import formats as cldr
from vstudy.present import labels, maps, plots
from vstudy.present.tables import format_number

PERCENT = "%"  # the unit of a share (the labels catalogue's ``pct`` in every language)
SIMPLIFY_M = 2_000  # enough detail for a screen map (~1 px at 900 px width); keeps the page small
CITY_MARKER_PX = 11
HEIGHT_PX = 520



def _say(lang: str, key: str, **facts: object) -> str:
    """A line of the hover label or the legend from the ``maps`` catalogue, its text facts HTML-escaped (plotly's
    hover labels read a subset of HTML)."""
    return i18n.text(lang, f"maps.{key}", escape=html.escape, **facts)


@functools.lru_cache(maxsize=2)
def _shapes(scheme: str) -> tuple[tuple[str, str, tuple[float, ...], tuple[float, ...], float, float], ...]:
    """Per unit: code, kind, outline x and y in km (rings separated by NaN), representative point (km)."""
    gdf = boundaries.load_boundaries(scheme).to_crs(boundaries.EQUAL_AREA_CRS)
    simplified = shapely.coverage_simplify(gdf.geometry.values, tolerance=SIMPLIFY_M)
    out = []
    for code, kind, geom in zip(gdf["region_code"], gdf["kind"], simplified, strict=True):
        xs: list[float] = []
        ys: list[float] = []
        for polygon in getattr(geom, "geoms", [geom]):
            for ring in (polygon.exterior, *polygon.interiors):
                coords = np.asarray(ring.coords) / 1000.0
                xs.extend(np.round(coords[:, 0], 1).tolist() + [math.nan])
                ys.extend(np.round(coords[:, 1], 1).tolist() + [math.nan])
        point = geom.representative_point()
        out.append((code, kind, tuple(xs), tuple(ys), round(point.x / 1000.0, 1), round(point.y / 1000.0, 1)))
    return tuple(out)


def ranks(values: pd.Series, ascending: bool = False) -> pd.Series:
    """Rank of each value among the non-missing ones (1 = largest unless ``ascending``); ties share a rank."""
    return values.rank(ascending=ascending, method="min")


def hover_text(name: str, value: float | None, rank: float | None, n_ranked: int, lang: str, *,
               value_label: str, unit: str = "", decimals: int = 1, count_label: str | None = None,
               count: float | None = None) -> str:
    """The hover label of one region (plotly's HTML subset; every piece of text escaped): its name, the value with
    its unit, its rank among the units with a value («6-е место из 17») and the count behind the value; the lines
    are the ``maps.hover.*`` messages, numbers as CLDR writes them in ``lang``."""
    lines = [f"<b>{html.escape(name)}</b>"]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        lines.append(_say(lang, "hover.no_data", label=value_label))
    else:
        if unit == PERCENT:  # a share: the percent sign as CLDR writes it (59.4% / 59,4 % / 59,4%)
            share = cldr.number(float(value), lang, decimals=decimals, percent=True)
            lines.append(_say(lang, "hover.value", label=value_label, value=share))
        else:  # a unit in words after a no-break space, so that a line never starts with it
            lines.append(_say(lang, "hover.value_unit" if unit else "hover.value", label=value_label,
                              value=format_number(float(value), decimals, lang), unit=unit))
        lines.append(_say(lang, "hover.rank", rank=int(rank), n=n_ranked))
    if count_label is not None:
        if count is None or pd.isna(count):
            lines.append(_say(lang, "hover.count_no_data", label=count_label))
        else:
            lines.append(_say(lang, "hover.count", label=count_label, count=round(float(count))))
    return "<br>".join(lines)


def choropleth(
    frame: pd.DataFrame,
    column: str,
    scheme: str = "kz2021",
    lang: str = "en",
    *,
    code_column: str = "region_code",
    value_label: str | None = None,
    unit: str = "",
    decimals: int | None = None,
    n_column: str | None = None,
    quantity: str = "share",
    classification: str = "quantiles",
    k: int = 5,
    ascending: bool = False,
    title: str | None = None,
    legend_title: str | None = None,
) -> go.Figure:
    """An interactive classed map of ``frame[column]`` over the units of ``scheme`` (see the module's docstring).

    ``value_label`` defaults to the column's label (:func:`vstudy.present.labels.column_label`); ``unit`` is
    printed after the value ("%", "per 100,000"); ``decimals`` default to one (none for counts). ``n_column``
    names a column with the count behind each value (shown in the hover). ``quantity``, ``classification`` and
    ``k`` are those of the static map (:func:`vstudy.present.maps.choropleth`), so both maps show the same
    classes. ``ascending`` ranks the smallest value first (for ranks and "lower is better" indicators).
    ``legend_title`` defaults to the value label and the unit.
    """
    plots._check_lang(lang)
    regions.check_scheme(scheme)
    data = frame.set_index(code_column)
    extra = sorted(set(data.index) - set(regions.codes(scheme)))
    if extra:
        raise ValueError(f"codes not in scheme {scheme}: {extra}")
    shapes = _shapes(scheme)
    codes = [s[0] for s in shapes]
    values = pd.to_numeric(data[column], errors="coerce").reindex(codes).astype(float)
    counts = pd.to_numeric(data[n_column], errors="coerce").reindex(codes) if n_column else None
    rank = ranks(values, ascending)
    n_ranked = int(values.notna().sum())
    if decimals is None:
        decimals = 0 if column.endswith("_count") else 1
    label = value_label or labels.column_label(column, lang, default=column)
    count_label = labels.column_label(n_column, lang, default=n_column) if n_column else None

    classes = maps.classify(values.to_numpy(), classification, k) if n_ranked >= 2 else None
    colors = plots.class_colors(quantity, classes.k) if classes is not None else []
    fig = go.Figure()
    if classes is not None:  # legend: one entry per class, with its bounds in the edition's convention
        for i, (lo, hi) in enumerate(classes.intervals()):
            name = _say(lang, "legend.range", low=format_number(lo, decimals, lang), high=format_number(hi, decimals, lang))
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, legendrank=i,
                                     marker={"color": colors[i], "size": 12, "symbol": "square"},
                                     hoverinfo="skip", showlegend=True))
    if n_ranked < len(codes):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=html.escape(labels.label("no_data", lang)),
                                 marker={"color": plots.NO_DATA_COLOR, "size": 12, "symbol": "square",
                                         "line": {"color": plots.NO_DATA_HATCH_COLOR, "width": 1}},
                                 hoverinfo="skip", showlegend=True, legendrank=len(colors)))

    texts, fills = {}, {}
    for i, code in enumerate(codes):
        value = values.iloc[i]
        texts[code] = hover_text(
            labels.region_label(code, lang), None if math.isnan(value) else value,
            None if math.isnan(value) else rank.iloc[i], n_ranked, lang, value_label=label, unit=unit,
            decimals=decimals, count_label=count_label, count=None if counts is None else counts.iloc[i])
        fills[code] = plots.NO_DATA_COLOR if classes is None or classes.yb[i] < 0 else colors[classes.yb[i]]
    # Oblasts first, then the cities on top of them (their territory is a hole in the surrounding oblast).
    ordered = sorted(shapes, key=lambda s: s[1] == "city")
    for code, _kind, xs, ys, _px, _py in ordered:
        fig.add_trace(go.Scatter(
            x=list(xs), y=list(ys), mode="lines", fill="toself", fillcolor=fills[code],
            line={"color": "white", "width": 0.8}, hoveron="fills", hoverinfo="text", text=texts[code],
            name=html.escape(labels.region_label(code, lang)), showlegend=False))
    cities = [s for s in shapes if s[1] == "city"]
    if cities:
        fig.add_trace(go.Scatter(
            x=[s[4] for s in cities], y=[s[5] for s in cities], mode="markers",
            marker={"size": CITY_MARKER_PX, "color": [fills[s[0]] for s in cities],
                    "line": {"color": maps.CITY_MARKER_EDGE, "width": 1.2}},
            text=[texts[s[0]] for s in cities], hoverinfo="text", hoveron="points",
            name=html.escape(labels.label("city_marker", lang)), showlegend=False))
    fig.update_layout(
        template="none", height=HEIGHT_PX, margin={"l": 0, "r": 0, "t": 40 if title else 10, "b": 0},
        title={"text": html.escape(title)} if title else None,
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1},
        legend={"title": {"text": html.escape(legend_title) if legend_title is not None
                          else _say(lang, "legend.title_unit", title=label, unit=unit) if unit else html.escape(label)},
                "orientation": "h",
                "yanchor": "top", "y": 0.0, "xanchor": "center", "x": 0.5},
        hoverlabel={"bgcolor": "white", "align": "left", "font": {"family": plots.pick_font()[0]}},
        font={"family": f"{plots.pick_font()[0]}, sans-serif", "size": 12},
        plot_bgcolor="white", paper_bgcolor="white", dragmode=False,
        meta={"scheme": scheme, "column": column, "lang": lang},
    )
    return fig


# ============================================================================================ output
_CONFIG = {"displaylogo": False, "responsive": True, "scrollZoom": False,
           "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def to_html(fig: go.Figure, *, include_js: bool = True, div_id: str | None = None) -> str:
    """The map as an HTML fragment. ``include_js`` embeds plotly.js from the installed package (once per page is
    enough); it is never loaded from a URL. The element id is derived from the map, so that re-running a notebook
    gives the same output."""
    meta = fig.layout.meta or {}
    ident = div_id or "vstudy-map-" + "-".join(str(meta.get(k, "")) for k in ("column", "scheme", "lang"))
    return pio.to_html(fig, include_plotlyjs=bool(include_js), full_html=False, div_id=ident, config=_CONFIG,
                       validate=False)


def bundle(fig: go.Figure, png: bytes, *, include_js: bool) -> dict[str, str]:
    """One display bundle for both outputs: ``text/html`` (the interactive map, for the website) and
    ``image/png`` (the static map, for the PDF); see the module's docstring for how Quarto picks between them.
    ``include_js``: embed plotly.js in this map (the first interactive map of a page, see
    :class:`vstudy.present.notebook.Study`)."""
    return {"text/html": to_html(fig, include_js=include_js), "image/png": base64.b64encode(png).decode("ascii")}


def show(fig: go.Figure, png: bytes, *, include_js: bool) -> None:
    """Display :func:`bundle` as a cell's output."""
    from IPython.display import display

    display(bundle(fig, png, include_js=include_js), raw=True)


def region_names(fig: go.Figure) -> Sequence[str]:
    """Names of the regions drawn, in drawing order (for tests and alt text)."""
    return [t.name for t in fig.data if t.fill == "toself"]
