"""Add-on: a User-Agent that tells site owners who runs the crawl and how to reach them."""

from __future__ import annotations

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from pipeline import __version__


class ContactUserAgent:
    """Add-on: ``USER_AGENT = "newsclean/<version> (+<NEWSCLEAN_CONTACT>)"`` unless a
    ``USER_AGENT`` was given above project level (``-s USER_AGENT=...``, a spider's own)."""

    def update_settings(self, settings: BaseSettings) -> None:
        contact = (settings.get("NEWSCLEAN_CONTACT") or "").strip()
        if contact and (settings.getpriority("USER_AGENT") or 0) <= SETTINGS_PRIORITIES["project"]:
            settings.set("USER_AGENT", f"newsclean/{__version__} (+{contact})", priority="project")
