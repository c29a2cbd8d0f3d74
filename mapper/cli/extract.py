"""`mapper extract ARTICLE... --format geojson|jsonl|csv [-o OUT]`: incidents from articles.

Data goes to stdout or ``-o FILE`` (written to a temporary name and renamed when complete);
warnings about unreadable articles go to stderr. Exit status: 0 when at least one article
was processed (even if others failed, with a warning for each), 1 when none could be.
"""
from __future__ import annotations

import json

import click

from mapper.cli.errors import cli_errors
from mapper.cli.options import country_option

FORMATS = ("geojson", "jsonl", "csv")


def incident_json(incident) -> dict:
    """One incident as a flat JSON-ready dict: ACLED fields first, then mapper's (with article_id)."""
    return incident.to_record()


def _write_text(text: str, output: str | None, overwrite: bool) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from mapper.atomic import atomic_write

    with atomic_write(output, "w", overwrite=overwrite, newline="") as handle:
        handle.write(text)


@click.command()
@click.argument("articles", nargs=-1, required=True)
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: from -o's extension, else geojson).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Output file (default: stdout).")
@click.option("--no-spacy", is_flag=True, help="Gazetteer-only recognition, no parser (faster, less precise).")
@click.option("--precision", type=click.IntRange(0, 15), default=6, show_default=True,
              help="Decimal places kept in coordinates.")
@click.option("--indent", type=click.IntRange(0, 16), default=None, help="Indent GeoJSON/JSON output.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Drop incidents below this confidence.")
@click.option("--overwrite", is_flag=True, help="Replace an existing output file.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes for the language stages (0: one per core).")
@country_option
@click.pass_context
def extract(ctx, articles, fmt, output, no_spacy, precision, indent, min_confidence, overwrite, default_country,
            jobs):
    """Extract incidents (ACLED fields) from ARTICLES: files, folders, JSON Lines, or - for stdin.

    \b
    Formats: geojson (RFC 7946 FeatureCollection), jsonl (one incident per line,
    with article_id), csv (ACLED columns first).

    \b
    Examples:
      mapper extract examples/*.txt > incidents.geojson
      mapper extract news/ --format csv -o incidents.csv
      mapper extract article.txt --format jsonl --no-spacy
    """
    from mapper.articles import read_articles
    from mapper.errors import ArticleError

    if output == "-":
        output = None
    if fmt is None:
        fmt = "geojson"
        if output:
            lower = output.lower()
            fmt = "csv" if lower.endswith(".csv") else "jsonl" if lower.endswith((".jsonl", ".ndjson")) else "geojson"
    if output is not None and not overwrite:
        from mapper.atomic import check_writable

        with cli_errors():
            check_writable(output, overwrite)
    quiet = (ctx.obj or {}).get("quiet")
    with cli_errors():
        from mapper.incidents.feed import FeedReport
        from mapper.parallel import available_cores, extract_in_parallel
        from mapper.scripts import script_notice

        jobs = jobs or available_cores()
        incidents = []
        processed = failed = 0
        good = []
        for item in read_articles(articles):
            if isinstance(item, ArticleError):
                click.echo(f"warning: skipped {item}", err=True)
                failed += 1
                continue
            notice = script_notice(item.id, item.text)
            if notice:
                click.echo(notice, err=True)
            good.append(item)
        report = FeedReport()
        stream = extract_in_parallel(good, jobs, use_spacy=not no_spacy, default_country=default_country,
                                     report=report)
        for article, found in stream:
            processed += 1
            incidents.extend(i for i in found if i.confidence >= min_confidence)
        if processed == 0:
            raise click.ClickException(f"no article could be read ({failed} failed)")

        if fmt == "jsonl":
            lines = [json.dumps(_rounded(incident_json(i), precision), ensure_ascii=False) for i in incidents]
            _write_text("".join(line + "\n" for line in lines), output, overwrite)
        elif fmt == "geojson":
            from mapper.features import feature_collection

            fc = feature_collection(incidents, precision=precision)
            _write_text(json.dumps(fc, ensure_ascii=False, indent=indent) + "\n", output, overwrite)
        else:
            from mapper.export import write_incidents

            write_incidents(incidents, output, fmt="csv", precision=precision, overwrite=overwrite)
    if not quiet:
        if report.message():
            click.echo(report.message(), err=True)
        where = output or "stdout"
        click.echo(f"{processed} article(s), {len(incidents)} incident(s) -> {where} ({fmt})"
                   + (f"; {failed} article(s) skipped" if failed else ""), err=True)


def _rounded(record: dict, precision: int) -> dict:
    for key in ("latitude", "longitude"):
        if isinstance(record.get(key), float):
            record[key] = round(record[key], precision)
    return record
