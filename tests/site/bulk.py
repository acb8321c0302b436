"""A news site of many articles on loopback, for the distributed-crawl tests and benchmark.

``BulkSite(n).start()`` serves robots.txt (everything allowed; a Crawl-delay if asked), ``/sitemap.xml``
listing ``n`` articles and the articles ``/a/<i>.html``: each with its own title and paragraphs
(drawn from a word list by a seeded generator, so no two are near-duplicates and every run
serves the same bytes). Every request is logged with its monotonic arrival time.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.site.server import LoopbackSite

WORDS = (
    "harbour council budget ferry crossing bridge repairs timetable passengers traders terminal "
    "winter summer service vessel inspection authority morning evening village market school "
    "hospital library station railway road river valley coast island mountain forest farmers "
    "fishermen workers teachers nurses drivers students residents visitors officials minister "
    "mayor committee report plan project funding grant decision meeting vote debate protest "
    "election campaign result figures survey study museum festival concert theatre football "
    "cricket match season league club players coach stadium weather storm flood rain wind snow "
    "heat drought harvest prices costs wages jobs factory company shop owner business tourism"
).split()
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | The Bulk Gazette</title>
<meta property="og:type" content="article"><meta property="og:site_name" content="The Bulk Gazette">
<meta property="article:published_time" content="2023-09-28T{hour:02d}:{minute:02d}:00Z"></head>
<body><header><a href="/">The Bulk Gazette</a></header>
<article><h1>{title}</h1>
{paragraphs}
</article><footer><p>&copy; 2023 The Bulk Gazette</p></footer></body></html>"""


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 20))]
    return "The " + " ".join(words) + " said on Friday that the " + " ".join(rng.choice(WORDS) for _ in range(6)) + "."


def article_html(i: int) -> bytes:
    rng = random.Random(i)
    title = f"Story {i}: " + " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    paragraphs = "\n".join(f"<p>{' '.join(sentence(rng) for _ in range(3))}</p>" for _ in range(4))
    return PAGE.format(title=title, paragraphs=paragraphs, hour=(i // 60) % 24, minute=i % 60).encode()


@dataclass
class Hit:
    at: float
    path: str


@dataclass
class BulkSite(LoopbackSite):
    articles: int = 500
    host: str = "127.0.0.1"
    crawl_delay: float = 0.0  # robots.txt Crawl-delay (0: none)
    busy_after: int = 0  # answer the article request after this many with 429 (0: never)
    retry_after: float = 0.0  # the 429's Retry-After (seconds)
    busy_at: float | None = None  # arrival time of the request answered 429
    log: list[Hit] = field(default_factory=list)

    def start(self) -> BulkSite:
        self.pages = {f"/a/{i}.html": article_html(i) for i in range(self.articles)}
        return self.serve()

    def on_get(self, handler: BaseHTTPRequestHandler) -> None:
        self.log.append(Hit(time.monotonic(), handler.path))
        self.respond(handler)

    @property
    def sitemap(self) -> str:
        return f"{self.base}/sitemap.xml"

    def article_urls(self) -> list[str]:
        return [self.base + path for path in self.pages]

    def hits(self, prefix: str = "/a/") -> list[Hit]:
        return [hit for hit in self.log if hit.path.startswith(prefix)]

    def respond(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        if path == "/robots.txt":
            delay = f"Crawl-delay: {self.crawl_delay:g}\n" if self.crawl_delay else ""
            body, ctype, status = f"User-agent: *\nAllow: /\n{delay}".encode(), "text/plain", 200
        elif path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{self.base}{p}</loc><lastmod>2023-09-28</lastmod></url>\n" for p in self.pages)
            body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
                    b'sitemap/0.9">\n' + urls.encode() + b"</urlset>\n")
            ctype, status = "application/xml", 200
        elif path in self.pages and self.busy_after and self.busy_at is None and len(self.hits()) > self.busy_after:
            self.busy_at = self.log[-1].at
            body, ctype, status = b"slow down", "text/plain", 429
        elif path in self.pages:
            body, ctype, status = self.pages[path], "text/html; charset=utf-8", 200
        else:
            body, ctype, status = b"not found", "text/plain", 404
        try:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            if status == 429:
                h.send_header("Retry-After", f"{self.retry_after:g}")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
