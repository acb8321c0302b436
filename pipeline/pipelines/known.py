"""Item pipeline: a record an earlier run already wrote is dropped (``AlreadyWritten``)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from pipeline.errors import AlreadyWritten
from pipeline.extensions.state import state_store
from pipeline.state import StateStore, refresh_scope
from pipeline.utils.url import is_offline


class KnownArticlePipeline:
    """The downloader middleware already skips known article requests; this catches what it
    cannot see: role-less spiders, redirects to a known URL, a canonical URL shared by two pages."""

    def __init__(self, store: StateStore, spider: str, refresh: frozenset[str]):
        self.store = store
        self.spider = spider
        self.refresh = refresh

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownArticlePipeline:
        store = state_store(crawler)
        if store is None:
            raise NotConfigured
        return cls(store, crawler.spidercls.name, refresh_scope(crawler))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if "text" not in adapter.field_names() or "articles" in self.refresh:
            return item  # Pages are not records yet; refresh rewrites on purpose
        url = adapter.get("url")
        if url and not is_offline(adapter.get("source_url")) and self.store.is_written(self.spider, url):
            raise AlreadyWritten(f"written by an earlier run: {url}", url=url)
        return item
