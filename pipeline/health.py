"""Was the run healthy? Exit codes for unattended runs, from the run's stats.

``scrapy crawl`` exits 0 even when every request failed; ``scrapy cron`` exits with the code
``assess`` gives (the first failed check wins; the summary lists every reason). ``EXIT_CODES``
is the one list of codes and meanings (``scrapy cron --help`` prints it; the README's table is
checked against it by ``tests/unit/test_readme.py``).

The fetch outcomes they rest on (which start URLs got through, which failures are only probes)
are counted by ``pipeline.downloadermiddlewares.outcomes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy.settings import BaseSettings

EXIT_OK = 0
EXIT_NOT_STARTED = 1
EXIT_USAGE = 2
EXIT_NO_START = 3
EXIT_ERRORS = 4
EXIT_STALE = 5
EXIT_INTERRUPTED = 6
EXIT_LOCKED = 75

EXIT_CODES = {
    EXIT_OK: 'healthy, including "nothing new" (every feed answered 304, every article already written)',
    EXIT_NOT_STARTED: "the crawl could not start: unknown spider, argument or NEWSCLEAN_ setting, a bad "
                      "value, no start URLs, an output format newsclean does not write, or the spider's "
                      "start() failed before writing any record (one line on stderr says which)",
    EXIT_USAGE: "the command line itself is malformed (Scrapy's usage error: an unknown option, -a "
                "without NAME=VALUE, an output format Scrapy does not know)",
    EXIT_NO_START: "none of the start URLs (feeds, sitemaps, start pages/files) could be fetched, or none "
                   "was made",
    EXIT_ERRORS: "errors above NEWSCLEAN_HEALTH_MAX_ERRORS/_MAX_ERROR_RATE, or output/state not stored, or "
                 "pages lost because the extraction pool had no worker left",
    EXIT_STALE: "no new article for longer than NEWSCLEAN_HEALTH_STALE_AFTER seconds (off by default)",
    EXIT_INTERRUPTED: "the run ended early: interrupted (SIGTERM/SIGINT), or the spider's start() raised "
                      "after the run had written records",
    EXIT_LOCKED: "another run writing the same output holds its lock (EX_TEMPFAIL: try again later)",
}

# Errors that fail a run whatever the thresholds: records or state were not stored.
FATAL_ERROR_PREFIXES = ("output/", "state/")
# The error type of pages the extraction pool rejected because it had no worker left (the stat
# newsclean/extract/pool/lost): records not stored, so the run fails whatever the thresholds.
POOL_LOST = "pool/lost"
# Scrapy's finish reason when the spider's start() raised.
START_ERROR = "start_error"


def could_not_start(stats: dict[str, Any]) -> bool:
    """The spider's ``start()`` raised before the run wrote any record (a folder gone between the
    argument check and the start, a bug): the run produced nothing, so it must not replace an
    earlier run's output, rejects or summary. Scrapy's ``CoreStats`` sets ``finish_reason`` in
    the first ``spider_closed`` handler, before the feeds are stored."""
    return stats.get("finish_reason") == START_ERROR and not stats.get("item_scraped_count")


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
    records: int = 0  # records written by the run


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
    if facts.finish_reason == START_ERROR and not facts.records:
        failed.append((EXIT_NOT_STARTED, "the spider's start() failed before the run wrote any record"))
    if facts.entries == 0:
        failed.append((EXIT_NO_START, "the spider made no start requests"))
    elif facts.entries_fetched == 0:
        listed = ", ".join(f"{url} ({why})" for url, why in facts.entry_failures.items())
        failed.append((EXIT_NO_START, f"none of the {facts.entries} start URLs could be fetched: {listed}"))
    total = sum(facts.errors.values())
    fatal = {k: v for k, v in facts.errors.items() if k.startswith(FATAL_ERROR_PREFIXES)}
    if fatal:
        failed.append((EXIT_ERRORS, f"records or state not stored: {fatal}"))
    if lost := facts.errors.get(POOL_LOST, 0):
        failed.append((EXIT_ERRORS, f"{lost} pages lost: the extraction pool had no worker left "
                                    "to extract them"))
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
    severity = [EXIT_NOT_STARTED, EXIT_NO_START, EXIT_ERRORS, EXIT_INTERRUPTED, EXIT_STALE]
    failed.sort(key=lambda f: severity.index(f[0]))
    return Verdict(failed[0][0] if failed else EXIT_OK, [reason for _, reason in failed])


def errors_by_type(stats: dict[str, Any]) -> dict[str, int]:
    """Every error of the run from the crawler stats, keyed by type."""
    prefixes = {"newsclean/fetch/failed/": "", "spider_exceptions/": "spider/",
                "newsclean/item_error/": "item/", "feedexport/failed_count/": "output/",
                "newsclean/state/commit_failed": "state/commit_failed",
                "newsclean/extract/pool/lost": POOL_LOST}
    errors: dict[str, int] = {}
    for key, value in stats.items():
        for prefix, label in prefixes.items():
            if key.startswith(prefix) and isinstance(value, int) and key != "spider_exceptions/count":
                errors[label + key[len(prefix):]] = value
    return dict(sorted(errors.items()))


def facts_from_stats(stats: dict[str, Any], seconds_since_new: float | None) -> RunFacts:
    fetch = {k: v for k, v in stats.items() if k.startswith("newsclean/fetch/") and isinstance(v, int)}
    attempts = sum(v for k, v in fetch.items() if not k.startswith("newsclean/fetch/ignored/"))
    # Distributed mode: start URLs another worker queued first are fetched by the crawl, not here.
    elsewhere = stats.get("newsclean/redis/start_elsewhere", 0)
    return RunFacts(
        finish_reason=str(stats.get("finish_reason", "unknown")),
        entries=stats.get("newsclean/entry/total", 0) + elsewhere,
        entries_fetched=stats.get("newsclean/entry/fetched", 0) + elsewhere,
        entry_failures=stats.get("newsclean/entry/failures", {}),
        attempts=attempts,
        errors=errors_by_type(stats),
        seconds_since_new=seconds_since_new,
        records=stats.get("item_scraped_count", 0),
    )
