"""Who attacked whom: a statement's actor1, actor2 and target, from its dependency parse when it
has one (subject / "by" agent, object / passive subject) and from the words around its actor
mentions and trigger for the rest."""
from __future__ import annotations

import re

from mapper.incidents.detect import Typing
from mapper.incidents.locate import COUNTRY, Where
from mapper.incidents.statements import Statement
from mapper.incidents.weapons import WEAPON_NOUN

__all__ = ["RoleReader"]


class RoleReader:
    """Reads actors and targets with the actor lexicon (``actors``, a
    :class:`~mapper.incidents.actors.Actors`) and ``demonyms`` (word -> ISO2)."""

    _VERB_CLIMB = ("dobj", "compound")
    # cues whose subject is not an attacker ("Ukraine and Russia signed an agreement", "air defence intercepted")
    _NO_ROLE_CUES = frozenset({"agreement", "base", "transfer", "other_development", "interception"})
    _PRONOUNS = frozenset({"it", "they", "he", "she", "we", "this", "that", "which", "who", "its", "their"})
    # subjects that point back at the last statement's attacker ("we" is the speaker, "it" the weapon)
    _BACK_REFERENCES = frozenset({"they"})

    def __init__(self, actors, demonyms: dict[str, str]):
        self.actors = actors
        self.demonyms = demonyms

    def mentions(self, st: Statement):
        """(actor mentions, target mentions) of a statement; an actor word inside a longer target
        ("a Russian air-defence battery") is part of the target."""
        stext = st.text
        actor_mentions = st.actor_mentions if st.actor_mentions is not None else self.actors.find(stext, st.terms)
        targets = st.target_mentions if st.target_mentions is not None else self.actors.targets(stext, st.terms)
        actor_mentions = [a for a in actor_mentions
                          if not any(t.start <= a.start and a.end <= t.end and (t.end - t.start) > (a.end - a.start) for t in targets)]
        return actor_mentions, targets

    def _np_country(self, tok, depth: int = 0) -> str | None:
        """The country a noun phrase names or qualifies: "Ukraine", "Russian drone", "troops of Russia"."""
        sdoc = tok.doc
        if tok.text[:1].isupper():
            words = sdoc[tok.left_edge.i:tok.i + 1]
            for k in range(len(words)):
                cc = self.actors.country_of(words[k:].text)
                if cc:
                    return cc
        for ch in tok.children:
            if ch.dep_ in ("amod", "compound", "poss", "nmod") and ch.text[:1].isupper():
                cc = self.actors.country_of(sdoc[ch.left_edge.i:ch.i + 1].text) or self.actors.country_of(ch.text)
                if cc:
                    return cc
        if depth == 0:
            for ch in tok.children:
                if ch.dep_ == "prep" and ch.lower_ == "of":
                    for g in ch.children:
                        if g.dep_ == "pobj":
                            cc = self._np_country(g, 1)
                            if cc:
                                return cc
        return None

    def _np_role(self, tok, off: int, actor_mentions, targets, agent: bool):
        """What a noun phrase of the parse is: ("actor", kind, country, start, end), ("target", mention,
        country, start, end), or None (``off``: where the statement starts in the parsed text)."""
        if tok.lower_ in self._PRONOUNS:
            return None
        hs, he = tok.idx - off, tok.idx + len(tok.text) - off
        left = tok.left_edge.idx - off
        country = self._np_country(tok)
        for a in actor_mentions:
            if a.start <= hs and he <= a.end:
                return ("actor", a.kind, a.country or country, min(a.start, left), max(a.end, he))
        for t in targets:
            if t.start <= hs and he <= t.end:
                return ("target", t, country, t.start, t.end)
        if country and tok.text[:1].isupper() and self.actors.country_of(tok.text) == country:
            return ("actor", "military", country, left, he) if agent else None      # "Ukraine launched"
        if country and agent and WEAPON_NOUN.fullmatch(tok.text):
            return ("actor", "military", country, left, he)                       # "by a Russian drone"
        return None

    def from_parse(self, st: Statement, cues, actor_mentions, targets):
        """(agent, patient) of the statement's trigger verbs in its dependency parse (see :meth:`_np_role`)."""
        sdoc, off = st.sdoc, st.sdoc_offset
        if sdoc is None:
            return None, None
        agent = patient = None
        ordered = sorted((c for c in cues if c.kind not in self._NO_ROLE_CUES), key=lambda c: (c.strength != "strong", c.start))
        for cue in ordered:
            span = sdoc.char_span(off + cue.start, off + cue.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            tok = span.root
            # "launched a missile strike", "carried out an attack": the verb governing the trigger noun
            for _ in range(2):
                if any(ch.dep_ in ("nsubj", "nsubjpass", "agent") for ch in tok.children) or tok.dep_ not in self._VERB_CLIMB \
                        or tok.head is tok:
                    break
                tok = tok.head
            if agent is None:
                subj = self._subject(tok)
                if subj is not None and subj.lower_ in self._BACK_REFERENCES:
                    agent = ("previous",)      # "They also struck...": whoever acted last
                elif subj is not None:
                    agent = self._np_role(subj, off, actor_mentions, targets, True)
                    if agent is not None and agent[0] != "previous" and (
                            agent[0] != "actor" or self.actors.role(agent[1]) != "armed"):
                        agent = None
            if patient is None:
                for dep in ("dobj", "nsubjpass"):
                    obj = next((ch for ch in tok.children if ch.dep_ == dep), None)
                    if obj is not None:
                        patient = self._np_role(obj, off, actor_mentions, targets, False)
                        if patient is not None:
                            break
                if patient is None:
                    for ch in tok.children:
                        if ch.dep_ == "prep" and ch.lower_ in ("at", "on", "against", "targeting"):
                            obj = next((g for g in ch.children if g.dep_ == "pobj"), None)
                            if obj is not None:
                                patient = self._np_role(obj, off, actor_mentions, targets, False)
                                if patient is not None:
                                    break
            if agent is not None and patient is not None:
                break
        if agent is not None and patient is not None and agent[0] == "actor" and patient[0] == "actor" \
                and agent[1:3] == patient[1:3]:
            patient = None
        return agent, patient

    @staticmethod
    def _subject(verb, depth: int = 0):
        """The agent of a verb: its subject, the object of its "by" phrase in the passive, or (for a
        participle or a second verb without its own subject) the agent of the verb it hangs on."""
        for ch in verb.children:
            if ch.dep_ == "nsubj":
                if ch.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                    return verb.head
                return ch
        for ch in verb.children:
            if ch.dep_ == "agent":
                return next((g for g in ch.children if g.dep_ == "pobj"), None)
        if any(ch.dep_ == "nsubjpass" for ch in verb.children):
            return None
        if depth < 2 and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
            return RoleReader._subject(verb.head, depth + 1)
        return None

    def assign(self, stext, anchor, actor_mentions, targets, pcands, where, typing_probe, cues=(), st_start=0,
               parsed=None, previous_actor=None):
        """(actor1, actor2, state actor, civilian target, target, actor1's country) of a statement: the
        parse's agent and patient first (``parsed``, from :meth:`from_parse`), the words around the
        actor mentions and the trigger at ``anchor`` for the rest; ``previous_actor`` is who "they" are."""
        actor1 = actor2 = ""
        state_actor = None
        civilian_target = False
        loc_cc = where.point.country_code if where is not None else None
        a1_country = None
        # the parse first (subject / "by" agent; object / passive subject), the word windows for the rest
        agent, patient = parsed or (None, None)
        patient_target = None
        patient_span = None
        if agent is not None and agent[0] == "previous":
            if previous_actor is not None:
                actor1, state_actor, a1_country = previous_actor
            agent = None
        if agent is not None:
            _, kind, cc = agent[:3]
            if not cc and self.actors.is_local(kind):
                cc = loc_cc
            actor1 = self.actors.name_for(kind, cc) if cc else ""
            if actor1:
                state_actor = self.actors.is_state(kind)
                a1_country = cc
        if patient is not None:
            patient_span = patient[3:5]
            if patient[0] == "target":
                patient_target = patient[1]
                if patient[1].kind == "military" and patient[2] and patient[2] != a1_country:
                    actor2 = self.actors.name_for("military", patient[2])      # "a Russian air-defence battery"
            else:
                _, kind, cc = patient[:3]
                role = self.actors.role(kind)
                if kind == "civilians":
                    civilian_target = True
                if role == "civilian" and not (kind == "protesters" and typing_probe.event_type not in ("Protests", "Riots")):
                    actor2 = self.actors.name_for(kind, loc_cc)
                elif role == "armed":
                    actor2 = self.actors.name_for(kind, cc or (loc_cc if self.actors.is_local(kind) else None))
                if actor2 == actor1:
                    actor2 = ""
        for a in actor_mentions:
            if patient_span is not None and a.start < patient_span[1] and patient_span[0] < a.end:
                if a.kind == "civilians":
                    civilian_target = True
                continue
            role = self.actors.role(a.kind)
            before = stext[max(0, a.start - 25):a.start].lower()
            agent = bool(re.search(r"\bby\s+(?:the\s+)?$", before))
            # "fired at Russian troops", "killing four SDF fighters": the side on the receiving end
            aimed = bool(re.search(r"\b(?:at|on|targeting|targeted|toward|towards|hit|struck|shelled|attacked|killing|"
                                   r"killed|wounding|wounded|injuring|injured)\s+(?:the\s+)?(?:\w+\s+)?$", before))
            acting = any(c.strength == "strong" and 0 <= c.start - a.end <= 25 and
                         re.fullmatch(r"[\s,]*(?:(?:have|has|had|also|reportedly|then|again)\s+)*", stext[a.end:c.start])
                         for c in cues)
            if role == "armed" and not actor1 and (agent or acting or (a.start < anchor and not aimed)):
                actor1 = self.actors.name(a)
                state_actor = self.actors.is_state(a.kind)
                a1_country = a.country
                if not actor1 and self.actors.is_local(a.kind) and loc_cc:
                    actor1 = self.actors.name(a, loc_cc)
                continue
            if role == "civilian" and a.kind == "civilians":
                civilian_target = True
            if not actor2 and a.start > anchor - 40 and (aimed or role == "civilian") and actor1 != self.actors.name(a, loc_cc):
                if a.kind == "protesters" and typing_probe.event_type not in ("Protests", "Riots"):
                    continue
                actor2 = self.actors.name(a, None if role == "armed" else loc_cc)
        # a country or capital acting ("Ukraine attacked", "Moscow launched") is the attacker
        if not actor1:
            for c in pcands:
                if c.place is None or c.level > COUNTRY and c.place.feature_code != "PPLC":
                    continue
                rel = c.end - st_start
                if c.role in ("actor", "speaker", "other", "modifier") and \
                        any(0 <= cue.start - rel <= 8 and re.fullmatch(r"\s+of\s+", stext[rel:cue.start])
                            for cue in cues if cue.strength == "strong"):
                    actor1 = self.actors.name_for("military", c.place.country_code)      # "accused Moscow of shelling"
                    a1_country, state_actor = c.place.country_code, True
                    break
        if not actor1:
            for c in pcands:
                if c.role == "actor" and c.place is not None and c.start - 0 >= 0:
                    actor1 = self.actors.name_for("military", c.place.country_code)
                    a1_country = c.place.country_code
                    state_actor = True
                    break
        if not actor1:
            # "Russian shelling", "Ukrainian drone attack": a demonym right before the trigger
            m = re.search(r"([A-Z][a-z]+)(?:[\s\-]+[\w\-]+){0,2}\s*$", stext[max(0, anchor - 40):anchor])
            if m:
                cc = self.demonyms.get(m.group(1).lower())
                if cc:
                    actor1 = self.actors.name_for("military", cc)
                    a1_country, state_actor = cc, True
        if actor1 and not actor2:
            # "repelled two Russian assaults": a demonym right before a trigger is the other side
            for cue in cues:
                if cue.strength != "strong":
                    continue
                m = re.search(r"([A-Z][a-z]+)(?:[\s\-]+[\w\-]+){0,1}\s*$", stext[max(0, cue.start - 30):cue.start])
                cc = self.demonyms.get(m.group(1).lower()) if m else None
                if cc and cc != a1_country:
                    actor2 = self.actors.name_for("military", cc)
                    break
        violent = typing_probe.event_type in ("Explosions/Remote violence", "Battles", "Violence against civilians", "Riots") \
            or typing_probe.sub_event_type in ("Looting/property destruction", "Disrupted weapons use")
        actor_spans = [(a.start, a.end) for a in actor_mentions if self.actors.role(a.kind) == "armed"]
        target = ""
        tgt = None
        targets = [t for t in targets if not any(s <= t.start < e for s, e in actor_spans)] if violent else []
        if patient_target is not None and violent:
            tgt = patient_target
        for t in targets if tgt is None else ():
            if t.start >= anchor - 60:
                tgt = t
                break
        if tgt is None and targets:
            tgt = targets[0]
        if tgt is not None:
            target = self._target_phrase(stext, tgt)
            if tgt is patient_target and patient[2]:
                # the owner is actor2 ("a Russian air-defence battery"), the target is the thing
                words = target.split()
                while len(words) > 1 and self.actors.country_of(words[0]) == patient[2]:
                    words = words[1:]
                target = " ".join(words)
            if tgt.kind == "civilians":
                civilian_target = True
            if not actor2 and loc_cc:
                if tgt.kind == "military" and (loc_cc != a1_country or state_actor is False):
                    # another state's forces, or the state's own against an armed group of its country
                    actor2 = self.actors.name_for("military", loc_cc)
                elif tgt.kind == "civilians":
                    actor2 = self.actors.name_for("civilians", loc_cc)
        if not actor2 and civilian_target and loc_cc and violent:
            actor2 = self.actors.name_for("civilians", loc_cc)
        if not violent and actor2.startswith("Civilians"):
            actor2 = ""
        if typing_probe.event_type == "Battles" and actor2.startswith("Civilians") and not civilian_target:
            # (with civilians targeted the type may still turn out an attack on them: see for_type)
            actor2 = ""
        if typing_probe.event_type == "Battles" and not actor2 and a1_country and loc_cc and loc_cc != a1_country \
                and state_actor:
            actor2 = self.actors.name_for("military", loc_cc)          # fighting on the other side's ground
        return actor1, actor2, state_actor, civilian_target, target, a1_country

    def _target_phrase(self, stext: str, tgt) -> str:
        start, end = tgt.start, tgt.end
        # "positions of an S-400 air defense system division"
        m = re.match(r"\s+of\s+(?:an?\s+|the\s+)?", stext[end:end + 80])
        if m and tgt.text.lower() in ("position", "positions", "battery", "division", "battalion"):
            pos = end + m.end()
            stop = {"with", "in", "at", "on", "near", "and", "by", "from", "that", "which", "who", "after", "as", "to"}
            taken = 0
            for w in re.finditer(r"[\w\-]+", stext[pos:pos + 80]):
                if w.group(0).lower() in stop or taken >= 6 or re.search(r"[,.;:]", stext[pos:pos + w.start()]):
                    break
                taken += 1
                end = pos + w.end()
        words = stext[:start].split()
        keep = 0
        for w in reversed(words[-4:]):
            if re.search(r"[A-Z0-9\-]", w) or w.lower() in ("air", "defense", "defence", "residential", "apartment", "military",
                                                              "civilian", "power", "energy", "oil", "ammunition", "private",
                                                              "administrative", "industrial", "high-rise", "multi-storey", "local"):
                if w.endswith((",", ".", ";")):
                    break
                keep += 1
            else:
                break
        if keep:
            prefix = " ".join(words[-keep:])
            start = stext.rfind(prefix, 0, start + 1)
        return " ".join(stext[start:end].split()).strip(" ,.;")

    def for_type(self, typing: Typing, where: Where | None, actor1: str, actor2: str) -> tuple[str, str]:
        """The sides a type implies: protesters (and the police unless peaceful), rioters, the police
        arresting or intervening; no civilians in a battle."""
        if typing.event_type == "Protests" and where is not None:
            police = self.actors.name_for("police", where.point.country_code)
            if actor1 == police or not actor1:
                actor1 = self.actors.name_for("protesters", where.point.country_code)
            actor2 = police if typing.sub_event_type != "Peaceful protest" else ""
        if typing.event_type == "Riots" and not actor1 and where is not None:
            actor1 = self.actors.name_for("rioters", where.point.country_code)
        if typing.sub_event_type == "Arrests" and not actor1 and where is not None:
            actor1 = self.actors.name_for("police", where.point.country_code)
        if typing.sub_event_type == "Protest with intervention" and not actor2 and where is not None:
            actor2 = self.actors.name_for("police", where.point.country_code)
        if typing.event_type == "Battles" and actor2.startswith("Civilians"):
            actor2 = ""             # a battle is between armed sides
        return actor1, actor2
