"""The incident lexicons: data files under ``lexicons/`` loaded, checked and compiled once.

Files (all JSON, lower-case terms):

- ``weapons.json``: canonical weapon names with their class (a class of ``weapon_classes.json``)
  and the terms that name them;
- ``triggers.json``: the ACLED taxonomy and the cues (trigger verbs and nouns) by kind;
- ``actors.json``: actor words and ACLED-style actor names, target nouns;
- ``cues.json``: number words, speech and decision verbs, place prepositions, modality...;
- ``settings.json``: confidence weights and thresholds.

A term is matched case-insensitively on word boundaries; spaces in a term match spaces or
hyphens; a trailing ``*`` matches any word ending.

>>> lex = load_lexicons()
>>> [m.group(0) for m in lex.cue("remote_attack").finditer("Artillery shelled the town")]
['shelled']
>>> lex.weapon_entry("Shahed").weapon_class
'drone'
"""
from __future__ import annotations

import functools
import importlib.resources
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from mapper.errors import MapperError

__all__ = ["Lexicons", "WeaponEntry", "CueKind", "load_lexicons", "compile_terms", "validate_lexicons",
           "LEXICON_FILES"]

LEXICON_FILES = ("weapons.json", "triggers.json", "actors.json", "cues.json", "settings.json")


class LexiconError(MapperError, ValueError):
    """A lexicon file is missing, not JSON, or does not have the expected shape."""


def _term_regex(term: str, plural: bool = False) -> str:
    term = term.strip().lower()
    star = term.endswith("*")
    if star:
        term = term[:-1]
    words = re.split(r"\s+", term)
    body = r"[\s\-]+".join(re.escape(w).replace(r"\-", r"[\-\s]?") for w in words)
    if star:
        body += r"[\w'’\-]*"
    elif plural:
        body += r"(?:e?s)?"
    return body


