"""Extension: owns the state store of a run, and records articles once their lines are durable.

The store (``pipeline.state.StateStore``) is opened here, when the crawler is built, and closed
here when the engine stops; the other state components (``pipeline.downloadermiddlewares.
incremental``, ``pipeline.pipelines.known``, ``pipeline.extensions.recovery`` and
``pipeline.extensions.summary``) reach it with ``crawler.get_extension(StateExtension)``, or
find none when ``NEWSCLEAN_STATE_ENABLED`` is off.
"""

from __future__ import annotations

import logging
import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object

from pipeline.errors import AlreadyWritten
from pipeline.signals import records_durable
from pipeline.state import StateStore
from pipeline.utils.records import parsed_records
from pipeline.utils.url import is_offline

logger = logging.getLogger(__name__)


class StateExtension:
    """Opens and closes the store; commits each article as ``written`` once its record is
    durable, notes drops. Listed after every extension that uses the store at ``engine_stopped``
    (the run summary), so it closes last."""

    def __init__(self, crawler: Crawler, store: StateStore):
        self.crawler = crawler
        self.store = store
        self.spider = crawler.spidercls.name

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateExtension:
        if not crawler.settings.getbool("NEWSCLEAN_STATE_ENABLED"):
            raise NotConfigured
        # The SQLite file, or in distributed mode the Redis store (NEWSCLEAN_STATE_STORE).
        store = load_object(crawler.settings["NEWSCLEAN_STATE_STORE"]).from_settings(crawler.settings)
        ext = cls(crawler, store)
        crawler.signals.connect(ext.records_durable, signal=records_durable)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def __repr__(self) -> str:  # shows in the "Enabled extensions" log
        return f"StateExtension({self.store.path})"

    def records_durable(self, path: Path, lines: list[bytes], **kwargs: Any) -> None:
        """Record a group of fsynced lines as written, in one commit."""
        new = rewritten = 0
        unreadable = partial(self.crawler.stats.inc_value, "newsclean/state/unreadable_record")
        for record in parsed_records(lines, unreadable):
            try:
                if self.store.mark_written(self.spider, record, str(path), commit=False):
                    new += 1
                else:
                    rewritten += 1
            except sqlite3.Error as exc:
                logger.error("state update failed for %s: %s", record.get("url"), exc)
                self.crawler.stats.inc_value("newsclean/state/commit_failed")
        try:
            self.store.commit()
        except sqlite3.Error as exc:
            # The records are safe in the output; only the state lags. The next run may rewrite them.
            logger.error("state commit failed for %d records of %s: %s", new + rewritten, path, exc)
            self.crawler.stats.inc_value("newsclean/state/commit_failed", new + rewritten)
            return
        if new:
            self.crawler.stats.inc_value("newsclean/state/new_articles", new)
        if rewritten:
            self.crawler.stats.inc_value("newsclean/state/rewritten", rewritten)

    def item_dropped(self, item: Any, exception: BaseException, **kwargs: Any) -> None:
        adapter = ItemAdapter(item)
        url = adapter.get("source_url")
        if url and not is_offline(url) and not isinstance(exception, AlreadyWritten):
            self.store.note_seen(self.spider, url, "dropped", fetched=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.store.commit()

    def engine_stopped(self) -> None:
        self.store.close()


def state_store(crawler: Crawler) -> StateStore | None:
    """The run's open store, or ``None`` when the state is off. Call it where Scrapy allows
    ``get_extension``: in components built after the extensions, or in signal handlers."""
    extension = crawler.get_extension(StateExtension)
    return extension.store if extension is not None else None
