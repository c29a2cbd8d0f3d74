"""Select incidents by region, bounding box, polygon, radius, date and type.

Every filter takes an incident GeoDataFrame (EPSG:4326 points, as :func:`mapper.io.read_incidents`
returns) and returns the matching rows, in their original order, as a new GeoDataFrame.
Spatial filters go through the frame's spatial index (``gdf.sindex``, a shapely STRtree built
once per frame and cached by geopandas); none loops over incidents in Python.
Filters compose by chaining: ``by_date(by_region(gdf, "Kursk Oblast"), since="2024-08-06")``.

Regions are resolved against the shipped Natural Earth boundaries
(``gazetteer/data/boundaries.gpkg``): countries by name, ISO2 or ISO3; admin-1 units by name
("Kursk Oblast", "Kursk Region", "Kharkiv oblast"), ISO 3166-2 code ("RU-KRS", "UA-63"),
GeoNames code ("RU.41") or GeoNames id. Admin-2 units, which have no shipped polygon, are
matched through the GeoNames codes incidents carry (``admin2_code`` "RU.41.486813") and their
``admin2`` names, with the gazetteer turning a name into its codes.
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from gazetteer.errors import GazetteerError
from mapper.errors import MapperError

__all__ = ["by_region", "by_bbox", "within", "near", "by_date", "by_type", "resolve_region",
           "load_polygon", "Region", "QueryError", "UnknownRegionError"]

log = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0088
_ISO_3166_2 = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$")
_GN_ADMIN1 = re.compile(r"^[A-Za-z]{2}\.[A-Za-z0-9]+$")
_GN_ADMIN2 = re.compile(r"^[A-Za-z]{2}\.[A-Za-z0-9]+\.[A-Za-z0-9]+$")
_NAME_FIELDS = ("name", "name_en", "name_alt", "gn_name", "woe_name")


class QueryError(MapperError, ValueError):
    """A query could not be run as given (bad bbox, date, radius, polygon file, ...)."""


class UnknownRegionError(QueryError, LookupError):
    """No country, admin-1 or admin-2 unit has the given name; ``suggestions`` has the closest names."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()):
        super().__init__(message)
        self.suggestions = list(suggestions)


@dataclass(frozen=True)
class Region:
    """A resolved region: a polygon (country, admin-1) or a set of GeoNames admin-2 codes."""

    kind: str                      # "country", "admin1" or "admin2"
    code: str                      # ISO2, ISO 3166-2 (or GeoNames "CC.A1"), or GeoNames "CC.A1.A2"
    name: str
    country_code: str = ""
    geometry: Any = None           # shapely (Multi)Polygon for countries and admin-1 units
    admin2_codes: tuple[str, ...] = ()
    admin2_names: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code and self.code != self.name else self.name


# --------------------------------------------------------------------------- name folding

def _fold(name: str) -> str:
    from gazetteer.normalize import normalize_name

    return normalize_name(name or "")


def _stem(name: str) -> str:
    """The folded name without its type word: "Kharkivs'ka Oblast'" -> "kharkivska"."""
    from gazetteer.admin_names import strip_type_words

    folded = _fold(name)
    return _fold(strip_type_words(folded)) if folded else ""


# --------------------------------------------------------------------------- boundaries

def _boundaries_path(path: str | os.PathLike | None = None) -> Path:
    if path is not None:
        return Path(path)
    from gazetteer.paths import boundaries_path

    return boundaries_path()


def _text_or_none(value) -> str | None:
    return value if isinstance(value, str) and value else None


