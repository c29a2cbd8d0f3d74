"""The weapons a statement says were used: an air-defence system only when it fires, a generic
name only when no specific one of its class is named."""
from __future__ import annotations

import re

from mapper.incidents.lexicon import WeaponEntry

__all__ = ["WEAPON_NOUN", "weapons_used"]

WEAPON_NOUN = re.compile(r"(?i)\b(?:missiles?|drones?|rockets?|shells?|bombs?|projectiles?|munitions?|uavs?)\b")


class _Span:
    """A minimal match object (start, end, group) for weapon hits."""

    __slots__ = ("_s", "_e", "_t")

    def __init__(self, s: int, e: int, t: str):
        self._s, self._e, self._t = s, e, t

    def start(self) -> int:
        return self._s

    def end(self) -> int:
        return self._e

    def group(self, _=0) -> str:
        return self._t


def weapons_used(lex, stext: str, terms=None) -> tuple[list[WeaponEntry], list[tuple[int, int, WeaponEntry]]]:
    """(the weapons used, every weapon hit with its span) in a statement's text (``terms``: its
    lexicon terms, when already found)."""
    found = []
    if lex.weapon_pattern is None:
        return [], []
    for ws, we, entry in lex.find_weapons(stext, terms):
        m = _Span(ws, we, stext[ws:we])
        if entry.air_defence:
            # an air-defence system is the weapon only when it fires ("S-300 missiles hit", "with S-300s")
            before = stext[max(0, m.start() - 30):m.start()].lower()
            after = stext[m.end():m.end() + 30].lower()
            if not (re.match(r"^[\s\-]*(?:guided\s+)?(?:missiles?|rockets?)\b(?!\s+(?:system|battery|division|launcher|complex|battalion))", after)
                    or re.search(r"\b(?:with|by|fired|launched|using|used)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?$", before)):
                continue
        if re.match(r"^[\s\-]*(?:[\w\-]+\s+){0,2}?(?:system|battery|battalion|division|launcher|complex|radar|unit|base|depot|"
                    r"production|factory|plant|crew|operator|positions?)s?\b", stext[m.end():m.end() + 40], re.I) and \
                not re.match(r"^\s*(?:strikes?|attacks?|hit|struck)", stext[m.end():m.end() + 20], re.I):
            continue
        if entry.name == "Aerial bomb" and re.match(r"(?i)bomb", m.group(0)) and re.search(r"(?i)car\s+$|roadside\s+$", stext[max(0, m.start() - 12):m.start()]):
            continue
        found.append((m.start(), m.end(), entry))
    specific_classes = {e.weapon_class for _, _, e in found if not e.generic}
    chosen: list[WeaponEntry] = []
    for _, _, e in found:
        if e.generic and e.weapon_class in specific_classes:
            continue
        if e not in chosen:
            chosen.append(e)
    # among generics of one class keep the most specific wording ("Ballistic missile" over "Missile")
    out = []
    for e in chosen:
        if e.generic and any(o.generic and o.weapon_class == e.weapon_class and len(o.name) > len(e.name)
                             and e.name.lower() in o.name.lower() for o in chosen):
            continue
        out.append(e)
    return out, found
