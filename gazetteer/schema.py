"""The SQLite schema every gazetteer source writes into.

A single file keeps the gazetteer portable: copy it to a cluster node and lookups work.
"""
from __future__ import annotations

import sqlite3
import zlib

SCHEMA_VERSION = 3

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Every feature that can answer a query: populated places, admin units, countries.
CREATE TABLE IF NOT EXISTS places (
    geonameid     INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    lat           REAL NOT NULL,
    lon           REAL NOT NULL,
    feature_class TEXT NOT NULL,
    feature_code  TEXT NOT NULL,
    country_code  TEXT NOT NULL DEFAULT '',
    admin1_code   TEXT NOT NULL DEFAULT '',
    admin2_code   TEXT NOT NULL DEFAULT '',
    population    INTEGER NOT NULL DEFAULT 0,
    source        TEXT NOT NULL,
    -- Copies of the admin units' names (fill_admin_names), so that a lookup reads one row per
    -- candidate instead of joining two tables for each: half again as many lookups a second.
    admin1_name   TEXT NOT NULL DEFAULT '',
    admin2_name   TEXT NOT NULL DEFAULT ''
);

-- name_kind ranks how a name relates to a place: 0 official, 1 alternate, 2 derived form
-- (e.g. "Fatezh District" made from "Fatezhskiy Rayon"), 3 short form of an admin unit
-- ("Kursk" for Kursk Oblast) that should lose to a real place of that name.
CREATE TABLE IF NOT EXISTS names (
    norm      TEXT NOT NULL,
    geonameid INTEGER NOT NULL,
    name_kind INTEGER NOT NULL,
    PRIMARY KEY (norm, geonameid)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS admin1 (
    code       TEXT PRIMARY KEY,   -- GeoNames "CC.A1"
    geonameid  INTEGER,
    name       TEXT NOT NULL,
    iso_3166_2 TEXT
);

CREATE TABLE IF NOT EXISTS admin2 (
    code      TEXT PRIMARY KEY,    -- GeoNames "CC.A1.A2"
    geonameid INTEGER,
    name      TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS countries (
    iso2       TEXT PRIMARY KEY,
    iso3       TEXT,
    geonameid  INTEGER,
    name       TEXT NOT NULL,
    demonyms   TEXT NOT NULL DEFAULT ''   -- '|'-separated
);

-- The names a text matcher looks for, ready to load (fill_name_index): reading 1.3 million
-- distinct names out of the names table took a matcher 3-5 s at every start. Parts: 'names',
-- and 'first_words:N' (first words whose longest name has N words); newline-joined, zlib.
CREATE TABLE IF NOT EXISTS name_index (
    part TEXT PRIMARY KEY,
    data BLOB NOT NULL
);

-- User and dump imports, replayed when the embedded sources change and the file is rebuilt.
CREATE TABLE IF NOT EXISTS imports (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT NOT NULL,
    args    TEXT NOT NULL,              -- JSON
    at      TEXT NOT NULL
);
"""

INDEXES = """
CREATE INDEX IF NOT EXISTS names_by_id ON names (geonameid);
CREATE INDEX IF NOT EXISTS places_by_admin ON places (country_code, admin1_code, admin2_code);
CREATE INDEX IF NOT EXISTS places_by_code ON places (feature_code);
CREATE INDEX IF NOT EXISTS admin1_by_iso ON admin1 (iso_3166_2);
"""


def create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(DDL)


def create_indexes(conn: sqlite3.Connection) -> None:
    conn.executescript(INDEXES)


# What writers supply; the admin names are filled in afterwards.
PLACE_COLUMNS = ("geonameid, name, lat, lon, feature_class, feature_code, country_code, admin1_code, "
                 "admin2_code, population, source")
INSERT_PLACE = f"INTO places ({PLACE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)"


def refresh_derived(conn: sqlite3.Connection) -> None:
    """Recompute what is copied or indexed from the tables; run after any write."""
    fill_admin_names(conn)
    fill_name_index(conn)


def fill_admin_names(conn: sqlite3.Connection) -> None:
    """Copy each place's admin-1 and admin-2 names from their tables."""
    conn.execute("UPDATE places SET admin1_name = coalesce((SELECT a.name FROM admin1 a "
                 "WHERE a.code = places.country_code || '.' || places.admin1_code), '')")
    conn.execute("UPDATE places SET admin2_name = coalesce((SELECT a.name FROM admin2 a WHERE a.code = "
                 "places.country_code || '.' || places.admin1_code || '.' || places.admin2_code), '')")


# Names a text matcher looks for: every name but the short forms of admin-2 units ("Fatezh" for
# Fatezhskiy Rayon), which are only read where a unit word follows them.
MATCHER_NAMES_SQL = ("SELECT DISTINCT norm FROM names WHERE name_kind < 3 OR geonameid IN "
                     "(SELECT geonameid FROM places WHERE feature_code IN ('ADM1','PCLI'))")


def fill_name_index(conn: sqlite3.Connection) -> None:
    names = sorted(row[0] for row in conn.execute(MATCHER_NAMES_SQL))
    longest: dict[str, int] = {}
    for name in names:
        words = name.split(" ")
        if longest.get(words[0], 0) < len(words):
            longest[words[0]] = len(words)
    by_length: dict[int, list[str]] = {}
    for word, length in longest.items():
        by_length.setdefault(length, []).append(word)
    parts = {"names": names, **{f"first_words:{n}": words for n, words in by_length.items()}}
    conn.execute("DELETE FROM name_index")
    conn.executemany("INSERT INTO name_index VALUES (?, ?)",
                     [(part, zlib.compress("\n".join(words).encode("utf-8"), 6)) for part, words in parts.items()])


def read_name_index(conn: sqlite3.Connection, max_words: int) -> tuple[frozenset[str], dict[str, int]]:
    """The names a text matcher looks for, and for each first word the most words (at most
    ``max_words``) a name starting with it has."""
    names: frozenset[str] = frozenset()
    first_words: dict[str, int] = {}
    for part, data in conn.execute("SELECT part, data FROM name_index ORDER BY part"):
        words = zlib.decompress(data).decode("utf-8").split("\n")
        if part == "names":
            names = frozenset(words)
        else:
            first_words.update(dict.fromkeys(words, min(int(part.split(":")[1]), max_words)))
    return names, first_words


def check_gazetteer(conn: sqlite3.Connection, path) -> None:
    """Raise GazetteerCorruptError unless ``conn`` is a readable gazetteer with a schema version."""
    from gazetteer.errors import GazetteerCorruptError

    advice = "rebuild it with `mapper gazetteer build --force`"
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        conn.execute("SELECT 1 FROM imports LIMIT 1").fetchall()
    except sqlite3.DatabaseError as exc:
        raise GazetteerCorruptError(f"{path} is not a readable gazetteer ({exc}); {advice}") from exc
    if row is None:
        raise GazetteerCorruptError(f"{path} has no schema version; {advice}")
    if row[0] != str(SCHEMA_VERSION):
        raise GazetteerCorruptError(f"{path} was built by another version of mapper (schema {row[0]}; this "
                                    f"one reads schema {SCHEMA_VERSION}); {advice}")
