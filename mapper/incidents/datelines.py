"""An article's dateline ("KHARKIV, Ukraine —"): the place the article opens with, where every
statement happened unless its own words place it elsewhere."""
from __future__ import annotations

import logging
import re

from mapper.incidents.detect import find_cues
from mapper.incidents.locate import COUNTRY, DISTRICT, REGION, SETTLEMENT, Where, level_of, precision_of
from mapper.model import Article, Place

__all__ = ["Datelines"]

log = logging.getLogger(__name__)


class Datelines:
    """Reads datelines with the gazetteer's geocoder (built at the first dateline)."""

    def __init__(self, lex, gazetteer):
        self.lex = lex
        self.gazetteer = gazetteer
        self._geocoder = None

    def read(self, article: Article) -> tuple[Where | None, tuple[int, int] | None]:
        text = article.text
        m = re.match(r"\s*([^\n.!?:—–]{2,90}?)\s*(?:\.(?:\s|$)|\s[—–-]{1,2}\s|:\s|\n)", text)
        if not m:
            return None, None
        seg = m.group(1).strip()
        words = re.findall(r"[^\W\d_][\w'’\-]*", re.sub(r"\([^)]*\)", " ", seg))
        if not words or len(words) > 8 or not any(w[0].isupper() for w in words):
            return None, None
        allowed = {"of", "near", "city", "region", "oblast", "district", "raion", "rayon", "area", "vicinity", "outskirts",
                   "village", "town", "the", "and", "south", "north", "east", "west", "central", "centre", "center",
                   "northern", "southern", "eastern", "western", "suburb", "suburbs", "microdistrict", "province",
                   "settlement", "in", "outside", "st", "street", "frontline", "border", "oblast'", "krai", "republic",
                   "southeast", "southwest", "northeast", "northwest", "ap", "afp", "reuters"}
        if any(not w[0].isupper() and w.lower() not in allowed for w in words):
            return None, None
        if find_cues(self.lex, seg):
            return None, None
        geocoder = self._geocoder
        if geocoder is None:
            from gazetteer.geocoder import LocalGeocoder

            geocoder = self._geocoder = LocalGeocoder(self.gazetteer, fuzzy=True, adaptive_focus=True)
        try:
            cand, info = geocoder.resolve(seg)
        except Exception:  # pragma: no cover - a geocoder failure must not stop extraction
            log.debug("dateline geocoding failed for %r", seg, exc_info=True)
            return None, None
        if cand is None:
            return None, None
        from mapper.resolve import place_from_candidate

        place = place_from_candidate(cand)
        level = level_of(place)
        parsed = info.get("parsed")
        near = bool(getattr(parsed, "relative", False)) or bool(info.get("fallback"))
        name = place.name
        if info.get("fallback") and parsed is not None and parsed.main:
            name = parsed.main[0]
            level = SETTLEMENT
        if parsed is not None and parsed.context and not info.get("fallback"):
            checked = self._context(parsed, place, seg)
            if checked is not None:
                return checked, (m.start(1), m.end(1))
        where = Where(location=name, point=place, precision=precision_of(level, near) if not info.get("fallback") else
                      (2 if level_of(place) >= DISTRICT else 3), level=level, source="dateline",
                      unresolved=bool(info.get("fallback")))
        return where, (m.start(1), m.end(1))

    def _context(self, parsed, place: Place, seg: str) -> Where | None:
        """"Kirov, Donetsk": when the place chosen for the first part is far from the place the
        second part names, the first part is a part of the second the gazetteer does not know."""
        from gazetteer.geocoder import haversine_km
        from mapper.resolve import place_from_candidate

        for part in parsed.context:
            found = self.gazetteer.lookup(part, limit=10)
            if not found:
                continue
            found.sort(key=lambda c: (c.country_code != place.country_code, c.feature_class != "P", -c.population))
            ctx = place_from_candidate(found[0])
            if level_of(ctx) == COUNTRY:
                continue
            inside = (level_of(ctx) == REGION and ctx.admin1_code == place.admin1_code) or \
                haversine_km(ctx.lat, ctx.lon, place.lat, place.lon) <= 60
            if inside:
                return None
            main = parsed.main[0] if parsed.main else seg
            return Where(location=main, point=ctx, precision=2 if level_of(ctx) >= DISTRICT else 3, level=SETTLEMENT,
                         source="dateline", unresolved=True, notes=[f"{main} placed at {ctx.name}"])
        return None
