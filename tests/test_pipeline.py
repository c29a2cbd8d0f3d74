"""`mapper run` end to end on articles written for these tests."""
import json

from click.testing import CliRunner

from mapper.cli import cli

STRIKE = """date 2024-06-10
Russian forces shelled the centre of Kupiansk in the Kharkiv region on Sunday, killing two civilians,
the regional governor said. A second strike hit a warehouse in Izium."""

PROTEST = """date 2024-03-03
Hundreds of people rallied in Lviv on Saturday to demand the return of prisoners of war."""


def test_run_writes_map_and_geojson(gazetteer_path, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "strike.txt").write_text(STRIKE, encoding="utf-8")
    (tmp_path / "in" / "protest.txt").write_text(PROTEST, encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "in"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.stderr and "empty" in result.stderr
    collection = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    features = collection["features"]
    assert features, "no incident extracted"
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        assert 22 < lon < 41 and 44 < lat < 53, "incident outside Ukraine"
        assert feature["properties"]["event_date"] <= "2024-06-10"
    html = (out / "incidents.html").read_text(encoding="utf-8")
    assert "<html" in html.lower() and 'src="http' not in html


def test_run_with_no_readable_article_fails_cleanly(gazetteer_path, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00 binary")
    result = CliRunner().invoke(cli, ["run", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no article could be read" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "incidents.geojson").exists()


def test_default_country_places_incidents_without_a_place(gazetteer_path, tmp_path):
    article = tmp_path / "noplace.txt"
    article.write_text("date 2024-02-01\nA missile strike destroyed a residential building, killing three people.",
                       encoding="utf-8")
    runner = CliRunner()
    without = runner.invoke(cli, ["extract", str(article), "--format", "jsonl"])
    assert without.exit_code == 0 and without.stdout.strip() == ""
    with_country = runner.invoke(cli, ["extract", str(article), "--format", "jsonl", "--country", "UA"])
    assert with_country.exit_code == 0, with_country.output
    [incident] = [json.loads(line) for line in with_country.stdout.splitlines()]
    assert incident["country_code"] == "UA" and incident["geo_precision"] == 3
    bad = runner.invoke(cli, ["extract", str(article), "--country", "ZZ"])
    assert bad.exit_code == 1 and "unknown country code" in bad.output
