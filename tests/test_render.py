"""The incident map without a browser: styles, payload encoding and escaping, offline assets, writing."""
from __future__ import annotations

import base64
import gzip
import json
import re

import pytest

from mapper.render import build_map, render_map
from mapper.render.layers import boundaries_path, load_background
from mapper.render.map import encode_payload, layer_label
from mapper.render.payload import (NUMERIC_COLUMNS, TEXT_COLUMNS, build_payload, format_counts, incident_columns,
                                   parse_day, safe_url, script_json)
from mapper.render.style import EVENT_TYPES, TYPE_KEYS, icon_svg, precision_words, type_key

XSS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '</script><script>alert(2)</script>',
       '<!--<script>', '\u2028alert(3)\u2029']
HAS_BOUNDARIES = boundaries_path().is_file()


def record(**values):
    base = {"event_id_cnty": "UKR1", "event_date": "2024-03-01", "event_type": "Battles",
            "latitude": 50.45, "longitude": 30.52, "geo_precision": 1, "location": "Kyiv"}
    base.update(values)
    return base


def page_of(records, tmp_path, **options):
    path = render_map(records, tmp_path / "map.html", **options)
    return path.read_text(encoding="utf-8")


def data_of(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="mapper-data-[^"]+" data-encoding="([^"]+)">(.*?)</script>',
                      html, re.S)
    assert match, "no data element"
    encoding, text = match.groups()
    if encoding == "gzip+base64":
        text = gzip.decompress(base64.b64decode(text)).decode("utf-8")
    return json.loads(text)


# ---------------------------------------------------------------- style


def test_every_acled_type_has_its_own_colour_and_glyph():
    acled = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
             "Strategic developments"]
    keys = [type_key(t) for t in acled]
    assert keys == list(TYPE_KEYS[:6])
    assert len({EVENT_TYPES[k].color for k in TYPE_KEYS}) == len(TYPE_KEYS)
    assert len({EVENT_TYPES[k].glyph for k in TYPE_KEYS}) == len(TYPE_KEYS)
    for key in TYPE_KEYS:
        assert re.fullmatch(r"#[0-9a-f]{6}", EVENT_TYPES[key].color)
        assert EVENT_TYPES[key].color in icon_svg(key)


@pytest.mark.parametrize("value", ["", None, "Looting", 3, "battle"])
def test_unknown_types_go_to_other(value):
    assert type_key(value) == "other"


def test_type_names_are_matched_loosely():
    assert type_key("  explosions/remote   violence ") == "explosions"
    assert type_key("PROTESTS") == "protests"


def test_precision_in_words():
    assert precision_words(1) == "the town itself"
    assert "20 km" in precision_words("2")
    assert "region" in precision_words(3)
    assert precision_words(None) == precision_words(7) == ""


def test_layer_label_is_escaped_html():
    label = layer_label("explosions", 12345)
    assert "Explosions/Remote violence" in label and "(12,345)" in label
    assert EVENT_TYPES["explosions"].color in label


# ---------------------------------------------------------------- payload


@pytest.mark.parametrize("text", XSS)
def test_script_json_cannot_end_the_script_element(text):
    out = script_json({"notes": text})
    assert "<" not in out and ">" not in out and "&" not in out
    assert "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == {"notes": text}


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
    ("http://example.org", "http://example.org"),
    ("javascript:alert(1)", ""),
    ("JaVaScRiPt:alert(1)", ""),
    (" javascript:alert(1)", ""),
    ("java\tscript:alert(1)", ""),
    ("data:text/html,<script>alert(1)</script>", ""),
    ("vbscript:msgbox", ""),
    ("//example.org/a", ""),
    ("/relative/path", ""),
    ("https://", ""),
    (None, ""),
    (42, ""),
])
def test_only_http_urls_survive(url, expected):
    assert safe_url(url) == expected


def test_dates():
    assert parse_day("1970-01-01") == 0
    assert parse_day("2024-02-29") == 19782
    assert parse_day("2024-02-30") is None
    assert parse_day("") is None
    import datetime as dt
    assert parse_day(dt.date(2024, 3, 1)) == parse_day(dt.datetime(2024, 3, 1, 23, 59)) == 19783


def test_counts_as_text():
    assert format_counts({"killed": 2, "injured": None}) == "killed 2"
    assert format_counts('{"detained": 4}') == "detained 4"
    assert format_counts("not json") == "not json"


