"""Articles -> incidents: statements, types, dates, places, actors, weapons, figures, merging.

The extractor shares one spaCy pass with place recognition: the NER pipeline's Doc gives the
place mentions and the sentences; only the incident sentences whose places or actors need it
go through the dependency parser (so extraction adds little to geoparsing time).

>>> from mapper.incidents import extract_incidents            # doctest: +SKIP
>>> [(i.event_type, i.location) for i in extract_incidents(article)]   # doctest: +SKIP
[('Explosions/Remote violence', 'Izyum')]
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator

from mapper.incidents.actors import Actors
from mapper.incidents.dates import DateMention, find_dates
from mapper.incidents.detect import Cue, Typing, classify, find_cues
from mapper.incidents.lexicon import Lexicons, WeaponEntry, load_lexicons
from mapper.incidents.locate import COUNTRY, DISTRICT, REGION, SETTLEMENT, Locator, PlaceCandidate, Where, \
    level_of, precision_of
from mapper.incidents.numbers import Numbers
from mapper.model import Article, Incident, Mention, Place, ResolvedMention

__all__ = ["Extractor", "extract_incidents", "extract_many"]

log = logging.getLogger(__name__)

_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+(?=\s|$)|\n|$)")
_EXPLOSIONS = "Explosions/Remote violence"
_SD = "Strategic developments"


@dataclass
class _Statement:
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


@dataclass
class _Prepared:
    article: Article
    statements: list[_Statement]
    resolved: list[ResolvedMention]
    unknown: list
    dateline: Where | None
    dateline_span: tuple[int, int] | None
    article_ctx: dict


@dataclass
class _Candidate:
    index: int
    start: int
    end: int
    notes: str
    typing: Typing
    aggregate: bool
    date: dt.date | None
    date_source: str                 # explicit, inherited, article, conflict, none
    time_precision: int
    where: Where | None
    own_place: bool
    weapons: list[WeaponEntry]
    counts: dict[str, int]
    fatalities: int | None
    injured: int | None
    actor1: str = ""
    actor2: str = ""
    state_actor: bool | None = None
    actor1_country: str | None = None
    target: str = ""
    conflicts: list[str] = field(default_factory=list)
    attached: bool = False
    confidence: float = 0.5
    members: int = 1
    notes_score: float = 0.0

    @property
    def strong(self) -> bool:
        return self.typing.strong

    @property
    def soft_date(self) -> bool:
        return self.date_source in ("inherited", "article", "none", "conflict")


def _iso3(gazetteer, cc: str, cache: dict) -> str:
    if cc not in cache:
        row = gazetteer.conn.execute("SELECT iso3 FROM countries WHERE iso2 = ?", (cc.upper(),)).fetchone()
        cache[cc] = row[0] if row and row[0] else (cc.upper() or "XXX")
    return cache[cc]


class Extractor:
    """Extracts incidents from articles; build once, reuse for many articles.

    Parameters
    ----------
    geoparser : mapper.geoparse.Geoparser, optional
        Recognition and resolution (a default one is built, with spaCy when ``use_spacy``).
    use_spacy : bool
        Use spaCy (NER for places, the parser for roles) when no geoparser is given.
    parse : bool
        Run the dependency parser on incident statements that need it.
    lexicons : Lexicons, optional
    """

    def __init__(self, geoparser=None, use_spacy: bool = True, parse: bool = True, lexicons: Lexicons | None = None,
                 default_country: str | None = None):
        """``default_country``: ISO2 code of the country a feed is about, used (at precision 3)
        for incidents whose text names no place at all; by default such incidents are dropped.
        ``"auto"`` keeps them unplaced (NaN point, empty location) for
        :func:`mapper.incidents.feed.settle` to decide over the whole batch."""
        if geoparser is None:
            from mapper.geoparse import Geoparser

            geoparser = Geoparser(use_spacy=use_spacy, explain=False)
        self.geoparser = geoparser
        self.gazetteer = geoparser.gazetteer
        self.lex = lexicons or load_lexicons()
        self.numbers = Numbers(self.lex)
        self.demonyms = self.gazetteer.demonym_countries()
        country_names = dict(self.gazetteer.conn.execute("SELECT iso2, name FROM countries").fetchall())
        self.country_names = country_names
        self.actors = Actors(self.lex, self.demonyms, country_names)
        self.locator = Locator(self.lex, self.gazetteer, self.lex.weapon_pattern, common_word=self._common)
        self.nlp = geoparser.recognizer.nlp
        self._parse = parse and self.nlp is not None
        self._parser = None
        self._geocoder = None
        self._iso3: dict[str, str] = {}
        self._admin_cache: dict[str, Place | None] = {}
        self.default_where = self._country_where(default_country) if default_country else None
        conf = self.lex.setting("confidence", default={})
        self.conf = {k: float(v) for k, v in conf.items() if not k.startswith("_")}
        self.max_parse_tokens = int(self.lex.setting("parse", "max_tokens", default=80))
        self.min_parse_entities = int(self.lex.setting("parse", "min_entities", default=2))
        self.max_actor_parse_tokens = int(self.lex.setting("parse", "max_actor_tokens", default=40))
        self._capital_word = re.compile(r"\b[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)?")
        self._modality = self.lex.pattern("modality")
        self._embed = [m.lower() for m in self.lex.words.get("embed_markers", ())]
        self._report_verbs = re.compile(
            r"\b(?:" + "|".join(re.escape(w) for w in sorted(self.lex.words.get("report_date_verbs", ()), key=len, reverse=True))
            + r")\s+(?:on\s+|late\s+|early\s+|last\s+|this\s+)?$", re.IGNORECASE)
        from mapper.incidents.locate import _NAME

        verbs = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(self.lex.words.get("object_verbs", ()), key=len, reverse=True))
        self._object_re = re.compile(r"(?i:\b(?:" + verbs + r"))\s+(?:the\s+)?(?:(?i:village|town|city|settlement)\s+of\s+)?(" + _NAME + ")")
        self._country_scope = self.lex.pattern("country_scope")
        self._number_re = re.compile(r"\d|\b(?:" + "|".join(re.escape(w) for w in self.numbers.words) + r")\b", re.IGNORECASE)
        self._weapon_noun_re = re.compile(r"(?i)\b(?:missiles?|drones?|rockets?|shells?|bombs?|projectiles?|munitions?|uavs?)\b")
        self._reference = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in self.lex.words.get("reference_words", ()))
                                     + r")\s+(?:[\w\-]+\s+){0,2}$", re.IGNORECASE)
        if self._parse:
            # The parsing pipeline is loaded now rather than at the first incident, so that it is
            # set aside from garbage collection with the rest (mapper.gc_tuning).
            from mapper.gc_tuning import freeze_long_lived
            from mapper.nlp import load_spacy

            self._parser = load_spacy(("parser",)) or False
            freeze_long_lived()

    def _country_where(self, iso2: str) -> Where:
        from mapper.errors import MapperError
        from mapper.incidents.feed import AUTO, UNPLACED_PLACE
        from mapper.resolve import place_from_candidate

        if iso2.lower() == AUTO:
            return Where(location="", point=UNPLACED_PLACE, precision=3, level=COUNTRY, source="unplaced")
        country = self.gazetteer.country(iso2)
        if country is None:
            raise MapperError(f"unknown country code {iso2!r} for the default country; use an ISO 3166-1 code like UA")
        place = place_from_candidate(country)
        return Where(location=place.name, point=place, precision=3, level=COUNTRY, source="default country")

    # ------------------------------------------------------------------ public
    def extract(self, article: Article, doc=None, resolved: list[ResolvedMention] | None = None) -> list[Incident]:
        """The incidents of one article (``doc``: a spaCy Doc of its text from the NER pipeline)."""
        if not article.text or not article.text.strip():
            return []
        prepared = self._prepare(article, doc, resolved)
        if prepared is None:
            return []
        self._parse_statements(prepared.statements)
        return self._complete(prepared)

    def _prepare(self, article: Article, doc=None, resolved=None) -> "_Prepared | None":
        if not article.text or not article.text.strip():
            return None
        if resolved is None:
            doc, resolved, unknown = self._geoparse(article, doc)
        else:
            unknown = self._unknown(article.text, [r.mention for r in resolved], doc)
        return self._statements(article, doc, resolved, unknown)

    def extract_many(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[tuple[Article, list[Incident]]]:
        from mapper.batching import batched

        for batch in batched(articles, batch_size):
            yield from self._flush(batch)

    def _flush(self, batch: list[Article]):
        if self.nlp is None:
            for article in batch:
                yield article, self.extract(article)
            return
        docs = self.nlp.pipe((a.text for a in batch), batch_size=32)
        prepared = [self._prepare(article, doc) for article, doc in zip(batch, docs)]
        # one parser call for the whole batch: spaCy's per-call cost dominates for a few sentences
        self._parse_statements([st for p in prepared if p is not None for st in p.statements])
        for article, p in zip(batch, prepared):
            yield article, (self._complete(p) if p is not None else [])

    # ------------------------------------------------------------------ geoparsing
    def _geoparse(self, article: Article, doc):
        recognizer = self.geoparser.recognizer
        if doc is None and recognizer.nlp is not None:
            doc = recognizer.nlp(article.text)
        mentions = recognizer.mentions(article, doc=doc)
        extra, unknown = self._supplement(article.text, mentions, doc)
        if extra:
            mentions = sorted(mentions + extra, key=lambda m: m.start)
        resolved = self.geoparser.resolver.resolve(article, mentions)
        return doc, resolved, unknown

    def _blocked_spans(self, doc) -> list[tuple[int, int]]:
        if doc is None:
            return []
        return [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("PERSON", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW")]

    def _common(self, word: str) -> float:
        from mapper.recognize import _common_word

        return _common_word(word)

    def _candidate_names(self, text: str, mentions: list[Mention], doc):
        known = [(m.start, m.end) for m in mentions]
        blocked = self._blocked_spans(doc)
        return self.locator.unknown_names(text, 0, len(text), known, blocked, self._common)

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

    def _supplement(self, text: str, mentions: list[Mention], doc):
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

    def _unknown(self, text, mentions, doc):
        return [u for u in self._candidate_names(text, mentions, doc)
                if u[3] not in ("comma", "blocked") and not self.gazetteer.has_name(u[2])]

    # ------------------------------------------------------------------ statements
    def _sentences(self, text: str, doc) -> list[tuple[int, int]]:
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

    def _is_embed(self, stext: str) -> bool:
        low = stext.lower()
        return any(marker in low for marker in self._embed)

    def _usable_cues(self, stext: str, cues: list[Cue]) -> tuple[list[Cue], bool]:
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

    # ------------------------------------------------------------------ dates
    def _event_dates(self, stext: str, dates: list[DateMention], sdoc=None) -> list[DateMention]:
        out = []
        for d in dates:
            before = stext[max(0, d.start - 40):d.start]
            if self._report_verbs.search(before):
                continue
            if sdoc is not None:
                span = sdoc.char_span(d.start, d.end, alignment_mode="expand")
                if span is not None and span.root.head.lower_ in self.locator.speech_words and span.root.dep_ in ("npadvmod", "pobj", "prep"):
                    head = span.root.head
                    if head.lower_ in self.locator.speech_words:
                        continue
            out.append(d)
        return out

    @staticmethod
    def _bound(stext: str, d: DateMention, cues: list[Cue]) -> bool:
        for c in cues:
            if c.strength != "strong":
                continue
            if d.end <= c.start and re.fullmatch(r"\s*(?:['’]s)?\s*(?:[\w\-]+\s+){0,2}", stext[d.end:c.start]) and \
                    re.search(r"['’]s", stext[d.start:c.start]):
                return True      # "Monday's strike", "Monday's ATACMS strike"
            if c.end <= d.start and re.fullmatch(r"\s*(?:on|in|late on|early on|overnight on|on the night of)?\s*", stext[c.end:d.start]):
                return True      # "struck on November 23"
        return False

    # ------------------------------------------------------------------ weapons
    def _weapons(self, stext: str, terms=None) -> tuple[list[WeaponEntry], list[tuple[int, int, WeaponEntry]]]:
        found = []
        if self.lex.weapon_pattern is None:
            return [], []
        for ws, we, entry in self.lex.find_weapons(stext, terms):
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

    # ------------------------------------------------------------------ places
    def _place_candidates(self, article: Article, st: _Statement, resolved: list[ResolvedMention], unknown, dateline_span):
        text = article.text
        cue_spans = [(st.start + c.start, st.start + c.end, c.kind) for c in st.cues]
        cands = []
        for rm in resolved:
            m = rm.mention
            if m.start < st.start or m.end > st.end:
                continue
            if dateline_span and m.start < dateline_span[1]:
                continue
            if rm.place is None:
                if m.label in ("GPE", "LOC") and not self.locator.excluded_text(m.text):
                    cands.append(PlaceCandidate(m.start, m.end, m.text, None, SETTLEMENT, m.label))
                continue
            if self.locator.excluded_text(m.text):
                continue
            if re.fullmatch(r"[A-Z]{1,3}|[A-Z]\.[A-Z]\.?", m.text) and level_of(rm.place) != COUNTRY:
                continue           # "US" resolved to a French village
            place = self._upgrade_unit(text, m, self._prefer_city(m, self._exact_name(m, rm.place)))
            cands.append(PlaceCandidate(m.start, m.end, m.text, place, level_of(place), m.label))
        for s, e, name, kind, reference in unknown:
            if s >= st.start and e <= st.end and not (dateline_span and s < dateline_span[1]):
                overlapping = [c for c in cands if c.start < e and s < c.end]
                if any(c.place is not None for c in overlapping):
                    continue
                for c in overlapping:
                    cands.remove(c)
                c = PlaceCandidate(s, e, name, None, SETTLEMENT, "UNK", near=kind in ("near", "direction"))
                if kind == "direction":
                    c = replace(c, role="location", reference=self._lookup_reference(reference, resolved))
                elif kind in ("settlement", "apposition"):
                    c = replace(c, role="location")
                cands.append(c)
        # "X northwest of Kursk": Kursk only says where X is
        refs = [(c.end, c.end + 45) for c in cands if c.label == "UNK" and c.reference is not None]
        cands = [c for c in cands if c.label == "UNK" or not any(a < c.start <= b for a, b in refs)]
        return [self.locator.text_role(text, c.start, c.end, c, cue_spans) if c.role == "other" or c.label != "UNK" else c
                for c in cands]

    _TYPE_WORD = re.compile(r"(?i)\b(?:oblast'?|region|province|district|raion|rayon|county|governorate|state|krai|kray|"
                            r"republic|municipality|prefecture|hromada)\b")

    def _prefer_city(self, mention: Mention, place: Place) -> Place:
        """A bare name resolved to an admin unit means the namesake town in it ("in Kharkiv")."""
        if place.feature_class != "A" or level_of(place) == COUNTRY or mention.hint or self._TYPE_WORD.search(mention.text):
            return place
        from gazetteer.normalize import normalize_name
        from mapper.resolve import place_from_candidate

        key = normalize_name(mention.text)
        for c in self.gazetteer.lookup(mention.text, limit=30):
            if c.feature_class == "P" and c.country_code == place.country_code and \
                    f"{c.country_code}.{c.admin1_code}" == place.admin1_code and \
                    (normalize_name(c.name) == key or c.name_kind <= 1):
                return place_from_candidate(c)
        return place

    def _exact_name(self, mention: Mention, place: Place) -> Place:
        """"Kyiv Oblast" is the unit of that exact name, not another unit that shares a word with it."""
        from gazetteer.normalize import normalize_name
        from mapper.resolve import place_from_candidate

        key = normalize_name(mention.text)
        if normalize_name(place.name) == key or place.feature_class != "A":
            return place
        for c in self.gazetteer.lookup(mention.text, limit=10):
            if c.feature_code == place.feature_code and c.name_kind == 0 and normalize_name(c.name) == key:
                return place_from_candidate(c)
        return place

    _UNIT_AFTER = re.compile(r"^\s+(district|raion|rayon|region|oblast|province|county)\b", re.IGNORECASE)

    def _upgrade_unit(self, text: str, mention: Mention, place: Place) -> Place:
        """"the Kupiansk district": a town name followed by a unit word names the unit."""
        m = self._UNIT_AFTER.match(text[mention.end:mention.end + 20])
        if not m or place.feature_class != "P":
            return place
        from mapper.resolve import place_from_candidate

        word = m.group(1).lower()
        codes = ("ADM1",) if word in ("region", "oblast", "province") else ("ADM2", "ADM3")
        for c in self.gazetteer.lookup(f"{mention.text} {m.group(1)}", limit=20):
            if c.feature_code in codes and c.country_code == place.country_code:
                return place_from_candidate(c)
        return place

    @staticmethod
    def _nested_bonus(cands: list[PlaceCandidate]) -> None:
        """"the Saltivka district of Kharkiv": of two places written together, the smaller one
        inside or next to the bigger is the more specific answer."""
        from gazetteer.geocoder import haversine_km

        for a in cands:
            for b in cands:
                if a is b or a.place is None or b.place is None or abs(a.start - b.start) > 40:
                    continue
                if a.level == b.level == SETTLEMENT and a.place.population < b.place.population and \
                        haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon) <= 25:
                    a.score += 1.0

    def _lookup_reference(self, name: str | None, resolved) -> Place | None:
        if not name:
            return None
        from mapper.resolve import place_from_candidate

        found = self.gazetteer.lookup(name, limit=20)
        if not found:
            return None
        countries = {r.place.country_code for r in resolved if r.place is not None}
        admin1s = {r.place.admin1_code for r in resolved if r.place is not None}
        found.sort(key=lambda c: (f"{c.country_code}.{c.admin1_code}" not in admin1s, c.country_code not in countries,
                                  c.feature_class != "P", -c.population))
        return place_from_candidate(found[0])

    def _admin1_place(self, code: str) -> Place | None:
        if code not in self._admin_cache:
            from mapper.resolve import place_from_candidate

            cand = self.gazetteer.admin1(code) if code else None
            self._admin_cache[code] = place_from_candidate(cand) if cand else None
        return self._admin_cache[code]

    def _where_from(self, cand: PlaceCandidate, context: dict) -> Where | None:
        if cand.place is not None:
            level = cand.level
            return Where(location=cand.place.name, point=cand.place, precision=precision_of(level, cand.near),
                         level=level, source="statement")
        # an unknown name: the town it is near, else the enclosing district or region
        if cand.reference is not None:
            return Where(location=cand.text, point=cand.reference, precision=2, level=SETTLEMENT, source="statement",
                         unresolved=True, notes=[f"{cand.text} is not in the gazetteer; placed at {cand.reference.name}"])
        region = context.get("region")
        district = context.get("district")
        if district is not None:
            return Where(location=cand.text, point=district, precision=2, level=SETTLEMENT, source="statement",
                         unresolved=True, notes=[f"{cand.text} is not in the gazetteer; placed at {district.name}"])
        if region is not None:
            return Where(location=cand.text, point=region, precision=3, level=SETTLEMENT, source="statement",
                         unresolved=True, notes=[f"{cand.text} is not in the gazetteer; placed at {region.name}"])
        return None

    def _context_regions(self, st_cands: list[PlaceCandidate], article_ctx: dict, previous: Where | None,
                         dateline: Where | None = None) -> dict:
        """The district and region an unknown name of this statement lies in."""
        region = district = None
        if dateline is not None and not dateline.unresolved:
            if dateline.level >= DISTRICT:
                return {"region": None, "district": dateline.point}
            if dateline.level == REGION:
                region = dateline.point
        usable = [c for c in st_cands if c.place is not None and c.role not in ("speaker", "actor", "modifier")]
        for c in sorted(usable, key=lambda c: -c.level):
            if c.level == DISTRICT and district is None:
                district = c.place
            if c.level == REGION and region is None:
                region = c.place
        if region is None and district is not None:
            region = self._admin1_place(district.admin1_code)
        if region is None:
            for c in usable:
                if c.level == SETTLEMENT and c.place.admin1_code:
                    region = self._admin1_place(c.place.admin1_code)
                    break
        if region is None and previous is not None and previous.point.admin1_code:
            region = self._admin1_place(previous.point.admin1_code)
        if region is None:
            region = article_ctx.get("region")
        if district is None and region is not None:
            districts = article_ctx.get("districts", {}).get(region.admin1_code, [])
            if len(districts) == 1:
                district = districts[0]
        return {"region": region, "district": district}

    def _article_context(self, resolved: list[ResolvedMention]) -> dict:
        from collections import Counter

        tally: Counter[str] = Counter()
        districts: dict[str, list[Place]] = {}
        for rm in resolved:
            p = rm.place
            if p is None or not p.admin1_code:
                continue
            level = level_of(p)
            if level == COUNTRY:
                continue
            if re.fullmatch(r"[A-Z]{1,3}", rm.mention.text):
                continue
            tally[p.admin1_code] += 1
            if level == DISTRICT:
                bucket = districts.setdefault(p.admin1_code, [])
                if all(d.geonameid != p.geonameid for d in bucket):
                    bucket.append(p)
        region = None
        if tally:
            region = self._admin1_place(tally.most_common(1)[0][0])
        return {"region": region, "districts": districts}

    # ------------------------------------------------------------------ datelines
    def _dateline(self, article: Article) -> tuple[Where | None, tuple[int, int] | None]:
        text = article.text
        m = re.match(r"\s*([^\n.!?:—–]{2,90}?)\s*(?:\.(?:\s|$)|\s[—–-]{1,2}\s|:\s|\n)", text)
        if not m:
            return None, None
        seg = m.group(1).strip()
        words = re.findall(r"[^\W\d_][\w'’\-]*", re.sub(r"\([^)]*\)", " ", seg))
        if not words or len(words) > 8 or not any(w[0].isupper() for w in words):
            return None, None
        allowed = {"of", "near", "city", "region", "oblast", "district", "raion", "rayon", "area", "vicinity", "outskirts",
                   "village", "town", "the", "and", "south", "north", "east", "west", "central", "centre", "center",
                   "northern", "southern", "eastern", "western", "suburb", "suburbs", "microdistrict", "province",
                   "settlement", "in", "outside", "st", "street", "frontline", "border", "oblast'", "krai", "republic",
                   "southeast", "southwest", "northeast", "northwest", "ap", "afp", "reuters"}
        if any(not w[0].isupper() and w.lower() not in allowed for w in words):
            return None, None
        if find_cues(self.lex, seg):
            return None, None
        geocoder = self._geocoder
        if geocoder is None:
            from gazetteer.geocoder import LocalGeocoder

            geocoder = self._geocoder = LocalGeocoder(self.gazetteer, fuzzy=True, adaptive_focus=True)
        try:
            cand, info = geocoder.resolve(seg)
        except Exception:  # pragma: no cover - a geocoder failure must not stop extraction
            log.debug("dateline geocoding failed for %r", seg, exc_info=True)
            return None, None
        if cand is None:
            return None, None
        from mapper.resolve import place_from_candidate

        place = place_from_candidate(cand)
        level = level_of(place)
        parsed = info.get("parsed")
        near = bool(getattr(parsed, "relative", False)) or bool(info.get("fallback"))
        name = place.name
        if info.get("fallback") and parsed is not None and parsed.main:
            name = parsed.main[0]
            level = SETTLEMENT
        if parsed is not None and parsed.context and not info.get("fallback"):
            checked = self._dateline_context(parsed, place, seg)
            if checked is not None:
                return checked, (m.start(1), m.end(1))
        where = Where(location=name, point=place, precision=precision_of(level, near) if not info.get("fallback") else
                      (2 if level_of(place) >= DISTRICT else 3), level=level, source="dateline",
                      unresolved=bool(info.get("fallback")))
        return where, (m.start(1), m.end(1))

    def _dateline_context(self, parsed, place: Place, seg: str) -> Where | None:
        """"Kirov, Donetsk": when the place chosen for the first part is far from the place the
        second part names, the first part is a part of the second the gazetteer does not know."""
        from gazetteer.geocoder import haversine_km
        from mapper.resolve import place_from_candidate

        for part in parsed.context:
            found = self.gazetteer.lookup(part, limit=10)
            if not found:
                continue
            found.sort(key=lambda c: (c.country_code != place.country_code, c.feature_class != "P", -c.population))
            ctx = place_from_candidate(found[0])
            if level_of(ctx) == COUNTRY:
                continue
            inside = (level_of(ctx) == REGION and ctx.admin1_code == place.admin1_code) or \
                haversine_km(ctx.lat, ctx.lon, place.lat, place.lon) <= 60
            if inside:
                return None
            main = parsed.main[0] if parsed.main else seg
            return Where(location=main, point=ctx, precision=2 if level_of(ctx) >= DISTRICT else 3, level=SETTLEMENT,
                         source="dateline", unresolved=True, notes=[f"{main} placed at {ctx.name}"])
        return None

    # ------------------------------------------------------------------ the pass over an article
    def _statements(self, article: Article, doc, resolved: list[ResolvedMention], unknown) -> "_Prepared | None":
        text = article.text
        base = article.date
        dateline, dateline_span = self._dateline(article)
        article_ctx = self._article_context(resolved)
        statements: list[_Statement] = []
        for i, (s, e) in enumerate(self._sentences(text, doc)):
            stext = text[s:e]
            if self._is_embed(stext):
                continue
            terms = self.lex.find_terms(stext)
            cues = find_cues(self.lex, stext, terms)
            dates = find_dates(stext, base)
            statements.append(_Statement(i, s, e, stext, cues, dates, terms=terms))
        if not any(st.cues for st in statements):
            return None
        for st in statements:
            if st.cues:
                st.usable, st.aggregate = self._usable_cues(st.text, st.cues)
            if st.usable:
                st.pcands = self._place_candidates(article, st, resolved, unknown, dateline_span)
        return _Prepared(article, statements, resolved, unknown, dateline, dateline_span, article_ctx)

    def _complete(self, p: "_Prepared") -> list[Incident]:
        article, statements, resolved, unknown = p.article, p.statements, p.resolved, p.unknown
        dateline, dateline_span, article_ctx = p.dateline, p.dateline_span, p.article_ctx
        candidates: list[_Candidate] = []
        last_date: tuple[dt.date, int] | None = None
        previous_where: Where | None = None
        previous_actor: tuple[str, bool | None, str | None] | None = None
        for st in statements:
            event_dates = self._event_dates(st.text, st.dates, st.sdoc)
            cues, aggregate = st.usable, st.aggregate
            if not cues:
                good = [d for d in event_dates if d.date is not None]
                if good and len({d.date for d in good}) == 1:
                    last_date = (good[0].date, good[0].precision)
                continue
            for part, part_dates in self._clauses(st, event_dates):
                cand = self._candidate(article, part, part.usable, aggregate, part_dates, last_date, previous_where,
                                       resolved, unknown, dateline, dateline_span, article_ctx, previous_actor)
                if cand is None:
                    continue
                if cand.actor1:
                    previous_actor = (cand.actor1, cand.state_actor, cand.actor1_country)
                if cand.date_source == "explicit" and cand.date is not None:
                    last_date = (cand.date, cand.time_precision)
                if cand.own_place and cand.where is not None and not cand.aggregate and cand.where.level >= REGION:
                    previous_where = cand.where
                candidates.append(cand)
        merged = _merge(candidates)
        return self._finish(article, merged)

    _CLAUSE = re.compile(r";\s+|,\s+(?:while|whereas|and|but|as|after which|before)\s+|\s+while\s+|\s+whereas\s+")

    def _clauses(self, st: _Statement, event_dates: list[DateMention]):
        """A sentence reporting two incidents in two places ("shelling hit Kharkiv, while a drone
        struck Odesa") is read as one statement per clause; otherwise the sentence is one statement."""
        whole = [(st, event_dates)]
        cuts = [m for m in self._CLAUSE.finditer(st.text)]
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
            sub = _Statement(st.index + k / 10.0, st.start + a, st.start + b, text,
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

    def _ambiguous(self, st: _Statement) -> bool:
        """Whether the words around a statement's places leave their roles open (then the parse decides)."""
        cands = st.pcands
        if len(cands) < 1:
            return False
        anchor = st.start + next((c.start for c in st.usable if c.strength == "strong"), st.usable[0].start)
        scored = sorted(((self.locator.score(c, anchor), c) for c in cands), key=lambda t: -t[0])
        scored = [(sc, c) for sc, c in scored if sc != float("-inf")]
        if not scored:
            return False
        best_score, best = scored[0]
        if best.role == "other" or any(c.role == "other" and c.level > best.level for _, c in scored):
            return True
        if any(c.role == "other" and (c.level == COUNTRY or (c.place is not None and c.place.feature_code == "PPLC"))
               and best_score - sc < 1.0 for sc, c in scored):
            return True
        if len(scored) >= 2:
            second_score, second = scored[1]
            if best_score - second_score < 1.0 and best.place is not None and second.place is not None and \
                    best.place.admin1_code != second.place.admin1_code:
                return True
        return False

    def _parse_statements(self, statements: list[_Statement]) -> None:
        if not self._parse:
            return
        need, roles = [], set()
        for st in statements:
            if not st.usable or len(st.text.split()) > self.max_parse_tokens:
                continue
            if self._ambiguous(st):
                need.append(st)
                roles.add(id(st))
            elif self._actors_unclear(st):
                need.append(st)
        if not need:
            return
        if self._parser is None:
            from mapper.nlp import load_spacy

            self._parser = load_spacy(("parser",)) or False
        if not self._parser:
            return
        for st, sdoc in zip(need, self._parser.pipe(st.text for st in need)):
            st.sdoc = sdoc
            if id(st) not in roles:
                continue
            cue_spans = [(st.start + c.start, st.start + c.end, c.kind) for c in st.cues]
            st.pcands = [self.locator.syntax_role(sdoc, st.start, c, cue_spans) for c in st.pcands]

    def _actors_unclear(self, st: _Statement) -> bool:
        """Whether the words leave a statement's actors open, so that its parse is worth its cost: no
        "{demonym} forces" phrase (unless it swallows what was hit), but something the parse can name
        (an armed word with a country around it, "by" + a country word, a country or capital acting).
        Statements parsed only for their actors keep their word-based place roles."""
        if len(st.text.split()) > self.max_actor_parse_tokens:
            return False
        mentions = st.actor_mentions = self.actors.find(st.text, st.terms)
        armed = [a for a in mentions if self.actors.role(a.kind) == "armed"]
        if not armed and self._back_reference.search(st.text):
            return True           # "They also struck...": the parse finds the pronoun subject
        if any(a.country for a in armed):
            # "struck a Russian air-defence battery": a country's forces named by what was hit
            st.target_mentions = self.actors.targets(st.text, st.terms)
            return any(t.start < a.end and a.start < t.end and t.end > a.end
                       for t in st.target_mentions for a in armed if a.country)
        text = st.text
        for a in armed:       # "troops of Russia", "the Russian occupiers"
            if re.match(r"\s+of\s+(?:the\s+)?[A-Z]", text[a.end:a.end + 12]) or \
                    re.search(r"[A-Z][\w’'\-]+\s+$", text[max(0, a.start - 25):a.start]):
                return True
        cue_starts = [c.start for c in st.usable if c.strength == "strong"]
        for m in self._capital_word.finditer(text):
            if not self.actors.country_of(m.group(0)):
                continue
            if re.search(r"\bby\s+(?:the\s+|an?\s+)?$", text[max(0, m.start() - 8):m.start()]):
                return True       # "by a Russian drone"
            if m.group(0).lower() in self.demonyms:
                continue          # "Russian shelling": the word windows read it
            if any(0 < c - m.end() <= 30 and re.fullmatch(r"(?:\s+[a-z]+){0,2}\s+", text[m.end():c]) for c in cue_starts):
                return True       # "Ukraine launched", "Russia again attacked"
        return False

    # ------------------------------------------------------------------ actors from the parse
    _VERB_CLIMB = ("dobj", "compound")
    # cues whose subject is not an attacker ("Ukraine and Russia signed an agreement", "air defence intercepted")
    _NO_ROLE_CUES = frozenset({"agreement", "base", "transfer", "other_development", "interception"})
    _PRONOUNS = frozenset({"it", "they", "he", "she", "we", "this", "that", "which", "who", "its", "their"})
    # subjects that point back at the last statement's attacker ("we" is the speaker, "it" the weapon)
    _BACK_REFERENCES = frozenset({"they"})
    _back_reference = re.compile(r"\b[Tt]hey\b")

    def _np_country(self, tok, depth: int = 0) -> str | None:
        """The country a noun phrase names or qualifies: "Ukraine", "Russian drone", "troops of Russia"."""
        sdoc = tok.doc
        if tok.text[:1].isupper():
            words = sdoc[tok.left_edge.i:tok.i + 1]
            for k in range(len(words)):
                cc = self.actors.country_of(words[k:].text)
                if cc:
                    return cc
        for ch in tok.children:
            if ch.dep_ in ("amod", "compound", "poss", "nmod") and ch.text[:1].isupper():
                cc = self.actors.country_of(sdoc[ch.left_edge.i:ch.i + 1].text) or self.actors.country_of(ch.text)
                if cc:
                    return cc
        if depth == 0:
            for ch in tok.children:
                if ch.dep_ == "prep" and ch.lower_ == "of":
                    for g in ch.children:
                        if g.dep_ == "pobj":
                            cc = self._np_country(g, 1)
                            if cc:
                                return cc
        return None

    def _np_role(self, tok, off: int, actor_mentions, targets, agent: bool):
        """What a noun phrase of the parse is: ("actor", kind, country, start, end), ("target", mention,
        country, start, end), or None (``off``: where the statement starts in the parsed text)."""
        if tok.lower_ in self._PRONOUNS:
            return None
        hs, he = tok.idx - off, tok.idx + len(tok.text) - off
        left = tok.left_edge.idx - off
        country = self._np_country(tok)
        for a in actor_mentions:
            if a.start <= hs and he <= a.end:
                return ("actor", a.kind, a.country or country, min(a.start, left), max(a.end, he))
        for t in targets:
            if t.start <= hs and he <= t.end:
                return ("target", t, country, t.start, t.end)
        if country and tok.text[:1].isupper() and self.actors.country_of(tok.text) == country:
            return ("actor", "military", country, left, he) if agent else None      # "Ukraine launched"
        if country and agent and self._weapon_noun_re.fullmatch(tok.text):
            return ("actor", "military", country, left, he)                       # "by a Russian drone"
        return None

    def _parse_roles(self, st: _Statement, cues, actor_mentions, targets):
        """(agent, patient) of the statement's trigger verbs in its dependency parse (see :meth:`_np_role`)."""
        sdoc, off = st.sdoc, st.sdoc_offset
        if sdoc is None:
            return None, None
        agent = patient = None
        ordered = sorted((c for c in cues if c.kind not in self._NO_ROLE_CUES), key=lambda c: (c.strength != "strong", c.start))
        for cue in ordered:
            span = sdoc.char_span(off + cue.start, off + cue.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            tok = span.root
            # "launched a missile strike", "carried out an attack": the verb governing the trigger noun
            for _ in range(2):
                if any(ch.dep_ in ("nsubj", "nsubjpass", "agent") for ch in tok.children) or tok.dep_ not in self._VERB_CLIMB \
                        or tok.head is tok:
                    break
                tok = tok.head
            if agent is None:
                subj = self._subject(tok)
                if subj is not None and subj.lower_ in self._BACK_REFERENCES:
                    agent = ("previous",)      # "They also struck...": whoever acted last
                elif subj is not None:
                    agent = self._np_role(subj, off, actor_mentions, targets, True)
                    if agent is not None and agent[0] != "previous" and (
                            agent[0] != "actor" or self.actors.role(agent[1]) != "armed"):
                        agent = None
            if patient is None:
                for dep in ("dobj", "nsubjpass"):
                    obj = next((ch for ch in tok.children if ch.dep_ == dep), None)
                    if obj is not None:
                        patient = self._np_role(obj, off, actor_mentions, targets, False)
                        if patient is not None:
                            break
                if patient is None:
                    for ch in tok.children:
                        if ch.dep_ == "prep" and ch.lower_ in ("at", "on", "against", "targeting"):
                            obj = next((g for g in ch.children if g.dep_ == "pobj"), None)
                            if obj is not None:
                                patient = self._np_role(obj, off, actor_mentions, targets, False)
                                if patient is not None:
                                    break
            if agent is not None and patient is not None:
                break
        if agent is not None and patient is not None and agent[0] == "actor" and patient[0] == "actor" \
                and agent[1:3] == patient[1:3]:
            patient = None
        return agent, patient

    @staticmethod
    def _subject(verb, depth: int = 0):
        """The agent of a verb: its subject, the object of its "by" phrase in the passive, or (for a
        participle or a second verb without its own subject) the agent of the verb it hangs on."""
        for ch in verb.children:
            if ch.dep_ == "nsubj":
                if ch.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                    return verb.head
                return ch
        for ch in verb.children:
            if ch.dep_ == "agent":
                return next((g for g in ch.children if g.dep_ == "pobj"), None)
        if any(ch.dep_ == "nsubjpass" for ch in verb.children):
            return None
        if depth < 2 and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
            return Extractor._subject(verb.head, depth + 1)
        return None

    def _candidate(self, article, st: _Statement, cues, aggregate, event_dates, last_date, previous_where,
                   resolved, unknown, dateline, dateline_span, article_ctx,
                   previous_actor=None) -> _Candidate | None:
        stext = st.text
        weapons, weapon_hits = self._weapons(stext, st.terms)
        weapon_classes = {w.weapon_class for w in weapons}
        actor_mentions = st.actor_mentions if st.actor_mentions is not None else self.actors.find(stext, st.terms)
        targets = st.target_mentions if st.target_mentions is not None else self.actors.targets(stext, st.terms)
        actor_mentions = [a for a in actor_mentions
                          if not any(t.start <= a.start and a.end <= t.end and (t.end - t.start) > (a.end - a.start) for t in targets)]
        anchor_cue = next((c for c in cues if c.strength == "strong"), cues[0])
        anchor = anchor_cue.start

        # places
        pcands = st.pcands
        for c in pcands:
            c.score = self.locator.score(c, st.start + anchor)
        usable = [c for c in pcands if c.score != float("-inf")]
        self._nested_bonus(usable)
        # weapons are not places ("Pantsir"), nor are places inside weapon names
        usable = [c for c in usable if not any(st.start + s <= c.start and c.end <= st.start + e for s, e, _ in weapon_hits)]
        if dateline is not None:
            usable = [c for c in usable if self._beats_dateline(c, dateline)]
        context = self._context_regions(pcands, article_ctx, previous_where, dateline)
        where, own, attached = None, False, False
        for c in sorted(usable, key=lambda c: -c.score):
            where = self._where_from(c, context)
            if where is not None:
                own, attached = True, c.attached
                where = self._qualified(article.text, c, where, pcands)
                if dateline is not None:
                    where = self._consistent(c, where, dateline)
                break
        if where is not None and where.level == COUNTRY:
            # a country is a last resort when the statement also names a region of it elsewhere
            pass
        if self._country_scope is not None and self._country_scope.search(stext) and (where is None or not own or where.level <= REGION):
            country = self._scope_country(pcands, where, dateline, article_ctx)
            if country is not None:
                where, own = Where(location=country.name, point=country, precision=3, level=COUNTRY, source="statement"), True
        if where is None:
            if dateline is not None:
                where = dateline
            elif previous_where is not None:
                where = self._generalise(previous_where)
            elif article_ctx.get("region") is not None:
                region = article_ctx["region"]
                where = Where(location=region.name, point=region, precision=3, level=REGION, source="article")

        # actors (a place acting, "Ukraine attacked", is an actor)
        typing_probe = classify(cues, weapon_classes)
        if typing_probe is None:
            return None
        parsed = self._parse_roles(st, cues, actor_mentions, targets) if st.sdoc is not None else None
        actor1, actor2, state_actor, civilian_target, target, actor1_country = self._actors(
            stext, anchor, actor_mentions, targets, pcands, where, typing_probe, cues, st.start, parsed,
            previous_actor)
        typing = classify(cues, weapon_classes, state_actor=state_actor, civilian_target=civilian_target)
        if typing is None:
            return None
        if typing.event_type == "Protests" and where is not None:
            police = self.actors.name_for("police", where.point.country_code)
            if actor1 == police or not actor1:
                actor1 = self.actors.name_for("protesters", where.point.country_code)
            actor2 = police if typing.sub_event_type != "Peaceful protest" else ""
        if typing.event_type == "Riots" and not actor1 and where is not None:
            actor1 = self.actors.name_for("rioters", where.point.country_code)
        if typing.sub_event_type == "Arrests" and not actor1 and where is not None:
            actor1 = self.actors.name_for("police", where.point.country_code)
        if typing.sub_event_type == "Protest with intervention" and not actor2 and where is not None:
            actor2 = self.actors.name_for("police", where.point.country_code)

        # dates
        conflicts = []
        distinct = {d.date for d in event_dates if d.date is not None}
        future = [d for d in event_dates if d.date is None]
        date, precision, source = None, 1, "none"
        if future:
            conflicts.append("date after the article's: " + ", ".join(d.text for d in future))
        if len(distinct) == 1:
            d = next(d for d in event_dates if d.date is not None)
            date, precision, source = d.date, d.precision, "explicit"
        elif len(distinct) > 1:
            bound = {d.date: d for d in event_dates if d.date is not None and self._bound(stext, d, cues)}
            conflicts.append("dates disagree: " + ", ".join(f"{d.text} = {d.date.isoformat()}" for d in event_dates if d.date))
            if len(bound) == 1:
                d = next(iter(bound.values()))
                date, precision, source = d.date, d.precision, "conflict"
            else:
                date, precision, source = None, 3, "conflict"
        elif future and last_date is None:
            date, precision, source = None, 3, "conflict"
        elif last_date is not None:
            date, precision, source = last_date[0], last_date[1], "inherited"
        elif article.date is not None:
            date, precision, source = article.date, 1, "article"
        if source in ("inherited", "article") and future:
            source = "conflict"

        # figures
        counts, count_conflicts = ({}, [])
        kinds = {c.kind for c in cues}
        has_number = self._number_re.search(stext) is not None
        if has_number and (weapon_hits or self._weapon_noun_re.search(stext)):
            counts, count_conflicts = self.numbers.counts(stext)
        if any(c.kind in ("arrest", "intervention") for c in cues):
            detained = self.numbers.detained(stext)
            if detained is not None:
                counts = {**counts, "detained": detained}
        fatalities = injured = None
        casualty_conflicts: list[str] = []
        if "casualty" in kinds and has_number:
            fatalities, injured, casualty_conflicts = self.numbers.casualties(stext)
        conflicts += count_conflicts + casualty_conflicts

        if where is None and self.default_where is not None:
            where = self.default_where
        if where is None:
            return None
        cand = _Candidate(
            index=st.index, start=st.start, end=st.end, notes=" ".join(stext.split()), typing=typing,
            aggregate=aggregate or bool(self.lex.aggregate and self.lex.aggregate.search(stext)),
            date=date, date_source=source, time_precision=precision if date else 3, where=where, own_place=own,
            weapons=weapons, counts=counts, fatalities=fatalities, injured=injured, actor1=actor1, actor2=actor2,
            state_actor=state_actor, actor1_country=actor1_country,
            target=target, conflicts=conflicts, attached=attached)
        cand.notes_score = _information(cand)
        return cand

    def _qualified(self, text: str, c: PlaceCandidate, where: Where, pcands: list[PlaceCandidate]) -> Where:
        """"X district, Kharkiv": when the place written after a comma is far from the one chosen,
        the chosen name is a part of it the gazetteer does not know."""
        if c.place is None:
            return where
        from gazetteer.geocoder import haversine_km

        for d in pcands:
            if d.start <= c.end or d.place is None or d.role in ("speaker", "actor", "modifier"):
                continue
            if not re.fullmatch(r"\s*,\s*|\s+\(\s*|\s+in\s+", text[c.end:d.start]):
                break
            if d.level < REGION:
                break
            if d.level >= SETTLEMENT:
                far = haversine_km(c.place.lat, c.place.lon, d.place.lat, d.place.lon) > 40
            else:
                far = c.place.admin1_code != d.place.admin1_code
            if far:
                return Where(location=c.text, point=d.place, precision=2 if d.level >= DISTRICT else 3,
                             level=SETTLEMENT if c.level >= SETTLEMENT else c.level, source="statement", unresolved=True,
                             notes=[f"{c.text} read as a part of {d.place.name}"])
            break
        return where

    _SUBAREA = re.compile(r"(?i)\b(?:district|microdistrict|mikrorayon|neighbou?rhood|quarter|park|square|street|avenue|"
                          r"market|zoo|station|airport|plant|factory|farm)\b")

    def _beats_dateline(self, c: PlaceCandidate, dateline: Where) -> bool:
        """A statement's place overrides the article's dateline only when the words tie it to the
        event (a place preposition, the trigger's object) and it is not coarser than the dateline."""
        if c.role not in ("location", "object"):
            return False
        if c.place is None:
            return True
        if c.level < dateline.level and (c.level == COUNTRY or c.place.admin1_code == dateline.point.admin1_code
                                         or (c.level == REGION and c.place.country_code == dateline.point.country_code)):
            return False
        return True

    def _consistent(self, c: PlaceCandidate, where: Where, dateline: Where) -> Where:
        """A statement place far from the dateline is often a namesake, or a part of the dateline
        town the gazetteer does not know ("the Industrial District", "in Kyiv District")."""
        from gazetteer.geocoder import haversine_km

        d = dateline.point
        if where.unresolved or c.place is None:
            return where
        p = where.point
        if dateline.level == REGION and p.admin1_code and d.admin1_code and p.admin1_code != d.admin1_code:
            # the same name inside the dateline's region?
            from mapper.resolve import place_from_candidate

            for cand in self.gazetteer.lookup(c.text, limit=40):
                if f"{cand.country_code}.{cand.admin1_code}" == d.admin1_code:
                    place = place_from_candidate(cand)
                    return Where(location=place.name, point=place, precision=precision_of(level_of(place), c.near),
                                 level=level_of(place), source="statement")
            return Where(location=c.text, point=d, precision=3, level=SETTLEMENT, source="statement", unresolved=True,
                         notes=[f"{c.text} is not in the gazetteer within {d.name}; placed at {d.name}"])
        if dateline.level >= SETTLEMENT and haversine_km(p.lat, p.lon, d.lat, d.lon) > 30 and self._SUBAREA.search(c.text):
            return Where(location=f"{c.text}, {dateline.location}", point=d, precision=1, level=SETTLEMENT,
                         source="statement", unresolved=True, notes=[f"{c.text} read as a part of {dateline.location}"])
        return where

    def _scope_country(self, pcands, where, dateline, article_ctx) -> Place | None:
        """The country a nationwide statement ("across the country") is about."""
        from mapper.resolve import place_from_candidate

        cc = None
        for c in pcands:
            if c.place is not None and c.level == COUNTRY and c.role in ("location", "other"):
                cc = c.place.country_code
                break
        if cc is None:
            for w in (where, dateline):
                if w is not None:
                    cc = w.point.country_code
                    break
        if cc is None and article_ctx.get("region") is not None:
            cc = article_ctx["region"].country_code
        cand = self.gazetteer.country(cc) if cc else None
        return place_from_candidate(cand) if cand else None

    def _generalise(self, where: Where) -> Where:
        """A previous incident's place, widened to its region (an inherited place is vague)."""
        point = where.point
        if where.level > REGION and point.admin1_code:
            region = self._admin1_place(point.admin1_code)
            if region is not None:
                return Where(location=region.name, point=region, precision=3, level=REGION, source="inherited")
        return replace(where, source="inherited", notes=[])

    def _actors(self, stext, anchor, actor_mentions, targets, pcands, where, typing_probe, cues=(), st_start=0,
                parsed=None, previous_actor=None):
        actor1 = actor2 = ""
        state_actor = None
        civilian_target = False
        loc_cc = where.point.country_code if where is not None else None
        a1_country = None
        # the parse first (subject / "by" agent; object / passive subject), the word windows for the rest
        agent, patient = parsed or (None, None)
        patient_target = None
        patient_span = None
        if agent is not None and agent[0] == "previous":
            if previous_actor is not None:
                actor1, state_actor, a1_country = previous_actor
            agent = None
        if agent is not None:
            _, kind, cc = agent[:3]
            if not cc and kind in ("police", "militants", "rioters"):
                cc = loc_cc
            actor1 = self.actors.name_for(kind, cc) if cc else ""
            if actor1:
                state_actor = self.actors.is_state(kind)
                a1_country = cc
        if patient is not None:
            patient_span = patient[3:5]
            if patient[0] == "target":
                patient_target = patient[1]
                if patient[1].kind == "military" and patient[2] and patient[2] != a1_country:
                    actor2 = self.actors.name_for("military", patient[2])      # "a Russian air-defence battery"
            else:
                _, kind, cc = patient[:3]
                role = self.actors.role(kind)
                if kind == "civilians":
                    civilian_target = True
                if role == "civilian" and not (kind == "protesters" and typing_probe.event_type not in ("Protests", "Riots")):
                    actor2 = self.actors.name_for(kind, loc_cc)
                elif role == "armed":
                    actor2 = self.actors.name_for(kind, cc or (loc_cc if kind in ("police", "militants", "rioters") else None))
                if actor2 == actor1:
                    actor2 = ""
        for a in actor_mentions:
            if patient_span is not None and a.start < patient_span[1] and patient_span[0] < a.end:
                if a.kind == "civilians":
                    civilian_target = True
                continue
            role = self.actors.role(a.kind)
            before = stext[max(0, a.start - 25):a.start].lower()
            agent = bool(re.search(r"\bby\s+(?:the\s+)?$", before))
            aimed = bool(re.search(r"\b(?:at|on|targeting|targeted|toward|towards|hit|struck|shelled|attacked)\s+(?:the\s+)?(?:\w+\s+)?$", before))
            acting = any(c.strength == "strong" and 0 <= c.start - a.end <= 25 and
                         re.fullmatch(r"[\s,]*(?:(?:have|has|had|also|reportedly|then|again)\s+)*", stext[a.end:c.start])
                         for c in cues)
            if role == "armed" and not actor1 and (agent or acting or (a.start < anchor and not aimed)):
                actor1 = self.actors.name(a) if a.country else ""
                state_actor = self.actors.is_state(a.kind)
                a1_country = a.country
                if not actor1 and a.kind in ("police", "militants", "rioters") and loc_cc:
                    actor1 = self.actors.name(a, loc_cc)
                continue
            if role == "civilian" and a.kind == "civilians":
                civilian_target = True
            if not actor2 and a.start > anchor - 40 and (aimed or role == "civilian") and actor1 != self.actors.name(a, loc_cc):
                if a.kind == "protesters" and typing_probe.event_type not in ("Protests", "Riots"):
                    continue
                actor2 = self.actors.name(a, None if role == "armed" else loc_cc)
        # a country or capital acting ("Ukraine attacked", "Moscow launched") is the attacker
        if not actor1:
            for c in pcands:
                if c.place is None or c.level > COUNTRY and c.place.feature_code != "PPLC":
                    continue
                rel = c.end - st_start
                if c.role in ("actor", "speaker", "other", "modifier") and \
                        any(0 <= cue.start - rel <= 8 and re.fullmatch(r"\s+of\s+", stext[rel:cue.start])
                            for cue in cues if cue.strength == "strong"):
                    actor1 = self.actors.name_for("military", c.place.country_code)      # "accused Moscow of shelling"
                    a1_country, state_actor = c.place.country_code, True
                    break
        if not actor1:
            for c in pcands:
                if c.role == "actor" and c.place is not None and c.start - 0 >= 0:
                    actor1 = self.actors.name_for("military", c.place.country_code)
                    a1_country = c.place.country_code
                    state_actor = True
                    break
        if not actor1:
            # "Russian shelling", "Ukrainian drone attack": a demonym right before the trigger
            m = re.search(r"([A-Z][a-z]+)(?:[\s\-]+[\w\-]+){0,2}\s*$", stext[max(0, anchor - 40):anchor])
            if m:
                cc = self.demonyms.get(m.group(1).lower())
                if cc:
                    actor1 = self.actors.name_for("military", cc)
                    a1_country, state_actor = cc, True
        if actor1 and not actor2:
            # "repelled two Russian assaults": a demonym right before a trigger is the other side
            for cue in cues:
                if cue.strength != "strong":
                    continue
                m = re.search(r"([A-Z][a-z]+)(?:[\s\-]+[\w\-]+){0,1}\s*$", stext[max(0, cue.start - 30):cue.start])
                cc = self.demonyms.get(m.group(1).lower()) if m else None
                if cc and cc != a1_country:
                    actor2 = self.actors.name_for("military", cc)
                    break
        violent = typing_probe.event_type in ("Explosions/Remote violence", "Battles", "Violence against civilians", "Riots") \
            or typing_probe.sub_event_type in ("Looting/property destruction", "Disrupted weapons use")
        actor_spans = [(a.start, a.end) for a in actor_mentions if self.actors.role(a.kind) == "armed"]
        target = ""
        tgt = None
        targets = [t for t in targets if not any(s <= t.start < e for s, e in actor_spans)] if violent else []
        if patient_target is not None and violent:
            tgt = patient_target
        for t in targets if tgt is None else ():
            if t.start >= anchor - 60:
                tgt = t
                break
        if tgt is None and targets:
            tgt = targets[0]
        if tgt is not None:
            target = self._target_phrase(stext, tgt)
            if tgt is patient_target and patient[2]:
                # the owner is actor2 ("a Russian air-defence battery"), the target is the thing
                words = target.split()
                while len(words) > 1 and self.actors.country_of(words[0]) == patient[2]:
                    words = words[1:]
                target = " ".join(words)
            if tgt.kind == "civilians":
                civilian_target = True
            if not actor2 and loc_cc:
                if tgt.kind == "military" and loc_cc != a1_country:
                    actor2 = self.actors.name_for("military", loc_cc)
                elif tgt.kind == "civilians":
                    actor2 = self.actors.name_for("civilians", loc_cc)
        if not actor2 and civilian_target and loc_cc and violent:
            actor2 = self.actors.name_for("civilians", loc_cc)
        if not violent and actor2.startswith("Civilians"):
            actor2 = ""
        if typing_probe.event_type == "Battles" and actor2.startswith("Civilians"):
            actor2 = ""
        if typing_probe.event_type == "Battles" and not actor2 and a1_country and loc_cc and loc_cc != a1_country \
                and state_actor:
            actor2 = self.actors.name_for("military", loc_cc)          # fighting on the other side's ground
        return actor1, actor2, state_actor, civilian_target, target, a1_country

    def _target_phrase(self, stext: str, tgt) -> str:
        start, end = tgt.start, tgt.end
        # "positions of an S-400 air defense system division"
        m = re.match(r"\s+of\s+(?:an?\s+|the\s+)?", stext[end:end + 80])
        if m and tgt.text.lower() in ("position", "positions", "battery", "division", "battalion"):
            pos = end + m.end()
            stop = {"with", "in", "at", "on", "near", "and", "by", "from", "that", "which", "who", "after", "as", "to"}
            taken = 0
            for w in re.finditer(r"[\w\-]+", stext[pos:pos + 80]):
                if w.group(0).lower() in stop or taken >= 6 or re.search(r"[,.;:]", stext[pos:pos + w.start()]):
                    break
                taken += 1
                end = pos + w.end()
        words = stext[:start].split()
        keep = 0
        for w in reversed(words[-4:]):
            if re.search(r"[A-Z0-9\-]", w) or w.lower() in ("air", "defense", "defence", "residential", "apartment", "military",
                                                              "civilian", "power", "energy", "oil", "ammunition", "private",
                                                              "administrative", "industrial", "high-rise", "multi-storey", "local"):
                if w.endswith((",", ".", ";")):
                    break
                keep += 1
            else:
                break
        if keep:
            prefix = " ".join(words[-keep:])
            start = stext.rfind(prefix, 0, start + 1)
        return " ".join(stext[start:end].split()).strip(" ,.;")

    # ------------------------------------------------------------------ output
    def _confidence(self, c: _Candidate) -> float:
        w = self.conf
        score = w.get("base_strong", 0.6) if c.strong else w.get("base_weak", 0.35)
        if c.date_source == "explicit":
            score += w.get("explicit_date", 0.1)
        if c.where is not None and c.own_place and c.where.level >= DISTRICT:
            score += w.get("specific_place", 0.1)
        if c.weapons:
            score += w.get("weapon", 0.05)
        if c.attached:
            score += w.get("syntax_link", 0.1)
        if not c.own_place:
            score += w.get("inherited_place", -0.15)
        if c.where is not None and c.where.level == COUNTRY:
            score += w.get("country_place", -0.2)
        if c.where is not None and c.where.unresolved:
            score += w.get("unresolved_place", -0.05)
        if c.conflicts:
            score += w.get("conflict", -0.4)
            score = min(score, w.get("conflict_cap", 0.4))
        return round(max(w.get("minimum", 0.05), min(w.get("maximum", 0.95), score)), 3)

    def _finish(self, article: Article, candidates: list[_Candidate]) -> list[Incident]:
        out = []
        used_ids: set[str] = set()
        for c in candidates:
            where = c.where
            p = where.point
            weapon = ", ".join(w.name for w in c.weapons)
            notes = c.notes
            extra = list(where.notes) + c.conflicts
            if extra:
                notes = f"{notes} [{'; '.join(dict.fromkeys(extra))}]"
            key = f"{article.id}|{c.date}|{c.typing.event_type}|{c.typing.sub_event_type}|{where.key}"
            number = int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:12], 16) % 10_000_000
            iso3 = _iso3(self.gazetteer, p.country_code, self._iso3) if p.country_code else "XXX"
            event_id = f"{iso3}{number:07d}"
            k = 1
            while event_id in used_ids:
                k += 1
                event_id = f"{iso3}{number:07d}-{k}"
            used_ids.add(event_id)
            admin1 = p.admin1 if level_of(p) != COUNTRY else ""
            admin2 = p.admin2 if level_of(p) > REGION else ""
            out.append(Incident(
                event_id_cnty=event_id, event_date=c.date, time_precision=c.time_precision,
                event_type=c.typing.event_type, sub_event_type=c.typing.sub_event_type,
                latitude=p.lat, longitude=p.lon, geo_precision=where.precision, location=where.location,
                country=self.country_names.get(p.country_code, ""), country_code=p.country_code,
                admin1=admin1 or (p.name if level_of(p) == REGION else ""),
                admin2=admin2 or (p.name if level_of(p) == DISTRICT else ""),
                admin1_code=p.admin1_code, admin2_code=p.admin2_code if level_of(p) > REGION else "",
                feature_code=p.feature_code, actor1=c.actor1, actor2=c.actor2, weapon=weapon, target=c.target,
                fatalities=c.fatalities, injured=c.injured, counts=dict(c.counts), geonameid=p.geonameid,
                notes=notes, source=article.title or article.id, source_title=article.title or "",
                source_url=article.url or "", source_date=article.date, article_id=article.id,
                confidence=self._confidence(c)))
        return out


# ---------------------------------------------------------------------- merging

_PROTEST_RANK = {"Peaceful protest": 0, "Protest with intervention": 1, "Excessive force against protesters": 2,
                 "Violent demonstration": 3, "Mob violence": 3}


def _compatible_type(a: _Candidate, b: _Candidate) -> bool:
    ta, tb = a.typing, b.typing
    if (ta.event_type, ta.sub_event_type) == (tb.event_type, tb.sub_event_type):
        return True
    if {ta.event_type, tb.event_type} <= {"Protests", "Riots"}:
        return True
    if not ta.strong or not tb.strong:
        return ta.event_type == tb.event_type or _EXPLOSIONS in (ta.event_type, tb.event_type)
    pair = {ta.event_type, tb.event_type}
    if pair == {_EXPLOSIONS, _SD} and "Disrupted weapons use" in (ta.sub_event_type, tb.sub_event_type):
        return True
    return ta.event_type == tb.event_type == _EXPLOSIONS


def _contains(outer: Where, inner: Where) -> bool:
    """Whether ``inner`` lies in ``outer`` (same place, or inside its country / region / district)."""
    if outer.key == inner.key:
        return True
    po, pi = outer.point, inner.point
    if po.country_code != pi.country_code:
        return False
    if outer.level == COUNTRY:
        return True
    if outer.level == REGION:
        return bool(po.admin1_code) and po.admin1_code == pi.admin1_code and inner.level >= REGION
    if outer.level == DISTRICT:
        return bool(po.admin2_code) and po.admin2_code == pi.admin2_code and inner.level >= DISTRICT
    if outer.level == SETTLEMENT and inner.unresolved and not outer.unresolved:
        return False
    return False


def _absorb(target: _Candidate, other: _Candidate) -> None:
    """Fold ``other`` into ``target``: the more specific place, the explicit date, the max figures."""
    t_where, o_where = target.where, other.where
    if other.aggregate and not target.aggregate:
        # a summary ("at least two rounds of attacks since last week") adds no date, place or figures
        names = [w.name for w in target.weapons]
        target.weapons += [w for w in other.weapons if w.name not in names and not w.generic]
        target.members += other.members
        return
    if o_where is not None and other.own_place and (
            not target.own_place or t_where is None or o_where.level > t_where.level
            or (o_where.level == t_where.level and o_where.precision < t_where.precision)):
        target.where, target.own_place = o_where, True
        target.attached = target.attached or other.attached
    if target.date_source != "explicit" and other.date_source == "explicit":
        target.date, target.date_source, target.time_precision = other.date, other.date_source, other.time_precision
    if not target.typing.strong and other.typing.strong:
        target.typing = other.typing
    elif {target.typing.event_type, other.typing.event_type} <= {"Protests", "Riots"}:
        # one demonstration told in several sentences: keep its most violent reading
        if _PROTEST_RANK.get(other.typing.sub_event_type, 0) > _PROTEST_RANK.get(target.typing.sub_event_type, 0):
            target.typing = other.typing
            if other.actor1:
                target.actor1 = other.actor1
    elif target.typing.sub_event_type == "Disrupted weapons use" and other.typing.event_type == _EXPLOSIONS:
        target.typing = other.typing
    for key, value in other.counts.items():
        target.counts[key] = max(value, target.counts.get(key, 0))
    for attr in ("fatalities", "injured"):
        a, b = getattr(target, attr), getattr(other, attr)
        if b is not None and (a is None or b > a):
            setattr(target, attr, b)
    names = [w.name for w in target.weapons]
    for w in other.weapons:
        if w.name not in names:
            target.weapons.append(w)
    specific = {w.weapon_class for w in target.weapons if not w.generic}
    target.weapons = [w for w in target.weapons if not (w.generic and w.weapon_class in specific)]
    for attr in ("actor1", "actor2", "target"):
        if not getattr(target, attr) and getattr(other, attr):
            setattr(target, attr, getattr(other, attr))
    if target.actor2 == target.actor1:
        target.actor2 = other.actor2 if other.actor2 != target.actor1 else ""
    # the best notes: the statement with the most to say
    if other.notes_score > target.notes_score:
        target.notes, target.notes_score = other.notes, other.notes_score
        if other.target:
            target.target = other.target
    target.conflicts += [c for c in other.conflicts if c not in target.conflicts]
    target.members += other.members
    target.aggregate = target.aggregate and other.aggregate


def _information(c: _Candidate) -> float:
    return (2 * c.typing.strong + (c.date_source == "explicit") + (c.own_place and c.where is not None and c.where.level >= DISTRICT)
            + len(c.counts) + (c.fatalities is not None) + (c.injured is not None) + bool(c.weapons) + 0.5 * bool(c.actor1)
            - 2 * bool(c.conflicts))


def _merge(cands: list[_Candidate]) -> list[_Candidate]:
    alive = list(cands)

    def best_target(c: _Candidate, pool: list[_Candidate], rule, backwards: bool = False) -> _Candidate | None:
        options = [t for t in pool if t is not c and rule(c, t)]
        if not options:
            return None
        if backwards:
            return min(options, key=lambda t: (t.index > c.index, abs(t.index - c.index)))
        return min(options, key=lambda t: (t.date_source != "explicit", not t.own_place, abs(t.index - c.index),
                                           t.index > c.index))

    # 1. repeats: same date, type and place
    out: list[_Candidate] = []
    for c in alive:
        twin = next((t for t in out if t.date == c.date and t.typing.event_type == c.typing.event_type
                     and t.typing.sub_event_type == c.typing.sub_event_type and t.where.key == c.where.key
                     and t.own_place == c.own_place), None)
        if twin is not None:
            _absorb(twin, c)
        else:
            out.append(c)
    alive = out

    # 2. dependent statements (no place of their own and a soft date, or weak, or summaries)
    #    fold into the nearest compatible incident
    def dependent_rule(c, t):
        return _compatible_type(c, t) and (t.own_place or t.date_source == "explicit") and (
            c.where is None or t.where is None or _contains(c.where, t.where) or _contains(t.where, c.where)
            or not c.own_place)

    def fold(order, rule, eligible=lambda c: True, backwards=lambda c: False):
        """Absorb statements into their best target, one at a time, until nothing more folds."""
        changed = True
        while changed:
            changed = False
            for c in sorted(alive, key=order):
                if not eligible(c):
                    continue
                t = best_target(c, alive, rule, backwards=backwards(c))
                if t is None:
                    continue
                _absorb(t, c)
                alive.remove(c)
                changed = True
                break

    fold(order=lambda c: (c.own_place, c.date_source == "explicit", c.typing.strong, c.where.level if c.where else 0),
         rule=dependent_rule,
         eligible=lambda c: (not c.own_place and (c.soft_date or not c.typing.strong)) or c.aggregate
         or (c.soft_date and not c.typing.strong),
         backwards=lambda c: not c.own_place)

    # 3. vague places: a region- or country-level statement folds into a compatible incident
    #    inside it on the same date (or with a soft date), e.g. "in the Kursk region" + "near X"
    def vague_rule(c, t):
        if not (_compatible_type(c, t) and t.where is not None and c.where is not None) or c.where.level < REGION:
            return False
        if not (c.where.level < t.where.level or (c.where.level == t.where.level and c.where.unresolved == t.where.unresolved
                                                   and c.where.key == t.where.key)):
            if not (t.where.unresolved and t.where.point.geonameid == c.where.point.geonameid):
                return False
        inside = _contains(c.where, t.where) or (t.where.unresolved and (
            t.where.point.admin1_code == c.where.point.admin1_code and c.where.level <= REGION
            or t.where.point.geonameid == c.where.point.geonameid))
        same_day = c.date == t.date or c.soft_date or t.soft_date and t.date is None
        return inside and same_day

    fold(order=lambda c: (c.where.level if c.where else 0, not c.soft_date), rule=vague_rule)

    # 4. a country-level summary is absorbed by any compatible incident in that country
    for c in [c for c in alive if c.where is not None and c.where.level == COUNTRY
              and (c.aggregate or not c.typing.strong or not (c.counts or c.fatalities or c.injured))]:
        options = [t for t in alive if t is not c and t.where is not None and t.where.level > COUNTRY
                   and t.where.point.country_code == c.where.point.country_code and _compatible_type(c, t)]
        if options:
            t = min(options, key=lambda t: abs(t.index - c.index))
            _absorb(t, c)
            alive.remove(c)
    # 5. summaries that fold into nothing are dropped when the article reports real incidents
    if any(not c.aggregate for c in alive):
        alive = [c for c in alive if not c.aggregate]
    alive.sort(key=lambda c: c.index)
    return alive


# ---------------------------------------------------------------------- module API

_default: dict[tuple, Extractor] = {}


def _extractor(use_spacy: bool = True, default_country: str | None = None) -> Extractor:
    key = (use_spacy, (default_country or "").upper())
    if key not in _default:
        _default[key] = Extractor(use_spacy=use_spacy, default_country=default_country)
    return _default[key]


def extract_incidents(article: Article, geoparser=None) -> list[Incident]:
    """The incidents an article reports (an empty list when it reports none).

    ``geoparser``: a :class:`mapper.geoparse.Geoparser` to use instead of the shared default.
    """
    if geoparser is not None:
        key = id(geoparser)
        ex = _by_geoparser.get(key)
        if ex is None or ex.geoparser is not geoparser:
            ex = _by_geoparser[key] = Extractor(geoparser)
        return ex.extract(article)
    return _extractor(True).extract(article)


_by_geoparser: dict[int, Extractor] = {}


def extract_many(articles: Iterable[Article], use_spacy: bool = True, default_country: str | None = None,
                 report=None) -> Iterator[tuple[Article, list[Incident]]]:
    """(article, incidents) for each article, in order; spaCy runs in batches.

    ``default_country``: where incidents go (country point, precision 3) when the text names no
    place: an ISO2 code, or ``"auto"`` for the batch's own country when it clearly has one (see
    :mod:`mapper.incidents.feed`; the articles waiting on that decision come last, and
    ``report``, a :class:`~mapper.incidents.feed.FeedReport`, says what was decided).
    """
    from mapper.incidents.feed import AUTO, settle

    ex = _extractor(use_spacy, default_country)
    if (default_country or "").lower() == AUTO:
        yield from settle(ex.extract_many(articles), ex.gazetteer, report)
    else:
        yield from ex.extract_many(articles)
