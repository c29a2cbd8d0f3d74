"""Writers and readers of incident files: RFC 7946 / RFC 8142 rules, round trips, atomic output, CLI."""
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapper.atomic import OutputExistsError
from mapper.cli import cli
from mapper.errors import MapperError
from mapper.export import ExportError, write_incidents
from mapper.io import InputError, detect_format, read_incidents
from mapper.model import ACLED_COLUMNS, INCIDENT_COLUMNS, Incident

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "incidents_small.geojson"
RS = "\x1e"
EXTENSIONS = {"geojson": "geojson", "geojsonseq": "geojsons", "gpkg": "gpkg", "csv": "csv", "parquet": "parquet"}


@pytest.fixture(scope="module")
def gdf():
    return read_incidents(FIXTURE)


# --------------------------------------------------------------------------- RFC 7946 checks

GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


def decimals(x: float) -> int:
    text = repr(float(x))
    return 0 if "e" in text or "." not in text else len(text.split(".")[1].rstrip("0"))


def check_position(position, precision=None):
    assert isinstance(position, list) and len(position) in (2, 3), position
    lon, lat = position[0], position[1]
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position)
    assert -180 <= lon <= 180, f"longitude {lon} out of range (flipped?)"
    assert -90 <= lat <= 90, f"latitude {lat} out of range"
    if precision is not None:
        assert decimals(lon) <= precision and decimals(lat) <= precision, position


def check_feature(feature, precision=None):
    assert isinstance(feature, dict) and feature["type"] == "Feature"
    assert "geometry" in feature and "properties" in feature
    assert "crs" not in feature
    if "id" in feature:
        assert isinstance(feature["id"], (str, int, float)) and not isinstance(feature["id"], bool)
    assert feature["properties"] is None or isinstance(feature["properties"], dict)
    geometry = feature["geometry"]
    if geometry is not None:
        assert geometry["type"] in GEOMETRY_TYPES
        assert "crs" not in geometry
        if geometry["type"] == "Point":
            check_position(geometry["coordinates"], precision)


def check_feature_collection(doc, precision=None):
    assert isinstance(doc, dict) and doc["type"] == "FeatureCollection"
    assert "crs" not in doc, "RFC 7946 removed the crs member"
    assert isinstance(doc["features"], list)
    for feature in doc["features"]:
        check_feature(feature, precision)


def parse_sequence(text: str):
    """RFC 8142: every record is RS, one JSON text, LF."""
    assert text.startswith(RS)
    records = text.split(RS)[1:]
    out = []
    for record in records:
        assert record.endswith("\n"), repr(record[-20:])
        out.append(json.loads(record))
    return out


# --------------------------------------------------------------------------- GeoJSON

@pytest.mark.parametrize("indent", [None, 2])
def test_geojson_follows_rfc7946(gdf, indent):
    out = io.StringIO()
    write_incidents(gdf, out, "geojson", indent=indent)
    doc = json.loads(out.getvalue())
    check_feature_collection(doc, precision=6)
    assert len(doc["features"]) == len(gdf)
    first = doc["features"][0]
    # [lon, lat], and the properties keep ACLED's latitude/longitude
    assert first["geometry"]["coordinates"] == [35.271, 51.191]
    assert first["properties"]["latitude"] == 51.191 and first["properties"]["longitude"] == 35.271
    assert first["id"] == "RUS001"
    assert list(first["properties"])[: len(ACLED_COLUMNS)] == list(ACLED_COLUMNS)
    # nested counts are objects again in GeoJSON, not JSON text
    assert first["properties"]["counts"] == {"killed": 4}


def test_indent_is_pretty(gdf):
    out = io.StringIO()
    write_incidents(gdf.head(2), out, "geojson", indent=3)
    assert '\n   "type": "FeatureCollection"' in out.getvalue()
    assert json.loads(out.getvalue())["features"][1]["id"] == "RUS002"


@pytest.mark.parametrize("precision", [0, 2, 4])
def test_precision_is_respected(gdf, precision):
    out = io.StringIO()
    write_incidents(gdf, out, "geojson", precision=precision)
    doc = json.loads(out.getvalue())
    check_feature_collection(doc, precision=precision)
    lon, lat = doc["features"][3]["geometry"]["coordinates"]
    assert (lon, lat) == (round(36.18457, precision), round(51.72689, precision))


def test_empty_collection(gdf):
    for indent in (None, 2):
        out = io.StringIO()
        write_incidents(gdf.iloc[0:0], out, "geojson", indent=indent)
        doc = json.loads(out.getvalue())
        assert doc == {"type": "FeatureCollection", "features": []}


