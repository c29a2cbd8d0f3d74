"""Article -> Mention: a statistical NER (spaCy, optional) combined with a gazetteer matcher.

The gazetteer matcher finds every known name written as a proper noun; filters keep common
words, person and organisation names, and sentence-initial capitals from becoming places.
"""
from __future__ import annotations

import bisect
import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from functools import lru_cache
from typing import Iterable

import regex

from gazetteer.admin_names import ADMIN_TYPE_WORDS, strip_type_words
from gazetteer.index import Gazetteer
from gazetteer.normalize import normalize_name
from mapper.model import Article, Mention

__all__ = ["Recognizer", "gazetteer_names"]

# Word lists and thresholds are data (lexicons/recognition.json), kept with their tests.
_LEXICON = json.loads((Path(__file__).resolve().parent / "lexicons" / "recognition.json").read_text(encoding="utf-8"))
_CONNECTORS = frozenset(_LEXICON["connectors"])       # lowercase words inside a multi-word name
_NEVER = frozenset(_LEXICON["never_places"])          # capitalised words never places on their own
_PERSON_TITLES = frozenset(_LEXICON["person_titles"])
_SAINTS = frozenset({"st", "saint", "ste", "sainte"})   # titles of people, and the first word of many places
_DISEASES = frozenset(_LEXICON["disease_names"])
_GENERIC = frozenset(_LEXICON["generic_feature_words"])   # "Island", "Bay": the tail of a longer name
_COMPASS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                      "northeast", "northwest", "southeast", "southwest", "north-east", "north-west", "south-east",
                      "south-west", "northeastern", "northwestern", "southeastern", "southwestern", "upper", "lower"})
_NEXT_IS_A_NAME = regex.compile(r" \p{Lu}")
# Words before a place name that qualify it rather than start a longer name ("Downtown Chicago").
_LEADING_QUALIFIERS = _COMPASS | {"greater", "downtown", "upstate", "metropolitan", "metro", "inner", "outer",
                                  "rural", "coastal", "occupied", "liberated", "mainland", "suburban"}
_LIMITS = _LEXICON["thresholds"]
# Entities whose words are not places, unless a lone word is a big place the model mislabelled.
_BLOCKING_LABELS = frozenset({"PERSON", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})


@lru_cache(maxsize=1)
def _weapon_system_names() -> frozenset[str]:
    """Names of weapon systems that are also the spelling of some small town ("Pantsir", "Buk",
    "Iskander"): in the news this tool reads they name the weapon. Taken from the incident
    stage's weapon lexicon so that one list serves both; generic words ("tank", "rocket") and
    common English words are left to the ordinary common-word rules."""
    path = Path(__file__).resolve().parent / "incidents" / "lexicons" / "weapons.json"
    weapons = json.loads(path.read_text(encoding="utf-8"))["weapons"]
    return frozenset(normalize_name(term) for weapon in weapons if not weapon.get("generic")
                     for term in weapon["terms"] if _zipf(term) < _LIMITS["common_word_zipf"])
_TYPE_WORDS = frozenset({w for w in ADMIN_TYPE_WORDS if " " not in w} | {"oblast'", "oblasts"})
_MAX_TOKENS = 6
# Distinct runs of capitalised words whose names a recognizer keeps at hand; past this it starts afresh.
_MAX_CACHED_RUNS = 200_000

