"""``scrapy crawl news -a start=URL[,URL...]``: live news articles from feeds, sitemaps and pages.

Arguments: the table ``NewsSpider.arguments`` (``start``, ``start_file``, ``since``, ``max_age``,
``limit``, ``allow_domains``, ``refresh``), checked by ``pipeline.arguments`` before the run
starts; ``refresh`` is read by ``pipeline.state``.

Navigation only: the kind of every response is read from its body (``pipeline.discovery.documents``;
a gzip file such as ``sitemap.xml.gz`` is gunzipped first, capped by ``DOWNLOAD_MAXSIZE``),
entries are filtered by scope, listing URL, date window and duplicates before any article is
requested, and article responses leave as ``Page`` items for the shared pipeline.

With ``limit=N`` the candidates wait until every feed and sitemap has been read (the spider is
idle), then the N newest are requested (undated ones last), whatever the order of the feeds and
of their items: news feeds and sitemaps list their items in any order, often oldest first. A
candidate that is not fetched after all (known, or disallowed by robots.txt) gives its place to
the next newest when the spider is idle again.

Every request carries ``meta["newsclean_role"]``: robots, feed, sitemap, listing or article.
``pipeline.downloadermiddlewares.incremental`` answers some of them without a fetch: ``NotModified`` (a feed or sitemap
unchanged since the last run) and ``KnownArticle`` (written by an earlier run) reach the
errback as healthy "nothing new", never as failures or rejects.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from pipeline.arguments import (
    Argument,
    DeclaredArguments,
    UsageProblem,
    comma_list,
    positive_int,
    readable_file,
)
from pipeline.discovery import documents as disc
from pipeline.discovery.pagetype import listing_page, listing_url
from pipeline.downloadermiddlewares.incremental import LEFT_FOR_LATER, KnownArticle, NotModified
from pipeline.downloadermiddlewares.refusals import (
    DecompressedTooLarge,
    DisallowedByRobots,
    RedirectRefused,
)
from pipeline.downloadermiddlewares.scope import RefusedRequest, Scope, check_url
from pipeline.extract.dates import date_in_url
from pipeline.extract.urls import url_path
from pipeline.items import KnownMetadata, Page
from pipeline.meta import OPTIONAL, ROLE
from pipeline.signals import page_failed
from pipeline.state import parse_refresh
from pipeline.utils.clock import now_utc
from pipeline.utils.url import clean_url, url_key

ROBOTS, FEED, SITEMAP, LISTING, ARTICLE = "robots", "feed", "sitemap", "listing", "article"
# Request meta: how many sitemap indexes led to this document (NEWSCLEAN_MAX_SITEMAP_DEPTH).
DEPTH = "newsclean_sitemap_depth"
_FEED_PATH = re.compile(r"(rss|atom|feed)", re.I)
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(\.{_LABEL})*")
FETCH_ERRORS = ((DownloadTimeoutError, "timeout"), (DownloadCancelledError, "too_large"),
                (CannotResolveHostError, "dns_failed"), (ResponseDataLossError, "truncated"))


def read_start_file(path: str) -> list[str]:
    lines = Path(path).expanduser().read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


# --- argument parsers (ValueError: the value is refused, with a short reason) ------------------

def http_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url}")
    return url


def start_urls(value: str) -> list[str]:
    return [http_url(url) for url in comma_list(value)]


def start_file_urls(value: str) -> list[str]:
    try:
        return [http_url(url) for url in read_start_file(str(readable_file(value)))]
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None


def since_date(value: str) -> datetime:
    date = disc.entry_date(value)
    if date is None:
        raise ValueError
    return date


def duration(value: str) -> timedelta:
    try:
        return disc.parse_duration(value.strip())
    except ValueError:
        raise ValueError from None


def domain_names(value: str) -> list[str]:
    names = comma_list(value)
    for name in names:
        if not _DOMAIN.fullmatch(name):
            raise ValueError(f"not a domain name: {name}")
    return names


def start_role(url: str) -> str:
    """A role hint for a start URL, whose kind is only known from its response."""
    path = url_path(url).lower()
    if listing_url(url):
        return LISTING
    if "sitemap" in path:
        return SITEMAP
    return FEED if _FEED_PATH.search(path) else ARTICLE


class NewsSpider(DeclaredArguments, scrapy.Spider):
    name = "news"
    # Only http(s) is ever fetched: the other download handlers are switched off for this spider.
    custom_settings = {"DOWNLOAD_HANDLERS": {"file": None, "data": None, "ftp": None, "s3": None}}
    # The README's table of news arguments lists these names (tests/unit/test_readme.py checks).
    arguments = (
        Argument("start", start_urls, "comma-separated http(s) URLs",
                 "comma-separated start URLs: an article, a home or section page, an RSS 2.0 / Atom / JSON "
                 "Feed, a sitemap, a sitemap index or a Google News sitemap"),
        Argument("start_file", start_file_urls,
                 "a readable UTF-8 file of http(s) URLs, one a line, # comments",
                 "a file of start URLs, one a line, `#` comments"),
        Argument("since", since_date, "a date, YYYY-MM-DD or ISO 8601 (2023-09-01T06:00:00+00:00)",
                 "feed items and sitemap entries older than this date are never fetched"),
        Argument("max_age", duration, "a number and a unit s, m, h, d or w (48h, 2d, 90m)",
                 "feed items and sitemap entries older than this are never fetched"),
        Argument("limit", positive_int, "a whole number of at least 1",
                 "at most this many article requests per run"),
        Argument("allow_domains", domain_names, "comma-separated domain names (example.com,cdn.example.net)",
                 "registrable domains to follow besides the start URLs' own"),
        Argument("refresh", parse_refresh,
                 "all, articles or feeds (also 1/yes/true = all, 0/no/false = none)",
                 "fetch again despite the state", setting="NEWSCLEAN_STATE_REFRESH"),
    )

    @classmethod
    def check_values(cls, values: dict[str, Any]) -> None:
        if not values.get("start") and not values.get("start_file"):
            raise UsageProblem("no start URLs: give -a start=URL[,URL...] and/or -a start_file=PATH "
                               "(a file of URLs, one a line)")

    def __init__(self, start: list[str] | None = None, start_file: list[str] | None = None,
                 since: datetime | None = None, max_age: timedelta | None = None, limit: int | None = None,
                 allow_domains: list[str] | None = None, refresh: frozenset[str] | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.start_urls = list(dict.fromkeys([*(start or []), *(start_file or [])]))
        self.scope = Scope.build(self.start_urls, allow_domains or [])
        self.window_start = disc.window_start(since, max_age, datetime.now(timezone.utc))
        self.limit = limit
        self.refresh = refresh
        self.articles: set[str] = set()  # canonical URLs of article requests made or held
        self.counted = 0  # article requests counted against the limit
        self.documents = 0  # feeds and sitemaps requested on the way (NEWSCLEAN_MAX_DOCUMENTS)
        self.max_sitemap_depth = 3  # from the settings in from_crawler
        self.max_documents = 500
        # With a limit: candidates waiting for the spider to be idle, newest first (see the docstring).
        self.held: list[tuple[bool, float, int, str, KnownMetadata]] = []
        self.order = count()  # ties keep the order of discovery
        self.robots_sitemaps: dict[str, list[str]] = {}  # netloc -> Sitemap: lines

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_sitemap_depth = crawler.settings.getint("NEWSCLEAN_MAX_SITEMAP_DEPTH")
        spider.max_documents = crawler.settings.getint("NEWSCLEAN_MAX_DOCUMENTS")
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    def robots_parsed(self, robotparser: Any, request: Request, **kwargs: Any) -> None:
        sitemaps = getattr(getattr(robotparser, "rp", None), "sitemaps", None) or []
        self.robots_sitemaps[urlsplit(request.url).netloc] = [str(s) for s in sitemaps]

    # --- bookkeeping ---------------------------------------------------------------------
    def count(self, key: str, value: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsclean/news/{key}", value)

    def reject(self, url: str, reason: str, detail: str) -> None:
        self.crawler.signals.send_catch_log(page_failed, source_url=url, reason=reason, detail=detail)

    def request(self, url: str, role: str, callback: Any, **kwargs: Any) -> Request:
        meta = {ROLE: role, **kwargs.pop("meta", {})}
        return Request(url, callback=callback, errback=self.fetch_failed, meta=meta, **kwargs)

    def document_request(self, url: str, role: str, depth: int = 0, **kwargs: Any) -> Request | None:
        """A feed or sitemap found on the way, within the discovery bounds (``depth``: how many
        sitemap indexes led to it); ``None``, counted and logged, past them."""
        if depth > self.max_sitemap_depth:
            self.count("skipped_sitemap/too_deep")
            self.logger.warning("sitemap %s not read: nested %d indexes deep, more than "
                                "NEWSCLEAN_MAX_SITEMAP_DEPTH=%d", url, depth, self.max_sitemap_depth)
            return None
        if self.documents >= self.max_documents:
            self.count("skipped_document/limit")
            self.logger.warning("%s %s not read: NEWSCLEAN_MAX_DOCUMENTS=%d feeds and sitemaps already "
                                "requested in this run", role, url, self.max_documents)
            return None
        self.documents += 1
        meta = {DEPTH: depth, **kwargs.pop("meta", {})}
        return self.request(url, role, self.parse_source, meta=meta, **kwargs)

    # --- start ---------------------------------------------------------------------------
    async def start(self):
        for url in self.start_urls:
            reason = check_url(self.scope, url)
            if reason:
                self.count(f"skipped/{reason}")
                self.logger.error("start URL refused (%s): %s", reason, url)
                continue
            yield self.request(url, start_role(url), self.parse_start, cb_kwargs={"known": KnownMetadata()})

    def parse_start(self, response: Response, known: KnownMetadata) -> Iterator[Any]:
        """A start URL: any kind. Feeds and sitemaps give entries; an article page is emitted;
        a home or section page is rejected as ``not_article`` and its feeds and sitemaps found."""
        response, kind = self.document(response)
        if kind == disc.TOO_LARGE:
            return
        if kind in disc.FEED_KINDS or kind in (disc.SITEMAP, disc.NEWS_SITEMAP, disc.SITEMAP_INDEX):
            yield from self.follow(response)
            return
        if kind == disc.HTML and not self.is_article(response):
            yield from self.explore_listing(response)
            return
        yield self.page(response, known)

    def parse_source(self, response: Response) -> Iterator[Request]:
        """A feed or sitemap found on the way (robots.txt, ``<link rel=alternate>``, an index)."""
        response, kind = self.document(response)
        if kind == disc.TOO_LARGE:
            return
        if kind == disc.HTML or kind == disc.UNKNOWN:
            self.logger.info("expected a feed or sitemap, got %s: %s", kind, response.url)
            return
        yield from self.follow(response)

    def parse_article(self, response: Response, known: KnownMetadata) -> Iterator[Page]:
        response, kind = self.document(response)
        if kind == disc.TOO_LARGE:
            return
        if kind != disc.HTML or self.is_article(response):
            yield self.page(response, known)

    def parse_robots(self, response: Response, page_url: str, links: list[str], has_feeds: bool
                     ) -> Iterator[Request]:
        sitemaps = disc.robots_sitemaps(response.text, response.url) if response.status == 200 else []
        self.robots_sitemaps[urlsplit(response.url).netloc] = sitemaps
        yield from self.after_robots(page_url, sitemaps, links, has_feeds)

    # --- decisions -----------------------------------------------------------------------
    def document(self, response: Response) -> tuple[Response, str]:
        """The response as text, gunzipped when its body is a gzip file (a ``.xml.gz`` sitemap:
        Scrapy only decompresses ``Content-Encoding``), and its kind, read from that body. The
        gunzipped body is capped by ``DOWNLOAD_MAXSIZE`` like any other, as Scrapy's own
        ``SitemapSpider`` does; past it the kind is ``too_large`` and the document is not read."""
        max_size = response.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
        try:
            body = disc.document_body(response.body, max_size)
        except disc.DocumentTooLarge as exc:
            self.count(f"kind/{disc.TOO_LARGE}")
            self.refuse(response.request, "too_large", exc)
            return response, disc.TOO_LARGE
        except ValueError as exc:
            self.count(f"kind/{disc.UNKNOWN}")
            self.logger.warning("cannot read %s: %s", response.url, exc)
            return response, disc.UNKNOWN
        warn_size = response.meta.get("download_warnsize", self.settings.getint("DOWNLOAD_WARNSIZE"))
        if len(response.body) < warn_size <= len(body):
            self.logger.warning("%s is %d bytes after decompression, over DOWNLOAD_WARNSIZE (%d)",
                                response.url, len(body), warn_size)
        if body is not response.body or not isinstance(response, TextResponse):
            response = response.replace(cls=TextResponse, body=body)
        kind = disc.detect_kind(body)
        self.count(f"kind/{kind}")
        return response, kind

    def is_article(self, response: Response) -> bool:
        reason = listing_page(response.text, response.url)
        if reason:
            self.reject(response.url, "not_article", reason)
        return reason is None

    def follow(self, response: Response) -> Iterator[Request]:
        try:
            found = disc.discover(response.body, response.url)
        except ValueError as exc:
            self.count("unparseable_source")
            self.logger.warning("cannot parse %s: %s", response.url, exc)
            return
        for child in found.sitemaps:
            reason = check_url(self.scope, child.url) or (
                disc.in_window(child.date, self.window_start) if child.date else None)
            if reason:
                self.count(f"skipped_sitemap/{reason}")
                continue
            request = self.document_request(child.url, SITEMAP, response.meta.get(DEPTH, 0) + 1)
            if request is not None:
                yield request
        for entry in found.entries:
            request = self.article_request(entry.url, entry.known, entry.date)
            if request is not None:
                yield request

    def article_request(self, url: str, known: KnownMetadata, date: datetime | None) -> Request | None:
        """The request for one candidate article, or ``None`` with the reason counted:
        out of scope, listing URL (also a ``not_article`` reject), out of the date window,
        already requested, or over the limit. The URL is cleaned first (no fragment, no
        tracking parameters), so ``?utm_source=`` variants are one request."""
        url = clean_url(url)
        reason = check_url(self.scope, url)
        if not reason and listing_url(url):
            self.reject(url, "not_article", f"listing URL: {listing_url(url)} (not fetched)")
            reason = "not_article"
        reason = reason or disc.in_window(date, self.window_start)
        key = url_key(url) if not reason else ""
        if not reason and key in self.articles:
            reason = "duplicate"
        if reason:
            self.count(f"skipped/{reason}")
            return None
        self.articles.add(key)
        if self.limit is None:
            return self.article(url, known)
        # Held until the spider is idle: counted as skipped (and left for a later run) meanwhile.
        stamp = date.timestamp() if date is not None else 0.0
        heapq.heappush(self.held, (date is None, -stamp, next(self.order), url, known))
        self.count("skipped/limit")
        self.crawler.stats.inc_value(LEFT_FOR_LATER)
        return None

    def article(self, url: str, known: KnownMetadata) -> Request:
        return self.request(url, ARTICLE, self.parse_article, cb_kwargs={"known": known})

    def release(self) -> list[Request]:
        """The newest held candidates, as many as the limit still allows."""
        released = []
        while self.held and self.limit is not None and self.counted < self.limit:
            _, _, _, url, known = heapq.heappop(self.held)
            self.counted += 1
            self.count("skipped/limit", -1)
            self.crawler.stats.inc_value(LEFT_FOR_LATER, -1)
            released.append(self.article(url, known))
        return released

    def spider_idle(self, spider: scrapy.Spider) -> None:
        """Every feed and sitemap read, every request answered: request the newest candidates."""
        released = self.release()
        for request in released:
            self.crawler.engine.crawl(request)
        if released:
            raise DontCloseSpider

    def free_place(self, request: Request) -> None:
        """A counted article was not fetched after all (known, or disallowed by robots.txt): its
        place goes to the next newest held candidate when the spider is idle again. Start URLs
        never counted, so they free nothing."""
        if request.callback == self.parse_article and self.limit is not None:
            self.counted -= 1

    def explore_listing(self, response: Response) -> Iterator[Request]:
        """From a start page that is no article: its feeds, the site's sitemaps (robots.txt
        ``Sitemap:`` lines, else the common locations) and, when the site offers neither feed
        nor sitemap, the page's own links."""
        feeds = [u for u in disc.feed_links(response.text, response.url) if not check_url(self.scope, u)]
        for url in feeds:
            if (request := self.document_request(url, FEED)) is not None:
                yield request
        links = list(disc.page_links(response.text, response.url))
        netloc = urlsplit(response.url).netloc
        if netloc in self.robots_sitemaps:
            yield from self.after_robots(response.url, self.robots_sitemaps[netloc], links, bool(feeds))
        else:  # robots.txt not read by Scrapy (ROBOTSTXT_OBEY off): read it for its sitemaps
            parts = urlsplit(response.url)
            yield self.request(f"{parts.scheme}://{parts.netloc}/robots.txt", ROBOTS, self.parse_robots,
                               meta={"dont_obey_robotstxt": True, "handle_httpstatus_all": True},
                               cb_kwargs={"page_url": response.url, "links": links, "has_feeds": bool(feeds)})

    def after_robots(self, page_url: str, sitemaps: list[str], links: list[str], has_feeds: bool
                     ) -> Iterator[Request]:
        if sitemaps:
            for url in sitemaps:
                if not check_url(self.scope, url) and (request := self.document_request(url, SITEMAP)):
                    yield request
        else:
            parts = urlsplit(page_url)
            for path in disc.COMMON_SITEMAP_PATHS:
                request = self.document_request(f"{parts.scheme}://{parts.netloc}{path}", SITEMAP,
                                                meta={OPTIONAL: True})
                if request is not None:
                    yield request
        if has_feeds or sitemaps:
            return
        self.count("followed_listing_links")
        for url in links:
            request = self.article_request(url, KnownMetadata(), disc.entry_date(date_in_url(url)))
            if request is not None:
                yield request

    # --- output and failures -------------------------------------------------------------
    def page(self, response: Response, known: KnownMetadata) -> Page:
        self.count("pages")
        return Page(
            source_url=response.url,
            body=response.body,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            fetched_at=now_utc(),
            known=known,
        )

    def fetch_failed(self, failure: Failure) -> None:
        request = failure.request
        role = request.meta.get(ROLE, "")
        exc = failure.value
        if isinstance(exc, NotModified):
            return None  # unchanged since the last run: healthy, counted by the state middleware
        if isinstance(exc, KnownArticle):
            self.count("skipped/known")
            self.free_place(request)
            return None
        if isinstance(exc, RefusedRequest):
            reason = exc.reason
        elif isinstance(exc, HttpError):  # an IgnoreRequest too: test it first
            reason = f"http_{exc.response.status}"
        elif isinstance(exc, DecompressedTooLarge):
            reason = "too_large"
        elif isinstance(exc, IgnoreRequest):
            robots = isinstance(exc, DisallowedByRobots)
            self.count("skipped/robots_disallowed" if robots else f"ignored/{role}")
            # robots.txt, or another middleware's choice: not a failure; not fetched, so an
            # article disallowed by robots.txt does not count against the limit either
            if robots:
                self.free_place(request)
            return None
        else:
            reason = next((name for cls, name in FETCH_ERRORS if isinstance(exc, cls)), "fetch_failed")
        self.refuse(request, reason, exc)
        return None

    def request_dropped(self, request: Request, **kwargs: Any) -> None:
        """A redirect to a URL already requested in this run is dropped by Scrapy's duplicate
        filter: the article or start URL it came from gets a reject saying where it went."""
        chain = request.meta.get("redirect_urls")
        if chain and (request.meta.get(ROLE) in (ARTICLE, LISTING) or chain[0] in self.start_urls):
            self.count(f"failed/{request.meta.get(ROLE, '')}/redirect_duplicate")
            self.reject(chain[0], "redirect_duplicate", f"redirects to {request.url}, already requested in this run")

    def refuse(self, request: Request, reason: str, exc: BaseException) -> None:
        """A request that gave nothing: counted; a reject for an article, listing or start URL
        (also when it was redirected: the chain's first URL tells). A redirect that is not
        followed (loop, too many) is rejected under the URL the chain started from."""
        role = request.meta.get(ROLE, "")
        self.count(f"failed/{role}/{reason}")
        if request.meta.get(OPTIONAL):
            return
        first = (request.meta.get("redirect_urls") or [request.url])[0]
        if role in (ARTICLE, LISTING) or first in self.start_urls:
            url = exc.chain[0] if isinstance(exc, RedirectRefused) else request.url
            self.reject(url, reason, f"{type(exc).__name__}: {exc}")
        else:
            self.logger.warning("%s %s not read (%s): %s", role, request.url, reason, exc)
