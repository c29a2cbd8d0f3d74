"""`mapper export INPUT --format FMT [-o OUT]`: convert incidents between formats, fio style.

Data goes to stdout (text formats) or to ``-o FILE``; messages go to stderr.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys

import click

from mapper.cli.errors import cli_errors

log = logging.getLogger(__name__)

FORMATS = ("geojson", "geojsonseq", "gpkg", "csv", "parquet")
INPUT_FORMATS = FORMATS


def output_options(func):
    """The options every command that writes incidents shares (export, query)."""
    options = [
        click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
                     help="Output file (default: stdout, for text formats)."),
        click.option("--precision", type=click.IntRange(0, 15), default=6, show_default=True,
                     help="Decimal places kept in coordinates."),
        click.option("--indent", type=click.IntRange(0, 16), default=None,
                     help="Indent GeoJSON by this many spaces (default: compact)."),
        click.option("--rs/--no-rs", default=True, show_default=True,
                     help="geojsonseq: start each feature with an RS character (RFC 8142); "
                          "--no-rs writes newline-delimited GeoJSON."),
        click.option("--overwrite", is_flag=True, help="Replace an existing output file."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@contextlib.contextmanager
def quiet_broken_pipe():
    """`mapper export ... | head` is normal use: stop writing quietly when the reader goes away."""
    try:
        yield
    except BrokenPipeError:
        try:  # keep Python from complaining again when it flushes stdout at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (AttributeError, OSError, ValueError):
            pass
        sys.exit(1)


def resolve_format(fmt: str | None, output: str | None, default: str) -> str:
    """--format if given, else the output's extension, else ``default``."""
    if fmt:
        return fmt
    if output:
        from mapper.export import format_for_path

        return format_for_path(output) or default
    return default


@click.command()
@click.argument("input", type=click.Path(allow_dash=True, dir_okay=False), default="-", required=False)
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: from -o's extension, else geojson).")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), default=None,
              help="Input format (default: from INPUT's extension, else sniffed).")
@output_options
@click.pass_context
def export(ctx, input, fmt, input_format, output, precision, indent, rs, overwrite):
    """Convert incidents in INPUT (a file, or - for stdin) to another format.

    \b
    Formats: geojson (RFC 7946), geojsonseq (RFC 8142 text sequence),
    gpkg (GeoPackage, layer "incidents"), csv (ACLED columns), parquet (GeoParquet).
    gpkg and parquet are binary and need -o FILE.

    \b
    Examples:
      mapper export incidents.geojson --format csv > incidents.csv
      mapper export incidents.geojson -o incidents.gpkg
      mapper export incidents.csv --format geojsonseq > incidents.geojsons
    """
    from mapper.export import BINARY_FORMATS, write_incidents
    from mapper.io import read_incidents

    fmt = resolve_format(fmt, output, "geojson")
    if output in (None, "-"):
        output = None
    if output is None and fmt in BINARY_FORMATS:
        raise click.UsageError(f"{fmt} is a binary format: give an output file with -o FILE", ctx=ctx)
    with cli_errors(), quiet_broken_pipe():
        gdf = read_incidents(input, input_format)
        write_incidents(gdf, output, fmt, precision=precision, indent=indent, overwrite=overwrite, rs=rs)
    if output and not (ctx.obj or {}).get("quiet"):
        click.echo(f"wrote {len(gdf)} incidents to {output} ({fmt})", err=True)
