"""Extending a built gazetteer: GeoNames dumps and the user's own places.

Both imports work on a copy of the gazetteer file and rename it over the original only when
everything was written, so a malformed line, a bad row, a full disk or Ctrl-C leaves the
previous gazetteer intact; readers that have the old file open keep reading the old file.

Each import is recorded in the ``imports`` table; after the embedded sources change and the
file is rebuilt, :func:`gazetteer.build.build_gazetteer` calls :func:`apply` to redo it.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Iterator

from gazetteer.admin_names import admin1_forms, admin2_forms, adjective_roots, strip_type_words
from gazetteer.build import (KIND_ALTERNATE, KIND_DERIVED, KIND_OFFICIAL, KIND_SHORT, GazetteerWriter,
                             _keep_alternate)
from gazetteer.errors import GazetteerError, GazetteerNotBuiltError
from gazetteer.name_forms import news_forms
from gazetteer.normalize import normalize_name
from gazetteer.paths import default_gazetteer_path
from gazetteer.schema import INSERT_PLACE, check_gazetteer, refresh_derived
from gazetteer.sources import geonames_dumps as dumps
from gazetteer.sources.user_places import UserPlaceRow, raise_problems, read_user_places

__all__ = ["import_geonames", "add_user_places", "apply", "USER_ID_BASE"]

log = logging.getLogger(__name__)

SOURCE_TAG = "geonames"
USER_SOURCE_TAG = "user"
# Synthetic ids for user places without a GeoNames id: above GeoNames' range, below the embedded
# build's synthetic ids (9e9).
USER_ID_BASE = 8_000_000_000
USER_ID_SPAN = 999_999_999
BATCH = 10_000
GEONAMES_CLASSES = "AHLPRSTUV"
_COUNTRY_CODES = ("PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR")
_NAMES_UPSERT = ("INSERT INTO names VALUES (?,?,?) ON CONFLICT(norm, geonameid) "
                 "DO UPDATE SET name_kind = min(name_kind, excluded.name_kind)")
_PLACES_UPSERT = (
    f"INSERT {INSERT_PLACE} ON CONFLICT(geonameid) DO UPDATE SET "
    "lat = excluded.lat, lon = excluded.lon, feature_code = excluded.feature_code, "
    "admin2_code = CASE WHEN excluded.admin2_code <> '' THEN excluded.admin2_code ELSE places.admin2_code END"
)


# ---------------------------------------------------------------------------------------------
# Public API


def import_geonames(sources: Iterable[str | os.PathLike] | str, path: str | os.PathLike | None = None,
                    min_population: int = 0, feature_classes: Iterable[str] = ("P", "A"), *,
                    progress: bool | None = None) -> dict[str, Any]:
    """Import GeoNames dump files into the gazetteer at ``path``.

    ``sources`` are local files (``allCountries.zip``, ``RU.zip``/``RU.txt``,
    ``alternateNamesV2.zip``, ``admin1CodesASCII.txt``, ``admin2Codes.txt``, ``countryInfo.txt``)
    or http(s) URLs of them, which are downloaded (to a temporary file) only because they were named.
    Places are filtered by ``feature_classes``; ``min_population`` applies to class P only.

    Returns counts of what was read and written. Raises :class:`GazetteerNotBuiltError` if there
    is no gazetteer yet, :class:`SourceFormatError` (naming file and line) for a malformed file;
    on any error the gazetteer is left as it was.
    """
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    sources = [str(s) for s in sources]
    if not sources:
        raise GazetteerError("name at least one GeoNames file or URL to import")
    options = _options(min_population, feature_classes)
    target = _existing_gazetteer(path)
    show = _stderr_is_tty() if progress is None else progress
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        recorded, files = [], []
        tmp = None
        for i, source in enumerate(sources):
            if dumps.is_url(source):
                tmp = tmp or stack.enter_context(tempfile.TemporaryDirectory(prefix=".mapper-download-",
                                                                             dir=target.parent))
                files.append(dumps.download(source, Path(tmp) / str(i)))
                recorded.append(source)
            else:
                local = Path(source).expanduser().resolve()
                files.append(local)
                recorded.append(str(local))
        found = [dumps.detect(f) for f in files]
        with _updating(target) as conn:
            stats = _import_dumps(conn, found, options, show)
            _record(conn, "geonames", {"sources": recorded, **options})
    stats["files"] = {str(d.path): d.kind for d in found}
    stats["path"] = str(target)
    stats["seconds"] = round(time.perf_counter() - started, 2)
    return stats


def add_user_places(file: str | os.PathLike, path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Add the places in a CSV or GeoJSON file to the gazetteer at ``path``.

    Every row is checked (name, coordinates, type, country and admin1 resolvable) before anything
    is written; any bad row rejects the whole file with a :class:`SourceFormatError` naming the rows.
    """
    target = _existing_gazetteer(path)
    source = Path(file).expanduser().resolve()
    rows = read_user_places(source)
    with _updating(target) as conn:
        places = _resolve_user_places(conn, rows, source)
        names = _write_user_places(conn, places)
        _record(conn, "user", {"file": str(source), "places": places})
    return {"path": str(target), "file": str(source), "places": len(places), "names": names,
            "geonameids": [p["geonameid"] for p in places]}


