"""Recognition and resolution on sentences written for these tests."""
import json

import pytest
from click.testing import CliRunner

from gazetteer.geocoder import haversine_km
from mapper.cli import cli
from mapper.geoparse import Geoparser
from mapper.model import Article


@pytest.fixture(scope="module")
def parsers(gazetteer):
    return {"spacy": Geoparser(gazetteer, use_spacy=True), "gazetteer": Geoparser(gazetteer, use_spacy=False)}


def parse(parser, text):
    return parser.parse(Article(id="t", text=text))


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_offsets_point_into_the_text(parsers, mode):
    text = "Russian shelling hit Kharkiv and Izium on Tuesday, officials in Kyiv said."
    found = parse(parsers[mode], text)
    assert found
    for rm in found:
        assert text[rm.mention.start:rm.mention.end] == rm.mention.text


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_places_resolve_to_the_right_spot(parsers, mode):
    text = "Drones struck Kharkiv overnight. Later a missile hit Odesa, and air defence worked over Lviv."
    places = {rm.mention.text: rm.place for rm in parse(parsers[mode], text)}
    assert haversine_km(places["Kharkiv"].lat, places["Kharkiv"].lon, 49.98, 36.25) < 20
    assert haversine_km(places["Odesa"].lat, places["Odesa"].lon, 46.48, 30.73) < 20
    assert places["Lviv"].country_code == "UA"


def test_region_phrase_is_the_unit_not_the_city(parsers):
    found = parse(parsers["spacy"], "Two people died in the Kursk region after the attack, and Kursk city lost power.")
    region = next(rm for rm in found if rm.mention.text.lower().startswith("kursk region"))
    assert region.place.feature_code == "ADM1" and region.place.country_code == "RU"


def test_place_and_state_apposition(parsers):
    found = parse(parsers["spacy"], "The storm hit Paris, Texas, before moving on to Tulsa, Oklahoma.")
    paris = next(rm for rm in found if rm.mention.text == "Paris")
    assert paris.place.country_code == "US"
    assert haversine_km(paris.place.lat, paris.place.lon, 33.66, -95.56) < 30


def test_article_focus_decides_ambiguous_names(parsers):
    text = ("Ukrainian officials said the strike on Kharkiv damaged a school. Another shell landed in "
            "Balakliia and a third near Kupiansk, in the Kharkiv region.")
    found = parse(parsers["spacy"], text)
    assert all(rm.place.country_code == "UA" for rm in found if rm.place and rm.mention.label != "NORP")


def test_demonym_names_its_country(parsers):
    found = parse(parsers["spacy"], "Ukrainian forces said the Russian army retreated.")
    countries = {rm.place.country_code for rm in found if rm.place}
    assert {"UA", "RU"} <= countries


def test_common_words_and_people_are_not_places(parsers):
    text = "President Biden met Mr Paris in Washington. March was cold. Nice work, said Victoria Smith."
    found = {rm.mention.text for rm in parse(parsers["spacy"], text)}
    assert "March" not in found and "Nice" not in found
    assert "Paris" not in found


def test_virus_names_are_not_places(parsers):
    found = {rm.mention.text for rm in parse(parsers["spacy"], "Cases of West Nile virus and Ebola fever rose.")}
    assert "West Nile" not in found and "Ebola" not in found


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_weapon_systems_named_like_towns_are_not_places(parsers, mode):
    text = ("A Pantsir battery and a Buk launcher near Belgorod failed to stop the strike; "
            "an Iskander was fired back at Kramatorsk.")
    found = {rm.mention.text for rm in parse(parsers[mode], text)}
    assert not found & {"Pantsir", "Buk", "Iskander"}
    assert {"Belgorod", "Kramatorsk"} <= found


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_words_that_are_only_a_foreign_alias_of_a_town_are_not_places(parsers, mode):
    text = ("You'd expect the talks to go well, Molotov told reporters after the BAI delegation "
            "landed. Kiev and Dnepropetrovsk sent envoys; Odessa did not.")
    found = {rm.mention.text: rm.place for rm in parse(parsers[mode], text)}
    assert not found.keys() & {"You'd", "Molotov", "BAI"}
    # aliases of famous cities, rare old names and near-spellings still count
    assert {"Kiev", "Dnepropetrovsk", "Odessa"} <= found.keys()
    assert found["Kiev"].country_code == found["Dnepropetrovsk"].country_code == "UA"


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_news_agencies_named_like_towns_are_not_places(parsers, mode):
    found = {rm.mention.text for rm in parse(parsers[mode], "Floods hit Wuhan on Monday, Xinhua reported.")}
    assert "Xinhua" not in found and "Wuhan" in found


