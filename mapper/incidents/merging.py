"""An article's candidates -> its incidents: statements that tell one incident are folded into one.

Repeats, statements with no place or date of their own, vague places and summaries fold into
the compatible incident they belong to (see :func:`merge`).
"""
from __future__ import annotations

from mapper.incidents.candidate import Candidate
from mapper.incidents.locate import COUNTRY, DISTRICT, REGION, SETTLEMENT, Where

__all__ = ["information", "merge"]

_EXPLOSIONS = "Explosions/Remote violence"
_SD = "Strategic developments"

_PROTEST_RANK = {"Peaceful protest": 0, "Protest with intervention": 1, "Excessive force against protesters": 2,
                 "Violent demonstration": 3, "Mob violence": 3}


def _compatible_type(a: Candidate, b: Candidate) -> bool:
    ta, tb = a.typing, b.typing
    if (ta.event_type, ta.sub_event_type) == (tb.event_type, tb.sub_event_type):
        return True
    if {ta.event_type, tb.event_type} <= {"Protests", "Riots"}:
        return True
    if not ta.strong or not tb.strong:
        return ta.event_type == tb.event_type or _EXPLOSIONS in (ta.event_type, tb.event_type)
    pair = {ta.event_type, tb.event_type}
    if pair == {_EXPLOSIONS, _SD} and "Disrupted weapons use" in (ta.sub_event_type, tb.sub_event_type):
        return True
    return ta.event_type == tb.event_type == _EXPLOSIONS


def _contains(outer: Where, inner: Where) -> bool:
    """Whether ``inner`` lies in ``outer`` (same place, or inside its country / region / district)."""
    if outer.key == inner.key:
        return True
    po, pi = outer.point, inner.point
    if po.country_code != pi.country_code:
        return False
    if outer.level == COUNTRY:
        return True
    if outer.level == REGION:
        return bool(po.admin1_code) and po.admin1_code == pi.admin1_code and inner.level >= REGION
    if outer.level == DISTRICT:
        return bool(po.admin2_code) and po.admin2_code == pi.admin2_code and inner.level >= DISTRICT
    if outer.level == SETTLEMENT and inner.unresolved and not outer.unresolved:
        return False
    return False


def _absorb(target: Candidate, other: Candidate) -> None:
    """Fold ``other`` into ``target``: the more specific place, the explicit date, the max figures."""
    t_where, o_where = target.where, other.where
    if other.aggregate and not target.aggregate:
        # a summary ("at least two rounds of attacks since last week") adds no date, place or figures
        names = [w.name for w in target.weapons]
        target.weapons += [w for w in other.weapons if w.name not in names and not w.generic]
        target.members += other.members
        return
    if o_where is not None and other.own_place and (
            not target.own_place or t_where is None or o_where.level > t_where.level
            or (o_where.level == t_where.level and o_where.precision < t_where.precision)):
        target.where, target.own_place = o_where, True
        target.attached = target.attached or other.attached
    if target.date_source != "explicit" and other.date_source == "explicit":
        target.date, target.date_source, target.time_precision = other.date, other.date_source, other.time_precision
    if not target.typing.strong and other.typing.strong:
        target.typing = other.typing
    elif {target.typing.event_type, other.typing.event_type} <= {"Protests", "Riots"}:
        # one demonstration told in several sentences: keep its most violent reading
        if _PROTEST_RANK.get(other.typing.sub_event_type, 0) > _PROTEST_RANK.get(target.typing.sub_event_type, 0):
            target.typing = other.typing
            if other.actor1:
                target.actor1 = other.actor1
    elif target.typing.sub_event_type == "Disrupted weapons use" and other.typing.event_type == _EXPLOSIONS:
        target.typing = other.typing
    for key, value in other.counts.items():
        target.counts[key] = max(value, target.counts.get(key, 0))
    for attr in ("fatalities", "injured"):
        a, b = getattr(target, attr), getattr(other, attr)
        if b is not None and (a is None or b > a):
            setattr(target, attr, b)
    names = [w.name for w in target.weapons]
    for w in other.weapons:
        if w.name not in names:
            target.weapons.append(w)
    specific = {w.weapon_class for w in target.weapons if not w.generic}
    target.weapons = [w for w in target.weapons if not (w.generic and w.weapon_class in specific)]
    for attr in ("actor1", "actor2", "target"):
        if not getattr(target, attr) and getattr(other, attr):
            setattr(target, attr, getattr(other, attr))
    if target.actor2 == target.actor1:
        target.actor2 = other.actor2 if other.actor2 != target.actor1 else ""
    # the best notes: the statement with the most to say
    if other.notes_score > target.notes_score:
        target.notes, target.notes_score = other.notes, other.notes_score
        if other.target:
            target.target = other.target
    target.conflicts += [c for c in other.conflicts if c not in target.conflicts]
    target.members += other.members
    target.aggregate = target.aggregate and other.aggregate


