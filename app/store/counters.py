"""Counters that every process adds to and the web's /metrics reads: the worker has no HTTP port,
and what it counts (questions opened, refused) must show on the web's."""

from __future__ import annotations

from typing import Any

from app.store import keys
from app.store.connection import RedisClient


class Counters:
    def __init__(self, *, redis: RedisClient) -> None:
        self._redis: Any = redis

    async def incr(self, *, name: str, labels: tuple[str, ...]) -> None:
        await self._redis.hincrby(keys.counters(name), "|".join(labels), 1)

    async def read(self, *, name: str) -> dict[tuple[str, ...], int]:
        rows = await self._redis.hgetall(keys.counters(name))
        return {tuple(str(field).split("|")): int(value) for field, value in rows.items()}
