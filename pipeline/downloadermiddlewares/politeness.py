"""Politeness Scrapy leaves out: robots.txt ``Crawl-delay`` applied, ``Retry-After`` honoured.

- ``Crawl-delay``: Scrapy parses it but never applies it, and AutoThrottle and the delay jitter
  would go below it anyway. When robots.txt is parsed (``robots_parsed`` signal) the domain's
  download slot gets that delay with no jitter; AutoThrottle may raise it but every time it
  adjusts the slot, the delay is floored at the Crawl-delay again; slots created later (after
  Scrapy's idle-slot clean-up) start with it.
- 429 / 503: Scrapy's RetryMiddleware retries at once and AutoThrottle ignores them. Here the
  domain backs off: for ``Retry-After`` seconds (or until its HTTP date), else exponentially
  (``NEWSCLEAN_BACKOFF_BASE`` doubled per consecutive backoff), capped by
  ``NEWSCLEAN_BACKOFF_MAX``. Every request to that domain waits until then, the retry included;
  the ``domain_backoff`` signal tells the distributed rate, which holds the host for every worker.
- ``ContactUserAgent``: an add-on that builds ``USER_AGENT`` from ``NEWSCLEAN_CONTACT``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached

from pipeline.signals import domain_backoff

logger = logging.getLogger(__name__)


def parse_retry_after(value: bytes | str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())


def backoff_seconds(retry_after: float | None, consecutive: int, base: float, cap: float) -> float:
    """How long a domain waits after its ``consecutive``-th 429/503 in a row (1-based)."""
    wait = retry_after if retry_after is not None else base * 2 ** max(0, consecutive - 1)
    return min(wait, cap)


class PolitenessMiddleware:
    """Downloader middleware (after RetryMiddleware in ``process_request`` order, so the retried
    request waits too; before it in ``process_response`` order, so it sees the 429 first)."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.codes = {int(c) for c in settings.getlist("NEWSCLEAN_BACKOFF_HTTP_CODES")}
        self.base = settings.getfloat("NEWSCLEAN_BACKOFF_BASE")
        self.cap = settings.getfloat("NEWSCLEAN_BACKOFF_MAX")
        self.crawl_delay_max = settings.getfloat("NEWSCLEAN_CRAWL_DELAY_MAX")
        self.robots_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.blocked_until: dict[str, float] = {}  # slot key -> monotonic time
        self.consecutive: dict[str, int] = {}
        self.crawl_delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolitenessMiddleware:
        if not crawler.settings.getbool("NEWSCLEAN_POLITENESS_ENABLED"):
            raise NotConfigured
        mw = cls(crawler)
        crawler.signals.connect(mw.robots_parsed, signal=signals.robots_parsed)
        # Connected after AutoThrottle (extensions are built first): re-floors what it lowered.
        crawler.signals.connect(mw.response_downloaded, signal=signals.response_downloaded)
        return mw

    @property
    def downloader(self) -> Any:
        return self.crawler.engine.downloader

    # --- Crawl-delay ---------------------------------------------------------------------
    def robots_parsed(self, robotparser: Any, request: Request, **kwargs: Any) -> None:
        delay = robotparser.crawl_delay(self.robots_agent)
        if not delay:
            return
        key = self.downloader.get_slot_key(request)
        if delay > self.crawl_delay_max:
            logger.warning("Crawl-delay %.1fs for %s capped to %.1fs (NEWSCLEAN_CRAWL_DELAY_MAX)",
                           delay, key, self.crawl_delay_max)
            delay = self.crawl_delay_max
        self.crawl_delays[key] = float(delay)
        self.stats.set_value(f"newsclean/politeness/crawl_delay/{key}", float(delay))
        self.downloader.per_slot_settings[key] = {
            **self.downloader.per_slot_settings.get(key, {}), "delay": float(delay), "jitter": 0.0}
        self.apply_crawl_delay(key)

    def response_downloaded(self, response: Response, request: Request, **kwargs: Any) -> None:
        key = request.meta.get("download_slot")
        if key in self.crawl_delays:
            self.apply_crawl_delay(key)

    def apply_crawl_delay(self, key: str) -> None:
        slot = self.downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, self.crawl_delays[key])
            slot.jitter = 0.0

    # --- backoff -------------------------------------------------------------------------
    async def process_request(self, request: Request) -> None:
        key = self.downloader.get_slot_key(request)
        if key in self.crawl_delays:
            self.apply_crawl_delay(key)
        wait = self.blocked_until.get(key, 0.0) - monotonic()
        if wait > 0:
            self.stats.inc_value("newsclean/politeness/waited")
            logger.debug("waiting %.2fs before %s (domain backing off)", wait, request.url)
            await sleep(wait)

    def process_response(self, request: Request, response: Response) -> Response:
        key = self.downloader.get_slot_key(request)
        if response.status not in self.codes:
            if response.status < 400:
                self.consecutive.pop(key, None)
            return response
        count = self.consecutive[key] = self.consecutive.get(key, 0) + 1
        retry_after = parse_retry_after(response.headers.get(b"Retry-After"), datetime.now(timezone.utc))
        wait = backoff_seconds(retry_after, count, self.base, self.cap)
        until = monotonic() + wait
        self.blocked_until[key] = max(self.blocked_until.get(key, 0.0), until)
        slot = self.downloader.slots.get(key)
        if slot is not None:  # hold requests already queued in the slot too (when it has a delay)
            slot.lastseen = max(slot.lastseen, until - slot.delay)
        self.crawler.signals.send_catch_log(domain_backoff, host=(urlparse_cached(request).hostname or "").lower(),
                                            seconds=wait)
        self.stats.inc_value(f"newsclean/politeness/backoff/{response.status}")
        self.stats.max_value("newsclean/politeness/backoff_max_seconds", wait)
        logger.info("%s answered %d: backing off %.1fs (Retry-After: %s)", key, response.status, wait,
                    "none" if retry_after is None else f"{retry_after:g}s")
        return response
