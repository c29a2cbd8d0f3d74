"""folium elements of the incident map; importing this module imports folium.

- :class:`OfflineMap` is a ``folium.Map`` whose render inlines every script and stylesheet
  (no CDN link survives; folium's class-level asset lists are shadowed per instance, never edited).
- :class:`IncidentApp` embeds the incidents once, as JSON, and starts ``MapperApp`` (mapper.js).
- :class:`AppLayer` is a layer built by the app (event types, uncertainty, heat map, choropleth,
  background), so folium's ``LayerControl`` lists it like any other layer.
- :class:`AppCall` adds one of the app's controls (summary, time filter, fullscreen, minimap).
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

from branca.element import Element, MacroElement
from folium import Map
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from mapper.render.assets import ASSETS, asset_text, inline_script, inline_style

__all__ = ["RawHTML", "OfflineMap", "IncidentApp", "AppLayer", "AppCall"]

log = logging.getLogger(__name__)

# folium's CDN asset names -> mapper's local copy (None: not needed by anything mapper draws)
CDN_TO_LOCAL: dict[str, str | None] = {
    "leaflet": "leaflet.js",
    "leaflet_css": "leaflet.css",
    "markerclusterjs": "markercluster.js",
    "markerclustercss": "markercluster.css",
    "markerclusterdefaultcss": "markercluster-default.css",
    "leaflet-heat.js": "leaflet-heat.js",
    "jquery": None,
    "bootstrap": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers": None,
    "awesome_markers_css": None,
    "awesome_markers_font_css": None,
    "awesome_rotate_css": None,
}


class RawHTML(Element):
    """Text put in the page as it is (never parsed as a Jinja template, so ``{{`` in it is harmless)."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "RawHTML"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def _walk(element: Element) -> Iterable[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


class OfflineMap(Map):
    """A folium Map that needs no network: every asset is inlined from installed packages.

    Elements declare the local assets they need in ``mapper_assets``; folium plugins added by a
    caller get their CDN links swapped for local copies when mapper has them (see ``CDN_TO_LOCAL``),
    and keep them (with a warning) otherwise.
    """

    mapper_assets = ("leaflet.js", "leaflet.css")

    def render(self, **kwargs):
        needed = set()
        for element in _walk(self):
            needed.update(getattr(element, "mapper_assets", ()))
            if isinstance(element, JSCSSMixin):
                js, css = [], []
                for name, url in element.default_js:
                    self._swap(name, url, js, needed)
                for name, url in element.default_css:
                    self._swap(name, url, css, needed)
                element.default_js = js              # instance attributes: folium's class lists stay as they are
                element.default_css = css
        header = self.get_root().header
        for name in ASSETS:                          # ASSETS order is load order (Leaflet first)
            if name in needed:
                text = asset_text(name)
                tag = inline_style(text) if name.endswith(".css") else inline_script(text)
                header.add_child(RawHTML(tag), name=f"mapper-asset-{name}")
        super().render(**kwargs)

    @staticmethod
    def _swap(name: str, url: str, keep: list, needed: set) -> None:
        if name in CDN_TO_LOCAL:
            if CDN_TO_LOCAL[name]:
                needed.add(CDN_TO_LOCAL[name])
        elif url.startswith(("http://", "https://", "//")):
            log.warning("%s is only available online (%s); the map will need the network for it", name, url)
            keep.append((name, url))
        else:
            keep.append((name, url))


class IncidentApp(MacroElement):
    """The incidents as one data element in the page, and the JS app (``MapperApp``) that draws them.

    ``payload`` is the script-safe JSON text (``payload.script_json``) or, with
    ``encoding="gzip+base64"``, that JSON gzip-compressed and base64-encoded; ``options`` are
    small settings (title, type styles) the app needs before the data is parsed.
    """

    mapper_assets = ("markercluster.js", "markercluster.css", "mapper.js", "mapper.css")
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = MapperApp.create(
                {{ this._parent.get_name() }},
                document.getElementById({{ this.data_id|tojson }}),
                {{ this.options|tojson }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, payload: str, options: dict[str, Any] | None = None, encoding: str = "json"):
        super().__init__()
        if encoding not in ("json", "gzip+base64"):
            raise ValueError(f"unknown payload encoding {encoding!r}")
        self._name = "IncidentApp"
        self.payload = payload
        self.encoding = encoding
        self.options = options or {}
        self.data_id = f"mapper-data-{self._id}"

    def render(self, **kwargs):
        # a data block: browsers never run a script element of this type
        tag = (f'<script type="application/json" id="{self.data_id}" data-encoding="{self.encoding}">'
               f'{self.payload}</script>')
        self.get_root().html.add_child(RawHTML(tag), name=self.data_id)
        super().render(**kwargs)


class AppLayer(Layer):
    """A layer made by the app's ``factory`` method, listed in the layer control as ``name``.

    ``name`` is HTML (Leaflet's layer control shows it with innerHTML): escape any text in it.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = {{ this.app.get_name() }}.{{ this.factory }}({{ this.argument|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, app: IncidentApp, factory: str, argument: Any = None, *, name: str, overlay: bool = True,
                 control: bool = True, show: bool = True, assets: tuple[str, ...] = ()):
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "AppLayer"
        self.app = app
        self.factory = factory
        self.argument = argument
        self.mapper_assets = assets


class AppCall(MacroElement):
    """Call one of the app's methods (adding a control) with one JSON argument."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this.app.get_name() }}.{{ this.method }}({{ this.argument|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, app: IncidentApp, method: str, argument: Any = None):
        super().__init__()
        self._name = "AppCall"
        self.app = app
        self.method = method
        self.argument = argument
