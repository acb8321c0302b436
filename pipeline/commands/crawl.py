"""``scrapy crawl``, Scrapy's own command with one change: when another run of the spider holds
its run lock, one line on stderr and exit code 75 instead of a traceback. Exit codes otherwise
stay Scrapy's (0 even when every fetch failed); ``scrapy cron`` exits with the run's health.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from pipeline.extensions.runlock import RunLocked, hold_run_lock, lock_path_for
from pipeline.health import EXIT_LOCKED


def take_run_lock(crawler: Crawler, command: str) -> bool:
    """Take the spider's run lock before anything starts; when another run holds it, say so in
    one line on stderr and return ``False`` (the caller exits with ``EXIT_LOCKED``)."""
    name = crawler.spidercls.name
    try:
        hold_run_lock(lock_path_for(crawler.settings, name))
    except RunLocked as exc:
        print(f"newsclean {command}: not starting spider {name!r}: {exc}; exit code {EXIT_LOCKED}",
              file=sys.stderr, flush=True)
        return False
    return True


class Command(ScrapyCrawlCommand):
    # The command's name as the user typed it, for usage and lock messages.
    invoked_as = "crawl"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        self.crawl_under_lock(args, opts)

    def crawl_under_lock(self, args: list[str], opts: argparse.Namespace) -> Crawler | None:
        """Run the spider holding its run lock. Returns the finished crawler, or ``None`` when
        it never ran (lock held elsewhere, or bootstrap failed), with ``exitcode`` set."""
        if len(args) != 1:
            raise UsageError(f"use: scrapy {self.invoked_as} [options] <spider>")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        if not take_run_lock(crawler, self.invoked_as):
            self.exitcode = EXIT_LOCKED
            return None
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return None
        return crawler
