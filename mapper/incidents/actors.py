"""Actors and targets: actor words of ``actors.json`` -> ACLED-style actor names.

>>> from mapper.incidents.lexicon import load_lexicons
>>> demonyms = {"ukrainian": "UA", "russian": "RU"}
>>> actors = Actors(load_lexicons(), demonyms, {"UA": "Ukraine", "RU": "Russia"})
>>> [(a.text, actors.name(a)) for a in actors.find("Ukrainian forces fired at Russian troops")]
[('Ukrainian forces', 'Military Forces of Ukraine (2019-)'), ('Russian troops', 'Military Forces of Russia (2000-)')]
>>> actors.name_for("civilians", "UA")
'Civilians (Ukraine)'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from mapper.incidents.lexicon import TermIndex

__all__ = ["Actors", "ActorMention", "TargetMention"]

_WHO = r"(?P<who>(?:the\s+)?[A-Z][\w.’'\-]*(?:\s+[A-Z][\w.’'\-]*){0,2})"


_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE_END = re.compile(r"['’]s$")
_DOTS_AND_SPACES = re.compile(r"[.\s]+")


def _norm(text: str) -> str:
    text = _LEADING_THE.sub("", text.strip())
    text = _POSSESSIVE_END.sub("", text)
    return _DOTS_AND_SPACES.sub(" ", text).strip().lower()


@dataclass(frozen=True)
class ActorMention:
    start: int
    end: int
    text: str
    kind: str
    country: str | None      # ISO2, when the words say whose


@dataclass(frozen=True)
class TargetMention:
    start: int
    end: int
    text: str
    kind: str                # military, civilians, infrastructure


class Actors:
    def __init__(self, lex, demonyms: dict[str, str], country_names: dict[str, str]):
        self.lex = lex
        spec = lex.actors
        self.kinds = spec.get("kinds", {})
        self.state_forces = spec.get("state_forces", {})
        self.police_forces = spec.get("police_forces", {})
        self.country_names = country_names
        self.lookup: dict[str, str] = {}
        for name, iso2 in demonyms.items():
            self.lookup.setdefault(_norm(name), iso2)
        for iso2, name in country_names.items():
            self.lookup.setdefault(_norm(name), iso2)
        for alias, iso2 in (("us", "US"), ("u s", "US"), ("usa", "US"), ("america", "US"), ("uk", "GB"),
                            ("britain", "GB"), ("kiev", "UA"), ("kyiv", "UA"), ("moscow", "RU"), ("kremlin", "RU")):
            self.lookup.setdefault(alias, iso2)
        # three regexes for the group templates: "{demonym} forces", "{country}'s army", "army of {country}"
        self._tail_kind: dict[str, str] = {}
        self._poss_kind: dict[str, str] = {}
        self._head_kind: dict[str, str] = {}
        for kind, templates in spec.get("groups", {}).items():
            for template in templates:
                tokens = template.split()
                if tokens[0] in ("{demonym}", "{country}"):
                    self._tail_kind.setdefault(" ".join(tokens[1:]).lower(), kind)
                elif tokens[0] in ("{demonym}'s", "{country}'s"):
                    self._poss_kind.setdefault(" ".join(tokens[1:]).lower(), kind)
                elif tokens[-1] in ("{demonym}", "{country}"):
                    self._head_kind.setdefault(" ".join(tokens[:-1]).lower(), kind)

        def alt(words):
            return "|".join(r"[\s\-]+".join(re.escape(w) for w in phrase.split())
                            for phrase in sorted(words, key=len, reverse=True))

        who = r"(?P<who>(?:the\s+)?[A-Z][\w.’'\-]*(?:\s+[A-Z][\w.’'\-]*){0,2}?)"
        self._group_res = []
        if self._tail_kind:
            self._group_res.append((self._tail_kind, re.compile(r"(?<![\w\-])" + who + r"[\s\-]+(?P<rest>(?i:" + alt(self._tail_kind) + r"))(?![\w])")))
        if self._poss_kind:
            self._group_res.append((self._poss_kind, re.compile(r"(?<![\w\-])" + who + r"['’]s[\s\-]+(?P<rest>(?i:" + alt(self._poss_kind) + r"))(?![\w])")))
        if self._head_kind:
            self._group_res.append((self._head_kind, re.compile(r"(?<![\w\-])(?P<rest>(?i:" + alt(self._head_kind) + r"))[\s\-]+" + who + r"(?![\w])")))
        self._generic = TermIndex(spec.get("generic", {}))
        self._targets = TermIndex(spec.get("targets", {}))
        # Named armed groups, as written: "SDF fighters" and "Hamas militants" are the group, not
        # an unidentified one. Case-sensitive, so that acronyms do not match words ("Hamas", not "hamas").
        self._named_kind = {name: kind for kind, names in spec.get("named_groups", {}).items() for name in names}
        self._named_re = re.compile(
            r"(?<![\w\-])(?P<name>" + "|".join(re.escape(n) for n in sorted(self._named_kind, key=len, reverse=True))
            + r")(?:\s+(?:fighters|militants|militiamen|militia|rebels|forces|members|gunmen|insurgents))?(?![\w\-])"
        ) if self._named_kind else None

    def country_of(self, who: str) -> str | None:
        return self.lookup.get(_norm(who))

    def find(self, text: str, terms=None) -> list[ActorMention]:
        """Actor phrases, longest first, without overlaps; country-specific groups before generic words."""
        found: list[ActorMention] = []
        taken: list[tuple[int, int]] = []
        for m in self._named_re.finditer(text) if self._named_re else ():
            kind = self._named_kind[m.group("name")]
            found.append(ActorMention(m.start(), m.end(), m.group(0), kind, self.kinds[kind].get("home")))
            taken.append((m.start(), m.end()))
        for table, pattern in self._group_res:
            for m in pattern.finditer(text):
                kind = table.get(re.sub(r"[\s\-]+", " ", m.group("rest").lower()))
                if kind is None:
                    continue
                words = m.group("who").split()
                country = None
                offset = 0
                for j in range(len(words)):
                    country = self.country_of(" ".join(words[j:]))
                    if country:
                        offset = len(" ".join(words[:j])) + (1 if j else 0)
                        break
                if not country:
                    continue
                start = m.start("who") + offset if m.start("who") == m.start() else m.start()
                if text[start:start + 4].lower() == "the ":
                    start += 4
                if any(start < e and s < m.end() for s, e in taken):
                    continue
                found.append(ActorMention(start, m.end(), text[start:m.end()], kind, country))
                taken.append((start, m.end()))
        generic = self._generic.find(text) if terms is None else \
            [(s0, e0, k[2:], t) for s0, e0, k, t in terms if k.startswith("a:")]
        for s0, e0, kind, surface in sorted(generic, key=lambda t: (t[0], t[0] - t[1])):
            if any(s0 < e and s < e0 for s, e in taken):
                continue
            found.append(ActorMention(s0, e0, surface, kind, None))
            taken.append((s0, e0))
        found.sort(key=lambda a: a.start)
        return found

    def targets(self, text: str, terms=None) -> list[TargetMention]:
        hits = self._targets.find(text) if terms is None else \
            [(s0, e0, k[2:], t) for s0, e0, k, t in terms if k.startswith("t:")]
        found = [TargetMention(s0, e0, surface, kind) for s0, e0, kind, surface in hits]
        found.sort(key=lambda t: (t.start, -(t.end - t.start)))
        out: list[TargetMention] = []
        for t in found:
            if out and t.start < out[-1].end:
                continue
            out.append(t)
        return out

    def is_state(self, kind: str) -> bool | None:
        spec = self.kinds.get(kind)
        return None if spec is None else bool(spec.get("state"))

    def role(self, kind: str) -> str:
        return self.kinds.get(kind, {}).get("role", "other")

    def is_local(self, kind: str) -> bool:
        """Whether an actor of this kind is of the country where it acts, when the words do not
        say whose it is (police, militants, rioters; the Islamic State)."""
        return bool(self.kinds.get(kind, {}).get("local"))

    def name_for(self, kind: str, country: str | None) -> str:
        """The ACLED-style name of an actor kind in a country ('' when the country is unknown and
        the name needs it)."""
        spec = self.kinds.get(kind)
        if spec is None:
            return ""
        if not country:
            return "" if "{" in spec["template"] else spec["template"]
        country_name = self.country_names.get(country, country)
        forces = self.state_forces.get(country, f"Military Forces of {country_name}")
        police = self.police_forces.get(country, f"Police Forces of {country_name}")
        return spec["template"].format(country=country_name, forces=forces, police=police)

    def name(self, actor: ActorMention, default_country: str | None = None) -> str:
        return self.name_for(actor.kind, actor.country or default_country)
