"""Incident statements: which sentences report an incident, and of which ACLED type.

A statement's cues (trigger verbs and nouns of ``triggers.json``) and weapons decide its
``event_type`` / ``sub_event_type`` with the rules of :func:`classify`, in ACLED's spirit:

- a protest with violence is a riot; with police intervention, a protest with intervention;
- direct violence against civilians (executions, shootings, abductions) is violence against
  civilians, while shelling that kills civilians stays remote violence;
- a missile or drone attack of which some weapons got through is an attack; one whose
  weapons were all intercepted is a strategic development (disrupted weapons use);
- damage or casualty language without a trigger still makes a (weak) incident of a plausible type.

>>> from mapper.incidents.lexicon import load_lexicons
>>> lex = load_lexicons()
>>> classify(find_cues(lex, "Police used tear gas to disperse protesters"), set()).sub_event_type
'Protest with intervention'
>>> classify(find_cues(lex, "Two drones were shot down over the city"), {"drone"}).sub_event_type
'Disrupted weapons use'
>>> classify(find_cues(lex, "A Shahed drone hit a house"), {"drone"}).sub_event_type
'Air/drone strike'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Cue", "Typing", "find_cues", "classify", "CUE_KINDS"]

# The kinds classify() reads; tests check that triggers.json defines exactly these.
CUE_KINDS = ("remote_attack", "weak_hit", "air_strike", "explosion", "ied", "grenade", "interception", "clash",
             "retake", "capture", "civilian_attack", "abduction", "protest", "intervention", "riot", "mob",
             "arrest", "base", "agreement", "transfer", "other_development", "looting", "casualty", "damage")

EXPLOSIONS = "Explosions/Remote violence"
BATTLES = "Battles"
VAC = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
SD = "Strategic developments"


@dataclass(frozen=True)
class Cue:
    kind: str
    start: int
    end: int
    text: str
    strength: str


@dataclass(frozen=True)
class Typing:
    event_type: str
    sub_event_type: str
    strong: bool          # an explicit trigger, not only damage/casualty language
    cue: Cue | None       # the cue that decided the type (its position anchors the incident)


def find_cues(lex, text: str, found=None) -> list[Cue]:
    """Every cue of the statement, in text order (a position may carry several kinds).

    ``found``: the statement's :meth:`Lexicons.find_terms`, when already computed.
    """
    excluded: dict[str, list[tuple[int, int]]] = {}
    if found is None:
        found = lex.cue_and_exclude_index.find(text)
    for s, e, kind, _ in found:
        if kind[0] == "!":
            excluded.setdefault(kind[1:], []).append((s, e))
    out = []
    for s, e, kind, surface in found:
        if kind[0] == "!" or kind[1] == ":" or any(xs <= s and e <= xe for xs, xe in excluded.get(kind, ())):
            continue
        out.append(Cue(kind, s, e, surface, lex.cues[kind].strength))
    out.sort(key=lambda c: (c.start, -c.end))
    return out


def _first(cues: list[Cue], *kinds: str) -> Cue | None:
    for c in cues:
        if c.kind in kinds:
            return c
    return None


def _explosion_sub(cues: list[Cue], weapon_classes: set[str]) -> str:
    kinds = {c.kind for c in cues}
    if "ied" in kinds or weapon_classes == {"mine"}:
        return "Remote explosive/landmine/IED"
    if "grenade" in kinds or weapon_classes == {"grenade"}:
        return "Grenade"
    if "air_strike" in kinds or (weapon_classes & {"drone", "air_strike"} and not weapon_classes & {"missile", "artillery"}):
        return "Air/drone strike"
    return "Shelling/artillery/missile attack"


def classify(cues: list[Cue], weapon_classes: set[str], *, state_actor: bool | None = None,
             civilian_target: bool = False) -> Typing | None:
    """The ACLED type of a statement from its cues and weapon classes; None if it reports no incident.

    ``state_actor``: whether the acting side is a state force (True), a non-state group
    (False) or unknown (None); ``civilian_target``: whether civilians are the target.
    """
    if not cues:
        return None
    kinds = {c.kind for c in cues}
    remote = {"remote_attack", "air_strike", "explosion", "ied", "grenade"}
    hit_or_harm = {"weak_hit", "damage", "casualty"}

    if "protest" in kinds:
        cue = _first(cues, "protest")
        if "mob" in kinds:
            return Typing(RIOTS, "Mob violence", True, cue)
        if "riot" in kinds:
            return Typing(RIOTS, "Violent demonstration", True, cue)
        if "civilian_attack" in kinds or ("casualty" in kinds and kinds & {"intervention", "arrest"}):
            # "security forces opened fire on protesters, killing six"
            return Typing(PROTESTS, "Excessive force against protesters", True, cue)
        if kinds & {"intervention", "arrest"}:
            return Typing(PROTESTS, "Protest with intervention", True, cue)
        return Typing(PROTESTS, "Peaceful protest", True, cue)
    if "mob" in kinds:
        return Typing(RIOTS, "Mob violence", True, _first(cues, "mob"))
    if "riot" in kinds:
        return Typing(RIOTS, "Violent demonstration", True, _first(cues, "riot"))
    if "abduction" in kinds:
        return Typing(VAC, "Abduction/forced disappearance", True, _first(cues, "abduction"))
    if "civilian_attack" in kinds and not (kinds & remote and weapon_classes - {"small_arms"}):
        return Typing(VAC, "Attack", True, _first(cues, "civilian_attack"))
    if "retake" in kinds and state_actor is not False:
        return Typing(BATTLES, "Government regains territory", True, _first(cues, "retake"))
    if "capture" in kinds or "retake" in kinds:
        cue = _first(cues, "capture", "retake")
        if state_actor is False:
            return Typing(BATTLES, "Non-state actor overtakes territory", True, cue)
        return Typing(BATTLES, "Armed clash", True, cue)
    if "clash" in kinds and not kinds & {"air_strike", "ied", "grenade"}:
        return Typing(BATTLES, "Armed clash", True, _first(cues, "clash"))
    if kinds & remote:
        cue = _first(cues, *remote)
        # "Al-Shabaab militants attacked a base": an armed group's attack with no weapon that
        # strikes from afar is ground fighting (or an attack on civilians), not a strike.
        ground_attack = (not weapon_classes and state_actor is False and cue.kind == "remote_attack"
                         and cue.text.lower().startswith("attack"))
        if ground_attack or (weapon_classes and weapon_classes <= {"small_arms", "vehicle_weapon"}
                             and "explosion" not in kinds):
            if civilian_target:
                return Typing(VAC, "Attack", True, cue)
            return Typing(BATTLES, "Armed clash", True, cue)
        if "interception" in kinds and not kinds & hit_or_harm and not _attack_verb_hit(cues):
            return Typing(SD, "Disrupted weapons use", True, _first(cues, "interception"))
        return Typing(EXPLOSIONS, _explosion_sub(cues, weapon_classes), True, cue)
    if "interception" in kinds:
        cue = _first(cues, "interception")
        if kinds & hit_or_harm - {"casualty"} or ("casualty" in kinds and "damage" in kinds):
            return Typing(EXPLOSIONS, _explosion_sub(cues, weapon_classes), True, cue)
        return Typing(SD, "Disrupted weapons use", True, cue)
    if "arrest" in kinds:
        return Typing(SD, "Arrests", True, _first(cues, "arrest"))
    if "looting" in kinds:
        return Typing(SD, "Looting/property destruction", True, _first(cues, "looting"))
    for kind, sub in (("agreement", "Agreement"), ("base", "Headquarters or base established"),
                      ("transfer", "Non-violent transfer of territory"), ("other_development", "Other")):
        if kind in kinds:
            return Typing(SD, sub, True, _first(cues, kind))
    # Weak statements: damage, casualties or a hit without an explicit trigger.
    if kinds & hit_or_harm:
        cue = _first(cues, "weak_hit", "casualty", "damage")
        # an armed group that kills with no stand-off weapon named fights on the ground
        if (weapon_classes and weapon_classes <= {"small_arms", "vehicle_weapon"}) or \
                (not weapon_classes and state_actor is False):
            if civilian_target:
                return Typing(VAC, "Attack", False, cue)
            return Typing(BATTLES, "Armed clash", False, cue)
        return Typing(EXPLOSIONS, _explosion_sub(cues, weapon_classes), False, cue)
    return None


def _attack_verb_hit(cues: list[Cue]) -> bool:
    return any(c.kind == "remote_attack" and re.match(r"(?i)struck|hit", c.text) for c in cues)
