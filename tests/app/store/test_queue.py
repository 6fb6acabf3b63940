"""The job queue on a real Redis: idempotent enqueue, re-claim, scheduled jobs run once."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from app.domain.errors import RetryLater
from app.store import keys
from app.store.queue import Job, JobQueue, Worker
from tests.waiting import eventually


async def _redis(url: str) -> aioredis.Redis:
    return aioredis.Redis.from_url(url, decode_responses=True)


async def test_enqueue_with_the_same_job_id_runs_once(redis_url):
    redis = await _redis(redis_url)
    queue = JobQueue(redis=redis)
    await queue.ensure_group()
    for _ in range(3):
        await queue.put(kind="k", payload={"n": 1}, job_id="same")
    assert await queue.depth() == 1
    await redis.aclose()


async def test_a_job_the_stream_refused_can_be_enqueued_again(redis_url):
    """The "already queued" mark and the job are written together: a mark without its job (the
    process or the connection lost between the two writes) would swallow every later enqueue."""
    redis = await _redis(redis_url)
    queue = JobQueue(redis=redis)
    await redis.set(queue.streams[0], "not a stream")  # XADD fails: WRONGTYPE
    with pytest.raises(ResponseError):
        await queue.put(kind="k", payload={"n": 1}, job_id="once")
    await redis.delete(queue.streams[0])
    await queue.ensure_group()
    await queue.put(kind="k", payload={"n": 1}, job_id="once")
    assert await queue.depth() == 1
    await redis.aclose()


async def test_a_scheduled_job_refused_can_be_scheduled_again(redis_url):
    """The same for a scheduled job: its mark alone would hold off "once per period" jobs for a month."""
    redis = await _redis(redis_url)
    queue = JobQueue(redis=redis)
    await redis.set(keys.scheduled_jobs(0), "not a sorted set")  # ZADD fails: WRONGTYPE
    with pytest.raises(ResponseError):
        await queue.put_at(kind="k", payload={}, at=time.time(), job_id="score:a1", move=False)
    await redis.delete(keys.scheduled_jobs(0))
    await queue.put_at(kind="k", payload={}, at=time.time(), job_id="score:a1", move=False)
    assert await queue.scheduled_count() == 1
    await queue.drop(job_id="score:a1")
    assert await queue.scheduled_count() == 0
    await queue.put_at(kind="k", payload={}, at=time.time(), job_id="score:a1", move=False)
    assert await queue.scheduled_count() == 1  # cancelled: the next period may schedule it
    await redis.aclose()


async def test_a_job_left_by_a_dead_consumer_is_reclaimed_and_then_acked(redis_url):
    redis = await _redis(redis_url)
    queue = JobQueue(redis=redis, claim_idle_ms=100)
    await queue.ensure_group()
    await queue.put(kind="k", payload={"n": 7})
    taken = await queue.read_new(consumer="dead-worker", block_ms=10)
    assert [j.payload for j in taken] == [{"n": 7}]  # ... and it dies without acking
    assert await queue.claim_stale(consumer="survivor") == []  # not idle long enough yet
    await asyncio.sleep(0.15)
    (reclaimed,) = await queue.claim_stale(consumer="survivor")
    assert reclaimed.payload == {"n": 7} and reclaimed.deliveries == 2
    await queue.ack(reclaimed)
    assert await queue.depth() == 0
    await asyncio.sleep(0.15)
    assert await queue.claim_stale(consumer="survivor") == []
    await redis.aclose()


async def test_failing_job_is_retried_then_buried(redis_url):
    redis = await _redis(redis_url)
    # Not 20 ms: on a loaded machine a job could stay silent that long while it runs, and be claimed
    # again under its worker's feet (its delivery count moves on). 200 ms is still 150 times shorter
    # than the default.
    queue = JobQueue(redis=redis, claim_idle_ms=200, max_deliveries=3)
    attempts: list[int] = []

    async def always_fails(job: Job) -> None:
        attempts.append(job.deliveries)
        raise RuntimeError("partner down")

    worker = Worker(queue=queue, handlers={"k": always_fails}, clock=time.time, block_ms=20)
    task = asyncio.create_task(worker.run())
    await queue.put(kind="k", payload={})
    await eventually(lambda: len(attempts) >= 3, timeout=5)
    await eventually(lambda: redis.xlen(queue.dead), timeout=5)
    worker.stop()
    await task
    assert attempts[:3] == [1, 2, 3]
    assert await queue.depth() == 0
    await redis.aclose()


async def test_a_job_an_older_worker_does_not_know_waits_for_one_that_does(redis_url):
    """A rolling deploy: the new web queues a new kind of job while an old worker still runs."""
    redis = await _redis(redis_url)
    queue = JobQueue(redis=redis, claim_idle_ms=50, max_deliveries=20)
    await queue.ensure_group()
    old = Worker(queue=queue, handlers={}, clock=time.time, block_ms=20)
    old_task = asyncio.create_task(old.run())
    await queue.put(kind="reply.edited", payload={"n": 1})

    async def taken_by_the_old_one() -> bool:
        return (await redis.xpending(queue.streams[0], queue.group))["pending"] == 1

    await eventually(taken_by_the_old_one, timeout=5)
    old.stop()
    await asyncio.wait_for(old_task, 5)
    done: list[dict] = []

    async def handle(job: Job) -> None:
        done.append(job.payload)

    new = Worker(queue=queue, handlers={"reply.edited": handle}, clock=time.time, block_ms=20)
    new_task = asyncio.create_task(new.run())
    await eventually(lambda: done, timeout=5)
    new.stop()
    await asyncio.wait_for(new_task, 5)
    assert done == [{"n": 1}] and await redis.xlen(queue.dead) == 0
    await redis.aclose()


async def test_scheduled_job_runs_once_with_two_workers(redis_url):
    redis = await _redis(redis_url)
    runs: list[str] = []

    async def record(job: Job) -> None:
        runs.append(job.job_id)

    queues = [JobQueue(redis=redis) for _ in range(2)]
    workers = [Worker(queue=q, handlers={"idle": record}, clock=time.time, block_ms=20) for q in queues]
    tasks = [asyncio.create_task(w.run()) for w in workers]
    await queues[0].put_at(kind="idle", payload={"m": 1}, at=time.time() + 0.2, job_id="idle:m1")
    await queues[1].put_at(kind="idle", payload={"m": 1}, at=time.time() + 0.3, job_id="idle:m1")  # moved
    assert await queues[0].scheduled_count() == 1
    await eventually(lambda: runs, timeout=5)
    await asyncio.sleep(0.3)
    for worker in workers:
        worker.stop()
    await asyncio.gather(*tasks)
    assert runs == ["idle:m1"]
    await redis.aclose()


async def test_cancelled_schedule_never_runs(redis_url):
    redis = await _redis(redis_url)
    queue = JobQueue(redis=redis)
    await queue.put_at(kind="idle", payload={}, at=time.time() - 1, job_id="gone")
    await queue.drop(job_id="gone")
    assert await queue.promote_due(now=time.time()) == 0
    await redis.aclose()


async def test_a_slow_job_does_not_hold_back_the_jobs_behind_it(redis_url):
    """A delivery waiting on a busy channel's rate limit must not stall other topics' replies."""
    redis = await _redis(redis_url)
    queue = JobQueue(redis=redis)
    release = asyncio.Event()
    done: list[str] = []

    async def handle(job: Job) -> None:
        if job.payload["name"] == "slow":
            await release.wait()
        done.append(job.payload["name"])

    worker = Worker(queue=queue, handlers={"k": handle}, clock=time.time, concurrency=2, block_ms=20)
    task = asyncio.create_task(worker.run())
    await queue.put(kind="k", payload={"name": "slow"})
    await queue.put(kind="k", payload={"name": "first"})
    await eventually(lambda: done == ["first"], timeout=5)
    for n in range(5):  # arrive while the slow one still waits: one slot is free for them
        await queue.put(kind="k", payload={"name": f"later {n}"})
    await eventually(lambda: len(done) == 6, timeout=5)
    assert "slow" not in done
    release.set()
    await eventually(lambda: "slow" in done, timeout=5)
    worker.stop()
    await asyncio.wait_for(task, 5)
    assert worker.processed == 7 and await queue.depth() == 0
    await redis.aclose()


async def test_stopping_lets_the_jobs_in_hand_finish(redis_url):
    redis = await _redis(redis_url)
    queue = JobQueue(redis=redis)
    started, finished = asyncio.Event(), []

    async def handle(job: Job) -> None:
        started.set()
        await asyncio.sleep(0.3)
        finished.append(job.payload["n"])

    worker = Worker(queue=queue, handlers={"k": handle}, clock=time.time, block_ms=20)
    task = asyncio.create_task(worker.run())
    await queue.put(kind="k", payload={"n": 1})
    await asyncio.wait_for(started.wait(), 5)
    worker.stop()
    await asyncio.wait_for(task, 5)
    assert finished == [1] and await queue.depth() == 0  # acked, not left for another worker to redo
    await redis.aclose()


async def test_a_job_told_to_come_back_stands_aside_and_runs_again(redis_url):
    redis = await _redis(redis_url)
    queue = JobQueue(redis=redis)
    runs: list[tuple[str, float]] = []

    async def handle(job: Job) -> None:
        runs.append((job.payload["name"], time.monotonic()))
        if job.payload["name"] == "busy channel" and len([r for r in runs if r[0] == "busy channel"]) == 1:
            raise RetryLater(0.4)

    worker = Worker(queue=queue, handlers={"k": handle}, clock=time.time, concurrency=1, block_ms=20)
    task = asyncio.create_task(worker.run())
    await queue.put(kind="k", payload={"name": "busy channel"}, job_id="deliver:a1")
    await eventually(lambda: runs, timeout=5)
    await queue.put(kind="k", payload={"name": "other topic"})
    await eventually(lambda: len(runs) == 3, timeout=5)
    assert [name for name, _ in runs] == ["busy channel", "other topic", "busy channel"]  # the one slot was free
    assert runs[2][1] - runs[0][1] >= 0.4
    worker.stop()
    await asyncio.wait_for(task, 5)
    assert worker.processed == 2 and await queue.depth() == 0 and await redis.xlen(queue.dead) == 0
    await redis.aclose()


async def test_a_job_running_longer_than_the_reclaim_delay_runs_once(redis_url):
    """Its worker keeps it alive: neither that worker nor another takes it for abandoned."""
    redis = await _redis(redis_url)
    queue = JobQueue(redis=redis, claim_idle_ms=150)
    runs: list[str] = []

    async def slow(job: Job) -> None:
        runs.append(job.stream_id)
        await asyncio.sleep(1.0)  # a 429 storm's retries, say

    workers = [Worker(queue=queue, handlers={"k": slow}, clock=time.time, block_ms=20) for _ in range(2)]
    tasks = [asyncio.create_task(w.run()) for w in workers]
    await queue.put(kind="k", payload={})
    await eventually(lambda: sum(w.processed for w in workers) == 1, timeout=5)
    await asyncio.sleep(0.3)
    for worker in workers:
        worker.stop()
    await asyncio.gather(*tasks)
    assert len(runs) == 1 and await queue.depth() == 0
    await redis.aclose()
