"""The field's metrics: evaluate geocoding, geoparsing and incident extraction.

Metrics follow Gritta et al., "A pragmatic guide to geoparsing evaluation" (2020),
as restated in the development corpora's README:

- **Recognition**: a predicted mention matches a gold toponym when their character spans
  overlap; each gold toponym and each prediction is used at most once, largest overlap
  first (:func:`match_spans`). Precision, recall and F1 over mentions.
- **Resolution**, on matched pairs: the error is the great-circle distance in km
  (:func:`haversine_km`); a matched prediction without coordinates counts
  :data:`MAX_ERROR_KM` (20,039 km). Acc@161 is the share of errors under 161 km; AUC is
  the area under the curve of sorted, log-scaled errors (:func:`auc`, lower is better);
  mean and median error.
- **End to end**: e2e@161 = gold toponyms found *and* placed within 161 km / all gold toponyms.
- **Geocoding** a location string: share within 10, 25 and 161 km, median error over the
  answered queries, share with no answer.
- **Incidents**: the nearest extracted incident's distance to the true point, and precision
  and recall of the weapon class (weapon strings mapped onto the classes of
  ``mapper/incidents/lexicons/weapon_classes.json``).

The harness takes the system under test as plain callables (``geocode_fn``, ``geoparse_fn``,
``extract_fn``), so it can evaluate any implementation, and tests can use fakes. Nothing
here imports the gazetteer, spaCy or the incident extractor; :mod:`mapper.cli.eval_cmd`
wires those in.
"""
from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import json
import logging
import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from mapper.errors import MapperError
from mapper.model import Article, Incident, ResolvedMention

__all__ = [
    "EARTH_RADIUS_KM", "MAX_ERROR_KM", "ACC_KM", "GEOCODE_THRESHOLDS_KM",
    "EvalError", "EvalCorpusError",
    "haversine_km", "span_overlap", "match_spans", "precision_recall_f1", "auc", "share_within",
    "GoldToponym", "GoldArticle", "IncidentRecord", "GeocodeQuery",
    "parse_date", "read_geoparse_corpus", "read_incident_set", "read_geocode_queries",
    "WeaponClasses", "load_weapon_classes",
    "GeoparseScores", "GeoparseResult", "GeocodeResult", "WeaponScores", "IncidentResult",
    "evaluate_geocoder", "evaluate_geoparser", "evaluate_incidents",
    "format_table", "write_items",
]

log = logging.getLogger(__name__)

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: The error charged for a matched mention without coordinates, and the AUC scale (Gritta et al.).
MAX_ERROR_KM = 20039.0
#: The "accurate" threshold of Acc@161 and e2e@161 (100 miles).
ACC_KM = 161.0
#: Thresholds reported for geocoding and incident location.
GEOCODE_THRESHOLDS_KM = (10.0, 25.0, 161.0)


class EvalError(MapperError, RuntimeError):
    """The evaluation could not run (e.g. the system under test broke its contract)."""


class EvalCorpusError(MapperError, ValueError):
    """An evaluation corpus file is malformed; the message names the file and line."""


