"""Write incidents as GeoJSON, GeoJSONSeq, GeoPackage, CSV or GeoParquet.

- ``geojson``: an RFC 7946 FeatureCollection, [lon, lat] in WGS84, no ``crs`` member,
  coordinates rounded to ``precision`` decimals. The features come from
  :mod:`mapper.features`, the one place where (lat, lon) becomes [lon, lat].
- ``geojsonseq``: RFC 8142 GeoJSON text sequence, each feature as RS + JSON + LF
  (``rs=False`` gives newline-delimited GeoJSON instead).
- ``gpkg``: GeoPackage layer ``incidents``, point geometry, EPSG:4326, ``counts`` as JSON text.
- ``csv``: ACLED's columns in ACLED's order, then mapper's own; ``counts`` as JSON text; the
  point is in ``latitude``/``longitude``, so there is no geometry column.
- ``parquet``: GeoParquet (WKB geometry, CRS in the ``geo`` metadata, dates as DATE), via geopandas.

Files are written to a temporary name and renamed when complete (:mod:`mapper.atomic`); an
existing file is replaced only with ``overwrite=True``.
"""
from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path
from typing import IO, Any, Iterator

from mapper.atomic import atomic_path, atomic_write, check_writable
from mapper.errors import MapperError, OutputError

__all__ = ["write_incidents", "to_geodataframe", "iter_features", "EXPORT_FORMATS", "BINARY_FORMATS",
           "format_for_path", "ExportError"]

EXPORT_FORMATS = ("geojson", "geojsonseq", "gpkg", "csv", "parquet")
BINARY_FORMATS = ("gpkg", "parquet")
LAYER = "incidents"
RS = "\x1e"
_NESTED = ("counts",)  # columns kept as JSON text in flat formats, as objects in GeoJSON


class ExportError(MapperError, ValueError):
    """Incidents could not be exported as asked (unknown format, binary format to stdout, ...)."""


def format_for_path(path: str | os.PathLike) -> str | None:
    """The export format an output file name implies, if any.

    >>> format_for_path("out/kursk.gpkg"), format_for_path("a.geojsons"), format_for_path("a.txt")
    ('gpkg', 'geojsonseq', None)
    """
    from mapper.io import EXTENSIONS

    return EXTENSIONS.get(Path(path).suffix.lower())


def to_geodataframe(data):
    """A GeoDataFrame in mapper's shape from a GeoDataFrame, DataFrame, records or Incidents."""
    import geopandas as gpd
    import pandas as pd

    from mapper.features import records_to_geodataframe
    from mapper.io import normalize_frame
    from mapper.model import Incident

    if isinstance(data, gpd.GeoDataFrame):
        return normalize_frame(data)
    if isinstance(data, pd.DataFrame):
        return normalize_frame(records_to_geodataframe(data.to_dict("records")))
    records = [r.to_record() if isinstance(r, Incident) else dict(r) for r in data]
    return normalize_frame(records_to_geodataframe(records))


