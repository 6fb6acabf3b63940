"""Scenario: Redis restarts under a running worker, and a burst bigger than redis-py's default pool."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
import redis.asyncio as aioredis

from app.runtime.embedded_redis import EmbeddedRedis
from app.store import keys
from app.store.connection import RedisTarget, connect
from app.store.queue import Job, JobQueue, Worker
from tests.slack_signing import signed_headers
from tests.waiting import eventually

pytestmark = pytest.mark.slow


async def test_worker_carries_on_after_redis_restarts(tmp_path):
    server = EmbeddedRedis(data_dir=tmp_path / "redis", persistent=True).start()
    redis = connect(target=RedisTarget(url=server.url))
    done: list[str] = []

    async def record(job: Job) -> None:
        done.append(job.payload["n"])

    queue = JobQueue(redis=redis, claim_idle_ms=500)
    worker = Worker(queue=queue, handlers={"k": record}, clock=time.time, block_ms=100)
    task = asyncio.create_task(worker.run())
    try:
        await queue.put(kind="k", payload={"n": "before"})
        await eventually(lambda: done == ["before"])
        server.stop()
        await asyncio.sleep(1.0)  # the worker sees the connection go and keeps trying
        assert not task.done()
        server.start()  # same port, same append-only file
        await eventually(lambda: _enqueue_when_up(queue), timeout=15)
        await eventually(lambda: "after" in done, timeout=15)
    finally:
        worker.stop()
        await asyncio.wait_for(task, 10)
        await redis.aclose()
        server.stop()


async def _enqueue_when_up(queue: JobQueue) -> bool:
    try:
        await queue.put(kind="k", payload={"n": "after"}, job_id="after-restart")
    except (OSError, ConnectionError, aioredis.ConnectionError):
        return False
    return True


async def test_300_concurrent_asks_all_answered_and_stored(start_cercle, slack, workspace, redis_url):
    cercle = await start_cercle()

    async def one(http: aiohttp.ClientSession, n: int) -> int:
        body = cercle.command_body(f"Burst question {n}?", team_id="TALPHA0001", channel_id="C0MEET0001")
        headers = signed_headers(
            secret=cercle.signing_secret, body=body, content_type="application/x-www-form-urlencoded"
        )
        async with http.post(f"{cercle.url}/slack/events", data=body, headers=headers) as response:
            return response.status

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        statuses = await asyncio.gather(*(one(http, n) for n in range(300)))
    assert statuses.count(200) == 300

    async def all_stored() -> bool:
        client = aioredis.Redis.from_url(redis_url, decode_responses=True)
        try:
            return len([k async for k in client.scan_iter(match=keys.topic("*"), count=1000)]) == 300
        finally:
            await client.aclose()

    await eventually(all_stored, timeout=60)
    assert len(slack.calls_to("chat.postMessage")) == 300
