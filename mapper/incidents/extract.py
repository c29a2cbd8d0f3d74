"""Articles -> incidents: the pass over an article, from its statements to merged incidents.

The extractor shares one spaCy pass with place recognition: the NER pipeline's Doc gives the
place mentions and the sentences; only the incident sentences whose places or actors need it
go through the dependency parser (so extraction adds little to geoparsing time).

Each step has its own module: :mod:`~mapper.incidents.statements` (sentences, clauses, usable
cues), :mod:`~mapper.incidents.missed_places` (names recognition missed),
:mod:`~mapper.incidents.datelines`, :mod:`~mapper.incidents.placing` (where a statement
happened), :mod:`~mapper.incidents.parsing` (which statements are parsed),
:mod:`~mapper.incidents.roles` (actors and target), :mod:`~mapper.incidents.event_dates`,
:mod:`~mapper.incidents.weapons`, :mod:`~mapper.incidents.merging` and
:mod:`~mapper.incidents.output`.

>>> from mapper.incidents import extract_incidents            # doctest: +SKIP
>>> [(i.event_type, i.location) for i in extract_incidents(article)]   # doctest: +SKIP
[('Explosions/Remote violence', 'Izyum')]
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from mapper.incidents.actors import Actors
from mapper.incidents.candidate import Candidate
from mapper.incidents.dates import find_dates
from mapper.incidents.datelines import Datelines
from mapper.incidents.detect import Cue, classify, find_cues
from mapper.incidents.event_dates import EventDates
from mapper.incidents.lexicon import Lexicons, load_lexicons
from mapper.incidents.locate import REGION, Locator, Where
from mapper.incidents.merging import information, merge
from mapper.incidents.missed_places import MissedPlaces
from mapper.incidents.numbers import Numbers
from mapper.incidents.output import IncidentWriter
from mapper.incidents.parsing import StatementParser
from mapper.incidents.placing import Placer, country_where
from mapper.incidents.roles import RoleReader
from mapper.incidents.statements import Statement, StatementReader, clauses
from mapper.incidents.weapons import WEAPON_NOUN, weapons_used
from mapper.model import Article, Incident, ResolvedMention
from mapper.recognition.lexicon import common_word

__all__ = ["Extractor", "extract_incidents", "extract_many"]


@dataclass
class _Prepared:
    """An article read up to its parse: statements with their cues and place candidates."""

    article: Article
    statements: list[Statement]
    dateline: Where | None
    article_ctx: dict


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
        self.actors = Actors(self.lex, self.demonyms, country_names)
        self.locator = Locator(self.lex, self.gazetteer, self.lex.weapon_pattern, common_word=common_word)
        self.missed = MissedPlaces(self.lex, self.gazetteer, self.locator)
        self.reader = StatementReader(self.lex)
        self.dates = EventDates(self.lex, self.locator.speech_words)
        self.datelines = Datelines(self.lex, self.gazetteer)
        self.placer = Placer(self.lex, self.gazetteer, self.locator)
        self.roles = RoleReader(self.actors, self.demonyms)
        self.nlp = geoparser.recognizer.nlp
        self.default_where = country_where(self.gazetteer, default_country) if default_country else None
        conf = self.lex.setting("confidence", default={})
        self.writer = IncidentWriter(self.gazetteer, country_names,
                                     {k: float(v) for k, v in conf.items() if not k.startswith("_")})
        self._number_re = re.compile(r"\d|\b(?:" + "|".join(re.escape(w) for w in self.numbers.words) + r")\b", re.IGNORECASE)
        self.parser = StatementParser(self.lex, self.locator, self.actors, self.demonyms, enabled=parse and self.nlp is not None)
        if self.parser.enabled:
            # The parsing pipeline is loaded now rather than at the first incident, so that it is
            # set aside from garbage collection with the rest (mapper.gc_tuning).
            from mapper.gc_tuning import freeze_long_lived

            self.parser.load()
            freeze_long_lived()

    # ------------------------------------------------------------------ public
    def extract(self, article: Article, doc=None, resolved: list[ResolvedMention] | None = None) -> list[Incident]:
        """The incidents of one article (``doc``: a spaCy Doc of its text from the NER pipeline)."""
        if not article.text or not article.text.strip():
            return []
        prepared = self._prepare(article, doc, resolved)
        if prepared is None:
            return []
        self.parser.parse(prepared.statements)
        return self._complete(prepared)

    def _prepare(self, article: Article, doc=None, resolved=None) -> "_Prepared | None":
        if not article.text or not article.text.strip():
            return None
        if resolved is None:
            doc, resolved, unknown = self._geoparse(article, doc)
        else:
            unknown = self.missed.unknown(article.text, [r.mention for r in resolved], doc)
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
        self.parser.parse([st for p in prepared if p is not None for st in p.statements])
        for article, p in zip(batch, prepared):
            yield article, (self._complete(p) if p is not None else [])

    # ------------------------------------------------------------------ geoparsing
    def _geoparse(self, article: Article, doc):
        recognizer = self.geoparser.recognizer
        if doc is None and recognizer.nlp is not None:
            doc = recognizer.nlp(article.text)
        mentions = recognizer.mentions(article, doc=doc)
        extra, unknown = self.missed.supplement(article.text, mentions, doc)
        if extra:
            mentions = sorted(mentions + extra, key=lambda m: m.start)
        resolved = self.geoparser.resolver.resolve(article, mentions)
        if extra:
            resolved, strays = self.missed.at_home(resolved, {(m.start, m.end) for m in extra})
            unknown = sorted(unknown + strays)
        return doc, resolved, unknown

    # ------------------------------------------------------------------ the pass over an article
    def _statements(self, article: Article, doc, resolved: list[ResolvedMention], unknown) -> "_Prepared | None":
        text = article.text
        base = article.date
        dateline, dateline_span = self.datelines.read(article)
        article_ctx = self.placer.article_context(resolved)
        statements: list[Statement] = []
        for i, (s, e) in enumerate(self.reader.sentences(text, doc)):
            stext = text[s:e]
            if self.reader.is_embed(stext):
                continue
            terms = self.lex.find_terms(stext)
            cues = find_cues(self.lex, stext, terms)
            dates = find_dates(stext, base)
            statements.append(Statement(i, s, e, stext, cues, dates, terms=terms))
        if not any(st.cues for st in statements):
            return None
        for st in statements:
            if st.cues:
                st.usable, st.aggregate = self.reader.usable_cues(st.text, st.cues)
            if st.usable:
                st.pcands = self.placer.candidates(article, st, resolved, unknown, dateline_span)
        return _Prepared(article, statements, dateline, article_ctx)

    def _complete(self, p: "_Prepared") -> list[Incident]:
        article, statements, dateline, article_ctx = p.article, p.statements, p.dateline, p.article_ctx
        candidates: list[Candidate] = []
        last_date: tuple[dt.date, int] | None = None
        previous_where: Where | None = None
        previous_actor: tuple[str, bool | None, str | None] | None = None
        for st in statements:
            event_dates = self.dates.of(st.text, st.dates, st.sdoc)
            cues, aggregate = st.usable, st.aggregate
            if not cues:
                good = [d for d in event_dates if d.date is not None]
                if good and len({d.date for d in good}) == 1:
                    last_date = (good[0].date, good[0].precision)
                continue
            for part, part_dates in clauses(st, event_dates):
                cand = self._candidate(article, part, part.usable, aggregate, part_dates, last_date, previous_where,
                                       dateline, article_ctx, previous_actor)
                if cand is None:
                    continue
                if cand.actor1:
                    previous_actor = (cand.actor1, cand.state_actor, cand.actor1_country)
                if cand.date_source == "explicit" and cand.date is not None:
                    last_date = (cand.date, cand.time_precision)
                if cand.own_place and cand.where is not None and not cand.aggregate and cand.where.level >= REGION:
                    previous_where = cand.where
                candidates.append(cand)
        merged = merge(candidates)
        return self.writer.incidents(article, merged)

    def _candidate(self, article: Article, st: Statement, cues: list[Cue], aggregate: bool, event_dates, last_date,
                   previous_where: Where | None, dateline: Where | None, article_ctx: dict,
                   previous_actor=None) -> Candidate | None:
        stext = st.text
        weapons, weapon_hits = weapons_used(self.lex, stext, st.terms)
        weapon_classes = {w.weapon_class for w in weapons}
        actor_mentions, targets = self.roles.mentions(st)
        anchor_cue = next((c for c in cues if c.strength == "strong"), cues[0])
        anchor = anchor_cue.start
        where, own, attached = self.placer.where(article.text, st, anchor, weapon_hits, dateline, article_ctx,
                                                 previous_where)

        # actors (a place acting, "Ukraine attacked", is an actor)
        typing_probe = classify(cues, weapon_classes)
        if typing_probe is None:
            return None
        parsed = self.roles.from_parse(st, cues, actor_mentions, targets) if st.sdoc is not None else None
        actor1, actor2, state_actor, civilian_target, target, actor1_country = self.roles.assign(
            stext, anchor, actor_mentions, targets, st.pcands, where, typing_probe, cues, st.start, parsed,
            previous_actor)
        typing = classify(cues, weapon_classes, state_actor=state_actor, civilian_target=civilian_target)
        if typing is None:
            return None
        actor1, actor2 = self.roles.for_type(typing, where, actor1, actor2)

        date, precision, source, conflicts = self.dates.choose(stext, cues, event_dates, last_date, article.date)
        counts, fatalities, injured, figure_conflicts = self._figures(stext, cues, weapon_hits)
        conflicts += figure_conflicts

        if where is None and self.default_where is not None:
            where = self.default_where
        if where is None:
            return None
        cand = Candidate(
            index=st.index, start=st.start, end=st.end, notes=" ".join(stext.split()), typing=typing,
            aggregate=aggregate or bool(self.lex.aggregate and self.lex.aggregate.search(stext)),
            date=date, date_source=source, time_precision=precision if date else 3, where=where, own_place=own,
            weapons=weapons, counts=counts, fatalities=fatalities, injured=injured, actor1=actor1, actor2=actor2,
            state_actor=state_actor, actor1_country=actor1_country,
            target=target, conflicts=conflicts, attached=attached)
        cand.notes_score = information(cand)
        return cand

    def _figures(self, stext: str, cues: list[Cue], weapon_hits):
        """(counts, fatalities, injured, conflicts): weapons fired / intercepted / hit, detained, casualties."""
        counts, count_conflicts = ({}, [])
        kinds = {c.kind for c in cues}
        has_number = self._number_re.search(stext) is not None
        if has_number and (weapon_hits or WEAPON_NOUN.search(stext)):
            counts, count_conflicts = self.numbers.counts(stext)
        if any(c.kind in ("arrest", "intervention") for c in cues):
            detained = self.numbers.detained(stext)
            if detained is not None:
                counts = {**counts, "detained": detained}
        fatalities = injured = None
        casualty_conflicts: list[str] = []
        if "casualty" in kinds and has_number:
            fatalities, injured, casualty_conflicts = self.numbers.casualties(stext)
        return counts, fatalities, injured, count_conflicts + casualty_conflicts


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
