"""Incident extraction end to end on the example articles (written for mapper, in news style)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mapper.articles import parse_text_article
from mapper.model import Article

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def geoparser(gazetteer):
    from mapper.geoparse import Geoparser
    from mapper.nlp import load_spacy

    if load_spacy(("ner",)) is None:
        pytest.skip("no spaCy English model installed")
    return Geoparser(gazetteer, use_spacy=True)


@pytest.fixture(scope="module")
def extractor(geoparser):
    from mapper.incidents import Extractor

    return Extractor(geoparser)


def example(name: str) -> Article:
    path = EXAMPLES / name
    return parse_text_article(path.read_text(encoding="utf-8"), path.stem, str(path))


@pytest.fixture(scope="module")
def kursk(extractor):
    return extractor.extract(example("kursk-atacms-strikes-2024-11-27.txt"))


@pytest.fixture(scope="module")
def kharkiv(extractor):
    return extractor.extract(example("kharkiv-shelling-2024-05-19.txt"))


def on(incidents, date: str):
    return [i for i in incidents if i.event_date == dt.date.fromisoformat(date)]


# --------------------------------------------------------------------------- the Kursk ATACMS report

def test_kursk_saturday_strike(kursk):
    [sat] = on(kursk, "2024-11-23")
    assert (sat.event_type, sat.sub_event_type) == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert sat.weapon == "ATACMS"
    assert sat.counts == {"fired": 5, "intercepted": 3, "hit": 2}
    assert sat.fatalities == 2
    assert sat.actor1 == "Military Forces of Ukraine (2019-)"
    assert sat.actor2 == "Military Forces of Russia (2000-)"
    assert "S-400" in sat.target
    assert sat.time_precision == 1
    # the village the gazetteer does not know, at the district the article names, "near a town" precision
    assert sat.location == "Marmyzhi"
    assert sat.admin1_code == "RU.41" and sat.country == "Russia"
    assert "Ryl" in sat.admin2 and sat.geo_precision == 2
    assert "five ATACMS missiles" in sat.notes
    assert sat.event_id_cnty.startswith("RUS")


def test_kursk_monday_strike(kursk):
    [mon] = on(kursk, "2024-11-25")
    assert mon.weapon == "ATACMS"
    assert mon.location == "Kremyanoye"          # "near Kremyanoye, west of Kursk": placed at Kursk
    assert mon.geo_precision == 2 and mon.admin1_code == "RU.41"
    assert abs(mon.latitude - 51.73) < 0.1 and abs(mon.longitude - 36.19) < 0.1
    assert mon.confidence < 0.7                 # a sentence of it gives two different days


def test_kursk_nothing_at_the_capitals(kursk):
    assert len(kursk) == 2
    assert all(i.country_code == "RU" and i.admin1_code == "RU.41" for i in kursk)
    for i in kursk:
        assert i.location not in ("Washington", "Moscow", "Kyiv", "Kiev", "Russia", "United States")
        assert not (50.3 < i.latitude < 50.6 and 30.3 < i.longitude < 30.8)      # Kyiv
        assert not (55.5 < i.latitude < 56.0 and 37.3 < i.longitude < 38.0)      # Moscow
        assert i.longitude > 0                                                   # nothing in America
        assert all(d is None or d <= dt.date(2024, 11, 27) for d in (i.event_date,))


# --------------------------------------------------------------------------- the Kharkiv shelling report

def test_kharkiv_types_and_places(kharkiv):
    by_place = {i.location: i for i in kharkiv}
    assert set(by_place) >= {"Saltivka", "Lyptsi", "Velykyi Burluk", "Vovchansk"}
    saltivka = by_place["Saltivka"]
    assert (saltivka.event_date, saltivka.fatalities, saltivka.injured) == (dt.date(2024, 5, 19), 3, 11)
    assert saltivka.actor1 == "Military Forces of Russia (2000-)" and saltivka.actor2 == "Civilians (Ukraine)"
    assert saltivka.weapon == "S-300"           # from the next sentence, which names no place
    lyptsi = by_place["Lyptsi"]
    assert lyptsi.sub_event_type == "Air/drone strike" and lyptsi.weapon == "Shahed" and lyptsi.geo_precision == 1
    burluk = by_place["Velykyi Burluk"]
    assert burluk.event_date == dt.date(2024, 5, 18) and burluk.weapon == "Artillery" and "school" in burluk.target
    battle = by_place["Vovchansk"]
    assert (battle.event_type, battle.sub_event_type, battle.geo_precision) == ("Battles", "Armed clash", 2)
    assert battle.actor1 == "Military Forces of Ukraine (2019-)" and battle.actor2 == "Military Forces of Russia (2000-)"


def test_kharkiv_nationwide_interceptions_stay_apart(kharkiv):
    [sd] = [i for i in kharkiv if i.sub_event_type == "Disrupted weapons use"]
    assert sd.counts == {"intercepted": 24} and sd.geo_precision == 3 and sd.location == "Ukraine"
    assert sd.confidence < 0.6
    assert all(i.counts.get("intercepted") is None for i in kharkiv if i is not sd)


# --------------------------------------------------------------------------- protests, and no incident

def test_protest_escalates_to_riot(extractor):
    found = extractor.extract(example("tbilisi-protest-2024-12-02.txt"))
    by_place = {i.location: i for i in found}
    tbilisi, batumi = by_place["Tbilisi"], by_place["Batumi"]
    assert (tbilisi.event_type, tbilisi.sub_event_type) == ("Riots", "Violent demonstration")
    assert tbilisi.counts == {"detained": 38} and tbilisi.actor2 == "Police Forces of Georgia (2013-)"
    assert (batumi.event_type, batumi.sub_event_type, batumi.actor1) == ("Protests", "Peaceful protest", "Protesters (Georgia)")
    assert tbilisi.event_date == batumi.event_date == dt.date(2024, 12, 1)
    assert len(found) == 2                      # "would hold another rally on Tuesday" is no incident


def test_no_incident_article(extractor):
    assert extractor.extract(example("budget-no-incident-2024-10-15.txt")) == []


@pytest.mark.parametrize("text", ["", "   \n", "Hello.", "The weather in Kyiv was sunny on Monday.", "12345"])
def test_empty_and_harmless_texts(extractor, text):
    assert extractor.extract(Article(id="x", text=text, date=dt.date(2024, 5, 1))) == []


# --------------------------------------------------------------------------- merging, conflicts, dates

def test_repeats_of_one_incident_merge(extractor):
    text = ("Russian forces shelled Izium on Monday, killing two civilians. "
            "The shelling of Izium on Monday also wounded five people, the governor said. "
            "Officials later said three people had died in Monday's shelling of Izium.")
    found = extractor.extract(Article(id="izium", text=text, date=dt.date(2024, 3, 6)))
    assert len(found) == 1
    [inc] = found
    assert inc.event_date == dt.date(2024, 3, 4) and inc.fatalities == 3 and inc.injured == 5
    assert inc.location in ("Izyum", "Izium")


def test_distinct_incidents_stay_apart(extractor):
    text = ("A missile struck Odesa on Tuesday, injuring four people. "
            "On Wednesday, a drone attack hit Sumy, killing one man.")
    found = extractor.extract(Article(id="two", text=text, date=dt.date(2024, 3, 7)))
    assert sorted((i.location, i.event_date.isoformat()) for i in found) == [("Odesa", "2024-03-05"), ("Sumy", "2024-03-06")]
    assert {i.sub_event_type for i in found} == {"Shelling/artillery/missile attack", "Air/drone strike"}


def test_contradictory_dates_lower_confidence(extractor):
    text = "Shelling hit Kupiansk on Monday on Friday, officials said."
    [inc] = extractor.extract(Article(id="c", text=text, date=dt.date(2024, 3, 6)))
    assert inc.event_date is None and inc.confidence <= 0.4
    assert "dates disagree" in inc.notes and "Shelling hit Kupiansk" in inc.notes


def test_future_dates_are_not_used(extractor):
    text = "Russian forces shelled Kherson on 2024-04-02."
    [inc] = extractor.extract(Article(id="f", text=text, date=dt.date(2024, 3, 6)))
    assert inc.event_date is None or inc.event_date <= dt.date(2024, 3, 6)
    assert inc.confidence <= 0.4


def test_contradictory_counts_lower_confidence(extractor):
    text = "On Monday Russia fired three missiles at Dnipro; four missiles were shot down and two hit their target."
    [inc] = extractor.extract(Article(id="n", text=text, date=dt.date(2024, 3, 6)))
    assert inc.confidence <= 0.5 and "counts" in inc.notes


def test_report_dates_are_not_event_dates(extractor):
    text = "A drone hit a house in Kharkiv on Sunday, the governor said on Monday."
    [inc] = extractor.extract(Article(id="r", text=text, date=dt.date(2024, 3, 6)))
    assert inc.event_date == dt.date(2024, 3, 3)


def test_articles_without_a_date(extractor):
    [inc] = extractor.extract(Article(id="nd", text="Artillery shelled Kherson, killing one man."))
    assert inc.event_date is None and inc.fatalities == 1


def test_dateline_places_short_reports(extractor):
    [inc] = extractor.extract(Article(id="d", text="Mariupol. Residential building hit by missile.",
                                      date=dt.date(2022, 3, 1)))
    assert inc.location == "Mariupol" and inc.geo_precision == 1 and inc.weapon == "Missile"


# --------------------------------------------------------------------------- API

def test_event_ids_are_unique_and_stable(extractor):
    first = extractor.extract(example("kharkiv-shelling-2024-05-19.txt"))
    again = extractor.extract(example("kharkiv-shelling-2024-05-19.txt"))
    ids = [i.event_id_cnty for i in first]
    assert len(set(ids)) == len(ids) and ids == [i.event_id_cnty for i in again]
    assert all(i.event_id_cnty[:3] == "UKR" for i in first)


def test_source_fields(kharkiv):
    for i in kharkiv:
        assert i.article_id == i.source == "kharkiv-shelling-2024-05-19"
        assert i.source_date == dt.date(2024, 5, 19)
        assert 0.0 < i.confidence <= 1.0
        record = i.to_record()
        assert record["year"] == 2024 and record["event_date"].startswith("2024-05")


def test_extract_many_and_module_functions(geoparser):
    from mapper.incidents import Extractor, extract_incidents

    ex = Extractor(geoparser)
    articles = [example("budget-no-incident-2024-10-15.txt"), example("tbilisi-protest-2024-12-02.txt")]
    out = list(ex.extract_many(articles))
    assert [a.id for a, _ in out] == [a.id for a in articles]
    assert out[0][1] == [] and len(out[1][1]) == 2
    assert len(extract_incidents(articles[1], geoparser=geoparser)) == 2


def test_without_spacy(gazetteer):
    from mapper.geoparse import Geoparser
    from mapper.incidents import Extractor

    ex = Extractor(Geoparser(gazetteer, use_spacy=False))
    found = ex.extract(example("kursk-atacms-strikes-2024-11-27.txt"))
    sat = on(found, "2024-11-23")
    assert sat and sat[0].weapon == "ATACMS" and sat[0].counts == {"fired": 5, "intercepted": 3, "hit": 2}
    assert ex.extract(example("budget-no-incident-2024-10-15.txt")) == []


def test_two_incidents_in_one_sentence(extractor):
    text = "On Tuesday, Russian shelling hit Kharkiv, while a drone attack struck Odesa, killing two people."
    found = extractor.extract(Article(id="two-in-one", text=text, date=dt.date(2024, 3, 8)))
    by_place = {i.location: i for i in found}
    assert set(by_place) == {"Kharkiv", "Odesa"}
    assert by_place["Odesa"].fatalities == 2 and by_place["Kharkiv"].fatalities is None
    assert by_place["Odesa"].sub_event_type == "Air/drone strike"
    assert by_place["Kharkiv"].actor1 == "Military Forces of Russia (2000-)"
    assert {i.event_date for i in found} == {dt.date(2024, 3, 5)}


def test_capitals_as_political_actors(extractor):
    text = "Kyiv accused Moscow of shelling Kherson on Monday, killing three civilians."
    [inc] = extractor.extract(Article(id="acc", text=text, date=dt.date(2024, 3, 8)))
    assert inc.location == "Kherson" and inc.actor1 == "Military Forces of Russia (2000-)"


# --------------------------------------------------------------------------- beyond Ukraine: named groups, gunmen

def test_named_armed_groups_are_actors(extractor):
    text = ("Hezbollah fired rockets at Kiryat Shmona on Wednesday, injuring two people. "
            "Al-Shabaab militants attacked a military base near Mogadishu on Thursday, killing five soldiers.")
    found = {i.location: i for i in extractor.extract(Article(id="groups", text=text, date=dt.date(2026, 11, 14)))}
    rockets = next(i for loc, i in found.items() if "Shmona" in loc)
    assert rockets.actor1 == "Hezbollah" and rockets.event_type == "Explosions/Remote violence"
    raid = found["Mogadishu"]
    assert (raid.event_type, raid.sub_event_type) == ("Battles", "Armed clash")
    assert (raid.actor1, raid.actor2) == ("Al Shabaab", "Military Forces of Somalia")
    assert raid.fatalities == 5


def test_gunmen_killing_villagers_is_an_attack_on_civilians(extractor):
    text = "Gunmen killed 14 villagers in Zamfara State on Sunday, officials in Gusau said."
    [inc] = extractor.extract(Article(id="zamfara", text=text, date=dt.date(2026, 11, 16)))
    assert (inc.event_type, inc.sub_event_type) == ("Violence against civilians", "Attack")
    assert inc.actor2 == "Civilians (Nigeria)" and inc.fatalities == 14 and inc.admin1 == "Zamfara State"


def test_named_groups_match_as_written_only():
    from mapper.incidents.actors import Actors
    from mapper.incidents.lexicon import load_lexicons

    actors = Actors(load_lexicons(), {}, {"SY": "Syria", "IQ": "Iraq"})
    found = actors.find("SDF fighters clashed with Islamic State militants; the hts config and rsf file were fine.")
    assert [(a.text, actors.name(a, "SY")) for a in found][:2] == [
        ("SDF fighters", "SDF: Syrian Democratic Forces"), ("Islamic State militants", "Islamic State (Syria)")]
    assert not any(a.text.lower() in ("hts", "rsf") for a in found)
    assert actors.name_for("islamic_state", None) == "" and actors.name_for("hezbollah", None) == "Hezbollah"


def test_a_village_the_gazetteer_lacks_is_not_a_namesake_abroad(extractor):
    # "Wad" is an alternate name of Vad, Russia; the story is about Sudan.
    text = ("RSF fighters stormed the village of Wad al-Nourah in Gezira State on Friday and killed "
            "more than 100 villagers, activists said.")
    [inc] = extractor.extract(Article(id="wad", text=text, date=dt.date(2026, 10, 12)))
    assert inc.location == "Wad al-Nourah" and inc.country_code == "SD" and inc.geo_precision > 1
    assert (inc.event_type, inc.sub_event_type) == ("Violence against civilians", "Attack")
    assert inc.actor1 == "RSF: Rapid Support Forces" and inc.fatalities == 100


def test_force_against_protesters_and_references_to_an_attack(extractor):
    text = ("Security forces opened fire on protesters in Zahedan on Thursday, killing six. "
            "A roadside bomb exploded near a police vehicle in Kandahar on Monday, killing three officers. "
            "The Taliban blamed Islamic State militants for the attack.")
    found = {i.location: i for i in extractor.extract(Article(id="force", text=text, date=dt.date(2026, 10, 10)))}
    assert found["Zahedan"].sub_event_type == "Excessive force against protesters"
    assert found["Zahedan"].fatalities == 6
    kandahar = [i for loc, i in found.items() if loc.startswith("Kandah")]
    assert [i.sub_event_type for i in kandahar] == ["Remote explosive/landmine/IED"]   # "the attack" is the same one


def test_a_named_group_on_the_receiving_end_is_actor2(extractor):
    text = ("Turkish drones hit Kurdish positions near Qamishli in northeastern Syria on Tuesday, "
            "killing four SDF fighters, a war monitor said.")
    [inc] = extractor.extract(Article(id="sdf", text=text, date=dt.date(2026, 11, 18)))
    assert (inc.actor1, inc.actor2) == ("Military Forces of Turkey", "SDF: Syrian Democratic Forces")
    assert inc.country_code == "SY" and inc.fatalities == 4
