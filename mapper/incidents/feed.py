"""Incidents whose article names no place at all: the feed's country, or nothing.

Items of a feed about one conflict often leave the place out ("Damage to a school after a
strike."). ACLED codes such an event at country level when only the country is known. The
country is not guessed from one item: it is the country most of the batch's placed incidents
are in, when the batch clearly has one (``AUTO``), or the one the user names (``--country UA``).
Mixed batches (world news) have no such country, and their unplaced incidents are dropped.

Unplaced incidents travel from the extractor to :func:`settle` with a NaN point and an empty
location (:func:`is_unplaced`); nothing else ever sees them.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable, Iterator

from mapper.model import Article, Incident, Place

AUTO = "auto"
NONE = "none"

# A batch "is about" a country when at least this many of its articles with placed incidents,
# and this share of them, have incidents there.
MIN_ARTICLES = 5
MIN_SHARE = 0.8
# An incident placed only by the feed's country is never more certain than this.
CONFIDENCE_CAP = 0.3

UNPLACED_PLACE = Place(geonameid=0, name="", lat=math.nan, lon=math.nan, feature_class="", feature_code="")


def is_unplaced(incident: Incident) -> bool:
    return not incident.location and isinstance(incident.latitude, float) and math.isnan(incident.latitude)


def country_policy(value: str | None) -> str | None:
    """The ``--country`` option: an ISO2 code (upper-cased), ``AUTO``, or None for "drop them"."""
    if value is None:
        return AUTO
    value = value.strip()
    if value.lower() in (AUTO, ""):
        return AUTO
    if value.lower() == NONE:
        return None
    return value.upper()


@dataclass
class FeedReport:
    """What :func:`settle` decided, for the caller to tell the user."""

    country: str = ""           # ISO2 of the feed's country, "" when the batch has none
    country_name: str = ""
    share: float = 0.0          # of the articles with placed incidents that have one there
    placed_articles: int = 0
    unplaced_articles: int = 0
    unplaced_incidents: int = 0
    placed_by_feed: int = 0

    def message(self) -> str | None:
        if not self.unplaced_incidents:
            return None
        if self.placed_by_feed:
            return (f"{self.placed_by_feed} incident(s) from {self.unplaced_articles} article(s) that name no place "
                    f"put at {self.country_name} at country level, the country of {self.share:.0%} of the batch's "
                    f"{self.placed_articles} article(s) with placed incidents (--country XX chooses it, "
                    f"--country none drops them)")
        return (f"{self.unplaced_incidents} incident(s) from {self.unplaced_articles} article(s) that name no place "
                f"dropped: the batch is not clearly about one country (--country XX puts them there)")


def feed_country(placed_countries: Counter, min_articles: int = MIN_ARTICLES,
                 min_share: float = MIN_SHARE) -> tuple[str, float] | None:
    """``placed_countries``: per country, the number of articles with a placed incident there."""
    articles = placed_countries.get("", 0)
    if not articles:
        return None
    ranked = [(n, cc) for cc, n in placed_countries.items() if cc]
    if not ranked:
        return None
    n, cc = max(ranked)
    share = n / articles
    if n >= min_articles and share >= min_share:
        return cc, share
    return None


def settle(stream: Iterable[tuple[Article, list[Incident]]], gazetteer, report: FeedReport | None = None,
           ) -> Iterator[tuple[Article, list[Incident]]]:
    """Pass placed incidents through at once; hold the articles with unplaced ones to the end of
    the batch, then put those in the feed's country or drop them. Those articles come last."""
    report = report if report is not None else FeedReport()
    countries: Counter = Counter()      # "" counts the articles with any placed incident
    held: list[tuple[Article, list[Incident]]] = []
    for article, incidents in stream:
        placed = [i for i in incidents if not is_unplaced(i)]
        if placed:
            countries[""] += 1
            countries.update({i.country_code for i in placed if i.country_code})
        if len(placed) == len(incidents):
            yield article, incidents
        else:
            held.append((article, incidents))
    report.placed_articles = countries[""]
    report.unplaced_articles = len(held)
    report.unplaced_incidents = sum(1 for _, found in held for i in found if is_unplaced(i))
    decided = feed_country(countries)
    place = _country_place(gazetteer, decided[0]) if decided else None
    if place is not None:
        report.country, report.share = decided
        report.country_name = place.name
        row = gazetteer.conn.execute("SELECT iso3 FROM countries WHERE iso2 = ?", (place.country_code,)).fetchone()
        iso3 = row[0] if row and row[0] else place.country_code
    for article, incidents in held:
        out = []
        for incident in incidents:
            if not is_unplaced(incident):
                out.append(incident)
            elif place is not None:
                out.append(_in_country(incident, place, iso3, report))
                report.placed_by_feed += 1
        yield article, out


def _country_place(gazetteer, iso2: str) -> Place | None:
    from mapper.resolve import place_from_candidate

    country = gazetteer.country(iso2)
    return place_from_candidate(country) if country is not None else None


def _in_country(incident: Incident, place: Place, iso3: str, report: FeedReport) -> Incident:
    note = f"no place named: the feed's country ({report.share:.0%} of the batch's placed articles)"
    return replace(
        incident, latitude=place.lat, longitude=place.lon, location=place.name, geo_precision=3,
        country=place.name, country_code=place.country_code, admin1="", admin2="", admin1_code="", admin2_code="",
        feature_code=place.feature_code, geonameid=place.geonameid,
        event_id_cnty=iso3 + incident.event_id_cnty[3:] if incident.event_id_cnty.startswith("XXX") else incident.event_id_cnty,
        notes=f"{incident.notes} [{note}]" if incident.notes else f"[{note}]",
        confidence=min(incident.confidence, CONFIDENCE_CAP))