def test_missing_values_and_coordinates():
    records = [
        {"event_id_cnty": None, "latitude": None, "longitude": None, "event_type": "Battles",
         "fatalities": float("nan")},
        {"event_id_cnty": "B", "latitude": 50.0, "longitude": 30.0, "notes": "Kyiv \u2014 \u00e9"},
    ]
    out = io.StringIO()
    write_incidents(records, out, "geojson")
    text = out.getvalue()
    assert "NaN" not in text
    doc = json.loads(text)
    check_feature_collection(doc)
    unknown, known = doc["features"]
    assert "id" not in unknown              # RFC 7946: id is a string or number, or absent
    assert unknown["geometry"] is None       # a feature without a location is still a feature
    assert unknown["properties"]["fatalities"] is None
    assert known["geometry"]["coordinates"] == [30.0, 50.0]
    assert known["properties"]["notes"] == "Kyiv \u2014 \u00e9"


def test_writes_incident_objects():
    import datetime as dt

    incident = Incident(event_id_cnty="X1", event_date=dt.date(2024, 11, 27), time_precision=1,
                        event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
                        latitude=51.73, longitude=36.19, geo_precision=1, location="Kursk",
                        counts={"killed": 1})
    out = io.StringIO()
    write_incidents([incident], out, "geojson")
    feature = json.loads(out.getvalue())["features"][0]
    assert feature["geometry"]["coordinates"] == [36.19, 51.73]
    assert feature["properties"]["event_date"] == "2024-11-27"
    assert feature["properties"]["year"] == 2024
    assert feature["properties"]["counts"] == {"killed": 1}


# --------------------------------------------------------------------------- GeoJSONSeq

def test_geojsonseq_rs_framing(gdf):
    out = io.StringIO()
    write_incidents(gdf, out, "geojsonseq", precision=3)
    features = parse_sequence(out.getvalue())
    assert len(features) == len(gdf)
    for feature in features:
        check_feature(feature, precision=3)
    assert out.getvalue().count("\n") == len(gdf)  # one line per feature


def test_geojsonseq_without_rs_is_newline_delimited(gdf):
    out = io.StringIO()
    write_incidents(gdf, out, "geojsonseq", rs=False)
    lines = out.getvalue().splitlines()
    assert RS not in out.getvalue() and len(lines) == len(gdf)
    assert [json.loads(line)["id"] for line in lines] == gdf["event_id_cnty"].tolist()


# --------------------------------------------------------------------------- round trips

def comparable(frame):
    """Values as plain Python, with missing and empty text alike (CSV cannot tell them apart)."""
    plain = frame.drop(columns="geometry").astype(object)
    plain = plain.where(plain.notna(), None)
    return plain.replace({"": None}).to_dict("records")


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
def test_round_trip(gdf, tmp_path, fmt):
    path = tmp_path / f"out.{EXTENSIONS[fmt]}"
    write_incidents(gdf, path, fmt)
    back = read_incidents(path)
    assert back.crs.to_epsg() == 4326
    assert list(back.columns) == list(gdf.columns)
    assert comparable(back) == comparable(gdf)
    assert back.geometry.geom_equals(gdf.geometry).all()
    assert back["counts"].iloc[0] == '{"killed": 4}'


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
def test_format_from_extension_and_sniffing(gdf, tmp_path, fmt):
    path = tmp_path / f"out.{EXTENSIONS[fmt]}"
    write_incidents(gdf, path)                       # format from the extension
    assert detect_format(path) == fmt
    anonymous = tmp_path / "no_extension"
    anonymous.write_bytes(path.read_bytes())
    assert detect_format(None, anonymous.read_bytes()[:4096]) == fmt
    assert len(read_incidents(anonymous)) == len(gdf)


def test_csv_header_is_acled_order_then_extras(gdf, tmp_path):
    frame = gdf.assign(analyst_note="checked")
    path = tmp_path / "out.csv"
    write_incidents(frame, path, "csv")
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[: len(ACLED_COLUMNS)] == list(ACLED_COLUMNS)
    assert header == list(INCIDENT_COLUMNS) + ["analyst_note"]
    assert "geometry" not in header


def test_csv_precision_and_counts_text(gdf, tmp_path):
    path = tmp_path / "out.csv"
    write_incidents(gdf, path, "csv", precision=2)
    import csv

    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows[3]["latitude"] == "51.73" and rows[3]["longitude"] == "36.18"
    assert json.loads(rows[0]["counts"]) == {"killed": 4}


