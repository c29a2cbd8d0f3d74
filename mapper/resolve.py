"""Mention -> Place: rank each mention's gazetteer candidates on the article's evidence.

Evidence: name match quality, population and feature type (the candidate's prior), what the
text says the mention is ("Kursk Region" is the unit, not the city), the place written right
after it ("Paris, Texas"), the article's other places (countries, regions, nearby towns), and the
article's focus countries. Every choice keeps its score, its components and the candidates considered.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from gazetteer.admin_names import strip_type_words
from gazetteer.geocoder import context_fit, importances
from gazetteer.index import Candidate, Gazetteer
from gazetteer.normalize import normalize_name
from mapper.model import Article, Mention, Place, ResolvedMention
from mapper.news_readings import acting_as_a_government, reread, written_as_rivers
from mapper.recognition.lexicon import DOTTED_ABBREVIATIONS
from mapper.ranking.features import ArticleEvidence, article_context, article_features, containers_of, pool_profile

__all__ = ["Resolver", "place_from_candidate"]

_HINT_CODES = {"admin1": ("ADM1",), "admin2": ("ADM2",), "country": ("PCLI",)}
FOCUS_WEIGHT = 3.0
CONTEXT_WEIGHT = 2.0
APPOSITION_WEIGHT = 3.0
# What follows a dateline's place ("BERLIN —", "Washington (CNN)", "PARIS, Mo. —"): a dash, an
# agency in parentheses, or, in capitals, nothing but the story itself.
_DATELINE_TAIL = re.compile(r"\s*(?:\(|—|–|-)")
_DATELINE_WINDOW = 200
# What may stand between a place and the unit qualifying it: "Izium, Kharkiv region",
# "Bakhmut (Donetsk)", "Monroe County in northeast Missouri".
_QUALIFIER_GAP = re.compile(r"\s?(?:,|\(|in)\s?(?:(?:north|south)?(?:east|west)?(?:ern)?\s|(?:north|south)(?:ern)?\s|central\s)?",
                            re.IGNORECASE)


@lru_cache(maxsize=65536)
def place_from_candidate(c: Candidate) -> Place:
    # Places are frozen: the same candidate, chosen in article after article, is one Place.
    return Place(geonameid=c.geonameid, name=c.name, lat=c.lat, lon=c.lon, feature_class=c.feature_class,
                 feature_code=c.feature_code, country_code=c.country_code,
                 admin1_code=f"{c.country_code}.{c.admin1_code}" if c.admin1_code else "", admin1=c.admin1,
                 admin2_code=f"{c.country_code}.{c.admin1_code}.{c.admin2_code}" if c.admin2_code else "",
                 admin2=c.admin2, population=c.population)


def _region_of(c: Candidate) -> tuple[str, str] | None:
    """The admin-1 unit a place lies in (or is); None for countries and places without one."""
    return (c.country_code, c.admin1_code) if c.admin1_code and c.feature_code != "PCLI" else None


class _Explain(dict):
    """Placeholder for a choice's score components: the feature row they are read from."""

    def __init__(self, row):
        super().__init__()
        self.row = row


def _same_place(a: ResolvedMention, b: ResolvedMention) -> bool:
    return (a.place.geonameid if a.place else None) == (b.place.geonameid if b.place else None)


# Passes over an article after the first; most settle after one.
MAX_REFINE_PASSES = 3
# Distinct names whose candidates a resolver keeps at hand; past this it starts afresh.
_MAX_CACHED_NAMES = 100_000


