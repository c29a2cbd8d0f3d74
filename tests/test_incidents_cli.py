"""`mapper extract` through click's CliRunner."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapper.cli import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
KHARKIV = str(EXAMPLES / "kharkiv-shelling-2024-05-19.txt")
BUDGET = str(EXAMPLES / "budget-no-incident-2024-10-15.txt")


@pytest.fixture(scope="module")
def runner(gazetteer_path):
    return CliRunner()


def run(runner, *args, **kw):
    return runner.invoke(cli, ["extract", *args], catch_exceptions=False, **kw)


def test_jsonl(runner):
    result = run(runner, KHARKIV, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) >= 4
    first = lines[0]
    assert list(first)[:5] == ["event_id_cnty", "event_date", "year", "time_precision", "event_type"]
    assert all(r["article_id"] == "kharkiv-shelling-2024-05-19" for r in lines)
    assert {r["location"] for r in lines} >= {"Saltivka", "Lyptsi"}
    assert "1 article(s)" in result.stderr


def test_geojson_is_rfc7946(runner):
    result = run(runner, KHARKIV, BUDGET)
    assert result.exit_code == 0
    fc = json.loads(result.stdout)
    assert fc["type"] == "FeatureCollection" and "crs" not in fc
    lon, lat = fc["features"][0]["geometry"]["coordinates"]
    props = fc["features"][0]["properties"]
    assert (lat, lon) == (round(props["latitude"], 6), round(props["longitude"], 6))
    assert 44 < lat < 53 and 22 < lon < 41


def test_csv_to_file_acled_columns_first(runner, tmp_path):
    out = tmp_path / "incidents.csv"
    result = run(runner, KHARKIV, "-o", str(out))
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:6] == ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type"]
    assert rows and rows[0]["country"] == "Ukraine"
    # an existing file is not clobbered without --overwrite
    again = runner.invoke(cli, ["extract", KHARKIV, "-o", str(out)])
    assert again.exit_code == 1 and "exists" in again.output
    assert run(runner, KHARKIV, "-o", str(out), "--overwrite").exit_code == 0


def test_bad_articles_are_reported_and_skipped(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   ", encoding="utf-8")
    result = run(runner, KHARKIV, str(empty), str(tmp_path / "missing.txt"), "--format", "jsonl")
    assert result.exit_code == 0
    assert result.stderr.count("warning: skipped") == 2
    assert "2 article(s) skipped" in result.stderr
    assert result.stdout.strip()


def test_all_articles_bad_is_an_error(runner, tmp_path):
    result = runner.invoke(cli, ["extract", str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    assert "no article could be read" in result.output


def test_no_incident_gives_an_empty_collection(runner):
    result = run(runner, BUDGET, "--format", "geojson")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"type": "FeatureCollection", "features": []}


def test_no_spacy_and_min_confidence(runner):
    result = run(runner, KHARKIV, "--format", "jsonl", "--no-spacy", "--min-confidence", "0.6")
    assert result.exit_code == 0
    assert all(json.loads(line)["confidence"] >= 0.6 for line in result.stdout.splitlines())


def test_help_lists_formats(runner):
    result = run(runner, "--help")
    assert "geojson" in result.output and "jsonl" in result.output and "csv" in result.output
