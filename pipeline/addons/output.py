"""Add-on: the default output when a run names none.

Scrapy merges ``-o``/``-O`` with the ``FEEDS`` setting, so a default in ``FEEDS`` would be
written on every run. Instead this add-on fills ``FEEDS`` only when it is empty after the
command line has been applied.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from pipeline.distributed import worker_feed


def output_feeds(settings: BaseSettings) -> dict[str, dict[str, Any]]:
    """The feeds a run with these settings writes: ``FEEDS``, else the default output. The crawl
    command needs them (to lock them) before the add-ons have run."""
    feeds = {str(uri): dict(options) for uri, options in settings.getdict("FEEDS").items()}
    # In distributed mode each worker writes its own file, all under one folder.
    template = worker_feed(settings) or settings.get("NEWSCLEAN_DEFAULT_FEED")
    if not feeds and template:
        feeds = {template: {"format": "jsonl"}}
    return feeds


class DefaultOutput:
    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getdict("FEEDS"):
            feeds = output_feeds(settings)
            if feeds:
                settings.set("FEEDS", feeds, priority="addon")
