"""Region, bbox, polygon, radius, date and type filters on the fixture, and `mapper query`."""
import json
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapper.cli import cli
from mapper.errors import MapperError
from mapper.io import read_incidents
from mapper.query import (QueryError, UnknownRegionError, by_bbox, by_date, by_region, by_type, load_polygon,
                          near, resolve_region, within)

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "incidents_small.geojson"

KURSK = ["RUS001", "RUS002", "RUS003", "RUS004"]
KHARKIV = ["UKR001", "UKR002"]
UKRAINE = ["UKR001", "UKR002", "UKR003", "UKR004", "UKR005"]
RUSSIA = ["RUS001", "RUS002", "RUS003", "RUS004", "RUS005", "RUS006", "RUS007"]


class NoGazetteer:
    """A gazetteer that knows nothing: keeps these tests independent of the built one."""

    def lookup(self, name, limit=None):
        return []


@pytest.fixture(scope="module")
def gdf():
    return read_incidents(FIXTURE)


def ids(frame):
    return frame["event_id_cnty"].tolist()


def real_gazetteer():
    try:
        from gazetteer.errors import GazetteerNotBuiltError
        from gazetteer.index import Gazetteer
    except ImportError:
        pytest.skip("gazetteer.index is not importable")
    try:
        return Gazetteer.open()
    except GazetteerNotBuiltError:
        pytest.skip("the gazetteer is not built (mapper gazetteer build)")


# --------------------------------------------------------------------------- regions

@pytest.mark.parametrize("name", ["Kursk Oblast", "Kursk Region", "kursk oblast", "Kursk", "Kurskaya Oblast'",
                                  "RU-KRS", "ru-krs", "RU.41", "538555"])
def test_admin1_by_name_and_code(gdf, name):
    assert ids(by_region(gdf, name, gazetteer=NoGazetteer())) == KURSK


@pytest.mark.parametrize("name", ["UA-63", "Kharkiv oblast", "Kharkiv Region", "Kharkivs'ka Oblast'", "UA.07"])
def test_kharkiv(gdf, name):
    assert ids(by_region(gdf, name, gazetteer=NoGazetteer())) == KHARKIV


@pytest.mark.parametrize("name, expected", [
    ("Ukraine", UKRAINE), ("UA", UKRAINE), ("UKR", UKRAINE), ("ukr", UKRAINE),
    ("Russia", RUSSIA), ("RU", RUSSIA), ("RUS", RUSSIA),
    ("Belgorod Oblast", ["RUS005", "RUS006"]), ("Sumy Oblast", ["UKR003"]), ("UA-65", ["UKR005"]),
])
def test_countries_and_more_admin1(gdf, name, expected):
    assert ids(by_region(gdf, name, gazetteer=NoGazetteer())) == expected


def test_resolve_region_reports_what_it_found():
    region = resolve_region("Kursk Region", gazetteer=NoGazetteer())
    assert (region.kind, region.code, region.name, region.country_code) == ("admin1", "RU-KRS", "Kursk", "RU")
    assert region.geometry.geom_type in ("Polygon", "MultiPolygon")
    assert resolve_region("UKR").kind == "country"


def test_admin2_by_code(gdf):
    assert ids(by_region(gdf, "RU.41.486813")) == ["RUS001"]
    assert resolve_region("RU.41.486813", gdf).name == "Sudzhanskiy Rayon"


def test_admin2_by_the_incidents_own_names(gdf):
    assert ids(by_region(gdf, "Sudzhanskiy Rayon", gazetteer=NoGazetteer())) == ["RUS001"]
    assert ids(by_region(gdf, "pokrovsk raion", gazetteer=NoGazetteer())) == ["UKR004"]


def test_admin2_through_the_gazetteer(gdf):
    gz = real_gazetteer()
    if not any(c.feature_code == "ADM2" for c in gz.lookup("Sudzhansky District")):
        pytest.skip("this gazetteer has no admin-2 units")
    # the gazetteer knows the alternate name; the incidents only carry the code and official name
    frame = gdf.assign(admin2=None)
    assert ids(by_region(frame, "Sudzhansky District", gazetteer=gz)) == ["RUS001"]
    region = resolve_region("Sudzhanskiy Rayon", gazetteer=gz)
    assert region.kind == "admin2" and region.admin2_codes == ("RU.41.486813",)


