"""scrapy-redis's scheduler with acknowledged requests, idle back-off and an end to the crawl.

scrapy-redis (0.9.1) gives the shared frontier and the seen set (``RFPDupeFilter``: a Redis set of
request fingerprints, so a URL found by two workers, or given to both as a start URL, is fetched
once). On top, for a crawl that must not lose work and must end by itself:

- Requests are read from a stream (``pipeline.distributed.queue.StreamQueue``) and stay pending
  under this worker until acknowledged (``done``): by ``pipeline.distributed.acks.FrontierAcks``
  when the callback's output has been handled and its records are durable, by the errback wrapper
  when the fetch failed, or here when a redirect or retry replaces the request. Entries this
  worker holds are touched every third of ``NEWSCLEAN_REDIS_LEASE``; a dead worker's are claimed
  by the others once they are that old.
- Idle back-off: when Redis has nothing for this worker, it asks again after 50 ms, then twice as
  long each time up to ``NEWSCLEAN_REDIS_IDLE_MAX`` seconds (instead of asking on every pass of the
  engine), and wakes the engine itself at that time (instead of its 5 s heartbeat).
- The end: the crawl is over when the stream is empty (nothing waiting, nothing pending under any
  worker) for ``NEWSCLEAN_REDIS_IDLE_CLOSE`` seconds; until then ``has_pending_requests`` keeps the
  spider open, since another worker may still yield requests. The last worker out deletes the
  stream and the seen set, so the next run (the next cron start) begins afresh; the state (what
  was written, feed validators) stays. The check that the stream is empty and the delete are one
  Lua script (``StreamQueue.delete_if_empty``): a start request a joining worker adds between
  the two is not deleted with them.
- One live worker per name (``pipeline.distributed.names``): the name is leased in Redis while
  the worker runs; a second worker under a live one's name fails to start (``WorkerNameInUse``).
- Stats without scrapy-redis's ``spider=`` argument to ``inc_value`` (deprecated since Scrapy 2.15).
"""

from __future__ import annotations

import logging
from collections import deque
from time import monotonic
from typing import Any

from itemadapter import ItemAdapter
from redis.exceptions import RedisError
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.python.failure import Failure

from pipeline.distributed import MESSAGE_ID, worker_name
from pipeline.distributed.names import NameLease, WorkerNameInUse
from pipeline.distributed.queue import StreamQueue
from pipeline.signals import records_durable
from pipeline.utils.records import parsed_records

logger = logging.getLogger(__name__)

MIN_BACKOFF = 0.05
# Stat: start requests of this worker that another worker fetches: queued by another worker
# first, or queued here and read from the stream by another worker (pipeline.health counts them
# as entries fetched: the worker that fetches one reports its outcome).
START_ELSEWHERE = "newsclean/redis/start_elsewhere"
# Request meta: the worker that queued a start request (a start request counts as elsewhere for
# it until it reads the request back itself).
QUEUED_BY = "newsclean_redis_queued_by"


class AckOnFailure:
    """A popped request's errback: a failed fetch yields nothing more, so it is done."""

    def __init__(self, scheduler: Scheduler, message_id: bytes, errback: Any):
        self.scheduler = scheduler
        self.message_id = message_id
        self.errback = errback

    def __call__(self, failure: Failure) -> Any:
        self.scheduler.done(self.message_id)
        return failure if self.errback is None else self.errback(failure)


