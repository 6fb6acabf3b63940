"""The job queue: a Redis Stream read by a consumer group, plus a sorted set of scheduled jobs.

A job is acknowledged (and deleted) only after its handler returned, so a worker killed in
the middle leaves it pending; another worker re-claims it after ``claim_idle_ms``. Handlers
must therefore be idempotent: they record their result before returning and check it first.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.domain.errors import RetryLater
from app.domain.ports import JobSpec
from app.runtime.logs import get_logger
from app.store import keys
from app.store.batching import ScriptBatcher
from app.store.connection import Replication, is_cluster
from app.store.layout import upgrade

log = get_logger("app.store.queue")

JobHandler = Callable[["Job"], Awaitable[None]]

# Moves due scheduled jobs into the stream; atomic, so each runs once whatever the workers.
PROMOTE_EVERY_S = 0.05  # scheduled jobs are moved to their stream at most this late
MAX_JOB_S = 600.0  # a job running longer is no longer kept alive: another worker may take it over (a hung call)

_PROMOTE_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  local job = cjson.decode(member)
  redis.call('DEL', ARGV[3] .. job['job_id'])  -- the mark: a key of this stream's slot
  redis.call('XADD', KEYS[2], '*', 'kind', job['kind'], 'payload', job['payload'], 'job_id', job['job_id'])
end
return #due
"""

# The "already queued" mark and the job in one step, the job first: a mark without its job (a
# process or a connection lost between two calls) would swallow every later enqueue of that id.
_ENQUEUE_ONCE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return false
end
local id = redis.call('XADD', KEYS[2], '*', 'kind', ARGV[1], 'payload', ARGV[2], 'job_id', ARGV[3])
redis.call('SET', KEYS[1], '1', 'EX', tonumber(ARGV[4]))
return id
"""
ENQUEUED_MARK_S = 24 * 3600  # Slack retries an event for about an hour; the handlers are idempotent beyond
# Likewise a scheduled job and its mark (which holds the job, so that scheduling again moves it):
# the job first, then the mark. Without ``move`` (ARGV[3] == '0'), a job already due stands.
_SCHEDULE = """
local previous = redis.call('GET', KEYS[1])
if previous and ARGV[3] == '0' then
  return 0
end
if previous and previous ~= ARGV[1] then
  redis.call('ZREM', KEYS[2], previous)
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[4]))
return 1
"""
_CANCEL = """
local member = redis.call('GET', KEYS[1])
if member then
  redis.call('ZREM', KEYS[2], member)
  redis.call('DEL', KEYS[1])
