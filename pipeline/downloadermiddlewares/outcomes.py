"""Downloader middleware: the final outcome of every request, for the run's health verdict.

Start URLs ("entries") are requests with role ``feed``/``sitemap``, and requests the spider's
``start()`` made (``is_start_request``) other than role ``robots``. An entry counts as fetched
when its final answer was below 400 (a 304 included) or it was skipped as already known.

Probes are not errors when they fail: robots.txt (a site without one answers 404, and a site
that cannot be reached fails its start URLs anyway) and the guesses a spider marks
``meta[OPTIONAL]`` (the common sitemap locations); they are counted under
``newsclean/fetch/probe_failed/``, and an optional guess is no entry.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from pipeline.downloadermiddlewares.incremental import KnownArticle, NotModified
from pipeline.meta import OPTIONAL, ROLE, origin_url

ENTRY_ROLES = frozenset({"feed", "sitemap"})
NOTHING_NEW = (NotModified, KnownArticle)  # answered, healthy, just nothing to write
MAX_LISTED_FAILURES = 10


def is_probe(request: Request) -> bool:
    return request.meta.get(ROLE) == "robots" or bool(request.meta.get(OPTIONAL))


def is_entry(request: Request) -> bool:
    role = request.meta.get(ROLE)
    if is_probe(request):
        return False
    return role in ENTRY_ROLES or bool(request.meta.get("is_start_request"))


class FetchOutcomes:
    """Downloader middleware: the final outcome of every request (after retries and redirects,
    before 304s become ``NotModified``) in ``newsclean/fetch/*`` stats, and which entries got
    through. Sits between ``StateMiddleware`` and ``RetryMiddleware`` in the chain."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.entries: dict[str, str | None] = {}  # origin URL -> None when fetched, else why not

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchOutcomes:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def outcome(self, request: Request, failure: str | None) -> None:
        if is_entry(request):
            url = origin_url(request)
            if self.entries.get(url, "") is not None:  # once fetched, an entry stays fetched
                self.entries[url] = failure

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304:
            self.stats.inc_value("newsclean/fetch/not_modified")
            self.outcome(request, None)
        elif response.status < 400:
            self.stats.inc_value("newsclean/fetch/pages")
            self.outcome(request, None)
        elif is_probe(request):
            self.stats.inc_value(f"newsclean/fetch/probe_failed/http/{response.status}")
        else:
            self.stats.inc_value(f"newsclean/fetch/failed/http/{response.status}")
            self.outcome(request, f"http/{response.status}")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        name = type(exception).__name__
        if isinstance(exception, NOTHING_NEW):
            self.outcome(request, None)
        elif isinstance(exception, IgnoreRequest):
            self.stats.inc_value(f"newsclean/fetch/ignored/{name}")
            self.outcome(request, f"ignored/{name}: {exception}")
        elif is_probe(request):
            self.stats.inc_value(f"newsclean/fetch/probe_failed/fetch/{name}")
        else:
            self.stats.inc_value(f"newsclean/fetch/failed/fetch/{name}")
            self.outcome(request, f"fetch/{name}")

    def spider_closed(self, spider: Any, reason: str) -> None:
        failures = {url: why for url, why in self.entries.items() if why is not None}
        self.stats.set_value("newsclean/entry/total", len(self.entries))
        self.stats.set_value("newsclean/entry/fetched", len(self.entries) - len(failures))
        self.stats.set_value("newsclean/entry/failures", dict(list(failures.items())[:MAX_LISTED_FAILURES]))
