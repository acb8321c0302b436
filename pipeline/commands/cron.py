"""``scrapy cron <spider> [crawl options]``: ``scrapy crawl`` for unattended runs.

Differences from ``crawl``: it exits with the health verdict of the run (``pipeline.health``)
instead of 0, and it logs at ``WARNING`` unless told otherwise (``-L``, ``-s LOG_LEVEL``), so a
cron log gets one line per run (``newsclean run OK ...``, printed here when the level hides it)
and warnings or errors, not Scrapy's 120-odd INFO lines. The checks, the run locks and their
one-line refusals are ``crawl``'s. ``bin/newsclean-cron`` runs it from any working directory and
environment (cron's).
"""

from __future__ import annotations

import argparse
import logging
import sys
import textwrap
import time

from scrapy.commands import ScrapyHelpFormatter
from scrapy.settings import SETTINGS_PRIORITIES

from pipeline.commands.crawl import Command as CheckedCrawlCommand
from pipeline.extensions.summary import RunSummary
from pipeline.health import EXIT_CODES, EXIT_NOT_STARTED

# Level of a cron run's log unless the command line sets one.
CRON_LOG_LEVEL = "WARNING"


class ExitCodesHelpFormatter(ScrapyHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Scrapy's help layout, keeping the line breaks of the exit-code table in the epilog."""


class Command(CheckedCrawlCommand):
    invoked_as = "cron"

    def short_desc(self) -> str:
        return "Run a spider unattended: one log line per run, exit code from the run's health"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.formatter_class = ExitCodesHelpFormatter
        parser.epilog = "Exit codes:\n" + "\n".join(
            textwrap.fill(meaning, width=79, initial_indent=f"  {code:<4}", subsequent_indent=" " * 6)
            for code, meaning in EXIT_CODES.items())
        for action in parser._actions:  # Scrapy's help names the project's level, not cron's
            if "--loglevel" in action.option_strings:
                action.help = f"log level (default: {CRON_LOG_LEVEL})"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if (self.settings.getpriority("LOG_LEVEL") or 0) < SETTINGS_PRIORITIES["cmdline"]:
            self.settings.set("LOG_LEVEL", CRON_LOG_LEVEL, priority="cmdline")
        # An unattended run that hangs would hold its lock against every later run.
        timeout = self.settings.getfloat("NEWSCLEAN_CRON_TIMEOUT")
        if timeout and not self.settings.getfloat("CLOSESPIDER_TIMEOUT"):
            self.settings.set("CLOSESPIDER_TIMEOUT", timeout, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        crawler = self.crawl(args, opts)
        if crawler is None:
            return
        self.exitcode = int(crawler.stats.get_value("newsclean/exit_code", EXIT_NOT_STARTED))
        summary = crawler.get_extension(RunSummary)
        if summary is not None and summary.line and self.hidden_by_log_level(summary.line_level):
            # The run's one line must reach the cron log whatever the level hides.
            level = logging.getLevelName(summary.line_level)
            print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} [newsclean] {level}: {summary.line}",
                  file=sys.stderr, flush=True)

    def hidden_by_log_level(self, level: int) -> bool:
        """Whether a record at ``level`` was dropped by the log level (not by ``--nolog``: the
        user asked for silence)."""
        assert self.settings is not None
        if not self.settings.getbool("LOG_ENABLED"):
            return False
        configured = logging.getLevelName(str(self.settings.get("LOG_LEVEL")).upper())
        return not isinstance(configured, int) or level < configured
