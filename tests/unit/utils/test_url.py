"""The canonical URL key shared by dedupe, the state and its middleware."""

from __future__ import annotations

import pytest

from pipeline.utils.url import is_offline, url_key


@pytest.mark.parametrize(("a", "b"), [
    ("https://news.example:443/a", "https://news.example/a"),
    ("http://news.example:80/a", "http://news.example/a"),
    ("https://News.Example/a?b=2&a=1#top", "https://news.example/a?a=1&b=2"),
], ids=["https-default-port", "http-default-port", "case-query-fragment"])
def test_same_article_same_key(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)


@pytest.mark.parametrize(("a", "b"), [
    ("https://news.example:8443/a", "https://news.example/a"),
    ("http://news.example:443/a", "http://news.example/a"),
    ("https://news.example/a", "https://news.example/b"),
], ids=["other-port", "443-on-http-is-not-default", "other-path"])
def test_different_articles_different_keys(a: str, b: str) -> None:
    assert url_key(a) != url_key(b)


@pytest.mark.parametrize(("url", "offline"), [
    ("file:///tmp/a.html", True), (None, True), ("https://news.example/a", False), ("http://x/a", False),
])
def test_is_offline(url: str | None, offline: bool) -> None:
    assert is_offline(url) is offline
