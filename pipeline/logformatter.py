"""Scrapy's log messages, less the two per page that the log's level would discard anyway.

Scrapy logs "Crawled (200) <GET ...>" for every response and "Scraped from ..." for every item
at DEBUG level. Its log handler filters by ``LOG_LEVEL``, but only after the logger has built
the record (the caller's frame looked up, a ``LogRecord`` made) and Scrapy has built the
message's arguments: two of each per page in the reactor process. A ``LogFormatter`` method that
returns ``None`` logs nothing (Scrapy's documented way to skip a message), so below
``LOG_LEVEL`` these two are never built. At ``LOG_LEVEL=DEBUG`` the log is Scrapy's, line for line.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter


class QuietLogFormatter(LogFormatter):
    def __init__(self, skip_debug: bool = False):
        self.skip_debug = skip_debug

    @classmethod
    def from_crawler(cls, crawler: Any) -> QuietLogFormatter:
        level = crawler.settings.get("LOG_LEVEL")
        # Scrapy's log handler takes a level's name or its number; an unknown name logs everything.
        if not isinstance(level, int):
            level = logging.getLevelName(str(level).upper())
        return cls(skip_debug=isinstance(level, int) and level > logging.DEBUG)

    def crawled(self, request: Any, response: Any, spider: Any) -> Any:
        return None if self.skip_debug else super().crawled(request, response, spider)

    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        return None if self.skip_debug else super().scraped(item, response, spider)
