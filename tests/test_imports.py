"""GeoNames dump and user-place imports into a small gazetteer made in tmp_path (no full build,
no network: the one download test serves bytes from a fake urlopen)."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from gazetteer.build import GazetteerWriter
from gazetteer.errors import GazetteerError, GazetteerNotBuiltError, SourceFormatError
from gazetteer.imports import USER_ID_BASE, add_user_places, apply, import_geonames
from gazetteer.index import Gazetteer
from gazetteer.schema import SCHEMA_VERSION, create_indexes, create_schema, read_name_index, refresh_derived
from gazetteer.sources import geonames_dumps
from gazetteer.sources.geonames_dumps import detect
from gazetteer.sources.user_places import feature_type

DATA = Path(__file__).parent / "data"
GN = DATA / "geonames"
ALL_FILES = [GN / "RU.txt", GN / "alternateNamesV2.txt", GN / "admin1CodesASCII.txt", GN / "admin2Codes.txt",
             GN / "countryInfo.txt"]
LOTAREVKA, ZHIROVO, FATEZH_RAYON, KURSK_OBLAST, KURSK = 535311, 575361, 563299, 538555, 538560


def make_gazetteer(path: Path) -> Path:
    conn = sqlite3.connect(path)
    create_schema(conn)
    create_indexes(conn)
    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def db(tmp_path) -> Path:
    return make_gazetteer(tmp_path / "gazetteer.sqlite")


@pytest.fixture
def imported(db) -> Path:
    import_geonames([str(p) for p in ALL_FILES], path=db)
    return db


def ids(candidates) -> list[int]:
    return [c.geonameid for c in candidates]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def imports_rows(path: Path) -> list[tuple[str, dict]]:
    conn = sqlite3.connect(path)
    try:
        return [(k, json.loads(a)) for k, a in conn.execute("SELECT kind, args FROM imports ORDER BY id")]
    finally:
        conn.close()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".import-" in p.name or p.name.startswith(".mapper-download"))


# --- GeoNames dumps --------------------------------------------------------------------------------


def test_villages_from_country_dump_are_found_with_admin_names(imported):
    gz = Gazetteer.open(imported)
    [lot] = gz.lookup("Lotarevka")
    assert lot.geonameid == LOTAREVKA
    assert (round(lot.lat, 2), round(lot.lon, 2)) == (51.9, 35.8)
    assert (lot.feature_class, lot.feature_code, lot.country_code) == ("P", "PPL", "RU")
    assert (lot.admin1_code, lot.admin1, lot.admin2_code, lot.admin2) == ("41", "Kursk Oblast", "563299",
                                                                          "Fatezhskiy Rayon")
    [zhirovo] = gz.lookup("Bolshoye Zhirovo")          # from the alternatenames column
    assert zhirovo.geonameid == ZHIROVO and zhirovo.name == "Bol'shoye Zhirovo"
    assert ids(gz.lookup("Большое Жирово")) == [ZHIROVO]
    assert ids(gz.lookup("Bol'shoye Zhirovo")) == [ZHIROVO]


def test_alternate_names_file(imported):
    gz = Gazetteer.open(imported)
    assert ids(gz.lookup("Лотаревка")) == [LOTAREVKA]
    assert ids(gz.lookup("Lotaryovka")) == [LOTAREVKA]
    assert gz.lookup("Lotaryovka")[0].name_kind == 1
    assert ids(gz.lookup("Fatezh Raion")) == [FATEZH_RAYON]
    assert ids(gz.lookup("Kurshchina")) == [KURSK_OBLAST]      # colloquial names are kept
    # links, postal codes and historic names are not names; names of absent places are not stored
    assert gz.lookup("Zhirovo-Bolshoe") == []
    assert gz.lookup("307124") == []
    assert gz.lookup("Nowhere Village") == []
    conn = sqlite3.connect(imported)
    assert conn.execute("SELECT count(*) FROM names WHERE geonameid = 999999").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM names n LEFT JOIN places p USING (geonameid) "
                        "WHERE p.geonameid IS NULL").fetchone()[0] == 0


def test_admin_units_get_tables_and_derived_forms(imported):
    gz = Gazetteer.open(imported)
    [district] = gz.lookup("Fatezh District")
    assert (district.geonameid, district.feature_code, district.name_kind) == (FATEZH_RAYON, "ADM2", 2)
    assert ids(gz.lookup("Fatezh rayon")) == [FATEZH_RAYON]
    [region] = gz.lookup("Kursk Region")
    assert (region.geonameid, region.feature_code, region.name_kind) == (KURSK_OBLAST, "ADM1", 2)
    # the bare short form of the oblast loses to the city
    found = gz.lookup("Kursk")
    assert ids(found) == [KURSK, KURSK_OBLAST] and found[1].name_kind == 3
    assert gz.admin1("RU.41").geonameid == KURSK_OBLAST
    assert gz.admin2("RU.41.563299").geonameid == FATEZH_RAYON
    assert gz.country_name("RU") == "Russia" and gz.country("RUS").geonameid == 2017370
    assert len(gz.places_in("RU", "41", "563299", feature_class="P")) == 3


def test_feature_class_filter_and_min_population(db):
    stats = import_geonames([str(GN / "RU.txt")], path=db, min_population=1000)
    gz = Gazetteer.open(db)
    assert gz.lookup("Lotarevka") == [] and gz.lookup("Bolshoye Zhirovo") == []
    assert ids(gz.lookup("Fatezh")) == [563298]
    assert ids(gz.lookup("Fatezhskiy Rayon")) == [FATEZH_RAYON]   # min_population is for class P only
    assert gz.lookup("Usozha") == []                              # class H not asked for
    assert stats["skipped"] == 3 and stats["new_places"] == 5

    other = make_gazetteer(db.parent / "other.sqlite")
    import_geonames([str(GN / "RU.txt"), str(GN / "admin2Codes.txt")], path=other, feature_classes=("P", "H"))
    gz = Gazetteer.open(other)
    assert ids(gz.lookup("Usozha")) == [480001]
    assert gz.lookup("Fatezhskiy Rayon") == []
    assert gz.lookup("Lotarevka")[0].admin2 == "Fatezhskiy Rayon"  # the admin2 table comes from admin2Codes.txt


def test_zipped_dumps(tmp_path, db):
    ru_zip = tmp_path / "RU.zip"
    with zipfile.ZipFile(ru_zip, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(GN / "RU.txt", "RU.txt")
        zf.writestr("readme.txt", "GeoNames readme\n")
    alt_zip = tmp_path / "alternateNamesV2.zip"
    with zipfile.ZipFile(alt_zip, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(GN / "alternateNamesV2.txt", "alternateNamesV2.txt")
        zf.writestr("iso-languagecodes.txt", "ISO 639-3\tISO 639-2\tISO 639-1\tLanguage Name\n")
    assert detect(ru_zip).kind == "geonames" and detect(ru_zip).member == "RU.txt"
    assert detect(alt_zip).kind == "alternatenames"
    import_geonames([str(alt_zip), str(ru_zip)], path=db)       # order given does not matter
    gz = Gazetteer.open(db)
    assert ids(gz.lookup("Bolshoye Zhirovo")) == [ZHIROVO]
    assert ids(gz.lookup("Лотаревка")) == [LOTAREVKA]


def test_kind_detection_by_name_and_by_columns(tmp_path):
    assert [detect(p).kind for p in ALL_FILES] == ["geonames", "alternatenames", "admin1codes", "admin2codes",
                                                   "countryinfo"]
    # per-country alternate names: alternatenames/RU.zip holds an RU.txt with 10 columns
    per_country = tmp_path / "alternatenames" / "RU.zip"
    per_country.parent.mkdir()
    with zipfile.ZipFile(per_country, "w") as zf:
        zf.write(GN / "alternateNamesV2.txt", "RU.txt")
    assert detect(per_country).kind == "alternatenames"
    # unknown names fall back to the columns
    for source, kind in [("RU.txt", "geonames"), ("alternateNamesV2.txt", "alternatenames"),
                         ("admin1CodesASCII.txt", "admin1codes"), ("admin2Codes.txt", "admin2codes"),
                         ("countryInfo.txt", "countryinfo")]:
        renamed = tmp_path / f"download-{kind}.tsv"
        shutil.copy(GN / source, renamed)
        assert detect(renamed).kind == kind
    junk = tmp_path / "notes.txt"
    junk.write_text("just\tsome\ttext\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="cannot tell which GeoNames table"):
        detect(junk)
    with pytest.raises(FileNotFoundError):
        detect(tmp_path / "missing.zip")


def test_existing_places_are_updated_and_keep_their_names(db):
    conn = sqlite3.connect(db)
    writer = GazetteerWriter(conn, "embedded")
    writer.add_place(geonameid=LOTAREVKA, name="Lotarevka", lat=51.5, lon=35.5, feature_class="P",
                     feature_code="PPL", country_code="RU", admin1_code="41", names={"Old Lotarevka": 1})
    # an admin unit the embedded build made under a synthetic id, with a name of its own
    writer.add_place(geonameid=9_000_000_001, name="Fatezhskiy Rayon", lat=52.0, lon=35.8, feature_class="A",
                     feature_code="ADM2", country_code="RU", admin1_code="41", admin2_code="563299",
                     names={"Fatezh municipal area": 1})
    conn.execute("INSERT INTO admin2 VALUES ('RU.41.563299', 9000000001, 'Fatezhskiy Rayon')")
    conn.commit()
    conn.close()
    stats = import_geonames([str(GN / "RU.txt"), str(GN / "admin2Codes.txt")], path=db)
    gz = Gazetteer.open(db)
    [lot] = gz.lookup("Old Lotarevka")
    assert (lot.geonameid, lot.lat, lot.lon, lot.admin2_code) == (LOTAREVKA, 51.9, 35.8, "563299")
    assert lot.admin2 == "Fatezhskiy Rayon"
    assert ids(gz.lookup("Fatezh municipal area")) == [FATEZH_RAYON]   # merged into the real unit
    assert gz.get(9_000_000_001) is None
    assert gz.admin2("RU.41.563299").geonameid == FATEZH_RAYON
    assert stats["new_places"] == 5        # 7 places now, 2 before (the synthetic one was merged away)


@pytest.mark.parametrize("line, bad, message", [
    (4, lambda f: f.__setitem__(4, "fifty-two"), "latitude 'fifty-two' is not a number"),
    (5, lambda f: f.pop(), "expected 19 tab-separated columns of the geoname table, found 18"),
    (3, lambda f: f.__setitem__(0, "56x"), "geonameid '56x' is not a whole number"),
    (6, lambda f: f.__setitem__(5, "185.0"), "longitude '185.0' is outside"),
])
def test_malformed_line_names_file_and_line_and_changes_nothing(imported, tmp_path, line, bad, message):
    lines = (GN / "RU.txt").read_text(encoding="utf-8").splitlines()
    fields = lines[line - 1].split("\t")
    bad(fields)
    lines[line - 1] = "\t".join(fields)
    broken = tmp_path / "RU_broken.txt"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # a place only the broken file has must not appear either
    extra = tmp_path / "extra.txt"
    extra.write_text("\t".join(["9999001", "Novyy Posyolok", "Novyy Posyolok", "", "52.01", "35.91", "P", "PPL", "RU",
                                "", "41", "563299", "", "", "10", "", "200", "Europe/Moscow", "2020-01-01"]) + "\n",
                     encoding="utf-8")
    before = [c.to_dict() for c in Gazetteer.open(imported).lookup("Lotarevka")]
    before_digest = digest(imported)
    with pytest.raises(SourceFormatError) as err:
        import_geonames([str(extra), str(broken)], path=imported)
    assert f"RU_broken.txt, line {line}" in str(err.value)
    assert message in str(err.value)
    assert digest(imported) == before_digest
    gz = Gazetteer.open(imported)
    assert [c.to_dict() for c in gz.lookup("Lotarevka")] == before
    assert gz.lookup("Novyy Posyolok") == []
    assert len(imports_rows(imported)) == 1
    assert leftovers(imported.parent) == []


def test_malformed_alternate_names_and_admin_codes(db, tmp_path):
    bad_alt = tmp_path / "alternateNamesV2.txt"
    bad_alt.write_text("1\t535311\ten\tLotaryovka\t\t\t\t\t\t\n2\t53531x\ten\tX\t\t\t\t\t\t\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"alternateNamesV2.txt, line 2: geonameid '53531x'"):
        import_geonames([str(GN / "RU.txt"), str(bad_alt)], path=db)
    assert Gazetteer.open(db).lookup("Lotarevka") == []        # the good RU.txt was not half-applied
    bad_a1 = tmp_path / "admin1CodesASCII.txt"
    bad_a1.write_text("RU.41\tKursk Oblast\tKursk Oblast\t538555\nRU-48\tMoscow\tMoscow\t524894\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"admin1CodesASCII.txt, line 2: code 'RU-48' is not like 'RU.41'"):
        import_geonames([str(bad_a1)], path=db)


def test_undecodable_line_and_crlf(db, tmp_path):
    text = (GN / "RU.txt").read_bytes()
    crlf = tmp_path / "RU.txt"
    crlf.write_bytes(text.replace(b"\n", b"\r\n"))
    import_geonames([str(crlf)], path=db, progress=True)
    assert Gazetteer.open(db).lookup("Lotarevka")[0].name == "Lotarevka"
    latin1 = tmp_path / "UA.txt"
    latin1.write_bytes(text.split(b"\n")[0] + b"\n" + "8\tKi\u00efv".encode("latin-1") + b"\t" * 17 + b"\n")
    with pytest.raises(SourceFormatError, match=r"UA.txt, line 2: not UTF-8 text"):
        import_geonames([str(latin1)], path=db)


def test_interrupted_import_leaves_the_file_and_open_readers_alone(imported, monkeypatch):
    import gazetteer.imports as imports

    reader = Gazetteer.open(imported)
    before = digest(imported)

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(imports, "_record", interrupt)
    with pytest.raises(KeyboardInterrupt):
        add_user_places(DATA / "user_places.csv", path=imported)
    assert digest(imported) == before and leftovers(imported.parent) == []
    monkeypatch.undo()
    add_user_places(DATA / "user_places.csv", path=imported)
    assert reader.lookup("KPP Zhuravka") == []             # a reader keeps the file it opened
    assert ids(reader.lookup("Lotarevka")) == [LOTAREVKA]
    assert Gazetteer.open(imported).lookup("KPP Zhuravka")


def test_missing_gazetteer_and_missing_source(tmp_path, db):
    with pytest.raises(GazetteerNotBuiltError, match="mapper gazetteer build"):
        import_geonames([str(GN / "RU.txt")], path=tmp_path / "nope.sqlite")
    with pytest.raises(GazetteerNotBuiltError, match="mapper gazetteer build"):
        add_user_places(DATA / "user_places.csv", path=tmp_path / "nope.sqlite")
    assert not (tmp_path / "nope.sqlite").exists()
    with pytest.raises(FileNotFoundError):
        import_geonames([str(tmp_path / "RU.zip")], path=db)
    with pytest.raises(GazetteerError, match="feature class"):
        import_geonames([str(GN / "RU.txt")], path=db, feature_classes=("Q",))


def test_import_is_recorded_once_per_identical_import(imported):
    [(kind, args)] = imports_rows(imported)
    assert kind == "geonames"
    assert args["sources"] == [str(p.resolve()) for p in ALL_FILES]
    assert args["min_population"] == 0 and args["feature_classes"] == ["A", "P"]
    import_geonames([str(p) for p in ALL_FILES], path=imported)
    assert len(imports_rows(imported)) == 1
    import_geonames([str(GN / "RU.txt")], path=imported, min_population=10)
    assert [k for k, _ in imports_rows(imported)] == ["geonames", "geonames"]


def test_replay_with_apply_on_a_fresh_file(imported, tmp_path):
    add_user_places(DATA / "user_places.csv", path=imported)
    recorded = sqlite3.connect(imported).execute("SELECT kind, args FROM imports ORDER BY id").fetchall()
    fresh = make_gazetteer(tmp_path / "rebuilt.sqlite")
    conn = sqlite3.connect(fresh)
    for kind, args in recorded:
        apply(conn, kind, args)
    refresh_derived(conn)       # as the build does, once after its replays
    conn.commit()
    assert conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 0   # apply does not record
    conn.close()
    old, new = Gazetteer.open(imported), Gazetteer.open(fresh)
    for name in ("Lotarevka", "Лотаревка", "Fatezh District", "Kursk Region", "KPP Zhuravka", "Novaya Sloboda"):
        assert [c.to_dict() for c in new.lookup(name)] == [c.to_dict() for c in old.lookup(name)], name
    assert new.lookup("Lotarevka")


def test_apply_rolls_back_a_failed_replay(tmp_path):
    fresh = make_gazetteer(tmp_path / "rebuilt.sqlite")
    bad_alt = tmp_path / "alternateNamesV2.txt"
    bad_alt.write_text("1\t535311\ten\n", encoding="utf-8")
    conn = sqlite3.connect(fresh)
    conn.execute("PRAGMA journal_mode=OFF")                    # as the build writes
    args = {"sources": [str(GN / "RU.txt"), str(bad_alt)], "min_population": 0, "feature_classes": ["P", "A"]}
    with pytest.raises(SourceFormatError, match="line 1"):
        apply(conn, "geonames", args)
    apply(conn, "geonames", {**args, "sources": [str(GN / "admin1CodesASCII.txt")]})   # the next one still works
    conn.commit()
    assert conn.execute("SELECT count(*) FROM places").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM admin1").fetchone()[0] == 2
    with pytest.raises(FileNotFoundError):
        apply(conn, "geonames", {**args, "sources": [str(tmp_path / "gone.zip")]})
    with pytest.raises(GazetteerError, match="unknown import kind"):
        apply(conn, "osm", {})
    conn.close()


def test_build_replays_recorded_imports(imported, tmp_path, monkeypatch):
    import gazetteer.build as build

    monkeypatch.setattr(build, "_build_embedded", lambda conn, progress: {})   # skip the 30 s embedded build
    add_user_places(DATA / "user_places.geojson", path=imported)
    target = build.build_gazetteer(tmp_path / "built.sqlite", progress=False,
                                   replay_imports=build.recorded_imports(imported))
    gz = Gazetteer.open(target)
    assert ids(gz.lookup("Lotarevka")) == [LOTAREVKA]
    assert gz.lookup("Fatezh District")[0].geonameid == FATEZH_RAYON
    assert gz.lookup("Lotarevka PS")[0].name == "Lotarevka pumping station"


def test_download_only_for_a_named_url(db, tmp_path, monkeypatch, capsys):
    payload = io.BytesIO()
    with zipfile.ZipFile(payload, "w") as zf:
        zf.write(GN / "RU.txt", "RU.txt")
    body = payload.getvalue()
    requested = []

    class FakeResponse(io.BytesIO):
        headers = {"Content-Length": str(len(body))}

    def fake_urlopen(url, timeout=None):
        requested.append(url)
        return FakeResponse(body)

    monkeypatch.setattr(geonames_dumps.urllib.request, "urlopen", fake_urlopen)
    url = "https://download.example.invalid/export/dump/RU.zip"
    import_geonames([url], path=db)
    assert requested == [url]
    assert "downloading " + url in capsys.readouterr().err
    assert ids(Gazetteer.open(db).lookup("Lotarevka")) == [LOTAREVKA]
    [(kind, args)] = imports_rows(db)
    assert args["sources"] == [url]
    assert leftovers(db.parent) == []
    # a replay never downloads
    conn = sqlite3.connect(make_gazetteer(tmp_path / "again.sqlite"))
    with pytest.raises(GazetteerError, match="not fetched again"):
        apply(conn, kind, args)
    conn.close()
    assert requested == [url]


# --- user places ---------------------------------------------------------------------------------


def test_user_csv(imported):
    stats = add_user_places(DATA / "user_places.csv", path=imported)
    assert stats["places"] == 3
    assert all(USER_ID_BASE <= gid < 9_000_000_000 for gid in stats["geonameids"])
    gz = Gazetteer.open(imported)
    [post] = gz.lookup("KPP Zhuravka")
    assert (post.name, post.feature_class, post.feature_code) == ("Zhuravka checkpoint", "S", "PSTB")
    assert (post.country_code, post.admin1_code, post.admin1) == ("RU", "41", "Kursk Oblast")
    assert (post.lat, post.lon) == (51.9512, 35.7033)
    [village] = gz.lookup("Sloboda Novaya")                   # ';' separates alternate names too
    assert (village.name, village.feature_code, village.population, village.country_code) == \
        ("Novaya Sloboda", "PPL", 120, "RU")                   # "Russia" resolved to RU
    [elevator] = gz.lookup("Fatezh grain elevator")
    assert (elevator.feature_class, elevator.feature_code, elevator.admin1_code) == ("S", "MLSG", "41")
    # the same file again: same ids, no duplicates, one record
    again = add_user_places(DATA / "user_places.csv", path=imported)
    assert again["geonameids"] == stats["geonameids"]
    conn = sqlite3.connect(imported)
    assert conn.execute("SELECT count(*) FROM places WHERE source = 'user'").fetchone()[0] == 3
    conn.close()
    assert [k for k, _ in imports_rows(imported)] == ["geonames", "user"]
    # the matcher's ready-made name list follows every write
    names, first_words = read_name_index(sqlite3.connect(imported), max_words=6)
    assert {"kpp zhuravka", "sloboda novaya", "fatezh grain elevator", "lotarevka"} <= names
    assert first_words["fatezh"] >= 3 and first_words["kpp"] == 2


def test_user_geojson(imported):
    stats = add_user_places(DATA / "user_places.geojson", path=imported)
    assert stats["places"] == 2
    gz = Gazetteer.open(imported)
    [station] = gz.lookup("Lotarevka PS")
    assert (station.feature_class, station.feature_code, station.admin1_code) == ("S", "FCL", "41")
    assert (station.lat, station.lon) == (51.9123, 35.8405)
    [junction] = gz.lookup("Zhirovskaya razvilka")
    assert (junction.name, junction.feature_code, junction.country_code, junction.admin1_code) == \
        ("Zhirovo crossroads", "PPLL", "RU", "41")             # admin1 "Kursk": short form of the oblast


def test_user_admin_unit_gets_derived_forms_and_admin2(imported, tmp_path):
    csv_file = tmp_path / "units.csv"
    csv_file.write_text("name;lat;lon;type;country;admin1;admin2\n"
                        "Zolotukhinskiy Rayon;52.07;36.37;district;RU;RU.41;\n"
                        "Lotarevka farm;51.91;35.81;PPL;RU;41;Fatezh District\n", encoding="utf-8")
    add_user_places(csv_file, path=imported)
    gz = Gazetteer.open(imported)
    [unit] = gz.lookup("Zolotukhin District")
    assert unit.feature_code == "ADM2" and unit.name_kind == 2
    [farm] = gz.lookup("Lotarevka farm")
    assert (farm.admin2_code, farm.admin2) == ("563299", "Fatezhskiy Rayon")


def test_bad_user_rows_reject_the_whole_file(imported, tmp_path):
    before = digest(imported)
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("name,lat,lon,type,country\n"
                        "Good place,51.9,35.8,village,RU\n"
                        "Too far north,95.0,35.8,village,RU\n"
                        ",51.9,35.8,village,RU\n"
                        "Odd type,51.9,35.8,spaceport,RU\n"
                        "No lon,51.9,,village,RU\n", encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        add_user_places(csv_file, path=imported)
    text = str(err.value)
    assert "line 3: latitude '95.0' is outside [-90, 90]" in text
    assert "line 4: name is empty" in text
    assert "line 5: unknown type 'spaceport'" in text
    assert "line 6: longitude is missing" in text
    assert "line 2" not in text
    assert digest(imported) == before
    assert Gazetteer.open(imported).lookup("Good place") == []

    # rows that only the gazetteer can check are rejected the same way
    unresolved = tmp_path / "unresolved.csv"
    unresolved.write_text("name,lat,lon,country,admin1\nGood place,51.9,35.8,RU,41\n"
                          "Somewhere,10,10,Narnia,\nElsewhere,51,35,RU,Atlantis Oblast\nNowhere,1,1,,41\n",
                          encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        add_user_places(unresolved, path=imported)
    text = str(err.value)
    assert "line 3: unknown country 'Narnia'" in text
    assert "line 4: unknown admin1 'Atlantis Oblast' in RU" in text
    assert "line 5: admin1 is given without a country" in text
    assert digest(imported) == before
    assert leftovers(imported.parent) == []

    geojson = tmp_path / "bad.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [35.8, 51.9]}, "properties": {"name": "A"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
         "properties": {"name": "B"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [200, 51.9]}, "properties": {"name": "C"}},
    ]}), encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        add_user_places(geojson, path=imported)
    assert "feature 2: geometry must be a Point" in str(err.value)
    assert "feature 3: longitude 200 is outside" in str(err.value)
    assert digest(imported) == before

    missing_column = tmp_path / "nolat.csv"
    missing_column.write_text("name,lon\nX,3\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="missing lat"):
        add_user_places(missing_column, path=imported)


def test_feature_types():
    assert feature_type("village") == ("P", "PPL")
    assert feature_type("Villages") == ("P", "PPL")
    assert feature_type("") == ("P", "PPL")
    assert feature_type("district") == ("A", "ADM2")
    assert feature_type("region") == ("A", "ADM1")
    assert feature_type("facility") == ("S", "FCL")
    assert feature_type("pplA2") == ("P", "PPLA2")
    assert feature_type("S.MILB") == ("S", "MILB")
    with pytest.raises(ValueError):
        feature_type("XYZZY")


# --- CLI -----------------------------------------------------------------------------------------


def run_cli(*args):
    from mapper.cli import cli

    return CliRunner().invoke(cli, list(args))


def test_cli_import_geonames_and_add(db):
    result = run_cli("gazetteer", "import-geonames", *map(str, ALL_FILES), "--path", str(db))
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stderr)
    assert stats["new_places"] == 7
    result = run_cli("gazetteer", "add", str(DATA / "user_places.csv"), "--path", str(db))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stderr)["places"] == 3
    result = run_cli("gazetteer", "lookup", "Lotarevka", "--path", str(db), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout.splitlines()[0])["geonameid"] == LOTAREVKA


def test_cli_errors_are_clean(db, tmp_path):
    broken = tmp_path / "RU.txt"
    broken.write_text((GN / "RU.txt").read_text(encoding="utf-8").replace("\t51.9\t", "\tN51.9\t"), encoding="utf-8")
    result = run_cli("gazetteer", "import-geonames", str(broken), "--path", str(db))
    assert result.exit_code == 1
    assert "RU.txt, line 5: latitude 'N51.9' is not a number" in result.output
    assert "Traceback" not in result.output

    result = run_cli("gazetteer", "import-geonames", str(GN / "RU.txt"), "--path", str(tmp_path / "none.sqlite"))
    assert result.exit_code == 1
    assert "mapper gazetteer build" in result.output and "Traceback" not in result.output

    result = run_cli("gazetteer", "import-geonames", str(tmp_path / "allCountries.zip"), "--path", str(db))
    assert result.exit_code == 1 and "allCountries.zip" in result.output and "Traceback" not in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nX,91,0\n", encoding="utf-8")
    result = run_cli("gazetteer", "add", str(bad), "--path", str(db))
    assert result.exit_code == 1
    assert "line 2: latitude '91' is outside" in result.output and "Traceback" not in result.output


def test_workers_starting_together_build_the_gazetteer_once(tmp_path, monkeypatch):
    import threading
    import time

    from gazetteer import build as build_module

    calls = []

    def slow_build(target, progress=True, replay_imports=()):
        calls.append(target)
        time.sleep(0.3)
        Path(target).write_text("built")
        return Path(target)

    monkeypatch.setattr(build_module, "build_gazetteer", slow_build)
    monkeypatch.setattr(build_module, "is_current", lambda path: Path(path).exists())
    target = tmp_path / "gz.sqlite"
    workers = [threading.Thread(target=build_module.ensure_gazetteer, args=(target,), kwargs={"progress": False})
               for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert calls == [target] and target.read_text() == "built"