class _RegionIndex:
    """Names and codes of the shipped countries and admin-1 units, for resolving a query string.

    A unit's key is ``("countries", ISO2)`` or ``("admin1", code)``, the code being its ISO 3166-2
    code, else its GeoNames "CC.A1" code, else "gn:<geonameid>", else "fid:<row>"; Natural Earth
    rows that share a code (a province split in parts) are one unit.
    """

    def __init__(self, path: Path):
        import pyogrio

        if not path.exists():
            raise QueryError(f"boundary file {path} is missing; reinstall mapper or regenerate it with "
                             f"gazetteer/data/make_boundaries.py")
        self.path = path
        admin1 = pyogrio.read_dataframe(path, layer="admin1", read_geometry=False, fid_as_index=True)
        countries = pyogrio.read_dataframe(path, layer="countries", read_geometry=False, fid_as_index=True)
        self.rows: dict[tuple[str, str], dict] = {}   # key -> attributes of its first row
        self.exact: dict[str, set] = {}               # folded name -> keys
        self.stemmed: dict[str, set] = {}             # folded name without type word -> keys
        self.labels: dict[str, str] = {}              # folded name -> label shown in suggestions
        self.codes: dict[str, tuple[str, str]] = {}   # upper-cased code -> key
        self.hits: dict[tuple, int] = {}              # (key, probe) -> number of name fields giving it

        for row in countries.to_dict("records"):
            key = ("countries", row["country_code"])
            self.rows.setdefault(key, row)
            for code in (row["country_code"], row["iso3"]):
                if _text_or_none(code):
                    self.codes.setdefault(code.upper(), key)
            self._add_name(key, row["name"])
        self.unit_names: dict[str, str] = {}           # GeoNames code -> name, for units NE splits
        for fid, row in zip(admin1.index, admin1.to_dict("records")):
            gn_id = row["gn_id"]
            gn_id = None if gn_id is None or gn_id != gn_id else str(int(gn_id))
            iso, gn_a1 = _text_or_none(row["iso_3166_2"]), _text_or_none(row["gn_a1_code"])
            own = _text_or_none(row.get("ne_iso_3166_2"))
            if own and own != iso:
                # A part of a GeoNames unit (Kent in England, a French department): its own
                # names and code give the part; the unit's codes give the whole.
                key = ("admin1", own)
                self.rows.setdefault(key, dict(row, fid=int(fid)))
                self.codes.setdefault(own.upper(), key)
                fields = ("name", "name_en", "gn_name")   # name_alt and woe_name often name the parent
                whole = iso or gn_a1
                if whole:
                    unit_key = ("admin1", whole)
                    self.rows.setdefault(unit_key, {"name": whole, "country_code": row["country_code"],
                                                    "gn_a1_code": gn_a1, "part_of": True})
                    for value in (iso, gn_a1):
                        if value:
                            self.codes.setdefault(value.upper(), unit_key)
            else:
                code = iso or gn_a1 or (f"gn:{gn_id}" if gn_id else f"fid:{fid}")
                key = ("admin1", code)
                if self.rows.get(key, {}).get("part_of"):
                    self.rows[key] = dict(row, fid=int(fid))
                self.rows.setdefault(key, dict(row, fid=int(fid)))
                for value in (iso, gn_a1, gn_id):
                    if value:
                        self.codes.setdefault(value.upper(), key)
                fields = _NAME_FIELDS
            for field in fields:
                value = _text_or_none(row[field])
                for part in (value.split("|") if field == "name_alt" else [value]) if value else []:
                    self._add_name(key, part)

    def _add_name(self, key, name):
        for table, probe in ((self.exact, _fold(name)), (self.stemmed, _stem(name))):
            if not probe:
                continue
            table.setdefault(probe, set()).add(key)
            self.hits[(key, table is self.exact, probe)] = self.hits.get((key, table is self.exact, probe), 0) + 1
            if table is self.exact:
                self.labels.setdefault(probe, self.label(key))

    def label(self, key) -> str:
        row = self.rows[key]
        if key[0] == "countries":
            return f"{row['name']} ({key[1]})"
        name = _text_or_none(row.get("name_en")) or row["name"]
        return name if key[1].startswith(("gn:", "fid:")) else f"{name} ({key[1]})"

    def suggestions(self, name: str, n: int = 5) -> list[str]:
        pool = list(self.labels)
        close = difflib.get_close_matches(_fold(name), pool, n=n * 3, cutoff=0.6)
        stem = _stem(name)
        if stem and stem != _fold(name):
            close += difflib.get_close_matches(stem, pool, n=n * 3, cutoff=0.6)
        return list(dict.fromkeys(self.labels[m] for m in close))[:n]


@lru_cache(maxsize=4)
def _region_index(path: str) -> _RegionIndex:
    return _RegionIndex(Path(path))


