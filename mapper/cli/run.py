"""`mapper run ARTICLE... [-o DIR]`: the whole pipeline, articles to a map and GeoJSON."""
from __future__ import annotations

import click

from mapper.cli.errors import cli_errors
from mapper.cli.options import country_option


@click.command()
@click.argument("articles", nargs=-1, required=True)
@click.option("-o", "--out-dir", default="outputs", show_default=True, type=click.Path(file_okay=False),
              help="Folder for incidents.html and incidents.geojson.")
@click.option("--no-spacy", is_flag=True, help="Gazetteer-only place recognition (faster, less precise).")
@click.option("--title", default=None, help="Map title.")
@click.option("--heatmap", is_flag=True, help="Add a heat map layer.")
@click.option("--choropleth", is_flag=True, help="Add incident counts per admin-1 region.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes for the language stages (0: one per core).")
@country_option
def run(articles, out_dir, no_spacy, title, heatmap, choropleth, default_country, jobs):
    """Map the incidents in ARTICLES (files, folders, JSON Lines, or - for stdin)."""
    from mapper.parallel import available_cores
    from mapper.pipeline import run as run_pipeline

    with cli_errors():
        result = run_pipeline(articles, out_dir, use_spacy=not no_spacy, title=title, heatmap=heatmap,
                              choropleth=choropleth, default_country=default_country,
                              jobs=jobs or available_cores())
    for error in result.errors:
        click.echo(f"warning: skipped {error}", err=True)
    for notice in result.notices:
        click.echo(notice, err=True)
    if result.feed is not None and result.feed.message():
        click.echo(result.feed.message(), err=True)
    click.echo(f"{result.articles} article(s), {len(result.incidents)} incident(s) -> "
               f"{result.outputs['html']} , {result.outputs['geojson']}", err=True)