def compile_terms(terms: Iterable[str], plural: bool = False) -> re.Pattern | None:
    """One case-insensitive regex for a list of terms, longest first, on word boundaries.

    >>> bool(compile_terms(["air strike*"]).search("Two Air-strikes hit"))
    True
    >>> compile_terms(["atacms"], plural=True).search("ATACMSes").group(0)
    'ATACMSes'
    """
    parts = sorted({t.strip().lower() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not parts:
        return None
    alternation = "|".join(_term_regex(t, plural) for t in parts)
    return re.compile(r"(?<![\w\-])(?:" + alternation + r")(?![\w])", re.IGNORECASE)


@dataclass(frozen=True)
class WeaponEntry:
    name: str
    weapon_class: str
    terms: tuple[str, ...]
    generic: bool = False
    air_defence: bool = False
    # words right before / after a term that make it something else ("oil tank", "tank of acid")
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()

    def excluded(self, text: str, start: int, end: int) -> bool:
        before = _WORD_BEFORE.search(text, 0, start) if self.not_after else None
        after = _WORD_AFTER.match(text, end) if self.not_before else None
        return bool((before and before.group(1).lower() in self.not_after)
                    or (after and after.group(1).lower() in self.not_before))


_WORD_BEFORE = re.compile(r"([A-Za-z]+)[\s\-]+$")
_WORD_AFTER = re.compile(r"[\s\-]+([A-Za-z]+)")


@dataclass(frozen=True)
class CueKind:
    name: str
    strength: str
    terms: tuple[str, ...]
    pattern: re.Pattern
    exclude: re.Pattern | None = None

    def finditer(self, text: str) -> Iterator[re.Match]:
        """Matches of the kind's terms, less those inside one of its exclusion phrases."""
        spans = [(m.start(), m.end()) for m in self.exclude.finditer(text)] if self.exclude else []
        for m in self.pattern.finditer(text):
            if any(s <= m.start() and m.end() <= e for s, e in spans):
                continue
            yield m


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def _folds_safely(text: str) -> bool:
    """Whether lower-casing keeps every offset ("İ" becomes two characters; ASCII never moves)."""
    return text.isascii() or len(text.lower()) == len(text)
_GAP = re.compile(r"[\s\-]+")


class TermIndex:
    """All terms of many kinds, looked up word by word (much faster than one regex per kind).

    Matches what :func:`compile_terms` matches for the usual terms: words separated by spaces
    or hyphens ("cease-fire" also matches "ceasefire"), a trailing ``*`` for any word ending.

    >>> index = TermIndex({"a": ["air strike*", "shell*"], "b": ["strike"]})
    >>> [(m[2], m[3]) for m in index.find("Two air-strikes and shelling")]
    [('a', 'air-strikes'), ('a', 'shelling')]
    """

    def __init__(self, kinds: dict[str, Iterable[str]], plural: bool | Iterable[str] = False):
        plural_kinds = set(kinds) if plural is True else set(plural or ())
        self.plural = bool(plural_kinds)
        self._first: dict[str, list[tuple[tuple[str, ...], bool, str]]] = {}
        self._stems: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}
        for kind, terms in kinds.items():
            kind_plural = kind in plural_kinds
            for term in terms:
                term = term.strip().lower()
                if not term:
                    continue
                star = term.endswith("*")
                if star:
                    term = term[:-1]
                for words in self._variants(term):
                    if len(words) == 1 and star:
                        self._stems.setdefault(words[0][:3], []).append((words[0], (), kind))
                    else:
                        self._first.setdefault(words[0], []).append((tuple(words[1:]), star, kind, kind_plural))
                        if kind_plural and len(words) == 1:
                            for suffix in ("s", "es"):
                                self._first.setdefault(words[0] + suffix, []).append((tuple(), star, kind, True))
        for entries in self._first.values():
            entries.sort(key=lambda e: -len(e[0]))

    @staticmethod
    def _variants(term: str) -> list[list[str]]:
        split = _WORD.findall(term)
        out = [split]
        if "-" in term:
            joined = _WORD.findall(term.replace("-", ""))
            if joined != split:
                out.append(joined)
        return out

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, kind, surface) for every kind's longest term at each word."""
        words = []
        # Lowered once for the whole text (same length: the word class keeps case-folding
        # letters that change length out of it, see _folds_safely).
        lowered = text.lower() if _folds_safely(text) else None
        for m in _WORD.finditer(lowered if lowered is not None else text):
            w = m.group(0) if lowered is not None else m.group(0).lower()
            if w.endswith(("'s", "’s")):     # "the drone's wreck": the word is "drone"
                words.append((m.start(), m.end() - 2, w[:-2]))
            else:
                words.append((m.start(), m.end(), w))
        out = []
        n = len(words)
        last_end: dict[str, int] = {}
        first, stems = self._first, self._stems
        for i, (start, end, w) in enumerate(words):
            entries = first.get(w)
            stem_entries = stems.get(w[:3])
            if entries is None and stem_entries is None:
                continue
            if start and text[start - 1] == "-":
                continue              # "air-dropped": not "dropped"
            best: dict[str, int] = {}
            for rest, star, kind, plural in entries or ():
                k = len(rest)
                if kind in best and best[kind] >= k:
                    continue
                if k == 0:
                    best[kind] = 0
                    continue
                if i + k >= n:
                    continue
                ok = True
                for j, r in enumerate(rest):
                    nxt = words[i + 1 + j]
                    last = j == k - 1
                    if star and last:
                        same = nxt[2].startswith(r)
                    elif plural and last:
                        same = nxt[2] in (r, r + "s", r + "es")
                    else:
                        same = nxt[2] == r
                    if not same or not _GAP.fullmatch(text, words[i + j][1], nxt[0]):
                        ok = False
                        break
                if ok:
                    best[kind] = k
            for stem, _, kind in stem_entries or ():
                if kind not in best and w.startswith(stem):
                    best[kind] = 0
            for kind, k in best.items():
                if last_end.get(kind, -1) > start:
                    continue          # inside a longer match of the same kind, as a regex would read it
                e = words[i + k][1]
                last_end[kind] = e
                out.append((start, e, kind, text[start:e]))
        return out


