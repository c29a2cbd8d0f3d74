"""Build the incident map (folium) and write it as one self-contained HTML file."""
from __future__ import annotations

import base64
import gzip
import html
import os
from pathlib import Path
from typing import Any

from mapper.render.layers import load_background
from mapper.render.payload import build_payload, coordinates, incident_columns, script_json
from mapper.render.style import (CHOROPLETH_COLORS, EVENT_TYPES, PRECISION, TYPE_KEYS, UNCERTAINTY_RADIUS_M,
                                 icon_svg)

__all__ = ["build_map", "render_map", "layer_label", "encode_payload"]

MAX_ZOOM = 16          # street level; a map without tiles needs one, or marker clustering fails
FIT_MAX_ZOOM = 9       # do not zoom closer than this when fitting a few points
COMPRESS_OVER = 1_000_000   # characters of JSON above which the data is embedded gzip-compressed
HEAT_OPTIONS = {"radius": 16, "blur": 14, "minOpacity": 0.3, "maxZoom": 9}


def layer_label(key: str, count: int) -> str:
    """The layer control's HTML for an event type: colour swatch, name, count (all escaped).

    >>> layer_label("battles", 1200)
    '<span class="mp-swatch" style="background:#d7301f"></span>Battles <span class="mp-layer-count">(1,200)</span>'
    """
    style = EVENT_TYPES[key]
    return (f'<span class="mp-swatch" style="background:{style.color}"></span>{html.escape(style.label)} '
            f'<span class="mp-layer-count">({count:,})</span>')


def encode_payload(payload: dict[str, Any], compress_over: int | None = COMPRESS_OVER) -> tuple[str, str]:
    r"""The payload as text for the page and its encoding: ``"json"``, or ``"gzip+base64"`` when large.

    >>> encode_payload({"a": "<"})
    ('{"a":"\\u003c"}', 'json')
    >>> text, encoding = encode_payload({"a": 1}, compress_over=0)
    >>> encoding, gzip.decompress(base64.b64decode(text))
    ('gzip+base64', b'{"a":1}')
    """
    text = script_json(payload)
    if compress_over is None or len(text) <= compress_over:
        return text, "json"
    packed = gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
    return base64.b64encode(packed).decode("ascii"), "gzip+base64"


