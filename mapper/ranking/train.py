"""Train the candidate ranker on annotated geoparsing corpora, with cross-validated figures.

Usage::

    python -m mapper.ranking.train ../shared/eval/tr-news.jsonl ../shared/eval/geovirus.jsonl \\
        -o mapper/models/ranker.json

Each recognized mention that overlaps a gold toponym contributes its candidates: those within
161 km of the gold point are positives. A logistic regression learns the weights; articles are
split into folds (no article is in both training and testing) and the reported figures come from
the held-out folds only: ``cv_heldout`` runs the whole resolver (both ranking passes) on each
fold's articles with the model fitted on the other folds. The model shipped is then fit on
everything.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np

from mapper.evaluate import haversine_km, match_spans, read_geoparse_corpus
from mapper.ranking.features import FEATURE_NAMES

CORRECT_KM = 161.0


def collect(corpora: list[str], use_spacy: bool = True, limit: int | None = None):
    """Feature rows grouped by mention, with labels and the bookkeeping for evaluation."""
    from mapper.geoparse import Geoparser
    from mapper.resolve import Resolver

    parser = Geoparser(use_spacy=use_spacy)
    resolver = Resolver(parser.gazetteer, ranker=None)
    groups = []          # one per matched mention: (article_no, source, X, distances)
    articles = []        # per article: (article_no, source, article, mentions, [(toponym, mention index)])
    gold_totals: dict[str, int] = {}
    article_no = 0
    for path in corpora:
        gold_articles = read_geoparse_corpus(path, limit=limit)
        for gold in gold_articles:
            gold_totals[gold.source] = gold_totals.get(gold.source, 0) + len(gold.toponyms)
            mentions = parser.recognizer.mentions(gold.article)
            pairs = match_spans([(t.start, t.end) for t in gold.toponyms], [(m.start, m.end) for m in mentions])
            features = resolver.mention_features(gold.article, mentions)
            articles.append((article_no, gold.source, gold.article, mentions,
                             [(gold.toponyms[gi], pi) for gi, pi in pairs]))
            for gi, pi in pairs:
                pool, rows = features[pi]
                toponym = gold.toponyms[gi]
                distances = [haversine_km(c.lat, c.lon, toponym.lat, toponym.lon) for c in pool]
                # With a gold GeoNames id, the candidate with that id is the answer (not its
                # namesake unit at the same spot); without one, anything within 161 km.
                ids = [c.geonameid for c in pool]
                if toponym.geonameid is not None and toponym.geonameid in ids:
                    labels = np.array([i == toponym.geonameid for i in ids])
                else:
                    labels = np.array(distances) < CORRECT_KM
                groups.append((article_no, gold.source,
                               np.array(rows, dtype=float).reshape(len(pool), len(FEATURE_NAMES)),
                               np.array(distances), labels))
            article_no += 1
    print(f"{article_no} articles, {len(groups)} matched mentions", file=sys.stderr)
    return groups, gold_totals, articles, parser.gazetteer


def _fit(groups, C: float, max_pairs: int = 25):
    """Pairwise logistic regression: within each mention, the right candidate should outscore
    each wrong one. Only differences inside a mention matter, which is what choosing needs."""
    from sklearn.linear_model import LogisticRegression

    X = np.vstack([g[2] for g in groups if len(g[2])])
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    diffs = []
    for _, _, rows, _, labels in groups:
        if not len(rows) or labels.all() or not labels.any():
            continue
        z = (rows - mean) / scale
        positives, negatives = z[labels], z[~labels]
        best = positives[0]
        for neg in negatives[:max_pairs]:
            diffs.append(best - neg)
    D = np.array(diffs)
    Xp = np.vstack([D, -D])
    y = np.concatenate([np.ones(len(D)), np.zeros(len(D))])
    model = LogisticRegression(C=C, max_iter=5000, fit_intercept=False)
    model.fit(Xp, y)
    return model.coef_[0], 0.0, mean, scale


def _choose(groups, coef, bias, mean, scale):
    """Distance of the top-scored candidate for each group (20,039 km when it has none)."""
    out = []
    for _, source, X, distances, _ in groups:
        if not len(X):
            out.append((source, 20039.0))
            continue
        scores = ((X - mean) / scale) @ coef + bias
        out.append((source, float(distances[int(np.argmax(scores))])))
    return out


def _report(chosen, gold_totals):
    by_source: dict[str, list[float]] = {}
    for source, km in chosen:
        by_source.setdefault(source, []).append(km)
    report = {}
    for source, errors in sorted(by_source.items()):
        good = sum(e < CORRECT_KM for e in errors)
        report[source] = {"matched": len(errors), "acc161": round(good / len(errors), 4),
                          "e2e161": round(good / gold_totals[source], 4),
                          "median_km": round(float(np.median(errors)), 1)}
    return report


def cross_validate(groups, gold_totals, folds: int = 5, C: float = 1.0, seed: int = 13):
    articles = sorted({g[0] for g in groups})
    rng = np.random.default_rng(seed)
    order = rng.permutation(articles)
    fold_of = {a: i % folds for i, a in enumerate(order)}
    chosen = []
    for k in range(folds):
        train = [g for g in groups if fold_of[g[0]] != k]
        test = [g for g in groups if fold_of[g[0]] == k]
        coef, bias, mean, scale = _fit(train, C)
        chosen.extend(_choose(test, coef, bias, mean, scale))
    return _report(chosen, gold_totals)


def cross_validate_resolver(groups, articles, gazetteer, gold_totals, folds: int = 5, C: float = 1.0,
                            seed: int = 13):
    """Held-out figures of the whole resolver as shipped (both ranking passes, repeated names),
    each fold's articles resolved with the model fitted on the other folds."""
    from mapper.ranking.model import LinearRanker
    from mapper.resolve import Resolver

    ids = sorted({g[0] for g in groups})
    rng = np.random.default_rng(seed)
    fold_of = {a: i % folds for i, a in enumerate(rng.permutation(ids))}
    chosen = []
    for k in range(folds):
        coef, bias, mean, scale = _fit([g for g in groups if fold_of[g[0]] != k], C)
        ranker = LinearRanker(dict(zip(FEATURE_NAMES, coef)), bias, dict(zip(FEATURE_NAMES, mean)),
                              dict(zip(FEATURE_NAMES, scale)))
        resolver = Resolver(gazetteer, ranker=ranker)
        for article_no, source, article, mentions, pairs in articles:
            if fold_of.get(article_no, -1) != k or not pairs:
                continue
            resolved = resolver.resolve(article, mentions)
            for toponym, pi in pairs:
                place = resolved[pi].place
                chosen.append((source, 20039.0 if place is None else
                               haversine_km(place.lat, place.lon, toponym.lat, toponym.lon)))
    return _report(chosen, gold_totals)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpora", nargs="+")
    ap.add_argument("-o", "--output", default=str(Path(__file__).resolve().parent.parent / "models" / "ranker.json"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--no-spacy", action="store_true")
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args(argv)
    groups, gold_totals, articles, gazetteer = collect(args.corpora, use_spacy=not args.no_spacy, limit=args.limit)
    baseline = _report([(s, float(d[0]) if len(d) else 20039.0) for _, s, _, d, _ in groups], gold_totals)
    heuristic_col = FEATURE_NAMES.index("heuristic")
    heuristic = _report([(s, float(d[int(np.argmax(X[:, heuristic_col]))]) if len(X) else 20039.0)
                         for _, s, X, d, _ in groups], gold_totals)
    cv = cross_validate(groups, gold_totals, folds=args.folds, C=args.C)
    cv_resolver = cross_validate_resolver(groups, articles, gazetteer, gold_totals, folds=args.folds, C=args.C)
    coef, bias, mean, scale = _fit(groups, args.C)
    payload = {
        "weights": {n: round(float(w), 6) for n, w in zip(FEATURE_NAMES, coef)},
        "bias": round(bias, 6),
        "mean": {n: round(float(m), 6) for n, m in zip(FEATURE_NAMES, mean)},
        "scale": {n: round(float(s), 6) for n, s in zip(FEATURE_NAMES, scale)},
        "meta": {"trained": dt.date.today().isoformat(), "corpora": [Path(c).name for c in args.corpora],
                 "mentions": len(groups), "C": args.C, "folds": args.folds,
                 "cv_heldout": cv_resolver, "cv_heldout_first_pass_only": cv,
                 "first_candidate_baseline": baseline, "heuristic": heuristic},
    }
    out = Path(args.output)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(out)
    print(json.dumps(payload["meta"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
