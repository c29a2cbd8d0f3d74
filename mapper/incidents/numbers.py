"""Numbers in incident statements: casualties (killed, injured) and weapon counts (fired,
intercepted, hit), written as digits or words.

>>> from mapper.incidents.lexicon import load_lexicons
>>> n = Numbers(load_lexicons())
>>> n.counts("Ukraine attacked with five ATACMS missiles, three missiles were shot down and two reached their target")
({'fired': 5, 'intercepted': 3, 'hit': 2}, [])
>>> n.casualties("Two people were killed and 12 injured")
(2, 12, [])
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Numbers", "parse_number"]

_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"


def parse_number(text: str, words: dict[str, int]) -> int | None:
    """'5', '1,200', 'five', 'twenty-five', 'a dozen' -> int; None when not a number.

    >>> parse_number("twenty-five", {"twenty": 20, "five": 5})
    25
    """
    t = text.strip().lower().replace("\u2011", "-")
    if re.fullmatch(_DIGITS, t):
        return int(t.replace(",", ""))
    if t in words:
        return words[t]
    parts = re.split(r"[\s\-]+", t)
    if len(parts) == 2 and parts[0] in words and parts[1] in words and words[parts[0]] % 10 == 0 \
            and 20 <= words[parts[0]] <= 90 and words[parts[1]] < 10:
        return words[parts[0]] + words[parts[1]]
    return None


@dataclass
class _Figure:
    category: str
    value: int
    noun: str
    start: int
    subset: bool


class Numbers:
    """Finds figures in a statement with patterns built from ``cues.json``."""

    def __init__(self, lex):
        self.lex = lex
        self.words = {k.lower(): int(v) for k, v in lex.words.get("number_words", {}).items()}
        number_words = sorted(self.words, key=len, reverse=True)
        tens = [w for w, v in self.words.items() if 20 <= v <= 90 and v % 10 == 0]
        ones = [w for w, v in self.words.items() if 1 <= v <= 9 and " " not in w and w not in ("a", "an", "both", "single", "lone", "pair")]
        compound = r"(?:" + "|".join(tens) + r")[\s\-](?:" + "|".join(ones) + r")"
        prefixes = "|".join(re.escape(p) for p in sorted(lex.words.get("number_prefixes", ()), key=len, reverse=True))
        num = r"(?:" + compound + "|" + _DIGITS + "|" + "|".join(re.escape(w) for w in number_words) + r")"
        self.num = num
        self.pre = r"(?:(?:" + prefixes + r")\s+)?" if prefixes else ""
        persons = "|".join(re.escape(p) for p in sorted(lex.words.get("person_nouns", ()), key=len, reverse=True))
        killed = "|".join(re.escape(w) for w in sorted(lex.words.get("killed_words", ()), key=len, reverse=True))
        injured = "|".join(re.escape(w) for w in sorted(lex.words.get("injured_words", ()), key=len, reverse=True))
        self._persons = persons
        aux = r"(?:(?:were|was|have been|has been|had been|are|is|been|reportedly|reported|later|also|all|being|" \
              r"confirmed|left|of them|of whom|initially|seriously|critically|badly|slightly|lightly|fatally)\s+){0,4}"
        mod = r"(?:(?![\d,]+\s|(?:" + killed + "|" + injured + r")\b)[\w'’\-]+\s+){0,3}?"
        flags = re.IGNORECASE
        # "two civilians were killed", "3 people dead", "1 x fatality"
        self._before = {
            cat: re.compile(r"(?<![\w\-])(" + num + r")\s+(?:x\s+)?" + mod + r"(" + persons + r")?\s*" + aux + r"(" + words + r")\b", flags)
            for cat, words in (("killed", killed), ("injured", injured))
        }
        # "killed two people", "killing at least 5", "injuring three others"
        verbs_k = r"(?:killed|killing|kills|left|leaving|claimed the lives of|took the lives of)"
        verbs_i = r"(?:injured|injuring|injures|wounded|wounding|wounds|hurt|hurting)"
        self._after = {
            "killed": re.compile(r"\b" + verbs_k + r"\s+" + self.pre + r"(" + num + r")(?:\s+" + mod + r"(" + persons + r"))?\b(?:\s+(?:dead|killed))?", flags),
            "injured": re.compile(r"\b" + verbs_i + r"\s+" + self.pre + r"(" + num + r")(?:\s+" + mod + r"(" + persons + r"))?\b", flags),
        }
        # "deaths of two individuals", "death toll rose to 7", "killed: 3"
        self._of = {
            "killed": re.compile(r"\b(?:deaths? of|death toll (?:\w+\s+){0,4}?(?:to|at|of|is|stands at)|killed:?|dead:?)\s+"
                                 + self.pre + r"(" + num + r")\b\s*(" + persons + r")?", flags),
            "injured": re.compile(r"\b(?:injur(?:y|ies) (?:to|of)|wounded:?|injured:?)\s+" + self.pre + r"(" + num + r")\b\s*(" + persons + r")?", flags),
        }
        weapon_nouns = r"(?:missiles?|drones?|rockets?|shells?|bombs?|projectiles?|munitions?|uavs?|shaheds?|warheads?|" \
                       r"rounds?|grenades?|mines?)"
        self._weapon_noun = weapon_nouns
        wmod = r"(?:(?!(?:some|several|many|all|other|others|most|of|were|was|and)\b)[\w'’\-]+\s+){0,4}?"
        self._fired = [
            re.compile(r"\b(?:with|fired|launched|launching|firing|using|used|sent|deployed)\s+" + self.pre + r"(" + num + r")\s+" + wmod + weapon_nouns, flags),
            re.compile(r"(?<![\w\-])(" + num + r")\s+" + wmod + weapon_nouns + r"\s+(?:were\s+|had been\s+|have been\s+)?(?:fired|launched)", flags),
        ]
        det = r"(?:detained|arrested|detaining|arresting|rounded up|took into custody|taken into custody)"
        self._detained = [
            re.compile(r"\b" + det + r"\s+" + self.pre + r"(" + num + r")\s+" + mod + r"(?:" + persons + r")", flags),
            re.compile(r"(?<![\w\-])" + self.pre.replace("(?:(?:", "(?:(?:", 1) + r"(" + num + r")\s+" + mod + r"(?:" + persons + r")\s+"
                       r"(?:(?:were|was|have been|had been|reportedly)\s+){0,2}" + det, flags),
        ]
        # cheap tests before the expensive patterns
        self._has = {
            "killed": re.compile(r"(?:" + killed + r"|left|leaving|claimed the lives|took the lives)", flags),
            "injured": re.compile(r"(?:" + injured + r"|injur|wound)", flags),
            "fired": re.compile(r"\b(?:with|fired|launch|firing|using|used|sent|deployed)", flags),
            "intercepted": re.compile(r"(?:shot down|intercept|downed|destroyed|neutrali|repelled)", flags),
            "hit": re.compile(r"(?:reached|hit|struck|got through|penetrated|landed)", flags),
        }
        ic = r"(?:shot down|intercepted|downed|destroyed|neutrali[sz]ed|repelled)"
        self._intercepted = [
            re.compile(r"(?<![\w\-])(" + num + r")\s+(?:of them\s+|of the \w+\s+|" + wmod + weapon_nouns + r"\s+)?(?:were\s+|was\s+|had been\s+|have been\s+|being\s+)" + ic, flags),
            re.compile(r"\b(?:shot down|intercepted|downed|destroyed|neutrali[sz]ed)\s+" + self.pre + r"(" + num + r")\s+(?:of\s+(?:them|the)\b|" + wmod + weapon_nouns + r")", flags),
        ]
        self._hit = [
            re.compile(r"(?<![\w\-])(" + num + r")\s+(?:of them\s+|others?\s+|" + wmod + weapon_nouns + r"\s+)?(?:reached|hit|struck)\s+(?:their|its|the)\s+targets?", flags),
            re.compile(r"(?<![\w\-])(" + num + r")\s+(?:of them\s+|others?\s+|" + wmod + weapon_nouns + r"\s+)?(?:got through|penetrated|hit the ground|landed)", flags),
        ]

    def value(self, text: str) -> int | None:
        return parse_number(text, self.words)

    @staticmethod
    def _is_subset(statement: str, start: int) -> bool:
        before = statement[max(0, start - 24):start].lower()
        return bool(re.search(r"(?:including|among them|among whom|of whom|of them|incl\.?)\s*(?:at least\s+)?$", before))

    def _figures(self, statement: str) -> list[_Figure]:
        out: list[_Figure] = []
        seen: set[tuple[str, int]] = set()
        for cat in ("killed", "injured"):
            if not self._has[cat].search(statement):
                continue
            for pattern in (self._before[cat], self._after[cat], self._of[cat]):
                for m in pattern.finditer(statement):
                    raw = m.group(1)
                    value = self.value(raw)
                    if value is None or (cat, m.start(1)) in seen:
                        continue
                    noun = (m.group(2) or "").lower() if m.lastindex and m.lastindex >= 2 else ""
                    if raw.lower() in ("a", "an", "single", "lone", "pair", "both") and not noun:
                        continue
                    if pattern is self._before[cat] and raw.lower() in ("a", "an") and noun.endswith("s") and noun not in ("bodies",):
                        continue
                    # a year or a time of day is not a casualty figure
                    if re.fullmatch(r"(?:19|20)\d\d", raw) or value > 100_000:
                        continue
                    seen.add((cat, m.start(1)))
                    out.append(_Figure(cat, value, noun, m.start(1), self._is_subset(statement, m.start(1))))
        return out

    def casualties(self, statement: str) -> tuple[int | None, int | None, list[str]]:
        """(killed, injured, conflicts): figures of distinct groups add up; two figures for one
        group that disagree are a conflict (and give None)."""
        figures = self._figures(statement)
        result: dict[str, int | None] = {"killed": None, "injured": None}
        conflicts = []
        for cat in ("killed", "injured"):
            groups: dict[str, set[int]] = {}
            for f in figures:
                if f.category == cat and not f.subset:
                    groups.setdefault(f.noun or "", set()).add(f.value)
            if not groups:
                continue
            if any(len(v) > 1 for v in groups.values()):
                conflicts.append(f"{cat}: " + ", ".join(str(x) for v in groups.values() for x in sorted(v)))
                continue
            values = {noun: next(iter(v)) for noun, v in groups.items()}
            if "" in values and len(values) > 1:
                # a bare figure next to group figures is usually their total
                result[cat] = max(values[""], sum(v for k, v in values.items() if k))
            else:
                result[cat] = sum(values.values())
        return result["killed"], result["injured"], conflicts

    def detained(self, statement: str) -> int | None:
        """People detained or arrested ("detained 38 protesters", "12 people were arrested")."""
        values = set()
        for pattern in self._detained:
            for m in pattern.finditer(statement):
                v = self.value(m.group(1))
                if v is not None and m.group(1).lower() not in ("a", "an", "both", "dozens", "hundreds", "scores"):
                    values.add(v)
        return max(values) if values else None

    def counts(self, statement: str) -> tuple[dict[str, int], list[str]]:
        """Weapon counts {"fired", "intercepted", "hit"} and conflicts (e.g. more shot down than fired)."""
        out: dict[str, int] = {}
        conflicts = []
        for key, patterns in (("fired", self._fired), ("intercepted", self._intercepted), ("hit", self._hit)):
            if not self._has[key].search(statement):
                continue
            values = set()
            for pattern in patterns:
                for m in pattern.finditer(statement):
                    raw = m.group(1)
                    if raw.lower() in ("both", "single", "lone", "pair", "dozens", "hundreds", "scores") or \
                            (raw.lower() in ("a", "an") and key != "fired"):
                        continue
                    v = self.value(raw)
                    if v is not None and not re.fullmatch(r"(?:19|20)\d\d", raw):
                        values.add(v)
            if len(values) == 1:
                out[key] = values.pop()
            elif len(values) > 1:
                out[key] = max(values)
                if key != "fired":
                    conflicts.append(f"{key}: " + ", ".join(map(str, sorted(values))))
        fired = out.get("fired")
        if fired is not None and out.get("intercepted", 0) + out.get("hit", 0) > fired:
            conflicts.append(f"counts: {out.get('intercepted', 0)} intercepted + {out.get('hit', 0)} hit > {fired} fired")
        return out, conflicts
