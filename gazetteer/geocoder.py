"""A geopy-compatible geocoder over the local gazetteer, so code written for geopy works offline.

>>> from gazetteer.geocoder import LocalGeocoder          # doctest: +SKIP
>>> LocalGeocoder().geocode("Chuhuiv, south of Kharkiv")  # doctest: +SKIP
Location(Chuhuyiv, Kharkivska oblast, UA, (49.83538, 36.6865, 0.0))
"""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from typing import Iterable

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderQueryError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from gazetteer.admin_names import strip_type_words
from gazetteer.index import Candidate, Gazetteer
from gazetteer.query_parse import ParsedQuery, parse_location

__all__ = ["LocalGeocoder", "choose_candidate", "haversine_km"]

# How far a named part of a town ("X district of Y") may lie from the town's point.
WITHIN_TOWN_KM = 40.0


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


_KIND_BONUS = {0: 1.0, 1: 0.0, 2: -0.5, 3: -3.0}
_FEATURE_BONUS = {"PCLI": 2.0, "PPLC": 1.0, "ADM1": 0.5, "PPLA": 0.7, "PPLA2": 0.3, "ADM2": 0.0}


PHYSICAL_PRIOR = 5.5   # as much as a town of some 300,000


def is_physical(c: Candidate) -> bool:
    """A sea, river, mountain range, island or region (GeoNames classes H, T, L, V; not a continent)."""
    return c.feature_class in ("H", "T", "L", "V") and c.feature_code != "CONT"


def importances(pool: list[Candidate]) -> list[float]:
    """Prior plausibility of each candidate among those sharing its name, before any context."""
    return list(_importances(tuple(pool)))


@lru_cache(maxsize=4096)
def _importances(pool: tuple[Candidate, ...]) -> tuple[float, ...]:
    # The same names (so the same pools) come back article after article: worked out once each.
    towns_in_unit1 = {(o.country_code, o.admin1_code) for o in pool if o.feature_class == "P"}
    towns_in_unit2 = {(o.country_code, o.admin1_code, o.admin2_code) for o in pool if o.feature_class == "P"}
    official = [o.geonameid for o in pool if o.name_kind == 0]
    out = []
    for c in pool:
        score = (math.log10(1 + c.population) + _FEATURE_BONUS.get(c.feature_code, 0.0)
                 + _KIND_BONUS.get(c.name_kind, -1.0))
        if is_physical(c):
            # Seas, rivers and regions have no population; the shipped ones are well known.
            score += PHYSICAL_PRIOR
        if c.feature_class == "A" and c.feature_code != "PCLI":
            # A unit's population is the sum of its places; and a town named like its unit is what
            # the bare name means (Kyiv, Mykolaiv, Kursk).
            score -= 0.5
            inside = ((c.country_code, c.admin1_code) in towns_in_unit1 if c.feature_code == "ADM1"
                      else (c.country_code, c.admin1_code, c.admin2_code) in towns_in_unit2)
            if inside:
                score -= 3.0
        if c.name_kind >= 1 and any(g != c.geonameid for g in official):
            # An official name of one place beats an alternate spelling of another (Uman vs Oman).
            score -= 2.5 if c.feature_code == "PCLI" else 1.0
        out.append(score)
    return tuple(out)


def importance(c: Candidate, pool: list[Candidate]) -> float:
    return importances([c] + [o for o in pool if o is not c])[0]


def context_fit(c: Candidate, context: list[Candidate]) -> float:
    """How well a candidate agrees with the context places (same country, inside the unit, nearby)."""
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


def score_candidates(candidates: Iterable[Candidate], context: list[Candidate],
                     focus: dict[str, float] | None = None) -> list[tuple[float, Candidate]]:
    """Candidates with their scores, best first: prior importance + 2 x context agreement + focus."""
    pool = list(candidates)
    scored = []
    for c, prior in zip(pool, importances(pool)):
        score = prior + 2 * context_fit(c, context)
        if focus:
            score += 3.0 * focus.get(c.country_code, 0.0)
        scored.append((score, c))
    scored.sort(key=lambda sc: (-sc[0], -sc[1].population, sc[1].geonameid))
    return scored


def choose_candidate(candidates: Iterable[Candidate], context: list[Candidate],
                     focus: dict[str, float] | None = None) -> Candidate | None:
    scored = score_candidates(candidates, context, focus)
    return scored[0][1] if scored else None


