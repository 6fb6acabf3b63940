"""Where Cercle is installed in Teams, kept in Redis: what a proactive send needs (the tenant's
serviceUrl, the conversation) and what the core asks about the organisation (its name, who may
manage its partners, people's names).

Teams has no install page: a ``conversationUpdate`` says the bot was added to (or removed from) a
team or chat. Each tenant's keys share one hash tag, so one transaction writes them together."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from app.store import keys
from app.store.connection import RedisClient


@dataclass(frozen=True, slots=True)
class TenantInstall:
    tenant: str
    service_url: str
    bot_id: str
    team_name: str


@dataclass(frozen=True, slots=True)
class Conversation:
    """One team channel or chat where Cercle is: ``kind`` is Teams' conversationType."""

    id: str
    kind: str  # channel, groupChat, personal
    team_id: str = ""
    team_name: str = ""


class TeamsInstallations:
    def __init__(self, *, redis: RedisClient) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True

    async def installed(
        self, *, tenant: str, service_url: str, bot_id: str, conversation: Conversation, installer: str
    ) -> bool:
        """Cercle was added to a team or chat; True when it is the tenant's first installation."""
        first = not await self._redis.exists(keys.teams_tenant(tenant))
        fields = {"service_url": service_url, "bot_id": bot_id}
        if conversation.team_name:
            fields["team_name"] = conversation.team_name
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.teams_tenant(tenant), mapping=fields)
            pipe.hsetnx(keys.teams_tenant(tenant), "installed_at", str(time.time()))
            pipe.hset(keys.teams_conversations(tenant), conversation.id, _dump(conversation))
            if installer and conversation.kind == "personal":  # for oneself: no say over the organisation's partners
                pipe.hset(keys.teams_personal(tenant), installer, conversation.id)
            elif installer:
                pipe.sadd(keys.teams_installers(tenant), installer)
            await pipe.execute()
        return first

    async def removed(self, *, tenant: str, conversation_id: str, team_id: str) -> bool:
        """Cercle was removed from a team (all its channels go) or a chat; True when nothing is left in
        the tenant: the organisation is gone."""
        known = await self._redis.hgetall(keys.teams_conversations(tenant))
        gone = [
            cid
            for cid, raw in known.items()
            if _text(cid) == conversation_id or (team_id and json.loads(raw).get("team_id") == team_id)
        ]
        if gone:
            await self._redis.hdel(keys.teams_conversations(tenant), *gone)
        if await self._redis.hlen(keys.teams_conversations(tenant)):
            return False
        await self._redis.delete(keys.teams_tenant(tenant), keys.teams_installers(tenant))
        return True

    async def seen(self, *, tenant: str, service_url: str, conversation: Conversation, person: tuple[str, str]) -> None:
        """A command from a conversation, in one round trip: the serviceUrl may have moved, a channel of
        a team Cercle is in needs no installation of its own, and the person is named."""
        async with self._redis.pipeline(transaction=True) as pipe:
            if person[0] and person[1]:
                pipe.hset(keys.teams_people(tenant), person[0], person[1])
            pipe.hset(keys.teams_tenant(tenant), "service_url", service_url)
            pipe.hset(keys.teams_conversations(tenant), conversation.id, _dump(conversation))
            if conversation.team_name:
                pipe.hsetnx(keys.teams_tenant(tenant), "team_name", conversation.team_name)
            if conversation.kind == "personal" and person[0]:
                pipe.hset(keys.teams_personal(tenant), person[0], conversation.id)
            await pipe.execute()

    async def tenant(self, *, tenant: str) -> TenantInstall | None:
        data = {_text(k): _text(v) for k, v in (await self._redis.hgetall(keys.teams_tenant(tenant))).items()}
        if not data.get("service_url"):
            return None
        return TenantInstall(tenant, data["service_url"], data.get("bot_id", ""), data.get("team_name", ""))

    async def conversation(self, *, tenant: str, conversation_id: str) -> Conversation | None:
        raw = await self._redis.hget(keys.teams_conversations(tenant), conversation_id)
        return None if raw is None else Conversation(**json.loads(raw))

    async def is_installer(self, *, tenant: str, user_id: str) -> bool:
        return bool(await self._redis.sismember(keys.teams_installers(tenant), user_id))

    async def remember_name(self, *, tenant: str, user_id: str, name: str) -> None:
        """Teams names people in each activity: the name a reply is credited with (one per person in
        the tenant who wrote in a thread Cercle reads; it follows a change of name)."""
        if user_id and name:
            await self._redis.hset(keys.teams_people(tenant), user_id, name)

    async def personal_chat(self, *, tenant: str, user_id: str) -> str | None:
        """The person's 1:1 chat with Cercle, once they installed it for themselves or wrote to it."""
        raw = await self._redis.hget(keys.teams_personal(tenant), user_id)
        return None if raw is None else _text(raw)

    async def name(self, *, tenant: str, user_id: str) -> str | None:
        raw = await self._redis.hget(keys.teams_people(tenant), user_id)
        return None if raw is None else _text(raw)


def _dump(conversation: Conversation) -> str:
    return json.dumps(
        {
            "id": conversation.id,
            "kind": conversation.kind,
            "team_id": conversation.team_id,
            "team_name": conversation.team_name,
        }
    )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
