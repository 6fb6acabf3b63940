"""Moves data written under earlier key names to the current ones (app/store/keys.py), once.

Layout 2 gave a platform message's keys and each job stream's marks a hash tag, for Redis Cluster,
and keeps each answer's vote emoji in one hash instead of one set per voter.
A server that ran an earlier Cercle keeps its message refs (votes on old answers still count),
its queued and scheduled jobs and their marks (nothing runs twice, nothing is dropped). A cluster
never ran the earlier layout: there is nothing to move. Safe to run from several processes at
once: each key is renamed by one of them, the others find it gone."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from redis.exceptions import ResponseError

from app.runtime.logs import get_logger
from app.store import keys
from app.store.connection import is_cluster

log = get_logger("app.store.layout")

LAYOUT_VERSION = "2"
_MESSAGE_KEYS: dict[
    str, Callable[[str, str, str], str]
] = {  # layout 1 prefix → how layout 2 names the key, from (kind, channel key, message id)
    "ref": lambda kind, channel, message: keys.message_ref(kind, channel, message),
    "parked": lambda _kind, channel, message: keys.parked_reactions(channel, message),
    "reply-change": lambda _kind, channel, message: keys.reply_change(channel, message),
    "reply-edit": lambda _kind, channel, message: keys.reply_edit(channel, message),
}
_OLD_STREAM = f"{keys.PREFIX}:jobs"
_OLD_SCHEDULED = f"{keys.PREFIX}:jobs:scheduled"


async def upgrade(*, redis: Any, streams: int) -> int:
    """Returns how many keys moved."""
    if await redis.get(keys.LAYOUT) == LAYOUT_VERSION:
        return 0
    moved = 0
    if not is_cluster(redis):
        moved += await _message_keys(redis)
        moved += await _vote_emoji(redis)
        moved += await _job_marks(redis, streams)
        moved += await _jobs(redis, streams)
    await redis.set(keys.LAYOUT, LAYOUT_VERSION)
    if moved:
        log.info("store.layout_upgraded", version=LAYOUT_VERSION, keys=moved)
    return moved


async def _rename(redis: Any, old: str, new: str) -> int:
    try:
        return int(bool(await redis.renamenx(old, new))) or await _drop(redis, old)
    except ResponseError:  # another process moved it first
        return 0


async def _drop(redis: Any, old: str) -> int:
    """The new key was written since (by this version): it is the newer one."""
    await redis.delete(old)
    return 0


async def _message_keys(redis: Any) -> int:
    moved = 0
    for prefix, name in _MESSAGE_KEYS.items():
        async for key in redis.scan_iter(match=f"{keys.PREFIX}:{prefix}:*", count=1000):
            rest = key[len(f"{keys.PREFIX}:{prefix}:") :]
            kind, rest = rest.split(":", 1) if prefix == "ref" else ("", rest)
            channel, _, message = rest.rpartition(":")
            if channel:
                moved += await _rename(redis, key, name(kind, channel, message))
    return moved


async def _vote_emoji(redis: Any) -> int:
    """Layout 1 kept one set per voter per answer; layout 2 one hash per answer (far smaller)."""
    moved = 0
    async for key in redis.scan_iter(match=f"{keys.PREFIX}:{{t:*}}:voter-emoji:*", count=1000):
        head, _, rest = key.partition(":voter-emoji:")
        topic_id = head.split("{t:", 1)[1].rstrip("}")
        answer_id, _, voter = rest.partition(":")
        held = sorted(await redis.smembers(key))
        if held:
            await redis.hset(keys.vote_emoji(topic_id, answer_id), voter, ",".join(held))
            await redis.expire(keys.vote_emoji(topic_id, answer_id), 90 * 24 * 3600)
        await redis.delete(key)
        moved += 1
    return moved


async def _job_marks(redis: Any, streams: int) -> int:
    moved = 0
    for old_kind, new_kind in (("job", "queued"), ("scheduled", "scheduled")):
        prefix = keys.dedupe(old_kind, "")
        async for key in redis.scan_iter(match=f"{prefix}*", count=1000):
            job_id = key[len(prefix) :]
            n = keys.job_stream_of(job_id, streams=streams)
            moved += await _rename(redis, key, keys.job_mark(n, new_kind, job_id))
    return moved


async def _jobs(redis: Any, streams: int) -> int:
    """Queued jobs keep their place in line (and, with one stream, their consumer group and
    pending entries); scheduled ones keep their time."""
    moved = 0
    if await redis.exists(_OLD_STREAM):
        if streams == 1:
            moved += await _rename(redis, _OLD_STREAM, keys.job_stream(0))
        if await redis.exists(_OLD_STREAM):  # several streams, or the new one already written
            for _id, fields in await redis.xrange(_OLD_STREAM):
                n = keys.job_stream_of(fields.get("job_id", _id), streams=streams)
                await redis.xadd(keys.job_stream(n), fields)
                moved += 1
            await redis.delete(_OLD_STREAM)
    for member, at in await redis.zrange(_OLD_SCHEDULED, 0, -1, withscores=True):
        n = keys.job_stream_of(json.loads(member)["job_id"], streams=streams)
        await redis.zadd(keys.scheduled_jobs(n), {member: at})
        moved += 1
    await redis.delete(_OLD_SCHEDULED)
    return moved
