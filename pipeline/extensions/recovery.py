"""Start-up recovery: publish what a killed run durably wrote, and record it in the state.

A run killed with ``kill -9`` leaves its output as a hidden ``.<name>.part`` (every complete
line in it was fsynced, see ``pipeline.feedexport.storage``). Before this run opens its own output, and
only while holding the run locks of its outputs (so no live run owns the file), each orphan of this
spider's feeds is:

1. cut back to its last complete line (a kill can land in the middle of a write);
2. recorded: each record's article is marked written in the state, so this run neither
   fetches nor writes it again (the killed run may have died before committing it);
3. published: renamed to the name it would have had, or to ``<stem>.recovered-<time>.jsonl``
   when that name is taken or is about to be overwritten by this run (``-O`` with a fixed
   name), with a summary beside it saying it was recovered. An orphan with no complete line
   is removed.

Each published orphan's lines go out with the signal ``records_recovered`` (the story index
stores the rows of its records). A run killed after publishing its output but before writing its summary left a complete
output: it only gets the missing summary (``"status": "unknown"``).

Every step is idempotent, so a run killed during recovery is recovered by the next one.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object

from pipeline.extensions.state import state_store
from pipeline.feedexport.names import (
    companion_of,
    feed_name_pattern,
    fixed_target,
    local_path,
    summary_path_for,
    write_json_atomically,
)
from pipeline.feedexport.storage import AtomicFileFeedStorage, replace_atomically
from pipeline.signals import records_recovered
from pipeline.state import StateStore
from pipeline.utils.clock import now_utc
from pipeline.utils.records import parsed_records

logger = logging.getLogger(__name__)


def find_orphans(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.name.startswith(".") and p.name.endswith(".part") and pattern.fullmatch(p.name[1:-5]))


def complete_lines(part: Path) -> bytes:
    """The orphan's complete lines; a trailing partial line is cut off the file."""
    data = part.read_bytes()
    keep = data[: data.rfind(b"\n") + 1]
    if len(keep) != len(data):
        os.truncate(part, len(keep))
    return keep


def destination(final: Path, content: bytes, own_targets: set[Path]) -> Path:
    if final not in own_targets:
        if not final.exists():
            return final
        if content.startswith(final.read_bytes()):  # an -o (append) run: the part extends the file
            return final
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%S")
    base = final.name[: -len(final.suffix)] if final.suffix else final.name
    return final.with_name(f"{base}.recovered-{stamp}{final.suffix or '.jsonl'}")


def recover_orphan(part: Path, spider: str, store: StateStore | None, own_targets: set[Path],
                   published: Callable[[Path, list[bytes]], None] | None = None) -> tuple[Path | None, int]:
    """Publish one orphan (steps in the module docstring); returns where it went and its record
    count. ``published`` gets the destination and the record lines once they are in place."""
    content = complete_lines(part)
    lines = [line for line in content.splitlines() if line.strip()]
    if not lines:
        part.unlink()
        return None, 0
    final = part.with_name(part.name[1:-5])
    dest = destination(final, content, own_targets)
    extends = dest == final and final.exists()  # an -o output the killed run was adding to
    if store is not None:
        for record in parsed_records(lines):
            store.mark_written(spider, record, str(dest), commit=False)
        store.commit()  # before the rename: a published record is always known to the state
    replace_atomically(part, dest)
    write_json_atomically(summary_path_for(dest), {
        "spider": spider, "status": "recovered", "output": str(dest), "records_written": len(lines),
        "recovered_at": now_utc(),
        "note": "output of a run that was killed before it finished, published by the next run",
    }, append=extends)
    if published is not None:
        published(dest, lines)
    return dest, len(lines)


def summarise_unexplained(folder: Path, pattern: re.Pattern[str], spider: str) -> list[Path]:
    """Write the missing summary of each published output in ``folder`` that has none: its run
    was killed after publishing it (all its records durable and recorded) but before the end."""
    done = []
    for output in sorted(folder.iterdir()) if folder.is_dir() else []:
        if pattern.fullmatch(output.name) and not summary_path_for(output).exists():
            write_json_atomically(summary_path_for(output), {
                "spider": spider, "status": "unknown", "output": str(output),
                "records_written": len(output.read_bytes().splitlines()),
                "note": "the run was killed after publishing this output, before writing its summary",
            })
            done.append(output)
    return done


def remove_stale_temporaries(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Remove what a kill left of the small companion writes: hidden ``.<stem>.rejects.jsonl.part``
    and ``.<stem>.summary.json.part`` of this feed's outputs, and ``.latest.<pid>.tmp``."""
    removed = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        name = path.name
        for suffix in (".rejects.jsonl.part", ".summary.json.part"):
            if name.startswith(".") and name.endswith(suffix) and companion_of(name[1:-len(suffix)], pattern):
                removed.append(path)
        if re.fullmatch(r"\.latest\.\d+\.tmp", name):
            removed.append(path)
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def atomic_feeds(settings: Any) -> list[str]:
    """The ``FEEDS`` URIs written by ``AtomicFileFeedStorage`` (the only ones that leave orphans)."""
    storages = settings.getwithbase("FEED_STORAGES")
    uris = []
    for uri in settings.getdict("FEEDS"):
        uri = str(uri)
        storage = storages.get(urlparse(uri).scheme) if local_path(uri) else None
        if storage and issubclass(load_object(storage), AtomicFileFeedStorage):
            uris.append(uri)
    return uris


class OrphanRecovery:
    """Extension: runs the recovery when the spider opens. Listed before Scrapy's
    ``FeedExporter`` (priority below 0), so its ``spider_opened`` handler runs before the feed
    exporter opens this run's own ``.part``, and after ``RunLockExtension`` took the lock."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OrphanRecovery:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def records_recovered(self, path: Path, lines: list[bytes]) -> None:
        self.crawler.signals.send_catch_log(records_recovered, path=path, lines=lines)

    def spider_opened(self, spider: Spider) -> None:
        store = state_store(self.crawler)
        uris = atomic_feeds(self.crawler.settings)
        own = {target for uri in uris if (target := fixed_target(uri, spider))}
        for folder, pattern in filter(None, (feed_name_pattern(uri, spider) for uri in uris)):
            for part in find_orphans(folder, pattern):
                dest, count = recover_orphan(part, spider.name, store, own, self.records_recovered)
                self.crawler.stats.inc_value("newsclean/recovery/records", count)
                self.crawler.stats.inc_value("newsclean/recovery/files")
                logger.warning("recovered %d records of a killed run: %s -> %s", count, part, dest)
            remove_stale_temporaries(folder, pattern)
            for output in summarise_unexplained(folder, pattern, spider.name):
                logger.warning("wrote the missing summary of %s (its run was killed at the very end)", output)
        if store is not None:
            store.commit()
