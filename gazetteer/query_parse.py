"""Split a free-text location ("Chuhuiv, south of Kharkiv", "Bucha, Kyiv vicinity",
"Oleksiyivka area of Kharkiv") into the place asked for and the places that give context."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["ParsedQuery", "parse_location"]

_DIRECTIONS = r"(?:north|south|east|west|north[- ]?east|north[- ]?west|south[- ]?east|south[- ]?west|central|northern|southern|eastern|western)"
# Leading words that say where relative to a place, not which place.
_LEADING = re.compile(
    r"^(?:(?:in|at|near|nearby|outside|outskirts of|around|close to|the|village of|town of|city of|"
    r"settlement of|suburbs? of|centre of|center of|downtown|central|"
    r"(?:\d+(?:[.,]\d+)?\s*(?:km|kilometers|kilometres|miles?)\s+)?" + _DIRECTIONS + r"(?:\s+of)?|"
    r"\d+(?:[.,]\d+)?\s*(?:km|kilometers|kilometres|miles?)\s+(?:from|of)|region of|area of|district of)\s+)+",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"^(?:near|nearby|outside|outskirts|around|close to|\d|" + _DIRECTIONS + r"\s+of)", re.IGNORECASE)
# Trailing words that qualify a place ("Kyiv vicinity", "Donetsk city", "Kharkiv outskirts").
_TRAILING = re.compile(
    r"\s+(?:vicinity|outskirts|area|city|town|village|suburbs?|centre|center|downtown|environs|surroundings)$",
    re.IGNORECASE,
)
# "X area of Y", "X district of Y", "X near Y": X is the place, Y context.
_INNER = re.compile(
    r"\s+(?:area of|district of|neighbou?rhood of|part of|suburb of|microdistrict of|near|outside|in|of)\s+",
    re.IGNORECASE,
)
_PART_OF = {"area of", "district of", "neighbourhood of", "neighborhood of", "part of", "suburb of",
            "microdistrict of"}
_PART_WORD = re.compile(r"\b(?:district|raion|rayon|microdistrict|neighbou?rhood|quarter)\b", re.IGNORECASE)
_STREETISH = re.compile(r"\b(?:street|st\.|avenue|ave\.|prospect|prospekt|square|boulevard|lane|road|highway|bridge|"
                        r"plant|factory|hospital|school|airport|station|market|mall|port|railway)\b", re.IGNORECASE)


@dataclass
class ParsedQuery:
    main: list[str]                                   # alternatives for the place itself, most specific first
    context: list[str] = field(default_factory=list)  # enclosing or nearby places
    relative: bool = False                            # "near", "north of": the point is only near the place
    within_context: bool = False                      # "X district of Y", "X area, Y": X is a part of Y


def _clean(part: str) -> tuple[str, bool]:
    text = part.strip(" \t.;:-'\"")
    relative = bool(_RELATIVE.match(text))
    text = _LEADING.sub("", text)
    text = _TRAILING.sub("", text)
    return text.strip(" \t.;:-'\""), relative


def parse_location(query: str) -> ParsedQuery:
    """Split a location string into the asked-for place and context places.

    >>> parse_location("Chuhuiv, south of Kharkiv")
    ParsedQuery(main=['Chuhuiv'], context=['Kharkiv'], relative=False, within_context=False)
    >>> parse_location("Oleksiyivka area of Kharkiv")
    ParsedQuery(main=['Oleksiyivka'], context=['Kharkiv'], relative=False, within_context=True)
    >>> parse_location("near Izium")
    ParsedQuery(main=['Izium'], context=[], relative=True, within_context=False)
    """
    text = re.sub(r"\s+", " ", query or "").strip()
    asides = re.findall(r"\(([^)]*)\)", text)
    text = re.sub(r"\([^)]*\)", " ", text)
    parts = [p for p in re.split(r"[,;]|\s+-\s+", text) if p.strip()]
    main: list[str] = []
    context: list[str] = []
    relative = False
    within_context = False
    for index, part in enumerate(parts):
        cleaned, part_relative = _clean(part)
        inner = _INNER.split(cleaned, maxsplit=1)
        head = _clean(inner[0])[0]
        if index == 0:
            relative = part_relative
            joint = _INNER.search(cleaned).group(0).strip().lower() if len(inner) > 1 else ""
            if joint in ("near", "outside"):
                relative = True
            if joint in _PART_OF or _PART_WORD.search(inner[0]):
                within_context = True
            main.extend(a.strip() for a in head.split("/") if a.strip())
        else:
            context.extend(a.strip() for a in head.split("/") if a.strip())
        if len(inner) > 1:
            tail, _ = _clean(inner[1])
            if tail:
                context.append(tail)
    main = [m for m in main if m]
    # A street or facility name is not a place in the gazetteer: let the context answer.
    if main and all(_STREETISH.search(m) for m in main) and context:
        main = []
    context.extend(a.strip() for a in asides if a.strip() and not re.search(r"[^\x00-\x7f]", a))
    context = [c for c in context if c]
    return ParsedQuery(main=main, context=context, relative=relative, within_context=within_context and bool(context))
