"""Organisations, partnerships and invitation codes on Redis."""

from __future__ import annotations

import json
import secrets
from typing import Any

from app.domain.models import Organisation, Platform
from app.store import keys
from app.store.connection import RedisClient
from app.usecases.partners import INVITATION_HOURS

INVITATION_TTL_S = INVITATION_HOURS * 3600
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and retyped


def new_invitation_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == 8 else cleaned


class RedisPartnerRepository:
    def __init__(self, *, redis: RedisClient) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True

    async def save_organisation(self, *, org: Organisation) -> None:
        mapping = {"platform": str(org.platform), "tenant": org.tenant, "name": org.name, "inbox": org.inbox or ""}
        await self._redis.hset(keys.organisation(org.key), mapping=mapping)

    async def organisation(self, *, org_key: str) -> Organisation | None:
        data = await self._redis.hgetall(keys.organisation(org_key))
        if not data:
            return None
        return Organisation(
            platform=Platform(data["platform"]),
            tenant=data["tenant"],
            name=data.get("name") or data["tenant"],
            inbox=data.get("inbox") or None,
        )

    async def set_inbox(self, *, org: Organisation, channel: str) -> None:
        await self.save_organisation(org=Organisation(org.platform, org.tenant, org.name, channel))

    async def create_invitation(self, *, org: Organisation, by: str, now: float) -> str:
        code = new_invitation_code()
        record = json.dumps({"from": org.key, "name": org.name, "by": by, "created_at": now})
        await self._redis.set(keys.invitation(code), record, ex=INVITATION_TTL_S, nx=True)
        return code

    async def peek_invitation(self, *, code: str) -> dict[str, Any] | None:
        raw = await self._redis.get(keys.invitation(normalise_code(code)))
        return json.loads(raw) if raw else None

    async def consume_invitation(self, *, code: str) -> dict[str, Any] | None:
        """Single use: of two concurrent accepts, one gets the invitation, the other None."""
        raw = await self._redis.getdel(keys.invitation(normalise_code(code)))
        return json.loads(raw) if raw else None

    async def wrong_codes(self, *, org_key: str) -> int:
        return int(await self._redis.get(keys.wrong_codes(org_key)) or 0)

    async def note_wrong_code(self, *, org_key: str, window_s: float) -> int:
        """One more wrong code; the count lasts ``window_s`` from the first of them."""
        async with self._redis.pipeline(transaction=True) as pipe:  # Redis 6.2 has no EXPIRE ... NX
            pipe.set(keys.wrong_codes(org_key), 0, ex=max(1, int(window_s)), nx=True)
            pipe.incr(keys.wrong_codes(org_key))
            _, count = await pipe.execute()
        return int(count)

    async def link(self, *, a: str, b: str, by: str, now: float) -> None:
        """Both sides, in one round trip; on a cluster they are two slots, and a failure between
        them fails the command, which the person (or the retried job) sends again."""
        record = json.dumps({"since": now, "by": by})
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hset(keys.partners(a), b, record)
            pipe.hset(keys.partners(b), a, record)
            await pipe.execute()

    async def unlink(self, *, a: str, b: str) -> bool:
        async with self._redis.pipeline(transaction=False) as pipe:  # two slots, as in link
            pipe.hdel(keys.partners(a), b)
            pipe.hdel(keys.partners(b), a)
            removed = await pipe.execute()
        return any(removed)

    async def partner_keys(self, *, org_key: str) -> list[str]:
        return sorted(await self._redis.hkeys(keys.partners(org_key)))

    async def are_partners(self, *, a: str, b: str) -> bool:
        return bool(await self._redis.hexists(keys.partners(a), b))
