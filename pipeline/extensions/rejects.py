"""Extension: every input that yields no record, with its ``source_url`` and reason, in
``<output stem>.rejects.jsonl`` beside each of the run's outputs (written aside, renamed at the
end; ``-o`` adds to it, as it adds to the records).

Reasons are the ``DropItem`` subclass names of ``pipeline.errors`` for inputs dropped in the
item pipelines, and ``fetch_failed``/``http_<status>`` style names for inputs a spider could not
fetch (sent with the ``page_failed`` signal).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import IO, Any

import orjson
from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from pipeline.feedexport.names import rejects_path_for
from pipeline.feedexport.storage import part_path, replace_atomically
from pipeline.health import could_not_start
from pipeline.signals import feed_path_known, page_failed
from pipeline.utils.clock import now_utc

logger = logging.getLogger(__name__)


class RejectsFile:
    """One rejects file, written aside (``.part``) and renamed into place at the end. ``append``:
    the ``.part`` starts as a copy of the existing file, as the feed storage does for ``-o``."""

    def __init__(self, path: Path, append: bool):
        self.path = path
        self.append = append
        self.file: IO[bytes] | None = None

    def write(self, lines: list[bytes]) -> None:
        if self.file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part = part_path(self.path)
            if self.append and self.path.exists():
                shutil.copyfile(self.path, part)
            self.file = open(part, "ab" if self.append else "wb")  # noqa: SIM115 - open for the whole run
        self.file.writelines(lines)
        self.file.flush()

    def publish(self) -> None:
        self.write([])  # an empty rejects file says "none"
        assert self.file is not None
        self.file.close()
        replace_atomically(part_path(self.path), self.path)

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
        part_path(self.path).unlink(missing_ok=True)


class RejectsLog:
    """Writes every reject to the rejects file of each output (or to ``NEWSCLEAN_REJECTS_PATH``),
    in the output's mode: ``-O`` replaces it, ``-o`` adds to it."""

    def __init__(self, crawler: Crawler, explicit_path: str | None):
        self.crawler = crawler
        self.explicit: Path | None = Path(explicit_path).resolve() if explicit_path else None
        self.files: dict[Path, RejectsFile] = {}
        self.pending: list[bytes] = []  # rejects seen before the output paths are known
        self.count = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RejectsLog:
        if not crawler.settings.getbool("NEWSCLEAN_REJECTS_ENABLED"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.get("NEWSCLEAN_REJECTS_PATH"))
        crawler.signals.connect(ext.feed_path_known, signal=feed_path_known)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.page_failed, signal=page_failed)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def feed_path_known(self, path: Path, append: bool = False, **kwargs: Any) -> None:
        target = self.explicit or rejects_path_for(path)
        if target not in self.files:
            self.files[target] = RejectsFile(target, append)

    def item_dropped(self, item: Any, exception: BaseException, **kwargs: Any) -> None:
        adapter = ItemAdapter(item)
        self.add(adapter.get("source_url"), type(exception).__name__, str(exception),
                 url=getattr(exception, "url", None) or adapter.get("url") or getattr(adapter.get("known"), "url", None))

    def page_failed(self, source_url: str, reason: str, detail: str, **kwargs: Any) -> None:
        self.add(source_url, reason, detail)

    def add(self, source_url: str | None, reason: str, detail: str, url: str | None = None) -> None:
        self.crawler.stats.inc_value(f"newsclean/rejects/{reason}")
        self.count += 1
        self.pending.append(orjson.dumps(
            {"source_url": source_url, "url": url, "reason": reason, "detail": detail, "at": now_utc()},
            option=orjson.OPT_APPEND_NEWLINE,
        ))
        self.flush()

    def flush(self) -> None:
        """Append pending lines to every rejects ``.part`` file (renamed into place at the end)."""
        if not self.files:
            return
        for file in self.files.values():
            file.write(self.pending)
        self.pending.clear()

    def spider_closed(self, spider: Any) -> None:
        if not self.files:
            if self.pending:
                logger.warning("%d rejects not written: no file output to put them beside", len(self.pending))
            return
        self.flush()
        # A run whose spider could not start leaves an earlier run's rejects as they were, as
        # the feed storage leaves its output.
        keep_earlier = could_not_start(self.crawler.stats.get_stats())
        for file in self.files.values():
            if keep_earlier:
                file.discard()
            else:
                file.publish()
                logger.info("%d rejects written to %s", self.count, file.path)