def test_admin2_code_wins_over_a_name(gdf):
    # a row whose code says it is elsewhere is not selected by its (mistaken) name
    frame = gdf.copy()
    frame.loc[frame["event_id_cnty"] == "RUS002", "admin2"] = "Sudzhanskiy Rayon"
    gz = real_gazetteer()
    assert ids(by_region(frame, "Sudzhanskiy Rayon", gazetteer=gz)) == ["RUS001"]


def test_unknown_region_lists_closest_names(gdf):
    with pytest.raises(UnknownRegionError) as info:
        by_region(gdf, "Kurks Oblast", gazetteer=NoGazetteer())
    message = str(info.value)
    assert "unknown region 'Kurks Oblast'" in message
    assert "Kursk (RU-KRS)" in info.value.suggestions and "did you mean" in message
    assert isinstance(info.value, MapperError) and isinstance(info.value, LookupError)


def test_unknown_region_without_close_names(gdf):
    with pytest.raises(UnknownRegionError, match="unknown region 'Qwxzz'"):
        by_region(gdf, "Qwxzz", gazetteer=NoGazetteer())
    with pytest.raises(QueryError, match="empty region"):
        by_region(gdf, "  ")


@pytest.fixture(scope="module")
def tiny_boundaries(tmp_path_factory):
    """Two admin-1 units that share a name but differ in type, in country XX."""
    import geopandas as gpd
    from shapely.geometry import box

    path = tmp_path_factory.mktemp("boundaries") / "tiny.gpkg"
    columns = dict(iso_3166_2=["XX-A", "XX-B"], gn_id=[1, 2], gn_a1_code=["XX.01", "XX.02"],
                   country_code=["XX", "XX"], name=["Alpha", "Alpha"], name_en=["Alpha", "Alpha"],
                   name_alt=[None, "Alfa|Alpha Town"], gn_name=["Alpha Oblast", None], woe_name=[None, None],
                   type=["Oblast", "City"], type_en=["Region", "City"])
    gpd.GeoDataFrame(columns, geometry=[box(0, 0, 1, 1), box(0.4, 0.4, 0.6, 0.6)], crs=4326).to_file(
        path, layer="admin1")
    gpd.GeoDataFrame(dict(country_code=["XX"], iso3=["XXX"], name=["Exland"]), geometry=[box(0, 0, 1, 1)],
                     crs=4326).to_file(path, layer="countries")
    return path


def test_ambiguous_name_and_type_word_tie_break(tiny_boundaries):
    gz = NoGazetteer()
    assert resolve_region("Alpha Oblast", boundaries=tiny_boundaries, gazetteer=gz).code == "XX-A"
    assert resolve_region("Alpha region", boundaries=tiny_boundaries, gazetteer=gz).code == "XX-A"
    assert resolve_region("Alfa", boundaries=tiny_boundaries, gazetteer=gz).code == "XX-B"
    assert resolve_region("XX.02", boundaries=tiny_boundaries, gazetteer=gz).code == "XX-B"
    assert resolve_region("Exland", boundaries=tiny_boundaries, gazetteer=gz).kind == "country"
    with pytest.raises(QueryError, match=r"ambiguous: Alpha \(XX-A\), Alpha \(XX-B\)"):
        resolve_region("Alpha", boundaries=tiny_boundaries, gazetteer=gz)


# --------------------------------------------------------------------------- bbox

def test_by_bbox(gdf):
    assert ids(by_bbox(gdf, 34, 51, 37, 52)) == KURSK
    assert ids(by_bbox(gdf, 36.25475, 49.98177, 36.25475, 49.98177)) == ["UKR001"]   # edges included
    assert ids(by_bbox(gdf, 0, 0, 1, 1)) == []


def test_by_bbox_across_the_antimeridian():
    import geopandas as gpd

    frame = gpd.GeoDataFrame({"event_id_cnty": ["fiji", "samoa", "london"]},
                             geometry=gpd.points_from_xy([178.4, -171.8, -0.1], [-18.1, -13.8, 51.5]), crs=4326)
    assert ids(by_bbox(frame, 170, -20, -170, -10)) == ["fiji", "samoa"]


