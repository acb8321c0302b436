"""Story rows in the state's SQLite file: written, read back in order, a URL keeps its story."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from pipeline.stories.index import StoryIndex, StoryRow, signature
from pipeline.stories.sqlite import SqliteStoryRows, StoryRows


def row(url: str, text: str, story: str, first: str, canonical: str | None = None) -> StoryRow:
    return StoryRow(url, canonical, f"sha256:{text}", story, first, signature(text))


# Checks every StoryRows backend passes: ``open_rows(spider)`` opens the spider's rows on the same
# storage each time, as a new run (SQLite) or another worker (Redis) would.
def check_rows_survive_reopening_in_order_and_rebuild_the_index(open_rows: Callable[[str], StoryRows]) -> None:
    text = "the harbour bridge reopened to traffic on tuesday after two years of repairs"
    rows = open_rows("news")
    rows.add([row("https://wire.example/a", text, "s1", "https://wire.example/a"),
              row("https://news.example/b", text + " today", "s1", "https://wire.example/a", "https://wire.example/a")])
    rows.add([row("https://wire.example/a", "changed", "s9", "https://wire.example/a")])  # ignored: URL known
    rows.commit()
    other = open_rows("seeds")
    other.add([row("https://x.example/", text, "s2", "https://x.example/")])
    other.commit()

    loaded = list(open_rows("news").load())
    assert [(r.url, r.story_id, r.first_url, r.canonical_url) for r in loaded] == [
        ("https://wire.example/a", "s1", "https://wire.example/a", None),
        ("https://news.example/b", "s1", "https://wire.example/a", "https://wire.example/a")]
    assert loaded[0].signature.digest() == signature(text).digest()
    index = StoryIndex(0.5)
    index.load(loaded)
    match = index.match("https://third.example/c", None, "sha256:other", signature(text + " now"))
    assert (match.story_id, match.duplicate_of, match.evidence) == ("s1", "https://wire.example/a", "near")


def dated(url: str, written_at: str | None) -> StoryRow:
    return StoryRow(url, None, f"sha256:{url}", url[-1], url, signature(url), written_at)


def check_a_window_loads_recent_rows_and_rows_of_unknown_time(open_rows: Callable[[str], StoryRows]) -> None:
    rows = open_rows("news")
    rows.add([dated("https://x.example/a", "2026-10-01T00:00:00+00:00"),
              dated("https://x.example/b", "2026-11-20T08:00:00+00:00"),
              dated("https://x.example/c", None)])
    rows.commit()
    assert [r.url[-1] for r in open_rows("news").load()] == ["a", "b", "c"]
    assert [(r.url[-1], r.written_at) for r in open_rows("news").load("2026-10-31T00:00:00+00:00")] == [
        ("b", "2026-11-20T08:00:00+00:00"), ("c", None)]


def sqlite_rows(path: Path) -> Callable[[str], StoryRows]:
    return lambda spider: SqliteStoryRows(sqlite3.connect(path), spider)


def test_rows_survive_reopening_in_order_and_rebuild_the_index(tmp_path: Path) -> None:
    check_rows_survive_reopening_in_order_and_rebuild_the_index(sqlite_rows(tmp_path / "state.sqlite"))


def test_a_window_loads_recent_rows_and_rows_of_unknown_time(tmp_path: Path) -> None:
    open_rows = sqlite_rows(tmp_path / "state.sqlite")
    check_a_window_loads_recent_rows_and_rows_of_unknown_time(open_rows)
    assert list(open_rows("news").load_new()) == []  # one run holds the file: nobody else adds rows


def test_a_state_file_from_before_row_times_gets_the_column(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE stories (spider TEXT NOT NULL, url_key TEXT NOT NULL, url TEXT NOT NULL, canonical_url TEXT,
            content_hash TEXT NOT NULL, story_id TEXT NOT NULL, first_url TEXT NOT NULL, signature BLOB NOT NULL,
            PRIMARY KEY (spider, url_key));""")
    from pipeline.stories.index import signature_bytes
    old.execute("INSERT INTO stories VALUES ('news', 'k', 'https://x.example/old', NULL, 'sha256:o', 's0',"
                " 'https://x.example/old', ?)", (signature_bytes(signature("old story")),))
    old.commit()
    old.close()
    rows = SqliteStoryRows(sqlite3.connect(path), "news")
    rows.add([dated("https://x.example/new", "2026-11-29T00:00:00+00:00")])
    rows.commit()
    assert [(r.url, r.written_at) for r in rows.load("2026-11-01T00:00:00+00:00")] == [
        ("https://x.example/old", None), ("https://x.example/new", "2026-11-29T00:00:00+00:00")]
