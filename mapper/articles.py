"""Files, folders, JSON Lines, HTML and stdin -> :class:`~mapper.model.Article`.

Reading never stops at a bad article: :func:`read_articles` yields an :class:`ArticleError`
in its place so the caller can report it and go on with the others.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

from mapper.errors import ArticleError
from mapper.model import Article

__all__ = ["read_articles", "parse_text_article", "parse_date", "MAX_ARTICLE_CHARS", "ARTICLE_SUFFIXES"]

# Longer texts are almost always a mistake (a database dump, a binary); they would take minutes.
MAX_ARTICLE_CHARS = 5_000_000
ARTICLE_SUFFIXES = {".txt", ".text", ".md", ".jsonl", ".ndjson", ".json", ".html", ".htm"}
_TRAILING_ZONE = re.compile(r"\s+[A-Z]{2,5}$")
_DATE_HEADER = re.compile(r"^\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)


def parse_date(value) -> dt.date | None:
    """Lenient date parsing for article metadata: ISO dates and datetimes, else None.

    >>> parse_date("2024-11-27")
    datetime.date(2024, 11, 27)
    >>> parse_date("2024-11-27T08:15:00Z")
    datetime.date(2024, 11, 27)
    >>> parse_date("Dec 17, 2016 7:38 AM ET")
    datetime.date(2016, 12, 17)
    >>> parse_date("December 13, 2016 MST")
    datetime.date(2016, 12, 13)
    >>> parse_date("yesterday") is None
    True
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            return None
    try:
        from dateutil import parser as dateutil_parser
    except ImportError:
        return None
    # The date as written where it was written: "Dec 17, 2016 7:38 AM ET" is the 17th. A zone
    # after a bare date ("December 13, 2016 MST") is more than dateutil reads: it goes.
    for candidate in (text, _TRAILING_ZONE.sub("", text)):
        try:
            return dateutil_parser.parse(candidate, fuzzy=False, ignoretz=True).date()
        except (ValueError, OverflowError):
            continue
    return None


def _check_text(text: str, source: str) -> str:
    if "\x00" in text:
        raise ArticleError(f"{source}: looks like binary data, not an article")
    if not text.strip():
        raise ArticleError(f"{source}: the article is empty")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleError(f"{source}: the article has {len(text):,} characters, more than the "
                           f"{MAX_ARTICLE_CHARS:,} mapper reads; split it into smaller articles")
    return text


def parse_text_article(raw: str, article_id: str, path: str | None = None) -> Article:
    """Plain text whose first line may be ``date YYYY-MM-DD`` (alone or followed by the text)."""
    date = None
    match = _DATE_HEADER.match(raw)
    text = raw
    if match:
        date = parse_date(match.group(1))
        if date is None:
            raise ArticleError(f"{article_id}: invalid date {match.group(1)!r} in the first line")
        text = raw[match.end():]
    return Article(id=article_id, text=_check_text(text, article_id), date=date, path=path)


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{source}: looks like binary data, not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{source}: not valid UTF-8 (byte {exc.start}); convert it, e.g. "
                           f"`iconv -f latin1 -t utf-8`") from exc


class _HTMLText(HTMLParser):
    """Visible text, title and publication date of an HTML page."""

    _SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "aside"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.date = None
        self.url = None
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").lower()
            if key in ("article:published_time", "date", "pubdate", "dc.date", "og:published_time") and not self.date:
                self.date = parse_date(attrs.get("content"))
            if key == "og:url":
                self.url = attrs.get("content")
        if tag == "link" and (attrs.get("rel") or "").lower() == "canonical":
            self.url = self.url or attrs.get("href")
        if tag == "time" and not self.date:
            self.date = parse_date(attrs.get("datetime"))
        if tag == "title":
            self._in_title = True
        if tag in self._SKIP and tag != "head":
            self._skip += 1
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in self._SKIP and tag != "head" and self._skip:
            self._skip -= 1
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def parse_html_article(raw: str, article_id: str, path: str | None = None) -> Article:
    parser = _HTMLText()
    parser.feed(raw)
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    text = re.sub(r"\s*\n\s*", "\n", text).strip()
    return Article(id=article_id, text=_check_text(text, article_id), date=parser.date,
                   title=html.unescape(parser.title.strip()) or None, url=parser.url, path=path)


def _jsonl_articles(lines: Iterable[str], source: str, path: str | None) -> Iterator[Article | ArticleError]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ArticleError(f"{where}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            yield ArticleError(f"{where}: each line must be a JSON object")
            continue
        text = record.get("text")
        if not isinstance(text, str):
            yield ArticleError(f"{where}: no \"text\" field")
            continue
        article_id = str(record.get("id") or f"{Path(source).stem}-{number}")
        try:
            yield Article(id=article_id, text=_check_text(text, where), date=parse_date(record.get("date")),
                          title=record.get("title"), url=record.get("url"), path=path)
        except ArticleError as exc:
            yield exc


def _articles_from_text(raw: str, source: str, article_id: str, suffix: str, path: str | None):
    if suffix in (".jsonl", ".ndjson") or (suffix in ("", ".json") and raw.lstrip().startswith("{")):
        if suffix == ".json" and "\n" not in raw.strip():
            yield from _jsonl_articles([raw], source, path)
        else:
            yield from _jsonl_articles(raw.splitlines(), source, path)
    elif suffix in (".html", ".htm") or (suffix == "" and raw.lstrip()[:15].lower().startswith(("<!doctype", "<html"))):
        yield parse_html_article(raw, article_id, path)
    else:
        yield parse_text_article(raw, article_id, path)


def _read_path(path: Path) -> Iterator[Article | ArticleError]:
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield ArticleError(f"{source}: cannot read ({exc.strerror})")
        return
    try:
        yield from _articles_from_text(_decode(data, source), source, path.stem, path.suffix.lower(), source)
    except ArticleError as exc:
        yield exc


def read_articles(inputs: Iterable[str | Path], stdin=None) -> Iterator[Article | ArticleError]:
    """Articles from files, folders (recursively, by suffix) and ``-`` (stdin), in order.

    Bad articles come back as :class:`ArticleError` instances in the stream, not raised.
    """
    for item in inputs:
        if str(item) == "-":
            stream = stdin or sys.stdin.buffer
            data = stream.read()
            try:
                raw = _decode(data if isinstance(data, bytes) else data.encode(), "<stdin>")
                yield from _articles_from_text(raw, "<stdin>", "stdin", "", None)
            except ArticleError as exc:
                yield exc
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
            if not files:
                yield ArticleError(f"{path}: no article files (*.txt, *.jsonl, *.html) in this folder")
            for file in files:
                yield from _read_path(file)
        elif path.exists():
            yield from _read_path(path)
        else:
            yield ArticleError(f"{path}: no such file or folder")
