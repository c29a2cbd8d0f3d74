"""The evidence for one candidate of one mention, as a fixed-length feature vector.

Kept in one place so that training (:mod:`mapper.ranking.train`) and use
(:mod:`mapper.resolve`) can never disagree on what a feature means.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from gazetteer.geocoder import importances, is_physical
from gazetteer.index import Candidate
from mapper.model import Mention

FEATURE_NAMES = (
    "log_pop", "log_pop_gap", "is_country", "is_adm1", "is_adm2", "is_populated", "is_capital", "is_seat",
    "is_continent", "kind_official", "kind_alternate", "kind_derived", "kind_short", "alt_vs_official",
    "unit_contains_namesake", "context", "focus", "apposition", "hint_match", "hint_mismatch",
    "label_gpe", "label_loc", "label_fac", "label_norp", "label_gaz", "country_named", "near_other_km",
    "log_candidates", "heuristic", "rank_by_pop", "is_only_country", "contains_apposed",
    "dateline_town", "is_physical", "physical_loc", "region_focus", "neighbour_named",
)


@dataclass
class ArticleEvidence:
    """What the rest of the article says, shared by all its mentions."""

    context: list[Candidate]
    focus: dict[str, float]
    countries_named: set[str]
    # countries that border one the article names, without those it names ("Israel struck Gaza")
    neighbours_named: set[str] = field(default_factory=set)
    priors: list[list[float]] = field(default_factory=list)   # per mention, per candidate
    # "X, Y": for Y, the ids of its candidates that contain one of X's; for X, those candidates.
    containers: dict[int, list[Candidate]] = field(default_factory=dict)
    datelines: set[int] = field(default_factory=set)   # mentions that open the story as its dateline
    # mentions that act as a government does ("Washington gave the green light"): a capital's metonym
    actors: set[int] = field(default_factory=set)
    rivers: set[int] = field(default_factory=set)     # "across the Dnipro": "the" before a river's name
    focus_without: dict[str, dict[str, float]] = field(default_factory=dict)   # per name, leave-it-out focus
    region_focus_without: dict[str, dict[tuple, float]] = field(default_factory=dict)   # same, per admin-1 unit


_HINT_CODES = {"admin1": {"ADM1"}, "admin2": {"ADM2"}, "country": {"PCLI"}}
EARTH_RADIUS_KM = 6371.0088

# Country and admin codes as small integers, so that candidates are compared by number, not
# by string. Counted, not sized: ids stay unique even when threads intern at once.
_CODE_IDS: dict[tuple, int] = {}
_NEXT_CODE_ID = itertools.count(1)
_NO_UNIT = -1.0      # a context place without an admin-1 code matches no candidate on units


def _code_id(codes: tuple) -> int:
    found = _CODE_IDS.get(codes)
    return found if found is not None else _CODE_IDS.setdefault(codes, next(_NEXT_CODE_ID))


_CC, _A1, _A2, _ID, _LAT, _LON = (Candidate._fields.index(f) for f in
                                  ("country_code", "admin1_code", "admin2_code", "geonameid", "lat", "lon"))


def _candidate_rows(pool: tuple[Candidate, ...]) -> np.ndarray:
    """The arrays :func:`_agreement` reads for candidates, one column each: their country,
    (country, admin1) and (country, admin1, admin2) codes as numbers, their id, half their
    latitude and longitude in radians, the cosine of their latitude."""
    columns = tuple(zip(*pool))
    cc, a1, a2, lat = columns[_CC], columns[_A1], columns[_A2], columns[_LAT]
    # One array in one call, worked on in place: most pools have 1-4 candidates, where each
    # numpy call costs more to start than to run (a first pass over new names builds a
    # thousand pools). Halving is exact, so halving each point once is halving every
    # difference of two.
    rows = np.array([[_code_id((c,)) for c in cc], [_code_id((c, a)) for c, a in zip(cc, a1)],
                     [_code_id((c, a, b)) for c, a, b in zip(cc, a1, a2)],
                     columns[_ID], lat, columns[_LON], lat], dtype=float)
    points = rows[4:]
    np.radians(points, out=points)
    np.cos(points[2], out=points[2])
    points[:2] /= 2
    return rows


@lru_cache(maxsize=65536)
def _as_context(c: Candidate) -> tuple[float, ...]:
    """A place the others are read against, as :func:`_agreement` compares candidates with it:
    its codes and point as :func:`_candidate_rows` has them, and what sharing a unit with it is
    worth (as :func:`gazetteer.geocoder.context_fit` counts it: 3 for the country, 4 when it is
    the country; 3 more for its admin-1 unit, 2 more for its admin-2 unit; up to 4 for a town
    nearby), and whether it is a country."""
    country = c.feature_code == "PCLI"
    has_unit = bool(c.admin1_code)
    # Five numpy calls on one-element arrays cost more than the place's other work. math.radians
    # is np.radians (x * (pi / 180)) and halving is exact: the same bits. The cosine stays
    # numpy's, which may differ from math.cos in the last bit on some machines.
    lat, lon = math.radians(float(c.lat)), math.radians(float(c.lon))
    return (float(_code_id((c.country_code,))),
            float(_code_id((c.country_code, c.admin1_code))) if has_unit else _NO_UNIT,
            float(_code_id((c.country_code, c.admin1_code, c.admin2_code))) if has_unit else _NO_UNIT,
            float(c.geonameid), lat / 2, lon / 2, float(np.cos(np.array([lat]))[0]),
            4.0 if country else 3.0, 0.0 if country else 3.0, 2.0 if c.feature_code == "ADM2" else 0.0,
            4.0 if c.feature_class == "P" else 0.0, float(country))


def _context_columns(context: list[Candidate]) -> np.ndarray:
    return np.array(list(zip(*map(_as_context, context))))


class _PoolProfile:
    """What a pool of candidates says about each of them, whatever the article: the columns
    :func:`_agreement` compares them on, and the features that depend on the pool and the kind
    of mention alone. Building these costs more than using them, and the same names (so the
    same pools) come back article after article: they are worked out once per distinct pool."""

    def __init__(self, pool: tuple[Candidate, ...]):
        self.pool = pool
        self.where = _candidate_rows(pool) if pool else np.zeros((7, 0))
        self.where.flags.writeable = False      # shared by every article that names the pool
        self.country_codes = tuple(c.country_code for c in pool)
        self.regions = tuple((c.country_code, c.admin1_code) if c.admin1_code and c.feature_code != "PCLI" else None
                             for c in pool)
        self.ids = tuple(c.geonameid for c in pool)
        self.tiebreak = tuple((-c.population, c.geonameid) for c in pool)    # between equal scores
        self.countries = frozenset(self.country_codes)
        self.towns = tuple(float(c.feature_class == "P") for c in pool)   # numpy takes it as it is
        self._priors: list[float] | None = None
        self._rows: dict[tuple, np.ndarray] = {}   # per (hint, label): a few at most

    @property
    def priors(self) -> list[float]:
        if self._priors is None:
            self._priors = importances(self.pool) if self.pool else []
        return self._priors

    def rows(self, hint: str | None, label: str) -> np.ndarray:
        """Feature rows, with what the article says (:data:`_ARTICLE_FEATURES`) left at 0."""
        key = (hint, label)
        if key not in self._rows:
            rows = np.array(_pool_rows(self.pool, hint, label), dtype=float)
            rows.flags.writeable = False
            self._rows[key] = rows
        return self._rows[key]


@lru_cache(maxsize=4096)
def pool_profile(pool: tuple[Candidate, ...]) -> _PoolProfile:
    return _PoolProfile(pool)


def _agreement(rows: np.ndarray, context: np.ndarray, own: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Context x candidate matrices: agreement score (as :func:`gazetteer.geocoder.context_fit`
    counts it for one pair) and great-circle km, countries in the context infinitely far.
    ``rows``: the candidates' arrays, as :class:`_PoolProfile` keeps them; ``context``: from
    :func:`_context_columns`; ``own``: pairs that count for nothing (a name's own pick).
    Few operations on whole matrices: each costs more to start than to run."""
    half_differences = np.sin(context[4:6, :, None] - rows[4:6, None, :])    # latitudes, longitudes
    half_differences *= half_differences
    a, b = half_differences
    b *= np.multiply.outer(context[6], rows[6])
    a += b
    np.maximum(a, 0.0, out=a)
    np.minimum(a, 1.0, out=a)
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a, out=a), out=a)
    # Whole numbers: exact whatever the order they are added in.
    score = ((context[:3, :, None] == rows[:3, None, :]) * context[7:10, :, None]).sum(axis=0)
    nearby = km / 150
    np.subtract(1, nearby, out=nearby)
    np.maximum(nearby, 0.0, out=nearby)
    nearby *= context[10][:, None]
    score += nearby
    nothing = np.equal.outer(context[3], rows[3])    # a place agrees with itself for nothing
    far = context[11] != 0.0                          # countries: no distance to them
    if own is not None:
        nothing |= own
        own[far] = True
        np.putmask(km, own, np.inf)
    else:
        km[far] = np.inf
    np.putmask(score, nothing, 0.0)
    return score, km


