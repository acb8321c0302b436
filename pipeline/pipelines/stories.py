"""Item pipeline: each record's story (``story_id``) and, for a copy, the first record of that
story (``duplicate_of``); ``NEWSCLEAN_DUPLICATES=drop`` drops copies (``DuplicateStory``).

What counts as the same story is ``pipeline.stories.index``. The index is loaded from the state
(``pipeline.stories.sqlite``) when the run starts, takes each record as it passes, and a record's
row is stored only once its line is durable in the output (signal ``records_durable``), as the
state stores articles: a killed run never leaves a story behind that no output holds.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta, timezone
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from pipeline.arguments import duplicate_threshold, duplicate_window_days, duplicates_action
from pipeline.errors import DuplicateStory
from pipeline.extensions.state import state_store
from pipeline.signals import records_durable, records_recovered
from pipeline.stories.index import StoryIndex, StoryRow, signature, signature_from_bytes
from pipeline.stories.sqlite import StoryRows
from pipeline.utils.clock import now_utc
from pipeline.utils.records import parsed_records
from pipeline.utils.url import url_key

logger = logging.getLogger(__name__)

STATS = "newsclean/stories"


class StoryPipeline:
    def __init__(self, crawler: Crawler, index: StoryIndex, rows: StoryRows | None, drop: bool):
        self.stats = crawler.stats
        self.index = index
        self.rows = rows
        self.drop = drop
        self.pending: dict[str, StoryRow] = {}  # url key -> row, until its record is durable

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoryPipeline:
        action = duplicates_action(crawler.settings)
        if action == "off":
            raise NotConfigured
        index = StoryIndex(duplicate_threshold(crawler.settings))
        store = state_store(crawler)
        rows = store.story_rows(crawler.spidercls.name) if store is not None else None
        if rows is not None:
            window = duplicate_window_days(crawler.settings)
            since = (datetime.now(timezone.utc) - timedelta(days=window)).isoformat(timespec="seconds") if window else None
            index.load(rows.load(since))
            crawler.stats.set_value(f"{STATS}/loaded", len(index))
        pipeline = cls(crawler, index, rows, drop=action == "drop")
        if rows is not None:
            crawler.signals.connect(pipeline.records_durable, signal=records_durable)
            crawler.signals.connect(pipeline.records_recovered, signal=records_recovered)
        return pipeline

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if "text" not in adapter.field_names():
            return item  # Pages are not records yet
        url, canonical_url = adapter["url"], adapter.get("canonical_url")
        self.sync()
        # Extraction workers sign the text (pipeline.extract.worker.signed); in process, it is done here.
        signed = getattr(item, "story_signature", None)
        minhash = signature_from_bytes(signed) if signed else signature(adapter["text"])
        match = self.index.match(url, canonical_url, adapter["content_hash"], minhash)
        self.stats.inc_value(f"{STATS}/{match.evidence}")
        if match.duplicate_of and self.drop:
            raise DuplicateStory(f"{match.evidence} copy of {match.duplicate_of}", url=url)
        adapter["story_id"], adapter["duplicate_of"] = match.story_id, match.duplicate_of
        if match.evidence != "seen":  # a URL already indexed keeps its row
            row = StoryRow(url, canonical_url, adapter["content_hash"], match.story_id,
                           match.duplicate_of or url, minhash, now_utc())
            self.index.add(row)
            self.pending[url_key(url)] = row
        return item

    def sync(self) -> None:
        """Index the rows other workers stored since the last record (distributed mode), so a
        copy of a story another worker of this run wrote is marked as such."""
        if self.rows is None:
            return
        synced = 0
        for row in self.rows.load_new():
            if url_key(row.url) not in self.index.by_url:
                self.index.add(row)
                synced += 1
        if synced:
            self.stats.inc_value(f"{STATS}/synced", synced)

    def records_recovered(self, lines: list[bytes], **kwargs: Any) -> None:
        """Store the rows of a killed run's published records: that run stored rows only as its
        records became durable, and may have died before. A URL already indexed keeps its row."""
        rows = []
        for record in parsed_records(lines):
            if not isinstance(record.get("url"), str) or not record.get("text"):
                continue
            url = record["url"]
            if url_key(url) in self.index.by_url:
                continue
            minhash = signature(record["text"])
            story_id, first_url = record.get("story_id"), record.get("duplicate_of") or url
            if not story_id:  # written with NEWSCLEAN_DUPLICATES=off: place it now
                match = self.index.match(url, record.get("canonical_url"), record.get("content_hash") or "", minhash)
                story_id, first_url = match.story_id, match.duplicate_of or url
            row = StoryRow(url, record.get("canonical_url"), record.get("content_hash") or "", story_id, first_url,
                           minhash, now_utc())
            self.index.add(row)
            rows.append(row)
        self.store(rows)
        self.stats.inc_value(f"{STATS}/recovered", len(rows))

    def records_durable(self, lines: list[bytes], **kwargs: Any) -> None:
        rows = []
        for record in parsed_records(lines):
            url = record.get("url")
            if isinstance(url, str) and (row := self.pending.pop(url_key(url), None)) is not None:
                rows.append(row)
        self.store(rows)

    def store(self, rows: list[StoryRow]) -> None:
        if rows and self.rows is not None:
            try:
                self.rows.add(rows)
                self.rows.commit()
            except sqlite3.Error as exc:
                # The records are safe in the output; a later run only sees these stories anew.
                logger.error("story index update failed for %d records: %s", len(rows), exc)
                self.stats.inc_value(f"{STATS}/commit_failed", len(rows))