def _geometry(index: _RegionIndex, key):
    """The polygon of a unit, from gazetteer.boundaries (which unions rows sharing a code)."""
    from gazetteer.boundaries import Boundaries

    boundaries = Boundaries.load(index.path)
    layer, code = key
    if layer == "countries":
        geometry = boundaries.country_polygon(code)
    elif code.startswith("gn:"):
        geometry = boundaries.admin1_polygon(int(code[3:]))
    elif code.startswith("fid:"):     # a row without any code: read it by its feature id
        import pyogrio
        geometry = pyogrio.read_dataframe(index.path, layer="admin1", fids=[int(code[4:])]).geometry.iloc[0]
    else:
        geometry = boundaries.admin1_polygon(code)
    if geometry is None:
        raise QueryError(f"{index.path} has no polygon for {index.label(key)}")
    return geometry


# --------------------------------------------------------------------------- resolving names

def resolve_region(name: str, gdf=None, *, boundaries: str | os.PathLike | None = None,
                   gazetteer=None) -> Region:
    """Turn a region name or code into a :class:`Region`.

    Tried in order: codes (ISO2/ISO3 country, ISO 3166-2, GeoNames "CC.A1" and "CC.A1.A2",
    GeoNames id), exact names of countries and admin-1 units, the same without type words
    ("Kursk Oblast" = "Kursk Region" = "Kursk"), then admin-2 units: by the gazetteer's ADM2
    features, and by the ``admin2`` names the incidents in ``gdf`` carry.

    Raises
    ------
    UnknownRegionError
        Nothing matches; the message lists the closest names.
    QueryError
        The name fits several units equally well; the message lists their codes.

    Examples
    --------
    >>> resolve_region("Kharkiv oblast").code
    'UA-63'
    >>> r = resolve_region("RU-KRS"); (r.kind, r.name, r.country_code)
    ('admin1', 'Kursk', 'RU')
    """
    text = (name or "").strip()
    if not text:
        raise QueryError("empty region name")
    index = _region_index(str(_boundaries_path(boundaries)))

    # 1. codes
    if _GN_ADMIN2.match(text):
        code = text.upper()
        label = code
        if gdf is not None and "admin2_code" in gdf and "admin2" in gdf:
            known = gdf.loc[gdf["admin2_code"] == code, "admin2"].dropna()
            label = known.iloc[0] if len(known) else code
        return Region("admin2", code, label, country_code=code[:2], admin2_codes=(code,))
    looks_like_code = (text.isupper() and text.isalpha() and len(text) in (2, 3)) or _ISO_3166_2.match(text) \
        or _GN_ADMIN1.match(text) or text.isdigit()
    if looks_like_code and text.upper() in index.codes:
        return _region_from_key(index, index.codes[text.upper()], gazetteer)

    # 2./3. names, exact then without type words
    key = _match_name(index, text)
    if key is not None:
        return _region_from_key(index, key, gazetteer)
    if text.isalpha() and len(text) in (2, 3) and text.upper() in index.codes:   # "ua", "ukr"
        return _region_from_key(index, index.codes[text.upper()], gazetteer)

    # 4. admin-1 units that Natural Earth splits into parts (Île-de-France, England), by the
    # gazetteer's names
    region = _split_admin1_region(text, index, gazetteer)
    if region is not None:
        return region
    # 5. admin-2 units
    region = _admin2_region(text, gdf, gazetteer)
    if region is not None:
        return region
    # 6. countries by other names ("Russian Federation"), through the gazetteer
    country = _country_via_gazetteer(text, index, gazetteer)
    if country is not None:
        return _region_from_key(index, country)

    suggestions = index.suggestions(text)
    if gdf is not None and len(gdf) and "admin2" in gdf:
        names = [n for n in gdf["admin2"].dropna().unique().tolist() if n]
        suggestions += [m for m in difflib.get_close_matches(text, names, n=3, cutoff=0.6) if m not in suggestions]
    hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
    raise UnknownRegionError(
        f"unknown region {text!r}: no country, admin-1 or admin-2 unit of that name{hint} "
        f"(ISO 3166-2 codes such as UA-63 and GeoNames codes such as RU.41 work too)", suggestions)


