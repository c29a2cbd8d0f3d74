"""Read incident files back: GeoJSON, GeoJSONSeq, GeoPackage, CSV and GeoParquet -> GeoDataFrame.

Every reader returns the same shape :func:`mapper.features.records_to_geodataframe` makes:
EPSG:4326 points, ACLED's columns first (:data:`mapper.model.INCIDENT_COLUMNS`), nested values
(``counts``) as JSON text, codes as text, numbers as numbers. So an export read back equals the
frame it was written from, whatever the format.

The format comes from the file extension, or is sniffed from the first bytes; ``"-"`` reads stdin.
"""
from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

from mapper.errors import MapperError
from mapper.model import INCIDENT_COLUMNS

__all__ = ["read_incidents", "detect_format", "normalize_frame", "FORMATS", "InputError"]

FORMATS = ("geojson", "geojsonseq", "gpkg", "csv", "parquet")

EXTENSIONS = {
    ".geojson": "geojson", ".json": "geojson",
    ".geojsons": "geojsonseq", ".geojsonl": "geojsonseq", ".geojsonseq": "geojsonseq",
    ".jsonl": "geojsonseq", ".ndjson": "geojsonseq", ".jsonseq": "geojsonseq",
    ".gpkg": "gpkg",
    ".csv": "csv",
    ".parquet": "parquet", ".geoparquet": "parquet", ".pq": "parquet",
}

RS = "\x1e"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PARQUET_MAGIC = b"PAR1"

# Column types every reader agrees on (anything else is kept as the source had it).
_FLOAT_COLUMNS = ("latitude", "longitude", "confidence")
_INT_COLUMNS = ("year", "time_precision", "geo_precision", "fatalities", "injured", "geonameid")
_TEXT_COLUMNS = tuple(c for c in INCIDENT_COLUMNS if c not in _FLOAT_COLUMNS + _INT_COLUMNS)


class InputError(MapperError, ValueError):
    """An incident file could not be read: missing, of an unknown format, or malformed."""


