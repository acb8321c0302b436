"""A tiny news site on 127.0.0.1 for the unattended-run tests: an RSS feed with ETag and
Last-Modified (answering 304 to a matching conditional request) and one page per article,
optionally slow or failing. Started and stopped by the tests; every request is logged."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>Harbour report {n} | Test Gazette</title>
<meta property="og:site_name" content="Test Gazette">
<meta property="article:published_time" content="2024-03-05T08:30:00+01:00">
<link rel="canonical" href="{url}"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Harbour report number {n} from the test gazette</h1>
<p>Report {n}: the harbour bridge reopened to traffic on Tuesday morning after two years of repairs
that cost the city more than it had planned, officials said at a ceremony attended by residents.</p>
<p>Engineers replaced the cables and the deck in section {n}, and the speed limit will stay at thirty
miles an hour until the spring inspection has been completed by the regional transport authority.</p>
<p>Local shop owners said the closure had cut their trade by a third, and several of them welcomed the
return of passing customers who had been taking a long detour through the industrial estate.</p>
</article></body></html>"""


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client killed mid-answer (the kill -9 tests) is expected here


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class Site:
    articles: int = 5  # articles 1..N are in the feed
    delay: float = 0.0  # seconds before each article answers
    feed_status: int = 200  # anything else: the feed fails with it
    article_status: dict[int, int] = field(default_factory=dict)  # article n -> failing status
    hits: list[Hit] = field(default_factory=list)

    def __post_init__(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                status, headers, body = site.answer(self.path, dict(self.headers.items()))
                site.hits.append(Hit(self.path, dict(self.headers.items()), status))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.modified = time.time() - 3600
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def feed_url(self) -> str:
        return f"{self.base}/feed.xml"

    def article_url(self, n: int) -> str:
        return f"{self.base}/a/{n}.html"

    def add(self, count: int) -> None:
        self.articles += count
        self.modified = time.time()

    def feed(self) -> bytes:
        items = "".join(f"<item><title>Report {n}</title><link>{self.article_url(n)}</link></item>"
                        for n in range(self.articles, 0, -1))
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if path == "/feed.xml":
            if self.feed_status != 200:
                return self.feed_status, {}, b"down"
            body = self.feed()
            etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
            meta = {"Content-Type": "application/rss+xml", "ETag": etag,
                    "Last-Modified": formatdate(self.modified, usegmt=True)}
            if headers.get("If-None-Match") == etag:
                return 304, {"ETag": etag}, b""
            return 200, meta, body
        if path.startswith("/a/") and path.endswith(".html"):
            n = int(path[3:-5])
            time.sleep(self.delay)
            if n in self.article_status:
                return self.article_status[n], {}, b"error"
            if 1 <= n <= self.articles:
                page = ARTICLE.format(n=n, url=self.article_url(n)).encode()
                return 200, {"Content-Type": "text/html; charset=utf-8"}, page
        return 404, {}, b"not found"

    def paths(self, prefix: str = "") -> list[str]:
        return [hit.path for hit in self.hits if hit.path.startswith(prefix)]
