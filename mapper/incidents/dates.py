"""Date expressions in a statement, resolved against the article's date.

Weekday names mean the most recent such day on or before the article date ("last Saturday":
strictly before); month-day dates without a year take the most recent year that keeps them on
or before the article date. A date after the article's is never returned as an event date.
``time_precision`` follows ACLED: 1 day, 2 week, 3 month.

>>> import datetime as dt
>>> base = dt.date(2024, 11, 27)                     # a Wednesday
>>> [(d.text, d.date.isoformat(), d.precision) for d in find_dates("Last Saturday and on Monday", base)]
[('Last Saturday', '2024-11-23', 1), ('Monday', '2024-11-25', 1)]
>>> [(d.text, d.date.isoformat()) for d in find_dates("on November 23", base)]
[('November 23', '2024-11-23')]
>>> find_dates("on December 3", base)[0].date.isoformat()      # last year's, not a future date
'2023-12-03'

A range gives its first day, at day precision for one night and week precision up to seven days:

>>> [(d.text, d.date.isoformat(), d.precision) for d in find_dates("on the night of 22–23 November", base)]
[('22–23 November', '2024-11-22', 1)]
>>> [(d.date.isoformat(), d.precision) for d in find_dates("between November 18 and 23", base)]
[('2024-11-18', 2)]
>>> [(d.date.isoformat(), d.precision) for d in find_dates("from Saturday to Monday", base)]
[('2024-11-23', 2)]
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["DateMention", "find_dates", "WEEKDAYS", "MONTHS"]

WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
          "september": 9, "october": 10, "november": 11, "december": 12,
          "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
          "nov": 11, "dec": 12}
_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "a": 1, "an": 1, "a couple of": 2, "a few": 3, "several": 3}

_MONTH_NAMES = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
               r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_WEEKDAY_NAMES = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ORD = r"(?:st|nd|rd|th)?"

_RANGE_JOIN = r"\s*(?:–|—|-|to|and|into)\s*"
_PATTERNS = [
    # Ranges first, so that "22–23 November" is one expression and not the 23rd alone.
    ("dmy_range", re.compile(r"\b(\d{1,2})" + _ORD + _RANGE_JOIN + r"(\d{1,2})" + _ORD + r"\s+(?:of\s+)?("
                             + _MONTH_NAMES + r")(?:,?\s+(\d{4}))?\b")),
    ("mdy_range", re.compile(r"\b(" + _MONTH_NAMES + r")\s+(\d{1,2})" + _ORD + _RANGE_JOIN + r"(\d{1,2})" + _ORD
                             + r"(?:,?\s+(\d{4}))?\b(?!\s*(?:km|kilomet|miles|%))")),
    ("weekday_range", re.compile(r"\b(" + _WEEKDAY_NAMES + r")(?:\s+(?:night|evening))?" + _RANGE_JOIN + r"("
                                 + _WEEKDAY_NAMES + r")\b")),
    ("iso", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("dmy_num", re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")),
    ("mdy", re.compile(r"\b(" + _MONTH_NAMES + r")\s+(\d{1,2})" + _ORD + r"(?:,?\s+(\d{4}))?\b(?!\s*(?:km|kilomet|miles|%))")),
    ("dmy", re.compile(r"\b(\d{1,2})" + _ORD + r"\s+(?:of\s+)?(" + _MONTH_NAMES + r")(?:,?\s+(\d{4}))?\b")),
    ("weekday", re.compile(r"\b(?:((?i:last|this|past|previous|next|on|early|late))\s+)?(" + _WEEKDAY_NAMES + r")(?:'s|’s)?"
                           r"(?:\s+(?:morning|afternoon|evening|night))?\b")),
    ("day_words", re.compile(r"\b(the day before yesterday|yesterday|today|tonight|this morning|this afternoon|"
                             r"this evening|earlier today|last night|overnight|last evening)\b", re.IGNORECASE)),
    ("ago", re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few|several|a|an)\s+"
                       r"(day|days|week|weeks|month|months)\s+ago\b", re.IGNORECASE)),
    ("period", re.compile(r"\b(last|this|earlier this|past|previous|late last|early last)\s+(week|month|weekend)\b",
                          re.IGNORECASE)),
    ("month_only", re.compile(r"\b(?:in|since|during|throughout|early|late|mid-?)\s+(" + _MONTH_NAMES + r")"
                              r"(?:\s+(\d{4}))?\b(?!\s+\d)")),
]


# What each pattern cannot match without: a sentence is searched only by the patterns whose
# signs it has (most sentences with a number name no month, most name no weekday).
_SIGNS = {
    "digit": re.compile(r"\d"),
    "month": re.compile(_MONTH_NAMES),
    "weekday": re.compile(_WEEKDAY_NAMES),
    "ago": re.compile(r"\bago\b", re.IGNORECASE),
    "period": re.compile(r"week|month", re.IGNORECASE),
}
_NEEDS = {"dmy_range": ("digit", "month"), "mdy_range": ("digit", "month"), "weekday_range": ("weekday",),
          "iso": ("digit",), "dmy_num": ("digit",), "mdy": ("digit", "month"), "dmy": ("digit", "month"),
          "weekday": ("weekday",), "day_words": (), "ago": ("ago",), "period": ("period",),
          "month_only": ("month",)}
assert set(_NEEDS) == {kind for kind, _ in _PATTERNS}

# a cheap test first: most sentences name no date at all
_ANY = re.compile(r"\d|day\b|night|week|month|\bago\b|yesterday|today|tonight|overnight|evening|morning|afternoon|"
                  r"\b(?:" + _MONTH_NAMES + r")", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: dt.date | None      # None: the expression names a date after the article's (or an impossible one)
    precision: int            # 1 day, 2 week, 3 month
    strict: bool = False      # "last Saturday"
    future: bool = False      # the expression points after the article date


def _year_for(month: int, day: int, base: dt.date) -> dt.date | None:
    for year in (base.year, base.year - 1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            return None
        if d <= base:
            return d
    return None


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_num(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _span_precision(first: dt.date, last: dt.date) -> int:
    """A night across two days is still one event day; up to a week is ACLED's week precision."""
    days = (last - first).days
    return 1 if days <= 1 else 2 if days <= 7 else 3


