"""Aids the crawls of ``tests/test_cli.py`` load: a spider whose start() fails
(``-s SPIDER_MODULES=spiders,tests.cli_helpers``) and an extraction hook that holds a run open
until the test lets it go (``-s NEWSCLEAN_EXTRACT_FUNCTION=tests.cli_helpers.gated_extract``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import scrapy

from pipeline.extract.article import extract_article
from pipeline.items import Article, ExtractOptions, Page

# Folder of the gate files: the hook creates ``waiting`` and waits for ``open``.
GATE_ENV = "CLI_TEST_GATE"


class BrokenStartSpider(scrapy.Spider):
    name = "brokenstart"

    async def start(self):
        raise RuntimeError("the spider's start() failed")
        yield  # makes start() an async generator, as Scrapy expects


def gated_extract(page: Page, options: ExtractOptions) -> Article:
    gate = Path(os.environ[GATE_ENV])
    (gate / "waiting").touch()
    deadline = time.monotonic() + 120
    while not (gate / "open").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return extract_article(page, options)
