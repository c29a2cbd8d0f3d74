"""The evidence for one candidate of one mention, as a fixed-length feature vector.

Kept in one place so that training (:mod:`mapper.ranking.train`) and use
(:mod:`mapper.resolve`) can never disagree on what a feature means.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from gazetteer.geocoder import context_fit, haversine_km, importance
from gazetteer.index import Candidate
from mapper.model import Mention

FEATURE_NAMES = (
    "log_pop", "log_pop_gap", "is_country", "is_adm1", "is_adm2", "is_populated", "is_capital", "is_seat",
    "is_continent", "kind_official", "kind_alternate", "kind_derived", "kind_short", "alt_vs_official",
    "unit_contains_namesake", "context", "focus", "apposition", "hint_match", "hint_mismatch",
    "label_gpe", "label_loc", "label_fac", "label_norp", "label_gaz", "country_named", "near_other_km",
    "log_candidates", "heuristic", "rank_by_pop", "is_only_country",
)


@dataclass
class ArticleEvidence:
    """What the rest of the article says, shared by all its mentions."""

    context: list[Candidate]
    focus: dict[str, float]
    countries_named: set[str]


_HINT_CODES = {"admin1": {"ADM1"}, "admin2": {"ADM2"}, "country": {"PCLI"}}


def candidate_features(c: Candidate, pool: list[Candidate], pool_pops: list[float], mention: Mention,
                       context: list[Candidate], evidence: ArticleEvidence, appositive: Candidate | None,
                       pop_rank: int) -> list[float]:
    log_pop = math.log10(1 + c.population)
    code = c.feature_code
    prior = importance(c, pool)
    ctx = context_fit(c, context) if context else 0.0
    app = context_fit(c, [appositive]) if appositive is not None else 0.0
    hint_codes = _HINT_CODES.get(mention.hint or "")
    near = 0.0
    if context:
        nearest = min(haversine_km(c.lat, c.lon, o.lat, o.lon) for o in context if o.feature_code != "PCLI") \
            if any(o.feature_code != "PCLI" for o in context) else 20000.0
        near = math.log10(1 + nearest)
    namesake = (c.feature_class == "A" and code != "PCLI" and any(
        o.feature_class == "P" and o.country_code == c.country_code and o.admin1_code == c.admin1_code
        and (code == "ADM1" or o.admin2_code == c.admin2_code) for o in pool))
    alt_vs_official = c.name_kind >= 1 and any(o.name_kind == 0 and o.geonameid != c.geonameid for o in pool)
    return [
        log_pop,
        log_pop - max(pool_pops),
        float(code == "PCLI"), float(code == "ADM1"), float(code == "ADM2"), float(c.feature_class == "P"),
        float(code == "PPLC"), float(code in ("PPLA", "PPLA2")), float(code == "CONT"),
        float(c.name_kind == 0), float(c.name_kind == 1), float(c.name_kind == 2), float(c.name_kind >= 3),
        float(alt_vs_official), float(namesake),
        ctx, evidence.focus.get(c.country_code, 0.0), app,
        float(bool(hint_codes) and code in hint_codes), float(bool(hint_codes) and code not in hint_codes),
        float(mention.label == "GPE"), float(mention.label == "LOC"), float(mention.label == "FAC"),
        float(mention.label == "NORP"), float(mention.label == "GAZ"),
        float(c.country_code in evidence.countries_named), near,
        math.log10(1 + len(pool)), prior, 1.0 / (1 + pop_rank),
        float(code == "PCLI" and sum(o.feature_code == "PCLI" for o in pool) == 1),
    ]
