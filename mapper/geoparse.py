"""Articles -> resolved place mentions: the public geoparsing API.

>>> from mapper.geoparse import geoparse_text          # doctest: +SKIP
>>> [m.place.name for m in geoparse_text("Shelling hit Kharkiv and Izium.")]  # doctest: +SKIP
['Kharkiv', 'Izium']
"""
from __future__ import annotations

from typing import Iterable, Iterator

from mapper.model import Article, ResolvedMention

__all__ = ["Geoparser", "geoparse_articles", "geoparse_text"]


class Geoparser:
    """Recognition plus resolution over one gazetteer; build once, reuse for many articles."""

    def __init__(self, gazetteer=None, use_spacy: bool = True, explain: bool = True):
        """``explain``: keep each choice's main score components (``ResolvedMention.components``);
        without them resolution is about a tenth faster."""
        from mapper.gazetteer_access import open_gazetteer
        from mapper.gc_tuning import freeze_long_lived
        from mapper.recognize import Recognizer
        from mapper.resolve import MAX_REFINE_PASSES, Resolver

        self.gazetteer = gazetteer or open_gazetteer()
        self.recognizer = Recognizer(self.gazetteer, use_spacy=use_spacy)
        # The gazetteer-only path is the fast one: it skips the passes that re-read each name
        # against the others' final places (a quarter of its time, a point of accuracy).
        self.resolver = Resolver(self.gazetteer, refine=MAX_REFINE_PASSES if self.uses_spacy else 0,
                                 explain=explain)
        freeze_long_lived()

    @property
    def uses_spacy(self) -> bool:
        return self.recognizer.nlp is not None

    def parse(self, article: Article) -> list[ResolvedMention]:
        return self.resolver.resolve(article, self.recognizer.mentions(article))

    def parse_many(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[list[ResolvedMention]]:
        from mapper.batching import batched

        for batch in batched(articles, batch_size):
            yield from self._flush(batch)

    def _flush(self, batch):
        for article, mentions in self.recognizer.mentions_many(batch):
            yield self.resolver.resolve(article, mentions)


_default: dict[bool, Geoparser] = {}


def _parser(use_spacy: bool) -> Geoparser:
    if use_spacy not in _default:
        _default[use_spacy] = Geoparser(use_spacy=use_spacy)
    return _default[use_spacy]


def geoparse_articles(articles: Iterable[Article], use_spacy: bool = True) -> Iterator[list[ResolvedMention]]:
    """One list of resolved mentions per article, in order."""
    return _parser(use_spacy).parse_many(articles)


def geoparse_text(text: str, use_spacy: bool = True, date=None) -> list[ResolvedMention]:
    return _parser(use_spacy).parse(Article(id="text", text=text, date=date))
