"""Span bookkeeping for merging recognizers, and the gazetteer-only path's demonym finder."""
from __future__ import annotations

import bisect

import regex

_CAPITALISED_WORD = regex.compile(r"(?<![\p{L}\-])\p{Lu}\p{Ll}+(?![\p{L}])")


class Spans:
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


class Demonyms:
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

