"""Output of an evaluation: a plain-text table for the terminal, per-item JSON Lines for error analysis."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from mapper.evaluate.results import GeocodeResult, GeoparseResult, IncidentResult


def _fmt(value: Any, kind: str = "ratio") -> str:
    if value is None:
        return "-"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if kind == "km":
        return f"{value:,.1f}"
    return f"{value:.3f}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    def line(cells):
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def format_table(result: GeoparseResult | GeocodeResult | IncidentResult) -> str:
    """A plain-text table of a result, for the terminal.

    Examples
    --------
    >>> print(format_table(GeocodeResult(4, 3, 0.25, 0.5, 0.75, 12.5, 0.25)))
    metric             value
    -----------------  -----
    queries                4
    answered               3
    within 10 km       0.250
    within 25 km       0.500
    within 161 km      0.750
    median km (answ.)   12.5
    unanswered         0.250
    """
    if isinstance(result, GeoparseResult):
        headers = ["source", "articles", "gold", "pred", "P", "R", "F1",
                   "Acc@161", "AUC", "mean km", "median km", "e2e@161"]
        rows = []
        for name, s in [*result.by_source.items(), ("all", result.overall)]:
            rows.append([name or "(none)", _fmt(s.articles), _fmt(s.gold), _fmt(s.predicted),
                         _fmt(s.precision), _fmt(s.recall), _fmt(s.f1), _fmt(s.acc161), _fmt(s.auc),
                         _fmt(s.mean_km, "km"), _fmt(s.median_km, "km"), _fmt(s.e2e161)])
        return _table(headers, rows)
    if isinstance(result, GeocodeResult):
        rows = [
            ("queries", _fmt(result.queries)), ("answered", _fmt(result.answered)),
            ("within 10 km", _fmt(result.within_10km)), ("within 25 km", _fmt(result.within_25km)),
            ("within 161 km", _fmt(result.within_161km)), ("median km (answ.)", _fmt(result.median_km, "km")),
            ("unanswered", _fmt(result.unanswered)),
        ]
        return _table(["metric", "value"], rows)
    if isinstance(result, IncidentResult):
        rows = [
            ("records", _fmt(result.records)), ("with incident", _fmt(result.with_incident)),
            ("within 10 km", _fmt(result.within_10km)), ("within 25 km", _fmt(result.within_25km)),
            ("within 161 km", _fmt(result.within_161km)), ("median km (located)", _fmt(result.median_km, "km")),
            ("no incident", _fmt(result.no_incident)),
        ]
        w = result.weapon
        if w is not None:
            rows += [
                ("weapon: records scored", _fmt(w.records)), ("weapon: gold classes", _fmt(w.gold)),
                ("weapon: predicted classes", _fmt(w.predicted)), ("weapon: correct", _fmt(w.correct)),
                ("weapon: precision", _fmt(w.precision)), ("weapon: recall", _fmt(w.recall)),
                ("weapon: F1", _fmt(w.f1)), ("weapon: unclassified strings", _fmt(w.unclassified)),
            ]
        else:
            rows.append(("weapon", "- (no record with a known weapon)"))
        return _table(["metric", "value"], rows)
    raise TypeError(f"no table format for {type(result).__name__}")


def write_items(items: Iterable[Mapping[str, Any]], path: str | Path, overwrite: bool = False) -> int:
    """Write per-item records as JSON Lines, atomically (:func:`mapper.atomic.atomic_write`); returns the count."""
    from mapper.atomic import atomic_write

    n = 0
    with atomic_write(path, overwrite=overwrite) as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
            n += 1
    return n
