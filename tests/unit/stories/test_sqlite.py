"""Story rows in the state's SQLite file: written, read back in order, a URL keeps its story."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.stories.index import StoryIndex, StoryRow, signature
from pipeline.stories.sqlite import SqliteStoryRows


def row(url: str, text: str, story: str, first: str, canonical: str | None = None) -> StoryRow:
    return StoryRow(url, canonical, f"sha256:{text}", story, first, signature(text))


def test_rows_survive_reopening_in_order_and_rebuild_the_index(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    text = "the harbour bridge reopened to traffic on tuesday after two years of repairs"
    rows = SqliteStoryRows(sqlite3.connect(path), "news")
    rows.add([row("https://wire.example/a", text, "s1", "https://wire.example/a"),
              row("https://news.example/b", text + " today", "s1", "https://wire.example/a", "https://wire.example/a")])
    rows.add([row("https://wire.example/a", "changed", "s9", "https://wire.example/a")])  # ignored: URL known
    rows.commit()
    other = SqliteStoryRows(sqlite3.connect(path), "seeds")
    other.add([row("https://x.example/", text, "s2", "https://x.example/")])
    other.commit()

    loaded = list(SqliteStoryRows(sqlite3.connect(path), "news").load())
    assert [(r.url, r.story_id, r.first_url, r.canonical_url) for r in loaded] == [
        ("https://wire.example/a", "s1", "https://wire.example/a", None),
        ("https://news.example/b", "s1", "https://wire.example/a", "https://wire.example/a")]
    assert loaded[0].signature.digest() == signature(text).digest()
    index = StoryIndex(0.5)
    index.load(loaded)
    match = index.match("https://third.example/c", None, "sha256:other", signature(text + " now"))
    assert (match.story_id, match.duplicate_of, match.evidence) == ("s1", "https://wire.example/a", "near")
