"""``scrapy cron <spider> [crawl options]``: ``scrapy crawl`` for unattended runs.

Differences from ``crawl``: it takes the spider's run lock first and, when another run holds
it, exits at once with code 75 and a one-line message on stderr; and it exits with the health
verdict of the run (``pipeline.health``) instead of 0. ``bin/newsclean-cron`` runs it from any
working directory and environment (cron's).
"""

from __future__ import annotations

import argparse

from pipeline.commands.crawl import Command as LockedCrawlCommand

# When the run ended without a verdict (the summary extension never ran).
EXIT_NO_VERDICT = 1


class Command(LockedCrawlCommand):
    invoked_as = "cron"

    def short_desc(self) -> str:
        return "Run a spider unattended: run lock, health exit codes (see pipeline/health.py)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        crawler = self.crawl_under_lock(args, opts)
        if crawler is not None:
            self.exitcode = int(crawler.stats.get_value("newsclean/exit_code", EXIT_NO_VERDICT))
