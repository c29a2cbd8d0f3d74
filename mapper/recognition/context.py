"""Rules about the words around a name: what makes a name a place here, or a person, a disease,
a weapon or a product named after one, and what unit a name is ("Kursk and Oryol regions")."""
from __future__ import annotations

import difflib
import re
from functools import lru_cache

import regex

from gazetteer.normalize import normalize_name
from mapper.model import Mention
from mapper.recognition.lexicon import (DISEASES, DOTTED_ABBREVIATIONS, GENERIC, LIMITS, NOT_A_PLACE_AFTER_WORDS,
                                        PERSON_TITLES, TYPE_WORDS, weapon_system_names)

# The word before a name, searched backwards from it: searched forwards, the regex tries every
# start in the window before the one that reaches its end (ten times slower, once per name).
_PREVIOUS_WORD = regex.compile(r"([\p{L}]+)\.?\s+$", regex.REVERSE)


def follows_a_title(text: str, start: int) -> bool:
    """"Mr. Jordan", "President Georgia ...": the word before ``start`` is a person's title."""
    before = _PREVIOUS_WORD.search(text, max(0, start - 24), start)
    return bool(before and before.group(1).lower() in PERSON_TITLES)


def after_last_title(text: str) -> str:
    """The name in a PERSON span that holds a title: "Smith" in "Buffalo Fire Chief Smith"."""
    words = text.split(" ")
    for k in range(len(words) - 2, -1, -1):
        if words[k].lower().rstrip(".") in PERSON_TITLES:
            return " ".join(words[k + 1:])
    return text


# Lowercase words that belong inside people's names ("Ahmed bin Salman", "Ursula von der Leyen").
_NAME_PARTICLES = frozenset({"al", "bin", "bint", "ibn", "da", "das", "de", "del", "della", "der", "des", "di",
                             "do", "dos", "du", "el", "la", "le", "van", "von", "y", "zu", "ter", "ten"})
_NOT_IN_PERSON_NAMES = TYPE_WORDS | GENERIC


def looks_like_a_name(text: str) -> bool:
    """Words, not "Trump - Wisconsin", "Village Malakal" or "Cornwall Fire and": a small model's
    PERSON spans are not always people."""
    words = text.split()
    return len(words) > 1 and not any(w in ("-", "–", "—") or any(ch.isdigit() for ch in w)
                                      or w.lower() in _NOT_IN_PERSON_NAMES
                                      or (w[0].islower() and w not in _NAME_PARTICLES) for w in words)


# Words after a place name that make it the name of a disease, currency or product instead.
_NOT_A_PLACE_AFTER = re.compile(r"^(?:\$|[ \-](?:" + "|".join(NOT_A_PLACE_AFTER_WORDS) + r")\b)", re.IGNORECASE)


def names_something_else(text: str, mention: Mention) -> bool:
    """A disease, currency, product or weapon named after a place ("West Nile virus", "US$",
    "Marburg", "Pantsir"), or an abbreviation written without its dot ("Mass graves" is not Massachusetts)."""
    key = normalize_name(mention.text)
    dotted = mention.text.endswith(".") or text[mention.end:mention.end + 1] == "."
    if key in DOTTED_ABBREVIATIONS and not dotted and not mention.text.isupper():
        return True
    if key in weapon_system_names() and not mention.hint:
        return True
    if bool(_NOT_A_PLACE_AFTER.match(text[mention.end:mention.end + 16])):
        return True
    return key in DISEASES and not _written_as_a_place(text, mention)


# What makes a name that is also a disease's ("Marburg", "Rift Valley", "St. Louis") the place:
# a preposition of place before it, a list or an apposition around it, or a unit word.
_PLACE_PREPOSITION_BEFORE = regex.compile(r"\b(?:in|near|at|from|to|outside|around|across)\s+(?:the\s+)?$",
                                          regex.IGNORECASE)
_PLACE_LIST_AFTER = regex.compile(r",\s+\p{Lu}")
_PLACE_LIST_BEFORE = regex.compile(r"\p{L},\s+$")


