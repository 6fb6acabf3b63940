"""``NetworkLog`` in Redis: each network's state, shown by `/ask networks`, and how far each
question's replies were read."""

from __future__ import annotations

from typing import Any

from app.domain.networks import NetworkMode, NetworkState
from app.store import keys
from app.store.connection import RedisClient

CURSOR_TTL_S = 3 * 24 * 3600  # polling stops a day after the topic closes


class RedisNetworkLog:
    def __init__(self, *, redis: RedisClient) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True

    async def record_success(self, *, key: str, readable: bool, at: float) -> None:
        mode = NetworkMode.WORKING if readable else NetworkMode.PUBLISH_ONLY
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.network_state(key), mapping={"mode": str(mode), "ok_at": repr(at), "failures": "0"})
            pipe.hdel(keys.network_state(key), "error", "failing_since")
            await pipe.execute()

    async def record_failure(self, *, key: str, error: str, at: float) -> int:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.network_state(key), mapping={"mode": str(NetworkMode.FAILING), "error": error[:300]})
            pipe.hsetnx(keys.network_state(key), "failing_since", repr(at))
            pipe.hincrby(keys.network_state(key), "failures", 1)
            done = await pipe.execute()
        return int(done[-1])

    async def state(self, *, key: str, name: str) -> NetworkState:
        data = await self._redis.hgetall(keys.network_state(key))
        mode = NetworkMode(data.get("mode") or NetworkMode.WORKING)
        since = float(data.get("failing_since") or 0.0)
        return NetworkState(key, name, mode, last_error=data.get("error", ""), failing_since=since)

    async def reading(self, *, key: str, topic_id: str, until: float, now: float) -> int:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(keys.network_polls(key), {topic_id: until})
            pipe.zremrangebyscore(keys.network_polls(key), "-inf", now)
            pipe.zcard(keys.network_polls(key))
            done = await pipe.execute()
        return int(done[-1])

    async def cursor(self, *, topic_id: str, key: str) -> str:
        return str(await self._redis.get(keys.network_cursor(topic_id, key)) or "")

    async def save_cursor(self, *, topic_id: str, key: str, cursor: str) -> None:
        await self._redis.set(keys.network_cursor(topic_id, key), cursor, ex=CURSOR_TTL_S)
