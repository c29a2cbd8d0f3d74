"""Incident extraction cost on top of geoparsing, on ~200 KB of the example articles repeated.

Goal: geoparse + extraction takes at most 1.25 x geoparsing alone (extraction adds <= 25 %).
Both paths run spaCy's NER pipeline once per article; extraction reuses that Doc for place
recognition and sends only the incident sentences that need it through the dependency parser.

    python benchmarks/bench_extract.py            # JSON figures
    python benchmarks/bench_extract.py --profile  # where extraction spends its time
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_BYTES = 200_000
GOAL_OVERHEAD = 0.25


def _articles():
    from mapper.articles import parse_text_article

    files = sorted((HERE.parent / "examples").glob("*.txt"))
    base = [parse_text_article(p.read_text(encoding="utf-8"), p.stem) for p in files]
    out, size, i = [], 0, 0
    while size < TARGET_BYTES:
        a = base[i % len(base)]
        out.append(a.__class__(id=f"{a.id}-{i}", text=a.text, date=a.date))
        size += len(a.text.encode())
        i += 1
    return out


def _geoparse(parser, articles) -> tuple[float, int]:
    t = time.perf_counter()
    n = sum(len(m) for m in parser.parse_many(articles))
    return time.perf_counter() - t, n


def _extract(extractor, articles) -> tuple[float, int]:
    t = time.perf_counter()
    n = sum(len(found) for _, found in extractor.extract_many(articles))
    return time.perf_counter() - t, n


def run(rounds: int = 5) -> dict:
    from mapper.geoparse import Geoparser
    from mapper.incidents import Extractor

    articles = _articles()
    words = sum(len(re.findall(r"\w+", a.text)) for a in articles)
    parser = Geoparser(use_spacy=True, explain=False)     # as extraction runs it
    extractor = Extractor(parser)
    # warm up lazy loads (spaCy pipelines, gazetteer caches) outside the timing
    list(parser.parse_many(articles[:8]))
    list(extractor.extract_many(articles[:8]))
    geo, ext = [], []
    incidents = mentions = 0
    for _ in range(rounds):        # interleaved, best of each, so machine noise hits both alike
        s, mentions = _geoparse(parser, articles)
        geo.append(s)
        s, incidents = _extract(extractor, articles)
        ext.append(s)
    g, e = min(geo), min(ext)
    overhead = (e - g) / g
    no_spacy = Extractor(use_spacy=False)
    list(no_spacy.extract_many(articles[:8]))
    ns, _ = _extract(no_spacy, articles)
    gs, _ = _geoparse(no_spacy.geoparser, articles)
    return {
        "articles": len(articles), "bytes": sum(len(a.text.encode()) for a in articles), "words": words,
        "rounds": rounds, "geoparse_s": round(g, 3), "geoparse_plus_extract_s": round(e, 3),
        "extraction_overhead": round(overhead, 3), "goal_overhead": GOAL_OVERHEAD, "goal_met": overhead <= GOAL_OVERHEAD,
        "geoparse_runs_s": [round(x, 3) for x in geo], "extract_runs_s": [round(x, 3) for x in ext],
        "mentions": mentions, "incidents": incidents, "incidents_per_s": round(incidents / e, 1),
        "no_spacy": {"geoparse_s": round(gs, 3), "geoparse_plus_extract_s": round(ns, 3),
                     "extraction_overhead": round((ns - gs) / gs, 3)},
    }


if __name__ == "__main__":
    import sys

    if "--profile" in sys.argv:
        import cProfile
        import io
        import pstats

        from mapper.incidents import Extractor

        arts = _articles()
        ex = Extractor()
        list(ex.extract_many(arts[:8]))
        prof = cProfile.Profile()
        prof.enable()
        list(ex.extract_many(arts))
        prof.disable()
        stream = io.StringIO()
        pstats.Stats(prof, stream=stream).sort_stats("cumulative").print_stats(30)
        print(stream.getvalue())
    else:
        print(json.dumps(run(), indent=2))
