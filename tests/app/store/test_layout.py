"""Data written by an earlier Cercle (layout 1 key names) is moved once, and nothing is lost: a
queued job still runs once, a scheduled one keeps its time, a vote on an old answer still counts."""

from __future__ import annotations

import asyncio
import json
import time

from app.store import keys
from app.store.connection import RedisTarget, connect
from app.store.layout import LAYOUT_VERSION, upgrade
from app.store.queue import Job, JobQueue, Worker
from tests.waiting import eventually

CHANNEL = "slack:TALPHA0001:C0MEET0001"


async def _layout_one(redis) -> None:
    """What Cercle 0.x left in Redis: refs, a parked reaction, an edit, a queued and a scheduled job."""
    await redis.set(f"cercle:ref:injected:{CHANNEL}:1800000000.000100", "topic1/answer1", ex=3600)
    await redis.rpush(f"cercle:parked:{CHANNEL}:1800000000.000200", json.dumps(["U1", "+1", 1, True, 1.0]))
    await redis.set(f"cercle:reply-edit:{CHANNEL}:1800000000.000300", "17")
    await redis.sadd("cercle:{t:topic1}:voter-emoji:answer1:slack:TALPHA0001:U0VOTER", "+👍", "+⭐")
    await redis.xgroup_create("cercle:jobs", keys.JOBS_GROUP, id="0", mkstream=True)
    await redis.xadd("cercle:jobs", {"kind": "echo", "payload": json.dumps({"n": 1}), "job_id": "old-queued"})
    await redis.set("cercle:dedupe:job:old-queued", "1", ex=3600)
    member = json.dumps({"kind": "echo", "payload": json.dumps({"n": 2}), "job_id": "old-later"}, sort_keys=True)
    await redis.zadd("cercle:jobs:scheduled", {member: time.time() + 0.5})
    await redis.set("cercle:dedupe:scheduled:old-later", member, ex=3600)


async def test_an_earlier_layout_is_moved_once_and_its_jobs_still_run_once(redis_url):
    redis = connect(target=RedisTarget(url=redis_url))
    await _layout_one(redis)
    queue = JobQueue(redis=redis)
    ran: list[int] = []

    async def echo(job: Job) -> None:
        ran.append(job.payload["n"])

    worker = Worker(queue=queue, handlers={"echo": echo}, clock=time.time)
    task = asyncio.create_task(worker.run())  # it upgrades the layout before it reads
    try:
        await eventually(lambda: sorted(ran) == [1, 2], timeout=10)
        await queue.put(kind="echo", payload={"n": 1}, job_id="old-queued")  # its mark moved with it
        await asyncio.sleep(0.3)
        assert sorted(ran) == [1, 2]
    finally:
        worker.stop()
        await task
    assert await redis.get(keys.message_ref("injected", CHANNEL, "1800000000.000100")) == "topic1/answer1"
    assert 0 < await redis.ttl(keys.message_ref("injected", CHANNEL, "1800000000.000100")) <= 3600
    assert await redis.llen(keys.parked_reactions(CHANNEL, "1800000000.000200")) == 1
    assert await redis.get(keys.reply_edit(CHANNEL, "1800000000.000300")) == "17"
    held = await redis.hget(keys.vote_emoji("topic1", "answer1"), "slack:TALPHA0001:U0VOTER")
    assert sorted(held.split(",")) == ["+⭐", "+👍"]
    left = [key async for key in redis.scan_iter(match="cercle:*") if "{" not in key and key != keys.LAYOUT]
    assert left == [] and [key async for key in redis.scan_iter(match="*voter-emoji*")] == []
    assert await redis.get(keys.LAYOUT) == LAYOUT_VERSION
    assert await upgrade(redis=redis, streams=1) == 0  # once
    await redis.aclose()


async def test_several_streams_share_out_the_queued_jobs_of_the_one_before(redis_url):
    redis = connect(target=RedisTarget(url=redis_url))
    await _layout_one(redis)
    for n in range(20):
        await redis.xadd("cercle:jobs", {"kind": "echo", "payload": "{}", "job_id": f"job-{n}"})
    assert await upgrade(redis=redis, streams=4) > 20
    queue = JobQueue(redis=redis, streams=4)
    lengths = [await redis.xlen(stream) for stream in queue.streams]
    assert sum(lengths) == 21 and sum(1 for n in lengths if n) >= 3
    assert await queue.scheduled_count() == 1
    await redis.aclose()
