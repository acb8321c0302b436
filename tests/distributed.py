"""Workers of a distributed crawl for the tests and ``bench/redis_workers.py``: real
``scrapy crawl news`` processes sharing a Redis server (``tests/redisserver.py``) and crawling a
local site (``tests/site/bulk.py``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import orjson

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Worker:
    """One ``scrapy crawl news`` worker in its own session (so that ``cleanup`` can end the
    extraction processes a ``kill -9`` leaves behind), writing ``<folder>/<name>.jsonl``."""

    def __init__(self, name: str, redis_url: str | None, start: str, folder: Path, *settings: str):
        """``redis_url`` None: the same crawl on one machine (no Redis, SQLite state), for comparison."""
        self.name = name
        self.out = folder / f"{name}.jsonl"
        self.log = folder / f"{name}.log"
        redis = ("-s", f"REDIS_URL={redis_url}") if redis_url else ()
        args = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"start={start}",
                *redis, "-s", f"NEWSCLEAN_REDIS_WORKER={name}",
                # unused by the Redis state, but the run lock of a non-file output would sit beside it
                "-s", f"NEWSCLEAN_STATE_PATH={folder / name}-state.sqlite",
                "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=INFO",
                *settings, "-O", str(self.out)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(args, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def wait(self, timeout: float = 120) -> int:
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """``kill -9`` of the crawl process only, as a crash or the OOM killer would."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def cleanup(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.process.poll() is None:
            self.process.wait()

    def records(self) -> list[dict]:
        """The records of a finished worker, or the fsynced lines a killed one left in its
        ``.part`` file (what ``OrphanRecovery`` publishes at its next start)."""
        path = self.out if self.out.exists() else self.out.with_name(f".{self.out.name}.part")
        if not path.exists():
            return []
        data = path.read_bytes()
        data = data[:data.rfind(b"\n") + 1]  # a line being written (or cut by the kill) is no record yet
        return [orjson.loads(line) for line in data.splitlines() if line.strip()]

    def stat(self, key: str) -> int:
        import re

        found = re.search(rf"'{re.escape(key)}': (\d+)", self.log.read_text(errors="replace"))
        return int(found.group(1)) if found else 0

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]