def apply(conn: sqlite3.Connection, kind: str, args: dict[str, Any] | str) -> dict[str, Any]:
    """Redo a recorded import on an open connection (used after a rebuild).

    Neither commits, records the import again, nor refreshes the derived tables
    (:func:`gazetteer.schema.refresh_derived`, seconds each time): the caller does, once after
    all its imports. When the connection has a rollback journal, a failing import is undone
    before the error propagates.
    """
    if isinstance(args, str):
        args = json.loads(args)
    if kind not in ("geonames", "user"):
        raise GazetteerError(f"unknown import kind {kind!r}")
    with _savepoint(conn):
        return _apply_geonames(conn, args) if kind == "geonames" else _apply_user(conn, args)


# ---------------------------------------------------------------------------------------------
# The gazetteer file: checks, copy-and-rename, the imports table


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _existing_gazetteer(path: str | os.PathLike | None) -> Path:
    target = Path(path).expanduser() if path else default_gazetteer_path()
    if not target.exists():
        hint = f" --path {target}" if path else ""
        raise GazetteerNotBuiltError(
            f"no gazetteer at {target}; build it first with `mapper gazetteer build{hint}`, then import"
        )
    if target.is_dir():
        raise GazetteerError(f"{target} is a directory, not a gazetteer file")
    return target.resolve()  # a symlink's target is what gets replaced


@contextlib.contextmanager
def _import_lock(target: Path) -> Iterator[None]:
    """Serialise imports into one file (two would each rename their copy over the other's)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    while True:
        fd = os.open(target, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(f"waiting for another import into {target} to finish ...", file=sys.stderr, flush=True)
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                current = os.fstat(fd).st_ino == os.stat(target).st_ino
            except FileNotFoundError:
                current = False
        except BaseException:
            os.close(fd)
            raise
        if current:
            break
        os.close(fd)  # the other import replaced the file: lock the new one
    try:
        yield
    finally:
        os.close(fd)


def _fsync(path: Path, directory: bool = False) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on directories
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _updating(target: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a working copy of ``target`` in one transaction; renamed over ``target``
    on success, deleted on any error."""
    with _import_lock(target):
        work = target.with_name(f"{target.name}.import-{os.getpid()}")
        work.unlink(missing_ok=True)
        try:
            shutil.copyfile(target, work)
            shutil.copymode(target, work)
            conn = sqlite3.connect(work)
            try:
                check_gazetteer(conn, target)
                # No journal: on failure the whole copy is thrown away.
                conn.execute("PRAGMA journal_mode=OFF")
                conn.execute("PRAGMA synchronous=OFF")
                conn.execute("PRAGMA cache_size=-131072")  # 128 MB: names go in out of order
                conn.execute("BEGIN")
                yield conn
                refresh_derived(conn)
                conn.commit()
            finally:
                conn.close()
            _fsync(work)
            os.replace(work, target)
            _fsync(target.parent, directory=True)
        except sqlite3.Error as exc:
            work.unlink(missing_ok=True)
            raise GazetteerError(f"could not update {target}: {exc}; the gazetteer is unchanged") from exc
        except BaseException:
            work.unlink(missing_ok=True)
            raise


