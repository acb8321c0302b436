"""A small news site on loopback for the ``news`` spider tests, with a request log.

``NewsSite(host).start()`` serves, on a free port, a home page, RSS and Atom feeds, a sitemap
index with a Google News sitemap, robots.txt (a Disallow, a Crawl-delay, a Sitemap line),
articles (renderings of the two seed stories and a few more, plus aeb-dev pages when given),
a section page, a list page, redirects (in scope, out of scope, to ``file:``), a 404, a 429
with ``Retry-After``, a slow page, an oversized page and a gzip bomb. ``plain=True`` serves the
same site without feeds or sitemaps. Every request is logged with its monotonic arrival time,
its conditional headers and the status it got.

For the unattended-run tests: feeds, sitemaps and the home page carry an ``ETag`` (a hash of the
body) and a ``Last-Modified``, and answer 304 to a matching ``If-None-Match`` (else
``If-Modified-Since``); ``add_articles(n)`` publishes n new in-window articles (in the RSS and
Atom feeds and the news sitemap, whose ETags then change); ``crawl_delay``, ``slow_seconds``
and ``retry_after`` are per-site so those runs can stay fast; ``BROKEN_FEED`` always answers 500;
``robots_txt=False`` serves no robots.txt.

For the feed and sitemap tests (``tests/test_news_feeds.py``): every sitemap is also served as
a gzip file (``<path>.gz``, ``application/x-gzip``, no ``Content-Encoding``), and
``compressed=True`` makes robots.txt and the sitemap index name those; ``SITEMAP_BOMB`` is a
gzip file of 16 MiB of XML; ``BASED_FEED`` is an RSS feed whose links are relative to its
``xml:base`` and whose dates carry zone names; ``OLDEST_FIRST`` lists three articles oldest
first, one of them undated.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "pages"
CRAWL_DELAY = 1
RETRY_AFTER = 2
SLOW_SECONDS = 3
HUGE_BYTES = 2 * 1024 * 1024
BOMB_BYTES = 16 * 1024 * 1024
WINDOW_SINCE = "2023-09-01"

KYIV = "/news/2023/09/27/azerbaijan-lost-192-troops.html"
EXPRESS = "/world/2023/09/27/almost-200-azerbaijani-soldiers-killed.html"
BRIDGE = "/news/2023/09/26/harbour-bridge-reopens.html"
BUSY = "/news/2023/09/28/council-budget-vote.html"
OLD = "/news/2023/08/01/summer-fair.html"
ANCIENT = "/news/2023/07/01/ancient.html"
PRIVATE = "/private/2023/09/27/embargoed.html"
SLOW = "/news/2023/09/27/slow.html"
HUGE = "/news/2023/09/27/huge.html"
BOMB = "/news/2023/09/27/bomb.html"
MISSING = "/news/2023/09/27/missing.html"
PICTURES = "/features/2023/09/27/week-in-pictures.html"
SECTION = "/section/world/"
TAG = "/tag/karabakh/"
REDIRECT = "/go/harbour-bridge"
REDIRECT_OUT = "/go/elsewhere"
REDIRECT_FILE = "/go/passwd"
ELSEWHERE = "/news/2023/09/27/elsewhere.html"
BROKEN_FEED = "/broken-feed.xml"
SITEMAP_BOMB = "/sitemap-bomb.xml.gz"
BASED_FEED = "/feeds/based.xml"
OLDEST_FIRST = "/feeds/oldest-first.xml"
GZIP_TYPE = "application/x-gzip"
ADDED = "/news/2023/09/29/added-{n}.html"  # articles published by add_articles()
ADDED_DATE = "2023-09-29T{hour:02d}:{minute:02d}:00Z"
# Sources that list the articles added by add_articles() (their content, ETag and date change).
LISTS_ADDED = frozenset({"/feed.xml", "/atom.xml", "/news-sitemap.xml"})
ADDED_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | The Loopback Ledger</title>
<meta property="og:type" content="article"><meta property="og:site_name" content="The Loopback Ledger">
<meta property="article:published_time" content="{date}"></head>
<body><header><a href="/">The Loopback Ledger</a><nav><a href="/">Home</a></nav></header>
<article><h1>{title}</h1>
<p>Story {n}: the ferry service between the two harbours resumed on Friday after a winter of repairs to
the landing stages, the operator said, and the first crossings of the morning were fully booked.</p>
<p>Passengers on crossing {n} were told that the timetable would return to its summer pattern within a
fortnight, once the second vessel has passed the inspection required by the maritime authority.</p>
<p>Traders near the terminal said the months without visitors had been hard, and several of them had
opened early to welcome the travellers arriving on the first boats since the service was suspended.</p>
</article><footer><p>&copy; 2023 The Loopback Ledger</p></footer></body></html>"""
FEED_LINKS = ('<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">\n'
              '<link rel="alternate" type="application/atom+xml" title="Atom" href="/atom.xml">')


