"""Feed names: a template as folder and name pattern, fixed targets, a free time name."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.feedexport.names import feed_name_pattern, fixed_target, unused_time_params


@pytest.mark.parametrize(("template", "name", "matches"), [
    pytest.param("/o/%(name)s/%(time)s.jsonl", "2026-11-24T14-26-20+00-00.jsonl", True, id="time"),
    pytest.param("/o/%(name)s/%(batch_time)s.jsonl", "2026-11-24T14-26-20.123456+00-00.jsonl", True, id="batch-time"),
    pytest.param("/o/%(name)s/%(time)s.jsonl", "2026-11-24T14-26-20+00-00.rejects.jsonl", False, id="not-rejects"),
    pytest.param("/o/%(name)s/%(time)s.jsonl", "notes.jsonl", False, id="other-file"),
    pytest.param("file:///o/news/%(name)s-out.jsonl", "news-out.jsonl", True, id="file-uri-with-name"),
])
def test_feed_template_becomes_folder_and_name_pattern(template: str, name: str, matches: bool) -> None:
    folder, pattern = feed_name_pattern(template, type("S", (), {"name": "news"}))
    assert folder == Path("/o/news")
    assert bool(pattern.fullmatch(name)) is matches


def test_a_second_already_taken_gets_microseconds_and_both_forms_match(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from scrapy.settings import Settings

    now = datetime(2026, 11, 29, 19, 6, 24, 123456, tzinfo=timezone.utc)
    params = {"time": now.replace(microsecond=0).isoformat().replace(":", "-"),  # as Scrapy makes them
              "batch_time": now.isoformat().replace(":", "-")}
    crawler = type("C", (), {"settings": Settings({"FEEDS": {str(tmp_path / "%(time)s.jsonl"): {}}})})
    spider = type("S", (), {"name": "x", "crawler": crawler})
    _, pattern = feed_name_pattern(str(tmp_path / "%(time)s.jsonl"), spider)
    assert unused_time_params(dict(params), spider)["time"] == "2026-11-29T19-06-24+00-00"
    (tmp_path / "2026-11-29T19-06-24+00-00.jsonl").write_bytes(b"")
    taken = unused_time_params(dict(params), spider)["time"]
    assert taken == "2026-11-29T19-06-24.123456+00-00"
    assert pattern.fullmatch(params["time"] + ".jsonl") and pattern.fullmatch(taken + ".jsonl")


def test_remote_feeds_and_fixed_names() -> None:
    spider = type("S", (), {"name": "news"})
    assert feed_name_pattern("s3://bucket/%(time)s.jsonl", spider) is None
    assert fixed_target("/o/%(name)s.jsonl", spider) == Path("/o/news.jsonl")
    assert fixed_target("/o/%(time)s.jsonl", spider) is None
