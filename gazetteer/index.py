"""Read-only lookups over a built gazetteer file: by name, by id, by admin code; point -> admin units."""
from __future__ import annotations

import os
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from gazetteer.errors import GazetteerCorruptError, GazetteerNotBuiltError
from gazetteer.normalize import normalize_name
from gazetteer.paths import default_gazetteer_path
from gazetteer.schema import check_gazetteer

__all__ = ["Candidate", "Gazetteer"]

# A town this close to a point shares its admin-2 unit (when the gazetteer links one).
NEAREST_TOWN_KM = 15.0
# Admin feature codes rank above populated places of equal name quality only when asked.
_FEATURE_RANK = {"PCLI": 0, "PPLC": 1, "ADM1": 2, "PPLA": 2, "PPLA2": 3, "PPL": 4, "ADM2": 5}


class Candidate(NamedTuple):
    """One gazetteer feature that a name may refer to (a named tuple: lookups build thousands)."""

    geonameid: int
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country_code: str
    admin1_code: str
    admin1: str
    admin2_code: str
    admin2: str
    population: int
    name_kind: int = 0       # 0 official, 1 alternate, 2 derived form, 3 short form of an admin unit

    @property
    def is_admin(self) -> bool:
        return self.feature_class == "A"

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


_SELECT = """
SELECT p.geonameid, p.name, p.lat, p.lon, p.feature_class, p.feature_code, p.country_code,
       p.admin1_code, p.admin1_name, p.admin2_code, p.admin2_name, p.population, {kind}
FROM {source}
"""
_MMAP_BYTES = 512 * 1024 * 1024     # more than a gazetteer with GeoNames' dumps imported needs

# Common names ("Washington", "San Jose") have hundreds of namesakes; the few hundred most
# likely are plenty for ranking, and reading fewer rows keeps cold lookups fast.
MAX_CANDIDATES = 200
# Unordered: Python sorts the few rows of a name faster than SQLite's sorter starts (a fifth of
# a cold lookup), in the same order (:func:`_most_likely_first`).
_BY_NAME = _SELECT.format(kind="n.name_kind", source="names n JOIN places p ON p.geonameid = n.geonameid") + \
    " WHERE n.norm = ?"
_BY_ID = _SELECT.format(kind="0", source="places p") + " WHERE p.geonameid = ?"


def _most_likely_first(row: tuple) -> tuple:
    """Real names, countries, then not derived forms, then population; ties stay in the order
    the index gives them (by geonameid)."""
    kind = row[12]
    return kind >= 3, row[5] != "PCLI", kind >= 2, -row[11]


def rank_key(c: Candidate) -> tuple:
    """Default order for a bare name: real names before short forms, countries first, then importance."""
    return (c.name_kind >= 3, c.feature_code != "PCLI", c.name_kind >= 2, -c.population,
            _FEATURE_RANK.get(c.feature_code, 4))


def prefer_places_over_their_units(ranked: list[Candidate]) -> list[Candidate]:
    """A city named like the admin unit that contains it (Kyiv, Moscow, Paris) is what a bare
    name means; the unit's summed population would otherwise outrank it."""
    out = list(ranked)
    for i, cand in enumerate(out):
        if cand.feature_class != "A" or cand.feature_code == "PCLI":
            continue
        for j in range(i + 1, len(out)):
            other = out[j]
            if (other.feature_class == "P" and other.country_code == cand.country_code
                    and other.admin1_code == cand.admin1_code and other.name_kind <= cand.name_kind
                    and (cand.feature_code == "ADM1" or other.admin2_code == cand.admin2_code)):
                out.insert(i, out.pop(j))
                break
    return out