@dataclass
class Lexicons:
    raw: dict[str, Any]
    weapons: list[WeaponEntry]
    taxonomy: dict[str, tuple[str, ...]]
    cues: dict[str, CueKind]
    aggregate: re.Pattern | None
    words: dict[str, Any]
    actors: dict[str, Any]
    settings: dict[str, Any]
    weapon_pattern: re.Pattern = field(init=False)
    _weapon_by_term: dict[str, WeaponEntry] = field(init=False, default_factory=dict)

    def __post_init__(self):
        terms = []
        for entry in self.weapons:
            for term in entry.terms:
                self._weapon_by_term.setdefault(re.sub(r"[\s\-]+", " ", term.lower()).strip(), entry)
                terms.append(term)
        self.weapon_pattern = compile_terms(terms, plural=True)
        self._patterns: dict[str, re.Pattern | None] = {}
        self.weapon_index = TermIndex({e.name: e.terms for e in self.weapons}, plural=True)
        self._weapon_by_name = {e.name: e for e in self.weapons}
        self.cue_index = TermIndex({name: kind.terms for name, kind in self.cues.items()})
        self.cue_exclude_index = TermIndex({name: [t for t in (self.raw["triggers.json"]["cues"][name].get("exclude") or ())]
                                            for name in self.cues})
        # cues and their exclusions in one pass; exclusion kinds are prefixed with "!"
        both = {name: kind.terms for name, kind in self.cues.items()}
        for name in self.cues:
            excl = self.raw["triggers.json"]["cues"][name].get("exclude") or ()
            if excl:
                both["!" + name] = list(excl)
        self.cue_and_exclude_index = TermIndex(both)
        # everything a statement is read for, in one index
        every = dict(both)
        for e in self.weapons:
            every["w:" + e.name] = e.terms
        for kind, terms in self.actors.get("generic", {}).items():
            every["a:" + kind] = terms
        for kind, terms in self.actors.get("targets", {}).items():
            every["t:" + kind] = terms
        self.index = TermIndex(every, plural={"w:" + e.name for e in self.weapons})

    # -- access ------------------------------------------------------------
    def cue(self, kind: str) -> CueKind:
        return self.cues[kind]

    def weapon_entry(self, name: str) -> WeaponEntry | None:
        for entry in self.weapons:
            if entry.name.lower() == name.lower():
                return entry
        return None

    def find_terms(self, text: str) -> list[tuple[int, int, str, str]]:
        """Cues ("kind"), cue exclusions ("!kind"), weapons ("w:name"), actor words ("a:kind") and
        targets ("t:kind") of ``text`` in one pass: (start, end, kind, surface)."""
        return self.index.find(text)

    def find_weapons(self, text: str, found=None) -> list[tuple[int, int, WeaponEntry]]:
        """(start, end, weapon) for every weapon named in ``text``, longest names first."""
        if found is None:
            found = self.index.find(text)
        hits = sorted(((s, e, k[2:]) for s, e, k, _ in found if k.startswith("w:")), key=lambda t: (t[0], -(t[1] - t[0])))
        out: list[tuple[int, int, WeaponEntry]] = []
        for s, e, name in hits:
            if out and s < out[-1][1]:
                continue
            entry = self._weapon_by_name[name]
            if entry.excluded(text, s, e):
                continue
            out.append((s, e, entry))
        return out

    def weapon_for(self, surface: str) -> WeaponEntry | None:
        """The weapon a matched surface form names ("ATACMS missiles" -> ATACMS)."""
        key = re.sub(r"[\s\-]+", " ", surface.lower()).strip()
        for candidate in (key, key[:-2] if key.endswith("es") else key, key[:-1] if key.endswith("s") else key):
            entry = self._weapon_by_term.get(candidate)
            if entry is not None:
                return entry
        return None

    def word_set(self, name: str) -> frozenset[str]:
        return frozenset(self.words.get(name, ()))

    def pattern(self, name: str) -> re.Pattern | None:
        """A compiled regex for one word list of cues.json (cached)."""
        if name not in self._patterns:
            self._patterns[name] = compile_terms(self.words.get(name, ()))
        return self._patterns[name]

    def setting(self, *path: str, default=None):
        node: Any = self.settings
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return node