# --------------------------------------------------------------------------- metrics


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two (lat, lon) points, on a sphere.

    Uses the haversine formula with the mean Earth radius :data:`EARTH_RADIUS_KM`.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        WGS84 degrees.

    Returns
    -------
    float
        Distance in kilometres.

    Examples
    --------
    >>> round(haversine_km(0.0, 0.0, 0.0, 1.0), 3)   # one degree on the equator
    111.195
    >>> round(haversine_km(0.0, 0.0, 0.0, 180.0))    # half the circumference
    20015
    >>> haversine_km(50.45, 30.52, 50.45, 30.52)
    0.0
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def span_overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Number of characters two half-open ``(start, end)`` spans share (0 if disjoint).

    Examples
    --------
    >>> span_overlap((0, 5), (3, 10))
    2
    >>> span_overlap((0, 5), (5, 10))   # touching is not overlapping
    0
    """
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_spans(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Match predicted spans to gold spans: overlap, one-to-one, largest overlap first.

    Every overlapping (gold, prediction) pair is a candidate. Candidates are taken
    greedily by overlap length, descending; a pair is kept when neither its gold span
    nor its prediction has been used. Ties are broken deterministically, independent
    of input order: by gold span (start, end), then predicted span (start, end), then
    the indices.

    Parameters
    ----------
    gold, predicted : sequence of (start, end)
        Half-open character spans.

    Returns
    -------
    list of (gold_index, predicted_index)
        Sorted by gold index.

    Examples
    --------
    Two predictions overlap one gold span: the larger overlap wins, the other is spurious.

    >>> match_spans([(0, 10)], [(0, 3), (2, 10)])
    [(0, 1)]

    One prediction covers two gold spans: it matches the one it overlaps most.

    >>> match_spans([(0, 3), (4, 12)], [(0, 12)])
    [(1, 0)]
    """
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            n = span_overlap(g, p)
            if n > 0:
                candidates.append((-n, g[0], g[1], p[0], p[1], gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for *_, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((gi, pi))
    return sorted(pairs)


def precision_recall_f1(correct: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts; a zero denominator gives 0.0.

    Examples
    --------
    >>> precision_recall_f1(2, 4, 3)
    (0.5, 0.6666666666666666, 0.5714285714285715)
    >>> precision_recall_f1(0, 0, 0)
    (0.0, 0.0, 0.0)
    """
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def auc(errors_km: Iterable[float]) -> float | None:
    """Area under the curve of sorted, log-scaled errors (Gritta et al.); lower is better.

    Each error *e* (km) is scaled to ``log(1 + e) / log(20039)`` (0 for a perfect
    answer, about 1 for the antipode); the scaled errors are sorted ascending and
    integrated with the trapezoid rule over ``x = linspace(0, 1, n)``. That is exactly
    the expression in Gritta et al.'s evaluation code,
    ``np.trapz(sorted_scaled) / (n - 1)`` (``np.trapz`` is ``np.trapezoid`` in
    numpy >= 2). With a single error the curve is flat and the area is its scaled
    value; with none, the AUC is undefined (``None``).

    Examples
    --------
    >>> auc([0.0, 20038.0])          # scaled [0, 1]: a straight line from 0 to 1
    0.5
    >>> auc([20038.0, 0.0, 0.0])     # scaled, sorted [0, 0, 1]
    0.25
    >>> auc([]) is None
    True
    """
    scaled = np.sort(np.log1p(np.asarray(list(errors_km), dtype=float)) / math.log(MAX_ERROR_KM))
    if scaled.size == 0:
        return None
    if scaled.size == 1:
        return float(scaled[0])
    return float(np.trapezoid(scaled, dx=1.0 / (scaled.size - 1)))


def share_within(errors_km: Sequence[float | None], km: float) -> float | None:
    """Share of errors strictly under ``km``; ``None`` entries (no answer) count as misses.

    Examples
    --------
    >>> share_within([5.0, 20.0, None, 200.0], 25)
    0.5
    """
    if not errors_km:
        return None
    return sum(1 for e in errors_km if e is not None and e < km) / len(errors_km)


def _median(values: Sequence[float]) -> float | None:
    return float(np.median(values)) if len(values) else None


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if len(values) else None


# --------------------------------------------------------------------------- corpora


@dataclass(frozen=True, slots=True)
class GoldToponym:
    """An annotated toponym: a half-open span of the article text and its true point."""

    start: int
    end: int
    phrase: str
    lat: float
    lon: float
    geonameid: int | None = None
    fcode: str | None = None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """An article of a geoparsing corpus with its gold toponyms."""

    article: Article
    source: str
    toponyms: tuple[GoldToponym, ...]


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """One record of an incident set: a description, a free-text location, the true point."""

    id: str
    text: str
    location: str
    lat: float
    lon: float
    date: dt.date | None = None
    source: str = ""
    weapons: tuple[str, ...] = ()

    def article(self) -> Article:
        """The article the extractor sees: ``location + ". " + text``, dated ``date``.

        Examples
        --------
        >>> IncidentRecord("r1", "Shelling hit a school.", "Kupiansk", 49.7, 37.6).article().text
        'Kupiansk. Shelling hit a school.'
        """
        location = self.location.strip()
        text = f"{location}. {self.text}" if location else self.text
        return Article(id=self.id, text=text, date=self.date)


@dataclass(frozen=True, slots=True)
class GeocodeQuery:
    """A location string and where it really is."""

    id: str
    query: str
    lat: float
    lon: float
    source: str = ""


_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def parse_date(value: Any) -> dt.date | None:
    """A date from a corpus ``date`` field, leniently: ISO first, then dateutil, else ``None``.

    Examples
    --------
    >>> parse_date("2016-12-19")
    datetime.date(2016, 12, 19)
    >>> parse_date("Wed Nov 23, 2016 | 4:58pm EST")
    datetime.date(2016, 11, 23)
    >>> parse_date("sometime") is None and parse_date(None) is None
    True
    """
    if value is None or not isinstance(value, str) or not value.strip():
        return None
    m = _ISO_DATE.match(value)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    try:
        import warnings

        from dateutil import parser as date_parser
    except ImportError:  # pragma: no cover - dateutil ships with pandas and dateparser
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return date_parser.parse(value, fuzzy=True, ignoretz=True).date()
    except (ValueError, OverflowError, TypeError):
        return None


def _iter_jsonl(path: str | Path, limit: int | None = None) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; malformed lines raise EvalCorpusError."""
    path = Path(path)
    n = 0
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if limit is not None and n >= limit:
                return
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise EvalCorpusError(f"{path}, line {lineno}: not UTF-8 text ({exc.reason})") from exc
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalCorpusError(
                    f"{path}, line {lineno}: not valid JSON ({exc.msg}, column {exc.colno}); "
                    "expected one JSON object per line"
                ) from exc
            if not isinstance(obj, dict):
                raise EvalCorpusError(f"{path}, line {lineno}: expected a JSON object, got {type(obj).__name__}")
            n += 1
            yield lineno, obj
    if n == 0:
        raise EvalCorpusError(f"{path}: no records; expected one JSON object per line")


def _where(path, lineno) -> str:
    return f"{Path(path)}, line {lineno}"


def _get(obj: Mapping, key: str, kinds: type | tuple, where: str, *, optional: bool = False):
    if key not in obj or obj[key] is None:
        if optional:
            return None
        raise EvalCorpusError(f"{where}: missing field {key!r}")
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, kinds):
        names = kinds.__name__ if isinstance(kinds, type) else " or ".join(k.__name__ for k in kinds)
        raise EvalCorpusError(f"{where}: field {key!r} should be {names}, got {value!r}")
    return value


def _latlon(obj: Mapping, where: str, lat_key: str = "lat", lon_key: str = "lon") -> tuple[float, float]:
    lat = float(_get(obj, lat_key, (int, float), where))
    lon = float(_get(obj, lon_key, (int, float), where))
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise EvalCorpusError(f"{where}: coordinates out of range: {lat_key}={lat}, {lon_key}={lon}")
    return lat, lon


def read_geoparse_corpus(path: str | Path, limit: int | None = None) -> list[GoldArticle]:
    """Read a geoparsing corpus (JSONL: ``id, source, date, title, text, toponyms``).

    Parameters
    ----------
    path : str or Path
        One article per line; each toponym has ``start, end, phrase, lat, lon`` and
        optionally ``geonameid, fcode``, with ``text[start:end] == phrase``.
    limit : int, optional
        Read only the first ``limit`` articles.

    Returns
    -------
    list of GoldArticle

    Raises
    ------
    EvalCorpusError
        On a malformed line, naming the file and line number.
    """
    out = []
    for lineno, obj in _iter_jsonl(path, limit):
        where = _where(path, lineno)
        text = _get(obj, "text", str, where)
        article_id = str(_get(obj, "id", (str, int), where))
        title = _get(obj, "title", str, where, optional=True)
        source = _get(obj, "source", str, where, optional=True) or ""
        raw_toponyms = _get(obj, "toponyms", list, where)
        toponyms = []
        for k, t in enumerate(raw_toponyms):
            twhere = f"{where}, toponym {k}"
            if not isinstance(t, dict):
                raise EvalCorpusError(f"{twhere}: expected a JSON object, got {t!r}")
            start = _get(t, "start", int, twhere)
            end = _get(t, "end", int, twhere)
            if not 0 <= start < end <= len(text):
                raise EvalCorpusError(f"{twhere}: span [{start}, {end}) is outside the text (length {len(text)})")
            phrase = _get(t, "phrase", str, twhere, optional=True)
            if phrase is None:
                phrase = text[start:end]
            elif text[start:end] != phrase:
                raise EvalCorpusError(f"{twhere}: text[{start}:{end}] is {text[start:end]!r}, not the phrase {phrase!r}")
            lat, lon = _latlon(t, twhere)
            geonameid = _get(t, "geonameid", int, twhere, optional=True)
            fcode = _get(t, "fcode", str, twhere, optional=True)
            toponyms.append(GoldToponym(start, end, phrase, lat, lon, geonameid, fcode))
        article = Article(id=article_id, text=text, date=parse_date(obj.get("date")), title=title)
        out.append(GoldArticle(article, source, tuple(toponyms)))
    return out


def _weapons(obj: Mapping, where: str) -> tuple[str, ...]:
    value = obj.get("weapons")
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EvalCorpusError(f"{where}: field 'weapons' should be a list of strings, got {value!r}")
    return tuple(value)


def read_incident_set(path: str | Path, limit: int | None = None) -> list[IncidentRecord]:
    """Read an incident set (JSONL: ``id, source, date, text, location, lat, lon[, weapons]``).

    ``location`` may be empty or null (the extractor then sees the text alone).

    Raises
    ------
    EvalCorpusError
        On a malformed line, naming the file and line number.
    """
    out = []
    for lineno, obj in _iter_jsonl(path, limit):
        where = _where(path, lineno)
        lat, lon = _latlon(obj, where)
        out.append(IncidentRecord(
            id=str(_get(obj, "id", (str, int), where)),
            text=_get(obj, "text", str, where),
            location=_get(obj, "location", str, where, optional=True) or "",
            lat=lat,
            lon=lon,
            date=parse_date(obj.get("date")),
            source=_get(obj, "source", str, where, optional=True) or "",
            weapons=_weapons(obj, where),
        ))
    return out


def read_geocode_queries(path: str | Path, field: str = "location", limit: int | None = None) -> list[GeocodeQuery]:
    """Read location strings with their true points from any JSONL with ``field``, ``lat``, ``lon``.

    Records whose ``field`` is empty or null are skipped (logged), as they are no query;
    ``limit`` counts the queries kept.

    Raises
    ------
    EvalCorpusError
        On a malformed line, or when no record has the field.
    """
    out = []
    skipped = 0
    for lineno, obj in _iter_jsonl(path):
        if limit is not None and len(out) >= limit:
            break
        where = _where(path, lineno)
        query = _get(obj, field, str, where, optional=True)
        if query is None and field not in obj:
            raise EvalCorpusError(f"{where}: missing field {field!r} (choose the query field with --field)")
        if not query or not query.strip():
            skipped += 1
            continue
        lat, lon = _latlon(obj, where)
        out.append(GeocodeQuery(
            id=str(obj.get("id", lineno)), query=query.strip(), lat=lat, lon=lon,
            source=obj["source"] if isinstance(obj.get("source"), str) else "",
        ))
    if skipped:
        log.warning("%s: skipped %d record(s) with an empty %r", path, skipped, field)
    if not out:
        raise EvalCorpusError(f"{path}: no record has a non-empty {field!r} to geocode")
    return out


# --------------------------------------------------------------------------- weapon classes


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


# --------------------------------------------------------------------------- results


class _Result:
    def to_dict(self) -> dict[str, Any]:
        """Scores as plain JSON-ready values (per-item records are left out; see ``items``)."""
        out = {}
        for f in fields(self):
            if f.name == "items":
                continue
            value = getattr(self, f.name)
            if isinstance(value, _Result):
                value = value.to_dict()
            elif isinstance(value, dict):
                value = {k: v.to_dict() if isinstance(v, _Result) else v for k, v in value.items()}
            out[f.name] = value
        return out


@dataclass
class GeoparseScores(_Result):
    """Recognition, resolution and end-to-end scores over a set of articles.

    ``acc161``, ``auc``, ``mean_km`` and ``median_km`` are over matched pairs
    (``None`` without any); ``e2e161`` is over all gold toponyms.
    """

    articles: int
    gold: int
    predicted: int
    matched: int
    precision: float
    recall: float
    f1: float
    acc161: float | None
    auc: float | None
    mean_km: float | None
    median_km: float | None
    e2e161: float


@dataclass
class GeoparseResult(_Result):
    """Scores overall (micro-averaged over every article) and per corpus ``source``."""

    overall: GeoparseScores
    by_source: dict[str, GeoparseScores]
    items: list[dict] = field(default_factory=list, repr=False)


@dataclass
class GeocodeResult(_Result):
    """Geocoding scores; ``within_*`` count unanswered queries as misses, ``median_km`` is over answered ones."""

    queries: int
    answered: int
    within_10km: float | None
    within_25km: float | None
    within_161km: float | None
    median_km: float | None
    unanswered: float | None
    items: list[dict] = field(default_factory=list, repr=False)


@dataclass
class WeaponScores(_Result):
    """Micro precision and recall of weapon classes over the records with a known gold weapon.

    ``unclassified`` counts predicted weapon strings that name no class (not scored).
    """

    records: int
    gold: int
    predicted: int
    correct: int
    precision: float
    recall: float
    f1: float
    unclassified: int


@dataclass
class IncidentResult(_Result):
    """Incident location scores; ``within_*`` count records without an incident as misses,
    ``median_km`` is over records with one."""

    records: int
    with_incident: int
    within_10km: float | None
    within_25km: float | None
    within_161km: float | None
    median_km: float | None
    no_incident: float | None
    weapon: WeaponScores | None
    items: list[dict] = field(default_factory=list, repr=False)


# --------------------------------------------------------------------------- harness


def _as_latlon(answer: Any) -> tuple[float, float] | None:
    """(lat, lon) from a tuple, a geopy Location or a Place-like object; None stays None."""
    if answer is None:
        return None
    if hasattr(answer, "latitude") and hasattr(answer, "longitude"):
        lat, lon = answer.latitude, answer.longitude
    elif hasattr(answer, "lat") and hasattr(answer, "lon"):
        lat, lon = answer.lat, answer.lon
    else:
        lat, lon = answer
    if lat is None or lon is None:
        return None
    return float(lat), float(lon)


def evaluate_geocoder(queries: Iterable[GeocodeQuery], geocode_fn: Callable[[str], Any]) -> GeocodeResult:
    """Geocode each query string and score the answers against the true points.

    Parameters
    ----------
    queries : iterable of GeocodeQuery
        Location strings with their true (lat, lon).
    geocode_fn : callable
        ``geocode_fn(query) -> (lat, lon) | None`` (a geopy ``Location`` also works).

    Returns
    -------
    GeocodeResult
        With one item per query: ``id, query, lat, lon, pred_lat, pred_lon, error_km``
        (``error_km`` is ``None`` when unanswered).
    """
    errors: list[float | None] = []
    items = []
    for q in queries:
        point = _as_latlon(geocode_fn(q.query))
        err = None if point is None else haversine_km(q.lat, q.lon, *point)
        errors.append(err)
        items.append({
            "id": q.id, "query": q.query, "lat": q.lat, "lon": q.lon,
            "pred_lat": None if point is None else point[0], "pred_lon": None if point is None else point[1],
            "error_km": err,
        })
    answered = [e for e in errors if e is not None]
    n = len(errors)
    return GeocodeResult(
        queries=n,
        answered=len(answered),
        within_10km=share_within(errors, 10.0),
        within_25km=share_within(errors, 25.0),
        within_161km=share_within(errors, ACC_KM),
        median_km=_median(answered),
        unanswered=(n - len(answered)) / n if n else None,
        items=items,
    )


@dataclass
class _GeoparseTally:
    articles: int = 0
    gold: int = 0
    predicted: int = 0
    errors: list[float] = field(default_factory=list)

    def scores(self) -> GeoparseScores:
        matched = len(self.errors)
        p, r, f = precision_recall_f1(matched, self.predicted, self.gold)
        good = sum(1 for e in self.errors if e < ACC_KM)
        return GeoparseScores(
            articles=self.articles, gold=self.gold, predicted=self.predicted, matched=matched,
            precision=p, recall=r, f1=f,
            acc161=good / matched if matched else None,
            auc=auc(self.errors),
            mean_km=_mean(self.errors),
            median_km=_median(self.errors),
            e2e161=good / self.gold if self.gold else 0.0,
        )


def _place_point(rm: ResolvedMention) -> tuple[float, float] | None:
    place = rm.place
    if place is None:
        return None
    return _as_latlon(place)


def evaluate_geoparser(
    corpus: Sequence[GoldArticle],
    geoparse_fn: Callable[[list[Article]], Iterable[Sequence[ResolvedMention]]],
) -> GeoparseResult:
    """Geoparse the corpus's articles and score recognition, resolution and e2e@161.

    Parameters
    ----------
    corpus : sequence of GoldArticle
    geoparse_fn : callable
        ``geoparse_fn(articles) -> iterable of list[ResolvedMention]``, one list per
        article, in order. ``mention.start``/``end`` are character offsets into the
        article text; ``place`` is ``None`` or has ``lat``/``lon``.

    Returns
    -------
    GeoparseResult
        Overall (micro over all articles) and per ``source``; one item per gold toponym
        (``kind`` "matched" or "missed") and per unmatched prediction ("spurious").

    Raises
    ------
    EvalError
        If ``geoparse_fn`` returns a different number of results than articles.
    """
    corpus = list(corpus)
    overall = _GeoparseTally()
    by_source: dict[str, _GeoparseTally] = {}
    items: list[dict] = []
    results = iter(geoparse_fn([g.article for g in corpus]))
    for k, gold in enumerate(corpus):
        try:
            predicted = list(next(results))
        except StopIteration:
            raise EvalError(f"the geoparser returned {k} results for {len(corpus)} articles") from None
        tallies = (overall, by_source.setdefault(gold.source, _GeoparseTally()))
        pairs = match_spans([(t.start, t.end) for t in gold.toponyms],
                            [(rm.mention.start, rm.mention.end) for rm in predicted])
        pred_for_gold = dict(pairs)
        matched_preds = set(pred_for_gold.values())
        for tally in tallies:
            tally.articles += 1
            tally.gold += len(gold.toponyms)
            tally.predicted += len(predicted)
        base = {"article_id": gold.article.id, "source": gold.source}
        for gi, t in enumerate(gold.toponyms):
            item = dict(base, kind="missed", gold_start=t.start, gold_end=t.end, gold_phrase=t.phrase,
                        gold_lat=t.lat, gold_lon=t.lon, gold_geonameid=t.geonameid, gold_fcode=t.fcode)
            if gi in pred_for_gold:
                rm = predicted[pred_for_gold[gi]]
                point = _place_point(rm)
                err = MAX_ERROR_KM if point is None else haversine_km(t.lat, t.lon, *point)
                for tally in tallies:
                    tally.errors.append(err)
                item.update(kind="matched", error_km=err, **_pred_fields(rm, point))
            items.append(item)
        for pi, rm in enumerate(predicted):
            if pi not in matched_preds:
                items.append(dict(base, kind="spurious", **_pred_fields(rm, _place_point(rm))))
    if next(results, _END) is not _END:
        raise EvalError(f"the geoparser returned more results than the {len(corpus)} articles")
    return GeoparseResult(
        overall=overall.scores(),
        by_source={s: t.scores() for s, t in sorted(by_source.items())},
        items=items,
    )


_END = object()


def _pred_fields(rm: ResolvedMention, point: tuple[float, float] | None) -> dict[str, Any]:
    place = rm.place
    return {
        "pred_start": rm.mention.start, "pred_end": rm.mention.end, "pred_text": rm.mention.text,
        "pred_lat": None if point is None else point[0], "pred_lon": None if point is None else point[1],
        "pred_geonameid": getattr(place, "geonameid", None), "pred_name": getattr(place, "name", None),
        "pred_fcode": getattr(place, "feature_code", None), "pred_score": rm.score,
    }


def evaluate_incidents(
    records: Iterable[IncidentRecord],
    extract_fn: Callable[[Article], Sequence[Incident]],
    weapon_classes: WeaponClasses | None = None,
) -> IncidentResult:
    """Extract incidents from each record's article and score location and weapon class.

    For each record the extractor sees :meth:`IncidentRecord.article`. The location
    error is the distance from the true point to the *nearest* extracted incident.

    Weapons: the record's gold labels and the ``weapon`` field of every incident
    extracted for it are mapped onto weapon classes (:class:`WeaponClasses`). Records
    whose gold labels name no class (``"Unknown"``, empty) are not scored; on the
    others, precision = correct / predicted classes and recall = correct / gold
    classes, summed over records (micro).

    Parameters
    ----------
    records : iterable of IncidentRecord
    extract_fn : callable
        ``extract_fn(article) -> list[Incident]``.
    weapon_classes : WeaponClasses, optional
        Defaults to :func:`load_weapon_classes`.

    Returns
    -------
    IncidentResult
        With one item per record: ``id, location, lat, lon, incidents, pred_lat,
        pred_lon, pred_location, error_km, gold_weapons, pred_weapons``.
    """
    wc = weapon_classes or load_weapon_classes()
    errors: list[float | None] = []
    items = []
    w_records = w_gold = w_pred = w_correct = w_unclassified = 0
    for rec in records:
        incidents = list(extract_fn(rec.article()))
        nearest, err = None, None
        for inc in incidents:
            d = haversine_km(rec.lat, rec.lon, inc.latitude, inc.longitude)
            if err is None or d < err:
                nearest, err = inc, d
        errors.append(err)
        gold_classes = frozenset().union(*(wc.classify(w) for w in rec.weapons))
        pred_classes = frozenset().union(*(wc.classify(inc.weapon) for inc in incidents))
        if gold_classes:
            w_records += 1
            w_gold += len(gold_classes)
            w_pred += len(pred_classes)
            w_correct += len(gold_classes & pred_classes)
            w_unclassified += sum(len(wc.unclassified(inc.weapon)) for inc in incidents)
        items.append({
            "id": rec.id, "location": rec.location, "lat": rec.lat, "lon": rec.lon,
            "incidents": len(incidents),
            "pred_lat": nearest.latitude if nearest else None,
            "pred_lon": nearest.longitude if nearest else None,
            "pred_location": nearest.location if nearest else None,
            "error_km": err,
            "gold_weapons": sorted(gold_classes), "pred_weapons": sorted(pred_classes),
            "pred_weapon_text": [inc.weapon for inc in incidents if inc.weapon],
        })
    located = [e for e in errors if e is not None]
    n = len(errors)
    weapon = None
    if w_records:
        p, r, f = precision_recall_f1(w_correct, w_pred, w_gold)
        weapon = WeaponScores(records=w_records, gold=w_gold, predicted=w_pred, correct=w_correct,
                              precision=p, recall=r, f1=f, unclassified=w_unclassified)
    return IncidentResult(
        records=n,
        with_incident=len(located),
        within_10km=share_within(errors, 10.0),
        within_25km=share_within(errors, 25.0),
        within_161km=share_within(errors, ACC_KM),
        median_km=_median(located),
        no_incident=(n - len(located)) / n if n else None,
        weapon=weapon,
        items=items,
    )


# --------------------------------------------------------------------------- output


def _fmt(value: Any, kind: str = "ratio") -> str:
    if value is None:
        return "-"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if kind == "km":
        return f"{value:,.1f}"
    return f"{value:.3f}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    def line(cells):
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def format_table(result: GeoparseResult | GeocodeResult | IncidentResult) -> str:
    """A plain-text table of a result, for the terminal.

    Examples
    --------
    >>> print(format_table(GeocodeResult(4, 3, 0.25, 0.5, 0.75, 12.5, 0.25)))
    metric             value
    -----------------  -----
    queries                4
    answered               3
    within 10 km       0.250
    within 25 km       0.500
    within 161 km      0.750
    median km (answ.)   12.5
    unanswered         0.250
    """
    if isinstance(result, GeoparseResult):
        headers = ["source", "articles", "gold", "pred", "P", "R", "F1",
                   "Acc@161", "AUC", "mean km", "median km", "e2e@161"]
        rows = []
        for name, s in [*result.by_source.items(), ("all", result.overall)]:
            rows.append([name or "(none)", _fmt(s.articles), _fmt(s.gold), _fmt(s.predicted),
                         _fmt(s.precision), _fmt(s.recall), _fmt(s.f1), _fmt(s.acc161), _fmt(s.auc),
                         _fmt(s.mean_km, "km"), _fmt(s.median_km, "km"), _fmt(s.e2e161)])
        return _table(headers, rows)
    if isinstance(result, GeocodeResult):
        rows = [
            ("queries", _fmt(result.queries)), ("answered", _fmt(result.answered)),
            ("within 10 km", _fmt(result.within_10km)), ("within 25 km", _fmt(result.within_25km)),
            ("within 161 km", _fmt(result.within_161km)), ("median km (answ.)", _fmt(result.median_km, "km")),
            ("unanswered", _fmt(result.unanswered)),
        ]
        return _table(["metric", "value"], rows)
    if isinstance(result, IncidentResult):
        rows = [
            ("records", _fmt(result.records)), ("with incident", _fmt(result.with_incident)),
            ("within 10 km", _fmt(result.within_10km)), ("within 25 km", _fmt(result.within_25km)),
            ("within 161 km", _fmt(result.within_161km)), ("median km (located)", _fmt(result.median_km, "km")),
            ("no incident", _fmt(result.no_incident)),
        ]
        w = result.weapon
        if w is not None:
            rows += [
                ("weapon: records scored", _fmt(w.records)), ("weapon: gold classes", _fmt(w.gold)),
                ("weapon: predicted classes", _fmt(w.predicted)), ("weapon: correct", _fmt(w.correct)),
                ("weapon: precision", _fmt(w.precision)), ("weapon: recall", _fmt(w.recall)),
                ("weapon: F1", _fmt(w.f1)), ("weapon: unclassified strings", _fmt(w.unclassified)),
            ]
        else:
            rows.append(("weapon", "- (no record with a known weapon)"))
        return _table(["metric", "value"], rows)
    raise TypeError(f"no table format for {type(result).__name__}")


def write_items(items: Iterable[Mapping[str, Any]], path: str | Path, overwrite: bool = False) -> int:
    """Write per-item records as JSON Lines, atomically (:func:`mapper.atomic.atomic_write`); returns the count."""
    from mapper.atomic import atomic_write

    n = 0
    with atomic_write(path, overwrite=overwrite) as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
            n += 1
    return n
