"""Dates, figures and typing rules of the incident extractor, one function at a time."""
from __future__ import annotations

import datetime as dt

import pytest

from mapper.incidents.dates import find_dates
from mapper.incidents.detect import classify, find_cues
from mapper.incidents.lexicon import load_lexicons
from mapper.incidents.numbers import Numbers, parse_number

WED = dt.date(2024, 11, 27)       # a Wednesday


@pytest.fixture(scope="module")
def lex():
    return load_lexicons()


@pytest.fixture(scope="module")
def numbers(lex):
    return Numbers(lex)


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize("text,expected,precision", [
    ("on Saturday", "2024-11-23", 1),
    ("Monday", "2024-11-25", 1),
    ("on Wednesday", "2024-11-27", 1),          # the article's own weekday: that day
    ("last Wednesday", "2024-11-20", 1),        # "last": strictly before
    ("Last Saturday", "2024-11-23", 1),
    ("Monday's strike", "2024-11-25", 1),
    ("yesterday", "2024-11-26", 1),
    ("last night", "2024-11-26", 1),
    ("the day before yesterday", "2024-11-25", 1),
    ("on November 23", "2024-11-23", 1),
    ("on 23 November", "2024-11-23", 1),
    ("Nov. 23", "2024-11-23", 1),
    ("November 23, 2024", "2024-11-23", 1),
    ("on December 3", "2023-12-03", 1),         # never after the article: last year's
    ("2024-11-21", "2024-11-21", 1),
    ("21.11.2024", "2024-11-21", 1),
    ("three days ago", "2024-11-24", 1),
    ("last week", "2024-11-18", 2),
    ("earlier this week", "2024-11-25", 2),
    ("two weeks ago", "2024-11-13", 2),
    ("last month", "2024-10-01", 3),
    ("in March", "2024-03-01", 3),
])
def test_relative_dates(text, expected, precision):
    found = find_dates(text, WED)
    assert len(found) == 1
    assert found[0].date.isoformat() == expected
    assert found[0].precision == precision


def test_dates_after_the_article_are_never_event_dates():
    found = find_dates("on 2025-01-05 and next Monday", WED)
    assert [d.date for d in found] == [None, None]
    assert all(d.future for d in found)


def test_no_date_without_a_base_for_relative_words():
    assert find_dates("on Saturday", None) == []
    assert find_dates("on 2024-11-23", None)[0].date == dt.date(2024, 11, 23)


def test_words_that_are_not_dates():
    assert find_dates("The ministry may respond. Troops march. 5 km away.", WED) == []
    assert find_dates("", WED) == []


# --------------------------------------------------------------------------- figures

@pytest.mark.parametrize("text,killed,injured", [
    ("Two people were killed and 12 injured", 2, 12),
    ("killing three civilians and injuring 11 others", 3, 11),
    ("the deaths of two individuals", 2, None),
    ("left two Russians dead", 2, None),
    ("1 x fatality 12 x wounded", 1, 12),
    ("Four people reported dead (including one child), 18 reported injured", 4, 18),
    ("a man was killed and two women were injured", 1, 2),
    ("injuring a 67-year-old woman", None, 1),
    ("No casualties were reported.", None, None),
])
def test_casualties(numbers, text, killed, injured):
    k, i, conflicts = numbers.casualties(text)
    assert (k, i) == (killed, injured)
    assert conflicts == []


def test_contradictory_casualties_are_reported_not_guessed(numbers):
    k, i, conflicts = numbers.casualties("Two people were killed. Later, three people were killed, officials said.")
    assert k is None and conflicts


@pytest.mark.parametrize("text,counts", [
    ("attacked with five ATACMS missiles, three missiles were shot down and two reached their target",
     {"fired": 5, "intercepted": 3, "hit": 2}),
    ("Russia launched 40 drones overnight; air defences shot down 35 of them", {"fired": 40, "intercepted": 35}),
    ("the army fired 12 missiles, of which 10 were intercepted", {"fired": 12, "intercepted": 10}),
    ("In both attacks some missiles were intercepted", {}),
])
def test_weapon_counts(numbers, text, counts):
    assert numbers.counts(text) == (counts, [])