def test_gpkg_is_what_qgis_expects(gdf, tmp_path):
    import pyogrio

    path = tmp_path / "out.gpkg"
    write_incidents(gdf, path, "gpkg")
    info = pyogrio.read_info(path, layer="incidents")
    assert info["crs"] == "EPSG:4326"
    assert info["geometry_type"] == "Point"
    assert info["features"] == len(gdf)
    assert info["fields"].tolist() == list(INCIDENT_COLUMNS)
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47   # 'GPKG'
        srs = con.execute("SELECT srs_id, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys "
                          "WHERE srs_id = 4326").fetchone()
        assert srs == (4326, "EPSG", 4326)
        column = con.execute("SELECT table_name, geometry_type_name, srs_id FROM gpkg_geometry_columns").fetchone()
        assert column == ("incidents", "POINT", 4326)
        counts = con.execute("SELECT counts FROM incidents WHERE event_id_cnty = 'UKR001'").fetchone()[0]
        assert json.loads(counts) == {"injured": 97, "killed": 7}
    assert list(pyogrio.list_layers(path)[:, 0]) == ["incidents"]


def test_parquet_is_geoparquet(gdf, tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "out.parquet"
    write_incidents(gdf, path, "parquet")
    meta = json.loads(pq.read_schema(path).metadata[b"geo"])
    assert meta["primary_column"] == "geometry"
    assert meta["columns"]["geometry"]["encoding"] == "WKB"
    assert meta["columns"]["geometry"]["geometry_types"] == ["Point"]
    assert "version" in meta
    assert str(pq.read_schema(path).field("event_date").type) == "date32[day]"   # a date in DuckDB, not text


# --------------------------------------------------------------------------- where output goes

def test_stdout_by_default(gdf, capsys):
    write_incidents(gdf.head(1), None, "geojsonseq")
    assert capsys.readouterr().out.startswith(RS + '{"type": "Feature"')
    write_incidents(gdf.head(1), "-", "csv")
    assert capsys.readouterr().out.startswith("event_id_cnty,event_date")


@pytest.mark.parametrize("fmt", ["gpkg", "parquet"])
def test_binary_formats_need_a_file(gdf, fmt):
    with pytest.raises(ExportError, match="binary format.*output file"):
        write_incidents(gdf, None, fmt)
    with pytest.raises(ExportError):
        write_incidents(gdf, io.StringIO(), fmt)


def test_unknown_format_and_bad_precision(gdf):
    with pytest.raises(ExportError, match="unknown export format 'kml'"):
        write_incidents(gdf, io.StringIO(), "kml")
    with pytest.raises(ExportError, match="precision"):
        write_incidents(gdf, io.StringIO(), "geojson", precision=-1)


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
def test_refuses_to_overwrite(gdf, tmp_path, fmt):
    path = tmp_path / f"out.{EXTENSIONS[fmt]}"
    path.write_bytes(b"precious")
    with pytest.raises(OutputExistsError, match="already exists.*overwrite"):
        write_incidents(gdf, path, fmt)
    assert path.read_bytes() == b"precious"
    write_incidents(gdf, path, fmt, overwrite=True)
    assert len(read_incidents(path)) == len(gdf)


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
def test_failed_write_leaves_old_file(gdf, tmp_path, monkeypatch, fmt):
    """An exception mid-write (after some output) leaves the old file as it was, and no debris."""
    import mapper.export as export

    path = tmp_path / f"out.{EXTENSIONS[fmt]}"
    path.write_bytes(b"old content")

    class Crash(Exception):
        pass

    if fmt in export.BINARY_FORMATS:
        real = export._BINARY_WRITERS[fmt]

        def crashing(frame, target):
            real(frame, target)                    # the temp file is complete ...
            Path(target).write_bytes(b"half")      # ... then garbled, then the writer dies
            raise Crash()
        monkeypatch.setitem(export._BINARY_WRITERS, fmt, crashing)
    else:
        def crashing(frame, stream, **kwargs):
            stream.write("partial output")
            raise Crash()
        monkeypatch.setitem(export._TEXT_WRITERS, fmt, crashing)
    with pytest.raises(Crash):
        write_incidents(gdf, path, fmt, overwrite=True)
    assert path.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# --------------------------------------------------------------------------- reading

def test_read_acled_csv(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_text(
        "event_id_cnty,event_date,event_type,country,admin1,latitude,longitude,fatalities,admin1_code,iso\n"
        "NAM1,2024-01-02,Riots,Namibia,Khomas,-22.5594,17.0832,0,NA.21,516\n"
        "UKR9,2024-02-03,Battles,Ukraine,Donetsk,48.0159,37.8029,,UA.05,804\n", encoding="utf-8")
    gdf = read_incidents(path)
    assert gdf["admin1_code"].tolist() == ["NA.21", "UA.05"]     # "NA" is Namibia, not a missing value
    assert gdf.geometry.iloc[0].x == pytest.approx(17.0832) and gdf.geometry.iloc[0].y == pytest.approx(-22.5594)
    assert gdf["fatalities"].tolist()[0] == 0 and gdf["fatalities"].isna().tolist()[1]
    assert gdf["year"].tolist() == [2024, 2024]
    assert list(gdf.columns)[-2:] == ["iso", "geometry"]


def test_read_newline_delimited_and_rs_sequences(gdf, tmp_path):
    out = io.StringIO()
    write_incidents(gdf, out, "geojsonseq", rs=False)
    (tmp_path / "a.jsonl").write_text(out.getvalue())
    (tmp_path / "b.txt").write_text(RS + out.getvalue().replace("\n", "\n" + RS))
    assert len(read_incidents(tmp_path / "a.jsonl")) == len(gdf)
    assert len(read_incidents(tmp_path / "b.txt")) == len(gdf)


def test_read_geojson_without_acled_coordinates(tmp_path):
    path = tmp_path / "plain.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": 7, "geometry": {"type": "Point", "coordinates": [36.25, 49.98]},
         "properties": {"name": "Kharkiv"}}]}))
    gdf = read_incidents(path)
    assert gdf["latitude"].tolist() == [49.98] and gdf["longitude"].tolist() == [36.25]
    assert gdf["event_id_cnty"].tolist() == ["7"]


