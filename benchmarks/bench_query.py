"""Benchmark region queries on 1,000,000 synthetic incidents.

``run()`` returns timings in seconds; ``python benchmarks/bench_query.py`` prints them as JSON.
The points are uniform random in lon 22..45, lat 44..56 (Ukraine, western Russia and around),
as a GeoDataFrame in EPSG:4326; generating them is not timed. Measured, best of ``repeats``
unless said otherwise:

* ``<query>_first_s``: the first ``by_region`` call on a fresh frame, which also builds the
  frame's spatial index (geopandas caches it on the frame) and, for the very first query of the
  process, loads the boundary names and polygon;
* ``<query>_s``: later calls on the same frame (the index is reused);
* ``sindex_build_s``: building the STRtree over the 1,000,000 points alone.
Goal: each ``by_region`` at most 2 s.
"""
from __future__ import annotations

import json
import time

N_POINTS = 1_000_000
BBOX = (22.0, 44.0, 45.0, 56.0)   # lon_min, lat_min, lon_max, lat_max
QUERIES = {"kursk_oblast": "Kursk Oblast", "ua_63": "UA-63"}


def make_incidents(n_points: int = N_POINTS, seed: int = 0):
    """A GeoDataFrame of ``n_points`` random incidents with a few ACLED columns."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    lon_min, lat_min, lon_max, lat_max = BBOX
    lons = rng.uniform(lon_min, lon_max, n_points)
    lats = rng.uniform(lat_min, lat_max, n_points)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 366, n_points), unit="D")
    types = np.array(["Battles", "Explosions/Remote violence", "Violence against civilians"])
    frame = pd.DataFrame({
        "event_id_cnty": pd.RangeIndex(n_points).astype(str),
        "event_date": dates.strftime("%Y-%m-%d"),
        "event_type": types[rng.integers(0, len(types), n_points)],
        "latitude": lats,
        "longitude": lons,
        "fatalities": rng.integers(0, 5, n_points),
    })
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326")


def run(n_points: int = N_POINTS, repeats: int = 3, seed: int = 0) -> dict:
    """Time ``by_region`` for "Kursk Oblast" and "UA-63" on ``n_points`` random incidents.

    Returns
    -------
    dict
        Timings in seconds and hit counts (JSON-serialisable).
    """
    from mapper import query

    t = time.perf_counter()
    gdf = make_incidents(n_points, seed)
    generate_s = time.perf_counter() - t

    out: dict = {"benchmark": "query", "points": n_points, "generate_s": round(generate_s, 3)}

    # The spatial index alone, on a copy so the timed queries below still start cold.
    probe = gdf.copy()
    t = time.perf_counter()
    probe.sindex.query  # noqa: B018 - building is what we time
    out["sindex_build_s"] = round(time.perf_counter() - t, 3)
    del probe

    for key, name in QUERIES.items():
        frame = gdf.copy()                 # a fresh frame: no cached spatial index
        t = time.perf_counter()
        hits = query.by_region(frame, name)
        out[f"{key}_first_s"] = round(time.perf_counter() - t, 3)
        times = []
        for _ in range(max(1, repeats)):
            t = time.perf_counter()
            hits = query.by_region(frame, name)
            times.append(time.perf_counter() - t)
        out[f"{key}_s"] = round(min(times), 3)
        out[f"{key}_hits"] = len(hits)
    out["goal_s"] = 2.0
    out["goal_met"] = all(out[f"{k}_first_s"] <= 2.0 and out[f"{k}_s"] <= 2.0 for k in QUERIES)
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