@pytest.mark.parametrize("box, message", [
    ((0, 60, 10, 50), "south"), ((0, 0, 200, 10), "longitudes"), ((0, -95, 10, 10), "latitudes"),
    (("a", 0, 1, 1), "four numbers"),
])
def test_bad_bbox(gdf, box, message):
    with pytest.raises(QueryError, match=message):
        by_bbox(gdf, *box)


# --------------------------------------------------------------------------- polygons

SQUARE = [[[34, 51], [36, 51], [36, 52], [34, 52], [34, 51]]]          # Sudzha, Korenevo, Glushkovo
KHARKIV_SQUARE = [[[36, 49.9], [36.5, 49.9], [36.5, 50.1], [36, 50.1], [36, 49.9]]]


@pytest.mark.parametrize("doc", [
    {"type": "Polygon", "coordinates": SQUARE},
    {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": SQUARE}},
    {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": SQUARE}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": KHARKIV_SQUARE}}]},
    {"type": "MultiPolygon", "coordinates": [SQUARE, KHARKIV_SQUARE]},
])
def test_within_geojson_file(gdf, tmp_path, doc):
    path = tmp_path / "area.geojson"
    path.write_text(json.dumps(doc))
    expected = ["RUS001", "RUS002", "RUS003"] + (["UKR001"] if "Multi" in json.dumps(doc) or
                                                 "FeatureCollection" in json.dumps(doc) else [])
    assert ids(within(gdf, path)) == expected
    assert ids(within(gdf, str(path))) == expected


