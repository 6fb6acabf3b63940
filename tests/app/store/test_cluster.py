"""The job queue on a real Redis Cluster: streams on several masters, every stream read, and a
write acknowledged to a person held by a replica first."""

from __future__ import annotations

import asyncio
import signal
import time

from app.store import keys
from app.store.connection import RedisTarget, Replication, connect
from app.store.queue import Job, JobQueue, Worker
from tests.waiting import eventually


async def test_the_job_streams_sit_on_every_master_and_each_job_runs_once(redis_cluster):
    redis_cluster.wait_ok()
    redis_cluster.flush()
    redis = connect(target=RedisTarget(url=redis_cluster.url, cluster=True))
    queue = JobQueue(redis=redis, streams=8)
    masters = {redis_cluster.master_of(stream).port for stream in queue.streams}
    assert len(masters) == 3  # no single shard carries all the work
    ran: list[int] = []

    async def count(job: Job) -> None:
        ran.append(job.payload["n"])

    workers = [Worker(queue=queue, handlers={"count": count}, clock=time.time, block_ms=200) for _ in range(2)]
    tasks = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        for n in range(200):
            await queue.put(kind="count", payload={"n": n}, job_id=f"job-{n}")
            await queue.put(kind="count", payload={"n": n}, job_id=f"job-{n}")  # the same job again
        await queue.put_at(kind="count", payload={"n": 200}, at=time.time() + 0.3, job_id="later")
        await eventually(lambda: len(ran) == 201, timeout=30)
        await asyncio.sleep(0.5)
    finally:
        for worker in workers:
            worker.stop()
        await asyncio.gather(*tasks)
    assert sorted(ran) == list(range(201))
    assert {len(queue.streams) for _ in workers} == {8} and sum(w.processed for w in workers) == 201
    assert await queue.depth() == 0
    await redis.aclose()


async def test_an_enqueue_waits_for_the_replica_of_its_stream(redis_cluster, capsys):
    redis_cluster.wait_ok()
    redis_cluster.flush()
    redis = connect(target=RedisTarget(url=redis_cluster.url, cluster=True))
    queue = JobQueue(redis=redis, streams=1, replication=Replication(replicas=1, timeout_ms=200))
    await queue.put(kind="k", payload={}, job_id="while-replicated")
    assert "redis.write_not_replicated" not in capsys.readouterr().out
    replica = redis_cluster.replica_of(redis_cluster.master_of(keys.job_stream(0)))
    assert replica.process is not None
    replica.process.send_signal(signal.SIGSTOP)  # the replica stops reading: the master's writes stay its own
    try:
        started = time.monotonic()
        await queue.put(kind="k", payload={}, job_id="while-the-replica-sleeps")
        waited = time.monotonic() - started
    finally:
        replica.process.send_signal(signal.SIGCONT)
    assert waited >= 0.2 and "redis.write_not_replicated" in capsys.readouterr().out
    assert await queue.depth() == 2  # acknowledged late, but written
    await redis.aclose()


async def test_on_one_server_a_batch_of_enqueues_waits_once_for_the_replicas(redis_url, capsys):
    redis = connect(target=RedisTarget(url=redis_url))
    queue = JobQueue(redis=redis, replication=Replication(replicas=1, timeout_ms=100))
    started = time.monotonic()
    await asyncio.gather(*(queue.put(kind="k", payload={}, job_id=f"j{n}") for n in range(50)))
    waited = time.monotonic() - started
    assert await queue.depth() == 50
    assert 0.1 <= waited < 2.5  # one WAIT for the batch, not fifty (the embedded server has no replica)
    assert capsys.readouterr().out.count("redis.write_not_replicated") == 1
    await redis.aclose()