def _read(directory: Path | None, name: str) -> dict[str, Any]:
    try:
        if directory is None:
            text = importlib.resources.files("mapper.incidents").joinpath("lexicons", name).read_text("utf-8")
        else:
            text = (Path(directory) / name).read_text("utf-8")
    except FileNotFoundError as exc:
        raise LexiconError(f"lexicon file {name} is missing ({exc.filename})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LexiconError(f"lexicon {name}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    if not isinstance(data, dict):
        raise LexiconError(f"lexicon {name}: the top level must be a JSON object")
    return data


def _build(raw: dict[str, dict[str, Any]]) -> Lexicons:
    weapons = []
    for i, item in enumerate(raw["weapons.json"].get("weapons", [])):
        try:
            weapons.append(WeaponEntry(name=item["name"], weapon_class=item["class"], terms=tuple(item["terms"]),
                                       generic=bool(item.get("generic", False)),
                                       air_defence=bool(item.get("air_defence", False)),
                                       not_after=frozenset(w.lower() for w in item.get("not_after", ())),
                                       not_before=frozenset(w.lower() for w in item.get("not_before", ()))))
        except (KeyError, TypeError) as exc:
            raise LexiconError(f"weapons.json: entry {i} needs name, class and terms ({exc})") from exc
    triggers = raw["triggers.json"]
    taxonomy = {k: tuple(v) for k, v in triggers.get("taxonomy", {}).items()}
    cues = {}
    for name, spec in triggers.get("cues", {}).items():
        terms = tuple(spec.get("terms", ()))
        pattern = compile_terms(terms)
        if pattern is None:
            raise LexiconError(f"triggers.json: cue kind {name!r} has no terms")
        cues[name] = CueKind(name, spec.get("strength", "strong"), terms, pattern,
                             compile_terms(spec.get("exclude", ())))
    aggregate = compile_terms(triggers.get("aggregate", {}).get("terms", ()))
    return Lexicons(raw=raw, weapons=weapons, taxonomy=taxonomy, cues=cues, aggregate=aggregate,
                    words=raw["cues.json"], actors=raw["actors.json"], settings=raw["settings.json"])


@functools.lru_cache(maxsize=4)
def _load(directory: str | None) -> Lexicons:
    raw = {name: _read(Path(directory) if directory else None, name) for name in LEXICON_FILES}
    return _build(raw)


def load_lexicons(directory: str | Path | None = None) -> Lexicons:
    """The lexicons shipped with mapper (or those of ``directory``), loaded once per process."""
    return _load(str(directory) if directory else None)


def validate_lexicons(lex: Lexicons, weapon_classes=None) -> list[str]:
    """Problems found in the lexicons (an empty list when they are consistent).

    Checks: weapon classes exist in ``weapon_classes.json`` and each canonical weapon name
    classifies into its own class; cue kinds have a strength; the taxonomy is ACLED's six
    event types; actor templates name known kinds; settings hold numbers.
    """
    problems = []
    if weapon_classes is None:
        from mapper.evaluate import load_weapon_classes

        weapon_classes = load_weapon_classes()
    names = set()
    for entry in lex.weapons:
        if entry.name in names:
            problems.append(f"weapons: {entry.name!r} listed twice")
        names.add(entry.name)
        if entry.weapon_class not in weapon_classes.classes:
            problems.append(f"weapons: {entry.name!r} has class {entry.weapon_class!r}, not a class of weapon_classes.json")
        elif weapon_classes.classify(entry.name) != {entry.weapon_class}:
            problems.append(f"weapons: {entry.name!r} classifies as {sorted(weapon_classes.classify(entry.name))}, "
                            f"not {entry.weapon_class!r}")
        if not entry.terms or any(t != t.lower() or not t.strip() for t in entry.terms):
            problems.append(f"weapons: {entry.name!r} needs non-empty lower-case terms")
    expected = {"Explosions/Remote violence", "Battles", "Violence against civilians", "Protests", "Riots",
                "Strategic developments"}
    if set(lex.taxonomy) != expected:
        problems.append(f"triggers: taxonomy event types {sorted(lex.taxonomy)} are not ACLED's {sorted(expected)}")
    for kind in lex.cues.values():
        if kind.strength not in ("strong", "weak"):
            problems.append(f"triggers: cue kind {kind.name!r} has strength {kind.strength!r}")
        if any(t != t.lower() for t in kind.terms):
            problems.append(f"triggers: cue kind {kind.name!r} has upper-case terms")
    kinds = lex.actors.get("kinds", {})
    for group in ("groups", "generic", "targets", "named_groups"):
        for kind in lex.actors.get(group, {}):
            if group != "targets" and kind not in kinds:
                problems.append(f"actors: {group}.{kind} is not a kind")
    for name, spec in kinds.items():
        if "template" not in spec or spec.get("role") not in ("armed", "civilian", "other"):
            problems.append(f"actors: kind {name!r} needs a template and a role (armed, civilian, other)")
    for cc, name in {**lex.actors.get("state_forces", {}), **lex.actors.get("police_forces", {})}.items():
        if len(cc) != 2 or not cc.isupper():
            problems.append(f"actors: {cc!r} is not an ISO 3166-1 alpha-2 code")
    numbers = lex.words.get("number_words", {})
    if not all(isinstance(v, int) and v > 0 for v in numbers.values()):
        problems.append("cues: number_words must map words to positive integers")
    for key, value in lex.settings.get("confidence", {}).items():
        if not isinstance(value, (int, float)):
            problems.append(f"settings: confidence.{key} is not a number")
    return problems