def detect_format(path: str | os.PathLike | None = None, head: bytes = b"") -> str:
    """The format of an incident file, from its extension or else its first bytes.

    >>> detect_format("out/incidents.gpkg")
    'gpkg'
    >>> detect_format(None, b'\\x1e{"type": "Feature"}')
    'geojsonseq'
    >>> detect_format(None, b'{"type": "FeatureCollection", "features": []}')
    'geojson'
    >>> detect_format(None, b'event_id_cnty,event_date,latitude,longitude')
    'csv'
    """
    if path is not None and str(path) != "-":
        fmt = EXTENSIONS.get(Path(path).suffix.lower())
        if fmt:
            return fmt
    if head.startswith(_SQLITE_MAGIC):
        return "gpkg"
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(RS.encode()):
        return "geojsonseq"
    if text.startswith((b"{", b"[")):
        # One JSON text per line (newline-delimited features) or one document?
        first, _, rest = text.partition(b"\n")
        if rest.strip() and first.strip().endswith(b"}") and _is_json(first):
            return "geojsonseq"
        return "geojson"
    if b"," in text.partition(b"\n")[0] or b"\t" in text.partition(b"\n")[0]:
        return "csv"
    raise InputError(f"cannot tell the format of {path or 'the input'}: give --format "
                     f"({', '.join(FORMATS)}) or a known extension")


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def read_incidents(source: str | os.PathLike | io.IOBase = "-", fmt: str | None = None, layer: str | None = None):
    """Read incidents from a file, ``"-"`` (stdin) or an open file object into a GeoDataFrame.

    Parameters
    ----------
    source : path, "-" or file object
        GeoJSON (FeatureCollection, Feature or a list of features), GeoJSONSeq (RFC 8142 records
        separated by RS, or newline-delimited features), GeoPackage, CSV with ACLED's
        ``latitude``/``longitude`` columns, or GeoParquet.
    fmt : str, optional
        One of :data:`FORMATS`; by default from the extension, else sniffed from the content.
    layer : str, optional
        GeoPackage layer; by default ``incidents`` if present, else the only layer.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points, columns in :data:`mapper.model.INCIDENT_COLUMNS` order first.

    Raises
    ------
    InputError
        Missing file, unknown format, or content that is not what the format says.

    Examples
    --------
    >>> gdf = read_incidents("tests/data/incidents_small.geojson")
    >>> gdf.crs.to_epsg(), len(gdf) > 5, list(gdf.columns[:3])
    (4326, True, ['event_id_cnty', 'event_date', 'year'])
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown input format {fmt!r}; use one of {', '.join(FORMATS)}")
    name, data = _open(source)
    if fmt is None:
        if data is None:
            with open(name, "rb") as handle:
                head = handle.read(4096)
        else:
            head = data[:4096]
        fmt = detect_format(name, head)
    if data is None and fmt not in ("gpkg", "parquet"):    # binary readers take the path itself
        data = Path(name).read_bytes()
    reader = _READERS[fmt]
    try:
        return normalize_frame(reader(data, name, layer))
    except InputError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{name or 'input'} is not a valid {fmt} incident file: {exc}") from exc
    except Exception as exc:  # pyogrio / pyarrow raise their own error classes
        if type(exc).__module__.split(".")[0] in ("pyogrio", "pyarrow"):
            raise InputError(f"{name or 'input'} is not a valid {fmt} incident file: {exc}") from exc
        raise


def _open(source) -> tuple[str | None, bytes | None]:
    """(file name or None, the content as bytes, or None for a file read later) for a path, "-" or a file object."""
    if hasattr(source, "read"):
        data = source.read()
        return getattr(source, "name", None), data.encode("utf-8") if isinstance(data, str) else data
    if str(source) == "-":
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read() if stream is not None else sys.stdin.read()
        return None, data.encode("utf-8") if isinstance(data, str) else data
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give an incident file")
    return str(path), None


def _text(data: bytes, name: str | None) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name or 'input'} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


# --------------------------------------------------------------------------- readers

def _features_frame(features: list[dict[str, Any]], name: str | None):
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import shape

    rows, geoms = [], []
    for number, feature in enumerate(features, 1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InputError(f"{name or 'input'}: item {number} is not a GeoJSON Feature")
        props = dict(feature.get("properties") or {})
        geometry = feature.get("geometry")
        try:
            geom = shape(geometry) if geometry else None
        except Exception as exc:
            raise InputError(f"{name or 'input'}: feature {number} has an invalid geometry: {exc}") from None
        if "event_id_cnty" not in props and feature.get("id") is not None:
            props["event_id_cnty"] = feature["id"]
        rows.append(props)
        geoms.append(geom)
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")


def _read_geojson(data: bytes, name, layer):
    try:
        doc = json.loads(_text(data, name))
    except json.JSONDecodeError as exc:
        raise InputError(f"{name or 'input'} is not valid JSON: {exc}") from None
    if isinstance(doc, list):
        features = doc
    elif isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise InputError(f"{name or 'input'}: FeatureCollection has no 'features' list")
    elif isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    else:
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise InputError(f"{name or 'input'} is not a GeoJSON FeatureCollection or Feature (found {kind!r})")
    return _features_frame(features, name)


def _read_geojsonseq(data: bytes, name, layer):
    text = _text(data, name)
    # RFC 8142: each record is RS, a JSON text, LF. Tolerate plain newline-delimited JSON too.
    chunks = text.split(RS) if RS in text else text.splitlines()
    features = []
    for number, chunk in enumerate(chunks, 1):
        chunk = chunk.strip()
        if not chunk:
            continue
        try:
            item = json.loads(chunk)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name or 'input'}: record {number} is not valid JSON: {exc}") from None
        if isinstance(item, dict) and item.get("type") == "FeatureCollection":
            features.extend(item.get("features") or [])
        else:
            features.append(item)
    return _features_frame(features, name)


def _read_csv(data: bytes, name, layer):
    import geopandas as gpd
    import pandas as pd

    text = _text(data, name)
    if not text.strip():
        raise InputError(f"{name or 'input'} is empty")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in ("latitude", "longitude") if c not in frame.columns]
    if missing:
        raise InputError(f"{name or 'input'}: CSV has no {' or '.join(missing)} column "
                         f"(found: {', '.join(map(str, frame.columns[:12]))})")
    frame = frame.drop(columns=[c for c in ("geometry", "WKT", "wkt") if c in frame.columns])
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def _read_gpkg(data: bytes, name, layer):
    import warnings

    import pyogrio

    with warnings.catch_warnings():
        # GDAL warns about GeoPackages read from stdin or a file without the .gpkg extension.
        warnings.filterwarnings("ignore", message=".*(non conformant file extension|application_id).*")
        return _read_gpkg_layer(pyogrio, data, name, layer)


def _read_gpkg_layer(pyogrio, data: bytes, name, layer):
    source = name if data is None else io.BytesIO(data)
    layers = [row[0] for row in pyogrio.list_layers(source)]
    if layer is None:
        if "incidents" in layers:
            layer = "incidents"
        elif len(layers) == 1:
            layer = layers[0]
        else:
            raise InputError(f"{name or 'input'} has layers {', '.join(layers)}; choose one")
    elif layer not in layers:
        raise InputError(f"{name or 'input'} has no layer {layer!r} (layers: {', '.join(layers)})")
    if data is not None:
        source = io.BytesIO(data)
    return pyogrio.read_dataframe(source, layer=layer)


def _read_parquet(data: bytes, name, layer):
    import geopandas as gpd

    return gpd.read_parquet(name if data is None else io.BytesIO(data))


_READERS = {
    "geojson": _read_geojson,
    "geojsonseq": _read_geojsonseq,
    "csv": _read_csv,
    "gpkg": _read_gpkg,
    "parquet": _read_parquet,
}


# --------------------------------------------------------------------------- one shape for all

def normalize_frame(gdf):
    """Give any incident GeoDataFrame mapper's shape.

    EPSG:4326 (reprojected if it had another CRS, assumed if none), ACLED columns first,
    ``latitude``/``longitude`` filled from point geometries where missing (and geometries from
    them where the geometry is missing), ``counts`` as JSON text, codes as text, counts as
    nullable integers.
    """
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError("expected a GeoDataFrame")
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    if gdf.crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    elif gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs("EPSG:4326")
    frame = pd.DataFrame(gdf.drop(columns="geometry"))
    geometry = gdf.geometry.array
    is_point = gdf.geometry.geom_type.to_numpy() == "Point"

    for column in INCIDENT_COLUMNS:
        if column not in frame.columns:
            frame[column] = None

    # coordinates: properties and point geometry must agree; fill each from the other
    x = np.full(len(gdf), np.nan)
    y = np.full(len(gdf), np.nan)
    if is_point.any():
        import shapely
        x[is_point] = shapely.get_x(geometry[is_point])
        y[is_point] = shapely.get_y(geometry[is_point])
    lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lat = np.where(np.isnan(lat), y, lat)
    lon = np.where(np.isnan(lon), x, lon)
    frame["latitude"], frame["longitude"] = lat, lon
    need_geometry = ~is_point & ~np.isnan(lat) & ~np.isnan(lon)
    if need_geometry.any():
        geometry = geometry.copy()
        geometry[need_geometry] = gpd.points_from_xy(lon[need_geometry], lat[need_geometry])

    frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce").astype(float)
    for column in _INT_COLUMNS:
        values = pd.to_numeric(frame[column], errors="coerce")
        frame[column] = values.round().astype("Int64") if values.notna().any() else pd.array(
            [pd.NA] * len(frame), dtype="Int64")
    for column in _TEXT_COLUMNS:
        frame[column] = _as_text(frame[column])
    if "year" in frame and frame["year"].isna().all() and frame["event_date"].notna().any():
        frame["year"] = pd.to_datetime(frame["event_date"], errors="coerce").dt.year.astype("Int64")

    ordered = list(INCIDENT_COLUMNS) + [c for c in frame.columns if c not in INCIDENT_COLUMNS]
    frame = frame[ordered].reset_index(drop=True)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")


def _as_text(series):
    """Object column of str or None: dicts/lists as JSON text, dates as ISO, NaN as None."""
    import datetime as dt

    import pandas as pd

    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        return series.astype(object).where(series.notna(), None)

    def convert(value):
        if value is None or (isinstance(value, float) and value != value) or value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, (dict, list)):
            return json.dumps(value, sort_keys=True)
        if isinstance(value, (dt.date, pd.Timestamp)):
            return value.date().isoformat() if isinstance(value, (dt.datetime, pd.Timestamp)) else value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return pd.Series([convert(v) for v in series.tolist()], index=series.index, dtype=object)
