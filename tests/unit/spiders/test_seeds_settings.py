"""The seeds spider reads local files: Scrapy's middlewares that only touch HTTP headers,
proxies or timeouts are off for it; the project's own and the rest of Scrapy's stay on; the
news spider keeps them all."""

from __future__ import annotations

from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list

from spiders.news import NewsSpider
from spiders.seeds import FILE_NOOP_DOWNLOADER_MIDDLEWARES, SeedsSpider


def enabled_downloader_middlewares(spider_class: type) -> list[str]:
    settings = Settings()
    settings.setmodule("pipeline.settings", priority="project")
    spider_class.update_settings(settings)
    return build_component_list(settings.get_component_priority_dict_with_base("DOWNLOADER_MIDDLEWARES"))


def test_seeds_leaves_out_only_the_middlewares_files_do_not_need() -> None:
    news, seeds = enabled_downloader_middlewares(NewsSpider), enabled_downloader_middlewares(SeedsSpider)
    assert set(FILE_NOOP_DOWNLOADER_MIDDLEWARES) <= set(news)
    assert seeds == [name for name in news if name not in FILE_NOOP_DOWNLOADER_MIDDLEWARES]
    # what files do need stays: retries of failed reads, meta refresh, the run's outcomes and stats
    for kept in ("scrapy.downloadermiddlewares.retry.RetryMiddleware",
                 "pipeline.downloadermiddlewares.refusals.TypedMetaRefreshMiddleware",
                 "pipeline.downloadermiddlewares.outcomes.FetchOutcomes",
                 "pipeline.downloadermiddlewares.incremental.StateMiddleware",
                 "scrapy.downloadermiddlewares.stats.DownloaderStats"):
        assert kept in seeds


def test_the_seeds_spider_keeps_its_other_custom_settings() -> None:
    settings = Settings()
    settings.setmodule("pipeline.settings", priority="project")
    SeedsSpider.update_settings(settings)
    assert settings.getbool("ROBOTSTXT_OBEY") is False
    assert settings.getwithbase("DOWNLOAD_HANDLERS")["file"] == "pipeline.downloadhandlers.file.LocalFileDownloadHandler"
