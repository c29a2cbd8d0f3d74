"""Where an incident happened: the place tied to the event, not every place a statement names.

Each place a statement names gets a role from the words around it (and from the dependency
parse when the statement was parsed):

- ``location``: the object of a place preposition ("in Izium", "near Kupiansk", "at X"),
  the object of the trigger ("shelled Kharkiv"), the subject of a passive ("Kharkiv was hit");
- ``speaker`` / ``actor``: the subject of a speech or decision verb ("Washington gave the
  greenlight"), a country or capital acting ("Ukraine attacked", "for Kyiv to use them");
- ``modifier``: part of another name ("Moscow-funded media", "Russian Defense Ministry");
- ``origin``: where weapons came from ("launched from Belgorod").

Speakers, actors and modifiers are never locations; among the others the most specific place
closest to the trigger wins (village, then district, then region, then country). Place-like
capitalised names the gazetteer does not know ("the village of X", "X northwest of Kursk")
become unresolved locations, placed at the enclosing district or region.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from gazetteer.name_forms import ARABIC_ARTICLES
from gazetteer.normalize import normalize_name
from mapper.model import Place

__all__ = ["PlaceCandidate", "Where", "level_of", "Locator"]

# Levels: how specific a place is.
COUNTRY, REGION, DISTRICT, SETTLEMENT = 1, 2, 3, 4
_NAME_WORD = r"[A-Z][\w'’]*(?:[\-][A-Z]?[\w'’]+)*"
# "Wad al-Nourah", "Deir el-Balah": an Arabic article joined to the next word belongs to the name.
# (with the joining vowels of Persian and Urdu names: "Dasht-ul-...")
_JOINED_ARTICLE = r"(?:" + "|".join(sorted(ARABIC_ARTICLES | {"ul", "ud", "un"})) + r")-[A-Z][\w'’]*"
_NAME = _NAME_WORD + r"(?:\s+(?:" + _NAME_WORD + "|" + _JOINED_ARTICLE + r")){0,2}"
_OBJECT_KINDS = {"remote_attack", "air_strike", "weak_hit", "capture", "retake", "civilian_attack", "abduction",
                 "explosion", "clash", "riot", "arrest", "looting"}
_DIRECTION_WORDS = {"north", "south", "east", "west", "northwest", "northeast", "southwest", "southeast", "central",
                    "northern", "southern", "eastern", "western", "upper", "lower", "middle"}
_DIRECTION = r"(?:north|south|east|west|north[\- ]?west|north[\- ]?east|south[\- ]?west|south[\- ]?east)"


def level_of(place: Place) -> int:
    code = place.feature_code
    if place.feature_class == "P":
        return SETTLEMENT
    if code in ("PCLI", "PCLD", "PCLS", "PCLF", "PCLIX", "PCL", "TERR"):
        return COUNTRY
    if code == "ADM1":
        return REGION
    if code.startswith("ADM"):
        return DISTRICT
    return REGION


def precision_of(level: int, near: bool) -> int:
    if level >= SETTLEMENT:
        return 2 if near else 1
    if level == DISTRICT:
        return 2
    return 3


@dataclass
class PlaceCandidate:
    start: int                 # article offsets
    end: int
    text: str
    place: Place | None        # None: a name the gazetteer does not know
    level: int
    label: str = "GAZ"
    role: str = "other"
    near: bool = False
    attached: bool = False     # tied to the trigger by the parse or by adjacency
    reference: Place | None = None   # for unknown names: the town in "X northwest of <town>"
    score: float = 0.0


@dataclass
class Where:
    """The chosen location of an incident."""

    location: str
    point: Place
    precision: int
    level: int
    source: str                # statement, dateline, inherited, article
    unresolved: bool = False
    key: str = ""
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not self.key:
            self.key = (f"u:{normalize_name(self.location)}" if self.unresolved else f"g:{self.point.geonameid}")


class Locator:
    """Roles and scores of the places of one statement."""

    def __init__(self, lex, gazetteer, weapon_pattern, common_word=None):
        self.lex = lex
        self.common_word = common_word or (lambda word: 0.0)
        self.gazetteer = gazetteer
        self.weapon_pattern = weapon_pattern
        words = lex.words
        alt = lambda key: "|".join(re.escape(w) for w in sorted(words.get(key, ()), key=len, reverse=True))
        self._speech = re.compile(
            r"^\s*(?:,[^,]{0,60},\s*)?(?:(?:has|have|had|also|then|later|reportedly|officially|on\s+\w+|last\s+\w+|"
            r"this\s+\w+|itself|once|again|quickly|finally|recently|now|just|already)\s+){0,3}"
            r"(?:" + alt("speech_verbs") + "|" + alt("decision_verbs") + r")\b", re.IGNORECASE)
        self._acting = re.compile(
            r"^\s*(?:(?:has|have|had|also|then|later|reportedly|again|on\s+\w+)\s+){0,2}"
            r"(?:attacked|struck|launched|fired|shelled|hit|targeted|bombed|shot|invaded|sent|used|responded|"
            r"retaliated|carried out|conducted|intercepted|downed|shot down|destroyed|seized|captured|deployed|"
            r"continues|continued|is|was|has)\b", re.IGNORECASE)
        self._modifier = re.compile(r"^[\-‐](?:" + "|".join(re.escape(s.lstrip("-")) for s in words.get("modifier_suffixes", ())) + r"|\w+ed)\b",
                                    re.IGNORECASE)
        self._org_after = re.compile(r"^(?:['’]s)?\s+(?:[A-Z]?[a-z]+\s+){0,2}?(?:" + alt("organisation_nouns") + r")\b", re.IGNORECASE)
        self._org_after_strict = re.compile(r"^(?:['’]s)?\s+(?:[A-Z][a-z]+\s+){0,2}?(?i:" + alt("organisation_nouns") + r")\b")
        self._water_after = re.compile(r"^\s+(?:" + alt("water_words") + r")\b", re.IGNORECASE)
        self._loc_before = re.compile(
            r"\b(" + alt("location_prepositions") + "|" + alt("near_prepositions") + r")\s+(?:the\s+)?"
            r"(?:[A-Z][\w\-]+['’]s\s+)?"
            r"(?:(?:" + alt("settlement_words") + r"|region|oblast|province|outskirts|suburbs?|centre|center|"
            r"area|city centre|city center|vicinity|central|downtown|northern|southern|eastern|western|" + _DIRECTION +
            r"(?:ern)?)\s+(?:of\s+(?:the\s+)?)?){0,2}$", re.IGNORECASE)
        self._near = set(w.lower() for w in words.get("near_prepositions", ()))
        self._origin_before = re.compile(r"\b(?:from|out of|via)\s+(?:the\s+)?(?:territory of\s+(?:the\s+)?)?$", re.IGNORECASE)
        self._km_before = re.compile(r"(?:km|kilomet(?:er|re)s?|miles?)\s+(?:from|of|away from)\s+(?:the\s+)?$", re.IGNORECASE)
        self._for_to = re.compile(r"\bfor\s+$", re.IGNORECASE)
        self._passive_after = re.compile(r"^\s*(?:,\s*)?(?:was|were|has been|have been|had been|is|are|came|comes|come|"
                                         r"suffered|saw|reported|experienced)\b", re.IGNORECASE)
        self._territory_after = re.compile(r"^\s+(?:" + alt("territory_words") + r")\b", re.IGNORECASE)
        self._settlement_before = re.compile(r"\b(?:" + alt("settlement_words") + r")\s+of\s+$", re.IGNORECASE)
        self.non_place = set(words.get("non_place_words", ()))
        self.speech_words = set(words.get("speech_verbs", ())) | set(words.get("decision_verbs", ()))
        self.org_nouns = set(words.get("organisation_nouns", ()))
        self.loc_preps = set(words.get("location_prepositions", ()))
        # unknown place names
        settlement = alt("settlement_words")
        self._unknown_patterns = [
            ("settlement", re.compile(r"\b(?:" + settlement + r")\s+of\s+(" + _NAME + r")")),
            ("direction", re.compile(r"(?<![\w\-])(" + _NAME + r"),?\s+(?:(?:\d+|a few|several|some)\s+(?:km|kilomet(?:er|re)s|miles)\s+)?"
                                     r"(?i:" + _DIRECTION + r")\s+of\s+(?:the\s+(?:city|town)\s+of\s+)?(" + _NAME + r")")),
            ("near", re.compile(r"\b(?i:near|outside|around|(?:km|kilomet(?:er|re)s|miles)\s+(?:from|of)|not far from|close to|"
                                r"on the outskirts of|outskirts of)\s+(" + _NAME + r")")),
            ("prep", re.compile(r"\b(?:in|at)\s+(" + _NAME + r")")),
            ("comma", re.compile(r"(?<=[a-z]),\s+(" + _NAME + r")(?=\s+[a-z]|[.,;]|$)")),
            ("apposition", re.compile(r"(?<![\w\-])(" + _NAME + r"),\s+(?:a|the)\s+(?:small\s+|frontline\s+|front-line\s+|border\s+)?"
                                      r"(?:village|town|settlement|hamlet)\b")),
        ]

    # -- roles ----------------------------------------------------------------
    def text_role(self, text: str, start: int, end: int, cand: PlaceCandidate, cue_spans) -> PlaceCandidate:
        """Role from the words around the mention (article ``text``, article offsets)."""
        before = text[max(0, start - 45):start]
        after = text[end:end + 60]
        place = cand.place
        is_country = cand.level == COUNTRY
        capital = place is not None and place.feature_code == "PPLC"
        role, near, attached = "other", False, False
        if self._modifier.match(after):
            role = "modifier"
        elif self._km_before.search(before):
            role, near = "location", True
        elif self._settlement_before.search(before):
            role = "location"
        elif (m := self._loc_before.search(before)) is not None:
            role = "location"
            prep = m.group(1).lower()
            near = prep in self._near or bool(re.search(r"\b(?:outskirts|vicinity|suburbs?)\s+of\s+(?:the\s+)?$", before, re.I))
            attached = any(0 <= start - ce <= 25 for cs, ce, _ in cue_spans)
        elif self._origin_before.search(before):
            role = "origin"
        elif self._for_to.search(before) and re.match(r"^\s+to\b", after):
            role = "actor"
        elif self._speech.match(after):
            role = "speaker"
        elif (is_country or capital) and self._acting.match(after):
            role = "actor"
        elif self._passive_after.match(after) and not is_country:
            role, attached = "location", True
        elif any(0 <= start - ce <= 6 and kind in _OBJECT_KINDS and re.fullmatch(r"\s+(?:the\s+)?", text[ce:start])
                 for cs, ce, kind in cue_spans):
            role, attached = "object", True
        if role in ("other", "location", "object") and (is_country or capital or cand.label == "NORP"):
            if self._org_after.match(after):
                role = "modifier"
        elif role == "other" and self._org_after_strict.match(after):
            role = "modifier"
        if is_country and role == "location" and re.match(r"^['’]s\s+(?:[A-Z][\w\-]+\s+){1,3}(?:region|oblast|province|district|"
                                                          r"krai|republic|city|capital)\b", after, re.I):
            role = "other"         # "in Russia's Kursk Region": the country only qualifies the region
        if (is_country or cand.label == "NORP") and re.match(r"^[\s\-]*(?:[\w\-]+\s+)?(?:missiles?|drones?|rockets?|weapons?|munitions?|"
                                                            r"bombs?|shells?|jets?|aircraft|tanks?|systems?)\b", after, re.I):
            role = "modifier"
        if cand.label == "NORP":
            role = "location" if self._territory_after.match(after) else "modifier"
        if self._water_after.match(after) and (place is None or place.feature_class != "H"):
            role = "modifier"          # "the Desna river": a river, not the village named like it
        if role != "location" and cand.label != "UNK" and self.common_word(cand.text) >= 4.0:
            role = "modifier"          # "Mass grave", "School No. 6": common words a gazetteer also knows
        return replace(cand, role=role, near=near or cand.near, attached=attached or cand.attached)

    def syntax_role(self, sdoc, offset: int, cand: PlaceCandidate, cue_spans) -> PlaceCandidate:
        """Refine a role with the dependency parse of the statement (``offset``: statement start)."""
        span = sdoc.char_span(cand.start - offset, cand.end - offset, alignment_mode="expand")
        if span is None or len(span) == 0:
            return cand
        tok = span.root
        cue_tokens = set()
        for cs, ce, _ in cue_spans:
            cspan = sdoc.char_span(cs - offset, ce - offset, alignment_mode="expand")
            if cspan is not None:
                cue_tokens.update(t.i for t in cspan)
        head = tok.head
        dep = tok.dep_
        # climb through conjunctions and appositions ("in Kharkiv and Izium", "Izium, Kharkiv region")
        while dep in ("conj", "appos") and head is not tok and head.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass", "compound", "conj", "appos"):
            tok, head, dep = head, head.head, head.dep_
        role, near, attached = cand.role, cand.near, cand.attached
        lower_head = head.lower_
        if dep in ("nsubj",) and lower_head in self.speech_words:
            role = "speaker"
        elif dep == "nsubj" and head.i in cue_tokens and cand.level <= COUNTRY:
            role = "actor"
        elif dep == "nsubjpass" and head.i in cue_tokens:
            role, attached = "location", True
        elif dep == "pobj":
            prep = head.lower_
            phrase = " ".join(t.lower_ for t in sdoc[max(head.i - 2, 0):head.i + 1])
            if prep in ("from",) and not re.search(r"(?:km|kilomet\w+|miles)\s+from$", phrase):
                role = "origin"
            elif prep == "by" and cand.level <= COUNTRY:
                role = "actor"
            elif prep in self.loc_preps or prep in ("of", "from"):
                if role in ("other", "object", "location"):
                    role = "location"
                near = near or any(phrase.endswith(n) for n in self._near)
                anchor = head.head
                if anchor.i in cue_tokens or any(a.i in cue_tokens for a in anchor.ancestors) or \
                        any(c.i in cue_tokens for c in anchor.subtree if abs(c.i - anchor.i) <= 3):
                    attached = True
        elif dep == "dobj" and head.i in cue_tokens:
            role, attached = ("location" if cand.level > COUNTRY else role), True
        elif dep in ("compound", "amod", "nmod", "poss", "npadvmod") and head.lower_ in self.org_nouns:
            if cand.level <= COUNTRY or (cand.place is not None and cand.place.feature_code == "PPLC"):
                role = "modifier"
        return replace(cand, role=role, near=near, attached=attached)

    # -- scores ---------------------------------------------------------------
    def score(self, cand: PlaceCandidate, anchor: int) -> float:
        base = {"location": 3.0, "object": 2.5, "other": 0.5}.get(cand.role)
        if base is None:          # speaker, actor, modifier
            return float("-inf")
        s = base + 0.8 * cand.level + (1.5 if cand.attached else 0.0)
        if cand.place is None:
            s -= 0.5
        s -= min(abs(cand.start - anchor), 400) / 150.0
        return s

    def excluded_text(self, text: str) -> bool:
        """Mentions that are weapons ("Pantsir"), date words, or known non-places."""
        key = text.lower().strip()
        if key in self.non_place:
            return True
        if all(w in _DIRECTION_WORDS for w in re.split(r"[\s\-]+", key)):
            return True
        m = self.weapon_pattern.fullmatch(text) if self.weapon_pattern else None
        return m is not None

    # -- unknown names --------------------------------------------------------
    def unknown_names(self, text: str, start: int, end: int, known_spans, blocked_spans, common_word):
        """(start, end, name, kind, reference_name) for place-like names in text[start:end] that no
        mention covers."""
        chunk = text[start:end]
        out = []
        known = list(known_spans)
        taken: list[tuple[int, int]] = []
        for kind, pattern in self._unknown_patterns:
            for m in pattern.finditer(chunk):
                s, e = start + m.start(1), start + m.end(1)
                name = m.group(1)
                # trim trailing words that are not part of a name ("Lotarevka Northwest")
                words = name.split()
                while words and words[-1].lower() in self.non_place:
                    words.pop()
                while words and words[0].lower() in self.non_place:
                    s += len(words[0]) + 1
                    words.pop(0)
                if not words:
                    continue
                name = " ".join(words)
                e = s + len(name)
                if any(s < ke and ks < e for ks, ke in taken):
                    continue
                if kind not in ("direction", "settlement", "near") and any(s < ke and ks < e for ks, ke in known):
                    continue
                blocked = any(s >= bs and e <= be for bs, be in blocked_spans) and kind == "prep"
                first = words[0].lower()
                if len(name) < 4 or name.isupper():
                    continue
                if kind in ("prep", "near") and (len(words) == 1 and common_word(first) >= 3.0):
                    continue
                if common_word(first) >= 4.5:
                    continue
                if self.excluded_text(name):
                    continue
                reference = m.group(2) if kind == "direction" else None
                # a name another entity type claims ("in Biden's") is kept only if the gazetteer knows it
                out.append((s, e, name, "blocked" if blocked else kind, reference))
                taken.append((s, e))
        return out
