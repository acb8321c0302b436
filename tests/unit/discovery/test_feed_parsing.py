"""Feeds read by feedparser (issue 15, item 4) and their dates read by the one date parser
(item 2): links resolved against ``xml:base``, titles, dates and languages kept as known
metadata, nothing fetched and no external entity loaded."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson
import pytest

from pipeline.discovery import documents as d
from pipeline.extract.dates import normalize_iso
from pipeline.items import KnownMetadata

BASE = "https://news.example.co.uk/feeds/all.xml"


def rss(items: str, channel: str = "", root: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>'
            f'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"{root}>'
            f"<channel><title>T</title>{channel}{items}</channel></rss>").encode()


def test_rss_links_are_resolved_against_xml_base() -> None:
    body = rss('<item><title>A</title><link>a.html</link></item>'
               '<item xml:base="https://other.example.com/world/"><title>B</title><link>b.html</link></item>'
               '<item><title>C</title><link>/c.html</link></item>',
               root=' xml:base="https://news.example.co.uk/news/2023/09/27/"')
    assert [e.url for e in d.parse_rss(body, BASE)] == [
        "https://news.example.co.uk/news/2023/09/27/a.html", "https://other.example.com/world/b.html",
        "https://news.example.co.uk/c.html"]


def test_atom_links_are_resolved_against_xml_base_and_only_alternate_links_count() -> None:
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example.co.uk/news/" '
            b'xml:lang="fr"><entry xml:base="2023/"><title>A</title><link rel="alternate" href="a.html"/>'
            b'<link rel="enclosure" href="a.mp3"/><published>2023-09-27T10:00:00+02:00</published></entry>'
            b'<entry xml:lang="de"><title>B</title><link href="b.html"/>'
            b"<updated>2023-09-02T00:00:00Z</updated></entry>"
            b'<entry><title>C</title><link rel="self" href="c.xml"/></entry></feed>')
    a, b = d.parse_atom(body, BASE)
    assert a.url == "https://news.example.co.uk/news/2023/a.html"
    assert a.known == KnownMetadata(feed_title="A", published="2023-09-27T10:00:00+02:00", language="fr")
    assert b.url == "https://news.example.co.uk/news/b.html"
    assert b.date == datetime(2023, 9, 2, tzinfo=timezone.utc)
    assert b.known == KnownMetadata(feed_title="B", language="de")  # updated is no publication date


def test_rss_guid_permalink_dc_date_and_html_titles() -> None:
    body = rss('<item><title>Q&amp;A: &lt;b&gt;bold&lt;/b&gt; claims</title><guid>https://x.example/q</guid>'
               '<dc:date>2023-09-27T10:00:00+02:00</dc:date></item>'
               '<item><title>no link</title><guid isPermaLink="false">tag:x,1</guid></item>',
               channel="<language>de-DE</language>")
    [entry] = d.parse_rss(body, BASE)
    assert entry.url == "https://x.example/q"
    assert entry.known == KnownMetadata(feed_title="Q&A: bold claims", published="2023-09-27T10:00:00+02:00",
                                        language="de-de")
    assert entry.date == datetime(2023, 9, 27, 8, tzinfo=timezone.utc)


def test_json_feed_is_still_read() -> None:  # feedparser 6.0 has no JSON Feed reader
    body = orjson.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"url": "/a", "date_published": "Wed, 27 Sep 2023 08:30:00 CET"}]})
    [entry] = d.discover(body, BASE).entries
    assert (entry.url, entry.known.published) == ("https://news.example.co.uk/a", "2023-09-27T08:30:00+01:00")


# --- dates: one parser for feeds, sitemaps and metadata ------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("Wed, 27 Sep 2023 08:30:00 CET", "2023-09-27T08:30:00+01:00"),
    ("Wed, 27 Sep 2023 08:30:00 BST", "2023-09-27T08:30:00+01:00"),
    ("2023-09-27T08:30:00 EST", "2023-09-27T08:30:00-05:00"),
    ("Wed, 27 Sep 2023 08:30:00 IST", "2023-09-27T08:30:00"),  # ambiguous: no offset
    ("Wed, 27 Sep 2023 08:30:00 XYZ", "2023-09-27T08:30:00"),  # unknown: no offset
    ("Wed, 27 Sep 2023 08:30:00", "2023-09-27T08:30:00"),  # none stated: none invented
    ("Wed, 27 Sep 2023 08:30:00 GMT", "2023-09-27T08:30:00+00:00"),
    ("2023-09-27", "2023-09-27"),
])
def test_feeds_sitemaps_and_metadata_read_a_date_alike(value: str, expected: str) -> None:
    [item] = d.parse_rss(rss(f"<item><title>t</title><link>/a</link><pubDate>{value}</pubDate></item>"), BASE)
    [atom] = d.parse_atom(f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title>'
                          f'<link href="/a"/><published>{value}</published></entry></feed>'.encode(), BASE)
    [news] = d.parse_sitemap(
        f'<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>/a</loc><news:news>'
        f"<news:publication_date>{value}</news:publication_date></news:news></url></urlset>".encode(), BASE)
    assert item.known.published == atom.known.published == news.known.published == expected
    assert normalize_iso(value) == expected  # page metadata
    stated = datetime.fromisoformat(expected)
    window = stated if stated.tzinfo else stated.replace(tzinfo=timezone.utc)
    assert item.date == atom.date == news.date == window


def test_a_cet_item_is_in_the_window_by_its_true_time() -> None:
    [entry] = d.parse_rss(rss("<item><title>t</title><link>/a</link>"
                              "<pubDate>Fri, 01 Sep 2023 00:30:00 CET</pubDate></item>"), BASE)
    start = datetime(2023, 9, 1, tzinfo=timezone.utc)
    assert entry.date == start - timedelta(minutes=30)
    assert d.in_window(entry.date, start) == "out_of_window"


# --- nothing fetched, nothing loaded -------------------------------------------------------

@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A server on loopback that records every request: a feed must make none."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            hits.append(self.path)
            body = b'<!ENTITY leak "LEAKED">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_external_entities_and_dtds_are_neither_fetched_nor_read(listener: tuple[str, list[str]]) -> None:
    url, hits = listener
    body = (f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{url}/dtd" ['
            f'<!ENTITY file SYSTEM "file:///etc/passwd"><!ENTITY web SYSTEM "{url}/entity">'
            f'<!ENTITY % param SYSTEM "{url}/param"> %param; <!ENTITY fine "plain">]>'
            f'<rss version="2.0"><channel><item><title>&file;&web;&leak;&fine;</title>'
            f"<link>https://x.example/a</link></item></channel></rss>").encode()
    titles = [e.known.title or "" for e in d.parse_rss(body, BASE)]
    assert hits == []
    assert all("root:" not in title and "LEAKED" not in title for title in titles)


def test_a_body_is_never_taken_for_a_file_name_or_url(tmp_path: Path,
                                                      listener: tuple[str, list[str]]) -> None:
    url, hits = listener
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss("<item><title>t</title><link>https://x.example/from-a-file</link></item>"))
    assert d.parse_rss(str(feed).encode(), BASE) == []
    assert d.parse_rss(f"{url}/feed.xml".encode(), BASE) == []
    assert hits == []


def test_a_json_feed_whose_items_is_no_list_is_an_unparseable_source() -> None:
    from pipeline.discovery import documents

    with pytest.raises(ValueError, match="not a list"):
        documents.discover(b'{"version": "https://jsonfeed.org/version/1.1", "items": {"a": 1}}',
                           "https://x.example/feed.json")
