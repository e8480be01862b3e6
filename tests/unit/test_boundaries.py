from __future__ import annotations

import pytest

from vstudy.data import boundaries, regions

KAZAKHSTAN_AREA_KM2 = 2_724_900  # official total area


@pytest.mark.parametrize(("scheme", "n"), [("kz2022", 20), ("kz2021", 17)])
def test_boundaries_one_valid_polygon_per_unit(scheme, n):
    gdf = boundaries.load_boundaries(scheme)
    assert len(gdf) == n
    assert gdf.is_valid.all()
    assert set(gdf.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert sorted(gdf["region_code"]) == regions.codes(scheme)
    assert gdf["region_code"].is_unique


@pytest.mark.parametrize("scheme", ["kz2022", "kz2021"])
def test_total_area_close_to_official(scheme):
    total = boundaries.load_boundaries(scheme)["area_km2"].sum()
    assert abs(total - KAZAKHSTAN_AREA_KM2) / KAZAKHSTAN_AREA_KM2 < 0.02


def test_dissolve_preserves_area_of_split_units():
    a22 = boundaries.load_boundaries("kz2022").set_index("region_code")["area_km2"]
    a21 = boundaries.load_boundaries("kz2021").set_index("region_code")["area_km2"]
    assert a21["KZ-63"] == pytest.approx(a22["KZ-63"] + a22["KZ-10"], rel=1e-3)
    assert a21["KZ-19"] == pytest.approx(a22["KZ-19"] + a22["KZ-33"], rel=1e-3)
    assert a21["KZ-35"] == pytest.approx(a22["KZ-35"] + a22["KZ-62"], rel=1e-3)


@pytest.mark.parametrize(("city", "oblast"), [("KZ-71", "KZ-11"), ("KZ-75", "KZ-19"), ("KZ-79", "KZ-61")])
@pytest.mark.parametrize("scheme", ["kz2022", "kz2021"])
def test_cities_lie_inside_their_oblast_bounds(scheme, city, oblast):
    gdf = boundaries.load_boundaries(scheme).set_index("region_code")
    cx = gdf.loc[city, "geometry"].representative_point()
    minx, miny, maxx, maxy = gdf.loc[oblast, "geometry"].bounds
    assert minx <= cx.x <= maxx and miny <= cx.y <= maxy
    assert gdf.loc[city, "area_km2"] < 2_000  # cities are tiny at national scale


def test_polygons_are_the_repository_copy_the_origin_record_describes(repo_root):
    import hashlib

    import yaml

    record = yaml.safe_load((repo_root / "data" / "raw" / "boundaries" / "source.yml").read_text(encoding="utf-8"))
    path = boundaries.geojson_path()
    assert path == repo_root / "data" / "raw" / "boundaries" / "kz-adm1.geojson"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == record["files"]["kz-adm1.geojson"]["sha256"] == boundaries.GEOJSON_SHA256
    assert record["upstream_source"]["known"] is False and record["upstream_source"]["statement"]


def test_a_changed_polygon_file_is_refused(tmp_path, monkeypatch):
    target = tmp_path / "data" / "raw" / "boundaries"
    target.mkdir(parents=True)
    (target / "kz-adm1.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    monkeypatch.setenv("VSTUDY_ROOT", str(tmp_path))
    with pytest.raises(ValueError, match="sha256"):
        boundaries.geojson_path()
