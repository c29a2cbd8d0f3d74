"""Actors read from spaCy's dependency parse: subjects, "by" agents, objects, passive subjects."""
from __future__ import annotations

import datetime as dt

import pytest

from mapper.model import Article

UA = "Military Forces of Ukraine (2019-)"
RU = "Military Forces of Russia (2000-)"


@pytest.fixture(scope="module")
def extract(gazetteer):
    from mapper.geoparse import Geoparser
    from mapper.incidents import extract_incidents
    from mapper.nlp import load_spacy

    if load_spacy(("parser", "ner")) is None:
        pytest.skip("no spaCy English model installed")
    geoparser = Geoparser(gazetteer, use_spacy=True)

    def run(text: str):
        return extract_incidents(Article(id="t", text=text, date=dt.date(2024, 5, 20)), geoparser=geoparser)

    return run


def test_active_subject_and_civilian_object(extract):
    [inc] = extract("Russian forces shelled Kharkiv on Monday, killing two civilians.")
    assert (inc.actor1, inc.actor2) == (RU, "Civilians (Ukraine)")


def test_country_as_subject(extract):
    # the words alone miss this one: "Ukraine" is a place name acting
    [inc] = extract("Ukraine launched ATACMS missiles at an airfield near Kursk on Saturday.")
    assert inc.actor1 == UA
    assert inc.actor2 == RU
    assert inc.target == "airfield"


def test_demonym_with_unlisted_noun_as_subject(extract):
    [inc] = extract("The Russian occupiers attacked Kherson with drones, wounding three residents.")
    assert (inc.actor1, inc.actor2) == (RU, "Civilians (Ukraine)")


def test_of_phrase_names_the_country(extract):
    [inc] = extract("In Kharkiv, troops of Russia shelled residential buildings and wounded five people on Friday.")
    assert inc.actor1 == RU
    assert inc.actor2 == "Civilians (Ukraine)"


def test_passive_with_by_agent(extract):
    [inc] = extract("Kharkiv was shelled by Russian troops on Tuesday.")
    assert inc.actor1 == RU


def test_passive_subject_is_the_victim_and_by_agent_a_weapon(extract):
    [inc] = extract("Two civilians were killed by a Russian drone in Nikopol on Sunday.")
    assert inc.actor1 == RU
    assert inc.actor2 == "Civilians (Ukraine)"


def test_object_names_the_other_side(extract):
    [inc] = extract("Ukrainian forces struck a Russian air-defence battery near Belgorod on Sunday.")
    assert (inc.actor1, inc.actor2) == (UA, RU)
    assert inc.target == "air-defence battery"


def test_no_actor(extract):
    [inc] = extract("An explosion hit Odesa overnight on Monday.")
    assert (inc.actor1, inc.actor2) == ("", "")


def test_parse_roles_directly(extract):
    """The parse reads the agent of a passive and the object of a participle."""
    from mapper.incidents.extract import _extractor
    from mapper.incidents.statements import Statement
    from mapper.incidents.detect import find_cues
    from mapper.nlp import load_spacy

    ex = _extractor(True)
    nlp = load_spacy(("parser",))
    text = "Kherson was attacked by Russian troops, killing a pensioner."
    terms = ex.lex.find_terms(text)
    st = Statement(0, 0, len(text), text, find_cues(ex.lex, text, terms), [], sdoc=nlp(text), terms=terms)
    mentions = ex.actors.find(text, terms)
    agent, patient = ex.roles.from_parse(st, st.cues, mentions, ex.actors.targets(text, terms))
    assert agent[:3] == ("actor", "military", "RU")
    assert patient[:2] == ("actor", "civilians")
    assert text[patient[3]:patient[4]] == "a pensioner"


def test_they_as_subject_is_the_last_attacker(extract):
    found = extract("Russian forces shelled Kupiansk on Monday, killing two civilians. "
                    "They also struck Vovchansk with glide bombs on Tuesday, local officials said.")
    by_place = {i.location: i for i in found}
    assert by_place["Vovchansk"].actor1 == RU


def test_they_with_no_earlier_attacker_names_nobody(extract):
    found = extract("They struck Vovchansk with glide bombs on Tuesday, local officials said.")
    assert [i.actor1 for i in found] == [""]
