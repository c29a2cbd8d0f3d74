"""Checks on the hand-compiled ``gazetteer/data/world_features.csv``.

The file lists physical features and informal regions (seas, rivers, mountain ranges, deserts,
islands, "Middle East", "Donbas", ...) that the GeoNames-based embedded gazetteer lacks. Its
points are typed in by hand, so these tests look for the usual slips: a dropped minus sign, a
wrong country code, a name listed twice, a row the user-places reader would reject.
"""
from __future__ import annotations

import csv
import math
from functools import lru_cache
from pathlib import Path

import pytest
import shapely
from shapely.ops import nearest_points

from gazetteer.normalize import normalize_name
from gazetteer.sources.user_places import read_user_places

PATH = Path(__file__).resolve().parent.parent / "gazetteer" / "data" / "world_features.csv"
HEADER = ["name", "alternate_names", "type", "country", "lat", "lon"]

# Feature codes of open water whose point must lie at sea (or on a coast), never deep inland.
SEA_CODES = {"OCN", "SEA", "GULF", "BAY", "BGHT", "STRT", "CHN", "SD"}
# Lakes, rivers, reservoirs and canals legitimately lie inside countries.
INLAND_WATER_CODES = {"LK", "LKS", "RSV", "STM", "CNL", "LGN", "EST", "FLLS", "SWMP", "MRSH", "GLCR"}

CONTINENTS = {"africa", "asia", "europe", "north america", "south america", "oceania", "antarctica",
              "australia"}

MAX_KM_FROM_COUNTRY = 150.0       # a row's point vs. the polygon of its `country`
MAX_KM_FROM_COUNTRY_SEA = 300.0   # the middle of a bay or gulf can be far from every shore
MAX_KM_INSIDE_LAND = 100.0        # how deep inside a country a sea/strait point may sit


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _km_to(geom, lat: float, lon: float) -> float:
    """Distance in km from a point to the nearest point of ``geom`` (its outline if the point is inside)."""
    point = shapely.Point(lon, lat)
    target = geom.boundary if geom.contains(point) else geom
    near = nearest_points(target, point)[0]
    return _km(lat, lon, near.y, near.x)


