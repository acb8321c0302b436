"""State across runs (StateStore): written articles by canonical URL, aliases, feed validators."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.state import StateStore

A = "https://news.example/2024/a?utm=1&id=7"
A_CANONICAL = "https://News.example/2024/a?id=7&utm=1#top"


def record(url: str, source: str | None = None, content_hash: str = "h1") -> dict:
    return {"url": url, "source_url": source or url, "content_hash": content_hash, "text": "t"}


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "state.sqlite")


def test_written_article_is_known_by_canonical_url_and_survives_reopening(tmp_path: Path, store: StateStore) -> None:
    assert store.mark_written("news", record(A), "out.jsonl") is True
    assert store.mark_written("news", record(A_CANONICAL), "later.jsonl") is False  # same canonical URL
    store.close()
    reopened = StateStore(tmp_path / "state.sqlite")
    assert reopened.is_written("news", A_CANONICAL)
    assert not reopened.is_written("seeds", A)  # state is per spider
    row = reopened.db.execute("SELECT status, content_hash, output, first_written IS NOT NULL FROM articles").fetchall()
    assert row == [("written", "h1", "later.jsonl", 1)]


def test_source_url_and_redirect_aliases_are_known_too(store: StateStore) -> None:
    store.aliases["https://news.example/final"] = {"http://short.example/x"}
    store.mark_written("news", record("https://news.example/canonical", "https://news.example/final"), "o")
    assert all(store.is_written("news", u) for u in
               ("https://news.example/canonical", "https://news.example/final", "http://short.example/x"))


def test_fetch_failure_or_drop_never_unwrites_an_article(store: StateStore) -> None:
    store.note_seen("news", A, "fetched", 200)
    assert not store.is_written("news", A)  # fetched is not written
    store.mark_written("news", record(A), "o")
    store.note_seen("news", A, "failed", 503)
    store.note_seen("news", A, "dropped", fetched=False)
    assert store.is_written("news", A)


def test_feed_validators_are_kept_on_304_and_replaced_on_request(store: StateStore) -> None:
    feed = "https://news.example/feed.xml"
    assert store.validators("news", feed) == (None, None)
    store.save_resource("news", feed, "feed", 200, validators=('"v1"', "Tue, 05 Mar 2024 08:00:00 GMT"))
    store.save_resource("news", feed, "feed", 304)
    assert store.validators("news", feed) == ('"v1"', "Tue, 05 Mar 2024 08:00:00 GMT")
    store.save_resource("news", feed, "feed", 200, validators=('"v2"', None))
    assert store.validators("news", feed) == ('"v2"', None)


def test_last_new_article_falls_back_to_the_first_run(store: StateStore) -> None:
    assert store.last_new_article_at("news") is None
    store.record_run("news", "2026-01-01T00:00:00+00:00", "2026-01-01T00:01:00+00:00", 0, 0, 0, None)
    assert store.last_new_article_at("news") == "2026-01-01T00:00:00+00:00"
    store.mark_written("news", record(A), "o")
    assert store.last_new_article_at("news") > "2026-01-01T00:00:00+00:00"


def test_a_canonical_on_another_host_never_makes_that_article_known(store: StateStore) -> None:
    claimer = {"url": "https://real.example/2024/story", "source_url": "https://copycat.example/story",
               "content_hash": "h", "text": "t"}
    store.mark_written("news", claimer, "out.jsonl")
    assert not store.is_written("news", "https://real.example/2024/story")
    assert store.is_written("news", "https://copycat.example/story")


def test_a_canonical_on_the_same_host_is_the_article_s_key(store: StateStore) -> None:
    record = {"url": "https://news.example/2024/story", "source_url": "https://news.example/story?utm=x",
              "content_hash": "h", "text": "t"}
    store.mark_written("news", record, "out.jsonl")
    assert store.is_written("news", "https://news.example/2024/story")


def test_an_amp_page_on_another_host_of_the_same_site_makes_its_article_known(store: StateStore) -> None:
    record = {"url": "https://www.news.example/2024/story", "source_url": "https://amp.news.example/2024/story/amp",
              "content_hash": "h", "text": "t"}
    store.mark_written("news", record, "out.jsonl")
    assert store.is_written("news", "https://www.news.example/2024/story")
    assert store.is_written("news", "https://amp.news.example/2024/story/amp")