# Dotted abbreviations ("U.S.", "W.Va.") are one token; so are hyphenated and apostrophised names.
_TOKEN = re.compile(r"(?:[A-Z][a-z]?\.){2,}|[^\W\d_]+(?:['’ʼ\-][^\W\d_]+)*", re.UNICODE)
# A hyphen continues a name only before a capital ("Ivano-Frankivsk", "Rostov-on-Don"), so that
# "Kyiv-based" and "Moscow-funded" yield Kyiv and Moscow.
_WORD = r"\p{Lu}[\p{L}\p{M}]*(?:['’ʼ][\p{L}\p{M}]+|-(?:\p{Ll}{1,4}-)?\p{Lu}[\p{L}\p{M}]*)*"
_ABBREVIATION = r"(?:\p{Lu}\p{Ll}?\.){2,}"
_CONTINUATION = r"(?:" + "|".join(sorted((regex.escape(w) for w in _CONNECTORS | _TYPE_WORDS), key=len, reverse=True)) + r")"
# "St. Petersburg", "Mt. Vernon", "Ft. Worth": the abbreviation's dot does not end the name.
_NAME_PREFIXES = ("St", "Ste", "Mt", "Ft", "Pt")
_PREFIX = r"(?:" + "|".join(_NAME_PREFIXES) + r")\.(?= \p{Lu})"
# "ez-Zor", "al-Shughur", "el-Sheikh": an article joined to the next word of an Arabic name.
_JOINED_ARTICLE = r"\p{Ll}{1,3}-\p{Lu}[\p{L}\p{M}]*"
_CAPITALISED_RUN = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}])(?:{_ABBREVIATION}|{_PREFIX}|{_WORD})"
    rf"(?:[ \-](?:{_ABBREVIATION}|{_PREFIX}|{_WORD}|{_JOINED_ARTICLE}|{_CONTINUATION}(?![\p{{L}}\p{{M}}])))*")
_JOINED_ARTICLE_TOKEN = regex.compile(_JOINED_ARTICLE + "$")
# The word before a name, searched backwards from it: searched forwards, the regex tries every
# start in the window before the one that reaches its end (ten times slower, once per name).
_PREVIOUS_WORD = regex.compile(r"([\p{L}]+)\.?\s+$", regex.REVERSE)
_POSSESSIVE = re.compile(r"['’]s?$")



def _dotted_abbreviations() -> frozenset[str]:
    """Newsroom abbreviations that are words without their dot ("Mass.", "Man.", "Ky.")."""
    from gazetteer.sources.abbreviations import iter_abbreviations

    return frozenset(normalize_name(a) for a, _ in iter_abbreviations() if a.endswith(".") and "." not in a[:-1])


DOTTED_ABBREVIATIONS = _dotted_abbreviations()
_SENTENCE_END = re.compile(r"[.!?:;\"“”]\s*$|^\s*$|\n\s*$")


@lru_cache(maxsize=4)
def gazetteer_names(gazetteer_path: str) -> tuple[frozenset[str], dict[str, int]]:
    """Every normalized name in the gazetteer except admin-2 short forms, and for each first
    word the most words a name starting with it has (loaded once per process)."""
    gz = Gazetteer.open(gazetteer_path)
    rows = gz.conn.execute("SELECT DISTINCT norm FROM names WHERE name_kind < 3 OR geonameid IN "
                           "(SELECT geonameid FROM places WHERE feature_code IN ('ADM1','PCLI'))")
    names = frozenset(r[0] for r in rows)
    first_words: dict[str, int] = {}
    for name in names:
        words = name.split(" ")
        if first_words.get(words[0], 0) < len(words):
            first_words[words[0]] = min(len(words), _MAX_TOKENS)
    return names, first_words


@lru_cache(maxsize=200_000)
def _normalize_token(token: str) -> str:
    return token.lower() if token.isascii() and token.isalpha() else normalize_name(token)


