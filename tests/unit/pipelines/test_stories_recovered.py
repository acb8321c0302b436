"""Records a killed run published through recovery get their story rows stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
from scrapy.utils.test import get_crawler

from pipeline.pipelines.stories import STATS, StoryPipeline
from pipeline.stories.index import StoryIndex, StoryRow, signature
from pipeline.stories.sqlite import SqliteStoryRows

STORY = ("the harbour bridge reopened to traffic on tuesday after two years of repairs that cost the city "
         "more than it had planned and closed the crossing to lorries")


def test_recovered_records_are_stored_once_and_placed_when_they_carry_no_story(tmp_path: Path) -> None:
    rows = SqliteStoryRows(sqlite3.connect(tmp_path / "state.sqlite"), "news")
    rows.add([StoryRow("https://x.example/stored", None, "sha256:s", "s-stored", "https://x.example/stored",
                       signature("an older story about a school fete"), "2026-11-29T00:00:00+00:00")])
    rows.commit()
    index = StoryIndex(0.5)
    index.load(rows.load())
    pipeline = StoryPipeline(get_crawler(), index, rows, drop=False)
    lines = [orjson.dumps(record) for record in (
        {"url": "https://wire.example/a", "text": STORY, "content_hash": "sha256:a", "story_id": "s-a",
         "duplicate_of": None, "canonical_url": None},
        {"url": "https://x.example/stored", "text": "whatever", "content_hash": "sha256:s", "story_id": "s-x"},
        # written with NEWSCLEAN_DUPLICATES=off: no story, placed by its text
        {"url": "https://news.example/b", "text": STORY + " on the river", "content_hash": "sha256:b"},
    )] + [b"not json", b"[1, 2]"]
    pipeline.records_recovered(lines=lines, path=tmp_path / "out.jsonl")
    stored = {row.url: (row.story_id, row.first_url) for row in SqliteStoryRows(
        sqlite3.connect(tmp_path / "state.sqlite"), "news").load()}
    assert stored == {
        "https://x.example/stored": ("s-stored", "https://x.example/stored"),
        "https://wire.example/a": ("s-a", "https://wire.example/a"),
        "https://news.example/b": ("s-a", "https://wire.example/a"),
    }
    assert pipeline.stats.get_value(f"{STATS}/recovered") == 2
    # A copy arriving later in the run joins the recovered story.
    copy = pipeline.process_item({"url": "https://paper.example/c", "text": STORY + " in the north",
                                  "content_hash": "sha256:c", "canonical_url": None})
    assert (copy["story_id"], copy["duplicate_of"]) == ("s-a", "https://wire.example/a")


def test_a_record_signed_by_its_worker_is_placed_by_that_signature() -> None:
    """The pipeline takes the signature an extraction worker attached (``Article.story_signature``)
    instead of shingling the text again; without one it signs the text itself."""
    from pipeline.items import Article
    from pipeline.stories.index import signature_bytes

    def article(url: str, text: str, signed_as: str | None) -> Article:
        record = Article(schema_version=1, url=url, source_url=url, site_name=None, title="t", authors=[],
                         published=None, published_from=None, language="en", description=None, text=text,
                         word_count=len(text.split()), content_hash=f"sha256:{url}", fetched_at="", extractor={},
                         removed={})
        if signed_as is not None:
            record.story_signature = signature_bytes(signature(signed_as))
        return record

    pipeline = StoryPipeline(get_crawler(), StoryIndex(0.5), None, drop=False)
    first = pipeline.process_item(article("https://wire.example/a", STORY, None))
    # Its text is another story, but the worker's signature is the first one's: the signature decides.
    copy = pipeline.process_item(article("https://paper.example/b", "an unrelated story about a school fete", STORY))
    assert (copy.story_id, copy.duplicate_of) == (first.story_id, "https://wire.example/a")
    other = pipeline.process_item(article("https://paper.example/c", "an unrelated story about a school fete", None))
    assert other.duplicate_of is None
