"""Evaluate incident extraction: where the nearest incident lands, and which weapon class it names."""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

from mapper.evaluate.corpora import IncidentRecord
from mapper.evaluate.metrics import distance_shares, haversine_km, median, precision_recall_f1
from mapper.evaluate.results import IncidentResult, WeaponScores
from mapper.evaluate.weapons import WeaponClasses, load_weapon_classes
from mapper.model import Article, Incident


def evaluate_incidents(
    records: Iterable[IncidentRecord],
    extract_fn: Callable[[Article], Sequence[Incident]],
    weapon_classes: WeaponClasses | None = None,
) -> IncidentResult:
    """Extract incidents from each record's article and score location and weapon class.

    For each record the extractor sees :meth:`IncidentRecord.article`. The location
    error is the distance from the true point to the *nearest* extracted incident.

    Weapons: the record's gold labels and the ``weapon`` field of every incident
    extracted for it are mapped onto weapon classes (:class:`WeaponClasses`). Records
    whose gold labels name no class (``"Unknown"``, empty) are not scored; on the
    others, precision = correct / predicted classes and recall = correct / gold
    classes, summed over records (micro).

    Parameters
    ----------
    records : iterable of IncidentRecord
    extract_fn : callable
        ``extract_fn(article) -> list[Incident]``.
    weapon_classes : WeaponClasses, optional
        Defaults to :func:`load_weapon_classes`.

    Returns
    -------
    IncidentResult
        With one item per record: ``id, location, lat, lon, incidents, pred_lat,
        pred_lon, pred_location, error_km, gold_weapons, pred_weapons``.
    """
    wc = weapon_classes or load_weapon_classes()
    errors: list[float | None] = []
    items = []
    w_records = w_gold = w_pred = w_correct = w_unclassified = 0
    for rec in records:
        incidents = list(extract_fn(rec.article()))
        nearest, err = None, None
        for inc in incidents:
            d = haversine_km(rec.lat, rec.lon, inc.latitude, inc.longitude)
            if err is None or d < err:
                nearest, err = inc, d
        errors.append(err)
        gold_classes = frozenset().union(*(wc.classify(w) for w in rec.weapons))
        pred_classes = frozenset().union(*(wc.classify(inc.weapon) for inc in incidents))
        if gold_classes:
            w_records += 1
            w_gold += len(gold_classes)
            w_pred += len(pred_classes)
            w_correct += len(gold_classes & pred_classes)
            w_unclassified += sum(len(wc.unclassified(inc.weapon)) for inc in incidents)
        items.append({
            "id": rec.id, "location": rec.location, "lat": rec.lat, "lon": rec.lon,
            "incidents": len(incidents),
            "pred_lat": nearest.latitude if nearest else None,
            "pred_lon": nearest.longitude if nearest else None,
            "pred_location": nearest.location if nearest else None,
            "error_km": err,
            "gold_weapons": sorted(gold_classes), "pred_weapons": sorted(pred_classes),
            "pred_weapon_text": [inc.weapon for inc in incidents if inc.weapon],
        })
    located = [e for e in errors if e is not None]
    n = len(errors)
    weapon = None
    if w_records:
        p, r, f = precision_recall_f1(w_correct, w_pred, w_gold)
        weapon = WeaponScores(records=w_records, gold=w_gold, predicted=w_pred, correct=w_correct,
                              precision=p, recall=r, f1=f, unclassified=w_unclassified)
    return IncidentResult(
        records=n,
        with_incident=len(located),
        **distance_shares(errors),
        median_km=median(located),
        no_incident=(n - len(located)) / n if n else None,
        weapon=weapon,
        items=items,
    )
