"""How prominent the best-known place of a name is: what lets a name through where the words
around it would otherwise say it is not a place."""
from __future__ import annotations

from gazetteer.index import Gazetteer
from gazetteer.normalize import normalize_name
from mapper.recognition.lexicon import LIMITS, common_word


def is_major_place(gazetteer: Gazetteer, surface: str, countries_and_provinces: bool = False) -> bool:
    """An administrative unit (only a country or province with ``countries_and_provinces``), or a
    place of at least the major-place population."""
    best = gazetteer.lookup(surface, limit=1)
    if not best:
        return False
    units = ("PCLI", "ADM1") if countries_and_provinces else None
    return ((best[0].feature_class == "A" and (units is None or best[0].feature_code in units))
            or best[0].population >= LIMITS["major_place_population"])


def mislabelled_place(gazetteer: Gazetteer, word: str) -> bool:
    """A name the model tagged PERSON or PRODUCT that is a country, a province or a big place, or
    a rare word naming a fair-sized one."""
    best = gazetteer.lookup(word, limit=1)
    if not best:
        return False
    top = best[0]
    if top.feature_code in ("PCLI", "ADM1") or top.population >= LIMITS["person_override_min_population"]:
        return True
    return (top.population >= LIMITS["major_place_population"]
            and common_word(normalize_name(word)) < LIMITS["person_override_max_zipf"])


def town_named_in_full(gazetteer: Gazetteer, span: str) -> bool:
    """A span of several words the model tagged PERSON that is the whole name of a town, and
    opens with a word people's names do not ("Kiryat Shmona", "Beit Lahia", "Ciudad Juarez";
    not "Tom Price", a mining town and a politician)."""
    if common_word(normalize_name(span.split(" ", 1)[0])) >= LIMITS["person_override_max_zipf"]:
        return False
    best = gazetteer.lookup(span, limit=1)
    return bool(best) and best[0].name_kind <= 1 and best[0].population >= LIMITS["named_in_full_min_population"]
