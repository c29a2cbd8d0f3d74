"""The interactive incident map: one self-contained, offline HTML file (folium + Leaflet).

>>> from mapper.render import render_map                                   # doctest: +SKIP
>>> render_map(records, "incidents.html", heatmap=True, choropleth=True)   # doctest: +SKIP

Modules, one job each: :mod:`~mapper.render.style` (type colours, icons, precision words),
:mod:`~mapper.render.payload` (incidents -> compact, script-safe JSON),
:mod:`~mapper.render.layers` (offline background and admin-1 units from the shipped boundaries),
:mod:`~mapper.render.assets` (inlined JS/CSS from installed packages),
:mod:`~mapper.render.elements` (folium elements), :mod:`~mapper.render.map` (assembly and writing);
the page's behaviour is ``static/mapper.js``.  folium is imported only when a map is built.
"""
from __future__ import annotations

from mapper.render.map import build_map, render_map

__all__ = ["render_map", "build_map"]