def _range(first: dt.date | None, last: dt.date | None, base: dt.date | None):
    """A date range as (its first day, precision, strict, future)."""
    if first is None or last is None or last < first:
        return None
    if base is not None and first > base:
        return (None, 1, False, True)
    return (first, _span_precision(first, last), False, False)


def _resolve_range(kind: str, m: re.Match, base: dt.date | None):
    if kind == "weekday_range":
        if base is None:
            return None
        first_wd, last_wd = WEEKDAYS[m.group(1).lower()], WEEKDAYS[m.group(2).lower()]
        last = base - dt.timedelta(days=(base.weekday() - last_wd) % 7)
        return _range(last - dt.timedelta(days=(last_wd - first_wd) % 7), last, base)
    if kind == "dmy_range":
        day1, day2, month_name, year = m.group(1), m.group(2), m.group(3), m.group(4)
    else:
        month_name, day1, day2, year = m.group(1), m.group(2), m.group(3), m.group(4)
    month = _month_num(month_name)
    if year:
        return _range(_safe(int(year), month, int(day1)), _safe(int(year), month, int(day2)), base)
    if base is None:
        return None
    last = _year_for(month, int(day2), base)
    if last is None:
        # the range runs past the article date: its first day may still be before it
        first = _year_for(month, int(day1), base)
        return (first, 1, False, False) if first else (None, 1, False, True)
    return _range(_safe(last.year, month, int(day1)), last, base)


