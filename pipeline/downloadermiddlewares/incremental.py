"""Downloader middleware: conditional requests for feeds, no second fetch of a known article.

Contract with spiders: a request says what it is for in ``request.meta[ROLE]``:

- ``feed``, ``sitemap``, ``listing``: sent with ``If-None-Match``/``If-Modified-Since`` from the
  last run; a 304 answer becomes ``NotModified`` (an ``IgnoreRequest``: the request's errback
  sees it and should ignore it) and counts as a healthy "nothing new". Validators are kept only
  for documents that list articles themselves (feeds, sitemaps of URLs: ``LEAF_KINDS``). A
  sitemap index or an HTML page (home, section) points at feeds and sitemaps that change while
  it does not: a 304 there would hide them, so those are fetched in full every run;
- ``article``: ``KnownArticle`` (an ``IgnoreRequest``) without any network traffic when an
  earlier run wrote its record, unless ``-a refresh=articles|all`` asks for a re-fetch;
- ``robots``, or no role (the seeds spider's ``file://`` requests): passed through untouched,
  never skipped. Records of role-less live requests are still kept to one write across runs
  by ``pipeline.pipelines.known.KnownArticlePipeline``.

``-a refresh=``: ``feeds`` sends no validators, so every feed and sitemap comes in full, but
known articles are still skipped. ``articles`` re-fetches known articles, and so must send no
validators either: the articles to refresh are reached only through the feeds and sitemaps that
list them, and a 304 lists nothing (a feed unchanged since the last run would hide every one of
its articles). ``articles`` therefore implies ``feeds``, and is the same as ``all``. The other
design, remembering each feed's last entries in the state and replaying them after a 304,
would spare those transfers, but costs a table, its pruning, and a second path from feed to
article, for a run a person asks for by hand: not worth it.

The kind of a 200 (leaf or not) is read from its body, gunzipped when it is a gzip file
(``sitemap.xml.gz``), as the spider reads it (``pipeline.discovery.documents.document_body``).

The ``ETag``/``Last-Modified`` of a 200 are stored only when the run finishes cleanly with no
article left unresolved: stored earlier, a killed or failing run would make the next run get a
304 and never see the articles it did not write. A spider that leaves candidates for a later
run on purpose (the news spider's ``limit``) says so in the stat ``LEFT_FOR_LATER``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from pipeline.discovery.documents import (
    FEED_KINDS,
    NEWS_SITEMAP,
    SITEMAP,
    detect_kind,
    document_body,
)
from pipeline.extensions.state import state_store
from pipeline.meta import ROLE, origin_url
from pipeline.state import StateStore, refresh_scope
from pipeline.utils.url import url_key

logger = logging.getLogger(__name__)

CONDITIONAL_ROLES = frozenset({"feed", "sitemap", "listing"})
# An article answering these is gone for good: no reason to keep the feed's validators back.
PERMANENT_STATUSES = frozenset({404, 410})
# Bodies whose validators are kept: they list the articles themselves (see the module docstring).
LEAF_KINDS = frozenset({*FEED_KINDS, SITEMAP, NEWS_SITEMAP})
# Stat a spider raises by the number of article candidates it left for a later run on purpose.
LEFT_FOR_LATER = "newsclean/state/left_for_later"
# Refresh scopes that need feeds and sitemaps in full (see the module docstring).
UNCONDITIONAL_REFRESH = frozenset({"feeds", "articles"})


class NotModified(IgnoreRequest):
    """A feed, sitemap or listing answered 304: nothing new since the last run."""


class KnownArticle(IgnoreRequest):
    """An article request whose record an earlier run already wrote; not fetched."""


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def lists_articles(request: Request, response: Response, max_size: int) -> bool:
    """Whether a 2xx body is a feed or a sitemap of URLs (``LEAF_KINDS``)."""
    try:
        body = document_body(response.body, request.meta.get("download_maxsize", max_size))
    except ValueError:  # corrupt or too large once gunzipped: not read, so not kept either
        return False
    return detect_kind(body) in LEAF_KINDS


class StateMiddleware:
    def __init__(self, crawler: Crawler, store: StateStore, refresh: frozenset[str]):
        self.stats = crawler.stats
        self.store = store
        self.spider = crawler.spidercls.name
        self.refresh = refresh
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self.pending: dict[str, tuple[str, str | None, str | None]] = {}  # url -> role, ETag, Last-Modified
        self.unresolved = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateMiddleware:
        store = state_store(crawler)
        if store is None:
            raise NotConfigured
        mw = cls(crawler, store, refresh_scope(crawler))
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def process_request(self, request: Request) -> None:
        role = request.meta.get(ROLE)
        if role == "article" and "articles" not in self.refresh and self.store.is_written(self.spider, request.url):
            self.stats.inc_value("newsclean/state/skipped_known")
            raise KnownArticle(f"written by an earlier run: {request.url}")
        if role in CONDITIONAL_ROLES and not self.refresh & UNCONDITIONAL_REFRESH:
            for name, value in conditional_headers(*self.store.validators(self.spider, origin_url(request))).items():
                request.headers.setdefault(name, value)

    def process_response(self, request: Request, response: Response) -> Response:
        role = request.meta.get(ROLE)
        if role in CONDITIONAL_ROLES:
            self.store.save_resource(self.spider, origin_url(request), role, response.status)
            if response.status == 304:
                self.stats.inc_value("newsclean/state/not_modified")
                self.stats.inc_value(f"newsclean/state/not_modified/{role}")
                raise NotModified(f"{role} not modified since the last run: {request.url}")
            if 200 <= response.status < 300 and lists_articles(request, response, self.max_size):
                self.pending[origin_url(request)] = (role, header(response, "ETag"), header(response, "Last-Modified"))
            elif 200 <= response.status < 300:  # never conditional again (forgetting is always safe)
                self.store.save_resource(self.spider, origin_url(request), role, response.status, validators=(None, None))
        elif role == "article":
            if response.status < 400:
                self.store.note_seen(self.spider, response.url, "fetched", response.status)
                if request.meta.get("redirect_urls"):
                    self.store.aliases[url_key(response.url)] = {url_key(u) for u in request.meta["redirect_urls"]}
            else:
                self.store.note_seen(self.spider, origin_url(request), "failed", response.status)
                self.unresolved += response.status not in PERMANENT_STATUSES
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if request.meta.get(ROLE) == "article" and not isinstance(exception, IgnoreRequest):
            self.store.note_seen(self.spider, origin_url(request), "failed")
            self.unresolved += 1

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.unresolved += self.stats.get_value(LEFT_FOR_LATER, 0)
        if reason == "finished" and not self.unresolved:
            for url, (role, etag, last_modified) in self.pending.items():
                self.store.save_resource(self.spider, url, role, 200, validators=(etag, last_modified))
            self.stats.set_value("newsclean/state/validators_saved", len(self.pending))
        elif self.pending:
            logger.info("kept the previous validators of %d feeds (run %s, %d articles unresolved or left for later): "
                        "the next run fetches them in full", len(self.pending), reason, self.unresolved)
        self.store.commit()