def _zipf(word: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        return 0.0
    return zipf_frequency(word, "en")


@lru_cache(maxsize=200_000)
def _common_word(word: str) -> float:
    return _zipf(word.lower())


@dataclass
class _Token:
    start: int
    end: int
    text: str
    full_end: int = -1       # end with the possessive "'s" that ``end`` leaves out, when there is one


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
        self.names, self.first_words = gazetteer_names(str(gazetteer.path))
        self.demonyms = gazetteer.demonym_countries()
        self._demonym_words = _Demonyms(self.demonyms)
        # The word-frequency table loads on first use; loading it with the rest lets the
        # geoparser set all of them aside from garbage collection at once (mapper.gc_tuning).
        _zipf("place")
        self._runs: dict[str, tuple[tuple[int, int, str, bool], ...]] = {}
        self.nlp = None
        if use_spacy:
            from mapper.nlp import load_spacy

            self.nlp = load_spacy(("ner",))

    # -- gazetteer matcher -------------------------------------------------
    def _tokens(self, text: str, offset: int = 0) -> list[_Token]:
        out = []
        for m in _TOKEN.finditer(text):
            word = m.group(0)
            end = m.end() + offset
            possessive = _POSSESSIVE.search(word) if len(word) > 2 and word[-2:] in ("'s", "’s") else None
            full_end = -1
            if possessive:
                full_end = end
                end -= len(possessive.group(0))
                word = word[: len(word) - len(possessive.group(0))]
            out.append(_Token(m.start() + offset, end, word, full_end))
        return out

    def _is_sentence_start(self, text: str, start: int) -> bool:
        return bool(_SENTENCE_END.search(text[max(0, start - 3):start]))

    def gazetteer_mentions(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        # Only runs of capitalised words (with connectors and unit words inside) can be names;
        # lowercase prose is skipped by the regex engine, not by Python.
        runs = self._runs
        for run in _CAPITALISED_RUN.finditer(text):
            word = run.group(0)
            matches = runs.get(word)
            if matches is None:
                matches = self._names_in_run(word)
            if not matches:
                continue        # most runs name nothing
            base = run.start()
            for rel_start, rel_end, key, whole in matches:
                start, end = base + rel_start, base + rel_end
                surface = text[start:end]
                if whole or self._keep_gazetteer_match(text, start, surface, key):
                    found.append(Mention(start, end, surface, "GAZ", _hint(surface)))
        return found

    def _names_in_run(self, run: str) -> tuple[tuple[int, int, str, bool], ...]:
        """:meth:`_run_matches`, kept for the next time the run comes back: runs repeat across
        articles ("President Vladimir Putin")."""
        if run.isalpha() and run.isascii() and run.lower() not in self.first_words:
            matches = ()        # most runs are one plain word that starts no name
        else:
            matches = self._run_matches(run)
        if len(self._runs) >= _MAX_CACHED_RUNS:
            self._runs.clear()
        self._runs[run] = matches
        return matches

    def _run_matches(self, run: str) -> tuple[tuple[int, int, str, bool], ...]:
        """The names in one run of capitalised words, as (start, end, key, whole) offsets into the
        run; ``whole``: a possessive-led name that needs no further check."""
        found: list[tuple[int, int, str, bool]] = []
        tokens = self._tokens(run)
        n = len(tokens)
        norms = [_normalize_token(t.text) for t in tokens]
        i = 0
        while i < n:
            tok = tokens[i]
            if tok.full_end > 0 and i + 1 < n:
                whole = self._possessive_name(run, tokens, norms, i)
                if whole:
                    found.append((whole.start, whole.end, normalize_name(whole.text), True))
                    i += len(whole.text.split())
                    continue
            # A hyphenated token ("Ivano-Frankivsk") folds to several words; its first one indexes it.
            longest = self.first_words.get(norms[i].split(" ", 1)[0], 0) if tok.text[0].isupper() else 0
            if not longest:
                i += 1
                continue
            limit = min(longest, n - i)
            # Tokens of one name are joined by a single space or hyphen.
            run_length = 1
            while run_length < limit and (run[tokens[i + run_length - 1].end:tokens[i + run_length].start] in (" ", "-")
                                          or _prefix_gap(run, tokens[i + run_length - 1], tokens[i + run_length])):
                run_length += 1
            matched = 0
            for length in range(run_length, 0, -1):
                last = tokens[i + length - 1].text
                if length > 1 and not (last[0].isupper() or last.lower() in _TYPE_WORDS
                                       or _JOINED_ARTICLE_TOKEN.match(last)):
                    continue
                key = norms[i] if length == 1 else " ".join(norms[i:i + length])
                if key in self.names:
                    matched = length
                    break
            if matched == 1 and i and key in _GENERIC and run[tokens[i - 1].end:tok.start] == " ":
                # "Plum Island", "Mahim Bay", "Trillium Health Centre": the end of a name the
                # gazetteer does not know, not Iceland ("Island"), Somalia's Bay region or France's.
                i += 1
                continue
            if (matched and i + matched < n and _JOINED_ARTICLE_TOKEN.match(tokens[i + matched].text)
                    and run[tokens[i + matched - 1].end:tokens[i + matched].start] == " "):
                # "Jisr al-Shughur", "Ras al-Ain": the start of a longer name the gazetteer does
                # not know, not the village called Jisr or Ras.
                i += matched + 1
                continue
            if (matched and i + matched < n and all(w in _LEADING_QUALIFIERS for w in key.split())
                    and run[tokens[i + matched - 1].end:tokens[i + matched].start] == " "):
                # "South West England", "Downtown Chicago": "Northern Ireland" stays whole when the
                # gazetteer has it (matched longer above); otherwise the compass and qualifying
                # words qualify the name after them.
                i += matched
                continue
            if matched:
                found.append((tok.start, tokens[i + matched - 1].end, key, False))
                i += matched
            else:
                found.extend(self._hyphenated_places(tok))
                i += 1
        return tuple(found)

    def _hyphenated_places(self, tok: _Token) -> list[tuple[int, int, str, bool]]:
        """"Donetsk-Zaporizhzhia border", "Israel-Gaza war", "US-Mexico": places joined by a
        hyphen, each a country, a province or a big city ("Jean-Pierre" and "Mercedes-Benz" are
        not; a name the gazetteer has whole, "Ivano-Frankivsk", was matched before)."""
        parts, offset = [], tok.start
        for part in tok.text.split("-"):
            parts.append((offset, offset + len(part), part))
            offset += len(part) + 1
        if len(parts) < 2 or not all(p[0].isupper() and normalize_name(p) in self.names for _, _, p in parts):
            return []
        if not all(self._major(p, countries_and_provinces=True) for _, _, p in parts):
            return []
        return [(start, end, normalize_name(part), False) for start, end, part in parts]

    def _possessive_name(self, text: str, tokens: list[_Token], norms: list[str], i: int) -> Mention | None:
        """"People's Republic of China": a name whose first word ends in 's, matched whole (the
        possessive reading "Republic of China" would be Taiwan)."""
        tok = tokens[i]
        head = _normalize_token(text[tok.start:tok.full_end])
        longest = self.first_words.get(head, 0)
        for length in range(min(longest, len(tokens) - i), 1, -1):
            if any(text[tokens[k].end if k > i else tok.full_end:tokens[k + 1].start] != " " for k in range(i, i + length - 1)):
                continue
            key = " ".join([head] + norms[i + 1:i + length])
            if key in self.names:
                end = tokens[i + length - 1].end
                return Mention(tok.start, end, text[tok.start:end], "GAZ", _hint(text[tok.start:end]))
        return None

    def _keep_gazetteer_match(self, text: str, start: int, surface: str, key: str) -> bool:
        if key in _NEVER:
            return False
        before = _PREVIOUS_WORD.search(text, max(0, start - 24), start)
        if before and before.group(1).lower() in _PERSON_TITLES:
            return False
        if " " in key:
            return True
        sentence_start = self._is_sentence_start(text, start)
        if self._plausible_single_word(surface, key, sentence_start):
            return True
        # the context is read only for the few words the first test turns down
        return (_LIMITS["common_word_zipf"] <= _common_word(key) < _LIMITS["very_common_word_zipf"]
                and bool(_LOCATIVE_BEFORE.search(text, max(0, start - 30), start))
                and self._plausible_single_word(surface, key, sentence_start, placed=True))

    @lru_cache(maxsize=100_000)
    def _plausible_single_word(self, surface: str, key: str, sentence_start: bool, placed: bool = False) -> bool:
        """A one-word match that is also a common English word is kept only for a big place, or
        when the words before it put it on the map ("the island of Java", "in Bath"); the most
        common words ("in English") need a big place either way."""
        common = _common_word(key)
        best = self.gazetteer.lookup(surface, limit=1)
        if not best:
            return False
        top = best[0]
        if top.name_kind >= 1 and top.feature_class == "P" and top.population < _LIMITS["alternate_name_min_population"]:
            # Alternate spellings of hamlets collide with products and surnames ("Pantsir").
            return False
        if top.name_kind >= 1 and top.feature_class == "P" and self._only_a_foreign_alias(surface, key, common):
            return False
        if sentence_start and common >= _LIMITS["sentence_start_common_zipf"]:
            # "Kyiv said..." opens many sentences; "Nice work..." is not about Nice.
            if top.feature_code == "PCLI":
                # a country's name is frequent because it is a name ("China said..."); a person
                # called Jordan or Georgia is the NER's to claim (its PERSON spans block the match)
                return True
            big = top.feature_code == "ADM1" or top.population >= _LIMITS["big_place_population"]
            return big and common < _LIMITS["very_common_word_zipf"]
        if common >= _LIMITS["common_word_zipf"] or surface.isupper() and len(surface) <= 4:
            if common >= _LIMITS["very_common_word_zipf"]:
                return top.feature_code in ("PCLI", "ADM1") or top.population >= _LIMITS["very_big_place_population"]
            return placed or top.population >= _LIMITS["big_place_population"] or top.feature_code in ("PCLI", "ADM1")
        return True

    def _only_a_foreign_alias(self, surface: str, key: str, common: float) -> bool:
        """A word that names no place officially and is only an alias of a town that spells it
        otherwise: an airport code ("DOH", "BAI"), a word or surname another language uses
        for the town ("Jin" for Tsu, "Molotov" for Perm, "You'd"). Kept: real spellings of the
        name ("Lugansk", "Odessa"), rare exonyms ("Dnepropetrovsk"), and the aliases of famous
        cities ("Kiev", "Calcutta", "NYC")."""
        readings = self.gazetteer.lookup(surface, limit=60)
        if any(c.name_kind == 0 for c in readings):
            return False     # some place is called this: which one is the resolver's question
        top = readings[0]
        if top.population >= _LIMITS["alternate_name_famous_population"] or _spells(key, top.name):
            return False
        code = surface.isupper() and len(surface) <= 3
        return code or common >= _LIMITS["alternate_name_common_zipf"]

    # -- merging -------------------------------------------------------------
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
            if label in ("GPE", "LOC", "FAC") and first_word in _PERSON_TITLES - _SAINTS and " " in text:
                continue
            before = _PREVIOUS_WORD.search(article_text, max(0, start - 24), start)
            if before and before.group(1).lower() in _PERSON_TITLES:
                continue
            if text.endswith(("'s", "’s")):
                end -= 2
                text = text[:-2]
            if not text:
                continue
            if label in ("GPE", "LOC"):
                # the model also calls "Xinhua" and "marijuana" places
                if normalize_name(text) not in _NEVER and not text.islower():
                    places.append(Mention(start, end, text, label, _hint(text)))
            elif label == "FAC":
                if normalize_name(text) in self.names and not text.islower():     # not "metro"
                    places.append(Mention(start, end, text, label, _hint(text)))
            elif label == "NORP":
                if normalize_name(text) in self.demonyms:
                    places.append(Mention(start, end, text, label, "country"))
            elif label in _BLOCKING_LABELS and (
                    (" " not in text and self._mislabelled_place(text))
                    or (_LOCATIVE_BEFORE.search(article_text, max(0, start - 30), start)
                        and normalize_name(text) in self.names)):
                # The small English model often calls cities people or products ("Kherson",
                # "Paris", "Kramatorsk"), and small towns people whatever the sentence says
                # ("north of Avdiivka", "in Lyman").
                continue
            elif label in _BLOCKING_LABELS:
                if label == "PERSON":
                    # "Buffalo Fire Chief Smith": the person is Smith; the words before the title are not his
                    start = end - len(_after_last_title(text))
                # a PERSON span that is no name ("Sri Lanka - approximately") may hold a place;
                # a product, work or event named after one ("Crown Victoria") does not
                blockers.append((start, end, label != "PERSON" or _looks_like_a_name(article_text[start:end])))
            elif label == "ORG" and not any(ch in text for ch in "()"):
                # ("Krasnohorivka (Donetsk Oblast" is a span the model cut wrongly, not a body)
                organisations.append((start, end))
        return places, blockers, organisations

    def _major(self, surface: str, countries_and_provinces: bool = False) -> bool:
        best = self.gazetteer.lookup(surface, limit=1)
        if not best:
            return False
        units = ("PCLI", "ADM1") if countries_and_provinces else None
        return ((best[0].feature_class == "A" and (units is None or best[0].feature_code in units))
                or best[0].population >= _LIMITS["major_place_population"])

    def _mislabelled_place(self, word: str) -> bool:
        """A name the model tagged PERSON or PRODUCT that is a country, a province or a big place, or
        a rare word naming a fair-sized one."""
        best = self.gazetteer.lookup(word, limit=1)
        if not best:
            return False
        top = best[0]
        if top.feature_code in ("PCLI", "ADM1") or top.population >= _LIMITS["person_override_min_population"]:
            return True
        return (top.population >= _LIMITS["major_place_population"]
                and _common_word(normalize_name(word)) < _LIMITS["person_override_max_zipf"])

    def _embedded_in_organisation_name(self, surface: str) -> bool:
        """"Winnipeg police", "U.S. Department of Justice": yes; "Food and Drug Administration": no."""
        if not self._major(surface):
            return False
        if " " in surface or surface.isupper() or _common_word(normalize_name(surface)) < _LIMITS["org_embedded_common_zipf"]:
            return True
        top = self.gazetteer.lookup(surface, limit=1)[0]
        return top.feature_code in ("PCLI", "ADM1") or top.population >= _LIMITS["org_embedded_common_min_population"]

    def _unknown_with_known_inside(self, m: Mention, gaz: list[Mention]) -> bool:
        if not any(m.start <= g.start and g.end <= m.end and (g.end - g.start) < (m.end - m.start) for g in gaz):
            return False
        return not (self.gazetteer.has_name(m.text) or self.gazetteer.has_name(strip_type_words(m.text)))

    def mentions(self, article: Article, doc=None) -> list[Mention]:
        """Place mentions of one article, sorted by offset, without overlaps."""
        gaz = self.gazetteer_mentions(article.text)
        if doc is None and self.nlp is not None:
            doc = self.nlp(article.text)
        if doc is None:
            # Without the NER, demonyms that name a country ("Turkish", "South Korean") come from
            # the gazetteer's own list, as spaCy's NORP entities do on the other path.
            taken = _Spans([(m.start, m.end) for m in gaz])
            gaz += [Mention(start, end, surface, "NORP", "country")
                    for start, end, surface in self._demonym_words.finditer(article.text)
                    if not taken.overlaps(start, end)]
            gaz.sort(key=lambda m: m.start)
            return _hints_from_plural_units(article.text, [m for m in gaz if not _names_something_else(article.text, m)])
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
        ner = [m for m in ner if not (all(w in _LEADING_QUALIFIERS for w in m.text.lower().split())
                                      and _NEXT_IS_A_NAME.match(article.text, m.end))]
        merged = list(ner)
        taken = [(m.start, m.end) for m in ner]
        for m in gaz:
            if any(m.start < e and s < m.end for s, e in taken):
                continue
            blocker = next(((s, e, named) for s, e, named in blockers if m.start >= s and m.end <= e), None)
            # "Burkina Faso", "Milton Keynes", "Sri Lanka - approximately" tagged PERSON: a country,
            # province or big city that is the whole span, or inside one that is no name, stays.
            if blocker and not (((blocker[0], blocker[1]) == (m.start, m.end) or not blocker[2])
                                and self._mislabelled_place(m.text)):
                continue
            # A place inside an organisation's name ("Winnipeg police", "U.S. Department of Justice")
            # is still a toponym; minor namesakes inside names ("Sears Tower") are not.
            inside = [(s, e) for s, e in organisations if m.start >= s and m.end <= e]
            # An "organisation" that is just a place name ("Velykyi Burluk") is the place.
            if inside and not (inside[0] == (m.start, m.end) or self._embedded_in_organisation_name(m.text)):
                continue
            merged.append(m)
            taken.append((m.start, m.end))
        # A word used in a person's name ("Mike Jansen") names that person when it comes back alone.
        person_words = {normalize_name(w) for ent in ents if ent.label_ == "PERSON"
                        and _looks_like_a_name(_after_last_title(ent.text)) for w in _after_last_title(ent.text).split()}
        merged = [m for m in merged if not _names_something_else(article.text, m)
                  and not (" " not in m.text and m.label != "NORP" and normalize_name(m.text) in person_words)]
        merged.sort(key=lambda m: m.start)
        return _hints_from_plural_units(article.text, merged)

    def mentions_many(self, articles: Iterable[Article]) -> Iterable[tuple[Article, list[Mention]]]:
        batch = list(articles)
        if self.nlp is None:
            for article in batch:
                yield article, self.mentions(article)
            return
        docs = self.nlp.pipe((a.text for a in batch), batch_size=32)
        for article, doc in zip(batch, docs):
            yield article, self.mentions(article, doc)


# Words after a place name that make it the name of a disease, currency or product instead.
_NOT_A_PLACE_AFTER = re.compile(r"^(?:\$|[ \-](?:" + "|".join(_LEXICON["not_a_place_after"]) + r")\b)", re.IGNORECASE)


_NOT_IN_PERSON_NAMES = _TYPE_WORDS | _GENERIC


def _prefix_gap(run: str, token: _Token, following: _Token) -> bool:
    return token.text in _NAME_PREFIXES and run[token.end:following.start] == ". "


def _after_last_title(text: str) -> str:
    """The name in a PERSON span that holds a title: "Smith" in "Buffalo Fire Chief Smith"."""
    words = text.split(" ")
    for k in range(len(words) - 2, -1, -1):
        if words[k].lower().rstrip(".") in _PERSON_TITLES:
            return " ".join(words[k + 1:])
    return text


# Lowercase words that belong inside people's names ("Ahmed bin Salman", "Ursula von der Leyen").
_NAME_PARTICLES = frozenset({"al", "bin", "bint", "ibn", "da", "das", "de", "del", "della", "der", "des", "di",
                             "do", "dos", "du", "el", "la", "le", "van", "von", "y", "zu", "ter", "ten"})


def _looks_like_a_name(text: str) -> bool:
    """Words, not "Trump - Wisconsin", "Village Malakal" or "Cornwall Fire and": a small model's
    PERSON spans are not always people."""
    words = text.split()
    return len(words) > 1 and not any(w in ("-", "–", "—") or any(ch.isdigit() for ch in w)
                                      or w.lower() in _NOT_IN_PERSON_NAMES
                                      or (w[0].islower() and w not in _NAME_PARTICLES) for w in words)


_CAPITALISED_WORD = regex.compile(r"(?<![\p{L}\-])\p{Lu}\p{Ll}+(?![\p{L}])")


class _Spans:
    """Whether a span overlaps one of some others. The gazetteer matcher's come in text order
    without overlaps, where a binary search finds the only one that can overlap."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.in_order = all(e <= s for e, s in zip(self.ends, self.starts[1:]))

    def overlaps(self, start: int, end: int) -> bool:
        if not self.in_order:
            return any(start < e and s < end for s, e in self.spans)
        # The first span ending after ``start`` is the only one that can reach into [start, end).
        k = bisect.bisect_right(self.ends, start)
        return k < len(self.starts) and self.starts[k] < end


class _Demonyms:
    """Finds capitalised demonyms ("Turkish", "South Korean") by word lookups, not one huge regex."""

    def __init__(self, demonyms):
        self.single = {k for k in demonyms if " " not in k}
        self.pairs = {tuple(k.split()) for k in demonyms if k.count(" ") == 1}
        self.pair_heads = {a for a, _ in self.pairs}

    def finditer(self, text: str):
        words = list(_CAPITALISED_WORD.finditer(text))
        skip_until = -1
        for k, w in enumerate(words):
            if w.start() < skip_until:
                continue
            low = w.group(0).lower()
            if low in self.pair_heads and k + 1 < len(words):
                nxt = words[k + 1]
                if text[w.end():nxt.start()] in (" ", "-") and (low, nxt.group(0).lower()) in self.pairs \
                        and not text[nxt.end():nxt.end() + 1] == "-":
                    yield w.start(), nxt.end(), text[w.start():nxt.end()]
                    skip_until = nxt.end()
                    continue
            if low in self.single and text[w.end():w.end() + 1] != "-":
                yield w.start(), w.end(), w.group(0)


def _names_something_else(text: str, mention: Mention) -> bool:
    """A disease, currency, product or weapon named after a place ("West Nile virus", "US$",
    "Marburg", "Pantsir"), or an abbreviation written without its dot ("Mass graves" is not Massachusetts)."""
    key = normalize_name(mention.text)
    dotted = mention.text.endswith(".") or text[mention.end:mention.end + 1] == "."
    if key in DOTTED_ABBREVIATIONS and not dotted and not mention.text.isupper():
        return True
    if key in _weapon_system_names() and not mention.hint:
        return True
    if bool(_NOT_A_PLACE_AFTER.match(text[mention.end:mention.end + 16])):
        return True
    return key in _DISEASES and not _written_as_a_place(text, mention)


# What makes a name that is also a disease's ("Marburg", "Rift Valley", "St. Louis") the place:
# a preposition of place before it, a list or an apposition around it, or a unit word.
_PLACE_PREPOSITION_BEFORE = regex.compile(r"\b(?:in|near|at|from|to|outside|around|across)\s+(?:the\s+)?$",
                                          regex.IGNORECASE)
_PLACE_LIST_AFTER = regex.compile(r",\s+\p{Lu}")
_PLACE_LIST_BEFORE = regex.compile(r"\p{L},\s+$")


def _written_as_a_place(text: str, mention: Mention) -> bool:
    before = text[max(0, mention.start - 20):mention.start]
    return bool(mention.hint or _PLACE_PREPOSITION_BEFORE.search(before) or _PLACE_LIST_BEFORE.search(before)
                or _PLACE_LIST_AFTER.match(text, mention.end))



def _spells(key: str, official: str) -> bool:
    """Whether ``key`` is the official name written another way: one of its words ("Enfield" for
    Enfield Town) or a close spelling ("Lugansk" for Luhansk)."""
    name = normalize_name(official)
    if key in name.replace("-", " ").split() or name in key.split():
        return True
    return difflib.SequenceMatcher(None, key, name).ratio() >= _LIMITS["alternate_spelling_similarity"]


# Words that put what follows on the map: "in Lyman", "north of Avdiivka", "the village of Krynky",
# "shelled Vuhledar", "the assault on Mocimboa da Praia".
_LOCATIVE_BEFORE = regex.compile(
    r"(?:\b(?:in|near|outside|around|shelled|bombed|bombarded|captured|recaptured|liberated|besieged|stormed|"
    r"evacuated|occupied|overran|seized)|\b(?:north|south|east|west|northeast|northwest|southeast|southwest|"
    r"outskirts|village|town|city|settlement|region|district|province|island|shelling|bombing|siege) of"
    r"|\b(?:attacks?|strikes?|assault|offensive|advance) on)\s+$", regex.IGNORECASE)


# "Kursk and Oryol regions", "Donetsk, Luhansk and Zaporizhzhia oblasts": one plural unit word
# says what every name of the list before it is.
_PLURAL_UNITS = {"regions": "admin1", "provinces": "admin1", "oblasts": "admin1", "governorates": "admin1",
                 "krais": "admin1", "prefectures": "admin1", "districts": "admin2", "raions": "admin2",
                 "rayons": "admin2", "counties": "admin2"}
_PLURAL_UNIT_AFTER = regex.compile(r" (" + "|".join(_PLURAL_UNITS) + r")\b", regex.IGNORECASE)
_LIST_GAP = regex.compile(r"^(?:,\s*|\s+and\s+|,\s+and\s+|\s*&\s*)$")


def _hints_from_plural_units(text: str, mentions: list[Mention]) -> list[Mention]:
    out = list(mentions)
    for k, m in enumerate(out):
        unit = _PLURAL_UNIT_AFTER.match(text, m.end)
        if not unit or m.hint:
            continue
        hint = _PLURAL_UNITS[unit.group(1).lower()]
        j = k
        while True:
            out[j] = Mention(out[j].start, out[j].end, out[j].text, out[j].label, out[j].hint or hint)
            if j == 0 or not _LIST_GAP.match(text[out[j - 1].end:out[j].start]):
                break
            j -= 1
    return out


@lru_cache(maxsize=65536)
def _hint(surface: str) -> str | None:
    words = surface.lower().replace("’", "'").split()
    if not words:
        return None
    last = words[-1].rstrip("'")
    if last in ("oblast", "region", "province", "governorate", "state", "krai", "kray", "prefecture", "republic"):
        return "admin1"
    if last in ("district", "raion", "rayon", "county", "municipality"):
        return "admin2"
    return None
