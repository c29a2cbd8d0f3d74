"""Article -> Mention: a statistical NER (spaCy, optional) combined with the gazetteer matcher.

The matcher (mapper.recognition.matcher) finds every known name written as a proper noun; the
NER's entities add names the gazetteer spells otherwise, and its PERSON, ORG and PRODUCT spans
keep people's and organisations' names from becoming places.
"""
from __future__ import annotations

from typing import Iterable

import regex

from gazetteer.admin_names import strip_type_words
from gazetteer.index import Gazetteer
from gazetteer.normalize import normalize_name
from mapper.model import Article, Mention
from mapper.recognition.context import (after_last_title, follows_a_title, hints_from_plural_units,
                                        listed_with_places, looks_like_a_name, names_something_else,
                                        placed_by_words_before, unit_hint)
from mapper.recognition.lexicon import LEADING_QUALIFIERS, LIMITS, NEVER, PERSON_TITLES, SAINTS, common_word
from mapper.recognition.matcher import GazetteerMatcher, gazetteer_names
from mapper.recognition.prominence import is_major_place, mislabelled_place, town_named_in_full
from mapper.recognition.spans import Demonyms, Spans

__all__ = ["Recognizer", "gazetteer_names"]

_NEXT_IS_A_NAME = regex.compile(r" \p{Lu}")
# Entities whose words are not places, unless a lone word is a big place the model mislabelled.
_BLOCKING_LABELS = frozenset({"PERSON", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})


