"""The shared frontier: scrapy-redis's request queue interface on a Redis stream.

scrapy-redis's own queues (``FifoQueue``, ``PriorityQueue``...) remove a request from Redis when a
worker pops it: if that worker dies before the request is done, the request is lost. Here the
requests are stream entries read through a consumer group: ``XREADGROUP`` hands an entry to one
worker and keeps it in the group's pending list under that worker's name until ``ack`` (``XACK``,
then ``XDEL``, so the stream holds only the requests not yet done); entries a worker has not
touched for the lease time (it died, or its machine did) go to another worker with ``XAUTOCLAIM``
(Redis 6.2+). A live worker touches its own entries regularly (``XCLAIM ... JUSTID``), so only
the dead lose theirs. Requests are encoded by scrapy-redis (``Request.to_dict`` + its serializer).
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import ResponseError
from scrapy.http import Request
from scrapy_redis.queue import Base

logger = logging.getLogger(__name__)

GROUP = "workers"
FIELD = b"request"
# The stream (KEYS[1]) and the keys that go with it are deleted only if the stream is empty, in
# one step: a request another worker adds between a check and a delete would be lost with them.
DELETE_IF_EMPTY = """
if redis.call('XLEN', KEYS[1]) > 0 then return 0 end
redis.call('DEL', unpack(KEYS))
return 1
"""


class StreamQueue(Base):
    """FIFO: the frontier's order is the order of discovery (priorities are not kept)."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None, consumer: str = "worker"):
        super().__init__(server, spider, key, serializer)
        self.consumer = consumer
        self.delete_if_empty_script = server.register_script(DELETE_IF_EMPTY)
        self.create_group()

    def create_group(self) -> None:
        try:
            self.server.xgroup_create(self.key, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def __len__(self) -> int:
        """Requests not done yet: waiting, or read and not acknowledged (by any worker)."""
        return self.server.xlen(self.key)

    def delete_if_empty(self, *keys: str) -> bool:
        """Delete the stream, and ``keys`` with it, if no request is in it (waiting or pending);
        whether it did."""
        return bool(self.delete_if_empty_script(keys=[self.key, *keys]))

    def push(self, request: Request) -> None:
        self.server.xadd(self.key, {FIELD: self._encode_request(request)})

    def pop(self, timeout: int = 0) -> Request | None:
        """scrapy-redis's interface: one request (its entry stays pending until ``ack``)."""
        entries = self.read(1)
        return entries[0][1] if entries else None

    def read(self, count: int) -> list[tuple[bytes, Request]]:
        """Up to ``count`` entries no worker has read yet."""
        response = self.with_group(self.server.xreadgroup, GROUP, self.consumer, {self.key: ">"}, count=count)
        return self.decode([entry for _, entries in response or [] for entry in entries])

    def claim_stale(self, count: int, lease_ms: int) -> list[tuple[bytes, Request]]:
        """Up to ``count`` entries another worker read and has not touched for ``lease_ms``."""
        response = self.with_group(self.server.xautoclaim, self.key, GROUP, self.consumer, lease_ms, "0-0",
                                   count=count)
        return self.decode(response[1]) if response else []

    def with_group(self, command: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a group command; ``None`` when the stream (and its group) was deleted, as the last
        worker of a finished crawl does while others may still be waiting to close: the group is
        made again for whatever comes next."""
        try:
            return command(*args, **kwargs)
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            self.create_group()
            return None

    def decode(self, entries: list[Any]) -> list[tuple[bytes, Request]]:
        requests = []
        for entry in entries:
            if not entry or not entry[1]:  # deleted meanwhile (Redis 6.2 returns them as nil)
                continue
            message_id, fields = entry
            try:
                requests.append((message_id, self._decode_request(fields[FIELD])))
            except Exception:  # noqa: BLE001 - an entry no worker can read must not block the run
                logger.exception("dropping unreadable request %s from %s", message_id, self.key)
                self.ack([message_id])
        return requests

    def ack(self, message_ids: list[bytes]) -> None:
        if message_ids:
            with self.server.pipeline() as pipe:
                pipe.xack(self.key, GROUP, *message_ids)
                pipe.xdel(self.key, *message_ids)
                pipe.execute()

    def touch(self, message_ids: list[bytes]) -> None:
        """Reset the idle time of entries this worker holds: it is alive, they are not stale."""
        for start in range(0, len(message_ids), 500):
            self.with_group(self.server.xclaim, self.key, GROUP, self.consumer, 0, message_ids[start:start + 500],
                            justid=True)