@pytest.mark.parametrize("text, place", [
    # the small model tags the country, the city and the province as people
    ("Five nations have been hit by cholera: Burkina Faso, Cote d'Ivoire, Guinea and Mali.", "Burkina Faso"),
    ("He was taken to a hospital in Milton Keynes, where he later died.", "Milton Keynes"),
    ("New cases were found in Tocantins and Minas Gerais this week.", "Minas Gerais"),
    # ... and the place inside a span that names no one
    ("The dead: Sri Lanka - approximately 28,500, India - more than 10,000.", "Sri Lanka"),
    # a place before a title, or in a span that is no name, does not become a person's name
    ("A fire broke out in downtown Buffalo. According to Buffalo Fire Chief Smith, nobody was hurt.", "Buffalo"),
])
def test_places_the_model_calls_people_are_kept(parsers, text, place):
    assert place in {rm.mention.text for rm in parse(parsers["spacy"], text)}


def test_what_looks_like_a_persons_name():
    from mapper.recognition.context import after_last_title, looks_like_a_name

    assert looks_like_a_name("Mike Jansen") and looks_like_a_name("Ursula von der Leyen")
    assert not looks_like_a_name("Cornwall Fire and") and not looks_like_a_name("Trump - Wisconsin")
    assert after_last_title("Buffalo Fire Chief Smith") == "Smith"


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
@pytest.mark.parametrize("text, name, lat, lon", [
    ("Trains from Moscow to St. Petersburg were cancelled.", "St. Petersburg", 59.94, 30.31),
    ("The storm moved from Dallas to Ft. Worth overnight.", "Ft. Worth", 32.75, -97.33),
    ("The team flew from London, Ontario, to St. Thomas.", "St. Thomas", 42.78, -81.19),
])
def test_names_written_with_an_abbreviated_saint_or_fort(parsers, mode, text, name, lat, lon):
    found = {rm.mention.text: rm.place for rm in parse(parsers[mode], text)}
    assert haversine_km(found[name].lat, found[name].lon, lat, lon) < 30


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_places_named_like_diseases_count_where_written_as_places(parsers, mode):
    text = ("Cases of Marburg rose, and St. Louis encephalitis spread. The team played in St. Louis, "
            "and floods hit the provinces of Nyanza, Rift Valley and Coast.")
    found = {(rm.mention.text, rm.mention.start) for rm in parse(parsers[mode], text)}
    assert {t for t, _ in found} >= {"St. Louis", "Rift Valley"}
    assert "Marburg" not in {t for t, _ in found}
    assert (("St. Louis", text.index("St. Louis encephalitis")) not in found)


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_arabic_names_with_a_joined_article(parsers, mode):
    text = "Government troops entered Deir ez-Zor, while rebels held Jisr al-Shughur and Ras al-Ain."
    found = {rm.mention.text: rm.place for rm in parse(parsers[mode], text)}
    assert found["Deir ez-Zor"].country_code == "SY"
    # unknown to the embedded gazetteer: better no place than the first word's namesake
    assert not found.keys() & {"Jisr", "Ras"}


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_places_joined_by_a_hyphen(parsers, mode):
    text = ("Shelling along the Donetsk-Zaporizhzhia line and the Israel-Gaza war dominated talks; "
            "Jean-Pierre Dubois, who drives a Mercedes-Benz, flew in from Ivano-Frankivsk.")
    found = {rm.mention.text: rm.place for rm in parse(parsers[mode], text)}
    assert {"Donetsk", "Zaporizhzhia", "Gaza", "Ivano-Frankivsk"} <= found.keys()
    assert found["Gaza"].country_code == "PS" and found["Zaporizhzhia"].country_code == "UA"
    assert not found.keys() & {"Jean", "Pierre", "Mercedes", "Benz"}


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_a_neighbour_of_the_country_named_wins(parsers, mode):
    # Mozambique's Gaza province is bigger; the Gaza next to Israel is the one meant
    found = {rm.mention.text: rm.place for rm in parse(parsers[mode], "Israel struck Gaza again overnight.")}
    assert found["Gaza"].country_code == "PS"