def _match_name(index: _RegionIndex, text: str):
    folded, stem = _fold(text), _stem(text)
    type_word = folded[len(stem):].strip() if folded.startswith(stem) else folded[: -len(stem)].strip()
    for exact, table, probe in ((True, index.exact, folded), (False, index.stemmed, stem)):
        keys = table.get(probe)
        if not keys:
            continue

        def score(key):
            row = index.rows[key]
            kind_matches = bool(type_word) and key[0] == "admin1" and type_word in {
                _fold(row.get("type") or ""), _fold(row.get("type_en") or "")}
            return (key[0] == "countries", kind_matches, index.hits.get((key, exact, probe), 0))

        ranked = sorted(keys, key=score, reverse=True)
        if len(ranked) > 1 and score(ranked[0]) == score(ranked[1]):
            tied = sorted(index.label(k) for k in ranked if score(k) == score(ranked[0]))
            raise QueryError(f"region {text!r} is ambiguous: {', '.join(tied)}; give one of these codes")
        return ranked[0]
    return None


def _region_from_key(index, key, gazetteer=None) -> Region:
    row = index.rows[key]
    geometry = _geometry(index, key)
    if key[0] == "countries":
        return Region("country", key[1], row["name"], key[1], geometry)
    name = _text_or_none(row.get("name_en")) or row["name"]
    if row.get("part_of") and row.get("gn_a1_code"):
        name = _unit_name(row["gn_a1_code"], gazetteer) or name
    return Region("admin1", key[1], name, row.get("country_code") or "", geometry)


def _unit_name(code: str, gazetteer) -> str | None:
    try:
        unit = _open_gazetteer(gazetteer).admin1(code)
    except (ImportError, GazetteerError):
        return None
    return unit.name if unit is not None else None


def _split_admin1_region(text: str, index: _RegionIndex, gazetteer) -> Region | None:
    try:
        found = [c for c in _open_gazetteer(gazetteer).lookup(text) if c.feature_code == "ADM1"]
    except (ImportError, GazetteerError):
        return None
    if not found:
        return None
    best = min(c.name_kind for c in found)
    codes = {f"{c.country_code}.{c.admin1_code}": c for c in found if c.name_kind == best and c.admin1_code}
    if len(codes) != 1:
        return None
    (code, unit), = codes.items()
    key = index.codes.get(code.upper())
    if key is None:
        return None
    return Region("admin1", key[1], unit.name, unit.country_code, _geometry(index, key))


def _open_gazetteer(gazetteer):
    if gazetteer is not None:
        return gazetteer
    from mapper.gazetteer_access import open_gazetteer

    return open_gazetteer()


def _admin2_region(text: str, gdf, gazetteer) -> Region | None:
    codes: list[str] = []
    names: list[str] = []
    display = text
    try:
        gz = _open_gazetteer(gazetteer)
        found = [c for c in gz.lookup(text) if c.feature_code == "ADM2"]
    except (ImportError, GazetteerError) as exc:     # admin-2 names then come from the incidents only
        log.warning("admin-2 names not looked up in the gazetteer: %s", exc)
        found = []
    best = min((c.name_kind for c in found), default=None)
    for cand in found:
        if cand.name_kind == best and cand.admin2_code:
            code = f"{cand.country_code}.{cand.admin1_code}.{cand.admin2_code}"
            if code not in codes:
                codes.append(code)
                names.append(cand.name)
    if gdf is not None and len(gdf) and "admin2" in gdf:
        # the incidents' own admin-2 names: fold the few distinct values, not every row
        wanted = {_fold(text), _stem(text)} - {""}
        for value in gdf["admin2"].dropna().unique().tolist():
            if value and ({_fold(value), _stem(value)} & wanted) and value not in names:
                names.append(value)
    if not codes and not names:
        return None
    if names:
        display = names[0]
    if len(codes) > 1:
        log.warning("%r names %d admin-2 units (%s); selecting incidents in any of them",
                    text, len(codes), ", ".join(codes))
    return Region("admin2", codes[0] if len(codes) == 1 else text, display,
                  codes[0][:2] if codes else "", None, tuple(codes), tuple(names))


