"""Running the spaCy-bound stages in several processes, results in input order.

spaCy's NER is most of the time of a run; it holds the GIL, so processes (not threads) are what
scale it across cores. Each worker builds its own geoparser/extractor once and opens the
gazetteer file read-only, so workers share nothing but the input and output streams.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Iterable, Iterator

from mapper.batching import batched
from mapper.model import Article, Incident, ResolvedMention

__all__ = ["available_cores", "extract_in_parallel", "geoparse_in_parallel"]

_worker: dict = {}
BATCH = 16


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _context():
    # fork starts workers in milliseconds and inherits the imported modules; spawn elsewhere.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _init_extractor(use_spacy: bool, default_country: str | None) -> None:
    from mapper.incidents import Extractor

    _worker["extractor"] = Extractor(use_spacy=use_spacy, default_country=default_country)


def _extract_batch(batch: list[Article]) -> list[list[Incident]]:
    return [found for _, found in _worker["extractor"].extract_many(batch)]


def _init_geoparser(use_spacy: bool, explain: bool = True) -> None:
    from mapper.geoparse import Geoparser

    _worker["geoparser"] = Geoparser(use_spacy=use_spacy, explain=explain)


def _geoparse_batch(batch: list[Article]) -> list[list[ResolvedMention]]:
    return list(_worker["geoparser"].parse_many(batch))


def _run(articles: Iterable[Article], jobs: int, initializer, initargs, work) -> Iterator[tuple[Article, list]]:
    with _context().Pool(processes=jobs, initializer=initializer, initargs=initargs) as pool:
        window: list[tuple[list[Article], object]] = []
        for batch in batched(articles, BATCH):
            window.append((batch, pool.apply_async(work, (batch,))))
            # A few batches in flight per worker keep every core busy while memory stays bounded;
            # results come back in input order.
            while len(window) > 2 * jobs:
                done, handle = window.pop(0)
                yield from zip(done, handle.get())
        for done, handle in window:
            yield from zip(done, handle.get())


def extract_in_parallel(articles: Iterable[Article], jobs: int, use_spacy: bool = True,
                        default_country: str | None = None, report=None) -> Iterator[tuple[Article, list[Incident]]]:
    """Like :func:`mapper.incidents.extract_many`, over ``jobs`` processes."""
    if jobs <= 1:
        from mapper.incidents import extract_many

        yield from extract_many(articles, use_spacy=use_spacy, default_country=default_country, report=report)
        return
    stream = _run(articles, jobs, _init_extractor, (use_spacy, default_country), _extract_batch)
    from mapper.incidents.feed import AUTO, settle

    if (default_country or "").lower() == AUTO:
        from mapper.gazetteer_access import open_gazetteer

        stream = settle(stream, open_gazetteer(), report)
    yield from stream


def geoparse_in_parallel(articles: Iterable[Article], jobs: int, use_spacy: bool = True,
                         explain: bool = True) -> Iterator[tuple[Article, list[ResolvedMention]]]:
    """(article, resolved mentions) over ``jobs`` processes, in input order."""
    if jobs <= 1:
        from mapper.geoparse import Geoparser

        parser = Geoparser(use_spacy=use_spacy, explain=explain)
        for batch in batched(articles, BATCH):
            yield from zip(batch, parser.parse_many(batch))
        return
    yield from _run(articles, jobs, _init_geoparser, (use_spacy, explain), _geoparse_batch)