end
return member and 1 or 0
"""
SCHEDULED_MARK_S = 30 * 24 * 3600


Reads = dict[str, "asyncio.Task[list[Job]]"]  # a consumer's reads still waiting, by stream


@dataclass(frozen=True, slots=True)
class Job:
    stream_id: str
    job_id: str
    kind: str
    payload: dict[str, Any]
    deliveries: int = 1
    stream: str = keys.job_stream(0)


class JobQueue:
    """``streams`` job streams (1 on one server; several on a cluster, on different slots). A job's
    stream follows from its id, so its marks sit beside it; every worker reads every stream."""

    def __init__(
        self,
        *,
        redis: Any,
        streams: int = 1,
        replication: Replication | None = None,
        group: str = keys.JOBS_GROUP,
        claim_idle_ms: int = 30_000,
        max_deliveries: int = 20,
    ) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True
        self.streams = [keys.job_stream(n) for n in range(streams)]
        self.group = group
        self.dead = keys.JOBS_DEAD
        self.claim_idle_ms = claim_idle_ms
        self.max_deliveries = max_deliveries
        self._cluster = is_cluster(redis)
        self._promote: Any = redis.register_script(_PROMOTE_DUE)
        # A job enqueued is what the web acknowledged to a person: it waits for the replicas asked for.
        self._enqueue_batch = ScriptBatcher(
            redis=redis, script=redis.register_script(_ENQUEUE_ONCE), replication=replication
        )
        self._schedule: Any = redis.register_script(_SCHEDULE)
        self._cancel: Any = redis.register_script(_CANCEL)

    def _number(self, job_id: str) -> int:
        return keys.job_stream_of(job_id, streams=len(self.streams))

    async def prepare(self) -> None:
        """Before reading: data of an earlier layout moved (app/store/layout.py), the groups made."""
        await upgrade(redis=self._redis, streams=len(self.streams))
        await self.ensure_group()

    async def ensure_group(self) -> None:
        for stream in self.streams:
            try:
                await self._redis.xgroup_create(stream, self.group, id="0", mkstream=True)
            except ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise

    async def enqueue(self, job: JobSpec) -> None:
        await self.put(kind=job.kind, payload=job.payload(), job_id=job.job_id)

    async def schedule(self, job: JobSpec, *, at: float, move: bool = True) -> None:
        await self.put_at(kind=job.kind, payload=job.payload(), at=at, job_id=job.job_id, move=move)

    async def cancel(self, job: JobSpec) -> None:
        await self.drop(job_id=job.job_id)

    async def put(self, *, kind: str, payload: Mapping[str, Any], job_id: str | None = None) -> str:
        """Add a job; with ``job_id``, the same job enqueued twice runs once."""
        job_id = job_id or secrets.token_hex(8)
        n = self._number(job_id)
        await self._enqueue_batch.run(
            keys=[keys.job_mark(n, "queued", job_id), self.streams[n]],
            args=[kind, json.dumps(payload), job_id, ENQUEUED_MARK_S],
        )
        return job_id

    async def put_at(self, *, kind: str, payload: Mapping[str, Any], at: float, job_id: str, move: bool = True) -> None:
        """Run at ``at`` (epoch seconds); scheduling the same ``job_id`` again moves it, unless
        ``move`` is False: then the first time stands (at most one run per period)."""
        member = json.dumps({"kind": kind, "payload": json.dumps(payload), "job_id": job_id}, sort_keys=True)
        n = self._number(job_id)
        await self._schedule(
            keys=[keys.job_mark(n, "scheduled", job_id), keys.scheduled_jobs(n)],
            args=[member, repr(at), "1" if move else "0", SCHEDULED_MARK_S],
        )

    async def drop(self, *, job_id: str) -> None:
        n = self._number(job_id)
        await self._cancel(keys=[keys.job_mark(n, "scheduled", job_id), keys.scheduled_jobs(n)])

    async def promote_due(self, *, now: float, limit: int = 100) -> int:
        moved = await asyncio.gather(
            *(
                self._promote(
                    keys=[keys.scheduled_jobs(n), stream], args=[repr(now), limit, keys.job_mark(n, "scheduled", "")]
                )
                for n, stream in enumerate(self.streams)
            )
        )
        return sum(int(m) for m in moved)

    async def depth(self) -> int:
        """Jobs waiting or running (acknowledged ones are deleted from the stream)."""
        return sum(int(n) for n in await asyncio.gather(*(self._redis.xlen(s) for s in self.streams)))

    async def pending(self) -> int:
        """Jobs delivered to a worker and not acknowledged yet: running, or waiting to be taken over."""
        summaries = await asyncio.gather(*(self._pending_summary(s) for s in self.streams))
        return sum(summaries)

    async def _pending_summary(self, stream: str) -> int:
        try:
            return int((await self._redis.xpending(stream, self.group))["pending"])
        except ResponseError:  # no group yet: no worker ever started
            return 0

    async def dead_count(self) -> int:
        return int(await self._redis.xlen(self.dead))

    async def scheduled_count(self) -> int:
        counts = await asyncio.gather(*(self._redis.zcard(keys.scheduled_jobs(n)) for n in range(len(self.streams))))
        return sum(int(c) for c in counts)

    def _parse(self, stream: str, stream_id: str, fields: Mapping[str, str], deliveries: int = 1) -> Job:
        return Job(
            stream_id=stream_id,
            job_id=fields.get("job_id", stream_id),
            kind=fields.get("kind", ""),
            payload=json.loads(fields.get("payload") or "{}"),
            deliveries=deliveries,
            stream=stream,
        )

    async def claim_stale(self, *, consumer: str, count: int = 10) -> list[Job]:
        """Take over jobs whose worker went silent, from every stream. All of them are returned, even past
        ``count``: a job claimed and then left aside would wait another ``claim_idle_ms``, one
        delivery further on its way to the dead letters."""
        found = await asyncio.gather(*(self._claim_stale(s, consumer=consumer, count=count) for s in self.streams))
        return [job for jobs in found for job in jobs]

    async def _claim_stale(self, stream: str, *, consumer: str, count: int) -> list[Job]:
        """XAUTOCLAIM answers 2 items on Redis 6.2, 3 on 7."""
        reply = await self._redis.xautoclaim(
            stream, self.group, consumer, min_idle_time=self.claim_idle_ms, start_id="0-0", count=count
        )
        messages = reply[1] if isinstance(reply, list | tuple) and len(reply) >= 2 else []
        jobs: list[Job] = []
        for stream_id, fields in messages:
            if fields is None:  # deleted while pending (Redis 6.2 lists it with no fields)
                await self._redis.xack(stream, self.group, stream_id)
                continue
            pending = await self._redis.xpending_range(stream, self.group, stream_id, stream_id, 1)
            deliveries = int(pending[0]["times_delivered"]) if pending else 2
            jobs.append(self._parse(stream, stream_id, fields, deliveries))
        return jobs

    async def read_new(
        self, *, consumer: str, count: int = 10, block_ms: int = 1000, reading: Reads | None = None
    ) -> list[Job]:
        """On one server, one read waits on every stream. On a cluster the streams are on different
        slots: each has its own blocking read, and one that is still waiting when another answered
        is kept in the consumer's ``reading`` for its next call (cancelled, it could lose what Redis
        had just handed it)."""
        if not self._cluster:
            reply = await self._redis.xreadgroup(
                self.group, consumer, dict.fromkeys(self.streams, ">"), count=count, block=block_ms
            )
            return [self._parse(s, sid, fields) for s, messages in reply or [] for sid, fields in messages]
        reading = {} if reading is None else reading
        share = max(1, count // len(self.streams))
        for stream in self.streams:
            if stream not in reading:
                reading[stream] = asyncio.ensure_future(self._read_one(stream, consumer, share, block_ms))
        await asyncio.wait(reading.values(), return_when=asyncio.FIRST_COMPLETED)
        jobs: list[Job] = []
        for stream, task in list(reading.items()):
            if task.done():
                del reading[stream]
                jobs.extend(task.result())  # a read's error reaches the worker, which waits and reads again
        return jobs

    async def _read_one(self, stream: str, consumer: str, count: int, block_ms: int) -> list[Job]:
        reply = await self._redis.xreadgroup(self.group, consumer, {stream: ">"}, count=count, block=block_ms)
        return [self._parse(stream, sid, fields) for _s, messages in reply or [] for sid, fields in messages]

    @staticmethod
    async def finish_reads(reading: Reads) -> list[Job]:
        """At a graceful stop: the jobs the consumer's waiting reads are handed, to run before leaving."""
        if reading:
            await asyncio.wait(reading.values())
        jobs = [job for task in reading.values() if task.exception() is None for job in task.result()]
        reading.clear()
        return jobs

    async def keep_alive(self, *, consumer: str, jobs: Collection[Job]) -> None:
        """Reset the idle time of jobs still running here, so no worker takes them for abandoned
        (JUSTID: their delivery count stays as it is)."""
        by_stream: dict[str, list[str]] = {}
        for job in jobs:
            by_stream.setdefault(job.stream, []).append(job.stream_id)
        for stream, ids in by_stream.items():
            await self._redis.xclaim(stream, self.group, consumer, 0, ids, justid=True)

    async def ack(self, job: Job) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xack(job.stream, self.group, job.stream_id)
            pipe.xdel(job.stream, job.stream_id)
            await pipe.execute()

    async def bury(self, job: Job, *, reason: str) -> None:
        """Give up on a job that keeps failing: keep it for an operator, out of the way."""
        await self._redis.xadd(
            self.dead,
            {"kind": job.kind, "payload": json.dumps(job.payload), "job_id": job.job_id, "reason": reason},
            maxlen=10_000,
            approximate=True,
        )
        await self.ack(job)


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


