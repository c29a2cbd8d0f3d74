"""Incidents -> the compact JSON the map's JavaScript reads (data once, not one JS block per marker).

The payload holds one array per column; numbers are stored as numbers, and text that repeats
(actors, places, sources, URLs) as indices into one shared ``strings`` table.  Text is never interpreted as HTML by the page: the
JavaScript puts it in the DOM with ``textContent``.  :func:`script_json` makes the JSON safe to
embed in a ``<script>`` element.

Examples
--------
>>> cols = incident_columns([{"latitude": 50.45, "longitude": 30.52, "event_type": "Battles",
...                            "event_date": "2024-03-01", "notes": "<b>x</b>"}])
>>> p = build_payload(cols)
>>> c = p["columns"]
>>> c["lat"], c["lon"], c["type"], c["day"]
([50.45], [30.52], [0], [19783])
>>> c["notes"], p["text_modes"]["notes"]
(['<b>x</b>'], 'inline')
>>> script_json({"a": "</script><!--"})
'{"a":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
"""
from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from mapper.render.style import TYPE_KEYS, type_key

__all__ = ["incident_columns", "build_payload", "script_json", "safe_url", "parse_day", "format_counts",
           "NUMERIC_COLUMNS", "TEXT_COLUMNS"]

_EPOCH = dt.date(1970, 1, 1)

# Fields the page needs; anything else in the records is ignored.
INPUT_FIELDS = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "source", "notes",
    "fatalities", "injured", "weapon", "target", "counts", "source_title", "source_url", "source_date",
    "confidence",
)
# Row layout.  Numbers first; `region` is the index of the admin-1 feature holding the point (-1: none).
NUMERIC_COLUMNS = ("lat", "lon", "type", "day", "prec", "tprec", "fatalities", "injured", "conf", "region")
TEXT_COLUMNS = (
    "event_id_cnty", "event_type", "date_text", "sub_event_type", "actor1", "actor2", "location", "admin2",
    "admin1", "country", "weapon", "target", "notes", "source", "source_title", "source_url",
    "source_date", "counts",
)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(value != value)          # NaN-likes, pandas NaT
    except (TypeError, ValueError):          # pandas.NA
        return True


def incident_columns(incidents: Any) -> dict[str, list[Any]]:
    """Records (dicts, :class:`~mapper.model.Incident` objects) or a (Geo)DataFrame -> one list per field.

    Missing fields become lists of ``None``; NaN, NaT and pandas NA become ``None``.
    Without latitude/longitude columns, the coordinates come from a point ``geometry``.
    """
    if hasattr(incidents, "columns") and hasattr(incidents, "__len__"):       # a pandas frame
        return _frame_columns(incidents)
    records = []
    for item in incidents:
        if hasattr(item, "to_record"):
            item = item.to_record()
        records.append(item)
    columns = {}
    for name in INPUT_FIELDS:
        values = [r.get(name) for r in records]
        columns[name] = [None if _is_missing(v) else v for v in values]
    return columns


def _frame_columns(frame) -> dict[str, list[Any]]:
    n = len(frame)
    columns: dict[str, list[Any]] = {}
    for name in INPUT_FIELDS:
        if name in frame.columns:
            series = frame[name].astype(object)
            columns[name] = series.where(series.notna(), None).tolist()
        else:
            columns[name] = [None] * n
    if ("latitude" not in frame.columns or "longitude" not in frame.columns) and "geometry" in frame.columns:
        points = frame["geometry"]
        xs = [None if g is None or g.is_empty else g.x for g in points]
        ys = [None if g is None or g.is_empty else g.y for g in points]
        columns["latitude"] = [None if _is_missing(v) else v for v in ys]
        columns["longitude"] = [None if _is_missing(v) else v for v in xs]
    return columns


