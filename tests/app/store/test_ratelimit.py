"""The per-channel token bucket on a real Redis: inline waits, and standing aside when the wait is long."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from app.domain.errors import RetryLater
from app.store.ratelimit import ChannelRateLimiter


async def test_a_short_wait_is_waited_a_long_one_is_handed_back(redis_url):
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    waits = ChannelRateLimiter(redis=redis, per_second=4, burst=1)
    assert await waits.acquire(channel_key="slack:T1:C1") == 0
    assert 0.15 < await waits.acquire(channel_key="slack:T1:C1") < 0.5  # a quarter of a second, waited inline

    worker = ChannelRateLimiter(redis=redis, per_second=1, burst=1, max_wait_s=0.5)
    assert await worker.acquire(channel_key="slack:T1:C2") == 0
    with pytest.raises(RetryLater) as later:
        await worker.acquire(channel_key="slack:T1:C2")
    assert 0.5 < later.value.delay_s <= 1.0
    await asyncio.sleep(later.value.delay_s)
    assert await worker.acquire(channel_key="slack:T1:C2") == 0  # handing back took no token
    await redis.aclose()


async def test_waiters_go_in_turn_each_waiting_its_real_turn(redis_url):
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    limiter = ChannelRateLimiter(redis=redis, per_second=10, burst=1)
    waits = sorted(await asyncio.gather(*(limiter.acquire(channel_key="slack:T1:C3") for _ in range(5))))
    assert waits[0] == 0
    assert waits[1:] == pytest.approx([0.1, 0.2, 0.3, 0.4], abs=0.03)  # one slot each, none taken twice
    await redis.aclose()