class Resolver:
    def __init__(self, gazetteer: Gazetteer, ranker="default", refine: int = MAX_REFINE_PASSES,
                 explain: bool = True):
        from mapper.ranking.model import default_ranker

        self.gazetteer = gazetteer
        self.demonyms = gazetteer.demonym_countries()
        self._countries: dict[str, Candidate | None] = {}   # per demonym's country: a query each otherwise
        # A trained linear ranker when one is shipped; the hand-set heuristic otherwise.
        self.ranker = default_ranker() if ranker == "default" else ranker
        self.refine = refine
        # The main score components of each choice; output that shows none can skip them.
        self.explain = explain
        self._profiles: dict[tuple, object] = {}
        self._first_picks_seen: dict[tuple, Candidate] = {}
        from gazetteer.boundaries import Boundaries

        self._borders = Boundaries.load().country_neighbours()

    def _neighbours_of(self, named: set[str]) -> set[str]:
        return {n for code in named for n in self._borders.get(code, ())} - named

    def candidates(self, mention: Mention) -> list[Candidate]:
        surface = mention.text
        key = normalize_name(surface)
        if mention.label == "NORP" or (key in self.demonyms and not self.gazetteer.has_name(surface)):
            code = self.demonyms.get(key, "")
            if code not in self._countries:
                self._countries[code] = self.gazetteer.country(code)
            country = self._countries[code]
            return [country] if country else []
        found = self.gazetteer.lookup(surface, limit=60)
        if not found:
            stem = strip_type_words(surface)
            if stem != surface:
                found = self.gazetteer.lookup(stem, limit=60)
        if surface.endswith(".") and key in DOTTED_ABBREVIATIONS:
            # "Mo." written with its dot is the state's abbreviation, not a town that folds alike
            units = [c for c in found if c.feature_code in ("ADM1", "PCLI")]
            found = units or found
        codes = _HINT_CODES.get(mention.hint or "")
        if codes:
            preferred = [c for c in found if c.feature_code in codes]
            if preferred:
                found = preferred
        return found

    def _profile(self, mention: Mention):
        """The mention's candidates and what they say whatever the article (features.pool_profile),
        looked up once per distinct name, label and hint."""
        key = (mention.text, mention.label, mention.hint)
        found = self._profiles.get(key)
        if found is None:
            if len(self._profiles) >= _MAX_CACHED_NAMES:
                self._profiles.clear()
            found = self._profiles[key] = pool_profile(tuple(self.candidates(mention)))
        return found

    def _evidence(self, article: Article, mentions: list[Mention], keys: list[str], profiles: list,
                  priors: list[list[float]], first: list[Candidate | None] | None = None):
        pools = [p.pool for p in profiles]
        # The place written right after another ("Paris, Texas", "Izium, Kharkiv region") qualifies it.
        apposition: dict[int, int] = {}
        for i in range(len(mentions) - 1):
            if _QUALIFIER_GAP.fullmatch(article.text[mentions[i].end:mentions[i + 1].start]):
                apposition[i] = i + 1
        # Pass 1: priors alone, with the countries the article names as context.
        countries = [p[0] for p in pools if p and p[0].feature_code == "PCLI"]
        named = {c.country_code for c in countries}
        if first is None:
            first = self._first_picks(profiles, priors, named)
        # Focus: the countries the article's places are in, weighted by how often each is named.
        picked = [c for c in first if c is not None]
        tally: Counter[str] = Counter(c.country_code for c in picked)
        total = sum(tally.values())
        focus = {cc: n / total for cc, n in tally.items()} if total else {}
        evidence = ArticleEvidence(context=picked, focus=focus,
                                   countries_named={c.country_code for c in countries}, priors=priors,
                                   neighbours_named=self._neighbours_of(named))
        evidence.focus_without = self._focus_without(keys, [c and c.country_code for c in first], tally)
        regions_of = [c and _region_of(c) for c in first]
        regions = Counter(r for r in regions_of if r)
        evidence.region_focus_without = self._focus_without(keys, regions_of, regions)
        # "Georgia, Oklahoma, Pennsylvania": peers in a list, not a place and the unit holding it.
        for i, j in list(apposition.items()):
            unit = first[j]
            if unit is not None and unit.feature_class == "A" and any(
                    c.feature_code == unit.feature_code for c in pools[i]):
                del apposition[i]
        evidence.datelines = self._datelines(article.text, mentions, apposition)
        evidence.actors = acting_as_a_government(article.text, mentions)
        evidence.rivers = written_as_rivers(article.text, mentions, pools)
        # "Paris, Mo.": the second name is the unit holding the first, when one of its
        # candidates can be; both mentions are then read against that reading.
        for i, j in apposition.items():
            units = containers_of(pools[j], pools[i])
            if units:
                evidence.containers[j] = units
        return apposition, first, evidence

    def _first_picks(self, profiles, priors: list[list[float]], named: set[str]) -> list[Candidate | None]:
        picks: dict[int, Candidate] = {}    # a name repeated in the article is one pool
        first = []
        for profile, prior in zip(profiles, priors):
            pool = profile.pool
            if not pool:
                first.append(None)
                continue
            if id(pool) not in picks:
                picks[id(pool)] = (self._remembered_first_pick(profile, named) if prior is profile.priors
                                   else self._first_pick(pool, prior, named))
            first.append(picks[id(pool)])
        return first

    def _remembered_first_pick(self, profile, named: set[str]) -> Candidate:
        """:meth:`_first_pick` with the pool's own priors: it depends on which of the pool's
        countries the article names, and the same pools come back with the same countries."""
        key = (profile, profile.countries.intersection(named))
        pick = self._first_picks_seen.get(key)
        if pick is None:
            if len(self._first_picks_seen) >= _MAX_CACHED_NAMES:
                self._first_picks_seen.clear()
            pick = self._first_picks_seen[key] = self._first_pick(profile.pool, profile.priors, key[1])
        return pick

    @staticmethod
    def _focus_without(keys: list[str], units: list, tally: Counter) -> dict[str, dict]:
        """Per name (``keys``: one per mention): the article's focus (the share of its places in
        each country, or in each admin unit; ``units``: the unit of each mention's place, if
        any) counted over its other names only. A lone "Lyman" must not count as evidence for
        its own first guess."""
        own: dict[str, dict] = {}
        for key, u in zip(keys, units):
            if u:
                mine = own.setdefault(key, {})
                mine[u] = mine.get(u, 0) + 1
        everything = sum(tally.values())
        out = {}
        by_counts: dict[tuple, dict] = {}    # names counted alike (most: once, in one unit) share the rest's focus
        for key, mine in own.items():
            counts = tuple(mine.items())
            if counts not in by_counts:
                total = everything - sum(mine.values())
                by_counts[counts] = {k: (n - mine.get(k, 0)) / total for k, n in tally.items()
                                     if n > mine.get(k, 0)} if total else {}
            out[key] = by_counts[counts]
        return out

    @staticmethod
    def _datelines(text: str, mentions: list[Mention], apposition: dict[int, int]) -> set[int]:
        """The mention that opens the story as its dateline (the town; not its "X, Y" qualifier)."""
        for i, m in enumerate(mentions[:2]):
            if m.start > _DATELINE_WINDOW:
                break
            before = text[:m.start].rstrip()
            if before and before[-1] not in ".!?\n":
                continue
            last = apposition.get(i, i)
            tail = text[mentions[last].end:mentions[last].end + 40]
            if _DATELINE_TAIL.match(tail) or (m.text.isupper() and len(m.text) > 3 and not before):
                return {i}
        return set()

    @staticmethod
    def _appositives(i: int, first, evidence: ArticleEvidence, apposition: dict[int, int]) -> list[Candidate]:
        j = apposition.get(i)
        if j is None:
            return []
        if j in evidence.containers:
            return evidence.containers[j]
        return [first[j]] if first[j] is not None else []

    def mention_features(self, article: Article, mentions: list[Mention]):
        """Per mention: (candidates, feature rows), as the ranker sees them (used for training)."""
        profiles = [self._profile(m) for m in mentions]
        pools = [p.pool for p in profiles]
        keys = [normalize_name(m.text) for m in mentions]
        apposition, first, evidence = self._evidence(article, mentions, keys, profiles, [p.priors for p in profiles])
        wanted = [i for i, p in enumerate(pools) if p]
        rows = self._feature_rows(profiles, mentions, keys, wanted, apposition, first, evidence)
        starts = dict(zip(wanted, itertools.accumulate((len(pools[i]) for i in wanted), initial=0)))
        return [(list(pool), rows[starts[i]:starts[i] + len(pool)].tolist() if pool else [])
                for i, pool in enumerate(pools)]

    def _feature_rows(self, profiles, mentions, keys, wanted, apposition, first, evidence):
        """The feature rows of the wanted mentions' candidates, pool after pool (features.article_features)."""
        appositives = {}
        for i in wanted:
            found = self._appositives(i, first, evidence, apposition)
            if found:
                appositives[i] = found
        context_scores = article_context(profiles, keys, first, wanted)
        return article_features(profiles, mentions, keys, wanted, context_scores, evidence, appositives)

    def resolve(self, article: Article, mentions: list[Mention]) -> list[ResolvedMention]:
        profiles = [self._profile(m) for m in mentions]
        pools = [p.pool for p in profiles]
        keys = [normalize_name(m.text) for m in mentions]
        apposition, first, evidence = self._evidence(article, mentions, keys, profiles, [p.priors for p in profiles])
        out = self._rank_pass(mentions, profiles, keys, apposition, first, evidence)
        # Then read every name again against what the others were resolved to instead of their
        # first guesses (one "Monroe County" guessed in the wrong state misleads the rest), until
        # the choices settle.
        passes = self.refine if self.ranker is not None and len(set(keys)) > 1 else 0
        used = first
        for _ in range(passes):
            picks = [self._candidate_of(rm, pool) for rm, pool in zip(out, pools)]
            if all((a.geonameid if a else None) == (b.geonameid if b else None) for a, b in zip(picks, used)):
                break        # read against the same places again, every name would come out the same
            used = picks
            apposition, _, evidence = self._evidence(article, mentions, keys, profiles, evidence.priors, first=picks)
            again = self._rank_pass(mentions, profiles, keys, apposition, picks, evidence, previous=out)
            settled = all(_same_place(a, b) for a, b in zip(out, again))
            out = again
            if settled:
                break
        return [replace(rm, components=self.ranker.contributions(rm.components.row))
                if isinstance(rm.components, _Explain) else rm for rm in out]

    @staticmethod
    def _candidate_of(rm: ResolvedMention, pool: list[Candidate]) -> Candidate | None:
        if rm.place is None:
            return None
        return next((c for c in pool if c.geonameid == rm.place.geonameid), None)

    def _rank_pass(self, mentions, profiles, keys, apposition, first, evidence,
                   previous: list[ResolvedMention] | None = None) -> list[ResolvedMention]:
        """Rank every mention's candidates once; on a later pass (``previous``), a mention with a
        single candidate keeps what it had: nothing the others say can change it."""
        pools = [p.pool for p in profiles]
        # One representative per repeated name decides for all its repeats.
        wanted, seen_keys = [], set()
        for i, pool in enumerate(pools):
            signature = (keys[i], mentions[i].hint, mentions[i].label, i in evidence.rivers)
            if previous is not None and len(pool) == 1:
                continue
            if pool and (signature not in seen_keys or i in apposition or i in evidence.containers):
                wanted.append(i)
                seen_keys.add(signature)
        if self.ranker is not None and wanted:
            rows = self._feature_rows(profiles, mentions, keys, wanted, apposition, first, evidence)
            sizes = [len(pools[i]) for i in wanted]
            scores = self.ranker.score_pools(rows, sizes)
            starts = dict(zip(wanted, itertools.accumulate(sizes, initial=0)))
        out = []
        names_seen: dict[str, Candidate] = {}
        decided: dict[tuple, ResolvedMention] = {}
        for i, (mention, pool) in enumerate(zip(mentions, pools)):
            if not pool:
                out.append(ResolvedMention(mention, None, 0.0, {}, ()))
                continue
            if previous is not None and len(pool) == 1:
                out.append(previous[i])
                names_seen.setdefault(keys[i], pool[0])
                continue
            # Repeated mentions of one name in an article mean one place: decide it once.
            signature = (keys[i], mention.hint, mention.label, i in evidence.rivers)
            repeat = decided.get(signature)
            if repeat is not None and i not in apposition and i not in evidence.containers:
                out.append(ResolvedMention(mention, repeat.place, repeat.score, repeat.components, repeat.candidates))
                continue
            if self.ranker is not None:
                start = starts[i]
                pool_scores = scores[start:start + len(pool)]
                order = self._best_first(pool_scores, profiles[i].tiebreak)
                score, best = pool_scores[order[0]], pool[order[0]]
                # worked out once the passes settle
                components = _Explain(rows[start + order[0]].tolist()) if self.explain else {}
                considered = tuple([(pool[k].geonameid, round(pool_scores[k], 3)) for k in order[:10]])
            else:
                ranked = [(s, c, comp) for s, c, comp in self._heuristic_rank(
                    pool, [c for j, c in enumerate(first) if c is not None and j != i], evidence.focus,
                    self._appositives(i, first, evidence, apposition))]
                score, best, components = ranked[0]
                considered = tuple((c.geonameid, round(float(s), 3)) for s, c, _ in ranked[:10])

            reading = reread(i, mention, pool, best, evidence, apposition, keys[i])
            if reading is not None:
                # a rule's choice reports its own score, not that of the candidate it replaces
                k, reason = reading
                score = pool_scores[k] if self.ranker is not None else next(sc for sc, c, _ in ranked if c is pool[k])
                best, components = pool[k], {reason: 1.0}
            # The river reading of a name ("the Dnipro") leaves its town or state reading free
            # for the article's other mentions.
            if i not in evidence.rivers:
                key = keys[i]
                if key in names_seen and names_seen[key].geonameid != best.geonameid and not mention.hint:
                    best = names_seen[key]
                    components = {"repeat": 1.0}
                names_seen.setdefault(key, best)
            resolved = ResolvedMention(mention, place_from_candidate(best), float(score), components, considered)
            decided.setdefault(signature, resolved)
            out.append(resolved)
        return out

    @staticmethod
    def _best_first(scores: list[float], tiebreak: tuple[tuple[int, int], ...]) -> list[int]:
        """Candidate indices by score, then population, then id."""
        if len(scores) == 1:
            return [0]
        return sorted(range(len(scores)), key=lambda k: (-scores[k], tiebreak[k]))

    @staticmethod
    def _first_pick(pool: list[Candidate], priors: list[float], countries_named: set[str]) -> Candidate:
        """Prior plus agreement with the countries the article names: the pass-1 guess."""
        if len(pool) == 1:
            return pool[0]
        best = max(range(len(pool)), key=lambda k: (priors[k] + 6.0 * (pool[k].country_code in countries_named),
                                                    pool[k].population, -pool[k].geonameid))
        return pool[best]

    def _heuristic_rank(self, pool, context, focus, appositives):
        ranked = []
        for c, prior in zip(pool, importances(pool)):
            ctx = context_fit(c, context) if context else 0.0
            foc = focus.get(c.country_code, 0.0)
            app = context_fit(c, appositives) if appositives else 0.0
            components = {"prior": round(prior, 3), "context": round(ctx, 3), "focus": round(foc, 3),
                          "apposition": round(app, 3)}
            score = prior + CONTEXT_WEIGHT * ctx + FOCUS_WEIGHT * foc + APPOSITION_WEIGHT * app
            ranked.append((score, c, components))
        ranked.sort(key=lambda t: (-t[0], -t[1].population, t[1].geonameid))
        return ranked
