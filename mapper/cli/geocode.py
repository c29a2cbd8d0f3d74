"""`mapper geocode QUERY` and `mapper geocode -` (one query per line on stdin, JSON Lines out)."""
from __future__ import annotations

import json
import sys

import click

from mapper.cli.errors import cli_errors

FIELDS = ("query", "lat", "lon", "name", "geonameid", "feature_code", "country_code", "admin1", "admin2")


def _answer(geocoder, query: str) -> dict:
    location = geocoder.geocode(query) if query.strip() else None
    if location is None:
        return {key: (query if key == "query" else None) for key in FIELDS}
    raw = location.raw
    return {"query": query, "lat": location.latitude, "lon": location.longitude, "name": raw["name"],
            "geonameid": raw["geonameid"], "feature_code": raw["feature_code"],
            "country_code": raw["country_code"], "admin1": raw["admin1"] or None, "admin2": raw["admin2"] or None}


@click.command()
@click.argument("query")
@click.option("--gazetteer", "gazetteer_path", type=click.Path(dir_okay=False), default=None,
              help="Gazetteer file (default: the built one).")
@click.option("--country", default=None, help="Prefer this ISO2 country when a name is ambiguous.")
def geocode(query, gazetteer_path, country):
    """Geocode QUERY, or '-' to read one query per line from stdin (JSON Lines out)."""
    from gazetteer.geocoder import LocalGeocoder
    from mapper.gazetteer_access import open_gazetteer

    with cli_errors():
        geocoder = LocalGeocoder(open_gazetteer(gazetteer_path), country_bias=country)
        if query != "-":
            answer = _answer(geocoder, query)
            click.echo(json.dumps(answer, ensure_ascii=False))
            if answer["lat"] is None:
                sys.exit(1)
            return
        geocoder.adaptive_focus = True
        stdin = sys.stdin.buffer
        for number, raw in enumerate(stdin, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise click.ClickException(f"stdin line {number} is not valid UTF-8") from None
            click.echo(json.dumps(_answer(geocoder, line.rstrip("\r\n")), ensure_ascii=False))
