"""Vector layers from the shipped boundaries: the offline background, and the admin-1 unit of each point.

The background is drawn from ``gazetteer/data/boundaries.gpkg`` (Natural Earth, public domain):
country polygons for the whole world, simplified hard, plus the admin-1 units of the countries
that hold incidents, at the file's own detail.  The same admin-1 features serve the choropleth
and the outline of incidents located only to a region (geo_precision 3).

geopandas/pyogrio and shapely are imported only when a map is drawn.
"""
from __future__ import annotations

import functools
import json
import logging
import os
from pathlib import Path
from typing import Any, Sequence

__all__ = ["boundaries_path", "Background", "load_background"]

log = logging.getLogger(__name__)

WORLD_TOLERANCE = 0.3        # coverage_simplify tolerance (degrees) for countries without incidents
WORLD_MIN_AREA = 0.1         # drop islands smaller than this (square degrees) from those countries
FOCUS_MIN_AREA = 0.002       # ... and smaller than this from the countries with incidents,
FOCUS_TOLERANCE_PER_DEGREE = 0.0025   # simplified with a tolerance growing with the country's size
FOCUS_MAX_TOLERANCE = 0.15   # (Ukraine: about 0.02, i.e. hardly at all; Russia: 0.15)
NEAREST_DEGREES = 0.3        # a point off the (simplified) coast joins the nearest unit this close


def boundaries_path() -> Path:
    """Where the shipped boundaries GeoPackage is (it may not exist in a partial checkout)."""
    try:
        from gazetteer.paths import boundaries_path as _gazetteer_path
        return _gazetteer_path()
    except ImportError:                      # gazetteer without paths.py
        from importlib import resources
        return Path(str(resources.files("gazetteer"))) / "data" / "boundaries.gpkg"


@functools.lru_cache(maxsize=2)
def _read(path: str, mtime: float):
    import pyogrio

    countries = pyogrio.read_dataframe(path, layer="countries", columns=["country_code", "name"])
    admin1 = pyogrio.read_dataframe(path, layer="admin1", columns=["iso_3166_2", "gn_a1_code", "country_code",
                                                                   "name", "latitude", "longitude"])
    import shapely

    tree = shapely.STRtree(admin1.geometry.values)
    return countries, admin1, tree


def _drop_small_parts(geometries, min_area: float):
    import numpy as np
    import shapely

    out = []
    for geometry in geometries:
        if geometry is None or geometry.is_empty:
            out.append(geometry)
            continue
        parts = shapely.get_parts(geometry)
        areas = shapely.area(parts)
        keep = parts[areas >= min_area]
        if len(keep) == 0:
            keep = parts[[int(np.argmax(areas))]]
        out.append(keep[0] if len(keep) == 1 else shapely.multipolygons(keep))
    return np.array(out, dtype=object)


def _features(geometries, properties: Sequence[dict[str, Any]], decimals: int) -> dict[str, Any]:
    import numpy as np
    import shapely

    rounded = shapely.transform(geometries, lambda xy: np.round(xy, decimals))
    features = []
    for index, (geometry, props) in enumerate(zip(shapely.to_geojson(rounded), properties)):
        features.append({"type": "Feature", "id": index, "properties": props, "geometry": json.loads(geometry)})
    return {"type": "FeatureCollection", "features": features}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _label_zoom(area: float, country: bool) -> int:
    if country:
        return 2 if area >= 400 else 3 if area >= 40 else 4 if area >= 4 else 5
    return 5 if area >= 25 else 6 if area >= 3 else 7


class Background:
    """Background layers for one map and the admin-1 feature index of each point (-1 when none)."""

    def __init__(self, data: dict[str, Any] | None, regions: list[int], region_codes: list[str]):
        self.data = data
        self.regions = regions
        self.region_codes = region_codes


