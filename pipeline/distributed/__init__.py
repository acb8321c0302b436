"""Distributed mode: N workers (``scrapy crawl`` processes, on one machine or several) share one
frontier, one seen set, one per-domain rate and one state through a Redis server.

On when ``REDIS_URL`` is set (scrapy-redis's own setting, e.g. ``-s REDIS_URL=redis://host:6379/0``);
without it every component here is left out and a crawl runs exactly as on one machine. The
add-on ``pipeline.addons.distributed.DistributedMode`` switches the components in:

- ``scheduler.Scheduler``: scrapy-redis's scheduler and its ``RFPDupeFilter`` (the seen set), with
  the frontier in a Redis stream read by a consumer group (``queue.StreamQueue``): a request a
  worker reads stays pending under that worker until it is acknowledged, and a dead worker's
  pending requests are claimed by the others after ``NEWSCLEAN_REDIS_LEASE`` seconds (XAUTOCLAIM);
- ``acks.FrontierAcks``: acknowledges a request once everything it led to is safe: the requests
  it yielded are in the stream, and its record is fsynced (``records_durable``) or dropped;
- ``ratelimit.RateLimitedDownloadHandler``: at most ``NEWSCLEAN_REDIS_DOMAIN_RATE`` requests per
  second to a domain, counted by all workers together in Redis;
- ``pipeline.distributed.state.RedisStateStore``: the state (articles written, feed validators, runs)
  in Redis instead of the SQLite file, behind the same interface.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from scrapy.settings import BaseSettings

# Request meta: the stream entry a request was read from (set by the scheduler, never serialized).
MESSAGE_ID = "newsclean_redis_message"
KEY_PREFIX = "newsclean"


def enabled(settings: BaseSettings) -> bool:
    return bool(settings.get("REDIS_URL"))


def worker_name(settings: BaseSettings) -> str:
    """This worker's name: ``NEWSCLEAN_REDIS_WORKER``, else ``<host>-<pid>``. It names the
    worker's consumer in the stream and its output folder."""
    return settings.get("NEWSCLEAN_REDIS_WORKER") or f"{socket.gethostname()}-{os.getpid()}"


def connect(settings: BaseSettings) -> Any:
    """A client for ``REDIS_URL`` with scrapy-redis's connection defaults (``REDIS_PARAMS``)."""
    from scrapy_redis.connection import get_redis_from_settings

    return get_redis_from_settings(settings)


def worker_feed(settings: BaseSettings) -> str | None:
    """The default output of a worker (``NEWSCLEAN_REDIS_FEED`` with ``%(worker)s`` filled), or
    ``None`` outside distributed mode."""
    template = settings.get("NEWSCLEAN_REDIS_FEED")
    if not enabled(settings) or not template:
        return None
    return template.replace("%(worker)s", worker_name(settings))
