"""One run per output at a time: an exclusive ``flock`` on a lock file beside each output.

The lock is keyed by what the run writes, not by its spider: two offline runs over different
folders into different files do not wait for each other, two runs writing the same file (or
the same default output folder) do. Beside ``-O out.jsonl`` it is ``.out.jsonl.lock``; for an
output named by time (the default ``output/<spider>/%(time)s.jsonl``) it is ``.newsclean.lock``
in its folder. An output that is no local file (``stdout:``, ``s3://``...) falls back to
``<spider>.lock`` beside the state; ``NEWSCLEAN_RUN_LOCK_PATH`` (``%(name)s`` = spider) names one
lock for every run of a spider instead.

The kernel drops the lock when the holding process ends, however it ends (``kill -9``
included), so there is no stale lock to clean up. The lock guards more than cron overlap:
the start-up recovery of a killed run's ``.part`` files (``pipeline.extensions.recovery``) is only
safe when no other run is writing them, and it only looks at this run's own outputs.

``scrapy crawl``/``cron`` take the locks before they build the crawler, so a second run exits at
once with its own code and one line; ``RunLockExtension`` takes them (again, re-entrantly) for
every crawl, so a crawl started another way (``scrapy evaluate``, a script) cannot overlap either.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from pipeline.addons.output import output_feeds
from pipeline.feedexport.names import output_lock_path
from pipeline.utils.clock import now_utc

# Locks this process holds, by resolved path: a lock is taken once and kept until exit.
_HELD: dict[Path, RunLock] = {}


class RunLocked(RuntimeError):
    """Another process holds a run lock this run needs."""


def lock_paths_for(settings: BaseSettings, spider: Any,
                   feeds: Mapping[str, Any] | None = None) -> list[Path]:
    """The locks of a run of ``spider`` (its ``name`` and the attributes its output templates name)
    writing ``feeds`` (default: what ``settings`` name): one per output, sorted, so that two runs
    wanting the same locks try them in the same order."""
    template = settings.get("NEWSCLEAN_RUN_LOCK_PATH")
    if template:
        return [Path(template % {"name": spider.name}).expanduser().resolve()]
    state = Path(settings.get("NEWSCLEAN_STATE_PATH")).expanduser().resolve()
    fallback = state.with_name(f"{spider.name}.lock")
    uris = output_feeds(settings) if feeds is None else feeds
    return sorted({output_lock_path(str(uri), spider) or fallback for uri in uris} or {fallback})


class RunLock:
    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> None:
        """Take the lock without waiting; ``RunLocked`` (saying who holds it) when taken."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RunLocked(f"another run holds the lock {self.path} ({describe_holder(self.path)})") from None
        holder = {"pid": os.getpid(), "since": now_utc()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode() + b"\n", 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the flock
            self.fd = None


HOLDER_WAIT_SECONDS = 1.0


def describe_holder(path: Path, wait: float = HOLDER_WAIT_SECONDS) -> str:
    """Who holds the lock, from the lock file. The holder writes it just after taking the lock,
    so a run refused in that instant waits briefly for it rather than saying "unknown"."""
    deadline = time.monotonic() + wait
    while True:
        try:
            holder = json.loads(path.read_text())
            return f"pid {holder['pid']}, running since {holder['since']}"
        except (OSError, ValueError, KeyError, TypeError):
            if time.monotonic() >= deadline:
                return "holder unknown"
            time.sleep(0.01)


def hold_run_lock(path: Path) -> RunLock:
    """Take the lock at ``path`` for the rest of this process; re-entrant within the process."""
    path = path.resolve()
    if path not in _HELD:
        lock = RunLock(path)
        lock.acquire()
        _HELD[path] = lock
    return _HELD[path]


def hold_run_locks(paths: Iterable[Path]) -> list[RunLock]:
    return [hold_run_lock(path) for path in paths]


class RunLockExtension:
    """Takes the run's locks while the crawler is built, before any output is opened.

    When another run holds one, the crawl fails to start (``RunLocked``) instead of writing
    beside a live run."""

    def __init__(self, locks: list[RunLock]):
        self.locks = locks

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLockExtension:
        # The spider exists by now (Scrapy builds it before the extensions), and FEEDS holds the
        # default output if the command line named none (the add-ons have run).
        return cls(hold_run_locks(lock_paths_for(crawler.settings, crawler.spider)))

    def __repr__(self) -> str:  # shows in the "Enabled extensions" log
        return f"RunLockExtension({', '.join(str(lock.path) for lock in self.locks)})"

