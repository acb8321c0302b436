"""Add-on: the default output when a run names none.

Scrapy merges ``-o``/``-O`` with the ``FEEDS`` setting, so a default in ``FEEDS`` would be
written on every run. Instead this add-on fills ``FEEDS`` only when it is empty after the
command line has been applied.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings


class DefaultOutput:
    def update_settings(self, settings: BaseSettings) -> None:
        template = settings.get("NEWSCLEAN_DEFAULT_FEED")
        if template and not settings.getdict("FEEDS"):
            settings.set("FEEDS", {template: {"format": "jsonl"}}, priority="addon")
