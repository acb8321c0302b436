"""Item pipeline: ``Page`` in, ``Article`` out, through ``pipeline.extract.article.extract_article``.

With ``NEWSCLEAN_EXTRACT_WORKERS`` > 0 (default: one per core) pages go to an
``ExtractPool`` of worker processes (``pipeline.pipelines.workerpool``) and ``process_item`` awaits the
reply, so the reactor keeps downloading while every core extracts. With 0, extraction runs
in the reactor thread (``run_extraction``): the reference path, easiest to debug.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import is_asyncio_available

from pipeline.arguments import duplicates_action
from pipeline.errors import ExtractFailed, drop_for
from pipeline.extract.errors import PageProblem, PageTooComplex
from pipeline.extract.worker import load_function
from pipeline.items import Article, ExtractOptions, Page
from pipeline.pipelines.workerpool import ExtractPool, start_forkserver

logger = logging.getLogger(__name__)


def options_from_settings(settings: Any) -> ExtractOptions:
    return ExtractOptions(
        max_page_bytes=settings.getint("NEWSCLEAN_MAX_PAGE_BYTES"),
        favor_precision=settings.getbool("NEWSCLEAN_FAVOR_PRECISION"),
        recall_retry_share=settings.getfloat("NEWSCLEAN_RECALL_RETRY_SHARE"),
        include_tables=settings.getbool("NEWSCLEAN_INCLUDE_TABLES"),
        max_elements=settings.getint("NEWSCLEAN_MAX_ELEMENTS"),
        worker_memory_mb=settings.getint("NEWSCLEAN_WORKER_MEMORY_MB"),
        html_block_model=settings.getbool("NEWSCLEAN_HTML_BLOCK_MODEL"),
        text_line_model=settings.getbool("NEWSCLEAN_TEXT_LINE_MODEL"),
        story_signature=duplicates_action(settings) != "off",
    )


def worker_count(settings: Any) -> int:
    """``NEWSCLEAN_EXTRACT_WORKERS``; unset or empty means one per core this process may use."""
    value = settings.get("NEWSCLEAN_EXTRACT_WORKERS")
    if value is None or value == "":
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(0, int(value))


def run_extraction(page: Page, options: ExtractOptions,
                   extract: Callable[[Page, ExtractOptions], Article]) -> Article:
    """``extract_article``, with any unexpected error turned into an ``ExtractFailed`` drop so
    one hostile page cannot stop the run."""
    try:
        return extract(page, options)
    except PageProblem as problem:
        raise drop_for(problem) from None
    except MemoryError:  # no address-space cap in process, but the same reason as in a worker
        raise drop_for(PageTooComplex("extraction ran out of memory")) from None
    except Exception as exc:  # noqa: BLE001 - any extractor bug becomes a reject, not a crash
        logger.warning("extraction failed for %s", page.source_url, exc_info=True)
        raise ExtractFailed(f"{type(exc).__name__}: {exc}") from None


class ExtractionPipeline:
    def __init__(self, options: ExtractOptions, stats: StatsCollector, *, workers: int = 0,
                 timeout: float = 0, max_tasks: int = 0,
                 function_path: str = "pipeline.extract.article.extract_article"):
        self.options = options
        self.stats = stats
        self.workers = workers
        self.timeout = timeout
        self.max_tasks = max_tasks
        self.function_path = function_path
        # Loaded only for in-process extraction: with workers, the reactor process never
        # imports trafilatura (the forkserver preloads it for the workers instead).
        self.extract = load_function(function_path) if not workers else None
        self.pool: ExtractPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        settings = crawler.settings
        pipeline = cls(
            options_from_settings(settings), crawler.stats, workers=worker_count(settings),
            timeout=settings.getfloat("NEWSCLEAN_EXTRACT_TIMEOUT"),
            max_tasks=settings.getint("NEWSCLEAN_EXTRACT_MAX_PAGES_PER_WORKER"),
            function_path=settings.get("NEWSCLEAN_EXTRACT_FUNCTION"),
        )
        if pipeline.workers:
            start_forkserver(pipeline.function_path)
        return pipeline

    async def open_spider(self) -> None:
        self.stats.set_value("newsclean/extract/workers", self.workers)
        if not self.workers:
            if self.timeout:
                logger.info("NEWSCLEAN_EXTRACT_WORKERS=0: extraction runs in process, without a time limit")
            return
        if not is_asyncio_available():
            raise RuntimeError("extraction workers need Scrapy's asyncio reactor (TWISTED_REACTOR); "
                               "set NEWSCLEAN_EXTRACT_WORKERS=0 to extract in process")
        self.pool = ExtractPool(self.workers, self.options, timeout=self.timeout, max_tasks=self.max_tasks,
                                function_path=self.function_path)
        await self.pool.start()

    async def close_spider(self) -> None:
        if self.pool is None:
            return
        await self.pool.close()
        counters = self.pool.counters
        for name in ("started", "timeouts", "crashes", "recycled", "max_waiting", "start_failures"):
            self.stats.set_value(f"newsclean/extract/pool/{name}", getattr(counters, name))
        if counters.lost:  # an error of the run (pipeline.health): only set when there was one
            self.stats.set_value("newsclean/extract/pool/lost", counters.lost)
        self.pool = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        if self.pool is None:
            assert self.extract is not None
            article = run_extraction(item, self.options, self.extract)
        else:
            article = await self.pool.extract(item)
        self.record_stats(article)
        return article

    def record_stats(self, article: Article) -> None:
        self.stats.inc_value(f"newsclean/extract/input/{article.extractor['input']}")
        for noise_class, count in article.removed.items():
            self.stats.inc_value(f"newsclean/clean/removed/{noise_class}", count)