def test_country_neighbours_come_from_the_boundaries():
    from gazetteer.boundaries import Boundaries

    borders = Boundaries.load().country_neighbours()
    assert {"RU", "PL", "BY"} <= borders["UA"] and "UA" in borders["RU"]
    assert "FR" not in borders["GB"]          # the Channel is no land border


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_a_plural_unit_word_makes_every_name_of_its_list_a_unit(parsers, mode):
    text = ("Drones were launched from Russia's Kursk and Oryol regions; shelling hit the Donetsk, "
            "Luhansk and Zaporizhzhia oblasts. Later Kherson itself was hit.")
    found = {rm.mention.text: rm.place for rm in parse(parsers[mode], text)}
    assert all(found[n].feature_code == "ADM1" for n in ("Kursk", "Oryol", "Donetsk", "Luhansk", "Zaporizhzhia"))
    assert found["Kherson"].feature_class == "P"


def test_small_towns_the_model_calls_people_or_cuts_badly_are_kept(parsers):
    text = ("Ukrainian troops held Krasnohorivka (Donetsk Oblast) and areas north of Avdiivka. "
            "In Lyman, two died. The mayor said the metro was shut.")
    found = {rm.mention.text: rm.place for rm in parse(parsers["spacy"], text)}
    assert {"Krasnohorivka", "Avdiivka", "Lyman"} <= found.keys()
    assert all(found[n].country_code == "UA" for n in ("Krasnohorivka", "Avdiivka", "Lyman"))
    assert "metro" not in found


def test_a_town_taken_or_shelled_is_a_place_whatever_the_model_calls_it(parsers):
    text = "Government troops recaptured Mocimboa da Praia, and artillery shelled Krynky overnight."
    found = {rm.mention.text: rm.place for rm in parse(parsers["spacy"], text)}
    assert found["Mocimboa da Praia"].country_code == "MZ"
    assert found["Krynky"].country_code == "UA"


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_a_capital_acting_as_its_government(parsers, mode):
    text = ("Russia says US-made missiles hit Kursk again, weeks after Washington gave the green light "
            "for Kyiv to use them. Wildfires meanwhile burned across Washington state.")
    found = parse(parsers[mode], text)
    actor, state = [rm for rm in found if rm.mention.text.startswith("Washington")]
    assert actor.place.feature_code == "PPLC" and actor.place.country_code == "US"
    assert state.place.feature_code == "ADM1"


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_a_common_word_is_a_place_where_the_sentence_puts_it_on_the_map(parsers, mode):
    text = "A tsunami hit the Indonesian island of Java. Officials said in English that Java was hit hard."
    found = [(rm.mention.text, rm.mention.start) for rm in parse(parsers[mode], text)]
    assert ("Java", text.index("Java")) in found
    assert not any(t == "English" for t, _ in found)


def test_each_choice_keeps_its_score_and_candidates(parsers):
    [rm] = [r for r in parse(parsers["spacy"], "Heavy fighting continued near Bakhmut.") if r.mention.text == "Bakhmut"]
    assert rm.candidates and rm.candidates[0][0] == rm.place.geonameid
    assert rm.components and isinstance(rm.score, float)


def test_nothing_to_find(parsers):
    assert parse(parsers["spacy"], "nothing here at all, just words.") == []


