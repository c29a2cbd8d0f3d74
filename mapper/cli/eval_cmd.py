"""`mapper eval geocode | geoparse | incidents`: the field's metrics on annotated corpora.

The metrics live in :mod:`mapper.evaluate`; this module reads the corpus, wires the real
system in (lazily: the gazetteer, spaCy and the extractor are imported only by the
subcommand that needs them) and prints a table on stdout, or JSON with ``--json``.
The ``resolve_*`` functions return the system under test as a plain callable; tests
monkeypatch them to evaluate fakes.
"""
from __future__ import annotations

import json
import logging
import time

import click

from mapper.cli.errors import cli_errors
from mapper.cli.options import country_option

log = logging.getLogger(__name__)


# ----------------------------------------------------------------- the systems under test


def _missing(what: str, exc: ImportError) -> click.ClickException:
    return click.ClickException(f"{what} is not available in this installation ({exc}); "
                                "install mapper with its dependencies, or update it")


def resolve_geocoder(gazetteer_path=None, country=None):
    """``geocode_fn(query) -> (lat, lon) | None`` over the local gazetteer (gazetteer.geocoder.LocalGeocoder)."""
    try:
        from gazetteer.geocoder import LocalGeocoder
    except ImportError as exc:
        raise _missing("the local geocoder (gazetteer.geocoder)", exc) from exc
    try:
        from mapper.gazetteer_access import open_gazetteer
    except ImportError:
        geocoder = LocalGeocoder(path=gazetteer_path, country_bias=country, adaptive_focus=True)
    else:
        # A corpus is a batch of queries, as `mapper geocode -` reads them: learn its focus countries.
        geocoder = LocalGeocoder(open_gazetteer(gazetteer_path), country_bias=country, adaptive_focus=True)

    def geocode_fn(query: str):
        location = geocoder.geocode(query)
        return None if location is None else (location.latitude, location.longitude)

    return geocode_fn


def resolve_geoparser(use_spacy: bool = True):
    """``geoparse_fn(articles) -> iterable of list[ResolvedMention]`` (mapper.geoparse.geoparse_articles)."""
    try:
        from mapper.geoparse import geoparse_articles
    except ImportError as exc:
        raise _missing("the geoparser (mapper.geoparse)", exc) from exc

    def geoparse_fn(articles):
        return geoparse_articles(articles, use_spacy=use_spacy)

    return geoparse_fn


def batch_extractor(records, default_country: str | None = "auto"):
    """``(extract_fn, report)``: the whole set extracted as one batch, as ``mapper extract`` reads a
    feed (so the feed's country is decided over all of it); ``extract_fn(article)`` answers from it."""
    try:
        from mapper.incidents import extract_many
        from mapper.incidents.feed import FeedReport
    except ImportError as exc:
        raise _missing("the incident extractor (mapper.incidents)", exc) from exc
    report = FeedReport()
    found = {(article.id, article.text): incidents for article, incidents in
             extract_many([r.article() for r in records], default_country=default_country, report=report)}
    return (lambda article: found.get((article.id, article.text), [])), report


# ----------------------------------------------------------------- shared options and output


def _common(fn):
    """Options every eval subcommand takes."""
    fn = click.option("--overwrite", is_flag=True, help="Replace an existing --errors file.")(fn)
    fn = click.option("--errors", "errors_path", type=click.Path(dir_okay=False, writable=True), default=None,
                      metavar="FILE", help="Write one JSON line per evaluated item (for error analysis).")(fn)
    fn = click.option("--indent", type=click.IntRange(min=0), default=None,
                      help="Indentation of --json output.")(fn)
    fn = click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of a table.")(fn)
    fn = click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
                      help="Evaluate only the first N records (quick runs).")(fn)
    return fn


_CORPUS = click.Path(exists=True, dir_okay=False, readable=True)


def _check_errors_path(errors_path, overwrite):
    if errors_path:
        from mapper.atomic import check_writable

        check_writable(errors_path, overwrite)     # fail before a long run, not after


