"""`mapper gazetteer ...`: build, extend and inspect the local gazetteer."""
from __future__ import annotations

import json
import time

import click

from mapper.cli.errors import cli_errors

path_option = click.option("--path", "path", type=click.Path(dir_okay=False), default=None,
                           help="Gazetteer file (default: $MAPPER_GAZETTEER or ~/.local/share/mapper/gazetteer.sqlite).")


@click.group()
def gazetteer():
    """Build, extend and inspect the local gazetteer (GeoNames-based, offline)."""


@gazetteer.command()
@path_option
@click.option("--force", is_flag=True, help="Rebuild even if the file is current.")
@click.pass_context
def build(ctx, path, force):
    """Build the gazetteer from the embedded sources (no download)."""
    from gazetteer.build import ensure_gazetteer, is_current
    from gazetteer.paths import default_gazetteer_path

    with cli_errors():
        target = click.format_filename(str(path or default_gazetteer_path()))
        started = time.perf_counter()
        from pathlib import Path

        if not force and Path(target).exists() and is_current(Path(target)):
            click.echo(f"gazetteer at {target} is current (use --force to rebuild)", err=True)
            return
        quiet = (ctx.find_root().obj or {}).get("quiet", False)
        built = ensure_gazetteer(path, force=True, progress=not quiet)
        click.echo(f"built {built} in {time.perf_counter() - started:.1f} s", err=True)


@gazetteer.command()
@path_option
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def info(path, as_json):
    """Where the gazetteer is, what it holds, and its sources."""
    from gazetteer.index import Gazetteer

    with cli_errors():
        gz = Gazetteer.open(path)
        details = {"path": str(gz.path), "size_mb": round(gz.path.stat().st_size / 1e6, 1), **gz.meta(), **gz.counts()}
        if as_json:
            click.echo(json.dumps(details, indent=2))
        else:
            for key, value in details.items():
                click.echo(f"{key:24} {value}")


@gazetteer.command()
@click.argument("name")
@path_option
@click.option("--limit", default=10, show_default=True, help="How many candidates.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def lookup(name, path, limit, as_json):
    """Candidates for NAME, most likely first."""
    from gazetteer.index import Gazetteer

    with cli_errors():
        found = Gazetteer.open(path).lookup(name, limit=limit)
        if not found:
            raise click.ClickException(f"no place named {name!r} in the gazetteer")
        for c in found:
            if as_json:
                click.echo(json.dumps(c.to_dict(), ensure_ascii=False))
            else:
                click.echo(f"{c.geonameid:>10}  {c.feature_class}.{c.feature_code:<6} {c.name[:32]:32} "
                           f"{c.admin2[:24]:24} {c.admin1[:24]:24} {c.country_code:2} "
                           f"{c.lat:9.4f} {c.lon:10.4f} pop={c.population}")


@gazetteer.command("import-geonames")
@click.argument("sources", nargs=-1, required=True)
@path_option
@click.option("--min-population", default=0, show_default=True, help="Skip populated places smaller than this.")
@click.option("--feature-class", "feature_classes", multiple=True, default=("P", "A"), show_default=True,
              help="GeoNames feature classes to keep (repeatable).")
def import_geonames(sources, path, min_population, feature_classes):
    """Import GeoNames dumps (allCountries.zip, CC.zip, alternateNamesV2.zip, admin1CodesASCII.txt,
    admin2Codes.txt, countryInfo.txt) from local files, or from URLs you name explicitly."""
    from gazetteer.imports import import_geonames as do_import

    with cli_errors():
        stats = do_import(list(sources), path=path, min_population=min_population,
                          feature_classes=tuple(feature_classes))
        click.echo(json.dumps(stats), err=True)


@gazetteer.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@path_option
def add(file, path):
    """Add your own places from CSV or GeoJSON (name, alternate_names, lat, lon, type, country, admin1)."""
    from gazetteer.imports import add_user_places

    with cli_errors():
        stats = add_user_places(file, path=path)
        click.echo(json.dumps(stats), err=True)


@gazetteer.command(context_settings={"ignore_unknown_options": True})
@click.argument("point", nargs=-1, required=True)
@path_option
def reverse(point, path):
    """The country, admin-1 and admin-2 units a point lies in (JSON): LAT LON, or "LAT,LON"."""
    from gazetteer.index import Gazetteer

    parts = [p for item in point for p in item.replace(",", " ").split()]
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise click.BadParameter("give the point as LAT LON or LAT,LON, e.g. 51.73 36.19") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise click.BadParameter(f"{lat}, {lon} is not a WGS84 point (latitude first)")
    with cli_errors():
        hit = Gazetteer.open(path).reverse(lat, lon)
        if hit is None:
            raise click.ClickException(f"{lat}, {lon} lies in no country of the shipped boundaries (open sea?)")
        click.echo(json.dumps(hit, ensure_ascii=False))
