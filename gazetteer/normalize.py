"""The one place where place names are folded for matching.

Every lookup key in the gazetteer and every query goes through :func:`normalize_name`,
so "Kyiv", "KYIV", "Kyïv" and "the Kyiv" meet on one key.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["normalize_name"]

# Apostrophe-like marks transliterations use interchangeably (Kharkivs'ka, Kharkivsʼka, Oblastʹ).
_APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u02bb\u0060\u00b4\u2032\u02c8"
_DROP = str.maketrans("", "", _APOSTROPHES + ".")
# Letters with no Unicode decomposition that people type without their stroke ("Lodz", "Oresund").
_UNDECOMPOSED = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ŀ": "l",
                               "þ": "th", "æ": "ae", "œ": "oe", "ŧ": "t"})
_SPACE_LIKE = re.compile(r"[\s\-\u2010-\u2015_/,;:()\[\]\"\u201c\u201d]+")
_LEADING_THE = re.compile(r"^the\s+")


@lru_cache(maxsize=262_144)
def normalize_name(name: str) -> str:
    """Fold a place name to its lookup key.

    Examples
    --------
    >>> normalize_name("Kharkivs'ka Oblast'")
    'kharkivska oblast'
    >>> normalize_name("  The Hague ")
    'hague'
    >>> normalize_name("Bila Tserkva")
    'bila tserkva'
    >>> normalize_name("Kyïv")
    'kyiv'
    >>> normalize_name("Ivano-Frankivsk")
    'ivano frankivsk'
    >>> normalize_name("Łódź")
    'lodz'
    """
    decomposed = unicodedata.normalize("NFKD", name)
    # Dropping combining marks strips Latin diacritics but leaves other scripts intact (an
    # ASCII name has none to drop: most names, and the build folds millions).
    stripped = decomposed if decomposed.isascii() else "".join(
        ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.casefold().translate(_DROP).translate(_UNDECOMPOSED)
    folded = _SPACE_LIKE.sub(" ", folded).strip()
    return _LEADING_THE.sub("", folded)
