"""One record per article URL per run: a second record for the same canonical URL is dropped."""

from __future__ import annotations

import pytest

from pipeline.errors import DuplicateUrl
from pipeline.items import Page
from pipeline.pipelines.dedupe import DuplicateUrlPipeline

URL = "https://news.example/2024/a?id=7&page=2"


@pytest.mark.parametrize("again", [
    URL,
    URL + "#comments",
    "https://news.example/2024/a?page=2&id=7",
    "https://NEWS.Example/2024/a?id=7&page=2",
    "https://news.example/2024/%61?id=7&page=2",
], ids=["same", "fragment", "query-order", "host-case", "escaped-path"])
def test_same_canonical_url_is_a_duplicate(again: str) -> None:
    pipeline = DuplicateUrlPipeline()
    first = {"url": URL}
    assert pipeline.process_item(first) is first
    with pytest.raises(DuplicateUrl) as raised:
        pipeline.process_item({"url": again})
    assert raised.value.url == again
    assert str(raised.value) == f"already written in this run: {again}"


@pytest.mark.parametrize("other", [
    "https://news.example/2024/b?id=7&page=2",
    "https://news.example/2024/a?id=8&page=2",
    "https://news.example/2024/a?id=7",
    "http://news.example/2024/a?id=7&page=2",
    "https://www.news.example/2024/a?id=7&page=2",
    "https://news.example/2024/A?id=7&page=2",
], ids=["path", "query-value", "query-param-missing", "scheme", "subdomain", "path-case"])
def test_a_different_url_is_not_a_duplicate(other: str) -> None:
    pipeline = DuplicateUrlPipeline()
    pipeline.process_item({"url": URL})
    item = {"url": other}
    assert pipeline.process_item(item) is item


@pytest.mark.parametrize("item", [{}, {"url": None}, {"url": ""}], ids=["no-field", "none", "empty"])
def test_records_without_a_url_pass_every_time(item: dict) -> None:
    pipeline = DuplicateUrlPipeline()
    assert pipeline.process_item(item) is item
    assert pipeline.process_item(item) is item
    assert pipeline.seen == set()


def test_pages_pass_every_time() -> None:
    pipeline = DuplicateUrlPipeline()
    page = Page(source_url=URL, body=b"<html></html>")
    assert pipeline.process_item(page) is page
    assert pipeline.process_item(page) is page


def test_each_run_starts_with_nothing_seen() -> None:
    DuplicateUrlPipeline().process_item({"url": URL})
    item = {"url": URL}
    assert DuplicateUrlPipeline().process_item(item) is item
