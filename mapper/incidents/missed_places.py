"""Place names recognition missed: names right after an attack verb ("pounded Velykyi Burluk") and
place-like names next to place prepositions. Gazetteer names among them become extra mentions,
the rest unknown places (villages the gazetteer does not know)."""
from __future__ import annotations

import re

from dataclasses import replace

from mapper.incidents.locate import _NAME
from mapper.model import Mention, ResolvedMention
from mapper.resolve import place_from_candidate
from mapper.recognition.lexicon import common_word

__all__ = ["MissedPlaces"]


class MissedPlaces:
    """Finds the names with the locator's rules and checks them against the gazetteer."""

    def __init__(self, lex, gazetteer, locator):
        self.gazetteer = gazetteer
        self.locator = locator
        verbs = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(lex.words.get("object_verbs", ()), key=len, reverse=True))
        self._object_re = re.compile(r"(?i:\b(?:" + verbs + r"))\s+(?:the\s+)?(?:(?i:village|town|city|settlement)\s+of\s+)?(" + _NAME + ")")

    @staticmethod
    def _blocked_spans(doc) -> list[tuple[int, int]]:
        if doc is None:
            return []
        return [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("PERSON", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW")]

    def _candidate_names(self, text: str, mentions: list[Mention], doc):
        known = [(m.start, m.end) for m in mentions]
        blocked = self._blocked_spans(doc)
        return self.locator.unknown_names(text, 0, len(text), known, blocked, common_word)

    def _object_names(self, text: str, taken) -> list[tuple[int, int, str, str, None]]:
        """Gazetteer names right after an attack verb ("pounded Velykyi Burluk")."""
        out = []
        for m in self._object_re.finditer(text):
            s, e = m.start(1), m.end(1)
            words = m.group(1).split()
            while words and words[-1].lower() in self.locator.non_place:
                words.pop()
            if not words:
                continue
            name = " ".join(words)
            e = s + len(name)
            if any(s < te and ts < e for ts, te in taken) or self.locator.excluded_text(name):
                continue
            out.append((s, e, name, "object", None))
        return out

    def supplement(self, text: str, mentions: list[Mention], doc):
        """Place-like names next to place prepositions that recognition missed: gazetteer names
        become extra mentions (resolved with the others), the rest unknown places."""
        extra, unknown = [], []
        names = self._candidate_names(text, mentions, doc)
        taken = [(m.start, m.end) for m in mentions] + [(n[0], n[1]) for n in names]
        for s, e, name, kind, reference in self._object_names(text, taken):
            if self.gazetteer.has_name(name):
                extra.append(Mention(s, e, name, "GAZ", None))
        spans = [(m.start, m.end) for m in mentions]
        for s, e, name, kind, reference in names:
            if self.gazetteer.has_name(name):
                if not any(s < me and ms < e for ms, me in spans):
                    extra.append(Mention(s, e, name, "GAZ", None))
            elif kind not in ("comma", "blocked"):
                unknown.append((s, e, name, kind, reference))
        return extra, unknown

    def unknown(self, text, mentions, doc):
        return [u for u in self._candidate_names(text, mentions, doc)
                if u[3] not in ("comma", "blocked") and not self.gazetteer.has_name(u[2])]

    def at_home(self, resolved: list[ResolvedMention], extra: set[tuple[int, int]]):
        """The article's resolved mentions, with each name recognition missed (``extra`` spans) read
        in a country the article's other places are in: "Karak" in a story about Jordan is Al
        Karak, not Karak in Pakistan. A name with no reading there ("the village of Wad ..." in
        Sudan: only Vad, Russia) is a village the gazetteer does not know, returned as unknown."""
        countries = {rm.place.country_code for rm in resolved
                     if rm.place is not None and (rm.mention.start, rm.mention.end) not in extra}
        if not countries:
            return resolved, []
        kept, strays = [], []
        for rm in resolved:
            m = rm.mention
            if (m.start, m.end) not in extra or (rm.place is not None and rm.place.country_code in countries):
                kept.append(rm)
                continue
            home = next(((c, score) for c, score in ((self.gazetteer.get(gid), score) for gid, score in rm.candidates)
                         if c is not None and c.country_code in countries), None)
            if home is None:
                strays.append((m.start, m.end, m.text, "object", None))
            else:
                kept.append(replace(rm, place=place_from_candidate(home[0]), score=home[1],
                                    components={"in the article's countries": 1.0}))
        return kept, strays
