"""Frozen value types that flow through the pipeline: Article -> Mention -> Place -> Incident.

Coordinates are (lat, lon) everywhere inside the pipeline, as geopy has them;
only :mod:`mapper.features` turns them into GeoJSON's [lon, lat].
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, asdict
from typing import Any

__all__ = ["Article", "Mention", "Place", "ResolvedMention", "Incident", "ACLED_COLUMNS", "INCIDENT_COLUMNS"]


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text: str
    date: dt.date | None = None
    title: str | None = None
    url: str | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of an article's text that names a place; offsets are character offsets into text."""

    start: int
    end: int
    text: str
    label: str = "LOC"          # GPE, LOC, FAC, NORP or GAZ (gazetteer matcher)
    hint: str | None = None     # what the text says the mention is: "admin1", "admin2", "country", ...


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer feature with its admin hierarchy (GeoNames conventions)."""

    geonameid: int
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country_code: str = ""
    admin1_code: str = ""
    admin1: str = ""
    admin2_code: str = ""
    admin2: str = ""
    population: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ResolvedMention:
    mention: Mention
    place: Place | None
    score: float = 0.0
    components: dict[str, float] = field(default_factory=dict)
    candidates: tuple[tuple[int, float], ...] = ()   # (geonameid, score) considered, best first


# ACLED's column names, in ACLED's export order, for the fields mapper fills.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "country", "admin1", "admin2", "location", "latitude", "longitude",
    "geo_precision", "source", "notes", "fatalities",
)
# mapper's own fields follow ACLED's.
EXTRA_COLUMNS = (
    "injured", "weapon", "target", "counts", "geonameid", "country_code", "admin1_code", "admin2_code",
    "feature_code", "confidence",
    "article_id", "source_title", "source_url", "source_date",
)
INCIDENT_COLUMNS = ACLED_COLUMNS + EXTRA_COLUMNS


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident, a point feature with ACLED's attributes.

    ``geo_precision`` follows ACLED: 1 a named town, 2 near a town or part of a region,
    3 only a region or province. ``time_precision``: 1 day, 2 week, 3 month.
    """

    event_id_cnty: str
    event_date: dt.date | None
    time_precision: int
    event_type: str
    sub_event_type: str
    latitude: float
    longitude: float
    geo_precision: int
    location: str
    country: str = ""
    country_code: str = ""
    admin1: str = ""
    admin2: str = ""
    admin1_code: str = ""       # GeoNames "CC.A1"
    admin2_code: str = ""       # GeoNames "CC.A1.A2"
    feature_code: str = ""      # of the place the point comes from
    actor1: str = ""
    actor2: str = ""
    weapon: str = ""
    target: str = ""
    fatalities: int | None = None
    injured: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    geonameid: int | None = None
    notes: str = ""
    source: str = ""
    source_title: str = ""
    source_url: str = ""
    source_date: dt.date | None = None
    article_id: str = ""
    confidence: float = 0.5

    @property
    def year(self) -> int | None:
        return self.event_date.year if self.event_date else None

    def to_record(self) -> dict[str, Any]:
        """A flat dict in INCIDENT_COLUMNS order; dates as ISO strings."""
        values = asdict(self)
        values["year"] = self.year
        for key in ("event_date", "source_date"):
            if values[key] is not None:
                values[key] = values[key].isoformat()
        return {column: values.get(column) for column in INCIDENT_COLUMNS}