def test_inconsistent_counts_are_a_conflict(numbers):
    counts, conflicts = numbers.counts("Ukraine fired three missiles; four missiles were shot down and two hit their target")
    assert counts["fired"] == 3 and conflicts


def test_detained(numbers):
    assert numbers.detained("police detained 38 protesters") == 38
    assert numbers.detained("12 people were arrested") == 12
    assert numbers.detained("police detained protesters") is None


def test_parse_number():
    words = {"twenty": 20, "five": 5, "a dozen": 12}
    assert parse_number("1,200", words) == 1200
    assert parse_number("twenty-five", words) == 25
    assert parse_number("a dozen", words) == 12
    assert parse_number("many", words) is None


# --------------------------------------------------------------------------- typing

def _type(lex, text, weapons=frozenset(), **kw):
    t = classify(find_cues(lex, text), set(weapons), **kw)
    return (t.event_type, t.sub_event_type, t.strong) if t else None


@pytest.mark.parametrize("text,weapons,expected", [
    ("Russian forces shelled the town", (), ("Explosions/Remote violence", "Shelling/artillery/missile attack", True)),
    ("A Shahed drone struck a house", ("drone",), ("Explosions/Remote violence", "Air/drone strike", True)),
    ("An airstrike hit the market", (), ("Explosions/Remote violence", "Air/drone strike", True)),
    ("A car stepped on a landmine", ("mine",), ("Explosions/Remote violence", "Remote explosive/landmine/IED", True)),
    ("A man threw a grenade into the bar", ("grenade",), ("Explosions/Remote violence", "Grenade", True)),
    ("Two drones were shot down", ("drone",), ("Strategic developments", "Disrupted weapons use", True)),
    ("Five missiles were fired, three were shot down and two hit their target", ("missile",),
     ("Explosions/Remote violence", "Shelling/artillery/missile attack", True)),
    ("Troops clashed near the village", (), ("Battles", "Armed clash", True)),
    ("Soldiers executed two civilians", (), ("Violence against civilians", "Attack", True)),
    ("Gunmen abducted a local official", (), ("Violence against civilians", "Abduction/forced disappearance", True)),
    ("Thousands rallied in the square", (), ("Protests", "Peaceful protest", True)),
    ("Police used tear gas to disperse protesters", (), ("Protests", "Protest with intervention", True)),
    ("Protesters threw stones and set fire to cars", (), ("Riots", "Violent demonstration", True)),
    ("A mob lynched a man", (), ("Riots", "Mob violence", True)),
    ("Police arrested three suspects in a raid", (), ("Strategic developments", "Arrests", True)),
    ("The sides signed a ceasefire agreement", (), ("Strategic developments", "Agreement", True)),
    ("Soldiers looted a supermarket", (), ("Strategic developments", "Looting/property destruction", True)),
    ("Residential building damaged. Large crater.", (), ("Explosions/Remote violence", "Shelling/artillery/missile attack", False)),
    ("Civilian vehicles hit by machine-gun fire", ("small_arms",), ("Violence against civilians", "Attack", True)),
    ("The budget was approved by parliament", (), None),
])
def test_types(lex, text, weapons, expected):
    civilian = "civilian" in text.lower()
    assert _type(lex, text, weapons, civilian_target=civilian) == expected


def test_territory_changes_depend_on_who(lex):
    assert _type(lex, "Troops recaptured the village", state_actor=True)[1] == "Government regains territory"
    assert _type(lex, "Militants captured the town", state_actor=False)[1] == "Non-state actor overtakes territory"
    assert _type(lex, "Russian forces captured the village", state_actor=True)[1] == "Armed clash"


def test_excluded_phrases_are_not_cues(lex):
    assert _type(lex, "Workers went on strike over pay") is None
    assert _type(lex, "He had a heart attack") is None
    assert [c.kind for c in find_cues(lex, "Riot police stood by")] == ["intervention"]
