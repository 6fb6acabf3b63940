"""``Ledger`` in Redis: one hash per organisation and day, kept 100 days."""

from __future__ import annotations

import time
from typing import Any

from app.domain.ledger import LedgerField
from app.store import keys
from app.store.connection import RedisClient

KEPT_S = 100 * 24 * 3600


def _day(at: float) -> str:
    return time.strftime("%Y%m%d", time.gmtime(at))


class RedisLedger:
    def __init__(self, *, redis: RedisClient) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True

    async def record(self, *, org: str, partner: str, field: LedgerField, event: str, at: float) -> None:
        # Marked first: a crash between the two counts one event too few, never one twice.
        if not await self._redis.set(keys.ledger_event(event), "1", nx=True, ex=KEPT_S):
            return
        day = keys.ledger_day(org, _day(at))
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(day, f"{partner}|{field}", 1)
            pipe.expire(day, KEPT_S)
            await pipe.execute()

    async def totals(self, *, org: str, days: int, now: float) -> dict[str, dict[LedgerField, int]]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for back in range(days):
                pipe.hgetall(keys.ledger_day(org, _day(now - back * 86400)))
            per_day = await pipe.execute()
        totals: dict[str, dict[LedgerField, int]] = {}
        for counts in per_day:
            for name, count in counts.items():
                partner, _, field = name.rpartition("|")
                bucket = totals.setdefault(partner, {})
                bucket[LedgerField(field)] = bucket.get(LedgerField(field), 0) + int(count)
        return totals
