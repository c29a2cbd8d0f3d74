"""Admin-1 and country polygons and point-in-polygon lookups on them.

The polygons ship with the package as ``gazetteer/data/boundaries.gpkg``
(Natural Earth 10m admin-1, simplified as a coverage; see
``gazetteer/data/README.md``).  This module reads that GeoPackage with the
standard :mod:`sqlite3` module and :func:`shapely.from_wkb` rather than
geopandas/pyogrio, because importing geopandas alone costs far more than the
whole load and reverse geocoding sits on the CLI's startup path.

Examples
--------
>>> b = Boundaries.load()
>>> b.reverse(51.73, 36.19)["iso_3166_2"]
'RU-KRS'
>>> b.reverse(0.0, -30.0) is None
True
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import shapely

from gazetteer.errors import GazetteerCorruptError

__all__ = ["Boundaries", "DEFAULT_PATH", "DEFAULT_MAX_DISTANCE"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "boundaries.gpkg"

#: Degrees; how far off a (simplified) coastline a point may lie and still get
#: the nearest unit.  Simplification moves coasts by a few km, and harbour or
#: beach coordinates often fall just outside them.
DEFAULT_MAX_DISTANCE = 0.1

# Envelope sizes in bytes by the GeoPackage flags' envelope indicator (bits 1-3);
# 5-7 are reserved, i.e. invalid.
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

_ADMIN1_TABLE = "admin1"
_COUNTRY_TABLE = "countries"

_cache: dict[tuple, "Boundaries"] = {}
_cache_lock = threading.Lock()


def _strip_gpkg_header(blob: bytes, where: str) -> bytes:
    """Return the standard WKB inside a GeoPackage geometry blob.

    Parameters
    ----------
    blob : bytes
        ``GP`` magic, version, flags, srs_id, optional envelope, then WKB.
    where : str
        Row description for the error message.

    Returns
    -------
    bytes
        The WKB part.
    """
    if blob is None or len(blob) < 8 or blob[0:2] != b"GP":
        raise GazetteerCorruptError(f"{where}: not a GeoPackage geometry blob")
    flags = blob[3]
    if flags & 0b0010_0000:
        # ExtendedGeoPackageBinary carries a non-standard geometry type that
        # shapely cannot parse; our writer never produces it.
        raise GazetteerCorruptError(f"{where}: extended GeoPackage geometry not supported")
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise GazetteerCorruptError(f"{where}: invalid envelope indicator in GeoPackage header")
    start = 8 + envelope
    if len(blob) <= start:
        raise GazetteerCorruptError(f"{where}: truncated GeoPackage geometry")
    return blob[start:]


def _read_layer(con: sqlite3.Connection, table: str) -> tuple[dict[str, list], list[bytes]]:
    """Read one feature table as column lists plus raw geometry blobs."""
    row = con.execute(
        "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (table,)
    ).fetchone()
    if row is None:
        raise GazetteerCorruptError(f"layer {table!r} missing from gpkg_geometry_columns")
    geom_col = row[0]
    # Order by fid: row i of every column and geometry list is the same feature,
    # and admin1_records() promises the order locate_many() indexes into.
    cur = con.execute(f'SELECT * FROM "{table}" ORDER BY fid')
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    gi = names.index(geom_col)
    blobs = [r[gi] for r in rows]
    columns = {
        name: [r[i] for r in rows]
        for i, name in enumerate(names)
        if i != gi and name != "fid"
    }
    return columns, blobs


def _parse(blobs: list[bytes], table: str) -> np.ndarray:
    wkb = [_strip_gpkg_header(b, f"{table} row {i + 1}") for i, b in enumerate(blobs)]
    try:
        geoms = shapely.from_wkb(wkb, on_invalid="raise")
    except Exception as exc:  # shapely raises GEOSException or ValueError
        raise GazetteerCorruptError(f"{table}: unreadable geometry ({exc})") from exc
    # Prepared geometries make the per-point intersects tests O(log n) instead
    # of O(n) in the number of vertices.
    shapely.prepare(geoms)
    return geoms


class Boundaries:
    """Read-only admin-1 and country polygons with fast point lookups.

    Build instances with :meth:`load`.  Row ``i`` of the admin-1 layer is
    what :meth:`locate_many` returns as index ``i`` and the ``i``-th record
    from :meth:`admin1_records`.

    Attributes
    ----------
    path : Path
        The GeoPackage the data came from.
    """

    _ADMIN1_REQUIRED = ("gn_a1_code", "iso_3166_2", "gn_id", "country_code", "name")
    _COUNTRY_REQUIRED = ("country_code", "iso3", "name")

    def __init__(self, path: Path, admin1: dict[str, list], admin1_blobs: list[bytes],
                 countries: dict[str, list], country_blobs: list[bytes]):
        for cols, required, table in (
            (admin1, self._ADMIN1_REQUIRED, _ADMIN1_TABLE),
            (countries, self._COUNTRY_REQUIRED, _COUNTRY_TABLE),
        ):
            missing = [c for c in required if c not in cols]
            if missing:
                raise GazetteerCorruptError(f"{path}: layer {table!r} lacks columns {missing}")
        self.path = path
        self._admin1 = admin1
        self._countries = countries
        # Geometry parsing is deferred: admin1_records() (the gazetteer build)
        # needs only attributes.
        self._admin1_blobs = admin1_blobs
        self._country_blobs = country_blobs
        self._admin1_geoms: np.ndarray | None = None
        self._country_geoms: np.ndarray | None = None
        self._tree: shapely.STRtree | None = None
        self._neighbours: dict[str, frozenset[str]] | None = None
        self._lock = threading.Lock()
        self._n = len(admin1_blobs)
        # Object arrays so reverse_many can gather codes with one fancy index.
        self._a1_codes = np.array(admin1["gn_a1_code"] + [None], dtype=object)
        self._a1_ccs = np.array(admin1["country_code"] + [None], dtype=object)
        self._country_names = dict(zip(countries["country_code"], countries["name"]))
        self._union_cache: dict[tuple, Any] = {}

    # -- construction -----------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Boundaries":
        """Open a boundaries GeoPackage (default: the one shipped with the package).

        Instances are immutable, so repeated loads of an unchanged file return
        the same cached object; callers may call ``Boundaries.load()`` per
        lookup without paying for it.

        Parameters
        ----------
        path : str or Path, optional
            GeoPackage with ``admin1`` and ``countries`` layers as written by
            ``gazetteer/data/make_boundaries.py``.

        Returns
        -------
        Boundaries

        Raises
        ------
        GazetteerCorruptError
            If the file is missing, not a GeoPackage, or lacks the layers or
            columns this module needs.
        """
        path = Path(path) if path is not None else DEFAULT_PATH
        try:
            st = path.stat()
        except OSError as exc:
            raise GazetteerCorruptError(
                f"boundaries file {path} is missing or unreadable ({exc.strerror}); "
                "reinstall the package or regenerate it with gazetteer/data/make_boundaries.py"
            ) from exc
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
        with _cache_lock:
            hit = _cache.get(key)
        if hit is not None:
            return hit
        obj = cls._read(path)
        with _cache_lock:
            _cache[key] = obj
        return obj

    @classmethod
    def _read(cls, path: Path) -> "Boundaries":
        try:
            # mode=ro: the shipped file may sit in a read-only site-packages.
            con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise GazetteerCorruptError(f"cannot open boundaries file {path}: {exc}") from exc
        try:
            admin1, admin1_blobs = _read_layer(con, _ADMIN1_TABLE)
            countries, country_blobs = _read_layer(con, _COUNTRY_TABLE)
        except sqlite3.Error as exc:
            raise GazetteerCorruptError(
                f"boundaries file {path} is not a readable GeoPackage: {exc}"
            ) from exc
        except GazetteerCorruptError as exc:
            raise GazetteerCorruptError(f"boundaries file {path}: {exc}") from exc
        finally:
            con.close()
        return cls(path, admin1, admin1_blobs, countries, country_blobs)

    # -- lazily built state ---------------------------------------------------

    @property
    def admin1_geometries(self) -> np.ndarray:
        """Array of admin-1 (multi)polygons, in row order."""
        if self._admin1_geoms is None:
            with self._lock:
                if self._admin1_geoms is None:
                    self._admin1_geoms = _parse(self._admin1_blobs, _ADMIN1_TABLE)
        return self._admin1_geoms

    @property
    def country_geometries(self) -> np.ndarray:
        """Array of country (multi)polygons, in row order."""
        if self._country_geoms is None:
            with self._lock:
                if self._country_geoms is None:
                    self._country_geoms = _parse(self._country_blobs, _COUNTRY_TABLE)
        return self._country_geoms

    def _strtree(self) -> shapely.STRtree:
        if self._tree is None:
            geoms = self.admin1_geometries
            with self._lock:
                if self._tree is None:
                    self._tree = shapely.STRtree(geoms)
        return self._tree

    # -- lookups ----------------------------------------------------------------

    def locate_many(self, lats, lons, *, max_distance: float = DEFAULT_MAX_DISTANCE) -> np.ndarray:
        """Admin-1 row index containing each point, ``-1`` where none.

        Parameters
        ----------
        lats, lons : array_like of float
            WGS84 degrees, same shape.  Longitudes are wrapped into
            [-180, 180); NaN coordinates give ``-1``.
        max_distance : float, default 0.1
            Points in no polygon take the nearest one within this many
            degrees; ``0`` disables the fallback.

        Returns
        -------
        numpy.ndarray of int64
            Row indices into the admin-1 layer (see :meth:`admin1_records`).
            A point on a shared edge gets the lowest index, so results do not
            depend on query order.
        """
        lats = np.asarray(lats, dtype=float)
        lons = np.asarray(lons, dtype=float)
        if lats.shape != lons.shape:
            raise ValueError(f"lats and lons differ in shape: {lats.shape} vs {lons.shape}")
        shape = lats.shape
        lats = lats.ravel()
        lons = (lons.ravel() + 180.0) % 360.0 - 180.0
        n = lats.size
        result = np.full(n, self._n, dtype=np.int64)  # _n is "none" until the end
        if n == 0:
            return result.reshape(shape)

        geoms = self.admin1_geometries
        tree = self._strtree()
        points = shapely.points(lons, lats)
        # Bounding-box candidates, then the exact test on prepared polygons:
        # measured ~2x faster than STRtree.query(predicate="intersects"), which
        # prepares the (point) input side instead of the polygons.
        pi, gi = tree.query(points)
        inside = shapely.intersects_xy(geoms[gi], lons[pi], lats[pi])
        np.minimum.at(result, pi[inside], gi[inside])

        if max_distance and max_distance > 0:
            miss = np.flatnonzero((result == self._n) & np.isfinite(lats) & np.isfinite(lons))
            if miss.size:
                self._nearest_within(result, miss, points[miss], lons[miss], lats[miss],
                                     float(max_distance))

        result[result == self._n] = -1
        return result.reshape(shape)

    def _nearest_within(self, result, miss, points, lons, lats, d):
        """Fill ``result[miss]`` with the nearest unit within ``d`` degrees.

        STRtree.query_nearest measured ~7x slower here: it computes exact
        distances to every large coastal polygon near each sea point.  Boxes
        plus prepared ``dwithin`` discard most candidates cheaply, leaving
        exact distances for the few points actually near a coast.
        """
        geoms = self.admin1_geometries
        boxes = shapely.box(lons - d, lats - d, lons + d, lats + d)
        pi, gi = self._strtree().query(boxes)
        near = shapely.dwithin(geoms[gi], points[pi], d)
        pi, gi = pi[near], gi[near]
        if pi.size == 0:
            return
        dist = shapely.distance(geoms[gi], points[pi])
        # Nearest first, lowest row index on ties (the rule used for edges).
        order = np.lexsort((gi, dist, pi))
        pi, gi = pi[order], gi[order]
        first = np.flatnonzero(np.r_[True, pi[1:] != pi[:-1]])
        result[miss[pi[first]]] = gi[first]

    def reverse_many(self, lats, lons, *, max_distance: float = DEFAULT_MAX_DISTANCE
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Admin-1 and country codes for many points at once.

        Parameters
        ----------
        lats, lons : array_like of float
            WGS84 degrees, same shape.
        max_distance : float, default 0.1
            See :meth:`locate_many`.

        Returns
        -------
        admin1_codes : numpy.ndarray of object
            GeoNames admin-1 codes (``"RU.41"``), ``None`` where the point is
            in no unit or the unit has no GeoNames code.
        country_codes : numpy.ndarray of object
            ISO 3166-1 alpha-2 codes, ``None`` where the point is in no unit.

        Examples
        --------
        >>> a1, cc = Boundaries.load().reverse_many([51.73, 50.45, 0.0], [36.19, 30.52, -30.0])
        >>> a1.tolist(), cc.tolist()
        (['RU.41', 'UA.12', None], ['RU', 'UA', None])
        """
        idx = self.locate_many(lats, lons, max_distance=max_distance)
        # Index -1 hits the trailing None sentinel of the code arrays.
        return self._a1_codes[idx], self._a1_ccs[idx]

    def reverse(self, lat: float, lon: float, *, max_distance: float = DEFAULT_MAX_DISTANCE
                ) -> dict | None:
        """The admin-1 unit and country containing a point.

        Parameters
        ----------
        lat, lon : float
            WGS84 degrees.
        max_distance : float, default 0.1
            See :meth:`locate_many`.

        Returns
        -------
        dict or None
            ``country_code``, ``admin1_code`` (GeoNames, ``"RU.41"``),
            ``iso_3166_2`` (``"RU-KRS"``), ``admin1_name`` and
            ``country_name``; any value may be ``None`` where Natural Earth
            has no code.  ``None`` if the point is in no unit (open sea).
        """
        # Same code path as the vectorized call, so the two always agree.
        i = int(self.locate_many([lat], [lon], max_distance=max_distance)[0])
        if i < 0:
            return None
        a = self._admin1
        cc = a["country_code"][i]
        return {
            "country_code": cc,
            "admin1_code": a["gn_a1_code"][i],
            "iso_3166_2": a["iso_3166_2"][i],
            "admin1_name": a["name"][i] or a.get("name_en", [None] * self._n)[i],
            "country_name": self._country_names.get(cc) or a.get("admin", [None] * self._n)[i],
        }

    # -- polygons by key ------------------------------------------------------

    def _rows_for_admin1(self, key) -> tuple[str, list[int]]:
        a = self._admin1
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            column, value = "gn_id", int(key)
        elif isinstance(key, str):
            value = key.strip().upper()
            if value.isdigit():
                column, value = "gn_id", int(value)
            elif "." in value:
                column = "gn_a1_code"
            elif "-" in value:
                rows = [i for i, v in enumerate(a["iso_3166_2"]) if v == value]
                # Not a GeoNames unit's code: perhaps a smaller unit's own (GB-KEN inside GB-ENG).
                if not rows and "ne_iso_3166_2" in a:
                    return "ne_iso_3166_2", [i for i, v in enumerate(a["ne_iso_3166_2"]) if v == value]
                return "iso_3166_2", rows
            else:
                return "", []
        else:
            raise TypeError(f"admin-1 key must be str or int, not {type(key).__name__}")
        return column, [i for i, v in enumerate(a[column]) if v == value]

    def _union(self, kind: str, rows: list[int], geoms: np.ndarray):
        if not rows:
            return None
        if len(rows) == 1:
            return geoms[rows[0]]
        # Some codes span several NE rows (e.g. a province split around a
        # capital district); callers want the whole unit.
        key = (kind, tuple(rows))
        if key not in self._union_cache:
            self._union_cache[key] = shapely.union_all(geoms[rows])
        return self._union_cache[key]

    def admin1_polygon(self, key: str | int):
        """Polygon of an admin-1 unit.

        Parameters
        ----------
        key : str or int
            ISO 3166-2 code (``"RU-KRS"``; a smaller unit's own code such as
            ``"GB-KEN"`` when no GeoNames unit has it), GeoNames admin-1 code
            (``"RU.41"``) or GeoNames feature id (``538555`` or ``"538555"``);
            case-insensitive.

        Returns
        -------
        shapely.Polygon or shapely.MultiPolygon or None
            ``None`` if no unit has that code.  Codes shared by several rows
            give their union.

        Examples
        --------
        >>> b = Boundaries.load()
        >>> b.admin1_polygon("RU-KRS").equals(b.admin1_polygon("RU.41"))
        True
        """
        column, rows = self._rows_for_admin1(key)
        return self._union("admin1:" + column, rows, self.admin1_geometries)

    def country_neighbours(self) -> dict[str, frozenset[str]]:
        """Per ISO2 code, the countries whose territory touches it (land borders; shared edges
        are identical in the simplified coverage, so touching is exact)."""
        if self._neighbours is None:
            geoms = self.country_geometries
            codes = self._countries["country_code"]
            pairs = shapely.STRtree(geoms).query(geoms, predicate="intersects")
            out: dict[str, set[str]] = {}
            for i, j in zip(*pairs.tolist()):
                if codes[i] and codes[j] and codes[i] != codes[j]:
                    out.setdefault(codes[i], set()).add(codes[j])
            self._neighbours = {code: frozenset(n) for code, n in out.items()}
        return self._neighbours

    def country_polygon(self, code: str):
        """Polygon of a country by ISO 3166-1 alpha-2 or alpha-3 code.

        Parameters
        ----------
        code : str
            ``"UA"`` or ``"UKR"``, case-insensitive.

        Returns
        -------
        shapely.Polygon or shapely.MultiPolygon or None
            ``None`` for unknown codes.
        """
        value = code.strip().upper()
        column = {2: "country_code", 3: "iso3"}.get(len(value))
        if column is None:
            return None
        rows = [i for i, v in enumerate(self._countries[column]) if v == value]
        return self._union("country:" + column, rows, self.country_geometries)

    # -- attributes -------------------------------------------------------------

    def admin1_records(self) -> Iterator[dict]:
        """Attribute rows of the admin-1 layer, without geometry, in row order.

        Yields
        ------
        dict
            ``iso_3166_2``, ``gn_id``, ``gn_a1_code``, ``country_code``,
            ``name``, ``name_en``, ``name_alt`` (``|``-separated), ``gn_name``,
            ``woe_name``, ``type``, ``type_en``, ``latitude``/``longitude``
            (Natural Earth label point), ``admin`` (country name as NE has it)
            and whatever other columns the file carries; missing values are
            ``None``.
        """
        names = list(self._admin1)
        cols = [self._admin1[c] for c in names]
        for i in range(self._n):
            yield {name: col[i] for name, col in zip(names, cols)}

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        return f"<Boundaries {self._n} admin-1 units, {len(self._country_blobs)} countries from {self.path}>"
