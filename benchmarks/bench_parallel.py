"""Incident extraction on about 1 MB of news with 1 and with 2 worker processes (`-j`).

Each figure is a fresh process, so both include loading spaCy (once per worker).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = """
import json, sys, time
sys.path.insert(0, {here!r})
from bench_geoparse import _texts, _words
from mapper.model import Article
from mapper.parallel import extract_in_parallel
texts = _texts()
articles = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
started = time.perf_counter()
incidents = sum(len(found) for _, found in extract_in_parallel(articles, {jobs}))
elapsed = time.perf_counter() - started
print(json.dumps({{"seconds": round(elapsed, 2), "words_per_s": round(_words(texts) / elapsed), "incidents": incidents}}))
"""


def run() -> dict:
    out = {}
    for jobs in (1, 2):
        code = _CHILD.format(here=str(HERE), jobs=jobs)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        out[f"jobs_{jobs}"] = json.loads(done.stdout.strip().splitlines()[-1])
    out["speedup"] = round(out["jobs_1"]["seconds"] / out["jobs_2"]["seconds"], 2)
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
