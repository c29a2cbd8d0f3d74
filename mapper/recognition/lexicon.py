"""The recognizer's word lists and thresholds (data in mapper/lexicons/recognition.json, kept
with their tests) and English word frequencies."""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from gazetteer.admin_names import ADMIN_TYPE_WORDS
from gazetteer.normalize import normalize_name

_LEXICON = json.loads((Path(__file__).resolve().parent.parent / "lexicons" / "recognition.json").read_text(encoding="utf-8"))
CONNECTORS = frozenset(_LEXICON["connectors"])       # lowercase words inside a multi-word name
NEVER = frozenset(_LEXICON["never_places"])          # capitalised words never places on their own
PERSON_TITLES = frozenset(_LEXICON["person_titles"])
SAINTS = frozenset({"st", "saint", "ste", "sainte"})   # titles of people, and the first word of many places
DISEASES = frozenset(_LEXICON["disease_names"])
GENERIC = frozenset(_LEXICON["generic_feature_words"])   # "Island", "Bay": the tail of a longer name
NOT_A_PLACE_AFTER_WORDS = tuple(_LEXICON["not_a_place_after"])
COMPASS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                     "northeast", "northwest", "southeast", "southwest", "north-east", "north-west", "south-east",
                     "south-west", "northeastern", "northwestern", "southeastern", "southwestern", "upper", "lower"})
# Words before a place name that qualify it rather than start a longer name ("Downtown Chicago").
LEADING_QUALIFIERS = COMPASS | {"greater", "downtown", "upstate", "metropolitan", "metro", "inner", "outer",
                                "rural", "coastal", "occupied", "liberated", "mainland", "suburban"}
LIMITS = _LEXICON["thresholds"]
TYPE_WORDS = frozenset({w for w in ADMIN_TYPE_WORDS if " " not in w} | {"oblast'", "oblasts"})


@lru_cache(maxsize=1)
def _english_frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en", "best")


_UNSEEN_FREQUENCY = 1e-9      # wordfreq's floor: Zipf 0


def zipf(word: str) -> float:
    """wordfreq's ``zipf_frequency(word, "en")``. A plain lowercase word is one token to its
    tokenizer, so it is looked up directly and rounded as wordfreq rounds: the tokenizer took
    ~50 µs a word, most of the cost of a first reading of each name."""
    if not (word.isascii() and word.isalpha() and word.islower()):
        from wordfreq import zipf_frequency

        return zipf_frequency(word, "en")
    frequency = max(_english_frequencies().get(word, 0.0), _UNSEEN_FREQUENCY)
    # wordfreq keeps three significant digits of the frequency, then two decimals of the Zipf value
    frequency = round(frequency, math.floor(-math.log(frequency, 10)) + 3)
    return round(math.log(frequency, 10) + 9, 2)


@lru_cache(maxsize=200_000)
def common_word(word: str) -> float:
    """How common ``word`` is in English, on the Zipf scale (0 = unknown, 7 = "the")."""
    return zipf(word.lower())


@lru_cache(maxsize=1)
def weapon_system_names() -> frozenset[str]:
    """Names of weapon systems that are also the spelling of some small town ("Pantsir", "Buk",
    "Iskander"): in the news this tool reads they name the weapon. Taken from the incident
    stage's weapon lexicon so that one list serves both; generic words ("tank", "rocket") and
    common English words are left to the ordinary common-word rules."""
    path = Path(__file__).resolve().parent.parent / "incidents" / "lexicons" / "weapons.json"
    weapons = json.loads(path.read_text(encoding="utf-8"))["weapons"]
    return frozenset(normalize_name(term) for weapon in weapons if not weapon.get("generic")
                     for term in weapon["terms"] if zipf(term) < LIMITS["common_word_zipf"])


def _dotted_abbreviations() -> frozenset[str]:
    """Newsroom abbreviations that are words without their dot ("Mass.", "Man.", "Ky.")."""
    from gazetteer.sources.abbreviations import iter_abbreviations

    return frozenset(normalize_name(a) for a, _ in iter_abbreviations() if a.endswith(".") and "." not in a[:-1])


DOTTED_ABBREVIATIONS = _dotted_abbreviations()
