"""The evidence for one candidate of one mention, as a fixed-length feature vector.

Kept in one place so that training (:mod:`mapper.ranking.train`) and use
(:mod:`mapper.resolve`) can never disagree on what a feature means.
"""
from __future__ import annotations

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
    "dateline_town", "is_physical", "physical_loc", "region_focus",
)


@dataclass
class ArticleEvidence:
    """What the rest of the article says, shared by all its mentions."""

    context: list[Candidate]
    focus: dict[str, float]
    countries_named: set[str]
    priors: list[list[float]] = field(default_factory=list)   # per mention, per candidate
    # "X, Y": for Y, the ids of its candidates that contain one of X's; for X, those candidates.
    containers: dict[int, list[Candidate]] = field(default_factory=dict)
    datelines: set[int] = field(default_factory=set)   # mentions that open the story as its dateline
    focus_without: dict[str, dict[str, float]] = field(default_factory=dict)   # per name, leave-it-out focus
    region_focus_without: dict[str, dict[tuple, float]] = field(default_factory=dict)   # same, per admin-1 unit


_HINT_CODES = {"admin1": {"ADM1"}, "admin2": {"ADM2"}, "country": {"PCLI"}}
EARTH_RADIUS_KM = 6371.0088


def _distance_matrix(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle km between every point of set 1 (rows) and set 2 (columns)."""
    p1, p2 = np.radians(lat1)[:, None], np.radians(lat2)[None, :]
    dl = np.radians(lon2)[None, :] - np.radians(lon1)[:, None]
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _columns(items, *fields: str) -> list[np.ndarray]:
    # Candidates are named tuples: one transpose yields every column, instead of one
    # attribute lookup per candidate per column.
    columns = tuple(zip(*items))
    return [np.array(columns[Candidate._fields.index(f)]) for f in fields]


_ROW_FIELDS = ("country_code", "admin1_code", "admin2_code", "geonameid", "lat", "lon")


class _PoolProfile:
    """What a pool of candidates says about each of them, whatever the article: the columns
    :func:`_agreement` compares them on, and the features that depend on the pool and the kind
    of mention alone. Building these costs more than using them, and the same names (so the
    same pools) come back article after article: they are worked out once per distinct pool."""

    def __init__(self, pool: tuple[Candidate, ...]):
        self.pool = pool
        columns = _columns(pool, *_ROW_FIELDS)
        columns[-2:] = [c.astype(float) for c in columns[-2:]]
        for c in columns:
            c.flags.writeable = False      # shared by every article that names the pool
        self.columns = tuple(columns)
        self._rows: dict[tuple, tuple[tuple[float, ...], ...]] = {}   # per (hint, label): a few at most

    def rows(self, hint: str | None, label: str) -> tuple[tuple[float, ...], ...]:
        """Feature rows, with what the article says (:data:`_ARTICLE_FEATURES`) left at 0."""
        key = (hint, label)
        if key not in self._rows:
            self._rows[key] = _pool_rows(self.pool, hint, label)
        return self._rows[key]


@lru_cache(maxsize=4096)
def _pool_profile(pool: tuple[Candidate, ...]) -> _PoolProfile:
    return _PoolProfile(pool)


def _agreement(rows: tuple[np.ndarray, ...], context: list[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    """Row x context matrices: agreement score (as :func:`gazetteer.geocoder.context_fit` counts
    it for one pair) and great-circle km. ``rows``: the candidates' columns, as
    :class:`_PoolProfile` keeps them."""
    row_cc, row_a1, row_a2, row_id, row_lat, row_lon = rows
    ctx_cc, ctx_a1, ctx_a2, ctx_id, ctx_lat, ctx_lon, ctx_code, ctx_class = _columns(
        context, *_ROW_FIELDS, "feature_code", "feature_class")
    same_cc = row_cc[:, None] == ctx_cc[None, :]
    same_a1 = (row_a1[:, None] == ctx_a1[None, :]) & (ctx_a1 != "")[None, :]
    same_a2 = row_a2[:, None] == ctx_a2[None, :]
    same_id = row_id[:, None] == ctx_id[None, :]
    ctx_country = ctx_code == "PCLI"
    ctx_adm2 = ctx_code == "ADM2"
    ctx_town = ctx_class == "P"
    km = _distance_matrix(row_lat, row_lon, ctx_lat.astype(float), ctx_lon.astype(float))
    score = same_cc * 3.0
    score = score + same_cc * ctx_country * 1.0
    score = score + same_cc * ~ctx_country * same_a1 * (3.0 + ctx_adm2 * same_a2 * 2.0)
    score = score + ctx_town * 4.0 * np.clip(1 - km / 150, 0.0, None)
    score[same_id] = 0.0
    km[:, ctx_country] = np.inf
    return score, km


_NO_NEIGHBOUR = math.log10(1 + 20000.0)


def article_context(pools: list[list[Candidate]], keys: list[str], first: list[Candidate | None],
                    wanted: list[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """For each wanted mention: per candidate, agreement with the article's other places (every
    mention's first-pass pick except its own name's) and log10(1 + km) to the nearest of them.
    One matrix operation per article instead of one per mention."""
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    ctx_index = [j for j, c in enumerate(first) if c is not None]
    if not any(pools[i] for i in wanted):
        return out
    if not ctx_index:
        for i in wanted:
            out[i] = (np.zeros(len(pools[i])), np.full(len(pools[i]), _NO_NEIGHBOUR))
        return out
    context = [first[j] for j in ctx_index]
    columns = [_pool_profile(tuple(pools[i])).columns for i in wanted]
    score, km = _agreement(tuple(np.concatenate(column) for column in zip(*columns)), context)
    # Names as small integers: comparing them is cheaper than comparing strings. A mention's own
    # pick has its name, so comparing names leaves it out too.
    key_ids: dict[str, int] = {}
    key_of = [key_ids.setdefault(k, len(key_ids)) for k in keys]
    row_key = np.repeat([key_of[i] for i in wanted], [len(pools[i]) for i in wanted])
    ctx_key = np.array([key_of[j] for j in ctx_index])
    own = row_key[:, None] == ctx_key[None, :]
    score[own] = 0.0
    km[own] = np.inf
    fit = np.maximum(score.max(axis=1), 0.0)
    nearest = km.min(axis=1)
    near = np.where(np.isfinite(nearest), np.log10(1 + np.where(np.isfinite(nearest), nearest, 0.0)), _NO_NEIGHBOUR)
    offset = 0
    for i in wanted:
        n = len(pools[i])
        out[i] = (fit[offset:offset + n], near[offset:offset + n])
        offset += n
    return out


def pool_context(pool: list[Candidate], context: list[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    """Agreement and nearest-place distance of every candidate against one context list."""
    if not context or not pool:
        return np.zeros(len(pool)), np.full(len(pool), _NO_NEIGHBOUR)
    return _pool_context(_pool_profile(tuple(pool)), context)


def _pool_context(profile: _PoolProfile, context: list[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    score, km = _agreement(profile.columns, context)
    nearest = km.min(axis=1)
    near = np.where(np.isfinite(nearest), np.log10(1 + np.where(np.isfinite(nearest), nearest, 0.0)), _NO_NEIGHBOUR)
    return np.maximum(score.max(axis=1), 0.0), near


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
                     "contains_apposed", "dateline_town", "region_focus")
(_CONTEXT, _FOCUS, _APPOSITION, _COUNTRY_NAMED, _NEAR, _PRIOR, _CONTAINS_APPOSED, _DATELINE,
 _REGION_FOCUS) = (FEATURE_NAMES.index(n) for n in _ARTICLE_FEATURES)


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
            0.0,                                        # region_focus
        ))
    return tuple(rows)


def pool_features(pool: list[Candidate], mention: Mention, context_scores: tuple[np.ndarray, np.ndarray],
                  evidence: ArticleEvidence, focus: dict[str, float], region_focus: dict[tuple, float],
                  appositives: list[Candidate],
                  priors: list[float] | None = None, contained_ids: frozenset[int] = frozenset(),
                  dateline: bool = False) -> list[list[float]]:
    """Feature rows for every candidate of one mention; ``context_scores`` from :func:`article_context`.

    ``appositives``: what the place written right after this one can be ("Paris" in "Paris, Mo.":
    Missouri); ``focus``: the share of the article's other places in each country (``region_focus``:
    in each admin-1 unit);
    ``contained_ids``: this mention's candidates that contain the place written right before it ("Mo." in the same phrase: the id of Missouri); ``dateline``: the mention opens the
    story ("WASHINGTON (Reuters) -"), where news name the city filed from."""
    if not pool:
        return []
    priors = priors if priors is not None else importances(pool)
    profile = _pool_profile(tuple(pool))
    fit, near = context_scores
    app = _pool_context(profile, appositives)[0] if appositives else np.zeros(len(pool))
    countries_named = evidence.countries_named
    out = []
    for c, static, prior, ctx, km, apposed in zip(pool, profile.rows(mention.hint, mention.label), priors,
                                                  fit.tolist(), near.tolist(), app.tolist()):
        row = list(static)
        row[_CONTEXT] = ctx
        row[_FOCUS] = focus.get(c.country_code, 0.0)
        row[_APPOSITION] = apposed
        row[_COUNTRY_NAMED] = float(c.country_code in countries_named)
        row[_NEAR] = km
        row[_PRIOR] = prior
        row[_CONTAINS_APPOSED] = float(c.geonameid in contained_ids)
        row[_DATELINE] = float(dateline and c.feature_class == "P")
        if c.admin1_code and c.feature_code != "PCLI":
            row[_REGION_FOCUS] = region_focus.get((c.country_code, c.admin1_code), 0.0)
        out.append(row)
    return out
