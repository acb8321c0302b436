"""A per-domain request rate shared by every worker: at most ``NEWSCLEAN_REDIS_DOMAIN_RATE``
requests per second to one host, whatever the number of workers.

Scrapy's politeness (``DOWNLOAD_DELAY``, AutoThrottle, ``CONCURRENT_REQUESTS_PER_DOMAIN``, the
Crawl-delay of ``pipeline.downloadermiddlewares.politeness``) is per process: N workers are N
times as hard on a site. Here a request may leave only when the domain's next free time, kept in
Redis and compared with Redis's own clock (one clock for all machines), has come; the check and
the reservation are one Lua script, so two workers never take the same turn. The wait happens in
the download handler, after Scrapy's own slot delays and concurrency, at the moment the request
is sent: a request that waited in a slot cannot arrive in a burst with others. A worker that
finds the turn taken sleeps until it is free and asks again (no turn is booked ahead, so a late
wake-up never sends two requests together).

A host that answers 429 or 503 is held for every worker: the politeness middleware's backoff
(its ``Retry-After``, else exponential; signal ``domain_backoff``) moves the host's next free
time that far ahead, so the other workers wait it out too instead of keeping up the pace.

A host whose robots.txt asks for a ``Crawl-delay`` (capped by ``NEWSCLEAN_CRAWL_DELAY_MAX``, applied
when ``NEWSCLEAN_POLITENESS_ENABLED``) gets turns that far apart instead, when that is longer:
the delay is then shared by all workers, not kept by each. A worker learns it when it reads the
host's robots.txt itself (each worker does, before its first request to the host).
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached

from pipeline.distributed import KEY_PREFIX, connect
from pipeline.signals import domain_backoff

# KEYS[1]: the domain's next free time (microseconds, Redis clock). ARGV[1]: the interval.
# Returns 0 when this request may go now (the next turn is booked), else microseconds to wait.
TAKE_TURN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if now >= free then
    redis.call('SET', KEYS[1], now + tonumber(ARGV[1]), 'PX', 60000 + math.floor(tonumber(ARGV[1]) / 1000))
    return 0
end
return free - now
"""
# KEYS[1] as above; ARGV[1]: microseconds. No turn before now + ARGV[1] (a later one is kept).
HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local hold = now + tonumber(ARGV[1])
if hold > tonumber(redis.call('GET', KEYS[1]) or '0') then
    redis.call('SET', KEYS[1], hold, 'PX', 60000 + math.floor(tonumber(ARGV[1]) / 1000))
end
"""
# Turns are booked when a request leaves the worker, but the site counts arrivals: a request
# that lingers a few ms between its turn and the wire (a busy reactor, a connect) while a later
# one does not makes the server see more than the rate in a second. Turns come 5% further apart
# than 1/rate, so at 25 per second a window of 26 arrivals has 50 ms of slack, not 0.
TURN_MARGIN = 1.05


class DomainRate:
    def __init__(self, server: Any, rate: float, stats: Any):
        self.server = server
        self.interval_us = int(1_000_000 / rate * TURN_MARGIN)
        self.stats = stats
        self.take_turn = server.register_script(TAKE_TURN)
        self.hold_script = server.register_script(HOLD)

    def hold(self, host: str, seconds: float) -> None:
        """No request to ``host`` from any worker for ``seconds`` (a 429/503 backoff)."""
        self.hold_script(keys=[f"{KEY_PREFIX}:rate:{host}"], args=[int(seconds * 1_000_000)])
        self.stats.inc_value("newsclean/redis/rate_holds")

    async def wait(self, host: str, interval: float = 0.0) -> None:
        """Until ``host``'s turn: turns come ``1 / rate`` seconds apart, or ``interval`` when longer
        (both with ``TURN_MARGIN``)."""
        key = f"{KEY_PREFIX}:rate:{host}"
        interval_us = max(self.interval_us, int(interval * 1_000_000 * TURN_MARGIN))
        waited = 0
        while (wait_us := int(self.take_turn(keys=[key], args=[interval_us]))) > 0:
            waited += 1
            await sleep(wait_us / 1_000_000)
        if waited:
            self.stats.inc_value("newsclean/redis/rate_waits")


class RateLimitedDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, sending each request only in its domain's turn."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        settings = crawler.settings
        self.rate = DomainRate(connect(settings), settings.getfloat("NEWSCLEAN_REDIS_DOMAIN_RATE"), crawler.stats)
        self.crawl_delays: dict[str, float] = {}  # host -> robots.txt Crawl-delay (capped)
        self.crawl_delay_max = settings.getfloat("NEWSCLEAN_CRAWL_DELAY_MAX")
        self.robots_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        if settings.getbool("NEWSCLEAN_POLITENESS_ENABLED"):
            crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    def robots_parsed(self, robotparser: Any, request: Request, **kwargs: Any) -> None:
        delay = robotparser.crawl_delay(self.robots_agent)
        if delay:
            self.crawl_delays[host_of(request)] = min(float(delay), self.crawl_delay_max)

    async def download_request(self, request: Request) -> Response:
        host = host_of(request)
        await self.rate.wait(host, self.crawl_delays.get(host, 0.0))
        return await super().download_request(request)


class SharedBackoff:
    """Extension (added by the distributed add-on with the shared rate): a host's 429/503 backoff
    (``domain_backoff``) holds the host for every worker. An extension, not the download handler,
    because Scrapy builds one handler per scheme: each would hold the host again."""

    def __init__(self, rate: DomainRate):
        self.rate = rate

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedBackoff:
        settings = crawler.settings
        rate = settings.getfloat("NEWSCLEAN_REDIS_DOMAIN_RATE")
        if not settings.get("REDIS_URL") or rate <= 0 or not settings.getbool("NEWSCLEAN_POLITENESS_ENABLED"):
            raise NotConfigured
        ext = cls(DomainRate(connect(settings), rate, crawler.stats))
        crawler.signals.connect(ext.domain_backoff, signal=domain_backoff)
        return ext

    def domain_backoff(self, host: str, seconds: float, **kwargs: Any) -> None:
        if host and seconds > 0:
            self.rate.hold(host, seconds)


def host_of(request: Request) -> str:
    return (urlparse_cached(request).hostname or "").lower()