@lru_cache(maxsize=1)
def _raw_rows() -> list[dict[str, str]]:
    with open(PATH, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _names(row: dict[str, str]) -> list[str]:
    return [row["name"]] + [a for a in row["alternate_names"].split("|") if a.strip()]


def _code(row: dict[str, str]) -> str:
    return row["type"].split(".", 1)[1]


@lru_cache(maxsize=1)
def _boundaries():
    from gazetteer.boundaries import Boundaries

    try:
        return Boundaries.load()
    except Exception as exc:  # pragma: no cover - only without the shipped GeoPackage
        pytest.skip(f"boundaries not available: {exc}")


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    try:
        import pycountry
    except ImportError:
        from gazetteer.sources.countryinfo_source import load_countries

        return frozenset(c.iso2 for c in load_countries())
    return frozenset(c.alpha_2 for c in pycountry.countries)


def _row(name: str) -> dict[str, str]:
    hits = [r for r in _raw_rows() if r["name"] == name]
    assert len(hits) == 1, f"expected exactly one row named {name!r}"
    return hits[0]


# -- format ----------------------------------------------------------------------------------------

def test_file_is_utf8_with_the_expected_header():
    text = PATH.read_bytes().decode("utf-8")
    assert not text.startswith("\ufeff")
    assert next(csv.reader([text.splitlines()[0]])) == HEADER
    assert 400 <= len(_raw_rows()) <= 800


def test_reader_accepts_every_row():
    rows = read_user_places(PATH)
    raw = _raw_rows()
    assert len(rows) == len(raw)
    for parsed, row in zip(rows, raw):
        assert parsed.name == row["name"]
        assert f"{parsed.feature_class}.{parsed.feature_code}" == row["type"]
        assert parsed.country == row["country"]
        assert parsed.alternate_names == [a for a in row["alternate_names"].split("|") if a]
        assert (parsed.lat, parsed.lon) == (float(row["lat"]), float(row["lon"]))


def test_fields_are_clean():
    problems = []
    for row in _raw_rows():
        for key in HEADER:
            if row[key] != row[key].strip():
                problems.append(f"{row['name']}: {key} has surrounding spaces")
        if not row["name"]:
            problems.append("empty name")
        if row["type"].count(".") != 1 or row["type"][0] not in "HLTV":
            problems.append(f"{row['name']}: type {row['type']!r} is not CLASS.CODE of a physical/area class")
        if row["type"].startswith(("P.", "A.")) or _code(row) in {"CONT", "PCLI", "ADM1"}:
            problems.append(f"{row['name']}: populated places, countries and admin units belong elsewhere")
        for alt in row["alternate_names"].split("|"):
            if alt and (alt != alt.strip() or alt.lower().startswith("the ")):
                problems.append(f"{row['name']}: alternate {alt!r} has spaces or a leading 'the'")
        for value in (row["lat"], row["lon"]):
            decimals = value.split(".")[1] if "." in value else ""
            if len(decimals) > 4:
                problems.append(f"{row['name']}: {value} has more than 4 decimals")
    assert not problems, "\n".join(problems)


def test_no_name_is_listed_twice():
    seen: dict[str, str] = {}
    problems = []
    for row in _raw_rows():
        for name in _names(row):
            key = normalize_name(name)
            if not key:
                problems.append(f"{row['name']}: {name!r} normalizes to nothing")
            elif key in seen:
                problems.append(f"{name!r} ({row['name']}) collides with a name of {seen[key]!r}")
            else:
                seen[key] = row["name"]
    assert not problems, "\n".join(problems)


def test_no_continent_or_country_names():
    from gazetteer.sources.countryinfo_source import load_countries

    countries = {}
    for c in load_countries():
        for name in c.names | {c.name}:
            countries[normalize_name(name)] = c.iso2
    problems = []
    for row in _raw_rows():
        for name in _names(row):
            key = normalize_name(name)
            if key in CONTINENTS:
                problems.append(f"{row['name']}: {name!r} is a continent")
            if key in countries:
                problems.append(f"{row['name']}: {name!r} is a name of country {countries[key]}")
    assert not problems, "\n".join(problems)


# -- coordinates and countries ---------------------------------------------------------------------

def test_coordinates_in_range():
    bad = [r["name"] for r in _raw_rows()
           if not (-90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180)]
    assert not bad


def test_country_codes_are_valid():
    codes = _country_codes()
    bad = [(r["name"], r["country"]) for r in _raw_rows()
           if r["country"] and (r["country"] not in codes or r["country"] != r["country"].upper())]
    assert not bad


def test_points_lie_in_or_near_their_country():
    b = _boundaries()
    problems, checked = [], 0
    for row in _raw_rows():
        if not row["country"]:
            continue
        polygon = b.country_polygon(row["country"])
        if polygon is None:  # e.g. SJ: Natural Earth folds Svalbard into Norway
            continue
        checked += 1
        lat, lon = float(row["lat"]), float(row["lon"])
        if polygon.contains(shapely.Point(lon, lat)):
            continue
        limit = MAX_KM_FROM_COUNTRY_SEA if _code(row) in SEA_CODES else MAX_KM_FROM_COUNTRY
        km = _km_to(polygon, lat, lon)
        if km > limit:
            problems.append(f"{row['name']} ({row['type']}) at {lat},{lon} is {km:.0f} km from {row['country']}")
    assert checked > 250
    assert not problems, "\n".join(problems)


def test_regions_areas_and_deserts_are_checked_against_their_country():
    # The check above must not silently skip the kinds of rows most prone to a wrong country.
    b = _boundaries()
    kinds = {"L.RGN", "L.AREA", "T.DSRT"}
    rows = [r for r in _raw_rows() if r["type"] in kinds and r["country"]]
    assert len(rows) > 80
    assert all(b.country_polygon(r["country"]) is not None for r in rows)


def test_seas_and_straits_are_not_inland():
    b = _boundaries()
    geoms = b.country_geometries
    tree = shapely.STRtree(geoms)
    problems = []
    for row in _raw_rows():
        if _code(row) not in SEA_CODES:
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        point = shapely.Point(lon, lat)
        for i in tree.query(point, predicate="within"):
            km = _km_to(geoms[i], lat, lon)
            if km > MAX_KM_INSIDE_LAND:
                problems.append(f"{row['name']} at {lat},{lon} lies {km:.0f} km inside a country polygon")
    assert not problems, "\n".join(problems)


def test_water_types_are_consistent():
    # Every H.* row is either open water (checked above) or a lake/river-like feature.
    other = {"SHOL", "RF"}
    bad = [(r["name"], r["type"]) for r in _raw_rows()
           if r["type"].startswith("H.") and _code(r) not in SEA_CODES | INLAND_WATER_CODES | other]
    assert not bad


# -- spot checks a reader can verify with an atlas -------------------------------------------------

@pytest.mark.parametrize("name, lat_range, lon_range", [
    ("Black Sea", (40, 47), (27, 42)),
    ("Sumatra", (-2, 2), (100, 104)),
    ("Gulf of Mexico", (22, 28), (-94, -86)),
    ("Caspian Sea", (37, 47), (47, 54)),
    ("Persian Gulf", (24, 30), (48, 56)),
    ("Lake Victoria", (-3, 1), (31.5, 34.5)),
    ("Donbas", (47, 49.5), (36.5, 40.5)),
    ("Gaza Strip", (31.2, 31.6), (34.2, 34.6)),
    ("Strait of Hormuz", (26, 27), (55.5, 57)),
    ("Mount Everest", (27.9, 28.1), (86.8, 87.0)),
    ("Tasmania", (-44, -40), (144, 149)),
    ("Patagonia", (-52, -38), (-75, -63)),
    ("Hudson Bay", (55, 65), (-95, -75)),
])
def test_spot_check(name, lat_range, lon_range):
    row = _row(name)
    lat, lon = float(row["lat"]), float(row["lon"])
    assert lat_range[0] <= lat <= lat_range[1]
    assert lon_range[0] <= lon <= lon_range[1]


def test_darfur_is_in_western_sudan():
    row = _row("Darfur")
    assert row["country"] == "SD"
    lat, lon = float(row["lat"]), float(row["lon"])
    assert 10 <= lat <= 16 and 22 <= lon <= 27  # west of the Nile valley (~32 E)
    hit = _boundaries().reverse(lat, lon)
    assert hit is not None and hit["country_code"] == "SD"


def test_southern_and_western_hemisphere_signs():
    # The commonest typing slip: a missing minus sign.
    south = ["Lake Tanganyika", "Java", "Tasmania", "Cape of Good Hope", "Amazon River", "Kalahari Desert",
             "Easter Island", "Mount Kilimanjaro"]
    west = ["Rocky Mountains", "Caribbean Sea", "Amazon River", "Pacific Northwest", "Andes",
            "Strait of Gibraltar", "Gulf of Mexico", "Mississippi River"]
    assert all(float(_row(n)["lat"]) < 0 for n in south)
    assert all(float(_row(n)["lon"]) < 0 for n in west)
