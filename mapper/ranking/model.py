"""A linear candidate ranker read from a small JSON file (no scikit-learn needed at run time)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from mapper.ranking.features import FEATURE_NAMES

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "ranker.json"


class LinearRanker:
    def __init__(self, weights: dict[str, float], bias: float, mean: dict[str, float], scale: dict[str, float],
                 meta: dict | None = None):
        self.names = FEATURE_NAMES
        self.weights = [weights.get(n, 0.0) / (scale.get(n, 1.0) or 1.0) for n in FEATURE_NAMES]
        self.bias = bias - sum(weights.get(n, 0.0) * mean.get(n, 0.0) / (scale.get(n, 1.0) or 1.0)
                               for n in FEATURE_NAMES)
        self.meta = meta or {}
        self._weight_vector = np.asarray(self.weights)   # once, not once per mention scored

    def score(self, features: list[float]) -> float:
        return self.bias + sum(w * x for w, x in zip(self.weights, features))

    def score_rows(self, rows: list[list[float]]):
        """Scores of many candidates at once."""
        return np.asarray(rows, dtype=float) @ self._weight_vector + self.bias

    def score_pools(self, rows: np.ndarray, sizes: list[int]) -> list[float]:
        """Scores of the rows of many pools, the pools' rows one after another in ``rows``.

        Each pool's rows are multiplied on their own: BLAS sums a row's products in an order
        that depends on the matrix's shape, and scores must not depend on the article a pool
        is in."""
        weights = self._weight_vector
        products, start = [], 0
        for n in sizes:
            products.append(rows[start:start + n] @ weights)
            start += n
        return (np.concatenate(products) + self.bias).tolist()

    def contributions(self, features: list[float], top: int = 4) -> dict[str, float]:
        """The features that moved this score most, for explanations."""
        parts = sorted(((n, w * x) for n, w, x in zip(self.names, self.weights, features) if x),
                       key=lambda t: -abs(t[1]))
        return {n: round(v, 3) for n, v in parts[:top]}

    @classmethod
    def load(cls, path: str | Path = DEFAULT_MODEL) -> "LinearRanker":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["weights"], data["bias"], data.get("mean", {}), data.get("scale", {}), data.get("meta"))


@lru_cache(maxsize=2)
def default_ranker() -> LinearRanker | None:
    """The shipped model, or None when it has not been trained yet (the heuristic ranks then)."""
    if not DEFAULT_MODEL.exists():
        return None
    return LinearRanker.load(DEFAULT_MODEL)