def _plain(value: Any) -> Any:
    """A JSON-ready Python value: numpy scalars unwrapped, NaN/NA as None."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        import pandas as pd
        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def _records(gdf) -> Iterator[dict[str, Any]]:
    """Plain property dicts, with ``counts`` turned back from JSON text into objects."""
    frame = gdf.drop(columns=gdf.geometry.name)
    columns = list(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        record = {column: _plain(value) for column, value in zip(columns, row)}
        for key in _NESTED:
            text = record.get(key)
            if isinstance(text, str) and text[:1] in "{[":
                try:
                    record[key] = json.loads(text)
                except ValueError:
                    pass
        yield record


def iter_features(gdf, precision: int | None = 6) -> Iterator[dict[str, Any]]:
    """RFC 7946 Feature dicts for the rows of an incident GeoDataFrame (built by mapper.features)."""
    from mapper.features import incident_feature

    for record in _records(gdf):
        feature = incident_feature(record, precision)
        if feature.get("id") is None:      # RFC 7946: id is a string or number, or absent
            feature.pop("id", None)
        yield feature


def write_incidents(data, path_or_stream: str | os.PathLike | IO | None = None, fmt: str | None = None,
                    precision: int | None = 6, indent: int | None = None, overwrite: bool = False,
                    rs: bool = True) -> None:
    """Write incidents to a file, a text stream, or stdout.

    Parameters
    ----------
    data : GeoDataFrame, DataFrame, iterable of records or of :class:`mapper.model.Incident`
    path_or_stream : path, "-", text stream or None
        None or ``"-"`` writes to stdout; text formats only.
    fmt : {"geojson", "geojsonseq", "gpkg", "csv", "parquet"}, optional
        By default from the file extension, else ``geojson``.
    precision : int, optional
        Decimals kept in coordinates (GeoJSON geometry; CSV latitude/longitude). None keeps all.
    indent : int, optional
        Pretty-print GeoJSON with this indent.
    overwrite : bool
        Replace an existing file; without it an existing file raises
        :class:`mapper.atomic.OutputExistsError`.
    rs : bool
        For ``geojsonseq``: prefix each feature with RS (RFC 8142). False writes newline-delimited GeoJSON.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> write_incidents([{"event_id_cnty": "X1", "latitude": 51.73, "longitude": 36.19}], out, "geojsonseq")
    >>> out.getvalue()[:61]
    '\\x1e{"type": "Feature", "id": "X1", "geometry": {"type": "Point"'
    """
    if path_or_stream is not None and not hasattr(path_or_stream, "write") and str(path_or_stream) != "-":
        path = Path(path_or_stream)
        fmt = fmt or format_for_path(path) or "geojson"
    else:
        path = None
        fmt = fmt or "geojson"
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if precision is not None and (precision < 0 or precision > 15):
        raise ExportError(f"precision must be between 0 and 15 decimals, not {precision}")
    if path is None and fmt in BINARY_FORMATS:
        raise ExportError(f"{fmt} is a binary format and cannot go to stdout; give an output file (-o FILE.{'gpkg' if fmt == 'gpkg' else 'parquet'})")
    if path is not None:
        check_writable(path, overwrite)   # fail before any work

    gdf = to_geodataframe(data)

    if fmt in BINARY_FORMATS:
        with atomic_path(path, overwrite=overwrite) as tmp:
            _BINARY_WRITERS[fmt](gdf, tmp)
        return
    writer = _TEXT_WRITERS[fmt]
    kwargs = dict(precision=precision, indent=indent, rs=rs)
    if path is not None:
        with atomic_write(path, "w", overwrite=overwrite, newline="") as handle:
            writer(gdf, handle, **kwargs)
        return
    stream = sys.stdout if path_or_stream is None or str(path_or_stream) == "-" else path_or_stream
    writer(gdf, stream, **kwargs)
    if hasattr(stream, "flush"):
        stream.flush()


# --------------------------------------------------------------------------- text formats

def _dumps(obj, indent=None) -> str:
    try:
        return json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError as exc:  # NaN/inf slipped through
        raise OutputError(f"cannot write a non-finite number as JSON: {exc}") from None


def _write_geojson(gdf, stream, precision, indent, rs):
    # Streamed feature by feature: a large export never holds its whole text in memory.
    features = iter_features(gdf, precision)
    if indent is None:
        stream.write('{"type": "FeatureCollection", "features": [')
        for number, feature in enumerate(features):
            stream.write((", " if number else "") + _dumps(feature))
        stream.write("]}\n")
        return
    pad = " " * indent
    stream.write('{\n' + pad + '"type": "FeatureCollection",\n' + pad + '"features": [')
    for number, feature in enumerate(features):
        text = _dumps(feature, indent).replace("\n", "\n" + pad * 2)
        stream.write(("," if number else "") + "\n" + pad * 2 + text)
    stream.write(("\n" + pad if len(gdf) else "") + "]\n}\n")


def _write_geojsonseq(gdf, stream, precision, indent, rs):
    prefix = RS if rs else ""
    for feature in iter_features(gdf, precision):
        stream.write(prefix + _dumps(feature) + "\n")


def _csv_frame(gdf, precision):
    frame = gdf.drop(columns=gdf.geometry.name)
    if precision is not None:
        frame = frame.assign(latitude=frame["latitude"].round(precision),
                             longitude=frame["longitude"].round(precision))
    return frame


def _write_csv(gdf, stream, precision, indent, rs):
    # ACLED's order first, then mapper's own columns, then anything else (normalize_frame did that).
    _csv_frame(gdf, precision).to_csv(stream, index=False, lineterminator="\n")


_TEXT_WRITERS = {"geojson": _write_geojson, "geojsonseq": _write_geojsonseq, "csv": _write_csv}


# --------------------------------------------------------------------------- binary formats

def _write_gpkg(gdf, path):
    import pyogrio

    # pyogrio would write Int64 <NA> as 0 in some versions; floats keep NULLs as NaN -> NULL.
    pyogrio.write_dataframe(gdf, path, layer=LAYER, driver="GPKG", geometry_type="Point",
                            promote_to_multi=False, spatial_index=True)


def _write_parquet(gdf, path):
    import pandas as pd
    import pyarrow as pa

    # Dates as Parquet DATE (date32), so DuckDB and dask filter them as dates, not text;
    # a column with any value that is not a date stays text rather than lose it.
    for column in ("event_date", "source_date"):
        if column in gdf:
            text = gdf[column]
            parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
            if (parsed.notna() | text.isna()).all():
                gdf = gdf.assign(**{column: parsed.astype(pd.ArrowDtype(pa.date32()))})
    gdf.to_parquet(path, index=False, compression="zstd")


_BINARY_WRITERS = {"gpkg": _write_gpkg, "parquet": _write_parquet}
