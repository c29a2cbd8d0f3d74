"""What an evaluation returns: scores as dataclasses that turn into JSON, with per-item records aside."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


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
