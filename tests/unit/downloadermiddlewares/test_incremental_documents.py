"""The state middleware and feeds (issue 15, items 1 and 8): a compressed sitemap keeps its
validators like a plain one, and ``refresh=articles`` fetches feeds in full, since a 304 would
hide the very articles to refresh."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from pipeline.downloadermiddlewares.incremental import StateMiddleware, lists_articles
from pipeline.meta import ROLE
from pipeline.state import REFRESH_SCOPES, StateStore

FEED = "https://x.example/feed.xml"
SITEMAP = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           b"<url><loc>https://x.example/a</loc></url></urlset>")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    store = StateStore(tmp_path / "state.sqlite")
    store.save_resource("news", FEED, "feed", 200, validators=('"v1"', "Wed, 27 Sep 2023 08:30:00 GMT"))
    try:
        yield store
    finally:
        store.close()


class NewsLike(Spider):
    name = "news"


def middleware(store: StateStore, refresh: str) -> StateMiddleware:
    crawler = get_crawler(NewsLike, {"DOWNLOAD_MAXSIZE": 100_000})
    return StateMiddleware(crawler, store, REFRESH_SCOPES[refresh])


@pytest.mark.parametrize(("refresh", "conditional"), [("", True), ("feeds", False), ("articles", False),
                                                      ("all", False)])
def test_feeds_are_fetched_in_full_whenever_something_is_refreshed(store: StateStore, refresh: str,
                                                                   conditional: bool) -> None:
    request = Request(FEED, meta={ROLE: "feed"})
    middleware(store, refresh).process_request(request)
    assert (b"If-None-Match" in request.headers) is conditional
    assert (b"If-Modified-Since" in request.headers) is conditional


@pytest.mark.parametrize("body", [SITEMAP, gzip.compress(SITEMAP)], ids=["plain", "gzip"])
def test_a_sitemap_lists_articles_compressed_or_not(body: bytes) -> None:
    request = Request("https://x.example/sitemap.xml.gz", meta={ROLE: "sitemap"})
    assert lists_articles(request, Response(request.url, body=body, request=request), 100_000)


def test_a_compressed_sitemap_past_the_cap_keeps_no_validators() -> None:
    body = gzip.compress(SITEMAP.replace(b"</urlset>", b" " * 200_000 + b"</urlset>"))
    request = Request("https://x.example/sitemap.xml.gz", meta={ROLE: "sitemap"})
    assert not lists_articles(request, Response(request.url, body=body, request=request), 100_000)
