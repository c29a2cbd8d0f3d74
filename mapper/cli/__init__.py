"""The `mapper` command: a thin click group; each subcommand lives in its own module.

Subcommand modules are imported only when invoked, so `mapper --help` and
`mapper geocode` never pay for geopandas, folium or spaCy.
"""
from __future__ import annotations

import importlib
import logging
import sys

import click

from mapper import __version__

# name -> "module:attribute"; the one place where subcommands are registered.
SUBCOMMANDS = {
    "run": "mapper.cli.run:run",
    "geocode": "mapper.cli.geocode:geocode",
    "gazetteer": "mapper.cli.gazetteer_cmd:gazetteer",
    "geoparse": "mapper.cli.geoparse:geoparse",
    "extract": "mapper.cli.extract:extract",
    "export": "mapper.cli.export:export",
    "query": "mapper.cli.query:query",
    "eval": "mapper.cli.eval_cmd:eval_group",
}

HELP_LINES = {
    "run": "Articles to incidents.html and incidents.geojson.",
    "geocode": "Geocode place queries against the local gazetteer.",
    "gazetteer": "Build, extend and inspect the local gazetteer.",
    "geoparse": "Find and resolve the place names in articles.",
    "extract": "Extract incidents from articles.",
    "export": "Convert incidents to GeoJSON, GeoPackage, CSV, GeoParquet.",
    "query": "Select incidents by region, bbox, polygon, radius, date, type.",
    "eval": "Evaluate geocoding, geoparsing and incident extraction.",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx, name):
        target = SUBCOMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        return getattr(module, attr)

    def format_commands(self, ctx, formatter):
        rows = [(name, HELP_LINES.get(name, "")) for name in self.list_commands(ctx) if name in SUBCOMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="mapper")
@click.option("-v", "--verbose", count=True, help="More log output on stderr.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.pass_context
def cli(ctx, verbose, quiet):
    """Turn news articles into mapped, queryable incidents, offline."""
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="mapper: %(levelname)s: %(message)s", stream=sys.stderr)
    ctx.ensure_object(dict)
    ctx.obj["quiet"] = quiet


def main(argv=None):
    """Console entry point: library errors become clean messages, never tracebacks."""
    from gazetteer.errors import GazetteerError
    from mapper.errors import MapperError

    try:
        return cli.main(args=argv, prog_name="mapper", standalone_mode=True)
    except (GazetteerError, MapperError) as exc:  # pragma: no cover - click handles ClickException
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        # `mapper ... | head`: stop quietly, and keep Python from complaining at exit.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