class Worker:
    """Runs jobs from the queue with the registered handlers until ``stop`` is called."""

    def __init__(
        self,
        *,
        queue: JobQueue,
        handlers: Mapping[str, JobHandler],
        clock: Callable[[], float],
        concurrency: int = 8,
        block_ms: int = 500,
    ) -> None:
        self._queue = queue
        self._handlers = dict(handlers)
        self._clock = clock
        self._concurrency = concurrency
        self._block_ms = block_ms
        self._stopping = asyncio.Event()
        self.consumer = consumer_name()
        self._reading: Reads = {}
        self.processed = 0

    def stop(self) -> None:
        self._stopping.set()

    async def _run_one(self, job: Job) -> None:
        bound = log.bind(job_id=job.job_id, kind=job.kind, deliveries=job.deliveries)
        handler = self._handlers.get(job.kind)
        if handler is None:  # a newer version's job, during a rolling deploy: left for a worker that knows it
            bound.error("job.unknown_kind")
            if job.deliveries >= self._queue.max_deliveries:
                await self._queue.bury(job, reason="unknown kind")
            return
        try:
            await handler(job)
        except asyncio.CancelledError:
            raise
        except RetryLater as later:
            await self._queue.put_at(
                kind=job.kind, payload=job.payload, at=self._clock() + later.delay_s, job_id=job.job_id
            )
            await self._queue.ack(job)
            bound.info("job.deferred", seconds=round(later.delay_s, 2))
            return
        except Exception as error:
            bound.exception("job.failed", error=str(error))
            if job.deliveries >= self._queue.max_deliveries:
                await self._queue.bury(job, reason=str(error)[:500])
            return  # left pending: re-claimed after claim_idle_ms
        await self._queue.ack(job)
        self.processed += 1

    async def run(self) -> None:
        """Keeps up to ``concurrency`` jobs in flight, taking a new one as soon as one ends: a job
        waiting on a channel's rate limit must not hold back the replies of other topics. Jobs in
        flight are kept alive, so that neither this worker nor another takes them for abandoned."""
        while not self._stopping.is_set():  # Redis may still be starting, or restarting
            try:
                await self._queue.prepare()
                break
            except (RedisConnectionError, RedisTimeoutError, OSError) as error:
                log.warning("worker.redis_unavailable", error=str(error))
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), 1.0)
        log.info("worker.started", consumer=self._consumer_label())
        running: dict[asyncio.Task[None], tuple[Job, float]] = {}  # task → (job, started)
        heartbeat_s = self._queue.claim_idle_ms / 3000
        claim_every_s = min(1.0, self._queue.claim_idle_ms / 4000)  # a silent worker's jobs wait claim_idle_ms anyway
        last_beat = last_promote = last_claim = 0.0
        while not self._stopping.is_set():
            try:
                now = time.monotonic()
                if now - last_beat >= heartbeat_s:
                    alive = [job for job, since in running.values() if now - since < MAX_JOB_S]
                    await self._queue.keep_alive(consumer=self.consumer, jobs=alive)
                    last_beat = now
                free = self._concurrency - len(running)
                if free <= 0:
                    stopping = asyncio.ensure_future(self._stopping.wait())
                    await asyncio.wait({*running, stopping}, timeout=heartbeat_s, return_when=asyncio.FIRST_COMPLETED)
                    stopping.cancel()
                    continue
                if now - last_promote >= PROMOTE_EVERY_S:
                    await self._queue.promote_due(now=self._clock())
                    last_promote = now
                jobs: list[Job] = []
                if now - last_claim >= claim_every_s:
                    # A task just ended leaves ``running`` a turn later: its job, failed and pending, is fair game.
                    in_flight = {job.stream_id for task, (job, _) in running.items() if not task.done()}
                    stale = await self._queue.claim_stale(consumer=self.consumer, count=free)
                    jobs = [j for j in stale if j.stream_id not in in_flight]
                    last_claim = now
                if not jobs:
                    block_ms = min(self._block_ms, int(heartbeat_s * 1000)) if running else self._block_ms
                    jobs = await self._queue.read_new(
                        consumer=self.consumer, count=free, block_ms=block_ms, reading=self._reading
                    )
                self._start(jobs, running)
            except (RedisConnectionError, RedisTimeoutError, OSError) as error:  # Redis away, or slow: wait, resume
                log.warning("worker.redis_unavailable", error=str(error))
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), 1.0)
            except ResponseError as error:
                if "NOGROUP" in str(error):  # Redis restarted empty: recreate the group
                    await self._queue.ensure_group()
                else:
                    raise
        with contextlib.suppress(RedisConnectionError, RedisTimeoutError, OSError):
            self._start(await self._queue.finish_reads(self._reading), running)
        if running:  # a graceful stop lets the jobs in hand finish
            await asyncio.gather(*running, return_exceptions=True)
        log.info("worker.stopped", consumer=self._consumer_label(), processed=self.processed)

    def _start(self, jobs: list[Job], running: dict[asyncio.Task[None], tuple[Job, float]]) -> None:
        for job in jobs:
            task = asyncio.create_task(self._run_one(job))
            running[task] = (job, time.monotonic())
            task.add_done_callback(running.pop)

    def _consumer_label(self) -> str:
        return self.consumer
