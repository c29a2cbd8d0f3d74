"""Geoparsing throughput on about 1 MB of news text, one process, with and without spaCy.

Goals: >= 5,000 words/s with spaCy, >= 300,000 words/s gazetteer-only. The text comes from
the development corpora in ../shared/eval when present (read at run time, never copied), else
from the example articles repeated.
"""
from __future__ import annotations

import cProfile
import io
import json
import pstats
import re
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_BYTES = 1_000_000


def _texts() -> list[str]:
    texts: list[str] = []
    shared = HERE.parent.parent / "shared" / "eval"
    for name in ("tr-news.jsonl", "geovirus.jsonl"):
        path = shared / name
        if path.exists():
            texts.extend(json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip())
    if not texts:
        texts = [p.read_text(encoding="utf-8") for p in sorted((HERE.parent / "examples").glob("*.txt"))]
    out, size, i = [], 0, 0
    while size < TARGET_BYTES:
        text = texts[i % len(texts)]
        out.append(text)
        size += len(text.encode())
        i += 1
    return out


def _words(texts) -> int:
    return sum(len(re.findall(r"\w+", t)) for t in texts)


def _time(use_spacy: bool, articles, profile: bool = False):
    """Seconds to parse ``articles``, mentions found, the profile if asked, and the seconds it
    took to get ready (a new geoparser and its first article: loading the names, the word
    frequencies, the model; the first of a process pays it whole, as `mapper geoparse` does)."""
    from mapper.geoparse import Geoparser

    started = time.perf_counter()
    # as `mapper geoparse` runs by default: no score explanations (--explain adds them)
    parser = Geoparser(use_spacy=use_spacy, explain=False)
    parser.parse(articles[0])  # warm caches and lazy loads outside the timing
    ready = time.perf_counter() - started
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    mentions = sum(len(m) for m in parser.parse_many(articles))
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    where = None
    if profiler:
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(12)
        where = stream.getvalue()
    return elapsed, mentions, where, ready


def _stage_split(articles):
    """Seconds in spaCy's pipeline, the gazetteer matcher and resolution, measured separately."""
    from mapper.geoparse import Geoparser

    parser = Geoparser(use_spacy=True)
    nlp = parser.recognizer.nlp
    t = time.perf_counter()
    docs = list(nlp.pipe((a.text for a in articles), batch_size=32))
    spacy_s = time.perf_counter() - t
    t = time.perf_counter()
    all_mentions = [parser.recognizer.mentions(a, d) for a, d in zip(articles, docs)]
    recognize_s = time.perf_counter() - t
    t = time.perf_counter()
    for a, m in zip(articles, all_mentions):
        parser.resolver.resolve(a, m)
    resolve_s = time.perf_counter() - t
    return {"spacy_ner_s": round(spacy_s, 2), "matcher_and_merge_s": round(recognize_s, 2),
            "resolve_s": round(resolve_s, 2)}


def run() -> dict:
    from mapper.model import Article

    texts = _texts()
    articles = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    words = _words(texts)
    result = {"articles": len(articles), "bytes": sum(len(t.encode()) for t in texts), "words": words}
    for label, use_spacy, repeats in (("gazetteer_only", False, 3), ("spacy", True, 1)):
        runs = [_time(use_spacy, articles) for _ in range(repeats)]
        first, best = runs[0][0], min(r[0] for r in runs)
        # The first run pays for filling the name caches; later runs show the steady state.
        result[label] = {"startup_seconds": round(runs[0][3], 2),
                         "seconds_first_run": round(first, 2), "words_per_s_first_run": round(words / first),
                         "seconds_best": round(best, 2), "words_per_s_best": round(words / best),
                         "runs": repeats, "mentions": runs[0][1]}
    result["spacy_stages"] = _stage_split(articles)
    result["goals_words_per_s"] = {"spacy": 5000, "gazetteer_only": 300_000}
    return result


if __name__ == "__main__":
    import sys

    if "--profile" in sys.argv:
        from mapper.model import Article

        arts = [Article(id=str(i), text=t) for i, t in enumerate(_texts())]
        print(_time("--spacy" in sys.argv, arts, profile=True)[2])
    else:
        print(json.dumps(run(), indent=2))
