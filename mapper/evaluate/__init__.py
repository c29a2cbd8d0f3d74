"""The field's metrics: evaluate geocoding, geoparsing and incident extraction.

Metrics follow Gritta et al., "A pragmatic guide to geoparsing evaluation" (2020),
as restated in the development corpora's README:

- **Recognition**: a predicted mention matches a gold toponym when their character spans
  overlap; each gold toponym and each prediction is used at most once, largest overlap
  first (:func:`match_spans`). Precision, recall and F1 over mentions.
- **Resolution**, on matched pairs: the error is the great-circle distance in km
  (:func:`haversine_km`); a matched prediction without coordinates counts
  :data:`MAX_ERROR_KM` (20,039 km). Acc@161 is the share of errors under 161 km; AUC is
  the area under the curve of sorted, log-scaled errors (:func:`auc`, lower is better);
  mean and median error.
- **End to end**: e2e@161 = gold toponyms found *and* placed within 161 km / all gold toponyms.
- **Geocoding** a location string: share within 10, 25 and 161 km, median error over the
  answered queries, share with no answer.
- **Incidents**: the nearest extracted incident's distance to the true point, and precision
  and recall of the weapon class (weapon strings mapped onto the classes of
  ``mapper/incidents/lexicons/weapon_classes.json``).

The harness takes the system under test as plain callables (``geocode_fn``, ``geoparse_fn``,
``extract_fn``), so it can evaluate any implementation, and tests can use fakes. Nothing
here imports the gazetteer, spaCy or the incident extractor; :mod:`mapper.cli.eval_cmd`
wires those in.

Where things live: :mod:`~mapper.evaluate.metrics` (the metrics), :mod:`~mapper.evaluate.corpora`
(corpus records and readers), :mod:`~mapper.evaluate.weapons` (weapon classes),
:mod:`~mapper.evaluate.results` (what an evaluation returns), one evaluator per task
(:mod:`~mapper.evaluate.geocode`, :mod:`~mapper.evaluate.geoparse`,
:mod:`~mapper.evaluate.incidents`) and :mod:`~mapper.evaluate.report` (table and per-item output).
This package re-exports the public names of all of them.
"""
from __future__ import annotations

from mapper.evaluate.corpora import (
    EvalCorpusError, GeocodeQuery, GoldArticle, GoldToponym, IncidentRecord,
    parse_date, read_geocode_queries, read_geoparse_corpus, read_incident_set,
)
from mapper.evaluate.geocode import evaluate_geocoder
from mapper.evaluate.geoparse import EvalError, evaluate_geoparser
from mapper.evaluate.incidents import evaluate_incidents
from mapper.evaluate.metrics import (
    ACC_KM, EARTH_RADIUS_KM, GEOCODE_THRESHOLDS_KM, MAX_ERROR_KM,
    auc, haversine_km, match_spans, precision_recall_f1, share_within, span_overlap,
)
from mapper.evaluate.report import format_table, write_items
from mapper.evaluate.results import (
    GeocodeResult, GeoparseResult, GeoparseScores, IncidentResult, WeaponScores,
)
from mapper.evaluate.weapons import WeaponClasses, load_weapon_classes

__all__ = [
    "EARTH_RADIUS_KM", "MAX_ERROR_KM", "ACC_KM", "GEOCODE_THRESHOLDS_KM",
    "EvalError", "EvalCorpusError",
    "haversine_km", "span_overlap", "match_spans", "precision_recall_f1", "auc", "share_within",
    "GoldToponym", "GoldArticle", "IncidentRecord", "GeocodeQuery",
    "parse_date", "read_geoparse_corpus", "read_incident_set", "read_geocode_queries",
    "WeaponClasses", "load_weapon_classes",
    "GeoparseScores", "GeoparseResult", "GeocodeResult", "WeaponScores", "IncidentResult",
    "evaluate_geocoder", "evaluate_geoparser", "evaluate_incidents",
    "format_table", "write_items",
]
