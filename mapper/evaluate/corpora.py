"""The evaluation corpora: their records, and JSONL readers that name the file and line of any bad input."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from mapper.errors import MapperError
from mapper.model import Article

log = logging.getLogger(__name__)


class EvalCorpusError(MapperError, ValueError):
    """An evaluation corpus file is malformed; the message names the file and line."""


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