class LocalGeocoder(Geocoder):
    """geopy ``Geocoder`` answering from the local gazetteer file, with no network access.

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        An open gazetteer; by default the one at the default path is opened.
    country_bias : str, optional
        ISO2 code preferred when a name is ambiguous (e.g. "UA" for Ukrainian news).
    adaptive_focus : bool
        Learn the countries a stream of queries is about from its unambiguous answers and
        prefer them for ambiguous names, as a reader of a batch of reports from one war would.
    fuzzy : bool
        When no name matches exactly, accept a close spelling ("Dontesk" -> Donetsk).
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, path=None, country_bias: str | None = None,
                 adaptive_focus: bool = False, fuzzy: bool = True, user_agent: str | None = None,
                 adapter_factory=None):
        super().__init__(user_agent=user_agent or "mapper-local", adapter_factory=adapter_factory or OfflineAdapter)
        self.gazetteer = gazetteer or Gazetteer.open(path)
        self.country_bias = country_bias.upper() if country_bias else None
        self.adaptive_focus = adaptive_focus
        self.fuzzy = fuzzy
        self._focus_counts: Counter[str] = Counter()

    def focus(self) -> dict[str, float]:
        """Share of unambiguous answers per country so far (only once there are a few)."""
        total = sum(self._focus_counts.values())
        if not self.adaptive_focus or total < 5:
            return {}
        return {cc: n / total for cc, n in self._focus_counts.items() if n / total >= 0.2}

    def _candidates(self, text: str, allow_fuzzy: bool = True) -> list[Candidate]:
        found = self.gazetteer.lookup(text)
        if not found:
            stem = strip_type_words(text)
            if stem != text:
                found = self.gazetteer.lookup(stem)
        if not found and allow_fuzzy and self.fuzzy:
            found = self._fuzzy(text)
            focus = self.focus()
            if focus:
                # In a batch about some countries, a near-spelling elsewhere is another place
                # ("Buzova" in Kyiv Oblast is not Buzovna in Azerbaijan), not a misspelling.
                found = [c for c in found if c.country_code in focus]
        return found

    def _parse(self, query: str) -> ParsedQuery:
        """The query's parts; a query that is itself a name the gazetteer knows stays whole
        ("Democratic Republic of Congo" is not a republic in Congo, "East Timor" not east of Timor)."""
        parsed = parse_location(query)
        whole = query.strip(" \t.;:-'\"")
        if (parsed.context or parsed.relative or parsed.main != [whole]) and whole and self.gazetteer.has_name(whole):
            return ParsedQuery(main=[whole])
        return parsed

    def _fuzzy(self, text: str) -> list[Candidate]:
        from gazetteer.normalize import normalize_name

        key = normalize_name(text)
        if len(key) < 5:
            return []
        try:
            from rapidfuzz import fuzz, process
        except ImportError:  # pragma: no cover - rapidfuzz comes with dateparser
            return []
        pool = self.gazetteer.names_starting(key[:1], limit=200_000)
        best = process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=85, limit=5)
        found: list[Candidate] = []
        for name, _, _ in best:
            found.extend(self.gazetteer.lookup(name))
        return [c for c in found if c.name_kind < 3]

    def resolve(self, query: str, country_codes: list[str] | None = None) -> tuple[Candidate | None, dict]:
        """The chosen candidate and how it was chosen (for explanations)."""
        parsed = self._parse(query)
        allowed = {c.upper() for c in country_codes} if country_codes else None

        def options_for(text: str) -> list[Candidate]:
            return [c for c in self._candidates(text) if not allowed or c.country_code in allowed]

        context: list[Candidate] = []
        for part in parsed.context:
            # The most plausible reading of each context part, and any reading nearly as plausible.
            scored_part = score_candidates(options_for(part), [], self.focus())
            context.extend(c for score, c in scored_part[:3] if score >= scored_part[0][0] - 1.0)
        if self.country_bias:
            bias = self.gazetteer.country(self.country_bias)
            if bias:
                context.append(bias)
        info: dict = {"parsed": parsed, "fallback": False}
        focus = self.focus()
        for main in parsed.main:
            scored = score_candidates(options_for(main), context, focus)
            if not scored:
                continue
            best = scored[0][1]
            if context and parsed.context and context_fit(best, context) == 0:
                # None of the places with this name lies where the context says: the named place
                # is missing from the gazetteer, so the context is the better answer.
                break
            towns = [c for c in context if c.feature_class == "P"]
            if parsed.within_context and towns and min(haversine_km(best.lat, best.lon, t.lat, t.lon)
                                                       for t in towns) > WITHIN_TOWN_KM:
                # "Kievsky district of Donetsk": a part of a town the gazetteer does not list,
                # not the far-away place that shares its name.
                break
            self._learn(scored)
            info["score"] = scored[0][0]
            return best, info
        info["fallback"] = True
        for part in parsed.context:
            scored = score_candidates(options_for(part), context, focus)
            if scored:
                return scored[0][1], info
        return None, info

    def _learn(self, scored: list[tuple[float, Candidate]]) -> None:
        if not self.adaptive_focus:
            return
        countries = {c.country_code for _, c in scored[:5]}
        if len(countries) == 1 or (len(scored) > 1 and scored[0][0] - scored[1][0] > 3):
            self._focus_counts[scored[0][1].country_code] += 1

    def geocode(self, query, *, exactly_one=True, country_codes=None, timeout=None):
        """Geocode a location string; returns a geopy ``Location`` (or a list) or None."""
        if not isinstance(query, str):
            raise GeocoderQueryError("query must be a string")
        if isinstance(country_codes, str):
            country_codes = [country_codes]
        if exactly_one:
            chosen, _ = self.resolve(query, country_codes)
            return self._location(chosen) if chosen else None
        parsed = self._parse(query)
        results = []
        for main in parsed.main or parsed.context:
            results.extend(self._candidates(main))
        return [self._location(c) for c in results] or None

    def reverse(self, query, *, exactly_one=True, timeout=None):
        """The admin units a point lies in, as a Location at the point."""
        from geopy.point import Point

        point = Point(query)
        hit = self.gazetteer.reverse(point.latitude, point.longitude)
        if hit is None:
            return None
        address = ", ".join(x for x in (hit.get("admin2_name"), hit.get("admin1_name"), hit.get("country_name")) if x)
        location = Location(address, (point.latitude, point.longitude, 0.0), hit)
        return location if exactly_one else [location]

    @staticmethod
    def _location(c: Candidate) -> Location:
        address = ", ".join(x for x in (c.name, c.admin2 if c.admin2 != c.name else "", c.admin1, c.country_code) if x)
        return Location(address, (c.lat, c.lon, 0.0), c.to_dict())