class Scheduler(RedisScheduler):
    def __init__(self, server: Any, **kwargs: Any):
        super().__init__(server, **kwargs)
        self.crawler: Crawler | None = None
        self.worker = "worker"
        self.lease = 30.0
        self.idle_max = 2.0
        self.idle_close = 5.0
        self.batch = 4
        self.buffer: deque[tuple[bytes, Request]] = deque()  # read, not yet handed to the engine
        self.held: set[bytes] = set()  # entries this worker holds (pending under its name)
        self.awaiting: dict[str, list[bytes]] = {}  # source URL -> entries waiting for their record
        self.others: int | None = None  # entries not held here at the last poll (None: not polled)
        self.backoff = MIN_BACKOFF
        self.next_poll = 0.0
        self.drained_since: float | None = None
        self.heartbeat: Any = None
        self.name_lease: NameLease | None = None
        self.name_lost = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Scheduler:
        scheduler = cls.from_settings(crawler.settings)
        settings = crawler.settings
        scheduler.crawler = crawler
        scheduler.stats = crawler.stats
        scheduler.worker = worker_name(settings)
        scheduler.lease = settings.getfloat("NEWSCLEAN_REDIS_LEASE")
        scheduler.idle_max = settings.getfloat("NEWSCLEAN_REDIS_IDLE_MAX")
        scheduler.idle_close = settings.getfloat("NEWSCLEAN_REDIS_IDLE_CLOSE")
        scheduler.batch = max(1, settings.getint("NEWSCLEAN_REDIS_BATCH"))
        crawler.signals.connect(scheduler.records_durable, signal=records_durable)
        crawler.signals.connect(scheduler.item_settled, signal=signals.item_dropped)
        crawler.signals.connect(scheduler.item_settled, signal=signals.item_error)
        crawler.signals.connect(scheduler.engine_stopped, signal=signals.engine_stopped)
        return scheduler

    # --- life cycle ------------------------------------------------------------------------
    def open(self, spider: Any) -> None:
        self.spider = spider
        self.queue = StreamQueue(self.server, spider, self.queue_key % {"spider": spider.name},
                                 serializer=self.serializer, consumer=self.worker)
        self.name_lease = NameLease(self.server, f"{self.queue.key}:worker:{self.worker}", self.lease)
        if not self.name_lease.acquire(wait_s=self.lease + 1):
            raise WorkerNameInUse(f"another live worker is named {self.worker!r} in this crawl "
                                  f"({self.queue.key}); give each worker its own NEWSCLEAN_REDIS_WORKER")
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()
        backlog = len(self.queue)
        if backlog:
            logger.info("joining the crawl in progress in %s: %d requests not done", self.queue.key, backlog)
        self.heartbeat = create_looping_call(self.touch)
        self.heartbeat.start(max(0.05, self.lease / 3), now=False)

    def close(self, reason: str) -> None:
        """Nothing is flushed here: this worker's last records become durable, and are
        acknowledged, only when the feed closes (after the scheduler); see ``engine_stopped``."""

    def engine_stopped(self) -> None:
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        if self.name_lease is not None:
            try:
                self.name_lease.release()
            except RedisError as exc:  # the lease runs out by itself
                logger.error("releasing the worker name in Redis failed: %s", exc)
        # Records handed to the exporter whose durability was never announced (an output that is
        # no local file): the feed is closed by now, so they are as done as they will be.
        leftover = [m for ids in self.awaiting.values() for m in ids]
        self.awaiting.clear()
        self.done(*leftover)
        if leftover:
            self.stats.inc_value("newsclean/redis/acked_at_close", len(leftover))
        # Requests read and never processed (a timeout closed the spider) stay pending: another
        # worker, or the next run, claims them after the lease.
        if self.queue.delete_if_empty(self.df.key):
            logger.info("frontier drained: deleted %s and %s", self.queue.key, self.df.key)

    def touch(self) -> None:
        try:  # an exception would stop the looping call for good
            if self.name_lease is not None and not self.name_lease.renew() and not self.name_lost:
                self.name_lost = True
                self.stats.inc_value("newsclean/redis/name_lost")
                logger.error("another worker took the name %r while this one stalled past the lease",
                             self.worker)
            if self.held:
                self.queue.touch(sorted(self.held))
        except RedisError as exc:
            logger.error("renewing the worker name or touching held requests in Redis failed: %s", exc)

    # --- the scheduler interface -----------------------------------------------------------
    def enqueue_request(self, request: Request) -> bool:
        replaced = request.meta.pop(MESSAGE_ID, None)  # a redirect or retry of a request read here
        if isinstance(request.errback, AckOnFailure):
            request.errback = request.errback.errback
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            if request.meta.get("is_start_request"):
                # Another worker queued this start URL: the crawl fetches it, this worker does not
                # (pipeline.health counts it as an entry fetched, so this worker is not "no start").
                self.stats.inc_value(START_ELSEWHERE)
            queued = False
        else:
            if request.meta.get("is_start_request"):
                request.meta[QUEUED_BY] = self.worker
                self.stats.inc_value(START_ELSEWHERE)
            self.queue.push(request)
            self.stats.inc_value("scheduler/enqueued/redis")
            queued = True
            self.next_poll, self.backoff = 0.0, MIN_BACKOFF  # work is there: read it without waiting
        if replaced is not None:
            self.done(replaced)
        return queued

    def next_request(self) -> Request | None:
        if not self.buffer and monotonic() >= self.next_poll:
            self.poll()
        if not self.buffer:
            return None
        message_id, request = self.buffer.popleft()
        if request.meta.pop(QUEUED_BY, None) == self.worker:
            self.stats.inc_value(START_ELSEWHERE, -1)  # fetched here after all: its outcome is ours
        request.meta[MESSAGE_ID] = message_id
        request.errback = AckOnFailure(self, message_id, request.errback)
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        if self.buffer:
            return True
        if self.others is None or monotonic() >= self.next_poll:
            self.poll()
        if self.buffer or self.others:
            return True
        # Drained: stay open a little in case another worker yields more.
        return self.drained_since is None or monotonic() - self.drained_since < self.idle_close

    def __len__(self) -> int:
        return len(self.buffer) + (self.others or 0)

    # --- Redis -----------------------------------------------------------------------------
    def poll(self) -> None:
        try:
            entries = self.queue.read(self.batch)
            if not entries:
                entries = self.queue.claim_stale(self.batch, int(self.lease * 1000))
                if entries:
                    self.stats.inc_value("newsclean/redis/reclaimed", len(entries))
                    logger.info("claimed %d requests a dead worker held", len(entries))
            for message_id, request in entries:
                self.held.add(message_id)
                self.buffer.append((message_id, request))
            self.others = max(0, len(self.queue) - len(self.held))
        except RedisError as exc:
            # The engine must not see it (it would stop asking for requests): Redis unreachable
            # or failing is waited out like an empty frontier, with the same back-off.
            logger.error("reading the frontier from Redis failed: %s", exc)
            self.stats.inc_value("newsclean/redis/poll_failed")
            entries, self.others = [], self.others or 1
        now = monotonic()
        if entries:
            self.backoff = MIN_BACKOFF
            self.next_poll = 0.0
            self.drained_since = None
            return
        self.stats.inc_value("newsclean/redis/empty_polls")
        if self.others:
            self.drained_since = None
        elif self.drained_since is None:
            self.drained_since = now
        self.next_poll = now + self.backoff
        self.wake_engine(self.backoff)
        self.backoff = min(self.backoff * 2, self.idle_max)

    def wake_engine(self, delay: float) -> None:
        # The engine asks again only when a download ends or on its 5 s heartbeat; its slot's
        # CallLaterOnce is the one way to ask sooner (there is no public call for it).
        slot = getattr(self.crawler.engine, "_slot", None) if self.crawler and self.crawler.engine else None
        if slot is not None:
            slot.nextcall.schedule(delay)

    def done(self, *message_ids: bytes) -> None:
        """Acknowledge entries this worker holds: their requests, and what they led to, are safe."""
        ids = [message_id for message_id in message_ids if message_id in self.held]
        if ids:
            self.held.difference_update(ids)
            self.queue.ack(ids)
            self.stats.inc_value("newsclean/redis/acked", len(ids))

    # --- records -----------------------------------------------------------------------------
    def await_record(self, message_id: bytes, item: Any) -> bool:
        """An item from this entry's response: the entry is done once its record is durable or
        dropped. False when the item names no source URL (the entry is done with its output)."""
        url = ItemAdapter(item).get("source_url")
        if not isinstance(url, str) or not url:
            return False
        self.awaiting.setdefault(url, []).append(message_id)
        return True

    def settle(self, url: Any) -> bytes | None:
        """The entry that was waiting for the record of ``url``, now done with it."""
        ids = self.awaiting.get(url) if isinstance(url, str) else None
        if not ids:
            return None
        message_id = ids.pop(0)
        if not ids:
            del self.awaiting[url]
        return message_id

    def item_settled(self, item: Any, **kwargs: Any) -> None:
        message_id = self.settle(ItemAdapter(item).get("source_url"))
        if message_id is not None:
            self.done(message_id)

    def records_durable(self, path: Any, lines: list[bytes], **kwargs: Any) -> None:
        """A group of records fsynced: their entries are acknowledged together (one round trip)."""
        settled = []
        for record in parsed_records(lines):
            if (message_id := self.settle(record.get("source_url"))) is not None:
                settled.append(message_id)
        self.done(*settled)
