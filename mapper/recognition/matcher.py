"""The gazetteer matcher: every name the gazetteer knows, written as a proper noun, found by
reading only the runs of capitalised words; filters keep common words, titles of people and
sentence-initial capitals from becoming places."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import regex

from gazetteer.index import Gazetteer
from gazetteer.normalize import normalize_name
from gazetteer.schema import read_name_index
from mapper.model import Mention
from mapper.recognition.context import follows_a_title, placed_by_words_before, spells, unit_hint
from mapper.recognition.lexicon import (CONNECTORS, GENERIC, LEADING_QUALIFIERS, LIMITS, NEVER, TYPE_WORDS,
                                        common_word, zipf)
from mapper.recognition.prominence import is_major_place

_MAX_TOKENS = 6
# Distinct runs of capitalised words whose names a recognizer keeps at hand; past this it starts afresh.
_MAX_CACHED_RUNS = 200_000

# Dotted abbreviations ("U.S.", "W.Va.") are one token; so are hyphenated and apostrophised names.
_TOKEN = re.compile(r"(?:[A-Z][a-z]?\.){2,}|[^\W\d_]+(?:['’ʼ\-][^\W\d_]+)*", re.UNICODE)
# A hyphen continues a name only before a capital ("Ivano-Frankivsk", "Rostov-on-Don"), so that
# "Kyiv-based" and "Moscow-funded" yield Kyiv and Moscow.
_WORD = r"\p{Lu}[\p{L}\p{M}]*(?:['’ʼ][\p{L}\p{M}]+|-(?:\p{Ll}{1,4}-)?\p{Lu}[\p{L}\p{M}]*)*"
_ABBREVIATION = r"(?:\p{Lu}\p{Ll}?\.){2,}"
_CONTINUATION = r"(?:" + "|".join(sorted((regex.escape(w) for w in CONNECTORS | TYPE_WORDS), key=len, reverse=True)) + r")"
# "St. Petersburg", "Mt. Vernon", "Ft. Worth": the abbreviation's dot does not end the name.
_NAME_PREFIXES = ("St", "Ste", "Mt", "Ft", "Pt")
_PREFIX = r"(?:" + "|".join(_NAME_PREFIXES) + r")\.(?= \p{Lu})"
# "ez-Zor", "al-Shughur", "el-Sheikh": an article joined to the next word of an Arabic name.
_JOINED_ARTICLE = r"\p{Ll}{1,3}-\p{Lu}[\p{L}\p{M}]*"
_CAPITALISED_RUN = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}])(?:{_ABBREVIATION}|{_PREFIX}|{_WORD})"
    rf"(?:[ \-](?:{_ABBREVIATION}|{_PREFIX}|{_WORD}|{_JOINED_ARTICLE}|{_CONTINUATION}(?![\p{{L}}\p{{M}}])))*")
_JOINED_ARTICLE_TOKEN = regex.compile(_JOINED_ARTICLE + "$")

_POSSESSIVE = re.compile(r"['’]s?$")
# ", Michigan", ", New South Wales", ", Ala.": the unit that may follow a place's name
_UNIT_AFTER = regex.compile(r", (\p{Lu}[\p{L}.]*(?: \p{Lu}[\p{L}.]*){0,2})")
_SENTENCE_END = re.compile(r"[.!?:;\"“”]\s*$|^\s*$|\n\s*$")


@lru_cache(maxsize=4)
def gazetteer_names(gazetteer_path: str) -> tuple[frozenset[str], dict[str, int]]:
    """Every name the matcher looks for, and for each first word the most words a name starting
    with it has (loaded once per process)."""
    return read_name_index(Gazetteer.open(gazetteer_path).conn, _MAX_TOKENS)


@lru_cache(maxsize=200_000)
def _normalize_token(token: str) -> str:
    return token.lower() if token.isascii() and token.isalpha() else normalize_name(token)



@dataclass
class _Token:
    start: int
    end: int
    text: str
    full_end: int = -1       # end with the possessive "'s" that ``end`` leaves out, when there is one



def _prefix_gap(run: str, token: _Token, following: _Token) -> bool:
    return token.text in _NAME_PREFIXES and run[token.end:following.start] == ". "



class GazetteerMatcher:
    """Finds the gazetteer's names in a text, with their offsets."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.names, self.first_words = gazetteer_names(str(gazetteer.path))
        # The word-frequency table loads on first use; loading it with the rest lets the
        # geoparser set all of them aside from garbage collection at once (mapper.gc_tuning).
        zipf("place")
        self._runs: dict[str, tuple[tuple[int, int, str, bool], ...]] = {}

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

    def mentions(self, text: str) -> list[Mention]:
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
                    found.append(Mention(start, end, surface, "GAZ", unit_hint(surface)))
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
                if length > 1 and not (last[0].isupper() or last.lower() in TYPE_WORDS
                                       or _JOINED_ARTICLE_TOKEN.match(last)):
                    continue
                key = norms[i] if length == 1 else " ".join(norms[i:i + length])
                if key in self.names:
                    matched = length
                    break
            if matched == 1 and i and key in GENERIC and run[tokens[i - 1].end:tok.start] == " ":
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
            if (matched and i + matched < n and all(w in LEADING_QUALIFIERS for w in key.split())
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
        if not all(is_major_place(self.gazetteer, p, countries_and_provinces=True) for _, _, p in parts):
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
                return Mention(tok.start, end, text[tok.start:end], "GAZ", unit_hint(text[tok.start:end]))
        return None

    def _keep_gazetteer_match(self, text: str, start: int, surface: str, key: str) -> bool:
        if key in NEVER:
            return False
        if follows_a_title(text, start):
            return False
        if " " in key:
            return True
        # A word in capitals ("WASHINGTON —" opening a story) is not capitalised by its place in the sentence.
        sentence_start = self._is_sentence_start(text, start) and not (surface.isupper() and len(surface) > 3)
        if self._plausible_single_word(surface, key, sentence_start):
            return True
        # the context is read only for the few words the first test turns down
        return (LIMITS["common_word_zipf"] <= common_word(key) < LIMITS["very_common_word_zipf"]
                and (placed_by_words_before(text, start) or self._unit_after(text, start + len(surface)))
                and self._plausible_single_word(surface, key, sentence_start, placed=True))

    def _unit_after(self, text: str, end: int) -> bool:
        """"Flint, Michigan", "Bath, England": a country or province after a comma says the word
        before it is a place."""
        after = _UNIT_AFTER.match(text, end)
        if not after:
            return False
        words = after.group(1).split(" ")
        return any(normalize_name(name) in self.names
                   and is_major_place(self.gazetteer, name, countries_and_provinces=True)
                   for name in {" ".join(words), words[0]})

    @lru_cache(maxsize=100_000)
    def _plausible_single_word(self, surface: str, key: str, sentence_start: bool, placed: bool = False) -> bool:
        """A one-word match that is also a common English word is kept only for a big place, or
        when the words before it put it on the map ("the island of Java", "in Bath"); the most
        common words ("in English") need a big place either way."""
        common = common_word(key)
        best = self.gazetteer.lookup(surface, limit=1)
        if not best:
            return False
        top = best[0]
        if top.name_kind >= 1 and top.feature_class == "P" and top.population < LIMITS["alternate_name_min_population"]:
            # Alternate spellings of hamlets collide with products and surnames ("Pantsir").
            return False
        if top.name_kind >= 1 and top.feature_class == "P" and self._only_a_foreign_alias(surface, key, common):
            return False
        if sentence_start and common >= LIMITS["sentence_start_common_zipf"]:
            # "Kyiv said..." opens many sentences; "Nice work..." is not about Nice.
            if top.feature_code == "PCLI":
                # a country's name is frequent because it is a name ("China said..."); a person
                # called Jordan or Georgia is the NER's to claim (its PERSON spans block the match)
                return True
            big = top.feature_code == "ADM1" or top.population >= LIMITS["big_place_population"]
            return big and common < LIMITS["very_common_word_zipf"]
        if common >= LIMITS["common_word_zipf"] or surface.isupper() and len(surface) <= 4:
            if common >= LIMITS["very_common_word_zipf"]:
                return top.feature_code in ("PCLI", "ADM1") or top.population >= LIMITS["very_big_place_population"]
            return placed or top.population >= LIMITS["big_place_population"] or top.feature_code in ("PCLI", "ADM1")
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
        if top.population >= LIMITS["alternate_name_famous_population"] or spells(key, top.name):
            return False
        code = surface.isupper() and len(surface) <= 3
        return code or common >= LIMITS["alternate_name_common_zipf"]
