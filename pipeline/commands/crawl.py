"""``scrapy crawl``, Scrapy's own command with one change: when another run of the spider holds
its run lock, one line on stderr and exit code 75 instead of a traceback. Exit codes otherwise
stay Scrapy's (0 even when every fetch failed); ``scrapy cron`` exits with the run's health.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from pipeline.commands.cron import take_run_lock
from pipeline.health import EXIT_LOCKED


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("use: scrapy crawl [options] <spider>")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        if not take_run_lock(crawler, "crawl"):
            self.exitcode = EXIT_LOCKED
            return
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
