"""Discovery documents: the kind of a fetched body, feed and sitemap entries, the date window,
feed links and robots sitemaps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import orjson
import pytest

from pipeline.discovery import documents as d
from pipeline.items import KnownMetadata

BASE = "https://news.example.co.uk/"
NOW = datetime(2023, 9, 28, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("body", "kind"), [
    (b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', d.RSS),
    (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- x --><feed xmlns="http://www.w3.org/2005/Atom"/>', d.ATOM),
    (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', d.SITEMAP),
    (b'<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"/>', d.NEWS_SITEMAP),
    (b"<sitemapindex/>", d.SITEMAP_INDEX),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', d.JSON_FEED),
    (b"<!DOCTYPE html><html><body>x</body></html>", d.HTML),
], ids=["rss", "atom", "sitemap", "news-sitemap", "index", "json-feed", "html"])
def test_kind_is_read_from_the_body(body: bytes, kind: str) -> None:
    assert d.detect_kind(body) == kind


def test_rss_items_keep_title_date_and_channel_language() -> None:
    body = (b"<rss><channel><language>de-DE</language><item><title> A  story </title><link>/a</link>"
            b"<pubDate>Wed, 27 Sep 2023 09:24:00 GMT</pubDate></item><item><title>no link</title></item>"
            b"</channel></rss>")
    [entry] = d.parse_rss(body, BASE)
    assert entry.url == "https://news.example.co.uk/a"
    assert entry.date == datetime(2023, 9, 27, 9, 24, tzinfo=timezone.utc)
    assert entry.known == KnownMetadata(feed_title="A story", published="2023-09-27T09:24:00+00:00", language="de-de")


def test_atom_prefers_published_and_falls_back_to_updated_for_the_window() -> None:
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><entry><title>t</title>'
            b'<link rel="alternate" href="https://x.example/a"/><updated>2023-09-02T00:00:00Z</updated></entry></feed>')
    [entry] = d.parse_atom(body, BASE)
    assert (entry.url, entry.date, entry.known) == (
        "https://x.example/a", datetime(2023, 9, 2, tzinfo=timezone.utc), KnownMetadata(feed_title="t", language="fr"))


def test_json_feed_items() -> None:
    body = orjson.dumps({"version": "https://jsonfeed.org/version/1.1", "language": "en", "items": [
        {"url": "https://x.example/a", "title": "A", "date_published": "2023-09-27T10:00:00+01:00"}, {"id": "1"}]})
    [entry] = d.parse_json_feed(body, BASE)
    assert entry.known == KnownMetadata(feed_title="A", published="2023-09-27T10:00:00+01:00", language="en")


def test_news_sitemap_fields_are_kept_and_beat_lastmod() -> None:
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.example/a</loc>
      <lastmod>2023-09-28</lastmod><news:news><news:publication><news:name>X</news:name>
      <news:language>en</news:language></news:publication><news:publication_date>2023-09-27</news:publication_date>
      <news:title>Title &amp; more</news:title></news:news></url><url><loc>https://x.example/b</loc></url></urlset>"""
    a, b = d.parse_sitemap(body, BASE)
    assert a.known == KnownMetadata(feed_title="Title & more", published="2023-09-27", language="en")
    assert a.date == datetime(2023, 9, 27, tzinfo=timezone.utc)
    assert (b.url, b.date, b.known) == ("https://x.example/b", None, KnownMetadata())


def test_xml_entities_are_not_expanded() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<urlset><url><loc>https://x.example/&x;</loc></url></urlset>")
    assert all("root:" not in e.url for e in d.parse_sitemap(body, BASE))


def test_sitemap_index_children_with_lastmod() -> None:
    body = b"<sitemapindex><sitemap><loc>/s1.xml</loc><lastmod>2022-12-31</lastmod></sitemap></sitemapindex>"
    [child] = d.discover(body, BASE).sitemaps
    assert (child.url, child.date) == ("https://news.example.co.uk/s1.xml", datetime(2022, 12, 31, tzinfo=timezone.utc))


@pytest.mark.parametrize(("since", "max_age", "start"), [
    ("2023-09-01", None, datetime(2023, 9, 1, tzinfo=timezone.utc)),
    (None, "48h", NOW - timedelta(hours=48)),
    ("2023-09-01", "2d", NOW - timedelta(days=2)),  # the later bound wins
    (None, None, None),
])
def test_window_start(since: str | None, max_age: str | None, start: datetime | None) -> None:
    parsed = (d.entry_date(since) if since else None, d.parse_duration(max_age) if max_age else None)
    assert d.window_start(*parsed, NOW) == start


def test_window_decisions_and_bad_arguments() -> None:
    start = datetime(2023, 9, 1, tzinfo=timezone.utc)
    assert d.in_window(datetime(2023, 9, 1, tzinfo=timezone.utc), start) is None
    assert d.in_window(datetime(2023, 8, 31, tzinfo=timezone.utc), start) == "out_of_window"
    assert d.in_window(None, start) == "undated"
    assert d.in_window(None, None) is None
    with pytest.raises(ValueError):
        d.parse_duration("two days")
    assert d.entry_date("yesterday") is None


def test_feed_links_and_robots_sitemaps() -> None:
    html = ('<head><link rel="alternate" type="application/rss+xml" href="/feed"><link rel="alternate" '
            'hreflang="de" href="/de/"><link rel="Alternate" type="application/atom+xml" href="/atom"></head>')
    assert d.feed_links(html, BASE) == [BASE + "feed", BASE + "atom"]
    assert d.robots_sitemaps("User-agent: *\nSitemap: /s.xml\nsitemap:https://x.example/n.xml", BASE) == [
        BASE + "s.xml", "https://x.example/n.xml"]
