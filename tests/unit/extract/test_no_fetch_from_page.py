"""A page never makes the extraction fetch anything. htmldate's ``load_html`` downloads a string
it takes for an address; a hostile page whose whole body is one (a cloud metadata endpoint, an
intranet host) would have the worker request it outside Scrapy. A real HTTP server on loopback
counts the requests."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from htmldate.utils import load_html

from pipeline.extract.article import ExtractOptions, extract_article, htmldate_would_fetch
from pipeline.items import KnownMetadata, Page


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body><p>Internal page of 2019-05-05.</p></body></html>")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def internal_url() -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []
    handler = type("Recorder", (_Recorder,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/latest/meta-data", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_htmldate_downloads_a_string_it_takes_for_an_address(internal_url: tuple[str, list[str]]) -> None:
    """Why the guard exists: htmldate (1.11.0, pinned) fetches such a string (if this fails after an
    upgrade, the guard may go)."""
    url, requests = internal_url
    assert htmldate_would_fetch(url)
    assert load_html(url) is not None
    assert requests == ["/latest/meta-data"]


@pytest.mark.parametrize("ending", ["", "\n", "\r\n"])
def test_a_page_that_is_an_address_is_not_fetched(internal_url: tuple[str, list[str]], ending: str) -> None:
    url, requests = internal_url
    page = Page(source_url="https://news.example/story", body=(url + ending).encode(), content_type="text/html",
                kind_hint="html", known=KnownMetadata(url="https://news.example/story"))
    extracted = extract_article(page, ExtractOptions())
    assert requests == []
    assert extracted.published is None


@pytest.mark.parametrize(("html", "fetched"), [
    ("http://10.0.0.1/", True), ("https://intranet.example/admin\n", True),
    ("<html><body>http://10.0.0.1/</body></html>", False), (" http://10.0.0.1/", False),
    ("http://10.0.0.1/ and more words", False),
])
def test_which_strings_htmldate_takes_for_an_address(html: str, fetched: bool) -> None:
    assert htmldate_would_fetch(html) is fetched
