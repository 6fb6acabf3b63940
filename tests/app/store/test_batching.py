"""Group commit on a real Redis: writes that arrive together share one round trip, each caller
still gets its own answer, and a failure reaches every caller of the batch."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError

from app.runtime.embedded_redis import free_port
from app.store.batching import ScriptBatcher

_INCR_UNLESS_NEGATIVE = """
if tonumber(ARGV[1]) < 0 then return redis.error_reply('negative') end
return redis.call('INCRBY', KEYS[1], ARGV[1])
"""


async def test_concurrent_calls_share_round_trips_and_each_gets_its_answer(redis_url):
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    batcher = ScriptBatcher(redis=redis, script=redis.register_script(_INCR_UNLESS_NEGATIVE))
    pipelines = 0
    pipeline = redis.pipeline

    def counting_pipeline(*args, **kwargs):
        nonlocal pipelines
        pipelines += 1
        return pipeline(*args, **kwargs)

    redis.pipeline = counting_pipeline  # observe, not replace: the real pipeline still runs
    results = await asyncio.gather(
        *(batcher.run(keys=["n"], args=[1]) for _ in range(200)),
        batcher.run(keys=["n"], args=[-1]),
        return_exceptions=True,
    )
    *added, refused = results
    assert sorted(added) == list(range(1, 201))  # each caller its own reply, in one consistent order
    assert isinstance(refused, Exception) and "negative" in str(refused)
    assert await redis.get("n") == "200"
    assert pipelines <= 3  # 201 calls, not 201 round trips
    await redis.aclose()


async def test_a_lost_connection_reaches_every_caller_and_the_next_batch_goes_on(redis_url):
    gone = aioredis.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", decode_responses=True)
    batcher = ScriptBatcher(redis=gone, script=gone.register_script(_INCR_UNLESS_NEGATIVE))
    results = await asyncio.gather(*(batcher.run(keys=["n"], args=[1]) for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, RedisConnectionError) for r in results)
    await gone.aclose()

    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    working = ScriptBatcher(redis=redis, script=redis.register_script(_INCR_UNLESS_NEGATIVE))
    assert await working.run(keys=["m"], args=[2]) == 2
    with pytest.raises(Exception, match="negative"):
        await working.run(keys=["m"], args=[-2])
    assert await working.run(keys=["m"], args=[3]) == 5
    await redis.aclose()
