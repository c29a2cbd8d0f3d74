"""Gazetteer: build time, size on disk, process start to first answer, exact-name lookups per second.

Goals on a 2-core machine: build <= 60 s, first answer <= 1 s, >= 50,000 lookups/s.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _names(gz, n: int) -> list[str]:
    rows = gz.conn.execute("SELECT name FROM places WHERE feature_class = 'P' ORDER BY geonameid").fetchall()
    rng = random.Random(7)
    return [rng.choice(rows)[0] for _ in range(n)]


def run() -> dict:
    from gazetteer.build import build_gazetteer
    from gazetteer.index import Gazetteer

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gazetteer.sqlite"
        started = time.perf_counter()
        build_gazetteer(path, progress=False)
        build_s = time.perf_counter() - started
        size_mb = path.stat().st_size / 1e6

        # A fresh process: interpreter start, imports, opening the file, one geocode.
        env = dict(os.environ, MAPPER_GAZETTEER=str(path))
        code = "from mapper.cli import main; main(['geocode', 'Kyiv'])"
        first = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
            first.append(time.perf_counter() - t)

        gz = Gazetteer.open(path)
        names = _names(gz, 100_000)
        # Distinct names defeat the in-process cache: this measures the index, not a dict.
        gz._cached_candidates.cache_clear()
        t = time.perf_counter()
        for name in names:
            gz.candidates(name)
        cold = len(names) / (time.perf_counter() - t)
        t = time.perf_counter()
        for name in names:
            gz.candidates(name)
        warm = len(names) / (time.perf_counter() - t)
        unique = len(set(names))
    return {
        "build_s": round(build_s, 1), "size_mb": round(size_mb, 1),
        "first_answer_s": round(min(first), 2), "first_answer_runs_s": [round(x, 2) for x in first],
        "lookups": len(names), "distinct_names": unique,
        "lookups_per_s_uncached": round(cold), "lookups_per_s_cached": round(warm),
        "goals": {"build_s": 60, "first_answer_s": 1.0, "lookups_per_s": 50_000},
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
