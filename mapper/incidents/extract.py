"""Articles -> incidents (first, keyword-based version)."""
from __future__ import annotations

import hashlib
import re
from typing import Iterable, Iterator

from mapper.model import Article, Incident, ResolvedMention

__all__ = ["Extractor", "extract_incidents", "extract_many"]

_SENT = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_TRIGGERS = [
    ("Strategic developments", "Disrupted weapons use", r"\b(intercept\w*|shot down|downed)\b"),
    ("Explosions/Remote violence", "Air/drone strike", r"\b(drone|air ?strike|bomb\w*|shahed|uav)\b"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack",
     r"\b(shell\w*|artillery|missile\w*|rocket\w*|strik\w*|struck|explo\w*|attack\w*|hit)\b"),
    ("Protests", "Peaceful protest", r"\b(protest\w*|rall\w*|demonstrat\w*)\b"),
]


class Extractor:
    def __init__(self, geoparser=None, use_spacy: bool = True):
        if geoparser is None:
            from mapper.geoparse import Geoparser

            geoparser = Geoparser(use_spacy=use_spacy)
        self.geoparser = geoparser

    def extract(self, article: Article, resolved: list[ResolvedMention] | None = None) -> list[Incident]:
        if resolved is None:
            resolved = self.geoparser.parse(article)
        places = [r for r in resolved if r.place is not None]
        out = []
        seen = set()
        for m in _SENT.finditer(article.text):
            sentence = m.group(0)
            for event_type, sub, pattern in _TRIGGERS:
                if re.search(pattern, sentence, re.I):
                    break
            else:
                continue
            local = [r for r in places if m.start() <= r.mention.start < m.end()]
            local = [r for r in local if r.place.feature_code != "PCLI"] or local
            if not local:
                local = [r for r in places if r.place.feature_code != "PCLI"] or places
            if not local:
                continue
            place = local[0].place
            key = (event_type, sub, place.geonameid)
            if key in seen:
                continue
            seen.add(key)
            number = int(hashlib.sha1(f"{article.id}:{len(out)}".encode()).hexdigest()[:8], 16) % 10**8
            out.append(Incident(
                event_id_cnty=f"{place.country_code or 'XX'}{number}", event_date=article.date,
                time_precision=1, event_type=event_type, sub_event_type=sub,
                latitude=place.lat, longitude=place.lon,
                geo_precision=1 if place.feature_class == "P" else 3, location=place.name,
                country_code=place.country_code, admin1=place.admin1, admin2=place.admin2,
                admin1_code=place.admin1_code, admin2_code=place.admin2_code, feature_code=place.feature_code,
                geonameid=place.geonameid, notes=sentence.strip(), source=article.title or article.id,
                source_title=article.title or "", source_url=article.url or "", source_date=article.date,
                article_id=article.id, confidence=0.3))
        return out


_default: dict[bool, Extractor] = {}


def _extractor(use_spacy: bool = True) -> Extractor:
    if use_spacy not in _default:
        _default[use_spacy] = Extractor(use_spacy=use_spacy)
    return _default[use_spacy]


def extract_incidents(article: Article, geoparser=None) -> list[Incident]:
    """The incidents an article reports (an empty list when it reports none)."""
    if geoparser is not None:
        return Extractor(geoparser).extract(article)
    return _extractor(True).extract(article)


def extract_many(articles: Iterable[Article], use_spacy: bool = True) -> Iterator[tuple[Article, list[Incident]]]:
    """(article, incidents) for each article, in order."""
    ex = _extractor(use_spacy)
    for article in articles:
        yield article, ex.extract(article)
