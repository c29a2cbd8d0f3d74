"""When a statement's event happened: its dates that are not a report's, and the one bound to
its trigger when they disagree; else the last explicit date, else the article's."""
from __future__ import annotations

import datetime as dt
import re

from mapper.incidents.dates import DateMention
from mapper.incidents.detect import Cue

__all__ = ["EventDates"]


class EventDates:
    """Reads the date of a statement's event (``speech_words``: the verbs whose date is when
    something was said, not done)."""

    def __init__(self, lex, speech_words: set[str]):
        self.speech_words = speech_words
        self._report_verbs = re.compile(
            r"\b(?:" + "|".join(re.escape(w) for w in sorted(lex.words.get("report_date_verbs", ()), key=len, reverse=True))
            + r")\s+(?:on\s+|late\s+|early\s+|last\s+|this\s+)?$", re.IGNORECASE)

    def of(self, stext: str, dates: list[DateMention], sdoc=None) -> list[DateMention]:
        """The statement's dates that can be its event's (not "said on Monday")."""
        out = []
        for d in dates:
            before = stext[max(0, d.start - 40):d.start]
            if self._report_verbs.search(before):
                continue
            if sdoc is not None:
                span = sdoc.char_span(d.start, d.end, alignment_mode="expand")
                if span is not None and span.root.head.lower_ in self.speech_words and span.root.dep_ in ("npadvmod", "pobj", "prep"):
                    head = span.root.head
                    if head.lower_ in self.speech_words:
                        continue
            out.append(d)
        return out

    @staticmethod
    def _bound(stext: str, d: DateMention, cues: list[Cue]) -> bool:
        for c in cues:
            if c.strength != "strong":
                continue
            if d.end <= c.start and re.fullmatch(r"\s*(?:['’]s)?\s*(?:[\w\-]+\s+){0,2}", stext[d.end:c.start]) and \
                    re.search(r"['’]s", stext[d.start:c.start]):
                return True      # "Monday's strike", "Monday's ATACMS strike"
            if c.end <= d.start and re.fullmatch(r"\s*(?:on|in|late on|early on|overnight on|on the night of)?\s*", stext[c.end:d.start]):
                return True      # "struck on November 23"
        return False

    def choose(self, stext: str, cues: list[Cue], event_dates: list[DateMention],
               last_date: tuple[dt.date, int] | None, article_date: dt.date | None):
        """(date, time precision, where it came from, conflicts): ``last_date``, (date, precision) of
        the last explicit date before the statement; ``article_date``, the article's."""
        conflicts = []
        distinct = {d.date for d in event_dates if d.date is not None}
        future = [d for d in event_dates if d.date is None]
        date, precision, source = None, 1, "none"
        if future:
            conflicts.append("date after the article's: " + ", ".join(d.text for d in future))
        if len(distinct) == 1:
            d = next(d for d in event_dates if d.date is not None)
            date, precision, source = d.date, d.precision, "explicit"
        elif len(distinct) > 1:
            bound = {d.date: d for d in event_dates if d.date is not None and self._bound(stext, d, cues)}
            conflicts.append("dates disagree: " + ", ".join(f"{d.text} = {d.date.isoformat()}" for d in event_dates if d.date))
            if len(bound) == 1:
                d = next(iter(bound.values()))
                date, precision, source = d.date, d.precision, "conflict"
            else:
                date, precision, source = None, 3, "conflict"
        elif future and last_date is None:
            date, precision, source = None, 3, "conflict"
        elif last_date is not None:
            date, precision, source = last_date[0], last_date[1], "inherited"
        elif article_date is not None:
            date, precision, source = article_date, 1, "article"
        if source in ("inherited", "article") and future:
            source = "conflict"
        return date, precision, source, conflicts
