"""Shipped admin-1/country polygons and the point-in-polygon lookups on them."""
from __future__ import annotations

import shutil
import sqlite3

import numpy as np
import pytest
import shapely

from gazetteer.boundaries import DEFAULT_PATH, Boundaries
from gazetteer.errors import GazetteerCorruptError

KURSK = (51.73, 36.19)
KYIV = (50.45, 30.52)
KHARKIV = (49.98, 36.25)
MID_ATLANTIC = (0.0, -30.0)


@pytest.fixture(scope="module")
def b() -> Boundaries:
    return Boundaries.load()


def test_shipped_file_is_small_and_has_both_layers(b):
    assert DEFAULT_PATH.stat().st_size <= 8_000_000
    assert len(b) == 4596
    assert len(b.country_geometries) > 200


def test_reverse_kursk(b):
    hit = b.reverse(*KURSK)
    assert hit == {
        "country_code": "RU",
        "admin1_code": "RU.41",
        "iso_3166_2": "RU-KRS",
        "admin1_name": "Kursk",
        "country_name": "Russia",
    }


def test_reverse_kyiv(b):
    hit = b.reverse(*KYIV)
    assert hit["country_code"] == "UA"
    assert hit["country_name"] == "Ukraine"


def test_reverse_open_ocean_is_none(b):
    assert b.reverse(*MID_ATLANTIC) is None


def test_reverse_just_offshore_takes_nearest_unit(b):
    # Odesa's sea front, ~0.05 degrees out into the Black Sea.
    lat, lon = 46.47, 30.80
    assert b.reverse(lat, lon, max_distance=0) is None
    assert b.reverse(lat, lon)["iso_3166_2"] == "UA-51"


def test_reverse_many_agrees_with_reverse(b):
    rng = np.random.default_rng(42)
    lats = rng.uniform(40, 60, 500)
    lons = rng.uniform(20, 45, 500)
    lats[:4] = [KURSK[0], KYIV[0], KHARKIV[0], MID_ATLANTIC[0]]
    lons[:4] = [KURSK[1], KYIV[1], KHARKIV[1], MID_ATLANTIC[1]]
    a1, cc = b.reverse_many(lats, lons)
    assert len(a1) == len(cc) == 500
    assert (a1[0], cc[0]) == ("RU.41", "RU")
    assert cc[1] == "UA" and cc[2] == "UA" and cc[3] is None
    for lat, lon, code, country in zip(lats, lons, a1, cc):
        hit = b.reverse(lat, lon)
        if hit is None:
            assert code is None and country is None
        else:
            assert (hit["admin1_code"], hit["country_code"]) == (code, country)


def test_reverse_many_edge_cases(b):
    a1, cc = b.reverse_many([], [])
    assert len(a1) == len(cc) == 0
    # NaN is "unknown", not an error; longitudes wrap.
    a1, cc = b.reverse_many([np.nan, KYIV[0]], [0.0, KYIV[1] + 360])
    assert cc.tolist() == [None, "UA"]
    with pytest.raises(ValueError):
        b.reverse_many([1.0, 2.0], [1.0])


def test_admin1_polygon_by_any_key(b):
    by_iso = b.admin1_polygon("RU-KRS")
    by_gn = b.admin1_polygon("RU.41")
    by_id = b.admin1_polygon(538555)
    assert by_iso is not None
    assert by_iso.equals(by_gn) and by_iso.equals(by_id)
    assert b.admin1_polygon("ru-krs").equals(by_iso)
    assert by_iso.contains(shapely.Point(KURSK[1], KURSK[0]))
    assert b.admin1_polygon("XX-NOPE") is None


def test_country_polygon(b):
    ua = b.country_polygon("UA")
    assert ua.contains(shapely.Point(KHARKIV[1], KHARKIV[0]))
    assert b.country_polygon("UKR").equals(ua)
    assert b.country_polygon("ZZ") is None


def test_neighbours_keep_shared_edges(b):
    kursk = b.admin1_polygon("RU-KRS")
    belgorod = b.admin1_polygon("RU-BEL")
    # Coverage simplification leaves a common border line, not a gap or overlap.
    shared = kursk.intersection(belgorod)
    assert shared.length > 1.0
    assert shapely.area(shared) == pytest.approx(0.0, abs=1e-9)
    union = shapely.union_all([kursk, belgorod])
    assert union.geom_type == "Polygon"
    assert len(union.interiors) == 0


def test_admin1_records(b):
    records = list(b.admin1_records())
    assert len(records) == len(b)
    kursk = next(r for r in records if r["gn_a1_code"] == "RU.41")
    assert kursk["iso_3166_2"] == "RU-KRS"
    assert kursk["gn_id"] == 538555
    assert kursk["country_code"] == "RU"
    assert 51 < kursk["latitude"] < 52.5 and 35 < kursk["longitude"] < 37.5
    for key in ("name", "name_en", "name_alt", "gn_name", "woe_name", "type", "type_en", "admin"):
        assert key in kursk
    assert "geom" not in kursk
    # Natural Earth placeholder codes never leak out.
    assert not any((r["gn_a1_code"] or "").startswith("-") for r in records)
    assert not any("~" in (r["iso_3166_2"] or "") for r in records)
    assert all(r["country_code"] and len(r["country_code"]) == 2 for r in records)


