"""Weapon classes: free-text weapon strings and gold labels mapped onto a few comparable classes."""
from __future__ import annotations

import functools
import importlib.resources
import json
import re
from pathlib import Path
from typing import Any, Mapping

from mapper.errors import MapperError


_SPLIT_WEAPONS = re.compile(r"\s*(?:[,;/+&|]|\band\b|\bor\b)\s*", re.IGNORECASE)


class WeaponClasses:
    """A map from weapon strings (free text or gold labels) to a small set of classes.

    Built from a mapping ``class -> [keyword, ...]`` (lower case); the optional key
    ``"_ignore"`` lists labels that say nothing (``"Unknown"``); keys starting with
    ``_`` are otherwise comments. A string is split on ``, ; / + & | and or``; each
    part takes the class of its longest matching keyword (on word boundaries, an
    optional plural ``s``/``es`` allowed), ties going to the class listed first.

    Examples
    --------
    >>> wc = WeaponClasses({"missile": ["missile", "atacms"], "drone": ["drone", "loitering munition"],
    ...                     "cluster": ["cluster munition"], "_ignore": ["unknown"]})
    >>> sorted(wc.classify("ATACMS with cluster munitions"))
    ['cluster']
    >>> sorted(wc.classify("Missiles and Shahed drones"))
    ['drone', 'missile']
    >>> wc.classify("Unknown"), wc.classify("")
    (frozenset(), frozenset())
    """

    def __init__(self, mapping: Mapping[str, Any]):
        self.ignore = frozenset(str(v).strip().lower() for v in mapping.get("_ignore", ()))
        self.classes: dict[str, tuple[str, ...]] = {}
        patterns = []
        for name, keywords in mapping.items():
            if name.startswith("_"):
                continue
            if isinstance(keywords, str) or not all(isinstance(k, str) for k in keywords):
                raise MapperError(f"weapon classes: class {name!r} must list keyword strings")
            self.classes[name] = tuple(k.strip().lower() for k in keywords if k.strip())
            for kw in self.classes[name]:
                patterns.append((name, re.compile(r"(?<!\w)" + re.escape(kw) + r"(?:e?s)?(?!\w)")))
        self._patterns = patterns

    def _classify_part(self, part: str) -> str | None:
        best, best_len = None, 0
        for name, pattern in self._patterns:
            m = pattern.search(part)
            if m and len(m.group(0)) > best_len:
                best, best_len = name, len(m.group(0))
        return best

    def parts(self, text: str | None) -> list[str]:
        """The non-empty, non-ignored parts of a weapon string, lower case."""
        if not text:
            return []
        parts = [p.strip().lower() for p in _SPLIT_WEAPONS.split(text)]
        return [p for p in parts if p and p not in self.ignore]

    def classify(self, text: str | None) -> frozenset[str]:
        """The classes named by a weapon string (empty for none, unknown or unclassifiable)."""
        return frozenset(c for c in map(self._classify_part, self.parts(text)) if c)

    def unclassified(self, text: str | None) -> list[str]:
        """The parts of a weapon string that name no class."""
        return [p for p in self.parts(text) if self._classify_part(p) is None]


@functools.lru_cache(maxsize=None)
def _default_weapon_classes() -> WeaponClasses:
    resource = importlib.resources.files("mapper").joinpath("incidents", "lexicons", "weapon_classes.json")
    return WeaponClasses(json.loads(resource.read_text(encoding="utf-8")))


def load_weapon_classes(path: str | Path | None = None) -> WeaponClasses:
    """The weapon classes from a JSON file; by default mapper's ``incidents/lexicons/weapon_classes.json``."""
    if path is None:
        return _default_weapon_classes()
    with open(path, encoding="utf-8") as fh:
        try:
            return WeaponClasses(json.load(fh))
        except json.JSONDecodeError as exc:
            raise MapperError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
