"""One live worker per name: the worker's name is leased in Redis for as long as it runs.

The name is the worker's consumer in the stream's group: two live workers under one name (two
machines given the same ``NEWSCLEAN_REDIS_WORKER``) would hold each other's pending requests and
touch them for each other, so a worker that dies while its twin lives would never have its
requests claimed. A worker takes ``<frontier key>:worker:<name>`` with ``SET NX PX`` (a random
token, the lease ``NEWSCLEAN_REDIS_LEASE`` as its time to live), renews it on each heartbeat and
deletes it when it stops; renewing and deleting check the token, so a worker never extends or
frees a name another has taken since. A name left by a killed worker frees itself within the
lease, and a new worker of that name waits that long for it.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

logger = logging.getLogger(__name__)

RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
WAIT_STEP = 0.25


class WorkerNameInUse(RuntimeError):
    """Another live worker runs under this name."""


class NameLease:
    def __init__(self, server: Any, key: str, lease_s: float):
        self.server = server
        self.key = key
        self.lease_ms = max(1, int(lease_s * 1000))
        self.token = uuid.uuid4().hex
        self.renew_script = server.register_script(RENEW)
        self.release_script = server.register_script(RELEASE)

    def acquire(self, wait_s: float) -> bool:
        """Take the name, waiting up to ``wait_s`` for a dead worker's lease to run out."""
        deadline = time.monotonic() + wait_s
        waited = False
        while not self.server.set(self.key, self.token, nx=True, px=self.lease_ms):
            if time.monotonic() >= deadline:
                return False
            if not waited:
                logger.warning("the worker name in %s is leased by another worker; waiting up to %.0f s "
                               "for it (a killed worker's lease runs out)", self.key, wait_s)
                waited = True
            time.sleep(WAIT_STEP)
        return True

    def renew(self) -> bool:
        """Extend this worker's lease (or take the name again if it ran out and is free); whether
        this worker holds the name now."""
        return bool(self.renew_script(keys=[self.key], args=[self.token, self.lease_ms]))

    def release(self) -> None:
        self.release_script(keys=[self.key], args=[self.token])