def test_load_is_cached(b):
    assert Boundaries.load() is b


def test_garbage_file_raises(tmp_path):
    path = tmp_path / "boundaries.gpkg"
    path.write_bytes(b"this is not a geopackage\x00" * 100)
    with pytest.raises(GazetteerCorruptError, match="boundaries"):
        Boundaries.load(path)


def test_missing_file_raises(tmp_path):
    with pytest.raises(GazetteerCorruptError, match="missing"):
        Boundaries.load(tmp_path / "nope.gpkg")


def test_sqlite_without_layers_raises(tmp_path):
    path = tmp_path / "empty.gpkg"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(GazetteerCorruptError):
        Boundaries.load(path)


def test_corrupt_geometry_blob_raises(tmp_path):
    path = tmp_path / "boundaries.gpkg"
    shutil.copy(DEFAULT_PATH, path)
    con = sqlite3.connect(path)
    con.execute("UPDATE admin1 SET geom = x'47500003E61000000000' WHERE fid = 1")
    con.commit()
    con.close()
    with pytest.raises(GazetteerCorruptError):
        Boundaries.load(path).reverse(*KURSK)


# -- GeoNames admin-1 codes repaired where Natural Earth's units differ --------------

PARIS = (48.85, 2.35)
VERSAILLES = (48.80, 2.13)
CARCASSONNE = (43.21, 2.35)


def test_paris_department_carries_ile_de_france(b):
    # NE codes the Paris department "FR.75", GeoNames' Nouvelle-Aquitaine.
    hit = b.reverse(*PARIS)
    assert (hit["admin1_code"], hit["iso_3166_2"]) == ("FR.11", "FR-IDF")


def test_gazetteer_reverse_names_the_geonames_unit(gazetteer):
    hit = gazetteer.reverse(*PARIS)
    assert (hit["admin1_code"], hit["iso_3166_2"], hit["admin1_name"]) == ("FR.11", "FR-IDF", "Île-de-France")
    # Ambato is the capital of Tungurahua; NE names that polygon "Napo".
    assert gazetteer.reverse(-1.249, -78.617)["admin1_name"] == "Tungurahua"


def test_aude_is_in_occitanie(b):
    # NE codes Aude "FR.11", GeoNames' Île-de-France.
    hit = b.reverse(43.2, 2.35)
    assert (hit["admin1_code"], hit["iso_3166_2"]) == ("FR.76", "FR-OCC")


def test_philippine_province_carries_its_region(b):
    # NE's units are provinces (Pampanga/Tarlac here); GeoNames' admin-1 are regions.
    hit = b.reverse(15.3, 120.7)
    assert (hit["admin1_code"], hit["iso_3166_2"]) == ("PH.03", "PH-03")   # Central Luzon


def test_ile_de_france_polygon_is_the_union_of_its_departments(b):
    idf = b.admin1_polygon("FR.11")
    assert idf.contains(shapely.Point(PARIS[1], PARIS[0]))
    assert idf.contains(shapely.Point(VERSAILLES[1], VERSAILLES[0]))
    assert not idf.contains(shapely.Point(CARCASSONNE[1], CARCASSONNE[0]))
    assert b.admin1_polygon("FR-IDF").equals(idf)
    departments = [r for r in b.admin1_records() if r["gn_a1_code"] == "FR.11"]
    assert len(departments) == 8
    assert {r["iso_3166_2"] for r in departments} == {"FR-IDF"}


def test_morocco_uses_the_2015_regions(b):
    # Casablanca lies in Casablanca-Settat (MA.06, MA-06) since the 2015 reform;
    # NE's pre-2015 "Grand Casablanca" carried MA.45, a code GeoNames no longer has.
    hit = b.reverse(33.57, -7.59)
    assert (hit["admin1_code"], hit["iso_3166_2"]) == ("MA.06", "MA-06")


def test_ecuador_codes_follow_the_polygons_not_the_swapped_names(b):
    # NE swaps the names (and ISO codes) of Napo and Tungurahua but not their GeoNames
    # codes: Ambato, capital of Tungurahua, lies in EC.19; Tena, capital of Napo, in EC.23.
    assert (b.reverse(-1.249, -78.617)["admin1_code"], b.reverse(-1.249, -78.617)["iso_3166_2"]) == ("EC.19", "EC-T")
    assert (b.reverse(-0.996, -77.813)["admin1_code"], b.reverse(-0.996, -77.813)["iso_3166_2"]) == ("EC.23", "EC-N")


def test_every_geonames_code_has_one_iso_code(b):
    iso_by_code: dict[str, set] = {}
    for r in b.admin1_records():
        if r["gn_a1_code"]:
            iso_by_code.setdefault(r["gn_a1_code"], set()).add(r["iso_3166_2"])
    assert not {code: isos for code, isos in iso_by_code.items() if len(isos) > 1}