def _emit(command: str, corpus: str, result, *, as_json: bool, indent, errors_path, overwrite, started: float):
    from mapper.evaluate import format_table, write_items

    if errors_path:
        n = write_items(result.items, errors_path, overwrite=overwrite)
        log.info("wrote %d items to %s", n, errors_path)
    seconds = time.perf_counter() - started
    if as_json:
        payload = {"command": f"eval {command}", "corpus": str(corpus), **result.to_dict(),
                   "seconds": round(seconds, 2)}
        click.echo(json.dumps(payload, indent=indent, ensure_ascii=False))
    else:
        click.echo(format_table(result))
    log.info("eval %s on %s: %.1f s", command, corpus, seconds)


# ----------------------------------------------------------------- commands


@click.group(name="eval")
def eval_group():
    """Evaluate geocoding, geoparsing and incident extraction on annotated corpora.

    Metrics follow Gritta et al., "A pragmatic guide to geoparsing evaluation":
    P/R/F1 over overlapping spans, Acc@161, AUC of log errors, e2e@161.
    """


@eval_group.command("geocode")
@click.argument("corpus", type=_CORPUS)
@click.option("--field", default="location", show_default=True,
              help="Record field holding the location string to geocode (records also need lat, lon).")
@click.option("--gazetteer", "gazetteer_path", type=click.Path(dir_okay=False), default=None,
              help="Gazetteer file (default: the built one).")
@click.option("--country", default=None, help="Prefer this ISO2 country when a name is ambiguous.")
@_common
def geocode_cmd(corpus, field, gazetteer_path, country, limit, as_json, indent, errors_path, overwrite):
    """Geocode each record's location string; share within 10/25/161 km, median km, share unanswered."""
    from mapper.evaluate import evaluate_geocoder, read_geocode_queries

    started = time.perf_counter()
    with cli_errors():
        _check_errors_path(errors_path, overwrite)
        queries = read_geocode_queries(corpus, field=field, limit=limit)
        result = evaluate_geocoder(queries, resolve_geocoder(gazetteer_path, country))
        _emit("geocode", corpus, result, as_json=as_json, indent=indent, errors_path=errors_path,
              overwrite=overwrite, started=started)


@eval_group.command("geoparse")
@click.argument("corpus", type=_CORPUS)
@click.option("--no-spacy", is_flag=True, help="Recognize with the gazetteer matcher only (no spaCy NER).")
@_common
def geoparse_cmd(corpus, no_spacy, limit, as_json, indent, errors_path, overwrite):
    """Geoparse each article; P/R/F1, Acc@161, AUC, mean/median km and e2e@161 per source and overall."""
    from mapper.evaluate import evaluate_geoparser, read_geoparse_corpus

    started = time.perf_counter()
    with cli_errors():
        _check_errors_path(errors_path, overwrite)
        gold = read_geoparse_corpus(corpus, limit=limit)
        result = evaluate_geoparser(gold, resolve_geoparser(use_spacy=not no_spacy))
        _emit("geoparse", corpus, result, as_json=as_json, indent=indent, errors_path=errors_path,
              overwrite=overwrite, started=started)


@eval_group.command("incidents")
@click.argument("incident_set", metavar="SET", type=_CORPUS)
@country_option
@_common
def incidents_cmd(incident_set, default_country, limit, as_json, indent, errors_path, overwrite):
    """Extract incidents from each record ("location. text"); distance of the nearest to the truth,
    share within 10/25/161 km, and weapon-class precision/recall."""
    from mapper.evaluate import evaluate_incidents, read_incident_set

    started = time.perf_counter()
    with cli_errors():
        _check_errors_path(errors_path, overwrite)
        records = list(read_incident_set(incident_set, limit=limit))
        extract_fn, report = batch_extractor(records, default_country)
        result = evaluate_incidents(records, extract_fn)
        if report.message():
            click.echo(report.message(), err=True)
        _emit("incidents", incident_set, result, as_json=as_json, indent=indent, errors_path=errors_path,
              overwrite=overwrite, started=started)