def parse_day(value: Any, _cache: dict[str, int | None] = {}) -> int | None:
    """Days since 1970-01-01 of an ISO date (str, date, datetime, Timestamp); ``None`` if not a date.

    >>> parse_day("1970-01-02"), parse_day("2024-03-01T10:00:00"), parse_day("March"), parse_day(None)
    (1, 19783, None, None)
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return (value - _EPOCH).days
    if not isinstance(value, str):
        return None
    text = value.strip()[:10]
    if text in _cache:
        return _cache[text]
    try:
        day = (dt.date.fromisoformat(text) - _EPOCH).days
    except ValueError:
        day = None
    if len(_cache) < 100_000:
        _cache[text] = day
    return day


def safe_url(value: Any) -> str:
    """The URL if it is an absolute http(s) URL, else ``""`` (no ``javascript:``, ``data:``, relative...).

    >>> safe_url("https://example.org/a?b=1"), safe_url("javascript:alert(1)"), safe_url(" HTTP://x.org ")
    ('https://example.org/a?b=1', '', 'HTTP://x.org')
    """
    if not isinstance(value, str):
        return ""
    url = value.strip()
    if any(ord(c) < 32 for c in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def format_counts(value: Any) -> str:
    """Casualty and other counts (dict or JSON text) as short text.

    >>> format_counts({"killed": 3, "injured": 0, "detained": 12})
    'killed 3, injured 0, detained 12'
    >>> format_counts('{"killed": 2}'), format_counts("{}"), format_counts(None)
    ('killed 2', '', '')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return ""
        try:
            value = json.loads(text)
        except ValueError:
            return text
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in value.items() if not _is_missing(v))
    return str(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) else None


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def coordinates(columns: Mapping[str, Sequence[Any]]) -> tuple[list[int], list[float], list[float]]:
    """Indices of the records with valid coordinates, with their latitudes and longitudes."""
    keep, lats, lons = [], [], []
    for i, (lat, lon) in enumerate(zip(columns["latitude"], columns["longitude"])):
        lat, lon = _float(lat), _float(lon)
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        keep.append(i)
        lats.append(lat)
        lons.append(lon)
    return keep, lats, lons


def build_payload(columns: Mapping[str, Sequence[Any]], *, regions: Sequence[int] | None = None,
                  keep: Sequence[int] | None = None) -> dict[str, Any]:
    """The page's data: one array per column for the mappable incidents, and summary figures.

    ``columns["type"]`` holds indices into :data:`~mapper.render.style.TYPE_KEYS`.

    ``keep`` are the indices of the records to map (default: those with valid coordinates), and
    ``regions`` the admin-1 feature index of each kept record (-1 for none).  Columns are arrays
    rather than one array per incident: the browser parses them faster and keeps far fewer objects.
    A text column whose values mostly repeat holds indices into ``strings`` (0 is the empty string);
    one whose values are mostly distinct (notes, ids) holds the text itself (``text_modes``).
    """
    if keep is None:
        keep, _, _ = coordinates(columns)
    total = len(columns["latitude"]) if "latitude" in columns else 0
    col = columns
    type_index = {key: i for i, key in enumerate(TYPE_KEYS)}

    out: dict[str, list[Any]] = {name: [] for name in NUMERIC_COLUMNS}
    out["lat"] = [round(float(col["latitude"][i]), 5) for i in keep]
    out["lon"] = [round(float(col["longitude"][i]), 5) for i in keep]
    out["type"] = [type_index[type_key(col["event_type"][i])] for i in keep]
    raw_dates = [col["event_date"][i] for i in keep]
    out["day"] = [parse_day(value) for value in raw_dates]
    precisions = (_int(col["geo_precision"][i]) for i in keep)
    out["prec"] = [p if p in (1, 2, 3) else 0 for p in precisions]
    out["tprec"] = [_int(col["time_precision"][i]) for i in keep]
    out["fatalities"] = [_int(col["fatalities"][i]) for i in keep]
    out["injured"] = [_int(col["injured"][i]) for i in keep]
    confidences = (_float(col["confidence"][i]) for i in keep)
    out["conf"] = [round(c, 2) if c is not None else None for c in confidences]
    out["region"] = list(regions) if regions is not None else [-1] * len(keep)

    strings: dict[str, int] = {"": 0}
    modes: dict[str, str] = {}
    for name in TEXT_COLUMNS:
        if name == "date_text":
            values = ["" if day is not None else _text(raw) for day, raw in zip(out["day"], raw_dates)]
        elif name == "source_url":
            values = [safe_url(col[name][i]) for i in keep]
        elif name == "counts":
            values = [format_counts(col[name][i]) for i in keep]
        else:
            values = [_text(col[name][i]) for i in keep]
        filled = sum(1 for v in values if v)
        if filled and len(set(values)) > 0.5 * filled:
            modes[name] = "inline"
            out[name] = values
        else:
            modes[name] = "table"
            indices = []
            for value in values:
                index = strings.get(value)
                if index is None:
                    index = strings[value] = len(strings)
                indices.append(index)
            out[name] = indices

    days = [d for d in out["day"] if d is not None]
    return {
        "count": len(keep),
        "columns": out,
        "text_modes": modes,
        "strings": list(strings),
        "total": total,
        "unmapped": total - len(keep),
        "days": [min(days), max(days)] if days else None,
    }


_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                   ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(value: Any) -> str:
    """Compact JSON that can sit inside ``<script>`` (no ``</script>``, ``<!--``, ``&`` entities)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in _SCRIPT_ESCAPES:      # str.replace is much faster than str.translate here
        if char in text:
            text = text.replace(char, escape)
    return text