def _country_via_gazetteer(text: str, index: _RegionIndex, gazetteer):
    try:
        gz = _open_gazetteer(gazetteer)
        found = [c for c in gz.lookup(text) if c.feature_code in ("PCLI", "PCLD", "PCLIX", "PCLF", "PCLS")]
    except (ImportError, GazetteerError):
        return None
    for cand in found:
        key = index.codes.get(cand.country_code.upper())
        if key is not None and key[0] == "countries":
            return key
    return None


# --------------------------------------------------------------------------- filters

def _check_frame(gdf):
    import geopandas as gpd

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise QueryError("queries take a GeoDataFrame of incidents (see mapper.io.read_incidents)")
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        raise QueryError(f"incidents must be in EPSG:4326 (WGS84), not {gdf.crs.to_string()}")


def _take(gdf, positions):
    """Rows at integer positions, in their original order."""
    import numpy as np

    positions = np.unique(np.asarray(positions, dtype=np.intp))   # sorted, no duplicates
    return gdf.iloc[positions]


def _in_geometry(gdf, geometry):
    """Rows whose point lies in (or on the edge of) a polygon, via the spatial index."""
    _check_frame(gdf)
    if len(gdf) == 0:
        return gdf.iloc[0:0]
    return _take(gdf, gdf.sindex.query(geometry, predicate="intersects"))


def by_region(gdf, name: str, *, boundaries: str | os.PathLike | None = None, gazetteer=None):
    """Incidents in a country, admin-1 or admin-2 unit.

    Parameters
    ----------
    gdf : GeoDataFrame
        Incidents (EPSG:4326 points).
    name : str
        "Ukraine", "UA", "UKR"; "Kursk Oblast", "Kursk Region", "Kharkiv oblast", "RU-KRS",
        "UA-63", "RU.41"; an admin-2 name such as "Sudzhanskiy Rayon" or code "RU.41.486813".
    boundaries : path, optional
        Another GeoPackage with ``admin1`` and ``countries`` layers (default: the shipped one).
    gazetteer : gazetteer.index.Gazetteer, optional
        For admin-2 names; by default the local gazetteer.

    Examples
    --------
    >>> from mapper.io import read_incidents
    >>> gdf = read_incidents("tests/data/incidents_small.geojson")
    >>> by_region(gdf, "Kursk Oblast")["location"].tolist()
    ['Sudzha', 'Korenevo', 'Glushkovo', 'Kursk']
    >>> by_region(gdf, "UA-63")["location"].tolist()
    ['Kharkiv', 'Vovchansk']
    """
    _check_frame(gdf)
    region = resolve_region(name, gdf, boundaries=boundaries, gazetteer=gazetteer)
    return select_region(gdf, region)


def select_region(gdf, region: Region):
    """Incidents in an already resolved :class:`Region`."""
    if region.geometry is not None:
        return _in_geometry(gdf, region.geometry)
    import pandas as pd

    codes, names = list(region.admin2_codes), list(region.admin2_names)
    has_code = gdf["admin2_code"].notna() if "admin2_code" in gdf else pd.Series(False, index=gdf.index)
    mask = pd.Series(False, index=gdf.index)
    if codes and "admin2_code" in gdf:
        mask |= gdf["admin2_code"].isin(codes)
    if names and "admin2" in gdf:
        # a name counts on rows without a code; a row's code, when present, decides
        by_name = gdf["admin2"].isin(names)
        mask |= (by_name & ~has_code) if codes else by_name
    return gdf[mask.fillna(False).to_numpy(dtype=bool)]


def _check_bbox(w, s, e, n):
    try:
        w, s, e, n = (float(v) for v in (w, s, e, n))
    except (TypeError, ValueError):
        raise QueryError(f"bbox needs four numbers west,south,east,north, not {w!r},{s!r},{e!r},{n!r}") from None
    if not (-180 <= w <= 180 and -180 <= e <= 180):
        raise QueryError(f"bbox longitudes must be within -180..180 (got west={w}, east={e}); "
                         f"the order is west,south,east,north")
    if not (-90 <= s <= 90 and -90 <= n <= 90):
        raise QueryError(f"bbox latitudes must be within -90..90 (got south={s}, north={n}); "
                         f"the order is west,south,east,north")
    if s > n:
        raise QueryError(f"bbox south ({s}) is north of north ({n}); the order is west,south,east,north")
    return w, s, e, n


