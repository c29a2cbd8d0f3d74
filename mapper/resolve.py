"""Mention -> Place: rank each mention's gazetteer candidates on the article's evidence.

Evidence: name match quality, population and feature type (the candidate's prior), what the
text says the mention is ("Kursk Region" is the unit, not the city), the place written right
after it ("Paris, Texas"), the article's other places (countries, regions, nearby towns), and the
article's focus countries. Every choice keeps its score, its components and the candidates considered.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from gazetteer.admin_names import strip_type_words
from gazetteer.geocoder import context_fit, importance
from gazetteer.index import Candidate, Gazetteer
from gazetteer.normalize import normalize_name
from mapper.model import Article, Mention, Place, ResolvedMention

__all__ = ["Resolver", "place_from_candidate"]

_HINT_CODES = {"admin1": ("ADM1",), "admin2": ("ADM2",), "country": ("PCLI",)}
FOCUS_WEIGHT = 3.0
CONTEXT_WEIGHT = 2.0
APPOSITION_WEIGHT = 3.0


def place_from_candidate(c: Candidate) -> Place:
    return Place(geonameid=c.geonameid, name=c.name, lat=c.lat, lon=c.lon, feature_class=c.feature_class,
                 feature_code=c.feature_code, country_code=c.country_code,
                 admin1_code=f"{c.country_code}.{c.admin1_code}" if c.admin1_code else "", admin1=c.admin1,
                 admin2_code=f"{c.country_code}.{c.admin1_code}.{c.admin2_code}" if c.admin2_code else "",
                 admin2=c.admin2, population=c.population)


class Resolver:
    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.demonyms = gazetteer.demonym_countries()

    def candidates(self, mention: Mention) -> list[Candidate]:
        surface = mention.text
        key = normalize_name(surface)
        if mention.label == "NORP" or (key in self.demonyms and not self.gazetteer.has_name(surface)):
            country = self.gazetteer.country(self.demonyms.get(key, ""))
            return [country] if country else []
        found = self.gazetteer.lookup(surface, limit=60)
        if not found:
            stem = strip_type_words(surface)
            if stem != surface:
                found = self.gazetteer.lookup(stem, limit=60)
        codes = _HINT_CODES.get(mention.hint or "")
        if codes:
            preferred = [c for c in found if c.feature_code in codes]
            if preferred:
                found = preferred
        return found

    def resolve(self, article: Article, mentions: list[Mention]) -> list[ResolvedMention]:
        pools = [self.candidates(m) for m in mentions]
        # The place written right after another ("Paris, Texas", "Izium, Kharkiv region") qualifies it.
        apposition: dict[int, int] = {}
        for i in range(len(mentions) - 1):
            between = article.text[mentions[i].end:mentions[i + 1].start]
            if between.strip() in (",", "(", "in") and len(between) <= 4:
                apposition[i] = i + 1

        # Pass 1: priors alone, with the countries the article names as context.
        countries = [p[0] for p, m in zip(pools, mentions) if p and p[0].feature_code == "PCLI"]
        first = [self._rank(pool, countries, {}, None)[0][1] if pool else None for pool in pools]

        # Focus: the countries the article's places are in, weighted by how often each is named.
        tally: Counter[str] = Counter(c.country_code for c in first if c is not None)
        total = sum(tally.values())
        focus = {cc: n / total for cc, n in tally.items()} if total else {}

        # Pass 2: every other resolved place is context.
        out = []
        names_seen: dict[str, Candidate] = {}
        for i, (mention, pool) in enumerate(zip(mentions, pools)):
            if not pool:
                out.append(ResolvedMention(mention, None, 0.0, {}, ()))
                continue
            key = normalize_name(mention.text)
            context = [c for j, c in enumerate(first) if c is not None and j != i and normalize_name(mentions[j].text) != key]
            appositive = None
            if i in apposition and pools[apposition[i]]:
                appositive = first[apposition[i]]
            ranked = self._rank(pool, context, focus, appositive)
            score, best, components = ranked[0]
            # Repeated mentions of one name in an article mean one place.
            if key in names_seen and names_seen[key].geonameid != best.geonameid and not mention.hint:
                best = names_seen[key]
                components = {"repeat": 1.0}
            names_seen.setdefault(key, best)
            out.append(ResolvedMention(mention, place_from_candidate(best), score, components,
                                       tuple((c.geonameid, round(s, 3)) for s, c, _ in ranked[:10])))
        return out

    def _rank(self, pool, context, focus, appositive):
        ranked = []
        for c in pool:
            prior = importance(c, pool)
            ctx = context_fit(c, context) if context else 0.0
            foc = focus.get(c.country_code, 0.0)
            app = context_fit(c, [appositive]) if appositive is not None else 0.0
            components = {"prior": round(prior, 3), "context": round(ctx, 3), "focus": round(foc, 3),
                          "apposition": round(app, 3)}
            score = prior + CONTEXT_WEIGHT * ctx + FOCUS_WEIGHT * foc + APPOSITION_WEIGHT * app
            ranked.append((score, c, components))
        ranked.sort(key=lambda t: (-t[0], -t[1].population, t[1].geonameid))
        return ranked