class Gazetteer:
    """A read-only handle on a gazetteer file; cheap to open, safe to share across threads."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._check()

    @classmethod
    def open(cls, path: str | os.PathLike | None = None) -> "Gazetteer":
        target = Path(path) if path else default_gazetteer_path()
        if not target.exists():
            raise GazetteerNotBuiltError(
                f"no gazetteer at {target}; build it with `mapper gazetteer build`"
            )
        return cls(target)

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            # Reading the file through a memory map saves a system call and a copy per page:
            # about a tenth more cold lookups a second. Pages are shared between processes.
            conn.execute(f"PRAGMA mmap_size={_MMAP_BYTES}")
            self._local.conn = conn
        return conn

    def _check(self) -> None:
        check_gazetteer(self.conn, self.path)

    def _rows(self, sql: str, args: tuple) -> list[tuple]:
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise GazetteerCorruptError(f"{self.path}: {exc}; rebuild it with `mapper gazetteer build --force`") from exc

    def _query(self, sql: str, args: tuple) -> list[Candidate]:
        return list(map(Candidate._make, self._rows(sql, args)))

    def candidates(self, name: str) -> list[Candidate]:
        """Every feature the name may refer to, unordered. The name is normalized first."""
        key = normalize_name(name)
        if not key:
            return []
        return self._cached_candidates(key)

    @lru_cache(maxsize=65536)
    def _cached_candidates(self, key: str) -> list[Candidate]:
        rows = self._rows(_BY_NAME, (key,))
        if len(rows) > 1:
            rows.sort(key=_most_likely_first)
        return list(map(Candidate._make, rows[:MAX_CANDIDATES]))

    def lookup(self, name: str, limit: int | None = None) -> list[Candidate]:
        """Candidates for a name, most likely first (real names, then importance)."""
        key = normalize_name(name)
        if not key:
            return []
        found = self._ranked(key)
        return list(found[:limit] if limit else found)

    @lru_cache(maxsize=65536)
    def _ranked(self, key: str) -> tuple[Candidate, ...]:
        return tuple(prefer_places_over_their_units(sorted(self._cached_candidates(key), key=rank_key)))

    def has_name(self, name: str) -> bool:
        return bool(self.candidates(name))

    def get(self, geonameid: int) -> Candidate | None:
        found = self._query(_BY_ID, (int(geonameid),))
        return found[0] if found else None

    def country(self, iso2: str) -> Candidate | None:
        row = self.conn.execute("SELECT geonameid FROM countries WHERE iso2 = ? OR iso3 = ?",
                                (iso2.upper(), iso2.upper())).fetchone()
        return self.get(row[0]) if row else None

    def country_name(self, iso2: str) -> str:
        row = self.conn.execute("SELECT name FROM countries WHERE iso2 = ?", (iso2.upper(),)).fetchone()
        return row[0] if row else ""

    def demonym_countries(self) -> dict[str, str]:
        """Normalized demonym ("ukrainian") -> ISO2 country code."""
        out: dict[str, tuple[int, str]] = {}
        rows = self.conn.execute("SELECT c.iso2, c.demonyms, coalesce(p.population, 0) FROM countries c "
                                 "LEFT JOIN places p ON p.geonameid = c.geonameid")
        for iso2, demonyms, population in rows:
            for d in demonyms.split("|"):
                key = normalize_name(d)
                # "American" is also the demonym of American Samoa; the largest country owns it.
                if key and (key not in out or population > out[key][0]):
                    out[key] = (population, iso2)
        return {key: iso2 for key, (_, iso2) in out.items()}

    def admin1(self, code: str) -> Candidate | None:
        """By GeoNames code "CC.A1" or ISO 3166-2 code "CC-XXX"."""
        row = self.conn.execute("SELECT geonameid FROM admin1 WHERE code = ? OR iso_3166_2 = ?",
                                (code, code.upper())).fetchone()
        return self.get(row[0]) if row and row[0] is not None else None

    def admin2(self, code: str) -> Candidate | None:
        row = self.conn.execute("SELECT geonameid FROM admin2 WHERE code = ?", (code,)).fetchone()
        return self.get(row[0]) if row and row[0] is not None else None

    def places_in(self, country_code: str, admin1_code: str | None = None, admin2_code: str | None = None,
                  feature_class: str | None = None, limit: int = 1000) -> list[Candidate]:
        sql = _SELECT.format(kind="0", source="places p") + " WHERE p.country_code = ?"
        args: list[Any] = [country_code]
        for column, value in (("admin1_code", admin1_code), ("admin2_code", admin2_code),
                              ("feature_class", feature_class)):
            if value is not None:
                sql += f" AND p.{column} = ?"
                args.append(value)
        sql += " ORDER BY p.population DESC LIMIT ?"
        args.append(limit)
        return self._query(sql, tuple(args))

    def reverse(self, lat: float, lon: float) -> dict[str, Any] | None:
        """The country, admin-1 and admin-2 units a point lies in, and the nearest place.

        Country and admin-1 come from the shipped boundary polygons; admin-2 (no polygons are
        shipped for it) is the unit of the nearest populated place in the same admin-1.
        """
        from gazetteer.boundaries import Boundaries

        hit = Boundaries.load().reverse(lat, lon)
        if hit is None:
            return None
        out: dict[str, Any] = {**hit, "admin2_code": None, "admin2_name": None, "nearest_place": None,
                               "nearest_place_km": None, "nearest_place_geonameid": None}
        code = hit.get("admin1_code") or ""
        if "." not in code:
            return out
        # The polygon is Natural Earth's unit, which may be smaller than GeoNames' (the Paris
        # department inside Île-de-France); name the GeoNames unit its code stands for.
        row = self.conn.execute("SELECT name, iso_3166_2 FROM admin1 WHERE code = ?", (code,)).fetchone()
        if row and row[0]:
            out["admin1_name"] = row[0]
            out["iso_3166_2"] = row[1] or out.get("iso_3166_2")
        country, admin1 = code.split(".", 1)
        rows = self.conn.execute(
            "SELECT geonameid, name, lat, lon, admin2_code FROM places WHERE country_code = ? AND admin1_code = ? "
            "AND feature_class = 'P'", (country, admin1)).fetchall()
        if not rows:
            return out
        from math import asin, cos, radians, sin, sqrt

        def km(row) -> float:
            p1, p2 = radians(lat), radians(row[2])
            a = sin((p2 - p1) / 2) ** 2 + cos(p1) * cos(p2) * sin(radians(row[3] - lon) / 2) ** 2
            return 2 * 6371.0088 * asin(min(1.0, sqrt(a)))

        nearest = min(rows, key=km)
        out.update(nearest_place=nearest[1], nearest_place_geonameid=nearest[0], nearest_place_km=round(km(nearest), 2))
        if nearest[4] and km(nearest) <= NEAREST_TOWN_KM:
            a2code = f"{country}.{admin1}.{nearest[4]}"
        else:
            # The nearest unit point (its seat town, mostly) stands in for the missing polygons.
            units = self.conn.execute(
                "SELECT geonameid, name, lat, lon, admin2_code FROM places WHERE country_code = ? "
                "AND admin1_code = ? AND feature_code = 'ADM2'", (country, admin1)).fetchall()
            if not units:
                return out
            a2code = f"{country}.{admin1}.{min(units, key=km)[4]}"
        name = self.conn.execute("SELECT name FROM admin2 WHERE code = ?", (a2code,)).fetchone()
        out.update(admin2_code=a2code, admin2_name=name[0] if name else None)
        return out

    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())

    def counts(self) -> dict[str, int]:
        out = {}
        for code, n in self.conn.execute("SELECT feature_class, count(*) FROM places GROUP BY feature_class"):
            out[f"class_{code}"] = n
        out["names"] = self.conn.execute("SELECT count(*) FROM names").fetchone()[0]
        out["imports"] = self.conn.execute("SELECT count(*) FROM imports").fetchone()[0]
        return out

    def names_starting(self, prefix: str, limit: int = 20) -> list[str]:
        """Normalized names starting with ``prefix``, for "did you mean" suggestions."""
        key = normalize_name(prefix)
        rows = self.conn.execute("SELECT DISTINCT norm FROM names WHERE norm >= ? AND norm < ? LIMIT ?",
                                 (key, key + "\uffff", limit))
        return [r[0] for r in rows]