def by_bbox(gdf, w: float, s: float, e: float, n: float):
    """Incidents in a bounding box (edges included), ``w > e`` meaning one that crosses the antimeridian.

    >>> from mapper.io import read_incidents
    >>> gdf = read_incidents("tests/data/incidents_small.geojson")
    >>> by_bbox(gdf, 36, 49, 38, 51)["location"].tolist()
    ['Shebekino', 'Belgorod', 'Kharkiv', 'Vovchansk']
    """
    import numpy as np
    import shapely

    _check_frame(gdf)
    w, s, e, n = _check_bbox(w, s, e, n)
    if len(gdf) == 0:
        return gdf.iloc[0:0]
    boxes = [shapely.box(w, s, e, n)] if w <= e else [shapely.box(w, s, 180, n), shapely.box(-180, s, e, n)]
    # Without a predicate the index answers "envelope intersects", which for points is exact.
    return _take(gdf, np.concatenate([gdf.sindex.query(b) for b in boxes]))


def load_polygon(source) -> Any:
    """A (Multi)Polygon from a shapely geometry, a GeoJSON-like mapping, GeoJSON text or a GeoJSON file.

    Accepts Polygon, MultiPolygon, a Feature with one of those, a FeatureCollection of them
    (their union), or a GeometryCollection of polygons. Raises :class:`QueryError` for anything
    else: a missing or unreadable file, other geometry types, invalid or out-of-range coordinates.
    """
    import shapely
    from shapely.geometry import shape

    origin = "polygon"
    if isinstance(source, shapely.Geometry):
        geoms = [source]
    else:
        if isinstance(source, (str, os.PathLike)) and not str(source).lstrip().startswith("{"):
            path = Path(source)
            origin = str(path)
            if not path.is_file():
                raise QueryError(f"polygon file {path} does not exist")
            try:
                source = json.loads(path.read_text(encoding="utf-8-sig"))
            except UnicodeDecodeError:
                raise QueryError(f"{path} is not a GeoJSON file (not UTF-8 text)") from None
            except json.JSONDecodeError as exc:
                raise QueryError(f"{path} is not valid GeoJSON: {exc}") from None
        elif isinstance(source, str):
            try:
                source = json.loads(source)
            except json.JSONDecodeError as exc:
                raise QueryError(f"polygon is not valid GeoJSON: {exc}") from None
        geoms = _geojson_geometries(source, origin)
        try:
            geoms = [shape(g) for g in geoms]
        except Exception as exc:
            raise QueryError(f"{origin}: malformed GeoJSON geometry ({exc})") from None
    parts = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type == "GeometryCollection":
            parts.extend(g for g in geom.geoms)
        else:
            parts.append(geom)
    if not parts:
        raise QueryError(f"{origin} holds no polygon")
    wrong = sorted({g.geom_type for g in parts} - {"Polygon", "MultiPolygon"})
    if wrong:
        raise QueryError(f"{origin} must hold Polygon or MultiPolygon geometries, not {', '.join(wrong)}")
    for geom in parts:
        if not geom.is_valid:
            raise QueryError(f"{origin} has an invalid polygon: {shapely.is_valid_reason(geom)}; "
                             f"fix it (e.g. QGIS 'Fix geometries' or shapely.make_valid)")
    polygon = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    minx, miny, maxx, maxy = polygon.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise QueryError(f"{origin} has coordinates outside longitude -180..180 / latitude -90..90 "
                         f"(bounds {minx:g},{miny:g},{maxx:g},{maxy:g}); GeoJSON must be WGS84 [lon, lat]")
    return polygon


def _geojson_geometries(doc, origin) -> list:
    if not isinstance(doc, dict) or "type" not in doc:
        raise QueryError(f"{origin} is not a GeoJSON object")
    kind = doc["type"]
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise QueryError(f"{origin}: FeatureCollection has no 'features' list")
        return [g for f in features for g in _geojson_geometries(f, origin)]
    if kind == "Feature":
        geometry = doc.get("geometry")
        return [geometry] if geometry else []
    if kind in ("Polygon", "MultiPolygon", "GeometryCollection", "Point", "MultiPoint", "LineString",
                "MultiLineString"):
        return [doc]
    raise QueryError(f"{origin}: unknown GeoJSON type {kind!r}")


