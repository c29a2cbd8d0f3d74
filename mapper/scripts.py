"""Which writing system an article is in: the NER reads English, so other scripts get a notice."""
from __future__ import annotations

import unicodedata
from collections import Counter

# Enough letters to tell the script of an article without reading all of a long one.
_SAMPLE = 4000


def dominant_script(text: str) -> str | None:
    """The script most of the text's letters are in ("Latin", "Cyrillic", "Arabic", "CJK"...), or
    None for a text with no letters."""
    counts: Counter = Counter()
    seen = 0
    for ch in text:
        if not ch.isalpha():
            continue
        if ch.isascii():
            counts["Latin"] += 1
        else:
            name = unicodedata.name(ch, "")
            counts[_script_of(name)] += 1
        seen += 1
        if seen >= _SAMPLE:
            break
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def _script_of(name: str) -> str:
    word = name.split(" ", 1)[0]
    if word in ("CJK", "HIRAGANA", "KATAKANA"):
        return "CJK"
    return word.capitalize() if word else "Other"


def script_notice(article_id: str, text: str) -> str | None:
    """A one-line notice for an article not written in the Latin alphabet, else None."""
    script = dominant_script(text)
    if script in (None, "Latin"):
        return None
    return (f"note: {article_id}: the text is mostly in {script} script; the English NER does not read it, "
            f"so only gazetteer names written in that script are found")
