"""Was the run healthy? Exit codes for unattended runs, and the fetch outcomes they rest on.

``scrapy crawl`` exits 0 even when every request failed; ``scrapy cron`` exits with the code
``assess`` gives (the first failed check wins; the summary lists every reason):

====  ========================================================================================
0     healthy (also when nothing was new: every feed answered 304, every article was known)
1     the crawl could not start (unknown spider, bad setting: Scrapy's own failure)
3     none of the start URLs (feeds, sitemaps, start pages/files) could be fetched, or none made
4     errors above ``NEWSCLEAN_HEALTH_MAX_ERRORS``/``_MAX_ERROR_RATE``, or output/state not stored
5     no new article for longer than ``NEWSCLEAN_HEALTH_STALE_AFTER`` seconds (off by default)
6     the run ended early: interrupted (SIGTERM/SIGINT), or the spider's start() raised
75    another run of the same spider holds the lock (EX_TEMPFAIL: try again later)
====  ========================================================================================

Start URLs ("entries") are requests with role ``feed``/``sitemap``, and requests the spider's
``start()`` made (``is_start_request``) other than role ``robots``. An entry counts as fetched
when its final answer was below 400 (a 304 included) or it was skipped as already known.

Probes are not errors when they fail: robots.txt (a site without one answers 404, and a site
that cannot be reached fails its start URLs anyway) and the guesses a spider marks
``meta["newsclean_optional"]`` (the common sitemap locations); they are counted under
``newsclean/fetch/probe_failed/``, and an optional guess is no entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings

from pipeline.statemw import ROLE, KnownArticle, NotModified, origin_url

EXIT_OK = 0
EXIT_NO_START = 3
EXIT_ERRORS = 4
EXIT_STALE = 5
EXIT_INTERRUPTED = 6
EXIT_LOCKED = 75

ENTRY_ROLES = frozenset({"feed", "sitemap"})
OPTIONAL = "newsclean_optional"  # request meta: a guess whose failure is normal (see is_probe)
NOTHING_NEW = (NotModified, KnownArticle)  # answered, healthy, just nothing to write
MAX_LISTED_FAILURES = 10
# Errors that fail a run whatever the thresholds: records or state were not stored.
FATAL_ERROR_PREFIXES = ("output/", "state/")


@dataclass(frozen=True)
class Thresholds:
    max_error_rate: float | None = None
    max_errors: int | None = None
    stale_after: float | None = None

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Thresholds:
        def opt(name: str, kind: type) -> Any:
            value = settings.get(name)
            return None if value in (None, "") else kind(value)

        return cls(opt("NEWSCLEAN_HEALTH_MAX_ERROR_RATE", float), opt("NEWSCLEAN_HEALTH_MAX_ERRORS", int),
                   opt("NEWSCLEAN_HEALTH_STALE_AFTER", float))


@dataclass
class RunFacts:
    finish_reason: str
    entries: int
    entries_fetched: int
    entry_failures: dict[str, str]  # url -> why (first few)
    attempts: int  # final fetch outcomes: answers and failures, skips excluded
    errors: dict[str, int]  # by type: fetch/<Exception>, http/<status>, spider/..., item/..., output/..., state/...
    seconds_since_new: float | None = None  # since the spider last wrote a new article


@dataclass
class Verdict:
    exit_code: int
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK


def assess(facts: RunFacts, limits: Thresholds) -> Verdict:
    """Run the checks in order of severity; the exit code is the first failed check's."""
    failed: list[tuple[int, str]] = []
    if facts.entries == 0:
        failed.append((EXIT_NO_START, "the spider made no start requests"))
    elif facts.entries_fetched == 0:
        listed = ", ".join(f"{url} ({why})" for url, why in facts.entry_failures.items())
        failed.append((EXIT_NO_START, f"none of the {facts.entries} start URLs could be fetched: {listed}"))
    total = sum(facts.errors.values())
    fatal = {k: v for k, v in facts.errors.items() if k.startswith(FATAL_ERROR_PREFIXES)}
    if fatal:
        failed.append((EXIT_ERRORS, f"records or state not stored: {fatal}"))
    if limits.max_errors is not None and total > limits.max_errors:
        failed.append((EXIT_ERRORS, f"{total} errors, more than NEWSCLEAN_HEALTH_MAX_ERRORS={limits.max_errors}"))
    rate = total / facts.attempts if facts.attempts else 0.0
    if limits.max_error_rate is not None and total and rate > limits.max_error_rate:
        failed.append((EXIT_ERRORS, f"{total} errors in {facts.attempts} fetches ({rate:.0%}), more than "
                                    f"NEWSCLEAN_HEALTH_MAX_ERROR_RATE={limits.max_error_rate:g}"))
    if facts.finish_reason != "finished" and not facts.finish_reason.startswith("closespider_"):
        failed.append((EXIT_INTERRUPTED, f"the run ended early (finish reason: {facts.finish_reason})"))
    if (limits.stale_after is not None and facts.seconds_since_new is not None
            and facts.seconds_since_new > limits.stale_after):
        failed.append((EXIT_STALE, f"no new article for {facts.seconds_since_new / 3600:.1f} h, more than "
                                   f"NEWSCLEAN_HEALTH_STALE_AFTER={limits.stale_after:g} s"))
    failed.sort(key=lambda f: [EXIT_NO_START, EXIT_ERRORS, EXIT_INTERRUPTED, EXIT_STALE].index(f[0]))
    return Verdict(failed[0][0] if failed else EXIT_OK, [reason for _, reason in failed])


def errors_by_type(stats: dict[str, Any]) -> dict[str, int]:
    """Every error of the run from the crawler stats, keyed by type."""
    prefixes = {"newsclean/fetch/failed/": "", "spider_exceptions/": "spider/",
                "newsclean/item_error/": "item/", "feedexport/failed_count/": "output/",
                "newsclean/state/commit_failed": "state/commit_failed"}
    errors: dict[str, int] = {}
    for key, value in stats.items():
        for prefix, label in prefixes.items():
            if key.startswith(prefix) and isinstance(value, int) and key != "spider_exceptions/count":
                errors[label + key[len(prefix):]] = value
    return dict(sorted(errors.items()))


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


def facts_from_stats(stats: dict[str, Any], seconds_since_new: float | None) -> RunFacts:
    fetch = {k: v for k, v in stats.items() if k.startswith("newsclean/fetch/") and isinstance(v, int)}
    attempts = sum(v for k, v in fetch.items() if not k.startswith("newsclean/fetch/ignored/"))
    return RunFacts(
        finish_reason=str(stats.get("finish_reason", "unknown")),
        entries=stats.get("newsclean/entry/total", 0),
        entries_fetched=stats.get("newsclean/entry/fetched", 0),
        entry_failures=stats.get("newsclean/entry/failures", {}),
        attempts=attempts,
        errors=errors_by_type(stats),
        seconds_since_new=seconds_since_new,
    )
