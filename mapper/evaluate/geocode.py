"""Evaluate a geocoder: location strings against their true points."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from mapper.evaluate.corpora import GeocodeQuery
from mapper.evaluate.metrics import distance_shares, haversine_km, median
from mapper.evaluate.results import GeocodeResult


def as_latlon(answer: Any) -> tuple[float, float] | None:
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
        point = as_latlon(geocode_fn(q.query))
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
        **distance_shares(errors),
        median_km=median(answered),
        unanswered=(n - len(answered)) / n if n else None,
        items=items,
    )
