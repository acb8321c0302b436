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


@pytest.mark.parametrize(("url", "clean"), [
    ("HTTPS://News.Example:443/a/story?utm_source=x&id=3&fbclid=9#comments", "https://news.example/a/story?id=3"),
    ("https://news.example/a?gclid=1&UTM_Campaign=y&mc_cid=2", "https://news.example/a"),
    ("https://news.example/a?b=2&a=1", "https://news.example/a?b=2&a=1"),  # other parameters stay, in order
    ("http://127.0.0.1:8080/a#top", "http://127.0.0.1:8080/a"),
    ("https://user:pw@news.example./a", "https://news.example/a"),
    ("file:///tmp/a.html#x", "file:///tmp/a.html#x"),
])
def test_clean_url(url: str, clean: str) -> None:
    from pipeline.utils.url import clean_url

    assert clean_url(url) == clean


def test_tracking_parameters_and_fragments_do_not_change_the_key() -> None:
    assert url_key("https://news.example/a?utm_medium=social&id=3#x") == url_key("https://news.example/a?id=3")
    assert url_key("https://news.example/a?id=3") != url_key("https://news.example/a?id=4")


@pytest.mark.parametrize(("a", "b", "same"), [
    ("https://amp.news.example/a", "https://www.news.example/b", True),
    ("https://m.bbc.co.uk/a", "https://www.bbc.co.uk/b", True),
    ("https://bbc.co.uk/a", "https://itv.co.uk/a", False),
    ("https://wire.example/a", "https://news.example/a", False),
    ("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a", False),  # ports are separate origins, as in scope
    ("http://127.0.0.1:8001/a", "http://127.0.0.1:8001/b", True),
    ("http://localhost:80/a", "http://localhost/b", True),
    ("file:///a", "file:///a", False),
])
def test_same_site(a: str, b: str, same: bool) -> None:
    from pipeline.utils.url import same_site

    assert same_site(a, b) is same


@pytest.mark.parametrize(("known", "canonical", "source", "url", "canonical_url"), [
    # AMP page on its own host: the same-site canonical is the article
    (None, "https://www.news.example/2024/story#top", "https://amp.news.example/2024/story/amp?utm_source=x",
     "https://www.news.example/2024/story", None),
    # syndicated copy: url stays where it was served, the original becomes canonical_url
    (None, "https://wire.example/original?utm_source=partner#x", "https://news.example/copy#p2",
     "https://news.example/copy", "https://wire.example/original"),
    # a sidecar's or feed's URL wins; a cross-site canonical is still reported
    ("https://news.example/known", "https://wire.example/original", "file:///in/a.html",
     "https://news.example/known", "https://wire.example/original"),
    # an offline file says nothing of its site: its canonical is the article's URL
    (None, "https://news.example/a#frag", "file:///in/a.html", "https://news.example/a", None),
    (None, None, "https://news.example/a?fbclid=1", "https://news.example/a", None),
    (None, "http://127.0.0.1:8002/a", "http://127.0.0.1:8001/a", "http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a"),
], ids=["amp", "syndicated", "sidecar", "offline", "no-canonical", "loopback-ports"])
def test_article_urls(known: str | None, canonical: str | None, source: str, url: str, canonical_url: str | None) -> None:
    from pipeline.utils.url import article_urls

    assert article_urls(known, canonical, source) == (url, canonical_url)
