import logging

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.logformatter import LogFormatter
from scrapy.utils.test import get_crawler

from pipeline.logformatter import QuietLogFormatter


def formatter(level):
    return QuietLogFormatter.from_crawler(get_crawler(Spider, {"LOG_LEVEL": level}))


def page():
    request = Request("https://example.org/a")
    return request, HtmlResponse("https://example.org/a", body=b"<p>x</p>", request=request)


@pytest.mark.parametrize("level", ["INFO", "info", "WARNING", logging.ERROR])
def test_above_debug_skips_the_per_page_debug_lines(level):
    request, response = page()
    quiet = formatter(level)
    assert quiet.crawled(request, response, None) is None
    assert quiet.scraped({"url": "https://example.org/a"}, response, None) is None
    # Other messages stay Scrapy's.
    failure = quiet.download_error(ValueError("bad"), request, None)
    assert failure == LogFormatter().download_error(ValueError("bad"), request, None)
    assert failure["level"] == logging.ERROR


@pytest.mark.parametrize("level", ["DEBUG", logging.DEBUG, "NOT-A-LEVEL"])
def test_at_debug_or_unknown_level_the_lines_are_scrapys(level):
    request, response = page()
    quiet, scrapy_own = formatter(level), LogFormatter()
    assert quiet.crawled(request, response, None) == scrapy_own.crawled(request, response, None)
    item = {"url": "https://example.org/a"}
    assert quiet.scraped(item, response, None) == scrapy_own.scraped(item, response, None)


def test_project_settings_use_it():
    from pipeline import settings

    assert settings.LOG_FORMATTER == "pipeline.logformatter.QuietLogFormatter"
