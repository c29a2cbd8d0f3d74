"""Event types: colours, icons and legend labels; location precision in words.

Everything here is plain data (no folium import), shared by the Python side and,
through the payload, by the map's JavaScript.

Examples
--------
>>> type_key("Explosions/Remote violence")
'explosions'
>>> type_key("battles ")
'battles'
>>> type_key("") , type_key(None), type_key("Looting")
('other', 'other', 'other')
>>> EVENT_TYPES["battles"].color
'#d7301f'
>>> precision_words(2)
'near a town or part of a region (within about 20 km)'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["EventStyle", "EVENT_TYPES", "TYPE_KEYS", "type_key", "icon_svg", "precision_words",
           "PRECISION", "UNCERTAINTY_RADIUS_M", "CHOROPLETH_COLORS"]


@dataclass(frozen=True)
class EventStyle:
    key: str          # stable identifier (CSS class, JS key)
    label: str        # ACLED's name, shown in legend and layer control
    color: str        # marker fill
    glyph: str        # SVG elements drawn in white on a 24x24 canvas


_STROKE = 'fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"'

# ACLED's six event types, in ACLED's order, and a bucket for everything else.
# Colours are distinguishable with the common colour-vision deficiencies and each type
# also has its own glyph, so colour is never the only cue.
EVENT_TYPES: dict[str, EventStyle] = {
    s.key: s for s in (
        EventStyle("battles", "Battles", "#d7301f",
                   # crossed swords
                   f'<path {_STROKE} d="M6.5 6.5 17 17M17.5 6.5 7 17M5.5 14l4.5 4.5M18.5 14 14 18.5"/>'),
        EventStyle("explosions", "Explosions/Remote violence", "#ef8a17",
                   # burst
                   '<path fill="#fff" d="M12 3.5l1.9 4.6 4.6-2-1.9 4.7 4.6 1.8-4.7 1.7 1.8 4.7-4.6-1.9'
                   '-1.7 4.6-1.8-4.6-4.6 1.9 1.8-4.7-4.7-1.8 4.7-1.7-1.9-4.7 4.7 2z"/>'),
        EventStyle("civilians", "Violence against civilians", "#7b3294",
                   # person
                   '<circle fill="#fff" cx="12" cy="7.2" r="2.9"/>'
                   '<path fill="#fff" d="M6.8 19.5c0-3.9 2.3-7 5.2-7s5.2 3.1 5.2 7z"/>'),
        EventStyle("protests", "Protests", "#2b7bba",
                   # megaphone
                   '<path fill="#fff" d="M5 10h3.2l7.3-4.3v12.6L8.2 14H5z"/>'
                   f'<path {_STROKE} d="M8.8 14.5l1 4M18 9.5c.9.7.9 4.3 0 5"/>'),
        EventStyle("riots", "Riots", "#b8860b",
                   # flame
                   '<path fill="#fff" d="M12.3 3.5c.6 3.1 4.7 5.2 4.7 9.6A5 5 0 0 1 7 13.4c0-2 1-3.4 2.2-4.4'
                   '.1 1.6.8 2.7 1.9 3.2-.5-3.4.4-6.4 1.2-8.7z"/>'),
        EventStyle("strategic", "Strategic developments", "#1a9a76",
                   # flag
                   f'<path {_STROKE} d="M7.5 4.5v15"/>'
                   '<path fill="#fff" d="M8.5 5h9.5l-2.4 3.3 2.4 3.4H8.5z"/>'),
        EventStyle("other", "Other or unknown type", "#666666",
                   # dot
                   '<circle fill="#fff" cx="12" cy="12" r="3.4"/>'),
    )
}
TYPE_KEYS: tuple[str, ...] = tuple(EVENT_TYPES)
_BY_LABEL = {s.label.lower(): s.key for s in EVENT_TYPES.values() if s.key != "other"}
_BY_LABEL.update({"explosions": "explosions", "remote violence": "explosions",
                  "explosions / remote violence": "explosions"})


def type_key(event_type: Any) -> str:
    """The style key of an ACLED event type; anything unknown or empty is ``"other"``."""
    if not isinstance(event_type, str):
        return "other"
    return _BY_LABEL.get(" ".join(event_type.split()).lower(), "other")


def icon_svg(key: str, size: int = 22) -> str:
    """The marker icon of a type: a white glyph on a disc of the type's colour (trusted SVG markup)."""
    style = EVENT_TYPES[key]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 24 24" '
            f'aria-hidden="true"><circle cx="12" cy="12" r="11" fill="{style.color}" stroke="#fff" '
            f'stroke-width="1.5"/>{style.glyph}</svg>')


# ACLED geo_precision: 1 the named town, 2 near a town or part of a region, 3 only a region.
PRECISION: dict[int, str] = {
    1: "the town itself",
    2: "near a town or part of a region (within about 20 km)",
    3: "only the region (admin-1 unit)",
}
# Radius of the uncertainty circle; for precision 3 the map draws the admin-1 polygon when it has one.
UNCERTAINTY_RADIUS_M: dict[int, int] = {2: 20_000, 3: 100_000}


def precision_words(value: Any) -> str:
    """Describe an ACLED geo_precision code; empty string when unknown."""
    try:
        return PRECISION.get(int(value), "")
    except (TypeError, ValueError):
        return ""


# ColorBrewer YlOrRd, 6 classes, for incident counts per region (class breaks are chosen in JS,
# since counts follow the time filter).
CHOROPLETH_COLORS: tuple[str, ...] = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")

