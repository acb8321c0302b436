"""Add-on: distributed mode when ``REDIS_URL`` is set (``pipeline.distributed``); without it,
nothing changes.

It names scrapy-redis's dupefilter and our scheduler on top of scrapy-redis's (the frontier as a
stream), the Redis state store, and, when ``NEWSCLEAN_REDIS_DOMAIN_RATE`` is above 0, the HTTP(S)
download handler that shares the per-domain rate. Settings the command line gives win (they have
a higher priority than these).
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from pipeline.distributed import KEY_PREFIX, enabled

RATE_LIMITED_HANDLER = "pipeline.distributed.ratelimit.RateLimitedDownloadHandler"
SHARED_BACKOFF = "pipeline.distributed.ratelimit.SharedBackoff"


def set_default(settings: BaseSettings, name: str, value: Any) -> None:
    """Replace the project's default (settings.py) but not what the command line or a spider set."""
    if (settings.getpriority(name) or 0) <= SETTINGS_PRIORITIES["project"]:
        settings.set(name, value, priority="project")


class DistributedMode:
    def update_settings(self, settings: BaseSettings) -> None:
        if not enabled(settings):
            return
        set_default(settings, "SCHEDULER", "pipeline.distributed.scheduler.Scheduler")
        set_default(settings, "DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter")
        # The frontier and the seen set outlive a worker: the last worker out deletes them.
        set_default(settings, "SCHEDULER_PERSIST", True)
        set_default(settings, "SCHEDULER_QUEUE_KEY", f"{KEY_PREFIX}:%(spider)s:requests")
        set_default(settings, "SCHEDULER_DUPEFILTER_KEY", f"{KEY_PREFIX}:%(spider)s:seen")
        set_default(settings, "NEWSCLEAN_STATE_STORE", "pipeline.distributed.state.RedisStateStore")
        if settings.getfloat("NEWSCLEAN_REDIS_DOMAIN_RATE") > 0:
            # Added to the spider's handlers (the news spider switches the others off), unless a
            # handler for http(s) is named already.
            handlers = settings.getdict("DOWNLOAD_HANDLERS")
            for scheme in ("http", "https"):
                handlers.setdefault(scheme, RATE_LIMITED_HANDLER)
            settings.set("DOWNLOAD_HANDLERS", handlers, priority=settings.getpriority("DOWNLOAD_HANDLERS") or "addon")
            settings["EXTENSIONS"][SHARED_BACKOFF] = 0