def test_cli_geoparse_jsonl_keeps_ids(gazetteer_path, tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({"id": "a1", "text": "Shelling hit Kherson."}) + "\n"
                 + json.dumps({"id": "a2"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["geoparse", str(f), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a1"]
    mention = lines[0]["mentions"][0]
    assert set(mention) >= {"start", "end", "text", "name", "geonameid", "lat", "lon", "feature_code",
                            "country_code", "admin1", "admin2", "score"}
    assert "no \"text\"" in result.stderr


def test_cli_geoparse_geojson_and_table(gazetteer_path, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("A drone hit Odesa.", encoding="utf-8")
    gj = json.loads(CliRunner().invoke(cli, ["geoparse", str(f), "--format", "geojson"]).stdout)
    assert gj["type"] == "FeatureCollection"
    lon, lat = gj["features"][0]["geometry"]["coordinates"]
    assert haversine_km(lat, lon, 46.48, 30.73) < 20
    table = CliRunner().invoke(cli, ["geoparse", str(f), "--format", "table", "--no-spacy"])
    assert "Odesa" in table.stdout


def test_cli_geoparse_all_bad_is_an_error(gazetteer_path, tmp_path):
    f = tmp_path / "empty.txt"
    f.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["geoparse", str(f)])
    assert result.exit_code == 1 and "Traceback" not in result.output


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_news_patterns(parsers, mode):
    text = ("The Kyiv-based group said Russia's Kursk Region was hit, north of Kharkiv and in Idlib "
            "Governorate. Shelling also hit Ivano-Frankivsk and Rostov-on-Don.")
    found = {rm.mention.text: rm.place for rm in parse(parsers[mode], text)}
    assert found["Kyiv"].country_code == "UA"
    assert found["Russia"].feature_code == "PCLI"
    assert found["Kursk Region"].feature_code == "ADM1"
    assert found["Idlib Governorate"].feature_code == "ADM1" and found["Idlib Governorate"].country_code == "SY"
    assert found["Ivano-Frankivsk"].country_code == "UA" and found["Rostov-on-Don"].country_code == "RU"


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_abbreviations_need_their_dot(parsers, mode):
    found = {rm.mention.text.rstrip("."): rm.place for rm in parse(parsers[mode], "Mass graves were found near the river.")}
    assert "Mass" not in found
    found = {rm.mention.text.rstrip("."): rm.place
             for rm in parse(parsers["gazetteer"], "The plant in Louisville, Ky. closed.")}
    assert found["Ky"].country_code == "US" and found["Ky"].feature_code == "ADM1"


def test_second_name_of_a_pair_is_the_unit_holding_the_first(parsers):
    # "Paris, Mo.": the abbreviation is Missouri because Missouri holds a Paris, even though
    # the same letters start a French town near the other Paris.
    found = parse(parsers["spacy"], "PARIS, Mo. — Farmers here moved their herd from Indiana last year.")
    places = {rm.mention.text: rm.place for rm in found}
    assert places["Mo."].feature_code == "ADM1" and places["Mo."].admin1 == "Missouri"
    assert places["PARIS"].country_code == "US" and places["PARIS"].admin1 == "Missouri"


def test_dateline_names_the_city(parsers):
    found = parse(parsers["spacy"], "WASHINGTON (Reuters) - Senators from Iowa and Ohio met the president on Monday.")
    dateline = next(rm for rm in found if rm.mention.text == "WASHINGTON")
    assert dateline.place.feature_class == "P"
    assert haversine_km(dateline.place.lat, dateline.place.lon, 38.9, -77.04) < 10


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_longest_known_name_wins(parsers, mode):
    found = parse(parsers[mode], "Health workers in Guinea-Bissau reported new cases on Friday.")
    assert [(rm.mention.text, rm.place.country_code) for rm in found] == [("Guinea-Bissau", "GW")]


def test_a_lone_name_is_not_its_own_evidence(parsers):
    # With no other place in the text, the best-known namesake wins: the article's focus must
    # come from its other names, not from the name being resolved.
    found = parse(parsers["spacy"], "Drone footage shows artillery strikes on residential areas near Lyman.")
    assert [rm.place.country_code for rm in found] == ["UA"]


def test_unknown_span_gives_way_to_the_known_name_inside(parsers):
    found = parse(parsers["spacy"], "Floods hit Eastern China again, and fishermen along the Kenyan coast were warned.")
    places = {rm.mention.text: rm.place for rm in found if rm.place}
    assert places.get("China") is not None and places["China"].country_code == "CN"


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_names_with_and_and_the_inside(parsers, mode):
    found = parse(parsers[mode], "Aid reached the Democratic Republic of the Congo, and Trinidad and Tobago sent doctors.")
    assert {rm.place.country_code for rm in found if rm.place} == {"CD", "TT"}


def test_a_list_of_states_is_not_a_place_and_its_state(parsers):
    found = parse(parsers["spacy"], "Bee losses were reported in Georgia, Oklahoma, Pennsylvania, Wisconsin and California.")
    codes = {rm.mention.text: rm.place.feature_code for rm in found if rm.place}
    assert codes["Oklahoma"] == "ADM1" and codes["Pennsylvania"] == "ADM1"


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_seas_and_regions_are_places(parsers, mode):
    text = "Drones flew over the Black Sea toward Crimea, while aid convoys crossed Darfur and the Sahel."
    places = {rm.mention.text: rm.place for rm in parse(parsers[mode], text) if rm.place}
    assert places["Black Sea"].feature_code == "SEA"
    assert haversine_km(places["Black Sea"].lat, places["Black Sea"].lon, 43.4, 34.3) < 300
    assert places["Darfur"].country_code == "SD" and places["Darfur"].feature_class == "L"


def test_unit_after_in_with_a_direction_qualifies_the_place(parsers):
    found = parse(parsers["spacy"], "The family bought a farm in Monroe County in northeast Missouri last spring.")
    county = next(rm for rm in found if rm.mention.text == "Monroe County")
    assert county.place.admin1 == "Missouri"


def test_names_are_read_again_against_the_others_final_places(gazetteer):
    # Read against first guesses, "Monroe County" lands in another state; once "Missouri" and
    # its towns are placed, the Missouri county fits the article better.
    from mapper.resolve import Resolver

    text = ("PARIS, Mo. — The crash happened in Monroe County on a highway north of Paris. "
            "Troopers from Missouri took the driver to a hospital in Columbia.")
    parser = Geoparser(gazetteer, use_spacy=True)
    mentions = parser.recognizer.mentions(Article(id="t", text=text))
    once = Resolver(gazetteer, refine=0).resolve(Article(id="t", text=text), mentions)
    settled = Resolver(gazetteer).resolve(Article(id="t", text=text), mentions)
    county = next(rm for rm in settled if rm.mention.text == "Monroe County")
    assert county.place.admin1 == "Missouri"
    assert all(rm.components for rm in settled if rm.place)      # explanations survive the passes
    assert len(once) == len(settled)


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_generic_word_ending_an_unknown_name_is_not_a_place(parsers, mode):
    # "Island" is Iceland's own name and "Bay" a Somali region; here they end names the gazetteer lacks.
    found = parse(parsers[mode], "Researchers on Waiheke Island, at Mahim Bay and at the Trillium Health Centre "
                                 "tested the samples.")
    assert not {rm.place.country_code for rm in found if rm.place} & {"IS", "SO", "FR", "BF", "CM"}


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_compass_words_qualify_the_name_after_them(parsers, mode):
    found = parse(parsers[mode], "Hospitals across South West England reported more cases.")
    assert [(rm.mention.text, rm.place.country_code) for rm in found if rm.place] == [("England", "GB")]
    found = parse(parsers[mode], "Police closed streets in Downtown Chicago.")
    assert [rm.mention.text for rm in found if rm.place] == ["Chicago"]


def test_only_real_person_names_hide_a_place_named_alone():
    from mapper.recognition.context import looks_like_a_name

    assert looks_like_a_name("Mike Jansen") and looks_like_a_name("Georgia van der Vaart")
    assert not looks_like_a_name("Trump - Wisconsin")
    assert not looks_like_a_name("Village Malakal")
    assert not looks_like_a_name("Madonna")


def test_gazetteer_only_path_finds_demonyms_too(parsers):
    found = parse(parsers["gazetteer"], "Turkish and South Korean officials met in Geneva; Anglo-French talks followed.")
    assert [(rm.mention.text, rm.place.country_code) for rm in found] == [
        ("Turkish", "TR"), ("South Korean", "KR"), ("Geneva", "CH")]


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_a_name_starting_with_a_possessive_is_read_whole(parsers, mode):
    found = parse(parsers[mode], "The health ministry of the People's Republic of China confirmed two cases.")
    assert [(rm.mention.text, rm.place.country_code) for rm in found] == [("People's Republic of China", "CN")]


def test_gazetteer_only_path_keeps_a_country_opening_a_sentence(parsers):
    found = parse(parsers["gazetteer"], "Officials met on Monday. Russia's defence ministry said China had been told.")
    assert [rm.place.country_code for rm in found] == ["RU", "CN"]


def test_explanations_can_be_left_out_without_changing_choices(gazetteer):
    text = "Officials in Paris, Texas, and in Springfield, Illinois, reported cases."
    full = Geoparser(gazetteer, use_spacy=False).parse(Article(id="a", text=text))
    lean = Geoparser(gazetteer, use_spacy=False, explain=False).parse(Article(id="a", text=text))
    assert [rm.place.geonameid for rm in full] == [rm.place.geonameid for rm in lean]
    assert [rm.score for rm in full] == [rm.score for rm in lean]
    assert all(rm.components for rm in full) and not any(rm.components for rm in lean)


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_towns_the_model_calls_people_are_places_when_named_in_full(parsers, mode):
    # The small model tags "Kiryat Shmona" PERSON; a name that opens with a word people's names
    # do not, and is the whole name of a town, is the town. A real person stays a person.
    text = ("Hezbollah fired rockets at Kiryat Shmona from southern Lebanon. "
            "Tom Price said on Monday the bill would pass.")
    places = {rm.mention.text: rm.place for rm in parse(parsers[mode], text)}
    assert places["Kiryat Shmona"].country_code == "IL"
    if mode == "spacy":     # without the NER nothing tells the politician from the mining town
        assert not any("Price" in name or "Tom" in name for name in places)


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_arabic_towns_written_without_their_article(parsers, mode):
    text = "Turkish drones hit Kurdish positions near Kobani and Qamishli in northeastern Syria."
    places = {rm.mention.text: rm.place for rm in parse(parsers[mode], text)}
    assert haversine_km(places["Qamishli"].lat, places["Qamishli"].lon, 37.05, 41.23) < 10


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_the_before_a_rivers_name_is_the_river(parsers, mode):
    text = ("Russian forces on the left bank of the Dnipro shelled Beryslav. In Dnipro, a missile hit "
            "a clinic. Barges stalled on the Mississippi; a storm later hit Mississippi and Alabama.")
    found = [(rm.mention.text, rm.place) for rm in parse(parsers[mode], text)]
    dnipro = [place for name, place in found if name == "Dnipro"]
    mississippi = [place for name, place in found if name == "Mississippi"]
    assert [p.feature_code for p in dnipro] == ["STM", "PPLA2"]       # the river, then the city
    assert [p.feature_code for p in mississippi] == ["STM", "ADM1"]   # the river, then the state
    assert "the before a river's name" in next(rm for rm in parse(parsers[mode], text)
                                               if rm.place.feature_code == "STM").components


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_a_dateline_is_the_capital_of_a_country_the_story_names(parsers, mode):
    # A story about Britain under a Washington dateline: its British places pull a bare
    # "Washington" to Washington, Tyne and Wear, but a dateline is where the reporter files from.
    text = ("WASHINGTON A former British spy who worked in London, Paris and Manchester briefed U.S. "
            "officials, people in Britain and England said. Washington declined to comment.")
    first = parse(parsers[mode], text)[0]
    assert first.mention.text == "WASHINGTON"
    assert (first.place.feature_code, first.place.country_code) == ("PPLC", "US")


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_a_name_two_countries_share_is_the_one_the_story_is_in(parsers, mode):
    # Bare "Congo" is mostly the DRC in the news; Brazzaville's Congo is the Republic of the Congo.
    for text, code in (("Troops were sent to Goma and Bukavu in eastern Congo as rebels advanced.", "CD"),
                       ("Flooding hit Brazzaville, the capital of Congo, and Pointe-Noire.", "CG"),
                       ("Congo declared a new Ebola outbreak in Equateur province.", "CD")):
        [congo] = [rm.place for rm in parse(parsers[mode], text) if rm.mention.text == "Congo"]
        assert (congo.feature_code, congo.country_code) == ("PCLI", code), text


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_a_capitals_name_is_the_capital_not_the_unit_named_like_it(parsers, mode):
    found = {rm.mention.text: rm.place for rm in parse(
        parsers[mode], "Gang violence rose in Rosario, Argentina, and in the suburbs of Buenos Aires.")}
    assert found["Buenos Aires"].feature_code == "PPLC"
    found = {rm.mention.text: rm.place for rm in parse(
        parsers[mode], "Wildfires spread across Washington and Oregon, forcing evacuations near Spokane.")}
    assert found["Washington"].feature_code == "ADM1"     # the state: no province of the capital
    found = {rm.mention.text: rm.place for rm in parse(
        parsers[mode], "Floods hit Buenos Aires province and parts of Santa Fe, Argentina.")}
    assert found["Buenos Aires province"].feature_code == "ADM1"


def test_common_words_the_model_calls_places_are_not(parsers):
    text = "Rebels attacked Bunia in Ituri province, killing 12 people at a camp for displaced people."
    found = [rm.mention.text for rm in parse(parsers["spacy"], text)]
    assert "Rebels" not in found and "Bunia" in found


def test_a_person_s_name_as_a_country_qualifying_a_place(parsers):
    found = {rm.mention.text: rm.place for rm in parse(
        parsers["spacy"], "Michael Jordan visited Amman, Jordan, for a charity event. Jordan said he loved it.")}
    assert found["Jordan"].feature_code == "PCLI" and found["Amman"].country_code == "JO"
    text = ("Jimmy Philmont, a teacher from Fairfield, was not worried. Asked about the outbreak in Texas, "
            "Philmont said he was not scared.")
    assert "Philmont" not in {rm.mention.text for rm in parse(parsers["spacy"], text)}


def test_a_town_the_model_calls_a_person_is_a_place_in_a_list_of_places(parsers):
    text = "Heavy fighting was reported around Bakhmut, Soledar and Chasiv Yar in Donetsk Oblast."
    found = {rm.mention.text: rm.place for rm in parse(parsers["spacy"], text)}
    assert found["Soledar"].country_code == "UA"
    text = "Mike Jansen, Soledar Smith and Tom Price met in Kyiv."   # people, listed with people
    assert "Soledar" not in {rm.mention.text for rm in parse(parsers["spacy"], text)}


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_a_common_word_before_its_state_is_a_place(parsers, mode):
    found = {rm.mention.text: rm.place for rm in parse(
        parsers[mode], "Residents of Flint, Michigan, still distrust the tap water.")}
    assert (found["Flint"].country_code, found["Flint"].admin1) == ("US", "Michigan")
    if mode == "gazetteer":      # (the small model calls this Flint a place by itself)
        assert "Flint" not in {rm.mention.text for rm in parse(parsers[mode], "Flint, the stone, is common. Flint is hard.")}


@pytest.mark.parametrize("mode", ["spacy", "gazetteer"])
def test_a_towns_own_name_beats_another_towns_spelling(parsers, mode):
    # "Pittsburgh" is also an old spelling of Pittsburg, California; the story's other places
    # are Californian, but the city that is called Pittsburgh, and is bigger, is meant.
    text = "Doctors in San Diego and Los Angeles, California, compared notes with colleagues in Pittsburgh."
    found = {rm.mention.text: rm.place for rm in parse(parsers[mode], text)}
    assert (found["Pittsburgh"].name, found["Pittsburgh"].admin1) == ("Pittsburgh", "Pennsylvania")
