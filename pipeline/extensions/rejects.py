"""Extension: every input that yields no record, with its ``source_url`` and reason, in
``<output stem>.rejects.jsonl`` beside the run's output (written aside, renamed at the end).

Reasons are the ``DropItem`` subclass names of ``pipeline.errors`` for inputs dropped in the
item pipelines, and ``fetch_failed``/``http_<status>`` style names for inputs a spider could not
fetch (sent with the ``page_failed`` signal).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO, Any

import orjson
from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from pipeline.feedexport.names import rejects_path_for
from pipeline.feedexport.storage import part_path, replace_atomically
from pipeline.signals import feed_path_known, page_failed
from pipeline.utils.clock import now_utc

logger = logging.getLogger(__name__)


class RejectsLog:
    def __init__(self, crawler: Crawler, explicit_path: str | None):
        self.crawler = crawler
        self.path: Path | None = Path(explicit_path).resolve() if explicit_path else None
        self.pending: list[bytes] = []  # rejects seen before the output path is known
        self.count = 0
        self.file: IO[bytes] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RejectsLog:
        if not crawler.settings.getbool("NEWSCLEAN_REJECTS_ENABLED"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.get("NEWSCLEAN_REJECTS_PATH"))
        crawler.signals.connect(ext.feed_path_known, signal=feed_path_known)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.page_failed, signal=page_failed)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def feed_path_known(self, path: Path) -> None:
        if self.path is None:
            self.path = rejects_path_for(path)

    def item_dropped(self, item: Any, exception: BaseException, **kwargs: Any) -> None:
        adapter = ItemAdapter(item)
        self.add(adapter.get("source_url"), type(exception).__name__, str(exception),
                 url=getattr(exception, "url", None) or adapter.get("url") or getattr(adapter.get("known"), "url", None))

    def page_failed(self, source_url: str, reason: str, detail: str, **kwargs: Any) -> None:
        self.add(source_url, reason, detail)

    def add(self, source_url: str | None, reason: str, detail: str, url: str | None = None) -> None:
        self.crawler.stats.inc_value(f"newsclean/rejects/{reason}")
        self.count += 1
        self.pending.append(orjson.dumps(
            {"source_url": source_url, "url": url, "reason": reason, "detail": detail, "at": now_utc()},
            option=orjson.OPT_APPEND_NEWLINE,
        ))
        self.flush()

    def flush(self) -> None:
        """Append pending lines to the ``.part`` file (renamed into place at the end)."""
        if self.path is None:
            return
        if self.file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.file = open(part_path(self.path), "wb")  # noqa: SIM115 - open for the whole run
        self.file.writelines(self.pending)
        self.file.flush()
        self.pending.clear()

    def spider_closed(self, spider: Any) -> None:
        if self.path is None:
            if self.pending:
                logger.warning("%d rejects not written: no file output to put them beside", len(self.pending))
            return
        self.flush()
        if self.file is None:
            self.file = open(part_path(self.path), "wb")  # noqa: SIM115 - an empty rejects file says "none"
        self.file.close()
        replace_atomically(part_path(self.path), self.path)
        logger.info("%d rejects written to %s", self.count, self.path)
