"""Places users add themselves, from CSV or GeoJSON.

CSV: a header row with ``name``, ``lat`` (or ``latitude``), ``lon`` (or ``longitude``/``lng``)
and optionally ``alternate_names`` ('|' or ';' separated), ``type``, ``country``, ``admin1``,
``admin2``, ``geonameid``, ``population``. Commas, semicolons or tabs separate the columns.

GeoJSON: a FeatureCollection (or a single Feature) of Point features whose properties use the
same names; the point gives the coordinates.

Every row is checked before anything is written; all problems are reported together, each
naming its row (CSV line number, or 1-based feature number), and the file is rejected whole.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazetteer.errors import SourceFormatError

__all__ = ["UserPlaceRow", "read_user_places", "feature_type", "TYPE_WORDS"]

# Words people use for a place's type -> GeoNames (feature class, feature code).
TYPE_WORDS: dict[str, tuple[str, str]] = {
    "": ("P", "PPL"),
    "place": ("P", "PPL"), "populated place": ("P", "PPL"), "settlement": ("P", "PPL"), "village": ("P", "PPL"),
    "hamlet": ("P", "PPL"), "town": ("P", "PPL"), "city": ("P", "PPL"), "urban-type settlement": ("P", "PPL"),
    "locality": ("P", "PPLL"), "neighborhood": ("P", "PPLX"), "neighbourhood": ("P", "PPLX"),
    "quarter": ("P", "PPLX"), "suburb": ("P", "PPLX"), "capital": ("P", "PPLC"),
    "country": ("A", "PCLI"),
    "region": ("A", "ADM1"), "oblast": ("A", "ADM1"), "province": ("A", "ADM1"), "state": ("A", "ADM1"),
    "governorate": ("A", "ADM1"), "krai": ("A", "ADM1"), "republic": ("A", "ADM1"),
    "district": ("A", "ADM2"), "raion": ("A", "ADM2"), "rayon": ("A", "ADM2"), "county": ("A", "ADM2"),
    "municipality": ("A", "ADM3"), "hromada": ("A", "ADM3"), "commune": ("A", "ADM3"),
    "facility": ("S", "FCL"), "building": ("S", "BLDG"), "airport": ("S", "AIRP"), "airfield": ("S", "AIRF"),
    "military base": ("S", "MILB"), "base": ("S", "MILB"), "port": ("S", "PRT"), "bridge": ("S", "BDG"),
    "power plant": ("S", "PS"), "power station": ("S", "PS"), "station": ("S", "RSTN"),
    "railway station": ("S", "RSTN"), "train station": ("S", "RSTN"), "dam": ("S", "DAM"),
    "hospital": ("S", "HSP"), "school": ("S", "SCH"), "factory": ("S", "MFG"), "plant": ("S", "MFG"),
    "border crossing": ("S", "PSTB"), "checkpoint": ("S", "PSTB"), "church": ("S", "CH"),
    "river": ("H", "STM"), "stream": ("H", "STM"), "lake": ("H", "LK"), "reservoir": ("H", "RSV"),
    "mountain": ("T", "MT"), "hill": ("T", "HLL"), "island": ("T", "ISL"), "forest": ("V", "FRST"),
    "road": ("R", "RD"), "railway": ("R", "RR"), "area": ("L", "AREA"),
}

# Feature codes accepted as they are, with their class (the common ones; "S.XYZ" names any other).
_CODE_CLASSES: dict[str, str] = {
    **{c: "P" for c in ("PPL", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLA5", "PPLC", "PPLCH", "PPLF", "PPLG",
                        "PPLH", "PPLL", "PPLQ", "PPLR", "PPLS", "PPLW", "PPLX", "STLMT")},
    **{c: "A" for c in ("ADM1", "ADM2", "ADM3", "ADM4", "ADM5", "ADMD", "PCLI", "PCLD", "PCLF", "PCLS",
                        "PCLIX", "TERR", "PRSH", "ZN")},
    **{code: cls for cls, code in TYPE_WORDS.values() if cls not in ("P", "A")},
}
_GEONAMES_CLASSES = "AHLPRSTUV"

_COLUMN_ALIASES = {
    "name": "name", "alternate_names": "alternate_names", "alternatenames": "alternate_names",
    "alternate names": "alternate_names", "aliases": "alternate_names",
    "lat": "lat", "latitude": "lat", "lon": "lon", "lng": "lon", "long": "lon", "longitude": "lon",
    "type": "type", "feature_code": "type", "country": "country", "country_code": "country",
    "admin1": "admin1", "admin1_code": "admin1", "admin2": "admin2", "admin2_code": "admin2",
    "geonameid": "geonameid", "id": "geonameid", "population": "population",
}


@dataclass
class UserPlaceRow:
    """One row as written by the user, checked but not yet resolved against a gazetteer."""

    where: str                      # "line 3" or "feature 2", for messages
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    alternate_names: list[str] = field(default_factory=list)
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    geonameid: int | None = None
    population: int = 0


def feature_type(value: str) -> tuple[str, str]:
    """``"village"`` -> ``("P", "PPL")``; ``"PPLA2"`` -> ``("P", "PPLA2")``; ``"S.MILB"`` -> ``("S", "MILB")``.

    Raises ValueError for a type it does not know.
    """
    text = " ".join(str(value or "").split())
    word = text.lower().replace("_", " ")
    if word in TYPE_WORDS:
        return TYPE_WORDS[word]
    if word.endswith("s") and word[:-1] in TYPE_WORDS:
        return TYPE_WORDS[word[:-1]]
    code = text.upper()
    if code in _CODE_CLASSES:
        return _CODE_CLASSES[code], code
    m = re.fullmatch(r"([A-Z])\.([A-Z0-9]{2,6})", code)
    if m and m.group(1) in _GEONAMES_CLASSES:
        return m.group(1), m.group(2)
    raise ValueError(
        f"unknown type {text!r}; use a GeoNames feature code (PPL, PPLA2, ADM2, or CLASS.CODE such as S.MILB) "
        "or a word like village, town, city, district, region, facility"
    )


def _number(value: Any, what: str, limit: float, errors: list[str]) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(f"{what} is missing")
        return None
    try:
        number = float(str(value).strip()) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        errors.append(f"{what} {value!r} is not a number")
        return None
    if not math.isfinite(number) or abs(number) > limit:
        errors.append(f"{what} {value!r} is outside [-{limit:g}, {limit:g}]")
        return None
    return number


def _whole(value: Any, what: str, errors: list[str], *, positive: bool = False) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace("_", ""))
        if not math.isfinite(number) or number != int(number):
            raise ValueError
        number = int(number)
    except ValueError:
        errors.append(f"{what} {value!r} is not a whole number")
        return None
    if number < 0 or (positive and number == 0):
        errors.append(f"{what} {value!r} must be {'positive' if positive else 'zero or more'}")
        return None
    return number


def _split_names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        items = re.split(r"[|;]", str(value))
    return list(dict.fromkeys(i.strip() for i in items if i and i.strip()))


def _row(where: str, props: dict[str, Any], lat: Any, lon: Any, problems: list[str]) -> UserPlaceRow | None:
    errors: list[str] = []
    name = str(props.get("name") or "").strip()
    if not name:
        errors.append("name is empty")
    lat_v = _number(lat, "latitude", 90.0, errors)
    lon_v = _number(lon, "longitude", 180.0, errors)
    try:
        cls, code = feature_type(props.get("type") or "")
    except ValueError as exc:
        errors.append(str(exc))
        cls, code = "P", "PPL"
    gid = _whole(props.get("geonameid"), "geonameid", errors, positive=True)
    population = _whole(props.get("population"), "population", errors) or 0
    if errors:
        problems.extend(f"{where}: {e}" for e in errors)
        return None
    return UserPlaceRow(where=where, name=name, lat=lat_v, lon=lon_v, feature_class=cls, feature_code=code,
                        alternate_names=[a for a in _split_names(props.get("alternate_names")) if a != name],
                        country=str(props.get("country") or "").strip(),
                        admin1=str(props.get("admin1") or "").strip(), admin2=str(props.get("admin2") or "").strip(),
                        geonameid=gid, population=population)


def _canonical(props: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in props.items():
        canon = _COLUMN_ALIASES.get(str(key).strip().lower())
        if canon and (canon not in out or out[canon] in (None, "")):
            out[canon] = value
    return out


def _read_csv(path: Path, text: str, problems: list[str]) -> list[UserPlaceRow]:
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise SourceFormatError(f"{path}: the file is empty") from None
    columns = [_COLUMN_ALIASES.get(h.strip().lower().lstrip("\ufeff")) for h in header]
    missing = [c for c in ("name", "lat", "lon") if c not in columns]
    if missing:
        raise SourceFormatError(
            f"{path}: the header must name the columns name, lat (or latitude), lon (or longitude/lng); "
            f"missing {', '.join(missing)} in {delimiter.join(header)!r}"
        )
    rows = []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        where = f"line {reader.line_num}"
        if len(record) > len(header):
            problems.append(f"{where}: {len(record)} columns, but the header has {len(header)}")
            continue
        props: dict[str, Any] = {}
        for column, cell in zip(columns, record):
            if column and column not in props:
                props[column] = cell
        row = _row(where, props, props.get("lat"), props.get("lon"), problems)
        if row:
            rows.append(row)
    return rows


def _read_geojson(path: Path, text: str, problems: list[str]) -> list[UserPlaceRow]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        features = data["features"]
    else:
        raise SourceFormatError(f"{path}: expected a GeoJSON FeatureCollection of Point features")
    rows = []
    for i, feature in enumerate(features, 1):
        where = f"feature {i}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(f"{where}: not a GeoJSON Feature")
            continue
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") != "Point" or not isinstance(coords, list) \
                or len(coords) < 2:
            kind = geometry.get("type") if isinstance(geometry, dict) else None
            problems.append(f"{where}: geometry must be a Point with [longitude, latitude], not {kind or 'none'}")
            continue
        props = _canonical(feature.get("properties") or {})
        if "geonameid" not in props and isinstance(feature.get("id"), int):
            props["geonameid"] = feature["id"]
        row = _row(where, props, coords[1], coords[0], problems)
        if row:
            rows.append(row)
    return rows


def read_user_places(path: str | Path) -> list[UserPlaceRow]:
    """Parse and check a user places file; raise :class:`SourceFormatError` listing every bad row."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    problems: list[str] = []
    is_json = path.suffix.lower() in (".geojson", ".json") or (
        path.suffix.lower() not in (".csv", ".tsv", ".txt") and text.lstrip().startswith("{"))
    rows = _read_geojson(path, text, problems) if is_json else _read_csv(path, text, problems)
    if problems:
        raise_problems(path, problems)
    if not rows:
        raise SourceFormatError(f"{path}: no places in the file")
    return rows


def raise_problems(path: Path | str, problems: list[str], limit: int = 20) -> None:
    shown = problems[:limit]
    more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
    raise SourceFormatError(
        f"{path}: {len(problems)} bad row{'s' if len(problems) != 1 else ''}; nothing was added:\n  "
        + "\n  ".join(shown) + more
    )
