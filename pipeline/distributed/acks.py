"""Spider middleware: a request read from the shared frontier is acknowledged once its response's
output is safe, so a worker killed at any point before that leaves it to another worker.

The output is safe when every request the callback yielded is in the stream (the engine hands
each one to the scheduler before asking the callback for the next) and every item has become a
durable record (``records_durable``) or was dropped. The scheduler keeps the entry pending until
then (``pipeline.distributed.scheduler.Scheduler.await_record``). Listed closest to the engine
(order 1), so it sees the output every other spider middleware let through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from pipeline.distributed import MESSAGE_ID, enabled


class FrontierAcks:
    def __init__(self, crawler: Crawler):
        # Imported here, in distributed mode only: the scheduler brings scrapy-redis and redis
        # (about 40 ms of every crawl's start-up, which loads this middleware to ask it).
        from pipeline.distributed.scheduler import Scheduler

        self.crawler = crawler
        self.scheduler_class = Scheduler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierAcks:
        if not enabled(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        message_id = response.request.meta.get(MESSAGE_ID) if response.request is not None else None
        if not isinstance(scheduler, self.scheduler_class) or message_id is None:
            async for output in result:
                yield output
            return
        awaits_record = False
        try:
            async for output in result:
                if not isinstance(output, Request) and scheduler.await_record(message_id, output):
                    awaits_record = True
                yield output
        finally:
            if not awaits_record:
                scheduler.done(message_id)