def within(gdf, polygon):
    """Incidents inside a polygon: a shapely geometry, GeoJSON mapping, or a GeoJSON file path.

    >>> from mapper.io import read_incidents
    >>> gdf = read_incidents("tests/data/incidents_small.geojson")
    >>> square = {"type": "Polygon", "coordinates": [[[34, 51], [36, 51], [36, 52], [34, 52], [34, 51]]]}
    >>> within(gdf, square)["location"].tolist()
    ['Sudzha', 'Korenevo', 'Glushkovo']
    """
    return _in_geometry(gdf, load_polygon(polygon))


def _parse_latlon(text: str):
    parts = re.split(r"[,\s]+", text.strip())
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    return lat, lon


def resolve_point(place_or_latlon, gazetteer=None) -> tuple[float, float, str]:
    """(lat, lon, label) for ``(lat, lon)``, ``"lat,lon"``, a shapely Point, or a place name."""
    import shapely

    label = None
    if isinstance(place_or_latlon, shapely.Point):
        lat, lon = place_or_latlon.y, place_or_latlon.x
    elif isinstance(place_or_latlon, (tuple, list)) and len(place_or_latlon) == 2:
        lat, lon = (float(v) for v in place_or_latlon)
    elif isinstance(place_or_latlon, str) and _parse_latlon(place_or_latlon):
        lat, lon = _parse_latlon(place_or_latlon)
    elif isinstance(place_or_latlon, str) and place_or_latlon.strip():
        gz = _open_gazetteer(gazetteer)
        found = gz.lookup(place_or_latlon.strip(), limit=1)
        if not found:
            near_names = gz.names_starting(place_or_latlon[:3], limit=200) if len(place_or_latlon) >= 3 else []
            close = difflib.get_close_matches(_fold(place_or_latlon), near_names, n=5, cutoff=0.6)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise UnknownRegionError(f"no place named {place_or_latlon!r} in the gazetteer{hint} "
                                     f"(or give coordinates as LAT,LON)", close)
        best = found[0]
        lat, lon = best.lat, best.lon
        label = f"{best.name}, {best.admin1 or best.country_code}".rstrip(", ")
    else:
        raise QueryError(f"near: give a place name, 'LAT,LON' or a (lat, lon) pair, not {place_or_latlon!r}")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise QueryError(f"near: latitude {lat} / longitude {lon} out of range (the order is LAT,LON)")
    return lat, lon, label or f"{lat:g},{lon:g}"


def near(gdf, place_or_latlon, radius_km: float, *, gazetteer=None):
    """Incidents within ``radius_km`` (geodesic, WGS84 ellipsoid) of a place or (lat, lon).

    A bounding box around the circle is taken from the spatial index first; exact distances are
    then computed for those candidates only. The result gains a ``distance_km`` column.

    >>> from mapper.io import read_incidents
    >>> gdf = read_incidents("tests/data/incidents_small.geojson")
    >>> hits = near(gdf, (50.6, 36.6), 40)          # around Belgorod
    >>> hits["location"].tolist(), hits["distance_km"].round(1).tolist()
    (['Shebekino', 'Belgorod'], [31.0, 1.4])
    """
    import math

    import numpy as np
    import shapely
    from pyproj import Geod

    _check_frame(gdf)
    try:
        radius_km = float(radius_km)
    except (TypeError, ValueError):
        raise QueryError(f"radius must be a number of kilometres, not {radius_km!r}") from None
    if not radius_km > 0:
        raise QueryError(f"radius must be a positive number of kilometres, not {radius_km:g}")
    lat, lon, _ = resolve_point(place_or_latlon, gazetteer)
    if len(gdf) == 0:
        return gdf.iloc[0:0].assign(distance_km=np.zeros(0))

    # Spherical bounding box of the circle, padded 1% for the ellipsoid.
    angular = min(radius_km * 1.01 / EARTH_RADIUS_KM, math.pi)
    s, n = lat - math.degrees(angular), lat + math.degrees(angular)
    if s <= -90 or n >= 90:
        boxes = [shapely.box(-180, max(s, -90), 180, min(n, 90))]
    else:
        dlon = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat)))))
        w, e = lon - dlon, lon + dlon
        if dlon >= 180:
            boxes = [shapely.box(-180, s, 180, n)]
        elif w < -180:
            boxes = [shapely.box(w + 360, s, 180, n), shapely.box(-180, s, e, n)]
        elif e > 180:
            boxes = [shapely.box(w, s, 180, n), shapely.box(-180, s, e - 360, n)]
        else:
            boxes = [shapely.box(w, s, e, n)]
    candidates = np.unique(np.concatenate([gdf.sindex.query(b) for b in boxes]))
    points = gdf.geometry.array[candidates]
    x, y = shapely.get_x(points), shapely.get_y(points)
    _, _, metres = Geod(ellps="WGS84").inv(np.full(len(x), lon), np.full(len(y), lat), x, y)
    distance = np.asarray(metres) / 1000.0
    keep = distance <= radius_km
    return gdf.iloc[candidates[keep]].assign(distance_km=distance[keep])


