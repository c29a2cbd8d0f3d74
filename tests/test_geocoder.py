import json

import pytest
from click.testing import CliRunner
from geopy.geocoders.base import Geocoder

from gazetteer.geocoder import LocalGeocoder, haversine_km
from mapper.cli import cli


def test_is_a_geopy_geocoder(geocoder):
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("Kyiv")
    assert location.raw["geonameid"] == 703448
    assert haversine_km(location.latitude, location.longitude, 50.45, 30.52) < 5


@pytest.mark.parametrize("query, lat, lon, km", [
    ("Chuhuiv, south of Kharkiv", 49.835, 36.686, 25),
    ("Bucha, Kyiv vicinity", 50.54, 30.22, 10),
    ("Akhtyrka, Sumy Oblast", 50.31, 34.90, 10),
    ("Paris, Texas", 33.66, -95.56, 10),
    ("Paris", 48.85, 2.35, 10),
    ("Donetsk city", 48.0, 37.8, 15),
    ("Oleksiyivka area of Kharkiv", 50.05, 36.2, 25),
])
def test_context_parts_choose_the_right_place(geocoder, query, lat, lon, km):
    location = geocoder.geocode(query)
    assert location is not None
    assert haversine_km(location.latitude, location.longitude, lat, lon) < km, location


def test_unknown_place_falls_back_to_its_context(geocoder):
    location = geocoder.geocode("Qwxzzyivka, Kharkiv Oblast")
    assert location.raw["feature_code"] == "ADM1" and location.raw["admin1"] == "Kharkiv"


def test_close_misspelling_is_found(geocoder):
    location = geocoder.geocode("Dontesk")
    assert location is not None and location.raw["country_code"] == "UA"


def test_nothing_found_returns_none(geocoder):
    assert geocoder.geocode("Qwxzzyville") is None
    assert geocoder.geocode("") is None


def test_country_codes_restrict_answers(geocoder):
    location = geocoder.geocode("Paris", country_codes=["US"])
    assert location.raw["country_code"] == "US"


def test_exactly_one_false_lists_candidates(geocoder):
    found = geocoder.geocode("Paris", exactly_one=False)
    assert len(found) > 3 and {loc.raw["country_code"] for loc in found} >= {"FR", "US"}


def test_reverse_names_the_admin_units(geocoder):
    location = geocoder.reverse((51.73, 36.19))
    assert location.raw["country_code"] == "RU" and location.raw["iso_3166_2"] == "RU-KRS"


def test_adaptive_focus_prefers_the_batch_country(gazetteer):
    focused = LocalGeocoder(gazetteer, adaptive_focus=True)
    for name in ["Kharkiv", "Izium", "Kramatorsk", "Sumy", "Poltava", "Chernihiv"]:
        focused.geocode(name)
    assert focused.focus().get("UA", 0) > 0.5


def test_near_spellings_stay_in_the_batch_country(gazetteer):
    # Alone, "Buzova" (a village the embedded gazetteer lacks) reads as Azerbaijan's Buzovna; in a
    # batch about Ukraine a near-spelling abroad is not taken, while Ukrainian misspellings still are.
    assert LocalGeocoder(gazetteer).resolve("Buzova")[0].country_code == "AZ"
    focused = LocalGeocoder(gazetteer, adaptive_focus=True)
    for name in ["Kharkiv", "Izium", "Kramatorsk", "Sumy", "Poltava", "Chernihiv"]:
        focused.geocode(name)
    found = focused.resolve("Buzova")[0]
    assert found is None or found.country_code == "UA"
    assert focused.resolve("Zaporizhza")[0].country_code == "UA"


def test_cli_geocode_answers_the_issue_examples(gazetteer_path):
    runner = CliRunner()
    expected = {"Kyiv": "PPLC", "Kiev": "PPLC", "Fatezh": None, "Kursk Oblast": "ADM1", "Kursk Region": "ADM1"}
    for query, code in expected.items():
        result = runner.invoke(cli, ["geocode", query])
        assert result.exit_code == 0, result.output
        answer = json.loads(result.output)
        assert answer["lat"] is not None
        if code:
            assert answer["feature_code"] == code
    fatezh = json.loads(runner.invoke(cli, ["geocode", "Fatezh"]).output)
    assert haversine_km(fatezh["lat"], fatezh["lon"], 52.09, 35.86) < 5


def test_cli_geocode_stdin_writes_one_json_line_per_query(gazetteer_path):
    result = CliRunner().invoke(cli, ["geocode", "-"], input="Chuhuiv, south of Kharkiv\nQwxzzyville\n\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 3
    assert set(lines[0]) == {"query", "lat", "lon", "name", "geonameid", "feature_code", "country_code",
                             "admin1", "admin2"}
    assert haversine_km(lines[0]["lat"], lines[0]["lon"], 49.835, 36.686) < 25
    assert lines[1]["lat"] is None and lines[1]["query"] == "Qwxzzyville"


def test_cli_geocode_not_found_exits_nonzero(gazetteer_path):
    result = CliRunner().invoke(cli, ["geocode", "Qwxzzyville"])
    assert result.exit_code == 1
    assert json.loads(result.output)["lat"] is None


def test_cli_reports_a_corrupt_gazetteer_without_traceback(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 1000)
    result = CliRunner().invoke(cli, ["geocode", "--gazetteer", str(bad), "Kyiv"])
    assert result.exit_code == 1
    assert "rebuild" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("query", ["Kievsky district of Donetsk", "Kiev district, Donetsk", "Kirov, Donetsk"])
def test_part_of_a_town_stays_in_that_town(geocoder, query):
    location = geocoder.geocode(query)
    assert haversine_km(location.latitude, location.longitude, 48.0, 37.8) < 40, location


def test_reverse_gives_country_admin1_and_admin2(gazetteer):
    hit = gazetteer.reverse(52.0, 35.9)   # between Fatezh and Bolshoye Zhirovo
    assert (hit["country_code"], hit["iso_3166_2"]) == ("RU", "RU-KRS")
    assert hit["admin2_code"].startswith("RU.41.") and "Fatezh" in hit["admin2_name"]
    assert hit["nearest_place"] == "Fatezh" and hit["nearest_place_km"] < 20
    assert gazetteer.reverse(0.0, -30.0) is None


def test_cli_reverse(gazetteer_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["gazetteer", "reverse", "49.84,36.69"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["admin2_name"] == "Chuhuiv Raion"
    assert runner.invoke(cli, ["gazetteer", "reverse", "0", "-30"]).exit_code == 1
    assert runner.invoke(cli, ["gazetteer", "reverse", "95", "10"]).exit_code == 2


def test_a_query_that_is_itself_a_name_is_not_split(gazetteer):
    geocoder = LocalGeocoder(gazetteer)
    assert geocoder.resolve("Democratic Republic of Congo")[0].country_code == "CD"
    assert geocoder.resolve("East Timor")[0].country_code == "TL"
    # the parts of a query that is not one name still work together
    assert geocoder.resolve("Chuhuiv, south of Kharkiv")[0].country_code == "UA"