def information(c: Candidate) -> float:
    return (2 * c.typing.strong + (c.date_source == "explicit") + (c.own_place and c.where is not None and c.where.level >= DISTRICT)
            + len(c.counts) + (c.fatalities is not None) + (c.injured is not None) + bool(c.weapons) + 0.5 * bool(c.actor1)
            - 2 * bool(c.conflicts))


def merge(cands: list[Candidate]) -> list[Candidate]:
    alive = list(cands)

    def best_target(c: Candidate, pool: list[Candidate], rule, backwards: bool = False) -> Candidate | None:
        options = [t for t in pool if t is not c and rule(c, t)]
        if not options:
            return None
        if backwards:
            return min(options, key=lambda t: (t.index > c.index, abs(t.index - c.index)))
        return min(options, key=lambda t: (t.date_source != "explicit", not t.own_place, abs(t.index - c.index),
                                           t.index > c.index))

    # 1. repeats: same date, type and place
    out: list[Candidate] = []
    for c in alive:
        twin = next((t for t in out if t.date == c.date and t.typing.event_type == c.typing.event_type
                     and t.typing.sub_event_type == c.typing.sub_event_type and t.where.key == c.where.key
                     and t.own_place == c.own_place), None)
        if twin is not None:
            _absorb(twin, c)
        else:
            out.append(c)
    alive = out

    # 2. dependent statements (no place of their own and a soft date, or weak, or summaries)
    #    fold into the nearest compatible incident
    def dependent_rule(c, t):
        return _compatible_type(c, t) and (t.own_place or t.date_source == "explicit") and (
            c.where is None or t.where is None or _contains(c.where, t.where) or _contains(t.where, c.where)
            or not c.own_place)

    def fold(order, rule, eligible=lambda c: True, backwards=lambda c: False):
        """Absorb statements into their best target, one at a time, until nothing more folds."""
        changed = True
        while changed:
            changed = False
            for c in sorted(alive, key=order):
                if not eligible(c):
                    continue
                t = best_target(c, alive, rule, backwards=backwards(c))
                if t is None:
                    continue
                _absorb(t, c)
                alive.remove(c)
                changed = True
                break

    fold(order=lambda c: (c.own_place, c.date_source == "explicit", c.typing.strong, c.where.level if c.where else 0),
         rule=dependent_rule,
         eligible=lambda c: (not c.own_place and (c.soft_date or not c.typing.strong)) or c.aggregate
         or (c.soft_date and not c.typing.strong),
         backwards=lambda c: not c.own_place)

    # 3. vague places: a region- or country-level statement folds into a compatible incident
    #    inside it on the same date (or with a soft date), e.g. "in the Kursk region" + "near X"
    def vague_rule(c, t):
        if not (_compatible_type(c, t) and t.where is not None and c.where is not None) or c.where.level < REGION:
            return False
        if not (c.where.level < t.where.level or (c.where.level == t.where.level and c.where.unresolved == t.where.unresolved
                                                   and c.where.key == t.where.key)):
            if not (t.where.unresolved and t.where.point.geonameid == c.where.point.geonameid):
                return False
        inside = _contains(c.where, t.where) or (t.where.unresolved and (
            t.where.point.admin1_code == c.where.point.admin1_code and c.where.level <= REGION
            or t.where.point.geonameid == c.where.point.geonameid))
        same_day = c.date == t.date or c.soft_date or t.soft_date and t.date is None
        return inside and same_day

    fold(order=lambda c: (c.where.level if c.where else 0, not c.soft_date), rule=vague_rule)

    # 4. a country-level summary is absorbed by any compatible incident in that country
    for c in [c for c in alive if c.where is not None and c.where.level == COUNTRY
              and (c.aggregate or not c.typing.strong or not (c.counts or c.fatalities or c.injured))]:
        options = [t for t in alive if t is not c and t.where is not None and t.where.level > COUNTRY
                   and t.where.point.country_code == c.where.point.country_code and _compatible_type(c, t)]
        if options:
            t = min(options, key=lambda t: abs(t.index - c.index))
            _absorb(t, c)
            alive.remove(c)
    # 5. summaries that fold into nothing are dropped when the article reports real incidents
    if any(not c.aggregate for c in alive):
        alive = [c for c in alive if not c.aggregate]
    alive.sort(key=lambda c: c.index)
    return alive
