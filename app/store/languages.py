"""``Languages`` in Redis: one key per organisation (kept until changed) and per person (kept for
as long as the platform's word is worth trusting)."""

from __future__ import annotations

from typing import Any

from app.store import keys
from app.store.connection import RedisClient


class RedisLanguages:
    def __init__(self, *, redis: RedisClient) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True

    async def organisation(self, *, org_key: str) -> str | None:
        value = await self._redis.get(keys.organisation_language(org_key))
        return None if value is None else str(value)

    async def set_organisation(self, *, org_key: str, language: str) -> None:
        await self._redis.set(keys.organisation_language(org_key), language)

    async def person(self, *, org_key: str, user_id: str) -> str | None:
        value = await self._redis.get(keys.person_language(org_key, user_id))
        return None if value is None else str(value)

    async def remember_person(self, *, org_key: str, user_id: str, language: str, seconds: float) -> None:
        await self._redis.set(keys.person_language(org_key, user_id), language, ex=max(1, int(seconds)))