def _as_timestamp(value, name: str, end: bool = False):
    import pandas as pd

    if value is None or value == "":
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return pd.Timestamp(value)
    try:
        stamp = pd.Timestamp(str(value).strip())
    except (ValueError, TypeError):
        raise QueryError(f"{name}: {value!r} is not a date; use YYYY-MM-DD (or YYYY-MM, YYYY)") from None
    if end and re.fullmatch(r"\d{4}", str(value).strip()):          # --until 2024 = end of 2024
        stamp = pd.Timestamp(f"{value}-12-31")
    elif end and re.fullmatch(r"\d{4}-\d{1,2}", str(value).strip()):  # --until 2024-11 = end of November
        stamp = stamp + pd.offsets.MonthEnd(0)
    return stamp


def by_date(gdf, since=None, until=None):
    """Incidents with ``event_date`` between ``since`` and ``until``, both inclusive.

    Dates are ISO strings, ``datetime.date`` or pandas Timestamps; "2024" and "2024-11" stand for
    the whole year or month. Incidents without a date are left out whenever a bound is given.

    >>> from mapper.io import read_incidents
    >>> gdf = read_incidents("tests/data/incidents_small.geojson")
    >>> by_date(gdf, "2024-11-01", "2024-11-18")["event_id_cnty"].tolist()
    ['RUS006', 'UKR004', 'UKR005']
    """
    import pandas as pd

    _check_frame(gdf)
    start, stop = _as_timestamp(since, "since"), _as_timestamp(until, "until", end=True)
    if start is not None and stop is not None and start > stop:
        raise QueryError(f"since ({start.date()}) is after until ({stop.date()})")
    if start is None and stop is None:
        return gdf
    dates = pd.to_datetime(gdf["event_date"], errors="coerce", format="mixed").dt.normalize()
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    mask = dates.notna()
    if start is not None:
        mask &= dates >= start.normalize()
    if stop is not None:
        mask &= dates <= stop.normalize()
    return gdf[mask.to_numpy(dtype=bool)]


def _fold_type(values):
    """Case- and punctuation-insensitive event type keys, vectorized over a Series."""
    return (values.astype("string").str.casefold()
            .str.replace(r"[^\w]+", " ", regex=True).str.strip())


def by_type(gdf, types: str | Iterable[str]):
    """Incidents whose ``event_type`` or ``sub_event_type`` is one of ``types`` (case-insensitive).

    >>> from mapper.io import read_incidents
    >>> gdf = read_incidents("tests/data/incidents_small.geojson")
    >>> by_type(gdf, "battles")["location"].tolist()
    ['Sudzha', 'Vovchansk', 'Pokrovsk']
    >>> len(by_type(gdf, ["air/drone strike", "Armed clash"]))
    6
    """
    import pandas as pd

    _check_frame(gdf)
    if isinstance(types, str):
        types = [types]
    wanted = set(_fold_type(pd.Series([t for t in types if t and str(t).strip()], dtype="string")).tolist())
    if not wanted:
        raise QueryError("give at least one event type")
    mask = pd.Series(False, index=gdf.index)
    for column in ("event_type", "sub_event_type"):
        if column in gdf:
            mask |= _fold_type(gdf[column]).isin(wanted).fillna(False).astype(bool)
    return gdf[mask.to_numpy(dtype=bool)]