@contextlib.contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    if not conn.in_transaction:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0].lower()
        if mode == "off":
            # The build writes without a journal; a failed replay must be undoable, not half-applied.
            conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("BEGIN")
    elif conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "off":
        yield  # inside someone else's journal-less transaction: nothing can be rolled back
        return
    conn.execute("SAVEPOINT gazetteer_import")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO gazetteer_import")
        conn.execute("RELEASE gazetteer_import")
        raise
    conn.execute("RELEASE gazetteer_import")


def _record(conn: sqlite3.Connection, kind: str, args: dict[str, Any]) -> None:
    """Remember an import for replay; the same import done again replaces its earlier record."""
    text = json.dumps(args, sort_keys=True, ensure_ascii=False)
    stale = []
    for row_id, old_kind, old_args in conn.execute("SELECT id, kind, args FROM imports"):
        if old_kind != kind:
            continue
        try:
            old = json.loads(old_args)
        except ValueError:
            continue
        if old == args or (kind == "user" and old.get("file") == args.get("file")):
            stale.append((row_id,))
    conn.executemany("DELETE FROM imports WHERE id = ?", stale)
    conn.execute("INSERT INTO imports (kind, args, at) VALUES (?, ?, ?)",
                 (kind, text, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")))


# ---------------------------------------------------------------------------------------------
# Names


def _is_latin(name: str) -> bool:
    return all(ch.isascii() or "LATIN" in unicodedata.name(ch, "") for ch in name if ch.isalpha())


def _name_rows(geonameid: int, names: dict[str, int]) -> list[tuple[str, int, int]]:
    best: dict[str, int] = {}
    for name, kind in names.items():
        key = normalize_name(name)
        if key and (key not in best or kind < best[key]):
            best[key] = kind
    return [(key, geonameid, kind) for key, kind in best.items()]


def _admin_derived(level: int, official: str, names: Iterable[str]) -> dict[str, int]:
    """News forms of an admin unit's names, as the embedded build makes them:
    "Fatezhskiy Rayon" -> "Fatezh District" (derived); for admin-1 also "Kursk" (short)."""
    latin = {n.strip() for n in {official, *names} if n and n.strip() and _is_latin(n)}
    out: dict[str, int] = {}
    if not latin:
        return out
    if level == 2:
        return {form: KIND_DERIVED for form in admin2_forms(latin)}
    types: list[str] = []
    stems = set()
    for name in latin:
        stem = strip_type_words(name)
        stems.add(stem)
        if stem != name:
            rest = " ".join(name.replace(stem, " ", 1).split())
            if rest and rest.lower() not in (t.lower() for t in types):
                types.append(rest)
    roots = {r for stem in stems for r in adjective_roots(stem)}
    for form in admin1_forms(latin | roots, strip_type_words(official), tuple(types)):
        out[form] = KIND_DERIVED
    for stem in stems:
        out.setdefault(stem, KIND_SHORT)
    return out


# ---------------------------------------------------------------------------------------------
# GeoNames dumps


def _options(min_population: Any, feature_classes: Iterable[str] | str | None) -> dict[str, Any]:
    if isinstance(feature_classes, str):
        feature_classes = [feature_classes]
    classes: list[str] = []
    for item in feature_classes or ():
        for cls in str(item).replace(",", " ").split():
            cls = cls.upper()
            if len(cls) != 1 or cls not in GEONAMES_CLASSES:
                raise GazetteerError(f"unknown GeoNames feature class {cls!r}; the classes are "
                                     f"{', '.join(GEONAMES_CLASSES)}")
            classes.append(cls)
    if not classes:
        raise GazetteerError("no feature classes to import; give at least one, e.g. P")
    try:
        min_pop = int(min_population or 0)
    except (TypeError, ValueError):
        raise GazetteerError(f"minimum population {min_population!r} is not a whole number") from None
    if min_pop < 0:
        raise GazetteerError(f"minimum population {min_pop} is negative")
    return {"min_population": min_pop, "feature_classes": sorted(set(classes))}


def _apply_geonames(conn: sqlite3.Connection, args: dict[str, Any]) -> dict[str, Any]:
    sources = [str(s) for s in args.get("sources") or []]
    urls = [s for s in sources if dumps.is_url(s)]
    if urls:
        raise GazetteerError(
            f"{', '.join(urls)} was downloaded for an earlier import and is not fetched again implicitly; "
            f"import it again with `mapper gazetteer import-geonames {' '.join(sources)}`"
        )
    options = _options(args.get("min_population", 0), args.get("feature_classes") or ("P", "A"))
    found = [dumps.detect(s) for s in sources]
    return _import_dumps(conn, found, options, progress=False)


def _count_places(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM places").fetchone()[0]


def _import_dumps(conn: sqlite3.Connection, found: list[dumps.DumpFile], options: dict[str, Any],
                  progress: bool) -> dict[str, Any]:
    stats = {"lines": 0, "places": 0, "new_places": 0, "skipped": 0, "names": 0, "alternate_names": 0,
             "admin1": 0, "admin2": 0, "countries": 0}
    before = _count_places(conn)
    admin_codes: dict[str, dumps.AdminCodeRow] = {}
    for dump in sorted(found, key=lambda d: dumps.KIND_ORDER[d.kind]):
        if dump.kind == dumps.COUNTRY_INFO:
            stats["countries"] += _import_countries(conn, dumps.read_country_info(dump))
        elif dump.kind in (dumps.ADMIN1_CODES, dumps.ADMIN2_CODES):
            rows = dumps.read_admin_codes(dump)
            admin_codes.update((r.code, r) for r in rows)
            level = 1 if dump.kind == dumps.ADMIN1_CODES else 2
            stats[f"admin{level}"] += _import_admin_codes(conn, rows, level)
        elif dump.kind == dumps.GEONAMES:
            _import_geoname_table(conn, dump, options, admin_codes, stats, progress)
        else:
            _import_alternate_names(conn, dump, stats, progress)
    stats["new_places"] = _count_places(conn) - before
    return stats


def _with_progress(rows, dump: dumps.DumpFile, progress: bool):
    if not progress:
        return rows
    from tqdm import tqdm

    return tqdm(rows, desc=dump.path.name, unit=" rows", file=sys.stderr, leave=False, mininterval=0.5)


def _import_geoname_table(conn: sqlite3.Connection, dump: dumps.DumpFile, options: dict[str, Any],
                          admin_codes: dict[str, dumps.AdminCodeRow], stats: dict[str, Any], progress: bool) -> None:
    classes = set(options["feature_classes"])
    min_pop = options["min_population"]
    place_rows: list[tuple] = []
    name_rows: list[tuple] = []
    admin_units: list[tuple[dumps.GeonameRow, set[str]]] = []

    def flush() -> None:
        conn.executemany(_PLACES_UPSERT, place_rows)
        conn.executemany(_NAMES_UPSERT, name_rows)
        stats["places"] += len(place_rows)
        stats["names"] += len(name_rows)
        place_rows.clear()
        name_rows.clear()

    for row in _with_progress(dumps.iter_geonames(dump), dump, progress):
        stats["lines"] += 1
        if row.feature_class not in classes or (row.feature_class == "P" and row.population < min_pop):
            stats["skipped"] += 1
            continue
        names = {row.name: KIND_OFFICIAL}
        for alt in (row.asciiname, *row.alternatenames):
            if alt and _keep_alternate(alt):
                names.setdefault(alt.strip(), KIND_ALTERNATE)
        if row.feature_class == "P":
            for form in news_forms([normalize_name(n) for n in names], row.country_code):
                names.setdefault(form, KIND_DERIVED)
        place_rows.append((row.geonameid, row.name, row.lat, row.lon, row.feature_class, row.feature_code,
                           row.country_code, row.admin1_code, row.admin2_code, row.population, SOURCE_TAG))
        name_rows.extend(_name_rows(row.geonameid, names))
        if row.feature_class == "A" and row.feature_code in ("ADM1", "ADM2") and row.country_code and row.admin1_code \
                and (row.feature_code == "ADM1" or row.admin2_code):
            admin_units.append((row, set(names)))
        if len(place_rows) >= BATCH:
            flush()
    flush()

    # Admin units, after their rows are in: admin1/admin2 tables and the forms news use.
    writer = GazetteerWriter(conn, SOURCE_TAG)
    for row, names in admin_units:
        level = 1 if row.feature_code == "ADM1" else 2
        code = f"{row.country_code}.{row.admin1_code}" + (f".{row.admin2_code}" if level == 2 else "")
        listed = admin_codes.get(code)
        extra = {listed.name, listed.asciiname} - {""} if listed else set()
        derived = _admin_derived(level, row.name, names | extra)
        writer.add_names(row.geonameid, {**{n: KIND_ALTERNATE for n in extra}, **derived})
        stats["names"] += len(derived)
        if _point_admin_table(conn, level, code, row.geonameid, listed.name if listed else row.name):
            stats[f"admin{level}"] += 1


def _point_admin_table(conn: sqlite3.Connection, level: int, code: str, geonameid: int | None, name: str) -> bool:
    """Make the admin table's row for ``code`` point at ``geonameid``; True if the row is new.

    Existing rows keep their name (the embedded build picks the English form news use); a
    different unit place of the same code, as the embedded build may have made, is merged in."""
    table = "admin1" if level == 1 else "admin2"
    row = conn.execute(f"SELECT geonameid FROM {table} WHERE code = ?", (code,)).fetchone()
    if row is None:
        if level == 1:
            conn.execute("INSERT INTO admin1 (code, geonameid, name, iso_3166_2) VALUES (?,?,?,NULL)",
                         (code, geonameid, name))
        else:
            conn.execute("INSERT INTO admin2 (code, geonameid, name) VALUES (?,?,?)", (code, geonameid, name))
        return True
    if geonameid is not None and row[0] != geonameid:
        if row[0] is not None:
            _merge_unit(conn, row[0], geonameid, level, code)
        conn.execute(f"UPDATE {table} SET geonameid = ? WHERE code = ?", (geonameid, code))
    return False


def _merge_unit(conn: sqlite3.Connection, old: int, new: int, level: int, code: str) -> None:
    """Fold the place ``old`` (made by the embedded build or a user) into ``new`` from the dump,
    when both are the admin unit ``code``."""
    found = conn.execute("SELECT feature_code, country_code, admin1_code, admin2_code, source FROM places "
                         "WHERE geonameid = ?", (old,)).fetchone()
    if found is None or found[4] == SOURCE_TAG:
        return  # two dump features claiming one code are both kept
    parts = code.split(".")
    same = found[0] == f"ADM{level}" and list(found[1:1 + level + 1]) == parts
    if not same:
        return
    conn.execute("INSERT INTO names (norm, geonameid, name_kind) SELECT norm, ?, name_kind FROM names "
                 "WHERE geonameid = ? ON CONFLICT(norm, geonameid) DO UPDATE SET "
                 "name_kind = min(name_kind, excluded.name_kind)", (new, old))
    conn.execute("DELETE FROM names WHERE geonameid = ?", (old,))
    conn.execute("DELETE FROM places WHERE geonameid = ?", (old,))


def _place_exists(conn: sqlite3.Connection, geonameid: int | None) -> bool:
    return geonameid is not None and conn.execute(
        "SELECT 1 FROM places WHERE geonameid = ?", (geonameid,)).fetchone() is not None


def _import_admin_codes(conn: sqlite3.Connection, rows: list[dumps.AdminCodeRow], level: int) -> int:
    """admin1CodesASCII / admin2Codes: fill the admin tables, and name the unit places we have."""
    table = "admin1" if level == 1 else "admin2"
    writer = GazetteerWriter(conn, SOURCE_TAG)
    added = 0
    for r in rows:
        existing = conn.execute(f"SELECT geonameid FROM {table} WHERE code = ?", (r.code,)).fetchone()
        has_place = _place_exists(conn, r.geonameid)
        if existing is None or has_place or existing[0] is None:
            added += _point_admin_table(conn, level, r.code, r.geonameid, r.name)
        target = r.geonameid if has_place else (existing[0] if existing and _place_exists(conn, existing[0]) else None)
        if target is None:
            continue
        official = conn.execute("SELECT name FROM places WHERE geonameid = ?", (target,)).fetchone()[0]
        listed = {r.name, r.asciiname} - {""}
        writer.add_names(target, {**{n: KIND_ALTERNATE for n in listed}, **_admin_derived(level, official, listed)})
    return added


def _import_countries(conn: sqlite3.Connection, rows: list[dumps.CountryInfoRow]) -> int:
    """countryInfo.txt: countries the gazetteer lacks, and missing ISO3 codes and ids."""
    writer = GazetteerWriter(conn, SOURCE_TAG)
    for r in rows:
        conn.execute(
            "INSERT INTO countries (iso2, iso3, geonameid, name, demonyms) VALUES (?,?,?,?,'') "
            "ON CONFLICT(iso2) DO UPDATE SET iso3 = coalesce(nullif(countries.iso3, ''), excluded.iso3), "
            "geonameid = coalesce(countries.geonameid, excluded.geonameid)",
            (r.iso2, r.iso3, r.geonameid, r.name))
        if _place_exists(conn, r.geonameid):
            writer.add_names(r.geonameid, {r.name: KIND_ALTERNATE})
    return len(rows)


def _import_alternate_names(conn: sqlite3.Connection, dump: dumps.DumpFile, stats: dict[str, Any],
                            progress: bool) -> None:
    """alternateNamesV2: names for places the gazetteer has (others are skipped in SQL)."""
    admin_levels = {gid: (1 if code == "ADM1" else 2) for gid, code in conn.execute(
        "SELECT geonameid, feature_code FROM places WHERE feature_class = 'A' AND feature_code IN ('ADM1', 'ADM2')")}
    admin_extra: dict[int, set[str]] = defaultdict(set)
    sql = ("INSERT INTO names (norm, geonameid, name_kind) SELECT ?, ?, ? "
           "WHERE EXISTS (SELECT 1 FROM places WHERE geonameid = ?) "
           "ON CONFLICT(norm, geonameid) DO UPDATE SET name_kind = min(name_kind, excluded.name_kind)")
    batch: list[tuple] = []

    def flush() -> None:
        changes = conn.total_changes
        conn.executemany(sql, batch)
        stats["alternate_names"] += conn.total_changes - changes
        batch.clear()

    for row in _with_progress(dumps.iter_alternate_names(dump), dump, progress):
        stats["lines"] += 1
        if not _keep_alternate(row.name):
            continue
        key = normalize_name(row.name)
        if not key:
            continue
        batch.append((key, row.geonameid, KIND_ALTERNATE, row.geonameid))
        if row.geonameid in admin_levels and row.language in ("", "en"):
            admin_extra[row.geonameid].add(row.name)
        if len(batch) >= BATCH:
            flush()
    flush()
    writer = GazetteerWriter(conn, SOURCE_TAG)
    for gid, extra in admin_extra.items():
        official = conn.execute("SELECT name FROM places WHERE geonameid = ?", (gid,)).fetchone()[0]
        writer.add_names(gid, _admin_derived(admin_levels[gid], official, extra))


# ---------------------------------------------------------------------------------------------
# User places


def _apply_user(conn: sqlite3.Connection, args: dict[str, Any]) -> dict[str, Any]:
    places = args.get("places")
    if places is None:  # a record without the resolved rows: read the file again
        source = Path(args["file"])
        places = _resolve_user_places(conn, read_user_places(source), source)
    names = _write_user_places(conn, places)
    return {"places": len(places), "names": names}


def _resolve_user_places(conn: sqlite3.Connection, rows: list[UserPlaceRow], source: Path) -> list[dict[str, Any]]:
    resolver = _Resolver(conn)
    problems: list[str] = []
    assigned: dict[tuple, int] = {}
    used = {r.geonameid for r in rows if r.geonameid}
    out = []
    for row in rows:
        errors: list[str] = []
        cc = resolver.country(row.country, errors)
        a1: str | None = ""
        a2 = ""
        if (row.admin1 or row.admin2) and not row.country:
            errors.append(f"{'admin1' if row.admin1 else 'admin2'} is given without a country")
        elif cc:
            if row.admin1:
                a1 = resolver.admin1(cc, row.admin1, errors)
            if row.admin2 and a1 is not None:
                a1, a2 = resolver.admin2(cc, a1, row.admin2, errors)
        if errors:
            problems.extend(f"{row.where}: {e}" for e in errors)
            continue
        gid = row.geonameid or _user_id(conn, row, assigned, used)
        out.append({"geonameid": gid, "name": row.name, "alternate_names": row.alternate_names, "lat": row.lat,
                    "lon": row.lon, "feature_class": row.feature_class, "feature_code": row.feature_code,
                    "country_code": cc or "", "admin1_code": a1 or "", "admin2_code": a2 or "",
                    "population": row.population})
    if problems:
        raise_problems(source, problems)
    return out


def _user_id(conn: sqlite3.Connection, row: UserPlaceRow, assigned: dict[tuple, int], used: set[int]) -> int:
    """A stable id from name and point: the same place added again keeps its id; collisions probe on."""
    key = (normalize_name(row.name), round(row.lat, 6), round(row.lon, 6))
    if key in assigned:
        return assigned[key]
    digest = hashlib.sha1(f"{key[0]}|{key[1]:.6f}|{key[2]:.6f}".encode()).digest()
    offset = int.from_bytes(digest[:8], "big") % USER_ID_SPAN
    for step in range(USER_ID_SPAN):
        gid = USER_ID_BASE + (offset + step) % USER_ID_SPAN
        if gid in used:
            continue
        found = conn.execute("SELECT name, lat, lon, source FROM places WHERE geonameid = ?", (gid,)).fetchone()
        if found is None or (found[3] == USER_SOURCE_TAG
                             and (normalize_name(found[0]), round(found[1], 6), round(found[2], 6)) == key):
            break
    assigned[key] = gid
    used.add(gid)
    return gid


class _Resolver:
    """Country and admin names or codes in a user file -> GeoNames codes, via the gazetteer."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.countries = {iso2: (iso3 or "", name) for iso2, iso3, name in
                          conn.execute("SELECT iso2, iso3, name FROM countries")}

    def country(self, value: str, errors: list[str]) -> str | None:
        if not value:
            return ""
        text = value.strip()
        up = text.upper()
        if len(up) == 2 and up.isalpha():
            if self.countries and up not in self.countries:
                errors.append(f"unknown country code {text!r}")
                return None
            return up
        if len(up) == 3 and up.isalpha():
            for iso2, (iso3, _) in self.countries.items():
                if iso3.upper() == up:
                    return iso2
        key = normalize_name(text)
        for iso2, (_, name) in self.countries.items():
            if normalize_name(name) == key:
                return iso2
        codes = {r[0] for r in self.conn.execute(
            f"SELECT DISTINCT p.country_code FROM names n JOIN places p ON p.geonameid = n.geonameid "
            f"WHERE n.norm = ? AND p.feature_code IN ({','.join('?' * len(_COUNTRY_CODES))}) AND p.country_code <> ''",
            (key, *_COUNTRY_CODES))}
        if len(codes) == 1:
            return codes.pop()
        errors.append(f"unknown country {text!r} (give an ISO 3166 code such as RU, or a country name the "
                      "gazetteer knows)")
        return None

    def _unit_by_name(self, feature_code: str, key: str, cc: str, a1: str | None) -> list[tuple]:
        sql = ("SELECT n.name_kind, p.admin1_code, p.admin2_code FROM names n JOIN places p ON p.geonameid = n.geonameid "
               "WHERE n.norm = ? AND p.feature_code = ? AND p.country_code = ?")
        args: list[Any] = [key, feature_code, cc]
        if a1:
            sql += " AND p.admin1_code = ?"
            args.append(a1)
        rows = self.conn.execute(sql, args).fetchall()
        if not rows:
            return []
        best = min(r[0] for r in rows)
        return sorted({(r[1], r[2]) for r in rows if r[0] == best})

    def admin1(self, cc: str, value: str, errors: list[str]) -> str | None:
        if not cc:
            return None
        text = value.strip()
        code = text.split(".", 1)[1] if text.upper().startswith(cc + ".") else text
        if self.conn.execute("SELECT 1 FROM admin1 WHERE code = ?", (f"{cc}.{code}",)).fetchone():
            return code
        row = self.conn.execute("SELECT code FROM admin1 WHERE iso_3166_2 = ? AND code LIKE ?",
                                (text.upper(), cc + ".%")).fetchone()
        if row:
            return row[0].split(".", 1)[1]
        key = normalize_name(text)
        named = {c.split(".", 1)[1] for c, name in self.conn.execute(
            "SELECT code, name FROM admin1 WHERE code LIKE ?", (cc + ".%",)) if normalize_name(name) == key}
        if len(named) == 1:
            return named.pop()
        units = self._unit_by_name("ADM1", key, cc, None)
        if len(units) == 1:
            return units[0][0]
        if len(units) > 1 or len(named) > 1:
            errors.append(f"admin1 {text!r} is ambiguous in {cc}; give its GeoNames code")
            return None
        known = self.conn.execute("SELECT 1 FROM admin1 WHERE code LIKE ? LIMIT 1", (cc + ".%",)).fetchone()
        if not known and code.isalnum() and len(code) <= 3:
            return code  # no admin1 data for this country to check against: take the code as given
        errors.append(f"unknown admin1 {text!r} in {cc} (give a name the gazetteer knows or a GeoNames code "
                      "such as 41)")
        return None

    def admin2(self, cc: str, a1: str, value: str, errors: list[str]) -> tuple[str | None, str]:
        text = value.strip()
        prefix = f"{cc}.{a1}." if a1 else f"{cc}.%."
        for (code,) in self.conn.execute("SELECT code FROM admin2 WHERE code LIKE ?", (prefix + "%",)):
            _, c1, c2 = code.split(".")
            if text in (code, c2, f"{c1}.{c2}"):
                return c1, c2
        key = normalize_name(text)
        named = {tuple(c.split(".")[1:]) for c, name in self.conn.execute(
            "SELECT code, name FROM admin2 WHERE code LIKE ?", (prefix + "%",)) if normalize_name(name) == key}
        if len(named) == 1:
            return named.pop()
        units = [u for u in self._unit_by_name("ADM2", key, cc, a1 or None) if u[1]]
        if len(units) == 1:
            return units[0]
        if len(units) > 1 or len(named) > 1:
            errors.append(f"admin2 {text!r} is ambiguous in {cc}; give its GeoNames code")
        else:
            errors.append(f"unknown admin2 {text!r} in {cc}{'.' + a1 if a1 else ''}")
        return a1, ""


def _write_user_places(conn: sqlite3.Connection, places: list[dict[str, Any]]) -> int:
    writer = GazetteerWriter(conn, USER_SOURCE_TAG)
    written = 0
    for p in places:
        names = {a: KIND_ALTERNATE for a in p.get("alternate_names") or [] if a.strip()}
        if p["feature_class"] == "A" and p["feature_code"] in ("ADM1", "ADM2"):
            level = 1 if p["feature_code"] == "ADM1" else 2
            for form, kind in _admin_derived(level, p["name"], set(names)).items():
                names.setdefault(form, kind)
        writer.add_place(geonameid=int(p["geonameid"]), name=p["name"], lat=float(p["lat"]), lon=float(p["lon"]),
                         feature_class=p["feature_class"], feature_code=p["feature_code"],
                         country_code=p.get("country_code", ""), admin1_code=p.get("admin1_code", ""),
                         admin2_code=p.get("admin2_code", ""), population=int(p.get("population") or 0),
                         names=names, replace=True)
        written += len(names) + 1
    return written