def test_within_shapely_and_mapping(gdf):
    from shapely.geometry import Polygon

    assert ids(within(gdf, Polygon(SQUARE[0]))) == ["RUS001", "RUS002", "RUS003"]
    assert ids(within(gdf, {"type": "Polygon", "coordinates": KHARKIV_SQUARE})) == ["UKR001"]


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid GeoJSON"),
    ('{"type": "Point", "coordinates": [36, 51]}', "Polygon or MultiPolygon.*not Point"),
    ('{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}', "invalid polygon.*Self-inter"),
    ('{"type": "Polygon", "coordinates": [[[5600000, 6700000], [5700000, 6700000], [5700000, 6800000], '
     '[5600000, 6700000]]]}', "outside longitude"),
    ('{"type": "Polygon", "coordinates": [[1, 2]]}', "malformed GeoJSON geometry"),
    ('{"type": "FeatureCollection", "features": []}', "holds no polygon"),
    ('{"type": "Topology"}', "unknown GeoJSON type"),
    ("[1, 2]", "not a GeoJSON object"),
])
def test_invalid_polygon_file(gdf, tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(QueryError, match=message):
        within(gdf, path)


def test_missing_polygon_file(gdf, tmp_path):
    with pytest.raises(QueryError, match="does not exist"):
        load_polygon(tmp_path / "nope.geojson")


# --------------------------------------------------------------------------- radius

def haversine(lat1, lon1, lat2, lon2):
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@pytest.mark.parametrize("center", [(51.191, 35.271), "51.191,35.271", "51.191 35.271"])
def test_near_point(gdf, center):
    hits = near(gdf, center, 50)
    assert ids(hits) == ["RUS001", "RUS002", "RUS003", "UKR003"]   # Sudzha, Korenevo, Glushkovo, Sumy
    for row in hits.itertuples():
        assert row.distance_km == pytest.approx(haversine(51.191, 35.271, row.latitude, row.longitude), rel=0.006)
    assert ids(near(gdf, center, 1)) == ["RUS001"]


def test_near_radius_edge(gdf):
    # Korenevo is ~35.6 km from Sudzha
    assert "RUS002" not in ids(near(gdf, (51.191, 35.271), 35))
    assert "RUS002" in ids(near(gdf, (51.191, 35.271), 36))


def test_near_place_name(gdf):
    gz = real_gazetteer()
    assert ids(near(gdf, "Sudzha", 40, gazetteer=gz)) == ["RUS001", "RUS002"]


def test_near_errors(gdf):
    with pytest.raises(QueryError, match="positive"):
        near(gdf, (51, 35), 0)
    with pytest.raises(QueryError, match="out of range"):
        near(gdf, (95, 35), 10)
    with pytest.raises(UnknownRegionError, match="no place named"):
        near(gdf, "Qwxzzy", 10, gazetteer=NoGazetteerWithNames())


class NoGazetteerWithNames(NoGazetteer):
    def names_starting(self, prefix, limit=20):
        return []


def test_near_wraps_the_antimeridian():
    import geopandas as gpd

    frame = gpd.GeoDataFrame({"event_id_cnty": ["east", "west", "far"]},
                             geometry=gpd.points_from_xy([179.9, -179.9, 170.0], [0, 0, 0]), crs=4326)
    assert ids(near(frame, (0, 179.95), 20)) == ["east", "west"]


# --------------------------------------------------------------------------- dates and types

@pytest.mark.parametrize("since, until, expected", [
    ("2024-11-01", "2024-11-18", ["RUS006", "UKR004", "UKR005"]),
    ("2024-11-18", None, ["RUS004", "UKR005"]),
    (None, "2024-08-12", ["RUS001", "RUS002"]),
    ("2024-11", "2024-11", ["RUS004", "RUS006", "UKR004", "UKR005"]),       # whole month
    ("2024", "2024", None),                                                 # whole year: all
    (None, None, None),
])
def test_by_date(gdf, since, until, expected):
    assert ids(by_date(gdf, since, until)) == (expected if expected is not None else ids(gdf))


def test_by_date_accepts_dates_and_skips_undated(gdf):
    import datetime as dt

    frame = gdf.copy()
    frame.loc[0, "event_date"] = None
    assert ids(by_date(frame, dt.date(2024, 8, 1), dt.date(2024, 8, 31))) == ["RUS002", "UKR001"]


def test_by_date_errors(gdf):
    with pytest.raises(QueryError, match="not a date"):
        by_date(gdf, "last tuesday")
    with pytest.raises(QueryError, match="after until"):
        by_date(gdf, "2024-12-01", "2024-01-01")


def test_by_type(gdf):
    assert ids(by_type(gdf, "Battles")) == ["RUS001", "UKR002", "UKR004"]
    assert ids(by_type(gdf, "BATTLES")) == ids(by_type(gdf, "battles"))
    assert ids(by_type(gdf, ["Air/drone strike"])) == ["RUS003", "RUS006", "RUS007", "UKR003"]
    assert ids(by_type(gdf, "air drone strike")) == ["RUS003", "RUS006", "RUS007", "UKR003"]
    assert len(by_type(gdf, ["explosions/remote violence", "armed clash"])) == 11
    assert ids(by_type(gdf, "Riots")) == []
    with pytest.raises(QueryError):
        by_type(gdf, [])


def test_filters_chain_and_keep_order(gdf):
    result = by_type(by_date(by_region(gdf, "Russia", gazetteer=NoGazetteer()), since="2024-09-01"),
                     "Air/drone strike")
    assert ids(result) == ["RUS003", "RUS006", "RUS007"]
    assert result.crs.to_epsg() == 4326


def test_empty_input(gdf):
    empty = gdf.iloc[0:0]
    assert len(by_region(empty, "UA-63")) == 0
    assert len(by_bbox(empty, 0, 0, 1, 1)) == 0
    assert len(near(empty, (50, 30), 10)) == 0
    assert len(by_date(empty, "2024")) == 0


def test_rejects_projected_frames(gdf):
    with pytest.raises(QueryError, match="EPSG:4326"):
        by_bbox(gdf.to_crs(3857), 0, 0, 1, 1)


# --------------------------------------------------------------------------- CLI

def run(args, input=None):
    return CliRunner().invoke(cli, args, input=input, catch_exceptions=False)


def test_cli_table():
    result = run(["query", str(FIXTURE), "--region", "Kursk Oblast", "--since", "2024-08-10"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["date", "type", "location", "admin1", "country", "lat", "lon", "fatalities"]
    assert set(lines[1]) <= {"-", " "}
    assert [line.split()[0] for line in lines[2:]] == ["2024-08-12", "2024-09-03", "2024-11-27"]
    assert "Korenevo" in lines[2] and "51.41065" in lines[2] and "34.90008" in lines[2]
    assert "3 of 12 incidents" in result.stderr


def test_cli_filters_combine_with_and():
    result = run(["query", str(FIXTURE), "--region", "UA", "--type", "battles", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0].startswith("event_id_cnty,event_date,year")
    assert [r.split(",")[0] for r in rows[1:]] == ["UKR002", "UKR004"]


def test_cli_bbox_near_and_geojson(tmp_path):
    result = run(["query", str(FIXTURE), "--bbox", "30,45,40,52", "--near", "50.6,36.6", "--radius", "40",
                  "--format", "geojson"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [f["id"] for f in doc["features"]] == ["RUS005", "RUS006"]
    assert doc["features"][1]["properties"]["distance_km"] == pytest.approx(1.4, abs=0.1)


def test_cli_within_and_output_file(tmp_path):
    polygon = tmp_path / "area.geojson"
    polygon.write_text(json.dumps({"type": "Polygon", "coordinates": SQUARE}))
    out = tmp_path / "selected.gpkg"
    result = run(["query", str(FIXTURE), "--within", str(polygon), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert ids(read_incidents(out)) == ["RUS001", "RUS002", "RUS003"]
    again = run(["query", str(FIXTURE), "--within", str(polygon), "-o", str(out)])
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_cli_errors_are_clean(tmp_path):
    result = run(["query", str(FIXTURE), "--region", "Kurks Oblast"])
    assert result.exit_code == 1 and "did you mean" in result.stderr and "Kursk (RU-KRS)" in result.stderr
    assert run(["query", str(FIXTURE), "--bbox", "1,2,3"]).exit_code == 2
    assert run(["query", str(FIXTURE), "--radius", "5"]).exit_code == 2
    assert run(["query", str(FIXTURE), "--format", "gpkg"]).exit_code == 2
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "Point", "coordinates": [1, 2]}')
    result = run(["query", str(FIXTURE), "--within", str(bad)])
    assert result.exit_code == 1 and "Polygon or MultiPolygon" in result.stderr
    result = run(["query", str(FIXTURE), "--since", "someday"])
    assert result.exit_code == 1 and "not a date" in result.stderr


def test_cli_map_calls_render_map(tmp_path, monkeypatch):
    calls = []

    def render_map(gdf, path, title=None):
        calls.append((ids(gdf), str(path), title))
        Path(path).write_text("<html></html>")

    monkeypatch.setitem(sys.modules, "mapper.render", types.SimpleNamespace(render_map=render_map))
    html = tmp_path / "kharkiv.html"
    result = run(["query", str(FIXTURE), "--region", "UA-63", "--map", str(html)])
    assert result.exit_code == 0, result.output
    assert calls == [(KHARKIV, str(html), "Incidents: Kharkiv (UA-63)")]
    assert "map: " in result.stderr


def test_cli_map_without_renderer(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "mapper.render", None)
    result = run(["query", str(FIXTURE), "--map", str(tmp_path / "m.html")])
    assert result.exit_code == 1
    assert "--map needs mapper.render.render_map" in result.stderr


@pytest.mark.parametrize("name, inside, outside", [
    # GeoNames units that Natural Earth draws as several smaller units: the whole unit.
    ("Île-de-France", [(48.85, 2.35), (48.80, 2.13)], [(43.21, 2.35)]),
    ("England", [(51.5, -0.12), (53.48, -2.24)], [(55.95, -3.19)]),
    ("Lombardy", [(45.46, 9.19), (45.70, 9.67)], [(45.07, 7.69)]),
    # ... and the smaller units themselves, by their own names.
    ("Kent", [(51.27, 0.52)], [(51.5, -0.12)]),
    ("Bergamo", [(45.70, 9.67)], [(45.46, 9.19)]),
])
def test_regions_natural_earth_splits(name, inside, outside):
    import shapely

    region = resolve_region(name)
    assert region.kind == "admin1"
    for lat, lon in inside:
        assert region.geometry.contains(shapely.Point(lon, lat)), (name, lat, lon)
    for lat, lon in outside:
        assert not region.geometry.contains(shapely.Point(lon, lat)), (name, lat, lon)


def test_region_names_come_from_the_unit_not_its_parts():
    assert resolve_region("FR.11").name == "Île-de-France"
    # Natural Earth swaps these two names; the polygon holding Ambato is Tungurahua.
    import shapely
    assert resolve_region("Tungurahua").geometry.contains(shapely.Point(-78.62, -1.24))