def test_read_stdin(gdf, monkeypatch):
    data = FIXTURE.read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert len(read_incidents("-")) == len(gdf)


@pytest.mark.parametrize("content, message", [
    (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
    (b'{"type": "Point", "coordinates": [1, 2]}', "not a GeoJSON FeatureCollection"),
    (b'{"type": "FeatureCollection", "features": [{"type": "Point"}]}', "not a GeoJSON Feature"),
    (b"\xff\xfe\x00garbage", "format"),
    (b"a,b,c\n1,2,3\n", "no latitude or longitude column"),
    (b"", "cannot tell the format"),
])
def test_invalid_input_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_incidents(path)


def test_invalid_binary_input(tmp_path):
    path = tmp_path / "bad.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(InputError, match="bad.gpkg is not a valid gpkg"):
        read_incidents(path)
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="not a valid parquet"):
        read_incidents(path)


def test_missing_input(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_incidents(tmp_path / "nope.geojson")
    assert issubclass(InputError, MapperError)


# --------------------------------------------------------------------------- CLI

def run(args, input=None):
    return CliRunner().invoke(cli, args, input=input, catch_exceptions=False)


def test_cli_export_to_stdout():
    result = run(["export", str(FIXTURE), "--format", "geojson", "--precision", "2"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    check_feature_collection(doc, precision=2)
    assert result.stderr == ""


def test_cli_export_geojsonseq_from_stdin():
    result = run(["export", "-", "--format", "geojsonseq"], input=FIXTURE.read_bytes())
    assert result.exit_code == 0, result.output
    assert len(parse_sequence(result.stdout)) == 12
    result = run(["export", "--format", "geojsonseq", "--no-rs"], input=FIXTURE.read_bytes())
    assert RS not in result.stdout and len(result.stdout.splitlines()) == 12


def test_cli_export_files_and_overwrite(tmp_path):
    out = tmp_path / "incidents.gpkg"
    result = run(["export", str(FIXTURE), "-o", str(out)])         # format from the extension
    assert result.exit_code == 0, result.output
    assert "wrote 12 incidents" in result.stderr and result.stdout == ""
    assert len(read_incidents(out)) == 12
    result = run(["export", str(FIXTURE), "-o", str(out)])
    assert result.exit_code == 1
    assert "already exists" in result.stderr and "--overwrite" in result.stderr
    assert run(["export", str(FIXTURE), "-o", str(out), "--overwrite"]).exit_code == 0


def test_cli_export_binary_needs_output():
    result = run(["export", str(FIXTURE), "--format", "parquet"])
    assert result.exit_code == 2
    assert "binary format" in result.stderr


def test_cli_export_bad_input(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{nope")
    result = run(["export", str(bad)])
    assert result.exit_code == 1
    assert "Error: " in result.stderr and "not valid JSON" in result.stderr
    assert "Traceback" not in result.output
