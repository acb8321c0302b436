"""``testsite``: a minimal live spider for the unattended-run tests (``-a feeds=URL,URL``).

It follows the news spider's contract with ``pipeline.downloadermiddlewares.incremental``: feed requests carry role
``feed``, article requests role ``article``, and its errback ignores ``IgnoreRequest`` (a 304
feed or a known article is not a failure). Load it with ``-s SPIDER_MODULES=tests.sitespider``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from pipeline.items import Page
from pipeline.meta import ROLE
from pipeline.signals import page_failed


class SiteSpider(scrapy.Spider):
    name = "testsite"
    custom_settings = {"ROBOTSTXT_OBEY": False, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                       "RETRY_TIMES": 1}

    def __init__(self, feeds: str = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.feed_urls = [url for url in feeds.split(",") if url]

    async def start(self):
        for url in self.feed_urls:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.failed, meta={ROLE: "feed"})

    def parse_feed(self, response: Response):
        for link in response.xpath("//item/link/text()").getall():
            yield scrapy.Request(link, callback=self.parse_article, errback=self.failed, meta={ROLE: "article"})

    def parse_article(self, response: Response):
        yield Page(source_url=response.url, body=response.body,
                   content_type=response.headers.get("Content-Type", b"").decode("latin-1"), kind_hint="html",
                   fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def failed(self, failure: Failure):
        if failure.check(IgnoreRequest):
            return
        self.crawler.signals.send_catch_log(page_failed, source_url=failure.request.url, reason="fetch_failed",
                                            detail=f"{failure.type.__name__}: {failure.value}")
