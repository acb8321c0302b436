"""Rejects log: each input that yields no record becomes a line beside the run's output, written
aside (``.part``) and renamed into place when the spider closes."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from pipeline.errors import DuplicateUrl, EmptyText, NoArticleText
from pipeline.extensions import rejects
from pipeline.extensions.rejects import RejectsLog
from pipeline.items import Article, KnownMetadata, Page
from pipeline.signals import feed_path_known, page_failed

AT = "2026-11-29T19:06:24+00:00"
SOURCE = "file:///in/story.html"
ARTICLE_URL = "https://news.example/2024/story"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rejects, "now_utc", lambda: AT)


def crawler_with_rejects(**settings: object) -> tuple[Crawler, RejectsLog]:
    """A real crawler (no crawl) with no extension but this one: the signals reach only it."""
    crawler = get_crawler(settings_dict={"EXTENSIONS_BASE": {}, "NEWSCLEAN_REJECTS_ENABLED": True, **settings})
    return crawler, RejectsLog.from_crawler(crawler)


def send(crawler: Crawler, signal: object, **kwargs: object) -> None:
    """Send a signal as Scrapy does; a handler that raised fails the test (Scrapy would only log it)."""
    results = crawler.signals.send_catch_log(signal=signal, **kwargs)
    assert not [result for _, result in results if isinstance(result, Failure)]


def drop(crawler: Crawler, item: object, exception: Exception) -> None:
    send(crawler, signals.item_dropped, item=item, response=None, exception=exception, spider=crawler.spider)


def close(crawler: Crawler) -> None:
    send(crawler, signals.spider_closed, spider=crawler.spider, reason="finished")


def read_lines(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def article(url: str | None) -> Article:
    return Article(schema_version=1, url=url, source_url=SOURCE, site_name=None, title=None, authors=[],
                   published=None, published_from=None, language=None, description=None, text="", word_count=0,
                   content_hash="", fetched_at=AT, extractor={}, removed={})


@pytest.mark.parametrize("settings", [{}, {"NEWSCLEAN_REJECTS_ENABLED": False}], ids=["unset", "disabled"])
def test_not_configured_unless_enabled(settings: dict) -> None:
    with pytest.raises(NotConfigured):
        RejectsLog.from_crawler(get_crawler(settings_dict=settings))


def test_dropped_item_becomes_a_line_with_its_reason(tmp_path: Path) -> None:
    crawler, _ = crawler_with_rejects()
    output = tmp_path / "out.jsonl"
    send(crawler, feed_path_known, path=output)
    drop(crawler, Page(source_url=SOURCE, body=b"<html>"), EmptyText("record has no text", url=ARTICLE_URL))
    close(crawler)
    lines = (tmp_path / "out.rejects.jsonl").read_bytes().splitlines()
    assert lines == [orjson.dumps({"source_url": SOURCE, "url": ARTICLE_URL, "reason": "EmptyText",
                                   "detail": "record has no text", "at": AT})]
    assert list(orjson.loads(lines[0])) == ["source_url", "url", "reason", "detail", "at"]


def test_page_failed_becomes_a_line_without_an_article_url(tmp_path: Path) -> None:
    crawler, _ = crawler_with_rejects()
    send(crawler, feed_path_known, path=tmp_path / "out.jsonl")
    send(crawler, page_failed, source_url="https://news.example/gone", reason="http_404", detail="404 Not Found")
    close(crawler)
    assert read_lines(tmp_path / "out.rejects.jsonl") == [
        {"source_url": "https://news.example/gone", "url": None, "reason": "http_404", "detail": "404 Not Found",
         "at": AT}]


@pytest.mark.parametrize(("item", "exception", "url"), [
    (Page(SOURCE, b"", known=KnownMetadata(url="https://sidecar.example/a")),
     DuplicateUrl("again", url=ARTICLE_URL), ARTICLE_URL),
    (article("https://news.example/other"), DuplicateUrl("again", url=ARTICLE_URL), ARTICLE_URL),
    (article(ARTICLE_URL), NoArticleText("nothing left"), ARTICLE_URL),
    (Page(SOURCE, b"", known=KnownMetadata(url="https://sidecar.example/a")), NoArticleText("nothing left"),
     "https://sidecar.example/a"),
    (Page(SOURCE, b""), NoArticleText("nothing left"), None),
    ({"source_url": SOURCE}, ValueError("not a drop"), None),
], ids=["exception-url-over-known", "exception-url-over-record", "record-url", "known-url", "no-url", "plain-dict"])
def test_the_article_url_comes_from_the_drop_then_the_item_then_what_was_known(
        tmp_path: Path, item: object, exception: Exception, url: str | None) -> None:
    crawler, _ = crawler_with_rejects()
    send(crawler, feed_path_known, path=tmp_path / "out.jsonl")
    drop(crawler, item, exception)
    close(crawler)
    [line] = read_lines(tmp_path / "out.rejects.jsonl")
    assert (line["source_url"], line["url"], line["reason"]) == (SOURCE, url, type(exception).__name__)


def test_lines_are_written_aside_and_renamed_at_the_end(tmp_path: Path) -> None:
    crawler, _ = crawler_with_rejects()
    send(crawler, feed_path_known, path=tmp_path / "2026-11-29T19-06-24+00-00.jsonl")
    send(crawler, page_failed, source_url="https://news.example/a", reason="fetch_failed", detail="timeout")
    part = tmp_path / ".2026-11-29T19-06-24+00-00.rejects.jsonl.part"
    final = tmp_path / "2026-11-29T19-06-24+00-00.rejects.jsonl"
    assert [line["reason"] for line in read_lines(part)] == ["fetch_failed"]  # on disk as it happens
    assert not final.exists()
    close(crawler)
    assert [line["reason"] for line in read_lines(final)] == ["fetch_failed"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [final.name]


def test_rejects_before_the_output_is_known_are_kept_until_it_is(tmp_path: Path) -> None:
    crawler, log = crawler_with_rejects()
    send(crawler, page_failed, source_url="https://news.example/a", reason="http_500", detail="")
    assert len(log.pending) == 1
    send(crawler, feed_path_known, path=tmp_path / "out.jsonl")
    send(crawler, page_failed, source_url="https://news.example/b", reason="http_503", detail="")
    close(crawler)
    assert [line["reason"] for line in read_lines(tmp_path / "out.rejects.jsonl")] == ["http_500", "http_503"]


@pytest.mark.parametrize(("output", "rejects_name"), [
    ("out.jsonl", "out.rejects.jsonl"),
    ("2026-11-29T19-06-24+00-00.jsonl", "2026-11-29T19-06-24+00-00.rejects.jsonl"),
    ("out.json", "out.json.rejects.jsonl"),
], ids=["plain", "time-stamped", "other-suffix"])
def test_rejects_file_is_beside_the_output(tmp_path: Path, output: str, rejects_name: str) -> None:
    crawler, log = crawler_with_rejects()
    send(crawler, feed_path_known, path=tmp_path / "sub" / output)
    assert list(log.files) == [tmp_path / "sub" / rejects_name]


def test_each_output_has_its_own_rejects_file(tmp_path: Path) -> None:
    crawler, log = crawler_with_rejects()
    send(crawler, feed_path_known, path=tmp_path / "first.jsonl")
    send(crawler, feed_path_known, path=tmp_path / "second.jsonl")
    assert list(log.files) == [tmp_path / "first.rejects.jsonl", tmp_path / "second.rejects.jsonl"]


def test_an_explicit_path_wins_over_the_output(tmp_path: Path) -> None:
    explicit = tmp_path / "logs" / "rejected.jsonl"
    crawler, log = crawler_with_rejects(NEWSCLEAN_REJECTS_PATH=str(explicit))
    send(crawler, feed_path_known, path=tmp_path / "out.jsonl")
    send(crawler, page_failed, source_url="https://news.example/a", reason="http_404", detail="")
    close(crawler)
    assert list(log.files) == [explicit]
    assert [line["reason"] for line in read_lines(explicit)] == ["http_404"]
    assert not (tmp_path / "out.rejects.jsonl").exists()


def test_a_run_without_rejects_leaves_an_empty_file(tmp_path: Path) -> None:
    crawler, _ = crawler_with_rejects()
    send(crawler, feed_path_known, path=tmp_path / "out.jsonl")
    close(crawler)
    assert (tmp_path / "out.rejects.jsonl").read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.rejects.jsonl"]


def test_without_a_file_output_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)
    crawler, _ = crawler_with_rejects()
    send(crawler, page_failed, source_url="https://news.example/a", reason="http_404", detail="")
    close(crawler)
    assert list(tmp_path.iterdir()) == []
    assert "1 rejects not written: no file output to put them beside" in caplog.text


def test_each_reject_is_counted_in_the_stats_by_reason(tmp_path: Path) -> None:
    crawler, log = crawler_with_rejects()
    send(crawler, feed_path_known, path=tmp_path / "out.jsonl")
    for reason in ("http_404", "http_404", "fetch_failed"):
        send(crawler, page_failed, source_url="https://news.example/a", reason=reason, detail="")
    drop(crawler, Page(SOURCE, b""), EmptyText("record has no text"))
    stats = crawler.stats.get_stats()
    assert {k: v for k, v in stats.items() if k.startswith("newsclean/rejects/")} == {
        "newsclean/rejects/http_404": 2, "newsclean/rejects/fetch_failed": 1, "newsclean/rejects/EmptyText": 1}
    assert log.count == 4
    close(crawler)
