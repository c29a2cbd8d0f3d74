"""An article's statements: its sentences (or the clauses of one), and the incident cues each can stand on."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mapper.incidents.dates import DateMention
from mapper.incidents.detect import Cue
from mapper.incidents.locate import REGION, PlaceCandidate

__all__ = ["Statement", "StatementReader", "clauses"]

_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+(?=\s|$)|\n|$)")


@dataclass
class Statement:
    """A sentence (or a clause of one) with what is read from it along the way."""

    index: int
    start: int
    end: int
    text: str
    cues: list[Cue]
    dates: list[DateMention]
    sdoc: object = None
    sdoc_offset: int = 0             # where the statement's text starts in ``sdoc`` (clauses of a parsed sentence)
    usable: list[Cue] = field(default_factory=list)
    aggregate: bool = False
    terms: list | None = None
    pcands: list[PlaceCandidate] = field(default_factory=list)
    actor_mentions: list | None = None   # Actors.find / Actors.targets of the text, once computed
    target_mentions: list | None = None


class StatementReader:
    """Splits an article into statements and keeps the cues that report something that happened."""

    def __init__(self, lex):
        self._modality = lex.pattern("modality")
        self._embed = [m.lower() for m in lex.words.get("embed_markers", ())]
        self._reference = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in lex.words.get("reference_words", ()))
                                     + r")\s+(?:[\w\-]+\s+){0,2}$", re.IGNORECASE)

    @staticmethod
    def sentences(text: str, doc) -> list[tuple[int, int]]:
        spans = []
        if doc is not None and (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
            for sent in doc.sents:
                spans.append((sent.start_char, sent.end_char))
        else:
            for m in _SENTENCE.finditer(text):
                if m.group(0).strip():
                    spans.append((m.start(), m.end()))
        # split sentences at line breaks (headlines, captions, embeds)
        out = []
        for s, e in spans:
            pos = s
            for m in re.finditer(r"\n\s*", text[s:e]):
                if text[pos:s + m.start()].strip():
                    out.append((pos, s + m.start()))
                pos = s + m.end()
            if text[pos:e].strip():
                out.append((pos, e))
        return out

    def is_embed(self, stext: str) -> bool:
        low = stext.lower()
        return any(marker in low for marker in self._embed)

    def usable_cues(self, stext: str, cues: list[Cue]) -> tuple[list[Cue], bool]:
        """Drop cues in a modal or hypothetical clause; say whether the strong ones only refer back."""
        kept, referring = [], []
        for cue in cues:
            before = stext[max(0, cue.start - 60):cue.start]
            clause = re.split(r"[,;:()\"“”]", before)[-1]
            if self._modality is not None:
                hit = None
                for m in self._modality.finditer(clause):
                    if m.group(0).lower() == "may" and re.match(r"\s*\d", clause[m.end():]):
                        continue
                    hit = m
                if hit is not None and len(clause[hit.end():].split()) <= 6:
                    continue
            if cue.strength == "strong" and self._reference.search(before[-40:]):
                referring.append(cue)
                continue
            kept.append(cue)
        strong_kept = [c for c in kept if c.strength == "strong"]
        aggregate = bool(referring) and not strong_kept
        return kept + referring if aggregate else kept, aggregate


_CLAUSE = re.compile(r";\s+|,\s+(?:while|whereas|and|but|as|after which|before)\s+|\s+while\s+|\s+whereas\s+")


def clauses(st: Statement, event_dates: list[DateMention]):
    """A sentence reporting two incidents in two places ("shelling hit Kharkiv, while a drone
    struck Odesa") is read as one statement per clause; otherwise the sentence is one statement."""
    whole = [(st, event_dates)]
    cuts = [m for m in _CLAUSE.finditer(st.text)]
    if not cuts:
        return whole
    bounds = [0] + [m.start() for m in cuts] + [len(st.text)]
    starts = [0] + [m.end() for m in cuts]
    parts = []
    for (a, b), s0 in zip(zip(bounds, bounds[1:]), starts):
        cues = [c for c in st.usable if s0 <= c.start < b]
        places = [c for c in st.pcands if st.start + s0 <= c.start < st.start + b and c.role in ("location", "object")
                  and (c.place is None or c.level >= REGION)]
        parts.append([s0, b, cues, places])
    own = [p for p in parts if any(c.strength == "strong" for c in p[2]) and p[3]]
    if len(own) < 2 or len({(c.place.geonameid if c.place else c.text) for p in own for c in p[3][:1]}) < 2:
        return whole
    # clauses without a place of their own belong to the clause before them
    groups: list[list] = []
    for p in parts:
        if p in own or not groups:
            groups.append(list(p))
        else:
            groups[-1][1] = p[1]
            groups[-1][2] = groups[-1][2] + p[2]
    out = []
    for k, (a, b, cues, _) in enumerate(groups):
        text = st.text[a:b]
        sub = Statement(st.index + k / 10.0, st.start + a, st.start + b, text,
                        [replace(c, start=c.start - a, end=c.end - a) for c in st.cues if a <= c.start < b],
                        [replace(d, start=d.start - a, end=d.end - a) for d in st.dates if a <= d.start < b])
        sub.usable = [replace(c, start=c.start - a, end=c.end - a) for c in cues]
        sub.terms = [(s0 - a, e0 - a, k, t) for s0, e0, k, t in (st.terms or ()) if a <= s0 < b]
        sub.aggregate = st.aggregate
        sub.pcands = [c for c in st.pcands if st.start + a <= c.start < st.start + b]
        sub.sdoc, sub.sdoc_offset = st.sdoc, st.sdoc_offset + a
        dates = [replace(d, start=d.start - a, end=d.end - a) for d in event_dates if a <= d.start < b]
        if not dates:
            dates = [replace(d, start=10 ** 6, end=10 ** 6) for d in event_dates]   # the sentence's date, unbound
        if sub.usable:
            out.append((sub, dates))
    return out or whole
