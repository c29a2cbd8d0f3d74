"""Wires the stages: articles -> mentions -> places -> incidents -> features -> map and GeoJSON."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from mapper.articles import read_articles
from mapper.errors import ArticleError, MapperError
from mapper.model import Incident

log = logging.getLogger(__name__)

__all__ = ["RunResult", "extract_from_paths", "run"]


@dataclass
class RunResult:
    incidents: list[Incident] = field(default_factory=list)
    articles: int = 0
    feed: object = None         # mapper.incidents.feed.FeedReport: what became of unplaced incidents
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)


def extract_from_paths(inputs: Iterable[str], use_spacy: bool = True, result: RunResult | None = None,
                       default_country: str | None = "auto", jobs: int = 1) -> RunResult:
    """Read every article and extract its incidents; bad articles are recorded, not fatal."""
    from mapper.parallel import extract_in_parallel
    from mapper.scripts import script_notice

    result = result or RunResult()
    good = []
    for item in read_articles(inputs):
        if isinstance(item, ArticleError):
            log.warning("%s", item)
            result.errors.append(str(item))
        else:
            notice = script_notice(item.id, item.text)
            if notice:
                result.notices.append(notice)
            good.append(item)
    from mapper.incidents.feed import FeedReport

    result.feed = FeedReport()
    for article, incidents in extract_in_parallel(good, jobs, use_spacy=use_spacy, default_country=default_country,
                                                  report=result.feed):
        result.articles += 1
        result.incidents.extend(incidents)
    return result


def run(inputs: Iterable[str], out_dir: str | Path = "outputs", *, use_spacy: bool = True, title: str | None = None,
        heatmap: bool = False, choropleth: bool = False, overwrite: bool = True,
        default_country: str | None = "auto", jobs: int = 1) -> RunResult:
    """Articles to ``incidents.geojson`` and ``incidents.html`` in ``out_dir``."""
    from mapper.export import write_incidents
    from mapper.features import incidents_to_geodataframe
    from mapper.render import render_map

    result = extract_from_paths(inputs, use_spacy=use_spacy, default_country=default_country, jobs=jobs)
    if result.articles == 0:
        raise MapperError("no article could be read: " + "; ".join(result.errors[:5]))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    records = [i.to_record() for i in result.incidents]
    geojson_path = out / "incidents.geojson"
    write_incidents(records, geojson_path, "geojson", overwrite=overwrite)
    result.outputs["geojson"] = geojson_path
    frame = incidents_to_geodataframe(result.incidents)
    html_path = out / "incidents.html"
    render_map(frame, html_path, title=title or "mapper incidents", heatmap=heatmap, choropleth=choropleth)
    result.outputs["html"] = html_path
    return result