@dataclass
class Hit:
    at: float  # time.monotonic() on arrival
    path: str
    user_agent: str
    conditional: dict[str, str] = field(default_factory=dict)  # If-None-Match / If-Modified-Since sent
    status: int = 0  # the answer's status (0 until answered)


class LoopbackSite:
    """A threaded HTTP server on ``host`` at a free port; a subclass answers in ``on_get``."""

    host: str

    def serve(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.on_get(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((self.host, 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def on_get(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.server.server_address[1]}"


@dataclass
class NewsSite(LoopbackSite):
    host: str = "127.0.0.1"
    other: str = "http://127.0.0.2:9"  # base URL of the server that must receive nothing
    aeb: dict[str, bytes] = field(default_factory=dict)  # id -> page HTML (bytes)
    plain: bool = False
    crawl_delay: float = CRAWL_DELAY  # robots.txt Crawl-delay
    slow_seconds: float = SLOW_SECONDS  # how long the slow page takes (read per request)
    retry_after: int = RETRY_AFTER  # the 429's Retry-After
    robots_txt: bool = True  # False: /robots.txt answers 404, like many sites
    compressed: bool = False  # robots.txt and the sitemap index name the .xml.gz sitemaps
    log: list[Hit] = field(default_factory=list)
    added: list[tuple[str, str, str]] = field(default_factory=list)  # (path, title, date) of added articles

    def start(self) -> NewsSite:
        self.started = time.time()
        self.changed = self.started - 3600  # Last-Modified of the sources that list added articles
        return self.serve()

    def on_get(self, handler: BaseHTTPRequestHandler) -> None:
        conditional = {k: v for k in ("If-None-Match", "If-Modified-Since") if (v := handler.headers.get(k))}
        handler.hit = Hit(time.monotonic(), handler.path, handler.headers.get("User-Agent", ""), conditional)
        self.log.append(handler.hit)
        self.respond(handler)

    def paths(self) -> list[str]:
        return [hit.path for hit in self.log]

    def add_articles(self, count: int) -> list[str]:
        """Publish ``count`` new in-window articles (RSS, Atom, news sitemap); their URLs."""
        for _ in range(count):
            n = len(self.added) + 1
            title = f"Ferry service resumes: crossing number {n} fully booked"
            self.added.append((ADDED.format(n=n), title, ADDED_DATE.format(hour=n // 60, minute=n % 60)))
        self.changed = time.time()
        return [self.base + path for path, _, _ in self.added[-count:]]

    # --- content ---------------------------------------------------------------------------
    def page(self, name: str) -> bytes:
        text = (PAGES / name).read_text(encoding="utf-8")
        text = text.replace("{{FEED_LINKS}}", "" if self.plain else FEED_LINKS).replace("{{OTHER}}", self.other)
        text = text.replace("{{LOCAL}}", self.base.replace(self.host, "localhost"))
        return text.encode()

    def robots(self) -> bytes:
        lines = ["User-agent: *", "Disallow: /private/", f"Crawl-delay: {self.crawl_delay:g}"]
        if not self.plain:
            lines.append(f"Sitemap: {self.base}/sitemap_index.xml{self.gz}")
        return ("\n".join(lines) + "\n").encode()

    def rss(self) -> bytes:
        b, o = self.base, self.other
        items = [
            (b + KYIV, "Baku claims 192 Azerbaijani troops killed, 511 wounded in Karabakh offensive",
             "Wed, 27 Sep 2023 09:24:00 GMT"),
            (b + REDIRECT, "Harbour bridge reopens after two years of repairs", "Tue, 26 Sep 2023 07:30:00 GMT"),
            (b + BUSY, "Council approves budget after late-night vote", "Thu, 28 Sep 2023 00:15:00 GMT"),
            (b + OLD, "Summer fair draws record crowds", "Tue, 01 Aug 2023 18:00:00 GMT"),
            (b + PRIVATE, "Embargoed story", "Wed, 27 Sep 2023 11:00:00 GMT"),
            (b + SLOW, "A slow story", "Wed, 27 Sep 2023 11:05:00 GMT"),
            (b + HUGE, "A huge story", "Wed, 27 Sep 2023 11:10:00 GMT"),
            (b + BOMB, "A compressed story", "Wed, 27 Sep 2023 11:15:00 GMT"),
            (b + MISSING, "A missing story", "Wed, 27 Sep 2023 11:20:00 GMT"),
            (b + TAG, "Everything on Karabakh", "Wed, 27 Sep 2023 11:25:00 GMT"),
            (o + ELSEWHERE, "A story elsewhere", "Wed, 27 Sep 2023 11:30:00 GMT"),
            ("file:///etc/passwd", "Not a story", "Wed, 27 Sep 2023 11:35:00 GMT"),
            (b + REDIRECT_OUT, "A story that moved away", "Wed, 27 Sep 2023 11:40:00 GMT"),
            (b + REDIRECT_FILE, "A story that moved to a file", "Wed, 27 Sep 2023 11:45:00 GMT"),
        ]
        items += [(b + p, t, formatdate(parse_iso(d).timestamp(), usegmt=True)) for p, t, d in self.added]
        body = "".join(f"<item><title>{t}</title><link>{u}</link><pubDate>{d}</pubDate></item>\n"
                       for u, t, d in items)
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>The Loopback '
                f"Ledger</title><link>{b}/</link><language>en-gb</language>\n{body}</channel></rss>\n").encode()

    def atom(self) -> bytes:
        b = self.base
        entries = [
            (b + EXPRESS, "Almost 200 Azerbaijani soldiers killed during Nagorno-Karabakh offensive",
             "2023-09-27T10:00:00+01:00"),
            (b + PICTURES, "The week in pictures", "2023-09-27T18:00:00Z"),
            (b + KYIV, "Baku claims 192 Azerbaijani troops killed, 511 wounded in Karabakh offensive", "2023-09-27T09:24:00Z"),
        ]
        entries += [(b + p, t, d) for p, t, d in self.added]
        body = "".join(f'<entry><title>{t}</title><link rel="alternate" href="{u}"/><id>{u}</id>'
                       f"<published>{d}</published><updated>{d}</updated></entry>\n" for u, t, d in entries)
        return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
                f'xml:lang="en-gb"><title>The Loopback Ledger</title><id>{b}/</id>\n{body}</feed>\n').encode()

    def sitemap_index(self) -> bytes:
        b = self.base
        maps = [("/news-sitemap.xml", "2023-09-28"), ("/sitemap-pages.xml", "2023-09-27"),
                ("/sitemap-2022.xml", "2022-12-31")]
        body = "".join(f"<sitemap><loc>{b}{p}{self.gz}</loc><lastmod>{d}</lastmod></sitemap>\n"
                       for p, d in maps)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
                f'schemas/sitemap/0.9">\n{body}</sitemapindex>\n').encode()

    @property
    def gz(self) -> str:
        return ".gz" if self.compressed else ""

    def based_feed(self) -> bytes:
        """Links relative to the channel's and an item's ``xml:base``; dates in CEST and BST."""
        b = self.base
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xml:base="{b}/news/2023/09/27/">'
                f"<channel><title>The Loopback Ledger</title><link>{b}/</link><language>en-gb</language>\n"
                "<item><title>Baku claims 192 Azerbaijani troops killed</title>"
                "<link>azerbaijan-lost-192-troops.html</link>"
                "<pubDate>Wed, 27 Sep 2023 11:24:00 CEST</pubDate></item>\n"
                f'<item xml:base="{b}/world/2023/09/27/">'
                "<title>Almost 200 Azerbaijani soldiers killed</title>"
                "<link>almost-200-azerbaijani-soldiers-killed.html</link>"
                "<pubDate>Wed, 27 Sep 2023 10:00:00 BST</pubDate></item>\n"
                "</channel></rss>\n").encode()

    def oldest_first(self) -> bytes:
        b = self.base
        items = [(BRIDGE, "Harbour bridge reopens", "Tue, 26 Sep 2023 07:30:00 GMT"),
                 (EXPRESS, "Almost 200 Azerbaijani soldiers killed", ""),
                 (KYIV, "Baku claims 192 Azerbaijani troops killed", "Wed, 27 Sep 2023 09:24:00 GMT")]
        dated = [(p, t, f"<pubDate>{d}</pubDate>" if d else "") for p, t, d in items]
        body = "".join(f"<item><title>{t}</title><link>{b}{p}</link>{d}</item>\n" for p, t, d in dated)
        return ('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Oldest first</title>\n'
                f"{body}</channel></rss>\n").encode()

    def news_entries(self) -> list[tuple[str, str, str, str]]:
        """(path, title, publication date, language) of every news-sitemap entry."""
        entries = [(EXPRESS, "Almost 200 Azerbaijani soldiers killed during Nagorno-Karabakh offensive",
                    "2023-09-27T10:00:00+01:00", "en"),
                   (ANCIENT, "An ancient story", "2023-07-01T09:00:00Z", "en")]
        entries += [(f"/aeb/{i}.html", f"Benchmark story {n}", f"2023-09-2{n}T08:00:00Z", "en")
                    for n, i in enumerate(sorted(self.aeb), start=1)]
        entries += [(p, t, d, "en") for p, t, d in self.added]
        return entries

    def news_sitemap(self) -> bytes:
        b = self.base
        body = "".join(
            f"<url><loc>{b}{p}</loc><news:news><news:publication><news:name>The Loopback Ledger"
            f"</news:name><news:language>{lang}</news:language></news:publication>"
            f"<news:publication_date>{d}</news:publication_date><news:title>{t}</news:title>"
            f"</news:news></url>\n" for p, t, d, lang in self.news_entries())
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
                'sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
                f"{body}</urlset>\n").encode()

    def pages_sitemap(self) -> bytes:
        b = self.base
        body = "".join(f"<url><loc>{b}{p}</loc><lastmod>2023-09-27</lastmod></url>\n" for p in (SECTION, "/"))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
                f'sitemap/0.9">\n{body}</urlset>\n').encode()

    # --- routing ---------------------------------------------------------------------------
    def respond(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        html, xml = "text/html; charset=utf-8", "application/xml"
        static = {"/": "home.html", SECTION: "section.html", TAG: "section.html", KYIV: "kyiv-troops.html",
                  EXPRESS: "express-soldiers.html", BRIDGE: "harbour-bridge.html", OLD: "old-story.html",
                  ANCIENT: "old-story.html", PRIVATE: "old-story.html", PICTURES: "week-in-pictures.html"}
        sources = {"/feed.xml": self.rss, "/atom.xml": self.atom, "/sitemap_index.xml": self.sitemap_index,
                   "/news-sitemap.xml": self.news_sitemap, "/sitemap-pages.xml": self.pages_sitemap,
                   "/sitemap-2022.xml": self.pages_sitemap, BASED_FEED: self.based_feed,
                   OLDEST_FIRST: self.oldest_first}
        redirects = {REDIRECT: BRIDGE, REDIRECT_OUT: self.other + ELSEWHERE, REDIRECT_FILE: "file:///etc/passwd"}
        added = {p: (n, t, d) for n, (p, t, d) in enumerate(self.added, start=1)}
        if path == "/robots.txt" and self.robots_txt:
            return self.send(h, 200, self.robots(), "text/plain")
        if path in sources and not self.plain:
            return self.send_conditional(h, path, sources[path](), xml)
        if path.endswith(".xml.gz") and "sitemap" in path and path[:-3] in sources and not self.plain:
            return self.send_conditional(h, path, gzip.compress(sources[path[:-3]](), mtime=0), GZIP_TYPE)
        if path == SITEMAP_BOMB:
            bomb = b'<?xml version="1.0"?><urlset>' + b" " * BOMB_BYTES + b"</urlset>"
            return self.send(h, 200, gzip.compress(bomb, 9, mtime=0), GZIP_TYPE)
        if path == "/":
            return self.send_conditional(h, path, self.page(static[path]), html)
        if path in static:
            return self.send(h, 200, self.page(static[path]), html)
        if path in added:
            n, title, date = added[path]
            return self.send(h, 200, ADDED_PAGE.format(n=n, title=title, date=date).encode(), html)
        if path == BROKEN_FEED:
            return self.send(h, 500, b"internal error", "text/plain")
        if path in redirects:
            return self.send(h, 301, b"", html, {"Location": redirects[path]})
        if path == BUSY:
            if sum(1 for hit in self.log if hit.path == BUSY) == 1:
                return self.send(h, 429, b"slow down", "text/plain", {"Retry-After": str(self.retry_after)})
            return self.send(h, 200, self.page("council-budget.html"), html)
        if path == SLOW:
            time.sleep(self.slow_seconds)
            return self.send(h, 200, self.page("harbour-bridge.html"), html)
        if path == HUGE:
            # Prose, not one word repeated: that is no language, a NoArticleText reject (f472066).
            filler = b"<p>" + b"The harbour committee met again to discuss the budget for next year. " * 10 + b"</p>\n"
            return self.send(h, 200, b"<html><body>" + filler * (HUGE_BYTES // len(filler)) + b"</body></html>", html)
        if path == BOMB:
            return self.send(h, 200, gzip.compress(b" " * BOMB_BYTES, 9), html, {"Content-Encoding": "gzip"})
        if path.startswith("/aeb/") and path[5:-5] in self.aeb:
            return self.send(h, 200, self.aeb[path[5:-5]], html)
        return self.send(h, 404, b"<html><body><h1>Not found</h1></body></html>", html)

    def send_conditional(self, h: BaseHTTPRequestHandler, path: str, body: bytes, ctype: str) -> None:
        """200 with ``ETag`` and ``Last-Modified``, or 304 when the client's copy is current: a
        matching ``If-None-Match`` wins; ``If-Modified-Since`` counts only without it (RFC 9110)."""
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        modified = self.changed if path in LISTS_ADDED else self.started - 3600
        headers = {"ETag": etag, "Last-Modified": formatdate(modified, usegmt=True)}
        if_none_match = h.headers.get("If-None-Match")
        if_modified_since = h.headers.get("If-Modified-Since")
        if if_none_match is not None:
            fresh = etag in [t.strip() for t in if_none_match.split(",")] or if_none_match.strip() == "*"
        else:
            fresh = if_modified_since is not None and not_after(int(modified), if_modified_since)
        if fresh:
            return self.send(h, 304, b"", ctype, headers)
        return self.send(h, 200, body, ctype, headers)

    @staticmethod
    def send(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str,
             headers: dict[str, str] | None = None) -> None:
        if isinstance(getattr(h, "hit", None), Hit):
            h.hit.status = status
        try:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                h.send_header(name, value)
            h.end_headers()
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeouts, size caps): expected in these tests


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def not_after(modified: int, if_modified_since: str) -> bool:
    """True when ``modified`` (epoch seconds) is not later than the ``If-Modified-Since`` date."""
    try:
        return modified <= parsedate_to_datetime(if_modified_since).timestamp()
    except (TypeError, ValueError, IndexError):
        return False
