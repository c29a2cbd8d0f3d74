"""The map's JavaScript and CSS, read from installed packages and inlined, so the page needs no network.

Leaflet and Leaflet.markercluster come from the XStatic packages (``xstatic/pkg/<name>/data/``),
Leaflet.heat from folium's own copy (``folium/templates/leaflet_heat.min.js``), and mapper's
code from ``mapper/render/static/``.  Images referenced by CSS become ``data:`` URIs.

Examples
--------
>>> "L.MarkerClusterGroup" in asset_text("markercluster.js")
True
>>> "url(images/" in asset_text("leaflet.css")
False
>>> inline_script("a = '</script>';")
"<script>a = '<\\\\/script>';</script>"
"""
from __future__ import annotations

import base64
import functools
import re
from importlib import resources

from mapper.errors import MapperError

__all__ = ["ASSETS", "asset_text", "inline_script", "inline_style", "AssetError"]


class AssetError(MapperError, FileNotFoundError):
    """A JavaScript or CSS file the map needs is not installed."""


# name -> (package, path inside the package, pip requirement that provides it)
ASSETS: dict[str, tuple[str, str, str]] = {
    "leaflet.js": ("xstatic.pkg.leaflet", "data/leaflet.js", "xstatic-leaflet"),
    "leaflet.css": ("xstatic.pkg.leaflet", "data/leaflet.css", "xstatic-leaflet"),
    "markercluster.js": ("xstatic.pkg.leaflet_markercluster", "data/leaflet.markercluster.js",
                         "xstatic-leaflet-markercluster"),
    "markercluster.css": ("xstatic.pkg.leaflet_markercluster", "data/MarkerCluster.css",
                          "xstatic-leaflet-markercluster"),
    "markercluster-default.css": ("xstatic.pkg.leaflet_markercluster", "data/MarkerCluster.Default.css",
                                  "xstatic-leaflet-markercluster"),
    "leaflet-heat.js": ("folium", "templates/leaflet_heat.min.js", "folium"),
    "mapper.js": ("mapper.render", "static/mapper.js", "mapper"),
    "mapper.css": ("mapper.render", "static/mapper.css", "mapper"),
}

_SOURCE_MAP = re.compile(r"^\s*//[#@] sourceMappingURL=\S*\s*$|/\*# sourceMappingURL=\S* \*/", re.M)
_CSS_URL = re.compile(r"""url\((['"]?)(?!data:|#|https?:)([^)'"]+)\1\)""")
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif", ".jpg": "image/jpeg"}


def _resource(package: str, path: str, requirement: str):
    try:
        root = resources.files(package)
    except ModuleNotFoundError:
        raise AssetError(f"the map needs {path} from the Python package {requirement!r}; "
                         f"install it with: pip install {requirement}") from None
    resource = root.joinpath(path)
    if not resource.is_file():
        raise AssetError(f"{path} is missing from the installed {requirement!r}; reinstall it "
                         f"(pip install --force-reinstall {requirement})")
    return resource


@functools.lru_cache(maxsize=None)
def asset_text(name: str) -> str:
    """The text of one asset, without source-map comments; CSS images inlined as data URIs."""
    package, path, requirement = ASSETS[name]
    resource = _resource(package, path, requirement)
    text = _SOURCE_MAP.sub("", resource.read_text(encoding="utf-8"))
    if name.endswith(".css"):
        folder = path.rsplit("/", 1)[0]

        def data_uri(match: re.Match) -> str:
            target = match.group(2)
            image = _resource(package, f"{folder}/{target}", requirement)
            mime = _MIME.get(target[target.rfind("."):].lower(), "application/octet-stream")
            return f"url(data:{mime};base64,{base64.b64encode(image.read_bytes()).decode('ascii')})"

        text = _CSS_URL.sub(data_uri, text)
    return text


def inline_script(text: str) -> str:
    """A ``<script>`` element holding *text*; a ``</script`` inside it cannot end the element early."""
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", text, flags=re.I) + "</script>"


def inline_style(text: str) -> str:
    """A ``<style>`` element holding *text*."""
    return "<style>" + re.sub(r"</(style)", r"<\\/\1", text, flags=re.I) + "</style>"
