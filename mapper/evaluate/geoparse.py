"""Evaluate a geoparser: recognition, resolution and e2e@161 against gold toponyms."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from mapper.errors import MapperError
from mapper.evaluate.corpora import GoldArticle
from mapper.evaluate.geocode import as_latlon
from mapper.evaluate.metrics import (
    ACC_KM, MAX_ERROR_KM, auc, haversine_km, match_spans, mean, median, precision_recall_f1,
)
from mapper.evaluate.results import GeoparseResult, GeoparseScores
from mapper.model import Article, ResolvedMention


class EvalError(MapperError, RuntimeError):
    """The evaluation could not run (e.g. the system under test broke its contract)."""


@dataclass
class _GeoparseTally:
    articles: int = 0
    gold: int = 0
    predicted: int = 0
    errors: list[float] = field(default_factory=list)

    def scores(self) -> GeoparseScores:
        matched = len(self.errors)
        p, r, f = precision_recall_f1(matched, self.predicted, self.gold)
        good = sum(1 for e in self.errors if e < ACC_KM)
        return GeoparseScores(
            articles=self.articles, gold=self.gold, predicted=self.predicted, matched=matched,
            precision=p, recall=r, f1=f,
            acc161=good / matched if matched else None,
            auc=auc(self.errors),
            mean_km=mean(self.errors),
            median_km=median(self.errors),
            e2e161=good / self.gold if self.gold else 0.0,
        )


def _place_point(rm: ResolvedMention) -> tuple[float, float] | None:
    place = rm.place
    if place is None:
        return None
    return as_latlon(place)


def evaluate_geoparser(
    corpus: Sequence[GoldArticle],
    geoparse_fn: Callable[[list[Article]], Iterable[Sequence[ResolvedMention]]],
) -> GeoparseResult:
    """Geoparse the corpus's articles and score recognition, resolution and e2e@161.

    Parameters
    ----------
    corpus : sequence of GoldArticle
    geoparse_fn : callable
        ``geoparse_fn(articles) -> iterable of list[ResolvedMention]``, one list per
        article, in order. ``mention.start``/``end`` are character offsets into the
        article text; ``place`` is ``None`` or has ``lat``/``lon``.

    Returns
    -------
    GeoparseResult
        Overall (micro over all articles) and per ``source``; one item per gold toponym
        (``kind`` "matched" or "missed") and per unmatched prediction ("spurious").

    Raises
    ------
    EvalError
        If ``geoparse_fn`` returns a different number of results than articles.
    """
    corpus = list(corpus)
    overall = _GeoparseTally()
    by_source: dict[str, _GeoparseTally] = {}
    items: list[dict] = []
    results = iter(geoparse_fn([g.article for g in corpus]))
    for k, gold in enumerate(corpus):
        try:
            predicted = list(next(results))
        except StopIteration:
            raise EvalError(f"the geoparser returned {k} results for {len(corpus)} articles") from None
        tallies = (overall, by_source.setdefault(gold.source, _GeoparseTally()))
        pairs = match_spans([(t.start, t.end) for t in gold.toponyms],
                            [(rm.mention.start, rm.mention.end) for rm in predicted])
        pred_for_gold = dict(pairs)
        matched_preds = set(pred_for_gold.values())
        for tally in tallies:
            tally.articles += 1
            tally.gold += len(gold.toponyms)
            tally.predicted += len(predicted)
        base = {"article_id": gold.article.id, "source": gold.source}
        for gi, t in enumerate(gold.toponyms):
            item = dict(base, kind="missed", gold_start=t.start, gold_end=t.end, gold_phrase=t.phrase,
                        gold_lat=t.lat, gold_lon=t.lon, gold_geonameid=t.geonameid, gold_fcode=t.fcode)
            if gi in pred_for_gold:
                rm = predicted[pred_for_gold[gi]]
                point = _place_point(rm)
                err = MAX_ERROR_KM if point is None else haversine_km(t.lat, t.lon, *point)
                for tally in tallies:
                    tally.errors.append(err)
                item.update(kind="matched", error_km=err, **_pred_fields(rm, point))
            items.append(item)
        for pi, rm in enumerate(predicted):
            if pi not in matched_preds:
                items.append(dict(base, kind="spurious", **_pred_fields(rm, _place_point(rm))))
    if next(results, _END) is not _END:
        raise EvalError(f"the geoparser returned more results than the {len(corpus)} articles")
    return GeoparseResult(
        overall=overall.scores(),
        by_source={s: t.scores() for s, t in sorted(by_source.items())},
        items=items,
    )


_END = object()


def _pred_fields(rm: ResolvedMention, point: tuple[float, float] | None) -> dict[str, Any]:
    place = rm.place
    return {
        "pred_start": rm.mention.start, "pred_end": rm.mention.end, "pred_text": rm.mention.text,
        "pred_lat": None if point is None else point[0], "pred_lon": None if point is None else point[1],
        "pred_geonameid": getattr(place, "geonameid", None), "pred_name": getattr(place, "name", None),
        "pred_fcode": getattr(place, "feature_code", None), "pred_score": rm.score,
    }