def test_payload_columns_and_missing_values():
    records = [record(), record(event_type=None, event_date="sometime", geo_precision="x", fatalities="3",
                                injured=float("nan"), notes=None, confidence=0.8765),
               record(latitude=None), record(latitude=95.0), record(longitude="east")]
    payload = build_payload(incident_columns(records))
    columns = payload["columns"]
    assert payload["count"] == 2 and payload["total"] == 5 and payload["unmapped"] == 3
    assert set(columns) == set(NUMERIC_COLUMNS + TEXT_COLUMNS)
    assert all(len(values) == 2 for values in columns.values())
    assert columns["type"] == [0, TYPE_KEYS.index("other")]
    assert columns["day"] == [19783, None]
    assert columns["prec"] == [1, 0]
    assert columns["fatalities"] == [None, 3]
    assert columns["injured"] == [None, None]
    assert columns["conf"] == [None, 0.88]
    assert payload["days"] == [19783, 19783]

    def text(name, i):
        value = columns[name][i]
        return value if payload["text_modes"][name] == "inline" else payload["strings"][value]

    assert text("date_text", 1) == "sometime"
    assert text("date_text", 0) == ""
    assert text("location", 1) == "Kyiv"


def test_repeated_text_is_shared_and_unique_text_inline():
    records = [record(event_id_cnty=f"E{i}", actor1="Same actor", notes=f"Note {i}") for i in range(10)]
    payload = build_payload(incident_columns(records))
    assert payload["text_modes"]["actor1"] == "table"
    assert payload["strings"].count("Same actor") == 1
    assert payload["text_modes"]["notes"] == "inline"
    assert payload["columns"]["notes"][3] == "Note 3"


def test_payload_from_incidents_and_geodataframe():
    import datetime as dt

    from mapper.features import records_to_geodataframe
    from mapper.model import Incident

    incident = Incident(event_id_cnty="UKR9", event_date=dt.date(2024, 3, 1), time_precision=1,
                        event_type="Protests", sub_event_type="Peaceful protest", latitude=49.84, longitude=24.03,
                        geo_precision=1, location="Lviv", counts={"participants": 300})
    from_objects = build_payload(incident_columns([incident]))
    frame = records_to_geodataframe([incident.to_record(), record(latitude=None)])
    from_frame = build_payload(incident_columns(frame))
    assert from_frame["count"] == from_objects["count"] == 1
    assert from_frame["unmapped"] == 1
    for name in ("lat", "lon", "type", "day", "prec"):
        assert from_frame["columns"][name] == from_objects["columns"][name]
    # without latitude/longitude columns, the points come from the geometry
    only_geometry = frame[["event_id_cnty", "event_type", "geometry"]]
    assert build_payload(incident_columns(only_geometry))["columns"]["lat"] == [49.84]


def test_big_payloads_are_compressed():
    payload = {"notes": ["x" * 100] * 1000}
    text, encoding = encode_payload(payload, compress_over=10_000)
    assert encoding == "gzip+base64" and len(text) < 2000
    assert json.loads(gzip.decompress(base64.b64decode(text))) == payload
    assert encode_payload(payload, compress_over=None)[1] == "json"


# ---------------------------------------------------------------- the page