def build_map(incidents: Any, *, title: str = "mapper incidents", heatmap: bool = False, choropleth: bool = False,
              tiles_online: bool = True, boundaries: str | os.PathLike | None = None,
              compress_over: int | None = COMPRESS_OVER):
    """The incident map as a ``folium.Map`` (an :class:`~mapper.render.elements.OfflineMap`).

    Parameters
    ----------
    incidents : list of dict, list of Incident, or (Geo)DataFrame
        Records with the columns of :data:`mapper.model.INCIDENT_COLUMNS`; any may be missing or empty.
        Records without valid coordinates are counted in the summary but not drawn.
    title : str
        Shown in the summary panel and as the page title.
    heatmap, choropleth : bool
        Add a heat map layer, and a layer of incident counts per admin-1 region.
    tiles_online : bool
        Offer OpenStreetMap tiles as a second base layer (needs the network when chosen; the default
        base layer is the offline vector background).
    boundaries : path, optional
        The boundaries GeoPackage (default: the one shipped in ``gazetteer/data``).
    compress_over : int or None
        Embed the data gzip-compressed (base64) when its JSON is longer than this many characters;
        ``None`` never compresses.  Compressed maps need a browser with ``DecompressionStream``
        (Chrome/Edge 80+, Firefox 113+, Safari 16.4+).
    """
    import folium

    from mapper.render.elements import AppCall, AppLayer, IncidentApp, OfflineMap

    columns = incident_columns(incidents)
    keep, lats, lons = coordinates(columns)
    background = load_background(lats, lons, boundaries)
    payload = build_payload(columns, regions=background.regions, keep=keep)
    payload["background"] = background.data
    options = {
        "title": title,
        "types": [{"key": style.key, "label": style.label, "color": style.color, "icon": icon_svg(style.key)}
                  for style in EVENT_TYPES.values()],
        "precision": {str(code): {"label": words, "radius": UNCERTAINTY_RADIUS_M.get(code, 0)}
                      for code, words in PRECISION.items()},
    }
    type_column, precision_column = payload["columns"]["type"], payload["columns"]["prec"]
    text, encoding = encode_payload(payload, compress_over)
    del payload

    if lats:
        south, north, west, east = min(lats), max(lats), min(lons), max(lons)
        center = [(south + north) / 2, (west + east) / 2]
    else:
        center = [30.0, 10.0]
    fmap = OfflineMap(location=center, zoom_start=5 if lats else 2, tiles=None,
                      control_scale=True, zoom_control=True)
    fmap.options.update(maxZoom=MAX_ZOOM, minZoom=1)   # folium gives max_zoom to tiles only
    fmap.get_root().title = html.escape(" ".join(title.split()))

    app = IncidentApp(text, options, encoding=encoding).add_to(fmap)
    AppLayer(app, "backgroundLayer", {"attribution": "Boundaries: Natural Earth"},
             name="Offline outlines (Natural Earth)", overlay=False, show=True).add_to(fmap)
    if tiles_online:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, show=False,
                         max_zoom=MAX_ZOOM).add_to(fmap)

    type_counts = dict.fromkeys(TYPE_KEYS, 0)
    for index in type_column:
        type_counts[TYPE_KEYS[index]] += 1
    for key, count in type_counts.items():
        if count:
            AppLayer(app, "typeLayer", key, name=layer_label(key, count)).add_to(fmap)
    if any(p >= 2 for p in precision_column):
        AppLayer(app, "uncertaintyLayer", name="Location uncertainty (outlines)").add_to(fmap)
    if heatmap:
        AppLayer(app, "heatLayer", HEAT_OPTIONS, name="Heat map", assets=("leaflet-heat.js",)).add_to(fmap)
    if choropleth:
        AppLayer(app, "choroplethLayer", {"colors": list(CHOROPLETH_COLORS)},
                 name="Incidents per region (admin-1)").add_to(fmap)
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    AppCall(app, "addSummary", {"position": "topright"}).add_to(fmap)
    AppCall(app, "addFullscreen", {"position": "topleft"}).add_to(fmap)
    AppCall(app, "addTimeFilter", {"position": "bottomleft"}).add_to(fmap)
    AppCall(app, "addMiniMap", {"position": "bottomright"}).add_to(fmap)

    if lats:
        fmap.fit_bounds([[south, west], [north, east]], padding_top_left=(40, 40),
                        padding_bottom_right=(280, 150), max_zoom=FIT_MAX_ZOOM)
    return fmap


def render_map(incidents: Any, path: str | os.PathLike, *, title: str = "mapper incidents", heatmap: bool = False,
               choropleth: bool = False, tiles_online: bool = True, boundaries: str | os.PathLike | None = None,
               overwrite: bool = True, compress_over: int | None = COMPRESS_OVER) -> Path:
    """Write the incident map to *path* as one HTML file that works offline; return the path.

    The file is written to a temporary name beside *path* and renamed when complete.
    With ``overwrite=False`` an existing file is an error (:class:`mapper.atomic.OutputExistsError`).
    See :func:`build_map` for the parameters.
    """
    from mapper.atomic import atomic_write, check_writable

    path = check_writable(path, overwrite)
    fmap = build_map(incidents, title=title, heatmap=heatmap, choropleth=choropleth, tiles_online=tiles_online,
                     boundaries=boundaries, compress_over=compress_over)
    page = fmap.get_root().render()
    with atomic_write(path, overwrite=overwrite) as handle:
        handle.write(page)
    return Path(path)
