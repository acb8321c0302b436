"""``scrapy cron <spider> [crawl options]``: ``scrapy crawl`` for unattended runs.

Differences from ``crawl``: it takes the spider's run lock first and, when another run holds
it, exits at once with code 75 and a one-line message on stderr; and it exits with the health
verdict of the run (``pipeline.health``) instead of 0. ``bin/newsclean-cron`` runs it from any
working directory and environment (cron's).
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as CrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from pipeline.health import EXIT_LOCKED
from pipeline.runlock import RunLocked, hold_run_lock, lock_path_for

# When the run ended without a verdict (the summary extension never ran).
EXIT_NO_VERDICT = 1


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


class Command(CrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider unattended: run lock, health exit codes (see pipeline/health.py)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("use: scrapy cron <spider> [options]")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        if not take_run_lock(crawler, "cron"):
            self.exitcode = EXIT_LOCKED
            return
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        self.exitcode = int(crawler.stats.get_value("newsclean/exit_code", EXIT_NO_VERDICT))
