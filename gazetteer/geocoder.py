"""A geopy-compatible geocoder over the local gazetteer, so code written for geopy works offline.

>>> from gazetteer.geocoder import LocalGeocoder          # doctest: +SKIP
>>> LocalGeocoder().geocode("Chuhuiv, south of Kharkiv")  # doctest: +SKIP
Location(Chuhuyiv, Kharkivska oblast, UA, (49.83538, 36.6865, 0.0))
"""
from __future__ import annotations

import math
from typing import Iterable

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderQueryError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from gazetteer.admin_names import strip_type_words
from gazetteer.index import Candidate, Gazetteer
from gazetteer.query_parse import parse_location

__all__ = ["LocalGeocoder", "choose_candidate", "haversine_km"]


class OfflineAdapter(BaseSyncAdapter):
    """Satisfies geopy's adapter contract while guaranteeing that no request ever leaves the machine."""

    def __init__(self, *, proxies=None, ssl_context=None):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url, *, timeout, headers):  # pragma: no cover - never called by LocalGeocoder
        raise GeocoderQueryError("LocalGeocoder is offline and makes no requests")

    def get_text(self, url, *, timeout, headers):  # pragma: no cover
        raise GeocoderQueryError("LocalGeocoder is offline and makes no requests")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _importance(c: Candidate) -> float:
    bonus = {"PCLI": 6.0, "PPLC": 3.0, "ADM1": 2.0, "PPLA": 2.0, "PPLA2": 1.0, "ADM2": 0.5}.get(c.feature_code, 0.0)
    return math.log10(1 + c.population) + bonus - 1.5 * min(c.name_kind, 3) / 3


def _context_fit(c: Candidate, context: list[Candidate]) -> float:
    """How well a candidate agrees with the context places (same country, inside the unit, nearby)."""
    if not context:
        return 0.0
    best = 0.0
    for ctx in context:
        score = 0.0
        if ctx.geonameid == c.geonameid:
            continue
        if ctx.country_code == c.country_code:
            score += 3.0
            if ctx.feature_code == "PCLI":
                score += 1.0
            elif ctx.admin1_code and ctx.admin1_code == c.admin1_code:
                score += 3.0
                if ctx.feature_code == "ADM2" and ctx.admin2_code == c.admin2_code:
                    score += 2.0
        if ctx.feature_class == "P":
            distance = haversine_km(c.lat, c.lon, ctx.lat, ctx.lon)
            score += 4.0 * max(0.0, 1 - distance / 150)
        best = max(best, score)
    return best


def choose_candidate(candidates: Iterable[Candidate], context: list[Candidate]) -> Candidate | None:
    """The candidate with the best importance plus agreement with the context places."""
    pool = list(candidates)
    if not pool:
        return None
    return max(pool, key=lambda c: (_context_fit(c, context) * 2 + _importance(c), c.population, -c.geonameid))


class LocalGeocoder(Geocoder):
    """geopy ``Geocoder`` answering from the local gazetteer file, with no network access.

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        An open gazetteer; by default the one at the default path is opened.
    country_bias : str, optional
        ISO2 code preferred when a name is ambiguous (e.g. "UA" for Ukrainian news).
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, path=None, country_bias: str | None = None,
                 user_agent: str | None = None, adapter_factory=None):
        super().__init__(user_agent=user_agent or "mapper-local", adapter_factory=adapter_factory or OfflineAdapter)
        self.gazetteer = gazetteer or Gazetteer.open(path)
        self.country_bias = country_bias.upper() if country_bias else None

    def _candidates(self, text: str) -> list[Candidate]:
        found = self.gazetteer.lookup(text)
        if not found:
            stem = strip_type_words(text)
            if stem != text:
                found = self.gazetteer.lookup(stem)
        return found

    def resolve(self, query: str, country_codes: list[str] | None = None) -> tuple[Candidate | None, dict]:
        """The chosen candidate and how it was chosen (for explanations)."""
        parsed = parse_location(query)
        context: list[Candidate] = []
        for part in parsed.context:
            options = self._candidates(part)
            context.extend(options[:3])
        if self.country_bias:
            bias = self.gazetteer.country(self.country_bias)
            if bias:
                context.append(bias)
        allowed = {c.upper() for c in country_codes} if country_codes else None
        info = {"parsed": parsed, "fallback": False}
        for main in parsed.main:
            options = [c for c in self._candidates(main) if not allowed or c.country_code in allowed]
            chosen = choose_candidate(options, context)
            if chosen:
                return chosen, info
        # The place itself is unknown: the most specific context place still says roughly where.
        info["fallback"] = True
        for part in parsed.context:
            options = [c for c in self._candidates(part) if not allowed or c.country_code in allowed]
            chosen = choose_candidate(options, [c for c in context if c.country_code in {o.country_code for o in options}])
            if chosen:
                return chosen, info
        return None, info

    def geocode(self, query, *, exactly_one=True, country_codes=None, timeout=None):
        """Geocode a location string; returns a geopy ``Location`` (or a list) or None."""
        if not isinstance(query, str):
            raise GeocoderQueryError("query must be a string")
        if isinstance(country_codes, str):
            country_codes = [country_codes]
        if exactly_one:
            chosen, _ = self.resolve(query, country_codes)
            return self._location(chosen) if chosen else None
        parsed = parse_location(query)
        results = []
        for main in parsed.main or parsed.context:
            results.extend(self._candidates(main))
        return [self._location(c) for c in results] or None

    def reverse(self, query, *, exactly_one=True, timeout=None):
        """The admin units a point lies in, as a Location at the point."""
        from geopy.point import Point

        point = Point(query)
        from gazetteer.boundaries import Boundaries

        hit = Boundaries.load().reverse(point.latitude, point.longitude)
        if hit is None:
            return None
        address = ", ".join(x for x in (hit.get("admin1_name"), hit.get("country_name")) if x)
        location = Location(address, (point.latitude, point.longitude, 0.0), hit)
        return location if exactly_one else [location]

    @staticmethod
    def _location(c: Candidate) -> Location:
        address = ", ".join(x for x in (c.name, c.admin2 if c.admin2 != c.name else "", c.admin1, c.country_code) if x)
        return Location(address, (c.lat, c.lon, 0.0), c.to_dict())
