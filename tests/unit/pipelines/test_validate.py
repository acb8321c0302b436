"""Required fields: a record without a URL or text is dropped, each for its reason; a record
without a title is written (its title null)."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.errors import EmptyText, MissingUrl, RejectedPage
from pipeline.items import Article, Page
from pipeline.pipelines.validate import ValidationPipeline

URL = "https://news.example/2024/03/05/story"


def article(**changes: object) -> Article:
    record = Article(
        schema_version=1, url=URL, source_url=URL, site_name="Gazette", title="Plan approved", authors=[],
        published=None, published_from=None, language="en", description=None, text="The council approved it.",
        word_count=4, content_hash="sha256:0", fetched_at="2024-03-05T08:30:00+00:00", extractor={}, removed={})
    return dataclasses.replace(record, **changes)


@pytest.mark.parametrize(("changes", "error", "message"), [
    ({"url": None}, MissingUrl, "record has no url"),
    ({"url": ""}, MissingUrl, "record has no url"),
    ({"url": "   "}, MissingUrl, "record has no url"),
    ({"text": ""}, EmptyText, "record has no text"),
    ({"text": "\n\t"}, EmptyText, "record has no text"),
    ({"url": None, "title": None, "text": ""}, MissingUrl, "record has no url"),  # the first reason only
    ({"title": None, "text": ""}, EmptyText, "record has no text"),
], ids=["url-none", "url-empty", "url-blank", "text-empty", "text-blank", "all-missing-url-first",
        "no-title-no-text"])
def test_record_missing_a_field_is_dropped_for_its_reason(changes: dict, error: type[RejectedPage],
                                                          message: str) -> None:
    with pytest.raises(error) as raised:
        ValidationPipeline().process_item(article(**changes))
    assert type(raised.value) is error
    assert str(raised.value) == message


@pytest.mark.parametrize("title", [None, "", " \n "])
def test_record_without_a_title_is_written(title: str | None) -> None:
    record = article(title=title)
    assert ValidationPipeline().process_item(record) is record


@pytest.mark.parametrize(("changes", "url"), [
    ({"text": ""}, URL),
    ({"url": None}, None),
], ids=["has-url", "no-url"])
def test_drop_carries_the_record_url_for_the_rejects_log(changes: dict, url: str | None) -> None:
    with pytest.raises(RejectedPage) as raised:
        ValidationPipeline().process_item(article(**changes))
    assert raised.value.url == url


def test_complete_record_passes_through_unchanged() -> None:
    record = article()
    assert ValidationPipeline().process_item(record) is record
    assert record == article()


def test_page_passes_through_even_without_any_field() -> None:
    page = Page(source_url="file:///tmp/empty.html", body=b"")
    assert ValidationPipeline().process_item(page) is page


@pytest.mark.parametrize(("item", "error"), [
    ({"url": URL, "title": "T", "text": ""}, EmptyText),
    ({"url": 7, "title": "T", "text": "Body."}, MissingUrl),  # not a string
], ids=["dict-empty-text", "dict-url-not-str"])
def test_dict_records_are_checked_too(item: dict, error: type[RejectedPage]) -> None:
    with pytest.raises(error):
        ValidationPipeline().process_item(item)


def test_dict_without_text_is_no_record_and_passes() -> None:
    item = {"source_url": "file:///tmp/a.html"}
    assert ValidationPipeline().process_item(item) is item
