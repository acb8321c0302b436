"""Throughput of a distributed crawl: two workers against one, same site, same run.

Starts a redis-server on loopback (``tests/redisserver.py``) and a local site of ``--articles``
articles (``tests/site/bulk.py``), then times, in turn, the same crawl without Redis (one
machine: Scrapy's scheduler, SQLite state), one ``scrapy crawl news`` worker and two workers
started together on the same site (a fresh Redis database each time: empty
frontier and state), with no shared rate limit and no download delay, so the figure is the
crawl's own speed. Prints pages/s (articles written / wall time from the first worker's start to
the last one's end, start-up included) and the ratio of two workers to one, per round, with the
machine's busy cores meanwhile (this crawl and everything else: a loaded machine gives lower
ratios; the crawl's own CPU is not shown, sampling its process trees proved unreliable).

    .venv/bin/python bench/redis_workers.py [--articles 1000] [--repeat 1] [--extract-workers N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
from tests.distributed import Worker  # noqa: E402 - needs the project on sys.path
from tests.redisserver import RedisServer  # noqa: E402
from tests.site.bulk import BulkSite  # noqa: E402


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy so far (/proc/stat: all but idle and iowait)."""
    fields = [float(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def crawl(count: int, redis: RedisServer | None, site: BulkSite, extract_workers: str
          ) -> tuple[float, int, float]:
    """Wall seconds, records written and the machine's busy CPU seconds for ``count`` workers
    (``redis`` None: one worker without Redis)."""
    if redis is not None:
        redis.client().flushdb()
    with tempfile.TemporaryDirectory(prefix="newsclean-bench-redis-") as folder:
        settings = ("-s", "NEWSCLEAN_REDIS_DOMAIN_RATE=0", "-s", "NEWSCLEAN_REDIS_IDLE_CLOSE=1",
                    "-s", "NEWSCLEAN_REDIS_IDLE_MAX=0.5", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
                    "-s", "LOG_LEVEL=WARNING", "-s", f"NEWSCLEAN_EXTRACT_WORKERS={extract_workers}")
        cpu = busy_cpu_seconds()
        start = time.monotonic()
        url = redis.url if redis is not None else None
        workers = [Worker(f"w{n}", url, site.sitemap, Path(folder), *settings) for n in range(count)]
        try:
            codes = [w.wait(timeout=1800) for w in workers]
        finally:
            for w in workers:
                w.cleanup()
        wall = time.monotonic() - start
        cpu = busy_cpu_seconds() - cpu
        if codes != [0] * count:
            raise SystemExit("a worker failed:\n" + "\n".join(w.tail() for w in workers))
        records = sum(len(w.records()) for w in workers)
    return wall, records, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--extract-workers", default="1",
                        help="extraction processes per worker (default 1: two workers use both cores)")
    args = parser.parse_args()
    redis = RedisServer().start()
    site = BulkSite(args.articles).start()
    try:
        print(f"{args.articles} articles, {os.cpu_count()} cores, NEWSCLEAN_EXTRACT_WORKERS={args.extract_workers}")
        for round_ in range(1, args.repeat + 1):
            alone = crawl(1, None, site, args.extract_workers)
            one = crawl(1, redis, site, args.extract_workers)
            two = crawl(2, redis, site, args.extract_workers)
            for label, (wall, records, cpu) in (("no Redis ", alone), ("1 worker ", one), ("2 workers", two)):
                print(f"round {round_} {label}: {records} records in {wall:.1f} s = {records / wall:.1f} pages/s "
                      f"(machine busy {cpu / wall:.2f} of {os.cpu_count()} cores, this crawl included)")
            print(f"round {round_} ratio 2 workers / 1 worker: {(two[1] / two[0]) / (one[1] / one[0]):.2f}x; "
                  f"1 worker / no Redis: {(one[1] / one[0]) / (alone[1] / alone[0]):.2f}x")
    finally:
        site.stop()
        redis.stop()


if __name__ == "__main__":
    main()
