"""Votes on answers: one per person per answer, in Redis hashes (atomic, shared by all processes)."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis

from app import keys


class RedisVoteRepository:
    def __init__(self, *, redis: aioredis.Redis) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True

    async def cast(self, *, topic_id: str, answer_id: str, voter: str, direction: int) -> None:
        """The voter's latest direction wins; 0 removes the vote."""
        key = keys.answer_votes(topic_id, answer_id)
        if direction == 0:
            await self._redis.hdel(key, voter)
        else:
            await self._redis.hset(key, voter, 1 if direction > 0 else -1)

    async def tally(self, *, topic_id: str, answer_id: str) -> int:
        values = await self._redis.hvals(keys.answer_votes(topic_id, answer_id))
        return sum(int(v) for v in values)
