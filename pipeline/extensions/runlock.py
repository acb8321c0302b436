"""One run per spider at a time: an exclusive ``flock`` on ``<spider>.lock`` beside the state.

The kernel drops the lock when the holding process ends, however it ends (``kill -9``
included), so there is no stale lock to clean up. The lock guards more than cron overlap:
the start-up recovery of a killed run's ``.part`` files (``pipeline.extensions.recovery``) is only safe
when no other run of the same spider is writing them.

``scrapy cron`` takes the lock before it builds the crawler, so a second run can exit at once
with its own code; ``RunLockExtension`` takes it (again, re-entrantly) for every crawl, so a
plain ``scrapy crawl`` cannot overlap a cron run either.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from pipeline.utils.clock import now_utc

# Locks this process holds, by resolved path: a lock is taken once and kept until exit.
_HELD: dict[Path, RunLock] = {}


class RunLocked(RuntimeError):
    """Another process holds the run lock of this spider."""


def lock_path_for(settings: BaseSettings, spider_name: str) -> Path:
    """``NEWSCLEAN_RUN_LOCK_PATH`` (``%(name)s`` = spider), else ``<spider>.lock`` beside the state."""
    template = settings.get("NEWSCLEAN_RUN_LOCK_PATH")
    if template:
        return Path(template % {"name": spider_name}).expanduser().resolve()
    state = Path(settings.get("NEWSCLEAN_STATE_PATH")).expanduser().resolve()
    return state.with_name(f"{spider_name}.lock")


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


class RunLockExtension:
    """Takes the spider's run lock while the crawler is built, before any output is opened.

    When another run holds it, the crawl fails to start (``RunLocked``) instead of writing
    beside a live run."""

    def __init__(self, lock: RunLock):
        self.lock = lock

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLockExtension:
        return cls(hold_run_lock(lock_path_for(crawler.settings, crawler.spidercls.name)))

    def __repr__(self) -> str:  # shows in the "Enabled extensions" log
        return f"RunLockExtension({self.lock.path})"

