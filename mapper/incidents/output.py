"""Merged candidates -> :class:`~mapper.model.Incident` records: ACLED fields, event ids, confidence."""
from __future__ import annotations

import hashlib

from mapper.incidents.candidate import Candidate
from mapper.incidents.locate import COUNTRY, DISTRICT, REGION, level_of
from mapper.model import Article, Incident

__all__ = ["IncidentWriter"]


def _iso3(gazetteer, cc: str, cache: dict) -> str:
    if cc not in cache:
        row = gazetteer.conn.execute("SELECT iso3 FROM countries WHERE iso2 = ?", (cc.upper(),)).fetchone()
        cache[cc] = row[0] if row and row[0] else (cc.upper() or "XXX")
    return cache[cc]


class IncidentWriter:
    """Writes an article's merged candidates as incidents (``confidence``: the weights of the
    lexicons' ``confidence`` setting)."""

    def __init__(self, gazetteer, country_names: dict[str, str], confidence: dict[str, float]):
        self.gazetteer = gazetteer
        self.country_names = country_names
        self.conf = confidence
        self._iso3: dict[str, str] = {}

    def _confidence(self, c: Candidate) -> float:
        w = self.conf
        score = w.get("base_strong", 0.6) if c.strong else w.get("base_weak", 0.35)
        if c.date_source == "explicit":
            score += w.get("explicit_date", 0.1)
        if c.where is not None and c.own_place and c.where.level >= DISTRICT:
            score += w.get("specific_place", 0.1)
        if c.weapons:
            score += w.get("weapon", 0.05)
        if c.attached:
            score += w.get("syntax_link", 0.1)
        if not c.own_place:
            score += w.get("inherited_place", -0.15)
        if c.where is not None and c.where.level == COUNTRY:
            score += w.get("country_place", -0.2)
        if c.where is not None and c.where.unresolved:
            score += w.get("unresolved_place", -0.05)
        if c.conflicts:
            score += w.get("conflict", -0.4)
            score = min(score, w.get("conflict_cap", 0.4))
        return round(max(w.get("minimum", 0.05), min(w.get("maximum", 0.95), score)), 3)

    def incidents(self, article: Article, candidates: list[Candidate]) -> list[Incident]:
        out = []
        used_ids: set[str] = set()
        for c in candidates:
            where = c.where
            p = where.point
            weapon = ", ".join(w.name for w in c.weapons)
            notes = c.notes
            extra = list(where.notes) + c.conflicts
            if extra:
                notes = f"{notes} [{'; '.join(dict.fromkeys(extra))}]"
            key = f"{article.id}|{c.date}|{c.typing.event_type}|{c.typing.sub_event_type}|{where.key}"
            number = int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:12], 16) % 10_000_000
            iso3 = _iso3(self.gazetteer, p.country_code, self._iso3) if p.country_code else "XXX"
            event_id = f"{iso3}{number:07d}"
            k = 1
            while event_id in used_ids:
                k += 1
                event_id = f"{iso3}{number:07d}-{k}"
            used_ids.add(event_id)
            admin1 = p.admin1 if level_of(p) != COUNTRY else ""
            admin2 = p.admin2 if level_of(p) > REGION else ""
            out.append(Incident(
                event_id_cnty=event_id, event_date=c.date, time_precision=c.time_precision,
                event_type=c.typing.event_type, sub_event_type=c.typing.sub_event_type,
                latitude=p.lat, longitude=p.lon, geo_precision=where.precision, location=where.location,
                country=self.country_names.get(p.country_code, ""), country_code=p.country_code,
                admin1=admin1 or (p.name if level_of(p) == REGION else ""),
                admin2=admin2 or (p.name if level_of(p) == DISTRICT else ""),
                admin1_code=p.admin1_code, admin2_code=p.admin2_code if level_of(p) > REGION else "",
                feature_code=p.feature_code, actor1=c.actor1, actor2=c.actor2, weapon=weapon, target=c.target,
                fatalities=c.fatalities, injured=c.injured, counts=dict(c.counts), geonameid=p.geonameid,
                notes=notes, source=article.title or article.id, source_title=article.title or "",
                source_url=article.url or "", source_date=article.date, article_id=article.id,
                confidence=self._confidence(c)))
        return out