def _resolve(kind: str, m: re.Match, base: dt.date | None) -> tuple[dt.date | None, int, bool, bool] | None:
    """(date, precision, strict, future) or None when the match is no date."""
    if kind.endswith("_range"):
        return _resolve_range(kind, m, base)
    if kind == "iso":
        d = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return (d, 1, False, bool(base and d and d > base)) if d else None
    if kind == "dmy_num":
        d = _safe(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return (d, 1, False, bool(base and d and d > base)) if d else None
    if kind in ("mdy", "dmy"):
        month_name, day, year = (m.group(1), m.group(2), m.group(3)) if kind == "mdy" else (m.group(2), m.group(1), m.group(3))
        month, day_n = _month_num(month_name), int(day)
        if year:
            d = _safe(int(year), month, day_n)
            return (d, 1, False, bool(base and d and d > base)) if d else None
        if base is None:
            return None
        d = _year_for(month, day_n, base)
        return (d, 1, False, False) if d else None
    if base is None:
        return None
    if kind == "weekday":
        qualifier = (m.group(1) or "").lower()
        target = WEEKDAYS[m.group(2).lower()]
        if qualifier == "next":
            return (None, 1, False, True)
        strict = qualifier in ("last", "past", "previous")
        delta = (base.weekday() - target) % 7
        if strict and delta == 0:
            delta = 7
        return (base - dt.timedelta(days=delta), 1, strict, False)
    if kind == "day_words":
        word = m.group(1).lower()
        days = {"the day before yesterday": 2, "yesterday": 1, "last night": 1, "last evening": 1}.get(word, 0)
        return (base - dt.timedelta(days=days), 1, False, False)
    if kind == "ago":
        n = m.group(1).lower()
        count = int(n) if n.isdigit() else _NUM.get(n, 1)
        unit = m.group(2).lower().rstrip("s")
        if unit == "day":
            return (base - dt.timedelta(days=count), 1, False, False)
        if unit == "week":
            return (base - dt.timedelta(days=7 * count), 2, False, False)
        month = base.month - count
        year = base.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return (_safe(year, month, 1), 3, False, False)
    if kind == "period":
        which, unit = m.group(1).lower(), m.group(2).lower()
        last = "last" in which or which in ("past", "previous")
        if unit == "week":
            monday = base - dt.timedelta(days=base.weekday())
            return (monday - dt.timedelta(days=7) if last else monday, 2, False, False)
        if unit == "weekend":
            saturday = base - dt.timedelta(days=(base.weekday() - 5) % 7)
            if last and saturday == base:
                saturday -= dt.timedelta(days=7)
            return (saturday, 2, False, False)
        if last:
            month, year = (base.month - 1, base.year) if base.month > 1 else (12, base.year - 1)
            return (dt.date(year, month, 1), 3, False, False)
        return (dt.date(base.year, base.month, 1), 3, False, False)
    if kind == "month_only":
        month = _month_num(m.group(1))
        if m.group(2):
            d = _safe(int(m.group(2)), month, 1)
            return (d, 3, False, bool(base and d and d > base)) if d else None
        d = _year_for(month, 1, base)
        return (d, 3, False, False) if d else None
    return None


def find_dates(text: str, base: dt.date | None) -> list[DateMention]:
    """Every date expression of ``text``, in order, without overlaps (longest first)."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    if not _ANY.search(text):
        return found
    signs: dict[str, bool] = {}
    for kind, pattern in _PATTERNS:
        needs = _NEEDS[kind]
        if needs and not all(signs[n] if n in signs else signs.setdefault(n, bool(_SIGNS[n].search(text)))
                             for n in needs):
            continue
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if kind == "weekday" and m.group(2)[0].islower():
                continue
            if kind == "mdy" and m.group(1).lower().rstrip(".") == "may" and not m.group(1)[0].isupper():
                continue
            resolved = _resolve(kind, m, base)
            if resolved is None:
                continue
            date, precision, strict, future = resolved
            if future:
                date = None
            start, end = m.start(), m.end()
            surface = m.group(0)
            # "on Monday" -> "Monday"; keep "last Saturday".
            lead = re.match(r"(?:on|early|late)\s+", surface, re.IGNORECASE) if kind == "weekday" else None
            if lead:
                start += lead.end()
                surface = surface[lead.end():]
            found.append(DateMention(start, end, surface, date, precision, strict, future))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    return found
