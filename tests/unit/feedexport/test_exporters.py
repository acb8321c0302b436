"""The ``jsonl`` feed format: one JSON object per line, UTF-8, keys in record field order."""

from __future__ import annotations

import dataclasses
import io

import orjson
import pytest

from pipeline.feedexport.exporters import OrjsonLinesExporter
from pipeline.items import Article

FIELDS = [field.name for field in dataclasses.fields(Article)]


def article(**changes: object) -> Article:
    record = Article(
        schema_version=1, url="https://news.example/a", source_url="file:///in/a.html", site_name=None,
        title="Plan approved", authors=["Jane Doe"], published=None, published_from=None, language="en",
        description=None, text="First.\nSecond.", word_count=2, content_hash="sha256:00",
        fetched_at="2024-03-05T08:30:00+00:00", extractor={"name": "trafilatura"}, removed={"share": 2})
    return dataclasses.replace(record, **changes)


def export(*items: object, **options: object) -> bytes:
    out = io.BytesIO()
    exporter = OrjsonLinesExporter(out, **options)
    exporter.start_exporting()
    for item in items:
        exporter.export_item(item)
    exporter.finish_exporting()
    return out.getvalue()


def test_one_line_per_item_each_ending_with_a_newline() -> None:
    data = export(article(url="https://news.example/1"), article(url="https://news.example/2"))
    lines = data.split(b"\n")
    assert lines[-1] == b""  # the last line ends with a newline too
    assert [orjson.loads(line)["url"] for line in lines[:-1]] == ["https://news.example/1", "https://news.example/2"]


def test_newlines_inside_values_are_escaped_not_written() -> None:
    assert export(article()).count(b"\n") == 1
    assert b'"text":"First.\\nSecond."' in export(article())


def test_nothing_exported_writes_nothing() -> None:
    assert export() == b""


def test_keys_follow_the_record_field_order() -> None:
    assert list(orjson.loads(export(article()))) == FIELDS


def test_dict_items_keep_their_own_key_order() -> None:
    assert export({"b": 1, "a": 2, "c": 3}) == b'{"b":1,"a":2,"c":3}\n'


def test_fields_to_export_choose_and_order_the_keys() -> None:
    assert export(article(), fields_to_export=["title", "url"]) == (
        b'{"title":"Plan approved","url":"https://news.example/a"}\n')


@pytest.mark.parametrize(("value", "encoded"), [
    ("Grüße aus Köln", "Grüße aus Köln".encode()),
    ("Привет, мир", "Привет, мир".encode()),
    ("市議会", "市議会".encode()),
    ("emoji \U0001f4f0", "emoji \U0001f4f0".encode()),
    ("\u2018quoted\u2019 \u2014 dash", "\u2018quoted\u2019 \u2014 dash".encode()),
], ids=["german", "cyrillic", "cjk", "emoji", "punctuation"])
def test_non_ascii_is_written_as_utf8_not_escaped(value: str, encoded: bytes) -> None:
    data = export({"title": value})
    assert data == b'{"title":"' + encoded + b'"}\n'
    assert b"\\u" not in data


@pytest.mark.parametrize("options", [{"encoding": "latin-1"}, {"indent": 4}], ids=["encoding", "indent"])
def test_feed_options_do_not_change_the_line_format(options: dict) -> None:
    assert export({"title": "Grüße", "n": [1, 2]}, **options) == '{"title":"Grüße","n":[1,2]}\n'.encode()


def test_none_is_null_and_empty_values_are_kept() -> None:
    record = orjson.loads(export(article(authors=[], removed={})))
    assert (record["published"], record["description"], record["site_name"]) == (None, None, None)
    assert (record["authors"], record["removed"]) == ([], {})
    assert b'"published":null' in export(article())


def test_a_field_to_export_missing_from_the_item_is_null() -> None:
    assert export({"url": "https://news.example/a"}, fields_to_export=["url", "title"]) == (
        b'{"url":"https://news.example/a","title":null}\n')


def test_nested_values_are_written_as_they_are() -> None:
    record = orjson.loads(export(article()))
    assert (record["authors"], record["extractor"], record["removed"], record["word_count"]) == (
        ["Jane Doe"], {"name": "trafilatura"}, {"share": 2}, 2)


def test_an_article_is_written_as_its_fields_are_serialized_one_by_one() -> None:
    # export_item writes an Article with orjson's dataclass support; Scrapy's generic path
    # (get_serialized_fields, what FEED_EXPORT_FIELDS goes through) must give the same bytes
    record = article(authors=[], removed={}, published="2024-03-05T08:30:00+00:00", text="Caf\u00e9 \u2014 \U0001f600")
    record.story_signature = b"\x00\x01"  # set by the worker on the instance; not a record field
    generic = OrjsonLinesExporter(io.BytesIO())
    expected = orjson.dumps(dict(generic.get_serialized_fields(record, include_empty=True)),
                            option=orjson.OPT_APPEND_NEWLINE)
    assert export(record) == expected
    assert list(orjson.loads(expected)) == FIELDS
