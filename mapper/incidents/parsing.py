"""Which incident statements are worth the dependency parser, and running it on them in one call.

Only statements whose place roles the words leave open, or whose actors the parse can name, are
parsed (so extraction adds little to geoparsing time).
"""
from __future__ import annotations

import re

from mapper.incidents.locate import COUNTRY
from mapper.incidents.statements import Statement

__all__ = ["StatementParser"]

# a subject that points back at the last statement's attacker ("They also struck...")
_BACK_REFERENCE = re.compile(r"\b[Tt]hey\b")


class StatementParser:
    """``enabled``: whether statements are parsed at all (the parser pipeline is loaded at the
    first statement that needs it, or by :meth:`load`)."""

    def __init__(self, lex, locator, actors, demonyms: dict[str, str], enabled: bool):
        self.locator = locator
        self.actors = actors
        self.demonyms = demonyms
        self.enabled = enabled
        self._parser = None
        self.max_parse_tokens = int(lex.setting("parse", "max_tokens", default=80))
        self.max_actor_parse_tokens = int(lex.setting("parse", "max_actor_tokens", default=40))
        self._capital_word = re.compile(r"\b[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)?")

    def load(self) -> None:
        if self._parser is None:
            from mapper.nlp import load_spacy

            self._parser = load_spacy(("parser",)) or False

    def parse(self, statements: list[Statement]) -> None:
        if not self.enabled:
            return
        need, roles = [], set()
        for st in statements:
            if not st.usable or len(st.text.split()) > self.max_parse_tokens:
                continue
            if self._ambiguous(st):
                need.append(st)
                roles.add(id(st))
            elif self._actors_unclear(st):
                need.append(st)
        if not need:
            return
        self.load()
        if not self._parser:
            return
        for st, sdoc in zip(need, self._parser.pipe(st.text for st in need)):
            st.sdoc = sdoc
            if id(st) not in roles:
                continue
            cue_spans = [(st.start + c.start, st.start + c.end, c.kind) for c in st.cues]
            st.pcands = [self.locator.syntax_role(sdoc, st.start, c, cue_spans) for c in st.pcands]

    def _ambiguous(self, st: Statement) -> bool:
        """Whether the words around a statement's places leave their roles open (then the parse decides)."""
        cands = st.pcands
        if len(cands) < 1:
            return False
        anchor = st.start + next((c.start for c in st.usable if c.strength == "strong"), st.usable[0].start)
        scored = sorted(((self.locator.score(c, anchor), c) for c in cands), key=lambda t: -t[0])
        scored = [(sc, c) for sc, c in scored if sc != float("-inf")]
        if not scored:
            return False
        best_score, best = scored[0]
        if best.role == "other" or any(c.role == "other" and c.level > best.level for _, c in scored):
            return True
        if any(c.role == "other" and (c.level == COUNTRY or (c.place is not None and c.place.feature_code == "PPLC"))
               and best_score - sc < 1.0 for sc, c in scored):
            return True
        if len(scored) >= 2:
            second_score, second = scored[1]
            if best_score - second_score < 1.0 and best.place is not None and second.place is not None and \
                    best.place.admin1_code != second.place.admin1_code:
                return True
        return False

    def _actors_unclear(self, st: Statement) -> bool:
        """Whether the words leave a statement's actors open, so that its parse is worth its cost: no
        "{demonym} forces" phrase (unless it swallows what was hit), but something the parse can name
        (an armed word with a country around it, "by" + a country word, a country or capital acting).
        Statements parsed only for their actors keep their word-based place roles."""
        if len(st.text.split()) > self.max_actor_parse_tokens:
            return False
        mentions = st.actor_mentions = self.actors.find(st.text, st.terms)
        armed = [a for a in mentions if self.actors.role(a.kind) == "armed"]
        if not armed and _BACK_REFERENCE.search(st.text):
            return True           # "They also struck...": the parse finds the pronoun subject
        if any(a.country for a in armed):
            # "struck a Russian air-defence battery": a country's forces named by what was hit
            st.target_mentions = self.actors.targets(st.text, st.terms)
            return any(t.start < a.end and a.start < t.end and t.end > a.end
                       for t in st.target_mentions for a in armed if a.country)
        text = st.text
        for a in armed:       # "troops of Russia", "the Russian occupiers"
            if re.match(r"\s+of\s+(?:the\s+)?[A-Z]", text[a.end:a.end + 12]) or \
                    re.search(r"[A-Z][\w’'\-]+\s+$", text[max(0, a.start - 25):a.start]):
                return True
        cue_starts = [c.start for c in st.usable if c.strength == "strong"]
        for m in self._capital_word.finditer(text):
            if not self.actors.country_of(m.group(0)):
                continue
            if re.search(r"\bby\s+(?:the\s+|an?\s+)?$", text[max(0, m.start() - 8):m.start()]):
                return True       # "by a Russian drone"
            if m.group(0).lower() in self.demonyms:
                continue          # "Russian shelling": the word windows read it
            if any(0 < c - m.end() <= 30 and re.fullmatch(r"(?:\s+[a-z]+){0,2}\s+", text[m.end():c]) for c in cue_starts):
                return True       # "Ukraine launched", "Russia again attacked"
        return False
