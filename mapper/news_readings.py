"""News conventions that overrule the ranker for one mention.

The ranker scores candidates on evidence it learned to weigh; a few readings are conventions of
news writing that its features do not see: a capital standing for its government, a dateline,
"the" before a river's name. Each rule looks at one mention (its index ``i``, its candidates
``pool``, the pick so far ``best``) and what the article says (:class:`ArticleEvidence`); it
returns the index in ``pool`` of the candidate it reads instead, or None.
"""
from __future__ import annotations

import re

from gazetteer.geocoder import haversine_km
from gazetteer.index import Candidate
from mapper.model import Mention
from mapper.ranking.features import ArticleEvidence

__all__ = ["acting_as_a_government", "written_as_rivers", "reread"]

# A place name followed by what governments do ("Washington gave the green light", "Moscow
# warned"): news use the capital for its government, so the capital of a country the article
# names is meant, whatever bigger namesake the name has (the state of Washington).
_ACTS_AS_A_GOVERNMENT = re.compile(
    r"\s+(?:has\s+|had\s+|have\s+|will\s+|would\s+|also\s+|then\s+|again\s+|quickly\s+|finally\s+)?"
    r"(?:gave|gives|warned|warns|announced|announces|approved|approves|accused|accuses|condemned|condemns|"
    r"demanded|demands|imposed|imposes|urged|urges|insisted|insists|rejected|rejects|denied|denies|"
    r"responded|retaliated|sanctioned|sanctions|pledged|pledges|promised|agreed|agrees|authori[sz]ed|"
    r"allowed|allows|supplied|supplies|blamed|blames|threatened|threatens|vowed|vows|signall?ed|"
    r"decided|refused|refuses|recognized|recognised|expelled|summoned|backed|backs|vetoed|ordered)\b")
# "across the Dnipro", "the Mississippi rose": "the" before a name that is a river's and a
# city's or state's is the river, unless a word after it says otherwise ("the Dnipro city council").
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_NOT_THE_RIVER_AFTER = re.compile(
    r"\s+(?:city|town|region|oblast|district|province|governorate|county|state|airport|mayor|council|"
    r"administration|authorities|residents|government|regime|metro|hospital|station|police)\b", re.IGNORECASE)
_RIVER_CODES = frozenset({"STM", "STMS"})
_CAPITAL_UNIT_KM = 500      # a unit this close to the capital named like it is the capital's province


def acting_as_a_government(text: str, mentions: list[Mention]) -> set[int]:
    """The mentions followed by what governments do."""
    return {i for i, m in enumerate(mentions) if not m.hint and _ACTS_AS_A_GOVERNMENT.match(text, m.end)}


def written_as_rivers(text: str, mentions: list[Mention], pools: list) -> set[int]:
    """The mentions after "the" whose name is also a river's."""
    return {i for i, m in enumerate(mentions)
            if not m.hint and m.label != "NORP" and _THE_BEFORE.search(text, max(0, m.start - 5), m.start)
            and not _NOT_THE_RIVER_AFTER.match(text, m.end)
            and any(c.feature_code in _RIVER_CODES for c in pools[i])}


def _capital_of_a_named_country(i, mention, pool, best, evidence, apposition, key):
    """"Washington gave the green light"; "WASHINGTON —" over a story that names the U.S."""
    acting = i in evidence.actors
    if not (acting or (i in evidence.datelines and i not in apposition)) or best.feature_code == "PPLC":
        return None
    k = next((k for k, c in enumerate(pool) if c.feature_code == "PPLC" and c.country_code in evidence.countries_named),
             None)
    return None if k is None else (k, "capital as its government" if acting else "dateline: capital of a country named")


def _country_of_the_story(i, mention, pool, best, evidence, apposition, key):
    """"Brazzaville, the capital of Congo": of the countries a name can be, the one the
    article's other places are in more than the ranker's pick."""
    if best.feature_code != "PCLI":
        return None
    focus = evidence.focus_without.get(key, {})     # the share of the other places per country
    rivals = [k for k, c in enumerate(pool) if c.feature_code == "PCLI" and c is not best]
    if not rivals:
        return None
    k = max(rivals, key=lambda k: focus.get(pool[k].country_code, 0.0))
    if focus.get(pool[k].country_code, 0.0) <= focus.get(best.country_code, 0.0):
        return None
    return k, "country of the story's other places"


def _capital_not_its_unit(i, mention, pool, best, evidence, apposition, key):
    """"the suburbs of Buenos Aires", "Tokyo": a capital's name is the capital, not the province
    or prefecture around or beside it named like it (a unit word, "Buenos Aires province", says
    so); the state of Washington is no such unit."""
    if best.feature_code != "ADM1" or mention.hint:
        return None
    k = next((k for k, c in enumerate(pool) if c.feature_code == "PPLC" and c.country_code == best.country_code
              and haversine_km(c.lat, c.lon, best.lat, best.lon) <= _CAPITAL_UNIT_KM), None)
    return None if k is None else (k, "capital, not its namesake unit")


def _river_after_the(i, mention, pool, best, evidence, apposition, key):
    """A country keeps its "the" ("the Gambia"); anything else named like a river is the river."""
    if i not in evidence.rivers or best.feature_class == "H" or best.feature_code == "PCLI":
        return None
    k = next((k for k, c in enumerate(pool) if c.feature_code in _RIVER_CODES and c.name_kind <= 1), None)
    return None if k is None else (k, "the before a river's name")


def _official_name_over_a_spelling(i, mention, pool, best, evidence, apposition, key):
    """"Pittsburgh" in a story about California: a town whose name it is, and no smaller than
    the place it is only another spelling of (Pittsburg, California), is meant."""
    if best.name_kind == 0 or mention.hint:
        return None
    k = next((k for k, c in enumerate(pool) if c.name_kind == 0 and c.feature_class == best.feature_class
              and c.population >= best.population), None)
    return None if k is None else (k, "official name over another place's spelling")


_RULES = (_capital_of_a_named_country, _country_of_the_story, _capital_not_its_unit, _official_name_over_a_spelling,
          _river_after_the)


def reread(i: int, mention: Mention, pool: list[Candidate], best: Candidate, evidence: ArticleEvidence,
           apposition: dict[int, int], key: str) -> tuple[int, str] | None:
    """The candidate the rules read instead of ``best`` (each rule sees the previous one's
    choice), with the last rule's reason; None when none applies."""
    chosen = None
    for rule in _RULES:
        found = rule(i, mention, pool, best, evidence, apposition, key)
        if found is not None:
            chosen = found
            best = pool[found[0]]
    return chosen