def test_page_is_self_contained(tmp_path):
    html = page_of([record(), record(event_type="Protests")], tmp_path, heatmap=True, choropleth=True)
    # no script, stylesheet, image or font is fetched from anywhere
    assert not re.search(r"<script[^>]+src=", html, re.I)
    assert not re.search(r"<link[^>]+href=", html, re.I)
    assert not re.search(r"""<(img|iframe|source|embed|object)\b[^>]*(src|data)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert not re.search(r"""url\(\s*["']?(https?:)?//""", html, re.I)
    assert not re.search(r"""@import""", html)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg"):
        assert cdn not in html
    assert "L.MarkerClusterGroup" in html and "L.heatLayer" in html and "MapperApp" in html


def test_folium_class_lists_are_not_mutated(tmp_path):
    import folium
    from folium.plugins import HeatMap

    before = (list(folium.Map.default_js), list(folium.Map.default_css), list(HeatMap.default_js))
    fmap = build_map([record()])
    HeatMap([[50.0, 30.0]]).add_to(fmap)         # a caller's plugin: swapped for the local copy
    html = fmap.get_root().render()
    assert (folium.Map.default_js, folium.Map.default_css, HeatMap.default_js) == before
    assert "cdn.jsdelivr" not in html
    assert folium.Map().get_root().render().count("cdn.jsdelivr") > 0      # plain folium is untouched


def test_optional_layers(tmp_path):
    def calls(html):
        return set(re.findall(r"incident_app_\w+\.(\w+)\(", html))

    plain = page_of([record()], tmp_path, tiles_online=False)
    assert {"heatLayer", "choroplethLayer"}.isdisjoint(calls(plain))
    assert "simpleheat" not in plain                   # Leaflet.heat is inlined only when needed
    assert "tile.openstreetmap.org" not in plain
    full = page_of([record()], tmp_path, heatmap=True, choropleth=True, tiles_online=True)
    assert {"heatLayer", "choroplethLayer", "typeLayer", "backgroundLayer", "addSummary", "addTimeFilter",
            "addFullscreen", "addMiniMap"} <= calls(full)
    assert "simpleheat" in full and "tile.openstreetmap.org" in full


@pytest.mark.parametrize("payload", XSS)
def test_article_text_never_reaches_the_page_as_markup(tmp_path, payload):
    records = [record(notes=payload, location=payload, source_title=payload, actor1=payload, event_type=payload,
                      sub_event_type=payload, weapon=payload, source_url="javascript:alert(1)")]
    html = page_of(records, tmp_path, title=payload)
    if "<" in payload:
        assert payload not in html                   # never as markup: only escaped (\u003c, &lt;)
    assert "\u2028" not in html and "\u2029" not in html
    assert "javascript:alert" not in html
    data = data_of(html)
    assert data["columns"]["notes"] == [payload.strip()]   # the text itself is kept, for textContent
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title


def test_written_atomically(tmp_path):
    from mapper.atomic import OutputExistsError

    target = tmp_path / "out.html"
    returned = render_map([record()], target)
    assert returned == target and target.is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["out.html"]      # no temporary file left
    with pytest.raises(OutputExistsError):
        render_map([record()], target, overwrite=False)
    render_map([record(), record()], target)                         # overwrite is the default


def test_empty_and_unmapped_inputs(tmp_path):
    assert data_of(page_of([], tmp_path))["count"] == 0
    data = data_of(page_of([record(latitude=None, longitude=None)], tmp_path))
    assert data["count"] == 0 and data["unmapped"] == 1 and data["days"] is None


def test_map_fits_the_data():
    fmap = build_map([record(latitude=45.0, longitude=30.0), record(latitude=50.0, longitude=40.0)])
    html = fmap.get_root().render()
    assert re.search(r"fitBounds\(\s*\[\[45\.0, 30\.0\], \[50\.0, 40\.0\]\]", html)
    assert '"maxZoom": 16' in html                 # needed by markercluster without tiles


@pytest.mark.skipif(not HAS_BOUNDARIES, reason="gazetteer/data/boundaries.gpkg is not there")
def test_points_get_their_admin1_unit():
    background = load_background([50.45, 46.48, 0.0], [30.52, 30.72, -30.0])
    assert [background.region_codes[r] for r in background.regions[:2]] == ["UA-30", "UA-51"]
    assert background.regions[2] == -1                                     # mid-Atlantic
    admin1 = background.data["admin1"]["features"]
    assert {f["properties"]["code"][:2] for f in admin1} == {"UA"}         # only countries with incidents
    assert len(background.data["countries"]["features"]) > 200            # the whole world, simplified


def test_map_without_boundaries_file(tmp_path, caplog):
    html = page_of([record()], tmp_path, boundaries=tmp_path / "missing.gpkg")
    assert data_of(html)["background"] is None
    assert "no boundaries file" in caplog.text


def test_small_map_is_small(tmp_path):
    records = [record(event_id_cnty=f"E{i}", latitude=50 + i / 10) for i in range(10)]
    size = (render_map(records, tmp_path / "small.html")).stat().st_size
    assert size < 1_500_000


def test_importing_render_stays_light():
    import subprocess
    import sys

    code = ("import sys, mapper.render; "
            "print(sorted(m for m in ('folium', 'branca', 'geopandas', 'shapely', 'pyogrio') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
