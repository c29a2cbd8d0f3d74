"""The SQLite schema every gazetteer source writes into.

A single file keeps the gazetteer portable: copy it to a cluster node and lookups work.
"""
from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2

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


def fill_admin_names(conn: sqlite3.Connection) -> None:
    """Copy each place's admin-1 and admin-2 names from their tables; run after any write."""
    conn.execute("UPDATE places SET admin1_name = coalesce((SELECT a.name FROM admin1 a "
                 "WHERE a.code = places.country_code || '.' || places.admin1_code), '')")
    conn.execute("UPDATE places SET admin2_name = coalesce((SELECT a.name FROM admin2 a WHERE a.code = "
                 "places.country_code || '.' || places.admin1_code || '.' || places.admin2_code), '')")


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