_NO_NEIGHBOUR = math.log10(1 + 20000.0)


def _nearest(km: np.ndarray) -> np.ndarray:
    """log10(1 + km) to each candidate's nearest place; _NO_NEIGHBOUR when there is none."""
    nearest = km.min(axis=0)
    near = np.log10(1 + nearest)
    np.putmask(near, np.isinf(nearest), _NO_NEIGHBOUR)
    return near


def article_context(profiles: list[_PoolProfile], keys: list[str], first: list[Candidate | None],
                    wanted: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """For the candidates of the wanted mentions, in order: agreement with the article's other
    places (every mention's first-pass pick except its own name's) and log10(1 + km) to the
    nearest of them. One matrix operation per article instead of one per mention."""
    sizes = [len(profiles[i].pool) for i in wanted]
    # Names as small integers: comparing them is cheaper than comparing strings. A mention's own
    # pick has its name, so comparing names leaves it out too. A name repeated with the same
    # pick is one place of the context: the best and nearest agreement are the same without repeats.
    key_ids: dict[str, int] = {}
    key_of = [key_ids.setdefault(k, len(key_ids)) for k in keys]
    context = {(c.geonameid, key_of[j]): c for j, c in enumerate(first) if c is not None}
    if not sum(sizes) or not context:
        return np.zeros(sum(sizes)), np.full(sum(sizes), _NO_NEIGHBOUR)
    rows = profiles[wanted[0]].where if len(wanted) == 1 else np.concatenate([profiles[i].where for i in wanted], axis=1)
    row_keys = [k for i, n in zip(wanted, sizes) for k in [key_of[i]] * n]
    own = np.equal.outer([k for _, k in context], row_keys)
    score, km = _agreement(rows, _context_columns(list(context.values())), own)
    return np.maximum(score.max(axis=0), 0.0), _nearest(km)


def pool_context(pool: list[Candidate], context: list[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    """Agreement and nearest-place distance of every candidate against one context list."""
    if not context or not pool:
        return np.zeros(len(pool)), np.full(len(pool), _NO_NEIGHBOUR)
    return _pool_context(pool_profile(tuple(pool)), context)


def _pool_context(profile: _PoolProfile, context: list[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    score, km = _agreement(profile.where, _context_columns(context))
    return np.maximum(score.max(axis=0), 0.0), _nearest(km)


def contains(unit: Candidate, place: Candidate) -> bool:
    """Whether the country or admin unit ``unit`` holds ``place`` (by codes; no polygons needed)."""
    if unit.geonameid == place.geonameid or unit.country_code != place.country_code:
        return False
    if unit.feature_code == "PCLI":
        return True
    if unit.feature_code == "ADM1":
        return bool(unit.admin1_code) and unit.admin1_code == place.admin1_code
    if unit.feature_code == "ADM2":
        return (bool(unit.admin2_code) and unit.admin1_code == place.admin1_code
                and unit.admin2_code == place.admin2_code)
    return False


def containers_of(units: list[Candidate], places: list[Candidate]) -> list[Candidate]:
    """The candidates of ``units`` that contain at least one candidate of ``places``."""
    return [u for u in units if u.feature_class == "A" and any(contains(u, p) for p in places)]


# What the article says about a candidate; the other features depend on its pool and the
# mention's label and hint alone.
_ARTICLE_FEATURES = ("context", "focus", "apposition", "country_named", "near_other_km", "heuristic",
                     "contains_apposed", "dateline_town", "region_focus", "neighbour_named")
(_CONTEXT, _FOCUS, _APPOSITION, _COUNTRY_NAMED, _NEAR, _PRIOR, _CONTAINS_APPOSED, _DATELINE,
 _REGION_FOCUS, _NEIGHBOUR_NAMED) = (FEATURE_NAMES.index(n) for n in _ARTICLE_FEATURES)


_EVERY_ROW = [_CONTEXT, _NEAR, _PRIOR, _FOCUS, _REGION_FOCUS, _COUNTRY_NAMED, _NEIGHBOUR_NAMED]


def _pool_rows(pool: tuple[Candidate, ...], hint: str | None, label: str) -> tuple[tuple[float, ...], ...]:
    """One row of FEATURE_NAMES per candidate of a mention with this ``hint`` and ``label``,
    what the article says (:data:`_ARTICLE_FEATURES`) left at 0."""
    log_pops = [math.log10(1 + c.population) for c in pool]
    max_log_pop = max(log_pops)
    order = sorted(range(len(pool)), key=lambda k: -pool[k].population)
    rank = {k: r for r, k in enumerate(order)}
    officials = {o.geonameid for o in pool if o.name_kind == 0}
    towns1 = {(o.country_code, o.admin1_code) for o in pool if o.feature_class == "P"}
    towns2 = {(o.country_code, o.admin1_code, o.admin2_code) for o in pool if o.feature_class == "P"}
    countries = sum(o.feature_code == "PCLI" for o in pool)
    hint_codes = _HINT_CODES.get(hint or "")
    labels = [float(label == name) for name in ("GPE", "LOC", "FAC", "NORP", "GAZ")]
    is_loc = label == "LOC"
    log_candidates = math.log10(1 + len(pool))
    rows = []
    for k, c in enumerate(pool):
        code = c.feature_code
        physical = is_physical(c)
        rows.append((
            log_pops[k], log_pops[k] - max_log_pop,
            float(code == "PCLI"), float(code == "ADM1"), float(code == "ADM2"), float(c.feature_class == "P"),
            float(code == "PPLC"), float(code in ("PPLA", "PPLA2")), float(code == "CONT"),
            float(c.name_kind == 0), float(c.name_kind == 1), float(c.name_kind == 2), float(c.name_kind >= 3),
            float(c.name_kind >= 1 and (len(officials) > 1 or (len(officials) == 1 and c.geonameid not in officials))),
            float(c.feature_class == "A" and code != "PCLI" and (
                (c.country_code, c.admin1_code) in towns1 if code == "ADM1"
                else (c.country_code, c.admin1_code, c.admin2_code) in towns2)),
            0.0, 0.0, 0.0,                              # context, focus, apposition
            float(bool(hint_codes) and code in hint_codes), float(bool(hint_codes) and code not in hint_codes),
            *labels,
            0.0, 0.0,                                   # country_named, near_other_km
            log_candidates, 0.0, 1.0 / (1 + rank[k]),   # heuristic (the prior) in between
            float(code == "PCLI" and countries == 1),
            0.0, 0.0,                                   # contains_apposed, dateline_town
            float(physical), float(physical and is_loc),
            0.0, 0.0,                                   # region_focus, neighbour_named
        ))
    return tuple(rows)


def article_features(profiles: list[_PoolProfile], mentions: list[Mention], keys: list[str], wanted: list[int],
                     context_scores: tuple[np.ndarray, np.ndarray], evidence: ArticleEvidence,
                     appositives: dict[int, list[Candidate]]) -> np.ndarray:
    """Feature rows for every candidate of the wanted mentions, in one matrix: those of
    ``wanted[0]``'s pool, then those of ``wanted[1]``'s, and so on. ``profiles``: one per
    mention; ``keys``: each mention's normalized name; ``context_scores`` from :func:`article_context`.

    ``appositives``: per mention, what the place written right after it can be ("Paris" in
    "Paris, Mo.": Missouri). From ``evidence``: the share of the article's other places in each
    country and admin-1 unit, the candidates that contain the place written right before the
    mention ("Mo." in "Paris, Mo.": Missouri), and the dateline: a mention opening the story
    ("WASHINGTON (Reuters) -") names the city the news was filed from."""
    matrix = np.concatenate([profiles[i].rows(mentions[i].hint, mentions[i].label) for i in wanted])
    fit, near = context_scores
    named = evidence.countries_named
    priors: list[float] = []
    focus: list[float] = []
    region_focus: list[float] = []
    country_named: list[bool] = []
    neighbours = evidence.neighbours_named
    neighbour_named: list[bool] = []
    for i in wanted:
        profile = profiles[i]
        by_country = evidence.focus_without.get(keys[i], {})
        by_region = evidence.region_focus_without.get(keys[i], {})
        priors += evidence.priors[i]
        focus += [by_country.get(cc, 0.0) for cc in profile.country_codes]
        region_focus += [by_region.get(region, 0.0) for region in profile.regions]
        country_named += [cc in named for cc in profile.country_codes]
        neighbour_named += [cc in neighbours for cc in profile.country_codes]
    # One assignment for the columns every candidate has a value in.
    matrix[:, _EVERY_ROW] = np.array([fit, near, priors, focus, region_focus, country_named, neighbour_named]).T
    # What few mentions have: a place written right after or before them, the dateline.
    offset = 0
    for i in wanted:
        profile = profiles[i]
        rows = slice(offset, offset + len(profile.pool))
        offset = rows.stop
        if appositives.get(i):
            matrix[rows, _APPOSITION] = _pool_context(profile, appositives[i])[0]
        if evidence.containers.get(i):
            contained = {c.geonameid for c in evidence.containers[i]}
            matrix[rows, _CONTAINS_APPOSED] = [g in contained for g in profile.ids]
        if i in evidence.datelines:
            matrix[rows, _DATELINE] = profile.towns
    return matrix
