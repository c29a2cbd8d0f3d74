"""`mapper query INPUT [filters] [--format table|geojson|csv|...] [--map FILE.html] [-o OUT]`.

Filters combine with AND. The result goes to stdout (or -o FILE); counts and messages to stderr.
"""
from __future__ import annotations

import logging
import math

import click

from mapper.cli.errors import cli_errors
from mapper.cli.export import FORMATS, output_options, quiet_broken_pipe, resolve_format

log = logging.getLogger(__name__)

TABLE_COLUMNS = (
    # header, column, width
    ("date", "event_date", 10),
    ("type", "event_type", 26),
    ("location", "location", 22),
    ("admin1", "admin1", 16),
    ("country", "country", 12),
    ("lat", "latitude", 9),
    ("lon", "longitude", 10),
    ("fatalities", "fatalities", 10),
)
NUMERIC = {"latitude", "longitude", "fatalities", "distance_km"}


def _cell(value, column: str, width: int, precision: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan", "None"):
        text = ""
    elif column in ("latitude", "longitude"):
        text = f"{float(value):.{min(precision, 5)}f}"
    elif column == "distance_km":
        text = f"{float(value):.1f}"
    else:
        text = " ".join(str(value).split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.rjust(width) if column in NUMERIC else text.ljust(width)


def format_table(gdf, precision: int = 4) -> str:
    """A fixed-width text table: date, type, location, admin1, country, lat, lon, fatalities."""
    columns = list(TABLE_COLUMNS)
    if "distance_km" in gdf.columns:
        columns.append(("km", "distance_km", 7))
    header = "  ".join(h.rjust(w) if c in NUMERIC else h.ljust(w) for h, c, w in columns).rstrip()
    rule = "  ".join("-" * w for _, _, w in columns)
    lines = [header, rule]
    present = [c for _, c, _ in columns]
    frame = gdf.reindex(columns=present)
    for row in frame.itertuples(index=False, name=None):
        lines.append("  ".join(_cell(v, c, w, precision) for v, (_, c, w) in zip(row, columns)).rstrip())
    return "\n".join(lines) + "\n"


def _bbox(ctx, param, value):
    if value is None:
        return None
    parts = [p for p in value.replace(" ", ",").split(",") if p]
    try:
        numbers = tuple(float(p) for p in parts)
    except ValueError:
        numbers = ()
    if len(numbers) != 4:
        raise click.BadParameter(f"expected W,S,E,N (four numbers), not {value!r}", ctx=ctx, param=param)
    return numbers


@click.command()
@click.argument("input", type=click.Path(allow_dash=True, dir_okay=False), default="-", required=False)
@click.option("--region", "regions", multiple=True, metavar="NAME",
              help="Country (name, ISO2, ISO3), admin-1 unit (name or ISO 3166-2 code such as UA-63), "
                   "or admin-2 unit (name or GeoNames code). Repeat for any of several.")
@click.option("--bbox", callback=_bbox, default=None, metavar="W,S,E,N",
              help="Bounding box in degrees: west,south,east,north.")
@click.option("--within", "within_path", type=click.Path(exists=True, dir_okay=False), default=None,
              metavar="FILE", help="GeoJSON file with a Polygon/MultiPolygon (Feature, FeatureCollection).")
@click.option("--near", metavar="PLACE", default=None, help="Place name or LAT,LON; use with --radius.")
@click.option("--radius", type=click.FloatRange(min=0, min_open=True), default=None, metavar="KM",
              help="Radius around --near, in kilometres (default 25).")
@click.option("--since", default=None, metavar="DATE", help="On or after this date (YYYY-MM-DD, YYYY-MM, YYYY).")
@click.option("--until", default=None, metavar="DATE", help="On or before this date.")
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="ACLED event_type or sub_event_type, case-insensitive; repeat for any of several.")
@click.option("-f", "--format", "fmt", type=click.Choice(("table",) + FORMATS), default=None,
              help="Output format (default: from -o's extension, else table).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False), default=None, metavar="FILE.html",
              help="Also draw the selected incidents on an offline HTML map.")
@click.option("--input-format", type=click.Choice(FORMATS), default=None,
              help="Input format (default: from INPUT's extension, else sniffed).")
@output_options
@click.pass_context
def query(ctx, input, regions, bbox, within_path, near, radius, since, until, types, fmt, map_path,
          input_format, output, precision, indent, rs, overwrite):
    """Select incidents in INPUT (a file, or - for stdin) by region, box, polygon, radius, date, type.

    \b
    Examples:
      mapper query incidents.geojson --region "Kursk Oblast" --since 2024-08-06
      mapper query incidents.gpkg --region UA-63 --type "Air/drone strike" --format csv
      mapper query incidents.geojson --near Sudzha --radius 30 --map sudzha.html
      mapper query incidents.geojson --bbox 34,50,38,52 --format geojson -o box.geojson
    """
    from mapper.export import BINARY_FORMATS

    if radius is not None and near is None:
        raise click.UsageError("--radius needs --near PLACE", ctx=ctx)
    if output == "-":
        output = None
    fmt = resolve_format(fmt, output, "table")
    if output is None and fmt in BINARY_FORMATS:
        raise click.UsageError(f"{fmt} is a binary format: give an output file with -o FILE", ctx=ctx)
    quiet = (ctx.obj or {}).get("quiet")

    with cli_errors(), quiet_broken_pipe():
        from mapper import query as q
        from mapper.atomic import check_writable
        from mapper.io import read_incidents

        # Check outputs before the (possibly long) work.
        if output:
            check_writable(output, overwrite)
        if map_path:
            check_writable(map_path, overwrite)
        gdf = read_incidents(input, input_format)
        total = len(gdf)
        titles = []
        # Cheap attribute filters first, so the spatial index is built over fewer rows.
        if since or until:
            gdf = q.by_date(gdf, since, until)
            titles.append(f"{since or '…'} to {until or '…'}")
        if types:
            gdf = q.by_type(gdf, types)
            titles.append(", ".join(types))
        if regions:
            resolved = [q.resolve_region(name, gdf) for name in regions]
            for region in resolved:
                log.info("region %r is %s %s", region.name, region.kind, region.code)
            if len(resolved) == 1:
                gdf = q.select_region(gdf, resolved[0])
            else:   # any of several regions
                import numpy as np
                hits = np.concatenate([q.select_region(gdf, r).index.to_numpy() for r in resolved])
                gdf = gdf[np.isin(gdf.index.to_numpy(), hits)]
            titles.append(" + ".join(str(r) for r in resolved))
        if bbox:
            gdf = q.by_bbox(gdf, *bbox)
            titles.append("bbox " + ",".join(f"{v:g}" for v in bbox))
        if within_path:
            gdf = q.within(gdf, within_path)
            titles.append(f"within {click.format_filename(within_path)}")
        if near:
            km = radius if radius is not None else 25.0
            lat, lon, label = q.resolve_point(near)
            gdf = q.near(gdf, (lat, lon), km)
            titles.append(f"{km:g} km around {label}")

        if fmt == "table":
            text = format_table(gdf, precision)
            if output:
                from mapper.atomic import atomic_write
                with atomic_write(output, overwrite=overwrite) as handle:
                    handle.write(text)
            else:
                click.echo(text, nl=False)
        else:
            from mapper.export import write_incidents
            write_incidents(gdf, output, fmt, precision=precision, indent=indent, overwrite=overwrite, rs=rs)

        if map_path:
            title = "Incidents: " + "; ".join(titles) if titles else "Incidents"
            _render(gdf, map_path, title, overwrite)

    if not quiet:
        where = f" -> {output}" if output else ""
        click.echo(f"{len(gdf)} of {total} incidents{where}" + (f"; map: {map_path}" if map_path else ""), err=True)


def _render(gdf, path, title, overwrite):
    import inspect

    from mapper.errors import MapperError

    try:
        from mapper.render import render_map
    except ImportError as exc:
        raise MapperError(f"--map needs mapper.render.render_map, which is not available here ({exc})") from exc
    kwargs = {"title": title}
    if "overwrite" in inspect.signature(render_map).parameters:
        kwargs["overwrite"] = overwrite
    render_map(gdf, path, **kwargs)
