"""The incident lexicons are data: they load, they are consistent, and the code reads them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mapper.evaluate import load_weapon_classes
from mapper.incidents import detect
from mapper.incidents.lexicon import LEXICON_FILES, LexiconError, TermIndex, compile_terms, load_lexicons, \
    validate_lexicons

LEXICONS = Path(detect.__file__).parent / "lexicons"


@pytest.fixture(scope="module")
def lex():
    return load_lexicons()


def test_every_file_is_json_with_a_comment():
    for name in LEXICON_FILES:
        data = json.loads((LEXICONS / name).read_text(encoding="utf-8"))
        assert isinstance(data, dict) and data.get("_comment"), name


def test_lexicons_validate(lex):
    assert validate_lexicons(lex) == []


def test_weapon_classes_file_keeps_its_format():
    raw = json.loads((LEXICONS / "weapon_classes.json").read_text(encoding="utf-8"))
    classes = {k: v for k, v in raw.items() if not k.startswith("_")}
    assert 5 <= len(classes) <= 15
    every = [k for v in classes.values() for k in v]
    assert len(every) == len(set(every))
    assert all(isinstance(k, str) and k == k.lower() for k in every)


def test_each_weapon_classifies_into_its_class(lex):
    wc = load_weapon_classes()
    for entry in lex.weapons:
        assert wc.classify(entry.name) == {entry.weapon_class}, entry.name


@pytest.mark.parametrize("name", ["ATACMS", "HIMARS", "Storm Shadow", "SCALP", "Shahed", "Iskander", "Kinzhal", "Kalibr",
                                  "S-300", "S-400", "Kh-101", "Kh-22", "Tochka-U", "Grad", "Smerch", "Uragan",
                                  "Glide bomb", "FAB", "Lancet", "Cluster munitions", "Artillery", "Mortar", "Drone",
                                  "Missile"])
def test_the_weapons_an_analyst_expects_are_there(lex, name):
    assert lex.weapon_entry(name) is not None


@pytest.mark.parametrize("surface,name", [("ATACMS missiles", "ATACMS"), ("Geran-2", "Shahed"), ("KAB", "Glide bomb"),
                                          ("Shahed drones", "Shahed"), ("mortar shells", "Mortar"),
                                          ("9N210 submunitions", "Cluster munitions"), ("Tochka-U", "Tochka-U")])
def test_weapon_surface_forms(lex, surface, name):
    found = lex.find_weapons(surface)
    assert found and found[0][2].name == name


def test_cue_kinds_are_the_ones_the_rules_read(lex):
    assert set(lex.cues) == set(detect.CUE_KINDS)


def test_taxonomy_has_every_type_the_rules_produce(lex):
    source = Path(detect.__file__).read_text(encoding="utf-8")
    import re

    produced = set(re.findall(r'Typing\((\w+), "([^"]+)"', source))
    names = {"EXPLOSIONS": "Explosions/Remote violence", "BATTLES": "Battles", "VAC": "Violence against civilians",
             "PROTESTS": "Protests", "RIOTS": "Riots", "SD": "Strategic developments"}
    for const, sub in produced:
        assert sub in lex.taxonomy[names[const]], (const, sub)
    for sub in ("Shelling/artillery/missile attack", "Air/drone strike", "Remote explosive/landmine/IED", "Grenade"):
        assert sub in lex.taxonomy["Explosions/Remote violence"]


def test_actor_templates(lex):
    from mapper.incidents.actors import Actors

    actors = Actors(lex, {"ukrainian": "UA", "russian": "RU", "georgian": "GE"},
                    {"UA": "Ukraine", "RU": "Russia", "GE": "Georgia", "FR": "France"})
    assert actors.name_for("military", "RU") == "Military Forces of Russia (2000-)"
    assert actors.name_for("military", "UA") == "Military Forces of Ukraine (2019-)"
    assert actors.name_for("military", "FR") == "Military Forces of France"
    assert actors.name_for("civilians", "UA") == "Civilians (Ukraine)"
    assert actors.name_for("protesters", "GE") == "Protesters (Georgia)"
    assert actors.name_for("military", None) == ""
    found = actors.find("Ukrainian militants and the Armed Forces of Russia clashed with Georgian police")
    assert [(a.kind, a.country) for a in found] == [("military", "UA"), ("military", "RU"), ("police", "GE")]


def test_settings_are_numbers(lex):
    assert 0 < lex.setting("confidence", "base_strong") <= 1
    assert lex.setting("parse", "max_tokens") > 10
    assert lex.setting("no", "such", default=7) == 7


def test_term_index_reads_like_the_regexes(lex):
    text = "Air-strikes and shelling hit the ceasefire line; a cease-fire was agreed, then shot down drones"
    for kind in lex.cues.values():
        regex = [(m.start(), m.end()) for m in kind.finditer(text)]
        index = [(s, e) for s, e, k, _ in lex.cue_index.find(text) if k == kind.name]
        excluded = [(s, e) for s, e, k, _ in lex.cue_exclude_index.find(text) if k == kind.name]
        index = [(s, e) for s, e in index if not any(xs <= s and e <= xe for xs, xe in excluded)]
        assert index == regex, kind.name


def test_term_index_plural_and_possessive():
    index = TermIndex({"w": ["drone", "glide bomb"]}, plural=True)
    assert [m[3] for m in index.find("drones, the drone's wreck, glide bombs")] == ["drones", "drone", "glide bombs"]
    assert compile_terms([]) is None


def test_a_broken_lexicon_is_a_clear_error(tmp_path):
    for name in LEXICON_FILES:
        shutil.copy(LEXICONS / name, tmp_path / name)
    (tmp_path / "triggers.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(LexiconError, match="triggers.json: not valid JSON"):
        load_lexicons(tmp_path)
    (tmp_path / "triggers.json").unlink()
    with pytest.raises(LexiconError, match="missing"):
        load_lexicons(tmp_path / "x")


def test_validation_finds_problems(tmp_path, lex):
    for name in LEXICON_FILES:
        shutil.copy(LEXICONS / name, tmp_path / name)
    weapons = json.loads((tmp_path / "weapons.json").read_text())
    weapons["weapons"].append({"name": "Trebuchet", "class": "siege", "terms": ["trebuchet"]})
    weapons["weapons"].append({"name": "Sling", "class": "artillery", "terms": ["sling"]})
    (tmp_path / "weapons.json").write_text(json.dumps(weapons))
    problems = validate_lexicons(load_lexicons(tmp_path))
    assert any("Trebuchet" in p and "siege" in p for p in problems)
    assert any("Sling" in p and "classifies" in p for p in problems)


@pytest.mark.parametrize("text, expected", [
    ("A tank fired on the houses.", ["Tank"]),
    ("A nitric acid tank was hit by artillery.", ["Artillery"]),
    ("Strikes damaged sunflower oil tanks at the port.", []),
    ("A tank of ammonia leaked after the blast.", []),
    ("Two civilians were shot and killed at the checkpoint.", ["Small arms"]),
    ("Five drones were shot down overnight.", ["Drone"]),
    ("Use of incendiaries over the village was reported.", ["Incendiary munitions"]),
])
def test_words_around_a_weapon_term_can_make_it_something_else(lex, text, expected):
    assert [w.name for _, _, w in lex.find_weapons(text)] == expected