class Recognizer:
    """Finds place mentions in articles.

    Parameters
    ----------
    gazetteer : Gazetteer
    use_spacy : bool
        Combine spaCy's GPE/LOC/FAC/NORP entities with the gazetteer matcher; when False, or
        when no model is installed, only the gazetteer matcher runs.
    """

    def __init__(self, gazetteer: Gazetteer, use_spacy: bool = True):
        self.gazetteer = gazetteer
        self.matcher = GazetteerMatcher(gazetteer)
        self.names = self.matcher.names
        self.demonyms = gazetteer.demonym_countries()
        self._demonym_words = Demonyms(self.demonyms)
        self.nlp = None
        if use_spacy:
            from mapper.nlp import load_spacy

            self.nlp = load_spacy(("ner",))

    def _spacy_mentions(self, ents, article_text: str) -> tuple[list[Mention], list[tuple[int, int, bool]], list[tuple[int, int]]]:
        places, blockers, organisations = [], [], []
        for ent in ents:
            label = ent.label_
            text = ent.text
            start, end = ent.start_char, ent.end_char
            if text[:4].lower() == "the ":
                start += 4
                text = text[4:]
            first_word = text.split(" ", 1)[0].lower().rstrip(".")
            if label in ("GPE", "LOC", "FAC") and first_word in PERSON_TITLES - SAINTS and " " in text:
                continue
            if follows_a_title(article_text, start):
                continue
            if text.endswith(("'s", "’s")):
                end -= 2
                text = text[:-2]
            if not text:
                continue
            if label in ("GPE", "LOC"):
                # the model also calls "Xinhua", "marijuana" and a sentence's opening "Rebels" places
                key = normalize_name(text)
                if key not in NEVER and not text.islower() and not (
                        " " not in key and key not in self.names and common_word(key) >= LIMITS["common_word_zipf"]):
                    places.append(Mention(start, end, text, label, unit_hint(text)))
            elif label == "FAC":
                if normalize_name(text) in self.names and not text.islower():     # not "metro"
                    places.append(Mention(start, end, text, label, unit_hint(text)))
            elif label == "NORP":
                if normalize_name(text) in self.demonyms:
                    places.append(Mention(start, end, text, label, "country"))
            elif label in _BLOCKING_LABELS and (
                    (" " not in text and mislabelled_place(self.gazetteer, text))
                    or (" " in text and town_named_in_full(self.gazetteer, text))
                    or (placed_by_words_before(article_text, start)
                        and normalize_name(text) in self.names)):
                # The small English model often calls cities people or products ("Kherson",
                # "Paris", "Kramatorsk", "Kiryat Shmona"), and small towns people whatever the
                # sentence says ("north of Avdiivka", "in Lyman").
                continue
            elif label in _BLOCKING_LABELS:
                if label == "PERSON":
                    # "Buffalo Fire Chief Smith": the person is Smith; the words before the title are not his
                    start = end - len(after_last_title(text))
                # a PERSON span that is no name ("Sri Lanka - approximately") may hold a place;
                # a product, work or event named after one ("Crown Victoria") does not
                blockers.append((start, end, label != "PERSON" or looks_like_a_name(article_text[start:end])))
            elif label == "ORG" and not any(ch in text for ch in "()"):
                # ("Krasnohorivka (Donetsk Oblast" is a span the model cut wrongly, not a body)
                organisations.append((start, end))
        return places, blockers, organisations

    def _embedded_in_organisation_name(self, surface: str) -> bool:
        """"Winnipeg police", "U.S. Department of Justice": yes; "Food and Drug Administration": no."""
        if not is_major_place(self.gazetteer, surface):
            return False
        if " " in surface or surface.isupper() or common_word(normalize_name(surface)) < LIMITS["org_embedded_common_zipf"]:
            return True
        top = self.gazetteer.lookup(surface, limit=1)[0]
        return top.feature_code in ("PCLI", "ADM1") or top.population >= LIMITS["org_embedded_common_min_population"]

    def _unknown_with_known_inside(self, m: Mention, gaz: list[Mention]) -> bool:
        if not any(m.start <= g.start and g.end <= m.end and (g.end - g.start) < (m.end - m.start) for g in gaz):
            return False
        return not (self.gazetteer.has_name(m.text) or self.gazetteer.has_name(strip_type_words(m.text)))

    def mentions(self, article: Article, doc=None) -> list[Mention]:
        """Place mentions of one article, sorted by offset, without overlaps."""
        gaz = self.matcher.mentions(article.text)
        if doc is None and self.nlp is not None:
            doc = self.nlp(article.text)
        if doc is None:
            # Without the NER, demonyms that name a country ("Turkish", "South Korean") come from
            # the gazetteer's own list, as spaCy's NORP entities do on the other path.
            taken = Spans([(m.start, m.end) for m in gaz])
            gaz += [Mention(start, end, surface, "NORP", "country")
                    for start, end, surface in self._demonym_words.finditer(article.text)
                    if not taken.overlaps(start, end)]
            gaz.sort(key=lambda m: m.start)
            return hints_from_plural_units(article.text, [m for m in gaz if not names_something_else(article.text, m)])
        ents = doc.ents  # a property that rebuilds its tuple on every access
        ner, blockers, organisations = self._spacy_mentions(ents, article.text)
        # "Idlib Governorate", "Guinea-Bissau": the gazetteer's longer name says which place is
        # meant; it replaces the part of it the NER found.
        ner = [m for m in ner if not any(u.start <= m.start and m.end <= u.end and (u.end - u.start) > (m.end - m.start)
                                         for u in gaz)]
        # "Eastern China", "Indian Ocean coast", "City of Santa Ana": a span the gazetteer does not
        # know gives way to the known names inside it.
        ner = [m for m in ner if m.label == "NORP" or not self._unknown_with_known_inside(m, gaz)]
        # "Downtown Chicago" tagged as two places: the first word only qualifies the second.
        ner = [m for m in ner if not (all(w in LEADING_QUALIFIERS for w in m.text.lower().split())
                                      and _NEXT_IS_A_NAME.match(article.text, m.end))]
        merged = list(ner)
        taken = [(m.start, m.end) for m in ner]
        listed = []     # names the model calls people, whole: places if listed with places
        for m in gaz:
            if any(m.start < e and s < m.end for s, e in taken):
                continue
            blocker = next(((s, e, named) for s, e, named in blockers if m.start >= s and m.end <= e), None)
            # "Burkina Faso", "Milton Keynes", "Sri Lanka - approximately" tagged PERSON: a country,
            # province or big city that is the whole span, or inside one that is no name, stays.
            if blocker and not (((blocker[0], blocker[1]) == (m.start, m.end) or not blocker[2])
                                and mislabelled_place(self.gazetteer, m.text)):
                if (blocker[0], blocker[1]) == (m.start, m.end):
                    listed.append(m)
                continue
            # A place inside an organisation's name ("Winnipeg police", "U.S. Department of Justice")
            # is still a toponym; minor namesakes inside names ("Sears Tower") are not.
            inside = [(s, e) for s, e in organisations if m.start >= s and m.end <= e]
            # An "organisation" that is just a place name ("Velykyi Burluk") is the place.
            if inside and not (inside[0] == (m.start, m.end) or self._embedded_in_organisation_name(m.text)):
                continue
            merged.append(m)
            taken.append((m.start, m.end))
        merged += [m for m in listed if listed_with_places(article.text, m, merged)]
        # A word used in a person's name ("Mike Jansen") names that person when it comes back
        # alone, unless it is the country or province qualifying the place before it ("Michael
        # Jordan visited Amman, Jordan"; not "in Texas, Philmont said").
        person_words = {normalize_name(w) for ent in ents if ent.label_ == "PERSON"
                        and looks_like_a_name(after_last_title(ent.text)) for w in after_last_title(ent.text).split()}
        place_ends = {m.end for m in merged}
        merged = [m for m in merged if not names_something_else(article.text, m)
                  and not (" " not in m.text and m.label != "NORP" and normalize_name(m.text) in person_words
                           and not (article.text[m.start - 2:m.start] == ", " and m.start - 2 in place_ends
                                    and is_major_place(self.gazetteer, m.text, countries_and_provinces=True)))]
        merged.sort(key=lambda m: m.start)
        return hints_from_plural_units(article.text, merged)

    def mentions_many(self, articles: Iterable[Article]) -> Iterable[tuple[Article, list[Mention]]]:
        batch = list(articles)
        if self.nlp is None:
            for article in batch:
                yield article, self.mentions(article)
            return
        docs = self.nlp.pipe((a.text for a in batch), batch_size=32)
        for article, doc in zip(batch, docs):
            yield article, self.mentions(article, doc)

