"""Extension: at the end of every run, its verdict and what it did, for people and programs.

1. The health verdict (``pipeline.health.assess``) goes into the stat ``newsclean/exit_code``,
   which ``scrapy cron`` turns into the process exit code.
2. ``<stem>.summary.json`` beside each output (written even when the run failed, so the failure
   is explained where the output would be): start, end, pages fetched, records written, drops
   by reason, errors by type, pages per second, output path, verdict and reasons. One JSON
   line; an ``-o`` output's summary gets one more line per run, as the output gets its records.
   A run whose spider could not start leaves an earlier output's summary as it leaves the output.
3. For outputs written to the default place (``NEWSCLEAN_DEFAULT_FEED``): ``latest``, a symlink
   in the output folder to the newest published output that holds records (a "nothing new"
   run still writes its empty output and its summary, but leaves ``latest`` alone), and deletion
   of outputs older than ``NEWSCLEAN_OUTPUT_RETENTION_DAYS`` together with their rejects and
   summaries.
4. One line in the log saying whether the run went well (``newsclean run OK ...``); kept in
   ``line`` for ``scrapy cron``, which prints it when its log level hides it.

It runs on ``engine_stopped``, after the feed exporter has published (or failed to publish) the
output and every ``spider_closed`` handler has run.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from pipeline.extensions.state import state_store
from pipeline.feedexport.names import (
    feed_name_pattern,
    rejects_path_for,
    summary_path_for,
    write_json_atomically,
)
from pipeline.health import Thresholds, Verdict, assess, could_not_start, facts_from_stats
from pipeline.signals import feed_path_known, feed_published

logger = logging.getLogger(__name__)

LATEST = "latest"


def iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else None


def point_latest(output: Path) -> None:
    """Atomically (re)point ``<folder>/latest`` at ``output`` (relative symlink)."""
    link = output.with_name(LATEST)
    tmp = output.with_name(f".{LATEST}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(output.name, tmp)
    os.replace(tmp, link)


def prune(folder: Path, pattern: Any, max_age_days: float, keep: set[Path]) -> list[Path]:
    """Delete outputs in ``folder`` matching ``pattern`` older than ``max_age_days`` (by
    modification time), with their rejects and summary files; never one in ``keep``."""
    cutoff = time.time() - max_age_days * 86400
    removed = []
    for path in sorted(folder.iterdir()):
        if pattern.fullmatch(path.name) and path not in keep and path.stat().st_mtime < cutoff:
            for companion in (path, rejects_path_for(path), summary_path_for(path)):
                if companion.exists():
                    companion.unlink()
                    removed.append(companion)
    return removed


def one_line(s: dict[str, Any]) -> str:
    head = "OK" if s["exit_code"] == 0 else f"FAILED (exit {s['exit_code']}: {'; '.join(s['reasons'])})"
    return (f"newsclean run {head}: spider {s['spider']}, {s['records_written']} records written "
            f"({s['new_records']} new), {sum(s['drops'].values())} dropped, {sum(s['errors'].values())} errors, "
            f"{s['pages_fetched']} pages fetched, {s['not_modified']} not modified, {s['skipped_known']} known "
            f"skipped, {s['elapsed_seconds']:.1f} s ({s['pages_per_second']:.2f} pages/s), output {s['output']}")


class RunSummary:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.spider = crawler.spidercls.name
        self.limits = Thresholds.from_settings(crawler.settings)
        retention = crawler.settings.get("NEWSCLEAN_OUTPUT_RETENTION_DAYS")
        self.retention_days = None if retention in (None, "") else float(retention)
        self.default_feed = crawler.settings.get("NEWSCLEAN_DEFAULT_FEED")
        self.outputs: dict[Path, bool] = {}  # output -> whether the run appends to it (-o)
        self.published: set[Path] = set()
        # The run's one line, and the level it was logged at.
        self.line: str | None = None
        self.line_level = logging.INFO

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        ext = cls(crawler)
        crawler.signals.connect(ext.feed_path_known, signal=feed_path_known)
        crawler.signals.connect(ext.feed_published, signal=feed_published)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def feed_path_known(self, path: Path, append: bool = False, **kwargs: Any) -> None:
        self.outputs.setdefault(path, append)

    def feed_published(self, path: Path, **kwargs: Any) -> None:
        self.published.add(path)

    def item_error(self, item: Any, response: Any, spider: Any, failure: Any) -> None:
        self.crawler.stats.inc_value(f"newsclean/item_error/{failure.type.__name__}")

    def engine_stopped(self) -> None:
        stats = self.crawler.stats.get_stats()
        store = state_store(self.crawler)
        since_new = None
        if store is not None and (last := store.last_new_article_at(self.spider)):
            since_new = (datetime.now(timezone.utc) - datetime.fromisoformat(last)).total_seconds()
        verdict = assess(facts_from_stats(stats, since_new), self.limits)
        self.crawler.stats.set_value("newsclean/exit_code", verdict.exit_code)
        summaries = [self.summary(stats, verdict, output) for output in self.outputs] or [
            self.summary(stats, verdict, None)]
        for output, summary in zip(self.outputs, summaries):
            if could_not_start(stats) and output.exists() and output not in self.published:
                continue  # an earlier run's output, left as it was: so is its summary
            write_json_atomically(summary_path_for(output), summary, append=self.outputs[output])
            holds_records = summary["published"] and summary["records_written"] > 0
            self.maintain_folder(output, holds_records=holds_records)
        first = summaries[0]
        if store is not None:
            store.record_run(self.spider, first["start"] or "", first["end"] or "", verdict.exit_code,
                             first["records_written"], first["new_records"], first["output"])
        self.line, self.line_level = one_line(first), logging.INFO if verdict.ok else logging.ERROR
        logger.log(self.line_level, "%s", self.line)

    def summary(self, stats: dict[str, Any], verdict: Verdict, output: Path | None) -> dict[str, Any]:
        elapsed = float(stats.get("elapsed_time_seconds") or 0.0)
        pages = stats.get("newsclean/fetch/pages", 0)
        published = output in self.published
        rejects = rejects_path_for(output) if output else None
        store = state_store(self.crawler)
        return {
            "spider": self.spider,
            "status": "ok" if verdict.ok else "failed",
            "exit_code": verdict.exit_code,
            "reasons": verdict.reasons,
            "start": iso(stats.get("start_time")),
            "end": iso(stats.get("finish_time")),
            "elapsed_seconds": round(elapsed, 3),
            "finish_reason": stats.get("finish_reason"),
            "pages_fetched": pages,
            "pages_per_second": round(pages / elapsed, 3) if elapsed else 0.0,
            "not_modified": stats.get("newsclean/fetch/not_modified", 0),
            "skipped_known": stats.get("newsclean/state/skipped_known", 0),
            "records_written": stats.get("item_scraped_count", 0),
            "new_records": stats.get("newsclean/state/new_articles", 0),
            "drops": {k.rsplit("/", 1)[1]: v for k, v in sorted(stats.items())
                      if k.startswith("item_dropped_reasons_count/")},
            "errors": facts_from_stats(stats, None).errors,
            "entries": {"total": stats.get("newsclean/entry/total", 0),
                        "fetched": stats.get("newsclean/entry/fetched", 0),
                        "failures": stats.get("newsclean/entry/failures", {})},
            "recovered": {"files": stats.get("newsclean/recovery/files", 0),
                          "records": stats.get("newsclean/recovery/records", 0)},
            # Records by story evidence (pipeline.stories.index): new, url (seen before), canonical, exact, near.
            "stories": {k.rsplit("/", 1)[1]: v for k, v in sorted(stats.items()) if k.startswith("newsclean/stories/")},
            "output": str(output) if output else None,
            "published": published,
            "rejects": str(rejects) if rejects and rejects.exists() else None,
            "state": str(store.path) if store else None,
        }

    def maintain_folder(self, output: Path, holds_records: bool) -> None:
        """``latest`` and retention, for outputs in the default place only (``-o`` files are the
        user's own business). ``holds_records``: this run published the output, with records."""
        found = feed_name_pattern(self.default_feed, self.crawler.spider) if self.default_feed else None
        if not found or output.parent != found[0] or not found[1].fullmatch(output.name):
            return
        if holds_records and output.exists():
            point_latest(output)
        if self.retention_days is not None:
            keep = {output}
            latest = output.with_name(LATEST)
            if latest.is_symlink():
                keep.add(latest.resolve())
            for path in prune(output.parent, found[1], self.retention_days, keep):
                logger.info("retention: removed %s", path)
