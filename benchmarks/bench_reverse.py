"""Benchmark reverse geocoding against the shipped admin-1 polygons.

``run()`` returns timings in seconds; ``python benchmarks/bench_reverse.py``
prints them as JSON.  Measured:

* ``load_first_reverse_s``: ``Boundaries.load()`` plus the first ``reverse``
  (which parses the geometries and builds the STRtree), in this process with
  the load cache cleared.
* ``cold_start_s``: the same in a fresh interpreter, including the import of
  :mod:`gazetteer.boundaries` (what a CLI call pays).
* ``reverse_many_s``: ``reverse_many`` on 1,000,000 uniform random points in
  lon 20..45, lat 40..60 (eastern Europe, with Black Sea and Baltic points
  that exercise the near-coast fallback); best of ``repeats``.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time

N_POINTS = 1_000_000
BBOX = (20.0, 40.0, 45.0, 60.0)  # lon_min, lat_min, lon_max, lat_max

_COLD = (
    "import time; t = time.perf_counter();"
    "from gazetteer.boundaries import Boundaries;"
    "Boundaries.load().reverse(51.73, 36.19);"
    "print(time.perf_counter() - t)"
)


def run(n_points: int = N_POINTS, repeats: int = 3, seed: int = 0) -> dict:
    """Time boundary loading and bulk reverse geocoding.

    Parameters
    ----------
    n_points : int, default 1_000_000
        Points for ``reverse_many``.
    repeats : int, default 3
        ``reverse_many`` runs; the minimum is reported.
    seed : int, default 0
        Seed for the random points.

    Returns
    -------
    dict
        Timings in seconds, throughput and hit counts (JSON-serialisable).
    """
    import numpy as np

    import gazetteer.boundaries as gb

    gb._cache.clear()  # time a real load, not a cache hit
    t0 = time.perf_counter()
    b = gb.Boundaries.load()
    t1 = time.perf_counter()
    first = b.reverse(51.73, 36.19)
    t2 = time.perf_counter()

    cold = subprocess.run([sys.executable, "-c", _COLD], capture_output=True, text=True)
    cold_s = float(cold.stdout.strip()) if cold.returncode == 0 else None

    rng = np.random.default_rng(seed)
    lon_min, lat_min, lon_max, lat_max = BBOX
    lons = rng.uniform(lon_min, lon_max, n_points)
    lats = rng.uniform(lat_min, lat_max, n_points)
    times = []
    for _ in range(max(1, repeats)):
        t = time.perf_counter()
        admin1, country = b.reverse_many(lats, lons)
        times.append(time.perf_counter() - t)
    best = min(times)
    found = int(sum(c is not None for c in country))

    return {
        "benchmark": "reverse",
        "boundaries_file": str(b.path),
        "load_s": round(t1 - t0, 4),
        "first_reverse_s": round(t2 - t1, 4),
        "load_first_reverse_s": round(t2 - t0, 4),
        "cold_start_s": round(cold_s, 4) if cold_s is not None else None,
        "first_reverse_ok": bool(first and first.get("admin1_code") == "RU.41"),
        "reverse_many_points": n_points,
        "reverse_many_s": round(best, 4),
        "reverse_many_runs_s": [round(t, 4) for t in times],
        "points_per_s": round(n_points / best),
        "points_in_a_unit": found,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
