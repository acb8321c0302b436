"""The story index's rows in the state's SQLite file (``NEWSCLEAN_STATE_PATH``), per spider.

``StoryRows`` is the whole interface a backend gives the pipeline: ``load`` every row at the
start of a run, ``load_new`` what other writers stored since (Redis workers), ``add`` rows as
their records become durable, ``commit``. The table lives
beside the state's own (``pipeline.state``), on the same connection, so a group of durable
records and their story rows commit together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Protocol

from pipeline.stories.index import StoryRow, signature_bytes, signature_from_bytes
from pipeline.utils.url import url_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS stories (
    spider TEXT NOT NULL, url_key TEXT NOT NULL, url TEXT NOT NULL, canonical_url TEXT,
    content_hash TEXT NOT NULL, story_id TEXT NOT NULL, first_url TEXT NOT NULL,
    signature BLOB NOT NULL, written_at TEXT,
    PRIMARY KEY (spider, url_key));
"""
# State files made before rows had a time get the column; their rows keep NULL (always loaded).
ADD_WRITTEN_AT = "ALTER TABLE stories ADD COLUMN written_at TEXT"
# A URL keeps the story it was first written under; rowid order is the order of writing.
INSERT = """
INSERT OR IGNORE INTO stories (spider, url_key, url, canonical_url, content_hash, story_id,
                               first_url, signature, written_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


class StoryRows(Protocol):
    # ``since``: only rows written at or after it (ISO 8601 UTC), and rows of unknown time.
    def load(self, since: str | None = None) -> Iterator[StoryRow]: ...
    def load_new(self) -> Iterator[StoryRow]: ...  # rows other writers stored since the last load
    def add(self, rows: Iterable[StoryRow]) -> None: ...
    def commit(self) -> None: ...


class SqliteStoryRows:
    def __init__(self, db: sqlite3.Connection, spider: str):
        self.db = db
        self.spider = spider
        self.db.executescript(SCHEMA)
        if "written_at" not in {column[1] for column in self.db.execute("PRAGMA table_info(stories)")}:
            self.db.execute(ADD_WRITTEN_AT)

    def load(self, since: str | None = None) -> Iterator[StoryRow]:
        """The spider's rows (written at or after ``since``, when given), in the order they were
        written (first records first)."""
        cursor = self.db.execute(
            "SELECT url, canonical_url, content_hash, story_id, first_url, signature, written_at FROM stories"
            " WHERE spider = ? AND (? IS NULL OR written_at IS NULL OR written_at >= ?) ORDER BY rowid",
            (self.spider, since, since))
        for url, canonical_url, content_hash, story_id, first_url, signature, written_at in cursor:
            yield StoryRow(url, canonical_url, content_hash, story_id, first_url, signature_from_bytes(signature),
                           written_at)

    def load_new(self) -> Iterator[StoryRow]:
        """Nothing: one run at a time holds the state file (``pipeline.extensions.runlock``), so
        no other writer adds rows during a run."""
        return iter(())

    def add(self, rows: Iterable[StoryRow]) -> None:
        self.db.executemany(INSERT, [
            (self.spider, url_key(row.url), row.url, row.canonical_url, row.content_hash, row.story_id,
             row.first_url, signature_bytes(row.signature), row.written_at) for row in rows])

    def commit(self) -> None:
        self.db.commit()