def _written_as_a_place(text: str, mention: Mention) -> bool:
    before = text[max(0, mention.start - 20):mention.start]
    return bool(mention.hint or _PLACE_PREPOSITION_BEFORE.search(before) or _PLACE_LIST_BEFORE.search(before)
                or _PLACE_LIST_AFTER.match(text, mention.end))


def spells(key: str, official: str) -> bool:
    """Whether ``key`` is the official name written another way: one of its words ("Enfield" for
    Enfield Town) or a close spelling ("Lugansk" for Luhansk)."""
    name = normalize_name(official)
    if key in name.replace("-", " ").split() or name in key.split():
        return True
    return difflib.SequenceMatcher(None, key, name).ratio() >= LIMITS["alternate_spelling_similarity"]


# Words that put what follows on the map: "in Lyman", "north of Avdiivka", "the village of Krynky",
# "shelled Vuhledar", "the assault on Mocimboa da Praia".
LOCATIVE_BEFORE = regex.compile(
    r"(?:\b(?:in|near|outside|around|shelled|bombed|bombarded|captured|recaptured|liberated|besieged|stormed|"
    r"evacuated|occupied|overran|seized)|\b(?:north|south|east|west|northeast|northwest|southeast|southwest|"
    r"outskirts|village|town|city|settlement|region|district|province|island|shelling|bombing|siege) of"
    r"|\b(?:attacks?|strikes?|assault|offensive|advance) on)\s+$", regex.IGNORECASE)


def placed_by_words_before(text: str, start: int) -> bool:
    return bool(LOCATIVE_BEFORE.search(text, max(0, start - 30), start))


# "Kursk and Oryol regions", "Donetsk, Luhansk and Zaporizhzhia oblasts": one plural unit word
# says what every name of the list before it is.
_PLURAL_UNITS = {"regions": "admin1", "provinces": "admin1", "oblasts": "admin1", "governorates": "admin1",
                 "krais": "admin1", "prefectures": "admin1", "districts": "admin2", "raions": "admin2",
                 "rayons": "admin2", "counties": "admin2"}
_PLURAL_UNIT_AFTER = regex.compile(r" (" + "|".join(_PLURAL_UNITS) + r")\b", regex.IGNORECASE)
_LIST_GAP = regex.compile(r"^(?:,\s*|\s+and\s+|,\s+and\s+|\s*&\s*)$")


def listed_with_places(text: str, mention: Mention, places: list[Mention]) -> bool:
    """"around Bakhmut, Soledar and Chasiv Yar": a name listed next to a place is one too."""
    return any((p.end <= mention.start and _LIST_GAP.match(text[p.end:mention.start]))
               or (mention.end <= p.start and _LIST_GAP.match(text[mention.end:p.start])) for p in places)


def hints_from_plural_units(text: str, mentions: list[Mention]) -> list[Mention]:
    out = list(mentions)
    for k, m in enumerate(out):
        unit = _PLURAL_UNIT_AFTER.match(text, m.end)
        if not unit or m.hint:
            continue
        hint = _PLURAL_UNITS[unit.group(1).lower()]
        j = k
        while True:
            out[j] = Mention(out[j].start, out[j].end, out[j].text, out[j].label, out[j].hint or hint)
            if j == 0 or not _LIST_GAP.match(text[out[j - 1].end:out[j].start]):
                break
            j -= 1
    return out


@lru_cache(maxsize=65536)
def unit_hint(surface: str) -> str | None:
    """"admin1" for "Kursk Oblast", "admin2" for "Bakhmut District": the unit a name's last word says."""
    words = surface.lower().replace("’", "'").split()
    if not words:
        return None
    last = words[-1].rstrip("'")
    if last in ("oblast", "region", "province", "governorate", "state", "krai", "kray", "prefecture", "republic"):
        return "admin1"
    if last in ("district", "raion", "rayon", "county", "municipality"):
        return "admin2"
    return None
