"""Item pipeline: ``Page`` in, ``Article`` out, through ``pipeline.extract.extract_article``."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipeline.errors import ExtractFailed, RejectedPage
from pipeline.extract import ExtractOptions, extract_article
from pipeline.items import Article, Page

logger = logging.getLogger(__name__)


def options_from_settings(settings: Any) -> ExtractOptions:
    return ExtractOptions(
        max_page_bytes=settings.getint("NEWSCLEAN_MAX_PAGE_BYTES"),
        favor_precision=settings.getbool("NEWSCLEAN_FAVOR_PRECISION"),
        include_tables=settings.getbool("NEWSCLEAN_INCLUDE_TABLES"),
    )


def run_extraction(page: Page, options: ExtractOptions) -> Article:
    """``extract_article``, with any unexpected error turned into an ``ExtractFailed`` drop so
    one hostile page cannot stop the run."""
    try:
        return extract_article(page, options)
    except RejectedPage:
        raise
    except Exception as exc:  # noqa: BLE001 - any extractor bug becomes a reject, not a crash
        logger.warning("extraction failed for %s", page.source_url, exc_info=True)
        raise ExtractFailed(f"{type(exc).__name__}: {exc}") from None


class ExtractionPipeline:
    def __init__(self, options: ExtractOptions, stats: StatsCollector):
        self.options = options
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(options_from_settings(crawler.settings), crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        article = run_extraction(item, self.options)
        self.record_stats(article)
        return article

    def record_stats(self, article: Article) -> None:
        self.stats.inc_value(f"newsclean/extract/input/{article.extractor['input']}")
        for noise_class, count in article.removed.items():
            self.stats.inc_value(f"newsclean/clean/removed/{noise_class}", count)