def load_background(lats: Sequence[float], lons: Sequence[float], path: str | os.PathLike | None = None) -> Background:
    """Countries, admin-1 units of the countries with incidents, labels, and each point's unit.

    Without the boundaries file the map still works, on an empty background (logged as a warning).
    """
    path = Path(path) if path is not None else boundaries_path()
    if not path.is_file():
        log.warning("no boundaries file at %s: the offline map has no country outlines", path)
        return Background(None, [-1] * len(lats), [])
    import numpy as np
    import shapely

    countries, admin1, tree = _read(str(path), path.stat().st_mtime)

    # the admin-1 unit of each point: containing polygon, else the nearest one close by
    unit = np.full(len(lats), -1, dtype=np.int64)
    if len(lats):
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        point_idx, unit_idx = tree.query(points, predicate="intersects")
        unit[point_idx[::-1]] = unit_idx[::-1]          # first match wins
        missing = np.flatnonzero(unit < 0)
        if len(missing):
            p_idx, u_idx = tree.query_nearest(points[missing], max_distance=NEAREST_DEGREES, all_matches=False)
            unit[missing[p_idx]] = u_idx

    used_units = np.unique(unit[unit >= 0])
    focus = sorted(set(admin1["country_code"].iloc[used_units].dropna()))
    selected = admin1[admin1["country_code"].isin(focus)]
    selected_index = selected.index.to_numpy()
    remap = np.full(len(admin1), -1, dtype=np.int64)
    remap[selected_index] = np.arange(len(selected_index))
    regions = [int(remap[u]) if u >= 0 else -1 for u in unit]

    # the countries with incidents: their admin-1 units simplified together (shared edges stay shared),
    # and the country outline dissolved from them, so both line up exactly
    admin_geoms = _drop_small_parts(selected.geometry.values, FOCUS_MIN_AREA)
    codes = selected["country_code"].to_numpy()
    focus_outlines = {}
    for code in focus:
        members = np.flatnonzero(codes == code)
        parts = admin_geoms[members]
        tolerance = min(FOCUS_MAX_TOLERANCE, FOCUS_TOLERANCE_PER_DEGREE * float(np.sqrt(shapely.area(parts).sum())))
        if tolerance >= 0.005:
            parts = shapely.coverage_simplify(parts, tolerance)
            admin_geoms[members] = parts
        focus_outlines[code] = shapely.union_all(parts)
    admin_fc = _features(admin_geoms, [{"name": _str(n), "code": _str(c)} for n, c in
                                       zip(selected["name"], selected["iso_3166_2"])], 3)

    # the rest of the world, simplified hard
    is_focus = countries["country_code"].isin(focus).to_numpy()
    world = shapely.coverage_simplify(_drop_small_parts(countries.geometry.values[~is_focus], WORLD_MIN_AREA),
                                      WORLD_TOLERANCE)
    near = np.array([focus_outlines.get(code) for code in countries["country_code"][is_focus]], dtype=object)
    country_geoms = np.concatenate([world, near])
    country_fc = _features(world, [{"name": _str(n)} for n in countries["name"][~is_focus]], 2)
    # the countries with incidents are seen close up: 3 decimals
    country_fc["features"] += _features(near, [{"name": _str(n), "focus": 1} for n in countries["name"][is_focus]],
                                        3)["features"]
    for index, feature in enumerate(country_fc["features"]):
        feature["id"] = index

    labels = []
    areas = shapely.area(country_geoms)
    for feature, geometry, area in zip(country_fc["features"], country_geoms, areas):
        if not feature["properties"]["name"] or geometry is None or geometry.is_empty:
            continue
        parts = shapely.get_parts(geometry)
        largest = parts[int(np.argmax(shapely.area(parts)))]
        point = shapely.point_on_surface(largest)
        labels.append([round(point.y, 2), round(point.x, 2), feature["properties"]["name"], _label_zoom(area, True), 0])
    for name, lat, lon, geometry in zip(selected["name"], selected["latitude"], selected["longitude"],
                                        admin_geoms):
        if not _str(name) or not (lat == lat and lon == lon):      # NaN-safe
            continue
        labels.append([round(float(lat), 3), round(float(lon), 3), name, _label_zoom(geometry.area, False), 1])

    data = {"countries": country_fc, "admin1": admin_fc, "labels": labels}
    codes = [_str(c) for c in selected["iso_3166_2"]]
    return Background(data, regions, codes)
