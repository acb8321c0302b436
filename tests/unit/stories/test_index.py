"""The duplicate index: which evidence joins a record to an earlier story, and what does not."""

from __future__ import annotations

import json

import pytest

from pipeline.extract.paragraphs import content_hash
from pipeline.stories.index import (
    StoryIndex,
    StoryRow,
    lsh_bands,
    shingles,
    signature,
    story_id_for,
)
from tests.conftest import PROJECT_DIR

BODY = [
    ("The harbour bridge reopened to traffic on Tuesday morning after two years of repairs that cost "
    "the city far more than it had planned, officials said at a ceremony attended by residents."),
    ("Engineers replaced the cables and the deck, and the speed limit will stay at thirty miles an hour "
    "until the spring inspection has been completed by the regional transport authority."),
    ("Local shop owners said the closure had cut their trade by a third, and several of them welcomed the "
    "return of passing customers who had been taking a long detour through the industrial estate."),
    ("The mayor thanked the workers and promised that the next project, a new footbridge over the canal, "
    "would be finished on time and within its budget, a claim the opposition greeted with laughter."),
]


def seed_text(site: str) -> str:
    path = next((PROJECT_DIR / "seeds" / site).glob("*.expected.json"))
    return json.loads(path.read_text(encoding="utf-8"))["text"]


def add(index: StoryIndex, url: str, text: str, canonical_url: str | None = None) -> tuple[str, str | None, str]:
    minhash = signature(text)
    match = index.match(url, canonical_url, content_hash(text), minhash)
    if match.evidence != "seen":
        index.add(StoryRow(url, canonical_url, content_hash(text), match.story_id, match.duplicate_of or url, minhash))
    return match.story_id, match.duplicate_of, match.evidence


def test_a_copy_with_a_paragraph_cut_is_a_near_duplicate_of_the_first_record() -> None:
    index = StoryIndex(0.5)
    first = add(index, "https://wire.example/a", "\n".join(BODY))
    assert first == (story_id_for("https://wire.example/a"), None, "new")
    copy = add(index, "https://news.example/b", "\n".join(BODY[:2] + BODY[3:]))
    assert copy == (first[0], "https://wire.example/a", "near")


def test_same_normalised_text_is_an_exact_duplicate() -> None:
    index = StoryIndex(0.5)
    add(index, "https://wire.example/a", "\n".join(BODY))
    assert add(index, "https://news.example/b", "\n".join(BODY).upper().replace(" ", "  "))[1:] == (
        "https://wire.example/a", "exact")


def test_a_different_story_of_the_same_event_is_not_a_duplicate() -> None:
    express, kyiv = seed_text("expressandstar.com"), seed_text("kyivindependent.com")
    assert signature(express).jaccard(signature(kyiv)) < 0.1
    index = StoryIndex(0.5)
    a = add(index, "https://www.expressandstar.com/a", express)
    b = add(index, "https://kyivindependent.com/b", kyiv)
    assert (a[2], b[2]) == ("new", "new") and a[0] != b[0]


def test_a_declared_cross_site_canonical_joins_the_story_in_either_order() -> None:
    index = StoryIndex(0.5)
    copy = add(index, "https://news.example/copy", "Short syndicated text.", canonical_url="https://wire.example/a")
    original = add(index, "https://wire.example/a?utm_source=x", "Different wording entirely here.")
    assert original == (copy[0], "https://news.example/copy", "canonical")
    later = add(index, "https://other.example/c", "Yet another text.", canonical_url="https://wire.example/a#top")
    assert later == (copy[0], "https://news.example/copy", "canonical")


def test_the_same_url_again_is_seen_and_keeps_its_story() -> None:
    index = StoryIndex(0.5)
    first = add(index, "https://wire.example/a", "\n".join(BODY))
    copy = add(index, "https://news.example/b", "\n".join(BODY[1:]))
    assert add(index, "https://wire.example/a#x", "An updated text of the article.") == (first[0], None, "seen")
    assert add(index, "https://news.example/b", "\n".join(BODY[1:])) == (copy[0], "https://wire.example/a", "seen")
    assert len(index) == 2


def test_below_the_threshold_is_a_new_story() -> None:
    index = StoryIndex(0.9)
    add(index, "https://wire.example/a", "\n".join(BODY))
    assert add(index, "https://news.example/b", "\n".join(BODY[:2]))[2] == "new"  # about half the shingles


def test_shingles_and_bands() -> None:
    assert shingles("One two three") == ["one two three"]
    assert shingles("A b c d e F") == ["a b c d e", "b c d e f"]
    assert shingles("  ") == []
    assert lsh_bands(0.5) == 32 and lsh_bands(0.9) == 16  # 2 and 4 rows per band of 64 values
    with pytest.raises(ValueError):
        StoryIndex(0.0)
