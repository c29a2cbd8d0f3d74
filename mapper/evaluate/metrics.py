"""The metrics themselves: great-circle error, span matching, P/R/F1, AUC and shares within a distance.

Definitions follow Gritta et al. as restated in the development corpora's README; the package
docstring (:mod:`mapper.evaluate`) summarises them.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: The error charged for a matched mention without coordinates, and the AUC scale (Gritta et al.).
MAX_ERROR_KM = 20039.0
#: The "accurate" threshold of Acc@161 and e2e@161 (100 miles).
ACC_KM = 161.0
#: Thresholds reported for geocoding and incident location.
GEOCODE_THRESHOLDS_KM = (10.0, 25.0, 161.0)


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


def distance_shares(errors_km: Sequence[float | None]) -> dict[str, float | None]:
    """The shares within 10, 25 and 161 km that the geocoding and incident reports give."""
    return {"within_10km": share_within(errors_km, 10.0), "within_25km": share_within(errors_km, 25.0),
            "within_161km": share_within(errors_km, ACC_KM)}


def median(values: Sequence[float]) -> float | None:
    """The median, or ``None`` for no values (a metric over an empty set is undefined, not 0)."""
    return float(np.median(values)) if len(values) else None


def mean(values: Sequence[float]) -> float | None:
    """The mean, or ``None`` for no values."""
    return float(np.mean(values)) if len(values) else None
