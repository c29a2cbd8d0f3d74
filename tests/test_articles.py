import datetime as dt
import io
import json

import pytest

from mapper.articles import MAX_ARTICLE_CHARS, parse_text_article, read_articles
from mapper.errors import ArticleError


def articles(paths, stdin=None):
    return list(read_articles([str(p) for p in paths], stdin=stdin))


def test_date_header_on_its_own_line(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("date 2024-11-23\nShelling hit Kharkiv overnight.\n", encoding="utf-8")
    [a] = articles([f])
    assert a.id == "a" and a.date == dt.date(2024, 11, 23)
    assert a.text.startswith("Shelling hit Kharkiv")


def test_date_header_followed_by_text_on_the_same_line():
    a = parse_text_article(" date 2024-11-27 Officials said on Monday that drones hit Kursk.", "x")
    assert a.date == dt.date(2024, 11, 27)
    assert a.text.startswith("Officials said")


def test_no_header_means_no_date():
    a = parse_text_article("Drones hit Kursk.", "x")
    assert a.date is None and a.text == "Drones hit Kursk."


def test_invalid_date_header_is_an_error():
    with pytest.raises(ArticleError, match="invalid date"):
        parse_text_article("date 2024-13-45\nText.", "x")


def test_jsonl_keeps_ids_and_reports_bad_lines(tmp_path):
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "one", "text": "Drones hit Sumy.", "date": "2024-05-01", "title": "T", "url": "https://x.test/1"}),
        "{not json",
        json.dumps({"id": "three"}),
        json.dumps({"text": "A protest in Lviv."}),
    ]), encoding="utf-8")
    items = articles([f])
    assert [type(i).__name__ for i in items] == ["Article", "ArticleError", "ArticleError", "Article"]
    assert items[0].id == "one" and items[0].date == dt.date(2024, 5, 1) and items[0].url == "https://x.test/1"
    assert "batch.jsonl:2" in str(items[1]) and "not valid JSON" in str(items[1])
    assert 'no "text"' in str(items[2])
    assert items[3].id == "batch-4"


def test_html_text_title_and_date(tmp_path):
    f = tmp_path / "page.html"
    f.write_text("<html><head><title>Strike &amp; aftermath</title>"
                 "<meta property='article:published_time' content='2024-03-02T10:00:00Z'>"
                 "<script>var x = 'Moscow';</script></head>"
                 "<body><nav>Menu Paris</nav><p>A missile hit Odesa.</p><p>Two were hurt.</p></body></html>",
                 encoding="utf-8")
    [a] = articles([f])
    assert a.title == "Strike & aftermath" and a.date == dt.date(2024, 3, 2)
    assert "A missile hit Odesa." in a.text and "Moscow" not in a.text and "Paris" not in a.text


def test_folder_is_read_recursively_in_order(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("Kharkiv.", encoding="utf-8")
    (tmp_path / "sub" / "a.txt").write_text("Sumy.", encoding="utf-8")
    (tmp_path / "ignored.bin").write_bytes(b"\x00\x01")
    ids = [a.id for a in articles([tmp_path])]
    assert ids == ["b", "a"]


def test_stdin_text_and_jsonl():
    [a] = list(read_articles(["-"], stdin=io.BytesIO(b"date 2024-01-02\nShelling in Kherson.")))
    assert a.date == dt.date(2024, 1, 2)
    items = list(read_articles(["-"], stdin=io.BytesIO(b'{"id": "s1", "text": "Kyiv."}\n{"id": "s2", "text": "Lviv."}\n')))
    assert [i.id for i in items] == ["s1", "s2"]


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x00\x01\x02binary", "binary"),
    ("Ціна у гривнях".encode("cp1251"), "UTF-8"),
])
def test_bad_files_are_reported_not_raised(tmp_path, content, message):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    [item] = articles([f])
    assert isinstance(item, ArticleError) and message in str(item)


def test_missing_path_and_empty_folder(tmp_path):
    items = articles([tmp_path / "nope.txt", tmp_path])
    assert all(isinstance(i, ArticleError) for i in items)
    assert "no such file" in str(items[0]) and "no article files" in str(items[1])


def test_oversized_article_is_refused(tmp_path):
    f = tmp_path / "huge.txt"
    f.write_text("Kyiv. " * (MAX_ARTICLE_CHARS // 6 + 10), encoding="utf-8")
    [item] = articles([f])
    assert isinstance(item, ArticleError) and "split it" in str(item)


def test_other_scripts_are_read():
    a = parse_text_article("Обстріл Харкова вночі.", "ua")
    assert a.text == "Обстріл Харкова вночі."
