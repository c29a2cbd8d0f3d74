"""Incident -> GeoJSON Feature / GeoDataFrame: the only place (lat, lon) becomes [lon, lat]."""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

from mapper.model import INCIDENT_COLUMNS, Incident

__all__ = ["incident_feature", "feature_collection", "records_to_geodataframe", "incidents_to_geodataframe",
           "flatten_record"]


def _round(value: float, precision: int | None) -> float:
    return round(value, precision) if precision is not None else value


def incident_feature(record: Mapping[str, Any] | Incident, precision: int | None = 6) -> dict[str, Any]:
    """One RFC 7946 Feature: Point geometry [lon, lat], ACLED-named properties.

    >>> f = incident_feature({"latitude": 51.7, "longitude": 36.2, "event_type": "Battles"})
    >>> f["geometry"]
    {'type': 'Point', 'coordinates': [36.2, 51.7]}
    """
    props = record.to_record() if isinstance(record, Incident) else dict(record)
    lat, lon = props["latitude"], props["longitude"]
    geometry = None
    if lat is not None and lon is not None:
        geometry = {"type": "Point", "coordinates": [_round(float(lon), precision), _round(float(lat), precision)]}
    feature = {"type": "Feature", "geometry": geometry, "properties": props}
    if props.get("event_id_cnty"):
        # RFC 7946: an id, when present, is a string or number, never null.
        feature = {"type": "Feature", "id": props["event_id_cnty"], "geometry": geometry, "properties": props}
    return feature


def feature_collection(records: Iterable[Mapping[str, Any] | Incident], precision: int | None = 6) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection (WGS84 implied, so no ``crs`` member)."""
    return {"type": "FeatureCollection", "features": [incident_feature(r, precision) for r in records]}


def flatten_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """Nested values (counts) become JSON text, for formats with flat columns (CSV, GeoPackage)."""
    return {k: (json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v) for k, v in record.items()}


def records_to_geodataframe(records: Iterable[Mapping[str, Any]]):
    """Flat incident records -> GeoDataFrame in EPSG:4326, columns in INCIDENT_COLUMNS order first."""
    import geopandas as gpd
    import pandas as pd

    rows = [flatten_record(r) for r in records]
    frame = pd.DataFrame(rows)
    for column in INCIDENT_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    ordered = list(INCIDENT_COLUMNS) + [c for c in frame.columns if c not in INCIDENT_COLUMNS]
    frame = frame[ordered]
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    geometry = gpd.points_from_xy(lon, lat, crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def incidents_to_geodataframe(incidents: Iterable[Incident]):
    return records_to_geodataframe(i.to_record() for i in incidents)
